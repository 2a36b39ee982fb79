import type { Rule } from './types.js';
import { humanVerdict } from './support/actor.js';
import { hitsPerActorDay } from './support/grouping.js';
import { plural } from './support/text.js';

type Params = { humanRolePatterns: string[]; includeFederated: boolean };

/**
 * Changes by a human session whose `mfaAuthenticated` is explicitly false. Who is
 * "human" is a heuristic (support/actor.ts): root; Identity Center and SAML users;
 * `AWSReservedSSO_*` role sessions; roles matching `humanRolePatterns`; IAM users on
 * temporary (ASIA…) credentials; any principal using the console. For federated sessions
 * MFA happens at the identity provider and CloudTrail cannot see it: reported one level lower.
 */
export const humanWithoutMfa: Rule<Params> = {
  id: 'human-without-mfa',
  title: 'IoT changes by a human session without MFA',
  severity: 'high',
  description:
    'A successful IoT change by a human session (root; IAM Identity Center or SAML users and `AWSReservedSSO_*` roles; roles matching `humanRolePatterns`; IAM users on temporary credentials; any console use) whose `mfaAuthenticated` is false. Sessions whose MFA state is not logged (e.g. long-term access keys) are not reported. Federated sessions are reported one level lower, since their MFA happens at the identity provider. One finding per principal, account, region and day.',
  remediation:
    'Require MFA for human access (an IAM condition on `aws:MultiFactorAuthPresent`, or MFA at the identity provider) and use roles assumed with MFA for IoT administration.',
  resourceKind: 'principal',
  defaults: { humanRolePatterns: [], includeFederated: true },
  evaluate(ctx) {
    const { humanRolePatterns, includeFederated } = ctx.params;
    const verdicts = new Map<string, ReturnType<typeof humanVerdict>>();
    const events = ctx.events.filter((e) => {
      if (!e.isChange || e.actor.mfaAuthenticated !== false) return false;
      const verdict = humanVerdict(e, humanRolePatterns);
      if (!verdict.human || (verdict.federated && !includeFederated)) return false;
      verdicts.set(e.eventId, verdict);
      return true;
    });
    const hits = hitsPerActorDay(events, ctx.period.timeZone, (group, day, _actions, who) => {
      const verdict = verdicts.get(group[0]!.eventId)!;
      const note = verdict.federated ? ' MFA at the identity provider is not visible in CloudTrail.' : '';
      return `${who} (${verdict.reason}) made ${plural(group.length, 'IoT change')} without MFA on ${day}.${note}`;
    });
    for (let i = 0; i < hits.length; i++) hits[i]!.lowerSeverityBy = verdicts.get(hits[i]!.eventIds[0]!)!.federated ? 1 : 0;
    return hits;
  },
};
