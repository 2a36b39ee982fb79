#!/usr/bin/env node
// `npm run bench`: speed and memory of `iot-audit report` at organization scale.
//
// For each scale (default 0.5, 1, 2; scale 1 = ~15,300 log files, ~1.9 million records,
// ~2 GB uncompressed) it generates the tree once (cached, bench/generate.mjs), then
// measures, each in its own process and in the same run:
//   (a) floor: read + gunzip (Node's zlib) every log file the report reads, same parallelism
//   (a') the same with the tool's libdeflate gunzip (where the native addon has it)
//   (b) iot-audit report --format json,html
//   (b') the same with Node's zlib (IOT_AUDIT_GUNZIP=zlib), where (b) has libdeflate: like for like with (a)
//   (c) iot-audit report --format json,html,pdf
//   (d) report --verify, (e) verify, over the same tree signed as CloudTrail signs
// and prints wall time, records/s, MB/s of uncompressed input, peak RSS and each run ÷ (a) and ÷ (a').
// With scales 1 and 2: (b) again on the scale-2 logs with half the IoT share, as many IoT
// events as scale 1 has: whether memory follows the input or the IoT events kept.
// Then the PDF bound: a report of 100,000 IoT events (bench/iot-heavy.mjs) in every format,
// its PDF render time from the report's own phase timings, the median of three runs (three
// runs in a row on a quiet machine gave 9.1, 7.7 and 5.9 s), and the run's peak RSS: where
// IoT events are the bulk, every output must stay streamed (until 2026-11-25 the events CSV
// was one string, and that month's CSV alone peaked at 816 MB). And that month with every event
// delivered twice (read through two sources), against once. Results go to bench/RESULTS.md.
//
//   node bench/run.mjs [--scales 0.5,1,2] [--repeats 5] [--quick] [--no-write]
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { IOT_SHARE, benchDir } from './generate.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const option = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);

// --- child mode: the floor over exactly the day folders the report reads ---------------
if (flag('--floor')) {
  const tree = option('--floor');
  const { listLogFiles, measureFloor } = await import('./floor.mjs');
  // October 2026 UTC plus one late day: the folders `report --period 2026-10` reads.
  const wanted = /\/CloudTrail\/[^/]+\/2026\/(10\/\d\d|11\/01)\//;
  const files = async () => (await listLogFiles(tree)).filter((f) => wanted.test(f.split(path.sep).join('/')));
  // --scan: the same pass through the report's worker code (gunzip + scan), a diagnostic.
  const result = await measureFloor({ files, scan: flag('--scan'), gunzip: flag('--libdeflate') ? 'libdeflate' : 'zlib' });
  process.stdout.write(`${JSON.stringify(result)}\n`);
  process.exit(0);
}

const scales = flag('--quick') ? [0.1] : option('--scales', '0.5,1,2').split(',').map(Number);
const heavyEvents = flag('--quick') ? 10_000 : 100_000;

/** Runs a command, measuring its wall time and (through bench/rss-probe.mjs) its peak RSS; other exit codes fail. */
function measure(argv, env = {}, exitCodes = [0]) {
  const rssFile = path.join(mkdtempSync(path.join(os.tmpdir(), 'iot-audit-rss-')), 'rss');
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, ['--import', path.join(ROOT, 'bench/rss-probe.mjs'), ...argv], {
      cwd: ROOT,
      env: { ...process.env, CI: 'true', IOT_AUDIT_RSS_OUT: rssFile, IOT_AUDIT_TIMINGS: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const seconds = (performance.now() - started) / 1000;
      if (!exitCodes.includes(code)) return reject(new Error(`${argv.join(' ')} exited ${code}:\n${stderr}`));
      const timings = Object.fromEntries([...stderr.matchAll(/^timing (\S+) (\d+)\b/gm)].map((m) => [m[1], Number(m[2])]));
      resolve({ seconds, rss: Number(readFileSync(rssFile, 'utf8')), stdout, timings });
    });
  });
}

