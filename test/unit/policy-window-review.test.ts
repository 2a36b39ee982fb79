/**
 * What a period that does not show a policy's (or certificate's) beginning may claim (an
 * auditor's review of the demo's org-trail, 2026-11-26):
 * 1. `--from 2026-10-10 --to 2026-10-20`: DeviceTelemetryPolicy's "Attached to at end" listed
 *    only pump-stations-apac, as if whole, though cert/634c… and pump-stations-emea were attached
 *    on 2026-10-02 and never detached. The list is whole only for a policy the period shows
 *    created or deleted; else every format says so.
 * 2. The same window showed "Default version set 1" with no note and no finding: version 1's
 *    document is not in it (the month flags it critical and high).
 * 3. `--compare` with September: FleetDebugAll and LegacyStagingPolicy, created and deleted in
 *    October, were "deleted" and not new.
 * 4. `--compare` of 15–31 October with 1–15 October: "new" certificates included CA a9d8…, only
 *    deactivated and deleted, and others only activated or detached: new means created (or
 *    registered) in the period; absent from the previous report and not created is "first seen".
 */
import { parse } from 'node-html-parser';
import { describe, expect, it } from 'vitest';
import { certificateLifecycles } from '../../src/analysis/certificates.js';
import { compareReports } from '../../src/analysis/compare.js';
import { policyHistories } from '../../src/analysis/policies.js';
import { policyDefaultRollback } from '../../src/analysis/rules/policy-default-rollback.js';
import { policyDocumentUnchecked } from '../../src/analysis/rules/policy-document-unchecked.js';
import { compareEvents } from '../../src/iot/events.js';
import type { RenderContext } from '../../src/render/context.js';
import { htmlText } from '../../src/render/html.js';
import { renderMarkdown } from '../../src/render/md.js';
import type { IotEvent, ReportModel } from '../../src/report/model.js';
import { NAMES, PROD, REGION, certArn, certCall as call } from '../helpers/cert-transfer.js';
import { account, period, policyDocument, reportModel, runRule } from '../helpers/events.js';

const SCREEN: RenderContext = { media: 'screen', paper: 'a4', dataFiles: ['report.json'] };
const PDF: RenderContext = { ...SCREEN, media: 'pdf' };
const DEVICE = '63'.repeat(32);
const OTHER_DEVICE = '92'.repeat(32);
const CA = 'a9'.repeat(32);
const group = (name: string) => `arn:aws:iot:${REGION}:${PROD}:thinggroup/${name}`;
const BROAD = policyDocument({ Effect: 'Allow', Action: 'iot:*', Resource: '*' });
const NARROW = policyDocument({ Effect: 'Allow', Action: 'iot:Publish', Resource: `arn:aws:iot:${REGION}:${PROD}:topic/telemetry/\${iot:ClientId}` });

const attach = (at: string, policyName: string, target: string) => call(at, PROD, 'AttachPolicy', { policyName, target });

