/**
 * A loopback server speaking Amazon Athena's JSON 1.1 protocol, enough for the real
 * `@aws-sdk/client-athena` (commands, paginator, error parsing, retries) to run against it:
 * POST /, `X-Amz-Target: AmazonAthena.<Operation>`, `application/x-amz-json-1.1`, errors as
 * `{"__type": "<Code>", "Message": "..."}` with HTTP 400. Point the SDK at it with
 * `AWS_ENDPOINT_URL_ATHENA=<url>`, dummy credentials and a region.
 *
 * It serves GetTableMetadata for the tables it is given, runs every query QUEUED → RUNNING →
 * SUCCEEDED over a few polls (or FAILED with a reason, or never ends), answers GetQueryResults with
 * pages shaped like Athena's (the header row first on the first page only, typed ColumnInfo in
 * every page, NextToken), and records every request and the SQL it received.
 */
import { randomUUID } from 'node:crypto';
import { ProtocolError, startJsonProtocolServer, type JsonProtocolServer } from './json-protocol-server.js';

export type { InjectedError, RecordedRequest } from './json-protocol-server.js';
import type { ColumnInfo, Row } from '@aws-sdk/client-athena';
import { CLOUDTRAIL_COLUMNS, hiveTypeText, type HiveType } from '../../src/sources/athena/schema.js';
import { DEFAULT_PARTITION_COLUMNS } from '../../src/sources/athena/partitions.js';

const TARGET_PREFIX = 'AmazonAthena.';

export interface AthenaTableSpec {
  database: string;
  name: string;
  columns: { Name: string; Type: string }[];
  partitionKeys: { Name: string; Type: string }[];
  parameters?: Record<string, string>;
}

/** The table `iot-audit athena-table` creates, as GetTableMetadata describes it. */
export function projectedTable(database = 'cloudtrail', name = 'org_trail'): AthenaTableSpec {
  const p = DEFAULT_PARTITION_COLUMNS;
  return {
    database,
    name,
    columns: CLOUDTRAIL_COLUMNS.map((c) => ({ Name: c.key.toLowerCase(), Type: hiveTypeText(c.type) })),
    partitionKeys: [p.account, p.region, p.day].map((n) => ({ Name: n, Type: 'string' })),
    parameters: {
      'projection.enabled': 'true',
      [`projection.${p.day}.type`]: 'date',
      [`projection.${p.day}.format`]: 'yyyy/MM/dd',
      EXTERNAL: 'TRUE',
    },
  };
}

/** Result column names of the collection query over `projectedTable()`: its record columns, then `$path`. */
export const RESULT_COLUMNS: readonly string[] = [...CLOUDTRAIL_COLUMNS.map((c) => c.key.toLowerCase()), '$path'];

// ---------------------------------------------------------------------------
// Rows as Athena returns them for the collection query.
// ---------------------------------------------------------------------------

/** The Hive JSON SerDe matches keys case-insensitively. */
function lookup(value: Record<string, unknown>, key: string): unknown {
  if (key in value) return value[key];
  const lower = key.toLowerCase();
  for (const k of Object.keys(value)) if (k.toLowerCase() === lower) return value[k];
  return undefined;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** What the SerDe makes of a JSON value for a column or field of `type`, as Trino's CAST(... AS JSON) then shows it. */
function serde(value: unknown, type: HiveType): unknown {
  if (value === undefined || value === null) return null;
  switch (type.kind) {
    case 'string':
      return typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
    case 'struct':
      // Every declared field, null when the log has no such key; undeclared keys are lost.
      return isObject(value) ? Object.fromEntries(type.fields.map((f) => [f.key.toLowerCase(), serde(lookup(value, f.key), f.type)])) : null;
    case 'array':
      return Array.isArray(value) ? value.map((item) => serde(item, type.of)) : null;
    case 'map':
      return isObject(value) ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, serde(v, { kind: 'string' })])) : null;
  }
}

/**
 * Turns canonical CloudTrail records (as in a log file) into the rows the collection query returns
 * from a table made by `iot-audit athena-table`: one column per table column in `RESULT_COLUMNS`
 * order, lower-case names, string columns as text (objects as their JSON), structs and arrays as
 * the JSON text of `json_format(CAST(col AS JSON))`, NULL as a datum without VarCharValue, and
 * `paths[i]` (an `s3://bucket/key` URL) as the `$path` of `records[i]`.
 *
 * The server does not evaluate SQL: it returns the rows it is given. Give it what the query would
 * select: the records with `eventSource` iot.amazonaws.com, from objects of the period's delivery
 * days (non-IoT rows are dropped by the client anyway, but would count in `rowsRead` and `partitions`).
 */
