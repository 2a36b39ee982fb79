/**
 * The PDF appendix note says exactly which events are listed, and an event id in the findings
 * is a link only to a row of the appendix (2026-11-26 review: 336 users each creating, revoking and
 * reactivating a certificate over 28 days, 572 findings; the note said "Listed: those the
 * findings link to, then the earliest" while 276 event ids of the findings were not listed and
 * 40 rows were events no finding links to).
 */
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/config/load.js';
import { evaluateFindings } from '../../src/analysis/findings.js';
import { normalizeRecord } from '../../src/cloudtrail/normalize.js';
import type { RenderContext } from '../../src/render/context.js';
import { buildView } from '../../src/render/view.js';
import type { ReportModel, SourcedRecord } from '../../src/types.js';
import { buildOctober, collectedOf } from '../helpers/build-from-records.js';
import { record } from '../helpers/trail-tree.js';

const PDF: RenderContext = { media: 'pdf', paper: 'a4', dataFiles: ['iot-audit-2026-10.csv', 'iot-audit-2026-10.json'] };
const rowsOf = <R>(t: { chunks: { rows: R[] }[] }): R[] => t.chunks.flatMap((c) => c.rows);

/** The reviewer's tree: each day of 28, 12 users each create a certificate, revoke it and make it active again. */
function reactivations(): ReportModel {
  const file = { key: 'k', source: 'src', accountId: null, region: null, deliveryDay: '2026-10-05', organizationId: null };
  const records: SourcedRecord[] = [];
  let k = 0;
  for (let d = 1; d <= 28; d++) {
    for (let i = 0; i < 12; i++) {
      k++;
      const id = k.toString(16).padStart(64, 'c');
      const userIdentity = { type: 'IAMUser', arn: `arn:aws:iam::111122223333:user/u${k}`, accountId: '111122223333', userName: `u${k}` };
      const at = (minute: string) => `2026-10-${String(d).padStart(2, '0')}T${String(i + 1).padStart(2, '0')}:${minute}:00Z`;
      const add = (eventID: string, eventTime: string, eventName: string, requestParameters: object, responseElements: object | null = null) =>
        records.push({ record: normalizeRecord(record({ eventID, eventTime, eventName, userIdentity, requestParameters, responseElements }))!, file });
      add(`c-${k}`, at('00'), 'CreateKeysAndCertificate', { setAsActive: true }, { certificateArn: `arn:aws:iot:us-east-1:111122223333:cert/${id}`, certificateId: id });
      add(`r-${k}`, at('10'), 'UpdateCertificate', { certificateId: id, newStatus: 'REVOKED' });
      add(`a-${k}`, at('20'), 'UpdateCertificate', { certificateId: id, newStatus: 'ACTIVE' });
    }
  }
  const model = buildOctober(collectedOf(records));
  model.findings = evaluateFindings({ ...model, config: defaultConfig(), now: model.generatedAt }).findings;
  return model;
}

describe('the PDF appendix and the event ids of the findings', () => {
  it('says how many of the events of the findings it lists, and links exactly those', () => {
    const model = reactivations();
    expect([model.events.length, model.findings.length]).toEqual([1008, 572]);
    const v = buildView(model, PDF);
    const anchors = new Map(rowsOf(v.appendix.table).map((r) => [r.eventId, `#${r.anchor}`]));
    expect(anchors.size).toBe(600);
    // The findings the PDF shows (500 of 572), each with its 2 or 3 events.
    const findings = [...rowsOf(v.findings.open), ...rowsOf(v.findings.minor), ...rowsOf(v.findings.suppressed)];
    expect(findings).toHaveLength(500);
    const shown = findings.flatMap((f) => f.events.items);
    const ofFindings = new Set(shown.map((l) => l.text));
    const listed = [...ofFindings].filter((id) => anchors.has(id));
    expect([ofFindings.size, listed.length]).toEqual([836, 560]);
    expect(v.appendix.note).toBe(
      'This PDF lists 600 of 1,008 events. ' +
        "Listed: the events of the findings (each finding's first 10, in the order the findings are shown, in at most 450 rows), then the earliest other events. " +
        // The PDF shows 500 of the 572 findings: the events counted are those of the 500.
        '560 of the 836 events of the findings shown are listed: the ids of the other 276 have no link in the findings. ' +
        'Not listed here: 408 events. Every event is in iot-audit-2026-10.csv / .json.',
    );
    // An id is a link exactly when its row is in the appendix, and the link goes to that row.
    for (const l of shown) expect([l.text, l.href]).toEqual([l.text, anchors.get(l.text) ?? null]);
  });
});
