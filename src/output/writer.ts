import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { OutputError, oneLine } from '../errors.js';

export interface OutputFile {
  name: string;
  bytes: Buffer;
}

export interface WrittenFile {
  name: string;
  path: string;
  bytes: number;
  sha256: string;
}

export const CHECKSUMS = 'SHA256SUMS';

function sha256(bytes: Buffer): string {
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

/**
 * Writes every output into `dir` atomically: all files go to temporary names
 * first and are renamed only once all are written, so a failure leaves no partial
 * report. SHA256SUMS lists them (and keeps the entries of other reports in the
 * same folder whose files are still there).
 */
export async function writeOutputs(dir: string, files: readonly OutputFile[]): Promise<WrittenFile[]> {
  const temps: { temp: string; final: string }[] = [];
  const tag = `${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await mkdir(dir, { recursive: true });
    const sums = new Map<string, string>();
    try {
      const previous = parseSums(await readFile(path.join(dir, CHECKSUMS), 'utf8'));
      for (const [name, hash] of previous) {
        try {
          sums.set(name, sha256(await readFile(path.join(dir, name))));
        } catch {
          void hash; // the file is gone: its line goes too
        }
      }
    } catch {
      // no SHA256SUMS yet
    }
    const written: WrittenFile[] = [];
    for (const file of files) {
      const final = path.join(dir, file.name);
      const temp = path.join(dir, `.${file.name}.${tag}.tmp`);
      await writeFile(temp, file.bytes);
      temps.push({ temp, final });
      const hash = sha256(file.bytes);
      sums.set(file.name, hash);
      written.push({ name: file.name, path: final, bytes: file.bytes.length, sha256: hash });
    }
    const sumsText = [...sums.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([name, hash]) => `${hash}  ${name}\n`)
      .join('');
    const sumsTemp = path.join(dir, `.${CHECKSUMS}.${tag}.tmp`);
    await writeFile(sumsTemp, sumsText);
    temps.push({ temp: sumsTemp, final: path.join(dir, CHECKSUMS) });
    for (const { temp, final } of temps) await rename(temp, final);
    return written;
  } catch (error) {
    await Promise.all(temps.map(({ temp }) => rm(temp, { force: true })));
    throw new OutputError(`cannot write the report to ${dir}: ${oneLine(error)}; choose a writable folder with --out`);
  }
}
