/**
 * Glob patterns for ARNs, role names and resources: `*` matches any run of characters
 * (including `/` and `:`), `?` exactly one; everything else is literal.
 */
import { BoundedMemo } from '../../../memo.js';

interface Glob {
  re: RegExp;
  test: (value: string) => boolean;
  /** Value -> whether it matches: policy checks ask the same few questions (does `iot:*` match `iot:Connect`?) thousands of times. */
  answers: BoundedMemo<string, boolean>;
}

/** Per letter case (case-sensitive, case-insensitive), pattern -> its regular expression and answers. */
const globs = [new BoundedMemo<string, Glob>(1000), new BoundedMemo<string, Glob>(1000)] as const;

function globOf(pattern: string, caseInsensitive: boolean): Glob {
  return globs[caseInsensitive ? 1 : 0].get(pattern, () => {
    let source = '';
    for (const ch of pattern) {
      if (ch === '*') source += '.*';
      else if (ch === '?') source += '.';
      else source += ch.replace(/[.+^${}()|[\]\\/-]/g, '\\$&');
    }
    const re = new RegExp(`^${source}$`, caseInsensitive ? 'is' : 's');
    return { re, test: (value: string) => re.test(value), answers: new BoundedMemo(1000) };
  });
}

export function globToRegExp(pattern: string, caseInsensitive = false): RegExp {
  return globOf(pattern, caseInsensitive).re;
}

export function matchesGlob(pattern: string, value: string, caseInsensitive = false): boolean {
  const glob = globOf(pattern, caseInsensitive);
  return glob.answers.get(value, glob.test);
}

export function matchesAnyGlob(patterns: readonly string[], value: string, caseInsensitive = false): boolean {
  return patterns.some((p) => matchesGlob(p, value, caseInsensitive));
}
