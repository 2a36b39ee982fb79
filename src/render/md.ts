/**
 * A short Markdown summary for a ticket or a CI job summary (`$GITHUB_STEP_SUMMARY`):
 * title, period, coverage, changes, findings by severity, the top unsuppressed
 * findings, integrity, comparison and output files. Its length is bounded whatever the
 * input (at most MAX_LINES lines); every log value is escaped, its invisible and bidi
 * characters shown as `[U+202E]` (as the HTML shows them). No clock, no environment: the
 * same model and context give the same bytes.
 */
import type { Finding, ReportModel, Severity } from '../report/model.js';
import type { RenderContext } from './context.js';
import { athenaRead, formatCount, inRegionsAskedFor, NOT_IN_ORGANIZATION_LIST, plural, readLogFiles, suppressedCount, visible, ZoneClock } from './format.js';
import { flatten, flattenMiddle } from './one-line.js';
import { findingRegions } from '../report/model.js';
import type { Comparison } from '../analysis/compare.js';

export const MAX_LINES = 60;
const TOP_FINDINGS = 10;
/** Notes on the findings shown (a suppression that expired); the rest are counted. */
const FINDING_NOTES = 5;
/** Accounts and regions named on the Filters line; the rest are counted. */
const FILTER_ITEMS = 10;
/** Warnings of the comparison shown (there are at most four today), one line each; the rest are counted. */
const COMPARISON_WARNINGS = 4;
const SEVERITY_ORDER: Severity[] = ['critical', 'high', 'medium', 'low', 'info'];

export type MarkdownContext = Partial<Pick<RenderContext, 'dataFiles'>> & {
  /** Names of every file written for this report (shown last). */
  outputFiles?: readonly string[];
  /** The comparison with a previous report, when `--compare` was given. */
  comparison?: Comparison | null;
  /**
   * The findings the PDF lists (`PdfCaps.findings`, open ones first): past it, the PDF is not the
   * file that lists the open findings the summary leaves out. Absent: it lists them all.
   */
  pdfFindings?: number;
};

// ---------------------------------------------------------------------------
// Escaping: log values are written by whoever called the API.
// ---------------------------------------------------------------------------

/**
 * Text safe in a paragraph or a table cell: invisible and bidi characters shown as
 * `[U+202E]` (see `visible`), HTML and Markdown punctuation escaped, pipes escaped, and a
 * zero-width space breaking what GitHub would turn into a link or a mention (`://`,
 * `www.`, `@name`).
 */
