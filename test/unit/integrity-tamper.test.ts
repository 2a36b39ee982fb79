import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createParsePool, integrityOnWorkers, type ParsePool } from '../../src/collect/pool.js';
import { resolvePeriod } from '../../src/collect/period.js';
import { collect } from '../../src/collect/run.js';
import { ContentHashes } from '../../src/integrity/known-content.js';
import { verifyIntegrity } from '../../src/integrity/verify.js';
import { parsePublicKeyList } from '../../src/integrity/public-keys.js';
import type { IntegrityResult } from '../../src/integrity/types.js';
import { LocalStore } from '../../src/sources/local.js';
import { localPathOf } from '../../src/sources/open.js';
import {
  addUnlistedLog,
  appendBytes,
  buildDigestTree,
  copyObject,
  deleteObject,
  fingerprintOf,
  generateRsaKeyPair,
  readDigestBody,
  rewriteLog,
  writeDigest,
  writeBackfillDigest,
  type DigestTree,
  type RsaKeyPair,
  type TreeLog,
} from '../helpers/digest-tree.js';

const PERIOD = { start: new Date('2026-10-01T00:00:00Z'), end: new Date('2026-10-02T00:00:00Z') };
const A1 = '111111111111';
const A2 = '222222222222';
/** Digests whose window overlaps the period: hours 1..25 of the 27 the tree holds. */
const IN_PERIOD = 25;

let keyPair: RsaKeyPair;
let attacker: RsaKeyPair;
const dirs: string[] = [];

beforeAll(() => {
  keyPair = generateRsaKeyPair();
  attacker = generateRsaKeyPair();
});
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function tree(sidecars: boolean, extra: Partial<Parameters<typeof buildDigestTree>[0]> = {}): DigestTree {
  const root = mkdtempSync(path.join(tmpdir(), 'digest-tree-'));
  dirs.push(root);
  return buildDigestTree({ root, keyPair, sidecars, ...extra });
}

async function check(t: DigestTree, root = t.root, publicKeys = parsePublicKeyList(t.publicKeyList)): Promise<IntegrityResult> {
  return verifyIntegrity({ stores: [new LocalStore(root)], start: PERIOD.start, end: PERIOD.end, publicKeys, concurrency: 4 });
}

function errors(result: IntegrityResult) {
  return result.problems.filter((p) => p.severity === 'error');
}

function chain(result: IntegrityResult, accountId: string, region: string) {
  const found = result.chains.find((c) => c.accountId === accountId && c.region === region);
  if (!found) throw new Error(`no chain for ${accountId}/${region}`);
  return found;
}

describe('clean trees', () => {
  it('passes with signatures kept beside the digests, every digest and log file valid', async () => {
    const t = tree(true);
    const result = await check(t);
    expect(result.problems).toEqual([]);
    expect(result.ok).toBe(true);
    expect(result.chains).toHaveLength(4);
    const inPeriodLogs = t.logs.filter((l) => l.hour >= 2 && l.hour <= 25).length / 4;
    for (const c of result.chains) {
      expect(c).toMatchObject({ digestsValid: IN_PERIOD, digestsInvalid: 0, digestsMissing: 0, digestsUnverified: 0, logFilesModified: 0, logFilesMissing: 0, logFilesNotCovered: 0, status: 'valid', gaps: [] });
      expect(c.logFilesValid).toBe(inPeriodLogs);
      expect(c.trails).toEqual(['org_trail-main']);
    }
    expect([...result.logFiles.values()].every((s) => s === 'valid')).toBe(true);
    expect(result.logFiles.size).toBe(inPeriodLogs * 4);
    // Each object once: 27 digests and the period's log files per account and region.
    expect(result.stats.digestsRead).toBe(27 * 4);
    expect(result.stats.logFilesRead).toBe(inPeriodLogs * 4);
  });

  it('on a local copy without signatures checks each digest with the next one and says the newest could not be checked', async () => {
    const t = tree(false);
    const result = await check(t);
    expect(result.ok).toBe(true);
    expect(errors(result)).toEqual([]);
    const unavailable = result.problems.filter((p) => p.kind === 'digest-signature-unavailable');
    expect(unavailable.map((p) => p.key).sort()).toEqual(
      t.digests.filter((d) => d.hour === 26).map((d) => d.key).sort(),
    );
    expect(unavailable.every((p) => p.severity === 'warning')).toBe(true);
    expect(result.notes.join(' ')).toMatch(/which the newest digest of a chain and backfill digests do not have/);
    for (const c of result.chains) expect(c).toMatchObject({ digestsValid: IN_PERIOD, status: 'valid' });
  });

  it('accepts SubjectPublicKeyInfo keys, a trail prefix, a single-account trail and a root inside the prefix', async () => {
    const t = tree(true, { publicKeyFormat: 'spki', prefix: 'cloudtrail/main', organizationId: null, accounts: [A1], regions: ['us-east-1'] });
    const atBucket = await check(t);
    expect(atBucket.problems).toEqual([]);
    expect(atBucket.chains).toHaveLength(1);
    const atPrefix = await check(t, path.join(t.root, 'cloudtrail', 'main'));
    expect(atPrefix.problems).toEqual([]);
    expect(chain(atPrefix, A1, 'us-east-1').digestsValid).toBe(IN_PERIOD);
  });

  it('treats a log file kept gunzipped without .gz as the same file', async () => {
    const t = tree(true, { accounts: [A1], regions: ['us-east-1'] });
    const log = t.logs.find((l) => l.hour === 10)!;
    writeFileSync(t.file(log.key).slice(0, -3), gunzipSync(readFileSync(t.file(log.key))));
    rmSync(t.file(log.key));
    const result = await check(t);
    expect(result.problems).toEqual([]);
    expect(result.logFiles.get(log.key.slice(0, -3))).toBe('valid');
  });

  it('keeps to the accounts and regions asked for', async () => {
    const t = tree(true);
    const result = await verifyIntegrity({
      stores: [new LocalStore(t.root)],
      start: PERIOD.start,
      end: PERIOD.end,
      accounts: [A2],
      regions: ['eu-west-1'],
      publicKeys: parsePublicKeyList(t.publicKeyList),
    });
    expect(result.chains.map((c) => `${c.accountId}/${c.region}`)).toEqual([`${A2}/eu-west-1`]);
  });
});

