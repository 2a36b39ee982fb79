import {
  SECOND_TRY_FAILURES,
  REGION_TEXT,
  allowed,
  discoverTrails,
  fatalSourceError,
  fileUrlOf,
  isFatalStoreError,
  isTransientStoreError,
  logFileUrl,
  logObjectsByDay,
  looseLogObjects,
  unlistedProblem,
  type DiscoveryListings,
} from '../cloudtrail/layout.js';
import { shareRecordValues } from '../cloudtrail/shared.js';
import { SourceError, oneLine } from '../errors.js';
import { getOrInsert } from '../memo.js';
import type { DigestRead } from '../integrity/digest.js';
import type { LogContentHash, LogObjectRef, ObjectStore, ParsedLog, Period, RecordWithoutTime, RecordsWithoutTime, SourceInfo, SourceProblem, SourcedRecord } from '../types.js';
import { deliveryDays } from './period.js';
import { mapLimit } from './limit.js';
import { BoundedQueue } from './queue.js';

/** `hash`: also the content hash CloudTrail's digests give (`ParsedLog.content`), for `--verify`. */
export interface ParseOptions {
  hash?: boolean;
}

/** Turns a log object's bytes into its IoT records: inline, or on worker threads. */
export interface LogParser {
  parse(bytes: Buffer, options?: ParseOptions): Promise<ParsedLog>;
  /** Reads a local file itself (no copy through the main thread), when the parser can. */
  parseFile?(path: string, options?: ParseOptions): Promise<ParsedLog>;
  /** Reads a local digest file (`--verify`), when the parser can (`ParsePool.readDigest`). */
  readDigest?(path: string): Promise<DigestRead>;
  close?(): Promise<void>;
}

/**
 * On the main thread (`--threads 0`), with the same fast scan the workers use. The scan loads
 * on first use: with workers, the main thread never loads it (~12 ms of start-up).
 */
export const inlineParser: LogParser = {
  parse: async (bytes, options) => (await import('./parse-fast.js')).parseLog(bytes, options?.hash === true),
};

export interface CollectProgress {
  phase: 'listing' | 'reading' | 'done';
  filesListed: number;
  filesRead: number;
  bytesRead: number;
  recordsRead: number;
  iotRecords: number;
}

export interface CollectOptions {
  stores: readonly ObjectStore[];
  period: Period;
  /** Delivery days read after the period's last UTC day, for late files. */
  lateDays: number;
  accounts?: readonly string[];
  regions?: readonly string[];
  /**
   * Whether to keep a record of the period. `accounts` and `regions` choose which folders are
   * read; a file whose key names no account or region (a plain folder of files, an Athena row
   * from such a key) holds any, so the caller's filters must also hold each record.
   */
  keep?: (sourced: SourcedRecord) => boolean;
  /** Log objects read at once. */
  concurrency: number;
  parser?: LogParser;
  /** Absolute path of a local store's key, so a worker can read the file itself. */
  localPath?: (store: ObjectStore, key: string) => string | null;
  onProgress?: (progress: CollectProgress) => void;
  /**
   * `--verify`: the workers also hash each log file they read as CloudTrail's digests do
   * (while the sink wants more), and each hash goes to the sink, so the integrity check need
   * not read and inflate the file again.
   */
  contentSink?: { readonly wanted: boolean; add(store: ObjectStore, key: string, content: LogContentHash, storedBytes: number): void };
  /** Where the trail discovery keeps its listings, for an integrity check that follows (`DiscoveryListings`). */
  discoveryListings?: DiscoveryListings;
  /** Note which log files gave a record (`CollectResult.recordFiles`), for an integrity check that follows; else it stays empty. */
  noteRecordFiles?: boolean;
  /**
   * Records that came another way (an Athena query), merged and de-duplicated with the files'
   * records. They come from no file read here: what the queries covered is counted apart
   * (`AthenaRead`), never among the files.
   */
  extra?: {
    records: SourcedRecord[];
    /**
     * The queries' sources. A query that scanned data tells no log files (a quiet month returns no
     * row), so a run with one never fails for finding no log file; one that scanned none does.
     */
    sources?: readonly SourceInfo[];
  };
}

