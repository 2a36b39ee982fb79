import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { inflateFirstMember } from '../../src/integrity/gzip.js';

/** A gzip member with FNAME and FCOMMENT set, as `gzip` the program writes them. */
function gzipWithName(content: Buffer): Buffer {
  const plain = gzipSync(content);
  const header = Buffer.from([0x1f, 0x8b, 8, 0x08 | 0x10, 0, 0, 0, 0, 0, 3]);
  return Buffer.concat([header, Buffer.from('log.json\0a comment\0'), plain.subarray(10)]);
}

describe('inflateFirstMember', () => {
  const content = Buffer.from('{"Records":[]}'.repeat(50));

  it('inflates one member and reports no trailing data', () => {
    expect(inflateFirstMember(gzipSync(content))).toEqual({ data: content, gzipped: true, trailingBytes: 0 });
  });

  it('returns content that is not gzip unchanged (a local copy already gunzipped)', () => {
    expect(inflateFirstMember(content)).toEqual({ data: content, gzipped: false, trailingBytes: 0 });
  });

  it('stops at the end of the first member when another is appended', () => {
    const second = gzipSync(Buffer.from('{"Records":[{"eventName":"DeletePolicy"}]}'));
    const result = inflateFirstMember(Buffer.concat([gzipSync(content), second]));
    expect(result.data.equals(content)).toBe(true);
    expect(result.trailingBytes).toBe(second.length);
  });

  it('counts garbage and zero padding after the stream', () => {
    expect(inflateFirstMember(Buffer.concat([gzipSync(content), Buffer.from('xyz')])).trailingBytes).toBe(3);
    expect(inflateFirstMember(Buffer.concat([gzipSync(content), Buffer.alloc(512)])).trailingBytes).toBe(512);
  });

  it('reads headers with a file name and comment', () => {
    const result = inflateFirstMember(Buffer.concat([gzipWithName(content), Buffer.from('!')]));
    expect(result.data.equals(content)).toBe(true);
    expect(result.trailingBytes).toBe(1);
  });

  it('finds the end exactly in large incompressible content', () => {
    const big = randomBytes(3 * 1024 * 1024);
    const result = inflateFirstMember(Buffer.concat([gzipSync(big), Buffer.from('tail')]));
    expect(result.data.equals(big)).toBe(true);
    expect(result.trailingBytes).toBe(4);
  });

  it('rejects truncated and corrupted streams', () => {
    const gz = gzipSync(content);
    expect(() => inflateFirstMember(gz.subarray(0, gz.length - 4))).toThrow(/truncated/);
    expect(() => inflateFirstMember(gz.subarray(0, 20))).toThrow();
    const badCrc = Buffer.from(gz);
    badCrc[badCrc.length - 8] ^= 0xff;
    expect(() => inflateFirstMember(badCrc)).toThrow(/CRC-32/);
    expect(() => inflateFirstMember(Buffer.from([0x1f, 0x8b, 7, 0, 0, 0, 0, 0, 0, 0, 0]))).toThrow(/deflate/);
  });
});
