/**
 * `JSON.parse` keeps the last of a repeated key without a word: in a config file that can
 * switch a rule off or drop the suppressions list unseen. YAML is read with `uniqueKeys`;
 * this finds the same mistake in a JSON file.
 */

/** Where a key is repeated: the path to it (object keys and list indexes) and its line and column. */
export interface RepeatedKey {
  path: (string | number)[];
  line: number;
  column: number;
}

interface Level {
  /** The keys seen so far in an object; null for a list. */
  keys: Set<string> | null;
  /** The key or list index of the value being read at this level. */
  at: string | number;
}

/** The first repeated key in any object of `text`, which must be valid JSON (`JSON.parse` read it). */
export function repeatedJsonKey(text: string): RepeatedKey | null {
  const levels: Level[] = [];
  let expectKey = false;
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\n') {
      line++;
      lineStart = i + 1;
    } else if (c === '{') {
      levels.push({ keys: new Set(), at: '' });
      expectKey = true;
    } else if (c === '[') {
      levels.push({ keys: null, at: 0 });
    } else if (c === '}' || c === ']') {
      levels.pop();
      expectKey = false;
    } else if (c === ',') {
      const level = levels.at(-1);
      if (level?.keys === null) level.at = (level.at as number) + 1;
      else expectKey = true;
    } else if (c === '"') {
      // Valid JSON: the string ends at the first quote not escaped, on this line.
      let end = i + 1;
      while (text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
      if (expectKey) {
        const level = levels.at(-1)!;
        const key = JSON.parse(text.slice(i, end + 1)) as string;
        level.at = key;
        if (level.keys!.has(key)) return { path: levels.map((l) => l.at), line, column: i - lineStart + 1 };
        level.keys!.add(key);
        expectKey = false;
      }
      i = end;
    }
  }
  return null;
}
