import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEEP_BYTES, keptReader } from '../../src/collect/read-kept.js';
import { createParsePool } from '../../src/collect/pool.js';
import { parseLogBytes } from '../../src/collect/parse-log.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'iot-audit-kept-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A plain-text log of `n` IoT records, ~150 bytes each. */
const plainLog = (n: number) =>
  Buffer.from(JSON.stringify({ Records: Array.from({ length: n }, (_, i) => ({ eventVersion: '1.09', eventSource: 'iot.amazonaws.com', eventName: 'CreateThing', eventTime: '2026-10-05T10:00:00Z', eventID: `e-${n}-${i}` })) }));

/**
 * `size` bytes that do not repeat along the file (each byte mixes its offset's low, middle
 * and high bits), so a part read to the wrong place shows.
 */
function patterned(size: number, seed: number): Buffer {
  const bytes = Buffer.allocUnsafe(size);
  for (let i = 0; i < size; i++) bytes[i] = (i ^ (i >>> 8) ^ (i >>> 16) ^ (i >>> 24) ^ seed) & 0xff;
  return bytes;
}

/** The error message, or the bytes in hex: what a reader of the file gets. */
function outcome(read: () => Buffer): { hex: string } | { error: string } {
  try {
    return { hex: read().toString('hex') };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

describe('keptReader', () => {
  it('gives each file whole, larger than its space and then smaller, as readFileSync does', async () => {
    // 3 MB (beyond the first MB kept), then a small one, then one in between, then an empty one.
    const files = [plainLog(20_000), gzipSync(plainLog(3)), plainLog(2_000), Buffer.alloc(0)];
    const paths = await Promise.all(files.map(async (bytes, i) => {
      const file = path.join(dir, `log-${i}.json`);
      await writeFile(file, bytes);
      return file;
    }));
    const read = keptReader();
    for (const [i, file] of paths.entries()) expect(read(file).equals(files[i] as Buffer), file).toBe(true);
  });

  it('reads a file over the kept space into a buffer of its own, once, and goes back to the kept space', async () => {
    const MB = 1 << 20;
    const sizes = [1.5 * MB, 3 * MB, 1 * MB, 3 * MB, 0.5 * MB];
    const files = sizes.map((size, i) => patterned(size, i));
    const paths = await Promise.all(files.map(async (bytes, i) => {
      const file = path.join(dir, `kept-${i}.bin`);
      await writeFile(file, bytes);
      return file;
    }));
    const read = keptReader(2 * MB);
    const views = paths.map((file, i) => {
      const view = read(file);
      expect(view.equals(files[i] as Buffer), file).toBe(true);
      return view;
    });
    // The 1.5 MB file grew the kept space; the 3 MB files, over the 2 MB kept at most, each got
    // their own buffer; the smaller files after them were read into the 1.5 MB space again.
    const [first, big1, small1, big2, small2] = views.map((v) => v.buffer);
    // (Compared as booleans: a failed toBe would print megabytes.)
    expect(first?.byteLength).toBe(1.5 * MB);
    expect({ small1: small1 === first, small2: small2 === first, big1: big1 === first, big2: big2 === big1 }).toStrictEqual({
      small1: true,
      small2: true,
      big1: false,
      big2: false,
    });
    expect(big1?.byteLength).toBe(3 * MB);
  });

  it('reads a file over the default kept space (32 MB) whole', async () => {
    const big = patterned(KEEP_BYTES + 4096, 7);
    const file = path.join(dir, 'over-kept.bin');
    await writeFile(file, big);
    const small = path.join(dir, 'under-kept.bin');
    await writeFile(small, 'after');
    const read = keptReader();
    const before = read(small).buffer;
    const view = read(file);
    expect(view.length).toBe(big.length);
    expect(view.equals(big)).toBe(true);
    expect(read(small).buffer === before).toBe(true);
    await rm(file);
  });

  it('fails as readFileSync does on a missing file and on a folder', () => {
    const read = keptReader();
    for (const target of [path.join(dir, 'missing.json.gz'), dir]) {
      expect(outcome(() => read(target))).toStrictEqual(outcome(() => readFileSync(target)));
      expect(outcome(() => read(target))).toHaveProperty('error');
    }
  });

  it('lets a parse worker read file after file of different sizes, each parsed whole', async () => {
    const files = [plainLog(20_000), gzipSync(plainLog(5)), plainLog(700), gzipSync(plainLog(40_000)), plainLog(1)];
    const paths = await Promise.all(files.map(async (bytes, i) => {
      const file = path.join(dir, `worker-${i}.json`);
      await writeFile(file, bytes);
      return file;
    }));
    // One worker: every file lands in the same kept space, one after the other.
    const pool = createParsePool({ threads: 1 });
    try {
      const parsed = await Promise.all(paths.map((file) => pool.parseFile(file)));
      const expected = await Promise.all(paths.map(async (file) => {
        const bytes = await readFile(file);
        return { ...parseLogBytes(bytes), storedBytes: bytes.length };
      }));
      expect(parsed).toStrictEqual(expected);
      expect(parsed.map((p) => p.recordCount)).toStrictEqual([20_000, 5, 700, 40_000, 1]);
    } finally {
      await pool.close();
    }
  });
});
