import { beforeEach, describe, expect, it } from 'vitest';
import { policyPotentialMisconfiguration as rule } from '../../../src/analysis/rules/policy-potential-misconfiguration.js';
import type { IotEvent } from '../../../src/report/model.js';
import type { RuleHit } from '../../../src/analysis/rules/types.js';
import { ACCOUNT, REGION, iotEvent, policyDocument, resetEventIds, runRule } from '../../helpers/events.js';

const ARN = `arn:aws:iot:${REGION}:${ACCOUNT}`;

function createPolicy(...statements: object[]): IotEvent {
  return iotEvent({
    eventName: 'CreatePolicy',
    requestParameters: { policyName: 'sensors', policyDocument: policyDocument(...statements) },
    responseElements: { policyVersionId: '1' },
  });
}

interface Case {
  name: string;
  statements: object[];
  hits: number;
  check?: (hits: RuleHit[]) => void;
}

const cases: Case[] = [
  {
    name: 'fires on an MQTT wildcard in a Deny statement',
    statements: [
      { Effect: 'Allow', Action: 'iot:Subscribe', Resource: `${ARN}:topicfilter/building/\${iot:ClientId}/*` },
      { Effect: 'Deny', Action: 'iot:Subscribe', Resource: `${ARN}:topicfilter/building/control_room/#` },
    ],
    hits: 1,
    check: ([hit]) => {
      expect(hit!.description).toContain('Deny statement');
      expect(hit!.evidence).toContain('Statement 1:');
      expect(hit!.evidence).not.toContain('Statement 0:');
    },
  },
  { name: 'fires on # in a publish topic (literal)', statements: [{ Effect: 'Allow', Action: 'iot:Publish', Resource: `${ARN}:topic/devices/#` }], hits: 1 },
  {
    name: 'fires on a client id wildcard without a policy variable, pointing to the thing name with the thing attached',
    statements: [{ Effect: 'Allow', Action: 'iot:Connect', Resource: `${ARN}:client/sensor-*` }],
    hits: 1,
    check: ([hit]) => {
      expect(hit!.description).toContain('per-device scope');
      // ${iot:ClientId} is the client id asked for: as a client resource it scopes nothing.
      expect(hit!.description).toContain('use ${iot:Connection.Thing.ThingName} with the Condition iot:Connection.Thing.IsAttached = true');
      expect(hit!.description).not.toContain('${iot:ClientId}');
    },
  },
  {
    name: 'fires on a topic wildcard without a policy variable, pointing to either variable',
    statements: [{ Effect: 'Allow', Action: 'iot:Publish', Resource: `${ARN}:topic/telemetry/*` }],
    hits: 1,
    check: ([hit]) => expect(hit!.description).toContain('use ${iot:Connection.Thing.ThingName} or ${iot:ClientId})'),
  },
  {
    name: 'fires on a partly named thing in a shadow topic',
    statements: [{ Effect: 'Allow', Action: 'iot:Publish', Resource: `${ARN}:topic/$aws/things/sensor-*/shadow/update` }],
    hits: 1,
  },
  {
    name: "silent on every thing's shadow topics (overly-permissive-policy reports it)",
    statements: [
      { Effect: 'Allow', Action: 'iot:Publish', Resource: `${ARN}:topic/$aws/things/*/shadow/update` },
      { Effect: 'Allow', Action: 'iot:Subscribe', Resource: `${ARN}:topicfilter/$aws/things/*/shadow/update/accepted` },
    ],
    hits: 0,
  },
  {
    name: 'silent on client/${iot:ClientId}, with or without the thing attached (overly-permissive-policy reports the one without)',
    statements: [
      { Effect: 'Allow', Action: 'iot:Connect', Resource: `${ARN}:client/\${iot:ClientId}` },
      { Effect: 'Allow', Action: 'iot:Connect', Resource: `${ARN}:client/\${iot:ClientId}`, Condition: { Bool: { 'iot:Connection.Thing.IsAttached': 'true' } } },
    ],
    hits: 0,
  },
  { name: 'silent on an ARN cut short by a * (overly-permissive-policy reports it)', statements: [{ Effect: 'Allow', Action: 'iot:*', Resource: 'arn:aws:iot:*' }], hits: 0 },
  { name: 'fires on a + topic filter without a policy variable', statements: [{ Effect: 'Allow', Action: 'iot:Subscribe', Resource: [`${ARN}:topicfilter/devices/+/cmd`] }], hits: 1 },
  {
    name: 'silent on a client scoped by the thing name',
    statements: [{ Effect: 'Allow', Action: 'iot:Connect', Resource: `${ARN}:client/\${iot:Connection.Thing.ThingName}` }],
    hits: 0,
  },
  {
    name: 'silent on a # topic filter under the device’s own prefix',
    statements: [{ Effect: 'Allow', Action: 'iot:Subscribe', Resource: `${ARN}:topicfilter/devices/\${iot:ClientId}/#` }],
    hits: 0,
  },
  { name: 'silent on a Deny with * (a real wildcard)', statements: [{ Effect: 'Deny', Action: 'iot:Publish', Resource: `${ARN}:topic/admin/*` }], hits: 0 },
  { name: 'silent on an exact topic', statements: [{ Effect: 'Allow', Action: 'iot:Publish', Resource: `${ARN}:topic/fleet/announcements` }], hits: 0 },
  {
    name: 'silent on a fully broad topic (overly-permissive-policy reports it)',
    statements: [{ Effect: 'Allow', Action: 'iot:Publish', Resource: `${ARN}:topic/*` }],
    hits: 0,
  },
  {
    name: 'silent on a wildcard in a resource the allowed actions do not use',
    statements: [{ Effect: 'Allow', Action: 'iot:Connect', Resource: `${ARN}:topic/devices/*` }],
    hits: 0,
  },
];

describe(rule.id, () => {
  beforeEach(resetEventIds);
  it.each(cases)('$name', ({ statements, hits, check }) => {
    const result = runRule(rule, [createPolicy(...statements)]);
    expect(result).toHaveLength(hits);
    check?.(result);
  });

  it('is silent on a failed call', () => {
    const event = { ...createPolicy({ Effect: 'Allow', Action: 'iot:Connect', Resource: `${ARN}:client/sensor-*` }), errorCode: 'AccessDenied', isChange: false };
    expect(runRule(rule, [event])).toHaveLength(0);
  });
});
