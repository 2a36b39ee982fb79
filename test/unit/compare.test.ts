import { describe, expect, it } from 'vitest';
import { CompareError, compareReports, parsePreviousReport } from '../../src/analysis/compare.js';
import { SCHEMA_VERSION, type ActorSummary, type CertificateLifecycle, type PolicyChange, type PolicyHistory, type PolicyVersion } from '../../src/report/model.js';
import { ACCOUNT, REGION, finding, period, readIn, reportModel } from '../helpers/events.js';

function policy(policyName: string, init: Partial<PolicyHistory> = {}, versions: string[] = []): PolicyHistory {
  return {
    policyName,
    changed: true,
    accountId: ACCOUNT,
    accountName: 'Production',
    region: REGION,
    arn: null,
    versions: versions.map((versionId) => ({ versionId }) as PolicyVersion),
    changes: [],
    defaultVersionId: null,
    defaultVersionNotLogged: false,
    deleted: false,
    attachedTargets: [],
    attachedTargetsComplete: false,
    defaultVersionsNotShown: [], defaultVersionMayBeUnlogged: false, defaultsNotShown: [],
    failedEventIds: [],
    ...init,
  };
}

function certificate(certificateId: string, lastKnownStatus: string | null, kind: 'device' | 'ca' = 'device'): CertificateLifecycle {
  return { certificateId, kind, changed: true, arn: null, accountId: ACCOUNT, accountName: null, region: REGION, accounts: [{ accountId: ACCOUNT, accountName: null, arn: null }], steps: [], lastKnownStatus, things: [], policies: [], attachmentsComplete: false, failedEventIds: [] };
}

/** A policy's CreatePolicy in the period: what makes it new, not its absence from the previous report alone. */
const CREATED: PolicyChange = { eventId: 'create', eventTime: '2026-10-03T00:00:00Z', eventName: 'CreatePolicy', action: 'create', target: '1', targetType: null, actorLabel: 'a' };

/** A certificate created in the period (CreateKeysAndCertificate). */
function created(c: CertificateLifecycle): CertificateLifecycle {
  c.steps = [{ eventId: `make-${c.certificateId}`, eventTime: '2026-10-03T00:00:00Z', eventName: 'CreateKeysAndCertificate', action: 'created', detail: 'ACTIVE', actorLabel: 'a', accountId: ACCOUNT, accountName: null }];
  return c;
}

function actor(key: string): ActorSummary {
  return { key, label: key, type: 'AssumedRole', arn: key, sessionIssuerArn: null, sessionIssuerType: null, mfaAuthenticated: null, changes: 1, reads: 0, failedAttempts: 0, accounts: [], sourceIps: [], userAgents: [], firstSeen: '', lastSeen: '', actions: [] };
}

const previous = reportModel({
  generatedAt: '2026-10-01T08:00:00Z',
  period: period({ start: '2026-09-01T00:00:00Z', end: '2026-10-01T00:00:00Z', month: '2026-09' }),
  findings: [
    finding({ id: 'kept', severity: 'high' }),
    finding({ id: 'gone' }),
    finding({ id: 'worse', severity: 'medium', eventIds: ['a'] }),
    finding({ id: 'muted' }),
  ],
  policies: [policy('same', { defaultVersionId: '1' }, ['1']), policy('bumped', { defaultVersionId: '1' }, ['1']), policy('removed')],
  certificates: [certificate('c-same', 'ACTIVE'), certificate('c-revoked', 'ACTIVE'), certificate('c-unknown', 'ACTIVE')],
  actors: [actor('arn:role/ci'), actor('arn:role/old')],
});

const current = reportModel({
  findings: [
    finding({ id: 'kept', severity: 'high' }),
    finding({ id: 'worse', severity: 'critical', eventIds: ['a', 'b'] }),
    finding({ id: 'muted', suppressed: true, suppressionReason: 'ok' }),
    finding({ id: 'fresh' }),
  ],
  policies: [
    policy('same', { defaultVersionId: '1' }, ['1']),
    policy('bumped', { defaultVersionId: '3' }, ['2', '3']),
    policy('removed', { deleted: true }),
    policy('brand-new', { changes: [CREATED] }),
    // Absent from the previous report, not created now: it existed before.
    policy('untouched-before'),
  ],
  certificates: [
    certificate('c-same', 'ACTIVE'),
    certificate('c-revoked', 'REVOKED'),
    certificate('c-unknown', null),
    created(certificate('c-new', 'ACTIVE')),
    certificate('c-first-seen', 'INACTIVE'),
  ],
  actors: [actor('arn:role/ci'), actor('arn:role/new')],
});
// This run read the logs of the account and region of every finding.
current.coverage.perAccount = readIn([[ACCOUNT, REGION]]);

