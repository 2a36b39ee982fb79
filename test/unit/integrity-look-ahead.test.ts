/**
 * The look past the period for trails with no digest around it (2026-11-26 review, second round).
 * One trail's digests of the period deleted while another trail of the same account and region
 * runs on passed (its chain, read on, names a deleted digest, but the look-ahead ran only when no
 * trail had a digest around the period). A chain that starts in the last hour of the days looked
 * at, on a local copy without sidecars, failed the period: the digest carrying its signature is in
 * the next day's folder, which was not listed. The look past those 15 days (2026-11-26 review,
 * fourth round): a chain started again there, on a copy without sidecars, failed (the digest
 * carrying its first digest's signature was not looked for among the seek's listings); an account
 * and region with no digest around the period or in the 15 days passed whatever the digests after
 * them named (the seek ran only for a chain seen ending before the period); the seek listed every
 * day up to now; a new chain signed with a key missing from the keys file gave an error that did
 * not say why.
 */
import { copyFileSync, rmSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parsePublicKeyList } from '../../src/integrity/public-keys.js';
import type { IntegrityResult } from '../../src/integrity/types.js';
import { verifyIntegrity } from '../../src/integrity/verify.js';
import { LocalStore } from '../../src/sources/local.js';
import { CountingStore } from '../helpers/counting-store.js';
import { buildDigestTree, deleteObject, fingerprintOf, generateRsaKeyPair, type DigestTree, type DigestTreeOptions } from '../helpers/digest-tree.js';
import { tempFolders } from '../helpers/temp-folders.js';

const A1 = '111111111111';
const REGION = 'us-east-1';
const HOUR = 3_600_000;
const keyPair = generateRsaKeyPair();
const root = tempFolders('integrity-look-ahead-');

function tree(options: Partial<DigestTreeOptions> & { root: string }): DigestTree {
  return buildDigestTree({ keyPair, sidecars: true, accounts: [A1], regions: [REGION], logsInHour: () => 1, ...options });
}

/** Two trails of one account and region, 2026-09-25 to 2026-10-20, as the review built them. */
function twoTrails(sidecars = true): { dir: string; a: DigestTree; b: DigestTree } {
  const dir = root();
  const a = tree({ root: dir, sidecars, trailName: 'trail-a', firstWindowStart: new Date('2026-09-25T00:17:31Z'), hours: 600 });
  const b = tree({ root: dir, sidecars, trailName: 'trail-b', firstWindowStart: new Date('2026-09-25T00:47:11Z'), hours: 600 });
  return { dir, a, b };
}

/** Deletes a trail's digests ending in [from, to), and the log files it lists delivered in [logsFrom, logsTo). */
function deleteOf(t: DigestTree, from: string, to: string, logsFrom?: string, logsTo?: string): void {
  for (const d of t.digests) {
    const end = Date.parse(d.end);
    if (end >= Date.parse(from) && end < Date.parse(to)) deleteObject(t, d.key);
    if (logsFrom === undefined || logsTo === undefined) continue;
    const start = Date.parse(d.start);
    if (start >= Date.parse(logsFrom) && start < Date.parse(logsTo)) for (const key of d.logKeys) rmSync(t.file(key));
  }
}

const check = (dir: string, t: DigestTree, options: { late?: boolean; store?: LocalStore } = {}): Promise<IntegrityResult> =>
  verifyIntegrity({
    stores: [options.store ?? new LocalStore(dir)],
    start: new Date('2026-10-01T00:00:00Z'),
    end: new Date(options.late ? '2026-10-03T00:00:00Z' : '2026-10-02T00:00:00Z'),
    lateFrom: options.late ? new Date('2026-10-02T00:00:00Z') : undefined,
    publicKeys: parsePublicKeyList(t.publicKeyList),
    concurrency: 4,
  });

const errors = (result: IntegrityResult) => result.problems.filter((p) => p.severity === 'error');

