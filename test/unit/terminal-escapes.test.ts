/**
 * Text lines on the terminal (2026-11-26 review): an S3 key, a file name or a value of a previous
 * report that holds terminal escape sequences (ESC, BEL, a C1 CSI...) retitled the terminal,
 * cleared it or recoloured it through `verify`'s text, `report`'s error line and its warnings.
 * Each line now shows them as `[U+001B]`, as the HTML and PDF do; `--json` keeps them as they are.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Errors } from '@oclif/core';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { runFast } from '../../src/cli/fast.js';
import Accounts from '../../src/commands/accounts.js';
import { printable } from '../../src/unicode.js';
import { addUnlistedLog, buildDigestTree, copyObject, deleteObject, generateRsaKeyPair } from '../helpers/digest-tree.js';
import { period, reportModel } from '../helpers/events.js';
import { stubLoopbackAwsEnv } from '../helpers/aws-env.js';
import { sampleOrganization, startOrganizationsServer } from '../helpers/organizations-server.js';
import { FIXTURE_TREE, ROOT } from '../helpers/report-options.js';
import { captured, verifyInProcess } from '../helpers/verify-in-process.js';

const ESC = '\u001b';
const BEL = '\u0007';
/** Anything that can act on a terminal or hide text: none may reach it raw. */
// eslint-disable-next-line no-control-regex -- the characters themselves
const RAW = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

const dirs: string[] = [];
const tempDir = (name: string) => {
  const dir = mkdtempSync(path.join(tmpdir(), `iot-audit-${name}-`));
  dirs.push(dir);
  return dir;
};
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

describe('printable: a line as the terminal may show it', () => {
  it.each([
    ['ESC and BEL of an OSC title and a CSI', `a${ESC}]0;PWNED${BEL}${ESC}[2J`, 'a[U+001B]]0;PWNED[U+0007][U+001B][2J'],
    ['a line break, a carriage return and a tab inside a value (a line is one line)', 'a\nb\rc\td', 'a[U+000A]b[U+000D]c[U+0009]d'],
    ['DEL and C1 controls (a C1 CSI acts as ESC [)', 'a\u007fb\u009b31mc\u0085', 'a[U+007F]b[U+009B]31mc[U+0085]'],
    ['bidi overrides and isolates', 'evil\u202etxt.exe\u2066x\u2069', 'evil[U+202E]txt.exe[U+2066]x[U+2069]'],
    ['zero-width and other invisible characters, a lone surrogate', 'ro\u200ble\u00ad\u2028\ufeff\ud83d', 'ro[U+200B]le[U+00AD][U+2028][U+FEFF][U+D83D]'],
  ])('escapes %s', (_what, text, shown) => {
    expect(printable(text)).toBe(shown);
  });

  it('keeps plain text, accents, other scripts and emoji as they are, and changes nothing escaped twice', () => {
    const plain = 'Warning: région eu-west-1 — 東京 😀 [U+001B] (already escaped)';
    expect(printable(plain)).toBe(plain);
    const once = printable(`x${ESC}[31m\u202e`);
    expect(printable(once)).toBe(once);
  });
});

describe('verify: the text output', () => {
  it('shows a log file name holding escape sequences escaped in its ERROR line; --json keeps the key', async () => {
    const root = tempDir('verify-escape');
    const tree = buildDigestTree({ root, keyPair: generateRsaKeyPair(), accounts: ['314159265358'], regions: ['us-east-1'], sidecars: true });
    const keys = path.join(root, 'keys.json');
    writeFileSync(keys, JSON.stringify(tree.publicKeyList));
    const plain = addUnlistedLog(tree, '314159265358', 'us-east-1', new Date('2026-10-01T10:00:00Z'));
    const evil = plain.replace(/_[^_]+\.json\.gz$/, `_${ESC}]0;PWNED${BEL}${ESC}[2J${ESC}[31mX.json.gz`);
    copyObject(tree, plain, evil);
    deleteObject(tree, plain);
    const args = ['--source', root, '--from', '2026-10-01', '--to', '2026-10-02', '--public-keys', keys];

    const text = await verifyInProcess(args);
    expect(text.code).toBe(1);
    const line = text.stdout.split('\n').find((l) => l.includes('ERROR log-file-not-covered'));
    expect(line).toContain(`${printable(evil)}`);
    expect(line).toContain('_[U+001B]]0;PWNED[U+0007][U+001B][2J[U+001B][31mX.json.gz');
    expect(text.stdout).not.toMatch(RAW);

    const json = await verifyInProcess([...args, '--json']);
    const result = JSON.parse(json.stdout) as { problems: { kind: string; key: string }[] };
    expect(result.problems).toContainEqual(expect.objectContaining({ kind: 'log-file-not-covered', key: evil }));
  });
});