interface Case {
  name: string;
  sidecars?: boolean;
  tamper: (t: DigestTree) => { key: string; accountId: string; region: string; publicKeys?: ReturnType<typeof parsePublicKeyList>; added?: string };
  kinds: string[];
  check?: (result: IntegrityResult, t: DigestTree) => void;
}

const digestAt = (t: DigestTree, accountId: string, region: string, hour: number) => t.digestsOf(accountId, region).find((d) => d.hour === hour)!;
const logAt = (t: DigestTree, accountId: string, region: string, hour: number) => t.logsOf(accountId, region).find((l) => l.hour === hour)!;

const cases: Case[] = [
  {
    name: 'a modified log file',
    tamper: (t) => {
      const log = logAt(t, A2, 'eu-west-1', 7);
      rewriteLog(t, log.key, (l) => (l.Records[0].eventName = 'AttachPolicy'));
      return { key: log.key, accountId: A2, region: 'eu-west-1' };
    },
    kinds: ['log-file-modified'],
    check: (result, t) => {
      expect(result.logFiles.get(logAt(t, A2, 'eu-west-1', 7).key)).toBe('modified');
      expect(chain(result, A2, 'eu-west-1')).toMatchObject({ logFilesModified: 1, status: 'invalid' });
      expect(chain(result, A1, 'eu-west-1').status).toBe('valid');
    },
  },
  {
    name: 'a deleted log file',
    tamper: (t) => {
      const log = logAt(t, A1, 'us-east-1', 12);
      deleteObject(t, log.key);
      return { key: log.key, accountId: A1, region: 'us-east-1' };
    },
    kinds: ['log-file-missing'],
    check: (result, t) => {
      expect(result.logFiles.get(logAt(t, A1, 'us-east-1', 12).key)).toBe('missing');
      // A log file a trusted digest lists, gone: deleted evidence, as AWS's validate-logs counts it
      // (invalid). Was `incomplete`, while the report said its events "failed validation" (review 2026-11-26).
      expect(chain(result, A1, 'us-east-1')).toMatchObject({ logFilesMissing: 1, status: 'invalid' });
    },
  },
  {
    name: 'a log file that no digest lists',
    tamper: (t) => ({ key: addUnlistedLog(t, A2, 'us-east-1', new Date('2026-10-01T13:40:00Z')), accountId: A2, region: 'us-east-1' }),
    kinds: ['log-file-not-covered'],
    check: (result) => expect(chain(result, A2, 'us-east-1')).toMatchObject({ logFilesNotCovered: 1, status: 'invalid' }),
  },
  {
    name: 'a deleted digest',
    tamper: (t) => {
      const d = digestAt(t, A1, 'eu-west-1', 9);
      deleteObject(t, d.key);
      return { key: d.key, accountId: A1, region: 'eu-west-1' };
    },
    kinds: ['digest-missing'],
    check: (result, t) => {
      expect(chain(result, A1, 'eu-west-1')).toMatchObject({ digestsMissing: 1, digestsValid: IN_PERIOD - 1, status: 'incomplete' });
      const d = digestAt(t, A1, 'eu-west-1', 9);
      expect(chain(result, A1, 'eu-west-1').gaps).toEqual([{ trail: 'org_trail-main', from: d.start, to: d.end, reason: 'digests-missing' }]);
      // Its log files cannot be checked: unverified, not "added".
      for (const key of d.logKeys) expect(result.logFiles.get(key)).toBe('unverified');
      expect(chain(result, A1, 'eu-west-1')).toMatchObject({ logFilesUnverified: d.logKeys.length, logFilesNotCovered: 0 });
    },
  },
  {
    name: 'two deleted digests in a row',
    tamper: (t) => {
      const first = digestAt(t, A2, 'us-east-1', 14);
      const second = digestAt(t, A2, 'us-east-1', 15);
      deleteObject(t, first.key);
      deleteObject(t, second.key);
      return { key: second.key, accountId: A2, region: 'us-east-1' };
    },
    kinds: ['digest-missing'],
    check: (result, t) => {
      const c = chain(result, A2, 'us-east-1');
      expect(c.digestsMissing).toBe(2);
      const missing = result.problems.filter((p) => p.kind === 'digest-missing');
      expect(missing).toHaveLength(2);
      const first = digestAt(t, A2, 'us-east-1', 14);
      expect(missing.map((p) => [p.from, p.to]).sort()).toEqual([
        [first.start, first.end],
        [digestAt(t, A2, 'us-east-1', 15).start, digestAt(t, A2, 'us-east-1', 15).end],
      ]);
      expect(c.gaps).toEqual([{ trail: 'org_trail-main', from: first.start, to: digestAt(t, A2, 'us-east-1', 15).end, reason: 'digests-missing' }]);
    },
  },
  {
    name: 'a digest altered and re-signed with another key (signature in a sidecar)',
    sidecars: true,
    tamper: (t) => {
      const d = digestAt(t, A1, 'us-east-1', 6);
      const body = readDigestBody(t, d.key);
      (body.logFiles as { hashValue: string }[])[0].hashValue = 'f'.repeat(64);
      writeDigest(t, d.key, body, attacker.privateKey);
      return { key: d.key, accountId: A1, region: 'us-east-1' };
    },
    kinds: ['digest-signature-invalid', 'chain-link-broken'],
    check: (result, t) => {
      expect(chain(result, A1, 'us-east-1')).toMatchObject({ digestsInvalid: 1, status: 'invalid' });
      // The log file is intact; only the forged digest disagrees with it, and that digest proves nothing.
      const firstLog = digestAt(t, A1, 'us-east-1', 6).logKeys[0];
      expect(result.logFiles.get(firstLog)).toBe('unverified');
    },
  },
  {
    name: 'a digest altered and re-signed with another key (local copy, checked through the next digest)',
    sidecars: false,
    tamper: (t) => {
      const d = digestAt(t, A1, 'us-east-1', 6);
      const body = readDigestBody(t, d.key);
      body.logFiles = [];
      writeDigest(t, d.key, body, attacker.privateKey);
      return { key: d.key, accountId: A1, region: 'us-east-1' };
    },
    kinds: ['digest-signature-invalid', 'chain-link-broken', 'log-file-not-covered'],
    check: (result, t) => {
      // With the digest's list emptied, its log files are no longer covered by a trustworthy digest.
      for (const key of digestAt(t, A1, 'us-east-1', 6).logKeys) expect(result.logFiles.get(key)).toBe('not-covered');
    },
  },
  {
    name: 'a digest signed with an unknown key fingerprint',
    sidecars: true,
    tamper: (t) => {
      const d = digestAt(t, A2, 'eu-west-1', 20);
      const body = readDigestBody(t, d.key);
      body.digestPublicKeyFingerprint = fingerprintOf(attacker.publicKey);
      writeDigest(t, d.key, body, attacker.privateKey);
      return { key: d.key, accountId: A2, region: 'eu-west-1' };
    },
    kinds: ['digest-key-unknown', 'chain-link-broken'],
  },
  {
    name: 'a public keys list without the signing key',
    sidecars: true,
    tamper: (t) => ({ key: digestAt(t, A1, 'eu-west-1', 1).key, accountId: A1, region: 'eu-west-1', publicKeys: parsePublicKeyList({ PublicKeyList: [{ ...t.publicKeyList.PublicKeyList[0], Fingerprint: '0'.repeat(32) }] }) }),
    kinds: ['digest-key-unknown'],
    check: (result) => {
      for (const c of result.chains) expect(c).toMatchObject({ digestsValid: 0, digestsInvalid: IN_PERIOD, status: 'invalid' });
      expect([...result.logFiles.values()].every((s) => s === 'unverified')).toBe(true);
    },
  },
  {
    name: 'a digest copied to another key',
    sidecars: true,
    tamper: (t) => {
      const d = digestAt(t, A1, 'us-east-1', 8);
      const to = d.key.replaceAll(A1, A2).replace(/_(\d{8}T\d{6}Z)\.json\.gz$/, '_20261001T080000Z.json.gz');
      copyObject(t, d.key, to);
      return { key: to, accountId: A2, region: 'us-east-1' };
    },
    kinds: ['digest-moved'],
    check: (result) => {
      expect(chain(result, A1, 'us-east-1').status).toBe('valid');
      expect(chain(result, A2, 'us-east-1')).toMatchObject({ digestsInvalid: 1, digestsValid: IN_PERIOD, status: 'invalid' });
    },
  },
  {
    name: 'a digest moved to another name in its folder',
    sidecars: false,
    tamper: (t) => {
      const d = digestAt(t, A2, 'eu-west-1', 11);
      const to = d.key.replace(/_(\d{8}T\d{6}Z)\.json\.gz$/, '_20261001T113000Z.json.gz');
      renameSync(t.file(d.key), t.file(to));
      return { key: to, accountId: A2, region: 'eu-west-1' };
    },
    // And the digest before it: no signature stored on this copy, and the next digest is unusable.
    kinds: ['digest-moved', 'digest-missing', 'digest-signature-unavailable'],
  },
  {
    name: 'a second gzip member appended to a log file',
    tamper: (t) => {
      const log = logAt(t, A1, 'eu-west-1', 16);
      appendBytes(t, log.key, gzipSync(Buffer.from('{"Records":[{"eventSource":"iot.amazonaws.com","eventName":"DeletePolicy"}]}')));
      return { key: log.key, accountId: A1, region: 'eu-west-1' };
    },
    kinds: ['gzip-trailing-data'],
    check: (result, t) => expect(result.logFiles.get(logAt(t, A1, 'eu-west-1', 16).key)).toBe('modified'),
  },
  {
    name: 'garbage appended to a log file',
    tamper: (t) => {
      const log = logAt(t, A2, 'us-east-1', 4);
      appendBytes(t, log.key, Buffer.from('garbage after the stream'));
      return { key: log.key, accountId: A2, region: 'us-east-1' };
    },
    kinds: ['gzip-trailing-data'],
  },
  {
    name: 'bytes appended to a digest',
    sidecars: true,
    tamper: (t) => {
      const d = digestAt(t, A2, 'eu-west-1', 3);
      appendBytes(t, d.key, Buffer.from([0x00, 0x01, 0x02]));
      return { key: d.key, accountId: A2, region: 'eu-west-1' };
    },
    kinds: ['gzip-trailing-data'],
    check: (result) => expect(chain(result, A2, 'eu-west-1')).toMatchObject({ digestsInvalid: 1, status: 'invalid' }),
  },
  // Digests that nobody's signature vouches for (2026-11-25 review): each once passed as "OK".
  {
    name: 'a modified log file whose new hash an unsigned backfill digest lists',
    tamper: (t) => {
      const log = logAt(t, A1, 'eu-west-1', 6);
      rewriteLog(t, log.key, (l) => (l.Records[0].eventName = 'DeletePolicy'));
      const forged = writeBackfillDigest(t, A1, 'eu-west-1', [log.key], new Date('2026-10-01T03:17:31Z'));
      rmSync(`${t.file(forged)}.sig`);
      return { key: log.key, accountId: A1, region: 'eu-west-1' };
    },
    kinds: ['log-file-modified', 'digest-signature-unavailable'],
    // A trusted digest's hash decides; the unsigned one agreeing with the new content proves nothing.
    check: (result, t) => expect(result.logFiles.get(logAt(t, A1, 'eu-west-1', 6).key)).toBe('modified'),
  },
  {
    name: 'an added log file listed only by an unsigned digest of another trail, its times outside the period',
    tamper: (t) => {
      const added = addUnlistedLog(t, A1, 'us-east-1', new Date('2026-10-01T07:33:00Z'));
      const model = digestAt(t, A1, 'us-east-1', 0);
      const key = model.key.replace(`_${t.trailName}_`, '_shadow_');
      const body = {
        ...readDigestBody(t, model.key),
        digestS3Object: key,
        previousDigestS3Bucket: null,
        previousDigestS3Object: null,
        previousDigestHashValue: null,
        previousDigestHashAlgorithm: null,
        previousDigestSignature: null,
        logFiles: [{ s3Bucket: t.bucket, s3Object: added, hashValue: createHash('sha256').update(gunzipSync(readFileSync(t.file(added)))).digest('hex'), hashAlgorithm: 'SHA-256' }],
      };
      writeDigest(t, key, body, attacker.privateKey);
      rmSync(`${t.file(key)}.sig`);
      return { key, accountId: A1, region: 'us-east-1', added };
    },
    // The shadow trail's chain, whose one digest is before the period, ends there: a warning, as a
    // trail stopped before the period is (each log file of the period is in a digest read).
    kinds: ['digest-signature-unavailable'],
    check: (result) => {
      const added = [...result.logFiles].find(([key]) => key.includes('Zz9Yy8Xx7Ww6Vv5U'));
      expect(added?.[1]).toBe('unverified');
      expect(chain(result, A1, 'us-east-1')).toMatchObject({ logFilesUnverified: 1, status: 'incomplete' });
    },
  },
  {
    name: 'the newest digest, after the period and unsigned, made to list an added log file of the period',
    sidecars: false,
    tamper: (t) => {
      const last = t.digestsOf(A2, 'us-east-1').at(-1)!;
      const added = addUnlistedLog(t, A2, 'us-east-1', new Date('2026-10-01T23:40:00Z'));
      const body = readDigestBody(t, last.key);
      const hashValue = createHash('sha256').update(gunzipSync(readFileSync(t.file(added)))).digest('hex');
      body.logFiles = [...(body.logFiles as object[]), { s3Bucket: t.bucket, s3Object: added, hashValue, hashAlgorithm: 'SHA-256' }];
      writeDigest(t, last.key, body, attacker.privateKey);
      return { key: last.key, accountId: A2, region: 'us-east-1' };
    },
    // Outside the period by its times and name, but it vouches for a log file of the period.
    kinds: ['digest-signature-unavailable'],
  },
  {
    name: 'a gunzipped log file of other content beside a genuine one of the same name',
    tamper: (t) => {
      const log = logAt(t, A2, 'eu-west-1', 9);
      const content = JSON.parse(gunzipSync(readFileSync(t.file(log.key))).toString('utf8')) as { Records: Record<string, unknown>[] };
      content.Records[0].eventID = 'forged-0000-4000-8000-000000000001';
      writeFileSync(t.file(log.key).slice(0, -3), JSON.stringify(content));
      return { key: log.key.slice(0, -3), accountId: A2, region: 'eu-west-1' };
    },
    kinds: ['log-file-not-covered'],
    check: (result, t) => {
      const log = logAt(t, A2, 'eu-west-1', 9);
      expect(result.logFiles.get(log.key)).toBe('valid');
      expect(result.logFiles.get(log.key.slice(0, -3))).toBe('not-covered');
    },
  },
  {
    name: "an added log file in a folder of the period, named for another day",
    tamper: (t) => {
      const model = logAt(t, A1, 'eu-west-1', 5).key;
      const key = `${model.slice(0, model.lastIndexOf('/') + 1)}${A1}_CloudTrail_eu-west-1_20260915T0733Z_Qq1Ww2Ee3Rr4Tt5Y.json.gz`;
      writeFileSync(t.file(key), gzipSync(Buffer.from(JSON.stringify({ Records: [{ eventTime: '2026-10-01T07:30:00Z', eventSource: 'iot.amazonaws.com', eventName: 'DeletePolicy' }] }))));
      return { key, accountId: A1, region: 'eu-west-1' };
    },
    kinds: ['log-file-not-covered'],
  },
  {
    name: 'a genuine digest of before the period copied under a name of the period, beside an added log file',
    tamper: (t) => {
      addUnlistedLog(t, A2, 'eu-west-1', new Date('2026-10-01T07:33:00Z'));
      const key = digestAt(t, A2, 'eu-west-1', 9).key.replace(`_${t.trailName}_`, '_shadow_');
      copyObject(t, digestAt(t, A2, 'eu-west-1', 0).key, key);
      return { key, accountId: A2, region: 'eu-west-1' };
    },
    // Its body's times are before the period; the hour its name gives is in it.
    kinds: ['digest-moved'],
  },
  {
    name: 'the last digests of the period deleted, and the one after them',
    tamper: (t) => {
      for (const hour of [24, 25, 26]) deleteObject(t, digestAt(t, A1, 'us-east-1', hour).key);
      return { key: digestAt(t, A1, 'us-east-1', 23).key, accountId: A1, region: 'us-east-1' };
    },
    kinds: ['chain-gap', 'log-file-not-covered'],
    check: (result, t) => {
      // A chain that ends cannot tell deleted digests from validation turned off: the log files
      // after it are not covered, and say both.
      const after = [24, 25].flatMap((hour) => digestAt(t, A1, 'us-east-1', hour).logKeys).filter((key) => result.logFiles.has(key));
      expect(after.length).toBeGreaterThan(0);
      expect(chain(result, A1, 'us-east-1')).toMatchObject({ logFilesNotCovered: after.length, status: 'invalid' });
      for (const key of after) {
        expect(result.logFiles.get(key)).toBe('not-covered');
        expect(result.problems.find((p) => p.key === key)?.message).toMatch(/after its chain's last digest.*validation stopped, or the digests after it were deleted/);
      }
    },
  },
  {
    name: 'the first digests of the period deleted, and the one before them',
    tamper: (t) => {
      for (const hour of [0, 1, 2]) deleteObject(t, digestAt(t, A2, 'us-east-1', hour).key);
      return { key: digestAt(t, A2, 'us-east-1', 2).key, accountId: A2, region: 'us-east-1' };
    },
    kinds: ['digest-missing'],
    // Hours 1 (across the period's start) and 2.
    check: (result) => expect(chain(result, A2, 'us-east-1')).toMatchObject({ digestsMissing: 2, logFilesNotCovered: 0 }),
  },
];

describe('tampering on a local copy', () => {
  let pool: ParsePool;
  beforeAll(() => {
    pool = createParsePool({ threads: 2 });
  });
  afterAll(() => pool.close());

  it.each(cases)('catches $name', async ({ sidecars, tamper, kinds, check: extra }) => {
    const t = tree(sidecars ?? true);
    const { key, accountId, region, publicKeys } = tamper(t);
    const result = await check(t, t.root, publicKeys);
    // The same with the digests and log files read on worker threads (`verify`, `report --verify`).
    const onWorkers = await verifyIntegrity({
      stores: [new LocalStore(t.root)],
      start: PERIOD.start,
      end: PERIOD.end,
      publicKeys: publicKeys ?? parsePublicKeyList(t.publicKeyList),
      concurrency: 4,
      ...integrityOnWorkers(pool, localPathOf),
    });
    expect(onWorkers).toEqual(result);
    expect(result.ok).toBe(false);
    const found = errors(result);
    expect([...new Set(found.map((p) => p.kind))].sort()).toEqual([...kinds].sort());
    const named = found.find((p) => p.key === key && p.kind === kinds[0]);
    expect(named, `a ${kinds[0]} problem naming ${key}`).toMatchObject({ accountId, region });
    // Problems stay with the account and region tampered with.
    if (!publicKeys) expect(found.every((p) => p.accountId === accountId && p.region === region)).toBe(true);
    extra?.(result, t);
  });
});

describe('gaps, missing folders, late and backfill digests', () => {
  it('reports a chain restarted after logging was stopped as a gap with its time range', async () => {
    const t = tree(true, { pausedHours: [10, 11, 12], accounts: [A1], regions: ['eu-west-1'] });
    const result = await check(t);
    const c = chain(result, A1, 'eu-west-1');
    const before = digestAt(t, A1, 'eu-west-1', 9);
    const after = digestAt(t, A1, 'eu-west-1', 13);
    expect(c.gaps).toEqual([{ trail: 'org_trail-main', from: before.end, to: after.start, reason: 'chain-restart' }]);
    // Its three hours lack a digest, as a chain's end does: counted.
    expect(c).toMatchObject({ digestsMissing: 3, digestsValid: IN_PERIOD - 3, status: 'incomplete' });
    expect(errors(result)).toEqual([expect.objectContaining({ kind: 'chain-gap', key: after.key, from: before.end, to: after.start })]);
  });

  it('reports a forged gap of years hour by hour only around the period, the rest as one warning', async () => {
    const t = tree(true, { accounts: [A1], regions: ['eu-west-1'] });
    // The last digest, re-signed with the trail's own key, says it starts 30 years on and names
    // a previous digest that is not there: 263,000 missing hours, each an issue before.
    const last = t.digestsOf(A1, 'eu-west-1').at(-1)!;
    const body = readDigestBody(t, last.key);
    const later = (iso: unknown) => new Date(Date.parse(String(iso)) + 30 * 365 * 86_400_000).toISOString().replace('.000Z', 'Z');
    body.digestStartTime = later(body.digestStartTime);
    body.digestEndTime = later(body.digestEndTime);
    body.previousDigestS3Object = String(body.previousDigestS3Object).replace(/\d{8}T\d+Z/, '20261001T120000Z');
    writeDigest(t, last.key, body);
    const result = await check(t);
    const missing = result.problems.filter((p) => p.kind === 'digest-missing');
    // Hour by hour within the 15 days after the period that a check may read (360), the rest one warning.
    expect(missing.length).toBeLessThan(400);
    expect(missing).toContainEqual(expect.objectContaining({ severity: 'warning', message: expect.stringMatching(/^no digests for .* \(\d+ hours\); .*\(outside the period\)$/) }));
  }, 20_000);

  it('names a region with log files and no digest at all once, and counts its files as unchecked, each marked no-digests', async () => {
    const t = tree(true, { accounts: [A1] });
    rmSync(path.join(t.root, 'AWSLogs', t.organizationId!, A1, 'CloudTrail-Digest', 'us-east-1'), { recursive: true });
    const result = await check(t);
    const found = errors(result);
    expect(found).toEqual([expect.objectContaining({ kind: 'no-digests', accountId: A1, region: 'us-east-1' })]);
    const c = chain(result, A1, 'us-east-1');
    expect(c.logFilesUnverified).toBeGreaterThan(0);
    expect(c).toMatchObject({ logFilesValid: 0, logFilesNotCovered: 0, digestsValid: 0, status: 'incomplete' });
    const marks = [...result.logFiles].filter(([key]) => key.includes(`/${A1}/CloudTrail/us-east-1/`)).map(([, status]) => status);
    expect(new Set(marks)).toEqual(new Set(['no-digests']));
    expect(marks).toHaveLength(c.logFilesUnverified);
  });

  it('marks each file as its own trail stands: no-digests for a trail with none, not-covered for a file added beside a trail with digests, in one account and region', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'digest-tree-two-'));
    dirs.push(root);
    const signed = buildDigestTree({ root, keyPair, sidecars: true, prefix: 'main', accounts: [A1], regions: ['us-east-1'] });
    const unsigned = buildDigestTree({ root, keyPair, sidecars: true, prefix: 'second', trailName: 'second-trail', accounts: [A1], regions: ['us-east-1'] });
    rmSync(path.join(root, 'second', 'AWSLogs', unsigned.organizationId!, A1, 'CloudTrail-Digest'), { recursive: true });
    const added = addUnlistedLog(signed, A1, 'us-east-1', new Date('2026-10-01T03:20:00Z'));
    const result = await check(signed, root);
    const inPeriod = (logs: TreeLog[]) => logs.map((l) => l.key).filter((key) => key.includes('/2026/10/01/'));
    expect(inPeriod(unsigned.logsOf(A1, 'us-east-1')).length).toBeGreaterThan(5);
    for (const key of inPeriod(unsigned.logsOf(A1, 'us-east-1'))) expect(result.logFiles.get(key), key).toBe('no-digests');
    for (const key of inPeriod(signed.logsOf(A1, 'us-east-1'))) expect(result.logFiles.get(key), key).toBe('valid');
    expect(result.logFiles.get(added)).toBe('not-covered');
    expect(errors(result).map((p) => p.kind).sort()).toEqual(['log-file-not-covered', 'no-digests']);
  });

  it('says a period with no digest, in an account and region with a digest folder, is not covered when the chain ran through it', async () => {
    // Eight days of digests; every digest and log file delivered on days 3 to 6 deleted.
    const t = tree(true, { accounts: [A1], regions: ['eu-west-1'], hours: 8 * 24 });
    const wiped = (key: string) => /\/2026\/10\/0[3-6]\//.test(key);
    for (const d of t.digestsOf(A1, 'eu-west-1')) if (wiped(d.key)) deleteObject(t, d.key);
    for (const l of t.logsOf(A1, 'eu-west-1')) if (wiped(l.key)) deleteObject(t, l.key);
    const run = (start: string, end: string, now?: Date) =>
      verifyIntegrity({ stores: [new LocalStore(t.root)], start: new Date(start), end: new Date(end), publicKeys: parsePublicKeyList(t.publicKeyList), now });
    // No digest is read around the period (days 3 to 6 are listed); the first after it, on day 7, names one of day 6, gone.
    const result = await run('2026-10-04T00:00:00Z', '2026-10-05T00:00:00Z');
    expect(result.ok).toBe(false);
    expect(errors(result)).toEqual([
      expect.objectContaining({ kind: 'digest-missing', accountId: A1, region: 'eu-west-1', from: '2026-10-04T00:00:00Z', to: '2026-10-05T00:00:00Z', message: expect.stringMatching(/names a previous digest that is not there/) }),
    ]);
    expect(chain(result, A1, 'eu-west-1')).toMatchObject({ digestsMissing: 24, digestsValid: 0, status: 'incomplete', gaps: [expect.objectContaining({ from: '2026-10-04T00:00:00Z' })] });
    // Not before the digests are due.
    expect((await run('2026-10-04T00:00:00Z', '2026-10-05T00:00:00Z', new Date('2026-10-04T01:00:00Z'))).problems).toEqual([]);
    // A period after the chain's end (an account that left, a trail stopped): a warning, not a failure.
    const after = await run('2026-10-20T00:00:00Z', '2026-10-21T00:00:00Z');
    expect(after.ok).toBe(true);
    expect(after.problems).toEqual([expect.objectContaining({ kind: 'chain-gap', severity: 'warning', message: expect.stringMatching(/did not log this account and region then/) })]);
  });

  it('does not fail a report run the day after its period on a copy without signatures, for the late days only', async () => {
    const t = tree(false, { accounts: [A1], regions: ['eu-west-1'] });
    // The report reads a late day past the period: its newest digest (01:17 the next day) has no signature yet.
    const run = (lateFrom?: Date) =>
      verifyIntegrity({ stores: [new LocalStore(t.root)], start: PERIOD.start, end: new Date('2026-10-03T00:00:00Z'), lateFrom, now: new Date('2026-10-02T01:40:00Z'), publicKeys: parsePublicKeyList(t.publicKeyList) });
    expect(errors(await run()).map((p) => p.kind)).toEqual(['digest-signature-unavailable']);
    const report = await run(PERIOD.end);
    expect(report.ok).toBe(true);
    expect(report.problems).toEqual([expect.objectContaining({ kind: 'digest-signature-unavailable', severity: 'warning' })]);
  });

  it('fails a log file of the period that only the unsigned newest digest of the late days lists, named without a time', async () => {
    // The newest digest is unsigned until its successor comes (a warning, for the late days alone),
    // and a name without a time gives no day to tell the period's files from the late days': no
    // problem of the chain says why the file is unproven, and the check must not pass it.
    const t = tree(false, { accounts: [A1], regions: ['eu-west-1'] });
    const newest = t.digestsOf(A1, 'eu-west-1').at(-1)!;
    const named = addUnlistedLog(t, A1, 'eu-west-1', new Date('2026-10-01T12:00:00Z'));
    const added = named.replace(/[^/]+$/, 'extra.json.gz');
    rmSync(t.file(named));
    const content = gzipSync(Buffer.from(JSON.stringify({ Records: [] })));
    writeFileSync(t.file(added), content);
    const body = readDigestBody(t, newest.key);
    const hashValue = createHash('sha256').update(gunzipSync(content)).digest('hex');
    body.logFiles = [...(body.logFiles as object[]), { s3Bucket: t.bucket, s3Object: added, hashValue, hashAlgorithm: 'SHA-256' }];
    writeDigest(t, newest.key, body, attacker.privateKey);
    const result = await verifyIntegrity({
      stores: [new LocalStore(t.root)],
      start: PERIOD.start,
      end: new Date('2026-10-03T00:00:00Z'),
      lateFrom: PERIOD.end,
      now: new Date('2026-10-02T01:40:00Z'),
      publicKeys: parsePublicKeyList(t.publicKeyList),
    });
    expect(result.logFiles.get(added)).toBe('unverified');
    expect(errors(result)).toEqual([
      expect.objectContaining({ kind: 'log-file-not-covered', accountId: A1, region: 'eu-west-1', message: '1 log files of the period could not be checked against a digest whose signature verified' }),
    ]);
    expect(result.ok).toBe(false);
  });

  it('does not fail a period before an account or region began to log', async () => {
    const t = tree(true, { accounts: [A1], regions: ['eu-west-1'], firstWindowStart: new Date('2026-10-10T00:17:31Z') });
    const result = await verifyIntegrity({ stores: [new LocalStore(t.root)], start: new Date('2026-10-01T00:00:00Z'), end: new Date('2026-10-02T00:00:00Z'), publicKeys: parsePublicKeyList(t.publicKeyList) });
    expect(result.ok).toBe(true);
    expect(errors(result)).toEqual([]);
  });

  it('does not call digests missing that are not due yet', async () => {
    const t = tree(true, { accounts: [A1], regions: ['eu-west-1'], hours: 25 });
    const lastEnd = new Date(digestAt(t, A1, 'eu-west-1', 24).end).getTime();
    const run = (now: Date) =>
      verifyIntegrity({ stores: [new LocalStore(t.root)], start: PERIOD.start, end: PERIOD.end, publicKeys: parsePublicKeyList(t.publicKeyList), now });
    expect((await run(new Date(lastEnd + 30 * 60_000))).problems.filter((p) => p.severity === 'error')).toEqual([]);
    // Days later, a chain that stops before the period's end is a gap.
    const late = await run(new Date('2026-10-05T00:00:00Z'));
    expect(errors(late)).toEqual([expect.objectContaining({ kind: 'chain-gap', from: new Date(lastEnd).toISOString().replace('.000Z', 'Z'), to: '2026-10-02T00:00:00Z' })]);
  });

  it('counts log files a backfill digest lists as covered', async () => {
    const t = tree(true, { accounts: [A2], regions: ['us-east-1'] });
    const late = addUnlistedLog(t, A2, 'us-east-1', new Date('2026-10-01T06:40:00Z'));
    writeBackfillDigest(t, A2, 'us-east-1', [late], new Date('2026-10-01T09:00:00Z'));
    const result = await check(t);
    expect(result.problems).toEqual([]);
    expect(result.logFiles.get(late)).toBe('valid');
  });

  it('names an unreadable digest and leaves its hour unchecked rather than calling its files added', async () => {
    const t = tree(true, { accounts: [A1], regions: ['us-east-1'] });
    const d = digestAt(t, A1, 'us-east-1', 17);
    writeFileSync(t.file(d.key), 'not gzip, not json');
    const result = await check(t);
    expect(errors(result)).toEqual([expect.objectContaining({ kind: 'digest-unreadable', key: d.key })]);
    for (const key of d.logKeys) expect(result.logFiles.get(key)).toBe('unverified');
    expect(chain(result, A1, 'us-east-1')).toMatchObject({ digestsInvalid: 1, status: 'invalid' });
  });
  it('counts a deleted digest that ends minutes into the period as missing: the log files delivered then are in no other', async () => {
    // The chain's first digest ends two minutes into the period; the next one starts within the
    // tolerance of the period's start, as a chain whose links abut the period's start does.
    const t = tree(true, { accounts: [A1], regions: ['us-east-1'], firstWindowStart: new Date('2026-09-30T23:02:00Z') });
    const straddling = digestAt(t, A1, 'us-east-1', 0);
    const early = addUnlistedLog(t, A1, 'us-east-1', new Date('2026-10-01T00:01:00Z'));
    deleteObject(t, straddling.key);
    const result = await check(t);
    expect(result.logFiles.get(early)).toBe('unverified');
    expect(result.problems.filter((p) => p.kind === 'digest-missing')).toEqual([
      expect.objectContaining({ severity: 'error', key: straddling.key, message: expect.stringMatching(/^digest not found; .* points to it, and it ends after the period's start$/) }),
    ]);
    expect(result.problems.some((p) => p.kind === 'log-file-not-covered')).toBe(false);
    expect(result.ok).toBe(false);
    expect(chain(result, A1, 'us-east-1')).toMatchObject({ digestsMissing: 1, logFilesUnverified: 1, status: 'incomplete' });
  });
});

describe('nothing to check', () => {
  it('does not pass a folder without any trail layout', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'digest-tree-empty-'));
    dirs.push(root);
    writeFileSync(path.join(root, 'notes.txt'), 'not a trail bucket');
    const result = await verifyIntegrity({ stores: [new LocalStore(root)], start: PERIOD.start, end: PERIOD.end, publicKeys: [] });
    expect(result.ok).toBe(false);
    expect(result.problems).toEqual([expect.objectContaining({ kind: 'no-digests', source: root })]);
  });
});

