import { readFileSync, readdirSync, readlinkSync, realpathSync, statSync, type Dirent, type Stats } from 'node:fs';
import { opendir, stat } from 'node:fs/promises';
import path from 'node:path';
import { trailFolderOf } from '../cloudtrail/layout.js';
import { oneLine } from '../errors.js';
import type { ObjectStore, StoredObject } from '../types.js';

/** Sidecar files that carry S3 metadata saved by a sync step (see `metadata`). */
const SIGNATURE_SIDECAR = '.sig';

/**
 * An entry a listing could not or would not follow (a broken symbolic link, a link loop, a link
 * to a folder not walked): listed as an object with the reason, so that the caller can name it
 * among the source's problems rather than lose it (`listingProblem` in cloudtrail/layout.ts).
 * Never read.
 */
export interface UnfollowedEntry extends StoredObject {
  problem: string;
  /**
   * The link is known to lead to a folder (one not walked: see `LocalStore`). False for a broken
   * or looping link, whose kind nothing tells: the caller names it only when its name is one it
   * would read.
   */
  folder: boolean;
}

/** Folders of the system's own files (Linux): never walked through a link. */
const SYSTEM_FOLDERS = ['/proc', '/sys', '/dev'];

/**
 * A local folder seen as a bucket: keys are paths relative to `root`, with `/`.
 * A folder marker cannot exist on disk, so folders are only ever prefixes.
 *
 * A folder inside a trail's `AWSLogs/` (`<copy>/AWSLogs/<acct>`, `.../CloudTrail/<region>`, see
 * `trailFolderOf`) is read as S3 reads `s3://bucket/AWSLogs/<acct>/`: `root` is the folder
 * above `AWSLogs/` and `rootPrefix` the path from there to the folder given, so the trail's
 * layout (account, region, day folders) is known and only the period's day folders are read.
 *
 * Symbolic links are followed, to folders and to files, except a link to a folder that would
 * widen the source beyond what was given: the file system's root, the source folder or a folder
 * above it, or /proc, /sys, /dev (a stray `rootlink -> /` would read the whole machine). Such a
 * link, and one that leads nowhere (broken, a loop), is listed as an `UnfollowedEntry`.
 * `listAll` reads each folder once, whatever links lead to it.
 */
export class LocalStore implements ObjectStore {
  readonly kind = 'local' as const;
  /** The folder keys are relative to: the folder given, or the one above its `AWSLogs/`. */
  readonly root: string;
  /** '' for a plain folder; `AWSLogs/.../` for a folder inside a trail's `AWSLogs/`. */
  readonly rootPrefix: string;
  /**
   * `root` as reports name it, for log file URLs (`sourceBase`): the label itself, or, for a
   * folder inside `AWSLogs/`, the label without its `AWSLogs/...` end (`..`s after the label
   * when it does not end so, as `.` inside the folder: `baseAbove`).
   */
  readonly keyBase: string;
  /** The real path of the folder given, once a folder link needs it (`followLink`). */
  private realFolder: string | undefined;

