/**
 * What a month's report may claim of what happened in the month before (2026-11-26 review of
 * 0bd70ad, H5), with a reviewer's September and October:
 * 1. September set pol-b's default to version 2; October made version 5 (setAsDefault false)
 *    and set the default to 3. October's report had a `policy-default-rollback` "to 3: an older
 *    version than version 5", while its comparison said "default version 2 → 3", and the same
 *    calls within one month were silent: a version never the default is none the default "went
 *    back past".
 * 2. Certificate X deleted in September and registered again in October was "changed,
 *    DELETED → ACTIVE", where pol-a, deleted in September and created again in October, was new.
 * 3. `policy-document-unchecked` said "the version was created before the period" of a version
 *    the period may have created, its CreatePolicyVersion's response without the version id.
 */
import { parse } from 'node-html-parser';
import { describe, expect, it } from 'vitest';
import { certificateLifecycles } from '../../src/analysis/certificates.js';
import { compareReports } from '../../src/analysis/compare.js';
import { evaluateFindings } from '../../src/analysis/findings.js';
import { policyHistories } from '../../src/analysis/policies.js';
import { policyDocumentUnchecked } from '../../src/analysis/rules/policy-document-unchecked.js';
import { defaultConfig } from '../../src/config/load.js';
import { compareEvents } from '../../src/iot/events.js';
import type { RenderContext } from '../../src/render/context.js';
import { htmlText } from '../../src/render/html.js';
import { renderMarkdown } from '../../src/render/md.js';
import type { IotEvent, ReportModel } from '../../src/report/model.js';
import { NAMES, PROD, REGION, certArn, certCall as call } from '../helpers/cert-transfer.js';
import { account, period, policyDocument, reportModel, runRule } from '../helpers/events.js';

const SCREEN: RenderContext = { media: 'screen', paper: 'a4', dataFiles: ['report.json'] };
const PDF: RenderContext = { ...SCREEN, media: 'pdf' };
const DOC = policyDocument({ Effect: 'Allow', Action: 'iot:Connect', Resource: '*' });
const X = 'aa'.repeat(32);
const PEM = '-----BEGIN CERTIFICATE-----...';

const createPolicy = (at: string, policyName: string) => call(at, PROD, 'CreatePolicy', { policyName, policyDocument: DOC }, { policyName, policyVersionId: '1' });
const setDefault = (at: string, policyName: string, policyVersionId: string) => call(at, PROD, 'SetDefaultPolicyVersion', { policyName, policyVersionId });

const SEPTEMBER: IotEvent[] = [
  createPolicy('2026-09-10T11:00:00', 'pol-a'),
  call('2026-09-10T11:05:00', PROD, 'DeletePolicy', { policyName: 'pol-a' }),
  call('2026-09-10T11:10:00', PROD, 'CreateKeysAndCertificate', { setAsActive: true }, { certificateId: X, certificateArn: certArn(PROD, X) }),
  call('2026-09-10T11:15:00', PROD, 'UpdateCertificate', { certificateId: X, newStatus: 'INACTIVE' }),
  call('2026-09-10T11:16:00', PROD, 'DeleteCertificate', { certificateId: X }),
  setDefault('2026-09-10T11:20:00', 'pol-b', '2'),
];

const OCTOBER: IotEvent[] = [
  createPolicy('2026-10-10T11:00:00', 'pol-a'),
  call('2026-10-10T11:01:00', PROD, 'RegisterCertificate', { certificatePem: PEM, setAsActive: true }, { certificateId: X, certificateArn: certArn(PROD, X) }),
  call('2026-10-10T11:07:00', PROD, 'CreatePolicyVersion', { policyName: 'pol-b', policyDocument: DOC, setAsDefault: false }, { policyVersionId: '5', isDefaultVersion: false }),
  setDefault('2026-10-10T11:08:00', 'pol-b', '3'),
];

