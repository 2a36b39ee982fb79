/**
 * The findings runner: evaluates every enabled rule over the period, turns hits into
 * findings with deterministic ids, applies severity overrides and suppressions, and
 * sorts. A rule that throws becomes a RuleError; the run goes on.
 */
import { createHash } from 'node:crypto';
import type {
  AccountInfo,
  CertificateLifecycle,
  Finding,
  IotEvent,
  Period,
  PolicyHistory,
  RuleError,
  Severity,
  Summary,
} from '../report/model.js';
import type { AuditConfig, RuleSettings, Suppression } from '../config/types.js';
import { oneLine } from '../errors.js';
import { MULTIPLE_REGIONS } from '../report/model.js';
import { RULES } from './rules/index.js';
import type { Rule, RuleHit, RuleParams } from './rules/types.js';
import { matchesGlob } from './rules/support/glob.js';
import { forgetLocalTimes } from './rules/support/grouping.js';
import { knownPolicyVersions, type KnownPolicyVersion } from './rules/support/policy-versions.js';
import { BoundedMemo, getOrInsert } from '../memo.js';
import { distinct } from './params.js';

/** Least to most severe. */
export const SEVERITIES: readonly Severity[] = ['info', 'low', 'medium', 'high', 'critical'];

const RANKS = new Map<string, number>(SEVERITIES.map((s, i) => [s, i]));

/** Position in SEVERITIES; -1 for anything else. */
export function severityRank(severity: Severity): number {
  return RANKS.get(severity) ?? -1;
}

export interface FindingsInput {
  events: readonly IotEvent[];
  certificates: readonly CertificateLifecycle[];
  policies: readonly PolicyHistory[];
  accounts: readonly AccountInfo[];
  period: Period;
  config: AuditConfig;
  /** The report's generation time (an input, never the clock): decides which suppressions have expired. */
  now: string;
  /** The rules to run; every registered rule by default. */
  rules?: Readonly<Record<string, Rule>>;
}

export interface FindingsResult {
  /** By severity (critical first), then time, then id. */
  findings: Finding[];
  ruleErrors: RuleError[];
  /** Facts worth a line in the report, e.g. suppressions that expired. */
  notes: string[];
}

const RESERVED_SETTINGS = new Set(['enabled', 'severity']);

/** A rule's parameters: its defaults overlaid with the user's settings. */
export function resolveParams(rule: Rule, settings: RuleSettings | undefined): RuleParams {
  const params: RuleParams = { ...rule.defaults };
  for (const [key, value] of Object.entries(settings ?? {})) {
    if (!RESERVED_SETTINGS.has(key) && value !== undefined) params[key] = value;
  }
  return params;
}

export function isRuleEnabled(settings: RuleSettings | undefined): boolean {
  return settings?.enabled !== false;
}

/** The ids of the built-in rules `config` disables: they run for no report it makes. */
export function disabledRules(config: AuditConfig): string[] {
  return Object.keys(RULES).filter((id) => !isRuleEnabled(config.rules[id]));
}

export function effectiveSeverity(rule: Rule, settings: RuleSettings | undefined): Severity {
  return settings?.severity ?? rule.severity;
}

function lowered(severity: Severity, by: number | undefined): Severity {
  const steps = Number.isInteger(by) && by! > 0 ? by! : 0;
  return SEVERITIES[Math.max(0, severityRank(severity) - steps)]!;
}

// Id parts keep readable characters; anything else is replaced and a short hash of the
// raw value keeps distinct values distinct.
const SAFE_PART = /^[A-Za-z0-9._@+=,/-]{1,100}$/;

// A month's findings repeat the same few principals, accounts and regions thousands of times.
const idParts = new BoundedMemo<string, string>(10_000);

function idPart(value: string): string {
  return SAFE_PART.test(value) ? value : idParts.get(value, hashedIdPart);
}

