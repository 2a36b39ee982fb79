/**
 * `--compare PREVIOUS.json`: what is new, resolved and changed since a previous
 * report (findings by id; policies, certificates and actors by their keys).
 * "New" means present now and absent from the previous report, not "created".
 */
import type {
  ActorRef,
  ActorSummary,
  CertificateChangeRef,
  CertificateLifecycle,
  CertificateRef,
  Comparison,
  Finding,
  FindingChange,
  FindingRef,
  PolicyChangeRef,
  PolicyHistory,
  PolicyRef,
  ReportModel,
} from '../report/model.js';
import { SCHEMA_VERSION } from '../report/model.js';
import { UsageError } from '../errors.js';

export class CompareError extends UsageError {}

const major = (version: string) => version.split('.')[0];

function fail(label: string, problem: string): never {
  throw new CompareError(`${label}: ${problem}; expected the JSON report written by iot-audit (schemaVersion ${SCHEMA_VERSION})`);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function checkList(label: string, report: Record<string, unknown>, list: string, fields: string[]): void {
  const items = report[list];
  if (!Array.isArray(items)) fail(label, `"${list}" is not a list`);
  for (const [i, item] of items.entries()) {
    if (!isObject(item)) fail(label, `${list}[${i}] is not an object`);
    for (const field of fields) if (typeof item[field] !== 'string') fail(label, `${list}[${i}].${field} is missing`);
  }
}

/** Throws a CompareError unless `value` looks like an iot-audit report this version can read. */
export function assertReport(value: unknown, label: string): asserts value is ReportModel {
  if (!isObject(value)) fail(label, 'not a JSON object');
  if (typeof value.schemaVersion !== 'string') fail(label, 'no schemaVersion');
  if (major(value.schemaVersion) !== major(SCHEMA_VERSION)) {
    fail(label, `schemaVersion ${value.schemaVersion} cannot be compared by this version`);
  }
  if (!isObject(value.period) || typeof value.period.start !== 'string') fail(label, 'no period');
  checkList(label, value, 'findings', ['id', 'ruleId', 'severity', 'accountId', 'resource']);
  checkList(label, value, 'policies', ['policyName', 'accountId', 'region']);
  checkList(label, value, 'certificates', ['certificateId', 'accountId', 'region']);
  checkList(label, value, 'actors', ['key']);
}

/** Parses and checks a previous report's JSON text; `label` (its path) names it in errors. */
export function parsePreviousReport(text: string, label: string): ReportModel {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    fail(label, 'not valid JSON');
  }
  assertReport(value, label);
  return value;
}

const byKey = <T>(items: readonly T[], key: (item: T) => string) => new Map(items.map((i) => [key(i), i]));
const sortedBy = <T>(items: T[], key: (item: T) => string) => items.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));

const findingRef = (f: Finding): FindingRef => ({
  id: f.id,
  ruleId: f.ruleId,
  severity: f.severity,
  title: f.title,
  accountId: f.accountId,
  accountName: f.accountName ?? null,
  resource: f.resource,
  suppressed: f.suppressed === true,
});

function findingChanges(now: Finding, before: Finding): string[] {
  const changes: string[] = [];
  if (now.severity !== before.severity) changes.push(`severity ${before.severity} → ${now.severity}`);
  if (now.suppressed !== before.suppressed) changes.push(now.suppressed ? 'now suppressed' : 'no longer suppressed');
  const [n, b] = [now.eventIds?.length ?? 0, before.eventIds?.length ?? 0];
  if (n !== b) changes.push(`events ${b} → ${n}`);
  if (now.description !== before.description && n === b) changes.push('description changed');
  return changes;
}

const policyKey = (p: PolicyHistory) => JSON.stringify([p.accountId, p.region, p.policyName]);
const policyRef = (p: PolicyHistory): PolicyRef => ({ accountId: p.accountId, accountName: p.accountName ?? null, region: p.region, policyName: p.policyName });

function policyChanges(now: PolicyHistory, before: PolicyHistory): string[] {
  const changes: string[] = [];
  if (now.defaultVersionId && now.defaultVersionId !== before.defaultVersionId) {
    changes.push(`default version ${before.defaultVersionId ?? 'unknown'} → ${now.defaultVersionId}`);
  }
  const known = new Set((before.versions ?? []).map((v) => v.versionId));
  const added = (now.versions ?? []).map((v) => v.versionId).filter((id): id is string => id !== null && !known.has(id));
  if (added.length > 0) changes.push(`new version${added.length > 1 ? 's' : ''} ${added.join(', ')}`);
  return changes;
}

