import type { DefaultVersionNotShown, IotEvent, PolicyChange, PolicyHistory, PolicyVersion } from '../types.js';
import { getOrInsert } from '../memo.js';
import { resourceOfTarget } from '../iot/resources.js';
import { sortByString, paramBool, paramString } from './params.js';
import { certificateIdOf, policyNameOf } from './rules/support/values.js';
import { documentLogged, documentLoggedIn, prettyDocument, readPolicyDocument, type LoggedDocument } from './rules/support/policy-document.js';
import { certificatePlace } from './support/certificate-place.js';

/** A policy document as the Policies section shows it (`PolicyVersion`'s document fields). */
export interface DocumentAsLogged {
  /** The document as logged (JSON text); null when it was not recorded. */
  document: string | null;
  recorded: boolean;
  /** Pretty-printed when a JSON object; null otherwise (a logged document that is no JSON object is shown as logged). */
  pretty: string | null;
  /** Why it was not recorded (omitted as too large, redacted, absent); null when it was. */
  whyNotRecorded: string | null;
}

/**
 * A policy document value as the Policies section shows it. Whether it was recorded is decided
 * as the rules decide it (`documentLogged`, rules/support/policy-document.ts): absent, blank or a
 * word in its place (`HIDDEN_DUE_TO_SECURITY_REASONS`) is "not recorded", never an empty policy;
 * anything else was logged, and is shown as logged when it is no JSON object.
 */
export function documentAsLogged(value: unknown): DocumentAsLogged {
  return documentShown(documentLogged(value));
}

function documentShown(logged: LoggedDocument): DocumentAsLogged {
  if (!logged.recorded) return { document: null, recorded: false, pretty: null, whyNotRecorded: logged.reason };
  const { value } = logged;
  // The reading is the rules' own (memoized by text): each document is parsed once for both.
  const pretty = prettyDocument(value, readPolicyDocument(value));
  return { document: typeof value === 'string' ? value : JSON.stringify(value), recorded: true, pretty, whyNotRecorded: null };
}

/** The version a CreatePolicy or CreatePolicyVersion call made: the response says; CreatePolicy always makes version 1. */
export function createdVersionId(event: IotEvent): string | null {
  return paramString(event.responseElements, 'policyVersionId') ?? (event.eventName === 'CreatePolicy' ? '1' : null);
}

/** The version a SetDefaultPolicyVersion call made the default (a number too, as creations' ids are read). */
export function defaultedVersionId(event: IotEvent): string | null {
  return paramString(event.requestParameters, 'policyVersionId');
}

/** Whether a CreatePolicy or CreatePolicyVersion call made its version the default. */
export function createdAsDefault(event: IotEvent): boolean {
  return (
    event.eventName === 'CreatePolicy' ||
    paramBool(event.requestParameters, 'setAsDefault') === true ||
    paramBool(event.responseElements, 'isDefaultVersion') === true
  );
}

// A Map, not an object: the key is log text, and `constructor` or `__proto__` must find nothing.
const POLICY_ACTION: ReadonlyMap<string, string> = new Map([
  ['CreatePolicy', 'create'],
  ['CreatePolicyVersion', 'create-version'],
  ['SetDefaultPolicyVersion', 'set-default'],
  ['DeletePolicyVersion', 'delete-version'],
  ['DeletePolicy', 'delete'],
  ['AttachPolicy', 'attach'],
  ['AttachPrincipalPolicy', 'attach'],
  ['DetachPolicy', 'detach'],
  ['DetachPrincipalPolicy', 'detach'],
]);

interface Building {
  history: PolicyHistory;
  targets: Set<string>;
}

/**
 * The incarnation of each of a policy's changes (`PolicyHistory.changes`, in order): DeletePolicy
 * removes a policy and all its versions, and CreatePolicy of its name starts it again at version 1,
 * so a version id names a version of one incarnation only. 0 until the period shows the policy
 * created or deleted; each creation or deletion starts the next (a creation is the first change of
 * its policy). The one reading of them: the versions made the default that the period does not
 * show (`defaultsNotShown`) and the versions the rules judge (`knownPolicyVersions`,
 * `documentFromHistory`, the rollback rule).
 */
export function policyIncarnations(changes: readonly PolicyChange[]): number[] {
  const incarnations = new Array<number>(changes.length);
  let current = 0;
  for (let i = 0; i < changes.length; i++) {
    const action = changes[i]!.action;
    if (action === 'create' || action === 'delete') current++;
    incarnations[i] = current;
  }
  return incarnations;
}

/**
 * The versions a policy's changes (`PolicyHistory.changes`) made the default that none of its
 * creations of the period shows, a version of each incarnation of the policy apart
 * (`policyIncarnations`: a version id made default after the policy was deleted and created again
 * is not the version it named before), in the order of the first switch to each, with where each
 * came from. The one reading of them: the policy's `defaultsNotShown`, which its card and the
 * `policy-document-unchecked` rule's findings both read (each entry said by `defaultNotShownOrigin`),
 * and from which `defaultVersionsNotShown` and `defaultVersionMayBeUnlogged` are derived for 1.6 readers.
 */
