import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { OutputError, oneLine } from '../errors.js';

export interface OutputFile {
  name: string;
  /** Bytes, text, or text in pieces (written and hashed as they come, never joined). */
  bytes: Buffer | string | Iterable<string>;
}

/** Flushes written pieces to disk in blocks of about this size. */
const BLOCK = 1 << 20;

/** Writes `content` to `file`, returning its size and SHA-256, without holding streamed text whole. */
async function writeContent(file: string, content: OutputFile['bytes']): Promise<{ bytes: number; sha256: string }> {
  if (typeof content === 'string' || Buffer.isBuffer(content)) {
    await writeFile(file, content);
    return { bytes: Buffer.byteLength(content), sha256: sha256(content) };
  }
  const hash = createHash('sha256');
  const handle = await open(file, 'w');
  let size = 0;
  try {
    let block: string[] = [];
    let blockLength = 0;
    const flush = async () => {
      if (block.length === 0) return;
      const buffer = Buffer.from(block.join(''), 'utf8');
      block = [];
      blockLength = 0;
      hash.update(buffer);
      size += buffer.length;
      await handle.write(buffer);
    };
    for (const piece of content) {
      block.push(piece);
      blockLength += piece.length;
      if (blockLength >= BLOCK) await flush();
    }
    await flush();
  } finally {
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

function failure(dir: string, error: unknown): OutputError {
  return error instanceof OutputError ? error : new OutputError(`cannot write the report to ${dir}: ${oneLine(error)}; choose a writable folder with --out`);
}

/**
 * Writes a report's files into `dir` atomically: each file goes to a temporary name as
 * soon as it is rendered (so only one output is held in memory at a time), and all are
 * renamed only by `commit`, so a failure leaves no partial report. SHA256SUMS lists
 * them, keeping the entries of other reports in the same folder whose files are still there.
 */
export class OutputSession {
  private readonly tag = `${process.pid}-${randomBytes(4).toString('hex')}`;
  private readonly temps: { temp: string; final: string }[] = [];
  private readonly written: WrittenFile[] = [];
  private ready: Promise<void> | null = null;

  constructor(readonly dir: string) {}

  async add(file: OutputFile): Promise<WrittenFile> {
    try {
      this.ready ??= mkdir(this.dir, { recursive: true }).then(() => undefined);
      await this.ready;
      const final = path.join(this.dir, file.name);
      const temp = path.join(this.dir, `.${file.name}.${this.tag}.tmp`);
      this.temps.push({ temp, final });
      const content = await writeContent(temp, file.bytes);
      const entry = { name: file.name, path: final, bytes: content.bytes, sha256: content.sha256 };
      this.written.push(entry);
      return entry;
    } catch (error) {
      await this.abort();
      throw failure(this.dir, error);
    }
  }

  async commit(): Promise<WrittenFile[]> {
    try {
      this.ready ??= mkdir(this.dir, { recursive: true }).then(() => undefined);
      await this.ready;
      const sums = new Map<string, string>();
      try {
        for (const name of parseSums(await readFile(path.join(this.dir, CHECKSUMS), 'utf8')).keys()) {
          try {
            sums.set(name, sha256(await readFile(path.join(this.dir, name))));
          } catch {
            // the file is gone: its line goes too
          }
        }
      } catch {
        // no SHA256SUMS yet
      }
      for (const w of this.written) sums.set(w.name, w.sha256);
      const text = [...sums.entries()]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([name, hash]) => `${hash}  ${name}\n`)
        .join('');
      const sumsTemp = path.join(this.dir, `.${CHECKSUMS}.${this.tag}.tmp`);
      this.temps.push({ temp: sumsTemp, final: path.join(this.dir, CHECKSUMS) });
      await writeFile(sumsTemp, text);
      for (const { temp, final } of this.temps) await rename(temp, final);
      this.temps.length = 0;
      return [...this.written];
    } catch (error) {
      await this.abort();
      throw failure(this.dir, error);
    }
  }

  /** Removes every temporary file; nothing of this report is left. */
  async abort(): Promise<void> {
    await Promise.all(this.temps.map(({ temp }) => rm(temp, { force: true })));
    this.temps.length = 0;
  }
}

/** Writes `files` into `dir` in one atomic step (see OutputSession). */
export async function writeOutputs(dir: string, files: readonly OutputFile[]): Promise<WrittenFile[]> {
  const session = new OutputSession(dir);
  for (const file of files) await session.add(file);
  return session.commit();
}
