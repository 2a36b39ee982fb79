import { crc32, inflateRawSync } from 'node:zlib';
import { MAX_LOG_BYTES } from '../collect/parse-log.js';

/** The content of an object as CloudTrail hashed it, and what follows the gzip stream. */
export interface Inflated {
  /** Uncompressed bytes of the first gzip member, or the bytes themselves when not gzipped. */
  data: Buffer;
  gzipped: boolean;
  /** Bytes after the first gzip member's trailer (a second member, garbage); 0 when none. */
  trailingBytes: number;
}

const FHCRC = 0x02;
const FEXTRA = 0x04;
const FNAME = 0x08;
const FCOMMENT = 0x10;

export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

function endOfZeroTerminated(bytes: Buffer, from: number): number {
  const end = bytes.indexOf(0, from);
  if (end < 0) throw new Error('gzip header is truncated');
  return end + 1;
}

/** Length of the RFC 1952 member header that starts at 0. */
export function headerLength(bytes: Buffer): number {
  if (bytes.length < 10) throw new Error('gzip header is truncated');
  if (bytes[2] !== 8) throw new Error('gzip compression method is not deflate');
  const flags = bytes[3];
  let at = 10;
  if (flags & FEXTRA) {
    if (bytes.length < at + 2) throw new Error('gzip header is truncated');
    at += 2 + bytes.readUInt16LE(at);
  }
  if (flags & FNAME) at = endOfZeroTerminated(bytes, at);
  if (flags & FCOMMENT) at = endOfZeroTerminated(bytes, at);
  if (flags & FHCRC) at += 2;
  if (at > bytes.length) throw new Error('gzip header is truncated');
  return at;
}

/**
 * Inflates only the first gzip member and says how many bytes follow it. zlib's
 * gunzip reads concatenated members as one stream, which would hide an appended
 * member: here the raw deflate stream is inflated alone, so its end is exact.
 * Content that is not gzip (a local copy already gunzipped) is returned as is.
 * Throws when the gzip data is corrupt.
 */
export function inflateFirstMember(bytes: Buffer): Inflated {
  if (!isGzip(bytes)) return { data: bytes, gzipped: false, trailingBytes: 0 };
  const start = headerLength(bytes);
  // Capped as a log file's read is (`MAX_LOG_BYTES`): a gzip bomb under --verify took gigabytes.
  const { buffer, engine } = inflateRawSync(bytes.subarray(start), { info: true, maxOutputLength: MAX_LOG_BYTES }) as unknown as {
    buffer: Buffer;
    engine: { bytesWritten: number };
  };
  return { data: buffer, gzipped: true, trailingBytes: checkTrailer(bytes, start + engine.bytesWritten, crc32(buffer), buffer.length) };
}

/**
 * Checks the first member's trailer, at `trailerAt` (where its deflate stream ended), against the
 * CRC-32 and length of what it inflated to; the bytes that follow the trailer (`trailingBytes`).
 * Throws when it is missing or does not match. The one check of a member whether it was inflated
 * whole (`inflateFirstMember`) or as a stream (`contentHashStreamed`).
 */
export function checkTrailer(bytes: Buffer, trailerAt: number, crc: number, length: number): number {
  if (bytes.length < trailerAt + 8) throw new Error('gzip stream is truncated (no trailer)');
  if (bytes.readUInt32LE(trailerAt) !== crc) throw new Error('gzip CRC-32 does not match the content');
  if (bytes.readUInt32LE(trailerAt + 4) !== length % 2 ** 32) throw new Error('gzip length field does not match the content');
  return bytes.length - (trailerAt + 8);
}
