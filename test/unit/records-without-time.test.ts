import { parse } from 'node-html-parser';
import { describe, expect, it } from 'vitest';
import { collect, RecordsWithoutTimeSeen } from '../../src/collect/run.js';
import { resolvePeriod } from '../../src/collect/period.js';
import { inPlaces } from '../../src/iot/events.js';
import { normalizeRecord } from '../../src/cloudtrail/normalize.js';
import { htmlText } from '../../src/render/html.js';
import { renderMarkdown } from '../../src/render/md.js';
import { buildView } from '../../src/render/view.js';
import type { ReportModel } from '../../src/report/model.js';
import { LocalStore } from '../../src/sources/local.js';
import type { LogObjectRef } from '../../src/types.js';
import { reportModel } from '../helpers/events.js';
import { sampleModel } from '../helpers/sample-model.js';
import { logKey, record, writeTree } from '../helpers/trail-tree.js';

const A = '111122223333';
const B = '444455556666';
const october = resolvePeriod({ period: '2026-10', tz: 'UTC' }, new Date('2026-11-24T00:00:00Z'));

/** A record with no `eventTime` at all (the IoT guide's shape may have no `timestamp` either). */
function timeless(overrides: Record<string, unknown>): Record<string, unknown> {
  const { eventTime: _t, ...rest } = record(overrides);
  return rest;
}

describe('IoT records without a usable event time (collect)', () => {
  const key = (delivered: string, suffix: string) => logKey({ account: A, region: 'us-east-1', delivered, suffix });
  const tree = () =>
    writeTree({
      [key('2026-10-05T10:05', 'a000000000000000')]: [
        record({ eventID: 'in-period' }),
        timeless({ eventID: 't-1', eventName: 'DeleteCertificate' }),
        record({ eventID: 't-2', eventName: 'UpdateCertificate', eventTime: '' }),
        record({ eventID: 't-3', eventTime: null }),
        // Not IoT: never counted, whatever its time.
        timeless({ eventID: 'iam', eventSource: 'iam.amazonaws.com', eventName: 'CreatePolicy' }),
      ],
      // The same event delivered again: one record.
      [key('2026-10-06T10:05', 'b000000000000000')]: [timeless({ eventID: 't-1', eventName: 'DeleteCertificate' })],
      // Another account's, left out by --account.
      [logKey({ account: B, region: 'us-east-1', delivered: '2026-10-05T10:05' })]: [timeless({ eventID: 't-b', recipientAccountId: B })],
    });

  it('counts them once each, names where they are, and keeps them out of the period', async () => {
    const result = await collect({ stores: [new LocalStore(tree(), 'copy')], period: october, lateDays: 1, concurrency: 3 });
    expect(result.records.map((r) => r.record.eventId)).toEqual(['in-period']);
    expect(result.withoutTime.count).toBe(4);
    expect(result.withoutTime.count).toBe(4);
    const first = `copy/${key('2026-10-05T10:05', 'a000000000000000')}`;
    // Sorted by file then id; t-1's example is its copy in the first file.
    expect(result.withoutTime.examples).toEqual([
      { file: first, eventId: 't-1', eventName: 'DeleteCertificate' },
      { file: first, eventId: 't-2', eventName: 'UpdateCertificate' },
      { file: first, eventId: 't-3', eventName: 'CreateThing' },
      { file: `copy/${logKey({ account: B, region: 'us-east-1', delivered: '2026-10-05T10:05' })}`, eventId: 't-b', eventName: 'CreateThing' },
    ]);
  });

  it('counts only the accounts and regions asked for, by the records as events are kept (the file of B is read)', async () => {
    const result = await collect({ stores: [new LocalStore(tree(), 'copy')], period: october, lateDays: 1, concurrency: 3, keep: inPlaces([A], []) });
    expect(result.withoutTime.count).toBe(3);
    expect(result.withoutTime.examples.map((e) => e.eventId)).toEqual(['t-1', 't-2', 't-3']);
  });

  it('counts records of a query (Athena) too', async () => {
    const file: LogObjectRef = { key: 'row', source: 'athena://db.t', accountId: A, region: 'us-east-1', deliveryDay: null, organizationId: null };
    const extra = { records: [{ record: normalizeRecord(timeless({ eventID: 'q-1' }))!, file }], delivered: [] };
    const result = await collect({ stores: [new LocalStore(tree(), 'copy')], period: october, lateDays: 1, concurrency: 3, extra });
    expect(result.withoutTime.count).toBe(5);
    expect(result.withoutTime.examples[0]).toEqual({ file: 'athena://db.t/row', eventId: 'q-1', eventName: 'CreateThing' });
  });

  it('keeps 20 examples, the same whatever order the files are read in', () => {
    const offers = Array.from({ length: 60 }, (_, i) => ({
      record: normalizeRecord(timeless({ eventID: `e${String(i % 30).padStart(2, '0')}` }))!,
      file: { key: `f${String((i * 7) % 13).padStart(2, '0')}.json`, source: 's', accountId: A, region: 'us-east-1', deliveryDay: null, organizationId: null },
    }));
    const seen = (order: typeof offers) => {
      const s = new RecordsWithoutTimeSeen();
      for (const o of order) s.offer(o);
      return s.result();
    };
    const forward = seen(offers);
    expect(forward.count).toBe(30);
    expect(forward.examples).toHaveLength(20);
    expect(seen([...offers].reverse())).toEqual(forward);
    expect(seen([...offers.slice(31), ...offers.slice(0, 31)])).toEqual(forward);
    // Each id once, at its smallest file, the list sorted by file then id.
    const ids = forward.examples.map((e) => e.eventId);
    expect(new Set(ids).size).toBe(20);
    const keys = forward.examples.map((e) => `${e.file}\u0000${e.eventId}`);
    expect(keys).toEqual([...keys].sort());
    for (const e of forward.examples) {
      const smallest = offers.filter((o) => o.record.eventId === e.eventId).map((o) => `s/${o.file.key}`).sort()[0];
      expect(e.file).toBe(smallest);
    }
  });
});

