import { verify, type KeyObject } from 'node:crypto';
import { oneLine } from '../errors.js';
import { sha256Hex } from './content.js';
import { inflateFirstMember } from './gzip.js';

/** One `logFiles[]` entry of a digest. */
export interface DigestLogEntry {
  s3Bucket: string;
  s3Object: string;
  /** Lowercase hex SHA-256 of the uncompressed log file. */
  hashValue: string;
}

/** The fields of a digest body the check uses, validated. Times are epoch ms. */
export interface DigestBody {
  awsAccountId: string | null;
  digestStartTime: number;
  digestEndTime: number;
  /** Exactly as written: it is part of the signed string. */
  digestEndTimeText: string;
  digestS3Bucket: string;
  digestS3Object: string;
  digestPublicKeyFingerprint: string;
  digestSignatureAlgorithm: string | null;
  previousDigestS3Bucket: string | null;
  previousDigestS3Object: string | null;
  previousDigestHashValue: string | null;
  previousDigestSignature: string | null;
  logFiles: DigestLogEntry[];
}

export const SIGNATURE_ALGORITHM = 'SHA256withRSA';
const HEX = /^[0-9a-fA-F]+$/;

/** What a digest object's bytes give: its body and hash, or why not; and the bytes after its gzip member. */
export interface DigestContent {
  body: DigestBody | null;
  /** Hex SHA-256 of the uncompressed bytes (of the first gzip member). */
  hash: string | null;
  trailingBytes: number;
  error: string | null;
}

/**
 * A digest read elsewhere (on a parse worker): its content, its size, and the signature of
 * a local `.sig` sidecar beside it (null when there is none).
 */
export interface DigestRead extends DigestContent {
  storedBytes: number;
  sidecar: string | null;
}

/** A digest's bytes inflated (first member only), parsed, validated and hashed; never throws. */
export function digestContentOf(bytes: Buffer): DigestContent {
  const out: DigestContent = { body: null, hash: null, trailingBytes: 0, error: null };
  try {
    const inflated = inflateFirstMember(bytes);
    out.trailingBytes = inflated.trailingBytes;
    const parsed = parseDigestBody(JSON.parse(inflated.data.toString('utf8')));
    if ('error' in parsed) {
      out.error = parsed.error;
      return out;
    }
    out.body = parsed;
    out.hash = sha256Hex(inflated.data);
  } catch (error) {
    out.error = oneLine(error);
  }
  return out;
}

function str(o: Record<string, unknown>, name: string): string | null {
  const v = o[name];
  return typeof v === 'string' && v !== '' ? v : null;
}

function time(text: string | null): number {
  return text === null ? Number.NaN : Date.parse(text);
}

