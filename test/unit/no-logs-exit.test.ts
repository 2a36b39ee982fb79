/**
 * `report` never gives an all-clear report from a mistyped source or filter (README, exit codes:
 * 3). A plain folder of files (no `AWSLogs/` layout) whose files read hold no CloudTrail log (a
 * folder of other JSON files, `--source schemas`) gave exit 0 and an empty report "2 log files
 * read, 2 unreadable"; so did a plain folder of CloudTrail logs every one of which is named for
 * another day, account or region than those asked for.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { collect } from '../../src/collect/run.js';
import { resolvePeriod } from '../../src/collect/period.js';
import { SourceError } from '../../src/errors.js';
import { runReport } from '../../src/pipeline/report.js';
import { LocalStore } from '../../src/sources/local.js';
import { ROOT, reportOptions } from '../helpers/report-options.js';
import { record, writeTree } from '../helpers/trail-tree.js';

const A = '111122223333';
const B = '444455556666';
const october = resolvePeriod({ period: '2026-10', tz: 'UTC' }, new Date('2026-11-24T00:00:00Z'));
const NOT_CLOUDTRAIL = 'not a CloudTrail log (no "Records" array and no CloudTrail record)';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));
const tree = (files: Parameters<typeof writeTree>[0]) => {
  const root = writeTree(files);
  dirs.push(root);
  return root;
};
const read = (root: string, extra: Partial<Parameters<typeof collect>[0]> = {}) =>
  collect({ stores: [new LocalStore(root, 'copy')], period: october, lateDays: 1, concurrency: 2, ...extra });
/** A CloudTrail log file's name, as a plain folder may hold it (no trail folders above it). */
const ctName = (account: string, region: string, stamp: string, suffix = 'AbCdEfGh12345678') => `${account}_CloudTrail_${region}_${stamp}_${suffix}.json.gz`;

