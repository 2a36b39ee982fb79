import { SourceError, UsageError, oneLine } from '../errors.js';
import { S3Store, createS3Client, parseS3Url } from './s3.js';
import { DEFAULT_S3_CONCURRENCY } from './s3-url.js';

/** Extra sockets beyond the read concurrency, for listings running beside the reads. */
const SPARE_SOCKETS = 16;

/**
 * An `s3://bucket/prefix` source. The region comes from --aws-region or the SDK
 * configuration; with none, us-east-1, and the client follows the bucket's region.
 */
export async function openS3Source(spec: string, options: { profile?: string; region?: string; concurrency?: number }): Promise<S3Store> {
  let location;
  try {
    location = parseS3Url(spec);
  } catch (error) {
    throw new UsageError(`--source ${oneLine(error)}`);
  }
  const maxSockets = Math.max(64, (options.concurrency ?? DEFAULT_S3_CONCURRENCY) + SPARE_SOCKETS);
  let client = await createS3Client({ profile: options.profile, region: options.region, maxSockets });
  try {
    await client.config.region();
  } catch {
    client.destroy();
    client = await createS3Client({ profile: options.profile, region: 'us-east-1', maxSockets });
  }
  try {
    return new S3Store(location, client, { profile: options.profile });
  } catch (error) {
    throw new SourceError(`${spec}: ${oneLine(error)}`);
  }
}
