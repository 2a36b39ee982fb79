/**
 * Realistic ReportModel objects of any size for renderer tests: a month of an organization
 * with a fleet rollout (one role creating certificates, attaching them to things and a
 * policy), human changes to certificates and policies, reads, denied attempts, findings
 * (one suppressed), coverage gaps and optionally an integrity result. Every derived part
 * (summary, lifecycles, policies, actors, denied groups) is computed from the events, so
 * counts agree the way the real analysis makes them agree.
 *
 * `hostile: true` puts an attack string into every kind of field a log or a user controls
 * (event name, ARNs, user agent, thing name, policy document, error message, account name,
 * file key, ...), each tagged with the field's name so a test can find it again.
 */
import { createHash } from 'node:crypto';
import { DateTime } from 'luxon';
import { RULES } from '../../src/analysis/rules/index.js';
import { CERTIFICATE_MADE } from '../../src/analysis/certificates.js';
import type {
  AccountInfo,
  Actor,
  ActorSummary,
  CertificateAction,
  CertificateLifecycle,
  Category,
  DeniedGroup,
  Finding,
  IotEvent,
  PolicyHistory,
  ReportModel,
  ResourceRef,
  Severity,
} from '../../src/report/model.js';

export interface SampleOptions {
  /** About this many events (at least the ~40 scenario events); the rest is the rollout. Default 120. */
  events?: number;
  timeZone?: string;
  /** Calendar month `YYYY-MM`. Default 2026-10. */
  month?: string;
  hostile?: boolean;
  /** Roles sharing the rollout (default 1). Many roles make the rollout ungroupable: the PDF's worst case. */
  rolloutActors?: number;
  integrity?: boolean;
  findings?: boolean;
  /** Include a comparison with a previous report (`--compare`). */
  comparison?: boolean;
}

/** An attack string tagged with where it was put. */
export function hostile(tag: string): string {
  return `<script>alert("${tag}")</script>"><img src=x onerror=alert('${tag}')>{{${tag}}}</style></pre>\u202E${tag}`;
}

/** The fields `hostile: true` fills, by tag. */
export const HOSTILE_TAGS = [
  'title',
  'org',
  'source',
  'account-name',
  'ou',
  'event-name',
  'arn',
  'user-agent',
  'source-ip',
  'thing',
  'policy-name',
  'policy-doc',
  'error-message',
  'error-code',
  'file-key',
  'file-reason',
  'finding-title',
  'finding-evidence',
  'suppression',
  'integrity-message',
  'lifecycle-detail',
  'rule-error',
  'finding-note',
] as const;

/** Fields filled only when the sample has a comparison. */
export const HOSTILE_COMPARISON_TAGS = ['previous-title', 'actor-label'] as const;

const ORG = 'o-a1b2c3d4e5';
const PROD = '111111111111';
const STAGING = '222222222222';
const SECURITY = '333333333333';
const OUTSIDER = '444444444444';
const REGIONS = ['eu-west-1', 'us-east-1'];

function certId(n: number): string {
  return createHash('sha256').update(`cert-${n}`).digest('hex');
}

function makeActor(kind: 'provisioner' | 'alice' | 'admin' | 'root' | 'scanner', account: string, h: (t: string) => string, n = 0): Actor {
  const role = n === 0 ? 'provisioner' : `provisioner-${n}`;
  switch (kind) {
    case 'provisioner':
      return {
        type: 'AssumedRole',
        arn: `arn:aws:sts::${account}:assumed-role/${role}/fleet-rollout`,
        principalId: `AROAPROVISIONER${n}:fleet-rollout`,
        accountId: account,
        userName: role,
        sessionIssuerArn: `arn:aws:iam::${account}:role/${role}`,
        sessionIssuerType: 'Role',
        sessionName: 'fleet-rollout',
        mfaAuthenticated: null,
        invokedBy: null,
        accessKeyId: 'ASIAPROVISIONER',
        key: `arn:aws:iam::${account}:role/${role}`,
        label: `role/${role} (session fleet-rollout)`,
      };
    case 'alice':
      return {
        type: 'IAMUser',
        arn: h(`arn:aws:iam::${account}:user/alice`),
        principalId: 'AIDAALICE',
        accountId: account,
        userName: 'alice',
        sessionIssuerArn: null,
        sessionIssuerType: null,
        sessionName: null,
        mfaAuthenticated: false,
        invokedBy: null,
        accessKeyId: 'AKIAALICE',
        key: `arn:aws:iam::${account}:user/alice`,
        label: 'user/alice',
      };
    case 'admin':
      return {
        type: 'AssumedRole',
        arn: `arn:aws:sts::${account}:assumed-role/AWSReservedSSO_Admin_0123/bob@example.com`,
        principalId: 'AROAADMIN:bob@example.com',
        accountId: account,
        userName: 'AWSReservedSSO_Admin_0123',
        sessionIssuerArn: `arn:aws:iam::${account}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_0123`,
        sessionIssuerType: 'Role',
        sessionName: 'bob@example.com',
        mfaAuthenticated: true,
        invokedBy: null,
        accessKeyId: 'ASIAADMIN',
        key: `arn:aws:iam::${account}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_0123`,
        label: 'role/AWSReservedSSO_Admin_0123 (session bob@example.com)',
      };
    case 'root':
      return {
        type: 'Root',
        arn: `arn:aws:iam::${account}:root`,
        principalId: account,
        accountId: account,
        userName: null,
        sessionIssuerArn: null,
        sessionIssuerType: null,
        sessionName: null,
        mfaAuthenticated: true,
        invokedBy: null,
        accessKeyId: null,
        key: `arn:aws:iam::${account}:root`,
        label: 'root',
      };
    case 'scanner':
      return {
        type: 'AssumedRole',
        arn: `arn:aws:sts::${account}:assumed-role/scanner/i-0abc`,
        principalId: 'AROASCANNER:i-0abc',
        accountId: account,
        userName: 'scanner',
        sessionIssuerArn: `arn:aws:iam::${account}:role/scanner`,
        sessionIssuerType: 'Role',
        sessionName: 'i-0abc',
        mfaAuthenticated: null,
        invokedBy: null,
        accessKeyId: 'ASIASCANNER',
        key: `arn:aws:iam::${account}:role/scanner`,
        label: 'role/scanner (session i-0abc)',
      };
  }
}

