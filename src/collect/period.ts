import { DateTime, IANAZone, Info, Settings, type Zone } from 'luxon';
import { UsageError } from '../errors.js';
import { BoundedMemo, getOrInsert } from '../memo.js';
import type { Period } from '../types.js';

// Dates are written in one fixed locale (same logs, same bytes, whatever the machine's
// locale), and luxon then never asks ICU for the system's (~10 ms of start-up).
Settings.defaultLocale = 'en-US';

export interface PeriodInput {
  /** `YYYY-MM`: a calendar month in `tz`. */
  period?: string;
  /** ISO date or date-time; without an offset it is read in `tz`. Inclusive. */
  from?: string;
  /** ISO date or date-time; without an offset it is read in `tz`. Exclusive. */
  to?: string;
  /** IANA time zone name. */
  tz: string;
}

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** Checks an IANA zone name, with the fix in the message. */
export function checkTimeZone(tz: string): string {
  if (tz === 'UTC' || IANAZone.isValidZone(tz)) return tz;
  throw new UsageError(`unknown time zone "${tz}": use an IANA name such as UTC, Europe/Paris or America/New_York`);
}

function parseInstant(text: string, tz: string, flag: string): DateTime {
  const parsed = DateTime.fromISO(text, { zone: tz, setZone: false });
  if (!parsed.isValid) {
    throw new UsageError(`${flag} "${text}" is not an ISO date or date-time: use e.g. 2026-10-01 or 2026-10-01T08:00`);
  }
  return parsed;
}

function iso(dt: DateTime): string {
  return dt.toUTC().toISO({ suppressMilliseconds: true }) as string;
}

/** A period that begins after `now` holds no event: refused, rather than an empty report that reads as all clear. */
function notYetBegun(start: DateTime, now: Date, given: string): void {
  if (start.toMillis() > now.getTime()) {
    throw new UsageError(`${given} begins after now (${iso(DateTime.fromJSDate(now))}): no event can be logged in it yet; give a period that has begun`);
  }
}

/** Whether the period had not ended at `now`: its later events are not logged yet. */
export function periodInProgress(period: Pick<Period, 'end'>, now: Date): boolean {
  return Date.parse(period.end) > now.getTime();
}

/**
 * What a period that has not ended adds to its label: its logs were read before its end. Not
 * when (the wall clock would make every run's bytes differ, and `generatedAt` may be given:
 * `--generated-at`, SOURCE_DATE_EPOCH); the warning on stderr says it is now.
 */
function inProgressNote(end: DateTime, now: Date): string {
  return end.toMillis() > now.getTime() ? ', read before its end' : '';
}

/** How long after a period's end its last log files may still be on their way (CloudTrail delivers most within 15 minutes). */
export const DELIVERY_DELAY_MS = 60 * 60_000;

/**
 * Whether a period ended so lately (`DELIVERY_DELAY_MS`) that the log files of its last minutes
 * may not be delivered yet. Not one that ends now (`--from` alone: up to the run, by design).
 */
export function periodJustEnded(period: Pick<Period, 'end'>, now: Date): boolean {
  const end = Date.parse(period.end);
  return end < now.getTime() && now.getTime() < end + DELIVERY_DELAY_MS;
}

/**
 * The period a report covers: [start, end) in UTC, with the zone deciding where
 * months and days begin. Default: the calendar month before `now` in `tz`. A period
 * that has not ended at `now` says so in its label.
 */
export function resolvePeriod(input: PeriodInput, now: Date): Period {
  const tz = checkTimeZone(input.tz);
  if (input.period !== undefined && (input.from !== undefined || input.to !== undefined)) {
    throw new UsageError('--period cannot be combined with --from/--to: give a month, or a range');
  }
  if (input.from === undefined && input.to !== undefined) {
    throw new UsageError('--to needs --from: give both ends of the range, or --period YYYY-MM');
  }

  if (input.from !== undefined) {
    const start = parseInstant(input.from, tz, '--from');
    notYetBegun(start, now, `--from ${input.from}`);
    // Up to now, in whole seconds (CloudTrail's own times have none finer): an end with milliseconds read oddly in every output.
    const end = input.to !== undefined ? parseInstant(input.to, tz, '--to') : DateTime.fromJSDate(now, { zone: tz }).startOf('second');
    if (end <= start) {
      throw new UsageError(`--to (${input.to ?? 'now'}) must be after --from (${input.from}); --to is exclusive`);
    }
    // With its offset when the zone shows that wall time twice (`repeatedTimeMark`).
    const fmt = (dt: DateTime) => `${dt.setZone(tz).toFormat('yyyy-MM-dd HH:mm')}${repeatedTimeMark(dt.toMillis(), tz)}`;
    return {
      start: iso(start),
      end: iso(end),
      timeZone: tz,
      month: null,
      label: `${fmt(start)} – ${fmt(end)} (${tz})${inProgressNote(end, now)}`,
    };
  }

  let monthStart: DateTime;
  if (input.period !== undefined) {
    const m = MONTH.exec(input.period);
    if (!m) throw new UsageError(`--period "${input.period}" is not a month: use YYYY-MM, e.g. 2026-10`);
    monthStart = DateTime.fromObject({ year: Number(m[1]), month: Number(m[2]), day: 1 }, { zone: tz });
  } else {
    monthStart = DateTime.fromJSDate(now, { zone: tz }).startOf('month').minus({ months: 1 });
  }
  notYetBegun(monthStart, now, `--period ${input.period}`);
  const monthEnd = monthStart.plus({ months: 1 });
  return {
    start: iso(monthStart),
    end: iso(monthEnd),
    timeZone: tz,
    month: monthStart.toFormat('yyyy-MM'),
    label: `${monthStart.setLocale('en-US').toFormat('LLLL yyyy')} (${tz})${inProgressNote(monthEnd, now)}`,
  };
}

