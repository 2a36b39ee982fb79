/**
 * `digestsMissing` (the chain table's "missing") counts the hours of the period with no digest where
 * a chain should have one (2026-11-26 audit): the fixture's prod us-east-1 chain stops on 2026-10-04 at
 * 00:41, and October said "73 valid, 0 invalid, 0 missing" (only the Gaps column showed the 27 days
 * without a digest). CloudTrail writes a digest every hour, log files or not.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePublicKeyList } from '../../src/integrity/public-keys.js';
import { verifyIntegrity } from '../../src/integrity/verify.js';
import { runReport } from '../../src/pipeline/report.js';
import { LocalStore } from '../../src/sources/local.js';
import { buildDigestTree, deleteObject, generateRsaKeyPair, type DigestTree } from '../helpers/digest-tree.js';
import { FIXTURE_TREE, ROOT, reportOptions } from '../helpers/report-options.js';
import { tempFolders } from '../helpers/temp-folders.js';

const ACCOUNT = '111111111111';
const REGION = 'eu-west-1';
const keyPair = generateRsaKeyPair();
const root = tempFolders('integrity-missing-hours-');

/**
 * Hourly digests from `first` (one log file each), kept with their signatures; none (and no log file) in the `paused` hours,
 * after which the chain starts again (its next digest names no previous one), or, `linked`, runs on (it names the one before them).
 */
function tree(first: string, hours: number, paused: number[] = [], linked = false): DigestTree {
  return buildDigestTree({ root: root(), keyPair, sidecars: true, accounts: [ACCOUNT], regions: [REGION], firstWindowStart: new Date(first), hours, logsInHour: () => 1, pausedHours: paused, linkAcrossPauses: linked });
}

/** `verify` of 2026-10-01 (UTC), run at `now`. */
function verifyDay(t: DigestTree, now = '2026-11-20T00:00:00Z') {
  return verifyIntegrity({ stores: [new LocalStore(t.root)], start: new Date('2026-10-01T00:00:00Z'), end: new Date('2026-10-02T00:00:00Z'), publicKeys: parsePublicKeyList(t.publicKeyList), now: new Date(now) });
}

/** `report --verify` of 2026-10-01 (UTC) with one late day: the check reads 2026-10-02 too. */
async function reportDay(t: DigestTree) {
  const keys = path.join(t.root, 'keys.json');
  writeFileSync(keys, JSON.stringify(t.publicKeyList));
  const { model } = await runReport(reportOptions({ sources: [t.root], accountsFile: undefined, period: { from: '2026-10-01', to: '2026-10-02', tz: 'UTC' }, lateDays: 1, verify: { publicKeysFile: keys } }));
  return model.integrity!;
}

