/**
 * A chain that ends before the period, or begins after it, says nothing about the period: a trail
 * stopped or replaced shortly before it is a warning, as one stopped long before it was, with no
 * gap recorded in the period (2026-11-26 review: a trail replaced 12 hours before the period
 * failed it, every log file valid). A chain whose digests of the period were deleted still fails:
 * log files of the period that no digest lists, or a later digest that names a previous one.
 */
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { parsePublicKeyList } from '../../src/integrity/public-keys.js';
import type { IntegrityResult } from '../../src/integrity/types.js';
import { verifyIntegrity } from '../../src/integrity/verify.js';
import { LocalStore } from '../../src/sources/local.js';
import { buildDigestTree, deleteObject, generateRsaKeyPair, readDigestBody, type DigestTree, type DigestTreeOptions } from '../helpers/digest-tree.js';
import { tempFolders } from '../helpers/temp-folders.js';

const A1 = '111111111111';
const REGION = 'us-east-1';
const HOUR = 3_600_000;
const keyPair = generateRsaKeyPair();
const root = tempFolders('integrity-fix-stopped-');

function tree(options: Partial<DigestTreeOptions> & { root?: string }): DigestTree {
  return buildDigestTree({ root: root(), keyPair, sidecars: true, accounts: [A1], regions: [REGION], ...options });
}

/** `verify` of 2026-10-01; with `late`, the window `report --verify` checks for it (one late day). */
const check = (t: DigestTree, at = t.root, late = false): Promise<IntegrityResult> =>
  verifyIntegrity({
    stores: [new LocalStore(at)],
    start: new Date('2026-10-01T00:00:00Z'),
    end: new Date(late ? '2026-10-03T00:00:00Z' : '2026-10-02T00:00:00Z'),
    lateFrom: late ? new Date('2026-10-02T00:00:00Z') : undefined,
    publicKeys: parsePublicKeyList(t.publicKeyList),
    concurrency: 4,
  });

const errors = (result: IntegrityResult) => result.problems.filter((p) => p.severity === 'error');

/** The window start that makes a chain of `hours` digests end `before` hours before the period. */
const endingBefore = (before: number, hours: number) => new Date(Date.parse('2026-10-01T00:17:31Z') - (before + hours) * HOUR);

