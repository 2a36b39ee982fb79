import {
  GetQueryExecutionCommand,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
  paginateGetQueryResults,
  type AthenaClient,
  type QueryExecution,
} from '@aws-sdk/client-athena';
import { describeAwsFailure } from '../../accounts/aws-errors.js';
import { SourceError } from '../../errors.js';
import { describeCallFailure, describeQueryFailure, shortReason, type FailureContext } from './failures.js';

/** A query stopped because the caller's signal aborted (Ctrl-C). */
export class AthenaQueryCancelledError extends SourceError {
  constructor(
    message: string,
    readonly queryExecutionId: string | null,
  ) {
    super(message);
  }
}

export interface QueryProgress {
  /** QUEUED, RUNNING, SUCCEEDED, or READING while result pages are fetched. */
  state: string;
  scannedBytes: number;
  rowsRead?: number;
}

export interface PollSettings {
  /** First wait between two GetQueryExecution calls (ms). */
  initialMs: number;
  /** Longest wait; the wait doubles up to it. */
  maxMs: number;
}

export const DEFAULT_POLL: PollSettings = { initialMs: 200, maxMs: 5_000 };

export interface QueryRequest {
  sql: string;
  database: string;
  catalog: string;
  workgroup?: string;
  /** `s3://bucket/prefix/`; only needed when the workgroup has no result location. */
  outputLocation?: string;
}

export interface QueryOptions {
  signal?: AbortSignal;
  onProgress?: (progress: QueryProgress) => void;
  poll?: PollSettings;
}

function isAbort(error: unknown, signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true || (error instanceof Error && error.name === 'AbortError');
}

/** Waits `ms`, or less when the signal aborts; never rejects. */
function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** Sends StopQueryExecution; null when it was sent, else why it failed (`Code: message`, one line). */
async function sendStop(client: AthenaClient, id: string): Promise<string | null> {
  try {
    await client.send(new StopQueryExecutionCommand({ QueryExecutionId: id }));
    return null;
  } catch (error) {
    return describeAwsFailure(error);
  }
}

const stopCommand = (id: string): string => `\`aws athena stop-query-execution --query-execution-id ${id}\``;

async function stopQuery(client: AthenaClient, id: string): Promise<AthenaQueryCancelledError> {
  const failed = await sendStop(client, id);
  if (failed === null) {
    return new AthenaQueryCancelledError(`Athena query ${id} cancelled: interrupted, StopQueryExecution sent (Athena charges only the data scanned so far)`, id);
  }
  return new AthenaQueryCancelledError(
    `Athena query ${id} interrupted, but stopping it failed (${failed}): stop it in the Athena console or with ${stopCommand(id)}`,
    id,
  );
}

/**
 * Polling gave up (GetQueryExecution failed beyond the SDK's retries) on a query that may still be
 * running, and billing: stop it, best effort, and say in the error whether that worked.
 */
async function abandonQuery(client: AthenaClient, id: string, failure: string): Promise<SourceError> {
  const failed = await sendStop(client, id);
  if (failed === null) {
    return new SourceError(`${failure} (query ${id}); polling gave up, so the query was stopped (StopQueryExecution sent; Athena charges only the data scanned so far)`);
  }
  return new SourceError(
    `${failure} (query ${id}); polling gave up and stopping the query failed too (${failed}), so it may still be running and billing: stop it in the Athena console or with ${stopCommand(id)}`,
  );
}

/**
 * Starts the query and polls it (backoff from `poll.initialMs` doubling to `poll.maxMs`) until it
 * ends. Resolves with the execution when it SUCCEEDED; throws a SourceError with Athena's reason
 * and the likely fix when it FAILED or was CANCELLED elsewhere. When `signal` aborts, the running
 * query is stopped with StopQueryExecution and an AthenaQueryCancelledError is thrown; when polling
 * fails (GetQueryExecution refused or throttled beyond the SDK's retries, timed out), the query is
 * stopped too, best effort, before the SourceError is thrown: it would otherwise keep running and billing.
 */
