/**
 * A commit that fails after taking the folder's lock (a rename refused: disk full, a file system
 * that cannot rename) leaves nothing: not the report's files, nor the folders this run made for
 * --out (they were left, the lock file still in them when they were removed: 2026-11-26 review).
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';

vi.mock('node:fs', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs')>();
  return {
    ...actual,
    renameSync: (from: string, to: string) => {
      if (String(to).endsWith('refused.json')) throw Object.assign(new Error('ENOSPC: no space left on device, rename'), { code: 'ENOSPC' });
      return actual.renameSync(from, to);
    },
  };
});

const { OutputSession } = await import('../../src/output/writer.js');
const { OutputError } = await import('../../src/errors.js');

describe('a commit that fails', () => {
  it('removes the folders it made for --out, lock and all', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'iot-audit-commit-fail-'));
    const session = new OutputSession(path.join(dir, 'nest', 'a', 'b'));
    await session.add({ name: 'refused.json', bytes: Buffer.from('{}') });
    await expect(session.commit()).rejects.toBeInstanceOf(OutputError);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('leaves a folder that was there as it was', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'iot-audit-commit-fail-'));
    mkdirSync(path.join(dir, 'out'));
    const session = new OutputSession(path.join(dir, 'out'));
    await session.add({ name: 'refused.json', bytes: Buffer.from('{}') });
    await expect(session.commit()).rejects.toBeInstanceOf(OutputError);
    expect(existsSync(path.join(dir, 'out'))).toBe(true);
    expect(readdirSync(path.join(dir, 'out'))).toEqual([]);
  });
});
