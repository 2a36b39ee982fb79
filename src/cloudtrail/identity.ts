import { BoundedMemo } from '../memo.js';
import type { Actor, JsonObject, SessionIssuerType } from '../types.js';

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

/** Index of an ARN's fifth colon, after which its resource part starts; -1 without one. */
function resourceColon(arn: string): number {
  let colon = -1;
  for (let n = 0; n < 5; n++) {
    colon = arn.indexOf(':', colon + 1);
    if (colon < 0) return -1;
  }
  return colon;
}

/** Last path segment of an IAM role ARN: `arn:aws:iam::1:role/path/Name` -> `Name`; '' without a resource part. */
function roleName(arn: string): string {
  const colon = resourceColon(arn);
  return colon < 0 ? '' : arn.slice(Math.max(colon, arn.lastIndexOf('/')) + 1);
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

/**
 * What a session issuer is: a role for a role session (`roleSession`: its label names the role
 * whatever the issuer's type says); else `sessionIssuer.type` when it is one of these; else what
 * its ARN says (`:role/`, `:user/`, `:root`).
 */
function issuerKind(type: string | null, arn: string, roleSession: boolean): SessionIssuerType | null {
  if (roleSession) return 'Role';
  if (type === 'Role' || type === 'IAMUser' || type === 'Root') return type;
  const colon = resourceColon(arn);
  if (colon < 0) return null;
  // The resource part of an IAM ARN: `arn:aws:iam::1:role/path/Name`, `...:user/Name`, `...:root`.
  const resource = arn.slice(colon + 1);
  if (resource.startsWith('role/')) return 'Role';
  if (resource.startsWith('user/')) return 'IAMUser';
  return resource === 'root' ? 'Root' : null;
}

/**
 * The label of a session issuer: `role/<name>`, `user/<name>`, `root (<account>)`, else its ARN.
 * An issuer is a role for an assumed-role session, an IAM user or the root user for a
 * federated user (GetFederationToken); calling every issuer a role named an IAM user `bob`
 * `role/bob`, and the root user `role/root`.
 */
function issuerLabel(issuer: JsonObject | null, issuerArn: string, kind: SessionIssuerType | null, accountId: string | null): string {
  if (kind === 'Role') return `role/${roleName(issuerArn)}`;
  if (kind === 'IAMUser') return `user/${str(field(issuer, 'userName')) ?? roleName(issuerArn)}`;
  if (kind === 'Root') return `root (${issuerAccount(issuer, accountId)})`;
  return issuerArn;
}

function issuerAccount(issuer: JsonObject | null, accountId: string | null): string {
  return str(field(issuer, 'accountId')) ?? accountId ?? 'unknown account';
}

/** `issued by user/bob`, `issued by role/x`, `issued by the root user of <account>`, `issued by <ARN>`. */
function issuedBy(issuer: JsonObject | null, issuerArn: string, kind: SessionIssuerType | null, accountId: string | null): string {
  return kind === 'Root' ? `issued by the root user of ${issuerAccount(issuer, accountId)}` : `issued by ${issuerLabel(issuer, issuerArn, kind, accountId)}`;
}

const FEDERATED_USER = ':federated-user/';

/** A federated user's name: from `arn:aws:sts::1:federated-user/<name>`, else from principalId `<account>:<name>`. */
function federatedName(arn: string | null, principalId: string | null): string | null {
  const at = arn !== null ? arn.indexOf(FEDERATED_USER) : -1;
  if (at !== -1 && at + FEDERATED_USER.length < arn!.length) return arn!.slice(at + FEDERATED_USER.length);
  if (principalId === null) return null;
  const colon = principalId.indexOf(':');
  return colon !== -1 && colon + 1 < principalId.length ? principalId.slice(colon + 1) : principalId;
}

/** The last part of an ARN's resource (`.../identitystore/d-123` -> `d-123`), or the ARN. */
function lastPart(arn: string): string {
  const slash = arn.lastIndexOf('/');
  return slash !== -1 && slash + 1 < arn.length ? arn.slice(slash + 1) : arn;
}

/**
 * Who made a call, from a record's `userIdentity`. One `key` per person or principal, and a
 * label that says who, by identity type:
 * - Root: `root (<account>)`;
 * - AssumedRole: `role/<role> (session <session>)`, keyed by the role (its sessions grouped);
 * - FederatedUser: `federated-user/<name> (issued by user/<issuer>)`, `(issued by the root user of <account>)`, `(issued by role/<role>)`,
 *   keyed by the federated user's ARN: each name a broker hands out is someone of its own;
 * - IAMUser: `user/<name>`; other identities with an ARN: the ARN;
 * - IdentityCenterUser: `identity-center-user/<userId> (store <identity store id>)`, keyed by
 *   `onBehalfOf.userId` and `identityStoreArn`: the records have no ARN, and every user of an
 *   account had one key before;
 * - AWSAccount (a call from another account): `account/<account> (principal <principalId>)`,
 *   keyed by both: two principals of one account are two callers;
 * - an AWS service (`invokedBy`): the service;
 * - anything else: `<type>/<userName or principalId>`, keyed by type, account and principal.
 */
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
  // A role session as the label tells one: by its ARN, or by its identity type.
  const issuerType = issuerArn === null ? null : issuerKind(str(field(issuer, 'type')), issuerArn, assumed !== null || type === 'AssumedRole');
  const userName = str(field(ui, 'userName')) ?? str(field(issuer, 'userName'));
  const federated = type === 'FederatedUser' || (type === null && arn !== null && arn.includes(FEDERATED_USER));

  let label: string;
  let key: string | null = null;
  if (type === 'Root') label = `root (${accountId ?? 'unknown account'})`;
  else if (assumed) label = `role/${issuerArn !== null ? roleName(issuerArn) : assumed[0]} (session ${assumed[1]})`;
  else if (federated) {
    const name = federatedName(arn, principalId) ?? 'unknown';
    label = `federated-user/${name}${issuerArn !== null ? ` (${issuedBy(issuer, issuerArn, issuerType, accountId)})` : ''}`;
    key = arn ?? `FederatedUser:${accountId ?? 'unknown'}:${principalId ?? name}`;
  } else if (issuerArn !== null) label = issuerLabel(issuer, issuerArn, issuerType, accountId);
  else if (type === 'IAMUser' && userName !== null) label = `user/${userName}`;
  else if (arn !== null) label = arn;
  else if (type === 'IdentityCenterUser') {
    const onBehalfOf = obj(field(ui, 'onBehalfOf'));
    const userId = str(field(onBehalfOf, 'userId'));
    const store = str(field(onBehalfOf, 'identityStoreArn'));
    label = `identity-center-user/${userId ?? 'unknown'}${store !== null ? ` (store ${lastPart(store)})` : ''}`;
    key = `IdentityCenterUser:${store ?? accountId ?? 'unknown'}:${userId ?? principalId ?? 'unknown'}`;
  } else if (type === 'AWSAccount') {
    label = `account/${accountId ?? 'unknown'}${principalId !== null ? ` (principal ${principalId})` : ''}${invokedBy !== null ? ` via ${invokedBy}` : ''}`;
    key = `AWSAccount:${accountId ?? 'unknown'}:${principalId ?? 'unknown'}`;
  } else if (invokedBy !== null) label = invokedBy;
  else if (type !== null && (userName ?? principalId) !== null) {
    label = `${type}/${userName ?? principalId}`;
    key = `${type}:${accountId ?? 'unknown'}:${principalId ?? userName}`;
  } else label = type ?? 'unknown identity';

  key ??= issuerArn ?? arn ?? (invokedBy !== null ? `service:${invokedBy}` : `${type ?? 'Unknown'}:${accountId ?? principalId ?? 'unknown'}`);

  return {
    type,
    arn,
    principalId,
    accountId,
    userName,
    sessionIssuerArn: issuerArn,
    sessionIssuerType: issuerType,
    sessionName: assumed ? assumed[1] : null,
    mfaAuthenticated: mfa,
    invokedBy,
    accessKeyId,
    key,
    label,
  };
}
