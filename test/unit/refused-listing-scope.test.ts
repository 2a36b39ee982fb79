/**
 * What a listing that failed may hide (`unlistedScope`, recorded by discovery on the problem as
 * `unlisted.hides`): coverage calls every account without a log "not read" only when the folder may
 * hide trail folders. Discovery lists every branch of a bucket looking for `AWSLogs/`: a refused
 * branch beside the trail (another team's `elb-logs/` in a shared bucket) hid no account, yet made
 * every one "not read" (2026-11 review).
 */
import { describe, expect, it } from 'vitest';
import { discoverTrails, unlistedScope } from '../../src/cloudtrail/layout.js';
import { MemoryBucket } from '../helpers/memory-bucket.js';

const ORG = 'o-7f3k2m9xq1';
const A = '314159265358';
const B = '271828182845';
const log = (account: string) => `audit-logs/AWSLogs/${ORG}/${account}/CloudTrail/us-east-1/2026/10/05/${account}_CloudTrail_us-east-1_20261005T1005Z_abcdefghijklmnop.json.gz`;
/** An organization trail under `audit-logs/`, beside another team's load balancer logs. */
const SHARED = [log(A), log(B), 'elb-logs/2026/10/01/x.log'];

describe('what a folder whose listing failed may hide', () => {
  const found = { awsLogs: ['audit-logs/AWSLogs/'], trailSeen: true };
  it.each([
    // Above or at the trail's folders, above the accounts: any account.
    ['', found, 'accounts'],
    ['audit-logs/', found, 'accounts'],
    ['audit-logs/AWSLogs/', found, 'accounts'],
    [`audit-logs/AWSLogs/${ORG}/`, found, 'accounts'],
    // An account's folder, or one in it: that account.
    [`audit-logs/AWSLogs/${ORG}/${A}/`, found, 'account'],
    [`audit-logs/AWSLogs/${ORG}/${A}/CloudTrail/`, found, 'account'],
    [`audit-logs/AWSLogs/${A}/CloudTrail/us-east-1/2026/10/`, undefined, 'account'],
    // Beside the trail: nothing of it.
    ['elb-logs/', found, 'other'],
    ['audit-logs-archive/', found, 'other'],
    // A source whose trail is not known (yet, or at all): any account.
    ['elb-logs/', undefined, 'accounts'],
    ['elb-logs/', { awsLogs: ['audit-logs/AWSLogs/'], trailSeen: false }, 'accounts'],
    ['elb-logs/', { awsLogs: [], trailSeen: false }, 'accounts'],
  ] as const)('%j (found: %j): %s', (prefix, known, hides) => {
    expect(unlistedScope(prefix, known)).toBe(hides);
  });
});

describe('discovery records on each refused listing what it may hide', () => {
  it.each([
    ['^elb-logs/$', 'elb-logs/', 'other'],
    [`^audit-logs/AWSLogs/${ORG}/$`, `audit-logs/AWSLogs/${ORG}/`, 'accounts'],
    ['^audit-logs/AWSLogs/$', 'audit-logs/AWSLogs/', 'accounts'],
    ['^audit-logs/$', 'audit-logs/', 'accounts'],
    [`^audit-logs/AWSLogs/${ORG}/${B}/CloudTrail/$`, `audit-logs/AWSLogs/${ORG}/${B}/CloudTrail/`, 'account'],
  ] as const)('refused %s: %s hides %s', async (refused, prefix, hides) => {
    const discovery = await discoverTrails(new MemoryBucket(SHARED, { refused: new RegExp(refused) }));
    expect(discovery.problems).toEqual([{ key: prefix, source: 's3://bucket', reason: 'could not list: access denied (AccessDenied)', unlisted: { prefix, hides } }]);
  });

  it('the trail is still read when a branch beside it is refused', async () => {
    const discovery = await discoverTrails(new MemoryBucket(SHARED, { refused: /^elb-logs\// }));
    expect(discovery.locations.map((l) => l.accountId)).toEqual([B, A]);
    expect(discovery.trailSeen).toBe(true);
  });
});
