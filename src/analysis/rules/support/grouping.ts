/** Grouping events into one hit per principal and day, so a busy day gives one finding, not hundreds. */
import { DateTime } from 'luxon';
import type { IotEvent } from '../../../report/model.js';
import type { RuleHit } from '../types.js';
import { actorResource } from './actor.js';
import { clip, countActions } from './text.js';

// Zone offsets change only at whole quarter hours (UTC) for modern dates, so one lookup per
// 15-minute bucket is exact; asking luxon for every event is the slow part of a big month.
const BUCKET_MS = 15 * 60_000;
const offsets = new Map<string, number>();

function offsetMinutes(ms: number, zone: string): number {
  const key = `${zone}|${Math.floor(ms / BUCKET_MS)}`;
  let offset = offsets.get(key);
  if (offset === undefined) {
    offset = DateTime.fromMillis(ms, { zone }).offset;
    if (!Number.isFinite(offset)) offset = 0;
    if (offsets.size > 200_000) offsets.clear();
    offsets.set(key, offset);
  }
  return offset;
}

export interface LocalTime {
  /** `YYYY-MM-DD` in the zone. */
  day: string;
  /** 1 = Monday … 7 = Sunday. */
  weekday: number;
  /** Minutes since local midnight. */
  minutes: number;
}

/** Wall-clock facts of an ISO UTC instant in an IANA zone. */
export function localTime(iso: string, zone: string): LocalTime {
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) return { day: iso.slice(0, 10), weekday: 1, minutes: 0 };
  const local = new Date(ms + offsetMinutes(ms, zone) * 60_000);
  return {
    day: local.toISOString().slice(0, 10),
    weekday: ((local.getUTCDay() + 6) % 7) + 1,
    minutes: local.getUTCHours() * 60 + local.getUTCMinutes(),
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
