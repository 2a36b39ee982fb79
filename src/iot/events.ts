import { fileUrlOf } from '../cloudtrail/layout.js';
import { getOrInsert } from '../memo.js';
import { share, sharedActor } from '../cloudtrail/shared.js';
import type { IotEvent, ResourceType, SourcedRecord } from '../types.js';
import { categoryOf, isReadOnlyName } from './catalog.js';
import { parseIotArn, resourcesOf } from './resources.js';

function firstIotArn(params: Record<string, unknown> | null): { accountId: string | null; region: string } | null {
  if (params === null) return null;
  const values = Object.values(params);
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (typeof value !== 'string' || !value.startsWith('arn:')) continue;
    const parsed = parseIotArn(value);
    if (parsed) return { accountId: parsed.accountId, region: parsed.region };
  }
  return null;
}

/**
 * Where a record's call was made, as its event says: the account is `recipientAccountId`,
 * else the log file's account, else the account in an IoT ARN of the parameters, else the
 * caller's; the region is `awsRegion`, else the file's, else the ARN's. Null when nothing says.
 * The report's account and region filters hold records to the same answer (`collect`).
 */
export function placeOf(sourced: SourcedRecord): { accountId: string | null; region: string | null } {
  const { record, file } = sourced;
  // Looked for only when the record and its file do not say (rarely): most records have both.
  let arn: ReturnType<typeof firstIotArn> | undefined;
  const fromArn = () => (arn === undefined ? (arn = firstIotArn(record.requestParameters)) : arn);
  return {
    accountId: record.recipientAccountId ?? file.accountId ?? fromArn()?.accountId ?? record.actor.accountId,
    region: record.awsRegion ?? file.region ?? (fromArn()?.region || null),
  };
}

/**
 * `--account` and `--region` held to each record, as `placeOf` places it: what a report for
 * some accounts shows is their events, whichever folder or file they were read from.
 */
export function inPlaces(accounts: readonly string[], regions: readonly string[]): (sourced: SourcedRecord) => boolean {
  const accountSet = new Set(accounts);
  const regionSet = new Set(regions);
  return (sourced) => {
    const { accountId, region } = placeOf(sourced);
    return (accountSet.size === 0 || (accountId !== null && accountSet.has(accountId))) && (regionSet.size === 0 || (region !== null && regionSet.has(region)));
  };
}

/** One IoT record as an event of the report, in the account and region `placeOf` gives. */
export function toIotEvent(sourced: SourcedRecord): IotEvent {
  const { record, file } = sourced;
  const eventName = share(record.eventName ?? 'unknown');
  const { accountId, region } = placeOf(sourced);
  const actor = sharedActor(record.actor);
  const readOnly = record.readOnly ?? isReadOnlyName(eventName);
  return {
    // A record with no `eventID` still needs a stable identity: a hash of what it says.
    eventId: record.eventId ?? `noid-${record.contentId}`,
    eventTime: record.eventTime ?? '',
    accountId: share(accountId ?? 'unknown'),
    accountName: null,
    region: share(region ?? 'unknown'),
    eventName,
    category: categoryOf(eventName),
    readOnly,
    isChange: !readOnly && record.errorCode === null,
    errorCode: record.errorCode,
    errorMessage: record.errorMessage,
    eventType: record.eventType === null ? null : share(record.eventType),
    actor,
    sourceIp: record.sourceIpAddress,
    userAgent: typeof record.userAgent === 'string' ? share(record.userAgent) : record.userAgent,
    resources: resourcesOf(eventName, record.requestParameters, record.responseElements),
    requestParameters: record.requestParameters,
    responseElements: record.responseElements,
    sessionCredentialFromConsole: record.sessionCredentialFromConsole,
    requestId: record.requestId,
    sourceFile: fileUrlOf(file),
    // The literal, one string for all: the shape arrives from a parse worker as a copy of its own.
    recordShape: record.shape === 'canonical' ? 'canonical' : 'iot-guide',
    integrity: null,
  };
}

