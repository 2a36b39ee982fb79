/**
 * `--account` and `--region` hold every event of the report, not only the folders read: a plain
 * folder of log files (no account or region in its keys) holds any account's records, and a
 * report for one account must show that account's events alone.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse, type HTMLElement } from 'node-html-parser';
import { describe, expect, it } from 'vitest';
import { discoverTrails } from '../../src/cloudtrail/layout.js';
import { runReport } from '../../src/pipeline/report.js';
import { CountingStore } from '../helpers/counting-store.js';
import { reportOptions } from '../helpers/report-options.js';
import { logKey, record, writeTree } from '../helpers/trail-tree.js';

const A = '111122223333';
const B = '444455556666';
const noRecipient = (overrides: Record<string, unknown>) => {
  const { recipientAccountId: _r, awsRegion: _g, ...rest } = record(overrides);
  return rest;
};

/** Records of two accounts and two regions, placed by each way an event's account is told. */
const RECORDS = [
  record({ eventID: 'a-east', recipientAccountId: A, awsRegion: 'us-east-1' }),
  record({ eventID: 'b-west', recipientAccountId: B, awsRegion: 'eu-west-1', eventTime: '2026-10-06T10:00:00Z' }),
  // Neither recipient nor region: the IoT ARN in its parameters says B, eu-west-1.
  noRecipient({
    eventID: 'b-arn',
    eventName: 'UpdateCertificate',
    eventTime: '2026-10-07T10:00:00Z',
    requestParameters: { certificateId: 'c0ffee', newStatus: 'REVOKED', certificateArn: `arn:aws:iot:eu-west-1:${B}:cert/c0ffee` },
  }),
  // Nothing but the caller's account: A, in no region.
  noRecipient({ eventID: 'a-caller', eventTime: '2026-10-08T10:00:00Z' }),
];

async function eventIds(root: string, filters: { accounts?: string[]; regions?: string[] }): Promise<string[]> {
  const { model } = await runReport(reportOptions({ sources: [root], accountsFile: undefined, accounts: filters.accounts ?? [], regions: filters.regions ?? [] }));
  return model.events.map((e) => e.eventId);
}

describe('account and region filters on a plain folder of log files', () => {
  const root = writeTree({ 'exports/records.json': RECORDS });

  it('reads every account without a filter', async () => {
    expect(await eventIds(root, {})).toEqual(['a-east', 'b-west', 'b-arn', 'a-caller']);
  });

  it('keeps only the events of the accounts asked for, however each event names its account', async () => {
    expect(await eventIds(root, { accounts: [A] })).toEqual(['a-east', 'a-caller']);
    expect(await eventIds(root, { accounts: [B] })).toEqual(['b-west', 'b-arn']);
    expect(await eventIds(root, { accounts: ['999999999999'] })).toEqual([]);
  });

  it('keeps only the events of the regions asked for; an event with no region is in none of them', async () => {
    expect(await eventIds(root, { regions: ['eu-west-1'] })).toEqual(['b-west', 'b-arn']);
    expect(await eventIds(root, { regions: ['us-east-1'] })).toEqual(['a-east']);
    expect(await eventIds(root, { accounts: [A], regions: ['eu-west-1'] })).toEqual([]);
  });

  it('counts only the kept records as the period IoT records', async () => {
    const { model } = await runReport(reportOptions({ sources: [root], accountsFile: undefined, accounts: [B] }));
    expect(model.coverage.iotRecords).toBe(2);
    expect(model.summary.totalEvents).toBe(2);
  });
});

describe('account filter on an organization trail', () => {
  it('reads only the asked accounts folders, and holds their records to it too', async () => {
    const root = writeTree({
      [logKey({ org: 'o-abcdefghij', account: A, region: 'us-east-1', delivered: '2026-10-05T10:05' })]: [
        record({ eventID: 'in-a' }),
        // Filed in A's folder but made in B (as its recipient says): shown as B's, so not in A's report.
        record({ eventID: 'b-in-a', recipientAccountId: B }),
      ],
      [logKey({ org: 'o-abcdefghij', account: B, region: 'us-east-1', delivered: '2026-10-05T10:05' })]: [record({ eventID: 'in-b', recipientAccountId: B })],
    });
    expect(await eventIds(root, { accounts: [A] })).toEqual(['in-a']);
    expect(await eventIds(root, {})).toEqual(['b-in-a', 'in-a', 'in-b']);
  });
});