describe('a plain folder of files none of which is a CloudTrail log', () => {
  it('fails the report with a source error (exit 3) naming the first file and what to do: the README repro, --source schemas', async () => {
    // A copy: another engineer's schema change must not change this test.
    const root = mkdtempSync(path.join(os.tmpdir(), 'iot-audit-schemas-'));
    dirs.push(root);
    cpSync(path.join(ROOT, 'schemas'), root, { recursive: true });
    const run = runReport(reportOptions({ sources: [root] }));
    await expect(run).rejects.toThrow(SourceError);
    await expect(run).rejects.toMatchObject({ exitCode: 3 });
    await expect(run).rejects.toThrow(
      new SourceError(
        `no CloudTrail log files under ${root}: 2 files read, none a CloudTrail log (${root}/config.schema.json: ${NOT_CLOUDTRAIL}); ` +
          "check that --source is the trail's bucket or a copy of it (or a folder of log files)",
      ),
    );
  });

  it('says so for one file, and for files that are not JSON at all', async () => {
    await expect(read(tree({ 'notes.json': '{"hello": "world"}' }))).rejects.toThrow(
      new SourceError(
        `no CloudTrail log files under copy: 1 file read, none a CloudTrail log (copy/notes.json: ${NOT_CLOUDTRAIL}); check that --source is the trail's bucket or a copy of it (or a folder of log files)`,
      ),
    );
    await expect(read(tree({ 'a.json.gz': Buffer.from([0x1f, 0x8b, 0x08, 0x00, 1, 2, 3]), 'b.json': 'not json' }))).rejects.toThrow(
      /^no CloudTrail log files under copy: 2 files read, none a CloudTrail log \(copy\/a\.json\.gz: not a valid gzip file \(.+\)\); check that --source is the trail's bucket/,
    );
  });

  it('fails for a folder holding an earlier report: a quiet month\'s (its empty "events" list was read as LookupEvents output: an all-clear report, exit 0)', async () => {
    const golden = JSON.parse(readFileSync(path.join(ROOT, 'test/golden/report.json'), 'utf8')) as Record<string, unknown>;
    for (const report of [{ ...golden, events: [], findings: [] }, golden]) {
      const root = tree({ 'iot-audit-2026-09.json': JSON.stringify(report, null, 2) });
      await expect(read(root)).rejects.toThrow(
        new SourceError(
          'no CloudTrail log files under copy: 1 file read, none a CloudTrail log (copy/iot-audit-2026-09.json: not a CloudTrail log (an iot-audit report: give the folder or bucket of the logs as --source)); ' +
            "check that --source is the trail's bucket or a copy of it (or a folder of log files)",
        ),
      );
    }
  });

  it('still reports a folder with one good log beside broken files, naming them (exit 0)', async () => {
    const root = tree({
      'good.json': [record({ eventID: 'good' })],
      'schema.json': '{"$schema": "x"}',
      'broken.json.gz': Buffer.from([0x1f, 0x8b, 0x08, 0x00, 1, 2, 3]),
    });
    const result = await read(root);
    expect(result.records.map((r) => r.record.eventId)).toEqual(['good']);
    expect(result.unreadable.map((u) => u.key)).toEqual(['copy/broken.json.gz', 'copy/schema.json']);
    const { model, exitCode } = await runReport(reportOptions({ sources: [root], accountsFile: undefined }));
    expect(exitCode).toBe(0);
    expect(model.events.map((e) => e.eventId)).toEqual(['good']);
    expect(model.coverage.unreadableFiles).toHaveLength(2);
  });

  it('gives a valid empty report for CloudTrail logs with no IoT event', async () => {
    const root = tree({ 'iam.json': [record({ eventID: 'iam', eventSource: 'iam.amazonaws.com', eventName: 'CreatePolicy' })] });
    const result = await read(root);
    expect(result.records).toEqual([]);
    expect(result.unreadable).toEqual([]);
  });

  it('fails a trail folder whose only files are broken too: not one log readable (test/unit/source-gives-nothing.test.ts)', async () => {
    const root = tree({ [`AWSLogs/${A}/CloudTrail/us-east-1/2026/10/05/${ctName(A, 'us-east-1', '20261005T1005Z')}`]: Buffer.from([0x1f, 0x8b, 0x08, 0x00, 1, 2, 3]) });
    await expect(read(root)).rejects.toThrow(/^no CloudTrail log file for October 2026 \(UTC\) could be read under copy: 1 log file read, unreadable \(/);
  });
});

describe('a plain folder of CloudTrail logs named for another period, account or region', () => {
  const nothing = (filters = '') => new RegExp(`^no CloudTrail log files were found for October 2026 \\(UTC\\) under copy${filters}: check `);
  const folder = () =>
    tree({
      // Delivered in September (named so), holding a September IoT event and noise.
      [ctName(A, 'us-east-1', '20260915T1005Z')]: [record({ eventID: 'sep', eventTime: '2026-09-15T10:00:00Z', recipientAccountId: A }), record({ eventID: 'n', eventSource: 'iam.amazonaws.com' })],
      [ctName(A, 'us-east-1', '20261005T1005Z')]: [record({ eventID: 'noise', eventSource: 'iam.amazonaws.com', eventName: 'CreatePolicy', recipientAccountId: A })],
    });

  it('fails a period, --account or --region that no file is named for (the trail layout would read none of them)', async () => {
    const root = folder();
    const march = resolvePeriod({ period: '2026-03', tz: 'UTC' }, new Date('2026-11-24T00:00:00Z'));
    await expect(read(root, { period: march })).rejects.toThrow(/^no CloudTrail log files were found for March 2026 \(UTC\) under copy: check that --source/);
    await expect(read(root, { accounts: [B] })).rejects.toThrow(nothing(` with --account ${B}`));
    await expect(read(root, { regions: ['eu-west-1'] })).rejects.toThrow(nothing(' with --region eu-west-1'));
    // Named for the period, account and region asked for: a quiet month (no IoT event), a valid empty report.
    expect((await read(root, { accounts: [A], regions: ['us-east-1'] })).records).toEqual([]);
    // The late day: a file delivered November 1st is read for October.
    const late = tree({ [ctName(A, 'us-east-1', '20261101T0004Z')]: [record({ eventID: 'noise', eventSource: 'iam.amazonaws.com' })] });
    expect((await read(late)).records).toEqual([]);
    await expect(read(late, { lateDays: 0 })).rejects.toThrow(nothing());
  });

  it('never fails on a name: an IoT record of the period kept, or a file whose name is not CloudTrail\'s', async () => {
    // Named for August, holding an October IoT event: read, as every file of a plain folder is.
    const misnamed = tree({ [ctName(A, 'us-east-1', '20260805T1005Z')]: [record({ eventID: 'oct', eventTime: '2026-10-05T10:00:00Z' })] });
    expect((await read(misnamed)).records.map((r) => r.record.eventId)).toEqual(['oct']);
    // A name that tells nothing (an export, a renamed file) may hold any day: an empty report.
    const renamed = tree({ 'september.json': [record({ eventID: 'sep', eventTime: '2026-09-15T10:00:00Z' })], [ctName(A, 'us-east-1', '20260915T1005Z')]: [] });
    expect((await read(renamed)).records).toEqual([]);
  });
});