function report(tree, accounts, formats, out, extra = [], env = {}) {
  return measure(['bin/run.js', 'report', '--source', tree, '--accounts-file', accounts, '--period', '2026-10', '--no-organization', '--format', formats, '--out', out, '--json', ...extra], env);
}

/** The integrity runs (report --verify, verify) are not in the ratio target: fewer of them. */
const VERIFY_REPEATS = 3;

const mb = (bytes) => bytes / 1e6;
const REPEATS = Number(option('--repeats', flag('--quick') ? '1' : '5'));
/** The run with the median wall time (the middle one of an odd count). */
const median = (runs) => [...runs].sort((x, y) => x.seconds - y.seconds)[Math.floor((runs.length - 1) / 2)];
/** The median of the runs' peak RSS (not the median run's). */
const rssMedian = (runs) => runs.map((x) => x.rss).sort((x, y) => x - y)[Math.floor((runs.length - 1) / 2)];
const fmt = (n, digits = 1) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

execFileSync(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'inherit' });
// The libdeflate floor needs the addon's gunzip (the report then uses it too, unless IOT_AUDIT_GUNZIP=zlib).
const { defaultGunzipPath } = await import(new URL('../dist/collect/gunzip-native.js', import.meta.url).href);
const withLibdeflate = defaultGunzipPath() === 'libdeflate';
// The CLI as users run it: with the command manifest `npm run build` writes.
execFileSync(process.execPath, [path.join(ROOT, 'scripts/oclif-manifest.mjs')], { cwd: ROOT, stdio: 'inherit' });

