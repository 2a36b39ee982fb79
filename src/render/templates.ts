/**
 * The Handlebars templates of the HTML report: the built-in ones in `templates/`, each
 * overridable by a file of the same name in a user's `--template DIR`.
 *
 * Every template is checked before anything is rendered (Handlebars compiles lazily, so a
 * broken template would otherwise fail half-way through a run) and refused, with its file
 * and line, when it:
 * - does not parse or compile;
 * - prints unescaped output (`{{{ }}}` or `{{& }}`): every value the templates see comes
 *   from the logs or is text formatted from them, and the view model hands out no
 *   pre-built markup (the chart is numbers, not SVG), so an unescaped output can only ever
 *   be an injection hole: the report's "every value is escaped" guarantee holds for user
 *   templates too;
 * - calls a helper other than Handlebars' own (`if`, `unless`, `each`, `with`, `lookup`,
 *   `log`): none is registered, and computing belongs in the view model;
 * - gives one of them another number of values than it takes (`{{#with a b}}`: Handlebars
 *   itself finds that only when the template runs, and cannot say where);
 * - uses a partial that does not exist, a dynamic partial, or a decorator.
 *
 * A failure that remains for run time (a partial that includes itself...) names the template
 * or partial it happened in, also in a table's rows, which are printed after it returned.
 *
 * The built-in templates ship compiled (`builtin-templates.ts`, made by
 * `scripts/precompile-templates.mjs` and checked by the tests): a run only parses and
 * compiles the user's files, and any built-in file that no longer matches what was compiled.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type Handlebars from 'handlebars';
import { UsageError } from '../errors.js';
import { PRECOMPILED, PRECOMPILED_WITH } from './builtin-templates.js';
import { HandlebarsRuntime } from './handlebars-runtime.js';
import { printInPieces, printRowsByRow, printWhole, RowFailure } from './print.js';

/** A broken or refused `--template` file: a usage error naming the file and line. */
export class TemplateError extends UsageError {}

/** `templates/` of the package (same relative place from `src/render` and `dist/render`). */
export const BUILTIN_TEMPLATE_DIR = fileURLToPath(new URL('../../templates/', import.meta.url));

/** The top-level templates; `styles.css` is included by the report as the partial `styles`. */
const MAIN = ['report.hbs', 'pdf-header.hbs', 'pdf-footer.hbs'] as const;
const STYLES = 'styles.css';
const PARTIALS_DIR = 'partials';
/**
 * The only helpers templates may call, Handlebars' own, with how many values each takes
 * (Handlebars checks only when the template runs); null for `log`, which takes any number.
 */
const HELPERS: ReadonlyMap<string, number | null> = new Map([
  ['if', 1],
  ['unless', 1],
  ['each', 1],
  ['with', 1],
  ['lookup', 2],
  ['log', null],
]);
const HELPER_NAMES = [...HELPERS.keys()];
/** "if, unless, each, with, lookup and log", for messages. */
const HELPER_LIST = `${HELPER_NAMES.slice(0, -1).join(', ')} and ${HELPER_NAMES.at(-1)}`;

export interface ReportTemplates {
  /** The whole HTML document. */
  report(view: object): string;
  /**
   * The same document as pieces of text, in order. Table rows (see `lazyRows`) are made and
   * printed one at a time as the pieces are read, so neither they nor the document are ever
   * whole in memory. Reading them after the view changed prints the changed view.
   */
  reportPieces(view: object): Iterable<string>;
  /** Puppeteer's page header and footer (HTML fragments; `pageNumber`/`totalPages` spans are filled by Chromium). */
  pdfHeader(view: object): string;
  pdfFooter(view: object): string;
  /** Where each template came from, for messages and tests (name -> file). */
  files: Record<string, string>;
}

interface Source {
  /** Main template file name or partial name. */
  name: string;
  file: string;
  text: string;
}

async function isDirectory(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isDirectory();
  } catch {
    return false;
  }
}

async function listHbs(dir: string): Promise<string[]> {
  if (!(await isDirectory(dir))) return [];
  return (await readdir(dir)).filter((f) => f.endsWith('.hbs')).sort();
}

