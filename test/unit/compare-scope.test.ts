/**
 * `--compare` and scope (2026-12-02 review): a previous finding in an account or region this run
 * did not cover (`--account`, `--region`, or a source folder of one account), or in an account
 * of which this run read no log file, is not "resolved": nobody looked again.
 */
import { describe, expect, it } from 'vitest';
import { CompareError, compareReports, parsePreviousReport } from '../../src/analysis/compare.js';
import type { ActorSummary, CertificateLifecycle, Finding, ReportModel } from '../../src/report/model.js';
import { finding, period, readIn, reportModel } from '../helpers/events.js';

const A = '314159265358';
const B = '271828182845';
const C = '577215664901';
const D = '141421356237';

const SEPTEMBER = period({ start: '2026-09-01T00:00:00Z', end: '2026-10-01T00:00:00Z', month: '2026-09', label: 'September 2026 (UTC)' });

const at = (accountId: string, region = 'eu-west-1', init: Partial<Finding> = {}) =>
  finding({ id: `rule:${accountId}:${region}:res`, accountId, region, ...init });

function before(findings: Finding[], filters: ReportModel['filters'] = { accounts: [], regions: [] }, init: Partial<ReportModel> = {}): unknown {
  return JSON.parse(JSON.stringify(reportModel({ period: SEPTEMBER, findings, filters, ...init }))) as unknown;
}

/** This run: read a log file in every account and region of these tests but those of `unread` (accounts, or `account region`). */
function now(filters: ReportModel['filters'], init: Partial<ReportModel> = {}, unread: string[] = []): ReportModel {
  const model = reportModel({ findings: [], filters, ...init });
  const everywhere = [A, B, C, D].flatMap((account) => ['eu-west-1', 'us-east-1', 'ap-south-1'].map((region) => [account, region] as const));
  model.coverage.perAccount = readIn(everywhere.filter(([account, region]) => !unread.includes(account) && !unread.includes(`${account} ${region}`)));
  return model;
}
const resolved = (c: ReturnType<typeof compareReports>) => c.findings.resolved.map((f) => f.id);

