/**
 * Finding `AWSLogs/` below a source's root (`findAwsLogsLevels`, for the report's `discoverTrails`
 * and the integrity check's `discoverLocations`): every branch is searched, not only down to the
 * first depth that had one (two trails may share a bucket under different key prefixes); a key
 * prefix of many folders is found; a search stopped short (too deep, too many folders) is one
 * source problem that says what to do, and a search that finished is none; the common buckets
 * (`AWSLogs/` at the root, `org/AWSLogs/`) cost the listings they always did, each folder once.
 */
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { discoverTrails } from '../../src/cloudtrail/layout.js';
import { collect } from '../../src/collect/run.js';
import { resolvePeriod } from '../../src/collect/period.js';
import { discoverLocations, Lister } from '../../src/integrity/discover.js';
import { parsePublicKeyList } from '../../src/integrity/public-keys.js';
import { verifyIntegrity } from '../../src/integrity/verify.js';
import { LocalStore } from '../../src/sources/local.js';
import { CountingStore } from '../helpers/counting-store.js';
import { MemoryBucket } from '../helpers/memory-bucket.js';
import { buildDigestTree, generateRsaKeyPair, rewriteLog } from '../helpers/digest-tree.js';
import { logKey, record, writeTree } from '../helpers/trail-tree.js';

const ORG = 'o-abcdefghij';
const A = '111122223333';
const B = '444455556666';
const october = resolvePeriod({ period: '2026-10', tz: 'UTC' }, new Date('2026-11-24T00:00:00Z'));
const DAY = { start: new Date('2026-10-01T00:00:00Z'), end: new Date('2026-10-02T00:00:00Z') };
const STOP_REASON = /^stopped looking for AWSLogs\/ .*: pass the prefix that holds AWSLogs\/ as --source \(s3:\/\/bucket\/prefix or the folder\)$/;

const ids = (result: Awaited<ReturnType<typeof collect>>) => result.records.map((r) => r.record.eventId);
/** `n` folder names: `p1/p2/.../pn/`. */
const deepPrefix = (n: number) => Array.from({ length: n }, (_, i) => `p${i + 1}/`).join('');

/** An account trail without a key prefix and an organization trail under `org/`, one log file each. */
function twoTrails(): string {
  return writeTree({
    [logKey({ account: A, region: 'us-east-1', delivered: '2026-10-05T10:05' })]: [record({ eventID: 'acct-trail', eventTime: '2026-10-05T10:00:00Z' })],
    [logKey({ prefix: 'org/', org: ORG, account: B, region: 'eu-west-1', delivered: '2026-10-06T10:05' })]: [
      record({ eventID: 'org-trail', eventTime: '2026-10-06T10:00:00Z', recipientAccountId: B }),
    ],
  });
}

/** One account trail under `prefix`: a log file of October and one of August. */
function trailUnder(prefix: string): string {
  return writeTree({
    [logKey({ prefix, account: A, region: 'us-east-1', delivered: '2026-10-05T10:05' })]: [record({ eventID: 'oct', eventTime: '2026-10-05T10:00:00Z' })],
    [logKey({ prefix, account: A, region: 'us-east-1', delivered: '2026-08-05T10:05' })]: [record({ eventID: 'aug', eventTime: '2026-08-05T10:00:00Z' })],
  });
}

describe('two trails in one bucket, at depths 0 and 1', () => {
  it('collect reads both trails, with no problem', async () => {
    const result = await collect({ stores: [new LocalStore(twoTrails())], period: october, lateDays: 1, concurrency: 2 });
    expect(ids(result)).toEqual(['acct-trail', 'org-trail']);
    expect(result.problems).toEqual([]);
  });

  it('discovery finds the trail folders of both', async () => {
    const d = await discoverTrails(new LocalStore(twoTrails()));
    expect(d.locations.map((l) => l.prefix)).toEqual([`AWSLogs/${A}/CloudTrail/us-east-1/`, `org/AWSLogs/${ORG}/${B}/CloudTrail/eu-west-1/`]);
    expect(d.organizationIds).toEqual([ORG]);
    expect(d.problems).toEqual([]);
  });

  it('verify checks the prefixed trail too: a modified log file of it fails the check, and the clean pair passes', async () => {
    const build = () => {
      const root = mkdtempSync(path.join(tmpdir(), 'awslogs-two-'));
      const keyPair = generateRsaKeyPair();
      const opts = { root, keyPair, sidecars: true, accounts: ['111111111111'], regions: ['eu-west-1'] };
      const account = buildDigestTree({ ...opts, organizationId: null, trailName: 'acct-trail' });
      const org = buildDigestTree({ ...opts, prefix: 'org', trailName: 'org-trail' });
      return { root, account, org };
    };
    const clean = build();
    const passed = await verifyIntegrity({ stores: [new LocalStore(clean.root)], ...DAY, publicKeys: parsePublicKeyList(clean.org.publicKeyList) });
    expect(passed.problems.map((p) => p.kind)).toEqual([]);
    expect(passed.ok).toBe(true);
    // Both trails' chains were checked.
    const trails = passed.chains.flatMap((c) => c.trails).join(' ');
    expect(trails).toContain('acct-trail');
    expect(trails).toContain('org-trail');

    const tampered = build();
    const key = tampered.org.logs[10].key;
    expect(key.startsWith('org/AWSLogs/')).toBe(true);
    rewriteLog(tampered.org, key, (log) => {
      log.Records[0].eventName = 'DeletePolicy';
    });
    const failed = await verifyIntegrity({ stores: [new LocalStore(tampered.root)], ...DAY, publicKeys: parsePublicKeyList(tampered.org.publicKeyList) });
    expect(failed.ok).toBe(false);
    expect(failed.problems.some((p) => p.key === key)).toBe(true);
  });
});

