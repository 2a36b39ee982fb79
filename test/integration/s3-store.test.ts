import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { LocalStore } from '../../src/sources/local.js';
import { createS3Client, DEFAULT_MAX_ATTEMPTS, parseS3Url, S3Store, type S3ClientOptions } from '../../src/sources/s3.js';
import { ACCESS_DENIED, NO_SUCH_KEY, SLOW_DOWN, startFaultProxy, type FaultProxy } from '../helpers/fault-proxy.js';
import { forEachLimit, s3ClientEnv, startS3Server, type S3TestServer } from '../helpers/s3-server.js';
import { rejection } from '../helpers/s3-rejection.js';

const BUCKET = 'trail-bucket';
const ORG = 'AWSLogs/o-abc123def4/';
const DAYS = ['2026/10/01', '2026/10/02'];
const REGIONS = ['eu-west-1', 'us-east-1'];
const ORG_ACCOUNTS = ['111111111111', '222222222222'];
const FLAT = 2_300;
const NESTED = 1_200;

let server: S3TestServer;
let proxy: FaultProxy;
let treeDir: string;
let homeDir: string;
const fixtureKeys: string[] = [];

/** A CloudTrail-like tree (organization and account layouts, log and digest folders) on disk. */
async function writeTrailTree(root: string): Promise<void> {
  const files: Array<[string, Buffer]> = [];
  const logName = (acct: string, region: string, day: string, n: number) =>
    `${acct}_CloudTrail_${region}_${day.replaceAll('/', '')}T00${n}0Z_abcdEFGH${n}.json.gz`;
  for (const acct of ORG_ACCOUNTS) {
    for (const region of REGIONS) {
      for (const day of DAYS) {
        for (let n = 0; n < 2; n++) {
          const records = { Records: [{ eventVersion: '1.09', eventSource: 'iot.amazonaws.com', eventName: 'CreateCertificateFromCsr', awsRegion: region, recipientAccountId: acct, n }] };
          files.push([`${ORG}${acct}/CloudTrail/${region}/${day}/${logName(acct, region, day, n)}`, gzipSync(JSON.stringify(records))]);
        }
        files.push([
          `${ORG}${acct}/CloudTrail-Digest/${region}/${day}/${acct}_CloudTrail-Digest_${region}_trail_${region}_${day.replaceAll('/', '')}T010000Z.json.gz`,
          gzipSync('{"digest":true}'),
        ]);
      }
    }
  }
  files.push([`AWSLogs/333333333333/CloudTrail/us-east-1/2026/10/01/${logName('333333333333', 'us-east-1', '2026/10/01', 0)}`, gzipSync('{"Records":[]}')]);
  for (const [key, body] of files) {
    const file = path.join(root, ...key.split('/'));
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, body);
  }
}

/** Digest objects carry their signature as S3 user metadata, as CloudTrail writes them. */
function digestMetadata(key: string): Record<string, string> | undefined {
  if (!key.includes('/CloudTrail-Digest/')) return undefined;
  return { signature: createHash('sha256').update(key).digest('hex'), 'signature-algorithm': 'SHA256withRSA' };
}

/** A client built only from the SDK's own settings (env), pointed at the fault proxy. */
async function clientFor(options: S3ClientOptions = {}, env: Record<string, string | undefined> = {}) {
  for (const [name, value] of Object.entries({ ...s3ClientEnv(proxy.endpoint), ...env })) vi.stubEnv(name, value);
  return createS3Client(options);
}

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

beforeAll(async () => {
  server = await startS3Server();
  proxy = await startFaultProxy(server.endpoint);
  treeDir = await mkdtemp(path.join(os.tmpdir(), 's3-store-tree-'));
  homeDir = await mkdtemp(path.join(os.tmpdir(), 's3-store-home-'));
  await writeTrailTree(treeDir);
  fixtureKeys.push(...(await server.uploadTree(BUCKET, treeDir, '', digestMetadata)));
  const bulk = [
    ...Array.from({ length: FLAT }, (_, i) => `bulk/flat/obj-${String(i).padStart(5, '0')}.json.gz`),
    ...Array.from({ length: NESTED }, (_, i) => `bulk/nested/${String(i).padStart(5, '0')}/x.json.gz`),
  ];
  await forEachLimit(bulk, 16, (key) => server.putObject(BUCKET, key, key));
});