describe('report: the error line', () => {
  it('shows a file name holding escape sequences escaped on stderr; --json keeps it in the message', async () => {
    const dir = tempDir('report-error');
    const name = `evil${ESC}]0;PWNED${BEL}${ESC}[31mRED${ESC}[0m.json`;
    writeFileSync(path.join(dir, name), '{}');
    const args = ['--source', dir, '--period', '2026-10', '--format', 'json', '--out', tempDir('report-error-out'), '--no-organization', '--threads', '0'];

    const text = await captured(() => runFast(args, {}));
    expect(text.value).toBe(3);
    const line = text.stderr.split('\n').find((l) => l.startsWith('Error: '));
    expect(line).toContain('evil[U+001B]]0;PWNED[U+0007][U+001B][31mRED[U+001B][0m.json');
    expect(text.stderr).not.toMatch(RAW);

    const json = await captured(() => runFast([...args, '--json'], {}));
    expect(json.value).toBe(3);
    expect((JSON.parse(json.stdout) as { error: { message: string } }).error.message).toContain(name);
  });

  it('keeps a message one line when a value in it holds a line break', async () => {
    const dir = tempDir('report-error-lines');
    writeFileSync(path.join(dir, 'two\nlines\r.json'), '{}');
    const text = await captured(() => runFast(['--source', dir, '--period', '2026-10', '--format', 'json', '--out', tempDir('report-error-lines-out'), '--no-organization', '--threads', '0'], {}));
    expect(text.value).toBe(3);
    expect(text.stderr).toMatch(/^Error: .*two\[U\+000A\]lines\[U\+000D\]\.json.*\n$/);
  });
});

describe('report: the warnings', () => {
  it('shows a region of a previous report holding escape sequences escaped; the --json warnings keep it', async () => {
    const dir = tempDir('report-warning');
    const region = `eu${ESC}]0;PWNED${BEL}${ESC}[2J${ESC}[31m`;
    const september = period({ start: '2026-09-01T00:00:00Z', end: '2026-10-01T00:00:00Z', month: '2026-09', label: 'September 2026 (UTC)' });
    const previous = path.join(dir, 'september.json');
    writeFileSync(previous, JSON.stringify(reportModel({ period: september, findings: [], filters: { accounts: [], regions: [region] } })));
    const args = [
      ...['--source', FIXTURE_TREE, '--period', '2026-10', '--region', 'eu-west-1', '--compare', previous],
      ...['--accounts-file', path.join(ROOT, 'fixtures/accounts.json'), '--no-organization', '--format', 'json', '--out', path.join(dir, 'out'), '--threads', '0'],
      ...['--generated-at', '2026-11-01T06:00:00Z'],
    ];

    const text = await captured(() => runFast(args, {}));
    expect(text.value).toBe(0);
    const line = text.stderr.split('\n').find((l) => l.startsWith('Warning: The previous report covered regions'));
    expect(line).toContain('(eu[U+001B]]0;PWNED[U+0007][U+001B][2J[U+001B][31m)');
    expect(text.stderr).not.toMatch(RAW);
    expect(text.stdout).not.toMatch(RAW);

    const json = await captured(() => runFast([...args, '--json'], {}));
    const { warnings } = JSON.parse(json.stdout) as { warnings: string[] };
    expect(warnings.find((w) => w.startsWith('Warning: The previous report covered regions'))).toContain(`(${region})`);
  });
});

describe('accounts: the lines on stderr and the table', () => {
  /** `iot-audit accounts <args>` in this process, against a loopback Organizations. */
  async function accounts(org: ReturnType<typeof sampleOrganization>, args: string[], deny?: string) {
    const server = await startOrganizationsServer(org);
    try {
      stubLoopbackAwsEnv({ AWS_ENDPOINT_URL_ORGANIZATIONS: server.url, AWS_REGION: 'us-east-1' });
      if (deny !== undefined) server.inject({ operation: 'DescribeOrganization', type: 'AccessDeniedException', message: deny });
      return await captured(async () => {
        try {
          await Accounts.run(args, ROOT);
        } catch (error) {
          if (!(error instanceof Errors.ExitError)) throw error;
        }
      });
    } finally {
      await server.close();
    }
  }

  it('shows what Organizations answered (its organization id, its error message) escaped on stderr', async () => {
    const org = { ...sampleOrganization(), id: `o-exampleorg1${ESC}]0;PWNED${BEL}` };
    const listed = await accounts(org, []);
    expect(listed.stderr).toContain('accounts from AWS Organizations o-exampleorg1[U+001B]]0;PWNED[U+0007] (management account');
    expect(listed.stderr).not.toMatch(RAW);

    const file = path.join(tempDir('accounts'), 'accounts.json');
    writeFileSync(file, JSON.stringify({ Accounts: [{ Id: '123456789012', Name: 'From File', Status: 'ACTIVE' }] }));
    const denied = await accounts(sampleOrganization(), ['--organization', '--accounts-file', file], 'denied for \u202Etoor');
    expect(denied.stderr).toContain('Note: AWS Organizations not readable (AccessDeniedException: denied for [U+202E]toor); account names from --accounts-file');
    expect(denied.stderr).not.toMatch(RAW);
  });

  it('shows a typed account name escaped in the table, as the HTML shows it', async () => {
    const file = path.join(tempDir('accounts-table'), 'accounts.json');
    writeFileSync(file, JSON.stringify({ Accounts: [{ Id: '123456789012', Name: `evil${ESC}[31mred\u0085`, Status: 'ACTIVE' }] }));
    const run = await accounts(sampleOrganization(), ['--accounts-file', file]);
    expect(run.stdout).toContain('123456789012  evil[U+001B][31mred[U+0085]  ACTIVE');
    expect(run.stdout).not.toMatch(RAW);
  });
});