export interface SourceLayout {
  store: ObjectStore;
  layout: 'organization' | 'account' | 'files';
  organizationIds: string[];
}

/**
 * Readable log files per account, region and UTC delivery day: what coverage needs,
 * counted as the files go by rather than kept (a month can be millions of files).
 */
export interface DeliveredFiles {
  /** `days`: each delivery day with a readable file, in order, with its files (a file of no known day is in `files` only). */
  locations: { accountId: string; region: string; files: number; days: { day: string; files: number }[] }[];
  /** Files with no account in their key (a plain folder of files) were read: the events tell the accounts. */
  loose: boolean;
  /**
   * Accounts with a `CloudTrail/<region>/` folder in a source (of a region asked for), in order,
   * whether or not it held a log file of the period, or, with none, a `CloudTrail-Digest/<region>/`
   * folder (`Discovery.digestAccounts`): without an account list, the only way to know an account
   * that stopped delivering (its trail folder is there, its logs are not).
   */
  trailAccounts: string[];
}

export interface CollectResult {
  sources: SourceLayout[];
  /** The period's IoT records, one per eventID, sorted by time then event id. */
  records: SourcedRecord[];
  delivered: DeliveredFiles;
  /** Log files that could not be read, with the reason. */
  unreadable: SourceProblem[];
  /** Prefixes or objects a source could not list or read. */
  problems: SourceProblem[];
  stats: {
    filesListed: number;
    filesRead: number;
    bytesRead: number;
    uncompressedBytes: number;
    recordsRead: number;
    /** IoT records in the period before de-duplication. */
    iotRecords: number;
    duplicatesDropped: number;
  };
  /**
   * IoT records with no usable event time, of the accounts and regions kept (`keep`): how many,
   * and where a few are. No period holds them, so they are not in `records`.
   */
  withoutTime: RecordsWithoutTime;
  /**
   * IoT records with no event name (CloudTrail always writes one: damaged or altered), of the
   * accounts and regions kept, with a time in the period or none: no part of the report can say what they did.
   */
  withoutName: RecordsWithoutTime;
  /** UTC delivery days whose folders were read. */
  days: string[];
  /**
   * The log files that gave a record kept (an IoT record of the period, copies included, or one
   * without a time or name that the coverage counts), by store and key: `report --verify` tells by
   * it whether a file of the days read outside the period concerns the report. Empty unless
   * `noteRecordFiles`.
   */
  recordFiles: Map<ObjectStore, Set<string>>;
}

/** A record's identity for de-duplication: its eventID, else the hash of its whole content. */
function identity(sourced: SourcedRecord): string {
  return sourced.record.eventId ?? `content:${sourced.record.contentId}`;
}

/**
 * The period's IoT records, one per identity (eventID), de-duplicated as they are read: of the
 * copies of one event, the first by (event time, log file URL), so the choice never depends on
 * the order the files were read in. Copies are let go as they come, so an event delivered twice
 * (a trail's logs under two sources, an organization trail and an account trail in one bucket)
 * costs no more memory than once. Records must have an event time.
 */
export class UniqueRecords {
  private readonly byId = new Map<string, SourcedRecord>();
  /** Records offered, copies included. */
  offered = 0;

  offer(sourced: SourcedRecord): void {
    this.offered++;
    const id = identity(sourced);
    const held = this.byId.get(id);
    if (held === undefined || precedes(sourced, held)) this.byId.set(id, sourced);
  }

  get size(): number {
    return this.byId.size;
  }

  /** The records kept, by event time then identity. */
  records(): SourcedRecord[] {
    const entries = [...this.byId];
    entries.sort(([ia, a], [ib, b]) => {
      const ta = a.record.eventTime!;
      const tb = b.record.eventTime!;
      if (ta !== tb) return ta < tb ? -1 : 1;
      return ia < ib ? -1 : ia > ib ? 1 : 0;
    });
    return entries.map(([, sourced]) => sourced);
  }
}

