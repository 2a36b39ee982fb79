/**
 * A trail folder's month listed once in key order from S3 (`listAfter`), against the loopback
 * S3 server through the fault proxy: the same log objects as the day-by-day delimiter listings
 * of the same tree on disk, for whole and partial periods, with pages that end inside a day,
 * odd keys beside the day folders, and a month that may not be listed.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { logObjectsByDay } from '../../src/cloudtrail/layout.js';
import { Lister } from '../../src/integrity/discover.js';
import { deliveryDays, resolvePeriod } from '../../src/collect/period.js';
import { LocalStore } from '../../src/sources/local.js';
import { createS3Client, S3Store } from '../../src/sources/s3.js';
import type { LogObjectRef, ObjectStore, SourceProblem, TrailLocation } from '../../src/types.js';
import { ACCESS_DENIED } from '../helpers/fault-proxy.js';
import { s3BehindProxy } from '../helpers/s3-behind-proxy.js';

const BUCKET = 'month-listing';
const ACCOUNT = '111122223333';
const EAST = `AWSLogs/${ACCOUNT}/CloudTrail/us-east-1/`;
const WEST = `AWSLogs/${ACCOUNT}/CloudTrail/eu-west-1/`;
const NOW = new Date('2026-11-24T00:00:00Z');

const name = (day: string, n: number) => `${ACCOUNT}_CloudTrail_us-east-1_${day.replaceAll('/', '')}T${String(n).padStart(2, '0')}05Z_AbCd${n}.json.gz`;

/** Keys of the tree, the odd ones among them: what a day-by-day listing must skip is skipped here too. */
function treeKeys(): string[] {
  const keys: string[] = [];
  // September's last day, every October day (a few files each, five on the 10th: pages end inside it), November's first two.
  const days = ['2026/09/30', ...Array.from({ length: 31 }, (_, i) => `2026/10/${String(i + 1).padStart(2, '0')}`), '2026/11/01', '2026/11/02'];
  for (const day of days) for (let n = 0; n < (day === '2026/10/10' ? 5 : 2); n++) keys.push(`${EAST}${day}/${name(day, n)}`);
  keys.push(
    `${EAST}2026/10/06/README.txt`, // not a log
    `${EAST}2026/10/07/extra/${name('2026/10/07', 9)}`, // deeper than a day folder
    `${EAST}2026/10/1/${name('2026/10/01', 8)}`, // not a day folder's name
    `${EAST}2026/10/manifest.json`, // beside the day folders, after them in key order
    `${EAST}2026/10/00/${name('2026/10/00', 7)}`, // before the first day
  );
  for (const day of ['2026/10/01', '2026/10/31']) keys.push(`${WEST}${day}/${name(day, 0)}`);
  return keys;
}

let treeDir: string;

const proxy = s3BehindProxy(async (server) => {
  await server.createBucket(BUCKET);
  treeDir = mkdtempSync(path.join(os.tmpdir(), 'iot-audit-month-listing-'));
  for (const key of treeKeys()) {
    const file = path.join(treeDir, ...key.split('/'));
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, '{"Records":[]}');
    await server.putObject(BUCKET, key, '{"Records":[]}');
  }
});

const location = (prefix: string): TrailLocation => ({ prefix, organizationId: null, accountId: ACCOUNT, region: prefix.includes('east') ? 'us-east-1' : 'eu-west-1' });

/** The refs of a trail folder for a period (one late day), and the problems, keys made store-neutral. */
async function listed(store: ObjectStore, prefix: string, period: { from?: string; to?: string; period?: string }) {
  const days = deliveryDays(resolvePeriod({ ...period, tz: 'UTC' }, NOW), 1);
  const problems: SourceProblem[] = [];
  const refs: Pick<LogObjectRef, 'key' | 'deliveryDay'>[] = [];
  for await (const batch of logObjectsByDay(store, location(prefix), days, problems)) for (const { key, deliveryDay } of batch) refs.push({ key, deliveryDay });
  return { refs, problems: problems.map((p) => ({ key: p.key, reason: p.reason })) };
}

async function s3(pageSize?: number): Promise<S3Store> {
  return new S3Store(`s3://${BUCKET}`, await createS3Client({}), { pageSize });
}

