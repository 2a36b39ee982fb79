import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseLog, parseLogFast } from '../../src/collect/parse-fast.js';
import { WINDOWED_FROM, firstKeyCut, parseLogWindows, readsInWindows } from '../../src/collect/parse-windows.js';
import { createParsePool } from '../../src/collect/pool.js';
import { MAX_PARSE_CONTAINERS, overLimitsReason } from '../../src/cloudtrail/normalize.js';
import { scanPaths, scanRecordsBytes } from '../../src/cloudtrail/scan.js';
import { record } from '../helpers/trail-tree.js';

// A large compact log is read a window at a time (src/collect/parse-windows.ts): one 286 MB log
// took the report to 390 MB read whole, two at once to 787 MB. Whatever the windows read must be
// what the whole file read gives, or the file goes to the whole read.

const other = (i: number) =>
  record({ eventID: `s3-${i}`, eventSource: 's3.amazonaws.com', eventName: 'GetObject', requestParameters: { bucketName: 'b', key: `k-${i}` } });

/** Records whose insides look like a window's end: objects in an array that start as a record does, and the same in a string. */
const lookalike = (i: number) =>
  record({
    eventID: `iot-look-${i}`,
    eventTime: '2026-10-05T10:00:00Z',
    requestParameters: {
      tags: [{ eventVersion: '1.09', x: 1 }, { eventVersion: '1.09', y: `},{"eventVersion":"1.09"` }, { eventVersion: '1.09' }],
      note: '},{"eventVersion":"1.09","eventSource":"iot.amazonaws.com"}',
    },
  });

const iot = (i: number) => record({ eventID: `iot-${i}`, eventTime: '2026-10-05T10:00:00Z', requestParameters: { policyName: `p-${i}`, note: 'é ✓ \u0001' } });

/** A compact log: 2,000 records, IoT ones among them (some that look like a window's end inside). */
function compactLog(): Buffer {
  const records = Array.from({ length: 2000 }, (_, i) => (i % 97 === 0 ? lookalike(i) : i % 41 === 0 ? iot(i) : other(i)));
  return Buffer.from(JSON.stringify({ Records: records }));
}

async function windows(gz: Buffer, window: number, path?: ReturnType<typeof scanPaths>[number]) {
  const sizes: number[] = [];
  const parsed = await parseLogWindows(gz, { window, path, onWindow: (n) => sizes.push(n) });
  return { parsed, sizes };
}