export function mdText(value: string, max = 200): string {
  return flatten(visible(value), max)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\\`*_[\]{}()#+!|~]/g, '\\$&')
    .replace(/:\/\//g, ':\u200b//')
    .replace(/\bwww\./gi, (m) => `${m.slice(0, 3)}\u200b.`)
    .replace(/@/g, '@\u200b');
}

/**
 * An identifier as inline code (invisible characters shown as `[U+202E]`); inside a table the pipes are
 * escaped (GFM unescapes them in code). Past `max`, cut at the end, or in the `middle` (an ARN: its end says who).
 */
export function mdCode(value: string, max = 80, inTable = true, cut: 'end' | 'middle' = 'end'): string {
  let text = (cut === 'middle' ? flattenMiddle : flatten)(visible(value), max);
  if (inTable) text = text.replace(/\|/g, '\\|');
  const longestRun = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longestRun + 1);
  const pad = text.startsWith('`') || text.endsWith('`') || text === '' ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

const count = formatCount;

function accountLabel(finding: Finding): string {
  const id = mdCode(finding.accountId, 20);
  return finding.accountName ? `${mdText(finding.accountName, 40)} (${id})` : id;
}

// ---------------------------------------------------------------------------
// Sections
// ---------------------------------------------------------------------------

/** Up to FILTER_ITEMS items joined, and how many more. */
function someOf(items: readonly string[]): string {
  const more = items.length > FILTER_ITEMS ? ` and ${count(items.length - FILTER_ITEMS)} more` : '';
  return `${items.slice(0, FILTER_ITEMS).join(', ')}${more}`;
}

/**
 * What the HTML header says under "Filters" ("Only accounts 123456789012 (prod-iot); regions
 * eu-west-1"), the account named from the accounts list as the view names it; null without filters.
 */
function filtersLine(model: ReportModel): string | null {
  const { accounts, regions } = model.filters;
  if (accounts.length === 0 && regions.length === 0) return null;
  const names = new Map(model.accounts.map((a) => [a.id, a.name]));
  const parts: string[] = [];
  if (accounts.length > 0) {
    const labels = accounts.map((id) => {
      const name = names.get(id);
      return name ? `${mdCode(id, 20, false)} (${mdText(name, 40)})` : mdCode(id, 20, false);
    });
    parts.push(`accounts ${someOf(labels)}`);
  }
  if (regions.length > 0) parts.push(`regions ${someOf(regions.map((r) => mdCode(r, 30, false)))}`);
  return `**Filters:** Only ${parts.join('; ')}  `;
}

/**
 * The accounts the report covers (`coverage.accountsCovered`): "5 accounts", or, when some are not
 * in the organization's list (or the accounts file's), "5 accounts (2 not in the organization's list)",
 * those the HTML's Coverage names (`coverage.accountsNotInOrganization`).
 */
function accountsCovered(c: ReportModel['coverage']): string {
  const notInList = c.accountsNotInOrganization.length;
  return `${plural(c.accountsCovered.total, 'account')}${notInList > 0 ? ` (${count(notInList)} ${NOT_IN_ORGANIZATION_LIST})` : ''}`;
}

/** "178 log files read (175 readable, **3 unreadable**)": the readable ones are those the report's accounts count. */
function filesRead(c: ReportModel['coverage']): string {
  const unreadable = c.unreadableFiles.length;
  if (unreadable === 0) return `${plural(c.filesRead, 'log file')} read, none unreadable`;
  return `${plural(c.filesRead, 'log file')} read (${count(c.filesReadable)} readable, **${count(unreadable)} unreadable**)`;
}

/** A finding's Region cell: its region, or every region of a finding of several (never one of them). */
function regionsCell(f: Finding): string {
  const regions = findingRegions(f);
  if (regions.length === 1) return mdCode(regions[0]!, 20);
  return `${count(regions.length)} regions: ${someOf(regions.map((r) => mdCode(r, 20)))}`;
}

function header(model: ReportModel): string[] {
  const c = model.coverage;
  const s = model.summary;
  const categories = s.changesByCategory.map((x) => `${x.category} ${count(x.count)}`).join(' · ');
  const files = readLogFiles(model);
  const coverage = [
    files ? filesRead(c) : null,
    c.athena !== null ? `Athena: ${athenaRead(c.athena)}` : null,
    accountsCovered(c),
    c.accountsWithoutLogs.length > 0
      ? `**${plural(c.accountsWithoutLogs.length, 'account')} without logs${inRegionsAskedFor(model.filters.regions)}**`
      : null,
    c.accountsNotRead.length > 0 ? `**${plural(c.accountsNotRead.length, 'account')} not read${inRegionsAskedFor(model.filters.regions)}**` : null,
    c.sourceProblems.length > 0 ? `**${plural(c.sourceProblems.length, 'source problem')}**` : null,
    c.iotRecordsWithoutTime.count > 0 ? `**${plural(c.iotRecordsWithoutTime.count, 'IoT record')} without a usable time, in no period**` : null,
    c.iotRecordsWithoutName.count > 0 ? `**${plural(c.iotRecordsWithoutName.count, 'IoT record')} without an event name, in no event**` : null,
  ].filter(Boolean);
  const filters = filtersLine(model);
  return [
    `## ${mdText(model.title, 120)}`,
    '',
    `**Period:** ${mdText(model.period.label, 120)}, ${mdText(model.period.start, 30)} to ${mdText(model.period.end, 30)} (end excluded)  `,
    ...(filters === null ? [] : [filters]),
    `**Coverage:** ${coverage.join(', ')}  `,
    // "of which": the denied attempts are among the failed ones, as the terminal and the HTML say.
    `**Changes:** ${count(s.changes)} (${categories}); ${count(s.failedAttempts)} failed or denied, of which ${count(s.deniedAttempts)} denied${integrityLine(model)}`,
  ];
}

function integrityLine(model: ReportModel): string {
  const integrity = model.integrity;
  // Said either way: a summary without `--verify` must not pass for a verified one.
  if (!integrity) return '  \n**Integrity:** not verified (run with --verify)';
  // Warnings do not fail the check: counted apart, as the HTML and the CLI count them.
  const errors = integrity.problems.filter((p) => p.severity === 'error');
  const warnings = integrity.problems.length - errors.length;
  const warned = warnings > 0 ? `, ${plural(warnings, 'warning')}` : '';
  const events = eventsProven(integrity, model.summary.totalEvents);
  // The model's verdict, as the HTML, the PDF and the terminal give it.
  switch (integrity.verdict) {
    case 'verified':
    case 'verified-in-part':
      return `  \n**Integrity:** verified, ${plural(integrity.chains.length, 'digest chain')} valid${events}${warned}`;
    case 'incomplete':
      return `  \n**Integrity: INCOMPLETE**, ${problems(errors)}: nothing found altered, but not all could be checked${events}${warned}`;
    case 'failed':
      return `  \n**Integrity: FAILED**, ${problems(errors)}${events}${warned}`;
  }
}

