import type { ReportModel } from '../types.js';
import type { RenderContext } from './context.js';
import { renderEventsCsv, renderFindingsCsv } from './csv.js';
import { renderHtml } from './html.js';
import { renderJson } from './json.js';
import { renderMarkdown } from './md.js';
import { renderPdf } from './pdf.js';

export type Renderer = (model: ReportModel, ctx: RenderContext) => Promise<Buffer | string>;

/** One file a format writes: its name after the report's base name, and its renderer. */
export interface FormatOutput {
  suffix: string;
  render: Renderer;
}

/** `--format` name -> the files it writes. The one place formats are dispatched. */
export const FORMATS = {
  json: [{ suffix: '.json', render: renderJson }],
  csv: [
    { suffix: '.csv', render: renderEventsCsv },
    { suffix: '-findings.csv', render: renderFindingsCsv },
  ],
  html: [{ suffix: '.html', render: (model, ctx) => renderHtml(model, { ...ctx, media: 'screen' }) }],
  pdf: [{ suffix: '.pdf', render: renderPdf }],
  md: [{ suffix: '.md', render: renderMarkdown }],
} satisfies Record<string, FormatOutput[]>;

export type FormatName = keyof typeof FORMATS;
export const FORMAT_NAMES = Object.keys(FORMATS) as FormatName[];
export const DEFAULT_FORMATS: FormatName[] = ['html', 'pdf', 'json', 'csv'];
