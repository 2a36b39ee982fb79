import { describe, expect, it } from 'vitest';
import { canonicalTime, isIotRecord, MAX_NESTING, normalizeRecord, PRIVATE_KEY_REMOVED, TOO_DEEP } from '../../src/cloudtrail/normalize.js';
import { iotRecordsOf, parseLogBytes } from '../../src/collect/parse-log.js';
import { parseLogFast } from '../../src/collect/parse-fast.js';
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
    // How the content is written does not count: an Athena row gives the identity's fields in the
    // table's order, with those the log lacks as null (the same event had two ids: 2026-11-26 review).
    const reordered = Object.fromEntries(Object.entries(withoutId.userIdentity).reverse());
    const asAthena = { ...withoutId, userIdentity: { ...reordered, sessionContext: null, invokedBy: null } };
    expect(normalizeRecord(asAthena)!.contentId).toBe(a.contentId);
    expect(normalizeRecord(Object.fromEntries(Object.entries(withoutId).reverse()))!.contentId).toBe(a.contentId);
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

describe('canonicalTime', () => {
  it.each([
    ['2026-10-05T10:00:00Z', '2026-10-05T10:00:00Z'],
    ['2026-10-05t10:00:00z', '2026-10-05T10:00:00Z'],
    ['2026-10-05T10:00:00.000Z', '2026-10-05T10:00:00Z'],
    ['2026-10-05T10:00:00.1234567Z', '2026-10-05T10:00:00.123Z'],
    ['2026-10-05T10:00:00.5Z', '2026-10-05T10:00:00.500Z'],
    ['2026-10-05T10:00Z', '2026-10-05T10:00:00Z'],
    // With an offset: the same instant in UTC.
    ['2026-10-05T12:00:00+02:00', '2026-10-05T10:00:00Z'],
    ['2026-10-05T12:00:00+0200', '2026-10-05T10:00:00Z'],
    ['2026-10-05T05:30:00-04:30', '2026-10-05T10:00:00Z'],
    ['2026-10-01T08:00:00+09', '2026-09-30T23:00:00Z'],
    ['2026-10-05T10:03:00+00:00', '2026-10-05T10:03:00Z'],
    // Without an offset: UTC (CloudTrail's times are UTC), never the machine's zone.
    ['2026-10-01T00:30:00', '2026-10-01T00:30:00Z'],
    ['2026-10-31 23:30:00.000', '2026-10-31T23:30:00Z'],
    ['2026-10-31 23:30:00.250', '2026-10-31T23:30:00.250Z'],
    ['2024-02-29T00:00:00Z', '2024-02-29T00:00:00Z'],
    ['0099-01-01T00:00:00Z', '0099-01-01T00:00:00Z'],
  ])('reads %s as %s', (text, expected) => {
    expect(canonicalTime(text)).toBe(expected);
  });

  it.each([
    '05/10/2026 10:00',
    '10/05/2026',
    'Oct 5 2026 10:00:00 GMT',
    'Mon, 05 Oct 2026 10:00:00 GMT',
    '2026-10-05',
    '2026-10-05T10',
    '20261005T100000Z',
    '2026-13-05T10:00:00Z',
    '2026-02-29T10:00:00Z',
    '2026-04-31T10:00:00Z',
    '2026-10-05T24:00:00Z',
    '2026-10-05T10:60:00Z',
    '2026-10-05T10:00:60Z',
    '2026-10-05T10:00:00+24:00',
    '2026-10-05T10:00:00 Z',
    ' 2026-10-05T10:00:00Z',
    '2026-10-05T10:00:00Z\n',
    '+002026-10-05T10:00:00Z',
    '1760000000',
    '',
  ])('takes %j for no usable time', (text) => {
    expect(canonicalTime(text)).toBeNull();
  });

  it('makes a record without a usable time one without time, and falls back to the epoch timestamp', () => {
    expect(normalizeRecord({ ...canonical, eventTime: '05/10/2026 10:00' })!.eventTime).toBeNull();
    expect(normalizeRecord({ ...canonical, eventTime: undefined })!.eventTime).toBeNull();
    expect(normalizeRecord({ ...guide, EventTime: 'yesterday' })!.eventTime).toBe('2016-04-08T23:51:36Z');
  });
});

