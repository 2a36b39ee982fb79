import { createHash, randomBytes } from 'node:crypto';
import { constants, closeSync, linkSync, lstatSync, openSync, readFileSync, renameSync, rmSync, rmdirSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { access, lstat, mkdir, open, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { OutputError, UsageError, oneLine } from '../errors.js';
import { onExit } from '../exit-cleanup.js';
import { compareText } from '../unicode.js';

export interface OutputFile {
  name: string;
  /**
   * Bytes, text, or text in pieces (written and hashed as they come, never joined). An
   * error thrown while producing the pieces is the caller's, not an output error: it is
   * thrown as it is, after the temporary files are removed.
   */
  bytes: Buffer | string | Iterable<string>;
}

/** Written pieces are encoded into blocks of this size, each hashed and written as one. */
const BLOCK = 1 << 20;

/** An error thrown by the content while it was being produced (a renderer's), not by the disk: passed on as it is. */
class ContentFailure {
  constructor(readonly error: unknown) {}
}

/**
 * Writes `content` to `file`, returning its size and SHA-256, without holding streamed text
 * whole: pieces are encoded straight into a block, and a full block is hashed and written
 * while the next one fills.
 */
async function writeContent(file: string, content: OutputFile['bytes']): Promise<{ bytes: number; sha256: string }> {
  if (typeof content === 'string' || Buffer.isBuffer(content)) {
    // Encoded once: for the file, its size and its hash.
    const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
    await writeFile(file, bytes);
    return { bytes: bytes.length, sha256: sha256(bytes) };
  }
  const hash = createHash('sha256');
  const handle = await open(file, 'w');
  let size = 0;
  let writing: Promise<unknown> = Promise.resolve();
  const pieces = content[Symbol.iterator]();
  let done = false;
  try {
    // Two blocks in turn: one is written while the other fills (a write is awaited before its block is reused).
    const blocks = [Buffer.allocUnsafe(BLOCK), Buffer.allocUnsafe(BLOCK)];
    let block = blocks[0] as Buffer;
    let used = 0;
    const writeAll = async (bytes: Buffer) => {
      for (let at = 0; at < bytes.length; ) at += (await handle.write(bytes, at)).bytesWritten;
    };
    const flush = async (bytes: Buffer) => {
      if (bytes.length === 0) return;
      hash.update(bytes);
      size += bytes.length;
      await writing;
      writing = writeAll(bytes);
    };
    for (;;) {
      let next: IteratorResult<string>;
      try {
        next = pieces.next();
      } catch (error) {
        throw new ContentFailure(error);
      }
      if (next.done) {
        done = true;
        break;
      }
      const piece = next.value;
      // At most 3 bytes per UTF-16 unit: a piece that may not fit starts the next block.
      if (used + piece.length * 3 > BLOCK && used > 0) {
        await flush(block.subarray(0, used));
        block = (block === blocks[0] ? blocks[1] : blocks[0]) as Buffer;
        used = 0;
      }
      if (piece.length * 3 > BLOCK) await flush(Buffer.from(piece, 'utf8'));
      else used += block.write(piece, used, 'utf8');
    }
    await flush(block.subarray(0, used));
    await writing;
  } finally {
    // Stopped early (a write failed): the producer may close what it holds.
    if (!done) pieces.return?.();
    await writing.catch(() => {});
    await handle.close();
  }
  return { bytes: size, sha256: hash.digest('hex') };
}

export interface WrittenFile {
  name: string;
  path: string;
  bytes: number;
  sha256: string;
}

export const CHECKSUMS = 'SHA256SUMS';

function sha256(bytes: Buffer | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Lines of an existing SHA256SUMS: `<hex>  <name>`. */
function parseSums(text: string): Map<string, string> {
  const sums = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^([0-9a-f]{64}) [ *](.+)$/.exec(line.trim());
    if (m) sums.set(m[2], m[1]);
  }
  return sums;
}

async function isFile(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}

/**
 * A file of a session: its temporary files, `.<name>.<pid>-<8 hex>.tmp`, and the earlier
 * files it keeps while it replaces them, `.<name>.<pid>-<8 hex>.old`.
 */
const TEMP_NAME = /^\..+\.(\d{1,10})-[0-9a-f]{8}\.(?:tmp|old)$/;
/** How old another process's temporary file must be before it counts as left behind. */
const STALE_MS = 60 * 60_000;

/** Whether process `pid` runs on this machine (one of another user's counts: EPERM). */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the temporary files that runs killed outright (SIGKILL, out of memory: nothing of
 * theirs ran to remove them) left in `dir`: named as a session names them, of a process that
 * no longer runs here, and untouched for an hour (a run on another machine writing into a shared
 * folder keeps touching its files). Best effort: what cannot be read or removed stays.
 */
async function removeLeftTemps(dir: string, now: number): Promise<void> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return;
  }
  for (const name of names) {
    const pid = TEMP_NAME.exec(name)?.[1];
    if (pid === undefined || Number(pid) === process.pid || isRunning(Number(pid))) continue;
    const file = path.join(dir, name);
    try {
      const info = await stat(file);
      if (info.isFile() && now - info.mtimeMs > STALE_MS) await rm(file, { force: true });
    } catch {
      // gone already, or not ours to remove
    }
  }
}

