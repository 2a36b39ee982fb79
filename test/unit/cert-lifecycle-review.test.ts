/**
 * Certificate lifecycles: one per certificate, account and region (a certificate id is the
 * certificate's hash, and lives in every account and region it is registered in), a transfer
 * kept as one lifecycle that ends in the accepting account, nothing attached to a deleted
 * certificate, and calls of one second in the order they were likely made.
 */
import { describe, expect, it } from 'vitest';
import { certificateLifecycles } from '../../src/analysis/certificates.js';
import { normalizeRecord } from '../../src/cloudtrail/normalize.js';
import { compareEvents, toIotEvent } from '../../src/iot/events.js';
import { buildView } from '../../src/render/view.js';
import type { ReportModel } from '../../src/report/model.js';
import type { IotEvent } from '../../src/types.js';
import { sampleModel } from '../helpers/sample-model.js';
import { record } from '../helpers/trail-tree.js';

const A = '111122223333';
const B = '444455556666';
const CERT = 'c'.repeat(64);
const certArn = (region = 'us-east-1', acct = A) => `arn:aws:iot:${region}:${acct}:cert/${CERT}`;
// A loose file: account and region come from each record.
const file = { key: 'k', source: 'src', accountId: null, region: null, deliveryDay: '2026-10-05', organizationId: null };
const ev = (o: Record<string, unknown>): IotEvent => toIotEvent({ record: normalizeRecord(record(o))!, file });
const sorted = (events: IotEvent[]) => events.sort(compareEvents);

const register = (id: string, time: string, region: string, acct = A) =>
  ev({
    eventID: id,
    eventTime: time,
    awsRegion: region,
    recipientAccountId: acct,
    eventName: 'RegisterCertificateWithoutCA',
    requestParameters: { certificatePem: 'pem', status: 'ACTIVE' },
    responseElements: { certificateId: CERT, certificateArn: certArn(region, acct) },
  });
const update = (id: string, time: string, status: string, where: { region?: string; acct?: string } = {}) =>
  ev({
    eventID: id,
    eventTime: time,
    awsRegion: where.region ?? 'us-east-1',
    recipientAccountId: where.acct ?? A,
    eventName: 'UpdateCertificate',
    requestParameters: { certificateId: CERT, newStatus: status },
  });
const call = (id: string, time: string, eventName: string, requestParameters: Record<string, unknown>, acct = A, more: Record<string, unknown> = {}) =>
  ev({ eventID: id, eventTime: time, recipientAccountId: acct, eventName, requestParameters: { certificateId: CERT, ...requestParameters }, ...more });
const rows = (events: IotEvent[]) => certificateLifecycles(sorted(events)).map((c) => [c.accountId, c.region, c.lastKnownStatus, c.steps.map((s) => s.action)]);

describe('one certificate id in several accounts and regions', () => {
  it('keeps a certificate registered in two regions apart: the copy revoked in one is still ACTIVE in the other', () => {
    expect(
      rows([
        register('a1', '2026-10-05T10:00:00Z', 'us-east-1'),
        register('a2', '2026-10-05T10:01:00Z', 'eu-west-1'),
        update('a3', '2026-10-05T10:02:00Z', 'REVOKED', { region: 'eu-west-1' }),
      ]),
    ).toEqual([
      [A, 'us-east-1', 'ACTIVE', ['registered']],
      [A, 'eu-west-1', 'REVOKED', ['registered', 'revoked']],
    ]);
  });

  it('keeps a certificate registered in two accounts of one region apart, each with its ARN and failures', () => {
    const events = [
      register('b1', '2026-10-05T10:00:00Z', 'us-east-1', A),
      register('b2', '2026-10-05T10:01:00Z', 'us-east-1', B),
      update('b3', '2026-10-05T10:02:00Z', 'INACTIVE', { acct: B }),
      call('b4', '2026-10-05T10:03:00Z', 'DeleteCertificate', {}, A, { errorCode: 'CertificateStateException' }),
    ];
    const lifecycles = certificateLifecycles(sorted(events));
    expect(lifecycles.map((c) => [c.accountId, c.arn, c.lastKnownStatus, c.failedEventIds])).toEqual([
      [A, certArn('us-east-1', A), 'ACTIVE', ['b4']],
      [B, certArn('us-east-1', B), 'INACTIVE', []],
    ]);
  });
});

