/**
 * How a failed AWS call is told apart when choosing where account names come from: the caller
 * may not read Organizations (a fallback is normal), has no usable credentials (fixable by the
 * user), or something else went wrong (network, service, throttled beyond retries).
 */
export type AwsFailure = 'not-allowed' | 'credentials' | 'other';

const NOT_ALLOWED = new Set(['AccessDeniedException', 'AccessDenied', 'AWSOrganizationsNotInUseException']);

// Names thrown by the SDK's credential providers and by services for unusable keys or sessions.
const CREDENTIALS = new Set([
  'CredentialsProviderError',
  'TokenProviderError',
  'ProviderError',
  'ExpiredTokenException',
  'ExpiredToken',
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'InvalidSignatureException',
]);

export function classifyAwsFailure(error: unknown): AwsFailure {
  const name = errorCode(error);
  if (NOT_ALLOWED.has(name)) return 'not-allowed';
  if (CREDENTIALS.has(name)) return 'credentials';
  return 'other';
}

/** `Code: message` on one line, short enough for a report header. */
export function describeAwsFailure(error: unknown): string {
  const code = errorCode(error);
  const raw = error instanceof Error ? error.message : String(error);
  const message = withoutHandlerPrefix(raw.replace(/[\s\p{Cc}]+/gu, ' ').trim());
  const text = message && message !== code ? `${code}: ${message}` : code;
  return text.length > 200 ? `${text.slice(0, 199)}…` : text;
}

function errorCode(error: unknown): string {
  if (!(error instanceof Error)) return 'Error';
  if (error.name && error.name !== 'Error') return error.name;
  const code = (error as NodeJS.ErrnoException).code;
  return typeof code === 'string' && code ? code : 'Error';
}

/** An error message without the HTTP handler's own prefix ("@smithy/node-http-handler - [ERROR] a request has exceeded..."), which says nothing to a user. */
export function withoutHandlerPrefix(message: string): string {
  return message.replace(/^@smithy\/[\w-]+ - (\[\w+\] )?/, '');
}