export function defaultsNotShown(changes: readonly PolicyChange[]): DefaultVersionNotShown[] {
  const incarnations = policyIncarnations(changes);
  let incarnation = 0;
  // The version ids the period's creations made in the incarnation.
  const created = new Set<string>();
  // The CreatePolicyVersion calls without a logged version id in the incarnation.
  let unlogged = 0;
  const notShown = new Map<string, DefaultVersionNotShown>();
  for (let i = 0; i < changes.length; i++) {
    const change = changes[i]!;
    if (incarnations[i] !== incarnation) {
      // Created again or deleted: none of the versions before is one of the policy from here on.
      incarnation = incarnations[i]!;
      created.clear();
      unlogged = 0;
    }
    const versionId = change.target;
    switch (change.action) {
      case 'create':
        if (versionId !== null) created.add(versionId);
        break;
      case 'create-version':
        if (versionId !== null) created.add(versionId);
        else unlogged++;
        break;
      case 'set-default':
        if (versionId === null || created.has(versionId)) break;
        // Of a later incarnation than the first, the period made the version: a policy's versions go
        // with it, and CreatePolicy starts again at version 1. Else it was made before the period, or
        // by a CreatePolicyVersion of the period before the first switch whose version id was not logged.
        getOrInsert(notShown, JSON.stringify([incarnation, versionId]), (): DefaultVersionNotShown => ({
          versionId,
          created: incarnation > 0 ? 'in-period' : unlogged > 0 ? 'before-period-or-unlogged' : 'before-period',
          unloggedBefore: unlogged,
          madeDefaultEventIds: [],
        })).madeDefaultEventIds.push(change.eventId);
        break;
    }
  }
  return [...notShown.values()];
}

/**
 * Where a version made the default that the period does not show created came from (its
 * `DefaultVersionNotShown.created`), as the words after "the version was": the one wording of each
 * kind that the policy's card and the `policy-document-unchecked` finding of the version both use.
 * `unloggedBefore` is the entry's count of CreatePolicyVersion calls without a logged version id
 * before the switch, which a finding, of one entry, names; null for several entries said together
 * (the card's), whose counts may differ.
 */
export function defaultNotShownOrigin(created: DefaultVersionNotShown['created'], unloggedBefore: number | null): string {
  const counted = unloggedBefore !== null && unloggedBefore > 0;
  const calls = !counted
    ? 'a CreatePolicyVersion call of the period whose version id CloudTrail did not log'
    : `${unloggedBefore === 1 ? 'the' : `one of the ${unloggedBefore}`} CreatePolicyVersion ${unloggedBefore === 1 ? 'call' : 'calls'} of the period before it whose version id CloudTrail did not log`;
  switch (created) {
    case 'before-period':
      return 'created before the period';
    case 'before-period-or-unlogged':
      return `created before the period, or by ${calls}`;
    case 'in-period':
      return `created in the period too: by ${counted ? `${calls}, or by one the logs miss` : 'a CreatePolicyVersion call whose version id CloudTrail did not log, or one the logs miss'}`;
  }
}

type AttachedTo = Map<string, { b: Building; target: string }[]>;

/** A successful DeleteCertificate: its certificate is a target of no policy any more. */
function detachDeleted(attachedTo: AttachedTo, event: IotEvent): void {
  const certificateId = certificateIdOf(event);
  if (certificateId === null) return;
  const place = certificatePlace(event.accountId, event.region, certificateId);
  const attached = attachedTo.get(place);
  if (attached === undefined) return;
  for (let a = 0; a < attached.length; a++) attached[a]!.b.targets.delete(attached[a]!.target);
  attachedTo.delete(place);
}

/**
 * Every IoT policy a change or failed call of the period touched: versions with
 * their documents, default-version changes, deletions, attachments and detachments. One only
 * failed or denied calls named is `changed: false` (a refused CreatePolicy names a policy that
 * never existed).
 * Policies are named per account and region, as the rules name them (`policyNameOf`: a
 * CreatePolicy whose parameters CloudTrail omitted is named by its response). A certificate
 * deleted after it was attached is no longer a target: AWS IoT deletes a certificate only
 * once no policy is attached to it, or detaches them itself (`forceDelete`). The targets are the
 * policy's whole list only when the period shows it created or deleted (`attachedTargetsComplete`).
 */
