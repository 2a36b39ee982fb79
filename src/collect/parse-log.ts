import { gunzipSync } from 'node:zlib';
import { KEPT_PER_RECORD, MAX_PARSE_CONTAINERS, MAX_PARSE_DEPTH, ReadBudget, isIotRecord, jsonOverLimits, normalizeRecord, overLimitsReason } from '../cloudtrail/normalize.js';
import { sharedActor } from '../cloudtrail/shared.js';
import type { CloudTrailRecord, ParsedLog } from '../types.js';
import { oneLine } from '../errors.js';
import { formatCount } from '../numbers.js';

/** Largest output chunk `gunzipLog` asks zlib for; larger logs take several chunks. */
const MAX_CHUNK = 16 << 20;
/** Deflate never expands more than ~1032:1, so no output is larger than this many times its input. */
const MAX_RATIO = 1032;

/**
 * zlib's output chunk for one gzip file: the size its trailer records (ISIZE, the last
 * member's size mod 2^32) plus a little, so a CloudTrail file inflates into one buffer
 * of its own size, with no concatenation and no large chunk kept alive behind a small
 * result. The fixed 1 MB chunk used before cost 7× the page faults on two threads (Node
 * 20, the bench floor at scale 1) and ran at 0.7 instead of 1.1 GB/s on Node 24; zlib's
 * default (16 KB) makes a file a hundred steps and a final copy. The trailer of a broken
 * or hostile file can say anything: it is bounded by what the input can inflate to and by
 * `MAX_CHUNK`, and a wrong hint costs only speed. The bench floor (bench/floor.mjs)
 * gunzips with `gunzipLog` too.
 */
export function gunzipOptionsFor(bytes: Uint8Array): { chunkSize: number } {
  return { chunkSize: Math.max(1024, Math.min(recordedSize(bytes) + 64, inflateBound(bytes) + 64, MAX_CHUNK)) };
}

/**
 * The uncompressed size a gzip file's trailer records (ISIZE: the last member's size mod
 * 2^32), 0 for a file too short to have one. Only a hint: nothing checks it here.
 */
export function recordedSize(bytes: Uint8Array): number {
  const n = bytes.length;
  return n >= 18 ? (bytes[n - 4] | (bytes[n - 3] << 8) | (bytes[n - 2] << 16) | (bytes[n - 1] << 24)) >>> 0 : 0;
}

/** The most that deflate can expand `bytes` to: no true trailer records more. */
export function inflateBound(bytes: Uint8Array): number {
  return bytes.length * MAX_RATIO;
}

/**
 * The most a log file may inflate to (1 GiB): no CloudTrail log comes near it, and a gzip bomb (a
 * few MB that inflate to gigabytes) stops there, named unreadable, instead of taking the memory.
 */
export const MAX_LOG_BYTES = 1 << 30;

/**
 * The most text the whole-file reader parses (64 MiB): a file the fast scan does not take
 * (pretty-printed, JSON lines, LookupEvents output, other wrappers) is parsed whole, and a parse
 * takes several times the text on a parse worker, whose heap holds 256 MB: a 300 MB
 * pretty-printed file ended the whole run (V8's out-of-memory abort, exit 134), one of 150 MB
 * its worker. CloudTrail's own files are compact, which the fast scan reads at any size.
 */
export const MAX_WHOLE_FILE_TEXT = 64 << 20;


/** Gunzips one log object (throws zlib's error on a broken one, ERR_BUFFER_TOO_LARGE past `maxOutput`, at most `MAX_LOG_BYTES`). */
export function gunzipLog(bytes: Buffer, maxOutput: number = MAX_LOG_BYTES): Buffer {
  return gunzipSync(bytes, { ...gunzipOptionsFor(bytes), maxOutputLength: Math.min(maxOutput, MAX_LOG_BYTES) });
}

const MB = 1 << 20;
const megabytes = (bytes: number) => `${formatCount(Math.round(bytes / MB))} MB`;

