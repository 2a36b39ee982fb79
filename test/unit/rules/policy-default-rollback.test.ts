import { beforeEach, describe, expect, it } from 'vitest';
import { policyDefaultRollback as rule } from '../../../src/analysis/rules/policy-default-rollback.js';
import type { IotEvent } from '../../../src/report/model.js';
import type { RuleHit } from '../../../src/analysis/rules/types.js';
import { ACCOUNT, REGION, policyDocument, resetEventIds, runRule, timeline, type EventInit } from '../../helpers/events.js';

const ARN = `arn:aws:iot:${REGION}:${ACCOUNT}`;
const BROAD = policyDocument({ Effect: 'Allow', Action: 'iot:Publish', Resource: `${ARN}:topic/*` });
const NARROW = policyDocument({ Effect: 'Allow', Action: 'iot:Publish', Resource: `${ARN}:topic/devices/\${iot:ClientId}/*` });

const ATTACHED = { Bool: { 'iot:Connection.Thing.IsAttached': 'true' } };
const connect = (Condition?: object) => ({ Effect: 'Allow', Action: 'iot:Connect', Resource: `${ARN}:client/*`, ...(Condition ? { Condition } : {}) });
const denyAdmin = (Condition?: object) => ({ Effect: 'Deny', Action: 'iot:Publish', Resource: `${ARN}:topic/admin/*`, ...(Condition ? { Condition } : {}) });
const ANY_TOPIC = { Effect: 'Allow', Action: 'iot:Publish', Resource: `${ARN}:topic/*` };

const create = (doc: string, policyName = 'fleet'): EventInit => ({
  eventName: 'CreatePolicy',
  requestParameters: { policyName, policyDocument: doc },
  responseElements: { policyVersionId: '1' },
});
const version = (id: string, doc: string | null, setAsDefault: boolean, policyName = 'fleet'): EventInit => ({
  eventName: 'CreatePolicyVersion',
  requestParameters: doc === null ? { reason: 'requestParameters too large', omitted: true } : { policyName, policyDocument: doc, setAsDefault },
  responseElements: { policyArn: `${ARN}:policy/${policyName}`, policyVersionId: id, isDefaultVersion: setAsDefault },
});
const setDefault = (id: string, policyName = 'fleet'): EventInit => ({
  eventName: 'SetDefaultPolicyVersion',
  requestParameters: { policyName, policyVersionId: id },
});

/** CreatePolicyVersion with setAsDefault whose response (and so its version id) was not logged: the default is unknown from here. */
const UNLOGGED_DEFAULT: EventInit = {
  eventName: 'CreatePolicyVersion',
  requestParameters: { policyName: 'fleet', policyDocument: NARROW, setAsDefault: true },
  responseElements: null,
};

interface Case {
  name: string;
  steps: EventInit[];
  hits: number;
  check?: (hits: RuleHit[]) => void;
}

