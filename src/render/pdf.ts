/**
 * The PDF: the `pdf` view of the HTML report printed by a headless Chromium, then stamped
 * with document metadata. The page is hostile input: JavaScript is off, every request but
 * `data:` is aborted (the CSP forbids them too), and the browser runs on a throw-away profile
 * over a pipe (no debugging port).
 */
import { mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PDFDict, PDFDocument, PDFHexString, PDFName, type PDFRef } from 'pdf-lib';
import puppeteer, { ProtocolError, TimeoutError, type Browser, type Page } from 'puppeteer-core';
import { onExit } from '../exit-cleanup.js';
import type { ReportModel } from '../report/model.js';
import { browserFailed } from './browser.js';
import type { RenderContext } from './context.js';
import { renderDocument } from './html.js';

/** The browser to print with, and how long it may take to start. */
export interface LaunchOptions {
  browserPath: string;
  /** Limit for the browser to start and answer (default LAUNCH_TIMEOUT_MS). */
  launchTimeoutMs?: number;
  /** Limit for loading and printing; generous by default (a capped report prints in seconds). */
  timeoutMs?: number;
}

/** How a document is printed. */
export interface PageOptions {
  paper: 'a4' | 'letter';
  /** A tagged PDF (its structure for screen readers: headings, tables, lists); Chromium prints it about half as fast. */
  tagged?: boolean;
  /** Puppeteer header/footer templates (HTML; `pageNumber` and `totalPages` spans are filled in). */
  headerTemplate: string;
  footerTemplate: string;
}

export type PrintOptions = LaunchOptions & PageOptions;

const LAUNCH_ARGS = [
  '--no-sandbox',
  '--disable-dev-shm-usage',
  '--disable-gpu',
  '--no-first-run',
  '--no-default-browser-check',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-extensions',
  '--disable-features=Translate,MediaRouter,OptimizationHints',
  '--mute-audio',
];

/**
 * A document that holds this rule (the built-in report template does) shows nothing in a
 * print-media window narrower than 8 px, and the page is loaded into a 4 px one: Chromium then
 * lays the document out only for the printed pages, not first for the window it loads it into
 * (setContent 0.95 -> 0.25 s for the bench's scale-1 report, the same PDF). Media queries in
 * print are evaluated against the page, never that narrow. A document without it (a user's
 * template) loads into the usual window.
 */
export const PRINT_ONLY_RULE = '@media print and (max-width: 8px) { body { display: none; } }';

/** Page margins; the header and footer are drawn inside the top and bottom ones. */
const MARGIN = { top: '18mm', right: '12mm', bottom: '16mm', left: '12mm' };

/** How long the browser has to start and answer: a program that is no browser may neither exit nor answer. */
const LAUNCH_TIMEOUT_MS = 60_000;

/**
 * A print under way: its browser (stopped through `stop`, which kills it, launching or not), its
 * profile folder, and the Chromium socket folders the temporary folder held before it started.
 */
interface PrintJob {
  stop: AbortController;
  profile: string;
  socketFoldersBefore: ReadonlySet<string>;
}

/**
 * Ends a print's browser and removes its folders, synchronously (a process exiting during a
 * print, Ctrl-C, runs this from `onExit`: Puppeteer's own clean-up on exit kills the browser but
 * leaves a profile it did not make). The process group is sent SIGKILL first.
 */
function stopPrint(job: PrintJob): void {
  const socketFolder = socketFolderOf(job);
  job.stop.abort(new Error('exiting'));
  // Looked for again once killed: a browser still starting may have made its folder meanwhile.
  removeFolders(job.profile, socketFolder ?? socketFolderOf(job));
  // A browser killed as it starts can write into its profile for a few milliseconds more (the
  // kernel ends its processes one by one; on a busy machine that takes a while): once none is
  // left (for at most a second), its folders are removed again.
  const until = Date.now() + 1_000;
  let waited = false;
  while (processesOf(job.profile) && Date.now() < until) {
    waited = true;
    sleepSync(20);
  }
  if (waited) removeFolders(job.profile, socketFolder ?? socketFolderOf(job));
}

/**
 * Whether a process of the browser on `profile` is left (Linux: /proc; elsewhere, none known):
 * one with an argument that is the profile (`--user-data-dir=<profile>`) or a path inside it,
 * not any whose command line merely holds its name.
 */
function processesOf(profile: string): boolean {
  const ours = (arg: string) => arg === `--user-data-dir=${profile}` || arg.startsWith(`${profile}/`) || arg.includes(`=${profile}/`);
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return false;
  }
  for (const pid of pids) {
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, 'latin1').split('\0').some(ours)) return true;
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return false;
}

