import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { type ScanPath, scanKernels, scanPaths, scanRecordsBytes, scanRecordsText as scanText } from '../../src/cloudtrail/scan.js';
import { SCAN_DOUBT, SCAN_INVALID, SCAN_OK, SCAN_OVERFLOW } from '../../src/cloudtrail/scan-kernel.js';
import { nativeIsas } from '../../src/cloudtrail/scan-native.js';
import { NATIVE_ADDON } from '../../src/native.js';
import { parseLogFast } from '../../src/collect/parse-fast.js';
import { rng, type Rng } from '../helpers/random.js';
import { iotRecordsOf, parseLogBytes, rawRecordsOfText } from '../../src/collect/parse-log.js';

/**
 * The fast path must agree with the plain path (`JSON.parse` of everything, then
 * `normalizeRecord` + `isIotRecord`) on every input: same records, same order, same
 * record count; and it must never accept text that `JSON.parse` rejects.
 */

// ---------------------------------------------------------------------------
// A JSON writer that may escape any character: `\u0069ot` is the same string as `iot`,
// which a scanner looking for plain text would miss.
// ---------------------------------------------------------------------------

/** A JSON value to write; objects are key/value lists so duplicate keys can be written. */
type Value = string | number | boolean | null | Value[] | { entries: [string, Value][] };

function writeString(text: string, r: Rng, escapeRate: number, out: string[]): void {
  out.push('"');
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (ch === '"') out.push('\\"');
    else if (ch === '\\') out.push('\\\\');
    else if (code < 0x20) out.push(`\\u${code.toString(16).padStart(4, '0')}`);
    else if (code > 0xffff) out.push(r.next() < escapeRate ? ch.split('').map((u) => `\\u${u.charCodeAt(0).toString(16)}`).join('') : ch);
    else if (code >= 0xd800 && code <= 0xdfff) out.push(`\\u${code.toString(16)}`);
    else if (r.next() < escapeRate) out.push(r.next() < 0.5 ? `\\u${code.toString(16).padStart(4, '0')}` : `\\u${code.toString(16).padStart(4, '0').toUpperCase()}`);
    else if (ch === '/' && r.next() < 0.3) out.push('\\/');
    else out.push(ch);
  }
  out.push('"');
}

function write(value: Value, r: Rng, escapeRate: number, out: string[], indent: string | null, level = 0): void {
  const nl = (l: number) => (indent === null ? '' : `\n${indent.repeat(l)}`);
  if (typeof value === 'string') writeString(value, r, escapeRate, out);
  else if (typeof value === 'number' || typeof value === 'boolean' || value === null) out.push(JSON.stringify(value));
  else if (Array.isArray(value)) {
    out.push('[');
    value.forEach((v, i) => {
      if (i > 0) out.push(',');
      out.push(nl(level + 1));
      write(v, r, escapeRate, out, indent, level + 1);
    });
    if (value.length > 0) out.push(nl(level));
    out.push(']');
  } else {
    out.push('{');
    value.entries.forEach(([k, v], i) => {
      if (i > 0) out.push(',');
      out.push(nl(level + 1));
      writeString(k, r, escapeRate, out);
      out.push(indent === null ? ':' : ': ');
      write(v, r, escapeRate, out, indent, level + 1);
    });
    if (value.entries.length > 0) out.push(nl(level));
    out.push('}');
  }
}

/** `{"Records":[...]}` with the records written by `write` (the wrapper key as CloudTrail writes it). */
function logText(records: Value[], r: Rng, escapeRate = 0, indent: string | null = null): string {
  const out: string[] = [];
  write(records, r, escapeRate, out, indent, 1);
  return indent === null ? `{"Records":${out.join('')}}` : `{\n${indent}"Records": ${out.join('')}\n}`;
}

const obj = (entries: [string, Value][]): Value => ({ entries });

// ---------------------------------------------------------------------------
// Random records full of the traps: IoT words in values, nested Records and event
// source keys, wrappers, odd key cases, escapes, braces and quotes inside strings.
// ---------------------------------------------------------------------------

const TRAP_STRINGS = [
  'iot.amazonaws.com', 'IOT.AmazonAWS.com', 'credentials.iot.amazonaws.com', 'arn:aws:iot:us-east-1:123456789012:cert/abc123',
  'arn:aws-cn:iot:cn-north-1:123456789012:thing/t', 'arn:aws:iam::123456789012:role/IoTRole', '{"eventSource":"iot.amazonaws.com"}',
  '"eventSource":"iot.amazonaws.com"', '{"Records":[{', '},{', '}]}', '[', '\\', '\\u0069ot', '"', "'", 'José', 'mária 😀', '\u2028',
  '\ud800', 'patriot', 'IoT', 'sts.amazonaws.com', '', ' ', '\n\t', 'idiot{}[],:', 'arn:aws:iot', 'iotamazonaws',
  'NetworkActivity', 'AwsVpceEvent', 'Insight', '-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----', '2026-10-05 10:00:00', '05/10/2026 10:00',
];
const SOURCES = ['iot.amazonaws.com', 'IOT.amazonaws.com', 'ec2.amazonaws.com', 'sts.amazonaws.com', 'iam.amazonaws.com', '', 'iot.amazonaws.com ', 'iot'];
const KEYS = ['eventSource', 'EventSource', 'EVENTSOURCE', 'eventName', 'EventName', 'eventTime', 'EventTime', 'eventID', 'requestParameters',
  'RequestParamters', 'responseElements', 'userIdentity', 'Records', 'detail', 'detail-type', 'source', 'eventjson', 'CloudTrailEvent', 'x', 'timestamp',
  'eventJSON', 'EVENTJSON', 'cloudtrailevent', 'Detail', 'eventCategory', 'eventType', 'PrivateKey', 'keyPair'];

