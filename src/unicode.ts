/** Text cut to a length without splitting a character, for every stage that shortens log values; text put in one order on every machine. */

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
