/**
 * The policy versions whose documents the period's events show (CreatePolicy,
 * CreatePolicyVersion), with the SetDefaultPolicyVersion calls that made them default.
 */
import { getOrInsert } from '../../../memo.js';
import type { IotEvent, PolicyHistory } from '../../../report/model.js';
import { createdAsDefault, createdVersionId, defaultedVersionId, policyIncarnations } from '../../policies.js';
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

const key = (accountId: string, region: string, policy: string, incarnation: number | null, version: string) =>
  JSON.stringify([accountId, region, policy, incarnation, version]);

/** What the rules read of one policy's history. */
interface PolicyIndex {
  /** The incarnation of each of its changes, by event id (`policyIncarnations`). */
  incarnationOf: Map<string, number>;
  /** Recorded documents by incarnation, then version id. */
  documents: Map<number, Map<string, string>>;
}
/** Account, then region, then policy name. */
type HistoryIndex = Map<string, Map<string, Map<string, PolicyIndex>>>;

// Every SetDefaultPolicyVersion event asks for a document; forged logs bring tens of
// thousands of them, too many to search the histories for each. The histories are complete
// before the rules run and are not changed afterwards, so one index per array serves a run.
const historyIndexes = new WeakMap<readonly PolicyHistory[], HistoryIndex>();

function indexPolicy(policy: PolicyHistory): PolicyIndex {
  const incarnationOf = new Map<string, number>();
  const incarnations = policyIncarnations(policy.changes);
  for (let c = 0; c < policy.changes.length; c++) incarnationOf.set(policy.changes[c]!.eventId, incarnations[c]!);
  const documents = new Map<number, Map<string, string>>();
  for (let v = 0; v < policy.versions.length; v++) {
    const version = policy.versions[v]!;
    // A version is of the incarnation its creation is; the first recorded document of a version id
    // in an incarnation wins; empty documents do not count.
    const incarnation = incarnationOf.get(version.eventId);
    if (incarnation === undefined || version.versionId === null || !version.documentRecorded || !version.document) continue;
    const ofIncarnation = getOrInsert(documents, incarnation, () => new Map<string, string>());
    if (!ofIncarnation.has(version.versionId)) ofIncarnation.set(version.versionId, version.document);
  }
  return { incarnationOf, documents };
}

function indexHistory(policies: readonly PolicyHistory[]): HistoryIndex {
  const index: HistoryIndex = new Map();
  for (let i = 0; i < policies.length; i++) {
    const policy = policies[i]!;
    const byName = getOrInsert(getOrInsert(index, policy.accountId, () => new Map()), policy.region, () => new Map<string, PolicyIndex>());
    // Only the first policy of a name in an account and region is ever consulted, even when it
    // has no document for the version and a later one does.
    if (!byName.has(policy.policyName)) byName.set(policy.policyName, indexPolicy(policy));
  }
  return index;
}

function policyIndex(policies: readonly PolicyHistory[], accountId: string, region: string, policyName: string): PolicyIndex | undefined {
  return getOrInsert(historyIndexes, policies, () => indexHistory(policies)).get(accountId)?.get(region)?.get(policyName);
}

/**
 * The incarnation of policy `policyName` a change event is of, as the policies' analysis reads it
 * (`policyIncarnations`); null when the history does not have the event.
 */
export function policyIncarnationOf(policies: readonly PolicyHistory[], event: IotEvent, policyName: string): number | null {
  return policyIndex(policies, event.accountId, event.region, policyName)?.incarnationOf.get(event.eventId) ?? null;
}

/**
 * A version's document as the policy history recorded it, of the incarnation of the policy that
 * `event` (a change of the policy) is of: a version of the policy before it was deleted is none of
 * the policy made again. Null when not recorded, or the history does not have the event.
 */
export function documentFromHistory(policies: readonly PolicyHistory[], event: IotEvent, policyName: string, versionId: string): string | null {
  const index = policyIndex(policies, event.accountId, event.region, policyName);
  const incarnation = index?.incarnationOf.get(event.eventId);
  if (incarnation === undefined) return null;
  return index!.documents.get(incarnation)?.get(versionId) ?? null;
}

/**
 * The versions, in the order the events show them. Three rules read them: the runner works
 * them out once per run and hands them over in the rule context (`policyVersions`). A version is
 * of one incarnation of its policy (`policyIncarnations`, read from `policies`, the policies'
 * analysis of `events`): a switch to version 2 after the policy was deleted and created again is
 * not one to the deleted policy's version 2.
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
    const incarnation = policyIncarnationOf(policies, event, policyName);
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
      versions.set(key(event.accountId, event.region, policyName, incarnation, versionId ?? `event:${event.eventId}`), entry);
      ordered.push(entry);
    } else if (event.eventName === 'SetDefaultPolicyVersion') {
      const versionId = defaultedVersionId(event);
      if (!versionId) continue;
      const k = key(event.accountId, event.region, policyName, incarnation, versionId);
      const existing = versions.get(k);
      if (existing) {
        existing.madeDefaultBy.push(event);
        existing.events.push(event);
        continue;
      }
      const document = documentFromHistory(policies, event, policyName, versionId);
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
