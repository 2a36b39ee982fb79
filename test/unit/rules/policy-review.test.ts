/**
 * False negatives of the policy rules found in review: `client/${iot:ClientId}` on Connect, ARNs
 * cut short by a `*` before their resource part, Conditions dropped when the default version is
 * switched, and every thing's reserved topics. With the negative cases next to each, and the
 * readers' limits on forged documents kept.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { overlyPermissivePolicy } from '../../../src/analysis/rules/overly-permissive-policy.js';
import { policyDefaultRollback } from '../../../src/analysis/rules/policy-default-rollback.js';
import { policyPotentialMisconfiguration } from '../../../src/analysis/rules/policy-potential-misconfiguration.js';
import { broadenings, misconfigurationIssues, overlyPermissiveIssues, readPolicyDocument, type PolicyStatement } from '../../../src/analysis/rules/support/policy-document.js';
import type { IotEvent } from '../../../src/report/model.js';
import { ACCOUNT, REGION, iotEvent, policyDocument, resetEventIds, runRule, timeline } from '../../helpers/events.js';

const ARN = `arn:aws:iot:${REGION}:${ACCOUNT}`;
const ATTACHED = { Bool: { 'iot:Connection.Thing.IsAttached': 'true' } };

// Vitest's own default: the code takes well under a second on each forged document.
const FORGED_TIMEOUT = 5_000;

const createPolicy = (...statements: object[]): IotEvent =>
  iotEvent({
    eventName: 'CreatePolicy',
    requestParameters: { policyName: 'fleet', policyDocument: policyDocument(...statements) },
    responseElements: { policyName: 'fleet', policyVersionId: '1' },
  });

function statementsOf(document: unknown): PolicyStatement[] {
  const reading = readPolicyDocument(document);
  if (reading.status !== 'ok') throw new Error(reading.reason);
  return reading.statements;
}

/** Version 1 created as the default, version 2 created aside, then made the default. */
function switchToSecond(first: object[], second: object[]): IotEvent[] {
  return timeline('2026-10-05T10:00:00Z', [
    { eventName: 'CreatePolicy', requestParameters: { policyName: 'fleet', policyDocument: policyDocument(...first) }, responseElements: { policyVersionId: '1' } },
    {
      at: 1,
      eventName: 'CreatePolicyVersion',
      requestParameters: { policyName: 'fleet', policyDocument: policyDocument(...second), setAsDefault: false },
      responseElements: { policyVersionId: '2', isDefaultVersion: false },
    },
    { at: 2, eventName: 'SetDefaultPolicyVersion', requestParameters: { policyName: 'fleet', policyVersionId: '2' } },
  ]);
}

beforeEach(resetEventIds);

describe('iot:Connect on client/${iot:ClientId}', () => {
  it('lets any client id connect (the variable is the id asked for), unless the thing must be attached', () => {
    const bare = runRule(overlyPermissivePolicy, [createPolicy({ Effect: 'Allow', Action: 'iot:Connect', Resource: `${ARN}:client/\${iot:ClientId}` })]);
    expect(bare).toHaveLength(1);
    expect(bare[0]!.lowerSeverityBy).toBe(0);
    expect(bare[0]!.description).toContain('iot:Connect with any client id');
    const attached = [createPolicy({ Effect: 'Allow', Action: 'iot:Connect', Resource: `${ARN}:client/\${iot:ClientId}`, Condition: ATTACHED })];
    expect(runRule(overlyPermissivePolicy, attached)).toHaveLength(0);
    expect(runRule(policyPotentialMisconfiguration, attached)).toHaveLength(0);
  });

  it('leaves a client id pinned to ${iot:Connection.Thing.ThingName} silent, with or without the Condition', () => {
    for (const extra of [{}, { Condition: ATTACHED }]) {
      const events = [createPolicy({ Effect: 'Allow', Action: 'iot:Connect', Resource: `${ARN}:client/\${iot:Connection.Thing.ThingName}`, ...extra })];
      expect(runRule(overlyPermissivePolicy, events)).toHaveLength(0);
      expect(runRule(policyPotentialMisconfiguration, events)).toHaveLength(0);
    }
  });

  it('recommends the thing name with IsAttached, never ${iot:ClientId}, for a client id wildcard', () => {
    const [issue] = misconfigurationIssues(statementsOf(policyDocument({ Effect: 'Allow', Action: 'iot:Connect', Resource: `${ARN}:client/sensor-*` })));
    expect(issue!.reason).toBe(
      `wildcard without a policy variable where a per-device scope is expected ("${ARN}:client/sensor-*"; use \${iot:Connection.Thing.ThingName} with the Condition iot:Connection.Thing.IsAttached = true)`,
    );
  });
});