/** Why a file that inflates past `MAX_LOG_BYTES` is not read. */
export const TOO_LARGE = `larger than ${megabytes(MAX_LOG_BYTES)} uncompressed: not read (no CloudTrail log file is this large)`;

/** Whether zlib stopped at `maxOutputLength` (`MAX_LOG_BYTES`). */
export function isTooLarge(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | null)?.code === 'ERR_BUFFER_TOO_LARGE';
}

/**
 * Gives a buffer that `gunzipLog` made back to the allocator now instead of at the next
 * garbage collection, where the runtime can (`ArrayBuffer.prototype.transfer`, Node 22
 * and later; a no-op on Node 20). On Node 24 the two worker threads otherwise held
 * 150-250 MB of spent gunzip output between them (the report's peak RSS was 398 MB at
 * double size, growing with the input) and the floor's gunzip ran ~15% slower. Only for
 * a buffer nothing else holds: small buffers share Node's pool and are left alone.
 */
export function releaseBuffer(buf: Buffer): void {
  const memory = buf.buffer as ArrayBufferLike & { transfer?: (length: number) => ArrayBuffer };
  if (memory instanceof ArrayBuffer && memory.byteLength > Buffer.poolSize) memory.transfer?.(0);
}

/**
 * Why a file over `MAX_WHOLE_FILE_TEXT` that is neither a compact log nor JSON lines (which are
 * read as a stream at any size: src/collect/parse-windows.ts) is not read.
 */
export function notReadWholeReason(uncompressedBytes: number): string {
  return (
    `${megabytes(uncompressedBytes)} uncompressed, and not a whole compact {"Records":[...]} log as CloudTrail writes, nor JSON lines (pretty-printed, ` +
    `another wrapper, or damaged): such a file is read whole, up to ${megabytes(MAX_WHOLE_FILE_TEXT)}; split it, or write it compact as CloudTrail does`
  );
}

/** Decoded text of a log object, or why it could not be decoded. */
export type DecodedLog = { text: string; uncompressedBytes: number } | { error: string; uncompressedBytes: number };

/** Whether bytes begin with a UTF-8 byte order mark (the whole read drops it from the text; the scans skip it). */
export function hasUtf8Bom(bytes: Uint8Array): boolean {
  return bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
}

export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Gunzips by content (not by name) and decodes UTF-8. */
export function decodeLog(bytes: Buffer): DecodedLog {
  let raw = bytes;
  if (isGzip(bytes)) {
    try {
      raw = gunzipLog(bytes);
    } catch (error) {
      if (isTooLarge(error)) return { error: TOO_LARGE, uncompressedBytes: 0 };
      return { error: `not a valid gzip file (${oneLine(error)})`, uncompressedBytes: 0 };
    }
  }
  // Never made a string: the text alone could exceed a worker's heap.
  if (raw.length > MAX_WHOLE_FILE_TEXT) {
    const uncompressedBytes = raw.length;
    if (raw !== bytes) releaseBuffer(raw);
    return { error: notReadWholeReason(uncompressedBytes), uncompressedBytes };
  }
  // Checked on the bytes, before the text is made: a parse would build every object and array.
  const over = jsonOverLimits(raw, MAX_PARSE_DEPTH, MAX_PARSE_CONTAINERS);
  if (over !== null) {
    const uncompressedBytes = raw.length;
    if (raw !== bytes) releaseBuffer(raw);
    return { error: overLimitsReason(over), uncompressedBytes };
  }
  let text = raw.toString('utf8');
  const uncompressedBytes = raw.length;
  if (raw !== bytes) releaseBuffer(raw);
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return { text, uncompressedBytes };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The value under `name` (lower-case ASCII) in any case. Lower-casing keeps the length of
 * whatever becomes ASCII: keys of other lengths cannot match and are not lower-cased.
 */
function keyCi(object: Record<string, unknown>, name: string): unknown {
  const keys = Object.keys(object);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    if (key.length === name.length && key.toLowerCase() === name) return object[key];
  }
  return undefined;
}