/** Records without a usable time named in the report (`RecordsWithoutTime.examples`). */
const WITHOUT_TIME_EXAMPLES = 20;

/**
 * IoT records with no usable event time: counted once per identity (a copy delivered twice is
 * one record), with the first few by (log file URL, identity) as examples. Which copy and which
 * records are examples never depends on the order the files were read in: each id's example is
 * its copy with the smallest URL, and the examples are the smallest of those.
 */
export class RecordsWithoutTimeSeen {
  private readonly ids = new Set<string>();
  private readonly kept: (RecordWithoutTime & { id: string })[] = [];

  offer(sourced: SourcedRecord): void {
    const id = identity(sourced);
    this.ids.add(id);
    const example = { file: fileUrlOf(sourced.file), eventId: sourced.record.eventId, eventName: sourced.record.eventName, id };
    const held = this.kept.findIndex((k) => k.id === id);
    if (held >= 0) {
      if (!exampleBefore(example, this.kept[held])) return;
      this.kept.splice(held, 1);
    } else if (this.kept.length >= WITHOUT_TIME_EXAMPLES && !exampleBefore(example, this.kept[this.kept.length - 1])) {
      return;
    }
    const at = this.kept.findIndex((k) => exampleBefore(example, k));
    this.kept.splice(at < 0 ? this.kept.length : at, 0, example);
    if (this.kept.length > WITHOUT_TIME_EXAMPLES) this.kept.pop();
  }

  get count(): number {
    return this.ids.size;
  }

  result(): RecordsWithoutTime {
    return { count: this.ids.size, examples: this.kept.map(({ file, eventId, eventName }) => ({ file, eventId, eventName })) };
  }
}

function exampleBefore(a: { file: string; id: string }, b: { file: string; id: string }): boolean {
  return a.file !== b.file ? a.file < b.file : a.id < b.id;
}

/** Whether copy `a` of an event comes before copy `b`: earlier time, then the log file's URL. */
function precedes(a: SourcedRecord, b: SourcedRecord): boolean {
  const ta = a.record.eventTime!;
  const tb = b.record.eventTime!;
  if (ta !== tb) return ta < tb;
  return fileUrlOf(a.file) < fileUrlOf(b.file);
}

/** Refs waiting to be read: bounded, so listing never runs far ahead of reading. */
const QUEUE_CAPACITY = 4096;
/** Trail folders listed at once (each is a handful of delimiter listings). */
const LISTING_CONCURRENCY = 8;

/**
 * Files read a second time at once, after the others (`collect`): few, so a store that is still
 * struggling is not met with a burst again (fewer with a lower `--concurrency`).
 */
const SECOND_READ_ROUND = 8;


/** What to check when nothing could be read for `reason`: the trail's KMS key too when S3 said KMS refused (SSE-KMS log files). */
function readAdvice(reason: string | undefined): string {
  const kms = reason !== undefined && /\bkms\b/i.test(reason);
  return `check the source and your permissions${kms ? ", and the trail's KMS key: allow kms:Decrypt" : ''}`;
}

class Delivered {
  private readonly byLocation = new Map<string, { accountId: string; region: string; files: number; days: Map<string, number> }>();
  private readonly trailAccounts = new Set<string>();
  loose = false;

  /** A `CloudTrail/<region>/` folder of `accountId` was found, log files or not. */
  trailFolder(accountId: string): void {
    this.trailAccounts.add(accountId);
  }

  add(accountId: string | null, region: string | null, day: string | null): void {
    if (accountId === null) {
      this.loose = true;
      return;
    }
    const key = `${accountId}\u0000${region ?? 'unknown'}`;
    let entry = this.byLocation.get(key);
    if (!entry) {
      entry = { accountId, region: region ?? 'unknown', files: 0, days: new Map() };
      this.byLocation.set(key, entry);
    }
    entry.files++;
    if (day !== null) entry.days.set(day, (entry.days.get(day) ?? 0) + 1);
  }

