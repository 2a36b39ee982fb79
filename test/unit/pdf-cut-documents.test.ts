/**
 * Policy documents in the PDF (2026-11-26 review: 60 policies of 3 versions, each with a forged
 * 22 KB document, made an 821-page PDF from 180 events). AWS IoT takes documents of at most
 * 2,048 characters not counting white space: every document it accepts shows whole, a forged
 * one is cut, and all of them together share one budget; the HTML keeps them whole.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_PDF_CAPS, type RenderContext } from '../../src/render/context.js';
import { charsInRows, DOCUMENT_COLUMNS, printedRows } from '../../src/render/printed-rows.js';
import { buildView, type PolicyVersionView, type ReportView } from '../../src/render/view.js';
import type { PolicyHistory, ReportModel } from '../../src/report/model.js';
import { sampleModel } from '../helpers/sample-model.js';

const DATA_FILES = ['iot-audit-2026-10.csv', 'iot-audit-2026-10.json'];
const SCREEN: RenderContext = { media: 'screen', paper: 'a4', dataFiles: DATA_FILES };
const PDF: RenderContext = { ...SCREEN, media: 'pdf' };
const CUT = /… \([\d,]+ more characters\)$/;

/** A policy document of `n` statements, each allowing iot:Publish on `resources` topics. */
function document(tag: string, statements: number, resources: number): string {
  const Statement = Array.from({ length: statements }, (_, s) => ({
    Effect: 'Allow',
    Action: ['iot:Publish'],
    Resource: Array.from({ length: resources }, (_, r) => `arn:aws:iot:eu-west-1:111122223333:topic/${tag}-${s}-${r}`),
  }));
  return JSON.stringify({ Version: '2012-10-17', Statement });
}

/** The largest documents AWS IoT accepts (2,048 characters without white space), of the shapes policies take. */
function largestAccepted(): string[] {
  const fill = (make: (n: number) => object): string => {
    let n = 1;
    while (JSON.stringify(make(n + 1)).length <= 2048) n++;
    return JSON.stringify(make(n));
  };
  return [
    // Topic ARNs (pretty: 1.2 times as long).
    fill((n) => JSON.parse(document('fleet', 1, n)) as object),
    // A statement per client (1.6 times).
    fill((n) => ({ Version: '2012-10-17', Statement: Array.from({ length: n }, (_, i) => ({ Effect: 'Allow', Action: ['iot:Connect'], Resource: [`arn:aws:iot:eu-west-1:111122223333:client/c${i}`] })) })),
    // A list of short actions (2 times).
    fill((n) => ({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: Array.from({ length: n }, (_, i) => `iot:A${i % 10}`), Resource: '*' }] })),
  ];
}

/** `count` policies of `versions` versions each, every document `make(policy, version)`. */
function withPolicies(count: number, versions: number, make: (p: number, v: number) => string): ReportModel {
  const m = sampleModel({ events: 120 });
  const base = m.policies[0]!;
  const version = base.versions[0]!;
  m.policies = Array.from({ length: count }, (_, p): PolicyHistory => ({
    ...base,
    policyName: `pol${p}`,
    arn: `arn:aws:iot:eu-west-1:111122223333:policy/pol${p}`,
    versions: Array.from({ length: versions }, (_, v) => {
      const text = make(p, v);
      return { ...version, versionId: String(v + 1), document: text, documentRecorded: true, documentPretty: JSON.stringify(JSON.parse(text), null, 2) };
    }),
  }));
  return m;
}

const shownDocuments = (v: ReportView): PolicyVersionView[] => v.policies.items.flatMap((p) => p.versions);

/** The printed lines all the documents of the PDF share. */
const BUDGET_ROWS = Math.floor(DEFAULT_PDF_CAPS.documentBudget / DOCUMENT_COLUMNS);

/** `count` policies of `versions` versions each, every document `make(policy, version)`: not JSON, shown as logged. */
function withLogged(count: number, versions: number, make: (p: number, v: number) => string): ReportModel {
  const m = withPolicies(count, versions, () => '{}');
  m.policies.forEach((p, i) => p.versions.forEach((x, v) => Object.assign(x, { document: make(i, v), documentPretty: null })));
  return m;
}

