/**
 * OutputSession.commit is all or nothing: a rename that fails part-way puts every target back
 * as it was (SHA256SUMS still verifies), with the file system's failures injected here.
 */
import { execFile, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { OutputError } from '../../src/errors.js';
import { LOCK, OutputSession, checkOutputFolder, lockFolder, writeOutputs, type LockTimes } from '../../src/output/writer.js';

vi.mock('node:fs', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs')>();
  return { ...actual, linkSync: vi.fn(actual.linkSync), renameSync: vi.fn(actual.renameSync) };
});

const actual = await vi.importActual<typeof import('node:fs')>('node:fs');
const renameSync = vi.mocked(fs.renameSync);
const linkSync = vi.mocked(fs.linkSync);

afterEach(() => {
  renameSync.mockImplementation(actual.renameSync);
  linkSync.mockImplementation(actual.linkSync);
});

const root = path.resolve(import.meta.dirname, '../..');
const NAMES = ['iot-audit-2026-10.csv', 'iot-audit-2026-10.html', 'iot-audit-2026-10.json', 'iot-audit-2026-10.md'];

/** A folder holding a finished report of NAMES (and an older month's file), as its bytes by name. */
async function earlierReport(): Promise<{ dir: string; before: Contents }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'iot-audit-commit-'));
  await writeOutputs(dir, [{ name: 'iot-audit-2026-09.json', bytes: '{"month":9}' }]);
  await writeOutputs(dir, NAMES.map((name) => ({ name, bytes: `old ${name}\n` })));
  return { dir, before: contents(dir) };
}

/** Every entry of a folder, hidden ones too: a file's bytes, or 'folder'. */
type Contents = Map<string, Buffer | 'folder'>;

function contents(dir: string): Contents {
  return new Map(
    readdirSync(dir, { withFileTypes: true })
      .sort((a, b) => (a.name < b.name ? -1 : 1))
      .map((entry) => [entry.name, entry.isDirectory() ? 'folder' : readFileSync(path.join(dir, entry.name))]),
  );
}

function sha256sumCheck(dir: string): Promise<{ ok: boolean; stdout: string }> {
  return new Promise((resolve) => execFile('sha256sum', ['-c', 'SHA256SUMS'], { cwd: dir }, (e, stdout) => resolve({ ok: e === null, stdout })));
}

const rewritten = () => NAMES.map((name) => ({ name, bytes: `new ${name}\n` }));

/** An errno error as the file system gives it. */
const fsError = (code: string, what: string) => Object.assign(new Error(`${code}: injected, ${what}`), { code });