const rows = [];
for (const scale of scales) {
  process.stderr.write(`scale ${scale}: generating (cached)...\n`);
  execFileSync(process.execPath, ['bench/generate.mjs', '--scale', String(scale)], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  const dir = benchDir(scale);
  const tree = path.join(dir, 'trail');
  const accounts = path.join(dir, 'accounts.json');
  const out = mkdtempSync(path.join(os.tmpdir(), 'iot-audit-bench-'));

  // A first pass warms the page cache, so every measured run reads the same warm files.
  process.stderr.write(`scale ${scale}: warm-up...\n`);
  await measure(['bench/run.mjs', '--floor', tree]);
  // (a) and (b) alternate, REPEATS times each, so both see the same machine; the median
  // run of each is reported (single runs on a shared 2-core machine swing by 20% or more).
  const floorRuns = [];
  const libdeflateRuns = [];
  const scanRuns = [];
  const bRuns = [];
  const bZlibRuns = [];
  // The order turns around every other round (floor, scan, report; report, scan, floor):
  // on this machine a run's place in a sequence moved it by up to ~7%.
  const runs = [
    ['floor', () => measure(['bench/run.mjs', '--floor', tree]), floorRuns],
    ...(withLibdeflate ? [['floor, libdeflate', () => measure(['bench/run.mjs', '--floor', tree, '--libdeflate']), libdeflateRuns]] : []),
    // Not in the table: how much of (b) - (a) the workers' scan alone accounts for.
    ['floor + scan', () => measure(['bench/run.mjs', '--floor', tree, '--scan']), scanRuns],
    ['report json,html', () => report(tree, accounts, 'json,html', out), bRuns],
    // (b') the report with the floor's own gunzip (a): the like-for-like ratio against (a).
    ...(withLibdeflate ? [["report json,html, Node's zlib", () => report(tree, accounts, 'json,html', out, [], { IOT_AUDIT_GUNZIP: 'zlib' }), bZlibRuns]] : []),
  ];
  for (let k = 0; k < REPEATS; k++) {
    for (const [name, run, into] of k % 2 === 0 ? runs : [...runs].reverse()) {
      process.stderr.write(`scale ${scale}: ${name} (${k + 1}/${REPEATS})...\n`);
      into.push(await run());
    }
  }
  // --verify: the tree signed as CloudTrail signs (bench/digests.mjs, cached), one digest an
  // hour per account and region; the report's read then also hashes each log file.
  process.stderr.write(`scale ${scale}: digests (cached)...\n`);
  const { writeDigests } = await import('./digests.mjs');
  const signed = writeDigests(dir);
  const publicKeys = path.join(dir, 'public-keys.json');
  const dRuns = [];
  const eRuns = [];
  const verifyRun = () => measure(['bin/run.js', 'verify', '--source', tree, '--period', '2026-10', '--public-keys', publicKeys, '--json'], {}, [0, 1]);
  // A first pass reads the digests once (the warm-up above read only the log files), and
  // shows that the check did the whole work: every digest valid, only the broken files not.
  const checked = JSON.parse((await verifyRun()).stdout);
  const badDigests = checked.chains.reduce((n, c) => n + c.digestsInvalid + c.digestsMissing + c.digestsUnverified, 0);
  const valid = checked.chains.reduce((n, c) => n + c.logFilesValid, 0);
  if (badDigests > 0 || valid < Object.keys(checked.logFiles).length - 10) throw new Error(`scale ${scale}: the signed tree did not verify (${badDigests} digests not valid, ${valid} log files valid)`);
  for (let k = 0; k < VERIFY_REPEATS; k++) {
    process.stderr.write(`scale ${scale}: report json,html --verify, verify (${k + 1}/${VERIFY_REPEATS})...\n`);
    dRuns.push(await report(tree, accounts, 'json,html', out, ['--verify', '--public-keys', publicKeys]));
    // exit 1: the bench's broken files fail their digest check, as they should
    eRuns.push(await verifyRun());
  }
  const floorRun = median(floorRuns);
  const b = median(bRuns);
  const floor = JSON.parse(floorRun.stdout);
  process.stderr.write(`scale ${scale}: report json,html,pdf...\n`);
  const c = await report(tree, accounts, 'json,html,pdf', out);
  const summary = JSON.parse(b.stdout);
  const model = JSON.parse(readFileSync(path.join(out, 'iot-audit-2026-10.json'), 'utf8'));
  rmSync(out, { recursive: true, force: true });
  rows.push({
    scale,
    files: model.coverage.filesRead,
    records: model.coverage.recordsRead,
    iotEvents: summary.summary.events,
    uncompressedMB: mb(floor.uncompressedBytes),
    floor: floorRun,
    floorRuns,
    libdeflate: libdeflateRuns.length > 0 ? median(libdeflateRuns) : null,
    libdeflateRuns,
    scanRuns,
    bRuns,
    b,
    bZlibRuns,
    bZlib: bZlibRuns.length > 0 ? median(bZlibRuns) : null,
    c,
    d: median(dRuns),
    dRuns,
    e: median(eRuns),
    eRuns,
    signed,
  });
}

// --- memory: twice the logs, the same IoT events ---------------------------------------
// The growth table doubles the IoT events with the logs (the share stays 0.25%). Here the
// scale-2 logs carry half the share: as many IoT events as scale 1, twice its input.
let sameIot = null;
if (rows.some((r) => r.scale === 1) && rows.some((r) => r.scale === 2)) {
  const share = IOT_SHARE / 2;
  process.stderr.write(`scale 2, IoT share ${share}: generating (cached)...\n`);
  execFileSync(process.execPath, ['bench/generate.mjs', '--scale', '2', '--iot-share', String(share)], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  const dir = benchDir(2, share);
  const out = mkdtempSync(path.join(os.tmpdir(), 'iot-audit-bench-'));
  await measure(['bench/run.mjs', '--floor', path.join(dir, 'trail')]);
  const runs = [];
  for (let k = 0; k < REPEATS; k++) {
    process.stderr.write(`scale 2, IoT share ${share}: report json,html (${k + 1}/${REPEATS})...\n`);
    runs.push(await report(path.join(dir, 'trail'), path.join(dir, 'accounts.json'), 'json,html', out));
  }
  sameIot = { runs, iotEvents: JSON.parse(median(runs).stdout).summary.events };
  rmSync(out, { recursive: true, force: true });
}

process.stderr.write(`PDF bound: ${heavyEvents} IoT events...\n`);
const heavyTree = execFileSync(process.execPath, ['bench/iot-heavy.mjs', '--events', String(heavyEvents)], { cwd: ROOT, encoding: 'utf8' }).trim();
const heavyOut = mkdtempSync(path.join(os.tmpdir(), 'iot-audit-bench-heavy-'));
const HEAVY_REPEATS = flag('--quick') ? 1 : 3;
// Every format: each output's memory at 100,000 events, not only the PDF's.
const HEAVY_FORMATS = 'json,csv,html,pdf,md';
// The PDF's own time, from its start to its last byte (it renders alongside the other outputs).
const pdfMsOf = (run) => run.timings['render:pdf'] ?? 0;
const heavyRuns = [];
for (let k = 0; k < HEAVY_REPEATS; k++) {
  process.stderr.write(`PDF bound (${k + 1}/${HEAVY_REPEATS})...\n`);
  heavyRuns.push(await measure(['bin/run.js', 'report', '--source', heavyTree, '--period', '2026-10', '--no-organization', '--format', HEAVY_FORMATS, '--out', heavyOut, '--json']));
}
// The run with the median PDF time.
const heavy = [...heavyRuns].sort((x, y) => pdfMsOf(x) - pdfMsOf(y))[Math.floor((heavyRuns.length - 1) / 2)];
const heavyPages = (() => {
  try {
    return /Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [path.join(heavyOut, 'iot-audit-2026-10.pdf')], { encoding: 'utf8' }))?.[1] ?? '?';
  } catch {
    return '?';
  }
})();
rmSync(heavyOut, { recursive: true, force: true });

