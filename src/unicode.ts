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
 * lone surrogate: with `STACKED_MARK`, what the HTML, PDF, Markdown and terminal show as
 * `[U+XXXX]` (`codeShown`; src/render/format.ts `visible`, which keeps tabs and line breaks).
 * Text, not a RegExp, so that a user can take out of it what it keeps
 * (`[${INVISIBLE_CHARACTERS}--[\t\n\r]]` with the `v` flag).
 */
export const INVISIBLE_CHARACTERS = String.raw`[\p{Cc}\p{Cf}\p{Default_Ignorable_Code_Point}\p{Zl}\p{Zp}\p{Cs}\u115F\u1160\u3164\uFFA0]`;

/** A combining mark (general category M: Mn, Mc, Me) that is drawn, not one of the invisible set (a variation selector, the combining grapheme joiner). */
const MARK = String.raw`(?:(?!${INVISIBLE_CHARACTERS})\p{M})`;

/**
 * A combining mark past the second drawn in a row after its base character. "Zalgo" text (a
 * letter and 130 marks) drew a tower over the three rows above it, and a cluster of 270 marks
 * is one character that no line can break, run across the columns and past the PDF's edge. Two
 * marks are what a letter needs (an accent and a dot below; a vowel sign and a tone mark); the
 * others are shown as `[U+0301]`. The current mark is matched first: the lookbehind runs only on
 * marks, which nearly no value has.
 */
export const STACKED_MARK = String.raw`${MARK}(?<=${MARK}{3})`;

/**
 * The expression of what a visible form shows as `[U+XXXX]`: the characters of `invisible`
 * (`INVISIBLE_CHARACTERS`, or a set taken from it) and the stacked marks (`STACKED_MARK`); each
 * match is one code point. The one definition of what the HTML, PDF, Markdown and terminal hide.
 */
export function codeShown(invisible: string): string {
  return `${invisible}|${STACKED_MARK}`;
}

/**
 * A quick test that `codeShown(invisible)` may match (three marks in a row, any kind): nearly
 * every value has none, and a test of one class allocates nothing and looks behind nothing.
 */
export function mayShowCode(invisible: string): string {
  return String.raw`${invisible}|\p{M}{3}`;
}

/** A code point as shown in its place: `[U+200D]`, `[U+E0041]`. */
export function codeToken(c: string): string {
  return `[U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}]`;
}

const SHOWN_AS_CODE = new RegExp(codeShown(INVISIBLE_CHARACTERS), 'gu');
// Nearly every line has none: a test allocates nothing.
const MAY_SHOW_CODE = new RegExp(mayShowCode(INVISIBLE_CHARACTERS), 'u');

/**
 * A line for the terminal: every invisible character shown as `[U+001B]`, the notation of the
 * HTML and PDF, tabs and line breaks too (a line stays one line), and combining marks past the
 * second on one character (`STACKED_MARK`). File names, S3 keys and log values reach our
 * messages as they are; printed raw, an ESC or a C1 CSI in one retitles the terminal, clears it
 * or recolours what follows, and a bidi override shows a name backwards. Escaping what is
 * already escaped changes nothing.
 */
export function printable(line: string): string {
  if (!MAY_SHOW_CODE.test(line)) return line;
  return line.replace(SHOWN_AS_CODE, codeToken);
}
