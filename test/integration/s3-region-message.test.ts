/**
 * A bucket in another region than the one the requests are signed for, where S3 answers
 * AuthorizationHeaderMalformed (or PermanentRedirect) and the SDK does not follow it: the run
 * stops (exit 3) saying to pass the bucket's region. It said `pass --region`, which in `report`
 * and `verify` filters the logs' regions; the AWS region is `--aws-region` (or AWS_REGION),
 * which `verify` did not have: it always signed for the SDK's configured region.
 */
import { mkdtempSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { SourceError } from '../../src/errors.js';
import { verifyInProcess } from '../helpers/verify-in-process.js';
import { runReport } from '../../src/pipeline/report.js';
import { classifyS3Error } from '../../src/sources/s3-errors.js';
import { FIXTURE_TREE, ROOT, reportOptions } from '../helpers/report-options.js';
import { runFastCli } from '../helpers/run-cli.js';
import { s3ClientEnv, startS3Server, type S3TestServer } from '../helpers/s3-server.js';

const BUCKET = 'acme-iot-org-trail';
const BUCKET_REGION = 'eu-west-1';
const MESSAGE = `S3 bucket "${BUCKET}" is in another region (AuthorizationHeaderMalformed): pass --aws-region <the bucket's region> (or set AWS_REGION)`;

let s3: S3TestServer;
let gate: http.Server;
let gateUrl = '';
/** The regions the requests that reached the gate were signed for. */
const signedFor: string[] = [];

beforeAll(async () => {
  s3 = await startS3Server();
  await s3.uploadTree(BUCKET, FIXTURE_TREE, '', () => undefined);
  // As S3 answers a request signed for another region than the bucket's: 400 AuthorizationHeaderMalformed, no region header to follow.
  const target = new URL(s3.endpoint);
  gate = http.createServer((req, res) => {
    const region = /Credential=[^/]+\/\d{8}\/([^/]+)\//.exec(String(req.headers.authorization ?? ''))?.[1] ?? '';
    signedFor.push(region);
    if (region !== BUCKET_REGION) {
      const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AuthorizationHeaderMalformed</Code><Message>The authorization header is malformed; the region '${region}' is wrong; expecting '${BUCKET_REGION}'</Message><Region>${BUCKET_REGION}</Region><RequestId>R</RequestId></Error>`;
      req.resume();
      req.on('end', () => {
        res.writeHead(400, { 'content-type': 'application/xml', ...(req.method === 'HEAD' ? {} : { 'content-length': Buffer.byteLength(xml) }) });
        res.end(req.method === 'HEAD' ? undefined : xml);
      });
      return;
    }
    const upstream = http.request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => gate.listen(0, '127.0.0.1', resolve));
  gateUrl = `http://127.0.0.1:${(gate.address() as AddressInfo).port}`;
}, 120_000);
afterAll(async () => {
  gate?.closeAllConnections();
  await new Promise((resolve) => gate?.close(resolve));
  await s3?.stop();
});
afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
  signedFor.length = 0;
  process.exitCode = 0;
});

/** The SDK pointed at the gate, its configured region us-east-1 (not the bucket's). */
function stubS3Env(): Record<string, string> {
  const env = s3ClientEnv(gateUrl);
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
  return env;
}

describe('the message for a bucket in another region', () => {
  it('names --aws-region (or AWS_REGION), never the log filter --region', () => {
    for (const code of ['AuthorizationHeaderMalformed', 'PermanentRedirect']) {
      const { fatal, reason } = classifyS3Error(Object.assign(new Error('wrong region'), { name: code }), { bucket: BUCKET });
      expect(fatal).toBe(true);
      expect(reason).toBe(`S3 bucket "${BUCKET}" is in another region (${code}): pass --aws-region <the bucket's region> (or set AWS_REGION)`);
    }
    expect(classifyS3Error(new Error('Region is missing')).reason).toBe('no AWS region configured: pass --aws-region or set AWS_REGION');
  });

  it('report: exit 3 with it; with --aws-region the bucket\'s region, the report', async () => {
    stubS3Env();
    const failure = await runReport(reportOptions({ sources: [`s3://${BUCKET}`] })).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(SourceError);
    expect((failure as SourceError).message).toBe(`s3://${BUCKET}: ${MESSAGE}`);

    signedFor.length = 0;
    const { model } = await runReport(reportOptions({ sources: [`s3://${BUCKET}`], awsRegion: BUCKET_REGION }));
    expect(model.summary.totalEvents).toBe(634);
    expect(new Set(signedFor)).toEqual(new Set([BUCKET_REGION]));
  });

  it('report from the command line (the fast start, from the sources): exit 3, the message on stderr', async () => {
    const out = mkdtempSync(path.join(os.tmpdir(), 'region-message-'));
    const run = await runFastCli(
      ['--source', `s3://${BUCKET}`, '--period', '2026-10', '--accounts-file', 'fixtures/accounts.json', '--no-organization', '--format', 'json', '--out', out, '--threads', '0'],
      s3ClientEnv(gateUrl),
    );
    expect(run.code).toBe(3);
    expect(run.stderr).toContain(MESSAGE);
    expect(run.stderr).not.toMatch(/pass --region /);
  });
});

const verify = verifyInProcess;

describe('verify --aws-region', () => {
  const args = ['--source', `s3://${BUCKET}`, '--period', '2026-10', '--public-keys', path.join(ROOT, 'fixtures/public-keys.json'), '--json'];

  it('without it: exit 3, saying to pass it', async () => {
    stubS3Env();
    const run = await verify(args);
    expect(run.code).toBe(3);
    expect(JSON.parse(run.stdout)).toEqual({ error: { name: 'SourceError', message: `s3://${BUCKET}: ${MESSAGE}`, exitCode: 3 } });
  });

  it('with the bucket\'s region: every request signed for it, the chains checked', async () => {
    stubS3Env();
    const run = await verify([...args, '--aws-region', BUCKET_REGION]);
    expect(run.stderr).not.toMatch(/another region|Nonexistent flag/);
    // A check that ran (exit 0 or 1: this copy's digests carry no signature in their S3 metadata).
    expect([0, 1]).toContain(run.code);
    const result = JSON.parse(run.stdout) as { chains: unknown[] };
    expect(result.chains.length).toBeGreaterThan(0);
    expect(new Set(signedFor)).toEqual(new Set([BUCKET_REGION]));
  });
});