  result(): DeliveredFiles {
    const locations = [...this.byLocation.values()]
      .map((l) => ({
        accountId: l.accountId,
        region: l.region,
        files: l.files,
        days: [...l.days].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([day, files]) => ({ day, files })),
      }))
      .sort((a, b) => (a.accountId !== b.accountId ? (a.accountId < b.accountId ? -1 : 1) : a.region < b.region ? -1 : a.region > b.region ? 1 : 0));
    return { locations, loose: this.loose, trailAccounts: [...this.trailAccounts].sort() };
  }
}

/** What to say when no source (or `stores`, one of several) holds a log file for the period: where it looked, and what to check. */
function nothingFound(options: CollectOptions, stores: readonly ObjectStore[] = options.stores, tables: readonly SourceInfo[] = []): string {
  const { accounts = [], regions = [] } = options;
  const filters = [accounts.length > 0 ? `--account ${accounts.join(', ')}` : null, regions.length > 0 ? `--region ${regions.join(', ')}` : null].filter((f) => f !== null);
  const where = [...stores.map((s) => s.label), ...tables.map((t) => `${t.label} (its query scanned no data)`)];
  return (
    `no CloudTrail log files were found for ${options.period.label} under ${where.join(', ')}` +
    `${filters.length > 0 ? ` with ${filters.join(' and ')}` : ''}: check ${filters.length > 0 ? 'the accounts and regions asked for, ' : ''}` +
    "that --source is the trail's bucket or a copy of it (or a folder of log files)" +
    `${tables.length > 0 ? ", that the Athena table's LOCATION is the trail's bucket" : ''}, and that the trail logged in this period`
  );
}

const sortKey = (p: SourceProblem) => `${p.source}\u0000${p.key}`;
/** Problems in the order the report names them: by source, then key. */
const bySourceAndKey = (a: SourceProblem, b: SourceProblem) => (sortKey(a) < sortKey(b) ? -1 : sortKey(a) > sortKey(b) ? 1 : 0);

/** What to say when files were read and not one was a CloudTrail log: how many, the first one's reason, and what to check. */
function noLogAmong(options: CollectOptions, read: number, first: SourceProblem | undefined): string {
  const example = first === undefined ? '' : ` (${first.key}: ${first.reason})`;
  return (
    `no CloudTrail log files under ${options.stores.map((s) => s.label).join(', ')}: ${read} file${read === 1 ? '' : 's'} read, none a CloudTrail log${example}; ` +
    "check that --source is the trail's bucket or a copy of it (or a folder of log files)"
  );
}

/**
 * What to say when log files of the period were read under a trail layout and not one could be
 * read as a CloudTrail log (corrupt, cut short): how many, the first one's reason, and what to do.
 */
function noneReadable(options: CollectOptions, read: number, first: SourceProblem | undefined): string {
  const example = first === undefined ? '' : ` (${first.key}: ${first.reason})`;
  return (
    `no CloudTrail log file for ${options.period.label} could be read under ${options.stores.map((s) => s.label).join(', ')}: ` +
    `${read} log file${read === 1 ? '' : 's'} read, ${read === 1 ? '' : 'all '}unreadable${example}; ` +
    "check that the log files are intact (copy a damaged or cut-short copy again from the trail's bucket) and that --source is the trail's bucket or a copy of it"
  );
}

/**
 * What one source gave, to hold each source of several to what one source is: a source that
 * gives nothing beside others that have logs is a mistyped source, never left out unsaid of a
 * report that says it covered it.
 */
interface SourceYield {
  layout: SourceLayout['layout'] | null;
  /**
   * Log files listed (readable or not) that may be of the period: every file of the trail
   * layout (only the period's day folders are listed); a plain folder's unless its name is
   * CloudTrail's and gives a delivery day outside the period (`mayHold`, without the filters).
   */
  filesOfPeriod: number;
  /** Trail folders (account and region) found for the filters. */
  trailFolders: number;
  /** A trail's account folder was met (`Discovery.trailSeen`): one the filters leave out, a quiet one, one with digests only. */
  trailSeen: boolean;
  /** IoT records kept (of the period, or without a time), copies of other sources' included. */
  kept: number;
}

