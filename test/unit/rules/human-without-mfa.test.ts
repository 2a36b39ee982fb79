import { beforeEach, describe, expect, it } from 'vitest';
import { humanWithoutMfa as rule } from '../../../src/analysis/rules/human-without-mfa.js';
import type { RuleHit } from '../../../src/analysis/rules/types.js';
import { actors, iotEvent, resetEventIds, runRule, type EventInit, type RunOptions } from '../../helpers/events.js';

interface Case {
  name: string;
  event: EventInit;
  options?: RunOptions;
  hits: number;
  check?: (hits: RuleHit[]) => void;
}

const noMfa = { mfaAuthenticated: false };

const cases: Case[] = [
  {
    name: 'fires on an IAM user in the console without MFA',
    event: { actor: actors.iamUser('alice', noMfa), eventType: 'AwsConsoleAction' },
    hits: 1,
    check: ([hit]) => expect(hit!.lowerSeverityBy).toBe(0),
  },
  { name: 'fires on an IAM user on temporary credentials', event: { actor: actors.iamUser('alice', { ...noMfa, accessKeyId: 'ASIAEXAMPLE' }) }, hits: 1 },
  {
    name: 'fires one level lower on an Identity Center session, saying MFA is not visible',
    event: { actor: actors.sso('AdministratorAccess', 'bob', noMfa) },
    hits: 1,
    check: ([hit]) => {
      expect(hit!.lowerSeverityBy).toBe(1);
      expect(hit!.description).toContain('identity provider');
    },
  },
  { name: 'fires on a role listed as human', event: { actor: actors.role('Operators', 'carol', noMfa) }, options: { params: { humanRolePatterns: ['arn:aws:iam::*:role/operators'] } }, hits: 1 },
  { name: 'fires on root without MFA', event: { actor: { ...actors.root(), ...noMfa } }, hits: 1 },
  { name: 'fires on a role session using the console', event: { actor: actors.role('Ops', 'dave', noMfa), userAgent: 'console.amazonaws.com' }, hits: 1 },
  { name: 'silent on a CI role session without MFA', event: { actor: actors.role('ci-deploy', 'pipeline', noMfa) }, hits: 0 },
  { name: 'silent on an IAM user’s long-term key', event: { actor: actors.iamUser('svc', { ...noMfa, accessKeyId: 'AKIAEXAMPLE' }) }, hits: 0 },
  { name: 'silent with MFA', event: { actor: actors.iamUser('alice', { mfaAuthenticated: true }), eventType: 'AwsConsoleAction' }, hits: 0 },
  { name: 'silent when MFA is not logged', event: { actor: actors.iamUser('alice', { mfaAuthenticated: null }), eventType: 'AwsConsoleAction' }, hits: 0 },
  { name: 'silent on federated sessions when excluded', event: { actor: actors.sso('Admin', 'bob', noMfa) }, options: { params: { includeFederated: false } }, hits: 0 },
  { name: 'silent on a read', event: { actor: actors.iamUser('alice', noMfa), eventType: 'AwsConsoleAction', eventName: 'ListPolicies' }, hits: 0 },
];

describe(rule.id, () => {
  beforeEach(resetEventIds);
  it.each(cases)('$name', ({ event, options, hits, check }) => {
    const result = runRule(rule, [iotEvent(event)], options);
    expect(result).toHaveLength(hits);
    check?.(result);
  });
});