describe('policy documents in the PDF', () => {
  it('shows whole every document AWS IoT accepts, pretty-printed', () => {
    const docs = largestAccepted();
    const m = withPolicies(docs.length, 1, (p) => docs[p]!);
    const shown = shownDocuments(buildView(m, PDF));
    expect(shown.map((x) => x.document)).toEqual(m.policies.map((p) => p.versions[0]!.documentPretty));
    // The longest is twice its compact length.
    expect(Math.max(...shown.map((x) => x.document!.length))).toBeGreaterThan(4_000);
  });

  it('cuts a forged document at four times what AWS IoT accepts, saying how much is left out', () => {
    const m = withPolicies(1, 1, () => document('big', 1, 400));
    const [shown] = shownDocuments(buildView(m, PDF));
    const whole = m.policies[0]!.versions[0]!.documentPretty!;
    expect(whole.length).toBeGreaterThan(20_000);
    expect(shown!.document).toBe(`${whole.slice(0, 8_192)}… (${(whole.length - 8_192).toLocaleString('en-US')} more characters)`);
  });

  it('gives 60 policies of 3 forged 22 KB versions one budget together, saying so, and the screen every document whole', () => {
    const m = withPolicies(60, 3, (p, v) => document(`t${p}-${v}`, 1, 400));
    const v = buildView(m, PDF);
    const shown = shownDocuments(v);
    expect(shown).toHaveLength(180);
    for (const x of shown) expect(x.document).toMatch(CUT);
    const total = shown.reduce((n, x) => n + x.document!.replace(CUT, '').length, 0);
    expect(total).toBeLessThanOrEqual(DEFAULT_PDF_CAPS.documentBudget);
    expect(shown.reduce((n, x) => n + printedRows(x.document!), 0)).toBeLessThanOrEqual(BUDGET_ROWS);
    // About as much of each: none is crowded out.
    const rows = shown.map((x) => printedRows(x.document!));
    expect(Math.min(...rows)).toBeGreaterThanOrEqual(Math.floor(BUDGET_ROWS / 180) - 1);
    expect(v.policies.more).toBe(
      '180 policy documents are cut to share the 1,034 printed lines (120,000 characters) this PDF gives policy documents; iot-audit-2026-10.json holds each whole.',
    );
    const screen = shownDocuments(buildView(m, SCREEN));
    expect(screen.map((x) => x.document)).toEqual(m.policies.flatMap((p) => p.versions.map((x) => x.documentPretty)));
    expect(buildView(m, SCREEN).policies.more).toBeNull();
  });

  it('keeps short documents whole beside forged ones: the long ones share what the short ones leave', () => {
    // 30 short documents of 16 lines (480 of the 1,034 printed lines; 60 documents: 17 lines each), 30 forged ones.
    const short = (p: number) => p % 2 === 1;
    const m = withPolicies(20, 3, (p, v) => (short(p) ? document(`s${p}-${v}`, 1, 3) : document(`t${p}-${v}`, 1, 400)));
    const v = buildView(m, PDF);
    const byPolicy = v.policies.items.map((p) => p.versions.map((x) => x.document!));
    for (const [i, docs] of byPolicy.entries()) {
      if (short(i)) expect(docs).toEqual(m.policies[i]!.versions.map((x) => x.documentPretty));
      else for (const d of docs) expect(d).toMatch(CUT);
    }
    expect(byPolicy.flat().reduce((n, d) => n + printedRows(d), 0)).toBeLessThanOrEqual(BUDGET_ROWS);
    expect(v.policies.more).toMatch(/^30 policy documents are cut/);
  });

  it('holds documents of invisible characters to the budget as printed (each [U+200D] is 8 characters: 180 of 660 printed 751,320, 2026-11-26 review)', () => {
    const m = withPolicies(60, 3, () => JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: '\u200D'.repeat(500) }] }));
    const shown = shownDocuments(buildView(m, PDF));
    const printed = shown.reduce((n, x) => n + x.document!.replace(CUT, '').length, 0);
    expect(printed).toBeLessThanOrEqual(DEFAULT_PDF_CAPS.documentBudget);
    for (const x of shown) expect(x.document).toMatch(CUT);
  });

  it('shows a document of invisible characters in its visible form, whole on screen and up to the cap in the PDF', () => {
    const m = withPolicies(1, 1, () => document('zw', 1, 3));
    const version = m.policies[0]!.versions[0]!;
    version.documentPretty = `${version.documentPretty!}${'\u200D'.repeat(500)}`;
    const visible = `${m.policies[0]!.versions[0]!.documentPretty!.slice(0, -500)}${'[U+200D]'.repeat(500)}`;
    expect(shownDocuments(buildView(m, SCREEN))[0]!.document).toBe(visible);
    expect(shownDocuments(buildView(m, PDF))[0]!.document).toBe(visible);
  });

  it('adds the budget note after the policies the PDF leaves out', () => {
    const m = withPolicies(61, 3, (p, v) => document(`t${p}-${v}`, 1, 400));
    expect(buildView(m, PDF).policies.more).toBe(
      '1 more policy in iot-audit-2026-10.json. 180 policy documents are cut to share the 1,034 printed lines (120,000 characters) this PDF gives policy documents; iot-audit-2026-10.json holds each whole.',
    );
    const small = withPolicies(61, 1, (p) => document(`s${p}`, 1, 2));
    expect(buildView(small, PDF).policies.more).toBe('1 more policy in iot-audit-2026-10.json');
  });
});

