import { describe, expect, it } from 'vitest';
import { actorSummaries, deniedGroups } from '../../src/analysis/actors.js';
import { certificateLifecycles } from '../../src/analysis/certificates.js';
import { policyHistories, documentAsLogged } from '../../src/analysis/policies.js';
import { summarize } from '../../src/analysis/summary.js';
import { normalizeRecord } from '../../src/cloudtrail/normalize.js';
import { resolvePeriod } from '../../src/collect/period.js';
import { compareEvents, toIotEvent } from '../../src/iot/events.js';
import type { IotEvent } from '../../src/types.js';
import { buildOctober, collectedOf } from '../helpers/build-from-records.js';
import { record } from '../helpers/trail-tree.js';

const ACCT = '111122223333';
const CERT = 'c'.repeat(64);
const CERT_ARN = `arn:aws:iot:us-east-1:${ACCT}:cert/${CERT}`;
const file = { key: 'k', source: 'src', accountId: ACCT, region: 'us-east-1', deliveryDay: '2026-10-05', organizationId: null };

let n = 0;
function ev(overrides: Record<string, unknown>): IotEvent {
  n++;
  const time = `2026-10-05T10:${String(n).padStart(2, '0')}:00Z`;
  return toIotEvent({ record: normalizeRecord(record({ eventID: `e${String(n).padStart(3, '0')}`, eventTime: time, ...overrides }))!, file });
}

const role = (session: string, mfa = 'false') => ({
  type: 'AssumedRole',
  arn: `arn:aws:sts::${ACCT}:assumed-role/provisioner/${session}`,
  accountId: ACCT,
  sessionContext: {
    attributes: { mfaAuthenticated: mfa },
    sessionIssuer: { type: 'Role', arn: `arn:aws:iam::${ACCT}:role/provisioner`, userName: 'provisioner' },
  },
});

describe('IoT events', () => {
  it('takes the account, region, category and resources from the record', () => {
    const e = ev({ eventName: 'AttachPolicy', requestParameters: { policyName: 'p1', target: CERT_ARN } });
    expect(e).toMatchObject({ accountId: ACCT, region: 'us-east-1', category: 'policy', isChange: true, readOnly: false });
    expect(e.resources).toEqual([
      { type: 'policy', id: 'p1', arn: null },
      { type: 'certificate', id: CERT, arn: CERT_ARN },
    ]);
  });

  it('finds a certificate id in any .../cert/<id> ARN of a response', () => {
    const e = ev({ eventName: 'CreateKeysAndCertificate', requestParameters: { setAsActive: true }, responseElements: { certificateArn: CERT_ARN } });
    expect(e.resources).toContainEqual({ type: 'certificate', id: CERT, arn: CERT_ARN });
    expect(e.category).toBe('certificate');
  });

  it('never counts a read, or a failure, as a change', () => {
    expect(ev({ eventName: 'ListAuthorizers', readOnly: true, requestParameters: null }).isChange).toBe(false);
    expect(ev({ eventName: 'DescribeCertificate', readOnly: undefined, requestParameters: { certificateId: CERT } })).toMatchObject({ readOnly: true, isChange: false });
    expect(ev({ eventName: 'DeleteCertificate', errorCode: 'AccessDeniedException', requestParameters: { certificateId: CERT } }).isChange).toBe(false);
  });

  it('labels the role behind an assumed-role session', () => {
    const e = ev({ userIdentity: role('ci-42', 'true') });
    expect(e.actor).toMatchObject({ key: `arn:aws:iam::${ACCT}:role/provisioner`, label: 'role/provisioner (session ci-42)', mfaAuthenticated: true, sessionName: 'ci-42' });
  });

  it('gives the events of one caller one actor, and a caller that differs in any field, even by a null, its own', () => {
    const a = ev({ userIdentity: role('ci-42') });
    const b = ev({ userIdentity: role('ci-42') });
    expect(b.actor).toBe(a.actor);
    const parsed = normalizeRecord(record({ userIdentity: role('ci-42') }))!.actor;
    expect(a.actor).toEqual(parsed);
    // Each differs from the others in one field only (values that could run together in a joined key included).
    const variants: Record<string, unknown>[] = [
      role('ci-43'),
      role('ci-42', 'true'),
      { ...role('ci-42'), principalId: 'AROA:ci-42' },
      { ...role('ci-42'), principalId: 'AROA:ci-4' },
      { ...role('ci-42'), principalId: 'AROA:ci-4', accessKeyId: '2' },
      { ...role('ci-42'), principalId: 'AROA:ci-42', accessKeyId: 'ASIA1' },
      { ...role('ci-42'), accessKeyId: '-' },
      { ...role('ci-42'), invokedBy: 'iot.amazonaws.com' },
      // A forged pair that joins to the same text with a NUL between the fields.
      { ...role('ci-42'), invokedBy: 'x\u0000y', accessKeyId: 'k' },
      { ...role('ci-42'), invokedBy: 'x', accessKeyId: 'y\u0000k' },
      { type: 'IAMUser', arn: `arn:aws:iam::${ACCT}:user/alice`, accountId: ACCT, userName: 'alice' },
      { type: 'IAMUser', arn: `arn:aws:iam::${ACCT}:user/alice`, accountId: ACCT },
      { type: 'IAMUser', arn: `arn:aws:iam::${ACCT}:user/alice`, userName: 'alice' },
    ];
    const actors = variants.map((identity) => ev({ userIdentity: identity }).actor);
    expect(new Set([a.actor, ...actors]).size).toBe(variants.length + 1);
    actors.forEach((actor, i) => expect(actor).toEqual(normalizeRecord(record({ userIdentity: variants[i] }))!.actor));
  });

  it('builds the events from the records, sorted, and lets the records go', () => {
    const other = { ...file, key: 'k2' };
    const at = (id: string, time: string, from: typeof file) => ({ record: normalizeRecord(record({ eventID: id, eventTime: time, eventName: 'AttachPolicy' }))!, file: from });
    const records = [at('b', '2026-10-05T10:02:00Z', file), at('a', '2026-10-05T10:01:00Z', other), at('c', '2026-10-05T10:01:00Z', file)];
    const collected = collectedOf(records);
    const model = buildOctober(collected);
    expect(model.events.map((e) => [e.eventId, e.sourceFile])).toEqual([
      ['a', 'src/k2'],
      ['c', 'src/k'],
      ['b', 'src/k'],
    ]);
    // Nothing holds a month's records once their events exist (they were both in memory).
    expect(collected.records).toEqual([]);
  });

  it('sorts by time then id (calls of the same kind)', () => {
    const a = { eventTime: '2026-10-01T00:00:00Z', eventId: 'b', eventName: 'UpdateThing' };
    const b = { eventTime: '2026-10-01T00:00:00Z', eventId: 'a', eventName: 'UpdateThing' };
    expect([a, b].sort(compareEvents)).toEqual([b, a]);
  });
});