  /**
   * `skipFolder`: a folder below the source that `listAll` does not read, the report's own output
   * folder (`--out`, `./reports` by default): the reports written there earlier are not logs. The
   * source folder itself (or the folder above its `AWSLogs/`) is never skipped.
   */
  constructor(
    private readonly folder: string,
    readonly label: string = folder,
    private readonly options: { skipFolder?: string } = {},
  ) {
    const within = trailFolderWithin(folder);
    this.root = within?.root ?? folder;
    this.rootPrefix = within === null ? '' : `${within.parts.join('/')}/`;
    this.keyBase = within === null ? label : (labelAbove(label, within.parts) ?? baseAbove(label, within));
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
      const found = this.entryKind(dir, entry);
      if (found.kind === 'folder') prefixes.push(`${prefix}${entry.name}/`);
      else if (found.kind === 'file') objects.push({ key: `${prefix}${entry.name}` });
      else if (found.kind === 'unfollowed') objects.push({ key: `${prefix}${entry.name}`, ...found.why });
    }
    prefixes.sort();
    objects.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    return { prefixes, objects };
  }

  /**
   * Depth first, each folder's files before its sub-folders; the folders that links lead to
   * after the folders really below `prefix`, so that a folder reached both ways is named by its
   * own path. No folder is read twice (by device and inode): a link to one already walked is
   * passed over, and a link back to a folder it is in is listed as an `UnfollowedEntry`.
   */
  async *listAll(prefix: string): AsyncIterable<StoredObject> {
    const walked = new Set<string>();
    const skipped = this.skippedFolderId();
    // Marked as walked: passed over as a folder read already is, by any path or link.
    if (skipped !== null) walked.add(skipped);
    const links: FolderLink[] = [];
    yield* this.walk(prefix, [], walked, links);
    // `links` grows as the folders they lead to are walked.
    for (let i = 0; i < links.length; i++) {
      const link = links[i];
      if (link.above.includes(link.id)) {
        yield unfollowed(link.prefix.slice(0, -1), `symbolic link loop: ${linkText(this.abs(link.prefix))} leads back to a folder it is in; not followed`, true);
      } else if (!walked.has(link.id)) {
        yield* this.walk(link.prefix, link.above, walked, links);
      }
    }
  }

  /** The id of `options.skipFolder` when it is a folder other than the source folder, else null. */
  private skippedFolderId(): string | null {
    if (this.options.skipFolder === undefined) return null;
    try {
      const skip = statSync(this.options.skipFolder);
      const id = folderId(skip);
      // Neither the folder given nor, for one inside `AWSLogs/`, the folder its keys start from.
      return skip.isDirectory() && id !== folderId(statSync(this.folder)) && id !== folderId(statSync(this.root)) ? id : null;
    } catch {
      return null;
    }
  }

  private async *walk(prefix: string, above: readonly string[], walked: Set<string>, links: FolderLink[]): AsyncGenerator<StoredObject> {
    const dir = this.abs(prefix);
    let handle;
    let id: string;
    try {
      id = folderId(statSync(dir));
      if (walked.has(id)) return;
      handle = await opendir(dir);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return;
      // A folder that cannot be read (EACCES...) is named, and the walk goes on past it.
      yield unfollowed(folderName(prefix), `could not read folder: ${oneLine(error)}`, true);
      return;
    }
    walked.add(id);
    const down = [...above, id];
    const subdirs: string[] = [];
    const folderLinks: FolderLink[] = [];
    const entries: Dirent[] = [];
    let partly: unknown = null;
    try {
      for await (const entry of handle) entries.push(entry);
    } catch (error) {
      // A folder whose listing fails part way (an I/O error, a share gone): named, what it listed
      // before is read, and the walk goes on.
      partly = error;
    }
    for (const entry of entries) {
      const found = this.entryKind(dir, entry);
      if (found.kind === 'folder') {
        if (found.link === undefined) subdirs.push(`${prefix}${entry.name}/`);
        else folderLinks.push({ prefix: `${prefix}${entry.name}/`, id: folderId(found.link), above: down });
      } else if (found.kind === 'file') yield { key: `${prefix}${entry.name}` };
      else if (found.kind === 'unfollowed') yield { key: `${prefix}${entry.name}`, ...found.why };
    }
    if (partly !== null) yield unfollowed(folderName(prefix), `could not read all of folder: ${oneLine(partly)}`, true);
    // In name order: of two links to one folder, the same one names it on every run.
    links.push(...folderLinks.sort((a, b) => (a.prefix < b.prefix ? -1 : 1)));
    for (const sub of subdirs.sort()) yield* this.walk(sub, down, walked, links);
  }

  /** What an entry of the folder `dir` is to a listing, through a symbolic link to what it leads to (`followLink`). */
  private entryKind(dir: string, entry: Dirent): EntryKind {
    if (entry.isDirectory()) return FOLDER;
    if (entry.isFile()) return FILE;
    if (!entry.isSymbolicLink()) return OTHER;
    const target = this.followLink(path.join(dir, entry.name));
    if ('problem' in target) return { kind: 'unfollowed', why: target };
    if (target.isDirectory()) return { kind: 'folder', link: target };
    return target.isFile() ? FILE : OTHER;
  }

  /**
   * What a symbolic link leads to, or why it is not followed (one line, for the report): it leads
   * nowhere, or to a folder that would widen the source (`LocalStore`). The link is named by its
   * own text, not the real path it leads to: a report names no more of the machine than that.
   */
  private followLink(link: string): Stats | Unfollowed {
    let stats: Stats;
    try {
      stats = statSync(link);
    } catch (error) {
      return { problem: whyNowhere(link, error), folder: false };
    }
    if (!stats.isDirectory()) return stats;
    let target: string;
    try {
      target = realpathSync(link);
    } catch (error) {
      return { problem: whyNowhere(link, error), folder: false };
    }
    const why = this.widens(target);
    return why === null ? stats : { problem: `symbolic link to ${linkText(link)} not followed: ${why}`, folder: true };
  }

  /** Why walking the real folder `target` would read beyond the source, or null. */
  private widens(target: string): string | null {
    if (path.dirname(target) === target) return "it leads to the file system's root";
    if (path.sep === '/') {
      const system = SYSTEM_FOLDERS.find((top) => target === top || target.startsWith(`${top}/`));
      if (system !== undefined) return `${system} holds the system's own files, not logs`;
    }
    this.realFolder ??= realPathOr(this.folder);
    const real = this.realFolder;
    if (real === target || real.startsWith(target.endsWith(path.sep) ? target : target + path.sep)) return 'it leads to the source folder or a folder above it';
    return null;
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

/** A folder's key as problems name it: `prefix` without its `/`, the source folder itself `.`. */
const folderName = (prefix: string) => (prefix === '' ? '.' : prefix.slice(0, -1));

/** Why an entry is not followed (`UnfollowedEntry` without its key). */
type Unfollowed = Omit<UnfollowedEntry, 'key'>;

/**
 * What a folder entry is to a listing (`LocalStore.entryKind`): a file, a folder (`link`: the
 * stats of the folder a symbolic link leads to), one not followed (`why`), or none of these (a
 * socket, a FIFO, a device, a link to one), which is not listed.
 */
type EntryKind = { kind: 'file' } | { kind: 'folder'; link?: Stats } | { kind: 'unfollowed'; why: Unfollowed } | { kind: 'other' };

// The same object for every entry of a kind: a month is thousands of folders and files.
const FILE: EntryKind = { kind: 'file' };
const FOLDER: EntryKind = { kind: 'folder' };
const OTHER: EntryKind = { kind: 'other' };

/** A link to a folder met while walking: followed once the folders really below are walked. */
interface FolderLink {
  prefix: string;
  /** The folder it leads to (`folderId`). */
  id: string;
  /** The folders the link is in, from the walk's start. */
  above: readonly string[];
}

function unfollowed(key: string, problem: string, folder: boolean): UnfollowedEntry {
  return { key, problem, folder };
}

/** A folder's identity on disk, the same whatever link leads to it. */
function folderId(stats: Stats): string {
  return `${stats.dev}:${stats.ino}`;
}

/** What a symbolic link says it leads to; `?` when it is gone since the listing (the reason around it says enough). */
function linkText(link: string): string {
  try {
    return readlinkSync(link);
  } catch {
    return '?';
  }
}

/** Why a symbolic link that could not be followed leads nowhere (one line, for the report). */
function whyNowhere(link: string, error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  const target = linkText(link);
  if (code === 'ENOENT' || code === 'ENOTDIR') return `broken symbolic link: its target ${target} does not exist`;
  if (code === 'ELOOP') return `symbolic link loop: ${target} never leads to a file or folder; not followed`;
  return `could not follow symbolic link to ${target}: ${(error as Error).message}`;
}

/** The real path of `p`, or `p` resolved where it has none (gone). */
function realPathOr(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return path.resolve(p);
  }
}

