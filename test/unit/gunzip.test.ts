import { gunzipSync, gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { contentHashFast, parseLogFast } from '../../src/collect/parse-fast.js';
import { contentHashOf } from '../../src/integrity/content.js';
import { gunzipLog, gunzipOptionsFor, iotRecordsOf, parseLogBytes, rawRecordsOfText, releaseBuffer } from '../../src/collect/parse-log.js';
import { defaultGunzipPath, hasNativeGunzip, nativeGunzipper } from '../../src/collect/gunzip-native.js';
import { NATIVE_ADDON } from '../../src/native.js';

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

  it('the fast path gunzips with libdeflate where the addon has it: its space is kept, nothing is given back', () => {
    const gz = gzipSync(log(2_000));
    detachForReal();
    const parsed = parseLogFast(gz);
    expect(parsed.recordCount).toBe(2_000);
    // zlib's output (larger than Node's pool) would be given back once.
    expect(detached).toBe(defaultGunzipPath() === 'libdeflate' ? 0 : 1);
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
    // All parsed before any is checked: with libdeflate the next file overwrites the text of the last.
    const results = [gzipSync(text), gzipSync(pretty), gzipSync(text.replace(/dev-/g, 'ops-'))].flatMap((bytes) => [parseLogFast(bytes), parseLogBytes(bytes)]);
    for (const parsed of results.slice(0, 4)) expect(parsed.records).toStrictEqual(expected);
    // gzip inside gzip: the fast path hands the plain one the original bytes, not the spent text.
    const nested = gzipSync(gzipSync(text));
    expect(parseLogFast(nested)).toStrictEqual(parseLogBytes(nested));
    expect(parseLogFast(nested).error).toMatch(/not valid JSON/);
    // zlib's outputs are given back; libdeflate's space is kept for the next file.
    expect(detached).toBeGreaterThanOrEqual(defaultGunzipPath() === 'libdeflate' ? 5 : 9);
  });
});

/** A gzip member with the header fields zlib can write (FNAME, FCOMMENT, FEXTRA, FHCRC), by hand. */
function gzipWithHeader(data: Buffer, fields: { name?: string; comment?: string; extra?: Buffer; headerCrc?: 'right' | 'wrong' }): Buffer {
  const plain = gzipSync(data);
  let flags = 0;
  const parts: Buffer[] = [];
  if (fields.extra) {
    flags |= 4;
    const len = Buffer.alloc(2);
    len.writeUInt16LE(fields.extra.length);
    parts.push(len, fields.extra);
  }
  if (fields.name !== undefined) {
    flags |= 8;
    parts.push(Buffer.from(fields.name + '\0', 'latin1'));
  }
  if (fields.comment !== undefined) {
    flags |= 16;
    parts.push(Buffer.from(fields.comment + '\0', 'latin1'));
  }
  const head = Buffer.concat([plain.subarray(0, 10), ...parts]);
  head[3] = flags | (fields.headerCrc ? 2 : 0);
  const crc = Buffer.alloc(fields.headerCrc ? 2 : 0);
  if (fields.headerCrc) crc.writeUInt16LE((crc32(head) & 0xffff) ^ (fields.headerCrc === 'wrong' ? 1 : 0));
  return Buffer.concat([head, crc, plain.subarray(10)]);
}

function crc32(bytes: Buffer): number {
  let c = ~0;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}

/** Deterministic pseudo-random numbers (a test must fail the same way twice). */
function prng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

