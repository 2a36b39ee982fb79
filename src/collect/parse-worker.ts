import { readFileSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import { digestContentOf, type DigestRead } from '../integrity/digest.js';
import type { KnownContent } from '../integrity/log-files.js';
import { sidecarSignature } from '../sources/local.js';
import { contentHashFast, parseLog } from './parse-fast.js';
import { keptReader } from './read-kept.js';
import type { ParsedLog } from '../types.js';

/**
 * One file: bytes (transferred) or a local path the worker reads itself. `job`: parse it
 * (the default), parse and hash it (`ParseOptions.hash`), or only hash it (`--verify`). Or
 * a local digest file to read (`--verify`), with its `.sig` sidecar.
 */
export type ParseTask = (({ id: number; bytes: Uint8Array } | { id: number; path: string }) & { job?: 'parse+hash' | 'hash' }) | { id: number; digestPath: string };
/** What the pool sends: several files at once, parsed in order. */
export interface ParseBatch {
  tasks: ParseTask[];
}

export type ParseReply =
  | { id: number; parsed: ParsedLog }
  | { id: number; content: KnownContent }
  | { id: number; digest: DigestRead }
  | { id: number; error: { message: string; code?: string } };
/** The answer to a batch: one reply per task, in the same order. */
export interface ParseReplies {
  results: ParseReply[];
}

/** Log files are read into kept space: nothing returned points into it (see `parseLogFast`). */
const readLog = keptReader();

async function handle(task: ParseTask): Promise<ParseReply> {
  try {
    if ('digestPath' in task) {
      const bytes = readFileSync(task.digestPath);
      return { id: task.id, digest: { ...digestContentOf(bytes), storedBytes: bytes.length, sidecar: sidecarSignature(task.digestPath) } };
    }
    const bytes = 'path' in task ? readLog(task.path) : Buffer.from(task.bytes.buffer, task.bytes.byteOffset, task.bytes.byteLength);
    if (task.job === 'hash') return { id: task.id, content: { ...contentHashFast(bytes), storedBytes: bytes.length } };
    const parsed = await parseLog(bytes, task.job === 'parse+hash');
    if ('path' in task) parsed.storedBytes = bytes.length;
    return { id: task.id, parsed };
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    return { id: task.id, error: { message: e?.message ?? String(error), ...(typeof e?.code === 'string' ? { code: e.code } : {}) } };
  }
}

const port = parentPort;
if (port === null) throw new Error('parse-worker.js runs as a worker thread of the parse pool');
/** Batches run one after another, each task in turn (a large file is read as a stream: `parseLog`), and are answered in order. */
async function run(batch: ParseBatch): Promise<void> {
  const results: ParseReply[] = [];
  for (const task of batch.tasks) results.push(await handle(task));
  const replies: ParseReplies = { results };
  port!.postMessage(replies);
}
let running: Promise<void> = Promise.resolve();
port.on('message', (batch: ParseBatch) => {
  running = running.then(() => run(batch));
});
