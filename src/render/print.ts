/**
 * Printing a document whose tables are lazy rows (see `rows.ts`) in pieces, with the
 * templates' own `{{#each}}`: templates keep all the markup, and the month of events is
 * never one view or one string in memory.
 *
 * While a document is printed in pieces, `{{#each}}` over lazy rows prints nothing yet: it
 * leaves a mark in the text and keeps its block (the compiled body, with its place in the
 * document: `@root`, `../`, block parameters). Reading the pieces then yields the text up to
 * a mark, the block printed for each row in turn (each row made just before, dropped just
 * after), and so on. Printed whole, the same rows are printed in place. Both give the text
 * Handlebars' `{{#each}}` gives: same `@index`, `@key`, `@first`, `@last`, block params.
 */
import { randomUUID } from 'node:crypto';
import type Handlebars from 'handlebars';
import { HandlebarsRuntime } from './handlebars-runtime.js';
import { rowSource, type RowSource } from './rows.js';

/** A block's compiled body, as Handlebars hands it to a helper (`options.fn`). */
type Block = (context: unknown, options?: { data?: unknown; blockParams?: unknown[] }) => string;

interface Deferred {
  rows: RowSource<unknown>;
  fn: Block;
  data: unknown;
}

/**
 * A row that could not be made: a failure of the view code, not of a template (the caller
 * passes `error` on as it is instead of blaming the template).
 */
export class RowFailure extends Error {
  constructor(readonly error: unknown) {
    super('a table row could not be made');
  }
}

/** One document being printed in pieces: its marks and the blocks they stand for. */
class Printing {
  /** Starts every mark: a NUL (never in printed values: they are all `visible`) and a random tag. */
  readonly mark = `\u0000${randomUUID()}:`;
  private next = 0;
  private readonly deferred = new Map<number, Deferred>();

  /** Marks left so far: a row that left none holds none. */
  get marks(): number {
    return this.next;
  }

  defer(block: Deferred): string {
    const id = this.next++;
    this.deferred.set(id, block);
    return `${this.mark}${id}\u0000`;
  }

  /** The block of a mark, forgotten (each mark is printed once). */
  take(id: number): Deferred {
    const block = this.deferred.get(id);
    if (block === undefined) throw new Error(`print: no block for mark ${id}`);
    this.deferred.delete(id);
    return block;
  }
}

/** The document printed in pieces right now (templates run synchronously), or null: print in place. */
let current: Printing | null = null;

function within<T>(printing: Printing | null, run: () => T): T {
  const outer = current;
  current = printing;
  try {
    return run();
  } finally {
    current = outer;
  }
}

/** The block printed for each row, in order (what `{{#each}}` concatenates). */
function* eachRow(block: Deferred): Generator<string> {
  const { rows, fn } = block;
  const n = rows.length;
  // One frame for the whole loop, updated per row, as Handlebars' own `each` does.
  const data = block.data ? (HandlebarsRuntime.createFrame(block.data) as Record<string, unknown>) : undefined;
  for (let i = 0; i < n; i++) {
    let row: unknown;
    try {
      row = rows.row(i);
    } catch (error) {
      throw new RowFailure(error);
    }
    if (data) {
      data.key = i;
      data.index = i;
      data.first = i === 0;
      data.last = i === n - 1;
    }
    yield fn(row, { data, blockParams: [row, i] });
  }
}

/**
 * Replaces the environment's `each` with one that knows lazy rows; anything else goes to
 * Handlebars' own `each`, untouched (`{{#rows}}` on an array reaches `each` too). `deferred`
 * wraps a block whose rows are printed later, after the template that holds it has returned
 * (so that a failure in a row still names that template).
 */
export function printRowsByRow(env: typeof Handlebars, deferred: (fn: Block) => Block = (fn) => fn): void {
  const each = env.helpers.each as Handlebars.HelperDelegate;
  env.registerHelper('each', function (this: unknown, context: unknown, options: Handlebars.HelperOptions) {
    const rows = rowSource(context);
    if (rows === undefined || rows.length === 0 || typeof options?.fn !== 'function') return each.call(this, context, options);
    const block: Deferred = { rows, fn: current !== null ? deferred(options.fn as Block) : (options.fn as Block), data: options.data };
    if (current !== null) return current.defer(block);
    let text = '';
    for (const piece of eachRow(block)) text += piece;
    return text;
  });
}

/** Runs a template printing every row in place: the whole text. */
export function printWhole(run: () => string): string {
  return within(null, run);
}

/** Yields `text` with each mark replaced by the text of its rows, row by row. */
function* expand(printing: Printing, text: string): Generator<string> {
  const { mark } = printing;
  let at = 0;
  for (let found = text.indexOf(mark); found >= 0; found = text.indexOf(mark, at)) {
    if (found > at) yield text.slice(at, found);
    const end = text.indexOf('\u0000', found + mark.length);
    const block = printing.take(Number(text.slice(found + mark.length, end)));
    const rows = eachRow(block);
    for (;;) {
      // A row may hold lazy rows of its own: they are marked, and expanded in turn.
      const before = printing.marks;
      const next = within(printing, () => rows.next());
      if (next.done) break;
      if (printing.marks !== before) yield* expand(printing, next.value);
      else yield next.value;
    }
    at = end + 1;
  }
  if (at === 0) yield text;
  else if (at < text.length) yield text.slice(at);
}

/** Runs a template and yields its text in pieces, printing lazy rows one at a time (see above). */
export function* printInPieces(run: () => string): Generator<string> {
  const printing = new Printing();
  yield* expand(printing, within(printing, run));
}
