import { spawnSync } from 'node:child_process';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createParsePool, type ParsePool } from '../../src/collect/pool.js';
import { parseLogBytes } from '../../src/collect/parse-log.js';
import { TOO_DEEP } from '../../src/cloudtrail/normalize.js';

const iot = (n: number) => ({ eventVersion: '1.09', eventSource: 'iot.amazonaws.com', eventName: 'CreateThing', eventTime: '2026-10-05T10:00:00Z', eventID: `iot-${n}` });
const other = (n: number) => ({ eventVersion: '1.09', eventSource: 'sts.amazonaws.com', eventName: 'AssumeRole', sourceIPAddress: 'iot.amazonaws.com', eventID: `sts-${n}` });

/** A log with `n` records, every third one IoT: each file tells its own count. */
function log(n: number): Buffer {
  return gzipSync(JSON.stringify({ Records: Array.from({ length: n }, (_, i) => (i % 3 === 0 ? iot(i) : other(i))) }));
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'iot-audit-pool-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('createParsePool (workers from TypeScript source)', () => {
  let pool: ParsePool;
  beforeAll(() => {
    pool = createParsePool({ threads: 2 });
  });
  afterAll(async () => {
    await pool.close();
  });

  it('parses on workers exactly as parseLogBytes does, for every kind of file', async () => {
    const inputs = [log(10), log(0), Buffer.from('{"Records":[]}'), gzipSync('{"Records":['), Buffer.from([0x1f, 0x8b, 1, 2]), Buffer.from('x')];
    const expected = inputs.map((b) => parseLogBytes(Buffer.from(b)));
    expect(await Promise.all(inputs.map((b) => pool.parse(b)))).toStrictEqual(expected);
  });

  it('keeps each result with its file under load, across both workers', async () => {
    const sizes = Array.from({ length: 60 }, (_, i) => 1 + ((i * 7) % 23));
    const results = await Promise.all(sizes.map((n) => pool.parse(log(n))));
    expect(results.map((r) => r.recordCount)).toStrictEqual(sizes);
    expect(results.map((r) => r.records.map((x) => x.eventId))).toStrictEqual(sizes.map((n) => Array.from({ length: Math.ceil(n / 3) }, (_, k) => `iot-${3 * k}`)));
  });

  it('answers for a record nested thousands of levels deep, cut to what the main thread can read', async () => {
    // Past ~1,900 levels the main thread cannot read a worker's answer back (its stack is smaller).
    const deep = `${'['.repeat(3000)}1${']'.repeat(3000)}`;
    const text = `{"Records":[${JSON.stringify(iot(0)).replace(/}$/, `,"requestParameters":{"x":${deep}}}`)},${JSON.stringify(iot(3))}]}`;
    const parsed = await pool.parse(gzipSync(text));
    expect(parsed.records.map((r) => r.eventId)).toStrictEqual(['iot-0', 'iot-3']);
    expect(JSON.stringify(parsed.records[0]!.requestParameters)).toContain(TOO_DEEP);
  });

  it('transfers bytes that own their memory and copies pooled ones', async () => {
    const ownedCopy = log(4);
    const owned = Buffer.alloc(ownedCopy.length); // its own ArrayBuffer
    ownedCopy.copy(owned);
    expect(owned.byteLength).toBe(owned.buffer.byteLength);
    const pooled = Buffer.from('{"Records":[]}'); // small: a slice of Node's shared pool
    expect(pooled.byteLength).toBeLessThan(pooled.buffer.byteLength);
    const [a, b] = await Promise.all([pool.parse(owned), pool.parse(pooled)]);
    expect(owned.length).toBe(0); // moved to the worker, not copied
    expect(pooled.toString()).toBe('{"Records":[]}');
    expect(a).toStrictEqual(parseLogBytes(ownedCopy));
    expect(b.recordCount).toBe(0);
  });

  it('reads local files on the worker, and a missing file rejects with its code', async () => {
    const file = path.join(dir, 'a.json.gz');
    await writeFile(file, log(7));
    const bytes = await readFile(file);
    // Same result as the plain path, plus the stored size the worker read.
    expect(await pool.parseFile(file)).toStrictEqual({ ...parseLogBytes(bytes), storedBytes: bytes.length });
    await expect(pool.parseFile(path.join(dir, 'missing.json.gz'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

describe('createParsePool failures', () => {
  /** A worker that crashes, hangs or answers, as told by the path it gets. */
  let workerFile: URL;
  beforeAll(async () => {
    const file = path.join(dir, 'fake-worker.mjs');
    await writeFile(
      file,
      `import { parentPort } from 'node:worker_threads';
parentPort.on('message', ({ tasks }) => {
  const results = [];
  for (const task of tasks) {
    if (task.bytes) {
      if (task.bytes[0] === 0x63) process.exit(3);
      results.push({ id: task.id, parsed: { recordCount: task.bytes.length, records: [], uncompressedBytes: 0, error: null } });
      continue;
    }
    if (task.path === 'crash') process.exit(3);
    if (task.path === 'throw') throw new Error('boom');
    if (task.path === 'hang') for (;;);
    if (task.path === 'deep') {
      // An answer this worker can write and the main thread, with its smaller stack, cannot read.
      let deep = null;
      for (let i = 0; i < 5000; i++) deep = [deep];
      results.push({ id: task.id, parsed: { recordCount: 0, records: [], uncompressedBytes: 0, error: null, deep } });
      continue;
    }
    results.push({ id: task.id, parsed: { recordCount: Number(task.path), records: [], uncompressedBytes: 0, error: null } });
  }
  parentPort.postMessage({ results });
});
`,
    );
    workerFile = pathToFileURL(file);
  });

  it('a crash fails that task only; the pool starts a new worker and goes on', async () => {
    const pool = createParsePool({ threads: 1, workerFile });
    const results = await Promise.allSettled(['1', 'crash', '2', 'throw', '3'].map((p) => pool.parseFile(p)));
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value.recordCount : (r.reason as Error).message))).toStrictEqual([
      1,
      'parse worker stopped (exit code 3)',
      2,
      'parse worker stopped (exit code 1: boom)',
      3,
    ]);
    await pool.close();
  });

  it('a crash on transferred bytes fails that file only', async () => {
    const pool = createParsePool({ threads: 1, workerFile });
    const results = await Promise.allSettled(['ok', 'crash', 'fine!', 'crash', 'x'].map((text) => pool.parse(Buffer.from(text))));
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value.recordCount : (r.reason as Error).message))).toStrictEqual([
      2,
      'parse worker stopped (exit code 3)',
      5,
      'parse worker stopped (exit code 3)',
      1,
    ]);
    await pool.close();
  });

  it('a task that never ends times out instead of hanging the run', async () => {
    const pool = createParsePool({ threads: 2, workerFile, taskTimeoutMs: 300 });
    const results = await Promise.allSettled(['hang', '4', '5'].map((p) => pool.parseFile(p)));
    expect(results[0]).toMatchObject({ status: 'rejected', reason: { message: 'parse worker took longer than 0.3 s' } });
    expect(results.slice(1).map((r) => (r.status === 'fulfilled' ? r.value.recordCount : null))).toStrictEqual([4, 5]);
    await pool.close();
  });

  it('an answer that cannot be read fails its file only, and no file takes the answer of another', async () => {
    const pool = createParsePool({ threads: 1, workerFile });
    const results = await Promise.allSettled(['1', 'deep', '2', '3'].map((p) => pool.parseFile(p)));
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value.recordCount : (r.reason as Error).message.replace(/ \(.*\)$/, '')))).toStrictEqual([
      1,
      "the parse worker's answer could not be read",
      2,
      3,
    ]);
    // The files after it are still answered with their own results.
    expect((await Promise.all(['4', '5'].map((p) => pool.parseFile(p)))).map((r) => r.recordCount)).toStrictEqual([4, 5]);
    await pool.close();
  });

  it('close waits for queued work, then refuses more', async () => {
    const pool = createParsePool({ threads: 1, workerFile });
    const pending = ['6', '7', '8'].map((p) => pool.parseFile(p));
    await pool.close();
    expect((await Promise.all(pending)).map((r) => r.recordCount)).toStrictEqual([6, 7, 8]);
    await expect(pool.parseFile('9')).rejects.toThrow('closed');
  });
});

