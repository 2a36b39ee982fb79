import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SourceError } from '../../src/errors.js';
import { collect } from '../../src/collect/run.js';
import { runReport, type ReportOptions } from '../../src/pipeline/report.js';
import { reportOptions } from '../helpers/report-options.js';
import { LocalStore } from '../../src/sources/local.js';
import type { ReportModel } from '../../src/types.js';
import { ACCESS_DENIED, SLOW_DOWN } from '../helpers/fault-proxy.js';
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

/** Counts the delimiter listings the same discovery makes on the local copy. */
class CountingStore extends LocalStore {
  listed: string[] = [];
  override async listChildren(prefix: string) {
    this.listed.push(prefix);
    return super.listChildren(prefix);
  }
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

  it('with --verify, reads each object once (the read hashes the log files) and finds what it finds on disk', async () => {
    const verify = { publicKeysFile: path.join(root, 'fixtures/public-keys.json') };
    const local = await runReport(options([TREE], { verify, threads: 2 }));
    proxy().resetCounts();
    const s3 = await runReport(options([`s3://${BUCKET}`], { verify, threads: 2 }));
    const gets = proxy().requests.filter((r) => r.op === 'get').map((r) => r.key);
    expect(new Set(gets).size).toBe(gets.length);
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
