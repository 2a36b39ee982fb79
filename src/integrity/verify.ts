import type { KeyObject } from 'node:crypto';
import { SECOND_TRY_FAILURES, fatalSourceError, isFatalStoreError, isTransientStoreError, listsInKeyOrder, type DiscoveryListings } from '../cloudtrail/layout.js';
import { mapLimit } from '../collect/limit.js';
import { SourceError } from '../errors.js';
import { getOrInsert } from '../memo.js';
import type { ObjectStore } from '../types.js';
import { analyzeChain, checkStoredSignatures, dueBy, iso, missingHours, unknownKeyHint, type ChainInput, type ChainOutcome, type LoadedDigest } from './chain.js';
import { Lister, createGate, discoverLocations, type Gate, type IntegrityLocation } from './discover.js';
import { DAY_MS, LOOK_AHEAD_DAYS, SEEK_DAYS, baseName, dayPath, logFileNameTime, parseDigestName, trailKey, trailLabel, trailOfKey, trailsOfKeys, utcDays, withoutGz } from './keys.js';
import { loadDigest, type DigestReader } from './load-digest.js';
import { checkLogFile, scheduleLogs, worse, type LogCheck, type LogReader } from './log-files.js';
import { indexPublicKeys, type PublicKeyEntry } from './public-keys.js';
import type {
  IntegrityChainResult,
  IntegrityGap,
  IntegrityIssue,
  IntegrityProblemKind,
  ProblemSeverity,
  IntegrityProgress,
  IntegrityResult,
  LogFileStatus,
} from './types.js';
import { anyWindowHolds } from './windows.js';
import { compareText } from '../unicode.js';
import { plural } from '../numbers.js';

/** Fetches the public keys of the trails' home regions (CloudTrail keys are per region). */
export type PublicKeyProvider = (homeRegions: string[]) => Promise<PublicKeyEntry[]>;

export interface VerifyIntegrityOptions {
  stores: ObjectStore[];
  /** Period: log files delivered in [start, end) and the digests that cover them. */
  start: Date;
  end: Date;
  accounts?: string[];
  regions?: string[];
  publicKeys: Map<string, KeyObject> | PublicKeyEntry[] | PublicKeyProvider;
  /** Digest signatures saved by a sync step (`--signatures FILE`), by digest object key. */
  signatures?: Map<string, string>;
  /** Objects read at once (default 16). */
  concurrency?: number;
  onProgress?: (progress: IntegrityProgress) => void;
  /** Reads an object; lets the report pipeline share one download per object. */
  readObject?: (store: ObjectStore, key: string) => Promise<Buffer>;
  /**
   * Log files' content hashes worked out elsewhere (the report's parse workers hash what
   * they read; `verify` has workers read and hash local files): those files are not read
   * here. The rest are read here, and hashed by `hashBytes` (default: on this thread).
   */
  knownContent?: LogReader['knownContent'];
  hashBytes?: LogReader['hashBytes'];
  /** Digests read, inflated and parsed elsewhere (a parse worker, for a local file); undefined: here. */
  readDigest?: DigestReader['readDigest'];
  /** Current time, so that digests not yet due are not called missing; omit for a period long past. */
  now?: Date;
  /**
   * How a time is written in the problems' messages and the notes: ISO 8601 UTC unless given (the
   * report gives its zone's `YYYY-MM-DD HH:MM:SS`, as every other time of the report). The
   * problems' `from` and `to`, the gaps and the covered span stay ISO 8601 UTC.
   */
  stamp?: (ms: number) => string;
  /** The period's own end, when `end` goes past it to cover late log files (see `ChainInput.lateFrom`). */
  lateFrom?: Date;
  /**
   * The period itself, when `start`–`end` is wider (`report --verify` checks every log file its read
   * took: whole UTC delivery days, and late days), and whether a log file gave the report a record.
   * A log file no digest lists is then a problem of the period, as `verify` of that period tells it,
   * when its name's delivery time is in the period (or it gives none, or another day than its
   * folder's), or when it gave the report a record: one delivered outside the period that gave
   * none is a warning. `missing` counts the hours of this period (`ChainInput.ownPeriod`).
   */
  reportPeriod?: { start: Date; end: Date; gaveRecords: (store: ObjectStore, key: string) => boolean };
  /**
   * When no store has a log or digest folder for the accounts and regions asked for: a `no-digests`
   * error for each store (`'problem'`, the default: the report's Integrity section, whose read found
   * the log files of a plain folder), or a `SourceError` (`'source-error'`, exit 3: `verify`, for
   * which that is a mistyped source or filter, as it is for `report`, not tampered logs).
   */
  nothingToCheck?: 'problem' | 'source-error';
  /** The listings the report's read made to find the trails: not sent again (`DiscoveryListings`). */
  discoveryListings?: DiscoveryListings;
}

const HOUR = 3_600_000;
/** Digest windows are about an hour but not aligned to the period: read a little past its end. */
const WINDOW_SLACK = 15 * 60_000;
/** Names the report would read as log files (as `cloudtrail/layout.ts` does). */
const LOG_LIKE = /\.(json|json\.gz|gz|jsonl|ndjson)$/i;

/** Accounts and regions checked at once: each holds its digests and listings until done. */
const LOCATIONS_AT_ONCE = 4;

/**
 * Problem kinds that mean something was altered, or cannot be trusted as CloudTrail's (a digest
 * unreadable, moved, badly signed or signed with an unknown key, a log file a trusted digest lists
 * gone or changed): its chain is `invalid`, the verdict `failed`. The rest mean something could not
 * be checked (a digest missing, no digests, a listing that failed): `incomplete`.
 */
const ALTERED: ReadonlySet<IntegrityProblemKind> = new Set([
  'digest-signature-invalid',
  'digest-key-unknown',
  'digest-moved',
  'digest-unreadable',
  'chain-link-broken',
  'gzip-trailing-data',
  'log-file-modified',
  'log-file-missing',
  'log-file-not-covered',
]);

const UNUSABLE_DIGEST: ReadonlySet<IntegrityProblemKind> = new Set(['digest-missing', 'digest-unreadable', 'digest-moved']);

interface LocationOutcome {
  chain: IntegrityChainResult | null;
  issues: IntegrityIssue[];
  statuses: [string, LogFileStatus][];
  unsigned: number;
  unknownNames: number;
  metadataFailures: number;
  /** Trails whose next digest was sought up to `SEEK_DAYS` past the period, short of now, and not found (null: any trail). */
  capped: { trail: string | null; until: number }[];
}

interface Context {
  periodStart: number;
  periodEnd: number;
  now: number | null;
  lateFrom: number | null;
  /** The period itself (`VerifyIntegrityOptions.reportPeriod`), else `periodStart`–`periodEnd`. */
  own: { start: number; end: number };
  /** Whether a log file gave the report a record (`reportPeriod`); without a report, every file counts. */
  gaveRecords: (store: ObjectStore, key: string) => boolean;
  stamp: (ms: number) => string;
  concurrency: number;
  gate: Gate;
  lister: Lister;
  read: (store: ObjectStore, key: string) => Promise<Buffer>;
  metadata: DigestReader['metadata'];
  knownContent: LogReader['knownContent'];
  hashBytes: LogReader['hashBytes'];
  readDigest: DigestReader['readDigest'];
  signatures: Map<string, string> | undefined;
  keysFor: (homeRegions: string[]) => Promise<Map<string, KeyObject>>;
  stats: IntegrityResult['stats'];
  progress: { digests: number; digestsDone: number; logs: number; logsDone: number; report: (phase: 'digests' | 'logs') => void };
}

/** The bucket an S3 store reads (its `bucket`, else from its `s3://` label). */
function bucketOf(store: ObjectStore): string | null {
  if (store.kind !== 's3') return null;
  if (store.bucket !== undefined && store.bucket !== '') return store.bucket;
  return /^s3:\/\/([^/]+)/.exec(store.label)?.[1] ?? null;
}

/**
 * Validates CloudTrail log integrity for a period across every account and region
 * of the stores (or those asked for): each digest's signature, the links and hourly
 * cadence of each digest chain, and every log file's SHA-256 against its digest.
 * Each object is read once; listings go by account, region and day prefix. Accounts
 * and regions are checked a few at a time, so memory stays bounded for a large
 * organization's month; `concurrency` bounds the reads and listings in flight.
 */
