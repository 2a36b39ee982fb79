/**
 * JSON lines (one record, envelope or log a line, as some exports write) are read a line at a time
 * (src/collect/parse-windows.ts): a file of them over 64 MB was refused, after its text had been
 * inflated whole (371 MB of lines took the report to 496 MB, 777 MB to 895 MB, to say so). And no
 * other text over 64 MB is held whole any more to be refused: a file with a record longer than
 * 16 MB is refused without it, and so is one whose gzip trailer says less than it holds.
 */
import { gzipSync } from 'node:zlib';
import { describe, expect, it, vi } from 'vitest';
import { parseLog } from '../../src/collect/parse-fast.js';
import { contentHashOf, contentHashStreamed } from '../../src/integrity/content.js';

// The whole-file hash, watched: a file read as a stream must be hashed as one under `--verify`,
// never inflated whole to be hashed (its text would be held, which the stream is there to avoid).
vi.mock('../../src/integrity/content.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../src/integrity/content.js')>();
  return { ...original, contentHashOf: vi.fn(original.contentHashOf) };
});
import { MAX_WHOLE_FILE_TEXT, notReadWholeReason, parseLogBytes } from '../../src/collect/parse-log.js';
import { denseLinesReason, longRecordReason, parseLogWindows } from '../../src/collect/parse-windows.js';
import { MAX_PARSE_CONTAINERS, overLimitsReason } from '../../src/cloudtrail/normalize.js';
import { record } from '../helpers/trail-tree.js';

const other = (i: number) => record({ eventID: `s3-${i}`, eventSource: 's3.amazonaws.com', eventName: 'GetObject', requestParameters: { bucketName: 'b', key: `k-${i}` } });
const iot = (i: number) => record({ eventID: `iot-${i}`, eventTime: '2026-10-05T10:00:00Z', requestParameters: { policyName: `p-${i}`, note: 'é ✓' } });

/** JSON lines of `n` records, an IoT one every 37th, each line one record. */
function linesOf(n: number, eol = '\n'): string {
  return Array.from({ length: n }, (_, i) => JSON.stringify(i % 37 === 0 ? iot(i) : other(i))).join(eol) + eol;
}

/** What the windows read of `text` (gzipped), windows of `window` bytes. */
const windows = (text: string | Buffer, window: number) => parseLogWindows(gzipSync(text), { window });

