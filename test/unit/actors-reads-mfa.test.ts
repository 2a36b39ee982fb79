/**
 * The Actors section says what each caller did, reads included, and whether it used MFA from
 * all its calls (auditor's review: role/SecurityAuditor, 34 reads each logged with
 * "mfaAuthenticated":"false", showed "MFA: not stated", 0 changes and 0 failed, as if it had done
 * nothing: MFA was read from changes only, and the table had no reads column).
 */
import { parse } from 'node-html-parser';
import { describe, expect, it } from 'vitest';
import { actorSummaries } from '../../src/analysis/actors.js';
import { htmlText } from '../../src/render/html.js';
import { buildView, type ViewContext } from '../../src/render/view.js';
import { actors, iotEvent, reportModel } from '../helpers/events.js';

const ctx: ViewContext = { media: 'screen', paper: 'a4', dataFiles: ['iot-audit-2026-10.csv', 'iot-audit-2026-10.json'] };
const noMfa = { mfaAuthenticated: false };
const mfa = { mfaAuthenticated: true };

describe('actors: reads and MFA', () => {
  it('counts reads apart from changes and failures, as the summary does', () => {
    const auditor = actors.role('SecurityAuditor', 'audit', noMfa);
    const events = [
      iotEvent({ eventName: 'ListCertificates', actor: auditor }),
      iotEvent({ eventName: 'DescribeCertificate', actor: auditor }),
      iotEvent({ eventName: 'GetPolicy', actor: auditor }),
      // A failed read is a failed call, not a read.
      iotEvent({ eventName: 'ListAuthorizers', errorCode: 'AccessDeniedException', actor: auditor }),
    ];
    const [a] = actorSummaries(events);
    expect(a).toMatchObject({ label: `arn:aws:sts::111111111111:assumed-role/SecurityAuditor/audit`, changes: 0, reads: 3, failedAttempts: 1, mfaAuthenticated: false });
  });

  // [what its events say, what the actor's MFA is]
  const cases: { name: string; events: { eventName: string; mfa: boolean | null; errorCode?: string }[]; expected: boolean | null }[] = [
    { name: 'reads only, without MFA', events: [{ eventName: 'ListThings', mfa: false }, { eventName: 'GetPolicy', mfa: false }], expected: false },
    { name: 'reads only, with MFA', events: [{ eventName: 'ListThings', mfa: true }], expected: true },
    { name: 'failed calls only, without MFA', events: [{ eventName: 'DeleteCertificate', mfa: false, errorCode: 'AccessDeniedException' }], expected: false },
    { name: 'changes with MFA, a read without: the riskier reading', events: [{ eventName: 'UpdateCertificate', mfa: true }, { eventName: 'ListThings', mfa: false }], expected: false },
    { name: 'a change that does not say, a read with MFA', events: [{ eventName: 'UpdateCertificate', mfa: null }, { eventName: 'ListThings', mfa: true }], expected: true },
    { name: 'no event says', events: [{ eventName: 'UpdateCertificate', mfa: null }, { eventName: 'ListThings', mfa: null }], expected: null },
  ];
  for (const c of cases) {
    it(`MFA from every call: ${c.name}`, () => {
      const events = c.events.map((e) =>
        iotEvent({ eventName: e.eventName, errorCode: e.errorCode ?? null, actor: actors.role('reader', 's', { mfaAuthenticated: e.mfa }) }),
      );
      expect(actorSummaries(events).map((a) => a.mfaAuthenticated)).toEqual([c.expected]);
    });
  }

  it('orders callers with no change or failure by their reads', () => {
    const events = [
      iotEvent({ eventName: 'ListThings', actor: actors.role('a-reader') }),
      ...Array.from({ length: 3 }, () => iotEvent({ eventName: 'ListThings', actor: actors.role('b-reader') })),
    ];
    expect(actorSummaries(events).map((a) => [a.key.replace(/.*\//, ''), a.reads])).toEqual([['b-reader', 3], ['a-reader', 1]]);
  });

  it('shows the reads and the MFA of a read-only caller in the Actors table (view and HTML)', async () => {
    const auditor = actors.role('SecurityAuditor', 'audit', { ...noMfa, label: 'role/SecurityAuditor' });
    const deployer = actors.role('deploy', 'ci', { ...mfa, label: 'role/deploy' });
    const events = [
      ...Array.from({ length: 34 }, () => iotEvent({ eventName: 'ListCertificates', actor: auditor })),
      iotEvent({ eventName: 'UpdateCertificate', actor: deployer }),
    ];
    const model = reportModel({ events, actors: actorSummaries(events) });
    const rows = buildView(model, ctx).actors.chunks.flatMap((c) => c.rows);
    expect(rows.map((r) => [r.label, r.mfa.label, r.changes, r.reads, r.failed])).toEqual([
      ['role/deploy', 'yes', '1', '0', '0'],
      ['role/SecurityAuditor', 'no', '0', '34', '0'],
    ]);
    const table = parse(await htmlText(model, ctx)).querySelector('#actors table')!;
    const headers = table.querySelectorAll('thead th').map((th) => th.text);
    expect(headers.slice(0, 5)).toEqual(['Actor', 'MFA', 'Changes', 'Reads', 'Failed']);
    expect(table.querySelectorAll('col')).toHaveLength(headers.length);
    const auditorRow = table.querySelectorAll('tbody tr')[1]!.querySelectorAll('td').map((td) => td.text.trim());
    expect(auditorRow.slice(1, 5)).toEqual(['no', '0', '34', '0']);
  });
});
