/**
 * Counts the outputs show, carried in the model (schema 1.6) and computed once, by the stage that
 * owns them; the HTML and the Markdown each worked them out for themselves:
 * 1. the readable log files (`coverage.filesReadable`: 178 read, 3 unreadable, 175 readable);
 * 2. the accounts covered and those of them the organization does not list (`coverage.accountsCovered`,
 *    and `coverage.accountsNotInOrganization` since 1.7: the Markdown's "5 accounts (1 not in the
 *    organization's list)", the HTML's header and Coverage), and whether an account of the
 *    summary's table is one (`summary.byAccount[].notInOrganization`: the HTML's "not in the organization");
 * 3. the certificates a comparison found moved to another account (`comparison.certificates.moved`).
 */
import { describe, expect, it } from 'vitest';
import { coverageOf, type CoverageInput } from '../../src/analysis/coverage.js';
import { summarize } from '../../src/analysis/summary.js';
import type { RenderContext } from '../../src/render/context.js';
import { renderMarkdown } from '../../src/render/md.js';
import { buildView } from '../../src/render/view.js';
import type { Comparison, ReportModel } from '../../src/report/model.js';
import { account, iotEvent, period, reportModel, resetEventIds } from '../helpers/events.js';

const SCREEN: RenderContext = { media: 'screen', paper: 'a4' };
const A = '111111111111';
const B = '222222222222';
/** Logs read, not in the organization's list. */
const X = '999999999999';
/** Asked for, in no list and without logs. */
const Z = '888888888888';
const ACCOUNTS = [account(A), account(B, { hasLogs: false }), account(X, { inOrganization: false, name: null })];

const input = (filesRead: number, unreadable: number): CoverageInput => ({
  delivered: { locations: [{ accountId: A, region: 'eu-west-1', files: filesRead - unreadable, days: [{ day: '2026-10-05', files: filesRead - unreadable }] }], loose: false, trailAccounts: [] },
  unreadable: Array.from({ length: unreadable }, (_, i) => ({ key: `s3://trail/broken-${i}.json.gz`, source: 's3://trail', reason: 'bad gzip' })),
  problems: [],
  stats: { filesRead, bytesRead: 100, recordsRead: 10, iotRecords: 1, duplicatesDropped: 0 },
  withoutTime: { count: 0, examples: [] },
  withoutName: { count: 0, examples: [] },
  days: ['2026-10-05'],
});
const noFilters = { accounts: [], regions: [] };
const rowsOf = <R>(t: { chunks: { rows: R[] }[] }): R[] => t.chunks.flatMap((c) => c.rows);

describe('coverage: the readable log files', () => {
  it.each([
    [178, 3, 175],
    [12, 0, 12],
    [2, 2, 0],
  ])('of %i files read, %i unreadable: %i readable, as many as the accounts count', (filesRead, unreadable, readable) => {
    const coverage = coverageOf(input(filesRead, unreadable), ACCOUNTS, period(), true, noFilters);
    expect(coverage.filesReadable).toBe(readable);
    expect(coverage.perAccount.reduce((n, a) => n + a.files, 0)).toBe(readable);
  });
});

describe('coverage: the accounts covered', () => {
  it.each([
    ['every account known, one not in the list', true, [], { total: 3, notInOrganization: 1 }, [X]],
    // Each once; an account asked for that no list has is not in the organization either, logs or not.
    ['the accounts asked for', true, [B, X, B, Z], { total: 3, notInOrganization: 2 }, [Z, X]],
    ['the accounts asked for, all listed', true, [A, B], { total: 2, notInOrganization: 0 }, []],
    // Without a list, "not in the organization" means nothing.
    ['no account list known', false, [], { total: 3, notInOrganization: 0 }, []],
    ['no account list known, accounts asked for', false, [A, Z], { total: 2, notInOrganization: 0 }, []],
  ] as const)('%s', (_, organizationKnown, asked, covered, notInList) => {
    const accounts = organizationKnown ? ACCOUNTS : ACCOUNTS.map((a) => ({ ...a, inOrganization: false }));
    const coverage = coverageOf(input(3, 0), accounts, period(), organizationKnown, { accounts: [...asked], regions: [] });
    expect(coverage.accountsCovered).toEqual(covered);
    // The accounts counted, named: one list for every output.
    expect(coverage.accountsNotInOrganization).toEqual(notInList);
  });
});

describe('summary: an account of the table that the organization does not list', () => {
  const events = () => [iotEvent({ accountId: A }), iotEvent({ accountId: X }), iotEvent({ accountId: Z })];

  it('is marked so (its OU row is "(not in the organization)"); one of no account known, or without a list, is not', () => {
    resetEventIds();
    const s = summarize(events(), ACCOUNTS, period(), true);
    expect(s.byAccount.map((a) => [a.accountId, a.notInOrganization])).toEqual([
      [A, false],
      [Z, false],
      [X, true],
    ]);
    expect(s.byOu.map((o) => [o.ouPath, o.accounts])).toEqual([
      ['(not in the organization)', 1],
      ['(unknown)', 2],
    ]);
    const fromLogs = ACCOUNTS.map((a) => ({ ...a, inOrganization: false }));
    expect(summarize(events(), fromLogs, period(), false).byAccount.map((a) => a.notInOrganization)).toEqual([false, false, false]);
  });
});

