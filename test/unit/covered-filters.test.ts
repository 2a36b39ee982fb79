/**
 * What a report covers when its sources are folders of one account or region (`storeScope`,
 * `coveredFilters`): the accounts outside them are not "without logs", and the header's
 * "Only accounts …; regions …" never claims a folder that was not read.
 */
import { describe, expect, it } from 'vitest';
import { coveredFilters, storeScope } from '../../src/cloudtrail/layout.js';

const A = '111122223333';
const B = '444455556666';
const X = '777788889999';
const scope = (rootPrefix: string) => storeScope({ rootPrefix });
const none = { accounts: [], regions: [] };

describe('storeScope', () => {
  it.each([
    ['', null, null],
    ['exports/', null, null],
    ['AWSLogs/', null, null],
    ['AWSLogs/o-abcdefghij/', null, null],
    [`AWSLogs/o-abcdefghij/${A}/`, A, null],
    [`AWSLogs/${A}/`, A, null],
    [`copy/AWSLogs/${A}/CloudTrail/`, A, null],
    [`AWSLogs/o-abcdefghij/${A}/CloudTrail/eu-west-1/`, A, 'eu-west-1'],
    [`AWSLogs/${A}/CloudTrail/eusc-de-east-1/2026/10/`, A, 'eusc-de-east-1'],
    // Refused (no log files there): narrows nothing.
    [`AWSLogs/o-abcdefghij/${A}/CloudTrail-Digest/`, null, null],
    [`AWSLogs/${A}/CloudTrail-Insight/us-east-1/`, null, null],
  ])('%s: account %s, region %s', (rootPrefix, account, region) => {
    expect(scope(rootPrefix)).toEqual({ account, region });
  });
});

describe('coveredFilters', () => {
  it('narrows to the accounts of the sources when every source is an account folder', () => {
    expect(coveredFilters(none, [scope(`AWSLogs/${B}/`), scope(`AWSLogs/o-abcdefghij/${A}/`)])).toEqual({ accounts: [A, B], regions: [] });
    expect(coveredFilters(none, [scope(`AWSLogs/${A}/`), scope('AWSLogs/')])).toEqual(none);
    expect(coveredFilters(none, [scope(`AWSLogs/${A}/`), { account: null, region: null }])).toEqual(none);
    expect(coveredFilters(none, [])).toEqual(none);
  });

  it('keeps what was asked for as asked: an account asked for and under no source stays, to be "without logs"', () => {
    expect(coveredFilters({ accounts: [X, A], regions: [] }, [scope(`AWSLogs/${A}/`), scope(`AWSLogs/${B}/`)])).toEqual({ accounts: [A, X], regions: [] });
    expect(coveredFilters({ accounts: [], regions: ['us-east-1'] }, [scope(`AWSLogs/${A}/CloudTrail/eu-west-1/`)])).toEqual({ accounts: [A], regions: ['us-east-1'] });
  });

  it('narrows the regions only when the region folders hold every covered account in each of their regions', () => {
    const folder = (account: string, region: string) => scope(`AWSLogs/${account}/CloudTrail/${region}/`);
    expect(coveredFilters(none, [folder(A, 'eu-west-1')])).toEqual({ accounts: [A], regions: ['eu-west-1'] });
    expect(coveredFilters(none, [folder(A, 'eu-west-1'), folder(B, 'eu-west-1')])).toEqual({ accounts: [A, B], regions: ['eu-west-1'] });
    expect(coveredFilters(none, [folder(A, 'eu-west-1'), folder(A, 'us-east-1'), folder(B, 'eu-west-1'), folder(B, 'us-east-1')])).toEqual({
      accounts: [A, B],
      regions: ['eu-west-1', 'us-east-1'],
    });
    // A's eu-west-1 and B's us-east-1: neither account's other region was read.
    expect(coveredFilters(none, [folder(A, 'eu-west-1'), folder(B, 'us-east-1')])).toEqual({ accounts: [A, B], regions: [] });
    // An account folder beside a region folder: that account's every region.
    expect(coveredFilters(none, [folder(A, 'eu-west-1'), scope(`AWSLogs/${B}/`)])).toEqual({ accounts: [A, B], regions: [] });
    // With --account, the region folders of the accounts asked for.
    expect(coveredFilters({ accounts: [A], regions: [] }, [folder(A, 'eu-west-1'), folder(B, 'us-east-1')])).toEqual({ accounts: [A], regions: ['eu-west-1'] });
    expect(coveredFilters({ accounts: [A], regions: [] }, [folder(A, 'eu-west-1'), scope(`AWSLogs/${B}/`)])).toEqual({ accounts: [A], regions: ['eu-west-1'] });
  });
});
