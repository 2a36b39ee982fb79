import type { LogContentHash, ObjectStore } from '../types.js';
import type { KnownContent } from './log-files.js';

/**
 * Content hashes each hold ~335 bytes (key, hash, size; measured with a Map of 200,000):
 * at most this many are kept, ~100 MB. Past it, the integrity check reads the files it
 * finds no hash for again, rather than memory grow with the month.
 */
const CAPACITY = 300_000;

/**
 * The log files' content hashes, from the report's read (its parse workers hash each file
 * they read, `--verify`) to the integrity check that follows it, so that no log file is read
 * and inflated twice. Each hash is handed over once, then let go.
 *
 * The check runs after the read, not beside it: on two cores its main-thread work (reading
 * and checking a month's digests) slowed the read by as much as it took, even given a turn
 * of the event loop every 2 ms (scale 1 of the bench: read + check 3.9-4.4 s beside each
 * other, 2.2 + 1.8 s one after the other).
 */
export class ContentHashes {
  private readonly held = new Map<ObjectStore, Map<string, KnownContent>>();
  private count = 0;

  constructor(private readonly capacity = CAPACITY) {}

  /** Whether another hash would be kept (the read asks its workers for hashes only then). */
  get wanted(): boolean {
    return this.count < this.capacity;
  }

  add(store: ObjectStore, key: string, content: LogContentHash, storedBytes: number): void {
    if (!this.wanted) return;
    let byKey = this.held.get(store);
    if (byKey === undefined) this.held.set(store, (byKey = new Map()));
    if (!byKey.has(key)) this.count++;
    byKey.set(key, { ...content, storedBytes });
  }

  /** The file's hash, once; undefined when the read did not hash it. */
  take(store: ObjectStore, key: string): KnownContent | undefined {
    const byKey = this.held.get(store);
    const known = byKey?.get(key);
    if (known !== undefined) {
      byKey!.delete(key);
      this.count--;
    }
    return known;
  }
}
