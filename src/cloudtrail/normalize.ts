import { createHash } from 'node:crypto';
import type { CloudTrailRecord, JsonObject, JsonValue, RecordShape } from '../types.js';
import { actorOf } from './identity.js';

export const IOT_EVENT_SOURCE = 'iot.amazonaws.com';

/** An IoT ARN in any partition (aws, aws-cn, aws-us-gov...). */
const IOT_ARN = /^arn:aws[a-z-]*:iot:/;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The IoT guide's shape capitalizes keys and misspells one; canonical records are
 * camelCase. Keys are matched case-insensitively, with the known alias. A Map, not an
 * object: the key is log text, and `constructor` or `__proto__` must find nothing.
 */
const KEY_ALIASES: ReadonlyMap<string, string> = new Map([['requestparamters', 'requestparameters']]);

function lowerKeyed(raw: Record<string, unknown>): Map<string, unknown> {
  const map = new Map<string, unknown>();
  for (const [key, value] of Object.entries(raw)) {
    const lower = key.toLowerCase();
    const canonical = KEY_ALIASES.get(lower) ?? lower;
    // The first spelling wins; a record with both `eventName` and `EventName` is odd enough.
    if (!map.has(canonical)) map.set(canonical, value);
  }
  return map;
}

/** `""` and empty values mean "absent" in the IoT guide's shape. */
function str(value: unknown): string | null {
  if (typeof value === 'string') return value === '' ? null : value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return null;
}

/** `true`/`"true"` (any case) -> true, `false`/`"false"` -> false, anything else -> null: logs carry both. */
export function boolOf(value: unknown): boolean | null {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') {
    const v = value.trim().toLowerCase();
    if (v === 'true') return true;
    if (v === 'false') return false;
  }
  return null;
}

function obj(value: unknown): JsonObject | null {
  if (isObject(value)) return withinNesting(value as JsonObject);
  // Some exports carry nested JSON as a string.
  if (typeof value === 'string' && value.startsWith('{')) {
    try {
      const parsed: unknown = JSON.parse(value);
      return isObject(parsed) ? withinNesting(parsed as JsonObject) : null;
    } catch {
      return null;
    }
  }
  return null;
}

/**
 * Levels of objects and arrays a record's value may hold (CloudTrail's nest a handful).
 * A forged one nested thousands deep would overflow the stack of everything that walks it
 * (JSON output, CSV, the analysis), and past ~1,900 levels a parse worker's answer cannot
 * even be read on the main thread.
 */
export const MAX_NESTING = 64;

/** What stands in for a value nested deeper than `MAX_NESTING`. */
export const TOO_DEEP = `[nested more than ${MAX_NESTING} levels deep: left out]`;

/**
 * Whether `value` holds objects or arrays more than `levels` deep, the value itself the first
 * level (never recurses past `levels`). Policy documents, parsed later from their text, are
 * held to the same limit.
 */
export function nestsDeeperThan(value: unknown, levels: number): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (levels === 0) return true;
  for (const v of Array.isArray(value) ? value : Object.values(value)) if (nestsDeeperThan(v, levels - 1)) return true;
  return false;
}

/** A copy of `value` with what lies deeper than `levels` replaced by `TOO_DEEP`. */
export function cut(value: JsonValue, levels: number): JsonValue {
  if (typeof value !== 'object' || value === null) return value;
  if (levels === 0) return TOO_DEEP;
  if (Array.isArray(value)) return value.map((v) => cut(v, levels - 1));
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(value)) Object.defineProperty(out, k, { value: cut(v, levels - 1), enumerable: true, writable: true, configurable: true });
  return out;
}

/** `value` itself when it nests at most `MAX_NESTING` levels (it nearly always does), else a cut copy. */
function withinNesting(value: JsonObject): JsonObject {
  return nestsDeeperThan(value, MAX_NESTING) ? (cut(value, MAX_NESTING) as JsonObject) : value;
}

/** ISO-8601 UTC, without milliseconds when they are zero; null when not a time. */
export function canonicalTime(value: unknown): string | null {
  const text = str(value);
  if (text === null) return null;
  if (/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(text)) return text;
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) return null;
  const iso = new Date(ms).toISOString();
  return iso.endsWith('.000Z') ? `${iso.slice(0, -5)}Z` : iso;
}

