/**
 * A transferred certificate's lifecycle keeps where each thing happened: every step carries the
 * account its call was made in, the certificate the accounts it was in (the one of its first
 * event, then each that accepted it), and ARNs are only those the logs gave. An auditor's review
 * of the demo found the creation, deactivation and transfer made in the sender's account shown
 * under the accepting account, with an ARN there that no log held.
 */
import { parse } from 'node-html-parser';
import { describe, expect, it } from 'vitest';
import { certificateLifecycles } from '../../src/analysis/certificates.js';
import { compareEvents } from '../../src/iot/events.js';
import { lifecycleKey } from '../../src/render/group.js';
import { htmlText } from '../../src/render/html.js';
import { buildView } from '../../src/render/view.js';
import type { CertificateLifecycle, IotEvent } from '../../src/report/model.js';
import { LAB, NAMES, PROD, REGION, STAGING, certArn, certCall } from '../helpers/cert-transfer.js';
import { account, actors, reportModel } from '../helpers/events.js';

const CERT = 'a9'.repeat(32);
const arnIn = (accountId: string, id = CERT) => certArn(accountId, id);

const user = (name: string, accountId: string) => actors.iamUser(name, { accountId, arn: `arn:aws:iam::${accountId}:user/${name}`, label: `user/${name}` });

/** One successful call in `accountId` at 2026-10-19 `time`. */
const call = (time: string, accountId: string, eventName: string, requestParameters: Record<string, unknown>, responseElements: Record<string, unknown> | null = null): IotEvent =>
  certCall(`2026-10-19T${time}`, accountId, eventName, requestParameters, responseElements, { actor: user(accountId === PROD ? 'ops-oncall' : 'staging-ops', accountId) });

const create = (time: string, accountId = PROD, id = CERT) =>
  call(time, accountId, 'CreateKeysAndCertificate', { setAsActive: true }, { certificateId: id, certificateArn: arnIn(accountId, id) });
const deactivate = (time: string, accountId = PROD) => call(time, accountId, 'UpdateCertificate', { certificateId: CERT, newStatus: 'INACTIVE' });
/** A transfer whose response logs the certificate's ARN in the receiving account, or (`logged` false) whose response CloudTrail did not keep. */
const transfer = (time: string, from: string, to: string, logged = true) =>
  call(time, from, 'TransferCertificate', { certificateId: CERT, targetAwsAccount: to }, logged ? { transferredCertificateArn: arnIn(to) } : null);
const accept = (time: string, accountId: string) => call(time, accountId, 'AcceptCertificateTransfer', { certificateId: CERT, setAsActive: true });
const reject = (time: string, accountId: string) => call(time, accountId, 'RejectCertificateTransfer', { certificateId: CERT, rejectReason: 'no RMA ticket' });
const cancel = (time: string, accountId: string) => call(time, accountId, 'CancelCertificateTransfer', { certificateId: CERT });

const lifecycles = (events: IotEvent[]) => certificateLifecycles([...events].sort(compareEvents));

/** What an auditor reads of a lifecycle: where it is, where it was (with the ARN logged there), and where each step was made. */
const where = (c: CertificateLifecycle) => ({
  accountId: c.accountId,
  arn: c.arn,
  accounts: c.accounts.map((a) => [a.accountId, a.accountName, a.arn]),
  steps: c.steps.map((s) => [s.action, s.accountId, s.accountName]),
  status: c.lastKnownStatus,
});