/** October in iot-prod, as the demo has it. */
const OCTOBER: readonly IotEvent[] = [
  call('2026-10-01T09:00:00', PROD, 'CreatePolicy', { policyName: 'DeviceTelemetryPolicy', policyDocument: BROAD }, { policyVersionId: '1' }),
  call('2026-10-01T09:10:00', PROD, 'CreateKeysAndCertificate', { setAsActive: true }, { certificateId: DEVICE, certificateArn: certArn(PROD, DEVICE) }),
  attach('2026-10-02T10:00:00', 'DeviceTelemetryPolicy', certArn(PROD, DEVICE)),
  attach('2026-10-02T10:01:00', 'DeviceTelemetryPolicy', group('pump-stations-emea')),
  call('2026-10-06T10:00:00', PROD, 'CreatePolicyVersion', { policyName: 'DeviceTelemetryPolicy', policyDocument: NARROW, setAsDefault: true }, { policyVersionId: '2', isDefaultVersion: true }),
  call('2026-10-13T08:00:00', PROD, 'CreatePolicy', { policyName: 'FleetDebugAll', policyDocument: BROAD }, { policyVersionId: '1' }),
  attach('2026-10-13T08:05:00', 'FleetDebugAll', certArn(PROD, DEVICE)),
  call('2026-10-15T08:00:00', PROD, 'DetachPolicy', { policyName: 'FleetDebugAll', target: certArn(PROD, DEVICE) }),
  call('2026-10-15T08:01:00', PROD, 'DeletePolicy', { policyName: 'FleetDebugAll' }),
  call('2026-10-16T15:06:00', PROD, 'UpdateCertificate', { certificateId: OTHER_DEVICE, newStatus: 'ACTIVE' }),
  call('2026-10-17T11:00:00', PROD, 'UpdateCACertificate', { certificateId: CA, newStatus: 'INACTIVE' }),
  call('2026-10-17T11:05:00', PROD, 'DeleteCACertificate', { certificateId: CA }),
  call('2026-10-18T03:04:00', PROD, 'SetDefaultPolicyVersion', { policyName: 'DeviceTelemetryPolicy', policyVersionId: '1' }),
  attach('2026-10-18T03:12:00', 'DeviceTelemetryPolicy', group('pump-stations-apac')),
];

/** The events from `from` to `to` (UTC days), as a report of that window keeps them. */
const between = (from: string, to: string) => OCTOBER.filter((e) => e.eventTime >= `${from}T00:00:00Z` && e.eventTime < `${to}T00:00:00Z`).sort(compareEvents);

function report(from: string, to: string): ReportModel {
  const events = between(from, to);
  return reportModel({
    period: period({ start: `${from}T00:00:00Z`, end: `${to}T00:00:00Z`, month: null, label: `${from} – ${to}` }),
    accounts: [account(PROD, { name: NAMES[PROD] })],
    events,
    policies: policyHistories(events),
    certificates: certificateLifecycles(events),
  });
}

const policyOf = (m: ReportModel, name: string) => m.policies.find((p) => p.policyName === name)!;
const cardOf = async (m: ReportModel, name: string, ctx = SCREEN) =>
  parse(await htmlText(m, ctx))
    .querySelectorAll('#policies article.policy')
    .find((a) => a.querySelector('h3')?.text === name)!;
const factOf = (card: NonNullable<Awaited<ReturnType<typeof cardOf>>>, term: string) =>
  card.querySelectorAll('dt').find((dt) => dt.text === term)?.nextElementSibling?.text.replace(/\s+/g, ' ').trim();

describe('1. a policy that existed before the period: its attachments at the end are not all known', () => {
  it('says the list is whole only for a policy the period shows created or deleted', () => {
    const window = report('2026-10-10', '2026-10-20');
    expect(policyOf(window, 'DeviceTelemetryPolicy')).toMatchObject({ attachedTargets: [group('pump-stations-apac')], attachedTargetsComplete: false });
    expect(policyOf(window, 'FleetDebugAll')).toMatchObject({ attachedTargets: [], attachedTargetsComplete: true });
    const month = report('2026-10-01', '2026-11-01');
    expect(policyOf(month, 'DeviceTelemetryPolicy')).toMatchObject({
      attachedTargets: [certArn(PROD, DEVICE), group('pump-stations-apac'), group('pump-stations-emea')].sort(),
      attachedTargetsComplete: true,
    });
  });

  it('qualifies "Attached to at end" in the HTML and the PDF, and says "none" for a whole empty list', async () => {
    const window = report('2026-10-10', '2026-10-20');
    for (const ctx of [SCREEN, PDF]) {
      const attached = factOf(await cardOf(window, 'DeviceTelemetryPolicy', ctx), 'Attached to at end');
      expect(attached).toContain(group('pump-stations-apac'));
      expect(attached).toContain('only those attached in the period: targets attached before it (the policy existed before the period) are not known from its events');
      expect(factOf(await cardOf(window, 'FleetDebugAll', ctx), 'Attached to at end')).toBe('none');
    }
    // Nothing attached in the period, the policy older than it: not "nothing".
    const quiet = reportModel({ policies: [{ ...policyOf(window, 'DeviceTelemetryPolicy'), attachedTargets: [] }] });
    expect(factOf(await cardOf(quiet, 'DeviceTelemetryPolicy'), 'Attached to at end')).toBe(
      "not known from the period's events: the policy existed before the period, and what was attached to it then is not in them",
    );
    // Only failed calls named it: it may never have existed, so nothing is said of a time before the period.
    const refused = reportModel({ policies: [{ ...policyOf(window, 'DeviceTelemetryPolicy'), changed: false, changes: [], attachedTargets: [], defaultVersionsNotShown: [] }] });
    expect(factOf(await cardOf(refused, 'DeviceTelemetryPolicy'), 'Attached to at end')).toBe("not known from the period's events");
    // The month shows the policy created: its list is whole, said without a note.
    expect(factOf(await cardOf(report('2026-10-01', '2026-11-01'), 'DeviceTelemetryPolicy'), 'Attached to at end')).not.toContain('not known');
  });
});

