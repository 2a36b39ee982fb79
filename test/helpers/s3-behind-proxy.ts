import { afterAll, beforeAll, beforeEach, vi } from 'vitest';
import { startFaultProxy, type FaultProxy } from './fault-proxy.js';
import { s3ClientEnv, startS3Server, type S3TestServer } from './s3-server.js';

/**
 * For a test file: a loopback S3 server, filled by `fill`, behind a fault proxy that the AWS SDK
 * is pointed at (with `env` besides); each test starts with no fault rules and no request
 * counts, and both are stopped after the file. Returns the proxy, once started.
 */
export function s3BehindProxy(fill: (server: S3TestServer) => Promise<void>, env: Record<string, string> = {}): () => FaultProxy {
  let server: S3TestServer | undefined;
  let proxy: FaultProxy | undefined;
  beforeAll(async () => {
    server = await startS3Server();
    await fill(server);
    proxy = await startFaultProxy(server.endpoint);
    for (const [k, v] of Object.entries({ ...s3ClientEnv(proxy.endpoint), ...env })) vi.stubEnv(k, v);
  }, 120_000);
  afterAll(async () => {
    vi.unstubAllEnvs();
    await proxy?.close();
    await server?.stop();
  });
  beforeEach(() => {
    proxy!.clearRules();
    proxy!.resetCounts();
  });
  return () => proxy!;
}
