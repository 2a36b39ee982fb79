import { createGunzip } from 'node:zlib';
import { CHARS_PER_CONTAINER, MAX_PARSE_CONTAINERS, MAX_PARSE_DEPTH, ReadBudget, isRefusedText, jsonContainers, overLimitsReason } from '../cloudtrail/normalize.js';
import { type ScanPath, RecordOverLimits, countCandidates, parseSpans, scanCandidateSpans } from '../cloudtrail/scan.js';
import { oneLine } from '../errors.js';
import { formatCount } from '../numbers.js';
import type { CloudTrailRecord, ParsedLog } from '../types.js';
import { MAX_LOG_BYTES, MAX_WHOLE_FILE_TEXT, TOO_LARGE, hasUtf8Bom, iotRecordsOf, isGzip, jsonLine, lineRecords, notJsonLineReason, notReadWholeReason, recordedSize } from './parse-log.js';

/**
 * A large compact log, read a window at a time: gunzipped as a stream, each window of whole
 * records scanned as the fast path scans a whole file (`scanCandidateSpans`), its IoT records
 * kept, the text let go. A file is otherwise held whole as text (and, read fast, scanned whole):
 * one 286 MB log took the report to 390 MB, two at once on the two parse workers to 787 MB.
 *
 * The result is the fast path's for the same file; when the windows cannot read it (a file that is
 * not a compact `{"Records":[...]}`, a damaged one), JSON lines are tried a line at a time
 * (`LinesReader`), and, past them, a file of at most 64 MiB of text is read whole as before
 * (`parseLogFast`), which gives the result or the reason; a larger one gets the reason that read would
 * give, without being held (`parseLogWindows`). Why the windows' result is the same:
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
 * record: the windows give up at once, having held little. A file over 64 MiB with such a record
 * is not read (`longRecordReason`): read whole, a compact log of one 150 MB record took the report
 * to 870 MB; one of at most 64 MiB is read whole.
 *
 * Under `--verify` a file is read the same way: its hash (of the first gzip member's text) is taken
 * as a stream beside the read (`contentHashStreamed`).
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

/** Whether `parseLogWindows` is how this file is read (with `--verify` too: its hash is then taken as a stream, `contentHashStreamed`). */
export function readsInWindows(bytes: Uint8Array): boolean {
  return isGzip(bytes) && recordedSize(bytes) > WINDOWED_FROM;
}

export interface WindowOptions {
  /** Text gathered before a window is scanned; tests make it small. */
  window?: number;
  path?: ScanPath;
  /** Called with each window's length as it is scanned (tests: that windows end where they should). */
  onWindow?: (bytes: number) => void;
  /** Whether to try the compact reader first (false: the fast scan already found the text no compact log). */
  compact?: boolean;
}

/**
 * Why a file over 64 MB is not read when more than `MAX_HELD` of its text holds no record's end
 * (nor a line's end): a record that long is no CloudTrail record, and the whole read, which would
 * hold the file, is not tried (a compact log of one 150 MB record took the report to 870 MB).
 */
export function longRecordReason(uncompressedBytes: number): string {
  return `${formatCount(Math.round(uncompressedBytes / (1 << 20)))} MB uncompressed, with a record (or line) longer than ${formatCount(MAX_HELD >> 20)} MB: not read (no CloudTrail event is over 256 KB; a log file over ${formatCount(WINDOWED_FROM >> 20)} MB is read a record at a time)`;
}

/**
 * A log file read as a stream: a compact log in windows (`WindowReader`), else JSON lines a line at a
 * time (`LinesReader`): the file's result, whatever its size. Null when neither reads it and its
 * text is at most `MAX_WHOLE_FILE_TEXT` (64 MiB): the whole read then gives the result or the
 * reason. Past that, the reason, without holding the file: the whole read's (`notReadWholeReason`;
 * zlib's error, `TOO_LARGE`), or, for text with no record's end in `MAX_HELD`, `longRecordReason`.
 * A gzip file is inflated as a stream; other bytes are read where they lie.
 */
