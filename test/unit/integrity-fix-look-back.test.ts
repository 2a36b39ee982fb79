/**
 * A chain that ends before the period, its account and region's log files going on into the period
 * listed by no digest (2026-11-26 audit): a file's answer depended on where the period started. A
 * period that held the chain's end made the file `not-covered` (the chain's end an error: "validation
 * stopped, or the digests after it were deleted"), one that started a day or more after it made the
 * same file `no-digests` (the chain incomplete, and not named at all when it ended more than a day
 * before the period: the look before the period went back one day). The chain's end is now looked
 * for up to `SEEK_DAYS` before the period, a month per listing, where no digest is around it.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { parsePublicKeyList } from '../../src/integrity/public-keys.js';
import type { IntegrityResult } from '../../src/integrity/types.js';
import { verifyIntegrity } from '../../src/integrity/verify.js';
import { runReport } from '../../src/pipeline/report.js';
import { renderMarkdown } from '../../src/render/md.js';
import { buildView } from '../../src/render/view.js';
import { LocalStore } from '../../src/sources/local.js';
import type { StoredObject } from '../../src/types.js';
import { CountingStore } from '../helpers/counting-store.js';
import { buildDigestTree, generateRsaKeyPair, type DigestTree, type DigestTreeOptions } from '../helpers/digest-tree.js';
import { reportOptions } from '../helpers/report-options.js';
import { runCli } from '../helpers/run-cli.js';
import { tempFolders } from '../helpers/temp-folders.js';

const A1 = '111111111111';
const REGION = 'us-east-1';
const TRAIL = 'org_trail-main';
const NOW = new Date('2026-11-20T00:00:00Z');
const keyPair = generateRsaKeyPair();
const root = tempFolders('integrity-look-back-');

function tree(options: Partial<DigestTreeOptions> = {}): DigestTree {
  return buildDigestTree({ root: root(), keyPair, sidecars: true, accounts: [A1], regions: [REGION], logsInHour: () => 1, ...options });
}

/** A log file CloudTrail would have delivered at `delivered`, holding one IoT event, that no digest lists. */
function addLog(t: DigestTree, delivered: string, eventId: string): string {
  const ms = Date.parse(delivered);
  const day = delivered.slice(0, 10).replaceAll('-', '/');
  const stamp = `${delivered.slice(0, 16).replaceAll('-', '').replace(':', '')}Z`;
  const suffix = createHash('sha1').update(eventId).digest('hex').slice(0, 16);
  const key = `AWSLogs/${t.organizationId}/${A1}/CloudTrail/${REGION}/${day}/${A1}_CloudTrail_${REGION}_${stamp}_${suffix}.json.gz`;
  const record = {
    eventVersion: '1.09',
    eventTime: new Date(ms - 4 * 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    eventSource: 'iot.amazonaws.com',
    eventName: 'DeletePolicy',
    eventID: eventId,
    awsRegion: REGION,
    recipientAccountId: A1,
    requestParameters: { policyName: 'p' },
    userIdentity: { type: 'Root', accountId: A1 },
  };
  mkdirSync(path.dirname(t.file(key)), { recursive: true });
  writeFileSync(t.file(key), gzipSync(JSON.stringify({ Records: [record] })));
  return key;
}

/**
 * A chain of 10 days that ends at 2026-09-20T00:17:31Z, each digest listing a log file, and one log
 * file a day after it, to 2026-10-09, that no digest lists (validation stopped, or the digests deleted).
 */
function stoppedChain(options: Partial<DigestTreeOptions> = {}): { t: DigestTree; after: string[] } {
  const t = tree({ firstWindowStart: new Date('2026-09-10T00:17:31Z'), hours: 10 * 24, ...options });
  const after: string[] = [];
  for (let day = Date.parse('2026-09-21T00:00:00Z'); day < Date.parse('2026-10-10T00:00:00Z'); day += 86_400_000) {
    const at = new Date(day + 10 * 3_600_000 + 5 * 60_000).toISOString();
    after.push(addLog(t, at, `after-${at.slice(0, 10)}`));
  }
  return { t, after };
}

const check = (t: DigestTree, from: string, to: string, store = new LocalStore(t.root)): Promise<IntegrityResult> =>
  verifyIntegrity({ stores: [store], start: new Date(from), end: new Date(to), publicKeys: parsePublicKeyList(t.publicKeyList), concurrency: 4, now: NOW });

const errors = (result: IntegrityResult) => result.problems.filter((p) => p.severity === 'error');

/** Periods that hold the chain's end, start 12 hours after it (within the day listed before the period), and start 11 days after it. */
const PERIODS = [
  ['holding the chain end', '2026-09-15T00:00:00Z'],
  ['starting 12 hours after it', '2026-09-20T12:00:00Z'],
  ['starting 11 days after it', '2026-10-01T00:00:00Z'],
] as const;
const END = '2026-10-10T00:00:00Z';

describe('a chain that ends before the period, its log files going on', () => {
  it('gives each file of the period the same answer whatever day the period starts on: not-covered, the chain invalid and named', async () => {
    const { t, after } = stoppedChain();
    const october = after.filter((key) => key.includes('/2026/10/'));
    // One log file a day, 2026-10-01 to 10-09: the checks below compare lists of these.
    expect(october).toHaveLength(9);
    const last = t.digests.at(-1)!;
    for (const [name, from] of PERIODS) {
      const result = await check(t, from, END);
      expect(october.map((key) => result.logFiles.get(key)), name).toEqual(october.map(() => 'not-covered'));
      expect(result.chains, name).toEqual([expect.objectContaining({ trails: [TRAIL], status: 'invalid', gaps: [expect.objectContaining({ reason: 'chain-ends', to: END })] })]);
      expect(errors(result), name).toContainEqual(
        expect.objectContaining({ kind: 'chain-gap', key: last.key, message: expect.stringMatching(/^the chain ends at 2026-09-20T00:17:31Z: no digest after it up to 2026-10-10T00:00:00Z/) }),
      );
      expect(errors(result).filter((p) => p.kind === 'log-file-not-covered' && october.includes(p.key))).toEqual(
        october.map((key) => expect.objectContaining({ key, message: expect.stringMatching(/^log file delivered after its chain's last digest, which no digest lists \(log file validation stopped, or the digests after it were deleted\)/) })),
      );
      expect(result.problems.some((p) => p.kind === 'no-digests'), name).toBe(false);
    }
  });

  it('finds the chain across a year, and not past SEEK_DAYS before the period (its files are then no-digests, as in a place without digests)', async () => {
    // The chain ends 2026-09-20; a period of 2027-01 is 103 days later, one of 2027-11 over 400 days later.
    const { t } = stoppedChain();
    const jan = addLog(t, '2027-01-10T10:05:00Z', 'jan-2027');
    const near = await verifyIntegrity({ stores: [new LocalStore(t.root)], start: new Date('2027-01-01T00:00:00Z'), end: new Date('2027-02-01T00:00:00Z'), publicKeys: parsePublicKeyList(t.publicKeyList), concurrency: 4, now: new Date('2027-03-01T00:00:00Z') });
    expect(near.logFiles.get(jan)).toBe('not-covered');
    expect(near.chains).toEqual([expect.objectContaining({ trails: [TRAIL], status: 'invalid' })]);
    const nov = addLog(t, '2027-11-10T10:05:00Z', 'nov-2027');
    const far = await verifyIntegrity({ stores: [new LocalStore(t.root)], start: new Date('2027-11-01T00:00:00Z'), end: new Date('2027-12-01T00:00:00Z'), publicKeys: parsePublicKeyList(t.publicKeyList), concurrency: 4, now: new Date('2027-12-02T00:00:00Z') });
    expect(far.logFiles.get(nov)).toBe('no-digests');
    expect(far.chains).toEqual([expect.objectContaining({ trails: [], status: 'incomplete' })]);
  });

  it('gives `verify` the same answer for a period holding the chain end and one starting after it', async () => {
    const { t, after } = stoppedChain();
    const keys = path.join(t.root, 'keys.json');
    writeFileSync(keys, JSON.stringify(t.publicKeyList));
    const run = async (from: string) => {
      const out = await runCli(['verify', '--source', t.root, '--from', from, '--to', END, '--public-keys', keys, '--json']);
      expect(out.code).toBe(1);
      return JSON.parse(out.stdout) as { logFiles: Record<string, string>; chains: { trails: string[]; status: string }[] };
    };
    const [wide, late] = await Promise.all([run('2026-09-15T00:00:00Z'), run('2026-10-01T12:00:00Z')]);
    // The files of both periods: 2026-10-02 to 2026-10-09.
    const october = after.filter((key) => /\/2026\/10\/0[2-9]\//.test(key));
    expect(october).toHaveLength(8);
    for (const key of october) expect([key, late.logFiles[key]]).toEqual([key, wide.logFiles[key]]);
    expect(late.logFiles[october[0]]).toBe('not-covered');
    expect(late.chains).toEqual([expect.objectContaining({ trails: [TRAIL], status: 'invalid' })]);
  }, 60_000);

  it('gives `report --verify` the same answer for each event, and its outputs the one verdict of the model', async () => {
    const { t } = stoppedChain();
    writeFileSync(path.join(t.root, 'keys.json'), JSON.stringify(t.publicKeyList));
    const report = (from: string) =>
      runReport(reportOptions({ sources: [t.root], accountsFile: undefined, period: { from, to: END, tz: 'UTC' }, lateDays: 0, now: NOW, verify: { publicKeysFile: path.join(t.root, 'keys.json') } }));
    const [{ model: wide }, { model: late }] = [await report('2026-09-15T00:00:00Z'), await report('2026-10-01T00:00:00Z')];
    const inOctober = (m: typeof wide) => new Map(m.events.filter((e) => e.eventId.startsWith('after-2026-10')).map((e) => [e.eventId, e.integrity]));
    expect(inOctober(late).size).toBe(9);
    expect(inOctober(late)).toEqual(inOctober(wide));
    expect([...inOctober(late).values()].every((s) => s === 'not-covered')).toBe(true);
    for (const m of [wide, late]) {
      expect(m.integrity).toMatchObject({ ok: false, verdict: 'failed' });
      expect(renderMarkdown(m)).toContain('**Integrity: FAILED**');
      const view = buildView(m, { media: 'screen', paper: 'a4', dataFiles: [] });
      expect(view.integrity?.status.label).toBe('Failed');
      // Said as the README says it, not as a file whose hash was found wrong.
      const sentence = view.integrity?.flaggedEvents.map((f) => f.text).find((text) => text.includes('listed by no digest'));
      expect(sentence).toMatch(/from log files listed by no digest, in a trail that has digests: delivered after their chain's last digest \(validation stopped, or the digests after it were deleted\), or added/);
      expect(view.integrity?.flaggedEvents.map((f) => f.text).join(' ')).not.toContain('failed validation');
    }
  }, 120_000);
});

/** A local store that lists a month in key order (`listAfter`), as S3 does, recording each such listing. */
class KeyOrderedStore extends CountingStore {
  async *listAfter(prefix: string, startAfter: string): AsyncIterable<StoredObject> {
    this.listed.push(`AFTER:${startAfter}`);
    const all: StoredObject[] = [];
    for await (const object of LocalStore.prototype.listAll.call(this, prefix)) all.push(object);
    all.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    for (const object of all) if (object.key > startAfter) yield object;
  }
}

describe('what the look before the period costs', () => {
  const digestFolder = `AWSLogs/o-a1b2c3d4e5/${A1}/CloudTrail-Digest/${REGION}/`;
  /** Listings of September's digest folder and its days before the one listed before the period (2026-10-01: from 2026-09-30 on). */
  const september = (listed: string[]) => listed.filter((p) => /CloudTrail-Digest\/us-east-1\/2026\/09\/(([01]\d|2\d)(\/|$)|$)/.test(p));
  /** With the digest folder's own listing and its year's. */
  const before = (listed: string[]) => listed.filter((p) => p === digestFolder || p === `${digestFolder}2026/` || september([p]).length > 0);

  it('lists nothing more where a chain runs through the period', async () => {
    const t = tree({ firstWindowStart: new Date('2026-09-25T00:17:31Z'), hours: 20 * 24 });
    for (const store of [new CountingStore(t.root), new KeyOrderedStore(t.root)]) {
      const result = await check(t, '2026-10-01T00:00:00Z', '2026-10-08T00:00:00Z', store);
      expect(result.ok).toBe(true);
      expect(before(store.listed)).toEqual([]);
    }
  });

  it('lists nothing more where the period has no log file', async () => {
    const t = tree({ firstWindowStart: new Date('2026-09-10T00:17:31Z'), hours: 10 * 24 });
    const store = new CountingStore(t.root);
    await check(t, '2026-10-01T00:00:00Z', END, store);
    // (The digest folder and its year are listed by the look after the period, for a trail with no digest around it.)
    expect(september(store.listed)).toEqual([]);
  });

  it('finds a chain that ended 11 days before the period with three listings where a month is one listing (S3), and the month folder and its days on a local copy', async () => {
    const { t } = stoppedChain();
    const s3 = new KeyOrderedStore(t.root);
    const onS3 = await check(t, '2026-10-01T00:00:00Z', END, s3);
    expect(onS3.chains[0]?.trails).toEqual([TRAIL]);
    expect(before(s3.listed)).toEqual([digestFolder, `${digestFolder}2026/`, `AFTER:${digestFolder}2026/09/01`]);
    const local = new CountingStore(t.root);
    const onDisk = await check(t, '2026-10-01T00:00:00Z', END, local);
    expect(onDisk.chains[0]?.trails).toEqual([TRAIL]);
    // The years, the months, September's day folders, then the eleven day folders September holds up to 2026-09-29.
    expect(before(local.listed)).toHaveLength(3 + 11);
    expect(onDisk.logFiles).toEqual(onS3.logFiles);
  });
});
