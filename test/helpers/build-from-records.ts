import type { CollectResult } from '../../src/collect/run.js';
import { resolvePeriod } from '../../src/collect/period.js';
import { buildReport } from '../../src/report/build.js';
import type { ReportModel, SourcedRecord } from '../../src/types.js';

/** What a read of October 2026 collected: `records` (IoT records of one day), nothing else. */
export function collectedOf(records: SourcedRecord[]): CollectResult {
  return {
    sources: [],
    records,
    delivered: { locations: [], loose: true, trailAccounts: [] },
    unreadable: [],
    problems: [],
    stats: { filesListed: 1, filesRead: 1, bytesRead: 0, uncompressedBytes: 0, recordsRead: records.length, iotRecords: records.length, duplicatesDropped: 0 },
    withoutTime: { count: 0, examples: [] },
    withoutName: { count: 0, examples: [] },
    days: ['2026-10-05'],
    recordFiles: new Map(),
  };
}

/** The report model of October 2026 (UTC) built from what a read collected, accounts from the logs. */
export function buildOctober(collected: CollectResult): ReportModel {
  return buildReport({
    collected,
    accounts: { organizationId: null, managementAccountId: null, from: 'logs', note: null, accounts: [] },
    period: resolvePeriod({ period: '2026-10', tz: 'UTC' }, new Date('2026-11-02T00:00:00Z')),
    generatedAt: '2026-11-02T00:00:00Z',
    tool: { name: 'iot-audit', version: 'test' },
    filters: { accounts: [], regions: [] },
  });
}