describe('compareReports', () => {
  const comparison = compareReports(current, JSON.parse(JSON.stringify(previous)) as unknown, 'sept.json');

  it('names the previous report', () => {
    expect(comparison.previous).toEqual({ title: previous.title, generatedAt: '2026-10-01T08:00:00Z', schemaVersion: SCHEMA_VERSION, period: previous.period });
  });

  it('finds new, resolved and changed findings by id', () => {
    expect(comparison.findings.new.map((f) => f.id)).toEqual(['fresh']);
    expect(comparison.findings.resolved.map((f) => f.id)).toEqual(['gone']);
    expect(comparison.findings.changed.map((f) => [f.id, f.changes])).toEqual([
      ['muted', ['now suppressed']],
      ['worse', ['severity medium → critical', 'events 1 → 2']],
    ]);
    expect(comparison.findings.unchanged).toBe(1);
  });

  it('does not call resolved the findings of a rule that failed or was disabled this time, and says so (2026-11-26 review)', () => {
    const before = reportModel({
      period: previous.period,
      findings: [finding({ id: 'wide:1', ruleId: 'overly-permissive-policy' }), finding({ id: 'mfa:1', ruleId: 'human-without-mfa' }), finding({ id: 'fixed:1', ruleId: 'logging-disabled' })],
    });
    const now = reportModel({ findings: [], ruleErrors: [{ ruleId: 'overly-permissive-policy', message: 'boom' }] });
    now.coverage.perAccount = readIn([[ACCOUNT, REGION]]);
    const c = compareReports(now, JSON.parse(JSON.stringify(before)) as unknown, 'sept.json', ['human-without-mfa']);
    expect(c.findings.resolved.map((f) => f.id)).toEqual(['fixed:1']);
    expect(c.warnings).toContain(
      '2 findings of the previous report are from rules that did not run for this one (failed or disabled: human-without-mfa, overly-permissive-policy): not counted among the findings no longer reported, as nobody looked again.',
    );
  });

  it('finds new, deleted and changed policies', () => {
    expect(comparison.policies.new.map((p) => [p.policyName, p.deleted])).toEqual([['brand-new', false]]);
    expect(comparison.firstSeen.policies.map((p) => p.policyName)).toEqual(['untouched-before']);
    expect(comparison.policies.deleted.map((p) => p.policyName)).toEqual(['removed']);
    expect(comparison.policies.changed).toEqual([
      { accountId: ACCOUNT, accountName: 'Production', region: REGION, policyName: 'bumped', changes: ['default version 1 → 3', 'new versions 2, 3'] },
    ]);
  });

  it('finds new certificates and status changes (an unknown status is not a change)', () => {
    expect(comparison.certificates.new.map((c) => c.certificateId)).toEqual(['c-new']);
    expect(comparison.firstSeen.certificates.map((c) => c.certificateId)).toEqual(['c-first-seen']);
    expect(comparison.certificates.changed.map((c) => [c.certificateId, c.previousStatus, c.status])).toEqual([['c-revoked', 'ACTIVE', 'REVOKED']]);
  });

  it('finds new and gone actors', () => {
    expect(comparison.actors.new.map((a) => a.key)).toEqual(['arn:role/new']);
    expect(comparison.actors.gone.map((a) => a.key)).toEqual(['arn:role/old']);
  });

  it('finds nothing new when a report is compared with itself', () => {
    const same = compareReports(current, current);
    expect([same.findings.new, same.findings.resolved, same.findings.changed, same.policies.new, same.policies.changed, same.certificates.new, same.actors.new, same.actors.gone, same.firstSeen.policies, same.firstSeen.certificates]).toEqual([
      [], [], [], [], [], [], [], [], [], [],
    ]);
    expect(same.findings.unchanged).toBe(current.findings.length);
  });
});

