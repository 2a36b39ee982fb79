import { gunzipSync, gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { parseLogFast } from '../../src/collect/parse-fast.js';
import { gunzipLog, gunzipOptionsFor, iotRecordsOf, parseLogBytes, rawRecordsOfText, releaseBuffer } from '../../src/collect/parse-log.js';

/** A copy of `bytes` whose gzip trailer records `size` (a lying or broken trailer). */
function withRecordedSize(bytes: Buffer, size: number): Buffer {
  const copy = Buffer.from(bytes);
  copy.writeUInt32LE(size >>> 0, copy.length - 4);
  return copy;
}

/** The bytes, or the error message: what a reader of the file gets. */
function outcome(inflate: () => Buffer): { hex: string } | { error: string } {
  try {
    return { hex: inflate().toString('hex') };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

const log = (records: number) =>
  Buffer.from(JSON.stringify({ Records: Array.from({ length: records }, (_, i) => ({ eventID: `e-${i}`, eventSource: 'iot.amazonaws.com', note: 'ü'.repeat(i % 7) })) }));

describe('gunzipLog', () => {
  const small = log(3);
  const medium = log(20_000);
  // ~20 MB of text: more than one output chunk however the trailer reads.
  const large = Buffer.from('{"Records":[' + Array.from({ length: 200_000 }, (_, i) => `{"eventID":"${i}","pad":"${'x'.repeat(80)}"}`).join(',') + ']}');

  it.each([
    ['a small log', gzipSync(small)],
    ['a log of a few MB', gzipSync(medium)],
    ['a log larger than the largest chunk', gzipSync(large)],
    ['two members (the trailer records only the last)', Buffer.concat([gzipSync(medium), gzipSync(small)])],
    ['a trailer recording 0 bytes', withRecordedSize(gzipSync(medium), 0)],
    ['a trailer recording 4 GB', withRecordedSize(gzipSync(medium), 0xffffffff)],
    ['a trailer recording less than the truth', withRecordedSize(gzipSync(medium), medium.length - 1000)],
    ['an empty member', gzipSync(Buffer.alloc(0))],
  ])('inflates %s to exactly what plain gunzip gives, or fails as it does', (_name, gz) => {
    expect(outcome(() => gunzipLog(gz))).toEqual(outcome(() => gunzipSync(gz)));
  });

  it('fails on a broken file as plain gunzip does', () => {
    const truncated = gzipSync(medium).subarray(0, 1000);
    expect(() => gunzipSync(truncated)).toThrow();
    expect(() => gunzipLog(truncated)).toThrow(/unexpected end of file/);
  });

  it('asks zlib for one chunk of the recorded size, bounded by what the input can inflate to', () => {
    const gz = gzipSync(medium);
    expect(gunzipOptionsFor(gz).chunkSize).toBe(medium.length + 64);
    // A hostile trailer cannot make a 100-byte input allocate 16 MB.
    const tiny = withRecordedSize(gzipSync(Buffer.from('{"Records":[]}')), 0xffffffff);
    expect(gunzipOptionsFor(tiny).chunkSize).toBe(tiny.length * 1032 + 64);
    expect(gunzipOptionsFor(withRecordedSize(gzipSync(large), 0xffffffff)).chunkSize).toBe(16 << 20);
    expect(gunzipOptionsFor(Buffer.alloc(3)).chunkSize).toBe(1024);
  });
});

describe('releaseBuffer', () => {
  const native = Object.getOwnPropertyDescriptor(ArrayBuffer.prototype, 'transfer');
  let detached = 0;
  /** Makes every release really detach the buffer, on Node 20 too (which has no `transfer`). */
  function detachForReal() {
    Object.defineProperty(ArrayBuffer.prototype, 'transfer', {
      configurable: true,
      writable: true,
      value(this: ArrayBuffer) {
        detached++;
        structuredClone(this, { transfer: [this] });
        return new ArrayBuffer(0);
      },
    });
  }
  afterEach(() => {
    if (native) Object.defineProperty(ArrayBuffer.prototype, 'transfer', native);
    else delete (ArrayBuffer.prototype as { transfer?: unknown }).transfer;
    detached = 0;
  });

  it("gives a large gunzip output's memory back, and never a buffer that shares Node's pool", () => {
    detachForReal();
    const big = gunzipLog(gzipSync(log(2_000)));
    releaseBuffer(big);
    expect(big.length).toBe(0);
    const neighbour = Buffer.from('still here');
    const pooled = gunzipLog(gzipSync('{"Records":[]}'));
    releaseBuffer(pooled);
    releaseBuffer(Buffer.from('abc'));
    expect(pooled.toString()).toBe('{"Records":[]}');
    expect(neighbour.toString()).toBe('still here');
    expect(detached).toBe(1);
  });

  it('leaves nothing the parse returns pointing into the released text (fast and plain paths)', () => {
    const record = (i: number) => ({
      eventVersion: '1.08',
      userIdentity: { type: 'IAMUser', arn: `arn:aws:iam::111122223333:user/dev-${i}`, accountId: '111122223333' },
      eventTime: '2026-10-01T00:00:00Z',
      eventSource: i % 2 === 0 ? 'iot.amazonaws.com' : 'sts.amazonaws.com',
      eventName: i % 2 === 0 ? 'UpdateCertificate' : 'AssumeRole',
      awsRegion: 'eu-west-1',
      requestParameters: { certificateId: `c${i}`, roleArn: 'arn:aws:iam::111122223333:role/iot-fleet' },
      eventID: `e-${i}`,
      recipientAccountId: '111122223333',
    });
    const text = JSON.stringify({ Records: Array.from({ length: 6_000 }, (_, i) => record(i)) });
    const pretty = JSON.stringify(JSON.parse(text), null, 2);
    const expected = iotRecordsOf(rawRecordsOfText(text));
    expect(expected.length).toBe(3_000);
    detachForReal();
    for (const bytes of [gzipSync(text), gzipSync(pretty)]) {
      expect(parseLogFast(bytes).records).toStrictEqual(expected);
      expect(parseLogBytes(bytes).records).toStrictEqual(expected);
    }
    // gzip inside gzip: the fast path hands the plain one the original bytes, not the spent text.
    const nested = gzipSync(gzipSync(text));
    expect(parseLogFast(nested)).toStrictEqual(parseLogBytes(nested));
    expect(parseLogFast(nested).error).toMatch(/not valid JSON/);
    expect(detached).toBeGreaterThanOrEqual(6);
  });
});