describe("one trail's period deleted while another trail runs in the account and region", () => {
  it('passes the intact tree', async () => {
    const { dir, a } = twoTrails();
    for (const late of [false, true]) {
      const result = await check(dir, a, { late });
      expect(result.problems, `late ${late}`).toEqual([]);
      expect(result.ok).toBe(true);
    }
  });

  it('fails `verify` when the deleted chain is read on after the days listed around the period', async () => {
    const { dir, a } = twoTrails();
    // The digests of the day folders listed around the period (2026-09-30 to 10-03), and the period's log files.
    deleteOf(a, '2026-09-30T00:00:00Z', '2026-10-04T00:00:00Z', '2026-10-01T00:00:00Z', '2026-10-02T00:00:00Z');
    const result = await check(dir, a);
    expect(result.ok).toBe(false);
    expect(errors(result)).toEqual([
      expect.objectContaining({
        kind: 'digest-missing',
        accountId: A1,
        region: REGION,
        from: '2026-10-01T00:00:00Z',
        to: '2026-10-02T00:00:00Z',
        message: expect.stringMatching(/^no digest of the trail trail-a \(home region us-east-1\) covers 2026-10-01T00:00:00Z – 2026-10-02T00:00:00Z, although the first digest after it, .*_20261004T001731Z\.json\.gz, names a previous digest that is not there/),
      }),
    ]);
    expect(result.chains[0]).toMatchObject({ status: 'incomplete', digestsMissing: 24, gaps: [{ trail: 'trail-a', from: '2026-10-01T00:00:00Z', to: '2026-10-02T00:00:00Z', reason: 'digests-missing' }] });
  });

  it('fails `report --verify` (one late day) the same way', async () => {
    const { dir, a } = twoTrails();
    deleteOf(a, '2026-09-30T00:00:00Z', '2026-10-06T00:00:00Z', '2026-10-01T00:00:00Z', '2026-10-03T00:00:00Z');
    const result = await check(dir, a, { late: true });
    expect(result.ok).toBe(false);
    expect(errors(result)).toEqual([expect.objectContaining({ kind: 'digest-missing', message: expect.stringMatching(/^no digest of the trail trail-a \(home region us-east-1\) covers .*_20261006T001731Z\.json\.gz, names a previous digest/) })]);
  });

  it('fails when the chain read on starts again with a digest whose signature cannot be verified', async () => {
    const { dir, a } = twoTrails(false);
    deleteOf(a, '2026-09-30T00:00:00Z', '2026-10-04T00:00:00Z', '2026-10-01T00:00:00Z', '2026-10-02T00:00:00Z');
    // The next digest written again by someone else as the first of a chain.
    const forged = a.digests.find((d) => d.end === '2026-10-04T00:17:31Z')!;
    deleteObject(a, forged.key);
    const start = tree({ root: root(), trailName: 'trail-a', sidecars: false, firstWindowStart: new Date('2026-10-03T23:17:31Z'), hours: 1, logsInHour: () => 0 });
    copyFileSync(start.file(start.digests[0].key), a.file(forged.key));
    const result = await check(dir, a);
    expect(result.ok).toBe(false);
    expect(errors(result)).toEqual([expect.objectContaining({ kind: 'chain-gap', message: expect.stringMatching(/^no digest of the trail trail-a \(home region us-east-1\) covers .* names no previous digest.*signature could not be verified/) })]);
  });

  it('passes beside the running trail a trail created after the period, on a local copy without sidecars', async () => {
    const dir = root();
    const running = tree({ root: dir, sidecars: false, trailName: 'trail-b', firstWindowStart: new Date('2026-09-25T00:47:11Z'), hours: 600 });
    tree({ root: dir, sidecars: false, trailName: 'trail-new', firstWindowStart: new Date('2026-10-08T05:17:31Z'), hours: 48 });
    const result = await check(dir, running);
    // (The newest digest read, the one after the period's, has no signature to be had: a warning.)
    expect(errors(result)).toEqual([]);
    expect(result.ok).toBe(true);
  });
});

