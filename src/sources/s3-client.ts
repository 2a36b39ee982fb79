import { AsyncLocalStorage } from 'node:async_hooks';
import http from 'node:http';
import https from 'node:https';
import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { loadConfig } from '@smithy/core/config';
import { NODE_MAX_ATTEMPT_CONFIG_OPTIONS } from '@smithy/core/retry';
import { timedRequestHandler } from '../aws-http.js';

export interface S3ClientOptions {
  /** Named profile (`--profile`); else the SDK's default chain (AWS_PROFILE, env keys, SSO, role...). */
  profile?: string;
  /** `--region`; else AWS_REGION or the profile's region. */
  region?: string;
  /** Overrides AWS_MAX_ATTEMPTS and the profile's `max_attempts`; without any, DEFAULT_MAX_ATTEMPTS (`maxAttemptsConfigured`). */
  maxAttempts?: number;
  /**
   * `standard` or `adaptive`; overrides AWS_RETRY_MODE (and `retry_mode` in the config file); the
   * SDK's default (`standard`) otherwise. `standard` is `AttemptsRetryStrategy` (every attempt
   * honoured on throttling); `adaptive` is the SDK's own (client-side rate limiting, the SDK's quota).
   */
  retryMode?: 'standard' | 'adaptive';
  /**
   * The base of the backoff before a retry after throttling, in ms (`AttemptsRetryStrategy`):
   * DEFAULT_THROTTLING_BACKOFF_MS, else IOT_AUDIT_S3_RETRY_BACKOFF_MS (a whole number of ms,
   * so tests can shorten the waits; not meant for runs). Other retryable errors wait a twentieth of it.
   */
  retryBackoffMs?: number;
  /** An explicit endpoint; without it the SDK reads AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL / the profile's endpoint_url. */
  endpoint?: string;
  /**
   * Time allowed to connect, to receive the response headers, and between two chunks
   * of a body (ms). A stalled object fails after it (per attempt) instead of hanging the run.
   */
  timeoutMs?: number;
  /** Sockets per host; keep it at least the read concurrency, or requests queue for a socket. */
  maxSockets?: number;
  /** Where AWS_MAX_ATTEMPTS is looked up (tests pass their own); the config file and AWS_PROFILE are the SDK's, from process.env. */
  env?: NodeJS.ProcessEnv;
}

/**
 * Enough attempts to ride out S3 503 SlowDown bursts with the standard backoff: each of them is
 * made, however many reads are throttled at once (`AttemptsRetryStrategy`).
 */
export const DEFAULT_MAX_ATTEMPTS = 6;
/** The SDK's standard backoff base after throttling (@smithy/core/retry, 2026 values); 50 ms after other errors. */
export const DEFAULT_THROTTLING_BACKOFF_MS = 1_000;
export const DEFAULT_TIMEOUT_MS = 60_000;
export const DEFAULT_MAX_SOCKETS = 128;

/**
 * An S3 client with the SDK's own credential chain, endpoint and retry settings, and
 * with what S3-compatible servers need when an endpoint is configured: path-style
 * addressing, and checksums only where the API requires them. Async because whether
 * an endpoint is configured (env or `endpoint_url` in the config file) is read first.
 */
export async function createS3Client(options: S3ClientOptions = {}): Promise<S3Client> {
  const env = options.env ?? process.env;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxSockets = options.maxSockets ?? DEFAULT_MAX_SOCKETS;
  const settings = await sdkSettings(options, env);
  const custom = Boolean(options.endpoint) || settings.endpoint !== undefined;
  // The client's own attempts (the option, else `maxAttemptsConfigured`), asked when a retry is.
  const retryStrategy: AttemptsRetryStrategy | undefined =
    (options.retryMode ?? settings.retryMode) === 'adaptive'
      ? undefined
      : new AttemptsRetryStrategy((): Promise<number> => client.config.maxAttempts(), options.retryBackoffMs ?? backoffFromEnv(env) ?? DEFAULT_THROTTLING_BACKOFF_MS);

  const client: S3Client = new S3Client({
    profile: options.profile,
    region: options.region,
    endpoint: options.endpoint,
    maxAttempts: options.maxAttempts ?? maxAttemptsConfigured(options.profile, env),
    retryMode: options.retryMode,
    retryStrategy,
    forcePathStyle: custom,
    requestChecksumCalculation: custom ? 'WHEN_REQUIRED' : 'WHEN_SUPPORTED',
    responseChecksumValidation: custom ? 'WHEN_REQUIRED' : 'WHEN_SUPPORTED',
    // A bucket in another region than the configured one still works (one extra request).
    followRegionRedirects: true,
    requestHandler: timedRequestHandler(timeoutMs, {
      connectMs: 10_000,
      httpAgent: new http.Agent({ keepAlive: true, maxSockets }),
      httpsAgent: new https.Agent({ keepAlive: true, maxSockets }),
    }),
  });
  return client;
}