export async function verifyIntegrity(opts: VerifyIntegrityOptions): Promise<IntegrityResult> {
  try {
    return await verifyAll(opts);
  } catch (error) {
    // A source that cannot be read at all (no bucket, no credentials, or credentials that expired
    // during the run): the source error (exit 3) that the read gives, for `verify` and `report --verify` alike.
    throw isFatalStoreError(error) ? fatalSourceError(error, opts.stores) : error;
  }
}


/**
 * Digest and log file reads, and the digests' metadata requests (their signatures), each made once
 * more where the store makes it differently then (`ObjectStore.readAgain`, `metadataAgain`: S3 with
 * every attempt, whatever its shared retry quota has left) when it failed on something passing: a
 * burst of errors on the requests in flight empties that quota, a digest given up after one attempt
 * is a broken chain in the report, and one whose metadata went unread has no signature. After 8
 * second tries in a row that fail again, reads and metadata alike, no more: an endpoint that stops
 * answering must still end the check soon (every read of a month read twice with every attempt
 * took 40 times as long).
 */
function onceMore(): <T>(first: () => Promise<T>, again: (() => Promise<T>) | undefined) => Promise<T> {
  let failedAgain = 0;
  return async (first, again) => {
    try {
      return await first();
    } catch (error) {
      if (again === undefined || !isTransientStoreError(error) || failedAgain >= SECOND_TRY_FAILURES) throw error;
      try {
        const out = await again();
        failedAgain = 0;
        return out;
      } catch (second) {
        failedAgain++;
        throw second;
      }
    }
  };
}

async function verifyAll(opts: VerifyIntegrityOptions): Promise<IntegrityResult> {
  const onProgress = opts.onProgress ?? (() => {});
  const gate = createGate(Math.max(1, opts.concurrency ?? 16));
  const secondTry = onceMore();
  const read = opts.readObject ?? ((store: ObjectStore, key: string) => secondTry(() => store.read(key), store.readAgain?.bind(store, key)));
  const notes: string[] = [];
  const progress: Context['progress'] = {
    digests: 0,
    digestsDone: 0,
    logs: 0,
    logsDone: 0,
    report: (phase) => onProgress(phase === 'digests' ? { phase, done: progress.digestsDone, total: progress.digests } : { phase, done: progress.logsDone, total: progress.logs }),
  };
  const ctx: Context = {
    periodStart: opts.start.getTime(),
    periodEnd: opts.end.getTime(),
    now: opts.now?.getTime() ?? null,
    lateFrom: opts.lateFrom?.getTime() ?? null,
    own: { start: (opts.reportPeriod?.start ?? opts.start).getTime(), end: (opts.reportPeriod?.end ?? opts.end).getTime() },
    gaveRecords: opts.reportPeriod?.gaveRecords ?? (() => true),
    stamp: opts.stamp ?? iso,
    concurrency: Math.max(1, opts.concurrency ?? 16),
    gate,
    lister: new Lister(gate, opts.discoveryListings),
    read: (store, key) => gate(() => read(store, key)),
    metadata: (store, key) => gate(() => secondTry(() => store.metadata(key), store.metadataAgain?.bind(store, key))),
    knownContent: opts.knownContent,
    hashBytes: opts.hashBytes,
    readDigest: opts.readDigest,
    signatures: opts.signatures,
    keysFor: keyResolver(opts.publicKeys, notes),
    stats: { digestsRead: 0, logFilesRead: 0, bytesRead: 0, listings: 0 },
    progress,
  };

  const locations: IntegrityLocation[] = [];
  const empty: IntegrityIssue[] = [];
  for (const [index, store] of opts.stores.entries()) {
    onProgress({ phase: 'discover', done: index, total: opts.stores.length });
    const found = await discoverLocations(store, ctx.lister, { accounts: opts.accounts, regions: opts.regions });
    for (const location of found) locations.push(location);
    // A check that found nothing to check must not pass.
    if (found.length === 0) {
      empty.push({
        kind: 'no-digests',
        severity: 'error',
        source: store.label,
        accountId: '',
        region: '',
        trail: null,
        key: store.rootPrefix,
        from: null,
        to: null,
        message: 'no AWSLogs/<account>/CloudTrail-Digest/ or CloudTrail/ folder found for the accounts and regions asked for: is this a copy of the trail bucket?',
      });
    }
  }
  onProgress({ phase: 'discover', done: opts.stores.length, total: opts.stores.length });
  if (opts.nothingToCheck === 'source-error' && opts.stores.length > 0 && locations.length === 0) {
    throw new SourceError(nothingToVerify(opts, ctx.lister.failures, ctx.lister.searchStopped));
  }

  const outcomes = await mapLimit(locations, LOCATIONS_AT_ONCE, (location) => checkLocation(location, ctx));

  const issues = [...empty, ...outcomes.flatMap((o) => o.issues)];
  for (const failure of ctx.lister.failures) {
    const owner = locations.find((l) => l.store === failure.store && [l.digestPrefix, l.logPrefix].some((p) => p !== null && failure.prefix.startsWith(p)));
    issues.push({
      kind: 'listing-failed',
      severity: 'error',
      source: failure.store.label,
      accountId: owner?.accountId ?? '',
      region: owner?.region ?? '',
      trail: null,
      key: failure.prefix,
      from: null,
      to: null,
      message: `could not list: ${failure.reason}`,
    });
  }
  for (const stopped of ctx.lister.searchStopped) {
    issues.push({ kind: 'listing-failed', severity: 'warning', source: stopped.store.label, accountId: '', region: '', trail: null, key: stopped.prefix, from: null, to: null, message: stopped.reason });
  }
  issues.sort(
    (a, b) =>
      compareText(a.accountId, b.accountId) ||
      compareText(a.region, b.region) ||
      compareText(a.source, b.source) ||
      compareText(a.key, b.key) ||
      compareText(a.kind, b.kind) ||
      compareText(a.message, b.message),
  );
  const logFiles = new Map<string, LogFileStatus>();
  for (const outcome of outcomes) for (const [key, status] of outcome.statuses) logFiles.set(key, worse(logFiles.get(key), status));

  const unknownNames = outcomes.reduce((n, o) => n + o.unknownNames, 0);
  if (unknownNames > 0) notes.push(`${unknownNames} objects in digest folders do not follow CloudTrail's digest naming and were not checked.`);
  const capped = outcomes.flatMap((o, i) => o.capped.map((c) => ({ ...c, location: locations[i] })));
  if (capped.length > 0) notes.push(seekBoundNote(capped, ctx.stamp));
  const metadataFailures = outcomes.reduce((n, o) => n + o.metadataFailures, 0);
  if (metadataFailures > 0) notes.push(`The S3 metadata of ${metadataFailures} digests could not be read: their signatures were taken from the next digest where possible.`);
  const unsigned = new Map<ObjectStore, number>();
  outcomes.forEach((o, i) => {
    if (o.unsigned > 0) unsigned.set(locations[i].store, (unsigned.get(locations[i].store) ?? 0) + o.unsigned);
  });
  for (const [store, count] of unsigned) {
    notes.push(
      store.kind === 's3'
        ? `${count} digest(s) in ${store.label} have no signature in their S3 metadata, and no next digest carries it: CloudTrail writes one with every digest, ` +
            `so these are not as CloudTrail wrote them (or their metadata could not be read), and the log files they list are unverified.`
        : `${store.label} keeps no signature for ${count} digest(s) and no next digest carries it: a local copy has no S3 metadata, so each digest is checked with ` +
            `the previousDigestSignature the next digest carries, which the newest digest of a chain and backfill digests do not have. ` +
            `Save the S3 metadata "signature" as <digest>.sig or pass --signatures FILE to check them.`,
    );
  }
  ctx.stats.listings = ctx.lister.calls;
  return {
    ok: !issues.some((i) => i.severity === 'error'),
    period: { start: iso(ctx.periodStart), end: iso(ctx.periodEnd) },
    chains: outcomes.map((o) => o.chain).filter((c): c is IntegrityChainResult => c !== null),
    problems: issues,
    logFiles,
    notes,
    stats: ctx.stats,
  };
}