function randomString(r: Rng): string {
  if (r.next() < 0.5) return r.pick(TRAP_STRINGS);
  let s = '';
  const n = r.int(12);
  for (let i = 0; i < n; i++) s += r.pick(['a', 'i', 'o', 't', 'I', 'O', 'T', '.', ':', '"', '\\', '{', '}', '[', ']', ',', 'é', ' ', 'u', '/']);
  return s;
}

function randomValue(r: Rng, depth: number): Value {
  const k = r.int(depth > 3 ? 5 : 8);
  switch (k) {
    case 0: return randomString(r);
    case 1: return r.pick([0, -1, 1.5, 1e21, -0.25e-7, 123456789, 2 ** 53]);
    case 2: return r.next() < 0.5;
    case 3: return null;
    case 4: return randomString(r);
    case 5: return Array.from({ length: r.int(4) }, () => randomValue(r, depth + 1));
    default: return obj(Array.from({ length: r.int(5) }, () => [r.next() < 0.6 ? r.pick(KEYS) : randomString(r), randomValue(r, depth + 1)] as [string, Value]));
  }
}

function randomRecord(r: Rng): Value {
  const entries: [string, Value][] = [['eventVersion', '1.09']];
  const shape = r.int(10);
  if (shape === 0) {
    // the IoT guide's shape: no event source, an ARN decides
    entries.push(['EventName', 'AttachPolicy'], ['EventTime', '2026-10-05T10:00:00Z'], ['ErrorCode', '']);
    entries.push(['RequestParamters', obj([['principal', r.pick(['arn:aws:iot:us-east-1:1:cert/a', 'arn:aws:s3:::b', 'ARN:AWS:IOT:x'])], ['policyName', 'p']])]);
  } else if (shape === 1) {
    // a LookupEvents entry: the record is a JSON string, itself possibly escaped
    const inner = obj([['eventSource', r.pick(SOURCES)], ['eventName', 'CreateThing'], ['eventTime', '2026-10-05T10:00:00Z'], ['eventID', `e${r.int(1e6)}`]]);
    const text: string[] = [];
    write(inner, r, r.next() < 0.3 ? 0.3 : 0, text, null);
    entries.push(['EventName', 'CreateThing'], ['EventSource', 'cloudtrail.amazonaws.com'], ['CloudTrailEvent', text.join('')]);
  } else if (shape === 2) {
    // an EventBridge envelope
    entries.push(['detail-type', 'AWS API Call via CloudTrail'], ['source', 'aws.iot']);
    entries.push(['detail', obj([['eventSource', r.pick(SOURCES)], ['eventName', 'DeleteCertificate'], ['eventTime', '2026-10-05T10:00:00Z']])]);
  } else {
    entries.push(['userIdentity', obj([['type', 'AssumedRole'], ['invokedBy', r.pick(SOURCES)], ['arn', randomString(r)]])]);
    entries.push(['eventTime', '2026-10-05T10:00:00Z'], ['eventSource', r.pick(SOURCES)], ['eventName', r.pick(['CreatePolicy', 'AssumeRole', 'ListThings'])]);
    entries.push(['sourceIPAddress', r.pick(['iot.amazonaws.com', '192.0.2.1'])], ['requestParameters', randomValue(r, 1)]);
    if (r.next() < 0.3) entries.push([r.pick(KEYS), randomValue(r, 1)]); // duplicates and case variants
    entries.push(['eventID', `id-${r.int(1e9)}`], ['readOnly', r.next() < 0.5], ['recipientAccountId', '123456789012']);
  }
  // shuffle a little: CloudTrail's key order is not something to rely on
  if (r.next() < 0.3) entries.reverse();
  return obj(entries);
}

// ---------------------------------------------------------------------------

function reference(text: string): { count: number; iot: unknown[] } | null {
  try {
    const raw = rawRecordsOfText(text);
    return { count: raw.length, iot: iotRecordsOf(raw) };
  } catch {
    return null;
  }
}

/** Asserts agreement with the plain path; returns whether the fast path handled the text. */
function agreesOn(path: ScanPath | undefined, text: string): boolean {
  const ref = reference(text);
  const scan = scanText(text, path);
  if (scan === null) return false;
  expect(ref, `fast path accepted what the plain path rejects: ${text.slice(0, 200)}`).not.toBeNull();
  expect(scan.recordCount).toBe(ref!.count);
  expect(iotRecordsOf(scan.candidates)).toStrictEqual(ref!.iot);
  return true;
}