afterAll(async () => {
  await proxy?.close();
  await server?.stop();
  if (treeDir) await rm(treeDir, { recursive: true, force: true });
  if (homeDir) await rm(homeDir, { recursive: true, force: true });
});

afterEach(() => {
  proxy.clearRules();
  proxy.resetCounts();
  vi.unstubAllEnvs();
});

describe('parseS3Url', () => {
  it('normalizes the prefix to "" or "x/y/" and rejects what is not a bucket', () => {
    expect(parseS3Url('s3://my-bucket')).toEqual({ bucket: 'my-bucket', prefix: '', label: 's3://my-bucket' });
    expect(parseS3Url('s3://my-bucket/')).toEqual({ bucket: 'my-bucket', prefix: '', label: 's3://my-bucket' });
    expect(parseS3Url('S3://my.bucket//AWSLogs//o-1/')).toEqual({ bucket: 'my.bucket', prefix: 'AWSLogs/o-1/', label: 's3://my.bucket/AWSLogs/o-1' });
    expect(() => parseS3Url('s3://')).toThrow(/bucket name/);
    expect(() => parseS3Url('s3://Upper_Case')).toThrow(/bucket name/);
    expect(() => parseS3Url('https://my-bucket/x')).toThrow(/not an S3 URL/);
  });
});

