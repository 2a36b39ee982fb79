/**
 * The Markdown summary as a ticket reads it: it says what it covers (filters, the accounts
 * counted), whether the logs were verified, times in the report's zone, where the findings it
 * leaves out are, and never shows a log value reversed or hidden by an invisible character.
 */
import { describe, expect, it } from 'vitest';
import { MAX_LINES, mdCode, mdText, renderMarkdown } from '../../src/render/md.js';
import { buildView } from '../../src/render/view.js';
import { FORMATS } from '../../src/render/index.js';
import type { IntegrityReport, ReportModel } from '../../src/report/model.js';
import { account, finding, iotEvent, period, reportModel } from '../helpers/events.js';
import { sampleModel } from '../helpers/sample-model.js';

const STAGING = '271828182845';
/** Four accounts known, as in the fixture organization. */
const ACCOUNTS = [
  account('314159265358', { name: 'iot-prod' }),
  account(STAGING, { name: 'iot-staging' }),
  account('161803398874', { name: 'security' }),
  account('141421356237', { name: null }),
];

/** The open findings left out of the summary's top 10: 12 findings, 2 more. */
const twelveFindings = () => Array.from({ length: 12 }, (_, i) => finding({ id: `f${String(i).padStart(2, '0')}`, resource: `r${i}` }));

/** Cells of a GFM table row: split at the pipes that are not escaped. */
const cells = (row: string) => row.split(/(?<!\\)\|/).slice(1, -1).map((c) => c.trim());

/** Rows of the top findings table (6 cells; the severity counts table has 3). */
const findingRows = (md: string) => md.split('\n').filter((l) => l.startsWith('| ') && cells(l).length === 6 && !l.startsWith('| Severity |'));

