import { describe, expect, it } from 'vitest';
import { isSafeKey, logFileNameTime, parseCompactTime, parseDigestName, sameObject, storeKeyFor } from '../../src/integrity/keys.js';
import { parseSignatures } from '../../src/integrity/signatures-file.js';

const DIGEST = 'AWSLogs/o-a1b2c3d4e5/111122223333/CloudTrail-Digest/eu-west-1/2026/10/01/111122223333_CloudTrail-Digest_eu-west-1_my_org_trail_us-east-1_20261001T101731Z.json.gz';

describe('digest names', () => {
  it('takes the time from the end, so trail names may contain underscores', () => {
    expect(parseDigestName(DIGEST)).toEqual({
      accountId: '111122223333',
      region: 'eu-west-1',
      trailName: 'my_org_trail',
      homeRegion: 'us-east-1',
      endTime: Date.parse('2026-10-01T10:17:31Z'),
      backfill: false,
    });
  });

  it('knows backfill digests and gunzipped local copies', () => {
    expect(parseDigestName(DIGEST.replace('.json.gz', '_backfill.json.gz'))).toMatchObject({ trailName: 'my_org_trail', backfill: true });
    expect(parseDigestName(DIGEST.replace('.json.gz', '.json'))).toMatchObject({ homeRegion: 'us-east-1' });
  });

  it('rejects what does not follow the layout', () => {
    expect(parseDigestName(DIGEST.replace('20261001T101731Z', '20261341T101731Z'))).toBeNull();
    expect(parseDigestName(DIGEST + '.sig')).toBeNull();
    expect(parseDigestName('AWSLogs/111122223333/CloudTrail-Digest/eu-west-1/notes.txt')).toBeNull();
    expect(parseCompactTime('20260230T000000Z')).toBeNaN();
  });
});

describe('log file names', () => {
  it('gives the delivery minute, gzipped or not', () => {
    const key = 'AWSLogs/111122223333/CloudTrail/eu-west-1/2026/10/01/111122223333_CloudTrail_eu-west-1_20261001T1005Z_AbCdEf0123456789.json.gz';
    expect(logFileNameTime(key)).toBe(Date.parse('2026-10-01T10:05:00Z'));
    expect(logFileNameTime(key.slice(0, -3))).toBe(Date.parse('2026-10-01T10:05:00Z'));
    expect(logFileNameTime('AWSLogs/x/evil.json.gz')).toBeNull();
  });
});

describe('keys of a local copy', () => {
  it('relates found and recorded keys whatever folder the copy starts at', () => {
    expect(sameObject(DIGEST, DIGEST, 's3')).toBe(true);
    expect(sameObject(DIGEST, `prefix/${DIGEST}`, 's3')).toBe(false);
    expect(sameObject(DIGEST, `prefix/${DIGEST}`, 'local')).toBe(true);
    expect(sameObject(`bucket/prefix/${DIGEST}`, `prefix/${DIGEST}`, 'local')).toBe(true);
    expect(sameObject(DIGEST.slice(0, -3), DIGEST, 'local')).toBe(true);
    expect(sameObject(DIGEST.replace('111122223333', '999988887777'), DIGEST, 'local')).toBe(false);
  });

  it('maps a log key from a digest to the store the same way', () => {
    const log = 'p/AWSLogs/111122223333/CloudTrail/eu-west-1/2026/10/01/x.json.gz';
    expect(storeKeyFor(log, DIGEST, `p/${DIGEST}`)).toBe('AWSLogs/111122223333/CloudTrail/eu-west-1/2026/10/01/x.json.gz');
    expect(storeKeyFor(log, `copy/p/${DIGEST}`, `p/${DIGEST}`)).toBe(`copy/${log}`);
    expect(storeKeyFor(log, `p/${DIGEST}`, `p/${DIGEST}`)).toBe(log);
    expect(storeKeyFor('other/AWSLogs/x.json.gz', DIGEST, `p/${DIGEST}`)).toBeNull();
  });

  it('refuses keys from a digest that would leave the store', () => {
    expect(isSafeKey('AWSLogs/1/CloudTrail/x.json.gz')).toBe(true);
    for (const bad of ['../etc/passwd', 'AWSLogs/../../x', '/abs/key', 'a//b', 'a\\b', 'a/\u0000b', '']) expect(isSafeKey(bad), bad).toBe(false);
  });
});

describe('--signatures files', () => {
  it('reads JSON and text forms, with s3:// URLs or keys', () => {
    expect(parseSignatures(JSON.stringify({ [`s3://bucket/${DIGEST}`]: 'ABCD' }))).toEqual(new Map([[DIGEST, 'abcd']]));
    expect(parseSignatures(`# saved\n${DIGEST} 0a0b\n\n0c0d ${DIGEST}.2\n`)).toEqual(
      new Map([
        [DIGEST, '0a0b'],
        [`${DIGEST}.2`, '0c0d'],
      ]),
    );
    expect(() => parseSignatures(`${DIGEST} not-hex`)).toThrow(/not hex/);
    expect(() => parseSignatures('{"k": 1}')).toThrow(/not a string/);
    expect(() => parseSignatures('{"k": ')).toThrow(/is not valid JSON \(.+\): give a JSON object \{"<digest key>": "<hex signature>"\} or lines "<digest key> <hex signature>"$/);
  });
});
