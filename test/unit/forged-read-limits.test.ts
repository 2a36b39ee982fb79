/**
 * What one log file's records may cost, whatever is forged in them (2026-11-26 review, end to end):
 * - JSON held as text (records in LookupEvents' `CloudTrailEvent`, an export's `eventJson`, values
 *   held as text) was held only record by record: 80 records of 249,999 objects each in a 60 MB
 *   page took 5 s and 423 MB; 400 in a compact file (1.6 MB gzipped), 30 s and 620 MB.
 * - Each value kept 10,000 objects and arrays: 199 records of 9,991 each, a 34 KB file, took the
 *   main thread ~100 MB; 24 such files, 2.46 GB and 55 s.
 * - A string was kept whatever its length: a 100 MB value made a 210 MB JSON and a 105 MB HTML.
 */
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { parseLogFast } from '../../src/collect/parse-fast.js';
import { iotRecordsOf, parseLogBytes } from '../../src/collect/parse-log.js';
import { parseLogWindows } from '../../src/collect/parse-windows.js';
import {
  KEPT_PER_RECORD,
  MAX_KEPT_CONTAINERS,
  MAX_RECORD_CONTAINERS,
  MAX_PARSE_CONTAINERS,
  ReadBudget,
  CHARS_PER_CONTAINER,
  TEXT_OVER_LIMITS_REASON,
  TOO_WIDE,
  TOO_WIDE_FOR_FILE,
  jsonContainers,
  normalizeRecord,
} from '../../src/cloudtrail/normalize.js';
import { MAX_KEPT_CHARS, cutTextLength, keptText } from '../../src/kept-text.js';
import { policyDocumentOfEvent } from '../../src/analysis/rules/support/policy-document.js';
import { buildView } from '../../src/render/view.js';
import { clipVisible } from '../../src/render/format.js';
import type { CloudTrailRecord, JsonValue, ParsedLog } from '../../src/types.js';
import { iotEvent } from '../helpers/events.js';
import { sampleModel } from '../helpers/sample-model.js';
import { record } from '../helpers/trail-tree.js';

const iotText = (i: number, more = '') => JSON.stringify(record({ eventID: `t-${i}`, eventTime: '2026-10-05T10:00:00Z' })).replace(/}$/, `${more}}`);
const emptyArrays = (n: number) => `[${'[],'.repeat(n - 1)}[]]`;

/** Every way a log file is read: whole, fast, and in windows. */
async function everyRead(text: string): Promise<ParsedLog[]> {
  const bytes = Buffer.from(text);
  const windows = await parseLogWindows(gzipSync(bytes), { window: 64 << 10 });
  expect(windows).not.toBeNull();
  return [parseLogBytes(bytes), parseLogFast(bytes), parseLogFast(gzipSync(bytes)), windows!];
}

/** The objects and arrays of a value. */
function containers(value: unknown): number {
  if (value === null || typeof value !== 'object') return 0;
  let n = 1;
  for (const v of Array.isArray(value) ? value : Object.values(value)) n += containers(v);
  return n;
}

