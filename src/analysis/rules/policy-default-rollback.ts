import type { Rule, RuleHit } from './types.js';
import { broadenings, policyDocumentOfEvent, readPolicyDocument, type PolicyDocumentReading } from './support/policy-document.js';
import { createdAsDefault, createdVersionId, defaultedVersionId } from '../policies.js';
import { documentFromHistory, policyIncarnationOf, UNKNOWN_POLICY } from './support/policy-versions.js';
import type { IotEvent, PolicyHistory } from '../../report/model.js';
import { lineDiff } from './support/line-diff.js';
import { clip, listWithMore } from './support/text.js';
import { policyNameOf } from './support/values.js';

// Keeps the evidence readable in a report; the full documents are in the policy section.
const MAX_DIFF_LINES = 80;

interface PolicyState {
  defaultVersion: string | null;
  documents: Map<string, PolicyDocumentReading>;
  /**
   * The versions the period shows were the default at some time (CreatePolicy's, one created with
   * setAsDefault, one SetDefaultPolicyVersion made the default), not deleted since. A version only
   * created is not among them: a switch past it is no switch back.
   */
  wereDefault: Set<string>;
}

function diffEvidence(fromId: string, from: PolicyDocumentReading | undefined, toId: string, to: PolicyDocumentReading | undefined): string | null {
  if (from?.status !== 'ok' || to?.status !== 'ok') return null;
  const diff = lineDiff(from.pretty, to.pretty);
  if (diff === null) return `(documents too long to diff)`;
  const shown = diff.slice(0, MAX_DIFF_LINES);
  const more = diff.length > shown.length ? [`… ${diff.length - shown.length} more lines`] : [];
  return [`--- version ${fromId}`, `+++ version ${toId}`, ...shown, ...more].join('\n');
}

// The calls that create, delete or switch versions; other events leave a policy's state alone
// (DeletePolicy ends the policy: what follows is of its next incarnation, with a state of its own).
const POLICY_VERSION_CALLS = new Set(['CreatePolicy', 'CreatePolicyVersion', 'DeletePolicyVersion', 'SetDefaultPolicyVersion']);

function isOlder(target: string, previous: string): boolean {
  return /^\d+$/.test(target) && /^\d+$/.test(previous) && Number(target) < Number(previous);
}

/** The newest of the versions known to have been the default that `target` is older than; null when none is. */
function newerThan(target: string, wereDefault: ReadonlySet<string>): string | null {
  let newest: string | null = null;
  for (const id of wereDefault) if (isOlder(target, id) && (newest === null || isOlder(newest, id))) newest = id;
  return newest;
}

/**
 * SetDefaultPolicyVersion to an older version (lower id than the default the period's
 * events show) or to a broader one (allows what the previous default did not, or only
 * under another Condition; or drops a Deny, or makes it conditional). Without a known previous
 * default, a switch to a version older than one the period shows was the default (and not deleted
 * since) is a switch back all the same: AWS IoT numbers versions in the order it makes them, so
 * the default went back past one it had been, whatever the previous default was; breadth is not
 * compared then. A version only created (setAsDefault false), never the default, is no such
 * version: the default may never have gone past it (a report of the month after the one that
 * showed the default is without it). Else, with nothing to compare: silent
 * (`policy-document-unchecked` says when the version's document is not in the period).
 */
