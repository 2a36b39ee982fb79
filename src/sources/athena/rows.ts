/**
 * From an Athena result row back to the record a log file holds: lower-case column and field names
 * become the log's camelCase keys, struct fields Athena fills with null for keys the log did not
 * have are dropped, and `$path` says which log object the row came from.
 */
import { cut, MAX_NESTING, nestsDeeperThan } from '../../cloudtrail/normalize.js';
import { REGION_TEXT } from '../../cloudtrail/layout.js';
import { SourceError } from '../../errors.js';
import type { JsonValue, LogObjectRef } from '../../types.js';
import type { ResultRow } from './query.js';
import { knownColumn, type HiveType } from './schema.js';
import { PATH_COLUMN } from './sql.js';

/** How to read each selected column. */
export interface ColumnReading {
  /** Selected as JSON text. */
  complex: boolean;
  /** A struct: its JSON must be an object. */
  struct: boolean;
}

const S3_URL = /^s3:\/\/([^/]+)\/(.+)$/;
/** A key from its first `AWSLogs/` segment on: the layout, then the file name as its one last segment. */
const TRAIL_LAYOUT = new RegExp(`^AWSLogs/(?:(o-[a-z0-9]{10,32})/)?(\\d{12})/CloudTrail/(${REGION_TEXT})/(\\d{4})/(\\d\\d)/(\\d\\d)/[^/]+$`);

/**
 * The layout's parts of a key, read from its first `AWSLogs/` segment (only a user prefix comes
 * before it); null when the key is not a log file's. A key holding another layout deeper down
 * (`.../dd/x/AWSLogs/...`) is not one: the inner layout must not name the account or the day.
 */
function trailKeyParts(key: string): RegExpExecArray | null {
  if (key.startsWith('AWSLogs/')) return TRAIL_LAYOUT.exec(key);
  const slash = key.indexOf('/AWSLogs/');
  return slash === -1 ? null : TRAIL_LAYOUT.exec(key.slice(slash + 1));
}

/** The log object a row was read from, with what its key says (as the file path's listing gives it). */
export function logObjectOfPath(path: string | null, fallbackSource: string): LogObjectRef {
  const url = path === null ? null : S3_URL.exec(path);
  if (!url) {
    return { key: path ?? '', source: fallbackSource, accountId: null, region: null, deliveryDay: null, organizationId: null };
  }
  const key = url[2];
  const m = trailKeyParts(key);
  return {
    key,
    source: `s3://${url[1]}`,
    accountId: m ? m[2] : null,
    region: m ? m[3] : null,
    deliveryDay: m ? `${m[4]}-${m[5]}-${m[6]}` : null,
    organizationId: m ? (m[1] ?? null) : null,
  };
}

/** Own property even for a name like `__proto__`. */
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/**
 * A complex column's parsed value with known fields renamed to the log's spelling and null struct
 * fields dropped; map contents stay as they are. What lies deeper than `MAX_NESTING` levels (the
 * column's value the first) is cut to `TOO_DEEP` first, as `normalizeRecord` cuts a log file's
 * record, so the walk below never recurses deeper than that whatever `JSON.parse` accepted.
 */
function canonical(value: JsonValue, type: HiveType | undefined): unknown {
  return renamed(nestsDeeperThan(value, MAX_NESTING) ? cut(value, MAX_NESTING) : value, type);
}

/** `canonical` on a value nested at most `MAX_NESTING` levels deep. */
function renamed(value: unknown, type: HiveType | undefined): unknown {
  if (Array.isArray(value)) return value.map((item) => renamed(item, type?.kind === 'array' ? type.of : undefined));
  if (value === null || typeof value !== 'object' || type?.kind === 'map') return value;
  const fields = type?.kind === 'struct' ? type.fields : [];
  const out: Record<string, unknown> = {};
  for (const [name, inner] of Object.entries(value as Record<string, unknown>)) {
    if (inner === null) continue;
    const field = fields.find((f) => f.key.toLowerCase() === name.toLowerCase());
    setOwn(out, field?.key ?? name, renamed(inner, field?.type));
  }
  return out;
}

/**
 * The raw record of one row (to be passed to `normalizeRecord`), and its `$path`. Throws when a
 * struct column came back as a JSON array: Athena engine version 2 casts rows to arrays, losing
 * the field names; version 3 keeps them.
 */
export function recordFromRow(row: ResultRow, readings: ReadonlyMap<string, ColumnReading>): { raw: Record<string, unknown>; path: string | null } {
  const raw: Record<string, unknown> = {};
  let path: string | null = null;
  for (const [name, value] of row) {
    if (name === PATH_COLUMN) {
      path = value;
      continue;
    }
    if (value === null) continue;
    const known = knownColumn(name);
    const key = known?.key ?? name;
    const reading = readings.get(name);
    if (!reading?.complex) {
      setOwn(raw, key, value);
      continue;
    }
    let parsed: JsonValue;
    try {
      parsed = JSON.parse(value) as JsonValue;
    } catch {
      continue;
    }
    if (reading.struct && Array.isArray(parsed)) {
      throw new SourceError(
        `Athena returned the struct column ${name} as a JSON array, without field names: the workgroup runs Athena engine version 2; switch it to engine version 3 (or use another workgroup with --athena-workgroup)`,
      );
    }
    if (parsed !== null) setOwn(raw, key, canonical(parsed, known?.type));
  }
  return { raw, path };
}
