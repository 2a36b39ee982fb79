/**
 * A version id names a version of one incarnation of a policy: DeletePolicy removes the policy and
 * all its versions, and CreatePolicy of the same name starts again at version 1. The rules that
 * judge versions (`knownPolicyVersions`: overly-permissive-policy, policy-potential-misconfiguration;
 * policy-default-rollback) matched a version id across a deletion and re-creation: a switch to
 * version 2 of the policy made again was judged with the deleted policy's version 2 document.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { policyHistories } from '../../src/analysis/policies.js';
import { overlyPermissivePolicy } from '../../src/analysis/rules/overly-permissive-policy.js';
import { policyDefaultRollback } from '../../src/analysis/rules/policy-default-rollback.js';
import { knownPolicyVersions } from '../../src/analysis/rules/support/policy-versions.js';
import type { IotEvent } from '../../src/report/model.js';
import { ACCOUNT, REGION, policyDocument, resetEventIds, runRule, timeline, type EventInit } from '../helpers/events.js';

const ARN = `arn:aws:iot:${REGION}:${ACCOUNT}`;
const NARROW = policyDocument({ Effect: 'Allow', Action: 'iot:Connect', Resource: `${ARN}:client/\${iot:Connection.Thing.ThingName}` });
const EVERYTHING = policyDocument({ Effect: 'Allow', Action: 'iot:*', Resource: '*' });

const create = (doc: string): EventInit => ({ eventName: 'CreatePolicy', requestParameters: { policyName: 'p', policyDocument: doc }, responseElements: { policyVersionId: '1' } });
const version = (id: string, doc: string, setAsDefault = false): EventInit => ({
  eventName: 'CreatePolicyVersion',
  requestParameters: { policyName: 'p', policyDocument: doc, setAsDefault },
  responseElements: { policyVersionId: id, isDefaultVersion: setAsDefault },
});
const remove: EventInit = { eventName: 'DeletePolicy', requestParameters: { policyName: 'p' } };
const switchTo = (id: string): EventInit => ({ eventName: 'SetDefaultPolicyVersion', requestParameters: { policyName: 'p', policyVersionId: id } });

/** One call a minute, in the order given. */
const calls = (...steps: EventInit[]): IotEvent[] => timeline('2026-10-05T10:00:00Z', steps.map((s, i) => ({ ...s, at: i })));

describe('a policy deleted and created again: its versions are those of the new policy', () => {
  beforeEach(resetEventIds);

  // Version 2 (everything allowed) is created, never the default, and goes with the policy; the
  // policy made again gets a version 2 the period does not show, and it is made the default.
  const events = () => calls(create(NARROW), version('2', EVERYTHING), remove, create(NARROW), switchTo('2'));

  it('the switch to version 2 of the new policy is not one to the deleted version 2', () => {
    const all = events();
    const known = knownPolicyVersions(all, policyHistories(all));
    expect(known.map((v) => [v.versionId, v.events.map((e) => e.eventName)])).toEqual([
      ['1', ['CreatePolicy']],
      ['2', ['CreatePolicyVersion']],
      ['1', ['CreatePolicy']],
    ]);
  });

  it('overly-permissive-policy does not say the deleted version was made the default', () => {
    const all = events();
    const hits = runRule(overlyPermissivePolicy, all);
    expect(hits.map((h) => [h.discriminator, h.eventIds, h.lowerSeverityBy])).toEqual([['v2', [all[1]!.eventId], 1]]);
    expect(hits[0]!.description).toContain('not made the default version in the period');
  });

  it('policy-default-rollback does not compare the new default with the deleted version 2', () => {
    // Version 1 of the policy made again is narrow; the deleted version 2 allowed everything. The
    // new version 2's document is not in the period: breadth cannot be compared, and 2 is newer than 1.
    expect(runRule(policyDefaultRollback, events())).toEqual([]);
  });

  it('a version made in the new policy is judged with its own document', () => {
    const all = calls(create(NARROW), version('2', NARROW), remove, create(NARROW), version('2', EVERYTHING), switchTo('2'));
    const hits = runRule(overlyPermissivePolicy, all);
    expect(hits.map((h) => [h.discriminator, h.eventIds, h.lowerSeverityBy])).toEqual([['v2', [all[4]!.eventId, all[5]!.eventId], 0]]);
  });
});