describe('a certificate transferred to another account', () => {
  it('keeps each step in the account it was made in, and both accounts with the ARN each logged (the demo certificate a941194c…)', () => {
    const [c, more] = lifecycles([create('07:31:40'), deactivate('12:59:00'), transfer('13:00:00', PROD, STAGING), accept('13:20:00', STAGING)]);
    expect(more).toBeUndefined();
    expect(where(c!)).toEqual({
      accountId: STAGING,
      arn: arnIn(STAGING),
      accounts: [
        [PROD, 'iot-prod', arnIn(PROD)],
        // The transfer's response logged it.
        [STAGING, 'iot-staging', arnIn(STAGING)],
      ],
      steps: [
        ['created', PROD, 'iot-prod'],
        ['deactivated', PROD, 'iot-prod'],
        ['transfer-started', PROD, 'iot-prod'],
        ['transfer-accepted', STAGING, 'iot-staging'],
      ],
      status: 'ACTIVE',
    });
  });

  it('makes up no ARN in the accepting account when no log gave one', () => {
    const [c] = lifecycles([create('07:31:40'), transfer('13:00:00', PROD, STAGING, false), accept('13:20:00', STAGING)]);
    expect(c!.arn).toBeNull();
    expect(c!.accounts.map((a) => a.arn)).toEqual([arnIn(PROD), null]);
  });

  it('takes its ARN in the accepting account from the calls made there after the accept, also in the same second', () => {
    const attach = (time: string) => call(time, STAGING, 'AttachThingPrincipal', { thingName: 'bench-7', principal: arnIn(STAGING) });
    for (const events of [
      [transfer('13:00:00', PROD, STAGING, false), accept('13:20:00', STAGING), attach('13:25:00')],
      [transfer('13:00:00', PROD, STAGING, false), accept('13:20:00', STAGING), attach('13:20:00')],
    ]) {
      const [c] = lifecycles(events);
      expect(where(c!)).toMatchObject({ accountId: STAGING, arn: arnIn(STAGING), accounts: [[PROD, 'iot-prod', null], [STAGING, 'iot-staging', arnIn(STAGING)]] });
      expect(c!.steps.map((s) => [s.action, s.accountId])).toEqual([
        ['transfer-started', PROD],
        ['transfer-accepted', STAGING],
        ['attached-to-thing', STAGING],
      ]);
    }
  });

  it('does not take another account’s ARN logged in one of its calls as its own', () => {
    // A call in prod naming the certificate's ARN in staging: not its ARN in prod.
    const attach = call('08:00:00', PROD, 'AttachPolicy', { policyName: 'DevicePolicy', target: arnIn(STAGING) });
    const [c] = lifecycles([attach]);
    expect([c!.accountId, c!.arn]).toEqual([PROD, null]);
    expect(c!.accounts).toEqual([{ accountId: PROD, accountName: 'iot-prod', arn: null }]);
  });
});

describe('the other directions of a transfer', () => {
  it('a rejected transfer leaves the certificate where it was; the rejection is the receiving account’s', () => {
    const [c] = lifecycles([create('07:32:20'), transfer('10:00:00', PROD, STAGING), reject('11:30:00', STAGING)]);
    expect(where(c!)).toEqual({
      accountId: PROD,
      arn: arnIn(PROD),
      accounts: [[PROD, 'iot-prod', arnIn(PROD)]],
      steps: [
        ['created', PROD, 'iot-prod'],
        ['transfer-started', PROD, 'iot-prod'],
        ['transfer-rejected', STAGING, 'iot-staging'],
      ],
      status: 'INACTIVE',
    });
  });

  it('a cancelled transfer, or one not answered in the period, leaves it where it was, with no ARN of the receiving account', () => {
    const [cancelled] = lifecycles([create('07:32:20'), transfer('10:00:00', PROD, STAGING), cancel('10:05:00', PROD)]);
    expect(where(cancelled!)).toMatchObject({ accountId: PROD, arn: arnIn(PROD), accounts: [[PROD, 'iot-prod', arnIn(PROD)]], status: 'INACTIVE' });
    expect(cancelled!.steps.map((s) => s.accountId)).toEqual([PROD, PROD, PROD]);
    // Accepted after the period ends: pending at its end. The sender's ARN was never logged: not made from the receiver's.
    const [pending] = lifecycles([transfer('10:00:00', PROD, STAGING)]);
    expect(pending!.arn).toBeNull();
    expect(where(pending!)).toEqual({
      accountId: PROD,
      arn: null,
      accounts: [[PROD, 'iot-prod', null]],
      steps: [['transfer-started', PROD, 'iot-prod']],
      status: 'PENDING_TRANSFER',
    });
  });

  it('a certificate transferred in (its transfer made before the period) and then out again goes through its sender, not shown, and both accounts', () => {
    const [c] = lifecycles([accept('09:00:00', STAGING), deactivate('10:00:00', STAGING), transfer('10:01:00', STAGING, LAB), accept('10:30:00', LAB)]);
    expect(where(c!)).toEqual({
      accountId: LAB,
      arn: arnIn(LAB),
      accounts: [
        [null, null, null],
        [STAGING, 'iot-staging', null],
        [LAB, 'iot-lab', arnIn(LAB)],
      ],
      steps: [
        ['transfer-accepted', STAGING, 'iot-staging'],
        ['deactivated', STAGING, 'iot-staging'],
        ['transfer-started', STAGING, 'iot-staging'],
        ['transfer-accepted', LAB, 'iot-lab'],
      ],
      status: 'ACTIVE',
    });
  });

  it('a certificate sent away and back lists each account it was in, in order', () => {
    const [c] = lifecycles([create('07:00:00'), transfer('08:00:00', PROD, STAGING), accept('09:00:00', STAGING), transfer('10:00:00', STAGING, PROD), accept('11:00:00', PROD)]);
    expect(c!.accounts.map((a) => a.accountId)).toEqual([PROD, STAGING, PROD]);
    expect([c!.accountId, c!.arn]).toEqual([PROD, arnIn(PROD)]);
    expect(c!.steps.map((s) => s.accountId)).toEqual([PROD, PROD, STAGING, STAGING, PROD]);
  });
});