/**
 * What to say when no store has a trail folder to check (`nothingToCheck: 'source-error'`), in the
 * words `report` uses: what could not be listed, else where it looked and what to check.
 */
function nothingToVerify(opts: VerifyIntegrityOptions, failures: Lister['failures'], stopped: Lister['searchStopped']): string {
  // The first by source and prefix: listings run several at once, so the order they failed in is not the same twice.
  const failure = [...failures].sort((a, b) => compareText(a.store.label, b.store.label) || compareText(a.prefix, b.prefix))[0];
  if (failure !== undefined) {
    return `nothing could be listed: could not list: ${failure.reason} (${failure.prefix || '/'}); check the source and your permissions`;
  }
  // A search for AWSLogs/ cut short may have missed the trail asked for: its advice first.
  const first = [...stopped].sort((a, b) => compareText(a.store.label, b.store.label) || compareText(a.prefix, b.prefix))[0];
  if (first !== undefined) return `no trail folder was found for what was asked, and the search ${first.reason} (first not searched: ${first.prefix})`;
  const { accounts = [], regions = [] } = opts;
  const filters = [accounts.length > 0 ? `--account ${accounts.join(', ')}` : null, regions.length > 0 ? `--region ${regions.join(', ')}` : null].filter((f) => f !== null);
  return (
    `no CloudTrail log or digest folders (AWSLogs/<account>/CloudTrail/ or CloudTrail-Digest/) were found under ${opts.stores.map((s) => s.label).join(', ')}` +
    `${filters.length > 0 ? ` with ${filters.join(' and ')}` : ''}: check ${filters.length > 0 ? 'the accounts and regions asked for, and ' : ''}` +
    "that --source is the trail's bucket or a copy of it, with its AWSLogs/ folder (a folder of log files alone has no digests to verify)"
  );
}

/** Named in the note of `seekBoundNote`, the rest counted: a forged bucket can hold thousands of trails. */
const NAMED_IN_NOTE = 5;

/**
 * The note for the trails whose next digest was not found up to `SEEK_DAYS` past the period, the
 * check being run later than that: the look stopped there, so their stop is not proven beyond it.
 */
function seekBoundNote(capped: { trail: string | null; until: number; location: IntegrityLocation }[], stamp: (ms: number) => string): string {
  const named = capped
    .map(({ trail, location }) => `${location.accountId} ${location.region} ${trail === null ? '(no trail with a digest around the period)' : trailLabel(trail)}`)
    .sort(compareText);
  const until = stamp(capped.reduce((m, c) => Math.min(m, c.until), Infinity));
  const shown = named.slice(0, NAMED_IN_NOTE).join('; ') + (named.length > NAMED_IN_NOTE ? `; and ${named.length - NAMED_IN_NOTE} more` : '');
  return (
    `The next digest of ${named.length} trail(s) whose chain ends before the period (or of any trail, where none has a digest around it) was sought ` +
    `${SEEK_DAYS} days past the period, up to ${until}, and not found: the look goes no further, so that these trails stopped, rather than had their ` +
    `digests of the period and of those days deleted, is not proven beyond ${until} (${shown}); a StopLogging, DeleteTrail or UpdateTrail event for the trail before the period would show the stop.`
  );
}

/** Public keys by fingerprint, fetched per home region at most once when they come from a provider. */
function keyResolver(source: VerifyIntegrityOptions['publicKeys'], notes: string[]): (homeRegions: string[]) => Promise<Map<string, KeyObject>> {
  if (source instanceof Map) return async () => source;
  const keys = new Map<string, KeyObject>();
  const add = (entries: PublicKeyEntry[]) => {
    const { keys: indexed, rejected } = indexPublicKeys(entries);
    for (const [fingerprint, key] of indexed) keys.set(fingerprint, key);
    for (const note of rejected) notes.push(note);
  };
  if (typeof source !== 'function') {
    add(source);
    return async () => keys;
  }
  const fetched = new Map<string, Promise<void>>();
  return async (homeRegions) => {
    for (const region of homeRegions) {
      if (!fetched.has(region)) fetched.set(region, source([region]).then(add));
    }
    await Promise.all(homeRegions.map((region) => fetched.get(region)));
    return keys;
  };
}

