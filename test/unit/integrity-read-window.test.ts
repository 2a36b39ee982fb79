/**
 * report --verify checks every log file the read took. The read takes whole UTC delivery days
 * (`deliveryDays`); a period in another zone starts and ends inside such days, and a file filed
 * in the rest of them was read (an event of the period in it is reported) but was not checked:
 * a forged file there passed as "logs intact" (2026-11-26 review).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { checkVerdict } from '../../src/integrity/report.js';
import { parsePublicKeyList } from '../../src/integrity/public-keys.js';
import { verifyIntegrity } from '../../src/integrity/verify.js';
import { runReport } from '../../src/pipeline/report.js';
import { LocalStore } from '../../src/sources/local.js';
import { addUnlistedLog, buildDigestTree, deleteObject, generateRsaKeyPair, rewriteLog } from '../helpers/digest-tree.js';
import { FIXTURE_TREE, ROOT, reportOptions } from '../helpers/report-options.js';

const ACCOUNT = '111111111111';
const REGION = 'eu-west-1';
const roots: string[] = [];
afterEach(() => roots.splice(0).forEach((root) => rmSync(root, { recursive: true, force: true })));

/** A clean signed chain around the period (hourly digests from 2026-09-29T22:17Z, 5 days, each listing a log file); with `forgedAt`, one more log file no digest lists, filed then, holding an event of the period. */
function tree(forgedAt?: string) {
  const root = mkdtempSync(path.join(tmpdir(), 'iot-audit-read-window-'));
  roots.push(root);
  const built = buildDigestTree({ root, keyPair: generateRsaKeyPair(), accounts: [ACCOUNT], regions: [REGION], firstWindowStart: new Date('2026-09-29T22:17:31Z'), hours: 5 * 24, sidecars: true, logsInHour: () => 1 });
  writeFileSync(path.join(root, 'keys.json'), JSON.stringify(built.publicKeyList));
  let key: string | null = null;
  if (forgedAt !== undefined) {
    key = addUnlistedLog(built, ACCOUNT, REGION, new Date(forgedAt));
    const event = { eventVersion: '1.09', eventTime: '2026-10-01T10:00:00Z', eventSource: 'iot.amazonaws.com', eventName: 'DeletePolicy', eventID: 'forged-1', awsRegion: REGION, recipientAccountId: ACCOUNT, requestParameters: { policyName: 'p' }, userIdentity: { type: 'Root', accountId: ACCOUNT } };
    writeFileSync(built.file(key), gzipSync(JSON.stringify({ Records: [event] })));
  }
  return { root, key, built };
}

/** Tokyo's 2026-10-01 (2026-09-30T15:00Z to 2026-10-01T15:00Z) with one late day: delivery days 2026-09-30 to 2026-10-02 (UTC). */
function reportOf(root: string) {
  return runReport(
    reportOptions({
      sources: [root],
      accountsFile: undefined,
      period: { from: '2026-10-01', to: '2026-10-02', tz: 'Asia/Tokyo' },
      lateDays: 1,
      verify: { publicKeysFile: path.join(root, 'keys.json') },
    }),
  );
}

