/**
 * `--compare PREVIOUS.json`: what is new, resolved and changed since a previous
 * report (findings by id; policies and actors by their keys; certificates by kind, region and id,
 * followed across a transfer: `previousCertificates`).
 * A new finding or actor is one absent from the previous report; a new policy or certificate is
 * one this period created (or registered) that the previous report did not have, or had deleted:
 * one absent from it that this period did not create existed before, and is "first seen"
 * (`Comparison.firstSeen`).
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
  NewPolicyRef,
  PolicyChangeRef,
  PolicyHistory,
  PolicyRef,
  Period,
  ReportModel,
  Severity,
} from '../report/model.js';
import { MULTIPLE_REGIONS, SCHEMA_VERSION, findingRegions } from '../report/model.js';
import { getOrInsert } from '../memo.js';
import { UsageError } from '../errors.js';
import { canonicalTime } from '../cloudtrail/normalize.js';
import { clip } from './rules/support/text.js';
import { CERTIFICATE_MADE } from './certificates.js';

export class CompareError extends UsageError {}

const major = (version: string) => version.split('.')[0];

function fail(label: string, problem: string): never {
  throw new CompareError(`${label}: ${problem}; expected the JSON report written by iot-audit (schemaVersion ${SCHEMA_VERSION})`);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

// ---------------------------------------------------------------------------
// The previous report is a user's file: every field the comparison reads (and copies into this
// report's JSON) is checked, so a file that is not a report is refused with the first bad field
// named, never turned into a comparison that breaks this report's schema.
// ---------------------------------------------------------------------------

/** A field's problem ("is missing", `is "bogus", not one of ...`), or null when it is fine. */
type Rule = (value: unknown) => string | null;

function shown(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  return String(value);
}

const wrong = (value: unknown, expected: string) => (value === undefined ? 'is missing' : `is ${shown(value)}, not ${expected}`);
const text: Rule = (v) => (typeof v === 'string' ? null : wrong(v, 'a string'));
const id: Rule = (v) => (typeof v === 'string' && v !== '' ? null : wrong(v, 'a non-empty string'));
const textOrNull: Rule = (v) => (v === null || typeof v === 'string' ? null : wrong(v, 'a string or null'));
const idOrNull: Rule = (v) => (v === null || (typeof v === 'string' && v !== '') ? null : wrong(v, 'a non-empty string or null'));
const flag: Rule = (v) => (typeof v === 'boolean' ? null : wrong(v, 'true or false'));
const texts: Rule = (v) => (Array.isArray(v) && v.every((x) => typeof x === 'string') ? null : wrong(v, 'a list of strings'));
const oneOf =
  (values: readonly string[]): Rule =>
  (v) =>
    typeof v === 'string' && values.includes(v) ? null : wrong(v, `one of ${values.join(', ')}`);
/** An instant as the report writes them: ISO 8601 UTC. */
const instant: Rule = (v) =>
  typeof v === 'string' && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/.test(v) && canonicalTime(v) !== null ? null : wrong(v, 'an ISO date-time in UTC');
const monthOrNull: Rule = (v) => (v === null || (typeof v === 'string' && /^\d{4}-\d\d$/.test(v)) ? null : wrong(v, 'a month (YYYY-MM) or null'));
/** A field older reports may lack (the comparison has a default), checked when it is there. */
const optional =
  (rule: Rule): Rule =>
  (v) =>
    v === undefined ? null : rule(v);

const SEVERITIES: readonly Severity[] = ['info', 'low', 'medium', 'high', 'critical'];

/** The fields of each list item the comparison reads. */
const FINDING: Record<string, Rule> = {
  id,
  ruleId: id,
  severity: oneOf(SEVERITIES),
  title: text,
  accountId: id,
  accountName: optional(textOrNull),
  // Read to tell whether this run covered the finding's region (see `covers` for one without).
  region: optional(text),
  // The regions of a finding of several (`region` `multiple`), since schema 1.5.
  regions: optional(texts),
  resource: text,
  suppressed: optional(flag),
  description: optional(text),
};
const POLICY: Record<string, Rule> = {
  policyName: id,
  accountId: id,
  accountName: optional(textOrNull),
  region: text,
  deleted: optional(flag),
  defaultVersionId: optional(textOrNull),
  // False when only failed or denied calls named it (since schema 1.5): no policy new or changed.
  changed: optional(flag),
};
const CERTIFICATE: Record<string, Rule> = {
  certificateId: id,
  kind: oneOf(['device', 'ca']),
  // Null where the report did not show it (since schema 1.5: only its transfer's rejection was in it).
  accountId: idOrNull,
  accountName: optional(textOrNull),
  region: text,
  lastKnownStatus: optional(textOrNull),
  // False when only failed or denied calls named it (since schema 1.5): no certificate new or changed.
  changed: optional(flag),
};
const ACTOR: Record<string, Rule> = { key: id, label: optional(text), type: optional(textOrNull) };
const PERIOD: Record<string, Rule> = { start: instant, end: instant, timeZone: id, month: monthOrNull, label: text };

