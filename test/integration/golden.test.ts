import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { runReport } from '../../src/pipeline/report.js';
import { reportOptions } from '../helpers/report-options.js';
import type { ReportModel } from '../../src/types.js';
import { RULE_IDS } from '../../src/analysis/rules/index.js';
import { nativeIsas } from '../../src/cloudtrail/scan-native.js';
import { hasNativeGunzip } from '../../src/collect/gunzip-native.js';
import { createParsePool } from '../../src/collect/pool.js';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../..');
const expected = JSON.parse(readFileSync(path.join(root, 'fixtures/expected.json'), 'utf8'));
const goldenPath = path.join(root, 'test/golden/report.json');

const options = reportOptions;

describe('the golden report of the fixtures', () => {
  // The defaults (native scan and libdeflate where `npm install` built them), the WebAssembly scan, and Node's zlib.
  it.each([
    ['defaults', {}],
    ['WebAssembly scan', { IOT_AUDIT_SCAN_KERNEL: 'wasm' }],
    ["Node's zlib", { IOT_AUDIT_GUNZIP: 'zlib' }],
  ])('the CLI writes exactly test/golden/report.json, %s (regenerate with `npm run golden` and review the diff)', async (_name, paths) => {
    const args: string[] = JSON.parse(readFileSync(path.join(root, 'test/golden/args.json'), 'utf8'));
    const out = mkdtempSync(path.join(os.tmpdir(), 'iot-audit-golden-cli-'));
    const env: NodeJS.ProcessEnv = { ...process.env, CI: 'true', NODE_ENV: 'production', ...paths };
    await run(process.execPath, ['bin/dev.js', ...args, '--out', out], { cwd: root, env });
    const actual = readFileSync(path.join(out, 'iot-audit-2026-10.json'), 'utf8');
    const golden = readFileSync(goldenPath, 'utf8');
    if (actual !== golden) {
      // A readable first difference rather than a 2 MB string diff.
      const a = actual.split('\n');
      const g = golden.split('\n');
      const line = a.findIndex((l, i) => l !== g[i]);
      expect({ line: line + 1, actual: a[line], golden: g[line] }).toEqual({ line: line + 1, actual: g[line], golden: g[line] });
    }
    expect(actual).toBe(golden);
  });

  it('conforms to the checked-in JSON Schema, which matches the model type', async () => {
    const schema = JSON.parse(readFileSync(path.join(root, 'schemas/report.schema.json'), 'utf8'));
    // @ts-expect-error plain ESM helper shared with scripts/generate-schema.mjs
    const { reportSchema } = await import('../../scripts/schema-lib.mjs');
    expect(reportSchema(), 'schemas/report.schema.json is stale: run `npm run schema`').toEqual(schema);
    const ajv = new Ajv({ allErrors: true, strict: false });
    const validate = ajv.compile(schema);
    const valid = validate(JSON.parse(readFileSync(goldenPath, 'utf8')));
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('exercises every rule and the integrity section', async () => {
    const golden = JSON.parse(readFileSync(goldenPath, 'utf8')) as ReportModel;
    const fired = new Set(golden.findings.map((f) => f.ruleId));
    expect([...RULE_IDS].filter((id) => !fired.has(id))).toEqual([]);
    expect(golden.ruleErrors).toEqual([]);
    expect(golden.integrity?.chains.find((c) => c.accountId === '314159265358' && c.region === 'us-east-1')?.logFilesValid).toBeGreaterThan(0);
    expect(golden.events.filter((e) => e.integrity === 'valid').length).toBeGreaterThan(0);
  });

  it.each(['UTC', 'Europe/Paris'])('counts exactly the IoT events of October in %s, each once (ground truth of the generator)', async (tz) => {
    const truth = expected.periods[tz];
    const { model } = await runReport(options({ period: { period: '2026-10', tz } }));
    expect(model.period.start).toBe(truth.start);
    expect(model.period.end).toBe(truth.end);
    expect(model.events.map((e: ReportModel['events'][number]) => e.eventId).sort()).toEqual([...truth.eventIds].sort());
    expect(model.summary).toMatchObject({ totalEvents: truth.events, changes: truth.changes, reads: truth.reads, failedAttempts: truth.failed, deniedAttempts: truth.denied });
    expect(Object.fromEntries(model.summary.changesByCategory.map((c) => [c.category, c.count]))).toEqual(truth.changesByCategory);
    expect(Object.fromEntries(model.summary.changesByAction.map((c) => [c.eventName, c.count]))).toEqual(truth.changesByAction);
    expect(model.events.every((e) => e.eventTime >= truth.start && e.eventTime < truth.end)).toBe(true);
    expect(model.coverage.unreadableFiles.map((u) => path.relative(path.join(root, 'fixtures/org-trail'), u.key)).sort()).toEqual(
      expected.unreadableFiles.map((u: { key: string }) => u.key).sort(),
    );
    expect(model.coverage.accountsWithoutLogs).toEqual(expected.accountsWithoutLogs);
    expect(model.coverage.accountsNotInOrganization).toEqual(expected.accountsNotInOrganization);
  });

  it('reads the single-account layout and a folder of loose files (LookupEvents, EventBridge NDJSON)', async () => {
    const single = await runReport(options({ sources: [path.join(root, 'fixtures/single-account')], accountsFile: undefined }));
    expect(single.model.summary.totalEvents).toBe(expected.singleAccount.periods.UTC.events);
    expect(single.model.sources[0].layout).toBe('account');
    const loose = await runReport(options({ sources: [path.join(root, 'fixtures/loose-files')], accountsFile: undefined }));
    expect(loose.model.summary.totalEvents).toBe(expected.looseFiles.periods.UTC.events);
    expect(loose.model.sources[0].layout).toBe('files');
  });
});

describe('templates', () => {
  it('a broken user template fails before any log is read; without one, the built-in templates render the HTML', async () => {
    const templateDir = mkdtempSync(path.join(os.tmpdir(), 'iot-audit-broken-template-'));
    writeFileSync(path.join(templateDir, 'report.hbs'), '<html>{{#if summary}}never closed</html>');
    let parsed = 0;
    const counting = { parserFactory: async () => ({ parse: async () => { parsed++; throw new Error('no log should be read'); } }) };
    const outDir = mkdtempSync(path.join(os.tmpdir(), 'iot-audit-broken-out-'));
    await expect(runReport(options({ formats: ['html'], outDir, render: { paper: 'a4', templateDir }, ...counting }))).rejects.toThrow(/report\.hbs/);
    expect(parsed).toBe(0);
    expect(readdirSync(outDir)).toEqual([]);
    const html = options({ formats: ['html'] });
    await runReport(html);
    expect(readdirSync(html.outDir)).toContain('iot-audit-2026-10.html');
  });
});

describe('phase timings (IOT_AUDIT_TIMINGS, npm run bench)', () => {
  it('reports every phase of a run once, in order, with the main thread busy during the read', async () => {
    const phases: [string, number][] = [];
    await runReport(reportOptions({ threads: 2, formats: ['json', 'csv'], onTiming: (phase, ms) => phases.push([phase, ms]) }));
    expect(phases.map(([p]) => p)).toEqual(['startup', 'read', 'read:main-busy', 'build', 'findings', 'render:json', 'render:csv', 'render:findings.csv', 'write']);
    const [, readMs] = phases[1];
    const [, busyMs] = phases[2];
    expect(busyMs).toBeGreaterThan(0);
    expect(busyMs).toBeLessThanOrEqual(readMs + 1);
  });

  it('the CLI says how it gunzips and scans files: natively where the addon is built, with WebAssembly and zlib when asked', async () => {
    const args: string[] = JSON.parse(readFileSync(path.join(root, 'test/golden/args.json'), 'utf8'));
    // What the addon has here, not what the modules chose: a test that asked the modules would pass if they ignored the addon.
    const cases = [
      [{}, nativeIsas()[0] ?? 'wasm', hasNativeGunzip() ? 'libdeflate' : 'zlib'],
      [{ IOT_AUDIT_SCAN_KERNEL: 'wasm', IOT_AUDIT_GUNZIP: 'zlib' }, 'wasm', 'zlib'],
    ] as const;
    for (const [paths, scan, gunzip] of cases) {
      const out = mkdtempSync(path.join(os.tmpdir(), 'iot-audit-timings-'));
      const env: NodeJS.ProcessEnv = { ...process.env, CI: 'true', NODE_ENV: 'production', IOT_AUDIT_TIMINGS: '1', ...paths };
      if (!('IOT_AUDIT_SCAN_KERNEL' in paths)) delete env.IOT_AUDIT_SCAN_KERNEL;
      if (!('IOT_AUDIT_GUNZIP' in paths)) delete env.IOT_AUDIT_GUNZIP;
      const { stderr } = await run(process.execPath, ['bin/dev.js', ...args, '--out', out], { cwd: root, env });
      expect(stderr).toMatch(new RegExp(`^gunzip ${gunzip}\nscan ${scan}$`, 'm'));
      expect(stderr).toMatch(/^timing read \d+ rss=/m);
    }
  });
});

describe('report --verify', () => {
  it('has the parse workers read the digests, hashes every log file in the read, and gives the report the main thread alone gives', async () => {
    const verify = { publicKeysFile: path.join(root, 'fixtures/public-keys.json') };
    const calls = { readDigest: 0, hashFile: 0, hash: 0 };
    const parserFactory = async (threads: number) => {
      const pool = createParsePool({ threads });
      return {
        ...pool,
        readDigest: (file: string) => (calls.readDigest++, pool.readDigest(file)),
        hashFile: (file: string) => (calls.hashFile++, pool.hashFile(file)),
        hash: (bytes: Buffer) => (calls.hash++, pool.hash(bytes)),
      };
    };
    const onWorkers = await runReport(options({ verify, threads: 2, parserFactory }));
    const alone = await runReport(options({ verify, threads: 0 }));
    expect(onWorkers.model).toEqual(alone.model);
    expect(onWorkers.model.integrity!.chains.length).toBeGreaterThan(0);
    // Every digest of the fixture's chain (73) went to a worker; no log file had to be hashed again.
    expect(calls).toEqual({ readDigest: 73, hashFile: 0, hash: 0 });
  });
});
