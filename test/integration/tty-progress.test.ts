/**
 * On a terminal, `report` shows one progress line while it reads, and clears it when the run
 * ends, in a report or in an error: the error is then a line of its own (it was glued to the
 * progress line: `... ETA 1Error: the browser ...`). Run under `script`, which gives the run a
 * terminal; skipped where there is none.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const hasScript = spawnSync('script', ['--version']).status === 0;
const dir = mkdtempSync(path.join(os.tmpdir(), 'iot-audit-tty-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The run's terminal output (stdout and stderr as the terminal got them) and exit code. */
function onTerminal(args: string[]): { text: string; code: number | null } {
  const command = [process.execPath, 'bin/run.js', ...args].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ');
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', NODE_ENV: 'production' };
  delete env.CI;
  // -e: script exits with the command's code.
  const run = spawnSync('script', ['-qec', command, '/dev/null'], { cwd: ROOT, env, encoding: 'utf8', timeout: 60_000 });
  return { text: run.stdout, code: run.status };
}

describe.skipIf(!hasScript)('report on a terminal', () => {
  it('clears its progress line before an error, which starts a line of its own', () => {
    const { text, code } = onTerminal([
      'report', '--source', 'fixtures/org-trail', '--accounts-file', 'fixtures/accounts.json', '--period', '2026-10',
      '--format', 'json,pdf', '--browser', '/bin/true', '--out', path.join(dir, 'failed'),
    ]);
    expect(code).toBe(4);
    // The progress line was shown...
    expect(text).toMatch(/\rreading: \d+\/\d+ files/);
    // ...and cleared (carriage return, erase line) right before the error.
    expect(text).toContain('\r\u001b[KError: the browser /bin/true did not start');
  });

  it('verify clears its progress line before an error too', () => {
    const { text, code } = onTerminal(['verify', '--source', 'fixtures/org-trail', '--period', '2026-10', '--account', '999999999999', '--public-keys', 'fixtures/public-keys.json']);
    expect(code).toBe(3);
    expect(text).toMatch(/\rdiscover: /);
    expect(text).toContain('\r\u001b[KError: no CloudTrail log or digest folders');
  });
});