describe('JSON held as text in one log file', () => {
  it('holds 2 million objects and arrays at most together, past one for each 16 characters of each text: past it, the file is refused, named for it', async () => {
    // Records held as text, each under one record's limit (249,990 empty arrays in 750 KB: ~203,000
    // past one for each 16 characters), 2 million together past that.
    const inner = (i: number) => iotText(i, `,"additionalEventData":{"x":${emptyArrays(MAX_RECORD_CONTAINERS - 10)}}`);
    const charged = (jsonContainers(inner(0), 1e6, 1e6) as number) - Math.floor(inner(0).length / CHARS_PER_CONTAINER);
    const refused = Math.floor(MAX_PARSE_CONTAINERS / charged) + 1;
    expect(refused).toBe(10);
    const page = JSON.stringify({ Events: Array.from({ length: refused }, (_, i) => ({ EventId: `e${i}`, CloudTrailEvent: inner(i) })) });
    expect(parseLogBytes(Buffer.from(page))).toMatchObject({ records: [], error: TEXT_OVER_LIMITS_REASON });
    // In a compact file too, read fast or in windows (it was read, every text parsed).
    const compact = JSON.stringify({ Records: Array.from({ length: refused }, (_, i) => ({ eventjson: inner(i) })) });
    for (const parsed of await everyRead(compact)) expect(parsed).toMatchObject({ records: [], error: TEXT_OVER_LIMITS_REASON });
    // One fewer is read.
    const fewer = JSON.stringify({ Events: Array.from({ length: refused - 1 }, (_, i) => ({ EventId: `e${i}`, CloudTrailEvent: inner(i) })) });
    expect(parseLogBytes(Buffer.from(fewer))).toMatchObject({ error: null, recordCount: refused - 1 });
    expect(TEXT_OVER_LIMITS_REASON).toBe(
      'holds more than 2,000,000 objects and arrays in JSON held as text (records or values), past one for each 16 characters of that text: not read (no CloudTrail log holds so many in so little)',
    );
  });

  it('charges nothing for records of CloudTrail\'s density: an export of any number of events is read, a forged one still refused', async () => {
    // A LookupEvents export whose records hold a few objects each (scaled: a budget of 100 for the
    // file). Every record was charged all it held: 2 million for the file refused an export of
    // ~200,000 events (420,000 events, 607 MB, were "forged").
    const event = (i: number) => ({ EventId: `e${i}`, CloudTrailEvent: iotText(i, `,"requestParameters":{"policyName":"p-${i}","tags":[{"k":"v"}]}`) });
    const events = Array.from({ length: 500 }, (_, i) => event(i));
    const budgetOf = (text: number) => Object.assign(new ReadBudget(), { text });
    expect(normalizeRecord(events[0], 'throw', budgetOf(5))).not.toBeNull();
    expect(iotRecordsOf(events, [], budgetOf(100))).toHaveLength(500);
    // Records past one for each 16 characters are charged what they hold past it: refused at the budget.
    const forged = (i: number) => ({ EventId: `f${i}`, CloudTrailEvent: iotText(i, `,"additionalEventData":{"x":${emptyArrays(1000)}}`) });
    const past = (jsonContainers(forged(0).CloudTrailEvent, 1e6, 1e6) as number) - Math.floor(forged(0).CloudTrailEvent.length / CHARS_PER_CONTAINER);
    expect(past).toBeGreaterThan(700);
    const budget = budgetOf(5 * past);
    expect(() => iotRecordsOf([...events.slice(0, 100), ...Array.from({ length: 6 }, (_, i) => forged(i))], [], budget)).toThrow(TEXT_OVER_LIMITS_REASON);
  });
});

describe('what the records of one log file keep', () => {
  it(`keep ${MAX_KEPT_CONTAINERS.toLocaleString('en-US')} objects and arrays, and ${KEPT_PER_RECORD} more a record, read any way`, async () => {
    const n = 40;
    const text = `{"Records":[${Array.from({ length: n }, (_, i) => iotText(i, `,"responseElements":{"x":${emptyArrays(9_000)}}`)).join(',')}]}`;
    for (const parsed of await everyRead(text)) {
      expect(parsed.error).toBeNull();
      expect(parsed.records).toHaveLength(n);
      const kept = parsed.records.reduce((sum, r) => sum + containers(r.responseElements), 0);
      // Each record kept 9,001 before (360,040 in all).
      expect(kept).toBeLessThanOrEqual(MAX_KEPT_CONTAINERS + n * KEPT_PER_RECORD);
      expect(parsed.records[0]!.responseElements).toStrictEqual({ x: JSON.parse(emptyArrays(9_000)) as JsonValue });
      expect(JSON.stringify(parsed.records[n - 1]!.responseElements)).toContain(TOO_WIDE_FOR_FILE);
    }
    // Records of other services give back what they took: an IoT record after them keeps its value whole.
    const after = `{"Records":[${Array.from({ length: 5 }, (_, i) => JSON.stringify(record({ eventID: `s3-${i}`, eventSource: 's3.amazonaws.com', requestParameters: { x: JSON.parse(emptyArrays(9_000)) as JsonValue } }))).join(',')},${iotText(9, `,"responseElements":{"x":${emptyArrays(9_000)}}`)}]}`;
    for (const parsed of await everyRead(after)) expect(containers(parsed.records[0]!.responseElements)).toBe(9_002);
    // One record alone keeps a value of 10,000, as it did.
    const alone = normalizeRecord(JSON.parse(iotText(1, `,"responseElements":{"x":${emptyArrays(20_000)}}`)) as unknown);
    expect(JSON.stringify(alone!.responseElements)).toContain(TOO_WIDE);
  });
});

