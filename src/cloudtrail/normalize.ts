import { createHash } from 'node:crypto';
import type { CloudTrailRecord, JsonObject, JsonValue, RecordShape } from '../types.js';
import { actorOf } from './identity.js';
import { formatCount } from '../numbers.js';
import { keptText } from '../kept-text.js';

export const IOT_EVENT_SOURCE = 'iot.amazonaws.com';

/** An IoT ARN in any partition (aws, aws-cn, aws-us-gov...). */
const IOT_ARN = /^arn:aws[a-z-]*:iot:/;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The IoT guide's shape capitalizes keys and misspells one; canonical records are
 * camelCase. Keys are matched case-insensitively, with the known alias. A Map, not an
 * object: the key is log text, and `constructor` or `__proto__` must find nothing.
 */
const KEY_ALIASES: ReadonlyMap<string, string> = new Map([['requestparamters', 'requestparameters']]);

/**
 * The SHA-256 of each string `keptString` cut while the record being normalized was read: its
 * identity (`contentIdOf`) is then of the values as read, not as cut (two records differing only
 * past 256 KiB were one event). Emptied as each record begins (`normalizeRecord`).
 */
let cutDigests: string[] = [];

/** `keptText`, noting the hash of a string it cuts (`cutDigests`). */
function keptString(text: string): string {
  const kept = keptText(text);
  if (kept !== text) cutDigests.push(createHash('sha256').update(text).digest('hex'));
  return kept;
}

/** `""` and empty values mean "absent" in the IoT guide's shape. A private key in the text is removed; a forged length is cut (`keptText`). */
function str(value: unknown): string | null {
  if (typeof value === 'string') return value === '' ? null : keptString(withoutPemKeys(value));
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return null;
}

/** `true`/`"true"` (any case) -> true, `false`/`"false"` -> false, anything else -> null: logs carry both. */
export function boolOf(value: unknown): boolean | null {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') {
    const v = value.trim().toLowerCase();
    if (v === 'true') return true;
    if (v === 'false') return false;
  }
  return null;
}

/**
 * What a JSON text may hold to be parsed here (a log file read whole, an IoT record, JSON held
 * in a string): a parse builds every object and array before a record keeps what it can show.
 * Two million nested objects in a 34 KB file took ~300 MB; 20 MB of empty arrays in one record
 * ended the whole run (V8's out-of-memory abort in a parse worker, whose heap holds 256 MB).
 * Measured under these limits: a 60 MB log of strings each 99,999 levels deep peaked at 248 MB,
 * 24 files each just under two million objects and arrays at 462 MB (the whole run, two workers);
 * a pretty-printed CloudTrail file of 64 MB (the most read whole) holds ~350,000 (the bench's logs).
 */
export const MAX_PARSE_DEPTH = 100_000;
export const MAX_PARSE_CONTAINERS = 2_000_000;
/**
 * Objects and arrays JSON held in a string may hold to be parsed (`parsedText`: an export's
 * `requestParameters`, LookupEvents' `CloudTrailEvent`): a record's worth (CloudTrail's have a few
 * dozen; its events are at most 256 KB).
 */
export const MAX_RECORD_CONTAINERS = 250_000;

/**
 * Whether JSON text (a string, or its UTF-8 bytes from `from` to `to`) nests objects or arrays
 * more than `maxDepth` deep (`deep`) or holds more than `maxContainers` of them (`wide`), else
 * null; brackets inside strings do not count. (In UTF-8 no byte of a multi-byte character is
 * ASCII, so the bytes are read as the characters are.) Stops at the first limit passed.
 */
export function jsonOverLimits(text: string | Uint8Array, maxDepth: number, maxContainers: number, from = 0, to = text.length): 'deep' | 'wide' | null {
  const counted = jsonContainers(text, maxDepth, maxContainers, from, to);
  return typeof counted === 'number' ? null : counted;
}