describe('missing digests: the hours of the period without one', () => {
  it('counts every hour of the period after a chain that ends in it, the part hour at the end too', async () => {
    // The last digest ends 2026-10-01T10:17:31Z: the hours to midnight need 14 more (the last one ends 00:17:31 the next day).
    const t = tree('2026-09-30T23:17:31Z', 11);
    const result = await verifyDay(t);
    expect(result.chains).toEqual([expect.objectContaining({ digestsValid: 11, digestsMissing: 14, status: 'incomplete', gaps: [expect.objectContaining({ reason: 'chain-ends', from: '2026-10-01T10:17:31Z', to: '2026-10-02T00:00:00Z' })] })]);
    // The report checks the late day too (the gap runs on through it), and counts the period's hours alone, as `verify` does.
    const integrity = await reportDay(t);
    expect(integrity.chains).toEqual([expect.objectContaining({ digestsMissing: 14, gaps: [{ from: '2026-10-01T10:17:31Z', to: '2026-10-03T00:00:00Z' }] })]);
  }, 60_000);

  it('counts a deleted digest of the period, not one of the late day the report reads besides (a problem there all the same)', async () => {
    const t = tree('2026-09-30T23:17:31Z', 52);
    // Hour 5 ends 2026-10-01T05:17:31Z (the period's); hour 30, 2026-10-02T06:17:31Z (the late day's).
    for (const hour of [5, 30]) deleteObject(t, t.digests[hour]!.key);
    expect((await verifyDay(t)).chains).toEqual([expect.objectContaining({ digestsMissing: 1 })]);
    const integrity = await reportDay(t);
    expect(integrity.chains).toEqual([expect.objectContaining({ digestsMissing: 1 })]);
    expect(integrity.problems.filter((p) => p.kind === 'digest-missing' && p.severity === 'error').map((p) => p.key)).toEqual([t.digests[5]!.key, t.digests[30]!.key]);
  }, 60_000);

  it('counts the hours where a chain stops and starts again in the period, as it counts those after a chain that ends there (it counted none)', async () => {
    // Validation off from 2026-10-01T09:17:31Z to 19:17:31Z: hours 10 to 19 have no digest, and hour 20's names no previous one.
    const t = tree('2026-09-30T23:17:31Z', 30, [10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
    const result = await verifyDay(t);
    expect(result.chains).toEqual([
      expect.objectContaining({ digestsMissing: 10, status: 'incomplete', gaps: [expect.objectContaining({ reason: 'chain-restart', from: '2026-10-01T09:17:31Z', to: '2026-10-01T19:17:31Z' })] }),
    ]);
    expect(result.problems.filter((p) => p.severity === 'error')).toEqual([expect.objectContaining({ kind: 'chain-gap', from: '2026-10-01T09:17:31Z', to: '2026-10-01T19:17:31Z' })]);
    expect((await reportDay(t)).chains).toEqual([expect.objectContaining({ digestsMissing: 10 })]);
    // The chain that stops at 09:17:31 for good: every hour to the period's end.
    expect((await verifyDay(tree('2026-09-30T23:17:31Z', 10))).chains).toEqual([expect.objectContaining({ digestsMissing: 15 })]);
  }, 60_000);

  it('counts the hours between two digests that link across them, as it counts a restart (it counted none): CloudTrail starts a new chain after a stop, it never links across one', async () => {
    // No digest from 2026-10-01T09:17:31Z to 13:17:31Z, and hour 14's names hour 9's as its previous one.
    const t = tree('2026-09-30T23:17:31Z', 52, [10, 11, 12, 13], true);
    expect(t.digests.find((d) => d.hour === 14)!.start).toBe('2026-10-01T13:17:31Z');
    const result = await verifyDay(t);
    expect(result.chains).toEqual([
      expect.objectContaining({ digestsValid: 21, digestsMissing: 4, status: 'incomplete', gaps: [expect.objectContaining({ from: '2026-10-01T09:17:31Z', to: '2026-10-01T13:17:31Z' })] }),
    ]);
    expect(result.problems.filter((p) => p.severity === 'error')).toEqual([
      expect.objectContaining({ kind: 'chain-gap', from: '2026-10-01T09:17:31Z', to: '2026-10-01T13:17:31Z', message: expect.stringMatching(/although the digests link/) }),
    ]);
    // The report's row says the same, in every output: 4 missing beside the gap, not "0 missing".
    const integrity = await reportDay(t);
    expect(integrity.chains).toEqual([expect.objectContaining({ digestsMissing: 4, gaps: [{ from: '2026-10-01T09:17:31Z', to: '2026-10-01T13:17:31Z' }] })]);
    // A hole of the late day the report reads besides is a problem there, not counted in the period's row.
    const late = tree('2026-09-30T23:17:31Z', 52, [30, 31], true);
    expect((await reportDay(late)).chains).toEqual([expect.objectContaining({ digestsMissing: 0, gaps: [expect.objectContaining({ from: '2026-10-02T05:17:31Z', to: '2026-10-02T07:17:31Z' })] })]);
    expect((await verifyDay(late)).chains).toEqual([expect.objectContaining({ digestsMissing: 0, gaps: [] })]);
  }, 60_000);

  it('counts, for a period not over, only the digests due by the check, an hour after their window ends (it counted one more)', async () => {
    // The last digest ends 2026-10-01T19:17:31Z: the next, ending 20:17:31, is due by 21:17:31; the one after it, by 22:17:31.
    const t = tree('2026-09-30T23:17:31Z', 20);
    for (const [now, missing] of [
      ['2026-10-01T21:30:00Z', 1],
      ['2026-10-01T22:10:00Z', 1],
      ['2026-10-01T22:20:00Z', 2],
    ] as const) {
      expect((await verifyDay(t, now)).chains, now).toEqual([expect.objectContaining({ digestsMissing: missing })]);
    }
  }, 60_000);

  it('takes, for a trail with no digest around a period not over, the digests due as a chain does, an hour after their window ends (it took those of two hours before the check)', async () => {
    // The region's digests end 2026-09-11: none around the period, which starts 2026-10-01T00:00Z and ends at the check.
    const t = buildDigestTree({ root: root(), keyPair, sidecars: true, accounts: [ACCOUNT], regions: [REGION], firstWindowStart: new Date('2026-09-10T00:17:31Z'), hours: 24, logsInHour: () => 0 });
    const checkAt = (now: string) =>
      verifyIntegrity({ stores: [new LocalStore(t.root)], start: new Date('2026-10-01T00:00:00Z'), end: new Date(now), publicKeys: parsePublicKeyList(t.publicKeyList), now: new Date(now) });
    // The digest of 00:00-01:00 is due at 02:00, that of 08:00-09:00 at 10:00: the span the warning names ends with the last one due.
    for (const [now, to] of [
      ['2026-10-01T01:59:00Z', null],
      ['2026-10-01T02:00:00Z', '2026-10-01T01:00:00Z'],
      ['2026-10-01T10:30:00Z', '2026-10-01T09:00:00Z'],
    ] as const) {
      const result = await checkAt(now);
      expect(result.problems, now).toEqual(
        to === null
          ? []
          : [expect.objectContaining({ kind: 'chain-gap', severity: 'warning', from: '2026-10-01T00:00:00Z', to, message: expect.stringMatching(new RegExp(`^no digest covers 2026-10-01T00:00:00Z – ${to}: the trail did not log`)) })],
      );
    }
  }, 60_000);

  it('counts nothing before the first digest of a chain that begins in the period (no digest was due then)', async () => {
    const result = await verifyDay(tree('2026-10-01T05:17:31Z', 30));
    expect(result.chains).toEqual([expect.objectContaining({ digestsMissing: 0, gaps: [expect.objectContaining({ reason: 'chain-starts' })] })]);
  }, 60_000);

  it("counts the fixture's October in prod us-east-1 from the chain's end, 2026-10-04 00:41, to 2026-11-01", async () => {
    const result = await verifyIntegrity({
      stores: [new LocalStore(FIXTURE_TREE)],
      start: new Date('2026-10-01T00:00:00Z'),
      end: new Date('2026-11-01T00:00:00Z'),
      accounts: ['314159265358'],
      regions: ['us-east-1'],
      publicKeys: parsePublicKeyList(JSON.parse(readFileSync(path.join(ROOT, 'fixtures/public-keys.json'), 'utf8'))),
    });
    // 2026-10-04T00:41:17Z to 2026-11-01T00:00:00Z is 671 h 19 min: 672 hourly digests, the last one reaching into the period by 19 minutes.
    expect(result.chains).toEqual([expect.objectContaining({ digestsValid: 73, digestsMissing: 672 })]);
  }, 60_000);
});