export async function parseLogWindows(bytes: Buffer, options: WindowOptions = {}): Promise<ParsedLog | null> {
  const window = options.window ?? WINDOW_BYTES;
  let long = false;
  if (options.compact !== false) {
    const compact = await readText(bytes, window, new WindowReader(options.path, options.onWindow), false);
    if (compact.kind === 'read') return compact.parsed;
    if (compact.kind === 'zlib') return { recordCount: 0, records: [], uncompressedBytes: 0, error: compact.reason };
    long = compact.kind === 'long';
  }
  // Not a compact log: JSON lines, read to the end of the text (its size says what comes next).
  const lines = await readText(bytes, window, new LinesReader(), true);
  if (lines.kind === 'read') return lines.parsed;
  if (lines.kind === 'zlib') return { recordCount: 0, records: [], uncompressedBytes: 0, error: lines.reason };
  if (lines.total <= MAX_WHOLE_FILE_TEXT) return null;
  long ||= lines.kind === 'long';
  return { recordCount: 0, records: [], uncompressedBytes: lines.total, error: long ? longRecordReason(lines.total) : notReadWholeReason(lines.total) };
}

/** A reader of text as it comes (`WindowReader`, `LinesReader`). */
interface TextReader {
  /** Bytes of text held. */
  readonly held: number;
  /** Takes the next text; false when the text does not open as this reader's kind does. */
  append(chunk: Buffer): boolean;
  /** Reads what it can of the text held (`window`), or none ends in it (`wait`), or the text is not its kind (`whole`). */
  window(): 'window' | 'wait' | 'whole';
  /** Reads the rest of the text; false when it is not this reader's kind. */
  last(): boolean;
  result(uncompressedBytes: number): ParsedLog;
}

/**
 * How reading a file as a stream ended: `read`; zlib's error (a damaged file: the whole read's reason);
 * or not read, `long` when no record ended in `MAX_HELD` of text, and the text's size when it was read
 * to the end (`toEnd`; else 0).
 */
type TextRead =
  | { kind: 'read'; parsed: ParsedLog }
  | { kind: 'zlib'; reason: string }
  | { kind: 'not' | 'long'; total: number };

/** The text of a log file a piece at a time: inflated as a stream when gzipped, else the bytes themselves. */
async function* textOf(bytes: Buffer, window: number): AsyncGenerator<Buffer> {
  if (!isGzip(bytes)) {
    for (let at = 0; at < bytes.length; at += window) yield bytes.subarray(at, at + window);
    return;
  }
  // zlib's output a piece at a time: a window is at least one piece.
  const gunzip = createGunzip({ chunkSize: Math.max(1024, Math.min(window, 1 << 20)) });
  try {
    gunzip.end(bytes);
    for await (const chunk of gunzip as AsyncIterable<Buffer>) yield chunk;
  } finally {
    gunzip.destroy();
  }
}

/**
 * Feeds a file's text to `reader` a window at a time. When the reader gives up, the rest is only
 * counted when `toEnd` (the last reader: the text's size decides whether the whole read may take it).
 */
async function readText(bytes: Buffer, window: number, reader: TextReader, toEnd: boolean): Promise<TextRead> {
  let total = 0;
  let wanted = window;
  let failed: 'not' | 'long' | null = null;
  try {
    for await (const chunk of textOf(bytes, window)) {
      total += chunk.length;
      // What `gunzipLog` stops at, said as the fast path says it.
      if (total > MAX_LOG_BYTES) return { kind: 'read', parsed: { recordCount: 0, records: [], uncompressedBytes: 0, error: TOO_LARGE } };
      if (failed !== null) continue;
      if (!reader.append(chunk)) failed = 'not';
      else if (reader.held >= wanted) {
        const ended = reader.window();
        // Not the reader's kind of text: the whole read judges it (and words why).
        if (ended === 'whole') failed = 'not';
        // No record ends in the text held (one longer than a window): gather twice as much, up to
        // `MAX_HELD` (no CloudTrail event is over 256 KB).
        else if (ended === 'wait' && reader.held >= MAX_HELD) failed = 'long';
        else wanted = ended === 'window' ? window : Math.min(2 * reader.held, MAX_HELD);
      }
      if (failed !== null && !toEnd) return { kind: failed, total: 0 };
    }
  } catch (error) {
    // zlib's error (a damaged file), worded as the whole read words it (`decodeLog`).
    if (isZlibError(error)) return { kind: 'zlib', reason: `not a valid gzip file (${oneLine(error)})` };
    throw error;
  }
  if (failed === null && !reader.last()) failed = 'not';
  return failed === null ? { kind: 'read', parsed: reader.result(total) } : { kind: failed, total };
}