/** A value unfit for an id, cleaned and told apart from others by a hash of it. */
function hashedIdPart(value: string): string {
  const clean = value.replace(/[^A-Za-z0-9._@+=,/-]+/g, '_').slice(0, 60);
  const hash = createHash('sha256').update(value).digest('hex').slice(0, 8);
  return `${clean}~${hash}`;
}

export function findingId(ruleId: string, hit: Pick<RuleHit, 'accountId' | 'region' | 'resource' | 'discriminator'>): string {
  return idWithRulePart(idPart(ruleId), hit);
}

/** `findingId` with the rule's part worked out already (once per rule, not per hit). */
function idWithRulePart(rulePart: string, hit: Pick<RuleHit, 'accountId' | 'region' | 'resource' | 'discriminator'>): string {
  const id = `${rulePart}:${idPart(hit.accountId)}:${idPart(hit.region)}:${idPart(hit.resource)}`;
  return hit.discriminator !== undefined && hit.discriminator !== '' ? `${id}:${idPart(hit.discriminator)}` : id;
}

/**
 * Hands out finding ids unique within a run: the base id the first time, then the first of
 * `base~2`, `base~3`, ... not taken yet. Forged logs can give thousands of hits one base id,
 * so each base keeps the suffix to try next instead of trying ~2, ~3, ... again every time.
 */
export function uniqueIdMaker(): (baseId: string) => string {
  const used = new Set<string>();
  const nextSuffix = new Map<string, number>();
  return (baseId) => {
    let id = baseId;
    if (used.has(id)) {
      // Ids are never given back, so every suffix below the counter is still taken. A suffixed
      // id may also be taken already as another hit's base id (a base that reads `x~2`): the
      // search steps over it, as it steps over its own earlier ids.
      let n = nextSuffix.get(baseId) ?? 2;
      while (used.has((id = `${baseId}~${n}`))) n++;
      nextSuffix.set(baseId, n + 1);
    }
    used.add(id);
    return id;
  };
}

function validHit(hit: unknown): hit is RuleHit {
  if (hit === null || typeof hit !== 'object') return false;
  const h = hit as Record<string, unknown>;
  if (
    typeof h.accountId !== 'string' ||
    typeof h.region !== 'string' ||
    typeof h.resource !== 'string' ||
    typeof h.time !== 'string' ||
    typeof h.description !== 'string' ||
    !Array.isArray(h.eventIds)
  ) {
    return false;
  }
  const ids = h.eventIds as unknown[];
  for (let i = 0; i < ids.length; i++) if (typeof ids[i] !== 'string') return false;
  return true;
}

function isExpired(suppression: Suppression, now: string): boolean {
  if (suppression.expires === null) return false;
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(suppression.expires);
  // A date is valid through the end of that UTC day (until the next midnight, excluded); a
  // date-time through that instant, included (the schema's "last instant the suppression applies").
  const now_ = Date.parse(now);
  if (dateOnly) return Date.parse(`${suppression.expires}T00:00:00Z`) + 86_400_000 <= now_;
  const end = Date.parse(suppression.expires);
  return Number.isFinite(end) && end < now_;
}

function suppressionMatches(s: Suppression, finding: Finding): boolean {
  return (
    (s.account === '*' || s.account === finding.accountId) &&
    (s.rule === '*' || s.rule === finding.ruleId) &&
    matchesGlob(s.resource, finding.resource)
  );
}

