import { UsageError } from '../errors.js';
import { type KernelOutput, SCAN_OK, runWasmKernel } from './scan-kernel.js';
import { type NativeIsa, nativeIsas, nativeKernel, nativeRecordScanner } from './scan-native.js';
import { MAX_PARSE_CONTAINERS, MAX_PARSE_DEPTH, jsonContainers } from './normalize.js';

/**
 * Finds the records of a CloudTrail log file that can be IoT records without
 * `JSON.parse` of the whole file: >99% of an organization trail is other services, and
 * parsing them all would cost several times what decompressing them does.
 *
 * CloudTrail's own files are `{"Records":[{...},{...}]}` without whitespace. The scan
 * kernel validates such a text as JSON and returns each record's byte span and every
 * place where `iot` (any case) or a `\u` escape stands; only the records that hold one
 * are parsed. That is a superset of the IoT records (see `scan-kernel.ts` for why), and
 * `normalizeRecord` + `isIotRecord` make the final call, exactly as on the plain path.
 */

export interface RecordScan {
  /** Elements of the `Records` array. */
  recordCount: number;
  /** The records that may be IoT records, parsed, in file order. */
  candidates: unknown[];
}

const PREFIX = [...Buffer.from('{"Records":[', 'latin1')];
const EMPTY_LENGTH = PREFIX.length + 2; // {"Records":[]}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;

function isJsonSpace(byte: number): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}

/**
 * How a file is scanned: natively (native/, see scan-native.ts) with an instruction set,
 * or here with the WebAssembly kernel. Both give the same results (tests hold every path
 * this machine has to that); the fastest native one is the default where it is built,
 * unless `IOT_AUDIT_SCAN_KERNEL` names another (`scanPathFromEnv`).
 */
export type ScanPath = 'wasm' | NativeIsa;

/** Every path `IOT_AUDIT_SCAN_KERNEL` may name, whether or not this machine has it. */
export const SCAN_PATH_NAMES: readonly ScanPath[] = ['wasm', 'avx512', 'avx2'];

/** The paths this machine can scan with, WebAssembly first. */
export function scanPaths(): ScanPath[] {
  return ['wasm', ...nativeIsas()];
}

/** The kernel alone of each path, for tests (they hold the kernels to the same results) and bench/scan-kernel.mjs. */
export function scanKernels(): { name: ScanPath; run: (bytes: Uint8Array) => KernelOutput | null }[] {
  return scanPaths().map((name) => ({ name, run: name === 'wasm' ? runWasmKernel : nativeKernel(name)! }));
}

/**
 * The path `IOT_AUDIT_SCAN_KERNEL` asks for, in any letter case, among those `available` (this
 * machine's, WebAssembly first); unset or empty: the fastest available. A value that names no
 * path, or one this machine cannot run, is a usage error naming the variable, the value and what
 * it may be, never a run that quietly scans another way. The main thread (`checkParseSwitches`)
 * and each parse worker (at this module's load, from its copy of the environment) ask the same.
 */
export function scanPathFromEnv(env: NodeJS.ProcessEnv, available: readonly ScanPath[] = scanPaths()): ScanPath {
  const value = env.IOT_AUDIT_SCAN_KERNEL;
  // Native first where there is one: `nativeIsas` lists them fastest first.
  if (value === undefined || value === '') return available.find((path) => path !== 'wasm') ?? 'wasm';
  const name = value.toLowerCase() as ScanPath;
  const setting = `IOT_AUDIT_SCAN_KERNEL=${JSON.stringify(value)}`;
  if (!SCAN_PATH_NAMES.includes(name)) {
    const here = available.length < SCAN_PATH_NAMES.length ? ` (this machine runs ${orList(available, 'and')})` : '';
    throw new UsageError(`${setting} is not a scan kernel: set it to ${orList(SCAN_PATH_NAMES)}${here}, or unset it for the fastest`);
  }
  if (!available.includes(name)) {
    const why = available.some((path) => path !== 'wasm') ? `this CPU, or the native addon's build, has no ${name} kernel` : 'no native scan kernel runs here: not built, or this CPU has neither AVX2 nor AVX-512';
    throw new UsageError(`${setting} cannot run on this machine (${why}): set it to ${orList(available)}, or unset it for the fastest`);
  }
  return name;
}

/** "a, b or c" (or "a, b and c"). */
function orList(names: readonly string[], last = 'or'): string {
  return names.length <= 1 ? names.join('') : `${names.slice(0, -1).join(', ')} ${last} ${names[names.length - 1]}`;
}

const DEFAULT_PATH: ScanPath = scanPathFromEnv(process.env);