describe('a transfer keeps one lifecycle', () => {
  const transfer = (id: string, time: string, to = B) => call(id, time, 'TransferCertificate', { targetAwsAccount: to });

  it('ends in the accepting account, with its ARN as logged, and takes the calls made there after the accept', () => {
    const events = (transferred: Record<string, unknown> | null) => [
      register('t0', '2026-10-05T09:00:00Z', 'us-east-1', A),
      update('t1', '2026-10-05T09:30:00Z', 'INACTIVE'),
      call('t2', '2026-10-05T10:00:00Z', 'TransferCertificate', { targetAwsAccount: B }, A, { responseElements: transferred }),
      call('t3', '2026-10-05T11:00:00Z', 'AcceptCertificateTransfer', { setAsActive: true }, B),
      update('t4', '2026-10-05T12:00:00Z', 'REVOKED', { acct: B }),
    ];
    const shape = (c: ReportModel['certificates'][number]) => [c.accountId, c.region, c.arn, c.lastKnownStatus, c.steps.map((s) => s.action)];
    const steps = ['registered', 'deactivated', 'transfer-started', 'transfer-accepted', 'revoked'];
    expect(certificateLifecycles(sorted(events({ transferredCertificateArn: certArn('us-east-1', B) }))).map(shape)).toEqual([[B, 'us-east-1', certArn('us-east-1', B), 'REVOKED', steps]]);
    // The transfer's response not logged: no ARN in the accepting account is known (one was made up).
    expect(certificateLifecycles(sorted(events(null))).map(shape)).toEqual([[B, 'us-east-1', null, 'REVOKED', steps]]);
  });

  it('places an accepted transfer in the accepting account, its status per setAsActive', () => {
    expect(rows([transfer('u1', '2026-10-05T10:00:00Z'), call('u2', '2026-10-05T11:00:00Z', 'AcceptCertificateTransfer', { setAsActive: false }, B)])).toEqual([
      [B, 'us-east-1', 'INACTIVE', ['transfer-started', 'transfer-accepted']],
    ]);
  });

  it('leaves a rejected or cancelled transfer in the sending account', () => {
    expect(rows([transfer('v1', '2026-10-05T10:00:00Z'), call('v2', '2026-10-05T11:00:00Z', 'RejectCertificateTransfer', { rejectReason: 'no' }, B)])).toEqual([
      [A, 'us-east-1', 'INACTIVE', ['transfer-started', 'transfer-rejected']],
    ]);
    expect(rows([transfer('w1', '2026-10-05T10:00:00Z'), call('w2', '2026-10-05T11:00:00Z', 'CancelCertificateTransfer', {}, A)])).toEqual([
      [A, 'us-east-1', 'INACTIVE', ['transfer-started', 'transfer-cancelled']],
    ]);
  });

  it('shows a failed accept with the pending transfer, and an accept of a transfer made before the period in the accepting account', () => {
    const failed = call('x2', '2026-10-05T11:00:00Z', 'AcceptCertificateTransfer', { setAsActive: true }, B, { errorCode: 'AccessDeniedException' });
    const lifecycles = certificateLifecycles(sorted([transfer('x1', '2026-10-05T10:00:00Z'), failed]));
    expect(lifecycles.map((c) => [c.accountId, c.lastKnownStatus, c.failedEventIds])).toEqual([[A, 'PENDING_TRANSFER', ['x2']]]);
    expect(rows([call('y1', '2026-10-05T11:00:00Z', 'AcceptCertificateTransfer', { setAsActive: true }, B)])).toEqual([[B, 'us-east-1', 'ACTIVE', ['transfer-accepted']]]);
  });

  it('does not take an accept in another region, or by an account the certificate was not sent to', () => {
    const elsewhere = ev({ eventID: 'z2', eventTime: '2026-10-05T11:00:00Z', awsRegion: 'eu-west-1', recipientAccountId: B, eventName: 'AcceptCertificateTransfer', requestParameters: { certificateId: CERT, setAsActive: true } });
    expect(rows([transfer('z1', '2026-10-05T10:00:00Z'), elsewhere])).toEqual([
      [A, 'us-east-1', 'PENDING_TRANSFER', ['transfer-started']],
      [B, 'eu-west-1', 'ACTIVE', ['transfer-accepted']],
    ]);
    expect(rows([transfer('z3', '2026-10-05T10:00:00Z', '999988887777'), call('z4', '2026-10-05T11:00:00Z', 'AcceptCertificateTransfer', { setAsActive: true }, B)])).toEqual([
      [A, 'us-east-1', 'PENDING_TRANSFER', ['transfer-started']],
      [B, 'us-east-1', 'ACTIVE', ['transfer-accepted']],
    ]);
  });
});

