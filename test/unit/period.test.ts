import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { dayIn, deliveryDays, periodDays, periodInProgress, periodJustEnded, resolvePeriod, utcDay, zoneOffsetAt } from '../../src/collect/period.js';
import { UsageError } from '../../src/errors.js';

const now = new Date('2026-11-24T10:00:00Z');

describe('resolvePeriod', () => {
  it('defaults to the previous calendar month in UTC', () => {
    const p = resolvePeriod({ tz: 'UTC' }, now);
    expect(p).toMatchObject({ start: '2026-10-01T00:00:00Z', end: '2026-11-01T00:00:00Z', month: '2026-10', timeZone: 'UTC' });
    expect(p.label).toBe('October 2026 (UTC)');
  });

  it('places a month in its time zone, across a DST change', () => {
    const p = resolvePeriod({ period: '2026-10', tz: 'Europe/Paris' }, now);
    // CEST (+2) at the start, CET (+1) after 2026-10-25.
    expect(p.start).toBe('2026-09-30T22:00:00Z');
    expect(p.end).toBe('2026-10-31T23:00:00Z');
  });

  it('reads --from/--to in the zone, --to exclusive', () => {
    const p = resolvePeriod({ from: '2026-10-03', to: '2026-10-10T12:00', tz: 'America/New_York' }, now);
    expect(p.start).toBe('2026-10-03T04:00:00Z');
    expect(p.end).toBe('2026-10-10T16:00:00Z');
    expect(p.month).toBeNull();
  });

  it('takes the month under way, and a range that begins before now and ends after it, each labelled in progress up to now', () => {
    const thisMonth = resolvePeriod({ period: now.toISOString().slice(0, 7), tz: 'UTC' }, now);
    expect(Date.parse(thisMonth.start)).toBeLessThanOrEqual(now.getTime());
    expect(thisMonth.label).toBe('November 2026 (UTC), read before its end');
    expect(periodInProgress(thisMonth, now)).toBe(true);
    const range = resolvePeriod({ from: now.toISOString().slice(0, 10), to: '2030-01-01', tz: 'Asia/Tokyo' }, now);
    expect(range.end).toBe('2029-12-31T15:00:00Z');
    expect(range.label).toBe('2026-11-24 00:00 – 2030-01-01 00:00 (Asia/Tokyo), read before its end');
    // A period that has ended, or one that ends now (--from alone), says nothing of the kind.
    const fromOnly = resolvePeriod({ from: '2026-11-01', tz: 'UTC' }, now);
    expect(fromOnly.label).toBe('2026-11-01 00:00 – 2026-11-24 10:00 (UTC)');
    expect(periodInProgress(fromOnly, now)).toBe(false);
    expect(resolvePeriod({ period: '2026-10', tz: 'UTC' }, now).label).toBe('October 2026 (UTC)');
  });

  it('tells a period that ended within the last hour (its last log files may be on their way) from one that ended before', () => {
    expect(periodJustEnded({ end: '2026-11-24T09:30:00Z' }, now)).toBe(true);
    expect(periodJustEnded({ end: '2026-11-24T09:59:59Z' }, now)).toBe(true);
    // A period that ends now (--from alone) is up to the run by design.
    expect(periodJustEnded({ end: '2026-11-24T10:00:00Z' }, now)).toBe(false);
    expect(periodJustEnded(resolvePeriod({ from: '2026-11-01', tz: 'UTC' }, now), now)).toBe(false);
    expect(periodJustEnded({ end: '2026-11-24T09:00:00Z' }, now)).toBe(false);
    expect(periodJustEnded({ end: '2026-11-24T10:00:01Z' }, now)).toBe(false);
  });

  it('keeps an explicit offset', () => {
    expect(resolvePeriod({ from: '2026-10-03T00:00:00Z', to: '2026-10-04T00:00:00+02:00', tz: 'Asia/Tokyo' }, now)).toMatchObject({
      start: '2026-10-03T00:00:00Z',
      end: '2026-10-03T22:00:00Z',
    });
  });

  it.each([
    [{ period: '2026-13', tz: 'UTC' }, /--period "2026-13" is not a month/],
    [{ period: 'October', tz: 'UTC' }, /use YYYY-MM/],
    [{ tz: 'Mars/Olympus' }, /unknown time zone "Mars\/Olympus"/],
    [{ from: '2026-10-05', to: '2026-10-01', tz: 'UTC' }, /must be after --from/],
    [{ to: '2026-10-01', tz: 'UTC' }, /--to needs --from/],
    [{ from: 'yesterday', tz: 'UTC' }, /--from "yesterday" is not an ISO date/],
    [{ period: '2026-10', from: '2026-10-01', tz: 'UTC' }, /cannot be combined/],
    // A period not begun yet: an empty report would read as all clear (2026-11-26 review).
    [{ period: '2030-01', tz: 'UTC' }, /^--period 2030-01 begins after now \(2026-11-\d\dT[\d:]+Z\): no event can be logged in it yet; give a period that has begun$/],
    [{ from: '2030-01-01', to: '2030-02-01', tz: 'UTC' }, /^--from 2030-01-01 begins after now/],
  ])('rejects %j with a usage error that says what to do', (input, message) => {
    expect(() => resolvePeriod(input, now)).toThrow(UsageError);
    expect(() => resolvePeriod(input, now)).toThrow(message);
  });
});

