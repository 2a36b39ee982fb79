/**
 * How `classifyS3Error` names what the S3 client gave up on (2026-11-26 review): a connection
 * reset was "timed out (socket hang up)" (the SDK's handler names ECONNRESET and EPIPE
 * TimeoutError); a 403 lost S3's own message, so a KMS key policy refusing kms:Decrypt read as a
 * bare "access denied (AccessDenied)".
 */
import { describe, expect, it } from 'vitest';
import { classifyS3Error } from '../../src/sources/s3-errors.js';

/** An error as the SDK's Node handler throws it for a connection closed before any answer. */
const reset = (attempts: number) => Object.assign(new Error('socket hang up'), { name: 'TimeoutError', code: 'ECONNRESET', $metadata: { attempts } });
/** An S3 error response as the SDK throws it. */
const s3Error = (status: number, code: string, message: string) => Object.assign(new Error(message), { name: code, Code: code, $metadata: { httpStatusCode: status, attempts: 1 } });
const KMS_MESSAGE = 'User: arn:aws:sts::111122223333:assumed-role/Auditor/s is not authorized to perform: kms:Decrypt on resource: arn:aws:kms:us-east-1:111122223333:key/0f1e2d3c';

describe('a connection reset', () => {
  it('is called a connection reset, passing, whatever name the handler gives it', () => {
    expect(classifyS3Error(reset(1))).toEqual({ fatal: false, reason: 'connection reset (ECONNRESET: socket hang up)', code: 'ECONNRESET', transient: true });
    expect(classifyS3Error(reset(6)).reason).toBe('connection reset after 6 attempts (ECONNRESET: socket hang up)');
    const pipe = Object.assign(new Error('write EPIPE'), { name: 'TimeoutError', code: 'EPIPE' });
    expect(classifyS3Error(pipe)).toMatchObject({ reason: 'connection reset (EPIPE: write EPIPE)', code: 'EPIPE', transient: true });
  });

  it('leaves a timeout a timeout', () => {
    const timeout = Object.assign(new Error('@smithy/node-http-handler - [ERROR] a request has exceeded the configured 300 ms requestTimeout.'), { name: 'TimeoutError', $metadata: { attempts: 2 } });
    expect(classifyS3Error(timeout)).toEqual({ fatal: false, reason: 'timed out after 2 attempts (a request has exceeded the configured 300 ms requestTimeout.)', code: 'Timeout', transient: true });
    const etimedout = Object.assign(new Error('connect ETIMEDOUT 10.0.0.1:443'), { name: 'TimeoutError', code: 'ETIMEDOUT' });
    expect(classifyS3Error(etimedout)).toMatchObject({ reason: 'timed out (connect ETIMEDOUT 10.0.0.1:443)', code: 'Timeout' });
  });
});

describe('a 403', () => {
  it('keeps S3\'s message: a KMS key policy refusing kms:Decrypt', () => {
    expect(classifyS3Error(s3Error(403, 'AccessDenied', KMS_MESSAGE))).toEqual({ fatal: false, reason: `access denied (AccessDenied: ${KMS_MESSAGE})`, code: 'AccessDenied', transient: false });
  });

  it('says no more than the code when S3 says no more ("Access Denied"; HEAD has no body)', () => {
    expect(classifyS3Error(s3Error(403, 'AccessDenied', 'Access Denied')).reason).toBe('access denied (AccessDenied)');
    expect(classifyS3Error(s3Error(403, 'Forbidden', 'UnknownError')).reason).toBe('access denied (AccessDenied)');
    expect(classifyS3Error(s3Error(403, 'AccessDenied', '')).reason).toBe('access denied (AccessDenied)');
  });

  it('keeps it one line and short, as other server text: control characters go, a long message is cut, the reason\'s own words stay', () => {
    const forged = `Denied\n\u001b[31mred\u001b[0m\r\u0007 ${'x'.repeat(400)}`;
    const { reason } = classifyS3Error(s3Error(403, 'AccessDenied', forged));
    expect(reason).toMatch(/^access denied \(AccessDenied: Denied \[31mred \[0m +x+\.\.\.\)$/);
    expect(reason.length).toBeLessThanOrEqual(200);
    // eslint-disable-next-line no-control-regex
    expect(reason).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
  });
});
