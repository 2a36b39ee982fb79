/**
 * The PDF appendix note counts the events of the findings whole, not only each finding's first
 * `cellItems` (auditor's review: "All 87 events of the findings are listed." while the findings
 * cite 95 distinct events; 87 was the union of each finding's first 10), and says what it leaves
 * out and where every finding's events are.
 */
import { describe, expect, it } from 'vitest';
import type { RenderContext } from '../../src/render/context.js';
import { buildView } from '../../src/render/view.js';
import type { IotEvent } from '../../src/report/model.js';
import { actors, finding, iotEvent, reportModel, resetEventIds } from '../helpers/events.js';

const PDF: RenderContext = { media: 'pdf', paper: 'a4', dataFiles: ['iot-audit-2026-10.csv', 'iot-audit-2026-10.json'] };
const rowsOf = <R>(t: { chunks: { rows: R[] }[] }): R[] => t.chunks.flatMap((c) => c.rows);
const START = Date.parse('2026-10-05T10:00:00Z');
const at = (minute: number) => new Date(START + minute * 60_000).toISOString().replace('.000Z', 'Z');

/** 12 UpdateCertificate calls by one role (a repetitive group at `groupMin` 5), then 2 calls by others. */
function events(): IotEvent[] {
  resetEventIds();
  const grouped = Array.from({ length: 12 }, (_, i) => iotEvent({ eventTime: at(i) }));
  const others = [
    iotEvent({ eventTime: at(20), eventName: 'CreatePolicy', actor: actors.iamUser('alice') }),
    iotEvent({ eventTime: at(21), eventName: 'DeletePolicy', actor: actors.iamUser('bob') }),
  ];
  return [...grouped, ...others];
}

const ids = (list: IotEvent[]) => list.map((e) => e.eventId);
const TAIL = 'Not listed here: 2 events of the repetitive groups (counted in the summary). Every event is in iot-audit-2026-10.csv / .json.';

describe('the PDF appendix note and the events of the findings', () => {
  it('counts the events past a finding\'s first 10, says they are not listed, and where they are', () => {
    const all = events();
    const model = reportModel({ events: all, findings: [finding({ eventIds: ids(all.slice(0, 12)) })] });
    const v = buildView(model, { ...PDF, pdfCaps: { groupMin: 5 } });
    expect(rowsOf(v.appendix.table)).toHaveLength(12);
    expect(v.appendix.note).toBe(
      'This PDF lists 12 of 14 events. ' +
        "Listed: the events of the findings (each finding's first 10, in the order the findings are shown), then every other event outside the repetitive groups in the summary. " +
        "10 of the 12 events of the findings are listed: the other 2 come after a finding's first 10 (its card counts them). " +
        "Each finding's events are all named in iot-audit-2026-10.json (its eventIds). " +
        TAIL,
    );
    // The card says as much.
    expect(rowsOf(v.findings.open)[0]!.events.more).toBe('+ 2 more in iot-audit-2026-10.json');
  });

  it('counts an event past a finding\'s first 10 that is listed anyway, among the other events', () => {
    const all = events();
    // The 10 first grouped calls, then alice's: listed as an event outside the groups.
    const model = reportModel({ events: all, findings: [finding({ eventIds: ids([...all.slice(0, 10), all[12]!]) })] });
    const v = buildView(model, { ...PDF, pdfCaps: { groupMin: 5 } });
    expect(v.appendix.note).toContain(' All 11 events of the findings are listed. ');
  });

  it('tells the events there was no room for from those past a finding\'s first 10', () => {
    const all = events();
    const model = reportModel({ events: all, findings: [finding({ eventIds: ids(all.slice(0, 12)) })] });
    // 8 rows, a quarter kept for the 2 other events: 6 for the finding's.
    const v = buildView(model, { ...PDF, pdfCaps: { groupMin: 5, appendix: 8 } });
    expect(v.appendix.note).toBe(
      'This PDF lists 8 of 14 events. ' +
        "Listed: the events of the findings (each finding's first 10, in the order the findings are shown, in at most 6 rows), then every other event outside the repetitive groups in the summary. " +
        "6 of the 12 events of the findings are listed. Not listed: 4 of the findings' first 10 (no room: their ids have no link in the findings) and 2 after a finding's first 10 (its card counts them). " +
        "Each finding's events are all named in iot-audit-2026-10.json (its eventIds). " +
        'Not listed here: 6 events of the repetitive groups (counted in the summary). Every event is in iot-audit-2026-10.csv / .json.',
    );
  });

  it('counts the events of the findings shown, and says so, when the PDF leaves findings out', () => {
    const all = events();
    const model = reportModel({
      events: all,
      findings: [finding({ id: 'a', eventIds: ids(all.slice(0, 3)) }), finding({ id: 'b', severity: 'low', eventIds: ids(all.slice(3, 12)) })],
    });
    const v = buildView(model, { ...PDF, pdfCaps: { groupMin: 5, findings: 1 } });
    expect(v.appendix.note).toContain(' All 3 events of the findings shown are listed. ');
  });
});