describe('2. a default set to a version whose document the period does not show', () => {
  it('is noted on the card and is a finding, not a harmless line', async () => {
    const window = report('2026-10-10', '2026-10-20');
    expect(policyOf(window, 'DeviceTelemetryPolicy').defaultVersionsNotShown).toEqual(['1']);
    for (const ctx of [SCREEN, PDF]) {
      const card = await cardOf(window, 'DeviceTelemetryPolicy', ctx);
      expect(card.querySelector('p.not-recorded')?.text).toBe(
        "Version 1, made the default in the period, was created before the period: its document is not in the period's events and was not checked, so what the policy allowed with it as the default is not known from this report.",
      );
    }
    const hits = runRule(policyDocumentUnchecked, window.events, { policies: window.policies });
    expect(hits.map((h) => [h.resource, h.discriminator])).toEqual([['DeviceTelemetryPolicy', 'default-v1']]);
    // The month shows version 1 made: no such note, and its own findings judge the document.
    const month = report('2026-10-01', '2026-11-01');
    expect(policyOf(month, 'DeviceTelemetryPolicy').defaultVersionsNotShown).toEqual([]);
    expect(runRule(policyDocumentUnchecked, month.events, { policies: month.policies })).toEqual([]);
  });

  it('is a switch back when the period shows a newer version was the default, not when it only shows one made', () => {
    // A window that shows version 2 made, then the switch to 1.
    const made = (setAsDefault: boolean) => [
      call('2026-10-06T10:00:00', PROD, 'CreatePolicyVersion', { policyName: 'DeviceTelemetryPolicy', policyDocument: NARROW, setAsDefault }, { policyVersionId: '2', isDefaultVersion: setAsDefault }),
      ...between('2026-10-18', '2026-10-19'),
    ];
    const asDefault = made(true);
    const [hit, ...more] = runRule(policyDefaultRollback, asDefault, { policies: policyHistories(asDefault) });
    expect(more).toEqual([]);
    expect(hit).toMatchObject({ resource: 'DeviceTelemetryPolicy', lowerSeverityBy: 1, discriminator: 'v2-to-v1' });
    // Version 2 made, not the default (2026-11-26 review, H5): the default may never have gone past it.
    const notDefault = made(false);
    expect(runRule(policyDefaultRollback, notDefault, { policies: policyHistories(notDefault) })).toEqual([]);
  });
});

