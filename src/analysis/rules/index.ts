/** Every findings rule, by id (= file name). The one place a rule is registered. */
import type { Rule } from './types.js';
import { caAutoRegistration } from './ca-auto-registration.js';
import { certificateExpiring } from './certificate-expiring.js';
import { certificateForceDelete } from './certificate-force-delete.js';
import { certificateReactivated } from './certificate-reactivated.js';
import { certificateTransferOutsideOrg } from './certificate-transfer-outside-org.js';
import { certificateWithoutCa } from './certificate-without-ca.js';
import { changeOutsideAllowList } from './change-outside-allow-list.js';
import { consoleChange } from './console-change.js';
import { deniedBurst } from './denied-burst.js';
import { humanWithoutMfa } from './human-without-mfa.js';
import { loggingDisabled } from './logging-disabled.js';
import { newSource } from './new-source.js';
import { outsideChangeWindow } from './outside-change-window.js';
import { overlyPermissivePolicy } from './overly-permissive-policy.js';
import { policyDefaultRollback } from './policy-default-rollback.js';
import { policyDocumentUnchecked } from './policy-document-unchecked.js';
import { policyPotentialMisconfiguration } from './policy-potential-misconfiguration.js';
import { roleAliasBroadRole } from './role-alias-broad-role.js';
import { rootUserChange } from './root-user-change.js';

export const RULES: Readonly<Record<string, Rule>> = {
  'overly-permissive-policy': overlyPermissivePolicy,
  'policy-potential-misconfiguration': policyPotentialMisconfiguration,
  'policy-document-unchecked': policyDocumentUnchecked,
  'policy-default-rollback': policyDefaultRollback,
  'certificate-reactivated': certificateReactivated,
  'ca-auto-registration': caAutoRegistration,
  'certificate-without-ca': certificateWithoutCa,
  'certificate-transfer-outside-org': certificateTransferOutsideOrg,
  'certificate-force-delete': certificateForceDelete,
  'certificate-expiring': certificateExpiring,
  'root-user-change': rootUserChange,
  'human-without-mfa': humanWithoutMfa,
  'console-change': consoleChange,
  'new-source': newSource,
  'outside-change-window': outsideChangeWindow,
  'denied-burst': deniedBurst,
  'logging-disabled': loggingDisabled,
  'role-alias-broad-role': roleAliasBroadRole,
  'change-outside-allow-list': changeOutsideAllowList,
};

export const RULE_IDS: readonly string[] = Object.keys(RULES);
