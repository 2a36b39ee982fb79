/**
 * The HTML report: the view model printed through the (built-in or user) templates. One
 * self-contained file: inline CSS, inline SVG, no script, a Content-Security-Policy that
 * forbids loading anything.
 */
import type { ReportModel } from '../report/model.js';
import type { RenderContext } from './context.js';
import { loadTemplates } from './templates.js';
import { buildView, type ReportView } from './view.js';

export interface RenderedDocument {
  view: ReportView;
  html: string;
  /** Puppeteer's page header and footer templates (HTML, escaped like the document). */
  pdfHeader: string;
  pdfFooter: string;
}

/** The document and its PDF header/footer, for the given media. */
export async function renderDocument(model: ReportModel, ctx: RenderContext): Promise<RenderedDocument> {
  const templates = ctx.templates ?? (await loadTemplates(ctx.templateDir));
  const view = buildView(model, ctx);
  return {
    view,
    html: templates.report(view),
    pdfHeader: templates.pdfHeader(view),
    pdfFooter: templates.pdfFooter(view),
  };
}

export async function renderHtml(model: ReportModel, ctx: RenderContext): Promise<string> {
  return (await renderDocument(model, ctx)).html;
}
