import { IOT_EVENT_SOURCE } from '../../cloudtrail/normalize.js';
import { sqlIdentifier, sqlString } from './validate.js';

/** A record column to select; complex ones (struct, array, map) are selected as JSON text. */
export interface SelectedColumn {
  name: string;
  complex: boolean;
}

export interface CollectionQuery {
  database: string;
  table: string;
  columns: readonly SelectedColumn[];
  /** Partition columns the table has; a null account/region column means no predicate on it. */
  partitions: { account: string | null; region: string | null; day: string };
  /** UTC delivery days to read (`YYYY-MM-DD`, consecutive). */
  days: readonly string[];
  /** Empty: every account / region. */
  accounts: readonly string[];
  regions: readonly string[];
  period: { start: string; end: string };
  /**
   * Also select records without an event source whose parameters mention an IoT ARN, the one
   * case `isIotRecord` accepts besides `iot.amazonaws.com` (needs a string `requestparameters`).
   */
  matchUnsourcedIot: boolean;
}

/** Pseudo-column naming the S3 object a row was read from. */
export const PATH_COLUMN = '$path';

/** Whole seconds, widened by one second: see `eventTimeBounds`. */
function widen(iso: string, direction: -1 | 1): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new Error(`not an instant: ${JSON.stringify(iso)}`);
  const second = direction < 0 ? Math.floor(ms / 1000) - 1 : Math.ceil(ms / 1000) + 1;
  return new Date(second * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * The event-time predicate's bounds, in CloudTrail's format (the only instant `sqlString` quotes):
 * whole seconds, one second outside the period on each side. The query only narrows what it returns
 * to about the period; the exact `[start, end)` filter runs afterwards on the time `normalizeRecord`
 * reads, as for log files, so a margin costs a few rows and can lose none.
 */
export function eventTimeBounds(period: { start: string; end: string }): { from: string; to: string } {
  return { from: widen(period.start, -1), to: widen(period.end, 1) };
}

const slashDay = (day: string): string => day.replace(/-/g, '/');

/**
 * CloudTrail's own event-time text, `YYYY-MM-DDTHH:MM:SSZ` (a regular expression for `regexp_like`):
 * the only text the query parses, see `buildCollectionSql`.
 */
export const CLOUDTRAIL_TIME_PATTERN = '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$';

/**
 * The SELECT that returns the period's IoT records. Every name is quoted with `sqlIdentifier`
 * and every value with `sqlString`, both of which refuse anything outside the value's pattern.
 */
export function buildCollectionSql(q: CollectionQuery): string {
  if (q.days.length === 0) throw new Error('no delivery day to read');
  const names = new Set(q.columns.map((c) => c.name));
  for (const required of ['eventtime', 'eventsource', 'eventname']) {
    if (!names.has(required)) throw new Error(`the query needs the table's ${required} column`);
  }

  const select = q.columns.map((c) =>
    c.complex ? `json_format(CAST(${sqlIdentifier(c.name)} AS JSON)) AS ${sqlIdentifier(c.name)}` : sqlIdentifier(c.name),
  );
  select.push(sqlIdentifier(PATH_COLUMN));

  const where: string[] = [];
  const days = [...q.days].sort();
  where.push(
    `${sqlIdentifier(q.partitions.day)} BETWEEN ${sqlString(slashDay(days[0]), 'day')} AND ${sqlString(slashDay(days[days.length - 1]), 'day')}`,
  );
  if (q.accounts.length > 0 && q.partitions.account !== null) {
    where.push(`${sqlIdentifier(q.partitions.account)} IN (${q.accounts.map((a) => sqlString(a, 'account')).join(', ')})`);
  }
  if (q.regions.length > 0 && q.partitions.region !== null) {
    where.push(`${sqlIdentifier(q.partitions.region)} IN (${q.regions.map((r) => sqlString(r, 'region')).join(', ')})`);
  }
  const bounds = eventTimeBounds(q.period);
  const time = sqlIdentifier('eventtime');
  // The period's records, and every record whose time the query cannot place, for the report to
  // decide as it does for a log file's: `normalizeRecord` reads the time (`canonicalTime`), a record
  // without a usable one is counted in coverage (`iotRecordsWithoutTime`), the rest are filtered by
  // the period. So the query drops a row only when its time is sure to be a real instant outside the
  // bounds: CloudTrail's own text, which both readers place alike. Any other text is returned whatever
  // Athena makes of it: its ISO 8601 parser accepts what `canonicalTime` refuses (`2026-11-05`, a
  // week or ordinal date, a signed or five-digit year, a time alone), reads a time without an offset
  // in the session's zone, and fails the whole query, beyond what `try` catches, on a year too large
  // for a timestamp. Hence the `if`: only CloudTrail's text reaches `from_iso8601_timestamp`, where
  // `try` turns an impossible date (`2026-02-30`, `2026-13-01`) into NULL. A NULL (no time, another
  // text, no such date) makes the BETWEEN NULL, and the row is returned.
  const parsed = `try(from_iso8601_timestamp(if(regexp_like(${time}, ${sqlString(CLOUDTRAIL_TIME_PATTERN, 'pattern')}), ${time})))`;
  where.push(
    `coalesce(${parsed}\n         BETWEEN from_iso8601_timestamp(${sqlString(bounds.from, 'time')}) AND from_iso8601_timestamp(${sqlString(bounds.to, 'time')}), true)`,
  );

  const source = sqlIdentifier('eventsource');
  const iot = `lower(${source}) = ${sqlString(IOT_EVENT_SOURCE, 'constant')}`;
  if (q.matchUnsourcedIot && names.has('requestparameters')) {
    where.push(
      `(${iot}\n       OR (coalesce(${source}, '') = '' AND ${sqlIdentifier('requestparameters')} LIKE ${sqlString('%arn:aws%:iot:%', 'constant')}))`,
    );
  } else {
    where.push(iot);
  }

  return [
    'SELECT',
    select.map((s) => `  ${s}`).join(',\n'),
    `FROM ${sqlIdentifier(q.database)}.${sqlIdentifier(q.table)}`,
    `WHERE ${where.join('\n  AND ')}`,
  ].join('\n');
}
