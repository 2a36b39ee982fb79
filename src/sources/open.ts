import path from 'node:path';
import { UsageError } from '../errors.js';
import type { ObjectStore } from '../types.js';
import { LocalStore, isDirectory } from './local.js';
import { isS3Url } from './s3-url.js';

export interface OpenSourcesOptions {
  profile?: string;
  region?: string;
  /** Object reads in flight: the S3 client's socket pool is sized to it. */
  concurrency?: number;
}

/** The stores behind `--source` values: local folders and `s3://bucket/prefix` URLs. */
export async function openSources(specs: readonly string[], options: OpenSourcesOptions = {}): Promise<ObjectStore[]> {
  if (specs.length === 0) throw new UsageError('no --source given: pass a folder holding a copy of the trail bucket, or s3://bucket/prefix');
  const stores: ObjectStore[] = [];
  for (const spec of specs) {
    if (isS3Url(spec)) {
      const { openS3Source } = await import('./s3-open.js');
      stores.push(await openS3Source(spec, options));
      continue;
    }
    if (!(await isDirectory(spec))) {
      throw new UsageError(`source folder "${spec}" does not exist or is not a folder: pass a local copy of the trail bucket or s3://bucket/prefix`);
    }
    stores.push(new LocalStore(path.resolve(spec), spec));
  }
  return stores;
}

/** The file behind a key of a local store, so a worker thread can read it itself. */
export function localPathOf(store: ObjectStore, key: string): string | null {
  return store instanceof LocalStore ? path.join(store.root, ...key.split('/')) : null;
}