async function readSource(name: string, file: string): Promise<Source> {
  return { name, file, text: await readFile(file, 'utf8') };
}

/** Built-in files, each replaced by the user's file of the same name when there is one. */
async function collectSources(templateDir: string | undefined): Promise<{ main: Map<string, Source>; partials: Map<string, Source> }> {
  const main = new Map<string, Source>();
  const partials = new Map<string, Source>();
  for (const name of MAIN) main.set(name, await readSource(name, path.join(BUILTIN_TEMPLATE_DIR, name)));
  partials.set('styles', await readSource('styles', path.join(BUILTIN_TEMPLATE_DIR, STYLES)));
  for (const f of await listHbs(path.join(BUILTIN_TEMPLATE_DIR, PARTIALS_DIR))) {
    partials.set(f.slice(0, -4), await readSource(f.slice(0, -4), path.join(BUILTIN_TEMPLATE_DIR, PARTIALS_DIR, f)));
  }
  if (templateDir === undefined) return { main, partials };

  if (!(await isDirectory(templateDir))) {
    throw new TemplateError(`template folder not found: ${templateDir} (give --template a folder holding report.hbs and/or partials/*.hbs)`);
  }
  for (const f of (await readdir(templateDir)).sort()) {
    const file = path.join(templateDir, f);
    if ((MAIN as readonly string[]).includes(f)) main.set(f, await readSource(f, file));
    else if (f === STYLES) partials.set('styles', await readSource('styles', file));
    else if (f.endsWith('.hbs')) {
      throw new TemplateError(
        `${file}: unknown template name (top-level templates are ${MAIN.join(', ')}; put partials in ${path.join(templateDir, PARTIALS_DIR)}/)`,
      );
    }
  }
  for (const f of await listHbs(path.join(templateDir, PARTIALS_DIR))) {
    partials.set(f.slice(0, -4), await readSource(f.slice(0, -4), path.join(templateDir, PARTIALS_DIR, f)));
  }
  return { main, partials };
}

type Node = hbs.AST.Node & { loc?: hbs.AST.SourceLocation };

function fail(src: Source, line: number | undefined, reason: string): never {
  throw new TemplateError(`${src.file}${line ? ` line ${line}` : ''}: ${reason}`);
}

/** Handlebars' parse errors are several lines with an ASCII pointer: keep the line number and the last line. */
function parseFailure(src: Source, err: unknown): never {
  const e = err as { message?: string; lineNumber?: number };
  const message = String(e.message ?? err);
  const onLine = /Parse error on line (\d+)/.exec(message);
  const lines = message.split('\n').filter((l) => l.trim() !== '');
  if (onLine) {
    const last = lines[lines.length - 1] ?? '';
    const reason = last.endsWith("got 'EOF'") ? 'unexpected end of the template: a {{#block}} is not closed' : last;
    fail(src, Number(onLine[1]), `parse error: ${reason}`);
  }
  fail(src, e.lineNumber, (lines[0] ?? message).replace(/ - \d+:\d+$/, ''));
}

function pathName(node: hbs.AST.Expression): string | null {
  return node.type === 'PathExpression' ? (node as hbs.AST.PathExpression).original : null;
}