/** The first cell of each row of the table under a Coverage heading: the accounts it lists. */
const firstCells = (heading: HTMLElement) => heading.nextElementSibling!.querySelectorAll('tbody tr').map((tr) => tr.querySelector('td')!.text.trim());

describe('coverage without an account list', () => {
  it('calls an account whose trail folder holds no log file of the period "without logs", in every output', async () => {
    const root = writeTree({
      [logKey({ account: A, region: 'us-east-1', delivered: '2026-10-05T10:05' })]: [record({ eventID: 'in-a' })],
      // B delivered in September, then stopped: its folder is there, its October logs are not.
      [logKey({ account: B, region: 'eu-west-1', delivered: '2026-09-20T10:05' })]: [record({ eventID: 'in-b', recipientAccountId: B, awsRegion: 'eu-west-1', eventTime: '2026-09-20T10:00:00Z' })],
    });
    const options = reportOptions({ sources: [root], accountsFile: undefined, formats: ['json', 'md', 'html'] });
    const { model } = await runReport(options);
    expect(model.organization.accountsFrom).toBe('logs');
    expect(model.coverage.accountsWithoutLogs).toEqual([B]);
    expect(model.coverage.accountsCovered.total).toBe(2);
    const read = (suffix: string) => readFileSync(path.join(options.outDir, `iot-audit-2026-10${suffix}`), 'utf8');
    expect(read('.md')).toContain('**1 account without logs**');
    const html = parse(read('.html'));
    const heading = html.querySelectorAll('#coverage h3').find((h) => /without logs/.test(h.text));
    expect(heading?.text).toBe('Accounts with a trail folder without logs');
    expect(firstCells(heading!)).toEqual([B]);

    // With --region, only the folders of the regions asked for count.
    const east = await runReport(reportOptions({ sources: [root], accountsFile: undefined, regions: ['us-east-1'], formats: ['json'] }));
    expect(east.model.coverage.accountsWithoutLogs).toEqual([]);
  });
});

describe('coverage with an account list and a trail folder of an account it does not have', () => {
  it('calls an account whose trail folder holds no log file of the period "without logs", not "logs read", in every output', async () => {
    const root = writeTree({
      [logKey({ account: A, region: 'us-east-1', delivered: '2026-10-05T10:05' })]: [record({ eventID: 'in-a' })],
      // B delivered in September, then stopped; the accounts file lists A alone.
      [logKey({ account: B, region: 'us-east-1', delivered: '2026-09-01T10:05' })]: [record({ eventID: 'in-b', recipientAccountId: B, eventTime: '2026-09-01T10:00:00Z' })],
      'accounts.json': JSON.stringify({ Accounts: [{ Id: A, Arn: `arn:aws:organizations::${A}:account/o-abcdefghij/${A}`, Email: 'a@example.com', Name: 'prod', Status: 'ACTIVE' }] }),
    });
    const options = reportOptions({ sources: [path.join(root, 'AWSLogs')], accountsFile: path.join(root, 'accounts.json'), formats: ['json', 'md', 'html'] });
    const { model } = await runReport(options);
    expect(model.organization.accountsFrom).not.toBe('logs');
    expect(model.coverage.accountsWithoutLogs).toEqual([B]);
    expect(model.coverage.accountsNotInOrganization).toEqual([B]);
    expect(model.accounts.find((a) => a.id === B)).toMatchObject({ inOrganization: false, hasLogs: false });
    const read = (suffix: string) => readFileSync(path.join(options.outDir, `iot-audit-2026-10${suffix}`), 'utf8');
    expect(read('.md')).toContain('**1 account without logs**');
    const html = parse(read('.html'));
    const notInList = html.querySelectorAll('#coverage h3').find((h) => h.text === "Accounts not in the organization's list");
    const rows = notInList!.nextElementSibling!.querySelectorAll('tbody tr').map((tr) => tr.querySelectorAll('td').map((td) => td.text.trim()));
    expect(rows).toEqual([[B, 'no logs (its trail folder holds none of the period)']]);
    const withoutLogs = html.querySelectorAll('#coverage h3').find((h) => /without logs/.test(h.text));
    expect(withoutLogs?.text).toBe('Accounts of the organization or with a trail folder without logs');
    expect(firstCells(withoutLogs!)).toEqual([B]);
  });
});

