import { DateTime, IANAZone } from 'luxon';
import { UsageError } from '../errors.js';
import type { Period } from '../types.js';

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

/**
 * The period a report covers: [start, end) in UTC, with the zone deciding where
 * months and days begin. Default: the calendar month before `now` in `tz`.
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
    const end = input.to !== undefined ? parseInstant(input.to, tz, '--to') : DateTime.fromJSDate(now, { zone: tz });
    if (end <= start) {
      throw new UsageError(`--to (${input.to ?? 'now'}) must be after --from (${input.from}); --to is exclusive`);
    }
    const fmt = (dt: DateTime) => dt.setZone(tz).toFormat('yyyy-MM-dd HH:mm');
    return {
      start: iso(start),
      end: iso(end),
      timeZone: tz,
      month: null,
      label: `${fmt(start)} – ${fmt(end)} (${tz})`,
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
  const monthEnd = monthStart.plus({ months: 1 });
  return {
    start: iso(monthStart),
    end: iso(monthEnd),
    timeZone: tz,
    month: monthStart.toFormat('yyyy-MM'),
    label: `${monthStart.setLocale('en-US').toFormat('LLLL yyyy')} (${tz})`,
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

/** The calendar days of the period in its own zone (`YYYY-MM-DD`), for per-day tables. */
export function periodDays(period: Period): string[] {
  const start = DateTime.fromISO(period.start, { zone: period.timeZone }).startOf('day');
  const end = DateTime.fromISO(period.end, { zone: period.timeZone });
  const days: string[] = [];
  for (let d = start; d < end; d = d.plus({ days: 1 })) days.push(d.toFormat('yyyy-MM-dd'));
  return days;
}

/** The day (`YYYY-MM-DD`) of an ISO instant in `tz`. */
export function dayIn(isoTime: string, tz: string): string {
  return DateTime.fromISO(isoTime, { zone: 'utc' }).setZone(tz).toFormat('yyyy-MM-dd');
}