function checkTree(src: Source, root: hbs.AST.Program, partialNames: Set<string>): void {
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) {
      for (const v of value) visit(v);
      return;
    }
    if (value === null || typeof value !== 'object' || !('type' in value)) return;
    const node = value as Node;
    const line = node.loc?.start.line;
    switch (node.type) {
      case 'MustacheStatement': {
        const m = node as hbs.AST.MustacheStatement;
        if (!m.escaped) fail(src, line, 'unescaped output ({{{ }}} or {{& }}) is not allowed: every value is log data; use {{ }}');
        break;
      }
      case 'PartialStatement':
      case 'PartialBlockStatement': {
        const p = node as hbs.AST.PartialStatement;
        const name = pathName(p.name as hbs.AST.Expression);
        if (name === null) fail(src, line, 'dynamic partials are not allowed: name the partial');
        if (!partialNames.has(name)) fail(src, line, `partial "${name}" does not exist (built-in or in the template folder's partials/)`);
        break;
      }
      case 'Decorator':
      case 'DecoratorBlock':
        fail(src, line, 'decorators are not allowed');
    }
    if (node.type === 'MustacheStatement' || node.type === 'BlockStatement' || node.type === 'SubExpression') {
      const call = node as hbs.AST.MustacheStatement;
      const name = pathName(call.path as hbs.AST.Expression);
      const isCall = call.params.length > 0 || (call.hash?.pairs.length ?? 0) > 0 || node.type === 'SubExpression';
      if (isCall && (name === null || !HELPERS.has(name))) {
        fail(src, line, `unknown helper "${name ?? '(expression)'}": only ${HELPER_LIST} exist; compute values in the view model`);
      }
      const arity = name === null ? undefined : HELPERS.get(name);
      if (typeof arity === 'number' && call.params.length !== arity) {
        const shown = `${node.type === 'BlockStatement' ? '#' : ''}${name}`;
        fail(src, line, `{{${shown}}} takes exactly ${arity === 1 ? 'one value' : `${arity} values`}, not ${call.params.length}`);
      }
    }
    for (const [key, child] of Object.entries(node)) {
      if (key !== 'loc' && child && typeof child === 'object') visit(child);
    }
  };
  visit(root.body);
}

const COMPILE_OPTIONS = { knownHelpersOnly: true, preventIndent: true, strict: false } as const;

/** The compiler classes a Handlebars environment carries (what its `compile` runs, lazily). */
interface CompilerClasses {
  Compiler: new () => { compile(ast: hbs.AST.Program, options: object): unknown };
  JavaScriptCompiler: new () => { compile(environment: unknown, options: object, context: undefined, asObject: true): TemplateSpecification };
}

/**
 * Parses, checks and compiles one template, once: Handlebars' `compile` would parse and
 * compile again on first use, and only then report what the compiler refuses.
 */
function check(env: typeof Handlebars, src: Source, partialNames: Set<string>): HandlebarsTemplateDelegate {
  let ast: hbs.AST.Program;
  try {
    ast = env.parse(src.text);
  } catch (err) {
    parseFailure(src, err);
  }
  checkTree(src, ast, partialNames);
  try {
    // What `compile` does on first use (options copied: the compiler fills them in).
    const { Compiler, JavaScriptCompiler } = env as unknown as CompilerClasses;
    const options = { ...COMPILE_OPTIONS, data: true };
    const environment = new Compiler().compile(ast, options);
    return env.template(new JavaScriptCompiler().compile(environment, options, undefined, true));
  } catch (err) {
    parseFailure(src, err);
  }
}

type Precompiled = (typeof PRECOMPILED)[string];

/**
 * A built-in template as compiled ahead of time (`scripts/precompile-templates.mjs`), or
 * null when the file is not a built-in one or no longer the text it was compiled from:
 * then it is compiled (and checked) like a user's. Built-in templates are checked by tests.
 */
function precompiled(src: Source): Precompiled | null {
  if (PRECOMPILED_WITH.handlebars !== HandlebarsRuntime.VERSION || JSON.stringify(PRECOMPILED_WITH.options) !== JSON.stringify(COMPILE_OPTIONS)) return null;
  const relative = path.relative(BUILTIN_TEMPLATE_DIR, src.file);
  if (relative.startsWith('..') || path.isAbsolute(relative)) return null;
  const entry = PRECOMPILED[relative.split(path.sep).join('/')];
  if (entry === undefined || entry.sha256 !== createHash('sha256').update(src.text).digest('hex')) return null;
  return entry;
}

/** A failure of `src`'s code as a one-line TemplateError naming its file (and line, when Handlebars gives it); one already named, or a row's own failure, as it is. */
function blame(src: Source, err: unknown): unknown {
  if (err instanceof RowFailure || err instanceof TemplateError) return err;
  const e = err as { message?: string; lineNumber?: number };
  return new TemplateError(`${src.file}${e.lineNumber ? ` line ${e.lineNumber}` : ''}: ${String(e.message ?? err).split('\n')[0]}`);
}

