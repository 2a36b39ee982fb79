import { ACCOUNT_ID, ORG_ID, isFatalStoreError } from '../cloudtrail/layout.js';
import { oneLine } from '../errors.js';
import type { ObjectStore, StoredObject } from '../types.js';

const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;
const AWSLOGS_SEARCH_DEPTH = 4;
const AWSLOGS_SEARCH_BUDGET = 200;

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

export interface LocationFilter {
  accounts?: readonly string[];
  regions?: readonly string[];
}

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

/**
 * Delimiter listings through a gate, each prefix listed once per scope, with what
 * could not be listed recorded instead of thrown. `scope()` gives a lister with its
 * own cache (dropped with it) and the same counters.
 */
export class Lister {
  private readonly cache = new Map<string, Promise<{ prefixes: string[]; objects: StoredObject[] }>>();

  constructor(
    private readonly gate: Gate = (call) => call(),
    private readonly shared: { calls: number; failures: { store: ObjectStore; prefix: string; reason: string }[] } = { calls: 0, failures: [] },
  ) {}

  get calls(): number {
    return this.shared.calls;
  }

  get failures(): readonly { store: ObjectStore; prefix: string; reason: string }[] {
    return this.shared.failures;
  }

  scope(): Lister {
    return new Lister(this.gate, this.shared);
  }

  /** Lists once per store and prefix; a fatal store error (no bucket, no credentials) is thrown. */
  list(store: ObjectStore, prefix: string): Promise<{ prefixes: string[]; objects: StoredObject[] }> {
    const id = `${store.label}\n${prefix}`;
    let pending = this.cache.get(id);
    if (pending === undefined) {
      this.shared.calls++;
      pending = this.gate(() => store.listChildren(prefix)).catch((error: unknown) => {
        if (isFatalStoreError(error)) throw error;
        this.shared.failures.push({ store, prefix, reason: oneLine(error) });
        return { prefixes: [], objects: [] };
      });
      this.cache.set(id, pending);
    }
    return pending;
  }
}

function lastSegment(prefix: string): string {
  const parts = prefix.split('/').filter(Boolean);
  return parts[parts.length - 1] ?? '';
}

function allowed(value: string, list: readonly string[] | undefined): boolean {
  return list === undefined || list.length === 0 || list.includes(value);
}

/**
 * The `AWSLogs/`-level folders of a store: its root when the root already points
 * inside `AWSLogs/` (the rest narrows to an organization or account), else found by
 * delimiter listings a few levels down. A root whose children are `o-...` or
 * account folders (a copy of `AWSLogs/` itself) counts as one.
 */
async function findAwsLogsLevels(store: ObjectStore, lister: Lister): Promise<{ base: string; narrow: string[] }[]> {
  const root = store.rootPrefix;
  const inside = /^(.*?(?:^|\/)AWSLogs\/)(.*)$/.exec(root);
  if (inside) return [{ base: inside[1], narrow: inside[2].split('/').filter(Boolean) }];

  const found: { base: string; narrow: string[] }[] = [];
  let level = [root];
  let budget = AWSLOGS_SEARCH_BUDGET;
  for (let depth = 0; depth < AWSLOGS_SEARCH_DEPTH && level.length > 0 && found.length === 0; depth++) {
    const next: string[] = [];
    for (const prefix of level) {
      if (budget-- <= 0) break;
      const { prefixes } = await lister.list(store, prefix);
      if (depth === 0 && prefixes.some((p) => ORG_ID.test(lastSegment(p)) || ACCOUNT_ID.test(lastSegment(p)))) {
        return [{ base: prefix, narrow: [] }];
      }
      for (const child of prefixes) {
        if (lastSegment(child) === 'AWSLogs') found.push({ base: child, narrow: [] });
        else next.push(child);
      }
    }
    level = next;
  }
  return found;
}

/** Account folders (`.../<acct>/`) below the `AWSLogs/` levels, with their organization. */
async function findAccounts(store: ObjectStore, lister: Lister, filter: LocationFilter): Promise<{ prefix: string; organizationId: string | null; accountId: string }[]> {
  const accounts: { prefix: string; organizationId: string | null; accountId: string }[] = [];
  for (const { base, narrow } of await findAwsLogsLevels(store, lister)) {
    const rest = [...narrow];
    const orgNarrow = rest[0] !== undefined && ORG_ID.test(rest[0]) ? rest.shift() : undefined;
    const accountNarrow = rest[0] !== undefined && ACCOUNT_ID.test(rest[0]) ? rest.shift() : undefined;
    const top = orgNarrow !== undefined ? [`${base}${orgNarrow}/`] : (await lister.list(store, base)).prefixes;
    const add = (prefix: string, organizationId: string | null) => {
      const accountId = lastSegment(prefix);
      if (!ACCOUNT_ID.test(accountId) || !allowed(accountId, filter.accounts)) return;
      if (accountNarrow !== undefined && accountId !== accountNarrow) return;
      accounts.push({ prefix, organizationId, accountId });
    };
    for (const child of top) {
      const name = lastSegment(child);
      if (ORG_ID.test(name)) {
        const children = accountNarrow !== undefined ? [`${child}${accountNarrow}/`] : (await lister.list(store, child)).prefixes;
        for (const accountPrefix of children) add(accountPrefix, name);
      } else {
        add(child, null);
      }
    }
  }
  return accounts;
}

/**
 * Every account and region of a store that has a digest folder or a log folder,
 * for the accounts and regions asked for, found with delimiter listings only:
 * `AWSLogs/`, `AWSLogs/o-.../`, then `<acct>/CloudTrail-Digest/` and `<acct>/CloudTrail/`.
 */
export async function discoverLocations(store: ObjectStore, lister: Lister, filter: LocationFilter = {}): Promise<IntegrityLocation[]> {
  const byKey = new Map<string, IntegrityLocation>();
  for (const account of await findAccounts(store, lister, filter)) {
    for (const [folder, field] of [
      ['CloudTrail-Digest/', 'digestPrefix'],
      ['CloudTrail/', 'logPrefix'],
    ] as const) {
      const { prefixes } = await lister.list(store, `${account.prefix}${folder}`);
      for (const regionPrefix of prefixes) {
        const region = lastSegment(regionPrefix);
        if (!REGION.test(region) || !allowed(region, filter.regions)) continue;
        const id = `${account.prefix}\n${region}`;
        let location = byKey.get(id);
        if (location === undefined) {
          location = { store, organizationId: account.organizationId, accountId: account.accountId, region, digestPrefix: null, logPrefix: null };
          byKey.set(id, location);
        }
        location[field] = regionPrefix;
      }
    }
  }
  return [...byKey.values()].sort((a, b) => a.accountId.localeCompare(b.accountId) || a.region.localeCompare(b.region));
}