describe('a resource ARN cut short by a trailing *', () => {
  it.each(['arn:aws:iot:*', `arn:aws:iot:${REGION}:*`, 'arn:aws:iot:*:*:*'])('iot:* on %s is overly permissive (the * spans the colons, as in IAM)', (resource) => {
    const events = [createPolicy({ Effect: 'Allow', Action: 'iot:*', Resource: resource })];
    expect(runRule(policyPotentialMisconfiguration, events)).toHaveLength(0);
    const hits = runRule(overlyPermissivePolicy, events);
    expect(hits).toHaveLength(1);
    expect(hits[0]!.evidence).toContain(`wildcard action "iot:*" on every resource ("${resource}")`);
  });

  it('counts for each device action group, and leaves a full ARN naming one topic silent', () => {
    const issues = overlyPermissiveIssues(statementsOf(policyDocument({ Effect: 'Allow', Action: ['iot:Connect', 'iot:UpdateThingShadow'], Resource: `arn:aws:iot:${REGION}:*` })));
    expect(issues.map((i) => i.reason)).toEqual([
      `iot:Connect with any client id ("arn:aws:iot:${REGION}:*")`,
      `iot:UpdateThingShadow on every thing ("arn:aws:iot:${REGION}:*")`,
    ]);
    const events = [createPolicy({ Effect: 'Allow', Action: 'iot:*', Resource: 'arn:aws:iot:eu-west-1:111122223333:topic/x' })];
    expect(runRule(overlyPermissivePolicy, events)).toHaveLength(0);
  });
});

describe('switching the default version, with Conditions', () => {
  const connect = { Effect: 'Allow', Action: 'iot:Connect', Resource: `${ARN}:client/*` };

  it('reports a version that drops the Condition of an Allow as broader (high)', () => {
    const hits = runRule(policyDefaultRollback, switchToSecond([{ ...connect, Condition: ATTACHED }], [connect]));
    expect(hits).toHaveLength(1);
    expect(hits[0]!.lowerSeverityBy).toBe(0);
    expect(broadenings(statementsOf(policyDocument({ ...connect, Condition: ATTACHED })), statementsOf(policyDocument(connect)))).toEqual([
      `allows iot:Connect with no Condition on ${ARN}:client/*`,
    ]);
  });

  it('stays silent on identical Conditions, however their keys are ordered', () => {
    const condition = { Bool: { 'iot:Connection.Thing.IsAttached': 'true' }, StringLike: { 'iot:ClientId': ['sensor-*', 'gateway-*'] } };
    const reordered = { StringLike: { 'iot:ClientId': ['sensor-*', 'gateway-*'] }, Bool: { 'iot:Connection.Thing.IsAttached': 'true' } };
    expect(runRule(policyDefaultRollback, switchToSecond([{ ...connect, Condition: condition }], [{ ...connect, Condition: reordered }]))).toHaveLength(0);
    // The values of a list keep their order: another order is another Condition, as written.
    const swapped = { ...reordered, StringLike: { 'iot:ClientId': ['gateway-*', 'sensor-*'] } };
    expect(runRule(policyDefaultRollback, switchToSecond([{ ...connect, Condition: condition }], [{ ...connect, Condition: swapped }]))).toHaveLength(1);
  });

  it('reports a Deny made conditional as no longer denying, and not the reverse', () => {
    const publish = { Effect: 'Allow', Action: 'iot:Publish', Resource: `${ARN}:topic/*` };
    const deny = { Effect: 'Deny', Action: 'iot:Publish', Resource: `${ARN}:topic/admin/*` };
    const before = statementsOf(policyDocument(publish, deny));
    const after = statementsOf(policyDocument(publish, { ...deny, Condition: ATTACHED }));
    expect(broadenings(before, after)).toEqual([`no longer denies iot:Publish unconditionally on ${ARN}:topic/admin/*`]);
    expect(broadenings(after, before)).toEqual([]);
    expect(runRule(policyDefaultRollback, switchToSecond([publish, deny], [publish, { ...deny, Condition: ATTACHED }]))).toHaveLength(1);
    expect(runRule(policyDefaultRollback, switchToSecond([publish, { ...deny, Condition: ATTACHED }], [publish, deny]))).toHaveLength(0);
  });
});