function checkFields(label: string, item: Record<string, unknown>, at: string, rules: Record<string, Rule>): void {
  for (const [field, rule] of Object.entries(rules)) {
    const problem = rule(item[field]);
    if (problem !== null) fail(label, `${at === '' ? '' : `${at}.`}${field} ${problem}`);
  }
}

/** `filters`, when present: lists of accounts and regions (a report without them is read as covering everything). */
function checkFilters(label: string, value: unknown): void {
  if (value === undefined) return;
  if (!isObject(value)) fail(label, `filters ${wrong(value, 'an object')}`);
  for (const field of ['accounts', 'regions']) {
    const list = value[field];
    if (list === undefined) continue;
    if (!Array.isArray(list)) fail(label, `filters.${field} ${wrong(list, 'a list')}`);
    checkTexts(label, list, `filters.${field}`);
  }
}

/** A list of objects, when present, with the fields `rules` checks. */
function checkItems(label: string, value: unknown, at: string, rules: Record<string, Rule>): void {
  if (value === undefined) return;
  if (!Array.isArray(value)) fail(label, `${at} ${wrong(value, 'a list')}`);
  for (const [i, item] of value.entries()) {
    if (!isObject(item)) fail(label, `${at}[${i}] is not an object`);
    checkFields(label, item, `${at}[${i}]`, rules);
  }
}

/** A list of strings, when present (`eventIds`). */
function checkTexts(label: string, value: unknown, at: string): void {
  if (value === undefined) return;
  if (!Array.isArray(value)) fail(label, `${at} ${wrong(value, 'a list')}`);
  for (const [i, item] of value.entries()) if (typeof item !== 'string') fail(label, `${at}[${i}] ${wrong(item, 'a string')}`);
}

function checkList(
  label: string,
  report: Record<string, unknown>,
  list: string,
  rules: Record<string, Rule>,
  extra?: (item: Record<string, unknown>, at: string, index: number) => void,
): void {
  const items = report[list];
  if (!Array.isArray(items)) fail(label, `"${list}" is not a list`);
  for (const [i, item] of items.entries()) {
    const at = `${list}[${i}]`;
    if (!isObject(item)) fail(label, `${at} is not an object`);
    checkFields(label, item, at, rules);
    extra?.(item, at, i);
  }
}

/** Throws a CompareError naming the first bad field unless `value` is an iot-audit report this version can compare with. */
export function assertReport(value: unknown, label: string): asserts value is ReportModel {
  if (!isObject(value)) fail(label, 'not a JSON object');
  if (typeof value.schemaVersion !== 'string') fail(label, 'no schemaVersion');
  if (major(value.schemaVersion) !== major(SCHEMA_VERSION)) {
    fail(label, `schemaVersion ${value.schemaVersion} cannot be compared by this version`);
  }
  if (!isObject(value.period)) fail(label, 'no period');
  checkFields(label, value.period, 'period', PERIOD);
  // An empty or reversed period holds no event: every finding would read as unchanged or resolved.
  if (Date.parse(value.period.end as string) <= Date.parse(value.period.start as string)) {
    fail(label, `period.end ${shown(value.period.end)} is not after period.start ${shown(value.period.start)}`);
  }
  checkFields(label, value, '', { title: text, generatedAt: instant });
  checkFilters(label, value.filters);
  const ids = new Map<string, number>();
  checkList(label, value, 'findings', FINDING, (finding, at, i) => {
    checkTexts(label, finding.eventIds, `${at}.eventIds`);
    const first = ids.get(finding.id as string);
    if (first !== undefined) fail(label, `${at}.id ${shown(finding.id)} is also findings[${first}].id`);
    ids.set(finding.id as string, i);
  });
  checkList(label, value, 'policies', POLICY, (policy, at) => {
    if (policy.versions === undefined) return;
    if (!Array.isArray(policy.versions)) fail(label, `${at}.versions ${wrong(policy.versions, 'a list')}`);
    for (const [i, version] of policy.versions.entries()) {
      if (!isObject(version)) fail(label, `${at}.versions[${i}] is not an object`);
      checkFields(label, version, `${at}.versions[${i}]`, { versionId: textOrNull });
    }
  });
  checkList(label, value, 'certificates', CERTIFICATE, (certificate, at) => {
    // The accounts it was in (since schema 1.5) and its steps, read to follow it and to tell what the reports both saw.
    checkItems(label, certificate.accounts, `${at}.accounts`, { accountId: idOrNull });
    checkItems(label, certificate.steps, `${at}.steps`, { eventId: id, eventTime: instant });
  });
  checkList(label, value, 'actors', ACTOR);
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
  const [regionsNow, regionsBefore] = [regionsOfFinding(now), regionsOfFinding(before)];
  if (regionsNow.join() !== regionsBefore.join()) changes.push(`regions ${regionsBefore.join(', ')} → ${regionsNow.join(', ')}`);
  if (now.severity !== before.severity) changes.push(`severity ${before.severity} → ${now.severity}`);
  if (now.suppressed !== before.suppressed) changes.push(now.suppressed ? 'now suppressed' : 'no longer suppressed');
  const [n, b] = [now.eventIds?.length ?? 0, before.eventIds?.length ?? 0];
  if (n !== b) changes.push(`events ${b} → ${n}`);
  if (now.description !== before.description && n === b) changes.push('description changed');
  return changes;
}

