/**
 * A local source inside a trail's `AWSLogs/` (an account, its CloudTrail folder, one region) is
 * checked as the report reads it: that account and those regions only, not every region of the
 * account (`discoverLocations` narrows as `discoverTrails` does).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discoverLocations, Lister } from '../../src/integrity/discover.js';
import { parsePublicKeyList } from '../../src/integrity/public-keys.js';
import type { IntegrityResult } from '../../src/integrity/types.js';
import { verifyIntegrity } from '../../src/integrity/verify.js';
import { LocalStore } from '../../src/sources/local.js';
import { CountingStore } from '../helpers/counting-store.js';
import { buildDigestTree, generateRsaKeyPair, rewriteLog, type DigestTree } from '../helpers/digest-tree.js';

const A1 = '111111111111';
const A2 = '222222222222';
const PERIOD = { start: new Date('2026-10-01T00:00:00Z'), end: new Date('2026-10-02T00:00:00Z') };

let dir: string;
let tree: DigestTree;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'integrity-narrow-'));
  tree = buildDigestTree({ root: dir, keyPair: generateRsaKeyPair() });
  // A modified log file in another region of the same account: a check of us-east-1 alone does not see it.
  rewriteLog(tree, tree.logsOf(A1, 'eu-west-1').find((l) => l.hour === 6)!.key, (content) => {
    content.Records[0].eventName = 'DeleteCertificate';
  });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const folder = (rest: string) => path.join(dir, 'AWSLogs', tree.organizationId!, ...rest.split('/'));
const check = (store: LocalStore, filter: { regions?: string[] } = {}): Promise<IntegrityResult> =>
  verifyIntegrity({ stores: [store], start: PERIOD.start, end: PERIOD.end, publicKeys: parsePublicKeyList(tree.publicKeyList), concurrency: 4, ...filter });
const checked = (result: IntegrityResult) => result.chains.map((c) => `${c.accountId}/${c.region}:${c.status}`);

describe('the integrity check of a local source inside AWSLogs/', () => {
  it('checks one region of one account for a CloudTrail/<region> folder, with the digests beside it', async () => {
    const store = new CountingStore(folder(`${A1}/CloudTrail/us-east-1`));
    const result = await check(store);
    expect(checked(result)).toEqual([`${A1}/us-east-1:valid`]);
    expect(result.ok).toBe(true);
    expect(result.chains[0].logFilesValid).toBeGreaterThan(0);
    // Nothing above the account is listed, nor the CloudTrail folder the source is in.
    const outside = store.listed.filter((p) => !p.startsWith(`AWSLogs/${tree.organizationId}/${A1}/`) || p === `AWSLogs/${tree.organizationId}/${A1}/CloudTrail/`);
    expect(outside).toEqual([]);
  });

  it('checks the same region for its CloudTrail-Digest/<region> folder', async () => {
    expect(checked(await check(new LocalStore(folder(`${A1}/CloudTrail-Digest/us-east-1`))))).toEqual([`${A1}/us-east-1:valid`]);
  });

  it('checks every region of the account for its CloudTrail folder or the account folder, and no other account', async () => {
    for (const rest of [`${A1}/CloudTrail`, A1]) {
      const result = await check(new LocalStore(folder(rest)));
      expect(checked(result), rest).toEqual([`${A1}/eu-west-1:invalid`, `${A1}/us-east-1:valid`]);
    }
    expect(checked(await check(new LocalStore(folder(A2))))).toEqual([`${A2}/eu-west-1:valid`, `${A2}/us-east-1:valid`]);
  });

  it('finds nothing to check, an error, when --region leaves the folder out', async () => {
    const result = await check(new LocalStore(folder(`${A1}/CloudTrail/us-east-1`)), { regions: ['eu-west-1'] });
    expect(result.ok).toBe(false);
    expect(result.chains).toEqual([]);
    expect(result.problems.map((p) => p.kind)).toEqual(['no-digests']);
  });

  it('gives the same locations as discovery of the whole copy filtered to that account and region', async () => {
    const narrowed = await discoverLocations(new LocalStore(folder(`${A1}/CloudTrail/eu-west-1`)), new Lister());
    const filtered = await discoverLocations(new LocalStore(dir), new Lister(), { accounts: [A1], regions: ['eu-west-1'] });
    const shape = (ls: typeof narrowed) => ls.map((l) => [l.organizationId, l.accountId, l.region, l.digestPrefix, l.logPrefix]);
    expect(shape(narrowed)).toEqual(shape(filtered));
    expect(shape(narrowed)).toEqual([
      [tree.organizationId, A1, 'eu-west-1', `AWSLogs/${tree.organizationId}/${A1}/CloudTrail-Digest/eu-west-1/`, `AWSLogs/${tree.organizationId}/${A1}/CloudTrail/eu-west-1/`],
    ]);
  });
});