export function rowsFromRecords(records: object[], paths: string[]): Row[] {
  if (paths.length !== records.length) throw new Error(`rowsFromRecords: ${records.length} records but ${paths.length} paths`);
  return records.map((record, i) => {
    const data = CLOUDTRAIL_COLUMNS.map((column) => {
      const value = serde(lookup(record as Record<string, unknown>, column.key), column.type);
      if (value === null) return {};
      return { VarCharValue: column.type.kind === 'string' ? (value as string) : JSON.stringify(value) };
    });
    data.push({ VarCharValue: paths[i] });
    return { Data: data };
  });
}

// ---------------------------------------------------------------------------
// The server.
// ---------------------------------------------------------------------------

export interface AthenaServerOptions {
  /** Data rows every query returns (no header row). */
  rows?: Row[];
  /** Result column names, default `RESULT_COLUMNS`. */
  columns?: readonly string[];
  /** Tables GetTableMetadata knows; default `[projectedTable()]`. */
  tables?: AthenaTableSpec[];
  /** Most rows per GetQueryResults page (the header counts, as in Athena); default 1000. */
  pageSize?: number;
  /** GetQueryExecution calls answered QUEUED then RUNNING before the final state; default 2. */
  pollsUntilDone?: number;
  /** DataScannedInBytes reported; default 123456789. */
  dataScannedBytes?: number;
  /** End every query FAILED with this StateChangeReason. */
  failReason?: string;
  /** Queries stay RUNNING until stopped. */
  neverFinish?: boolean;
  /** Refuse StartQueryExecution without ResultConfiguration.OutputLocation, as a workgroup without a result location does. */
  requireOutputLocation?: boolean;
  /** Workgroup reported when the request names none. */
  defaultWorkgroup?: string;
}

export interface ReceivedQuery {
  id: string;
  sql: string;
  database: string | null;
  catalog: string | null;
  workgroup: string;
  outputLocation: string | null;
}


export interface AthenaServer extends JsonProtocolServer {
  /** Every StartQueryExecution accepted, in order. */
  readonly queries: ReceivedQuery[];
}


interface QueryState {
  query: ReceivedQuery;
  polls: number;
  stopped: boolean;
  submitted: number;
}