/** Every check for one account and region of one store. */
async function checkLocation(location: IntegrityLocation, ctx: Context): Promise<LocationOutcome> {
  const { store } = location;
  const lister = ctx.lister.scope();
  const out: LocationOutcome = { chain: null, issues: [], statuses: [], unsigned: 0, unknownNames: 0, metadataFailures: 0, capped: [] };

  // The digests of the period, from the day folders it needs: digests land in the
  // folder of their end time, up to a day or so after the hour they cover.
  const listedNames = new Set<string>();
  const listedDays = new Set<string>();
  const byTrail = new Map<string, ListedDigest[]>();
  if (location.digestPrefix !== null) {
    const folders = utcDays(ctx.periodStart - DAY_MS, ctx.periodEnd - 1 + 2 * DAY_MS).map((day) => `${location.digestPrefix}${dayPath(day)}`);
    // With the days past them that the look for trails without a digest around the period lists
    // (`listAhead`, which then finds them listed): on S3, the days of a month are one listing.
    const listings = await lister.listDays(store, [...folders, ...aheadFolders(location, ctx)], ctx.concurrency);
    folders.forEach((folder, i) => {
      listedDays.add(folder);
      for (const object of listings[i].objects) {
        if (object.key.endsWith('/') || object.key.endsWith('.sig')) continue;
        const name = parseDigestName(object.key);
        if (name === null) {
          out.unknownNames++;
          continue;
        }
        listedNames.add(withoutGz(baseName(object.key)));
        const trail = trailKey(name);
        let list = byTrail.get(trail);
        if (list === undefined) byTrail.set(trail, (list = []));
        list.push({ key: object.key, endTime: name.endTime, backfill: name.backfill });
      }
    });
  }

  // The period's log folders, listed once (a month per listing where the store can): the checks
  // below find the digests' log files in them, and the files no digest lists come from them.
  const logFolders = location.logPrefix === null ? [] : utcDays(ctx.periodStart, ctx.periodEnd - 1).map((day) => `${location.logPrefix}${dayPath(day)}`);
  const logListings = await lister.listDays(store, logFolders, ctx.concurrency);
  // No trail has a digest around the period, and the period has log files: the chain that ended
  // before it, found wherever it ended (`seekBeforePeriod`), is then checked as one that ends a day
  // before it is, so a file's answer does not depend on how long before the period its chain ended.
  if (location.digestPrefix !== null && byTrail.size === 0 && holdsUnlistedLog(logFolders, logListings, [], ctx)) {
    const back = await seekBeforePeriod(location, lister, ctx);
    for (const folder of back.folders) listedDays.add(folder);
    for (const [trail, digests] of back.byTrail) {
      for (const d of digests) listedNames.add(withoutGz(baseName(d.key)));
      byTrail.set(trail, digests);
    }
  }

  const selected: { trail: string; key: string }[] = [];
  const trails = [...byTrail.keys()].sort();
  /** Each trail's hourly digests listed around the period, by end time. */
  const hourlyOf = new Map<string, ListedDigest[]>();
  for (const trail of trails) {
    const digests = byTrail.get(trail)!;
    const hourly = digests.filter((d) => !d.backfill).sort((a, b) => a.endTime - b.endTime);
    hourlyOf.set(trail, hourly);
    const inRange = (t: number) => t > ctx.periodStart && t < ctx.periodEnd + HOUR + WINDOW_SLACK;
    const keys = new Set(hourly.filter((d) => inRange(d.endTime)).map((d) => d.key));
    // One digest on each side: the one before carries the link into the period, the one after the newest digest's signature.
    const before = hourly.filter((d) => d.endTime <= ctx.periodStart).pop();
    const after = hourly.find((d) => d.endTime >= ctx.periodEnd + HOUR + WINDOW_SLACK);
    if (before) keys.add(before.key);
    if (after) keys.add(after.key);
    for (const d of digests) if (d.backfill && d.endTime > ctx.periodStart) keys.add(d.key);
    for (const key of [...keys].sort()) selected.push({ trail, key });
  }

  // Grouped as read: a forged bucket can hold thousands of trails of a digest each.
  const loaded: LoadedDigest[] = [];
  const loadedByTrail = new Map<string, LoadedDigest[]>();
  const read = (wanted: readonly { trail: string; key: string }[]) => {
    ctx.progress.digests += wanted.length;
    return mapLimit(wanted, ctx.concurrency, async ({ key }) => {
      const digest = await loadDigest(store, key, ctx, () => out.metadataFailures++);
      ctx.progress.digestsDone++;
      ctx.progress.report('digests');
      return digest;
    });
  };
  const keep = async (wanted: readonly { trail: string; key: string }[]) => {
    (await read(wanted)).forEach((digest, i) => {
      loaded.push(digest);
      getOrInsert(loadedByTrail, wanted[i].trail, () => []).push(digest);
    });
  };
  await keep(selected);

  // The digests after those listed around the period (listed with them), taken once.
  let ahead: Promise<Map<string, ListedDigest[]>> | undefined;
  const digestsAhead = () =>
    (ahead ??= listAhead(location, lister, ctx).then((found) => {
      for (const folder of found.folders) listedDays.add(folder);
      for (const digests of found.byTrail.values()) for (const d of digests) listedNames.add(withoutGz(baseName(d.key)));
      return found.byTrail;
    }));
  /** The hourly digests listed past the look-ahead (`seekPastLookAhead`, and the day folders `successorOf` adds), by trail and end time. */
  const beyond = new Map<string, ListedDigest[]>();
  const addBeyond = (folders: readonly string[], byTrail: ReadonlyMap<string, readonly ListedDigest[]>) => {
    for (const folder of folders) listedDays.add(folder);
    for (const [trail, digests] of byTrail) {
      const list = getOrInsert(beyond, trail, () => []);
      for (const d of digests) {
        listedNames.add(withoutGz(baseName(d.key)));
        list.push(d);
      }
      list.sort((a, b) => a.endTime - b.endTime);
    }
  };
  /** A seek past the look-ahead, its listings added to those the chains are checked against; `capped` records where `SEEK_DAYS` cut it short. */
  const seek = async (wanted: readonly string[] | 'any') => {
    const far = await seekPastLookAhead(location, lister, ctx, wanted);
    addBeyond(far.folders, far.byTrail);
    if (far.cappedAt !== null) {
      const missed = wanted === 'any' ? (far.found.size === 0 ? [null] : []) : wanted.filter((trail) => !far.found.has(trail));
      for (const trail of missed) out.capped.push({ trail, until: far.cappedAt });
    }
    return far;
  };
  // Day folders listed for a successor only (the day after one listed), each once.
  const nextDays = new Map<string, Promise<void>>();
  /**
   * The first hourly digest of `trail` listed after the one ending at `endTime`: around the period,
   * past it, or past the look-ahead; or, for a digest in a day folder listed whose next day's folder
   * was not (the last day of the look-ahead, of a month the seek listed: its successor, an hour
   * later, may be there), in that next day's folder, listed then (once).
   */
  const successorOf = async (trail: string, endTime: number): Promise<ListedDigest | null> => {
    const after = (digests: readonly ListedDigest[] | undefined) => digests?.find((d) => d.endTime > endTime) ?? null;
    const found = after(hourlyOf.get(trail)) ?? after((await digestsAhead()).get(trail)) ?? after(beyond.get(trail));
    if (found !== null) return found;
    const next = Math.floor(endTime / DAY_MS) * DAY_MS + DAY_MS;
    const nextFolder = `${location.digestPrefix}${dayPath(next)}`;
    if (!nextDays.has(nextFolder)) {
      if (!listedDays.has(`${location.digestPrefix}${dayPath(endTime)}`) || listedDays.has(nextFolder) || (ctx.now !== null && next > ctx.now)) return null;
      nextDays.set(
        nextFolder,
        lister.listDays(store, [nextFolder], ctx.concurrency).then(([listing]) => addBeyond([nextFolder], hourlyByTrail(listing.objects))),
      );
    }
    await nextDays.get(nextFolder);
    return after(beyond.get(trail));
  };
  // A trail whose digests listed around the period all end before it: its first digest after
  // them tells a chain whose digests were deleted (it names a previous one) from one that stopped.
  // None within the look-ahead: the first after it, up to now or `SEEK_DAYS` (`seekPastLookAhead`).
  const endedBefore = trails.filter((trail) => !hourlyOf.get(trail)!.some((d) => d.endTime > ctx.periodStart));
  if (endedBefore.length > 0) {
    const later = await digestsAhead();
    const far = await seek(endedBefore.filter((trail) => (later.get(trail) ?? []).length === 0));
    await keep(endedBefore.flatMap((trail) => [...(later.get(trail) ?? []).slice(0, 1), ...(far.found.has(trail) ? [far.found.get(trail)!] : [])].slice(0, 1).map((d) => ({ trail, key: d.key }))));
  }
  // A trail's newest digest read, naming no previous one and with no signature of its own (a local
  // copy): the digest after it carries its signature, which alone can prove that a chain starts there.
  const successors: { trail: string; key: string }[] = [];
  for (const trail of trails) {
    const newest = (loadedByTrail.get(trail) ?? []).filter((d) => !d.name.backfill).reduce<LoadedDigest | null>((n, d) => (n === null || d.name.endTime > n.name.endTime ? d : n), null);
    if (newest === null || newest.body === null || newest.body.previousDigestS3Object !== null || newest.signature !== null) continue;
    const next = await successorOf(trail, newest.name.endTime);
    if (next !== null) successors.push({ trail, key: next.key });
  }
  await keep(successors);

  const keys = await ctx.keysFor([...new Set(loaded.map((d) => d.name.homeRegion))].sort());
  const storedSignatureValid = await checkStoredSignatures(loaded, keys);

  const periodLogsUnlisted = holdsUnlistedLog(logFolders, logListings, loaded, ctx);

  const outcomes: { trail: string; outcome: ChainOutcome }[] = [];
  const chainInput = (trail: string, digests: LoadedDigest[], keys: Map<string, KeyObject>, storedSignatureValid: ReadonlyMap<LoadedDigest, boolean>): ChainInput => ({
    source: store.label,
    storeKind: store.kind,
    bucket: bucketOf(store),
    accountId: location.accountId,
    region: location.region,
    trail,
    digests,
    periodStart: ctx.periodStart,
    periodEnd: ctx.periodEnd,
    ownPeriod: ctx.own,
    now: ctx.now,
    stamp: ctx.stamp,
    lateFrom: ctx.lateFrom,
    keys,
    storedSignatureValid,
    folderFor: (endTime) => `${location.digestPrefix}${dayPath(endTime)}`,
    listed: (pointer) => {
      if (listedNames.has(withoutGz(baseName(pointer)))) return 'present';
      const name = parseDigestName(pointer);
      if (name === null) return 'unknown';
      return listedDays.has(`${location.digestPrefix}${dayPath(name.endTime)}`) ? 'absent' : 'unknown';
    },
    periodLogsUnlisted,
  });
  /** A local copy without the digests' signatures (no `.sig` sidecars, no --signatures): none of its digests read has one. */
  const sidecarless = () => store.kind === 'local' && ![...loadedByTrail.values()].some((digests) => digests.some((d) => d.signature !== null));
  /**
   * Of each trail with no digest listed around the period (not in `around`), the first digest after
   * it (within `LOOK_AHEAD_DAYS`, or past them: `seekPastLookAhead`): whether it names a previous
   * digest (the chain ran into the period, whose digests are gone: the days from before the period
   * to it were listed and held none of the trail) and, when it names none, whether its signature
   * proves that a chain starts there. Not kept with the digests read: they say nothing about the
   * period but this.
   */
  const firstDigestsAfter = async (around: ReadonlySet<string>) => {
    let later = [...(await digestsAhead())].filter(([trail]) => !around.has(trail)).sort(([a], [b]) => compareText(a, b));
    // No digest of any trail around the period nor in the look-ahead: the first after it, up to
    // now or `SEEK_DAYS` (`seekPastLookAhead`), as for a chain that ends before the period.
    if (later.length === 0 && around.size === 0) {
      const far = await seek('any');
      later = [...far.found.keys()].sort(compareText).map((trail) => [trail, far.byTrail.get(trail)!.filter((d) => d.endTime >= far.found.get(trail)!.endTime)]);
    }
    const firsts = await read(later.map(([trail, digests]) => ({ trail, key: digests[0].key })));
    // Its successor carries the signature of one that has none of its own.
    const wanted = (
      await mapLimit(later, ctx.concurrency, async ([trail, digests], i) => {
        const body = firsts[i].body;
        if (body === null || body.previousDigestS3Object !== null || firsts[i].signature !== null) return [];
        const next = digests.length > 1 ? digests[1] : await successorOf(trail, digests[0].endTime);
        return next === null ? [] : [{ trail, key: next.key, i }];
      })
    ).flat();
    const nexts = new Map((await read(wanted)).map((next, j) => [wanted[j].i, next]));
    const all = [...firsts, ...nexts.values()];
    const keys = await ctx.keysFor([...new Set(all.map((d) => d.name.homeRegion))].sort());
    const stored = await checkStoredSignatures(all, keys);
    // Once, not per trail: it looks at every digest read.
    const withoutSidecars = sidecarless();
    return later.map(([trail], i) => {
      const first = firsts[i];
      const next = nexts.get(i);
      const chain = analyzeChain(chainInput(trail, next === undefined ? [first] : [first, next], keys, stored));
      const status = chain.verdicts[0].status;
      const pointsBack = (first.body?.previousDigestS3Object ?? null) !== null;
      // A chain of one digest with no signature to be had, on a local copy without sidecars: the
      // only digest of its trail listed (a trail begun within the hour before the copy was made),
      // or one the next digest does not point back to (logging stopped after an hour, and started
      // again). Had its digests of the period and after been deleted, this one written, that would
      // hide no more than deleting them all does (the trail would not be seen at all). On S3, or a
      // copy that keeps signatures, such a digest has its own: without one, it is an error.
      const chainOfOne = next === undefined || (next.body !== null && next.body.previousDigestS3Object === null);
      const newest = withoutSidecars && !pointsBack && status === 'unverified' && chainOfOne;
      return { trail, key: first.foundKey, pointsBack, proven: status === 'valid', newest, hint: unknownKeyHint(first, keys, ctx.periodStart) };
    });
  };

  for (const trail of trails) {
    const outcome = analyzeChain(chainInput(trail, loadedByTrail.get(trail) ?? [], keys, storedSignatureValid));
    outcomes.push({ trail, outcome });
    // One at a time: a forged chain can give more issues than a call takes arguments.
    for (const issue of outcome.issues) out.issues.push(issue);
    out.unsigned += outcome.issues.filter((i) => i.kind === 'digest-signature-unavailable').length;
  }

  // The log files the digests list for the period, each read once.
  const checks = new Map<string, LogCheck>();
  for (const { outcome } of outcomes) for (const verdict of outcome.verdicts) scheduleLogs(location, verdict, checks, out.issues, ctx);
  const checkList = [...checks.values()].sort((a, b) => compareText(a.storeKey, b.storeKey));
  ctx.progress.logs += checkList.length;
  /**
   * Log files of the days the report reads beside the period (`reportPeriod`) that are no problem of
   * it: those whose problems are warnings, and those found valid. Not counted in the account and
   * region's row, as `verify` of the period does not count them (it does not look at them): the row
   * counts the period's files, and the others only as the period's errors (where the report is
   * stricter than `verify`).
   */
  const asideKeys = new Set<string>();
  await mapLimit(checkList, ctx.concurrency, async (check) => {
    const issues: IntegrityIssue[] = [];
    const { status, found } = await checkLogFile(location, check, lister, ctx, issues);
    const time = logFileNameTime(found);
    const outside = outsideOf(time, ctx.own);
    const aside = outside === 'before' && !ctx.gaveRecords(store, found);
    if (aside || (outside !== null && status === 'valid')) asideKeys.add(found);
    for (const issue of issues) out.issues.push(outside === null ? issue : besideThePeriod(issue, outside, aside));
    out.statuses.push([found, status]);
    ctx.progress.logsDone++;
    ctx.progress.report('logs');
  });

  /** A problem of this account and region, not of one chain. */
  const problem = (severity: ProblemSeverity, kind: IntegrityProblemKind, key: string, message: string, from: string | null = null, to: string | null = null) =>
    out.issues.push({ kind, severity, source: store.label, accountId: location.accountId, region: location.region, trail: null, key, from, to, message });
  const fail = (kind: IntegrityProblemKind, key: string, message: string, from: string | null = null, to: string | null = null) => problem('error', kind, key, message, from, to);
  // Digests of the period, or a chain that ends before the period's end (its end an error: the
  // period's files are listed by none): a file no digest lists is then `not-covered`, whichever
  // day the period starts on, not `no-digests`, which is for a place with no chain to speak of.
  const hasDigests = outcomes.some(({ outcome }) => outcome.verdicts.some((v) => v.inPeriod) || outcome.gaps.some((g) => g.reason === 'chain-ends'));
  let uncoveredCount = 0;
  /** Log files delivered after the newest digest of a chain whose next digest is not due yet. */
  const notDue = new Map<string, number>();
  /** Log files no digest lists, outside the period, that gave the report no record (`VerifyIntegrityOptions.reportPeriod`). */
  const aside: { key: string; time: number; outside: 'before' | 'after' }[] = [];
  // Log files of the period that no digest lists.
  if (location.logPrefix !== null) {
    // The objects the checks found (`x.json.gz`, or `x.json` where a local copy holds it gunzipped):
    // another object beside it (`x.json` next to `x.json.gz`) is one more file, which no digest lists.
    const covered = new Set(out.statuses.map(([key]) => key));
    // Hours whose digest is missing or unusable: their log files cannot be checked, which that digest's problem says.
    // From a minute before each hour: a log file's name gives its delivery time without the seconds.
    const inUnusableHour = anyWindowHolds(
      outcomes.flatMap(({ outcome }) =>
        outcome.issues
          .filter((i) => UNUSABLE_DIGEST.has(i.kind) && i.from !== null && i.to !== null)
          .map((i) => [Date.parse(i.from!) - 60_000, Date.parse(i.to!)] as const),
      ),
    );
    // After a chain's end (the chain's gap says so): validation stopped, or the digests are gone.
    const afterChainEnd = anyWindowHolds(
      outcomes.flatMap(({ outcome }) => outcome.gaps.filter((g) => g.reason === 'chain-ends').map((g) => [Date.parse(g.from) - 60_000, Date.parse(g.to)] as const)),
    );
    // After the newest digest of a chain still being written (the next one not due yet, and that
    // newest digest CloudTrail's: `ChainOutcome.liveSince`): the digest that will list them cannot
    // be there yet. A log file does not name its trail, so any such chain may be its own; but a
    // file delivered before a chain's newest digest ends, inside the window of a digest of it that
    // verified and does not list it, is not that chain's, and its digest is not awaited.
    const liveEnds = outcomes.map(({ outcome: o }) => o.liveSince).filter((v): v is number => v !== null);
    /** The end of the newest digest of the live chain nearest before `time` that may be awaited for a file delivered then, or null. */
    const awaitedAfter = (time: number): number | null =>
      ctx.now === null || time > ctx.now + CLOCK_SKEW ? null : liveEnds.reduce<number | null>((m, end) => (time >= end - 60_000 && (m === null || end > m) ? end : m), null);
    const uncovered: { key: string; time: number | null; misnamed: boolean; outside: Outside }[] = [];
    logListings.forEach((listing, i) => {
      for (const { key } of listing.objects) {
        if (key.endsWith('/') || !LOG_LIKE.test(key) || covered.has(key)) continue;
        const time = logFileNameTime(key);
        // CloudTrail files a log under the day its name gives; a name of another day is not its own.
        const misnamed = time !== null && !logFolders[i].endsWith(dayPath(time));
        if (!misnamed && time !== null && (time < ctx.periodStart || time >= ctx.periodEnd)) continue;
        const awaited = misnamed || time === null ? null : awaitedAfter(time);
        // Outside the period as `verify` of it tells its files (by the name's delivery time), in the
        // days the report reads around it (the rest of its first and last UTC days, the late days).
        const outside = misnamed ? null : outsideOf(time, ctx.own);
        if (!misnamed && time !== null && inUnusableHour(time)) out.statuses.push([key, 'unverified']);
        else if (awaited !== null) notDue.set(key, awaited);
        else if (outside !== null && !ctx.gaveRecords(store, key)) {
          aside.push({ key, time: time!, outside });
          asideKeys.add(key);
        } else uncovered.push({ key, time, misnamed, outside });
      }
    });
    uncoveredCount = uncovered.length;
    /** What a log file delivered at `time` that no digest lists is: one after its chain's last digest, or one beside those the digests list. */
    const notListed = (time: number | null, inPeriod: boolean) =>
      time !== null && afterChainEnd(time)
        ? "log file delivered after its chain's last digest, which no digest lists (log file validation stopped, or the digests after it were deleted)"
        : `log file ${inPeriod ? 'in the period ' : ''}that no digest lists (added, or delivered while validation was off)`;
    for (const [key, end] of notDue) {
      out.statuses.push([key, 'unverified']);
      problem(
        'warning',
        'log-file-not-covered',
        key,
        `log file delivered after the newest digest, which ends ${ctx.stamp(end)}: its digest is not due yet (CloudTrail delivers one about every hour, minutes after the hour ends), so it is unverified until a later check`,
      );
    }
    // With no digest at all here, no file could be checked (the place's one `no-digests` error says why); with some, a file none lists
    // is an added one, or one delivered after its chain's last digest.
    for (const { key } of [...uncovered, ...aside]) out.statuses.push([key, hasDigests ? 'not-covered' : 'no-digests']);
    if (uncovered.length > 0 && !hasDigests) {
      fail('no-digests', location.digestPrefix ?? location.logPrefix, `${logFilesOfPeriod(uncovered)} but no digest covers any of them (log file validation off, or digests deleted)`);
    } else {
      for (const { key, time, misnamed, outside } of uncovered) {
        fail(
          'log-file-not-covered',
          key,
          misnamed
            ? 'log file in a folder of the period whose name gives another day (CloudTrail files each log under its delivery day), and no digest lists it: added'
            : // Delivered outside the period, it is judged for the records of the period it gave the report.
              notListed(time, outside === null) + (outside === null ? '' : `; delivered ${outside} the period, it gave the report records of the period`),
        );
      }
    }
    // Read only because the report reads whole UTC days and late days: outside the period, and it
    // gave the report nothing. Named, since no digest vouches for it, but no problem of the period.
    if (aside.length > 0 && !hasDigests) {
      problem(
        'warning',
        'no-digests',
        location.digestPrefix ?? location.logPrefix,
        `${plural(aside.length, 'log file')} that no digest covers (log file validation off, or digests deleted); ${asideRead(aside)}`,
      );
    } else {
      for (const a of aside) problem('warning', 'log-file-not-covered', a.key, `${notListed(a.time, false)}; ${asideRead([a])}`);
    }
  }

  // A trail with no digest around the period (a chain ending or starting near it says so itself):
  // CloudTrail writes one an hour, log files or not, so either the trail did not log this account
  // and region then (an account that joined later or left earlier, a region enabled later, a trail
  // created later) or the period's digests were deleted. The first digest of each such trail after
  // the period tells which: one that links back to a digest from before the period shows the chain
  // ran through it; one that names none starts a chain, which only its signature proves. Looked for
  // whatever other trails have digests around the period: one trail's period deleted while another
  // trail runs on in the account and region must not pass (the log files do not name their trail).
  // The days looked at were listed with those around the period (on S3, a month is one listing).
  let missing: { hours: number; gap: IntegrityGap } | null = null;
  // Up to the end of the digests due by now (`dueBy`), in hourly windows from the period's start, as
  // the missing ones are counted: the later ones may still be on their way.
  const limit = Math.min(ctx.periodEnd, dueBy(ctx.periodStart, ctx.now));
  if (location.digestPrefix !== null && uncoveredCount === 0 && limit - ctx.periodStart > WINDOW_SLACK) {
    const firsts = await firstDigestsAfter(new Set(trails));
    const through = firsts.find((f) => f.pointsBack);
    const unproven = firsts.find((f) => !f.pointsBack && !f.proven && !f.newest);
    for (const f of firsts.filter((f) => f.newest)) {
      problem(
        'warning',
        'chain-gap',
        f.key,
        `the trail ${trailLabel(f.trail)} has no digest around the period, and its first digest after it, the only one of the trail found, names no previous digest, as the first digest of a chain does: ` +
          `its signature could not be checked (no signature stored with it, and no digest after it to carry it), so that the trail began then is not proven`,
      );
    }
    // Beside the digests of other trails, the trail's own.
    const of = (f: { trail: string }) => (selected.length === 0 ? '' : ` of the trail ${trailLabel(f.trail)}`);
    const span = `${ctx.stamp(ctx.periodStart)} – ${ctx.stamp(limit)}`;
    if (through !== undefined) {
      // The hours of the period itself (`ChainInput.ownPeriod`) that the deleted digests covered, those
      // due by now, counted as a chain's are (`missingHours`), in hourly windows from the period's start.
      missing = { hours: missingHours(ctx.own.start, Infinity, ctx.own, ctx.now), gap: { trail: selected.length === 0 ? '' : trailOfKey(through.trail).trailName, from: iso(ctx.periodStart), to: iso(limit), reason: 'digests-missing' } };
      fail(
        'digest-missing',
        location.digestPrefix,
        `no digest${of(through)} covers ${span}, although the first digest after it, ${through.key}, names a previous digest that is not there: the chain ran into the period, and its digests were deleted`,
        iso(ctx.periodStart),
        iso(limit),
      );
    } else if (unproven !== undefined) {
      missing = { hours: 0, gap: { trail: selected.length === 0 ? '' : trailOfKey(unproven.trail).trailName, from: iso(ctx.periodStart), to: iso(limit), reason: 'chain-starts' } };
      fail(
        'chain-gap',
        location.digestPrefix,
        `no digest${of(unproven)} covers ${span}, and the first digest after it, ${unproven.key}, names no previous digest, as the first digest of a chain does, but its signature could not be verified: ` +
          `that the trail did not log this account and region then is not proven (the period's digests may have been deleted and this one written to start a chain)${unproven.hint}`,
        iso(ctx.periodStart),
        iso(limit),
      );
    } else if (selected.length === 0) {
      problem(
        'warning',
        'chain-gap',
        location.digestPrefix,
        `no digest covers ${span}: the trail did not log this account and region then (an account that joined later or left earlier, a region enabled later), or its digests were deleted`,
        iso(ctx.periodStart),
        iso(limit),
      );
    }
  }

  // Unproven is not intact: a log file the check could not prove nearly always has an error that
  // says why (a digest's problem, a gap); one without is named here rather than passed. One case
  // known to reach it: an unsigned digest of the late days alone (a warning) listing a file whose
  // name gives no time, counted as the period's.
  // (The late days' files of an unsigned newest digest are unverified with a warning: `lateFrom`.)
  const inOwnPeriod = (key: string) => ctx.lateFrom === null || (logFileNameTime(key) ?? ctx.periodStart) < ctx.lateFrom;
  // (Log files whose digest is not due yet are unverified with a warning: `notDue`.)
  // (Files outside the period that gave the report nothing are warnings: `asideKeys`, which holds valid ones too.)
  const unproven = out.statuses.filter(([key, status]) => status !== 'valid' && inOwnPeriod(key) && !notDue.has(key) && !asideKeys.has(key)).length;
  if (unproven > 0 && !out.issues.some((i) => i.severity === 'error')) {
    fail('log-file-not-covered', location.logPrefix ?? location.digestPrefix ?? '', `${unproven} log files of the period could not be checked against a digest whose signature verified`);
  }

  if (loaded.length > 0 || out.statuses.length > 0 || missing !== null) {
    const ofPeriod = out.statuses.filter(([key]) => !asideKeys.has(key)).map(([, s]) => s);
    out.chain = summarize(location, trails, outcomes, ofPeriod, out.issues, missing);
  }
  return out;
}

