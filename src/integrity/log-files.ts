import { isFatalStoreError } from '../cloudtrail/layout.js';
import { oneLine } from '../errors.js';
import type { LogContentHash, ObjectStore, StoredObject } from '../types.js';
import type { DigestVerdict } from './chain.js';
import { contentHashOf } from './content.js';
import type { IntegrityLocation, Lister } from './discover.js';
import { isSafeKey, logFileNameTime, storeKeyFor, withoutGz } from './keys.js';
import type { IntegrityIssue, IntegrityProblemKind, IntegrityResult, LogFileStatus } from './types.js';

/** One log file to check, with what the digests listing it say. */
export interface LogCheck {
  storeKey: string;
  /** Hash values from digests, and whether that digest's signature verified. */
  expected: { hash: string; trusted: boolean; digestKey: string }[];
}

export interface LogReader {
  periodStart: number;
  periodEnd: number;
  read: (store: ObjectStore, key: string) => Promise<Buffer>;
  /**
   * A log file's content hash from elsewhere (the report's read hashed it; the parse workers
   * read and hash it), or undefined: the file is then read and hashed here. May throw as `read`.
   */
  knownContent?: (store: ObjectStore, key: string) => KnownContent | undefined | Promise<KnownContent | undefined>;
  /** Hashes bytes read here (on worker threads); default `contentHashOf` on this thread. */
  hashBytes?: (bytes: Buffer) => Promise<LogContentHash>;
  stats: IntegrityResult['stats'];
}

/** A content hash worked out elsewhere, with the size of the object it came from. */
export type KnownContent = LogContentHash & { storedBytes: number };

/** Queues the log files a digest lists for the period, keyed by where they are in the store. */
export function scheduleLogs(location: IntegrityLocation, verdict: DigestVerdict, checks: Map<string, LogCheck>, issues: IntegrityIssue[], ctx: LogReader) {
  const { digest } = verdict;
  if (!verdict.inPlace || digest.body === null) return;
  for (const entry of digest.body.logFiles) {
    const time = logFileNameTime(entry.s3Object);
    // Digests at the edges list files delivered just outside the period: those are not checked.
    if (time === null ? !verdict.inPeriod : time < ctx.periodStart || time >= ctx.periodEnd) continue;
    const storeKey = storeKeyFor(entry.s3Object, digest.foundKey, digest.body.digestS3Object);
    if (storeKey === null || !isSafeKey(storeKey)) {
      issues.push({
        kind: 'log-file-missing',
        severity: verdict.inPeriod ? 'error' : 'warning',
        source: location.store.label,
        accountId: location.accountId,
        region: location.region,
        trail: digest.name.trailName,
        key: entry.s3Object.slice(0, 1024),
        from: null,
        to: null,
        message: `digest ${digest.foundKey} lists a key that cannot be in this source`,
      });
      continue;
    }
    let check = checks.get(storeKey);
    if (check === undefined) checks.set(storeKey, (check = { storeKey, expected: [] }));
    check.expected.push({ hash: entry.hashValue, trusted: verdict.status === 'valid', digestKey: digest.foundKey });
  }
}

const keySets = new WeakMap<object, Set<string>>();

/** The keys of a listing as a set, built once per listing. */
function keySet(listing: { objects: StoredObject[] }): Set<string> {
  let set = keySets.get(listing);
  if (set === undefined) keySets.set(listing, (set = new Set(listing.objects.map((o) => o.key))));
  return set;
}

async function readContent(ctx: LogReader, store: ObjectStore, key: string): Promise<KnownContent> {
  const bytes = await ctx.read(store, key);
  const storedBytes = bytes.length;
  return { ...(ctx.hashBytes !== undefined ? await ctx.hashBytes(bytes) : contentHashOf(bytes)), storedBytes };
}

/** Finds a log file through its folder's listing, reads it once and compares its hash with its digests'. */
export async function checkLogFile(
  location: IntegrityLocation,
  check: LogCheck,
  lister: Lister,
  ctx: LogReader,
  issues: IntegrityIssue[],
): Promise<{ status: LogFileStatus; found: string }> {
  const { store, accountId, region } = location;
  const folder = check.storeKey.slice(0, check.storeKey.lastIndexOf('/') + 1);
  const present = keySet(await lister.list(store, folder));
  // A local copy may hold the file gunzipped, `.gz` dropped from its name.
  const found = present.has(check.storeKey) ? check.storeKey : present.has(withoutGz(check.storeKey)) ? withoutGz(check.storeKey) : null;
  const issue = (kind: IntegrityProblemKind, message: string) =>
    issues.push({ kind, severity: 'error', source: store.label, accountId, region, trail: null, key: found ?? check.storeKey, from: null, to: null, message });
  if (found === null) {
    issue('log-file-missing', `listed by digest ${[...new Set(check.expected.map((e) => e.digestKey))].join(', ')} but not in the source`);
    return { status: 'missing', found: check.storeKey };
  }
  let content: KnownContent;
  try {
    content = (await ctx.knownContent?.(store, found)) ?? (await readContent(ctx, store, found));
  } catch (error) {
    if (isFatalStoreError(error)) throw error;
    issue('log-file-unreadable', `could not be read: ${oneLine(error)}`);
    return { status: 'unverified', found };
  }
  ctx.stats.logFilesRead++;
  ctx.stats.bytesRead += content.storedBytes;
  if ('error' in content) {
    issue('log-file-modified', `not the gzip file CloudTrail wrote: ${content.error}`);
    return { status: 'modified', found };
  }
  const hash = content.sha256;
  // Only a digest whose signature verified proves anything: one that failed its own check (its
  // problem is reported already) neither vouches for the file nor, agreeing with it, overrules a
  // trusted digest that does not (a forged digest listing a modified file's new hash).
  const trusted = check.expected.filter((e) => e.trusted);
  let status: LogFileStatus = trusted.some((e) => e.hash === hash) ? 'valid' : trusted.length > 0 ? 'modified' : 'unverified';
  if (status === 'modified') issue('log-file-modified', `SHA-256 ${hash} differs from the value in digest ${trusted.map((e) => e.digestKey).join(', ')}`);
  if (content.trailingBytes > 0) {
    issue('gzip-trailing-data', `${content.trailingBytes} bytes follow the gzip stream (appended data is read as part of the log by most tools)`);
    status = 'modified';
  }
  return { status, found };
}

const STATUS_RANK: Record<LogFileStatus, number> = { valid: 0, unverified: 1, 'no-digests': 2, 'not-covered': 3, missing: 4, modified: 5 };

/** The more serious of two statuses of one file. */
export function worse(a: LogFileStatus | undefined, b: LogFileStatus): LogFileStatus {
  return a === undefined || STATUS_RANK[b] > STATUS_RANK[a] ? b : a;
}
