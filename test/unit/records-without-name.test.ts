/**
 * An IoT record with no `eventName` (CloudTrail always writes one: the record is damaged or
 * altered) was dropped with no count, warning or Coverage line: a revocation without its name
 * vanished from the report (2026-11-26 review). It is counted and named, as records without a
 * usable time are, and is no event.
 */
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { collect } from '../../src/collect/run.js';
import { parseLogFast } from '../../src/collect/parse-fast.js';
import { parseLogBytes } from '../../src/collect/parse-log.js';
import { resolvePeriod } from '../../src/collect/period.js';
import { normalizeRecord } from '../../src/cloudtrail/normalize.js';
import { parse } from 'node-html-parser';
import { htmlText } from '../../src/render/html.js';
import { renderMarkdown } from '../../src/render/md.js';
import { buildView } from '../../src/render/view.js';
import { LocalStore } from '../../src/sources/local.js';
import type { LogObjectRef } from '../../src/types.js';
import { sampleModel } from '../helpers/sample-model.js';
import { logKey, record, writeTree } from '../helpers/trail-tree.js';

const A = '111122223333';
const october = resolvePeriod({ period: '2026-10', tz: 'UTC' }, new Date('2026-11-24T00:00:00Z'));

/** A record whose `eventName` key is gone. */
function nameless(overrides: Record<string, unknown>): Record<string, unknown> {
  const { eventName: _n, ...rest } = record(overrides);
  return rest;
}

const revocation = nameless({ eventID: 'n-1', requestParameters: { certificateId: 'c'.repeat(64), newStatus: 'REVOKED' } });

describe('IoT records without an event name', () => {
  const key = logKey({ account: A, region: 'us-east-1', delivered: '2026-10-05T10:05', suffix: 'a000000000000000' });

  it('are read the same by the fast path and the plain one, the name null', () => {
    const text = JSON.stringify({ Records: [record({ eventID: 'named' }), revocation, nameless({ eventID: 'iam', eventSource: 'iam.amazonaws.com' })] });
    const bytes = gzipSync(Buffer.from(text));
    const plain = parseLogBytes(bytes);
    expect(parseLogFast(bytes)).toEqual(plain);
    expect(plain.recordCount).toBe(3);
    expect(plain.records.map((r) => [r.eventId, r.eventName])).toEqual([
      ['named', 'CreateThing'],
      ['n-1', null],
    ]);
  });

  it('are counted and named in coverage, kept out of the events, once each, in the period or with no time', async () => {
    const root = writeTree({
      [key]: [
        record({ eventID: 'named' }),
        revocation,
        nameless({ eventID: 'n-2', eventTime: null }),
        nameless({ eventID: 'iam', eventSource: 'iam.amazonaws.com' }),
        // Of September: September's report counts it (its last day's folder is read by October's report too).
        nameless({ eventID: 'n-sep', eventTime: '2026-09-30T23:59:00Z' }),
      ],
      [logKey({ account: A, region: 'us-east-1', delivered: '2026-10-06T10:05', suffix: 'b000000000000000' })]: [revocation],
    });
    const result = await collect({ stores: [new LocalStore(root, 'copy')], period: october, lateDays: 1, concurrency: 2 });
    expect(result.records.map((r) => r.record.eventId)).toEqual(['named']);
    expect(result.withoutName).toEqual({
      count: 2,
      examples: [
        { file: `copy/${key}`, eventId: 'n-1', eventName: null },
        { file: `copy/${key}`, eventId: 'n-2', eventName: null },
      ],
    });
    // Not counted twice: one without a name and a time is among those without a name only.
    expect(result.withoutTime.count).toBe(0);
  });

  it('are counted from a query (Athena) too', async () => {
    const root = writeTree({ [key]: [record({ eventID: 'named' })] });
    const file: LogObjectRef = { key: 'row', source: 'athena://db.t', accountId: A, region: 'us-east-1', deliveryDay: null, organizationId: null };
    const extra = { records: [{ record: normalizeRecord(revocation)!, file }], delivered: [] };
    const result = await collect({ stores: [new LocalStore(root, 'copy')], period: october, lateDays: 1, concurrency: 2, extra });
    expect(result.withoutName.examples).toEqual([{ file: 'athena://db.t/row', eventId: 'n-1', eventName: null }]);
  });

  it('an object with neither a name nor an event source is no record', () => {
    expect(normalizeRecord({ eventID: 'x', eventTime: '2026-10-05T10:00:00Z' })).toBeNull();
    expect(normalizeRecord(revocation)).toMatchObject({ eventId: 'n-1', eventName: null, eventSource: 'iot.amazonaws.com' });
  });

  it('are in the header and the Coverage section, with where they are (HTML and PDF)', async () => {
    const model = sampleModel();
    model.coverage.iotRecordsWithoutName = { count: 1, examples: [{ file: './copy/a.json.gz', eventId: 'n-1', eventName: null }] };
    const view = buildView(model, { media: 'screen', paper: 'a4', dataFiles: [] });
    expect(view.header.completeness).toContainEqual({ label: 'IoT records without an event name', value: '1, in no event (see Coverage)', warn: true });
    expect(view.coverage.withoutName?.note).toBe(
      '1 IoT record of the log files read has no event name, which CloudTrail always writes (the record is damaged or altered): no event can say what it did, ' +
        'so no other part of this report counts it. It is in:',
    );
    for (const media of ['screen', 'pdf'] as const) {
      const coverage = parse(await htmlText(model, { media, paper: 'a4', dataFiles: [] })).querySelector('#coverage')!;
      expect(coverage.querySelectorAll('h3').map((h) => h.text), media).toContain('IoT records without an event name');
      expect(coverage.text).toContain('./copy/a.json.gz');
    }
  });

  it('are on the Markdown summary\'s coverage line', () => {
    const model = sampleModel();
    model.coverage.iotRecordsWithoutName = { count: 2, examples: [] };
    expect(renderMarkdown(model)).toContain('**2 IoT records without an event name, in no event**');
  });
});