describe('createParsePool from compiled JavaScript', () => {
  /** Transpiles the pool and what it imports into a folder, as `npm run build` lays out dist/. */
  async function compile(into: string): Promise<string> {
    const src = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src');
    const seen = new Set<string>();
    const visit = async (file: string): Promise<void> => {
      if (seen.has(file)) return;
      seen.add(file);
      const source = await readFile(file, 'utf8');
      const out = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
      const target = path.join(into, path.relative(src, file)).replace(/\.ts$/, '.js');
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(target, out);
      for (const m of source.matchAll(/from '(\.{1,2}\/[^']+)\.js'/g)) await visit(path.resolve(path.dirname(file), `${m[1]}.ts`));
    };
    await visit(path.join(src, 'collect/pool.ts'));
    await visit(path.join(src, 'collect/parse-worker.ts'));
    // the compiled tree is an ES module package, as the repository is
    await writeFile(path.join(into, 'package.json'), '{"type":"module"}');
    return path.join(into, 'collect/pool.js');
  }

  let poolJs: string;
  beforeAll(async () => {
    poolJs = await compile(path.join(dir, 'dist'));
  });

  it('finds parse-worker.js beside pool.js and parses', async () => {
    const { createParsePool: create } = (await import(pathToFileURL(poolJs).href)) as typeof import('../../src/collect/pool.js');
    const pool = create({ threads: 1 });
    const bytes = log(9);
    expect(await pool.parse(Buffer.from(bytes))).toStrictEqual(parseLogBytes(bytes));
    await pool.close();
  });

  it('close() finishes in a process with nothing else to wait for, and idle workers never hold it', async () => {
    const file = path.join(dir, 'b.json.gz');
    await writeFile(file, log(5));
    const script = (close: boolean) => `
      const { createParsePool } = await import(${JSON.stringify(pathToFileURL(poolJs).href)});
      const pool = createParsePool({ threads: 2 });
      const results = await Promise.all([1, 2, 3, 4].map(() => pool.parseFile(${JSON.stringify(file)})));
      console.log(results.map((r) => r.recordCount).join(','));
      ${close ? "await pool.close(); console.log('closed');" : ''}`;
    for (const close of [true, false]) {
      const run = spawnSync(process.execPath, ['--input-type=module', '-e', script(close)], { encoding: 'utf8', timeout: 30_000 });
      expect({ status: run.status, stdout: run.stdout.trim(), stderr: run.stderr }).toStrictEqual({ status: 0, stdout: close ? '5,5,5,5\nclosed' : '5,5,5,5', stderr: '' });
    }
  });
});