/** `<acct>_CloudTrail_<region>_<YYYYMMDD>T<HHmm>Z_<suffix>.json[.gz]`: the name CloudTrail gives a log file (FORMATS.md 1). */
const CLOUDTRAIL_LOG_NAME = new RegExp(`(?:^|/)(\\d{12})_CloudTrail_(${REGION_TEXT})_(\\d{4})(\\d{2})(\\d{2})T\\d{4}Z_[A-Za-z0-9]+\\.json(?:\\.gz)?$`);

/**
 * Whether a file of a plain folder may hold records of the period, the accounts and the regions
 * asked for, as far as its name tells: a name that is not CloudTrail's tells nothing (true); a
 * CloudTrail log's name gives the account and region it logs and the UTC day it was delivered,
 * and the trail layout reads a file only when its folder (those same three) is asked for.
 * Without `scope`, the period's days alone.
 */
function mayHold(key: string, days: ReadonlySet<string>, scope: Pick<CollectOptions, 'accounts' | 'regions'> = {}): boolean {
  const m = CLOUDTRAIL_LOG_NAME.exec(key);
  if (m === null) return true;
  return days.has(`${m[3]}-${m[4]}-${m[5]}`) && allowed(m[1], scope.accounts) && allowed(m[2], scope.regions);
}

/**
 * Reads the period's IoT records from every source: only the day folders that can
 * hold the period's events, each object once. Listing feeds a bounded queue that
 * `concurrency` readers drain, so memory stays flat however large the month; only
 * the period's IoT records are kept, de-duplicated by eventID as they are read, then sorted.
 */
