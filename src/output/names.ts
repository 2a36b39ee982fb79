import type { Period } from '../types.js';

/** `2026-10` for a month, else `20261003T0000Z-20261010T0000Z`: what the report covers, in every file name. */
export function periodSlug(period: Period): string {
  if (period.month !== null) return period.month;
  const compact = (iso: string) => iso.replace(/[-:]/g, '').replace(/(\d{8}T\d{4})\d{2}(\.\d+)?Z$/, '$1Z');
  return `${compact(period.start)}-${compact(period.end)}`;
}

export function baseName(period: Period): string {
  return `iot-audit-${periodSlug(period)}`;
}
