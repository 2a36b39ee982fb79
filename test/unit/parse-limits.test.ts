import { createGzip, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { parseLogFast } from '../../src/collect/parse-fast.js';
import { MAX_KEPT_CONTAINERS, MAX_PARSE_CONTAINERS, MAX_PARSE_DEPTH, MAX_RECORD_CONTAINERS, RecordTextOverLimits, TOO_WIDE, normalizeRecord } from '../../src/cloudtrail/normalize.js';
import { contentHashOf } from '../../src/integrity/content.js';
import { MAX_LOG_BYTES, MAX_WHOLE_FILE_TEXT, parseLogBytes } from '../../src/collect/parse-log.js';
import { record } from '../helpers/trail-tree.js';

// Forged or runaway files must not take the run down (2026-11-26 review): a 300 MB pretty-printed
// log ended it with V8's out-of-memory abort (exit 134, no report), two million nested objects in
// a 34 KB file took ~300 MB, and a 1 MB gzip bomb inflated to gigabytes.

/** `{"Records":[...]}` pretty-printed (the fast scan leaves it to the whole-file reader) to at least `bytes`. */
function prettyLog(bytes: number): Buffer {
  const one = record({ eventID: 'pad', eventSource: 's3.amazonaws.com', eventName: 'GetObject', requestParameters: { bucketName: 'b', key: 'k'.repeat(400) } });
  const iot = record({ eventID: 'iot-1', eventTime: '2026-10-05T10:00:00Z' });
  const unit = JSON.stringify(one, null, 2).length + 4;
  const records = [iot, ...Array.from({ length: Math.ceil(bytes / unit) }, () => one)];
  return Buffer.from(JSON.stringify({ Records: records }, null, 2));
}

async function gzipOfSpaces(bytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const gzip = createGzip({ level: 9 });
  gzip.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise((resolve) => gzip.on('end', resolve));
  const block = Buffer.alloc(16 << 20, 0x20);
  for (let left = bytes; left > 0; left -= block.length) gzip.write(left >= block.length ? block : block.subarray(0, left));
  gzip.end();
  await done;
  return Buffer.concat(chunks);
}

describe('files the report will not read whole', () => {
  it('names a file over 64 MB that the fast scan does not take unreadable, saying why, without parsing it', () => {
    const small = prettyLog(1 << 20);
    expect(parseLogFast(small)).toMatchObject({ error: null, records: [expect.objectContaining({ eventId: 'iot-1' })] });
    const big = prettyLog(MAX_WHOLE_FILE_TEXT + (1 << 20));
    for (const parsed of [parseLogFast(big), parseLogBytes(big)]) {
      expect(parsed.records).toEqual([]);
      expect(parsed.uncompressedBytes).toBe(big.length);
      expect(parsed.error).toMatch(/^\d\d MB uncompressed, and not a whole compact \{"Records":\[\.\.\.\]\} log as CloudTrail writes, nor JSON lines \(pretty-printed, .*\): such a file is read whole, up to 64 MB; split it, or write it compact as CloudTrail does$/);
    }
  });

  it('reads a compact CloudTrail log over 64 MB (the fast scan takes it at any size)', () => {
    const one = record({ eventID: 'pad', eventSource: 's3.amazonaws.com', eventName: 'GetObject', requestParameters: { bucketName: 'b', key: 'k'.repeat(400) } });
    const records = [record({ eventID: 'iot-1', eventTime: '2026-10-05T10:00:00Z' }), ...Array.from({ length: Math.ceil((MAX_WHOLE_FILE_TEXT + (1 << 20)) / 700) }, () => one)];
    const big = Buffer.from(JSON.stringify({ Records: records }));
    expect(big.length).toBeGreaterThan(MAX_WHOLE_FILE_TEXT);
    const parsed = parseLogFast(big);
    expect(parsed.error).toBeNull();
    expect(parsed.records.map((r) => r.eventId)).toEqual(['iot-1']);
  });

  it('names a file nested more than 100,000 levels deep unreadable; one of 90,000 levels is read, its record cut at 64', () => {
    // Written as text: a value this deep is more than JSON.stringify can walk.
    const log = (levels: number) =>
      Buffer.from(`{"Records":[${JSON.stringify(record({ eventID: 'deep', eventTime: '2026-10-05T10:00:00Z' })).replace(/}$/, `,"requestParameters":{"x":${'['.repeat(levels)}1${']'.repeat(levels)}}}`)}]}`);
    const deep = parseLogFast(log(MAX_PARSE_DEPTH + 1));
    expect(deep.records).toEqual([]);
    expect(deep.error).toBe('nested more than 100,000 levels deep: not read (no CloudTrail record nests so deep)');
    // Brackets inside strings are no nesting.
    const quoted = parseLogFast(Buffer.from(JSON.stringify({ Records: [record({ eventID: 'q', eventTime: '2026-10-05T10:00:00Z', requestParameters: { policy: '\\"['.repeat(200_000) } })] })));
    expect(quoted.error).toBeNull();
    const kept = parseLogFast(log(90_000));
    expect(kept.error).toBeNull();
    expect(JSON.stringify(kept.records[0]!.requestParameters)).toContain('nested more than 64 levels deep');
    // JSON held in a string (an export's requestParameters, LookupEvents' CloudTrailEvent) is held to it too: left unparsed.
    const text = `{"a":${'['.repeat(MAX_PARSE_DEPTH + 1)}${']'.repeat(MAX_PARSE_DEPTH + 1)}}`;
    const asString = parseLogFast(Buffer.from(JSON.stringify({ Records: [record({ eventID: 's', eventTime: '2026-10-05T10:00:00Z', requestParameters: text })] })));
    expect(asString.error).toBeNull();
    expect(asString.records[0]!.requestParameters).toBeNull();
    // LookupEvents: an IoT record in CloudTrailEvent is read; past the limit it is not parsed (and so no IoT record).
    const lookupOf = (levels: number) => {
      const inner = JSON.stringify(record({ eventID: 'lk', eventTime: '2026-10-05T10:00:00Z' })).replace(/}$/, `,"additionalEventData":{"x":${'['.repeat(levels)}1${']'.repeat(levels)}}}`);
      return Buffer.from(JSON.stringify({ Events: [{ EventId: 'lk', EventName: 'CreateThing', CloudTrailEvent: inner }] }));
    };
    expect(parseLogFast(lookupOf(MAX_PARSE_DEPTH - 2)).records.map((r) => r.eventId)).toEqual(['lk']);
    // Past it, the page is not read, for that reason (it was read as an event made of the page's own EventName, or, without one, as no CloudTrail log).
    expect(parseLogFast(lookupOf(MAX_PARSE_DEPTH + 1))).toMatchObject({ records: [], error: 'holds a record as text in "CloudTrailEvent" nested more than 100,000 levels deep: not read (no CloudTrail record nests so deep)' });
  });

  describe('a record held as text (LookupEvents\' CloudTrailEvent, an export\'s eventjson) past one record\'s limits', () => {
    const iot = (eventID: string, more = '') => JSON.stringify(record({ eventID, eventTime: '2026-10-05T10:00:00Z' })).replace(/}$/, `${more}}`);
    const deep = iot('deep', `,"padding":${'['.repeat(MAX_PARSE_DEPTH + 1)}${']'.repeat(MAX_PARSE_DEPTH + 1)}`);
    const wide = iot('wide', `,"padding":[${'[],'.repeat(MAX_RECORD_CONTAINERS)}[]]`);
    const DEEP = 'holds a record as text in "CloudTrailEvent" nested more than 100,000 levels deep: not read (no CloudTrail record nests so deep)';
    const WIDE = 'holds a record as text in "CloudTrailEvent" with more than 250,000 objects and arrays: not read (no CloudTrail record holds so many: its events are at most 256 KB)';
    // What LookupEvents gives beside the record: its own summary of it.
    const summary = { EventId: 'x', EventName: 'CreateThing', ReadOnly: 'false', EventTime: '2026-10-05T10:00:00+00:00', EventSource: 'iot.amazonaws.com', Username: 'alice' };

    it.each([
      // The page's only record: it was "not a CloudTrail log ("Events" holds no CloudTrail record: ...)".
      ['the only event of a LookupEvents page', { Events: [{ EventId: 'x', CloudTrailEvent: deep }] }, DEEP],
      ['the only event of a LookupEvents page, too wide', { Events: [{ EventId: 'x', CloudTrailEvent: wide }], NextToken: 't' }, WIDE],
      // Beside LookupEvents' summary: it was read as an IoT event made of the summary (no caller, no parameters).
      ['an event beside its summary', { Events: [{ ...summary, CloudTrailEvent: wide }] }, WIDE],
      // Beside a good event: the page was read without it, unsaid.
      ['an event beside a good one', { Events: [{ EventId: 'ok', CloudTrailEvent: iot('ok') }, { EventId: 'x', CloudTrailEvent: deep }] }, DEEP],
      ['an item of a bare array, in eventjson', [{ eventjson: wide }], WIDE.replace('CloudTrailEvent', 'eventJson')],
      ['a single wrapped record', { cloudTrailEvent: deep }, DEEP],
      // The fast scan takes this one: the wrapped text shows an IoT record, so it is parsed there.
      ['a wrapped IoT record in a compact {"Records":[...]} file', { Records: [JSON.parse(iot('ok')) as unknown, { CloudTrailEvent: deep }] }, DEEP],
    ])('names the file unreadable for the limit, on both paths: %s', (_what, value, reason) => {
      const bytes = Buffer.from(JSON.stringify(value));
      const expected = { recordCount: 0, records: [], uncompressedBytes: bytes.length, error: reason };
      expect(parseLogBytes(bytes)).toStrictEqual(expected);
      expect(parseLogFast(bytes)).toStrictEqual(expected);
      expect(parseLogFast(gzipSync(bytes))).toStrictEqual(expected);
    });

    it('names it in JSON lines too, and reads the same records under the limits', () => {
      const lines = (last: string) => Buffer.from(`${JSON.stringify({ Events: [{ EventId: 'ok', CloudTrailEvent: iot('ok') }] })}\n${JSON.stringify({ Events: [{ EventId: 'x', CloudTrailEvent: last }] })}\n`);
      expect(parseLogBytes(lines(deep))).toMatchObject({ records: [], error: DEEP });
      expect(parseLogBytes(lines(iot('also-ok')))).toMatchObject({ error: null, recordCount: 2, records: [{ eventId: 'ok' }, { eventId: 'also-ok' }] });
    });

    it("normalizeRecord throws it when asked (a log file's records), else reads the wrapper's own fields (an Athena row's columns)", () => {
      const event = { ...summary, CloudTrailEvent: deep };
      expect(() => normalizeRecord(event, 'throw')).toThrow(new RecordTextOverLimits('CloudTrailEvent', 'deep'));
      expect(() => normalizeRecord(event, 'throw')).toThrow(DEEP);
      expect(normalizeRecord({ eventSource: 'iot.amazonaws.com', eventName: 'CreateThing', eventjson: wide })).toMatchObject({ eventName: 'CreateThing' });
      // Text that is not JSON is no wrapped record, in either case.
      expect(normalizeRecord({ ...summary, CloudTrailEvent: '[[[' }, 'throw')).toMatchObject({ eventName: 'CreateThing', requestParameters: null });
    });

    it('the one difference between the paths: a compact file whose wrapped text past the limits shows no IoT record is read fast, refused plain', () => {
      const bytes = Buffer.from(JSON.stringify({ Records: [JSON.parse(iot('ok')) as unknown, { CloudTrailEvent: `${'['.repeat(MAX_PARSE_DEPTH + 1)}${']'.repeat(MAX_PARSE_DEPTH + 1)}` }] }));
      expect(parseLogFast(bytes)).toMatchObject({ error: null, recordCount: 2, records: [expect.objectContaining({ eventId: 'ok' })] });
      expect(parseLogBytes(bytes).error).toBe(DEEP);
    });
  });

  it('holds what a parse may build to 2 million objects and arrays a file, on both paths, and keeps 10,000 of a record value', () => {
    // 20 MB of empty arrays in one record ended the run (V8's out-of-memory abort in a parse worker),
    // and records just under a record's limit, many a file and many files, took the main thread to 5.4 GB.
    const wide = (n: number) => `[${'[],'.repeat(n - 1)}[]]`;
    const withValues = (values: string[]) =>
      `{"Records":[${values.map((v, i) => JSON.stringify(record({ eventID: `w${i}`, eventTime: '2026-10-05T10:00:00Z' })).replace(/}$/, `,"responseElements":{"x":${v}}}`)).join(',')}]}`;
    // One wide record: read, its value cut where it passes what a value keeps.
    for (const parsed of [parseLogFast(Buffer.from(withValues([wide(300_000)]))), parseLogBytes(Buffer.from(withValues([wide(300_000)])))]) {
      expect(parsed.error).toBeNull();
      const kept = JSON.stringify(parsed.records[0]!.responseElements);
      expect(kept).toContain(TOO_WIDE);
      expect(kept.split('[]').length - 1).toBeLessThan(MAX_KEPT_CONTAINERS);
    }
    // Records that together pass a file's budget: the same reason on both paths.
    const many = Buffer.from(withValues(Array.from({ length: 9 }, () => wide(249_990))));
    for (const parsed of [parseLogFast(many), parseLogBytes(many)]) {
      expect(parsed.records).toEqual([]);
      expect(parsed.error).toBe('holds more than 2,000,000 objects and arrays: not read (no CloudTrail log holds so many in so little)');
    }
    expect(MAX_PARSE_CONTAINERS).toBe(2_000_000);
    // Over 64 MB too: named for what it holds (it was called "not compact").
    const pad = JSON.stringify(record({ eventID: 'pad', eventSource: 's3.amazonaws.com', eventName: 'GetObject', requestParameters: { bucketName: 'b', key: 'k'.repeat(400) } }));
    const bigMany = Buffer.from(withValues(Array.from({ length: 9 }, () => wide(249_990))).replace(/]}$/, `,${Array.from({ length: Math.ceil(MAX_WHOLE_FILE_TEXT / pad.length) }, () => pad).join(',')}]}`));
    expect(bigMany.length).toBeGreaterThan(MAX_WHOLE_FILE_TEXT);
    expect(parseLogFast(bigMany).error).toBe('holds more than 2,000,000 objects and arrays: not read (no CloudTrail log holds so many in so little)');
    // The one difference between the paths (parseLogFast's doc): other services' records past the budget in a compact file.
    const s3Wide = `{"Records":[${JSON.stringify(record({ eventID: 'iot', eventTime: '2026-10-05T10:00:00Z' }))},${JSON.stringify(record({ eventID: 's3', eventSource: 's3.amazonaws.com', eventName: 'GetObject' })).replace(/}$/, `,"requestParameters":{"x":${wide(MAX_PARSE_CONTAINERS + 1)}}}`)}]}`;
    expect(parseLogFast(Buffer.from(s3Wide))).toMatchObject({ error: null, recordCount: 2, records: [expect.objectContaining({ eventId: 'iot' })] });
    expect(parseLogBytes(Buffer.from(s3Wide)).error).toBe('holds more than 2,000,000 objects and arrays: not read (no CloudTrail log holds so many in so little)');
    // JSON held in a string: that value is left out, as unreadable JSON is; the record is read.
    const inString = parseLogFast(Buffer.from(JSON.stringify({ Records: [record({ eventID: 's', eventTime: '2026-10-05T10:00:00Z', requestParameters: `{"x":${wide(MAX_RECORD_CONTAINERS + 1)}}` })] })));
    expect(inString.error).toBeNull();
    expect(inString.records[0]!.requestParameters).toBeNull();
  });

  it('reads a compact log over 64 MB that begins with a UTF-8 byte order mark with the fast scan', () => {
    const one = record({ eventID: 'pad', eventSource: 's3.amazonaws.com', eventName: 'GetObject', requestParameters: { bucketName: 'b', key: 'k'.repeat(400) } });
    const records = [record({ eventID: 'iot-bom', eventTime: '2026-10-05T10:00:00Z' }), ...Array.from({ length: Math.ceil((MAX_WHOLE_FILE_TEXT + (1 << 20)) / 700) }, () => one)];
    const big = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify({ Records: records }))]);
    const parsed = parseLogFast(big);
    expect(parsed.error).toBeNull();
    expect(parsed.records.map((r) => r.eventId)).toEqual(['iot-bom']);
    expect(parsed.uncompressedBytes).toBe(big.length);
  });

  it(`names a gzip file that inflates past ${MAX_LOG_BYTES / 2 ** 30} GiB unreadable, as too large, not as broken gzip`, async () => {
    const bomb = await gzipOfSpaces(MAX_LOG_BYTES + (16 << 20));
    expect(bomb.length).toBeLessThan(2 << 20);
    const parsed = parseLogFast(bomb, true);
    expect(parsed.records).toEqual([]);
    expect(parsed.error).toBe('larger than 1,024 MB uncompressed: not read (no CloudTrail log file is this large)');
    // --verify's hash of it too (it inflated to gigabytes): capped, and said so.
    expect(parsed.content).toEqual({ error: parsed.error });
    expect(contentHashOf(bomb)).toEqual({ error: parsed.error });
    // A genuine log with a bomb appended: its hash is still its first member's, with the bytes after it counted.
    const appended = Buffer.concat([gzipSync(JSON.stringify({ Records: [record({ eventID: 'g', eventTime: '2026-10-05T10:00:00Z' })] })), bomb]);
    const hashed = parseLogFast(appended, true).content;
    expect(hashed).toEqual(contentHashOf(appended));
    expect(hashed).toMatchObject({ sha256: expect.stringMatching(/^[0-9a-f]{64}$/), trailingBytes: bomb.length });
  });
});
