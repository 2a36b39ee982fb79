import { REGION_TEXT } from '../cloudtrail/layout.js';
import type { ResourceRef, ResourceType } from '../types.js';
import { PEM_PARAMETER, carriedPem, certificateIdOfPem, certificateOfPem } from './certificate-id.js';

/** `arn:<partition>:iot:<region>:<account>:<type>/<id>` */
const IOT_ARN = /^arn:aws[a-z-]*:iot:([a-z0-9-]*):(\d{12})?:([a-zA-Z]+)\/(.+)$/;
/** A certificate id anywhere in a string: `.../cert/<64 hex>` or `.../cacert/<64 hex>`. */
const CERT_IN_TEXT = /:(cacert|cert)\/([0-9a-f]{64})/g;
const CERT_ID = /^[0-9a-f]{64}$/;
/** Cognito identity id: `<region>:<uuid>`. */
const COGNITO_ID = new RegExp(`^${REGION_TEXT}:[0-9a-f-]{36}$`);

// A Map, not an object: the key is log text, and `constructor` or `__proto__` must find nothing.
const ARN_TYPES: ReadonlyMap<string, ResourceType> = new Map([
  ['cert', 'certificate'],
  ['cacert', 'caCertificate'],
  ['policy', 'policy'],
  ['thing', 'thing'],
  ['thinggroup', 'thingGroup'],
  ['thingtype', 'thingType'],
  ['rolealias', 'roleAlias'],
  ['rule', 'topicRule'],
  ['authorizer', 'authorizer'],
  ['domainconfiguration', 'domainConfiguration'],
  ['provisioningtemplate', 'provisioningTemplate'],
  ['certificateprovider', 'certificateProvider'],
]);

/**
 * The calls on a CA certificate. The API names their parameter `caCertificateId`, and their
 * response's `certificateId` is the CA's; a `certificateId` parameter, should a record spell
 * it so, names the CA too: typed by the name alone, it made a device certificate that never
 * existed, and left the CA's lifecycle without the call (the CA stayed ACTIVE after its deletion).
 */
const CA_CALLS: ReadonlySet<string> = new Set(['RegisterCACertificate', 'UpdateCACertificate', 'DeleteCACertificate', 'DescribeCACertificate']);

/** Request parameter names that name a resource directly (`certificateId`: see `CA_CALLS`). */
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
  return { region: m[1], accountId: m[2] ?? null, type: ARN_TYPES.get(m[3].toLowerCase()) ?? 'other', id: m[4] };
}

/** A principal or policy target: certificate ARN, thing group ARN, Cognito identity, or other. */
export function resourceOfTarget(value: string): ResourceRef {
  const parsed = parseIotArn(value);
  if (parsed) return { type: parsed.type, id: parsed.type === 'other' ? value : parsed.id, arn: value };
  if (COGNITO_ID.test(value)) return { type: 'cognitoIdentity', id: value, arn: null };
  if (CERT_ID.test(value)) return { type: 'certificate', id: value, arn: null };
  return { type: 'other', id: value, arn: value.startsWith('arn:') ? value : null };
}

/** What every string inside a value mentions, depth first, down to 8 levels (the value is level 0). */
function addMentions(touched: TouchedResources, value: unknown, depth: number): void {
  if (typeof value === 'string') {
    addMentionsOfText(touched, value);
  } else if (depth < 8 && typeof value === 'object' && value !== null) {
    // Indexed loops: this runs for every event, mostly before the JIT has optimized it.
    const items = Array.isArray(value) ? (value as unknown[]) : Object.values(value);
    for (let i = 0; i < items.length; i++) addMentions(touched, items[i], depth + 1);
  }
}

/** An IoT ARN (as the resource's ARN when `isItsArn`), and every certificate id inside a `.../cert/<id>` ARN in the text. */
function addMentionsOfText(touched: TouchedResources, text: string, isItsArn = true): void {
  // Cheap checks first: most values are neither ARNs nor hold a certificate id.
  const parsed = text.startsWith('arn:') ? parseIotArn(text) : null;
  if (parsed && parsed.type !== 'other') {
    touched.add(parsed.type, parsed.id, isItsArn ? text : null);
    // A certificate ARN whose id is exactly a certificate id holds no other: the search
    // below could only find that id again, already added.
    if ((parsed.type === 'certificate' || parsed.type === 'caCertificate') && CERT_ID.test(parsed.id)) return;
  }
  if (!text.includes('cert/')) return;
  CERT_IN_TEXT.lastIndex = 0;
  for (let m = CERT_IN_TEXT.exec(text); m !== null; m = CERT_IN_TEXT.exec(text)) {
    touched.add(m[1] === 'cacert' ? 'caCertificate' : 'certificate', m[2]!, null);
  }
}

const NO_VALUES: Readonly<Record<string, unknown>> = Object.freeze({});