describe('a trail folder month listed in key order from S3', () => {
  it('gives the log objects the day-by-day listing of the same tree gives, a month at one request per page', async () => {
    const local = new LocalStore(treeDir);
    for (const pageSize of [1000, 3]) {
      proxy().resetCounts();
      const fromS3 = await listed(await s3(pageSize), EAST, { period: '2026-10' });
      const fromDisk = await listed(local, EAST, { period: '2026-10' });
      expect(fromS3).toEqual(fromDisk);
      expect(fromS3.refs).toHaveLength(31 * 2 + 3 + 2);
      expect(fromS3.refs.at(-1)!.deliveryDay).toBe('2026-11-01');
      const lists = proxy().requests.filter((r) => r.op === 'list');
      expect(lists.every((r) => r.delimiter === null)).toBe(true);
      // October: its 67 objects (with the odd keys) a page at a time; November: until its 2nd's first object.
      if (pageSize === 1000) expect(lists.map((r) => [r.prefix, r.startAfter])).toEqual([[`${EAST}2026/10/`, `${EAST}2026/10/01`], [`${EAST}2026/11/`, `${EAST}2026/11/01`]]);
      else expect(lists.length).toBeLessThanOrEqual(Math.ceil(67 / 3) + Math.ceil(3 / 3) + 1);
    }
  });

  it('lists a few days of a month from the first of them and stops past the last', async () => {
    const fromS3 = await listed(await s3(2), EAST, { from: '2026-10-09', to: '2026-10-11' });
    expect(fromS3).toEqual(await listed(new LocalStore(treeDir), EAST, { from: '2026-10-09', to: '2026-10-11' }));
    // The 9th, the 10th (five), and the late 11th.
    expect(fromS3.refs.map((r) => r.deliveryDay)).toEqual(['2026-10-09', '2026-10-09', ...Array(5).fill('2026-10-10'), '2026-10-11', '2026-10-11']);
    const lists = proxy().requests.filter((r) => r.op === 'list');
    expect(lists[0].startAfter).toBe(`${EAST}2026/10/09`);
    // Nine objects and the 12th's first, two a page: never the rest of October.
    expect(lists.length).toBeLessThanOrEqual(6);
  });

  it('names a month it may not list as a problem, and still lists the others', async () => {
    proxy().addRule({ op: 'list', match: new RegExp(`${EAST}2026/10/`), action: ACCESS_DENIED });
    const east = await listed(await s3(), EAST, { period: '2026-10' });
    expect(east.problems).toEqual([{ key: `${EAST}2026/10/`, reason: expect.stringMatching(/^could not list: access denied/i) }]);
    expect(east.refs.map((r) => r.deliveryDay)).toEqual(['2026-11-01', '2026-11-01']);
    const west = await listed(await s3(), WEST, { period: '2026-10' });
    expect(west).toEqual({ refs: [`2026-10-01`, '2026-10-31'].map((day) => ({ key: `${WEST}${day.replaceAll('-', '/')}/${name(day.replaceAll('-', '/'), 0)}`, deliveryDay: day })), problems: [] });
  });
});

describe('day folders for the integrity check, a month per listing from S3', () => {
  const folders = ['2026/09/30', ...Array.from({ length: 31 }, (_, i) => `2026/10/${String(i + 1).padStart(2, '0')}`), '2026/11/01', '2026/11/02'].map((day) => `${EAST}${day}/`);
  const keysOf = (listings: { objects: { key: string }[] }[]) => listings.map((l) => l.objects.map((o) => o.key).sort());

  it('gives each day folder what its delimiter listing gives, three months in three requests', async () => {
    const lister = new Lister();
    const fromS3 = await lister.listDays(await s3(), folders, 8);
    const local = new LocalStore(treeDir);
    const fromDisk = await Promise.all(folders.map((folder) => new Lister().list(local, folder)));
    expect(keysOf(fromS3)).toEqual(keysOf(fromDisk));
    expect(fromS3.every((l) => l.prefixes.length === 0)).toBe(true);
    expect(keysOf(fromS3)[10]).toHaveLength(5); // the 10th: pages end inside it
    const lists = proxy().requests.filter((r) => r.op === 'list');
    expect(lists.map((r) => [r.prefix, r.startAfter, r.delimiter]).sort()).toEqual([
      [`${EAST}2026/09/`, `${EAST}2026/09/30`, null],
      [`${EAST}2026/10/`, `${EAST}2026/10/01`, null],
      [`${EAST}2026/11/`, `${EAST}2026/11/01`, null],
    ]);
    expect(lister.calls).toBe(3);
    // Listed once: asked again, the folders come from what was listed.
    await lister.list(await s3(), folders[5]);
    expect(proxy().requests.filter((r) => r.op === 'list')).toHaveLength(3);
  });

  it('lists each day of a month it may not list on its own, and notes each failure', async () => {
    proxy().addRule({ op: 'list', match: new RegExp(`${EAST}2026/10/`), action: ACCESS_DENIED });
    const lister = new Lister();
    const listings = await lister.listDays(await s3(), folders, 8);
    expect(keysOf(listings)[0]).toHaveLength(2);
    expect(keysOf(listings).slice(1, 32).every((keys) => keys.length === 0)).toBe(true);
    expect(lister.failures.map((f) => f.prefix).sort()).toEqual(folders.slice(1, 32));
  });
});