describe('a trail whose key prefix has five folders', () => {
  const prefix = 'logs/cloudtrail/prod/eu/org/';

  it('collect reads it as the trail layout: only the period\'s day folders, no problem', async () => {
    const result = await collect({ stores: [new LocalStore(trailUnder(prefix))], period: october, lateDays: 1, concurrency: 2 });
    expect(ids(result)).toEqual(['oct']);
    expect({ layout: result.sources[0].layout, filesRead: result.stats.filesRead, problems: result.problems }).toEqual({ layout: 'account', filesRead: 1, problems: [] });
  });

  it('verify passes a clean trail', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'awslogs-deep-'));
    const t = buildDigestTree({ root, keyPair: generateRsaKeyPair(), sidecars: true, prefix: prefix.slice(0, -1), accounts: ['111111111111'], regions: ['eu-west-1'] });
    const result = await verifyIntegrity({ stores: [new LocalStore(root)], ...DAY, publicKeys: parsePublicKeyList(t.publicKeyList) });
    expect(result.problems.map((p) => p.kind)).toEqual([]);
    expect(result.ok).toBe(true);
    expect(result.chains.reduce((n, c) => n + c.logFilesValid, 0)).toBeGreaterThan(0);
  });

  it('is found in a bucket by delimiter listings, one per folder on the way, never the bucket whole', async () => {
    const keys = [
      `${prefix}AWSLogs/${A}/CloudTrail/us-east-1/2026/10/05/x.json.gz`,
      `AWSLogs/${B}/CloudTrail/eu-west-1/2026/10/05/y.json.gz`,
      'readme.txt',
    ];
    const bucket = new MemoryBucket(keys);
    const d = await discoverTrails(bucket);
    expect(d.locations.map((l) => l.prefix)).toEqual([`AWSLogs/${B}/CloudTrail/eu-west-1/`, `${prefix}AWSLogs/${A}/CloudTrail/us-east-1/`]);
    expect(d.problems).toEqual([]);
    expect(bucket.listed).toEqual([
      // The search: the root, then each folder of the prefix.
      '',
      'logs/',
      'logs/cloudtrail/',
      'logs/cloudtrail/prod/',
      'logs/cloudtrail/prod/eu/',
      prefix,
      // The walk of each AWSLogs/.
      'AWSLogs/',
      `AWSLogs/${B}/CloudTrail/`,
      `${prefix}AWSLogs/`,
      `${prefix}AWSLogs/${A}/CloudTrail/`,
    ]);
  });
});