/** What a reader sees of a Markdown line (code fences, escapes and bold removed). */
const rendered = (line: string) => line.replace(/`/g, '').replace(/\\(.)/g, '$1').replace(/\*\*/g, '').trim();

describe('Markdown summary: filters and the accounts covered', () => {
  const filtered = (): ReportModel => {
    const model = reportModel({ accounts: ACCOUNTS, filters: { accounts: [STAGING], regions: ['eu-west-1'] } });
    model.coverage.filesRead = 16;
    model.coverage.filesReadable = 15;
    model.coverage.unreadableFiles = [{ key: 'k', source: 's', reason: 'r' }];
    return model;
  };

  it('names the filters as the HTML does and counts only the accounts asked for', () => {
    const model = filtered();
    const md = renderMarkdown(model);
    expect(md).toContain('**Filters:** Only accounts `271828182845` (iot-staging); regions `eu-west-1`  \n');
    expect(md).toContain('**Coverage:** 16 log files read (15 readable, **1 unreadable**), 1 account  \n');
    expect(md).not.toContain('4 accounts');
    // The same words as the HTML header's "Filters".
    const html = buildView(model, { media: 'screen', paper: 'a4' }).header.filters;
    const line = md.split('\n').find((l) => l.startsWith('**Filters:**'))!;
    expect(rendered(line.replace('**Filters:**', ''))).toBe(html);
  });

  it('puts the Filters line between Period and Coverage', () => {
    const lines = renderMarkdown(filtered()).split('\n');
    const at = (prefix: string) => lines.findIndex((l) => l.startsWith(prefix));
    expect(at('**Filters:**')).toBe(at('**Period:**') + 1);
    expect(at('**Coverage:**')).toBe(at('**Filters:**') + 1);
  });

  it('says nothing of filters without them, and counts every known account', () => {
    const md = renderMarkdown(reportModel({ accounts: ACCOUNTS }));
    expect(md).not.toContain('Filters');
    expect(md).toContain(', 4 accounts');
  });

  it('with --region alone, names the regions and counts every known account', () => {
    const model = reportModel({ accounts: ACCOUNTS, filters: { accounts: [], regions: ['eu-west-1', 'us-east-1'] } });
    const md = renderMarkdown(model);
    expect(md).toContain('**Filters:** Only regions `eu-west-1`, `us-east-1`  \n');
    expect(md).toContain(', 4 accounts');
    expect(rendered(md.split('\n').find((l) => l.startsWith('**Filters:**'))!.replace('**Filters:**', ''))).toBe(
      buildView(model, { media: 'screen', paper: 'a4' }).header.filters,
    );
  });

  it('names an account without a known name by its id, and escapes names', () => {
    const model = reportModel({
      accounts: [...ACCOUNTS, account('999999999999', { name: 'a|b *x*' })],
      filters: { accounts: ['141421356237', '999999999999', '141421356237'], regions: [] },
    });
    const md = renderMarkdown(model);
    expect(md).toContain('**Filters:** Only accounts `141421356237`, `999999999999` (a\\|b \\*x\\*), `141421356237`  \n');
    // Counted once each.
    expect(md).toContain(', 2 accounts  \n');
  });

  it('stays short with many accounts asked for', () => {
    const ids = Array.from({ length: 500 }, (_, i) => String(100000000000 + i));
    const md = renderMarkdown(reportModel({ accounts: ids.map((id) => account(id)), filters: { accounts: ids, regions: [] } }));
    const line = md.split('\n').find((l) => l.startsWith('**Filters:**'))!;
    expect(line).toMatch(/`100000000009` \(account-1000\) and 490 more {2}$/);
    expect(line.length).toBeLessThan(600);
    expect(md).toContain(', 500 accounts  \n');
    expect(md.trimEnd().split('\n').length).toBeLessThanOrEqual(MAX_LINES);
  });
});

describe("Markdown summary: a caller's ARN keeps its end, which says who acted (2026-11-26 review)", () => {
  it('cuts a long ARN in the middle, keeping the role or session name whole', () => {
    const sso = 'arn:aws:iam::314159265358:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_IoTAdmin_5f3c1e2d9a8b7c6d';
    const session = `arn:aws:sts::314159265358:assumed-role/${'DeploymentPipelineRole'.padEnd(64, 'X')}/build-2026-10-13-1540`;
    const md = renderMarkdown(reportModel({ findings: [finding({ id: 'a', resource: sso }), finding({ id: 'b', resource: session })] }));
    const resources = findingRows(md).map((row) => cells(row)[4]!);
    // It read `arn:aws:iam::314159265358:role/aws-reserved/sso.amazonaws.c…`: the role unnamed.
    expect(resources[0]).toBe('`arn:aws:iam::314159265358:…mazonaws.com/AWSReservedSSO_IoTAdmin_5f3c1e2d9a8b7c6d`');
    expect(resources[1]).toMatch(/^`arn:aws:sts::314159265358:…X+\/build-2026-10-13-1540`$/);
    for (const code of resources) expect(code.length).toBeLessThanOrEqual(82);
    // A short one whole.
    expect(renderMarkdown(reportModel({ findings: [finding({ resource: 'arn:aws:iam::314159265358:role/iotmonitor-us-east-1-InstanceRole-1C5T1YCYMHPYT' })] }))).toContain(
      '| `arn:aws:iam::314159265358:role/iotmonitor-us-east-1-InstanceRole-1C5T1YCYMHPYT` |',
    );
  });

  it('never splits a character in two where it cuts', () => {
    const emoji = '\u{1F600}';
    // Emoji (two UTF-16 units each) across where the start ends (26 units of 80) and where the end begins (53 from the end).
    for (let before = 22; before < 28; before++) {
      for (let after = 47; after < 54; after++) {
        const code = mdCode(`${'a'.repeat(before)}${emoji.repeat(30)}${'b'.repeat(after)}`, 80, true, 'middle');
        expect(code).toContain('…');
        expect(code).not.toMatch(/\[U\+D[89A-F]/);
        expect(code).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
      }
    }
  });
});

describe('Markdown summary: invisible and bidi characters', () => {
  const tricky = 'Fleet\u202Eyciloptset\u202C\u200Bok';

  it('shows them as [U+XXXX] in text and code, in the top findings table', () => {
    const md = renderMarkdown(reportModel({ findings: [finding({ title: `Policy ${tricky} made default`, resource: tricky, accountName: 'Ops\u2066x\u2069' })] }));
    expect(md).not.toMatch(/[\u202A-\u202E\u2066-\u2069\u200B\u200E\u200F\u061C]/);
    const [row] = findingRows(md);
    const [, title, accountCell, , resource] = cells(row!);
    expect(title).toBe('Policy Fleet\\[U\\+202E\\]yciloptset\\[U\\+202C\\]\\[U\\+200B\\]ok made default');
    expect(accountCell).toBe('Ops\\[U\\+2066\\]x\\[U\\+2069\\] (`111111111111`)');
    expect(resource).toBe('`Fleet[U+202E]yciloptset[U+202C][U+200B]ok`');
  });

  it.each([
    [tricky, 'Fleet\\[U\\+202E\\]yciloptset\\[U\\+202C\\]\\[U\\+200B\\]ok'],
    ['a\u2066b\u2069c\u200Fd\uFEFF', 'a\\[U\\+2066\\]b\\[U\\+2069\\]c\\[U\\+200F\\]d\\[U\\+FEFF\\]'],
    ['bell\u0007 and line\nbreak', 'bell\\[U\\+0007\\] and line break'],
  ])('mdText(%j) = %j', (input, output) => {
    expect(mdText(input)).toBe(output);
  });

  it.each([
    [tricky, '`Fleet[U+202E]yciloptset[U+202C][U+200B]ok`'],
    ['a|\u202Eb', '`a\\|[U+202E]b`'],
  ])('mdCode(%j) = %j', (input, output) => {
    expect(mdCode(input)).toBe(output);
  });

  it('leaves none in a whole summary of hostile log values (each ends with U+202E)', () => {
    const model = sampleModel({ hostile: true, integrity: true, comparison: true });
    const md = renderMarkdown(model, { comparison: model.comparison, outputFiles: ['iot-audit-2026-10.html', 'iot-audit-2026-10.md'] });
    expect(md).not.toMatch(/[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]/);
  });
});

describe('Markdown summary: integrity', () => {
  it('says the logs were not verified without --verify, where the Integrity line would be', () => {
    const lines = renderMarkdown(reportModel()).split('\n');
    const at = lines.indexOf('**Integrity:** not verified (run with --verify)');
    expect(at).toBeGreaterThan(0);
    expect(lines[at - 1]).toMatch(/^\*\*Changes:\*\* .* {2}$/);
    expect(lines.filter((l) => l.includes('Integrity'))).toHaveLength(1);
  });

  it('says nothing of "not verified" when verified, passed or failed', () => {
    const passed: IntegrityReport = { ok: true, verdict: 'verified', chains: [], problems: [], notes: [], eventsUnchecked: 0, eventsValid: 0, eventsModified: 0, eventsMissing: 0, eventsNotCovered: 0 };
    const failed: IntegrityReport = { ok: false, verdict: 'failed', chains: [], problems: [{ kind: 'k', severity: 'error', accountId: '1', region: 'r', key: 'k', message: 'm' }], notes: [], eventsUnchecked: 0, eventsValid: 0, eventsModified: 0, eventsMissing: 0, eventsNotCovered: 0 };
    for (const integrity of [passed, failed]) {
      const md = renderMarkdown(reportModel({ integrity }));
      expect(md).not.toContain('not verified');
      expect(md.split('\n').filter((l) => l.includes('Integrity'))).toHaveLength(1);
    }
  });
});

describe('Markdown summary: the Integrity line (2026-11-26 review)', () => {
  const problem = (severity: 'error' | 'warning', kind: string) => ({ kind, severity, accountId: '1', region: 'r', key: 'k', message: 'm' });

  it('counts errors as problems and warnings apart, as the HTML and the CLI do (a warning was a problem of a FAILED check)', () => {
    const integrity: IntegrityReport = { ok: false, verdict: 'failed', chains: [], problems: [problem('error', 'digest-missing'), problem('warning', 'digest-missing')], notes: [], eventsUnchecked: 0, eventsValid: 0, eventsModified: 0, eventsMissing: 0, eventsNotCovered: 0 };
    expect(renderMarkdown(reportModel({ integrity }))).toContain('**Integrity: FAILED**, 1 problem (digest-missing 1); 0 of 0 events verified, 1 warning');
  });

  it('gives the events the check proved, and where the others come from, whatever the verdict (FAILED gave no count: 2026-11-26 audit)', () => {
    const counts = { eventsValid: 13, eventsModified: 2, eventsMissing: 1, eventsNotCovered: 94, eventsUnchecked: 524 };
    const summary = { ...reportModel().summary, totalEvents: 634 };
    const line = (integrity: IntegrityReport) => renderMarkdown(reportModel({ integrity, summary })).split('\n').find((l) => l.includes('Integrity'));
    const failed: IntegrityReport = { ok: false, verdict: 'failed', chains: [], problems: [problem('error', 'log-file-not-covered')], notes: [], ...counts };
    expect(line(failed)).toBe(
      '**Integrity: FAILED**, 1 problem (log-file-not-covered 1); 13 of 634 events verified (**2 from modified log files**, **1 from log files missing from the source**, ' +
        '**94 from log files no digest lists**, **524 from log files that could not be checked**)',
    );
    const incomplete: IntegrityReport = { ...failed, verdict: 'incomplete', problems: [problem('error', 'no-digests')], ...counts, eventsModified: 0, eventsMissing: 0, eventsNotCovered: 0, eventsValid: 110 };
    expect(line(incomplete)).toBe(
      '**Integrity: INCOMPLETE**, 1 problem (no-digests 1): nothing found altered, but not all could be checked; 110 of 634 events verified (**524 from log files that could not be checked**)',
    );
  });

  it('says when a check that passed left events unproven (their files could not be checked), not only "verified"', () => {
    const integrity: IntegrityReport = { ok: true, verdict: 'verified-in-part', chains: [], problems: [problem('warning', 'digest-signature-unavailable')], notes: [], eventsUnchecked: 1, eventsValid: 1, eventsModified: 0, eventsMissing: 0, eventsNotCovered: 0 };
    const events = [iotEvent({ integrity: 'valid' }), iotEvent({ integrity: 'unverified' })];
    const summary = { ...reportModel().summary, totalEvents: 2 };
    expect(renderMarkdown(reportModel({ integrity, events, summary }))).toContain(
      '**Integrity:** verified, 0 digest chains valid; 1 of 2 events verified (**1 from log files that could not be checked**), 1 warning',
    );
    const clean = renderMarkdown(reportModel({ integrity: { ...integrity, verdict: 'verified', problems: [], eventsUnchecked: 0, eventsValid: 1 }, events: [iotEvent({ integrity: 'valid' })], summary: { ...summary, totalEvents: 1 } }));
    expect(clean.split('\n').filter((l) => l.includes('Integrity'))).toEqual(['**Integrity:** verified, 0 digest chains valid; 1 of 1 event verified']);
  });
});

describe("Markdown summary: finding times in the report's zone", () => {
  it('shows the zone local time and names the zone in the column header', () => {
    const model = reportModel({
      period: period({ timeZone: 'America/Los_Angeles', label: 'October 2026 (America/Los_Angeles)', start: '2026-10-01T07:00:00Z', end: '2026-11-01T07:00:00Z' }),
      findings: [finding({ time: '2026-10-05T10:00:00Z' })],
    });
    const lines = renderMarkdown(model).split('\n');
    const headerRow = lines.find((l) => l.startsWith('| Severity | Finding |'))!;
    expect(headerRow).toBe('| Severity | Finding | Account | Region | Resource | When (America/Los\\_Angeles) |');
    expect(cells(headerRow)).toHaveLength(6);
    const [row] = findingRows(lines.join('\n'));
    // 10:00 UTC is 03:00 PDT.
    expect(cells(row!)[5]).toBe('2026-10-05 03:00');
  });

  it('follows the zone across a daylight-saving change', () => {
    const model = reportModel({
      period: period({ timeZone: 'Europe/Paris', label: 'October 2026 (Europe/Paris)' }),
      findings: [finding({ id: 'a', time: '2026-10-24T23:30:00Z' }), finding({ id: 'b', time: '2026-10-25T01:30:00Z' })],
    });
    const rows = findingRows(renderMarkdown(model));
    // CEST (+2) before 01:00 UTC on 25 October 2026, CET (+1) after: 02:30 is shown twice that night, so with its offset.
    expect(rows.map((r) => cells(r)[5])).toEqual(['2026-10-25 01:30', '2026-10-25 02:30 \\+01:00']);
  });

  it('names UTC for a UTC report', () => {
    expect(renderMarkdown(reportModel({ findings: [finding()] }))).toContain('| Resource | When (UTC) |\n');
  });
});

describe('Markdown summary: where the findings it leaves out are', () => {
  const model = () => reportModel({ findings: twelveFindings(), ruleErrors: [{ ruleId: 'broken-rule', message: 'x' }] });

  it('with --format md alone, says they are in no file written and how to get them', () => {
    const md = renderMarkdown(model(), { outputFiles: ['iot-audit-2026-10.md'] });
    expect(md).toContain('…and 2 more open findings, not in any file written (add html or json to --format for the full list).');
    expect(md).toContain('**Rules that failed to run:** `broken-rule` (details not in any file written: add html or json to --format).');
    expect(md).not.toContain('full report');
    expect(md).not.toContain('see the report');
  });

  it.each([
    [['iot-audit-2026-10.json', 'iot-audit-2026-10.csv', 'iot-audit-2026-10-findings.csv', 'iot-audit-2026-10.html', 'iot-audit-2026-10.pdf', 'iot-audit-2026-10.md'], 'iot-audit-2026-10.html', 'iot-audit-2026-10.html'],
    [['iot-audit-2026-10.json', 'iot-audit-2026-10.pdf', 'iot-audit-2026-10.md'], 'iot-audit-2026-10.pdf', 'iot-audit-2026-10.pdf'],
    [['iot-audit-2026-10.md', 'iot-audit-2026-10.json'], 'iot-audit-2026-10.json', 'iot-audit-2026-10.json'],
  ])('names a file written: %j', (outputFiles, findingsFile, rulesFile) => {
    const md = renderMarkdown(model(), { outputFiles });
    expect(md).toContain(`…and 2 more open findings in \`${findingsFile}\`.`);
    expect(md).toContain(`**Rules that failed to run:** \`broken-rule\` (see \`${rulesFile}\`).`);
  });

  it('names the findings CSV (not the events CSV) when it is the only file listing them', () => {
    const md = renderMarkdown(model(), { outputFiles: ['iot-audit-2026-10.csv', 'iot-audit-2026-10-findings.csv', 'iot-audit-2026-10.md'] });
    expect(md).toContain('…and 2 more open findings in `iot-audit-2026-10-findings.csv`.');
    // The findings CSV does not hold rule errors.
    expect(md).toContain('(details not in any file written: add html or json to --format)');
  });

  it('does not send readers to a PDF that stops before the end of the open findings: the JSON, the HTML or the findings CSV list them (2026-11-26 review)', () => {
    const written = ['iot-audit-2026-10.pdf', 'iot-audit-2026-10.json', 'iot-audit-2026-10.csv', 'iot-audit-2026-10-findings.csv', 'iot-audit-2026-10.md'];
    // 12 open findings, the PDF listing 11 of them: the reviewer's 620 open, 500 in the PDF.
    expect(renderMarkdown(model(), { outputFiles: written, pdfFindings: 11 })).toContain('…and 2 more open findings in `iot-audit-2026-10.json`.');
    expect(renderMarkdown(model(), { outputFiles: ['iot-audit-2026-10.pdf', 'iot-audit-2026-10-findings.csv', 'iot-audit-2026-10.md'], pdfFindings: 11 })).toContain(
      '…and 2 more open findings in `iot-audit-2026-10-findings.csv`.',
    );
    // The PDF alone: how many it lists, and what to add.
    expect(renderMarkdown(model(), { outputFiles: ['iot-audit-2026-10.pdf', 'iot-audit-2026-10.md'], pdfFindings: 11 })).toContain(
      '…and 2 more open findings, not all in any file written: `iot-audit-2026-10.pdf` lists 11 of the 12 (add html or json to --format for the full list).',
    );
    // A PDF that lists them all is named as before, as are the notes and rule errors it lists whole.
    const md = renderMarkdown(model(), { outputFiles: written, pdfFindings: 12 });
    expect(md).toContain('…and 2 more open findings in `iot-audit-2026-10.pdf`.');
  });

  it("the md format gives the summary the PDF's cap on findings (RenderContext pdfCaps, 500 by default)", async () => {
    const outputFiles = ['iot-audit-2026-10.pdf', 'iot-audit-2026-10.json', 'iot-audit-2026-10.md'];
    const render = (pdfCaps?: { findings: number }) => FORMATS.md[0]!.render(model(), { media: 'screen', paper: 'a4', outputFiles, ...(pdfCaps ? { pdfCaps } : {}) });
    expect(await render({ findings: 11 })).toContain('…and 2 more open findings in `iot-audit-2026-10.json`.');
    expect(await render()).toContain('…and 2 more open findings in `iot-audit-2026-10.pdf`.');
  });

  it('uses the data files when the output files are not given', () => {
    const md = renderMarkdown(model(), { dataFiles: ['iot-audit-2026-10.csv', 'iot-audit-2026-10.json'] });
    expect(md).toContain('…and 2 more open findings in `iot-audit-2026-10.json`.');
  });
});

