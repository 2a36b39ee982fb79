import { scanRecordsBytes } from '../cloudtrail/scan.js';
import type { ParsedLog } from '../types.js';
import { gunzipWith, nativeGunzipper } from './gunzip-native.js';
import { iotRecordsOf, isGzip, parseLogBytes, releaseBuffer } from './parse-log.js';

/** libdeflate where the addon has it (its output space is reused from file to file). */
const fastGunzip = nativeGunzipper();

/**
 * `parseLogBytes` with the fast path: the same result for every input (a test holds it
 * to that), without `JSON.parse` of the records that cannot be IoT records. Files the
 * scanner does not handle (pretty-printed, other wrappers, broken) take the plain path.
 */
export function parseLogFast(bytes: Buffer): ParsedLog {
  let raw = bytes;
  let reused = false;
  if (isGzip(bytes)) {
    try {
      ({ raw, reused } = gunzipWith(fastGunzip, bytes));
    } catch {
      // The plain path words the reason.
      return parseLogBytes(bytes);
    }
  }
  const scan = scanRecordsBytes(raw);
  const uncompressedBytes = raw.length;
  // Decompressed once already; gzip inside gzip must reach the plain path as it came.
  const parsed =
    scan !== null
      ? { recordCount: scan.recordCount, records: iotRecordsOf(scan.candidates), uncompressedBytes, error: null }
      : parseLogBytes(isGzip(raw) ? bytes : raw);
  // Nothing returned points into the text: candidates were copied out as strings (so the
  // reused space can take the next file).
  if (raw !== bytes && !reused) releaseBuffer(raw);
  return parsed;
}
