/**
 * Rows of a view table, made when they are printed. A month of events is tens of thousands
 * of rows: built all at once they would sit in memory next to the whole document, so a
 * table holds its model items and the function that turns one into a row instead, and the
 * HTML renderer makes (and writes) one row at a time.
 *
 * To everything else, templates included, the rows read as a plain array: indexing, `length`,
 * `{{#each}}`, `{{lookup}}`, spreading. A row read that way is made on first read and kept.
 */

/** Where lazy rows come from: the items and the row of one item. */
export interface RowSource<R> {
  readonly length: number;
  /** The row of the item at `index` (a fresh object each call). */
  row(index: number): R;
}

const sources = new WeakMap<object, RowSource<unknown>>();

/** Array indexes as property keys: "0", "1", ... (not "01", "-1", "1.5"). */
function indexOf(key: string | symbol, length: number): number {
  if (typeof key !== 'string' || key === '') return -1;
  const code = key.charCodeAt(0);
  if (code < 48 || code > 57 || (code === 48 && key.length > 1)) return -1;
  const n = Number(key);
  return Number.isInteger(n) && n < length ? n : -1;
}

/**
 * `length` rows, row `i` being `row(i)`, as an array whose elements are made when read
 * (see the module comment). `rowSource` gives the renderer the rows without keeping them.
 */
export function lazyRows<R>(length: number, row: (index: number) => R): R[] {
  const target: R[] = new Array<R>(length);
  const made = new Uint8Array(length);
  const ensure = (i: number): void => {
    if (i >= 0 && made[i] === 0) {
      made[i] = 1;
      target[i] = row(i);
    }
  };
  const proxy = new Proxy(target, {
    get(t, key, receiver) {
      ensure(indexOf(key, length));
      return Reflect.get(t, key, receiver);
    },
    has(t, key) {
      return indexOf(key, length) >= 0 || Reflect.has(t, key);
    },
    getOwnPropertyDescriptor(t, key) {
      ensure(indexOf(key, length));
      return Reflect.getOwnPropertyDescriptor(t, key);
    },
    ownKeys(t) {
      for (let i = 0; i < length; i++) ensure(i);
      return Reflect.ownKeys(t);
    },
  });
  sources.set(proxy, { length, row });
  return proxy;
}

/** The source of rows made by `lazyRows`, or undefined for anything else. */
export function rowSource<R>(value: unknown): RowSource<R> | undefined {
  return value !== null && typeof value === 'object' ? (sources.get(value) as RowSource<R> | undefined) : undefined;
}
