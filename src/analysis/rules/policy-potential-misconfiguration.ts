import type { Rule } from './types.js';
import { misconfigurationIssues } from './support/policy-document.js';
import { policyDocumentHits } from './support/policy-hits.js';

/** Policy versions created or made default whose statements probably do not do what was meant. */
export const policyPotentialMisconfiguration: Rule<Record<string, never>> = {
  id: 'policy-potential-misconfiguration',
  title: 'IoT policy potentially misconfigured',
  severity: 'medium',
  description:
    'A policy version created or made default uses MQTT wildcards (`+`, `#`, literal in IoT policies) in a Deny statement or a topic resource, or a wildcard without a policy variable in a client, thing, topic or topic filter resource where a per-device scope is expected (`${iot:Connection.Thing.ThingName}`, with a Condition requiring `iot:Connection.Thing.IsAttached` for client ids; `${iot:ClientId}` scopes topics and things, not client ids). A version not made the default in the period is reported one level lower.',
  deviceDefenderCheck: 'IOT_POLICY_POTENTIAL_MIS_CONFIGURATION_CHECK',
  remediation:
    'Replace MQTT wildcards in policy resources with `*` where a wildcard is meant, and scope per-device resources with policy variables; create a new version and make it the default.',
  resourceKind: 'policy',
  defaults: {},
  evaluate(ctx) {
    return policyDocumentHits(ctx.policyVersions(), misconfigurationIssues, 'is potentially misconfigured');
  },
};
