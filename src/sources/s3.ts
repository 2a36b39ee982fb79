import {
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  type ListObjectsV2CommandOutput,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { ObjectStore, StoredObject } from '../types.js';
import { retryQuotaRanOut, withOwnRetries } from './s3-client.js';
import { BodyReadError, classifyS3Error, S3SourceError } from './s3-errors.js';
import { parseS3Url, type S3Location } from './s3-url.js';

export { createS3Client, DEFAULT_MAX_ATTEMPTS, DEFAULT_TIMEOUT_MS, type S3ClientOptions } from './s3-client.js';
export { BodyReadError, classifyS3Error, S3SourceError, type S3ErrorClass, type S3ErrorContext } from './s3-errors.js';
export { isS3Url, parseS3Url, type S3Location } from './s3-url.js';

/** Requests made by a store, for tests and the progress display. */
export interface S3Stats {
  /** ListObjectsV2 pages requested. */
  list: number;
  /** GetObject requests (each body attempt counts). */
  get: number;
  /** HeadObject requests. */
  head: number;
  /** Body bytes received in full objects. */
  bytes: number;
  /** Retries: the SDK's extra attempts plus re-reads of bodies that broke off. */
  retries: number;
}

export interface S3StoreOptions {
  /** The profile in use, only to make messages actionable (`aws sso login --profile X`). */
  profile?: string;
  /** Attempts at a GetObject whose body breaks off (truncated, reset, stalled); default 3. */
  bodyAttempts?: number;
  /** Keys per listing page (S3 returns at most 1,000). */
  pageSize?: number;
}

/**
 * An S3 bucket (or a prefix of it) as an ObjectStore. Every failure is thrown as an
 * `S3SourceError`: `fatal` ones (no bucket, no credentials) should stop the run,
 * the others become a SourceProblem in the report.
 */
export class S3Store implements ObjectStore {
  readonly kind = 's3' as const;
  readonly label: string;
  readonly bucket: string;
  readonly rootPrefix: string;
  readonly stats: S3Stats = { list: 0, get: 0, head: 0, bytes: 0, retries: 0 };
  private readonly bodyAttempts: number;
  private readonly pageSize: number | undefined;

  constructor(
    location: string | S3Location,
    readonly client: S3Client,
    private readonly options: S3StoreOptions = {},
  ) {
    const loc = typeof location === 'string' ? parseS3Url(location) : location;
    this.bucket = loc.bucket;
    this.rootPrefix = loc.prefix;
    this.label = loc.label;
    this.bodyAttempts = Math.max(1, options.bodyAttempts ?? 3);
    this.pageSize = options.pageSize;
  }

  async listChildren(prefix: string): Promise<{ prefixes: string[]; objects: StoredObject[] }> {
    const prefixes: string[] = [];
    const objects: StoredObject[] = [];
    for await (const page of this.pages(prefix, '/')) {
      for (const p of page.CommonPrefixes ?? []) {
        if (typeof p.Prefix === 'string' && p.Prefix.startsWith(prefix)) prefixes.push(p.Prefix);
      }
      for (const o of page.Contents ?? []) {
        const obj = toStoredObject(o, prefix);
        if (obj) objects.push(obj);
      }
    }
    return { prefixes, objects };
  }

  listAll(prefix: string): AsyncIterable<StoredObject> {
    return this.listAfter(prefix, undefined);
  }

  async *listAfter(prefix: string, startAfter: string | undefined): AsyncIterable<StoredObject> {
    for await (const page of this.pages(prefix, undefined, startAfter)) {
      for (const o of page.Contents ?? []) {
        const obj = toStoredObject(o, prefix);
        if (obj) yield obj;
      }
    }
  }

  async read(key: string): Promise<Buffer> {
    for (let attempt = 1; ; attempt++) {
      const out = await this.call('get', key, () =>
        this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key })),
      );
      try {
        const body = await drain(out.Body, out.ContentLength);
        this.stats.bytes += body.length;
        return body;
      } catch (error) {
        // The SDK retries failed requests, not bodies that break off after the headers.
        if (attempt >= this.bodyAttempts) {
          const { reason, code, transient } = classifyS3Error(error);
          throw new S3SourceError(`${reason}, ${attempt} attempts`, false, code, key, this.label, { cause: error, transient });
        }
        this.stats.retries++;
        await sleep(100 * 2 ** attempt * Math.random());
      }
    }
  }

  /**
   * A second read of an object whose read failed on something passing (`S3SourceError.transient`),
   * made once the other files are read (`collect`): its retries do not draw on the client's shared
   * retry quota (`withOwnRetries`), which a burst of errors on the first reads may have emptied.
   */
  readAgain(key: string): Promise<Buffer> {
    return withOwnRetries(() => this.read(key));
  }

  async metadata(key: string): Promise<Record<string, string>> {
    const out = await this.call('head', key, () =>
      this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key })),
    );
    const metadata: Record<string, string> = {};
    for (const [name, value] of Object.entries(out.Metadata ?? {})) {
      if (typeof value === 'string') metadata[name.toLowerCase().replace(/^x-amz-meta-/, '')] = value;
    }
    return metadata;
  }

  /**
   * A second metadata request (a digest's signature is in its metadata) after a failure on
   * something passing, with retries outside the shared retry quota, as `readAgain` reads.
   */
  metadataAgain(key: string): Promise<Record<string, string>> {
    return withOwnRetries(() => this.metadata(key));
  }

  /** A listing's pages; `startAfter` on the first request only (the continuation token carries on from there). */
  private async *pages(prefix: string, delimiter: '/' | undefined, startAfter?: string): AsyncGenerator<ListObjectsV2CommandOutput> {
    const seen = new Set<string>();
    let token: string | undefined;
    do {
      // A page stands for up to 1,000 files: its retries do not draw on the shared quota (`withOwnRetries`).
      const page = await this.call('list', prefix, () =>
        withOwnRetries(() =>
          this.client.send(
            new ListObjectsV2Command({
              Bucket: this.bucket,
              Prefix: prefix || undefined,
              Delimiter: delimiter,
              ContinuationToken: token,
              StartAfter: token === undefined ? startAfter : undefined,
              MaxKeys: this.pageSize,
            }),
          ),
        ),
      );
      yield page;
      token = undefined;
      if (page.IsTruncated) {
        // A server that says "more" without a new token would have us loop forever.
        const next = page.NextContinuationToken;
        if (!next || seen.has(next)) {
          throw new S3SourceError('listing truncated without a usable continuation token', false, 'BadListing', prefix, this.label);
        }
        seen.add(next);
        token = next;
      }
    } while (token);
  }

  /** Sends one SDK command, counting it and its retries; failures become S3SourceError. */
  private async call<T extends { $metadata: { attempts?: number } }>(
    kind: 'list' | 'get' | 'head',
    key: string,
    send: () => Promise<T>,
  ): Promise<T> {
    this.stats[kind]++;
    try {
      const out = await send();
      this.countRetries(out.$metadata);
      return out;
    } catch (error) {
      const metadata = (error as { $metadata?: { attempts?: number } } | null)?.$metadata;
      this.countRetries(metadata);
      const { fatal, reason, code, transient } = classifyS3Error(error, { bucket: this.bucket, profile: this.options.profile });
      // Given up with attempts left: said, so a file named in the report for it is not taken for one that failed every attempt.
      const quota = !fatal && retryQuotaRanOut(error) ? `; ${(metadata?.attempts ?? 1) > 1 ? 'no further retry' : 'not retried'}: the client's retry quota had run out` : '';
      throw new S3SourceError(`${reason}${quota}`, fatal, code, key, this.label, { cause: error, transient });
    }
  }

  private countRetries(metadata: { attempts?: number } | undefined): void {
    const attempts = metadata?.attempts;
    if (typeof attempts === 'number' && attempts > 1) this.stats.retries += attempts - 1;
  }
}