const policyKey = (p: PolicyHistory) => JSON.stringify([p.accountId, p.region, p.policyName]);

/** A finding's regions (`findingRegions`), sorted. */
const regionsOfFinding = (f: Finding): string[] => [...findingRegions(f)].sort();

/**
 * Findings of the current report matched, by id, to a finding of the previous one that is the same
 * but for its region: an id names a finding's region (`rule:account:region:resource…`), `multiple`
 * when its events are in several (since schema 1.5; before, the region its rule named). So the same
 * finding is `…:multiple:…` now and `…:us-east-1:…` in a report of 1.4, or the other way when its
 * events came to lie in one region: the same rule, account, resource and discriminator, the one
 * region among the several. Only findings not matched by id are looked at, each matched once.
 */
function findingsInOtherRegions(current: readonly Finding[], previous: readonly Finding[], nowById: Map<string, Finding>, beforeById: Map<string, Finding>): Map<string, Finding> {
  const anyRegion = (f: Finding): string | null => {
    const parts = f.id.split(':');
    if (parts.length < 4) return null;
    parts[2] = '';
    return JSON.stringify([f.ruleId, f.accountId, parts.join(':')]);
  };
  const waiting = new Map<string, Finding[]>();
  for (const f of previous) {
    if (nowById.has(f.id)) continue;
    const key = anyRegion(f);
    if (key !== null) getOrInsert(waiting, key, () => []).push(f);
  }
  const same = new Map<string, Finding>();
  if (waiting.size === 0) return same;
  for (const now of current) {
    if (beforeById.has(now.id)) continue;
    const key = anyRegion(now);
    const candidates = key === null ? undefined : waiting.get(key);
    if (candidates === undefined) continue;
    const regionsNow = regionsOfFinding(now);
    const at = candidates.findIndex((before) => {
      const regionsBefore = regionsOfFinding(before);
      return (now.region === MULTIPLE_REGIONS && regionsNow.includes(before.region)) || (before.region === MULTIPLE_REGIONS && regionsBefore.includes(now.region));
    });
    if (at >= 0) same.set(now.id, candidates.splice(at, 1)[0]!);
  }
  return same;
}

/**
 * A policy only failed or denied calls named (`changed` false; in a report before schema 1.5, no
 * change and a failed call): a refused CreatePolicy names a policy that may never have existed, so
 * it is neither new nor known before.
 */
const onlyFailed = (p: PolicyHistory) =>
  p.changed === false || (p.changed === undefined && Array.isArray(p.changes) && p.changes.length === 0 && Array.isArray(p.failedEventIds) && p.failedEventIds.length > 0);
const policyRef = (p: PolicyHistory): PolicyRef => ({ accountId: p.accountId, accountName: p.accountName ?? null, region: p.region, policyName: p.policyName });

/** This period created the policy (a CreatePolicy among its changes): it did not exist before, or was deleted and made again. */
const policyCreated = (p: PolicyHistory) => p.changes.some((c) => c.action === 'create');

/** This period created, registered or issued the certificate. */
const certificateMade = (c: CertificateLifecycle) => c.steps.some((s) => CERTIFICATE_MADE.has(s.action));

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

/**
 * A certificate only failed or denied calls named (`changed` false; in a report before schema 1.5,
 * no step and a failed call): nothing was done to it, so it is neither new nor known before.
 */
const certificateOnlyFailed = (c: CertificateLifecycle) =>
  c.changed === false || (c.changed === undefined && Array.isArray(c.steps) && c.steps.length === 0 && Array.isArray(c.failedEventIds) && c.failedEventIds.length > 0);

/** A certificate wherever it is: by kind, region and id (the account is where it is, and a transfer changes it). */
const certificateIdentity = (kind: string, region: string, certificateId: string) => JSON.stringify([kind, region, certificateId]);

/** The accounts the previous report had a certificate in: its `accounts` (schema 1.5), else the one it ended in. */
const accountsBefore = (b: CertificateLifecycle): (string | null)[] => (Array.isArray(b.accounts) ? b.accounts.map((a) => a.accountId) : [b.accountId]);

/** The ids of the events of a certificate's steps. */
const stepIds = (c: CertificateLifecycle): Set<string> => new Set(Array.isArray(c.steps) ? c.steps.map((s) => s.eventId) : []);