describe('Markdown summary: reproducible and bounded', () => {
  it('gives the same bytes for the same input', () => {
    const a = sampleModel({ timeZone: 'America/Los_Angeles', integrity: true, comparison: true, hostile: true });
    const b = sampleModel({ timeZone: 'America/Los_Angeles', integrity: true, comparison: true, hostile: true });
    a.filters = { accounts: ['111111111111', '222222222222'], regions: ['eu-west-1'] };
    b.filters = { accounts: ['111111111111', '222222222222'], regions: ['eu-west-1'] };
    const ctx = { outputFiles: ['iot-audit-2026-10.md'] };
    const first = renderMarkdown(a, { ...ctx, comparison: a.comparison });
    expect(renderMarkdown(b, { ...ctx, comparison: b.comparison })).toBe(first);
    expect(first.trimEnd().split('\n').length).toBeLessThanOrEqual(MAX_LINES);
  });
});

describe('the Integrity section of the HTML and PDF: a check that passed with events it could not prove (2026-11-26 review)', () => {
  const passed = (eventsUnchecked: number, warnings = 0): IntegrityReport => ({
    ok: true,
    verdict: eventsUnchecked > 0 ? 'verified-in-part' : 'verified',
    chains: [],
    problems: Array.from({ length: warnings }, () => ({ kind: 'k', severity: 'warning' as const, accountId: '1', region: 'r', key: 'k', message: 'm' })),
    notes: [],
    eventsUnchecked,
    eventsValid: 0,
    eventsModified: 0,
    eventsMissing: 0,
    eventsNotCovered: 0,
  });

  it('is "Verified in part", and says how many events come from files that could not be checked ("Verified: every log file checked out" beside them misled)', () => {
    const view = buildView(reportModel({ integrity: passed(2, 1) }), { media: 'pdf', paper: 'a4', dataFiles: [] });
    expect(view.integrity!.status).toEqual({ label: 'Verified in part', cls: 'st-warn' });
    // And on the first page, where an auditor reads it first.
    expect(view.header.completeness).toContainEqual({ label: 'Integrity', value: 'verified in part: 2 events from log files that could not be checked (see Log integrity)', warn: true });
    expect(view.integrity!.statusText).toBe(
      'Every digest and log file that could be checked was valid (1 warning below), but 2 events of this report come from log files that could not be checked.',
    );
  });

  it('is "Verified" when every event was proven', () => {
    const view = buildView(reportModel({ integrity: passed(0) }), { media: 'screen', paper: 'a4', dataFiles: [] });
    expect(view.integrity!.status).toEqual({ label: 'Verified', cls: 'st-ok' });
    expect(view.header.completeness).toContainEqual({ label: 'Integrity', value: 'verified (see Log integrity)', warn: false });
    expect(view.integrity!.statusText).toBe('Every digest and log file of the period checked out.');
  });
});