/** The objects and arrays of JSON text (`jsonOverLimits`), or which limit it passes. */
export function jsonContainers(text: string | Uint8Array, maxDepth: number, maxContainers: number, from = 0, to = text.length): number | 'deep' | 'wide' {
  const bytes = typeof text === 'string' ? null : text;
  let depth = 0;
  let containers = 0;
  let inString = false;
  for (let i = from; i < to; i++) {
    const c = bytes !== null ? bytes[i]! : (text as string).charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > maxDepth) return 'deep';
      if (++containers > maxContainers) return 'wide';
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return containers;
}

/** The wrapper keys under which a record is held as text (`unwrapRecord`), as the reasons name them. */
export type TextWrapperKey = 'CloudTrailEvent' | 'eventJson';

/**
 * Why a log file over the limits (`jsonOverLimits`: `MAX_PARSE_DEPTH`, `MAX_PARSE_CONTAINERS`) is
 * not read; with `heldIn`, why a file that holds a record as text under that wrapper key past one
 * record's limits (`MAX_PARSE_DEPTH`, `MAX_RECORD_CONTAINERS`: `RecordTextOverLimits`) is not.
 */
export function overLimitsReason(over: 'deep' | 'wide', heldIn?: TextWrapperKey): string {
  if (heldIn !== undefined) {
    const record = `holds a record as text in "${heldIn}"`;
    return over === 'deep'
      ? `${record} nested more than ${formatCount(MAX_PARSE_DEPTH)} levels deep: not read (no CloudTrail record nests so deep)`
      : `${record} with more than ${formatCount(MAX_RECORD_CONTAINERS)} objects and arrays: not read (no CloudTrail record holds so many: its events are at most 256 KB)`;
  }
  return over === 'deep'
    ? `nested more than ${formatCount(MAX_PARSE_DEPTH)} levels deep: not read (no CloudTrail record nests so deep)`
    : `holds more than ${formatCount(MAX_PARSE_CONTAINERS)} objects and arrays: not read (no CloudTrail log holds so many in so little)`;
}

/**
 * A record held as text (LookupEvents' `CloudTrailEvent`, an export's `eventJson`) past one
 * record's limits: not built (`normalizeRecord` with `'throw'`). Its message is the file's reason
 * (`overLimitsReason`): the record is there, refused, and a file holding it is not read as one
 * without it, nor as one that holds no record.
 */
export class RecordTextOverLimits extends Error {
  constructor(
    readonly heldIn: TextWrapperKey,
    readonly over: 'deep' | 'wide',
  ) {
    super(overLimitsReason(over, heldIn));
  }
}

/**
 * Characters (or bytes) of JSON for each object or array it may hold past `MAX_PARSE_CONTAINERS`:
 * the one density bound of a log file's JSON held as text (records held as text, an export's values
 * held as text: `ReadBudget.text`) and of its lines read a line at a time (`denseLinesReason`,
 * src/collect/parse-windows.ts). What a file parses then follows its size. CloudTrail's records hold
 * one for every 100 to 200 bytes, so a genuine file is never charged, however many events it holds
 * (a budget of 2 million for all texts refused a LookupEvents export of 420,000 events); a forged
 * text of empty arrays (one per 2 or 3 characters) is charged nearly all it holds. Held only to one
 * record's limits, 80 texts of 249,999 each in a LookupEvents page of 60 MB took the run 5 s and
 * 423 MB; 400 such in a compact file of 300 MB (1.6 MB gzipped), 30 s and 620 MB.
 */
export const CHARS_PER_CONTAINER = 16;

/** Why a file whose texts hold more than `CHARS_PER_CONTAINER` allows is not read. */
export const TEXT_OVER_LIMITS_REASON =
  `holds more than ${formatCount(MAX_PARSE_CONTAINERS)} objects and arrays in JSON held as text (records or values), past one for each ${CHARS_PER_CONTAINER} characters of that text: not read (no CloudTrail log holds so many in so little)`;

/** A log file past its texts' bound (`CHARS_PER_CONTAINER`): refused as `RecordTextOverLimits` refuses it (`isRefusedText`). */
class FileTextOverLimits extends Error {
  constructor() {
    super(TEXT_OVER_LIMITS_REASON);
  }
}