// Every way this machine can scan: the WebAssembly kernel with the candidate rules in
// TypeScript, and the native builds of both when `npm install` made them.
describe.each(scanPaths())('scanRecordsText against the plain path: %s', (path) => {
  const scanRecordsText = (text: string) => scanText(text, path);
  const agrees = (text: string) => agreesOn(path, text);

  it('finds IoT records hidden by escapes, case and wrappers, and ignores lookalikes', () => {
    const texts = [
      '{"Records":[]}',
      '{"Records":[{"eventSource":"iot\\u002eamazonaws.com","eventName":"CreateThing","eventID":"1"}]}',
      '{"Records":[{"event\\u0053ource":"iot.amazonaws.com","eventName":"CreateThing","eventID":"2"}]}',
      '{"Records":[{"eventSource":"\\u0069\\u006F\\u0074.amazonaws.com","eventName":"CreateThing"}]}',
      '{"Records":[{"EventSource":"IOT.AMAZONAWS.COM","EventName":"CreateThing"}]}',
      '{"Records":[{"eventSource":"ec2.amazonaws.com","eventName":"RunInstances","requestParameters":{"note":"\\"eventSource\\":\\"iot.amazonaws.com\\""}}]}',
      '{"Records":[{"eventSource":"ec2.amazonaws.com","eventName":"X","requestParameters":{"eventSource":"iot.amazonaws.com","Records":[{"eventSource":"iot.amazonaws.com","eventName":"Y"}]}}]}',
      '{"Records":[{"eventName":"AttachPolicy","RequestParamters":{"principal":"arn:aws:iot:us-east-1:1:cert/abc"}}]}',
      '{"Records":[{"eventName":"AttachPolicy","requestParameters":{"principal":"\\u0061rn:aws:\\u0069ot:us-east-1:1:cert/abc"}}]}',
      '{"Records":[{"eventName":"AttachPolicy","requestParameters":"{\\"principal\\":\\"arn:aws:\\\\u0069ot:us-east-1:1:cert/abc\\"}"}]}',
      '{"Records":[{"EventName":"CreateThing","EventSource":"cloudtrail.amazonaws.com","CloudTrailEvent":"{\\"eventSource\\":\\"\\\\u0069ot.amazonaws.com\\",\\"eventName\\":\\"CreateThing\\"}"}]}',
      '{"Records":[{"eventSource":"sts.amazonaws.com","eventName":"AssumeRole","sourceIPAddress":"iot.amazonaws.com","userAgent":"iot.amazonaws.com"}]}',
      '{"Records":[{"eventSource":"ec2.amazonaws.com","eventSource":"iot.amazonaws.com","eventName":"Dup"}]}',
      '{"Records":[{"eventSource":"iot.amazonaws.com","EventSource":"ec2.amazonaws.com","eventName":"Case"}]}',
      '{"Records":[{"eventSource":"","eventName":"Empty","requestParameters":{"target":"arn:aws:iot:eu-west-1:1:thing/t"}}]}',
      '{"Records":[{"a":"}]},{\\"eventSource\\":\\"iot.amazonaws.com\\"","eventName":"Q","eventSource":"s3.amazonaws.com"},{"eventName":"R","eventSource":"iot.amazonaws.com","x":[[[{"y":"]]]}"}]]]}]}',
      '{"Records":[{"eventSource":"iot.amazonaws.com","eventName":"N","n":[-0,1e5,2.5E-3,-12.75,true,false,null,{},[]]}]}',
      '{"Records":[{"eventSource":"iot.amazonaws.com","eventName":"U","s":"\\ud83d\\ude00 \\ud800 é 😀 \\u2028"}]}',
    ];
    for (const text of texts) expect(agrees(text), text).toBe(true);
  });

  it('finds IoT records wherever an `iot` can make one (wrapped, enveloped, by ARN) and not lookalikes', () => {
    const texts = [
      // a wrapped record's text, without \\u escapes: the inner value follows \"
      '{"Records":[{"eventName":"LookupEvents","eventSource":"cloudtrail.amazonaws.com","CloudTrailEvent":"{\\"eventSource\\":\\"iot.amazonaws.com\\",\\"eventName\\":\\"CreateThing\\",\\"eventID\\":\\"w1\\"}"}]}',
      '{"Records":[{"CloudTrailEvent":"{\\"eventSource\\": \\"iot.amazonaws.com\\", \\"eventName\\": \\"DeleteThing\\"}"}]}',
      // EventBridge's envelope: the record is the detail object
      '{"Records":[{"detail-type":"AWS API Call via CloudTrail","source":"aws.iot","detail":{"eventSource":"iot.amazonaws.com","eventName":"UpdateCertificate","eventID":"d1"}}]}',
      // a later duplicate key empties the event source: the IoT ARN before it decides (the
      // plain path keeps the first of keys that differ only in case: not an IoT record)
      '{"Records":[{"requestParameters":{"thingArn":"arn:aws:iot:eu-west-1:1:thing/t"},"eventName":"CreateThing","eventSource":"sts.amazonaws.com","eventSource":""}]}',
      '{"Records":[{"eventName":"CreateThing","eventSource":"sts.amazonaws.com","EVENTSOURCE":"IoT.amazonaws.com"}]}',
      // lookalike keys and other services' mentions: not IoT records
      '{"Records":[{"eventName":"AssumeRole","eventSource":"sts.amazonaws.com","xeventSource":"iot.amazonaws.com","userIdentity":{"invokedBy":"iot.amazonaws.com"}}]}',
      '{"Records":[{"eventName":"GetObject","eventSource":"s3.amazonaws.com","userAgent":"aws-sdk-js/3 api/iot#3.6","sourceIPAddress":"iot.amazonaws.com"}]}',
    ];
    for (const text of texts) expect(agrees(text), text).toBe(true);
    const iotCount = texts.map((t) => iotRecordsOf(scanRecordsText(t)!.candidates).length);
    expect(iotCount).toStrictEqual([1, 1, 1, 1, 0, 0, 0]);
  });

  it('agrees on wrapper keys in any case, network activity and Insights events, private keys and times without an offset', () => {
    const inner = '{\\"eventSource\\":\\"iot.amazonaws.com\\",\\"eventName\\":\\"CreateThing\\",\\"eventID\\":\\"w\\"}';
    const texts = [
      ...['eventJSON', 'EventJson', 'EVENTJSON', 'cloudtrailevent', 'CLOUDTRAILEVENT'].map((key) => `{"Records":[{"${key}":"${inner}"}]}`),
      '{"Records":[{"eventJSON":{"eventSource":"iot.amazonaws.com","eventName":"CreateThing"},"eventSource":"s3.amazonaws.com"}]}',
      '{"Records":[{"Detail-Type":"x","Source":"aws.iot","Detail":{"eventSource":"iot.amazonaws.com","eventName":"CreateThing"}}]}',
      '{"Records":[{"eventSource":"iot.amazonaws.com","eventName":"UpdateCertificate","eventType":"AwsVpceEvent","eventCategory":"NetworkActivity","eventID":"n"}]}',
      '{"Records":[{"eventSource":"iot.amazonaws.com","eventName":"UpdateCertificate","eventType":"AwsCloudTrailInsight","eventCategory":"Insight","eventID":"i"}]}',
      '{"Records":[{"eventSource":"iot.amazonaws.com","eventName":"CreateKeysAndCertificate","responseElements":{"keyPair":{"PrivateKey":"-----BEGIN RSA PRIVATE KEY-----\\nMIIE\\n-----END RSA PRIVATE KEY-----\\n"}}}]}',
      '{"Records":[{"eventSource":"iot.amazonaws.com","eventName":"CreateThing","eventTime":"2026-10-05 10:00:00.000"},{"eventSource":"iot.amazonaws.com","eventName":"CreateThing","eventTime":"05/10/2026 10:00"}]}',
    ];
    for (const text of texts) expect(agrees(text), text).toBe(true);
    expect(texts.map((t) => iotRecordsOf(scanRecordsText(t)!.candidates).length)).toStrictEqual([1, 1, 1, 1, 1, 1, 1, 0, 0, 1, 2]);
  });

  it('parses only records that can be IoT records', () => {
    const sts = '{"eventSource":"sts.amazonaws.com","eventName":"AssumeRole","userIdentity":{"invokedBy":"credentials.iot.amazonaws.com"},"requestParameters":{"roleArn":"arn:aws:iam::1:role/IoTRole"}}';
    const s3 = '{"eventSource":"s3.amazonaws.com","eventName":"GetObject","requestParameters":{"key":"a/b"}}';
    const iot = '{"eventSource":"iot.amazonaws.com","eventName":"CreateThing","eventID":"x"}';
    const scan = scanRecordsText(`{"Records":[${[sts, s3, iot, sts, s3].join(',')}]}`);
    expect(scan?.recordCount).toBe(5);
    expect(scan?.candidates).toStrictEqual([JSON.parse(iot)]);
  });

  it('finds each hit\'s record among many, first and last included, several hits in one', () => {
    const s3 = (n: number) => `{"eventSource":"s3.amazonaws.com","eventName":"GetObject","eventID":"s3-${n}"}`;
    const iot = (n: number) => `{"eventSource":"iot.amazonaws.com","eventName":"CreateThing","eventID":"iot-${n}","requestParameters":{"thingName":"iot-thing-${n}"}}`;
    const escaped = '{"eventSource":"\\u0069ot.amazonaws.com","eventName":"DeleteThing","eventID":"esc"}';
    const sts = '{"eventSource":"sts.amazonaws.com","eventName":"AssumeRole","sourceIPAddress":"iot.amazonaws.com","userAgent":"iot.amazonaws.com"}';
    const records = [iot(1), s3(1), s3(2), sts, s3(3), escaped, sts, iot(2), ...Array.from({ length: 40 }, (_, n) => s3(10 + n)), sts, iot(3)];
    const scan = scanRecordsText(`{"Records":[${records.join(',')}]}`);
    expect(scan?.recordCount).toBe(records.length);
    expect(scan?.candidates).toStrictEqual([iot(1), escaped, iot(2), iot(3)].map((r) => JSON.parse(r)));
  });

  it('agrees on seeded random record files, compact and with escapes everywhere', () => {
    let handled = 0;
    for (let seed = 1; seed <= 300; seed++) {
      const r = rng(seed);
      const records = Array.from({ length: 1 + r.int(25) }, () => randomRecord(r));
      const text = logText(records, r, seed % 3 === 0 ? 0.04 : 0);
      if (agrees(text)) handled++;
    }
    // compact text is the fast path's to handle, not to hand back
    expect(handled).toBe(300);
  });

  it('hands back what is deeper or denser than it handles, and stays right', () => {
    const deep = `{"Records":[{"eventSource":"iot.amazonaws.com","eventName":"Deep","d":${'['.repeat(70)}${']'.repeat(70)}}]}`;
    expect(scanRecordsText(deep)).toBeNull();
    expect(reference(deep)?.iot).toHaveLength(1);
    const tiny = `{"Records":[${Array.from({ length: 5000 }, (_, i) => (i === 4000 ? '{"eventSource":"iot.amazonaws.com","eventName":"T"}' : '{}')).join(',')}]}`;
    expect(scanRecordsText(tiny)).toBeNull();
    expect(reference(tiny)?.count).toBe(5000);
    const justDeepEnough = `{"Records":[{"eventSource":"iot.amazonaws.com","eventName":"D","d":${'['.repeat(55)}${']'.repeat(55)}}]}`;
    expect(agrees(justDeepEnough)).toBe(true);
  });

  it('agrees when escapes are so many that the scan hands the file back', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const r = rng(500 + seed);
      agrees(logText(Array.from({ length: 1 + r.int(10) }, () => randomRecord(r)), r, 0.5));
    }
  });

  it('hands pretty-printed and other layouts back, or agrees', () => {
    for (let seed = 1; seed <= 60; seed++) {
      const r = rng(1000 + seed);
      const records = Array.from({ length: 1 + r.int(6) }, () => randomRecord(r));
      agrees(logText(records, r, 0.05, r.pick(['  ', '\t', ''])));
      const compact = logText(records, r);
      for (const variant of [
        `${compact}\n`,
        `\n${compact}`,
        `\ufeff${compact}`,
        compact.replace('{"Records":', '{"records":'),
        compact.replace('{"Records":[', '[').slice(0, -1),
        compact.replace(/\]\}$/, '],"Events":[]}'),
        compact.replace('{"Records":[', '{"Records":[1,'),
        `${compact}\n${compact}`,
      ]) {
        agrees(variant);
      }
    }
  });

  it('never accepts text that JSON.parse rejects', () => {
    const edits = ['', ',', ':', '"', '\\', '{', '}', '[', ']', ' ', 'x', '0', '-', '.', 'e', 't', 'n', '\u0001', '\n'];
    let rejected = 0;
    for (let seed = 1; seed <= 2500; seed++) {
      const r = rng(50_000 + seed);
      const text = logText(Array.from({ length: 1 + r.int(3) }, () => randomRecord(r)), r, 0.05);
      const at = r.int(text.length);
      const cut = r.int(3);
      const mutated = text.slice(0, at) + r.pick(edits) + text.slice(at + cut);
      let valid = true;
      try {
        JSON.parse(mutated);
      } catch {
        valid = false;
      }
      if (!valid) {
        rejected++;
        expect(scanRecordsText(mutated), mutated).toBeNull();
      } else {
        agrees(mutated);
      }
    }
    expect(rejected).toBeGreaterThan(800);
  });

  it('rejects grammar errors that balanced brackets would hide', () => {
    for (const bad of [
      '{"Records":[{"a":1,}]}', '{"Records":[{"a":1},]}', '{"Records":[{"a" "b"}]}', '{"Records":[{"a","b":1}]}',
      '{"Records":[{"a":"b":"c"}]}', '{"Records":[{"a":1,2}]}', '{"Records":[{"a"}]}', '{"Records":[{"a":tru}]}',
      '{"Records":[{"a":nulll}]}', '{"Records":[{"a":01}]}', '{"Records":[{"a":1.}]}', '{"Records":[{"a":-}]}',
      '{"Records":[{"a":1e}]}', '{"Records":[{"a":"\\x"}]}', '{"Records":[{"a":"\\u12G4"}]}', '{"Records":[{"a":"\u0007"}]}',
      '{"Records":[{"a":1}{"b":2}]}', '{"Records":[{"a":[1:2]}]}', '{"Records":[{"a":{]}]}', '{"Records":[{"a":1}]}}',
      '{"Records":[{"a":1}],}', '{"Records":[{"a":"x"y}]}', '{"Records":[{:1}]}', '{"Records":[{"a":1,"b"}]}',
    ]) {
      expect(() => JSON.parse(bad)).toThrow();
      expect(scanRecordsText(bad), bad).toBeNull();
    }
  });

  it('counts records of any size across 64-byte blocks, with escapes on block edges', () => {
    for (let pad = 0; pad < 130; pad++) {
      const filler = 'x'.repeat(pad);
      const text = `{"Records":[{"eventName":"A","eventSource":"iot.amazonaws.com","f":"${filler}\\\\"},{"eventName":"B","f":"${filler}\\"iot\\u0022"},{"eventName":"C","eventSource":"i${'\\\\'.repeat(pad % 5)}ot"}]}`;
      expect(agrees(text), text).toBe(true);
    }
  });
});

