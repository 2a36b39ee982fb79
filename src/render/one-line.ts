/**
 * Log text on one line, for the view and for a browser's error message alike: its own module,
 * without luxon, because the browser's module loads at start-up.
 */
import { whole } from '../unicode.js';

/** Log text on one line of at most `max` characters: control characters and line breaks become spaces, the rest is cut with "…". */
export function flatten(value: string, max: number): string {
  // eslint-disable-next-line no-control-regex
  const flat = value.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, whole(flat, max - 1))}…` : flat;
}

