import {
  REGION,
  allowed,
  findAwsLogsLevels,
  isFatalStoreError,
  lastSegment,
  listChildrenAgain,
  listingKey,
  listsInKeyOrder,
  monthInKeyOrder,
  walkAccountFolders,
  type AccountFolder,
  type DiscoveryFilter,
  type DiscoveryListings,
  type Listing,
  type KeyOrderedStore,
} from '../cloudtrail/layout.js';
import { mapLimit } from '../collect/limit.js';
import { oneLine } from '../errors.js';
import { getOrInsert } from '../memo.js';
import type { ObjectStore, SourceProblem, StoredObject } from '../types.js';
import { compareText } from '../unicode.js';

/** A day folder's prefix: `.../YYYY/MM/DD/`. */
const DAY_FOLDER = /\/\d{4}\/\d{2}\/\d{2}\/$/;

/** Accounts whose digest and log folders are listed at once. */
const ACCOUNTS_AT_ONCE = 16;


/** One account and region of a store, with its digest folder and its log folder (either may be absent). */
export interface IntegrityLocation {
  store: ObjectStore;
  organizationId: string | null;
  accountId: string;
  region: string;
  /** `[prefix/]AWSLogs/[o-.../]<acct>/CloudTrail-Digest/<region>/`, or null when there is none. */
  digestPrefix: string | null;
  /** `[prefix/]AWSLogs/[o-.../]<acct>/CloudTrail/<region>/`, or null when there is none. */
  logPrefix: string | null;
}

export type LocationFilter = DiscoveryFilter;

/** Runs an I/O call when a slot is free: bounds what is in flight across the whole check. */
export type Gate = <T>(call: () => Promise<T>) => Promise<T>;

