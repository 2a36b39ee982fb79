/**
 * Policy documents forged into a log: AWS IoT takes documents of 2,048 characters, but a
 * log can hold one of up to 200,000, nested thousands of levels deep or holding tens of
 * thousands of actions and resources. Reading one must never throw (a throw fails every
 * policy rule for the whole report), and judging one must take time in proportion to its
 * size, with the answers the code gave before on every ordinary document.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { overlyPermissivePolicy } from '../../src/analysis/rules/overly-permissive-policy.js';
import { policyDefaultRollback } from '../../src/analysis/rules/policy-default-rollback.js';
import { policyDocumentUnchecked } from '../../src/analysis/rules/policy-document-unchecked.js';
import { policyPotentialMisconfiguration } from '../../src/analysis/rules/policy-potential-misconfiguration.js';
import { matchesGlob } from '../../src/analysis/rules/support/glob.js';
import {
  misconfigurationIssues,
  overlyPermissiveIssues,
  quoteIssues,
  readPolicyDocument,
  type PolicyIssue,
  type PolicyStatement,
} from '../../src/analysis/rules/support/policy-document.js';
import { clip } from '../../src/analysis/rules/support/text.js';
import { ACCOUNT, REGION, iotEvent, policyDocument, resetEventIds, runRule } from '../helpers/events.js';
import { rng, type Rng } from '../helpers/random.js';

// vitest.config.ts allows 60 s per test; the tests of forged sizes are held to vitest's own
// default of 5 s, which the code before exceeded on each of them (times in the tests), while
// the code now takes well under a second.
const FORGED_TIMEOUT = 5_000;

// The largest document that is read at all.
const MAX_DOCUMENT_CHARS = 200_000;

const ARN = `arn:aws:iot:${REGION}:${ACCOUNT}`;

function statementsOf(document: unknown): PolicyStatement[] {
  const reading = readPolicyDocument(document);
  if (reading.status !== 'ok') throw new Error(reading.reason);
  return reading.statements;
}

/** A forged document's text, checked to be one the tool reads rather than refuses as too long. */
function forged(...statements: object[]): string {
  const text = policyDocument(...statements);
  expect(text.length).toBeLessThanOrEqual(MAX_DOCUMENT_CHARS);
  return text;
}

/** `levels` arrays, one inside the other. */
const nestedArrays = (levels: number) => `${'['.repeat(levels)}${']'.repeat(levels)}`;

/** A document whose statement's Condition is `levels` arrays deep: the document nests levels + 2 deep (document, statement). */
const deepDocument = (levels: number) => `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"iot:*","Resource":"*","Condition":${nestedArrays(levels)}}}`;

// ---------------------------------------------------------------------------
// The code before, kept as the reference for the answers: the regular expression for
// policy variables and the judging loops that repeated work for each action or resource.
// ---------------------------------------------------------------------------

type Kind = 'client' | 'topic' | 'topicfilter' | 'thing';

const referenceGroups: { kind: Kind; actions: string[]; broadLabel: string }[] = [
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

const referenceHasVariable = (s: string): boolean => /\$\{[^}]+\}/.test(s);

function referenceShape(resource: string): { all: boolean; type: string | null; path: string | null } {
  if (/^\*+$/.test(resource)) return { all: true, type: null, path: null };
  const m = /^arn:[^:]*:([^:]*):[^:]*:[^:]*:(.*)$/s.exec(resource);
  if (!m) return { all: false, type: null, path: null };
  const rest = m[2]!;
  if (!matchesGlob(m[1]!, 'iot', true)) return { all: false, type: null, path: null };
  const slash = rest.indexOf('/');
  if (slash < 0) return { all: rest.includes('*'), type: rest, path: null };
  return { all: false, type: rest.slice(0, slash), path: rest.slice(slash + 1) };
}

