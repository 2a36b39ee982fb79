/**
 * A listing that fails while an S3 source's `AWSLogs/` is looked for (`discoverTrails`). It made
 * the source a plain folder of files: the bucket listed whole (a listing without delimiter) and
 * every log-like key read, other months' and years' included (the fixture bucket: 191 GETs, 12
 * of them outside the period, for one root listing throttled past AWS_MAX_ATTEMPTS). Now a
 * listing of the discovery that fails on something passing (throttled, timed out) is sent once
 * more; one that still fails, or is refused, leaves the source with its problem and no trail
 * folder: the report names it beside the other sources, or the run ends "nothing could be listed"
 * (exit 3) when no source could be listed. The bucket is never listed whole for it.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SourceError } from '../../src/errors.js';
import { runReport } from '../../src/pipeline/report.js';
import { ACCESS_DENIED, SLOW_DOWN, type RecordedRequest } from '../helpers/fault-proxy.js';
import { FIXTURE_TREE, ROOT, reportOptions } from '../helpers/report-options.js';
import { s3BehindProxy } from '../helpers/s3-behind-proxy.js';
import { verifyInProcess } from '../helpers/verify-in-process.js';

const BUCKET = 'acme-iot-org-trail';
// The fixture's trail is under `audit-logs/AWSLogs/`: the root's listing leads to it.
const TRAIL_PREFIX = 'audit-logs/';

// Two attempts per request, and short backoffs (IOT_AUDIT_S3_RETRY_BACKOFF_MS): throttling outlasts the SDK's retries quickly.
const proxy = s3BehindProxy(
  async (server) => {
    await server.uploadTree(BUCKET, FIXTURE_TREE, '', () => undefined);
    // A bucket of loose log files, with a prefix the last test may not list.
    await server.uploadTree('plain-exports', path.join(ROOT, 'fixtures/loose-files'), 'exports/', () => undefined);
    await server.putObject('plain-exports', 'private/readme.txt', 'x');
  },
  { AWS_MAX_ATTEMPTS: '2', IOT_AUDIT_S3_RETRY_BACKOFF_MS: '10' },
);

const requests = (op: RecordedRequest['op']) => proxy().requests.filter((r) => r.op === op);
/** Listings without delimiter from the bucket's root or the trail's prefix: the bucket (or its trail) listed whole, never the way the trail layout lists. */
const listedWhole = () => requests('list').filter((r) => r.delimiter === null && (r.prefix === '' || r.prefix === TRAIL_PREFIX));
/** Objects read outside the period's day folders (October 2026, and its late day 2026-11-01). */
const outsidePeriod = () => requests('get').filter((r) => !/\/2026\/(10\/|11\/01\/)/.test(r.key!));

