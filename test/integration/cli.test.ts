import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { SCHEMA_VERSION } from '../../src/report/model.js';
import { runCli, runFastCli, type CliRun } from '../helpers/run-cli.js';

const root = path.resolve(import.meta.dirname, '../..');

const cli = runCli;

const tmp = (name: string) => mkdtempSync(path.join(os.tmpdir(), `iot-audit-cli-${name}-`));

/** Runs `node <args>` with test/helpers/load-probe.mjs, which names on stderr the slow packages the run loaded. */
function probe(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) =>
    execFile(process.execPath, ['--import', './test/helpers/load-probe.mjs', ...args], { cwd: root, env: { ...process.env, ...env } }, (e, _o, stderr) =>
      resolve({ code: e ? ((e as { code?: number }).code ?? 1) : 0, stderr }),
    ),
  );
}

/** `args` with each flag of `extra` set to its value there (replacing the base's). */
function withFlags(args: string[], extra: string[]): string[] {
  const out = [...args];
  for (let i = 0; i < extra.length; i++) {
    const flag = extra[i];
    const value = extra[i + 1] !== undefined && !extra[i + 1].startsWith('--') ? extra[++i] : undefined;
    const at = out.indexOf(flag);
    if (at >= 0 && value !== undefined) out.splice(at, 2, flag, value);
    else out.push(flag, ...(value !== undefined ? [value] : []));
  }
  return out;
}

const base = ['report', '--source', 'fixtures/org-trail', '--accounts-file', 'fixtures/accounts.json', '--period', '2026-10', '--no-organization', '--threads', '0'];