describe('a deleted certificate', () => {
  it('has no thing or policy attached at the end of the period, forced or not', () => {
    for (const forceDelete of [true, false]) {
      const events = [
        call('d0', '2026-10-05T09:00:00Z', 'AttachThingPrincipal', { certificateId: undefined, thingName: 'pump-1', principal: certArn() }),
        call('d1', '2026-10-05T10:00:00Z', 'AttachPolicy', { certificateId: undefined, policyName: 'p1', target: certArn() }),
        update('d2', '2026-10-05T10:05:00Z', 'INACTIVE'),
        call('d3', '2026-10-05T10:06:00Z', 'DeleteCertificate', { forceDelete }),
      ];
      const [c] = certificateLifecycles(sorted(events));
      expect({ status: c!.lastKnownStatus, things: c!.things, policies: c!.policies }).toEqual({ status: 'DELETED', things: [], policies: [] });
    }
  });

  it('keeps what is attached after it is registered again', () => {
    const events = [
      call('e1', '2026-10-05T10:00:00Z', 'AttachPolicy', { certificateId: undefined, policyName: 'p1', target: certArn() }),
      call('e2', '2026-10-05T10:06:00Z', 'DeleteCertificate', { forceDelete: true }),
      register('e3', '2026-10-05T10:07:00Z', 'us-east-1'),
      call('e4', '2026-10-05T10:08:00Z', 'AttachPolicy', { certificateId: undefined, policyName: 'p2', target: certArn() }),
    ];
    expect(certificateLifecycles(sorted(events)).map((c) => [c.lastKnownStatus, c.policies])).toEqual([['ACTIVE', ['p2']]]);
  });
});

