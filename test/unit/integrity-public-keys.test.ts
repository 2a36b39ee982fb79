import { generateKeyPairSync, sign } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { cloudTrailKeyProvider } from '../../src/integrity/aws-keys.js';
import { verifyDigestSignature, verifyDigestSignatureOffThread } from '../../src/integrity/digest.js';
import { fetchPublicKeys, importPublicKey, indexPublicKeys, loadPublicKeysFile, parsePublicKeyList } from '../../src/integrity/public-keys.js';
import { startCloudTrailServer, type CloudTrailTestServer } from '../helpers/cloudtrail-server.js';

const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
const pkcs1 = pair.publicKey.export({ format: 'der', type: 'pkcs1' });
const spki = pair.publicKey.export({ format: 'der', type: 'spki' });
const CREDENTIALS = { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' };

describe('public key import', () => {
  it('reads bare PKCS#1 and SubjectPublicKeyInfo DER alike', () => {
    const signature = sign('sha256', Buffer.from('signed'), pair.privateKey).toString('hex');
    for (const der of [pkcs1, spki]) expect(verifyDigestSignature(importPublicKey(der), 'signed', signature)).toBe(true);
    expect(verifyDigestSignature(importPublicKey(pkcs1), 'other text', signature)).toBe(false);
    expect(verifyDigestSignature(importPublicKey(pkcs1), 'signed', 'zz')).toBe(false);
  });

  it('answers the same on the thread pool as on the main thread', async () => {
    const signature = sign('sha256', Buffer.from('signed'), pair.privateKey).toString('hex');
    const key = importPublicKey(pkcs1);
    const otherKey = other.publicKey;
    const cases: [typeof key, string, string][] = [
      [key, 'signed', signature],
      [key, 'other text', signature],
      [otherKey, 'signed', signature],
      [key, 'signed', signature.slice(2)], // a byte short
      [key, 'signed', signature.slice(1)], // odd length
      [key, 'signed', 'zz'],
      [key, 'signed', ''],
    ];
    const offThread = await Promise.all(cases.map(([k, text, sig]) => verifyDigestSignatureOffThread(k, text, sig)));
    expect(offThread).toStrictEqual(cases.map(([k, text, sig]) => verifyDigestSignature(k, text, sig)));
    expect(offThread).toStrictEqual([true, false, false, false, false, false, false]);
  });

  it('rejects what is not an RSA key, without failing the others', () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey.export({ format: 'der', type: 'spki' });
    const { keys, rejected } = indexPublicKeys([
      { fingerprint: 'good', value: pkcs1, validityStart: null, validityEnd: null },
      { fingerprint: 'ec', value: ec, validityStart: null, validityEnd: null },
      { fingerprint: 'junk', value: Buffer.from('junk'), validityStart: null, validityEnd: null },
    ]);
    expect([...keys.keys()]).toEqual(['good']);
    expect(rejected).toHaveLength(2);
    expect(rejected[0]).toMatch(/ec.*not an RSA key/);
  });
});

describe('list-public-keys files', () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(path.join(tmpdir(), 'keys-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads the CLI output (base64 values, ISO or epoch times)', async () => {
    const file = path.join(dir, 'keys.json');
    writeFileSync(
      file,
      JSON.stringify({
        PublicKeyList: [
          { Value: pkcs1.toString('base64'), ValidityStartTime: '2026-09-01T00:00:00+00:00', ValidityEndTime: 1_800_000_000, Fingerprint: 'aa11' },
          { Value: spki.toString('base64'), Fingerprint: 'bb22' },
        ],
      }),
    );
    const entries = await loadPublicKeysFile(file);
    expect(entries.map((e) => [e.fingerprint, e.validityStart, e.validityEnd])).toEqual([
      ['aa11', '2026-09-01T00:00:00.000Z', '2027-01-15T08:00:00.000Z'],
      ['bb22', null, null],
    ]);
    expect(entries[0].value.equals(pkcs1)).toBe(true);
  });

  it('says what is wrong with a file that is not one', async () => {
    const file = path.join(dir, 'bad.json');
    writeFileSync(file, '{"Keys": []}');
    await expect(loadPublicKeysFile(file)).rejects.toThrow(/list-public-keys/);
    writeFileSync(file, 'not json');
    await expect(loadPublicKeysFile(file)).rejects.toThrow(/not JSON/);
    await expect(loadPublicKeysFile(path.join(dir, 'absent.json'))).rejects.toThrow(/cannot read/);
    expect(() => parsePublicKeyList({ PublicKeyList: [{ Fingerprint: 'x', Value: '***' }] })).toThrow(/base64/);
  });
});

