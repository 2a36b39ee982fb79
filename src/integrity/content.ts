import { createHash } from 'node:crypto';
import { createInflateRaw, crc32 } from 'node:zlib';
import { oneLine } from '../errors.js';
import type { LogContentHash } from '../types.js';
import { MAX_LOG_BYTES, TOO_LARGE, isTooLarge } from '../collect/parse-log.js';
import { checkTrailer, headerLength, inflateFirstMember, isGzip } from './gzip.js';

/** The SHA-256 of bytes, in hex (as digests write it). */
export function sha256Hex(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * A log object's content hash, the reference way: its first gzip member inflated alone
 * (so an appended member or garbage is counted, not hashed), or the bytes as they are when
 * not gzipped. Never throws: a file that does not inflate gets the reason.
 */
export function contentHashOf(bytes: Buffer): LogContentHash {
  try {
    const inflated = inflateFirstMember(bytes);
    return { sha256: sha256Hex(inflated.data), trailingBytes: inflated.trailingBytes };
  } catch (error) {
    return { error: isTooLarge(error) ? TOO_LARGE : oneLine(error) };
  }
}

/**
 * `contentHashOf` without holding the text: the first gzip member inflated as a stream, each piece
 * hashed and let go (a log file read as a stream, src/collect/parse-windows.ts, is hashed so under
 * `--verify`: the same file is then read the same way with and without the hash). The same hash, and
 * the same checks of the member's trailer; capped at `MAX_LOG_BYTES` as the read is.
 */
export async function contentHashStreamed(bytes: Buffer): Promise<LogContentHash> {
  if (!isGzip(bytes)) return { sha256: sha256Hex(bytes), trailingBytes: 0 };
  try {
    const start = headerLength(bytes);
    const hash = createHash('sha256');
    let crc = 0;
    let length = 0;
    const inflate = createInflateRaw({ chunkSize: 1 << 20 });
    try {
      inflate.end(bytes.subarray(start));
      for await (const chunk of inflate as AsyncIterable<Buffer>) {
        length += chunk.length;
        if (length > MAX_LOG_BYTES) return { error: TOO_LARGE };
        hash.update(chunk);
        crc = crc32(chunk, crc);
      }
    } finally {
      inflate.destroy();
    }
    // The deflate stream ends where its input read ends: the trailer follows.
    return { sha256: hash.digest('hex'), trailingBytes: checkTrailer(bytes, start + inflate.bytesWritten, crc, length) };
  } catch (error) {
    return { error: oneLine(error) };
  }
}
