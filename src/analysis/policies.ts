import type { IotEvent, PolicyChange, PolicyHistory, PolicyVersion } from '../types.js';
import { resourceOfTarget } from '../iot/resources.js';
import { sortByString, paramBool, paramString } from './params.js';

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

/**
 * Every IoT policy a change or failed call of the period touched: versions with
 * their documents, default-version changes, deletions, attachments and detachments.
 * Policies are named per account and region.
 */
export function policyHistories(events: readonly IotEvent[]): PolicyHistory[] {
  const byKey = new Map<string, Building>();
  // Versions repeat a few documents (one template in many accounts and regions): each text is read once.
  const documents = new Map<string, ReturnType<typeof documentAsLogged>>();
  // An indexed loop: this runs for every event, mostly before the JIT has optimized it.
  for (let i = 0; i < events.length; i++) {
    const event = events[i]!;
    if (event.errorCode === null && !event.isChange) continue;
    const policyName = paramString(event.requestParameters, 'policyName');
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
    const action = POLICY_ACTION.get(event.eventName);
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
        targetType = resourceOfTarget(target).type;
        if (action === 'attach') b.targets.add(target);
        else b.targets.delete(target);
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
