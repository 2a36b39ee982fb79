import http from 'node:http';
import https from 'node:https';
import { S3Client } from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';

export interface S3ClientOptions {
  /** Named profile (`--profile`); else the SDK's default chain (AWS_PROFILE, env keys, SSO, role...). */
  profile?: string;
  /** `--region`; else AWS_REGION or the profile's region. */
  region?: string;
  /** Overrides AWS_MAX_ATTEMPTS; without either, DEFAULT_MAX_ATTEMPTS. */
  maxAttempts?: number;
  /** `standard` or `adaptive`; overrides AWS_RETRY_MODE; the SDK's default (`standard`) otherwise. */
  retryMode?: 'standard' | 'adaptive';
  /** An explicit endpoint; without it the SDK reads AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL / the profile's endpoint_url. */
  endpoint?: string;
  /**
   * Time allowed to connect, to receive the response headers, and between two chunks
   * of a body (ms). A stalled object fails after it (per attempt) instead of hanging the run.
   */
  timeoutMs?: number;
  /** Sockets per host; keep it at least the read concurrency, or requests queue for a socket. */
  maxSockets?: number;
  /** Where AWS_MAX_ATTEMPTS is looked up (tests pass their own). */
  env?: NodeJS.ProcessEnv;
}

/** Enough attempts to ride out S3 503 SlowDown bursts with the standard backoff. */
export const DEFAULT_MAX_ATTEMPTS = 6;
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
  const custom = Boolean(options.endpoint) || (await configuredEndpoint(options, env)) !== undefined;

  return new S3Client({
    profile: options.profile,
    region: options.region,
    endpoint: options.endpoint,
    maxAttempts: options.maxAttempts ?? (env.AWS_MAX_ATTEMPTS ? undefined : DEFAULT_MAX_ATTEMPTS),
    retryMode: options.retryMode,
    forcePathStyle: custom,
    requestChecksumCalculation: custom ? 'WHEN_REQUIRED' : 'WHEN_SUPPORTED',
    responseChecksumValidation: custom ? 'WHEN_REQUIRED' : 'WHEN_SUPPORTED',
    // A bucket in another region than the configured one still works (one extra request).
    followRegionRedirects: true,
    requestHandler: new NodeHttpHandler({
      httpAgent: new http.Agent({ keepAlive: true, maxSockets }),
      httpsAgent: new https.Agent({ keepAlive: true, maxSockets }),
      connectionTimeout: Math.min(timeoutMs, 10_000),
      requestTimeout: timeoutMs,
      throwOnRequestTimeout: true,
      socketTimeout: timeoutMs,
    }),
  });
}

/**
 * The endpoint the SDK would use from its own settings (AWS_ENDPOINT_URL_S3,
 * AWS_ENDPOINT_URL, `endpoint_url` in the config file, AWS_IGNORE_CONFIGURED_ENDPOINT_URLS),
 * asked of a throwaway client so the rules stay the SDK's.
 */
async function configuredEndpoint(options: S3ClientOptions, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const probe = new S3Client({ profile: options.profile, region: options.region ?? 'us-east-1' });
  try {
    const read = (probe.config as { serviceConfiguredEndpoint?: () => Promise<string | undefined> }).serviceConfiguredEndpoint;
    if (typeof read === 'function') return (await read()) || undefined;
  } catch {
    // A broken config file surfaces again, with its message, on the first request.
  } finally {
    probe.destroy();
  }
  if (env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS === 'true') return undefined;
  return env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL || undefined;
}
