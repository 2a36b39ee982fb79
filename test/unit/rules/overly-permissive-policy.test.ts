import { beforeEach, describe, expect, it } from 'vitest';
import { overlyPermissivePolicy as rule } from '../../../src/analysis/rules/overly-permissive-policy.js';
import type { IotEvent, PolicyHistory } from '../../../src/report/model.js';
import type { RuleHit } from '../../../src/analysis/rules/types.js';
import { ACCOUNT, REGION, iotEvent, policyDocument, resetEventIds, runRule, type RunOptions } from '../../helpers/events.js';

const ARN = `arn:aws:iot:${REGION}:${ACCOUNT}`;

function createPolicy(...statements: object[]): IotEvent {
  return iotEvent({
    eventName: 'CreatePolicy',
    requestParameters: { policyName: 'fleet', policyDocument: policyDocument(...statements) },
    responseElements: { policyName: 'fleet', policyVersionId: '1' },
  });
}

const allow = (Action: unknown, Resource: unknown) => ({ Effect: 'Allow', Action, Resource });

interface Case {
  name: string;
  events: () => IotEvent[];
  options?: RunOptions;
  hits: number;
  check?: (hits: RuleHit[]) => void;
}

const cases: Case[] = [
  {
    name: 'fires on iot:* on every resource and quotes the statement',
    events: () => [createPolicy(allow('iot:*', '*'))],
    hits: 1,
    check: ([hit]) => {
      expect(hit!.resource).toBe('fleet');
      expect(hit!.discriminator).toBe('v1');
      expect(hit!.description).toContain('wildcard action "iot:*"');
      expect(hit!.evidence).toContain('"Action":"iot:*"');
    },
  },
  {
    name: 'fires on iot:Connect with any client id (setAsDefault as a string)',
    events: () => [
      iotEvent({
        eventName: 'CreatePolicyVersion',
        requestParameters: { policyName: 'fleet', setAsDefault: 'true', policyDocument: policyDocument(allow('iot:Connect', `${ARN}:client/*`)) },
        responseElements: { policyVersionId: '4', isDefaultVersion: true },
      }),
    ],
    hits: 1,
    check: ([hit]) => {
      expect(hit!.description).toContain('any client id');
      expect(hit!.description).toContain('as the default version');
      expect(hit!.discriminator).toBe('v4');
    },
  },
  { name: 'fires on subscribe to topicfilter/#', events: () => [createPolicy(allow('iot:Subscribe', `${ARN}:topicfilter/#`))], hits: 1 },
  { name: 'fires on subscribe to a +-only topic filter', events: () => [createPolicy(allow(['iot:Subscribe'], [`${ARN}:topicfilter/+/+`]))], hits: 1 },
  { name: 'fires on publish to topic/*', events: () => [createPolicy(allow('iot:Publish', `${ARN}:topic/*`))], hits: 1 },
  { name: 'fires on a wildcard action family on Resource *', events: () => [createPolicy(allow(['iot:Publish*'], ['*']))], hits: 1 },
  { name: 'fires on Allow with NotAction', events: () => [createPolicy({ Effect: 'Allow', NotAction: 'iot:Connect', Resource: `${ARN}:topic/a` })], hits: 1 },
  { name: 'fires on shadow updates for every thing', events: () => [createPolicy(allow('iot:UpdateThingShadow', `${ARN}:thing/*`))], hits: 1 },
  {
    name: 'fires once for a version created then made default, with both events',
    events: () => [
      iotEvent({
        eventName: 'CreatePolicyVersion',
        eventTime: '2026-10-05T10:00:00Z',
        requestParameters: { policyName: 'fleet', policyDocument: policyDocument(allow('iot:*', '*')) },
        responseElements: { policyVersionId: '2' },
      }),
      iotEvent({ eventName: 'SetDefaultPolicyVersion', eventTime: '2026-10-06T10:00:00Z', requestParameters: { policyName: 'fleet', policyVersionId: '2' } }),
    ],
    hits: 1,
    check: ([hit]) => {
      expect(hit!.eventIds).toHaveLength(2);
      expect(hit!.description).toContain('made default by');
    },
  },
  {
    name: 'fires on a version made default whose document only the policy history holds',
    events: () => [iotEvent({ eventName: 'SetDefaultPolicyVersion', requestParameters: { policyName: 'fleet', policyVersionId: '3' } })],
    options: {
      policies: [
        {
          policyName: 'fleet',
          accountId: ACCOUNT,
          region: REGION,
          versions: [{ versionId: '3', document: policyDocument(allow('iot:*', '*')), documentRecorded: true }],
        } as unknown as PolicyHistory,
      ],
    },
    hits: 1,
  },
  { name: 'silent on Deny iot:* on *', events: () => [createPolicy({ Effect: 'Deny', Action: 'iot:*', Resource: '*' })], hits: 0 },
  {
    name: 'silent on connect scoped by a policy variable',
    events: () => [createPolicy(allow('iot:Connect', `${ARN}:client/\${iot:Connection.Thing.ThingName}`))],
    hits: 0,
  },
  { name: 'silent on publish scoped to the device', events: () => [createPolicy(allow('iot:Publish', `${ARN}:topic/devices/\${iot:ClientId}/*`))], hits: 0 },
  { name: 'silent on publish to topic/# (# is literal in policies)', events: () => [createPolicy(allow('iot:Publish', `${ARN}:topic/#`))], hits: 0 },
  { name: 'silent on iot:* restricted to one client id', events: () => [createPolicy(allow('iot:*', `${ARN}:client/\${iot:ClientId}`))], hits: 0 },
  {
    name: 'silent on a failed CreatePolicy',
    events: () => [{ ...createPolicy(allow('iot:*', '*')), errorCode: 'AccessDeniedException', isChange: false }],
    hits: 0,
  },
  {
    name: 'silent when the document was not recorded (another rule reports it)',
    events: () => [
      iotEvent({ eventName: 'CreatePolicy', requestParameters: { reason: 'requestParameters too large', omitted: true }, responseElements: { policyName: 'fleet' } }),
    ],
    hits: 0,
  },
  {
    name: 'silent on a policy attachment',
    events: () => [iotEvent({ eventName: 'AttachPolicy', requestParameters: { policyName: 'fleet', target: `${ARN}:cert/abc`, policyDocument: policyDocument(allow('iot:*', '*')) } })],
    hits: 0,
  },
];

describe(rule.id, () => {
  beforeEach(resetEventIds);
  it.each(cases)('$name', ({ events, options, hits, check }) => {
    const result = runRule(rule, events(), options);
    expect(result).toHaveLength(hits);
    check?.(result);
  });
});

describe(`${rule.id}: severity`, () => {
  beforeEach(resetEventIds);
  it('reports a version never made the default one level lower', () => {
    const staged = iotEvent({
      eventName: 'CreatePolicyVersion',
      requestParameters: { policyName: 'fleet', setAsDefault: false, policyDocument: policyDocument(allow('iot:*', '*')) },
      responseElements: { policyVersionId: '2', isDefaultVersion: false },
    });
    const [hit] = runRule(rule, [staged]);
    expect(hit!.lowerSeverityBy).toBe(1);
    expect(hit!.description).toContain('not made the default version in the period');
    expect(runRule(rule, [createPolicy(allow('iot:*', '*'))])[0]!.lowerSeverityBy).toBe(0);
  });
});