/**
 * A main template's runtime error as the user sees it: a template's failure already names the
 * template it happened in (`namedAs`); a row's own failure, a bug of the view code, as it is.
 */
function runtimeFailure(err: unknown): unknown {
  return err instanceof RowFailure ? err.error : err;
}

/** The template whose code runs now (templates run synchronously): a block it defers keeps its name. */
let running: Source | null = null;

/**
 * `run` as `src`'s code: a failure in it names `src`, not the template that included it (a
 * partial runs inside the report's code, and a row block after its template has returned).
 */
function namedAs<F extends (context: never, options?: never) => string>(src: Source, run: F): F {
  return ((context: never, options?: never) => {
    const outer = running;
    running = src;
    try {
      return run(context, options);
    } catch (err) {
      throw blame(src, err);
    } finally {
      running = outer;
    }
  }) as F;
}

/**
 * Loads, checks and compiles the templates. Throws `TemplateError` (one line: file, line,
 * reason, fix) for the first bad template; nothing is rendered before all are checked.
 * Built-in templates come compiled ahead of time unless `precompiled` is false (tests).
 */
export async function loadTemplates(templateDir?: string, options: { precompiled?: boolean } = {}): Promise<ReportTemplates> {
  const { main, partials } = await collectSources(templateDir);
  const sources = [...main.values(), ...partials.values()];
  const entries = new Map(sources.map((src) => [src.file, options.precompiled !== false ? precompiled(src) : null]));
  // The compiler is loaded only when a template is not precompiled (a user's, or a changed built-in).
  const compiler = [...entries.values()].includes(null) ? (await import('handlebars')).default : null;
  // Built-in templates read no `@` data: when they are all there is, they run without it, and
  // a `{{#if}}` or `{{#each}}` then costs Handlebars no closure and no frame (a month of rows
  // makes hundreds of thousands of them). A user's template may read `@root`, or the `@index`
  // of a built-in loop around it: with one, every template gets the data as usual.
  const withoutData = [...entries.values()].every((entry) => entry !== null && entry.withoutData !== null);
  // An isolated environment: no global helpers or partials leak in or out.
  const env = (compiler ?? HandlebarsRuntime).create();
  printRowsByRow(env, (fn) => (running === null ? fn : namedAs(running, fn)));
  const partialNames = new Set(partials.keys());
  const compiled = new Map<string, HandlebarsTemplateDelegate>();
  for (const src of sources) {
    const entry = entries.get(src.file);
    const spec = entry ? (withoutData ? entry.withoutData : entry.spec) : null;
    compiled.set(src.file, spec ? env.template(spec) : check(env, src, partialNames));
  }
  for (const [name, src] of partials) env.registerPartial(name, namedAs(src, compiled.get(src.file) as HandlebarsTemplateDelegate));

  const template = (name: (typeof MAIN)[number]) => {
    const src = main.get(name) as Source;
    const run = namedAs(src, compiled.get(src.file) as HandlebarsTemplateDelegate);
    return {
      text(view: object): string {
        try {
          return printWhole(() => run(view));
        } catch (err) {
          throw runtimeFailure(err);
        }
      },
      *pieces(view: object): Generator<string> {
        try {
          yield* printInPieces(() => run(view));
        } catch (err) {
          throw runtimeFailure(err);
        }
      },
    };
  };
  const files: Record<string, string> = {};
  for (const [name, src] of main) files[name] = src.file;
  for (const [name, src] of partials) files[`partials/${name}`] = src.file;
  const report = template('report.hbs');
  const pdfHeader = template('pdf-header.hbs');
  const pdfFooter = template('pdf-footer.hbs');
  return {
    report: report.text,
    reportPieces: report.pieces,
    pdfHeader: pdfHeader.text,
    pdfFooter: pdfFooter.text,
    files,
  };
}