/** It came into the account it ends in from a transfer this report does not show: its first account is that sender (null). */
const acceptedFromUnseen = (c: CertificateLifecycle): boolean => c.accounts.length > 1 && c.accounts[0]!.accountId === null;

/**
 * Created or registered in the account it ends in by a call the previous report did not have: a
 * certificate of its own there, not the one the previous report had in that account and saw leave.
 */
function madeAgain(c: CertificateLifecycle, before: CertificateLifecycle): boolean {
  const seen = stepIds(before);
  return c.steps.some((s) => (s.action === 'created' || s.action === 'registered') && s.accountId === c.accountId && !seen.has(s.eventId));
}

/**
 * The previous report had the certificate deleted, and this period made it again (registered the
 * same certificate: its id is its fingerprint) by a call the previous report did not have: new, as
 * a policy deleted there and created again in this period is.
 */
function madeAfterDeletion(c: CertificateLifecycle, before: CertificateLifecycle): boolean {
  if (before.lastKnownStatus !== 'DELETED') return false;
  const seen = stepIds(before);
  return c.steps.some((s) => CERTIFICATE_MADE.has(s.action) && !seen.has(s.eventId));
}

/**
 * The previous report's certificate each certificate of this report is, if any. A certificate of
 * the same kind, region and id is the same one when the previous report had it in an account
 * this report shows it leaving by a transfer (its `accounts` before the last, the earliest
 * first); else when it had it in the account it ends in; else, for one accepted from a transfer
 * this report does not show (its first account null), when the previous report left it pending a
 * transfer (`PENDING_TRANSFER`) in another account; else when the previous report's `accounts`
 * list the account it ends in (it was known there: a run narrowed by `--account` does not see it
 * leave), unless this report shows it created or registered there by a call the previous report
 * did not have; else, for one whose place this report does not show (`accountId` null: only its
 * rejection by another account is in it), one in an account none of its steps were made in.
 * Each previous certificate is matched once, the transferred ones first: a certificate
 * registered again in an account it left this period is new there. A previous report of
 * schema 1.4 has no `accounts`: its certificates were in the account each ended in.
 */
function previousCertificates(current: readonly CertificateLifecycle[], previous: readonly CertificateLifecycle[]): Map<CertificateLifecycle, CertificateLifecycle> {
  const byIdentity = new Map<string, CertificateLifecycle[]>();
  for (const c of previous) getOrInsert(byIdentity, certificateIdentity(c.kind, c.region, c.certificateId), () => []).push(c);
  const claimed = new Set<CertificateLifecycle>();
  const found = new Map<CertificateLifecycle, CertificateLifecycle>();
  const claim = (c: CertificateLifecycle, accepts: (before: CertificateLifecycle) => boolean): boolean => {
    if (found.has(c)) return true;
    const before = byIdentity.get(certificateIdentity(c.kind, c.region, c.certificateId))?.find((b) => !claimed.has(b) && accepts(b));
    if (before === undefined) return false;
    claimed.add(before);
    found.set(c, before);
    return true;
  };
  for (const c of current) {
    const left = c.accounts.slice(0, -1);
    for (const a of left) if (a.accountId !== null && claim(c, (b) => b.accountId === a.accountId)) break;
  }
  for (const c of current) if (c.accountId !== null) claim(c, (b) => b.accountId === c.accountId);
  for (const c of current) {
    if (!acceptedFromUnseen(c)) continue;
    const accepting = c.accounts[1]!.accountId;
    claim(c, (b) => b.lastKnownStatus === 'PENDING_TRANSFER' && b.accountId !== accepting);
  }
  for (const c of current) {
    if (c.accountId !== null) claim(c, (b) => accountsBefore(b).includes(c.accountId) && !madeAgain(c, b));
  }
  for (const c of current) {
    if (c.accountId === null) claim(c, (b) => !c.steps.some((s) => s.accountId === b.accountId));
  }
  return found;
}

/**
 * Why this report cannot compare its certificate's status with the previous report's, or null
 * when it can: its place is not shown (`accountId` null); the previous report had it in another
 * account, and this report does not show it moving from there (`moved`); or the previous report
 * holds changes of it made in this report's period that this one does not show (the periods
 * overlap, and this run was narrowed by `--account`: the receiving account's rejection of its
 * transfer, which left it INACTIVE, against PENDING_TRANSFER here). Only what both saw is compared.
 */
function statusNotCompared(c: CertificateLifecycle, before: CertificateLifecycle, moved: boolean, periodStart: number): string | null {
  if (c.accountId === null) return 'this report shows only the answer to its transfer, not where it is';
  if (before.accountId !== c.accountId && !moved) {
    return `the previous report had it in ${clip(before.accountId ?? 'an account it did not show', 40)}, where this report does not show it`;
  }
  const overlap = Array.isArray(before.steps) ? before.steps.filter((s) => Date.parse(s.eventTime) >= periodStart) : [];
  const seen = overlap.length === 0 ? null : stepIds(c);
  const unseen = seen !== null && overlap.some((s) => !seen.has(s.eventId));
  return unseen ? 'the previous report shows changes of it in this report’s period that this one does not' : null;
}

