import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { discoverTrails, logFileUrl, sourceBase, trailFolderOf } from '../../src/cloudtrail/layout.js';
import { collect, type CollectResult } from '../../src/collect/run.js';
import { resolvePeriod } from '../../src/collect/period.js';
import { SourceError } from '../../src/errors.js';
import { LocalStore } from '../../src/sources/local.js';
import { localPathOf } from '../../src/sources/open.js';
import { logKey, record, writeTree } from '../helpers/trail-tree.js';
import { CountingStore } from '../helpers/counting-store.js';

const ORG = 'o-abcdefghij';
const A = '111122223333';
const B = '444455556666';
const october = resolvePeriod({ period: '2026-10', tz: 'UTC' }, new Date('2026-11-24T00:00:00Z'));

const read = (store: LocalStore, options: Partial<Parameters<typeof collect>[0]> = {}) =>
  collect({ stores: [store], period: october, lateDays: 1, concurrency: 4, ...options });
const ids = (result: CollectResult) => result.records.map((r) => r.record.eventId);
const problems = (result: CollectResult) => result.problems.map((p) => [p.key, p.reason]);
const isFolder = (p: string) => {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
};


describe('a local source with symbolic links', () => {
  const trail = () =>
    writeTree({
      [logKey({ account: A, region: 'us-east-1', delivered: '2026-10-05T10:05' })]: [record({ eventID: 'a1' })],
      [logKey({ account: A, region: 'us-east-1', delivered: '2026-10-06T10:05', suffix: 'second0000000000' })]: [
        record({ eventID: 'a2', eventTime: '2026-10-06T10:00:00Z' }),
      ],
    });

  it('follows a linked AWSLogs folder as the trail layout', async () => {
    const copy = mkdtempSync(path.join(os.tmpdir(), 'iot-audit-links-'));
    symlinkSync(path.join(trail(), 'AWSLogs'), path.join(copy, 'AWSLogs'));
    const result = await read(new LocalStore(copy, 'copy'));
    expect(result.sources[0].layout).toBe('account');
    expect(ids(result)).toEqual(['a1', 'a2']);
    expect(result.delivered.locations).toEqual([{ accountId: A, region: 'us-east-1', files: 2, days: [{ day: '2026-10-05', files: 1 }, { day: '2026-10-06', files: 1 }] }]);
    expect(result.problems).toEqual([]);
  });

  it('follows a linked log file, and names a broken link and a self-link among the problems', async () => {
    const root = trail();
    const day = path.dirname(path.join(root, logKey({ account: A, region: 'us-east-1', delivered: '2026-10-05T10:05' })));
    const elsewhere = writeTree({ 'kept.json': [record({ eventID: 'linked' })] });
    symlinkSync(path.join(elsewhere, 'kept.json'), path.join(day, 'linked.json'));
    symlinkSync(path.join(root, 'nowhere.json.gz'), path.join(day, 'broken.json.gz'));
    symlinkSync('self.json', path.join(day, 'self.json'));
    // A broken account folder: the account's logs cannot be listed, and the report says so.
    symlinkSync(path.join(root, 'gone'), path.join(root, 'AWSLogs', B));
    const result = await read(new LocalStore(root, 'copy'));
    expect(ids(result)).toEqual(['a1', 'linked', 'a2']);
    const dayKey = path.relative(root, day).split(path.sep).join('/');
    expect(problems(result)).toEqual([
      [`${dayKey}/broken.json.gz`, `broken symbolic link: its target ${path.join(root, 'nowhere.json.gz')} does not exist`],
      [`${dayKey}/self.json`, 'symbolic link loop: self.json never leads to a file or folder; not followed'],
      [`AWSLogs/${B}`, `broken symbolic link: its target ${path.join(root, 'gone')} does not exist`],
    ]);
    expect(result.unreadable).toEqual([]);
  });

  it('walks a plain folder with link cycles once, and names the links to a folder it is in or above', async () => {
    const root = writeTree({ 'a/b/log.json': [record({ eventID: 'x1' })], 'top.json': [record({ eventID: 'x0' })] });
    symlinkSync('../..', path.join(root, 'a', 'b', 'up'));
    symlinkSync('..', path.join(root, 'a', 'b', 'back'));
    symlinkSync('.', path.join(root, 'a', 'here'));
    const result = await read(new LocalStore(root, 'plain'));
    expect(result.sources[0].layout).toBe('files');
    expect(ids(result)).toEqual(['x0', 'x1']);
    expect(result.stats.filesRead).toBe(2);
    expect(problems(result)).toEqual([
      ['a/b/back', 'symbolic link loop: .. leads back to a folder it is in; not followed'],
      ['a/b/up', 'symbolic link to ../.. not followed: it leads to the source folder or a folder above it'],
      ['a/here', 'symbolic link loop: . leads back to a folder it is in; not followed'],
    ]);
  });

  it('reads each folder once, by its own path, whatever links lead to it (a -> b -> a, two links to one folder)', async () => {
    const root = writeTree({ 'a/x.json': [record({ eventID: 'x1' })], 'b/y.json': [record({ eventID: 'y1' })] });
    symlinkSync('../b', path.join(root, 'a', 'to-b'));
    symlinkSync('../a', path.join(root, 'b', 'to-a'));
    const shared = writeTree({ 'z.json': [record({ eventID: 'z1' })], 'deeper/w.json': [record({ eventID: 'w1' })] });
    symlinkSync(shared, path.join(root, 'one'));
    symlinkSync(shared, path.join(root, 'two'));
    symlinkSync(path.join(shared, 'deeper'), path.join(root, 'a', 'also-deeper'));
    const keys: string[] = [];
    for await (const object of new LocalStore(root).listAll('')) keys.push(object.key);
    expect(keys).toEqual(['a/x.json', 'b/y.json', 'one/z.json', 'one/deeper/w.json']);
  });

  it('does not follow a link to the root of the file system: one problem, nothing of the machine read or listed', async () => {
    const root = writeTree({ 'top.json': [record({ eventID: 'x0' })], 'sub/more.json': [record({ eventID: 'x1' })] });
    symlinkSync('/', path.join(root, 'rootlink'));
    symlinkSync(path.relative(path.join(root, 'sub'), '/'), path.join(root, 'sub', 'up-to-root'));
    const store = new CountingStore(root, 'plain');
    const result = await read(store);
    expect(ids(result)).toEqual(['x0', 'x1']);
    expect(result.stats.filesRead).toBe(2);
    expect(problems(result)).toEqual([
      ['rootlink', "symbolic link to / not followed: it leads to the file system's root"],
      ['sub/up-to-root', `symbolic link to ${path.relative(path.join(root, 'sub'), '/')} not followed: it leads to the file system's root`],
    ]);
    // Looking for AWSLogs/ below the folder does not list through the link either.
    expect(store.listed.filter((p) => p.includes('rootlink') || p.includes('up-to-root'))).toEqual([]);
    const keys: string[] = [];
    for await (const object of store.listAll('')) keys.push(object.key);
    expect(keys.sort()).toEqual(['rootlink', 'sub/more.json', 'sub/up-to-root', 'top.json']);
  });

  it('does not follow a link to the source folder, a folder above it, /proc, /sys or /dev', async () => {
    const parent = mkdtempSync(path.join(os.tmpdir(), 'iot-audit-links-'));
    const root = path.join(parent, 'logs');
    mkdirSync(root);
    writeFileSync(path.join(root, 'x.json'), JSON.stringify({ Records: [record({ eventID: 'x1' })] }));
    symlinkSync(root, path.join(root, 'self'));
    symlinkSync(parent, path.join(root, 'parent'));
    const system = ['/proc', '/proc/self', '/sys', '/dev'].filter((p) => isFolder(p));
    for (const [i, p] of system.entries()) symlinkSync(p, path.join(root, `system${i}`));
    const result = await read(new LocalStore(root, 'logs'));
    expect(ids(result)).toEqual(['x1']);
    expect(result.stats.filesRead).toBe(1);
    expect(problems(result)).toEqual([
      ['parent', `symbolic link to ${parent} not followed: it leads to the source folder or a folder above it`],
      ['self', `symbolic link to ${root} not followed: it leads to the source folder or a folder above it`],
      ...system.map((p, i) => [`system${i}`, `symbolic link to ${p} not followed: /${p.split('/')[1]} holds the system's own files, not logs`]),
    ]);
  });

  it('follows links to folders elsewhere and to files, in a plain folder as in the trail layout', async () => {
    const elsewhere = writeTree({ 'deep/inside/e.json': [record({ eventID: 'e1' })], 'f.json': [record({ eventID: 'f1' })] });
    const root = writeTree({ 'own.json': [record({ eventID: 'o1' })] });
    symlinkSync(path.join(elsewhere, 'deep'), path.join(root, 'linked-folder'));
    symlinkSync(path.join(elsewhere, 'f.json'), path.join(root, 'linked-file.json'));
    const result = await read(new LocalStore(root, 'plain'));
    expect(ids(result)).toEqual(['e1', 'f1', 'o1']);
    expect(result.problems).toEqual([]);
    // A trail whose account folder is a link to a copy elsewhere: read as the layout.
    const trailRoot = trail();
    const copy = mkdtempSync(path.join(os.tmpdir(), 'iot-audit-links-'));
    mkdirSync(path.join(copy, 'AWSLogs'));
    symlinkSync(path.join(trailRoot, 'AWSLogs', A), path.join(copy, 'AWSLogs', A));
    const layout = await read(new LocalStore(copy, 'copy'));
    expect(layout.sources[0].layout).toBe('account');
    expect(ids(layout)).toEqual(['a1', 'a2']);
  });

  it('names a folder link of the trail layout not followed, and does not list through it', async () => {
    const root = trail();
    symlinkSync('/', path.join(root, 'AWSLogs', B));
    const store = new CountingStore(root, 'copy');
    const result = await read(store);
    expect(ids(result)).toEqual(['a1', 'a2']);
    expect(problems(result)).toEqual([[`AWSLogs/${B}`, "symbolic link to / not followed: it leads to the file system's root"]]);
    expect(store.listed.filter((p) => p.includes(B))).toEqual([]);
  });

  it('names a broken or looping link only when its name is one that would be read', async () => {
    const root = writeTree({ 'top.json': [record({ eventID: 'x0' })] });
    symlinkSync('nowhere.json', path.join(root, 'broken.json'));
    symlinkSync('nowhere.json.gz', path.join(root, 'broken.json.gz'));
    symlinkSync('nowhere', path.join(root, 'notes'));
    symlinkSync('loopb', path.join(root, 'loopa'));
    symlinkSync('loopa', path.join(root, 'loopb'));
    symlinkSync('loop2.ndjson', path.join(root, 'loop1.ndjson'));
    symlinkSync('loop1.ndjson', path.join(root, 'loop2.ndjson'));
    // A digest's name: a plain folder of files skips digests, so its link is not named either.
    symlinkSync('gone', path.join(root, `${A}_CloudTrail-Digest_us-east-1_t_us-east-1_20261005T110000Z.json.gz`));
    const result = await read(new LocalStore(root, 'plain'));
    expect(ids(result)).toEqual(['x0']);
    expect(problems(result)).toEqual([
      ['broken.json', 'broken symbolic link: its target nowhere.json does not exist'],
      ['broken.json.gz', 'broken symbolic link: its target nowhere.json.gz does not exist'],
      ['loop1.ndjson', 'symbolic link loop: loop2.ndjson never leads to a file or folder; not followed'],
      ['loop2.ndjson', 'symbolic link loop: loop1.ndjson never leads to a file or folder; not followed'],
    ]);
    // In the trail layout: a log file's name, or a folder of the layout (an account), is named; other names are not.
    const layoutRoot = trail();
    const day = path.dirname(path.join(layoutRoot, logKey({ account: A, region: 'us-east-1', delivered: '2026-10-05T10:05' })));
    symlinkSync('nowhere', path.join(day, 'README'));
    symlinkSync('loopb', path.join(layoutRoot, 'AWSLogs', 'loopa'));
    symlinkSync('loopa', path.join(layoutRoot, 'AWSLogs', 'loopb'));
    symlinkSync('gone', path.join(layoutRoot, 'AWSLogs', B));
    const layout = await read(new LocalStore(layoutRoot, 'copy'));
    expect(ids(layout)).toEqual(['a1', 'a2']);
    expect(problems(layout)).toEqual([[`AWSLogs/${B}`, 'broken symbolic link: its target gone does not exist']]);
  });
});

