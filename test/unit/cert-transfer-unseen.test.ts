/**
 * A transfer's answer whose TransferCertificate the report does not show (an auditor's review of
 * 53d9072 and 3b7e509 on the demo's org-trail):
 * 1. under `--account 271828182845`, certificate 3c6b… that iot-staging rejected was placed in
 *    iot-staging, INACTIVE, with `accounts` [iot-staging]: a RejectCertificateTransfer names no
 *    sender, and until the receiving account accepts, the certificate is the sender's. The same
 *    for an accept: the certificate was the sender's before it.
 * 2. `--compare` under a filter: `--account 314159265358` against the full report of the same
 *    month called a941… (known in iot-prod: the previous report's `accounts`) new, and 3c6b…
 *    "changed" INACTIVE → PENDING_TRANSFER, backwards (its rejection is in iot-staging, filtered out).
 */
import { parse } from 'node-html-parser';
import { describe, expect, it } from 'vitest';
import { certificateLifecycles } from '../../src/analysis/certificates.js';
import { compareReports } from '../../src/analysis/compare.js';
import { compareEvents } from '../../src/iot/events.js';
import type { RenderContext } from '../../src/render/context.js';
import { htmlText } from '../../src/render/html.js';
import { renderMarkdown } from '../../src/render/md.js';
import { buildView } from '../../src/render/view.js';
import type { CertificateLifecycle, Finding, IotEvent, ReportModel } from '../../src/report/model.js';
import { NAMES, PROD, REGION, STAGING, certArn, certCall } from '../helpers/cert-transfer.js';
import { account, period, reportModel } from '../helpers/events.js';

/** Accepted by iot-staging, as the demo's a941…; rejected by it, as the demo's 3c6b…. */
const MOVED = 'a9'.repeat(32);
const REJECTED = '3c'.repeat(32);
const arnIn = certArn;
const SCREEN: RenderContext = { media: 'screen', paper: 'a4', dataFiles: ['iot-audit-2026-10.json'] };
const call = certCall;

const create = (at: string, id: string, accountId = PROD) =>
  call(at, accountId, 'CreateKeysAndCertificate', { setAsActive: true }, { certificateId: id, certificateArn: arnIn(accountId, id) });
const deactivate = (at: string, id: string) => call(at, PROD, 'UpdateCertificate', { certificateId: id, newStatus: 'INACTIVE' });
const transfer = (at: string, id: string) =>
  call(at, PROD, 'TransferCertificate', { certificateId: id, targetAwsAccount: STAGING }, { transferredCertificateArn: arnIn(STAGING, id) });
const accept = (at: string, id: string) => call(at, STAGING, 'AcceptCertificateTransfer', { certificateId: id, setAsActive: true });
const reject = (at: string, id: string) => call(at, STAGING, 'RejectCertificateTransfer', { certificateId: id, rejectReason: 'no RMA ticket' });
const cancel = (at: string, id: string) => call(at, PROD, 'CancelCertificateTransfer', { certificateId: id });

/** The demo's two transfers of October: a941… accepted by iot-staging, 3c6b… rejected by it (made once: both reports read the same events, with the same ids). */
const OCTOBER: readonly IotEvent[] = [
  create('2026-10-08T07:31:40', MOVED),
  create('2026-10-08T07:32:20', REJECTED),
  deactivate('2026-10-19T12:59:00', MOVED),
  transfer('2026-10-19T13:00:00', MOVED),
  accept('2026-10-19T13:20:00', MOVED),
  deactivate('2026-10-21T09:59:00', REJECTED),
  transfer('2026-10-21T10:00:00', REJECTED),
  reject('2026-10-21T11:30:00', REJECTED),
];
const october = (): IotEvent[] => [...OCTOBER];

const lifecycles = (events: IotEvent[]) => certificateLifecycles([...events].sort(compareEvents));
const byId = (certs: CertificateLifecycle[], id: string) => certs.find((c) => c.certificateId === id)!;
const where = (c: CertificateLifecycle) => ({
  accountId: c.accountId,
  accounts: c.accounts.map((a) => [a.accountId, a.accountName, a.arn]),
  steps: c.steps.map((s) => [s.action, s.accountId]),
  status: c.lastKnownStatus,
});