/** How this process scans files by default (the parse workers choose the same way: `scanPathFromEnv`). */
export function defaultScanPath(): ScanPath {
  return DEFAULT_PATH;
}

const nativeScanners = new Map<NativeIsa, ReturnType<typeof nativeRecordScanner>>();
function nativeScanner(isa: NativeIsa): ReturnType<typeof nativeRecordScanner> {
  if (!nativeScanners.has(isa)) nativeScanners.set(isa, nativeRecordScanner(isa));
  return nativeScanners.get(isa)!;
}

/**
 * A file whose records to parse hold more objects and arrays together than a file read whole may
 * (`MAX_PARSE_CONTAINERS`): the caller reads it the plain way, which holds the whole file to that
 * budget and gives the reason. The scan's candidates are all parsed before any is let go.
 */
export class RecordOverLimits extends Error {
  constructor(readonly over: 'deep' | 'wide') {
    super(`the records to parse pass the ${over === 'deep' ? 'nesting' : 'objects and arrays'} a parse may build`);
  }
}

/**
 * Holds the records to parse, bytes[start, end] pairs, to what a parse may build (`MAX_PARSE_DEPTH`,
 * `MAX_PARSE_CONTAINERS` for all of them); throws `RecordOverLimits` past it. Each object or array
 * takes at least two bytes, so records that short cannot pass it and are not counted (nearly always).
 */
function checkCandidates(bytes: Buffer, spans: ArrayLike<number>): void {
  let total = 0;
  let longest = 0;
  for (let k = 0; k < spans.length; k += 2) {
    const length = spans[k + 1]! + 1 - spans[k]!;
    total += length;
    if (length > longest) longest = length;
  }
  if (total <= 2 * MAX_PARSE_CONTAINERS && longest <= 2 * MAX_PARSE_DEPTH) return;
  countCandidates(bytes, spans, MAX_PARSE_CONTAINERS);
}

/**
 * The objects and arrays of the records to parse, counted in order against `left` (what a parse
 * of their file may still build); throws `RecordOverLimits` at the first record past `left` or
 * nested deeper than `MAX_PARSE_DEPTH`. A file read in windows counts each window's with what
 * the windows before left (src/collect/parse-windows.ts).
 */
export function countCandidates(bytes: Buffer, spans: ArrayLike<number>, left: number): number {
  let counted = 0;
  for (let k = 0; k < spans.length; k += 2) {
    const containers = jsonContainers(bytes, MAX_PARSE_DEPTH, left - counted, spans[k]!, spans[k + 1]! + 1);
    if (typeof containers !== 'number') throw new RecordOverLimits(containers);
    counted += containers;
  }
  return counted;
}

/**
 * Scans the bytes (UTF-8, already gunzipped) of a log file. Null when the text is not
 * a compact `{"Records":[...]}` of objects that the kernel could validate: the caller
 * then reads the file the plain way, which also gives the reason when it is unreadable.
 */
export function scanRecordsBytes(input: Uint8Array, path: ScanPath = DEFAULT_PATH): RecordScan | null {
  const scan = scanCandidateSpans(input, path);
  if (scan === null) return null;
  const bytes = Buffer.from(input.buffer, input.byteOffset, input.length);
  // Checked before any is parsed: candidates are all alive until the last is parsed.
  checkCandidates(bytes, scan.spans);
  return { recordCount: scan.recordCount, candidates: parseSpans(bytes, scan.spans) };
}

/** The records at bytes[start, end] pairs, parsed. */
export function parseSpans(bytes: Buffer, spans: ArrayLike<number>): unknown[] {
  const records: unknown[] = [];
  for (let k = 0; k < spans.length; k += 2) records.push(JSON.parse(bytes.toString('utf8', spans[k]!, spans[k + 1]! + 1)));
  return records;
}

/** What `scanCandidateSpans` finds: the number of records, and where those that may be IoT records lie. */
export interface CandidateSpans {
  recordCount: number;
  /** Start and end (inclusive) byte offsets of the records to parse, flattened; valid until the next scan. */
  spans: ArrayLike<number>;
}

