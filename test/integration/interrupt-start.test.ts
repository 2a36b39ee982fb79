/**
 * A signal as `report` starts (2026-11-26 review): the handler was installed only after the PDF's
 * browser was looked for and the pipeline loaded (~150-200 ms), so a SIGTERM then had the default
 * action: exit 143, no JSON error object. It is now installed first thing. The signal is sent at a
 * fixed point of the start-up, as a module loads (test/helpers/signal-on-import.mjs), not by a timer.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** `iot-audit <args>` (the build), sent SIGTERM as the module `at` (a path under dist/) is first loaded. */
function signalledAsItLoads(at: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  const run = spawnSync(process.execPath, ['--import', './test/helpers/signal-on-import.mjs', 'bin/run.js', ...args], {
    cwd: root,
    env: { ...process.env, ...env, IOT_AUDIT_TEST_SIGNAL_AT: at, CI: 'true', NODE_ENV: 'production', NO_COLOR: '1' },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: run.status, signal: run.signal, stdout: run.stdout, stderr: run.stderr };
}

const report = ['report', '--source', 'fixtures/org-trail', '--accounts-file', 'fixtures/accounts.json', '--period', '2026-10', '--no-organization', '--format', 'json', '--json'];

describe('a signal as the command starts: exit 130 and the error object, not the default action (exit 143, nothing)', () => {
  it.each([
    ['report, the fast start: as it loads the scan switches', 'dist/collect/pool.js', {}],
    ['report, the fast start: as it loads the pipeline', 'dist/pipeline/report.js', {}],
    ['report through oclif: as it loads the scan switches', 'dist/collect/pool.js', { IOT_AUDIT_OCLIF: '1' }],
  ])('%s', (_name, at, env) => {
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'iot-audit-start-')), 'out');
    dirs.push(path.dirname(out));
    const run = signalledAsItLoads(at, [...report, '--out', out], env);
    expect({ code: run.code, signal: run.signal }, run.stderr).toEqual({ code: 130, signal: null });
    expect(JSON.parse(run.stdout)).toEqual({ error: { name: 'Interrupted', message: 'interrupted (SIGTERM): no report was written', exitCode: 130 } });
    expect(existsSync(out) ? readdirSync(out) : []).toEqual([]);
  }, 60_000);

  // Before the command runs, oclif loads (~200 ms): bin/run.js catches the signals from its start (2026-11-26 review: exit 143, nothing).
  it.each([
    ['verify: as oclif loads', '@oclif/core/lib/index.js'],
    ['verify: as oclif loads the command', 'dist/commands/verify.js'],
  ])('%s', (_name, at) => {
    const run = signalledAsItLoads(at, ['verify', '--source', 'fixtures/org-trail', '--period', '2026-10', '--public-keys', 'fixtures/public-keys.json', '--json']);
    expect({ code: run.code, signal: run.signal }, run.stderr).toEqual({ code: 130, signal: null });
    expect(JSON.parse(run.stdout)).toEqual({ error: { name: 'Interrupted', message: 'interrupted (SIGTERM): the check did not finish', exitCode: 130 } });
  }, 60_000);

  it('verify without --json, as oclif loads: exit 130, nothing printed', () => {
    const run = signalledAsItLoads('@oclif/core/lib/index.js', ['verify', '--source', 'fixtures/org-trail', '--period', '2026-10', '--public-keys', 'fixtures/public-keys.json']);
    expect({ code: run.code, signal: run.signal, stdout: run.stdout, stderr: run.stderr }).toEqual({ code: 130, signal: null, stdout: '', stderr: '' });
  }, 60_000);

  it('report through oclif: as oclif loads', () => {
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'iot-audit-start-')), 'out');
    dirs.push(path.dirname(out));
    const run = signalledAsItLoads('@oclif/core/lib/index.js', [...report, '--out', out], { IOT_AUDIT_OCLIF: '1' });
    expect({ code: run.code, signal: run.signal }, run.stderr).toEqual({ code: 130, signal: null });
    expect(JSON.parse(run.stdout)).toEqual({ error: { name: 'Interrupted', message: 'interrupted (SIGTERM): no report was written', exitCode: 130 } });
    expect(existsSync(out) ? readdirSync(out) : []).toEqual([]);
  }, 60_000);

  it('verify: as it loads the integrity check', () => {
    const run = signalledAsItLoads('dist/integrity/verify.js', ['verify', '--source', 'fixtures/org-trail', '--period', '2026-10', '--public-keys', 'fixtures/public-keys.json', '--json']);
    expect({ code: run.code, signal: run.signal }, run.stderr).toEqual({ code: 130, signal: null });
    expect(JSON.parse(run.stdout)).toEqual({ error: { name: 'Interrupted', message: 'interrupted (SIGTERM): the check did not finish', exitCode: 130 } });
  }, 60_000);
});

describe('the handling caught while oclif loads gives way to the command’s', () => {
  // Were it left installed, a signal would end the run as it did while loading, whatever the command's
  // handling says by then (`report`, once its files are in place, finishes its run): at the exit, none is left.
  const listenersAtExit = 'data:text/javascript,process.on("exit", () => process.stderr.write(`stop listeners: ${process.listenerCount("SIGINT")} ${process.listenerCount("SIGTERM")}\\n`))';
  it.each([
    ['verify', ['verify', '--source', 'fixtures/org-trail', '--period', '2026-10', '--public-keys', 'fixtures/public-keys.json', '--json'], {}],
    ['report through oclif', [...report], { IOT_AUDIT_OCLIF: '1' }],
  ])('%s', (_name, args, env) => {
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'iot-audit-start-')), 'out');
    dirs.push(path.dirname(out));
    const run = spawnSync(process.execPath, ['--import', listenersAtExit, 'bin/run.js', ...args, ...(args[0] === 'report' ? ['--out', out] : [])], {
      cwd: root,
      env: { ...process.env, ...env, CI: 'true', NODE_ENV: 'production', NO_COLOR: '1' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.status, run.stderr).toBe(args[0] === 'verify' ? 1 : 0);
    expect(run.stderr).toBe('stop listeners: 0 0\n');
  }, 60_000);
});
