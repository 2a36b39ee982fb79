import { existsSync } from 'node:fs';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  countFindingsBySeverity,
  evaluateFindings,
  findingId,
  hasFindingsAtOrAbove,
  SEVERITIES,
  type FindingsInput,
} from '../../src/analysis/findings.js';
import { RULES } from '../../src/analysis/rules/index.js';
import type { Rule, RuleHit } from '../../src/analysis/rules/types.js';
import { localTimesIn, type LocalTime } from '../../src/analysis/rules/support/grouping.js';
import { defaultConfig } from '../../src/config/load.js';
import type { AuditConfig } from '../../src/config/types.js';
import type { IotEvent } from '../../src/report/model.js';
import { ACCOUNT, REGION, account, actors, iotEvent, period, resetEventIds } from '../helpers/events.js';

function hit(init: Partial<RuleHit> = {}): RuleHit {
  return { accountId: ACCOUNT, region: REGION, resource: 'cert-1', eventIds: ['e-1'], time: '2026-10-05T10:00:00Z', description: 'd', ...init };
}

function fakeRule(id: string, hits: RuleHit[] | (() => RuleHit[]), init: Partial<Rule> = {}): Rule {
  return {
    id,
    title: `title of ${id}`,
    severity: 'medium',
    description: 'x',
    remediation: 'fix it',
    resourceKind: 'certificate',
    defaults: { limit: 5 },
    evaluate: () => (typeof hits === 'function' ? hits() : hits),
    ...init,
  };
}

function run(rules: Record<string, Rule>, config: Partial<AuditConfig> = {}, now = '2026-11-02T08:00:00Z', events: IotEvent[] = []) {
  const input: FindingsInput = {
    events,
    certificates: [],
    policies: [],
    accounts: [account(ACCOUNT, { name: 'Production' })],
    period: period(),
    config: { ...defaultConfig(), ...config },
    now,
    rules,
  };
  return evaluateFindings(input);
}

