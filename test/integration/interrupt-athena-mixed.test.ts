/**
 * Ctrl-C once an Athena query is over, while the files of another source are read: exit 130 at
 * once and nothing written. The signal handler waited for a query's stop only, so the read went
 * on and the report was written with exit 0 (2026-11-26 review).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAthenaServer, type AthenaServer } from '../helpers/athena-server.js';
import { startFaultProxy, type FaultProxy } from '../helpers/fault-proxy.js';
import { s3ClientEnv, startS3Server, type S3TestServer } from '../helpers/s3-server.js';
import { FIXTURE_TREE, ROOT } from '../helpers/report-options.js';

const BUCKET = 'acme-iot-org-trail';
let s3: S3TestServer;
let proxy: FaultProxy;
let athena: AthenaServer;

beforeAll(async () => {
  s3 = await startS3Server();
  await s3.uploadTree(BUCKET, FIXTURE_TREE, '', () => undefined);
  proxy = await startFaultProxy(s3.endpoint);
  athena = await startAthenaServer({ rows: [], pollsUntilDone: 1 });
}, 120_000);
afterAll(async () => {
  await proxy?.close();
  await s3?.stop();
  await athena?.close();
});

describe('Ctrl-C with an athena:// source beside an S3 source', () => {
  it('stops the S3 read at once and writes no report', async () => {
    // Every object read takes 2 s: the whole read is ~6 s at --concurrency 64.
    proxy.addRule({ op: 'get', action: { kind: 'delay', ms: 2000 } });
    const out = mkdtempSync(path.join(os.tmpdir(), 'iot-audit-ctrlc-mixed-'));
    const child = spawn(
      process.execPath,
      ['bin/run.js', 'report', '--source', 'athena://cloudtrail.org_trail', '--source', `s3://${BUCKET}`, '--period', '2026-10',
        '--accounts-file', 'fixtures/accounts.json', '--no-organization', '--format', 'json', '--out', out, '--threads', '0'],
      {
        cwd: ROOT,
        env: { ...process.env, ...s3ClientEnv(proxy.endpoint), AWS_ENDPOINT_URL_ATHENA: athena.url, CI: 'true', NODE_ENV: 'production', NO_COLOR: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    child.stderr.resume();
    let sentAt = 0;
    const poll = setInterval(() => {
      if (sentAt === 0 && proxy.requests.some((r) => r.op === 'get')) {
        sentAt = Date.now();
        child.kill('SIGINT');
      }
    }, 5);
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    clearInterval(poll);
    const ms = Date.now() - sentAt;
    const written = existsSync(out) ? readdirSync(out) : [];
    expect(sentAt).toBeGreaterThan(0);
    expect(code).toBe(130);
    expect(written.filter((f) => f.endsWith('.json'))).toEqual([]);
    expect(ms).toBeLessThan(3000);
  }, 60_000);
});