describe('deliveryDays', () => {
  it('reads the UTC days of the period plus the late days', () => {
    const p = resolvePeriod({ period: '2026-10', tz: 'UTC' }, now);
    const days = deliveryDays(p, 1);
    expect(days[0]).toBe('2026-10-01');
    expect(days.at(-1)).toBe('2026-11-01');
    expect(days).toHaveLength(32);
  });

  it('starts on the previous UTC day for a zone ahead of UTC', () => {
    const days = deliveryDays(resolvePeriod({ period: '2026-10', tz: 'Europe/Paris' }, now), 1);
    expect(days[0]).toBe('2026-09-30');
    expect(days.at(-1)).toBe('2026-11-01');
  });

  it('lists the period days in its own zone', () => {
    expect(periodDays(resolvePeriod({ period: '2026-02', tz: 'UTC' }, now))).toHaveLength(28);
  });
});

// The shortcuts of dayIn, zoneOffsetAt and periodDays must give luxon's answers exactly:
// each is checked here against the luxon code it replaces.
const ZONES = [
  'UTC',
  'Europe/Paris',
  'America/New_York',
  'Australia/Lord_Howe', // 30-minute DST
  'Asia/Kathmandu', // +05:45
  'Pacific/Chatham', // +12:45 / +13:45
  'America/St_Johns', // -03:30
  'America/Santiago', // DST changes at midnight
  'America/Havana', // DST changes at midnight
  'Africa/Casablanca', // DST suspended for Ramadan
  'Asia/Gaza',
  'Antarctica/Troll', // +00 / +02
  'Pacific/Apia', // skipped 2011-12-30
  'Europe/Dublin', // negative DST
  'Pacific/Kiritimati', // +14
  'Etc/GMT+12',
];

const luxonDay = (iso: string, tz: string) => DateTime.fromISO(iso, { zone: 'utc' }).setZone(tz).toFormat('yyyy-MM-dd');
const luxonOffset = (ms: number, tz: string) => DateTime.fromMillis(ms, { zone: tz }).offset;

/** Instants around every offset change of a zone in a year (found hour by hour, then to the second). */
function instantsAroundChanges(tz: string, year: number): number[] {
  const out: number[] = [];
  const start = Date.UTC(year, 0, 1);
  for (let t = start; t < Date.UTC(year + 1, 0, 1); t += 3_600_000) {
    if (luxonOffset(t, tz) === luxonOffset(t + 3_600_000, tz)) continue;
    let lo = t;
    let hi = t + 3_600_000;
    while (hi - lo > 1000) {
      const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
      if (luxonOffset(mid, tz) === luxonOffset(lo, tz)) lo = mid;
      else hi = mid;
    }
    for (const d of [-86_400_000, -3_600_001, -3_600_000, -1_800_000, -60_000, -1000, -1, 0, 1, 999, 1000, 60_000, 1_800_000, 3_600_000, 86_400_000]) out.push(hi + d);
  }
  return out;
}

function isoOf(ms: number, fraction: boolean): string {
  const iso = new Date(ms).toISOString();
  return fraction ? iso : iso.replace(/\.\d{3}Z$/, 'Z');
}

