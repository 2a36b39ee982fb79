import { randomBytes } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { gunzipLog, gunzipOptionsFor } from '../../src/collect/parse-log.js';

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

  it("is the benchmark floor's rule too, so the floor decompresses as well as the tool", async () => {
    const floorModule = '../../bench/floor.mjs';
    const floor = (await import(floorModule)) as { gunzipOptionsFor: typeof gunzipOptionsFor };
    const inputs: Buffer[] = [gzipSync(small), gzipSync(medium), gzipSync(large), Buffer.alloc(0), Buffer.alloc(17), randomBytes(18), randomBytes(5000)];
    for (let i = 0; i < 200; i++) inputs.push(withRecordedSize(gzipSync(small), randomBytes(4).readUInt32LE(0)));
    for (const bytes of inputs) expect(floor.gunzipOptionsFor(bytes)).toEqual(gunzipOptionsFor(bytes));
  });
});
