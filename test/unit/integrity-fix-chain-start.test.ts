/**
 * "The chain starts here" is taken only from a digest whose signature verified. A digest that
 * names no previous digest says a trail began there; written by whoever deleted the period's
 * digests, unsigned, it once turned a deleted period into an all-clear (2026-11-26 review).
 */
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { parsePublicKeyList } from '../../src/integrity/public-keys.js';
import type { IntegrityResult } from '../../src/integrity/types.js';
import { verifyIntegrity } from '../../src/integrity/verify.js';
import { LocalStore } from '../../src/sources/local.js';
import { buildDigestTree, deleteObject, generateRsaKeyPair, readDigestBody, type DigestTree } from '../helpers/digest-tree.js';
import { tempFolders } from '../helpers/temp-folders.js';

const A1 = '111111111111';
const REGION = 'us-east-1';
const keyPair = generateRsaKeyPair();
const root = tempFolders('integrity-fix-start-');

function tree(options: { sidecars: boolean; hours: number; firstWindowStart?: string }): DigestTree {
  return buildDigestTree({
    root: root(),
    keyPair,
    sidecars: options.sidecars,
    hours: options.hours,
    accounts: [A1],
    regions: [REGION],
    firstWindowStart: new Date(options.firstWindowStart ?? '2026-09-30T22:17:31Z'),
  });
}

const folder = (t: DigestTree, kind: 'CloudTrail' | 'CloudTrail-Digest', day: string) =>
  path.join(t.root, 'AWSLogs', t.organizationId!, A1, kind, REGION, ...day.split('/'));

const check = (t: DigestTree): Promise<IntegrityResult> =>
  verifyIntegrity({
    stores: [new LocalStore(t.root)],
    start: new Date('2026-10-01T00:00:00Z'),
    end: new Date('2026-10-02T00:00:00Z'),
    publicKeys: parsePublicKeyList(t.publicKeyList),
    concurrency: 4,
  });

/** Rewrites a digest as the first of a chain (previous digest fields null), not signed again, its sidecar removed. */
function forgeChainStart(t: DigestTree, key: string) {
  const body = readDigestBody(t, key);
  for (const field of ['previousDigestS3Bucket', 'previousDigestS3Object', 'previousDigestHashValue', 'previousDigestHashAlgorithm', 'previousDigestSignature']) body[field] = null;
  writeFileSync(t.file(key), gzipSync(Buffer.from(JSON.stringify(body))));
  rmSync(`${t.file(key)}.sig`, { force: true });
}

const errors = (result: IntegrityResult) => result.problems.filter((p) => p.severity === 'error');

describe('a digest that says the chain starts after a deleted period', () => {
  it('is not believed without its signature when no digest is left around the period', async () => {
    const t = tree({ sidecars: true, hours: 240 });
    for (const day of ['2026/09/30', '2026/10/01', '2026/10/02', '2026/10/03']) rmSync(folder(t, 'CloudTrail-Digest', day), { recursive: true });
    rmSync(folder(t, 'CloudTrail', '2026/10/01'), { recursive: true });
    const deleted = await check(t);
    expect(errors(deleted)).toEqual([expect.objectContaining({ kind: 'digest-missing', message: expect.stringMatching(/the chain ran into the period, and its digests were deleted/) })]);

    const forged = t.digests.find((d) => d.end === '2026-10-04T00:17:31Z')!;
    forgeChainStart(t, forged.key);
    const result = await check(t);
    expect(result.ok).toBe(false);
    expect(errors(result)).toEqual([
      expect.objectContaining({
        kind: 'chain-gap',
        accountId: A1,
        region: REGION,
        from: '2026-10-01T00:00:00Z',
        to: '2026-10-02T00:00:00Z',
        message: expect.stringMatching(new RegExp(`first digest after it, ${forged.key.replace(/[.]/g, '\\.')}, names no previous digest.*signature could not be verified`)),
      }),
    ]);
    expect(result.chains[0]).toMatchObject({ status: 'incomplete', gaps: [expect.objectContaining({ from: '2026-10-01T00:00:00Z', to: '2026-10-02T00:00:00Z' })] });
  });

  it('is not believed without its signature when it is the first digest read after the period', async () => {
    const t = tree({ sidecars: true, hours: 240 });
    for (const day of ['2026/09/30', '2026/10/01']) rmSync(folder(t, 'CloudTrail-Digest', day), { recursive: true });
    deleteObject(t, t.digests.find((d) => d.end === '2026-10-02T00:17:31Z')!.key);
    rmSync(folder(t, 'CloudTrail', '2026/10/01'), { recursive: true });
    const forged = t.digests.find((d) => d.end === '2026-10-02T01:17:31Z')!;
    forgeChainStart(t, forged.key);
    const result = await check(t);
    expect(result.ok).toBe(false);
    expect(errors(result)).toEqual([
      expect.objectContaining({ kind: 'chain-gap', key: forged.key, from: '2026-10-01T00:00:00Z', to: '2026-10-02T00:00:00Z', message: expect.stringMatching(/^names no previous digest.*not proven/) }),
    ]);
    // The digest after it carries the signature CloudTrail gave the original: the forgery does not verify.
    expect(result.problems).toContainEqual(expect.objectContaining({ kind: 'digest-signature-invalid', key: forged.key }));
    expect(result.problems.some((p) => /newest digest of the chain/.test(p.message))).toBe(false);
  });

  it('is believed when its signature verifies, also on a local copy through the digest after it', async () => {
    for (const sidecars of [true, false]) {
      // A trail that began after the period: its first digest is the only one read around it, or none is.
      for (const firstWindowStart of ['2026-10-02T00:17:31Z', '2026-10-05T00:17:31Z']) {
        const t = tree({ sidecars, hours: 48, firstWindowStart });
        const result = await check(t);
        expect(result.ok, `sidecars ${sidecars}, from ${firstWindowStart}`).toBe(true);
        expect(errors(result)).toEqual([]);
        expect(result.problems.filter((p) => p.kind === 'chain-gap')).toEqual([expect.objectContaining({ severity: 'warning' })]);
      }
    }
  });
});
