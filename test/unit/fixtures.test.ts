/**
 * The fixture generator: deterministic, committed output up to date, and every trap it
 * claims (expected.json `traps`) really present in the files, read back with zlib/JSON.
 */
import { execFileSync } from 'node:child_process';
import { createHash, createPublicKey, verify } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

type Json = Record<string, unknown>;
interface Trap {
  id: string;
  kind: string;
  title: string;
  eventIds: string[];
  keys: string[];
}
interface PeriodTruth {
  start: string;
  end: string;
  events: number;
  changes: number;
  eventIds: string[];
}
interface Expected {
  accounts: Record<string, string>;
  periods: Record<string, PeriodTruth>;
  unreadableFiles: { key: string; reason: string }[];
  skippedObjects: { key: string }[];
  accountsWithoutLogs: string[];
  accountsNotInOrganization: string[];
  integrity: { accountId: string; region: string; digests: number; publicKeyFingerprint: string; logFilesCovered: number };
  singleAccount: { periods: Record<string, PeriodTruth> };
  looseFiles: { periods: Record<string, PeriodTruth> };
  traps: Trap[];
}

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const SCRIPT = path.join(REPO, 'scripts', 'generate-fixtures.mjs');
const COMMITTED = path.join(REPO, 'fixtures');
const ORG_ROOT = 'org-trail';

const tmp: string[] = [];
let outA = '';
let outB = '';
let expected: Expected;

function generate(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'iot-audit-fixtures-'));
  tmp.push(dir);
  execFileSync(process.execPath, [SCRIPT, '--out', dir], { stdio: 'pipe' });
  return dir;
}

