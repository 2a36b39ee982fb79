/**
 * The HTML report: the view model printed through the (built-in or user) templates. One
 * self-contained file: inline CSS, inline SVG, no script, a Content-Security-Policy that
 * forbids loading anything.
 */
import type { ReportModel } from '../report/model.js';
import type { RenderContext } from './context.js';
import { loadTemplates, type ReportTemplates } from './templates.js';
import { buildView, type ReportView } from './view.js';

export interface RenderedDocument {
  view: ReportView;
  html: string;
  /** Puppeteer's page header and footer templates (HTML, escaped like the document). */
  pdfHeader: string;
  pdfFooter: string;
}

async function templatesOf(ctx: RenderContext): Promise<ReportTemplates> {
  return ctx.templates ?? (await loadTemplates(ctx.templateDir));
}

/** The whole document and its PDF header/footer, for the given media (the PDF prints it). */
export async function renderDocument(model: ReportModel, ctx: RenderContext): Promise<RenderedDocument> {
  const templates = await templatesOf(ctx);
  const view = buildView(model, ctx);
  return {
    view,
    html: templates.report(view),
    pdfHeader: templates.pdfHeader(view),
    pdfFooter: templates.pdfFooter(view),
  };
}

/**
 * The HTML renderer: the document as pieces of text, written as they come. Table rows are
 * made and printed one at a time while the pieces are read, so memory stays flat however
 * many events and findings the month has (see `ReportTemplates.reportPieces`).
 */
export async function renderHtml(model: ReportModel, ctx: RenderContext): Promise<Iterable<string>> {
  const templates = await templatesOf(ctx);
  return templates.reportPieces(buildView(model, ctx));
}

/** The whole HTML text at once (tests, small models). */
export async function htmlText(model: ReportModel, ctx: RenderContext): Promise<string> {
  return (await renderDocument(model, ctx)).html;
}
