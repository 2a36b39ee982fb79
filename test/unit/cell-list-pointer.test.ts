/**
 * A list inside a cell is capped (50 items on screen, 10 in the PDF; a certificate's steps at 20
 * in the PDF), 2026-11-26 review: its "+ 10 more" said how many were left out but not where they
 * are, while the HTML is said to list everything. Each mark now names the JSON output, which
 * holds every list of the model whole, as the marks under capped tables do.
 */
import { parse } from 'node-html-parser';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PDF_CAPS } from '../../src/render/context.js';
import { ZoneClock } from '../../src/render/format.js';
import { htmlText } from '../../src/render/html.js';
import { buildView } from '../../src/render/view.js';
import { ViewKit } from '../../src/render/view-kit.js';
import type { ActorSummary, CertificateLifecycle, ReportModel } from '../../src/report/model.js';
import { ACCOUNT, REGION, finding, iotEvent, reportModel } from '../helpers/events.js';

const DATA_FILES = ['iot-audit-2026-10.csv', 'iot-audit-2026-10.json'];
const rowsOf = <R>(t: { chunks: { rows: R[] }[] }): R[] => t.chunks.flatMap((c) => c.rows);

function model(): ReportModel {
  const events = Array.from({ length: 60 }, (_, i) =>
    iotEvent({ eventName: 'UpdateCertificate', eventTime: new Date(Date.parse('2026-10-05T10:00:00Z') + i * 60_000).toISOString().replace('.000Z', 'Z') }),
  );
  const certificate: CertificateLifecycle = {
    certificateId: 'c'.repeat(64),
    kind: 'device',
    changed: true,
    arn: null,
    accountId: ACCOUNT,
    accountName: null,
    region: REGION,
    accounts: [{ accountId: ACCOUNT, accountName: null, arn: null }],
    steps: events.slice(0, 25).map((e) => ({ eventId: e.eventId, eventTime: e.eventTime, eventName: e.eventName, action: 'status-changed', detail: 'to ACTIVE', actorLabel: 'role/ci-deploy', accountId: ACCOUNT, accountName: null })),
    lastKnownStatus: 'ACTIVE',
    things: Array.from({ length: 55 }, (_, i) => `thing-${i}`),
    attachmentsComplete: false,
    policies: [],
    failedEventIds: [],
  };
  const actor: ActorSummary = {
    key: 'role/ci-deploy',
    label: 'role/ci-deploy',
    type: 'AssumedRole',
    arn: null,
    sessionIssuerArn: null,
    sessionIssuerType: null,
    mfaAuthenticated: null,
    changes: 60,
    reads: 0,
    failedAttempts: 0,
    accounts: [ACCOUNT],
    sourceIps: Array.from({ length: 60 }, (_, i) => `203.0.113.${i}`),
    userAgents: ['aws-cli/2'],
    firstSeen: events[0]!.eventTime,
    lastSeen: events[59]!.eventTime,
    actions: [{ eventName: 'UpdateCertificate', count: 60 }],
  };
  return reportModel({
    events,
    certificates: [certificate],
    actors: [actor],
    findings: [finding({ eventIds: events.map((e) => e.eventId), time: events[0]!.eventTime })],
  });
}

describe('the mark of a list cut in a cell', () => {
  it('names the JSON output, where the whole list is', () => {
    const kit = new ViewKit({
      media: 'pdf',
      limits: { ...DEFAULT_PDF_CAPS, cellItems: 3 },
      clock: new ZoneClock('UTC'),
      dataFiles: 'iot-audit-2026-10.csv / .json',
      jsonFile: 'iot-audit-2026-10.json',
      accountNames: new Map(),
    });
    expect(kit.list(['a', 'b', 'c', 'd', 'e']).more).toBe('+ 2 more in iot-audit-2026-10.json');
    expect(kit.list(['a', 'b', 'c']).more).toBeNull();
    expect(kit.eventLinks(['e1', 'e2', 'e3', 'e4']).more).toBe('+ 1 more in iot-audit-2026-10.json');
    expect(kit.moreItems(1_234, 'steps')).toBe('+ 1,234 more steps in iot-audit-2026-10.json');
    expect(kit.moreItems(0)).toBeNull();
  });

  it('on screen: a finding\'s events, an actor\'s source IPs and a certificate\'s things past 50', () => {
    const view = buildView(model(), { media: 'screen', paper: 'a4', dataFiles: DATA_FILES });
    const card = rowsOf(view.findings.open)[0];
    expect(card?.events.more).toBe('+ 10 more in iot-audit-2026-10.json');
    expect(rowsOf(view.actors)[0]?.sourceIps.more).toBe('+ 10 more in iot-audit-2026-10.json');
    const certificate = rowsOf(view.certificates.table)[0];
    expect(certificate?.things.more).toBe('+ 5 more in iot-audit-2026-10.json');
    expect(certificate?.steps.more).toBeNull();
  });

  it('in the PDF: a certificate\'s steps past 20 and lists past 10, printed in their cells', async () => {
    const view = buildView(model(), { media: 'pdf', paper: 'a4', dataFiles: DATA_FILES });
    const certificate = rowsOf(view.certificates.table)[0];
    expect(certificate?.steps.more).toBe('+ 5 more steps in iot-audit-2026-10.json');
    expect(certificate?.things.more).toBe('+ 45 more in iot-audit-2026-10.json');
    expect(rowsOf(view.actors)[0]?.sourceIps.more).toBe('+ 50 more in iot-audit-2026-10.json');

    const root = parse(await htmlText(model(), { media: 'pdf', paper: 'a4', dataFiles: DATA_FILES }));
    const marks = (section: string) => root.querySelectorAll(`#${section} .more-items`).map((m) => m.text);
    expect(marks('certificates').sort()).toEqual(['+ 45 more in iot-audit-2026-10.json', '+ 5 more steps in iot-audit-2026-10.json']);
    expect(marks('actors')).toEqual(['+ 50 more in iot-audit-2026-10.json']);
    expect(marks('findings')).toEqual(['+ 50 more in iot-audit-2026-10.json']);
  });
});