export async function collect(options: CollectOptions): Promise<CollectResult> {
  const parser = options.parser ?? inlineParser;
  const keep = options.keep;
  const days = deliveryDays(options.period, options.lateDays);
  const startMs = Date.parse(options.period.start);
  const endMs = Date.parse(options.period.end);
  const problems: SourceProblem[] = [];
  const unreadable: SourceProblem[] = [];
  const sources: SourceLayout[] = [];
  const delivered = new Delivered();
  const progress: CollectProgress = { phase: 'listing', filesListed: 0, filesRead: 0, bytesRead: 0, recordsRead: 0, iotRecords: 0 };
  const report = () => options.onProgress?.({ ...progress });
  const fatal = (store: ObjectStore, error: unknown) => fatalSourceError(error, [store]);
  let uncompressedBytes = 0;
  const withoutTime = new RecordsWithoutTimeSeen();
  const withoutName = new RecordsWithoutTimeSeen();
  /**
   * A record no period or event can hold (`withoutName`, `withoutTime`): counted, not dropped
   * unsaid. One without a name but with a time is counted by the report of its period only (the
   * neighbouring months read the same first and late day folders). Says whether it was set aside
   * (`counted`, or `outside`: without a name, dated outside the period) or is an event's (null).
   */
  const setAside = (sourced: SourcedRecord): 'counted' | 'outside' | null => {
    const { eventName, eventTime } = sourced.record;
    if (eventName === null) {
      const t = eventTime === null ? null : Date.parse(eventTime);
      if (t !== null && (t < startMs || t >= endMs)) return 'outside';
      withoutName.offer(sourced);
    } else if (eventTime === null) withoutTime.offer(sourced);
    else return null;
    return 'counted';
  };
  let fetched = 0;
  /** Trail folders (account and region) found for the filters: a quiet one holds no file and is no mistake. */
  let trailFolders = 0;
  /** Log files read that were CloudTrail logs; of those, the ones whose names leave them possibly of the period and filters (`mayHold`). */
  let logsRead = 0;
  let logsMaybeOfScope = 0;
  const daySet = new Set(days);
  const yields = new Map<ObjectStore, SourceYield>(
    options.stores.map((store) => [store, { layout: null, filesOfPeriod: 0, trailFolders: 0, trailSeen: false, kept: 0 }]),
  );
  const unique = new UniqueRecords();
  const recordFiles = new Map<ObjectStore, Set<string>>();
  const queue = new BoundedQueue<{ store: ObjectStore; ref: LogObjectRef }>(QUEUE_CAPACITY);
  const sink = options.contentSink;
  const hashing: ParseOptions = { hash: true };

  const enqueue = async (store: ObjectStore, ref: LogObjectRef) => {
    progress.filesListed++;
    if (ref.accountId !== null || mayHold(ref.key, daySet)) yields.get(store)!.filesOfPeriod++;
    await queue.push({ store, ref });
  };

  // 1. What to read, listed as the reading goes.
  const listing = (async () => {
    for (const store of options.stores) {
      try {
        const discovery = await discoverTrails(store, { accounts: options.accounts, regions: options.regions }, options.discoveryListings);
        problems.push(...discovery.problems);
        sources.push({ store, layout: discovery.layout, organizationIds: discovery.organizationIds });
        yields.get(store)!.layout = discovery.layout;
        yields.get(store)!.trailSeen = discovery.trailSeen;
        if (discovery.layout === 'files') {
          for await (const ref of looseLogObjects(store, problems)) await enqueue(store, ref);
        } else {
          // An account asked for with digests and no log folder is a trail folder of the scope too (a
          // trail that stopped delivering logs, or whose logs were deleted): without logs, not a mistake.
          trailFolders += discovery.locations.length + discovery.digestAccounts.length;
          yields.get(store)!.trailFolders += discovery.locations.length + discovery.digestAccounts.length;
          for (const location of discovery.locations) delivered.trailFolder(location.accountId);
          for (const accountId of discovery.digestAccounts) delivered.trailFolder(accountId);
          await mapLimit(discovery.locations, LISTING_CONCURRENCY, async (location) => {
            for await (const refs of logObjectsByDay(store, location, days, problems)) for (const ref of refs) await enqueue(store, ref);
          });
        }
      } catch (error) {
        if (isFatalStoreError(error)) throw fatal(store, error);
        if (error instanceof SourceError) throw error;
        problems.push(unlistedProblem(store, store.rootPrefix, error));
      }
    }
    progress.phase = 'reading';
  })().then(
    () => queue.close(),
    (error: unknown) => {
      queue.fail(error);
      throw error;
    },
  );

  /**
   * Files whose read failed on something passing (`isTransientStoreError`): read a second time
   * once the others are read (3.), and only then named in the report if they still fail. A burst
   * of errors (a 5xx, resets) on the reads in flight could otherwise cost the files it hit: the
   * S3 client's shared retry quota gives most of them a single attempt.
   */
  const readLater: { store: ObjectStore; ref: LogObjectRef; reason: string }[] = [];

  // 2. Read and parse, keeping only the period's IoT records. Whether the file was read.
  const readOne = async (store: ObjectStore, ref: LogObjectRef, second = false): Promise<boolean> => {
    let parsed: ParsedLog;
    let bytes = ref.size ?? 0;
    try {
      const local = parser.parseFile !== undefined ? options.localPath?.(store, ref.key) : null;
      // No hashing that nothing would keep.
      const asked = sink?.wanted === true ? hashing : undefined;
      if (local) {
        parsed = await parser.parseFile!(local, asked);
        bytes = parsed.storedBytes ?? bytes;
      } else {
        // A second read as the store reads again (`ObjectStore.readAgain`), else as the first.
        const body = await (second && store.readAgain !== undefined ? store.readAgain(ref.key) : store.read(ref.key));
        bytes = body.length;
        parsed = await parser.parse(body, asked);
      }
    } catch (error) {
      if (isFatalStoreError(error)) throw fatal(store, error);
      if (!second && isTransientStoreError(error)) {
        readLater.push({ store, ref, reason: oneLine(error) });
        return false;
      }
      const when = second ? ' (read a second time, after the other files)' : '';
      problems.push({ key: logFileUrl(ref), source: store.label, reason: `could not read: ${oneLine(error)}${when}` });
      return false;
    }
    fetched++;
    if (parsed.content !== undefined) sink?.add(store, ref.key, parsed.content, bytes);
    progress.filesRead++;
    progress.bytesRead += bytes;
    uncompressedBytes += parsed.uncompressedBytes;
    if (parsed.error !== null) {
      unreadable.push({ key: logFileUrl(ref), source: store.label, reason: parsed.error });
    } else {
      const yielded = yields.get(store)!;
      logsRead++;
      if (ref.accountId !== null || mayHold(ref.key, daySet, options)) logsMaybeOfScope++;
      delivered.add(ref.accountId, ref.region, ref.deliveryDay);
      progress.recordsRead += parsed.recordCount;
      /** Whether the file gave the report a record it counts: an event of the period (a copy too), or one the coverage counts. */
      let gave = false;
      for (const record of parsed.records) {
        if (record.eventTime === null || record.eventName === null) {
          // No period or event can hold it: counted for the report (coverage), not dropped unsaid.
          const sourced = { record, file: ref };
          if (keep === undefined || keep(sourced)) {
            // One without a name dated outside the period is counted by no report of this one: it gives the file nothing.
            if (setAside(sourced) === 'counted') gave = true;
            yielded.kept++;
          }
          continue;
        }
        const t = Date.parse(record.eventTime);
        if (t < startMs || t >= endMs) continue;
        const sourced = { record, file: ref };
        if (keep === undefined || keep(sourced)) {
          shareRecordValues(record);
          unique.offer(sourced);
          yielded.kept++;
          gave = true;
        }
      }
      if (gave && options.noteRecordFiles === true) getOrInsert(recordFiles, store, () => new Set()).add(ref.key);
      progress.iotRecords = unique.offered;
    }
    if (progress.filesRead % 64 === 0) report();
    return true;
  };
  const readers = Array.from({ length: Math.max(1, options.concurrency) }, async () => {
    for (;;) {
      const item = await queue.shift();
      if (item === undefined) return;
      try {
        await readOne(item.store, item.ref);
      } catch (error) {
        queue.fail(error);
        throw error;
      }
    }
  });
  const settled = await Promise.allSettled([listing, ...readers]);
  const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;

  // 3. The files that failed on something passing, a second time, a round at a time, in the order
  // they failed (a read a burst cut short fails sooner than one that failed every attempt). After
  // `SECOND_TRY_FAILURES` second reads in a row fail again, the rest are named, not read again.
  const roundSize = Math.min(SECOND_READ_ROUND, Math.max(1, options.concurrency));
  let failedInARow = 0;
  for (let at = 0; at < readLater.length; at += roundSize) {
    const round = readLater.slice(at, at + roundSize);
    const read = await Promise.all(round.map(({ store, ref }) => readOne(store, ref, true)));
    failedInARow = read.includes(true) ? read.length - 1 - read.lastIndexOf(true) : failedInARow + read.length;
    if (failedInARow < SECOND_TRY_FAILURES) continue;
    for (const { store, ref, reason } of readLater.slice(at + round.length)) {
      const why = `not read a second time: the last ${failedInARow} files read a second time all failed again`;
      problems.push({ key: logFileUrl(ref), source: store.label, reason: `could not read: ${reason} (${why})` });
    }
    break;
  }

  for (const sourced of options.extra?.records ?? []) {
    if (keep !== undefined && !keep(sourced)) continue;
    if (setAside(sourced) !== null) continue;
    const t = Date.parse(sourced.record.eventTime!);
    if (t < startMs || t >= endMs) continue;
    shareRecordValues(sourced.record);
    unique.offer(sourced);
  }

  // 4. One record per eventID (de-duplicated as read, see UniqueRecords), by time then id.
  const records = unique.records();

  // Fatal only when nothing at all could be read; anything less is named in the report.
  if (progress.filesListed > 0 && fetched === 0) {
    throw new SourceError(`nothing could be read: ${problems[0]?.reason ?? 'every object failed'} (${problems[0]?.key ?? ''}); ${readAdvice(problems[0]?.reason)}`);
  }
  if (progress.filesListed === 0 && problems.length > 0) {
    throw new SourceError(`nothing could be listed: ${problems[0].reason} (${problems[0].key}); check the source and your permissions`);
  }
  // Not one log file for the period: a mistyped source, period or filter, never an all-clear report.
  // A trail folder for the accounts and regions asked for that held none (a region nobody uses) is a quiet period, not a mistake.
  // An Athena query that scanned data tells no log files (a quiet month returns no row): a run with
  // one never fails for finding no log file. One that scanned nothing read no data at all (a table
  // over another bucket, an account with no logs): as a source with no log file of the period.
  const tables = options.extra?.sources ?? [];
  const queried = tables.some((t) => (t.athena?.dataScannedBytes ?? 0) > 0) || (options.extra?.records.length ?? 0) > 0;
  if (progress.filesListed === 0 && trailFolders === 0 && !queried) throw new SourceError(nothingFound(options, options.stores, tables));
  // Files read from all the sources together, and not one a readable CloudTrail log: of a plain
  // folder (no trail folder anywhere), a mistyped source (a folder of other JSON files); under a
  // trail layout, a damaged copy (every file corrupt or cut short). Never an all-clear report.
  // One good log beside broken files is a report that names them.
  if (!queried && fetched > 0 && logsRead === 0) {
    const first = unreadable.sort(bySourceAndKey)[0];
    // Named: the sources the files came from (not a quiet trail beside them), as plain folders of other files or as damaged trail copies.
    const from = options.stores.filter((store) => unreadable.some((u) => u.source === store.label));
    const plain = from.every((store) => yields.get(store)!.layout === 'files');
    const named = { ...options, stores: from.length > 0 ? from : options.stores };
    throw new SourceError(plain ? noLogAmong(named, fetched, first) : noneReadable(named, fetched, first));
  }
  // CloudTrail logs read, but every one named for another day, account or region than those
  // asked for (the trail layout would not have read them), and no record kept: a mistyped period
  // or filter. A name that is not CloudTrail's tells nothing, so it never fails this way.
  if (trailFolders === 0 && !queried && logsRead > 0 && logsMaybeOfScope === 0 && unique.size === 0 && withoutTime.count === 0 && withoutName.count === 0) {
    throw new SourceError(nothingFound(options));
  }
  // Each source is held to giving something of its own: a log file of the period (readable or
  // not; a plain folder's named for another day is not) or an IoT record kept, or a trail folder
  // (one with no file of the period is a quiet period, as for one source). One that gives none,
  // beside sources that have logs (an empty folder or S3 prefix, a mistyped path), is a mistyped
  // source, never left out unsaid of a report that says it covered it. `--account` and `--region`
  // are judged over all the sources together (above): a trail whose folders they all leave out
  // (another organization's bucket) is no mistake, nor is a trail with digests only so far
  // (`trailSeen`: a few listings more, only for a source in which no log folder was found). A source with a problem (a listing or read
  // refused) is named in the report with it; an Athena query is no store here, and excuses only itself.
  const named = new Set(problems.map((p) => p.source));
  for (const store of options.stores) {
    const yielded = yields.get(store)!;
    if (yielded.filesOfPeriod > 0 || yielded.kept > 0 || yielded.trailFolders > 0 || yielded.trailSeen || named.has(store.label)) continue;
    throw new SourceError(nothingFound({ ...options, accounts: [], regions: [] }, [store]));
  }

  progress.phase = 'done';
  report();
  unreadable.sort(bySourceAndKey);
  problems.sort(bySourceAndKey);
  sources.sort((a, b) => options.stores.indexOf(a.store) - options.stores.indexOf(b.store));
  return {
    sources,
    records,
    delivered: delivered.result(),
    unreadable,
    problems,
    stats: {
      filesListed: progress.filesListed,
      filesRead: progress.filesRead,
      bytesRead: progress.bytesRead,
      uncompressedBytes,
      recordsRead: progress.recordsRead,
      iotRecords: unique.offered,
      duplicatesDropped: unique.offered - records.length,
    },
    withoutTime: withoutTime.result(),
    withoutName: withoutName.result(),
    days,
    recordFiles,
  };
}

