/** Made on first use: creating it costs milliseconds of ICU start-up (12-34 ms on the bench's machine: docs/performance.md), and counts rarely need it. */
let numberFormat: Intl.NumberFormat | undefined;

/**
 * 12000 -> "12,000" (en-US, a fixed locale: same input, same bytes). Here, not in the renderers,
 * so that messages built when a module loads (the limits' reasons, in every parse worker too) do
 * not start ICU: `toLocaleString` did, in each thread.
 */
export function formatCount(n: number): string {
  // Integers (every count) grouped by hand as en-US groups them; anything else by Intl (-0 too: "-0").
  if (!Number.isSafeInteger(n) || Object.is(n, -0)) return (numberFormat ??= new Intl.NumberFormat('en-US')).format(n);
  const digits = String(n < 0 ? -n : n);
  let i = digits.length % 3 || 3;
  let out = digits.slice(0, i);
  for (; i < digits.length; i += 3) out += `,${digits.slice(i, i + 3)}`;
  return n < 0 ? `-${out}` : out;
}

/** "1 file" / "2 files" / "1,234 files": a count and its noun, for every line a person reads (the terminal's too). */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}
