/**
 * A burst of 503 SlowDown on the reads, with the default retry settings (DEFAULT_MAX_ATTEMPTS = 6).
 * The SDK's standard retry strategy takes 5 tokens a throttled retry from a quota of 500 shared
 * by the client: 64 reads throttled at once drained it within a few rounds, after which every
 * SlowDown failed at once, and most objects were given up after 2 attempts of the 6 configured
 * ("could not read: throttled by S3 (SlowDown) after 2 attempts"). `AttemptsRetryStrategy` makes
 * each attempt on throttling, with the standard backoff (shortened here with
 * IOT_AUDIT_S3_RETRY_BACKOFF_MS, so the test is quick).
 */
import { describe, expect, it, vi } from 'vitest';
import { runReport } from '../../src/pipeline/report.js';
import { AttemptsRetryStrategy, createS3Client, DEFAULT_MAX_ATTEMPTS } from '../../src/sources/s3-client.js';
import { SLOW_DOWN } from '../helpers/fault-proxy.js';
import { FIXTURE_TREE, reportOptions } from '../helpers/report-options.js';
import { s3BehindProxy } from '../helpers/s3-behind-proxy.js';

const BUCKET = 'acme-iot-org-trail';
const proxy = s3BehindProxy(
  async (server) => {
    await server.uploadTree(BUCKET, FIXTURE_TREE, '', () => undefined);
  },
  // A tenth of the backoff: the listing still feeds the readers (64 at once) while the first ones back off.
  { IOT_AUDIT_S3_RETRY_BACKOFF_MS: '100' },
);

describe('a burst of 503 SlowDown on the reads, default retry settings', () => {
  it('is ridden out: every object read, none given up before its sixth attempt', async () => {
    vi.stubEnv('AWS_MAX_ATTEMPTS', undefined);
    // 128 SlowDowns in a row, on the 64 reads in flight (--concurrency 64): about 2 each.
    // The SDK's quota allowed 100 throttled retries: past them every read failed at its first
    // SlowDown (26 objects given up, after 2 to 4 attempts).
    proxy().addRule({ op: 'get', times: 128, action: SLOW_DOWN });
    const { model } = await runReport(reportOptions({ sources: [`s3://${BUCKET}`] }));
    const gets = proxy().requests.filter((r) => r.op === 'get');
    expect(gets.filter((r) => r.fault === 'error')).toHaveLength(128);
    const attempts = new Map<string, number>();
    for (const r of gets) attempts.set(r.key!, (attempts.get(r.key!) ?? 0) + 1);
    const givenUp = model.coverage.sourceProblems.filter((p) => /throttled/.test(p.reason));
    // Only after the sixth attempt, whatever the luck of the draw (none in 40 runs).
    for (const p of givenUp) expect(p.reason).toBe(`could not read: throttled by S3 (SlowDown) after ${DEFAULT_MAX_ATTEMPTS} attempts`);
    expect(givenUp).toEqual([]);
    expect(model.summary.totalEvents).toBe(634);
    expect(Math.max(...attempts.values())).toBeLessThanOrEqual(DEFAULT_MAX_ATTEMPTS);
  });
});