/** Whether `normalizeRecord` with `'throw'` refused the record's file (`RecordTextOverLimits`, `FileTextOverLimits`): its message is the file's reason. */
export function isRefusedText(error: unknown): error is Error {
  return error instanceof RecordTextOverLimits || error instanceof FileTextOverLimits;
}

/**
 * Objects and arrays a log file's records may keep in their values (identity, parameters, response,
 * additional data) together: `MAX_KEPT_CONTAINERS` to begin with, and `KEPT_PER_RECORD` more for each
 * IoT record (the budget of a record that is not one is given back). CloudTrail's records hold a
 * few each; 199 records of 9,991 each, a file (34 KB gzipped), took the main thread 100 MB a file:
 * 24 such files, 2.46 GB and 55 s. A forged record now costs about what a genuine one does.
 */
export const KEPT_PER_RECORD = 64;

/**
 * What one log file's records may still parse from text and keep (`MAX_PARSE_CONTAINERS` past `CHARS_PER_CONTAINER`,
 * `KEPT_PER_RECORD`), used from record to record in the file's order, so the cut does not depend on
 * how the file is read (the fast scan, windows, the whole read).
 */
export class ReadBudget {
  text = MAX_PARSE_CONTAINERS;
  kept = MAX_KEPT_CONTAINERS;
}

/**
 * JSON held in a string, parsed (`value`); else why not: `over` says which limit of one record
 * (`MAX_PARSE_DEPTH`, `MAX_RECORD_CONTAINERS`) it passes, null when it is not JSON.
 */
function parsedText(text: string, budget: ReadBudget | undefined): { value: unknown } | { over: 'deep' | 'wide' | null } {
  const containers = jsonContainers(text, MAX_PARSE_DEPTH, MAX_RECORD_CONTAINERS);
  if (typeof containers !== 'number') return { over: containers };
  if (budget !== undefined) {
    // Parsed or not (text that is no JSON stops early), past the file's budget: the file is refused.
    // Only what the text holds past one for each `CHARS_PER_CONTAINER` of its characters is charged.
    const charged = Math.max(0, containers - Math.floor(text.length / CHARS_PER_CONTAINER));
    if (charged > budget.text) throw new FileTextOverLimits();
    budget.text -= charged;
  }
  try {
    return { value: JSON.parse(text) as unknown };
  } catch {
    return { over: null };
  }
}

function obj(value: unknown, budget: ReadBudget | undefined): JsonObject | null {
  if (isObject(value)) return kept(value as JsonObject, budget);
  // Some exports carry nested JSON as a string: one past the limits is a forged value, left out as unreadable JSON is.
  if (typeof value === 'string' && value.startsWith('{')) {
    const parsed = parsedText(value, budget);
    return 'value' in parsed && isObject(parsed.value) ? kept(parsed.value as JsonObject, budget) : null;
  }
  return null;
}

/**
 * An object value of a record as the report keeps it (`keptValue`): at most `MAX_KEPT_CONTAINERS`
 * objects and arrays, and, in a log file, no more than its records may still keep (`ReadBudget`).
 */
function kept(value: JsonObject, budget: ReadBudget | undefined): JsonObject {
  const own = budget === undefined || budget.kept >= MAX_KEPT_CONTAINERS;
  const left = { left: own ? MAX_KEPT_CONTAINERS : Math.max(0, budget.kept), mark: own ? TOO_WIDE : TOO_WIDE_FOR_FILE };
  const start = left.left;
  const out = keptValue(value, MAX_NESTING, left) as JsonObject;
  if (budget !== undefined) budget.kept -= start - left.left;
  return out;
}

/**
 * Levels of objects and arrays a record's value may hold (CloudTrail's nest a handful).
 * A forged one nested thousands deep would overflow the stack of everything that walks it
 * (JSON output, CSV, the analysis), and past ~1,900 levels a parse worker's answer cannot
 * even be read on the main thread.
 */
export const MAX_NESTING = 64;

