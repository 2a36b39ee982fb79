import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDigestTree, deleteObject, generateRsaKeyPair, rewriteLog, type DigestTree } from '../helpers/digest-tree.js';
import { runCli } from '../helpers/run-cli.js';

const runVerify = (args: string[]) => runCli(['verify', ...args]);

let dir: string;
let tree: DigestTree;
let keysFile: string;
const PERIOD = ['--from', '2026-10-01', '--to', '2026-10-02'];

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'verify-cmd-'));
  tree = buildDigestTree({ root: path.join(dir, 'bucket'), keyPair: generateRsaKeyPair(), sidecars: true });
  keysFile = path.join(dir, 'keys.json');
  writeFileSync(keysFile, JSON.stringify(tree.publicKeyList));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('iot-audit verify', () => {
  it('prints a table per account and region and exits 0 on a clean tree', async () => {
    const { code, stdout } = await runVerify(['--source', tree.root, ...PERIOD, '--public-keys', keysFile]);
    expect(code).toBe(0);
    expect(stdout).toContain(': VERIFIED\n');
    expect(stdout).toMatch(/111111111111\s+eu-west-1\s+25\s+0\s+0\s+0\s+\d+\s+0\s+0\s+0\s+0\s+0\s+valid/);
    expect(stdout.match(/\svalid$/gm)).toHaveLength(4);
  });

  it('exits 1 and gives the full result with --json when a digest is missing', async () => {
    const gone = tree.digestsOf('222222222222', 'us-east-1').find((d) => d.hour === 10)!;
    deleteObject(tree, gone.key);
    const { code, stdout } = await runVerify(['--source', tree.root, ...PERIOD, '--public-keys', keysFile, '--account', '222222222222', '--json']);
    expect(code).toBe(1);
    const json = JSON.parse(stdout) as { ok: boolean; problems: { kind: string; key: string }[]; chains: unknown[]; logFiles: Record<string, string>; period: { start: string } };
    expect(json.ok).toBe(false);
    expect(json.period.start).toBe('2026-10-01T00:00:00Z');
    expect(json.chains).toHaveLength(2);
    expect(json.problems).toEqual([expect.objectContaining({ kind: 'digest-missing', key: gone.key })]);
    expect(json.logFiles[gone.logKeys[0]]).toBe('unverified');
  });

  it('hashes the log files on worker threads (the default) or on the main thread (--threads 0) alike', async () => {
    const log = tree.logsOf('111111111111', 'us-east-1').find((l) => l.hour === 6)!;
    rewriteLog(tree, log.key, (content) => {
      content.Records[0].eventName = 'DeleteCertificate';
    });
    const args = ['--source', tree.root, ...PERIOD, '--public-keys', keysFile, '--account', '111111111111', '--json'];
    const [workers, main] = await Promise.all([runVerify(args), runVerify([...args, '--threads', '0'])]);
    expect([workers.code, main.code]).toEqual([1, 1]);
    const json = JSON.parse(workers.stdout) as { problems: { kind: string; key: string }[] };
    expect(json.problems).toEqual([expect.objectContaining({ kind: 'log-file-modified', key: log.key })]);
    expect(workers.stdout).toBe(main.stdout);
  });

  it('exits 2 with a JSON error for a public keys file that is not one', async () => {
    const bad = path.join(dir, 'bad.json');
    writeFileSync(bad, '[1]');
    const { code, stdout } = await runVerify(['--source', tree.root, ...PERIOD, '--public-keys', bad, '--json']);
    expect(code).toBe(2);
    expect(JSON.parse(stdout)).toEqual({ error: { name: 'UsageError', message: 'public keys file: entry 0 is not an object', exitCode: 2 } });
  });
});

describe('iot-audit verify: bad filters and sources that cannot be read', () => {
  it('exits 2 for an account id that is not 12 digits or a region that is not a region code', async () => {
    const account = await runVerify(['--source', tree.root, ...PERIOD, '--public-keys', keysFile, '--account', '123']);
    expect(account.code).toBe(2);
    expect(account.stderr).toBe('Error: --account "123" is not an AWS account id: give 12 digits, e.g. 111122223333\n');
    const region = await runVerify(['--source', tree.root, ...PERIOD, '--public-keys', keysFile, '--region', 'mars-1', '--json']);
    expect(region.code).toBe(2);
    expect(JSON.parse(region.stdout)).toEqual({ error: { name: 'UsageError', message: '--region "mars-1" is not an AWS region name: use e.g. us-east-1 or eu-west-1', exitCode: 2 } });
  });

  // Source failures are exit 3 with report's wording, never an internal error (exit 70).
  const noCredentials = {
    AWS_ACCESS_KEY_ID: '',
    AWS_SECRET_ACCESS_KEY: '',
    AWS_SESSION_TOKEN: '',
    AWS_PROFILE: '',
    AWS_CONFIG_FILE: path.join(tmpdir(), 'iot-audit-no-such-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: path.join(tmpdir(), 'iot-audit-no-such-aws-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_REGION: 'us-east-1',
  };

  it('exits 3 with one line saying what to do when there are no credentials, also with --json', async () => {
    const run = await runCli(['verify', '--source', 's3://my-bucket', '--period', '2026-10', '--public-keys', keysFile], noCredentials);
    expect(run.code).toBe(3);
    expect(run.stderr).toBe('Error: s3://my-bucket: no AWS credentials found: set AWS_PROFILE, pass --profile, or run in an environment with a role\n');
    const json = await runCli(['verify', '--source', 's3://my-bucket', '--period', '2026-10', '--profile', 'nosuch', '--json'], noCredentials);
    expect(json.code).toBe(3);
    expect(JSON.parse(json.stdout)).toEqual({ error: { name: 'SourceError', message: expect.stringMatching(/^s3:\/\/my-bucket: .*profile "nosuch"/), exitCode: 3 } });
  });

  it('exits 3 when the S3 endpoint cannot be reached', async () => {
    const run = await runCli(['verify', '--source', 's3://my-bucket/trail', '--period', '2026-10', '--public-keys', keysFile], {
      ...noCredentials,
      AWS_ACCESS_KEY_ID: 'AKIAFAKE',
      AWS_SECRET_ACCESS_KEY: 'fake',
      // Nothing listens on port 9 of the loopback.
      AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:9',
      AWS_MAX_ATTEMPTS: '1',
    });
    expect(run.code).toBe(3);
    expect(run.stderr).toBe('Error: s3://my-bucket/trail: cannot reach the S3 endpoint (ECONNREFUSED): check AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL and the network\n');
  });
});
