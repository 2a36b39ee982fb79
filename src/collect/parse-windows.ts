import { createGunzip } from 'node:zlib';
import { MAX_PARSE_CONTAINERS, RecordTextOverLimits, overLimitsReason } from '../cloudtrail/normalize.js';
import { type ScanPath, RecordOverLimits, countCandidates, parseSpans, scanCandidateSpans } from '../cloudtrail/scan.js';
import type { CloudTrailRecord, ParsedLog } from '../types.js';
import { MAX_LOG_BYTES, MAX_WHOLE_FILE_TEXT, TOO_LARGE, hasUtf8Bom, iotRecordsOf, isGzip, recordedSize } from './parse-log.js';

/**
 * A large compact log, read a window at a time: gunzipped as a stream, each window of whole
 * records scanned as the fast path scans a whole file (`scanCandidateSpans`), its IoT records
 * kept, the text let go. A file is otherwise held whole as text (and, read fast, scanned whole):
 * one 286 MB log took the report to 390 MB, two at once on the two parse workers to 787 MB.
 *
 * The result is the fast path's for the same file, or null, and the caller reads the file whole
 * as before (`parseLogFast`), which then gives the result or the reason: a file that is not a
 * compact `{"Records":[...]}`, a damaged one, one that zlib cannot inflate. Why it is the same:
 * each window is `{"Records":[` + records + `]}` validated by the same kernel, and the first starts
 * where the file's first record does; JSON read from the same place in the same state reads the
 * same, so a window that validates ends where one of the file's records ends, and the next window
 * starts at the file's next record. The last window ends with the file. The records counted, the
 * records parsed, their order and the limits on what a parse may build (`countCandidates`,
 * carried from window to window) are then the whole file's. One difference: the kernel's output
 * space is sized by its input (a record per 32 bytes, an `iot` or `\u` per 16, plus 64 of each),
 * so text that holds more than that, which no CloudTrail log does, passes window by window where
 * the whole file's scan gives up (the plain path then refuses a file over 64 MB): the windows
 * read it, as JSON would.
 *
 * A window ends after the last `},{"eventVersion":` (the first record's first key) whose window
 * validates, tried twice; else where the text's last whole record really ends (`lastRecordEnd`);
 * a record longer than the text held makes the reader gather twice as much, up to 16 MiB. Text
 * whose records' end does not validate is no compact log, and a record over 16 MiB no CloudTrail
 * record: the whole read judges them at once, and what the windows held is little beside what that
 * read holds.
 *
 * Not for `--verify`, whose hash needs the file's first gzip member whole (`contentHashOf`).
 */

/**
 * Gzip files whose trailer records more text than a file read whole may hold (`MAX_WHOLE_FILE_TEXT`,
 * 64 MiB) are read in windows: libdeflate, which reads only whole files, is ~2x zlib's speed on
 * the smaller ones.
 */
export const WINDOWED_FROM = MAX_WHOLE_FILE_TEXT;

/** Text gathered before a window is scanned (8 MiB). */
const WINDOW_BYTES = 8 << 20;

/**
 * The most text held with no record ending in it (16 MiB) before the file goes to the whole read:
 * no CloudTrail event is over 256 KB, and what the windows held is then little beside that read.
 */
const MAX_HELD = 16 << 20;

/**
 * Places a window may end tried the quick way: after a `}` that is followed by `,{"` and the key
 * the file's first record starts with (`eventVersion` in CloudTrail's files). Objects in an array
 * inside a record can look the same; past these, the text held is read for where its records end
 * (`lastRecordEnd`).
 */
const CUTS_TRIED = 2;

/** The longest first key a window's end is looked for with. */
const MAX_KEY = 64;

const PREFIX = Buffer.from('{"Records":[', 'latin1');
const SUFFIX = Buffer.from(']}', 'latin1');

/** Whether `parseLogWindows` is how this file is read (never for a hash: see above). */
export function readsInWindows(bytes: Uint8Array, hash: boolean): boolean {
  return !hash && isGzip(bytes) && recordedSize(bytes) > WINDOWED_FROM;
}

export interface WindowOptions {
  /** Text gathered before a window is scanned; tests make it small. */
  window?: number;
  path?: ScanPath;
  /** Called with each window's length as it is scanned (tests: that windows end where they should). */
  onWindow?: (bytes: number) => void;
}

