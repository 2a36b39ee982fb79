/**
 * Certificates as an auditor counts them (2026-11-26 review of 53d9072 and 6bc8cce):
 * 1. `--compare` matched certificates by the account they end in: one transferred from iot-prod to
 *    iot-staging since the previous report was a "new" certificate;
 * 2. a certificate named only by failed or denied calls (the demo has 4: refused DescribeCertificate,
 *    UpdateCertificate and AttachPolicy) was counted among the "Certificates (170)" touched, and
 *    was new to `--compare`, where a policy of the kind is counted apart since 6bc8cce.
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
import type { IotEvent, ReportModel } from '../../src/report/model.js';
import { NAMES, PROD, STAGING, certArn, certCall } from '../helpers/cert-transfer.js';
import { account, period, reportModel } from '../helpers/events.js';

const CERT = 'a9'.repeat(32);
const OTHER = 'c3'.repeat(32);
const arnIn = (accountId: string, id = CERT) => certArn(accountId, id);
const SCREEN: RenderContext = { media: 'screen', paper: 'a4', dataFiles: ['iot-audit-2026-10.json'] };

/** One call in `accountId` on `day` at `time`. */
const call = (
  day: string,
  time: string,
  accountId: string,
  eventName: string,
  requestParameters: Record<string, unknown>,
  responseElements: Record<string, unknown> | null = null,
  errorCode: string | null = null,
): IotEvent => certCall(`${day}T${time}`, accountId, eventName, requestParameters, responseElements, { errorCode });

const SEPT = '2026-09-10';
const OCT = '2026-10-19';
const create = (day: string, time: string, accountId = PROD, id = CERT) =>
  call(day, time, accountId, 'CreateKeysAndCertificate', { setAsActive: true }, { certificateId: id, certificateArn: arnIn(accountId, id) });
const transfer = (day: string, time: string) =>
  call(day, time, PROD, 'TransferCertificate', { certificateId: CERT, targetAwsAccount: STAGING }, { transferredCertificateArn: arnIn(STAGING) });
const accept = (day: string, time: string) => call(day, time, STAGING, 'AcceptCertificateTransfer', { certificateId: CERT, setAsActive: true });
const deactivate = (day: string, time: string, accountId = PROD, id = CERT) => call(day, time, accountId, 'UpdateCertificate', { certificateId: id, newStatus: 'INACTIVE' });
const denied = (day: string, time: string, eventName: string, id: string) =>
  call(day, time, STAGING, eventName, { certificateId: id, ...(eventName === 'UpdateCertificate' ? { newStatus: 'ACTIVE' } : {}) }, null, 'AccessDeniedException');

function model(events: IotEvent[], init: Partial<ReportModel> = {}): ReportModel {
  const sorted = [...events].sort(compareEvents);
  return reportModel({
    accounts: [PROD, STAGING].map((id) => account(id, { name: NAMES[id] })),
    events: sorted,
    certificates: certificateLifecycles(sorted),
    ...init,
  });
}

const september = (events: IotEvent[]) =>
  JSON.parse(
    JSON.stringify(model(events, { title: 'AWS IoT audit report, September 2026', period: period({ start: '2026-09-01T00:00:00Z', end: '2026-10-01T00:00:00Z', month: '2026-09', label: 'September 2026 (UTC)' }) })),
  ) as ReportModel;

/** The same report as schema 1.4 wrote it: no certificate `accounts` or `changed`, no step accounts. */
function asSchema14(report: ReportModel): unknown {
  return {
    ...report,
    schemaVersion: '1.4',
    certificates: report.certificates.map(({ accounts: _a, changed: _c, ...c }) => ({ ...c, steps: c.steps.map(({ accountId: _i, accountName: _n, ...s }) => s) })),
  };
}

/** The same report as schema 1.5 wrote it: without the counts schema 1.6 added. */
function asSchema15(report: ReportModel): unknown {
  const { accountsCovered: _a, filesReadable: _f, ...coverage } = report.coverage;
  return {
    ...report,
    schemaVersion: '1.5',
    coverage,
    summary: { ...report.summary, byAccount: report.summary.byAccount.map(({ notInOrganization: _n, ...a }) => a) },
  };
}

