import { afterEach, describe, expect, it, vi } from 'vitest';
import { resolvePeriod } from '../../src/collect/period.js';
import { collect } from '../../src/collect/run.js';
import { LocalStore } from '../../src/sources/local.js';
import { record, writeTree } from '../helpers/trail-tree.js';

/** The folder whose listing fails after its first entry (an I/O error part way, as a failing disk or a share gone gives). */
const failing = vi.hoisted(() => ({ folder: null as string | null }));

vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs/promises')>();
  return {
    ...actual,
    opendir: async (dir: string, ...rest: unknown[]) => {
      const handle = await (actual.opendir as (...args: unknown[]) => ReturnType<typeof actual.opendir>)(dir, ...rest);
      if (dir !== failing.folder) return handle;
      return {
        async *[Symbol.asyncIterator]() {
          const first = await handle.read();
          await handle.close();
          if (first !== null) yield first;
          throw Object.assign(new Error('EIO: i/o error, readdir'), { code: 'EIO' });
        },
      };
    },
  };
});

afterEach(() => {
  failing.folder = null;
});

describe('a plain local folder whose listing fails part way', () => {
  it('names that folder, reads what it listed before, and reads the folders after it', async () => {
    const root = writeTree({
      'a/first.json': [record({ eventID: 'x1' })],
      'm/only.json': [record({ eventID: 'x2' })],
      'z/last.json': [record({ eventID: 'x3' })],
    });
    failing.folder = `${root}/m`;
    const result = await collect({ stores: [new LocalStore(root, 'plain')], period: resolvePeriod({ period: '2026-10', tz: 'UTC' }, new Date('2026-11-24T00:00:00Z')), lateDays: 1, concurrency: 4 });
    expect(result.records.map((r) => r.record.eventId)).toEqual(['x1', 'x2', 'x3']);
    expect(result.problems.map((p) => [p.key, p.reason])).toEqual([['m', 'could not read all of folder: EIO: i/o error, readdir']]);
  });
});
