/**
 * Glob patterns for ARNs, role names and resources: `*` matches any run of characters
 * (including `/` and `:`), `?` exactly one; everything else is literal.
 */
const cache = new Map<string, RegExp>();

export function globToRegExp(pattern: string, caseInsensitive = false): RegExp {
  const key = `${caseInsensitive ? 'i' : 's'}:${pattern}`;
  let re = cache.get(key);
  if (!re) {
    let source = '';
    for (const ch of pattern) {
      if (ch === '*') source += '.*';
      else if (ch === '?') source += '.';
      else source += ch.replace(/[.+^${}()|[\]\\/-]/g, '\\$&');
    }
    re = new RegExp(`^${source}$`, caseInsensitive ? 'is' : 's');
    if (cache.size > 1000) cache.clear();
    cache.set(key, re);
  }
  return re;
}

export function matchesGlob(pattern: string, value: string, caseInsensitive = false): boolean {
  return globToRegExp(pattern, caseInsensitive).test(value);
}

export function matchesAnyGlob(patterns: readonly string[], value: string, caseInsensitive = false): boolean {
  return patterns.some((p) => matchesGlob(p, value, caseInsensitive));
}
