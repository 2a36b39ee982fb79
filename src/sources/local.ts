import { readFileSync, readdirSync } from 'node:fs';
import { opendir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { ObjectStore, StoredObject } from '../types.js';

/** Sidecar files that carry S3 metadata saved by a sync step (see `metadata`). */
const SIGNATURE_SIDECAR = '.sig';

/**
 * A local folder seen as a bucket: keys are paths relative to the folder, with `/`.
 * A folder marker cannot exist on disk, so folders are only ever prefixes.
 */
export class LocalStore implements ObjectStore {
  readonly kind = 'local' as const;
  readonly rootPrefix = '';

  constructor(
    readonly root: string,
    readonly label: string = root,
  ) {}

  private abs(key: string): string {
    return path.join(this.root, ...key.split('/').filter(Boolean));
  }

  async listChildren(prefix: string): Promise<{ prefixes: string[]; objects: StoredObject[] }> {
    const prefixes: string[] = [];
    const objects: StoredObject[] = [];
    let entries;
    try {
      // Synchronous on purpose: one folder's listing takes microseconds, and the promise
      // version costs about three times the CPU (a month is thousands of day folders, read
      // while the parse workers need every core).
      entries = readdirSync(this.abs(prefix), { withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ENOTDIR') {
        return { prefixes, objects };
      }
      throw error;
    }
    for (const entry of entries) {
      if (entry.isDirectory()) prefixes.push(`${prefix}${entry.name}/`);
      else if (entry.isFile()) objects.push({ key: `${prefix}${entry.name}` });
    }
    prefixes.sort();
    objects.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    return { prefixes, objects };
  }

  async *listAll(prefix: string): AsyncIterable<StoredObject> {
    const dir = this.abs(prefix);
    let handle;
    try {
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
    }
    for (const sub of subdirs.sort()) yield* this.listAll(sub);
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
