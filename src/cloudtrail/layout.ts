import { getOrInsert } from '../memo.js';
import type { LogObjectRef, ObjectStore, SourceProblem, StoredObject, TrailLocation, UnlistedScope } from '../types.js';
import { mapLimit } from '../collect/limit.js';
import { SourceError, oneLine } from '../errors.js';
import { compareText } from '../unicode.js';

/** `o-` + 10 to 32 lowercase letters or digits. */
export const ORG_ID = /^o-[a-z0-9]{10,32}$/;
export const ACCOUNT_ID = /^\d{12}$/;
/** An AWS region name: `us-east-1`, `ap-southeast-2`, `us-gov-west-1`, `eusc-de-east-1` (the European Sovereign Cloud). */
/** A region code (`us-east-1`, `eusc-de-east-1`), as text for the patterns that hold one (digest and log names, Athena's `$path`, Cognito ids). */
export const REGION_TEXT = '[a-z]{2,4}(?:-[a-z]+)+-\\d{1,2}';
export const REGION = new RegExp(`^${REGION_TEXT}$`);

/** Names a log file may have; anything else in a day folder is not a log (README, .DS_Store...). */
const LOG_NAME = /\.(json|json\.gz|gz|jsonl|ndjson)$/i;

/** The folders of an account below `AWSLogs/` that CloudTrail writes: logs, digests, Insights events. */
const TRAIL_FOLDERS = new Set(['CloudTrail', 'CloudTrail-Digest', 'CloudTrail-Insight']);

/**
 * Objects in a plain folder of files that are not log files of management events, though named
 * like them: digest files and Insights events, by their folder or their name (FORMATS.md 1).
 * The trail layout never lists them (it reads only `CloudTrail/<region>/` folders).
 */
const NOT_A_LOG = /(^|\/)CloudTrail-(Digest|Insight)\/|_CloudTrail-(Digest|Insight)_[^/]*$/;

/** The year, month and day folders of a trail folder. */
const DATE_FOLDER = /^\d{2}(\d{2})?$/;

/** Account folders listed at once while finding the trail folders. */
const DISCOVERY_CONCURRENCY = 16;

/**
 * Times a delimiter listing of the trail layout (`listChildrenAgain`: the search for `AWSLogs/`,
 * the account and `CloudTrail/` folders, a month's or a day's folders; the integrity check's
 * too) is sent when it fails on something passing (`isTransientStoreError`), each with the
 * client's own retries: a failed one loses an account, a region, a day, or on S3 the source.
 */
const DISCOVERY_LIST_ATTEMPTS = 2;

/**
 * How many folders deep below a source's root `AWSLogs/` is looked for: a key prefix of up to 12
 * folders. A trail's S3 key prefix is free text (up to 200 characters, slashes allowed); those met
 * are one to four folders (`org/`, `cloudtrail/org-trail/`, `logs/cloudtrail/prod/org/`), and a
 * local copy may sit a few folders below where the bucket was copied to (`backup/s3/<bucket>/`):
 * 12 leaves room for both. A deeper search is stopped, and said where it matters (`discoverTrails`).
 */
const AWSLOGS_SEARCH_DEPTH = 12;
/**
 * How many folders the search for `AWSLogs/` may list. Every branch is searched (a bucket may hold
 * trails under several prefixes), but a bucket of other data is not walked whole: 500 delimiter
 * listings, 16 at once, are a few seconds on S3. A search stopped here is said as a deeper one is.
 */
const AWSLOGS_SEARCH_BUDGET = 500;

export interface Discovery {
  /**
   * `files` for a plain folder of files (no `AWSLogs/`), else the trail layout: `organization` when
   * an `o-...` folder was met, else `account` (so too an S3 source whose search for `AWSLogs/`
   * failed: no location, the failure in `problems`).
   */
  layout: 'organization' | 'account' | 'files';
  /** `CloudTrail/<region>/` folders, for the accounts and regions asked for. */
  locations: TrailLocation[];
  organizationIds: string[];
  /** Prefixes that could not be listed, and a search for `AWSLogs/` stopped short (`findAwsLogsLevels`). */
  problems: SourceProblem[];
  /**
   * The source holds a trail, with or without locations: an account asked for has
   * `CloudTrail/<region>/` folders, or an account folder (one the filters leave out, or one with
   * no log folder) holds `CloudTrail/`, `CloudTrail-Digest/` or `CloudTrail-Insight/` (a quiet
   * trail, a trail of other accounts, a trail with digests only so far). False for a source of no
   * trail at all: an `AWSLogs/` of other services' logs, a mistyped account folder.
   */
  trailSeen: boolean;
  /**
   * Accounts asked for with no `CloudTrail/<region>/` folder of a region asked for whose
   * `CloudTrail-Digest/<region>/` folder (of a region asked for) is there: a trail delivers digests
   * hourly, so its logs stopped or were deleted. Their trail folder is known as a log folder's is
   * (`DeliveredFiles.trailAccounts`). Sorted.
   */
  digestAccounts: string[];
}

export interface DiscoveryFilter {
  accounts?: readonly string[];
  regions?: readonly string[];
}

/** A delimiter listing's answer: the folders and the objects directly in a prefix. */
export type Listing = { prefixes: string[]; objects: StoredObject[] };