describe('calls logged in the same second', () => {
  const second = '2026-10-05T10:00:00Z';

  it('read a transfer answered in the second it was made as made, then answered (2026-11-26 review)', () => {
    const transfer = ev({ eventID: 'z', eventTime: second, awsRegion: 'us-east-1', recipientAccountId: A, eventName: 'TransferCertificate', requestParameters: { certificateId: CERT, targetAwsAccount: B } });
    const answer = (eventName: string, requestParameters: Record<string, unknown>) =>
      ev({ eventID: 'a', eventTime: second, awsRegion: 'us-east-1', recipientAccountId: B, eventName, requestParameters: { certificateId: CERT, ...requestParameters } });
    const summary = (events: IotEvent[]) => certificateLifecycles(sorted(events)).map((c) => [c.accountId, c.lastKnownStatus, c.steps.map((s) => s.action)]);
    expect(summary([transfer, answer('AcceptCertificateTransfer', { setAsActive: true })])).toEqual([[B, 'ACTIVE', ['transfer-started', 'transfer-accepted']]]);
    expect(summary([transfer, answer('RejectCertificateTransfer', { rejectReason: 'no' })])).toEqual([[A, 'INACTIVE', ['transfer-started', 'transfer-rejected']]]);
  });

  it('keep one certificate through an accept and a transfer on to a third account in one second (2026-11-26 review)', () => {
    const C = '777788889999';
    const at = (id: string, time: string, acct: string, eventName: string, p: Record<string, unknown>) =>
      ev({ eventID: id, eventTime: time, awsRegion: 'us-east-1', recipientAccountId: acct, eventName, requestParameters: { certificateId: CERT, ...p } });
    const events = sorted([
      at('a1', '2026-10-05T10:00:00Z', A, 'TransferCertificate', { targetAwsAccount: B }),
      at('b1', '2026-10-05T11:00:00Z', B, 'AcceptCertificateTransfer', { setAsActive: false }),
      at('b2', '2026-10-05T11:00:00Z', B, 'TransferCertificate', { targetAwsAccount: C }),
      at('c1', '2026-10-05T12:00:00Z', C, 'AcceptCertificateTransfer', { setAsActive: true }),
    ]);
    expect(certificateLifecycles(events).map((c) => [c.accountId, c.lastKnownStatus, c.steps.map((s) => s.action)])).toEqual([
      [C, 'ACTIVE', ['transfer-started', 'transfer-accepted', 'transfer-started', 'transfer-accepted']],
    ]);
  });

  it('keep one certificate in the receiving account that accepts, then activates and attaches in one second (2026-11-26 review)', () => {
    const arnB = certArn('us-east-1', B);
    const inB = (id: string, eventName: string, requestParameters: Record<string, unknown>) =>
      ev({ eventID: id, eventTime: '2026-10-05T11:00:00Z', awsRegion: 'us-east-1', recipientAccountId: B, eventName, requestParameters });
    // Event ids in the reverse of the calls' order.
    const events = sorted([
      ev({ eventID: 'z', eventTime: second, awsRegion: 'us-east-1', recipientAccountId: A, eventName: 'TransferCertificate', requestParameters: { certificateId: CERT, targetAwsAccount: B } }),
      inB('e4', 'AcceptCertificateTransfer', { certificateId: CERT, setAsActive: false }),
      inB('e3', 'UpdateCertificate', { certificateId: CERT, newStatus: 'ACTIVE' }),
      inB('e2', 'AttachPolicy', { policyName: 'DevicePolicy', target: arnB }),
      inB('e1', 'AttachThingPrincipal', { thingName: 'dev-1', principal: arnB }),
    ]);
    expect(certificateLifecycles(events).map((c) => [c.accountId, c.lastKnownStatus, c.policies, c.things, c.steps.map((s) => s.action)])).toEqual([
      [B, 'ACTIVE', ['DevicePolicy'], ['dev-1'], ['transfer-started', 'transfer-accepted', 'attached-to-thing', 'policy-attached', 'activated']],
    ]);
  });

  it('apply a status change before the deletion that followed it, whatever their event ids', () => {
    for (const [updateId, deleteId] of [
      ['f0e1c2d3-0000-0000-0000-000000000001', '0a1b2c3d-0000-0000-0000-000000000002'],
      ['0a1b2c3d-0000-0000-0000-000000000001', 'f0e1c2d3-0000-0000-0000-000000000002'],
    ]) {
      const events = [update(updateId!, second, 'INACTIVE'), call(deleteId!, second, 'DeleteCertificate', {})];
      const [c] = certificateLifecycles(sorted(events));
      expect([c!.lastKnownStatus, c!.steps.map((s) => s.action)]).toEqual(['DELETED', ['deactivated', 'deleted']]);
    }
  });

  it('sort creations, attachments, status changes, other calls, detachments, transfers and their answers, and deletions in that order, then by event id', () => {
    const names = [
      'DeletePolicy',
      'DeleteCertificate',
      'AcceptCertificateTransfer',
      'TransferCertificate',
      'DetachPolicy',
      'CreateThing',
      'UpdateCertificate',
      'AttachPolicy',
      'CreateKeysAndCertificate',
      'CreatePolicy',
    ];
    // Event ids in the reverse of the expected order: only the names can sort them so.
    const events = names.map((eventName, i) => ({ eventTime: second, eventId: `id-${String(i).padStart(2, '0')}`, eventName }));
    // Sorted from that order (a stable sort of events already in place would prove nothing).
    expect([...events].sort(compareEvents).map((e) => e.eventName)).toEqual([...names].reverse());
    // Same rank: by event id. A different second: by time, whatever the names.
    const [a, b] = [
      { eventTime: second, eventId: 'b', eventName: 'AttachPolicy' },
      { eventTime: second, eventId: 'a', eventName: 'AttachThingPrincipal' },
    ];
    expect([a, b].sort(compareEvents)).toEqual([b, a]);
    const early = { eventTime: '2026-10-05T09:59:59Z', eventId: 'z', eventName: 'DeletePolicy' };
    expect([b, early].sort(compareEvents)).toEqual([early, b]);
    // A policy before its versions, a version before it is made the default.
    const version = { eventTime: second, eventId: 'a', eventName: 'CreatePolicyVersion' };
    const policy = { eventTime: second, eventId: 'b', eventName: 'CreatePolicy' };
    const setDefault = { eventTime: second, eventId: '0', eventName: 'SetDefaultPolicyVersion' };
    expect([setDefault, version, policy].sort(compareEvents)).toEqual([policy, version, setDefault]);
  });
});