describe('a chain that ends before the period', () => {
  it('passes a period that a new trail covers, the old one replaced 12 hours before it', async () => {
    for (const sidecars of [true, false]) {
      const dir = root();
      const common = { root: dir, sidecars };
      const old = tree({ ...common, trailName: 'old-trail', firstWindowStart: new Date('2026-09-29T12:17:31Z'), hours: 24 });
      tree({ ...common, trailName: 'new-trail', firstWindowStart: new Date('2026-09-30T12:17:31Z'), hours: 72, logsInHour: (_a, _r, h) => (h % 5 === 3 ? 0 : 1) });
      const report = await check(old, dir, true);
      expect(errors(report), `report, sidecars ${sidecars}`).toEqual([]);
      expect(report.chains.flatMap((c) => c.gaps)).toEqual([]);
      const result = await check(old, dir);
      expect(errors(result), `sidecars ${sidecars}`).toEqual([]);
      expect(result.ok).toBe(true);
      expect(result.chains).toEqual([expect.objectContaining({ trails: ['new-trail', 'old-trail'], digestsValid: 25, logFilesValid: 19, status: 'valid', gaps: [] })]);
      expect(result.problems).toContainEqual(
        expect.objectContaining({ kind: 'chain-gap', severity: 'warning', key: old.digests.at(-1)!.key, message: expect.stringMatching(/^the chain ends at 2026-09-30T12:17:31Z, before the period, and no later digest of this trail was found/) }),
      );
    }
  });

  it('gives a trail stopped 12 hours before the period the answer one stopped 48 hours before gets', async () => {
    for (const before of [12, 48]) {
      const result = await check(tree({ firstWindowStart: endingBefore(before, 24), hours: 24 }));
      expect(result.ok, `${before} hours`).toBe(true);
      expect(result.problems).toEqual([expect.objectContaining({ kind: 'chain-gap', severity: 'warning' })]);
      expect(result.chains.flatMap((c) => c.gaps)).toEqual([]);
    }
  });

  it('passes a trail stopped before the period and started again after it, a new chain that CloudTrail signed', async () => {
    // Stopped at 2026-09-30T12:17:31Z, a new chain from 2026-10-02T00:17:31Z.
    const t = tree({ firstWindowStart: new Date('2026-09-29T12:17:31Z'), hours: 72, pausedHours: Array.from({ length: 36 }, (_, i) => 24 + i) });
    const result = await check(t);
    expect(result.ok).toBe(true);
    expect(result.problems).toEqual([
      expect.objectContaining({ kind: 'chain-gap', severity: 'warning', message: expect.stringMatching(/^the chain stops at 2026-09-30T12:17:31Z, before the period, and starts again at 2026-10-02T00:17:31Z, after it/) }),
    ]);
    expect(result.chains[0]).toMatchObject({ status: 'valid', gaps: [] });
    // The same new chain's first digest written by someone else: not proven, the gap fails the period.
    const first = t.digests.find((d) => d.start === '2026-10-02T00:17:31Z')!;
    const body = readDigestBody(t, first.key);
    body.logFiles = [];
    writeFileSync(t.file(first.key), gzipSync(Buffer.from(JSON.stringify(body))));
    rmSync(`${t.file(first.key)}.sig`);
    const forged = await check(t);
    expect(forged.ok).toBe(false);
    expect(errors(forged)).toContainEqual(expect.objectContaining({ kind: 'chain-gap', key: first.key, message: expect.stringMatching(/^the chain restarts/) }));
  });

  it('still fails the period when its digests were deleted and its log files kept', async () => {
    const t = tree({ hours: 8 * 24, firstWindowStart: new Date('2026-09-28T00:17:31Z') });
    // Every digest from 2026-09-30T13:17:31Z on deleted: the chain seems to end before the period.
    for (const d of t.digests) if (Date.parse(d.end) > Date.parse('2026-09-30T12:17:31Z')) deleteObject(t, d.key);
    const result = await check(t);
    expect(result.ok).toBe(false);
    expect(errors(result).map((p) => p.kind)).toContain('chain-gap');
    expect(result.problems.find((p) => p.kind === 'chain-gap')).toMatchObject({ severity: 'error', message: expect.stringMatching(/^the chain ends at 2026-09-30T12:17:31Z: no digest after it/) });
    expect(result.chains[0].gaps).toEqual([expect.objectContaining({ reason: 'chain-ends', from: '2026-10-01T00:00:00Z', to: '2026-10-02T00:00:00Z' })]);
  });

  it('still fails the period when its digests and log files were deleted, and a later digest names a previous one', async () => {
    const t = tree({ hours: 8 * 24, firstWindowStart: new Date('2026-09-28T00:17:31Z') });
    // The digests of the days read around the period (to 2026-10-03) after 2026-09-30T12:17:31Z, and the period's log files: the
    // 25 digests whose hours overlap the period are counted missing.
    for (const d of t.digests) if (Date.parse(d.end) > Date.parse('2026-09-30T12:17:31Z') && Date.parse(d.end) < Date.parse('2026-10-04T00:00:00Z')) deleteObject(t, d.key);
    rmSync(path.join(t.root, 'AWSLogs', t.organizationId!, A1, 'CloudTrail', REGION, '2026', '10', '01'), { recursive: true });
    const result = await check(t);
    expect(result.ok).toBe(false);
    expect(result.chains[0]).toMatchObject({ digestsMissing: 25, status: 'incomplete', gaps: [expect.objectContaining({ reason: 'digests-missing', from: '2026-10-01T00:00:00Z', to: '2026-10-02T00:00:00Z' })] });
    expect(errors(result).every((p) => p.kind === 'digest-missing')).toBe(true);
    // The first digest after them, 2026-10-04T00:17:31Z, written again as the first of a chain: not signed, not believed.
    const later = t.digests.find((d) => d.end === '2026-10-04T00:17:31Z')!;
    const body = readDigestBody(t, later.key);
    for (const field of ['previousDigestS3Bucket', 'previousDigestS3Object', 'previousDigestHashValue', 'previousDigestHashAlgorithm', 'previousDigestSignature']) body[field] = null;
    writeFileSync(t.file(later.key), gzipSync(Buffer.from(JSON.stringify(body))));
    rmSync(`${t.file(later.key)}.sig`);
    const forged = await check(t);
    expect(forged.ok).toBe(false);
    expect(errors(forged)).toContainEqual(expect.objectContaining({ kind: 'chain-gap', key: later.key, severity: 'error', from: '2026-09-30T12:17:31Z', to: '2026-10-03T23:17:31Z' }));
  });

  it('does not pass, beside a trail stopped before the period, another trail whose digests of the period and after were deleted', async () => {
    const dir = root();
    tree({ root: dir, trailName: 'old-trail', firstWindowStart: endingBefore(12, 24), hours: 24, logsInHour: () => 0 });
    const running = tree({ root: dir, trailName: 'running', firstWindowStart: new Date('2026-09-28T00:17:31Z'), hours: 8 * 24 });
    // The running trail's digests of the days read around the period, and the period's log files.
    for (const d of running.digests) if (Date.parse(d.end) > Date.parse('2026-09-29T00:00:00Z') && Date.parse(d.end) < Date.parse('2026-10-04T00:00:00Z')) deleteObject(running, d.key);
    rmSync(path.join(dir, 'AWSLogs', running.organizationId!, A1, 'CloudTrail', REGION, '2026', '10', '01'), { recursive: true });
    const result = await check(running, dir);
    expect(result.ok).toBe(false);
    expect(errors(result)).toEqual([
      expect.objectContaining({ kind: 'digest-missing', message: expect.stringMatching(/^no digest of the trail running \(home region us-east-1\) covers 2026-10-01T00:00:00Z – 2026-10-02T00:00:00Z, although the first digest after it/) }),
    ]);
    expect(result.chains[0]).toMatchObject({ digestsMissing: 24, status: 'incomplete', gaps: [{ trail: 'running', from: '2026-10-01T00:00:00Z', to: '2026-10-02T00:00:00Z', reason: 'digests-missing' }] });
  });
});

describe('a chain that begins after the period', () => {
  it('records no gap in the period: the trail began later', async () => {
    for (const sidecars of [true, false]) {
      const result = await check(tree({ sidecars, firstWindowStart: new Date('2026-10-02T00:30:00Z'), hours: 24 }));
      expect(result.ok, `sidecars ${sidecars}`).toBe(true);
      expect(result.problems.filter((p) => p.kind === 'chain-gap')).toEqual([
        expect.objectContaining({ severity: 'warning', message: expect.stringMatching(/^the chain begins at 2026-10-02T00:30:00Z, after the period: no digest of this trail in it/) }),
      ]);
      expect(result.chains.flatMap((c) => c.gaps)).toEqual([]);
    }
  });
});
