/**
 * `max_attempts` in the AWS config file (the active profile's section) sets the S3 client's
 * attempts, as it does for the SDK's own clients: AWS_MAX_ATTEMPTS first, then the config file,
 * then DEFAULT_MAX_ATTEMPTS. Only AWS_MAX_ATTEMPTS was read; the file's setting was left for 6.
 * Counted on a loopback S3 that answers every request 503 SlowDown.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createOrganizationsClient } from '../../src/accounts/organizations.js';
import { createS3Client, DEFAULT_MAX_ATTEMPTS, type S3ClientOptions } from '../../src/sources/s3-client.js';
import { stubLoopbackAwsEnv } from '../helpers/aws-env.js';

let server: http.Server;
let endpoint: string;
let requests = 0;
let dir: string;
let configFile: string;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    requests++;
    req.resume();
    const body = '<?xml version="1.0" encoding="UTF-8"?><Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>';
    res.writeHead(503, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  dir = mkdtempSync(path.join(os.tmpdir(), 'iot-audit-aws-config-'));
  configFile = path.join(dir, 'config');
  // Each profile with its keys: the SDK does not take the environment's with a profile.
  const keys = 'aws_access_key_id = AKIDLOOPBACKTEST\naws_secret_access_key = loopback-test-secret\n';
  writeFileSync(configFile, `[default]\nmax_attempts = 3\n${keys}\n[profile audit]\nmax_attempts = 2\n${keys}\n[profile plain]\n${keys}`);
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

afterEach(() => {
  vi.unstubAllEnvs();
  requests = 0;
});

/**
 * The environment of a run with this config file (its keys, not the environment's) and no
 * AWS_MAX_ATTEMPTS (unless `extra` sets it), retrying without waiting.
 */
function withConfigFile(extra: Record<string, string | undefined> = {}): void {
  stubLoopbackAwsEnv({
    AWS_CONFIG_FILE: configFile,
    AWS_ACCESS_KEY_ID: undefined,
    AWS_SECRET_ACCESS_KEY: undefined,
    AWS_MAX_ATTEMPTS: undefined,
    AWS_REGION: 'us-east-1',
    AWS_ENDPOINT_URL_S3: endpoint,
    IOT_AUDIT_S3_RETRY_BACKOFF_MS: '1',
    ...extra,
  });
}

/** The requests one GET made before the client gave up, and the attempts the client says it has. */
async function attempts(options: S3ClientOptions = {}): Promise<{ requests: number; maxAttempts: number }> {
  const client = await createS3Client(options);
  try {
    await expect(client.send(new GetObjectCommand({ Bucket: 'trail-bucket', Key: 'AWSLogs/x.json.gz' }))).rejects.toMatchObject({ name: 'SlowDown' });
    return { requests, maxAttempts: await client.config.maxAttempts() };
  } finally {
    client.destroy();
  }
}

describe('the S3 client reads max_attempts from the AWS config file', () => {
  it("of the default profile's section", async () => {
    withConfigFile();
    expect(await attempts()).toEqual({ requests: 3, maxAttempts: 3 });
  });

  it("of AWS_PROFILE's section", async () => {
    withConfigFile({ AWS_PROFILE: 'audit' });
    expect(await attempts()).toEqual({ requests: 2, maxAttempts: 2 });
  });

  it("of --profile's section", async () => {
    withConfigFile();
    expect(await attempts({ profile: 'audit' })).toEqual({ requests: 2, maxAttempts: 2 });
  });

  it('after AWS_MAX_ATTEMPTS, which goes first', async () => {
    withConfigFile({ AWS_PROFILE: 'audit', AWS_MAX_ATTEMPTS: '4' });
    expect(await attempts()).toEqual({ requests: 4, maxAttempts: 4 });
  });

  it('and keeps DEFAULT_MAX_ATTEMPTS when neither sets it (or the setting is not a number, as the SDK does)', async () => {
    withConfigFile({ AWS_PROFILE: 'plain' });
    expect(await attempts()).toEqual({ requests: DEFAULT_MAX_ATTEMPTS, maxAttempts: DEFAULT_MAX_ATTEMPTS });
    requests = 0;
    withConfigFile({ AWS_PROFILE: 'plain', AWS_MAX_ATTEMPTS: 'many' });
    expect(await attempts()).toEqual({ requests: DEFAULT_MAX_ATTEMPTS, maxAttempts: DEFAULT_MAX_ATTEMPTS });
  });

  it('under the option, which overrides both', async () => {
    withConfigFile({ AWS_PROFILE: 'audit', AWS_MAX_ATTEMPTS: '4' });
    expect(await attempts({ maxAttempts: 5 })).toEqual({ requests: 5, maxAttempts: 5 });
  });
});

describe('the other AWS clients (the SDK reads the setting for them)', () => {
  it("Organizations: the profile's max_attempts, AWS_MAX_ATTEMPTS first", async () => {
    withConfigFile();
    const fromFile = await createOrganizationsClient({ profile: 'audit', region: 'us-east-1' });
    expect(await fromFile.config.maxAttempts()).toBe(2);
    fromFile.destroy();
    withConfigFile({ AWS_MAX_ATTEMPTS: '4' });
    const fromEnv = await createOrganizationsClient({ profile: 'audit', region: 'us-east-1' });
    expect(await fromEnv.config.maxAttempts()).toBe(4);
    fromEnv.destroy();
  });
});
