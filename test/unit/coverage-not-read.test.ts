/**
 * An account of which no log was read is "without logs" only when the run could have read its
 * logs (2026-11-26 review): an account whose folder S3 refused to list or read, and, with an
 * Athena table among the sources (IoT events only), an account with no IoT call, were both
 * called "without logs", which tells an auditor the trail does not cover them.
 */
import { describe, expect, it } from 'vitest';
import { coverageOf, type CoverageInput } from '../../src/analysis/coverage.js';
import { resolvePeriod } from '../../src/collect/period.js';
import { renderMarkdown } from '../../src/render/md.js';
import { buildView } from '../../src/render/view.js';
import type { AccountInfo, SourceInfo } from '../../src/report/model.js';
import type { SourceProblem, UnlistedScope } from '../../src/types.js';
import { reportModel } from '../helpers/events.js';

const period = resolvePeriod({ period: '2026-10', tz: 'UTC' }, new Date('2026-11-24T00:00:00Z'));
const A = '111111111111';
const B = '222222222222';
const C = '333333333333';
const account = (id: string, hasLogs: boolean): AccountInfo => ({ id, name: null, email: null, state: 'ACTIVE', ouPath: null, inOrganization: true, hasLogs, tags: {} });
const input = (problems: CoverageInput['problems']): CoverageInput => ({
  delivered: { locations: [{ accountId: A, region: 'us-east-1', files: 3, days: [{ day: '2026-10-05', files: 3 }] }], loose: false, trailAccounts: [] },
  unreadable: [],
  problems,
  stats: { filesRead: 3, bytesRead: 100, recordsRead: 10, iotRecords: 1, duplicatesDropped: 0 },
  withoutTime: { count: 0, examples: [] },
  withoutName: { count: 0, examples: [] },
  days: ['2026-10-05'],
});
const accounts = [account(A, true), account(B, false), account(C, false)];
/** A listing S3 refused, with what discovery says it may hide (`unlistedScope`). */
const refusedListing = (prefix: string, hides: UnlistedScope): SourceProblem => ({
  key: prefix || '/',
  source: 's3://trail',
  reason: 'could not list: access denied (AccessDenied)',
  unlisted: { prefix, hides },
});
const noFilters = { accounts: [], regions: [] };

describe('accounts not read', () => {
  it('an account whose folder was refused is "not read", not "without logs"', () => {
    const refused = [{ key: `s3://trail/AWSLogs/o-abcdefghij/${B}/CloudTrail/us-east-1/2026/10/`, source: 's3://trail', reason: 'could not list: access denied (AccessDenied)' }];
    const coverage = coverageOf(input(refused), accounts, period, true, noFilters);
    expect([coverage.accountsWithoutLogs, coverage.accountsNotRead]).toEqual([[C], [B]]);
    // A read problem naming no account folder (a plain folder's file) makes no account "not read".
    const other = coverageOf(input([{ key: './copy/export.json', source: './copy', reason: 'could not read: x' }]), accounts, period, true, noFilters);
    expect([other.accountsWithoutLogs, other.accountsNotRead]).toEqual([[B, C], []]);
  });

  it('a refused listing above the account folders (AWSLogs/, the organization\'s folder) leaves every account without a log "not read"', () => {
    for (const prefix of ['audit-logs/AWSLogs/o-7f3k2m9xq1/', 'audit-logs/AWSLogs/', '']) {
      const coverage = coverageOf(input([refusedListing(prefix, 'accounts')]), accounts, period, true, noFilters);
      expect([coverage.accountsWithoutLogs, coverage.accountsNotRead], prefix).toEqual([[], [B, C]]);
    }
  });

  // 2026-11 review: any refused listing made every account "not read", though discovery lists every
  // branch of a shared bucket looking for AWSLogs/ (another team's elb-logs/), and the accounts'
  // own folders were listed: "accounts without logs" was gone from every output.
  it('a refused listing that hides no trail folder (a branch beside the trail) leaves the accounts without logs as they are', () => {
    const coverage = coverageOf(input([refusedListing('elb-logs/', 'other')]), accounts, period, true, noFilters);
    expect([coverage.accountsWithoutLogs, coverage.accountsNotRead]).toEqual([[B, C], []]);
    expect(coverage.sourceProblems).toEqual([{ key: 'elb-logs/', source: 's3://trail', reason: 'could not list: access denied (AccessDenied)' }]);
    // Beside one that may hide the trail's folders, every account without a log is "not read" again.
    const both = coverageOf(input([refusedListing('elb-logs/', 'other'), refusedListing('audit-logs/AWSLogs/', 'accounts')]), accounts, period, true, noFilters);
    expect([both.accountsWithoutLogs, both.accountsNotRead]).toEqual([[], [B, C]]);
  });

  it('says "in the regions asked for" on the Markdown line too, with --region', () => {
    const model = reportModel({ accounts, filters: { accounts: [], regions: ['us-east-1'] } });
    model.coverage.accountsNotRead = [B];
    expect(renderMarkdown(model)).toContain('**1 account not read in the regions asked for**');
  });

  it('with an Athena table among the sources, no account is "without logs": the table returns IoT events only', () => {
    const coverage = coverageOf(input([]), accounts, period, true, noFilters, { partitions: [], rowsRead: 0, dataScannedBytes: 5_000_000 });
    expect([coverage.accountsWithoutLogs, coverage.accountsNotRead]).toEqual([[], [B, C]]);
  });

  it('says so in the header, the Coverage section, the Markdown line; the rest "none among the others"', () => {
    const model = reportModel({ accounts });
    model.coverage.accountsWithoutLogs = [C];
    model.coverage.accountsNotRead = [B];
    const view = buildView(model, { media: 'pdf', paper: 'a4', dataFiles: [] });
    expect(view.header.completeness).toContainEqual({ label: 'Accounts not read', value: '1 (see Coverage)', warn: true });
    expect(view.coverage.notRead?.note).toBe(
      'No log of this account was read, and this report cannot say whether it has any: a listing or read of its folder was refused (see Source problems).',
    );
    expect(view.coverage.notRead?.accounts.chunks.flatMap((c) => c.rows).map((r) => r.account)).toEqual([B]);
    expect(renderMarkdown(model)).toContain('**1 account not read**');
    model.coverage.accountsWithoutLogs = [];
    expect(buildView(model, { media: 'pdf', paper: 'a4', dataFiles: [] }).coverage.withoutLogsNone).toBe('None among the others: each delivered logs.');
    const athena: SourceInfo = { label: 'athena://db.t', kind: 'athena', layout: 'athena', athena: { queryExecutionId: 'q', database: 'db', table: 't', workgroup: null, dataScannedBytes: 123_456_789, estimatedCostUsd: 0.000563, engineVersion: null, note: null } };
    const withAthena = buildView(reportModel({ accounts, sources: [athena], coverage: { ...model.coverage } }), { media: 'screen', paper: 'a4', dataFiles: [] });
    expect(withAthena.coverage.notRead?.note).toMatch(/an Athena table is among the sources, and it returns IoT events only/);
    // A query under a cent is not "$0.00".
    expect(withAthena.header.sources[0]!.detail).toMatch(/estimated < \$0\.01$/);
  });
});
