import { describe, expect, it } from 'vitest';
import { CompareError, compareReports, parsePreviousReport } from '../../src/analysis/compare.js';
import type { ActorSummary, CertificateLifecycle, PolicyHistory, PolicyVersion } from '../../src/report/model.js';
import { ACCOUNT, REGION, finding, period, reportModel } from '../helpers/events.js';

function policy(policyName: string, init: Partial<PolicyHistory> = {}, versions: string[] = []): PolicyHistory {
  return {
    policyName,
    accountId: ACCOUNT,
    accountName: 'Production',
    region: REGION,
    arn: null,
    versions: versions.map((versionId) => ({ versionId }) as PolicyVersion),
    changes: [],
    defaultVersionId: null,
    deleted: false,
    attachedTargets: [],
    failedEventIds: [],
    ...init,
  };
}

function certificate(certificateId: string, lastKnownStatus: string | null, kind: 'device' | 'ca' = 'device'): CertificateLifecycle {
  return { certificateId, kind, arn: null, accountId: ACCOUNT, accountName: null, region: REGION, steps: [], lastKnownStatus, things: [], policies: [], failedEventIds: [] };
}

function actor(key: string): ActorSummary {
  return { key, label: key, type: 'AssumedRole', arn: key, sessionIssuerArn: null, mfaAuthenticated: null, changes: 1, failedAttempts: 0, accounts: [], sourceIps: [], userAgents: [], firstSeen: '', lastSeen: '', actions: [] };
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
    policy('brand-new'),
  ],
  certificates: [certificate('c-same', 'ACTIVE'), certificate('c-revoked', 'REVOKED'), certificate('c-unknown', null), certificate('c-new', 'ACTIVE')],
  actors: [actor('arn:role/ci'), actor('arn:role/new')],
});

describe('compareReports', () => {
  const comparison = compareReports(current, JSON.parse(JSON.stringify(previous)) as unknown, 'sept.json');

  it('names the previous report', () => {
    expect(comparison.previous).toEqual({ title: previous.title, generatedAt: '2026-10-01T08:00:00Z', schemaVersion: '1.0', period: previous.period });
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

  it('finds new, deleted and changed policies', () => {
    expect(comparison.policies.new.map((p) => p.policyName)).toEqual(['brand-new']);
    expect(comparison.policies.deleted.map((p) => p.policyName)).toEqual(['removed']);
    expect(comparison.policies.changed).toEqual([
      { accountId: ACCOUNT, accountName: 'Production', region: REGION, policyName: 'bumped', changes: ['default version 1 → 3', 'new versions 2, 3'] },
    ]);
  });

  it('finds new certificates and status changes (an unknown status is not a change)', () => {
    expect(comparison.certificates.new.map((c) => c.certificateId)).toEqual(['c-new']);
    expect(comparison.certificates.changed.map((c) => [c.certificateId, c.previousStatus, c.status])).toEqual([['c-revoked', 'ACTIVE', 'REVOKED']]);
  });

  it('finds new and gone actors', () => {
    expect(comparison.actors.new.map((a) => a.key)).toEqual(['arn:role/new']);
    expect(comparison.actors.gone.map((a) => a.key)).toEqual(['arn:role/old']);
  });

  it('finds nothing new when a report is compared with itself', () => {
    const same = compareReports(current, current);
    expect([same.findings.new, same.findings.resolved, same.findings.changed, same.policies.new, same.policies.changed, same.certificates.new, same.actors.new, same.actors.gone]).toEqual([
      [], [], [], [], [], [], [], [],
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
    [JSON.stringify({ ...previous, findings: [{ ...previous.findings[0], id: 3 }] }), 'sept.json: findings[0].id is missing'],
    [JSON.stringify({ ...previous, actors: [null] }), 'sept.json: actors[0] is not an object'],
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
    expect((error as Error).message).toBe(`${message}; expected the JSON report written by iot-audit (schemaVersion 1.0)`);
  });

  it('validates a previous report given directly to compareReports', () => {
    expect(() => compareReports(current, { schemaVersion: '1.0' }, 'x.json')).toThrow('x.json: no period');
  });
});