describe('certificate lifecycles', () => {
  it('follows a certificate from creation to deletion, with its things and policies', () => {
    const events = [
      ev({ eventName: 'CreateKeysAndCertificate', requestParameters: { setAsActive: 'true' }, responseElements: { certificateId: CERT, certificateArn: CERT_ARN } }),
      ev({ eventName: 'AttachThingPrincipal', requestParameters: { thingName: 'pump-1', principal: CERT_ARN } }),
      ev({ eventName: 'AttachPolicy', requestParameters: { policyName: 'p1', target: CERT_ARN } }),
      ev({ eventName: 'UpdateCertificate', requestParameters: { certificateId: CERT, newStatus: 'REVOKED' } }),
      ev({ eventName: 'DetachThingPrincipal', requestParameters: { thingName: 'pump-1', principal: CERT_ARN } }),
      ev({ eventName: 'UpdateCertificate', errorCode: 'AccessDeniedException', requestParameters: { certificateId: CERT, newStatus: 'ACTIVE' } }),
      ev({ eventName: 'DescribeCertificate', readOnly: true, requestParameters: { certificateId: CERT } }),
      ev({ eventName: 'DeleteCertificate', requestParameters: { certificateId: CERT, forceDelete: true } }),
    ];
    const [c] = certificateLifecycles(events);
    expect(c.steps.map((s) => s.action)).toEqual(['created', 'attached-to-thing', 'policy-attached', 'revoked', 'detached-from-thing', 'deleted']);
    expect(c.steps.at(-1)!.detail).toBe('forced');
    expect(c.lastKnownStatus).toBe('DELETED');
    expect(c.things).toEqual([]);
    // Nothing is attached to a deleted certificate: AWS IoT refuses the deletion while a policy
    // is attached, unless forceDelete, which detaches them (the policy was listed here before).
    expect(c.policies).toEqual([]);
    expect(c.failedEventIds).toHaveLength(1);
    expect(c.arn).toBe(CERT_ARN);
  });

  it('keeps CA certificates apart and records transfers', () => {
    const ca = 'a'.repeat(64);
    const events = [
      ev({ eventName: 'RegisterCACertificate', requestParameters: { setAsActive: true, allowAutoRegistration: true }, responseElements: { certificateId: ca, certificateArn: `arn:aws:iot:us-east-1:${ACCT}:cacert/${ca}` } }),
      ev({ eventName: 'TransferCertificate', requestParameters: { certificateId: CERT, targetAwsAccount: '999988887777' } }),
    ];
    const lifecycles = certificateLifecycles(events);
    expect(lifecycles.map((c) => [c.kind, c.steps[0].action, c.steps[0].detail])).toEqual([
      ['ca', 'registered', 'ACTIVE, auto-registration on'],
      ['device', 'transfer-started', 'to 999988887777'],
    ]);
  });
});

