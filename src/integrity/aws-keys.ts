import { classifyAwsFailure, describeAwsFailure } from '../accounts/aws-errors.js';
import { SourceError } from '../errors.js';
import { fetchPublicKeys, type PublicKeyEntry } from './public-keys.js';
import type { PublicKeyProvider } from './verify.js';

const DAY = 86_400_000;
/** Per attempt: ListPublicKeys answers a page of a few keys in well under a second. */
export const DEFAULT_CLOUDTRAIL_TIMEOUT_MS = 30_000;

export interface CloudTrailKeysOptions {
  profile?: string;
  start: Date;
  end: Date;
  /** ListPublicKeys refuses an end in the future. */
  now: Date;
  /**
   * Time allowed to receive a response's headers, and between two chunks of a body (ms), per
   * attempt; default {@link DEFAULT_CLOUDTRAIL_TIMEOUT_MS}. Tests pass a short one (an endpoint
   * that never answers then fails in a fraction of a second).
   */
  timeoutMs?: number;
}

/**
 * Public keys from CloudTrail `ListPublicKeys`, one client per trail home region
 * (keys are regional). The range reaches a day before the period, and past its end up to now:
 * a trail's first digest after a chain that ends before the period is read wherever it is up to
 * now, at most `SEEK_DAYS` past the period (verify.ts, `seekPastLookAhead`), and its signature
 * needs the key of its time. The endpoint follows the SDK's settings (AWS_ENDPOINT_URL_CLOUDTRAIL
 * works).
 */
export function cloudTrailKeyProvider(options: CloudTrailKeysOptions): PublicKeyProvider {
  const from = new Date(options.start.getTime() - DAY);
  const to = new Date(Math.max(from.getTime() + 1000, options.now.getTime()));
  const timeoutMs = options.timeoutMs ?? DEFAULT_CLOUDTRAIL_TIMEOUT_MS;
  return async (homeRegions: string[]): Promise<PublicKeyEntry[]> => {
    const entries: PublicKeyEntry[] = [];
    // Loaded when keys are fetched: verifying offline (--public-keys) never loads the SDK.
    const { CloudTrailClient } = await import('@aws-sdk/client-cloudtrail');
    const { timedRequestHandler } = await import('../aws-http.js');
    for (const region of homeRegions) {
      const client = new CloudTrailClient({ region, profile: options.profile, requestHandler: timedRequestHandler(timeoutMs) });
      try {
        entries.push(...(await fetchPublicKeys(client, from, to)));
      } catch (error) {
        const hint =
          classifyAwsFailure(error) === 'credentials'
            ? 'no usable AWS credentials: set AWS_PROFILE or --profile, or run `aws sso login`'
            : error instanceof Error && error.name === 'TimeoutError'
              ? 'CloudTrail did not answer in time: check the network (and AWS_ENDPOINT_URL_CLOUDTRAIL if set)'
              : 'check the credentials allow cloudtrail:ListPublicKeys';
        throw new SourceError(
          `CloudTrail ListPublicKeys in ${region} failed (${describeAwsFailure(error)}): ${hint}, or verify offline with --public-keys FILE (the output of \`aws cloudtrail list-public-keys\`)`,
        );
      } finally {
        client.destroy();
      }
    }
    return entries;
  };
}