/**
 * The delimiter listings a run's trail discovery made (`discoverTrails`), by store and prefix
 * (`listingKey`): the integrity check of `report --verify` walks the same `AWSLogs/` levels and
 * account folders, and takes their answers from here instead of listing them again (hundreds of
 * requests for an organization's accounts). Only the discovery's own levels are kept, never a
 * day folder's listing; a listing that failed is not kept (the check lists it itself).
 */
export type DiscoveryListings = Map<string, Promise<Listing>>;

/** A listing's place in `DiscoveryListings` (and in the integrity check's own cache). */
export function listingKey(store: Pick<ObjectStore, 'label'>, prefix: string): string {
  return `${store.label}\n${prefix}`;
}

/**
 * What an object's key is relative to, for naming it in a report: the folder for a
 * local store (the one above `AWSLogs/` for a folder inside it: `LocalStore.keyBase`),
 * `s3://bucket` for S3 (S3 keys are full bucket keys).
 */
export function sourceBase(store: ObjectStore): string {
  if (store.kind === 's3') return /^s3:\/\/[^/]+/.exec(store.label)?.[0] ?? store.label;
  return store.keyBase ?? store.label;
}

/**
 * The components of a folder's path from `AWSLogs` on, when the path ends inside a trail's
 * `AWSLogs/` folder (FORMATS.md 1): `AWSLogs/<o-id>`, `AWSLogs/[<o-id>/]<acct>`, then
 * `CloudTrail`, `CloudTrail-Digest` or `CloudTrail-Insight`, then `<region>`. Null otherwise:
 * `AWSLogs` itself (its children tell its layout, `findAwsLogsLevels`), or a path deeper or
 * other than those (a year or day folder is read as a plain folder of files).
 */
export function trailFolderOf(components: readonly string[]): string[] | null {
  const at = components.lastIndexOf('AWSLogs');
  if (at < 0) return null;
  const rest = components.slice(at + 1);
  // Every component below `AWSLogs` is one the narrowing takes as a folder of the layout.
  const narrowing = trailNarrowing(rest);
  const layoutFolders = [narrowing.organizationId, narrowing.accountId, narrowing.trailFolder, regionFolder(narrowing)];
  const depth = layoutFolders.filter((folder) => folder !== undefined).length;
  return depth > 0 && depth === rest.length ? components.slice(at) : null;
}

/**
 * Why a listed object is not one (a broken symbolic link, a link loop, a folder link not
 * followed: `UnfollowedEntry` of a local store), or null. Such an entry never goes to the reader;
 * it goes to the source's problems when it matters (`unfollowedMatters`).
 */
export function listingProblem(object: StoredObject): string | null {
  return object.problem ?? null;
}

/**
 * Whether an entry that could not be followed hides something the source would have read, so
 * the report names it: a link known to lead to a folder (one not walked), or one whose name
 * `reads` (a log file's name, a folder of the trail layout). A broken or looping link named
 * otherwise (`loopa`, `notes`) is passed over silently, as any object that is not a log is.
 */
function unfollowedMatters(object: StoredObject, reads: (key: string) => boolean): boolean {
  return object.folder === true || reads(object.key);
}

/** A key a plain folder of files reads as a log file (`looseLogObjects`). */
function isLooseLogKey(key: string): boolean {
  return LOG_NAME.test(key) && !NOT_A_LOG.test(key);
}

/**
 * A key whose last name the trail layout reads: `AWSLogs`, an organization, account or region,
 * `CloudTrail`, a year, month or day folder, a log file.
 */
function isTrailKey(key: string): boolean {
  const name = lastSegment(key);
  return (
    name === 'AWSLogs' ||
    name === 'CloudTrail' ||
    ORG_ID.test(name) ||
    ACCOUNT_ID.test(name) ||
    REGION.test(name) ||
    DATE_FOLDER.test(name) ||
    LOG_NAME.test(name)
  );
}

/**
 * What the path from `AWSLogs/` to a store's root narrows to (`findAwsLogsLevels`):
 * `[o-org] [account [CloudTrail | CloudTrail-Digest | CloudTrail-Insight]] [region]`. `region`
 * is the component after those, whatever it is: a root at a folder the layout does not know
 * (an S3 prefix such as `AWSLogs/mine/`) narrows to nothing rather than to everything above it.
 */
export interface TrailNarrowing {
  organizationId?: string;
  accountId?: string;
  /** `CloudTrail`, `CloudTrail-Digest` or `CloudTrail-Insight`, below `accountId`. */
  trailFolder?: string;
  region?: string;
}

export function trailNarrowing(narrow: readonly string[]): TrailNarrowing {
  const rest = [...narrow];
  const organizationId = rest[0] !== undefined && ORG_ID.test(rest[0]) ? rest.shift() : undefined;
  const accountId = rest[0] !== undefined && ACCOUNT_ID.test(rest[0]) ? rest.shift() : undefined;
  const trailFolder = accountId !== undefined && rest[0] !== undefined && TRAIL_FOLDERS.has(rest[0]) ? rest.shift() : undefined;
  return { organizationId, accountId, trailFolder, region: rest[0] };
}

/** The narrowing's trail folder when it is one that holds no log file (`CloudTrail-Digest`, `CloudTrail-Insight`), else undefined. */
function noLogsFolder({ trailFolder }: TrailNarrowing): string | undefined {
  return trailFolder !== undefined && trailFolder !== 'CloudTrail' ? trailFolder : undefined;
}