const CERT_ACTIONS: Record<string, CertificateAction> = {
  CreateKeysAndCertificate: 'created',
  CreateCertificateFromCsr: 'created',
  RegisterCertificate: 'registered',
  RegisterCACertificate: 'registered',
  AttachThingPrincipal: 'attached-to-thing',
  DetachThingPrincipal: 'detached-from-thing',
  AttachPolicy: 'policy-attached',
  DetachPolicy: 'policy-detached',
  TransferCertificate: 'transfer-started',
  DeleteCertificate: 'deleted',
};

const POLICY_ACTIONS: Record<string, string> = {
  CreatePolicy: 'create',
  CreatePolicyVersion: 'create-version',
  SetDefaultPolicyVersion: 'set-default',
  DeletePolicyVersion: 'delete-version',
  DeletePolicy: 'delete',
  AttachPolicy: 'attach',
  DetachPolicy: 'detach',
};

const READ_ONLY = /^(List|Describe|Get)/;

interface Draft {
  at: number;
  account: string;
  region: string;
  eventName: string;
  category: Category;
  actor: Actor;
  errorCode?: string;
  errorMessage?: string;
  resources: ResourceRef[];
  params?: Record<string, unknown>;
  detail?: string;
  policyDoc?: { document: string | null; recorded: boolean; versionId: string; setAsDefault: boolean };
  certStatus?: string;
}

