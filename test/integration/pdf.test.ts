/**
 * The PDF with a real Chromium (`findBrowser`: /usr/bin/chromium on the CI machine) and
 * poppler's pdfinfo/pdftotext.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { PDFArray, PDFDict, PDFDocument, PDFHexString, PDFName, PDFNumber, PDFRef, PDFString } from 'pdf-lib';
import puppeteer from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findBrowser } from '../../src/render/browser.js';
import { DEFAULT_PDF_CAPS } from '../../src/render/context.js';
import { renderDocument } from '../../src/render/html.js';
import { PRINT_ONLY_RULE, printPdf, renderPdf, stampMetadata } from '../../src/render/pdf.js';
import { sampleModel } from '../helpers/sample-model.js';

const run = promisify(execFile);
const DATA_FILES = ['iot-audit-2026-10.csv', 'iot-audit-2026-10.json'];

let dir: string;
let browserPath: string;

async function pdfText(bytes: Uint8Array, name: string): Promise<{ info: Record<string, string>; text: string }> {
  const file = path.join(dir, name);
  await writeFile(file, bytes);
  const info = Object.fromEntries(
    (await run('pdfinfo', [file])).stdout
      .split('\n')
      .map((l) => /^([^:]+):\s*(.*)$/.exec(l))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => [m[1] as string, m[2] as string]),
  );
  const text = (await run('pdftotext', ['-layout', file, '-'], { maxBuffer: 256 * 1024 * 1024 })).stdout;
  return { info, text };
}

interface Mark {
  title: string;
  page: number;
  /** The count the outline gives an item with children: negative when folded. */
  count?: number;
  children: Mark[];
}

