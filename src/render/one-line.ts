/**
 * Log text on one line, for the view and for a browser's error message alike: its own module,
 * without luxon, because the browser's module loads at start-up.
 */
import { whole } from '../unicode.js';

/** Log text on one line of at most `max` characters: control characters and line breaks become spaces, the rest is cut with "…". */
export function flatten(value: string, max: number): string {
  const flat = oneLine(value);
  return flat.length > max ? `${flat.slice(0, whole(flat, max - 1))}…` : flat;
}

/**
 * Log text on one line of at most `max` characters, cut in the middle: its start and, twice as
 * long, its end, which names what an ARN or a path is about (a role's or a session's name:
 * `arn:aws:iam::314159265358:…/AWSReservedSSO_IoTAdmin_5f3c1e2d9a8b7c6d`, where a cut at the end
 * kept only `role/aws-reserved/sso.amazonaws.c…`).
 */
export function flattenMiddle(value: string, max: number): string {
  const flat = oneLine(value);
  if (flat.length <= max) return flat;
  const head = whole(flat, Math.floor((max - 1) / 3));
  let tail = flat.length - (max - 1 - head);
  // Never the second half of a surrogate pair alone.
  const first = flat.charCodeAt(tail);
  if (first >= 0xdc00 && first <= 0xdfff) tail += 1;
  return `${flat.slice(0, head)}…${flat.slice(tail)}`;
}

function oneLine(value: string): string {
  // eslint-disable-next-line no-control-regex
  return value.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ').trim();
}

