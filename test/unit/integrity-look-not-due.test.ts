/**
 * "Its digest is not due yet" is said only of a log file that may belong to a chain CloudTrail is
 * shown to be writing (2026-11-26 review, second round): an unsigned digest of a made-up trail,
 * ending minutes into a period that starts within two hours of now, turned a log file added inside
 * a verified digest's hour into a warning, and the check passed.
 */
import { writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { parsePublicKeyList } from '../../src/integrity/public-keys.js';
import type { IntegrityResult } from '../../src/integrity/types.js';
import { verifyIntegrity } from '../../src/integrity/verify.js';
import { LocalStore } from '../../src/sources/local.js';
import { addUnlistedLog, buildDigestTree, generateRsaKeyPair, type DigestTree, type DigestTreeOptions } from '../helpers/digest-tree.js';
import { tempFolders } from '../helpers/temp-folders.js';

const A1 = '111111111111';
const REGION = 'us-east-1';
const keyPair = generateRsaKeyPair();
const newRoot = tempFolders('integrity-look-not-due-');

function tree(options: Partial<DigestTreeOptions> & { root?: string } = {}): DigestTree {
  const root = options.root ?? newRoot();
  // The newest digest ends 2026-10-01T10:17:31Z.
  return buildDigestTree({ root, keyPair, sidecars: true, accounts: [A1], regions: [REGION], firstWindowStart: new Date('2026-09-30T22:17:31Z'), hours: 12, logsInHour: () => 1, ...options });
}

/** An unsigned digest of a trail that does not exist, naming no previous digest and listing nothing, ending at `end`. */
function forgeTrail(t: DigestTree, end: string, trail = 'zzz'): string {
  const ms = Date.parse(end);
  const compact = end.replace(/[-:]/g, '');
  const key = `AWSLogs/${t.organizationId}/${A1}/CloudTrail-Digest/${REGION}/${end.slice(0, 10).replace(/-/g, '/')}/${A1}_CloudTrail-Digest_${REGION}_${trail}_${REGION}_${compact}.json.gz`;
  const iso = (n: number) => new Date(n).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const body = {
    awsAccountId: A1,
    digestStartTime: iso(ms - 3_600_000),
    digestEndTime: iso(ms),
    digestS3Bucket: t.bucket,
    digestS3Object: key,
    digestPublicKeyFingerprint: t.fingerprint,
    digestSignatureAlgorithm: 'SHA256withRSA',
    newestEventTime: null,
    oldestEventTime: null,
    previousDigestS3Bucket: null,
    previousDigestS3Object: null,
    previousDigestHashValue: null,
    previousDigestHashAlgorithm: null,
    previousDigestSignature: null,
    logFiles: [],
  };
  // Into a day folder of the tree's own digests.
  writeFileSync(t.file(key), gzipSync(Buffer.from(JSON.stringify(body))));
  return key;
}

/** `verify --from <start>` run at `now` (the period ends now). */
const checkAt = (t: DigestTree, start: string, now: string, end = now, lateFrom?: string): Promise<IntegrityResult> =>
  verifyIntegrity({
    stores: [new LocalStore(t.root)],
    start: new Date(start),
    end: new Date(end),
    now: new Date(now),
    lateFrom: lateFrom === undefined ? undefined : new Date(lateFrom),
    publicKeys: parsePublicKeyList(t.publicKeyList),
    concurrency: 4,
  });

const errors = (result: IntegrityResult) => result.problems.filter((p) => p.severity === 'error');

describe('a log file added inside the hour of a verified digest, with the trail still running', () => {
  it('fails the check, and still does beside an unsigned digest of another trail that ends before it', async () => {
    const t = tree();
    const added = addUnlistedLog(t, A1, REGION, new Date('2026-10-01T09:45:00Z'));
    const before = await checkAt(t, '2026-10-01T09:30:00Z', '2026-10-01T10:40:00Z');
    expect(before.ok).toBe(false);
    expect(errors(before)).toEqual([expect.objectContaining({ kind: 'log-file-not-covered', key: added })]);

    forgeTrail(t, '2026-10-01T09:29:00Z');
    const result = await checkAt(t, '2026-10-01T09:30:00Z', '2026-10-01T10:40:00Z');
    expect(result.ok).toBe(false);
    expect(result.logFiles.get(added)).toBe('not-covered');
    expect(errors(result)).toContainEqual(expect.objectContaining({ kind: 'log-file-not-covered', key: added }));
    expect(result.problems.some((p) => /not due yet/.test(p.message))).toBe(false);
  });

  it('is not excused by a digest written for the trail itself, after its newest, unsigned', async () => {
    const t = tree();
    const added = addUnlistedLog(t, A1, REGION, new Date('2026-10-01T10:45:00Z'));
    // The genuine chain is overdue at 12:30: the file is an error. A forged newest digest ending 10:40 (due at 12:40) names none before it.
    forgeTrail(t, '2026-10-01T10:40:00Z', t.trailName);
    const result = await checkAt(t, '2026-10-01T09:30:00Z', '2026-10-01T12:30:00Z');
    expect(result.ok).toBe(false);
    expect(result.logFiles.get(added)).toBe('not-covered');
  });
});

describe('log files after the newest digests of running trails (no false alarm)', () => {
  it('are awaited for each of two trails whose hours are not aligned', async () => {
    const root = newRoot();
    const a = tree({ root, trailName: 'trail-a' });
    // trail-b's newest digest ends 2026-10-01T10:47:11Z: its window holds a file trail-a delivered at 10:25.
    tree({ root, trailName: 'trail-b', firstWindowStart: new Date('2026-09-30T22:47:11Z') });
    const ofA = addUnlistedLog(a, A1, REGION, new Date('2026-10-01T10:25:00Z'));
    const ofB = addUnlistedLog(a, A1, REGION, new Date('2026-10-01T10:52:00Z'));
    const result = await checkAt(a, '2026-10-01T09:30:00Z', '2026-10-01T10:55:00Z');
    expect(errors(result)).toEqual([]);
    expect(result.ok).toBe(true);
    expect(result.logFiles.get(ofA)).toBe('unverified');
    expect(result.logFiles.get(ofB)).toBe('unverified');
    expect(result.problems.find((p) => p.key === ofA)?.message).toMatch(/newest digest, which ends 2026-10-01T10:17:31Z: its digest is not due yet/);
    expect(result.problems.find((p) => p.key === ofB)?.message).toMatch(/newest digest, which ends 2026-10-01T10:47:11Z: its digest is not due yet/);
  });

  it('are awaited on a local copy without sidecars, in the late day `report --verify` reads', async () => {
    // The report of 2026-09-30 run at 2026-10-01T10:40Z: its late day, 10-01, is still being written.
    const t = tree({ sidecars: false });
    const late = addUnlistedLog(t, A1, REGION, new Date('2026-10-01T10:25:00Z'));
    const result = await checkAt(t, '2026-09-30T00:00:00Z', '2026-10-01T10:40:00Z', '2026-10-02T00:00:00Z', '2026-10-01T00:00:00Z');
    expect(errors(result)).toEqual([]);
    expect(result.ok).toBe(true);
    expect(result.logFiles.get(late)).toBe('unverified');
    expect(result.problems).toContainEqual(expect.objectContaining({ kind: 'log-file-not-covered', severity: 'warning', key: late, message: expect.stringMatching(/not due yet/) }));
  });
});