// 2026-11-26 review (R4): an account folder holding only `CloudTrail-Digest/` (digests of the
// period, no log folder) was named nowhere. CloudTrail writes a digest every hour: its logs stopped,
// or were deleted.
describe('an account with digests and no log folder', () => {
  const DIGEST = `AWSLogs/${B}/CloudTrail-Digest/us-east-1/2026/10/05/${B}_CloudTrail-Digest_us-east-1_org_trail_us-east-1_20261005T100000Z.json.gz`;
  const tree = () =>
    writeTree({
      [logKey({ account: A, region: 'us-east-1', delivered: '2026-10-05T10:05' })]: [record({ eventID: 'in-a' })],
      [logKey({ account: A, region: 'eu-west-1', delivered: '2026-10-05T10:05' })]: [record({ eventID: 'in-a-west', awsRegion: 'eu-west-1' })],
      [DIGEST]: Buffer.from('{}'),
      'accounts.json': JSON.stringify({ Accounts: [{ Id: A, Arn: `arn:aws:organizations::${A}:account/o-abcdefghij/${A}`, Email: 'a@example.com', Name: 'prod', Status: 'ACTIVE' }] }),
    });

  it('is without logs, with an account list or without, in the regions of its digests', async () => {
    const root = tree();
    const source = path.join(root, 'AWSLogs');
    const bare = await runReport(reportOptions({ sources: [source], accountsFile: undefined }));
    expect(bare.model.coverage.accountsWithoutLogs).toEqual([B]);
    expect(bare.model.coverage.accountsCovered.total).toBe(2);

    const listed = await runReport(reportOptions({ sources: [source], accountsFile: path.join(root, 'accounts.json'), formats: ['json', 'html'] }));
    expect(listed.model.coverage.accountsWithoutLogs).toEqual([B]);
    expect(listed.model.coverage.accountsNotInOrganization).toEqual([B]);

    // Asked for alone: an empty report that says so, not "no trail folder".
    const asked = await runReport(reportOptions({ sources: [source], accountsFile: undefined, accounts: [B] }));
    expect(asked.model.coverage.accountsWithoutLogs).toEqual([B]);

    // Its digests are of us-east-1: in eu-west-1 it is not called without logs.
    const west = await runReport(reportOptions({ sources: [source], accountsFile: undefined, regions: ['eu-west-1'] }));
    expect(west.model.coverage.accountsWithoutLogs).toEqual([]);
  });

  it('costs one listing more, of its digest folder, and none for an account with a log folder', async () => {
    const counting = new CountingStore(path.join(tree(), 'AWSLogs'));
    const discovery = await discoverTrails(counting);
    expect(discovery.digestAccounts).toEqual([B]);
    expect(counting.listed.filter((p) => p.includes('CloudTrail-Digest'))).toEqual([`${B}/CloudTrail-Digest/`]);
    expect(counting.listed).toEqual(['', `${A}/CloudTrail/`, `${B}/CloudTrail/`, `${B}/CloudTrail-Digest/`]);
  });
});

