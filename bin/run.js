#!/usr/bin/env node
import v8 from 'node:v8';

// V8's optimizing compiler works on background threads, on the same two cores the parse
// workers need, and most of the report's JavaScript runs only a few thousand times, so
// how fast code gets optimized matters more than how well. Less inlining, no escape
// analysis, loop peeling or on-stack replacement: the bench's month at scale 1 ran ~5%
// faster (read and rendering both), a month of 100,000 IoT events ~2% faster (alternating
// runs against IOT_AUDIT_V8_DEFAULTS=1; no inlining at all was faster at scale 1 but slower
// at 100,000 events). Every flag exists in Node 20, 22 and 24. Set before anything else
// loads, so all code and the worker threads compile with them.
//
// The heap may grow to 1.2 times what survived the last full collection, not the up to 4
// times V8 allows when it could have a 4 GB heap: the old generation only fills up when a
// month holds many IoT events, and then the report keeps them all. A month of 100,000 IoT
// events, `--format json,pdf`: peak RSS 429-466 MB with 2 times (the setting before
// 2026-11-25), 385-390 MB with 1.3 times, ~5% longer (9.15-9.79 against 9.94-10.80 s; 3 runs
// each, alternating); `json,html`: 406-423 MB with 1.5 times, 376-391 MB with 1.3. (V8's own
// growth had an earlier version peak at 575-631 MB, json,html.) 1.2 since 2026-11-26, when
// certificates came to carry their accounts and findings their regions: every format,
// 387-389 MB against 402 MB with 1.3 (8.68 against 8.28-8.43 s, 2 runs each, alternating);
// `json,pdf` 354 against 369 MB. No change at the bench's scales (scale 1, `json,html`, 3 runs
// each, alternating: 2.05-2.10 s, 145-150 MB either way): their old generation stays small.
// IOT_AUDIT_V8_DEFAULTS=1 keeps V8's defaults (to measure the difference).
if (process.env.IOT_AUDIT_V8_DEFAULTS !== '1') {
  v8.setFlagsFromString('--max-inlined-bytecode-size-cumulative=300 --no-turbo-escape --no-turbo-loop-peeling --no-use-osr --heap-growing-percent=20');
}

// The AWS SDK warns on every run under Node 20 (its support ends in 2027): keep stderr to our one-line messages.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

// oclif checks its own Node requirement at import with semver (~10 ms of every start-up);
// ours (package.json "engines") is stricter, and checked here without it.
process.env.OCLIF_DISABLE_ENGINE_WARNING ??= 'true';
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 19)) process.emitWarning(`iot-audit needs Node.js 20.19 or newer (this is ${process.versions.node})`);

// `report` starts without oclif (~90 ms of its start-up) when its arguments are the usual kind;
// anything else (help, a mistake, another command) goes to oclif. IOT_AUDIT_OCLIF=1: always oclif.
const args = process.argv.slice(2);
const exitCode = args[0] === 'report' && process.env.IOT_AUDIT_OCLIF !== '1' ? await (await import('../dist/cli/fast.js')).runFast(args.slice(1)) : null;
if (exitCode !== null) {
  process.exitCode = exitCode;
} else {
  // `verify`, and `report` through oclif, catch Ctrl-C and SIGTERM from here: loading oclif and the
  // command takes ~200 ms, in which a signal had its default action (exit 143, no JSON error object).
  // The command's run() takes over (src/cli/failure.ts, `catchStopSignalsWhileLoading`).
  if (args[0] === 'verify' || args[0] === 'report') (await import('../dist/cli/failure.js')).catchStopSignalsWhileLoading(args[0], args.slice(1));
  const { execute } = await import('@oclif/core');
  await execute({ dir: import.meta.url });
}