function report(events: IotEvent[], month: string, label: string, init: Partial<ReportModel> = {}): ReportModel {
  const sorted = [...events].sort(compareEvents);
  const [year, m] = month.split('-').map(Number) as [number, number];
  const end = `${m === 12 ? year + 1 : year}-${String((m % 12) + 1).padStart(2, '0')}-01T00:00:00Z`;
  const base = {
    period: period({ start: `${month}-01T00:00:00Z`, end, month, label }),
    accounts: [account(PROD, { name: NAMES[PROD] })],
    events: sorted,
    policies: policyHistories(sorted),
    certificates: certificateLifecycles(sorted),
  };
  const { findings } = evaluateFindings({ ...base, config: defaultConfig(), now: '2026-11-01T08:00:00Z' });
  return reportModel({ ...base, findings, ...init });
}

const september = () => JSON.parse(JSON.stringify(report(SEPTEMBER, '2026-09', 'September 2026 (UTC)'))) as unknown;

function october(): ReportModel {
  const now = report(OCTOBER, '2026-10', 'October 2026 (UTC)');
  now.comparison = compareReports(now, september(), 'iot-audit-2026-09.json');
  return now;
}

describe('1. a switch past a version never the default is no rollback, across a month boundary as within one', () => {
  it('gives October no policy-default-rollback, where its comparison says the default went 2 → 3', () => {
    const now = october();
    expect(now.findings.filter((f) => f.ruleId === 'policy-default-rollback')).toEqual([]);
    expect(now.comparison!.policies.changed.map((p) => [p.policyName, p.changes])).toEqual([['pol-b', ['default version 2 → 3', 'new version 5']]]);
    // The two months as one period: silent as well.
    const both = report([...SEPTEMBER, ...OCTOBER], '2026-10', 'September and October');
    expect(both.findings.filter((f) => f.ruleId === 'policy-default-rollback')).toEqual([]);
  });

  it('still flags a switch below a version the month shows was the default', () => {
    const events = [...OCTOBER, setDefault('2026-10-10T11:09:00', 'pol-b', '5'), setDefault('2026-10-10T11:10:00', 'pol-b', '4')];
    const hits = report(events, '2026-10', 'October 2026 (UTC)').findings.filter((f) => f.ruleId === 'policy-default-rollback');
    expect(hits.map((f) => [f.resource, f.severity])).toEqual([['pol-b', 'medium']]);
    expect(hits[0]!.description).toContain('from 5 to 4: an older version');
  });
});

describe('2. --compare: a certificate the previous report had deleted, registered again, is new as a recreated policy is', () => {
  it('is new, not changed from DELETED', () => {
    const c = october().comparison!;
    expect(c.policies.new.map((p) => p.policyName)).toEqual(['pol-a']);
    expect(c.certificates.new.map((x) => [x.certificateId, x.status])).toEqual([[X, 'ACTIVE']]);
    expect(c.certificates.changed).toEqual([]);
    expect(c.firstSeen.certificates).toEqual([]);
  });

  it('is "new" in the HTML, the PDF and the Markdown, which say what new means', async () => {
    const now = october();
    for (const ctx of [SCREEN, PDF]) {
      const section = parse(await htmlText(now, ctx)).querySelector('#comparison')!;
      expect(section.querySelector('p.lead')!.text).toContain(
        'a new policy or certificate is one created (or registered) in this period that the previous report did not have, or had deleted.',
      );
      const rows = section.querySelectorAll('table.fixed tbody tr').map((tr) => tr.querySelectorAll('td').map((td) => td.text.replace(/\s+/g, ' ').trim()));
      expect(rows).toContainEqual(['new', 'pol-a', `${PROD} (iot-prod)`, REGION, '']);
      // The certificates' table is the one of six columns: change, certificate, kind, account, region, status.
      const certificates = rows.filter((r) => r.length === 6);
      expect(certificates.map((r) => [r[0], r[2], r[4], r[5]])).toEqual([['new', 'Device', REGION, 'ACTIVE']]);
      const counts = section.querySelectorAll('table.kv tr').map((tr) => tr.querySelectorAll('td').map((td) => td.text.trim()));
      expect(counts).toContainEqual(['Certificates new / changed', '1 / 0']);
    }
    const md = renderMarkdown(now, { comparison: now.comparison });
    expect(md).toContain('- Policies: 1 new, 0 deleted, 1 changed\n');
    expect(md).toContain('- Certificates: 1 new, 0 changed status\n');
    expect(md).toContain('New policies and certificates were created or registered in this period (absent from the previous report, or deleted in it);');
  });

  it('stays the previous report’s when that report had the registration too (the periods overlap)', () => {
    const [, register] = OCTOBER;
    const deleteAgain = call('2026-10-10T11:30:00', PROD, 'DeleteCertificate', { certificateId: X });
    const before = report([...SEPTEMBER, register!, deleteAgain], '2026-09', '1 September – 10 October', {
      period: period({ start: '2026-09-01T00:00:00Z', end: '2026-10-11T00:00:00Z', month: null, label: '1 September – 10 October' }),
    });
    expect(before.certificates.map((x) => x.lastKnownStatus)).toEqual(['DELETED']);
    const now = report([register!, deleteAgain], '2026-10', 'October 2026 (UTC)');
    const c = compareReports(now, JSON.parse(JSON.stringify(before)) as unknown, 'previous.json');
    expect(c.certificates.new).toEqual([]);
    expect(c.certificates.changed).toEqual([]);
  });
});

