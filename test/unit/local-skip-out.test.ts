import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolvePeriod } from '../../src/collect/period.js';
import { collect } from '../../src/collect/run.js';
import { openSources } from '../../src/sources/open.js';
import { record, writeTree } from '../helpers/trail-tree.js';

const october = resolvePeriod({ period: '2026-10', tz: 'UTC' }, new Date('2026-11-24T00:00:00Z'));

/** A plain folder of logs with last month's report written into its `reports/` (`--source . --out reports`). */
function folderWithReports(): string {
  const root = writeTree({ 'logs/a.json': [record({ eventID: 'x1' })], 'z.json': [record({ eventID: 'x2' })] });
  mkdirSync(path.join(root, 'reports'));
  writeFileSync(path.join(root, 'reports', 'iot-audit-2026-09.json'), JSON.stringify({ schemaVersion: '1.2', tool: { name: 'iot-audit' }, events: [{ eventId: 'e-1', eventName: 'CreatePolicy' }] }));
  return root;
}

async function read(source: string, outDir?: string) {
  const result = await collect({ stores: await openSources([source], { outDir }), period: october, lateDays: 1, concurrency: 4 });
  return { ids: result.records.map((r) => r.record.eventId), unreadable: result.unreadable.map((u) => u.key) };
}

describe('a local source holding the report folder (--out inside --source)', () => {
  it('does not read the reports written there earlier', async () => {
    const root = folderWithReports();
    expect(await read(root, path.join(root, 'reports'))).toEqual({ ids: ['x1', 'x2'], unreadable: [] });
    // Without it, last month's report is an unreadable "log".
    expect((await read(root)).unreadable).toEqual([expect.stringMatching(/\/reports\/iot-audit-2026-09\.json$/)]);
  });

  it('reads the whole source when --out is the source folder itself, one inside AWSLogs/ too', async () => {
    const root = folderWithReports();
    expect((await read(root, root)).ids).toEqual(['x1', 'x2']);
    // Loose log files in an account's folder: read as a plain folder, from the folder above AWSLogs/.
    const tree = writeTree({ 'AWSLogs/111122223333/a.json': [record({ eventID: 'y1' })], 'AWSLogs/111122223333/b.json': [record({ eventID: 'y2' })] });
    const account = path.join(tree, 'AWSLogs', '111122223333');
    expect((await read(account, account)).ids).toEqual(['y1', 'y2']);
  });
});