describe('compareReports: accounts and regions this run did not cover', () => {
  it('does not call resolved the findings of accounts left out by --account, and names those accounts', () => {
    const c = compareReports(now({ accounts: [A], regions: [] }), before([at(A), at(B), at(C), at(D), at(B, 'us-east-1')]), 'oct.json');
    expect(resolved(c)).toEqual([`rule:${A}:eu-west-1:res`]);
    expect(c.warnings).toEqual([
      `The previous report covered accounts this one does not (${D}, ${B}, ${C}): its 4 findings there are not counted among the findings no longer reported, as nobody looked again.`,
    ]);
  });

  it('gives no warning when the previous report was filtered and this one covers more', () => {
    const c = compareReports(now({ accounts: [], regions: [] }), before([at(A)], { accounts: [A], regions: ['eu-west-1'] }), 'oct.json');
    expect(resolved(c)).toEqual([`rule:${A}:eu-west-1:res`]);
    expect(c.warnings).toEqual([]);
    const wider = compareReports(now({ accounts: [A, B], regions: [] }), before([at(A)], { accounts: [A], regions: [] }), 'oct.json');
    expect(wider.warnings).toEqual([]);
  });

  it('names the accounts of a filtered previous report that this one, filtered otherwise, does not cover', () => {
    const c = compareReports(now({ accounts: [B, C], regions: [] }), before([at(A), at(B)], { accounts: [A, B, D], regions: [] }), 'oct.json');
    expect(resolved(c)).toEqual([`rule:${B}:eu-west-1:res`]);
    expect(c.warnings).toEqual([
      `The previous report covered accounts this one does not (${D}, ${A}): its finding there is not counted among the findings no longer reported, as nobody looked again.`,
    ]);
  });

  it('does the same for regions left out by --region', () => {
    const c = compareReports(now({ accounts: [], regions: ['eu-west-1'] }), before([at(A), at(A, 'us-east-1'), at(B, 'ap-south-1')]), 'oct.json');
    expect(resolved(c)).toEqual([`rule:${A}:eu-west-1:res`]);
    expect(c.warnings).toEqual([
      'The previous report covered regions this one does not (ap-south-1, us-east-1): its 2 findings there are not counted among the findings no longer reported, as nobody looked again.',
    ]);
  });

  it('names accounts and regions together when both were narrowed', () => {
    const c = compareReports(
      now({ accounts: [A], regions: ['eu-west-1'] }),
      before([at(A), at(A, 'us-east-1'), at(B)], { accounts: [A, B], regions: ['eu-west-1', 'us-east-1'] }),
      'oct.json',
    );
    expect(resolved(c)).toEqual([`rule:${A}:eu-west-1:res`]);
    expect(c.warnings).toEqual([
      `The previous report covered accounts and regions this one does not (accounts ${B}; regions us-east-1): its 2 findings there are not counted among the findings no longer reported, as nobody looked again.`,
    ]);
  });

  it('warns without findings there, naming what this one covers when the previous report covered everything', () => {
    const c = compareReports(now({ accounts: [A], regions: [] }), before([at(A)]), 'oct.json');
    expect(resolved(c)).toEqual([`rule:${A}:eu-west-1:res`]);
    expect(c.warnings).toEqual([`The previous report covered accounts this one does not (every account but ${A}): none of its findings were there.`]);
  });

  it('names the accounts where the previous report had policies or certificates', () => {
    const certificate = { certificateId: 'c1', kind: 'device', changed: true, arn: null, accountId: C, accountName: null, region: 'eu-west-1', accounts: [{ accountId: C, accountName: null, arn: null }], steps: [], lastKnownStatus: 'ACTIVE', things: [], policies: [], attachmentsComplete: false, failedEventIds: [] } satisfies CertificateLifecycle;
    const c = compareReports(now({ accounts: [A], regions: [] }), before([at(A), at(B)], { accounts: [], regions: [] }, { certificates: [certificate] }), 'oct.json');
    expect(c.warnings).toEqual([`The previous report covered accounts this one does not (${B}, ${C}): its finding there is not counted among the findings no longer reported, as nobody looked again.`]);
  });

  it('caps the accounts named', () => {
    const others = Array.from({ length: 8 }, (_, i) => `90000000000${i}`);
    const c = compareReports(now({ accounts: [A], regions: [] }), before(others.map((id) => at(id))), 'oct.json');
    expect(resolved(c)).toEqual([]);
    expect(c.warnings).toEqual([
      'The previous report covered accounts this one does not (900000000000, 900000000001, 900000000002, 900000000003, 900000000004 and 3 more): its 8 findings there are not counted among the findings no longer reported, as nobody looked again.',
    ]);
  });

  it('treats a finding of no account this run read (unknown, organization-wide) as outside an --account filter, inside without one', () => {
    const unknown = at('unknown', 'unknown');
    expect(resolved(compareReports(now({ accounts: [A], regions: [] }), before([unknown]), 'oct.json'))).toEqual([]);
    expect(resolved(compareReports(now({ accounts: [], regions: ['eu-west-1'] }), before([unknown]), 'oct.json'))).toEqual([]);
    expect(resolved(compareReports(now({ accounts: [], regions: [] }), before([unknown]), 'oct.json'))).toEqual(['rule:unknown:unknown:res']);
  });

  it('counts a finding out of scope once, not again as one of a rule that did not run', () => {
    const previous = before([at(A, 'eu-west-1', { ruleId: 'off' }), at(B, 'eu-west-1', { ruleId: 'off' })]);
    const c = compareReports(now({ accounts: [A], regions: [] }), previous, 'oct.json', ['off']);
    expect(resolved(c)).toEqual([]);
    expect(c.warnings).toEqual([
      `The previous report covered accounts this one does not (${B}): its finding there is not counted among the findings no longer reported, as nobody looked again.`,
      '1 finding of the previous report is from rules that did not run for this one (failed or disabled: off): not counted among the findings no longer reported, as nobody looked again.',
    ]);
  });
});