/**
 * The order in which calls logged in one second were most likely made, group by group: a
 * guess, as CloudTrail keeps no finer time than the second. A CA before the certificates it
 * signs and a policy before its versions; certificates and versions; attachments; status
 * changes and default versions; every other call (the middle); detachments, before a transfer
 * (TransferCertificate refuses a certificate with a policy attached); the transfer, then its
 * answer; deletions (a certificate must be inactive and detached; a policy version must not
 * be the default); a policy last (its other versions deleted and its targets detached first).
 * Calls within one group are in event id order. The receiving account's calls of the second
 * it accepts a transfer come before the accept here; the certificates' lifecycles put them
 * after it (`takeSameSecond` in analysis/certificates.ts). A deletion and a creation of one
 * certificate or policy in one second are put in an order AWS IoT allows by `orderRecreations`.
 */
const SAME_SECOND_ORDER: readonly (readonly string[] | 'others')[] = [
  ['RegisterCACertificate', 'CreatePolicy'],
  ['CreateKeysAndCertificate', 'CreateCertificateFromCsr', 'RegisterCertificate', 'RegisterCertificateWithoutCA', 'CreateProvisioningClaim', 'CreatePolicyVersion'],
  ['AttachPolicy', 'AttachPrincipalPolicy', 'AttachThingPrincipal'],
  ['UpdateCertificate', 'UpdateCACertificate', 'SetDefaultPolicyVersion'],
  'others',
  ['DetachPolicy', 'DetachPrincipalPolicy', 'DetachThingPrincipal'],
  ['TransferCertificate'],
  ['AcceptCertificateTransfer', 'RejectCertificateTransfer', 'CancelCertificateTransfer'],
  ['DeletePolicyVersion', 'DeleteCertificate', 'DeleteCACertificate'],
  ['DeletePolicy'],
];

/** The rank of every call `SAME_SECOND_ORDER` names; a Map, not an object: the key is log text. */
const SAME_SECOND_RANK: ReadonlyMap<string, number> = new Map(
  SAME_SECOND_ORDER.flatMap((group, rank) => (group === 'others' ? [] : group.map((name) => [name, rank] as const))),
);
const OTHERS_RANK = SAME_SECOND_ORDER.indexOf('others');

function sameSecondRank(eventName: string): number {
  return SAME_SECOND_RANK.get(eventName) ?? OTHERS_RANK;
}

/**
 * Sorts by time, then by the likely order of calls made in one second (`SAME_SECOND_ORDER`),
 * then event id: the order of every event list in the report. An event id is random: by it
 * alone, `update-certificate --new-status INACTIVE && delete-certificate` logged in one second
 * ended with the certificate INACTIVE half the time.
 */
export function compareEvents(
  a: Pick<IotEvent, 'eventTime' | 'eventId' | 'eventName'>,
  b: Pick<IotEvent, 'eventTime' | 'eventId' | 'eventName'>,
): number {
  if (a.eventTime !== b.eventTime) return a.eventTime < b.eventTime ? -1 : 1;
  if (a.eventName !== b.eventName) {
    const rank = sameSecondRank(a.eventName) - sameSecondRank(b.eventName);
    if (rank !== 0) return rank;
  }
  return a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0;
}

/** Calls that make a certificate or policy under an id or name a deleted one can have had (the same PEM registered again; a policy's name), by the type of what they make. */
const RECREATES: ReadonlyMap<string, ResourceType> = new Map([
  ['RegisterCertificate', 'certificate'],
  ['RegisterCertificateWithoutCA', 'certificate'],
  ['RegisterCACertificate', 'caCertificate'],
  ['CreatePolicy', 'policy'],
]);
const DELETES: ReadonlyMap<string, ResourceType> = new Map([
  ['DeleteCertificate', 'certificate'],
  ['DeleteCACertificate', 'caCertificate'],
  ['DeletePolicy', 'policy'],
]);
/** What AWS IoT requires done to a resource before it deletes it: detached, and a certificate inactive or revoked, a policy without other versions. */
const DETACHES: ReadonlySet<string> = new Set(['DetachPolicy', 'DetachPrincipalPolicy', 'DetachThingPrincipal']);
const STATUS_CALLS: ReadonlySet<string> = new Set(['UpdateCertificate', 'UpdateCACertificate']);

/** Where a certificate or policy lives: its type, account, region and id (a policy's name); of one type, or of any of the three. */
function placeKeys(event: IotEvent, type: ResourceType | undefined): string[] {
  const keys: string[] = [];
  for (let r = 0; r < event.resources.length; r++) {
    const resource = event.resources[r]!;
    if (type !== undefined ? resource.type !== type : resource.type !== 'certificate' && resource.type !== 'caCertificate' && resource.type !== 'policy') continue;
    keys.push(`${resource.type}\u0000${event.accountId}\u0000${event.region}\u0000${resource.id}`);
  }
  return keys;
}

