import type { Rule } from './types.js';
import { consoleSignal } from './support/actor.js';
import { hitsPerActorDay } from './support/grouping.js';
import { plural } from './support/text.js';

/** Changes made by hand in the AWS console rather than through a deployment pipeline. */
export const consoleChange: Rule<Record<string, never>> = {
  id: 'console-change',
  title: 'IoT changes made from the console',
  severity: 'low',
  description:
    'A successful IoT change shows console use: `eventType` AwsConsoleAction, session credentials from the console, or a console user agent (`console.amazonaws.com`, `signin.amazonaws.com`, a browser\'s `Mozilla/…`). One finding per principal, account, region and day.',
  remediation: 'Make IoT changes through reviewed infrastructure code; restrict console sessions to read-only where possible.',
  resourceKind: 'principal',
  defaults: {},
  evaluate(ctx) {
    const events = ctx.events.filter((e) => e.isChange && consoleSignal(e) !== null);
    return hitsPerActorDay(events, ctx.period.timeZone, (group, day, actions, who) => {
      const signal = consoleSignal(group[0]!);
      return `${who} made ${plural(group.length, 'IoT change')} from the console on ${day} (${signal}; ${actions}).`;
    });
  },
};
