import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { parsePublicKeyList } from '../../src/integrity/public-keys.js';
import type { IntegrityResult } from '../../src/integrity/types.js';
import { verifyIntegrity } from '../../src/integrity/verify.js';
import { openSources } from '../../src/sources/open.js';
import type { S3Store } from '../../src/sources/s3.js';
import {
  appendBytes,
  buildDigestTree,
  copyObject,
  deleteObject,
  generateRsaKeyPair,
  readDigestBody,
  rewriteLog,
  writeBackfillDigest,
  writeDigest,
  type DigestTree,
  type RsaKeyPair,
} from '../helpers/digest-tree.js';
import { s3ClientEnv, startS3Server, type S3TestServer } from '../helpers/s3-server.js';

const PERIOD = { start: new Date('2026-10-01T00:00:00Z'), end: new Date('2026-10-02T00:00:00Z') };
const A1 = '111111111111';
const A2 = '222222222222';
/** Digests whose window overlaps the period (hours 1..25 of the tree's 27). */
const IN_PERIOD = 25;

let server: S3TestServer;
let keyPair: RsaKeyPair;
let attacker: RsaKeyPair;
const dirs: string[] = [];

beforeAll(async () => {
  server = await startS3Server();
  keyPair = generateRsaKeyPair();
  attacker = generateRsaKeyPair();
});
afterAll(async () => {
  await server?.stop();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});
afterEach(() => vi.unstubAllEnvs());

/**
 * A tree built for `bucket`, tampered on disk, then uploaded with each digest's
 * signature in its S3 user metadata (`x-amz-meta-signature`), as CloudTrail writes it.
 * The digests carry no sidecars: the signature can only come from S3.
 */
async function bucketWith(bucket: string, tamper: (t: DigestTree) => void = () => {}, extra: Partial<Parameters<typeof buildDigestTree>[0]> = {}): Promise<DigestTree> {
  const root = mkdtempSync(path.join(tmpdir(), 'integrity-s3-'));
  dirs.push(root);
  const tree = buildDigestTree({ root, keyPair, bucket, accounts: [A1, A2], regions: ['eu-west-1', 'us-east-1'], ...extra });
  tamper(tree);
  await server.uploadTree(bucket, root, '', (key) => {
    const signature = tree.signatures.get(key) ?? (key.includes('/CloudTrail-Digest/') ? tree.signatures.get(findOriginal(tree, key)) : undefined);
    return signature ? { signature, 'signature-algorithm': 'SHA256withRSA' } : undefined;
  });
  return tree;
}

/** A copied digest keeps the metadata of the object it was copied from. */
function findOriginal(tree: DigestTree, key: string): string {
  return tree.digests.find((d) => readDigestBody(tree, key).digestS3Object === d.key)?.key ?? key;
}

async function verifyS3(url: string, tree: DigestTree): Promise<{ result: IntegrityResult; store: S3Store }> {
  for (const [name, value] of Object.entries(s3ClientEnv(server.endpoint))) vi.stubEnv(name, value);
  const [store] = await openSources([url], { concurrency: 8 });
  const result = await verifyIntegrity({ stores: [store], start: PERIOD.start, end: PERIOD.end, publicKeys: parsePublicKeyList(tree.publicKeyList), concurrency: 8 });
  return { result, store: store as S3Store };
}

const digestAt = (t: DigestTree, accountId: string, region: string, hour: number) => t.digestsOf(accountId, region).find((d) => d.hour === hour)!;