describe('3. policy-document-unchecked: a version the period may have created, its id not logged', () => {
  const unlogged = (at: string) => call(at, PROD, 'CreatePolicyVersion', { policyName: 'pol-c', policyDocument: DOC, setAsDefault: false });

  it('says the version was created before the period, or by the creation whose id was not logged', async () => {
    const events = [unlogged('2026-10-05T10:00:00'), setDefault('2026-10-06T10:00:00', 'pol-c', '2')];
    const [hit, ...more] = runRule(policyDocumentUnchecked, events, { policies: policyHistories(events) });
    expect(more).toEqual([]);
    // The analysis says it once, in the model; the card reads it there.
    expect(policyHistories(events).map((p) => [p.defaultVersionMayBeUnlogged, p.defaultsNotShown.map((d) => d.created)])).toEqual([[true, ['before-period-or-unlogged']]]);
    expect(hit!.description).not.toContain('but the version was created before the period');
    expect(hit!.description).toContain(
      'made version 2 of policy "pol-c" the default, but the period does not show the version created: it was created before the period, or by the CreatePolicyVersion call of the period before it whose version id CloudTrail did not log; its document was not checked, so what the policy allows from then on is not known from this report.',
    );
    const two = [unlogged('2026-10-04T10:00:00'), ...events];
    expect(runRule(policyDocumentUnchecked, two, { policies: policyHistories(two) })[0]!.description).toContain(
      'or by one of the 2 CreatePolicyVersion calls of the period before it whose version id CloudTrail did not log',
    );
    // The policy card says the same.
    const model = report(events, '2026-10', 'October 2026 (UTC)');
    for (const ctx of [SCREEN, PDF]) {
      const card = parse(await htmlText(model, ctx))
        .querySelectorAll('#policies article.policy')
        .find((a) => a.querySelector('h3')?.text === 'pol-c')!;
      expect(card.querySelector('p.not-recorded')?.text).toBe(
        'Version 2, made the default in the period, is not shown created in it: it was created before the period, or by a CreatePolicyVersion call of the period whose version id CloudTrail did not log. Its document was not checked, so what the policy allowed with it as the default is not known from this report.',
      );
    }
  });

  it('says created before the period when the creation without an id came after the switch', async () => {
    const events = [setDefault('2026-10-06T10:00:00', 'pol-c', '2'), unlogged('2026-10-07T10:00:00')];
    expect(policyHistories(events).map((p) => [p.defaultVersionMayBeUnlogged, p.defaultsNotShown.map((d) => d.created)])).toEqual([[false, ['before-period']]]);
    const [hit] = runRule(policyDocumentUnchecked, events, { policies: policyHistories(events) });
    expect(hit!.description).toContain('made version 2 of policy "pol-c" the default, but the version was created before the period:');
    const card = parse(await htmlText(report(events, '2026-10', 'October 2026 (UTC)'), SCREEN))
      .querySelectorAll('#policies article.policy')
      .find((a) => a.querySelector('h3')?.text === 'pol-c')!;
    expect(card.querySelector('p.not-recorded')?.text).toMatch(/^Version 2, made the default in the period, was created before the period:/);
  });

  // 2026-11-26 review (H10): the policy deleted and created again before the switch has none of its
  // versions from before: version 2 was made in the period, never "created before the period".
  it('says created in the period when the policy was deleted and created again before the switch', async () => {
    const events = [
      unlogged('2026-10-03T10:00:00'),
      call('2026-10-04T10:00:00', PROD, 'DeletePolicy', { policyName: 'pol-c' }),
      createPolicy('2026-10-05T10:00:00', 'pol-c'),
      setDefault('2026-10-06T10:00:00', 'pol-c', '2'),
    ];
    expect(policyHistories(events).map((p) => [p.defaultVersionMayBeUnlogged, p.defaultsNotShown.map((d) => [d.versionId, d.created])])).toEqual([[false, [['2', 'in-period']]]]);
    const [hit] = runRule(policyDocumentUnchecked, events, { policies: policyHistories(events) });
    expect(hit!.description).not.toContain('created before the period');
    expect(hit!.description).toContain(
      'made version 2 of policy "pol-c" the default, but the policy was created or deleted in the period before that, so the version was created in the period too: by a CreatePolicyVersion call whose version id CloudTrail did not log, or one the logs miss; its document was not checked, so what the policy allows from then on is not known from this report.',
    );
    for (const ctx of [SCREEN, PDF]) {
      const card = parse(await htmlText(report(events, '2026-10', 'October 2026 (UTC)'), ctx))
        .querySelectorAll('#policies article.policy')
        .find((a) => a.querySelector('h3')?.text === 'pol-c')!;
      expect(card.querySelector('p.not-recorded')?.text).toBe(
        'Version 2, made the default in the period after the policy was created or deleted in it, was created in the period too: by a CreatePolicyVersion call whose version id CloudTrail did not log, or one the logs miss. Its document was not checked, so what the policy allowed with it as the default is not known from this report.',
      );
    }
  });

  // 2026-11-26 review (R4): one version id made the default before the deletion and after: the card
  // merged the two ids and said only "created in the period", where the first switch's finding said
  // "created before the period, or by the CreatePolicyVersion ... whose version id CloudTrail did not log".
  it('says both versions 2 when the id was made the default before the policy was deleted and after it was created again, as the findings do', async () => {
    const events = [
      unlogged('2026-10-01T10:00:00'),
      setDefault('2026-10-02T10:00:00', 'pol-c', '2'),
      call('2026-10-03T10:00:00', PROD, 'DeletePolicy', { policyName: 'pol-c' }),
      createPolicy('2026-10-04T10:00:00', 'pol-c'),
      setDefault('2026-10-05T10:00:00', 'pol-c', '2'),
    ];
    const model = report(events, '2026-10', 'October 2026 (UTC)');
    const [policy] = model.policies;
    expect(policy!.defaultsNotShown.map((d) => [d.versionId, d.created, d.madeDefaultEventIds])).toEqual([
      ['2', 'before-period-or-unlogged', [events[1]!.eventId]],
      ['2', 'in-period', [events[4]!.eventId]],
    ]);
    expect(policy!.defaultVersionMayBeUnlogged).toBe(true);
    const findings = model.findings.filter((f) => f.ruleId === 'policy-document-unchecked').sort((a, b) => a.time.localeCompare(b.time));
    expect(findings.map((f) => f.description)).toEqual([
      expect.stringContaining('made version 2 of policy "pol-c" the default, but the period does not show the version created: it was created before the period, or by the CreatePolicyVersion call of the period before it whose version id CloudTrail did not log'),
      expect.stringContaining('made version 2 of policy "pol-c" the default, but the policy was created or deleted in the period before that, so the version was created in the period too'),
    ]);
    for (const ctx of [SCREEN, PDF]) {
      const card = parse(await htmlText(model, ctx))
        .querySelectorAll('#policies article.policy')
        .find((a) => a.querySelector('h3')?.text === 'pol-c')!;
      expect(card.querySelector('p.not-recorded')?.text).toBe(
        'Version 2, made the default in the period before the policy was created or deleted in it, is not shown created in it: it was created before the period, or by a CreatePolicyVersion call of the period whose version id CloudTrail did not log. Its document was not checked, so what the policy allowed with it as the default is not known from this report. ' +
          'Version 2, made the default in the period after the policy was created or deleted in it, was created in the period too: by a CreatePolicyVersion call whose version id CloudTrail did not log, or one the logs miss. Its document was not checked, so what the policy allowed with it as the default is not known from this report.',
      );
    }
  });

  // 2026-11-26 re-read: the card said of every version made before the period "created before the
  // period, or by a CreatePolicyVersion ... whose version id CloudTrail did not log" as soon as one
  // such creation came before any switch, where the finding of version 1 said "created before the period".
  it('says of each version where it came from as its own finding does, a creation without its id logged between two switches', async () => {
    const events = [setDefault('2026-10-02T10:00:00', 'pol-c', '1'), unlogged('2026-10-03T10:00:00'), setDefault('2026-10-04T10:00:00', 'pol-c', '2')];
    const model = report(events, '2026-10', 'October 2026 (UTC)');
    expect(model.policies[0]!.defaultsNotShown.map((d) => [d.versionId, d.created])).toEqual([
      ['1', 'before-period'],
      ['2', 'before-period-or-unlogged'],
    ]);
    const findings = model.findings.filter((f) => f.ruleId === 'policy-document-unchecked').sort((a, b) => a.time.localeCompare(b.time));
    // What each finding says of where its version came from.
    const origins = findings.map((f) => /the default, but (?:the version was|the period does not show the version created: it was) (created [^:;]*)[:;]/.exec(f.description)?.[1]);
    expect(origins).toEqual([
      'created before the period',
      'created before the period, or by the CreatePolicyVersion call of the period before it whose version id CloudTrail did not log',
    ]);
    for (const ctx of [SCREEN, PDF]) {
      const card = parse(await htmlText(model, ctx))
        .querySelectorAll('#policies article.policy')
        .find((a) => a.querySelector('h3')?.text === 'pol-c')!;
      const note = card.querySelector('p.not-recorded')!.text;
      expect(note).toBe(
        "Version 1, made the default in the period, was created before the period: its document is not in the period's events and was not checked, so what the policy allowed with it as the default is not known from this report. " +
          'Version 2, made the default in the period, is not shown created in it: it was created before the period, or by a CreatePolicyVersion call of the period whose version id CloudTrail did not log. Its document was not checked, so what the policy allowed with it as the default is not known from this report.',
      );
      // Each version's sentence says what its finding says (the card does not count the calls).
      const [first, second] = note.split(/(?<=report\.) /);
      expect(first).toContain(`Version 1, made the default in the period, was ${origins[0]!}:`);
      expect(second).toContain(`Version 2, made the default in the period, is not shown created in it: it was ${origins[1]!.replace('the CreatePolicyVersion call of the period before it', 'a CreatePolicyVersion call of the period')}.`);
    }
  });

  it('says each where it came from when one version was made before the period and another after the policy was made again', async () => {
    const events = [
      setDefault('2026-10-02T10:00:00', 'pol-c', '5'),
      unlogged('2026-10-03T10:00:00'),
      setDefault('2026-10-03T11:00:00', 'pol-c', '6'),
      call('2026-10-04T10:00:00', PROD, 'DeletePolicy', { policyName: 'pol-c' }),
      createPolicy('2026-10-05T10:00:00', 'pol-c'),
      setDefault('2026-10-06T10:00:00', 'pol-c', '2'),
      setDefault('2026-10-07T10:00:00', 'pol-c', '3'),
    ];
    const card = parse(await htmlText(report(events, '2026-10', 'October 2026 (UTC)'), SCREEN))
      .querySelectorAll('#policies article.policy')
      .find((a) => a.querySelector('h3')?.text === 'pol-c')!;
    expect(card.querySelector('p.not-recorded')?.text).toBe(
      "Version 5, made the default in the period, was created before the period: its document is not in the period's events and was not checked, so what the policy allowed with it as the default is not known from this report. " +
        'Version 6, made the default in the period, is not shown created in it: it was created before the period, or by a CreatePolicyVersion call of the period whose version id CloudTrail did not log. Its document was not checked, so what the policy allowed with it as the default is not known from this report. ' +
        'Versions 2, 3, made the default in the period after the policy was created or deleted in it, were each created in the period too: by a CreatePolicyVersion call whose version id CloudTrail did not log, or one the logs miss. Their documents were not checked, so what the policy allowed with each as the default is not known from this report.',
    );
  });
});
