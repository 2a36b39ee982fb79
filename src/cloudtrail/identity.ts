import type { Actor, JsonObject } from '../types.js';

function str(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

function obj(value: unknown): JsonObject | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as JsonObject) : null;
}

/** Case-insensitive field access: the IoT guide's shape capitalizes some keys. */
function field(o: JsonObject | null, name: string): unknown {
  if (o === null) return undefined;
  if (name in o) return o[name];
  const lower = name.toLowerCase();
  for (const key of Object.keys(o)) if (key.toLowerCase() === lower) return o[key];
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

/** Last path segment of an IAM role ARN: `arn:aws:iam::1:role/path/Name` -> `Name`. */
function roleName(arn: string): string {
  const resource = arn.split(':').slice(5).join(':');
  const parts = resource.split('/');
  return parts[parts.length - 1] ?? resource;
}

/** `arn:aws:sts::1:assumed-role/Role/session` -> ["Role", "session"]. */
function assumedRoleParts(arn: string): [string, string] | null {
  const m = /:assumed-role\/([^/]+)\/(.+)$/.exec(arn);
  return m ? [m[1], m[2]] : null;
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
