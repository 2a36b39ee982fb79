/** Grouping events into one hit per principal and day, so a busy day gives one finding, not hundreds. */
import type { IotEvent } from '../../../report/model.js';
import { BoundedMemo, getOrInsert } from '../../../memo.js';
import { localDateTime, utcDay, zoneOffsetAt } from '../../../collect/period.js';
import type { RuleHit } from '../types.js';
import { actorResource } from './actor.js';
import { countActions } from './text.js';
import { callsByPrincipal, distinctLabels, principalLabel } from './sessions.js';

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
const localTimes = new BoundedMemo<string, BoundedMemo<string, LocalTime>>(100);

/**
 * Lets the local times go once the rules have run: a memo entry per event (~8 MB of live heap
 * at 100,000 events) that nothing after the findings reads, kept through the rendering.
 */
export function forgetLocalTimes(): void {
  localTimes.clear();
}

/**
 * Wall-clock facts of ISO UTC instants in an IANA zone: the zone is looked up once, for
 * loops over a month's events. The results are shared: do not change them.
 */
export function localTimesIn(zone: string): (iso: string) => LocalTime {
  const inZone = localTimes.get(zone, () => new BoundedMemo(100_000));
  const compute = (iso: string) => computeLocalTime(iso, zone);
  return (iso) => inZone.get(iso, compute);
}

/**
 * An instant as the report shows every time, `YYYY-MM-DD HH:MM:SS` in its zone (the period's):
 * a finding's text said `2026-10-12T14:10:00Z` beside a card and a header in New York time.
 */
export function localStamp(iso: string, zone: string): string {
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? localDateTime(ms, zone) : iso;
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

export function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (let i = 0; i < items.length; i++) {
    const item = items[i]!;
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

// Made when a key is first seen: one function for every call, not a new closure per event.
const newMap = <K, V>() => new Map<K, V>();

/**
 * One hit per account, region, principal and local day. `describe` receives the
 * group's events (in time order), its local day, `countActions` of its event
 * names and who the group is (`principalLabel`, at most ~100 characters a name: a role's
 * sessions are one principal but may be several people, so never the first event's label),
 * and returns the hit's sentence.
 */
export function hitsPerActorDay(
  events: readonly IotEvent[],
  zone: string,
  describe: (group: IotEvent[], day: string, actions: string, who: string) => string,
): RuleHit[] {
  const dayOf = localTimesIn(zone);
  // Account -> region -> principal -> day -> group: nested maps rather than a key string per event.
  const index = new Map<string, Map<string, Map<string, Map<string, IotEvent[]>>>>();
  // The groups in order of their first event, with their days.
  const groups: IotEvent[][] = [];
  const days: string[] = [];
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    const day = dayOf(e.eventTime).day;
    const byRegion = getOrInsert(index, e.accountId, newMap<string, Map<string, Map<string, IotEvent[]>>>);
    const byActor = getOrInsert(byRegion, e.region, newMap<string, Map<string, IotEvent[]>>);
    const byDay = getOrInsert(byActor, e.actor.key, newMap<string, IotEvent[]>);
    const group = byDay.get(day);
    if (group !== undefined) {
      group.push(e);
    } else {
      const created = [e];
      byDay.set(day, created);
      groups.push(created);
      days.push(day);
    }
  }
  const hits: RuleHit[] = [];
  for (let g = 0; g < groups.length; g++) {
    const group = groups[g]!;
    const day = days[g]!;
    const first = group[0]!;
    const names: string[] = [];
    const eventIds: string[] = [];
    for (let i = 0; i < group.length; i++) {
      names.push(group[i]!.eventName);
      eventIds.push(group[i]!.eventId);
    }
    const actions = countActions(names);
    const labels = distinctLabels(group);
    hits.push({
      accountId: first.accountId,
      region: first.region,
      resource: actorResource(first),
      eventIds,
      time: first.eventTime,
      description: describe(group, day, actions, principalLabel(labels, 100)),
      evidence: callsByPrincipal(group, labels, 200),
      discriminator: day,
    });
  }
  return hits;
}