/** Where a log file was delivered against the period itself (`VerifyIntegrityOptions.reportPeriod`): null, in it (or not known). */
type Outside = 'before' | 'after' | null;

/** `Outside` for a log file delivered at `time` (its name's, null when it gives none). */
function outsideOf(time: number | null, own: { start: number; end: number }): Outside {
  if (time === null) return null;
  return time < own.start ? 'before' : time >= own.end ? 'after' : null;
}


/**
 * `N log files in the period`, and those delivered before or after it that gave the report records
 * of it, said apart: `verify` of the period counts the first alone (the report reads whole UTC
 * delivery days, and late days).
 */
function logFilesOfPeriod(files: readonly { outside: Outside }[]): string {
  const count = (where: Outside) => files.filter((f) => f.outside === where).length;
  const [inside, before, after] = [count(null), count('before'), count('after')];
  const beside = [before > 0 ? `${before} delivered before it` : null, after > 0 ? `${after} delivered after it` : null].filter((p) => p !== null);
  if (beside.length === 0) return `${plural(inside, 'log file')} in the period`;
  return `${plural(inside, 'log file')} in the period and ${beside.join(' and ')} that gave the report records of the period,`;
}

/**
 * Of log files outside the period that gave the report nothing (`reportPeriod`): when they were
 * delivered, why the report read them, and that they are no problem of the period.
 */
