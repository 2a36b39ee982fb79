/**
 * One short burst of errors on the reads, with the default retry settings (6 attempts). The S3
 * client's retry quota (500 tokens, 14 a retry after an error other than throttling) allows ~35
 * such retries: with 64 reads in flight, a burst on the first 64 reads emptied it, and most of them
 * were given up after their first attempt and named "could not read", exit 0 (24 to 28 of the
 * fixture's 178 log files, in standard and in adaptive mode alike; 2026-11-26 review). A read that
 * failed on something passing is now read a second time once the others are, a few at once, with
 * retries outside the quota; only then is it named. An endpoint that still fails ends that after
 * one round of them, and a connection reset is called one, not "timed out (socket hang up)".
 */
import { describe, expect, it, vi } from 'vitest';
import { SourceError } from '../../src/errors.js';
import { runReport } from '../../src/pipeline/report.js';
import type { FaultAction } from '../helpers/fault-proxy.js';
import { FIXTURE_TREE, reportOptions } from '../helpers/report-options.js';
import { s3BehindProxy } from '../helpers/s3-behind-proxy.js';

const BUCKET = 'acme-iot-org-trail';
/** The fixture's log files of the period and its late day, and their events. */
const LOG_FILES = 178;
const EVENTS = 634;
/** Files read a second time at once (`SECOND_READ_ROUND` in collect/run.ts). */
const ROUND = 8;
const INTERNAL_ERROR: FaultAction = { kind: 'error', status: 500, code: 'InternalError', message: 'We encountered an internal error. Please try again.' };
const RESET: FaultAction = { kind: 'reset' };

const proxy = s3BehindProxy(async (server) => {
  await server.uploadTree(BUCKET, FIXTURE_TREE, '', () => undefined);
});

const gets = () => proxy().requests.filter((r) => r.op === 'get');
/** Each key's last request: whether it passed (null) or the fault injected. */
function lastFaultByKey(): Map<string, string | null> {
  const byKey = new Map<string, string | null>();
  for (const r of gets()) byKey.set(r.key!, r.fault);
  return byKey;
}

describe('a burst of errors on the first 64 reads, once each (default retry settings)', () => {
  it.each([
    { name: '500 InternalError', action: INTERNAL_ERROR },
    { name: 'connection reset before any answer', action: RESET },
  ])('$name: every log file read, none named', async ({ action }) => {
    proxy().addRule({ op: 'get', times: 64, action });
    const { model } = await runReport(reportOptions({ sources: [`s3://${BUCKET}`] }));
    expect(model.coverage.sourceProblems).toEqual([]);
    expect(model.coverage.filesRead).toBe(LOG_FILES);
    expect(model.summary.totalEvents).toBe(EVENTS);
    expect(gets().filter((r) => r.fault !== null)).toHaveLength(64);
    // Every file's last request passed; the quota cut most of the burst's reads short: the second reads are theirs.
    const byKey = lastFaultByKey();
    expect(byKey.size).toBe(LOG_FILES);
    expect([...byKey.values()].every((fault) => fault === null)).toBe(true);
  });

  it('AWS_RETRY_MODE=adaptive (the SDK\'s own strategy and quota): every log file read, none named', async () => {
    vi.stubEnv('AWS_RETRY_MODE', 'adaptive');
    try {
      proxy().addRule({ op: 'get', times: 64, action: INTERNAL_ERROR });
      const { model } = await runReport(reportOptions({ sources: [`s3://${BUCKET}`] }));
      expect(model.coverage.sourceProblems).toEqual([]);
      expect(model.summary.totalEvents).toBe(EVENTS);
    } finally {
      vi.stubEnv('AWS_RETRY_MODE', undefined);
    }
  });
});

describe('an endpoint that fails every read', () => {
  it('still fails fast: one round of second reads, then "nothing could be read" (exit 3), calling a reset a reset', async () => {
    proxy().addRule({ op: 'get', action: RESET });
    const started = Date.now();
    const failure = await runReport(reportOptions({ sources: [`s3://${BUCKET}`] })).catch((error: unknown) => error);
    const elapsed = Date.now() - started;
    expect(failure).toBeInstanceOf(SourceError);
    expect((failure as SourceError).message).toMatch(
      /^nothing could be read: could not read: connection reset after 6 attempts \(ECONNRESET: socket hang up\) \(read a second time, after the other files\) \(s3:\/\/acme-iot-org-trail\/.+\); check the source and your permissions$/,
    );
    // The first reads: one each, and the retries the quota allowed (35, and one for each listing's
    // success); then one round of second reads with every attempt (6 each), and no more: not 6 per
    // file (1,068), nor a second round (310).
    expect(gets().length).toBeLessThanOrEqual(LOG_FILES + 40 + ROUND * 6);
    // 0.2 s before the second reads, 1.4 s with them here (the backoff after a reset is 50 ms x 2^retry at most).
    expect(elapsed).toBeLessThan(15_000);
  });
});

describe('one object that always resets the connection', () => {
  it('is named once, a connection reset after its attempts and its second read; the rest is read', async () => {
    proxy().addRule({ op: 'get', match: /20261005T1340Z/, action: RESET });
    const { model } = await runReport(reportOptions({ sources: [`s3://${BUCKET}`] }));
    const problems = model.coverage.sourceProblems;
    expect(problems).toHaveLength(1);
    expect(problems[0].key).toMatch(/20261005T1340Z/);
    expect(problems[0].reason).toBe('could not read: connection reset after 6 attempts (ECONNRESET: socket hang up) (read a second time, after the other files)');
    expect(model.coverage.filesRead).toBe(LOG_FILES - 1);
    // Its first read's 6 attempts, then its second read's 6.
    expect(gets().filter((r) => /20261005T1340Z/.test(r.key!))).toHaveLength(12);
  });
});

describe('at --concurrency 1, one object that always fails beside a burst (2026-11-26 review)', () => {
  it('does not end the second reads: only that object is named (a "round" of one failing file ended them, and 10 good files were lost)', async () => {
    proxy().addRule({ op: 'get', match: /314159265358_CloudTrail_us-east-1_20261001T0005Z/, action: INTERNAL_ERROR });
    proxy().addRule({ op: 'get', match: /\/2026\/10\/2[0-9]\//, times: 80, action: INTERNAL_ERROR });
    const { model } = await runReport(reportOptions({ sources: [`s3://${BUCKET}`], concurrency: 1 }));
    expect(model.coverage.sourceProblems.map((p) => `${p.key} ${p.reason}`)).toEqual([expect.stringMatching(/314159265358_CloudTrail_us-east-1_20261001T0005Z.* could not read: S3 server error 500/)]);
    expect(model.coverage.filesRead).toBe(LOG_FILES - 1);
  }, 120_000);
});