/** The narrowing's region when it is a region's folder of the layout (a region code below `<acct>/CloudTrail[-Digest|-Insight]/`), else undefined. */
function regionFolder({ trailFolder, region }: TrailNarrowing): string | undefined {
  return trailFolder !== undefined && region !== undefined && REGION.test(region) ? region : undefined;
}

/** Where a log object is, as reports name it: its store's base and its key (`s3://bucket/AWSLogs/...`, `./logs/AWSLogs/...`). */
export function logFileUrl(ref: Pick<LogObjectRef, 'source' | 'key'>): string {
  if (ref.source === '') return ref.key;
  return `${ref.source.endsWith('/') ? ref.source.replace(/\/+$/, '') : ref.source}/${ref.key}`;
}

/** Each log file's URL (`logFileUrl`), made once for every record of the file (they share its ref). */
const fileUrls = new WeakMap<LogObjectRef, string>();

export function fileUrlOf(ref: LogObjectRef): string {
  return getOrInsert(fileUrls, ref, () => logFileUrl(ref));
}

export function lastSegment(prefix: string): string {
  const parts = prefix.split('/').filter(Boolean);
  return parts[parts.length - 1] ?? '';
}

/**
 * Lists children, turning a failure into a problem entry (AccessDenied on a prefix must not stop
 * the run), and so an entry the store could not follow (`listingProblem`) that the trail layout
 * would have read (`unfollowedMatters`), into `unfollowed`. Through `listChildrenAgain`.
 */
async function children(
  store: ObjectStore,
  prefix: string,
  problems: SourceProblem[],
  unfollowed: SourceProblem[] = problems,
  kept?: DiscoveryListings,
): Promise<Listing> {
  let listed;
  try {
    listed = await (kept === undefined ? listChildrenAgain(store, prefix) : keptListing(kept, store, prefix));
  } catch (error) {
    if (isFatalStoreError(error)) throw error;
    problems.push(unlistedProblem(store, prefix, error));
    return { prefixes: [], objects: [] };
  }
  if (!listed.objects.some((o) => listingProblem(o) !== null)) return listed;
  const objects: StoredObject[] = [];
  for (const object of listed.objects) {
    const problem = listingProblem(object);
    if (problem === null) objects.push(object);
    else if (unfollowedMatters(object, isTrailKey)) unfollowed.push({ key: object.key, source: store.label, reason: problem });
  }
  return { prefixes: listed.prefixes, objects };
}

/**
 * A listing that failed, as a source problem: named by its prefix (`/` for a root), with what it
 * may hide as far as the prefix tells (`unlistedScope`; a discovery says more once done).
 */
export function unlistedProblem(store: Pick<ObjectStore, 'label'>, prefix: string, error: unknown): SourceProblem {
  return { key: prefix || '/', source: store.label, reason: `could not list: ${oneLine(error)}`, unlisted: { prefix, hides: unlistedScope(prefix) } };
}

/**
 * What a folder whose listing failed may hide (`UnlistedScope`): `account` when it is an account's
 * folder, or in one, of a trail layout; else every account's trail folders, unless the source's
 * discovery is done (`found`) and found a trail, and the folder is neither above an `AWSLogs/` it
 * found nor in one (a branch beside them: another team's `elb-logs/` in a shared bucket).
 */
export function unlistedScope(prefix: string, found?: { awsLogs: readonly string[]; trailSeen: boolean }): UnlistedScope {
  const inside = insideAwsLogs(prefix);
  if (inside !== null && trailNarrowing(inside.narrow).accountId !== undefined) return 'account';
  if (found === undefined || !found.trailSeen) return 'accounts';
  return found.awsLogs.some((awsLogs) => awsLogs.startsWith(prefix) || prefix.startsWith(awsLogs)) ? 'accounts' : 'other';
}

/** `listChildrenAgain`, its answer kept in `kept` (a failure is not kept). */
function keptListing(kept: DiscoveryListings, store: ObjectStore, prefix: string): Promise<Listing> {
  const key = listingKey(store, prefix);
  const listing = listChildrenAgain(store, prefix);
  kept.set(key, listing);
  listing.catch(() => kept.delete(key));
  return listing;
}

/**
 * A delimiter listing of the trail's discovery (`discoverTrails`, and the integrity check's
 * `Lister`), sent once more when it fails on something passing (`isTransientStoreError`), up to
 * DISCOVERY_LIST_ATTEMPTS times; the last failure is thrown.
 */
export async function listChildrenAgain(store: ObjectStore, prefix: string): Promise<Listing> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await store.listChildren(prefix);
    } catch (error) {
      if (attempt >= DISCOVERY_LIST_ATTEMPTS || isFatalStoreError(error) || !isTransientStoreError(error)) throw error;
    }
  }
}

/**
 * Second tries after a passing error (`isTransientStoreError`) that fail again in a row and end
 * them, the report's second reads (collect/run.ts) and the integrity check's (verify.ts) alike:
 * the endpoint still fails, and each try costs the attempts configured, so an endpoint that stops
 * answering costs about one request's attempts more, not one per file. Counted in requests,
 * whatever the concurrency: at `--concurrency 1`, one file that always fails must not end them.
 */