/** LookupEvents output's events: each holds its record as `CloudTrailEvent` (any case). */
function isLookupEvent(value: unknown): boolean {
  return isObject(value) && keyCi(value, 'cloudtrailevent') !== undefined;
}

/**
 * LookupEvents output: `Events` whose every item holds its record as `CloudTrailEvent`. A page
 * saved from an SDK carries more keys beside it (boto3's `ResponseMetadata`, the JS SDK's
 * `$metadata`). An empty page is taken only as the CLI writes it, `Events` and `NextToken` (any
 * case) and nothing else: an empty `events` list among other keys is something else, such as
 * this tool's own JSON report of a quiet month (read as a log with no records, a mistyped
 * `--source` gave an all-clear report).
 */
function isLookupEventsOutput(value: Record<string, unknown>, events: unknown[]): boolean {
  if (events.length > 0) return events.every(isLookupEvent);
  return Object.keys(value).every((key) => key.length <= 9 && (key.toLowerCase() === 'events' || key.toLowerCase() === 'nexttoken'));
}

/** This tool's JSON report (`schemaVersion` and `tool.name` "iot-audit"), which is no log. */
function isOwnReport(value: unknown): boolean {
  if (!isObject(value) || !('schemaVersion' in value)) return false;
  const tool = value.tool;
  return isObject(tool) && tool.name === 'iot-audit';
}

/**
 * What telling a log's shape worked out of one raw record: the IoT record it makes (normalized),
 * null when it makes none, undefined when it was not worked out.
 */
type KnownIotRecord = CloudTrailRecord | null | undefined;

/**
 * A log's raw records, and `iot[i]` for `raw[i]` where telling the shape normalized it, so that no
 * record is normalized twice (`iotRecordsOf`). Only IoT records are kept: the others would
 * only hold memory until the file is read.
 */
interface LogRecords {
  raw: unknown[];
  iot: KnownIotRecord[];
}

/**
 * `record` when it is an IoT record, else null. An IoT record's actor is made its caller's one
 * object (`sharedActor`): the records of one reply of a parse worker then carry each caller once,
 * and the main thread makes one of each. Only IoT records: the plain path normalizes every record
 * of a file, and sharing them all made its read ~25% slower.
 */
function iotOnly(record: CloudTrailRecord | null): CloudTrailRecord | null {
  if (record === null || !isIotRecord(record)) return null;
  record.actor = sharedActor(record.actor);
  return record;
}

/**
 * A raw record of a log file normalized within its file's `budget` (`normalizeRecord`), and its IoT
 * record (`iotOnly`). Each IoT record adds `KEPT_PER_RECORD` to what the file's records may keep; a
 * record that is not one gives back what it took.
 */
function readRecord(raw: unknown, budget: ReadBudget): { record: CloudTrailRecord | null; iot: CloudTrailRecord | null } {
  const before = budget.kept;
  budget.kept += KEPT_PER_RECORD;
  const record = normalizeRecord(raw, 'throw', budget);
  const iot = iotOnly(record);
  if (iot === null) budget.kept = before;
  return { record, iot };
}

/**
 * `items` (with the IoT records found while looking) when it is empty or holds at least one
 * CloudTrail record (in any wrapper), else null: a list of objects none of which is a record
 * (`[{"id":1}]`, an unknown export) is not a log read with nothing in it, but a file the report
 * cannot read, and says so. Items that are not records beside ones that are count among the
 * records read, as other services' records do. An item holding its record as text past one
 * record's limits throws `RecordTextOverLimits` (`iotRecordsOf`).
 */
function withSomeRecord(items: unknown[], budget: ReadBudget): LogRecords | null {
  const iot: KnownIotRecord[] = [];
  for (let i = 0; i < items.length; i++) {
    const read = readRecord(items[i], budget);
    iot.push(read.iot);
    if (read.record !== null) return { raw: items, iot };
  }
  return items.length === 0 ? { raw: items, iot } : null;
}

