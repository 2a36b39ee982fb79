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
import { cutTextLength } from '../../../kept-text.js';

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

/** The JSON object a logged document holds (parsed when it is JSON text), or why it holds none. */
function jsonObjectOf(value: unknown): { object: object } | { reason: string } {
  let parsed: unknown = value;
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value);
    } catch {
      return { reason: 'the document is not valid JSON' };
    }
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return { reason: 'the document is not a JSON object' };
  return { object: parsed };
}

function readDocument(value: unknown): PolicyDocumentReading {
  // The length the log gave it: a document cut when read says it (`keptText`).
  if (typeof value === 'string' && value.length > MAX_DOCUMENT_CHARS) return { status: 'invalid', reason: `the document is ${cutTextLength(value) ?? value.length} characters long` };
  const json = jsonObjectOf(value);
  if ('reason' in json) return { status: 'invalid', reason: json.reason };
  const parsed = json.object;
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
  const logged = documentLoggedIn(event.requestParameters);
  return logged.recorded ? readPolicyDocument(logged.value) : { status: 'not-recorded', reason: logged.reason };
}

/** Whether CloudTrail recorded a policy document; when it did, the value it logged (JSON text, or a parsed value). */
export type LoggedDocument = { recorded: false; reason: string } | { recorded: true; value: unknown };

/**
 * What the request parameters of a CreatePolicy / CreatePolicyVersion call logged of its
 * policy document. The one place that decides whether a document was recorded, for the rules
 * (`policyDocumentOfEvent`) and the Policies section (`documentAsLogged`, policies.ts): decided
 * apart, they once disagreed on `[1,2]`, a number or a JSON text cut short.
 */
export function documentLoggedIn(params: unknown): LoggedDocument {
  if (params === null || params === undefined) return { recorded: false, reason: 'CloudTrail recorded no request parameters' };
  // Omitted parameters come with no document; a document logged beside the marker is not trusted.
  if (get(params, 'omitted') === true || /too large/i.test(str(get(params, 'reason')) ?? '')) {
    return { recorded: false, reason: 'CloudTrail omitted the request parameters as too large' };
  }
  return documentLogged(get(params, 'policyDocument'));
}

/**
 * Whether a logged policy document value was recorded. Nothing (absent, null, blank) or a word
 * in its place (`HIDDEN_DUE_TO_SECURITY_REASONS`) was not; anything else was, and is read as a
 * document: one that is not a JSON object (`[1,2]`, `42`, a JSON text cut short) is a malformed
 * document, never "not recorded".
 */
export function documentLogged(value: unknown): LoggedDocument {
  if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) {
    return { recorded: false, reason: 'the request parameters hold no policy document' };
  }
  if (typeof value === 'string' && isNote(value)) {
    return { recorded: false, reason: `CloudTrail logged ${JSON.stringify(clip(value.trim(), 60))} in place of the document` };
  }
  return { recorded: true, value };
}

/**
 * A word in place of the document: text that is not JSON and does not start as a JSON object,
 * array or string would (a document cut short still does: it could not be read, but was logged).
 */
