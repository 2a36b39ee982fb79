import type { IotEvent, PolicyChange, PolicyHistory, PolicyVersion } from '../types.js';
import { getOrInsert } from '../memo.js';
import { resourceOfTarget } from '../iot/resources.js';
import { sortByString, paramBool, paramString } from './params.js';
import { certificateIdOf, policyNameOf } from './rules/support/values.js';

/**
 * A policy document as logged: a JSON string. CloudTrail omits documents over its
 * size limit (replacing them with a note), so anything that is not a JSON object is
 * "not recorded" — never an empty policy. As the Policies section shows it; the rules read a
 * document's statements with `readPolicyDocument` (rules/support/policy-document.ts).
 */
export function documentAsLogged(value: unknown): { document: string | null; recorded: boolean; pretty: string | null } {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const text = JSON.stringify(value);
    return { document: text, recorded: true, pretty: JSON.stringify(value, null, 2) };
  }
  if (typeof value !== 'string' || value.trim() === '') return { document: null, recorded: false, pretty: null };
  try {
    const parsed: unknown = JSON.parse(value);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
      return { document: value, recorded: true, pretty: JSON.stringify(parsed, null, 2) };
    }
  } catch {
    // fall through: a note in place of the document
  }
  return { document: value, recorded: false, pretty: null };
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

/** Where a certificate is: its account, region and id (a certificate lives in each account and region it is registered in). */
const certificatePlace = (accountId: string, region: string, certificateId: string) => `${accountId}\u0000${region}\u0000${certificateId}`;

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
 * their documents, default-version changes, deletions, attachments and detachments.
 * Policies are named per account and region, as the rules name them (`policyNameOf`: a
 * CreatePolicy whose parameters CloudTrail omitted is named by its response). A certificate
 * deleted after it was attached is no longer a target: AWS IoT deletes a certificate only
 * once no policy is attached to it, or detaches them itself (`forceDelete`).
 */
export function policyHistories(events: readonly IotEvent[]): PolicyHistory[] {
  const byKey = new Map<string, Building>();
  // The policies each certificate was attached to in the period, by where the certificate is
  // (`certificatePlace`), with the target as attached: what its deletion detaches.
  const attachedTo: AttachedTo = new Map();
  // Versions repeat a few documents (one template in many accounts and regions): each text is read once.
  const documents = new Map<string, ReturnType<typeof documentAsLogged>>();
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
      const value = p?.policyDocument;
      let doc = typeof value === 'string' ? documents.get(value) : undefined;
      if (doc === undefined) {
        doc = documentAsLogged(value);
        if (typeof value === 'string') documents.set(value, doc);
      }
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
      if (action === 'create') h.deleted = false;
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
    return history;
  });
  return sortByString(histories, (h) => `${h.accountId}\u0000${h.region}\u0000${h.policyName}`);
}