// --- memory: every event delivered twice ----------------------------------------------------
// An organization trail and an account trail in one bucket, or a trail's logs under two sources,
// deliver each event twice: the copies are dropped as the files are read, so memory follows the
// events kept. The heavy month read through two sources (the second a copy of hard links beside
// it, made by each bench, as the tree may have been written anew, and removed after), against the
// same month read once, `--format json`, alternating.
const heavyCopy = path.join(path.dirname(heavyTree), 'trail-copy');
rmSync(heavyCopy, { recursive: true, force: true });
execFileSync('cp', ['-al', heavyTree, heavyCopy]);
const twiceOut = mkdtempSync(path.join(os.tmpdir(), 'iot-audit-bench-twice-'));
const twice = { once: [], twice: [] };
const heavyJson = (sources) => measure(['bin/run.js', 'report', ...sources.flatMap((s) => ['--source', s]), '--period', '2026-10', '--no-organization', '--format', 'json', '--out', twiceOut, '--json']);
for (let k = 0; k < HEAVY_REPEATS; k++) {
  process.stderr.write(`every event twice (${k + 1}/${HEAVY_REPEATS})...\n`);
  twice.once.push(await heavyJson([heavyTree]));
  twice.twice.push(await heavyJson([heavyTree, heavyCopy]));
}
rmSync(twiceOut, { recursive: true, force: true });
rmSync(heavyCopy, { recursive: true, force: true });

