/**
 * A local time the zone's clocks show twice carries its offset (auditor's review: with
 * --tz Europe/Paris, events at 2026-10-25T00:30:00Z and 01:30:00Z, an hour apart, were both
 * "2026-10-25 02:30:00" in the appendix, the HTML and the finding's first event, with nothing to
 * tell them apart or order them). Every other time, the skipped hour's neighbours included, reads
 * as before, without an offset.
 */
import { DateTime, Info } from 'luxon';
import { describe, expect, it } from 'vitest';
import { localStamp } from '../../src/analysis/rules/support/grouping.js';
import { localDateTime, repeatedTimeMark, resolvePeriod } from '../../src/collect/period.js';
import { ZoneClock } from '../../src/render/format.js';
import { htmlText } from '../../src/render/html.js';
import { renderMarkdown } from '../../src/render/md.js';
import { buildView } from '../../src/render/view.js';
import { actor, finding, iotEvent, period, reportModel } from '../helpers/events.js';

const DATA_FILES = ['iot-audit-2026-10.csv', 'iot-audit-2026-10.json'];
const rowsOf = <R>(t: { chunks: { rows: R[] }[] }): R[] => t.chunks.flatMap((c) => c.rows);
const paris = period({ timeZone: 'Europe/Paris', start: '2026-09-30T22:00:00Z', end: '2026-10-31T23:00:00Z', label: 'October 2026 (Europe/Paris)' });