describe('network activity and Insights events', () => {
  // A call through an interface VPC endpoint of IoT, as the endpoint owner's trail logs it.
  const vpce = {
    ...canonical,
    eventID: 'e-net',
    readOnly: undefined,
    eventType: 'AwsVpceEvent',
    eventCategory: 'NetworkActivity',
    vpcEndpointId: 'vpce-1',
    requestParameters: null,
  };
  const insight = { ...canonical, eventID: 'e-insight', eventType: 'AwsCloudTrailInsight', eventCategory: 'Insight' };

  it('are not IoT events of the report, whatever their source and name', () => {
    expect(isIotRecord(normalizeRecord(vpce)!)).toBe(false);
    expect(isIotRecord(normalizeRecord({ ...vpce, eventCategory: 'networkactivity' })!)).toBe(false);
    expect(isIotRecord(normalizeRecord({ ...vpce, eventCategory: undefined })!)).toBe(false);
    expect(isIotRecord(normalizeRecord({ ...vpce, eventType: undefined })!)).toBe(false);
    expect(isIotRecord(normalizeRecord(insight)!)).toBe(false);
    // The management event of the same call, which says its endpoint, is.
    expect(isIotRecord(normalizeRecord({ ...canonical, eventCategory: 'Management', vpcEndpointId: 'vpce-1' })!)).toBe(true);
  });

  it("keep a denial by the endpoint's policy, the only record of a call that never reached IoT, as a denied attempt", () => {
    const denied = normalizeRecord({ ...vpce, errorCode: 'VpceAccessDenied', errorMessage: 'The request was denied by the VPC endpoint policy' })!;
    expect(isIotRecord(denied)).toBe(true);
    const bytes = Buffer.from(JSON.stringify({ Records: [vpce, { ...vpce, eventID: 'e-denied', errorCode: 'VpceAccessDenied' }] }));
    for (const parsed of [parseLogBytes(bytes), parseLogFast(bytes)]) expect(parsed.records.map((r) => r.eventId)).toEqual(['e-denied']);
  });

  it('count among the records read, on the fast path as on the plain one', () => {
    const bytes = Buffer.from(JSON.stringify({ Records: [canonical, vpce, insight] }));
    for (const parsed of [parseLogBytes(bytes), parseLogFast(bytes), parseLogFast(gzipSync(bytes))]) {
      expect(parsed.recordCount).toBe(3);
      expect(parsed.records.map((r) => r.eventId)).toEqual(['e-1']);
    }
  });
});

