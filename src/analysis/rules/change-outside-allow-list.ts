import type { Category, IotEvent } from '../../report/model.js';
import type { AllowLists } from '../../config/types.js';
import type { Rule, RuleHit } from './types.js';
import { actorMatches, actorResource } from './support/actor.js';
import { groupBy } from './support/grouping.js';
import { plural } from './support/text.js';
import { actionsBySession, distinctLabels, principalLabel } from './support/sessions.js';

const LIST_OF: Record<Category, keyof AllowLists> = {
  policy: 'policyChanges',
  certificate: 'certificateChanges',
  other: 'otherChanges',
};

const eventName = (e: IotEvent) => e.eventName;

/**
 * Changes by principals not on the category's allow-list (`allowLists` in the config).
 * Silent for a category whose list is empty: only checked when configured.
 */
export const changeOutsideAllowList: Rule<Record<string, never>> = {
  id: 'change-outside-allow-list',
  title: 'IoT changes by a principal outside the allow-list',
  severity: 'high',
  description:
    'A successful IoT change of a category (policy, certificate, other) was made by a principal whose ARN, session role ARN or invoking service matches none of the `allowLists` patterns for that category. Only categories with a non-empty list are checked. One finding per principal, account, region and category.',
  remediation: 'Route changes through the allowed deployment principals, or add the principal to the allow-list if it is legitimate.',
  resourceKind: 'principal',
  defaults: {},
  evaluate(ctx) {
    const lists = ctx.config.allowLists;
    const events = ctx.events.filter((e) => {
      if (!e.isChange) return false;
      const patterns = lists[LIST_OF[e.category]] ?? [];
      return patterns.length > 0 && !actorMatches(e, patterns);
    });
    const hits: RuleHit[] = [];
    const groups = groupBy(events, (e) => JSON.stringify([e.accountId, e.region, e.actor.key, e.category]));
    for (const group of groups.values()) {
      const first = group[0]!;
      // A role's sessions are one principal here, but may be several people: name them all.
      const labels = distinctLabels(group);
      hits.push({
        accountId: first.accountId,
        region: first.region,
        resource: actorResource(first),
        eventIds: group.map((e) => e.eventId),
        time: first.eventTime,
        description: `${principalLabel(labels, 100)} made ${plural(group.length, `${first.category} change`)} but is not on allowLists.${LIST_OF[first.category]}.`,
        evidence: actionsBySession(group, labels, eventName),
        discriminator: first.category,
      });
    }
    return hits;
  },
};
