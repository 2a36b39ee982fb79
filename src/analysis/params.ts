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

export function byString<T>(key: (item: T) => string): (a: T, b: T) => number {
  return (a, b) => {
    const ka = key(a);
    const kb = key(b);
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  };
}