describe('evaluateFindings', () => {
  beforeEach(resetEventIds);

  it('lets go of the local times its rules worked out (a memo entry per event) once the findings are made', () => {
    let during: LocalTime | undefined;
    run({
      clock: fakeRule('clock', () => {
        during = localTimesIn('Europe/Paris')('2026-10-05T22:30:00Z');
        // Asked again within the rules: the same, shared answer.
        expect(localTimesIn('Europe/Paris')('2026-10-05T22:30:00Z')).toBe(during);
        return [];
      }),
    });
    const after = localTimesIn('Europe/Paris')('2026-10-05T22:30:00Z');
    expect(after).toEqual(during);
    expect(after).not.toBe(during);
  });

  it('turns a throwing rule into a RuleError and keeps the other rules’ findings', () => {
    const result = run({
      broken: fakeRule('broken', () => {
        throw new Error('boom\n  at line 2');
      }),
      fine: fakeRule('fine', [hit()]),
    });
    expect(result.ruleErrors).toEqual([{ ruleId: 'broken', message: 'boom at line 2' }]);
    expect(result.findings.map((f) => f.ruleId)).toEqual(['fine']);
  });

  it('reports a rule that returns no list, and ignores invalid hits', () => {
    const result = run({
      weird: fakeRule('weird', (() => 'nope') as unknown as () => RuleHit[]),
      sloppy: fakeRule('sloppy', [hit(), { ...hit({ resource: 'b' }), eventIds: [42] } as unknown as RuleHit]),
    });
    expect(result.ruleErrors.map((e) => e.ruleId)).toEqual(['sloppy', 'weird']);
    expect(result.ruleErrors[0]!.message).toBe('1 invalid hit(s) ignored');
    expect(result.findings).toHaveLength(1);
  });

  it('builds the finding from the rule and the hit, with the account name', () => {
    const [finding] = run({ r: fakeRule('r', [hit({ evidence: 'quoted', discriminator: 'v2' })]) }).findings;
    expect(finding).toEqual({
      id: `r:${ACCOUNT}:${REGION}:cert-1:v2`,
      ruleId: 'r',
      severity: 'medium',
      title: 'title of r',
      description: 'd',
      remediation: 'fix it',
      accountId: ACCOUNT,
      accountName: 'Production',
      region: REGION,
      regions: [REGION],
      resource: 'cert-1',
      // As the rule declares it: the view links the resource by it.
      resourceKind: 'certificate',
      eventIds: ['e-1'],
      time: '2026-10-05T10:00:00Z',
      evidence: 'quoted',
      suppressed: false,
      suppressionReason: null,
      suppressionNote: null,
    });
  });

  it('applies severity overrides, then the hit’s own offset, never below info', () => {
    const rules = { r: fakeRule('r', [hit({ resource: 'a' }), hit({ resource: 'b', lowerSeverityBy: 1 }), hit({ resource: 'c', lowerSeverityBy: 9 })]) };
    const result = run(rules, { rules: { r: { severity: 'critical' } } });
    expect(result.findings.map((f) => [f.resource, f.severity])).toEqual([
      ['a', 'critical'],
      ['b', 'high'],
      ['c', 'info'],
    ]);
  });

  it('does not run a disabled rule and passes resolved parameters to enabled ones', () => {
    let called = 0;
    let seen: unknown;
    const off = fakeRule('off', () => {
      called++;
      return [hit()];
    });
    const on: Rule = { ...fakeRule('on', []), evaluate: (ctx) => ((seen = ctx.params), []) };
    run({ off, on }, { rules: { off: { enabled: false }, on: { severity: 'low', limit: 9 } } });
    expect(called).toBe(0);
    expect(seen).toEqual({ limit: 9 });
  });

  it('hands every rule of a run the same policy versions, worked out from the events', () => {
    const doc = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:Connect","Resource":"*"}]}';
    const events = [iotEvent({ eventName: 'CreatePolicy', requestParameters: { policyName: 'p', policyDocument: doc } })];
    const seen: unknown[] = [];
    const reader = (id: string): Rule => ({ ...fakeRule(id, []), evaluate: (ctx) => (seen.push(ctx.policyVersions()), []) });
    run({ a: reader('a'), b: reader('b') }, {}, undefined, events);
    expect(seen).toHaveLength(2);
    expect(seen[1]).toBe(seen[0]);
    expect((seen[0] as { policyName: string }[]).map((v) => v.policyName)).toEqual(['p']);
    run({ c: reader('c') }, {}, undefined, events);
    expect(seen[2]).not.toBe(seen[0]);
  });

  it('suppresses a matching finding with its reason, leaving it in the list', () => {
    const config = { suppressions: [{ account: ACCOUNT, rule: 'r', resource: 'cert-*', reason: 'accepted in CHG-1', expires: null }] };
    const result = run({ r: fakeRule('r', [hit(), hit({ resource: 'other' })]) }, config);
    expect(result.findings.map((f) => [f.resource, f.suppressed, f.suppressionReason])).toEqual([
      ['cert-1', true, 'accepted in CHG-1'],
      ['other', false, null],
    ]);
  });

  it('matches suppressions on account and rule, with * for any', () => {
    const rules = { r: fakeRule('r', [hit()]) };
    const s = (account: string, rule: string) => ({ suppressions: [{ account, rule, resource: '*', reason: 'ok', expires: null }] });
    expect(run(rules, s('*', '*')).findings[0]!.suppressed).toBe(true);
    expect(run(rules, s('999999999999', '*')).findings[0]!.suppressed).toBe(false);
    expect(run(rules, s('*', 'other-rule')).findings[0]!.suppressed).toBe(false);
  });

  it('applies a suppression through its expiry day, and not after, saying so', () => {
    const config = { suppressions: [{ account: '*', rule: 'r', resource: '*', reason: 'until the fix', expires: '2026-11-01' }] };
    const rules = { r: fakeRule('r', [hit()]) };
    const during = run(rules, config, '2026-11-01T23:59:00Z');
    expect(during.findings[0]!.suppressed).toBe(true);
    expect(during.notes).toEqual([]);

    const after = run(rules, config, '2026-11-02T00:00:00Z');
    expect(after.findings[0]!.suppressed).toBe(false);
    // Its note, not a suppression reason: a finding with a reason reads as suppressed (2026-11-26 review).
    expect(after.findings[0]!.suppressionReason).toBeNull();
    expect(after.findings[0]!.suppressionNote).toBe('suppression expired on 2026-11-01, not applied (until the fix)');
    expect(after.notes).toEqual(['Suppression of r for "*" in account * expired on 2026-11-01 and was not applied to 1 finding.']);
  });

  it('applies a suppression that expires at an instant through that instant, and not a millisecond after (2026-11-26 review)', () => {
    const config = { suppressions: [{ account: '*', rule: 'r', resource: '*', reason: 'until the fix', expires: '2026-11-01T00:00:00Z' }] };
    const rules = { r: fakeRule('r', [hit()]) };
    // --generated-at 2026-11-01 is that very instant.
    const at = run(rules, config, '2026-11-01T00:00:00Z');
    expect(at.findings[0]!.suppressed).toBe(true);
    expect(at.notes).toEqual([]);
    const after = run(rules, config, '2026-11-01T00:00:01Z');
    expect(after.findings[0]!.suppressed).toBe(false);
  });

  it('lists the notes on expired suppressions by the highest severity they no longer suppress, then how many, then rule (2026-11-26 review: config order hid two high findings)', () => {
    const expired = (rule: string) => ({ account: '*', rule, resource: '*', reason: rule, expires: '2026-01-01' });
    const rules = {
      lows: fakeRule('lows', [hit({ resource: 'a' }), hit({ resource: 'b' }), hit({ resource: 'c' })], { severity: 'low' }),
      mixed: fakeRule('mixed', [hit({ resource: 'a' }), hit({ resource: 'b', lowerSeverityBy: 2 })], { severity: 'high' }),
      one: fakeRule('one', [hit({ resource: 'a' })], { severity: 'low' }),
      other: fakeRule('other', [hit({ resource: 'a' })], { severity: 'low' }),
      crit: fakeRule('crit', [hit({ resource: 'a' })], { severity: 'critical' }),
    };
    const config = { suppressions: ['other', 'one', 'lows', 'mixed', 'crit'].map(expired) };
    const notes = run(rules, config, '2026-11-01T00:00:00Z').notes;
    expect(notes.map((n) => /^Suppression of (\w+) /.exec(n)![1])).toEqual(['crit', 'mixed', 'lows', 'one', 'other']);
  });

  it('prefers a live suppression over an expired one', () => {
    const config = {
      suppressions: [
        { account: '*', rule: 'r', resource: '*', reason: 'old', expires: '2026-01-01' },
        { account: '*', rule: 'r', resource: '*', reason: 'new', expires: null },
      ],
    };
    const [finding] = run({ r: fakeRule('r', [hit()]) }, config).findings;
    expect([finding!.suppressed, finding!.suppressionReason]).toEqual([true, 'new']);
  });

  it('sorts by severity, then time, then id', () => {
    const rules = {
      a: fakeRule('a', [hit({ resource: 'late', time: '2026-10-09T00:00:00Z' }), hit({ resource: 'early', time: '2026-10-02T00:00:00Z' })], { severity: 'low' }),
      b: fakeRule('b', [hit({ resource: 'x', time: '2026-10-20T00:00:00Z' })], { severity: 'critical' }),
      c: fakeRule('c', [hit({ resource: 'y', time: '2026-10-02T00:00:00Z' })], { severity: 'low' }),
    };
    expect(run(rules).findings.map((f) => f.id.split(':')[0] + '/' + f.resource)).toEqual(['b/x', 'a/early', 'c/y', 'a/late']);
  });

  it('gives deterministic ids, sanitized, distinct for distinct resources, and unique', () => {
    const arn = 'arn:aws:iam::111111111111:role/deploy';
    const rules = { r: fakeRule('r', [hit({ resource: arn }), hit({ resource: arn.replace('deploy', 'deploy ') }), hit({ resource: 'cert-1' }), hit({ resource: 'cert-1' })]) };
    const first = run(rules).findings.map((f) => f.id);
    expect(run(rules).findings.map((f) => f.id)).toEqual(first);
    expect(new Set(first).size).toBe(4);
    for (const id of first) expect(id).toMatch(/^r:111111111111:eu-west-1:[A-Za-z0-9._@+=,/~-]+$/);
    expect(first).toContain(`r:${ACCOUNT}:${REGION}:cert-1`);
    expect(first).toContain(`r:${ACCOUNT}:${REGION}:cert-1~2`);
    expect(findingId('r', hit({ resource: arn }))).toMatch(/^r:111111111111:eu-west-1:arn_aws_iam_111111111111_role\/deploy~[0-9a-f]{8}$/);
  });

  it('runs every registered rule over hostile parameter values without an error', () => {
    const shapes: unknown[] = [null, 'x', 42, true, [], ['a'], { nested: { deep: [1] } }, { policyDocument: 7, forceDelete: {}, newStatus: 3 }];
    const names = [
      'CreatePolicy', 'CreatePolicyVersion', 'SetDefaultPolicyVersion', 'DeletePolicy', 'UpdateCertificate', 'UpdateCACertificate',
      'RegisterCACertificate', 'RegisterCertificateWithoutCA', 'TransferCertificate', 'DeleteCertificate', 'SetV2LoggingOptions',
      'SetLoggingOptions', 'SetV2LoggingLevel', 'CreateRoleAlias', 'UpdateRoleAlias', 'ListThings',
    ];
    const events: IotEvent[] = [];
    let minute = 0;
    for (const eventName of names) {
      for (const shape of shapes) {
        const requestParameters = shape !== null && typeof shape === 'object' && !Array.isArray(shape) ? (shape as Record<string, unknown>) : { policyName: shape, certificateId: shape, policyDocument: shape, newStatus: shape };
        events.push(
          iotEvent({
            eventName,
            eventTime: new Date(Date.parse('2026-10-10T03:00:00Z') + minute++ * 60_000).toISOString(),
            requestParameters,
            responseElements: { policyVersionId: shape, certificateArn: shape } as Record<string, unknown>,
            actor: minute % 3 === 0 ? actors.root() : actors.iamUser('x', { mfaAuthenticated: false, accessKeyId: 'ASIA1' }),
            userAgent: minute % 2 ? null : 'console.amazonaws.com',
            sourceIp: null,
            errorCode: minute % 5 === 0 ? 'AccessDenied' : null,
          }),
        );
      }
    }
    const result = evaluateFindings({
      events,
      certificates: [],
      policies: [],
      accounts: [],
      period: period(),
      config: defaultConfig(),
      now: '2026-11-01T00:00:00Z',
    });
    expect(result.ruleErrors).toEqual([]);
    expect(result.findings.length).toBeGreaterThan(0);
  });
});

