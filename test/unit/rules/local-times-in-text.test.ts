/**
 * Times in a finding's text are in the report's zone, as every other time of the report
 * (2026-11-26 review: "for the first time in the period at 2026-10-12T14:10:00Z" beside a card
 * and a header in New York time).
 */
import { describe, expect, it } from 'vitest';
import { localStamp } from '../../../src/analysis/rules/support/grouping.js';
import { deniedBurst } from '../../../src/analysis/rules/denied-burst.js';
import { period, runRule, timeline } from '../../helpers/events.js';

const newYork = period({ timeZone: 'America/New_York', start: '2026-10-01T04:00:00Z', end: '2026-11-01T04:00:00Z', label: 'October 2026 (America/New_York)' });

describe('times in the text of findings', () => {
  it('are local to the report\'s zone, in the form the report shows times', () => {
    expect(localStamp('2026-10-12T14:10:00Z', 'America/New_York')).toBe('2026-10-12 10:10:00');
    // New York shows 01:00–02:00 twice that day: the offset tells which.
    expect(localStamp('2026-11-01T05:30:00.250Z', 'America/New_York')).toBe('2026-11-01 01:30:00 -04:00');
    expect(localStamp('2026-10-12T14:10:00Z', 'UTC')).toBe('2026-10-12 14:10:00');
    expect(localStamp('not a time', 'UTC')).toBe('not a time');
  });

  it('a denied burst says its minutes in New York time for a New York report', () => {
    const events = timeline('2026-10-12T14:10:00Z', Array.from({ length: 10 }, (_, i) => ({ at: i, eventName: 'ListCertificates', errorCode: 'AccessDeniedException' })));
    const [hit] = runRule(deniedBurst, events, { period: newYork });
    expect(hit!.description).toContain('between 2026-10-12 10:10:00 and 2026-10-12 10:19:00.');
  });
});
