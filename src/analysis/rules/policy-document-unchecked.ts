import type { Rule, RuleHit } from './types.js';
import type { PolicyHistory } from '../../report/model.js';
import { defaultNotShownOrigin } from '../policies.js';
import { versionDiscriminator, versionLabel } from './support/policy-versions.js';
import { clip } from './support/text.js';

/**
 * A policy version created in the period whose document could not be judged: CloudTrail
 * did not record it (request parameters over its size limit; padding a document is a
 * known way to hide it) or it could not be read. Never reported as an empty policy.
 * So is a version SetDefaultPolicyVersion made the default whose document the period does not
 * show (created before it, or by a creation of the period whose version id CloudTrail did not
 * log or that the logs miss): what the policy allows from then on is unknown, not harmless.
 */
export const policyDocumentUnchecked: Rule<Record<string, never>> = {
  id: 'policy-document-unchecked',
  title: 'Policy document could not be checked',
  severity: 'low',
  description:
    'A policy version was created, but CloudTrail did not record its document (request parameters too large) or the logged document is not readable JSON; or SetDefaultPolicyVersion made a version the default whose document the period\'s events do not show (created before the period, or by a creation of the period whose version id CloudTrail did not log or that the logs miss: after the period shows the policy created or deleted, only such a creation). Either way the policy rules could not judge it.',
  remediation:
    'Review the version with `aws iot get-policy-version`; a document padded past CloudTrail\'s size limit hides its content from the audit trail.',
  resourceKind: 'policy',
  defaults: {},
  evaluate(ctx) {
    const versions = ctx.policyVersions();
    const unreadable = versions
      .filter((v) => v.created !== null && v.reading.status !== 'ok')
      .map((v): RuleHit => {
        const reason = v.reading.status === 'ok' ? '' : v.reading.reason;
        const recorded = v.reading.status === 'not-recorded' ? 'was not recorded' : 'could not be read';
        return {
          accountId: v.accountId,
          region: v.region,
          resource: v.policyName,
          eventIds: v.events.map((e) => e.eventId),
          time: v.events[0]!.eventTime,
          description: `The document of policy "${clip(v.policyName, 100)}" ${versionLabel(v)} ${recorded} (${reason}); it was not checked.`,
          evidence: null,
          discriminator: versionDiscriminator(v),
        };
      });
    return [...unreadable, ...madeDefaultUnseen(ctx.policies)];
  },
};

/**
 * The versions SetDefaultPolicyVersion made the default that no creation of the period shows, one
 * hit per version (of each incarnation of the policy) with every such call: the entries of each
 * policy's `defaultsNotShown`, which its card reads too, each said as the entry says it came from:
 * `in-period` (the period shows the policy created or deleted before the first such call: a
 * policy's versions go with it), by a CreatePolicyVersion whose version id was not logged or that
 * the logs miss; `before-period`; or `before-period-or-unlogged`, a CreatePolicyVersion of the
 * period whose response did not give the version id having come before the first such call.
 */
function madeDefaultUnseen(policies: readonly PolicyHistory[]): RuleHit[] {
  const hits: RuleHit[] = [];
  for (let p = 0; p < policies.length; p++) {
    const policy = policies[p]!;
    if (policy.defaultsNotShown.length === 0) continue;
    const changeOf = new Map(policy.changes.map((c) => [c.eventId, c]));
    for (const { versionId, unloggedBefore, created: made, madeDefaultEventIds } of policy.defaultsNotShown) {
      const first = changeOf.get(madeDefaultEventIds[0]!)!;
      const origin = defaultNotShownOrigin(made, unloggedBefore);
      const created =
        made === 'in-period'
          ? `the policy was created or deleted in the period before that, so the version was ${origin}; its document was not checked`
          : made === 'before-period'
            ? `the version was ${origin}: its document is not in the period's events and was not checked`
            : `the period does not show the version created: it was ${origin}; its document was not checked`;
      hits.push({
        accountId: policy.accountId,
        region: policy.region,
        resource: policy.policyName,
        eventIds: [...madeDefaultEventIds],
        time: first.eventTime,
        description: `${clip(first.actorLabel, 100)} made version ${clip(versionId, 20)} of policy "${clip(policy.policyName, 100)}" the default, but ${created}, so what the policy allows from then on is not known from this report.`,
        evidence: null,
        // A version id made the default again after the policy was made again: the runner tells the two apart (~2).
        discriminator: `default-v${versionId}`,
      });
    }
  }
  return hits;
}
