import type { Category } from '../types.js';

/**
 * The IoT actions of FORMATS.md section 3, by report category. Everything else
 * from `iot.amazonaws.com` is `other` (things, groups, rules, role aliases,
 * logging, authorizers, domain configurations, templates...).
 */
const CERTIFICATE_ACTIONS = [
  // device certificates
  'CreateKeysAndCertificate',
  'CreateCertificateFromCsr',
  'RegisterCertificate',
  'RegisterCertificateWithoutCA',
  'UpdateCertificate',
  'DeleteCertificate',
  'TransferCertificate',
  'AcceptCertificateTransfer',
  'RejectCertificateTransfer',
  'CancelCertificateTransfer',
  'UpdateCertificateMode',
  // CA certificates
  'RegisterCACertificate',
  'UpdateCACertificate',
  'DeleteCACertificate',
  'GetRegistrationCode',
  'DeleteRegistrationCode',
  // thing-principal attachments
  'AttachThingPrincipal',
  'DetachThingPrincipal',
  // provisioning claims and certificate providers
  'CreateProvisioningClaim',
  'CreateCertificateProvider',
  'UpdateCertificateProvider',
  'DeleteCertificateProvider',
  // reads
  'DescribeCertificate',
  'DescribeCACertificate',
  'ListCertificates',
  'ListCertificatesByCA',
  'ListCACertificates',
  'ListOutgoingCertificates',
  'ListThingPrincipals',
  'ListThingPrincipalsV2',
  'ListPrincipalThings',
  'ListPrincipalThingsV2',
  'DescribeCertificateProvider',
  'ListCertificateProviders',
] as const;

const POLICY_ACTIONS = [
  'CreatePolicy',
  'CreatePolicyVersion',
  'DeletePolicy',
  'DeletePolicyVersion',
  'SetDefaultPolicyVersion',
  'AttachPolicy',
  'DetachPolicy',
  'AttachPrincipalPolicy',
  'DetachPrincipalPolicy',
  // reads
  'GetPolicy',
  'GetPolicyVersion',
  'ListPolicies',
  'ListPolicyVersions',
  'ListAttachedPolicies',
  'ListTargetsForPolicy',
  'ListPrincipalPolicies',
  'ListPolicyPrincipals',
  'GetEffectivePolicies',
  'TestAuthorization',
] as const;

const CATEGORY = new Map<string, Category>([
  ...CERTIFICATE_ACTIONS.map((a) => [a, 'certificate'] as const),
  ...POLICY_ACTIONS.map((a) => [a, 'policy'] as const),
]);

export function categoryOf(eventName: string): Category {
  return CATEGORY.get(eventName) ?? 'other';
}

/** IoT read calls by name, for records that do not say `readOnly`. */
const READ_PREFIX = /^(Describe|List|Get|Search|Test|Validate)/;

/** `GetRegistrationCode` creates a code when there is none: CloudTrail marks it read-only anyway. */
export function isReadOnlyName(eventName: string): boolean {
  return READ_PREFIX.test(eventName);
}

/** Error codes that mean "not allowed" rather than "failed". */
const DENIED = /accessdenied|unauthorized|forbidden|notauthorized/i;

export function isDenied(errorCode: string | null): boolean {
  return errorCode !== null && DENIED.test(errorCode);
}
