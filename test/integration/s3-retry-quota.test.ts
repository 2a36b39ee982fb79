/**
 * The S3 client's shared retry quota (`AttemptsRetryStrategy`: 500 tokens, 14 a retry after an
 * error other than throttling) once a burst has emptied it: a read it gives up says so; a second
 * read (`S3Store.readAgain`, after the other files) and a listing page get their attempts whatever
 * the quota has left. Before, both failed at their first error, and a month listing given up that
 * way lost every log file of an account's region for the month.
 */
import { describe, expect, it } from 'vitest';
import { AttemptsRetryStrategy, createS3Client } from '../../src/sources/s3-client.js';
import { S3Store } from '../../src/sources/s3.js';
import type { FaultAction } from '../helpers/fault-proxy.js';
import { s3BehindProxy } from '../helpers/s3-behind-proxy.js';
import { rejection } from '../helpers/s3-rejection.js';

const BUCKET = 'quota-bucket';
const KEYS = ['logs/a.json.gz', 'logs/b.json.gz', 'logs/c.json.gz'];
const INTERNAL_ERROR: FaultAction = { kind: 'error', status: 500, code: 'InternalError', message: 'We encountered an internal error. Please try again.' };

const proxy = s3BehindProxy(
  async (server) => {
    await server.createBucket(BUCKET);
    for (const key of KEYS) await server.putObject(BUCKET, key, key);
  },
  { IOT_AUDIT_S3_RETRY_BACKOFF_MS: '10' },
);

/** Tokens a retry after an error other than throttling takes (`AttemptsRetryStrategy`). */
const RETRY_COST = 14;

/** A store whose client's retry quota is spent but for `retriesLeft` retries, as after a burst of errors on 64 reads in flight. */
async function storeWithQuotaSpent(retriesLeft = 0): Promise<{ store: S3Store; strategy: AttemptsRetryStrategy }> {
  const client = await createS3Client();
  const strategy = (await client.config.retryStrategy()) as AttemptsRetryStrategy;
  expect(strategy).toBeInstanceOf(AttemptsRetryStrategy);
  while (strategy.getCapacity() >= RETRY_COST * (retriesLeft + 1)) {
    await strategy.refreshRetryTokenForRetry(await strategy.acquireInitialRetryToken(), { errorType: 'TRANSIENT' });
  }
  expect(Math.floor(strategy.getCapacity() / RETRY_COST)).toBe(retriesLeft);
  return { store: new S3Store(`s3://${BUCKET}`, client), strategy };
}

describe('with the retry quota spent', () => {
  it('a read given up at its first error says the quota is why, and is marked passing', async () => {
    const { store } = await storeWithQuotaSpent();
    proxy().addRule({ op: 'get', times: 1, action: INTERNAL_ERROR });
    const error = await rejection(store.read(KEYS[0]));
    expect(error).toMatchObject({ fatal: false, transient: true, code: 'InternalError', key: KEYS[0] });
    expect(error.reason).toBe("S3 server error 500 (InternalError); not retried: the client's retry quota had run out");
    expect(proxy().requests.filter((r) => r.op === 'get')).toHaveLength(1);
  });

  it('a read whose retries the quota stopped says so after the attempts it made', async () => {
    const { store } = await storeWithQuotaSpent(1);
    proxy().addRule({ op: 'get', times: 2, action: INTERNAL_ERROR });
    const error = await rejection(store.read(KEYS[0]));
    expect(error.reason).toBe("S3 server error 500 (InternalError) after 2 attempts; no further retry: the client's retry quota had run out");
  });

  it('a second read gets the attempts configured, and spends nothing of the quota', async () => {
    const { store, strategy } = await storeWithQuotaSpent();
    const left = strategy.getCapacity();
    proxy().addRule({ op: 'get', times: 3, action: INTERNAL_ERROR });
    expect((await store.readAgain(KEYS[1])).toString()).toBe(KEYS[1]);
    expect(proxy().requests.filter((r) => r.op === 'get').map((r) => r.fault)).toEqual(['error', 'error', 'error', null]);
    expect(strategy.getCapacity()).toBe(left);
    // A read after it draws on the quota again.
    proxy().addRule({ op: 'get', times: 1, action: INTERNAL_ERROR });
    expect((await rejection(store.read(KEYS[2]))).reason).toMatch(/not retried: the client's retry quota had run out$/);
  });

  it('a listing page gets the attempts configured (it stands for up to 1,000 log files)', async () => {
    const { store } = await storeWithQuotaSpent();
    proxy().addRule({ op: 'list', times: 2, action: INTERNAL_ERROR });
    const listed: string[] = [];
    for await (const object of store.listAfter('logs/', 'logs/')) listed.push(object.key);
    expect(listed).toEqual(KEYS);
    expect(proxy().requests.filter((r) => r.op === 'list').map((r) => r.fault)).toEqual(['error', 'error', null]);
  });
});
