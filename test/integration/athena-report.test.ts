import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { discoverTrails, logObjectsByDay } from '../../src/cloudtrail/layout.js';
import { decodeLog, parseLogBytes, rawRecordsOfText } from '../../src/collect/parse-log.js';
import { deliveryDays, resolvePeriod } from '../../src/collect/period.js';
import { runReport, type ReportOptions } from '../../src/pipeline/report.js';
import { reportOptions } from '../helpers/report-options.js';
import { LocalStore } from '../../src/sources/local.js';
import type { ReportModel, TrailLocation } from '../../src/types.js';
import { rowsFromRecords, startAthenaServer, type AthenaServer } from '../helpers/athena-server.js';
import { logKey, writeTree } from '../helpers/trail-tree.js';
import { runBin } from '../helpers/run-cli.js';
import { trinoKeeps } from '../helpers/trino-predicate.js';
import { buildCollectionSql } from '../../src/sources/athena/sql.js';

const root = path.resolve(import.meta.dirname, '../..');
const TREE = path.join(root, 'fixtures/org-trail');
const BUCKET = 'acme-iot-org-trail';
const period = resolvePeriod({ period: '2026-10', tz: 'UTC' }, new Date('2026-11-24T00:00:00Z'));

let server: AthenaServer;

/** The log files of a trail folder over the period's delivery days. */
async function* refsOf(store: LocalStore, location: TrailLocation) {
  for await (const day of logObjectsByDay(store, location, deliveryDays(period, 1), [])) yield* day;
}

/**
 * What the organization trail's Athena table returns for the period's query: every
 * IoT row of the delivery days' partitions, with the object it came from. Records in
 * the IoT guide's odd shape have no column to land in, so Athena never returns them.
 */
async function athenaRowsOfFixtures() {
  const store = new LocalStore(TREE);
  const { locations } = await discoverTrails(store);
  const records: object[] = [];
  const paths: string[] = [];
  for (const location of locations) {
    for await (const ref of refsOf(store, location)) {
      const decoded = decodeLog(await store.read(ref.key));
      if ('error' in decoded) continue;
      let raw: unknown[];
      try {
        raw = rawRecordsOfText(decoded.text);
      } catch {
        continue;
      }
      for (const r of raw as Record<string, unknown>[]) {
        if (r.eventSource !== 'iot.amazonaws.com') continue;
        records.push(r);
        paths.push(`s3://${BUCKET}/${ref.key}`);
      }
    }
  }
  return rowsFromRecords(records, paths);
}

const options = (sources: string[], overrides: Partial<ReportOptions> = {}) => reportOptions({ sources, ...overrides });

/** Everything the report says about IoT activity: what must not depend on how it was collected. */
function analysis(model: ReportModel) {
  const text = JSON.stringify({
    events: model.events,
    summary: model.summary,
    findings: model.findings,
    certificates: model.certificates,
    policies: model.policies,
    actors: model.actors,
    denied: model.denied,
    accounts: model.accounts.map((a) => ({ ...a, hasLogs: undefined })),
  });
  return JSON.parse(text.replaceAll(`s3://${BUCKET}/`, 'SRC/').replaceAll(`${TREE}/`, 'SRC/'));
}

beforeAll(async () => {
  server = await startAthenaServer({ rows: await athenaRowsOfFixtures(), pageSize: 250, pollsUntilDone: 1 });
  vi.stubEnv('AWS_ENDPOINT_URL_ATHENA', server.url);
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDLOOPBACKTEST');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'loopback-test-secret');
  vi.stubEnv('AWS_REGION', 'us-east-1');
  vi.stubEnv('AWS_MAX_ATTEMPTS', '1');
});

afterAll(async () => {
  vi.unstubAllEnvs();
  await server?.close();
});

