import type { ReportModel } from '../types.js';
import { DEFAULT_PDF_CAPS, type RenderContext } from './context.js';

/** A renderer's output: bytes, text, or text in pieces written as they come (large outputs). */
export type Rendered = Buffer | string | Iterable<string>;
export type Renderer = (model: ReportModel, ctx: RenderContext) => Promise<Rendered>;

/** One file a format writes: its name after the report's base name, and its renderer. */
export interface FormatOutput {
  suffix: string;
  render: Renderer;
  /** Made by another process (the PDF, by the browser): started before the other outputs, which render meanwhile. */
  background?: boolean;
}

// Renderers load on first use: `--format json` never loads Handlebars or Puppeteer.
const json: Renderer = async (model) => (await import('./json.js')).renderJson(model);
const eventsCsv: Renderer = async (model) => (await import('./csv.js')).renderEventsCsv(model);
const findingsCsv: Renderer = async (model) => (await import('./csv.js')).renderFindingsCsv(model);
const html: Renderer = async (model, ctx) => (await import('./html.js')).renderHtml(model, { ...ctx, media: 'screen' });
const pdf: Renderer = async (model, ctx) => (await import('./pdf.js')).renderPdf(model, ctx);
// The Markdown names the file that lists what it leaves out: the PDF only when the PDF does not stop before the end of the findings.
const md: Renderer = async (model, ctx) =>
  (await import('./md.js')).renderMarkdown(model, {
    dataFiles: ctx.dataFiles,
    outputFiles: ctx.outputFiles,
    comparison: model.comparison,
    pdfFindings: { ...DEFAULT_PDF_CAPS, ...ctx.pdfCaps }.findings,
  });

/** `--format` name -> the files it writes. The one place formats are dispatched. */
export const FORMATS = {
  json: [{ suffix: '.json', render: json }],
  csv: [
    { suffix: '.csv', render: eventsCsv },
    { suffix: '-findings.csv', render: findingsCsv },
  ],
  html: [{ suffix: '.html', render: html }],
  pdf: [{ suffix: '.pdf', render: pdf, background: true }],
  md: [{ suffix: '.md', render: md }],
} satisfies Record<string, FormatOutput[]>;

export type FormatName = keyof typeof FORMATS;
export const FORMAT_NAMES = Object.keys(FORMATS) as FormatName[];
