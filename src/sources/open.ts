import { realpath } from 'node:fs/promises';
import path from 'node:path';
import { UsageError, oneLine } from '../errors.js';
import type { ObjectStore } from '../types.js';
import { LocalStore, isDirectory } from './local.js';
import { isAthenaUrl } from './athena/url.js';
import { isS3Url, parseS3Url } from './s3-url.js';

export interface OpenSourcesOptions {
  profile?: string;
  region?: string;
  /** Object reads in flight: the S3 client's socket pool is sized to it. */
  concurrency?: number;
  /** The report's output folder: not read when it is inside a local source (`LocalStore`'s `skipFolder`). */
  outDir?: string;
  /** Told, one note each (its words: the command adds `Note:`), of a source left out because another source given reads all of it. */
  note?: (text: string) => void;
}

/** A `--source` value checked, before any store is opened. */
type Candidate =
  | { spec: string; kind: 'local'; folder: string; real: string }
  | { spec: string; kind: 's3'; bucket: string; prefix: string };

/** The stores behind `--source` values: local folders and `s3://bucket/prefix` URLs. */
export async function openSources(specs: readonly string[], options: OpenSourcesOptions = {}): Promise<ObjectStore[]> {
  if (specs.length === 0) throw new UsageError('no --source given: pass a folder holding a copy of the trail bucket, or s3://bucket/prefix');
  const candidates: Candidate[] = [];
  for (const spec of specs) {
    if (isS3Url(spec)) {
      let location;
      try {
        location = parseS3Url(spec);
      } catch (error) {
        throw new UsageError(`--source ${oneLine(error)}`);
      }
      candidates.push({ spec, kind: 's3', bucket: location.bucket, prefix: location.prefix });
      continue;
    }
    if (isAthenaUrl(spec)) {
      throw new UsageError(`${spec}: this command reads the trail's files (its digests too), which an Athena table does not hold: give the trail's bucket (s3://bucket/prefix) or a copy of it`);
    }
    if (!(await isDirectory(spec))) {
      throw new UsageError(`source folder "${spec}" does not exist or is not a folder: pass a local copy of the trail bucket or s3://bucket/prefix`);
    }
    const folder = path.resolve(spec);
    candidates.push({ spec, kind: 'local', folder, real: await realFolder(folder) });
  }
  const skipFolder = options.outDir === undefined ? undefined : path.resolve(options.outDir);
  const realSkip = skipFolder === undefined ? undefined : await realFolder(skipFolder);
  const stores: ObjectStore[] = [];
  for (const [i, candidate] of candidates.entries()) {
    // Its files would be read, and counted (files read, unreadable), twice: the events are de-duplicated, the counts are not.
    const reader = candidates.find((other, j) => j !== i && readsAllOf(other, candidate, j < i, realSkip));
    if (reader !== undefined) {
      const same = reader.kind === 'local' && candidate.kind === 'local' ? reader.real === candidate.real : reader.kind === 's3' && candidate.kind === 's3' && reader.prefix === candidate.prefix;
      options.note?.(`--source ${candidate.spec} is left out: ${same ? 'it is the same source as' : 'it lies inside'} --source ${reader.spec}, which reads all of it`);
      continue;
    }
    if (candidate.kind === 's3') {
      const { openS3Source } = await import('./s3-open.js');
      stores.push(await openS3Source(candidate.spec, options));
    } else {
      stores.push(new LocalStore(candidate.folder, candidate.spec, { skipFolder }));
    }
  }
  return stores;
}

/** The folder with its links resolved, so that two spellings of one folder compare equal; as given when it cannot be resolved. */
async function realFolder(folder: string): Promise<string> {
  try {
    return await realpath(folder);
  } catch {
    return folder;
  }
}

/** `inner` is `outer` or a folder inside it. */
function within(inner: string, outer: string): boolean {
  const relative = path.relative(outer, inner);
  return relative === '' || (relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative));
}

/**
 * Whether `reader` reads every file `source` would: the same folder or prefix (then only the one
 * given first is kept: `first`), or one around it. Not when `source` lies in the output folder,
 * which a local source around it skips (`LocalStore`'s `skipFolder`).
 */
function readsAllOf(reader: Candidate, source: Candidate, first: boolean, realSkip: string | undefined): boolean {
  if (reader.kind === 'local' && source.kind === 'local') {
    if (!within(source.real, reader.real)) return false;
    if (source.real === reader.real) return first;
    return realSkip === undefined || realSkip === reader.real || !within(realSkip, reader.real) || !within(source.real, realSkip);
  }
  if (reader.kind === 's3' && source.kind === 's3') {
    if (reader.bucket !== source.bucket || !source.prefix.startsWith(reader.prefix)) return false;
    return source.prefix === reader.prefix ? first : true;
  }
  return false;
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
