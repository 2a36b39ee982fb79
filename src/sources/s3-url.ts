/**
 * S3 objects read at once by default. Each read waits a round trip (tens of milliseconds):
 * against the loopback S3 server with every request held 30 ms, 32 at once read 637-812
 * objects/s, 64 at once 937-977 (bench/s3-read.mjs, 2 runs each); past that, this 2-core
 * machine's CPU was the limit (the SDK takes ~0.75 ms of CPU per object).
 */
// Here rather than in s3-open.ts: the pipeline reads it without loading the AWS SDK.
export const DEFAULT_S3_CONCURRENCY = 64;

/** Where an `s3://bucket[/prefix]` source points. */
export interface S3Location {
  bucket: string;
  /** '' or `x/y/`: leading and repeated slashes dropped, one trailing slash. */
  prefix: string;
  /** `s3://bucket` or `s3://bucket/x/y`: the canonical spelling, used as the store's label. */
  label: string;
}

// S3's rules for bucket names (general purpose buckets): 3-63 of [a-z0-9.-], starting and ending alphanumeric.
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** Whether `text` is meant as an S3 URL (so the caller can tell it from a local path). */
export function isS3Url(text: string): boolean {
  return /^s3:\/\//i.test(text);
}

/**
 * Parses `s3://bucket[/prefix]`. Throws an Error with a one-line message when the URL
 * is not usable, so the caller can report it as a usage error.
 */
export function parseS3Url(url: string): S3Location {
  const match = /^s3:\/\/([^/]*)(?:\/(.*))?$/is.exec(url.trim());
  if (!match) throw new Error(`not an S3 URL: "${url}" (expected s3://bucket[/prefix])`);
  const bucket = match[1];
  if (!BUCKET_NAME.test(bucket) || bucket.includes('..')) {
    throw new Error(`not a valid S3 bucket name: "${bucket}" in "${url}" (bucket names are 3 to 63 lowercase letters, digits, dots and hyphens): check the bucket's name`);
  }
  const parts = (match[2] ?? '').split('/').filter((p) => p !== '');
  const prefix = parts.length > 0 ? `${parts.join('/')}/` : '';
  return { bucket, prefix, label: `s3://${bucket}${prefix ? `/${prefix.slice(0, -1)}` : ''}` };
}