describe('AttemptsRetryStrategy', () => {
  const throttling = { errorType: 'THROTTLING' as const };
  const transient = { errorType: 'TRANSIENT' as const };

  it('retries throttling up to the attempts configured, however many requests are throttled at once', async () => {
    const strategy = new AttemptsRetryStrategy(() => Promise.resolve(6), 0);
    // 200 requests, each throttled 5 times: 1,000 retries, past the SDK's quota of 500 tokens many times over.
    const tokens = await Promise.all(Array.from({ length: 200 }, () => strategy.acquireInitialRetryToken()));
    for (let retry = 1; retry <= 5; retry++) {
      for (const [i, token] of tokens.entries()) tokens[i] = await strategy.refreshRetryTokenForRetry(token, throttling);
    }
    expect(tokens.map((t) => t.getRetryCount())).toEqual(Array(200).fill(5));
    // The sixth attempt was the last.
    await expect(strategy.refreshRetryTokenForRetry(tokens[0], throttling)).rejects.toThrow(/no attempt left/);
  });

  it('keeps the quota for other errors (timeouts, resets, 5xx): 14 tokens a retry, given back on success', async () => {
    const strategy = new AttemptsRetryStrategy(() => Promise.resolve(6), 0);
    const retried = [];
    for (let i = 0; i < 35; i++) retried.push(await strategy.refreshRetryTokenForRetry(await strategy.acquireInitialRetryToken(), transient));
    expect(strategy.getCapacity()).toBe(500 - 35 * 14);
    await expect(strategy.refreshRetryTokenForRetry(await strategy.acquireInitialRetryToken(), transient)).rejects.toThrow(/quota/);
    strategy.recordSuccess(retried[0]);
    expect(strategy.getCapacity()).toBe(500 - 34 * 14);
    await expect(strategy.refreshRetryTokenForRetry(await strategy.acquireInitialRetryToken(), { errorType: 'CLIENT_ERROR' })).rejects.toThrow(/not a retryable/);
    // Throttling is retried with the quota spent: SlowDown, and any 503 (ServiceUnavailable, which the SDK calls TRANSIENT).
    const unavailable = { name: 'ServiceUnavailable', message: 'Reduce your request rate.', $metadata: { httpStatusCode: 503 } };
    for (let i = 0; i < 3; i++) {
      await strategy.refreshRetryTokenForRetry(await strategy.acquireInitialRetryToken(), throttling);
      await strategy.refreshRetryTokenForRetry(await strategy.acquireInitialRetryToken(), { errorType: 'TRANSIENT', error: unavailable });
    }
    expect(strategy.getCapacity()).toBe(500 - 34 * 14);
  });

  it('backs off with jitter: a random wait below base x 2^retry (1 s base after throttling), Retry-After honoured', async () => {
    const strategy = new AttemptsRetryStrategy(() => Promise.resolve(6));
    let token = await strategy.acquireInitialRetryToken();
    const delays: number[] = [];
    for (let retry = 0; retry < 5; retry++) {
      token = await strategy.refreshRetryTokenForRetry(token, throttling);
      delays.push(token.getRetryDelay());
    }
    delays.forEach((delay, retry) => expect(delay).toBeLessThan(1_000 * 2 ** retry));
    const hinted = await strategy.refreshRetryTokenForRetry(await strategy.acquireInitialRetryToken(), { ...throttling, retryAfterHint: new Date(Date.now() + 3_000) });
    expect(hinted.getRetryDelay()).toBeGreaterThan(1_000);
  });

  it('is the S3 client\'s in standard mode, with the client\'s attempts; adaptive mode keeps the SDK\'s own', async () => {
    vi.stubEnv('AWS_MAX_ATTEMPTS', '3');
    const standard = await createS3Client();
    const strategy = await standard.config.retryStrategy();
    expect(strategy).toBeInstanceOf(AttemptsRetryStrategy);
    let token = await (strategy as AttemptsRetryStrategy).acquireInitialRetryToken();
    token = await (strategy as AttemptsRetryStrategy).refreshRetryTokenForRetry(token, { errorType: 'THROTTLING' });
    token = await (strategy as AttemptsRetryStrategy).refreshRetryTokenForRetry(token, { errorType: 'THROTTLING' });
    await expect((strategy as AttemptsRetryStrategy).refreshRetryTokenForRetry(token, { errorType: 'THROTTLING' })).rejects.toThrow(/no attempt left/);
    standard.destroy();
    vi.stubEnv('AWS_RETRY_MODE', 'adaptive');
    const adaptive = await createS3Client();
    expect(await adaptive.config.retryStrategy()).not.toBeInstanceOf(AttemptsRetryStrategy);
    adaptive.destroy();
    expect(await (await createS3Client({ retryMode: 'standard' })).config.retryStrategy()).toBeInstanceOf(AttemptsRetryStrategy);
    vi.stubEnv('AWS_RETRY_MODE', undefined);
    vi.stubEnv('AWS_MAX_ATTEMPTS', undefined);
  });
});