/** Certificates of both reports whose statuses differ but were not compared (`statusNotCompared`): said, not counted as changed. */
function certificatesNotComparedWarning(items: readonly { c: CertificateLifecycle; before: CertificateLifecycle; why: string }[]): string[] {
  if (items.length === 0) return [];
  const status = (s: string | null | undefined) => (s === null || s === undefined ? 'unknown' : clip(s, 40));
  const named = items.slice(0, NAMED).map(({ c, before, why }) => `${c.certificateId.slice(0, 8)}…, ${status(before.lastKnownStatus)} then, ${status(c.lastKnownStatus)} now: ${why}`);
  const n = items.length;
  const more = n > NAMED ? `; and ${n - NAMED} more` : '';
  return [
    `${n === 1 ? '1 certificate' : `${n} certificates`} of both reports with a different status ${n === 1 ? 'is' : 'are'} not counted as changed, as this report does not see what the previous one saw: ${named.join('; ')}${more}.`,
  ];
}

const certificateRef = (c: CertificateLifecycle): CertificateRef => ({
  accountId: c.accountId,
  accountName: c.accountName ?? null,
  region: c.region,
  certificateId: c.certificateId,
  kind: c.kind,
  status: c.lastKnownStatus ?? null,
});

const actorRef = (a: ActorSummary): ActorRef => ({ key: a.key, label: a.label ?? a.key, type: a.type ?? null });

/** The previous report's findings of rules that did not run now: neither resolved nor still open, as far as this report knows. */
function notRecheckedWarning(findings: readonly { ruleId: string }[]): string[] {
  if (findings.length === 0) return [];
  const rules = [...new Set(findings.map((f) => f.ruleId))].sort();
  const n = findings.length;
  return [
    `${n} ${n === 1 ? 'finding' : 'findings'} of the previous report ${n === 1 ? 'is' : 'are'} from rules that did not run for this one (failed or disabled: ${rules.join(', ')}): not counted among the findings no longer reported, as nobody looked again.`,
  ];
}

/** Accounts or regions named in a warning; the rest counted. */
const NAMED = 5;

function someOf(items: readonly string[]): string {
  const more = items.length > NAMED ? ` and ${items.length - NAMED} more` : '';
  return `${items.slice(0, NAMED).join(', ')}${more}`;
}

/** The accounts and regions a report covered (its `filters`); an empty set: all of them. */
interface Scope {
  accounts: ReadonlySet<string>;
  regions: ReadonlySet<string>;
}

/** A report's scope. A previous report without `filters` (checked optional by `assertReport`) is read as covering everything. */
function scopeOf(report: ReportModel): Scope {
  const filters = (report as { filters?: Partial<ReportModel['filters']> }).filters;
  return { accounts: new Set(filters?.accounts ?? []), regions: new Set(filters?.regions ?? []) };
}

/** Where a finding of the previous report is; `region` may be missing from a hand-made file. */
type Place = { accountId: string; region?: string; regions?: string[] };

/**
 * The regions of a place: a finding's `regions` (several when its `region` is `multiple`, since
 * schema 1.5), else its `region`; undefined when it has none (only in a hand-made file).
 */
function regionsOf(p: Place): readonly string[] | undefined {
  if (Array.isArray(p.regions) && p.regions.length > 0) return p.regions;
  return p.region === undefined ? undefined : [p.region];
}

/**
 * Whether a run of this scope looked where a finding is: its account among the accounts covered
 * (any, without an account filter) and its region among the regions covered (any, without a
 * region filter). A finding of no single account or region is covered only by a run of every
 * account (or region): a run narrowed by `--account` or `--region` keeps only the records placed
 * in an account and a region asked for (`inPlaces`), so it did not look again at such a finding.
 * There is none today: every rule's finding is in the account of its events and in their regions
 * (`regions`: several for new-source, which groups an account's changes of every region: covered
 * when each of them is), `unknown` when a record said none (which no account filter lists); were
 * a rule to report on the whole organization, its finding would be "not looked at again" by a run
 * of some accounts, not resolved.
 * A previous finding without a region (only in a hand-made file: every report has one) is in one
 * of the regions its report covered: covered when this run covers each of those.
 */
function covers(now: Scope, before: Scope, f: Place): boolean {
  if (now.accounts.size > 0 && !now.accounts.has(f.accountId)) return false;
  if (now.regions.size === 0) return true;
  const regions = regionsOf(f);
  if (regions !== undefined) return regions.every((r) => now.regions.has(r));
  return before.regions.size > 0 && [...before.regions].every((r) => now.regions.has(r));
}

