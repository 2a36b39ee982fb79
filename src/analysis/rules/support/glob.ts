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

// One function per letter case for the memos, not a new closure per question.
const makeGlob = [(pattern: string) => compileGlob(pattern, false), (pattern: string) => compileGlob(pattern, true)] as const;

function compileGlob(pattern: string, caseInsensitive: boolean): Glob {
  let source = '';
  for (const ch of pattern) {
    if (ch === '*') source += '.*';
    else if (ch === '?') source += '.';
    else source += ch.replace(/[.+^${}()|[\]\\/-]/g, '\\$&');
  }
  const re = new RegExp(`^${source}$`, caseInsensitive ? 'is' : 's');
  return { re, test: (value: string) => re.test(value), answers: new BoundedMemo(1000) };
}

function globOf(pattern: string, caseInsensitive: boolean): Glob {
  const i = caseInsensitive ? 1 : 0;
  return globs[i].get(pattern, makeGlob[i]);
}

export function globToRegExp(pattern: string, caseInsensitive = false): RegExp {
  return globOf(pattern, caseInsensitive).re;
}

export function matchesGlob(pattern: string, value: string, caseInsensitive = false): boolean {
  const glob = globOf(pattern, caseInsensitive);
  return glob.answers.get(value, glob.test);
}

export function matchesAnyGlob(patterns: readonly string[], value: string, caseInsensitive = false): boolean {
  for (let i = 0; i < patterns.length; i++) if (matchesGlob(patterns[i]!, value, caseInsensitive)) return true;
  return false;
}