describe('policy documents as printed (2026-11-26 review: 180 documents of 3,000 lines of "v1" each, 9,000 characters, printed 589 pages)', () => {
  const lines = (v: number) => `{${`v${v + 1}\n`.repeat(3000)}`;
  const rowsOf = (v: ReportView) => shownDocuments(v).map((x) => printedRows(x.document!));

  it('holds 60 policies of 3 documents of 3,000 short lines to the printed lines of the budget, each cut', () => {
    const v = buildView(withLogged(60, 3, (_, x) => lines(x)), PDF);
    const rows = rowsOf(v);
    expect(rows).toHaveLength(180);
    expect(rows.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(BUDGET_ROWS);
    expect(Math.min(...rows)).toBeGreaterThanOrEqual(Math.floor(BUDGET_ROWS / 180) - 1);
    for (const x of shownDocuments(v)) expect(x.document).toMatch(CUT);
    expect(v.policies.more).toMatch(/^180 policy documents are cut to share the 1,034 printed lines/);
  });

  it('holds three such documents to the budget too, one policy alone', () => {
    const v = buildView(withLogged(1, 3, (_, x) => lines(x)), PDF);
    const rows = rowsOf(v);
    expect(rows.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(BUDGET_ROWS);
    // Shared equally: each keeps its first lines, as printed.
    for (const [i, x] of shownDocuments(v).entries()) expect(x.document).toMatch(new RegExp(`^\\{(v${i + 1}\\n){300}`));
  });

  it('counts blank lines, lone carriage returns, tabs, words that wrap early and long lines as the rows they print', () => {
    const forged = [
      `{${'\n'.repeat(20_000)}`,
      `{${'\r'.repeat(20_000)}`,
      `{${'a\t'.repeat(5_000)}`,
      `{${`${'a'.repeat(58)} `.repeat(300)}`,
      `{${'x'.repeat(50_000)}`,
      JSON.stringify(Array.from({ length: 5_000 }, () => 1)),
    ];
    for (const doc of forged) {
      const m = withLogged(60, 3, () => doc);
      if (doc.startsWith('[')) for (const x of m.policies.flatMap((p) => p.versions)) x.documentPretty = JSON.stringify(JSON.parse(doc), null, 2);
      const rows = rowsOf(buildView(m, PDF));
      expect(rows.reduce((a, b) => a + b, 0), JSON.stringify(doc.slice(0, 12))).toBeLessThanOrEqual(BUDGET_ROWS);
    }
  });

  it('counts rows as the document box wraps them', () => {
    const W = DOCUMENT_COLUMNS;
    expect(W).toBe(116);
    expect(printedRows('')).toBe(1);
    expect(printedRows('a'.repeat(W))).toBe(1);
    expect(printedRows('a'.repeat(W + 1))).toBe(2);
    expect(printedRows('a'.repeat(3 * W + 1))).toBe(4);
    expect(['a\nb', 'a\r\nb', 'a\rb', 'a\n'].map(printedRows)).toEqual([2, 2, 2, 2]);
    // A word that does not fit after a space goes to the next row; spaces and tabs at a row's end hang.
    expect(printedRows(`${'a'.repeat(58)} ${'a'.repeat(58)}`)).toBe(2);
    expect(printedRows(`${'a'.repeat(57)} ${'a'.repeat(58)}`)).toBe(1);
    expect(printedRows(`a${' '.repeat(500)}`)).toBe(1);
    expect(printedRows('\t'.repeat(100))).toBe(1);
    // A tab goes to the next multiple of 8: "a\t" is 8 columns.
    expect(printedRows('a\t'.repeat(15))).toBe(1);
    expect(printedRows('a\t'.repeat(16))).toBe(2);
    expect(charsInRows('a\nb\nc', 2)).toBe(3);
    expect(charsInRows('a\nb\nc', 3)).toBe(5);
    expect(charsInRows('x'.repeat(300), 2)).toBe(2 * W);
    expect(charsInRows(`ab ${'x'.repeat(300)}`, 2)).toBe(3 + W);
    expect(charsInRows('abc', 0)).toBe(0);
  });
});