describe('report from Athena', () => {
  it('gives the same report model as reading the files, for the fixture organization', async () => {
    // The file path without the guide-shaped records Athena cannot return.
    const withoutGuideShape = async () => ({
      parse: async (bytes: Buffer) => {
        const parsed = parseLogBytes(bytes);
        return { ...parsed, records: parsed.records.filter((r) => r.shape === 'canonical') };
      },
    });
    const files = await runReport(options([TREE], { parserFactory: withoutGuideShape }));
    const athena = await runReport(options(['athena://cloudtrail.org_trail']));

    expect(athena.model.summary.totalEvents).toBeGreaterThan(600);
    expect(analysis(athena.model)).toEqual(analysis(files.model));
    // The organization, from the rows' `$path` as from the files' keys (it was null through Athena: 2026-11-26 review).
    expect(files.model.organization.id).toMatch(/^o-[a-z0-9]{10,32}$/);
    expect(athena.model.organization.id).toBe(files.model.organization.id);
    expect(athena.model.sources).toEqual([
      expect.objectContaining({ kind: 'athena', layout: 'athena', athena: expect.objectContaining({ database: 'cloudtrail', table: 'org_trail', dataScannedBytes: expect.any(Number) }) }),
    ]);
    // Coverage comes from the partitions that returned data, counted as partitions, not files.
    expect(athena.model.coverage.perAccount.filter((a) => a.athenaPartitions > 0).map((a) => a.accountId)).toEqual(
      files.model.coverage.perAccount.filter((a) => a.files > 0 && files.model.events.some((e) => e.accountId === a.accountId)).map((a) => a.accountId),
    );
    // One query, with partition predicates for the period's delivery days.
    const sql = server.queries.at(-1)!.sql;
    expect(sql).toContain(`"timestamp" BETWEEN '2026/10/01' AND '2026/11/01'`);
  });
});