describe('OutputSession.commit: all or nothing', () => {
  it('a folder where the last file goes: every earlier file stays byte for byte as it was, SHA256SUMS verifies, nothing hidden is left', async () => {
    const { dir, before } = await earlierReport();
    const blocked = path.join(dir, 'iot-audit-2026-10.zz');
    mkdirSync(blocked);
    writeFileSync(path.join(blocked, 'inside'), 'x');
    // A file the earlier report did not have goes in before the failure, and must go again.
    const err = await writeOutputs(dir, [...rewritten(), { name: 'iot-audit-2026-10.pdf', bytes: 'new\n' }, { name: 'iot-audit-2026-10.zz', bytes: 'new\n' }]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OutputError);
    expect((err as Error).message).toMatch(/EISDIR.*choose a writable folder with --out/);
    expect(contents(dir)).toEqual(new Map([...before, ['iot-audit-2026-10.zz', 'folder']] as [string, Buffer | 'folder'][]));
    expect(await sha256sumCheck(dir)).toMatchObject({ ok: true });
  });

  it.each([
    ['the rename of SHA256SUMS (every report file already replaced)', 'SHA256SUMS'],
    ['the rename of the third file', 'iot-audit-2026-10.json'],
    // Nothing replaced yet: the plain renames of before passed this one too.
    ['the rename of the first file', 'iot-audit-2026-10.csv'],
  ])('a failure of %s puts every target back', async (_name, failing) => {
    const { dir, before } = await earlierReport();
    renameSync.mockImplementation((from, to) => {
      if (path.basename(String(to)) === failing && String(from).endsWith('.tmp')) throw fsError('EIO', `rename to ${failing}`);
      actual.renameSync(from, to);
    });
    await expect(writeOutputs(dir, rewritten())).rejects.toThrow(/cannot write the report to .*EIO: injected/);
    expect(contents(dir)).toEqual(before);
    expect(await sha256sumCheck(dir)).toMatchObject({ ok: true });
  });

  it('where hard links cannot be made, the earlier files are renamed aside, and put back the same way', async () => {
    const { dir, before } = await earlierReport();
    linkSync.mockImplementation(() => {
      throw fsError('EPERM', 'no hard links here');
    });
    renameSync.mockImplementation((from, to) => {
      if (path.basename(String(to)) === 'SHA256SUMS' && String(from).endsWith('.tmp')) throw fsError('ENOSPC', 'rename of SHA256SUMS');
      actual.renameSync(from, to);
    });
    await expect(writeOutputs(dir, rewritten())).rejects.toThrow(OutputError);
    expect(contents(dir)).toEqual(before);
    expect(await sha256sumCheck(dir)).toMatchObject({ ok: true });
    // And without the failure, the new report replaces the old one, with no backup left.
    renameSync.mockImplementation(actual.renameSync);
    await writeOutputs(dir, rewritten());
    expect(readdirSync(dir).sort()).toEqual(['SHA256SUMS', 'iot-audit-2026-09.json', ...NAMES]);
    expect(readFileSync(path.join(dir, 'iot-audit-2026-10.md'), 'utf8')).toBe('new iot-audit-2026-10.md\n');
    expect(await sha256sumCheck(dir)).toMatchObject({ ok: true });
  });

  it('a file that cannot be replaced at all (immutable, in a folder one cannot write) names itself, and nothing changes', async () => {
    const { dir, before } = await earlierReport();
    linkSync.mockImplementation(() => {
      throw fsError('EPERM', 'link');
    });
    renameSync.mockImplementation((from, to) => {
      if (path.basename(String(from)) === 'iot-audit-2026-10.md') throw fsError('EPERM', 'rename');
      actual.renameSync(from, to);
    });
    await expect(writeOutputs(dir, rewritten())).rejects.toThrow(/iot-audit-2026-10\.md there cannot be replaced \(EPERM\); choose a writable folder with --out/);
    expect(contents(dir)).toEqual(before);
  });

  it('says which earlier file it could not put back, and keeps it', async () => {
    const { dir } = await earlierReport();
    renameSync.mockImplementation((from, to) => {
      if (path.basename(String(to)) === 'SHA256SUMS' && String(from).endsWith('.tmp')) throw fsError('EIO', 'rename of SHA256SUMS');
      if (String(from).endsWith('.old') && path.basename(String(to)) === 'iot-audit-2026-10.html') throw fsError('EIO', 'put back');
      actual.renameSync(from, to);
    });
    const err = (await writeOutputs(dir, rewritten()).catch((e: unknown) => e)) as Error;
    expect(err).toBeInstanceOf(OutputError);
    // Under a name the next report's clean-up of stale temporary files never removes.
    const kept = /could not put back iot-audit-2026-10\.html \(the earlier one is (\.iot-audit-2026-10\.html\.\d+-[0-9a-f]{8}\.kept)\)/.exec(err.message);
    expect(kept).not.toBeNull();
    expect(readFileSync(path.join(dir, kept![1]!), 'utf8')).toBe('old iot-audit-2026-10.html\n');
  });
});