/** The lock a commit holds in the output folder while it merges SHA256SUMS and puts its files in place. */
export const LOCK = '.iot-audit.lock';

/** How long a commit waits for other runs' locks, and when it counts one as left behind. */
export interface LockTimes {
  /** How long `commit` waits for another run's lock before it gives up (exit 5). */
  waitMs: number;
  /** A lock seen unchanged this long is left behind, whoever holds it: a commit holds it for milliseconds (`HeldLock.keepAlive`). */
  staleMs: number;
  /**
   * Or this long when its process, of this machine, no longer runs: not at once, as a container
   * sharing the host name runs processes this one cannot see.
   */
  deadMs: number;
}

const LOCK_TIMES: LockTimes = { waitMs: 90_000, staleMs: 60_000, deadMs: 5_000 };
const LOCK_TEXT = /^(\d{1,10}) (\S+) [0-9a-f]{16}\n$/;
/** What a lock (or `.break`) of this run holds: its pid, host and a token of its own (`LOCK_TEXT`). */
const lockText = () => `${process.pid} ${os.hostname()} ${randomBytes(8).toString('hex')}\n`;
/** What a lock that cannot be read is seen as. */
const UNREADABLE = '\0unreadable';
/** File-system errors that say hard links cannot be made there (vfat, exFAT, some FUSE and SMB mounts). */
const NO_HARD_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EINVAL']);

/**
 * Takes `dir`'s lock: a file holding this process's pid, host and a token of its own, made whole
 * (written under a temporary name, then linked to the lock's name, which fails if it exists).
 * Another run's lock is waited for, up to `times.waitMs`; one left behind is taken over. How long
 * a lock has been there is measured by this run's clock from when it first saw it (a shared
 * folder's times come from another clock). Held, it is kept alive (`HeldLock`); its release is
 * also run if the process exits first. Exported for tests: `OutputSession.commit` takes it.
 */
export async function lockFolder(dir: string, times: LockTimes): Promise<HeldLock> {
  const file = path.join(dir, LOCK);
  const mine = lockText();
  const began = performance.now();
  const firstSeen = new Map<string, number>();
  const seenFor = (text: string) => {
    const at = firstSeen.get(text) ?? performance.now();
    firstSeen.set(text, at);
    return performance.now() - at;
  };
  for (let pause = 5; ; pause = Math.min(pause * 2, 50)) {
    if (createWhole(file, mine)) return holdLock(file, mine, times);
    const text = readLockText(file);
    if (text !== null && leftBehind(text, seenFor(text), times) && takeOver(file, text, seenFor)) continue;
    if (performance.now() - began >= times.waitMs) {
      const m = text === null ? null : LOCK_TEXT.exec(text);
      const by = m === null ? '' : ` (process ${m[1]}${m[2] === os.hostname() ? '' : ` on ${m[2]}`})`;
      throw new OutputError(
        `another iot-audit run is writing its report into ${dir}${by}: wait for it and run again, choose another --out, or remove ${file} if no run is writing there`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, pause));
  }
}