/** A report of `events` as `--account` (`accounts`) leaves them, its certificates computed from them. */
function model(events: IotEvent[], accounts: string[] = [], init: Partial<ReportModel> = {}): ReportModel {
  const kept = events.filter((e) => accounts.length === 0 || accounts.includes(e.accountId)).sort(compareEvents);
  return reportModel({
    accounts: [PROD, STAGING].map((id) => account(id, { name: NAMES[id] })),
    filters: { accounts, regions: [] },
    events: kept,
    certificates: certificateLifecycles(kept),
    ...init,
  });
}

/** As a previous report is read: its JSON. */
const asPrevious = (m: ReportModel) => JSON.parse(JSON.stringify(m)) as ReportModel;

const comparedCertificates = (m: ReportModel) => ({
  new: m.comparison!.certificates.new.map((x) => [x.certificateId.slice(0, 4), x.accountId]),
  changed: m.comparison!.certificates.changed.map((x) => [x.certificateId.slice(0, 4), x.accountId, x.previousStatus, x.status, x.movedFrom?.accountId ?? null]),
});

describe('1. an answer to a transfer the report does not show', () => {
  it('a rejection leaves the certificate with a sender the report does not name: no account, no status claimed, the step in the receiving account', () => {
    // `--account 271828182845`: only iot-staging's rejection of 3c6b… is left.
    const c = byId(lifecycles(october().filter((e) => e.accountId === STAGING)), REJECTED);
    expect(where(c)).toEqual({
      accountId: null,
      accounts: [[null, null, null]],
      steps: [['transfer-rejected', STAGING]],
      status: null,
    });
    expect([c.accountName, c.arn, c.changed]).toEqual([null, null, true]);
  });

  it('so does a rejection whose transfer was made before the period, even with the sender’s account in the report', () => {
    const certs = lifecycles([reject('2026-10-21T11:30:00', REJECTED), deactivate('2026-10-22T09:00:00', REJECTED)]);
    // The sender's later call is the certificate of that account: the rejection named no sender, so it is not joined to it.
    expect(certs.map(where)).toEqual([
      { accountId: null, accounts: [[null, null, null]], steps: [['transfer-rejected', STAGING]], status: null },
      { accountId: PROD, accounts: [[PROD, 'iot-prod', null]], steps: [['deactivated', PROD]], status: 'INACTIVE' },
    ]);
  });

  it('an accept puts it in the receiving account, after the sender the report does not name', () => {
    const c = byId(lifecycles(october().filter((e) => e.accountId === STAGING)), MOVED);
    expect(where(c)).toEqual({
      accountId: STAGING,
      accounts: [
        [null, null, null],
        [STAGING, 'iot-staging', null],
      ],
      steps: [['transfer-accepted', STAGING]],
      status: 'ACTIVE',
    });
  });

  it('a cancellation is the sender’s own call: the certificate stays in its account (as before)', () => {
    const [c] = lifecycles([cancel('2026-10-20T10:05:00', REJECTED)]);
    expect(where(c!)).toEqual({ accountId: PROD, accounts: [[PROD, 'iot-prod', null]], steps: [['transfer-cancelled', PROD]], status: 'INACTIVE' });
  });

  it('the full report still has the sender’s certificates, with the answers in the receiving account', () => {
    const certs = lifecycles(october());
    expect(where(byId(certs, REJECTED))).toMatchObject({ accountId: PROD, accounts: [[PROD, 'iot-prod', arnIn(PROD, REJECTED)]], status: 'INACTIVE' });
    expect(where(byId(certs, MOVED)).accounts.map((a) => a[0])).toEqual([PROD, STAGING]);
  });

  it('is shown so in the Certificates section: place, accounts, the step’s account, status unknown', async () => {
    const m = model(october(), [STAGING]);
    const rows = buildView(m, SCREEN).certificates.table.chunks.flatMap((c) => c.rows);
    const rejected = rows.find((r) => r.id === REJECTED)!;
    expect([rejected.account, rejected.accounts, rejected.status.label, rejected.arns]).toEqual(['a sender not in this report', ['a sender not in this report'], 'unknown', []]);
    expect(rejected.steps.items.map((s) => [s.action, s.account])).toEqual([['Transfer rejected', `${STAGING} (iot-staging)`]]);
    const accepted = rows.find((r) => r.id === MOVED)!;
    expect([accepted.account, accepted.accounts, accepted.status.label]).toEqual([`${STAGING} (iot-staging)`, ['a sender not in this report', `→ ${STAGING} (iot-staging)`], 'ACTIVE']);

    const root = parse(await htmlText(m, SCREEN));
    const text = root.querySelector(`#${rejected.anchor}`)!.text.replace(/\s+/g, ' ');
    expect(text).toContain('a sender not in this report');
    expect(text).toContain(`Transfer rejected RejectCertificateTransfer · no RMA ticket by ${m.events[0]!.actor.label} in ${STAGING} (iot-staging)`);
    expect(text).not.toContain('INACTIVE');
    expect(root.querySelector(`#${accepted.anchor}`)!.text.replace(/\s+/g, ' ')).toContain(`a sender not in this report→ ${STAGING} (iot-staging)`);
  });

  it('is found by a finding about it by its id, though it has no place; a certificate of iot-staging of that id keeps the finding of iot-staging', () => {
    const finding = (accountId: string): Finding => ({
      id: `f-${accountId}`,
      ruleId: 'certificate-reactivated',
      severity: 'high',
      title: 't',
      description: 'd',
      remediation: 'r',
      accountId,
      accountName: NAMES[accountId]!,
      region: REGION,
      regions: [REGION],
      resource: REJECTED,
      resourceKind: 'certificate',
      eventIds: [],
      time: '2026-10-21T11:30:00Z',
      evidence: null,
      suppressed: false,
      suppressionReason: null,
      suppressionNote: null,
    });
    const alone = buildView(model(october(), [STAGING], { findings: [finding(PROD)] }), SCREEN);
    const rejected = alone.certificates.table.chunks.flatMap((c) => c.rows).find((r) => r.id === REJECTED);
    expect(alone.findings.open.chunks.flatMap((c) => c.rows)[0]!.resource.href).toBe(`#${rejected!.anchor}`);

    // iot-staging registered a certificate of the same id later: its own, found in its place.
    const events = [...october(), create('2026-10-25T08:00:00', REJECTED, STAGING)];
    const view = buildView(model(events, [STAGING], { findings: [finding(STAGING)] }), SCREEN);
    const own = view.certificates.table.chunks.flatMap((c) => c.rows).find((r) => r.id === REJECTED && r.account.startsWith(STAGING))!;
    expect(view.findings.open.chunks.flatMap((c) => c.rows)[0]!.resource.href).toBe(`#${own.anchor}`);
  });
});