describe('wrappers and files without records', () => {
  const wrapped = JSON.stringify(canonical);

  it('unwraps wrapper keys in any case', () => {
    for (const key of ['CloudTrailEvent', 'cloudTrailEvent', 'CLOUDTRAILEVENT', 'eventjson', 'eventJson', 'eventJSON', 'EventJson', 'EVENTJSON']) {
      expect(normalizeRecord({ [key]: wrapped })?.eventId, key).toBe('e-1');
      expect(normalizeRecord({ [key]: canonical })?.eventId, key).toBe('e-1');
    }
    expect(normalizeRecord({ 'Detail-Type': 'AWS API Call via CloudTrail', Source: 'aws.iot', Detail: canonical })?.eventId).toBe('e-1');
    // A null CloudTrailEvent is no wrapper: the other one is read.
    expect(normalizeRecord({ CloudTrailEvent: null, EventJSON: wrapped })?.eventId).toBe('e-1');
  });

  it('reads an array of wrapped records (a Lake or Athena export) in any key case', () => {
    for (const key of ['eventjson', 'eventJSON', 'EventJson']) {
      const parsed = parseLogBytes(Buffer.from(JSON.stringify([{ [key]: wrapped }, { [key]: JSON.stringify({ ...canonical, eventID: 'e-2' }) }])));
      expect(parsed.error, key).toBeNull();
      expect(parsed.records.map((r) => r.eventId)).toEqual(['e-1', 'e-2']);
    }
    const lookup = { Events: [{ EventId: 'e-1', EventName: 'UpdateCertificate', CLOUDTRAILEVENT: wrapped }] };
    expect(parseLogBytes(Buffer.from(JSON.stringify(lookup))).records).toHaveLength(1);
    // A page of LookupEvents output, and an empty one (a quiet period), in any key case.
    expect(parseLogBytes(Buffer.from(JSON.stringify({ ...lookup, NextToken: 't' }))).records).toHaveLength(1);
    expect(parseLogBytes(Buffer.from(JSON.stringify({ events: [], nexttoken: null })))).toMatchObject({ error: null, recordCount: 0 });
    // A page saved from an SDK, with its response metadata beside the events (boto3, the JS SDK v3).
    expect(parseLogBytes(Buffer.from(JSON.stringify({ ...lookup, ResponseMetadata: { RequestId: 'r', HTTPStatusCode: 200 } }))).records).toHaveLength(1);
    expect(parseLogBytes(Buffer.from(JSON.stringify({ $metadata: { httpStatusCode: 200 }, ...lookup }))).records).toHaveLength(1);
  });

  it.each([
    ['an array of objects none of which is a record', [{ eventXML: wrapped }, { id: 1 }], /not a CloudTrail log \(a JSON array of 2 objects, none of them a CloudTrail record\)/],
    ['an array of other values', [1, 2], /not a CloudTrail log/],
    ['LookupEvents-like output without records', { Events: [{ CloudTrailEvent: '{"id":1}' }] }, /not a CloudTrail log \("Events" holds no CloudTrail record/],
    ['an object that is no record', { hello: 'world' }, /not a CloudTrail log \(no "Records" array/],
    // An earlier iot-audit report of a quiet month: its empty `events` list was a log with no records.
    ['an iot-audit report', { schemaVersion: '1.2', tool: { name: 'iot-audit', version: '0.1.0' }, events: [] }, /not a CloudTrail log \(an iot-audit report: give the folder or bucket/],
    ['an empty "Events" list beside other keys', { Events: [], Count: 0 }, /not a CloudTrail log \(an empty "Events" list beside other keys/],
  ])('lists %s as unreadable, with the reason', (_what, value, reason) => {
    const bytes = Buffer.from(JSON.stringify(value));
    expect(parseLogBytes(bytes).error).toMatch(reason);
    expect(parseLogFast(bytes).error).toMatch(reason);
  });

  it("reads the wrapped record, never the wrapper's own fields, and the first wrapper key that is not null", () => {
    expect(normalizeRecord({ EventId: 'e-outer', EventName: 'CreateThing', CloudTrailEvent: wrapped })?.eventId).toBe('e-1');
    // Two spellings of a wrapper key: the first that is not null, before `eventJson`.
    expect(normalizeRecord({ CloudTrailEvent: null, cloudtrailevent: wrapped, EventJson: JSON.stringify({ ...canonical, eventID: 'e-2' }) })?.eventId).toBe('e-1');
    // No wrapper: a wrapped text that is not JSON, a `detail` without an EventBridge key, a `source` without an object `detail`.
    expect(normalizeRecord({ cloudTrailEvent: 'not json', ...canonical })?.eventId).toBe('e-1');
    expect(normalizeRecord({ ...canonical, detail: { eventName: 'Other', eventID: 'e-9' } })?.eventId).toBe('e-1');
    expect(normalizeRecord({ ...canonical, source: 'x', Detail: 'text' })?.eventId).toBe('e-1');
  });

  it('reads an EventBridge event with its keys in capitals around a record in the IoT guide\'s shape', () => {
    const detail = { EventName: 'AttachPolicy', EventID: 'e-guide', EventTime: '2016-04-08T23:51:36Z', EventSource: 'IOT.amazonaws.com', RequestParamters: { policyName: 'p' } };
    const r = normalizeRecord({ VERSION: '0', 'DETAIL-TYPE': 'AWS API Call via CloudTrail', SOURCE: 'aws.iot', DETAIL: detail })!;
    expect(r).toMatchObject({ eventId: 'e-guide', eventTime: '2016-04-08T23:51:36Z', eventSource: 'iot.amazonaws.com', shape: 'iot-guide', requestParameters: { policyName: 'p' } });
    expect(isIotRecord(r)).toBe(true);
  });

  it('reads JSON lines that mix shapes, records after items that are not, in order', () => {
    const rec = (eventID: string, more: object = {}) => ({ ...canonical, eventID, ...more });
    const lines = [
      [{ id: 1 }, { eventXML: wrapped }, rec('e-s3', { eventSource: 's3.amazonaws.com' }), rec('e-a')],
      { Records: [{ id: 2 }, rec('e-b')] },
      rec('e-c'),
      { 'Detail-Type': 'AWS API Call via CloudTrail', Source: 'aws.iot', Detail: rec('e-d') },
      { Events: [{ EventId: 'e-outer', CloudTrailEvent: JSON.stringify(rec('e-e')) }] },
    ];
    const bytes = Buffer.from(lines.map((line) => JSON.stringify(line)).join('\n'));
    const parsed = parseLogBytes(bytes);
    expect(parsed).toMatchObject({ recordCount: 9, error: null });
    expect(parsed.records.map((r) => r.eventId)).toEqual(['e-a', 'e-b', 'e-c', 'e-d', 'e-e']);
    expect(parseLogFast(bytes)).toStrictEqual(parsed);
    // A bare array whose first items are not records.
    const array = parseLogBytes(Buffer.from(JSON.stringify(lines[0])));
    expect(array).toMatchObject({ recordCount: 4, error: null });
    expect(array.records.map((r) => r.eventId)).toEqual(['e-a']);
  });

  it('names the first line of JSON lines when it is not CloudTrail', () => {
    expect(parseLogBytes(Buffer.from(`${JSON.stringify({ id: 1 })}\n${wrapped}\n`)).error).toBe('not a CloudTrail log (no "Records" array and no CloudTrail record) on line 1');
    expect(parseLogBytes(Buffer.from(`${JSON.stringify([{ id: 1 }])}\n${wrapped}\n`)).error).toBe('not a CloudTrail log (a JSON array of 1 objects, none of them a CloudTrail record) on line 1');
  });

  it('iotRecordsOf takes what is known of a record as it is, and normalizes the others', () => {
    const known = normalizeRecord({ ...canonical, eventID: 'e-known' });
    expect(iotRecordsOf([canonical, canonical, canonical], [known, null]).map((r) => r.eventId)).toEqual(['e-known', 'e-1']);
  });

  it('names the line of JSON lines that is not CloudTrail', () => {
    const text = `${JSON.stringify(canonical)}\n${JSON.stringify({ id: 1 })}\n`;
    expect(parseLogBytes(Buffer.from(text)).error).toBe('not a CloudTrail log (no "Records" array and no CloudTrail record) on line 2');
  });

  it.each([
    ['{"Records":[]}', 0],
    ['{"Records": []}', 0],
    ['[]', 0],
    ['{"Events":[]}', 0],
    [JSON.stringify([{ eventJSON: wrapped }, { id: 1 }]), 2],
  ])('reads %s as a good file with %i records', (text, count) => {
    for (const parsed of [parseLogBytes(Buffer.from(text)), parseLogFast(Buffer.from(text)), parseLogFast(gzipSync(Buffer.from(text)))]) {
      expect(parsed.error).toBeNull();
      expect(parsed.recordCount).toBe(count);
    }
  });
});

describe('private keys', () => {
  // Not a real key: what matters is that none of its text reaches a report.
  const PEM = '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAsecretSECRETsecret0123456789\nabcdefSECRETBODY==\n-----END RSA PRIVATE KEY-----\n';
  const created = {
    ...canonical,
    eventID: 'e-keys',
    eventName: 'CreateKeysAndCertificate',
    requestParameters: { setAsActive: true },
    responseElements: {
      certificateArn: 'arn:aws:iot:eu-west-1:111122223333:cert/' + 'a'.repeat(64),
      certificateId: 'a'.repeat(64),
      keyPair: { PublicKey: '-----BEGIN PUBLIC KEY-----\nMIIBIjAN\n-----END PUBLIC KEY-----\n', PrivateKey: PEM },
    },
  };

  it('are removed from the record where it is normalized, the public key kept', () => {
    const r = normalizeRecord(created)!;
    expect(r.responseElements?.keyPair).toEqual({ PublicKey: created.responseElements.keyPair.PublicKey, PrivateKey: PRIVATE_KEY_REMOVED });
    expect(JSON.stringify(r)).not.toContain('SECRET');
    // The record itself is left as it was read.
    expect(created.responseElements.keyPair.PrivateKey).toBe(PEM);
  });

  it('are removed under any key spelling and from any text, a nested JSON string or a cut-off key too', () => {
    const cases: Record<string, unknown>[] = [
      { responseElements: { keypair: { privatekey: PEM } } },
      { responseElements: { keyPair: { privateKey: { pem: PEM } } } },
      { responseElements: { key_pair: { private_key: 'MIIEowIBAAKCAQEAsecretSECRET' } } },
      { responseElements: JSON.stringify({ keyPair: { PrivateKey: PEM } }) },
      { requestParameters: { note: `before ${PEM} after`, list: [1, PEM] } },
      { requestParameters: { wrapped: JSON.stringify({ deeper: PEM }) } },
      { requestParameters: { cut: PEM.slice(0, 60) } },
      { requestParameters: { ec: '-----BEGIN EC PRIVATE KEY-----\nSECRET\n-----END EC PRIVATE KEY-----' } },
      { errorMessage: `bad key ${PEM}` },
      { additionalEventData: { k: PEM } },
      { userIdentity: { type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/alice', userName: PEM } },
    ];
    for (const overrides of cases) {
      const r = normalizeRecord({ ...canonical, ...overrides })!;
      expect(JSON.stringify(r), JSON.stringify(overrides)).not.toMatch(/SECRET|PRIVATE KEY-----/);
      expect(JSON.stringify(r)).toContain(PRIVATE_KEY_REMOVED);
    }
    const params = normalizeRecord({ ...canonical, requestParameters: { note: `before ${PEM} after` } })!.requestParameters;
    expect(params?.note).toBe(`before ${PRIVATE_KEY_REMOVED}\n after`);
    // Nothing to remove: the values themselves, not copies.
    const clean = { certificateId: 'c', nested: { privateKeyHint: 'none', PrivateKey: null } };
    expect(normalizeRecord({ ...canonical, requestParameters: clean })!.requestParameters).toBe(clean);
  });

  it('are removed at the deepest level kept, and a private-key name wins over the cut', () => {
    let atLimit: unknown = PEM;
    for (let i = 0; i < MAX_NESTING - 1; i++) atLimit = [atLimit];
    const deepest = (v: unknown): unknown => (Array.isArray(v) ? deepest(v[0]) : v);
    const r = normalizeRecord({ ...canonical, requestParameters: { nested: atLimit, PrivateKey: [[atLimit]] } })!.requestParameters!;
    expect(deepest(r.nested)).toBe(PRIVATE_KEY_REMOVED + '\n');
    expect(r.PrivateKey).toBe(PRIVATE_KEY_REMOVED);
    expect(JSON.stringify(r)).not.toContain(TOO_DEEP);
    // One level more: the key goes with what is cut.
    const cut = normalizeRecord({ ...canonical, requestParameters: { nested: [atLimit] } })!.requestParameters!;
    expect(deepest(cut.nested)).toBe(TOO_DEEP);
    expect(JSON.stringify(cut)).not.toContain('SECRET');
  });

  it('are looked for in time linear in a forged text', () => {
    const forged = [
      ('-----BEGIN ' + 'A'.repeat(100)).repeat(10_000) + 'PRIVATE KEY-----',
      '-----BEGIN PRIVATE KEY-----' + '-----END A'.repeat(100_000),
      '-----BEGIN PRIVATE KEY-----' + ('-----END ' + 'B'.repeat(200)).repeat(5_000),
      '-----BEGIN PRIVATE KEY-----x-----END PRIVATE KEY-----'.repeat(20_000),
    ];
    const started = performance.now();
    for (const text of forged) {
      const r = normalizeRecord({ ...canonical, errorMessage: text })!;
      expect(r.errorMessage).not.toMatch(/-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/);
    }
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('are removed on the fast path as on the plain one', () => {
    // As CloudTrail would write it, and wrapped as an export's string.
    const records = [created, { eventJSON: JSON.stringify(created) }];
    const bytes = Buffer.from(JSON.stringify({ Records: records }));
    const plain = parseLogBytes(bytes);
    expect(parseLogFast(bytes)).toEqual(plain);
    expect(parseLogFast(gzipSync(bytes))).toEqual({ ...plain, uncompressedBytes: bytes.length });
    expect(plain.records).toHaveLength(2);
    expect(JSON.stringify(plain.records)).not.toMatch(/SECRET|PRIVATE KEY-----/);
  });
});
