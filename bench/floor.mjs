#!/usr/bin/env node
// The floor of the benchmark: read and gunzip every log file under a tree, with the
// parallelism the tool uses (one worker thread per core, each reading its files
// itself), and nothing else. The report's cost is compared to this. It gunzips with
// Node's zlib, as the tool does without libdeflate, or (--libdeflate) with the tool's
// libdeflate gunzip; both from dist/ (`npm run build` first; `npm run bench` builds).
//   node bench/floor.mjs <tree> [--threads N] [--libdeflate]
import { readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';

/**
 * The gunzips the tool uses: Node's zlib into one output buffer of the size the gzip
 * trailer records, given back at once where Node can; libdeflate into space kept from
 * file to file. A fair floor decompresses as well as the tool does, so it takes the
 * tool's own functions rather than a copy that could drift.
 */
const { isGzip, releaseBuffer } = await import(new URL('../dist/collect/parse-log.js', import.meta.url).href);
const { defaultGunzipPath, gunzipWith, hasNativeGunzip, nativeGunzipper } = await import(new URL('../dist/collect/gunzip-native.js', import.meta.url).href);
/** And the tool's reading: each file into space kept from file to file, as its workers read. */
const { keptReader } = await import(new URL('../dist/collect/read-kept.js', import.meta.url).href);

/** Log files only, as the tool reads them (digests and other objects are not logs). */
export function isLogFile(file) {
  return /\.json(\.gz)?$/.test(file) && !file.includes(`${path.sep}CloudTrail-Digest${path.sep}`);
}

/**
 * Every log file under `root`, sorted. Synchronous: a walk with one `opendir` iterator per
 * folder took ~250 ms for the 15,000 files of scale 1, against ~50 ms here, and the floor
 * must not pay for a slow listing (the report lists only the day folders it needs, while
 * its workers read).
 */
export async function listLogFiles(root) {
  const out = [];
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile() && isLogFile(full)) out.push(full);
    }
  };
  walk(root);
  return out.sort();
}

/**
 * Reads and gunzips `files` (or every log file under `root`) on `threads` worker threads.
 * `files` may be a function giving the list: it then runs while the workers start, as the
 * report lists while its workers start. Returns the wall time (listing included, as the
 * report's is), bytes and throughput. `gunzip: 'libdeflate'` gunzips as the tool does
 * where its addon has libdeflate (an error without it); `scan: true` runs the tool's own
 * worker code on each file instead (its gunzip + scan).
 */
export async function measureFloor({ root, files, threads = os.availableParallelism(), scan = false, gunzip = 'zlib' } = {}) {
  if (gunzip === 'libdeflate' && !hasNativeGunzip()) throw new Error('the native addon has no libdeflate gunzip here (npm install with libdeflate-dev)');
  const started = performance.now();
  const workers = Array.from({ length: Math.max(1, threads) }, () => new Worker(fileURLToPath(import.meta.url), { workerData: { scan, gunzip } }));
  const listStarted = performance.now();
  const list = typeof files === 'function' ? await files() : (files ?? (await listLogFiles(root)));
  const listSeconds = (performance.now() - listStarted) / 1000;
  const totals = { files: list.length, compressedBytes: 0, uncompressedBytes: 0, unreadable: 0 };
  const batch = 32;
  let next = 0;
  await Promise.all(
    workers.map((worker) =>
      new Promise((resolve, reject) => {
        const feed = () => {
          if (next >= list.length) {
            worker.postMessage(null);
            return;
          }
          worker.postMessage(list.slice(next, next + batch));
          next += batch;
        };
        worker.on('message', (m) => {
          totals.compressedBytes += m.compressedBytes;
          totals.uncompressedBytes += m.uncompressedBytes;
          totals.unreadable += m.unreadable;
          feed();
        });
        worker.on('error', reject);
        worker.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`floor worker exited with ${code}`))));
        feed();
      }),
    ),
  );
  const seconds = (performance.now() - started) / 1000;
  return {
    ...totals,
    threads,
    scan,
    // With `scan`, the tool's worker code gunzips its own way.
    gunzip: scan ? defaultGunzipPath() : gunzip,
    listSeconds,
    seconds,
    mbPerSecond: totals.uncompressedBytes / 1e6 / seconds,
  };
}

async function workerMain() {
  const { scan, gunzip } = workerData;
  // libdeflate when asked, else (and for the files it leaves) Node's zlib, as the tool does.
  const fast = gunzip === 'libdeflate' ? nativeGunzipper(true) : null;
  // With `scan`, each file also goes through the tool's own worker code (dist/, `npm run
  // build` first): gunzip + scan, what the report's workers do, without the rest of the report.
  const parseLogFast = scan ? (await import(new URL('../dist/collect/parse-fast.js', import.meta.url).href)).parseLogFast : null;
  const readLog = keptReader();
  parentPort.on('message', (batch) => {
    if (batch === null) {
      parentPort.close();
      return;
    }
    const out = { compressedBytes: 0, uncompressedBytes: 0, unreadable: 0 };
    for (const file of batch) {
      const bytes = readLog(file);
      out.compressedBytes += bytes.length;
      if (parseLogFast !== null) {
        const parsed = parseLogFast(bytes);
        out.uncompressedBytes += parsed.uncompressedBytes;
        if (parsed.error !== null) out.unreadable++;
        continue;
      }
      try {
        if (isGzip(bytes)) {
          const { raw, reused } = gunzipWith(fast, bytes);
          out.uncompressedBytes += raw.length;
          if (!reused) releaseBuffer(raw);
        } else {
          out.uncompressedBytes += bytes.length;
        }
      } catch {
        out.unreadable++;
      }
    }
    parentPort.postMessage(out);
  });
}

if (!isMainThread) {
  await workerMain();
} else if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const root = args.find((a) => !a.startsWith('--'));
  const t = args.indexOf('--threads');
  if (!root) {
    console.error('usage: node bench/floor.mjs <tree> [--threads N] [--libdeflate]');
    process.exitCode = 2;
  } else {
    const r = await measureFloor({ root, threads: t >= 0 ? Number(args[t + 1]) : undefined, gunzip: args.includes('--libdeflate') ? 'libdeflate' : 'zlib' });
    console.log(
      `floor (${r.gunzip}): ${r.files} files, ${(r.uncompressedBytes / 1e9).toFixed(2)} GB uncompressed, ${r.seconds.toFixed(2)} s on ${r.threads} threads ` +
        `(${r.mbPerSecond.toFixed(0)} MB/s; listing ${r.listSeconds.toFixed(2)} s; ${r.unreadable} unreadable)`,
    );
  }
}