/** What stands in for a value nested deeper than `MAX_NESTING`. */
export const TOO_DEEP = `[nested more than ${MAX_NESTING} levels deep: left out]`;

/**
 * Objects and arrays a record's value (its request parameters, response, additional data) keeps:
 * CloudTrail's hold a few dozen. Past them a forged value's rest is left out, so what a record
 * holds on the main thread is bounded however much a parse worker could parse (20 records of
 * 250,000 empty arrays a file, two dozen files, took the main thread to 5.4 GB).
 */
export const MAX_KEPT_CONTAINERS = 10_000;

/** What stands in for the objects and arrays of a value past `MAX_KEPT_CONTAINERS`. */
export const TOO_WIDE = `[more than ${formatCount(MAX_KEPT_CONTAINERS)} objects and arrays: left out]`;

/** What stands in for the objects and arrays of a value past what its log file's records may still keep (`ReadBudget`). */
export const TOO_WIDE_FOR_FILE = `[more objects and arrays than the records of this log file keep (${formatCount(KEPT_PER_RECORD)} a record): left out]`;

/**
 * Whether `value` holds objects or arrays more than `levels` deep, the value itself the first
 * level (never recurses past `levels`). Policy documents, parsed later from their text, are
 * held to the same limit.
 */
export function nestsDeeperThan(value: unknown, levels: number): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (levels === 0) return true;
  for (const v of Array.isArray(value) ? value : Object.values(value)) if (nestsDeeperThan(v, levels - 1)) return true;
  return false;
}

/** A copy of `value` with what lies deeper than `levels` replaced by `TOO_DEEP`. */
export function cut(value: JsonValue, levels: number): JsonValue {
  if (typeof value !== 'object' || value === null) return value;
  if (levels === 0) return TOO_DEEP;
  if (Array.isArray(value)) return value.map((v) => cut(v, levels - 1));
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(value)) Object.defineProperty(out, k, { value: cut(v, levels - 1), enumerable: true, writable: true, configurable: true });
  return out;
}

/**
 * What stands in for a private key a record carries. CreateKeysAndCertificate's API response
 * holds the new certificate's key pair (`keyPair.PrivateKey`); whether CloudTrail keeps it in
 * `responseElements` is unverified (FORMATS.md section 3), and a report (JSON, CSV, HTML, PDF,
 * Markdown: all of them made from the normalized record) must never copy one. Removed where
 * records are normalized, so both reading paths (the fast scan and plain `JSON.parse`) and the
 * Athena source drop it before anything else sees the record.
 */
export const PRIVATE_KEY_REMOVED = '[private key removed]';

/**
 * A PEM private key block (`-----BEGIN [RSA |EC |ENCRYPTED |OPENSSH ]PRIVATE KEY-----`) to
 * its END line, or to the end of the text when it has none (a cut-off key is still a key).
 * Linear: the label is one run of capitals, the body is taken lazily up to the first END.
 */
const PEM_PRIVATE_KEY = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z0-9 ]*PRIVATE KEY-----|$)/g;

/** `text` with every PEM private key block replaced by `PRIVATE_KEY_REMOVED` (itself when it has none: nearly always). */
function withoutPemKeys(text: string): string {
  return text.includes('PRIVATE KEY-----') ? text.replace(PEM_PRIVATE_KEY, PRIVATE_KEY_REMOVED) : text;
}

/** `privateKey`, `PrivateKey`, `private_key`... in any case: a key whose value is a private key. */
function isPrivateKeyName(key: string): boolean {
  return (key.length === 10 || key.length === 11) && PRIVATE_KEY_NAMES.has(key.toLowerCase());
}
const PRIVATE_KEY_NAMES: ReadonlySet<string> = new Set(['privatekey', 'private_key']);

/** `o[k] = v` as an own data property: a `__proto__` key stays a key (as `cut` makes them). */
function define(o: JsonObject, k: string, v: JsonValue): void {
  Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
}

