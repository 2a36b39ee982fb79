/**
 * Policy histories: a policy named as the rules name it (a CreatePolicy whose parameters
 * CloudTrail omitted is named by its response), and no deleted certificate among a policy's
 * targets at the end of the period.
 */
import { describe, expect, it } from 'vitest';
import { policyHistories } from '../../src/analysis/policies.js';
import { policyNameOf } from '../../src/analysis/rules/support/values.js';
import { normalizeRecord } from '../../src/cloudtrail/normalize.js';
import { compareEvents, toIotEvent } from '../../src/iot/events.js';
import type { IotEvent } from '../../src/types.js';
import { record } from '../helpers/trail-tree.js';

const ACCT = '111122223333';
const CERT = 'c'.repeat(64);
const OTHER = 'd'.repeat(64);
const certArn = (id = CERT, region = 'us-east-1', acct = ACCT) => `arn:aws:iot:${region}:${acct}:cert/${id}`;
const policyArn = (name: string) => `arn:aws:iot:us-east-1:${ACCT}:policy/${name}`;
// A loose file: account and region come from each record.
const file = { key: 'k', source: 'src', accountId: null, region: null, deliveryDay: '2026-10-05', organizationId: null };
const ev = (o: Record<string, unknown>): IotEvent => toIotEvent({ record: normalizeRecord(record(o))!, file });
const sorted = (events: IotEvent[]) => events.sort(compareEvents);

describe('a policy whose request parameters CloudTrail omitted', () => {
  const omitted = ev({
    eventID: 'e1',
    eventTime: '2026-10-15T12:00:00Z',
    eventName: 'CreatePolicy',
    requestParameters: { omitted: true, originalSize: 21874 },
    responseElements: { policyName: 'FleetOtaPolicy', policyArn: policyArn('FleetOtaPolicy'), policyVersionId: '1' },
  });

  it('is in the Policies section, named by the response, its version "not recorded"', () => {
    const [p, ...rest] = policyHistories([omitted]);
    expect(rest).toEqual([]);
    expect({ name: p!.policyName, arn: p!.arn, defaultVersionId: p!.defaultVersionId, changes: p!.changes.map((c) => [c.action, c.target]) }).toEqual({
      name: 'FleetOtaPolicy',
      arn: policyArn('FleetOtaPolicy'),
      defaultVersionId: '1',
      changes: [['create', '1']],
    });
    expect(p!.versions.map((v) => [v.versionId, v.documentRecorded, v.document, v.documentPretty])).toEqual([['1', false, null, null]]);
  });

  it('is named as the rules name it: by the response name, else the ARN, else the resources', () => {
    const byArn = ev({
      eventID: 'e2',
      eventTime: '2026-10-15T12:01:00Z',
      eventName: 'CreatePolicy',
      requestParameters: { omitted: true, originalSize: 30000 },
      responseElements: { policyArn: policyArn('ByArn'), policyVersionId: '1' },
    });
    const events = sorted([omitted, byArn]);
    expect(policyHistories(events).map((p) => p.policyName)).toEqual(events.map(policyNameOf).sort());
    expect(policyHistories(events).map((p) => p.policyName)).toEqual(['ByArn', 'FleetOtaPolicy']);
  });

  it('makes no history of a successful call that is not a policy change, and keeps the failures of those that are', () => {
    const tag = ev({ eventID: 't1', eventTime: '2026-10-15T12:00:00Z', eventName: 'TagResource', requestParameters: { resourceArn: policyArn('Tagged'), tags: [] } });
    const denied = ev({
      eventID: 't2',
      eventTime: '2026-10-15T12:01:00Z',
      eventName: 'CreatePolicy',
      errorCode: 'AccessDeniedException',
      requestParameters: { omitted: true, originalSize: 30000 },
    });
    const failed = ev({ eventID: 't3', eventTime: '2026-10-15T12:02:00Z', eventName: 'DeletePolicy', errorCode: 'DeleteConflictException', requestParameters: { policyName: 'Kept' } });
    expect(policyHistories(sorted([tag, denied, failed])).map((p) => [p.policyName, p.failedEventIds])).toEqual([['Kept', ['t3']]]);
  });
});

describe('the targets of a policy at the end of the period', () => {
  const attach = (id: string, minute: number, target: string, policyName = 'p1', region = 'us-east-1') =>
    ev({ eventID: id, eventTime: `2026-10-05T10:${String(minute).padStart(2, '0')}:00Z`, awsRegion: region, eventName: 'AttachPolicy', requestParameters: { policyName, target } });
  const remove = (id: string, minute: number, certificateId = CERT, more: Record<string, unknown> = {}) =>
    ev({ eventID: id, eventTime: `2026-10-05T10:${String(minute).padStart(2, '0')}:00Z`, eventName: 'DeleteCertificate', requestParameters: { certificateId, forceDelete: true }, ...more });
  const targets = (events: IotEvent[]) => policyHistories(sorted(events)).map((p) => [p.policyName, p.region, p.attachedTargets]);

  it('leave out a certificate deleted after it was attached, from every policy', () => {
    const group = `arn:aws:iot:us-east-1:${ACCT}:thinggroup/fleet`;
    expect(targets([attach('a1', 1, certArn()), attach('a2', 2, certArn(), 'p2'), attach('a3', 3, certArn(OTHER)), attach('a4', 4, group), remove('a5', 5)])).toEqual([
      ['p1', 'us-east-1', [certArn(OTHER), group]],
      ['p2', 'us-east-1', []],
    ]);
  });

  it('keep a certificate attached again after its deletion, one whose deletion failed, and the copy of another region', () => {
    expect(targets([attach('b1', 1, certArn()), remove('b2', 2), attach('b3', 3, certArn())])).toEqual([['p1', 'us-east-1', [certArn()]]]);
    expect(targets([attach('c1', 1, certArn()), remove('c2', 2, CERT, { errorCode: 'DeleteConflictException' })])).toEqual([['p1', 'us-east-1', [certArn()]]]);
    expect(targets([attach('d1', 1, certArn(CERT, 'eu-west-1'), 'p1', 'eu-west-1'), remove('d2', 2)])).toEqual([['p1', 'eu-west-1', [certArn(CERT, 'eu-west-1')]]]);
  });

  it('leave out a certificate named by its id alone (AttachPrincipalPolicy), deleted in the same second as the attach', () => {
    const legacy = ev({ eventID: 'f1', eventTime: '2026-10-05T10:00:00Z', eventName: 'AttachPrincipalPolicy', requestParameters: { policyName: 'p1', principal: CERT } });
    // Same second, event ids that put the deletion first: the attachment still comes first.
    const gone = ev({ eventID: '0-delete', eventTime: '2026-10-05T10:00:00Z', eventName: 'DeleteCertificate', requestParameters: { certificateId: CERT, forceDelete: true } });
    expect(targets([gone, legacy])).toEqual([['p1', 'us-east-1', []]]);
  });
});
