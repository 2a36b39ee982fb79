/**
 * `report` never gives an all-clear report from a mistyped source or filter (README, exit codes: 3).
 *
 * 1. A trail layout (`AWSLogs/<org>/<account>/CloudTrail/<region>/YYYY/MM/DD/`) whose every log
 *    file of the period was unreadable (two corrupt `.json.gz`) gave exit 0, "findings: none",
 *    "2 log files read, 2 unreadable", even with `--fail-on low`; the same files in a plain
 *    folder gave exit 3. Now not one log file readable from all the sources together is exit 3;
 *    some readable beside unreadable ones is the report, naming them.
 * 2. A `--source` that gave nothing beside one that had logs was dropped unsaid: the report said
 *    it covered both. Now each source is held to what one source alone is: no log file of the
 *    period and no trail folder of the accounts and regions asked for under it is exit 3 naming
 *    that source. A trail folder with no file of the period is a quiet period there too, and a
 *    source that could not be listed is named in the report as before.
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { collect } from '../../src/collect/run.js';
import { resolvePeriod } from '../../src/collect/period.js';
import { SourceError } from '../../src/errors.js';
import { inPlaces } from '../../src/iot/events.js';
import { runReport } from '../../src/pipeline/report.js';
import { LocalStore } from '../../src/sources/local.js';
import type { SourceInfo } from '../../src/types.js';
import { CountingStore, deniedStore } from '../helpers/counting-store.js';
import { FIXTURE_TREE, reportOptions } from '../helpers/report-options.js';
import { logKey, record, writeTree } from '../helpers/trail-tree.js';

const ORG = 'o-abcdefghij';
const A = '111122223333';
const B = '444455556666';
const october = resolvePeriod({ period: '2026-10', tz: 'UTC' }, new Date('2026-11-24T00:00:00Z'));
const CORRUPT = Buffer.from([0x1f, 0x8b, 0x08, 0x00, 1, 2, 3]);

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));
const tree = (files: Parameters<typeof writeTree>[0]) => {
  const root = writeTree(files);
  dirs.push(root);
  return root;
};
const store = (files: Parameters<typeof writeTree>[0], label: string) => new LocalStore(tree(files), label);
const read = (stores: LocalStore[], extra: Partial<Parameters<typeof collect>[0]> = {}) =>
  collect({ stores, period: october, lateDays: 1, concurrency: 2, ...extra });

const key = (account: string, delivered: string, suffix?: string) => logKey({ org: ORG, account, region: 'us-east-1', delivered, suffix });
/** An organization trail whose two log files of October are both corrupt. */
const corruptTrail = () => ({
  [key(A, '2026-10-01T00:00', 'corrupt000000001')]: CORRUPT,
  [key(A, '2026-10-02T00:00', 'corrupt000000002')]: CORRUPT,
});
/** An organization trail with one good log file of October. */
const goodTrail = (account = A) => ({ [key(account, '2026-10-05T10:05', 'good000000000001')]: [record({ eventID: `good-${account}`, recipientAccountId: account })] });
const nothingUnder = (label: string, filters = '') =>
  new SourceError(
    `no CloudTrail log files were found for October 2026 (UTC) under ${label}${filters}: check ${filters === '' ? '' : 'the accounts and regions asked for, '}` +
      "that --source is the trail's bucket or a copy of it (or a folder of log files), and that the trail logged in this period",
  );
/** An Athena query that ran and scanned the period's data (one that scanned none is no source of the period: collect.test.ts). */
const athena: SourceInfo = {
  label: 'athena://db.t',
  kind: 'athena',
  layout: 'athena',
  athena: { queryExecutionId: 'q', database: 'db', table: 't', workgroup: null, dataScannedBytes: 5_000_000, estimatedCostUsd: 0.00005, engineVersion: null, note: null },
};