describe('scanRecordsBytes', () => {
  it('reads nothing past the end of its input: a text cut short, in a buffer that goes on to complete it (as libdeflate\'s reused space can), is not taken', () => {
    // Each text is cut short; what follows it in the buffer would complete it, so a scan that read on would accept it.
    const cut: [string, string][] = [
      ['{"Records":[{"eventSource":"iot.amazonaws.com","eventName":"CreateThing"}', ']}'],
      ['{"Records":[{"eventSource":"iot.amazonaws.com","n":tru', 'e}]}'],
      ['{"Records":[{"a":"iot', '"}]}'],
      ['{"Records":[]', '}'],
    ];
    // A record of padding before, so that text + rest fills whole 64-byte blocks (one to four): a
    // kernel that took a whole last block as input would then see exactly the completed text.
    const padded = (text: string, rest: string, blocks: number) => {
      const body = text.slice('{"Records":['.length);
      const comma = body.startsWith(']') ? '' : ',';
      const n = 64 * blocks - text.length - rest.length - `{"pad":""}${comma}`.length;
      return n < 0 ? [] : [[`{"Records":[{"pad":"${'x'.repeat(n)}"}${comma}${body}`, rest] as const];
    };
    const cases = cut.flatMap(([text, rest]) => [[text, rest] as const, ...[1, 2, 3, 4].flatMap((blocks) => padded(text, rest, blocks))]);
    expect(cases.length).toBeGreaterThan(12);
    for (const [text, rest] of cases) {
      const buffer = Buffer.from(`${text}${rest}`);
      expect(scanRecordsBytes(buffer), text).not.toBeNull();
      const view = buffer.subarray(0, Buffer.byteLength(text));
      for (const path of scanPaths()) expect(scanRecordsBytes(view, path), `${path}: ${text}`).toBeNull();
    }
  });

  it('reads UTF-8 the way Buffer decoding does, invalid sequences included', () => {
    const head = Buffer.from('{"Records":[{"eventSource":"iot.amazonaws.com","eventName":"CreateThing","tag":"');
    const tail = Buffer.from('"},{"eventName":"X","eventSource":"s3.amazonaws.com"}]}');
    for (const middle of [Buffer.from([0xc3, 0xa9]), Buffer.from([0xe2, 0x82]), Buffer.from([0xff, 0xfe, 0x80]), Buffer.from('😀')]) {
      const bytes = Buffer.concat([head, middle, tail]);
      const scan = scanRecordsBytes(bytes);
      const raw = rawRecordsOfText(bytes.toString('utf8'));
      expect(scan?.recordCount).toBe(raw.length);
      expect(iotRecordsOf(scan!.candidates)).toStrictEqual(iotRecordsOf(raw));
    }
  });
});