export function sampleModel(options: SampleOptions = {}): ReportModel {
  const h = (tag: string) => (s: string): string => (options.hostile ? `${s}${hostile(tag)}` : s);
  const hv = (tag: string, s: string): string => h(tag)(s);
  const zone = options.timeZone ?? 'Europe/Paris';
  const month = options.month ?? '2026-10';
  const start = DateTime.fromISO(`${month}-01T00:00:00`, { zone });
  const end = start.plus({ months: 1 });
  const at = (day: number, hour: number, minute = 0, second = 0): number =>
    start.plus({ days: day - 1 }).set({ hour, minute, second }).toMillis();

  const actors = {
    provisioner: makeActor('provisioner', PROD, (s) => s),
    alice: makeActor('alice', PROD, h('arn')),
    admin: makeActor('admin', STAGING, (s) => s),
    root: makeActor('root', STAGING, (s) => s),
    scanner: makeActor('scanner', PROD, (s) => s),
  };
  const policyName = hv('policy-name', 'DevicePolicy');
  const policyArn = (acct: string, region: string, name: string) => `arn:aws:iot:${region}:${acct}:policy/${name}`;
  const certArn = (acct: string, region: string, id: string) => `arn:aws:iot:${region}:${acct}:cert/${id}`;
  const certRef = (acct: string, region: string, id: string): ResourceRef => ({ type: 'certificate', id, arn: certArn(acct, region, id) });
  const policyRef = (acct: string, region: string, name: string): ResourceRef => ({ type: 'policy', id: name, arn: policyArn(acct, region, name) });
  const doc = (resource: string) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['iot:Connect', 'iot:Publish'], Resource: resource }] });

  const drafts: Draft[] = [];
  const R1 = 'eu-west-1';
  // Policies: created, new broad version made default, attached, a version too large to be logged.
  drafts.push({ at: at(1, 9, 5), account: PROD, region: R1, eventName: 'CreatePolicy', category: 'policy', actor: actors.alice, resources: [policyRef(PROD, R1, policyName)],
    policyDoc: { document: doc(`arn:aws:iot:${R1}:${PROD}:client/\${iot:Connection.Thing.ThingName}`), recorded: true, versionId: '1', setAsDefault: true } });
  drafts.push({ at: at(2, 14, 30), account: PROD, region: R1, eventName: 'CreatePolicyVersion', category: 'policy', actor: actors.alice, resources: [policyRef(PROD, R1, policyName)],
    policyDoc: { document: options.hostile ? doc(hostile('policy-doc')) : doc('*'), recorded: true, versionId: '2', setAsDefault: true } });
  drafts.push({ at: at(6, 11, 0), account: STAGING, region: 'us-east-1', eventName: 'CreatePolicy', category: 'policy', actor: actors.admin, resources: [policyRef(STAGING, 'us-east-1', 'LargePolicy')],
    policyDoc: { document: null, recorded: false, versionId: '1', setAsDefault: true } });
  drafts.push({ at: at(6, 11, 5), account: STAGING, region: 'us-east-1', eventName: 'CreatePolicyVersion', category: 'policy', actor: actors.admin, resources: [policyRef(STAGING, 'us-east-1', 'LargePolicy')],
    policyDoc: { document: '{not json', recorded: true, versionId: '2', setAsDefault: false } });
  drafts.push({ at: at(7, 8, 0), account: STAGING, region: 'us-east-1', eventName: 'SetDefaultPolicyVersion', category: 'policy', actor: actors.admin, resources: [policyRef(STAGING, 'us-east-1', 'LargePolicy')], detail: '2' });
  drafts.push({ at: at(20, 16, 45), account: STAGING, region: 'us-east-1', eventName: 'DeletePolicyVersion', category: 'policy', actor: actors.root, resources: [policyRef(STAGING, 'us-east-1', 'LargePolicy')], detail: '1' });

  // Human certificate work: create, deactivate, reactivate, revoke, transfer, delete; a CA.
  const manual = [certId(-1), certId(-2), certId(-3)];
  const [c1, c2, c3] = manual as [string, string, string];
  drafts.push({ at: at(2, 10, 0), account: PROD, region: R1, eventName: 'CreateKeysAndCertificate', category: 'certificate', actor: actors.alice, resources: [certRef(PROD, R1, c1)], certStatus: 'ACTIVE' });
  drafts.push({ at: at(2, 10, 1), account: PROD, region: R1, eventName: 'AttachThingPrincipal', category: 'certificate', actor: actors.alice,
    resources: [certRef(PROD, R1, c1), { type: 'thing', id: hv('thing', 'sensor-0001'), arn: null }], detail: hv('lifecycle-detail', `thing ${hv('thing', 'sensor-0001')}`) });
  drafts.push({ at: at(9, 17, 20), account: PROD, region: R1, eventName: 'UpdateCertificate', category: 'certificate', actor: actors.alice, resources: [certRef(PROD, R1, c1)], certStatus: 'INACTIVE', detail: 'INACTIVE' });
  drafts.push({ at: at(9, 17, 40), account: PROD, region: R1, eventName: 'UpdateCertificate', category: 'certificate', actor: actors.alice, resources: [certRef(PROD, R1, c1)], certStatus: 'ACTIVE', detail: 'ACTIVE' });
  drafts.push({ at: at(3, 8, 0), account: STAGING, region: 'us-east-1', eventName: 'CreateCertificateFromCsr', category: 'certificate', actor: actors.admin, resources: [certRef(STAGING, 'us-east-1', c2)], certStatus: 'ACTIVE' });
  drafts.push({ at: at(12, 13, 0), account: STAGING, region: 'us-east-1', eventName: 'UpdateCertificate', category: 'certificate', actor: actors.admin, resources: [certRef(STAGING, 'us-east-1', c2)], certStatus: 'REVOKED', detail: 'REVOKED' });
  drafts.push({ at: at(12, 13, 10), account: STAGING, region: 'us-east-1', eventName: 'DeleteCertificate', category: 'certificate', actor: actors.admin, resources: [certRef(STAGING, 'us-east-1', c2)], certStatus: 'DELETED', detail: 'forceDelete true' });
  drafts.push({ at: at(14, 10, 0), account: PROD, region: R1, eventName: 'CreateKeysAndCertificate', category: 'certificate', actor: actors.alice, resources: [certRef(PROD, R1, c3)], certStatus: 'ACTIVE' });
  drafts.push({ at: at(15, 10, 0), account: PROD, region: R1, eventName: 'TransferCertificate', category: 'certificate', actor: actors.alice, resources: [certRef(PROD, R1, c3)], certStatus: 'PENDING_TRANSFER', detail: `to account ${OUTSIDER}` });
  drafts.push({ at: at(21, 9, 0), account: STAGING, region: 'us-east-1', eventName: 'RegisterCACertificate', category: 'certificate', actor: actors.root,
    resources: [{ type: 'caCertificate', id: certId(-9), arn: `arn:aws:iot:us-east-1:${STAGING}:cacert/${certId(-9)}` }], certStatus: 'ACTIVE', detail: 'auto-registration ENABLE' });

  // Other changes, reads, denied attempts.
  drafts.push({ at: at(4, 12, 0), account: PROD, region: R1, eventName: 'SetV2LoggingOptions', category: 'other', actor: actors.alice, resources: [{ type: 'loggingOptions', id: 'v2', arn: null }] });
  drafts.push({ at: at(5, 12, 0), account: STAGING, region: 'us-east-1', eventName: 'CreateTopicRule', category: 'other', actor: actors.admin, resources: [{ type: 'topicRule', id: 'forward_all', arn: null }] });
  drafts.push({ at: at(5, 12, 5), account: OUTSIDER, region: 'us-east-1', eventName: 'CreateThing', category: 'other', actor: makeActor('admin', OUTSIDER, (s) => s), resources: [{ type: 'thing', id: 'orphan', arn: null }] });
  for (let i = 0; i < 6; i += 1) {
    drafts.push({ at: at(10 + i, 8 + i, 15), account: PROD, region: REGIONS[i % 2] as string, eventName: i % 2 ? 'DescribeCertificate' : 'ListThings', category: i % 2 ? 'certificate' : 'other', actor: actors.alice, resources: [] });
  }
  for (let i = 0; i < 8; i += 1) {
    drafts.push({ at: at(18, 2, i * 3), account: PROD, region: R1, eventName: i < 5 ? 'ListAuthorizers' : 'UpdateCertificate', category: i < 5 ? 'other' : 'certificate', actor: actors.scanner,
      errorCode: 'AccessDenied', errorMessage: hv('error-message', 'User: arn:aws:sts::111111111111:assumed-role/scanner/i-0abc is not authorized to perform: iot:ListAuthorizers'), resources: i < 5 ? [] : [certRef(PROD, R1, c1)] });
  }
  drafts.push({ at: at(19, 3, 0), account: STAGING, region: 'us-east-1', eventName: 'DeleteCertificate', category: 'certificate', actor: actors.admin,
    errorCode: hv('error-code', 'CertificateStateException'), errorMessage: 'Certificate must be deactivated before deletion', resources: [certRef(STAGING, 'us-east-1', c2)] });
  // A call whose name and user agent are attacker-chosen strings.
  drafts.push({ at: at(22, 23, 59), account: PROD, region: R1, eventName: hv('event-name', 'CreateThing'), category: 'other', actor: actors.alice, resources: [{ type: 'thing', id: hv('thing', 'gw-9'), arn: null }] });

  // The fleet rollout: the same three calls by one role, many times, in bursts on days 3-5.
  const wanted = Math.max(0, (options.events ?? 120) - drafts.length);
  const rollout = Math.floor(wanted / 3);
  const provisioners = Array.from({ length: Math.max(1, options.rolloutActors ?? 1) }, (_, n) => (n === 0 ? actors.provisioner : makeActor('provisioner', PROD, (x) => x, n)));
  for (let i = 0; i < rollout; i += 1) {
    const provisioner = provisioners[i % provisioners.length] as Actor;
    const id = certId(i);
    const t = at(3 + (i % 3), 9) + Math.floor(i / 3) * 2000;
    const thing = `thing-${String(i).padStart(6, '0')}`;
    drafts.push({ at: t, account: PROD, region: R1, eventName: 'CreateKeysAndCertificate', category: 'certificate', actor: provisioner, resources: [certRef(PROD, R1, id)], certStatus: 'ACTIVE' });
    drafts.push({ at: t + 500, account: PROD, region: R1, eventName: 'AttachThingPrincipal', category: 'certificate', actor: provisioner,
      resources: [certRef(PROD, R1, id), { type: 'thing', id: thing, arn: null }], detail: `thing ${thing}` });
    drafts.push({ at: t + 1000, account: PROD, region: R1, eventName: 'AttachPolicy', category: 'policy', actor: provisioner,
      resources: [certRef(PROD, R1, id), policyRef(PROD, R1, 'FleetPolicy')], detail: 'FleetPolicy' });
  }

  drafts.sort((a, b) => a.at - b.at);
  const accountNames: Record<string, string | null> = {
    [PROD]: hv('account-name', 'prod-iot'),
    [STAGING]: 'staging-iot',
    [SECURITY]: 'security',
    [OUTSIDER]: null,
  };
  const hostileUa = hv('user-agent', 'aws-cli/2.15.0 Python/3.11 Linux/6.1');
  const events: IotEvent[] = drafts.map((d, i) => {
    const readOnly = READ_ONLY.test(d.eventName);
    return {
      eventId: `00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`,
      eventTime: new Date(d.at).toISOString().replace('.000Z', 'Z'),
      accountId: d.account,
      accountName: accountNames[d.account] ?? null,
      region: d.region,
      eventName: d.eventName,
      category: d.category,
      readOnly,
      isChange: !readOnly && !d.errorCode,
      errorCode: d.errorCode ?? null,
      errorMessage: d.errorMessage ?? null,
      eventType: 'AwsApiCall',
      actor: d.actor,
      sourceIp: d.actor.sessionName === 'fleet-rollout' ? '10.0.4.17' : d.actor === actors.alice ? hv('source-ip', '203.0.113.7') : '198.51.100.23',
      userAgent: d.actor.sessionName === 'fleet-rollout' ? 'aws-sdk-go-v2/1.30.0' : hostileUa,
      resources: d.resources,
      requestParameters: d.params ?? null,
      responseElements: null,
      sessionCredentialFromConsole: d.actor === actors.admin ? true : null,
      requestId: `req-${i}`,
      sourceFile: `AWSLogs/${ORG}/${d.account}/CloudTrail/${d.region}/2026/10/01/${d.account}_CloudTrail_${d.region}_20261001T0000Z_${i}.json.gz`,
      recordShape: 'canonical',
      integrity: null,
    };
  });
  const draftOf = new Map(events.map((e, i) => [e.eventId, drafts[i] as Draft]));

  // Certificates from the events, lifecycles in time order.
  const certs = new Map<string, CertificateLifecycle>();
  for (const e of events) {
    const d = draftOf.get(e.eventId) as Draft;
    for (const r of e.resources) {
      if (r.type !== 'certificate' && r.type !== 'caCertificate') continue;
      let c = certs.get(r.id);
      if (!c) {
        c = { certificateId: r.id, kind: r.type === 'caCertificate' ? 'ca' : 'device', changed: false, arn: r.arn, accountId: e.accountId, accountName: e.accountName,
          region: e.region, accounts: [{ accountId: e.accountId, accountName: e.accountName, arn: r.arn }], steps: [], lastKnownStatus: null, things: [], policies: [], attachmentsComplete: false, failedEventIds: [] };
        certs.set(r.id, c);
      }
      if (e.errorCode) {
        c.failedEventIds.push(e.eventId);
        continue;
      }
      if (e.readOnly) continue;
      const action: CertificateAction =
        e.eventName === 'UpdateCertificate'
          ? d.certStatus === 'ACTIVE' ? 'activated' : d.certStatus === 'REVOKED' ? 'revoked' : 'deactivated'
          : CERT_ACTIONS[e.eventName] ?? 'other';
      c.changed = true;
      c.steps.push({ eventId: e.eventId, eventTime: e.eventTime, eventName: e.eventName, action, detail: d.detail ?? null, actorLabel: e.actor.label, accountId: e.accountId, accountName: e.accountName });
      if (d.certStatus) c.lastKnownStatus = d.certStatus;
      if (CERTIFICATE_MADE.has(action) || action === 'deleted') c.attachmentsComplete = true;
      for (const x of e.resources) {
        if (x.type === 'thing') c.things.push(x.id);
        if (x.type === 'policy') c.policies.push(x.id);
      }
    }
  }

  // Policies from the events.
  const policies = new Map<string, PolicyHistory>();
  for (const e of events) {
    const d = draftOf.get(e.eventId) as Draft;
    for (const r of e.resources) {
      if (r.type !== 'policy') continue;
      const key = `${e.accountId}/${e.region}/${r.id}`;
      let p = policies.get(key);
      if (!p) {
        p = { policyName: r.id, changed: false, accountId: e.accountId, accountName: e.accountName, region: e.region, arn: r.arn, versions: [], changes: [],
          defaultVersionId: null, defaultVersionNotLogged: false, deleted: false, attachedTargets: [], attachedTargetsComplete: false, defaultVersionsNotShown: [], defaultVersionMayBeUnlogged: false, defaultsNotShown: [], failedEventIds: [] };
        policies.set(key, p);
      }
      if (e.errorCode) {
        p.failedEventIds.push(e.eventId);
        continue;
      }
      const action = POLICY_ACTIONS[e.eventName] ?? 'other';
      const target = action === 'attach' || action === 'detach' ? (e.resources.find((x) => x.type === 'certificate')?.arn ?? null) : (d.detail ?? d.policyDoc?.versionId ?? null);
      p.changed = true;
      p.changes.push({ eventId: e.eventId, eventTime: e.eventTime, eventName: e.eventName, action, target,
        targetType: action === 'attach' || action === 'detach' ? 'certificate' : null, actorLabel: e.actor.label });
      if (action === 'attach' && target) p.attachedTargets.push(target);
      if (action === 'set-default') p.defaultVersionId = d.detail ?? null;
      if (d.policyDoc) {
        const pretty = (() => {
          if (d.policyDoc.document === null) return null;
          try {
            return JSON.stringify(JSON.parse(d.policyDoc.document), null, 2);
          } catch {
            return null;
          }
        })();
        p.versions.push({ versionId: d.policyDoc.versionId, eventId: e.eventId, eventTime: e.eventTime, eventName: e.eventName,
          document: d.policyDoc.document, documentRecorded: d.policyDoc.recorded, documentPretty: pretty, documentNotRecorded: d.policyDoc.recorded ? null : 'CloudTrail omitted the request parameters as too large', setAsDefault: d.policyDoc.setAsDefault, actorLabel: e.actor.label });
        if (d.policyDoc.setAsDefault) p.defaultVersionId = d.policyDoc.versionId;
      }
    }
  }

  // Actors.
  const actorMap = new Map<string, { actor: Actor; events: IotEvent[] }>();
  for (const e of events) {
    let a = actorMap.get(e.actor.key);
    if (!a) actorMap.set(e.actor.key, (a = { actor: e.actor, events: [] }));
    a.events.push(e);
  }
  const actorSummaries: ActorSummary[] = [...actorMap.values()].map(({ actor, events: list }) => {
    const changes = list.filter((e) => e.isChange);
    const actions = new Map<string, number>();
    for (const e of changes) actions.set(e.eventName, (actions.get(e.eventName) ?? 0) + 1);
    return {
      key: actor.key,
      label: actor.label,
      type: actor.type,
      arn: actor.arn,
      sessionIssuerArn: actor.sessionIssuerArn,
      sessionIssuerType: actor.sessionIssuerType,
      mfaAuthenticated: actor.mfaAuthenticated,
      changes: changes.length,
      reads: list.filter((e) => e.errorCode === null && e.readOnly === true).length,
      failedAttempts: list.filter((e) => e.errorCode).length,
      accounts: [...new Set(list.map((e) => e.accountId))].sort(),
      sourceIps: [...new Set(list.map((e) => e.sourceIp ?? ''))].filter(Boolean).sort(),
      userAgents: [...new Set(list.map((e) => e.userAgent ?? ''))].filter(Boolean).sort(),
      firstSeen: (list[0] as IotEvent).eventTime,
      lastSeen: (list[list.length - 1] as IotEvent).eventTime,
      actions: [...actions].map(([eventName, count]) => ({ eventName, count })).sort((a, b) => b.count - a.count || a.eventName.localeCompare(b.eventName)),
    };
  }).sort((a, b) => b.changes - a.changes || a.key.localeCompare(b.key));

  // Denied / failed groups.
  const deniedMap = new Map<string, DeniedGroup>();
  for (const e of events) {
    if (!e.errorCode) continue;
    const key = JSON.stringify([e.actor.key, e.accountId, e.eventName, e.errorCode]);
    const g = deniedMap.get(key);
    if (g) {
      g.count += 1;
      g.last = e.eventTime;
      g.eventIds.push(e.eventId);
    } else {
      deniedMap.set(key, { actorKey: e.actor.key, actorLabel: e.actor.label, accountId: e.accountId, accountName: e.accountName, eventName: e.eventName,
        errorCode: e.errorCode, errorMessage: e.errorMessage, count: 1, first: e.eventTime, last: e.eventTime, eventIds: [e.eventId] });
    }
  }

  // Summary.
  const changes = events.filter((e) => e.isChange);
  const failed = events.filter((e) => e.errorCode);
  const count = <K>(list: IotEvent[], key: (e: IotEvent) => K): Map<K, number> => {
    const m = new Map<K, number>();
    for (const e of list) m.set(key(e), (m.get(key(e)) ?? 0) + 1);
    return m;
  };
  const accounts: AccountInfo[] = [
    { id: PROD, name: accountNames[PROD] ?? null, email: 'prod@example.com', state: 'ACTIVE', ouPath: hv('ou', 'Root/Workloads/Prod'), inOrganization: true, hasLogs: true, tags: {} },
    { id: STAGING, name: 'staging-iot', email: 'staging@example.com', state: 'ACTIVE', ouPath: 'Root/Workloads/Staging', inOrganization: true, hasLogs: true, tags: {} },
    { id: SECURITY, name: 'security', email: 'security@example.com', state: 'SUSPENDED', ouPath: 'Root/Security', inOrganization: true, hasLogs: false, tags: {} },
    { id: OUTSIDER, name: null, email: null, state: null, ouPath: null, inOrganization: false, hasLogs: true, tags: {} },
  ];
  const ouOf = new Map(accounts.map((a) => [a.id, a.ouPath]));
  const changesByAccount = count(changes, (e) => e.accountId);
  const failedByAccount = count(failed, (e) => e.accountId);
  const days: ReportModel['summary']['byDay'] = [];
  for (let d = start; d < end; d = d.plus({ days: 1 })) days.push({ date: d.toFormat('yyyy-MM-dd'), changes: 0, failedAttempts: 0 });
  const bounds = days.map((_, i) => start.plus({ days: i + 1 }).toMillis());
  for (const e of events) {
    const t = Date.parse(e.eventTime);
    const day = days[bounds.findIndex((b) => t < b)];
    if (day && e.isChange) day.changes += 1;
    if (day && e.errorCode) day.failedAttempts += 1;
  }

  // Findings, each about real events (one suppressed; one about a rollout event).
  const findings: Finding[] = [];
  if (options.findings ?? true) {
    const byName = (name: string) => events.filter((e) => e.eventName === name);
    const f = (ruleId: string, severity: Severity, e: IotEvent[], resource: string, extra: Partial<Finding> = {}): Finding => ({
      id: `${ruleId}-${(e[0] as IotEvent).accountId}-${(e[0] as IotEvent).region}-${resource.slice(0, 40)}`,
      ruleId, severity, title: `Finding of ${ruleId}`, description: `What ${ruleId} saw.`, remediation: `Fix what ${ruleId} saw.`,
      accountId: (e[0] as IotEvent).accountId, accountName: (e[0] as IotEvent).accountName, region: (e[0] as IotEvent).region,
      regions: [(e[0] as IotEvent).region], resource, resourceKind: RULES[ruleId]?.resourceKind ?? 'principal',
      eventIds: e.map((x) => x.eventId), time: (e[0] as IotEvent).eventTime, evidence: null, suppressed: false, suppressionReason: null, suppressionNote: null, ...extra,
    });
    const broad = byName('CreatePolicyVersion').filter((e) => e.accountId === PROD);
    findings.push(f('overly-permissive-policy', 'high', broad, policyName, {
      title: hv('finding-title', 'Overly permissive policy made default'),
      evidence: hv('finding-evidence', JSON.stringify({ Effect: 'Allow', Action: ['iot:Connect', 'iot:Publish'], Resource: '*' }, null, 2)),
    }));
    findings.push(f('certificate-reactivated', 'medium', byName('UpdateCertificate').filter((e) => !e.errorCode && e.accountId === PROD), c1));
    findings.push(f('root-user-change', 'critical', events.filter((e) => e.actor.type === 'Root'), `arn:aws:iot:us-east-1:${STAGING}:policy/LargePolicy`));
    findings.push(f('denied-burst', 'low', failed.filter((e) => e.actor.key === actors.scanner.key), actors.scanner.key));
    findings.push(f('logging-disabled', 'info', byName('SetV2LoggingOptions'), 'v2', {
      suppressed: true, suppressionReason: hv('suppression', 'Planned change CHG-1234, approved by the security team'),
    }));
    const rolloutEvent = events.find((e) => e.actor.sessionName === 'fleet-rollout');
    if (rolloutEvent) findings.push(f('change-outside-window', 'medium', [rolloutEvent], certArn(PROD, R1, certId(0))));
  }
  const severities: Severity[] = ['critical', 'high', 'medium', 'low', 'info'];

  const perAccountDays = (acct: string) => [...new Set(events.filter((e) => e.accountId === acct).map((e) => e.eventTime.slice(0, 10)))].sort();
  const model: ReportModel = {
    schemaVersion: '1.0',
    tool: { name: 'iot-audit', version: '0.1.0' },
    generatedAt: '2026-11-02T08:30:00Z',
    title: hv('title', `AWS IoT audit report, ${start.toFormat('LLLL yyyy')}`),
    organization: { id: hv('org', ORG), managementAccountId: SECURITY, accountsFrom: 'accounts-file', accountsNote: 'Organizations: AccessDenied; used --accounts-file' },
    period: {
      start: start.toUTC().toISO({ suppressMilliseconds: true }) as string,
      end: end.toUTC().toISO({ suppressMilliseconds: true }) as string,
      timeZone: zone,
      month,
      label: `${start.toFormat('LLLL yyyy')} (${zone})`,
    },
    sources: [{ label: hv('source', './fixtures/org-trail'), kind: 'local', layout: 'organization', athena: null }],
    filters: { accounts: [], regions: [] },
    accounts,
    summary: {
      totalEvents: events.length,
      changes: changes.length,
      reads: events.filter((e) => e.readOnly && !e.errorCode).length,
      failedAttempts: failed.length,
      deniedAttempts: failed.filter((e) => e.errorCode === 'AccessDenied').length,
      changesByCategory: (['certificate', 'policy', 'other'] as Category[]).map((category) => ({ category, count: changes.filter((e) => e.category === category).length })),
      changesByAction: [...count(changes, (e) => `${e.category}\u0000${e.eventName}`)]
        .map(([k, n]) => ({ category: k.split('\u0000')[0] as Category, eventName: k.split('\u0000')[1] as string, count: n }))
        .sort((a, b) => b.count - a.count || a.eventName.localeCompare(b.eventName)),
      byAccount: [...new Set(events.map((e) => e.accountId))].sort().map((id) => ({
        accountId: id, accountName: accountNames[id] ?? null, ouPath: ouOf.get(id) ?? null, notInOrganization: id === OUTSIDER, changes: changesByAccount.get(id) ?? 0, failedAttempts: failedByAccount.get(id) ?? 0,
      })),
      byOu: [...new Set(events.map((e) => ouOf.get(e.accountId) ?? '(unknown)'))].sort().map((ou) => {
        const ids = accounts.filter((a) => (a.ouPath ?? '(unknown)') === ou).map((a) => a.id);
        return { ouPath: ou, accounts: ids.length, changes: ids.reduce((s, id) => s + (changesByAccount.get(id) ?? 0), 0), failedAttempts: ids.reduce((s, id) => s + (failedByAccount.get(id) ?? 0), 0) };
      }),
      byRegion: [...new Set(events.map((e) => e.region))].sort().map((region) => ({
        region, changes: changes.filter((e) => e.region === region).length, failedAttempts: failed.filter((e) => e.region === region).length,
      })),
      byDay: days,
      findingsBySeverity: severities.map((severity) => ({
        severity,
        count: findings.filter((x) => x.severity === severity && !x.suppressed).length,
        suppressed: findings.filter((x) => x.severity === severity && x.suppressed).length,
      })),
    },
    findings,
    ruleErrors: [{ ruleId: 'role-alias-broad', message: hv('rule-error', 'TypeError: cannot read properties of undefined') }],
    certificates: [...certs.values()].sort((a, b) => (a.accountId ?? '').localeCompare(b.accountId ?? '') || a.certificateId.localeCompare(b.certificateId)),
    policies: [...policies.values()].sort((a, b) => a.accountId.localeCompare(b.accountId) || a.region.localeCompare(b.region) || a.policyName.localeCompare(b.policyName)),
    actors: actorSummaries,
    denied: [...deniedMap.values()].sort((a, b) => b.count - a.count || a.actorKey.localeCompare(b.actorKey)),
    coverage: {
      accountsCovered: { total: accounts.length, notInOrganization: 1 },
      accountsWithoutLogs: [SECURITY],
      accountsNotRead: [],
      accountsNotInOrganization: [OUTSIDER],
      unreadableFiles: [{ key: hv('file-key', `AWSLogs/${ORG}/${PROD}/CloudTrail/eu-west-1/2026/10/13/${PROD}_CloudTrail_eu-west-1_20261013T1200Z_broken.json.gz`), source: './fixtures/org-trail', reason: hv('file-reason', 'bad gzip: incorrect header check') }],
      sourceProblems: [],
      filesRead: 1234,
      filesReadable: 1233,
      bytesRead: 56_789_012,
      recordsRead: 98_765,
      athena: null,
      iotRecords: events.length + 3,
      duplicatesDropped: 3,
      iotRecordsWithoutTime: { count: 0, examples: [] },
      iotRecordsWithoutName: { count: 0, examples: [] },
      daysRead: { first: start.toUTC().toFormat('yyyy-MM-dd'), last: end.toUTC().plus({ days: 1 }).toFormat('yyyy-MM-dd') },
      late: { files: 0, athenaPartitions: 0, days: [end.toUTC().plus({ days: 1 }).toFormat('yyyy-MM-dd')] },
      perAccount: [PROD, STAGING, OUTSIDER].map((id) => ({
        accountId: id, accountName: accountNames[id] ?? null, inOrganization: id !== OUTSIDER, files: id === PROD ? 900 : id === STAGING ? 330 : 4, athenaPartitions: 0,
        regions: REGIONS.map((region) => ({ region, files: id === PROD ? 450 : id === STAGING ? 165 : 2, athenaPartitions: 0, days: perAccountDays(id), late: { files: 0, athenaPartitions: 0, days: [] } })),
        days: perAccountDays(id),
        late: { files: 0, athenaPartitions: 0, days: [] },
      })),
    },
    integrity: null,
    findingNotes: [hv('finding-note', 'Suppression of logging-disabled for 222222222222 expired on 2026-09-30 and was ignored')],
    comparison: null,
    events,
  };

  if (options.comparison) {
    const ref = (x: Finding) => ({ id: x.id, ruleId: x.ruleId, severity: x.severity, title: x.title, accountId: x.accountId, accountName: x.accountName, resource: x.resource, suppressed: x.suppressed });
    const certs = model.certificates;
    model.comparison = {
      previous: {
        title: hv('previous-title', 'AWS IoT audit report, September 2026'),
        generatedAt: '2026-10-01T08:00:00Z',
        schemaVersion: '1.0',
        period: { start: '2026-08-31T22:00:00Z', end: '2026-09-30T22:00:00Z', timeZone: zone, month: '2026-09', label: `September 2026 (${zone})` },
      },
      warnings: [],
      findings: {
        new: findings.slice(0, 2).map(ref),
        resolved: [{ id: 'old-1', ruleId: 'root-user-change', severity: 'critical', title: 'Root changed a policy', accountId: PROD, accountName: accountNames[PROD] ?? null, resource: 'OldPolicy', suppressed: false }],
        changed: findings.slice(2, 3).map((x) => ({ ...ref(x), changes: ['severity high → critical', 'events 3 → 5'] })),
        unchanged: 2,
      },
      policies: {
        new: [{ accountId: PROD, accountName: accountNames[PROD] ?? null, region: R1, policyName, deleted: false }],
        deleted: [{ accountId: STAGING, accountName: 'staging-iot', region: 'us-east-1', policyName: 'RetiredPolicy' }],
        changed: [{ accountId: STAGING, accountName: 'staging-iot', region: 'us-east-1', policyName: 'LargePolicy', changes: ['default version 1 → 2', 'new versions 2'] }],
        newDeleted: 0,
      },
      certificates: {
        new: certs.map((c) => ({ accountId: c.accountId, accountName: c.accountName, region: c.region, certificateId: c.certificateId, kind: c.kind, status: c.lastKnownStatus })),
        changed: [{ accountId: PROD, accountName: accountNames[PROD] ?? null, region: R1, certificateId: c1, kind: 'device', status: 'ACTIVE', previousStatus: 'INACTIVE', movedFrom: null }],
        moved: 0,
      },
      actors: {
        new: [{ key: actors.scanner.key, label: actors.scanner.label, type: actors.scanner.type }],
        gone: [{ key: 'arn:aws:iam::111111111111:user/carol', label: hv('actor-label', 'user/carol'), type: 'IAMUser' }],
      },
      firstSeen: { policies: [], certificates: [] },
    };
  }

  if (options.integrity) {
    const bad = events.find((e) => e.accountId === STAGING);
    if (bad) bad.integrity = 'modified';
    model.integrity = {
      ok: false,
      verdict: 'failed',
      chains: [
        { accountId: PROD, accountName: accountNames[PROD] ?? null, region: 'eu-west-1', trails: ['org-trail'], trailHomeRegions: [{ trail: 'org-trail', homeRegion: 'us-east-1' }],
          digestsValid: 744, digestsInvalid: 0, digestsMissing: 0, digestsUnverified: 1, logFilesValid: 450, logFilesModified: 0, logFilesMissing: 0, logFilesNotCovered: 0, logFilesUnverified: 0, gaps: [], status: 'valid' },
        { accountId: STAGING, accountName: 'staging-iot', region: 'us-east-1', trails: ['org-trail'], trailHomeRegions: [{ trail: 'org-trail', homeRegion: 'us-east-1' }],
          digestsValid: 740, digestsInvalid: 1, digestsMissing: 2, digestsUnverified: 0, logFilesValid: 163, logFilesModified: 1, logFilesMissing: 0, logFilesNotCovered: 1, logFilesUnverified: 3,
          gaps: [{ from: '2026-10-14T02:00:00Z', to: '2026-10-14T04:00:00Z' }], status: 'invalid' },
      ],
      problems: [
        { kind: 'log-file-modified', severity: 'error', accountId: STAGING, region: 'us-east-1', key: bad?.sourceFile ?? 'x', message: hv('integrity-message', 'SHA-256 of the log file does not match its digest entry') },
        { kind: 'digests-missing', severity: 'error', accountId: STAGING, region: 'us-east-1', key: 'AWSLogs/…/CloudTrail-Digest/us-east-1/2026/10/14/', message: 'Two digests missing in a row between 02:00 and 04:00 UTC' },
        { kind: 'newest-digest-unsigned', severity: 'warning', accountId: PROD, region: 'eu-west-1', key: 'AWSLogs/…/CloudTrail-Digest/eu-west-1/2026/11/01/', message: "The newest digest's own signature could not be checked on a local copy" },
      ],
      notes: ["The newest digest's own signature could not be checked on a local copy (no S3 metadata)."],
      eventsUnchecked: 0,
      eventsValid: events.length - (bad ? 1 : 0),
      eventsModified: bad ? 1 : 0,
      eventsMissing: 0,
      eventsNotCovered: 0,
    };
  }
  return model;
}