describe('a large compact log read in windows', () => {
  const text = compactLog();
  const gz = gzipSync(text);

  it.each(scanPaths())('gives what the whole read gives, in many windows (%s)', async (scan) => {
    const whole = parseLogFast(gz);
    expect(whole.error).toBeNull();
    expect(whole.records.length).toBeGreaterThan(60);
    for (const window of [1 << 10, 10_000, 64 << 10]) {
      const { parsed, sizes } = await windows(gz, window, scan);
      expect(parsed).toStrictEqual(whole);
      // Windows ended all along the file, none much past the size asked for.
      expect(sizes.length).toBeGreaterThan(text.length / window / 2);
      expect(Math.max(...sizes.slice(0, -1))).toBeLessThan(4 * window + 4096);
    }
  });

  it('reads a file with a byte order mark, or of two gzip members, as the whole read does', async () => {
    const bom = gzipSync(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), text]));
    expect((await windows(bom, 4096)).parsed).toStrictEqual(parseLogFast(bom));
    const half = text.indexOf(',{"eventVersion"', text.length >> 1);
    const twoMembers = Buffer.concat([gzipSync(text.subarray(0, half)), gzipSync(text.subarray(half))]);
    const whole = parseLogFast(twoMembers);
    expect(whole.records.length).toBeGreaterThan(60);
    expect((await windows(twoMembers, 4096)).parsed).toStrictEqual(whole);
  });

  it('leaves to the whole read a file of at most 64 MB that is damaged, cut short, not compact or not a log, which then words it', async () => {
    const broken = Buffer.from(text);
    broken.write('}', text.indexOf('"s3-1500"'));
    const cases = [
      gzipSync(broken),
      gzipSync(text.subarray(0, text.length - 5)),
      gzipSync(Buffer.from(JSON.stringify(JSON.parse(text.toString()), null, 1))),
      gzipSync(Buffer.from('{"version":"0","findings":[]}')),
    ];
    for (const file of cases) {
      expect((await windows(file, 4096)).parsed).toBeNull();
      expect(await parseLog(file)).toStrictEqual(parseLogFast(file));
    }
    // Said as the whole read says it, without it: zlib's error; JSON lines, read a line at a time.
    for (const file of [gzipSync(text).subarray(0, gz.length - 100), gzipSync(Buffer.from(`${text.toString()}\n${text.toString()}`))]) {
      expect((await windows(file, 4096)).parsed).toStrictEqual(parseLogFast(file));
      expect(await parseLog(file)).toStrictEqual(parseLogFast(file));
    }
  });

  it('holds the whole file to what a parse may build, across windows', async () => {
    // Three IoT records of 700,000 empty arrays each: each window passes, the file does not.
    const wide = (i: number) => JSON.stringify(iot(i)).replace(/}$/, `,"responseElements":{"x":[${'[],'.repeat(700_000)}[]]}}`);
    const file = gzipSync(Buffer.from(`{"Records":[${JSON.stringify(other(0))},${wide(1)},${JSON.stringify(other(1))},${wide(2)},${wide(3)},${JSON.stringify(other(2))}]}`));
    const whole = parseLogFast(file);
    expect(whole.error).toBe(overLimitsReason('wide'));
    const { parsed, sizes } = await windows(file, 1 << 20);
    expect(sizes.length).toBeGreaterThan(2);
    expect(parsed).toStrictEqual(whole);
    // Two of them are read.
    const two = gzipSync(Buffer.from(`{"Records":[${wide(1)},${JSON.stringify(other(1))},${wide(2)}]}`));
    expect(700_001 * 2).toBeLessThan(MAX_PARSE_CONTAINERS);
    expect((await windows(two, 1 << 20)).parsed).toStrictEqual(parseLogFast(two));
  });

  it('refuses a file for a record held as text past the limits as the whole read does, the limits of the whole file first', async () => {
    const deepText = `{"eventSource":"iot.amazonaws.com","x":${'['.repeat(100_001)}${']'.repeat(100_001)}}`;
    const refused = JSON.stringify({ CloudTrailEvent: deepText });
    const wide = (i: number) => JSON.stringify(iot(i)).replace(/}$/, `,"responseElements":{"x":[${'[],'.repeat(700_000)}[]]}}`);
    const log = (parts: string[]) => gzipSync(Buffer.from(`{"Records":[${parts.join(',')}]}`));
    const others = Array.from({ length: 300 }, (_, i) => JSON.stringify(other(i)));
    for (const [file, reason] of [
      [log([...others, JSON.stringify(iot(1)), refused, ...others]), /^holds a record as text in "CloudTrailEvent" nested more than/],
      // Refused early, past what the file may build later: the whole read counts before it parses, so that is the reason.
      [log([others[0]!, refused, ...others, wide(1), wide(2), wide(3)]), /^holds more than 2,000,000 objects and arrays/],
    ] as const) {
      const whole = parseLogFast(file);
      expect(whole.error).toMatch(reason);
      const { parsed, sizes } = await windows(file, 16 << 10);
      expect(sizes.length).toBeGreaterThan(2);
      expect(parsed).toStrictEqual(whole);
    }
  });

  // Review 2026-11-26: four failed places made the reader gather twice as much, again and again: a
  // valid log whose every record holds objects that start as a record does was held whole (632 MB
  // for 300 MB, against 424 MB read whole); so was text that is no compact log (JSON lines of
  // {"Records":[...]}: 764 MB), before the whole read took it again.
  it('ends windows where records really end when objects inside them look like a record, and gives up at once on text that is no compact log', async () => {
    const nested = (i: number) => record({ eventID: `n-${i}`, eventSource: 's3.amazonaws.com', eventName: 'GetObject', requestParameters: { a: Array.from({ length: 6 }, () => ({ eventVersion: '0' })) } });
    const records = Array.from({ length: 3000 }, (_, i) => (i % 211 === 0 ? iot(i) : nested(i)));
    const file = gzipSync(Buffer.from(JSON.stringify({ Records: records })));
    const { parsed, sizes } = await windows(file, 8192);
    expect(parsed).toStrictEqual(parseLogFast(file));
    expect(parsed!.records.length).toBe(Math.ceil(3000 / 211));
    expect(Math.max(...sizes)).toBeLessThan(4 * 8192);
    // A first record whose first key is not the others': the same, without the quick way.
    const odd = gzipSync(Buffer.from(JSON.stringify({ Records: [{ eventID: 'first', ...other(0) }, ...records] })));
    const oddRead = await windows(odd, 8192);
    expect(oddRead.parsed).toStrictEqual(parseLogFast(odd));
    expect(Math.max(...oddRead.sizes)).toBeLessThan(4 * 8192);
    // JSON lines of whole logs: the compact reader gives up after the first line, not held; then they are read a line at a time.
    const line = JSON.stringify({ Records: records.slice(0, 500) });
    const lines = gzipSync(Buffer.from(Array.from({ length: 20 }, () => line).join('\n')));
    const linesRead = await windows(lines, 8192);
    expect(linesRead.parsed).toStrictEqual(parseLogFast(lines));
    expect(linesRead.parsed!.recordCount).toBe(20 * 500);
    expect(linesRead.sizes.reduce((a, b) => a + b, 0)).toBeLessThan(2 * line.length);
  });

  // Review 2026-11-26 (a47c4f1): a window cut where the records really end took `},]}` at the
  // end of a file for a record's end followed by another, and read an invalid file as valid.
  it('leaves a file whose last record is followed by a comma to the whole read, which finds it invalid', async () => {
    const body = Array.from({ length: 300 }, (_, i) => JSON.stringify(i % 3 === 0 ? iot(i) : other(i))).join(',');
    for (const text of [`{"Records":[{},${body},]}`, `{"Records":[${body},]}`, `{"Records":[{},${body}, ]}`]) {
      const file = gzipSync(Buffer.from(text));
      expect(parseLogFast(file).error).toMatch(/^not valid JSON/);
      // Window sizes whose last one ends where the file does, and others.
      for (let window = 1024; window < 1536; window += 37) expect((await windows(file, window)).parsed).toBeNull();
      expect(await parseLog(file)).toStrictEqual(parseLogFast(file));
    }
  });

  it('leaves a file with no record end in 16 MB to the whole read (records that are arrays, one longer record)', async () => {
    const arrays = gzipSync(Buffer.from(`{"Records":[${Array.from({ length: 40_000 }, (_, i) => `[${i},"${'x'.repeat(500)}"]`).join(',')}]}`));
    const { parsed, sizes } = await windows(arrays, 1 << 20);
    expect(parsed).toBeNull();
    expect(sizes).toEqual([]);
    expect(await parseLog(arrays)).toStrictEqual(parseLogFast(arrays));
  });

  it('reads text denser in `iot` than the whole scan has room for, as JSON does (the one difference from the fast path, documented)', async () => {
    // Keys of `iot`s, an `iot` per 5 bytes: past the kernel's room for one per 16 (plus 64) in the
    // whole file, within it in most windows (each has 64 more).
    const dense = (i: number) => `{"eventVersion":"1.09","eventSource":"s3.amazonaws.com","eventID":"d-${i}","x":{${Array.from({ length: 40 }, (_, k) => `"iot${k}":1`).join(',')}}}`;
    const text = `{"Records":[${Array.from({ length: 200 }, (_, i) => (i % 50 === 0 ? JSON.stringify(iot(i)) : dense(i))).join(',')}]}`;
    const file = gzipSync(Buffer.from(text));
    expect(scanRecordsBytes(Buffer.from(text))).toBeNull();
    const whole = parseLogFast(file);
    expect(whole.records.map((r) => r.eventId)).toEqual(['iot-0', 'iot-50', 'iot-100', 'iot-150']);
    // Here the plain path reads the file as JSON (under 64 MB), and the windows give the same.
    expect((await windows(file, 200)).parsed).toStrictEqual(whole);
  });

  it('looks for the end of the first key only in the first bytes (it was looked for in all the text held, at every piece)', async () => {
    // {"Records":[{"<1,000 MB of a>":1}]} took 76 s in windows against 1.7 s whole.
    expect(firstKeyCut(Buffer.from(`{"${'a'.repeat(1 << 20)}`))).toBe(false);
    expect(firstKeyCut(Buffer.from('{"eventVer'))).toBeNull();
    expect(firstKeyCut(Buffer.from('{"eventVersion":"1.09"'))?.toString()).toBe('},{"eventVersion":');
    expect(firstKeyCut(Buffer.from('{"a\\"b":1'))).toBe(false);
    const file = gzipSync(Buffer.from(`{"Records":[{"${'a'.repeat(1 << 20)}":1},${JSON.stringify(iot(1))}]}`));
    expect((await windows(file, 1024)).parsed).toStrictEqual(parseLogFast(file));
  });

  it('is how gzip files over 64 MB uncompressed are read, hashed or not', () => {
    const trailer = (size: number) => {
      const file = Buffer.from(gz);
      file.writeUInt32LE(size, file.length - 4);
      return file;
    };
    expect(readsInWindows(trailer(WINDOWED_FROM + 1))).toBe(true);
    expect(readsInWindows(trailer(WINDOWED_FROM))).toBe(false);
    expect(readsInWindows(text)).toBe(false);
  });
});

describe('a parse worker reading a log over 64 MB', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'iot-audit-windows-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads it in windows and answers the files after it in order', async () => {
    const unit = JSON.stringify(other(0)).length + 1;
    const records = Array.from({ length: Math.ceil((WINDOWED_FROM + (4 << 20)) / unit) }, (_, i) => (i % 5000 === 0 ? iot(i) : other(i)));
    const big = gzipSync(Buffer.from(JSON.stringify({ Records: records })), { level: 1 });
    expect(readsInWindows(big)).toBe(true);
    const small = gzipSync(compactLog());
    const files = [path.join(dir, 'big.json.gz'), path.join(dir, 'small.json.gz')];
    await writeFile(files[0]!, big);
    await writeFile(files[1]!, small);
    const pool = createParsePool({ threads: 1 });
    try {
      const [bigParsed, smallParsed] = await Promise.all(files.map((file) => pool.parseFile(file)));
      expect(bigParsed).toStrictEqual({ ...parseLogFast(big), storedBytes: big.length });
      expect(bigParsed!.records.length).toBe(Math.ceil(records.length / 5000));
      expect(smallParsed).toStrictEqual({ ...parseLogFast(small), storedBytes: small.length });
    } finally {
      await pool.close();
    }
  });
});
