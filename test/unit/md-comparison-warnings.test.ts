/** The Markdown summary shows every warning of `--compare` (2026-12-02 review), within its line cap. */
import { describe, expect, it } from 'vitest';
import { MAX_LINES, renderMarkdown } from '../../src/render/md.js';
import type { Comparison } from '../../src/analysis/compare.js';
import type { IntegrityReport, Severity } from '../../src/report/model.js';
import { finding, period, reportModel } from '../helpers/events.js';

const comparison = (warnings: string[]): Comparison => ({
  previous: { title: 't', generatedAt: 'g', schemaVersion: '1.2', period: period({ start: '2026-09-01T00:00:00Z', end: '2026-10-01T00:00:00Z' }) },
  warnings,
  findings: { new: [], resolved: [], changed: [], unchanged: 0 },
  policies: { new: [], deleted: [], changed: [], newDeleted: 0 },
  certificates: { new: [], changed: [], moved: 0 },
  actors: { new: [], gone: [] },
  firstSeen: { policies: [], certificates: [] },
});

describe('renderMarkdown: comparison warnings', () => {
  it('shows every warning', () => {
    const md = renderMarkdown(reportModel(), { comparison: comparison(['First warning.', 'Second warning.', 'Third warning.']) });
    expect(md).toContain('- **Warning:** First warning.\n- **Warning:** Second warning.\n- **Warning:** Third warning.\n');
  });

  it('caps them, says how many more and where they are, and stays within the line cap', () => {
    const SEVERITIES: Severity[] = ['critical', 'high', 'medium', 'low', 'info'];
    const integrity: IntegrityReport = { ok: false, verdict: 'failed', chains: [], notes: [], eventsUnchecked: 0, eventsValid: 0, eventsModified: 0, eventsMissing: 0, eventsNotCovered: 0, problems: [{ kind: 'k', severity: 'error', accountId: '1', region: 'r', key: 'k', message: 'm' }] };
    const model = reportModel({
      findings: Array.from({ length: 50 }, (_, i) => finding({ id: `f${i}`, severity: SEVERITIES[i % 5]!, resource: `r${i}` })),
      filters: { accounts: ['111111111111'], regions: ['eu-west-1'] },
      integrity,
      ruleErrors: Array.from({ length: 9 }, (_, i) => ({ ruleId: `rule-${i}`, message: 'x' })),
    });
    model.coverage.accountsWithoutLogs = ['222222222222'];
    model.coverage.sourceProblems = [{ key: 'k', source: 's', reason: 'r' }];
    const warnings = Array.from({ length: 9 }, (_, i) => `Warning number ${i + 1}: ${'x'.repeat(400)}`);
    const md = renderMarkdown(model, { comparison: comparison(warnings), outputFiles: ['iot-audit-2026-10.md', 'iot-audit-2026-10.json'] });
    const lines = md.trimEnd().split('\n');
    expect(lines.length).toBeLessThanOrEqual(MAX_LINES);
    expect(lines.filter((l) => l.startsWith('- **Warning:** Warning number'))).toHaveLength(4);
    expect(md).toContain('- …and 5 more warnings, in `iot-audit-2026-10.json`.');
    // The Files line, last, is still there.
    expect(lines[lines.length - 1]).toBe('**Files:** `iot-audit-2026-10.md`, `iot-audit-2026-10.json`');
  });
});
