/**
 * What to tell the user when Athena refuses or fails a query: Athena's own reason on one line,
 * then the fix for the causes people actually hit.
 */
import { classifyAwsFailure, describeAwsFailure } from '../../accounts/aws-errors.js';
import { oneLine } from '../../errors.js';

export interface FailureContext {
  database: string;
  table: string;
  catalog: string;
  workgroup: string | null;
}

export const IAM_HINT =
  'the caller needs athena:StartQueryExecution, GetQueryExecution, GetQueryResults, StopQueryExecution and GetTableMetadata, glue:GetDatabase and glue:GetTable on the table, s3:GetObject and s3:ListBucket on the trail bucket, s3:PutObject, s3:GetObject and s3:GetBucketLocation on the query result location (and kms:Decrypt when the logs are KMS-encrypted)';

const HINTS: { test: RegExp; hint: (c: FailureContext) => string }[] = [
  {
    test: /SCHEMA_NOT_FOUND|Schema .* does not exist|Database .*not found/i,
    hint: (c) => `database "${c.database}" does not exist in catalog ${c.catalog}: create it (CREATE DATABASE ${c.database}) and the table with \`iot-audit athena-table\`, or check --aws-region`,
  },
  {
    test: /TABLE_NOT_FOUND|Table .* does not exist|Table not found|Entity Not Found|EntityNotFound/i,
    hint: (c) => `table ${c.database}.${c.table} not found in catalog ${c.catalog}: create it with \`iot-audit athena-table\` (run the DDL it prints in Athena), or check the name in --source athena://DATABASE.TABLE and --aws-region`,
  },
  {
    test: /COLUMN_NOT_FOUND|Column .* cannot be resolved/i,
    hint: () => "the table lacks a column the query uses: name its partition columns with --athena-partition-account/-region/-day (defaults account, region, timestamp), or recreate it with `iot-audit athena-table`",
  },
  {
    test: /output location|OutputLocation|query result location/i,
    hint: () => 'give a query result location with --athena-output s3://BUCKET/PREFIX/ (or set one on the workgroup)',
  },
  {
    test: /WorkGroup .*(not found|does not exist)|workgroup is disabled/i,
    hint: (c) => `workgroup ${c.workgroup ?? 'primary'} cannot be used: pass an existing, enabled one with --athena-workgroup`,
  },
  {
    test: /HIVE_CURSOR_ERROR|HIVE_BAD_DATA|JsonParseException|not a valid JSON|Unexpected end-of-input/i,
    hint: () => 'a log object in the period cannot be parsed by Athena (Athena names it above) and one bad object fails the whole query; read this period with --source s3://BUCKET/PREFIX instead, which skips and names unreadable files',
  },
  {
    test: /Access Denied|AccessDenied|not authorized|Permission denied|Insufficient permissions|Insufficient Lake Formation/i,
    hint: () => IAM_HINT,
  },
];

/** Athena's reason, cut to one line of reasonable length (it may quote log content). */
export function shortReason(reason: string): string {
  const line = oneLine(reason).replace(/\p{Cc}/gu, ' ');
  return line.length > 400 ? `${line.slice(0, 399)}…` : line;
}

export function hintFor(reason: string, context: FailureContext): string | null {
  const found = HINTS.find((h) => h.test.test(reason));
  return found ? found.hint(context) : null;
}

/** One line for a failed query: its id, Athena's reason and, when known, the fix. */
export function describeQueryFailure(queryExecutionId: string, reason: string, context: FailureContext): string {
  const hint = hintFor(reason, context);
  return `Athena query ${queryExecutionId} failed: ${shortReason(reason)}${hint ? `; ${hint}` : ''}`;
}

/** One line for a refused API call (StartQueryExecution, GetTableMetadata, ...). */
export function describeCallFailure(operation: string, error: unknown, context: FailureContext): string {
  const text = describeAwsFailure(error);
  const kind = classifyAwsFailure(error);
  if (kind === 'credentials') {
    return `Athena ${operation}: ${text}; no usable AWS credentials: set AWS_PROFILE (or --profile) or run \`aws sso login\``;
  }
  const hint = hintFor(text, context) ?? (kind === 'not-allowed' ? IAM_HINT : null);
  return `Athena ${operation}: ${text}${hint ? `; ${hint}` : ''}`;
}