describe('CA certificate calls that name the CA by certificateId', () => {
  it('follow the CA certificate, and make no device certificate', () => {
    const ca = 'd'.repeat(64);
    const events = [
      ev({ eventName: 'RegisterCACertificate', requestParameters: { caCertificate: 'pem', setAsActive: 'true' }, responseElements: { certificateId: ca, certificateArn: `arn:aws:iot:us-east-1:${ACCT}:cacert/${ca}` } }),
      ev({ eventName: 'UpdateCACertificate', requestParameters: { certificateId: ca, newStatus: 'INACTIVE' } }),
      ev({ eventName: 'DeleteCACertificate', requestParameters: { certificateId: ca } }),
    ];
    const lifecycles = certificateLifecycles(events);
    expect(lifecycles.map((c) => [c.kind, c.certificateId, c.lastKnownStatus, c.steps.map((s) => s.action)])).toEqual([
      ['ca', ca, 'DELETED', ['registered', 'deactivated', 'deleted']],
    ]);
  });
});

describe('policy histories', () => {
  const doc = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iot:*', Resource: '*' }] });

  it('makes the default unknown, not stale, after a new default version whose id was not logged', () => {
    const create = ev({ eventName: 'CreatePolicy', requestParameters: { policyName: 'p1', policyDocument: doc }, responseElements: { policyVersionId: '1' } });
    const unlogged = ev({ eventName: 'CreatePolicyVersion', requestParameters: { policyName: 'p1', policyDocument: doc, setAsDefault: true }, responseElements: null });
    const [p] = policyHistories([create, unlogged]);
    expect(p).toMatchObject({ defaultVersionId: null, defaultVersionNotLogged: true });
    expect(p.versions.map((v) => [v.versionId, v.setAsDefault])).toEqual([
      ['1', true],
      [null, true],
    ]);
    // A version that is not made default leaves the default alone, logged or not.
    const notDefault = ev({ eventName: 'CreatePolicyVersion', requestParameters: { policyName: 'p1', policyDocument: doc, setAsDefault: 'false' }, responseElements: null });
    expect(policyHistories([create, notDefault])[0]).toMatchObject({ defaultVersionId: '1', defaultVersionNotLogged: false });
    // A later switch to a known version makes it known again; a deletion makes it none.
    const setDefault = ev({ eventName: 'SetDefaultPolicyVersion', requestParameters: { policyName: 'p1', policyVersionId: '1' } });
    expect(policyHistories([create, unlogged, setDefault])[0]).toMatchObject({ defaultVersionId: '1', defaultVersionNotLogged: false });
    const deleted = ev({ eventName: 'DeletePolicy', requestParameters: { policyName: 'p1' } });
    expect(policyHistories([create, unlogged, deleted])[0]).toMatchObject({ defaultVersionId: null, defaultVersionNotLogged: false, deleted: true });
  });

  it('records versions, default changes, attachments and deletions', () => {
    const events = [
      ev({ eventName: 'CreatePolicy', requestParameters: { policyName: 'p1', policyDocument: doc }, responseElements: { policyArn: `arn:aws:iot:us-east-1:${ACCT}:policy/p1`, policyVersionId: '1' } }),
      ev({ eventName: 'CreatePolicyVersion', requestParameters: { policyName: 'p1', policyDocument: doc, setAsDefault: true }, responseElements: { policyVersionId: '2', isDefaultVersion: true } }),
      ev({ eventName: 'SetDefaultPolicyVersion', requestParameters: { policyName: 'p1', policyVersionId: '1' } }),
      ev({ eventName: 'AttachPolicy', requestParameters: { policyName: 'p1', target: CERT_ARN } }),
      ev({ eventName: 'AttachPolicy', requestParameters: { policyName: 'p1', target: `arn:aws:iot:us-east-1:${ACCT}:thinggroup/fleet` } }),
      ev({ eventName: 'DetachPolicy', requestParameters: { policyName: 'p1', target: CERT_ARN } }),
      ev({ eventName: 'CreatePolicyVersion', requestParameters: { policyName: 'p1', policyDocument: 'HIDDEN_DUE_TO_SECURITY_REASONS' }, responseElements: { policyVersionId: '3' } }),
    ];
    const [p] = policyHistories(events);
    expect(p.arn).toBe(`arn:aws:iot:us-east-1:${ACCT}:policy/p1`);
    expect(p.versions.map((v) => [v.versionId, v.setAsDefault, v.documentRecorded])).toEqual([
      ['1', true, true],
      ['2', true, true],
      ['3', false, false],
    ]);
    expect(p.defaultVersionId).toBe('1');
    expect(p.attachedTargets).toEqual([`arn:aws:iot:us-east-1:${ACCT}:thinggroup/fleet`]);
    expect(p.changes.map((c) => c.action)).toEqual(['create', 'create-version', 'set-default', 'attach', 'attach', 'detach', 'create-version']);
    expect(p.changes[4].targetType).toBe('thingGroup');
  });

  it('says "not recorded" for a missing or omitted document, never "empty"', () => {
    expect(documentAsLogged(undefined)).toEqual({ document: null, recorded: false, pretty: null, whyNotRecorded: 'the request parameters hold no policy document' });
    expect(documentAsLogged('HIDDEN_DUE_TO_SECURITY_REASONS').recorded).toBe(false);
    expect(documentAsLogged(doc).pretty).toContain('"iot:*"');
  });

  it('keeps same-named policies of other accounts apart and ignores IAM-style names without policyName', () => {
    const other = toIotEvent({
      record: normalizeRecord(record({ eventID: 'x', eventName: 'CreatePolicy', recipientAccountId: '444455556666', requestParameters: { policyName: 'p1', policyDocument: doc } }))!,
      file,
    });
    const mine = ev({ eventName: 'CreatePolicy', requestParameters: { policyName: 'p1', policyDocument: doc } });
    expect(policyHistories([mine, other].sort(compareEvents)).map((p) => p.accountId)).toEqual([ACCT, '444455556666']);
  });
});