describe('coverage with --account and --region (the fixture organization)', () => {
  const PROD = '314159265358';
  const SECURITY = '161803398874';
  const SANDBOX = '141421356237';
  /** The JSON model, the Markdown and the HTML of a run, read back from the output folder. */
  async function outputs(filters: { accounts?: string[]; regions?: string[] }) {
    const options = reportOptions({ accounts: filters.accounts ?? [], regions: filters.regions ?? [], formats: ['json', 'md', 'html'] });
    const { model } = await runReport(options);
    const read = (suffix: string) => readFileSync(path.join(options.outDir, `iot-audit-2026-10${suffix}`), 'utf8');
    return { model, md: read('.md'), html: parse(read('.html')) };
  }
  const withoutLogsHeading = (html: HTMLElement) => html.querySelectorAll('#coverage h3').find((h) => /without logs/.test(h.text))?.text;

  it('without filters, lists the organization accounts that delivered no logs', async () => {
    const { model, md, html } = await outputs({});
    expect(model.coverage.accountsWithoutLogs).toEqual([SECURITY]);
    expect(md).toContain('**1 account without logs**');
    expect(withoutLogsHeading(html)).toBe('Accounts of the organization without logs');
  });

  it('does not call the accounts left out by --account "without logs", nor list them per account', async () => {
    const { model, md, html } = await outputs({ accounts: [PROD] });
    expect(model.coverage.accountsWithoutLogs).toEqual([]);
    expect(model.coverage.perAccount.map((a) => a.accountId)).toEqual([PROD]);
    expect(md).not.toContain('without logs');
    const completeness = html.querySelectorAll('.doc-header dt').find((dt) => dt.text === 'Accounts without logs');
    expect(completeness?.nextElementSibling?.text).toBe('0');
    expect(withoutLogsHeading(html)).toBe('Accounts asked for without logs');
    expect(html.querySelector('#coverage')?.text).toContain('None: every account asked for delivered logs.');

    const asked = await outputs({ accounts: [PROD, SECURITY] });
    expect(asked.model.coverage.accountsWithoutLogs).toEqual([SECURITY]);
    expect(asked.model.coverage.perAccount.map((a) => a.accountId)).toEqual([SECURITY, PROD]);
  });

  it('with --region, an account without logs in the regions asked for is without logs, and says where', async () => {
    const { model, md, html } = await outputs({ regions: ['eu-west-1'] });
    expect(model.coverage.accountsWithoutLogs).toEqual([SANDBOX, SECURITY]);
    expect(md).toContain('**2 accounts without logs in the regions asked for**');
    expect(html.querySelectorAll('.doc-header dt').map((dt) => dt.text)).toContain('Accounts without logs in the regions asked for');
    expect(withoutLogsHeading(html)).toBe('Accounts of the organization without logs in the regions asked for');
  });
});

describe('coverage of a source folder of one account or region (the fixture organization)', () => {
  const PROD = '314159265358';
  const SANDBOX = '141421356237';
  const ORG = 'fixtures/org-trail/audit-logs/AWSLogs/o-7f3k2m9xq1';
  const run = (sources: string[], accounts: string[] = []) =>
    runReport(reportOptions({ sources: sources.map((s) => path.resolve(s)), accounts, formats: ['json', 'md'] }));

  it("covers that account alone: the organization's other accounts are not \"without logs\"", async () => {
    const { model } = await run([`${ORG}/${PROD}`]);
    expect(model.filters).toEqual({ accounts: [PROD], regions: [] });
    expect(model.coverage.accountsWithoutLogs).toEqual([]);
    expect(model.coverage.perAccount.map((a) => a.accountId)).toEqual([PROD]);
    expect(model.events.length).toBeGreaterThan(0);
    expect(new Set(model.events.map((e) => e.accountId))).toEqual(new Set([PROD]));
  });

  it('covers the accounts of several such folders, and every account once any source is the whole trail', async () => {
    expect((await run([`${ORG}/${PROD}`, `${ORG}/${SANDBOX}`])).model.filters.accounts).toEqual([SANDBOX, PROD]);
    const whole = await run([`${ORG}/${PROD}`, 'fixtures/org-trail']);
    expect(whole.model.filters).toEqual({ accounts: [], regions: [] });
    expect(whole.model.coverage.accountsWithoutLogs).toEqual(['161803398874']);
  });

  it("a region's folder covers that region: without logs means in it", async () => {
    const { model } = await run([`${ORG}/${PROD}/CloudTrail/eu-west-1`]);
    expect(model.filters).toEqual({ accounts: [PROD], regions: ['eu-west-1'] });
    expect(model.coverage.accountsWithoutLogs).toEqual([]);
  });

  it('with --account, the accounts asked for: one under no source is without logs', async () => {
    expect((await run([`${ORG}/${PROD}`, `${ORG}/${SANDBOX}`], [PROD])).model.filters.accounts).toEqual([PROD]);
    const { model } = await run([`${ORG}/${PROD}`], [PROD, '161803398874']);
    expect(model.filters.accounts).toEqual(['161803398874', PROD]);
    expect(model.coverage.accountsWithoutLogs).toEqual(['161803398874']);
  });
});
