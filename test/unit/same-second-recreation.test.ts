/**
 * A certificate or policy deleted and made again within one second (a replace script; a revoked
 * certificate registered again): CloudTrail keeps no finer time, and AWS IoT refuses to create
 * what exists, so when the resource exists as that second begins the deletion came first.
 */
import { describe, expect, it } from 'vitest';
import { certificateLifecycles } from '../../src/analysis/certificates.js';
import { policyHistories } from '../../src/analysis/policies.js';
import { certificateReactivated } from '../../src/analysis/rules/certificate-reactivated.js';
import { normalizeRecord } from '../../src/cloudtrail/normalize.js';
import { compareEvents, orderRecreations, toIotEvent } from '../../src/iot/events.js';
import type { IotEvent, SourcedRecord } from '../../src/types.js';
import { buildOctober, collectedOf } from '../helpers/build-from-records.js';
import { runRule } from '../helpers/events.js';
import { record } from '../helpers/trail-tree.js';

const ACCOUNT = '111122223333';
const CERT = 'c'.repeat(64);
const file = { key: 'k', source: 'src', accountId: null, region: null, deliveryDay: '2026-10-05', organizationId: null };
let n = 0;
const sourced = (time: string, eventName: string, requestParameters: Record<string, unknown> | null, responseElements: Record<string, unknown> | null = null, extra: Record<string, unknown> = {}): SourcedRecord => {
  n++;
  // Event ids chosen so that id order alone would not give the expected order either way.
  return { record: normalizeRecord(record({ eventID: `${String(1000 - n).padStart(4, '0')}`, eventTime: `2026-10-05T${time}Z`, eventName, requestParameters, responseElements, ...extra }))!, file };
};
const register = (time: string) => sourced(time, 'RegisterCertificateWithoutCA', { certificatePem: 'PEM', status: 'ACTIVE' }, { certificateId: CERT, certificateArn: `arn:aws:iot:us-east-1:${ACCOUNT}:cert/${CERT}` });
const revoke = (time: string) => sourced(time, 'UpdateCertificate', { certificateId: CERT, newStatus: 'REVOKED' });
const deleteCert = (time: string) => sourced(time, 'DeleteCertificate', { certificateId: CERT });
const createPolicy = (time: string) => sourced(time, 'CreatePolicy', { policyName: 'PX', policyDocument: '{"Version":"2012-10-17","Statement":[]}' }, { policyName: 'PX', policyArn: `arn:aws:iot:us-east-1:${ACCOUNT}:policy/PX`, policyVersionId: '1' });
const deletePolicy = (time: string) => sourced(time, 'DeletePolicy', { policyName: 'PX' });
const TARGET = `arn:aws:iot:us-east-1:${ACCOUNT}:cert/${'d'.repeat(64)}`;
const attach = (time: string) => sourced(time, 'AttachPolicy', { policyName: 'PX', target: TARGET });

const ordered = (records: SourcedRecord[]): IotEvent[] => orderRecreations(records.map(toIotEvent).sort(compareEvents));
const steps = (events: IotEvent[]) => certificateLifecycles(events).map((c) => [c.steps.map((s) => s.action), c.lastKnownStatus]);