describe("every thing's reserved topics", () => {
  it('rates publishing to every shadow as UpdateThingShadow on thing/* (critical), not a medium misconfiguration', () => {
    const viaTopic = [createPolicy({ Effect: 'Allow', Action: 'iot:Publish', Resource: `${ARN}:topic/$aws/things/*/shadow/update` })];
    const viaThing = [createPolicy({ Effect: 'Allow', Action: 'iot:UpdateThingShadow', Resource: `${ARN}:thing/*` })];
    expect(runRule(overlyPermissivePolicy, viaThing)).toHaveLength(1);
    const hits = runRule(overlyPermissivePolicy, viaTopic);
    expect(hits).toHaveLength(1);
    expect(hits[0]!.description).toContain("iot:Publish on every thing's reserved topics (shadows, jobs)");
    expect(runRule(policyPotentialMisconfiguration, viaTopic)).toHaveLength(0);
  });

  it('leaves topics of the device itself, of one named thing, or with a literal + silent', () => {
    const events = [
      createPolicy(
        { Effect: 'Allow', Action: ['iot:Publish', 'iot:Receive'], Resource: [`${ARN}:topic/$aws/things/\${iot:Connection.Thing.ThingName}/shadow/*`, `${ARN}:topic/$aws/things/gateway-1/jobs/notify`] },
        { Effect: 'Allow', Action: 'iot:Subscribe', Resource: `${ARN}:topicfilter/$aws/things/\${iot:Connection.Thing.ThingName}/shadow/+/accepted` },
      ),
    ];
    expect(runRule(overlyPermissivePolicy, events)).toHaveLength(0);
    expect(runRule(overlyPermissivePolicy, [createPolicy({ Effect: 'Allow', Action: 'iot:Publish', Resource: `${ARN}:topic/$aws/things/+/shadow/update` })])).toHaveLength(0);
  });
});

describe('forged documents', () => {
  it(
    'judges resources of ~190 KB (a cut-short ARN, a run of ${iot:ClientId}, a thing level of stars) at once',
    () => {
      const resources = [
        `arn:aws:${'x'.repeat(190_000)}*`,
        `${'a'.repeat(190_000)}*`,
        `${ARN}:client/${'${iot:ClientId}*'.repeat(12_000)}`,
        `${ARN}:topic/$aws/things/${'*'.repeat(190_000)}`,
        `${ARN}:topic/$aws/${'t'.repeat(190_000)}*`,
      ];
      const judged = resources.map((Resource) => overlyPermissiveIssues(statementsOf({ Statement: { Effect: 'Allow', Action: ['iot:Connect', 'iot:Publish'], Resource } })).length);
      expect(judged).toEqual([0, 0, 1, 1, 0]);
    },
    FORGED_TIMEOUT,
  );

  it(
    'compares Conditions of 20,000 keys, and never throws on one nested past the limit or referring to itself',
    () => {
      const keys = Object.fromEntries(Array.from({ length: 20_000 }, (_, i) => [`iot:Key${i}`, `v${i}`]));
      const reversed = Object.fromEntries(Object.entries(keys).reverse());
      const statement = (Condition: unknown) => ({ Effect: 'Allow', Action: 'iot:Connect', Resource: `${ARN}:client/*`, Condition });
      expect(broadenings(statementsOf({ Statement: statement({ StringEquals: keys }) }), statementsOf({ Statement: statement({ StringEquals: reversed }) }))).toEqual([]);
      // Statements made by hand (a document's reader refuses these): the Condition equals no other, itself included.
      const cyclic: Record<string, unknown> = {};
      cyclic.self = cyclic;
      let deep: unknown = 'x';
      for (let i = 0; i < 5_000; i++) deep = [deep];
      for (const condition of [cyclic, deep]) {
        const made: PolicyStatement = { index: 0, effect: 'Allow', actions: ['iot:Connect'], notActions: null, resources: ['*'], notResources: null, hasCondition: true, raw: statement(condition) };
        expect(broadenings([made], [made])).toEqual(['allows iot:Connect under another Condition on *']);
      }
    },
    FORGED_TIMEOUT,
  );
});
