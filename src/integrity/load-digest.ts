import { isFatalStoreError } from '../cloudtrail/layout.js';
import { oneLine } from '../errors.js';
import type { ObjectStore } from '../types.js';
import type { LoadedDigest } from './chain.js';
import { parseDigestBody, sha256Hex } from './digest.js';
import type { Gate } from './discover.js';
import { inflateFirstMember } from './gzip.js';
import { parseDigestName } from './keys.js';
import type { IntegrityResult } from './types.js';

export interface DigestReader {
  read: (store: ObjectStore, key: string) => Promise<Buffer>;
  /** Bounds the metadata requests with the reads. */
  gate: Gate;
  signatures: Map<string, string> | undefined;
  stats: IntegrityResult['stats'];
}

/**
 * Reads a digest once: its bytes (first gzip member, trailing bytes counted), its
 * hash, its parsed body, and its signature from `--signatures` or the object's
 * metadata (S3 user metadata, or a local `.sig` sidecar). Never throws but for a
 * fatal store error: what went wrong is in `error`.
 */
export async function loadDigest(store: ObjectStore, key: string, ctx: DigestReader, onMetadataFailure: () => void): Promise<LoadedDigest> {
  const digest: LoadedDigest = {
    foundKey: key,
    name: parseDigestName(key)!,
    body: null,
    hash: null,
    trailingBytes: 0,
    error: null,
    signature: null,
    signatureFrom: null,
    signatureAlgorithm: null,
  };
  try {
    const bytes = await ctx.read(store, key);
    ctx.stats.digestsRead++;
    ctx.stats.bytesRead += bytes.length;
    const inflated = inflateFirstMember(bytes);
    digest.trailingBytes = inflated.trailingBytes;
    const parsed = parseDigestBody(JSON.parse(inflated.data.toString('utf8')));
    if ('error' in parsed) {
      digest.error = parsed.error;
      return digest;
    }
    digest.body = parsed;
    digest.hash = sha256Hex(inflated.data);
  } catch (error) {
    if (isFatalStoreError(error)) throw error;
    digest.error = oneLine(error);
    return digest;
  }
  const fromFile = ctx.signatures?.get(key) ?? ctx.signatures?.get(digest.body.digestS3Object);
  if (fromFile !== undefined) {
    digest.signature = fromFile;
    digest.signatureFrom = 'the signatures file';
    return digest;
  }
  try {
    const metadata = await ctx.gate(() => store.metadata(key));
    if (typeof metadata.signature === 'string' && metadata.signature !== '') {
      digest.signature = metadata.signature.trim();
      digest.signatureFrom = store.kind === 's3' ? 'its S3 metadata' : 'its .sig sidecar';
      digest.signatureAlgorithm = metadata['signature-algorithm'] ?? null;
    }
  } catch (error) {
    if (isFatalStoreError(error)) throw error;
    onMetadataFailure();
  }
  return digest;
}