describe('a plain local folder with a folder that cannot be read', () => {
  it('names that folder among the problems and reads the folders after it', async () => {
    const root = writeTree({ 'a/first.json': [record({ eventID: 'x1' })], 'z/last.json': [record({ eventID: 'x2' })] });
    // A folder whose path is longer than the system allows (PATH_MAX): it is listed, but
    // opening it fails, even for root, as a folder without permission does for anyone else.
    const name = 'd'.repeat(250);
    const depth = Math.ceil(4200 / (name.length + 1));
    mkdirSync(path.join(root, 'm'));
    // Made by relative steps from inside (a child process: a shell's `cd` refuses so long a path).
    const steps = `process.chdir(process.argv[1]); for (let i = 0; i < ${depth}; i++) { fs.mkdirSync('${name}'); process.chdir('${name}'); } fs.writeFileSync('deep.json', '{"Records":[]}');`;
    execFileSync(process.execPath, ['-e', steps, path.join(root, 'm')]);
    try {
      const result = await read(new LocalStore(root, 'plain'));
      expect(ids(result)).toEqual(['x1', 'x2']);
      expect(result.problems).toHaveLength(1);
      expect(result.problems[0].key).toMatch(new RegExp(`^m(/${name})+$`));
      expect(result.problems[0].reason).toMatch(/^could not read folder: ENAMETOOLONG/);
    } finally {
      // rm walks a tree deeper than PATH_MAX; Node's rmSync cannot.
      execFileSync('rm', ['-rf', root]);
    }
  });
});