describe('log file hashes worked out on worker threads or by the report read', () => {
  /** One tree with every kind of log file damage at once, and a file kept gunzipped. */
  function damagedTree(): DigestTree {
    const t = tree(true);
    rewriteLog(t, logAt(t, A1, 'us-east-1', 5).key, (log) => {
      log.Records[0].eventName = 'AttachPolicy';
    });
    appendBytes(t, logAt(t, A1, 'eu-west-1', 16).key, gzipSync(Buffer.from('{"Records":[]}')));
    appendBytes(t, logAt(t, A2, 'us-east-1', 4).key, Buffer.from('garbage after the stream'));
    const cut = logAt(t, A2, 'eu-west-1', 7).key;
    writeFileSync(t.file(cut), readFileSync(t.file(cut)).subarray(0, 40));
    const flipped = logAt(t, A2, 'eu-west-1', 9).key;
    const bytes = readFileSync(t.file(flipped));
    bytes[bytes.length - 6] ^= 0xff; // the CRC-32
    writeFileSync(t.file(flipped), bytes);
    const plain = logAt(t, A1, 'us-east-1', 10).key;
    writeFileSync(t.file(plain).slice(0, -3), gunzipSync(readFileSync(t.file(plain))));
    rmSync(t.file(plain));
    deleteObject(t, logAt(t, A1, 'eu-west-1', 12).key);
    return t;
  }

  /** Verifies with the hooks given, counting the log files and digests this thread reads. */
  async function run(t: DigestTree, store: LocalStore, extra: Partial<Parameters<typeof verifyIntegrity>[0]> = {}) {
    let logReads = 0;
    let digestReads = 0;
    const result = await verifyIntegrity({
      stores: [store],
      start: PERIOD.start,
      end: PERIOD.end,
      publicKeys: parsePublicKeyList(t.publicKeyList),
      concurrency: 4,
      readObject: (s, key) => {
        if (key.includes('/CloudTrail/')) logReads++;
        if (key.includes('/CloudTrail-Digest/')) digestReads++;
        return s.read(key);
      },
      ...extra,
    });
    return { result, logReads, digestReads };
  }

  it('gives the same result whoever hashes, and reads no log file twice', async () => {
    const t = damagedTree();
    const { result: inline, logReads, digestReads } = await run(t, new LocalStore(t.root));
    expect(logReads).toBe(inline.stats.logFilesRead);
    expect(digestReads).toBe(inline.stats.digestsRead);
    expect([...new Set(errors(inline).map((p) => p.kind))].sort()).toEqual(['gzip-trailing-data', 'log-file-missing', 'log-file-modified']);
    expect(errors(inline).filter((p) => p.kind === 'log-file-modified').map((p) => p.message)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^not the gzip file CloudTrail wrote: /), expect.stringMatching(/^SHA-256 [0-9a-f]{64} differs/)]),
    );

    // `verify`: the parse workers read and hash the local files.
    const pool = createParsePool({ threads: 2 });
    try {
      const pooled = await run(t, new LocalStore(t.root), integrityOnWorkers(pool, localPathOf));
      expect(pooled.result).toEqual(inline);
      expect(pooled.logReads).toBe(0);
      // The digests too are read on the workers.
      expect(pooled.digestReads).toBe(0);
      // Bytes read here (an S3 source) go to the workers to be hashed.
      const sent = await run(t, new LocalStore(t.root), { hashBytes: integrityOnWorkers(pool, localPathOf).hashBytes });
      expect(sent.result).toEqual(inline);
      expect(sent.logReads).toBe(inline.stats.logFilesRead);
    } finally {
      await pool.close();
    }

    // `report --verify`: the check takes each hash from the report's read.
    const store = new LocalStore(t.root);
    const hashes = new ContentHashes();
    const period = resolvePeriod({ from: '2026-10-01', to: '2026-10-02', tz: 'UTC' }, new Date('2026-11-01T00:00:00Z'));
    await collect({ stores: [store], period, lateDays: 1, concurrency: 4, contentSink: hashes });
    const fromRead = await run(t, store, { knownContent: (s, key) => hashes.take(s, key) });
    expect(fromRead.result).toEqual(inline);
    expect(fromRead.logReads).toBe(0);
  });

  it('hands each hash over once, and keeps no more than its capacity', () => {
    const store = new LocalStore('/nowhere');
    const hashes = new ContentHashes(2);
    hashes.add(store, 'a', { sha256: 'aa', trailingBytes: 0 }, 10);
    hashes.add(store, 'b', { error: 'gzip CRC-32 does not match the content' }, 20);
    expect(hashes.wanted).toBe(false);
    // Past its capacity it keeps no more (the check then reads that file itself).
    hashes.add(store, 'c', { sha256: 'cc', trailingBytes: 0 }, 1);
    expect(hashes.take(store, 'c')).toBeUndefined();
    expect(hashes.take(store, 'a')).toEqual({ sha256: 'aa', trailingBytes: 0, storedBytes: 10 });
    expect(hashes.take(store, 'a')).toBeUndefined();
    expect(hashes.wanted).toBe(true);
    expect(hashes.take(new LocalStore('/elsewhere'), 'b')).toBeUndefined();
    expect(hashes.take(store, 'b')).toEqual({ error: 'gzip CRC-32 does not match the content', storedBytes: 20 });
  });
});