describe('a chain that starts in the last hour of the days looked at past the period (local copy, no sidecars)', () => {
  // Its first digest ends 2026-10-17T23:17:31Z (folder 10/17, the last listed); the next, in 10/18, carries its signature.
  const late = new Date('2026-10-17T22:17:31Z');

  it('is a verified chain start in a region with no digest around the period', async () => {
    for (const start of [new Date(late.getTime() - HOUR), late]) {
      const dir = root();
      const t = tree({ root: dir, sidecars: false, firstWindowStart: start, hours: 24 });
      const result = await check(dir, t);
      expect(errors(result), start.toISOString()).toEqual([]);
      expect(result.ok).toBe(true);
      expect(result.problems).toEqual([expect.objectContaining({ kind: 'chain-gap', severity: 'warning', message: expect.stringMatching(/^no digest covers/) })]);
    }
  });

  it('is a verified chain start beside a trail that runs through the period', async () => {
    const dir = root();
    const running = tree({ root: dir, sidecars: false, trailName: 'trail-b', firstWindowStart: new Date('2026-09-25T00:47:11Z'), hours: 600 });
    tree({ root: dir, sidecars: false, trailName: 'trail-new', firstWindowStart: late, hours: 24 });
    const result = await check(dir, running);
    // (The newest digest read, the one after the period's, has no signature to be had: a warning.)
    expect(errors(result)).toEqual([]);
    expect(result.ok).toBe(true);
  });

  it('is a verified new chain of a trail that stopped before the period', async () => {
    // Stopped at 2026-09-30T12:17:31Z (hour 36), started again at 2026-10-17T22:17:31Z (hour 454).
    const dir = root();
    const paused = Array.from({ length: 454 - 36 }, (_, i) => 36 + i);
    const t = tree({ root: dir, sidecars: false, firstWindowStart: new Date('2026-09-29T00:17:31Z'), hours: 480, pausedHours: paused });
    const result = await check(dir, t);
    expect(errors(result)).toEqual([]);
    expect(result.ok).toBe(true);
    // (Beside warnings for the digests of a local copy whose signatures no digest carries: the last before the stop, the newest read.)
    expect(result.problems.filter((p) => p.kind === 'chain-gap')).toEqual([
      expect.objectContaining({ severity: 'warning', message: expect.stringMatching(/^the chain stops at 2026-09-30T12:17:31Z, before the period, and starts again at 2026-10-17T22:17:31Z/) }),
    ]);
  });
});

describe('a trail begun within the hour before a local copy was made (no sidecars), after the period', () => {
  // Its one digest names no previous one, and no digest after it carries its signature.
  const only = { sidecars: false, trailName: 'trail-new', firstWindowStart: new Date('2026-10-09T05:17:31Z'), hours: 1 };

  it('is a warning, alone in the region or beside a trail that runs through the period', async () => {
    const alone = root();
    const t = tree({ root: alone, ...only });
    const beside = root();
    const running = tree({ root: beside, sidecars: false, trailName: 'trail-b', firstWindowStart: new Date('2026-09-25T00:47:11Z'), hours: 600 });
    tree({ root: beside, ...only });
    for (const [dir, key] of [
      [alone, t],
      [beside, running],
    ] as const) {
      const result = await check(dir, key);
      expect(errors(result), dir).toEqual([]);
      expect(result.ok).toBe(true);
      expect(result.problems).toContainEqual(
        expect.objectContaining({ kind: 'chain-gap', severity: 'warning', key: t.digests[0].key, message: expect.stringMatching(/^the trail trail-new \(home region us-east-1\) has no digest around the period.*the only one of the trail found/) }),
      );
    }
  });

  it('is not when a later digest of the trail is listed', async () => {
    const dir = root();
    const t = tree({ root: dir, ...only, hours: 3 });
    // The second digest deleted: the third names it, and does not carry the first one's signature.
    deleteObject(t, t.digests[1].key);
    const result = await check(dir, t);
    expect(result.ok).toBe(false);
    expect(errors(result)).toEqual([expect.objectContaining({ kind: 'chain-gap', message: expect.stringMatching(/names no previous digest.*signature could not be verified/) })]);
  });
});