function listFiles(root: string, rel = ''): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(path.join(root, rel), { withFileTypes: true })) {
    const child = rel ? `${rel}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...listFiles(root, child));
    else out.push(child);
  }
  return out.sort();
}

const isGzip = (buf: Buffer) => buf.length >= 2 && buf[0] === 0x1f && buf[1] === 0x8b;
const inflate = (buf: Buffer) => (isGzip(buf) ? gunzipSync(buf) : buf);
const orgFile = (key: string) => readFileSync(path.join(outA, ORG_ROOT, key));
const recordsOf = (key: string): Json[] => (JSON.parse(inflate(orgFile(key)).toString('utf8')) as { Records: Json[] }).Records;
const idOf = (r: Json) => (r.eventID ?? r.EventID) as string;
const trap = (id: string): Trap => {
  const found = expected.traps.find((t) => t.id === id);
  if (!found) throw new Error(`no trap ${id} in expected.json`);
  return found;
};
/** Every copy of an event in the trap's files: [key, record]. */
const copies = (t: Trap, eventId: string) => t.keys.flatMap((k) => recordsOf(k).filter((r) => idOf(r) === eventId).map((r) => [k, r] as const));

/** Readable CloudTrail log files of the org trail: keys below `.../CloudTrail/` that are not broken. */
function logKeys(): string[] {
  const broken = new Set(expected.unreadableFiles.map((u) => u.key));
  return listFiles(path.join(outA, ORG_ROOT)).filter((k) => /\/CloudTrail\/[^/]+\/\d{4}\/\d{2}\/\d{2}\/\d{12}_CloudTrail_/.test(k) && !broken.has(k));
}

/** An independent reading of "IoT event": canonical source, or a guide-shaped record naming an IoT ARN. */
function iotEvent(r: Json): { id: string; time: string; name: string } | null {
  const params = r.requestParameters ?? r.RequestParamters ?? r.RequestParameters;
  const source = r.eventSource ?? r.EventSource;
  const isIot = source === 'iot.amazonaws.com' || (!source && JSON.stringify(params ?? null).includes('arn:aws:iot:'));
  if (!isIot) return null;
  const time = (r.eventTime as string) || (r.EventTime as string) || new Date(Number(r.timestamp) * 1000).toISOString().replace('.000Z', 'Z');
  return { id: idOf(r), time, name: (r.eventName ?? r.EventName) as string };
}

beforeAll(() => {
  outA = generate();
  outB = generate();
  expected = JSON.parse(readFileSync(path.join(outA, 'expected.json'), 'utf8')) as Expected;
}, 120_000);

afterAll(() => {
  for (const dir of tmp) rmSync(dir, { recursive: true, force: true });
});

describe('fixture generator', () => {
  it('writes byte-identical trees on every run', () => {
    const files = listFiles(outA);
    expect(listFiles(outB)).toEqual(files);
    const differing = files.filter((f) => !readFileSync(path.join(outA, f)).equals(readFileSync(path.join(outB, f))));
    expect(differing).toEqual([]);
  });

  it('matches the committed fixtures/ (regenerate with `npm run fixtures`)', () => {
    const files = listFiles(outA);
    expect(listFiles(COMMITTED)).toEqual(files);
    // Another zlib build may compress differently: gzip files then compare by their content.
    const stale = files.filter((f) => {
      const fresh = readFileSync(path.join(outA, f));
      const kept = readFileSync(path.join(COMMITTED, f));
      if (fresh.equals(kept)) return false;
      try {
        return !(isGzip(fresh) && isGzip(kept) && gunzipSync(fresh).equals(gunzipSync(kept)));
      } catch {
        return true;
      }
    });
    expect(stale).toEqual([]);
  });

  it('has a realistic size: 100-200 log files, under 2 MB, IoT a minority', () => {
    const all = listFiles(path.join(outA, ORG_ROOT));
    const logs = all.filter((k) => k.includes('/CloudTrail/'));
    const logFiles = logs.filter((k) => /\.json(\.gz)?$/.test(k));
    expect(logFiles.length).toBeGreaterThanOrEqual(100);
    expect(logFiles.length).toBeLessThanOrEqual(200);
    const bytes = listFiles(outA).reduce((n, f) => n + readFileSync(path.join(outA, f)).length, 0);
    expect(bytes).toBeLessThan(2 * 1024 * 1024);
    const records = logKeys().flatMap(recordsOf);
    const iot = records.filter((r) => iotEvent(r)).length;
    expect(iot / records.length).toBeGreaterThan(0.1);
    expect(iot / records.length).toBeLessThan(0.2);
    const types = new Set(records.map((r) => (r.userIdentity as Json | undefined)?.type).filter(Boolean));
    for (const t of ['Root', 'IAMUser', 'AssumedRole', 'Role', 'FederatedUser', 'AWSService', 'AWSAccount', 'WebIdentityUser', 'SAMLUser', 'IdentityCenterUser', 'Directory', 'Unknown']) {
      expect(types, t).toContain(t);
    }
  });

  it('logs every IoT action of FORMATS.md section 3 successfully at least once', () => {
    const ok = new Set(logKeys().flatMap(recordsOf).filter((r) => r.eventSource === 'iot.amazonaws.com' && !r.errorCode).map((r) => r.eventName as string));
    const required = [
      'CreateKeysAndCertificate', 'CreateCertificateFromCsr', 'RegisterCertificate', 'RegisterCertificateWithoutCA', 'UpdateCertificate',
      'DeleteCertificate', 'TransferCertificate', 'AcceptCertificateTransfer', 'RejectCertificateTransfer', 'CancelCertificateTransfer',
      'RegisterCACertificate', 'UpdateCACertificate', 'DeleteCACertificate', 'AttachThingPrincipal', 'DetachThingPrincipal',
      'CreateProvisioningClaim', 'CreateCertificateProvider', 'UpdateCertificateProvider', 'DeleteCertificateProvider',
      'CreatePolicy', 'CreatePolicyVersion', 'DeletePolicy', 'DeletePolicyVersion', 'SetDefaultPolicyVersion', 'AttachPolicy',
      'DetachPolicy', 'AttachPrincipalPolicy', 'DetachPrincipalPolicy', 'CreateThing', 'CreateThingGroup', 'CreateTopicRule',
      'CreateRoleAlias', 'UpdateRoleAlias', 'CreateAuthorizer', 'CreateDomainConfiguration', 'CreateProvisioningTemplate',
      'SetV2LoggingOptions', 'SetLoggingOptions', 'DescribeCertificate', 'ListPolicies', 'GetPolicy',
    ];
    expect(required.filter((a) => !ok.has(a))).toEqual([]);
  });

  it('agrees with an independent reading of the files for both time zones', () => {
    const seen = new Map<string, string>();
    for (const key of logKeys()) for (const r of recordsOf(key)) {
      const e = iotEvent(r);
      if (e) seen.set(e.id, e.time);
    }
    for (const truth of Object.values(expected.periods)) {
      const ids = [...seen].filter(([, t]) => t >= truth.start && t < truth.end).sort(([ia, ta], [ib, tb]) => ta.localeCompare(tb) || ia.localeCompare(ib)).map(([id]) => id);
      expect(ids).toEqual(truth.eventIds);
      expect(truth.events).toBe(ids.length);
    }
    const utc = new Set(expected.periods.UTC.eventIds);
    const paris = new Set(expected.periods['Europe/Paris'].eventIds);
    for (const id of [...trap('paris-only-start').eventIds, ...trap('late-month-start').eventIds]) expect([utc.has(id), paris.has(id)]).toEqual([false, true]);
    for (const id of [...trap('utc-only-end').eventIds, ...trap('late-month-end').eventIds]) expect([utc.has(id), paris.has(id)]).toEqual([true, false]);
    for (const id of [...trap('boundary-both').eventIds, ...trap('backfill').eventIds, ...trap('late-midnight').eventIds]) expect([utc.has(id), paris.has(id)]).toEqual([true, true]);
    for (const id of trap('boundary-neither').eventIds) expect([utc.has(id), paris.has(id)]).toEqual([false, false]);
    for (const id of [...trap('colliding-names').eventIds, ...trap('iot-text-in-other-service').eventIds, ...trap('guide-shape-not-iot').eventIds]) {
      expect(utc.has(id) || paris.has(id)).toBe(false);
    }
  });
});

describe('traps', () => {
  it('delivers late across midnight, month ends and as a backfill', () => {
    const delivered = (key: string) => key.match(/_(\d{8}T\d{4}Z)_/)![1];
    const check = (id: string, time: RegExp, folder: string) => {
      const t = trap(id);
      const [[key, rec]] = copies(t, t.eventIds[0]);
      expect(rec.eventTime).toMatch(time);
      expect(key).toContain(folder);
    };
    check('late-midnight', /^2026-10-14T23:5/, '/2026/10/15/');
    check('late-month-end', /^2026-10-31T23:5/, '/2026/11/01/');
    check('late-month-start', /^2026-09-30T23:5/, '/2026/10/01/');
    const backfill = trap('backfill');
    expect(backfill.keys).toHaveLength(1);
    const [key] = backfill.keys;
    const d = delivered(key);
    const deliveredAt = Date.parse(`${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}T${d.slice(9, 11)}:${d.slice(11, 13)}:00Z`);
    for (const id of backfill.eventIds) {
      const [[, rec]] = copies(backfill, id);
      expect(deliveredAt - Date.parse(rec.eventTime as string)).toBeGreaterThan(19 * 3600_000);
    }
  });

  it('repeats one event in two files and another twice in one file', () => {
    const two = trap('duplicate-two-files');
    const found = copies(two, two.eventIds[0]);
    expect(new Set(found.map(([k]) => k)).size).toBe(2);
    const same = trap('duplicate-same-file');
    expect(same.keys).toHaveLength(1);
    expect(copies(same, same.eventIds[0])).toHaveLength(2);
  });

  it('has other services with IoT-like names and IoT text, never from iot.amazonaws.com', () => {
    const collide = trap('colliding-names');
    const names = collide.eventIds.map((id) => copies(collide, id)[0][1]).map((r) => `${r.eventSource} ${r.eventName}`);
    for (const n of ['iam.amazonaws.com CreatePolicy', 'iam.amazonaws.com CreatePolicyVersion', 'iam.amazonaws.com DeletePolicy', 'iam.amazonaws.com SetDefaultPolicyVersion',
      'organizations.amazonaws.com AttachPolicy', 'organizations.amazonaws.com DetachPolicy', 'organizations.amazonaws.com CreatePolicy', 'acm.amazonaws.com DeleteCertificate']) {
      expect(names).toContain(n);
    }
    const text = trap('iot-text-in-other-service');
    const raw = text.eventIds.map((id) => copies(text, id)[0][1]);
    expect(raw.every((r) => r.eventSource !== 'iot.amazonaws.com')).toBe(true);
    const serialized = raw.map((r) => JSON.stringify(r.requestParameters)).join('\n');
    expect(serialized).toContain('iot.amazonaws.com');
    expect(serialized).toContain('\\"eventSource\\":\\"iot.amazonaws.com\\"');
    expect(serialized).toContain('arn:aws:iot:');
  });

  it("mixes records in the IoT guide's shape into canonical files", () => {
    const t = trap('guide-shape');
    const recs = t.eventIds.map((id) => copies(t, id)[0][1]);
    for (const r of recs) {
      expect(r).toHaveProperty('RequestParamters');
      expect(r).not.toHaveProperty('eventSource');
      expect(r).not.toHaveProperty('awsRegion');
      expect(r.ErrorCode).toBe('');
      expect(r.timestamp).toMatch(/^\d{10}$/);
      expect(JSON.stringify(r.RequestParamters)).toContain('arn:aws:iot:');
      expect((r.UserIdentity as Json).invokedBy).toBeTypeOf('object');
    }
    expect(recs.map((r) => r.EventTime === '')).toContain(true);
    for (const key of t.keys) expect(recordsOf(key).some((r) => typeof r.eventSource === 'string')).toBe(true);
  });

  it('stores files gunzipped and gzipped under either name', () => {
    const first = (id: string) => orgFile(trap(id).keys[0]);
    expect(trap('plain-json-file').keys[0]).toMatch(/\.json$/);
    expect(first('plain-json-file')[0]).toBe(0x7b);
    expect(trap('gzip-named-json').keys[0]).toMatch(/\.json$/);
    expect(isGzip(first('gzip-named-json'))).toBe(true);
    expect(trap('plain-named-gz').keys[0]).toMatch(/\.json\.gz$/);
    expect(first('plain-named-gz')[0]).toBe(0x7b);
  });

  it('has broken log files that really fail', () => {
    const [truncated, badJson, notTrail] = expected.unreadableFiles.map((u) => ({ ...u, data: orgFile(u.key) }))
      .sort((a, b) => ['truncated gzip', 'gzip of invalid JSON', 'valid JSON that is not CloudTrail'].indexOf(a.reason) - ['truncated gzip', 'gzip of invalid JSON', 'valid JSON that is not CloudTrail'].indexOf(b.reason));
    expect(truncated.key).toMatch(/\/2026\/10\/\d{2}\/.*\.json\.gz$/);
    expect(() => gunzipSync(truncated.data)).toThrow();
    expect(() => JSON.parse(gunzipSync(badJson.data).toString('utf8'))).toThrow(SyntaxError);
    expect(JSON.parse(gunzipSync(notTrail.data).toString('utf8'))).toEqual({ hello: 'world' });
  });

  it('puts objects that are not logs beside the logs', () => {
    const keys = expected.skippedObjects.map((s) => s.key);
    const config = keys.find((k) => k.endsWith('/Config/ConfigWritabilityCheckFile'))!;
    expect(orgFile(config)).toHaveLength(0);
    expect(keys.some((k) => /\/elasticloadbalancing\//.test(k))).toBe(true);
    expect(keys.some((k) => /\/CloudTrail\/[^/]+\/\d{4}\/\d{2}\/\d{2}\/\.DS_Store$/.test(k))).toBe(true);
    expect(keys.some((k) => /\/CloudTrail\/[^/]+\/\d{4}\/\d{2}\/\d{2}\/README\.txt$/.test(k))).toBe(true);
    const insight = keys.find((k) => k.includes('/CloudTrail-Insight/'))!;
    expect(recordsOf(insight).every((r) => r.eventCategory === 'Insight' && !('userIdentity' in r))).toBe(true);
    expect(listFiles(path.join(outA, ORG_ROOT)).some((k) => k.includes('/CloudTrail-Digest/'))).toBe(true);
  });

  it('records a policy document CloudTrail did not keep, and hostile values', () => {
    const t = trap('policy-not-recorded');
    const [omitted, hidden] = t.eventIds.map((id) => copies(t, id)[0][1]);
    expect(omitted.requestParameters).toMatchObject({ omitted: true });
    expect((hidden.requestParameters as Json).policyDocument).toBe('HIDDEN_DUE_TO_SECURITY_REASONS');
    const h = trap('hostile-values');
    const [ok, failed] = h.eventIds.map((id) => copies(h, id)[0][1]);
    expect(ok.userAgent).toContain('<script>');
    expect((failed.requestParameters as Json).thingName).toMatch(/^<img .*\u202E/u);
    expect(failed.errorMessage).toContain('<script>');
  });

  it('lists accounts as Organizations prints them, with a stray and a silent account', () => {
    const accounts = (JSON.parse(readFileSync(path.join(outA, 'accounts.json'), 'utf8')) as { Accounts: Json[] }).Accounts;
    expect(accounts).toHaveLength(4);
    expect(accounts.filter((a) => !('State' in a) && a.Status === 'ACTIVE')).toHaveLength(1);
    expect(accounts.find((a) => a.Name === 'legacy-fleet')).toMatchObject({ State: 'SUSPENDED' });
    const folders = new Set(logKeys().map((k) => k.split('/')[3]));
    expect(expected.accountsWithoutLogs).toEqual([expected.accounts['security-tooling']]);
    expect(folders.has(expected.accounts['security-tooling'])).toBe(false);
    expect(expected.accountsNotInOrganization).toEqual([expected.accounts.stray]);
    expect(accounts.map((a) => a.Id)).not.toContain(expected.accounts.stray);
    expect(folders.has(expected.accounts.stray)).toBe(true);
  });

  it('has a denied burst of at least 15 calls by one principal within 10 minutes', () => {
    const t = trap('denied-burst');
    const recs = t.eventIds.map((id) => copies(t, id)[0][1]);
    expect(recs.length).toBeGreaterThanOrEqual(15);
    expect(new Set(recs.map((r) => (r.userIdentity as Json).arn)).size).toBe(1);
    expect(recs.every((r) => r.errorCode === 'AccessDeniedException')).toBe(true);
    const times = recs.map((r) => Date.parse(r.eventTime as string));
    expect(Math.max(...times) - Math.min(...times)).toBeLessThan(10 * 60_000);
  });
});

describe('digest chain', () => {
  it('is a valid signed hourly chain over every log file it covers', () => {
    const keys = listFiles(path.join(outA, ORG_ROOT)).filter((k) => k.includes('/CloudTrail-Digest/') && k.endsWith('.json.gz')).sort();
    expect(keys).toHaveLength(expected.integrity.digests);
    const { PublicKeyList } = JSON.parse(readFileSync(path.join(outA, 'public-keys.json'), 'utf8')) as { PublicKeyList: { Value: string; Fingerprint: string }[] };
    const der = Buffer.from(PublicKeyList[0].Value, 'base64');
    expect(PublicKeyList[0].Fingerprint).toBe(createHash('md5').update(der).digest('hex'));
    const publicKey = createPublicKey({ key: der, format: 'der', type: 'pkcs1' });
    const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
    let previous: { key: string; raw: Buffer; signature: string; end: string } | null = null;
    const listed = new Set<string>();
    for (const key of keys) {
      const raw = gunzipSync(orgFile(key));
      const d = JSON.parse(raw.toString('utf8')) as Json & { logFiles: Json[] };
      const signature = orgFile(`${key}.sig`).toString('utf8').trim();
      expect(d.digestS3Object).toBe(key);
      expect(d.digestPublicKeyFingerprint).toBe(PublicKeyList[0].Fingerprint);
      expect(key.endsWith(`_${(d.digestEndTime as string).replace(/[-:]/g, '')}.json.gz`)).toBe(true);
      expect(Date.parse(d.digestEndTime as string) - Date.parse(d.digestStartTime as string)).toBe(3600_000);
      if (previous) {
        expect(d.digestStartTime).toBe(previous.end);
        expect(d.previousDigestS3Object).toBe(previous.key);
        expect(d.previousDigestHashValue).toBe(sha(previous.raw));
        expect(d.previousDigestSignature).toBe(previous.signature);
      } else {
        expect(d.previousDigestSignature).toBeNull();
      }
      const toSign = `${d.digestEndTime}\n${d.digestS3Bucket}/${key}\n${sha(raw)}\n${d.previousDigestSignature ?? 'null'}`;
      expect(verify('sha256', Buffer.from(toSign), publicKey, Buffer.from(signature, 'hex'))).toBe(true);
      for (const f of d.logFiles) {
        expect(sha(inflate(orgFile(f.s3Object as string)))).toBe(f.hashValue);
        listed.add(f.s3Object as string);
      }
      previous = { key, raw, signature, end: d.digestEndTime as string };
    }
    expect(listed.size).toBe(expected.integrity.logFilesCovered);
    const { accountId, region } = expected.integrity;
    const inWindow = logKeys().filter((k) => k.includes(`/${accountId}/CloudTrail/${region}/`) && /\/2026\/10\/0[1-3]\//.test(k));
    expect(inWindow.filter((k) => !listed.has(k))).toEqual([]);
  });
});

describe('other layouts', () => {
  it('has a single-account trail and loose files in three wrappings', () => {
    const single = listFiles(path.join(outA, 'single-account'));
    expect(single.length).toBeGreaterThan(0);
    expect(single.every((k) => /^AWSLogs\/\d{12}\/CloudTrail\/us-east-1\/\d{4}\/\d{2}\/\d{2}\//.test(k))).toBe(true);
    const ids = new Set(single.flatMap((k) => (JSON.parse(inflate(readFileSync(path.join(outA, 'single-account', k))).toString('utf8')) as { Records: Json[] }).Records)
      .map((r) => iotEvent(r)).filter((e) => e !== null && e.time.startsWith('2026-10')).map((e) => e!.id));
    expect([...ids].sort()).toEqual([...expected.singleAccount.periods.UTC.eventIds].sort());

    const loose = path.join(outA, 'loose-files');
    const lookup = JSON.parse(readFileSync(path.join(loose, 'lookup-events.json'), 'utf8')) as { Events: { EventId: string; CloudTrailEvent: string }[] };
    const fromLookup = lookup.Events.map((e) => JSON.parse(e.CloudTrailEvent) as Json);
    expect(fromLookup.map(idOf)).toEqual(lookup.Events.map((e) => e.EventId));
    const bridge = readFileSync(path.join(loose, 'eventbridge-events.json'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Json);
    expect(bridge.every((b) => b['detail-type'] === 'AWS API Call via CloudTrail')).toBe(true);
    const plain = (JSON.parse(readFileSync(path.join(loose, 'records-2026-10-09.json'), 'utf8')) as { Records: Json[] }).Records;
    const looseIds = [...fromLookup, ...bridge.map((b) => b.detail as Json), ...plain].map(iotEvent).filter((e) => e !== null).map((e) => e!.id);
    expect(looseIds.sort()).toEqual([...expected.looseFiles.periods.UTC.eventIds].sort());
  });
});