/** Waits `ms` on this thread: in an exit handler, nothing asynchronous runs any more. */
function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** The profile, and the socket folder Chromium made for it (read before the browser closes: one that had to be killed leaves it). */
function removeFolders(profile: string, socketFolder: string | null): void {
  for (const folder of [socketFolder, profile]) {
    if (folder === null) continue;
    try {
      rmSync(folder, { recursive: true, force: true, maxRetries: 3, retryDelay: 50 });
    } catch {
      // a process of the browser still writing there: nothing more can be done
    }
  }
}

/**
 * The folder Chromium makes in the temporary folder for its profile's socket
 * (`org.chromium.Chromium.XXXXXX`, linked from the profile's SingletonSocket). Chromium removes it
 * when it closes; a killed Chromium leaves it.
 */
function chromiumSocketFolder(profile: string): string | null {
  try {
    const folder = path.dirname(readlinkSync(path.join(profile, 'SingletonSocket')));
    return path.dirname(folder) === path.dirname(profile) && /chrom/i.test(path.basename(folder)) ? folder : null;
  } catch {
    return null;
  }
}

const SOCKET_FOLDER = /^org\.chromium\.Chromium\./;

/** The Chromium socket folders in the temporary folder. */
function socketFoldersIn(dir: string): Set<string> {
  try {
    return new Set(readdirSync(dir).filter((name) => SOCKET_FOLDER.test(name)));
  } catch {
    return new Set();
  }
}

/**
 * The print's socket folder: the one its profile links to, or, for a browser stopped while it
 * started (the folder made, the link not yet), the one new folder since it started in which no
 * process listens: another browser's, started meanwhile, has its socket open (`socketListening`).
 */
function socketFolderOf(job: PrintJob): string | null {
  const linked = chromiumSocketFolder(job.profile);
  if (linked !== null) return linked;
  const dir = path.dirname(job.profile);
  const made = [...socketFoldersIn(dir)].filter((name) => !job.socketFoldersBefore.has(name));
  const folder = made.length === 1 ? path.join(dir, made[0]!) : null;
  return folder !== null && !socketListening(folder) ? folder : null;
}

/** Whether a process listens on a socket in `folder` (Linux's /proc/net/unix); true when that cannot be told. */
function socketListening(folder: string): boolean {
  try {
    return readFileSync('/proc/net/unix', 'utf8').includes(`${folder}/`);
  } catch {
    return true;
  }
}

/** Programming errors: a bug here or in Puppeteer, never the browser's doing. */
function isBug(error: unknown): boolean {
  return error instanceof TypeError || error instanceof ReferenceError || error instanceof RangeError || error instanceof SyntaxError;
}

/**
 * Launches the browser at `browserPath`: a RenderError (`browserFailed`) when it does not
 * start, exits, or does not answer in time.
 */
async function launchBrowser(browserPath: string, profile: string, timeouts: { launch: number; protocol: number }, stop: AbortController): Promise<Browser> {
  const limit = setTimeout(() => stop.abort(new Error(`no answer within ${timeouts.launch / 1000} s`)), timeouts.launch);
  try {
    return await puppeteer.launch({
      executablePath: browserPath,
      headless: true,
      pipe: true,
      userDataDir: profile,
      args: LAUNCH_ARGS,
      timeout: timeouts.launch,
      protocolTimeout: timeouts.protocol,
      // Aborted, the browser is killed (its process group), launched or not.
      signal: stop.signal,
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
    });
  } catch (error) {
    if (isBug(error)) throw error;
    // The pipe closed before the first answer: Puppeteer says "Target closed", which says nothing here.
    const reason = stop.signal.aborted ? stop.signal.reason : error instanceof ProtocolError ? 'it exited before it answered' : error;
    throw browserFailed(browserPath, 'start', reason);
  } finally {
    clearTimeout(limit);
  }
}

/**
 * A browser started for one print. Started before the document is ready (the report starts it
 * when the read ends), it boots on the core the single-threaded build and render leave idle.
 * `close` ends it and removes its profile (also run when the process exits first: Ctrl-C).
 */
export interface Printer {
  /**
   * Prints `source.html` (taken out of `source` once the browser has it, so the document is
   * not held while the browser prints). A browser that did not start, or fails while printing,
   * is a RenderError that says what to do (`browserFailed`).
   */
  print(source: { html: string }, page: PageOptions): Promise<Uint8Array>;
  close(): Promise<void>;
}

/**
 * Starts the browser at `options.browserPath` for one print, with the hardened set-up described
 * above. Resolves once the browser process is being started (Puppeteer starts it a few promise
 * turns into the launch: a caller going straight on to long synchronous work would hold it back),
 * not once it answers: `print` waits for that.
 */
