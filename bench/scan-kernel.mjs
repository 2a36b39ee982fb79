#!/usr/bin/env node
// Throughput of the scan kernels alone (`scanKernels` in src/cloudtrail/scan.ts: the
// WebAssembly kernel and the native ones, native/, when built), in GB/s of decompressed log text.
// Reads ~2000 log files spread over the tree, gunzips them into memory once, then times
// each kernel from dist/ (run `npm run build` first) over all of them, several rounds,
// and prints the best and the median round.
//
//   node bench/scan-kernel.mjs [tree] [--files 2000] [--rounds 6] [--against other/scan-kernel.js]
//
// The tree defaults to .bench-cache/scale-1/trail (`npm run bench` generates it).
// --against times another build of the kernel (a copy of dist/cloudtrail/ from before a
// change, say) in the same process, rounds alternating: on a shared machine only such an
// interleaved comparison says much.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { listLogFiles } from './floor.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const option = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const optionValues = new Set(['--files', '--rounds', '--against'].flatMap((name) => (args.includes(name) ? [args[args.indexOf(name) + 1]] : [])));
const tree = args.find((arg) => !arg.startsWith('--') && !optionValues.has(arg)) ?? path.join(ROOT, '.bench-cache', 'scale-1', 'trail');
const fileCount = Number(option('--files', 2000));
const rounds = Number(option('--rounds', 6));
const against = option('--against', null);

// Gunzipped as the tool does it (by content, one buffer per file), from dist/ like the kernel.
const { gunzipLog, isGzip } = await import(pathToFileURL(path.join(ROOT, 'dist', 'collect', 'parse-log.js')).href);
// An older build names its (WebAssembly) kernel runScanKernel.
const load = async (file) => {
  const kernel = await import(pathToFileURL(path.resolve(file)).href);
  return kernel.runWasmKernel ?? kernel.runScanKernel;
};
const { scanKernels } = await import(pathToFileURL(path.join(ROOT, 'dist', 'cloudtrail', 'scan.js')).href);
const kernels = scanKernels().map(({ name, run }) => [name, run]);
if (against) kernels.push([against, await load(against)]);

const all = await listLogFiles(tree);
if (all.length === 0) throw new Error(`no log files under ${tree}`);
const step = Math.max(1, Math.floor(all.length / fileCount));
const texts = all
  .filter((_, i) => i % step === 0)
  .slice(0, fileCount)
  .map((file) => {
    const raw = readFileSync(file);
    return isGzip(raw) ? gunzipLog(raw) : raw;
  });
const bytes = texts.reduce((sum, text) => sum + text.length, 0);
console.log(`${texts.length} files, ${(bytes / 1e6).toFixed(0)} MB decompressed, ${rounds} rounds`);

// Rounds go over chunks of files, the kernels taking turns on each chunk; "best" adds up
// each chunk's best time over the rounds, which sheds most of what other processes cost.
const CHUNK = 50;
const chunks = Array.from({ length: Math.ceil(texts.length / CHUNK) }, (_, c) => texts.slice(c * CHUNK, (c + 1) * CHUNK));
const best = kernels.map(() => chunks.map(() => Infinity));
const roundTimes = kernels.map(() => []);
const notOk = kernels.map(() => 0);
for (let round = 0; round < rounds; round++) {
  const roundTime = kernels.map(() => 0);
  chunks.forEach((chunk, c) => {
    const order = (round + c) % 2 === 0 ? [...kernels.keys()] : [...kernels.keys()].reverse();
    for (const k of order) {
      const run = kernels[k][1];
      const started = performance.now();
      for (const text of chunk) if (run(text).status !== 0 && round === 0) notOk[k]++;
      const seconds = (performance.now() - started) / 1000;
      best[k][c] = Math.min(best[k][c], seconds);
      roundTime[k] += seconds;
    }
  });
  roundTime.forEach((seconds, k) => roundTimes[k].push(seconds));
}
const gbps = (seconds) => (bytes / seconds / 1e9).toFixed(2);
const bestTimes = best.map((list) => list.reduce((sum, seconds) => sum + seconds, 0));
kernels.forEach(([name], k) => {
  const sorted = [...roundTimes[k]].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  console.log(`${name}: best ${gbps(bestTimes[k])} GB/s, median round ${gbps(median)} GB/s${notOk[k] ? ` (${notOk[k]} files not OK: broken or not compact)` : ''}`);
});
for (let k = 1; k < kernels.length; k++) console.log(`${kernels[0][0]} / ${kernels[k][0]}: ${(bestTimes[k] / bestTimes[0]).toFixed(3)}x`);