describe('OutputSession: a process that exits during a report', () => {
  it('removes the temporary files of its unfinished sessions as it exits (Ctrl-C: exit 130)', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'iot-audit-exit-'));
    const script = [
      "import { readdirSync } from 'node:fs';",
      "import { OutputSession } from './src/output/writer.ts';",
      `const session = new OutputSession(${JSON.stringify(dir)});`,
      "await session.add({ name: 'a.json', bytes: '{}' });",
      "await session.add({ name: 'b.html', bytes: '<p>' });",
      `process.stdout.write(readdirSync(${JSON.stringify(dir)}).join(',') + '\\n');`,
      'process.exit(130);',
    ].join('\n');
    const run = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(130);
    // Both temporary files were there before the exit, and are gone after it.
    expect(run.stdout.trim().split(',')).toHaveLength(2);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('an unfinished session leaves no exit listener behind once committed or aborted', async () => {
    const listeners = process.listenerCount('exit');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'iot-audit-listen-'));
    const a = new OutputSession(dir);
    const b = new OutputSession(dir);
    await a.add({ name: 'a.json', bytes: '{}' });
    await b.add({ name: 'b.json', bytes: '{}' });
    expect(process.listenerCount('exit')).toBe(listeners + 1);
    await a.commit();
    expect(process.listenerCount('exit')).toBe(listeners + 1);
    await b.abort();
    expect(process.listenerCount('exit')).toBe(listeners);
    expect(readdirSync(dir).sort()).toEqual(['SHA256SUMS', 'a.json']);
  });
});

describe('checkOutputFolder: --out checked before the read', () => {
  const base = () => mkdtempSync(path.join(os.tmpdir(), 'iot-audit-out-'));

  it('takes a folder, one that can be made below a folder, and makes nothing', async () => {
    const dir = base();
    await checkOutputFolder(dir);
    await checkOutputFolder(path.join(dir, 'a', 'b'));
    expect(readdirSync(dir)).toEqual([]);
  });

  it('refuses a file, a path through a file, a link that leads nowhere and an empty --out, naming the path', async () => {
    const dir = base();
    const file = path.join(dir, 'report.txt');
    writeFileSync(file, 'mine');
    fs.symlinkSync(path.join(dir, 'nowhere'), path.join(dir, 'dangling'));
    await expect(checkOutputFolder(file)).rejects.toThrow(`cannot write the report to ${file}: it is a file, not a folder; choose a folder with --out`);
    await expect(checkOutputFolder(path.join(file, 'x'))).rejects.toThrow(`: ${file} is a file, not a folder`);
    await expect(checkOutputFolder(path.join(dir, 'dangling'))).rejects.toThrow(/: it is a symbolic link that leads nowhere; choose a folder with --out$/);
    await expect(checkOutputFolder(path.join(dir, 'dangling', 'reports'))).rejects.toThrow(`: ${path.join(dir, 'dangling')} is a symbolic link that leads nowhere`);
    await expect(checkOutputFolder(path.join(dir, 'dangling'))).rejects.toBeInstanceOf(OutputError);
    await expect(checkOutputFolder(' ')).rejects.toThrow('--out is empty: give the folder to write the report into');
    expect(readFileSync(file, 'utf8')).toBe('mine');
  });
});

