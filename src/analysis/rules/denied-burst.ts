import type { IotEvent } from '../../report/model.js';
import type { Rule, RuleHit } from './types.js';
import { actorResource } from './support/actor.js';
import { groupBy, localStamp } from './support/grouping.js';
import { compactTime } from './support/text.js';
import { actionsBySession, distinctLabels, principalLabel } from './support/sessions.js';
import { isDeniedError } from './support/values.js';

type Params = { threshold: number; windowMinutes: number };

/**
 * Index ranges [start, end] of the bursts in time-sorted events: every run of
 * `threshold` events within `windowMs` qualifies; qualifying runs that share events, or
 * follow each other within the window, are one burst.
 */
export function burstRanges(times: readonly number[], threshold: number, windowMs: number): [number, number][] {
  const ranges: [number, number][] = [];
  let end = 0;
  for (let start = 0; start < times.length; start++) {
    if (end < start) end = start;
    while (end + 1 < times.length && times[end + 1]! - times[start]! < windowMs) end++;
    if (end - start + 1 < threshold) continue;
    const last = ranges[ranges.length - 1];
    const continues = last && (start <= last[1] || (start === last[1] + 1 && times[start]! - times[last[1]]! < windowMs));
    if (last && continues) last[1] = Math.max(last[1], end);
    else ranges.push([start, end]);
  }
  return ranges;
}

const deniedCall = (e: IotEvent) => `${e.eventName} (${e.errorCode})`;

/** Many denied IoT calls by one principal in a short time: enumeration or a misconfigured client. */
export const deniedBurst: Rule<Params> = {
  id: 'denied-burst',
  title: 'Burst of denied IoT calls by one principal',
  severity: 'medium',
  description:
    'At least `threshold` IoT calls denied (AccessDenied, Unauthorized…) for one principal in one account and region within `windowMinutes` minutes: enumeration, or a client whose permissions broke. One finding per burst, however long it lasts.',
  remediation: 'Find out who the principal is and what it was trying; if it is unknown, disable its credentials.',
  resourceKind: 'principal',
  defaults: { threshold: 10, windowMinutes: 10 },
  evaluate(ctx) {
    const { threshold, windowMinutes } = ctx.params;
    const denied = ctx.events.filter((e) => isDeniedError(e.errorCode));
    const groups = groupBy(denied, (e) => JSON.stringify([e.accountId, e.region, e.actor.key]));
    const hits: RuleHit[] = [];
    for (const group of groups.values()) {
      const times = group.map((e) => Date.parse(e.eventTime));
      for (const [start, end] of burstRanges(times, threshold, windowMinutes * 60_000)) {
        const burst: IotEvent[] = group.slice(start, end + 1);
        const first = burst[0]!;
        const last = burst[burst.length - 1]!;
        // A role's sessions are one principal here, but may be several people: name them all.
        const labels = distinctLabels(burst);
        hits.push({
          accountId: first.accountId,
          region: first.region,
          resource: actorResource(first),
          eventIds: burst.map((e) => e.eventId),
          time: first.eventTime,
          description: `${principalLabel(labels, 100)} had ${burst.length} IoT calls denied between ${localStamp(first.eventTime, ctx.period.timeZone)} and ${localStamp(last.eventTime, ctx.period.timeZone)}.`,
          evidence: actionsBySession(burst, labels, deniedCall),
          discriminator: compactTime(first.eventTime),
        });
      }
    }
    return hits;
  },
};
