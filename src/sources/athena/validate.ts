/**
 * Every value that ends up in generated SQL or DDL passes through one of these checks first.
 *
 * Why strict validation rather than Athena's `ExecutionParameters`: execution parameters are
 * substituted as SQL *expressions* (string values must be sent already quoted, e.g. `'us-east-1'`),
 * are only allowed in a WHERE clause, and do not exist for identifiers or DDL. So they would not
 * remove the need to quote safely, and would not cover database, table or column names at all.
 * Instead each value is matched against the narrowest pattern its kind allows (12 digits, a region
 * name, a lower-case identifier...), none of which admits a quote, a backslash or whitespace, and is
 * then quoted anyway. A value that does not match is a usage error, never "cleaned up".
 */
import { ACCOUNT_ID, ORG_ID, REGION } from '../../cloudtrail/layout.js';
import { UsageError } from '../../errors.js';

/** `us-east-1`, `eu-central-2`, `us-gov-west-1`, `cn-north-1`, `ap-southeast-5`. */
/** Athena/Glue database, table and column names: lower-case letters, digits and `_` only. */
const IDENTIFIER = /^[a-z0-9_]{1,255}$/;
/** Partition column names are also written unquoted in projection property names. */
const COLUMN = /^[a-z_][a-z0-9_]{0,127}$/;
/** Athena data catalog names (passed to the API only, never into SQL). */
const CATALOG = /^[A-Za-z0-9_@-]{1,127}$/;
/** Athena workgroup names (passed to the API only). */
const WORKGROUP = /^[A-Za-z0-9._-]{1,128}$/;
/** One S3 key segment as it may appear in a DDL location: no quote, `$`, `{`, space or backslash. */
const KEY_SEGMENT = /^[A-Za-z0-9!_.*()-]+$/;
/** A delivery day partition value, `yyyy/MM/dd`. */
const DAY_SLASH = /^(\d{4})\/(\d\d)\/(\d\d)$/;
/** CloudTrail's own event-time format, the only instant written into SQL. */
const EVENT_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;
/** A constant regular expression (`regexp_like`): classes, counts and anchors, no quote, backslash or space. */
const REGEX_CONSTANT = /^[A-Za-z0-9.:_^$[\]{}-]*$/;

function show(value: string): string {
  return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);
}

export function checkAccountIds(values: readonly string[], flag: string): string[] {
  const out = new Set<string>();
  for (const value of values) {
    if (!ACCOUNT_ID.test(value)) throw new UsageError(`${flag} ${show(value)} is not an AWS account id: give 12 digits, e.g. 111122223333`);
    out.add(value);
  }
  return [...out].sort();
}

export function checkRegions(values: readonly string[], flag: string): string[] {
  const out = new Set<string>();
  for (const value of values) {
    if (!REGION.test(value)) throw new UsageError(`${flag} ${show(value)} is not an AWS region name: use e.g. us-east-1 or eu-west-1`);
    out.add(value);
  }
  return [...out].sort();
}

/**
 * `--account` and `--region` as given to `report` and `verify`: 12-digit ids and region codes, or a
 * usage error (exit 2). A mistyped filter would read nothing and look like a quiet month.
 */
export function checkScope(accounts: readonly string[], regions: readonly string[]): void {
  checkAccountIds(accounts, '--account');
  checkRegions(regions, '--region');
}

/** Database and table names: Athena folds them to lower case, so the check does too. */
export function checkIdentifier(value: string, what: string): string {
  const lower = value.toLowerCase();
  if (!IDENTIFIER.test(lower)) {
    throw new UsageError(`${what} ${show(value)} is not a valid Athena name: use only letters, digits and underscores`);
  }
  return lower;
}

export function checkColumnName(value: string, what: string): string {
  if (!COLUMN.test(value)) {
    throw new UsageError(`${what} ${show(value)} is not a valid column name: use lower-case letters, digits and underscores, starting with a letter`);
  }
  return value;
}

export function checkCatalog(value: string): string {
  if (!CATALOG.test(value)) throw new UsageError(`--athena-catalog ${show(value)} is not a valid data catalog name (letters, digits, _ @ -)`);
  return value;
}

export function checkWorkgroup(value: string): string {
  if (!WORKGROUP.test(value)) throw new UsageError(`--athena-workgroup ${show(value)} is not a valid workgroup name (letters, digits, . _ -)`);
  return value;
}

export function checkOrganizationId(value: string): string {
  if (!ORG_ID.test(value)) throw new UsageError(`--organization-id ${show(value)} is not an organization id: it looks like o-a1b2c3d4e5`);
  return value;
}

/** An S3 key prefix for a DDL location: '' or `seg/seg/` with conservative characters only. */
export function checkKeyPrefix(value: string): string {
  const parts = value.split('/').filter((p) => p !== '');
  for (const part of parts) {
    if (part === '.' || part === '..' || !KEY_SEGMENT.test(part)) {
      throw new UsageError(`--prefix ${show(value)} has a segment Athena locations cannot carry safely (${show(part)}): use letters, digits and ! _ . * ( ) -`);
    }
  }
  return parts.length > 0 ? `${parts.join('/')}/` : '';
}

/** `YYYY/MM/DD` or `YYYY-MM-DD`, a real calendar day, as `YYYY/MM/DD`. */
export function checkStartDate(value: string): string {
  const m = DAY_SLASH.exec(value.replace(/-/g, '/'));
  if (m) {
    const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const date = new Date(Date.UTC(y, mo - 1, d));
    if (y >= 2013 && date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d) return `${m[1]}/${m[2]}/${m[3]}`;
  }
  throw new UsageError(`--start-date ${show(value)} is not a day: use YYYY/MM/DD, e.g. 2024/01/01 (the first day of logs the table should see)`);
}

// ---------------------------------------------------------------------------
// Quoting. Each helper re-checks its input, so a caller that forgot to validate gets an
// error instead of SQL built from an unchecked string.
// ---------------------------------------------------------------------------

/** A quoted SQL identifier (Trino/Athena DML): `"name"`. */
export function sqlIdentifier(name: string): string {
  if (!IDENTIFIER.test(name) && name !== '$path') throw new Error(`refusing to quote unchecked identifier ${show(name)}`);
  return `"${name}"`;
}

/** A quoted Hive identifier (Athena DDL): `` `name` ``. */
export function ddlIdentifier(name: string): string {
  if (!IDENTIFIER.test(name)) throw new Error(`refusing to quote unchecked identifier ${show(name)}`);
  return `\`${name}\``;
}

/**
 * A SQL string literal of a value of a known kind. The patterns admit no quote; doubling
 * quotes is kept as a second line of defence.
 */
export function sqlString(value: string, kind: 'account' | 'region' | 'day' | 'time' | 'constant' | 'pattern'): string {
  const ok =
    kind === 'account'
      ? ACCOUNT_ID.test(value)
      : kind === 'region'
        ? REGION.test(value)
        : kind === 'day'
          ? DAY_SLASH.test(value)
          : kind === 'time'
            ? EVENT_TIME.test(value)
            : kind === 'pattern'
              ? REGEX_CONSTANT.test(value)
              : /^[A-Za-z0-9.:%_-]*$/.test(value);
  if (!ok) throw new Error(`refusing to quote unchecked ${kind} value ${show(value)}`);
  return `'${value.replace(/'/g, "''")}'`;
}
