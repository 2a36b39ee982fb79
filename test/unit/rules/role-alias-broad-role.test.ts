import { beforeEach, describe, expect, it } from 'vitest';
import { roleAliasBroadRole as rule } from '../../../src/analysis/rules/role-alias-broad-role.js';
import type { RuleHit } from '../../../src/analysis/rules/types.js';
import { iotEvent, resetEventIds, runRule, type EventInit, type RunOptions } from '../../helpers/events.js';

const alias = (roleArn: string | undefined, credentialDurationSeconds?: unknown, extra: EventInit = {}): EventInit => ({
  eventName: 'CreateRoleAlias',
  requestParameters: { roleAlias: 'device-creds', ...(roleArn ? { roleArn } : {}), ...(credentialDurationSeconds !== undefined ? { credentialDurationSeconds } : {}) },
  ...extra,
});

interface Case {
  name: string;
  event: EventInit;
  options?: RunOptions;
  hits: number;
  check?: (hits: RuleHit[]) => void;
}

const cases: Case[] = [
  {
    name: 'fires on an admin role',
    event: alias('arn:aws:iam::111111111111:role/IoTAdminRole'),
    hits: 1,
    check: ([hit]) => {
      expect(hit!.resource).toBe('device-creds');
      expect(hit!.lowerSeverityBy).toBe(0);
    },
  },
  { name: 'fires on a role with a path', event: alias('arn:aws:iam::111111111111:role/service/AdministratorAccess-devices'), hits: 1 },
  { name: 'fires on UpdateRoleAlias to a full-access role', event: alias('arn:aws:iam::111111111111:role/S3FullAccess', undefined, { eventName: 'UpdateRoleAlias' }), hits: 1 },
  {
    name: 'fires one level lower on a long credential duration alone (as a string)',
    event: alias('arn:aws:iam::111111111111:role/device-s3-upload', '43200'),
    hits: 1,
    check: ([hit]) => {
      expect(hit!.lowerSeverityBy).toBe(1);
      expect(hit!.description).toContain('43200 s');
    },
  },
  { name: 'silent on a narrow role and the default duration', event: alias('arn:aws:iam::111111111111:role/device-s3-upload', 3600), hits: 0 },
  { name: 'silent on an update of the duration only', event: alias(undefined, 1800, { eventName: 'UpdateRoleAlias' }), hits: 0 },
  { name: 'silent on a failed call', event: alias('arn:aws:iam::111111111111:role/IoTAdminRole', undefined, { errorCode: 'AccessDeniedException' }), hits: 0 },
  { name: 'silent when patterns are emptied', event: alias('arn:aws:iam::111111111111:role/IoTAdminRole'), options: { params: { rolePatterns: [] } }, hits: 0 },
  { name: 'silent with a raised duration limit', event: alias('arn:aws:iam::111111111111:role/x', 43200), options: { params: { maxCredentialDurationSeconds: 43200 } }, hits: 0 },
];

describe(rule.id, () => {
  beforeEach(resetEventIds);
  it.each(cases)('$name', ({ event, options, hits, check }) => {
    const result = runRule(rule, [iotEvent(event)], options);
    expect(result).toHaveLength(hits);
    check?.(result);
  });
});
