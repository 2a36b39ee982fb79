/**
 * A trail that is still running: log files delivered after its newest digest wait for the next
 * one, which CloudTrail writes about every hour and delivers minutes after the hour ends. They
 * are unverified with a warning until that digest is due, then an error if it did not come
 * (2026-11-26 review: a running trail's last minutes were called "added", the check failed).
 * Times are printed in whole seconds, also for a period that ends now.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePublicKeyList } from '../../src/integrity/public-keys.js';
import { checkVerdict } from '../../src/integrity/report.js';
import { formatIntegrityText } from '../../src/integrity/text.js';
import type { IntegrityResult } from '../../src/integrity/types.js';
import { verifyIntegrity } from '../../src/integrity/verify.js';
import { LocalStore } from '../../src/sources/local.js';
import { addUnlistedLog, buildDigestTree, generateRsaKeyPair, type DigestTree } from '../helpers/digest-tree.js';

const A1 = '111111111111';
const REGION = 'us-east-1';
let dir: string;
let t: DigestTree;
let late: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'integrity-fix-not-due-'));
  // The newest digest ends 2026-10-03T10:17:31Z; a log file delivered at 10:25 waits for the next one.
  t = buildDigestTree({ root: dir, keyPair: generateRsaKeyPair(), sidecars: true, accounts: [A1], regions: [REGION], firstWindowStart: new Date('2026-10-02T22:17:31Z'), hours: 12 });
  late = addUnlistedLog(t, A1, REGION, new Date('2026-10-03T10:25:00Z'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The period from the day's start to now, as `verify --from 2026-10-03T00:00Z` gives it. */
const checkAt = (now: string): Promise<IntegrityResult> =>
  verifyIntegrity({ stores: [new LocalStore(dir)], start: new Date('2026-10-03T00:00:00Z'), end: new Date(now), now: new Date(now), publicKeys: parsePublicKeyList(t.publicKeyList), concurrency: 4 });

const errors = (result: IntegrityResult) => result.problems.filter((p) => p.severity === 'error');

describe('log files delivered after the newest digest of a running trail', () => {
  it('are unverified with a warning while their digest is not due', async () => {
    for (const now of ['2026-10-03T10:30:00Z', '2026-10-03T12:10:00Z']) {
      const result = await checkAt(now);
      expect(errors(result), now).toEqual([]);
      expect(result.ok).toBe(true);
      expect(result.logFiles.get(late)).toBe('unverified');
      expect(result.problems).toEqual([expect.objectContaining({ kind: 'log-file-not-covered', severity: 'warning', key: late, message: expect.stringMatching(/its digest is not due yet/) })]);
      expect(result.chains[0]).toMatchObject({ logFilesUnverified: 1, logFilesNotCovered: 0, gaps: [] });
    }
  });

  it("make verify's verdict verified in part, as the report's is for events from them, and verified once they are gone", async () => {
    const result = await checkAt('2026-10-03T10:30:00Z');
    expect(checkVerdict(result)).toBe('verified-in-part');
    expect(formatIntegrityText(result)).toMatch(/^Log integrity 2026-10-03T00:00:00Z – 2026-10-03T10:30:00Z: VERIFIED IN PART: 1 log file could not be checked\n/);
    // Before the late file was delivered: nothing unchecked.
    const before = await verifyIntegrity({ stores: [new LocalStore(dir)], start: new Date('2026-10-03T00:00:00Z'), end: new Date('2026-10-03T10:00:00Z'), now: new Date('2026-10-03T10:30:00Z'), publicKeys: parsePublicKeyList(t.publicKeyList), concurrency: 4 });
    expect(checkVerdict(before)).toBe('verified');
    expect(formatIntegrityText(before)).toMatch(/: VERIFIED\n/);
  });

  it('fail the check once their digest is overdue', async () => {
    const result = await checkAt('2026-10-03T12:30:00Z');
    expect(result.ok).toBe(false);
    expect(result.logFiles.get(late)).toBe('not-covered');
    expect(errors(result).map((p) => p.kind).sort()).toEqual(['chain-gap', 'log-file-not-covered']);
  });

  it('do not excuse a file delivered before the newest digest ends, nor one named after now', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'integrity-fix-not-due-added-'));
    try {
      const own = buildDigestTree({ root, keyPair: t.keyPair, sidecars: true, accounts: [A1], regions: [REGION], firstWindowStart: new Date('2026-10-02T22:17:31Z'), hours: 12 });
      const added = addUnlistedLog(own, A1, REGION, new Date('2026-10-03T10:05:00Z'));
      const ahead = addUnlistedLog(own, A1, REGION, new Date('2026-10-03T11:40:00Z'));
      const result = await verifyIntegrity({
        stores: [new LocalStore(root)],
        start: new Date('2026-10-03T00:00:00Z'),
        end: new Date('2026-10-03T12:00:00Z'),
        now: new Date('2026-10-03T10:30:00Z'),
        publicKeys: parsePublicKeyList(own.publicKeyList),
      });
      expect(result.ok).toBe(false);
      expect(result.logFiles.get(added)).toBe('not-covered');
      expect(result.logFiles.get(ahead)).toBe('not-covered');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('times of a period that ends now', () => {
  it('are printed in whole seconds', async () => {
    const result = await checkAt('2026-10-03T12:30:59.061Z');
    expect(result.period).toEqual({ start: '2026-10-03T00:00:00Z', end: '2026-10-03T12:30:59Z' });
    expect(formatIntegrityText(result)).toMatch(/^Log integrity 2026-10-03T00:00:00Z – 2026-10-03T12:30:59Z: FAILED\n/);
    // The chain's gap ends an hour before now (its last digest may be on its way).
    expect(result.chains[0].gaps).toEqual([expect.objectContaining({ reason: 'chain-ends', to: '2026-10-03T11:30:59Z' })]);
    expect(result.problems.find((p) => p.kind === 'chain-gap')?.message).toMatch(/up to 2026-10-03T11:30:59Z \(/);
  });
});
