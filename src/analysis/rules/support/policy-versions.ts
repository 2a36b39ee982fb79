/**
 * The policy versions whose documents the period's events show (CreatePolicy,
 * CreatePolicyVersion), with the SetDefaultPolicyVersion calls that made them default.
 */
import { getOrInsert } from '../../../memo.js';
import type { IotEvent, PolicyHistory } from '../../../report/model.js';
import { createdAsDefault, createdVersionId, defaultedVersionId } from '../../policies.js';
import { policyDocumentOfEvent, readPolicyDocument, type PolicyDocumentReading } from './policy-document.js';
import { policyNameOf } from './values.js';

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

/** Recorded documents by version id, of one policy. */
type VersionDocuments = Map<string | null, string>;
/** Account, then region, then policy name. */
type HistoryIndex = Map<string, Map<string, Map<string, VersionDocuments>>>;

// Every SetDefaultPolicyVersion event asks for a document; forged logs bring tens of
// thousands of them, too many to search the histories for each. The histories are complete
// before the rules run and are not changed afterwards, so one index per array serves a run.
const historyIndexes = new WeakMap<readonly PolicyHistory[], HistoryIndex>();

function indexHistory(policies: readonly PolicyHistory[]): HistoryIndex {
  const index: HistoryIndex = new Map();
  for (let i = 0; i < policies.length; i++) {
    const policy = policies[i]!;
    const byName = getOrInsert(getOrInsert(index, policy.accountId, () => new Map()), policy.region, () => new Map<string, VersionDocuments>());
    // Only the first policy of a name in an account and region is ever consulted, even when it
    // has no document for the version and a later one does.
    if (byName.has(policy.policyName)) continue;
    const documents: VersionDocuments = new Map();
    for (let v = 0; v < policy.versions.length; v++) {
      const version = policy.versions[v]!;
      // The first recorded document of a version id wins; empty documents do not count.
      if (!version.documentRecorded || !version.document || documents.has(version.versionId)) continue;
      documents.set(version.versionId, version.document);
    }
    byName.set(policy.policyName, documents);
  }
  return index;
}

/** A version's document as the policy history recorded it. */
export function documentFromHistory(
  policies: readonly PolicyHistory[],
  accountId: string,
  region: string,
  policyName: string,
  versionId: string,
): string | null {
  const index = getOrInsert(historyIndexes, policies, () => indexHistory(policies));
  return index.get(accountId)?.get(region)?.get(policyName)?.get(versionId) ?? null;
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
      const versionId = defaultedVersionId(event);
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
