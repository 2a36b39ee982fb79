/**
 * Ctrl-C (SIGINT) or SIGTERM during `report` exits 130 within a moment, leaving no temporary
 * file in --out, no Chromium running and no Chromium folder in the temporary folder, whenever
 * it comes: while the outputs are written, as the browser starts, while it prints.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runFastCli } from '../helpers/run-cli.js';
import { chromiumFolders, processesGone } from '../helpers/chromium.js';

const root = path.resolve(import.meta.dirname, '../..');
const base = ['--source', 'fixtures/org-trail', '--accounts-file', 'fixtures/accounts.json', '--period', '2026-10', '--no-organization', '--threads', '0'];

interface Interrupted {
  /** When the signal was sent (null: the moment never came). */
  sentAt: number | null;
  code: number | null;
  signal: NodeJS.Signals | null;
  msToExit: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `report` (the fast start, or oclif with `via: 'oclif'`) with TMPDIR=`tmp`, and sends
 * `signal` once `when(out, tmp)` holds (checked every few milliseconds).
 */
function interruptReport(
  out: string,
  tmp: string,
  when: (out: string, tmp: string) => boolean,
  signal: NodeJS.Signals,
  via: 'fast' | 'oclif',
  extra: string[] = [],
): Promise<Interrupted> {
  const args = ['report', ...base, '--format', 'html,json,pdf', '--out', out, ...extra];
  const argv = via === 'fast' ? ['--import', 'tsx', 'test/helpers/fast-cli.ts', ...args.slice(1)] : ['bin/dev.js', ...args];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, argv, {
      cwd: root,
      env: { ...process.env, TMPDIR: tmp, CI: 'true', NODE_ENV: 'production', NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    let sentAt: number | null = null;
    const poll = setInterval(() => {
      if (sentAt !== null || !when(out, tmp)) return;
      sentAt = Date.now();
      child.kill(signal);
    }, 3);
    child.on('error', reject);
    child.on('close', (code, exitSignal) => {
      clearInterval(poll);
      resolve({ sentAt, code, signal: exitSignal, msToExit: sentAt === null ? -1 : Date.now() - sentAt, stdout, stderr });
    });
  });
}

const tempIn = (out: string) => existsSync(out) && readdirSync(out).some((name) => name.endsWith('.tmp'));
const profileIn = (tmp: string) => readdirSync(tmp).find((name) => name.startsWith('iot-audit-chromium-'));
/** Chromium is up: its profile holds the singleton files it makes at start-up. */
const chromiumUp = (tmp: string) => {
  const profile = profileIn(tmp);
  try {
    return profile !== undefined && readdirSync(path.join(tmp, profile)).includes('SingletonSocket');
  } catch {
    return false;
  }
};

describe('iot-audit report, interrupted', () => {
  const cases: [string, NodeJS.Signals, 'fast' | 'oclif', (out: string, tmp: string) => boolean][] = [
    ['SIGINT once the first temporary file is in --out', 'SIGINT', 'fast', (out) => tempIn(out)],
    ['SIGINT as the browser is launched (its profile made)', 'SIGINT', 'fast', (_out, tmp) => profileIn(tmp) !== undefined],
    ['SIGINT while Chromium runs', 'SIGINT', 'fast', (_out, tmp) => chromiumUp(tmp)],
    ['SIGINT while Chromium runs, through oclif', 'SIGINT', 'oclif', (_out, tmp) => chromiumUp(tmp)],
    ['SIGINT once the first temporary file is in --out, through oclif', 'SIGINT', 'oclif', (out) => tempIn(out)],
    ['SIGTERM while Chromium runs', 'SIGTERM', 'fast', (_out, tmp) => chromiumUp(tmp)],
  ];

  it.each(cases)('%s: exit 130, nothing left behind', async (_name, signal, via, when) => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'iot-audit-interrupt-'));
    const [out, tmp] = [path.join(dir, 'out'), path.join(dir, 'tmp')];
    mkdirSync(tmp);
    const run = await interruptReport(out, tmp, when, signal, via);
    expect(run.sentAt, 'the moment to interrupt at came').not.toBeNull();
    expect(run.code).toBe(130);
    expect(run.msToExit).toBeLessThan(2000);
    expect(run.stderr).toBe('');
    expect(existsSync(out) ? readdirSync(out) : []).toEqual([]);
    expect(await processesGone(tmp)).toBe('');
    expect(chromiumFolders(tmp)).toEqual([]);
  });

  it.each(['fast', 'oclif'] as const)('under --json (%s), SIGTERM prints the error object a job parses: exit 130 (2026-11-26 review)', async (via) => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'iot-audit-interrupt-'));
    const [out, tmp] = [path.join(dir, 'out'), path.join(dir, 'tmp')];
    mkdirSync(tmp);
    const run = await interruptReport(out, tmp, (o) => tempIn(o), 'SIGTERM', via, ['--json']);
    expect(run.code).toBe(130);
    expect(JSON.parse(run.stdout)).toEqual({ error: { name: 'Interrupted', message: 'interrupted (SIGTERM): no report was written', exitCode: 130 } });
    expect(run.stderr).toBe('');
    expect(existsSync(out) ? readdirSync(out) : []).toEqual([]);
  });

  it('an earlier report in --out is left as it was', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'iot-audit-interrupt-'));
    const [out, tmp] = [path.join(dir, 'out'), path.join(dir, 'tmp')];
    mkdirSync(tmp);
    const first = await runFastCli([...base, '--format', 'json,md', '--out', out]);
    expect(first.code).toBe(0);
    const before = readdirSync(out).sort();
    writeFileSync(path.join(out, 'notes.txt'), 'mine');
    const run = await interruptReport(out, tmp, (o) => tempIn(o), 'SIGINT', 'fast');
    expect(run.code).toBe(130);
    expect(readdirSync(out).sort()).toEqual([...before, 'notes.txt'].sort());
    const check = execFileSync('sha256sum', ['-c', 'SHA256SUMS'], { cwd: out, encoding: 'utf8' });
    expect(check).toMatch(/iot-audit-2026-10\.json: OK/);
  });
});
