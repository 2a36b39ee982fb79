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
    events: () => [iotEvent({ eventId: 'switch', eventName: 'SetDefaultPolicyVersion', requestParameters: { policyName: 'fleet', policyVersionId: '3' } })],
    options: {
      policies: [
        {
          policyName: 'fleet',
          accountId: ACCOUNT,
          region: REGION,
          versions: [{ versionId: '3', eventId: 'created', document: policyDocument(allow('iot:*', '*')), documentRecorded: true }],
          // The version is of the policy the switch is of (no deletion between them).
          changes: [
            { eventId: 'created', action: 'create-version', target: '3' },
            { eventId: 'switch', action: 'set-default', target: '3' },
          ],
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
  {
    // The variable is the client id asked for: any client id connects (Device Defender: as client/*).
    name: 'fires on iot:* on client/${iot:ClientId} without a Condition requiring the thing attached',
    events: () => [createPolicy(allow('iot:*', `${ARN}:client/\${iot:ClientId}`))],
    hits: 1,
    check: ([hit]) => {
      expect(hit!.description).toContain(`iot:Connect with any client id ("${ARN}:client/\${iot:ClientId}": \${iot:ClientId} is the client id asked for`);
      expect(hit!.evidence).toContain('no Condition requires iot:Connection.Thing.IsAttached');
    },
  },
  {
    name: 'fires on iot:Connect on client/${iot:ClientId}* under a Condition that does not require the thing attached',
    events: () => [
      createPolicy({ ...allow('iot:Connect', `${ARN}:client/\${iot:ClientId}*`), Condition: { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } } }),
    ],
    hits: 1,
    check: ([hit]) => expect(hit!.description).toContain('any client id'),
  },
  {
    name: 'silent on iot:* restricted to the client id when the Condition requires the thing attached',
    events: () => [
      createPolicy({ ...allow('iot:*', `${ARN}:client/\${iot:ClientId}`), Condition: { Bool: { 'iot:Connection.Thing.IsAttached': 'true' } } }),
    ],
    hits: 0,
  },
  {
    name: 'silent on client/${iot:ClientId} with IsAttached written as a JSON boolean in a list',
    events: () => [
      createPolicy({ ...allow('iot:Connect', [`${ARN}:client/\${iot:ClientId}`]), Condition: { Bool: { 'iot:Connection.Thing.IsAttached': [true] } } }),
    ],
    hits: 0,
  },
  {
    name: 'fires when the IsAttached Condition also takes false',
    events: () => [
      createPolicy({ ...allow('iot:Connect', `${ARN}:client/\${iot:ClientId}`), Condition: { Bool: { 'iot:Connection.Thing.IsAttached': ['true', 'false'] } } }),
    ],
    hits: 1,
  },
  {
    name: 'silent on a client id pinned to the thing name (no Condition)',
    events: () => [createPolicy(allow(['iot:Connect', 'iot:Publish'], [`${ARN}:client/\${iot:Connection.Thing.ThingName}`, `${ARN}:topic/\${iot:ClientId}/*`]))],
    hits: 0,
  },
  {
    name: 'silent on a client id with a prefix before ${iot:ClientId} (matches no client id)',
    events: () => [createPolicy(allow('iot:Connect', `${ARN}:client/fleet-\${iot:ClientId}`))],
    hits: 0,
  },
  // A `*` that ends a segment before the resource part spans the colons after it, as in IAM.
  ...['arn:aws:iot:*', `arn:aws:iot:${REGION}:*`, `arn:aws:iot:${REGION}:${ACCOUNT}*`, 'arn:aws:io*', 'arn:*', 'arn:aws:IOT:*'].map(
    (resource): Case => ({
      name: `fires on iot:* on ${resource} (cut short by a trailing *)`,
      events: () => [createPolicy(allow('iot:*', resource))],
      hits: 1,
      check: ([hit]) => expect(hit!.description).toContain(`wildcard action "iot:*" on every resource ("${resource}")`),
    }),
  ),
  {
    name: 'fires on iot:Connect on an ARN cut short after the region',
    events: () => [createPolicy(allow('iot:Connect', `arn:aws:iot:${REGION}:*`))],
    hits: 1,
    check: ([hit]) => expect(hit!.description).toContain(`iot:Connect with any client id ("arn:aws:iot:${REGION}:*")`),
  },
  { name: 'silent on an exact topic of a full ARN', events: () => [createPolicy(allow('iot:Publish', 'arn:aws:iot:eu-west-1:111122223333:topic/x'))], hits: 0 },
  { name: 'silent on one topic in any region and account', events: () => [createPolicy(allow('iot:Publish', 'arn:aws:iot:*:*:topic/telemetry'))], hits: 0 },
  { name: 'silent on another service cut short by a *', events: () => [createPolicy(allow('iot:*', 'arn:aws:s3:*'))], hits: 0 },
  // The reserved topics of every thing: as broad as the shadow and job actions on thing/*.
  ...[
    ['iot:Publish', 'topic/$aws/things/*/shadow/update'],
    ['iot:Receive', 'topic/$aws/things/*'],
    ['iot:Publish', 'topic/$aws/*'],
    ['iot:Subscribe', 'topicfilter/$aws/things/+/shadow/update/accepted'],
    ['iot:Subscribe', 'topicfilter/$aws/things/*/jobs/notify'],
    ['iot:Subscribe', 'topicfilter/$aws/things/#'],
    ['iot:Subscribe', 'topicfilter/$aws/#'],
  ].map(
    ([action, resource]): Case => ({
      name: `fires on ${action} on ${resource} (every thing's reserved topics)`,
      events: () => [createPolicy(allow(action, `${ARN}:${resource}`))],
      hits: 1,
      check: ([hit]) => {
        expect(hit!.description).toContain(`${action} ${action === 'iot:Subscribe' ? 'to' : 'on'} every thing's reserved topics (shadows, jobs)`);
        expect(hit!.evidence).toContain(JSON.stringify(`${ARN}:${resource}`));
      },
    }),
  ),
  {
    name: "silent on the device's own shadow topics",
    events: () => [createPolicy(allow(['iot:Publish', 'iot:Subscribe'], [`${ARN}:topic/$aws/things/\${iot:Connection.Thing.ThingName}/shadow/*`, `${ARN}:topicfilter/$aws/things/\${iot:Connection.Thing.ThingName}/shadow/#`]))],
    hits: 0,
  },
  { name: 'silent on a + in the thing level of a topic (literal there)', events: () => [createPolicy(allow('iot:Publish', `${ARN}:topic/$aws/things/+/shadow/update`))], hits: 0 },
  { name: 'silent on a partly named thing in a shadow topic', events: () => [createPolicy(allow('iot:Publish', `${ARN}:topic/$aws/things/sensor-*/shadow/update`))], hits: 0 },
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