const certificateKey = (c: CertificateLifecycle) => JSON.stringify([c.kind, c.accountId, c.region, c.certificateId]);
const certificateRef = (c: CertificateLifecycle): CertificateRef => ({
  accountId: c.accountId,
  accountName: c.accountName ?? null,
  region: c.region,
  certificateId: c.certificateId,
  kind: c.kind,
  status: c.lastKnownStatus ?? null,
});

const actorRef = (a: ActorSummary): ActorRef => ({ key: a.key, label: a.label ?? a.key, type: a.type ?? null });

export function compareReports(current: ReportModel, previous: unknown, label = 'previous report'): Comparison {
  assertReport(previous, label);

  const beforeFindings = byKey(previous.findings, (f) => f.id);
  const nowFindings = byKey(current.findings, (f) => f.id);
  const changed: FindingChange[] = [];
  let unchanged = 0;
  for (const [id, now] of nowFindings) {
    const before = beforeFindings.get(id);
    if (!before) continue;
    const changes = findingChanges(now, before);
    if (changes.length > 0) changed.push({ ...findingRef(now), changes });
    else unchanged++;
  }

  const beforePolicies = byKey(previous.policies, policyKey);
  const newPolicies: PolicyRef[] = [];
  const deletedPolicies: PolicyRef[] = [];
  const changedPolicies: PolicyChangeRef[] = [];
  for (const policy of current.policies) {
    const before = beforePolicies.get(policyKey(policy));
    if (policy.deleted && !before?.deleted) deletedPolicies.push(policyRef(policy));
    else if (!before) newPolicies.push(policyRef(policy));
    else {
      const changes = policyChanges(policy, before);
      if (changes.length > 0) changedPolicies.push({ ...policyRef(policy), changes });
    }
  }

  const beforeCertificates = byKey(previous.certificates, certificateKey);
  const newCertificates: CertificateRef[] = [];
  const changedCertificates: CertificateChangeRef[] = [];
  for (const certificate of current.certificates) {
    const before = beforeCertificates.get(certificateKey(certificate));
    if (!before) newCertificates.push(certificateRef(certificate));
    else if (certificate.lastKnownStatus && certificate.lastKnownStatus !== before.lastKnownStatus) {
      changedCertificates.push({ ...certificateRef(certificate), previousStatus: before.lastKnownStatus ?? null });
    }
  }

  const beforeActors = byKey(previous.actors, (a) => a.key);
  const nowActors = byKey(current.actors, (a) => a.key);
  const findingOrder = (f: FindingRef) => f.id;
  const policyOrder = (p: PolicyRef) => JSON.stringify([p.accountId, p.region, p.policyName]);
  const certificateOrder = (c: CertificateRef) => JSON.stringify([c.accountId, c.region, c.kind, c.certificateId]);
  return {
    previous: {
      title: typeof previous.title === 'string' ? previous.title : '',
      generatedAt: typeof previous.generatedAt === 'string' ? previous.generatedAt : '',
      schemaVersion: previous.schemaVersion,
      period: previous.period,
    },
    findings: {
      new: sortedBy(current.findings.filter((f) => !beforeFindings.has(f.id)).map(findingRef), findingOrder),
      resolved: sortedBy(previous.findings.filter((f) => !nowFindings.has(f.id)).map(findingRef), findingOrder),
      changed: sortedBy(changed, findingOrder),
      unchanged,
    },
    policies: {
      new: sortedBy(newPolicies, policyOrder),
      deleted: sortedBy(deletedPolicies, policyOrder),
      changed: sortedBy(changedPolicies, policyOrder),
    },
    certificates: { new: sortedBy(newCertificates, certificateOrder), changed: sortedBy(changedCertificates, certificateOrder) },
    actors: {
      new: sortedBy(current.actors.filter((a) => !beforeActors.has(a.key)).map(actorRef), (a) => a.key),
      gone: sortedBy(previous.actors.filter((a) => !nowActors.has(a.key)).map(actorRef), (a) => a.key),
    },
  };
}

export type { ActorRef, CertificateChangeRef, CertificateRef, Comparison, FindingChange, FindingRef, PolicyChangeRef, PolicyRef };