describe('the rule registry', () => {
  it.each(Object.entries(RULES))('%s: id is the key and the file name, metadata complete', (key, rule) => {
    expect(rule.id).toBe(key);
    expect(key).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
    expect(existsSync(new URL(`../../src/analysis/rules/${key}.ts`, import.meta.url))).toBe(true);
    expect(SEVERITIES).toContain(rule.severity);
    for (const text of [rule.title, rule.description, rule.remediation]) expect(text.length).toBeGreaterThan(10);
  });

  // The audit checks AWS IoT Device Defender names (FORMATS.md 3), written out: an auditor looks a
  // rule's check up by this name, and a misspelt one (`..._MISCONFIGURATION_CHECK`) finds nothing.
  const DEVICE_DEFENDER_CHECKS = [
    'IOT_POLICY_OVERLY_PERMISSIVE_CHECK',
    'IOT_POLICY_POTENTIAL_MIS_CONFIGURATION_CHECK',
    'LOGGING_DISABLED_CHECK',
    'IOT_ROLE_ALIAS_OVERLY_PERMISSIVE_CHECK',
    'REVOKED_CA_CERTIFICATE_STILL_ACTIVE_CHECK',
    'REVOKED_DEVICE_CERTIFICATE_STILL_ACTIVE_CHECK',
    'CA_CERTIFICATE_EXPIRING_CHECK',
    'DEVICE_CERTIFICATE_EXPIRING_CHECK',
  ];
  it.each(Object.entries(RULES).filter(([, rule]) => rule.deviceDefenderCheck !== undefined))('%s: names Device Defender checks that exist', (_key, rule) => {
    for (const check of rule.deviceDefenderCheck!.split(', ')) expect(DEVICE_DEFENDER_CHECKS).toContain(check);
  });
});

