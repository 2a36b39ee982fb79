import { describe, expect, it } from 'vitest';
import { renderEventsCsv, renderFindingsCsv } from '../../src/render/csv.js';
import type { IotEvent } from '../../src/types.js';
import { sampleModel } from '../helpers/sample-model.js';
import { finding, reportModel } from '../helpers/events.js';

/** RFC 4180 records, read back the way a spreadsheet reads them (quoted fields may hold `,`, `"` and line breaks). */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      record.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      i++;
    } else field += c;
  }
  expect(field === '' && record.length === 0 && !quoted, 'the text ends with a whole record').toBe(true);
  return records;
}

/** A spreadsheet shows `'` before a value that would start a formula; the value is the rest. */
const unguard = (cell: string) => (/^'[=+\-@\t\r]/.test(cell) ? cell.slice(1) : cell);

describe('the events CSV', () => {
  it('has a header and one record per event, every value read back as logged (hostile ones too)', async () => {
    const model = sampleModel({ events: 300, hostile: true });
    const [header, ...rows] = parseCsv([...(await renderEventsCsv(model))].join(''));
    expect(rows).toHaveLength(model.events.length);
    const column = (name: string) => header!.indexOf(name);
    rows.forEach((row, i) => {
      const e = model.events[i] as IotEvent;
      expect(row).toHaveLength(header!.length);
      expect(row[column('eventId')]).toBe(e.eventId);
      expect(unguard(row[column('eventName')]!)).toBe(e.eventName);
      expect(unguard(row[column('userAgent')]!)).toBe(e.userAgent ?? '');
      expect(unguard(row[column('actorArn')]!)).toBe(e.actor.arn ?? '');
      expect(unguard(row[column('sourceFile')]!)).toBe(e.sourceFile);
      expect(row[column('requestParameters')]).toBe(e.requestParameters === null ? '' : JSON.stringify(e.requestParameters));
    });
    // The hostile strings are in it, and none breaks a record apart.
    expect(rows.some((row) => row.some((cell) => cell.includes('<script>')))).toBe(true);
  });

  it('writes a lone surrogate as [U+D800], not as the U+FFFD every one became (two values read the same)', async () => {
    const model = sampleModel({ events: 2 });
    const [a, b] = model.events as IotEvent[];
    a!.userAgent = 'lone\ud800high';
    b!.userAgent = 'lone\udc00high';
    // A pair stays the character it is.
    a!.errorMessage = 'smile \u{1F600}';
    const bytes = Buffer.from([...(await renderEventsCsv(model))].join(''), 'utf8');
    const [header, ...rows] = parseCsv(bytes.toString('utf8'));
    const agent = header!.indexOf('userAgent');
    expect(rows.slice(0, 2).map((row) => row[agent])).toEqual(['lone[U+D800]high', 'lone[U+DC00]high']);
    expect(rows[0]![header!.indexOf('errorMessage')]).toBe('smile \u{1F600}');
    expect(bytes.includes(Buffer.from('\uFFFD', 'utf8'))).toBe(false);
  });

  it('is written row by row: no piece holds more than one record, so a month of events is never one string', async () => {
    const model = sampleModel({ events: 2_000 });
    const pieces = await renderEventsCsv(model);
    expect(typeof pieces).not.toBe('string');
    let count = 0;
    for (const piece of pieces) {
      expect(parseCsv(piece)).toHaveLength(1);
      count++;
    }
    expect(count).toBe(model.events.length + 1);
  });
});

describe('the findings CSV', () => {
  it('has one record per finding, streamed like the events', async () => {
    const model = sampleModel({ events: 300, hostile: true });
    const pieces = [...(await renderFindingsCsv(model))];
    expect(model.findings.length).toBeGreaterThan(0);
    expect(pieces).toHaveLength(model.findings.length + 1);
    const [header, ...rows] = parseCsv(pieces.join(''));
    expect(rows.map((r) => r[header!.indexOf('id')])).toEqual(model.findings.map((f) => f.id));
    expect(rows.map((r) => unguard(r[header!.indexOf('evidence')]!))).toEqual(model.findings.map((f) => f.evidence ?? ''));
  });

  it('names a suppression reason only for a suppressed finding; an expired suppression is a note in its own column (2026-11-26 review)', async () => {
    const model = reportModel({
      findings: [
        finding({ id: 'muted', suppressed: true, suppressionReason: 'accepted in CHG-1' }),
        finding({ id: 'open', suppressionNote: 'suppression expired on 2026-10-15, not applied (accepted until mid-month)' }),
        finding({ id: 'plain' }),
      ],
    });
    const [header, ...rows] = parseCsv([...(await renderFindingsCsv(model))].join(''));
    expect(header).toEqual([
      'id', 'ruleId', 'severity', 'title', 'accountId', 'accountName', 'region', 'resource', 'time', 'eventIds',
      'suppressed', 'suppressionReason', 'suppressionNote', 'description', 'evidence',
    ]);
    const column = (name: string) => rows.map((r) => r[header!.indexOf(name)]);
    expect(column('suppressed')).toEqual(['true', 'false', 'false']);
    // A filter on a non-empty suppressionReason finds the suppressed findings, and only them.
    expect(column('suppressionReason')).toEqual(['accepted in CHG-1', '', '']);
    expect(column('suppressionNote')).toEqual(['', 'suppression expired on 2026-10-15, not applied (accepted until mid-month)', '']);
  });
});