describe('native scan kernel', () => {
  it('is built here on x86-64 (by npm install), unless IOT_AUDIT_NO_NATIVE=1', () => {
    if (process.arch !== 'x64' || process.env.IOT_AUDIT_NO_NATIVE === '1') return;
    expect(nativeIsas(), `${NATIVE_ADDON} missing or without AVX2: run npm install (it needs g++ and make), or set IOT_AUDIT_NO_NATIVE=1`).not.toStrictEqual([]);
  });

  it('reads a file bigger than the scratch space it keeps, then small ones, as the WebAssembly path does', () => {
    const record = (i: number) => `{"eventSource":"${i % 1000 === 0 ? 'iot' : 's3'}.amazonaws.com","eventName":"E${i}","pad":"${'x'.repeat(300)}"}`;
    const big = Buffer.from(`{"Records":[${Array.from({ length: 110_000 }, (_, i) => record(i)).join(',')}]}`);
    expect(big.length).toBeGreaterThan(33 << 20);
    const small = Buffer.from(`{"Records":[${[record(0), record(1)].join(',')}]}`);
    for (const isa of nativeIsas()) {
      for (const bytes of [big, small, big, small]) {
        const native = scanRecordsBytes(bytes, isa);
        expect(native?.recordCount, isa).toBe(bytes === big ? 110_000 : 2);
        expect(native, isa).toStrictEqual(scanRecordsBytes(bytes, 'wasm'));
      }
    }
  });
});

