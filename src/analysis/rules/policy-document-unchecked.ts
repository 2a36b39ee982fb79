import type { Rule, RuleHit } from './types.js';
import type { IotEvent } from '../../report/model.js';
import { getOrInsert } from '../../memo.js';
import { createdVersionId, defaultedVersionId } from '../policies.js';
import { UNKNOWN_POLICY, versionDiscriminator, versionLabel, type KnownPolicyVersion } from './support/policy-versions.js';
import { policyNameOf } from './support/values.js';
import { clip } from './support/text.js';

/**
 * A policy version created in the period whose document could not be judged: CloudTrail
 * did not record it (request parameters over its size limit; padding a document is a
 * known way to hide it) or it could not be read. Never reported as an empty policy.
 * So is a version SetDefaultPolicyVersion made the default whose document the period does not
 * show (created before it, or by a creation of the period whose version id CloudTrail did not
 * log): what the policy allows from then on is unknown, not harmless.
 */
export const policyDocumentUnchecked: Rule<Record<string, never>> = {
  id: 'policy-document-unchecked',
  title: 'Policy document could not be checked',
  severity: 'low',
  description:
    'A policy version was created, but CloudTrail did not record its document (request parameters too large) or the logged document is not readable JSON; or SetDefaultPolicyVersion made a version the default whose document the period\'s events do not show (created before the period, or by a creation of the period whose version id CloudTrail did not log). Either way the policy rules could not judge it.',
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
    return [...unreadable, ...madeDefaultUnseen(ctx.events, versions)];
  },
};

const versionKey = (accountId: string, region: string, policyName: string, versionId: string) => JSON.stringify([accountId, region, policyName, versionId]);

const policyKey = (accountId: string, region: string, policyName: string) => JSON.stringify([accountId, region, policyName]);

/**
 * The versions SetDefaultPolicyVersion made the default that no creation of the period shows
 * (`knownPolicyVersions` holds every version created in it), one hit per version with every such call.
 * Such a version was created before the period, unless a CreatePolicyVersion of the period whose
 * response did not give the version id came before the first such call (since the policy was last
 * created): then it may be that one, its id not logged, and the finding says either.
 */
function madeDefaultUnseen(events: readonly IotEvent[], versions: readonly KnownPolicyVersion[]): RuleHit[] {
  const known = new Set<string>();
  for (const v of versions) if (v.versionId !== null) known.add(versionKey(v.accountId, v.region, v.policyName, v.versionId));
  // Per policy, the creations of the period so far whose version id was not logged.
  const unlogged = new Map<string, number>();
  const calls = new Map<string, { policyName: string; versionId: string; events: IotEvent[]; unloggedBefore: number }>();
  for (let i = 0; i < events.length; i++) {
    const event = events[i]!;
    if (!event.isChange) continue;
    if (event.eventName === 'CreatePolicyVersion' || event.eventName === 'CreatePolicy' || event.eventName === 'DeletePolicy') {
      const policy = policyKey(event.accountId, event.region, policyNameOf(event) ?? UNKNOWN_POLICY);
      // A policy created (again) or deleted: no version made before counts from here on.
      if (event.eventName !== 'CreatePolicyVersion') unlogged.delete(policy);
      else if (createdVersionId(event) === null) unlogged.set(policy, (unlogged.get(policy) ?? 0) + 1);
      continue;
    }
    if (event.eventName !== 'SetDefaultPolicyVersion') continue;
    const versionId = defaultedVersionId(event);
    if (!versionId) continue;
    const policyName = policyNameOf(event) ?? UNKNOWN_POLICY;
    const key = versionKey(event.accountId, event.region, policyName, versionId);
    if (known.has(key)) continue;
    const unloggedBefore = unlogged.get(policyKey(event.accountId, event.region, policyName)) ?? 0;
    getOrInsert(calls, key, () => ({ policyName, versionId, events: [], unloggedBefore })).events.push(event);
  }
  return [...calls.values()].map(({ policyName, versionId, events: made, unloggedBefore }) => {
    const first = made[0]!;
    const created =
      unloggedBefore === 0
        ? "the version was created before the period: its document is not in the period's events and was not checked"
        : `the period does not show the version created: it was created before the period, or by ${unloggedBefore === 1 ? 'the' : `one of the ${unloggedBefore}`} CreatePolicyVersion ${unloggedBefore === 1 ? 'call' : 'calls'} of the period before it whose version id CloudTrail did not log; its document was not checked`;
    return {
      accountId: first.accountId,
      region: first.region,
      resource: policyName,
      eventIds: made.map((e) => e.eventId),
      time: first.eventTime,
      description: `${clip(first.actor.label, 100)} made version ${clip(versionId, 20)} of policy "${clip(policyName, 100)}" the default, but ${created}, so what the policy allows from then on is not known from this report.`,
      evidence: null,
      discriminator: `default-v${versionId}`,
    };
  });
}