export const SECOND_TRY_FAILURES = 8;

/**
 * Errors a store marks as passing (`transient: true`: S3 throttling, a timeout, a reset, a 5xx,
 * after the SDK's own retries): the same request may succeed when sent again.
 */
export function isTransientStoreError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { transient?: unknown }).transient === true;
}

/** Errors a store marks as fatal (no bucket, no credentials) carry `fatal: true`. */
export function isFatalStoreError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { fatal?: unknown }).fatal === true;
}

/**
 * A fatal store error as the run's source error (exit 3), one line: `<source>: <what went wrong
 * and what to do>`. The source is the one the error names (`S3SourceError.source`), else the
 * only store of `stores`.
 */
export function fatalSourceError(error: unknown, stores: readonly Pick<ObjectStore, 'label'>[]): SourceError {
  const named = typeof error === 'object' && error !== null ? (error as { source?: unknown }).source : undefined;
  const label = typeof named === 'string' && named !== '' ? named : stores.length === 1 ? stores[0].label : null;
  return new SourceError(label === null ? oneLine(error) : `${label}: ${oneLine(error)}`);
}

/** A root inside `AWSLogs/`: the prefix up to `AWSLogs/`, and the folders below it that narrow the root; null for any other root. */
function insideAwsLogs(root: string): { base: string; narrow: string[] } | null {
  const inside = /^(.*?(?:^|\/)AWSLogs\/)(.*)$/.exec(root);
  return inside === null ? null : { base: inside[1], narrow: inside[2].split('/').filter(Boolean) };
}

/**
 * The account and region a store's logs can be of: its root's, when the root is an account's
 * folder inside `AWSLogs/` (`AWSLogs/[o-.../]<acct>/`) or a region's (`.../CloudTrail/<region>/`);
 * null where they can be any. A digest or Insights folder, which is refused (it holds no log
 * file), narrows nothing.
 */
export function storeScope(store: Pick<ObjectStore, 'rootPrefix'>): { account: string | null; region: string | null } {
  const inside = insideAwsLogs(store.rootPrefix);
  if (inside === null) return { account: null, region: null };
  const narrowing = trailNarrowing(inside.narrow);
  if (noLogsFolder(narrowing) !== undefined) return { account: null, region: null };
  return { account: narrowing.accountId ?? null, region: regionFolder(narrowing) ?? null };
}

/**
 * The accounts and regions a report covers (sorted; empty: all), so that the accounts outside
 * them are not called "without logs": those asked for (`--account`, `--region`, kept as asked:
 * one asked for and under no source is without logs), else the sources' own (`storeScope`) when
 * every source is an account's folder, and for regions when every source is a region's folder
 * and together they hold each covered account in each of their regions (an account's region
 * folder beside another account's other region covers neither account's other region).
 */
export function coveredFilters(
  asked: { accounts: readonly string[]; regions: readonly string[] },
  scopes: readonly { account: string | null; region: string | null }[],
): { accounts: string[]; regions: string[] } {
  const sorted = (values: Iterable<string>) => [...new Set(values)].sort();
  const everyAccount = scopes.length > 0 && scopes.every((s) => s.account !== null);
  const accounts = asked.accounts.length > 0 ? sorted(asked.accounts) : everyAccount ? sorted(scopes.map((s) => s.account!)) : [];
  if (asked.regions.length > 0) return { accounts, regions: sorted(asked.regions) };
  if (!everyAccount) return { accounts, regions: [] };
  const pairs = scopes.filter((s) => accounts.includes(s.account!));
  if (pairs.some((s) => s.region === null)) return { accounts, regions: [] };
  const regions = sorted(pairs.map((s) => s.region!));
  const held = new Set(pairs.map((s) => `${s.account} ${s.region}`));
  const whole = sorted(pairs.map((s) => s.account!)).every((account) => regions.every((region) => held.has(`${account} ${region}`)));
  return { accounts, regions: whole ? regions : [] };
}

/** Lists the sub-folders of a prefix (the caller decides how failures are handled and cached). */
export type ListPrefixes = (prefix: string) => Promise<{ prefixes: string[] }>;

/**
 * Folders the search for `AWSLogs/` does not look into, as the layout knows what is below them and
 * it is no trail's key prefix: an account's trail folder (`<acct>/CloudTrail[-Digest|-Insight]/`,
 * part of a trail copied without its `AWSLogs/`: regions and date folders below), and a month
 * folder of a date tree (`<YYYY>/<MM>/`: day folders and log files below, a trail's or a plain
 * copy's). `AWSLogs/` itself is found, not looked into.
 */
function notAKeyPrefix(prefix: string): boolean {
  const parts = prefix.split('/').filter(Boolean);
  const name = parts[parts.length - 1] ?? '';
  const parent = parts[parts.length - 2] ?? '';
  return (TRAIL_FOLDERS.has(name) && ACCOUNT_ID.test(parent)) || (/^\d{2}$/.test(name) && /^\d{4}$/.test(parent));
}