// Every kernel this machine can run: the WebAssembly one, and the native builds when
// `npm install` made them (scripts/build-native.mjs).
describe.each(scanKernels())('scan kernel: $name', ({ run }) => {
  it('rejects brackets that do not match or stand where no value may', () => {
    for (const bad of [
      '{"Records":[{"a":[1}]}', '{"Records":[{"a":{"b":1]}]}', '{"Records":[{"a":1,[2]}]}', '{"Records":[{"a":1,{"b":2}}]}',
      '{"Records":[{"a":1}{"b":2}]}', '{"Records":[{"a":[1,]}]}', '{"Records":[{"a":[,1]}]}', '{"Records":[{"a":{,"b":1}}]}',
      '{"Records":[{"a":1}]]', '{"Records":[{"a":1}]}]', '{"Records":[{"a":"x"}],"b":{}}{}', '{"Records":[{"a":[}]}',
      // after the root, nothing: a comma there passes every rule between two tokens
      '{"Records":[]},"a":"b"', '{"Records":[{"a":1}]},"b":{}', '[],"a":[]',
    ]) {
      expect(() => JSON.parse(bad), bad).toThrow();
      expect(run(Buffer.from(bad))?.status, bad).toBe(SCAN_INVALID);
      expect(scanText(bad), bad).toBeNull();
    }
    // a bracket after a comma is a value in an array
    expect(run(Buffer.from('{"Records":[{"a":[1,[2],{"b":[]}]}]}'))?.status).toBe(SCAN_OK);
  });

  it('never says OK to text that JSON.parse rejects, wrapper checks aside', () => {
    // The kernel alone, so a hole its callers' checks would hide still fails here.
    const edits = ['', ',', ':', '"', '\\', '{', '}', '[', ']', ' ', 'x', '0', '-', '.', 'e', 't', 'n', '\u0001', ',"k":"v"', ',"k":{}'];
    let rejected = 0;
    for (let seed = 1; seed <= 3000; seed++) {
      const r = rng(90_000 + seed);
      const text = logText(Array.from({ length: 1 + r.int(3) }, () => randomRecord(r)), r, 0.05);
      const at = r.next() < 0.2 ? text.length : r.int(text.length);
      const mutated = text.slice(0, at) + r.pick(edits) + text.slice(at + r.int(3));
      let valid = true;
      try {
        JSON.parse(mutated);
      } catch {
        valid = false;
      }
      if (valid) continue;
      rejected++;
      expect(run(Buffer.from(mutated))?.status, mutated).not.toBe(SCAN_OK);
    }
    expect(rejected).toBeGreaterThan(1000);
  });

  it('keeps its statuses: INVALID, DOUBT for whitespace after a literal or deep nesting, OVERFLOW', () => {
    const status = (text: string) => run(Buffer.from(text))?.status;
    expect(status('{"Records":[{"a":1 }]}')).toBe(SCAN_INVALID); // a space before }
    expect(status('{"Records":[{"a": 1}]}')).toBe(SCAN_DOUBT); // a space where a value starts
    expect(status('{"Records":[{"a" :1}]}')).toBe(SCAN_INVALID);
    expect(status('{"Records":[{"a":"\\u0007\\u0000"}]}')).toBe(SCAN_OK);
    expect(status(`{"Records":[{"a":"${String.fromCharCode(7)}"}]}`)).toBe(SCAN_INVALID);
    expect(status('{"Records":[{"a":"x"}],"b":\t1}')).toBe(SCAN_DOUBT); // a tab where a value starts
    expect(status(`{"Records":[{"d":${'['.repeat(58)}${']'.repeat(58)}}]}`)).toBe(SCAN_OK);
    expect(status(`{"Records":[{"d":${'['.repeat(59)}${']'.repeat(59)}}]}`)).toBe(SCAN_DOUBT);
    expect(status(`{"Records":[${Array.from({ length: 3000 }, () => '{}').join(',')}]}`)).toBe(SCAN_OVERFLOW);
    expect(status(`{"Records":[{"a":"${'iot'.repeat(400)}"}]}`)).toBe(SCAN_OVERFLOW);
    expect(status('{}{}')).toBe(SCAN_INVALID);
    expect(status('')).toBe(SCAN_OK);
  });

  it('finds brackets, escapes and every iot at any offset around the 64-byte block edges', () => {
    const iots = (text: string) => [...text.toLowerCase().matchAll(/iot/g)].map((m) => m.index! + 2);
    for (let pad = 0; pad < 140; pad++) {
      const x = 'x'.repeat(pad);
      const text = String.raw`{"Records":[{"k":"${x}","a":[{"b":[1,{}]},"IoT",[]]},{"s":"${x}iOt\\iot\"io\\u","t":"\u0069oT"},[{}]]}`;
      expect(agreesOn(undefined, text), text).toBe(true);
      const out = run(Buffer.from(text))!;
      expect(out.status).toBe(SCAN_OK);
      const spans = [...out.records];
      const pieces = [0, 2, 4].map((k) => text.slice(spans[k], spans[k + 1] + 1));
      expect(pieces.map((piece) => JSON.parse(piece))).toStrictEqual(JSON.parse(text).Records);
      // hits: each iot (at its t) and each u after a backslash (after `\\` too)
      const escapesU = [...text.matchAll(/\\u/g)].map((m) => m.index! + 1);
      expect([...out.hits].sort((a, b) => a - b)).toStrictEqual([...iots(text), ...escapesU].sort((a, b) => a - b));
    }
  });

  it('the kernel spans records exactly', () => {
    const text = '{"Records":[{"a":"{[\\"]}"},{"b":[{"c":{}}]},{}]}';
    const out = run(Buffer.from(text));
    expect(out?.status).toBe(SCAN_OK);
    const spans = [...out!.records];
    expect(spans.length).toBe(6);
    const pieces = [0, 2, 4].map((k) => text.slice(spans[k], spans[k + 1] + 1));
    expect(pieces).toStrictEqual(['{"a":"{[\\"]}"}', '{"b":[{"c":{}}]}', '{}']);
  });

  it('gives the WebAssembly kernel\'s verdict, records and hits on random and broken logs', () => {
    const edits = ['', ',', ':', '"', '\\', '{', '}', '[', ']', ' ', 'x', '0', '-', '.', 'e', 't', 'n', '\u0001', 'iot', '\\u0069'];
    const verdict = (bytes: Buffer, kernel: (bytes: Uint8Array) => ReturnType<typeof run>) => {
      const out = kernel(bytes)!;
      return out.status === SCAN_OK ? { records: [...out.records], hits: [...out.hits].sort((a, b) => a - b) } : 'not OK';
    };
    const wasm = scanKernels()[0]!.run;
    let ok = 0;
    for (let seed = 1; seed <= 1500; seed++) {
      const r = rng(40_000 + seed);
      const text = logText(Array.from({ length: 1 + r.int(6) }, () => randomRecord(r)), r, r.pick([0, 0.05, 0.5]));
      const at = r.int(text.length);
      for (const variant of [text, text.slice(0, at) + r.pick(edits) + text.slice(at + r.int(3))]) {
        const bytes = Buffer.from(variant);
        const expected = verdict(bytes, wasm);
        if (expected !== 'not OK') ok++;
        expect(verdict(bytes, run), variant).toStrictEqual(expected);
      }
    }
    expect(ok).toBeGreaterThan(1000);
  });
});

