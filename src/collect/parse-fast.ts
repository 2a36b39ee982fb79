import { ReadBudget, isRefusedText, overLimitsReason } from '../cloudtrail/normalize.js';
import { RecordOverLimits, scanRecordsBytes } from '../cloudtrail/scan.js';
import { contentHashOf, contentHashStreamed, sha256Hex } from '../integrity/content.js';
import type { LogContentHash, ParsedLog } from '../types.js';
import { gunzipWith, nativeGunzipper } from './gunzip-native.js';
import { MAX_WHOLE_FILE_TEXT, TOO_LARGE, hasUtf8Bom, iotRecordsOf, isGzip, isTooLarge, parseLogBytes, releaseBuffer } from './parse-log.js';
import { parseLogWindows, readsInWindows } from './parse-windows.js';

/** libdeflate where the addon has it (its output space is reused from file to file). */
const fastGunzip = nativeGunzipper();

/**
 * How a log file is parsed: a large gzip file as a stream (`parseLogWindows`: a compact log a
 * window at a time, JSON lines a line at a time), anything else `parseLogFast`; and any file whose text is over `MAX_WHOLE_FILE_TEXT` and no compact log the fast scan reads
 * whole, or whose gzip trailer says less than it holds (a forged trailer made a file read whole up
 * to 1 GiB), as a stream too: no file's text is held whole past 64 MB but a compact log's. With
 * `hash` (`--verify`) a file is read the same way, and its content hash is taken where it is read
 * (`parseLogFast`), or as a stream (`contentHashStreamed`): the hash never decides how a file is read
 * (it did: a 70 MB gzipped file of JSON lines was read without `--verify` and refused with it).
 */
export async function parseLog(bytes: Buffer, hash = false): Promise<ParsedLog> {
  const windows = readsInWindows(bytes);
  const fast = windows ? null : parseLogFast(bytes, hash, true);
  if (fast !== null) return fast;
  // A plain file the fast scan has judged no compact log: JSON lines, or the reason.
  const streamed = await parseLogWindows(bytes, { compact: windows || isGzip(bytes) });
  if (streamed === null) return parseLogFast(bytes, hash);
  // `--verify`: read as without it, the hash taken as a stream too (its text is not held).
  return hash ? withContent(streamed, await contentHashStreamed(bytes)) : streamed;
}

/**
 * `parseLogBytes` with the fast path: the same result for every input (a test holds it
 * to that), without `JSON.parse` of the records that cannot be IoT records. Files the
 * scanner does not handle (pretty-printed, other wrappers, broken) take the plain path.
 * One exception, past what a parse may build: the plain path holds a whole file to it, the fast
 * one only the records it parses (those that may be IoT records), so a compact file whose other
 * records hold more (`MAX_PARSE_CONTAINERS`), or hold a record as text past one record's limits
 * (`RecordTextOverLimits`: a `CloudTrailEvent` whose bytes show no IoT record), is read here and
 * refused there (tests pin both). Whatever the fast one refuses, the plain one refuses too, with
 * the same reason: the records lie in the file (where several are refused, each path names the
 * first it meets).
 *
 * `hash` (`--verify`): also the content hash CloudTrail's digests give (`contentHashOf`),
 * from the text decompressed here where it can be: libdeflate takes only a file that is one gzip member and nothing after
 * it, so its text is exactly what the digest hashed. Other gzip files are inflated again the
 * reference way (Node's zlib reads every member as one).
 */
export function parseLogFast(bytes: Buffer, hash?: boolean): ParsedLog;
/** With `streamable`: null for a file to read as a stream instead (`parseLog`), when its text is over `MAX_WHOLE_FILE_TEXT` and no compact log. */
export function parseLogFast(bytes: Buffer, hash: boolean, streamable: true): ParsedLog | null;
export function parseLogFast(bytes: Buffer, hash = false, streamable = false): ParsedLog | null {
  let raw = bytes;
  let reused = false;
  if (isGzip(bytes)) {
    try {
      ({ raw, reused } = gunzipWith(fastGunzip, bytes, streamable ? MAX_WHOLE_FILE_TEXT + 1 : undefined));
    } catch (error) {
      if (streamable && isTooLarge(error)) return null;
      // Past MAX_LOG_BYTES (a gzip bomb): said at once, not inflated again to word it. Its hash is
      // its first member's, itself capped: a genuine log with a bomb appended is still told apart.
      if (isTooLarge(error)) return withContent({ recordCount: 0, records: [], uncompressedBytes: 0, error: TOO_LARGE }, hash ? contentHashOf(bytes) : undefined);
      // The plain path words the reason.
      return withContent(parseLogBytes(bytes), hash ? contentHashOf(bytes) : undefined);
    }
  }
  const contentOf = () => (hash ? (reused ? wholeContent(raw) : contentHashOf(bytes)) : undefined);
  // A UTF-8 byte order mark before a compact log: the plain path drops it, and so does the scan.
  let scan: ReturnType<typeof scanRecordsBytes>;
  try {
    scan = scanRecordsBytes(hasUtf8Bom(raw) ? raw.subarray(3) : raw);
  } catch (error) {
    if (!(error instanceof RecordOverLimits)) throw error;
    // Past what a parse may build: so is the whole file, which the plain path would refuse after counting it all again.
    const uncompressedBytes = raw.length;
    const content = contentOf();
    if (raw !== bytes && !reused) releaseBuffer(raw);
    return withContent({ recordCount: 0, records: [], uncompressedBytes, error: overLimitsReason(error.over) }, content);
  }
  const uncompressedBytes = raw.length;
  if (scan === null && streamable && uncompressedBytes > MAX_WHOLE_FILE_TEXT) {
    if (raw !== bytes && !reused) releaseBuffer(raw);
    return null;
  }
  // Decompressed once already; gzip inside gzip must reach the plain path as it came.
  const content = contentOf();
  const parsed = scan !== null ? scannedLog(scan.recordCount, scan.candidates, uncompressedBytes) : parseLogBytes(isGzip(raw) ? bytes : raw);
  // Nothing returned points into the text: candidates were copied out as strings (so the
  // reused space can take the next file).
  if (raw !== bytes && !reused) releaseBuffer(raw);
  return withContent(parsed, content);
}

/** A scanned file's result: its IoT records, or, at a record held as text past one record's limits, why it is not read (as `parseLogBytes` says). */
function scannedLog(recordCount: number, candidates: unknown[], uncompressedBytes: number): ParsedLog {
  try {
    return { recordCount, records: iotRecordsOf(candidates, [], new ReadBudget()), uncompressedBytes, error: null };
  } catch (error) {
    if (!isRefusedText(error)) throw error;
    return { recordCount: 0, records: [], uncompressedBytes, error: error.message };
  }
}

/** The hash of a file libdeflate gunzipped: all of it was one member (`nativeGunzipper`). */
function wholeContent(raw: Buffer): LogContentHash {
  return { sha256: sha256Hex(raw), trailingBytes: 0 };
}

/** `contentHashOf`, with libdeflate where it takes the file. */
export function contentHashFast(bytes: Buffer): LogContentHash {
  const raw = fastGunzip !== null && isGzip(bytes) ? fastGunzip(bytes) : null;
  return raw !== null ? wholeContent(raw) : contentHashOf(bytes);
}

function withContent(parsed: ParsedLog, content: LogContentHash | undefined): ParsedLog {
  if (content !== undefined) parsed.content = content;
  return parsed;
}