/** `scanRecordsBytes` but the parsing (and the limits, which count the records to parse). */
export function scanCandidateSpans(input: Uint8Array, path: ScanPath = DEFAULT_PATH): CandidateSpans | null {
  const native = path === 'wasm' ? null : nativeScanner(path);
  if (native !== null) {
    const scan = native(input);
    return scan === null ? null : { recordCount: scan.recordCount, spans: scan.candidates };
  }
  let length = input.length;
  while (length > 0 && isJsonSpace(input[length - 1])) length--;
  if (length < EMPTY_LENGTH) return null;
  for (let i = 0; i < PREFIX.length; i++) if (input[i] !== PREFIX[i]) return null;
  if (input[length - 2] !== 0x5d || input[length - 1] !== 0x7d) return null;

  const bytes = Buffer.from(input.buffer, input.byteOffset, length);
  const kernel = runWasmKernel(bytes);
  if (kernel === null || kernel.status !== SCAN_OK) return null;

  // The records must tile the array exactly: `{"Records":[` r `,` r ... `]}`. Anything
  // else at depth 2 (numbers, strings, a second key at the top) goes the plain way.
  const spans = kernel.records;
  const count = spans.length / 2;
  let expected = PREFIX.length;
  for (let k = 0; k < count; k++) {
    if (spans[2 * k] !== expected) return null;
    expected = spans[2 * k + 1] + 2;
    if (k + 1 < count && bytes[spans[2 * k + 1] + 1] !== COMMA) return null;
  }
  if (count === 0 ? length !== EMPTY_LENGTH : spans[2 * count - 1] !== length - 3) return null;

  return { recordCount: count, spans: candidateSpans(bytes, spans, kernel.hits) };
}

/**
 * The same for text. Text with unpaired surrogates cannot be written as UTF-8 without
 * changing it, so it goes the plain way.
 */
export function scanRecordsText(text: string, path?: ScanPath): RecordScan | null {
  if (/[\uD800-\uDFFF]/u.test(text)) return null;
  return scanRecordsBytes(Buffer.from(text, 'utf8'), path);
}

/** What a record's hits say: nothing to see, an `iot` that can make it an IoT record (see `canMakeIot`), a `\u` escape. */
const NO_HIT = 0;
const IOT_HIT = 1;
const ESCAPE_HIT = 2;
const COLON = 0x3a;

/**
 * Where the records holding a hit lie. Driven by the hits (a few per file), not by the
 * records (a hundred or more): each hit's record is found by binary search. A loop over
 * every record made this code hot within a few files, so V8 compiled it (inlined into the
 * scan) before it had seen a record parsed, and again when one came: with the closure
 * the wrapper-key check used, the workers spent ~300 ms of CPU compiling the scan's
 * functions at the bench's scale 1, against ~160–190 ms now (`node --trace-opt`).
 */
function candidateSpans(bytes: Buffer, spans: Int32Array, hits: Int32Array): number[] {
  /** Start and end of each record to parse. */
  const chosen: number[] = [];
  const n = hits.length;
  if (n === 0) return chosen;
  // The kernel's own memory, ours until the next file: sorted in place.
  hits.sort();
  const count = spans.length >> 1;
  let k = 0;
  let h = 0;
  while (h < n) {
    k = recordEndingAtOrAfter(spans, k, count, hits[h]);
    if (k === count) break;
    const start = spans[2 * k];
    const end = spans[2 * k + 1];
    let kind = NO_HIT;
    for (; h < n && hits[h] <= end; h++) {
      const at = hits[h];
      if (at >= start) kind |= bytes[at] === 0x75 ? ESCAPE_HIT : canMakeIot(bytes, at, start) ? IOT_HIT : NO_HIT;
    }
    k++;
    // Records of other services that merely mention IoT (an STS session invoked by
    // iot.amazonaws.com, an IAM policy on IoT resources) need no parsing; escapes hide
    // what the bytes say, so a record with one is always parsed.
    if (kind === NO_HIT || (kind === IOT_HIT && hasOtherEventSource(bytes, start, end))) continue;
    chosen.push(start, end);
  }
  return chosen;
}

/**
 * Whether the `iot` whose `t` is at `t` can make its record an IoT record for
 * `normalizeRecord` + `isIotRecord`, in a record without `\u` escapes (its bytes are its
 * text, keys included). Only three places can: the start of an `eventSource` value,
 * top-level or in a wrapper object (`"eventSource":"iot…`, the key in any case); the
 * start of a string inside a string, a wrapped record's text (`\"iot…`); and after a
 * colon, `arn:aws:iot:` in the parameters of a record without an event source. The
 * other mentions (`"invokedBy":"iot.amazonaws.com"`, `"sourceIPAddress":"iot…"`, `api/iot#`
 * in a user agent, most of the 2% of records that mention IoT) cannot, and their records
 * need no walk (`hasOtherEventSource`). Anything unsure counts as "can".
 */
function canMakeIot(bytes: Buffer, t: number, start: number): boolean {
  const before = bytes[t - 3];
  if (before === COLON) return true;
  if (before !== QUOTE) return false;
  const quoteBefore = bytes[t - 4];
  if (quoteBefore === BACKSLASH) return true;
  // `"eventsource":"` before the value: key quotes at t-5 and t-17, the colon at t-4.
  const keyEnd = t - 5;
  return quoteBefore === COLON && keyEnd - 12 >= start && bytes[keyEnd] === QUOTE && bytes[keyEnd - 12] === QUOTE && equalsIgnoringCase(bytes, keyEnd - 11, keyEnd, 'eventsource');
}