/** Every file of the fixture trees (logs, digests, broken files, other services' objects), by path. */
function fixtureFiles(): string[] {
  const root = path.resolve(import.meta.dirname, '../../fixtures');
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && /\.json(\.gz)?$/.test(entry.name) && entry.parentPath !== root)
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort();
}

describe('the fixtures, fast path against the plain path', () => {
  const files = fixtureFiles();

  it('are many files, of every kind the report reads or refuses', () => {
    expect(files.length).toBeGreaterThan(250);
    const results = files.map((file) => parseLogBytes(readFileSync(file)));
    expect(results.filter((r) => r.error === null && r.records.length > 0).length).toBeGreaterThan(100);
    expect(results.filter((r) => r.error !== null).length).toBeGreaterThan(2);
  });

  it.each(scanPaths())('every file gives the same records on scan path %s (or is handed to the plain path)', (scanPath) => {
    let handled = 0;
    for (const file of files) {
      const bytes = readFileSync(file);
      let text: string;
      try {
        text = (bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes) : bytes).toString('utf8');
      } catch {
        continue; // not gzip the plain path can read either: parseLogFast's case below
      }
      if (agreesOn(scanPath, text)) handled++;
    }
    // The logs CloudTrail writes (compact) are scanned, not handed back.
    expect(handled).toBeGreaterThan(180);
  });

  it('every file gives parseLogBytes results through parseLogFast (the gunzip and scan the workers use)', () => {
    for (const file of files) {
      const bytes = readFileSync(file);
      expect(parseLogFast(bytes), file).toStrictEqual(parseLogBytes(bytes));
    }
  });
});

