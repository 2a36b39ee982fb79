import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SourceError } from '../../src/errors.js';
import { collect } from '../../src/collect/run.js';
import type { PeriodInput } from '../../src/collect/period.js';
import { runReport, type ReportOptions } from '../../src/pipeline/report.js';
import { reportOptions } from '../helpers/report-options.js';
import type { ReportModel } from '../../src/types.js';
import { CountingStore } from '../helpers/counting-store.js';
import { ACCESS_DENIED, SLOW_DOWN, type RecordedRequest } from '../helpers/fault-proxy.js';
import { s3BehindProxy } from '../helpers/s3-behind-proxy.js';

const root = path.resolve(import.meta.dirname, '../..');
const TREE = path.join(root, 'fixtures/org-trail');
const BUCKET = 'acme-iot-org-trail';
const PROD = '314159265358';

const options = (sources: string[], overrides: Partial<ReportOptions> = {}) => reportOptions({ sources, ...overrides });

/** The model with where-it-was-read-from taken out: what must not depend on the source. */
function comparable(model: ReportModel): unknown {
  const text = JSON.stringify({ ...model, sources: [] })
    .replaceAll(`s3://${BUCKET}/`, 'SRC/')
    .replaceAll(`${TREE}/`, 'SRC/')
    .replaceAll(`"source":"s3://${BUCKET}"`, '"source":"SRC"')
    .replaceAll(`"source":"${TREE}"`, '"source":"SRC"');
  return JSON.parse(text);
}

/** Objects in the fixture's day folders, read from disk: `<acct>/CloudTrail/<region>/` folder, UTC day, key. */
const DAY_OBJECT = /^(.+\/CloudTrail\/[a-z0-9-]+\/)(\d{4})\/(\d{2})\/(\d{2})\/[^/]+$/;
const dayObjects = (readdirSync(TREE, { recursive: true }) as string[]).flatMap((file) => {
  const key = file.split(path.sep).join('/');
  const m = DAY_OBJECT.exec(key);
  return m ? [{ trail: m[1], day: `${m[2]}-${m[3]}-${m[4]}`, key }] : [];
});
const trailFolders = [...new Set(dayObjects.map((o) => o.trail))].sort();
const dayFolder = (trail: string, day: string) => `${trail}${day.replaceAll('-', '/')}/`;

/** The UTC days from `first` to `last`, both included. */
function daysFromTo(first: string, last: string): string[] {
  const days: string[] = [];
  for (let t = Date.parse(`${first}T00:00:00Z`); t <= Date.parse(`${last}T00:00:00Z`); t += 86_400_000) days.push(new Date(t).toISOString().slice(0, 10));
  return days;
}

/**
 * Whether a listing request returns the objects of a day folder: a delimiter listing of that folder,
 * or a listing without delimiter of a folder above it that starts before it (one page: no continuation).
 */
function listsDay(r: RecordedRequest, folder: string): boolean {
  if (r.delimiter !== null) return r.prefix === folder;
  return folder.startsWith(r.prefix!) && (r.startAfter === null || r.startAfter < folder);
}

// Digest signatures travel as S3 metadata, as CloudTrail writes them; the .sig sidecars are not objects.
const proxy = s3BehindProxy(
  async (server) => {
    await server.uploadTree(BUCKET, TREE, '', (key, file) => {
      if (key.endsWith('.sig')) return undefined;
      try {
        return { signature: readFileSync(`${file}.sig`, 'utf8').trim(), 'signature-algorithm': 'SHA256withRSA' };
      } catch {
        return undefined;
      }
    });
  },
  { AWS_MAX_ATTEMPTS: '4' },
);