/**
 * What the previous report covered that this one does not, in one dimension (accounts or regions),
 * or null when this one covers all of it: those the previous report asked for and this one did
 * not, and those where it had findings, policies or certificates; when it covered all and had
 * nothing outside, "every account but" those this one covers.
 */
function lost(now: ReadonlySet<string>, before: ReadonlySet<string>, where: readonly (string | undefined)[], noun: string): { named: string } | { allBut: string } | null {
  if (now.size === 0) return null;
  const outside = new Set([...before].filter((x) => !now.has(x)));
  for (const x of where) if (x !== undefined && !now.has(x)) outside.add(x);
  if (outside.size > 0) return { named: someOf([...outside].sort()) };
  return before.size === 0 ? { allBut: `every ${noun} but ${someOf([...now].sort())}` } : null;
}

/**
 * The previous report covered accounts or regions this one does not (`--account`, `--region`, or
 * sources of fewer accounts): its findings there (`notCovered`) are not resolved, as nobody looked
 * again. Said even without such findings: its actors there are "not seen now" for the same reason.
 * A previous report of fewer accounts or regions is no matter: this one covers what it covered.
 */
function narrowedScopeWarning(previous: ReportModel, now: Scope, before: Scope, notCovered: readonly Place[]): string[] {
  const places: Place[] = [...previous.findings, ...previous.policies, ...previous.certificates.map((c) => ({ accountId: c.accountId ?? '', region: c.region }))];
  // A certificate whose place its report did not show (`accountId` null) is in no account it covered, but in its region.
  const accounts = lost(now.accounts, before.accounts, places.map((p) => (p.accountId === '' ? undefined : p.accountId)), 'account');
  const regions = lost(now.regions, before.regions, places.flatMap((p): (string | undefined)[] => [...(regionsOf(p) ?? [undefined])]), 'region');
  // Then this run covers every place of the previous report's (and so each of its findings: see `covers`).
  if (accounts === null && regions === null) return [];
  const shown = (part: { named: string } | { allBut: string }, noun: string, both: boolean) =>
    'named' in part ? (both ? `${noun} ${part.named}` : part.named) : part.allBut;
  const what =
    accounts !== null && regions !== null
      ? `accounts and regions this one does not (${shown(accounts, 'accounts', true)}; ${shown(regions, 'regions', true)})`
      : accounts !== null
        ? `accounts this one does not (${shown(accounts, 'accounts', false)})`
        : `regions this one does not (${shown(regions!, 'regions', false)})`;
  const n = notCovered.length;
  const findings =
    n === 0
      ? 'none of its findings were there.'
      : `its ${n === 1 ? 'finding' : `${n} findings`} there ${n === 1 ? 'is' : 'are'} not counted among the findings no longer reported, as nobody looked again.`;
  return [`The previous report covered ${what}: ${findings}`];
}

/**
 * Whether this run read a log file of the period where a finding is: its account and region
 * among those of `coverage.perAccount` with files read (whatever the filters: sources of some
 * accounts' region folders, a copy missing an account, an account with no log this month). A
 * run with a plain folder of log files among its sources may have read anywhere (its files are
 * placed by no folder), and one with an Athena table counts only the places whose rows held an
 * IoT call (a place whose logs held none looks unread): every place counts as read then; so
 * does a finding of no known account. One of no known region (`unknown`, or none in a hand-made
 * file) is read where its account is.
 */
function placesRead(current: ReportModel): (f: Place) => boolean {
  if (current.sources.some((s) => s.layout === 'files' || s.kind === 'athena')) return () => true;
  const read = new Map<string, Set<string>>();
  for (const a of current.coverage.perAccount) {
    if (a.files > 0) read.set(a.accountId, new Set(a.regions.filter((r) => r.files > 0).map((r) => r.region)));
  }
  return (f) => {
    // A finding of no known account (records that named none, in a plain folder): no place to tell.
    if (f.accountId === 'unknown') return true;
    const regions = read.get(f.accountId);
    if (regions === undefined) return false;
    // A finding of several regions (new-source) was looked at again where each of them was read.
    return (regionsOf(f) ?? []).every((r) => r === 'unknown' || regions.has(r));
  };
}

/**
 * The previous report's findings (of the accounts and regions this one covers) where this run
 * read no log file of the period (`placesRead`): nobody looked again there either.
 */
function noLogsWarning(findings: readonly Place[]): string[] {
  if (findings.length === 0) return [];
  const places = [
    ...new Set(findings.flatMap((f) => (regionsOf(f) ?? ['unknown']).map((r) => (r === 'unknown' ? f.accountId : `${f.accountId} ${r}`)))),
  ].sort();
  const n = findings.length;
  return [
    `${n} ${n === 1 ? 'finding' : 'findings'} of the previous report ${n === 1 ? 'is' : 'are'} in ${places.length === 1 ? 'an account and region' : 'accounts and regions'} of which this report read no log file (${someOf(places)}): not counted among the findings no longer reported, as nobody looked again.`,
  ];
}