describe('a search stopped short is one source problem that says what to do', () => {
  it('a key prefix of 12 folders is found; one of 13 is not, and that is said once', async () => {
    const found = await discoverTrails(new LocalStore(trailUnder(deepPrefix(12))));
    expect(found.locations.map((l) => l.prefix)).toEqual([`${deepPrefix(12)}AWSLogs/${A}/CloudTrail/us-east-1/`]);
    expect(found.problems).toEqual([]);

    // An account trail at the root, and one under a key prefix of 13 folders.
    const root = writeTree({
      [logKey({ account: B, region: 'eu-west-1', delivered: '2026-10-05T10:05' })]: [record({ eventID: 'root-trail', recipientAccountId: B })],
      [logKey({ prefix: deepPrefix(13), account: A, region: 'us-east-1', delivered: '2026-10-05T10:05' })]: [record({ eventID: 'too-deep' })],
    });
    const store = new LocalStore(root);
    const d = await discoverTrails(store);
    expect(d.locations.map((l) => l.prefix)).toEqual([`AWSLogs/${B}/CloudTrail/eu-west-1/`]);
    expect(d.problems).toEqual([
      {
        key: deepPrefix(13),
        source: store.label,
        reason: 'stopped looking for AWSLogs/ more than 12 folders deep, 1 not searched: pass the prefix that holds AWSLogs/ as --source (s3://bucket/prefix or the folder)',
      },
    ]);
    expect(d.problems[0].reason).toMatch(STOP_REASON);
    // The report reads the trail found and names the problem once.
    const result = await collect({ stores: [new LocalStore(root)], period: october, lateDays: 1, concurrency: 2 });
    expect(ids(result)).toEqual(['root-trail']);
    expect(result.problems).toEqual(d.problems);
  });

  it('verify names the folders it did not search beside the trail it checked, as a warning: the trail passes', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'awslogs-verify-stopped-'));
    const t = buildDigestTree({ root, keyPair: generateRsaKeyPair(), sidecars: true, accounts: ['111111111111'], regions: ['eu-west-1'] });
    mkdirSync(path.join(root, deepPrefix(14)), { recursive: true });
    const result = await verifyIntegrity({ stores: [new LocalStore(root)], ...DAY, publicKeys: parsePublicKeyList(t.publicKeyList) });
    expect(result.problems.map((p) => [p.kind, p.severity, p.key])).toEqual([['listing-failed', 'warning', deepPrefix(13)]]);
    expect(result.problems[0].message).toMatch(/^stopped looking for AWSLogs\/ more than 12 folders deep, 1 not searched: pass the prefix that holds AWSLogs\//);
    expect(result.ok).toBe(true);
  });

  it('verify passes a trail beside a bucket\'s other data past the listing budget (600 partition folders), naming the stop as a warning (2026-11-26 review)', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'awslogs-verify-budget-'));
    const t = buildDigestTree({ root, keyPair: generateRsaKeyPair(), sidecars: true, accounts: ['111111111111'], regions: ['eu-west-1'] });
    for (let i = 0; i < 600; i++) mkdirSync(path.join(root, 'datalake', 'events', `dt=${i}`), { recursive: true });
    const result = await verifyIntegrity({ stores: [new LocalStore(root)], ...DAY, publicKeys: parsePublicKeyList(t.publicKeyList) });
    expect(result.problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(result.problems.map((p) => [p.kind, p.severity])).toEqual([['listing-failed', 'warning']]);
    expect(result.ok).toBe(true);
  });

  it('verify with nothing to check for the account asked for says the search stopped short, with its advice (2026-11-26 review)', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'awslogs-verify-none-'));
    const t = buildDigestTree({ root, keyPair: generateRsaKeyPair(), sidecars: true, accounts: ['111111111111'], regions: ['eu-west-1'] });
    buildDigestTree({ root, keyPair: generateRsaKeyPair(), sidecars: true, prefix: deepPrefix(13).slice(0, -1), accounts: ['222222222222'], regions: ['eu-west-1'] });
    const error = await verifyIntegrity({
      stores: [new LocalStore(root)],
      ...DAY,
      accounts: ['222222222222'],
      publicKeys: parsePublicKeyList(t.publicKeyList),
      nothingToCheck: 'source-error',
    }).catch((e: unknown) => e);
    expect((error as Error).message).toBe(
      `no trail folder was found for what was asked, and the search stopped looking for AWSLogs/ more than 12 folders deep, 1 not searched: pass the prefix that holds AWSLogs/ as --source (s3://bucket/prefix or the folder) (first not searched: ${deepPrefix(13)})`,
    );
  });

  it('a local folder where no AWSLogs/ is found is read whole, every file, with no problem however deep it is', async () => {
    const root = trailUnder(deepPrefix(13));
    const d = await discoverTrails(new LocalStore(root));
    expect({ layout: d.layout, problems: d.problems }).toEqual({ layout: 'files', problems: [] });
    const result = await collect({ stores: [new LocalStore(root)], period: october, lateDays: 1, concurrency: 2 });
    expect(ids(result)).toEqual(['oct']);
    expect(result.stats.filesRead).toBe(2);
    expect(result.problems).toEqual([]);
  });

  it('past the listing budget: the trail found is read, and the folders not searched are one problem', async () => {
    const root = trailUnder('');
    // 600 folders beside AWSLogs/: more than the search lists.
    for (let i = 0; i < 600; i++) mkdirSync(path.join(root, 'other', `d${String(i).padStart(3, '0')}`), { recursive: true });
    const store = new CountingStore(root);
    const d = await discoverTrails(store);
    expect(d.locations.map((l) => l.prefix)).toEqual([`AWSLogs/${A}/CloudTrail/us-east-1/`]);
    // The root, other/, and 498 of its 600 folders: 500 listings, the rest not searched.
    expect(store.listed.filter((p) => !p.startsWith('AWSLogs/'))).toHaveLength(500);
    expect(d.problems).toEqual([
      {
        key: 'other/d498/',
        source: store.label,
        reason: 'stopped looking for AWSLogs/ after listing 500 folders, 102 not searched: pass the prefix that holds AWSLogs/ as --source (s3://bucket/prefix or the folder)',
      },
    ]);
    const result = await collect({ stores: [new LocalStore(root)], period: october, lateDays: 1, concurrency: 2 });
    expect(ids(result)).toEqual(['oct']);
    expect(result.problems.map((p) => p.key)).toEqual(['other/d498/']);
  });

  it('on S3, where no AWSLogs/ found means listing the bucket whole, it is said too', async () => {
    const keys = [`${deepPrefix(13)}AWSLogs/${A}/CloudTrail/us-east-1/2026/10/05/x.json.gz`];
    const bucket = new MemoryBucket(keys);
    const d = await discoverTrails(bucket);
    expect(d.problems.map((p) => [p.key, p.source])).toEqual([[deepPrefix(13), 's3://bucket']]);
    expect(d.problems[0].reason).toMatch(STOP_REASON);
    expect(bucket.listed).toHaveLength(13);
  });
});

