import { formatCount } from './numbers.js';

/*
 * How a string longer than any CloudTrail value is kept: its first characters and the length it had.
 * Records are cut so when read (src/cloudtrail/normalize.ts); the renderers read the length back
 * where they cut the value further (src/render/format.ts), so what they say was left out is of the
 * value the log held.
 */

/**
 * Characters a string of a record keeps (256 KiB). No CloudTrail event is over 256 KB, so only a
 * forged value is longer: one of 100 MB, kept, made a report of 210 MB (JSON) and 105 MB (HTML),
 * and held 870 MB. Past it, the first characters and the length it had (`keptText`); the report
 * (JSON, CSV, HTML, PDF) shows that, and the log file holds the rest.
 */
export const MAX_KEPT_CHARS = 256 << 10;

/** The most characters `keptText` adds (a count of up to 19 characters). */
const MARK_MAX = 80;

/** The end `keptText` gives a cut string (`cutTextLength` reads it back). */
const CUT_TEXT = / \[(\d{1,3}(?:,\d{3}){1,4}) characters in all: the rest left out when read\]$/;

/** `text` itself, or, past `MAX_KEPT_CHARS`, its first characters (a pair of surrogates is not split) and how many it had. */
export function keptText(text: string): string {
  if (text.length <= MAX_KEPT_CHARS) return text;
  const code = text.charCodeAt(MAX_KEPT_CHARS - 1);
  const end = code >= 0xd800 && code <= 0xdbff ? MAX_KEPT_CHARS - 1 : MAX_KEPT_CHARS;
  // A copy, not a slice: V8's slice of a string holds the whole string (20 records of 10 MB each,
  // cut, held 220 MB in a parse worker until their file was read).
  return structuredClone(`${text.slice(0, end)}… [${formatCount(text.length)} characters in all: the rest left out when read]`);
}

/**
 * The length a string cut when read had (`keptText`), else null. Only a string of the length a cut
 * gives can be one (a log value written to look cut is longer or shorter); a forged value of that
 * very length may claim any length, as it may say anything.
 */
export function cutTextLength(text: string): number | null {
  if (text.length <= MAX_KEPT_CHARS || text.length > MAX_KEPT_CHARS + MARK_MAX) return null;
  const tail = text.slice(text.length - MARK_MAX);
  const m = CUT_TEXT.exec(tail);
  if (m === null) return null;
  const kept = text.length - tail.length + m.index - 1;
  if (kept !== MAX_KEPT_CHARS && kept !== MAX_KEPT_CHARS - 1) return null;
  const length = Number(m[1]!.replace(/,/g, ''));
  return length > MAX_KEPT_CHARS ? length : null;
}
