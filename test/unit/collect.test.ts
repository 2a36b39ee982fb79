import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { discoverTrails } from '../../src/cloudtrail/layout.js';
import { collect, inlineParser, UniqueRecords } from '../../src/collect/run.js';
import { resolvePeriod } from '../../src/collect/period.js';
import { SourceError } from '../../src/errors.js';
import { LocalStore } from '../../src/sources/local.js';
import type { CloudTrailRecord, LogObjectRef, SourcedRecord } from '../../src/types.js';
import { rng } from '../helpers/random.js';
import { logKey, record, writeTree } from '../helpers/trail-tree.js';
import { CountingStore, deniedStore } from '../helpers/counting-store.js';

const ORG = 'o-abcdefghij';
const A = '111122223333';
const B = '444455556666';
const october = resolvePeriod({ period: '2026-10', tz: 'UTC' }, new Date('2026-11-24T00:00:00Z'));


function orgTree() {
  return writeTree({
    [logKey({ prefix: 'trail/', org: ORG, account: A, region: 'us-east-1', delivered: '2026-10-05T10:05' })]: [
      record({ eventID: 'a1', eventTime: '2026-10-05T10:00:00Z' }),
      record({ eventID: 'noise', eventSource: 'iam.amazonaws.com', eventName: 'CreatePolicy' }),
    ],
    // Late across month end: an October event filed under November 1st.
    [logKey({ prefix: 'trail/', org: ORG, account: A, region: 'us-east-1', delivered: '2026-11-01T00:04', suffix: 'late000000000000' })]: [
      record({ eventID: 'a2', eventTime: '2026-10-31T23:59:10Z' }),
      record({ eventID: 'nov', eventTime: '2026-11-01T00:01:00Z' }),
    ],
    // The same event delivered twice (two trails, one bucket).
    [logKey({ prefix: 'trail/', org: ORG, account: B, region: 'eu-west-1', delivered: '2026-10-05T10:06' })]: [
      record({ eventID: 'b1', eventTime: '2026-10-05T10:01:00Z', recipientAccountId: B, awsRegion: 'eu-west-1' }),
    ],
    [logKey({ prefix: 'trail/', org: ORG, account: B, region: 'eu-west-1', delivered: '2026-10-05T10:07', suffix: 'dup0000000000000' })]: [
      record({ eventID: 'b1', eventTime: '2026-10-05T10:01:00Z', recipientAccountId: B, awsRegion: 'eu-west-1' }),
    ],
    // A September event delivered October 1st: not in October UTC.
    [logKey({ prefix: 'trail/', org: ORG, account: B, region: 'eu-west-1', delivered: '2026-10-01T00:03', suffix: 'sep0000000000000' })]: [
      record({ eventID: 'sep', eventTime: '2026-09-30T23:58:00Z', recipientAccountId: B }),
    ],
    // Far outside the period: must not even be listed.
    [logKey({ prefix: 'trail/', org: ORG, account: B, region: 'eu-west-1', delivered: '2026-08-05T10:07', suffix: 'aug0000000000000' })]: [record({ eventID: 'aug', eventTime: '2026-08-05T10:00:00Z' })],
    [`trail/AWSLogs/${ORG}/${A}/CloudTrail/us-east-1/2026/10/06/${A}_CloudTrail_us-east-1_20261006T0000Z_broken0000000000.json.gz`]: Buffer.from([0x1f, 0x8b, 0x08, 0x00, 1, 2, 3]),
    [`trail/AWSLogs/${ORG}/${A}/CloudTrail/us-east-1/2026/10/06/README.txt`]: 'not a log',
    [`trail/AWSLogs/${ORG}/${A}/CloudTrail-Digest/us-east-1/2026/10/06/${A}_CloudTrail-Digest_us-east-1_t_us-east-1_20261006T000000Z.json.gz`]: [record({ eventID: 'digest' })],
    [`trail/AWSLogs/${A}/Config/ConfigWritabilityCheckFile`]: '',
  });
}

