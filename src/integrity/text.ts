import type { IntegrityVerdict } from '../report/model.js';
import { plural } from '../numbers.js';
import { printable } from '../unicode.js';
import { checkVerdict, logFilesUnchecked } from './report.js';
import type { IntegrityResult } from './types.js';

/** Problems printed in full by `verify`; the rest are counted (all are in `--json`). */
const PROBLEMS_SHOWN = 50;

function table(header: string[], values: string[][]): string[] {
  // Escaped before they are measured: the columns line up on what the terminal shows.
  const rows = values.map((r) => r.map(printable));
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < 2 || i === cells.length - 1 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)];
}

/**
 * The headline's verdict, in the words the report's outputs use (FAILED, INCOMPLETE: nothing found
 * altered, ...), with the log files the check could not prove where the report counts its events.
 */
function headline(verdict: IntegrityVerdict, unchecked: number): string {
  const files = `${plural(unchecked, 'log file')} could not be checked`;
  switch (verdict) {
    case 'verified':
      return 'VERIFIED';
    case 'verified-in-part':
      return `VERIFIED IN PART: ${files}`;
    case 'incomplete':
      return `INCOMPLETE: nothing found altered, but ${unchecked > 0 ? files : 'not all could be checked'}`;
    case 'failed':
      return 'FAILED';
  }
}

/**
 * Plain-text summary of an integrity check: its verdict (the report's, `checkVerdict`), one row per
 * account and region, then the problems and notes. Keys, file names and messages come from the
 * bucket: each line is shown `printable`.
 * `stamp` writes the checked span's times as the check wrote its messages' (ISO 8601 UTC unless given).
 */
export function formatIntegrityText(result: IntegrityResult, stamp?: (ms: number) => string): string {
  const at = (iso: string) => (stamp === undefined ? iso : stamp(Date.parse(iso)));
  const out: string[] = [`Log integrity ${at(result.period.start)} – ${at(result.period.end)}: ${headline(checkVerdict(result), logFilesUnchecked(result))}`, ''];
  if (result.chains.length > 0) {
    out.push(
      ...table(
        ['account', 'region', 'digests ok', 'dig. bad', 'dig. missing', 'dig. unchecked', 'logs ok', 'log modified', 'log missing', 'log not covered', 'log unchecked', 'gaps', 'status'],
        result.chains.map((c) => [
          c.accountId,
          c.region,
          String(c.digestsValid),
          String(c.digestsInvalid),
          String(c.digestsMissing),
          String(c.digestsUnverified),
          String(c.logFilesValid),
          String(c.logFilesModified),
          String(c.logFilesMissing),
          String(c.logFilesNotCovered),
          String(c.logFilesUnverified),
          String(c.gaps.length),
          c.status,
        ]),
      ),
      '',
    );
  }
  const errors = result.problems.filter((p) => p.severity === 'error');
  const warnings = result.problems.filter((p) => p.severity === 'warning');
  if (result.problems.length > 0) {
    out.push(`Problems: ${plural(errors.length, 'error')}, ${plural(warnings.length, 'warning')}`);
    for (const p of [...errors, ...warnings].slice(0, PROBLEMS_SHOWN)) {
      out.push(`  ${p.severity === 'error' ? 'ERROR' : 'warn '} ${p.kind} ${p.accountId}/${p.region} ${p.key}`, `        ${p.message}`);
    }
    if (result.problems.length > PROBLEMS_SHOWN) out.push(`  ... and ${result.problems.length - PROBLEMS_SHOWN} more (all are in --json)`);
    out.push('');
  }
  for (const note of result.notes) out.push(`Note: ${note}`);
  const { digestsRead, logFilesRead, bytesRead, listings } = result.stats;
  out.push(`Read ${plural(digestsRead, 'digest')} and ${plural(logFilesRead, 'log file')} (${plural(bytesRead, 'byte')}) with ${plural(listings, 'listing')}.`);
  return out.map(printable).join('\n');
}