/**
 * `value` as the report keeps it: itself when it nests at most `levels` levels (the value itself
 * the first), holds at most `budget.left` objects and arrays, and no private key (nearly always),
 * else a copy with what lies deeper replaced by `TOO_DEEP` (as `cut` does), the rest of a list or
 * object past the budget by one `TOO_WIDE`, and each value under a private-key name
 * (`keyPair.PrivateKey`) and each PEM private key in a string replaced by `PRIVATE_KEY_REMOVED`.
 * One walk for all three, never deeper than `levels`; only what changes is copied.
 */
function keptValue(value: JsonValue, levels: number, budget: { left: number; mark: string }): JsonValue {
  if (typeof value === 'string') return keptString(withoutPemKeys(value));
  if (typeof value !== 'object' || value === null) return value;
  if (levels === 0) return TOO_DEEP;
  budget.left--;
  // Past the budget, the rest of the list or object is one `TOO_WIDE` (not one per element: that copy was as large).
  if (Array.isArray(value)) {
    let out: JsonValue[] | null = null;
    for (let i = 0; i < value.length; i++) {
      const v = value[i]!;
      if (budget.left <= 0 && typeof v === 'object' && v !== null) {
        out = [...(out ?? value).slice(0, i), budget.mark];
        break;
      }
      const r = keptValue(v, levels - 1, budget);
      if (r !== v) (out ??= value.slice())[i] = r;
    }
    return out ?? value;
  }
  let out: JsonObject | null = null;
  const keys = Object.keys(value);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    const v = value[key]!;
    if (budget.left <= 0 && typeof v === 'object' && v !== null) {
      const cutAt: JsonObject = {};
      for (let j = 0; j < i; j++) define(cutAt, keys[j]!, out === null ? value[keys[j]!]! : out[keys[j]!]!);
      define(cutAt, key, budget.mark);
      return cutAt;
    }
    const r = isPrivateKeyName(key) && v !== null && v !== '' ? PRIVATE_KEY_REMOVED : keptValue(v, levels - 1, budget);
    if (r === v) continue;
    if (out === null) {
      out = {};
      // Own data properties, as `cut` makes them: a `__proto__` key stays a key.
      for (const k of keys) define(out, k, value[k]!);
    }
    define(out, key, r);
  }
  return out ?? value;
}

/**
 * An ISO 8601 date-time, the only text taken as an event time: `YYYY-MM-DD`, `T` (or a space,
 * as CloudTrail Lake and Athena exports write it), `HH:MM[:SS[.fraction]]`, then `Z`, an offset
 * (`+HH:MM`, `+HHMM`, `+HH`, or with `-`), or nothing. CloudTrail writes `YYYY-MM-DDTHH:MM:SSZ`.
 */
const ISO_DATE_TIME = /^(\d{4})-(\d\d)-(\d\d)[Tt ](\d\d):(\d\d)(?::(\d\d)(?:[.,](\d+))?)?(?:[Zz]|([+-])(\d\d)(?::?(\d\d))?)?$/;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysIn(year: number, month: number): number {
  return month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : DAYS_IN_MONTH[month - 1]!;
}

/**
 * An event time as ISO-8601 UTC (`YYYY-MM-DDTHH:MM:SSZ`, milliseconds kept when not zero);
 * null when the value is not an ISO 8601 date-time (`ISO_DATE_TIME`) naming a real instant.
 *
 * CloudTrail's times are UTC, so a date-time without an offset (`2026-10-01T00:30:00`,
 * `2026-10-31 23:30:00.000` from an export) is read as UTC: the same report on every machine,
 * whatever its time zone (`Date.parse` would read it in the machine's zone). Anything else
 * (`05/10/2026 10:00`, `Oct 5 2026`, a date without a time, `2026-02-30T…`) is no usable
 * time: the record is counted as one without time, never placed by a guess. Fractions of a
 * second past milliseconds are cut, as `Date.parse` cut them.
 */
