import { closeSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';

/**
 * Reads a whole local file; the result is a view of space kept from one file to the next,
 * valid until the reader's next call.
 */
export type KeptReader = (path: string) => Buffer;

/** The most space kept (`keptSpace`): a larger file gets a buffer of its own, once. */
export const KEEP_BYTES = 32 << 20;

/**
 * Space kept from one use to the next (a file read, a file gunzipped): a buffer of at least
 * `size` bytes, the kept one where it is large enough. A larger size up to `keepBytes` becomes
 * the kept space; one over it gets a buffer of its own, once.
 */
export function keptSpace(keepBytes = KEEP_BYTES): (size: number) => Buffer {
  let kept = Buffer.allocUnsafeSlow(1 << 20);
  return (size) => {
    if (size <= kept.length) return kept;
    const out = Buffer.allocUnsafeSlow(size);
    if (size <= keepBytes) kept = out;
    return out;
  };
}

/**
 * A file reader for a parse worker, which reads thousands of log files one after another.
 * `readFileSync` gave each file a buffer of its own, freed at some later collection: those
 * tens of thousands of short-lived allocations fragmented each worker thread's malloc arena,
 * which grew with the number of files read (18-19 MB per worker at half the bench's month,
 * 26-34 MB at double) and never shrank. Reading into kept space, the arenas stay small: the
 * report's peak RSS went from 147 / 174 / 197 to 124 / 139 / 163 MB at half, single and
 * double size (medians of 3 alternating runs), the bench floor's from 153 to 89 MB at
 * single size, at no cost in time.
 *
 * Anything but a regular file (a FIFO, a device, a folder: its size says nothing) is read
 * by `readFileSync`, with its errors. `keepBytes` (tests): the most space kept.
 */
export function keptReader(keepBytes = KEEP_BYTES): KeptReader {
  const space = keptSpace(keepBytes);
  return (path) => {
    const fd = openSync(path, 'r');
    try {
      const stat = fstatSync(fd);
      if (!stat.isFile()) return readFileSync(fd);
      const size = stat.size;
      const out = space(size);
      // As `readFileSync`: the size at open; a file that shrank meanwhile gives what is left.
      let read = 0;
      while (read < size) {
        const n = readSync(fd, out, read, size - read, read);
        if (n === 0) break;
        read += n;
      }
      return out.subarray(0, read);
    } finally {
      closeSync(fd);
    }
  };
}
