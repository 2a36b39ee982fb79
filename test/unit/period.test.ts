import { describe, expect, it } from 'vitest';
import { deliveryDays, periodDays, resolvePeriod } from '../../src/collect/period.js';
import { UsageError } from '../../src/errors.js';

const now = new Date('2026-11-24T10:00:00Z');

describe('resolvePeriod', () => {
  it('defaults to the previous calendar month in UTC', () => {
    const p = resolvePeriod({ tz: 'UTC' }, now);
    expect(p).toMatchObject({ start: '2026-10-01T00:00:00Z', end: '2026-11-01T00:00:00Z', month: '2026-10', timeZone: 'UTC' });
    expect(p.label).toBe('October 2026 (UTC)');
  });

  it('places a month in its time zone, across a DST change', () => {
    const p = resolvePeriod({ period: '2026-10', tz: 'Europe/Paris' }, now);
    // CEST (+2) at the start, CET (+1) after 2026-10-25.
    expect(p.start).toBe('2026-09-30T22:00:00Z');
    expect(p.end).toBe('2026-10-31T23:00:00Z');
  });

  it('reads --from/--to in the zone, --to exclusive', () => {
    const p = resolvePeriod({ from: '2026-10-03', to: '2026-10-10T12:00', tz: 'America/New_York' }, now);
    expect(p.start).toBe('2026-10-03T04:00:00Z');
    expect(p.end).toBe('2026-10-10T16:00:00Z');
    expect(p.month).toBeNull();
  });

  it('keeps an explicit offset', () => {
    expect(resolvePeriod({ from: '2026-10-03T00:00:00Z', to: '2026-10-04T00:00:00+02:00', tz: 'Asia/Tokyo' }, now)).toMatchObject({
      start: '2026-10-03T00:00:00Z',
      end: '2026-10-03T22:00:00Z',
    });
  });

  it.each([
    [{ period: '2026-13', tz: 'UTC' }, /--period "2026-13" is not a month/],
    [{ period: 'October', tz: 'UTC' }, /use YYYY-MM/],
    [{ tz: 'Mars/Olympus' }, /unknown time zone "Mars\/Olympus"/],
    [{ from: '2026-10-05', to: '2026-10-01', tz: 'UTC' }, /must be after --from/],
    [{ to: '2026-10-01', tz: 'UTC' }, /--to needs --from/],
    [{ from: 'yesterday', tz: 'UTC' }, /--from "yesterday" is not an ISO date/],
    [{ period: '2026-10', from: '2026-10-01', tz: 'UTC' }, /cannot be combined/],
  ])('rejects %j with a usage error that says what to do', (input, message) => {
    expect(() => resolvePeriod(input, now)).toThrow(UsageError);
    expect(() => resolvePeriod(input, now)).toThrow(message);
  });
});

describe('deliveryDays', () => {
  it('reads the UTC days of the period plus the late days', () => {
    const p = resolvePeriod({ period: '2026-10', tz: 'UTC' }, now);
    const days = deliveryDays(p, 1);
    expect(days[0]).toBe('2026-10-01');
    expect(days.at(-1)).toBe('2026-11-01');
    expect(days).toHaveLength(32);
  });

  it('starts on the previous UTC day for a zone ahead of UTC', () => {
    const days = deliveryDays(resolvePeriod({ period: '2026-10', tz: 'Europe/Paris' }, now), 1);
    expect(days[0]).toBe('2026-09-30');
    expect(days.at(-1)).toBe('2026-11-01');
  });

  it('lists the period days in its own zone', () => {
    expect(periodDays(resolvePeriod({ period: '2026-02', tz: 'UTC' }, now))).toHaveLength(28);
  });
});