function compareTimeThenId(a: Finding, b: Finding): number {
  return (a.time < b.time ? -1 : a.time > b.time ? 1 : 0) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/**
 * By severity (most severe first), then time, then id, in place. Severities are few:
 * findings are put in one bucket per severity and each bucket sorted, which spares a
 * month's findings a severity lookup in every comparison.
 */
function sortFindings(findings: Finding[]): void {
  const buckets: Finding[][] = SEVERITIES.map(() => []);
  const unknown: Finding[] = [];
  for (let i = 0; i < findings.length; i++) {
    const rank = severityRank(findings[i]!.severity);
    (rank < 0 ? unknown : buckets[rank]!).push(findings[i]!);
  }
  buckets.reverse().push(unknown);
  let i = 0;
  for (const bucket of buckets) {
    bucket.sort(compareTimeThenId);
    for (let b = 0; b < bucket.length; b++) findings[i++] = bucket[b]!;
  }
}


/** A valid hit of a rule, before it is a finding. */
interface MadeHit {
  ruleId: string;
  rule: Rule;
  severity: Severity;
  hit: RuleHit;
}

/**
 * The regions of each hit's events, sorted; the hit's own region when none of its events is
 * among `events` (a rule's test hits). Only the events of hits of several events are looked up,
 * in one pass over the events: a hit of one event is in the region its rule named.
 */
function hitRegions(made: readonly MadeHit[], events: readonly IotEvent[]): (hit: RuleHit) => string[] {
  const wanted = new Map<string, string | null>();
  for (let m = 0; m < made.length; m++) {
    const ids = made[m]!.hit.eventIds;
    if (ids.length > 1) for (let i = 0; i < ids.length; i++) wanted.set(ids[i]!, null);
  }
  if (wanted.size > 0) {
    for (let i = 0; i < events.length; i++) {
      const e = events[i]!;
      if (wanted.has(e.eventId)) wanted.set(e.eventId, e.region);
    }
  }
  return (hit) => {
    if (hit.eventIds.length <= 1) return [hit.region];
    const regions = new Set<string>();
    for (let i = 0; i < hit.eventIds.length; i++) {
      const region = wanted.get(hit.eventIds[i]!);
      if (region !== null && region !== undefined) regions.add(region);
    }
    if (regions.size === 0) regions.add(hit.region);
    return [...regions].sort();
  };
}

export function evaluateFindings(input: FindingsInput): FindingsResult {
  const rules = input.rules ?? RULES;
  const names = new Map<string, string | null>();
  for (const account of input.accounts) names.set(account.id, account.name);
  // Indexed loops over events and hits: they run thousands of times, mostly before the JIT has optimized them.
  const events = input.events;
  for (let i = 0; i < events.length; i++) {
    const event = events[i]!;
    if (!names.get(event.accountId) && event.accountName) names.set(event.accountId, event.accountName);
  }

  const findings: Finding[] = [];
  const made: MadeHit[] = [];
  const ruleErrors: RuleError[] = [];
  const uniqueId = uniqueIdMaker();
  let versions: readonly KnownPolicyVersion[] | undefined;
  const policyVersions = () => (versions ??= knownPolicyVersions(input.events, input.policies));
  for (const [ruleId, rule] of Object.entries(rules)) {
    const settings = input.config.rules[ruleId];
    if (!isRuleEnabled(settings)) continue;
    let hits: unknown[];
    try {
      const result: unknown = rule.evaluate({
        events: input.events,
        certificates: input.certificates,
        policies: input.policies,
        accounts: input.accounts,
        period: input.period,
        params: resolveParams(rule, settings),
        config: input.config,
        policyVersions,
      });
      if (!Array.isArray(result)) throw new Error('evaluate did not return a list of hits');
      hits = result;
    } catch (error) {
      ruleErrors.push({ ruleId, message: oneLine(error) || 'the rule failed without a message' });
      continue;
    }
    const severity = effectiveSeverity(rule, settings);
    let invalid = 0;
    for (let h = 0; h < hits.length; h++) {
      const hit = hits[h];
      if (validHit(hit)) made.push({ ruleId, rule, severity, hit });
      else invalid++;
    }
    if (invalid > 0) ruleErrors.push({ ruleId, message: `${invalid} invalid hit(s) ignored` });
  }

  // Where each finding is: the regions of its events, not only the one its rule named (new-source
  // groups an account's changes of every region). Ids are handed out in rule and hit order, as made.
  const regionsOf = hitRegions(made, events);
  const rulePart = new Map<string, string>();
  for (let m = 0; m < made.length; m++) {
    const { ruleId, rule, severity, hit } = made[m]!;
    const regions = regionsOf(hit);
    const region = regions.length === 1 ? regions[0]! : MULTIPLE_REGIONS;
    const place = { accountId: hit.accountId, region, resource: hit.resource, discriminator: hit.discriminator };
    const id = uniqueId(idWithRulePart(getOrInsert(rulePart, ruleId, () => idPart(ruleId)), place));
    findings.push({
      id,
      ruleId,
      severity: lowered(severity, hit.lowerSeverityBy),
      title: rule.title,
      description: hit.description,
      remediation: rule.remediation,
      accountId: hit.accountId,
      accountName: names.get(hit.accountId) ?? null,
      region,
      regions,
      resource: hit.resource,
      resourceKind: rule.resourceKind,
      eventIds: distinct(hit.eventIds),
      time: hit.time,
      evidence: typeof hit.evidence === 'string' ? hit.evidence : null,
      suppressed: false,
      suppressionReason: null,
      suppressionNote: null,
    });
  }

  forgetLocalTimes();
  const notes = applySuppressions(findings, input.config.suppressions, input.now);
  sortFindings(findings);
  ruleErrors.sort((a, b) => (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0));
  return { findings, ruleErrors, notes };
}

/**
 * Marks suppressed findings in place; an expired suppression is not applied and the finding says so.
 * The notes on expired suppressions come most telling first, for every output that lists or caps
 * them: by the highest severity of the findings they no longer suppress, then by how many, then by
 * rule (a capped list had shown them in the config's order, two high findings hidden behind "…and 1 more note").
 */
function applySuppressions(findings: Finding[], suppressions: readonly Suppression[], now: string): string[] {
  if (suppressions.length === 0) return [];
  const expiredUse = new Map<Suppression, { n: number; rank: number }>();
  for (const finding of findings) {
    const matching = suppressions.filter((s) => suppressionMatches(s, finding));
    const active = matching.find((s) => !isExpired(s, now));
    if (active) {
      finding.suppressed = true;
      finding.suppressionReason = active.reason;
      continue;
    }
    const expired = matching[0];
    if (expired) {
      // Not its suppression reason: the finding is not suppressed (a filter on that column read it as one).
      finding.suppressionNote = `suppression expired on ${expired.expires}, not applied (${expired.reason})`;
      const use = getOrInsert(expiredUse, expired, () => ({ n: 0, rank: -1 }));
      use.n += 1;
      use.rank = Math.max(use.rank, severityRank(finding.severity));
    }
  }
  return [...expiredUse]
    .sort(([a, x], [b, y]) => y.rank - x.rank || y.n - x.n || (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0))
    .map(
      ([s, { n }]) =>
        `Suppression of ${s.rule} for "${s.resource}" in account ${s.account} expired on ${s.expires} and was not applied to ${n} finding${n === 1 ? '' : 's'}.`,
    );
}

/** Unsuppressed and suppressed findings per severity, every severity listed (most severe first). */
export function countFindingsBySeverity(findings: readonly Finding[]): Summary['findingsBySeverity'] {
  const counts = [...SEVERITIES].reverse().map((severity) => ({ severity, count: 0, suppressed: 0 }));
  const bySeverity = new Map(counts.map((c) => [c.severity, c]));
  for (let i = 0; i < findings.length; i++) {
    const finding = findings[i]!;
    const entry = bySeverity.get(finding.severity);
    if (entry === undefined) continue;
    if (finding.suppressed) entry.suppressed++;
    else entry.count++;
  }
  return counts;
}

/** Whether any unsuppressed finding is at or above a severity (for `--fail-on`). */
export function hasFindingsAtOrAbove(findings: readonly Finding[], threshold: Severity): boolean {
  return findings.some((f) => !f.suppressed && severityRank(f.severity) >= severityRank(threshold));
}