describe('what the look past the period costs on an intact tree', () => {
  it('lists the day folders to 15 days past the period once, and reads no digest there', async () => {
    const single = root();
    const one = tree({ root: single, firstWindowStart: new Date('2026-09-25T00:17:31Z'), hours: 600 });
    const { dir, a } = twoTrails();
    for (const [at, t, trails] of [
      [single, one, 1],
      [dir, a, 2],
    ] as const) {
      const store = new CountingStore(at);
      const result = await check(at, t, { store });
      expect(result.problems).toEqual([]);
      const digestDays = store.listed.filter((p) => p.includes('/CloudTrail-Digest/') && /\/\d{4}\/\d{2}\/\d{2}\/$/.test(p));
      // 2026-09-30 to 10-03 around the period, 10-04 to 10-17 past it: each once.
      expect(digestDays).toHaveLength(4 + 14);
      expect(new Set(digestDays).size).toBe(digestDays.length);
      // The digests around the period only: 25 ending in it and the next hour and a quarter, one before them, one after them.
      expect(result.stats.digestsRead).toBe(trails * (25 + 1 + 1));
    }
  });
});

describe('a trail begun after the period whose first chain is one digest (2026-11-26 review, third round)', () => {
  it('on a local copy without sidecars: a chain of one, then logging stopped and started again, is a warning, not a chain-gap error', async () => {
    const dir = root();
    const a = tree({ root: dir, sidecars: false, trailName: 'trail-a', firstWindowStart: new Date('2026-09-25T00:17:31Z'), hours: 800 });
    tree({ root: dir, sidecars: false, trailName: 'trail-c', firstWindowStart: new Date('2026-10-10T10:17:31Z'), hours: 60, pausedHours: [1] });
    const result = await check(dir, a);
    expect(errors(result).filter((p) => p.message.includes('trail-c'))).toEqual([]);
  });

  it('on a copy that keeps signatures, a lone digest without one is an error: the exception is for copies without sidecars', async () => {
    const { dir, a } = twoTrails(true);
    // A trail's only digest, after the period, without the sidecar every other digest has.
    tree({ root: dir, sidecars: false, trailName: 'trail-z', firstWindowStart: new Date('2026-10-10T10:17:31Z'), hours: 1 });
    const result = await check(dir, a);
    expect(errors(result).filter((p) => p.message.includes('trail-z')).map((p) => p.kind)).toEqual(['chain-gap']);
  });
});

/** The check of 2026-10-01 as `verify` runs it at `now`, on `store` (the folder's own by default), with `t`'s keys. */
const checkAt = (dir: string, t: DigestTree, now: string, store: LocalStore = new LocalStore(dir)): Promise<IntegrityResult> =>
  verifyIntegrity({
    stores: [store],
    start: new Date('2026-10-01T00:00:00Z'),
    end: new Date('2026-10-02T00:00:00Z'),
    publicKeys: parsePublicKeyList(t.publicKeyList),
    concurrency: 4,
    now: new Date(now),
  });