/**
 * What a reader must know when the previous report is not of an earlier period: the same period
 * (a second run), a later one (new and resolved read backwards), or one that overlaps this one.
 */
function periodWarnings(current: Period, previous: Period): string[] {
  const [start, end, previousStart, previousEnd] = [current.start, current.end, previous.start, previous.end].map((t) => Date.parse(t));
  if (previousStart === start && previousEnd === end) {
    return [`The previous report covers the same period as this one (${previous.label}): what is new or no longer reported is since that report of the same period, not since an earlier period.`];
  }
  if (previousStart > start || (previousStart === start && previousEnd > end)) {
    return [`The previous report covers a later period (${previous.label}) than this one (${current.label}): new and no longer reported read the other way round; compare with the report of an earlier period.`];
  }
  if (previousEnd > start) {
    return [`The previous report's period (${previous.label}) overlaps this one (${current.label}): changes in the overlap are in both reports, so they are neither new nor no longer reported here.`];
  }
  return [];
}

/**
 * `notRun`: rules that did not run for `current` besides those that failed (its `ruleErrors`):
 * those disabled by the config. A finding of the previous report absent now is "resolved" only
 * when this run looked again: not when it is in an account or region `current` did not cover
 * (its `filters`), in an account and region of which `current` read no log file (`placesRead`),
 * or from a rule that did not run. A warning counts each kind (a finding in the first that
 * applies, in that order).
 */