describe('OutputSession.commit: two runs writing into one folder at once', () => {
  /** A session of one file, ready to commit. */
  async function session(dir: string, name: string, lock?: Partial<LockTimes>): Promise<OutputSession> {
    const s = new OutputSession(dir, { lock });
    await s.add({ name, bytes: `${name}\n` });
    return s;
  }
  const folder = () => mkdtempSync(path.join(os.tmpdir(), 'iot-audit-commit-'));
  /** A lock as a run of `pid` writes it (`text` instead, when given). */
  function lockOf(dir: string, pid: number, text = `${pid} ${os.hostname()} ${'0'.repeat(16)}\n`): string {
    const lock = path.join(dir, LOCK);
    writeFileSync(lock, text);
    return lock;
  }
  /** A pid that no process of this machine has. */
  async function deadPid(): Promise<number> {
    const child = spawn('true');
    await new Promise((resolve) => child.once('exit', resolve));
    return child.pid!;
  }
  /** `commit` of one file, its time, and what it threw. */
  async function timed(dir: string, name: string, lock?: Partial<LockTimes>): Promise<{ ms: number; error: unknown }> {
    const s = await session(dir, name, lock);
    const began = performance.now();
    const error = await s.commit().then(
      () => null,
      (e: unknown) => e,
    );
    return { ms: performance.now() - began, error };
  }

  it('every run keeps its SHA256SUMS lines: the commits take turns', async () => {
    const dir = folder();
    const names = Array.from({ length: 8 }, (_, i) => `iot-audit-2026-${String(i + 1).padStart(2, '0')}.json`);
    const sessions = await Promise.all(names.map((name) => session(dir, name)));
    await Promise.all(sessions.map((s) => s.commit()));
    const check = await sha256sumCheck(dir);
    expect(check.ok).toBe(true);
    expect(check.stdout.trim().split('\n').sort()).toEqual(names.map((name) => `${name}: OK`));
    expect(readdirSync(dir).sort()).toEqual(['SHA256SUMS', ...names]);
  });

  it('waits for the run holding the lock', async () => {
    const dir = folder();
    const holder = spawn('sleep', ['30']);
    const lock = lockOf(dir, holder.pid!);
    setTimeout(() => fs.rmSync(lock), 300);
    const run = await timed(dir, 'a.json');
    holder.kill();
    expect(run.error).toBeNull();
    expect(run.ms).toBeGreaterThanOrEqual(280);
    expect(readdirSync(dir).sort()).toEqual(['SHA256SUMS', 'a.json']);
  });

  it('takes over a lock left behind: of a process of this machine that no longer runs once seen for deadMs, any once seen unchanged for staleMs', async () => {
    const dir = folder();
    lockOf(dir, await deadPid());
    const dead = await timed(dir, 'a.json', { deadMs: 200 });
    expect(dead.error).toBeNull();
    expect(dead.ms).toBeGreaterThanOrEqual(190);
    // A live process's (its pid taken again, or stuck), another machine's, one left empty by a run killed as it wrote it.
    for (const [name, text] of [
      ['b.json', `${process.ppid} ${os.hostname()} ${'1'.repeat(16)}\n`],
      ['c.json', `1234 another-host ${'2'.repeat(16)}\n`],
      ['d.json', ''],
    ] as const) {
      lockOf(dir, 0, text);
      const run = await timed(dir, name, { staleMs: 300 });
      expect(run.error, name).toBeNull();
      expect(run.ms, name).toBeGreaterThanOrEqual(290);
    }
    expect(readdirSync(dir).sort()).toEqual(['SHA256SUMS', 'a.json', 'b.json', 'c.json', 'd.json']);
    expect((await sha256sumCheck(dir)).ok).toBe(true);
  });

  it('a lock of a process it cannot see is waited for while it is fresh (another container sharing the host name)', async () => {
    const dir = folder();
    lockOf(dir, await deadPid());
    const run = await timed(dir, 'a.json', { waitMs: 300 });
    expect(run.error).toBeInstanceOf(OutputError);
    expect((run.error as Error).message).toMatch(/^another iot-audit run is writing its report into /);
    // Neither taken over nor removed.
    expect(readdirSync(dir)).toEqual([LOCK]);
  });

  it('a run holding the lock longer than staleMs renews it while it awaits: a run waiting for it waits, then commits', async () => {
    const dir = folder();
    const times: LockTimes = { waitMs: 10_000, staleMs: 600, deadMs: 5_000 };
    const held = await lockFolder(dir, times);
    const lock = path.join(dir, LOCK);
    const texts = new Set<string>();
    const watch = setInterval(() => texts.add(readFileSync(lock, 'utf8')), 20);
    let releasedAt = Infinity;
    setTimeout(() => {
      clearInterval(watch);
      releasedAt = performance.now();
      held.release();
    }, 2_400);
    const began = performance.now();
    const waiting = await timed(dir, 'a.json', times);
    expect(waiting.error).toBeNull();
    // Four times staleMs, never taken over: the lock's text changed every quarter of it.
    expect(began + waiting.ms).toBeGreaterThanOrEqual(releasedAt);
    expect(texts.size).toBeGreaterThanOrEqual(5);
    expect(readdirSync(dir).sort()).toEqual(['SHA256SUMS', 'a.json']);
  });

  it('renews the lock well within deadMs too: a run that cannot see this process (another container) must not take it over', async () => {
    const dir = folder();
    const held = await lockFolder(dir, { waitMs: 10_000, staleMs: 60_000, deadMs: 400 });
    const lock = path.join(dir, LOCK);
    const texts = new Set<string>();
    const watch = setInterval(() => texts.add(readFileSync(lock, 'utf8')), 20);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    clearInterval(watch);
    held.release();
    expect(texts.size).toBeGreaterThanOrEqual(5);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('a commit whose renames are slow (a slow shared folder, no timer running) keeps its lock: a run of another process waits, and every line is kept', async () => {
    const dir = folder();
    const times = { waitMs: 20_000, staleMs: 500, deadMs: 5_000 };
    // Each rename of a report file blocks this process for 150 ms (well under staleMs: the lock is
    // renewed between them); the lock's own are as fast as ever.
    const pause = new Int32Array(new SharedArrayBuffer(4));
    renameSync.mockImplementation((from, to) => {
      if (!String(to).endsWith('.iot-audit.lock')) Atomics.wait(pause, 0, 0, 150);
      actual.renameSync(from, to);
    });
    const names = Array.from({ length: 39 }, (_, i) => `a${String(i).padStart(2, '0')}.json`);
    const mine = new OutputSession(dir, { lock: times });
    for (const name of names) await mine.add({ name, bytes: `${name}\n` });
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'test/helpers/commit-one.ts'), dir, 'b.json', JSON.stringify(times)], { cwd: root });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
    // The other run is waiting for the lock before this one takes it... (its start-up takes a second or two)
    await new Promise((resolve) => setTimeout(resolve, 100));
    await mine.commit();
    const committedAt = Date.now();
    expect(await closed).toBe(0);
    // ...or at least before this one let it go: forty renames of 150 ms, twelve times staleMs.
    expect(Number(out.trim())).toBeLessThan(committedAt);
    const check = await sha256sumCheck(dir);
    expect(check.ok).toBe(true);
    expect(check.stdout.trim().split('\n').sort()).toEqual([...names, 'b.json'].map((name) => `${name}: OK`));
  });

  it('a lock held past the wait: an output error naming the run and the lock file, and nothing of this report written', async () => {
    const dir = folder();
    const lock = lockOf(dir, process.ppid);
    const run = await timed(dir, 'a.json', { waitMs: 200 });
    expect(run.error).toBeInstanceOf(OutputError);
    expect((run.error as Error).message).toBe(
      `another iot-audit run is writing its report into ${dir} (process ${process.ppid}): wait for it and run again, choose another --out, or remove ${lock} if no run is writing there`,
    );
    expect(readdirSync(dir)).toEqual([LOCK]);
  });

  it('runs in processes of their own taking over one lock left behind never take one another\'s: every SHA256SUMS line is kept', async () => {
    const pid = await deadPid();
    const script = path.join(root, 'test/helpers/commit-one.ts');
    for (let round = 0; round < 3; round++) {
      const dir = folder();
      lockOf(dir, pid);
      const names = Array.from({ length: 6 }, (_, i) => `r${i}.json`);
      const codes = await Promise.all(
        names.map(
          (name) =>
            new Promise<number | null>((resolve) => {
              const child = spawn(process.execPath, ['--import', 'tsx', script, dir, name], { cwd: root, stdio: 'ignore' });
              child.on('close', resolve);
            }),
        ),
      );
      expect(codes, `round ${round}`).toEqual(names.map(() => 0));
      const check = await sha256sumCheck(dir);
      expect(check.stdout.trim().split('\n').sort(), `round ${round}`).toEqual(names.map((name) => `${name}: OK`));
      expect(readdirSync(dir).sort()).toEqual(['SHA256SUMS', ...names]);
    }
  });
});