describe('Markdown summary: the previous report of --compare, east of UTC (2026-11-26 review)', () => {
  it('is named by its own label, not by UTC dates that began a day early', async () => {
    const { resolvePeriod } = await import('../../src/collect/period.js');
    const september = resolvePeriod({ period: '2026-09', tz: 'Europe/Paris' }, new Date('2026-11-24T00:00:00Z'));
    const comparison = {
      previous: { title: 't', generatedAt: 'g', schemaVersion: '1.3', period: september },
      warnings: [],
      findings: { new: [], resolved: [], changed: [], unchanged: 0 },
      policies: { new: [], deleted: [], changed: [], newDeleted: 0 },
      certificates: { new: [], changed: [], moved: 0 },
      actors: { new: [], gone: [] },
      firstSeen: { policies: [], certificates: [] },
    };
    const md = renderMarkdown(reportModel(), { comparison });
    // Escaped as every log-derived text is (a Markdown reader shows the parentheses).
    expect(md).toContain('### Since the previous report (September 2026 \\(Europe/Paris\\))');
    expect(md).not.toContain('2026-08-31');
  });
});

describe('comparison: new findings that are suppressed (2026-11-26 review)', () => {
  // The other headline counts are of open findings ("88 open"): "94 new" with 6 of them suppressed read as a contradiction.
  it('says how many of the new findings are suppressed, in the Markdown and in the HTML view', () => {
    const model = sampleModel({ comparison: true });
    const fresh = model.comparison!.findings.new;
    expect(fresh.length).toBeGreaterThan(1);
    fresh[0]!.suppressed = true;
    const md = renderMarkdown(model, { comparison: model.comparison });
    expect(md).toContain(`- Findings: ${fresh.length} new (1 suppressed), `);
    const view = buildView(model, { media: 'screen', paper: 'a4' });
    expect(view.comparison?.counts.find((c) => c.label === 'New findings')?.value).toBe(`${fresh.length} (1 suppressed)`);
    fresh[0]!.suppressed = false;
    expect(renderMarkdown(model, { comparison: model.comparison })).toContain(`- Findings: ${fresh.length} new, `);
  });
});