/**
 * Where a folder inside a trail's `AWSLogs/` sits (`trailFolderOf`): the folder above `AWSLogs/`
 * and the components from `AWSLogs` on. Tried on the path as given, then on its real path (a
 * link to such a folder: `throughLink`); null when neither ends inside `AWSLogs/`.
 */
function trailFolderWithin(folder: string): { root: string; parts: string[]; throughLink: boolean } | null {
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
  return { root: path.resolve(from, ...parts.map(() => '..')), parts, throughLink: from !== resolved };
}

/**
 * The label of the folder above `AWSLogs/` when the label does not end in the folder's path
 * (`.` inside it, `../o-x`, a link's name): a relative label stays relative, so that reports
 * are the same on any machine and name no local path (`.` two levels in gives `../..`). Through
 * a link the `..`s are kept as written: `mine/..` is the parent of the link's target, which
 * shortening `mine/..` to `.` would lose. An absolute label gives the folder's absolute path.
 */
function baseAbove(label: string, within: { root: string; parts: readonly string[]; throughLink: boolean }): string {
  if (path.isAbsolute(label)) return within.root;
  const up = within.parts.map(() => '..');
  return within.throughLink ? [label.replace(/[\\/]+$/, ''), ...up].join('/') : path.join(label, ...up);
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
