/**
 * What a findings rule is and what it sees. Rules are pure: they read only their
 * context (no clock, no environment, no I/O) and return hits; the runner
 * (`analysis/findings.ts`) turns hits into findings.
 */
import type {
  AccountInfo,
  CertificateLifecycle,
  IotEvent,
  Period,
  PolicyHistory,
  ResourceKind,
  Severity,
} from '../../report/model.js';
import type { AuditConfig } from '../../config/types.js';
import type { KnownPolicyVersion } from './support/policy-versions.js';

export type RuleParams = Record<string, unknown>;

export type { ResourceKind };

export interface RuleContext<P extends RuleParams = RuleParams> {
  /**
   * The period's IoT events, sorted by time, then the likely order of calls in one second (`compareEvents`), then id. Loop over them by index: `for...of`
   * costs an iterator step per event while the loop is not yet optimized.
   */
  events: readonly IotEvent[];
  certificates: readonly CertificateLifecycle[];
  /**
   * The policies' analysis of `events` (`policyHistories`): the rules read there which incarnation
   * of a policy (`policyIncarnations`) a version or a switch of the default is of.
   */
  policies: readonly PolicyHistory[];
  /** Every known account; `inOrganization` marks the organization's own. */
  accounts: readonly AccountInfo[];
  period: Period;
  /** The rule's defaults overlaid with the user's settings. */
  params: P;
  config: AuditConfig;
  /**
   * The policy versions the events create or make default (`knownPolicyVersions`), worked
   * out on first call and shared by the rules of one run: do not change them.
   */
  policyVersions(): readonly KnownPolicyVersion[];
}

/** One thing a rule found; several events may make one hit. */
export interface RuleHit {
  accountId: string;
  region: string;
  /** What the finding is about, of the rule's `resourceKind`: a certificate id, policy name, principal ARN... */
  resource: string;
  eventIds: string[];
  /** Time of the first event concerned (ISO UTC). */
  time: string;
  description: string;
  evidence?: string | null;
  /** Tells apart several hits on one resource (a version, a day, a burst start). */
  discriminator?: string;
  /** Levels below the rule's effective severity for this hit (e.g. 1 when a fact could not be checked). */
  lowerSeverityBy?: number;
}

export interface Rule<P extends RuleParams = RuleParams> {
  /** kebab-case, equal to the rule's file name. */
  id: string;
  title: string;
  severity: Severity;
  /** What the rule looks for, in a sentence or two. */
  description: string;
  /** The AWS IoT Device Defender audit check this rule mirrors from events, when there is one. */
  deviceDefenderCheck?: string;
  remediation: string;
  /** What its hits' `resource` is. */
  resourceKind: ResourceKind;
  /** Every parameter with its default value (documented in `schemas/config.schema.json`). */
  defaults: P;
  evaluate(ctx: RuleContext<P>): RuleHit[];
}
