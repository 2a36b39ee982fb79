import { createHash } from 'node:crypto';
import { oneLine } from '../errors.js';
import type { LogContentHash } from '../types.js';
import { TOO_LARGE, isTooLarge } from '../collect/parse-log.js';
import { inflateFirstMember } from './gzip.js';

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
