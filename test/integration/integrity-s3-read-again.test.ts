/**
 * The integrity check over S3 when a digest's requests fail on something passing: its GET is read
 * once more (`S3Store.readAgain`), and so is the HEAD that fetches its signature from its metadata
 * (`S3Store.metadataAgain`), both with retries outside the client's shared retry quota. Before,
 * the HEAD had one try: six 500s on the HEAD of the newest digest of a period running to now (no
 * next digest carries its signature) made an intact trail fail with `digest-signature-unavailable`
 * (review of the read-again change). A definite answer (403, 404) is not asked again, and an
 * endpoint that fails every HEAD still ends the check soon: the second tries stop after 8 in a row
 * fail again, reads and metadata requests counted together.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parsePublicKeyList } from '../../src/integrity/public-keys.js';
import type { IntegrityResult } from '../../src/integrity/types.js';
import { verifyIntegrity } from '../../src/integrity/verify.js';
import { openSources } from '../../src/sources/open.js';
import { buildDigestTree, generateRsaKeyPair, type DigestTree } from '../helpers/digest-tree.js';
import { ACCESS_DENIED, NO_SUCH_KEY, type FaultAction } from '../helpers/fault-proxy.js';
import { s3BehindProxy } from '../helpers/s3-behind-proxy.js';

const BUCKET = 'integrity-read-again';
const A1 = '111111111111';
const A2 = '222222222222';
/** A period that runs to now: its newest digest (window ending 20:17:31) has no successor yet. */
const START = new Date('2026-10-01T00:00:00Z');
const NOW = new Date('2026-10-01T20:40:00Z');
/** The tree's first window starts 2026-09-30 22:17:31: 22 hourly digests end by 20:17:31. */
const HOURS = 22;
/** The attempts the S3 client makes by default (each of a first request and of its second try). */
const ATTEMPTS = 6;
const CONCURRENCY = 8;
const INTERNAL_ERROR: FaultAction = { kind: 'error', status: 500, code: 'InternalError', message: 'We encountered an internal error. Please try again.' };

let tree: DigestTree;
const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

const proxy = s3BehindProxy(async (server) => {
  const root = mkdtempSync(path.join(tmpdir(), 'integrity-s3-read-again-'));
  dirs.push(root);
  tree = buildDigestTree({ root, keyPair: generateRsaKeyPair(), bucket: BUCKET, accounts: [A1, A2], regions: ['eu-west-1', 'us-east-1'], hours: HOURS });
  await server.uploadTree(BUCKET, root, '', (key) => {
    const signature = tree.signatures.get(key);
    return signature === undefined ? undefined : { signature, 'signature-algorithm': 'SHA256withRSA' };
  });
});

async function verifyNow(): Promise<IntegrityResult> {
  const [store] = await openSources([`s3://${BUCKET}`], { concurrency: CONCURRENCY });
  return verifyIntegrity({ stores: [store], start: START, end: NOW, now: NOW, publicKeys: parsePublicKeyList(tree.publicKeyList), concurrency: CONCURRENCY });
}

/** The newest digest of A1's eu-west-1 chain: nothing after it carries its signature. */
const newestDigest = () => tree.digestsOf(A1, 'eu-west-1').find((d) => d.hour === HOURS - 1)!.key;
const requestsOf = (op: 'get' | 'head', key?: string) => proxy().requests.filter((r) => r.op === op && (key === undefined || r.key === key));
const errorsOf = (result: IntegrityResult) => result.problems.filter((p) => p.severity === 'error');

describe('the newest digest of a period running to now, over S3', () => {
  it('is intact after six 500s on its GET: read once more', async () => {
    const key = newestDigest();
    proxy().addRule({ op: 'get', match: new RegExp(`^${key}$`), times: ATTEMPTS, action: INTERNAL_ERROR });
    const result = await verifyNow();
    expect(errorsOf(result)).toEqual([]);
    expect(result.ok).toBe(true);
    expect(requestsOf('get', key).map((r) => r.fault)).toEqual([...Array<string>(ATTEMPTS).fill('error'), null]);
  });

  it('is intact after six 500s on the HEAD that fetches its signature: asked once more', async () => {
    const key = newestDigest();
    proxy().addRule({ op: 'head', match: new RegExp(`^${key}$`), times: ATTEMPTS, action: INTERNAL_ERROR });
    const result = await verifyNow();
    expect(errorsOf(result)).toEqual([]);
    expect(result.ok).toBe(true);
    expect(result.notes).toEqual([]);
    expect(result.chains.find((c) => c.accountId === A1 && c.region === 'eu-west-1')).toMatchObject({ digestsUnverified: 0, status: 'valid' });
    expect(requestsOf('head', key).map((r) => r.fault)).toEqual([...Array<string>(ATTEMPTS).fill('error'), null]);
  });

  it.each([
    { name: '403 AccessDenied', action: ACCESS_DENIED },
    { name: '404 NotFound', action: NO_SUCH_KEY },
  ])('is not asked again after a definite answer on its HEAD ($name): its signature is unavailable', async ({ action }) => {
    const key = newestDigest();
    proxy().addRule({ op: 'head', match: new RegExp(`^${key}$`), action });
    const result = await verifyNow();
    expect(result.ok).toBe(false);
    expect(errorsOf(result).map((p) => `${p.kind} ${p.key}`)).toEqual([`digest-signature-unavailable ${key}`]);
    expect(requestsOf('head', key)).toHaveLength(1);
  });
});

describe('an endpoint that fails every HEAD', () => {
  it('still ends soon: second tries stop after 8 fail again in a row', async () => {
    proxy().addRule({ op: 'head', action: INTERNAL_ERROR });
    const started = Date.now();
    const result = await verifyNow();
    const elapsed = Date.now() - started;
    expect(result.ok).toBe(false);
    expect(errorsOf(result).map((p) => p.kind)).toContain('digest-signature-unavailable');
    const digests = tree.digests.length;
    // One HEAD per digest; the retries the shared quota allowed (500 tokens, 14 a retry: 35, and one
    // more for each 14 requests that passed); then the 8 second tries that failed and those under
    // way beside them (8 at once), with every attempt: not 6 more per digest (528).
    const quotaRetries = Math.floor((500 + proxy().requests.filter((r) => r.fault === null).length) / 14);
    expect(requestsOf('head').length).toBeLessThanOrEqual(digests + quotaRetries + (8 + CONCURRENCY) * ATTEMPTS);
    expect(elapsed).toBeLessThan(20_000);
  });
});