describe('report from Athena, records the report sets aside', () => {
  // The fake server returns every row it holds, whatever the SQL: the query must ask for the rows
  // without a time too (its event-time bounds dropped them, NULL or empty, on Athena itself).
  it('counts an IoT row without an event name, and those without a time (none, empty), in coverage, as from files (they were dropped unsaid)', async () => {
    const base = { eventVersion: '1.08', eventSource: 'iot.amazonaws.com', awsRegion: 'us-east-1', recipientAccountId: '111122223333', userIdentity: { type: 'Root' } };
    const records = [
      { ...base, eventID: 'named', eventName: 'CreateThing', eventTime: '2026-10-05T10:00:00Z' },
      { ...base, eventID: 'no-name', eventTime: '2026-10-05T10:01:00Z', requestParameters: { certificateId: 'c'.repeat(64), newStatus: 'REVOKED' } },
      { ...base, eventID: 'no-time', eventName: 'DeleteCertificate' },
      { ...base, eventID: 'empty-time', eventName: 'UpdateCertificate', eventTime: '' },
    ];
    const path = `s3://${BUCKET}/AWSLogs/111122223333/CloudTrail/us-east-1/2026/10/05/111122223333_CloudTrail_us-east-1_20261005T1005Z_a.json.gz`;
    const own = await startAthenaServer({ rows: rowsFromRecords(records, records.map(() => path)), pollsUntilDone: 1 });
    vi.stubEnv('AWS_ENDPOINT_URL_ATHENA', own.url);
    try {
      const { model } = await runReport(options(['athena://cloudtrail.org_trail']));
      expect(model.events.map((e) => e.eventId)).toEqual(['named']);
      expect(model.coverage.iotRecordsWithoutName).toEqual({ count: 1, examples: [{ file: path, eventId: 'no-name', eventName: null }] });
      expect(model.coverage.iotRecordsWithoutTime).toEqual({
        count: 2,
        examples: [
          { file: path, eventId: 'empty-time', eventName: 'UpdateCertificate' },
          { file: path, eventId: 'no-time', eventName: 'DeleteCertificate' },
        ],
      });
      // The query asks for them, beside the period's bounds.
      expect(own.queries.at(-1)!.sql).toContain(
        `coalesce(try(from_iso8601_timestamp(if(regexp_like("eventtime", '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$'), "eventtime")))\n` +
          `         BETWEEN from_iso8601_timestamp('2026-09-30T23:59:59Z') AND from_iso8601_timestamp('2026-11-01T00:00:01Z'), true)`,
      );
    } finally {
      vi.stubEnv('AWS_ENDPOINT_URL_ATHENA', server.url);
      await own.close();
    }
  });
  // Review: the query's text bounds dropped times that begin like a date but are none, which the
  // files' path counts as without a time, and in-period times with an offset, which it keeps.
  it('keeps and counts the same records as the files for times that are impossible, offset or not CloudTrail\'s text', async () => {
    const base = { eventVersion: '1.08', eventSource: 'iot.amazonaws.com', awsRegion: 'us-east-1', recipientAccountId: '111122223333', userIdentity: { type: 'Root' } };
    const times: Record<string, string> = {
      ok: '2026-10-05T10:00:00Z',
      'offset-in': '2026-09-30T22:00:00-05:00',
      'offset-out': '2026-10-31T20:00:00-05:00',
      'month-13': '2026-13-01T00:00:00Z',
      'feb-30': '2026-02-30T10:00:00Z',
      xxxx: 'xxxx-xx-xxT00:00:00Z',
      'date-only': '2026-11-05',
      november: '2026-11-05T10:00:00Z',
    };
    const records = Object.entries(times).map(([id, eventTime]) => ({ ...base, eventID: id, eventName: 'CreateThing', eventTime }));
    const key = logKey({ account: '111122223333', region: 'us-east-1', delivered: '2026-10-05T10:05:00Z' });
    const files = await runReport(options([writeTree({ [key]: records })]));

    // The rows the query returns, read as Athena reads its condition on the event time.
    const sql = buildCollectionSql({
      database: 'cloudtrail',
      table: 'org_trail',
      columns: ['eventtime', 'eventsource', 'eventname'].map((name) => ({ name, complex: false })),
      partitions: { account: 'account', region: 'region', day: 'timestamp' },
      days: deliveryDays(period, 1),
      accounts: [],
      regions: [],
      period,
      matchUnsourcedIot: false,
    });
    const condition = sql.slice(sql.indexOf('\nWHERE ')).split('\n  AND ').find((c) => c.includes('"eventtime"'))!;
    const returned = records.filter((r) => trinoKeeps(condition, new Map([['eventtime', r.eventTime]])));
    expect(records.filter((r) => !returned.includes(r)).map((r) => r.eventID)).toEqual(['november']);

    const path = `s3://${BUCKET}/${key}`;
    const own = await startAthenaServer({ rows: rowsFromRecords(returned, returned.map(() => path)), pollsUntilDone: 1 });
    vi.stubEnv('AWS_ENDPOINT_URL_ATHENA', own.url);
    try {
      const athena = await runReport(options(['athena://cloudtrail.org_trail']));
      expect(own.queries.at(-1)!.sql).toContain(condition);
      const outcome = (model: ReportModel) => ({
        events: model.events.map((e) => e.eventId),
        withoutTime: model.coverage.iotRecordsWithoutTime.count,
        withoutTimeIds: model.coverage.iotRecordsWithoutTime.examples.map((e) => e.eventId).sort(),
      });
      expect(outcome(files.model)).toEqual({ events: ['offset-in', 'ok'], withoutTime: 4, withoutTimeIds: ['date-only', 'feb-30', 'month-13', 'xxxx'] });
      expect(outcome(athena.model)).toEqual(outcome(files.model));
    } finally {
      vi.stubEnv('AWS_ENDPOINT_URL_ATHENA', server.url);
      await own.close();
    }
  });
});