describe('iot-audit report: bad input gets one line, a documented exit code and no output', () => {
  const cases: [string, string[], number, RegExp][] = [
    ['an unknown time zone', ['--tz', 'Mars/Olympus'], 2, /unknown time zone "Mars\/Olympus": use an IANA name/],
    ['a bad month', ['--period', '2026-13'], 2, /--period "2026-13" is not a month/],
    ['a missing folder', ['--source', 'no/such/folder'], 2, /source folder "no\/such\/folder" does not exist/],
    ['an unknown format', ['--format', 'json,docx'], 2, /unknown format "docx" in --format/],
    ['an unknown flag', ['--colour'], 2, /Nonexistent flag: --colour/],
    ['--public-keys without --verify', ['--public-keys', 'fixtures/public-keys.json'], 2, /go with --verify/],
    ['a --compare file that is not a report', ['--compare', 'fixtures/accounts.json'], 2, /^Error: fixtures\/accounts\.json: no schemaVersion; expected the JSON report written by iot-audit/],
    ['a bad S3 URL', ['--source', 's3://Bad_Bucket'], 2, /not a valid S3 bucket name: "Bad_Bucket" in "s3:\/\/Bad_Bucket" \(bucket names are 3 to 63 lowercase letters, digits, dots and hyphens\): check the bucket's name/],
    ['a bad Athena URL', ['--source', 'athena://nodot'], 2, /is not an Athena table/],
    ['a paper size that does not exist', ['--paper', 'a3'], 2, /Expected --paper=a3 to be one of: a4, letter/],
    ['an integer flag out of range', ['--late-days', '20'], 2, /^Error: --late-days: Expected an integer less than or equal to 14 but received: 20 \(see --help\)\n$/],
    ['an account id that is not 12 digits', ['--account', '123'], 2, /^Error: --account "123" is not an AWS account id: give 12 digits, e\.g\. 111122223333\n$/],
    ['a region that is not a region code', ['--region', 'mars-1'], 2, /^Error: --region "mars-1" is not an AWS region name: use e\.g\. us-east-1 or eu-west-1\n$/],
    ['a generation time that is not ISO', ['--generated-at', '12'], 2, /^Error: --generated-at "12" is not an ISO 8601 date-time with Z or an offset: use e\.g\. 2026-11-01T06:00:00Z/],
    ['a generation time without its offset', ['--generated-at', '2026-11-01T06:00'], 2, /--generated-at "2026-11-01T06:00" is not an ISO 8601 date-time with Z or an offset/],
    [
      'a source folder without a log file',
      ['--source', tmp('empty-source')],
      3,
      /^Error: no CloudTrail log files were found for October 2026 \(UTC\) under \S+empty-source\S*: check that --source is the trail's bucket/,
    ],
    [
      'an account the trail does not log',
      ['--account', '123456789012', '--region', 'eu-west-1'],
      3,
      /^Error: no CloudTrail log files were found for October 2026 \(UTC\) under fixtures\/org-trail with --account 123456789012 and --region eu-west-1: check the accounts and regions asked for/,
    ],
  ];

  it.each(cases)('%s', async (_name, extra, code, message) => {
    const out = tmp('bad');
    const run = await cli([...withFlags(base, extra), '--out', out]);
    expect(run.code).toBe(code);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(message);
    expect(readdirSync(out)).toEqual([]);
  });

  it('an --out that is a file, or inside one, fails before the read (exit 5) and leaves the file as it was', async () => {
    const file = path.join(tmp('out-file'), 'report.txt');
    writeFileSync(file, 'mine\n');
    for (const [out, named] of [
      [file, 'it'],
      [path.join(file, 'reports'), file],
    ] as const) {
      // With timings on, a run that read anything would say so on stderr.
      const run = await cli([...base, '--out', out], { IOT_AUDIT_TIMINGS: '1' });
      expect(run.code).toBe(5);
      expect(run.stderr).toBe(`Error: cannot write the report to ${out}: ${named} is a file, not a folder; choose a folder with --out\n`);
      expect(readFileSync(file, 'utf8')).toBe('mine\n');
    }
  });

  it('no --source at all names the missing flag', async () => {
    const run = await cli(['report', '--period', '2026-10']);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('Error: Missing required flag source (see --help)\n');
  });

  it('a malformed accounts file and a bad config file', async () => {
    const dir = tmp('inputs');
    writeFileSync(path.join(dir, 'accounts.json'), '{"Accounts":[{"Id":"12ab"}]}');
    writeFileSync(path.join(dir, 'config.json'), '{"rules":{"no-such-rule":{}}}');
    const accounts = await cli([...withFlags(base, ['--accounts-file', path.join(dir, 'accounts.json')]), '--out', path.join(dir, 'out')]);
    expect(accounts.code).toBe(2);
    expect(accounts.stderr).toMatch(/Accounts\[0\]\.Id "12ab" is not a 12-digit account id/);
    const config = await cli([...base, '--config', path.join(dir, 'config.json'), '--out', path.join(dir, 'out')]);
    expect(config.code).toBe(2);
    expect(config.stderr.trim().split('\n')).toHaveLength(1);
    expect(config.stderr).toMatch(/no-such-rule/);
  });

  it('an invalid SOURCE_DATE_EPOCH is a usage error naming it, not ignored', async () => {
    const out = tmp('epoch');
    const run = await cli([...base, '--out', out], { SOURCE_DATE_EPOCH: 'abc' });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('Error: SOURCE_DATE_EPOCH "abc" is not a number of seconds since 1970-01-01 UTC: set it to a whole number (e.g. 1793512800) or unset it\n');
    expect(readdirSync(out)).toEqual([]);
  });

  it('a JSON config with a repeated key, or YAML with an unknown tag, is refused (exit 2), not read with a rule switched off', async () => {
    const dir = tmp('config-repeats');
    const json = path.join(dir, 'config.json');
    writeFileSync(json, '{"rules":{"overly-permissive-policy":{"enabled":true}},"suppressions":[],"rules":{"overly-permissive-policy":{"enabled":false}}}');
    const repeated = await cli([...base, '--config', json, '--format', 'json', '--fail-on', 'critical', '--out', path.join(dir, 'out'), '--json']);
    expect(repeated.code).toBe(2);
    expect(repeated.stderr).toBe('');
    expect(JSON.parse(repeated.stdout).error.message).toBe(`${json}: not valid JSON: key rules appears twice (again at line 1, column 74): keep one, merging their settings`);
    const yaml = path.join(dir, 'config.yaml');
    writeFileSync(yaml, 'suppressions:\n  - account: "314159265358"\n    rule: overly-permissive-policy\n    resource: x\n    reason: !vault accepted\n');
    const tagged = await cli([...base, '--config', yaml, '--format', 'json', '--out', path.join(dir, 'out'), '--json']);
    expect(tagged.code).toBe(2);
    // Nothing from the yaml library (a YAMLWarning) on stderr, under --json or not.
    expect(tagged.stderr).toBe('');
    expect(JSON.parse(tagged.stdout).error.message).toBe(`${yaml}: not valid YAML: Unresolved tag: !vault at line 5, column 13: remove the tag (a config file takes plain values)`);
    const plain = await cli([...base, '--config', yaml, '--format', 'json', '--out', path.join(dir, 'out')]);
    expect(plain.code).toBe(2);
    expect(plain.stderr).toBe(`Error: ${yaml}: not valid YAML: Unresolved tag: !vault at line 5, column 13: remove the tag (a config file takes plain values)\n`);
  });

  it('a --compare file whose period ends at or before its start is refused (exit 2), naming period.end', async () => {
    const dir = tmp('compare-empty-period');
    const golden = JSON.parse(readFileSync(path.join(root, 'test/golden/report.json'), 'utf8'));
    const bad = path.join(dir, 'previous.json');
    writeFileSync(bad, JSON.stringify({ ...golden, period: { ...golden.period, end: golden.period.start } }));
    const run = await cli([...base, '--compare', bad, '--format', 'json', '--out', path.join(dir, 'out'), '--json']);
    expect(run.code).toBe(2);
    expect(JSON.parse(run.stdout).error.message).toBe(
      `${bad}: period.end "${golden.period.start}" is not after period.start "${golden.period.start}"; expected the JSON report written by iot-audit (schemaVersion ${SCHEMA_VERSION})`,
    );
  });

  it('a --compare file whose fields are not a report\'s is refused, naming the first bad field', async () => {
    const dir = tmp('compare-bad');
    const golden = JSON.parse(readFileSync(path.join(root, 'test/golden/report.json'), 'utf8'));
    const bad = path.join(dir, 'previous.json');
    writeFileSync(bad, JSON.stringify({ ...golden, findings: [{ id: 'x', ruleId: 'r', severity: 'bogus', accountId: '314159265358', resource: 'p' }] }));
    const out = path.join(dir, 'out');
    const run = await cli([...base, '--compare', bad, '--format', 'json', '--out', out, '--json']);
    expect(run.code).toBe(2);
    expect(JSON.parse(run.stdout)).toEqual({
      error: {
        name: 'CompareError',
        message: `${bad}: findings[0].severity is "bogus", not one of info, low, medium, high, critical; expected the JSON report written by iot-audit (schemaVersion ${SCHEMA_VERSION})`,
        exitCode: 2,
      },
    });
  });

  it('reports a bad flag value (exit 2) before a missing browser (exit 4)', async () => {
    for (const bad of [['--account', '123'], ['--region', 'mars-1'], ['--generated-at', '12']]) {
      const run = await cli([...base, ...bad, '--format', 'pdf', '--browser', '/nonexistent/chromium', '--out', tmp('usage-first')]);
      expect(run.code, bad.join(' ')).toBe(2);
    }
  });

  it('a --compare report of the same period is a warning in the report, whose JSON keeps to the schema', async () => {
    const out = tmp('compare-same');
    const run = await cli([...base, '--compare', 'test/golden/report.json', '--format', 'json,md', '--out', out]);
    expect(run.code).toBe(0);
    const model = JSON.parse(readFileSync(path.join(out, 'iot-audit-2026-10.json'), 'utf8'));
    expect(model.comparison.warnings).toEqual([expect.stringMatching(/^The previous report covers the same period as this one \(October 2026 \(UTC\)\)/)]);
    const validate = new Ajv({ allErrors: true, strict: false }).compile(JSON.parse(readFileSync(path.join(root, 'schemas/report.schema.json'), 'utf8')));
    expect(validate(model), JSON.stringify(validate.errors)).toBe(true);
    expect(readFileSync(path.join(out, 'iot-audit-2026-10.md'), 'utf8')).toContain('- **Warning:** The previous report covers the same period as this one');
    // And on stderr, for whoever runs it.
    expect(run.stderr).toMatch(/^Warning: The previous report covers the same period as this one/m);
  });

  it('under --json the warnings are in the JSON (a --compare of the same period, a period not ended), with the rule errors and records without a time counted (2026-11-26 review)', async () => {
    const out = tmp('json-warnings');
    // Through the fast start and through oclif.
    for (const env of [{}, { IOT_AUDIT_OCLIF: '1' }] as Record<string, string>[]) {
      const run = await cli([...withFlags(base, ['--period']).filter((a) => a !== '--period' && a !== '2026-10'), '--from', '2026-10-01', '--to', '2099-01-01', '--compare', 'test/golden/report.json', '--format', 'json', '--out', out, '--json'], env);
      expect(run.code, run.stderr).toBe(0);
      const json = JSON.parse(run.stdout);
      expect(json.warnings).toEqual([
        'Warning: the period has not ended (it ends 2099-01-01T00:00:00Z): the report holds the events logged up to now; run it again after its end for the whole period',
        expect.stringMatching(/^Warning: The previous report's period \(October 2026 \(UTC\)\) overlaps this one/),
      ]);
      expect(json.period.label).toBe('2026-10-01 00:00 – 2099-01-01 00:00 (UTC), read before its end');
      expect(json.summary.ruleErrors).toBe(0);
      expect(json.coverage.iotRecordsWithoutTime).toBe(0);
      expect(json.coverage.iotRecordsWithoutName).toBe(0);
      expect(run.stderr).toBe('');
    }
  });

  it('says an expired suppression on stderr, in --json warnings and in the Markdown, not only in the HTML: its findings count for --fail-on again (2026-11-26 review)', async () => {
    const out = tmp('expired-suppression');
    const config = path.join(tmp('expired-suppression-config'), 'audit.yaml');
    writeFileSync(config, 'suppressions:\n  - account: "314159265358"\n    rule: human-without-mfa\n    resource: "*"\n    reason: accepted until mid-month\n    expires: "2026-10-15"\n');
    const note = /^Note: Suppression of human-without-mfa for "\*" in account 314159265358 expired on 2026-10-15 and was not applied to \d+ findings?\.$/;
    const run = await cli([...base, '--config', config, '--format', 'json,md,csv', '--fail-on', 'high', '--out', out]);
    expect(run.code, run.stderr).toBe(1);
    const lines = run.stderr.split('\n');
    const at = lines.findIndex((l) => note.test(l));
    expect(at, run.stderr).toBeGreaterThanOrEqual(0);
    // Before the line that says why the run failed.
    expect(lines.findIndex((l) => l.startsWith('Findings at or above --fail-on high'))).toBeGreaterThan(at);
    const model = JSON.parse(readFileSync(path.join(out, 'iot-audit-2026-10.json'), 'utf8'));
    expect(model.findingNotes).toHaveLength(1);
    // Not applied: the findings it named count again, each saying why.
    const named = model.findings.filter((f: { ruleId: string; accountId: string }) => f.ruleId === 'human-without-mfa' && f.accountId === '314159265358');
    expect(named.length).toBeGreaterThan(0);
    expect(model.findingNotes[0]).toContain(`was not applied to ${named.length} finding`);
    for (const f of named) expect(f).toMatchObject({ suppressed: false, suppressionReason: null, suppressionNote: expect.stringMatching(/^suppression expired on 2026-10-15, not applied/) });
    // The findings CSV as the JSON: no suppression reason on a finding that is not suppressed (a filter on it took them for suppressed: 2026-11-26 review).
    const csv = readFileSync(path.join(out, 'iot-audit-2026-10-findings.csv'), 'utf8');
    const header = csv.split('\r\n')[0]!.split(',');
    expect(header.slice(header.indexOf('suppressed'), header.indexOf('suppressed') + 3)).toEqual(['suppressed', 'suppressionReason', 'suppressionNote']);
    const rows = csv.split('\r\n').filter((line) => line.startsWith(`${named[0].id},`));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toContain(',false,,"suppression expired on 2026-10-15, not applied (accepted until mid-month)",');
    // Escaped as any text of the Markdown (the resource glob's `*`).
    expect(readFileSync(path.join(out, 'iot-audit-2026-10.md'), 'utf8')).toContain(`**Note:** ${model.findingNotes[0].replace('"*"', '"\\*"')}`);
    const json = JSON.parse((await cli([...base, '--config', config, '--format', 'json', '--fail-on', 'high', '--out', out, '--json'])).stdout);
    expect(json.warnings.some((w: string) => note.test(w))).toBe(true);
  });

  it('--from alone runs up to now, in whole seconds, and says its last minutes may not be delivered yet (it said nothing: 2026-11-26 review)', async () => {
    const out = tmp('from-alone');
    const run = await cli([...withFlags(base, ['--period']).filter((a) => a !== '--period' && a !== '2026-10'), '--from', '2026-10-01', '--format', 'json', '--out', out, '--json']);
    expect(run.code, run.stderr).toBe(0);
    const json = JSON.parse(run.stdout);
    expect(json.period.end).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    expect(json.warnings).toEqual([
      `Warning: the period runs up to now (${json.period.end}): CloudTrail delivers most log files within 15 minutes, some later; run it again later for the events of its last minutes`,
    ]);
  });

  it('counts an IoT record without an event name on stderr, as a warning, and one log file and one event in the singular (2026-11-26 review: "1 IoT events: 1 changes", no "Warning:")', async () => {
    const dir = tmp('nameless');
    const record = { eventVersion: '1.08', eventID: 'n-1', eventTime: '2026-10-05T10:00:00Z', eventSource: 'iot.amazonaws.com', awsRegion: 'us-east-1', recipientAccountId: '111122223333', userIdentity: { type: 'Root' } };
    mkdirSync(path.join(dir, 'logs'));
    writeFileSync(path.join(dir, 'logs', 'export.json'), JSON.stringify({ Records: [record, { ...record, eventID: 'n-2', eventName: 'CreateThing' }] }));
    const run = await cli(['report', '--source', path.join(dir, 'logs'), '--period', '2026-10', '--no-organization', '--format', 'json', '--out', path.join(dir, 'out')]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('  1 log file read, 0 unreadable');
    expect(run.stdout).toContain('  1 IoT event: 1 change, 0 failed or denied, 0 reads\n');
    expect(run.stderr.split('\n')).toContain(
      "Warning: 1 IoT record has no event name (damaged or altered: CloudTrail always writes one) and is in no event (listed in the report's Coverage)",
    );
  });

  it('says how many findings are suppressed when all are, not "findings: none" (2026-11-26 review)', async () => {
    const dir = tmp('all-suppressed');
    writeFileSync(path.join(dir, 'all.yaml'), 'suppressions:\n  - {account: "*", rule: "*", resource: "*", reason: all}\n');
    const run = await cli([...base, '--config', path.join(dir, 'all.yaml'), '--format', 'json', '--out', path.join(dir, 'out')]);
    expect(run.code, run.stderr).toBe(0);
    const model = JSON.parse(readFileSync(path.join(dir, 'out', 'iot-audit-2026-10.json'), 'utf8'));
    expect(model.findings.length).toBeGreaterThan(0);
    expect(run.stdout).toContain(`  findings: none open, ${model.findings.length} suppressed\n`);
  });

  it('a second run of the report into the same --out, of other formats or filters: SHA256SUMS vouches for its own files only, and says which are left from the earlier run (2026-11-26 review)', async () => {
    const out = tmp('mixed-set');
    expect((await cli([...base, '--format', 'html,json,md', '--out', out])).code).toBe(0);
    const second = await cli([...base, '--format', 'json', '--account', '314159265358', '--out', out, '--json']);
    expect(second.code, second.stderr).toBe(0);
    expect(JSON.parse(second.stdout).warnings).toEqual([
      `Note: iot-audit-2026-10.html, iot-audit-2026-10.md in ${out} are from an earlier run of this report, of a format this run did not write: SHA256SUMS no longer lists them`,
    ]);
    const listed = readFileSync(path.join(out, 'SHA256SUMS'), 'utf8').trim().split('\n').map((l) => l.split('  ')[1]);
    expect(listed).toEqual(['iot-audit-2026-10.json']);
    // The earlier files are still there: nothing the user made is removed.
    expect(readdirSync(out).filter((f) => !f.startsWith('.')).sort()).toEqual(['SHA256SUMS', 'iot-audit-2026-10.html', 'iot-audit-2026-10.json', 'iot-audit-2026-10.md']);
  });

  it('under --json the error is a JSON object and the exit code is kept', async () => {
    const run = await cli([...base, '--tz', 'Nowhere/City', '--json', '--out', tmp('json')]);
    expect(run.code).toBe(2);
    expect(JSON.parse(run.stdout)).toEqual({ error: { name: 'UsageError', message: expect.stringMatching(/unknown time zone/), exitCode: 2 } });
  });

  it('an unknown command, or a value without its flag, is one line that says what to do (exit 2), under --json an error object', async () => {
    const typo = await cli(['reprot']);
    expect([typo.code, typo.stdout]).toEqual([2, '']);
    expect(typo.stderr).toBe('Error: unknown command "reprot": the commands are accounts, athena-table, help, report, rules, verify; see iot-audit --help\n');
    const bare = await cli(['report', 'fixtures/org-trail', '--period', '2026-10']);
    expect(bare.code).toBe(2);
    expect(bare.stderr).toBe('Error: report takes no argument "fixtures/org-trail": every value goes with its flag (e.g. --source fixtures/org-trail); see iot-audit report --help\n');
    // A value with a colon is given back as typed (oclif joins the words with colons).
    const url = await cli(['report', 's3://my-bucket/prefix', '--period', '2026-10']);
    expect(url.stderr).toBe('Error: report takes no argument "s3://my-bucket/prefix": every value goes with its flag (e.g. --source s3://my-bucket/prefix); see iot-audit report --help\n');
    const json = await cli(['reprot', '--json']);
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout)).toEqual({ error: { name: 'UsageError', message: expect.stringMatching(/^unknown command "reprot"/), exitCode: 2 } });
  });
});

describe('iot-audit report: outputs', () => {
  it('--fail-on high exits 1 after writing every output, with SHA256SUMS that verify', async () => {
    const out = tmp('gate');
    const run = await cli([...base, '--format', 'json,csv,md', '--config', 'examples/iot-audit.config.yaml', '--fail-on', 'high', '--out', out]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/--fail-on high/);
    expect(readdirSync(out).sort()).toEqual(['SHA256SUMS', 'iot-audit-2026-10-findings.csv', 'iot-audit-2026-10.csv', 'iot-audit-2026-10.json', 'iot-audit-2026-10.md']);
    const check = await new Promise<number>((resolve) => execFile('sha256sum', ['-c', 'SHA256SUMS'], { cwd: out }, (e) => resolve(e ? 1 : 0)));
    expect(check).toBe(0);
    const findings = readFileSync(path.join(out, 'iot-audit-2026-10-findings.csv'), 'utf8').trim().split('\r\n');
    const model = JSON.parse(readFileSync(path.join(out, 'iot-audit-2026-10.json'), 'utf8'));
    expect(findings).toHaveLength(model.findings.length + 1);
    expect(model.findings.some((f: { severity: string; suppressed: boolean }) => f.severity === 'high' && !f.suppressed)).toBe(true);
  });

  it('--json prints the run summary', async () => {
    const run = await cli([...base, '--format', 'json', '--json', '--out', tmp('summary')]);
    expect(run.code).toBe(0);
    const summary = JSON.parse(run.stdout);
    expect(summary.summary).toMatchObject({ events: 634, changes: 572 });
    expect(summary.outputs.map((o: { name: string }) => o.name)).toEqual(['iot-audit-2026-10.json']);
    expect(summary.coverage).toMatchObject({ filesRead: 178, unreadableFiles: 3, sourceProblems: 0 });
    expect(summary.integrity).toBeNull();
  });

  it('--json prints plain JSON through oclif too, whatever colour theme the user has (it coloured it: 2026-11-26 review)', async () => {
    const config = tmp('theme');
    mkdirSync(path.join(config, 'iot-audit'), { recursive: true });
    writeFileSync(path.join(config, 'iot-audit', 'theme.json'), JSON.stringify({ json: { key: 'red', string: 'green' } }));
    const env = { FORCE_COLOR: '1', XDG_CONFIG_HOME: config, IOT_AUDIT_OCLIF: '1' };
    for (const args of [[...base, '--format', 'json', '--json', '--out', tmp('theme-out')], [...base, '--tz', 'Mars/X', '--json', '--out', tmp('theme-bad')]]) {
      const run = await cli(args, env);
      expect(run.stdout).not.toContain('\u001b[');
      expect(() => JSON.parse(run.stdout)).not.toThrow();
    }
  });

  it('--json with --verify says what the integrity line says: a job reading it sees a failed check', async () => {
    const out = tmp('summary-verify');
    const run = await cli([...base, '--format', 'json', '--verify', '--public-keys', 'fixtures/public-keys.json', '--json', '--out', out]);
    expect(run.code).toBe(0);
    const summary = JSON.parse(run.stdout);
    const model = JSON.parse(readFileSync(path.join(out, 'iot-audit-2026-10.json'), 'utf8'));
    expect(summary.integrity).toEqual({
      ok: false,
      verdict: model.integrity.verdict,
      errors: model.integrity.problems.filter((p: { severity: string }) => p.severity === 'error').length,
      warnings: model.integrity.problems.filter((p: { severity: string }) => p.severity === 'warning').length,
      chainsChecked: 7,
      eventsUnchecked: model.integrity.eventsUnchecked,
      eventsValid: model.integrity.eventsValid,
      eventsModified: model.integrity.eventsModified,
      eventsMissing: model.integrity.eventsMissing,
      eventsNotCovered: model.integrity.eventsNotCovered,
    });
    expect(summary.integrity.errors).toBeGreaterThan(0);
    expect(summary.integrity.verdict).toBe('failed');
    // Every event, by what the check found of its file: 13 proven, not 634 - 527 (the events of files listed by no digest are not among the unchecked).
    expect(summary.integrity).toMatchObject({ eventsValid: 13, eventsModified: 0, eventsMissing: 0, eventsNotCovered: 94, eventsUnchecked: 527 });
    expect(summary.summary.events).toBe(634);
    expect(model.events.filter((e: { integrity: string | null }) => e.integrity === 'valid')).toHaveLength(13);
  });

  it('--pdf-tagged writes a tagged PDF, through oclif and the fast start alike', async () => {
    const [a, b] = [tmp('tagged-oclif'), tmp('tagged-fast')];
    const args = [...base, '--format', 'pdf', '--pdf-tagged'];
    const runs = await Promise.all([cli([...args, '--out', a]), runFastCli([...args.slice(1), '--out', b])]);
    expect(runs.map((r) => r.code)).toEqual([0, 0]);
    const tagged = (out: string) =>
      new Promise<string>((resolve) => execFile('pdfinfo', [path.join(out, 'iot-audit-2026-10.pdf')], (_e, stdout) => resolve(/^Tagged:\s*(\S+)/m.exec(stdout)?.[1] ?? '?')));
    expect([await tagged(a), await tagged(b)]).toEqual(['yes', 'yes']);
  });

  it('the same logs and generation time give byte-identical JSON, CSV, HTML and Markdown, with or without worker threads, in any system locale', async () => {
    const args = [...base, '--format', 'json,csv,html,md', '--tz', 'Europe/Berlin', '--generated-at', '2026-11-01T06:00:00Z'];
    const [a, b] = [tmp('same-a'), tmp('same-b')];
    await cli([...args, '--out', a]);
    await cli([...withFlags(args, ['--threads', '2']), '--out', b], { LANG: 'ar_EG.UTF-8', LC_ALL: 'ar_EG.UTF-8' });
    for (const name of readdirSync(a)) expect(readFileSync(path.join(b, name)), name).toEqual(readFileSync(path.join(a, name)));
  });
});

describe('iot-audit report: the fast start (bin/run.js, without oclif) answers as oclif does', () => {
  /** A run's stdout, stderr and exit code, with its output folder named the same. */
  const seen = (run: CliRun, out: string) => ({ code: run.code, stdout: run.stdout.split(out).join('<out>'), stderr: run.stderr.split(out).join('<out>') });
  const gen = ['--generated-at', '2026-11-01T06:00:00Z'];
  const cases: [string, string[]][] = [
    ['a report with --json', [...base, ...gen, '--format', 'json,csv,md', '--json']],
    ['its lines, and --fail-on on stderr with exit 1', [...base, ...gen, '--format', 'json,md', '--fail-on', 'high']],
    ['a failure during the run', [...base, '--tz', 'Mars/Olympus']],
    ['a failure during the run, with --json', [...withFlags(base, ['--period', '2026-13']), '--json']],
  ];

  it.each(cases)('%s', async (_name, args) => {
    const [a, b] = [tmp('oclif'), tmp('fast')];
    const [oclif, fast] = await Promise.all([cli([...args, '--out', a]), runFastCli([...args.slice(1), '--out', b])]);
    expect(seen(fast, b)).toEqual(seen(oclif, a));
    expect(readdirSync(b).sort()).toEqual(readdirSync(a).sort());
    for (const name of readdirSync(a)) expect(readFileSync(path.join(b, name)), name).toEqual(readFileSync(path.join(a, name)));
  });

  // Runs dist/ (`npm run build`), as the manifest test below does.
  it('bin/run.js (the built CLI) runs a usual report without loading oclif (nor the AWS SDK), and with IOT_AUDIT_OCLIF=1 through it', async () => {
    const [fast, oclif] = await Promise.all([
      probe(['bin/run.js', ...base, '--format', 'json', '--json', '--out', tmp('bin')]),
      probe(['bin/run.js', ...base, '--format', 'json', '--json', '--out', tmp('bin')], { IOT_AUDIT_OCLIF: '1' }),
    ]);
    expect(fast).toEqual({ code: 0, stderr: '' });
    expect(oclif).toEqual({ code: 0, stderr: 'LOADED @oclif/core\n' });
  });

  it('leaves help and mistakes to oclif, writing nothing', async () => {
    for (const args of [['--help'], [...base.slice(1), '--paper', 'a3'], [...base.slice(1), '--colour']]) {
      expect(await runFastCli(args)).toEqual({ code: 99, stdout: '', stderr: 'FAST-START-DECLINED\n' });
    }
  });
});

describe('verifying offline (--public-keys) loads no AWS SDK', () => {
  // The SDK's CloudTrail client took ~75 ms of every such run's start-up (the bench's (d)).
  const offline = ['--source', 'fixtures/org-trail', '--period', '2026-10', '--public-keys', 'fixtures/public-keys.json', '--json'];
  it('report --verify and verify (the built CLI)', async () => {
    const [report, verify] = await Promise.all([
      probe(['bin/run.js', 'report', ...offline, '--verify', '--accounts-file', 'fixtures/accounts.json', '--no-organization', '--format', 'json', '--out', tmp('offline')]),
      probe(['bin/run.js', 'verify', ...offline]),
    ]);
    expect(report).toEqual({ code: 0, stderr: '' });
    // verify runs through oclif; exit 1: the fixtures hold the integrity problems the tests look for.
    expect(verify).toEqual({ code: 1, stderr: 'LOADED @oclif/core\n' });
  });
  it('the probe sees the SDK when it is loaded', async () => {
    expect(await probe(['--input-type=module', '-e', "await import('@aws-sdk/client-cloudtrail')"])).toEqual({ code: 0, stderr: 'LOADED @aws-sdk\n' });
  });
});

describe('README', () => {
  it('lists every command and flag exactly as --help does (regenerate with `npm run readme`)', async () => {
    const check = await new Promise<{ code: number; stderr: string }>((resolve) =>
      execFile(process.execPath, ['scripts/readme-commands.mjs', '--check', '--dev'], { cwd: root, env: { ...process.env, NODE_ENV: 'production' } }, (e, _o, stderr) =>
        resolve({ code: e ? 1 : 0, stderr }),
      ),
    );
    expect(check.stderr).toBe('');
    expect(check.code).toBe(0);
  });
});

describe('oclif.manifest.json (written by `npm run build`)', () => {
  it('matches the compiled commands, so start-up can skip importing them all', async () => {
    const check = await new Promise<{ code: number; stderr: string }>((resolve) =>
      execFile(process.execPath, ['scripts/oclif-manifest.mjs', '--check'], { cwd: root }, (e, _o, stderr) => resolve({ code: e ? 1 : 0, stderr })),
    );
    expect(check.stderr).toBe('');
    expect(check.code).toBe(0);
  });
});

describe('a --source inside another --source', () => {
  const inner = 'fixtures/org-trail/audit-logs';
  const note = `Note: --source ${inner} is left out: it lies inside --source fixtures/org-trail, which reads all of it`;
  it('report: read once, and said on stderr and in --json warnings', async () => {
    const withInner = [...base, '--source', inner, '--format', 'json'];
    const run = await cli([...withInner, '--out', tmp('inner-source')]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('178 log files read, 3 unreadable');
    expect(run.stderr).toContain(note);
    const json = await cli([...withInner, '--out', tmp('inner-source-json'), '--json']);
    expect(JSON.parse(json.stdout).warnings).toContain(note);
  });
  it('verify: said on stderr, stdout still one JSON object', async () => {
    const run = await cli(['verify', '--source', 'fixtures/org-trail', '--source', inner, '--period', '2026-10', '--public-keys', 'fixtures/public-keys.json', '--json']);
    expect(run.stderr).toContain(note);
    expect(() => JSON.parse(run.stdout)).not.toThrow();
  });
});
