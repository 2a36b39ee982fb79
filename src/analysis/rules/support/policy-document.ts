/**
 * Reading and judging IoT policy documents as CloudTrail logged them: JSON inside a
 * string, possibly unparseable, possibly omitted ("requestParameters too large").
 *
 * In IoT policies `*` is a wildcard but MQTT's `+` and `#` are literal characters:
 * `topicfilter/#` allows subscribing with the filter `#` (everything), while
 * `topic/#` allows publishing to a topic literally named `#`.
 */
import type { IotEvent } from '../../../report/model.js';
import { matchesGlob } from './glob.js';
import { clip } from './text.js';
import { get, str } from './values.js';
import { BoundedMemo, getOrInsert } from '../../../memo.js';
import { MAX_NESTING, nestsDeeperThan } from '../../../cloudtrail/normalize.js';

export interface PolicyStatement {
  index: number;
  effect: 'Allow' | 'Deny' | 'Other';
  actions: string[];
  notActions: string[] | null;
  resources: string[];
  notResources: string[] | null;
  hasCondition: boolean;
  raw: unknown;
}

export type PolicyDocumentReading =
  | { status: 'ok'; statements: PolicyStatement[]; pretty: string }
  | { status: 'not-recorded'; reason: string }
  | { status: 'invalid'; reason: string };

// IoT policies are at most a few KB; anything far larger is not worth parsing.
const MAX_DOCUMENT_CHARS = 200_000;

function stringList(value: unknown): string[] | null {
  if (value === undefined) return null;
  const items = Array.isArray(value) ? value : [value];
  return items.filter((v): v is string => typeof v === 'string');
}

function readStatement(raw: unknown, index: number): PolicyStatement | null {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return null;
  const effect = str(get(raw, 'Effect'))?.toLowerCase();
  return {
    index,
    effect: effect === 'allow' ? 'Allow' : effect === 'deny' ? 'Deny' : 'Other',
    actions: stringList(get(raw, 'Action')) ?? [],
    notActions: stringList(get(raw, 'NotAction')),
    resources: stringList(get(raw, 'Resource')) ?? [],
    notResources: stringList(get(raw, 'NotResource')),
    hasCondition: get(raw, 'Condition') !== undefined,
    raw,
  };
}

// A month's policy versions repeat a few documents (one template in many accounts and
// regions): each text is read once. Readings are shared: do not change them.
// Bounded by the text kept, since documents can be large.
const readingsOfText = new BoundedMemo<string, PolicyDocumentReading>(4 * MAX_DOCUMENT_CHARS, (text) => text.length);

/** Reads a policy document value (a JSON string, or an already parsed object). The result may be shared: do not change it. */
export function readPolicyDocument(value: unknown): PolicyDocumentReading {
  if (typeof value !== 'string' || value.length > MAX_DOCUMENT_CHARS) return readDocumentSafely(value);
  return readingsOfText.get(value, readDocumentSafely);
}

/**
 * Reads a document, saying it could not be read when reading throws. Every rule that looks
 * at policy versions reads every document: one that throws would fail those rules for the
 * whole report, hiding what the other documents show.
 */
function readDocumentSafely(value: unknown): PolicyDocumentReading {
  try {
    return readDocument(value);
  } catch (error) {
    const detail = error instanceof Error && typeof error.message === 'string' && error.message !== '' ? ` (${clip(error.message, 100)})` : '';
    return { status: 'invalid', reason: `the document could not be read${detail}` };
  }
}

function readDocument(value: unknown): PolicyDocumentReading {
  let parsed: unknown = value;
  if (typeof value === 'string') {
    if (value.length > MAX_DOCUMENT_CHARS) return { status: 'invalid', reason: `the document is ${value.length} characters long` };
    try {
      parsed = JSON.parse(value);
    } catch {
      return { status: 'invalid', reason: 'the document is not valid JSON' };
    }
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    return { status: 'invalid', reason: 'the document is not a JSON object' };
  }
  const rawStatements = get(parsed, 'Statement');
  if (rawStatements === undefined) return { status: 'invalid', reason: 'the document has no Statement' };
  const list = Array.isArray(rawStatements) ? rawStatements : [rawStatements];
  const statements: PolicyStatement[] = [];
  for (const [i, raw] of list.entries()) {
    const statement = readStatement(raw, i);
    if (!statement) return { status: 'invalid', reason: `Statement ${i} is not an object` };
    statements.push(statement);
  }
  // Before the pretty text, the first thing to walk the document recursively; last among the
  // checks, so that a document refused for another reason keeps that reason.
  // Real IoT policies nest a few levels (AWS IoT takes 2,048 characters); a forged one nested
  // thousands deep would overflow the stack of JSON.stringify, here and when a finding quotes it.
  if (nestsDeeperThan(parsed, MAX_NESTING)) return { status: 'invalid', reason: `the document is nested more than ${MAX_NESTING} levels deep` };
  return { status: 'ok', statements, pretty: JSON.stringify(parsed, null, 2) };
}