describe('report from Athena when the table cannot be described (2026-11-26 review)', () => {
  // Read with the standard columns only, the report cannot tell console sessions or event categories:
  // console-change findings were lost with nothing said anywhere.
  it('says what it cannot know in the source entry (header, JSON) and on stderr, and names the engine', async () => {
    server.inject({ operation: 'GetTableMetadata', type: 'AccessDeniedException', message: 'You are not authorized to perform: athena:GetTableMetadata on the resource.' });
    const { model } = await runReport(options(['athena://cloudtrail.org_trail']));
    const info = model.sources[0]!.athena!;
    expect(info.note).toMatch(/^could not describe the table \(AccessDeniedException: .*\): read with the standard CloudTrail columns only, so console sessions and event categories are unknown/);
    const { buildView } = await import('../../src/render/view.js');
    const detail = buildView(model, { media: 'screen', paper: 'a4' }).header.sources[0]!.detail;
    expect(info.engineVersion).toBe('Athena engine version 3');
    expect(detail).toContain(', Athena engine version 3, ');
    expect(detail).toContain('; could not describe the table (AccessDeniedException');
    expect(detail).toContain('allow athena:GetTableMetadata');

    server.inject({ operation: 'GetTableMetadata', type: 'AccessDeniedException', message: 'You are not authorized to perform: athena:GetTableMetadata on the resource.' });
    const out = await mkdtemp(path.join(os.tmpdir(), 'athena-note-'));
    try {
      const run = await runBin(['report', '--source', 'athena://cloudtrail.org_trail', '--period', '2026-10', '--no-organization', '--format', 'json', '--out', out]);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stderr).toMatch(/^Warning: athena:\/\/cloudtrail\.org_trail: could not describe the table \(AccessDeniedException: .*allow athena:GetTableMetadata$/m);
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });
});

describe('report from Athena over no data (2026-11-26 review)', () => {
  // A table over another bucket, or an account with no logs: the query scans nothing and returns no
  // row. It was an all-clear report (exit 0); a source of files with no log file of the period is exit 3.
  it('is a source error naming the table, when its query scanned no data; a quiet month that scanned data is a report', async () => {
    const empty = await startAthenaServer({ rows: [], dataScannedBytes: 0, pollsUntilDone: 1 });
    try {
      vi.stubEnv('AWS_ENDPOINT_URL_ATHENA', empty.url);
      await expect(runReport(options(['athena://cloudtrail.org_trail']))).rejects.toThrow(
        /^no CloudTrail log files were found for October 2026 \(UTC\) under athena:\/\/cloudtrail\.org_trail \(its query scanned no data\): check .*that the Athena table's LOCATION is the trail's bucket/,
      );
    } finally {
      vi.stubEnv('AWS_ENDPOINT_URL_ATHENA', server.url);
      await empty.close();
    }
    const quiet = await startAthenaServer({ rows: [], dataScannedBytes: 5_000_000, pollsUntilDone: 1 });
    try {
      vi.stubEnv('AWS_ENDPOINT_URL_ATHENA', quiet.url);
      const { model } = await runReport(options(['athena://cloudtrail.org_trail']));
      expect(model.events).toEqual([]);
    } finally {
      vi.stubEnv('AWS_ENDPOINT_URL_ATHENA', server.url);
      await quiet.close();
    }
  });
});

describe('the same Athena table given twice (2026-11-26 review)', () => {
  it('runs its query once, with a note naming the source left out', async () => {
    const before = server.queries.length;
    const notes: string[] = [];
    const { model } = await runReport(options(['athena://cloudtrail.org_trail', 'athena://CloudTrail.Org_Trail'], { onNote: (line) => notes.push(line) }));
    expect(server.queries.length - before).toBe(1);
    expect(model.sources.map((s) => s.label)).toEqual(['athena://cloudtrail.org_trail']);
    expect(notes).toEqual(['--source athena://CloudTrail.Org_Trail is left out: it is the same table as --source athena://cloudtrail.org_trail, whose query reads it']);
  });
});

describe('coverage of a report read through Athena, in its own units (2026-11-26 review)', () => {
  // An Athena table gives rows, not files: the partitions that returned a row were counted as an
  // account's "log files", added to the files read in a run with files too, and a run through
  // Athena alone said "0 log files read", as if nothing had been read.
  const cliArgs = (sources: string[], out: string, ...more: string[]) => [
    'report', ...sources.flatMap((s) => ['--source', s]), '--period', '2026-10', '--accounts-file', 'fixtures/accounts.json', '--no-organization',
    '--generated-at', '2026-11-01T06:00:00Z', '--out', out, ...more,
  ];
  const readModel = async (out: string) => JSON.parse(await readFile(path.join(out, 'iot-audit-2026-10.json'), 'utf8')) as ReportModel;
  const counts = (model: ReportModel) => model.coverage.perAccount.map((a) => [a.accountId, a.files, a.athenaPartitions]);
  // The fixture organization's IoT rows of the delivery days: 637 rows (634 of October) from 61 account/region/day partitions.
  const athenaRead = { partitions: 61, rowsRead: 637, dataScannedBytes: 123_456_789 };

  it('a run through Athena alone says what Athena returned, never "0 log files read", on the terminal, in --json, the JSON, the Markdown and the header', async () => {
    const out = await mkdtemp(path.join(os.tmpdir(), 'athena-coverage-'));
    try {
      const run = await runBin(cliArgs(['athena://cloudtrail.org_trail'], out, '--format', 'json,md'));
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toContain("\n  Athena: 637 IoT rows from 61 partitions (123.5 MB scanned), 0 accounts without logs, 1 not read, 1 not in the organization's list\n");
      expect(run.stdout).not.toMatch(/log files? read/);

      const model = await readModel(out);
      expect(model.coverage).toMatchObject({ filesRead: 0, athena: athenaRead, accountsWithoutLogs: [], accountsNotRead: ['161803398874'] });
      expect(counts(model)).toEqual([
        ['141421356237', 0, 1],
        ['161803398874', 0, 0],
        ['271828182845', 0, 16],
        ['314159265358', 0, 43],
        ['577215664901', 0, 1],
      ]);
      // An account seen through Athena only has logs: never one "without logs".
      expect(model.accounts.filter((a) => a.hasLogs).map((a) => a.id)).toEqual(['141421356237', '271828182845', '314159265358', '577215664901']);

      const md = await readFile(path.join(out, 'iot-audit-2026-10.md'), 'utf8');
      expect(md).toContain("\n**Coverage:** Athena: 637 IoT rows from 61 partitions (123.5 MB scanned), 5 accounts (1 not in the organization's list), **1 account not read**  \n");
      const { buildView } = await import('../../src/render/view.js');
      const view = buildView(model, { media: 'screen', paper: 'a4' });
      expect(view.header.completeness.map((r) => r.label)).not.toContain('Log files read');
      expect(view.header.completeness).toContainEqual({ label: 'Read through Athena', value: '637 IoT rows from 61 partitions (123.5 MB scanned)', warn: false });
      expect(view.coverage.perAccountHeads.title).toBe('Athena partitions by account');
      expect(view.coverage.counts.map((c) => c.label)).not.toContain('Log files read');

      const json = await runBin(cliArgs(['athena://cloudtrail.org_trail'], out, '--format', 'json', '--json'));
      expect(json.code, json.stderr).toBe(0);
      expect((JSON.parse(json.stdout) as { coverage: object }).coverage).toMatchObject({ filesRead: 0, athena: athenaRead, accountsWithoutLogs: [] });
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });

  it('a run with log files and an Athena table counts the files read as files and the partitions apart', async () => {
    const files = (await runReport(options([TREE]))).model;
    const athena = (await runReport(options(['athena://cloudtrail.org_trail']))).model;
    const out = await mkdtemp(path.join(os.tmpdir(), 'athena-coverage-'));
    try {
      const run = await runBin(cliArgs([TREE, 'athena://cloudtrail.org_trail'], out, '--format', 'json'));
      expect(run.code, run.stderr).toBe(0);
      const mixed = await readModel(out);
      // Per account and region: the files of the files-only run, the partitions of the Athena-only run (iot-prod: 125 files, 43 partitions; it said 168 files).
      expect(mixed.coverage.perAccount.find((a) => a.accountId === '314159265358')).toMatchObject({ files: 125, athenaPartitions: 43 });
      expect(counts(mixed)).toEqual(counts(files).map(([id, n], i) => [id, n, counts(athena)[i]![2]]));
      expect(mixed.coverage).toMatchObject({ filesRead: files.coverage.filesRead, bytesRead: files.coverage.bytesRead, recordsRead: files.coverage.recordsRead, athena: athenaRead });
      const regions = (m: ReportModel) => m.coverage.perAccount.flatMap((a) => a.regions.map((r) => [a.accountId, r.region, r.files, r.athenaPartitions]));
      expect(regions(mixed)).toEqual(regions(files).map(([id, region, n], i) => [id, region, n, regions(athena)[i]![3]]));
      expect(run.stdout).toContain("\n  178 log files read, 3 unreadable, Athena: 637 IoT rows from 61 partitions (123.5 MB scanned), 0 accounts without logs, 1 not read, 1 not in the organization's list\n");
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });
});