describe('report from an S3 bucket', () => {
  it('gives the same report model as the same tree read from disk, listing each trail folder\'s month once from the period\'s first day', async () => {
    const local = await runReport(options([TREE]));
    const s3 = await runReport(options([`s3://${BUCKET}`]));
    expect(s3.model.sources).toEqual([{ label: `s3://${BUCKET}`, kind: 's3', layout: 'organization', athena: null }]);
    expect(s3.model.summary.totalEvents).toBe(634);
    expect(comparable(s3.model)).toEqual(comparable(local.model));

    const lists = proxy().requests.filter((r) => r.op === 'list');
    // Delimiter listings find the trail folders; then each trail folder's month is listed once in
    // key order, from the first wanted day's folder (the bucket is never listed whole).
    const discovery = lists.filter((r) => r.delimiter === '/');
    const months = lists.filter((r) => r.delimiter === null);
    expect(discovery.every((r) => r.startAfter === null && !/\/CloudTrail\/[^/]+\/\d{4}\//.test(r.prefix!))).toBe(true);
    expect(months.length).toBeGreaterThan(0);
    for (const r of months) {
      const m = /\/CloudTrail\/[a-z0-9-]+\/(\d{4})\/(\d{2})\/$/.exec(r.prefix!);
      expect(m, `month listing ${r.prefix}`).not.toBeNull();
      const month = `${m![1]}-${m![2]}`;
      expect(['2026-10', '2026-11']).toContain(month);
      // October from its 1st, November for its 1st alone (the late day); one page each here.
      expect(r.startAfter).toBe(`${r.prefix}01`);
      expect(r.continuation).toBe(false);
    }
    // The same discovery on the local copy, which lists day folder by day folder: every trail
    // folder there has the month listing here (twice: October and the late day's November),
    // and the day folders' listings are gone.
    const counting = new CountingStore(TREE);
    await collect({ stores: [counting], period: local.model.period, lateDays: 1, concurrency: 4 });
    const localDays = counting.listed.filter((p) => /\/\d{4}\/\d{2}\/\d{2}\/$/.test(p));
    const localMonths = counting.listed.filter((p) => /\/\d{4}\/\d{2}\/$/.test(p));
    expect(discovery.length).toBe(counting.listed.length - localDays.length - localMonths.length);
    expect(new Set(months.map((r) => r.prefix))).toEqual(new Set(localMonths));
    expect(lists.length).toBeLessThan(counting.listed.length / 3);
    // No digest, insight or other-service folders are listed below an account.
    expect(lists.some((r) => /CloudTrail-(Digest|Insight)\//.test(r.prefix!))).toBe(false);
    // Each object of the period is read once.
    const gets = proxy().requests.filter((r) => r.op === 'get').map((r) => r.key);
    expect(new Set(gets).size).toBe(gets.length);
  });

  // The delivery days a period needs (FORMATS.md 1; `deliveryDays`): its UTC days, and one late day
  // after them (`lateDays: 1`). Written out here, not computed by the code under test.
  it.each<{ name: string; period: PeriodInput; first: string; last: string }>([
    // The late day inside the month, with day folders on both sides of the period in it.
    { name: 'October 3 to 28 (UTC)', period: { from: '2026-10-03', to: '2026-10-28', tz: 'UTC' }, first: '2026-10-03', last: '2026-10-28' },
    // October in New York ends at 04:00 UTC on November 1st: November's 1st is a day of the period, its 2nd the late day, its 3rd not.
    { name: 'October in New York', period: { period: '2026-10', tz: 'America/New_York' }, first: '2026-10-01', last: '2026-11-02' },
  ])('$name: lists each day folder the period needs in one request and no other, and reads only those days', async ({ period, first, last }) => {
    await runReport(options([`s3://${BUCKET}`], { period }));
    const needed = new Set(daysFromTo(first, last));
    const lists = proxy().requests.filter((r) => r.op === 'list');
    // Each trail folder's month is one page here: every request's range is known from the request.
    expect(lists.filter((r) => r.continuation)).toEqual([]);
    // No listing request made twice.
    const asked = lists.map((r) => `${r.prefix}|${r.delimiter}|${r.startAfter}`);
    expect(asked.length).toBe(new Set(asked).size);
    // Below a trail folder, one listing per month of the needed days: its folder, from its first needed day's.
    const firstOfMonth = new Map<string, string>();
    for (const day of needed) if (!firstOfMonth.has(day.slice(0, 7))) firstOfMonth.set(day.slice(0, 7), day);
    const belowTrail = lists.filter((r) => trailFolders.some((t) => r.prefix!.startsWith(t) && r.prefix !== t));
    const monthListings = trailFolders.flatMap((t) => [...firstOfMonth.values()].map((day) => dayFolder(t, day)));
    expect(belowTrail.map((r) => [r.prefix, r.startAfter, r.delimiter]).sort()).toEqual(monthListings.map((d) => [d.slice(0, -'DD/'.length), d.slice(0, -1), null]).sort());
    // Every day folder of the fixture: a needed one listed by exactly one request; an unneeded one by
    // none, except those after the last needed day in its month, which that month's one listing
    // returns in the page it stops in (S3 lists from a key, to no key).
    const folders = new Map(dayObjects.map((o) => [dayFolder(o.trail, o.day), o.day]));
    for (const [folder, day] of folders) {
      const inLastPage = !needed.has(day) && day > last && day.slice(0, 7) === last.slice(0, 7);
      expect(lists.filter((r) => listsDay(r, folder)).length, folder).toBe(needed.has(day) || inLastPage ? 1 : 0);
    }
    // The fixture has unneeded day folders on both sides of the needed days.
    const unneeded = [...folders.values()].filter((day) => !needed.has(day));
    expect([unneeded.some((day) => day < first), unneeded.some((day) => day > last)]).toEqual([true, true]);
    // The log files of the needed days are read, each once, and nothing else.
    const gets = proxy().requests.filter((r) => r.op === 'get').map((r) => r.key!);
    const logsOfDays = dayObjects.filter((o) => needed.has(o.day) && /\.json(\.gz)?$/.test(o.key)).map((o) => o.key);
    expect(gets.sort()).toEqual(logsOfDays.sort());
  });

  it('with --verify, reads each object once (the read hashes the log files) and lists each prefix once, and finds what it finds on disk', async () => {
    const verify = { publicKeysFile: path.join(root, 'fixtures/public-keys.json') };
    const local = await runReport(options([TREE], { verify, threads: 2 }));
    proxy().resetCounts();
    const s3 = await runReport(options([`s3://${BUCKET}`], { verify, threads: 2 }));
    const gets = proxy().requests.filter((r) => r.op === 'get').map((r) => r.key);
    expect(new Set(gets).size).toBe(gets.length);
    // The check walks the AWSLogs/ levels and account folders the read's discovery listed: with its
    // answers. (It lists each trail folder's month of log files again, to find those no digest covers.)
    const asked = proxy()
      .requests.filter((r) => r.op === 'list' && r.delimiter !== null)
      .map((r) => `${r.prefix}|${r.delimiter}|${r.startAfter}`);
    expect(asked.filter((a, i) => asked.indexOf(a) !== i)).toEqual([]);
    expect(asked.some((a) => a.includes('/CloudTrail-Digest/'))).toBe(true);
    expect(s3.model.integrity!.chains.reduce((n, c) => n + c.logFilesValid, 0)).toBeGreaterThan(10);
    expect(comparable({ ...s3.model, generatedAt: '' } as ReportModel)).toEqual(comparable({ ...local.model, generatedAt: '' } as ReportModel));
  });

  it('reads through throttling, and names a prefix it may not list and an object it cannot read', async () => {
    proxy().addRule({ op: 'get', times: 5, action: SLOW_DOWN });
    proxy().addRule({ op: 'list', match: new RegExp(`${PROD}/CloudTrail/ap-northeast-1/2026/10/`), action: ACCESS_DENIED });
    proxy().addRule({ op: 'get', match: /20261015T/, action: { kind: 'truncate', fraction: 0.5 } });
    const { model } = await runReport(options([`s3://${BUCKET}`]));
    const problems = model.coverage.sourceProblems;
    expect(problems.some((p) => p.key.includes(`${PROD}/CloudTrail/ap-northeast-1/2026/10/`) && /AccessDenied|Access Denied/.test(p.reason))).toBe(true);
    expect(problems.some((p) => p.key.includes('20261015T') && /could not read/.test(p.reason))).toBe(true);
    // The denied prefix's events are missing, the rest is there; nothing crashed.
    expect(model.events.filter((e) => e.sourceFile.includes(`${PROD}/CloudTrail/ap-northeast-1/2026/10/`))).toEqual([]);
    expect(model.summary.totalEvents).toBeGreaterThan(500);
    expect(model.summary.totalEvents).toBeLessThan(634);
  });

  it('fails with one line and the source exit code when the bucket does not exist', async () => {
    const failure = runReport(options(['s3://no-such-bucket-here']));
    await expect(failure).rejects.toThrow(SourceError);
    await expect(runReport(options(['s3://no-such-bucket-here']))).rejects.toThrow(/no-such-bucket-here/);
  });
});