export function canonicalTime(value: unknown): string | null {
  const text = str(value);
  if (text === null) return null;
  const m = ISO_DATE_TIME.exec(text);
  if (m === null) return null;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const hour = Number(m[4]);
  const minute = Number(m[5]);
  const second = m[6] === undefined ? 0 : Number(m[6]);
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month) || hour > 23 || minute > 59 || second > 59) return null;
  // CloudTrail's own form, `YYYY-MM-DDTHH:MM:SSZ` (nearly every record): a real instant, checked above, and canonical as it is.
  if (text.length === 20 && text.charCodeAt(10) === 0x54 && text.charCodeAt(19) === 0x5a) return text;
  let offsetMinutes = 0;
  if (m[8] !== undefined) {
    const offsetHours = Number(m[9]);
    const offsetRest = m[10] === undefined ? 0 : Number(m[10]);
    if (offsetHours > 23 || offsetRest > 59) return null;
    offsetMinutes = (m[8] === '-' ? -1 : 1) * (offsetHours * 60 + offsetRest);
  }
  const ms = m[7] === undefined ? 0 : Number(m[7].slice(0, 3).padEnd(3, '0'));
  // setUTCFullYear, not Date.UTC: Date.UTC reads years 0-99 as 1900-1999.
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute - offsetMinutes, second, ms);
  const iso = date.toISOString();
  // An offset can carry year 0000 or 9999 out of the four-digit years.
  if (iso.length !== 24) return null;
  const canonical = iso.endsWith('.000Z') ? `${iso.slice(0, -5)}Z` : iso;
  // CloudTrail's own text is already canonical: keep that string rather than an equal copy.
  return canonical === text ? text : canonical;
}

/** The IoT guide's `timestamp`: epoch seconds (string or number). */
function epochTime(value: unknown): string | null {
  const text = str(value);
  if (text === null || !/^\d{9,11}(\.\d+)?$/.test(text)) return null;
  return canonicalTime(new Date(Number(text) * 1000).toISOString());
}

/**
 * What `keyed` reads of a record's keys, each lower-cased once for both uses: the record's
 * fields, and the values under its wrapper keys (`unwrapRecord`).
 */
interface KeyedRecord {
  /** Values by lower-cased key, the alias applied; the first spelling of each wins (a record with both `eventName` and `EventName` is odd enough). A Map for the reason `KEY_ALIASES` is one. */
  fields: Map<string, unknown>;
  /** The wrapped record: the first `cloudtrailevent` that is not null, else the first such `eventjson`. */
  inner: unknown;
  /** Which of the two `inner` is. */
  innerKey: TextWrapperKey;
  /** The first `detail` that is not null. */
  detail: unknown;
  /** Whether an EventBridge key (`detail-type`, `source`) is there. */
  eventBridge: boolean;
}

function keyed(raw: Record<string, unknown>): KeyedRecord {
  const fields = new Map<string, unknown>();
  let cloudTrailEvent: unknown = null;
  let eventJson: unknown = null;
  let detail: unknown;
  let eventBridge = false;
  const keys = Object.keys(raw);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    const value = raw[key];
    const lower = key.toLowerCase();
    const canonical = KEY_ALIASES.get(lower) ?? lower;
    if (!fields.has(canonical)) fields.set(canonical, value);
    if (lower === 'cloudtrailevent') cloudTrailEvent ??= value;
    else if (lower === 'eventjson') eventJson ??= value;
    else if (lower === 'detail') detail ??= value;
    else if (lower === 'source' || lower === 'detail-type') eventBridge = true;
  }
  return { fields, inner: cloudTrailEvent ?? eventJson, innerKey: cloudTrailEvent !== null ? 'CloudTrailEvent' : 'eventJson', detail, eventBridge };
}

/**
 * How `normalizeRecord` meets a record held as text (`CloudTrailEvent`, `eventJson`) past one
 * record's limits: `'throw'` throws `RecordTextOverLimits` (a log file's records: the file is then
 * named unreadable with the reason, not read without the record or as one holding none);
 * `'fields'` reads the object's own fields instead, as for wrapped text that is not JSON (an
 * Athena row, whose columns are the record beside such a column).
 */
export type TextOverLimitsMet = 'throw' | 'fields';