describe('actors, denied attempts and summary', () => {
  it('summarizes a federated user under its own ARN, its issuer in the label, not as a role', () => {
    const federated = (name: string) => ({
      type: 'FederatedUser',
      principalId: `${ACCT}:${name}`,
      arn: `arn:aws:sts::${ACCT}:federated-user/${name}`,
      accountId: ACCT,
      sessionContext: { sessionIssuer: { type: 'IAMUser', arn: `arn:aws:iam::${ACCT}:user/bob`, userName: 'bob' }, attributes: { mfaAuthenticated: 'false' } },
    });
    const summaries = actorSummaries([ev({ userIdentity: federated('ann') }), ev({ userIdentity: federated('eve') }), ev({ userIdentity: federated('ann') })]);
    expect(summaries.map((s) => [s.label, s.arn, s.changes])).toEqual([
      ['federated-user/ann (issued by user/bob)', `arn:aws:sts::${ACCT}:federated-user/ann`, 2],
      ['federated-user/eve (issued by user/bob)', `arn:aws:sts::${ACCT}:federated-user/eve`, 1],
    ]);
    expect(summaries[0]!.sessionIssuerArn).toBe(`arn:aws:iam::${ACCT}:user/bob`);
  });

  it('groups a role sessions under the role and counts changes and failures', () => {
    const events = [
      ev({ userIdentity: role('s1'), sourceIPAddress: '10.0.0.1' }),
      ev({ userIdentity: role('s2'), sourceIPAddress: '10.0.0.2', eventName: 'DeleteThing' }),
      ev({ userIdentity: role('s3'), errorCode: 'AccessDeniedException', eventName: 'DeletePolicy', requestParameters: { policyName: 'p' } }),
      ev({ userIdentity: role('s3'), errorCode: 'AccessDeniedException', eventName: 'DeletePolicy', requestParameters: { policyName: 'p' } }),
    ];
    const [a] = actorSummaries(events);
    expect(a).toMatchObject({ label: 'role/provisioner', changes: 2, failedAttempts: 2, mfaAuthenticated: false, sourceIps: ['10.0.0.1', '10.0.0.2', '198.51.100.7'] });
    const [d] = deniedGroups(events);
    expect(d).toMatchObject({ eventName: 'DeletePolicy', errorCode: 'AccessDeniedException', count: 2 });
  });

  it('counts changes by category, action, account, region and day in the period zone', () => {
    const period = resolvePeriod({ period: '2026-10', tz: 'UTC' }, new Date());
    const events = [
      ev({ eventName: 'CreatePolicy', requestParameters: { policyName: 'p' } }),
      ev({ eventName: 'CreateThing' }),
      ev({ eventName: 'ListThings', readOnly: true }),
      ev({ eventName: 'DeleteThing', errorCode: 'AccessDeniedException' }),
    ];
    const s = summarize(events, [], period, false);
    expect(s).toMatchObject({ totalEvents: 4, changes: 2, reads: 1, failedAttempts: 1, deniedAttempts: 1 });
    expect(s.changesByCategory).toEqual([
      { category: 'certificate', count: 0 },
      { category: 'policy', count: 1 },
      { category: 'other', count: 1 },
    ]);
    expect(s.byDay).toHaveLength(31);
    expect(s.byDay.find((d) => d.date === '2026-10-05')).toEqual({ date: '2026-10-05', changes: 2, failedAttempts: 1 });
  });
});