/** A gate letting `limit` calls run at once, the rest waiting in order. */
export function createGate(limit: number): Gate {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async <T>(call: () => Promise<T>): Promise<T> => {
    if (running >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    running++;
    try {
      return await call();
    } finally {
      running--;
      waiting.shift()?.();
    }
  };
}

/** A prefix of a store that was not listed, and why. */
interface Unlisted {
  store: ObjectStore;
  prefix: string;
  reason: string;
}

/**
 * Delimiter listings through a gate, each prefix listed once per scope, with what
 * could not be listed recorded instead of thrown. `scope()` gives a lister with its
 * own cache (dropped with it) and the same counters. `known`: listings the report's read
 * made already (`DiscoveryListings`), answered from there and not sent again.
 */
export class Lister {
  private readonly cache = new Map<string, Promise<Listing>>();

  private readonly shared: { calls: number; failures: Unlisted[]; stopped: Unlisted[]; known?: DiscoveryListings };

  constructor(
    private readonly gate: Gate = (call) => call(),
    known?: DiscoveryListings,
    shared?: Lister['shared'],
  ) {
    this.shared = shared ?? { calls: 0, failures: [], stopped: [], known };
  }

  get calls(): number {
    return this.shared.calls;
  }

  get failures(): readonly Unlisted[] {
    return this.shared.failures;
  }

  /**
   * Folders the search for `AWSLogs/` did not look into, beside the trails it found
   * (`findAwsLogsLevels`): said with the result, as a warning (a bucket that also holds much
   * other data is no failed check), where a listing that failed is an error.
   */
  get searchStopped(): readonly Unlisted[] {
    return this.shared.stopped;
  }

  stopSearch(store: ObjectStore, prefix: string, reason: string): void {
    this.shared.stopped.push({ store, prefix, reason });
  }

  scope(): Lister {
    return new Lister(this.gate, undefined, this.shared);
  }

  /**
   * Day folders (`.../YYYY/MM/DD/`) listed as `list` lists them, answered with one listing per
   * month where the store lists in key order (`listAfter`, S3): from the first of the month's
   * folders to past its last, each object put in its day folder's answer (objects directly in it
   * only, as a delimiter listing gives them). A month of a trail's digests is one request, not
   * one per day folder. Where the month listing fails, each of its days is listed on its own
   * (and its failure noted as `list` notes it).
   */
  async listDays(store: ObjectStore, folders: readonly string[], concurrency: number): Promise<Listing[]> {
    if (listsInKeyOrder(store)) {
      // `.../YYYY/MM/` -> the `DD`s asked for and not listed yet.
      const months = new Map<string, string[]>();
      for (const folder of folders) {
        if (DAY_FOLDER.test(folder) && !this.cache.has(listingKey(store, folder))) getOrInsert(months, folder.slice(0, -3), () => []).push(folder.slice(-3, -1));
      }
      await mapLimit([...months], concurrency, ([month, days]) => this.listMonth(store, month, days));
    }
    return mapLimit(folders, concurrency, (folder) => this.list(store, folder));
  }

  /** One month's day folders from one listing in key order, into the cache; nothing when it fails. */
  private async listMonth(store: KeyOrderedStore, month: string, days: string[]): Promise<void> {
    const sorted = [...days].sort();
    const objects = new Map<string, StoredObject[]>(sorted.map((dd) => [dd, []]));
    this.shared.calls++;
    try {
      await this.gate(async () => {
        for await (const { dd, object } of monthInKeyOrder(store, month, sorted[0], sorted[sorted.length - 1])) objects.get(dd)?.push(object);
      });
    } catch (error) {
      if (isFatalStoreError(error)) throw error;
      return;
    }
    for (const [dd, found] of objects) this.cache.set(listingKey(store, `${month}${dd}/`), Promise.resolve({ prefixes: [], objects: found }));
  }

  /** Lists once per store and prefix; a fatal store error (no bucket, no credentials) is thrown. */
  list(store: ObjectStore, prefix: string): Promise<Listing> {
    const id = listingKey(store, prefix);
    let pending = this.cache.get(id);
    if (pending === undefined) {
      const send = () => {
        this.shared.calls++;
        // As the report's discovery lists: a throttled listing is sent once more (`listChildrenAgain`).
        return this.gate(() => listChildrenAgain(store, prefix));
      };
      const known = this.shared.known?.get(id);
      pending = (known === undefined ? send() : known.catch(send)).catch((error: unknown) => {
        if (isFatalStoreError(error)) throw error;
        this.shared.failures.push({ store, prefix, reason: oneLine(error) });
        return { prefixes: [], objects: [] };
      });
      this.cache.set(id, pending);
    }
    return pending;
  }
}

/** An account folder (`.../<acct>/`) below an `AWSLogs/` level, with its organization and the region it narrows to. */
interface NarrowedAccount extends AccountFolder {
  /**
   * The one region to check, and the trail folder the store's root is in (`CloudTrail/<region>`,
   * `CloudTrail-Digest/<region>`), when the root narrows to a region (`trailNarrowing`).
   */
  region: { name: string; folder: string | undefined } | undefined;
}

/**
 * Account folders below the `AWSLogs/` levels, narrowed as the trail layout narrows a root inside
 * `AWSLogs/` (`walkAccountFolders`, as `discoverTrails` walks them): to its organization, account, and region.
 */
async function findAccounts(store: ObjectStore, lister: Lister, filter: LocationFilter): Promise<NarrowedAccount[]> {
  const list = (prefix: string) => lister.list(store, prefix);
  const accounts: NarrowedAccount[] = [];
  const stopped: SourceProblem[] = [];
  const bases = await findAwsLogsLevels(store, list, stopped);
  // Folders the search for `AWSLogs/` did not look into: a trail there would go unchecked,
  // which the result says (`Lister.searchStopped`).
  for (const p of stopped) lister.stopSearch(store, p.key, p.reason);
  await walkAccountFolders(bases, list, (account, { trailFolder, region }) => {
    if (allowed(account.accountId, filter.accounts)) accounts.push({ ...account, region: region === undefined ? undefined : { name: region, folder: trailFolder } });
  });
  return accounts;
}

/**
 * Every account and region of a store that has a digest folder or a log folder,
 * for the accounts and regions asked for, found with delimiter listings only:
 * `AWSLogs/`, `AWSLogs/o-.../`, then `<acct>/CloudTrail-Digest/` and `<acct>/CloudTrail/`.
 * A store rooted at a region's folder (`<acct>/CloudTrail/<region>`) has that account and
 * region only: its own folder, and the digest folder beside it.
 */
export async function discoverLocations(store: ObjectStore, lister: Lister, filter: LocationFilter = {}): Promise<IntegrityLocation[]> {
  const byKey = new Map<string, IntegrityLocation>();
  // Several accounts at once (the lister's gate bounds the requests): hundreds of accounts are as many round trips.
  await mapLimit(await findAccounts(store, lister, filter), ACCOUNTS_AT_ONCE, async (account) => {
    for (const [folder, field] of [
      ['CloudTrail-Digest', 'digestPrefix'],
      ['CloudTrail', 'logPrefix'],
    ] as const) {
      const trailPrefix = `${account.prefix}${folder}/`;
      // The folder the root is in is not listed from above (S3 permissions may be granted on it only).
      const { prefixes } = account.region?.folder === folder ? { prefixes: [`${trailPrefix}${account.region.name}/`] } : await lister.list(store, trailPrefix);
      for (const regionPrefix of prefixes) {
        const region = lastSegment(regionPrefix);
        if (!REGION.test(region) || !allowed(region, filter.regions)) continue;
        if (account.region !== undefined && region !== account.region.name) continue;
        const id = `${account.prefix}\n${region}`;
        let location = byKey.get(id);
        if (location === undefined) {
          location = { store, organizationId: account.organizationId, accountId: account.accountId, region, digestPrefix: null, logPrefix: null };
          byKey.set(id, location);
        }
        location[field] = regionPrefix;
      }
    }
  });
  return [...byKey.values()].sort((a, b) => compareText(a.accountId, b.accountId) || compareText(a.region, b.region));
}
