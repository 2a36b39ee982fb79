/**
 * `verify` gives the verdict `report --verify` gives for the same check, from the same function
 * (2026-11-26 review): it printed "Log integrity ...: PROBLEMS FOUND" whatever the problems, and its
 * `--json` had no `verdict`, so for an account whose trail has no digests the report said
 * "incomplete: nothing found altered" and `verify` "PROBLEMS FOUND".
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import type { ReportModel } from '../../src/report/model.js';
import { runCli } from '../helpers/run-cli.js';

const KEYS = ['--public-keys', 'fixtures/public-keys.json'];
/** A span whose delivery days and late day (which `report --verify` checks too) the trail's chain covers. */
const SCOPE = ['--from', '2026-10-01T01:00Z', '--to', '2026-10-02T23:00Z', '--account', '314159265358', '--region', 'us-east-1'];
const dirs: string[] = [];
const tmp = (name: string) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), `iot-audit-verify-verdict-${name}-`));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** `verify`'s text and `--json`, and `report --verify --format json,md` of the same source, period and filters. */
async function bothWays(source: string, scope: string[]) {
  const [text, json] = await Promise.all([runCli(['verify', '--source', source, ...scope, ...KEYS]), runCli(['verify', '--source', source, ...scope, ...KEYS, '--json'])]);
  const out = tmp('report');
  const report = await runCli(['report', '--source', source, ...scope, ...KEYS, '--verify', '--format', 'json,md', '--accounts-file', 'fixtures/accounts.json', '--no-organization', '--threads', '0', '--out', out]);
  expect(report.code, report.stderr).toBe(0);
  // Named after the period (`iot-audit-2026-10.json`, `iot-audit-2026-10-01_2026-10-03.json`, ...).
  const read = (ext: string) => readFileSync(path.join(out, readdirSync(out).find((f) => f.endsWith(`.${ext}`))!), 'utf8');
  const md = read('md');
  return {
    text,
    json,
    verdict: (JSON.parse(json.stdout) as { verdict?: string }).verdict,
    headline: text.stdout.split('\n').find((l) => l.startsWith('Log integrity ')),
    reportVerdict: (JSON.parse(read('json')) as ReportModel).integrity?.verdict,
    mdLine: md.split('\n').find((l) => l.includes('**Integrity')),
  };
}

describe('verify: the verdict of report --verify for the same check', () => {
  it('is incomplete, not failed, for an account whose trail has no digests (no-digests only): text, --json and the report agree', async () => {
    const run = await bothWays('fixtures/org-trail', ['--period', '2026-10', '--account', '271828182845']);
    // The text's headline and --json's verdict, both wrong before (PROBLEMS FOUND or OK; no verdict).
    expect({ headline: run.headline, verdict: run.verdict }).toEqual({ headline: 'Log integrity 2026-10-01 00:00:00 – 2026-11-01 00:00:00: INCOMPLETE: nothing found altered, but 39 log files could not be checked', verdict: 'incomplete' });
    expect(run.text.stdout).not.toContain('PROBLEMS FOUND');
    expect(JSON.parse(run.json.stdout)).toMatchObject({ ok: false, problems: [{ kind: 'no-digests' }, { kind: 'no-digests' }] });
    // Not verified: still exit 1, as the README's exit codes say for log files that could not be checked.
    expect([run.text.code, run.json.code]).toEqual([1, 1]);
    expect(run.reportVerdict).toBe(run.verdict);
    expect(run.mdLine).toMatch(/^\*\*Integrity: INCOMPLETE\*\*, 2 problems \(no-digests 2\): nothing found altered, but not all could be checked/);
  }, 60_000);

  it('is failed for a modified log file: text, --json and the report agree', async () => {
    const copy = tmp('modified');
    cpSync('fixtures/org-trail', copy, { recursive: true });
    const log = path.join(copy, 'audit-logs/AWSLogs/o-7f3k2m9xq1/314159265358/CloudTrail/us-east-1/2026/10/02/314159265358_CloudTrail_us-east-1_20261002T0035Z_CPIJah07J5L1AFGd.json.gz');
    const text = gunzipSync(readFileSync(log)).toString('utf8');
    expect(text).toContain('alice.ng');
    writeFileSync(log, gzipSync(text.replaceAll('alice.ng', 'mallory')));
    const run = await bothWays(copy, SCOPE);
    expect({ headline: run.headline, verdict: run.verdict }).toEqual({ headline: 'Log integrity 2026-10-01 01:00:00 – 2026-10-02 23:00:00: FAILED', verdict: 'failed' });
    expect(JSON.parse(run.json.stdout)).toMatchObject({ ok: false, problems: [expect.objectContaining({ kind: 'log-file-modified' })] });
    expect([run.text.code, run.json.code]).toEqual([1, 1]);
    expect(run.reportVerdict).toBe(run.verdict);
    expect(run.mdLine).toMatch(/^\*\*Integrity: FAILED\*\*/);
  }, 60_000);

  it('is verified where nothing was touched: text, --json and the report agree', async () => {
    const run = await bothWays('fixtures/org-trail', SCOPE);
    expect({ headline: run.headline, verdict: run.verdict }).toEqual({ headline: 'Log integrity 2026-10-01 01:00:00 – 2026-10-02 23:00:00: VERIFIED', verdict: 'verified' });
    expect([run.text.code, run.json.code]).toEqual([0, 0]);
    expect(run.reportVerdict).toBe(run.verdict);
    expect(run.mdLine).toMatch(/^\*\*Integrity:\*\* verified, /);
  }, 60_000);
});