describe('previous report validation', () => {
  const valid = JSON.stringify(previous);

  it('parses a report written by iot-audit', () => {
    expect(parsePreviousReport(valid, 'sept.json').findings).toHaveLength(4);
  });

  it.each([
    ['{"nope"', 'sept.json: not valid JSON'],
    ['[]', 'sept.json: not a JSON object'],
    ['{"Records": []}', 'sept.json: no schemaVersion'],
    [JSON.stringify({ ...previous, schemaVersion: '2.0' }), 'sept.json: schemaVersion 2.0 cannot be compared by this version'],
    [JSON.stringify({ ...previous, period: undefined }), 'sept.json: no period'],
    [JSON.stringify({ ...previous, findings: {} }), 'sept.json: "findings" is not a list'],
    [JSON.stringify({ ...previous, findings: [{ ...previous.findings[0], id: 3 }] }), 'sept.json: findings[0].id is 3, not a non-empty string'],
    [JSON.stringify({ ...previous, actors: [null] }), 'sept.json: actors[0] is not an object'],
    // Every field the comparison reads or copies into this report is checked: types, enums, times.
    [
      JSON.stringify({ ...previous, findings: [{ id: 'x', ruleId: 'r', severity: 'bogus', accountId: ACCOUNT, resource: 'res' }] }),
      'sept.json: findings[0].severity is "bogus", not one of info, low, medium, high, critical',
    ],
    [JSON.stringify({ ...previous, findings: [{ id: 'x', ruleId: 'r', severity: 'high', accountId: ACCOUNT, resource: 'res' }] }), 'sept.json: findings[0].title is missing'],
    [JSON.stringify({ ...previous, findings: [previous.findings[0], { ...previous.findings[1], ruleId: '' }] }), 'sept.json: findings[1].ruleId is "", not a non-empty string'],
    [JSON.stringify({ ...previous, findings: [{ ...previous.findings[0], accountName: 7 }] }), 'sept.json: findings[0].accountName is 7, not a string or null'],
    [JSON.stringify({ ...previous, findings: [{ ...previous.findings[0], suppressed: 'no' }] }), 'sept.json: findings[0].suppressed is "no", not true or false'],
    [JSON.stringify({ ...previous, findings: [{ ...previous.findings[0], eventIds: ['a', {}] }] }), 'sept.json: findings[0].eventIds[1] is an object, not a string'],
    [JSON.stringify({ ...previous, findings: [previous.findings[0], previous.findings[0]] }), 'sept.json: findings[1].id "kept" is also findings[0].id'],
    [JSON.stringify({ ...previous, period: { ...previous.period, start: 'last month' } }), 'sept.json: period.start is "last month", not an ISO date-time in UTC'],
    // On the clock's form but not on the calendar (`Date.parse` rolls it over to March 2).
    [JSON.stringify({ ...previous, period: { ...previous.period, start: '2026-02-30T00:00:00Z' } }), 'sept.json: period.start is "2026-02-30T00:00:00Z", not an ISO date-time in UTC'],
    // A hand-edited empty or reversed period: its findings would all read as "unchanged".
    [
      JSON.stringify({ ...previous, period: { ...previous.period, end: previous.period.start } }),
      `sept.json: period.end "${previous.period.start}" is not after period.start "${previous.period.start}"`,
    ],
    [
      JSON.stringify({ ...previous, period: { ...previous.period, end: '2026-08-01T00:00:00Z' } }),
      `sept.json: period.end "2026-08-01T00:00:00Z" is not after period.start "${previous.period.start}"`,
    ],
    [JSON.stringify({ ...previous, period: { ...previous.period, month: '9' } }), 'sept.json: period.month is "9", not a month (YYYY-MM) or null'],
    [JSON.stringify({ ...previous, generatedAt: undefined }), 'sept.json: generatedAt is missing'],
    [JSON.stringify({ ...previous, title: ['x'] }), 'sept.json: title is a list, not a string'],
    [JSON.stringify({ ...previous, policies: [{ ...previous.policies[0], versions: [{ versionId: 2 }] }] }), 'sept.json: policies[0].versions[0].versionId is 2, not a string or null'],
    [JSON.stringify({ ...previous, certificates: [{ ...previous.certificates[0], kind: 'root' }] }), 'sept.json: certificates[0].kind is "root", not one of device, ca'],
    [JSON.stringify({ ...previous, certificates: [{ ...previous.certificates[0], lastKnownStatus: false }] }), 'sept.json: certificates[0].lastKnownStatus is false, not a string or null'],
    [JSON.stringify({ ...previous, actors: [{ key: 'k', type: 1 }] }), 'sept.json: actors[0].type is 1, not a string or null'],
  ])('rejects %s', (text, message) => {
    const error = (() => {
      try {
        parsePreviousReport(text, 'sept.json');
      } catch (e) {
        return e;
      }
      return null;
    })();
    expect(error).toBeInstanceOf(CompareError);
    expect((error as Error).message).toBe(`${message}; expected the JSON report written by iot-audit (schemaVersion ${SCHEMA_VERSION})`);
  });

  it('accepts a report without the fields the comparison has defaults for', () => {
    const { accountName: _n, suppressed: _s, eventIds: _e, description: _d, ...bare } = previous.findings[0];
    expect(parsePreviousReport(JSON.stringify({ ...previous, findings: [bare] }), 'sept.json').findings).toEqual([bare]);
  });

  it('validates a previous report given directly to compareReports', () => {
    expect(() => compareReports(current, { schemaVersion: '1.0' }, 'x.json')).toThrow('x.json: no period');
  });
});

