/**
 * The built CLI (dist/: `npm run build`) on the environment switches of its parse workers and on
 * the period flags: through the fast start (bin/run.js) and through oclif (IOT_AUDIT_OCLIF=1).
 */
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { scanPaths } from '../../src/cloudtrail/scan.js';
import { hasNativeGunzip } from '../../src/collect/gunzip-native.js';
import { runBin, type CliRun } from '../helpers/run-cli.js';

const tmp = (name: string) => mkdtempSync(path.join(os.tmpdir(), `iot-audit-switches-${name}-`));

/** `iot-audit <args>` as a user runs it (`runBin`), with none of the switches set unless `env` sets them. */
function run(args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  return runBin(args, { IOT_AUDIT_SCAN_KERNEL: '', IOT_AUDIT_GUNZIP: '', IOT_AUDIT_OCLIF: '', ...env });
}

const VIA = [
  ['the fast start', {}],
  ['oclif', { IOT_AUDIT_OCLIF: '1' }],
] as const;

const report = (out: string) => ['report', '--source', 'fixtures/org-trail', '--accounts-file', 'fixtures/accounts.json', '--period', '2026-10', '--no-organization', '--format', 'json', '--out', out];

describe('IOT_AUDIT_SCAN_KERNEL and IOT_AUDIT_GUNZIP set wrong: report fails at start, one line, exit 2, nothing written', () => {
  const wrong: [string, Record<string, string>, string][] = [
    ['a scan kernel that does not exist', { IOT_AUDIT_SCAN_KERNEL: 'avx3' }, 'Error: IOT_AUDIT_SCAN_KERNEL="avx3" is not a scan kernel: set it to wasm, avx512 or avx2'],
    ['a misspelt gunzip', { IOT_AUDIT_GUNZIP: 'libdefalte' }, 'Error: IOT_AUDIT_GUNZIP="libdefalte" is not a gunzip: set it to zlib or libdeflate'],
    // This machine's missing paths, if any (on one with the whole addon, the unit tests cover them).
    ...['avx512', 'avx2']
      .filter((isa) => !scanPaths().includes(isa as never))
      .map((isa): [string, Record<string, string>, string] => [`${isa}, which this machine lacks`, { IOT_AUDIT_SCAN_KERNEL: isa }, `Error: IOT_AUDIT_SCAN_KERNEL="${isa}" cannot run on this machine`]),
    ...(hasNativeGunzip() ? [] : [['libdeflate, which this machine lacks', { IOT_AUDIT_GUNZIP: 'libdeflate' }, 'Error: IOT_AUDIT_GUNZIP="libdeflate" cannot run on this machine'] as [string, Record<string, string>, string]]),
  ];

  for (const [via, viaEnv] of VIA) {
    it.each(wrong)(`${via}: %s`, async (_name, env, message) => {
      const out = tmp('bad');
      const result = await run(report(out), { ...viaEnv, ...env });
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr.startsWith(message)).toBe(true);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(readdirSync(out)).toEqual([]);
    });

    it(`${via}: under --json, the error object`, async () => {
      const result = await run([...report(tmp('json')), '--json'], { ...viaEnv, IOT_AUDIT_GUNZIP: 'gzip' });
      expect(result.code).toBe(2);
      expect(result.stderr).toBe('');
      expect(JSON.parse(result.stdout)).toEqual({
        error: { name: 'UsageError', message: 'IOT_AUDIT_GUNZIP="gzip" is not a gunzip: set it to zlib or libdeflate, or unset it for the fastest', exitCode: 2 },
      });
    });
  }

  it('verify (its workers read them too) fails the same way', async () => {
    const result = await run(['verify', '--source', 'fixtures/org-trail', '--period', '2026-10', '--public-keys', 'fixtures/public-keys.json'], { IOT_AUDIT_SCAN_KERNEL: 'avx3' });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^Error: IOT_AUDIT_SCAN_KERNEL="avx3" is not a scan kernel: [^\n]*\n$/);
  });

  it('set right, in any letter case, the report runs with them (IOT_AUDIT_TIMINGS names them)', async () => {
    const [scan] = scanPaths().slice(-1);
    const result = await run(report(tmp('ok')), { IOT_AUDIT_SCAN_KERNEL: scan.toUpperCase(), IOT_AUDIT_GUNZIP: 'Zlib', IOT_AUDIT_TIMINGS: '1' });
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(new RegExp(`^gunzip zlib\nscan ${scan}$`, 'm'));
  });
});

describe('the period flags: --help says what the parser takes', () => {
  it('report --help: --period, or --from with an optional --to', async () => {
    const help = await run(['report', '--help']);
    expect(help.code).toBe(0);
    const usage = help.stdout.slice(help.stdout.indexOf('USAGE'), help.stdout.indexOf('FLAGS')).replace(/\s+/g, ' ');
    expect(usage).toContain(' [--period <value> | --from <value> [--to <value>]] ');
    expect(usage).not.toContain('| --to');
    // Every flag is still on the line.
    for (const flag of ['--source <value>...', '[--json]', '[--tz <value>]', '[--paper a4|letter]', '[--generated-at <value>]']) expect(usage).toContain(flag);
  });

  // The parsing rules, as they were: --from alone ends the period now, --to needs --from, --period goes alone.
  for (const [via, viaEnv] of VIA) {
    it(`${via}: --from without --to runs to now; --from with --to runs; --to alone and --period with either are usage errors`, async () => {
      const base = ['report', '--source', 'fixtures/org-trail', '--accounts-file', 'fixtures/accounts.json', '--no-organization', '--format', 'json', '--threads', '0'];
      const [fromOnly, range, toOnly, all, periodFrom, periodTo] = await Promise.all([
        run([...base, '--from', '2026-10-30', '--out', tmp('from')], viaEnv),
        run([...base, '--from', '2026-10-01', '--to', '2026-10-08', '--out', tmp('range')], viaEnv),
        run([...base, '--to', '2026-10-08', '--out', tmp('to')], viaEnv),
        run([...base, '--period', '2026-10', '--from', '2026-10-01', '--to', '2026-10-08', '--out', tmp('all')], viaEnv),
        run([...base, '--period', '2026-10', '--from', '2026-10-01', '--out', tmp('pf')], viaEnv),
        run([...base, '--period', '2026-10', '--to', '2026-10-08', '--out', tmp('pt')], viaEnv),
      ]);
      expect(fromOnly.code).toBe(0);
      const written = /wrote (\S+\.json)/.exec(fromOnly.stdout)![1];
      const { period } = JSON.parse(readFileSync(written, 'utf8')) as { period: { start: string; end: string } };
      expect(period.start).toBe('2026-10-30T00:00:00Z');
      expect(Math.abs(Date.parse(period.end) - Date.now())).toBeLessThan(120_000);
      expect(range.code).toBe(0);
      expect(toOnly).toMatchObject({ code: 2, stdout: '', stderr: 'Error: --to needs --from: give both ends of the range, or --period YYYY-MM\n' });
      for (const refused of [all, periodFrom, periodTo]) {
        expect(refused.code).toBe(2);
        expect(refused.stderr).toMatch(/^Error: --(from|to)=2026-10-0[18] cannot also be provided when using --period[^\n]*\n$/);
      }
    });
  }
});
