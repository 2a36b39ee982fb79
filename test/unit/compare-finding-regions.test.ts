import { describe, expect, it } from 'vitest';
import { compareReports } from '../../src/analysis/compare.js';
import { finding, period, readIn, reportModel } from '../helpers/events.js';

// Review 2026-11-26: since schema 1.5 a finding whose events are in several regions has `multiple`
// for region in its id (new-source grouped an account's changes of every region under the first
// one's). Against a report of 1.4, the same finding (same rule, account, IP, the same 10 events)
// was both new and "no longer reported".
const ACCOUNT = '314159265358';
const old = (region: string, id = `new-source:${ACCOUNT}:${region}:198.51.100.23:ip`) =>
  finding({ id, ruleId: 'new-source', accountId: ACCOUNT, region, regions: undefined as never, resource: '198.51.100.23', eventIds: ['e1', 'e2', 'e3'] });
const several = (regions: string[]) =>
  finding({ id: `new-source:${ACCOUNT}:multiple:198.51.100.23:ip`, ruleId: 'new-source', accountId: ACCOUNT, region: 'multiple', regions, resource: '198.51.100.23', eventIds: ['e1', 'e2', 'e3'] });
const model = (findings: ReturnType<typeof finding>[], month: string, start: string, end: string) =>
  reportModel({
    period: period({ start, end, month }),
    findings,
    coverage: { ...reportModel().coverage, perAccount: readIn([[ACCOUNT, 'us-east-1'], [ACCOUNT, 'eu-west-1'], [ACCOUNT, 'ap-northeast-1'], [ACCOUNT, 'sa-east-1']]) },
  });
const september = (findings: ReturnType<typeof finding>[]) => model(findings, '2026-09', '2026-09-01T00:00:00Z', '2026-10-01T00:00:00Z');
const october = (findings: ReturnType<typeof finding>[]) => model(findings, '2026-10', '2026-10-01T00:00:00Z', '2026-11-01T00:00:00Z');

describe('--compare and a finding whose id names several regions', () => {
  it('is the previous report\'s finding of one of those regions, changed, not new and resolved', () => {
    const c = compareReports(october([several(['ap-northeast-1', 'eu-west-1', 'us-east-1'])]), JSON.parse(JSON.stringify(september([old('us-east-1')]))));
    expect(c.findings.new).toEqual([]);
    expect(c.findings.resolved).toEqual([]);
    expect(c.findings.changed.map((f) => [f.id, f.changes])).toEqual([[`new-source:${ACCOUNT}:multiple:198.51.100.23:ip`, ['regions us-east-1 → ap-northeast-1, eu-west-1, us-east-1']]]);
  });

  it('the other way: several regions before, one now', () => {
    const c = compareReports(october([old('eu-west-1')]), JSON.parse(JSON.stringify(september([several(['eu-west-1', 'us-east-1'])]))));
    expect([c.findings.new, c.findings.resolved]).toEqual([[], []]);
    expect(c.findings.changed[0]!.changes).toEqual(['regions eu-west-1, us-east-1 → eu-west-1']);
  });

  it('is not matched to a finding of another region, rule, resource or account', () => {
    const elsewhere = '999999999999';
    for (const before of [
      old('sa-east-1'),
      { ...old('us-east-1', `other:${ACCOUNT}:us-east-1:198.51.100.23:ip`), ruleId: 'other' },
      old('us-east-1', `new-source:${ACCOUNT}:us-east-1:203.0.113.9:ip`),
      { ...old('us-east-1', `new-source:${elsewhere}:us-east-1:198.51.100.23:ip`), accountId: elsewhere },
    ]) {
      const c = compareReports(october([several(['eu-west-1', 'us-east-1'])]), JSON.parse(JSON.stringify(september([before]))));
      expect([c.findings.new.length, c.findings.changed]).toEqual([1, []]);
      // The previous one is not taken for this one: no longer reported (an account this run read).
      if (before.accountId !== elsewhere) expect(c.findings.resolved.map((f) => f.id)).toEqual([before.id]);
    }
  });
});