/**
 * The `AWSLogs/`-level folders of a store, without listing the bucket: its root when
 * the root already points inside `AWSLogs/` (the rest of the path narrows to an
 * organization, account or region), a root whose children are `o-...` or account
 * folders (a copy of `AWSLogs/` itself), else every `AWSLogs/` found by delimiter listings
 * down every branch, breadth first: two trails may share a bucket under different key
 * prefixes (`AWSLogs/` and `org/AWSLogs/`). `AWSLogs/` folders are not looked into, nor
 * folders that hold no key prefix (`notAKeyPrefix`); each listing goes through `list`
 * (which caches it: the walk below lists `AWSLogs/` itself). A search stopped with folders
 * not searched (deeper than `AWSLOGS_SEARCH_DEPTH`, or past `AWSLOGS_SEARCH_BUDGET`
 * listings) is one problem in `problems`, naming the first folder not searched and what to do.
 */
export async function findAwsLogsLevels(store: ObjectStore, list: ListPrefixes, problems?: SourceProblem[]): Promise<{ base: string; narrow: string[] }[]> {
  const root = store.rootPrefix;
  const inside = insideAwsLogs(root);
  if (inside !== null) return [inside];

  const found: { base: string; narrow: string[] }[] = [];
  const stopped = (left: readonly string[], what: string) =>
    problems?.push({
      key: left[0],
      source: store.label,
      reason: `stopped looking for AWSLogs/ ${what}, ${left.length} not searched: pass the prefix that holds AWSLogs/ as --source (s3://bucket/prefix or the folder)`,
    });
  let level = [root];
  let listed = 0;
  for (let depth = 0; level.length > 0; depth++) {
    // The folders of this level are `depth` deep: a key prefix of `depth` folders is in them.
    if (depth > AWSLOGS_SEARCH_DEPTH) {
      stopped(level, `more than ${AWSLOGS_SEARCH_DEPTH} folders deep`);
      break;
    }
    // Within the budget; a level is listed several folders at once (each a round trip to S3).
    const now = level.slice(0, AWSLOGS_SEARCH_BUDGET - listed);
    listed += now.length;
    const listings = await mapLimit(now, DISCOVERY_CONCURRENCY, (prefix) => list(prefix));
    if (depth === 0 && listings[0].prefixes.some((p) => ORG_ID.test(lastSegment(p)) || ACCOUNT_ID.test(lastSegment(p)))) {
      return [{ base: root, narrow: [] }];
    }
    const next: string[] = [];
    for (const { prefixes } of listings) {
      for (const child of prefixes) {
        if (lastSegment(child) === 'AWSLogs') found.push({ base: child, narrow: [] });
        else if (!notAKeyPrefix(child)) next.push(child);
      }
    }
    if (now.length < level.length) {
      stopped([...level.slice(now.length), ...next], `after listing ${listed} folders`);
      break;
    }
    level = next;
  }
  return found;
}

/** Whether a filter's list (`--account`, `--region`) lets `value` through: an empty or absent list lets everything through. */
export function allowed(value: string, list: readonly string[] | undefined): boolean {
  return list === undefined || list.length === 0 || list.includes(value);
}

/** An account's folder (`.../[o-.../]<acct>/`) below an `AWSLogs/` level, with its organization. */
export interface AccountFolder {
  prefix: string;
  organizationId: string | null;
  accountId: string;
}

/**
 * Walks the account folders below `AWSLogs/` levels (`findAwsLogsLevels`), narrowed as a root
 * inside `AWSLogs/` narrows (`trailNarrowing`: to its organization and account), with a handful
 * of delimiter listings (`AWSLogs/`, `AWSLogs/o-.../`). `visit` gets each account folder, several
 * of an organization's at once, and its level's narrowing (the trail folder and region below the
 * account, when the root is there). The organization ids met, sorted.
 */
export async function walkAccountFolders(
  levels: readonly { base: string; narrow: readonly string[] }[],
  list: ListPrefixes,
  visit: (account: AccountFolder, narrowing: TrailNarrowing) => Promise<void> | void,
): Promise<string[]> {
  const organizationIds = new Set<string>();
  for (const { base, narrow } of levels) {
    const narrowing = trailNarrowing(narrow);
    const { organizationId: orgNarrow, accountId: accountNarrow } = narrowing;
    const visitAccount = async (prefix: string, organizationId: string | null) => {
      const accountId = lastSegment(prefix);
      if (ACCOUNT_ID.test(accountId)) await visit({ prefix, organizationId, accountId }, narrowing);
    };
    // Narrowed to an organization or account: listed from there, not from `AWSLogs/` above it.
    const top =
      orgNarrow !== undefined
        ? [`${base}${orgNarrow}/`]
        : accountNarrow !== undefined
          ? [`${base}${accountNarrow}/`]
          : (await list(base)).prefixes;
    for (const child of top) {
      const name = lastSegment(child);
      if (ORG_ID.test(name)) {
        organizationIds.add(name);
        const accounts = accountNarrow !== undefined ? [`${child}${accountNarrow}/`] : (await list(child)).prefixes;
        // Several at once: an organization of hundreds of accounts is as many listings, each a round trip to S3.
        await mapLimit(accounts, DISCOVERY_CONCURRENCY, (accountPrefix) => visitAccount(accountPrefix, name));
      } else {
        await visitAccount(child, null);
      }
    }
  }
  return [...organizationIds].sort();
}