function asideRead(files: readonly { outside: 'before' | 'after' }[]): string {
  const when = [...new Set(files.map((f) => f.outside))].sort().join(' or ');
  const one = files.length === 1;
  return `delivered ${when} the period and read only because the report reads whole UTC delivery days and late days, ${one ? 'it' : 'they'} gave the report no record (outside the period)`;
}

/** The problems of a listed log file that say it was changed or is gone. */
const CHANGED: ReadonlySet<IntegrityProblemKind> = new Set(['log-file-modified', 'log-file-missing', 'gzip-trailing-data']);

/**
 * A problem of a log file a digest lists, delivered outside the period itself (`reportPeriod`: the
 * report reads whole UTC delivery days, and late days), as what the file can hold makes it. One
 * delivered before the period holds events that happened before it was delivered, none of the
 * period: when it gave the report no record (`aside`), its change or absence is a warning. One that
 * gave records of the period anyway was made to. One delivered after the period can hold events of
 * the period delivered late: changed or gone, it stays an error even when it now gives the report
 * no record, since the change could have removed them; `verify`, which checks the period alone, does
 * not read it.
 */
function besideThePeriod(issue: IntegrityIssue, outside: 'before' | 'after', aside: boolean): IntegrityIssue {
  if (aside) {
    return {
      ...issue,
      severity: 'warning',
      message: `${issue.message}; delivered before the period and read only because the report reads whole UTC delivery days, it can hold no event of the period (its events happened before it was delivered) and gave the report no record (before the period)`,
    };
  }
  if (!CHANGED.has(issue.kind)) return issue;
  const what = issue.kind === 'log-file-missing' ? 'its deletion' : 'the change';
  return {
    ...issue,
    message:
      outside === 'before'
        ? `${issue.message}; delivered before the period, it gave the report records of the period, which a log file delivered then cannot hold`
        : `${issue.message}; delivered after the period, in the days read for log files delivered late, it can hold events of the period: an error even when it gives the report no record, since ${what} could have removed them`,
  };
}