export async function executeQuery(client: AthenaClient, request: QueryRequest, context: FailureContext, options: QueryOptions = {}): Promise<QueryExecution> {
  const { signal } = options;
  const poll = options.poll ?? DEFAULT_POLL;
  if (signal?.aborted) throw new AthenaQueryCancelledError('Athena query not started: interrupted', null);

  let id: string;
  try {
    // No abort signal on the start: once Athena has the query, its id is needed to stop it.
    const started = await client.send(
      new StartQueryExecutionCommand({
        QueryString: request.sql,
        QueryExecutionContext: { Database: request.database, Catalog: request.catalog },
        ...(request.workgroup ? { WorkGroup: request.workgroup } : {}),
        ...(request.outputLocation ? { ResultConfiguration: { OutputLocation: request.outputLocation } } : {}),
      }),
    );
    if (!started.QueryExecutionId) throw new Error('StartQueryExecution returned no query id');
    id = started.QueryExecutionId;
  } catch (error) {
    throw new SourceError(describeCallFailure('StartQueryExecution', error, context));
  }

  let wait = poll.initialMs;
  for (;;) {
    if (signal?.aborted) throw await stopQuery(client, id);
    let execution: QueryExecution | undefined;
    try {
      execution = (await client.send(new GetQueryExecutionCommand({ QueryExecutionId: id }), { abortSignal: signal })).QueryExecution;
    } catch (error) {
      if (isAbort(error, signal)) throw await stopQuery(client, id);
      throw await abandonQuery(client, id, describeCallFailure('GetQueryExecution', error, context));
    }
    const state = execution?.Status?.State ?? 'UNKNOWN';
    const scannedBytes = execution?.Statistics?.DataScannedInBytes ?? 0;
    options.onProgress?.({ state, scannedBytes });
    if (state === 'SUCCEEDED' && execution) return execution;
    if (state === 'FAILED') {
      const reason = execution?.Status?.StateChangeReason ?? execution?.Status?.AthenaError?.ErrorMessage ?? 'no reason given';
      throw new SourceError(describeQueryFailure(id, reason, context));
    }
    if (state === 'CANCELLED') {
      const reason = execution?.Status?.StateChangeReason;
      throw new SourceError(`Athena query ${id} was cancelled outside this run${reason ? ` (${shortReason(reason)})` : ''}: run the report again`);
    }
    await pause(wait, signal);
    wait = Math.min(wait * 2, poll.maxMs);
  }
}

/** One result row by column name; null for SQL NULL. */
export type ResultRow = Map<string, string | null>;

/**
 * The rows of a finished query, page by page (GetQueryResults, 1,000 rows a page). Columns are
 * named from ResultSetMetadata; the header row Athena puts first on the first page is skipped.
 */
export async function* readResults(client: AthenaClient, id: string, context: FailureContext, signal?: AbortSignal): AsyncGenerator<ResultRow> {
  let columns: string[] | null = null;
  let first = true;
  try {
    for await (const page of paginateGetQueryResults({ client, pageSize: 1000 }, { QueryExecutionId: id }, { abortSignal: signal })) {
      if (columns === null) {
        const info = page.ResultSet?.ResultSetMetadata?.ColumnInfo ?? [];
        columns = info.map((c) => c.Name ?? c.Label ?? '');
      }
      const rows = page.ResultSet?.Rows ?? [];
      for (let i = 0; i < rows.length; i++) {
        const data = rows[i].Data ?? [];
        if (first && i === 0 && data.length === columns.length && data.every((d, j) => d.VarCharValue === columns![j])) continue;
        const row: ResultRow = new Map();
        columns.forEach((name, j) => row.set(name, data[j]?.VarCharValue ?? null));
        yield row;
      }
      first = false;
      if (signal?.aborted) break;
    }
  } catch (error) {
    if (isAbort(error, signal)) throw new AthenaQueryCancelledError(`reading the results of Athena query ${id} interrupted`, id);
    throw new SourceError(`${describeCallFailure('GetQueryResults', error, context)} (query ${id})`);
  }
  if (signal?.aborted) throw new AthenaQueryCancelledError(`reading the results of Athena query ${id} interrupted`, id);
}