describe('a local source inside AWSLogs/', () => {
  const orgTree = () =>
    writeTree({
      [logKey({ prefix: 'copy/', org: ORG, account: A, region: 'us-east-1', delivered: '2026-10-05T10:05' })]: [record({ eventID: 'east' })],
      [logKey({ prefix: 'copy/', org: ORG, account: A, region: 'eu-west-1', delivered: '2026-10-05T10:05' })]: [record({ eventID: 'west', awsRegion: 'eu-west-1' })],
      // Late across the month's end, and a month the period does not need.
      [logKey({ prefix: 'copy/', org: ORG, account: A, region: 'us-east-1', delivered: '2026-11-01T00:04', suffix: 'late000000000000' })]: [
        record({ eventID: 'late', eventTime: '2026-10-31T23:59:00Z' }),
      ],
      [logKey({ prefix: 'copy/', org: ORG, account: A, region: 'us-east-1', delivered: '2026-08-05T10:05', suffix: 'aug0000000000000' })]: [
        record({ eventID: 'aug', eventTime: '2026-10-20T00:00:00Z' }),
      ],
      [logKey({ prefix: 'copy/', org: ORG, account: B, region: 'us-east-1', delivered: '2026-10-05T10:05' })]: [record({ eventID: 'other', recipientAccountId: B })],
      [`copy/AWSLogs/${ORG}/${A}/CloudTrail-Digest/us-east-1/2026/10/05/${A}_CloudTrail-Digest_us-east-1_t_us-east-1_20261005T110000Z.json.gz`]: Buffer.from(
        '{"awsAccountId":"111122223333","logFiles":[]}',
      ),
      [`copy/AWSLogs/${ORG}/${A}/CloudTrail-Insight/us-east-1/2026/10/05/${A}_CloudTrail-Insight_us-east-1_20261005T1000Z_x.json.gz`]: [
        { eventVersion: '1.07', eventTime: '2026-10-05T10:00:00Z', eventCategory: 'Insight', eventID: 'insight' },
      ],
    });
  const inside = (root: string, rest: string) => path.join(root, 'copy', 'AWSLogs', ...rest.split('/').filter(Boolean));

  it('reads an account folder as the trail layout: the period days only, no digest, the account in coverage', async () => {
    const root = orgTree();
    const folder = inside(root, `${ORG}/${A}`);
    const store = new CountingStore(folder, folder);
    const result = await read(store);
    expect(result.sources[0]).toMatchObject({ layout: 'organization', organizationIds: [ORG] });
    expect(ids(result)).toEqual(['east', 'west', 'late']);
    expect(result.unreadable).toEqual([]);
    expect(result.problems).toEqual([]);
    expect(result.delivered.locations.map((l) => [l.accountId, l.region, l.files])).toEqual([
      [A, 'eu-west-1', 1],
      [A, 'us-east-1', 2],
    ]);
    // Nothing above the folder given, nor the months the period does not need, is listed.
    expect(store.listed.every((p) => p.startsWith(`AWSLogs/${ORG}/${A}/`))).toBe(true);
    expect(store.listed.some((p) => p.includes('/2026/08/') || p.startsWith('ALL:'))).toBe(false);
    // Files are named from the label given (here the folder's path), and a worker finds them.
    const east = result.records[0].file;
    const file = path.join(folder, 'CloudTrail', 'us-east-1', '2026', '10', '05', path.basename(east.key));
    expect(logFileUrl(east)).toBe(file);
    expect(localPathOf(store, east.key)).toBe(file);
  });

  it('reads a CloudTrail folder, or one region of it', async () => {
    const root = orgTree();
    expect(ids(await read(new LocalStore(inside(root, `${ORG}/${A}/CloudTrail`))))).toEqual(['east', 'west', 'late']);
    const region = new CountingStore(inside(root, `${ORG}/${A}/CloudTrail/us-east-1`), 'east');
    const result = await read(region);
    expect(ids(result)).toEqual(['east', 'late']);
    expect(result.delivered.locations.map((l) => [l.accountId, l.region])).toEqual([[A, 'us-east-1']]);
    expect(region.listed.every((p) => p.startsWith(`AWSLogs/${ORG}/${A}/CloudTrail/us-east-1/`))).toBe(true);
  });

  it('reads an organization folder, and an account folder of a single-account trail', async () => {
    const root = orgTree();
    const org = await read(new LocalStore(inside(root, ORG)));
    expect(org.sources[0]).toMatchObject({ layout: 'organization', organizationIds: [ORG] });
    expect(ids(org)).toEqual(['east', 'other', 'west', 'late']);
    const single = writeTree({ [logKey({ account: A, region: 'us-east-1', delivered: '2026-10-05T10:05' })]: [record({ eventID: 'solo' })] });
    const result = await read(new LocalStore(path.join(single, 'AWSLogs', A)));
    expect(result.sources[0]).toMatchObject({ layout: 'account', organizationIds: [] });
    expect(ids(result)).toEqual(['solo']);
    expect(result.delivered.locations.map((l) => [l.accountId, l.files])).toEqual([[A, 1]]);
  });

  it('reads through a link to such a folder', async () => {
    const link = path.join(mkdtempSync(path.join(os.tmpdir(), 'iot-audit-links-')), 'mine');
    symlinkSync(inside(orgTree(), `${ORG}/${A}`), link);
    const result = await read(new LocalStore(link, 'mine'));
    expect(result.sources[0].layout).toBe('organization');
    expect(ids(result)).toEqual(['east', 'west', 'late']);
  });

  it('says that a digest or Insights folder holds no log files', async () => {
    const root = orgTree();
    await expect(read(new LocalStore(inside(root, `${ORG}/${A}/CloudTrail-Digest/us-east-1`), 'digests'))).rejects.toThrow(
      new SourceError(
        `nothing could be listed: a CloudTrail-Digest folder holds no CloudTrail log files: pass the account's folder (${A}, above it) or one of its ` +
          `CloudTrail/<region> folders (AWSLogs/${ORG}/${A}/CloudTrail-Digest/us-east-1/); check the source and your permissions`,
      ),
    );
    await expect(read(new LocalStore(inside(root, `${ORG}/${A}/CloudTrail-Insight`)))).rejects.toThrow(/a CloudTrail-Insight folder holds no CloudTrail log files/);
  });

  it('reads a folder deeper than a region as a plain folder of files, without its digests or Insights events', async () => {
    const root = orgTree();
    const result = await read(new LocalStore(inside(root, `${ORG}/${A}/CloudTrail/us-east-1/2026`)));
    expect(result.sources[0].layout).toBe('files');
    expect(ids(result)).toEqual(['east', 'aug', 'late']);
    // A copy of the whole account as a plain folder: digests and Insights events are skipped, not unreadable.
    const flat = writeTree({
      [`${A}_CloudTrail_us-east-1_20261005T1000Z_x.json`]: [record({ eventID: 'flat' })],
      [`${A}_CloudTrail-Digest_us-east-1_t_us-east-1_20261005T110000Z.json.gz`]: Buffer.from('{"awsAccountId":"1","logFiles":[]}'),
      [`CloudTrail-Insight/${A}_x.json`]: [{ eventCategory: 'Insight', eventID: 'insight' }],
    });
    const plain = await read(new LocalStore(flat));
    expect(ids(plain)).toEqual(['flat']);
    expect(plain.stats.filesRead).toBe(1);
    expect(plain.unreadable).toEqual([]);
  });

  it('reads a folder inside AWSLogs/ without any CloudTrail/<region> folder as a plain folder of files', async () => {
    const root = orgTree();
    // A region's year folders copied into the account folder (`aws s3 sync` of one region), and loose log files beside them.
    const region = inside(root, `${ORG}/${A}/CloudTrail/us-east-1`);
    const single = mkdtempSync(path.join(os.tmpdir(), 'iot-audit-inside-'));
    const account = path.join(single, 'AWSLogs', A);
    mkdirSync(account, { recursive: true });
    cpSync(path.join(region, '2026'), path.join(account, '2026'), { recursive: true });
    writeFileSync(path.join(account, 'loose.json'), JSON.stringify({ Records: [record({ eventID: 'loose' })] }));
    const store = new CountingStore(account, `copy/AWSLogs/${A}`);
    const result = await read(store);
    expect(result.sources[0].layout).toBe('files');
    // Every file of the folder, as a plain folder is read (the August file holds an October event).
    expect(ids(result)).toEqual(['east', 'loose', 'aug', 'late']);
    expect(result.problems).toEqual([]);
    expect(store.listed.filter((p) => p.startsWith('ALL:'))).toEqual([`ALL:AWSLogs/${A}/`]);
    expect(logFileUrl(result.records.find((r) => r.record.eventId === 'loose')!.file)).toBe(`copy/AWSLogs/${A}/loose.json`);
    // The same under a CloudTrail folder without region folders.
    const trailFolder = path.join(single, 'AWSLogs', B, 'CloudTrail');
    mkdirSync(trailFolder, { recursive: true });
    cpSync(path.join(region, '2026'), path.join(trailFolder, '2026'), { recursive: true });
    expect(ids(await read(new LocalStore(trailFolder)))).toEqual(['east', 'aug', 'late']);
  });

  it('keeps the trail layout when its trail folders are there but left out by --account or --region', async () => {
    const root = orgTree();
    const nothing = /no CloudTrail log files were found/;
    await expect(read(new LocalStore(inside(root, `${ORG}/${A}`)), { accounts: [B] })).rejects.toThrow(nothing);
    await expect(read(new LocalStore(inside(root, `${ORG}/${A}`)), { regions: ['ap-south-1'] })).rejects.toThrow(nothing);
    await expect(read(new LocalStore(inside(root, `${ORG}/${A}/CloudTrail/us-east-1`)), { regions: ['eu-west-1'] })).rejects.toThrow(nothing);
  });

  it('names files from a relative label that does not end in the folder\'s path (`.`, `../<o-id>`) with a relative path', async () => {
    const root = orgTree();
    const folder = inside(root, ORG);
    for (const [label, base] of [
      [path.relative(process.cwd(), folder), path.relative(process.cwd(), path.join(root, 'copy'))],
      ['.', '../..'],
      [`../${ORG}/`, '../..'],
    ]) {
      const result = await read(new LocalStore(folder, label));
      const east = result.records.find((r) => r.record.eventId === 'east')!;
      expect(logFileUrl(east.file), label).toBe(`${base}/${east.file.key}`);
      expect(east.file.key.startsWith(`AWSLogs/${ORG}/${A}/CloudTrail/us-east-1/2026/10/05/`)).toBe(true);
    }
    // Through a link the `..`s are the link target's parents: the path leads to the file as written.
    const link = path.join(mkdtempSync(path.join(os.tmpdir(), 'iot-audit-links-')), 'mine');
    symlinkSync(inside(root, `${ORG}/${A}`), link);
    const label = path.relative(process.cwd(), link);
    const result = await read(new LocalStore(link, label));
    const url = logFileUrl(result.records[0].file);
    expect(url).toBe(`${label}/../../../${result.records[0].file.key}`);
    expect(readFileSync(url).length).toBeGreaterThan(0);
  });

  it('narrows discovery from the folder path alone', async () => {
    const root = orgTree();
    const d = await discoverTrails(new LocalStore(inside(root, `${ORG}/${A}/CloudTrail/eu-west-1`)));
    expect(d.locations).toEqual([{ prefix: `AWSLogs/${ORG}/${A}/CloudTrail/eu-west-1/`, organizationId: ORG, accountId: A, region: 'eu-west-1' }]);
  });
});