describe('the common buckets cost the listings they always did, each folder once', () => {
  /** An organization trail of two accounts under `prefix`, one day of logs. */
  const orgTrail = (prefix: string) =>
    writeTree({
      [logKey({ prefix, org: ORG, account: A, region: 'us-east-1', delivered: '2026-10-05T10:05' })]: [record({ eventID: 'a1' })],
      [logKey({ prefix, org: ORG, account: B, region: 'eu-west-1', delivered: '2026-10-05T10:05' })]: [record({ eventID: 'b1', recipientAccountId: B })],
    });
  const walk = (base: string) => [
    `${base}AWSLogs/`,
    `${base}AWSLogs/${ORG}/`,
    `${base}AWSLogs/${ORG}/${A}/CloudTrail/`,
    `${base}AWSLogs/${ORG}/${B}/CloudTrail/`,
  ];

  it.each([
    // Before this search, and after it: the root alone, then the walk below AWSLogs/.
    { name: 'a bucket whose root holds only AWSLogs/', prefix: '', search: [''] },
    // The root and org/.
    { name: 'a key prefix org/', prefix: 'org/', search: ['', 'org/'] },
  ])('$name: the report lists $search.length folder(s) to find AWSLogs/', async ({ prefix, search }) => {
    const store = new CountingStore(orgTrail(prefix));
    const d = await discoverTrails(store);
    expect(d.problems).toEqual([]);
    expect(d.locations).toHaveLength(2);
    expect(store.listed).toEqual([...search, ...walk(prefix)]);
    expect(new Set(store.listed).size).toBe(store.listed.length);
  });

  it.each([
    { name: 'a bucket whose root holds only AWSLogs/', prefix: '', search: [''] },
    { name: 'a key prefix org/', prefix: 'org/', search: ['', 'org/'] },
  ])('$name: the integrity check lists $search.length folder(s) to find AWSLogs/', async ({ prefix, search }) => {
    const store = new CountingStore(orgTrail(prefix));
    const lister = new Lister();
    const locations = await discoverLocations(store, lister);
    expect(locations.map((l) => [l.accountId, l.region])).toEqual([
      [A, 'us-east-1'],
      [B, 'eu-west-1'],
    ]);
    // The search, then AWSLogs/ and the organization's folder; each account's digest and log folders.
    const searched = store.listed.filter((p) => !p.includes('AWSLogs/'));
    expect(searched).toEqual(search);
    expect(store.listed.filter((p) => p.includes('AWSLogs/')).sort()).toEqual(
      [...walk(prefix).slice(0, 2), ...[A, B].flatMap((acct) => [`${prefix}AWSLogs/${ORG}/${acct}/CloudTrail/`, `${prefix}AWSLogs/${ORG}/${acct}/CloudTrail-Digest/`])].sort(),
    );
    expect(lister.calls).toBe(store.listed.length);
    expect(new Set(store.listed).size).toBe(store.listed.length);
  });

  it('a plain copy of a date tree beside AWSLogs/ is searched down to its year folders only', async () => {
    const root = writeTree({
      [logKey({ account: A, region: 'us-east-1', delivered: '2026-10-05T10:05' })]: [record({ eventID: 'a1' })],
      'export/2026/10/05/x.json': [record({ eventID: 'x1' })],
      [`copy/${A}/CloudTrail/us-east-1/2026/10/05/y.json`]: [record({ eventID: 'y1' })],
    });
    const store = new CountingStore(root);
    const d = await discoverTrails(store);
    expect(d.problems).toEqual([]);
    expect(store.listed.filter((p) => !p.startsWith('AWSLogs/'))).toEqual(['', 'copy/', 'export/', `copy/${A}/`, 'export/2026/']);
  });
});