function isNote(text: string): boolean {
  if (/^\s*[[{"]/.test(text)) return false;
  try {
    JSON.parse(text);
    return false;
  } catch {
    return true;
  }
}

/**
 * A recorded document pretty-printed for display: its reading's, or for a JSON object the rules
 * could not read as a policy (no Statement, too long), the object's; null for anything else
 * (shown as logged).
 */
export function prettyDocument(value: unknown, reading: PolicyDocumentReading): string | null {
  if (reading.status === 'ok') return reading.pretty;
  if (reading.status === 'not-recorded') return null;
  try {
    const json = jsonObjectOf(value);
    return 'object' in json && !nestsDeeperThan(json.object, MAX_NESTING) ? JSON.stringify(json.object, null, 2) : null;
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------------------
// Resources and actions
// ---------------------------------------------------------------------------

type ResourceKind = 'client' | 'topic' | 'topicfilter' | 'thing';

interface ActionGroup {
  kind: ResourceKind;
  actions: string[];
  broadLabel: string;
  /** For topics and topic filters: said of a resource that reaches every thing's reserved topics (`$aws/things/<thing>/...`). */
  everyThingLabel?: string;
}

/** Device (data-plane) actions, grouped by the resource type they are authorized on. */
const ACTION_GROUPS: ActionGroup[] = [
  { kind: 'client', actions: ['iot:Connect'], broadLabel: 'with any client id' },
  {
    kind: 'topic',
    actions: ['iot:Publish', 'iot:Receive', 'iot:RetainPublish', 'iot:GetRetainedMessage'],
    broadLabel: 'on every topic',
    everyThingLabel: "on every thing's reserved topics (shadows, jobs)",
  },
  { kind: 'topicfilter', actions: ['iot:Subscribe'], broadLabel: 'to every topic filter', everyThingLabel: "to every thing's reserved topics (shadows, jobs)" },
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

const STAR = 0x2a;

/** The segments of an IoT ARN before its resource part, with what each must match. */
const ARN_SEGMENTS = ['arn', null, 'iot', null, null] as const;

/**
 * Whether an ARN cut short before its resource part ends in `*`: `arn:aws:iot:*`,
 * `arn:aws:iot:eu-west-1:*`, `arn:aws:io*`. As in IAM, a `*` that ends a segment matches across
 * the colons that follow, so such a resource covers every IoT resource (of that partition,
 * region or account). Only the segments before the star are read: the service must be IoT (a
 * glob matching `iot`), and the first `arn`; partition, region and account scope it as a full
 * ARN's do.
 */
function isTruncatedArnWildcard(resource: string): boolean {
  if (!resource.endsWith('*')) return false;
  const segments: string[] = [];
  let from = 0;
  for (;;) {
    const colon = resource.indexOf(':', from);
    if (colon === -1) break;
    // Five colons or more: the resource part is there, read as a full ARN.
    if (segments.length === ARN_SEGMENTS.length - 1) return false;
    segments.push(resource.slice(from, colon));
    from = colon + 1;
  }
  // The segment the star ends, and those before it, must be able to start an IoT ARN.
  segments.push(resource.slice(from));
  return segments.every((segment, i) => {
    const expected = ARN_SEGMENTS[i];
    return expected === null || expected === undefined || segmentMatches(segment, expected, expected === 'iot');
  });
}

/**
 * Whether an ARN segment (a glob) matches a short word (`arn`, `iot`). Runs of `*` are one
 * `*` to a glob; a segment with more other characters than the word cannot match it, and is
 * not kept among the glob memo's patterns (a forged segment can be 200 KB long).
 */
function segmentMatches(segment: string, word: string, caseInsensitive: boolean): boolean {
  let others = 0;
  for (let i = 0; i < segment.length; i++) if (segment.charCodeAt(i) !== STAR && ++others > word.length) return false;
  return matchesGlob(segment.length > word.length * 2 + 1 ? segment.replace(/\*+/g, '*') : segment, word, caseInsensitive);
}

function resourceShape(resource: string): ResourceShape {
  if (/^\*+$/.test(resource) || isTruncatedArnWildcard(resource)) return { all: true, type: null, path: null };
  const m = /^arn:[^:]*:([^:]*):[^:]*:[^:]*:(.*)$/s.exec(resource);
  if (!m) return { all: false, type: null, path: null };
  const service = m[1]!;
  const rest = m[2]!;
  if (!segmentMatches(service, 'iot', true)) return { all: false, type: null, path: null };
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

const CLIENT_ID_VARIABLE = '${iot:clientid}';

/**
 * Whether a path is made of `${iot:ClientId}` (at least once) and `*` alone. On `iot:Connect`
 * the variable is the client id being asked for, so such a client resource matches every client
 * id: Device Defender counts `client/${iot:ClientId}` as `client/*` unless the statement requires
 * `iot:Connection.Thing.IsAttached`. Variable names are read without regard to case, as IAM
 * reads condition keys.
 */
function isClientIdAndStars(path: string): boolean {
  let seen = false;
  for (let i = 0; i < path.length; ) {
    if (path.charCodeAt(i) === STAR) {
      i++;
    } else if (path.slice(i, i + CLIENT_ID_VARIABLE.length).toLowerCase() === CLIENT_ID_VARIABLE) {
      seen = true;
      i += CLIENT_ID_VARIABLE.length;
    } else {
      return false;
    }
  }
  return seen;
}

const ATTACHED_KEY = 'iot:connection.thing.isattached';
const ATTACHED_OPERATORS = new Set(['bool', 'stringequals', 'stringequalsignorecase']);

const isTrue = (value: unknown): boolean => value === true || (typeof value === 'string' && value.toLowerCase() === 'true');

/**
 * Whether the statement's Condition requires `iot:Connection.Thing.IsAttached` to be true
 * (`Bool`, or a string comparison with `true`; every value listed must be true, since a
 * condition holds when any value does). The client must then be a thing attached to the
 * certificate it connects with. `...IfExists` and set operators are not counted.
 */
function requiresAttachedThing(statement: PolicyStatement): boolean {
  const condition = get(statement.raw, 'Condition');
  if (condition === null || typeof condition !== 'object' || Array.isArray(condition)) return false;
  for (const [operator, block] of Object.entries(condition)) {
    if (!ATTACHED_OPERATORS.has(operator.toLowerCase()) || block === null || typeof block !== 'object' || Array.isArray(block)) continue;
    for (const [key, value] of Object.entries(block)) {
      if (key.toLowerCase() !== ATTACHED_KEY) continue;
      if (Array.isArray(value) ? value.length > 0 && value.every(isTrue) : isTrue(value)) return true;
    }
  }
  return false;
}

/**
 * The resource applies to this kind of action and leaves it unrestricted. `thingAttached`: the
 * statement requires the connecting client to be a thing attached to its certificate.
 */
function isBroadFor(shape: ResourceShape, kind: ResourceKind, thingAttached: boolean): boolean {
  if (shape.all) return true;
  if (shape.type === null || shape.path === null || !matchesGlob(shape.type, kind, true)) return false;
  if (kind === 'client' && !thingAttached && isClientIdAndStars(shape.path)) return true;
  if (hasVariable(shape.path)) return false;
  // `+`/`#` are only wildcards in a subscription's topic filter.
  return kind === 'topicfilter' ? /^[*+#/]+$/.test(shape.path) : /^[*/]+$/.test(shape.path);
}

/** The levels of the reserved topics before a thing's name: `$aws/things/<thing>/...`. */
const THING_TOPIC_LEVELS = ['$aws', 'things'] as const;

/**
 * A topic or topic filter resource that reaches the reserved topics of every thing (shadows,
 * jobs: `$aws/things/<thing>/shadow/update`...), as `UpdateThingShadow` on `thing/*` does:
 * `$aws/things/` then a wildcard for the whole thing's level (`*`; in a topic filter also `+`
 * or `#`, since the resource allows subscribing with that very filter), whatever follows; or a
 * start of `$aws/things/` followed by `*` alone (`$aws/*`, `$aws/things*`), the star spanning
 * the levels; or, in a topic filter, `$aws/#`, and `+` for the `things` level. A star with more
 * after it before the thing's level (`$aws/*` + `/shadow/update`) is left to the other checks,
 * and so is a path starting with a wildcard (every topic, or no per-device scope); MQTT
 * wildcards at the first level never match topics starting with `$`.
 */
function reachesEveryThing(shape: ResourceShape, kind: ResourceKind): boolean {
  if ((kind !== 'topic' && kind !== 'topicfilter') || shape.type === null || shape.path === null || !matchesGlob(shape.type, kind, true)) return false;
  const path = shape.path;
  const filter = kind === 'topicfilter';
  let from = 0;
  for (const expected of THING_TOPIC_LEVELS) {
    const slash = path.indexOf('/', from);
    const level = slash === -1 ? path.slice(from) : path.slice(from, slash);
    const star = level.indexOf('*');
    if (star !== -1) {
      const before = path.slice(0, from + star);
      return before !== '' && '$aws/things/'.startsWith(before) && /^\*+$/.test(path.slice(from + star));
    }
    if (filter && from > 0 && level === '#') return slash === -1;
    if (level !== expected && !(filter && from > 0 && level === '+')) return false;
    if (slash === -1) return false;
    from = slash + 1;
  }
  const slash = path.indexOf('/', from);
  const thing = slash === -1 ? path.slice(from) : path.slice(from, slash);
  if (filter) return thing === '+' || (thing === '#' && slash === -1) || (/^[*+#]+$/.test(thing) && thing.includes('*'));
  return /^\*+$/.test(thing);
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
    const thingAttached = requiresAttachedThing(s);
    for (const group of ACTION_GROUPS) {
      const actions = allowedActions(s, group);
      if (actions.length === 0) continue;
      const broad = shapes.find((r) => isBroadFor(r.shape, group.kind, thingAttached));
      if (broad) {
        const clientId = !broad.shape.all && group.kind === 'client' && hasVariable(broad.shape.path ?? '');
        const why = clientId ? ': ${iot:ClientId} is the client id asked for, and no Condition requires iot:Connection.Thing.IsAttached' : '';
        add(`${actions.join(', ')} ${group.broadLabel} ("${clip(broad.raw, 80)}"${why})`);
        continue;
      }
      const everyThing = group.everyThingLabel === undefined ? undefined : shapes.find((r) => reachesEveryThing(r.shape, group.kind));
      if (everyThing) add(`${actions.join(', ')} ${group.everyThingLabel} ("${clip(everyThing.raw, 80)}")`);
    }
  }
  return issues;
}

/**
 * The policy variables that scope a resource to the device. A client id is scoped by the thing
 * name with the thing attached to the certificate; `${iot:ClientId}` there matches any client id.
 */
const SCOPE_HINTS: Record<ResourceKind, string> = {
  client: 'use ${iot:Connection.Thing.ThingName} with the Condition iot:Connection.Thing.IsAttached = true',
  topic: 'use ${iot:Connection.Thing.ThingName} or ${iot:ClientId}',
  topicfilter: 'use ${iot:Connection.Thing.ThingName} or ${iot:ClientId}',
  thing: 'use ${iot:Connection.Thing.ThingName} or ${iot:ClientId}',
};

/**
 * Statements that probably do not do what their author meant
 * (IOT_POLICY_POTENTIAL_MIS_CONFIGURATION_CHECK): MQTT wildcards, which are literal in
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
    let thingAttached: boolean | undefined;
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
      thingAttached ??= requiresAttachedThing(s);
      for (const [g, group] of ACTION_GROUPS.entries()) {
        if (!appliesTo(shape, group.kind) || !allowsSome[g]) continue;
        // Too broad, not misconfigured: overly-permissive-policy reports these.
        if (isBroadFor(shape, group.kind, thingAttached) || reachesEveryThing(shape, group.kind) || hasVariable(shape.path)) continue;
        const wildcard = group.kind === 'topicfilter' ? /[*+#]/ : /\*/;
        if (wildcard.test(shape.path)) {
          add(`wildcard without a policy variable where a per-device scope is expected ("${clip(resource, 80)}"; ${SCOPE_HINTS[group.kind]})`);
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

/**
 * A statement's grants: every action with every resource (`NotAction` / `NotResource` read as
 * `*`), under its Condition: null for none, else its canonical JSON (keys sorted), or
 * `UNREADABLE_CONDITION` for one nested too deep to write out, which equals no other.
 */
interface Grants {
  actions: readonly string[];
  resources: readonly string[];
  condition: string | null | typeof UNREADABLE_CONDITION;
}

const UNREADABLE_CONDITION = Symbol('unreadable condition');

/**
 * `value` as JSON with each object's keys sorted, or null when it nests deeper than `levels`
 * (the document's reader refuses deeper ones, but statements can be given otherwise; a
 * document given parsed can even refer to itself).
 */
function canonicalJson(value: unknown, levels: number): string | null {
  if (typeof value === 'bigint') return `${value}n`;
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (levels === 0) return null;
  const parts: string[] = [];
  if (Array.isArray(value)) {
    for (const item of value) {
      const part = canonicalJson(item, levels - 1);
      if (part === null) return null;
      parts.push(part);
    }
    return `[${parts.join(',')}]`;
  }
  for (const key of Object.keys(value).sort()) {
    const part = canonicalJson((value as Record<string, unknown>)[key], levels - 1);
    if (part === null) return null;
    parts.push(`${JSON.stringify(key)}:${part}`);
  }
  return `{${parts.join(',')}}`;
}

// Each statement's Condition is written out once, however many switches compare its document.
const conditions = new WeakMap<PolicyStatement, Grants['condition']>();

function conditionOf(statement: PolicyStatement): Grants['condition'] {
  return getOrInsert(conditions, statement, () => readCondition(statement));
}

function readCondition(statement: PolicyStatement): Grants['condition'] {
  const condition = get(statement.raw, 'Condition');
  // No Condition, or an empty one: the statement applies without one.
  if (condition === undefined) return null;
  if (condition !== null && typeof condition === 'object' && !Array.isArray(condition) && Object.keys(condition).length === 0) return null;
  return canonicalJson(condition, MAX_NESTING) ?? UNREADABLE_CONDITION;
}

function grantsOf(statements: readonly PolicyStatement[], effect: 'Allow' | 'Deny'): Grants[] {
  return statements
    .filter((s) => s.effect === effect)
    .map((s) => ({
      actions: s.notActions !== null ? ['*'] : s.actions,
      resources: s.notResources !== null ? ['*'] : s.resources,
      condition: conditionOf(s),
    }));
}

/**
 * Whether grants under `covering`'s Condition take in those under `covered`'s: a grant without
 * a Condition takes in any; one with a Condition only those under the same Condition (written
 * the same, keys in any order). Conditions are not evaluated: one that differs may or may not
 * hold more often, and is counted as not taking the other in.
 */
function conditionCovers(covering: Grants, covered: Grants): boolean {
  return covering.condition === null || (covering.condition !== UNREADABLE_CONDITION && covering.condition === covered.condition);
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

/** A grant no grant of the other document covers: its action, its resource, its statement's grants. */
interface UncoveredGrant {
  action: string;
  resource: string;
  grants: Grants;
  /** Some grant of the other document covers the action and resource, under another Condition. */
  conditionOnly: boolean;
}

/**
 * The grants of `wider` that no grant of `narrower` covers, in statement, action and resource
 * order; null when the comparison would cost more than `budget` allows. A grant is covered by a
 * statement when one of its actions and one of its resources cover the grant's (a wildcard
 * covers what it matches, read literally) and its Condition takes in the grant's
 * (`conditionCovers`): a statement's grants are all its actions with all its resources, so no
 * grant list is ever made whole.
 */
function uncovered(wider: readonly Grants[], narrower: readonly Grants[], budget: { left: number }): UncoveredGrant[] | null {
  const out: UncoveredGrant[] = [];
  for (const g of wider) {
    const spend = narrower.reduce((n, p) => n + g.actions.length * p.actions.length + g.resources.length * p.resources.length, 0);
    budget.left -= spend + g.actions.length * g.resources.length * Math.max(1, narrower.length);
    if (budget.left < 0) return null;
    const actionCovered = narrower.map((p) => g.actions.map((a) => p.actions.some((pa) => matchesGlob(pa, a, true))));
    const resourceCovered = narrower.map((p) => g.resources.map((r) => p.resources.some((pr) => matchesGlob(pr, r))));
    const conditionCovered = narrower.map((p) => conditionCovers(p, g));
    g.actions.forEach((action, ai) => {
      g.resources.forEach((resource, ri) => {
        let covered = false;
        let underAnotherCondition = false;
        for (let pi = 0; pi < narrower.length && !covered; pi++) {
          if (!actionCovered[pi]![ai] || !resourceCovered[pi]![ri]) continue;
          if (conditionCovered[pi]) covered = true;
          else underAnotherCondition = true;
        }
        if (!covered) out.push({ action, resource, grants: g, conditionOnly: underAnotherCondition });
      });
    });
  }
  return out;
}

/**
 * What `next` allows that `previous` did not: grants not covered by any earlier grant
 * (a wildcard covers what it matches, read literally; a conditional grant covers only grants
 * under the same Condition), and denials dropped or made conditional. Documents too large to
 * compare within `COMPARISON_BUDGET` give `TOO_LARGE_TO_COMPARE` alone.
 */
export function broadenings(previous: readonly PolicyStatement[], next: readonly PolicyStatement[]): string[] {
  const budget = { left: COMPARISON_BUDGET };
  const allowed = uncovered(grantsOf(next, 'Allow'), grantsOf(previous, 'Allow'), budget);
  const undenied = allowed === null ? null : uncovered(grantsOf(previous, 'Deny'), grantsOf(next, 'Deny'), budget);
  if (allowed === null || undenied === null) return [TOO_LARGE_TO_COMPARE];
  const out = [
    // How the Condition changed comes before the resource, which a finding may cut short.
    ...allowed.map(({ action, resource, grants, conditionOnly }) => {
      const how = !conditionOnly ? '' : grants.condition === null ? ' with no Condition' : ' under another Condition';
      return `allows ${clip(action, 60)}${how} on ${clip(resource, 100)}`;
    }),
    ...undenied.map(({ action, resource, grants, conditionOnly }) => {
      const how = !conditionOnly ? '' : grants.condition === null ? ' unconditionally' : ' under the same Condition';
      return `no longer denies ${clip(action, 60)}${how} on ${clip(resource, 100)}`;
    }),
  ];
  return [...new Set(out)];
}
