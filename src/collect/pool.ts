import { createRequire } from 'node:module';
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import type { DigestRead } from '../integrity/digest.js';
import type { KnownContent } from '../integrity/log-files.js';
import type { LogContentHash, ObjectStore, ParsedLog } from '../types.js';
import type { ParseBatch, ParseReplies, ParseTask } from './parse-worker.js';
import type { ParseOptions } from './run.js';

/**
 * Log files parsed on worker threads: decompression and scanning are CPU-bound, and
 * the report must use every core. The caller bounds the work in flight; the pool
 * queues what it is given.
 *
 * Paths travel in batches (one message for several files, one reply for all of them):
 * with thousands of files, a message per file costs the main thread, which shares the
 * cores with the workers, a noticeable part of the run. Each worker holds up to two
 * batches, so it starts the next one while the main thread answers the previous.
 * Bytes go one file at a time to an idle worker: they are transferred, so if the worker
 * dies only the file it was reading is lost, not others queued behind it.
 */
export interface ParsePool {
  /**
   * Parses a log object's bytes on a worker. The bytes are transferred when they own
   * their memory (no copy): the caller's Buffer is empty afterwards.
   */
  parse(bytes: Buffer, options?: ParseOptions): Promise<ParsedLog>;
  /** Parses a local file, read by the worker itself (no copy through the main thread). */
  parseFile(path: string, options?: ParseOptions): Promise<ParsedLog>;
  /** A log object's content hash alone (`--verify`): its bytes, transferred as `parse` does. */
  hash(bytes: Buffer): Promise<KnownContent>;
  /** A local log file's content hash alone, read by the worker itself (`--verify`). */
  hashFile(path: string): Promise<KnownContent>;
  /** Reads, inflates, parses and hashes a local digest file, with its `.sig` sidecar (`--verify`). */
  readDigest(path: string): Promise<DigestRead>;
  /** Waits for the queued work, then stops the workers. */
  close(): Promise<void>;
}

export interface ParsePoolOptions {
  /** Worker threads; default: the cores available. */
  threads?: number;
  /** A file that takes longer stops its worker and fails (default 5 minutes). */
  taskTimeoutMs?: number;
  /** The worker script (tests use their own); default: parse-worker next to this file. */
  workerFile?: URL;
}

interface Task {
  message: ParseTask;
  transfer: ArrayBuffer[];
  resolve: (answer: ParsedLog | KnownContent | DigestRead) => void;
  reject: (error: Error) => void;
  /** A path can be sent again; transferred bytes are gone with the worker that got them. */
  retryable: boolean;
  /** Was in a batch whose worker died: runs alone, and fails if its worker dies again. */
  alone: boolean;
}

interface Slot {
  worker: Worker;
  /** Batches sent, in the order the worker handles them: the first is running. */
  batches: Task[][];
  timer: NodeJS.Timeout | null;
  timedOut: boolean;
  stopping: boolean;
}

const BATCHES_PER_WORKER = 2;
/**
 * Files per batch, at most. Each batch costs its worker a gap (reply, next message): with
 * 8 files a worker sat ~5% of a month's read between batches, with 32 about half that.
 * The caller must have enough files in flight to fill the batches (see `runReport`).
 */
const MAX_BATCH = 32;

/**
 * Starts a parse worker: the compiled JavaScript next to this file, or, when this file
 * runs from TypeScript source (tsx, vitest), the TypeScript worker behind a bootstrap
 * that registers tsx first (Node 20 does not apply `--import` loaders to a worker's entry).
 */
function defaultWorker(): () => Worker {
  if (!import.meta.url.endsWith('.ts')) {
    const file = new URL('./parse-worker.js', import.meta.url);
    // The worker needs no Node flags, and some of the parent's are refused in workers.
    return () => new Worker(file, { execArgv: [], resourceLimits: WORKER_LIMITS });
  }
  const tsxApi = createRequire(import.meta.url).resolve('tsx/esm/api');
  const entry = new URL('./parse-worker.ts', import.meta.url).href;
  const bootstrap = `require(${JSON.stringify(tsxApi)}).register(); import(${JSON.stringify(entry)});`;
  return () => new Worker(bootstrap, { eval: true, execArgv: [], resourceLimits: WORKER_LIMITS });
}

/**
 * A worker holds one file at a time (a few MB): a small young generation makes V8
 * collect often, so memory stays flat however many files pass through.
 */
const WORKER_LIMITS = { maxYoungGenerationSizeMb: 16, maxOldGenerationSizeMb: 256 } as const;

function transferable(bytes: Uint8Array): ArrayBuffer[] {
  // A Buffer from Node's shared pool (small allocations) shares its ArrayBuffer with
  // other Buffers: it is copied, never transferred.
  const buffer = bytes.buffer;
  return buffer instanceof ArrayBuffer && bytes.byteOffset === 0 && bytes.byteLength === buffer.byteLength ? [buffer] : [];
}