describe('severity helpers', () => {
  const findings = run({
    a: fakeRule('a', [hit({ resource: '1' }), hit({ resource: '2' })], { severity: 'high' }),
    b: fakeRule('b', [hit()], { severity: 'low' }),
  }, { suppressions: [{ account: '*', rule: 'a', resource: '2', reason: 'ok', expires: null }] }).findings;

  it('counts unsuppressed and suppressed findings per severity, every severity listed', () => {
    expect(countFindingsBySeverity(findings)).toEqual([
      { severity: 'critical', count: 0, suppressed: 0 },
      { severity: 'high', count: 1, suppressed: 1 },
      { severity: 'medium', count: 0, suppressed: 0 },
      { severity: 'low', count: 1, suppressed: 0 },
      { severity: 'info', count: 0, suppressed: 0 },
    ]);
  });

  it('gates on unsuppressed findings at or above a severity', () => {
    expect(hasFindingsAtOrAbove(findings, 'high')).toBe(true);
    expect(hasFindingsAtOrAbove(findings, 'critical')).toBe(false);
    expect(hasFindingsAtOrAbove(findings.filter((f) => f.ruleId === 'b'), 'medium')).toBe(false);
  });
});

describe('listRules (the `rules` command)', async () => {
  const { listRules } = await import('../../src/analysis/rules/catalog.js');

  it('lists every rule with its defaults', () => {
    const listing = listRules(defaultConfig());
    expect(listing.map((r) => r.id)).toEqual(Object.keys(RULES));
    expect(listing.find((r) => r.id === 'denied-burst')).toMatchObject({
      severity: 'medium',
      defaultSeverity: 'medium',
      enabled: true,
      deviceDefenderCheck: null,
      parameters: { threshold: 10, windowMinutes: 10 },
      defaults: { threshold: 10, windowMinutes: 10 },
    });
    expect(listing.find((r) => r.id === 'logging-disabled')!.deviceDefenderCheck).toBe('LOGGING_DISABLED_CHECK');
  });

  it('shows the configuration’s overrides', () => {
    const config = { ...defaultConfig(), rules: { 'denied-burst': { enabled: false, severity: 'high' as const, threshold: 3 } } };
    expect(listRules(config).find((r) => r.id === 'denied-burst')).toMatchObject({
      severity: 'high',
      defaultSeverity: 'medium',
      enabled: false,
      parameters: { threshold: 3, windowMinutes: 10 },
    });
  });
});