describe('report --verify over the delivery days the read took', () => {
  it.each([
    ['on the first UTC day, before the period starts', '2026-09-30T05:00:00Z'],
    ['on the late day, after the period end plus the late days', '2026-10-02T20:00:00Z'],
    ['inside the period (checked before too)', '2026-10-01T10:00:00Z'],
  ])('a forged log file filed %s is named, and the logs are not intact', async (_, filed) => {
    const { root, key } = tree(filed);
    const { model } = await reportOf(root);
    expect(model.events.map((e) => e.eventId)).toContain('forged-1');
    expect(model.integrity!.ok).toBe(false);
    expect(model.integrity!.problems.filter((p) => p.key.endsWith(path.basename(key!))).length).toBeGreaterThan(0);
  }, 60_000);

  it('with --late-days 0, the rest of the last UTC day after the period is read for late files only: a newest digest there without its signature is a warning, as on a late day', async () => {
    // A copy made at ~20:30Z on 2026-10-01, 5.5 hours after Tokyo's 2026-10-01 ended (15:00Z), without .sig sidecars.
    const root = mkdtempSync(path.join(tmpdir(), 'iot-audit-read-window-'));
    roots.push(root);
    const built = buildDigestTree({ root, keyPair: generateRsaKeyPair(), accounts: [ACCOUNT], regions: [REGION], firstWindowStart: new Date('2026-09-29T22:17:31Z'), hours: 46, sidecars: false, logsInHour: () => 1 });
    writeFileSync(path.join(root, 'keys.json'), JSON.stringify(built.publicKeyList));
    const { model } = await runReport(
      reportOptions({ sources: [root], accountsFile: undefined, period: { from: '2026-10-01', to: '2026-10-02', tz: 'Asia/Tokyo' }, lateDays: 0, now: new Date('2026-10-01T20:35:00Z'), verify: { publicKeysFile: path.join(root, 'keys.json') } }),
    );
    expect(model.integrity!.problems.filter((p) => p.severity === 'error').map((p) => `${p.kind}: ${p.message}`)).toEqual([]);
    expect(model.integrity!.ok).toBe(true);
    expect(model.integrity!.eventsUnchecked).toBe(model.events.filter((e) => e.integrity !== 'valid').length);
  }, 60_000);

  it('a clean chain over the same days passes: the wider window asks for no digest the trail lacks', async () => {
    const { root } = tree();
    const { model } = await reportOf(root);
    expect(model.integrity!.problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(model.integrity!.ok).toBe(true);
  }, 60_000);
});

/**
 * A log file no digest lists, read only because the report reads whole UTC delivery days, that is
 * outside the period and gave the report nothing, failed the report ("log file in the period that
 * no digest lists") while `verify` of the same period passed (2026-11-26 audit): the two now agree.
 */
describe('report --verify and verify agree on the log files of the period', () => {
  /** The tree of `tree()` with a log file no digest lists delivered at `filed`, holding `records`. */
  function withFile(filed: string, records: Record<string, unknown>[]) {
    const { root, built } = tree();
    const key = addUnlistedLog(built, ACCOUNT, REGION, new Date(filed));
    writeFileSync(built.file(key), gzipSync(JSON.stringify({ Records: records })));
    return { root, key };
  }
  const iot = (eventTime: string | undefined) => ({ eventVersion: '1.09', ...(eventTime === undefined ? {} : { eventTime }), eventSource: 'iot.amazonaws.com', eventName: 'DeletePolicy', eventID: `e-${eventTime ?? 'none'}`, awsRegion: REGION, recipientAccountId: ACCOUNT, requestParameters: { policyName: 'p' }, userIdentity: { type: 'Root', accountId: ACCOUNT } });
  /**
   * The counts of a row that `verify` and `report --verify` of one period give alike: the period's hours and log files.
   * (Not `digestsValid`, `digestsInvalid` and `digestsUnverified`: the report's count every digest it read, of the days around the period too.)
   */
  const rowCounts = (c: { digestsMissing: number; logFilesValid: number; logFilesModified: number; logFilesMissing: number; logFilesNotCovered: number; logFilesUnverified: number }) => ({
    digestsMissing: c.digestsMissing,
    logFilesValid: c.logFilesValid,
    logFilesModified: c.logFilesModified,
    logFilesMissing: c.logFilesMissing,
    logFilesNotCovered: c.logFilesNotCovered,
    logFilesUnverified: c.logFilesUnverified,
  });
  /** `verify` of Tokyo's 2026-10-01, as the command runs it. */
  const verifyOf = (root: string) =>
    verifyIntegrity({ stores: [new LocalStore(root)], start: new Date('2026-09-30T15:00:00Z'), end: new Date('2026-10-01T15:00:00Z'), publicKeys: parsePublicKeyList(JSON.parse(readFileSync(path.join(root, 'keys.json'), 'utf8'))) });

  it.each([
    ['on the first UTC day, before the period starts', '2026-09-30T05:00:00Z', 'before'],
    ['after the period, on its last UTC day', '2026-10-01T20:00:00Z', 'after'],
    ['on the late day', '2026-10-02T20:00:00Z', 'after'],
  ])('a file filed %s that gave the report no record is a warning "outside the period", and the verdict is verify\'s', async (_, filed, side) => {
    // Its one IoT record is of the hour it was delivered, outside the period; with a record of another service.
    const { root, key } = withFile(filed, [iot(filed), { eventVersion: '1.09', eventTime: filed, eventSource: 's3.amazonaws.com', eventName: 'PutObject' }]);
    const { model } = await reportOf(root);
    const integrity = model.integrity!;
    const about = integrity.problems.filter((p) => p.key === key);
    expect(about).toEqual([expect.objectContaining({ kind: 'log-file-not-covered', severity: 'warning' })]);
    expect(about[0]!.message).toMatch(new RegExp(`^log file that no digest lists \\(added, or delivered while validation was off\\); delivered ${side} the period and read only because the report reads whole UTC delivery days and late days, it gave the report no record \\(outside the period\\)$`));
    expect(integrity.problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect([integrity.ok, integrity.verdict]).toEqual([true, 'verified']);
    expect(integrity.eventsValid).toBe(model.events.length);
    const verified = await verifyOf(root);
    expect([verified.ok, checkVerdict(verified)]).toEqual([integrity.ok, integrity.verdict]);
    // Its row counts what the problems count as the period's, as `verify`'s does: not this file (it said `logFilesNotCovered: 1`).
    expect(integrity.chains).toEqual([expect.objectContaining({ logFilesNotCovered: 0, logFilesUnverified: 0, status: 'valid' })]);
    expect(verified.chains).toEqual([expect.objectContaining({ logFilesNotCovered: 0, logFilesUnverified: 0 })]);
    // Nor the valid files of the rest of the UTC days and of the late day: the period's 24, as `verify` counts them (it said 57, those after the period too).
    expect(rowCounts(integrity.chains[0]!)).toEqual(rowCounts(verified.chains[0]!));
    expect(rowCounts(verified.chains[0]!)).toEqual({ digestsMissing: 0, logFilesValid: 24, logFilesModified: 0, logFilesMissing: 0, logFilesNotCovered: 0, logFilesUnverified: 0 });
  }, 60_000);

  it.each([
    ['an IoT record of the period', '2026-10-02T01:00:00Z', '2026-10-01T10:00:00Z', true],
    ['an IoT record without a time, which the Coverage counts', '2026-09-30T05:00:00Z', undefined, true],
    ['an IoT record without an event name dated in the period, which the Coverage counts', '2026-10-02T01:00:00Z', '2026-10-01T10:00:00Z', false],
  ])('a file outside the period that gave the report %s stays an error, said to be delivered outside it', async (_, filed, eventTime, named) => {
    const { root, key } = withFile(filed, [{ ...iot(eventTime), ...(named ? {} : { eventName: undefined }) }]);
    const { model } = await reportOf(root);
    const about = model.integrity!.problems.filter((p) => p.key === key);
    expect(about).toEqual([expect.objectContaining({ kind: 'log-file-not-covered', severity: 'error' })]);
    expect(about[0]!.message).toMatch(/^log file that no digest lists \(added, or delivered while validation was off\); delivered (before|after) the period, it gave the report records of the period$/);
    expect(model.integrity!.verdict).toBe('failed');
  }, 60_000);

  it("gives the fixture's Paris day the verdict `verify` gives (it was FAILED for a file of 2026-09-30 09:30Z, none of whose records is IoT)", async () => {
    const { model } = await runReport(
      reportOptions({
        period: { from: '2026-10-01', to: '2026-10-02', tz: 'Europe/Paris' },
        accounts: ['314159265358'],
        regions: ['us-east-1'],
        configPath: path.join(ROOT, 'examples/iot-audit.config.yaml'),
        verify: { publicKeysFile: path.join(ROOT, 'fixtures/public-keys.json') },
      }),
    );
    const integrity = model.integrity!;
    expect([integrity.verdict, integrity.eventsValid, model.events.length]).toEqual(['verified', 8, 8]);
    const file = integrity.problems.find((p) => p.key.endsWith('_20260930T0930Z_78QUkOYQDnoNfvY7.json.gz'));
    expect(file).toMatchObject({ severity: 'warning', kind: 'log-file-not-covered' });
    expect(file!.message).not.toContain('in the period');
    // The row counts the period's files, as `verify`'s does: not that one (it said `logFilesNotCovered: 1`, status valid).
    expect(integrity.chains).toEqual([expect.objectContaining({ logFilesNotCovered: 0, logFilesUnverified: 0, status: 'valid' })]);
    const verified = await verifyIntegrity({
      stores: [new LocalStore(FIXTURE_TREE)],
      start: new Date(model.period.start),
      end: new Date(model.period.end),
      accounts: ['314159265358'],
      regions: ['us-east-1'],
      publicKeys: parsePublicKeyList(JSON.parse(readFileSync(path.join(ROOT, 'fixtures/public-keys.json'), 'utf8'))),
    });
    expect(checkVerdict(verified)).toBe('verified');
    expect(verified.chains).toEqual([expect.objectContaining({ logFilesNotCovered: 0, logFilesUnverified: 0 })]);
  }, 60_000);

  it('a file whose one IoT record has no event name and is dated outside the period gave the report nothing: a warning (it was an error, FAILED)', async () => {
    // On the late day, its record dated then: no report of this period counts it (`withoutName` takes the period's alone).
    const { root, key } = withFile('2026-10-02T20:00:00Z', [{ ...iot('2026-10-02T19:59:00Z'), eventName: undefined }]);
    const { model } = await reportOf(root);
    const integrity = model.integrity!;
    expect(model.coverage.iotRecordsWithoutName.count).toBe(0);
    expect(integrity.problems.filter((p) => p.key === key)).toEqual([expect.objectContaining({ kind: 'log-file-not-covered', severity: 'warning' })]);
    expect([integrity.ok, integrity.verdict]).toEqual([true, 'verified']);
  }, 60_000);

  it('a forged file on the late day holding an altered copy of an event of the period, its eventID the same, stays an error: the copy dropped as a duplicate is still a record it gave', async () => {
    const { root, built } = tree();
    // Delivered 2026-10-01T04:22Z, inside the period; its copy with another status, filed on the late day.
    const genuine = built.logs.find((l) => l.hour === 30)!;
    const forged = addUnlistedLog(built, ACCOUNT, REGION, new Date('2026-10-02T20:00:00Z'));
    writeFileSync(built.file(forged), readFileSync(built.file(genuine.key)));
    rewriteLog(built, forged, (log) => {
      log.Records[0]!.requestParameters = { ...(log.Records[0]!.requestParameters as object), newStatus: 'ACTIVE' };
    });
    const { model } = await reportOf(root);
    const integrity = model.integrity!;
    const about = integrity.problems.filter((p) => p.key === forged);
    expect(about).toEqual([expect.objectContaining({ kind: 'log-file-not-covered', severity: 'error' })]);
    expect(about[0]!.message).toContain('delivered after the period, it gave the report records of the period');
    expect(integrity.verdict).toBe('failed');
  }, 60_000);
});

/**
 * A log file a digest lists, of the days the report reads beside the period (2026-11-26 review): one
 * delivered before the period, changed or deleted, failed the report while `verify` passed, though
 * it can hold no event of the period; one delivered after it can hold events of the period delivered
 * late, so its change stays an error, which `verify` (the period alone) does not see.
 */
describe('report --verify: listed log files outside the period, by what they can hold', () => {
  const verifyOf = (root: string) =>
    verifyIntegrity({ stores: [new LocalStore(root)], start: new Date('2026-09-30T15:00:00Z'), end: new Date('2026-10-01T15:00:00Z'), publicKeys: parsePublicKeyList(JSON.parse(readFileSync(path.join(root, 'keys.json'), 'utf8'))) });

  it('one delivered before the period, rewritten, and another deleted, that gave the report no record: warnings "before the period", not counted, and both verdicts verified', async () => {
    const { root, built } = tree();
    // Delivered 2026-09-30T05:22Z and 06:22Z, before Tokyo's 2026-10-01 starts (2026-09-30T15:00Z); their events are of those hours.
    const rewritten = built.logs.find((l) => l.hour === 7)!.key;
    const deleted = built.logs.find((l) => l.hour === 8)!.key;
    rewriteLog(built, rewritten, (log) => {
      log.Records[0]!.requestParameters = { certificateId: 'x', newStatus: 'REVOKED' };
    });
    deleteObject(built, deleted);
    const { model } = await reportOf(root);
    const integrity = model.integrity!;
    const about = integrity.problems.filter((p) => p.key === rewritten || p.key === deleted);
    expect(about.map((p) => [p.kind, p.severity])).toEqual([
      ['log-file-modified', 'warning'],
      ['log-file-missing', 'warning'],
    ]);
    for (const p of about) expect(p.message).toMatch(/it can hold no event of the period \(its events happened before it was delivered\) and gave the report no record \(before the period\)$/);
    expect(integrity.problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(integrity.chains).toEqual([expect.objectContaining({ logFilesModified: 0, logFilesMissing: 0, status: 'valid' })]);
    expect([integrity.ok, integrity.verdict]).toEqual([true, 'verified']);
    expect(checkVerdict(await verifyOf(root))).toBe('verified');
  }, 60_000);

  it.each([
    ['on the last UTC day after the period', 46, 'log-file-missing', 'its deletion'],
    ['on the late day', 60, 'log-file-modified', 'the change'],
  ])('one delivered after the period, %s, changed or deleted, stays an error though it gives the report no record: it can hold events of the period', async (_, hour, kind, what) => {
    const { root, built } = tree();
    const key = built.logs.find((l) => l.hour === hour)!.key;
    if (kind === 'log-file-missing') deleteObject(built, key);
    else {
      rewriteLog(built, key, (log) => {
        log.Records = [];
      });
    }
    const { model } = await reportOf(root);
    const integrity = model.integrity!;
    const about = integrity.problems.filter((p) => p.key === key);
    expect(about).toEqual([expect.objectContaining({ kind, severity: 'error' })]);
    expect(about[0]!.message).toContain(
      `; delivered after the period, in the days read for log files delivered late, it can hold events of the period: an error even when it gives the report no record, since ${what} could have removed them`,
    );
    expect(integrity.chains).toEqual([expect.objectContaining(kind === 'log-file-missing' ? { logFilesMissing: 1 } : { logFilesModified: 1 })]);
    expect(integrity.verdict).toBe('failed');
    // `verify` checks the period alone, and does not read it: where the report is stricter.
    expect(checkVerdict(await verifyOf(root))).toBe('verified');
  }, 60_000);
});

describe('an account and region without digests: the log files of the period counted apart from the late days', () => {
  it('says how many are of the period and how many after it gave the report records of it, as `verify` counts the first (it said "30 log files in the period")', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'iot-audit-read-window-'));
    roots.push(root);
    // Log files from 2026-09-30T23:22Z, one an hour for 30 hours: 24 delivered in 2026-10-01, 5 on the late day (events of their own hour).
    const built = buildDigestTree({ root, keyPair: generateRsaKeyPair(), accounts: [ACCOUNT], regions: [REGION], firstWindowStart: new Date('2026-09-30T23:17:31Z'), hours: 30, logsInHour: () => 1 });
    writeFileSync(path.join(root, 'keys.json'), JSON.stringify(built.publicKeyList));
    rmSync(path.join(root, 'AWSLogs', built.organizationId!, ACCOUNT, 'CloudTrail-Digest'), { recursive: true });
    // Delivered late, at 00:03 on the late day, with an event of the period's last minute.
    const late = addUnlistedLog(built, ACCOUNT, REGION, new Date('2026-10-02T00:03:00Z'));
    const event = { eventVersion: '1.09', eventTime: '2026-10-01T23:59:00Z', eventSource: 'iot.amazonaws.com', eventName: 'DeletePolicy', eventID: 'late-1', awsRegion: REGION, recipientAccountId: ACCOUNT, requestParameters: { policyName: 'p' }, userIdentity: { type: 'Root', accountId: ACCOUNT } };
    writeFileSync(built.file(late), gzipSync(JSON.stringify({ Records: [event] })));
    const { model } = await runReport(
      reportOptions({ sources: [root], accountsFile: undefined, period: { from: '2026-10-01', to: '2026-10-02', tz: 'UTC' }, lateDays: 1, verify: { publicKeysFile: path.join(root, 'keys.json') } }),
    );
    const noDigests = model.integrity!.problems.filter((p) => p.kind === 'no-digests');
    expect(noDigests.map((p) => [p.severity, p.message])).toEqual([
      ['error', '24 log files in the period and 1 delivered after it that gave the report records of the period, but no digest covers any of them (log file validation off, or digests deleted)'],
      [
        'warning',
        '5 log files that no digest covers (log file validation off, or digests deleted); delivered after the period and read only because the report reads whole UTC delivery days and late days, they gave the report no record (outside the period)',
      ],
    ]);
    const verified = await verifyIntegrity({ stores: [new LocalStore(root)], start: new Date(model.period.start), end: new Date(model.period.end), publicKeys: parsePublicKeyList(built.publicKeyList) });
    expect(verified.problems.filter((p) => p.kind === 'no-digests').map((p) => p.message)).toEqual([
      '24 log files in the period but no digest covers any of them (log file validation off, or digests deleted)',
    ]);
    // The row counts the files the error counts, not the 5 of the warning (it said 30).
    expect(model.integrity!.chains).toEqual([expect.objectContaining({ logFilesUnverified: 25 })]);
    expect(verified.chains).toEqual([expect.objectContaining({ logFilesUnverified: 24 })]);
  }, 60_000);
});
