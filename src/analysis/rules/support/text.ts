/** Small text helpers for finding descriptions and evidence built from log values. */
import { whole } from '../../../unicode.js';

// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]+/g;
// eslint-disable-next-line no-control-regex
const HAS_CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;

/** Shortens a hostile value for a one-line description; control characters become spaces. */
export function clip(value: string, max = 120): string {
  // Testing first is cheaper than a global replace, and values rarely hold control characters.
  const flat = HAS_CONTROL_CHARACTER.test(value) ? value.replace(CONTROL_CHARACTERS, ' ') : value;
  return flat.length > max ? `${flat.slice(0, whole(flat, max - 1))}…` : flat;
}

/** `a, b, c and 4 more` */
export function listWithMore(items: readonly string[], max = 10): string {
  const shown = items.slice(0, max).map((i) => clip(i, 80));
  const rest = items.length - shown.length;
  return rest > 0 ? `${shown.join(', ')} and ${rest} more` : shown.join(', ');
}

/** `3 × UpdateCertificate, 1 × DeleteCertificate` in first-seen order. */
export function countActions(eventNames: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const name of eventNames) counts.set(name, (counts.get(name) ?? 0) + 1);
  return [...counts].map(([name, n]) => `${n} × ${clip(name, 60)}`).join(', ');
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** `2026-10-03T10:15:00Z` → `20261003T101500Z`, a stable discriminator for one moment. */
export function compactTime(iso: string): string {
  return iso.replace(/\.\d+(?=Z$)/, '').replace(/[-:]/g, '');
}