/**
 * The environment switches the parse workers read at start-up (`IOT_AUDIT_SCAN_KERNEL`,
 * `IOT_AUDIT_GUNZIP`), checked on the main thread: a value that names no scan kernel or gunzip,
 * or one this machine cannot run, is a usage error (exit 2) naming it, not a run that quietly
 * ignores it. The workers get a copy of this environment and choose with the same functions
 * (`scanPathFromEnv`, `gunzipPathFromEnv`), so they agree with this check; without it each worker
 * would stop at start-up and every file fail with the message. The scan and gunzip modules load
 * here only when a switch is set: the main thread needs neither otherwise (~13 ms).
 */
export async function checkParseSwitches(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  if (env.IOT_AUDIT_SCAN_KERNEL) (await import('../cloudtrail/scan.js')).scanPathFromEnv(env);
  if (env.IOT_AUDIT_GUNZIP) (await import('./gunzip-native.js')).gunzipPathFromEnv(env);
}

export function createParsePool(options: ParsePoolOptions = {}): ParsePool {
  const threads = Math.max(1, Math.floor(options.threads ?? os.availableParallelism()));
  const timeoutMs = options.taskTimeoutMs ?? 5 * 60_000;
  const startWorker = options.workerFile ? ((file: URL) => () => new Worker(file))(options.workerFile) : defaultWorker();
  const slots: Slot[] = [];
  const queue: Task[] = [];
  let nextId = 1;
  let closed = false;
  let dispatchScheduled = false;
  let drained: (() => void) | null = null;

  function startTimer(slot: Slot): void {
    if (slot.timer !== null) clearTimeout(slot.timer);
    slot.timer = null;
    const running = slot.batches[0];
    if (running === undefined) return;
    slot.timer = setTimeout(() => {
      slot.timedOut = true;
      void slot.worker.terminate();
    }, timeoutMs * running.length);
  }

  function spawn(): void {
    const worker = startWorker();
    const slot: Slot = { worker, batches: [], timer: null, timedOut: false, stopping: false };
    let crash: Error | null = null;
    worker.on('message', (reply: ParseReplies) => {
      const batch = slot.batches.shift();
      if (batch === undefined) return;
      startTimer(slot);
      batch.forEach((task, i) => {
        const result = reply.results[i];
        // Replies come in the order the batches went; an answer for another file is never taken.
        if (result !== undefined && result.id !== task.message.id) task.reject(new Error('the parse worker answered for another file'));
        else if (result !== undefined && 'parsed' in result) task.resolve(result.parsed);
        else if (result !== undefined && 'content' in result) task.resolve(result.content);
        else if (result !== undefined && 'digest' in result) task.resolve(result.digest);
        else task.reject(Object.assign(new Error(result?.error.message ?? 'no answer from the parse worker'), result?.error.code ? { code: result.error.code } : {}));
      });
      scheduleDispatch();
    });
    // A reply that cannot be read here (one the worker could write but this thread cannot
    // rebuild) takes its batch's place in the order: its files run again, each alone, and the
    // one whose answer cannot be read fails. Left unanswered, the batch would wait for its
    // timeout, and take the next batch's answer.
    worker.on('messageerror', (error) => {
      const batch = slot.batches.shift();
      if (batch === undefined) return;
      startTimer(slot);
      queue.unshift(...retryAlone(batch, `the parse worker's answer could not be read (${error.message})`));
      scheduleDispatch();
    });
    worker.on('error', (error) => {
      crash = error;
    });
    worker.on('exit', (code) => {
      if (slot.timer !== null) clearTimeout(slot.timer);
      slots.splice(slots.indexOf(slot), 1);
      if (!slot.stopping) {
        // The running batch holds the file that stopped the worker. A file that stops a
        // worker while alone fails (it would stop the next one too); the others of its
        // batch run again, each alone. Later batches are sent again as they were.
        const [running = [], ...waiting] = slot.batches;
        const why = slot.timedOut ? `took longer than ${timeoutMs / 1000} s` : `stopped (exit code ${code}${crash ? `: ${crash.message}` : ''})`;
        queue.unshift(...retryAlone(running, `parse worker ${why}`), ...waiting.flat());
      }
      slot.batches = [];
      scheduleDispatch();
    });
    slots.push(slot);
  }

  /**
   * A batch whose run failed (its worker stopped, or its answer could not be read): a file that
   * failed while alone fails with `why` (it would fail again), or one that cannot be sent again;
   * the others are returned to run again, each alone, to find the one that fails.
   */
  function retryAlone(batch: Task[], why: string): Task[] {
    const culprit = batch.length === 1 && (batch[0]!.alone || !batch[0]!.retryable) ? batch[0]! : null;
    if (culprit !== null) {
      culprit.reject(new Error(why));
      return [];
    }
    for (const task of batch) task.alone = true;
    return batch;
  }

  function send(slot: Slot, batch: Task[]): void {
    slot.batches.push(batch);
    if (slot.batches.length === 1) startTimer(slot);
    slot.worker.ref();
    const message: ParseBatch = { tasks: batch.map((t) => t.message) };
    try {
      slot.worker.postMessage(message, batch.flatMap((t) => t.transfer));
    } catch (error) {
      slot.batches.pop();
      for (const task of batch) task.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  /** Runs once per turn of the event loop, so the tasks submitted meanwhile share a batch. */
  function scheduleDispatch(): void {
    if (dispatchScheduled) return;
    dispatchScheduled = true;
    setImmediate(dispatch);
  }

  function dispatch(): void {
    dispatchScheduled = false;
    // A worker that died is replaced when there is work for it.
    while (queue.length > 0 && slots.length < threads && !(closed && drained === null)) spawn();
    while (queue.length > 0) {
      const head = queue[0];
      // bytes only to an idle worker; paths to any worker with room for another batch
      const open = slots.filter((s) => !s.stopping && s.batches.length < (head.retryable ? BATCHES_PER_WORKER : 1));
      if (open.length === 0) break;
      const slot = open.reduce((a, b) => (b.batches.length < a.batches.length ? b : a));
      let take = 1;
      if (head.retryable && !head.alone) {
        const size = Math.min(MAX_BATCH, Math.ceil(queue.length / open.length));
        while (take < size && take < queue.length && queue[take].retryable && !queue[take].alone) take++;
      }
      send(slot, queue.splice(0, take));
    }
    // Idle workers do not keep the process alive (stopping ones do, until they have stopped).
    for (const s of slots) if (s.batches.length === 0 && !s.stopping) s.worker.unref();
    if (drained !== null && queue.length === 0 && slots.every((s) => s.batches.length === 0)) {
      const done = drained;
      drained = null;
      done();
    }
  }

  /** `retryable`: a path can be sent again (to another worker, if its worker died). */
  function submit<T extends ParsedLog | KnownContent | DigestRead>(message: ParseTask, transfer: ArrayBuffer[], retryable: boolean): Promise<T> {
    if (closed) return Promise.reject(new Error('the parse pool is closed'));
    return new Promise<T>((resolve, reject) => {
      queue.push({ message, transfer, resolve: resolve as Task['resolve'], reject, retryable, alone: false });
      scheduleDispatch();
    });
  }

  function logTask(message: { bytes: Uint8Array } | { path: string }, job: 'parse' | 'parse+hash' | 'hash'): ParseTask {
    // Written out, not spread: this runs once per log file.
    const task: ParseTask & { job?: 'parse+hash' | 'hash' } = 'path' in message ? { id: nextId++, path: message.path } : { id: nextId++, bytes: message.bytes };
    if (job !== 'parse') task.job = job;
    return task;
  }
  const parseJob = (options: ParseOptions | undefined) => (options?.hash === true ? 'parse+hash' : 'parse');

  // All workers start now: they load while the caller lists what to read.
  for (let i = 0; i < threads; i++) spawn();
  for (const s of slots) s.worker.unref();

  return {
    parse: (bytes, options) => submit(logTask({ bytes }, parseJob(options)), transferable(bytes), false),
    parseFile: (path, options) => submit(logTask({ path }, parseJob(options)), [], true),
    hash: (bytes) => submit(logTask({ bytes }, 'hash'), transferable(bytes), false),
    hashFile: (path) => submit(logTask({ path }, 'hash'), [], true),
    readDigest: (path) => submit({ id: nextId++, digestPath: path }, [], true),
    async close() {
      if (closed) return;
      closed = true;
      if (queue.length > 0 || slots.some((s) => s.batches.length > 0)) {
        await new Promise<void>((resolve) => {
          drained = resolve;
        });
      }
      await Promise.all(
        [...slots].map((s) => {
          s.stopping = true;
          s.worker.ref();
          return s.worker.terminate();
        }),
      );
    },
  };
}

/**
 * The integrity check's reading on a pool's workers (`verify`): a local log file is read and
 * hashed by a worker itself, other objects' bytes are sent to one, and a local digest is read,
 * inflated, parsed and hashed by one, with its sidecar (see `VerifyIntegrityOptions`
 * `knownContent`, `hashBytes` and `readDigest`).
 */
export function integrityOnWorkers(pool: ParsePool, localPath: (store: ObjectStore, key: string) => string | null) {
  return {
    readDigest: (store: ObjectStore, key: string): Promise<DigestRead> | undefined => {
      const file = localPath(store, key);
      return file === null ? undefined : pool.readDigest(file);
    },
    knownContent: (store: ObjectStore, key: string): Promise<KnownContent> | undefined => {
      const file = localPath(store, key);
      return file === null ? undefined : pool.hashFile(file);
    },
    hashBytes: (bytes: Buffer): Promise<LogContentHash> => pool.hash(bytes),
  };
}