describe('a chain that ends before the period, its trail\'s next digest past the 15 days looked at first (2026-11-26 review)', () => {
  /** One trail, 2026-09-28 to 2026-11-10, its digests from 2026-09-30 12:00 to 2026-10-19 and the period's log files deleted. */
  function deletedBeyondLookAhead(sidecars: boolean): { dir: string; t: DigestTree } {
    const dir = root();
    const t = tree({ root: dir, sidecars, trailName: 'trail-a', firstWindowStart: new Date('2026-09-28T00:17:31Z'), hours: 43 * 24 });
    deleteOf(t, '2026-09-30T12:00:01Z', '2026-10-19T00:00:00Z', '2026-10-01T00:00:00Z', '2026-10-02T00:00:00Z');
    return { dir, t };
  }

  for (const sidecars of [true, false]) {
    it(`fails the period: the first digest found after it names a deleted one (it passed as a stopped trail, exit 0)${sidecars ? '' : ', on a copy without sidecars'}`, async () => {
      const { dir, t } = deletedBeyondLookAhead(sidecars);
      const result = await checkAt(dir, t, '2026-11-11T00:00:00Z');
      expect(result.ok).toBe(false);
      expect(errors(result).map((p) => p.kind)).toContain('digest-missing');
      expect(result.problems.map((p) => p.message).join('\n')).not.toMatch(/the trail was stopped, replaced or deleted/);
    });
  }

  it('still a warning when the trail stopped: no digest of it up to now, and the years and months after it are listed, not every day', async () => {
    const dir = root();
    const t = tree({ root: dir, trailName: 'trail-a', firstWindowStart: new Date('2026-09-28T00:17:31Z'), hours: 60 });
    const store = new CountingStore(dir);
    const result = await checkAt(dir, t, '2027-06-01T00:00:00Z', store);
    expect(errors(result)).toEqual([]);
    expect(result.problems.map((p) => p.message)).toEqual([expect.stringMatching(/^the chain ends at 2026-09-30T12:17:31Z, before the period, and no later digest of this trail was found/)]);
    // Seven and a half months looked through past the 15 days: the copy's year and month folders
    // (it has no month after September), not some 230 day folders.
    const digestDays = store.listed.filter((p) => p.includes('/CloudTrail-Digest/') && /\/\d{4}\/\d{2}\/\d{2}\/$/.test(p));
    expect(digestDays).toHaveLength(4 + 14);
    expect(store.listed.filter((p) => /\/CloudTrail-Digest\/us-east-1\/(\d{4}\/)?$/.test(p))).toEqual([expect.stringMatching(/us-east-1\/$/), expect.stringMatching(/us-east-1\/2026\/$/)]);
    expect(new Set(digestDays).size).toBe(digestDays.length);
  });

  it('a trail stopped and started again weeks later: a warning, the chain starts again after the period', async () => {
    const dir = root();
    const t = tree({ root: dir, trailName: 'trail-a', firstWindowStart: new Date('2026-09-28T00:17:31Z'), hours: 60 });
    tree({ root: dir, trailName: 'trail-a', firstWindowStart: new Date('2026-11-01T05:17:31Z'), hours: 24 });
    const result = await checkAt(dir, t, '2026-11-26T00:00:00Z');
    expect(errors(result)).toEqual([]);
    expect(result.ok).toBe(true);
    expect(result.problems.map((p) => p.message)).toContainEqual(expect.stringMatching(/^the chain stops at 2026-09-30T12:17:31Z, before the period, and starts again at 2026-11-01T05:17:31Z, after it/));
  });
});

describe('a trail stopped before the period and started again past the 15 days looked at first, on a local copy without sidecars (2026-11-26 review, fourth round)', () => {
  // The new chain's first digest names no previous one and has no signature of its own: the next
  // digest, in the listings of the seek or the day folder after them, carries it.
  for (const restart of ['2026-11-01T05:17:31Z', '2026-10-31T22:17:31Z']) {
    it(`is a warning, the chain starting again verified (new chain from ${restart})`, async () => {
      const dir = root();
      const t = tree({ root: dir, sidecars: false, trailName: 'trail-a', firstWindowStart: new Date('2026-09-28T00:17:31Z'), hours: 60 });
      tree({ root: dir, sidecars: false, trailName: 'trail-a', firstWindowStart: new Date(restart), hours: 24 });
      const store = new CountingStore(dir);
      const result = await checkAt(dir, t, '2026-11-26T00:00:00Z', store);
      expect(errors(result)).toEqual([]);
      expect(result.ok).toBe(true);
      expect(result.problems.filter((p) => p.kind === 'chain-gap')).toEqual([
        expect.objectContaining({ severity: 'warning', message: expect.stringContaining(`the chain stops at 2026-09-30T12:17:31Z, before the period, and starts again at ${restart}, after it`) }),
      ]);
      // 10/31's last digest: its successor is in 11/01, listed once, and the seek lists no other November day.
      const november = store.listed.filter((p) => /\/CloudTrail-Digest\/us-east-1\/2026\/11\/\d{2}\/$/.test(p));
      expect(november).toEqual(restart.startsWith('2026-10-31') ? [expect.stringMatching(/\/2026\/11\/01\/$/)] : november);
      expect(new Set(november).size).toBe(november.length);
    });
  }
});