describe('S3Store listings', () => {
  it('uses path style and relaxed checksums only when an endpoint is configured', async () => {
    const withEndpoint = await clientFor();
    expect(withEndpoint.config.forcePathStyle).toBe(true);
    expect(await withEndpoint.config.responseChecksumValidation()).toBe('WHEN_REQUIRED');
    vi.stubEnv('AWS_ENDPOINT_URL_S3', undefined);
    const onAws = await createS3Client({ region: 'us-east-1' });
    expect(onAws.config.forcePathStyle).toBe(false);
    expect(await onAws.config.responseChecksumValidation()).toBe('WHEN_SUPPORTED');
  });

  it('takes retry settings from AWS_MAX_ATTEMPTS / AWS_RETRY_MODE, with enough attempts by default', async () => {
    expect(await (await clientFor()).config.maxAttempts()).toBe(DEFAULT_MAX_ATTEMPTS);
    const fromEnv = await clientFor({}, { AWS_MAX_ATTEMPTS: '9', AWS_RETRY_MODE: 'adaptive' });
    expect(await fromEnv.config.maxAttempts()).toBe(9);
    const { retryMode } = fromEnv.config;
    expect(typeof retryMode === 'function' ? await retryMode() : retryMode).toBe('adaptive');
    expect(await (await clientFor({ maxAttempts: 4 }, { AWS_MAX_ATTEMPTS: '9' })).config.maxAttempts()).toBe(4);
  });

  it('ignores folder-marker objects, which a local copy cannot have', async () => {
    await server.putObject(BUCKET, 'markers/', '');
    await server.putObject(BUCKET, 'markers/2026/', '');
    await server.putObject(BUCKET, 'markers/2026/log.json.gz', 'x');
    const s3 = new S3Store(`s3://${BUCKET}`, await clientFor());
    expect(await s3.listChildren('markers/')).toEqual({ prefixes: ['markers/2026/'], objects: [] });
    expect((await collect(s3.listAll('markers/'))).map((o) => o.key)).toEqual(['markers/2026/log.json.gz']);
  });

  it('gives the same delimiter listings as the local copy of the tree, one request per level', async () => {
    const s3 = new S3Store(`s3://${BUCKET}`, await clientFor());
    const local = new LocalStore(treeDir);
    const queue = ['AWSLogs/'];
    let levels = 0;
    while (queue.length > 0) {
      const prefix = queue.shift() as string;
      const [fromS3, fromDisk] = await Promise.all([s3.listChildren(prefix), local.listChildren(prefix)]);
      expect([...fromS3.prefixes].sort(), prefix).toEqual([...fromDisk.prefixes].sort());
      expect(fromS3.objects.map((o) => o.key).sort(), prefix).toEqual(fromDisk.objects.map((o) => o.key).sort());
      queue.push(...fromS3.prefixes);
      levels++;
    }
    // AWSLogs/ 1, account layout 6, org 1, accounts 2, trail folders 4, regions 8, years 8, months 8, days 16
    expect(levels).toBe(54);
    expect(s3.stats.list).toBe(levels);
    expect(proxy.listings()).toHaveLength(levels);
    expect(proxy.requests.every((r) => r.op === 'list' && r.delimiter === '/' && !r.continuation)).toBe(true);
  });

  it('returns CommonPrefixes for nested CloudTrail keys, in S3 order', async () => {
    const s3 = new S3Store(`s3://${BUCKET}`, await clientFor());
    expect((await s3.listChildren('')).prefixes).toEqual(expect.arrayContaining(['AWSLogs/', 'bulk/']));
    expect((await s3.listChildren('')).objects).toEqual([]);
    expect((await s3.listChildren('AWSLogs/')).prefixes).toEqual(['AWSLogs/333333333333/', ORG]);
    expect((await s3.listChildren(ORG)).prefixes).toEqual(ORG_ACCOUNTS.map((a) => `${ORG}${a}/`));
    // '-' sorts before '/': the digest folder comes first, as S3 lists it.
    expect((await s3.listChildren(`${ORG}111111111111/`)).prefixes).toEqual([
      `${ORG}111111111111/CloudTrail-Digest/`,
      `${ORG}111111111111/CloudTrail/`,
    ]);
    const day = await s3.listChildren(`${ORG}111111111111/CloudTrail/us-east-1/2026/10/01/`);
    expect(day.prefixes).toEqual([]);
    expect(day.objects).toHaveLength(2);
    expect(day.objects.every((o) => o.size !== undefined && o.size > 20)).toBe(true);
  });

  it('lists from the URL prefix as its root', async () => {
    const s3 = new S3Store(`s3://${BUCKET}/${ORG}222222222222`, await clientFor());
    expect(s3.rootPrefix).toBe(`${ORG}222222222222/`);
    expect(s3.label).toBe(`s3://${BUCKET}/${ORG}222222222222`);
    expect((await s3.listChildren(s3.rootPrefix)).prefixes).toEqual([
      `${ORG}222222222222/CloudTrail-Digest/`,
      `${ORG}222222222222/CloudTrail/`,
    ]);
    const all = await collect(s3.listAll(s3.rootPrefix));
    expect(all.map((o) => o.key).sort()).toEqual(fixtureKeys.filter((k) => k.startsWith(`${ORG}222222222222/`)));
  });

  it('paginates delimiter listings past 1,000 objects and 1,000 common prefixes', async () => {
    const s3 = new S3Store(`s3://${BUCKET}`, await clientFor());
    const flat = await s3.listChildren('bulk/flat/');
    expect(flat.prefixes).toEqual([]);
    expect(new Set(flat.objects.map((o) => o.key)).size).toBe(FLAT);
    expect(flat.objects[0].key).toBe('bulk/flat/obj-00000.json.gz');
    expect(flat.objects[FLAT - 1].key).toBe(`bulk/flat/obj-0${FLAT - 1}.json.gz`);

    const nested = await s3.listChildren('bulk/nested/');
    expect(nested.objects).toEqual([]);
    expect(new Set(nested.prefixes).size).toBe(NESTED);
    expect(nested.prefixes.at(-1)).toBe(`bulk/nested/0${NESTED - 1}/`);

    expect(s3.stats.list).toBe(3 + 2);
    expect(proxy.counts()).toEqual({ 'GET list bulk/flat/ delimiter=/': 3, 'GET list bulk/nested/ delimiter=/': 2 });
    expect(proxy.requests.filter((r) => r.continuation)).toHaveLength(3);
  });

  it('paginates full listings past 1,000 keys', async () => {
    const s3 = new S3Store(`s3://${BUCKET}`, await clientFor());
    const keys = (await collect(s3.listAll('bulk/'))).map((o) => o.key);
    expect(keys).toHaveLength(FLAT + NESTED);
    expect(new Set(keys).size).toBe(FLAT + NESTED);
    expect(s3.stats.list).toBe(4);
    const trail = (await collect(s3.listAll('AWSLogs/'))).map((o) => o.key);
    expect(trail.sort()).toEqual(fixtureKeys);
    expect(proxy.listings()).toEqual(['bulk/', 'bulk/', 'bulk/', 'bulk/', 'AWSLogs/']);
  });
});

