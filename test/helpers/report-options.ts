import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ReportOptions } from '../../src/pipeline/report.js';

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const FIXTURE_TREE = path.join(ROOT, 'fixtures/org-trail');

/** `runReport` options for the fixture organization's October: JSON only, fixed clock, no AWS. */
export function reportOptions(overrides: Partial<ReportOptions> = {}): ReportOptions {
  return {
    sources: [FIXTURE_TREE],
    period: { period: '2026-10', tz: 'UTC' },
    lateDays: 1,
    accounts: [],
    regions: [],
    accountsFile: path.join(ROOT, 'fixtures/accounts.json'),
    organizations: 'off',
    accountTags: false,
    formats: ['json'],
    outDir: mkdtempSync(path.join(os.tmpdir(), 'iot-audit-report-')),
    render: { paper: 'a4' },
    threads: 0,
    generatedAt: '2026-11-01T06:00:00Z',
    tool: { name: 'iot-audit', version: 'test' },
    now: new Date('2026-11-24T00:00:00Z'),
    ...overrides,
  };
}