// Several rules read the same documents; parse each event's once.
const readings = new WeakMap<IotEvent, PolicyDocumentReading>();

/** The policy document of a CreatePolicy / CreatePolicyVersion event, saying why when it is missing. */
export function policyDocumentOfEvent(event: IotEvent): PolicyDocumentReading {
  let reading = readings.get(event);
  if (!reading) {
    reading = readEventDocument(event);
    readings.set(event, reading);
  }
  return reading;
}

function readEventDocument(event: IotEvent): PolicyDocumentReading {
  const params = event.requestParameters;
  if (params === null) return { status: 'not-recorded', reason: 'CloudTrail recorded no request parameters' };
  if (get(params, 'omitted') === true || /too large/i.test(str(get(params, 'reason')) ?? '')) {
    return { status: 'not-recorded', reason: 'CloudTrail omitted the request parameters as too large' };
  }
  const doc = get(params, 'policyDocument');
  if (doc === undefined || doc === null || doc === '') {
    return { status: 'not-recorded', reason: 'the request parameters hold no policy document' };
  }
  // A word in place of the document (`HIDDEN_DUE_TO_SECURITY_REASONS`), not a JSON text: CloudTrail
  // did not record it, as the Policies section says (`documentAsLogged`); not a malformed policy.
  if (typeof doc === 'string' && !/^\s*[[{"]/.test(doc)) {
    return { status: 'not-recorded', reason: `CloudTrail logged ${JSON.stringify(clip(doc.trim(), 60))} in place of the document` };
  }
  return readPolicyDocument(doc);
}

// ---------------------------------------------------------------------------
// Resources and actions
// ---------------------------------------------------------------------------

type ResourceKind = 'client' | 'topic' | 'topicfilter' | 'thing';

interface ActionGroup {
  kind: ResourceKind;
  actions: string[];
  broadLabel: string;
}

/** Device (data-plane) actions, grouped by the resource type they are authorized on. */
const ACTION_GROUPS: ActionGroup[] = [
  { kind: 'client', actions: ['iot:Connect'], broadLabel: 'with any client id' },
  { kind: 'topic', actions: ['iot:Publish', 'iot:Receive', 'iot:RetainPublish', 'iot:GetRetainedMessage'], broadLabel: 'on every topic' },
  { kind: 'topicfilter', actions: ['iot:Subscribe'], broadLabel: 'to every topic filter' },
  {
    kind: 'thing',
    actions: [
      'iot:GetThingShadow',
      'iot:UpdateThingShadow',
      'iot:DeleteThingShadow',
      'iot:ListNamedShadowsForThing',
      'iot:DescribeJobExecution',
      'iot:GetPendingJobExecutions',
      'iot:StartNextPendingJobExecution',
      'iot:UpdateJobExecution',
    ],
    broadLabel: 'on every thing',
  },
];

interface ResourceShape {
  /** Covers every IoT resource. */
  all: boolean;
  /** Resource type pattern (`topic`, `topic*`...), when an IoT ARN. */
  type: string | null;
  /** The part after `type/`. */
  path: string | null;
}

function resourceShape(resource: string): ResourceShape {
  if (/^\*+$/.test(resource)) return { all: true, type: null, path: null };
  const m = /^arn:[^:]*:([^:]*):[^:]*:[^:]*:(.*)$/s.exec(resource);
  if (!m) return { all: false, type: null, path: null };
  const service = m[1]!;
  const rest = m[2]!;
  if (!matchesGlob(service, 'iot', true)) return { all: false, type: null, path: null };
  const slash = rest.indexOf('/');
  if (slash < 0) return { all: rest.includes('*'), type: rest, path: null };
  return { all: false, type: rest.slice(0, slash), path: rest.slice(slash + 1) };
}

/**
 * Whether `s` holds a policy variable: `${`, at least one character other than `}`, then `}`.
 * Scanned rather than matched with a regular expression, which backtracked in time quadratic
 * in the length of a forged resource full of `${` with no `}` to close them (40 KB: ~1 s,
 * 160 KB: ~20 s). Trying the first `${` followed by something other than `}` is enough: it
 * starts a variable when any `}` comes after that character, and when none does, none comes
 * after a later `${` either.
 */
function hasVariable(s: string): boolean {
  const lastClose = s.lastIndexOf('}');
  for (let open = s.indexOf('${'); open !== -1 && open + 2 < lastClose; open = s.indexOf('${', open + 2)) {
    if (s[open + 2] !== '}') return true;
  }
  return false;
}

/** The resource applies to this kind of action and leaves it unrestricted. */
function isBroadFor(shape: ResourceShape, kind: ResourceKind): boolean {
  if (shape.all) return true;
  if (shape.type === null || shape.path === null || !matchesGlob(shape.type, kind, true)) return false;
  if (hasVariable(shape.path)) return false;
  // `+`/`#` are only wildcards in a subscription's topic filter.
  return kind === 'topicfilter' ? /^[*+#/]+$/.test(shape.path) : /^[*/]+$/.test(shape.path);
}

function appliesTo(shape: ResourceShape, kind: ResourceKind): boolean {
  return shape.all || (shape.type !== null && matchesGlob(shape.type, kind, true));
}

function allowedActions(statement: PolicyStatement, group: ActionGroup): string[] {
  return group.actions.filter((a) => statement.actions.some((p) => matchesGlob(p, a, true)));
}

export interface PolicyIssue {
  statementIndex: number;
  reason: string;
}

/** Allow statements that give a broad set of devices access (IOT_POLICY_OVERLY_PERMISSIVE_CHECK). */
export function overlyPermissiveIssues(statements: readonly PolicyStatement[]): PolicyIssue[] {
  const issues: PolicyIssue[] = [];
  for (const s of statements) {
    if (s.effect !== 'Allow') continue;
    const add = (reason: string) => issues.push({ statementIndex: s.index, reason });
    if (s.notActions !== null) add('Allow with NotAction allows every action not listed');
    if (s.notResources !== null) add('Allow with NotResource applies to every resource not listed');
    const shapes = s.resources.map((r) => ({ raw: r, shape: resourceShape(r) }));
    // The same for every action: looked up once, not once per wildcard action.
    const everywhere = shapes.find((r) => r.shape.all);
    for (const action of s.actions) {
      if (!/[*?]/.test(action)) continue;
      if (everywhere) add(`wildcard action "${clip(action, 60)}" on every resource ("${clip(everywhere.raw, 80)}")`);
    }
    for (const group of ACTION_GROUPS) {
      const actions = allowedActions(s, group);
      if (actions.length === 0) continue;
      const broad = shapes.find((r) => isBroadFor(r.shape, group.kind));
      if (broad) add(`${actions.join(', ')} ${group.broadLabel} ("${clip(broad.raw, 80)}")`);
    }
  }
  return issues;
}

/**
 * Statements that probably do not do what their author meant
 * (IOT_POLICY_POTENTIAL_MISCONFIGURATION_CHECK): MQTT wildcards, which are literal in
 * policies, in Deny statements and in topic resources; and wildcards without a policy
 * variable where a per-device scope is expected.
 */
export function misconfigurationIssues(statements: readonly PolicyStatement[]): PolicyIssue[] {
  const issues: PolicyIssue[] = [];
  for (const s of statements) {
    const add = (reason: string) => issues.push({ statementIndex: s.index, reason });
    // Whether the statement allows some of each group's actions depends on the statement
    // alone: worked out once, when a resource first needs it, rather than for every resource
    // (a forged statement can hold thousands of actions and thousands of resources).
    let allowsSome: boolean[] | undefined;
    for (const resource of s.resources) {
      const shape = resourceShape(resource);
      if (shape.path === null || shape.type === null) continue;
      const mqttWildcard = /[+#]/.test(shape.path);
      const isTopicLike = appliesTo(shape, 'topic') || appliesTo(shape, 'topicfilter');
      if (s.effect === 'Deny' && mqttWildcard && isTopicLike) {
        add(`MQTT wildcard in a Deny statement is literal in IoT policies and denies less than it seems ("${clip(resource, 80)}")`);
        continue;
      }
      if (s.effect !== 'Allow') continue;
      if (mqttWildcard && appliesTo(shape, 'topic') && !appliesTo(shape, 'topicfilter')) {
        add(`MQTT wildcard in a topic resource is literal in IoT policies ("${clip(resource, 80)}")`);
        continue;
      }
      allowsSome ??= ACTION_GROUPS.map((group) => allowedActions(s, group).length > 0);
      for (const [g, group] of ACTION_GROUPS.entries()) {
        if (!appliesTo(shape, group.kind) || !allowsSome[g]) continue;
        if (isBroadFor(shape, group.kind) || hasVariable(shape.path)) continue;
        const wildcard = group.kind === 'topicfilter' ? /[*+#]/ : /\*/;
        if (wildcard.test(shape.path)) {
          add(
            `wildcard without a policy variable where a per-device scope is expected ("${clip(resource, 80)}"; use \${iot:Connection.Thing.ThingName} or \${iot:ClientId})`,
          );
          break;
        }
      }
    }
  }
  return issues;
}

/** The offending statements quoted, each with its reasons. */
export function quoteIssues(statements: readonly PolicyStatement[], issues: readonly PolicyIssue[]): string {
  // Each statement's distinct reasons in the order first given (a set keeps that order and
  // answers "seen already?" at once: a forged statement can give tens of thousands).
  const byStatement = new Map<number, Set<string>>();
  for (const issue of issues) getOrInsert(byStatement, issue.statementIndex, () => new Set<string>()).add(issue.reason);
  const parts: string[] = [];
  for (const [index, reasons] of byStatement) {
    const statement = statements.find((s) => s.index === index);
    const quoted = clip(JSON.stringify(statement?.raw ?? null), 600);
    parts.push(`Statement ${index}: ${quoted}\n  - ${[...reasons].join('\n  - ')}`);
  }
  return parts.join('\n');
}

// ---------------------------------------------------------------------------
// Comparing two documents
// ---------------------------------------------------------------------------

/** A statement's grants: every action with every resource (`NotAction` / `NotResource` read as `*`). */
interface Grants {
  actions: readonly string[];
  resources: readonly string[];
}

function grantsOf(statements: readonly PolicyStatement[], effect: 'Allow' | 'Deny'): Grants[] {
  return statements
    .filter((s) => s.effect === effect)
    .map((s) => ({ actions: s.notActions !== null ? ['*'] : s.actions, resources: s.notResources !== null ? ['*'] : s.resources }));
}

/**
 * Glob comparisons one pair of documents may cost. AWS IoT takes documents of 2,048
 * characters, a handful of grants each; a forged one in a log (up to `MAX_DOCUMENT_CHARS`)
 * can hold tens of thousands of actions and resources, whose grants two by two would be
 * billions of comparisons.
 */
const COMPARISON_BUDGET = 1_000_000;

/** What `broadenings` says when the budget runs out. */
export const TOO_LARGE_TO_COMPARE = 'may allow more (the documents are too large to compare grant by grant)';

/**
 * The grants of `wider` that no grant of `narrower` covers, each as `[action, resource]`, in
 * statement, action and resource order; null when the comparison would cost more than `budget`
 * allows. A grant is covered by a statement when one of its actions and one of its resources
 * cover the grant's (a wildcard covers what it matches, read literally): a statement's grants
 * are all its actions with all its resources, so no grant list is ever made whole.
 */
function uncovered(wider: readonly Grants[], narrower: readonly Grants[], budget: { left: number }): [string, string][] | null {
  const out: [string, string][] = [];
  for (const g of wider) {
    const spend = narrower.reduce((n, p) => n + g.actions.length * p.actions.length + g.resources.length * p.resources.length, 0);
    budget.left -= spend + g.actions.length * g.resources.length * Math.max(1, narrower.length);
    if (budget.left < 0) return null;
    const actionCovered = narrower.map((p) => g.actions.map((a) => p.actions.some((pa) => matchesGlob(pa, a, true))));
    const resourceCovered = narrower.map((p) => g.resources.map((r) => p.resources.some((pr) => matchesGlob(pr, r))));
    g.actions.forEach((action, ai) => {
      g.resources.forEach((resource, ri) => {
        if (!narrower.some((_, pi) => actionCovered[pi]![ai] && resourceCovered[pi]![ri])) out.push([action, resource]);
      });
    });
  }
  return out;
}

/**
 * What `next` allows that `previous` did not: grants not covered by any earlier grant
 * (a wildcard covers what it matches, read literally), and denials dropped. Documents too
 * large to compare within `COMPARISON_BUDGET` give `TOO_LARGE_TO_COMPARE` alone.
 */
export function broadenings(previous: readonly PolicyStatement[], next: readonly PolicyStatement[]): string[] {
  const budget = { left: COMPARISON_BUDGET };
  const allowed = uncovered(grantsOf(next, 'Allow'), grantsOf(previous, 'Allow'), budget);
  const undenied = allowed === null ? null : uncovered(grantsOf(previous, 'Deny'), grantsOf(next, 'Deny'), budget);
  if (allowed === null || undenied === null) return [TOO_LARGE_TO_COMPARE];
  const out = [
    ...allowed.map(([action, resource]) => `allows ${clip(action, 60)} on ${clip(resource, 100)}`),
    ...undenied.map(([action, resource]) => `no longer denies ${clip(action, 60)} on ${clip(resource, 100)}`),
  ];
  return [...new Set(out)];
}
