/**
 * The policy versions whose documents the period's events show (CreatePolicy,
 * CreatePolicyVersion), with the SetDefaultPolicyVersion calls that made them default.
 */
import type { IotEvent, PolicyHistory } from '../../../report/model.js';
import { policyDocumentOfEvent, readPolicyDocument, type PolicyDocumentReading } from './policy-document.js';
import { bool, policyNameOf, reqParam, respParam, str } from './values.js';

export interface KnownPolicyVersion {
  accountId: string;
  region: string;
  policyName: string;
  /** null when neither request nor response said. */
  versionId: string | null;
  reading: PolicyDocumentReading;
  /** The call that created the version; null when its document came from the policy history. */
  created: IotEvent | null;
  /** Calls that made it the default version (CreatePolicy, CreatePolicyVersion with setAsDefault, SetDefaultPolicyVersion). */
  madeDefaultBy: IotEvent[];
  /** Every event of this version, in time order. */
  events: IotEvent[];
}

export const UNKNOWN_POLICY = '(policy name not recorded)';

const key = (accountId: string, region: string, policy: string, version: string) =>
  JSON.stringify([accountId, region, policy, version]);

/** Creation's version id: the response says; CreatePolicy always makes version 1. */
export function createdVersionId(event: IotEvent): string | null {
  const fromResponse = str(respParam(event, 'policyVersionId'));
  if (fromResponse) return fromResponse;
  return event.eventName === 'CreatePolicy' ? '1' : null;
}

/** Whether a creation call made its version the default. */
export function createdAsDefault(event: IotEvent): boolean {
  if (event.eventName === 'CreatePolicy') return true;
  return bool(reqParam(event, 'setAsDefault')) === true || bool(respParam(event, 'isDefaultVersion')) === true;
}

/** A version's document as the policy history recorded it. */
export function documentFromHistory(
  policies: readonly PolicyHistory[],
  accountId: string,
  region: string,
  policyName: string,
  versionId: string,
): string | null {
  const policy = policies.find((p) => p.accountId === accountId && p.region === region && p.policyName === policyName);
  const version = policy?.versions.find((v) => v.versionId === versionId && v.documentRecorded && v.document);
  return version?.document ?? null;
}

/**
 * The versions, in the order the events show them. Three rules read them: the runner works
 * them out once per run and hands them over in the rule context (`policyVersions`).
 */
export function knownPolicyVersions(events: readonly IotEvent[], policies: readonly PolicyHistory[]): KnownPolicyVersion[] {
  const versions = new Map<string, KnownPolicyVersion>();
  const ordered: KnownPolicyVersion[] = [];
  for (let i = 0; i < events.length; i++) {
    const event = events[i]!;
    if (!event.isChange) continue;
    const creates = event.eventName === 'CreatePolicy' || event.eventName === 'CreatePolicyVersion';
    if (!creates && event.eventName !== 'SetDefaultPolicyVersion') continue;
    const policyName = policyNameOf(event) ?? UNKNOWN_POLICY;
    if (creates) {
      const versionId = createdVersionId(event);
      const entry: KnownPolicyVersion = {
        accountId: event.accountId,
        region: event.region,
        policyName,
        versionId,
        reading: policyDocumentOfEvent(event),
        created: event,
        madeDefaultBy: createdAsDefault(event) ? [event] : [],
        events: [event],
      };
      // A version without an id cannot be referred to later: keep it apart.
      versions.set(key(event.accountId, event.region, policyName, versionId ?? `event:${event.eventId}`), entry);
      ordered.push(entry);
    } else if (event.eventName === 'SetDefaultPolicyVersion') {
      const versionId = str(reqParam(event, 'policyVersionId'));
      if (!versionId) continue;
      const k = key(event.accountId, event.region, policyName, versionId);
      const existing = versions.get(k);
      if (existing) {
        existing.madeDefaultBy.push(event);
        existing.events.push(event);
        continue;
      }
      const document = documentFromHistory(policies, event.accountId, event.region, policyName, versionId);
      if (document === null) continue;
      const entry: KnownPolicyVersion = {
        accountId: event.accountId,
        region: event.region,
        policyName,
        versionId,
        reading: readPolicyDocument(document),
        created: null,
        madeDefaultBy: [event],
        events: [event],
      };
      versions.set(k, entry);
      ordered.push(entry);
    }
  }
  return ordered;
}

/** `version 3` / `a new version`, for sentences. */
export function versionLabel(version: KnownPolicyVersion): string {
  return version.versionId ? `version ${version.versionId}` : 'a version (id not recorded)';
}

export function versionDiscriminator(version: KnownPolicyVersion): string {
  return version.versionId ? `v${version.versionId}` : `event-${version.events[0]!.eventId}`;
}
