import type { ResourceRef, ResourceType } from '../types.js';

/** `arn:<partition>:iot:<region>:<account>:<type>/<id>` */
const IOT_ARN = /^arn:aws[a-z-]*:iot:([a-z0-9-]*):(\d{12})?:([a-zA-Z]+)\/(.+)$/;
/** A certificate id anywhere in a string: `.../cert/<64 hex>` or `.../cacert/<64 hex>`. */
const CERT_IN_TEXT = /:(cacert|cert)\/([0-9a-f]{64})/g;
const CERT_ID = /^[0-9a-f]{64}$/;
/** Cognito identity id: `<region>:<uuid>`. */
const COGNITO_ID = /^[a-z]{2}(-[a-z]+)+-\d:[0-9a-f-]{36}$/;

const ARN_TYPES: Record<string, ResourceType> = {
  cert: 'certificate',
  cacert: 'caCertificate',
  policy: 'policy',
  thing: 'thing',
  thinggroup: 'thingGroup',
  thingtype: 'thingType',
  rolealias: 'roleAlias',
  rule: 'topicRule',
  authorizer: 'authorizer',
  domainconfiguration: 'domainConfiguration',
  provisioningtemplate: 'provisioningTemplate',
  certificateprovider: 'certificateProvider',
};

/** Request parameter names that name a resource directly. */
const NAME_PARAMS: [string, ResourceType][] = [
  ['caCertificateId', 'caCertificate'],
  ['certificateId', 'certificate'],
  ['policyName', 'policy'],
  ['thingName', 'thing'],
  ['thingGroupName', 'thingGroup'],
  ['thingTypeName', 'thingType'],
  ['roleAlias', 'roleAlias'],
  ['ruleName', 'topicRule'],
  ['authorizerName', 'authorizer'],
  ['domainConfigurationName', 'domainConfiguration'],
  ['templateName', 'provisioningTemplate'],
  ['certificateProviderName', 'certificateProvider'],
];

export interface ParsedIotArn {
  region: string;
  accountId: string | null;
  type: ResourceType;
  id: string;
}

export function parseIotArn(arn: string): ParsedIotArn | null {
  const m = IOT_ARN.exec(arn);
  if (!m) return null;
  return { region: m[1], accountId: m[2] ?? null, type: ARN_TYPES[m[3].toLowerCase()] ?? 'other', id: m[4] };
}

/** A principal or policy target: certificate ARN, thing group ARN, Cognito identity, or other. */
export function resourceOfTarget(value: string): ResourceRef {
  const parsed = parseIotArn(value);
  if (parsed) return { type: parsed.type, id: parsed.type === 'other' ? value : parsed.id, arn: value };
  if (COGNITO_ID.test(value)) return { type: 'cognitoIdentity', id: value, arn: null };
  if (CERT_ID.test(value)) return { type: 'certificate', id: value, arn: null };
  return { type: 'other', id: value, arn: value.startsWith('arn:') ? value : null };
}

function* strings(value: unknown, depth = 0): Generator<string> {
  if (depth > 8) return;
  if (typeof value === 'string') yield value;
  else if (Array.isArray(value)) for (const v of value) yield* strings(v, depth + 1);
  else if (typeof value === 'object' && value !== null) for (const v of Object.values(value)) yield* strings(v, depth + 1);
}

/**
 * The resources an IoT event touched, from its parameters and response: named
 * parameters, principals and targets, every IoT ARN, and every certificate id
 * inside any `.../cert/<id>` ARN (responses may be missing: FORMATS.md section 3).
 */
export function resourcesOf(
  eventName: string,
  params: Record<string, unknown> | null,
  response: Record<string, unknown> | null,
): ResourceRef[] {
  const out: ResourceRef[] = [];
  const seen = new Set<string>();
  const add = (ref: ResourceRef) => {
    const k = `${ref.type}\u0000${ref.id}`;
    if (seen.has(k)) {
      // Keep the ARN when a later mention has one.
      const existing = out.find((r) => r.type === ref.type && r.id === ref.id);
      if (existing && existing.arn === null && ref.arn !== null) existing.arn = ref.arn;
      return;
    }
    seen.add(k);
    out.push({ ...ref });
  };

  const p = params ?? {};
  const r = response ?? {};
  const isCa = eventName === 'RegisterCACertificate';
  for (const [name, type] of NAME_PARAMS) {
    const value = p[name];
    if (typeof value === 'string' && value !== '') add({ type, id: value, arn: null });
  }
  const responseCert = r.certificateId;
  if (typeof responseCert === 'string' && responseCert !== '') {
    add({ type: isCa ? 'caCertificate' : 'certificate', id: responseCert, arn: typeof r.certificateArn === 'string' ? r.certificateArn : null });
  }
  if (typeof r.policyArn === 'string' && typeof p.policyName === 'string') add({ type: 'policy', id: p.policyName, arn: r.policyArn });
  for (const key of ['principal', 'target']) {
    const value = p[key];
    if (typeof value === 'string' && value !== '') add(resourceOfTarget(value));
  }
  if (typeof p.targetAwsAccount === 'string' && p.targetAwsAccount !== '') add({ type: 'account', id: p.targetAwsAccount, arn: null });
  if (/^Set(V2)?Logging(Options|Level)$|^DeleteV2LoggingLevel$/.test(eventName)) add({ type: 'loggingOptions', id: 'logging', arn: null });

  for (const text of [...strings(params), ...strings(response)]) {
    const parsed = parseIotArn(text);
    if (parsed && parsed.type !== 'other') add({ type: parsed.type, id: parsed.id, arn: text });
    for (const m of text.matchAll(CERT_IN_TEXT)) add({ type: m[1] === 'cacert' ? 'caCertificate' : 'certificate', id: m[2], arn: null });
  }
  return out;
}
