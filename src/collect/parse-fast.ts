import { scanRecordsBytes } from '../cloudtrail/scan.js';
import type { ParsedLog } from '../types.js';
import { gunzipLog, iotRecordsOf, isGzip, parseLogBytes } from './parse-log.js';

/**
 * `parseLogBytes` with the fast path: the same result for every input (a test holds it
 * to that), without `JSON.parse` of the records that cannot be IoT records. Files the
 * scanner does not handle (pretty-printed, other wrappers, broken) take the plain path.
 */
export function parseLogFast(bytes: Buffer): ParsedLog {
  let raw = bytes;
  if (isGzip(bytes)) {
    try {
      raw = gunzipLog(bytes);
    } catch {
      // The plain path words the reason.
      return parseLogBytes(bytes);
    }
  }
  const scan = scanRecordsBytes(raw);
  if (scan !== null) {
    return { recordCount: scan.recordCount, records: iotRecordsOf(scan.candidates), uncompressedBytes: raw.length, error: null };
  }
  // Decompressed once already; gzip inside gzip must reach the plain path as it came.
  return parseLogBytes(isGzip(raw) ? bytes : raw);
}
