/**
 * Glob patterns for ARNs, role names and resources: `*` matches any run of characters
 * (including `/` and `:`), `?` exactly one (UTF-16 unit); everything else is literal.
 *
 * Matched without regular expressions: both sides can come from a log (a policy document's
 * `Resource` against another's), and a regular expression with a few `.*` backtracks in time
 * polynomial in the value's length (`arn:aws:iam::*:role/*admin*` against a forged 96 KB ARN:
 * ~1 s; 1 MB: minutes). Here each piece between stars is found at its leftmost place after the
 * last, which is enough for `*` and `?`: time grows with the value's length times the
 * pattern's at worst.
 */
import { BoundedMemo } from '../../../memo.js';

interface Glob {
  /** The pattern cut at each `*`: the first piece starts the value, the last ends it. */
  pieces: readonly string[];
  caseInsensitive: boolean;
  /** Value -> whether it matches: policy checks ask the same few questions (does `iot:*` match `iot:Connect`?) thousands of times. */
  answers: BoundedMemo<string, boolean>;
  test: (value: string) => boolean;
}

/** Per letter case (case-sensitive, case-insensitive), pattern -> its pieces and answers. */
const globs = [new BoundedMemo<string, Glob>(1000), new BoundedMemo<string, Glob>(1000)] as const;

// One function per letter case for the memos, not a new closure per question.
const makeGlob = [(pattern: string) => compileGlob(pattern, false), (pattern: string) => compileGlob(pattern, true)] as const;

const QUESTION = 0x3f;

/**
 * A UTF-16 unit as a case-insensitive regular expression (no `u` flag) compares it: its upper
 * case when that is one unit and does not turn a non-ASCII letter into an ASCII one.
 */
function canonical(unit: number): number {
  // ASCII, nearly every unit of an ARN or an action name: a-z to A-Z, nothing else changes.
  if (unit < 128) return unit >= 97 && unit <= 122 ? unit - 32 : unit;
  const upper = String.fromCharCode(unit).toUpperCase();
  if (upper.length !== 1) return unit;
  const u = upper.charCodeAt(0);
  return unit >= 128 && u < 128 ? unit : u;
}

/** Whether `piece` (with `?` for any unit) is at `at` in `value`. */
function pieceAt(value: string, at: number, piece: string, caseInsensitive: boolean): boolean {
  for (let k = 0; k < piece.length; k++) {
    const p = piece.charCodeAt(k);
    if (p === QUESTION) continue;
    const v = value.charCodeAt(at + k);
    if (p !== v && (!caseInsensitive || canonical(p) !== canonical(v))) return false;
  }
  return true;
}

/** The leftmost place in value[from, end) where `piece` is, or -1. */
function findPiece(value: string, piece: string, from: number, end: number, caseInsensitive: boolean): number {
  const last = end - piece.length;
  if (!caseInsensitive && !piece.includes('?')) {
    const at = value.indexOf(piece, from);
    return at !== -1 && at <= last ? at : -1;
  }
  for (let at = from; at <= last; at++) if (pieceAt(value, at, piece, caseInsensitive)) return at;
  return -1;
}

function matches(glob: Glob, value: string): boolean {
  const { pieces, caseInsensitive } = glob;
  const first = pieces[0]!;
  if (pieces.length === 1) return value.length === first.length && pieceAt(value, 0, first, caseInsensitive);
  const lastPiece = pieces[pieces.length - 1]!;
  const end = value.length - lastPiece.length;
  if (end < first.length) return false;
  if (!pieceAt(value, 0, first, caseInsensitive) || !pieceAt(value, end, lastPiece, caseInsensitive)) return false;
  let from = first.length;
  for (let i = 1; i < pieces.length - 1; i++) {
    const piece = pieces[i]!;
    if (piece === '') continue;
    const at = findPiece(value, piece, from, end, caseInsensitive);
    if (at === -1) return false;
    from = at + piece.length;
  }
  return true;
}

function compileGlob(pattern: string, caseInsensitive: boolean): Glob {
  const glob: Glob = { pieces: pattern.split('*'), caseInsensitive, answers: new BoundedMemo(1000), test: (value) => matches(glob, value) };
  return glob;
}

function globOf(pattern: string, caseInsensitive: boolean): Glob {
  const i = caseInsensitive ? 1 : 0;
  return globs[i].get(pattern, makeGlob[i]);
}

export function matchesGlob(pattern: string, value: string, caseInsensitive = false): boolean {
  const glob = globOf(pattern, caseInsensitive);
  return glob.answers.get(value, glob.test);
}

export function matchesAnyGlob(patterns: readonly string[], value: string, caseInsensitive = false): boolean {
  for (let i = 0; i < patterns.length; i++) if (matchesGlob(patterns[i]!, value, caseInsensitive)) return true;
  return false;
}
