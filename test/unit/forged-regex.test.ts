/**
 * Log values read without regular expressions that backtrack on forged values: each reading
 * is held to the expression it replaced on seeded tricky strings, and must answer at once on a
 * forged 1 MB value the expression would take minutes on. Also a JSON-lines log whose one line
 * holds more records than a function call takes arguments.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { roleAliasBroadRole } from '../../src/analysis/rules/role-alias-broad-role.js';
import { policyNameOf } from '../../src/analysis/rules/support/values.js';
import { actorSummaries } from '../../src/analysis/actors.js';
import { parseLogBytes, rawRecordsOfText } from '../../src/collect/parse-log.js';
import { actor, iotEvent, resetEventIds, runRule } from '../helpers/events.js';
import { rng, type Rng } from '../helpers/random.js';

// The expressions as they were, the reference for the readings that replaced them.
const OLD_ROLE_NAME = /:role\/(?:.*\/)?([^/]+)$/;
const OLD_POLICY_NAME = /:policy\/(.+)$/;
const OLD_SESSION = / \(session .*\)$/;

const LINE_BREAKS = ['\n', '\r', '\u2028', '\u2029'];
const MEGABYTE = 1 << 20;
// Far below what the expressions took on the forged values (minutes), far above what the readings take.
const FORGED_TIMEOUT = 5_000;

/** Up to ten pieces joined: markers, parts of them, slashes, line breaks and empty parts. */
function tricky(r: Rng, pieces: readonly string[]): string {
  let s = '';
  for (let n = r.int(11); n > 0; n--) s += r.pick(pieces);
  return s;
}

/** The cases written out, then 4,000 seeded ones made of `pieces`. */
function casesOf(written: readonly string[], pieces: readonly string[], seed: number): string[] {
  const r = rng(seed);
  return [...written, ...Array.from({ length: 4000 }, () => tricky(r, pieces))];
}

/** The role name the rule matched its patterns against: an exact (star-free) pattern fires only on that name. */
function ruleFiresOn(roleArn: string, roleName: string): boolean {
  const event = iotEvent({ eventName: 'CreateRoleAlias', requestParameters: { roleAlias: 'device-creds', roleArn } });
  return runRule(roleAliasBroadRole, [event], { params: { rolePatterns: [roleName] } }).length === 1;
}

function policyNameFromArn(policyArn: string): string | null {
  return policyNameOf(iotEvent({ eventName: 'CreatePolicy', responseElements: { policyArn } }));
}

function groupLabel(label: string): string {
  return actorSummaries([iotEvent({ actor: actor({ label, sessionIssuerArn: 'arn:aws:iam::111111111111:role/r' }) })])[0]!.label;
}

describe('forged values read without backtracking', () => {
  beforeEach(resetEventIds);

  // Lower case only: the rule compares names case-insensitively, and these pieces have one case.
  const rolePieces = [':role/', ':role/', ':role', 'role/', ':rol', '/', '//', ':', 'a', 'name-1', '', ...LINE_BREAKS];

  it('reads a role alias\'s role name as /:role\\/(?:.*\\/)?([^/]+)$/ did', () => {
    const arn = 'arn:aws:iam::111111111111:role/';
    const written = [`${arn}device`, `${arn}service/path/device`, arn, `${arn}path/`, `${arn}pa\nth/device`, `${arn}path/dev\nice`, `${arn}path/device\n`];
    written.push('x\n:role/a/b', ':role/x\n:role/a', ':role/\n', ':role/a\r/b:role/c', ':role\n/a', 'no role here', '/', ':role/');
    // An empty roleArn is not read at all.
    for (const roleArn of casesOf(written, rolePieces, 20261101).filter((s) => s !== '')) {
      const expected = OLD_ROLE_NAME.exec(roleArn)?.[1] ?? roleArn;
      expect(ruleFiresOn(roleArn, expected), JSON.stringify(roleArn)).toBe(true);
    }
  });

  it('reads a forged 1 MB roleArn repeating :role/ at once', { timeout: FORGED_TIMEOUT }, () => {
    const arn = ':role/'.repeat(Math.ceil(MEGABYTE / 6)) + '/';
    // It ends with '/', so the expression finds no name and the rule looks at the whole ARN.
    expect(ruleFiresOn(arn, arn)).toBe(true);
    expect(ruleFiresOn(`${arn}Admin`, 'admin')).toBe(true);
  });

  const policyPieces = [':policy/', ':policy/', ':policy', 'policy/', '/', ':', 'p', 'name-1', '', ...LINE_BREAKS];

  it('reads a policy name from a policyArn as /:policy\\/(.+)$/ did', () => {
    const arn = 'arn:aws:iot:eu-west-1:111111111111:policy/';
    const written = [`${arn}device-policy`, arn, `${arn}a\nb`, `${arn}a\n:policy/b`];
    written.push(':policy/a:policy/b', ':policy/\n:policy/', ':policy/:policy/', ':policy\r/a', 'no policy here');
    for (const policyArn of casesOf(written, policyPieces, 20261102)) {
      const expected = policyArn === '' ? null : (OLD_POLICY_NAME.exec(policyArn)?.[1] ?? null);
      expect(policyNameFromArn(policyArn), JSON.stringify(policyArn)).toBe(expected);
    }
  });

  it('reads a forged 1 MB policyArn repeating :policy/ at once', { timeout: FORGED_TIMEOUT }, () => {
    const arn = ':policy/'.repeat(Math.ceil(MEGABYTE / 8)) + '\n';
    expect(policyNameFromArn(arn)).toBeNull();
    expect(policyNameFromArn(`${arn}:policy/p`)).toBe('p');
  });

  const sessionPieces = [' (session ', ' (session ', ' (session', '(session ', ' (', ')', ')', ' ', 'role/x', 's-1', '', ...LINE_BREAKS];

  it('drops the session from a role\'s label as / \\(session .*\\)$/ did', () => {
    const role = 'role/ci-deploy';
    const written = [`${role} (session pipeline-1)`, `${role} (session )`, `${role} (session pipeline-1`, `${role} (session a) (session b)`];
    written.push(`${role} (session a\n) (session b)`, `${role} (session a)\n`, `${role} (session a\u2028b)`, ' (session )', ' (session \n)', role);
    for (const label of casesOf(written, sessionPieces, 20261103)) {
      expect(groupLabel(label), JSON.stringify(label)).toBe(label.replace(OLD_SESSION, ''));
    }
  });

  it('drops the session from a forged 1 MB label repeating " (session " at once', { timeout: FORGED_TIMEOUT }, () => {
    const label = ' (session '.repeat(Math.ceil(MEGABYTE / 10)) + '\n';
    expect(groupLabel(label)).toBe(label);
    expect(groupLabel(`${label}role/x (session s)`)).toBe(`${label}role/x`);
  });
});

describe('a JSON-lines log with a very long line', () => {
  it('reads a line holding 200,000 records', () => {
    const many = Array.from({ length: 200_000 }, (_, i) => ({ eventID: `e-${i}` }));
    const text = `${JSON.stringify({ Records: many })}\n${JSON.stringify({ Records: [{ eventID: 'last' }] })}\n`;
    const records = rawRecordsOfText(text);
    expect(records).toHaveLength(200_001);
    expect(records[0]).toEqual({ eventID: 'e-0' });
    expect(records[199_999]).toEqual({ eventID: 'e-199999' });
    expect(records[200_000]).toEqual({ eventID: 'last' });
    expect(parseLogBytes(Buffer.from(text))).toMatchObject({ recordCount: 200_001, records: [], error: null });
  });
});
