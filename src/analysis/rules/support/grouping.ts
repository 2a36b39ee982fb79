/** Grouping events into one hit per principal and day, so a busy day gives one finding, not hundreds. */
import type { IotEvent } from '../../../report/model.js';
import { utcDay, zoneOffsetAt } from '../../../collect/period.js';
import type { RuleHit } from '../types.js';
import { actorResource } from './actor.js';
import { clip, countActions } from './text.js';

export interface LocalTime {
  /** `YYYY-MM-DD` in the zone. */
  day: string;
  /** 1 = Monday … 7 = Sunday. */
  weekday: number;
  /** Minutes since local midnight. */
  minutes: number;
}

const DAY_MS = 86_400_000;

// Several rules ask for the same events' local times: each instant is worked out once per zone.
const localTimes = new Map<string, Map<string, LocalTime>>();

/** Wall-clock facts of an ISO UTC instant in an IANA zone. The result is shared: do not change it. */
export function localTime(iso: string, zone: string): LocalTime {
  let known = localTimes.get(zone);
  if (known === undefined) {
    known = new Map();
    localTimes.set(zone, known);
  }
  let local = known.get(iso);
  if (local === undefined) {
    local = computeLocalTime(iso, zone);
    if (known.size > 100_000) known.clear();
    known.set(iso, local);
  }
  return local;
}

function computeLocalTime(iso: string, zone: string): LocalTime {
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) return { day: iso.slice(0, 10), weekday: 1, minutes: 0 };
  const offset = zoneOffsetAt(ms, zone);
  // What `new Date(ms + offset)` would hold, without making one per event.
  const local = Math.trunc(ms + (Number.isFinite(offset) ? offset : 0) * 60_000);
  const days = Math.floor(local / DAY_MS);
  return {
    day: utcDay(local),
    // 1970-01-01 was a Thursday (4).
    weekday: (((days + 3) % 7) + 7) % 7 + 1,
    minutes: Math.floor((local - days * DAY_MS) / 60_000),
  };
}

/** `YYYY-MM-DD` of an ISO UTC time in a zone. */
export function localDay(iso: string, zone: string): string {
  return localTime(iso, zone).day;
}

export function groupBy<T>(items: Iterable<T>, key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

/**
 * One hit per account, region, principal and local day. `describe` receives the
 * group's events (in time order) and returns the hit's sentence.
 */
export function hitsPerActorDay(
  events: readonly IotEvent[],
  zone: string,
  describe: (group: IotEvent[], day: string) => string,
): RuleHit[] {
  const groups = groupBy(events, (e) => JSON.stringify([e.accountId, e.region, e.actor.key, localDay(e.eventTime, zone)]));
  const hits: RuleHit[] = [];
  for (const group of groups.values()) {
    const first = group[0]!;
    const day = localDay(first.eventTime, zone);
    hits.push({
      accountId: first.accountId,
      region: first.region,
      resource: actorResource(first),
      eventIds: group.map((e) => e.eventId),
      time: first.eventTime,
      description: describe(group, day),
      evidence: `${clip(first.actor.label, 200)}: ${countActions(group.map((e) => e.eventName))}`,
      discriminator: day,
    });
  }
  return hits;
}
