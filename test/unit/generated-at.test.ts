import { describe, expect, it } from 'vitest';
import { parseGeneratedAt } from '../../src/cli/options.js';
import { UsageError } from '../../src/errors.js';

const NOW = new Date('2026-11-25T10:11:12.345Z');

/** The error a value gets, or null. */
function refusal(flag: string | undefined, env: NodeJS.ProcessEnv = {}): string | null {
  try {
    parseGeneratedAt(flag, env, NOW);
    return null;
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
}

describe('--generated-at and SOURCE_DATE_EPOCH: the same command, the same time on every machine', () => {
  it.each([
    ['2026-11-01T06:00:00Z', '2026-11-01T06:00:00Z'],
    ['2026-11-01T06:00Z', '2026-11-01T06:00:00Z'],
    ['2026-11-01T06:00:00.999Z', '2026-11-01T06:00:00Z'],
    ['2026-11-01T07:00:00+01:00', '2026-11-01T06:00:00Z'],
    ['2026-11-01T07:00:00+0100', '2026-11-01T06:00:00Z'],
    ['2026-11-01T00:30:00-05:30', '2026-11-01T06:00:00Z'],
    ['2024-02-29T23:59:59Z', '2024-02-29T23:59:59Z'],
    // A day alone is its midnight in UTC, never in the machine's zone.
    ['2026-11-01', '2026-11-01T00:00:00Z'],
  ])('reads %s as %s', (flag, iso) => {
    expect(parseGeneratedAt(flag, { SOURCE_DATE_EPOCH: '1' }, NOW)).toBe(iso);
  });

  it.each(['12', 'March 7', '2026-11-01T06:00', '2026-11-01T06:00:00', '2026-11-01 06:00:00Z', '2026-02-30', '2026-11-01T24:00:00Z', '2026-13-01T00:00:00Z', '2026-11-01T06:00:00+25:00', 'now', ''])(
    'refuses %j with the accepted form',
    (flag) => {
      expect(refusal(flag)).toBe(
        `--generated-at ${JSON.stringify(flag)} is not an ISO 8601 date-time with Z or an offset: use e.g. 2026-11-01T06:00:00Z or 2026-11-01T07:00:00+01:00 (or a day, 2026-11-01, meaning 00:00 UTC)`,
      );
    },
  );

  it('refuses a time before 1970', () => {
    expect(refusal('1969-12-31T23:59:59Z')).toBe('--generated-at "1969-12-31T23:59:59Z" is out of range: give a time from 1970 to 9999');
  });

  it('takes SOURCE_DATE_EPOCH (seconds) without the flag, else now, to the second', () => {
    expect(parseGeneratedAt(undefined, { SOURCE_DATE_EPOCH: '1793512800' }, NOW)).toBe('2026-11-01T06:00:00Z');
    expect(parseGeneratedAt(undefined, { SOURCE_DATE_EPOCH: '0' }, NOW)).toBe('1970-01-01T00:00:00Z');
    expect(parseGeneratedAt(undefined, {}, NOW)).toBe('2026-11-25T10:11:12Z');
  });

  it.each(['abc', '', '-1', '1.5', '1e9', ' 12', '253402300800'])('refuses SOURCE_DATE_EPOCH=%j, naming the variable', (value) => {
    expect(refusal(undefined, { SOURCE_DATE_EPOCH: value })).toBe(
      `SOURCE_DATE_EPOCH ${JSON.stringify(value)} is not a number of seconds since 1970-01-01 UTC: set it to a whole number (e.g. 1793512800) or unset it`,
    );
  });
});
