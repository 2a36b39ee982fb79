import { describe, expect, it } from 'vitest';
import { policyHistories } from '../../src/analysis/policies.js';
import { knownPolicyVersions } from '../../src/analysis/rules/support/policy-versions.js';
import type { JsonObject } from '../../src/types.js';
import { iotEvent, policyDocument } from '../helpers/events.js';

const document = policyDocument({ Effect: 'Allow', Action: 'iot:Connect', Resource: '*' });

describe('the version a policy creation made', () => {
  // Each a policy of its own, so that no call changes what another one reads.
  const cases: { call: string; eventName: string; request?: JsonObject; response?: JsonObject | null; versionId: string | null; setAsDefault: boolean }[] = [
    { call: 'CreatePolicy, no response', eventName: 'CreatePolicy', response: null, versionId: '1', setAsDefault: true },
    { call: 'CreatePolicy, the response says', eventName: 'CreatePolicy', response: { policyVersionId: '1' }, versionId: '1', setAsDefault: true },
    { call: 'CreatePolicyVersion, made default', eventName: 'CreatePolicyVersion', request: { setAsDefault: true }, response: { policyVersionId: '3' }, versionId: '3', setAsDefault: true },
    { call: 'CreatePolicyVersion, "true" as a string', eventName: 'CreatePolicyVersion', request: { setAsDefault: 'true' }, response: { policyVersionId: '4' }, versionId: '4', setAsDefault: true },
    { call: 'CreatePolicyVersion, default by the response', eventName: 'CreatePolicyVersion', response: { policyVersionId: '5', isDefaultVersion: true }, versionId: '5', setAsDefault: true },
    { call: 'CreatePolicyVersion, not default', eventName: 'CreatePolicyVersion', request: { setAsDefault: false }, response: { policyVersionId: '6', isDefaultVersion: false }, versionId: '6', setAsDefault: false },
    { call: 'CreatePolicyVersion, no response', eventName: 'CreatePolicyVersion', request: { setAsDefault: true }, response: null, versionId: null, setAsDefault: true },
    { call: 'CreatePolicyVersion, an empty id', eventName: 'CreatePolicyVersion', response: { policyVersionId: '' }, versionId: null, setAsDefault: false },
    // The policy history always read a number as the version it names; the rules read no version.
    { call: 'CreatePolicyVersion, the id as a number', eventName: 'CreatePolicyVersion', response: { policyVersionId: 7 }, versionId: '7', setAsDefault: false },
  ];

  it.each(cases)('$call: the same in the policy history and in the rules', ({ call, eventName, request, response, versionId, setAsDefault }) => {
    const event = iotEvent({
      eventName,
      requestParameters: { policyName: call, policyDocument: document, ...request },
      responseElements: response ?? null,
    });
    const [history] = policyHistories([event]);
    expect(history!.versions.map((v) => ({ versionId: v.versionId, setAsDefault: v.setAsDefault }))).toEqual([{ versionId, setAsDefault }]);
    const [known] = knownPolicyVersions([event], [history!]);
    expect({ versionId: known!.versionId, setAsDefault: known!.madeDefaultBy.length > 0 }).toEqual({ versionId, setAsDefault });
  });
});

describe('the version SetDefaultPolicyVersion names', () => {
  it('is read alike by the policy history and the rules, a number too', () => {
    const v1 = policyDocument({ Effect: 'Allow', Action: 'iot:Connect', Resource: 'arn:aws:iot:eu-west-1:111111111111:client/a' });
    const events = [
      iotEvent({ eventName: 'CreatePolicy', eventTime: '2026-10-01T10:00:00Z', requestParameters: { policyName: 'p', policyDocument: v1 }, responseElements: { policyVersionId: '1' } }),
      iotEvent({ eventName: 'CreatePolicyVersion', eventTime: '2026-10-01T11:00:00Z', requestParameters: { policyName: 'p', policyDocument: document, setAsDefault: false }, responseElements: { policyVersionId: '2' } }),
      iotEvent({ eventName: 'SetDefaultPolicyVersion', eventTime: '2026-10-01T12:00:00Z', requestParameters: { policyName: 'p', policyVersionId: 2 } }),
    ];
    const [history] = policyHistories(events);
    expect(history!.defaultVersionId).toBe('2');
    const known = knownPolicyVersions(events, [history!]);
    expect(known.map((k) => ({ versionId: k.versionId, madeDefaultBy: k.madeDefaultBy.map((e) => e.eventName) }))).toEqual([
      { versionId: '1', madeDefaultBy: ['CreatePolicy'] },
      { versionId: '2', madeDefaultBy: ['SetDefaultPolicyVersion'] },
    ]);
  });
});