/** The PDF's bookmarks, in order: each one's title, the page (1-based) its destination is on, and those under it. */
async function bookmarks(bytes: Uint8Array): Promise<{ pageMode: string | undefined; marks: Mark[] }> {
  const doc = await PDFDocument.load(bytes);
  const pageOf = new Map(doc.getPages().map((p, i) => [p.ref.toString(), i + 1]));
  const dests = doc.catalog.lookupMaybe(PDFName.of('Dests'), PDFDict);
  const level = (parent: PDFDict | undefined): Mark[] => {
    const marks: Mark[] = [];
    for (let item = parent?.lookupMaybe(PDFName.of('First'), PDFDict); item !== undefined; item = item.lookupMaybe(PDFName.of('Next'), PDFDict)) {
      const text = item.lookup(PDFName.of('Title'));
      const title = text instanceof PDFHexString || text instanceof PDFString ? text.decodeText() : '';
      const dest = item.get(PDFName.of('Dest'));
      const target = dest instanceof PDFName ? dests?.lookupMaybe(dest, PDFArray) : undefined;
      const page = target?.get(0);
      const count = item.lookupMaybe(PDFName.of('Count'), PDFNumber)?.asNumber();
      marks.push({ title, page: page instanceof PDFRef ? (pageOf.get(page.toString()) ?? 0) : 0, ...(count === undefined ? {} : { count }), children: level(item) });
    }
    return marks;
  };
  return { pageMode: doc.catalog.get(PDFName.of('PageMode'))?.toString(), marks: level(doc.catalog.lookupMaybe(PDFName.of('Outlines'), PDFDict)) };
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'iot-audit-pdf-test-'));
  browserPath = await findBrowser({ env: process.env });
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('renderPdf', () => {
  it('prints a paged, titled A4 report with header, footer and metadata', async () => {
    const model = sampleModel({ events: 300, integrity: true });
    // A temporary folder of this render's own: other renders (test files run side by side) make profiles too.
    const ownTmp = await mkdtemp(path.join(os.tmpdir(), 'pdf-test-tmp-'));
    const tmpBefore = process.env.TMPDIR;
    process.env.TMPDIR = ownTmp;
    let bytes: Buffer;
    try {
      bytes = await renderPdf(model, { media: 'screen', paper: 'a4', browserPath, dataFiles: DATA_FILES });
    } finally {
      if (tmpBefore === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = tmpBefore;
    }
    // The throw-away browser profile, and the browser's socket folders, are gone.
    expect(await readdir(ownTmp)).toEqual([]);
    await rm(ownTmp, { recursive: true });
    expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const { info, text } = await pdfText(bytes, 'report.pdf');

    expect(Number(info.Pages)).toBeGreaterThan(1);
    expect(info['Page size']).toMatch(/^595\.\d+ x 841\.\d+ pts \(A4\)$/);
    expect(info.Title).toBe(model.title);
    expect(info.Author).toBe('iot-audit 0.1.0');
    expect(info.Creator).toBe('iot-audit 0.1.0');
    expect(info.Subject).toBe('AWS IoT changes, October 2026 (Europe/Paris)');
    expect(info.Keywords).toContain('2026-10');
    expect(info.CreationDate).toMatch(/Nov\s+2 08:30:00 2026 UTC/);
    expect(info.ModDate).toBe(info.CreationDate);
    expect(info.Tagged).toBe('no');

    const pages = Number(info.Pages);
    expect(text).toContain(model.title);
    expect(text).toContain(model.period.label);
    expect(text).toContain('Page 1 of');
    expect(text).toContain(`Page ${pages} of ${pages}`);
    const manual = model.certificates.find((c) => c.steps.some((s) => s.actorLabel === 'user/alice'));
    expect(manual).toBeDefined();
    expect(text.replace(/\s+/g, '')).toContain(manual?.certificateId);
    for (const heading of ['Findings', 'Summary', 'Log integrity', 'Certificates', 'Policies', 'Actors', 'Failed and denied attempts', 'Coverage', 'Appendix: all events']) {
      expect(text).toContain(heading);
    }
    expect(text).toContain('Document not recorded');
  });

  it('opens with a bookmark to each section, at the page where it starts, and under the findings one to each finding shown in full', async () => {
    const model = sampleModel({ events: 300, integrity: true });
    const bytes = await renderPdf(model, { media: 'pdf', paper: 'a4', browserPath, dataFiles: DATA_FILES });
    const { pageMode, marks } = await bookmarks(bytes);
    expect(pageMode).toBe('/UseOutlines');
    const count = (n: number) => n.toLocaleString('en-US');
    expect(marks.map((m) => m.title)).toEqual([
      `Findings (${count(model.findings.filter((f) => !f.suppressed).length)})`,
      'Summary',
      'Log integrity',
      `Certificates (${count(model.certificates.length)})`,
      `Policies (${count(model.policies.length)})`,
      `Actors (${count(model.actors.length)})`,
      `Failed and denied attempts (${count(model.summary.failedAttempts)})`,
      'Coverage',
      `Appendix: all events (${count(model.events.length)})`,
    ]);
    const file = path.join(dir, 'bookmarks.pdf');
    await writeFile(file, bytes);
    const pageText = async (page: number) => (await run('pdftotext', ['-layout', '-f', String(page), '-l', String(page), file, '-'])).stdout;
    for (const [i, mark] of marks.entries()) {
      // The section's heading stands on its own line on that page (the contents list's lines are numbered).
      const heading = mark.title.replace(/ \([\d,]+\)$/, '');
      expect(await pageText(mark.page), mark.title).toMatch(new RegExp(`^\\s*${heading}\\s*$`, 'm'));
      if (i > 0) expect(mark.page, mark.title).toBeGreaterThanOrEqual(marks[i - 1]!.page);
    }
    expect(marks.at(-1)!.page).toBeGreaterThan(marks[0]!.page);
    // Under the findings: the critical, high and medium ones (the cards), most severe first, folded.
    const [findings] = marks;
    const cards = model.findings.filter((f) => !f.suppressed && ['critical', 'high', 'medium'].includes(f.severity));
    expect(cards.length).toBeGreaterThan(3);
    expect(findings!.children.length).toBe(Math.min(cards.length, DEFAULT_PDF_CAPS.findingCards));
    expect(findings!.count).toBe(-findings!.children.length);
    expect(findings!.children[0]!.title).toMatch(/^Critical · .+ · .+ · \d{12}/);
    const severities = findings!.children.map((c) => c.title.split(' · ')[0]);
    expect(severities).toEqual([...severities].sort((a, b) => ['Critical', 'High', 'Medium'].indexOf(a!) - ['Critical', 'High', 'Medium'].indexOf(b!)));
    for (const child of findings!.children) {
      const title = child.title.split(' · ')[1]!;
      expect(cards.some((f) => f.title === title), child.title).toBe(true);
      expect((await pageText(child.page)).replace(/\s+/g, ' '), child.title).toContain(title);
      expect(child.page).toBeLessThan(marks[1]!.page + 1);
    }
  });

  it('keeps only the bookmarks whose element a link of the document points at (a template of ones own)', async () => {
    const html = `<!DOCTYPE html><html><head><meta charset="utf-8"><title>t</title></head><body><a href="#two">to two</a><h1 id="one">One</h1><p style="page-break-before: always">x</p><h1 id="two">Two</h1></body></html>`;
    const print = () => printPdf(html, { browserPath, paper: 'a4', headerTemplate: '<span></span>', footerTemplate: '<span></span>' });
    const model = sampleModel({ events: 10 });
    const kept = await bookmarks(await stampMetadata(await print(), model, [{ title: 'One', id: 'one' }, { title: 'Two', id: 'two' }, { title: 'Nowhere', id: 'nowhere' }]));
    expect(kept).toEqual({ pageMode: '/UseOutlines', marks: [{ title: 'Two', page: 2, children: [] }] });
    expect(await bookmarks(await stampMetadata(await print(), model, [{ title: 'Nowhere', id: 'nowhere' }]))).toEqual({ pageMode: undefined, marks: [] });
  });

  it('prints Letter when asked, and shows hostile values as text', async () => {
    const model = sampleModel({ events: 60, hostile: true });
    const { info, text } = await pdfText(await renderPdf(model, { media: 'pdf', paper: 'letter', browserPath }), 'letter.pdf');
    expect(info['Page size']).toMatch(/^612 x 792 pts \(letter\)$/);
    expect(info.Title).toBe(model.title);
    expect(text).toContain('<script>alert("event-name")</script>');
    expect(text).toContain('[U+202E]event-name');
  });

  it('is untagged unless asked (--pdf-tagged): then its structure, language and title are there for screen readers, with the same text', async () => {
    const model = sampleModel({ events: 60 });
    const plain = await renderPdf(model, { media: 'pdf', paper: 'a4', browserPath, dataFiles: DATA_FILES });
    const tagged = await renderPdf(model, { media: 'pdf', paper: 'a4', browserPath, dataFiles: DATA_FILES, pdfTagged: true });
    const [a, b] = [await pdfText(plain, 'plain.pdf'), await pdfText(tagged, 'tagged.pdf')];
    expect([a.info.Tagged, b.info.Tagged]).toEqual(['no', 'yes']);
    expect(b.text).toBe(a.text);
    const catalog = (await PDFDocument.load(tagged)).catalog;
    expect(catalog.get(PDFName.of('StructTreeRoot'))).toBeDefined();
    expect(String(catalog.get(PDFName.of('Lang')))).toBe('(en)');
    expect(b.info.Title).toBe(model.title);
    // The bookmarks are there as in the untagged PDF.
    expect(await bookmarks(tagged)).toEqual(await bookmarks(plain));
  });

  it('needs a browser path', async () => {
    await expect(renderPdf(sampleModel({ events: 60 }), { media: 'pdf', paper: 'a4' })).rejects.toThrow(/browserPath/);
  });

  it('prints a 100,000-event month in seconds', { timeout: 300_000 }, async () => {
    // 2,000 rollout roles: nothing repeats enough to be grouped, so every cap is reached.
    const model = sampleModel({ events: 100_000, rolloutActors: 2000 });
    expect(model.events.length).toBeGreaterThan(99_000);
    const started = performance.now();
    const bytes = await renderPdf(model, { media: 'pdf', paper: 'a4', browserPath, dataFiles: DATA_FILES });
    const seconds = (performance.now() - started) / 1000;
    const { info, text } = await pdfText(bytes, 'big.pdf');
    console.log(`100,000-event PDF: ${seconds.toFixed(1)} s, ${info.Pages} pages, ${(bytes.length / 1e6).toFixed(1)} MB`);
    expect(Number(info.Pages)).toBeGreaterThan(50);
    expect(text).toMatch(/\d{2},\d{3} more rows in iot-audit-2026-10.csv \/ .json/);
  });

  // Whether printPdf then loads the page into the narrow window shows only in the time it takes
  // (the bench's render:pdf phase); what a reader would notice, a blank or different PDF, shows here.
  it('the built-in document holds PRINT_ONLY_RULE, and prints the same text with it as without it', async () => {
    const model = sampleModel({ events: 300 });
    const doc = await renderDocument(model, { media: 'pdf', paper: 'a4' });
    expect(doc.html).toContain(PRINT_ONLY_RULE);
    const print = (html: string) => printPdf(html, { browserPath, paper: 'a4', headerTemplate: doc.pdfHeader, footerTemplate: doc.pdfFooter });
    // The same document loaded into the usual window (the rule's text taken out).
    const [narrow, usual] = await Promise.all([print(doc.html), print(doc.html.replace(PRINT_ONLY_RULE, ''))]);
    const [a, b] = [await pdfText(narrow, 'narrow.pdf'), await pdfText(usual, 'usual.pdf')];
    expect(Number(a.info.Pages)).toBeGreaterThan(3);
    expect(a.info.Pages).toBe(b.info.Pages);
    expect(a.text).toBe(b.text);
    expect(a.text).toContain('Appendix: all events');
  });

  it('lays every page out within the paper: nothing is cut off at the edge or shrinks the page to fit', async () => {
    // What the PDF's browser lays out, measured with scripts on (the product runs none): a row of
    // event ids, a long status or an unbroken value wider than its column used to run past the
    // page's edge, cut off there, and make Chromium shrink every page.
    const browser = await puppeteer.launch({ executablePath: browserPath, headless: true, pipe: true, args: ['--no-sandbox'] });
    try {
      for (const [paper, width] of [['a4', 703], ['letter', 725]] as const) {
        for (const model of [sampleModel({ events: 600, rolloutActors: 40 }), sampleModel({ events: 120, hostile: true })]) {
          const doc = await renderDocument(model, { media: 'pdf', paper, dataFiles: DATA_FILES });
          const page = await browser.newPage();
          await page.emulateMediaType('print');
          await page.setViewport({ width, height: 1000 });
          await page.setContent(doc.html.replace(PRINT_ONLY_RULE, ''), { waitUntil: 'load' });
          // A string: it runs in the page, whose DOM types this project does not compile against.
          const wider = (await page.evaluate(`(() => {
            const edge = document.documentElement.clientWidth + 0.5;
            return [...document.querySelectorAll('body *')].filter((el) => el.getBoundingClientRect().right > edge).map((el) => el.tagName + '.' + el.className + ': ' + (el.textContent || '').slice(0, 40));
          })()`)) as string[];
          expect(wider, paper).toEqual([]);
          await page.close();
        }
      }
    } finally {
      await browser.close();
    }
  });

  it('holds policy documents of thousands of short lines to the pages of the document budget (2026-11-26 review: 589 pages)', { timeout: 180_000 }, async () => {
    /** `policies` policies of 3 versions, each document `text` (not JSON: shown as logged). */
    const withDocuments = (policies: number, text: string) => {
      const m = sampleModel({ events: 120 });
      const base = m.policies[0]!;
      m.policies = Array.from({ length: policies }, (_, p) => ({
        ...base,
        policyName: `pol${p}`,
        arn: `arn:aws:iot:eu-west-1:111122223333:policy/pol${p}`,
        versions: [1, 2, 3].map((v) => ({ ...base.versions[0]!, versionId: String(v), document: text, documentRecorded: true, documentPretty: null })),
      }));
      return m;
    };
    const pages = async (policies: number, text: string, name: string) =>
      Number((await pdfText(await renderPdf(withDocuments(policies, text), { media: 'pdf', paper: 'a4', browserPath, dataFiles: DATA_FILES }), name)).info.Pages);
    // The budget's printed lines (1,034), 76 to an A4 page (9.8 pt lines), and a page for where the boxes break.
    const budgetPages = Math.ceil(Math.floor(DEFAULT_PDF_CAPS.documentBudget / 116) / 76) + 1;
    const lines = `{${'v1\n'.repeat(3000)}`;
    for (const policies of [60, 1]) {
      const short = await pages(policies, '{}', `short-${policies}.pdf`);
      const long = await pages(policies, lines, `lines-${policies}.pdf`);
      expect(long, `${policies} policies: ${short} pages with documents of one line`).toBeLessThanOrEqual(short + budgetPages);
    }
  });

  it('prints the same bytes for the same model', async () => {
    const model = sampleModel({ events: 120 });
    const a = await renderPdf(model, { media: 'pdf', paper: 'a4', browserPath });
    const b = await renderPdf(model, { media: 'pdf', paper: 'a4', browserPath });
    expect(Buffer.compare(a, b)).toBe(0);
  });
});

describe('printPdf hardening', () => {
  let server: Server;
  let port: number;
  const requests: string[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      requests.push(req.url ?? '');
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('SERVED-BY-TEST-SERVER');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  const page = (body: string, head = ''): string => `<!DOCTYPE html><html><head><meta charset="utf-8">${head}<title>t</title></head><body><p>VISIBLE-MARKER</p>${body}</body></html>`;

  for (const withCsp of [false, true]) {
    it(`makes no request${withCsp ? ' (with the CSP)' : ' even without the CSP'}, reads no local file and runs no script`, async () => {
      requests.length = 0;
      const secret = path.join(dir, 'secret.txt');
      await writeFile(secret, 'LOCAL-FILE-SECRET');
      const base = `http://127.0.0.1:${port}`;
      const html = page(
        `<img src="${base}/img"><iframe src="${base}/iframe"></iframe><object data="${base}/object"></object>` +
          `<video poster="${base}/poster"></video><div style="background:url(${base}/css-bg);width:10px;height:10px"></div>` +
          `<iframe src="file://${secret}"></iframe><img src="file://${secret}">` +
          `<script>document.write('SCRIPT-RAN')</script><script src="${base}/script.js"></script>` +
          `<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">`,
        (withCsp ? `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">` : '') +
          `<link rel="stylesheet" href="${base}/style.css"><style>@import url("${base}/import.css"); @font-face { font-family: X; src: url(${base}/font.woff); } body { font-family: X; }</style>` +
          `<meta http-equiv="refresh" content="0;url=${base}/refresh">`,
      );
      const bytes = await printPdf(html, { browserPath, paper: 'a4', headerTemplate: `<span><img src="${base}/header"></span>`, footerTemplate: '<span></span>' });
      const { text } = await pdfText(bytes, `blocked-${withCsp}.pdf`);
      expect(text).toContain('VISIBLE-MARKER');
      expect(text).not.toContain('SCRIPT-RAN');
      expect(text).not.toContain('LOCAL-FILE-SECRET');
      expect(text).not.toContain('SERVED-BY-TEST-SERVER');
      expect(requests).toEqual([]);
    });
  }

  it('the test server does answer a direct request (the zero above means something)', async () => {
    requests.length = 0;
    const res = await fetch(`http://127.0.0.1:${port}/direct`);
    expect(await res.text()).toBe('SERVED-BY-TEST-SERVER');
    expect(requests.splice(0)).toEqual(['/direct']);
  });
});