/**
 * The trail folders (`<acct>/CloudTrail/<region>/`) of a store, for the accounts
 * and regions asked for, found with a handful of delimiter listings
 * (`AWSLogs/`, `AWSLogs/o-.../`, `<acct>/CloudTrail/`), each sent twice when it fails on
 * something passing (`DISCOVERY_LIST_ATTEMPTS`).
 *
 * A local folder inside `AWSLogs/` that holds no `CloudTrail/<region>` folder at all (a region's
 * `2026/` tree, or loose log files, copied under `AWSLogs/<acct>/`) is a plain folder of files
 * (`layout: 'files'`), as any other folder without the layout is. An S3 source whose search for
 * `AWSLogs/` found none with a listing failed on the way is not: its trail may be behind that
 * listing, and read as a plain folder the bucket is listed whole and every log-like key read
 * (other months, other years). It is the trail layout with no trail folder, and the failure
 * among its problems: the report names it beside the other sources, or the run ends
 * "nothing could be listed" when no source could be.
 *
 * `kept`: where its listings are kept for the integrity check that follows (`DiscoveryListings`).
 */
export async function discoverTrails(store: ObjectStore, filter: DiscoveryFilter = {}, kept?: DiscoveryListings): Promise<Discovery> {
  const problems: SourceProblem[] = [];
  // Links that lead nowhere, or to folders not walked: named with the problems once the trail
  // layout is known; a plain folder of files is walked whole instead (`looseLogObjects`), which
  // names each once.
  const unfollowed: SourceProblem[] = [];
  // Each prefix listed once: the root is listed while finding `AWSLogs/`, and again as the base when it is one.
  const listed = new Map<string, ReturnType<typeof children>>();
  const list = (prefix: string) => getOrInsert(listed, prefix, () => children(store, prefix, problems, unfollowed, kept));
  const stopped: SourceProblem[] = [];
  const bases = await findAwsLogsLevels(store, list, stopped);
  if (bases.length === 0) {
    // A listing of the search that failed (after a second try when it was throttled or timed out)
    // may hide `AWSLogs/`: a refused prefix may be the trail's own (a bucket policy can refuse its
    // delimiter listing and not a flat one). On S3, not a plain folder then: listing the bucket
    // whole would read every log-like key in it, other months and years. The failure is named;
    // a bucket of loose files with a private prefix is read by giving the prefix that holds them
    // (`--source s3://bucket/exports`). A local folder is walked whole as before: the walk names
    // the folder it cannot read too, costs no request, and a plain local folder of files is what
    // such a source most often is.
    if (store.kind === 's3' && problems.length > 0) {
      return { layout: 'account', locations: [], organizationIds: [], problems: [...problems, ...stopped], trailSeen: false, digestAccounts: [] };
    }
    // No `AWSLogs/` found: a plain folder of files, every file below the root read
    // (`looseLogObjects`). A search stopped short is said on S3, where that lists the whole
    // bucket; a local folder loses no file by it, and a plain one (deep, or with link loops)
    // would only be told to look for an `AWSLogs/` it does not have.
    if (store.kind === 's3') problems.push(...stopped);
    return { layout: 'files', locations: [], organizationIds: [], problems, trailSeen: false, digestAccounts: [] };
  }
  // `AWSLogs/` found: the folders not searched are not read at all.
  problems.push(...stopped);

  const walked: typeof bases = [];
  for (const level of bases) {
    const narrowing = trailNarrowing(level.narrow);
    const trailFolder = noLogsFolder(narrowing);
    if (trailFolder !== undefined) {
      // Digests or Insights events, no log file of management events: said, not an empty report.
      problems.push({
        key: store.rootPrefix,
        source: store.label,
        reason: `a ${trailFolder} folder holds no CloudTrail log files: pass the account's folder (${narrowing.accountId}, above it) or one of its CloudTrail/<region> folders`,
      });
    } else {
      walked.push(level);
    }
  }

  const locations: TrailLocation[] = [];
  // A `CloudTrail/<region>` folder was found, or may have been (an account left out by a filter).
  let trailFolderSeen = false;
  // A `CloudTrail/<region>` folder of an account asked for was found: the source holds a trail.
  let regionSeen = false;
  // Account folders that may hold a trail with no log folder for the filters, in the order they
  // are looked into (`holdsTrailFolder`): one asked for with no `CloudTrail/<region>` (digests
  // only so far, or other services' logs), then one left out by them, an organization's first (a
  // log archive keeps other services' `AWSLogs/<acct>/` beside its trail's `AWSLogs/<o-id>/`).
  const unsure: { prefix: string; rank: number }[] = [];
  // A root inside a left-out account's CloudTrail folder (`.../CloudTrail/<region>`): a trail's by its path, nothing above it listed.
  let narrowedTrailSeen = false;
  // A `CloudTrail-Digest/<region>/` folder of an account asked for without a log folder of a region asked for (`digestAccounts`).
  let digestSeen = false;
  const digestAccounts = new Set<string>();
  // Account folders asked for with no `CloudTrail/<region>/` folder of a region asked for.
  const noLogFolder: { prefix: string; accountId: string }[] = [];
  const organizationIds = await walkAccountFolders(walked, list, async ({ prefix, organizationId, accountId }, { region: regionNarrow }) => {
    if (!allowed(accountId, filter.accounts)) {
      trailFolderSeen = true;
      if (regionNarrow !== undefined) narrowedTrailSeen = true;
      else unsure.push({ prefix, rank: organizationId !== null ? 1 : 2 });
      return;
    }
    const trailPrefix = `${prefix}CloudTrail/`;
    // A root at a region's folder: nothing above it is listed (a local copy of that folder
    // alone, or S3 permissions granted on it only).
    const { prefixes } = regionNarrow !== undefined ? { prefixes: [`${trailPrefix}${regionNarrow}/`] } : await list(trailPrefix);
    let regions = 0;
    let asked = 0;
    for (const regionPrefix of prefixes) {
      const region = lastSegment(regionPrefix);
      if (!REGION.test(region)) continue;
      trailFolderSeen = true;
      regions++;
      if (!allowed(region, filter.regions)) continue;
      asked++;
      locations.push({ prefix: regionPrefix, organizationId, accountId, region });
    }
    if (asked === 0 && regionNarrow === undefined) noLogFolder.push({ prefix, accountId });
    if (regions > 0) regionSeen = true;
    else if (regionNarrow === undefined) unsure.push({ prefix, rank: 0 });
  });
  // An account asked for with no log folder of a region asked for in any of its folders (another
  // service's `AWSLogs/<acct>/` beside an organization's trail is not one): digests of such a region
  // are a trail whose logs stopped or were deleted (CloudTrail writes a digest every hour, logs or
  // not). One listing more, for such an account folder only; the integrity check reads it from the
  // listings kept.
  const withLogFolder = new Set(locations.map((l) => l.accountId));
  await mapLimit(
    noLogFolder.filter((f) => !withLogFolder.has(f.accountId)),
    DISCOVERY_CONCURRENCY,
    async ({ prefix, accountId }) => {
      const regions = (await list(`${prefix}CloudTrail-Digest/`)).prefixes.map(lastSegment).filter((r) => REGION.test(r));
      if (regions.length > 0) digestSeen = true;
      if (regions.some((r) => allowed(r, filter.regions))) digestAccounts.add(accountId);
    },
  );
  unsure.sort((a, b) => a.rank - b.rank || compareText(a.prefix, b.prefix));
  const trailSeen = regionSeen || narrowedTrailSeen || digestSeen || (await holdsTrailFolder(unsure.map((u) => u.prefix), list));
  // No trail folder at all below a local folder inside `AWSLogs/`: its files are read as those of
  // a plain folder. Local only: an S3 prefix inside `AWSLogs/` has always been read as the
  // layout, and listing all of it could be millions of keys.
  if (store.kind === 'local' && store.rootPrefix !== '' && !trailFolderSeen && problems.length === 0) {
    return { layout: 'files', locations: [], organizationIds: [], problems: [], trailSeen, digestAccounts: [] };
  }
  problems.push(...unfollowed);
  locations.sort((a, b) => compareText(a.prefix, b.prefix));
  // What each listing that failed may hide, now that the trail is known (`unlistedScope`).
  const found = { awsLogs: bases.map((b) => b.base), trailSeen };
  const scoped = problems.map((p) => (p.unlisted === undefined ? p : { ...p, unlisted: { prefix: p.unlisted.prefix, hides: unlistedScope(p.unlisted.prefix, found) } }));
  return { layout: organizationIds.length > 0 ? 'organization' : 'account', locations, organizationIds, problems: scoped, trailSeen, digestAccounts: [...digestAccounts].sort() };
}

