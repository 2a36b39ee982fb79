import { BoundedMemo } from '../memo.js';
import type { Actor, JsonObject } from '../types.js';

function str(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

function obj(value: unknown): JsonObject | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as JsonObject) : null;
}

/** Case-insensitive field access: the IoT guide's shape capitalizes some keys. `name` is ASCII. */
function field(o: JsonObject | null, name: string): unknown {
  if (o === null) return undefined;
  // One lookup for a present key; `in` tells an absent key from one holding undefined.
  const value = o[name];
  if (value !== undefined || name in o) return value;
  const lower = name.toLowerCase();
  const keys = Object.keys(o);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    // Lower-casing keeps the length of whatever becomes ASCII (only U+212A KELVIN SIGN
    // turns into an ASCII letter besides A-Z): other lengths cannot match, and most keys
    // are skipped without a lower-cased copy.
    if (key.length === lower.length && key.toLowerCase() === lower) return o[key];
  }
  return undefined;
}

/** `invokedBy` is a service name, or an object in the IoT guide's shape. */
function invokedByText(value: unknown): string | null {
  const text = str(value);
  if (text !== null) return text;
  const o = obj(value);
  if (o === null) return null;
  const parts = Object.entries(o)
    .filter(([, v]) => typeof v === 'string' || typeof v === 'number')
    .map(([k, v]) => `${k}=${String(v)}`);
  return parts.length > 0 ? parts.join(' ') : null;
}

/** Last path segment of an IAM role ARN: `arn:aws:iam::1:role/path/Name` -> `Name`; '' without a resource part. */
function roleName(arn: string): string {
  // The resource is what follows the fifth colon.
  let colon = -1;
  for (let n = 0; n < 5; n++) {
    colon = arn.indexOf(':', colon + 1);
    if (colon < 0) return '';
  }
  return arn.slice(Math.max(colon, arn.lastIndexOf('/')) + 1);
}

const ASSUMED_ROLE = ':assumed-role/';

/** The last line break (what `.` in a regular expression does not match) in `s`, or -1. */
export function lastLineBreak(s: string): number {
  return Math.max(s.lastIndexOf('\n'), s.lastIndexOf('\r'), s.lastIndexOf('\u2028'), s.lastIndexOf('\u2029'));
}

// A month's calls come from a few hundred sessions, each making many: each ARN is read once.
const assumedRoles = new BoundedMemo<string, readonly [string, string] | null>(10_000);

/** `arn:aws:sts::1:assumed-role/Role/session` -> ["Role", "session"]. The result is shared: do not change it. */
function assumedRoleParts(arn: string): readonly [string, string] | null {
  return assumedRoles.get(arn, readAssumedRole);
}

/**
 * What `/:assumed-role\/([^/]+)\/(.+)$/` finds (the first `:assumed-role/`, a role name without
 * `/`, then a session to the end without a line break), in one pass: the expression takes time
 * quadratic in the ARN's length when it repeats the marker (a forged 256 KB ARN: ~5 s).
 */
function readAssumedRole(arn: string): readonly [string, string] | null {
  const lastBreak = lastLineBreak(arn);
  for (let at = arn.indexOf(ASSUMED_ROLE); at !== -1; at = arn.indexOf(ASSUMED_ROLE, at + 1)) {
    const role = at + ASSUMED_ROLE.length;
    const slash = arn.indexOf('/', role);
    // A role name, then a session that is not empty and has no line break.
    if (slash > role && slash + 1 < arn.length && lastBreak < slash) return [arn.slice(role, slash), arn.slice(slash + 1)];
  }
  return null;
}

/** Who made a call, from a record's `userIdentity`. */
export function actorOf(userIdentity: JsonObject | null): Actor {
  const ui = userIdentity;
  const type = str(field(ui, 'type'));
  const arn = str(field(ui, 'arn'));
  const principalId = str(field(ui, 'principalId'));
  const accountId = str(field(ui, 'accountId'));
  const accessKeyId = str(field(ui, 'accessKeyId'));
  const invokedBy = invokedByText(field(ui, 'invokedBy'));
  const session = obj(field(ui, 'sessionContext'));
  const issuer = obj(field(session, 'sessionIssuer'));
  const attributes = obj(field(session, 'attributes'));
  const mfaRaw = field(attributes, 'mfaAuthenticated');
  const mfa = mfaRaw === true || mfaRaw === 'true' ? true : mfaRaw === false || mfaRaw === 'false' ? false : null;
  const issuerArn = str(field(issuer, 'arn'));
  const assumed = arn !== null ? assumedRoleParts(arn) : null;
  const userName = str(field(ui, 'userName')) ?? str(field(issuer, 'userName'));

  let label: string;
  if (type === 'Root') label = `root (${accountId ?? 'unknown account'})`;
  else if (assumed) label = `role/${issuerArn !== null ? roleName(issuerArn) : assumed[0]} (session ${assumed[1]})`;
  else if (issuerArn !== null) label = `role/${roleName(issuerArn)}`;
  else if (type === 'IAMUser' && userName !== null) label = `user/${userName}`;
  else if (arn !== null) label = arn;
  else if (invokedBy !== null) label = invokedBy;
  else label = type ?? 'unknown identity';

  const key =
    issuerArn ?? arn ?? (invokedBy !== null ? `service:${invokedBy}` : `${type ?? 'Unknown'}:${accountId ?? principalId ?? 'unknown'}`);

  return {
    type,
    arn,
    principalId,
    accountId,
    userName,
    sessionIssuerArn: issuerArn,
    sessionName: assumed ? assumed[1] : null,
    mfaAuthenticated: mfa,
    invokedBy,
    accessKeyId,
    key,
    label,
  };
}