export function policyHistories(events: readonly IotEvent[]): PolicyHistory[] {
  const byKey = new Map<string, Building>();
  // The policies each certificate was attached to in the period, by where the certificate is
  // (`certificatePlace`), with the target as attached: what its deletion detaches.
  const attachedTo: AttachedTo = new Map();
  // Versions repeat a few documents (one template in many accounts and regions): each text is read once.
  const documents = new Map<string, DocumentAsLogged>();
  // An indexed loop: this runs for every event, mostly before the JIT has optimized it.
  for (let i = 0; i < events.length; i++) {
    const event = events[i]!;
    if (event.errorCode === null && !event.isChange) continue;
    if (event.errorCode === null && event.eventName === 'DeleteCertificate') {
      detachDeleted(attachedTo, event);
      continue;
    }
    // A successful call that is no policy change (TagResource on a policy ARN, say) makes no history.
    const action = POLICY_ACTION.get(event.eventName);
    if (event.errorCode === null && action === undefined) continue;
    const policyName = policyNameOf(event);
    if (policyName === null) continue;
    const key = `${event.accountId}\u0000${event.region}\u0000${policyName}`;
    let b = byKey.get(key);
    if (!b) {
      b = {
        history: {
          policyName,
          changed: false,
          accountId: event.accountId,
          accountName: event.accountName,
          region: event.region,
          arn: null,
          versions: [],
          changes: [],
          defaultVersionId: null,
          defaultVersionNotLogged: false,
          deleted: false,
          attachedTargets: [],
          attachedTargetsComplete: false,
          defaultVersionsNotShown: [],
          defaultVersionMayBeUnlogged: false,
          defaultsNotShown: [],
          failedEventIds: [],
        },
        targets: new Set(),
      };
      byKey.set(key, b);
    }
    const h = b.history;
    const arn = event.resources.find((r) => r.type === 'policy' && r.arn !== null)?.arn ?? null;
    if (h.arn === null && arn !== null) h.arn = arn;
    if (event.errorCode !== null) {
      h.failedEventIds.push(event.eventId);
      continue;
    }
    if (action === undefined) continue;
    const p = event.requestParameters;
    let target: string | null = null;
    let targetType: PolicyChange['targetType'] = null;

    if (action === 'create' || action === 'create-version') {
      // Recorded or not as the rules decide it (`policyDocumentOfEvent` reads the same parameters).
      const logged = documentLoggedIn(p);
      const doc = logged.recorded && typeof logged.value === 'string' ? getOrInsert(documents, logged.value, () => documentShown(logged)) : documentShown(logged);
      const versionId = createdVersionId(event);
      const setAsDefault = createdAsDefault(event);
      const version: PolicyVersion = {
        versionId,
        eventId: event.eventId,
        eventTime: event.eventTime,
        eventName: event.eventName,
        document: doc.document,
        documentRecorded: doc.recorded,
        documentPretty: doc.pretty,
        documentNotRecorded: doc.whyNotRecorded,
        setAsDefault,
        actorLabel: event.actor.label,
      };
      h.versions.push(version);
      if (setAsDefault) {
        // CreatePolicyVersion with setAsDefault and no response: a new version is the default,
        // and its id is unknown. The previous default is no longer it (never kept as if it were).
        h.defaultVersionId = versionId;
        h.defaultVersionNotLogged = versionId === null;
      }
      if (action === 'create') {
        h.deleted = false;
        // Nothing was attached to a policy before its creation: every target from here on is in the period.
        h.attachedTargetsComplete = true;
      }
      target = versionId;
    } else if (action === 'set-default' || action === 'delete-version') {
      target = defaultedVersionId(event);
      if (action === 'set-default') {
        h.defaultVersionId = target;
        h.defaultVersionNotLogged = false;
      }
    } else if (action === 'delete') {
      h.deleted = true;
      h.defaultVersionId = null;
      h.defaultVersionNotLogged = false;
      b.targets.clear();
      // AWS IoT deletes a policy only once nothing is attached to it: none is left from before.
      h.attachedTargetsComplete = true;
    } else {
      target = paramString(p, 'target') ?? paramString(p, 'principal');
      if (target !== null) {
        const ref = resourceOfTarget(target);
        targetType = ref.type;
        if (action === 'attach') {
          b.targets.add(target);
          // A policy is attached to a certificate of its own account and region.
          if (ref.type === 'certificate') getOrInsert(attachedTo, certificatePlace(event.accountId, event.region, ref.id), () => []).push({ b, target });
        } else b.targets.delete(target);
      }
    }
    h.changes.push({ eventId: event.eventId, eventTime: event.eventTime, eventName: event.eventName, action, target, targetType, actorLabel: event.actor.label });
  }
  const histories = [...byKey.values()].map(({ history, targets }) => {
    history.attachedTargets = [...targets].sort();
    history.defaultsNotShown = defaultsNotShown(history.changes);
    // Derived from `defaultsNotShown` and only written, for readers of schema 1.6: nothing here reads them.
    // Each id once: one made the default before the policy was deleted and one after are both "version 3".
    history.defaultVersionsNotShown = [...new Set(history.defaultsNotShown.map((v) => v.versionId))];
    history.defaultVersionMayBeUnlogged = history.defaultsNotShown.some((v) => v.created === 'before-period-or-unlogged');
    history.changed = history.changes.length > 0;
    return history;
  });
  return sortByString(histories, (h) => `${h.accountId}\u0000${h.region}\u0000${h.policyName}`);
}