describe('a trail layout none of whose log files of the period can be read', () => {
  it('fails with a source error (exit 3) naming the first file, its reason and what to do', async () => {
    const run = read([store(corruptTrail(), 'copy')]);
    await expect(run).rejects.toThrow(SourceError);
    await expect(run).rejects.toMatchObject({ exitCode: 3 });
    await expect(run).rejects.toThrow(
      new RegExp(
        `^no CloudTrail log file for October 2026 \\(UTC\\) could be read under copy: 2 log files read, all unreadable ` +
          `\\(copy/AWSLogs/${ORG}/${A}/CloudTrail/us-east-1/2026/10/01/${A}_CloudTrail_us-east-1_20261001T0000Z_corrupt000000001\\.json\\.gz: not a valid gzip file \\(.+\\)\\); ` +
          "check that the log files are intact \\(copy a damaged or cut-short copy again from the trail's bucket\\) and that --source is the trail's bucket or a copy of it$",
      ),
    );
    // One file: said so.
    await expect(read([store({ [key(A, '2026-10-01T00:00')]: CORRUPT }, 'one')])).rejects.toThrow(/^no CloudTrail log file for October 2026 \(UTC\) could be read under one: 1 log file read, unreadable \(/);
  });

  it('fails through runReport too, whatever --fail-on: never "findings: none"', async () => {
    const root = tree(corruptTrail());
    const run = runReport(reportOptions({ sources: [root], accountsFile: undefined, failOn: 'low' }));
    await expect(run).rejects.toMatchObject({ exitCode: 3, message: expect.stringMatching(/^no CloudTrail log file for October 2026 \(UTC\) could be read under /) });
  });

  it('counts every source together: unreadable trail files beside a readable plain folder are the report, named', async () => {
    const result = await read([store(corruptTrail(), 'broken'), store({ 'events.json': [record({ eventID: 'loose' })] }, 'loose')]);
    expect(result.records.map((r) => r.record.eventId)).toEqual(['loose']);
    expect(result.unreadable.map((u) => u.source)).toEqual(['broken', 'broken']);
    // And two sources, each with nothing readable, fail as one.
    await expect(read([store(corruptTrail(), 'broken'), store({ 'b.json.gz': CORRUPT }, 'loose')])).rejects.toThrow(
      /^no CloudTrail log file for October 2026 \(UTC\) could be read under broken, loose: 3 log files read, all unreadable \(/,
    );
  });

  it('leaves one readable file beside unreadable ones to the report (a coverage note)', async () => {
    const result = await read([store({ ...corruptTrail(), ...goodTrail() }, 'copy')]);
    expect(result.records.map((r) => r.record.eventId)).toEqual([`good-${A}`]);
    expect(result.unreadable).toHaveLength(2);
  });

  it('an Athena query that ran is exempt, as for a source with no log file (it reads no file)', async () => {
    const result = await read([store(corruptTrail(), 'copy')], { extra: { records: [], sources: [athena] } });
    expect(result.unreadable).toHaveLength(2);
  });
});

describe('a --source that gives nothing beside one that has logs', () => {
  it('fails with a source error (exit 3) naming that source, in the words used for one source', async () => {
    const run = read([store(goodTrail(), 'trail'), store({}, 'empty-copy')]);
    await expect(run).rejects.toMatchObject({ exitCode: 3 });
    await expect(run).rejects.toThrow(nothingUnder('empty-copy'));
    // In either order, and a folder of files none log-like (a README) is no better.
    await expect(read([store({ 'README.txt': 'x' }, 'readme'), store(goodTrail(), 'trail')])).rejects.toThrow(nothingUnder('readme'));
  });

  it('the README repro through runReport: the fixture trail and an empty folder', async () => {
    const empty = tree({});
    await expect(runReport(reportOptions({ sources: [FIXTURE_TREE, empty] }))).rejects.toThrow(nothingUnder(empty));
  });

  it('with --account or --region, a source that holds no trail at all is named (the filters are not what left it empty)', async () => {
    await expect(read([store(goodTrail(A), 'trail'), store({}, 'empty-copy')], { accounts: [A] })).rejects.toThrow(nothingUnder('empty-copy'));
    // `AWSLogs/` with no CloudTrail folder (a bucket of load balancer logs): no trail either.
    const elb = { [`AWSLogs/${B}/elasticloadbalancing/us-east-1/2026/10/05/${B}_elasticloadbalancing_us-east-1_x.log.gz`]: 'x' };
    await expect(read([store(goodTrail(A), 'trail'), store(elb, 'elb')], { accounts: [B] })).rejects.toThrow(/no CloudTrail log files were found/);
    await expect(read([store(goodTrail(A), 'trail'), store(elb, 'elb')])).rejects.toThrow(nothingUnder('elb'));
    // Its accounts left out by --account hold no trail either (a few of them are looked into).
    await expect(read([store(goodTrail(A), 'trail'), store(elb, 'elb')], { accounts: [A], regions: ['us-east-1'] })).rejects.toThrow(nothingUnder('elb'));
  });

  it('a log archive (other services\' AWSLogs/<acct>/ beside the trail\'s AWSLogs/<o-id>/), every account left out by --account, or a trail with digests only behind such folders, is no mistake (2026-11-26 review)', async () => {
    const config = Object.fromEntries(['200000000001', '200000000002', '200000000003', '200000000004', '200000000005', '200000000006'].map((a) => [`AWSLogs/${a}/Config/us-east-1/2026/10/5/x.json.gz`, 'x']));
    const archive = { ...config, [key(B, '2026-10-05T10:05', 'arch000000000001')]: [record({ eventID: 'arch', recipientAccountId: B })] };
    await expect(read([store(goodTrail(A), 'trail'), store(archive, 'ct-archive')], { accounts: [A] })).resolves.toBeDefined();
    const digests = { ...config, [`AWSLogs/900000000009/CloudTrail-Digest/us-east-1/2026/10/05/900000000009_CloudTrail-Digest_us-east-1_t_us-east-1_20261005T000000Z.json.gz`]: 'x' };
    await expect(read([store(goodTrail(A), 'trail'), store(digests, 'new-account')], { accounts: [A, '900000000009'] })).resolves.toBeDefined();
  });

  it('a mistyped account folder as a source, its account left out by --account, is named (2026-11-26 review)', async () => {
    const root = tree({ [`AWSLogs/${ORG}/${B}/Config/x.json.gz`]: 'x' });
    const typo = new LocalStore(path.join(root, 'AWSLogs', ORG, '999988887777'), 'typo');
    await expect(read([store(goodTrail(A), 'trail'), typo], { accounts: [A] })).rejects.toThrow(nothingUnder('typo'));
  });

  it('another trail whose accounts --account leaves out is no mistake, found with a few listings of its account folders', async () => {
    const other = Object.fromEntries(
      Array.from({ length: 40 }, (_, i) => {
        const account = String(500000000000 + i);
        return [key(account, '2026-10-05T10:05', `other${String(i).padStart(11, '0')}`), [record({ eventID: `o-${i}`, recipientAccountId: account })]];
      }),
    );
    const counted = new CountingStore(tree(other), 'other-org');
    await expect(read([store(goodTrail(A), 'trail'), counted], { accounts: [A] })).resolves.toBeDefined();
    // The AWSLogs/ search, the organization, and one account folder of the 40 (it holds CloudTrail/).
    expect(counted.listed.filter((p) => /\/\d{12}\/$/.test(p))).toHaveLength(1);
    expect(counted.listed.length).toBeLessThan(8);
  });

  it('a plain folder of other JSON files beside a quiet trail is named alone, as other files, not as a damaged trail (2026-11-26 review)', async () => {
    const september = { [key(A, '2026-09-10T10:05', 'sept000000000001')]: [record({ eventID: 'sept', eventTime: '2026-09-10T10:00:00Z' })] };
    await expect(read([store(september, 'quiet'), store({ 'notes.json': '{"hello": 1}' }, 'junk')])).rejects.toThrow(
      /^no CloudTrail log files under junk: 1 file read, none a CloudTrail log \(junk\/notes\.json: /,
    );
  });

  it('a trail with digests only so far (a new account: no log file yet) beside a trail is no mistake, at its AWSLogs/ or its account folder (2026-11-26 review)', async () => {
    const digestOnly = { [`AWSLogs/${ORG}/${B}/CloudTrail-Digest/us-east-1/2026/10/05/${B}_CloudTrail-Digest_us-east-1_trail_us-east-1_20261005T000000Z.json.gz`]: 'x' };
    const root = tree(digestOnly);
    await expect(read([store(goodTrail(A), 'trail'), new LocalStore(root, 'digests')])).resolves.toBeDefined();
    await expect(read([store(goodTrail(A), 'trail'), new LocalStore(path.join(root, 'AWSLogs', ORG, B), 'digests-account')])).resolves.toBeDefined();
  });

  it('a plain folder whose CloudTrail logs are all named for another month, beside a trail, is named', async () => {
    const september = { [`${A}_CloudTrail_us-east-1_20260915T1005Z_AbCdEfGh12345678.json.gz`]: [record({ eventID: 'sep', eventTime: '2026-09-15T10:00:00Z' })] };
    await expect(read([store(goodTrail(), 'trail'), store(september, 'september')])).rejects.toThrow(nothingUnder('september'));
  });

  it('an empty file source beside an Athena source is named: the query excuses only itself', async () => {
    await expect(read([store({}, 'empty-copy')], { extra: { records: [], sources: [athena] } })).rejects.toThrow(nothingUnder('empty-copy'));
  });

  describe('what stays as it was', () => {
    it('--account and --region are judged over the sources together: a trail they leave out beside one they match is no failure', async () => {
      // Another organization's bucket, or another account's folder of the same trail (test/integration/filters.test.ts).
      const result = await read([store(goodTrail(A), 'trail-a'), store(goodTrail(B), 'trail-b')], { accounts: [A] });
      expect(result.records.map((r) => r.record.eventId)).toEqual([`good-${A}`]);
      // So is a plain folder of logs named for another account.
      const named = { [`${B}_CloudTrail_us-east-1_20261005T1005Z_AbCdEfGh12345678.json.gz`]: [record({ eventID: 'b', recipientAccountId: B })] };
      const kept = await read([store(goodTrail(A), 'trail-a'), store(named, 'loose-b')], { accounts: [A], keep: inPlaces([A], []) });
      expect(kept.records.map((r) => r.record.eventId)).toEqual([`good-${A}`]);
      // But a filter that no source matches is the failure it was, naming every source.
      await expect(read([store(goodTrail(A), 'trail-a'), store(goodTrail(B), 'trail-b')], { accounts: ['999999999999'] })).rejects.toThrow(
        nothingUnder('trail-a, trail-b', ' with --account 999999999999'),
      );
    });

    it('a trail folder with no file of the period beside one with logs: a quiet period, no failure', async () => {
      const quiet = { [key(B, '2026-06-05T10:05')]: [record({ eventID: 'june', eventTime: '2026-06-05T10:00:00Z' })] };
      const result = await read([store(goodTrail(), 'trail'), store(quiet, 'quiet')]);
      expect(result.records.map((r) => r.record.eventId)).toEqual([`good-${A}`]);
    });

    it('a source whose files are all unreadable beside one with logs: given files, named in the report', async () => {
      const result = await read([store(goodTrail(), 'trail'), store({ 'b.json.gz': CORRUPT }, 'loose')]);
      expect(result.unreadable.map((u) => u.source)).toEqual(['loose']);
    });

    it('a source that could not be listed beside one with logs: its problem named in the report', async () => {
      const result = await read([store(goodTrail(), 'trail')], { stores: [deniedStore('s3://nope'), new LocalStore(tree(goodTrail()), 'trail')] });
      expect(result.records).toHaveLength(1);
      expect(result.problems).toEqual([expect.objectContaining({ source: 's3://nope' })]);
    });

    it('an Athena source alone that scanned data and returned no row: an empty report', async () => {
      expect((await collect({ stores: [], period: october, lateDays: 1, concurrency: 2, extra: { records: [], sources: [athena] } })).records).toEqual([]);
    });
  });
});
