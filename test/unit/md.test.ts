import { describe, expect, it } from 'vitest';
import { MAX_LINES, mdCode, mdText, renderMarkdown } from '../../src/render/md.js';
import type { Comparison } from '../../src/analysis/compare.js';
import type { IntegrityReport, Severity } from '../../src/report/model.js';
import { finding, period, reportModel } from '../helpers/events.js';

const SEVERITIES: Severity[] = ['critical', 'high', 'medium', 'low', 'info'];

describe('renderMarkdown', () => {
  it('summarizes a report: title, period, coverage, changes, findings, files', () => {
    const model = reportModel({
      findings: [
        finding({ id: 'a', severity: 'critical', title: 'Overly permissive IoT policy created or made default', resource: 'fleet' }),
        finding({ id: 'b', severity: 'low', suppressed: true, suppressionReason: 'ok' }),
      ],
    });
    model.summary.changes = 42;
    model.summary.changesByCategory = [
      { category: 'certificate', count: 30 },
      { category: 'policy', count: 10 },
      { category: 'other', count: 2 },
    ];
    model.summary.failedAttempts = 7;
    model.summary.deniedAttempts = 5;
    model.coverage.filesRead = 1234;
    model.coverage.accountsWithoutLogs = ['222222222222'];
    const md = renderMarkdown(model, { outputFiles: ['iot-audit-2026-10.pdf', 'iot-audit-2026-10.json'] });
    expect(md).toContain('## AWS IoT audit report, October 2026');
    expect(md).toContain('**Period:** October 2026 \\(UTC\\), 2026-10-01T00:00:00Z to 2026-11-01T00:00:00Z (end excluded)');
    expect(md).toContain('**Coverage:** 1,234 log files read, none unreadable, 1 account, **1 account without logs**');
    expect(md).toContain('**Changes:** 42 (certificate 30 · policy 10 · other 2); 7 failed or denied, of which 5 denied  \n**Integrity:** not verified (run with --verify)\n');
    expect(md).toContain('| critical | 1 | 0 |');
    expect(md).toContain('| low | 0 | 1 |');
    expect(md).toContain('| critical | Overly permissive IoT policy created or made default | Production (`111111111111`) | `eu-west-1` | `fleet` | 2026-10-05 10:00 |');
    expect(md).toContain('**Files:** `iot-audit-2026-10.pdf`, `iot-audit-2026-10.json`');
    expect(md).not.toContain('Filters');
  });

  it('says when there are no findings', () => {
    expect(renderMarkdown(reportModel())).toContain('### Findings\n\nNo findings.');
  });

  it('stays within the line cap whatever the input, listing the top findings', () => {
    const findings = Array.from({ length: 5000 }, (_, i) => finding({ id: `f${i}`, severity: SEVERITIES[i % 5]!, resource: `r${i}` }));
    const integrity: IntegrityReport = {
      ok: false,
      verdict: 'failed',
      chains: [],
      notes: [],
      eventsUnchecked: 0,
      eventsValid: 0,
      eventsModified: 0,
      eventsMissing: 0,
      eventsNotCovered: 0,
      problems: Array.from({ length: 300 }, (_, i) => ({ kind: `kind-${i % 9}`, severity: 'error' as const, accountId: '1', region: 'r', key: 'k', message: 'm' })),
    };
    const comparison: Comparison = {
      previous: { title: 't', generatedAt: 'g', schemaVersion: '1.0', period: period({ start: '2026-09-01T00:00:00Z', end: '2026-10-01T00:00:00Z' }) },
      warnings: [],
      findings: { new: [], resolved: [], changed: [], unchanged: 0 },
      policies: { new: [], deleted: [], changed: [], newDeleted: 0 },
      certificates: { new: [], changed: [], moved: 0 },
      actors: { new: [], gone: [] },
      firstSeen: { policies: [], certificates: [] },
    };
    const model = reportModel({
      findings,
      integrity,
      ruleErrors: Array.from({ length: 40 }, (_, i) => ({ ruleId: `rule-${i}`, message: 'x' })),
    });
    model.coverage.unreadableFiles = Array.from({ length: 1000 }, () => ({ key: 'k', source: 's', reason: 'r' }));
    const md = renderMarkdown(model, { comparison, outputFiles: Array.from({ length: 50 }, (_, i) => `file-${i}`) });
    const lines = md.trimEnd().split('\n');
    expect(lines.length).toBeLessThanOrEqual(MAX_LINES);
    expect(lines.filter((l) => /^\| (critical|high|medium|low|info) \| [^0-9]/.test(l))).toHaveLength(10);
    expect(md).toContain('…and 4,990 more open findings, not in any file written (add html or json to --format for the full list).');
    expect(md).toContain('**Integrity: FAILED**, 300 problems (kind-0 34, kind-1 34, kind-2 34, kind-3 33)');
    expect(md).toContain('- Findings: 0 new, 0 no longer reported, 0 changed');
    expect(md).toContain('and 35 more (details not in any file written: add html or json to --format)');
    expect(md).toContain('and 42 more');
  });

  it('shows a passed integrity check', () => {
    const integrity: IntegrityReport = { ok: true, verdict: 'verified', chains: [{} as IntegrityReport['chains'][number]], problems: [], notes: [], eventsUnchecked: 0, eventsValid: 0, eventsModified: 0, eventsMissing: 0, eventsNotCovered: 0 };
    expect(renderMarkdown(reportModel({ integrity }))).toContain('**Integrity:** verified, 1 digest chain valid');
  });

  it('escapes log values in tables and text', () => {
    const hostile = 'x|y`<script>alert(1)</script>\n## heading [link](https://evil.example) @everyone **b**';
    const md = renderMarkdown(
      reportModel({ findings: [finding({ title: hostile, resource: hostile, accountName: hostile, region: 'eu|west' })] }),
    );
    const row = md.split('\n').filter((l) => l.startsWith('| high | ')).at(-1)!;
    // Exactly the 7 pipes of a 6-column row are unescaped.
    const cells = row.split(/(?<!\\)\|/).slice(1, -1).map((c) => c.trim());
    expect(cells).toHaveLength(6);
    const [, title, accountCell, region, resource] = cells as [string, string, string, string, string];
    // Text cells: no raw HTML, no Markdown that could take effect.
    for (const text of [title, accountCell.replace(/\(`.*`\)$/, '')]) {
      expect(text).not.toMatch(/<|(^|[^\\])[`*[\]]/);
      expect(text).toContain('&lt;script&gt;');
    }
    // Identifier cells: one code span, fenced longer than any backtick run inside.
    for (const code of [region, resource]) {
      const fence = /^`+/.exec(code)![0];
      expect(code.endsWith(fence)).toBe(true);
      expect(code.slice(fence.length, -fence.length)).not.toContain(fence);
    }
    expect(md).not.toContain('\n## heading');
    // Outside code spans (GitHub links and mentions nothing in code; the resource's span now keeps its end, `@everyone` too).
    expect(md.replace(/`[^`]*`/g, '')).not.toContain('https://evil');
    expect(md.replace(/`[^`]*`/g, '')).not.toMatch(/@everyone/);
  });
});

describe('escaping helpers', () => {
  it.each([
    ['a|b', 'a\\|b'],
    ['<b>&', '&lt;b&gt;&amp;'],
    ['`code`', '\\`code\\`'],
    ['*bold* _it_', '\\*bold\\* \\_it\\_'],
    ['line\nbreak\ttab', 'line break tab'],
    ['see www.example.com', 'see www\u200b.example.com'],
  ])('mdText(%j) = %j', (input, output) => {
    expect(mdText(input)).toBe(output);
  });

  it('clips long text', () => {
    expect(mdText('a'.repeat(500), 10)).toBe(`${'a'.repeat(9)}…`);
  });

  it.each([
    ['plain', '`plain`'],
    ['has`tick', '``has`tick``'],
    ['`edge', '`` `edge ``'],
    ['a|b', '`a\\|b`'],
  ])('mdCode(%j) = %j', (input, output) => {
    expect(mdCode(input)).toBe(output);
  });
});
