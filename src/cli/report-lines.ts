/**
 * What `report` prints on the terminal once the report is made: its summary lines (stdout) and the
 * words of its warnings. Counts are said with their noun (`plural`: "1 IoT event", "2 changes"),
 * findings open and suppressed as the HTML and the Markdown count them. Pure: the model in, lines out.
 */
import { formatCount, plural } from '../numbers.js';
import { athenaRead, inRegionsAskedFor, NOT_IN_ORGANIZATION_LIST, readLogFiles } from '../render/format.js';
import type { ReportModel } from '../report/model.js';

/**
 * "findings: 4 critical, 13 high, 16 medium, 55 low (6 suppressed)": the open findings by severity,
 * each with its suppressed ones, as the HTML ("Low 55 · 6 suppressed") and the Markdown's table
 * count them; "none open, 3 suppressed" when every finding is suppressed; "none" when there is none.
 */
export function findingsLine(model: ReportModel): string {
  const bySeverity = model.summary.findingsBySeverity;
  const open = bySeverity.reduce((n, s) => n + s.count, 0);
  const suppressed = bySeverity.reduce((n, s) => n + s.suppressed, 0);
  let counts: string;
  if (open === 0) counts = suppressed === 0 ? 'none' : `none open, ${formatCount(suppressed)} suppressed`;
  else {
    counts = bySeverity
      .filter((s) => s.count > 0 || s.suppressed > 0)
      .map((s) => `${formatCount(s.count)} ${s.severity}${s.suppressed > 0 ? ` (${formatCount(s.suppressed)} suppressed)` : ''}`)
      .join(', ');
  }
  const failed = model.ruleErrors.length;
  return `findings: ${counts}${failed > 0 ? ` (${plural(failed, 'rule')} failed to run)` : ''}`;
}

/** "integrity: FAILED, 72 problems (7 account-regions checked)", with the model's verdict; null without `--verify`. */
function integrityLine(model: ReportModel): string | null {
  const integrity = model.integrity;
  if (integrity === null) return null;
  const problems = plural(integrity.problems.filter((p) => p.severity === 'error').length, 'problem');
  // Events from files that could not be checked: said, not only "intact" or "incomplete".
  const unchecked = integrity.eventsUnchecked;
  const notChecked = `${plural(unchecked, 'event is', 'events are')} from log files that could not be checked`;
  // The model's verdict, as the report's files give it.
  const verdict = {
    verified: 'logs intact',
    'verified-in-part': `logs intact, but ${notChecked}`,
    incomplete: `incomplete, ${problems}: nothing found altered, but ${unchecked > 0 ? notChecked : 'not all could be checked'}`,
    failed: `FAILED, ${problems}`,
  }[integrity.verdict];
  return `integrity: ${verdict} (${plural(integrity.chains.length, 'account-region')} checked)`;
}

/** "178 log files read, 3 unreadable, 1 account without logs": what was read, in its own units (a run through Athena alone read no file). */
function readLine(model: ReportModel): string {
  const c = model.coverage;
  const regions = inRegionsAskedFor(model.filters.regions);
  const parts = [
    ...(readLogFiles(model) ? [`${plural(c.filesRead, 'log file')} read, ${formatCount(c.unreadableFiles.length)} unreadable`] : []),
    ...(c.athena !== null ? [`Athena: ${athenaRead(c.athena)}`] : []),
    // Objects or prefixes that could not be listed or fetched (a file this user may not read, a failed GET): named only when there are some.
    ...(c.sourceProblems.length > 0 ? [`${formatCount(c.sourceProblems.length)} could not be listed or read`] : []),
    `${plural(c.accountsWithoutLogs.length, 'account')} without logs${regions}`,
    ...(c.accountsNotRead.length > 0 ? [`${formatCount(c.accountsNotRead.length)} not read${regions}`] : []),
    // The accounts no account list has, as the HTML and the Markdown name them: with logs, or asked for without.
    ...(c.accountsNotInOrganization.length > 0 ? [`${formatCount(c.accountsNotInOrganization.length)} ${NOT_IN_ORGANIZATION_LIST}`] : []),
  ];
  return parts.join(', ');
}

/** The summary printed on stdout before the files written: title, events, findings, integrity (with `--verify`), what was read. */
export function summaryLines(model: ReportModel): string[] {
  const s = model.summary;
  const integrity = integrityLine(model);
  return [
    model.title,
    `  ${plural(s.totalEvents, 'IoT event')}: ${plural(s.changes, 'change')}, ${formatCount(s.failedAttempts)} failed or denied, ${plural(s.reads, 'read')}`,
    `  ${findingsLine(model)}`,
    ...(integrity === null ? [] : [`  ${integrity}`]),
    `  ${readLine(model)}`,
  ];
}

/** The warnings on records the report could not place, in words (without their `Warning:`), or none. */
export function recordWarnings(coverage: ReportModel['coverage']): string[] {
  const timeless = coverage.iotRecordsWithoutTime.count;
  const nameless = coverage.iotRecordsWithoutName.count;
  const one = (n: number, single: string, many: string) => (n === 1 ? single : many);
  return [
    ...(timeless > 0
      ? [`${plural(timeless, 'IoT record has', 'IoT records have')} no usable event time and ${one(timeless, 'is', 'are')} in no period (listed in the report's Coverage)`]
      : []),
    ...(nameless > 0
      ? [
          `${plural(nameless, 'IoT record has', 'IoT records have')} no event name (damaged or altered: CloudTrail always writes one) and ${one(nameless, 'is', 'are')} in no event (listed in the report's Coverage)`,
        ]
      : []),
  ];
}