/** How many of a source's account folders are listed, at most, to tell whether it holds a trail (`holdsTrailFolder`). */
const TRAIL_PROBES = 5;


/**
 * Whether one of `accounts` (account folders in the order given, at most TRAIL_PROBES listed) holds a trail folder
 * (`CloudTrail`, `CloudTrail-Digest`, `CloudTrail-Insight`): asked only of a source in which no
 * log folder of the accounts asked for was found, so a source with one costs nothing more. An
 * organization's accounts share its trail: the first folders tell for the others.
 */
async function holdsTrailFolder(accounts: readonly string[], list: ListPrefixes): Promise<boolean> {
  for (const prefix of accounts.slice(0, TRAIL_PROBES)) {
    if ((await list(prefix)).prefixes.some((p) => TRAIL_FOLDERS.has(lastSegment(p)))) return true;
  }
  return false;
}

/**
 * A day folder's log objects as refs. Its own small function: inside the async generator
 * below, this loop (a month is tens of thousands of files) made V8 optimize the whole
 * generator with the listing inlined, twice, ~50 ms of compiling each on a core the parse
 * workers need; now the generator is compiled once, ~18 ms (`node --trace-opt`, scale 1
 * of the bench).
 */
function logRefs(objects: readonly StoredObject[], source: string, location: TrailLocation, day: string): LogObjectRef[] {
  const refs: LogObjectRef[] = [];
  for (const object of objects) {
    if (!LOG_NAME.test(object.key)) continue;
    // One object shape for every ref (a month is millions of them): fields written out, not spread.
    refs.push({
      key: object.key,
      size: object.size,
      source,
      accountId: location.accountId,
      region: location.region,
      deliveryDay: day,
      organizationId: location.organizationId,
    });
  }
  return refs;
}

/** A store that lists in key order (`ObjectStore.listAfter`: S3). */
export type KeyOrderedStore = ObjectStore & Required<Pick<ObjectStore, 'listAfter'>>;