/**
 * The raw records a parsed JSON value holds, or null when it is not CloudTrail:
 * `{"Records":[...]}`, a bare array, LookupEvents output `{"Events":[...]}`, or a
 * single record or envelope (EventBridge, Lake/Athena export). A `Records` array is taken
 * as CloudTrail's own file, as the fast scan takes it (it parses only the records that can
 * be IoT records); a bare array or `Events` must hold at least one record (`withSomeRecord`).
 * An empty one, like `{"Records":[]}`, is a log with no records. With the IoT records found
 * on the way (`LogRecords`).
 */
function recordsOf(value: unknown, budget: ReadBudget): LogRecords | null {
  if (Array.isArray(value)) return value.every((v) => isObject(v)) ? withSomeRecord(value, budget) : null;
  if (!isObject(value)) return null;
  const records = keyCi(value, 'records');
  if (Array.isArray(records)) return { raw: records, iot: [] };
  const events = keyCi(value, 'events');
  if (Array.isArray(events) && isLookupEventsOutput(value, events)) return withSomeRecord(events, budget);
  const read = readRecord(value, budget);
  return read.record !== null ? { raw: [value], iot: [read.iot] } : null;
}

/** Why a parsed JSON value that `recordsOf` refused is not a CloudTrail log. */
function notCloudTrailReason(value: unknown): string {
  if (Array.isArray(value)) {
    return value.every((v) => isObject(v))
      ? `not a CloudTrail log (a JSON array of ${value.length} objects, none of them a CloudTrail record)`
      : 'not a CloudTrail log (a JSON array holding values that are not objects)';
  }
  if (isOwnReport(value)) return 'not a CloudTrail log (an iot-audit report: give the folder or bucket of the logs as --source)';
  if (isObject(value) && Array.isArray(keyCi(value, 'events'))) {
    return (keyCi(value, 'events') as unknown[]).length > 0
      ? 'not a CloudTrail log ("Events" holds no CloudTrail record: LookupEvents output has one as "CloudTrailEvent" in each event)'
      : 'not a CloudTrail log (an empty "Events" list beside other keys: empty LookupEvents output holds only "Events" and "NextToken")';
  }
  return 'not a CloudTrail log (no "Records" array and no CloudTrail record)';
}

/**
 * JSON lines (one record, envelope or log per line): the records, or why the text is not
 * CloudTrail when every line is JSON but one of them is not CloudTrail; null when a line is not JSON.
 */
function parseJsonLines(text: string, budget: ReadBudget): LogRecords | { reason: string } | null {
  const raw: unknown[] = [];
  const iot: KnownIotRecord[] = [];
  const lines = text.split('\n');
  let values = 0;
  for (let n = 0; n < lines.length; n++) {
    const line = jsonLine(lines[n]!);
    if (line === undefined) continue;
    // A line after one that held a value: JSON lines with a line that is not JSON (a file cut short ends so).
    if (line === null) return values > 0 ? { reason: notJsonLineReason(n + 1) } : null;
    values++;
    const records = lineRecords(line.value, n + 1, budget);
    if ('reason' in records) return records;
    // One at a time: spreading passes each record as an argument, and a line can hold more
    // records than a call takes arguments (a RangeError that made the file unreadable).
    for (let i = 0; i < records.raw.length; i++) {
      iot[raw.length] = records.iot[i];
      raw.push(records.raw[i]);
    }
  }
  // Lines of logs with no record (`{"Records":[]}`) are logs with no record, as one such log is.
  return values > 0 ? { raw, iot } : null;
}

/** Why JSON lines whose line `n` is not JSON are not read. */
export function notJsonLineReason(n: number): string {
  return `not valid JSON on line ${n} (JSON lines hold one JSON value a line)`;
}

/** A line of JSON lines, parsed (`value`); undefined for a blank line, null for one that is not JSON. */
export function jsonLine(line: string): { value: unknown } | null | undefined {
  const trimmed = line.trim();
  if (trimmed === '') return undefined;
  try {
    return { value: JSON.parse(trimmed) as unknown };
  } catch {
    return null;
  }
}