describe('OutputSession: told when the files are in place', () => {
  it('onPlaced runs once every file and SHA256SUMS are in place, before commit settles (a signal then must not say nothing was written)', async () => {
    const { dir } = await earlierReport();
    const seen: { sums: string; settled: boolean }[] = [];
    let settled = false;
    const session = new OutputSession(dir, { onPlaced: () => seen.push({ sums: readFileSync(path.join(dir, 'SHA256SUMS'), 'utf8'), settled }) });
    await session.add({ name: 'iot-audit-2026-10.json', bytes: '{"new":1}' });
    const written = await session.commit();
    settled = true;
    expect(seen).toHaveLength(1);
    expect(seen[0]?.settled).toBe(false);
    expect(seen[0]?.sums).toContain(`${written[0]?.sha256}  iot-audit-2026-10.json`);
    expect(readFileSync(path.join(dir, 'iot-audit-2026-10.json'), 'utf8')).toBe('{"new":1}');
  });

  it('is not called when the commit fails', async () => {
    const { dir } = await earlierReport();
    const onPlaced = vi.fn();
    const session = new OutputSession(dir, { onPlaced });
    await session.add({ name: 'iot-audit-2026-10.json', bytes: '{"new":1}' });
    renameSync.mockImplementation(() => {
      throw Object.assign(new Error('EIO: i/o error'), { code: 'EIO' });
    });
    await expect(session.commit()).rejects.toThrow(OutputError);
    expect(onPlaced).not.toHaveBeenCalled();
  });
});