const createsKey = (e: IotEvent, key: string) => e.errorCode === null && RECREATES.has(e.eventName) && placeKeys(e, RECREATES.get(e.eventName)).includes(key);
const deletesKey = (e: IotEvent, key: string) => e.errorCode === null && DELETES.has(e.eventName) && placeKeys(e, DELETES.get(e.eventName)).includes(key);

/** Whether a successful call on the resource of `key` is one its deletion needs first (`DETACHES`, a status set to INACTIVE or REVOKED, a policy's other version deleted). */
function preparesDeletion(e: IotEvent, key: string): boolean {
  if (DETACHES.has(e.eventName)) return true;
  if (key.startsWith('policy\u0000')) return e.eventName === 'DeletePolicyVersion';
  if (!STATUS_CALLS.has(e.eventName)) return false;
  const p = e.requestParameters;
  const status = p !== null && typeof p === 'object' && Object.hasOwn(p, 'newStatus') ? (p as Record<string, unknown>).newStatus : undefined;
  return typeof status === 'string' && (status.toUpperCase() === 'INACTIVE' || status.toUpperCase() === 'REVOKED');
}

/**
 * Events sorted by `compareEvents`, with the calls on a certificate or policy that is deleted and
 * made again in one second put in an order AWS IoT allows. It refuses to create what exists and
 * deletes only what is detached (a certificate inactive or revoked, a policy without other
 * versions), so when the resource exists as that second begins (its last successful call before
 * it was no deletion, nor its transfer's acceptance by another account; or, with none before, its
 * first after the second is no creation) the order is: what the deletion needs first, the
 * deletion, the creation, the second's other calls on it; when it does not (or nothing tells),
 * the creation, the other calls, what the deletion needs, the deletion. Several deletions and
 * creations alternate. A replace script, a revoked certificate registered again: the resource
 * exists afterwards. Other events, and failed calls, keep their places. In place; time linear in
 * the events (and in each second's calls on one resource); returns the array.
 */
export function orderRecreations(events: IotEvent[]): IotEvent[] {
  // The seconds, and in them the resources, with both a creation and a deletion: most months have none.
  const created = new Map<string, Set<string>>();
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    const type = e.errorCode === null ? RECREATES.get(e.eventName) : undefined;
    if (type === undefined) continue;
    const keys = getOrInsert(created, e.eventTime, () => new Set<string>());
    for (const key of placeKeys(e, type)) keys.add(key);
  }
  const bySecond = new Map<string, Set<string>>();
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    const type = e.errorCode === null ? DELETES.get(e.eventName) : undefined;
    const keys = type === undefined ? undefined : created.get(e.eventTime);
    if (keys === undefined) continue;
    for (const key of placeKeys(e, type)) if (keys.has(key)) getOrInsert(bySecond, e.eventTime, () => new Set<string>()).add(key);
  }
  if (bySecond.size === 0) return events;
  const candidates = new Set<string>();
  for (const keys of bySecond.values()) for (const key of keys) candidates.add(key);
  // Where each of those resources is touched by a successful call, in the order as sorted: past the
  // second being ordered, nothing has moved yet, so this tells what comes after it. And which of
  // them each call touches, worked out once for the passes below.
  const touches = new Map<string, number[]>();
  const touched = new Map<IotEvent, string[]>();
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    if (e.errorCode !== null) continue;
    const keys = placeKeys(e, undefined).filter((key) => candidates.has(key));
    if (keys.length === 0) continue;
    touched.set(e, keys);
    for (const key of keys) getOrInsert(touches, key, () => []).push(i);
  }
  // What the calls so far, in their final order, show of each resource; and transfers under way, by region and certificate id.
  const state = new Map<string, 'exists' | 'deleted'>();
  const transfers = new Map<string, string>();
  for (let start = 0; start < events.length; ) {
    const time = events[start]!.eventTime;
    let end = start + 1;
    while (end < events.length && events[end]!.eventTime === time) end++;
    const keys = bySecond.get(time);
    if (keys !== undefined) orderSecond(events, start, end, [...keys].sort(), touched, (key) => existsAt(events, state, touches.get(key)!, end, key));
    for (let i = start; i < end; i++) follow(events[i]!, touched.get(events[i]!) ?? [], candidates, state, transfers);
    start = end;
  }
  return events;
}

