import type { Printer } from './pdf.js';
import type { ReportTemplates } from './templates.js';

/**
 * What a renderer may know besides the report model. Kept small on purpose: no clock,
 * no environment, no file system beyond the template folder; the command layer fills it.
 */

/** Limits of the PDF view: Chromium's print time grows badly with huge tables (PITFALLS.md). */
export interface PdfCaps {
  /** Appendix rows listed one by one (events of repetitive groups are summarized instead). */
  appendix: number;
  /** Certificates listed one by one (after grouping identical lifecycles). */
  certificates: number;
  /** Policies shown with their versions and documents. */
  policies: number;
  /** Findings listed. */
  findings: number;
  /** Findings shown as full cards (critical first); the rest are compact rows. */
  findingCards: number;
  /** Actors listed. */
  actors: number;
  /** Failed/denied groups listed. */
  denied: number;
  /** Any other long table (accounts, regions, unreadable files, integrity problems...). */
  rows: number;
  /** Items listed inside one cell (event links, source IPs, things...). */
  cellItems: number;
  /** Versions shown per policy (the most recent; the rest are named in a pointer). */
  policyVersions: number;
  /** Change rows (after grouping) shown per policy. */
  policyChanges: number;
  /**
   * Characters of one policy document (or one finding's evidence) shown. AWS IoT takes documents
   * of at most 2,048 characters not counting white space; pretty-printed, such a document is
   * 1.2 to 2 times that (4 times when it lists hundreds of one-character values): a document
   * cut here was never accepted by AWS IoT, whatever the log says.
   */
  documentChars: number;
  /**
   * Characters of all the policy documents the PDF shows, together: 60 policies of 3 versions
   * each, forged at `documentChars`, would print hundreds of pages. Past it, the longest
   * documents are cut to an equal share of what is left, the shorter ones stay whole.
   */
  documentBudget: number;
  /** Same action by the same actor in the same account this many times or more becomes one group row. */
  groupMin: number;
  /** Rows per table before it is split into another table with its own header. */
  chunkRows: number;
}

export interface RenderContext {
  /** A user's folder of templates and partials overriding the built-in ones by file name. */
  templateDir?: string;
  /** The templates already loaded and checked (the pipeline loads them once: a user's before reading, the built-in ones during it); else loaded from `templateDir`. */
  templates?: ReportTemplates;
  /** Paper size of the PDF (and of `@page` when the HTML is printed). */
  paper: 'a4' | 'letter';
  /** A tagged PDF (`--pdf-tagged`): its structure for screen readers; slower to print. */
  pdfTagged?: boolean;
  /** Chromium executable for the PDF (see `findBrowser`). Required by `renderPdf` unless `printer` is given. */
  browserPath?: string;
  /** A browser already started for the PDF (`startPrinter`); `renderPdf` prints with it and closes it. */
  printer?: Printer;
  /**
   * `screen`: the HTML file, everything listed. `pdf`: the view printed to PDF, grouped and
   * capped. `renderPdf` always renders the `pdf` view whatever is set here.
   */
  media: 'screen' | 'pdf';
  /** Overrides of the PDF limits; missing keys take the defaults of `DEFAULT_PDF_CAPS`. */
  pdfCaps?: Partial<PdfCaps>;
  /**
   * Names of the outputs that hold every row (e.g. `["iot-audit-2026-10.csv", "iot-audit-2026-10.json"]`),
   * quoted where the PDF leaves rows out. When absent the text says "the CSV and JSON outputs".
   */
  dataFiles?: string[];
  /** Names of every file written for this report (the Markdown summary lists them). */
  outputFiles?: string[];
}

export const DEFAULT_PDF_CAPS: PdfCaps = {
  appendix: 600,
  certificates: 250,
  policies: 60,
  findings: 500,
  findingCards: 60,
  actors: 250,
  denied: 250,
  rows: 500,
  cellItems: 10,
  policyVersions: 3,
  policyChanges: 15,
  documentChars: 8_192,
  documentBudget: 120_000,
  groupMin: 50,
  chunkRows: 500,
};

/**
 * The screen view lists every row; cells still cap their inner lists (a finding over
 * 12,000 events would otherwise print 12,000 links in one cell; the appendix has them all).
 */
export const SCREEN_LIMITS: PdfCaps = {
  appendix: Number.POSITIVE_INFINITY,
  certificates: Number.POSITIVE_INFINITY,
  policies: Number.POSITIVE_INFINITY,
  findings: Number.POSITIVE_INFINITY,
  findingCards: Number.POSITIVE_INFINITY,
  actors: Number.POSITIVE_INFINITY,
  denied: Number.POSITIVE_INFINITY,
  rows: Number.POSITIVE_INFINITY,
  cellItems: 50,
  policyVersions: Number.POSITIVE_INFINITY,
  policyChanges: Number.POSITIVE_INFINITY,
  documentChars: Number.POSITIVE_INFINITY,
  documentBudget: Number.POSITIVE_INFINITY,
  groupMin: 50,
  chunkRows: Number.POSITIVE_INFINITY,
};