describe('a deletion and a creation of one resource in one second', () => {
  it('a certificate that existed before that second: deleted, then registered again, and ACTIVE at the end (it ended DELETED: 2026-11-26 review)', () => {
    expect(steps(ordered([register('10:00:00'), revoke('10:01:00'), deleteCert('10:05:00'), register('10:05:00')]))).toEqual([
      [['registered', 'revoked', 'deleted', 'registered'], 'ACTIVE'],
    ]);
  });

  it('a policy that existed before that second: deleted, then created again, and not deleted at the end', () => {
    const [history] = policyHistories(ordered([createPolicy('10:10:00'), deletePolicy('10:20:00'), createPolicy('10:20:00')]));
    expect(history!.deleted).toBe(false);
    expect(history!.changes.map((c) => c.action)).toEqual(['create', 'delete', 'create']);
  });

  it('nothing before, but a later call on it: it exists after the second, so the deletion came first', () => {
    const events = ordered([createPolicy('10:20:00'), deletePolicy('10:20:00'), attach('10:30:00')]);
    expect(events.map((e) => e.eventName)).toEqual(['DeletePolicy', 'CreatePolicy', 'AttachPolicy']);
  });

  it('keeps creation first when the resource was deleted before that second, or when nothing tells', () => {
    expect(ordered([createPolicy('10:00:00'), deletePolicy('10:10:00'), deletePolicy('10:20:00'), createPolicy('10:20:00')]).map((e) => `${e.eventTime.slice(11, 19)} ${e.eventName}`)).toEqual([
      '10:00:00 CreatePolicy',
      '10:10:00 DeletePolicy',
      '10:20:00 CreatePolicy',
      '10:20:00 DeletePolicy',
    ]);
    expect(ordered([deletePolicy('10:20:00'), createPolicy('10:20:00')]).map((e) => e.eventName)).toEqual(['CreatePolicy', 'DeletePolicy']);
    // A creation next: it did not exist after the second.
    expect(ordered([deletePolicy('10:20:00'), createPolicy('10:20:00'), createPolicy('10:30:00')]).map((e) => e.eventName)).toEqual(['CreatePolicy', 'DeletePolicy', 'CreatePolicy']);
  });

  it('a failed call tells nothing, and another account’s, region’s or name’s resource is another resource', () => {
    const failed = sourced('10:00:00', 'CreatePolicy', { policyName: 'PX' }, null, { errorCode: 'ResourceAlreadyExistsException' });
    const elsewhere = sourced('10:00:00', 'CreatePolicy', { policyName: 'PX' }, null, { awsRegion: 'eu-west-1' });
    const otherName = sourced('10:00:00', 'CreatePolicy', { policyName: 'PY' });
    expect(ordered([failed, elsewhere, otherName, deletePolicy('10:20:00'), createPolicy('10:20:00')]).slice(3).map((e) => e.eventName)).toEqual(['CreatePolicy', 'DeletePolicy']);
  });

  it('orders the second’s calls on the resource in their own places: other events keep theirs', () => {
    const events = ordered([createPolicy('10:00:00'), createPolicy('10:20:00'), attach('10:20:00'), sourced('10:20:00', 'CreateThing', { thingName: 't' }), deletePolicy('10:20:00')]);
    expect(events.map((e) => e.eventName)).toEqual(['CreatePolicy', 'DeletePolicy', 'CreatePolicy', 'CreateThing', 'AttachPolicy']);
  });

  it('a certificate revoked, deleted and registered again in one second: revoked and deleted first, so it ends ACTIVE and reactivated (second review)', () => {
    const events = ordered([register('10:00:00'), revoke('10:05:00'), deleteCert('10:05:00'), register('10:05:00')]);
    expect(events.map((e) => e.eventName)).toEqual(['RegisterCertificateWithoutCA', 'UpdateCertificate', 'DeleteCertificate', 'RegisterCertificateWithoutCA']);
    expect(steps(events)).toEqual([[['registered', 'revoked', 'deleted', 'registered'], 'ACTIVE']]);
    const hits = runRule(certificateReactivated, events);
    expect(hits).toHaveLength(1);
  });

  it('a policy replaced in one second (detach, delete a version, delete, create, attach): the new policy keeps its target', () => {
    const createVersion = sourced('10:01:00', 'CreatePolicyVersion', { policyName: 'PX', policyDocument: '{"Version":"2012-10-17","Statement":[]}', setAsDefault: true }, { policyArn: `arn:aws:iot:us-east-1:${ACCOUNT}:policy/PX`, policyVersionId: '2', isDefaultVersion: true });
    const detach = sourced('10:05:00', 'DetachPolicy', { policyName: 'PX', target: TARGET });
    const deleteVersion = sourced('10:05:00', 'DeletePolicyVersion', { policyName: 'PX', policyVersionId: '1' });
    const events = ordered([createPolicy('10:00:00'), createVersion, attach('10:02:00'), detach, deleteVersion, deletePolicy('10:05:00'), createPolicy('10:05:00'), attach('10:05:00')]);
    expect(events.slice(3).map((e) => e.eventName)).toEqual(['DetachPolicy', 'DeletePolicyVersion', 'DeletePolicy', 'CreatePolicy', 'AttachPolicy']);
    const [history] = policyHistories(events);
    expect([history!.deleted, history!.attachedTargets]).toEqual([false, [TARGET]]);
  });

  it('deleted, created and deleted again in one second: in turn, so it ends deleted (all deletions first said it existed)', () => {
    const events = ordered([createPolicy('09:00:00'), deletePolicy('10:00:00'), createPolicy('10:00:00'), deletePolicy('10:00:00')]);
    expect(events.map((e) => e.eventName)).toEqual(['CreatePolicy', 'DeletePolicy', 'CreatePolicy', 'DeletePolicy']);
    expect(policyHistories(events)[0]!.deleted).toBe(true);
  });

  it('tells what exists from the calls as ordered, not as first sorted (a second ordered earlier moved them)', () => {
    // The review's event ids, which put the calls of 10:00 where its reordering moved the one a later second looked at.
    const named = (id: string, time: string, eventName: string, name: string) => sourced(time, eventName, { policyName: name }, null, { eventID: id });
    const events = ordered([
      named('01', '09:00:00', 'CreatePolicy', 'P'),
      named('02', '09:00:00', 'CreatePolicy', 'Q'),
      named('11', '10:00:00', 'CreatePolicy', 'Q'),
      named('a', '10:00:00', 'DeletePolicy', 'P'),
      named('b', '10:00:00', 'DeletePolicy', 'Q'),
      named('21', '11:00:00', 'CreatePolicy', 'P'),
      named('22', '11:00:00', 'DeletePolicy', 'P'),
    ]);
    // P is gone at 10:00; at 11:00 it is created, then deleted.
    expect(events.slice(5).map((e) => e.eventName)).toEqual(['CreatePolicy', 'DeletePolicy']);
    expect(policyHistories(events).find((h) => h.policyName === 'P')!.deleted).toBe(true);
  });

  it('a certificate transferred to another account is gone from the sender’s: registered there again and deleted in one second, it ends deleted', () => {
    const OTHER = '444455556666';
    const arnIn = (account: string) => `arn:aws:iot:us-east-1:${account}:cert/${CERT}`;
    const events = ordered([
      register('10:00:00'),
      sourced('10:01:00', 'UpdateCertificate', { certificateId: CERT, newStatus: 'INACTIVE' }),
      sourced('10:02:00', 'TransferCertificate', { certificateId: CERT, targetAwsAccount: OTHER }, { transferredCertificateArn: arnIn(OTHER) }),
      sourced('10:03:00', 'AcceptCertificateTransfer', { certificateId: CERT, setAsActive: true }, null, { recipientAccountId: OTHER }),
      deleteCert('10:05:00'),
      register('10:05:00'),
    ]);
    expect(events.slice(4).map((e) => e.eventName)).toEqual(['RegisterCertificateWithoutCA', 'DeleteCertificate']);
    expect(certificateLifecycles(events).map((c) => [c.accountId, c.lastKnownStatus])).toEqual([
      [OTHER, 'ACTIVE'],
      [ACCOUNT, 'DELETED'],
    ]);
  });

  it('16,000 policies replaced in one second: each deleted, then created, and each ends not deleted', () => {
    const records: SourcedRecord[] = [];
    for (let i = 0; i < 16_000; i++) records.push(sourced('09:00:00', 'CreatePolicy', { policyName: `P${i}` }));
    for (let i = 0; i < 16_000; i++) records.push(sourced('10:00:00', 'DeletePolicy', { policyName: `P${i}` }), sourced('10:00:00', 'CreatePolicy', { policyName: `P${i}` }));
    const events = ordered(records);
    expect(policyHistories(events).every((h) => !h.deleted && h.changes.map((c) => c.action).join() === 'create,delete,create')).toBe(true);
  });

  it('is the order of the report’s events', () => {
    const records = [register('10:00:00'), revoke('10:01:00'), register('10:05:00'), deleteCert('10:05:00')];
    const collected = collectedOf(records);
    const model = buildOctober(collected);
    expect(model.events.map((e) => e.eventName)).toEqual(['RegisterCertificateWithoutCA', 'UpdateCertificate', 'DeleteCertificate', 'RegisterCertificateWithoutCA']);
    expect(model.certificates.map((c) => c.lastKnownStatus)).toEqual(['ACTIVE']);
  });

  it('40,000 policies each replaced in a second of its own, nothing else known: creation first in each', () => {
    const records: SourcedRecord[] = [];
    for (let i = 0; i < 40_000; i++) {
      const t = new Date(Date.parse('2026-10-05T00:00:00Z') + i * 1000).toISOString().slice(11, 19);
      records.push(sourced(t, 'DeletePolicy', { policyName: `P${i}` }), sourced(t, 'CreatePolicy', { policyName: `P${i}` }));
    }
    const events = records.map(toIotEvent).sort(compareEvents);
    orderRecreations(events);
    expect(events.every((e, i) => e.eventName === (i % 2 === 0 ? 'CreatePolicy' : 'DeletePolicy'))).toBe(true);
  });
});