/** The logging calls (SetLoggingOptions, SetV2LoggingLevel...). */
const LOGGING_CALLS = new Set(['SetLoggingOptions', 'SetLoggingLevel', 'SetV2LoggingOptions', 'SetV2LoggingLevel', 'DeleteV2LoggingLevel']);

/** Resources in the order first mentioned, each type and id once. */
class TouchedResources {
  readonly list: ResourceRef[] = [];
  // Most events touch a handful: a scan of the list is cheaper than a map until it grows.
  private index: Map<string, ResourceRef> | null = null;

  add(type: ResourceType, id: string, arn: string | null): void {
    const existing = this.find(type, id);
    if (existing !== undefined) {
      // Keep the ARN when a later mention has one.
      if (existing.arn === null && arn !== null) existing.arn = arn;
      return;
    }
    const ref: ResourceRef = { type, id, arn };
    this.list.push(ref);
    this.index?.set(`${type}\u0000${id}`, ref);
  }

  /** Whether a resource of the type was mentioned. */
  has(type: ResourceType): boolean {
    for (let i = 0; i < this.list.length; i++) if (this.list[i]!.type === type) return true;
    return false;
  }

  private find(type: ResourceType, id: string): ResourceRef | undefined {
    if (this.index === null) {
      if (this.list.length < 16) {
        for (let i = 0; i < this.list.length; i++) {
          const ref = this.list[i]!;
          if (ref.type === type && ref.id === id) return ref;
        }
        return undefined;
      }
      this.index = new Map(this.list.map((r) => [`${r.type}\u0000${r.id}`, r]));
    }
    return this.index.get(`${type}\u0000${id}`);
  }
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
  const touched = new TouchedResources();
  // Most events have no response: one shared empty bag rather than a new one per event.
  const p = params ?? NO_VALUES;
  const r = response ?? NO_VALUES;
  const isCa = CA_CALLS.has(eventName);
  for (let i = 0; i < NAME_PARAMS.length; i++) {
    const [name, type] = NAME_PARAMS[i]!;
    const value = p[name];
    if (typeof value === 'string' && value !== '') touched.add(isCa && type === 'certificate' ? 'caCertificate' : type, value, null);
  }
  const responseCert = r.certificateId;
  if (typeof responseCert === 'string' && responseCert !== '') {
    touched.add(isCa ? 'caCertificate' : 'certificate', responseCert, typeof r.certificateArn === 'string' ? r.certificateArn : null);
  }
  if (typeof r.policyArn === 'string' && typeof p.policyName === 'string') touched.add('policy', p.policyName, r.policyArn);
  addTarget(touched, p.principal);
  addTarget(touched, p.target);
  if (typeof p.targetAwsAccount === 'string' && p.targetAwsAccount !== '') touched.add('account', p.targetAwsAccount, null);
  if (LOGGING_CALLS.has(eventName)) touched.add('loggingOptions', 'logging', null);

  addMentions(touched, params, 0);
  addResponseMentions(touched, r);
  addCarriedCertificate(touched, eventName, params);
  // A copy of its own length: the list grew by push, into room for 16 (~150 bytes an event
  // at 100,000 events, kept for the whole report).
  return touched.list.slice();
}

/**
 * The response's mentions. A transfer's `transferredCertificateArn` is the certificate's ARN in
 * the receiving account once it accepts, not its ARN now (pending, rejected or cancelled, the
 * certificate is still the sender's): only the certificate it names is taken from it.
 */
function addResponseMentions(touched: TouchedResources, response: Record<string, unknown>): void {
  const transferred = response.transferredCertificateArn;
  if (typeof transferred !== 'string') {
    addMentions(touched, response, 0);
    return;
  }
  const { transferredCertificateArn: _, ...rest } = response;
  addMentionsOfText(touched, transferred, false);
  addMentions(touched, rest, 0);
}

/**
 * A register call whose response was not logged (FORMATS.md 3) names its certificate only by
 * the PEM it carries: the id AWS IoT gives it is the PEM's hash. Taken here, once, so that the
 * lifecycles and every rule see the same certificate; a PEM that is no certificate names none.
 */
function addCarriedCertificate(touched: TouchedResources, eventName: string, params: Record<string, unknown> | null): void {
  const register = PEM_PARAMETER.get(eventName);
  const type = register?.ca === true ? 'caCertificate' : 'certificate';
  if (register === undefined || touched.has(type)) return;
  const pem = carriedPem(eventName, params);
  const certificate = pem === null ? null : certificateOfPem(pem);
  if (certificate !== null) touched.add(type, certificateIdOfPem(certificate), null);
}

function addTarget(touched: TouchedResources, value: unknown): void {
  if (typeof value !== 'string' || value === '') return;
  const ref = resourceOfTarget(value);
  touched.add(ref.type, ref.id, ref.arn);
}
