/**
 * A reader that stops early (`iot-audit report ... | head -1`) closes the pipe: what the command
 * writes after that is dropped, without a stack trace and without changing the exit code (the
 * report files are written all the same).
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const base = ['--source', 'fixtures/org-trail', '--accounts-file', 'fixtures/accounts.json', '--period', '2026-10', '--no-organization', '--threads', '0'];
const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'iot-audit-closed-pipe-'));

/**
 * Runs the CLI from source with `closed` (stdout, stderr or both) piped to a reader that has
 * gone away before the command writes anything: `fast` is the fast start of `report`
 * (src/cli/fast.ts, as bin/run.js runs it), `oclif` the commands through oclif (bin/dev.js).
 */
function runClosed(via: 'fast' | 'oclif', args: string[], closed: 'stdout' | 'stderr' | 'both'): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const argv = via === 'fast' ? ['--import', 'tsx', 'test/helpers/fast-cli.ts', ...args] : ['bin/dev.js', ...args];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, argv, { cwd: root, env: { ...process.env, CI: 'true', NODE_ENV: 'production', NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    if (closed === 'stdout' || closed === 'both') child.stdout.destroy();
    else child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    if (closed === 'stderr' || closed === 'both') child.stderr.destroy();
    else child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('report into a closed pipe (the fast start)', () => {
  it('stdout closed: exit 0, no stack, every file written and verified', async () => {
    const out = tmp();
    const run = await runClosed('fast', [...base, '--format', 'json,md', '--out', out], 'stdout');
    expect(run).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(readdirSync(out).sort()).toEqual(['SHA256SUMS', 'iot-audit-2026-10.json', 'iot-audit-2026-10.md']);
    expect(execFileSync('sha256sum', ['-c', 'SHA256SUMS'], { cwd: out, encoding: 'utf8' })).toMatch(/iot-audit-2026-10\.md: OK/);
  });

  it('stdout closed with --fail-on: still exit 1 (the gate), its line on stderr and nothing else', async () => {
    const run = await runClosed('fast', [...base, '--format', 'json', '--config', 'examples/iot-audit.config.yaml', '--fail-on', 'high', '--out', tmp()], 'stdout');
    expect(run).toEqual({ code: 1, stdout: '', stderr: 'Findings at or above --fail-on high: exit 1\n' });
  });

  it('stdout closed with --json: exit 0, no stack', async () => {
    expect(await runClosed('fast', [...base, '--format', 'json', '--json', '--out', tmp()], 'stdout')).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it('a failure keeps its exit code with stdout (--json) or stderr closed', async () => {
    const bad = [...base, '--tz', 'Mars/Olympus', '--out', tmp()];
    expect(await runClosed('fast', [...bad, '--json'], 'stdout')).toEqual({ code: 2, stdout: '', stderr: '' });
    expect(await runClosed('fast', bad, 'stderr')).toMatchObject({ code: 2, stdout: '' });
  });

  it('both closed (`2>&1 | head -1`): the exit code of the run', async () => {
    const out = tmp();
    expect((await runClosed('fast', [...base, '--format', 'json', '--out', out], 'both')).code).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['SHA256SUMS', 'iot-audit-2026-10.json']);
    expect((await runClosed('fast', [...base, '--format', 'json', '--config', 'examples/iot-audit.config.yaml', '--fail-on', 'high', '--out', tmp()], 'both')).code).toBe(1);
  });
});

describe('every command through oclif into a closed stdout', () => {
  const cases: [string, string[], number][] = [
    ['report', ['report', ...base, '--format', 'json', '--out', tmp()], 0],
    ['verify (exit 1: the fixtures hold integrity problems)', ['verify', '--source', 'fixtures/org-trail', '--period', '2026-10', '--public-keys', 'fixtures/public-keys.json', '--threads', '0'], 1],
    ['accounts', ['accounts', '--accounts-file', 'fixtures/accounts.json', '--no-organization'], 0],
    ['rules', ['rules'], 0],
    ['rules --json', ['rules', '--json'], 0],
  ];
  it.each(cases)('%s', async (_name, args, code) => {
    const run = await runClosed('oclif', args, 'stdout');
    expect(run.code).toBe(code);
    expect(run.stderr).not.toMatch(/EPIPE|\n\s+at /);
  });
});

// Through oclif, a closed stderr crashed the run with EPIPE before the report was written: oclif
// guards stdout only (2026-11-26 review). Progress, timings and warnings go to stderr.
describe('every command through oclif into a closed stderr, or both closed', () => {
  it('report with its timings on stderr: the report is written, the exit code kept', async () => {
    for (const closed of ['stderr', 'both'] as const) {
      const out = tmp();
      const child = await new Promise<number | null>((resolve, reject) => {
        const run = spawn(process.execPath, ['bin/dev.js', 'report', ...base, '--format', 'json', '--out', out], {
          cwd: root,
          env: { ...process.env, CI: 'true', NODE_ENV: 'production', NO_COLOR: '1', IOT_AUDIT_TIMINGS: '1' },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        if (closed === 'both') run.stdout.destroy();
        else run.stdout.resume();
        run.stderr.destroy();
        run.on('error', reject);
        run.on('close', resolve);
      });
      expect(child, closed).toBe(0);
      expect(readdirSync(out).sort()).toEqual(['SHA256SUMS', 'iot-audit-2026-10.json']);
    }
  });

  it('verify keeps its exit code (3 here: a crash on EPIPE would be 1)', async () => {
    const run = await runClosed('oclif', ['verify', '--source', 'fixtures/org-trail', '--period', '2026-10', '--account', '999999999999', '--public-keys', 'fixtures/public-keys.json', '--threads', '0'], 'both');
    expect(run.code).toBe(3);
  });
});