describe("OutputSession: this report's files of formats a run did not write", () => {
  const family = ['r.html', 'r.json', 'r.md'];
  const listed = (dir: string) => readFileSync(path.join(dir, 'SHA256SUMS'), 'utf8').trim().split('\n').map((l) => l.split('  ')[1]);

  it("an earlier run's are left in place, unlisted and named; a run at the same time keeps its lines", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'iot-audit-family-'));
    await writeOutputs(dir, [
      { name: 'r.html', bytes: 'earlier' },
      { name: 'other-report.json', bytes: '{}' },
    ]);
    // Written before this session began: an earlier run's.
    const past = new Date(Date.now() - 60_000);
    fs.utimesSync(path.join(dir, 'r.html'), past, past);
    const session = new OutputSession(dir, { family });
    // Another run, at the same time, writes the Markdown and commits first.
    await writeOutputs(dir, [{ name: 'r.md', bytes: 'concurrent' }]);
    await session.add({ name: 'r.json', bytes: '{"now":1}' });
    await session.commit();
    expect(session.earlierRunFiles()).toEqual(['r.html']);
    expect(listed(dir)).toEqual(['other-report.json', 'r.json', 'r.md']);
    expect(readdirSync(dir).filter((f) => !f.startsWith('.')).sort()).toEqual(['SHA256SUMS', 'other-report.json', 'r.html', 'r.json', 'r.md']);
  });

  it("an earlier run's are named by every later run that does not write them, not only by the first (2026-11-26 review)", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'iot-audit-family-'));
    await writeOutputs(dir, family.map((name) => ({ name, bytes: 'all formats' })));
    const past = new Date(Date.now() - 60_000);
    for (const name of family) fs.utimesSync(path.join(dir, name), past, past);
    // Two runs of the JSON alone: the first drops the others' lines, the second finds none to drop.
    for (const run of [1, 2]) {
      const session = new OutputSession(dir, { family });
      await session.add({ name: 'r.json', bytes: `{"run":${run}}` });
      await session.commit();
      expect(session.earlierRunFiles(), `run ${run}`).toEqual(['r.html', 'r.md']);
      expect(listed(dir), `run ${run}`).toEqual(['r.json']);
      fs.utimesSync(path.join(dir, 'r.json'), past, past);
    }
    // Written again, a format's file is listed again and named no more.
    const session = new OutputSession(dir, { family });
    await session.add({ name: 'r.md', bytes: 'md again' });
    await session.commit();
    expect(session.earlierRunFiles()).toEqual(['r.html', 'r.json']);
    expect(listed(dir)).toEqual(['r.md']);
  });

  it('one a concurrent run wrote since this run began, unlisted, is not named', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'iot-audit-family-'));
    const session = new OutputSession(dir, { family, startedAt: Date.now() });
    writeFileSync(path.join(dir, 'r.md'), 'concurrent, not committed yet');
    await session.add({ name: 'r.json', bytes: '{}' });
    await session.commit();
    expect(session.earlierRunFiles()).toEqual([]);
  });

  it('a run at the same time that finished while this one was still reading keeps its lines: "since" is since the run began, not since its writing did', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'iot-audit-family-'));
    const began = Date.now();
    // The other run commits while this one reads its sources (before its session exists).
    await writeOutputs(dir, [{ name: 'r.md', bytes: 'concurrent' }]);
    const session = new OutputSession(dir, { family, startedAt: began });
    await session.add({ name: 'r.json', bytes: '{"now":1}' });
    await session.commit();
    expect(session.earlierRunFiles()).toEqual([]);
    expect(listed(dir)).toEqual(['r.json', 'r.md']);
  });
});
