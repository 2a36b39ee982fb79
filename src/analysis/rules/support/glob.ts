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

// Policy checks ask the same few questions (does `iot:*` match `iot:Connect`?) thousands of
// times: answers are kept per pattern and value, found without building a key string.
const answers = [new Map<string, Map<string, boolean>>(), new Map<string, Map<string, boolean>>()] as const;
let answerCount = 0;

export function matchesGlob(pattern: string, value: string, caseInsensitive = false): boolean {
  const byPattern = answers[caseInsensitive ? 1 : 0];
  let byValue = byPattern.get(pattern);
  if (byValue === undefined) {
    byValue = new Map();
    byPattern.set(pattern, byValue);
  }
  let answer = byValue.get(value);
  if (answer === undefined) {
    answer = globToRegExp(pattern, caseInsensitive).test(value);
    if (++answerCount > 100_000) {
      answers[0].clear();
      answers[1].clear();
      answerCount = 0;
    }
    byValue.set(value, answer);
  }
  return answer;
}

export function matchesAnyGlob(patterns: readonly string[], value: string, caseInsensitive = false): boolean {
  return patterns.some((p) => matchesGlob(p, value, caseInsensitive));
}
