/**
 * Whether a time falls in any of some half-open windows `[from, to)`: the answer of
 * `windows.some(([from, to]) => time >= from && time < to)`, for every time, NaN and
 * infinities included. The windows are sorted and merged once and each time is found
 * by halves, so a forged bucket's thousands of times against its thousands of windows
 * take n log n, not n × m. A window that holds nothing (`from >= to`, or NaN) is dropped;
 * windows that overlap or touch (`[a, b)` and `[b, c)`) become one.
 */
export function anyWindowHolds(windows: Iterable<readonly [from: number, to: number]>): (time: number) => boolean {
  const sorted = [...windows].filter(([from, to]) => from < to).sort((a, b) => a[0] - b[0]);
  // Merged, disjoint and apart: each start is past the end before it.
  const starts: number[] = [];
  const ends: number[] = [];
  for (const [from, to] of sorted) {
    const last = ends.length - 1;
    if (last >= 0 && from <= ends[last]) ends[last] = Math.max(ends[last], to);
    else {
      starts.push(from);
      ends.push(to);
    }
  }
  return (time) => {
    // The number of windows starting at or before `time` (none for NaN).
    let low = 0;
    let high = starts.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (starts[mid] <= time) low = mid + 1;
      else high = mid;
    }
    return low > 0 && time < ends[low - 1];
  };
}