describe('the previous report\'s period', () => {
  const at = (start: string, end: string, month: string | null = null) => JSON.parse(JSON.stringify({ ...previous, period: period({ start, end, month, label: `${start} – ${end}` }) })) as unknown;
  const october = reportModel({ period: period({ start: '2026-10-01T00:00:00Z', end: '2026-11-01T00:00:00Z', month: '2026-10', label: 'October 2026 (UTC)' }) });
  october.coverage.perAccount = readIn([[ACCOUNT, REGION]]);

  it('gives no warning for an earlier period, adjacent or not', () => {
    expect(compareReports(october, at('2026-09-01T00:00:00Z', '2026-10-01T00:00:00Z', '2026-09'), 'sept.json').warnings).toEqual([]);
    expect(compareReports(october, at('2026-08-01T00:00:00Z', '2026-09-01T00:00:00Z', '2026-08'), 'aug.json').warnings).toEqual([]);
  });

  it('warns when it is the same period, a later one, or one that overlaps this one', () => {
    expect(compareReports(october, at('2026-10-01T00:00:00Z', '2026-11-01T00:00:00Z', '2026-10'), 'oct.json').warnings).toEqual([
      'The previous report covers the same period as this one (2026-10-01T00:00:00Z – 2026-11-01T00:00:00Z): what is new or no longer reported is since that report of the same period, not since an earlier period.',
    ]);
    expect(compareReports(october, at('2026-11-01T00:00:00Z', '2026-12-01T00:00:00Z', '2026-11'), 'nov.json').warnings).toEqual([
      'The previous report covers a later period (2026-11-01T00:00:00Z – 2026-12-01T00:00:00Z) than this one (October 2026 (UTC)): new and no longer reported read the other way round; compare with the report of an earlier period.',
    ]);
    expect(compareReports(october, at('2026-10-15T00:00:00Z', '2026-10-22T00:00:00Z'), 'week.json').warnings).toHaveLength(1);
    // Starting with this one and ending before it: an overlap, not a later period.
    expect(compareReports(october, at('2026-10-01T00:00:00Z', '2026-10-16T00:00:00Z'), 'half.json').warnings).toEqual([
      "The previous report's period (2026-10-01T00:00:00Z – 2026-10-16T00:00:00Z) overlaps this one (October 2026 (UTC)): changes in the overlap are in both reports, so they are neither new nor no longer reported here.",
    ]);
    expect(compareReports(october, at('2026-09-15T00:00:00Z', '2026-10-15T00:00:00Z'), 'mid.json').warnings).toEqual([
      "The previous report's period (2026-09-15T00:00:00Z – 2026-10-15T00:00:00Z) overlaps this one (October 2026 (UTC)): changes in the overlap are in both reports, so they are neither new nor no longer reported here.",
    ]);
  });

  it('copies only the fields a period has', () => {
    const extra = JSON.parse(JSON.stringify({ ...previous, period: { ...previous.period, injected: '<b>' } })) as unknown;
    expect(compareReports(october, extra, 'sept.json').previous.period).toEqual(previous.period);
  });
});