describe('a string longer than any CloudTrail value', () => {
  const long = (c: string) => c.repeat(MAX_KEPT_CHARS + 1_000_000);

  it('is kept cut when read, with the length it had, on every path', async () => {
    const text = JSON.stringify({
      Records: [record({ eventID: 'big', eventTime: '2026-10-05T10:00:00Z', userAgent: long('u'), requestParameters: { policyName: 'p', policyDocument: long('d') } })],
    });
    for (const parsed of await everyRead(text)) {
      const r = parsed.records[0] as CloudTrailRecord;
      expect(r.userAgent).toBe(`${'u'.repeat(MAX_KEPT_CHARS)}… [1,262,144 characters in all: the rest left out when read]`);
      expect(cutTextLength(r.userAgent!)).toBe(MAX_KEPT_CHARS + 1_000_000);
      expect(cutTextLength((r.requestParameters as { policyDocument: string }).policyDocument)).toBe(MAX_KEPT_CHARS + 1_000_000);
    }
    // A value as long as CloudTrail allows is kept whole; a pair of surrogates is never split.
    expect(keptText('x'.repeat(MAX_KEPT_CHARS))).toHaveLength(MAX_KEPT_CHARS);
    expect(keptText(`${'x'.repeat(MAX_KEPT_CHARS - 1)}😀${'x'.repeat(10)}`)).toMatch(new RegExp(`^x{${MAX_KEPT_CHARS - 1}}… \\[`));
  });

  it('is still told apart whole in the identity of a record without eventID: records differing past the cut stay two events', async () => {
    const noId = (tail: string, where: 'userAgent' | 'identity' | 'text') => {
      const value = `${'u'.repeat(MAX_KEPT_CHARS + 10)}${tail}`;
      const raw = record({ eventTime: '2026-10-05T10:00:00Z', requestParameters: { policyName: 'p' } }) as Record<string, unknown>;
      delete raw.eventID;
      if (where === 'userAgent') raw.userAgent = value;
      else if (where === 'identity') raw.userIdentity = { ...(raw.userIdentity as object), sessionContext: { note: value } };
      else raw.requestParameters = JSON.stringify({ policyName: 'p', note: value });
      return raw;
    };
    for (const where of ['userAgent', 'identity', 'text'] as const) {
      const [a, b, a2] = [noId('a', where), noId('b', where), noId('a', where)].map((raw) => normalizeRecord(raw, 'throw'));
      expect(a!.eventId).toBeNull();
      expect(a!.contentId).not.toBe(b!.contentId);
      expect(a!.contentId).toBe(a2!.contentId);
    }
    // Read from a log file: two events (they were one).
    const text = JSON.stringify({ Records: [noId('a', 'userAgent'), noId('b', 'userAgent')] });
    for (const parsed of await everyRead(text)) expect(new Set(parsed.records.map((r) => r.contentId)).size).toBe(2);
  });

  it('is shown cut in the PDF, saying how long it was in the log; whole as kept in the HTML; its length in a policy finding', () => {
    const ua = keptText(long('u'));
    expect(clipVisible(ua, 160)).toBe(`${'u'.repeat(160)}… (1,261,984 more characters)`);
    // A value that only looks cut is counted as it is.
    const lookalike = `${'u'.repeat(300)}… [9,999,999 characters in all: the rest left out when read]`;
    expect(clipVisible(lookalike, 160)).toBe(`${'u'.repeat(160)}… (${(lookalike.length - 160).toLocaleString('en-US')} more characters)`);
    const model = sampleModel({ events: 60 });
    for (const e of model.events) e.userAgent = ua;
    const pdf = JSON.stringify(buildView(model, { media: 'pdf', paper: 'a4' }));
    expect(pdf).toContain('… (1,261,984 more characters)');
    expect(pdf).not.toContain('u'.repeat(1000));
    const screen = JSON.stringify(buildView(model, { media: 'screen', paper: 'a4' }));
    expect(screen).toContain('… [1,262,144 characters in all: the rest left out when read]');
    // The rules say the document's length in the log, not the length kept.
    const event = iotEvent({ eventName: 'CreatePolicy', requestParameters: { policyName: 'p', policyDocument: keptText(`{"Statement":[${' '.repeat(MAX_KEPT_CHARS)}]}`) } });
    expect(policyDocumentOfEvent(event)).toStrictEqual({ status: 'invalid', reason: `the document is ${MAX_KEPT_CHARS + 16} characters long` });
  });
});