/** The file's result, or null when only a whole read can tell (see above). */
export async function parseLogWindows(bytes: Buffer, options: WindowOptions = {}): Promise<ParsedLog | null> {
  const reader = new WindowReader(options.path, options.onWindow);
  const window = options.window ?? WINDOW_BYTES;
  // zlib's output a piece at a time: a window is at least one piece.
  const gunzip = createGunzip({ chunkSize: Math.max(1024, Math.min(window, 1 << 20)) });
  let total = 0;
  let wanted = window;
  try {
    gunzip.end(bytes);
    for await (const chunk of gunzip as AsyncIterable<Buffer>) {
      total += chunk.length;
      // What `gunzipLog` stops at, said as the fast path says it.
      if (total > MAX_LOG_BYTES) return { recordCount: 0, records: [], uncompressedBytes: 0, error: TOO_LARGE };
      if (!reader.append(chunk)) return null;
      if (reader.held < wanted) continue;
      const ended = reader.window();
      // Not a compact log the windows can read: the whole read judges it (and words why).
      if (ended === 'whole') return null;
      // No record ends in the text held (one longer than a window): gather twice as much, up to
      // `MAX_HELD` (no CloudTrail event is over 256 KB; past it, the whole read).
      if (ended === 'wait' && reader.held >= MAX_HELD) return null;
      wanted = ended === 'window' ? window : Math.min(2 * reader.held, MAX_HELD);
    }
  } catch (error) {
    // zlib's error (a damaged file): the whole read gives it.
    if (isZlibError(error)) return null;
    throw error;
  } finally {
    gunzip.destroy();
  }
  return reader.last() ? reader.result(total) : null;
}

/** An error of zlib's own (`Z_DATA_ERROR`, `Z_BUF_ERROR`, ...), not one of this code's. */
function isZlibError(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return typeof code === 'string' && code.startsWith('Z_');
}

/**
 * The text not yet scanned, and what the windows before it found. The text is held after a
 * copy of `{"Records":[`, so a window is scanned where it lies: `]}` written for a moment over
 * the `,{` after its last record.
 */
class WindowReader {
  private space = Buffer.alloc(0);
  /** Bytes of text held (after the prefix). */
  held = 0;
  /** Whether the file's own opening has been seen (and left out). */
  private opened = false;
  /** `},{"<first key>":`, where a window may end the quick way; null while the first record's first key is not known, false when it is no plain key. */
  private cut: Buffer | null | false = null;
  private recordCount = 0;
  private readonly records: CloudTrailRecord[] = [];
  /** What a parse of the file may still build. */
  private left = MAX_PARSE_CONTAINERS;
  /** Past the limits: the rest is still validated (an invalid file gets the whole read's reason), not parsed. */
  private over: 'deep' | 'wide' | null = null;
  /**
   * The first record held as text past one record's limits (`RecordTextOverLimits`): the file's
   * reason unless it is past the limits too, which the whole read checks before any record is
   * parsed (`scanRecordsBytes`). The rest is still validated and counted, not parsed.
   */
  private refused: string | null = null;

  constructor(
    private readonly path: ScanPath | undefined,
    private readonly onWindow: ((bytes: number) => void) | undefined,
  ) {}

  /** Takes the next text; false when the file does not open as a compact log does (a byte order mark, then `{"Records":[`). */
  append(chunk: Buffer): boolean {
    let text = chunk;
    if (!this.opened) {
      const from = hasUtf8Bom(text) ? 3 : 0;
      if (text.length < from + PREFIX.length || !text.subarray(from, from + PREFIX.length).equals(PREFIX)) return false;
      this.opened = true;
      text = text.subarray(from + PREFIX.length);
    }
    const needed = PREFIX.length + this.held + text.length + SUFFIX.length;
    if (needed > this.space.length) {
      const space = Buffer.allocUnsafe(Math.max(needed, 2 * this.space.length));
      PREFIX.copy(space, 0);
      if (this.held > 0) this.space.copy(space, PREFIX.length, PREFIX.length, PREFIX.length + this.held);
      this.space = space;
    }
    text.copy(this.space, PREFIX.length + this.held);
    this.held += text.length;
    this.cut ??= firstKeyCut(this.space.subarray(PREFIX.length, PREFIX.length + this.held));
    return true;
  }

  /**
   * Scans the whole records at the start of the text held and lets them go (`window`); or no record
   * ends in it yet (`wait`); or the text is not a compact log's (`whole`: the whole read judges it).
   */
  window(): 'window' | 'wait' | 'whole' {
    const records = this.space.subarray(PREFIX.length, PREFIX.length + this.held);
    const pattern = this.cut;
    let end = records.length;
    for (let tried = 0; pattern !== null && pattern !== false && tried < CUTS_TRIED && end > 0; tried++) {
      const cut: number = records.lastIndexOf(pattern, end - 1);
      if (cut < 0) break;
      if (this.scanTo(cut)) return 'window';
      end = cut;
    }
    // Where a record really ends, read from the window's start: the same end the kernel would find.
    const cut = lastRecordEnd(records);
    if (cut === NO_END) return 'wait';
    return cut !== NOT_RECORDS && this.scanTo(cut) ? 'window' : 'whole';
  }

