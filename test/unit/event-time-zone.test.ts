/**
 * Event times do not depend on the machine's time zone: a time without an offset is UTC
 * (CloudTrail's times are), and text that is not ISO 8601 is no time at all, in every zone.
 * Node reads `TZ` again whenever it is set, so one process can run under several zones.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { canonicalTime, normalizeRecord } from '../../src/cloudtrail/normalize.js';
import { parseLogBytes } from '../../src/collect/parse-log.js';
import { resolvePeriod } from '../../src/collect/period.js';
import { collect } from '../../src/collect/run.js';
import { LocalStore } from '../../src/sources/local.js';
import { runReport } from '../../src/pipeline/report.js';
import { reportOptions } from '../helpers/report-options.js';
import { record, writeTree } from '../helpers/trail-tree.js';

const ZONES = ['America/New_York', 'Asia/Tokyo', 'UTC'] as const;

const TIMES: [string, string | null][] = [
  ['2026-10-01T00:30:00', '2026-10-01T00:30:00Z'],
  ['2026-10-31 23:30:00.000', '2026-10-31T23:30:00Z'],
  ['2026-10-05T10:00:00Z', '2026-10-05T10:00:00Z'],
  ['2026-10-05T10:00:00+09:00', '2026-10-05T01:00:00Z'],
  ['05/10/2026 10:00', null],
  ['Oct 5 2026 10:00', null],
];

const savedZone = process.env.TZ;
afterAll(() => {
  if (savedZone === undefined) delete process.env.TZ;
  else process.env.TZ = savedZone;
});

/** Runs `fn` with the process in `zone`, after checking that the zone took effect. */
async function inZone<T>(zone: string, fn: () => Promise<T> | T): Promise<T> {
  process.env.TZ = zone;
  const offset = { 'America/New_York': 240, 'Asia/Tokyo': -540, UTC: 0 }[zone];
  expect(new Date(2026, 9, 1).getTimezoneOffset(), `TZ=${zone} in effect`).toBe(offset);
  return fn();
}

describe('event times in any machine time zone', () => {
  it.each(ZONES)('canonicalTime reads the same instants under TZ=%s', async (zone) => {
    await inZone(zone, () => {
      for (const [text, expected] of TIMES) expect(canonicalTime(text), text).toBe(expected);
    });
  });

  it.each(ZONES)('a Lake export with times without an offset reads as UTC under TZ=%s', async (zone) => {
    const file = Buffer.from(
      JSON.stringify([
        record({ eventID: 'e-space', eventTime: '2026-10-31 23:30:00.000', requestParameters: { thingName: 'x' } }),
        record({ eventID: 'e-noz', eventTime: '2026-10-01T00:30:00', requestParameters: { thingName: 'y' } }),
        record({ eventID: 'e-us', eventTime: '05/10/2026 10:00', requestParameters: { thingName: 'z' } }),
      ]),
    );
    await inZone(zone, () => {
      expect(parseLogBytes(file).records.map((r) => [r.eventId, r.eventTime])).toEqual([
        ['e-space', '2026-10-31T23:30:00Z'],
        ['e-noz', '2026-10-01T00:30:00Z'],
        ['e-us', null],
      ]);
      expect(normalizeRecord(record({ eventTime: '2026-10-01T00:30:00' }))!.eventTime).toBe('2026-10-01T00:30:00Z');
    });
  });

  it('gives the same report events in every zone, and counts the record whose time is not ISO 8601 as one without time', async () => {
    const root = writeTree({
      'exports/lake.json': JSON.stringify([
        record({ eventID: 'e-space', eventTime: '2026-10-31 23:30:00.000', requestParameters: { thingName: 'x' } }),
        record({ eventID: 'e-noz', eventTime: '2026-10-01T00:30:00', requestParameters: { thingName: 'y' } }),
        record({ eventID: 'e-us', eventTime: '05/10/2026 10:00', requestParameters: { thingName: 'z' } }),
      ]),
    });
    const results: unknown[] = [];
    const october = resolvePeriod({ period: '2026-10', tz: 'UTC' }, new Date('2026-11-24T00:00:00Z'));
    for (const zone of ZONES) {
      const { model } = await inZone(zone, () => runReport(reportOptions({ sources: [root], accountsFile: undefined })));
      results.push(model.events.map((e) => [e.eventId, e.eventTime]));
      // The record whose time is not ISO 8601 is counted as one without time.
      const collected = await collect({ stores: [new LocalStore(root)], period: october, lateDays: 1, concurrency: 1 });
      expect(collected.withoutTime.count, zone).toBe(1);
    }
    expect(results[0]).toEqual([
      ['e-noz', '2026-10-01T00:30:00Z'],
      ['e-space', '2026-10-31T23:30:00Z'],
    ]);
    expect(results[1]).toEqual(results[0]);
    expect(results[2]).toEqual(results[0]);
  });
});