/** A temporary name for a file that becomes `file` (`.<name>.<pid>-<hex>.tmp`, as other temporary files). */
const tempBeside = (file: string) => path.join(path.dirname(file), `${path.basename(file)}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`);

/**
 * A lock this run holds. A run waiting for it counts it left behind once its text has not changed
 * for a while (`LockTimes`): a commit that takes longer than that (a slow shared folder) renews
 * the text on a timer while it awaits, and with `keepAlive` between its synchronous steps, when
 * no timer runs. A run whose process still runs is so waited for however long it commits.
 */
export interface HeldLock {
  /** Renews the lock's text if a quarter of the shortest takeover time has passed since it last was. */
  keepAlive(): void;
  release(): void;
}

/** The lock `file`, just made holding `text`, kept alive until released (`HeldLock`). */
function holdLock(file: string, text: string, times: LockTimes): HeldLock {
  let held = text;
  // Well within the shortest time after which a waiting run may take it over.
  const every = Math.min(times.staleMs, times.deadMs) / 4;
  let renewedAt = performance.now();
  const renewNow = () => {
    held = renew(file, held) ?? held;
    renewedAt = performance.now();
  };
  // The timer renews on every tick (a tick can come a little early: throttled, it would skip one).
  const beat = setInterval(renewNow, every);
  beat.unref();
  const releaseAtExit = onExit(() => removeIfHolds(file, held));
  return {
    keepAlive: () => {
      if (performance.now() - renewedAt >= every) renewNow();
    },
    release: () => {
      clearInterval(beat);
      releaseAtExit();
      removeIfHolds(file, held);
    },
  };
}

/**
 * Makes `file` holding `text` if there is none, never partly written: written under a temporary
 * name first (`.<name>.<pid>-<hex>.tmp`, as other temporary files), then hard-linked to `file`.
 * Where hard links cannot be made, `file` is written in place (opened only if absent) and removed
 * if the write fails. False when `file` exists.
 */
function createWhole(file: string, text: string): boolean {
  const temp = tempBeside(file);
  writeFileSync(temp, text);
  try {
    linkSync(temp, file);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    if (code === 'EEXIST') return false;
    if (!NO_HARD_LINKS.has(code)) throw error;
  } finally {
    rmSync(temp, { force: true });
  }
  let fd: number;
  try {
    fd = openSync(file, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    writeSync(fd, text);
    return true;
  } catch (error) {
    rmSync(file, { force: true });
    throw error;
  } finally {
    closeSync(fd);
  }
}

/**
 * Gives the lock `file`, if it still holds `text` (this run's), a new text of this run's, put in
 * place whole by a rename: a run waiting for it sees it change, and does not count it left behind.
 * The new text, or null when the lock is no longer this run's or could not be renewed.
 */
function renew(file: string, text: string): string | null {
  if (readLockText(file) !== text) return null;
  const next = lockText();
  const temp = tempBeside(file);
  try {
    writeFileSync(temp, next);
    renameSync(temp, file);
    return next;
  } catch {
    rmSync(temp, { force: true });
    return null;
  }
}

/** The lock's text (`UNREADABLE` when it cannot be read); null once it is gone. */
function readLockText(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? null : UNREADABLE;
  }
}