// On iot:Connect, `${iot:ClientId}` is the client id asked for: a client path of it and `*` alone
// matches every client id unless the statement requires iot:Connection.Thing.IsAttached.
const referenceEveryClientId = (path: string) => /^(?:\*|\$\{iot:ClientId\})*$/i.test(path) && /\$\{iot:ClientId\}/i.test(path);
const referenceThingAttached = (s: PolicyStatement) => /"iot:Connection\.Thing\.IsAttached":"true"/i.test(JSON.stringify(s.raw));

function referenceIsBroadFor(shape: ReturnType<typeof referenceShape>, kind: Kind, thingAttached: boolean): boolean {
  if (shape.all) return true;
  if (shape.type === null || shape.path === null || !matchesGlob(shape.type, kind, true)) return false;
  if (kind === 'client' && !thingAttached && referenceEveryClientId(shape.path)) return true;
  if (referenceHasVariable(shape.path)) return false;
  return kind === 'topicfilter' ? /^[*+#/]+$/.test(shape.path) : /^[*/]+$/.test(shape.path);
}

const referenceAppliesTo = (shape: ReturnType<typeof referenceShape>, kind: Kind) => shape.all || (shape.type !== null && matchesGlob(shape.type, kind, true));

const referenceAllowed = (s: PolicyStatement, group: (typeof referenceGroups)[number]) =>
  group.actions.filter((a) => s.actions.some((p) => matchesGlob(p, a, true)));

function referenceOverlyPermissive(statements: readonly PolicyStatement[]): PolicyIssue[] {
  const issues: PolicyIssue[] = [];
  for (const s of statements) {
    if (s.effect !== 'Allow') continue;
    const add = (reason: string) => issues.push({ statementIndex: s.index, reason });
    if (s.notActions !== null) add('Allow with NotAction allows every action not listed');
    if (s.notResources !== null) add('Allow with NotResource applies to every resource not listed');
    const shapes = s.resources.map((r) => ({ raw: r, shape: referenceShape(r) }));
    for (const action of s.actions) {
      if (!/[*?]/.test(action)) continue;
      const everywhere = shapes.find((r) => r.shape.all);
      if (everywhere) add(`wildcard action "${clip(action, 60)}" on every resource ("${clip(everywhere.raw, 80)}")`);
    }
    for (const group of referenceGroups) {
      const actions = referenceAllowed(s, group);
      if (actions.length === 0) continue;
      const broad = shapes.find((r) => referenceIsBroadFor(r.shape, group.kind, referenceThingAttached(s)));
      const why = broad && !broad.shape.all && group.kind === 'client' && referenceHasVariable(broad.shape.path!) ? ': ${iot:ClientId} is the client id asked for, and no Condition requires iot:Connection.Thing.IsAttached' : '';
      if (broad) add(`${actions.join(', ')} ${group.broadLabel} ("${clip(broad.raw, 80)}"${why})`);
    }
  }
  return issues;
}

const referenceHint = (kind: Kind) =>
  kind === 'client'
    ? 'use ${iot:Connection.Thing.ThingName} with the Condition iot:Connection.Thing.IsAttached = true'
    : 'use ${iot:Connection.Thing.ThingName} or ${iot:ClientId}';

function referenceMisconfiguration(statements: readonly PolicyStatement[]): PolicyIssue[] {
  const issues: PolicyIssue[] = [];
  for (const s of statements) {
    const add = (reason: string) => issues.push({ statementIndex: s.index, reason });
    for (const resource of s.resources) {
      const shape = referenceShape(resource);
      if (shape.path === null || shape.type === null) continue;
      const mqttWildcard = /[+#]/.test(shape.path);
      const isTopicLike = referenceAppliesTo(shape, 'topic') || referenceAppliesTo(shape, 'topicfilter');
      if (s.effect === 'Deny' && mqttWildcard && isTopicLike) {
        add(`MQTT wildcard in a Deny statement is literal in IoT policies and denies less than it seems ("${clip(resource, 80)}")`);
        continue;
      }
      if (s.effect !== 'Allow') continue;
      if (mqttWildcard && referenceAppliesTo(shape, 'topic') && !referenceAppliesTo(shape, 'topicfilter')) {
        add(`MQTT wildcard in a topic resource is literal in IoT policies ("${clip(resource, 80)}")`);
        continue;
      }
      for (const group of referenceGroups) {
        if (!referenceAppliesTo(shape, group.kind) || referenceAllowed(s, group).length === 0) continue;
        if (referenceIsBroadFor(shape, group.kind, referenceThingAttached(s)) || referenceHasVariable(shape.path)) continue;
        const wildcard = group.kind === 'topicfilter' ? /[*+#]/ : /\*/;
        if (wildcard.test(shape.path)) {
          add(`wildcard without a policy variable where a per-device scope is expected ("${clip(resource, 80)}"; ${referenceHint(group.kind)})`);
          break;
        }
      }
    }
  }
  return issues;
}

function referenceQuote(statements: readonly PolicyStatement[], issues: readonly PolicyIssue[]): string {
  const byStatement = new Map<number, string[]>();
  for (const issue of issues) {
    const reasons = byStatement.get(issue.statementIndex) ?? [];
    if (!reasons.includes(issue.reason)) reasons.push(issue.reason);
    byStatement.set(issue.statementIndex, reasons);
  }
  const parts: string[] = [];
  for (const [index, reasons] of byStatement) {
    const statement = statements.find((s) => s.index === index);
    parts.push(`Statement ${index}: ${clip(JSON.stringify(statement?.raw ?? null), 600)}\n  - ${reasons.join('\n  - ')}`);
  }
  return parts.join('\n');
}

// ---------------------------------------------------------------------------

describe('reading a forged policy document', () => {
  beforeEach(resetEventIds);

  it('refuses a document nested more than 64 levels deep, with the reason, and reads one of 64', () => {
    // Document, statement and 62 arrays: 64 levels, as deep as a document may be.
    const deepest = readPolicyDocument(deepDocument(62));
    expect(deepest.status).toBe('ok');
    expect(deepest.status === 'ok' && deepest.pretty).toContain('"Condition"');
    const tooDeep = { status: 'invalid', reason: 'the document is nested more than 64 levels deep' };
    expect(readPolicyDocument(deepDocument(63))).toEqual(tooDeep);
    // 5,000 levels (10 KB) overflowed the stack pretty-printing it; 99,000 levels is near the largest document read.
    expect(readPolicyDocument(deepDocument(5_000))).toEqual(tooDeep);
    expect(readPolicyDocument(deepDocument(99_000))).toEqual(tooDeep);
    // The same for a document given already parsed, and for one that refers to itself.
    expect(readPolicyDocument(JSON.parse(deepDocument(5_000)))).toEqual(tooDeep);
    const cyclic: Record<string, unknown> = { Effect: 'Allow', Action: 'iot:*', Resource: '*' };
    cyclic.Condition = { loop: cyclic };
    expect(readPolicyDocument({ Statement: cyclic })).toEqual(tooDeep);
    // A document refused for another reason keeps it.
    expect(readPolicyDocument(nestedArrays(5_000))).toEqual({ status: 'invalid', reason: 'the document is not a JSON object' });
    expect(readPolicyDocument(`{"Statement":[${nestedArrays(5_000)}]}`)).toEqual({ status: 'invalid', reason: 'Statement 0 is not an object' });
  });

  it('never throws: a document that cannot be read is invalid, saying why', () => {
    // Values given already parsed, which JSON text cannot hold, made reading throw.
    expect(readPolicyDocument({ Statement: { Effect: 'Allow', Action: 'iot:*', Resource: '*', Condition: { n: 1n } } })).toEqual({
      status: 'invalid',
      reason: 'the document could not be read (Do not know how to serialize a BigInt)',
    });
    const throwing = {
      get Statement(): unknown {
        throw new Error('no\nway');
      },
    };
    expect(readPolicyDocument(throwing)).toEqual({ status: 'invalid', reason: 'the document could not be read (no way)' });
  });

  it('leaves the policy rules reporting the other documents of a log holding one nested 5,000 levels deep', () => {
    const createPolicy = (policyName: string, policyDocument: string, at: string) =>
      iotEvent({ eventName: 'CreatePolicy', eventTime: at, requestParameters: { policyName, policyDocument }, responseElements: { policyName, policyVersionId: '1' } });
    const events = [
      createPolicy('forged', deepDocument(5_000), '2026-10-05T09:00:00Z'),
      createPolicy('fleet', policyDocument({ Effect: 'Allow', Action: 'iot:*', Resource: '*' }), '2026-10-05T10:00:00Z'),
      createPolicy('sensors', policyDocument({ Effect: 'Allow', Action: 'iot:Publish', Resource: `${ARN}:topic/sensors/#` }), '2026-10-05T11:00:00Z'),
      iotEvent({ eventName: 'CreatePolicyVersion', eventTime: '2026-10-06T10:00:00Z', requestParameters: { policyName: 'forged', policyDocument: deepDocument(5_000) }, responseElements: { policyVersionId: '2' } }),
      iotEvent({ eventName: 'SetDefaultPolicyVersion', eventTime: '2026-10-07T10:00:00Z', requestParameters: { policyName: 'forged', policyVersionId: '2' } }),
      iotEvent({ eventName: 'SetDefaultPolicyVersion', eventTime: '2026-10-08T10:00:00Z', requestParameters: { policyName: 'forged', policyVersionId: '1' } }),
    ];
    const permissive = runRule(overlyPermissivePolicy, events);
    expect(permissive.map((h) => h.resource)).toEqual(['fleet']);
    expect(permissive[0]!.description).toContain('wildcard action "iot:*" on every resource');
    expect(runRule(policyPotentialMisconfiguration, events).map((h) => h.resource)).toEqual(['sensors']);
    const unchecked = runRule(policyDocumentUnchecked, events);
    expect(unchecked.map((h) => h.resource)).toEqual(['forged', 'forged']);
    expect(unchecked[0]!.description).toContain('could not be read (the document is nested more than 64 levels deep)');
    // Back to the older version: reported, without a diff of documents that could not be read.
    const rollback = runRule(policyDefaultRollback, events);
    expect(rollback.map((h) => [h.resource, h.evidence])).toEqual([['forged', null]]);
  });
});

describe('policy variables in forged resources', () => {
  /** Whether misconfigurationIssues sees a policy variable in each path (a client resource ending in `*` is reported exactly when it has none). */
  function variablesSeen(paths: readonly string[]): boolean[] {
    // Given parsed: as text, this many statements would be longer than a document is read.
    const document = { Version: '2012-10-17', Statement: paths.map((path) => ({ Effect: 'Allow', Action: 'iot:Connect', Resource: `${ARN}:client/${path}` })) };
    const reported = new Set(misconfigurationIssues(statementsOf(document)).map((i) => i.statementIndex));
    return paths.map((_, i) => !reported.has(i));
  }

  it('sees a policy variable exactly where the regular expression did, on 20,000 seeded resources', () => {
    // `x` first so that no path is all wildcards; `*` last so that one without a variable is reported.
    const pathOf = (middle: string) => `x${middle}*`;
    const middles = ['', '${', '${}', '${}}', '${a}', '${a', '}${a', '${}a}', '$${a}', '${${}', '${\n}', '${{}', '{$}', '$ {a}', '${$}', '${}${a}', '${a}}', 'a}${'];
    const r = rng(7);
    const pieces = ['$', '{', '}', '${', '$}', 'a', '\n', '*', '/', ':', '\u{1F600}'];
    while (middles.length < 20_000) middles.push(Array.from({ length: r.int(10) }, () => r.pick(pieces)).join(''));
    const paths = middles.map(pathOf);
    const seen = variablesSeen(paths);
    const expected = paths.map(referenceHasVariable);
    expect(expected.filter(Boolean).length).toBeGreaterThan(1_000);
    expect(expected.filter((v) => !v).length).toBeGreaterThan(1_000);
    for (const [i, path] of paths.entries()) expect(seen[i], JSON.stringify(path)).toBe(expected[i]);
  });

  it(
    'judges a resource of 80,000 unclosed `${` (160 KB) at once (the regular expression: ~30 s)',
    () => {
      const resource = `${ARN}:topic/${'${'.repeat(80_000)}*`;
      const statements = statementsOf(forged({ Effect: 'Allow', Action: 'iot:Publish', Resource: resource }));
      expect(overlyPermissiveIssues(statements)).toEqual([]);
      const issues = misconfigurationIssues(statements);
      expect(issues).toEqual([{ statementIndex: 0, reason: expect.stringContaining(`wildcard without a policy variable where a per-device scope is expected ("${clip(resource, 80)}"`) }]);
    },
    FORGED_TIMEOUT,
  );
});

describe('judging forged statements', () => {
  const actions = [
    '*', 'iot:*', 'iot:Connect', 'iot:Publish', 'iot:Receive', 'iot:Subscribe', 'iot:RetainPublish', 'iot:GetThingShadow', 'iot:UpdateThingShadow',
    'iot:*Shadow', 'iot:Pub*', 'IOT:CONNECT', 'iot:Connec?', 'iot:DescribeJobExecution', 'iot:CreatePolicy', 's3:*',
  ];
  const resources = [
    '*', '**', '', 'not-an-arn', `${ARN}:*`, `${ARN}:client/*`, `${ARN}:client/\${iot:ClientId}`, `${ARN}:client/dev-*`, `${ARN}:topic/*`,
    `${ARN}:topic/#`, `${ARN}:topic/a/+/b`, `${ARN}:topic/\${iot:ClientId}/*`, `${ARN}:topic/\${}*`, `${ARN}:topic/\${a*`, `${ARN}:topicfilter/#`,
    `${ARN}:topicfilter/+`, `${ARN}:topicfilter/a/*`, `${ARN}:topic*/x/#`, `${ARN}:thing/*`, `${ARN}:thing/\${iot:Connection.Thing.ThingName}`,
    `${ARN}:thing/t-*`, `${ARN}:*/a*`, `${ARN}:*/*`, `${ARN}:topic`, 'arn:aws:iot:*:*:topic/*', 'arn:aws:IOT:*:*:*', 'arn:aws:s3:::bucket/*',
  ];
  const types = ['client', 'topic', 'topicfilter', 'thing', '*', 'topic*', 'Thing'];
  const pathPieces = ['a', '*', '+', '#', '/', '$', '{', '}', '${x}'];

  function seededStatement(r: Rng): object {
    const some = (pick: () => string) => Array.from({ length: r.int(6) }, pick);
    const resource = () =>
      r.int(3) === 0 ? `${ARN}:${r.pick(types)}/${Array.from({ length: r.int(6) }, () => r.pick(pathPieces)).join('')}` : r.pick(resources);
    const statement: Record<string, unknown> = {};
    const effect = r.pick(['Allow', 'Allow', 'Allow', 'Deny', 'allow', 'Audit', undefined]);
    if (effect !== undefined) statement.Effect = effect;
    const listed = r.int(4) === 0 ? (r.int(2) === 0 ? r.pick(actions) : some(() => r.pick(actions))) : some(() => r.pick(actions));
    statement[r.int(6) === 0 ? 'NotAction' : 'Action'] = listed;
    statement[r.int(6) === 0 ? 'NotResource' : 'Resource'] = r.int(5) === 0 ? resource() : some(resource);
    if (r.int(5) === 0) statement.Condition = r.int(2) === 0 ? { StringEquals: { 'iot:ClientId': 'a' } } : { Bool: { 'iot:Connection.Thing.IsAttached': 'true' } };
    return statement;
  }

  it('finds the issues, in the order and words of the code before, on 3,000 seeded documents', () => {
    const r = rng(23);
    let found = 0;
    for (let n = 0; n < 3_000; n++) {
      const statements = statementsOf(policyDocument(...Array.from({ length: 1 + r.int(5) }, () => seededStatement(r))));
      const overly = overlyPermissiveIssues(statements);
      const misconfigured = misconfigurationIssues(statements);
      expect(overly).toEqual(referenceOverlyPermissive(statements));
      expect(misconfigured).toEqual(referenceMisconfiguration(statements));
      // Quoted as found, and mixed with repeats out of order, as the reasons are merged per statement.
      const mixed = [...misconfigured, ...overly, ...[...overly].reverse(), ...misconfigured];
      for (const issues of [overly, misconfigured, mixed]) expect(quoteIssues(statements, issues)).toBe(referenceQuote(statements, issues));
      found += overly.length + misconfigured.length;
    }
    expect(found).toBeGreaterThan(3_000);
  });

  it(
    'judges a statement of 1,200 actions and 1,200 resources (71 KB) at once (the code before asked about every action for each resource: 20 to 45 s)',
    () => {
      const text = forged({
        Effect: 'Allow',
        Action: [...Array.from({ length: 1_200 }, (_, i) => `iot:Other${i}`), 'iot:Connect'],
        Resource: [...Array.from({ length: 1_200 }, (_, i) => `${ARN}:*/r${i}`), `${ARN}:client/fleet-*`],
      });
      expect(misconfigurationIssues(statementsOf(text))).toEqual([
        {
          statementIndex: 0,
          reason: `wildcard without a policy variable where a per-device scope is expected ("${ARN}:client/fleet-*"; use \${iot:Connection.Thing.ThingName} with the Condition iot:Connection.Thing.IsAttached = true)`,
        },
      ]);
    },
    FORGED_TIMEOUT,
  );

  it(
    'quotes the 22,000 distinct reasons of a forged statement, each given twice, at once (the code before: ~15 s)',
    () => {
      const actions = Array.from({ length: 22_000 }, (_, i) => `${i}*`);
      const statements = statementsOf(forged({ Effect: 'Allow', Action: actions, Resource: '*' }));
      // Worded as overlyPermissiveIssues words them. Judging this statement is left out: its
      // 22,000 distinct action patterns cost over a second of glob matching of their own.
      const issues = actions.map((action) => ({ statementIndex: 0, reason: `wildcard action "${action}" on every resource ("*")` }));
      const lines = quoteIssues(statements, [...issues, ...issues]).split('\n');
      expect(lines).toHaveLength(1 + 22_000);
      expect(lines[0]).toBe(`Statement 0: ${clip(JSON.stringify(statements[0]!.raw), 600)}`);
      expect(lines.slice(1)).toEqual(issues.map((i) => `  - ${i.reason}`));
    },
    FORGED_TIMEOUT,
  );

  it(
    'judges three forged statements of 24,900 wildcard actions and 33,101 resources (190 KB each) at once (the code before looked for Resource "*" once per action: ~3 s each)',
    () => {
      for (const Effect of ['Allow', 'allow', 'ALLOW']) {
        // The resource that covers everything comes last, after 33,100 that cover nothing.
        const statements = statementsOf(forged({ Effect, Action: Array<string>(24_900).fill('*'), Resource: [...Array<string>(33_100).fill(''), '*'] }));
        const issues = overlyPermissiveIssues(statements);
        expect(issues).toHaveLength(24_900 + 4);
        expect(issues[0]).toEqual({ statementIndex: 0, reason: 'wildcard action "*" on every resource ("*")' });
        expect(issues.at(-1)).toEqual({ statementIndex: 0, reason: `${referenceGroups[3]!.actions.join(', ')} on every thing ("*")` });
        expect(quoteIssues(statements, issues).split('\n')).toHaveLength(1 + 5);
      }
    },
    FORGED_TIMEOUT,
  );
});