/**
 * The attempts configured as the SDK's own clients read them, with its loader and selectors:
 * AWS_MAX_ATTEMPTS, else `max_attempts` in the active profile's section of the config file
 * (AWS_CONFIG_FILE, default ~/.aws/config; the profile is `profile`, else AWS_PROFILE, else
 * `default`), else DEFAULT_MAX_ATTEMPTS where the SDK would take its own default (3). A value that
 * is not a number is passed over, as the SDK does. Read once, the first time it is asked for.
 */
function maxAttemptsConfigured(profile: string | undefined, env: NodeJS.ProcessEnv): () => Promise<number> {
  return loadConfig<number>(
    {
      environmentVariableSelector: () => NODE_MAX_ATTEMPT_CONFIG_OPTIONS.environmentVariableSelector(env),
      configFileSelector: NODE_MAX_ATTEMPT_CONFIG_OPTIONS.configFileSelector,
      default: DEFAULT_MAX_ATTEMPTS,
    },
    { profile },
  );
}

/**
 * What the SDK would use from its own settings, asked of a throwaway client so the rules stay the
 * SDK's: the endpoint (AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL, `endpoint_url` in the config file,
 * AWS_IGNORE_CONFIGURED_ENDPOINT_URLS) and the retry mode (AWS_RETRY_MODE, `retry_mode`).
 */
async function sdkSettings(options: S3ClientOptions, env: NodeJS.ProcessEnv): Promise<{ endpoint: string | undefined; retryMode: string | undefined }> {
  const probe = new S3Client({ profile: options.profile, region: options.region ?? 'us-east-1' });
  let endpoint: string | undefined;
  let endpointRead = false;
  let retryMode: string | undefined;
  try {
    const read = (probe.config as { serviceConfiguredEndpoint?: () => Promise<string | undefined> }).serviceConfiguredEndpoint;
    if (typeof read === 'function') {
      endpoint = (await read()) || undefined;
      endpointRead = true;
    }
  } catch {
    // A broken config file surfaces again, with its message, on the first request.
  }
  try {
    const mode = probe.config.retryMode;
    retryMode = options.retryMode ?? (typeof mode === 'function' ? await mode() : mode);
  } catch {
    retryMode = env.AWS_RETRY_MODE;
  } finally {
    probe.destroy();
  }
  if (!endpointRead) endpoint = env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS === 'true' ? undefined : env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL || undefined;
  return { endpoint, retryMode };
}

/** IOT_AUDIT_S3_RETRY_BACKOFF_MS (`S3ClientOptions.retryBackoffMs`), when a whole number of ms. */
function backoffFromEnv(env: NodeJS.ProcessEnv): number | undefined {
  const value = env.IOT_AUDIT_S3_RETRY_BACKOFF_MS;
  return value !== undefined && /^\d{1,6}$/.test(value) ? Number(value) : undefined;
}

/** The SDK's retry strategy interface, as the S3 client takes it (`RetryStrategyV2` of @smithy/types). */
type RetryStrategyV2 = Extract<NonNullable<S3ClientConfig['retryStrategy']>, { acquireInitialRetryToken: unknown }>;
type RetryErrorInfo = Parameters<RetryStrategyV2['refreshRetryTokenForRetry']>[1];

/** Set while requests whose retries do not draw on the quota are sent (`withOwnRetries`). */
const ownRetries = new AsyncLocalStorage<true>();

/**
 * Sends what `send` sends with retries that do not draw on the client's shared retry quota: up to
 * the attempts configured, with the same backoff, whatever the quota has left. For the few
 * requests a burst must not cost a file: a second read after the other files (`S3Store.readAgain`,
 * a few at once), a digest's second metadata request (`S3Store.metadataAgain`: its signature) and
 * listing pages (each stands for up to 1,000 files). The quota still makes the many first reads
 * fail fast when an endpoint stops answering. `standard` mode only: in `adaptive` mode the SDK's
 * own strategy and quota decide.
 */
export function withOwnRetries<T>(send: () => Promise<T>): Promise<T> {
  return ownRetries.run(true, send);
}

/** Errors whose retries `AttemptsRetryStrategy` refused because its quota had run out (see `retryQuotaRanOut`). */
const refusedForQuota = new WeakSet<object>();

