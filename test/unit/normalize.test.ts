import { describe, expect, it } from 'vitest';
import { isIotRecord, MAX_NESTING, normalizeRecord, TOO_DEEP } from '../../src/cloudtrail/normalize.js';
import { parseLogBytes } from '../../src/collect/parse-log.js';
import { gzipSync } from 'node:zlib';

const canonical = {
  eventVersion: '1.09',
  userIdentity: { type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/alice', accountId: '111122223333', userName: 'alice' },
  eventTime: '2026-10-05T10:00:00Z',
  eventSource: 'iot.amazonaws.com',
  eventName: 'UpdateCertificate',
  awsRegion: 'eu-west-1',
  sourceIPAddress: '198.51.100.7',
  userAgent: 'aws-cli/2',
  requestParameters: { certificateId: 'a'.repeat(64), newStatus: 'REVOKED' },
  responseElements: null,
  eventID: 'e-1',
  readOnly: false,
  recipientAccountId: '111122223333',
};

/** The IoT developer guide's shape (iot-using-cloudtrail.md). */
const guide = {
  timestamp: '1460159496',
  ErrorCode: '',
  ErrorMessage: '',
  EventID: '8bff4fed-c229-4d2d-8264-4ab28a487505',
  EventName: 'AttachPolicy',
  EventTime: '2016-04-08T23:51:36Z',
  EventType: 'AwsApiCall',
  ReadOnly: '',
  RequestParamters: { principal: 'arn:aws:iot:us-east-1:123456789012:cert/528ce36e8047f6a75ee51ab7beddb4eb268ad41d2ea881a10b67e8e76924d894', policyName: 'ExamplePolicyForIoT' },
  ResponseElements: '',
  SourceIpAddress: '52.90.213.26',
  UserAgent: 'aws-internal/3',
  UserIdentity: { type: 'AssumedRole', invokedBy: { serviceAccountId: '111111111111' } },
};

describe('normalizeRecord', () => {
  it('reads the canonical shape', () => {
    const r = normalizeRecord(canonical)!;
    expect(r).toMatchObject({ eventId: 'e-1', eventTime: '2026-10-05T10:00:00Z', eventSource: 'iot.amazonaws.com', readOnly: false, errorCode: null, shape: 'canonical' });
    expect(isIotRecord(r)).toBe(true);
  });

  it('keeps the caller as an actor, not the raw identity, and knows a record without an eventID by its whole content', () => {
    const r = normalizeRecord(canonical)!;
    expect(r.actor).toMatchObject({ type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/alice', userName: 'alice', label: 'user/alice' });
    // The identity's objects are not kept (nor sent from a parse worker): the actor is all the report reads of it.
    expect('userIdentity' in r).toBe(false);
    expect(r.contentId).toBeNull();

    const { eventID: _id, ...withoutId } = canonical;
    const a = normalizeRecord(withoutId)!;
    expect(a.eventId).toBeNull();
    expect(a.contentId).toMatch(/^[0-9a-f]{32}$/);
    expect(normalizeRecord(structuredClone(withoutId))!.contentId).toBe(a.contentId);
    // The identity is part of the content: the same call by someone else is another record.
    const bob = { ...withoutId, userIdentity: { ...withoutId.userIdentity, arn: 'arn:aws:iam::111122223333:user/bob', userName: 'bob' } };
    expect(normalizeRecord(bob)!.contentId).not.toBe(a.contentId);
    expect(normalizeRecord({ ...withoutId, sourceIPAddress: '198.51.100.8' })!.contentId).not.toBe(a.contentId);
  });

  it('cuts a value nested deeper than MAX_NESTING levels, and keeps every other value as it is', () => {
    // 3,000 levels: deep enough to overflow whatever walks it recursively (and, from a parse
    // worker, more than the main thread can read back).
    let deep: unknown = 'bottom';
    for (let i = 0; i < 3000; i++) deep = i % 2 === 0 ? [deep] : { ['__proto__']: deep, k: i };
    const r = normalizeRecord({ ...canonical, requestParameters: { certificateId: 'c', nested: deep } })!;
    const depthOf = (v: unknown): number => (typeof v === 'object' && v !== null ? 1 + Math.max(0, ...Object.values(v).map(depthOf)) : 0);
    expect(depthOf(r.requestParameters)).toBe(MAX_NESTING);
    expect(JSON.stringify(r.requestParameters)).toContain(JSON.stringify(TOO_DEEP));
    expect(r.requestParameters?.certificateId).toBe('c');
    // A `__proto__` key stays a key in the copy, never its prototype.
    const copy = r.requestParameters?.nested as Record<string, unknown>;
    expect(Object.keys(copy)).toEqual(['__proto__', 'k']);
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    // Within the limit, the value itself: nothing is copied.
    let ok: unknown = 'bottom';
    for (let i = 0; i < MAX_NESTING - 1; i++) ok = [ok];
    const params = { nested: ok };
    expect(normalizeRecord({ ...canonical, requestParameters: params })!.requestParameters).toBe(params);
    expect(normalizeRecord({ ...canonical, requestParameters: { nested: [ok] } })!.requestParameters).not.toHaveProperty('nested.0', ok);
  });

  it('reads the IoT guide shape: capitalized keys, the RequestParamters alias, "" as absent', () => {
    const r = normalizeRecord(guide)!;
    expect(r.shape).toBe('iot-guide');
    expect(r.eventName).toBe('AttachPolicy');
    expect(r.errorCode).toBeNull();
    expect(r.readOnly).toBeNull();
    expect(r.responseElements).toBeNull();
    expect(r.requestParameters?.policyName).toBe('ExamplePolicyForIoT');
    expect(r.eventTime).toBe('2016-04-08T23:51:36Z');
    expect(r.eventSource).toBeNull();
    // No event source: IoT because its parameters name an IoT ARN.
    expect(isIotRecord(r)).toBe(true);
  });

  it('falls back to the epoch timestamp when eventTime is missing', () => {
    const { EventTime: _drop, ...noTime } = guide;
    expect(normalizeRecord(noTime)!.eventTime).toBe('2016-04-08T23:51:36Z');
  });

  it('never takes another service for IoT, whatever the event name', () => {
    const iam = normalizeRecord({ ...canonical, eventSource: 'iam.amazonaws.com', eventName: 'CreatePolicyVersion' })!;
    expect(isIotRecord(iam)).toBe(false);
    const acm = normalizeRecord({ ...canonical, eventSource: 'acm.amazonaws.com', eventName: 'DeleteCertificate', requestParameters: { certificateArn: 'arn:aws:iot:us-east-1:111122223333:cert/abc' } })!;
    expect(isIotRecord(acm)).toBe(false);
  });

  it('a record without event source and without an IoT ARN is not IoT', () => {
    expect(isIotRecord(normalizeRecord({ ...guide, RequestParamters: { bucketName: 'x' } })!)).toBe(false);
  });

  it('unwraps LookupEvents and EventBridge envelopes', () => {
    expect(normalizeRecord({ EventId: 'e-1', EventName: 'UpdateCertificate', CloudTrailEvent: JSON.stringify(canonical) })!.awsRegion).toBe('eu-west-1');
    expect(normalizeRecord({ 'detail-type': 'AWS API Call via CloudTrail', source: 'aws.iot', detail: canonical })!.eventId).toBe('e-1');
  });

  it('reads readOnly given as a string', () => {
    expect(normalizeRecord({ ...canonical, readOnly: 'true' })!.readOnly).toBe(true);
  });
});

describe('parseLogBytes', () => {
  const file = (records: unknown[]) => Buffer.from(JSON.stringify({ Records: records }));

  it('detects gzip by content and keeps only IoT records', () => {
    const other = { ...canonical, eventSource: 's3.amazonaws.com', eventName: 'GetObject', eventID: 'e-2' };
    for (const bytes of [file([canonical, other]), gzipSync(file([canonical, other]))]) {
      const parsed = parseLogBytes(bytes);
      expect(parsed.error).toBeNull();
      expect(parsed.recordCount).toBe(2);
      expect(parsed.records.map((r) => r.eventId)).toEqual(['e-1']);
    }
  });

  it.each([
    [gzipSync(file([canonical])).subarray(0, 30), /not a valid gzip file/],
    [gzipSync(Buffer.from('{"Records": [')), /not valid JSON/],
    [Buffer.from('{"hello":"world"}'), /not a CloudTrail log/],
  ])('names why a file cannot be read', (bytes, reason) => {
    expect(parseLogBytes(bytes).error).toMatch(reason);
  });

  it('reads NDJSON of EventBridge events', () => {
    const line = JSON.stringify({ 'detail-type': 'AWS API Call via CloudTrail', source: 'aws.iot', detail: canonical });
    const parsed = parseLogBytes(Buffer.from(`${line}\n${line}\n`));
    expect(parsed.recordCount).toBe(2);
    expect(parsed.records).toHaveLength(2);
  });
});