describe('a listing that fails while AWSLogs/ is looked for on S3', () => {
  it('throttled past the SDK\'s attempts once: listed once more, and read as the trail layout', async () => {
    // The root's delimiter listing is throttled twice: both attempts of the first request.
    proxy().addRule({ op: 'list', match: /^$/, times: 2, action: SLOW_DOWN });
    const { model } = await runReport(reportOptions({ sources: [`s3://${BUCKET}`] }));
    expect(model.sources).toEqual([{ label: `s3://${BUCKET}`, kind: 's3', layout: 'organization', athena: null }]);
    expect(model.coverage.sourceProblems).toEqual([]);
    expect(model.summary.totalEvents).toBe(634);
    expect(listedWhole()).toEqual([]);
    expect(outsidePeriod()).toEqual([]);
    // The first request's two attempts, then the second request's first.
    expect(requests('list').filter((r) => r.prefix === '' && r.delimiter === '/').map((r) => r.fault)).toEqual(['error', 'error', null]);
  });

  it('throttled every time: "nothing could be listed" (exit 3), the bucket neither listed whole nor read', async () => {
    proxy().addRule({ op: 'list', match: /^$/, action: SLOW_DOWN });
    const failure = await runReport(reportOptions({ sources: [`s3://${BUCKET}`] })).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(SourceError);
    expect((failure as SourceError).message).toBe(
      'nothing could be listed: could not list: throttled by S3 (SlowDown) after 2 attempts (/); check the source and your permissions',
    );
    expect(listedWhole()).toEqual([]);
    expect(requests('get')).toEqual([]);
  });

  it('beside a source that could be read: the report names the failure, and reads nothing of that bucket', async () => {
    proxy().addRule({ op: 'list', match: /^$/, action: SLOW_DOWN });
    const { model } = await runReport(reportOptions({ sources: [`s3://${BUCKET}`, FIXTURE_TREE] }));
    expect(model.coverage.sourceProblems).toEqual([
      { key: '/', source: `s3://${BUCKET}`, reason: 'could not list: throttled by S3 (SlowDown) after 2 attempts' },
    ]);
    // The local copy's events, each once.
    expect(model.summary.totalEvents).toBe(634);
    expect(model.sources.map((s) => [s.label, s.layout])).toEqual([
      [`s3://${BUCKET}`, 'account'],
      [FIXTURE_TREE, 'organization'],
    ]);
    expect(listedWhole()).toEqual([]);
    expect(requests('get')).toEqual([]);
  });

  it('a folder on the way throttled every time (the root listed): the folder named, the bucket not listed whole', async () => {
    proxy().addRule({ op: 'list', match: new RegExp(`^${TRAIL_PREFIX}$`), action: SLOW_DOWN });
    const failure = await runReport(reportOptions({ sources: [`s3://${BUCKET}`] })).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(SourceError);
    expect((failure as SourceError).message).toMatch(new RegExp(`^nothing could be listed: could not list: throttled by S3 \\(SlowDown\\) after 2 attempts \\(${TRAIL_PREFIX}\\)`));
    expect(listedWhole()).toEqual([]);
    expect(requests('get')).toEqual([]);
  });

  it('the trail\'s own prefix refused (no loose log file anywhere): named, and the bucket neither listed whole nor read (2026-11-26 review)', async () => {
    proxy().addRule({ op: 'list', match: new RegExp(`^${TRAIL_PREFIX}$`), action: ACCESS_DENIED });
    const failure = await runReport(reportOptions({ sources: [`s3://${BUCKET}`] })).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(SourceError);
    expect((failure as SourceError).message).toMatch(/^nothing could be listed: could not list: access denied \(AccessDenied\) \(audit-logs\/\)/);
    expect(requests('list').filter((r) => r.delimiter === null)).toEqual([]);
    expect(requests('get')).toEqual([]);
  });

  it('refused (AccessDenied): not sent again, and the bucket not listed whole', async () => {
    proxy().addRule({ op: 'list', match: /^$/, action: ACCESS_DENIED });
    const failure = await runReport(reportOptions({ sources: [`s3://${BUCKET}`] })).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(SourceError);
    expect((failure as SourceError).message).toBe('nothing could be listed: could not list: access denied (AccessDenied) (/); check the source and your permissions');
    // A 403 is retried neither by the SDK nor by the discovery: one request.
    expect(requests('list')).toHaveLength(1);
    expect(requests('get')).toEqual([]);
  });
});

// A refused prefix may be the trail's own (a policy can refuse its delimiter listing, not a flat
// one): a bucket with any refused listing is never listed whole, even beside loose log files; the
// refusal is named, and the prefix that holds the files is the way to read them (2026-11-26 reviews).
describe('a bucket of loose log files with a prefix it may not list', () => {
  it('is not listed whole: the refusal named (exit 3), and read through the prefix that holds the files', async () => {
    proxy().addRule({ op: 'list', match: /^private\/$/, action: ACCESS_DENIED });
    const failure = await runReport(reportOptions({ sources: ['s3://plain-exports'] })).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(SourceError);
    expect((failure as SourceError).message).toMatch(/^nothing could be listed: could not list: access denied \(AccessDenied\) \(private\/\)/);
    expect(requests('list').filter((r) => r.delimiter === null)).toEqual([]);
    const { model } = await runReport(reportOptions({ sources: ['s3://plain-exports/exports'] }));
    expect(model.summary.totalEvents).toBeGreaterThan(0);
    expect(model.sources.map((s) => s.layout)).toEqual(['files']);
  });
});

// The integrity check lists through its own Lister: a throttled listing is sent once more there
// too, as in the report's discovery (it lost the bucket: exit 3; 2026-11-26 re-read).
describe('verify over a bucket whose root listing is throttled past the SDK\'s attempts once', () => {
  it('lists it once more and checks the trail', async () => {
    proxy().addRule({ op: 'list', match: /^$/, times: 2, action: SLOW_DOWN });
    const run = await verifyInProcess(['--source', `s3://${BUCKET}`, '--period', '2026-10', '--public-keys', path.join(ROOT, 'fixtures/public-keys.json'), '--json']);
    // Exit 1: the fixture's own integrity problems, checked; not 3 (nothing listed).
    expect(run.code).toBe(1);
    expect(run.stdout).not.toContain('could not list');
  });
});
