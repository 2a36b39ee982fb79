/**
 * Log files encrypted with the trail's KMS key, read by a role the key policy does not allow
 * kms:Decrypt: S3 answers every GetObject 403 AccessDenied, with a message naming kms:Decrypt and
 * the key. The run ended `nothing could be read: could not read: access denied (AccessDenied)
 * (…); check the source and your permissions`, and a refused account's files were named with a
 * bare "access denied" (2026-11-26 review): S3's message was dropped. A refusal is not passing: it
 * is not read a second time.
 */
import { describe, expect, it } from 'vitest';
import { SourceError } from '../../src/errors.js';
import { runReport } from '../../src/pipeline/report.js';
import type { FaultAction } from '../helpers/fault-proxy.js';
import { FIXTURE_TREE, reportOptions } from '../helpers/report-options.js';
import { s3BehindProxy } from '../helpers/s3-behind-proxy.js';

const BUCKET = 'acme-iot-org-trail';
const STAGING = '271828182845';
const KMS_MESSAGE = 'User: arn:aws:sts::314159265358:assumed-role/Auditor/run is not authorized to perform: kms:Decrypt on resource: arn:aws:kms:us-east-1:314159265358:key/7d2c';
const KMS_DENIED: FaultAction = { kind: 'error', status: 403, code: 'AccessDenied', message: KMS_MESSAGE };

const proxy = s3BehindProxy(async (server) => {
  await server.uploadTree(BUCKET, FIXTURE_TREE, '', () => undefined);
});

describe('reads refused by the trail\'s KMS key', () => {
  it('every read: exit 3 with S3\'s message, and the KMS key in the advice', async () => {
    proxy().addRule({ op: 'get', action: KMS_DENIED });
    const failure = await runReport(reportOptions({ sources: [`s3://${BUCKET}`] })).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(SourceError);
    const message = (failure as SourceError).message;
    expect(message.startsWith(`nothing could be read: could not read: access denied (AccessDenied: ${KMS_MESSAGE}) (s3://${BUCKET}/`)).toBe(true);
    expect(message.endsWith("; check the source and your permissions, and the trail's KMS key: allow kms:Decrypt")).toBe(true);
    // Each object asked once: a refusal is neither retried nor read a second time.
    const gets = proxy().requests.filter((r) => r.op === 'get').map((r) => r.key);
    expect(new Set(gets).size).toBe(gets.length);
  });

  it('one account\'s reads: the report names its files with S3\'s message', async () => {
    proxy().addRule({ op: 'get', match: new RegExp(`/${STAGING}/`), action: KMS_DENIED });
    const { model } = await runReport(reportOptions({ sources: [`s3://${BUCKET}`] }));
    const problems = model.coverage.sourceProblems;
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.every((p) => p.key.includes(`/${STAGING}/`))).toBe(true);
    expect(new Set(problems.map((p) => p.reason))).toEqual(new Set([`could not read: access denied (AccessDenied: ${KMS_MESSAGE})`]));
  });

  it('a refusal that does not mention KMS keeps the advice as it was', async () => {
    proxy().addRule({ op: 'get', action: { kind: 'error', status: 403, code: 'AccessDenied', message: 'Access Denied' } });
    const failure = await runReport(reportOptions({ sources: [`s3://${BUCKET}`] })).catch((error: unknown) => error);
    expect((failure as SourceError).message).toMatch(/^nothing could be read: could not read: access denied \(AccessDenied\) \(s3:\/\/.+\); check the source and your permissions$/);
  });
});
