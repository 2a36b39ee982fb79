/**
 * Geometry of the changes-per-day bar chart, computed in Node so the same SVG is in the
 * HTML and the PDF (no script draws it). The template only places the rects and texts.
 */
import { formatCount } from './format.js';

export interface DayValue {
  date: string;
  changes: number;
  failedAttempts: number;
}

export interface ChartRect {
  y: number;
  height: number;
}

export interface ChartBar {
  date: string;
  x: number;
  width: number;
  /** Changes, from the axis up. */
  changes: ChartRect;
  /** Failed attempts, stacked on the changes. */
  failed: ChartRect;
  /** Tooltip / accessible text. */
  title: string;
}

export interface ChartGeometry {
  width: number;
  height: number;
  plot: { x: number; y: number; width: number; height: number; right: number; bottom: number };
  bars: ChartBar[];
  yTicks: { y: number; label: string }[];
  xLabels: { x: number; label: string }[];
  legend: { changes: { x: number; y: number }; failed: { x: number; y: number } };
  /** Highest stacked value (changes + failed) of any day. */
  max: number;
  /** No day has a change or a failed attempt. */
  empty: boolean;
  /** One sentence describing the chart, for screen readers and the figure caption. */
  summary: string;
}

export interface ChartOptions {
  width?: number;
  height?: number;
  /** Most x-axis labels drawn; the others are skipped evenly. */
  maxLabels?: number;
}

const round = (v: number): number => Math.round(v * 100) / 100;

/** A round step (1, 2, 5 × 10^k, at least 1) giving at most five intervals. */
export function niceStep(max: number): number {
  if (max <= 5) return 1;
  const raw = max / 5;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const norm = raw / mag;
  const unit = norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 5 ? 5 : 10;
  return Math.max(1, unit * mag);
}

export function dayChart(days: readonly DayValue[], options: ChartOptions = {}): ChartGeometry {
  const width = options.width ?? 760;
  const height = options.height ?? 220;
  const maxLabels = options.maxLabels ?? 16;
  const plot = { x: 52, y: 26, width: width - 52 - 10, height: height - 26 - 28, right: 0, bottom: 0 };
  plot.right = plot.x + plot.width;
  plot.bottom = plot.y + plot.height;

  const max = days.reduce((m, d) => Math.max(m, d.changes + d.failedAttempts), 0);
  const step = niceStep(max);
  const top = Math.max(step, Math.ceil(max / step) * step);
  const scale = plot.height / top;

  const yTicks: ChartGeometry['yTicks'] = [];
  for (let v = 0; v <= top; v += step) {
    yTicks.push({ y: round(plot.bottom - v * scale), label: formatCount(v) });
  }

  const n = days.length;
  const band = n > 0 ? plot.width / n : plot.width;
  const barWidth = Math.max(0.5, band * 0.72);
  const sameMonth = n > 0 && days.every((d) => d.date.slice(0, 7) === days[0]?.date.slice(0, 7));
  const labelEvery = Math.max(1, Math.ceil(n / maxLabels));

  const bars: ChartBar[] = [];
  const xLabels: ChartGeometry['xLabels'] = [];
  days.forEach((d, i) => {
    const x = plot.x + i * band + (band - barWidth) / 2;
    const hChanges = d.changes * scale;
    const hFailed = d.failedAttempts * scale;
    bars.push({
      date: d.date,
      x: round(x),
      width: round(barWidth),
      changes: { y: round(plot.bottom - hChanges), height: round(hChanges) },
      failed: { y: round(plot.bottom - hChanges - hFailed), height: round(hFailed) },
      title: `${d.date}: ${formatCount(d.changes)} changes, ${formatCount(d.failedAttempts)} failed or denied`,
    });
    if (i % labelEvery === 0) {
      xLabels.push({ x: round(plot.x + i * band + band / 2), label: sameMonth ? d.date.slice(8) : d.date.slice(5) });
    }
  });

  const totalChanges = days.reduce((s, d) => s + d.changes, 0);
  const totalFailed = days.reduce((s, d) => s + d.failedAttempts, 0);
  const first = days[0]?.date ?? '';
  const last = days[n - 1]?.date ?? '';
  return {
    width,
    height,
    plot,
    bars,
    yTicks,
    xLabels,
    legend: { changes: { x: plot.right - 250, y: 8 }, failed: { x: plot.right - 130, y: 8 } },
    max,
    empty: max === 0,
    summary:
      n === 0
        ? 'No days in the period.'
        : `Changes and failed attempts per day from ${first} to ${last}: ${formatCount(totalChanges)} changes, ${formatCount(totalFailed)} failed or denied; busiest day ${formatCount(max)}.`,
  };
}
