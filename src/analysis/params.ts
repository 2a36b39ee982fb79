/** Reading request parameters, which arrive as booleans or strings, present or not. */

export function paramString(params: Record<string, unknown> | null, name: string): string | null {
  const value = params?.[name];
  return typeof value === 'string' && value !== '' ? value : typeof value === 'number' ? String(value) : null;
}

/** `true`, `"true"` (any case) -> true; `false`, `"false"` -> false; anything else -> null. */
export function paramBool(params: Record<string, unknown> | null, name: string): boolean | null {
  const value = params?.[name];
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') {
    const v = value.trim().toLowerCase();
    if (v === 'true') return true;
    if (v === 'false') return false;
  }
  return null;
}

export function byString<T>(key: (item: T) => string): (a: T, b: T) => number {
  return (a, b) => {
    const ka = key(a);
    const kb = key(b);
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  };
}
