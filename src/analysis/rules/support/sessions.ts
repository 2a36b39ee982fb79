/**
 * Who a group of one principal's calls names. A role's sessions are one principal (`actor.key`
 * is the role), but each session may be someone else: with IAM Identity Center every person
 * signs in as a session of one `AWSReservedSSO_*` role. A line about such a group names the role
 * and its sessions, never the first session for everyone's calls.
 */
import type { IotEvent } from '../../../report/model.js';
import { lastLineBreak } from '../../../cloudtrail/identity.js';
import { clip, countActions } from './text.js';

const SESSION = ' (session ';

/** Sessions a group's label names before "and N more". */
const NAMED_SESSIONS = 3;
/** Sessions (or principals) whose calls a breakdown lists one by one before the rest's total. */
const LISTED_CALLERS = 5;
/** Longest session name (or label) kept in a line about several. */
const NAME_MAX = 64;

/** Where ` (session …)` starts in a label, or -1. */
function sessionAt(label: string): number {
  if (!label.endsWith(')')) return -1;
  return label.indexOf(SESSION, lastLineBreak(label) + 1);
}

/**
 * `role/x (session s)` -> `role/x`: what replacing `/ \(session .*\)$/` with nothing gives, in
 * one pass. The label comes from a session issuer's ARN, which a log can forge, and the
 * expression takes time quadratic in its length when it repeats ` (session ` before a line
 * break (a forged 160 KB ARN: ~2 s). It removes from the first ` (session ` that no line break
 * (which `.` does not match) follows, when the label ends with `)`.
 */
export function withoutSession(label: string): string {
  const at = sessionAt(label);
  return at === -1 ? label : label.slice(0, at);
}

/** `role/x (session s)` -> `s`; null for a label without a session. */
function sessionOf(label: string): string | null {
  const at = sessionAt(label);
  return at === -1 ? null : label.slice(at + SESSION.length, -1);
}

interface Sessions {
  /** The label every session shares (`role/x`). */
  base: string;
  /** One per distinct label, in the labels' order. */
  names: string[];
}

/** The role and session names of several labels that are all sessions of one role; else null. */
function sessionsOf(labels: readonly string[]): Sessions | null {
  let base: string | null = null;
  const names: string[] = [];
  for (let i = 0; i < labels.length; i++) {
    const name = sessionOf(labels[i]!);
    if (name === null) return null;
    const own = withoutSession(labels[i]!);
    if (base !== null && own !== base) return null;
    base = own;
    names.push(name);
  }
  return base === null ? null : { base, names };
}

/** `a, b, c and 4 more`, each clipped. */
function namesWithMore(names: readonly string[], max: number): string {
  const shown = names.slice(0, max).map((n) => clip(n, NAME_MAX));
  return names.length > max ? `${shown.join(', ')} and ${names.length - max} more` : shown.join(', ');
}

/** The distinct labels of events, in order of first appearance. */
export function distinctLabels(events: readonly IotEvent[]): string[] {
  const first = events[0]?.actor.label;
  // Most groups are one session: no set for them.
  let i = 1;
  while (i < events.length && events[i]!.actor.label === first) i++;
  if (first === undefined || i === events.length) return first === undefined ? [] : [first];
  const seen = new Set<string>([first]);
  for (; i < events.length; i++) seen.add(events[i]!.actor.label);
  return [...seen];
}

/**
 * The label of one principal's calls, from their distinct labels (first-seen order): the label
 * when there is one (clipped to `max` when given); `role/x (sessions alice, bob and 3 more)`
 * for several sessions of a role; else the labels, `a, b, c and 2 more`.
 */
export function principalLabel(labels: readonly string[], max?: number): string {
  const cut = (text: string) => (max === undefined ? text : clip(text, max));
  if (labels.length === 1) return cut(labels[0]!);
  const sessions = sessionsOf(labels);
  if (sessions === null) return namesWithMore(labels, NAMED_SESSIONS);
  return `${cut(sessions.base)} (sessions ${namesWithMore(sessions.names, NAMED_SESSIONS)})`;
}

/**
 * `countActions` of the calls' names; for several sessions (or labels), per caller in
 * first-seen order, `alice (1 × A); bob (2 × B)`, the first few and then the rest's total:
 * `; 4 more sessions (9 × A)`.
 */
export function actionsBySession(events: readonly IotEvent[], labels: readonly string[], name: (event: IotEvent) => string): string {
  if (labels.length <= 1) return countActions(events.map(name));
  const sessions = sessionsOf(labels);
  const callers = sessions?.names ?? labels;
  const calls = new Map<string, string[]>();
  for (let i = 0; i < labels.length; i++) calls.set(labels[i]!, []);
  for (let i = 0; i < events.length; i++) calls.get(events[i]!.actor.label)!.push(name(events[i]!));
  const parts: string[] = [];
  for (let i = 0; i < Math.min(labels.length, LISTED_CALLERS); i++) {
    parts.push(`${clip(callers[i]!, NAME_MAX)} (${countActions(calls.get(labels[i]!)!)})`);
  }
  if (labels.length > LISTED_CALLERS) {
    const rest = labels.slice(LISTED_CALLERS).flatMap((label) => calls.get(label)!);
    const more = labels.length - LISTED_CALLERS;
    parts.push(`${more} more ${sessions !== null ? 'sessions' : 'principals'} (${countActions(rest)})`);
  }
  return parts.join('; ');
}

/**
 * Who did what, for a finding's evidence: `role/x (session s): 2 × A` for one caller;
 * `role/x: alice (1 × A); bob (1 × A)` for several sessions of a role; else each label's calls.
 */
export function callsByPrincipal(events: readonly IotEvent[], labels: readonly string[], max: number): string {
  const actions = actionsBySession(events, labels, eventName);
  if (labels.length <= 1) return `${clip(labels[0] ?? '', max)}: ${actions}`;
  const sessions = sessionsOf(labels);
  return sessions === null ? actions : `${clip(sessions.base, max)}: ${actions}`;
}

const eventName = (event: IotEvent) => event.eventName;