// --- the table ---------------------------------------------------------------------------
const lines = [];
lines.push(`| scale | log files | records | IoT events | uncompressed | run | wall | records/s | MB/s | peak RSS | ÷ floor (a) |${withLibdeflate ? " ÷ floor (a') |" : ''}`);
lines.push(`|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|${withLibdeflate ? '---:|' : ''}`);
for (const r of rows) {
  for (const [name, run] of [
    ['(a) floor: read + gunzip (Node zlib)', r.floor],
    ...(r.libdeflate ? [["(a') floor: read + gunzip (libdeflate)", r.libdeflate]] : []),
    ['(b) report json,html', r.b],
    ...(r.bZlib ? [["(b') report json,html with Node's zlib", r.bZlib]] : []),
    ['(c) report json,html,pdf', r.c],
    ['(d) report json,html --verify', r.d],
    ['(e) verify', r.e],
  ]) {
    lines.push(
      `| ${r.scale} | ${r.files.toLocaleString('en-US')} | ${r.records.toLocaleString('en-US')} | ${r.iotEvents.toLocaleString('en-US')} | ${fmt(r.uncompressedMB, 0)} MB | ${name} | ${fmt(run.seconds, 2)} s | ${fmt(r.records / run.seconds, 0)} | ${fmt(r.uncompressedMB / run.seconds, 0)} | ${fmt(mb(run.rss), 0)} MB | ${fmt(run.seconds / r.floor.seconds, 2)} |${r.libdeflate ? ` ${fmt(run.seconds / r.libdeflate.seconds, 2)} |` : ''}`,
    );
  }
}
const phases = (run) => Object.entries(run.timings).map(([k, v]) => `${k} ${v}`).join(', ');
const sameIotLine = (() => {
  if (sameIot === null) return null;
  const at = (scale) => rows.find((r) => r.scale === scale);
  const m = median(sameIot.runs);
  return (
    `Memory against input and IoT events (peak RSS of (b), median of ${REPEATS} runs each): scale 1, ${at(1).iotEvents.toLocaleString('en-US')} IoT events: ${fmt(mb(rssMedian(at(1).bRuns)), 0)} MB; ` +
    `scale 2 with half the IoT share, twice the logs and ${sameIot.iotEvents.toLocaleString('en-US')} IoT events: ${fmt(mb(rssMedian(sameIot.runs)), 0)} MB (all runs ${sameIot.runs.map((x) => fmt(mb(x.rss), 0)).join(' / ')} MB; wall ${fmt(m.seconds, 2)} s, phases (ms): ${phases(m)}); ` +
    `scale 2, ${at(2).iotEvents.toLocaleString('en-US')} IoT events: ${fmt(mb(rssMedian(at(2).bRuns)), 0)} MB.`
  );
})();
const heavyLine =
  `PDF bound: a report of ${heavyEvents.toLocaleString('en-US')} IoT events renders its PDF (${heavyPages} pages) in ${fmt(pdfMsOf(heavy) / 1000, 2)} s, alongside the other outputs (median of ${HEAVY_REPEATS}; all runs ${heavyRuns.map((r) => fmt(pdfMsOf(r) / 1000, 2)).join(' / ')} s); ` +
  `that whole run (read, analyse, then \`--format ${HEAVY_FORMATS}\`: JSON, CSV, HTML, PDF and Markdown) takes ${fmt(heavy.seconds, 2)} s, peak RSS ${fmt(mb(heavy.rss), 0)} MB (all runs ${heavyRuns.map((r) => fmt(mb(r.rss), 0)).join(' / ')} MB). Phases (ms): ${phases(heavy)}.`;
const twiceLine =
  `Every event delivered twice: the ${heavyEvents.toLocaleString('en-US')} IoT events' month read through two sources (the second a copy of the first), \`--format json\`: peak RSS ${fmt(mb(rssMedian(twice.twice)), 0)} MB (all runs ${twice.twice.map((r) => fmt(mb(r.rss), 0)).join(' / ')} MB; wall ${twice.twice.map((r) => fmt(r.seconds, 2)).join(' / ')} s), ` +
  `against ${fmt(mb(rssMedian(twice.once)), 0)} MB read once (all runs ${twice.once.map((r) => fmt(mb(r.rss), 0)).join(' / ')} MB; wall ${twice.once.map((r) => fmt(r.seconds, 2)).join(' / ')} s).`;
// Read alone against the floor: what the scan costs on top of gunzip (start-up and the report itself excluded).
const phaseLines = rows.flatMap((r) => [
  `- scale ${r.scale}, all runs (s): floor ${r.floorRuns.map((x) => fmt(x.seconds, 2)).join(' / ')}; ${r.libdeflate ? `floor (libdeflate) ${r.libdeflateRuns.map((x) => fmt(x.seconds, 2)).join(' / ')}; ` : ''}(b) ${r.bRuns.map((x) => fmt(x.seconds, 2)).join(' / ')}; ${r.bZlib ? `(b') ${r.bZlibRuns.map((x) => fmt(x.seconds, 2)).join(' / ')}; ` : ''}floor + scan ${r.scanRuns.map((x) => fmt(x.seconds, 2)).join(' / ')} (median ÷ ${r.libdeflate ? "floor (a') = " + fmt(median(r.scanRuns).seconds / r.libdeflate.seconds, 2) : 'floor = ' + fmt(median(r.scanRuns).seconds / r.floor.seconds, 2)})`,
  `- scale ${r.scale}, run (b) phases (ms): ${phases(r.b)}; read phase ÷ floor wall = ${fmt((r.b.timings.read ?? 0) / 1000 / (r.libdeflate ?? r.floor).seconds, 2)}${r.libdeflate ? " (a')" : ''}`,
  `- scale ${r.scale}, run (c) phases (ms): ${phases(r.c)}`,
  `- scale ${r.scale}, --verify over ${r.signed.digests.toLocaleString('en-US')} digests: (d) all runs ${r.dRuns.map((x) => fmt(x.seconds, 2)).join(' / ')} s, phases of the median (ms): ${phases(r.d)}; (e) verify, all runs ${r.eRuns.map((x) => fmt(x.seconds, 2)).join(' / ')} s`,
]);

