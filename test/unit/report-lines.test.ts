/**
 * What `report` prints on the terminal (2026-11-26 review, run as a CI job runs it): "findings: none"
 * when every finding was suppressed, the demo's "55 low" without its 6 suppressed (the HTML says
 * "Low 55 · 6 suppressed"), and counts of one in the plural ("1 IoT events: 1 changes", "1 reads",
 * "(1 account-regions checked)").
 */
import { describe, expect, it } from 'vitest';
import { findingsLine, recordWarnings, summaryLines } from '../../src/cli/report-lines.js';
import { countFindingsBySeverity } from '../../src/analysis/findings.js';
import type { Finding, IntegrityReport, ReportModel } from '../../src/report/model.js';
import { finding, reportModel } from '../helpers/events.js';

function withFindings(findings: Finding[], init: Partial<ReportModel> = {}): ReportModel {
  const model = reportModel({ findings, ...init });
  model.summary.findingsBySeverity = countFindingsBySeverity(findings);
  return model;
}

const many = (n: number, init: Partial<Finding>) => Array.from({ length: n }, (_, i) => finding({ id: `${init.severity}-${init.suppressed}-${i}`, ...init }));

describe('report: the findings line counts open and suppressed findings, as the HTML and the Markdown do', () => {
  it('says none are open and how many are suppressed when every finding is suppressed (it said "none")', () => {
    expect(findingsLine(withFindings(many(3, { severity: 'high', suppressed: true, suppressionReason: 'all' })))).toBe('findings: none open, 3 suppressed');
  });

  it("gives each severity's suppressed findings beside its open ones (the demo said \"55 low\", its 6 suppressed unsaid)", () => {
    const findings = [...many(4, { severity: 'critical' }), ...many(55, { severity: 'low' }), ...many(6, { severity: 'low', suppressed: true })];
    expect(findingsLine(withFindings(findings))).toBe('findings: 4 critical, 55 low (6 suppressed)');
    // A severity whose findings are all suppressed is still named, with none open.
    const high = [...many(2, { severity: 'critical' }), ...many(2, { severity: 'high', suppressed: true })];
    expect(findingsLine(withFindings(high))).toBe('findings: 2 critical, 0 high (2 suppressed)');
  });

  it('says "none" without findings, and names the rules that failed in the singular or plural', () => {
    expect(findingsLine(withFindings([]))).toBe('findings: none');
    expect(findingsLine(withFindings([], { ruleErrors: [{ ruleId: 'r', message: 'x' }] }))).toBe('findings: none (1 rule failed to run)');
    expect(findingsLine(withFindings([], { ruleErrors: [{ ruleId: 'r', message: 'x' }, { ruleId: 's', message: 'y' }] }))).toBe('findings: none (2 rules failed to run)');
  });
});

describe('report: a count of one is singular on the terminal', () => {
  const integrity = (chains: number): IntegrityReport =>
    ({
      ok: false,
      verdict: 'failed',
      chains: Array.from({ length: chains }, () => ({})),
      problems: [{ severity: 'error' }],
      notes: [],
      eventsUnchecked: 1,
      eventsValid: 0,
      eventsModified: 0,
      eventsMissing: 0,
      eventsNotCovered: 0,
    }) as unknown as IntegrityReport;

  it('one event, change, read, problem, account-region, log file and account', () => {
    const model = withFindings([]);
    Object.assign(model.summary, { totalEvents: 1, changes: 1, reads: 1, failedAttempts: 0 });
    Object.assign(model.coverage, { filesRead: 1, accountsWithoutLogs: ['222222222222'] });
    model.integrity = integrity(1);
    expect(summaryLines(model).slice(1)).toEqual([
      '  1 IoT event: 1 change, 0 failed or denied, 1 read',
      '  findings: none',
      '  integrity: FAILED, 1 problem (1 account-region checked)',
      '  1 log file read, 0 unreadable, 1 account without logs',
    ]);
  });

  it('several in the plural, counts grouped as the report groups them', () => {
    const model = withFindings([]);
    Object.assign(model.summary, { totalEvents: 1234, changes: 2, reads: 0, failedAttempts: 3 });
    model.integrity = { ...integrity(2), verdict: 'verified-in-part', problems: [] };
    expect(summaryLines(model).slice(1)).toEqual([
      '  1,234 IoT events: 2 changes, 3 failed or denied, 0 reads',
      '  findings: none',
      '  integrity: logs intact, but 1 event is from log files that could not be checked (2 account-regions checked)',
      '  0 log files read, 0 unreadable, 0 accounts without logs',
    ]);
  });

  it('the warnings on records without a time or an event name, one record or several', () => {
    const model = reportModel();
    model.coverage.iotRecordsWithoutTime.count = 1;
    model.coverage.iotRecordsWithoutName.count = 2;
    expect(recordWarnings(model.coverage)).toEqual([
      "1 IoT record has no usable event time and is in no period (listed in the report's Coverage)",
      "2 IoT records have no event name (damaged or altered: CloudTrail always writes one) and are in no event (listed in the report's Coverage)",
    ]);
  });
});