/**
 * The text not yet scanned, and what the windows before it found. The text is held after a
 * copy of `{"Records":[`, so a window is scanned where it lies: `]}` written for a moment over
 * the `,{` after its last record.
 */
class WindowReader implements TextReader {
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
  /** What the file's records may still parse from text and keep (`ReadBudget`), from window to window. */
  private readonly budget = new ReadBudget();

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
      for (const record of iotRecordsOf(parseSpans(window, found.spans), [], this.budget)) this.records.push(record);
    } catch (error) {
      if (!isRefusedText(error)) throw error;
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
    }
    // Between records, a compact log has only `,` after a record and `{` opening the next (or the
    // array's end): anything else (a space, as Python's json.dumps writes) is no compact log, not a
    // record that has not ended yet.
    else if (depth === 0 && c !== 0x7b && c !== 0x5d && !(c === 0x2c && i > 0 && records[i - 1] === 0x7d)) return NOT_RECORDS;
    else if (c === 0x22) inString = true;
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

/** An error of zlib's own (`Z_DATA_ERROR`, `Z_BUF_ERROR`, ...), not one of this code's. */
function isZlibError(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return typeof code === 'string' && code.startsWith('Z_');
}

/**
 * JSON lines (one record, envelope or log a line, as some exports write them), read a line at a
 * time: each line as the whole read reads it (`jsonLine`, `lineRecords`: the same records, the same
 * reasons), its IoT records kept, the rest let go. Read whole, a file of 371 MB took the report to
 * 496 MB only to be refused (its text was inflated whole first).
 *
 * Text whose first line is not JSON is not JSON lines (`whole`: pretty-printed, another wrapper), nor
 * is text of one value (`last` is false: the whole read reads a single value as JSON, not as a line).
 * A later line that is not JSON makes the file unreadable, named by that line (a file cut short
 * ends with one), as the whole read names it. What a parse may build is held to the limits of a file
 * read whole line by line: each line (parsed alone, then let go) to `MAX_PARSE_DEPTH` and to what
 * the IoT records kept before it leave of `MAX_PARSE_CONTAINERS` (each charged with what it built,
 * as a compact log's windows charge the records they parse). Past them, the reason the whole read gives for a file past them. All the lines together
 * hold at most one for each `CHARS_PER_CONTAINER` bytes past the first `MAX_PARSE_CONTAINERS`
 * (`denseLinesReason`), so that the time to read them follows their size.
 */
class LinesReader implements TextReader {
  private space = Buffer.alloc(0);
  held = 0;
  private opened = false;
  /** Lines read (blank ones too: lines are named by their number in the file). */
  private lineCount = 0;
  /** Lines that held a value. */
  private values = 0;
  private recordCount = 0;
  private readonly records: CloudTrailRecord[] = [];
  private readonly budget = new ReadBudget();
  /** What the IoT records kept may still build (`MAX_PARSE_CONTAINERS`). */
  private left = MAX_PARSE_CONTAINERS;
  /** Objects and arrays of every line parsed, and bytes of text up to the end of the line being read (`CHARS_PER_CONTAINER`). */
  private parsed = 0;
  private bytes = 0;
  /** The file's reason, once a line gave one: the rest is not read, only looked at for another value (`valueAfter`). */
  private refused: string | null = null;
  /** Whether text that is not white space follows the line refused (the text is then JSON lines, not one value). */
  private valueAfter = false;

  append(chunk: Buffer): boolean {
    let text = chunk;
    if (!this.opened) {
      this.opened = true;
      if (hasUtf8Bom(text)) text = text.subarray(3);
    }
    if (this.refused !== null) {
      this.valueAfter ||= !isWhiteSpace(text, 0, text.length);
      return true;
    }
    const needed = this.held + text.length;
    if (needed > this.space.length) {
      const space = Buffer.allocUnsafe(Math.max(needed, 2 * this.space.length));
      this.space.copy(space, 0, 0, this.held);
      this.space = space;
    }
    text.copy(this.space, this.held);
    this.held += text.length;
    return true;
  }