describe('the libdeflate gunzip (native addon)', () => {
  const gunzip = nativeGunzipper(true);
  const medium = log(20_000);

  it('is built here when libdeflate is installed (npm install builds it), unless IOT_AUDIT_NO_NATIVE=1', () => {
    if (process.arch !== 'x64' || process.env.IOT_AUDIT_NO_NATIVE === '1' || !existsSync('/usr/include/libdeflate.h')) return;
    expect(hasNativeGunzip(), `${NATIVE_ADDON} has no gunzip: run npm install again (libdeflate-dev is installed)`).toBe(true);
    expect(defaultGunzipPath()).toBe(process.env.IOT_AUDIT_GUNZIP === 'zlib' ? 'zlib' : 'libdeflate');
  });

  /**
   * What libdeflate gives is what Node's zlib gives, whenever libdeflate gives anything;
   * the rest (null) goes to zlib. `takes` says whether this input is one libdeflate must take.
   */
  function agrees(gz: Buffer, takes?: boolean): void {
    const fast = gunzip!(gz);
    if (fast !== null) expect(fast.equals(gunzipSync(gz))).toBe(true);
    if (takes !== undefined) expect(fast !== null).toBe(takes);
  }

  const variants: [string, Buffer, boolean][] = [
    ['a small log', gzipSync(log(3)), true],
    ['a log of a few MB', gzipSync(medium), true],
    ['an empty member', gzipSync(Buffer.alloc(0)), true],
    ['best compression', gzipSync(medium, { level: 9 }), true],
    ['no compression', gzipSync(medium, { level: 0 }), true],
    ['a file name, a comment and an extra field', gzipWithHeader(medium, { name: 'log.json', comment: 'c', extra: Buffer.from('ab') }), true],
    ['a header CRC (zlib checks it, libdeflate would not)', gzipWithHeader(medium, { name: 'x', headerCrc: 'right' }), false],
    ['a wrong header CRC', gzipWithHeader(medium, { name: 'x', headerCrc: 'wrong' }), false],
    ['two members', Buffer.concat([gzipSync(medium), gzipSync(log(3))]), false],
    // The trailer then records room enough for the first member alone: it must not pass for the whole.
    ['two members, the second the larger', Buffer.concat([gzipSync(log(3)), gzipSync(medium)]), false],
    ['trailing zero bytes', Buffer.concat([gzipSync(medium), Buffer.alloc(8)]), false],
    ['trailing garbage', Buffer.concat([gzipSync(medium), Buffer.from('garbage')]), false],
    ['a truncated file', gzipSync(medium).subarray(0, 5000), false],
    ['a trailer recording 0 bytes', withRecordedSize(gzipSync(medium), 0), false],
    ['a trailer recording 4 GB', withRecordedSize(gzipSync(medium), 0xffffffff), false],
    ['a trailer recording one byte less', withRecordedSize(gzipSync(medium), medium.length - 1), false],
    ['a trailer recording one byte more', withRecordedSize(gzipSync(medium), medium.length + 1), false],
  ];

  it.runIf(gunzip !== null).each(variants)('%s: the bytes Node gives, or left to Node', (_name, gz, takes) => {
    agrees(gz, takes);
  });

  // --verify: the hash the workers give from libdeflate's text is the reference one (the
  // first member inflated alone), whatever the file: else a file would pass or fail its
  // digest check depending on the machine.
  it.each([...variants, ['not gzip at all', log(3), false] as [string, Buffer, boolean]])('%s: the content hash is the reference one', (_name, gz) => {
    const reference = contentHashOf(gz);
    expect(contentHashFast(Buffer.from(gz))).toEqual(reference);
    expect(parseLogFast(Buffer.from(gz), true).content).toEqual(reference);
  });

  it('gives the reference content hash of 3,000 damaged files', () => {
    const random = prng(7);
    const sources = [gzipSync(log(200)), gzipWithHeader(log(30), { name: 'a.json', extra: Buffer.from('xyz') }), Buffer.concat([gzipSync(log(20)), gzipSync(log(5))])];
    const seen = new Set<string>();
    for (let i = 0; i < 3_000; i++) {
      const gz = Buffer.from(sources[i % sources.length]);
      for (let k = 1 + Math.floor(random() * 3); k > 0; k--) gz[Math.floor(random() * gz.length)] ^= 1 + Math.floor(random() * 255);
      const reference = contentHashOf(gz);
      seen.add('error' in reference ? 'error' : 'hash');
      expect(parseLogFast(Buffer.from(gz), true).content, `mutation ${i}`).toEqual(reference);
      expect(contentHashFast(Buffer.from(gz)), `mutation ${i}`).toEqual(reference);
    }
    expect([...seen].sort()).toEqual(['error', 'hash']);
  });

  it.runIf(gunzip !== null)('gives what Node gives on 3,000 damaged files, or leaves them to Node', () => {
    const random = prng(6);
    const sources = [gzipSync(log(200)), gzipSync(log(50), { level: 1 }), gzipWithHeader(log(30), { name: 'a.json', extra: Buffer.from('xyz') })];
    let taken = 0;
    for (let i = 0; i < 3_000; i++) {
      const source = sources[i % sources.length];
      const gz = Buffer.from(source);
      // One to three bytes changed, anywhere: header, deflate data, CRC or size.
      for (let k = 1 + Math.floor(random() * 3); k > 0; k--) gz[Math.floor(random() * gz.length)] ^= 1 + Math.floor(random() * 255);
      const fast = gunzip!(gz);
      if (fast !== null) {
        taken++;
        expect(fast.equals(gunzipSync(gz)), `mutation ${i}`).toBe(true);
      }
    }
    // Changes to the header's time, flags-free bytes or OS byte leave a valid file: some are taken.
    expect(taken).toBeGreaterThan(0);
  });

  it.runIf(gunzip !== null)('reuses its space: a file bigger than what it keeps, then small ones, each right until the next call', () => {
    const big = Buffer.from('{"Records":[' + Array.from({ length: 400_000 }, (_, i) => `{"eventID":"${i}","pad":"${'x'.repeat(80)}"}`).join(',') + ']}');
    expect(big.length).toBeGreaterThan(32 << 20);
    const small = log(3);
    for (const text of [small, big, small, medium, big, small]) expect(gunzip!(gzipSync(text))?.equals(text)).toBe(true);
  });
});