describe('2. --compare under --account', () => {
  const full = () => asPrevious(model(october()));

  it('the same month narrowed to iot-prod: a941… is known (its previous accounts list iot-prod), no status read backwards, and a warning says why', () => {
    const now = model(october(), [PROD]);
    now.comparison = compareReports(now, full(), 'full.json');
    expect(comparedCertificates(now)).toEqual({ new: [], changed: [] });
    const warning = now.comparison.warnings.find((w) => w.includes('of both reports'))!;
    expect(warning).toContain('2 certificates of both reports with a different status are not counted as changed');
    expect(warning).toContain(`a9a9a9a9…, ACTIVE then, PENDING_TRANSFER now: the previous report had it in ${STAGING}, where this report does not show it`);
    expect(warning).toContain('3c3c3c3c…, INACTIVE then, PENDING_TRANSFER now: the previous report shows changes of it in this report’s period that this one does not');
    expect(renderMarkdown(now, { comparison: now.comparison })).toContain('- Certificates: 0 new, 0 changed status\n');
  });

  it('the same month narrowed to iot-staging: the rejected certificate is not new, its place and status not compared', () => {
    const now = model(october(), [STAGING]);
    now.comparison = compareReports(now, full(), 'full.json');
    expect(comparedCertificates(now)).toEqual({ new: [], changed: [] });
    expect(now.comparison.warnings.find((w) => w.includes('of both reports'))).toContain(
      '3c3c3c3c…, INACTIVE then, unknown now: this report shows only the answer to its transfer, not where it is',
    );
  });

  it('back-to-back periods: the certificate left pending a transfer is the one accepted, moved, not new', () => {
    const first = asPrevious(model(october().filter((e) => e.eventTime < '2026-10-19T13:10:00Z'), [], { period: period({ end: '2026-10-19T13:10:00Z', month: null, label: 'first' }) }));
    expect(first.certificates.find((c) => c.certificateId === MOVED)?.lastKnownStatus).toBe('PENDING_TRANSFER');
    const second = model(october().filter((e) => e.eventTime >= '2026-10-19T13:10:00Z'), [], { period: period({ start: '2026-10-19T13:10:00Z', month: null, label: 'second' }) });
    second.comparison = compareReports(second, first, 'first.json');
    expect(comparedCertificates(second)).toEqual({
      new: [],
      changed: [
        ['a9a9', STAGING, 'PENDING_TRANSFER', 'ACTIVE', PROD],
        ['3c3c', PROD, 'ACTIVE', 'INACTIVE', null],
      ],
    });
    expect(second.comparison.warnings.filter((w) => w.includes('certificate'))).toEqual([]);
  });

  it('back-to-back periods, the later narrowed to iot-prod: what it saw is compared, a re-registration of an id that left is new', () => {
    const previous = asPrevious(model(october()));
    const november = [
      call('2026-11-03T09:00:00', PROD, 'UpdateCertificate', { certificateId: REJECTED, newStatus: 'ACTIVE' }),
      transfer('2026-11-03T10:00:00', REJECTED),
      call('2026-11-03T11:00:00', STAGING, 'RejectCertificateTransfer', { certificateId: REJECTED }),
      create('2026-11-04T08:00:00', MOVED),
    ];
    const now = model(november, [PROD], { period: period({ start: '2026-11-01T00:00:00Z', end: '2026-12-01T00:00:00Z', month: '2026-11', label: 'November 2026 (UTC)' }) });
    now.comparison = compareReports(now, previous, 'october.json');
    expect(comparedCertificates(now)).toEqual({ new: [['a9a9', PROD]], changed: [['3c3c', PROD, 'INACTIVE', 'PENDING_TRANSFER', null]] });
  });

  it('reads a previous report holding a certificate of no place, and names no such account among those it covered', () => {
    const narrowed = asPrevious(model(october(), [STAGING]));
    expect(narrowed.certificates.find((c) => c.certificateId === REJECTED)?.accountId).toBeNull();
    const now = model(october(), [STAGING]);
    now.comparison = compareReports(now, narrowed, 'staging.json');
    expect(comparedCertificates(now)).toEqual({ new: [], changed: [] });
    expect(now.comparison.warnings.join('\n')).not.toMatch(/null/);
    const wider = model(october(), [STAGING, PROD]);
    wider.comparison = compareReports(wider, narrowed, 'staging.json');
    // The only warning is the same period's: no scope warning, which would name the previous report's accounts.
    expect(wider.comparison.warnings).toEqual([expect.stringMatching(/^The previous report covers the same period as this one/)]);
  });

  it('a certificate of no place first seen is shown in the sender not in this report', () => {
    const now = model(october(), [STAGING]);
    now.comparison = compareReports(now, asPrevious(model([])), 'empty.json');
    // Neither was created in this report (iot-staging only accepted or rejected their transfers): first seen, not new.
    expect(comparedCertificates(now).new).toEqual([]);
    expect(now.comparison.firstSeen.certificates.map((x) => [x.certificateId.slice(0, 4), x.accountId])).toEqual([
      ['a9a9', STAGING],
      ['3c3c', null],
    ]);
    const rows = buildView(now, SCREEN).comparison!.certificates.chunks.flatMap((c) => c.rows);
    expect(rows.map((r) => [r.change.label, r.id.slice(0, 4), r.accounts, r.status])).toEqual([
      ['first seen', 'a9a9', [`${STAGING} (iot-staging)`], 'ACTIVE'],
      ['first seen', '3c3c', ['a sender not in this report'], 'unknown'],
    ]);
  });
});
