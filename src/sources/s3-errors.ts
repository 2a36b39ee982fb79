import { withoutHandlerPrefix } from '../accounts/aws-errors.js';
import type { SourceProblem } from '../types.js';

/** What the run should do about an S3 failure. */
export interface S3ErrorClass {
  /** True when no request to this source can succeed (no bucket, no credentials): stop. */
  fatal: boolean;
  /** One line; for fatal errors it says what to do. */
  reason: string;
  /** The S3 error code or Node error code it was derived from (`AccessDenied`, `ECONNRESET`...). */
  code: string;
  /**
   * True when the same request may well succeed if sent again later (throttled, timed out, reset,
   * a 5xx): the SDK's retries ran out on something passing, not on a refusal (AccessDenied).
   */
  transient: boolean;
}

/** Context that makes the messages actionable. */
export interface S3ErrorContext {
  bucket?: string;
  /** The profile in use, for "run `aws sso login --profile X`". */
  profile?: string;
}

/** A failure of an S3 source, typed so the caller can tell "stop" from "note it and go on". */
export class S3SourceError extends Error {
  override readonly name = 'S3SourceError';
  /** See `S3ErrorClass.transient`: a listing that discovery may send once more (`children` in cloudtrail/layout.ts). */
  readonly transient: boolean;

  constructor(
    /** One line: what went wrong and, when fatal, what to do. */
    readonly reason: string,
    /** See `S3ErrorClass.fatal`. */
    readonly fatal: boolean,
    readonly code: string,
    /** The key or prefix concerned. */
    readonly key: string,
    /** Label of the store (`s3://bucket/prefix`). */
    readonly source: string,
    options?: { cause?: unknown; transient?: boolean },
  ) {
    super(reason, options);
    this.transient = options?.transient === true;
  }

  /** The problem to list in the report's coverage (for non-fatal errors). */
  toProblem(): SourceProblem {
    return { key: this.key, source: this.source, reason: this.reason };
  }
}

/**
 * A body that ended before its Content-Length, or broke off while streaming.
 * Thrown by the S3 store's reader; never a silently short buffer.
 */
export class BodyReadError extends Error {
  override readonly name = 'BodyReadError';
  /** True when the body stopped arriving (idle timeout) rather than being cut. */
  readonly stalled: boolean;

  constructor(
    readonly received: number,
    readonly expected: number | undefined,
    options?: { cause?: unknown },
  ) {
    const stalled = (options?.cause as { name?: unknown } | undefined)?.name === 'TimeoutError';
    const got = `${received}${expected === undefined ? '' : ` of ${expected}`} bytes`;
    super(
      stalled
        ? `object body stalled after ${got} (no data within the timeout)`
        : `object body cut short: got ${got}${options?.cause ? ` (${describeCause(options.cause)})` : ''}`,
      options,
    );
    this.stalled = stalled;
  }
}

interface ErrorShape {
  name?: unknown;
  message?: unknown;
  code?: unknown;
  Code?: unknown;
  $metadata?: { httpStatusCode?: number; attempts?: number };
}

const EXPIRED_CREDENTIALS = new Set(['ExpiredToken', 'ExpiredTokenException', 'TokenRefreshRequired']);
const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'CERT_HAS_EXPIRED']);
const TIMEOUTS = new Set(['TimeoutError', 'ETIMEDOUT', 'RequestTimeout', 'RequestTimeoutException']);
const RESETS = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED']);
/** S3's message for a 403 that says no more than the code (HEAD has no body: the SDK's `UnknownError`). */
const GENERIC_DENIALS = new Set(['access denied', 'forbidden', 'unknownerror', 'unknown error']);
/** The longest server message kept in a reason, so that the reason's own words are never the part cut. */
const MAX_SERVER_MESSAGE = 160;
const THROTTLES = new Set(['SlowDown', 'Throttling', 'ThrottlingException', 'TooManyRequestsException', 'RequestLimitExceeded']);

/**
 * Sorts an S3 SDK (or network) error into fatal ("no request to this source can
 * succeed: stop and say what to do") and non-fatal ("this key or prefix could not be
 * read: list it in the report").
 */