/**
 * Unwraps the containers users feed in around a record: the LookupEvents API
 * (`CloudTrailEvent` as a JSON string), EventBridge (`detail`), CloudTrail Lake and
 * Athena exports (`eventjson`). Wrapper keys are matched in any case (`eventJSON`,
 * `CLOUDTRAILEVENT`), as every key is (FORMATS.md section 2); `CloudTrailEvent` before
 * `eventJson`, and a null one counts as absent. The fast scan treats the same keys, in any
 * ASCII case, as wrappers (`isWrapperKey` in scan.ts). `raw` itself when it wraps nothing,
 * and when its wrapped text is not JSON. Text past one record's limits (`parsedText`) is a
 * record refused (`TextOverLimitsMet`).
 */
function unwrapRecord(raw: Record<string, unknown>, { inner, innerKey, detail, eventBridge }: KeyedRecord, overLimits: TextOverLimitsMet, budget: ReadBudget | undefined): unknown {
  if (typeof inner === 'string') {
    const parsed = parsedText(inner, budget);
    if ('value' in parsed) return parsed.value;
    if (parsed.over !== null && overLimits === 'throw') throw new RecordTextOverLimits(innerKey, parsed.over);
    return raw;
  }
  if (isObject(inner)) return inner;
  if (isObject(detail) && eventBridge) return detail;
  return raw;
}

/**
 * One CloudTrail record in either shape of FORMATS.md section 2, as the typed
 * record the pipeline uses; null when the value is not a record at all. A record without an
 * `eventName` is one only when it names its event source: CloudTrail always writes the name, so
 * such a record is damaged or altered, and the report counts it (`eventName` null) rather than
 * dropping it unsaid; an object with neither is no record. A record held as text past one
 * record's limits is met as `overLimits` says (`TextOverLimitsMet`). With `budget` (the records of
 * one log file, in its order), JSON held as text is parsed and values are kept only as far as the
 * file's `ReadBudget` goes (past what may be parsed, `FileTextOverLimits` is thrown).
 */
export function normalizeRecord(raw: unknown, overLimits: TextOverLimitsMet = 'fields', budget?: ReadBudget): CloudTrailRecord | null {
  if (!isObject(raw)) return null;
  cutDigests = [];
  const outer = keyed(raw);
  const unwrapped = unwrapRecord(raw, outer, overLimits, budget);
  if (!isObject(unwrapped)) return null;
  // Nearly every record wraps nothing: its keys were lower-cased once, above.
  const m = unwrapped === raw ? outer.fields : keyed(unwrapped).fields;
  const eventName = str(m.get('eventname'));
  if (eventName === null && str(m.get('eventsource')) === null) return null;

  // The canonical shape is camelCase with `eventTime`; the guide's has `EventTime`/`timestamp`.
  const shape: RecordShape = 'eventTime' in unwrapped || 'eventName' in unwrapped ? 'canonical' : 'iot-guide';
  const eventTime = canonicalTime(m.get('eventtime')) ?? epochTime(m.get('timestamp'));

  const eventId = str(m.get('eventid'));
  const userIdentity = obj(m.get('useridentity'), budget);
  const record: CloudTrailRecord = {
    eventId,
    eventTime,
    eventSource: str(m.get('eventsource'))?.toLowerCase() ?? null,
    eventName,
    eventType: str(m.get('eventtype')),
    awsRegion: str(m.get('awsregion')),
    recipientAccountId: str(m.get('recipientaccountid')),
    sourceIpAddress: str(m.get('sourceipaddress')),
    userAgent: str(m.get('useragent')),
    errorCode: str(m.get('errorcode')),
    errorMessage: str(m.get('errormessage')),
    readOnly: boolOf(m.get('readonly')),
    managementEvent: boolOf(m.get('managementevent')),
    eventCategory: str(m.get('eventcategory')),
    requestParameters: obj(m.get('requestparameters'), budget),
    responseElements: obj(m.get('responseelements'), budget),
    additionalEventData: obj(m.get('additionaleventdata'), budget),
    // The identity is kept as the actor it names (an IoT record's is shared: `iotOnly` in collect/parse-log.ts).
    actor: actorOf(userIdentity),
    contentId: null,
    requestId: str(m.get('requestid')),
    sessionCredentialFromConsole: boolOf(m.get('sessioncredentialfromconsole')),
    vpcEndpointId: str(m.get('vpcendpointid')),
    shape,
  };
  if (eventId === null) record.contentId = contentIdOf(record, userIdentity);
  return record;
}

