import { beforeEach, describe, expect, it } from 'vitest';
import { certificateTransferOutsideOrg as rule } from '../../../src/analysis/rules/certificate-transfer-outside-org.js';
import type { RuleHit } from '../../../src/analysis/rules/types.js';
import { ACCOUNT, OTHER_ACCOUNT, account, iotEvent, resetEventIds, runRule, type EventInit, type RunOptions } from '../../helpers/events.js';

const transfer = (target: string, extra: EventInit = {}): EventInit => ({
  eventName: 'TransferCertificate',
  requestParameters: { certificateId: 'c1', targetAwsAccount: target },
  ...extra,
});
const ORG: RunOptions = { accounts: [account(ACCOUNT), account(OTHER_ACCOUNT)] };

interface Case {
  name: string;
  event: EventInit;
  options: RunOptions;
  hits: number;
  check?: (hits: RuleHit[]) => void;
}

const cases: Case[] = [
  {
    name: 'fires on a transfer outside the organization',
    event: transfer('999999999999'),
    options: ORG,
    hits: 1,
    check: ([hit]) => {
      expect(hit!.resource).toBe('c1');
      expect(hit!.lowerSeverityBy).toBe(0);
      expect(hit!.description).toContain('outside the organization');
    },
  },
  {
    name: 'fires one level lower when the organization is unknown, and says so',
    event: transfer(OTHER_ACCOUNT),
    options: { accounts: [] },
    hits: 1,
    check: ([hit]) => {
      expect(hit!.lowerSeverityBy).toBe(1);
      expect(hit!.description).toContain('account list is unknown');
    },
  },
  {
    name: 'treats accounts seen only in the logs as an unknown organization',
    event: transfer(OTHER_ACCOUNT),
    options: { accounts: [account(ACCOUNT, { inOrganization: false }), account(OTHER_ACCOUNT, { inOrganization: false })] },
    hits: 1,
    check: ([hit]) => expect(hit!.lowerSeverityBy).toBe(1),
  },
  { name: 'silent on a transfer inside the organization', event: transfer(OTHER_ACCOUNT), options: ORG, hits: 0 },
  {
    name: 'without targetAwsAccount in the request, takes the target from the response’s ARN: silent inside the organization (it was a high finding: 2026-11-26 review)',
    event: transfer('', { requestParameters: null, responseElements: { transferredCertificateArn: `arn:aws:iot:eu-west-1:${OTHER_ACCOUNT}:cert/c1` } }),
    options: ORG,
    hits: 0,
  },
  {
    name: 'and fires at full severity when that ARN is outside the organization',
    event: transfer('', { requestParameters: { certificateId: 'c1' }, responseElements: { transferredCertificateArn: 'arn:aws:iot:eu-west-1:999999999999:cert/c1' } }),
    options: ORG,
    hits: 1,
    check: ([hit]) => {
      expect(hit!.lowerSeverityBy).toBe(0);
      expect(hit!.description).toContain('to 999999999999, an account outside the organization');
    },
  },
  {
    name: 'a target the log does not name is not called outside the organization: one level lower, saying so',
    event: transfer('', { requestParameters: null, responseElements: null }),
    options: ORG,
    hits: 1,
    check: ([hit]) => {
      expect(hit!.lowerSeverityBy).toBe(1);
      expect(hit!.description).toContain('to (target not recorded), an account the log does not name, so it could not be checked against the organization');
      expect(hit!.description).not.toContain('outside the organization');
    },
  },
  { name: 'silent on a trusted account', event: transfer('999999999999'), options: { ...ORG, params: { trustedAccounts: ['999999999999'] } }, hits: 0 },
  { name: 'silent on a failed transfer', event: transfer('999999999999', { errorCode: 'AccessDeniedException' }), options: ORG, hits: 0 },
  { name: 'silent on accepting a transfer', event: { eventName: 'AcceptCertificateTransfer', requestParameters: { certificateId: 'c1' } }, options: ORG, hits: 0 },
];

describe(rule.id, () => {
  beforeEach(resetEventIds);
  it.each(cases)('$name', ({ event, options, hits, check }) => {
    const result = runRule(rule, [iotEvent(event)], options);
    expect(result).toHaveLength(hits);
    check?.(result);
  });
});
