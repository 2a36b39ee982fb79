/**
 * A role's sessions are one principal (its key is the role), but with IAM Identity Center each
 * session is a person. A finding or a Denied row about several sessions names the role and all
 * of them, never the first session for everyone's calls; finding ids stay those of the role.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { actorOf } from '../../src/cloudtrail/identity.js';
import { deniedGroups } from '../../src/analysis/actors.js';
import { findingId } from '../../src/analysis/findings.js';
import type { Rule } from '../../src/analysis/rules/types.js';
import type { Actor, IotEvent } from '../../src/report/model.js';
import { humanWithoutMfa } from '../../src/analysis/rules/human-without-mfa.js';
import { certificateWithoutCa } from '../../src/analysis/rules/certificate-without-ca.js';
import { consoleChange } from '../../src/analysis/rules/console-change.js';
import { outsideChangeWindow } from '../../src/analysis/rules/outside-change-window.js';
import { certificateForceDelete } from '../../src/analysis/rules/certificate-force-delete.js';
import { changeOutsideAllowList } from '../../src/analysis/rules/change-outside-allow-list.js';
import { deniedBurst } from '../../src/analysis/rules/denied-burst.js';
import { ACCOUNT, iotEvent, resetEventIds, runRule, type RunOptions } from '../helpers/events.js';

const ROLE = 'AWSReservedSSO_IoTAdmin_0123456789abcdef';
const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/aws-reserved/sso.amazonaws.com/eu-west-1/${ROLE}`;

/** An Identity Center session of the IoTAdmin permission set, as CloudTrail logs it. */
function sso(user: string): Actor {
  return actorOf({
    type: 'AssumedRole',
    principalId: `AROAEXAMPLE:${user}`,
    arn: `arn:aws:sts::${ACCOUNT}:assumed-role/${ROLE}/${user}`,
    accountId: ACCOUNT,
    accessKeyId: 'ASIAEXAMPLE',
    sessionContext: {
      sessionIssuer: { type: 'Role', principalId: 'AROAEXAMPLE', arn: ROLE_ARN, accountId: ACCOUNT, userName: ROLE },
      attributes: { creationDate: '2026-10-05T09:00:00Z', mfaAuthenticated: 'false' },
    },
  });
}

const alice = sso('alice@corp.com');
const bob = sso('bob@corp.com');

function at(minute: number): string {
  return `2026-10-05T10:${String(minute).padStart(2, '0')}:00Z`;
}

/** The reviewer's changes: alice deactivates one certificate; bob revokes another and deletes it. */
function changes(extra: Partial<IotEvent> = {}): IotEvent[] {
  return [
    iotEvent({ actor: alice, eventTime: at(1), eventName: 'UpdateCertificate', requestParameters: { certificateId: 'a'.repeat(64), newStatus: 'INACTIVE' }, ...extra }),
    iotEvent({ actor: bob, eventTime: at(2), eventName: 'UpdateCertificate', requestParameters: { certificateId: 'b'.repeat(64), newStatus: 'REVOKED' }, ...extra }),
    iotEvent({ actor: bob, eventTime: at(3), eventName: 'DeleteCertificate', requestParameters: { certificateId: 'b'.repeat(64), forceDelete: true }, ...extra }),
  ];
}

const BOTH = `role/${ROLE} (sessions alice@corp.com, bob@corp.com)`;

beforeEach(resetEventIds);

