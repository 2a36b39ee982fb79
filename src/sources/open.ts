import path from 'node:path';
import { UsageError } from '../errors.js';
import type { ObjectStore } from '../types.js';
import { LocalStore, isDirectory } from './local.js';
import { isAthenaUrl } from './athena/url.js';
import { isS3Url } from './s3-url.js';

export interface OpenSourcesOptions {
  profile?: string;
  region?: string;
  /** Object reads in flight: the S3 client's socket pool is sized to it. */
  concurrency?: number;
  /** The report's output folder: not read when it is inside a local source (`LocalStore`'s `skipFolder`). */
  outDir?: string;
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
    if (isAthenaUrl(spec)) {
      throw new UsageError(`${spec}: this command reads the trail's files (its digests too), which an Athena table does not hold: give the trail's bucket (s3://bucket/prefix) or a copy of it`);
    }
    if (!(await isDirectory(spec))) {
      throw new UsageError(`source folder "${spec}" does not exist or is not a folder: pass a local copy of the trail bucket or s3://bucket/prefix`);
    }
    stores.push(new LocalStore(path.resolve(spec), spec, { skipFolder: options.outDir === undefined ? undefined : path.resolve(options.outDir) }));
  }
  return stores;
}

/** The file behind a key of a local store, so a worker thread can read it itself. */
export function localPathOf(store: ObjectStore, key: string): string | null {
  if (!(store instanceof LocalStore)) return null;
  // Called once per log file (millions in a month): a plain key needs no path.join.
  if (path.sep === '/' && !UNPLAIN_KEY.test(key)) {
    let base = rootPrefixes.get(store);
    if (base === undefined) {
      base = path.join(store.root, 'x').slice(0, -1);
      rootPrefixes.set(store, base);
    }
    return base + key;
  }
  return path.join(store.root, ...key.split('/'));
}

/** Keys that path.join would change: empty, `.` or `..` segments, a leading, trailing or doubled slash. */
const UNPLAIN_KEY = /^$|^\/|\/$|\/\/|(^|\/)\.\.?(\/|$)/;
/** Each local store's root, normalized, with its trailing slash. */
const rootPrefixes = new WeakMap<LocalStore, string>();
