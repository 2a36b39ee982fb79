/**
 * Safe readers for values taken from a log record: every value is hostile, may be
 * absent, of the wrong type, or a boolean written as a string.
 */
import type { IotEvent, ResourceType } from '../../../report/model.js';
import { lastLineBreak } from '../../../cloudtrail/identity.js';
import { parseIotArn } from '../../../iot/resources.js';

type Bag = Record<string, unknown> | null | undefined;

function own(bag: unknown, key: string): unknown {
  if (bag === null || typeof bag !== 'object' || Array.isArray(bag)) return undefined;
  return Object.hasOwn(bag, key) ? (bag as Record<string, unknown>)[key] : undefined;
}

/** A non-empty string, or null. */
export function str(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

export { boolOf as bool } from '../../../cloudtrail/normalize.js';

/** A finite number, also from a numeric string. */
export function num(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(value)) return Number(value);
  return null;
}

/** A value at a path of own keys, e.g. `get(params, 'logTarget', 'targetName')`. */
export function get(bag: Bag | unknown, ...path: string[]): unknown {
  let current: unknown = bag;
  for (const key of path) current = own(current, key);
  return current;
}

export function reqParam(event: IotEvent, ...path: string[]): unknown {
  return get(event.requestParameters, ...path);
}

export function respParam(event: IotEvent, ...path: string[]): unknown {
  return get(event.responseElements, ...path);
}

/** The id of the first resource of a type the event touched. */
export function resourceId(event: IotEvent, type: ResourceType): string | null {
  const ref = event.resources.find((r) => r.type === type);
  return ref ? str(ref.id) : null;
}

/**
 * Certificate id from the parameters, the response, an ARN, or the resources touched. A CA
 * certificate's is `caCertificateId`; a CA call logged with `certificateId` is found among its
 * resources (`CA_CALLS` in iot/resources.ts).
 */
export function certificateIdOf(event: IotEvent, caCertificate = false): string | null {
  const fromParams = str(reqParam(event, caCertificate ? 'caCertificateId' : 'certificateId'));
  if (fromParams) return fromParams;
  const fromResponse = str(respParam(event, 'certificateId'));
  if (fromResponse) return fromResponse;
  const arn = str(respParam(event, 'certificateArn')) ?? str(respParam(event, 'transferredCertificateArn'));
  const match = arn ? /\/(?:cacert|cert)\/([^/]+)$/.exec(arn) : null;
  if (match?.[1]) return match[1];
  return resourceId(event, caCertificate ? 'caCertificate' : 'certificate');
}

/**
 * The account a TransferCertificate sends its certificate to: the request's `targetAwsAccount`,
 * else the account of the response's `transferredCertificateArn` (the certificate's ARN in the
 * receiving account; CloudTrail may leave the request parameters out). Null when neither says.
 */
export function transferTargetOf(event: IotEvent): string | null {
  const requested = str(reqParam(event, 'targetAwsAccount'));
  if (requested !== null) return requested;
  const arn = str(respParam(event, 'transferredCertificateArn'));
  const parsed = arn === null ? null : parseIotArn(arn);
  return parsed !== null && parsed.type === 'certificate' ? parsed.accountId : null;
}

/** Policy name from the parameters, the response, or the resources touched. */
export function policyNameOf(event: IotEvent): string | null {
  const fromParams = str(reqParam(event, 'policyName')) ?? str(respParam(event, 'policyName'));
  if (fromParams) return fromParams;
  const arn = str(respParam(event, 'policyArn'));
  const fromArn = arn !== null ? policyNameInArn(arn) : null;
  if (fromArn !== null) return fromArn;
  return resourceId(event, 'policy');
}

const POLICY = ':policy/';

/**
 * What `/:policy\/(.+)$/` captures, in one pass: the rest of the ARN after the first `:policy/`
 * that no line break follows, when that rest is not empty. The expression takes time quadratic
 * in the ARN's length when it repeats `:policy/` before a line break (a forged 160 KB ARN: ~2 s).
 */
function policyNameInArn(arn: string): string | null {
  const at = arn.indexOf(POLICY, lastLineBreak(arn) + 1);
  return at !== -1 && at + POLICY.length < arn.length ? arn.slice(at + POLICY.length) : null;
}

export function isDeniedError(code: string | null): boolean {
  return code !== null && /AccessDenied|Unauthori[sz]ed|Forbidden|NotAuthorized/i.test(code);
}