/** The first record from `from` on whose span ends at or after `at` (`count` when none). */
function recordEndingAtOrAfter(spans: Int32Array, from: number, count: number, at: number): number {
  let lo = from;
  let hi = count;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (spans[2 * mid + 1] < at) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

// ---------------------------------------------------------------------------
// A record's event source without parsing it. The kernel has validated the record as
// compact JSON, so a small walker over its top-level keys is enough.
// ---------------------------------------------------------------------------

/** Index of the closing quote of the string whose opening quote is at `i`. */
function stringEnd(bytes: Buffer, i: number): number {
  let j = i + 1;
  for (;;) {
    const c = bytes[j];
    if (c === QUOTE) return j;
    j += c === BACKSLASH ? 2 : 1;
  }
}

/** Index just after the value that starts at `i`. */
function valueEnd(bytes: Buffer, i: number): number {
  const first = bytes[i];
  if (first === QUOTE) return stringEnd(bytes, i) + 1;
  if (first === 0x7b || first === 0x5b) {
    let depth = 0;
    for (let j = i; ; j++) {
      const c = bytes[j];
      if (c === QUOTE) j = stringEnd(bytes, j);
      else if (c === 0x7b || c === 0x5b) depth++;
      else if (c === 0x7d || c === 0x5d) {
        if (--depth === 0) return j + 1;
      }
    }
  }
  let j = i;
  while (bytes[j] !== COMMA && bytes[j] !== 0x7d && bytes[j] !== 0x5d) j++;
  return j;
}

/** Whether bytes[from, from + lower.length) spell `lower` in any ASCII case. */
function equalsIgnoringCase(bytes: Buffer, from: number, to: number, lower: string): boolean {
  if (to - from !== lower.length) return false;
  for (let k = 0; k < lower.length; k++) if ((bytes[from + k] | 0x20) !== lower.charCodeAt(k)) return false;
  return true;
}

/**
 * Whether the key in bytes[from, to) is one under which `normalizeRecord` looks for a
 * wrapped record (`CloudTrailEvent`, `eventJson`, `detail`), in any case, to be safe.
 */
function isWrapperKey(bytes: Buffer, from: number, to: number): boolean {
  return (
    equalsIgnoringCase(bytes, from, to, 'cloudtrailevent') ||
    equalsIgnoringCase(bytes, from, to, 'eventjson') ||
    equalsIgnoringCase(bytes, from, to, 'detail')
  );
}

/**
 * True only when the record certainly is not an IoT record for `isIotRecord`: one
 * top-level event source key (in any case) whose value is another service's host, and
 * no wrapper key whose content would be read instead.
 */
function hasOtherEventSource(bytes: Buffer, start: number, end: number): boolean {
  let i = start + 1;
  if (bytes[i] !== QUOTE) return false; // {}
  let sources = 0;
  let other = false;
  while (i < end) {
    const keyEnd = stringEnd(bytes, i);
    const keyFrom = i + 1;
    const valueAt = keyEnd + 2;
    if (equalsIgnoringCase(bytes, keyFrom, keyEnd, 'eventsource')) {
      sources++;
      if (bytes[valueAt] !== QUOTE) return false;
      const valueTo = stringEnd(bytes, valueAt);
      other = isPlainOtherSource(bytes, valueAt + 1, valueTo);
      i = valueTo + 1;
    } else {
      if (isWrapperKey(bytes, keyFrom, keyEnd)) return false;
      i = valueEnd(bytes, valueAt);
    }
    if (bytes[i] !== COMMA) break;
    i++;
  }
  return sources === 1 && other;
}

/**
 * A service host such as `sts.amazonaws.com`: letters, digits, dots and dashes, and no
 * `iot` in any case. Anything else (empty, spaces, escapes, non-ASCII) is left to
 * `normalizeRecord`, whatever it makes of it.
 */
function isPlainOtherSource(bytes: Buffer, from: number, to: number): boolean {
  if (to === from) return false;
  for (let k = from; k < to; k++) {
    const c = bytes[k] | 0x20;
    const ok = (c >= 0x61 && c <= 0x7a) || (bytes[k] >= 0x30 && bytes[k] <= 0x39) || bytes[k] === 0x2e || bytes[k] === 0x2d;
    if (!ok) return false;
    if (k + 2 < to && c === 0x69 && (bytes[k + 1] | 0x20) === 0x6f && (bytes[k + 2] | 0x20) === 0x74) return false;
  }
  return true;
}