describe('discoverTrails', () => {
  it('finds the organization layout below a prefix with a few delimiter listings', async () => {
    const store = new CountingStore(orgTree());
    const d = await discoverTrails(store);
    expect(d.layout).toBe('organization');
    expect(d.organizationIds).toEqual([ORG]);
    expect(d.locations.map((l) => `${l.accountId}/${l.region}`)).toEqual([`${A}/us-east-1`, `${B}/eu-west-1`]);
    expect(store.listed.some((p) => p.startsWith('ALL:'))).toBe(false);
  });

  it('honours account and region filters', async () => {
    const d = await discoverTrails(new LocalStore(orgTree()), { accounts: [B] });
    expect(d.locations.map((l) => l.accountId)).toEqual([B]);
  });

  it('narrows to the part of the layout a root points at', async () => {
    const root = orgTree();
    const store = new LocalStore(root);
    Object.defineProperty(store, 'rootPrefix', { value: `trail/AWSLogs/${ORG}/${A}/` });
    const d = await discoverTrails(store);
    expect(d.locations.map((l) => l.accountId)).toEqual([A]);
  });
});

describe('collect', () => {
  it('keeps exactly the period IoT events, each once, and names unreadable files', async () => {
    const store = new CountingStore(orgTree());
    const result = await collect({ stores: [store], period: october, lateDays: 1, concurrency: 4 });
    expect(result.records.map((r) => r.record.eventId)).toEqual(['a1', 'b1', 'a2']);
    expect(result.stats.duplicatesDropped).toBe(1);
    expect(result.unreadable).toHaveLength(1);
    expect(result.unreadable[0].key).toMatch(/broken0000000000\.json\.gz$/);
    expect(result.unreadable[0].reason).toMatch(/gzip/);
    // August was never listed; the day folders read are those of October plus one late day.
    expect(store.listed.some((p) => p.includes('/2026/08/'))).toBe(false);
    expect(result.days[0]).toBe('2026-10-01');
    expect(result.days.at(-1)).toBe('2026-11-01');
  });

  it('starts reading a trail folder before its later day folders are listed', async () => {
    // Listing a day folder after the first waits until a file has been read: on S3 each
    // day is a request, and reading must not wait for a whole month of listings.
    let firstRead!: () => void;
    const aFileWasRead = new Promise<void>((resolve) => (firstRead = resolve));
    class SlowDays extends LocalStore {
      override async listChildren(prefix: string) {
        if (/\/CloudTrail\/[^/]+\/\d{4}\/\d\d\/\d\d\/$/.test(prefix) && !prefix.endsWith('/2026/10/05/')) await aFileWasRead;
        return super.listChildren(prefix);
      }
    }
    const parser = {
      parse: async (bytes: Buffer) => {
        firstRead();
        return inlineParser.parse(bytes);
      },
    };
    // Reading only after the whole listing never ends: the test times out.
    const result = await collect({ stores: [new SlowDays(orgTree())], period: october, lateDays: 1, concurrency: 4, parser });
    expect(result.records.map((r) => r.record.eventId)).toEqual(['a1', 'b1', 'a2']);
  }, 2000);

  it('the same tree in Europe/Paris moves the month boundaries', async () => {
    const paris = resolvePeriod({ period: '2026-10', tz: 'Europe/Paris' }, new Date());
    const result = await collect({ stores: [new LocalStore(orgTree())], period: paris, lateDays: 1, concurrency: 4 });
    // 2026-09-30T23:58Z is October 1st in Paris; 2026-10-31T23:59Z is November 1st there.
    expect(result.records.map((r) => r.record.eventId)).toEqual(['sep', 'a1', 'b1']);
  });

  it('reads a plain folder of log files, gzipped or not, whatever their names', async () => {
    const root = writeTree({
      'a.json': [record({ eventID: 'x1' })],
      'sub/b.json': Buffer.from(gzipSync(JSON.stringify({ Records: [record({ eventID: 'x2', eventTime: '2026-10-06T00:00:00Z' })] }))),
      'notes.txt': 'hello',
    });
    const result = await collect({ stores: [new LocalStore(root)], period: october, lateDays: 1, concurrency: 2 });
    expect(result.sources[0].layout).toBe('files');
    expect(result.records.map((r) => r.record.eventId)).toEqual(['x1', 'x2']);
  });

  it('keeps one of each record without an eventID, known by its whole content, the caller included', async () => {
    const noId = (overrides: Record<string, unknown>) => {
      const { eventID: _id, ...rest } = record(overrides);
      return rest;
    };
    const bob = { type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/bob', accountId: '111122223333', userName: 'bob' };
    const root = writeTree({
      'a.json': [noId({}), noId({ userIdentity: bob })],
      // Delivered twice (the same content in two files), and one more call by bob.
      'b.json': [noId({}), noId({ userIdentity: bob, requestParameters: { thingName: 'pump-2' } })],
    });
    const result = await collect({ stores: [new LocalStore(root)], period: october, lateDays: 1, concurrency: 2 });
    expect(result.records).toHaveLength(3);
    expect(result.stats.duplicatesDropped).toBe(1);
    expect(result.records.map((r) => r.record.actor.userName).sort()).toEqual(['alice', 'bob', 'bob']);
    expect(new Set(result.records.map((r) => r.record.contentId)).size).toBe(3);
  });

  it('fails with a source error only when nothing at all can be read', async () => {
    const failing = deniedStore('s3://nope');
    await expect(collect({ stores: [failing], period: october, lateDays: 1, concurrency: 2 })).rejects.toThrow(SourceError);
    // With a readable source beside it, the failing one is a named problem, not a failure.
    const ok = await collect({ stores: [failing, new LocalStore(orgTree())], period: october, lateDays: 1, concurrency: 2 });
    expect(ok.records).toHaveLength(3);
    expect(ok.problems[0]).toMatchObject({ source: 's3://nope' });
  });

  it('fails with a source error when no source holds a log file for the period: never an all-clear report', async () => {
    const empty = new LocalStore(writeTree({ 'README.txt': 'no logs here' }), 'empty-copy');
    await expect(collect({ stores: [empty], period: october, lateDays: 1, concurrency: 2 })).rejects.toThrow(
      new SourceError(
        "no CloudTrail log files were found for October 2026 (UTC) under empty-copy: check that --source is the trail's bucket or a copy of it (or a folder of log files), and that the trail logged in this period",
      ),
    );
    // A trail with no folder for the accounts and regions asked for.
    const trail = new LocalStore(orgTree(), 'org-copy');
    await expect(collect({ stores: [trail], period: october, lateDays: 1, concurrency: 2, accounts: ['999999999999'], regions: ['eu-west-1'] })).rejects.toThrow(
      new SourceError(
        "no CloudTrail log files were found for October 2026 (UTC) under org-copy with --account 999999999999 and --region eu-west-1: check the accounts and regions asked for, that --source is the trail's bucket or a copy of it (or a folder of log files), and that the trail logged in this period",
      ),
    );
    // But a trail folder of the accounts and regions asked for that holds no file of the period is a
    // quiet period (a region nobody uses: CloudTrail still writes its digests), not a mistake.
    const june = resolvePeriod({ period: '2026-06', tz: 'UTC' }, new Date('2026-11-24T00:00:00Z'));
    expect((await collect({ stores: [trail], period: june, lateDays: 1, concurrency: 2 })).records).toEqual([]);
    // Nor beside a source that has logs: each source is held to this (test/unit/source-gives-nothing.test.ts).
    await expect(collect({ stores: [empty, trail], period: october, lateDays: 1, concurrency: 2 })).rejects.toThrow(
      new SourceError(
        "no CloudTrail log files were found for October 2026 (UTC) under empty-copy: check that --source is the trail's bucket or a copy of it (or a folder of log files), and that the trail logged in this period",
      ),
    );
    // An Athena query that scanned data cannot tell whether log files exist (a quiet month returns no row): no failure.
    const run = (dataScannedBytes: number) => ({ queryExecutionId: 'q', database: 'db', table: 't', workgroup: null, dataScannedBytes, estimatedCostUsd: 0, engineVersion: null, note: null });
    const queried = (bytes: number) => ({ records: [], sources: [{ label: 'athena://db.t', kind: 'athena' as const, layout: 'athena' as const, athena: run(bytes) }] });
    expect((await collect({ stores: [], period: october, lateDays: 1, concurrency: 2, extra: queried(5_000_000) })).records).toEqual([]);
    // One that scanned nothing read no data at all (a table over another bucket): as a source with no log file.
    await expect(collect({ stores: [], period: october, lateDays: 1, concurrency: 2, extra: queried(0) })).rejects.toThrow(/under athena:\/\/db\.t \(its query scanned no data\)/);
  });
});

describe('UniqueRecords (de-duplication as the files are read)', () => {
  const copy = (id: string | null, time: string, key: string, source = 's3://bucket', contentId: string | null = null): SourcedRecord => ({
    record: { eventId: id, eventTime: time, contentId } as CloudTrailRecord,
    file: { key, source, accountId: null, region: null, deliveryDay: null, organizationId: null } as LogObjectRef,
  });
  const label = (s: SourcedRecord) => `${s.record.eventId ?? s.record.contentId}@${s.record.eventTime}@${s.file.source}/${s.file.key}`;

  /** The choice made before: every copy kept until the end, sorted by (time, id, file URL), the first of each id. */
  function formerChoice(copies: readonly SourcedRecord[]): SourcedRecord[] {
    const id = (s: SourcedRecord) => s.record.eventId ?? `content:${s.record.contentId}`;
    const url = (s: SourcedRecord) => `${s.file.source}/${s.file.key}`;
    const sorted = copies
      .map((s, i) => ({ s, i }))
      .sort((a, b) => {
        const [ta, tb] = [a.s.record.eventTime!, b.s.record.eventTime!];
        if (ta !== tb) return ta < tb ? -1 : 1;
        if (id(a.s) !== id(b.s)) return id(a.s) < id(b.s) ? -1 : 1;
        return url(a.s) < url(b.s) ? -1 : url(a.s) > url(b.s) ? 1 : a.i - b.i;
      });
    const seen = new Set<string>();
    return sorted.filter(({ s }) => !seen.has(id(s)) && seen.add(id(s)) !== undefined).map(({ s }) => s);
  }

  it('keeps the same copy of each event whatever the order the copies come in: the earliest, then the first log file', () => {
    const copies = [
      copy('e1', '2026-10-05T10:00:00Z', 'b.json.gz'),
      copy('e1', '2026-10-05T10:00:00Z', 'a.json.gz'),
      copy('e1', '2026-10-05T10:00:01Z', '0.json.gz'), // a forged later copy, first by file
      copy('e0', '2026-10-05T10:00:00Z', 'c.json.gz'),
      copy(null, '2026-10-04T00:00:00Z', 'd.json.gz', 's3://bucket', 'h1'),
      copy(null, '2026-10-04T00:00:00Z', 'c.json.gz', 's3://bucket', 'h1'),
    ];
    const r = rng(11);
    for (let round = 0; round < 50; round++) {
      const order = [...copies].sort(() => r.next() - 0.5);
      const unique = new UniqueRecords();
      for (const c of order) unique.offer(c);
      expect(unique.offered).toBe(copies.length);
      expect(unique.records().map(label)).toEqual(['h1@2026-10-04T00:00:00Z@s3://bucket/c.json.gz', 'e0@2026-10-05T10:00:00Z@s3://bucket/c.json.gz', 'e1@2026-10-05T10:00:00Z@s3://bucket/a.json.gz']);
    }
  });

  it('makes the choice the former sort of every copy made, on seeded random deliveries', () => {
    const r = rng(23);
    for (let round = 0; round < 200; round++) {
      const copies = Array.from({ length: 1 + r.int(40) }, () =>
        copy(r.next() < 0.1 ? null : `id-${r.int(8)}`, `2026-10-0${1 + r.int(3)}T00:00:0${r.int(3)}Z`, `f${r.int(5)}.json.gz`, r.pick(['s3://a', 's3://b', '/local/x']), `h${r.int(3)}`),
      );
      const unique = new UniqueRecords();
      for (const c of copies) unique.offer(c);
      expect(unique.records().map(label), `round ${round}`).toEqual(formerChoice(copies).map(label));
    }
  });

  it('holds one record per event as the copies come, not every copy', () => {
    const unique = new UniqueRecords();
    for (let i = 0; i < 50_000; i++) {
      unique.offer(copy(`e${i % 10}`, '2026-10-05T10:00:00Z', `file-${String(i).padStart(5, '0')}.json.gz`));
      expect(unique.size).toBeLessThanOrEqual(10);
    }
    expect(unique.offered).toBe(50_000);
    expect(unique.records().map((s) => s.file.key)).toEqual(Array.from({ length: 10 }, (_, i) => `file-0000${i}.json.gz`));
  });
});