const machine = `${os.availableParallelism()} cores (${os.cpus()[0]?.model ?? 'unknown CPU'}), ${fmt(os.totalmem() / 2 ** 30, 0)} GiB, Node ${process.version}, ${os.platform()} ${os.release()}`;
const text = [
  '# Benchmark results',
  '',
  `Measured by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}: ${machine}. Load average at start: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}.`,
  '',
  `Each run is its own process, on a warm page cache (a first pass reads the tree once); wall time includes Node start-up and listing. Peak RSS is the process's (all threads). (a), ${withLibdeflate ? "(a'), " : ''}"floor + scan", (b)${withLibdeflate ? " and (b')" : ''} ran ${REPEATS} times each, alternating, in turned-around order every other round; the table shows the median run of each (the ratio is of the medians), and each scale's line below gives every run.`,
  "The floor (a) reads and gunzips exactly the log files the report reads (October 2026 UTC plus one late day), one worker thread per core, each file read into space kept from file to file as the report's workers read (since 2026-11-25; a buffer per file before, which grew each worker thread's malloc arena: the libdeflate floor's peak RSS went from 153-169 to 89-103 MB; zlib's output is still a buffer per file, and the zlib floor's peak stays at 158-173 MB), with Node's zlib as the tool does without libdeflate (one buffer of the size the gzip trailer records, given back at once where Node can): the issue's floor. It lists the tree with a synchronous walk while its workers start, ~0.07 s at scale 1 (until 2026-11-24 it walked with one asynchronous iterator per folder, ~0.25 s before its workers started, and the ratios were ~12% lower than they should have been).",
  ...(withLibdeflate
    ? [
        "The floor (a') is the same pass with the gunzip the report uses here since 2026-11-25, libdeflate through the native addon (into space kept from file to file; Node's zlib for the files it leaves). The report decompresses faster than (a), so (b)/(a) is lower than what the report's own work costs over decompression. Two ratios compare like with like: (b)/(a'), the report and the floor both with libdeflate, and (b')/(a), both with Node's zlib ((b') is the report run with IOT_AUDIT_GUNZIP=zlib, as on a machine without libdeflate).",
      ]
    : []),
  `(d) and (e) check the logs' integrity over the same tree, signed by bench/digests.mjs as CloudTrail signs (one digest an hour per account and region, chained, RSA 2048, signatures in .sig sidecars): (d) the report with \`--verify\` (its read also hashes each log file, then the digests are checked), (e) the \`verify\` command alone. ${VERIFY_REPEATS} runs each, after the others; the median is shown. They are not part of the ratio target; the bench's 5 broken files fail their check, so (e) exits 1.`,
  '"floor + scan" (below the table, a diagnostic) is the same pass with each file through the report\'s own worker code (its gunzip + the IoT scan): what the scan alone adds to decompression, without the main thread and the report.',
  'Only the ratios (÷ floor) compare across machines.',
  '',
  ...lines,
  '',
  ...(sameIotLine !== null ? [sameIotLine, ''] : []),
  heavyLine,
  '',
  twiceLine,
  '',
  ...phaseLines,
  '',
].join('\n');
process.stdout.write(`${text}\n`);
if (!flag('--no-write') && !flag('--quick')) writeFileSync(path.join(ROOT, 'bench/RESULTS.md'), text);