/** Whether the resource exists as its second begins: from the calls before it, else from the first after it (`touches`, ascending). */
function existsAt(events: readonly IotEvent[], state: ReadonlyMap<string, 'exists' | 'deleted'>, touches: readonly number[], end: number, key: string): boolean {
  const known = state.get(key);
  if (known !== undefined) return known === 'exists';
  let lo = 0;
  let hi = touches.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (touches[mid]! < end) lo = mid + 1;
    else hi = mid;
  }
  return lo < touches.length && !createsKey(events[touches[lo]!]!, key);
}

/**
 * What one call, in its final place, shows of the resources followed (`keys`: those it touches):
 * created or used (exists), deleted, or transferred away (an accepted transfer).
 */
function follow(e: IotEvent, keys: readonly string[], followed: ReadonlySet<string>, state: Map<string, 'exists' | 'deleted'>, transfers: Map<string, string>): void {
  if (e.errorCode !== null) return;
  for (const key of keys) state.set(key, deletesKey(e, key) ? 'deleted' : 'exists');
  if (e.eventName !== 'TransferCertificate' && e.eventName !== 'AcceptCertificateTransfer') return;
  for (const r of e.resources) {
    if (r.type !== 'certificate') continue;
    const transfer = `${e.region}\u0000${r.id}`;
    if (e.eventName === 'TransferCertificate') {
      transfers.set(transfer, `certificate\u0000${e.accountId}\u0000${e.region}\u0000${r.id}`);
      continue;
    }
    const sender = transfers.get(transfer);
    transfers.delete(transfer);
    if (sender !== undefined && !sender.startsWith(`certificate\u0000${e.accountId}\u0000`) && followed.has(sender)) state.set(sender, 'deleted');
  }
}

/** `first`'s and `second`'s items in turn, from `first`; what one has left over after the other's end. */
function alternate<T>(first: readonly T[], second: readonly T[]): T[] {
  const out: T[] = [];
  for (let i = 0; i < Math.max(first.length, second.length); i++) {
    if (i < first.length) out.push(first[i]!);
    if (i < second.length) out.push(second[i]!);
  }
  return out;
}

/** The second [start, end)'s successful calls on each of `keys` (`touched`: the followed resources each call touches) put in the order `orderRecreations` gives, in the places they held. */
function orderSecond(
  events: IotEvent[],
  start: number,
  end: number,
  keys: readonly string[],
  touched: ReadonlyMap<IotEvent, readonly string[]>,
  exists: (key: string) => boolean,
): void {
  const wanted = new Set(keys);
  const own = new Map<string, IotEvent[]>();
  const place = new Map<IotEvent, number>();
  for (let i = start; i < end; i++) {
    const e = events[i]!;
    place.set(e, i);
    for (const key of touched.get(e) ?? []) if (wanted.has(key)) getOrInsert(own, key, () => []).push(e);
  }
  for (const key of keys) {
    // In their places now: a call on two of the resources may have moved with the first.
    const calls = (own.get(key) ?? []).sort((a, b) => place.get(a)! - place.get(b)!);
    const slots = calls.map((e) => place.get(e)!);
    // Each call classed once: it creates the resource, deletes it, prepares its deletion, or is another call on it.
    const creations: IotEvent[] = [];
    const deletions: IotEvent[] = [];
    const prepare: IotEvent[] = [];
    const rest: IotEvent[] = [];
    for (const e of calls) (createsKey(e, key) ? creations : deletesKey(e, key) ? deletions : preparesDeletion(e, key) ? prepare : rest).push(e);
    const order = exists(key) ? alternate(deletions, creations) : alternate(creations, deletions);
    const firstDeletion = order.indexOf(deletions[0]!);
    order.splice(firstDeletion, 0, ...prepare);
    order.splice(order.indexOf(creations[0]!) + 1, 0, ...rest);
    for (let i = 0; i < order.length; i++) {
      events[slots[i]!] = order[i]!;
      place.set(order[i]!, slots[i]!);
    }
  }
}
