import { readFileSync, readdirSync, readlinkSync, realpathSync, statSync, type Stats } from 'node:fs';
import { opendir, stat } from 'node:fs/promises';
import path from 'node:path';
import { trailFolderOf } from '../cloudtrail/layout.js';
import type { ObjectStore, StoredObject } from '../types.js';

/** Sidecar files that carry S3 metadata saved by a sync step (see `metadata`). */
const SIGNATURE_SIDECAR = '.sig';

/**
 * An entry a listing could not follow (a broken symbolic link, a link loop): listed as an object
 * with the reason, so that the caller names it among the source's problems rather than losing
 * it (`listingProblem` in cloudtrail/layout.ts). Never read.
 */
export interface UnfollowedEntry extends StoredObject {
  problem: string;
}

/**
 * A local folder seen as a bucket: keys are paths relative to `root`, with `/`.
 * A folder marker cannot exist on disk, so folders are only ever prefixes.
 *
 * A folder inside a trail's `AWSLogs/` (`<copy>/AWSLogs/<acct>`, `.../CloudTrail/<region>`, see
 * `trailFolderOf`) is read as S3 reads `s3://bucket/AWSLogs/<acct>/`: `root` is the folder
 * above `AWSLogs/` and `rootPrefix` the path from there to the folder given, so the trail's
 * layout (account, region, day folders) is known and only the period's day folders are read.
 *
 * Symbolic links are followed, to folders and to files; one that leads nowhere (broken, a loop)
 * is listed as an `UnfollowedEntry`, and `listAll` does not walk back into a folder it is in.
 */
export class LocalStore implements ObjectStore {
  readonly kind = 'local' as const;
  /** The folder keys are relative to: the folder given, or the one above its `AWSLogs/`. */
  readonly root: string;
  /** '' for a plain folder; `AWSLogs/.../` for a folder inside a trail's `AWSLogs/`. */
  readonly rootPrefix: string;
  /**
   * `root` as reports name it, for log file URLs (`sourceBase`): the label itself, or, for a
   * folder inside `AWSLogs/`, the label without its `AWSLogs/...` end (the absolute path when
   * the label does not end so, as `.` inside the folder).
   */
  readonly keyBase: string;

  constructor(
    folder: string,
    readonly label: string = folder,
  ) {
    const within = trailFolderWithin(folder);
    this.root = within?.root ?? folder;
    this.rootPrefix = within === null ? '' : `${within.parts.join('/')}/`;
    this.keyBase = within === null ? label : (labelAbove(label, within.parts) ?? within.root);
  }

  private abs(key: string): string {
    return path.join(this.root, ...key.split('/').filter(Boolean));
  }