describe('IoT records without a usable event time (renderers)', () => {
  const withSome = (model: ReportModel, count: number): ReportModel => {
    model.coverage.iotRecordsWithoutTime = {
      count,
      examples: [
        { file: './copy/AWSLogs/111122223333/CloudTrail/us-east-1/2026/10/05/a.json.gz', eventId: 'e-notime', eventName: 'DeleteCertificate' },
        { file: './copy/AWSLogs/111122223333/CloudTrail/us-east-1/2026/10/05/a.json.gz', eventId: null, eventName: null },
      ],
    };
    return model;
  };

  it('warns in the header and lists examples in the coverage section', () => {
    const view = buildView(withSome(sampleModel(), 3), { media: 'screen', paper: 'a4', dataFiles: [] });
    expect(view.header.completeness).toContainEqual({ label: 'IoT records without a usable time', value: '3, in no period (see Coverage)', warn: true });
    expect(view.coverage.counts).toContainEqual({ label: 'IoT records without a usable time (in no period)', value: '3' });
    expect(view.coverage.withoutTime?.note).toBe(
      '3 IoT records of the log files read have no usable event time (none, or one that is not an ISO-8601 time): they could not be placed in any period, ' +
        'so no other part of this report counts them. The first 2 by log file:',
    );
    expect(view.coverage.withoutTime?.examples.chunks.flatMap((c) => c.rows)).toEqual([
      { file: './copy/AWSLogs/111122223333/CloudTrail/us-east-1/2026/10/05/a.json.gz', eventId: 'e-notime', eventName: 'DeleteCertificate' },
      { file: './copy/AWSLogs/111122223333/CloudTrail/us-east-1/2026/10/05/a.json.gz', eventId: '—', eventName: '—' },
    ]);
  });

  it('says nothing of them in the header when there are none', () => {
    const view = buildView(sampleModel(), { media: 'pdf', paper: 'a4', dataFiles: [] });
    expect(view.header.completeness.map((c) => c.label)).not.toContain('IoT records without a usable time');
    expect(view.coverage.withoutTime).toBeNull();
    expect(view.coverage.counts).toContainEqual({ label: 'IoT records without a usable time (in no period)', value: '0' });
  });

  it('renders them in the HTML (and so the PDF) coverage section', async () => {
    for (const media of ['screen', 'pdf'] as const) {
      const root = parse(await htmlText(withSome(sampleModel(), 2), { media, paper: 'a4', dataFiles: [] }));
      const coverage = root.querySelector('#coverage')!;
      const heading = coverage.querySelectorAll('h3').find((h) => h.text === 'IoT records without a usable time');
      expect(heading, media).toBeDefined();
      expect(coverage.querySelector('p.warn-box')?.text).toContain('2 IoT records of the log files read have no usable event time');
      const table = coverage.querySelectorAll('table').at(-1)!;
      expect(table.querySelectorAll('th').map((th) => th.text)).toEqual(['Log file', 'Event ID', 'Event name']);
      expect(table.querySelectorAll('tbody tr').map((tr) => tr.querySelectorAll('td')[1].text)).toEqual(['e-notime', '—']);
      const header = root.querySelector('header.doc-header')!;
      const warned = header.querySelectorAll('dd.warn').map((dd) => dd.text);
      expect(warned).toContain('2, in no period (see Coverage)');
    }
    const none = parse(await htmlText(sampleModel(), { media: 'screen', paper: 'a4', dataFiles: [] }));
    expect(none.querySelectorAll('#coverage h3').map((h) => h.text)).not.toContain('IoT records without a usable time');
  });

  it('counts them in the Markdown summary', () => {
    const model = withSome(reportModel(), 1);
    model.coverage.filesRead = 12;
    expect(renderMarkdown(model)).toContain('**Coverage:** 12 log files read, none unreadable, 1 account, **1 IoT record without a usable time, in no period**');
    expect(renderMarkdown(reportModel())).not.toContain('without a usable time');
  });
});