export function listsInKeyOrder(store: ObjectStore): store is KeyOrderedStore {
  return store.listAfter !== undefined;
}

/** Objects handed on at once while a month is listed in key order: reading starts after the first page. */
const MONTH_BATCH = 1000;

/**
 * The objects directly in the day folders `first` to `last` (`DD`) of a month (`.../YYYY/MM/`),
 * from one listing in key order (`listAfter`): from the first day's folder on, stopped at the
 * first key past the last day's folder (keys come in order, so none of the days can follow it).
 * What is deeper than a day folder, or beside the day folders, is left out, as a delimiter
 * listing of each day folder would leave it out.
 */
export async function* monthInKeyOrder(
  store: KeyOrderedStore,
  monthPrefix: string,
  first: string,
  last: string,
): AsyncGenerator<{ dd: string; object: StoredObject }> {
  for await (const object of store.listAfter(monthPrefix, `${monthPrefix}${first}`)) {
    const rest = object.key.slice(monthPrefix.length);
    const dd = rest.slice(0, 2);
    if (dd > last) return;
    // `DD/name`: a day folder's own object (the listing holds only keys below `monthPrefix`).
    if (rest.charCodeAt(2) === 0x2f && rest.indexOf('/', 3) === -1) yield { dd, object };
  }
}

/**
 * One month of a trail folder from a store that lists in key order (S3): one listing from the
 * first wanted day's folder to past the last (`monthInKeyOrder`), where a delimiter listing per
 * day folder costs a request per day: a quiet region's month (a few files a day, most of an
 * organization's regions) is one request, not 32 (the month folder, then 31 day folders).
 * Yields a day's refs at each change of day and every `MONTH_BATCH` objects, so reading starts
 * after the first page.
 */
async function* monthRefs(
  store: KeyOrderedStore,
  location: TrailLocation,
  month: string,
  wanted: ReadonlySet<string>,
  source: string,
  problems: SourceProblem[],
): AsyncGenerator<LogObjectRef[]> {
  const [yyyy, mm] = month.split('-');
  const monthPrefix = `${location.prefix}${yyyy}/${mm}/`;
  const dds = [...wanted].map((day) => day.slice(8)).sort();
  let day = '';
  let batch: StoredObject[] = [];
  try {
    for await (const { dd, object } of monthInKeyOrder(store, monthPrefix, dds[0], dds[dds.length - 1])) {
      const objectDay = `${month}-${dd}`;
      if (!wanted.has(objectDay)) continue;
      if (objectDay !== day || batch.length >= MONTH_BATCH) {
        if (batch.length > 0) yield logRefs(batch, source, location, day);
        batch = [];
        day = objectDay;
      }
      batch.push(object);
    }
  } catch (error) {
    if (isFatalStoreError(error)) throw error;
    problems.push(unlistedProblem(store, monthPrefix, error));
  }
  if (batch.length > 0) yield logRefs(batch, source, location, day);
}

/**
 * The log objects of one trail folder for the given UTC delivery days, a day folder or a page
 * at a time (so reading starts after the first, not after the whole location). A store that
 * lists in key order lists each month once (`monthRefs`); otherwise the year/month
 * folders are listed first so that only day folders that exist are listed.
 */
export async function* logObjectsByDay(store: ObjectStore, location: TrailLocation, days: readonly string[], problems: SourceProblem[]): AsyncGenerator<LogObjectRef[]> {
  const months = new Map<string, Set<string>>();
  for (const day of days) {
    const month = day.slice(0, 7);
    if (!months.has(month)) months.set(month, new Set());
    months.get(month)!.add(day);
  }
  const source = sourceBase(store);
  for (const [month, wanted] of months) {
    if (listsInKeyOrder(store)) {
      yield* monthRefs(store, location, month, wanted, source, problems);
      continue;
    }
    const [yyyy, mm] = month.split('-');
    const monthPrefix = `${location.prefix}${yyyy}/${mm}/`;
    const { prefixes } = await children(store, monthPrefix, problems);
    for (const dayPrefix of prefixes) {
      const dd = lastSegment(dayPrefix);
      const day = `${yyyy}-${mm}-${dd}`;
      if (!wanted.has(day)) continue;
      const { objects } = await children(store, dayPrefix, problems);
      const refs = logRefs(objects, source, location, day);
      if (refs.length > 0) yield refs;
    }
  }
}

/**
 * Every log-like file below the store's root, for a plain folder of log files, as the listing
 * goes: not digest files nor Insights events (`NOT_A_LOG`), which the trail layout skips too.
 */
export async function* looseLogObjects(store: ObjectStore, problems: SourceProblem[]): AsyncGenerator<LogObjectRef> {
  try {
    for await (const object of store.listAll(store.rootPrefix)) {
      const problem = listingProblem(object);
      if (problem !== null) {
        if (unfollowedMatters(object, isLooseLogKey)) problems.push({ key: object.key, source: store.label, reason: problem });
        continue;
      }
      if (object.key.endsWith('/') || !isLooseLogKey(object.key)) continue;
      yield { ...object, source: sourceBase(store), accountId: null, region: null, deliveryDay: null, organizationId: null };
    }
  } catch (error) {
    if (isFatalStoreError(error)) throw error;
    problems.push(unlistedProblem(store, store.rootPrefix, error));
  }
}
