/**
 * The Athena source: one query over the organization trail's table instead of reading its objects.
 *
 * Decisions worth knowing:
 * - Results are read with GetQueryResults (1,000 rows a page), not from the result CSV in S3: the
 *   IoT fraction of even a large organization's month is thousands to a few hundred thousand rows
 *   (minutes at most), and reading the CSV would need a CSV parser for JSON-in-CSV cells and
 *   s3:GetObject on the result location.
 * - The query also selects records with no event source whose request parameters mention an IoT
 *   ARN, the one other case `isIotRecord` accepts, so both paths apply the same rule. It costs
 *   nothing: Athena bills the bytes of the objects read, whatever the predicate. Such records come
 *   from the IoT guide's example, never from a trail; in that shape the parameters sit under the
 *   misspelled `RequestParamters`, which no table column reads, so through Athena they stay unseen.
 * - Coverage: `partitions` are the account/region/day partitions that returned rows, i.e. had IoT
 *   records; partitions with logs but no IoT record are not visible without scanning them twice.
 */
import type { AthenaClient } from '@aws-sdk/client-athena';
import { deliveryDays } from '../../collect/period.js';
import { isIotRecord, normalizeRecord } from '../../cloudtrail/normalize.js';
import { UsageError } from '../../errors.js';
import type { AthenaRunInfo, Period, SourceInfo, SourcedRecord } from '../../types.js';
import { parseS3Url } from '../s3-url.js';
import { createAthenaClient } from './client.js';
import type { FailureContext } from './failures.js';
import { checkPartitionColumns, type PartitionColumns } from './partitions.js';
import { executeQuery, readResults, type PollSettings, type QueryProgress } from './query.js';
import { logObjectOfPath, recordFromRow, type ColumnReading } from './rows.js';
import { buildCollectionSql } from './sql.js';
import { planTable } from './table.js';
import { parseAthenaUrl } from './url.js';
import { checkAccountIds, checkCatalog, checkRegions, checkWorkgroup } from './validate.js';
import { compareText } from '../../unicode.js';

export const DEFAULT_CATALOG = 'AwsDataCatalog';

export interface AthenaCollectionOptions {
  /** `athena://DATABASE.TABLE` */
  url: string;
  workgroup?: string;
  /** `s3://bucket/prefix/` for query results, when the workgroup has no result location. */
  outputLocation?: string;
  /** Data catalog; default AwsDataCatalog. */
  catalog?: string;
  period: Period;
  /** Delivery days read after the period's last UTC day, as for log files. */
  lateDays: number;
  accounts?: readonly string[];
  regions?: readonly string[];
  /** A client to use (tests); else one is made from `profile` and `region`, and destroyed after. */
  client?: AthenaClient;
  profile?: string;
  region?: string;
  /** Aborting it (Ctrl-C) stops the running query with StopQueryExecution. */
  signal?: AbortSignal;
  onProgress?: (progress: QueryProgress) => void;
  /** Names of the table's partition columns; defaults account, region, timestamp. */
  partitionColumns?: Partial<PartitionColumns>;
  /** GetQueryExecution backoff; default 200 ms doubling to 5 s. */
  poll?: PollSettings;
}

export interface AthenaPartition {
  accountId: string;
  region: string;
  /** UTC delivery day, `YYYY-MM-DD`. */
  day: string;
}

export interface AthenaCollection {
  /** The period's IoT records, normalized exactly as from log files; NOT de-duplicated. */
  records: SourcedRecord[];
  info: AthenaRunInfo;
  /** The report header's entry for this source. */
  source: SourceInfo;
  /** Partitions (from `$path`) that returned at least one row, sorted. */
  partitions: AthenaPartition[];
  /** Result rows read. */
  rowsRead: number;
  /** The SQL that ran. */
  query: string;
}

const MB = 1024 * 1024;
const TB = 1024 ** 4;

/** Athena's price: $5 per TB scanned, each query billed at least 10 MB, rounded up to whole MB. */
export function estimateAthenaCostUsd(scannedBytes: number): number {
  const billed = Math.max(10 * MB, Math.ceil(Math.max(0, scannedBytes) / MB) * MB);
  return Math.round((billed / TB) * 5 * 1e6) / 1e6;
}

function outputLocationOf(value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  try {
    const { bucket, prefix } = parseS3Url(value);
    return `s3://${bucket}/${prefix}`;
  } catch (error) {
    throw new UsageError(`--athena-output: ${(error as Error).message}; give s3://BUCKET/PREFIX/ for query results`);
  }
}

