import { GetTableMetadataCommand, type AthenaClient } from '@aws-sdk/client-athena';
import { classifyAwsFailure, describeAwsFailure } from '../../accounts/aws-errors.js';
import { SourceError, UsageError } from '../../errors.js';
import { describeCallFailure, type FailureContext } from './failures.js';
import type { PartitionColumns } from './partitions.js';
import { AthenaQueryCancelledError } from './query.js';
import { BASELINE_COLUMNS, isComplexTypeText, knownColumn } from './schema.js';
import type { SelectedColumn } from './sql.js';

/** What the query can rely on about the table. */
export interface TablePlan {
  /** Record columns to select, in table order. */
  columns: SelectedColumn[];
  /** Partition columns present (null: the table has no such partition, so no predicate on it). */
  partitions: { account: string | null; region: string | null; day: string };
  /** Struct columns (their JSON must be an object; an array means engine version 2). */
  structColumns: Set<string>;
  /** Why the table's own description was not used, or null. */
  note: string | null;
}

const SAFE_NAME = /^[a-z_][a-z0-9_]*$/;

/** The plan when the table cannot be described: the columns every guide table has, and the flags' partitions. */
function baselinePlan(partitions: PartitionColumns, note: string): TablePlan {
  return {
    columns: BASELINE_COLUMNS.map((name) => ({ name, complex: name === 'useridentity' || name === 'resources' })),
    partitions: { ...partitions },
    structColumns: new Set(['useridentity']),
    note,
  };
}

/**
 * Reads the table's columns and partition keys (GetTableMetadata) so the query selects exactly the
 * columns the table has and filters on partitions it really has. A table that cannot be found is an
 * error with the fix; a caller not allowed to describe it gets the baseline column set instead.
 */
export async function planTable(client: AthenaClient, context: FailureContext, partitions: PartitionColumns, signal?: AbortSignal): Promise<TablePlan> {
  let metadata;
  try {
    metadata = (
      await client.send(new GetTableMetadataCommand({ CatalogName: context.catalog, DatabaseName: context.database, TableName: context.table }), {
        abortSignal: signal,
      })
    ).TableMetadata;
  } catch (error) {
    if (signal?.aborted) throw new AthenaQueryCancelledError('interrupted before the Athena query started', null);
    if (classifyAwsFailure(error) === 'not-allowed') {
      return baselinePlan(
        partitions,
        `could not describe the table (${describeAwsFailure(error)}): read with the standard CloudTrail columns only, so console sessions and event categories are unknown ` +
          '(console-change findings are missed, and network activity events count as calls): allow athena:GetTableMetadata',
      );
    }
    throw new SourceError(describeCallFailure('GetTableMetadata', error, context));
  }
  if (!metadata) throw new SourceError(`Athena GetTableMetadata returned nothing for ${context.database}.${context.table}`);

  const keys = new Set((metadata.PartitionKeys ?? []).map((k) => (k.Name ?? '').toLowerCase()));
  const columns: SelectedColumn[] = [];
  const structColumns = new Set<string>();
  for (const column of metadata.Columns ?? []) {
    const name = (column.Name ?? '').toLowerCase();
    // A catalog is the user's, but a name that needs quoting rules we do not trust stays out of the SQL.
    if (!SAFE_NAME.test(name) || keys.has(name)) continue;
    const type = column.Type ?? 'string';
    const complex = isComplexTypeText(type);
    columns.push({ name, complex });
    if (/^\s*(struct|row)\s*[<(]/i.test(type) || (complex && knownColumn(name)?.type.kind === 'struct')) structColumns.add(name);
  }
  const missing = ['eventtime', 'eventsource', 'eventname'].filter((n) => !columns.some((c) => c.name === n));
  if (missing.length > 0) {
    throw new UsageError(`${context.database}.${context.table} is not a CloudTrail table (no ${missing.join(', ')} column): create one with \`iot-audit athena-table\``);
  }

  const listed = [...keys].sort().join(', ') || 'none';
  if (!keys.has(partitions.day)) {
    throw new UsageError(
      `${context.database}.${context.table} has no partition column "${partitions.day}" for the delivery day (its partitions: ${listed}); name it with --athena-partition-day, or create a table with \`iot-audit athena-table\`: without it Athena would read the whole trail`,
    );
  }
  const format = metadata.Parameters?.[`projection.${partitions.day}.format`];
  if (format !== undefined && format.trim() !== 'yyyy/MM/dd') {
    throw new UsageError(`${context.database}.${context.table}: partition "${partitions.day}" is projected as ${format}, expected yyyy/MM/dd (the trail's YYYY/MM/DD folders)`);
  }
  return {
    columns,
    partitions: {
      account: keys.has(partitions.account) ? partitions.account : null,
      region: keys.has(partitions.region) ? partitions.region : null,
      day: partitions.day,
    },
    structColumns,
    note: null,
  };
}
