import type { Rule } from './types.js';
import { hitsPerActorDay } from './support/grouping.js';
import { plural } from './support/text.js';

/** Changes made with the account's root user. */
export const rootUserChange: Rule<Record<string, never>> = {
  id: 'root-user-change',
  title: 'IoT changes by the root user',
  severity: 'high',
  description:
    'A successful IoT change was made by the account\'s root user (`userIdentity.type` Root). One finding per account, region and day.',
  remediation:
    'Use IAM roles for IoT administration; keep root credentials locked away with MFA and find out who used them and why.',
  resourceKind: 'principal',
  defaults: {},
  evaluate(ctx) {
    const events = ctx.events.filter((e) => e.isChange && e.actor.type === 'Root');
    return hitsPerActorDay(
      events,
      ctx.period.timeZone,
      (group, day, actions) => `The root user of account ${group[0]!.accountId} made ${plural(group.length, 'IoT change')} on ${day} (${actions}).`,
    );
  },
};