/** Whether a lock seen unchanged for `seenMs` was left by a run that no longer writes (see `LockTimes`). */
function leftBehind(text: string, seenMs: number, times: LockTimes): boolean {
  if (seenMs >= times.staleMs) return true;
  const m = LOCK_TEXT.exec(text);
  return m !== null && m[2] === os.hostname() && seenMs >= times.deadMs && !isRunning(Number(m[1]));
}

/** How long a `.break` may stay: taking over a lock takes microseconds. */
const BREAK_STALE_MS = 10_000;

/**
 * Removes the lock left behind that holds `stale`, under a second lock (`<lock>.break`, made as the
 * lock is) so that one run at a time takes over: that run reads the lock again and removes it only
 * if it still holds `stale` (no run can make a new lock while it is there). A `.break` left by a
 * run that died taking over is removed once seen unchanged for `BREAK_STALE_MS`. True when the
 * lock was removed.
 */
function takeOver(file: string, stale: string, seenFor: (text: string) => number): boolean {
  const breaker = `${file}.break`;
  const token = lockText();
  if (!createWhole(breaker, token)) {
    const held = readLockText(breaker);
    if (held !== null && seenFor(`break:${held}`) >= BREAK_STALE_MS) rmSync(breaker, { force: true });
    return false;
  }
  try {
    if (readLockText(file) !== stale) return false;
    unlinkSync(file);
    return true;
  } catch {
    return false;
  } finally {
    removeIfHolds(breaker, token);
  }
}

/** Removes the lock `file` if it holds `text` (this run's own, at release). Synchronous: it also runs as the process exits. */
function removeIfHolds(file: string, text: string): void {
  if (readLockText(file) !== text) return;
  try {
    unlinkSync(file);
  } catch {
    // gone already
  }
}

function failure(dir: string, error: unknown): OutputError {
  return error instanceof OutputError ? error : new OutputError(`cannot write the report to ${dir}: ${oneLine(error)}; choose a writable folder with --out`);
}

/** A target being replaced: the earlier file kept under `backup` (null: there was none), and whether the new one is in place. */
interface Replacing {
  final: string;
  backup: string | null;
  placed: boolean;
}

/**
 * Keeps the file at `final` under `backup` before it is replaced: a second hard link (the file
 * stays where it is), else, where the file system has none, the file renamed. Null when there
 * is no file: nothing to keep (a folder there is left as it is; renaming a file over it fails).
 */