/**
 * A value as JSON text that does not depend on how it was written: keys sorted, and keys whose
 * value is null left out. An Athena row gives the identity's fields in the table's order, with
 * the ones the log lacks as null: the same record from a log file and from Athena hashes alike.
 */
function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const object = value as Record<string, unknown>;
  const keys = Object.keys(object)
    .filter((k) => object[k] !== null && object[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(object[k])}`).join(',')}}`;
}

/**
 * A hash of a record's whole content: its fields, and the whole identity rather than the actor
 * (`canonicalJson`); and, for each string cut when read (`keptText`), the hash of the whole string
 * (`cutDigests`, sorted: an Athena row gives the identity's fields in another order).
 */
function contentIdOf(record: CloudTrailRecord, userIdentity: JsonObject | null): string {
  const content = canonicalJson({ ...record, actor: undefined, contentId: undefined, userIdentity });
  const hash = createHash('sha256').update(content);
  // Nearly always none: the identity is then what it was.
  if (cutDigests.length > 0) hash.update(`\n${[...cutDigests].sort().join(',')}`);
  return hash.digest('hex').slice(0, 32);
}

function mentionsIotArn(value: unknown, depth = 0): boolean {
  if (depth > 8) return false;
  if (typeof value === 'string') return IOT_ARN.test(value);
  if (Array.isArray(value)) return value.some((v) => mentionsIotArn(v, depth + 1));
  if (isObject(value)) return Object.values(value).some((v) => mentionsIotArn(v, depth + 1));
  return false;
}

/**
 * Records that are not IoT API calls made by a caller, whatever their event source and name:
 * - VPC endpoint network activity (`eventCategory` NetworkActivity, `eventType` AwsVpceEvent):
 *   a call that passed through an interface endpoint of `iot.amazonaws.com`, logged by the
 *   endpoint's owner beside (not instead of) the call's own management event, which says
 *   `vpcEndpointId`. Counted, it would make every call through an endpoint two changes; it
 *   carries no `readOnly`, so the name-based guess would call each one a change.
 * - Insights events (`eventCategory` Insight, `eventType` AwsCloudTrailInsight): CloudTrail's
 *   statement that a call rate or error rate was unusual, not a call.
 * Neither is an event of the report (kept out of its changes, reads, failures, actors and
 * findings); they still count among the records read. Except a denial by the endpoint's policy
 * (`errorCode` VpceAccessDenied): the call never reached AWS IoT, so network activity is its only
 * record, and the report shows it among the failed and denied attempts (never a change).
 */
function isNotApiCall(record: Pick<CloudTrailRecord, 'eventCategory' | 'eventType' | 'errorCode'>): boolean {
  const category = record.eventCategory?.toLowerCase();
  const type = record.eventType?.toLowerCase();
  if (category === 'insight' || type === 'awscloudtrailinsight') return true;
  if (category !== 'networkactivity' && type !== 'awsvpceevent') return false;
  return record.errorCode !== 'VpceAccessDenied';
}

/**
 * Only `eventSource == iot.amazonaws.com` is IoT (names collide across services).
 * A record with no event source (the IoT guide's shape) is IoT only when its
 * parameters name an IoT ARN. Network activity and Insights events are not calls (`isNotApiCall`).
 */
export function isIotRecord(record: CloudTrailRecord): boolean {
  if (isNotApiCall(record)) return false;
  if (record.eventSource !== null) return record.eventSource === IOT_EVENT_SOURCE;
  return mentionsIotArn(record.requestParameters);
}
