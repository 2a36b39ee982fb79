/**
 * The shared helpers the analysis leans on for speed (local times, sorting by a key,
 * glob answers, policy versions, resources) give the answers of the plain code
 * they replace.
 */
import { DateTime } from 'luxon';
import { beforeEach, describe, expect, it } from 'vitest';
import { byString, distinct, sortByString } from '../../src/analysis/params.js';
import { matchesGlob } from '../../src/analysis/rules/support/glob.js';
import { hitsPerActorDay, localTimesIn } from '../../src/analysis/rules/support/grouping.js';
import { broadenings, overlyPermissiveIssues, readPolicyDocument, TOO_LARGE_TO_COMPARE } from '../../src/analysis/rules/support/policy-document.js';
import { policyDocumentHits } from '../../src/analysis/rules/support/policy-hits.js';
import { knownPolicyVersions } from '../../src/analysis/rules/support/policy-versions.js';
import { clip, countActions, listWithMore } from '../../src/analysis/rules/support/text.js';
import { actorOf } from '../../src/cloudtrail/identity.js';
import { resourcesOf } from '../../src/iot/resources.js';
import type { IotEvent, PolicyHistory } from '../../src/report/model.js';
import type { JsonObject } from '../../src/types.js';
import type { PolicyStatement } from '../../src/analysis/rules/support/policy-document.js';
import { actor, actors, iotEvent, policyDocument, resetEventIds } from '../helpers/events.js';
import { rng } from '../helpers/random.js';

const localDay = (iso: string, zone: string) => localTimesIn(zone)(iso).day;

/** The luxon reading of local wall-clock facts that `localTimesIn` replaces. */
function referenceLocalTime(iso: string, zone: string) {
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) return { day: iso.slice(0, 10), weekday: 1, minutes: 0 };
  let offset = DateTime.fromMillis(ms, { zone }).offset;
  if (!Number.isFinite(offset)) offset = 0;
  const local = new Date(ms + offset * 60_000);
  return {
    day: local.toISOString().slice(0, 10),
    weekday: ((local.getUTCDay() + 6) % 7) + 1,
    minutes: local.getUTCHours() * 60 + local.getUTCMinutes(),
  };
}