export async function startPrinter(options: LaunchOptions): Promise<Printer> {
  const timeout = options.timeoutMs ?? 600_000;
  const launch = options.launchTimeoutMs ?? LAUNCH_TIMEOUT_MS;
  // Made and registered in one step: an interrupt between the two would leave the folder behind.
  const socketFoldersBefore = socketFoldersIn(os.tmpdir());
  const job: PrintJob = { stop: new AbortController(), profile: mkdtempSync(path.join(os.tmpdir(), 'iot-audit-chromium-')), socketFoldersBefore };
  const release = onExit(() => stopPrint(job));
  // The launch's own calls to the browser get the launch's time; loading and printing are given `timeout` each.
  const started = launchBrowser(options.browserPath, job.profile, { launch, protocol: Math.max(timeout, launch) }, job.stop);
  // A failed start is reported by `print`; closed unused, it is nobody's error.
  let starting = true;
  started.then(
    () => (starting = false),
    () => (starting = false),
  );
  let closed: Promise<void> | null = null;
  await new Promise((resolve) => setImmediate(resolve));
  return {
    async print(source, page) {
      const browser = await started;
      try {
        return await printPage(browser, source, page, timeout);
      } catch (error) {
        if (error instanceof TimeoutError || error instanceof ProtocolError) throw browserFailed(options.browserPath, 'print', error);
        throw error;
      }
    },
    close() {
      closed ??= (async () => {
        // Still starting (another output failed first): stopped, not waited for.
        if (starting) job.stop.abort(new Error('closed before it started'));
        const browser = await started.catch(() => null);
        // Read before the browser closes: a browser that has to be killed leaves the folder.
        const socketFolder = socketFolderOf(job);
        if (browser !== null) {
          try {
            await browser.close();
          } catch {
            browser.process()?.kill('SIGKILL');
          }
        }
        removeFolders(job.profile, socketFolder);
        release();
      })();
      return closed;
    },
  };
}

/** Prints an HTML document to PDF bytes in a browser of its own (see `startPrinter`). */
export async function printPdf(html: string, options: PrintOptions): Promise<Uint8Array> {
  const printer = await startPrinter(options);
  try {
    return await printer.print({ html }, options);
  } finally {
    await printer.close();
  }
}

/** Loads `source.html` into a new page of `browser`, hardened, and prints it. */
async function printPage(browser: Browser, source: { html: string }, options: PageOptions, timeout: number): Promise<Uint8Array> {
  const page = await browser.newPage();
  page.setDefaultTimeout(timeout);
  await page.setJavaScriptEnabled(false);
  await page.setRequestInterception(true);
  page.on('request', (request) => {
    if (request.isInterceptResolutionHandled()) return;
    if (request.url().startsWith('data:')) void request.continue();
    // A navigation (meta refresh, iframe) answered "204 No Content" leaves the page as it
    // is; aborted, it would replace the report with an error page.
    else if (request.isNavigationRequest()) void request.respond({ status: 204, body: '' });
    else void request.abort('blockedbyclient');
  });
  // Laid out for print from the start. Printing a page laid out for the screen cost two
  // more full layouts of the document (Chromium 156, the 100,000-event report: page.pdf
  // 4.3-4.9 s against 2.8-3.0 s, the same PDF but for its dates).
  await page.emulateMediaType('print');
  await loadDocument(page, source, timeout);
  return await page.pdf({
    format: options.paper === 'letter' ? 'Letter' : 'A4',
    printBackground: true,
    displayHeaderFooter: true,
    headerTemplate: options.headerTemplate,
    footerTemplate: options.footerTemplate,
    margin: MARGIN,
    preferCSSPageSize: false,
    tagged: options.tagged === true,
    outline: false,
    timeout,
  });
}

/**
 * Loads the document, taking it out of `source`: in a function of its own, so nothing of this
 * module holds it while the browser prints (the report renders its other outputs meanwhile).
 */
async function loadDocument(page: Page, source: { html: string }, timeout: number): Promise<void> {
  const html = source.html;
  source.html = '';
  if (html.includes(PRINT_ONLY_RULE)) await page.setViewport({ width: 4, height: 4 });
  await page.setContent(html, { waitUntil: 'load', timeout });
}

/** A bookmark of the PDF: its title, the id of the element it opens at, and bookmarks under it (shown folded). */
interface OutlineEntry {
  title: string;
  id: string;
  children?: readonly OutlineEntry[];
}

/**
 * The PDF's bookmarks, in order, each opening at its element: Chromium keeps a named
 * destination (in the catalog's `Dests`) for every element a link of the document points at,
 * so an entry whose element no link points at (a `--template` without the contents list) has
 * none and is left out, with its children. With any bookmark, the viewer opens with them
 * shown. Chromium's own outline needs a tagged PDF, which doubles the printing time of a
 * 100,000-event month (5 -> 10 s); this costs nothing measurable.
 */