  async listChildren(prefix: string): Promise<{ prefixes: string[]; objects: StoredObject[] }> {
    const prefixes: string[] = [];
    const objects: StoredObject[] = [];
    const dir = this.abs(prefix);
    let entries;
    try {
      // Synchronous on purpose: one folder's listing takes microseconds, and the promise
      // version costs about three times the CPU (a month is thousands of day folders, read
      // while the parse workers need every core).
      entries = readdirSync(dir, { withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ENOTDIR') {
        return { prefixes, objects };
      }
      throw error;
    }
    for (const entry of entries) {
      if (entry.isDirectory()) prefixes.push(`${prefix}${entry.name}/`);
      else if (entry.isFile()) objects.push({ key: `${prefix}${entry.name}` });
      else if (entry.isSymbolicLink()) {
        const target = followLink(path.join(dir, entry.name));
        if (typeof target === 'string') objects.push(unfollowed(`${prefix}${entry.name}`, target));
        else if (target.isDirectory()) prefixes.push(`${prefix}${entry.name}/`);
        else if (target.isFile()) objects.push({ key: `${prefix}${entry.name}` });
      }
    }
    prefixes.sort();
    objects.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    return { prefixes, objects };
  }

  /**
   * Depth first, each folder's files before its sub-folders. A folder already on the way down
   * (a link back to a folder above, by device and inode) is not walked again: it is listed as
   * an `UnfollowedEntry`, so a link cycle ends instead of recursing forever.
   */
  async *listAll(prefix: string): AsyncIterable<StoredObject> {
    yield* this.walk(prefix, []);
  }

  private async *walk(prefix: string, above: readonly string[]): AsyncGenerator<StoredObject> {
    const dir = this.abs(prefix);
    let handle;
    let id: string;
    try {
      id = folderId(await stat(dir));
      if (above.includes(id)) {
        yield unfollowed(prefix.slice(0, -1), `symbolic link loop: leads back to ${realpathSync(dir)}, a folder above it; not followed`);
        return;
      }
      handle = await opendir(dir);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return;
      throw error;
    }
    const subdirs: string[] = [];
    for await (const entry of handle) {
      if (entry.isDirectory()) subdirs.push(`${prefix}${entry.name}/`);
      else if (entry.isFile()) yield { key: `${prefix}${entry.name}` };
      else if (entry.isSymbolicLink()) {
        const target = followLink(path.join(dir, entry.name));
        if (typeof target === 'string') yield unfollowed(`${prefix}${entry.name}`, target);
        else if (target.isDirectory()) subdirs.push(`${prefix}${entry.name}/`);
        else if (target.isFile()) yield { key: `${prefix}${entry.name}` };
      }
    }
    const down = [...above, id];
    for (const sub of subdirs.sort()) yield* this.walk(sub, down);
  }

  /**
   * Synchronous too, as the listing. The parse workers read log files and digests themselves;
   * what still reads through here on the main thread is small and many (`--threads 0`, a
   * log file the workers did not hash), and the promise version's open, stat, read and close
   * cost ~35 µs more a file: when `report --verify` still read a month's digests and their
   * sidecars here, its integrity check took 3.7 s with it, 2.3 s without (bench tree at
   * scale 0.1, ~40,000 files).
   */
  async read(key: string): Promise<Buffer> {
    return readFileSync(this.abs(key));
  }

  /**
   * A local copy has no S3 metadata. A sync step may have saved a digest's signature
   * beside it as `<key>.sig` (the hex signature on one line): served as `signature`.
   */
  async metadata(key: string): Promise<Record<string, string>> {
    return sidecarMetadata(sidecarSignature(this.abs(key)));
  }
}

/** The metadata a `.sig` sidecar's signature stands for (S3's `signature` and `signature-algorithm`). */
export function sidecarMetadata(signature: string | null): Record<string, string> {
  return signature !== null ? { signature, 'signature-algorithm': 'SHA256withRSA' } : {};
}

/** The signature a `.sig` sidecar beside `file` holds, or null (no sidecar, or an empty one). */
export function sidecarSignature(file: string): string | null {
  try {
    return readFileSync(file + SIGNATURE_SIDECAR, 'utf8').trim() || null;
  } catch {
    return null;
  }
}

/** Whether `p` is an existing folder. */
export async function isDirectory(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isDirectory();
  } catch {
    return false;
  }
}

function unfollowed(key: string, problem: string): UnfollowedEntry {
  return { key, problem };
}

/** A folder's identity on disk, the same whatever link leads to it. */
function folderId(stats: Stats): string {
  return `${stats.dev}:${stats.ino}`;
}

/** What a symbolic link leads to, or why it leads nowhere (one line, for the report). */
function followLink(link: string): Stats | string {
  try {
    return statSync(link);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    let target = '?';
    try {
      target = readlinkSync(link);
    } catch {
      // Gone since the listing: the reason below says enough.
    }
    if (code === 'ENOENT' || code === 'ENOTDIR') return `broken symbolic link: its target ${target} does not exist`;
    if (code === 'ELOOP') return `symbolic link loop: ${target} never leads to a file or folder; not followed`;
    return `could not follow symbolic link to ${target}: ${(error as Error).message}`;
  }
}

/**
 * Where a folder inside a trail's `AWSLogs/` sits (`trailFolderOf`): the folder above `AWSLogs/`
 * and the components from `AWSLogs` on. Tried on the path as given, then on its real path (a
 * link to such a folder); null when neither ends inside `AWSLogs/`.
 */
function trailFolderWithin(folder: string): { root: string; parts: string[] } | null {
  const resolved = path.resolve(folder);
  let parts = trailFolderOf(resolved.split(path.sep));
  let from = resolved;
  if (parts === null) {
    try {
      from = realpathSync(folder);
      parts = trailFolderOf(from.split(path.sep));
    } catch {
      return null;
    }
  }
  if (parts === null) return null;
  return { root: path.resolve(from, ...parts.map(() => '..')), parts };
}

/**
 * The label of the folder above `AWSLogs/`, from a label ending in `parts` (`./copy/AWSLogs/1111`
 * gives `./copy`; `AWSLogs/1111` gives `.`); null when the label does not end so.
 */
function labelAbove(label: string, parts: readonly string[]): string | null {
  let rest = label.replace(/[\\/]+$/, '');
  for (let i = parts.length - 1; i >= 0; i--) {
    if (!rest.endsWith(parts[i])) return null;
    rest = rest.slice(0, rest.length - parts[i].length);
    if (rest === '') return i === 0 ? '.' : null;
    if (!/[\\/]$/.test(rest)) return null;
    const trimmed = rest.replace(/[\\/]+$/, '');
    // `/AWSLogs/...`: the file system's root.
    if (trimmed === '') return i === 0 ? rest.slice(0, 1) : null;
    rest = trimmed;
  }
  return rest;
}
