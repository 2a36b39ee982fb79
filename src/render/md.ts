/**
 * A short Markdown summary for a ticket or a CI job summary (`$GITHUB_STEP_SUMMARY`):
 * title, period, coverage, changes, findings by severity, the top unsuppressed
 * findings, integrity, comparison and output files. Its length is bounded whatever the
 * input (at most MAX_LINES lines); every log value is escaped.
 */
import type { Finding, ReportModel, Severity } from '../report/model.js';
import type { RenderContext } from './context.js';
import { formatCount, inRegionsAskedFor } from './format.js';
import { flatten } from './one-line.js';
import type { Comparison } from '../analysis/compare.js';

export const MAX_LINES = 60;
const TOP_FINDINGS = 10;
const SEVERITY_ORDER: Severity[] = ['critical', 'high', 'medium', 'low', 'info'];

export type MarkdownContext = Partial<Pick<RenderContext, 'dataFiles'>> & {
  /** Names of every file written for this report (shown last). */
  outputFiles?: readonly string[];
  /** The comparison with a previous report, when `--compare` was given. */
  comparison?: Comparison | null;
};

// ---------------------------------------------------------------------------
// Escaping: log values are written by whoever called the API.
// ---------------------------------------------------------------------------

/**
 * Text safe in a paragraph or a table cell: HTML and Markdown punctuation escaped, pipes
 * escaped, and a zero-width space breaking what GitHub would turn into a link or a
 * mention (`://`, `www.`, `@name`).
 */
export function mdText(value: string, max = 200): string {
  return flatten(value, max)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\\`*_[\]{}()#+!|~]/g, '\\$&')
    .replace(/:\/\//g, ':\u200b//')
    .replace(/\bwww\./gi, (m) => `${m.slice(0, 3)}\u200b.`)
    .replace(/@/g, '@\u200b');
}

/** An identifier as inline code; inside a table the pipes are escaped (GFM unescapes them in code). */
export function mdCode(value: string, max = 80, inTable = true): string {
  let text = flatten(value, max);
  if (inTable) text = text.replace(/\|/g, '\\|');
  const longestRun = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longestRun + 1);
  const pad = text.startsWith('`') || text.endsWith('`') || text === '' ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

const count = formatCount;
const plural = (n: number, one: string, many = `${one}s`) => `${count(n)} ${n === 1 ? one : many}`;

function accountLabel(finding: Finding): string {
  const id = mdCode(finding.accountId, 20);
  return finding.accountName ? `${mdText(finding.accountName, 40)} (${id})` : id;
}

// ---------------------------------------------------------------------------
// Sections
// ---------------------------------------------------------------------------

function header(model: ReportModel): string[] {
  const c = model.coverage;
  const s = model.summary;
  const categories = s.changesByCategory.map((x) => `${x.category} ${count(x.count)}`).join(' · ');
  const coverage = [
    `${plural(c.filesRead, 'log file')} read`,
    c.unreadableFiles.length > 0 ? `**${plural(c.unreadableFiles.length, 'unreadable file')}**` : 'none unreadable',
    `${plural(model.accounts.length, 'account')}`,
    c.accountsWithoutLogs.length > 0
      ? `**${plural(c.accountsWithoutLogs.length, 'account')} without logs${inRegionsAskedFor(model.filters.regions)}**`
      : null,
    c.sourceProblems.length > 0 ? `**${plural(c.sourceProblems.length, 'source problem')}**` : null,
    c.iotRecordsWithoutTime.count > 0 ? `**${plural(c.iotRecordsWithoutTime.count, 'IoT record')} without a usable time, in no period**` : null,
  ].filter(Boolean);
  return [
    `## ${mdText(model.title, 120)}`,
    '',
    `**Period:** ${mdText(model.period.label, 120)}, ${mdText(model.period.start, 30)} to ${mdText(model.period.end, 30)} (end excluded)  `,
    `**Coverage:** ${coverage.join(', ')}  `,
    `**Changes:** ${count(s.changes)} (${categories}); ${plural(s.failedAttempts, 'failed attempt')}, ${count(s.deniedAttempts)} denied${integrityLine(model)}`,
  ];
}

function integrityLine(model: ReportModel): string {
  const integrity = model.integrity;
  if (!integrity) return '';
  if (integrity.ok) return `  \n**Integrity:** verified, ${plural(integrity.chains.length, 'digest chain')} valid`;
  const kinds = new Map<string, number>();
  for (const p of integrity.problems) kinds.set(p.kind, (kinds.get(p.kind) ?? 0) + 1);
  const top = [...kinds]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, 4)
    .map(([kind, n]) => `${mdText(kind, 40)} ${count(n)}`)
    .join(', ');
  return `  \n**Integrity: FAILED**, ${plural(integrity.problems.length, 'problem')}${top ? ` (${top})` : ''}`;
}

function findingsSection(model: ReportModel): string[] {
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
    lines.push('', '| Severity | Finding | Account | Region | Resource | When |', '|---|---|---|---|---|---|');
    for (const f of top) {
      lines.push(
        `| ${mdText(f.severity, 10)} | ${mdText(f.title, 70)} | ${accountLabel(f)} | ${mdCode(f.region, 20)} | ${mdCode(f.resource, 60)} | ${mdText(f.time.slice(0, 16).replace('T', ' '), 20)} |`,
      );
    }
    if (open.length > top.length) lines.push('', `…and ${plural(open.length - top.length, 'more open finding')} in the full report.`);
  }
  if (model.ruleErrors.length > 0) {
    const names = model.ruleErrors.slice(0, 5).map((e) => mdCode(e.ruleId, 40, false));
    const more = model.ruleErrors.length > names.length ? ` and ${model.ruleErrors.length - names.length} more` : '';
    lines.push('', `**Rules that failed to run:** ${names.join(', ')}${more} (see the report).`);
  }
  return lines;
}

function comparisonSection(comparison: Comparison | null | undefined): string[] {
  if (!comparison) return [];
  const f = comparison.findings;
  const p = comparison.policies;
  const c = comparison.certificates;
  const a = comparison.actors;
  return [
    '',
    `### Since the previous report (${mdText(comparison.previous.period.start.slice(0, 10), 12)} to ${mdText(comparison.previous.period.end.slice(0, 10), 12)})`,
    '',
    `- Findings: ${count(f.new.length)} new, ${count(f.resolved.length)} resolved, ${count(f.changed.length)} changed`,
    `- Policies: ${count(p.new.length)} new, ${count(p.deleted.length)} deleted, ${count(p.changed.length)} changed`,
    `- Certificates: ${count(c.new.length)} new, ${count(c.changed.length)} changed status`,
    `- Actors: ${count(a.new.length)} new, ${count(a.gone.length)} gone`,
    // At most one (see `periodWarnings`): the summary stays bounded.
    ...comparison.warnings.slice(0, 1).map((w) => `- **Warning:** ${mdText(w, 300)}`),
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
  const lines = [...header(model), ...findingsSection(model), ...comparisonSection(ctx.comparison), ...filesSection(ctx)];
  // The sections above are bounded by construction; this only guards that promise.
  return `${lines.slice(0, MAX_LINES).join('\n')}\n`;
}