const certificatesOf = (m: ReportModel) => {
  const c = m.comparison!.certificates;
  return {
    new: c.new.map((x) => [x.certificateId.slice(0, 4), x.accountId]),
    changed: c.changed.map((x) => [x.certificateId.slice(0, 4), x.accountId, x.previousStatus, x.status, x.movedFrom]),
    moved: c.moved,
  };
};

describe('1. --compare and a certificate transferred to another account', () => {
  // Created in iot-prod in September; deactivated, transferred and accepted by iot-staging in October.
  const before = september([create(SEPT, '07:31:40')]);
  const october = () => model([deactivate(OCT, '12:59:00'), transfer(OCT, '13:00:00'), accept(OCT, '13:20:00')]);

  it('is the previous report’s certificate, moved to the account it is in now, not a new one', () => {
    const now = october();
    now.comparison = compareReports(now, before, 'sept.json');
    expect(certificatesOf(now)).toEqual({
      new: [],
      changed: [['a9a9', STAGING, 'ACTIVE', 'ACTIVE', { accountId: PROD, accountName: 'iot-prod' }]],
      moved: 1,
    });
  });

  it('is found the same way in a previous report of schema 1.4 (no certificate accounts)', () => {
    const now = october();
    now.comparison = compareReports(now, asSchema14(before), 'sept.json');
    expect(certificatesOf(now).changed).toEqual([['a9a9', STAGING, 'ACTIVE', 'ACTIVE', { accountId: PROD, accountName: 'iot-prod' }]]);
    expect(certificatesOf(now).new).toEqual([]);
    expect(certificatesOf(now).moved).toBe(1);
  });

  it('is found the same way in a previous report of schema 1.5 (none of the counts 1.6 added)', () => {
    const now = october();
    now.comparison = compareReports(now, asSchema15(before), 'sept.json');
    expect(certificatesOf(now)).toEqual({
      new: [],
      changed: [['a9a9', STAGING, 'ACTIVE', 'ACTIVE', { accountId: PROD, accountName: 'iot-prod' }]],
      moved: 1,
    });
  });

  it('is the certificate the previous report left pending a transfer, accepted in this period', () => {
    const pending = september([create(SEPT, '07:31:40'), transfer(SEPT, '18:00:00')]);
    expect(pending.certificates.map((c) => [c.accountId, c.lastKnownStatus])).toEqual([[PROD, 'PENDING_TRANSFER']]);
    const now = model([accept(OCT, '09:00:00')]);
    now.comparison = compareReports(now, pending, 'sept.json');
    expect(certificatesOf(now)).toEqual({
      new: [],
      changed: [['a9a9', STAGING, 'PENDING_TRANSFER', 'ACTIVE', { accountId: PROD, accountName: 'iot-prod' }]],
      moved: 1,
    });
  });

  it('leaves new a certificate of the id registered again in the account it left, and one of another id', () => {
    const now = model([transfer(OCT, '13:00:00'), accept(OCT, '13:20:00'), create(OCT, '15:00:00', PROD), create(OCT, '16:00:00', PROD, OTHER)]);
    now.comparison = compareReports(now, before, 'sept.json');
    expect(certificatesOf(now)).toEqual({
      new: [
        ['a9a9', PROD],
        ['c3c3', PROD],
      ],
      changed: [['a9a9', STAGING, 'ACTIVE', 'ACTIVE', { accountId: PROD, accountName: 'iot-prod' }]],
      moved: 1,
    });
  });

  it('says a certificate that stayed and changed status did not move', () => {
    const now = model([deactivate(OCT, '12:59:00')]);
    now.comparison = compareReports(now, before, 'sept.json');
    expect(certificatesOf(now)).toEqual({ new: [], changed: [['a9a9', PROD, 'ACTIVE', 'INACTIVE', null]], moved: 0 });
  });

  it('shows it moved, from the account the previous report had it in, in the HTML and the Markdown', async () => {
    const now = october();
    now.comparison = compareReports(now, before, 'sept.json');
    const view = buildView(now, SCREEN);
    const [row] = view.comparison!.certificates.chunks.flatMap((c) => c.rows);
    expect([row!.change.label, row!.accounts, row!.status]).toEqual(['moved', [`${PROD} (iot-prod)`, `→ ${STAGING} (iot-staging)`], 'ACTIVE']);
    expect(view.comparison!.counts.find((c) => c.label === 'Certificates new / changed')?.value).toBe('0 / 1 (1 moved to another account)');
    const html = parse(await htmlText(now, SCREEN)).querySelector('#comparison')!.text.replace(/\s+/g, ' ');
    expect(html).toContain(`moved${CERT}Device${PROD} (iot-prod)→ ${STAGING} (iot-staging)`);
    expect(renderMarkdown(now, { comparison: now.comparison })).toContain('- Certificates: 0 new, 1 changed (1 moved to another account)\n');
  });
});

