import { isFatalStoreError } from '../cloudtrail/layout.js';
import { oneLine } from '../errors.js';
import type { ObjectStore } from '../types.js';
import type { LoadedDigest } from './chain.js';
import { sidecarMetadata } from '../sources/local.js';
import { digestContentOf, type DigestContent, type DigestRead } from './digest.js';
import { parseDigestName } from './keys.js';
import type { IntegrityResult } from './types.js';

export interface DigestReader {
  read: (store: ObjectStore, key: string) => Promise<Buffer>;
  /** The object's metadata (`ObjectStore.metadata`), bounded with the reads and asked again as they are read again. */
  metadata: (store: ObjectStore, key: string) => Promise<Record<string, string>>;
  /**
   * Reads, inflates and parses a digest elsewhere (a parse worker, for a local file), with
   * its `.sig` sidecar; undefined: `read` and this thread do it.
   */
  readDigest?: (store: ObjectStore, key: string) => Promise<DigestRead> | undefined;
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
  let content: DigestContent;
  let storedBytes: number;
  let sidecar: string | null | undefined;
  try {
    const read = await ctx.readDigest?.(store, key);
    if (read !== undefined) {
      ({ storedBytes, sidecar } = read);
      content = read;
    } else {
      const bytes = await ctx.read(store, key);
      storedBytes = bytes.length;
      content = digestContentOf(bytes);
    }
  } catch (error) {
    if (isFatalStoreError(error)) throw error;
    digest.error = oneLine(error);
    return digest;
  }
  ctx.stats.digestsRead++;
  ctx.stats.bytesRead += storedBytes;
  digest.trailingBytes = content.trailingBytes;
  digest.error = content.error;
  if (content.body === null) return digest;
  digest.body = content.body;
  digest.hash = content.hash;
  const fromFile = ctx.signatures?.get(key) ?? ctx.signatures?.get(digest.body.digestS3Object);
  if (fromFile !== undefined) {
    digest.signature = fromFile;
    digest.signatureFrom = 'the signatures file';
    return digest;
  }
  // A sidecar read with the digest stands for what `LocalStore.metadata` would give.
  const metadata = sidecar !== undefined ? sidecarMetadata(sidecar) : await storeMetadata(store, key, ctx, onMetadataFailure);
  if (typeof metadata.signature === 'string' && metadata.signature !== '') {
    digest.signature = metadata.signature.trim();
    digest.signatureFrom = store.kind === 's3' ? 'its S3 metadata' : 'its .sig sidecar';
    digest.signatureAlgorithm = metadata['signature-algorithm'] ?? null;
  }
  return digest;
}

async function storeMetadata(store: ObjectStore, key: string, ctx: DigestReader, onMetadataFailure: () => void): Promise<Record<string, string>> {
  try {
    return await ctx.metadata(store, key);
  } catch (error) {
    if (isFatalStoreError(error)) throw error;
    onMetadataFailure();
    return {};
  }
}