export function compareReports(current: ReportModel, previous: unknown, label = 'previous report', notRun: Iterable<string> = []): Comparison {
  assertReport(previous, label);
  const unchecked = new Set([...notRun, ...current.ruleErrors.map((e) => e.ruleId)]);
  const scope = scopeOf(current);
  const scopeBefore = scopeOf(previous);
  const read = placesRead(current);

  const beforeFindings = byKey(previous.findings, (f) => f.id);
  const nowFindings = byKey(current.findings, (f) => f.id);
  // The same finding under another id: one of several regions now, of one before (or the other way).
  const sameAs = findingsInOtherRegions(current.findings, previous.findings, nowFindings, beforeFindings);
  const matchedBefore = new Set([...nowFindings.keys()].filter((id) => beforeFindings.has(id)));
  for (const before of sameAs.values()) matchedBefore.add(before.id);
  const changed: FindingChange[] = [];
  let unchanged = 0;
  for (const [id, now] of nowFindings) {
    const before = beforeFindings.get(id) ?? sameAs.get(id);
    if (!before) continue;
    const changes = findingChanges(now, before);
    if (changes.length > 0) changed.push({ ...findingRef(now), changes });
    else unchanged++;
  }

  const beforePolicies = byKey(previous.policies.filter((p) => !onlyFailed(p)), policyKey);
  const newPolicies: NewPolicyRef[] = [];
  const deletedPolicies: PolicyRef[] = [];
  const changedPolicies: PolicyChangeRef[] = [];
  const firstSeenPolicies: PolicyRef[] = [];
  for (const policy of current.policies) {
    if (onlyFailed(policy)) continue;
    const before = beforePolicies.get(policyKey(policy));
    // Created in this period, and not the previous report's (or deleted there): new, even when deleted again by its end.
    if (policyCreated(policy) && (!before || before.deleted === true)) newPolicies.push({ ...policyRef(policy), deleted: policy.deleted });
    else if (policy.deleted && !before?.deleted) deletedPolicies.push(policyRef(policy));
    else if (!before) firstSeenPolicies.push(policyRef(policy));
    else {
      const changes = policyChanges(policy, before);
      if (changes.length > 0) changedPolicies.push({ ...policyRef(policy), changes });
    }
  }

  const certificates = current.certificates.filter((c) => !certificateOnlyFailed(c));
  const beforeCertificates = previousCertificates(
    certificates,
    previous.certificates.filter((c) => !certificateOnlyFailed(c)),
  );
  const newCertificates: CertificateRef[] = [];
  const firstSeenCertificates: CertificateRef[] = [];
  const changedCertificates: CertificateChangeRef[] = [];
  const notCompared: { c: CertificateLifecycle; before: CertificateLifecycle; why: string }[] = [];
  const periodStart = Date.parse(current.period.start);
  for (const certificate of certificates) {
    const before = beforeCertificates.get(certificate);
    if (!before) {
      (certificateMade(certificate) ? newCertificates : firstSeenCertificates).push(certificateRef(certificate));
      continue;
    }
    if (madeAfterDeletion(certificate, before)) {
      newCertificates.push(certificateRef(certificate));
      continue;
    }
    // Moved: this report shows it leaving the account the previous report had it in, or accepted
    // from a transfer it does not show, which the previous report left pending.
    const moved =
      before.accountId !== null &&
      certificate.accountId !== null &&
      before.accountId !== certificate.accountId &&
      (certificate.accounts.slice(0, -1).some((a) => a.accountId === before.accountId) ||
        (acceptedFromUnseen(certificate) && before.lastKnownStatus === 'PENDING_TRANSFER'));
    const why = statusNotCompared(certificate, before, moved, periodStart);
    if (why !== null) {
      if ((certificate.lastKnownStatus ?? null) !== (before.lastKnownStatus ?? null)) notCompared.push({ c: certificate, before, why });
      continue;
    }
    const movedFrom = moved && before.accountId !== null ? { accountId: before.accountId, accountName: before.accountName ?? null } : null;
    const statusChanged = !!certificate.lastKnownStatus && certificate.lastKnownStatus !== before.lastKnownStatus;
    if (movedFrom !== null || statusChanged) {
      changedCertificates.push({ ...certificateRef(certificate), previousStatus: before.lastKnownStatus ?? null, movedFrom });
    }
  }

  const beforeActors = byKey(previous.actors, (a) => a.key);
  const nowActors = byKey(current.actors, (a) => a.key);
  // An actor not seen now is gone only if this run looked where it acted: one account of its
  // (`accounts`, the accounts it called) in this run's scope and read. One without that list
  // (a hand-made file) is judged gone, as before.
  const lookedAt = (accountId: string) => covers(scope, scopeBefore, { accountId }) && read({ accountId });
  const unseen = previous.actors.filter((a) => !nowActors.has(a.key));
  const actorsNotLookedAt = unseen.filter((a) => Array.isArray(a.accounts) && a.accounts.length > 0 && !a.accounts.some(lookedAt));
  const findingOrder = (f: FindingRef) => f.id;
  // Findings of the previous report not found now, and of those, the ones nobody looked at again:
  // outside this run's accounts and regions, in an account of which it read no log, of a rule that did not run.
  const notCovered: Finding[] = [];
  const notRead: Finding[] = [];
  const notRechecked: Finding[] = [];
  const resolved: Finding[] = [];
  for (const f of previous.findings) {
    if (matchedBefore.has(f.id)) continue;
    if (!covers(scope, scopeBefore, f)) notCovered.push(f);
    else if (!read(f)) notRead.push(f);
    else if (unchecked.has(f.ruleId)) notRechecked.push(f);
    else resolved.push(f);
  }
  const policyOrder = (p: PolicyRef) => JSON.stringify([p.accountId, p.region, p.policyName]);
  const certificateOrder = (c: CertificateRef) => JSON.stringify([c.accountId, c.region, c.kind, c.certificateId]);
  return {
    previous: {
      title: previous.title,
      generatedAt: previous.generatedAt,
      schemaVersion: previous.schemaVersion,
      // The fields a period has, not whatever else the file put in it.
      period: {
        start: previous.period.start,
        end: previous.period.end,
        timeZone: previous.period.timeZone,
        month: previous.period.month,
        label: previous.period.label,
      },
    },
    warnings: [
      ...periodWarnings(current.period, previous.period),
      ...narrowedScopeWarning(previous, scope, scopeBefore, notCovered),
      ...noLogsWarning(notRead),
      ...(actorsNotLookedAt.length > 0
        ? [
            `${actorsNotLookedAt.length === 1 ? '1 actor' : `${actorsNotLookedAt.length} actors`} of the previous report not seen now acted only in accounts or regions this report did not cover or read: not counted as gone.`,
          ]
        : []),
      ...notRecheckedWarning(notRechecked),
      ...certificatesNotComparedWarning(notCompared),
    ],
    findings: {
      new: sortedBy(current.findings.filter((f) => !beforeFindings.has(f.id) && !sameAs.has(f.id)).map(findingRef), findingOrder),
      resolved: sortedBy(resolved.map(findingRef), findingOrder),
      changed: sortedBy(changed, findingOrder),
      unchanged,
    },
    policies: {
      new: sortedBy(newPolicies, policyOrder),
      deleted: sortedBy(deletedPolicies, policyOrder),
      changed: sortedBy(changedPolicies, policyOrder),
      newDeleted: newPolicies.filter((p) => p.deleted).length,
    },
    certificates: {
      new: sortedBy(newCertificates, certificateOrder),
      changed: sortedBy(changedCertificates, certificateOrder),
      moved: changedCertificates.filter((c) => c.movedFrom !== null).length,
    },
    actors: {
      new: sortedBy(current.actors.filter((a) => !beforeActors.has(a.key)).map(actorRef), (a) => a.key),
      gone: sortedBy(unseen.filter((a) => !actorsNotLookedAt.includes(a)).map(actorRef), (a) => a.key),
    },
    firstSeen: { policies: sortedBy(firstSeenPolicies, policyOrder), certificates: sortedBy(firstSeenCertificates, certificateOrder) },
  };
}

export type { ActorRef, CertificateChangeRef, CertificateRef, Comparison, FindingChange, FindingRef, PolicyChangeRef, PolicyRef };
