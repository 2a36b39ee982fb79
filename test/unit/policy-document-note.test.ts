/**
 * A policy document CloudTrail replaced by a word (`HIDDEN_DUE_TO_SECURITY_REASONS`) was not
 * recorded: the rules say so, as the Policies section does, rather than call the policy
 * malformed ("not valid JSON", 2026-11-26 review). A JSON text that does not parse is still
 * a document that could not be read.
 */
import { describe, expect, it } from 'vitest';
import { normalizeRecord } from '../../src/cloudtrail/normalize.js';
import { policyDocumentOfEvent } from '../../src/analysis/rules/support/policy-document.js';
import { policyHistories } from '../../src/analysis/policies.js';
import { toIotEvent } from '../../src/iot/events.js';
import { record } from '../helpers/trail-tree.js';

const file = { key: 'k', source: 'src', accountId: null, region: null, deliveryDay: '2026-10-16', organizationId: null };

function versionWith(policyDocument: unknown) {
  const raw = record({
    eventID: `e-${String(policyDocument).length}`,
    eventTime: '2026-10-16T12:00:00Z',
    eventName: 'CreatePolicyVersion',
    requestParameters: { policyName: 'FleetOtaPolicy', policyDocument, setAsDefault: true },
    responseElements: { policyVersionId: '2', isDefaultVersion: true },
  });
  return toIotEvent({ record: normalizeRecord(raw)!, file });
}

describe('a policy document as CloudTrail logged it', () => {
  it.each(['HIDDEN_DUE_TO_SECURITY_REASONS', '  HIDDEN_DUE_TO_SECURITY_REASONS\n', 'omitted'])('%j in place of the document: not recorded, the word quoted', (note) => {
    const reading = policyDocumentOfEvent(versionWith(note));
    expect(reading).toEqual({ status: 'not-recorded', reason: `CloudTrail logged "${note.trim()}" in place of the document` });
  });

  it('the Policies section says why: the word, not "too large"', () => {
    const [history] = policyHistories([versionWith('HIDDEN_DUE_TO_SECURITY_REASONS')]);
    expect(history?.versions[0]).toMatchObject({ document: null, documentRecorded: false, documentNotRecorded: 'CloudTrail logged "HIDDEN_DUE_TO_SECURITY_REASONS" in place of the document' });
  });

  it('a long or hostile word is clipped to one line', () => {
    const reading = policyDocumentOfEvent(versionWith(`X${'\n<b>'.repeat(100)}`));
    expect(reading.status).toBe('not-recorded');
    if (reading.status === 'ok') return;
    expect(reading.reason.length).toBeLessThan(120);
    expect(reading.reason).not.toContain('\n');
  });

  it.each([
    ['{"Version": "2012-10-17", "Statement": [', 'the document is not valid JSON'],
    ['[1, 2]', 'the document is not a JSON object'],
  ])('a JSON text that is no policy (%j) could not be read: %s', (text, reason) => {
    expect(policyDocumentOfEvent(versionWith(text))).toEqual({ status: 'invalid', reason });
  });

  it('a real document is read', () => {
    const reading = policyDocumentOfEvent(versionWith(JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iot:Connect', Resource: '*' }] })));
    expect(reading.status).toBe('ok');
  });
});
