/**
 * The user's audit configuration (`iot-audit.config.json|yaml`), after validation and
 * defaults. Documented key by key in `schemas/config.schema.json`.
 */
import type { Severity } from '../report/model.js';

export const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** Per-rule settings: on/off, a severity override, and the rule's own parameters. */
export interface RuleSettings {
  enabled?: boolean;
  severity?: Severity;
  [param: string]: unknown;
}

/** When changes are expected. `to` is exclusive; `from` > `to` wraps past midnight. */
export interface ChangeWindow {
  days: Weekday[];
  hours: { from: string; to: string };
  /** IANA zone; null means the report's time zone. */
  timeZone: string | null;
}

/** ARN patterns (`*`, `?` globs) of the principals allowed to make changes, per category; empty = not checked. */
export interface AllowLists {
  policyChanges: string[];
  certificateChanges: string[];
  otherChanges: string[];
}

export interface Suppression {
  /** 12-digit account id, or `*`. */
  account: string;
  /** Rule id, or `*`. */
  rule: string;
  /** Glob over the finding's resource. */
  resource: string;
  reason: string;
  /** `YYYY-MM-DD` (valid through that UTC day) or an ISO date-time; null = never expires. */
  expires: string | null;
}

export interface AuditConfig {
  /** The file the configuration was read from; null when built-in defaults are used. */
  file: string | null;
  rules: Record<string, RuleSettings>;
  changeWindow: ChangeWindow;
  allowLists: AllowLists;
  suppressions: Suppression[];
}