  /** Scans the records up to the one that ends at `cut` (in the text held) and lets them go; false when they do not validate. */
  private scanTo(cut: number): boolean {
    // `]}` over the `,{` after that record, then put back.
    const close = PREFIX.length + cut + 1;
    const comma = this.space[close]!;
    const brace = this.space[close + 1]!;
    SUFFIX.copy(this.space, close);
    const scanned = this.scan(this.space.subarray(0, close + SUFFIX.length));
    this.space[close] = comma;
    this.space[close + 1] = brace;
    if (!scanned) return false;
    this.space.copy(this.space, PREFIX.length, close + 1, PREFIX.length + this.held);
    this.held -= cut + 2;
    return true;
  }

  /** Scans the rest of the file (it ends the array and the object); false when it does not validate. */
  last(): boolean {
    return this.opened && this.scan(this.space.subarray(0, PREFIX.length + this.held));
  }

  result(uncompressedBytes: number): ParsedLog {
    if (this.over !== null) return { recordCount: 0, records: [], uncompressedBytes, error: overLimitsReason(this.over) };
    if (this.refused !== null) return { recordCount: 0, records: [], uncompressedBytes, error: this.refused };
    return { recordCount: this.recordCount, records: this.records, uncompressedBytes, error: null };
  }

  /** Scans one window (a whole `{"Records":[...]}`); false when it does not validate. */
  private scan(window: Buffer): boolean {
    const found = scanCandidateSpans(window, this.path);
    if (found === null) return false;
    this.onWindow?.(window.length);
    this.recordCount += found.recordCount;
    if (this.over !== null) return true;
    try {
      this.left -= countCandidates(window, found.spans, this.left);
    } catch (error) {
      if (!(error instanceof RecordOverLimits)) throw error;
      this.over = error.over;
      this.records.length = 0;
      return true;
    }
    if (this.refused !== null) return true;
    try {
      for (const record of iotRecordsOf(parseSpans(window, found.spans))) this.records.push(record);
    } catch (error) {
      if (!(error instanceof RecordTextOverLimits)) throw error;
      this.refused = error.message;
      this.records.length = 0;
    }
    return true;
  }
}

/**
 * `},{"<key>":` for the first key of the first record in `records`; null while it is not all there,
 * false when it is no plain key of at most `MAX_KEY` bytes (only the first bytes are looked at).
 */
export function firstKeyCut(records: Buffer): Buffer | null | false {
  if (records.length < 2) return null;
  if (records[0] !== 0x7b || records[1] !== 0x22) return false;
  const close = records.subarray(0, MAX_KEY + 3).indexOf(0x22, 2);
  if (close < 0) return records.length >= MAX_KEY + 3 ? false : null;
  if (records.length < close + 2) return null;
  if (records.subarray(2, close).includes(0x5c) || records[close + 1] !== 0x3a) return false;
  return Buffer.concat([Buffer.from('},', 'latin1'), records.subarray(0, close + 2)]);
}

/** `lastRecordEnd`: no record ends before the text held does. */
const NO_END = -1;
/** `lastRecordEnd`: the array of records closes, and more than its object's end follows. */
const NOT_RECORDS = -2;

/**
 * Where the last record that ends before the end of `records` (the text after `{"Records":[`, or
 * after the last window) ends: the index of its `}`, followed by `,{` (a comma before `]` is no
 * JSON, and the windows must not take it for a place to end). Read as JSON is, from the
 * start: strings skipped (with their escapes), objects and arrays counted. `NO_END` when none ends
 * there yet, `NOT_RECORDS` when the array closes and anything but `}` and white space follows. Only
 * a place to try: the window up to it is then validated by the kernel.
 */
function lastRecordEnd(records: Buffer): number {
  let depth = 0;
  let last = NO_END;
  let inString = false;
  const n = records.length;
  for (let i = 0; i < n; i++) {
    const c = records[i]!;
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) depth++;
    else if (c === 0x7d || c === 0x5d) {
      depth--;
      // A record's end where another record (an object: a compact log's records are) follows.
      if (depth === 0 && c === 0x7d && records[i + 1] === 0x2c && records[i + 2] === 0x7b) last = i;
      else if (depth < 0) return endsThere(records, i) ? last : NOT_RECORDS;
    }
  }
  return last;
}

/** Whether what follows the array's `]` at `at` is its object's `}` and white space, as far as `records` goes. */
function endsThere(records: Buffer, at: number): boolean {
  let i = at + 1;
  if (i < records.length && records[i++] !== 0x7d) return false;
  for (; i < records.length; i++) {
    const c = records[i]!;
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return false;
  }
  return true;
}