describe('an account and region with no digest around the period nor in the 15 days after it (2026-11-26 review, fourth round)', () => {
  /** One trail from 2026-09-20 to 2026-11-09, its digests from 2026-09-29 to 2026-10-19 and the period's log files deleted. */
  function deletedAround(sidecars: boolean): { dir: string; t: DigestTree } {
    const dir = root();
    const t = tree({ root: dir, sidecars, trailName: 'trail-a', firstWindowStart: new Date('2026-09-20T00:17:31Z'), hours: 50 * 24 });
    deleteOf(t, '2026-09-29T00:00:00Z', '2026-10-19T00:00:00Z', '2026-10-01T00:00:00Z', '2026-10-02T00:00:00Z');
    return { dir, t };
  }

  for (const sidecars of [true, false]) {
    it(`fails when the first digest found after them names a previous one that is not there (it passed as a region that did not log)${sidecars ? '' : ', on a copy without sidecars'}`, async () => {
      const { dir, t } = deletedAround(sidecars);
      const result = await checkAt(dir, t, '2026-11-11T00:00:00Z');
      expect(result.ok).toBe(false);
      expect(errors(result)).toEqual([
        expect.objectContaining({
          kind: 'digest-missing',
          from: '2026-10-01T00:00:00Z',
          to: '2026-10-02T00:00:00Z',
          message: expect.stringMatching(/^no digest covers 2026-10-01T00:00:00Z – 2026-10-02T00:00:00Z, although the first digest after it, .*_20261019T001731Z\.json\.gz, names a previous digest that is not there/),
        }),
      ]);
      // Each hour of the day counted missing, as a chain counts the hours after its last digest (`missingHours`).
      expect(result.chains).toEqual([expect.objectContaining({ digestsMissing: 24 })]);
    });
  }

  it('fails when that first digest starts a chain but its signature does not verify (written in the place of a deleted one)', async () => {
    const { dir, t } = deletedAround(false);
    const forged = t.digests.find((d) => d.end === '2026-10-19T00:17:31Z')!;
    deleteObject(t, forged.key);
    const start = tree({ root: root(), trailName: 'trail-a', sidecars: false, firstWindowStart: new Date('2026-10-18T23:17:31Z'), hours: 1, logsInHour: () => 0 });
    copyFileSync(start.file(start.digests[0].key), t.file(forged.key));
    const result = await checkAt(dir, t, '2026-11-11T00:00:00Z');
    expect(result.ok).toBe(false);
    expect(errors(result)).toEqual([expect.objectContaining({ kind: 'chain-gap', message: expect.stringMatching(/^no digest covers .* names no previous digest.*signature could not be verified/) })]);
  });

  for (const sidecars of [true, false]) {
    it(`is still a warning when the first digest after them starts a verified chain (a region enabled later)${sidecars ? '' : ', on a copy without sidecars'}`, async () => {
      const dir = root();
      const t = tree({ root: dir, sidecars, trailName: 'trail-a', firstWindowStart: new Date('2026-10-31T23:17:31Z'), hours: 48 });
      const result = await checkAt(dir, t, '2026-11-26T00:00:00Z');
      expect(errors(result)).toEqual([]);
      expect(result.ok).toBe(true);
      expect(result.problems).toEqual([expect.objectContaining({ kind: 'chain-gap', severity: 'warning', message: expect.stringMatching(/^no digest covers .*: the trail did not log this account and region then/) })]);
    });
  }
});

