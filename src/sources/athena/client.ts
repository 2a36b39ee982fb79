import { AthenaClient } from '@aws-sdk/client-athena';
import { UsageError } from '../../errors.js';

export interface AthenaClientOptions {
  /** Named profile; else the SDK's default chain. */
  profile?: string;
  /** The workgroup's region; else AWS_REGION or the profile's region. */
  region?: string;
}

/**
 * An Athena client on the SDK's credential chain, endpoint settings (`AWS_ENDPOINT_URL_ATHENA`) and
 * retry settings. Athena is regional and the table lives in one region's catalog, so unlike
 * Organizations there is no sensible default: a missing region is a usage error.
 */
export async function createAthenaClient(options: AthenaClientOptions = {}): Promise<AthenaClient> {
  const client = new AthenaClient({
    ...(options.profile ? { profile: options.profile } : {}),
    ...(options.region ? { region: options.region } : {}),
    // Fail fast when offline instead of hanging on a connection that will never open.
    requestHandler: { connectionTimeout: 5_000, requestTimeout: 60_000 },
  });
  try {
    await client.config.region();
  } catch {
    client.destroy();
    throw new UsageError('Athena needs a region: pass --aws-region (the region of the workgroup and the table) or set AWS_REGION');
  }
  return client;
}
