import { AthenaClient } from '@aws-sdk/client-athena';
import { timedRequestHandler } from '../../aws-http.js';
import { UsageError } from '../../errors.js';

export interface AthenaClientOptions {
  /** Named profile; else the SDK's default chain. */
  profile?: string;
  /** The workgroup's region; else AWS_REGION or the profile's region. */
  region?: string;
  /**
   * Time allowed to receive a response's headers, and between two chunks of a body (ms), per
   * attempt; default {@link DEFAULT_ATHENA_TIMEOUT_MS}. Tests pass a short one (an endpoint that
   * never answers then fails in a fraction of a second instead of a minute per attempt).
   */
  timeoutMs?: number;
}

/** Athena answers its API calls in well under a second; the query itself runs between polls. */
export const DEFAULT_ATHENA_TIMEOUT_MS = 60_000;

/**
 * An Athena client on the SDK's credential chain, endpoint settings (`AWS_ENDPOINT_URL_ATHENA`) and
 * retry settings. Athena is regional and the table lives in one region's catalog, so unlike
 * Organizations there is no sensible default: a missing region is a usage error.
 */
export async function createAthenaClient(options: AthenaClientOptions = {}): Promise<AthenaClient> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_ATHENA_TIMEOUT_MS;
  const client = new AthenaClient({
    ...(options.profile ? { profile: options.profile } : {}),
    ...(options.region ? { region: options.region } : {}),
    requestHandler: timedRequestHandler(timeoutMs),
  });
  try {
    await client.config.region();
  } catch {
    client.destroy();
    throw new UsageError('Athena needs a region: pass --aws-region (the region of the workgroup and the table) or set AWS_REGION');
  }
  return client;
}