describe('compareReports: accounts and regions of which this run read no log file', () => {
  it('does not call resolved their findings, and says where, whether or not the organization lists the accounts', () => {
    const current = now({ accounts: [], regions: [] }, {}, [B, C]);
    const c = compareReports(current, before([at(A), at(B), at(C, 'us-east-1'), at(D)]), 'oct.json');
    expect(resolved(c)).toEqual([`rule:${D}:eu-west-1:res`, `rule:${A}:eu-west-1:res`]);
    expect(c.warnings).toEqual([
      `2 findings of the previous report are in accounts and regions of which this report read no log file (${B} eu-west-1, ${C} us-east-1): not counted among the findings no longer reported, as nobody looked again.`,
    ]);
  });

  it('holds to the account and region pairs read: sources of one account\'s region and another\'s other region (2026-11-26 review)', () => {
    // Read: A in us-east-1 and B in eu-west-1 only; the filters (the two accounts, any region, as
    // such sources give them: not every pair of the two) cannot say so.
    const current = now({ accounts: [A, B], regions: [] }, {}, [`${A} eu-west-1`, `${A} ap-south-1`, `${B} us-east-1`, `${B} ap-south-1`]);
    const c = compareReports(current, before([at(A, 'us-east-1'), at(A, 'eu-west-1'), at(B, 'eu-west-1'), at(B, 'us-east-1')]), 'oct.json');
    expect(resolved(c)).toEqual([`rule:${B}:eu-west-1:res`, `rule:${A}:us-east-1:res`]);
    expect(c.warnings).toEqual([
      `The previous report covered accounts this one does not (every account but ${B}, ${A}): none of its findings were there.`,
      `2 findings of the previous report are in accounts and regions of which this report read no log file (${B} us-east-1, ${A} eu-west-1): not counted among the findings no longer reported, as nobody looked again.`,
    ]);
  });

  it('counts every place as read when a plain folder of log files or an Athena table is among the sources (no file of theirs tells where it was read)', () => {
    const plain = now({ accounts: [], regions: [] }, { sources: [{ label: './exports', kind: 'local', layout: 'files', athena: null }] }, [B]);
    expect(resolved(compareReports(plain, before([at(B)]), 'oct.json'))).toEqual([`rule:${B}:eu-west-1:res`]);
    // Athena's coverage holds the places whose rows held an IoT call only (2026-11-26 review).
    const athena = now({ accounts: [], regions: [] }, { sources: [{ label: 'athena://db.trail', kind: 'athena', layout: 'athena', athena: null }] }, [B]);
    const c = compareReports(athena, before([at(B)]), 'oct.json');
    expect(resolved(c)).toEqual([`rule:${B}:eu-west-1:res`]);
    expect(c.warnings).toEqual([]);
  });

  it('calls an actor not seen now gone only when this run read an account it acted in', () => {
    const actor = (key: string, accounts: string[]): ActorSummary => ({
      key, label: key, type: 'AssumedRole', arn: key, sessionIssuerArn: null, sessionIssuerType: null, mfaAuthenticated: null,
      changes: 1, reads: 0, failedAttempts: 0, accounts, sourceIps: [], userAgents: [], firstSeen: '', lastSeen: '', actions: [],
    });
    const previous = before([], { accounts: [], regions: [] }, { actors: [actor('arn:role/here', [A]), actor('arn:role/there', [B]), actor('arn:role/both', [A, B]), actor('arn:role/filtered', [C])] });
    const c = compareReports(now({ accounts: [A, B], regions: [] }, {}, [B]), previous, 'oct.json');
    expect(c.actors.gone.map((a) => a.key)).toEqual(['arn:role/both', 'arn:role/here']);
    expect(c.warnings).toContain('2 actors of the previous report not seen now acted only in accounts or regions this report did not cover or read: not counted as gone.');
  });

  it('gives the scope warning first, then this one, each finding counted once', () => {
    const current = now({ accounts: [A, B], regions: [] }, {}, [B]);
    const c = compareReports(current, before([at(A), at(B), at(C)]), 'oct.json');
    expect(resolved(c)).toEqual([`rule:${A}:eu-west-1:res`]);
    expect(c.warnings).toEqual([
      `The previous report covered accounts this one does not (${C}): its finding there is not counted among the findings no longer reported, as nobody looked again.`,
      `1 finding of the previous report is in an account and region of which this report read no log file (${B} eu-west-1): not counted among the findings no longer reported, as nobody looked again.`,
    ]);
  });
});

describe('previous report validation: scope fields', () => {
  const base = JSON.parse(JSON.stringify(reportModel({ period: SEPTEMBER, findings: [at(A)] }))) as Record<string, unknown>;
  const refusal = (value: unknown) => {
    try {
      parsePreviousReport(JSON.stringify(value), 'sept.json');
    } catch (e) {
      expect(e).toBeInstanceOf(CompareError);
      return (e as Error).message.split(';')[0];
    }
    return null;
  };

  it('checks the filters and a finding\'s region', () => {
    expect(refusal({ ...base, filters: [] })).toBe('sept.json: filters is a list, not an object');
    expect(refusal({ ...base, filters: { accounts: A, regions: [] } })).toBe('sept.json: filters.accounts is "314159265358", not a list');
    expect(refusal({ ...base, filters: { accounts: [], regions: [3] } })).toBe('sept.json: filters.regions[0] is 3, not a string');
    expect(refusal({ ...base, findings: [{ ...at(A), region: 5 }] })).toBe('sept.json: findings[0].region is 5, not a string');
  });

  it('accepts a report without filters (read as covering everything) or a finding without region (in one of its report\'s regions)', () => {
    const { filters: _f, ...bare } = base;
    expect(refusal(bare)).toBeNull();
    const { region: _r, regions: _rs, ...noRegion } = at(B);
    const previous = { ...bare, findings: [noRegion] };
    expect(resolved(compareReports(now({ accounts: [], regions: [] }), previous, 'oct.json'))).toEqual([`rule:${B}:eu-west-1:res`]);
    const narrowed = compareReports(now({ accounts: [], regions: ['eu-west-1'] }), previous, 'oct.json');
    expect(resolved(narrowed)).toEqual([]);
    expect(narrowed.warnings).toEqual([
      'The previous report covered regions this one does not (every region but eu-west-1): its finding there is not counted among the findings no longer reported, as nobody looked again.',
    ]);
    // A previous report of eu-west-1 only: its finding was there, and this run looked again.
    const same = compareReports(now({ accounts: [], regions: ['eu-west-1'] }), { ...previous, filters: { accounts: [], regions: ['eu-west-1'] } }, 'oct.json');
    expect(resolved(same)).toEqual([`rule:${B}:eu-west-1:res`]);
    expect(same.warnings).toEqual([]);
  });
});