/**
 * `; N of M events verified`, whatever the verdict, and those of the period the check did not prove,
 * in bold: from log files that failed it (modified, missing, listed by no digest), and from log files
 * it could not check.
 */
function eventsProven(integrity: NonNullable<ReportModel['integrity']>, total: number): string {
  const unproven = [
    [integrity.eventsModified, 'from modified log files'],
    [integrity.eventsMissing, 'from log files missing from the source'],
    [integrity.eventsNotCovered, 'from log files no digest lists'],
    [integrity.eventsUnchecked, 'from log files that could not be checked'],
  ] as const;
  const named = unproven.filter(([n]) => n > 0).map(([n, from]) => `**${count(n)} ${from}**`);
  return `; ${count(integrity.eventsValid)} of ${plural(total, 'event')} verified${named.length > 0 ? ` (${named.join(', ')})` : ''}`;
}

/** `N problems (kind n, …)`: the errors, with their four commonest kinds. */
function problems(errors: readonly { kind: string }[]): string {
  const kinds = new Map<string, number>();
  for (const p of errors) kinds.set(p.kind, (kinds.get(p.kind) ?? 0) + 1);
  const top = [...kinds]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, 4)
    .map(([kind, n]) => `${mdText(kind, 40)} ${count(n)}`)
    .join(', ');
  return `${plural(errors.length, 'problem')}${top ? ` (${top})` : ''}`;
}

/**
 * A file written for this report that lists what the summary leaves out (every open finding,
 * the rule errors), in order of preference; null when none was written (`--format md` alone).
 */
function fullReportFile(ctx: MarkdownContext, suffixes: readonly string[]): string | null {
  const files = [...(ctx.outputFiles ?? []), ...(ctx.dataFiles ?? [])];
  for (const suffix of suffixes) {
    const file = files.find((name) => name.endsWith(suffix));
    if (file !== undefined) return file;
  }
  return null;
}

/** Where the rest is: "in `iot-audit-2026-10.html`", or how to get a file that lists it. */
function whereListed(file: string | null): string {
  return file === null ? 'not in any file written (add html or json to --format for the full list)' : `in ${mdCode(file, 80, false)}`;
}

/**
 * "…and 78 more open findings in `iot-audit-2026-10.html`": a file written that lists every open
 * finding. The PDF is one only when it lists them all (it stops at `pdfFindings`, 500 by default,
 * and points to the JSON): else the HTML, the JSON or the findings CSV, or, when the PDF is the
 * only one written, how many it lists and what to add for the rest.
 */
function moreFindings(open: number, shown: number, ctx: MarkdownContext): string {
  const more = `…and ${plural(open - shown, 'more open finding')}`;
  const pdfListsAll = open <= (ctx.pdfFindings ?? Number.POSITIVE_INFINITY);
  const file = fullReportFile(ctx, pdfListsAll ? ['.html', '.pdf', '.json', '-findings.csv'] : ['.html', '.json', '-findings.csv']);
  if (file !== null) return `${more} in ${mdCode(file, 80, false)}.`;
  const pdf = pdfListsAll ? null : fullReportFile(ctx, ['.pdf']);
  if (pdf === null) return `${more}, ${whereListed(null)}.`;
  return `${more}, not all in any file written: ${mdCode(pdf, 80, false)} lists ${count(ctx.pdfFindings!)} of the ${count(open)} (add html or json to --format for the full list).`;
}