describe('the report of a transferred certificate', () => {
  const OTHER = 'c3'.repeat(32);
  const events = [
    // Another certificate with the same id, registered in the lab first: a finding in prod must not link to it.
    create('06:00:00', LAB),
    create('07:31:40'),
    deactivate('12:59:00'),
    transfer('13:00:00', PROD, STAGING),
    accept('13:20:00', STAGING),
    create('14:00:00', PROD, OTHER),
  ].sort(compareEvents);
  const model = reportModel({
    accounts: [PROD, STAGING, LAB].map((id) => account(id, { name: NAMES[id] })),
    events,
    certificates: certificateLifecycles(events),
    findings: [
      {
        id: 'f-prod',
        ruleId: 'certificate-reactivated',
        severity: 'high',
        title: 'A finding about the certificate in prod',
        description: 'd',
        remediation: 'r',
        accountId: PROD,
        accountName: 'iot-prod',
        region: REGION,
        regions: [REGION],
        resource: CERT,
        resourceKind: 'certificate',
        eventIds: [events[1]!.eventId],
        time: events[1]!.eventTime,
        evidence: null,
        suppressed: false,
        suppressionReason: null,
        suppressionNote: null,
      },
    ],
  });
  const view = buildView(model, { paper: 'a4', dataFiles: ['iot-audit-2026-10.csv', 'iot-audit-2026-10.json'], media: 'screen' });
  const rows = view.certificates.table.chunks.flatMap((c) => c.rows);
  const transferred = rows.find((r) => r.id === CERT && r.account.startsWith(STAGING))!;

  it('shows where it was and where it is, and each step’s account', () => {
    expect(transferred.accounts).toEqual([`${PROD} (iot-prod)`, `→ ${STAGING} (iot-staging)`]);
    expect(transferred.arns).toEqual([arnIn(PROD), arnIn(STAGING)]);
    expect(transferred.steps.items.map((s) => [s.action, s.account])).toEqual([
      ['Created', `${PROD} (iot-prod)`],
      ['Deactivated', `${PROD} (iot-prod)`],
      ['Transfer started', `${PROD} (iot-prod)`],
      ['Transfer accepted', `${STAGING} (iot-staging)`],
    ]);
    // A certificate that stayed in one account: one account, and no account on each step.
    const stayed = rows.find((r) => r.id === OTHER)!;
    expect([stayed.accounts, stayed.steps.items.map((s) => s.account)]).toEqual([[`${PROD} (iot-prod)`], [null]]);
  });

  it('links a finding in the account it left to it, not to another certificate of the id', () => {
    const finding = view.findings.open.chunks.flatMap((c) => c.rows).find((f) => f.id === 'f-prod')!;
    expect(finding.resource.href).toBe(`#${transferred.anchor}`);
  });

  it('prints the accounts and the steps’ accounts in the HTML', async () => {
    const root = parse(await htmlText(model, { media: 'screen', paper: 'a4', dataFiles: ['iot-audit-2026-10.csv', 'iot-audit-2026-10.json'] }));
    const row = root.querySelector(`#${transferred.anchor}`)!;
    const text = row.text.replace(/\s+/g, ' ');
    expect(text).toContain(`${PROD} (iot-prod)→ ${STAGING} (iot-staging)`);
    expect(text).toContain(`by user/ops-oncall in ${PROD} (iot-prod)`);
    expect(text).toContain(`by user/staging-ops in ${STAGING} (iot-staging)`);
    expect(text).toContain(arnIn(PROD));
  });

  it('groups no certificates that came from different accounts', () => {
    const [fromProd] = lifecycles([transfer('13:00:00', PROD, STAGING), accept('13:20:00', STAGING)]);
    const [fromLab] = lifecycles([transfer('13:00:00', LAB, STAGING), accept('13:20:00', STAGING)]).map((c) => ({
      ...c,
      // The same actor labels: only the account tells them apart.
      steps: c.steps.map((s, i) => ({ ...s, actorLabel: fromProd!.steps[i]!.actorLabel })),
    }));
    expect(lifecycleKey(fromProd!)).not.toBe(lifecycleKey(fromLab!));
  });
});