describe('human-without-mfa on sessions of one Identity Center role', () => {
  it('names the role and every session, and says who made which change', () => {
    const [hit, ...rest] = runRule(humanWithoutMfa, changes());
    expect(rest).toEqual([]);
    expect(hit!.description).toBe(
      `${BOTH} (an IAM Identity Center role session) made 3 IoT changes without MFA on 2026-10-05. MFA at the identity provider is not visible in CloudTrail.`,
    );
    expect(hit!.evidence).toBe(`role/${ROLE}: alice@corp.com (1 × UpdateCertificate); bob@corp.com (1 × UpdateCertificate, 1 × DeleteCertificate)`);
  });

  it('keeps the id of the role and day, whoever acted first, and a lone session’s line as it was', () => {
    const [both] = runRule(humanWithoutMfa, changes());
    resetEventIds();
    const [bobFirst] = runRule(humanWithoutMfa, changes().reverse().map((e, i) => ({ ...e, eventTime: at(i + 1) })));
    resetEventIds();
    const [aliceOnly] = runRule(humanWithoutMfa, changes().slice(0, 1));
    expect(findingId(humanWithoutMfa.id, both!)).toBe(findingId(humanWithoutMfa.id, { accountId: ACCOUNT, region: 'eu-west-1', resource: ROLE_ARN, discriminator: '2026-10-05' }));
    expect(findingId(humanWithoutMfa.id, bobFirst!)).toBe(findingId(humanWithoutMfa.id, both!));
    expect(findingId(humanWithoutMfa.id, aliceOnly!)).toBe(findingId(humanWithoutMfa.id, both!));
    expect(bobFirst!.description).toContain(`role/${ROLE} (sessions bob@corp.com, alice@corp.com)`);
    expect(aliceOnly!.description).toMatch(new RegExp(`^role/${ROLE} \\(session alice@corp\\.com\\) \\(an IAM Identity Center role session\\) made 1 IoT change `));
    expect(aliceOnly!.evidence).toBe(`role/${ROLE} (session alice@corp.com): 1 × UpdateCertificate`);
  });

  it('names a few sessions and counts the rest', () => {
    const users = ['u1', 'u2', 'u3', 'u4', 'u5', 'u6', 'u7', 'u8'];
    const events = users.map((u, i) => iotEvent({ actor: sso(u), eventTime: at(i) }));
    const [hit] = runRule(humanWithoutMfa, events);
    expect(hit!.description).toContain(`role/${ROLE} (sessions u1, u2, u3 and 5 more) `);
    expect(hit!.evidence).toBe(
      `role/${ROLE}: u1 (1 × UpdateCertificate); u2 (1 × UpdateCertificate); u3 (1 × UpdateCertificate); u4 (1 × UpdateCertificate); u5 (1 × UpdateCertificate); 3 more sessions (3 × UpdateCertificate)`,
    );
  });
});

interface Case {
  rule: Rule;
  events: () => IotEvent[];
  options?: RunOptions;
}

// Every rule that groups a principal's calls and names the principal in its line.
const cases: Case[] = [
  { rule: consoleChange as Rule, events: () => changes({ userAgent: 'console.amazonaws.com' }) },
  { rule: certificateWithoutCa as Rule, events: () => changes().map((e) => ({ ...e, eventName: 'RegisterCertificateWithoutCA' })) },
  { rule: outsideChangeWindow as Rule, events: () => changes({ eventTime: '2026-10-04T03:00:00Z' }) },
  { rule: certificateForceDelete as Rule, events: () => changes().map((e) => ({ ...e, eventName: 'DeleteCertificate', requestParameters: { ...e.requestParameters, forceDelete: true } })) },
  { rule: changeOutsideAllowList as Rule, events: () => changes(), options: { config: { allowLists: { policyChanges: [], certificateChanges: ['arn:aws:iam::*:role/ci-*'], otherChanges: [] } } } },
  {
    rule: deniedBurst as Rule,
    events: () => changes().map((e) => ({ ...e, isChange: false, errorCode: 'AccessDenied' })),
    options: { params: { threshold: 3 } },
  },
];

describe.each(cases)('$rule.id on sessions of one role', ({ rule, events, options }) => {
  it('names the role and both sessions, and what each did', () => {
    const hits = runRule(rule, events(), options);
    expect(hits).toHaveLength(1);
    expect(hits[0]!.resource).toBe(ROLE_ARN);
    expect(hits[0]!.description).toContain(BOTH);
    expect(hits[0]!.description).not.toContain('(session alice@corp.com)');
    expect(hits[0]!.evidence).toMatch(/alice@corp\.com \(1 × .+\); bob@corp\.com \(\d × .+\)/);
  });
});

describe('the Denied section on sessions of one role', () => {
  it('is one row per role and action, naming every session', () => {
    const denied = (actor: Actor, minute: number) => iotEvent({ actor, eventTime: at(minute), eventName: 'DeletePolicy', errorCode: 'AccessDenied' });
    const groups = deniedGroups([denied(alice, 1), denied(bob, 2), denied(bob, 3)]);
    expect(groups).toHaveLength(1);
    expect(groups[0]).toMatchObject({ actorKey: ROLE_ARN, actorLabel: BOTH, eventName: 'DeletePolicy', errorCode: 'AccessDenied', count: 3 });
  });

  it('keeps a lone session’s label', () => {
    const groups = deniedGroups([iotEvent({ actor: alice, eventName: 'DeletePolicy', errorCode: 'AccessDenied' })]);
    expect(groups[0]!.actorLabel).toBe(`role/${ROLE} (session alice@corp.com)`);
  });
});