describe('integrity over S3, signatures in object metadata', () => {
  it('passes a clean tree, every digest checked with its own signature, each object read once', async () => {
    const tree = await bucketWith('integrity-clean');
    const { result, store } = await verifyS3('s3://integrity-clean', tree);
    expect(result.problems).toEqual([]);
    expect(result.ok).toBe(true);
    expect(result.notes).toEqual([]);
    expect(result.chains).toHaveLength(4);
    for (const c of result.chains) expect(c).toMatchObject({ digestsValid: IN_PERIOD, digestsUnverified: 0, digestsMissing: 0, logFilesModified: 0, status: 'valid' });
    expect(store.stats.get).toBe(result.stats.digestsRead + result.stats.logFilesRead);
    expect(store.stats.head).toBe(result.stats.digestsRead);
    expect(store.stats.list).toBe(result.stats.listings);
  });

  it('passes a tree under a trail prefix read through s3://bucket/prefix', async () => {
    const tree = await bucketWith('integrity-prefixed', undefined, { prefix: 'trails/org' });
    const { result } = await verifyS3('s3://integrity-prefixed/trails/org', tree);
    expect(result.problems).toEqual([]);
    expect(result.chains.map((c) => c.digestsValid)).toEqual([IN_PERIOD, IN_PERIOD, IN_PERIOD, IN_PERIOD]);
  });

  const cases: { name: string; bucket: string; tamper: (t: DigestTree) => { key: string; accountId: string; region: string }; kinds: string[] }[] = [
    {
      name: 'a modified log file',
      bucket: 'integrity-modified',
      tamper: (t) => {
        const key = t.logsOf(A1, 'us-east-1').find((l) => l.hour === 9)!.key;
        rewriteLog(t, key, (l) => (l.Records[0].eventName = 'DeleteCertificate'));
        return { key, accountId: A1, region: 'us-east-1' };
      },
      kinds: ['log-file-modified'],
    },
    {
      name: 'two deleted digests in a row',
      bucket: 'integrity-deleted',
      tamper: (t) => {
        deleteObject(t, digestAt(t, A2, 'eu-west-1', 6).key);
        deleteObject(t, digestAt(t, A2, 'eu-west-1', 7).key);
        return { key: digestAt(t, A2, 'eu-west-1', 7).key, accountId: A2, region: 'eu-west-1' };
      },
      kinds: ['digest-missing'],
    },
    {
      name: 'a digest re-signed with the wrong key',
      bucket: 'integrity-resigned',
      tamper: (t) => {
        const d = digestAt(t, A2, 'us-east-1', 12);
        writeDigest(t, d.key, readDigestBody(t, d.key), attacker.privateKey);
        return { key: d.key, accountId: A2, region: 'us-east-1' };
      },
      // The content is intact, so the next digest's hash still links: only the signature fails,
      // and it differs from the one the next digest carries.
      kinds: ['digest-signature-invalid', 'chain-link-broken'],
    },
    {
      name: 'a digest copied to another key',
      bucket: 'integrity-copied',
      tamper: (t) => {
        const d = digestAt(t, A1, 'eu-west-1', 15);
        const to = d.key.replace(/_(\d{8}T\d{6}Z)\.json\.gz$/, '_20261001T150000Z.json.gz');
        copyObject(t, d.key, to);
        return { key: to, accountId: A1, region: 'eu-west-1' };
      },
      kinds: ['digest-moved'],
    },
    {
      name: 'bytes appended to a gzip log file',
      bucket: 'integrity-appended',
      tamper: (t) => {
        const key = t.logsOf(A2, 'us-east-1').find((l) => l.hour === 20)!.key;
        appendBytes(t, key, gzipSync(Buffer.from('{"Records":[]}')));
        return { key, accountId: A2, region: 'us-east-1' };
      },
      kinds: ['gzip-trailing-data'],
    },
    {
      // CloudTrail writes a signature with every digest: one without is nobody's word.
      name: 'a modified log file whose new hash a digest with no signature in its metadata lists',
      bucket: 'integrity-unsigned',
      tamper: (t) => {
        const key = t.logsOf(A1, 'eu-west-1').find((l) => l.hour >= 8 && l.hour < 20)!.key;
        rewriteLog(t, key, (l) => (l.Records[0].eventName = 'DeleteCertificate'));
        t.signatures.delete(writeBackfillDigest(t, A1, 'eu-west-1', [key], new Date('2026-10-01T05:17:31Z')));
        return { key, accountId: A1, region: 'eu-west-1' };
      },
      kinds: ['log-file-modified', 'digest-signature-unavailable'],
    },
  ];

  it.each(cases)('catches $name', async ({ bucket, tamper, kinds }) => {
    let target = { key: '', accountId: '', region: '' };
    const tree = await bucketWith(bucket, (t) => (target = tamper(t)));
    const { result } = await verifyS3(`s3://${bucket}`, tree);
    expect(result.ok).toBe(false);
    const errors = result.problems.filter((p) => p.severity === 'error');
    expect([...new Set(errors.map((p) => p.kind))].sort()).toEqual([...kinds].sort());
    expect(errors.find((p) => p.kind === kinds[0] && p.key === target.key)).toMatchObject({ accountId: target.accountId, region: target.region });
    expect(errors.every((p) => p.accountId === target.accountId && p.region === target.region)).toBe(true);
    if (!kinds.includes('digest-signature-unavailable')) expect(result.problems.filter((p) => p.kind === 'digest-signature-unavailable')).toEqual([]);
    else expect(result.problems.find((p) => p.kind === 'digest-signature-unavailable')?.message).toMatch(/no signature in its S3 metadata/);
  });
});
