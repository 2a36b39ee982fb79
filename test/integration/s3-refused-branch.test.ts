/**
 * A shared bucket: the organization trail under `audit-logs/`, and another team's `elb-logs/` that
 * this run may not list. Looking for `AWSLogs/`, discovery lists every branch of the bucket; the
 * refusal of `elb-logs/` made every organization account without logs "not read" (a listing or read
 * of their folders was refused), though their folders were listed, and "accounts without logs"
 * was gone from every output (2026-11 review). A refusal that may hide the trail's own folders (its
 * organization folder) still makes them "not read".
 */
import { describe, expect, it } from 'vitest';
import { runReport } from '../../src/pipeline/report.js';
import { ACCESS_DENIED } from '../helpers/fault-proxy.js';
import { FIXTURE_TREE, reportOptions } from '../helpers/report-options.js';
import { s3BehindProxy } from '../helpers/s3-behind-proxy.js';

const BUCKET = 'acme-shared-logs';
/** The organization's account that delivered no log (fixtures/accounts.json). */
const SILENT = '161803398874';

const proxy = s3BehindProxy(async (server) => {
  await server.uploadTree(BUCKET, FIXTURE_TREE, '', () => undefined);
  await server.putObject(BUCKET, 'elb-logs/2026/10/01/x.log', 'x');
});

const coverageOf = async (sources: string[]) => {
  const { model } = await runReport(reportOptions({ sources }));
  const { accountsWithoutLogs, accountsNotRead, sourceProblems } = model.coverage;
  return { accountsWithoutLogs, accountsNotRead, sourceProblems, events: model.summary.totalEvents };
};

describe('a refused listing in a shared bucket', () => {
  it('beside the trail (another team\'s elb-logs/): named, and the accounts without logs stay "without logs"', async () => {
    const baseline = await coverageOf([`s3://${BUCKET}`]);
    expect(baseline).toMatchObject({ accountsWithoutLogs: [SILENT], accountsNotRead: [], sourceProblems: [] });

    proxy().addRule({ op: 'list', match: /^elb-logs\//, action: ACCESS_DENIED });
    const refused = await coverageOf([`s3://${BUCKET}`]);
    expect(proxy().requests.some((r) => r.op === 'list' && r.prefix === 'elb-logs/' && r.fault === 'error')).toBe(true);
    expect(refused).toEqual({
      accountsWithoutLogs: [SILENT],
      accountsNotRead: [],
      sourceProblems: [{ key: 'elb-logs/', source: `s3://${BUCKET}`, reason: 'could not list: access denied (AccessDenied)' }],
      events: baseline.events,
    });
  });

  it('of the organization\'s folder (the trail read from a copy beside it): every account without logs is "not read"', async () => {
    const org = 'audit-logs/AWSLogs/o-7f3k2m9xq1/';
    proxy().addRule({ op: 'list', match: new RegExp(`^${org}$`), action: ACCESS_DENIED });
    const refused = await coverageOf([`s3://${BUCKET}`, FIXTURE_TREE]);
    expect(refused).toMatchObject({
      accountsWithoutLogs: [],
      accountsNotRead: [SILENT],
      sourceProblems: [{ key: org, source: `s3://${BUCKET}`, reason: 'could not list: access denied (AccessDenied)' }],
    });
  });
});
