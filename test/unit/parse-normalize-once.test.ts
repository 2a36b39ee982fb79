/**
 * The plain parse path (`parseLogBytes`) normalizes each raw record once: telling a log's shape
 * normalizes records already, and those are handed on, not worked out again (a month of JSON
 * Lines read ~30% slower when they were). Counted at `normalizeRecord` itself.
 */
import { describe, expect, it, vi } from 'vitest';

const counted = vi.hoisted(() => ({ calls: 0 }));
vi.mock('../../src/cloudtrail/normalize.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../src/cloudtrail/normalize.js')>();
  return {
    ...actual,
    normalizeRecord: (...args: Parameters<typeof actual.normalizeRecord>) => {
      counted.calls++;
      return actual.normalizeRecord(...args);
    },
  };
});

const { parseLogBytes } = await import('../../src/collect/parse-log.js');

function record(n: number, source = 'iot.amazonaws.com') {
  return {
    eventVersion: '1.09',
    eventTime: `2026-10-0${n}T10:00:00Z`,
    eventSource: source,
    eventName: 'CreatePolicy',
    awsRegion: 'eu-west-1',
    recipientAccountId: '111122223333',
    eventID: `id-${n}`,
    userIdentity: { type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/a' },
    requestParameters: { policyName: `p${n}` },
  };
}

const RECORDS = [record(1), record(2, 's3.amazonaws.com'), record(3)];

describe('parseLogBytes normalizes each record once', () => {
  it.each([
    ['a CloudTrail file {"Records":[...]}', JSON.stringify({ Records: RECORDS })],
    ['a bare array', JSON.stringify(RECORDS)],
    ['JSON Lines of records', RECORDS.map((r) => JSON.stringify(r)).join('\n')],
    ['JSON Lines of EventBridge envelopes', RECORDS.map((r) => JSON.stringify({ version: '0', 'detail-type': 'AWS API Call via CloudTrail', detail: r })).join('\n')],
    ['LookupEvents output', JSON.stringify({ Events: RECORDS.map((r) => ({ EventId: r.eventID, CloudTrailEvent: JSON.stringify(r) })) })],
    ['JSON Lines mixing a Records line and single records', [JSON.stringify({ Records: [RECORDS[0]] }), JSON.stringify(RECORDS[1]), JSON.stringify(RECORDS[2])].join('\n')],
  ])('%s', (_, text) => {
    counted.calls = 0;
    const parsed = parseLogBytes(Buffer.from(text));
    expect(parsed.error).toBeNull();
    expect(parsed.recordCount).toBe(3);
    expect(parsed.records.map((r) => r.eventId)).toEqual(['id-1', 'id-3']);
    expect(counted.calls).toBe(3);
  });
});