describe('JSON lines read a line at a time', () => {
  it('give what the whole read gives, whatever the windows (many lines in the last one too)', async () => {
    const text = linesOf(3000);
    const whole = parseLogBytes(Buffer.from(text));
    expect(whole.error).toBeNull();
    expect(whole.records.length).toBe(Math.ceil(3000 / 37));
    for (const window of [1024, 5000, 64 << 10, 4 << 20]) expect(await windows(text, window)).toStrictEqual(whole);
  });

  it('read lines as the whole read does: a byte order mark, blank lines, CRLF, no last end of line, lines of logs, envelopes and arrays', async () => {
    const lookup = JSON.stringify({ Events: [{ EventId: 'lk', CloudTrailEvent: JSON.stringify(iot(9001)) }] });
    const log = JSON.stringify({ Records: [other(1), iot(9002), other(2)] });
    const array = JSON.stringify([iot(9003), other(3)]);
    const empty = JSON.stringify({ Records: [] });
    for (const text of [
      `\ufeff${linesOf(400)}`,
      linesOf(400, '\r\n'),
      `\n\n${linesOf(200)}\n   \n${linesOf(200).trimEnd()}`,
      [lookup, log, array, empty, JSON.stringify(iot(9004))].join('\n'),
    ]) {
      const whole = parseLogBytes(Buffer.from(text));
      expect(whole.error).toBeNull();
      for (const window of [1024, 3000]) expect(await windows(text, window)).toStrictEqual(whole);
    }
    // Lines of logs with no record are logs with no record (the whole read called them "not valid JSON").
    const empties = `${empty}\n${empty}\n`;
    expect(parseLogBytes(Buffer.from(empties))).toStrictEqual({ recordCount: 0, records: [], uncompressedBytes: empties.length, error: null });
    expect(await windows(empties, 1024)).toStrictEqual(parseLogBytes(Buffer.from(empties)));
  });

  it('name the line that is not JSON, or not CloudTrail, as the whole read now does', async () => {
    const lines = linesOf(400).split('\n');
    const cut = [...lines.slice(0, 300), lines[300]!.slice(0, 50)].join('\n');
    const notLog = [...lines.slice(0, 10), '{"id":1}', ...lines.slice(10)].join('\n');
    for (const [text, reason] of [
      // A file cut short: its last line (it was "not valid JSON (error at character 1243)", the end of the first line).
      [cut, 'not valid JSON on line 301 (JSON lines hold one JSON value a line)'],
      [notLog, 'not a CloudTrail log (no "Records" array and no CloudTrail record) on line 11'],
    ] as const) {
      const whole = parseLogBytes(Buffer.from(text));
      expect(whole.error).toBe(reason);
      expect(await windows(text, 2048)).toStrictEqual(whole);
    }
  });

  it('leave to the whole read text whose first line is not JSON, and a single value', async () => {
    const pretty = JSON.stringify({ Records: [iot(1), other(2)] }, null, 2);
    const one = `${JSON.stringify([iot(1), other(2)])}\n\n`;
    for (const text of [pretty, one, `${JSON.stringify({ id: 1 })}\n`]) expect(await windows(text, 1024)).toBeNull();
  });

  it('hold each line to what a parse may build, and the lines kept (those with IoT records) together', async () => {
    const wide = (n: number) => JSON.stringify(iot(n)).replace(/}$/, `,"responseElements":{"x":[${'[],'.repeat(700_000)}[]]}}`);
    // Three IoT lines of 700,000 each: the third passes what the lines kept leave.
    const text = [JSON.stringify(other(0)), wide(1), JSON.stringify(other(1)), wide(2), wide(3), JSON.stringify(other(2))].join('\n');
    expect(700_001 * 3).toBeGreaterThan(MAX_PARSE_CONTAINERS);
    expect(await windows(text, 1 << 20)).toMatchObject({ records: [], error: overLimitsReason('wide') });
    // Lines that are not kept are let go: the same lines of another service's records are read.
    const s3Wide = (n: number) => JSON.stringify(other(n)).replace(/}$/, `,"responseElements":{"x":[${'[],'.repeat(700_000)}[]]}}`);
    const others = [s3Wide(1), s3Wide(2), s3Wide(3), JSON.stringify(iot(4))].join('\n');
    expect(await windows(others, 1 << 20)).toMatchObject({ error: null, recordCount: 4, records: [expect.objectContaining({ eventId: 'iot-4' })] });
    // All the lines together, one for each 16 bytes past the first 2 million: 1 GiB of lines just
    // under 2 million each (4.6 MB gzipped) took 69 s, every line parsed.
    const dense = [s3Wide(1), s3Wide(2), s3Wide(3), s3Wide(4), JSON.stringify(iot(5))].join('\n');
    expect(await windows(dense, 1 << 20)).toMatchObject({ records: [], error: denseLinesReason() });
    expect(denseLinesReason()).toBe('holds more than 2,000,000 objects and arrays, and more than one for each 16 bytes of its lines: not read (no CloudTrail log holds so many)');
  });

  it('charge a line of a log with what its IoT records build, not the whole log, as a compact log is charged', async () => {
    const s3Wide = (n: number) => JSON.stringify(other(n)).replace(/}$/, `,"responseElements":{"x":[${'[],'.repeat(700_000)}[]]}}`);
    // Lines of logs, each an IoT record beside another service's record of 700,000: 2.1 million
    // objects and arrays, but the lines kept built only a few dozen (the third line was refused).
    const logLine = (n: number) => `{"Records":[${JSON.stringify(iot(n))},${s3Wide(n)}]}`;
    const pad = JSON.stringify(other(0)).replace(/}$/, `,"userAgent":"${'a'.repeat(10 << 20)}"}`);
    const text = [pad, logLine(1), logLine(2), logLine(3)].join('\n');
    const read = await windows(text, 1 << 20);
    expect(read).toMatchObject({ error: null, recordCount: 7, records: [1, 2, 3].map((n) => expect.objectContaining({ eventId: `iot-${n}` })) });
    // The same records in one compact log are read.
    const compact = `{"Records":[${[JSON.stringify(other(0)), ...[1, 2, 3].flatMap((n) => [JSON.stringify(iot(n)), s3Wide(n)])].join(',')}]}`;
    expect(await parseLogWindows(gzipSync(compact), { window: 1 << 20 })).toMatchObject({ error: null, records: read!.records });
  });
});