describe('localTimesIn', () => {
  const zones = ['UTC', 'Europe/Paris', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kathmandu', 'America/Santiago', 'Etc/GMT-14', 'Mars/Olympus'];

  it('matches luxon every 7 minutes across the 2026 DST changes, before 1970, and for odd input', () => {
    const instants: string[] = [];
    for (const [from, to] of [
      [Date.UTC(2026, 2, 27), Date.UTC(2026, 3, 6)],
      [Date.UTC(2026, 8, 4), Date.UTC(2026, 8, 8)],
      [Date.UTC(2026, 9, 23), Date.UTC(2026, 10, 3)],
      [Date.UTC(1969, 11, 30), Date.UTC(1970, 0, 2)],
    ]) {
      for (let t = from!; t < to!; t += 7 * 60_000 + 13_000) instants.push(new Date(t).toISOString());
    }
    instants.push('2026-10-25T01:00:00+01:00', '2026-10-05', 'not a time', '', '1899-06-01T12:00:00Z');
    for (const zone of zones) {
      const localTime = localTimesIn(zone);
      // Twice: worked out, then remembered.
      for (let round = 0; round < 2; round++) for (const iso of instants) expect(localTime(iso)).toEqual(referenceLocalTime(iso, zone));
    }
  });

  it('gives the local day', () => {
    expect(localDay('2026-10-05T22:30:00Z', 'Europe/Paris')).toBe('2026-10-06');
    expect(localDay('2026-10-05T03:30:00Z', 'America/New_York')).toBe('2026-10-04');
  });
});

describe('hitsPerActorDay', () => {
  beforeEach(resetEventIds);

  /** The grouping it replaces: a JSON key per event, groups in order of first appearance. */
  function referenceGroups(events: IotEvent[], zone: string): string[][] {
    const groups = new Map<string, string[]>();
    for (const e of events) {
      const key = JSON.stringify([e.accountId, e.region, e.actor.key, localDay(e.eventTime, zone)]);
      groups.set(key, [...(groups.get(key) ?? []), e.eventId]);
    }
    return [...groups.values()];
  }

  it('groups by account, region, principal and local day, in order of first event', () => {
    const bob = actors.role('ops', 'bob');
    // Parts that a plain joined key would run together stay apart.
    const odd = actor({ key: 'x\u0000y', label: 'odd' });
    const events = [
      iotEvent({ eventTime: '2026-10-05T21:30:00Z', eventName: 'A' }),
      iotEvent({ eventTime: '2026-10-05T21:40:00Z', actor: bob, eventName: 'B' }),
      iotEvent({ eventTime: '2026-10-05T22:30:00Z', eventName: 'C' }),
      iotEvent({ eventTime: '2026-10-05T23:00:00Z', region: 'us-east-1', eventName: 'D' }),
      iotEvent({ eventTime: '2026-10-06T08:00:00Z', actor: bob, eventName: 'B' }),
      iotEvent({ eventTime: '2026-10-06T09:00:00Z', actor: odd, accountId: 'a', region: 'b\u0000x', eventName: 'E' }),
      iotEvent({ eventTime: '2026-10-06T09:10:00Z', actor: actor({ key: 'y', label: 'odd' }), accountId: 'a\u0000b', region: 'x', eventName: 'E' }),
      iotEvent({ eventTime: '2026-10-06T10:00:00Z', eventName: 'A' }),
    ];
    for (const zone of ['UTC', 'Europe/Paris']) {
      const seen: [string, string][] = [];
      const hits = hitsPerActorDay(events, zone, (group, day, actions) => {
        seen.push([day, actions]);
        return `${group.length} on ${day}`;
      });
      expect(hits.map((h) => h.eventIds)).toEqual(referenceGroups(events, zone));
      expect(hits.map((h) => h.discriminator)).toEqual(hits.map((h) => localDay(h.time, zone)));
      expect(hits.map((h) => h.evidence)).toEqual(seen.map(([, actions], i) => `${events.find((e) => e.eventId === hits[i]!.eventIds[0])!.actor.label}: ${actions}`));
    }
    const paris = hitsPerActorDay(events, 'Europe/Paris', (group, day, actions) => `${day}: ${actions}`);
    expect(paris[0]!.description).toBe('2026-10-05: 1 × A');
    expect(paris[1]!.description).toBe('2026-10-05: 1 × B');
    // 22:30 UTC is already the 6th in Paris: with the 10:00 call, one group of two.
    expect(paris[2]!).toMatchObject({ eventIds: ['e-0003', 'e-0008'], description: '2026-10-06: 1 × C, 1 × A' });
  });
});

describe('small helpers', () => {
  it('distinct keeps first appearances in order', () => {
    expect(distinct(['b', 'a', 'b', 'c', 'a'])).toEqual(['b', 'a', 'c']);
    const one = ['x'];
    expect(distinct(one)).toEqual(['x']);
    expect(distinct(one)).not.toBe(one);
    expect(distinct([])).toEqual([]);
  });

  it('sortByString sorts as sort(byString(key)) does, ties in their order', () => {
    const items = ['b2', 'a1', 'b1', 'a2', 'c1', 'a3'].map((name, i) => ({ name, i }));
    const expected = [...items].sort(byString((x) => x.name[0]!));
    expect(sortByString([...items], (x) => x.name[0]!)).toEqual(expected);
  });

  it('glob answers stay right when asked again, in both cases', () => {
    for (let round = 0; round < 2; round++) {
      expect(matchesGlob('iot:*', 'iot:Connect', true)).toBe(true);
      expect(matchesGlob('IOT:*', 'iot:Connect', true)).toBe(true);
      expect(matchesGlob('IOT:*', 'iot:Connect')).toBe(false);
      expect(matchesGlob('topic/?', 'topic/ab')).toBe(false);
    }
  });

  it('globs match as their regular expression would, case-sensitive or not, in time linear in a forged value', () => {
    // The reference: the regular expression the patterns were matched with before.
    const reference = (pattern: string, value: string, caseInsensitive: boolean) => {
      let source = '';
      for (const ch of pattern) source += ch === '*' ? '.*' : ch === '?' ? '.' : ch.replace(/[.+^${}()|[\]\\/-]/g, '\\$&');
      return new RegExp(`^${source}$`, caseInsensitive ? 'is' : 's').test(value);
    };
    const same = (pattern: string, value: string) => {
      for (const caseInsensitive of [false, true]) {
        expect(matchesGlob(pattern, value, caseInsensitive), `${JSON.stringify(pattern)} ${JSON.stringify(value)} ${caseInsensitive}`).toBe(
          reference(pattern, value, caseInsensitive),
        );
      }
    };
    // Pieces that meet or overlap at the ends, empty pieces and values.
    for (const [pattern, value] of [
      ['ab*ba', 'aba'], ['ab*ba', 'abba'], ['a*a', 'a'], ['a*a', 'aa'], ['*', ''], ['', ''], ['', 'a'], ['?', ''], ['a?*', 'a'],
      ['**', 'x'], ['a**b', 'ab'], ['a*b*c', 'abc'], ['a*b*c', 'acb'], ['*b*b*', 'bb'], ['*b*b*', 'b'], ['?*?', 'x'], ['*?b', 'bb'],
      // A middle piece found only where the last piece must be.
      ['a*b*b', 'ab'], ['*b*b', 'b'], ['*b?*b', 'bxb'], ['*b?*b', 'bb'],
    ] as const) {
      same(pattern, value);
    }
    // A small alphabet, so that patterns and values meet often, with each letter's case
    // partners under a case-insensitive expression (an expression without the u flag compares
    // upper cases, but never a non-ASCII letter as an ASCII one): ı is not I, ſ is not s, the
    // Kelvin sign is not k, ς is σ, µ is μ, ß is not SS.
    const partners = [['a', 'A'], ['b', 'B'], ['ı', 'I', 'i'], ['ſ', 's', 'S'], ['\u212A', 'k', 'K'], ['\u00e9', '\u00c9'], ['ς', 'σ', 'Σ'], ['µ', 'μ', 'Μ'], ['ß', 'SS', 'ss'], [':'], ['/'], ['.'], ['\n'], ['\ud83d\ude00']];
    const letters = partners.flat();
    const { int: next, pick } = rng(7);
    const text = (max: number) => Array.from({ length: next(max + 1) }, () => pick(letters)).join('');
    // A value from the pattern: each star some text, each ? one letter, each letter itself or a partner.
    const fill = (pattern: string) =>
      Array.from(pattern, (ch) => (ch === '*' ? text(3) : ch === '?' ? pick(letters) : next(3) === 0 ? pick(partners.find((p) => p.includes(ch)) ?? [ch]) : ch)).join('');
    let matched = 0;
    for (let i = 0; i < 20_000; i++) {
      const pattern = Array.from({ length: next(7) }, () => (next(4) === 0 ? pick(['*', '?']) : pick(letters))).join('');
      const value = next(2) === 0 ? text(9) : fill(pattern);
      same(pattern, value);
      if (reference(pattern, value, true)) matched++;
    }
    // Both answers are common, or the comparison would prove little.
    expect(matched).toBeGreaterThan(4000);
    expect(matched).toBeLessThan(16_000);

    // A forged ARN of 1 MB against an allow-list pattern (the expression: minutes).
    const forged = `arn:aws:iam::${':role/'.repeat(170_000)}x`;
    expect(matchesGlob('arn:aws:iam::*:role/*admin*', forged, true)).toBe(false);
    expect(matchesGlob('arn:aws:iam::*:role/*x', forged, true)).toBe(true);
    // Both sides from a log: a pattern of many stars against a long value.
    expect(matchesGlob(`${'*a'.repeat(500)}*z`, 'a'.repeat(100_000))).toBe(false);
  });

  it('clip and countActions', () => {
    expect(clip('a\u0000\u0001b\nc', 10)).toBe('a b c');
    expect(clip('abcdef', 4)).toBe('abc…');
    expect(countActions(['A', 'B', 'A', 'C\n'])).toBe('2 × A, 1 × B, 1 × C ');
    expect(countActions(['C\n'])).toBe('1 × C ');
    expect(countActions(['x'.repeat(70)])).toBe(`1 × ${'x'.repeat(59)}…`);
    expect(countActions([])).toBe('');
  });

  it('listWithMore, with one item as with several', () => {
    expect(listWithMore(['a\nb'])).toBe('a b');
    expect(listWithMore(['x'.repeat(90)], 1)).toBe(`${'x'.repeat(79)}…`);
    expect(listWithMore(['a'], 0)).toBe(' and 1 more');
    expect(listWithMore(['a', 'b', 'c'], 2)).toBe('a, b and 1 more');
    expect(listWithMore([])).toBe('');
  });
});

describe('knownPolicyVersions', () => {
  beforeEach(resetEventIds);

  it('takes versions from the policy histories as well as from the events', () => {
    const doc = policyDocument({ Effect: 'Allow', Action: 'iot:Connect', Resource: '*' });
    const events = [
      iotEvent({ eventName: 'CreatePolicy', requestParameters: { policyName: 'p', policyDocument: doc } }),
      iotEvent({ eventId: 'switch', eventName: 'SetDefaultPolicyVersion', requestParameters: { policyName: 'q', policyVersionId: '2' } }),
    ];
    const none: PolicyHistory[] = [];
    expect(knownPolicyVersions(events, none).map((v) => v.policyName)).toEqual(['p']);
    const history: PolicyHistory[] = [
      {
        policyName: 'q',
        changed: false,
        accountId: events[1]!.accountId,
        accountName: null,
        region: events[1]!.region,
        arn: null,
        versions: [
          {
            versionId: '2',
            eventId: 'x',
            eventTime: '2026-10-01T00:00:00Z',
            eventName: 'CreatePolicyVersion',
            document: doc,
            documentRecorded: true,
            documentPretty: null,
            documentNotRecorded: null,
            setAsDefault: false,
            actorLabel: 'a',
          },
        ],
        // The version is of the policy the switch is of (no deletion between them).
        changes: [
          { eventId: 'x', eventTime: '2026-10-01T00:00:00Z', eventName: 'CreatePolicyVersion', action: 'create-version', target: '2', targetType: null, actorLabel: 'a' },
          { eventId: 'switch', eventTime: '2026-10-05T10:00:00Z', eventName: 'SetDefaultPolicyVersion', action: 'set-default', target: '2', targetType: null, actorLabel: 'a' },
        ],
        defaultVersionId: null,
        defaultVersionNotLogged: false,
        deleted: false,
        attachedTargets: [],
        attachedTargetsComplete: false,
        defaultVersionsNotShown: [], defaultVersionMayBeUnlogged: false, defaultsNotShown: [],
        failedEventIds: [],
      },
    ];
    expect(knownPolicyVersions(events, history).map((v) => v.policyName)).toEqual(['p', 'q']);
    // Not a version of the policy before it was deleted.
    const deleted = { eventId: 'deleted', eventTime: '2026-10-02T00:00:00Z', eventName: 'DeletePolicy', action: 'delete', target: null, targetType: null, actorLabel: 'a' };
    const recreated = [{ ...history[0]!, changes: [history[0]!.changes[0]!, deleted, history[0]!.changes[1]!] }];
    expect(knownPolicyVersions(events, recreated).map((v) => v.policyName)).toEqual(['p']);
  });
});

describe('policy documents', () => {
  it('reads each text once, with the answer of a fresh reading', () => {
    const text = policyDocument({ Effect: 'Allow', Action: 'iot:*', Resource: '*' });
    const first = readPolicyDocument(text);
    expect(readPolicyDocument(`${text}`)).toBe(first);
    expect(first).toEqual(readPolicyDocument(JSON.parse(text)));
    expect(readPolicyDocument('{"Statement": 1}')).toEqual({ status: 'invalid', reason: 'Statement 0 is not an object' });
    expect(readPolicyDocument('x'.repeat(200_001))).toEqual({ status: 'invalid', reason: 'the document is 200001 characters long' });
  });

  it('judges each document once, every version of it reported', () => {
    resetEventIds();
    const doc = policyDocument({ Effect: 'Allow', Action: 'iot:*', Resource: '*' });
    const events = ['p', 'q'].map((policyName) => iotEvent({ eventName: 'CreatePolicy', requestParameters: { policyName, policyDocument: doc } }));
    let judged = 0;
    const hits = policyDocumentHits(knownPolicyVersions(events, []), (statements) => (judged++, overlyPermissiveIssues(statements)), 'is broad');
    expect(judged).toBe(1);
    expect(hits.map((h) => h.resource)).toEqual(['p', 'q']);
    expect(hits[0]!.evidence).toBe(hits[1]!.evidence);
  });

  it('finds what a version allows that another did not, as every grant compared with every other would, within a budget', () => {
    const statementsOf = (...raw: object[]) => {
      const reading = readPolicyDocument({ Version: '2012-10-17', Statement: raw });
      if (reading.status !== 'ok') throw new Error(reading.reason);
      return reading.statements;
    };
    // The reference: every grant of one side against every grant of the other.
    const reference = (previous: PolicyStatement[], next: PolicyStatement[]) => {
      const grants = (statements: PolicyStatement[], effect: string) =>
        statements
          .filter((s) => s.effect === effect)
          .flatMap((s) => (s.notActions !== null ? ['*'] : s.actions).flatMap((action) => (s.notResources !== null ? ['*'] : s.resources).map((resource) => ({ action, resource }))));
      const covers = (o: { action: string; resource: string }, i: { action: string; resource: string }) =>
        matchesGlob(o.action, i.action, true) && matchesGlob(o.resource, i.resource);
      const out: string[] = [];
      for (const g of grants(next, 'Allow')) if (!grants(previous, 'Allow').some((p) => covers(p, g))) out.push(`allows ${g.action} on ${g.resource}`);
      for (const d of grants(previous, 'Deny')) if (!grants(next, 'Deny').some((n) => covers(n, d))) out.push(`no longer denies ${d.action} on ${d.resource}`);
      return [...new Set(out)];
    };
    const r = rng(11);
    const actions = ['iot:*', 'iot:Connect', 'iot:Publish', 'iot:Pub*', 'IOT:connect', 's3:*', '*'];
    const resources = ['*', 'arn:aws:iot:*:*:topic/a', 'arn:aws:iot:eu-west-1:1:topic/*', 'arn:aws:iot:eu-west-1:1:topic/a', 'arn:aws:iot:eu-west-1:1:topic/A', 'arn:aws:iot:eu-west-1:1:client/?'];
    const some = (items: string[]) => Array.from({ length: r.int(4) }, () => r.pick(items));
    const statement = () => ({
      Effect: r.pick(['Allow', 'Allow', 'Deny']),
      [r.int(5) === 0 ? 'NotAction' : 'Action']: some(actions),
      [r.int(5) === 0 ? 'NotResource' : 'Resource']: some(resources),
    });
    let broader = 0;
    for (let i = 0; i < 2000; i++) {
      const previous = statementsOf(...Array.from({ length: r.int(4) }, statement));
      const next = statementsOf(...Array.from({ length: r.int(4) }, statement));
      const want = reference(previous, next);
      if (want.length > 0) broader++;
      expect(broadenings(previous, next)).toEqual(want);
    }
    expect(broader).toBeGreaterThan(400);
    expect(broader).toBeLessThan(1900);

    // A forged document (AWS IoT takes 2,048 characters): 20,000 actions and 20,000 resources
    // are 400 million grants. Said to be too large, at once.
    const forged = statementsOf({ Effect: 'Allow', Action: Array.from({ length: 20_000 }, (_, i) => `iot:A${i}`), Resource: Array.from({ length: 20_000 }, (_, i) => `r${i}`) });
    expect(broadenings(statementsOf({ Effect: 'Allow', Action: 'iot:Connect', Resource: '*' }), forged)).toEqual([TOO_LARGE_TO_COMPARE]);
    expect(broadenings(forged, forged)).toEqual([TOO_LARGE_TO_COMPARE]);
  });
});

describe('actorOf', () => {
  /** How role names were read before: the last path segment of the resource after the fifth colon. */
  const referenceRoleName = (arn: string) => {
    const parts = arn.split(':').slice(5).join(':').split('/');
    return parts[parts.length - 1]!;
  };

  it('names the role of odd issuer ARNs as before', () => {
    for (const issuer of [
      'arn:aws:iam::1:role/path/Name',
      'arn:aws:iam::1:role/Name',
      'arn:aws:iam::1:Name',
      'arn:aws:iam::1:a/b:c/d',
      'arn:aws:iam::1:a/b:c',
      'arn/x:aws:iam::1:',
      'arn:aws:iam::role/x',
      'arn:aws/iam/x',
      '',
    ]) {
      const a = actorOf({ type: 'AssumedRole', sessionContext: { sessionIssuer: { arn: issuer } } });
      expect(a.label).toBe(issuer === '' ? 'AssumedRole' : `role/${referenceRoleName(issuer)}`);
    }
  });

  it('reads keys in any case, and never past a key that is present', () => {
    const ui = { TYPE: 'IAMUser', UserName: 'ann', 'access\u212AeyId': 'AKIA1', SessionContext: { Attributes: { MFAAuthenticated: 'true' } } };
    expect(actorOf(ui)).toMatchObject({ type: 'IAMUser', userName: 'ann', accessKeyId: 'AKIA1', mfaAuthenticated: true, label: 'user/ann' });
    // A key of another length never matches, whatever its case.
    expect(actorOf({ typ: 'Root', Types: 'Root' }).type).toBeNull();
    // Present but undefined: the exact key wins over another spelling.
    expect(actorOf({ type: undefined, Type: 'Root' } as unknown as Record<string, never>).type).toBeNull();
  });

  it('reads each session ARN the same way every time', () => {
    const ui = { type: 'AssumedRole', arn: 'arn:aws:sts::1:assumed-role/R/s/x' };
    for (let i = 0; i < 2; i++) expect(actorOf(ui)).toMatchObject({ label: 'role/R (session s/x)', sessionName: 's/x', key: ui.arn });
    expect(actorOf({ type: 'AssumedRole', arn: 'arn:aws:sts::1:assumed-role/R/' }).sessionName).toBeNull();
  });

  it('reads role and session as the expression for them would, in time linear in a forged ARN', () => {
    const expression = /:assumed-role\/([^/]+)\/(.+)$/;
    const sessionOf = (arn: string) => actorOf({ type: 'AssumedRole', arn }).sessionName;
    for (const arn of [
      'arn:aws:sts::1:assumed-role/R/s',
      'arn:aws:sts::1:assumed-role//s',
      'arn:aws:sts::1:assumed-role/R',
      'arn:aws:sts::1:assumed-role/R/s\nmore',
      'x:assumed-role/R/s\n:assumed-role/Q/t',
      'x:assumed-role/R/s\u2028:assumed-role/Q/',
      'x:assumed-role//:assumed-role/Q/t/u',
      'x:assumed-role/R\nS/t',
      ':assumed-role/:assumed-role/R/s',
      'arn:aws:sts::1:assumed-role/R/s\r',
      'no marker/R/s',
    ]) {
      expect(sessionOf(arn), JSON.stringify(arn)).toBe(expression.exec(arn)?.[2] ?? null);
    }
    // The marker 64,000 times and a line break at the end (the expression: minutes).
    const forged = `${':assumed-role/a/'.repeat(64_000)}\nx`;
    expect(sessionOf(forged)).toBeNull();
    expect(sessionOf(`${forged}:assumed-role/R/s`)).toBe('s');
  });
});

describe('actorOf labels and keys by identity type', () => {
  const A = '111122223333';
  const fedIssuedBy = (issuer: JsonObject, name = 'ops'): JsonObject => ({
    type: 'FederatedUser',
    principalId: `${A}:${name}`,
    arn: `arn:aws:sts::${A}:federated-user/${name}`,
    accountId: A,
    sessionContext: { sessionIssuer: issuer, attributes: { mfaAuthenticated: 'false' } },
  });
  const bob = { type: 'IAMUser', principalId: 'AIDAX', arn: `arn:aws:iam::${A}:user/bob`, accountId: A, userName: 'bob' };

  it('names a federated user and who issued it: an IAM user, the root user, a role', () => {
    const byBob = actorOf(fedIssuedBy(bob, 'bob'));
    expect(byBob).toMatchObject({ label: 'federated-user/bob (issued by user/bob)', key: `arn:aws:sts::${A}:federated-user/bob`, sessionIssuerArn: bob.arn });
    const byRoot = actorOf(fedIssuedBy({ type: 'Root', principalId: A, arn: `arn:aws:iam::${A}:root`, accountId: A }));
    expect(byRoot.label).toBe(`federated-user/ops (issued by the root user of ${A})`);
    // Without the issuer's type, its ARN says what it is.
    expect(actorOf(fedIssuedBy({ arn: `arn:aws:iam::${A}:user/path/carol` })).label).toBe('federated-user/ops (issued by user/carol)');
    expect(actorOf(fedIssuedBy({ arn: `arn:aws:iam::${A}:root` })).label).toBe(`federated-user/ops (issued by the root user of ${A})`);
    expect(actorOf(fedIssuedBy({ type: 'Role', arn: `arn:aws:iam::${A}:role/broker` })).label).toBe('federated-user/ops (issued by role/broker)');
    // No ARN: the name from the principal id.
    const { arn: _arn, ...noArn } = fedIssuedBy(bob, 'dave');
    expect(actorOf(noArn)).toMatchObject({ label: 'federated-user/dave (issued by user/bob)', key: `FederatedUser:${A}:${A}:dave` });
    // Two federated users of one issuer are two people; neither is the issuer himself.
    const keys = new Set([actorOf(fedIssuedBy(bob, 'ann')).key, actorOf(fedIssuedBy(bob, 'eve')).key, actorOf(bob).key]);
    expect(keys.size).toBe(3);
  });

  it('keeps assumed-role sessions labelled and grouped as before', () => {
    const session = (name: string) => ({
      type: 'AssumedRole',
      arn: `arn:aws:sts::${A}:assumed-role/Admin/${name}`,
      accountId: A,
      sessionContext: { sessionIssuer: { type: 'Role', arn: `arn:aws:iam::${A}:role/team/Admin`, userName: 'Admin' } },
    });
    expect(actorOf(session('s1'))).toMatchObject({ label: 'role/Admin (session s1)', key: `arn:aws:iam::${A}:role/team/Admin` });
    expect(actorOf(session('s2')).key).toBe(actorOf(session('s1')).key);
  });

  it('keeps Identity Center users apart, and says who', () => {
    const idc = (userId: string, store = 'd-1') => ({
      type: 'IdentityCenterUser',
      accountId: A,
      onBehalfOf: { userId, identityStoreArn: `arn:aws:identitystore::${A}:identitystore/${store}` },
      credentialId: 'c',
    });
    const one = actorOf(idc('u-1111'));
    expect(one).toMatchObject({ label: 'identity-center-user/u-1111 (store d-1)', key: `IdentityCenterUser:arn:aws:identitystore::${A}:identitystore/d-1:u-1111` });
    expect(actorOf(idc('u-2222')).key).not.toBe(one.key);
    expect(actorOf(idc('u-1111', 'd-2')).key).not.toBe(one.key);
    expect(actorOf({ ...idc('u-1111'), credentialId: 'other' }).key).toBe(one.key);
  });

  it('keeps principals of another account apart, and says who', () => {
    const one = actorOf({ type: 'AWSAccount', principalId: 'AIDAONE', accountId: '444455556666' });
    const two = actorOf({ type: 'AWSAccount', principalId: 'AIDATWO', accountId: '444455556666' });
    expect(one).toMatchObject({ label: 'account/444455556666 (principal AIDAONE)', key: 'AWSAccount:444455556666:AIDAONE' });
    expect(two.key).not.toBe(one.key);
    expect(actorOf({ type: 'AWSAccount', principalId: 'AIDAONE', accountId: '777788889999' }).key).not.toBe(one.key);
    expect(actorOf({ type: 'AWSAccount', principalId: 'AIDAONE', accountId: '444455556666', invokedBy: 'iot.amazonaws.com' }).label).toBe(
      'account/444455556666 (principal AIDAONE) via iot.amazonaws.com',
    );
  });

  it('labels the other identity types as before, or by their user name', () => {
    expect(actorOf({ type: 'Root', principalId: A, arn: `arn:aws:iam::${A}:root`, accountId: A }).label).toBe(`root (${A})`);
    expect(actorOf(bob)).toMatchObject({ label: 'user/bob', key: bob.arn });
    expect(actorOf({ type: 'AWSService', invokedBy: 'iot.amazonaws.com' })).toMatchObject({ label: 'iot.amazonaws.com', key: 'service:iot.amazonaws.com' });
    expect(actorOf({ accountId: A, invokedBy: 'iot.amazonaws.com' }).label).toBe('iot.amazonaws.com');
    const saml = actorOf({ type: 'SAMLUser', principalId: 'X:sam@example.com', userName: 'sam@example.com', identityProvider: 'X' });
    expect(saml).toMatchObject({ label: 'SAMLUser/sam@example.com', key: 'SAMLUser:unknown:X:sam@example.com' });
    expect(actorOf({ type: 'SAMLUser', principalId: 'X:kim@example.com', userName: 'kim@example.com' }).key).not.toBe(saml.key);
    expect(actorOf({ type: 'Unknown' }).label).toBe('Unknown');
    expect(actorOf(null).label).toBe('unknown identity');
  });
});

describe('resourcesOf', () => {
  const CERT = 'a'.repeat(64);
  const arn = (id: string) => `arn:aws:iot:eu-west-1:111111111111:cert/${id}`;

  it('lists each resource once, in first-mention order, keeping an ARN mentioned later', () => {
    expect(resourcesOf('AttachThingPrincipal', { thingName: 't', principal: CERT }, { note: `see ${arn(CERT)}` })).toEqual([
      { type: 'thing', id: 't', arn: null },
      { type: 'certificate', id: CERT, arn: null },
    ]);
    expect(resourcesOf('UpdateCertificate', { certificateId: CERT }, { certificateArn: arn(CERT) })).toEqual([
      { type: 'certificate', id: CERT, arn: arn(CERT) },
    ]);
  });

  it('keeps every certificate of a long response once, in order', () => {
    const ids = Array.from({ length: 40 }, (_, i) => i.toString(16).padStart(64, '0'));
    const response = { certificates: [...ids, ...ids].map((id) => ({ certificateArn: arn(id), note: `also :cert/${id}` })) };
    const refs = resourcesOf('ListCertificates', null, response);
    expect(refs.map((r) => r.id)).toEqual(ids);
    expect(refs.every((r) => r.arn === arn(r.id))).toBe(true);
  });

  it('finds the certificates of certificate ARNs, whatever their case or what follows the id', () => {
    const B = 'b'.repeat(64);
    expect(resourcesOf('X', { a: arn(CERT).replace(':cert/', ':CERT/'), b: `${arn(CERT)}:cert/${B}` }, null)).toEqual([
      { type: 'certificate', id: CERT, arn: arn(CERT).replace(':cert/', ':CERT/') },
      { type: 'certificate', id: `${CERT}:cert/${B}`, arn: `${arn(CERT)}:cert/${B}` },
      { type: 'certificate', id: B, arn: null },
    ]);
    const ca = `arn:aws:iot:eu-west-1:111111111111:cacert/${B}`;
    expect(resourcesOf('X', { ca }, null)).toEqual([{ type: 'caCertificate', id: B, arn: ca }]);
  });

  it('takes a certificateId of a CA certificate call for the CA certificate, never a device certificate', () => {
    for (const name of ['RegisterCACertificate', 'UpdateCACertificate', 'DeleteCACertificate', 'DescribeCACertificate']) {
      expect(resourcesOf(name, { certificateId: CERT, newStatus: 'INACTIVE' }, null), name).toEqual([{ type: 'caCertificate', id: CERT, arn: null }]);
      expect(resourcesOf(name, { caCertificateId: CERT }, null), name).toEqual([{ type: 'caCertificate', id: CERT, arn: null }]);
    }
    expect(resourcesOf('RegisterCACertificate', { caCertificate: 'pem' }, { certificateId: CERT, certificateArn: `arn:aws:iot:eu-west-1:111111111111:cacert/${CERT}` })).toEqual([
      { type: 'caCertificate', id: CERT, arn: `arn:aws:iot:eu-west-1:111111111111:cacert/${CERT}` },
    ]);
    // Other calls keep certificateId for a device certificate.
    expect(resourcesOf('UpdateCertificate', { certificateId: CERT }, null)).toEqual([{ type: 'certificate', id: CERT, arn: null }]);
    expect(resourcesOf('RegisterCertificate', { certificatePem: 'pem' }, { certificateId: CERT })).toEqual([{ type: 'certificate', id: CERT, arn: null }]);
  });

  it('marks the logging calls, and only them', () => {
    const logging = (name: string) => resourcesOf(name, null, null).some((r) => r.type === 'loggingOptions');
    for (const name of ['SetLoggingOptions', 'SetLoggingLevel', 'SetV2LoggingOptions', 'SetV2LoggingLevel', 'DeleteV2LoggingLevel']) {
      expect(logging(name)).toBe(true);
    }
    for (const name of ['GetLoggingOptions', 'SetV2LoggingOptionsX', 'DeleteLoggingLevel', 'SetV3LoggingLevel', 'SetV2LoggingOptions\n']) {
      expect(logging(name)).toBe(false);
    }
  });

  it('reads strings down to 8 levels', () => {
    let deep: unknown = arn(CERT);
    for (let level = 0; level < 8; level++) deep = [deep];
    expect(resourcesOf('X', { deep }, null)).toEqual([]);
    expect(resourcesOf('X', (deep as unknown[])[0] as Record<string, unknown>, null)).toHaveLength(1);
  });

  it('finds every certificate id written in one string', () => {
    const text = `see ${arn(CERT)} and arn:aws:iot:eu-west-1:111111111111:cacert/${'b'.repeat(64)}`;
    expect(resourcesOf('X', { text }, null)).toEqual([
      { type: 'certificate', id: CERT, arn: null },
      { type: 'caCertificate', id: 'b'.repeat(64), arn: null },
    ]);
  });
});
