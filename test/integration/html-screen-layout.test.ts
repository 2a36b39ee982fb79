/**
 * The HTML report on screen, laid out by a real Chromium 1,280 px wide (2026-11-26 review): event
 * ids, a forged region and long badges were kept on one line (`white-space: nowrap`, undone only
 * for print) and ran over the next columns: 705 event-id cells of the demo report overflowed the
 * last column by ~90 px and the page scrolled sideways; a forged `awsRegion` was printed over the
 * call column; a thing name or user agent of 270 combining marks ran across three columns.
 */
import path from 'node:path';
import puppeteer, { type Browser } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runReport } from '../../src/pipeline/report.js';
import { findBrowser } from '../../src/render/browser.js';
import { htmlText } from '../../src/render/html.js';
import type { ReportModel } from '../../src/report/model.js';
import { reportOptions, ROOT } from '../helpers/report-options.js';
import { logKey, record, writeTree } from '../helpers/trail-tree.js';

const DATA_FILES = ['iot-audit-2026-10.csv', 'iot-audit-2026-10.json'];

/** The demo report's model (`npm run demo`): the fixtures with the example configuration, verified. */
async function demoModel(): Promise<ReportModel> {
  const options = reportOptions({
    configPath: path.join(ROOT, 'examples/iot-audit.config.yaml'),
    verify: { publicKeysFile: path.join(ROOT, 'fixtures/public-keys.json') },
  });
  return (await runReport(options)).model;
}

/** The reviewer's forged logs: a region written over the next columns, stacked combining marks, a long error code. */
async function forgedModel(): Promise<ReportModel> {
  const marks = '\u030D\u030E\u0304\u0305\u033F\u0311\u0306\u0310\u0352\u0357\u0316\u0317\u0318\u0319\u031C\u031D\u031E\u031F\u0320\u0324'.repeat(14);
  const records = [
    record({ eventID: 'e-region', awsRegion: `us-east-1 ${'X'.repeat(10)} covering the call column and more text here`, requestParameters: { thingName: 'evil' } }),
    record({ eventID: 'e-cluster', eventTime: '2026-10-05T10:01:00Z', requestParameters: { thingName: `X${marks}` }, userAgent: `X${marks}` }),
    record({
      eventID: 'e-tower',
      eventTime: '2026-10-05T10:02:00Z',
      userIdentity: { type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/x', accountId: '111122223333', userName: `Z${marks.slice(0, 126)}` },
    }),
    ...Array.from({ length: 60 }, (_, i) =>
      record({
        eventID: `e-denied-${String(i).padStart(2, '0')}`,
        eventTime: `2026-10-05T11:${String(i).padStart(2, '0')}:00Z`,
        eventName: 'DeleteThing',
        errorCode: `AccessDeniedException${'Forged'.repeat(20)}`,
        errorMessage: `User is not authorized to perform: iot:DeleteThing on resource thing/qa-thing-${i}`,
      }),
    ),
  ];
  const root = writeTree({ [logKey({ account: '111122223333', region: 'us-east-1', delivered: '2026-10-05T12:00' })]: records });
  return (await runReport(reportOptions({ sources: [root], accountsFile: undefined }))).model;
}

/** Cells whose content reaches past their right or left edge, and how far the page scrolls sideways. */
const MEASURE = `(() => {
  const cells = [];
  for (const td of document.querySelectorAll('table.data td')) {
    const box = td.getBoundingClientRect();
    let over = td.scrollWidth - td.clientWidth;
    for (const el of td.querySelectorAll('*')) {
      const r = el.getBoundingClientRect();
      if (r.width > 0 || r.height > 0) over = Math.max(over, r.right - box.right, box.left - r.left);
    }
    const text = document.createRange();
    text.selectNodeContents(td);
    for (const r of text.getClientRects()) over = Math.max(over, r.right - box.right);
    if (over > 0.5) cells.push((td.closest('section')?.id ?? '?') + ': +' + Math.round(over) + 'px ' + (td.textContent ?? '').slice(0, 50));
  }
  return { cells, sideways: document.documentElement.scrollWidth - document.documentElement.clientWidth };
})()`;

let browser: Browser;

beforeAll(async () => {
  browser = await puppeteer.launch({ executablePath: await findBrowser({ env: process.env }), headless: true, pipe: true, args: ['--no-sandbox'] });
});

afterAll(async () => {
  await browser?.close();
});

describe('the HTML on screen, 1,280 px wide', () => {
  it.each([
    ['the demo report', demoModel],
    ['forged logs: a region, stacked combining marks, a long error code', forgedModel],
  ])('%s: every cell holds its content, and the page does not scroll sideways', { timeout: 60_000 }, async (_name, make) => {
    const html = await htmlText(await make(), { media: 'screen', paper: 'a4', dataFiles: DATA_FILES });
    const page = await browser.newPage();
    try {
      await page.setViewport({ width: 1280, height: 900 });
      await page.setContent(html, { waitUntil: 'load', timeout: 60_000 });
      const { cells, sideways } = (await page.evaluate(MEASURE)) as { cells: string[]; sideways: number };
      expect(cells.slice(0, 10)).toEqual([]);
      expect(cells).toHaveLength(0);
      expect(sideways).toBe(0);
    } finally {
      await page.close();
    }
  });

  it('keeps the times the report writes on one line, and every real region, on screen and on A4 paper; a forged region wraps', { timeout: 60_000 }, async () => {
    /** How many lines each time (`.nowrap`) and region (`.region`) of the document takes. */
    const LINES = `(() => {
      const lines = (el) => { const r = document.createRange(); r.selectNodeContents(el); return new Set([...r.getClientRects()].map((x) => Math.round(x.top))).size; };
      const of = (selector) => [...document.querySelectorAll(selector)].map((el) => [el.textContent.trim(), lines(el)]);
      return { times: of('table.data .nowrap'), regions: of('.region') };
    })()`;
    const wrapped = (all: [string, number][]) => all.filter(([, n]) => n !== 1).map(([text]) => text);
    const demo = await demoModel();
    const forged = await forgedModel();
    const page = await browser.newPage();
    try {
      for (const [media, width] of [['screen', 1280], ['pdf', 703]] as const) {
        if (media === 'pdf') await page.emulateMediaType('print');
        await page.setViewport({ width, height: 900 });
        for (const [name, model] of [['demo', demo], ['forged', forged]] as const) {
          const html = await htmlText(model, { media, paper: 'a4', dataFiles: DATA_FILES });
          // The PDF's browser lays the document out in a window 8 px wide first (PRINT_ONLY_RULE): here, at the paper's width.
          await page.setContent(html.replace('@media print and (max-width: 8px) { body { display: none; } }', ''), { waitUntil: 'load', timeout: 60_000 });
          const { times, regions } = (await page.evaluate(LINES)) as { times: [string, number][]; regions: [string, number][] };
          expect(regions.length, `${name} ${media}`).toBeGreaterThan(10);
          expect([...new Set(wrapped(regions))], `${name} ${media}`).toEqual(name === 'demo' ? [] : [`us-east-1 ${'X'.repeat(10)} covering the call column and more text here`]);
          // Paper wraps a time where its column is narrow (as it did): on screen, each stays whole.
          if (media === 'screen') expect(times.length).toBeGreaterThan(10);
          if (media === 'screen') expect(wrapped(times), name).toEqual([]);
        }
      }
    } finally {
      await page.close();
    }
  });
});