/**
 * The records of line `n` of JSON lines (a record, an envelope or a log), each normalized in the
 * file's order (`iot[i]` for `raw[i]`), or why the line is not CloudTrail.
 */
export function lineRecords(value: unknown, n: number, budget: ReadBudget): { raw: unknown[]; iot: KnownIotRecord[] } | { reason: string } {
  const records = recordsOf(value, budget);
  if (records === null) return { reason: `${notCloudTrailReason(value)} on line ${n}` };
  const iot: KnownIotRecord[] = [];
  for (let i = 0; i < records.raw.length; i++) {
    const known = records.iot[i];
    iot.push(known !== undefined ? known : readRecord(records.raw[i], budget).iot);
  }
  return { raw: records.raw, iot };
}

/**
 * V8's JSON.parse messages differ between Node versions; the report names only
 * the position, so the same file gives the same report on every Node.
 */
function jsonErrorReason(error: unknown): string {
  const position = /at position (\d+)/.exec(oneLine(error));
  return position ? `not valid JSON (error at character ${position[1]})` : 'not valid JSON (unexpected end of input)';
}

/**
 * Every raw record of a log text; throws with the reason when it is not a CloudTrail log, or when
 * telling its shape met a record refused (`RecordTextOverLimits`, as `iotRecordsOf` throws).
 */
export function rawRecordsOfText(text: string): unknown[] {
  return logRecordsOfText(text, new ReadBudget()).raw;
}

/** `rawRecordsOfText`, with what it worked out on the way. */
function logRecordsOfText(text: string, budget: ReadBudget): LogRecords {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const lines = text.includes('\n') ? parseJsonLines(text, budget) : null;
    if (lines !== null && 'raw' in lines) return lines;
    throw new Error(lines !== null ? lines.reason : jsonErrorReason(error));
  }
  const records = recordsOf(value, budget);
  if (records === null) throw new Error(notCloudTrailReason(value));
  return records;
}

/**
 * The IoT records among raw records, normalized, within the file's `budget` (every reader passes the one of its file; the default, a fresh one, is for a lone call); `known[i]`, where it is not undefined, is `raw[i]`'s (`KnownIotRecord`).
 * Throws `RecordTextOverLimits` at a record held as text (LookupEvents' `CloudTrailEvent`, an
 * export's `eventJson`) past one record's limits, and so does telling a log's shape: its file is
 * named unreadable with that reason, as a file past what a parse may build is, rather than read
 * without the record, or, when it was the only one, called a file that holds no CloudTrail record.
 * Such a record is never one CloudTrail wrote (its events are at most 256 KB): the file is damaged or
 * altered, and a report that read the rest would leave it out unsaid (a file has no other word).
 */
export function iotRecordsOf(raw: readonly unknown[], known: readonly KnownIotRecord[] = [], budget: ReadBudget = new ReadBudget()): CloudTrailRecord[] {
  const out: CloudTrailRecord[] = [];
  for (let i = 0; i < raw.length; i++) {
    const given = known[i];
    const record = given !== undefined ? given : readRecord(raw[i], budget).iot;
    if (record !== null) out.push(record);
  }
  return out;
}

/**
 * The reference reading of one log object: gunzip, parse all, keep IoT records.
 * The fast scanner must give the same result (a test holds it to that).
 */
export function parseLogBytes(bytes: Buffer): ParsedLog {
  const decoded = decodeLog(bytes);
  if ('error' in decoded) return { recordCount: 0, records: [], uncompressedBytes: decoded.uncompressedBytes, error: decoded.error };
  try {
    const budget = new ReadBudget();
    const { raw, iot } = logRecordsOfText(decoded.text, budget);
    return { recordCount: raw.length, records: iotRecordsOf(raw, iot, budget), uncompressedBytes: decoded.uncompressedBytes, error: null };
  } catch (error) {
    return { recordCount: 0, records: [], uncompressedBytes: decoded.uncompressedBytes, error: oneLine(error) };
  }
}