/** The IoT guide's `timestamp`: epoch seconds (string or number). */
function epochTime(value: unknown): string | null {
  const text = str(value);
  if (text === null || !/^\d{9,11}(\.\d+)?$/.test(text)) return null;
  return canonicalTime(new Date(Number(text) * 1000).toISOString());
}

/**
 * Unwraps the containers users feed in around a record: the LookupEvents API
 * (`CloudTrailEvent` as a JSON string), EventBridge (`detail`), CloudTrail Lake and
 * Athena exports (`eventjson`).
 */
export function unwrapRecord(raw: unknown): unknown {
  if (!isObject(raw)) return raw;
  const inner = raw.CloudTrailEvent ?? raw.cloudTrailEvent ?? raw.eventjson ?? raw.eventJson;
  if (typeof inner === 'string') {
    try {
      return JSON.parse(inner);
    } catch {
      return raw;
    }
  }
  if (isObject(inner)) return inner;
  if (isObject(raw.detail) && ('detail-type' in raw || 'source' in raw)) return raw.detail;
  return raw;
}

/**
 * One CloudTrail record in either shape of FORMATS.md section 2, as the typed
 * record the pipeline uses; null when the value is not a record at all.
 */
export function normalizeRecord(raw: unknown): CloudTrailRecord | null {
  const unwrapped = unwrapRecord(raw);
  if (!isObject(unwrapped)) return null;
  const m = lowerKeyed(unwrapped);
  const eventName = str(m.get('eventname'));
  if (eventName === null) return null;

  // The canonical shape is camelCase with `eventTime`; the guide's has `EventTime`/`timestamp`.
  const shape: RecordShape = 'eventTime' in unwrapped || 'eventName' in unwrapped ? 'canonical' : 'iot-guide';
  const eventTime = canonicalTime(m.get('eventtime')) ?? epochTime(m.get('timestamp'));

  const eventId = str(m.get('eventid'));
  const userIdentity = obj(m.get('useridentity'));
  const record: CloudTrailRecord = {
    eventId,
    eventTime,
    eventSource: str(m.get('eventsource'))?.toLowerCase() ?? null,
    eventName,
    eventType: str(m.get('eventtype')),
    awsRegion: str(m.get('awsregion')),
    recipientAccountId: str(m.get('recipientaccountid')),
    sourceIpAddress: str(m.get('sourceipaddress')),
    userAgent: str(m.get('useragent')),
    errorCode: str(m.get('errorcode')),
    errorMessage: str(m.get('errormessage')),
    readOnly: boolOf(m.get('readonly')),
    managementEvent: boolOf(m.get('managementevent')),
    eventCategory: str(m.get('eventcategory')),
    requestParameters: obj(m.get('requestparameters')),
    responseElements: obj(m.get('responseelements')),
    additionalEventData: obj(m.get('additionaleventdata')),
    // The identity is kept as the actor it names.
    actor: actorOf(userIdentity),
    contentId: null,
    requestId: str(m.get('requestid')),
    sessionCredentialFromConsole: boolOf(m.get('sessioncredentialfromconsole')),
    vpcEndpointId: str(m.get('vpcendpointid')),
    shape,
  };
  if (eventId === null) record.contentId = contentIdOf(record, userIdentity);
  return record;
}

/** A hash of a record's whole content: its fields, and the whole identity rather than the actor. */
function contentIdOf(record: CloudTrailRecord, userIdentity: JsonObject | null): string {
  const content = JSON.stringify({ ...record, actor: undefined, contentId: undefined, userIdentity });
  return createHash('sha256').update(content).digest('hex').slice(0, 32);
}

function mentionsIotArn(value: unknown, depth = 0): boolean {
  if (depth > 8) return false;
  if (typeof value === 'string') return IOT_ARN.test(value);
  if (Array.isArray(value)) return value.some((v) => mentionsIotArn(v, depth + 1));
  if (isObject(value)) return Object.values(value).some((v) => mentionsIotArn(v, depth + 1));
  return false;
}

/**
 * Only `eventSource == iot.amazonaws.com` is IoT (names collide across services).
 * A record with no event source (the IoT guide's shape) is IoT only when its
 * parameters name an IoT ARN.
 */
export function isIotRecord(record: CloudTrailRecord): boolean {
  if (record.eventSource !== null) return record.eventSource === IOT_EVENT_SOURCE;
  return mentionsIotArn(record.requestParameters);
}