function keepAside(final: string, backup: string): string | null {
  try {
    if (lstatSync(final).isDirectory()) return null;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  try {
    linkSync(final, backup);
  } catch {
    try {
      renameSync(final, backup);
    } catch (error) {
      // Not the backup's name: the file itself cannot be replaced (read-only folder, immutable file).
      throw new Error(`${path.basename(final)} there cannot be replaced (${(error as NodeJS.ErrnoException).code ?? oneLine(error)})`);
    }
  }
  return backup;
}

/**
 * Puts the targets of a failed commit back as they were, last first: each earlier file from its
 * backup, each new file that had none removed. Returns what could not be put back.
 */
function putBack(replacing: readonly Replacing[]): string[] {
  const stuck: string[] = [];
  for (const { final, backup, placed } of [...replacing].reverse()) {
    try {
      if (backup !== null) {
        // A hard link renamed over the file it links to changes nothing: the link is removed then.
        renameSync(backup, final);
        rmSync(backup, { force: true });
      } else if (placed) {
        rmSync(final, { force: true });
      }
    } catch {
      // The earlier file is kept under a name the clean-up of stale files never takes (a hard
      // link keeps the file's old time, so `.old` would be removed by the next report written here).
      let kept = backup;
      if (backup !== null) {
        try {
          renameSync(backup, backup.replace(/\.old$/, '.kept'));
          kept = backup.replace(/\.old$/, '.kept');
        } catch {
          // left under its backup name
        }
      }
      stuck.push(kept === null ? path.basename(final) : `${path.basename(final)} (the earlier one is ${path.basename(kept)})`);
    }
  }
  return stuck;
}

/**
 * How much earlier than this machine's clock at the run's start a file's modification time may
 * read and still be "written since the run began": Linux stamps files from a coarse clock, up to a
 * tick (4 to 10 ms) behind `Date.now()`, and a concurrent run's file written just after this run
 * began read as an earlier run's (a test saw it). An earlier run of this report ends at least a
 * process start (~100 ms) before this one begins its read.
 */
const MTIME_SLACK_MS = 20;

/**
 * Writes a report's files into `dir` atomically: each file goes to a temporary name as
 * soon as it is rendered (so only one output is held in memory at a time), and all are
 * renamed only by `commit`, all or nothing, so a failure leaves no partial report (and a
 * process that exits first removes them: see `unfinished`). SHA256SUMS lists
 * them, keeping the entries of other reports in the same folder whose files are still there
 * as they were (never re-hashed: a file changed since stays flagged).
 */
export class OutputSession {
  private readonly tag = `${process.pid}-${randomBytes(4).toString('hex')}`;
  private readonly temps: { temp: string; final: string }[] = [];
  /** Takes back the removal of the temporary files at exit (`onExit`), once there are none. */
  private release: (() => void) | null = null;
  private readonly written: WrittenFile[] = [];
  private ready: Promise<void> | null = null;
  /** The folders this session made for `dir` (`makeFolders`), outermost first: removed again, when empty, if the report is not written. */
  private made: string[] = [];
  /** Files of this report's name that an earlier run wrote and this one did not (`commit`). */
  private earlierRun: string[] = [];
  /** When the run began (`startedAt`, else this session): a file of this report's name written since is another run's of the same time, not an earlier one's. */
  private readonly startedAt: number;

  /**
   * `dir` as given. Every path inside it is made with path.join, which resolves `..` by the
   * text (`link/../x` is `./x`, as checkOutputFolder and a local source's skipped folder read
   * it), so the folder is made from its normalized text too, not through a link by mkdir.
   * `lock`: how long `commit` waits for other runs writing into `dir`, and when their locks
   * count as left behind (`LockTimes`). `family`: every name this report's outputs can have
   * (each format's): those an earlier run wrote (before `startedAt`, when this run began: its
   * read included) and this one does not are of formats this run did not write, so SHA256SUMS
   * stops listing them (`earlierRunFiles`). The times compared are the file system's and this
   * machine's: a file system whose clock is far off (a network one) can misjudge a file.
   * `onPlaced`: called by `commit` as soon as every file is in place, before its clean-up (a
   * Ctrl-C from then on must not say that no report was written).
   */
  constructor(
    readonly dir: string,
    private readonly options: { lock?: Partial<LockTimes>; family?: readonly string[]; startedAt?: number; onPlaced?: () => void } = {},
  ) {
    this.startedAt = options.startedAt ?? Date.now();
  }

  /**
   * Files of this report's name (`family`) left from an earlier run, that this one did not write:
   * still there, no longer in SHA256SUMS (a set it approves is one run's); known after `commit`.
   */
  earlierRunFiles(): string[] {
    return [...this.earlierRun];
  }

  async add(file: OutputFile): Promise<WrittenFile> {
    try {
      await this.folderReady();
      const final = path.join(this.dir, file.name);
      const temp = path.join(this.dir, `.${file.name}.${this.tag}.tmp`);
      // Removed as the process exits, should it exit first (Ctrl-C).
      this.release ??= onExit(() => {
        this.removeTempsNow();
        this.removeMadeFolders();
      });
      this.temps.push({ temp, final });
      const content = await writeContent(temp, file.bytes);
      const entry = { name: file.name, path: final, bytes: content.bytes, sha256: content.sha256 };
      this.written.push(entry);
      return entry;
    } catch (error) {
      await this.abort();
      if (error instanceof ContentFailure) throw error.error;
      throw failure(this.dir, error);
    }
  }

  async commit(): Promise<WrittenFile[]> {
    let lock: HeldLock | null = null;
    try {
      await this.folderReady();
      // Another run committing into the same folder at once would lose this one's SHA256SUMS lines, or it the other's.
      lock = await lockFolder(this.dir, { ...LOCK_TIMES, ...this.options.lock });
      // Other reports' lines are kept as they were written, for files still there: hashing
      // those files again would approve a file changed since (`sha256sum -c` must flag it).
      const sums = new Map<string, string>();
      const ours = new Set(this.written.map((w) => w.name));
      let earlier = new Map<string, string>();
      try {
        earlier = parseSums(await readFile(path.join(this.dir, CHECKSUMS), 'utf8'));
      } catch {
        // no SHA256SUMS yet
      }
      this.earlierRun = await this.earlierRunIn(ours);
      for (const [name, hash] of earlier) {
        if (ours.has(name) || this.earlierRun.includes(name) || !(await isFile(path.join(this.dir, name)))) continue; // replaced now, an earlier run's, or gone
        sums.set(name, hash);
      }
      for (const w of this.written) sums.set(w.name, w.sha256);
      const text = [...sums.entries()]
        .sort(([a], [b]) => compareText(a, b))
        .map(([name, hash]) => `${hash}  ${name}\n`)
        .join('');
      const sumsTemp = path.join(this.dir, `.${CHECKSUMS}.${this.tag}.tmp`);
      this.temps.push({ temp: sumsTemp, final: path.join(this.dir, CHECKSUMS) });
      await writeFile(sumsTemp, text);
      this.replaceTargets(lock.keepAlive);
      this.temps.length = 0;
      this.released();
      this.options.onPlaced?.();
      lock.release();
      lock = null;
      await removeLeftTemps(this.dir, Date.now());
      return [...this.written];
    } catch (error) {
      // The lock first: a folder this session made is removed only when empty.
      lock?.release();
      lock = null;
      await this.abort();
      throw failure(this.dir, error);
    }
  }

  /**
   * The files of this report's name (`family`) in the folder that this run does not write (`ours`)
   * and that were there before it began: an earlier run's, of a format this run did not write, not
   * vouched for beside this run's files. Found in the folder, not among SHA256SUMS's lines: a run
   * before this one dropped their lines already, and each later run names them again. One written
   * since this run began is a concurrent run's, which keeps its line.
   */
  private async earlierRunIn(ours: ReadonlySet<string>): Promise<string[]> {
    const found: string[] = [];
    for (const name of new Set(this.options.family)) {
      if (ours.has(name)) continue;
      const info = await stat(path.join(this.dir, name)).catch(() => null);
      if (info?.isFile() === true && info.mtimeMs < this.startedAt - MTIME_SLACK_MS) found.push(name);
    }
    return found.sort(compareText);
  }

  /**
   * Renames every temporary file over its target (SHA256SUMS last), all or nothing: each
   * earlier file is kept under a backup name first, and if any step fails every target is put
   * back from its backup and the new files are removed, so SHA256SUMS always lists the files
   * there. The backups are removed once all are in place. Synchronous: a few renames, between
   * which no other code (a Ctrl-C handler) can run.
   */
  private replaceTargets(keepAlive: () => void): void {
    const replacing: Replacing[] = [];
    try {
      for (const { temp, final } of this.temps) {
        const entry: Replacing = { final, backup: keepAside(final, path.join(this.dir, `.${path.basename(final)}.${this.tag}.old`)), placed: false };
        replacing.push(entry);
        renameSync(temp, final);
        entry.placed = true;
        keepAlive();
      }
    } catch (error) {
      const stuck = putBack(replacing);
      if (stuck.length === 0) throw error;
      throw new OutputError(`cannot write the report to ${this.dir}: ${oneLine(error)}, and could not put back ${stuck.join(', ')}; choose a writable folder with --out`);
    }
    for (const { backup } of replacing) {
      if (backup === null) continue;
      try {
        rmSync(backup, { force: true });
      } catch {
        // left for the next report written here (removeLeftTemps)
      }
      keepAlive();
    }
  }

  /** `dir`, made once (with the folders above it that are missing). */
  private folderReady(): Promise<void> {
    // From its normalized text: see the constructor.
    this.ready ??= makeFolders(path.normalize(this.dir)).then((made) => {
      this.made = made;
    });
    return this.ready;
  }

  /** Removes every temporary file, and the folders this session made if they are empty: nothing of this report is left. */
  async abort(): Promise<void> {
    this.removeTempsNow();
    this.removeMadeFolders();
    this.released();
  }

  /** Removes the folders this session made, innermost first, each only if empty (another run may write there). */
  private removeMadeFolders(): void {
    for (const folder of this.made.slice().reverse()) {
      try {
        rmdirSync(folder);
      } catch {
        break; // not empty (another run's files), or gone: the folders above it stay too
      }
    }
    this.made = [];
  }

  /** No temporary file left to remove at exit. */
  private released(): void {
    this.release?.();
    this.release = null;
  }

  /** Removes the temporary files, synchronously: also as the process exits. */
  private removeTempsNow(): void {
    for (const { temp } of this.temps) {
      try {
        rmSync(temp, { force: true });
      } catch {
        // not ours to remove any more
      }
    }
    this.temps.length = 0;
  }
}

/**
 * Makes `dir` and the folders above it that are missing, one at a time: Node's recursive mkdir
 * never settles where a folder cannot be made under /proc (`--out /proc/x` ran forever). The
 * folders made, outermost first (one another run made meanwhile is not among them).
 */
async function makeFolders(dir: string): Promise<string[]> {
  const missing: string[] = [];
  for (let at = path.resolve(dir); ; at = path.dirname(at)) {
    try {
      await stat(at);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || path.dirname(at) === at) throw error;
      missing.push(at);
    }
  }
  const made: string[] = [];
  for (const folder of missing.reverse()) {
    try {
      await mkdir(folder);
      made.push(folder);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || !(await stat(folder)).isDirectory()) throw error;
    }
  }
  return made;
}