/**
 * The UTC delivery days whose folders can hold the period's events: from the UTC
 * day of `start` through the UTC day of the last instant before `end`, plus
 * `lateDays` following days, because a log file is filed under its delivery day.
 */
export function deliveryDays(period: Pick<Period, 'start' | 'end'>, lateDays: number): string[] {
  const first = DateTime.fromISO(period.start, { zone: 'utc' }).startOf('day');
  const last = DateTime.fromISO(period.end, { zone: 'utc' }).minus({ milliseconds: 1 }).startOf('day').plus({ days: lateDays });
  const days: string[] = [];
  for (let d = first; d <= last; d = d.plus({ days: 1 })) days.push(d.toFormat('yyyy-MM-dd'));
  return days;
}

// ---------------------------------------------------------------------------
// Local days without a luxon DateTime per event: a month has thousands of events and
// a DateTime costs about 10 µs. Every shortcut below gives luxon's answer exactly.
// ---------------------------------------------------------------------------

const HOUR_MS = 3_600_000;

interface ZoneOffsets {
  zone: Zone;
  /** Hour index (ms / HOUR_MS) -> the offset all through that hour, or NaN when it changes inside it. */
  hours: BoundedMemo<number, number>;
  hourOffset: (hour: number) => number;
}

const zoneOffsets = new Map<string, ZoneOffsets>();

/** luxon's zone for a name (as `setZone` reads it), with its offsets found so far. */
function zoneEntry(tz: string): ZoneOffsets {
  return getOrInsert(zoneOffsets, tz, () => {
    const zone = Info.normalizeZone(tz);
    const hourOffset = (hour: number) => {
      const first = zone.offset(hour * HOUR_MS);
      // luxon reads the offset to the second: the hour's last second is its last distinct answer.
      return first === zone.offset(hour * HOUR_MS + HOUR_MS - 1000) ? first : NaN;
    };
    return { zone, hours: new BoundedMemo<number, number>(100_000), hourOffset };
  });
}

/**
 * The UTC offset (minutes) of `tz` at an instant, exactly as luxon gives it
 * (`DateTime.fromMillis(ms, { zone: tz }).offset`; NaN for an unknown zone). Asking
 * luxon costs microseconds, and a month has thousands of events: an hour whose first
 * and last second have the same offset has it throughout (zones never change twice
 * within an hour), so one answer serves the whole hour; an hour with a change in it
 * is asked per instant.
 */
export function zoneOffsetAt(ms: number, tz: string): number {
  const { zone, hours, hourOffset } = zoneEntry(tz);
  if (!zone.isValid || !Number.isFinite(ms)) return NaN;
  if (zone.isUniversal) return zone.offset(ms);
  const offset = hours.get(Math.floor(ms / HOUR_MS), hourOffset);
  return Number.isNaN(offset) ? zone.offset(ms) : offset;
}

/** `2026-10-03T10:15:00Z`, optionally with a fraction: CloudTrail's form of an instant, with fields in range. */
const ISO_UTC = /^[1-9]\d{3}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d{1,9})?Z$/;
// Inside these bounds a day is `YYYY-MM-DD` in both luxon's and Date's formatting.
const MIN_FAST_MS = Date.UTC(1000, 0, 2);
const MAX_FAST_MS = Date.UTC(9999, 11, 30);

/** Epoch ms of an ISO UTC instant in CloudTrail's form that is a real date; null for anything else. */
function canonicalUtcMillis(iso: string): number | null {
  if (!ISO_UTC.test(iso)) return null;
  const ms = Date.parse(iso);
  // Date.parse rolls a day past the month's end over (2026-02-30 is March 2); luxon calls it invalid.
  const day = (iso.charCodeAt(8) - 48) * 10 + (iso.charCodeAt(9) - 48);
  if (new Date(ms).getUTCDate() !== day) return null;
  return ms < MIN_FAST_MS || ms > MAX_FAST_MS ? null : ms;
}