describe('how far past the period the next digest is sought (2026-11-26 review, fourth round)', () => {
  it(`stops 400 days past the period, says so in the notes, and lists only the day folders a local copy holds`, { timeout: 60_000 }, async () => {
    // trail-a stops before the period; trail-b runs through it, then the copy holds one of its days a week up to 2028-05.
    const dir = root();
    const a = tree({ root: dir, trailName: 'trail-a', firstWindowStart: new Date('2026-09-28T00:17:31Z'), hours: 60, logsInHour: () => 0 });
    const b = [tree({ root: dir, trailName: 'trail-b', firstWindowStart: new Date('2026-09-29T00:47:11Z'), hours: 500, logsInHour: () => 0 })];
    for (let w = 0; w < 80; w++) {
      b.push(tree({ root: dir, trailName: 'trail-b', firstWindowStart: new Date(Date.parse('2026-10-25T10:47:11Z') + w * 7 * 24 * HOUR), hours: 1, logsInHour: () => 0 }));
    }
    const store = new CountingStore(dir);
    const result = await checkAt(dir, a, '2028-05-01T00:00:00Z', store);
    expect(errors(result)).toEqual([]);
    expect(result.problems.map((p) => p.message)).toContainEqual(expect.stringMatching(/^the chain ends at 2026-09-30T12:17:31Z, before the period, and no later digest of this trail was found/));
    expect(result.notes).toEqual([
      expect.stringMatching(/^The next digest of 1 trail\(s\) .* was sought 400 days past the period, up to 2027-11-06T00:00:00Z, and not found: .*is not proven beyond 2027-11-06T00:00:00Z \(111111111111 us-east-1 trail-a \(home region us-east-1\)\)/),
    ]);
    const digestDays = store.listed.filter((p) => p.includes('/CloudTrail-Digest/') && /\/\d{4}\/\d{2}\/\d{2}\/$/.test(p));
    // The day folders of trail-b's digests from 2026-10-18 (past the 15 days) to the bound.
    const ends = b.flatMap((t) => t.digests.map((d) => d.end)).filter((end) => end >= '2026-10-18' && end < '2027-11-06T00:00:00Z');
    const held = new Set(ends.map((end) => end.slice(0, 10).replaceAll('-', '/')));
    // Around the period and the 15 days after it (2026-09-30 to 10-17), then only the days the copy holds, up to the bound.
    expect(digestDays).toHaveLength(4 + 14 + held.size);
    expect(new Set(digestDays.slice(18).map((p) => p.slice(-11, -1)))).toEqual(held);
    expect(new Set(digestDays).size).toBe(digestDays.length);
    // The months: those of 2026 from October and of 2027 up to November, each once; none of 2028.
    const months = store.listed.filter((p) => /\/CloudTrail-Digest\/us-east-1\/\d{4}\/\d{2}\/$/.test(p));
    expect(months).toHaveLength(3 + 11);
    expect(store.listed.some((p) => p.includes('/CloudTrail-Digest/us-east-1/2028/'))).toBe(false);
  });
});

describe('a trail started again after the period with a key the --public-keys file lacks (2026-11-26 review, fourth round)', () => {
  const later = generateRsaKeyPair();
  for (const restart of ['2026-10-10T05:17:31Z', '2026-11-01T05:17:31Z']) {
    it(`fails, naming the key and where to get it; passes with it (new chain from ${restart})`, async () => {
      const dir = root();
      const t = tree({ root: dir, trailName: 'trail-a', firstWindowStart: new Date('2026-09-28T00:17:31Z'), hours: 60 });
      const next = tree({ root: dir, keyPair: later, trailName: 'trail-a', firstWindowStart: new Date(restart), hours: 24 });
      const result = await checkAt(dir, t, '2026-11-26T00:00:00Z');
      expect(result.ok).toBe(false);
      expect(errors(result)).toEqual([
        expect.objectContaining({
          kind: 'chain-gap',
          message: expect.stringContaining(
            `the chain restarts: no digest between 2026-09-30T12:17:31Z and ${restart} (logging or log file validation was off, or digests were removed); ` +
              `no public key with fingerprint ${fingerprintOf(later.publicKey)} was given to check its signature (with --public-keys, the file must also hold ` +
              'the keys CloudTrail signed with after the period: `aws cloudtrail list-public-keys --start-time 2026-10-01T00:00:00Z` lists them up to now)',
          ),
        }),
      ]);
      const both = { PublicKeyList: [...t.publicKeyList.PublicKeyList, ...next.publicKeyList.PublicKeyList] };
      const withKey = await verifyIntegrity({
        stores: [new LocalStore(dir)],
        start: new Date('2026-10-01T00:00:00Z'),
        end: new Date('2026-10-02T00:00:00Z'),
        publicKeys: parsePublicKeyList(both),
        concurrency: 4,
        now: new Date('2026-11-26T00:00:00Z'),
      });
      expect(errors(withKey)).toEqual([]);
      expect(withKey.ok).toBe(true);
    });
  }
});