export async function startAthenaServer(options: AthenaServerOptions = {}): Promise<AthenaServer> {
  const queries: ReceivedQuery[] = [];
  const states = new Map<string, QueryState>();
  const tables = options.tables ?? [projectedTable()];
  const columns = options.columns ?? RESULT_COLUMNS;
  const dataRows = options.rows ?? [];
  const pageSize = Math.min(options.pageSize ?? 1000, 1000);
  const pollsUntilDone = options.pollsUntilDone ?? 2;

  const columnInfo: ColumnInfo[] = columns.map((name) => ({
    CatalogName: 'hive',
    SchemaName: '',
    TableName: '',
    Name: name,
    Label: name,
    Type: 'varchar',
    Precision: 2147483647,
    Scale: 0,
    Nullable: 'UNKNOWN',
    CaseSensitive: true,
  }));
  const allRows: Row[] = [{ Data: columns.map((name) => ({ VarCharValue: name })) }, ...dataRows];

  const stateOf = (s: QueryState): { State: string; StateChangeReason?: string } => {
    if (s.stopped) return { State: 'CANCELLED', StateChangeReason: 'Query cancelled by user' };
    if (s.polls <= Math.floor(pollsUntilDone / 2)) return { State: 'QUEUED' };
    if (s.polls <= pollsUntilDone || options.neverFinish) return { State: 'RUNNING' };
    if (options.failReason !== undefined) return { State: 'FAILED', StateChangeReason: options.failReason };
    return { State: 'SUCCEEDED' };
  };
  const find = (body: Record<string, unknown>): QueryState => {
    const s = states.get(String(body.QueryExecutionId));
    if (!s) throw new ProtocolError('InvalidRequestException', `QueryExecution ${String(body.QueryExecutionId)} was not found`);
    return s;
  };

  const operations: Record<string, (body: Record<string, unknown>) => unknown> = {
    GetTableMetadata: (body) => {
      const table = tables.find((t) => t.database === body.DatabaseName && t.name === body.TableName);
      if (!table) {
        throw new ProtocolError('MetadataException', 'Entity Not Found (Service: AmazonDataCatalog; Status Code: 400; Error Code: EntityNotFoundException; Request ID: loopback)');
      }
      return {
        TableMetadata: {
          Name: table.name,
          CreateTime: 1_760_000_000,
          TableType: 'EXTERNAL_TABLE',
          Columns: table.columns,
          PartitionKeys: table.partitionKeys,
          Parameters: table.parameters ?? {},
        },
      };
    },
    StartQueryExecution: (body) => {
      const context = (body.QueryExecutionContext ?? {}) as Record<string, unknown>;
      const result = (body.ResultConfiguration ?? {}) as Record<string, unknown>;
      if (options.requireOutputLocation && typeof result.OutputLocation !== 'string') {
        throw new ProtocolError(
          'InvalidRequestException',
          'No output location provided. An output location is required either through the Workgroup result configuration setting or as an API input.',
        );
      }
      const id = randomUUID();
      const query: ReceivedQuery = {
        id,
        sql: String(body.QueryString ?? ''),
        database: typeof context.Database === 'string' ? context.Database : null,
        catalog: typeof context.Catalog === 'string' ? context.Catalog : null,
        workgroup: typeof body.WorkGroup === 'string' ? body.WorkGroup : (options.defaultWorkgroup ?? 'primary'),
        outputLocation: typeof result.OutputLocation === 'string' ? result.OutputLocation : null,
      };
      queries.push(query);
      states.set(id, { query, polls: 0, stopped: false, submitted: Date.now() / 1000 });
      return { QueryExecutionId: id };
    },
    GetQueryExecution: (body) => {
      const s = find(body);
      s.polls += 1;
      const status = stateOf(s);
      const done = status.State !== 'QUEUED' && status.State !== 'RUNNING';
      return {
        QueryExecution: {
          QueryExecutionId: s.query.id,
          Query: s.query.sql,
          StatementType: 'DML',
          ResultConfiguration: { OutputLocation: `${s.query.outputLocation ?? 's3://workgroup-results/'}${s.query.id}.csv` },
          QueryExecutionContext: { Database: s.query.database, Catalog: s.query.catalog },
          Status: { ...status, SubmissionDateTime: s.submitted, ...(done ? { CompletionDateTime: s.submitted + 2 } : {}) },
          Statistics: {
            EngineExecutionTimeInMillis: 1500,
            DataScannedInBytes: status.State === 'QUEUED' ? 0 : (options.dataScannedBytes ?? 123_456_789),
          },
          WorkGroup: s.query.workgroup,
          EngineVersion: { SelectedEngineVersion: 'AUTO', EffectiveEngineVersion: 'Athena engine version 3' },
        },
      };
    },
    GetQueryResults: (body) => {
      const s = find(body);
      const state = stateOf(s).State;
      if (state !== 'SUCCEEDED') throw new ProtocolError('InvalidRequestException', `Query has not yet finished. Current state: ${state}`);
      const asked = typeof body.MaxResults === 'number' ? body.MaxResults : 1000;
      const size = Math.max(1, Math.min(asked, pageSize));
      let start = 0;
      if (body.NextToken !== undefined) {
        const decoded = /^rows-(\d+)$/.exec(Buffer.from(String(body.NextToken), 'base64').toString('utf8'));
        if (!decoded) throw new ProtocolError('InvalidRequestException', 'The NextToken is invalid');
        start = Number(decoded[1]);
      }
      const end = start + size;
      return {
        UpdateCount: 0,
        ResultSet: { Rows: allRows.slice(start, end), ResultSetMetadata: { ColumnInfo: columnInfo } },
        ...(end < allRows.length ? { NextToken: Buffer.from(`rows-${end}`).toString('base64') } : {}),
      };
    },
    StopQueryExecution: (body) => {
      const s = find(body);
      const state = stateOf(s).State;
      if (state === 'QUEUED' || state === 'RUNNING') s.stopped = true;
      return {};
    },
  };

  const server = await startJsonProtocolServer({ service: 'Athena', targetPrefix: TARGET_PREFIX, operations });
  return Object.assign(server, { queries });
}