/** A digest body from its parsed JSON, or the reason it is not one. Every field is checked: the body is hostile until its signature holds. */
export function parseDigestBody(json: unknown): DigestBody | { error: string } {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return { error: 'not a JSON object' };
  const o = json as Record<string, unknown>;
  const endText = str(o, 'digestEndTime');
  const start = time(str(o, 'digestStartTime'));
  const end = time(endText);
  if (Number.isNaN(start) || Number.isNaN(end) || endText === null) return { error: 'digestStartTime/digestEndTime missing or not a time' };
  if (end <= start) return { error: 'digestEndTime is not after digestStartTime' };
  const bucket = str(o, 'digestS3Bucket');
  const object = str(o, 'digestS3Object');
  const fingerprint = str(o, 'digestPublicKeyFingerprint');
  if (bucket === null || object === null) return { error: 'digestS3Bucket/digestS3Object missing' };
  if (fingerprint === null) return { error: 'digestPublicKeyFingerprint missing' };
  if (!('previousDigestSignature' in o)) return { error: 'previousDigestSignature missing' };
  const previousSignature = o.previousDigestSignature;
  if (previousSignature !== null && (typeof previousSignature !== 'string' || !HEX.test(previousSignature))) {
    return { error: 'previousDigestSignature is neither null nor hex' };
  }
  const previousHash = str(o, 'previousDigestHashValue');
  if (previousHash !== null && !/^[0-9a-fA-F]{64}$/.test(previousHash)) return { error: 'previousDigestHashValue is not a SHA-256 hex value' };

  const rawLogs = o.logFiles ?? [];
  if (!Array.isArray(rawLogs)) return { error: 'logFiles is not a list' };
  const logFiles: DigestLogEntry[] = [];
  for (const [index, item] of rawLogs.entries()) {
    if (typeof item !== 'object' || item === null) return { error: `logFiles[${index}] is not an object` };
    const entry = item as Record<string, unknown>;
    const s3Object = str(entry, 's3Object');
    const hashValue = str(entry, 'hashValue');
    if (s3Object === null || hashValue === null || !/^[0-9a-fA-F]{64}$/.test(hashValue)) {
      return { error: `logFiles[${index}] lacks s3Object or a SHA-256 hashValue` };
    }
    const algorithm = str(entry, 'hashAlgorithm');
    if (algorithm !== null && algorithm !== 'SHA-256') return { error: `logFiles[${index}] uses hash algorithm ${algorithm}` };
    logFiles.push({ s3Bucket: str(entry, 's3Bucket') ?? bucket, s3Object, hashValue: hashValue.toLowerCase() });
  }
  return {
    awsAccountId: str(o, 'awsAccountId'),
    digestStartTime: start,
    digestEndTime: end,
    digestEndTimeText: endText,
    digestS3Bucket: bucket,
    digestS3Object: object,
    digestPublicKeyFingerprint: fingerprint,
    digestSignatureAlgorithm: str(o, 'digestSignatureAlgorithm'),
    previousDigestS3Bucket: str(o, 'previousDigestS3Bucket'),
    previousDigestS3Object: str(o, 'previousDigestS3Object'),
    previousDigestHashValue: previousHash === null ? null : previousHash.toLowerCase(),
    previousDigestSignature: previousSignature,
    logFiles,
  };
}

/**
 * What CloudTrail signs: `digestEndTime \n bucket/object \n hex(sha256(uncompressed digest)) \n
 * previousDigestSignature` (the literal `null` for the first digest of a chain).
 */
export function signingString(body: DigestBody, digestHashHex: string): string {
  return `${body.digestEndTimeText}\n${body.digestS3Bucket}/${body.digestS3Object}\n${digestHashHex}\n${body.previousDigestSignature ?? 'null'}`;
}

/** A signature's bytes, or null when it is not an even number of hex digits. */
function signatureBytes(signatureHex: string): Buffer | null {
  return HEX.test(signatureHex) && signatureHex.length % 2 === 0 ? Buffer.from(signatureHex, 'hex') : null;
}

/** RSA PKCS#1 v1.5 with SHA-256 over the signing string; false for a malformed signature. */
export function verifyDigestSignature(key: KeyObject, signed: string, signatureHex: string): boolean {
  const signature = signatureBytes(signatureHex);
  if (signature === null) return false;
  try {
    return verify('sha256', Buffer.from(signed, 'utf8'), key, signature);
  } catch {
    return false;
  }
}

/**
 * `verifyDigestSignature` on libuv's thread pool (Node's `crypto.verify` with a callback):
 * the same answer, without holding the main thread. A month's 18,864 digests took ~0.35 s
 * of RSA there, one after the other; queued at once, ~0.22 s on two cores, during which
 * the main thread is free (a loop of `crypto.verify` against `Promise.all` of the callback
 * form, one process, 2048-bit keys).
 */
export function verifyDigestSignatureOffThread(key: KeyObject, signed: string, signatureHex: string): Promise<boolean> {
  const signature = signatureBytes(signatureHex);
  if (signature === null) return Promise.resolve(false);
  return new Promise((resolve) => {
    try {
      verify('sha256', Buffer.from(signed, 'utf8'), key, signature, (error, valid) => resolve(error === null && valid === true));
    } catch {
      resolve(false);
    }
  });
}
