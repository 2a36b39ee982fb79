// AWS endpoints that accept the connection and never answer (a black-holed connection, a hung
// front end): each SDK attempt must fail after the client's timeout so the existing error paths
// apply, instead of the run hanging forever (requestTimeout alone only logs a warning in
// @smithy/node-http-handler). The clients take a short `timeoutMs` here so this runs in seconds.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createOrganizationsClient } from '../../src/accounts/organizations.js';
import { resolveAccounts } from '../../src/accounts/resolve.js';
import { resolvePeriod } from '../../src/collect/period.js';
import { SourceError } from '../../src/errors.js';
import { cloudTrailKeyProvider } from '../../src/integrity/aws-keys.js';
import { createAthenaClient } from '../../src/sources/athena/client.js';
import { runAthenaCollection } from '../../src/sources/athena/collect.js';
import { stubLoopbackAwsEnv } from '../helpers/aws-env.js';

const TIMEOUT_MS = 300;
// Two attempts of 300 ms and the SDK's backoff between them: well under this.
const LIMIT_MS = 8_000;

let server: http.Server;
let url = '';
let received = 0;
beforeAll(async () => {
  server = http.createServer(() => {
    received += 1;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  received = 0;
  stubLoopbackAwsEnv({ AWS_REGION: 'eu-west-1' });
});
afterEach(() => {
  vi.unstubAllEnvs();
});

async function timed<T>(run: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = Date.now();
  const value = await run();
  return { value, ms: Date.now() - started };
}

describe('an AWS endpoint that accepts the connection and never answers', () => {
  it('Organizations: each attempt times out and the accounts fall back, with the reason in the note', async () => {
    vi.stubEnv('AWS_ENDPOINT_URL_ORGANIZATIONS', url);
    const client = await createOrganizationsClient({ timeoutMs: TIMEOUT_MS });
    try {
      const { value: resolved, ms } = await timed(() => resolveAccounts({ organizations: 'on', client }));
      expect(ms).toBeLessThan(LIMIT_MS);
      expect(resolved.from).toBe('logs');
      expect(resolved.accounts).toEqual([]);
      expect(resolved.note).toMatch(/^AWS Organizations not readable \(TimeoutError: a request has exceeded the configured \d+ ms requestTimeout\.?\); only the account ids seen in the logs are known/);
      // Both attempts (AWS_MAX_ATTEMPTS=2) reached the server.
      expect(received).toBe(2);
    } finally {
      client.destroy();
    }
  }, 20_000);

  it('Athena: the collection fails with one line (exit 3) instead of hanging', async () => {
    vi.stubEnv('AWS_ENDPOINT_URL_ATHENA', url);
    const client = await createAthenaClient({ timeoutMs: TIMEOUT_MS });
    try {
      const period = resolvePeriod({ period: '2026-10', tz: 'UTC' }, new Date('2026-11-15T00:00:00Z'));
      const { value: error, ms } = await timed(() =>
        runAthenaCollection({ url: 'athena://cloudtrail.org_trail', period, lateDays: 1, client, poll: { initialMs: 5, maxMs: 20 } }).then(
          () => null,
          (e: unknown) => e,
        ),
      );
      expect(ms).toBeLessThan(LIMIT_MS);
      expect(error).toBeInstanceOf(SourceError);
      expect((error as SourceError).exitCode).toBe(3);
      expect((error as Error).message).toMatch(/^Athena GetTableMetadata: TimeoutError: .*exceeded the configured \d+ ms requestTimeout/);
      expect((error as Error).message).not.toMatch(/\n/);
      expect(received).toBe(2);
    } finally {
      client.destroy();
    }
  }, 20_000);

  it('CloudTrail ListPublicKeys: the provider fails with its source error instead of hanging', async () => {
    vi.stubEnv('AWS_ENDPOINT_URL_CLOUDTRAIL', url);
    const provider = cloudTrailKeyProvider({
      start: new Date('2026-10-01T00:00:00Z'),
      end: new Date('2026-11-01T00:00:00Z'),
      now: new Date('2026-12-01T00:00:00Z'),
      timeoutMs: TIMEOUT_MS,
    });
    const { value: error, ms } = await timed(() => provider(['us-east-1']).then(() => null, (e: unknown) => e));
    expect(ms).toBeLessThan(LIMIT_MS);
    expect(error).toBeInstanceOf(SourceError);
    expect((error as Error).message).toMatch(
      /^CloudTrail ListPublicKeys in us-east-1 failed \(TimeoutError: .*exceeded the configured \d+ ms requestTimeout.*\): CloudTrail did not answer in time: .*--public-keys FILE/,
    );
    expect(received).toBe(2);
  }, 20_000);
});