const cases: Case[] = [
  {
    name: 'fires on a switch back to an older and broader version, with the diff',
    steps: [create(BROAD), version('2', NARROW, true), setDefault('1')],
    hits: 1,
    check: ([hit]) => {
      expect(hit!.lowerSeverityBy).toBe(0);
      expect(hit!.description).toContain('from 2 to 1');
      expect(hit!.description).toContain('an older version');
      expect(hit!.description).toContain('broader version');
      expect(hit!.evidence).toContain('--- version 2');
      expect(hit!.evidence).toContain('+++ version 1');
      expect(hit!.evidence).toMatch(/^- .*\$\{iot:ClientId\}/m);
      expect(hit!.evidence).toMatch(/^\+ .*topic\/\*"/m);
    },
  },
  {
    name: 'reads a version id logged as a number as the Policies section does',
    steps: [create(BROAD), version('2', NARROW, true), { ...setDefault('1'), requestParameters: { policyName: 'fleet', policyVersionId: 1 } }],
    hits: 1,
    check: ([hit]) => {
      expect(hit!.lowerSeverityBy).toBe(0);
      expect(hit!.description).toContain('from 2 to 1');
    },
  },
  {
    name: 'fires two levels lower on an older version known not to be broader',
    steps: [create(NARROW), version('2', BROAD, true), setDefault('1')],
    hits: 1,
    check: ([hit]) => expect(hit!.lowerSeverityBy).toBe(2),
  },
  {
    name: 'fires one level lower on an older version when a document is unknown',
    steps: [version('4', null, true), setDefault('3')],
    hits: 1,
    check: ([hit]) => {
      expect(hit!.lowerSeverityBy).toBe(1);
      expect(hit!.evidence).toBeNull();
      expect(hit!.description).toContain('not both known');
    },
  },
  {
    name: 'fires on a newer but broader version',
    steps: [create(NARROW), version('2', BROAD, false), setDefault('2')],
    hits: 1,
    check: ([hit]) => expect(hit!.description).not.toContain('older'),
  },
  { name: 'silent on a newer, narrower version', steps: [create(BROAD), version('2', NARROW, false), setDefault('2')], hits: 0 },
  {
    name: 'fires on a version that drops the Condition of an Allow',
    steps: [create(policyDocument(connect(ATTACHED))), version('2', policyDocument(connect()), false), setDefault('2')],
    hits: 1,
    check: ([hit]) => {
      expect(hit!.lowerSeverityBy).toBe(0);
      expect(hit!.description).toContain(`a broader version that allows iot:Connect with no Condition on ${ARN}:`);
      expect(hit!.evidence).toMatch(/^- .*"Condition"/m);
    },
  },
  {
    name: 'fires on a version that changes the Condition of an Allow',
    steps: [
      create(policyDocument(connect(ATTACHED))),
      version('2', policyDocument(connect({ IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } })), false),
      setDefault('2'),
    ],
    hits: 1,
    check: ([hit]) => expect(hit!.description).toContain('allows iot:Connect under another Condition on arn:aws:iot:'),
  },
  {
    name: 'silent on the same Condition, its keys written in another order',
    steps: [
      create(policyDocument(connect({ Bool: { 'iot:Connection.Thing.IsAttached': 'true' }, StringLike: { 'iot:ClientId': 'sensor-*' } }))),
      version('2', policyDocument(connect({ StringLike: { 'iot:ClientId': 'sensor-*' }, Bool: { 'iot:Connection.Thing.IsAttached': 'true' } }), ANY_TOPIC), false),
      version('3', policyDocument(connect({ StringLike: { 'iot:ClientId': 'sensor-*' }, Bool: { 'iot:Connection.Thing.IsAttached': 'true' } })), false),
      setDefault('3'),
    ],
    hits: 0,
  },
  {
    name: 'silent on a version that adds a Condition to an Allow (narrower)',
    steps: [create(policyDocument(connect())), version('2', policyDocument(connect(ATTACHED)), false), setDefault('2')],
    hits: 0,
  },
  {
    name: 'silent on an empty Condition dropped',
    steps: [create(policyDocument(connect({}))), version('2', policyDocument(connect()), false), setDefault('2')],
    hits: 0,
  },
  {
    name: 'fires on a Deny made conditional (it no longer denies unconditionally)',
    steps: [create(policyDocument(ANY_TOPIC, denyAdmin())), version('2', policyDocument(ANY_TOPIC, denyAdmin(ATTACHED)), false), setDefault('2')],
    hits: 1,
    check: ([hit]) => {
      expect(hit!.lowerSeverityBy).toBe(0);
      expect(hit!.description).toContain('no longer denies iot:Publish unconditionally on arn:aws:iot:');
    },
  },
  {
    name: 'silent on a conditional Deny made unconditional',
    steps: [create(policyDocument(ANY_TOPIC, denyAdmin(ATTACHED))), version('2', policyDocument(ANY_TOPIC, denyAdmin()), false), setDefault('2')],
    hits: 0,
  },
  {
    name: 'silent on a conditional Deny kept under the same Condition',
    steps: [create(policyDocument(ANY_TOPIC, denyAdmin(ATTACHED))), version('2', policyDocument(ANY_TOPIC, denyAdmin(ATTACHED)), false), setDefault('2')],
    hits: 0,
  },
  {
    name: 'fires on a conditional Deny whose Condition changed',
    steps: [
      create(policyDocument(ANY_TOPIC, denyAdmin(ATTACHED))),
      version('2', policyDocument(ANY_TOPIC, denyAdmin({ Bool: { 'iot:Connection.Thing.IsAttached': 'false' } })), false),
      setDefault('2'),
    ],
    hits: 1,
    check: ([hit]) => expect(hit!.description).toContain('no longer denies iot:Publish under the same Condition on'),
  },
  { name: 'silent when the previous default is unknown', steps: [setDefault('1')], hits: 0 },
  { name: 'silent when the default is set again to the same version', steps: [create(BROAD), setDefault('1')], hits: 0 },
  {
    name: 'silent when the versions belong to different policies',
    steps: [create(NARROW, 'a'), version('3', NARROW, true, 'a'), setDefault('1', 'b')],
    hits: 0,
  },
  {
    // The new version is the default, its id not logged: switching to version 1 after it
    // switches from an unknown version, not from the stale 2; but version 2 exists, so 1 is older.
    name: 'does not take the stale default for the previous one when a new default version of unknown id came between',
    steps: [
      create(BROAD),
      version('2', NARROW, true),
      { eventName: 'CreatePolicyVersion', requestParameters: { policyName: 'fleet', policyDocument: NARROW, setAsDefault: true }, responseElements: null },
      setDefault('1'),
    ],
    hits: 1,
    check: ([hit]) => {
      expect(hit!.description).not.toContain('from 2');
      expect(hit!.description).toContain('to 1: an older version than version 2, which the period shows was the default before');
      expect(hit!.lowerSeverityBy).toBe(1);
    },
  },
  {
    // 2026-11-26 review: a window that shows version 3 made the default, and a switch to 1 after a
    // new default of unlogged id: the default before the switch is unknown, but it went back past 3.
    name: 'fires one level lower on a switch back past a version the period shows was the default, the previous default unknown',
    steps: [version('3', NARROW, true), UNLOGGED_DEFAULT, setDefault('1')],
    hits: 1,
    check: ([hit]) => {
      expect(hit!.lowerSeverityBy).toBe(1);
      expect(hit!.evidence).toBeNull();
      expect(hit!.discriminator).toBe('older-than-v3-to-v1');
      expect(hit!.description).toContain(
        'to 1: an older version than version 3, which the period shows was the default before. The previous default is not known from the period',
      );
    },
  },
  {
    name: 'names the newest version known to have been the default',
    steps: [version('3', NARROW, true), version('5', NARROW, true), version('6', NARROW, false), UNLOGGED_DEFAULT, setDefault('1')],
    hits: 1,
    check: ([hit]) => expect(hit!.description).toContain('older version than version 5,'),
  },
  {
    // 2026-11-26 review (H5): a version only created was never the default: the default did not go back past it.
    name: 'silent on a switch past a version only created (setAsDefault false), the previous default unknown',
    steps: [version('3', NARROW, false), setDefault('1')],
    hits: 0,
  },
  {
    // The month after the one that set version 2 the default: version 5 made, not the default, then the switch
    // to 3, which moves the default forward (2 → 3). The same sequence within one period is silent too (below).
    name: 'silent on a switch forward past a version never the default, the previous default in an earlier period',
    steps: [version('5', NARROW, false), setDefault('3')],
    hits: 0,
  },
  {
    name: 'silent on a switch past versions never the default, after a new default of unlogged id',
    steps: [version('3', NARROW, false), version('5', NARROW, false), UNLOGGED_DEFAULT, setDefault('1')],
    hits: 0,
  },
  {
    // The default then became a new version whose id was not logged: the one before is unknown again; version 4 was the default.
    name: 'counts a version made the default earlier as one the default went back past',
    steps: [
      setDefault('4'),
      { eventName: 'CreatePolicyVersion', requestParameters: { policyName: 'fleet', policyDocument: NARROW, setAsDefault: true }, responseElements: null },
      setDefault('3'),
    ],
    hits: 1,
    check: ([hit]) => expect(hit!.description).toContain('to 3: an older version than version 4,'),
  },
  {
    // A switch newer than the known default is no rollback, though older than another version.
    name: 'silent on a switch newer than the known default, older than another version',
    steps: [setDefault('2'), version('5', NARROW, false), setDefault('3')],
    hits: 0,
  },
  {
    name: 'silent on a switch past a version the default earlier, deleted since',
    steps: [
      version('3', NARROW, true),
      UNLOGGED_DEFAULT,
      { eventName: 'DeletePolicyVersion', requestParameters: { policyName: 'fleet', policyVersionId: '3' } },
      setDefault('1'),
    ],
    hits: 0,
  },
  { name: 'silent on a switch to the newest version known, the previous default unknown', steps: [version('2', NARROW, false), setDefault('2')], hits: 0 },
  {
    name: 'silent after the policy was deleted and created again',
    steps: [create(NARROW), version('2', NARROW, true), { eventName: 'DeletePolicy', requestParameters: { policyName: 'fleet' } }, setDefault('1')],
    hits: 0,
  },
];

describe(rule.id, () => {
  beforeEach(resetEventIds);
  it.each(cases)('$name', ({ steps, hits, check }) => {
    const events: IotEvent[] = timeline('2026-10-05T10:00:00Z', steps.map((s, i) => ({ ...s, at: i * 10 })));
    const result = runRule(rule, events);
    expect(result).toHaveLength(hits);
    check?.(result);
  });
});