describe('local days match luxon', () => {
  // A fixed pseudo-random sequence: the same instants on every run.
  let seed = 12345;
  const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);

  it.each(ZONES)('in %s, around every offset change and at random instants', (tz) => {
    const instants = [...instantsAroundChanges(tz, 2011), ...instantsAroundChanges(tz, 2026)];
    for (let i = 0; i < 300; i++) instants.push(Date.UTC(2000, 0, 1) + Math.floor(random() * 40 * 365 * 86_400_000));
    for (const ms of instants) {
      expect(zoneOffsetAt(ms, tz)).toBe(luxonOffset(ms, tz));
      for (const iso of [isoOf(ms, false), isoOf(ms, true)]) expect(dayIn(iso, tz)).toBe(luxonDay(iso, tz));
    }
  });

  it.each([
    '2026-10-01T24:00:00Z',
    '2026-02-29T10:00:00Z',
    '2024-02-29T23:30:00Z',
    '2026-04-31T10:00:00Z',
    '2026-10-01T23:59:60Z',
    '2026-10-01T10:00:00.123456789Z',
    '2026-10-01T10:00:00,5Z',
    '2026-10-01T10:00:00+02:00',
    '2026-10-01T23:30:00-05:00',
    '2026-10-01T10:00Z',
    '2026-10-01',
    '2026-10-01t10:00:00z',
    '0999-12-31T23:00:00Z',
    '1000-01-01T01:00:00Z',
    '9999-12-31T23:00:00Z',
    '+010000-01-01T00:00:00Z',
    '',
    'yesterday',
  ])('reads %j as luxon does', (iso) => {
    for (const tz of ['UTC', 'Europe/Paris', 'Pacific/Kiritimati', 'Etc/GMT+12']) expect(dayIn(iso, tz)).toBe(luxonDay(iso, tz));
  });

  it('says "Invalid DateTime" for an unknown zone, as luxon does', () => {
    expect(dayIn('2026-10-05T10:00:00Z', 'Mars/Olympus')).toBe(luxonDay('2026-10-05T10:00:00Z', 'Mars/Olympus'));
    expect(zoneOffsetAt(Date.UTC(2026, 9, 5), 'Mars/Olympus')).toBeNaN();
  });

  it('formats a day as Date does', () => {
    for (const ms of [0, -1, 86_399_999, 86_400_000, Date.UTC(2026, 9, 25, 23, 59, 59, 999), Date.UTC(1000, 0, 1), -8.64e15, 8.64e15]) {
      expect(utcDay(ms)).toBe(new Date(ms).toISOString().slice(0, 10));
    }
    expect(() => utcDay(8.64e15 + 1)).toThrow(RangeError);
  });

  it.each([
    ['2026-10', 'UTC'],
    ['2026-02', 'UTC'],
    ['2024-02', 'UTC'],
    ['2026-10', 'Europe/Paris'],
    ['2026-03', 'America/New_York'],
    ['2026-09', 'America/Santiago'],
    ['2026-10', 'Etc/GMT+12'],
    ['2026-10', 'Pacific/Kiritimati'],
  ])('lists the days of %s in %s', (month, tz) => {
    const p = resolvePeriod({ period: month, tz }, now);
    const reference: string[] = [];
    const end = DateTime.fromISO(p.end, { zone: tz });
    for (let d = DateTime.fromISO(p.start, { zone: tz }).startOf('day'); d < end; d = d.plus({ days: 1 })) reference.push(d.toFormat('yyyy-MM-dd'));
    expect(periodDays(p)).toEqual(reference);
  });

  it('lists the days of a range that starts and ends inside days', () => {
    for (const tz of ['UTC', 'Europe/Paris', 'Etc/GMT-14']) {
      const p = resolvePeriod({ from: '2026-10-03T17:45', to: '2026-10-09T00:30', tz }, now);
      const reference: string[] = [];
      const end = DateTime.fromISO(p.end, { zone: tz });
      for (let d = DateTime.fromISO(p.start, { zone: tz }).startOf('day'); d < end; d = d.plus({ days: 1 })) reference.push(d.toFormat('yyyy-MM-dd'));
      expect(periodDays(p)).toEqual(reference);
    }
  });
});