const DAY_MS = 86_400_000;
const MAX_DATE_MS = 8.64e15;
const dayNames = new BoundedMemo<number, string>(10_000);
const dayName = (days: number) => new Date(days * DAY_MS).toISOString().slice(0, 10);

/**
 * `new Date(ms).toISOString().slice(0, 10)`, from a cache of day numbers (a month of
 * events has a few dozen days). Throws, as Date does, for a time out of Date's range.
 */
export function utcDay(ms: number): string {
  if (!(Math.abs(ms) <= MAX_DATE_MS)) return new Date(ms).toISOString().slice(0, 10);
  return dayNames.get(Math.floor(Math.trunc(ms) / DAY_MS), dayName);
}

/** The calendar days of the period in its own zone (`YYYY-MM-DD`), for per-day tables. */
export function periodDays(period: Period): string[] {
  const { zone } = zoneEntry(period.timeZone);
  const startMs = canonicalUtcMillis(period.start);
  const endMs = canonicalUtcMillis(period.end);
  if (zone.isValid && zone.isUniversal && startMs !== null && endMs !== null) {
    // A fixed offset (UTC): every day is 24 hours from midnight, no need to ask luxon day by day.
    const offsetMs = zone.offset(startMs) * 60_000;
    const days: string[] = [];
    for (let d = Math.floor((startMs + offsetMs) / DAY_MS) * DAY_MS - offsetMs; d < endMs; d += DAY_MS) days.push(utcDay(d + offsetMs));
    return days;
  }
  const start = DateTime.fromISO(period.start, { zone: period.timeZone }).startOf('day');
  const end = DateTime.fromISO(period.end, { zone: period.timeZone });
  const days: string[] = [];
  for (let d = start; d < end; d = d.plus({ days: 1 })) days.push(d.toFormat('yyyy-MM-dd'));
  return days;
}

/** An offset in minutes as ISO 8601 writes it: 120 -> "+02:00", -210 -> "-03:30" (a zone's old local mean time to the second: "+00:19:32"). */
function offsetText(minutes: number): string {
  const seconds = Math.round(Math.abs(minutes) * 60);
  const p = (n: number) => String(n).padStart(2, '0');
  const s = seconds % 60;
  return `${minutes < 0 ? '-' : '+'}${p(Math.floor(seconds / 3600))}:${p(Math.floor(seconds / 60) % 60)}${s === 0 ? '' : `:${p(s)}`}`;
}

/**
 * What a local time of an instant needs to be told apart: " +02:00", its offset, when the zone's
 * clocks show its wall time twice (they went back: in Europe/Paris, 2026-10-25 02:30 is both
 * 00:30Z at +02:00 and 01:30Z at +01:00), else nothing, so that every other time reads as it
 * always did. A skipped wall time (clocks going forward) is never shown, so it needs nothing.
 * The test is luxon's `getPossibleOffsets` (the other offset a wall time may have is the one a
 * day before or after) on the cached offsets: a DateTime each made an appendix 3 times slower.
 */
export function repeatedTimeMark(ms: number, tz: string): string {
  const offset = zoneOffsetAt(ms, tz);
  if (!Number.isFinite(offset)) return '';
  for (const other of [zoneOffsetAt(ms - DAY_MS, tz), zoneOffsetAt(ms + DAY_MS, tz)]) {
    // The instant at the other offset with the same wall time, if it has that offset indeed.
    if (other !== offset && Number.isFinite(other) && zoneOffsetAt(ms + (offset - other) * 60_000, tz) === other) return ` ${offsetText(offset)}`;
  }
  return '';
}

/**
 * An instant (ms) as the report shows every time, `YYYY-MM-DD HH:MM:SS` in a zone (UTC for a zone
 * it does not know), with its offset when that wall time is one the zone shows twice
 * (`repeatedTimeMark`: `2026-10-25 02:30:00 +01:00`).
 */
export function localDateTime(ms: number, tz: string): string {
  const offset = zoneOffsetAt(ms, tz);
  const text = new Date(ms + (Number.isFinite(offset) ? offset : 0) * 60_000).toISOString().slice(0, 19).replace('T', ' ');
  return `${text}${repeatedTimeMark(ms, tz)}`;
}

/** The day (`YYYY-MM-DD`) of an ISO instant in `tz`. */
export function dayIn(isoTime: string, tz: string): string {
  const ms = canonicalUtcMillis(isoTime);
  if (ms !== null) {
    const offset = zoneOffsetAt(ms, tz);
    if (Number.isFinite(offset)) return utcDay(ms + offset * 60_000);
  }
  // Other forms of an instant, and unknown zones: luxon's reading (and its "Invalid DateTime").
  return DateTime.fromISO(isoTime, { zone: 'utc' }).setZone(tz).toFormat('yyyy-MM-dd');
}