describe('3 and 4. --compare: new is what the period created; absent from the previous report and not created is first seen', () => {
  const compared = (now: ReportModel, before: ReportModel) => {
    now.comparison = compareReports(now, JSON.parse(JSON.stringify(before)) as unknown, 'previous.json');
    return now.comparison;
  };

  it('calls a policy created and deleted within the period new, gone by its end, never deleted', () => {
    const c = compared(report('2026-10-01', '2026-11-01'), report('2026-09-01', '2026-10-01'));
    expect(c.policies.new.map((p) => [p.policyName, p.deleted])).toEqual([
      ['DeviceTelemetryPolicy', false],
      ['FleetDebugAll', true],
    ]);
    expect(c.policies.newDeleted).toBe(1);
    expect(c.policies.deleted).toEqual([]);
    expect(c.firstSeen.policies).toEqual([]);
  });

  it('calls first seen, not new, what the period did not create, and keeps deleted what existed before', () => {
    const c = compared(report('2026-10-15', '2026-11-01'), report('2026-10-01', '2026-10-15'));
    expect(c.certificates.new).toEqual([]);
    expect(c.firstSeen.certificates.map((x) => [x.certificateId.slice(0, 4), x.kind, x.status])).toEqual([
      ['a9a9', 'ca', 'DELETED'],
      ['9292', 'device', 'ACTIVE'],
    ]);
    // FleetDebugAll was made in the previous report's period: deleted now. DeviceTelemetryPolicy: the previous report's, changed.
    expect(c.policies.deleted.map((p) => p.policyName)).toEqual(['FleetDebugAll']);
    expect(c.policies.new).toEqual([]);
    expect(c.policies.changed.map((p) => [p.policyName, p.changes])).toEqual([['DeviceTelemetryPolicy', ['default version 2 → 1']]]);
    // Against a previous report that never saw it, the policy the period did not create is first seen.
    const d = compared(report('2026-10-16', '2026-11-01'), report('2026-09-01', '2026-10-01'));
    expect(d.firstSeen.policies.map((p) => p.policyName)).toEqual(['DeviceTelemetryPolicy']);
    expect(d.policies.new).toEqual([]);
  });

  it('says what new and first seen mean, and shows both, in the HTML, the PDF and the Markdown', async () => {
    const now = report('2026-10-10', '2026-11-01');
    const c = compared(now, report('2026-09-01', '2026-10-01'));
    expect(c.policies.new.map((p) => [p.policyName, p.deleted])).toEqual([['FleetDebugAll', true]]);
    expect(c.firstSeen.policies.map((p) => p.policyName)).toEqual(['DeviceTelemetryPolicy']);
    for (const ctx of [SCREEN, PDF]) {
      const section = parse(await htmlText(now, ctx)).querySelector('#comparison')!;
      const lead = section.querySelector('p.lead')!.text;
      expect(lead).toContain('a new policy or certificate is one created (or registered) in this period that the previous report did not have');
      expect(lead).toContain('it is first seen, not new');
      const rows = section.querySelectorAll('table.fixed tbody tr').map((tr) => tr.querySelectorAll('td').map((td) => td.text.replace(/\s+/g, ' ').trim()));
      expect(rows).toContainEqual(['new', 'FleetDebugAll', `${PROD} (iot-prod)`, REGION, 'created and deleted in this period']);
      expect(rows).toContainEqual(['first seen', 'DeviceTelemetryPolicy', `${PROD} (iot-prod)`, REGION, '']);
      expect(rows.filter((r) => r[0] === 'first seen' && r[2] === 'CA')).toHaveLength(1);
      const counts = section.querySelectorAll('table.kv tr').map((tr) => tr.querySelectorAll('td').map((td) => td.text.trim()));
      // The CA only deleted, a device only activated, and one only attached and detached: none created in the period.
      expect(counts).toContainEqual(['Policies / certificates first seen', '1 / 3']);
    }
    const md = renderMarkdown(now, { comparison: c });
    expect(md).toContain("- Policies: 1 new (1 deleted by the period's end), 0 deleted, 0 changed\n");
    // The count is the model's (`policies.newDeleted`), not the renderer's.
    expect(renderMarkdown(now, { comparison: { ...c, policies: { ...c.policies, newDeleted: 2 } } })).toContain("- Policies: 1 new (2 deleted by the period's end),");
    expect(md).toContain(
      '- First seen: 1 policy, 3 certificates (absent from the previous report, not created in this period: they existed before). New policies and certificates were created or registered in this period (absent from the previous report, or deleted in it); new findings and actors are absent from the previous report.\n',
    );
  });
});
