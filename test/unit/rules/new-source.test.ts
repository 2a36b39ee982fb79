import { beforeEach, describe, expect, it } from 'vitest';
import { agentFamily, newSource as rule } from '../../../src/analysis/rules/new-source.js';
import type { RuleHit } from '../../../src/analysis/rules/types.js';
import { OTHER_ACCOUNT, iotEvent, resetEventIds, runRule, type EventInit, type RunOptions } from '../../helpers/events.js';

const CLI = 'aws-cli/2.15.0 Python/3.11.6 Linux/6.1';
const TF = 'APN/1.0 HashiCorp/1.0 Terraform/1.5.7 (+https://www.terraform.io) terraform-provider-aws/5.31.0';

/** A usual call during the warm-up (Oct 2) and the events under test. */
const usual: EventInit = { eventTime: '2026-10-02T09:00:00Z', sourceIp: '198.51.100.1', userAgent: CLI };
const at = (day: number, init: EventInit): EventInit => ({ eventTime: `2026-10-${String(day).padStart(2, '0')}T09:00:00Z`, sourceIp: '198.51.100.1', userAgent: CLI, ...init });

interface Case {
  name: string;
  events: EventInit[];
  options?: RunOptions;
  hits: number;
  check?: (hits: RuleHit[]) => void;
}

const cases: Case[] = [
  {
    name: 'fires on a change from a new IP after the warm-up',
    events: [usual, at(10, { sourceIp: '203.0.113.99' })],
    hits: 1,
    check: ([hit]) => {
      expect(hit!.resource).toBe('203.0.113.99');
      expect(hit!.discriminator).toBe('ip');
      expect(hit!.description).toContain('7-day warm-up');
    },
  },
  {
    name: 'fires on a new user agent family',
    events: [usual, at(12, { userAgent: TF })],
    hits: 1,
    check: ([hit]) => {
      expect(hit!.resource).toBe('terraform');
      expect(hit!.evidence).toContain('Terraform/1.5.7');
    },
  },
  {
    name: 'fires on an IP first seen in a read, then used for a change; only changes are listed',
    events: [usual, at(10, { sourceIp: '203.0.113.99', eventName: 'ListCertificates' }), at(11, { sourceIp: '203.0.113.99' })],
    hits: 1,
    check: ([hit]) => expect(hit!.eventIds).toEqual(['e-0003']),
  },
  {
    name: 'fires for an account that had not seen an IP another account uses',
    events: [usual, at(10, { accountId: OTHER_ACCOUNT })],
    options: { params: { userAgents: false } },
    hits: 1,
    check: ([hit]) => expect(hit!.accountId).toBe(OTHER_ACCOUNT),
  },
  { name: 'silent on a new IP during the warm-up', events: [usual, at(3, { sourceIp: '203.0.113.99' })], hits: 0 },
  { name: 'silent on an IP seen earlier in the period', events: [usual, at(20, {})], hits: 0 },
  { name: 'silent on a tool upgrade', events: [usual, at(20, { userAgent: 'aws-cli/2.16.1 Python/3.12.0 Linux/6.1' })], hits: 0 },
  { name: 'silent on a new IP used only for reads', events: [usual, at(10, { sourceIp: '203.0.113.99', eventName: 'ListThings' })], hits: 0 },
  { name: 'silent on an AWS service caller', events: [usual, at(10, { sourceIp: 'iot.amazonaws.com', userAgent: 'iot.amazonaws.com' })], hits: 0 },
  { name: 'silent on IPs when IP checks are off', events: [usual, at(10, { sourceIp: '203.0.113.99' })], options: { params: { sourceIps: false } }, hits: 0 },
  { name: 'silent with a longer warm-up', events: [usual, at(10, { sourceIp: '203.0.113.99' })], options: { params: { warmupDays: 14 } }, hits: 0 },
];

describe(rule.id, () => {
  beforeEach(resetEventIds);
  it.each(cases)('$name', ({ events, options, hits, check }) => {
    const result = runRule(rule, events.map((e) => iotEvent(e)), options);
    expect(result).toHaveLength(hits);
    check?.(result);
  });

  it.each([
    [CLI, 'aws-cli'],
    [TF, 'terraform'],
    ['[S3Console/0.4, aws-internal/3]', 's3console'],
    ['Boto3/1.34.0 md/Botocore#1.34.0', 'boto3'],
    ['AWS Internal', null],
    ['', null],
  ])('user agent %j is family %j', (agent, family) => {
    expect(agentFamily(agent)).toBe(family);
  });
});
