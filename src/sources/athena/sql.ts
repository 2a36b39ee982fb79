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
 * The event-time predicate's bounds. `eventtime` is a string column compared as text; CloudTrail
 * writes `YYYY-MM-DDTHH:MM:SSZ`, which sorts like time only against bounds of that same shape. The
 * bounds are therefore whole seconds, one second outside the period on each side, so no record of
 * the period is lost to a text comparison (a fractional second sorts before `Z`); the exact
 * `[start, end)` filter runs afterwards on the parsed time, as for log files.
 */
export function eventTimeBounds(period: { start: string; end: string }): { from: string; to: string } {
  return { from: widen(period.start, -1), to: widen(period.end, 1) };
}

const slashDay = (day: string): string => day.replace(/-/g, '/');

/** A LIKE pattern: text that begins as a date does (`YYYY-MM-DD`), the only text the event-time bounds can place. */
const DATED = '____-__-__%';

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
  // A record whose time the text bounds cannot place (NULL, empty, not beginning with a date:
  // damaged or altered) is returned too, from the partitions above: the report counts it in
  // coverage (`iotRecordsWithoutTime`), as it counts such a record of a log file.
  where.push(
    `(${time} >= ${sqlString(bounds.from, 'time')} AND ${time} < ${sqlString(bounds.to, 'time')}\n       OR coalesce(${time}, '') NOT LIKE ${sqlString(DATED, 'constant')})`,
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