/** A log file named up to this long after the check's clock: the machine's clock may be behind CloudTrail's. */
const CLOCK_SKEW = 5 * 60_000;

/** A digest as its listing gives it. */
interface ListedDigest {
  key: string;
  endTime: number;
  backfill: boolean;
}

/**
 * The day folders past those listed around the period that the look for trails with no digest
 * around it lists: from the period's end plus two days, within `LOOK_AHEAD_DAYS`, up to now.
 */
function aheadFolders(location: IntegrityLocation, ctx: Context): string[] {
  if (location.digestPrefix === null) return [];
  const last = ctx.now === null ? ctx.periodEnd + LOOK_AHEAD_DAYS * DAY_MS : Math.min(ctx.periodEnd + LOOK_AHEAD_DAYS * DAY_MS, ctx.now);
  return utcDays(ctx.periodEnd + 2 * DAY_MS, last).map((day) => `${location.digestPrefix}${dayPath(day)}`);
}

/** The hourly digests among listed objects, by trail and end time. */
function hourlyByTrail(objects: readonly { key: string }[]): Map<string, ListedDigest[]> {
  const byTrail = new Map<string, ListedDigest[]>();
  for (const { key } of objects) {
    const name = key.endsWith('.sig') ? null : parseDigestName(key);
    if (name === null || name.backfill) continue;
    getOrInsert(byTrail, trailKey(name), () => []).push({ key, endTime: name.endTime, backfill: false });
  }
  for (const digests of byTrail.values()) digests.sort((a, b) => a.endTime - b.endTime);
  return byTrail;
}

/** The hourly digests listed past those listed around the period (`aheadFolders`), by trail and end time, and the day folders listed. */
async function listAhead(location: IntegrityLocation, lister: Lister, ctx: Context): Promise<{ folders: string[]; byTrail: Map<string, ListedDigest[]> }> {
  const folders = aheadFolders(location, ctx);
  if (folders.length === 0) return { folders, byTrail: new Map() };
  const listings = await lister.listDays(location.store, folders, ctx.concurrency);
  return { folders, byTrail: hourlyByTrail(listings.flatMap((l) => l.objects)) };
}

/** What `seekPastLookAhead` found. */
interface Sought {
  /** The day folders looked through: listed, or, on a local copy, absent from their month's folder. */
  folders: string[];
  /** The hourly digests in them, by trail and end time. */
  byTrail: Map<string, ListedDigest[]>;
  /** The first hourly digest of each trail sought that was found. */
  found: Map<string, ListedDigest>;
  /** The end of the look when `SEEK_DAYS` cut it short of now with a trail sought not found (none, for `'any'`); else null. */
  cappedAt: number | null;
}

/**
 * The first hourly digest of each of `trails` (chains that end before the period), or, for `'any'`
 * (an account and region with no digest of any trail around the period or in the look-ahead), of
 * every trail in the first month that holds one, past the days the look-ahead lists
 * (`aheadFolders`), up to now but at most `SEEK_DAYS` past the period: a chain stopped only if no
 * digest of its trail follows, and whoever deletes a period's digests can delete those of the
 * weeks after it too; the trail's digests after them still name the deleted ones.
 *
 * What it lists, for one account and region: the digest folder (its years), each year in reach
 * (its months: at most 3), then, month by month until every trail sought is found, the month's days
 * in reach (at most 14 months). Where the store lists in key order (S3), a month's days are one
 * listing (a page per 1,000 digests): at most 18 listings. On a local copy, the month folder is
 * listed first and then only the day folders it holds (a copy may hold a few days of a month): at
 * most 32 listings and one per day folder held in reach (at most 386). Stopped months and years
 * (folders that do not exist) cost nothing. The costly case is a trail that stopped while another
 * trail writes the folder (one replaced just before the period): every month, or day held, up to
 * now or the bound; the notes say when the bound cut the look short (`LocationOutcome.capped`).
 */