describe('2. a certificate only failed or denied calls named', () => {
  // The demo's four: a refused DescribeCertificate, UpdateCertificate and AttachPolicy name certificates nothing was done to.
  const events = () => [
    create(OCT, '07:00:00', STAGING, OTHER),
    denied(OCT, '13:04:18', 'DescribeCertificate', CERT),
    denied(OCT, '13:06:59', 'UpdateCertificate', 'd8'.repeat(32)),
  ];

  it('is not changed (its `changed` is false), and is counted apart in the Contents and the section', async () => {
    const m = model(events());
    expect(m.certificates.map((c) => [c.certificateId.slice(0, 4), c.changed, c.steps.length, c.failedEventIds.length])).toEqual([
      ['c3c3', true, 1, 0],
      ['a9a9', false, 0, 1],
      ['d8d8', false, 0, 1],
    ]);
    const view = buildView(m, SCREEN);
    expect(view.toc.find((t) => t.href === '#certificates')?.count).toBe('1 + 2 only failed');
    expect(view.certificates.total).toBe('1 certificate (1 device, 0 CA) changed in the period, and 2 more only in failed or denied calls (no change made)');
    expect(view.certificates.table.chunks.flatMap((c) => c.rows).map((r) => [r.id.slice(0, 4), r.onlyFailed])).toEqual([
      ['c3c3', false],
      ['a9a9', true],
      ['d8d8', true],
    ]);
    const root = parse(await htmlText(m, SCREEN));
    expect(root.querySelector('#certificates p.lead')!.text).toBe(`${view.certificates.total}, with their lifecycle: who did what, and when.`);
    expect(root.querySelectorAll('#certificates .badge.st-warn').map((b) => b.text)).toEqual(['Only failed or denied calls', 'Only failed or denied calls']);
  });

  it('keeps the count as it was when every certificate was changed', () => {
    const m = model([create(OCT, '07:00:00', STAGING, OTHER)]);
    const view = buildView(m, SCREEN);
    expect([view.toc.find((t) => t.href === '#certificates')?.count, view.certificates.total]).toEqual(['1', '1 certificate (1 device, 0 CA) touched in the period']);
  });

  it('is no new certificate since the previous report, and one the previous report knew only so is new when changed now (schema 1.4 too)', () => {
    const empty = september([]);
    const now = model(events());
    now.comparison = compareReports(now, empty, 'sept.json');
    expect(certificatesOf(now).new).toEqual([['c3c3', STAGING]]);

    // Named only by a denied call in September, created in October: new, in a previous report of either schema.
    const deniedBefore = september([denied(SEPT, '10:00:00', 'DescribeCertificate', OTHER)]);
    for (const previous of [deniedBefore, asSchema14(deniedBefore)]) {
      const later = model(events());
      later.comparison = compareReports(later, previous, 'sept.json');
      expect(certificatesOf(later)).toEqual({ new: [['c3c3', STAGING]], changed: [], moved: 0 });
    }
  });
});
