/**
 * A signal once the report's files are in place (2026-11-26 review): the handler stayed installed
 * until the run settled, so a SIGTERM between the commit's renames and the end of the run exited
 * 130 saying "no report was written", with the new files and SHA256SUMS in place. The run now
 * finishes with its real result; a second signal exits 130 saying the report was written. The
 * signal is sent in this process, at the commit point: `OutputSession.commit` wrapped.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { runFast } from '../../src/cli/fast.js';
import { OutputSession } from '../../src/output/writer.js';
import { captured } from '../helpers/verify-in-process.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** `report --json` (the fast start, in this process), sent `signals` as soon as its commit has put the files in place. */
async function signalledAtCommit(signals: NodeJS.Signals[]) {
  const out = path.join(mkdtempSync(path.join(tmpdir(), 'iot-audit-written-')), 'out');
  dirs.push(path.dirname(out));
  const args = ['--source', 'fixtures/org-trail', '--accounts-file', 'fixtures/accounts.json', '--period', '2026-10', '--no-organization', '--threads', '0'];
  const exits: (string | number | null | undefined)[] = [];
  const run = await captured(async () => {
    // process.exit stops the run here as it would the process: nothing after it runs.
    vi.spyOn(process, 'exit').mockImplementation((code) => {
      exits.push(code);
      throw new Error(`process.exit(${code})`);
    });
    const commit = OutputSession.prototype.commit;
    vi.spyOn(OutputSession.prototype, 'commit').mockImplementation(async function (this: OutputSession) {
      const written = await commit.call(this);
      for (const signal of signals) process.emit(signal, signal);
      return written;
    });
    return runFast([...args, '--format', 'json,md', '--out', out, '--json'], {});
  });
  return { ...run, exits, out };
}

describe('report: a signal once the files are in place', () => {
  it('SIGTERM: the run finishes with its real result (exit 0, the --json summary), not "no report was written"', async () => {
    const run = await signalledAtCommit(['SIGTERM']);
    expect(run.exits).toEqual([]);
    expect(run.value).toBe(0);
    const json = JSON.parse(run.stdout) as { outputs: { name: string }[]; exitCode: number };
    expect(json.exitCode).toBe(0);
    expect(json.outputs.map((o) => o.name)).toEqual(['iot-audit-2026-10.json', 'iot-audit-2026-10.md']);
    expect(readFileSync(path.join(run.out, 'SHA256SUMS'), 'utf8')).toMatch(/iot-audit-2026-10\.md\n$/);
    expect(execFileSync('sha256sum', ['-c', 'SHA256SUMS'], { cwd: run.out, encoding: 'utf8' })).toMatch(/json: OK\n.*md: OK\n/);
  });

  it('a second signal exits 130 at once, saying the report was written', async () => {
    const run = await signalledAtCommit(['SIGINT', 'SIGINT']);
    expect(run.exits).toEqual([130]);
    expect(run.stdout).toContain('"message": "interrupted (SIGINT): the report was written, its clean-up did not finish"');
    expect(run.stdout).not.toContain('no report was written');
    expect(execFileSync('sha256sum', ['-c', 'SHA256SUMS'], { cwd: run.out, encoding: 'utf8' })).toMatch(/json: OK\n.*md: OK\n/);
  });
});
