/**
 * A finding's resource links to a policy or a certificate only when it is one (2026-11-26
 * review: a role-alias-broad-role finding on role alias "fleet-creds" linked to the IoT policy
 * "fleet-creds" of the same account and region; any finding whose resource equalled a
 * certificate id linked to that certificate). Each rule declares what its resource is
 * (`Rule.resourceKind`): a policy name for the policy rules, a certificate id for the
 * certificate rules; any rule's resource may be an IoT policy's or certificate's ARN.
 */
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/config/load.js';
import { evaluateFindings } from '../../src/analysis/findings.js';
import { RULES } from '../../src/analysis/rules/index.js';
import { normalizeRecord } from '../../src/cloudtrail/normalize.js';
import type { RenderContext } from '../../src/render/context.js';
import { buildView, type ReportView, type Table } from '../../src/render/view.js';
import type { Finding, ReportModel, SourcedRecord } from '../../src/types.js';
import { buildOctober, collectedOf } from '../helpers/build-from-records.js';
import { record } from '../helpers/trail-tree.js';

const ACCOUNT = '111122223333';
const REGION = 'us-east-1';
const SCREEN: RenderContext = { media: 'screen', paper: 'a4', dataFiles: ['iot-audit-2026-10.csv', 'iot-audit-2026-10.json'] };
const PDF: RenderContext = { ...SCREEN, media: 'pdf' };
const file = { key: 'k', source: 'src', accountId: null, region: null, deliveryDay: '2026-10-05', organizationId: null };

let n = 0;
const sourced = (eventName: string, requestParameters: Record<string, unknown>, responseElements: Record<string, unknown>): SourcedRecord => {
  n++;
  return { record: normalizeRecord(record({ eventID: `e-${n}`, eventTime: `2026-10-05T10:${String(n).padStart(2, '0')}:00Z`, eventName, requestParameters, responseElements }))!, file };
};

/** The reviewer's tree: policy "fleet-creds" made with `iot:*` on `*`, and role alias "fleet-creds" pointing at an admin role. */
function sharedName(): ReportModel {
  const document = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iot:*', Resource: '*' }] });
  const model = buildOctober(
    collectedOf([
      sourced('CreatePolicy', { policyName: 'fleet-creds', policyDocument: document }, { policyName: 'fleet-creds', policyArn: `arn:aws:iot:${REGION}:${ACCOUNT}:policy/fleet-creds`, policyVersionId: '1' }),
      sourced(
        'CreateRoleAlias',
        { roleAlias: 'fleet-creds', roleArn: `arn:aws:iam::${ACCOUNT}:role/FleetAdminRole`, credentialDurationSeconds: 3600 },
        { roleAlias: 'fleet-creds', roleAliasArn: `arn:aws:iot:${REGION}:${ACCOUNT}:rolealias/fleet-creds` },
      ),
    ]),
  );
  const { findings } = evaluateFindings({ ...model, config: defaultConfig(), now: model.generatedAt });
  model.findings = findings;
  return model;
}

/**
 * One name for three things, all legal: certificate C (a 64-hex id), reactivated; role alias C
 * pointing at an admin role; policy C made with `iot:*` on `*`.
 */
const C = 'a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90';
function sharedCertificateId(): ReportModel {
  const document = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iot:*', Resource: '*' }] });
  const model = buildOctober(
    collectedOf([
      sourced('CreateKeysAndCertificate', { setAsActive: true }, { certificateId: C, certificateArn: `arn:aws:iot:${REGION}:${ACCOUNT}:cert/${C}` }),
      sourced('UpdateCertificate', { certificateId: C, newStatus: 'INACTIVE' }, {}),
      sourced('UpdateCertificate', { certificateId: C, newStatus: 'ACTIVE' }, {}),
      sourced('CreateRoleAlias', { roleAlias: C, roleArn: `arn:aws:iam::${ACCOUNT}:role/FleetAdminRole` }, { roleAlias: C, roleAliasArn: `arn:aws:iot:${REGION}:${ACCOUNT}:rolealias/${C}` }),
      sourced('CreatePolicy', { policyName: C, policyDocument: document }, { policyName: C, policyArn: `arn:aws:iot:${REGION}:${ACCOUNT}:policy/${C}`, policyVersionId: '1' }),
    ]),
  );
  const { findings } = evaluateFindings({ ...model, config: defaultConfig(), now: model.generatedAt });
  model.findings = findings;
  return model;
}

/** The rules whose resource is a certificate id, and those whose resource is a policy name: the others' never is. */
const CERTIFICATE_RULES = ['ca-auto-registration', 'certificate-expiring', 'certificate-reactivated', 'certificate-transfer-outside-org'];
const POLICY_RULES = ['overly-permissive-policy', 'policy-default-rollback', 'policy-document-unchecked', 'policy-potential-misconfiguration'];

const rowsOf = <T>(t: Table<T>) => t.chunks.flatMap((c) => c.rows);
const rows = (v: ReportView) => [v.findings.open, v.findings.minor, v.findings.suppressed].flatMap(rowsOf);

