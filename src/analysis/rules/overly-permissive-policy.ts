import type { Rule } from './types.js';
import { overlyPermissiveIssues } from './support/policy-document.js';
import { policyDocumentHits } from './support/policy-hits.js';

/**
 * Policy versions created or made default in the period whose Allow statements give a
 * broad set of devices access. Only versions whose document the period's events show
 * are judged; unrecorded documents are `policy-document-unchecked`'s.
 */
export const overlyPermissivePolicy: Rule<Record<string, never>> = {
  id: 'overly-permissive-policy',
  title: 'Overly permissive IoT policy created or made default',
  severity: 'critical',
  description:
    'A policy version created or made default allows `iot:*` or a wildcard action on every resource (`*`, or an ARN ending in `*` before its resource part, such as `arn:aws:iot:*`), `iot:Connect` with any client id (`client/*`, or `client/${iot:ClientId}`, which is the client id asked for, unless a Condition requires `iot:Connection.Thing.IsAttached`), publishing/receiving on every topic or on every thing\'s reserved topics (`$aws/things/*/...`), subscribing to every topic filter (`#`, `+`, `*`) or to every thing\'s reserved topics, shadow or job actions on every thing, or uses NotAction/NotResource with Allow. Deny statements are never counted as permissive; Conditions are not evaluated, except that one requiring `iot:Connection.Thing.IsAttached` scopes `${iot:ClientId}` to the attached thing. A version not made the default in the period is reported one level lower.',
  deviceDefenderCheck: 'IOT_POLICY_OVERLY_PERMISSIVE_CHECK',
  remediation:
    'Create a new policy version scoped with policy variables (e.g. `client/${iot:Connection.Thing.ThingName}`, `topic/devices/${iot:Connection.Thing.ThingName}/*`) and make it the default; check with ListTargetsForPolicy which certificates and thing groups use the policy.',
  resourceKind: 'policy',
  defaults: {},
  evaluate(ctx) {
    return policyDocumentHits(ctx.policyVersions(), overlyPermissiveIssues, 'gives a broad set of devices access');
  },
};
