/**
 * The versions made the default that the period does not show created, and whether one may be a
 * version a CreatePolicyVersion of the period made without its id logged, are worked out once, by
 * the policies' analysis (`defaultVersionsNotShown`, `defaultVersionMayBeUnlogged`): the policy's
 * card shows them and the `policy-document-unchecked` rule reads them. The rule tracked them again
 * by itself (review, 2026-11-27), and the two disagreed once a policy was deleted and created
 * again: a version id created before the deletion counted, for the rule, as a version the period
 * shows, so the card said version 2's document was not checked and no finding did.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { policyHistories } from '../../src/analysis/policies.js';
import { policyDocumentUnchecked } from '../../src/analysis/rules/policy-document-unchecked.js';
import type { RuleHit } from '../../src/analysis/rules/types.js';
import type { IotEvent } from '../../src/report/model.js';
import { iotEvent, policyDocument, resetEventIds, runRule } from '../helpers/events.js';

const DOC = policyDocument({ Effect: 'Allow', Action: 'iot:Connect', Resource: '*' });
let day = 0;
/** One call on policy `p`, a day after the one before. */
const on = (eventName: string, requestParameters: Record<string, unknown>, responseElements: Record<string, unknown> | null = null): IotEvent =>
  iotEvent({ eventName, eventTime: `2026-10-${String(++day).padStart(2, '0')}T10:00:00Z`, requestParameters: { policyName: 'p', ...requestParameters }, responseElements });
const create = () => on('CreatePolicy', { policyDocument: DOC }, { policyVersionId: '1' });
const version = (id: string) => on('CreatePolicyVersion', { policyDocument: DOC }, { policyVersionId: id });
/** A CreatePolicyVersion whose response (and so its version id) was not logged. */
const unlogged = () => on('CreatePolicyVersion', { policyDocument: DOC });
const switchTo = (id: string) => on('SetDefaultPolicyVersion', { policyVersionId: id });
const remove = () => on('DeletePolicy', {});

// [what, the events, the versions not shown, whether one may be a version whose id was not logged]
const cases: [string, () => IotEvent[], string[], boolean][] = [
  ['a switch to a version the period does not show', () => [switchTo('2')], ['2'], false],
  ['a version the period created, then made the default', () => [create(), version('2'), switchTo('2')], [], false],
  ['a creation without its id logged, then a switch', () => [unlogged(), switchTo('2')], ['2'], true],
  ['a switch, then a creation without its id logged', () => [switchTo('2'), unlogged()], ['2'], false],
  ['a creation without its id logged before the policy was deleted and made again', () => [unlogged(), remove(), create(), switchTo('2')], ['2'], false],
  ['two switches, a creation without its id logged between them', () => [switchTo('5'), unlogged(), switchTo('7')], ['5', '7'], true],
  // The rule counted version 2 of the deleted policy as shown, for the policy made again.
  ['version 2 made, the policy deleted and made again, a creation without its id logged, a switch to 2', () => [create(), version('2'), remove(), create(), unlogged(), switchTo('2')], ['2'], true],
  ['a switch to 3, the policy deleted and made again with versions 2 and 3, a switch to 3', () => [switchTo('3'), remove(), create(), version('2'), version('3'), switchTo('3')], ['3'], false],
];

const defaultHits = (hits: RuleHit[]) => hits.filter((h) => h.discriminator?.startsWith('default-v'));

describe('the versions made the default that the period does not show: the card and the finding say the same', () => {
  beforeEach(() => {
    resetEventIds();
    day = 0;
  });

  it.each(cases)('%s', (_what, events, notShown, mayBeUnlogged) => {
    const all = events();
    const policies = policyHistories(all);
    expect(policies.map((p) => [p.defaultVersionsNotShown, p.defaultVersionMayBeUnlogged])).toEqual([[notShown, mayBeUnlogged]]);
    const hits = defaultHits(runRule(policyDocumentUnchecked, all, { policies }));
    // One finding per version the card names, and "or by a CreatePolicyVersion … not logged" for one only when the card says it.
    expect(hits.map((h) => h.discriminator)).toEqual(notShown.map((id) => `default-v${id}`));
    expect(hits.some((h) => h.description.includes('whose version id CloudTrail did not log'))).toBe(mayBeUnlogged);
  });

  it('a finding names the switches to a version while the period did not show it, not those after it made the version again', () => {
    const all = cases[7]![1]();
    const [hit] = defaultHits(runRule(policyDocumentUnchecked, all, { policies: policyHistories(all) }));
    expect(hit!.eventIds).toEqual([all[0]!.eventId]);
    expect(hit!.description).toContain('made version 3 of policy "p" the default, but the version was created before the period');
  });
});