/**
 * Checks, before a report's long read, that `dir` can be its output folder: a folder this user
 * can write into, or one that can be made (the nearest path above it that exists is such a
 * folder). Nothing is made or written. An output error (exit 5) that says which path is wrong.
 */
export async function checkOutputFolder(dir: string): Promise<void> {
  if (dir.trim() === '') throw new UsageError('--out is empty: give the folder to write the report into');
  const wanted = path.resolve(dir);
  const named = (at: string) => (at === wanted ? 'it' : at);
  for (let at = wanted; ; at = path.dirname(at)) {
    let isFolder: boolean;
    try {
      isFolder = (await stat(at)).isDirectory();
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if ((code === 'ENOENT' || code === 'ENOTDIR') && path.dirname(at) !== at) {
        // A symbolic link that leads nowhere cannot be made a folder.
        if (code === 'ENOENT' && (await lstat(at).catch(() => null))?.isSymbolicLink()) {
          throw new OutputError(`cannot write the report to ${dir}: ${named(at)} is a symbolic link that leads nowhere; choose a folder with --out`);
        }
        // Not there (or a file on the way, which the step above names): the folder above decides.
        continue;
      }
      throw failure(dir, error);
    }
    if (!isFolder) throw new OutputError(`cannot write the report to ${dir}: ${named(at)} is a file, not a folder; choose a folder with --out`);
    try {
      await access(at, constants.W_OK | constants.X_OK);
    } catch (error) {
      throw failure(dir, error);
    }
    return;
  }
}

/** Writes `files` into `dir` in one atomic step (see OutputSession). */
export async function writeOutputs(dir: string, files: readonly OutputFile[]): Promise<WrittenFile[]> {
  const session = new OutputSession(dir);
  for (const file of files) await session.add(file);
  return session.commit();
}