async function seekPastLookAhead(location: IntegrityLocation, lister: Lister, ctx: Context, trails: readonly string[] | 'any'): Promise<Sought> {
  const out: Sought = { folders: [], byTrail: new Map(), found: new Map(), cappedAt: null };
  const prefix = location.digestPrefix;
  const now = ctx.now ?? Date.now();
  const bound = ctx.periodEnd + SEEK_DAYS * DAY_MS;
  const until = Math.min(now, bound);
  const lastAhead = Math.min(ctx.periodEnd + LOOK_AHEAD_DAYS * DAY_MS, until);
  const from = Math.floor(lastAhead / DAY_MS) * DAY_MS + DAY_MS;
  if (prefix === null || (trails !== 'any' && trails.length === 0) || from > until) return out;
  const sought = trails === 'any' ? null : new Set(trails);
  const done = () => (sought === null ? out.found.size > 0 : out.found.size === sought.size);
  const finished = await walkDigestMonths(location, lister, ctx, { from, until, latestFirst: false }, (days, byTrail) => {
    out.folders.push(...days);
    for (const [trail, digests] of byTrail) {
      for (const d of digests) getOrInsert(out.byTrail, trail, () => []).push(d);
      if (!out.found.has(trail) && (sought === null || sought.has(trail))) out.found.set(trail, digests[0]);
    }
    return done();
  });
  if (!finished && now > bound) out.cappedAt = bound;
  return out;
}

/**
 * Walks a digest folder month by month between `from` and `until` (earliest or latest first): its
 * years listed, then each year's months in reach, then each month's days in reach, one listing a
 * month on S3 (a page per 1,000 digests), the month folder and the day folders it holds on a local
 * copy. `visit` takes each month's day folders and the hourly digests by trail found in them, and
 * says whether the walk is done; the result says whether it was.
 */
async function walkDigestMonths(
  location: IntegrityLocation,
  lister: Lister,
  ctx: Context,
  range: { from: number; until: number; latestFirst: boolean },
  visit: (days: string[], byTrail: Map<string, ListedDigest[]>) => boolean,
): Promise<boolean> {
  const prefix = location.digestPrefix;
  if (prefix === null) return false;
  const { from, until, latestFirst } = range;
  const children = async (folder: string, pattern: RegExp) =>
    (await lister.list(location.store, folder)).prefixes
      .map((p) => p.slice(folder.length, -1))
      .filter((name) => pattern.test(name))
      .map(Number)
      .sort((a, b) => (latestFirst ? b - a : a - b));
  const keyOrdered = listsInKeyOrder(location.store);
  const first = new Date(from);
  const last = new Date(until);
  for (const year of await children(prefix, /^\d{4}$/)) {
    if (year < first.getUTCFullYear() || year > last.getUTCFullYear()) continue;
    for (const month of await children(`${prefix}${year}/`, /^\d{2}$/)) {
      const monthStart = Date.UTC(year, month - 1, 1);
      const monthEnd = Date.UTC(year, month, 1) - 1;
      if (monthEnd < from || monthStart > until) continue;
      const days = utcDays(Math.max(monthStart, from), Math.min(monthEnd, until)).map((day) => `${prefix}${dayPath(day)}`);
      let present = days;
      if (!keyOrdered) {
        const existing = new Set((await lister.list(location.store, `${prefix}${dayPath(monthStart).slice(0, -3)}`)).prefixes);
        present = days.filter((folder) => existing.has(folder));
      }
      const listings = await lister.listDays(location.store, present, ctx.concurrency);
      if (visit(days, hourlyByTrail(listings.flatMap((l) => l.objects)))) return true;
    }
  }
  return false;
}

/**
 * The hourly digests, by trail and end time, of the latest month before the days listed around the
 * period (which begin the day before it) that holds one, at most `SEEK_DAYS` before the period, and
 * the day folders looked through: for an account and region where no trail has a digest around the
 * period while the period has log files, the chain that ended before it (its last digest is the
 * latest of its trail). A chain that ended weeks before the period is then checked as one that
 * ended the day before it: its end is an error when a log file of the period is listed by no digest.
 *
 * `seekPastLookAhead` backwards, and as cheap: the digest folder (its years), each year in reach
 * from the latest (its months), then month by month from the latest, until one holds a digest:
 * on S3 one listing per month (a page per 1,000 digests); on a local copy the month folder, then
 * the day folders it holds in reach. It runs only where no digest is around the period (a chain
 * that runs through the period costs nothing more); a trail stopped a week before the period costs
 * three listings on S3.
 */
async function seekBeforePeriod(location: IntegrityLocation, lister: Lister, ctx: Context): Promise<{ folders: string[]; byTrail: Map<string, ListedDigest[]> }> {
  const out = { folders: [] as string[], byTrail: new Map<string, ListedDigest[]>() };
  // The day before the first of the days listed around the period, and the first day in reach.
  const until = Math.floor((ctx.periodStart - DAY_MS) / DAY_MS) * DAY_MS - DAY_MS;
  const from = Math.floor((ctx.periodStart - SEEK_DAYS * DAY_MS) / DAY_MS) * DAY_MS;
  if (until < from) return out;
  await walkDigestMonths(location, lister, ctx, { from, until, latestFirst: true }, (days, byTrail) => {
    out.folders.push(...days);
    out.byTrail = byTrail;
    return byTrail.size > 0;
  });
  return out;
}

/**
 * `ChainInput.periodLogsUnlisted`: whether the period's log folders hold a log file of the period
 * that no digest read lists (by name: `x.json` and `x.json.gz` are one). A name that gives no
 * time, or another day than its folder's, counts.
 */
function holdsUnlistedLog(folders: readonly string[], listings: readonly { objects: readonly { key: string }[] }[], digests: readonly LoadedDigest[], ctx: Context): boolean {
  const listed = new Set<string>();
  for (const d of digests) for (const entry of d.body?.logFiles ?? []) listed.add(withoutGz(baseName(entry.s3Object)));
  return listings.some((listing, i) =>
    listing.objects.some(({ key }) => {
      if (key.endsWith('/') || !LOG_LIKE.test(key) || listed.has(withoutGz(baseName(key)))) return false;
      const time = logFileNameTime(key);
      return time === null || !folders[i].endsWith(dayPath(time)) || (time >= ctx.periodStart && time < ctx.periodEnd);
    }),
  );
}

function summarize(
  location: IntegrityLocation,
  trails: string[],
  outcomes: { outcome: ChainOutcome }[],
  statuses: LogFileStatus[],
  issues: IntegrityIssue[],
  /** The period's digests shown missing with no chain read around it (`chainRunsThrough`). */
  missing: { hours: number; gap: IntegrityGap } | null,
): IntegrityChainResult {
  const inPeriod = outcomes.flatMap(({ outcome }) => outcome.verdicts.filter((v) => v.inPeriod));
  const count = (status: LogFileStatus) => statuses.filter((s) => s === status).length;
  const errors = issues.filter((i) => i.severity === 'error');
  const froms = outcomes.map(({ outcome }) => outcome.coveredFrom).filter((v): v is number => v !== null);
  const tos = outcomes.map(({ outcome }) => outcome.coveredTo).filter((v): v is number => v !== null);
  const gaps = [...outcomes.flatMap(({ outcome }) => outcome.gaps), ...(missing === null ? [] : [missing.gap])];
  return {
    source: location.store.label,
    organizationId: location.organizationId,
    accountId: location.accountId,
    region: location.region,
    // By name, as CloudTrail's API takes it (`get-trail-status --name`), and with their home regions.
    ...trailsOfKeys(trails),
    digestsValid: inPeriod.filter((v) => v.status === 'valid').length,
    digestsInvalid: inPeriod.filter((v) => v.status === 'invalid').length,
    digestsMissing: outcomes.reduce((sum, { outcome }) => sum + outcome.missing, missing?.hours ?? 0),
    digestsUnverified: inPeriod.filter((v) => v.status === 'unverified').length,
    logFilesValid: count('valid'),
    logFilesModified: count('modified'),
    logFilesMissing: count('missing'),
    logFilesNotCovered: count('not-covered'),
    // Files of a trail with no digest at all could not be checked either way (the place's `no-digests` error says why).
    logFilesUnverified: count('unverified') + count('no-digests'),
    gaps,
    // Folded, not spread: a forged bucket can hold more trails than a call takes arguments.
    coveredFrom: froms.length > 0 ? iso(froms.reduce((a, b) => Math.min(a, b))) : null,
    coveredTo: tos.length > 0 ? iso(tos.reduce((a, b) => Math.max(a, b))) : null,
    status: errors.some((i) => ALTERED.has(i.kind)) ? 'invalid' : errors.length > 0 || gaps.some((g) => g.reason !== 'chain-starts') ? 'incomplete' : 'valid',
  };
}
