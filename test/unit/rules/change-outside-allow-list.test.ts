import { beforeEach, describe, expect, it } from 'vitest';
import { changeOutsideAllowList as rule } from '../../../src/analysis/rules/change-outside-allow-list.js';
import type { RuleHit } from '../../../src/analysis/rules/types.js';
import type { AllowLists } from '../../../src/config/types.js';
import { actors, iotEvent, resetEventIds, runRule, type EventInit } from '../../helpers/events.js';

const ONLY_TERRAFORM: AllowLists = { policyChanges: ['arn:aws:iam::*:role/terraform'], certificateChanges: [], otherChanges: [] };
const policyChange: EventInit = { eventName: 'CreatePolicyVersion', requestParameters: { policyName: 'p' } };

interface Case {
  name: string;
  events: EventInit[];
  lists: AllowLists;
  hits: number;
  check?: (hits: RuleHit[]) => void;
}

const cases: Case[] = [
  {
    name: 'fires on a policy change by another role',
    events: [policyChange, { ...policyChange, eventName: 'SetDefaultPolicyVersion' }],
    lists: ONLY_TERRAFORM,
    hits: 1,
    check: ([hit]) => {
      expect(hit!.resource).toBe('arn:aws:iam::111111111111:role/ci-deploy');
      expect(hit!.eventIds).toHaveLength(2);
      expect(hit!.description).toContain('allowLists.policyChanges');
    },
  },
  { name: 'fires on a policy change by an IAM user', events: [{ ...policyChange, actor: actors.iamUser('alice') }], lists: ONLY_TERRAFORM, hits: 1 },
  {
    name: 'fires per category',
    events: [policyChange, { eventName: 'UpdateCertificate' }],
    lists: { ...ONLY_TERRAFORM, certificateChanges: ['arn:aws:iam::*:role/provisioner'] },
    hits: 2,
  },
  { name: 'silent for the allowed role’s sessions (any case)', events: [{ ...policyChange, actor: actors.role('Terraform', 'run-42') }], lists: ONLY_TERRAFORM, hits: 0 },
  { name: 'silent for a category without a list', events: [{ eventName: 'UpdateCertificate' }], lists: ONLY_TERRAFORM, hits: 0 },
  { name: 'silent without allow-lists', events: [policyChange], lists: { policyChanges: [], certificateChanges: [], otherChanges: [] }, hits: 0 },
  { name: 'silent on reads and failures', events: [{ eventName: 'ListPolicies' }, { ...policyChange, errorCode: 'AccessDenied' }], lists: ONLY_TERRAFORM, hits: 0 },
];

describe(rule.id, () => {
  beforeEach(resetEventIds);
  it.each(cases)('$name', ({ events, lists, hits, check }) => {
    const result = runRule(rule, events.map((e) => iotEvent(e)), { config: { allowLists: lists } });
    expect(result).toHaveLength(hits);
    check?.(result);
  });
});
