/**
 * The Policies section (`policyHistories`, `documentAsLogged`) and the policy rules
 * (`policyDocumentOfEvent`) read a logged policy document the same way: a value CloudTrail did
 * not record (absent, empty, omitted, a word in its place) is "not recorded" for both; anything
 * else was logged, and a logged value that is not a JSON object is a malformed document the
 * rules report as such and the Policies section shows as logged (no pretty text).
 */
import { describe, expect, it } from 'vitest';
import { normalizeRecord } from '../../src/cloudtrail/normalize.js';
import { documentAsLogged, policyHistories } from '../../src/analysis/policies.js';
import { policyDocumentOfEvent } from '../../src/analysis/rules/support/policy-document.js';
import { toIotEvent } from '../../src/iot/events.js';
import { record } from '../helpers/trail-tree.js';

const file = { key: 'k', source: 'src', accountId: null, region: null, deliveryDay: '2026-10-16', organizationId: null };
const POLICY = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iot:Connect', Resource: '*' }] };

let id = 0;
function versionWith(requestParameters: Record<string, unknown>) {
  const raw = record({
    eventID: `agree-${++id}`,
    eventTime: '2026-10-16T12:00:00Z',
    eventName: 'CreatePolicyVersion',
    requestParameters: { policyName: 'FleetOtaPolicy', setAsDefault: true, ...requestParameters },
    responseElements: { policyVersionId: '2', isDefaultVersion: true },
  });
  return toIotEvent({ record: normalizeRecord(raw)!, file });
}

type Expected = 'not-recorded' | 'invalid' | 'ok';

// [what, request parameters, the one reading, the document text the Policies section shows]
const cases: [string, Record<string, unknown>, Expected, string | null][] = [
  ['no policyDocument', {}, 'not-recorded', null],
  ['null', { policyDocument: null }, 'not-recorded', null],
  ['an empty string', { policyDocument: '' }, 'not-recorded', null],
  ['a blank string', { policyDocument: ' \n ' }, 'not-recorded', null],
  ['the redaction marker', { policyDocument: 'HIDDEN_DUE_TO_SECURITY_REASONS' }, 'not-recorded', null],
  ['parameters omitted as too large, a document with them', { omitted: true, originalSize: 30000, policyDocument: JSON.stringify(POLICY) }, 'not-recorded', null],
  ['a number', { policyDocument: 42 }, 'invalid', '42'],
  ['a boolean', { policyDocument: true }, 'invalid', 'true'],
  ['an array', { policyDocument: [1, 2] }, 'invalid', '[1,2]'],
  ['the JSON text of an array', { policyDocument: '[1,2]' }, 'invalid', '[1,2]'],
  ['a JSON string holding an array', { policyDocument: '"[1,2]"' }, 'invalid', '"[1,2]"'],
  ['the JSON text of a number', { policyDocument: '42' }, 'invalid', '42'],
  ['the JSON text null', { policyDocument: 'null' }, 'invalid', 'null'],
  ['a JSON text cut short', { policyDocument: '{"Version": "2012-10-17", "Statement": [' }, 'invalid', '{"Version": "2012-10-17", "Statement": ['],
  ['a JSON object that is no policy', { policyDocument: '{}' }, 'invalid', '{}'],
  ['a policy as JSON text', { policyDocument: JSON.stringify(POLICY) }, 'ok', JSON.stringify(POLICY)],
  ['a policy as an object', { policyDocument: POLICY }, 'ok', JSON.stringify(POLICY)],
];

describe('one reading of a logged policy document, for the Policies section and the rules', () => {
  it.each(cases)('%s', (_what, params, expected, text) => {
    const event = versionWith(params);
    const rules = policyDocumentOfEvent(event);
    const [history] = policyHistories([event]);
    const version = history!.versions[0]!;

    expect(rules.status).toBe(expected);
    expect(version.documentRecorded).toBe(expected !== 'not-recorded');
    expect(version.document).toBe(text);
    // A JSON object is shown pretty-printed; anything else logged is shown as logged.
    const isObject = expected === 'ok' || text === '{}';
    expect(version.documentPretty === null).toBe(!isObject);
  });

  it.each(cases.filter(([, params]) => !('omitted' in params)))('documentAsLogged agrees on %s', (_what, params, expected, text) => {
    const shown = documentAsLogged(params.policyDocument);
    expect({ recorded: shown.recorded, document: shown.document }).toEqual({ recorded: expected !== 'not-recorded', document: text });
  });
});