describe('parseLogFast', () => {
  it('gives parseLogBytes results for every kind of file', () => {
    const r = rng(7);
    const compact = logText(Array.from({ length: 40 }, () => randomRecord(r)), r, 0.02);
    const pretty = logText(Array.from({ length: 5 }, () => randomRecord(r)), r, 0, '  ');
    const inputs = [
      Buffer.from(compact),
      gzipSync(compact),
      gzipSync(pretty),
      gzipSync(gzipSync(compact)),
      gzipSync(`\ufeff${compact}`),
      gzipSync(compact).subarray(0, 200),
      gzipSync(compact.slice(0, -3)),
      gzipSync('{"version":"0","findings":[]}'),
      gzipSync('[{"eventSource":"iot.amazonaws.com","eventName":"CreateThing"}]'),
      gzipSync(`${JSON.stringify({ Records: [{ eventSource: 'iot.amazonaws.com', eventName: 'A' }] })}\n${JSON.stringify({ Records: [{ eventSource: 'iot.amazonaws.com', eventName: 'B' }] })}\n`),
      gzipSync(JSON.stringify({ Events: [{ EventId: '1', CloudTrailEvent: JSON.stringify({ eventSource: 'iot.amazonaws.com', eventName: 'C', eventID: '1' }) }] })),
      // A record held as text past one record's limits (100,000 levels): the file is refused, on the plain path and the scan's.
      gzipSync(JSON.stringify({ Events: [{ EventId: '1', CloudTrailEvent: `{"eventSource":"iot.amazonaws.com","x":${'['.repeat(100_001)}${']'.repeat(100_001)}}` }] })),
      gzipSync(JSON.stringify({ Records: [{ eventSource: 'iot.amazonaws.com', eventName: 'D' }, { CloudTrailEvent: `{"eventSource":"iot.amazonaws.com","x":${'['.repeat(100_001)}${']'.repeat(100_001)}}` }] })),
      Buffer.alloc(0),
      Buffer.from('not json'),
    ];
    for (const bytes of inputs) expect(parseLogFast(bytes)).toStrictEqual(parseLogBytes(bytes));
  });
});