/**
 * The renderers count nothing: given a model whose counts are not what their own arithmetic on its
 * lists would give, the HTML and the Markdown show the model's.
 */
describe('the HTML and the Markdown show the counts of the model', () => {
  const comparison = (moved: number): Comparison => ({
    previous: { title: 't', generatedAt: '2026-10-01T08:00:00Z', schemaVersion: '1.5', period: period({ start: '2026-09-01T00:00:00Z', end: '2026-10-01T00:00:00Z' }) },
    warnings: [],
    findings: { new: [], resolved: [], changed: [], unchanged: 0 },
    policies: { new: [], deleted: [], changed: [], newDeleted: 0 },
    certificates: {
      new: [],
      changed: [{ accountId: B, accountName: null, region: 'eu-west-1', certificateId: 'c'.repeat(64), kind: 'device', status: 'ACTIVE', previousStatus: 'ACTIVE', movedFrom: { accountId: A, accountName: null } }],
      moved,
    },
    actors: { new: [], gone: [] },
    firstSeen: { policies: [], certificates: [] },
  });

  function model(): ReportModel {
    const m = reportModel({ accounts: [account(A)] });
    m.coverage.filesRead = 178;
    m.coverage.unreadableFiles = [{ key: 'k', source: 's', reason: 'r' }];
    m.coverage.filesReadable = 170;
    m.coverage.accountsCovered = { total: 5, notInOrganization: 2 };
    m.coverage.accountsNotInOrganization = [X, Z];
    m.summary.byAccount = [
      { accountId: A, accountName: null, ouPath: null, notInOrganization: false, changes: 1, failedAttempts: 0 },
      { accountId: X, accountName: null, ouPath: null, notInOrganization: true, changes: 1, failedAttempts: 0 },
    ];
    m.comparison = comparison(2);
    return m;
  }

  it('the readable log files', () => {
    const view = buildView(model(), SCREEN);
    expect(view.coverage.counts.find((c) => c.label === 'Log files read')?.value).toBe('178 (170 readable, 1 unreadable)');
    expect(view.header.completeness.find((c) => c.label === 'Log files read')?.value).toMatch(/^178 \(170 readable, 1 unreadable\), /);
    expect(renderMarkdown(model())).toContain('**Coverage:** 178 log files read (170 readable, **1 unreadable**), ');
  });

  it('the accounts covered, and those not in the organization', () => {
    expect(renderMarkdown(model())).toContain(", 5 accounts (2 not in the organization's list)  \n");
    const view = buildView(model(), SCREEN);
    expect(view.header.completeness.find((c) => c.label === "Accounts not in the organization's list")?.value).toBe('2 (see Coverage)');
    expect(rowsOf(view.coverage.notInOrganization).map((r) => r.account)).toEqual([X, Z]);
    const m = model();
    m.coverage.accountsCovered = { total: 5, notInOrganization: 0 };
    m.coverage.accountsNotInOrganization = [];
    expect(renderMarkdown(m)).toContain(', 5 accounts  \n');
    expect(buildView(m, SCREEN).header.completeness.map((c) => c.label)).not.toContain("Accounts not in the organization's list");
  });

  it('an account of the summary table not in the organization', () => {
    // X is in no account list of the model: only its row says what it is.
    expect(rowsOf(buildView(model(), SCREEN).summary.byAccount).map((r) => r.ouPath)).toEqual(['—', 'not in the organization']);
  });

  it('the certificates moved to another account', () => {
    const m = model();
    expect(buildView(m, SCREEN).comparison!.counts.find((c) => c.label === 'Certificates new / changed')?.value).toBe('0 / 1 (2 moved to another account)');
    expect(renderMarkdown(m, { comparison: m.comparison })).toContain('- Certificates: 0 new, 1 changed (2 moved to another account)\n');
    m.comparison = comparison(0);
    expect(buildView(m, SCREEN).comparison!.counts.find((c) => c.label === 'Certificates new / changed')?.value).toBe('0 / 1');
    expect(renderMarkdown(m, { comparison: m.comparison })).toContain('- Certificates: 0 new, 1 changed status\n');
  });
});

describe('coverage: accounts asked for without logs', () => {
  // X gave logs; B is listed and gave none; Z is in no list and gave none (a mistyped id, say).
  it.each([
    ['one in no list among them', true, [A, X, Z, B], [B, Z]],
    ['asked for twice, in no list', true, [Z, Z], [Z]],
    ['no account list known', false, [A, Z], [Z]],
    ['none asked for: the organization\'s accounts only', true, [], [B]],
    ['none asked for, no list known', false, [], []],
  ])('%s', (_, organizationKnown, asked, withoutLogs) => {
    const coverage = coverageOf(input(5, 0), ACCOUNTS, period(), organizationKnown, { accounts: asked, regions: [] });
    expect(coverage.accountsWithoutLogs).toEqual(withoutLogs);
  });

  it('the HTML lists an account asked for that no list has and that gave no log, and the Markdown counts it', () => {
    const model = reportModel({ accounts: ACCOUNTS, filters: { accounts: [A, Z], regions: [] } });
    model.coverage = coverageOf(input(5, 0), ACCOUNTS, period(), true, model.filters);
    const view = buildView(model, SCREEN);
    expect(JSON.stringify(rowsOf(view.coverage.withoutLogs))).toContain(Z);
    expect(renderMarkdown(model, SCREEN)).toContain('1 account without logs');
  });
});
