/**
 * `verify` with nothing to verify (an empty folder, a filter that leaves every trail folder out,
 * an empty bucket) is a mistyped source or filter: exit 3 and one line saying what to do, as
 * `report` gives for the same mistakes (README, exit codes). It gave exit 1 and a table ending in
 * "ERROR no-digests ... is this a copy of the trail bucket?", which a CI job cannot tell from
 * tampered logs. A source with digest folders whose digests are missing stays exit 1.
 *
 * The command runs from the sources, in this process (`Verify.run`), not the build in dist/.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { SourceError } from '../../src/errors.js';
import { verifyInProcess } from '../helpers/verify-in-process.js';
import { verifyIntegrity } from '../../src/integrity/verify.js';
import { runReport } from '../../src/pipeline/report.js';
import { LocalStore } from '../../src/sources/local.js';
import { deniedStore } from '../helpers/counting-store.js';
import { buildDigestTree, deleteObject, generateRsaKeyPair, type DigestTree } from '../helpers/digest-tree.js';
import { FIXTURE_TREE, ROOT, reportOptions } from '../helpers/report-options.js';
import { s3ClientEnv, startS3Server, type S3TestServer } from '../helpers/s3-server.js';
import { record, writeTree } from '../helpers/trail-tree.js';

const A1 = '111111111111';
const PUBLIC_KEYS = path.join(ROOT, 'fixtures/public-keys.json');
const dirs: string[] = [];
let tree: DigestTree;
let keysFile: string;
let server: S3TestServer;

beforeAll(async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'verify-nothing-'));
  dirs.push(dir);
  // Eight days of digests from 2026-09-30T23:17Z; days 3 to 6 wiped (digests and log files).
  tree = buildDigestTree({ root: path.join(dir, 'bucket'), keyPair: generateRsaKeyPair(), accounts: [A1], regions: ['eu-west-1'], hours: 8 * 24, sidecars: true });
  for (const d of tree.digestsOf(A1, 'eu-west-1')) if (/\/2026\/10\/0[3-6]\//.test(d.key)) deleteObject(tree, d.key);
  for (const l of tree.logsOf(A1, 'eu-west-1')) if (/\/2026\/10\/0[3-6]\//.test(l.key)) deleteObject(tree, l.key);
  keysFile = path.join(dir, 'keys.json');
  writeFileSync(keysFile, JSON.stringify(tree.publicKeyList));
  server = await startS3Server();
});
afterAll(async () => {
  await server?.stop();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});
afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
  process.exitCode = 0;
});

const verify = verifyInProcess;

const WHAT_TO_DO = "that --source is the trail's bucket or a copy of it, with its AWSLogs/ folder (a folder of log files alone has no digests to verify)";

describe('verify with nothing to verify: exit 3, one line', () => {
  it('an empty folder, also with --json', async () => {
    const empty = mkdtempSync(path.join(tmpdir(), 'verify-empty-'));
    dirs.push(empty);
    const run = await verify(['--source', empty, '--period', '2026-10', '--public-keys', PUBLIC_KEYS]);
    expect(run).toEqual({
      code: 3,
      stdout: '',
      stderr: `Error: no CloudTrail log or digest folders (AWSLogs/<account>/CloudTrail/ or CloudTrail-Digest/) were found under ${empty}: check ${WHAT_TO_DO}\n`,
    });
    const json = await verify(['--source', empty, '--period', '2026-10', '--public-keys', PUBLIC_KEYS, '--json']);
    expect(json.code).toBe(3);
    expect(JSON.parse(json.stdout)).toEqual({ error: { name: 'SourceError', message: expect.stringMatching(/^no CloudTrail log or digest folders/), exitCode: 3 } });
  });

  it('a trail whose folders --account and --region leave out', async () => {
    const source = path.relative(process.cwd(), FIXTURE_TREE);
    const run = await verify(['--source', source, '--period', '2026-10', '--public-keys', PUBLIC_KEYS, '--account', '999999999999', '--region', 'eu-west-1']);
    expect(run.code).toBe(3);
    expect(run.stderr).toBe(
      `Error: no CloudTrail log or digest folders (AWSLogs/<account>/CloudTrail/ or CloudTrail-Digest/) were found under ${source} with --account 999999999999 and --region eu-west-1: ` +
        `check the accounts and regions asked for, and ${WHAT_TO_DO}\n`,
    );
  });

  it('a plain folder of log files (no digests to check against)', async () => {
    const loose = path.relative(process.cwd(), path.join(ROOT, 'fixtures/loose-files'));
    const run = await verify(['--source', loose, '--period', '2026-10', '--public-keys', PUBLIC_KEYS]);
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/^Error: no CloudTrail log or digest folders .* under fixtures\/loose-files: check that --source is the trail's bucket/);
  });

  it('an empty S3 bucket', async () => {
    await server.createBucket('empty-trail');
    for (const [name, value] of Object.entries(s3ClientEnv(server.endpoint))) vi.stubEnv(name, value);
    const run = await verify(['--source', 's3://empty-trail', '--period', '2026-10', '--public-keys', PUBLIC_KEYS]);
    expect(run.code).toBe(3);
    expect(run.stderr).toBe(`Error: no CloudTrail log or digest folders (AWSLogs/<account>/CloudTrail/ or CloudTrail-Digest/) were found under s3://empty-trail: check ${WHAT_TO_DO}\n`);
  });

  it('says what could not be listed, in report\'s words, when nothing could be', async () => {
    const denied = deniedStore('s3://locked');
    const check = (nothingToCheck?: 'problem' | 'source-error') =>
      verifyIntegrity({ stores: [denied], start: new Date('2026-10-01T00:00:00Z'), end: new Date('2026-10-02T00:00:00Z'), publicKeys: [], nothingToCheck });
    await expect(check('source-error')).rejects.toThrow(new SourceError('nothing could be listed: could not list: Access Denied (/); check the source and your permissions'));
    // The default (report --verify): a failed check, as before.
    expect((await check()).problems.map((p) => p.kind).sort()).toEqual(['listing-failed', 'no-digests']);
  });
});

describe('what stays as it was', () => {
  it('digests missing for the period, under digest folders: an integrity failure (exit 1), not a source error', async () => {
    const run = await verify(['--source', tree.root, '--from', '2026-10-04', '--to', '2026-10-05', '--public-keys', keysFile, '--json']);
    expect(run.code).toBe(1);
    const json = JSON.parse(run.stdout) as { ok: boolean; problems: { kind: string; severity: string }[] };
    expect(json.ok).toBe(false);
    expect(json.problems).toEqual([expect.objectContaining({ kind: 'digest-missing', severity: 'error' })]);
  });

  it('an intact period of the same trail passes (exit 0)', async () => {
    const run = await verify(['--source', tree.root, '--from', '2026-10-01', '--to', '2026-10-02', '--public-keys', keysFile]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(': VERIFIED\n');
  });

  it('a source with nothing beside one with a trail: that source is a no-digests error (exit 1)', async () => {
    const empty = mkdtempSync(path.join(tmpdir(), 'verify-empty-'));
    dirs.push(empty);
    const run = await verify(['--source', empty, '--source', tree.root, '--from', '2026-10-01', '--to', '2026-10-02', '--public-keys', keysFile, '--json']);
    expect(run.code).toBe(1);
    expect((JSON.parse(run.stdout) as { problems: { kind: string; source: string }[] }).problems).toEqual([expect.objectContaining({ kind: 'no-digests', source: empty })]);
  });

  it('report --verify of a plain folder of log files: the report, its Integrity section failing with no-digests', async () => {
    const loose = writeTree({ 'events.json': [record({ eventID: 'loose-1' })] });
    dirs.push(loose);
    const { model } = await runReport(reportOptions({ sources: [loose], accountsFile: undefined, verify: { publicKeysFile: PUBLIC_KEYS } }));
    expect(model.events.map((e) => e.eventId)).toEqual(['loose-1']);
    expect(model.integrity!.ok).toBe(false);
    expect(model.integrity!.problems.map((p) => p.kind)).toEqual(['no-digests']);
  });

  it('verifyIntegrity without nothingToCheck keeps its no-digests problem (the report\'s Integrity section)', async () => {
    const empty = mkdtempSync(path.join(tmpdir(), 'verify-empty-'));
    dirs.push(empty);
    const result = await verifyIntegrity({ stores: [new LocalStore(empty)], start: new Date('2026-10-01T00:00:00Z'), end: new Date('2026-10-02T00:00:00Z'), publicKeys: [] });
    expect(result.ok).toBe(false);
    expect(result.problems).toEqual([expect.objectContaining({ kind: 'no-digests' })]);
  });
});
