import { beforeEach, describe, expect, it } from 'vitest';
import { insideWindow, outsideChangeWindow as rule } from '../../../src/analysis/rules/outside-change-window.js';
import type { ChangeWindow } from '../../../src/config/types.js';
import { iotEvent, period, resetEventIds, runRule, type EventInit, type RunOptions } from '../../helpers/events.js';

// 2026-10-05 is a Monday, 2026-10-10 a Saturday.
interface Case {
  name: string;
  events: EventInit[];
  options?: RunOptions;
  hits: number;
}

const NIGHTS: ChangeWindow = { days: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri'], hours: { from: '22:00', to: '06:00' }, timeZone: null };

const cases: Case[] = [
  { name: 'fires on a Saturday change', events: [{ eventTime: '2026-10-10T10:00:00Z' }], hits: 1 },
  { name: 'fires just before the window opens', events: [{ eventTime: '2026-10-05T07:59:00Z' }], hits: 1 },
  { name: 'fires at the window’s (exclusive) end', events: [{ eventTime: '2026-10-05T18:00:00Z' }], hits: 1 },
  {
    name: 'fires in the report’s time zone (16:30 UTC is 18:30 in Paris)',
    events: [{ eventTime: '2026-10-05T16:30:00Z' }],
    options: { period: period({ timeZone: 'Europe/Paris' }) },
    hits: 1,
  },
  { name: 'fires once for a Saturday of changes by one principal', events: [{ eventTime: '2026-10-10T10:00:00Z' }, { eventTime: '2026-10-10T11:00:00Z' }], hits: 1 },
  { name: 'fires on Monday 03:00 in a night window (belongs to Sunday night)', events: [{ eventTime: '2026-10-05T03:00:00Z' }], options: { config: { changeWindow: NIGHTS } }, hits: 1 },
  { name: 'silent on Saturday 03:00 in a night window (belongs to Friday night)', events: [{ eventTime: '2026-10-10T03:00:00Z' }], options: { config: { changeWindow: NIGHTS } }, hits: 0 },
  { name: 'silent on Monday 10:00', events: [{ eventTime: '2026-10-05T10:00:00Z' }], hits: 0 },
  { name: 'silent on Monday 17:59', events: [{ eventTime: '2026-10-05T17:59:59Z' }], hits: 0 },
  { name: 'silent on a Saturday read', events: [{ eventTime: '2026-10-10T10:00:00Z', eventName: 'ListPolicies' }], hits: 0 },
  { name: 'silent on a denied Saturday attempt', events: [{ eventTime: '2026-10-10T10:00:00Z', errorCode: 'AccessDenied' }], hits: 0 },
  {
    name: 'silent when the window’s own zone puts the change inside (16:30 UTC is 12:30 in New York)',
    events: [{ eventTime: '2026-10-05T16:30:00Z' }],
    options: {
      period: period({ timeZone: 'Europe/Paris' }),
      config: { changeWindow: { days: ['Mon'], hours: { from: '08:00', to: '18:00' }, timeZone: 'America/New_York' } },
    },
    hits: 0,
  },
];

describe(rule.id, () => {
  beforeEach(resetEventIds);
  it.each(cases)('$name', ({ events, options, hits }) => {
    expect(runRule(rule, events.map((e) => iotEvent(e)), options)).toHaveLength(hits);
  });

  it('groups by local day and names the window', () => {
    const [hit] = runRule(rule, [iotEvent({ eventTime: '2026-10-10T22:30:00Z' })], { period: period({ timeZone: 'Europe/Paris' }) });
    expect(hit!.discriminator).toBe('2026-10-11');
    expect(hit!.description).toContain('Mon,Tue,Wed,Thu,Fri 08:00–18:00 Europe/Paris');
  });

  it('treats 24:00 as the end of the day', () => {
    const window: ChangeWindow = { days: ['Mon'], hours: { from: '00:00', to: '24:00' }, timeZone: null };
    expect(insideWindow('2026-10-05T23:59:00Z', window, 'UTC')).toBe(true);
    expect(insideWindow('2026-10-06T00:00:00Z', window, 'UTC')).toBe(false);
  });
});

describe('local time across a DST change', () => {
  const window: ChangeWindow = { days: ['Sun'], hours: { from: '02:00', to: '03:00' }, timeZone: null };
  it('follows the zone offset on both sides of the switch (Europe/Paris, 2026-10-25)', () => {
    // 00:30Z is 02:30 CEST (inside); 01:30Z is 02:30 CET again, after the switch (inside); 02:30Z is 03:30 CET (outside).
    expect(insideWindow('2026-10-25T00:30:00Z', window, 'Europe/Paris')).toBe(true);
    expect(insideWindow('2026-10-25T01:30:00Z', window, 'Europe/Paris')).toBe(true);
    expect(insideWindow('2026-10-25T02:30:00Z', window, 'Europe/Paris')).toBe(false);
    expect(insideWindow('2026-10-24T23:30:00Z', window, 'Europe/Paris')).toBe(false);
  });
  it('handles quarter-hour zones (Asia/Kathmandu, +05:45)', () => {
    const w: ChangeWindow = { days: ['Mon'], hours: { from: '08:00', to: '08:15' }, timeZone: null };
    expect(insideWindow('2026-10-05T02:15:00Z', w, 'Asia/Kathmandu')).toBe(true);
    expect(insideWindow('2026-10-05T02:14:59Z', w, 'Asia/Kathmandu')).toBe(false);
  });
});