/**
 * Collects the period's IoT records with one Athena query over the organization trail's table:
 * partition predicates on the delivery days (the period's UTC days plus `lateDays`), accounts and
 * regions asked for; then every returned row goes through `normalizeRecord` and `isIotRecord`
 * and the exact `[start, end)` filter, as records from log files do.
 */
export async function runAthenaCollection(options: AthenaCollectionOptions): Promise<AthenaCollection> {
  const ref = parseAthenaUrl(options.url);
  const accounts = checkAccountIds(options.accounts ?? [], '--account');
  const regions = checkRegions(options.regions ?? [], '--region');
  const catalog = checkCatalog(options.catalog ?? DEFAULT_CATALOG);
  const workgroup = options.workgroup ? checkWorkgroup(options.workgroup) : undefined;
  const outputLocation = outputLocationOf(options.outputLocation);
  const partitionColumns = checkPartitionColumns(options.partitionColumns, '--athena-partition-');
  if (!Number.isInteger(options.lateDays) || options.lateDays < 0 || options.lateDays > 14) {
    throw new UsageError('--late-days must be a whole number from 0 to 14');
  }
  const context: FailureContext = { database: ref.database, table: ref.table, catalog, workgroup: workgroup ?? null };

  const client = options.client ?? (await createAthenaClient({ profile: options.profile, region: options.region }));
  try {
    const plan = await planTable(client, context, partitionColumns, options.signal);
    const days = deliveryDays(options.period, options.lateDays);
    const sql = buildCollectionSql({
      database: ref.database,
      table: ref.table,
      columns: plan.columns,
      partitions: plan.partitions,
      days,
      accounts,
      regions,
      period: options.period,
      matchUnsourcedIot: true,
    });

    const execution = await executeQuery(client, { sql, database: ref.database, catalog, workgroup, outputLocation }, context, {
      signal: options.signal,
      onProgress: options.onProgress,
      poll: options.poll,
    });
    const id = execution.QueryExecutionId!;
    const scannedBytes = execution.Statistics?.DataScannedInBytes ?? 0;

    const readings = new Map<string, ColumnReading>(plan.columns.map((c) => [c.name, { complex: c.complex, struct: plan.structColumns.has(c.name) }]));
    const startMs = Date.parse(options.period.start);
    const endMs = Date.parse(options.period.end);
    // Filters the SQL could not apply (a table without account or region partitions) apply to the object's key.
    const accountSet = plan.partitions.account === null && accounts.length > 0 ? new Set(accounts) : null;
    const regionSet = plan.partitions.region === null && regions.length > 0 ? new Set(regions) : null;
    const records: SourcedRecord[] = [];
    const partitions = new Map<string, AthenaPartition>();
    let rowsRead = 0;

    for await (const row of readResults(client, id, context, options.signal)) {
      rowsRead++;
      if (rowsRead % 1000 === 0) options.onProgress?.({ state: 'READING', scannedBytes, rowsRead });
      const { raw, path } = recordFromRow(row, readings);
      const file = logObjectOfPath(path, ref.label);
      if (accountSet && file.accountId !== null && !accountSet.has(file.accountId)) continue;
      if (regionSet && file.region !== null && !regionSet.has(file.region)) continue;
      if (file.accountId !== null && file.region !== null && file.deliveryDay !== null) {
        const key = `${file.accountId}/${file.region}/${file.deliveryDay}`;
        if (!partitions.has(key)) partitions.set(key, { accountId: file.accountId, region: file.region, day: file.deliveryDay });
      }
      const record = normalizeRecord(raw);
      if (record === null || !isIotRecord(record)) continue;
      // Without a time or a name: kept for the report to count (`setAside` in collect), as the files' are.
      if (record.eventTime === null || record.eventName === null) {
        records.push({ record, file });
        continue;
      }
      const t = Date.parse(record.eventTime);
      if (t >= startMs && t < endMs) records.push({ record, file });
    }
    options.onProgress?.({ state: 'DONE', scannedBytes, rowsRead });

    const info: AthenaRunInfo = {
      queryExecutionId: id,
      database: ref.database,
      table: ref.table,
      workgroup: execution.WorkGroup ?? workgroup ?? null,
      dataScannedBytes: scannedBytes,
      estimatedCostUsd: estimateAthenaCostUsd(scannedBytes),
      engineVersion: execution.EngineVersion?.EffectiveEngineVersion ?? null,
      note: plan.note,
    };
    const sortedPartitions = [...partitions.entries()].sort(([a], [b]) => compareText(a, b)).map(([, p]) => p);
    return {
      records,
      info,
      source: { label: ref.label, kind: 'athena', layout: 'athena', athena: info },
      partitions: sortedPartitions,
      rowsRead,
      query: sql,
    };
  } finally {
    if (!options.client) client.destroy();
  }
}