describe('a file over 64 MB that is not a compact log', () => {
  /** JSON lines just over 64 MB, an IoT record every 20,000th line. */
  function bigLines(): { text: Buffer; ids: string[] } {
    const pad = JSON.stringify(other(0)).length + 1;
    const n = Math.ceil((MAX_WHOLE_FILE_TEXT + (1 << 20)) / pad);
    const ids = Array.from({ length: Math.ceil((n - 7) / 20_000) }, (_, k) => `iot-${7 + 20_000 * k}`);
    return { text: Buffer.from(Array.from({ length: n }, (_, i) => JSON.stringify(i % 20_000 === 7 ? iot(i) : other(i))).join('\n')), ids };
  }

  it('is read as JSON lines, gzipped or not, and with a gzip trailer that says less than it holds (it was refused)', async () => {
    const { text, ids } = bigLines();
    expect(text.length).toBeGreaterThan(MAX_WHOLE_FILE_TEXT);
    const gz = gzipSync(text, { level: 1 });
    // Two gzip members, the last one small: the trailer gives only the last member's size.
    const end = text.lastIndexOf(10);
    const twoMembers = Buffer.concat([gzipSync(text.subarray(0, end), { level: 1 }), gzipSync(text.subarray(end))]);
    expect(twoMembers.readUInt32LE(twoMembers.length - 4)).toBeLessThan(1 << 20);
    for (const file of [gz, text, twoMembers]) {
      const parsed = await parseLog(file);
      expect(parsed.error).toBeNull();
      expect(parsed.records.map((r) => r.eventId)).toEqual(ids);
      expect(parsed.uncompressedBytes).toBe(text.length);
      // `--verify` reads it the same way (the gzip one was refused: read whole, "nor JSON lines"),
      // with the hash of its first gzip member.
      vi.mocked(contentHashOf).mockClear();
      const hashed = await parseLog(file, true);
      expect(contentHashOf).not.toHaveBeenCalled();
      expect(hashed).toStrictEqual({ ...parsed, content: contentHashOf(file) });
    }
    expect((await parseLog(twoMembers, true)).content).toMatchObject({ trailingBytes: twoMembers.length - gzipSync(text.subarray(0, end), { level: 1 }).length });
    // A trailer that lies is zlib's error at the end, said without holding the text.
    const lying = Buffer.from(gz);
    lying.writeUInt32LE(1 << 20, lying.length - 4);
    expect(await parseLog(lying)).toStrictEqual({ recordCount: 0, records: [], uncompressedBytes: 0, error: 'not a valid gzip file (incorrect length check)' });
  });

  it('is refused, as the whole read refused it, without it: pretty-printed, or a record longer than 16 MB', async () => {
    const one = other(0);
    const unit = JSON.stringify(one, null, 1).length + 2;
    const pretty = Buffer.from(JSON.stringify({ Records: Array.from({ length: Math.ceil((MAX_WHOLE_FILE_TEXT + (1 << 20)) / unit) }, () => one) }, null, 1));
    expect(await parseLogWindows(gzipSync(pretty, { level: 1 }))).toStrictEqual({ recordCount: 0, records: [], uncompressedBytes: pretty.length, error: notReadWholeReason(pretty.length) });
    // A compact log of one 17 MB record among others: it was read whole, all of it held.
    const pad = JSON.stringify(other(0));
    const long = JSON.stringify(iot(1)).replace(/}$/, `,"userAgent":"${'a'.repeat(17 << 20)}"}`);
    const text = Buffer.from(`{"Records":[${long},${Array.from({ length: Math.ceil(MAX_WHOLE_FILE_TEXT / pad.length) - 28_000 }, () => pad).join(',')}]}`);
    expect(text.length).toBeGreaterThan(MAX_WHOLE_FILE_TEXT);
    const parsed = await parseLog(gzipSync(text, { level: 1 }));
    expect(parsed).toStrictEqual({ recordCount: 0, records: [], uncompressedBytes: text.length, error: longRecordReason(text.length) });
    expect(parsed.error).toMatch(/^\d+ MB uncompressed, with a record \(or line\) longer than 16 MB: not read \(no CloudTrail event is over 256 KB; a log file over 64 MB is read a record at a time\)$/);
  });

  it('that is one long line of short records, not compact, gets that reason, not a long record\'s', async () => {
    const one = JSON.stringify(other(0));
    const n = Math.ceil((MAX_WHOLE_FILE_TEXT + (1 << 20)) / (one.length + 2));
    const records = Array.from({ length: n }, () => one);
    // As Python's json.dumps writes it (spaces after , and :), and spaces only between the records.
    const spaced = Buffer.from(`{"Records": [${records.map((r) => r.replace(/([,:])"/g, '$1 "')).join(', ')}]}`);
    const between = Buffer.from(`{"Records":[${records.join(', ')}]}`);
    for (const text of [spaced, between]) {
      expect(text.length).toBeGreaterThan(MAX_WHOLE_FILE_TEXT);
      expect(await parseLog(gzipSync(text, { level: 1 }))).toStrictEqual({ recordCount: 0, records: [], uncompressedBytes: text.length, error: notReadWholeReason(text.length) });
    }
  });
});

describe('the content hash of a file read as a stream (--verify)', () => {
  it('is contentHashOf: of the first gzip member, with its trailer checked, without holding the text', async () => {
    const text = Buffer.from(linesOf(2000));
    const gz = gzipSync(text);
    const badCrc = Buffer.from(gz);
    badCrc[badCrc.length - 8] ^= 1;
    const badLength = Buffer.from(gz);
    badLength.writeUInt32LE(7, badLength.length - 4);
    for (const file of [text, gz, Buffer.concat([gz, gzipSync('more')]), Buffer.concat([gz, Buffer.from('junk')]), gz.subarray(0, gz.length - 4), gz.subarray(0, gz.length >> 1), badCrc, badLength, gz.subarray(0, 6)]) {
      expect(await contentHashStreamed(file)).toStrictEqual(contentHashOf(file));
    }
    expect(await contentHashStreamed(Buffer.concat([gz, Buffer.from('junk')]))).toMatchObject({ trailingBytes: 4 });
    expect(await contentHashStreamed(badCrc)).toStrictEqual({ error: 'gzip CRC-32 does not match the content' });
  });
});