export const policyDefaultRollback: Rule<Record<string, never>> = {
  id: 'policy-default-rollback',
  title: 'Policy default version switched to an older or broader version',
  severity: 'high',
  description:
    'SetDefaultPolicyVersion made an older version (lower version id than the default known from the period, or, when the period does not show the previous default, than a version it shows was the default before) or a broader version (one that allows more or denies less; a grant or denial under a Condition counts only for the same grant under the same Condition, so dropping or changing a Condition of an Allow, or adding one to a Deny, is broader) the default. Broader: high; older and known not broader: two levels lower; older with a document unknown: one level lower. The diff of the two documents is quoted when both are known from the period.',
  remediation:
    'Check that the switch was intended; if not, set the previous default version again and delete the unwanted version.',
  resourceKind: 'policy',
  defaults: {},
  evaluate(ctx) {
    const states = new Map<string, PolicyState>();
    const hits: RuleHit[] = [];
    const events = ctx.events;
    for (let i = 0; i < events.length; i++) {
      const event = events[i]!;
      if (!event.isChange || !POLICY_VERSION_CALLS.has(event.eventName)) continue;
      const policyName = policyNameOf(event) ?? UNKNOWN_POLICY;
      // A policy deleted and created again is another policy, its versions numbered from 1 again:
      // one state per incarnation (`policyIncarnations`), none carried over.
      const key = JSON.stringify([event.accountId, event.region, policyName, policyIncarnationOf(ctx.policies, event, policyName)]);
      let state = states.get(key);
      if (!state) {
        state = { defaultVersion: null, documents: new Map(), wereDefault: new Set() };
        states.set(key, state);
      }
      if (event.eventName === 'CreatePolicy' || event.eventName === 'CreatePolicyVersion') {
        const versionId = createdVersionId(event);
        // A new default whose id the log does not give: the default is unknown from here on,
        // not the one before (which a later switch would be compared with, wrongly).
        const asDefault = createdAsDefault(event);
        if (asDefault) state.defaultVersion = versionId;
        if (!versionId) continue;
        state.documents.set(versionId, policyDocumentOfEvent(event));
        if (asDefault) state.wereDefault.add(versionId);
      } else if (event.eventName === 'DeletePolicyVersion') {
        const deleted = defaultedVersionId(event);
        if (deleted) state.wereDefault.delete(deleted);
      } else if (event.eventName === 'SetDefaultPolicyVersion') {
        const target = defaultedVersionId(event);
        if (!target) continue;
        const previous = state.defaultVersion;
        state.defaultVersion = target;
        const newer = previous === null ? newerThan(target, state.wereDefault) : null;
        state.wereDefault.add(target);
        if (newer !== null) {
          hits.push(pastNewer(event, policyName, target, newer));
          continue;
        }
        if (previous === null || previous === target) continue;
        const fromDoc = state.documents.get(previous) ?? historyDocument(ctx.policies, event, policyName, previous);
        const toDoc = state.documents.get(target) ?? historyDocument(ctx.policies, event, policyName, target);
        const broader =
          fromDoc?.status === 'ok' && toDoc?.status === 'ok' ? broadenings(fromDoc.statements, toDoc.statements) : null;
        const older = isOlder(target, previous);
        if (!older && !(broader && broader.length > 0)) continue;
        const what = [older ? 'an older version' : null, broader && broader.length > 0 ? `a broader version that ${listWithMore(broader, 3)}` : null]
          .filter(Boolean)
          .join(', and ');
        const diff = diffEvidence(previous, fromDoc, target, toDoc);
        hits.push({
          accountId: event.accountId,
          region: event.region,
          resource: policyName,
          eventIds: [event.eventId],
          time: event.eventTime,
          description: `${clip(event.actor.label, 100)} switched the default version of policy "${clip(policyName, 100)}" from ${clip(previous, 20)} to ${clip(target, 20)}: ${what}.${broader === null ? ' The documents are not both known from the period, so breadth was not compared.' : ''}`,
          evidence: diff,
          discriminator: `v${previous}-to-v${target}`,
          lowerSeverityBy: broader && broader.length > 0 ? 0 : broader === null ? 1 : 2,
        });
      }
    }
    return hits;
  },
};

/**
 * A switch to a version older than one the period shows was the default, the previous default not
 * known: one level lower, as a switch to an older version whose documents are not both known.
 */
function pastNewer(event: IotEvent, policyName: string, target: string, newer: string): RuleHit {
  return {
    accountId: event.accountId,
    region: event.region,
    resource: policyName,
    eventIds: [event.eventId],
    time: event.eventTime,
    description: `${clip(event.actor.label, 100)} switched the default version of policy "${clip(policyName, 100)}" to ${clip(target, 20)}: an older version than version ${clip(newer, 20)}, which the period shows was the default before. The previous default is not known from the period, so breadth was not compared.`,
    evidence: null,
    discriminator: `older-than-v${newer}-to-v${target}`,
    lowerSeverityBy: 1,
  };
}

function historyDocument(policies: readonly PolicyHistory[], event: IotEvent, policyName: string, versionId: string): PolicyDocumentReading | undefined {
  const document = documentFromHistory(policies, event, policyName, versionId);
  return document === null ? undefined : readPolicyDocument(document);
}
