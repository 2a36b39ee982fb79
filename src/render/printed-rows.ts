/**
 * How much paper a policy document takes in the PDF, in printed rows of its box
 * (`pre.document`: `white-space: pre-wrap`, `overflow-wrap: anywhere`). The PDF budgets
 * documents by what they print, not by their characters: a forged document of 3,000 lines of
 * "v1" is 9,000 characters and 3,000 rows (2026-11-26 review: 60 policies of 3 such versions
 * printed 589 pages within a budget of characters).
 */

/**
 * Characters in a printed row of a document: 7 pt DejaVu Sans Mono (5.616 px a character, as
 * Chromium lays it out) in the 703 px between A4's page margins, less the policy card's and
 * the box's padding and borders (46 px): 116.99 columns, 116 whole characters (Chromium
 * sometimes fits a 117th; Letter, 120). The budget takes the narrower paper and the whole ones,
 * so it never counts fewer rows than are printed.
 */
export const DOCUMENT_COLUMNS = 116;

/** Columns between tab stops (CSS `tab-size`, 8 by default). */
const TAB_SIZE = 8;

/**
 * Walks `text` as the browser lays it out in a row of `DOCUMENT_COLUMNS` columns: a new row at
 * each line break (`\n`, `\r\n`, and a lone `\r`, which HTML reads as one), a word moved to
 * the next row when it does not fit after spaces or tabs, a word longer than a row broken
 * inside, a tab to the next tab stop, white space at a row's end hanging past it. A character
 * is a column (a pair of UTF-16 units two, as emoji are about that wide). Stops once more than
 * `limit` rows are needed: `fit` is then how many characters of `text` the first `limit` rows hold.
 */
function walk(text: string, limit: number): { rows: number; fit: number } {
  const width = DOCUMENT_COLUMNS;
  let rows = 1;
  let col = 0;
  for (let i = 0; i < text.length; ) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13) {
      if (rows + 1 > limit) return { rows: rows + 1, fit: i };
      rows += 1;
      col = 0;
      i += c === 13 && text.charCodeAt(i + 1) === 10 ? 2 : 1;
    } else if (c === 32) {
      col += 1;
      i += 1;
    } else if (c === 9) {
      col = (Math.floor(col / TAB_SIZE) + 1) * TAB_SIZE;
      i += 1;
    } else {
      let end = i + 1;
      while (end < text.length) {
        const d = text.charCodeAt(end);
        if (d === 10 || d === 13 || d === 32 || d === 9) break;
        end += 1;
      }
      const length = end - i;
      if (col > 0 && col + length > width) {
        if (rows + 1 > limit) return { rows: rows + 1, fit: i };
        rows += 1;
        col = 0;
      }
      if (col + length <= width) {
        col += length;
      } else {
        // At a row's start and longer than a row: broken every `width` characters.
        const more = Math.ceil(length / width) - 1;
        if (rows + more > limit) return { rows: rows + more, fit: i + (limit - rows + 1) * width };
        rows += more;
        col = length - more * width;
      }
      i = end;
    }
  }
  return { rows, fit: text.length };
}

/** The rows `text` prints on in a document box (one for an empty document: the box is still there). */
export function printedRows(text: string): number {
  return walk(text, Number.POSITIVE_INFINITY).rows;
}

/** How many characters of `text` the first `rows` rows of a document box hold (0 when `rows` is under 1). */
export function charsInRows(text: string, rows: number): number {
  return rows < 1 ? 0 : walk(text, rows).fit;
}
