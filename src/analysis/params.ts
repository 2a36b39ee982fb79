import { boolOf } from '../cloudtrail/normalize.js';

/** Reading request parameters, which arrive as booleans or strings, present or not. */

export function paramString(params: Record<string, unknown> | null, name: string): string | null {
  const value = params?.[name];
  return typeof value === 'string' && value !== '' ? value : typeof value === 'number' ? String(value) : null;
}

/** A boolean request parameter, given as a boolean or a string. */
export function paramBool(params: Record<string, unknown> | null, name: string): boolean | null {
  return boolOf(params?.[name]);
}

/** A comparator by a string key. */
export function byString<T>(key: (item: T) => string): (a: T, b: T) => number {
  return (a, b) => {
    const ka = key(a);
    const kb = key(b);
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  };
}

/**
 * Sorts in place by a string key, as `items.sort(byString(key))` does, working each
 * item's key out once: a sort compares every item many times.
 */
export function sortByString<T>(items: T[], key: (item: T) => string): T[] {
  const keyed = items.map((item) => ({ item, key: key(item) }));
  keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  for (let i = 0; i < keyed.length; i++) items[i] = keyed[i]!.item;
  return items;
}

/** The items without repeats, in order of first appearance (`[...new Set(items)]`). */
export function distinct<T>(items: readonly T[]): T[] {
  if (items.length < 2) return items.slice();
  const seen = new Set<T>();
  const out: T[] = [];
  for (let i = 0; i < items.length; i++) {
    const item = items[i]!;
    if (seen.has(item)) continue;
    seen.add(item);
    out.push(item);
  }
  return out;
}