describe('trailFolderOf and the names of a folder inside AWSLogs/', () => {
  it('recognises the folders of the trail layout, and nothing else', () => {
    const of = (p: string) => trailFolderOf(p.split('/'))?.join('/') ?? null;
    expect(of(`/d/AWSLogs/${A}`)).toBe(`AWSLogs/${A}`);
    expect(of(`/d/AWSLogs/${ORG}`)).toBe(`AWSLogs/${ORG}`);
    expect(of(`/d/AWSLogs/${ORG}/${A}`)).toBe(`AWSLogs/${ORG}/${A}`);
    expect(of(`/d/AWSLogs/${A}/CloudTrail`)).toBe(`AWSLogs/${A}/CloudTrail`);
    expect(of(`/d/AWSLogs/${ORG}/${A}/CloudTrail/us-gov-west-1`)).toBe(`AWSLogs/${ORG}/${A}/CloudTrail/us-gov-west-1`);
    expect(of(`/d/AWSLogs/${A}/CloudTrail-Digest/eu-west-1`)).toBe(`AWSLogs/${A}/CloudTrail-Digest/eu-west-1`);
    expect(of(`/AWSLogs/x/AWSLogs/${A}`)).toBe(`AWSLogs/${A}`);
    for (const p of ['/d/AWSLogs', `/d/AWSLogs/${A}/CloudTrail/us-east-1/2026`, `/d/AWSLogs/${A}/Config`, '/d/AWSLogs/mine', `/d/awslogs/${A}`, `/d/${A}`, `/d/AWSLogs/${ORG}/CloudTrail`]) {
      expect(of(p), p).toBeNull();
    }
  });

  it('roots the store above AWSLogs/ and names files from the label given', () => {
    // folder, label; where the store is rooted (above AWSLogs/) and the prefix it reads there; the base files are named from.
    const cases: [string, string, string, string, string][] = [
      [`/data/copy/AWSLogs/${A}`, `./copy/AWSLogs/${A}/`, '/data/copy', `AWSLogs/${A}/`, './copy'],
      [`/data/copy/AWSLogs/${A}`, `AWSLogs/${A}`, '/data/copy', `AWSLogs/${A}/`, '.'],
      [`/AWSLogs/${A}`, `/AWSLogs/${A}`, '/', `AWSLogs/${A}/`, '/'],
      [`/data/copy/AWSLogs/${ORG}/${A}/CloudTrail`, `copy/AWSLogs/${ORG}/${A}/CloudTrail`, '/data/copy', `AWSLogs/${ORG}/${A}/CloudTrail/`, 'copy'],
      // A relative label that does not end in the folder's path (`.` inside it, `../<o-id>`): the folder above, still relative.
      [`/data/copy/AWSLogs/${A}`, '.', '/data/copy', `AWSLogs/${A}/`, '../..'],
      [`/data/copy/AWSLogs/${A}`, './', '/data/copy', `AWSLogs/${A}/`, '../..'],
      [`/data/copy/AWSLogs/${ORG}/${A}`, '..', '/data/copy', `AWSLogs/${ORG}/${A}/`, '../../../..'],
      [`/data/copy/AWSLogs/${ORG}`, `../${ORG}/`, '/data/copy', `AWSLogs/${ORG}/`, '../..'],
      [`/data/copy/AWSLogs/${A}/CloudTrail/us-east-1`, '.', '/data/copy', `AWSLogs/${A}/CloudTrail/us-east-1/`, '../../../..'],
      // An absolute one: the folder above, in full.
      [`/data/copy/AWSLogs/${A}`, '/data/elsewhere', '/data/copy', `AWSLogs/${A}/`, '/data/copy'],
    ];
    for (const [folder, label, root, rootPrefix, base] of cases) {
      const store = new LocalStore(folder, label);
      expect([label, store.root, store.rootPrefix, sourceBase(store)]).toEqual([label, root, rootPrefix, base]);
    }
    const plain = new LocalStore('/data/logs', './logs');
    expect([plain.root, plain.rootPrefix, sourceBase(plain)]).toEqual(['/data/logs', '', './logs']);
  });

  it('keeps a folder that holds AWSLogs/ as it is', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'iot-audit-plain-'));
    mkdirSync(path.join(dir, 'AWSLogs'));
    writeFileSync(path.join(dir, 'AWSLogs', 'x'), '');
    const store = new LocalStore(dir, 'copy');
    expect([store.root, store.rootPrefix, sourceBase(store)]).toEqual([dir, '', 'copy']);
  });
});