describe("a finding's resource link", () => {
  it('links the policy finding to the policy, and the role alias of the same name to nothing', () => {
    const model = sharedName();
    expect(model.findings.map((f) => [f.ruleId, f.resource]).sort()).toEqual([
      ['overly-permissive-policy', 'fleet-creds'],
      ['role-alias-broad-role', 'fleet-creds'],
    ]);
    for (const ctx of [SCREEN, PDF]) {
      const v = buildView(model, ctx);
      const policy = `#${v.policies.items[0]!.anchor}`;
      const byRule = new Map(rows(v).map((r) => [r.ruleId, r.resource]));
      expect(byRule.get('overly-permissive-policy'), ctx.media).toEqual({ text: 'fleet-creds', href: policy });
      expect(byRule.get('role-alias-broad-role'), ctx.media).toEqual({ text: 'fleet-creds', href: null });
    }
  });

  it("links a policy by name for the rules about policies only, and by an IoT policy's ARN for any rule", () => {
    const model = sharedName();
    const [base] = model.findings;
    const arn = `arn:aws:iot:${REGION}:${ACCOUNT}:policy/fleet-creds`;
    const cases: [ruleId: string, resource: string, linked: boolean][] = [
      // Every registered rule with the policy's name as its resource: a rule about policies says so in its id.
      ...Object.keys(RULES).map((id): [string, string, boolean] => [id, 'fleet-creds', id.includes('policy')]),
      ...Object.keys(RULES).map((id): [string, string, boolean] => [id, arn, true]),
      // Not an IoT policy's ARN: an IAM policy, a user agent or a source that only holds ":policy/".
      ['new-source', `arn:aws:iam::${ACCOUNT}:policy/fleet-creds`, false],
      ['new-source', 'agent/1.0 (x:policy/fleet-creds)', false],
      ['change-outside-allow-list', `${arn} `, false],
    ];
    model.findings = cases.map(([ruleId, resource], i): Finding => ({ ...base!, id: `f-${i}`, ruleId, resourceKind: RULES[ruleId]!.resourceKind, resource, severity: 'high', suppressed: false }));
    for (const ctx of [SCREEN, PDF]) {
      const v = buildView(model, ctx);
      const policy = `#${v.policies.items[0]!.anchor}`;
      const hrefs = new Map(rows(v).map((r) => [r.id, r.resource.href]));
      expect(cases.map(([ruleId, resource], i) => [ruleId, resource, hrefs.get(`f-${i}`)])).toEqual(cases.map(([ruleId, resource, linked]) => [ruleId, resource, linked ? policy : null]));
    }
  });

  it('links the certificate finding to the certificate, the policy and role alias findings with its id as their name not to it', () => {
    const model = sharedCertificateId();
    expect(model.findings.map((f) => [f.ruleId, f.resource]).sort()).toEqual([
      ['certificate-reactivated', C],
      ['overly-permissive-policy', C],
      ['role-alias-broad-role', C],
    ]);
    for (const ctx of [SCREEN, PDF]) {
      const v = buildView(model, ctx);
      const certificate = `#${rowsOf(v.certificates.table)[0]!.anchor}`;
      const policy = `#${v.policies.items[0]!.anchor}`;
      const byRule = new Map(rows(v).map((r) => [r.ruleId, r.resource.href]));
      expect(Object.fromEntries(byRule), ctx.media).toEqual({
        'certificate-reactivated': certificate,
        'overly-permissive-policy': policy,
        'role-alias-broad-role': null,
      });
    }
  });

  it("links a certificate by id for the rules about certificates only, and by an IoT certificate's ARN for any rule", () => {
    const model = sharedCertificateId();
    const [base] = model.findings;
    const arn = `arn:aws:iot:${REGION}:${ACCOUNT}:cert/${C}`;
    const expected = (ruleId: string) => (CERTIFICATE_RULES.includes(ruleId) ? 'certificate' : POLICY_RULES.includes(ruleId) ? 'policy' : null);
    const cases: [ruleId: string, resource: string, linked: 'certificate' | 'policy' | null][] = [
      // Every registered rule with the certificate's id (and the policy's name) as its resource.
      ...Object.keys(RULES).map((id): [string, string, 'certificate' | 'policy' | null] => [id, C, expected(id)]),
      ...Object.keys(RULES).map((id): [string, string, 'certificate' | 'policy' | null] => [id, arn, 'certificate']),
      // Not an IoT certificate's ARN: a user agent or a source that only holds ":cert/<id>".
      ['new-source', `agent/1.0 (x:cert/${C})`, null],
      ['new-source', `arn:aws:iam::${ACCOUNT}:cert/${C}`, null],
      ['change-outside-allow-list', `${arn} `, null],
    ];
    expect(CERTIFICATE_RULES.every((id) => id in RULES) && POLICY_RULES.every((id) => id in RULES)).toBe(true);
    model.findings = cases.map(([ruleId, resource], i): Finding => ({ ...base!, id: `f-${i}`, ruleId, resourceKind: RULES[ruleId]!.resourceKind, resource, severity: 'high', suppressed: false }));
    for (const ctx of [SCREEN, PDF]) {
      const v = buildView(model, ctx);
      const anchors = { certificate: `#${rowsOf(v.certificates.table)[0]!.anchor}`, policy: `#${v.policies.items[0]!.anchor}` };
      const hrefs = new Map(rows(v).map((r) => [r.id, r.resource.href]));
      expect(cases.map(([ruleId, resource], i) => [ruleId, resource, hrefs.get(`f-${i}`)]), ctx.media).toEqual(
        cases.map(([ruleId, resource, linked]) => [ruleId, resource, linked === null ? null : anchors[linked]]),
      );
    }
  });

});