export function classifyS3Error(err: unknown, context: S3ErrorContext = {}): S3ErrorClass {
  if (err instanceof S3SourceError) return { fatal: err.fatal, reason: err.reason, code: err.code, transient: err.transient };
  if (err instanceof BodyReadError) {
    return { fatal: false, reason: oneLine(err.message), code: err.stalled ? 'Timeout' : 'TruncatedBody', transient: true };
  }

  const e = (typeof err === 'object' && err !== null ? err : {}) as ErrorShape;
  const name = typeof e.name === 'string' ? e.name : '';
  const message = typeof e.message === 'string' ? e.message : String(err);
  const nodeCode = typeof e.code === 'string' ? e.code : '';
  const s3Code = typeof e.Code === 'string' ? e.Code : name;
  const status = e.$metadata?.httpStatusCode;
  const attempts = e.$metadata?.attempts;
  const after = attempts && attempts > 1 ? ` after ${attempts} attempts` : '';
  const profileFlag = context.profile ? ` --profile ${context.profile}` : '';
  const bucket = context.bucket ? `"${context.bucket}"` : '';
  const fatal = (reason: string, code = s3Code || nodeCode || 'Unknown') => ({ fatal: true, reason, code, transient: false });
  const problem = (reason: string, code = s3Code || nodeCode || 'Unknown', transient = false) => ({ fatal: false, reason: oneLine(reason), code, transient });

  // Credentials (raised by the SDK's provider chain before any request is sent).
  if (name === 'CredentialsProviderError' || name === 'TokenProviderError') {
    if (/SSO session|sso login|Token is expired/i.test(message)) {
      return fatal(`AWS SSO session expired or invalid: run \`aws sso login${profileFlag}\``, 'SSOSessionExpired');
    }
    const missingProfile = /Profile '?([^' ]+)'? (?:was not found|could not be found)/.exec(message);
    if (missingProfile) {
      return fatal(
        `AWS profile "${oneLine(missingProfile[1])}" not found: check --profile / AWS_PROFILE and ~/.aws/config`,
        'ProfileNotFound',
      );
    }
    if (/Could not load credentials from any providers/i.test(message)) {
      return fatal(
        context.profile
          ? `no AWS credentials for profile "${context.profile}": check that it exists in ~/.aws/config with credentials, SSO or a role`
          : 'no AWS credentials found: set AWS_PROFILE, pass --profile, or run in an environment with a role',
        'NoCredentials',
      );
    }
    return fatal(`AWS credentials could not be loaded: ${oneLine(message)}`, 'CredentialsError');
  }
  if (/^Region is missing/i.test(message)) {
    // `--region` is `report`'s and `verify`'s filter of the logs' regions; the region of the API calls is `--aws-region`.
    return fatal('no AWS region configured: pass --aws-region or set AWS_REGION', 'RegionMissing');
  }
  if (EXPIRED_CREDENTIALS.has(s3Code)) {
    return fatal(
      `AWS credentials expired (${s3Code}): run \`aws sso login${profileFlag}\` or renew the role session`,
    );
  }
  switch (s3Code) {
    case 'NoSuchBucket':
      return fatal(`S3 bucket ${bucket || 'named in the source'} does not exist (NoSuchBucket): check the --source URL`);
    case 'InvalidAccessKeyId':
      return fatal('AWS access key id not recognised (InvalidAccessKeyId): check AWS_ACCESS_KEY_ID or the profile\'s credentials');
    case 'SignatureDoesNotMatch':
      return fatal('AWS rejected the request signature (SignatureDoesNotMatch): check the secret access key');
    case 'InvalidToken':
      return fatal('AWS session token not valid (InvalidToken): refresh the credentials');
    case 'RequestTimeTooSkewed':
      return fatal('this machine\'s clock is too far from AWS time (RequestTimeTooSkewed): fix the clock');
    case 'InvalidBucketName':
      return fatal(`not a valid S3 bucket name: ${bucket} (InvalidBucketName)`);
    case 'PermanentRedirect':
    case 'AuthorizationHeaderMalformed':
      // Not `--region`: that is the filter of the logs' regions (`report`, `verify`).
      return fatal(`S3 bucket ${bucket} is in another region (${s3Code}): pass --aws-region <the bucket's region> (or set AWS_REGION)`);
    case 'AllAccessDisabled':
    case 'AccountProblem':
      return fatal(`S3 refuses all access to bucket ${bucket} (${s3Code})`);
  }
  if (UNREACHABLE.has(nodeCode)) {
    return fatal(`cannot reach the S3 endpoint (${nodeCode}): check AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL and the network`, nodeCode);
  }

  // One key or prefix could not be read: the report lists it.
  if (s3Code === 'AccessDenied' || s3Code === 'Forbidden' || status === 403) {
    // S3's own message says what refused when it is more than "Access Denied": a KMS key policy
    // (`not authorized to perform: kms:Decrypt on resource: arn:aws:kms:...`), an SCP, a bucket policy.
    const said = oneLine(message, MAX_SERVER_MESSAGE);
    const detail = said === '' || GENERIC_DENIALS.has(said.toLowerCase()) || said === s3Code ? '' : `: ${said}`;
    return problem(`access denied (AccessDenied${detail})`, 'AccessDenied');
  }
  if (s3Code === 'NoSuchKey' || s3Code === 'NotFound' || status === 404) return problem('object vanished before it could be read (NoSuchKey)', 'NoSuchKey');
  if (THROTTLES.has(s3Code) || status === 503) return problem(`throttled by S3 (${s3Code || 503})${after}`, undefined, true);
  // Before timeouts: the SDK's handler names a reset (ECONNRESET, EPIPE) TimeoutError, its code tells.
  if (RESETS.has(nodeCode) || /socket hang up/i.test(message)) {
    return problem(`connection reset${after} (${nodeCode || 'ECONNRESET'}: ${withoutHandlerPrefix(message)})`, nodeCode || 'ECONNRESET', true);
  }
  if (TIMEOUTS.has(s3Code) || TIMEOUTS.has(nodeCode)) return problem(`timed out${after} (${withoutHandlerPrefix(message)})`, 'Timeout', true);
  if (status !== undefined && status >= 500) return problem(`S3 server error ${status} (${s3Code})${after}`, undefined, true);
  return problem(`${s3Code || nodeCode || 'error'}: ${message}`);
}

function describeCause(cause: unknown): string {
  if (!(cause instanceof Error)) return String(cause);
  const code = (cause as NodeJS.ErrnoException).code;
  if (code === 'ECONNRESET' || cause.message === 'aborted') return 'connection closed early';
  return code ? `${cause.message} [${code}]` : cause.message;
}

/** Server-provided text made safe for a one-line message, at most `max` characters. */
function oneLine(text: string, max = 200): string {
  // eslint-disable-next-line no-control-regex
  const flat = text.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 3)}...` : flat;
}
