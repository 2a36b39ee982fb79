import { logFileUrl } from '../cloudtrail/layout.js';
import { BoundedMemo } from '../memo.js';
import type { IotEvent, SourcedRecord } from '../types.js';
import { categoryOf, isReadOnlyName } from './catalog.js';
import { parseIotArn, resourcesOf } from './resources.js';

// A month's events repeat a few event names, accounts, regions, user agents and principals,
// each read thousands of times into a string of its own. The analysis looks them up in maps
// again and again: with one copy of each value, a lookup compares pointers, not characters.
const sharedCopies = new BoundedMemo<string, string>(10_000);

const itself = (value: string) => value;

/** Each log file's URL, made once for all the events the file holds. */
const fileUrls = new WeakMap<SourcedRecord['file'], string>();

function fileUrlOf(file: SourcedRecord['file']): string {
  let url = fileUrls.get(file);
  if (url === undefined) fileUrls.set(file, (url = logFileUrl(file)));
  return url;
}

/** The shared copy of a string equal to `value`. */
function share(value: string): string {
  return sharedCopies.get(value, itself);
}

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
  // The record's own actor (made by the parser for this record alone): its values shared in place.
  const actor = record.actor;
  const { arn, sessionIssuerArn, key } = actor;
  if (arn !== null) actor.arn = share(arn);
  if (sessionIssuerArn !== null) actor.sessionIssuerArn = share(sessionIssuerArn);
  // The key is mostly one of the ARNs itself, whose shared copy is known by now.
  actor.key = key === sessionIssuerArn ? actor.sessionIssuerArn! : key === arn ? actor.arn! : share(key);
  actor.label = share(actor.label);
  // Values of a handful of kinds each (or of the organization's accounts and roles), each
  // from a parse worker as a string of its own: ~3 MB a field at 100,000 events.
  if (actor.type !== null) actor.type = share(actor.type);
  if (actor.accountId !== null) actor.accountId = share(actor.accountId);
  if (actor.userName !== null) actor.userName = share(actor.userName);
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

/** Sorts by time, then event id: the order of every event list in the report. */
export function compareEvents(a: Pick<IotEvent, 'eventTime' | 'eventId'>, b: Pick<IotEvent, 'eventTime' | 'eventId'>): number {
  if (a.eventTime !== b.eventTime) return a.eventTime < b.eventTime ? -1 : 1;
  return a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0;
}