// Keys ending in '/' are "folder" markers (console-created), never log files, and a local copy has none.
function toStoredObject(o: { Key?: string; Size?: number }, prefix: string): StoredObject | null {
  if (typeof o.Key !== 'string' || !o.Key.startsWith(prefix) || o.Key.endsWith('/')) return null;
  return typeof o.Size === 'number' && Number.isFinite(o.Size) && o.Size >= 0 ? { key: o.Key, size: o.Size } : { key: o.Key };
}

/**
 * Reads a GetObject body to the end. The body is always consumed or destroyed (an
 * abandoned one holds its socket); a body shorter than its Content-Length is an error.
 */
async function drain(body: unknown, expected: number | undefined): Promise<Buffer> {
  if (!isAsyncIterable(body)) throw new BodyReadError(0, expected, { cause: new Error('response has no body') });
  const chunks: Buffer[] = [];
  let received = 0;
  try {
    // Leaving the loop early (throw) destroys the stream.
    for await (const chunk of body) {
      const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
      chunks.push(buf);
      received += buf.length;
    }
  } catch (error) {
    throw new BodyReadError(received, expected, { cause: error });
  }
  if (expected !== undefined && received !== expected) throw new BodyReadError(received, expected);
  return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, received);
}

function isAsyncIterable(x: unknown): x is AsyncIterable<unknown> {
  return typeof x === 'object' && x !== null && Symbol.asyncIterator in x;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
