// When polling gives up on a running query (GetQueryExecution throttled beyond the SDK's retries,
// refused, or timed out), the query is stopped with StopQueryExecution before the error is thrown:
// left alone it would keep running, and billing, on Athena's side.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { resolvePeriod } from '../../src/collect/period.js';
import { SourceError } from '../../src/errors.js';
import { createAthenaClient } from '../../src/sources/athena/client.js';
import { runAthenaCollection } from '../../src/sources/athena/collect.js';
import { startAthenaServer, type AthenaServer } from '../helpers/athena-server.js';

const period = resolvePeriod({ period: '2026-10', tz: 'UTC' }, new Date('2026-11-15T00:00:00Z'));
const FAST_POLL = { initialMs: 5, maxMs: 20 };
const collect = (client?: Awaited<ReturnType<typeof createAthenaClient>>) =>
  runAthenaCollection({ url: 'athena://cloudtrail.org_trail', period, lateDays: 1, poll: FAST_POLL, ...(client ? { client } : {}) }).then(
    () => null,
    (e: unknown) => e,
  );

let server: AthenaServer | undefined;
let proxy: http.Server | undefined;
afterEach(async () => {
  vi.unstubAllEnvs();
  await server?.close();
  server = undefined;
  proxy?.closeAllConnections();
  await new Promise((resolve) => (proxy ? proxy.close(resolve) : resolve(undefined)));
  proxy = undefined;
});

function env(url: string): void {
  vi.stubEnv('AWS_ENDPOINT_URL_ATHENA', url);
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDLOOPBACKTEST');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'loopback-test-secret');
  vi.stubEnv('AWS_REGION', 'eu-west-1');
  vi.stubEnv('AWS_MAX_ATTEMPTS', '2');
}

/** After the first poll, every GetQueryExecution is throttled, beyond the SDK's two attempts. */
function throttlePolls(s: AthenaServer): void {
  s.inject({ operation: 'GetQueryExecution', type: 'ThrottlingException', message: 'Rate exceeded', when: () => s.calls('GetQueryExecution').length > 1 });
}

describe('Athena polling that gives up on a running query', () => {
  it('stops the query (StopQueryExecution) and says so in the one-line error', async () => {
    server = await startAthenaServer({ neverFinish: true });
    env(server.url);
    throttlePolls(server);
    const error = await collect();
    const id = server.queries[0]?.id;
    expect(id).toBeDefined();
    expect(error).toBeInstanceOf(SourceError);
    expect((error as SourceError).exitCode).toBe(3);
    expect((error as Error).message).toBe(
      `Athena GetQueryExecution: ThrottlingException: Rate exceeded (query ${id}); polling gave up, so the query was stopped (StopQueryExecution sent; Athena charges only the data scanned so far)`,
    );
    expect(server.calls('GetQueryExecution')).toHaveLength(1 + 2);
    expect(server.calls('StopQueryExecution').map((c) => c.body)).toEqual([{ QueryExecutionId: id }]);
  });

  it('names the query and the command to stop it when StopQueryExecution fails too', async () => {
    server = await startAthenaServer({ neverFinish: true });
    env(server.url);
    throttlePolls(server);
    server.inject({ operation: 'StopQueryExecution', type: 'AccessDeniedException', message: 'not authorized to perform: athena:StopQueryExecution' });
    const error = await collect();
    const id = server.queries[0]?.id;
    expect(error).toBeInstanceOf(SourceError);
    const message = (error as Error).message;
    expect(message).toMatch(new RegExp(`^Athena GetQueryExecution: ThrottlingException: Rate exceeded \\(query ${id}\\); polling gave up and stopping the query failed too \\(.*AccessDenied.*\\), so it may still be running and billing: `));
    expect(message).toContain(`\`aws athena stop-query-execution --query-execution-id ${id}\``);
    expect(message).not.toMatch(/\n/);
    // Access denied is not retried: one attempt.
    expect(server.calls('StopQueryExecution')).toHaveLength(1);
  });

  it('stops it too when GetQueryExecution gets no answer at all (each attempt times out)', async () => {
    server = await startAthenaServer({ neverFinish: true });
    const upstream = new URL(server.url);
    let polls = 0;
    // Forwards every request to the Athena server, except the polls after the first: never answered.
    proxy = http.createServer((req, res) => {
      if (req.headers['x-amz-target'] === 'AmazonAthena.GetQueryExecution' && ++polls > 1) return;
      const forward = http.request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      req.pipe(forward);
    });
    await new Promise<void>((resolve) => proxy!.listen(0, '127.0.0.1', resolve));
    env(`http://127.0.0.1:${(proxy.address() as AddressInfo).port}`);
    const client = await createAthenaClient({ timeoutMs: 300 });
    try {
      const started = Date.now();
      const error = await collect(client);
      expect(Date.now() - started).toBeLessThan(8_000);
      const id = server.queries[0]?.id;
      expect((error as Error).message).toMatch(new RegExp(`^Athena GetQueryExecution: TimeoutError: .*\\(query ${id}\\); polling gave up, so the query was stopped`));
      expect(server.calls('StopQueryExecution').map((c) => c.body)).toEqual([{ QueryExecutionId: id }]);
    } finally {
      client.destroy();
    }
  }, 20_000);
});