function findingsSection(model: ReportModel, ctx: MarkdownContext): string[] {
  const lines = ['', '### Findings', ''];
  const open = model.findings.filter((f) => !f.suppressed);
  if (model.findings.length === 0) {
    lines.push('No findings.');
  } else {
    lines.push('| Severity | Open | Suppressed |', '|---|--:|--:|');
    for (const severity of SEVERITY_ORDER) {
      const all = model.findings.filter((f) => f.severity === severity);
      const suppressed = all.filter((f) => f.suppressed).length;
      lines.push(`| ${severity} | ${count(all.length - suppressed)} | ${count(suppressed)} |`);
    }
  }
  if (open.length > 0) {
    const rank = (f: Finding) => SEVERITY_ORDER.indexOf(f.severity);
    const top = [...open]
      .sort((a, b) => rank(a) - rank(b) || (a.time < b.time ? -1 : a.time > b.time ? 1 : 0) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      .slice(0, TOP_FINDINGS);
    // Times in the report's zone, as the HTML shows them (with the offset in a repeated hour: 30 characters hold it); the zone named in the column header.
    const clock = new ZoneClock(model.period.timeZone);
    lines.push('', `| Severity | Finding | Account | Region | Resource | When (${mdText(clock.zone, 40)}) |`, '|---|---|---|---|---|---|');
    for (const f of top) {
      lines.push(
        `| ${mdText(f.severity, 10)} | ${mdText(f.title, 70)} | ${accountLabel(f)} | ${regionsCell(f)} | ${mdCode(f.resource, 80, true, 'middle')} | ${mdText(clock.minute(f.time), 30)} |`,
      );
    }
    if (open.length > top.length) lines.push('', moreFindings(open.length, top.length, ctx));
  }
  // A suppression that expired: its findings count again, for --fail-on too. Said here as in the
  // HTML, for the job that reads this summary and sees a run fail that passed last month.
  const notes = model.findingNotes ?? [];
  for (const note of notes.slice(0, FINDING_NOTES)) lines.push('', `**Note:** ${mdText(note, 300)}`);
  if (notes.length > FINDING_NOTES) {
    const file = fullReportFile(ctx, ['.html', '.pdf', '.json']);
    lines.push('', `…and ${plural(notes.length - FINDING_NOTES, 'more note')}${file === null ? ',' : ''} ${whereListed(file)}.`);
  }
  if (model.ruleErrors.length > 0) {
    const names = model.ruleErrors.slice(0, 5).map((e) => mdCode(e.ruleId, 40, false));
    const more = model.ruleErrors.length > names.length ? ` and ${model.ruleErrors.length - names.length} more` : '';
    const file = fullReportFile(ctx, ['.html', '.pdf', '.json']);
    const where = file === null ? 'details not in any file written: add html or json to --format' : `see ${mdCode(file, 80, false)}`;
    lines.push('', `**Rules that failed to run:** ${names.join(', ')}${more} (${where}).`);
  }
  return lines;
}

function comparisonSection(comparison: Comparison | null | undefined, ctx: MarkdownContext): string[] {
  if (!comparison) return [];
  const f = comparison.findings;
  const p = comparison.policies;
  const c = comparison.certificates;
  const a = comparison.actors;
  return [
    '',
    // The previous period as its report names it, in its own zone (its UTC dates began a day early east of UTC).
    `### Since the previous report (${mdText(comparison.previous.period.label, 120)})`,
    '',
    // New findings suppressed ones included (they are new all the same): said, since the other counts are of open findings.
    `- Findings: ${count(f.new.length)} new${suppressedCount(f.new)}, ${count(f.resolved.length)} no longer reported, ${count(f.changed.length)} changed`,
    `- Policies: ${count(p.new.length)} new${p.newDeleted > 0 ? ` (${count(p.newDeleted)} deleted by the period's end)` : ''}, ${count(p.deleted.length)} deleted, ${count(p.changed.length)} changed`,
    `- Certificates: ${count(c.new.length)} new, ${count(c.changed.length)} changed${c.moved > 0 ? ` (${count(c.moved)} moved to another account)` : ' status'}`,
    `- Actors: ${count(a.new.length)} new, ${count(a.gone.length)} gone`,
    // What the counts mean, as the HTML says it ("new" is not the same for every kind): one line, the summary stays bounded.
    `- First seen: ${plural(comparison.firstSeen.policies.length, 'policy', 'policies')}, ${plural(comparison.firstSeen.certificates.length, 'certificate')} (absent from the previous report, not created in this period: they existed before). New policies and certificates were created or registered in this period (absent from the previous report, or deleted in it); new findings and actors are absent from the previous report.`,
    // Every warning (period, scope, accounts without logs, rules that did not run), up to a cap: the summary stays bounded.
    ...comparison.warnings.slice(0, COMPARISON_WARNINGS).map((w) => `- **Warning:** ${mdText(w, 300)}`),
    ...(comparison.warnings.length > COMPARISON_WARNINGS
      ? [`- …and ${plural(comparison.warnings.length - COMPARISON_WARNINGS, 'more warning')}, ${whereListed(fullReportFile(ctx, ['.html', '.pdf', '.json']))}.`]
      : []),
  ];
}

function filesSection(ctx: MarkdownContext): string[] {
  const files = ctx.outputFiles ?? ctx.dataFiles ?? [];
  if (files.length === 0) return [];
  const shown = files.slice(0, 8).map((name) => mdCode(name, 80, false));
  const more = files.length > shown.length ? ` and ${files.length - shown.length} more` : '';
  return ['', `**Files:** ${shown.join(', ')}${more}`];
}

export function renderMarkdown(model: ReportModel, ctx: MarkdownContext = {}): string {
  const lines = [...header(model), ...findingsSection(model, ctx), ...comparisonSection(ctx.comparison, ctx), ...filesSection(ctx)];
  // The sections above are bounded by construction; this only guards that promise.
  return `${lines.slice(0, MAX_LINES).join('\n')}\n`;
}