describe('ListPublicKeys against a loopback CloudTrail', () => {
  let server: CloudTrailTestServer;
  const keys = [
    { value: pkcs1, fingerprint: 'f1', validityStart: new Date('2026-09-01T00:00:00Z'), validityEnd: new Date('2026-10-15T00:00:00Z') },
    { value: other.publicKey.export({ format: 'der', type: 'pkcs1' }), fingerprint: 'f2', validityStart: new Date('2026-10-15T00:00:00Z'), validityEnd: new Date('2026-12-01T00:00:00Z') },
    { value: spki, fingerprint: 'f3', validityStart: new Date('2026-10-20T00:00:00Z'), validityEnd: new Date('2027-01-01T00:00:00Z') },
    { value: pkcs1, fingerprint: 'old', validityStart: new Date('2025-01-01T00:00:00Z'), validityEnd: new Date('2025-06-01T00:00:00Z') },
  ];
  beforeAll(async () => (server = await startCloudTrailServer({ keys, pageSize: 1 })));
  afterAll(async () => server?.stop());
  afterEach(() => {
    server.requests.length = 0;
    vi.unstubAllEnvs();
  });

  it('follows NextToken through every page and decodes the blobs', async () => {
    const client = new CloudTrailClient({ region: 'eu-west-1', endpoint: server.endpoint, credentials: CREDENTIALS });
    try {
      const entries = await fetchPublicKeys(client, new Date('2026-10-01T00:00:00Z'), new Date('2026-11-01T00:00:00Z'));
      expect(entries.map((e) => e.fingerprint)).toEqual(['f1', 'f2', 'f3']);
      expect(entries[0].value.equals(pkcs1)).toBe(true);
      expect(entries[1].validityStart).toBe('2026-10-15T00:00:00.000Z');
      expect(server.requests.map((r) => [r.target, r.body.NextToken])).toEqual([
        ['CloudTrail_20131101.ListPublicKeys', undefined],
        ['CloudTrail_20131101.ListPublicKeys', 'page-1'],
        ['CloudTrail_20131101.ListPublicKeys', 'page-2'],
      ]);
      expect(server.requests[0].body.StartTime).toBe(Date.parse('2026-10-01T00:00:00Z') / 1000);
      const { keys: index, rejected } = indexPublicKeys(entries);
      expect(rejected).toEqual([]);
      expect([...index.keys()]).toEqual(['f1', 'f2', 'f3']);
    } finally {
      client.destroy();
    }
  });

  it('reaches the endpoint from AWS_ENDPOINT_URL_CLOUDTRAIL, once per home region, a day around the period', async () => {
    vi.stubEnv('AWS_ENDPOINT_URL_CLOUDTRAIL', server.endpoint);
    vi.stubEnv('AWS_ACCESS_KEY_ID', CREDENTIALS.accessKeyId);
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', CREDENTIALS.secretAccessKey);
    const provider = cloudTrailKeyProvider({
      start: new Date('2026-10-01T00:00:00Z'),
      end: new Date('2026-11-01T00:00:00Z'),
      now: new Date('2026-11-02T06:00:00Z'),
    });
    const entries = await provider(['eu-west-1', 'us-east-1']);
    expect(entries.map((e) => e.fingerprint)).toEqual(['f1', 'f2', 'f3', 'f1', 'f2', 'f3']);
    const first = server.requests[0].body;
    expect([first.StartTime, first.EndTime]).toEqual([Date.parse('2026-09-30T00:00:00Z') / 1000, Date.parse('2026-11-02T06:00:00Z') / 1000]);
  });

  it('reaches up to now past a period long ended, as far as the check may read a trail\'s first digest after it (it stopped 16 days after the period: 2026-11-26 review): that digest is signed with a key of its time', async () => {
    vi.stubEnv('AWS_ENDPOINT_URL_CLOUDTRAIL', server.endpoint);
    vi.stubEnv('AWS_ACCESS_KEY_ID', CREDENTIALS.accessKeyId);
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', CREDENTIALS.secretAccessKey);
    const before = server.requests.length;
    await cloudTrailKeyProvider({ start: new Date('2026-10-01T00:00:00Z'), end: new Date('2026-11-01T00:00:00Z'), now: new Date('2027-03-01T00:00:00Z') })(['us-east-1']);
    const request = server.requests[before].body;
    expect(request.EndTime).toBe(Date.parse('2027-03-01T00:00:00Z') / 1000);
  });

  it('turns a service failure into a source error that names the offline way', async () => {
    vi.stubEnv('AWS_ENDPOINT_URL_CLOUDTRAIL', server.endpoint);
    vi.stubEnv('AWS_ACCESS_KEY_ID', CREDENTIALS.accessKeyId);
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', CREDENTIALS.secretAccessKey);
    const provider = cloudTrailKeyProvider({ start: new Date('2026-10-01T00:00:00Z'), end: new Date('2026-11-01T00:00:00Z'), now: new Date('2026-12-01T00:00:00Z') });
    server.failWith('AccessDeniedException');
    try {
      await expect(provider(['us-east-1'])).rejects.toMatchObject({
        exitCode: 3,
        message: expect.stringMatching(/AccessDeniedException.*cloudtrail:ListPublicKeys.*--public-keys FILE/),
      });
    } finally {
      server.failWith(null);
    }
  });
});