describe('the view of certificates that share an id', () => {
  it('links a finding to the certificate of its account and region, else to one with the id', () => {
    const m = sampleModel({ events: 60 });
    const base = m.certificates[0] as ReportModel['certificates'][number];
    // A failed attempt keeps each row out of the groups of identical lifecycles.
    const cert = (accountId: string, region: string) => ({ ...base, certificateId: CERT, accountId, region, arn: certArn(region, accountId), failedEventIds: ['x'] });
    m.certificates = [cert(A, 'us-east-1'), cert(A, 'eu-west-1'), cert(B, 'us-east-1')];
    const finding = m.findings[0] as ReportModel['findings'][number];
    const cases: [string, string, string, number][] = [
      [CERT, A, 'eu-west-1', 1],
      [certArn('us-east-1', B), B, 'us-east-1', 2],
      [CERT, A, 'us-east-1', 0],
      // Transferred away from the finding's account: the certificate with the id.
      [CERT, '999988887777', 'us-east-1', 0],
    ];
    // A rule whose resource is a certificate id (another rule's resource links to a certificate only as its ARN).
    m.findings = cases.map(([resource, accountId, region], i) => ({
      ...finding,
      id: `f-${i}`,
      ruleId: 'certificate-reactivated',
      resourceKind: 'certificate' as const,
      severity: 'critical',
      suppressed: false,
      resource,
      accountId,
      region,
    }));
    const v = buildView(m, { paper: 'a4', dataFiles: ['iot-audit-2026-10.csv', 'iot-audit-2026-10.json'], media: 'screen' });
    const table = v.certificates.table;
    const certRows = table.chunks.flatMap((c) => c.rows);
    const anchors = certRows.map((c) => `#${c.anchor}`);
    expect(new Set(anchors).size).toBe(3);
    const findingRows = v.findings.open.chunks.flatMap((c) => c.rows);
    const hrefs = new Map(findingRows.map((f) => [f.id, f.resource.href]));
    cases.forEach(([, , , at], i) => expect([i, hrefs.get(`f-${i}`)]).toEqual([i, anchors[at]]));
  });
});