describe('S3Store reads', () => {
  it('reads objects byte for byte and returns digest signatures from user metadata', async () => {
    const s3 = new S3Store(`s3://${BUCKET}`, await clientFor());
    const local = new LocalStore(treeDir);
    const logKey = fixtureKeys.find((k) => k.includes('/CloudTrail/us-east-1/2026/10/02/')) as string;
    const digestKey = fixtureKeys.find((k) => k.includes('/CloudTrail-Digest/')) as string;
    const body = await s3.read(logKey);
    expect(body.equals(await local.read(logKey))).toBe(true);
    expect(await s3.metadata(digestKey)).toEqual(digestMetadata(digestKey));
    expect(await s3.metadata(logKey)).toEqual({});
    expect(s3.stats).toMatchObject({ get: 1, head: 2, bytes: body.length, retries: 0 });
  });

  it('retries 503 SlowDown on listings and reads, then succeeds', async () => {
    const s3 = new S3Store(`s3://${BUCKET}`, await clientFor());
    proxy.addRule({ op: 'list', match: /^AWSLogs\/$/, times: 2, action: SLOW_DOWN });
    proxy.addRule({ op: 'get', match: /obj-00007/, times: 2, action: SLOW_DOWN });
    expect((await s3.listChildren('AWSLogs/')).prefixes).toHaveLength(2);
    expect((await s3.read('bulk/flat/obj-00007.json.gz')).toString()).toBe('bulk/flat/obj-00007.json.gz');
    expect(s3.stats.retries).toBe(4);
    expect(proxy.requests.filter((r) => r.fault === 'error')).toHaveLength(4);
  });

  it('retries connections reset before any answer', async () => {
    const s3 = new S3Store(`s3://${BUCKET}`, await clientFor());
    proxy.addRule({ op: 'list', match: /^AWSLogs\/$/, times: 2, action: { kind: 'reset' } });
    proxy.addRule({ op: 'get', match: /obj-00008/, times: 1, action: { kind: 'reset' } });
    expect((await s3.listChildren('AWSLogs/')).prefixes).toHaveLength(2);
    expect((await s3.read('bulk/flat/obj-00008.json.gz')).toString()).toBe('bulk/flat/obj-00008.json.gz');
    expect(s3.stats.retries).toBe(3);
  });

  it('honours AWS_MAX_ATTEMPTS, and reports throttling that outlasts it as a problem', async () => {
    const s3 = new S3Store(`s3://${BUCKET}`, await clientFor({}, { AWS_MAX_ATTEMPTS: '2' }));
    proxy.addRule({ op: 'get', action: SLOW_DOWN });
    const error = await rejection(s3.read('bulk/flat/obj-00001.json.gz'));
    expect(error).toMatchObject({ fatal: false, code: 'SlowDown', key: 'bulk/flat/obj-00001.json.gz', source: `s3://${BUCKET}` });
    expect(error.reason).toMatch(/throttled .* after 2 attempts/);
    expect(proxy.requests).toHaveLength(2);
  });

  it('reports an AccessDenied prefix as a non-fatal problem and reads the rest', async () => {
    const s3 = new S3Store(`s3://${BUCKET}`, await clientFor());
    const denied = `${ORG}222222222222/`;
    proxy.addRule({ op: ['list', 'get'], match: /^AWSLogs\/o-abc123def4\/222222222222\//, action: ACCESS_DENIED });
    const onList = await rejection(s3.listChildren(denied));
    expect(onList).toMatchObject({ fatal: false, code: 'AccessDenied', key: denied });
    expect(onList.toProblem()).toEqual({ key: denied, source: `s3://${BUCKET}`, reason: 'access denied (AccessDenied)' });
    await rejection(collect(s3.listAll(`${denied}CloudTrail/`)));
    const deniedKey = fixtureKeys.find((k) => k.startsWith(denied)) as string;
    expect(await rejection(s3.read(deniedKey))).toMatchObject({ fatal: false, code: 'AccessDenied', key: deniedKey });
    expect((await s3.listChildren(`${ORG}111111111111/`)).prefixes).toHaveLength(2);
    // 403 is not retried
    expect(proxy.requests.filter((r) => r.fault === 'error')).toHaveLength(3);
  });

  it('re-reads a body that was cut short, and fails (never a short buffer) when it always is', async () => {
    const key = 'bulk/flat/obj-00042.json.gz';
    const bigKey = fixtureKeys[0];
    const s3 = new S3Store(`s3://${BUCKET}`, await clientFor());
    proxy.addRule({ op: 'get', match: /obj-00042/, times: 1, action: { kind: 'truncate' } });
    expect((await s3.read(key)).toString()).toBe(key);
    expect(s3.stats.retries).toBe(1);

    proxy.addRule({ op: 'get', match: /^AWSLogs\//, action: { kind: 'truncate', fraction: 0.5 } });
    const error = await rejection(s3.read(bigKey));
    expect(error).toMatchObject({ fatal: false, code: 'TruncatedBody', key: bigKey });
    expect(error.reason).toMatch(/cut short: got \d+ of \d+ bytes.*3 attempts/);
    expect(proxy.requests.filter((r) => r.key === bigKey)).toHaveLength(3);
  });

  it('gives up on a slow object after the timeout, as a non-fatal problem', async () => {
    const s3 = new S3Store(`s3://${BUCKET}`, await clientFor({ timeoutMs: 300, maxAttempts: 2 }), { bodyAttempts: 2 });
    proxy.addRule({ op: 'get', match: /obj-00100/, action: { kind: 'delay', ms: 5_000 } });
    proxy.addRule({ op: 'get', match: /^AWSLogs\//, action: { kind: 'stall', ms: 5_000 } });
    const started = Date.now();
    const slowHeaders = await rejection(s3.read('bulk/flat/obj-00100.json.gz'));
    expect(slowHeaders).toMatchObject({ fatal: false, code: 'Timeout' });
    expect(slowHeaders.reason).toMatch(/timed out after 2 attempts/);
    const stalled = await rejection(s3.read(fixtureKeys[0]));
    expect(stalled).toMatchObject({ fatal: false, code: 'Timeout' });
    expect(stalled.reason).toMatch(/^object body stalled after \d+ of \d+ bytes .*2 attempts$/);
    expect(Date.now() - started).toBeLessThan(4_000);
    // other objects are unaffected
    expect((await s3.read('bulk/flat/obj-00101.json.gz')).length).toBeGreaterThan(0);
  });

  it('reports a vanished object as a non-fatal problem', async () => {
    const s3 = new S3Store(`s3://${BUCKET}`, await clientFor());
    proxy.addRule({ op: 'get', match: /obj-00200/, action: NO_SUCH_KEY });
    expect(await rejection(s3.read('bulk/flat/obj-00200.json.gz'))).toMatchObject({ fatal: false, code: 'NoSuchKey' });
    expect(await rejection(s3.read('bulk/flat/never-there'))).toMatchObject({ fatal: false, code: 'NoSuchKey' });
    expect(await rejection(s3.metadata('bulk/flat/never-there'))).toMatchObject({ fatal: false, code: 'NoSuchKey' });
  });
});

describe('S3Store fatal errors', () => {
  it('stops on a bucket that does not exist', async () => {
    const s3 = new S3Store('s3://no-such-trail-bucket', await clientFor());
    const error = await rejection(s3.listChildren('AWSLogs/'));
    expect(error).toMatchObject({ fatal: true, code: 'NoSuchBucket' });
    expect(error.message).toBe('S3 bucket "no-such-trail-bucket" does not exist (NoSuchBucket): check the --source URL');
  });

  it('stops when there are no credentials at all, saying where to get them', async () => {
    const empty = path.join(homeDir, 'none');
    const client = await clientFor(
      {},
      {
        AWS_ACCESS_KEY_ID: undefined,
        AWS_SECRET_ACCESS_KEY: undefined,
        AWS_SESSION_TOKEN: undefined,
        AWS_PROFILE: undefined,
        AWS_WEB_IDENTITY_TOKEN_FILE: undefined,
        AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: undefined,
        AWS_CONTAINER_CREDENTIALS_FULL_URI: undefined,
        AWS_CONFIG_FILE: empty,
        AWS_SHARED_CREDENTIALS_FILE: empty,
        HOME: homeDir,
        AWS_EC2_METADATA_DISABLED: 'true',
      },
    );
    const error = await rejection(new S3Store(`s3://${BUCKET}`, client).listChildren(''));
    expect(error).toMatchObject({ fatal: true, code: 'NoCredentials' });
    expect(error.message).toBe('no AWS credentials found: set AWS_PROFILE, pass --profile, or run in an environment with a role');
    const withProfile = await rejection(
      new S3Store(`s3://${BUCKET}`, await createS3Client({ profile: 'nope' }), { profile: 'nope' }).listChildren(''),
    );
    expect(withProfile).toMatchObject({ fatal: true, code: 'NoCredentials' });
    expect(withProfile.message).toMatch(/^no AWS credentials for profile "nope": check that it exists in ~\/\.aws\/config/);
    expect(proxy.requests).toHaveLength(0);
  });

  it('stops on an expired SSO session, naming the profile to log in with', async () => {
    const startUrl = 'https://example-org.awsapps.com/start';
    await mkdir(path.join(homeDir, '.aws', 'sso', 'cache'), { recursive: true });
    await writeFile(
      path.join(homeDir, '.aws', 'config'),
      `[profile audit]\nsso_start_url = ${startUrl}\nsso_region = us-east-1\nsso_account_id = 111111111111\nsso_role_name = AuditRead\nregion = us-east-1\n`,
    );
    await writeFile(
      path.join(homeDir, '.aws', 'sso', 'cache', `${createHash('sha1').update(startUrl).digest('hex')}.json`),
      JSON.stringify({ startUrl, region: 'us-east-1', accessToken: 'expired', expiresAt: '2020-01-01T00:00:00Z' }),
    );
    const client = await clientFor(
      { profile: 'audit' },
      { HOME: homeDir, AWS_CONFIG_FILE: undefined, AWS_SHARED_CREDENTIALS_FILE: undefined, AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined },
    );
    const error = await rejection(new S3Store(`s3://${BUCKET}`, client, { profile: 'audit' }).listChildren(''));
    expect(error).toMatchObject({ fatal: true, code: 'SSOSessionExpired' });
    expect(error.message).toBe('AWS SSO session expired or invalid: run `aws sso login --profile audit`');
    expect(proxy.requests).toHaveLength(0);
  });

  it('stops on credentials S3 rejects: unknown key, expired session, bad signature', async () => {
    const wrongKey = new S3Store(`s3://${BUCKET}`, await clientFor({}, { AWS_ACCESS_KEY_ID: 'AKIANOTKNOWN' }));
    expect(await rejection(wrongKey.listChildren(''))).toMatchObject({ fatal: true, code: 'InvalidAccessKeyId' });

    const s3 = new S3Store(`s3://${BUCKET}`, await clientFor(), { profile: 'audit' });
    proxy.addRule({ op: 'list', times: 1, action: { kind: 'error', status: 400, code: 'ExpiredToken', message: 'The provided token has expired.' } });
    const expired = await rejection(s3.listChildren(''));
    expect(expired).toMatchObject({ fatal: true, code: 'ExpiredToken' });
    expect(expired.message).toContain('`aws sso login --profile audit`');
    proxy.addRule({ op: 'get', times: 1, action: { kind: 'error', status: 403, code: 'SignatureDoesNotMatch' } });
    expect(await rejection(s3.read(fixtureKeys[0]))).toMatchObject({ fatal: true, code: 'SignatureDoesNotMatch' });
  });
});
