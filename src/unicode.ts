/** Text cut to a length without splitting a character, for every stage that shortens log values; text put in one order on every machine; a line made safe to print on a terminal. */

/**
 * Where to cut `text` to keep at most `length` UTF-16 units without splitting a character: one
 * unit less when the cut would leave the first half of a surrogate pair (an emoji, say), which
 * would then be a lone surrogate the log never had (shown as `[U+D83D]`, or written so in JSON).
 */
export function whole(text: string, length: number): number {
  if (length <= 0 || length >= text.length) return Math.max(0, Math.min(length, text.length));
  const last = text.charCodeAt(length - 1);
  return last >= 0xd800 && last <= 0xdbff ? length - 1 : length;
}

/**
 * Orders two strings by UTF-16 code units: the same order on every machine. `localeCompare`
 * follows the locale of the machine (`LANG`: Turkish dotless i, Danish "aa"), so outputs sorted
 * with it differed from one CI machine to another.
 */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * What hides text or changes how it reads without being seen: controls (C0, DEL, C1), format
 * characters (bidi overrides and isolates, zero-width marks and joiners), every other
 * default-ignorable code point, the Hangul fillers, the line and paragraph separators, and a
 * lone surrogate: the set the HTML and PDF show as `[U+XXXX]` (src/render/format.ts `visible`,
 * which keeps tabs and line breaks). Text, not a RegExp, so that a user can take out of it what
 * it keeps (`[${INVISIBLE_CHARACTERS}--[\t\n\r]]` with the `v` flag).
 */
export const INVISIBLE_CHARACTERS = String.raw`[\p{Cc}\p{Cf}\p{Default_Ignorable_Code_Point}\p{Zl}\p{Zp}\p{Cs}\u115F\u1160\u3164\uFFA0]`;

const INVISIBLE = new RegExp(INVISIBLE_CHARACTERS, 'gu');
// Nearly every line has none: a test allocates nothing.
const HAS_INVISIBLE = new RegExp(INVISIBLE_CHARACTERS, 'u');

/**
 * A line for the terminal: every invisible character shown as `[U+001B]`, the notation of the
 * HTML and PDF, tabs and line breaks too (a line stays one line). File names, S3 keys and log
 * values reach our messages as they are; printed raw, an ESC or a C1 CSI in one retitles the
 * terminal, clears it or recolours what follows, and a bidi override shows a name backwards.
 * Escaping what is already escaped changes nothing.
 */
export function printable(line: string): string {
  if (!HAS_INVISIBLE.test(line)) return line;
  return line.replace(INVISIBLE, (c) => `[U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}]`);
}
