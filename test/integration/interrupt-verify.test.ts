/**
 * Ctrl-C or SIGTERM during `verify` exits 130, as the README says of every command, and under
 * --json prints the error object a job parses (it printed nothing and exited 143: 2026-11-26
 * review). The check is held mid-way by an S3 endpoint on loopback that never answers.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { s3ClientEnv } from '../helpers/s3-server.js';

const root = path.resolve(import.meta.dirname, '../..');
let server: http.Server;
let endpoint: string;
/** Called on each request the endpoint takes (and never answers). */
let onRequest: () => void = () => {};

beforeAll(async () => {
  server = http.createServer(() => onRequest());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

/** `verify` (the build) of a bucket behind the silent endpoint, sent `signal` once its first request is waiting. */
function interruptVerify(signal: NodeJS.Signals, extra: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/run.js', 'verify', '--source', 's3://held-bucket', '--period', '2026-10', '--public-keys', 'fixtures/public-keys.json', ...extra], {
      cwd: root,
      env: { ...process.env, ...s3ClientEnv(endpoint), CI: 'true', NODE_ENV: 'production', NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    let sent = false;
    onRequest = () => {
      if (sent) return;
      sent = true;
      child.kill(signal);
    };
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('iot-audit verify, interrupted', () => {
  it('under --json, SIGTERM: exit 130 and the error object on stdout', async () => {
    const run = await interruptVerify('SIGTERM', ['--json']);
    expect(run.code, run.stderr).toBe(130);
    expect(JSON.parse(run.stdout)).toEqual({ error: { name: 'Interrupted', message: 'interrupted (SIGTERM): the check did not finish', exitCode: 130 } });
  }, 30_000);

  it('SIGINT without --json: exit 130, nothing printed', async () => {
    const run = await interruptVerify('SIGINT', []);
    expect([run.code, run.stdout, run.stderr]).toEqual([130, '', '']);
  }, 30_000);
});

describe('iot-audit verify, interrupted before the check starts', () => {
  it('while it reads --public-keys (a pipe that gives nothing): exit 130 and the error object under --json', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'verify-fifo-'));
    const fifo = path.join(dir, 'keys.json');
    execFileSync('mkfifo', [fifo]);
    // The writer's open returns once verify has opened the pipe to read it; it then writes nothing.
    const writer = spawn('sh', ['-c', 'exec 3>"$1"; echo opened; exec sleep 60', 'sh', fifo], { stdio: ['ignore', 'pipe', 'ignore'] });
    try {
      const child = spawn(process.execPath, ['bin/run.js', 'verify', '--source', 'fixtures/org-trail', '--period', '2026-10', '--public-keys', fifo, '--json'], {
        cwd: root,
        env: { ...process.env, CI: 'true', NODE_ENV: 'production', NO_COLOR: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString('utf8');
        // Its exit waits for the read of the pipe (a thread blocked in read()) to end: the pipe is closed once it answered.
        if (stdout.includes('Interrupted')) writer.kill('SIGKILL');
      });
      writer.stdout.once('data', () => child.kill('SIGTERM'));
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      expect(code).toBe(130);
      expect(JSON.parse(stdout)).toEqual({ error: { name: 'Interrupted', message: 'interrupted (SIGTERM): the check did not finish', exitCode: 130 } });
    } finally {
      writer.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);
});