  window(): 'window' | 'wait' | 'whole' {
    if (this.refused !== null) return 'window';
    const text = this.space.subarray(0, this.held);
    const end = text.lastIndexOf(0x0a);
    // A first line longer than `MAX_HELD`: no line held a value, so the text is not known to be JSON
    // lines (one value on one line, not compact), and its reason is not a long line's.
    if (end < 0) return this.values === 0 && this.held >= MAX_HELD ? 'whole' : 'wait';
    let from = 0;
    while (from <= end) {
      const nl = text.indexOf(0x0a, from);
      if (!this.line(text, from, nl) && this.values === 0) return 'whole';
      from = nl + 1;
      if (this.refused !== null) {
        this.valueAfter = !isWhiteSpace(text, from, this.held);
        this.held = 0;
        return 'window';
      }
    }
    this.space.copy(this.space, 0, end + 1, this.held);
    this.held -= end + 1;
    return 'window';
  }

  last(): boolean {
    // The whole lines held, then what follows the last of them (a last line without its end).
    if (this.window() === 'whole') return false;
    if (this.refused === null && this.held > 0 && !this.line(this.space, 0, this.held) && this.values === 0) return false;
    this.held = 0;
    // One value is JSON, not JSON lines: the whole read reads it so (its reasons name no line).
    return this.values > 1 || (this.refused !== null && this.valueAfter);
  }

  result(uncompressedBytes: number): ParsedLog {
    if (this.refused !== null) return { recordCount: 0, records: [], uncompressedBytes, error: this.refused };
    return { recordCount: this.recordCount, records: this.records, uncompressedBytes, error: null };
  }

  /**
   * Reads the line at bytes [from, to) of `text`: false when it is not JSON (the file's reason
   * unless no line held a value before it: then the text is no JSON lines).
   */
  private line(text: Buffer, from: number, to: number): boolean {
    const n = ++this.lineCount;
    this.bytes += to - from + 1;
    // Counted before it is parsed, as the whole read counts the file (its reason, whatever the line is).
    const dense = MAX_PARSE_CONTAINERS + Math.floor(this.bytes / CHARS_PER_CONTAINER) - this.parsed;
    const containers = jsonContainers(text, MAX_PARSE_DEPTH, Math.min(this.left, dense), from, to);
    if (typeof containers !== 'number') {
      this.refuse(containers === 'wide' && dense < this.left ? denseLinesReason() : overLimitsReason(containers));
      return true;
    }
    this.parsed += containers;
    const line = jsonLine(text.toString('utf8', from, to));
    if (line === undefined) return true;
    if (line === null) {
      if (this.values > 0) this.refuse(notJsonLineReason(n));
      return false;
    }
    this.values++;
    try {
      const read = lineRecords(line.value, n, this.budget);
      if ('reason' in read) {
        this.refuse(read.reason);
        return true;
      }
      this.recordCount += read.raw.length;
      // What an IoT record built stays built, and only that (as a compact log's windows charge the
      // records they parse): a line of a log of 100 records was charged whole for one IoT record in it.
      for (let i = 0; i < read.iot.length; i++) {
        const record = read.iot[i];
        if (record === null || record === undefined) continue;
        this.records.push(record);
        this.left -= containersOf(read.raw[i]);
      }
    } catch (error) {
      if (!isRefusedText(error)) throw error;
      this.refuse(error.message);
    }
    return true;
  }

  private refuse(reason: string): void {
    this.refused = reason;
    this.records.length = 0;
  }
}

/**
 * Why JSON lines past `CHARS_PER_CONTAINER` are not read: every line is parsed, and 1 GiB of lines
 * each just under 2 million objects and arrays (4.6 MB gzipped) took 69 s.
 */
export function denseLinesReason(): string {
  return `holds more than ${formatCount(MAX_PARSE_CONTAINERS)} objects and arrays, and more than one for each ${CHARS_PER_CONTAINER} bytes of its lines: not read (no CloudTrail log holds so many)`;
}

/** The objects and arrays of a parsed JSON value (walked without recursion: a line may nest 100,000 deep). */
function containersOf(value: unknown): number {
  let n = 0;
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (v === null || typeof v !== 'object') continue;
    n++;
    if (Array.isArray(v)) for (let i = 0; i < v.length; i++) stack.push(v[i]);
    else for (const key of Object.keys(v)) stack.push((v as Record<string, unknown>)[key]);
  }
  return n;
}

/** Whether bytes [from, to) of `text` are all JSON white space. */
function isWhiteSpace(text: Buffer, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = text[i]!;
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return false;
  }
  return true;
}