describe('a wall time the zone shows twice', () => {
  it('has its offset after it, at each precision the report shows', () => {
    const clock = new ZoneClock('Europe/Paris');
    expect(clock.dateTime('2026-10-25T00:30:00Z')).toBe('2026-10-25 02:30:00 +02:00');
    expect(clock.dateTime('2026-10-25T01:30:00Z')).toBe('2026-10-25 02:30:00 +01:00');
    expect(clock.minute('2026-10-25T00:30:00Z')).toBe('2026-10-25 02:30 +02:00');
    expect(clock.minute('2026-10-25T01:30:00Z')).toBe('2026-10-25 02:30 +01:00');
    expect(clock.stamp('2026-10-25T01:30:00Z')).toBe('2026-10-25 02:30:00 +01:00 Europe/Paris');
    // A range over the repeated hour was one time: "2026-10-25 02:30".
    expect(clock.range('2026-10-25T00:30:00Z', '2026-10-25T01:30:00Z')).toBe('2026-10-25 02:30 +02:00 – 02:30 +01:00');
    expect(clock.range('2026-10-25T00:30:00Z', '2026-10-25T05:00:00Z')).toBe('2026-10-25 02:30 +02:00 – 06:00');
    expect(localDateTime(Date.parse('2026-10-25T00:30:00Z'), 'Europe/Paris')).toBe('2026-10-25 02:30:00 +02:00');
    expect(localStamp('2026-11-01T05:30:00Z', 'America/New_York')).toBe('2026-11-01 01:30:00 -04:00');
    expect(localStamp('2026-11-01T06:30:00Z', 'America/New_York')).toBe('2026-11-01 01:30:00 -05:00');
    // Lord Howe goes back half an hour: 01:30–02:00 is shown twice.
    expect(new ZoneClock('Australia/Lord_Howe').dateTime('2026-04-04T14:45:00Z')).toBe('2026-04-05 01:45:00 +11:00');
    expect(new ZoneClock('Australia/Lord_Howe').dateTime('2026-04-04T15:15:00Z')).toBe('2026-04-05 01:45:00 +10:30');
  });

  it('only in the repeated hour: its edges, and the hour clocks skip, read as before', () => {
    const clock = new ZoneClock('Europe/Paris');
    const cases: [string, string][] = [
      ['2026-10-24T23:59:59Z', '2026-10-25 01:59:59'],
      ['2026-10-25T00:00:00Z', '2026-10-25 02:00:00 +02:00'],
      ['2026-10-25T00:59:59Z', '2026-10-25 02:59:59 +02:00'],
      ['2026-10-25T01:00:00Z', '2026-10-25 02:00:00 +01:00'],
      ['2026-10-25T01:59:59Z', '2026-10-25 02:59:59 +01:00'],
      ['2026-10-25T02:00:00Z', '2026-10-25 03:00:00'],
      // Spring forward: 02:00–03:00 does not exist; the instants on either side are shown plainly.
      ['2026-03-29T00:59:59Z', '2026-03-29 01:59:59'],
      ['2026-03-29T01:00:00Z', '2026-03-29 03:00:00'],
      ['2026-03-29T01:30:00Z', '2026-03-29 03:30:00'],
    ];
    for (const [iso, shown] of cases) expect([iso, clock.dateTime(iso)]).toEqual([iso, shown]);
    for (const ms of [Date.UTC(2026, 9, 25, 0, 30), Date.UTC(2026, 2, 29, 1, 30)]) expect(new ZoneClock('UTC').dateTime(new Date(ms).toISOString())).not.toContain('+');
  });

  it('is marked exactly when another instant within two hours has the same wall time (as luxon\'s getPossibleOffsets says)', () => {
    for (const zone of ['Europe/Paris', 'America/New_York', 'Australia/Lord_Howe', 'America/St_Johns', 'Asia/Kathmandu', 'UTC']) {
      const clock = new ZoneClock(zone);
      const z = Info.normalizeZone(zone);
      const wall = (ms: number) => ms + z.offset(ms) * 60_000;
      // The year at an odd step, and every 7 minutes 13 seconds within 3 hours of each change of offset.
      const instants: number[] = [];
      for (let ms = Date.UTC(2026, 0, 1); ms < Date.UTC(2027, 0, 1); ms += 7 * 3_600_000 + 13_000) instants.push(ms);
      for (let day = Date.UTC(2026, 0, 1); day < Date.UTC(2027, 0, 1); day += 86_400_000) {
        if (z.offset(day) === z.offset(day + 86_400_000)) continue;
        for (let hour = day; hour < day + 86_400_000; hour += 1_800_000) {
          if (z.offset(hour) === z.offset(hour + 1_800_000)) continue;
          for (let ms = hour - 3 * 3_600_000; ms < hour + 3 * 3_600_000; ms += 7 * 60_000 + 13_000) instants.push(ms);
        }
      }
      for (const ms of instants) {
        const twice = [-120, -60, -30, 30, 60, 120].some((m) => wall(ms + m * 60_000) === wall(ms));
        const dt = DateTime.fromMillis(ms, { zone });
        // luxon agrees: the wall time has two possible offsets.
        expect([zone, ms, dt.getPossibleOffsets().length > 1]).toEqual([zone, ms, twice]);
        const shown = dt.toFormat('yyyy-MM-dd HH:mm:ss');
        expect([zone, ms, clock.dateTime(new Date(ms).toISOString())]).toEqual([zone, ms, twice ? `${shown} ${dt.toFormat('ZZ')}` : shown]);
        expect(repeatedTimeMark(ms, zone)).toBe(twice ? ` ${dt.toFormat('ZZ')}` : '');
      }
      // Every zone but the fixed ones repeats some time of the year.
      if (zone !== 'UTC' && zone !== 'Asia/Kathmandu') expect(instants.some((ms) => repeatedTimeMark(ms, zone) !== '')).toBe(true);
    }
  });

  it('tells the two events apart in the appendix, the finding and the HTML; the Markdown keeps the offset whole', async () => {
    const staging = actor({ type: 'IAMUser', arn: 'arn:aws:iam::111111111111:user/staging-ops', sessionIssuerArn: null, label: 'user/staging-ops' });
    const events = [
      iotEvent({ eventId: 'b57da07f', eventTime: '2026-10-25T00:30:00Z', eventName: 'UpdateThing', actor: staging }),
      iotEvent({ eventId: 'c5495339', eventTime: '2026-10-25T01:30:00Z', eventName: 'UpdateThing', actor: staging }),
    ];
    const model = reportModel({
      period: paris,
      events,
      findings: [finding({ eventIds: ['b57da07f', 'c5495339'], time: '2026-10-25T00:30:00Z' })],
    });
    for (const media of ['screen', 'pdf'] as const) {
      const v = buildView(model, { media, paper: 'a4', dataFiles: DATA_FILES });
      expect(rowsOf(v.appendix.table).map((r) => r.time)).toEqual(['2026-10-25 02:30:00 +02:00', '2026-10-25 02:30:00 +01:00']);
      expect(rowsOf(v.findings.open).map((f) => f.time)).toEqual(['2026-10-25 02:30:00 +02:00']);
    }
    const html = await htmlText(model, { media: 'screen', paper: 'a4', dataFiles: DATA_FILES });
    expect(html).toContain('2026-10-25 02:30:00 +01:00');
    expect(html).toContain('2026-10-25 02:30:00 +02:00');
    // The "When" column held 20 characters: "2026-10-25 02:30 +0…".
    expect(renderMarkdown(model)).toContain('| 2026-10-25 02:30 \\+02:00 |');
  });

  it('marks a period bound in the repeated hour, in the label and the header', () => {
    const p = resolvePeriod({ from: '2026-10-25T02:30:00+01:00', to: '2026-10-26', tz: 'Europe/Paris' }, new Date('2026-11-05T00:00:00Z'));
    expect(p.label).toBe('2026-10-25 02:30 +01:00 – 2026-10-26 00:00 (Europe/Paris)');
    const v = buildView(reportModel({ period: p }), { media: 'screen', paper: 'a4', dataFiles: DATA_FILES });
    expect(v.header.range).toBe('2026-10-25 02:30 +01:00 to 2026-10-26 00:00 (Europe/Paris), end excluded');
  });
});