function addOutline(doc: PDFDocument, entries: readonly OutlineEntry[]): void {
  const dests = doc.catalog.lookupMaybe(PDFName.of('Dests'), PDFDict);
  if (dests === undefined) return;
  const { context } = doc;
  const present = (list: readonly OutlineEntry[]) => list.filter((entry) => dests.has(PDFName.of(entry.id)));
  // The items of one level under `parent`, linked to each other; returns their first and last.
  const level = (list: readonly OutlineEntry[], parent: PDFRef): { first: PDFRef; last: PDFRef; count: number } | null => {
    const shown = present(list);
    if (shown.length === 0) return null;
    const refs = shown.map(() => context.nextRef());
    shown.forEach((entry, i) => {
      const item = context.obj({ Title: PDFHexString.fromText(entry.title), Parent: parent, Dest: PDFName.of(entry.id) });
      if (i > 0) item.set(PDFName.of('Prev'), refs[i - 1]!);
      if (i < refs.length - 1) item.set(PDFName.of('Next'), refs[i + 1]!);
      const children = level(entry.children ?? [], refs[i]!);
      if (children !== null) {
        item.set(PDFName.of('First'), children.first);
        item.set(PDFName.of('Last'), children.last);
        // Negative: folded, the viewer shows the count it would unfold.
        item.set(PDFName.of('Count'), context.obj(-children.count));
      }
      context.assign(refs[i]!, item);
    });
    return { first: refs[0]!, last: refs[refs.length - 1]!, count: shown.length };
  };
  const root = context.nextRef();
  const top = level(entries, root);
  if (top === null) return;
  // The root's count is of the items shown when the outline opens: the top level, children folded.
  context.assign(root, context.obj({ Type: 'Outlines', First: top.first, Last: top.last, Count: top.count }));
  doc.catalog.set(PDFName.of('Outlines'), root);
  doc.catalog.set(PDFName.of('PageMode'), PDFName.of('UseOutlines'));
}

/**
 * Title, author, subject, keywords and dates from the model, and the bookmarks (see
 * `addOutline`). Chromium only maps `<title>` and stamps its own dates; fixing them to
 * `generatedAt` keeps the PDF as reproducible as Chromium allows.
 */
export async function stampMetadata(bytes: Uint8Array, model: ReportModel, outline: readonly OutlineEntry[] = []): Promise<Buffer> {
  const doc = await PDFDocument.load(bytes, { updateMetadata: false });
  addOutline(doc, outline);
  const tool = `${model.tool.name} ${model.tool.version}`;
  const when = new Date(model.generatedAt);
  doc.setTitle(model.title, { showInWindowTitleBar: true });
  doc.setAuthor(tool);
  doc.setCreator(tool);
  doc.setSubject(`AWS IoT changes, ${model.period.label}`);
  doc.setKeywords(
    ['AWS IoT', 'CloudTrail', 'audit', model.period.month, model.organization.id].filter((k): k is string => typeof k === 'string' && k !== ''),
  );
  if (!Number.isNaN(when.getTime())) {
    doc.setCreationDate(when);
    doc.setModificationDate(when);
  }
  return Buffer.from(await doc.save());
}

/** What the browser is given: the document (taken out by `print`), its header and footer, and the bookmarks to add. */
async function printable(model: ReportModel, ctx: RenderContext) {
  const doc = await renderDocument(model, { ...ctx, media: 'pdf' });
  // The contents list's sections, as the contents list names them ("Findings (87)"), with the bookmarks the view puts under them.
  const outline = doc.view.toc.map((entry) => ({
    title: entry.count === null ? entry.title : `${entry.title} (${entry.count})`,
    id: entry.href.slice(1),
    children: entry.bookmarks.map((mark) => ({ title: mark.title, id: mark.href.slice(1) })),
  }));
  return { source: { html: doc.html }, page: { paper: ctx.paper, tagged: ctx.pdfTagged, headerTemplate: doc.pdfHeader, footerTemplate: doc.pdfFooter }, outline };
}

/**
 * The PDF renderer: always the `pdf` view (grouped and capped), whatever `ctx.media` says.
 * Prints with `ctx.printer` when the caller started one, else starts its own before the
 * document renders; either way the browser is closed once it has printed.
 */
export async function renderPdf(model: ReportModel, ctx: RenderContext): Promise<Buffer> {
  let printer = ctx.printer;
  if (printer === undefined) {
    if (!ctx.browserPath) throw new Error('renderPdf needs ctx.browserPath: find it with findBrowser() in the command layer');
    printer = await startPrinter({ browserPath: ctx.browserPath });
  }
  let printed: { bytes: Uint8Array; outline: readonly OutlineEntry[] };
  try {
    const { source, page, outline } = await printable(model, ctx);
    printed = { bytes: await printer.print(source, page), outline };
  } finally {
    // Closed before stamping.
    await printer.close();
  }
  return stampMetadata(printed.bytes, model, printed.outline);
}
