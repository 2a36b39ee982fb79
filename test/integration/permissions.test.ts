/**
 * The file system's permissions, as a user without root meets them: the CLI run as `nobody`
 * (root reads and writes anywhere, so as root these cases cannot happen). Skipped where this
 * process is not root or has no `setpriv`; CI runs as root.
 */
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canRunAsNobody, runCliAsNobody } from '../helpers/run-cli.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const FIXTURES = path.join(ROOT, 'fixtures');
const ONE_LOG = 'AWSLogs/o-7f3k2m9xq1/314159265358/CloudTrail/us-east-1/2026/10';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'iot-audit-perm-'));
  chmodSync(dir, 0o755);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A copy of the fixture trail's folder of one account and region for October, owned by root. */
function trailCopy(name: string): string {
  const source = path.join(dir, name);
  cpSync(path.join(FIXTURES, 'org-trail', 'audit-logs', ONE_LOG), path.join(source, ONE_LOG), { recursive: true });
  return source;
}

/** A folder `nobody` can write into, for HOME (Chromium, caches) and outputs. */
function writable(name: string): string {
  const folder = path.join(dir, name);
  mkdirSync(folder, { recursive: true });
  chmodSync(folder, 0o777);
  return folder;
}

function report(source: string, out: string) {
  return runCliAsNobody(
    ['report', '--source', source, '--accounts-file', path.join(FIXTURES, 'accounts.json'), '--period', '2026-10', '--no-organization', '--format', 'json', '--out', out],
    { HOME: writable('home'), IOT_AUDIT_TIMINGS: '1' },
  );
}

describe.skipIf(!canRunAsNobody())('permissions (run as nobody)', () => {
  it('a source folder it cannot read: exit 3, naming the folder, and no output', async () => {
    const source = trailCopy('closed-source');
    chmodSync(source, 0o700);
    const out = path.join(writable('out-closed'), 'report');
    const { code, stderr } = await report(source, out);
    expect(code).toBe(3);
    const errors = stderr.split('\n').filter((line) => line.startsWith('Error:'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain(source);
    expect(errors[0]).toMatch(/permission denied/i);
    expect(existsSync(out)).toBe(false);
  });

  it('an --out folder it cannot write into: exit 5 before anything is read, and nothing created', async () => {
    const source = trailCopy('open-source');
    const closed = path.join(dir, 'closed-out');
    mkdirSync(closed);
    chmodSync(closed, 0o755);
    const { code, stderr } = await report(source, path.join(closed, 'report'));
    expect(code).toBe(5);
    expect(stderr).toContain(closed);
    // IOT_AUDIT_TIMINGS=1: the read would have printed its phase; the check came first.
    expect(stderr).not.toMatch(/^timing read/m);
    expect(readdirSync(closed)).toEqual([]);
  });

  it('a log file it cannot read: the report is written, names the file among what could not be read, and says so on the console', async () => {
    const source = trailCopy('one-closed-file');
    const day = path.join(source, ONE_LOG, readdirSync(path.join(source, ONE_LOG)).sort()[0]);
    const closedFile = readdirSync(day).sort()[0];
    chmodSync(path.join(day, closedFile), 0o600);
    const out = path.join(writable('out-file'), 'report');
    const { code, stdout, stderr } = await report(source, out);
    expect(code, stderr).toBe(0);
    expect(stdout).toMatch(/ log files read, 0 unreadable, 1 could not be listed or read, /);
    const model = JSON.parse(readFileSync(path.join(out, 'iot-audit-2026-10.json'), 'utf8'));
    // Not a broken file (its content is unknown): a source problem, as a failed S3 read is.
    expect(model.coverage.unreadableFiles).toEqual([]);
    const problems = model.coverage.sourceProblems as { key: string; reason: string }[];
    expect(problems).toHaveLength(1);
    expect(problems[0].key.endsWith(closedFile)).toBe(true);
    expect(problems[0].reason).toMatch(/permission denied/i);
    expect(model.coverage.filesRead).toBeGreaterThan(0);
    // --json: the summary a CI job reads counts it too.
    const json = await runCliAsNobody(
      ['report', '--source', source, '--accounts-file', path.join(FIXTURES, 'accounts.json'), '--period', '2026-10', '--no-organization', '--format', 'json', '--out', `${out}-json`, '--json'],
      { HOME: writable('home') },
    );
    expect(json.code, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout).coverage).toMatchObject({ unreadableFiles: 0, sourceProblems: 1 });
  });
});