/** Whether the SDK gave `error` up because the retry quota had run out, with attempts left (`AttemptsRetryStrategy`). */
export function retryQuotaRanOut(error: unknown): boolean {
  return typeof error === 'object' && error !== null && refusedForQuota.has(error);
}

/** The retry quota of the SDK's standard strategy, and what a retry after an error other than throttling takes from it. */
const RETRY_QUOTA = 500;
const RETRY_COST = 14;
/** What a request that succeeded at once gives back to the quota. */
const SUCCESS_REFILL = 1;
const MAX_BACKOFF_MS = 20_000;
/** How much longer than the computed backoff a server's Retry-After may make a wait. */
const MAX_RETRY_AFTER_EXTRA_MS = 5_000;

class AttemptsRetryToken {
  constructor(
    private readonly count: number,
    private readonly delay: number,
    /** What this retry took from the quota; undefined for the first attempt. */
    readonly cost: number | undefined,
  ) {}
  getRetryCount(): number {
    return this.count;
  }
  getRetryDelay(): number {
    return this.delay;
  }
  getRetryCost(): number | undefined {
    return this.cost;
  }
}

/**
 * The SDK's standard retries (THROTTLING and TRANSIENT errors, up to the client's max attempts,
 * exponential backoff with full jitter: a random wait below base x 2^retry, at most 20 s, longer
 * when the server says Retry-After), except that a retry after throttling (a 503: SlowDown) costs
 * nothing from the retry quota. The SDK's quota is shared by the client (500 tokens, 5 per
 * throttled retry): 64 reads throttled at once drained it in a few rounds, after which every
 * SlowDown failed at once, most objects given up after 2 attempts of the 6 configured. Backing
 * off is what S3 asks for; the quota is kept for the other errors (timeouts, resets, 5xx: 14
 * tokens a retry), so an endpoint that stopped answering fails fast rather than 6 times per read.
 * A read that failed on something passing, the quota's or not, is read a second time after the
 * others (`collect`), with retries outside the quota (`withOwnRetries`), as listing pages are; an
 * error the quota refused a retry is marked (`retryQuotaRanOut`) so the report can say so. The
 * middleware waits the token's delay (aborted with the request).
 */
export class AttemptsRetryStrategy implements RetryStrategyV2 {
  readonly mode = 'standard';
  private quota = RETRY_QUOTA;

  constructor(
    private readonly maxAttempts: () => Promise<number>,
    /** The backoff base after throttling (ms); a twentieth of it after other errors. */
    private readonly throttlingBackoffMs: number = DEFAULT_THROTTLING_BACKOFF_MS,
  ) {}

  acquireInitialRetryToken(): Promise<AttemptsRetryToken> {
    return Promise.resolve(new AttemptsRetryToken(0, 0, undefined));
  }

  async refreshRetryTokenForRetry(token: AttemptsRetryToken, errorInfo: RetryErrorInfo): Promise<AttemptsRetryToken> {
    // A 503 is S3 asking to slow down, whatever its code (SlowDown, ServiceUnavailable "Reduce your
    // request rate"): the SDK calls the latter TRANSIENT, the report "throttled" (`classifyS3Error`).
    const throttled = errorInfo.errorType === 'THROTTLING' || (errorInfo.errorType === 'TRANSIENT' && errorInfo.error?.$metadata?.httpStatusCode === 503);
    if (!throttled && errorInfo.errorType !== 'TRANSIENT') throw new Error('not a retryable error');
    const retries = token.getRetryCount();
    if (retries + 1 >= (await this.maxAttempts())) throw new Error('no attempt left');
    const cost = throttled || ownRetries.getStore() === true ? 0 : RETRY_COST;
    if (this.quota < cost) {
      if (typeof errorInfo.error === 'object' && errorInfo.error !== null) refusedForQuota.add(errorInfo.error);
      throw new Error('retry quota exhausted');
    }
    this.quota -= cost;
    const base = throttled ? this.throttlingBackoffMs : this.throttlingBackoffMs / 20;
    let delay = Math.floor(Math.random() * Math.min(base * 2 ** retries, MAX_BACKOFF_MS));
    const hint = errorInfo.retryAfterHint;
    if (hint instanceof Date) delay = Math.max(delay, Math.min(hint.getTime() - Date.now(), delay + MAX_RETRY_AFTER_EXTRA_MS));
    return new AttemptsRetryToken(retries + 1, delay, cost);
  }

  recordSuccess(token: AttemptsRetryToken): void {
    this.quota = Math.min(RETRY_QUOTA, this.quota + (token.cost ?? SUCCESS_REFILL));
  }

  /** The quota left (for tests). */
  getCapacity(): number {
    return this.quota;
  }
}
