import {
  DescribeOrganizationCommand,
  DescribeOrganizationalUnitCommand,
  OrganizationsClient,
  paginateListAccounts,
  paginateListAccountsForParent,
  paginateListOrganizationalUnitsForParent,
  paginateListParents,
  paginateListRoots,
  paginateListTagsForResource,
  type Account,
} from '@aws-sdk/client-organizations';
import { timedRequestHandler } from '../aws-http.js';
import type { OrgAccount, ResolvedAccounts } from '../types.js';
import { classifyAwsFailure, describeAwsFailure } from './aws-errors.js';
import { compareText } from '../unicode.js';

/** Organizations allows a few requests per second per account: stay well under it. */
export const DEFAULT_ORGANIZATIONS_CONCURRENCY = 5;

// The root of an organization is always called "Root"; shown that way whatever its id.
const ROOT_NAME = 'Root';
const ACCOUNT_ID = /^\d{12}$/;

export interface OrganizationsClientOptions {
  profile?: string;
  region?: string;
  /**
   * Time allowed to receive a response's headers, and between two chunks of a body (ms), per
   * attempt; default {@link DEFAULT_ORGANIZATIONS_TIMEOUT_MS}. Tests pass a short one (an endpoint
   * that never answers then fails in a fraction of a second instead of 30 s per attempt).
   */
  timeoutMs?: number;
}

export const DEFAULT_ORGANIZATIONS_TIMEOUT_MS = 30_000;

/**
 * An Organizations client on the SDK's default credential chain, endpoint settings
 * (`AWS_ENDPOINT_URL_ORGANIZATIONS`) and retry settings (`AWS_MAX_ATTEMPTS`, `AWS_RETRY_MODE`, else
 * `max_attempts`, `retry_mode` in the profile's section of the config file: the SDK reads them).
 * Organizations is a global service, so a machine with no region configured gets us-east-1
 * rather than a "Region is missing" error; a configured region still picks the partition.
 */
export async function createOrganizationsClient(options: OrganizationsClientOptions = {}): Promise<OrganizationsClient> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_ORGANIZATIONS_TIMEOUT_MS;
  const base = () => ({
    ...(options.profile ? { profile: options.profile } : {}),
    requestHandler: timedRequestHandler(timeoutMs),
  });
  if (options.region) return new OrganizationsClient({ ...base(), region: options.region });
  const probe = new OrganizationsClient(base());
  try {
    await probe.config.region();
    return probe;
  } catch {
    probe.destroy();
    return new OrganizationsClient({ ...base(), region: 'us-east-1' });
  }
}

export interface FetchOrganizationOptions {
  /** Also read each account's tags (one more request per account). */
  tags: boolean;
  /** Requests in flight at once; default {@link DEFAULT_ORGANIZATIONS_CONCURRENCY}. */
  concurrency?: number;
}

/**
 * Every account of the organization with its OU path ("Root/Workloads/Prod") and, on request, tags.
 * Throws when the organization or its account list cannot be read, and on unusable credentials.
 * OU paths or tags that cannot be read (refused, or any other failure: throttled beyond the SDK's
 * retries, timed out, a service error) are left empty and explained in `note`, since names alone
 * are worth having.
 */
export async function fetchOrganizationAccounts(
  client: OrganizationsClient,
  options: FetchOrganizationOptions,
): Promise<ResolvedAccounts> {
  const { Organization: organization } = await client.send(new DescribeOrganizationCommand({}));

  const listed = new Map<string, Account>();
  for await (const page of paginateListAccounts({ client }, {})) {
    for (const account of page.Accounts ?? []) {
      if (account.Id && ACCOUNT_ID.test(account.Id) && !listed.has(account.Id)) listed.set(account.Id, account);
    }
  }

  const concurrency = options.concurrency ?? DEFAULT_ORGANIZATIONS_CONCURRENCY;
  // Why a part (OU paths, tags) stopped being read, and for how many accounts it is missing.
  // After its first failure a part is not asked again: a refusal will not change, and a throttled
  // or unreachable Organizations asked once per remaining account would only be throttled more or
  // wait out a timeout per account. Credential failures are thrown: the caller's fallback and its
  // "log in" error apply to them.
  const stopped = new Map<Part, { reason: string; refused: boolean }>();
  const missing: Record<Part, number> = { ou: 0, tags: 0 };
  const stop = (part: Part, error: unknown): void => {
    const failure = classifyAwsFailure(error);
    if (failure === 'credentials') throw error;
    if (!stopped.has(part)) stopped.set(part, { reason: describeAwsFailure(error), refused: failure === 'not-allowed' });
  };
  const unlessFailed = async <T>(part: Part, empty: T, read: () => Promise<T>): Promise<T> => {
    if (!stopped.has(part)) {
      try {
        return await read();
      } catch (error) {
        stop(part, error);
      }
    }
    missing[part] += 1;
    return empty;
  };

  // OU paths from the root down: a few requests per OU, not one per account. Where that walk
  // is not allowed (a policy granting only ListParents and DescribeOrganizationalUnit, as this
  // tool's older documentation asked), or an account was not met on it (moved meanwhile), the
  // account's path is walked up from it instead. A walk that failed otherwise keeps the paths
  // it found; the others are left empty rather than asked of the same failing service per account.
  const walk = await walkDown(client, concurrency);
  if (walk.failure !== null) stop('ou', walk.failure);
  const ouPaths = new OuPathResolver(client);

  const accounts = await mapLimit([...listed.values()], concurrency, async (account) => {
    const id = account.Id as string;
    const ouPath = walk.paths.get(id) ?? (await unlessFailed('ou', null, () => ouPaths.ofChild(id).catch(unlessGone(null))));
    const tags = options.tags ? await unlessFailed('tags', {}, () => readTags(client, id)) : {};
    return {
      id,
      name: account.Name || null,
      email: account.Email || null,
      state: account.State || account.Status || null,
      ouPath,
      tags,
    } satisfies OrgAccount;
  });
  accounts.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

  const notes: string[] = [];
  for (const [part, what] of [
    ['ou', 'OU paths'],
    ['tags', 'account tags'],
  ] as const) {
    const why = stopped.get(part);
    if (!why) continue;
    // A refusal: the part is not readable at all. Anything else: say how much is missing.
    if (why.refused) notes.push(`${what} not readable (${why.reason})`);
    else if (missing[part] > 0) notes.push(`${what} not read for ${missing[part]} of ${accounts.length} accounts (${why.reason})`);
  }
  return {
    organizationId: organization?.Id ?? null,
    managementAccountId: organization?.MasterAccountId ?? null,
    from: 'organizations',
    note: notes.length > 0 ? notes.join('; ') : null,
    accounts,
  };
}

type Part = 'ou' | 'tags';

/**
 * An account or OU removed or moved while the tree is walked: walking up, it has no path (`null`);
 * walking down, an OU gone has nothing below it (`[]`, its accounts are then walked up from).
 * Any other failure is thrown.
 */
const GONE = new Set(['ChildNotFoundException', 'OrganizationalUnitNotFoundException', 'ParentNotFoundException']);
function unlessGone<T>(value: T): (error: unknown) => T {
  return (error) => {
    if (error instanceof Error && GONE.has(error.name)) return value;
    throw error;
  };
}

/**
 * Every account's OU path, walking the organization from its root down: per container (the
 * root, then each OU), its accounts and its child OUs, a page of up to 20 each. An organization
 * of 992 accounts in 50 OUs takes 148 requests this way, against 1,092 walking up from each
 * account (a test's loopback server), and Organizations allows only a few requests a second.
 * No paths when the walk is not allowed (the caller walks up instead); on another failure, the
 * paths found before it and the failure, which the caller reports (credential failures included).
 */
async function walkDown(client: OrganizationsClient, concurrency: number): Promise<{ paths: Map<string, string>; failure: unknown }> {
  const paths = new Map<string, string>();
  // AWS has no cycles of OUs; a forged or broken endpoint could, and the walk must end.
  const seen = new Set<string>();
  type Container = { id: string; path: string };
  // A container's accounts (their path noted), and its child OUs with their paths.
  const walkContainer = async (container: Container): Promise<Container[]> => {
    for await (const page of paginateListAccountsForParent({ client }, { ParentId: container.id })) {
      for (const account of page?.Accounts ?? []) if (account.Id && !paths.has(account.Id)) paths.set(account.Id, container.path);
    }
    const children: Container[] = [];
    for await (const page of paginateListOrganizationalUnitsForParent({ client }, { ParentId: container.id })) {
      for (const ou of page?.OrganizationalUnits ?? []) {
        if (ou.Id && !seen.has(ou.Id)) {
          seen.add(ou.Id);
          children.push({ id: ou.Id, path: `${container.path}/${ou.Name || ou.Id}` });
        }
      }
    }
    return children;
  };
  try {
    let level: Container[] = [];
    for await (const page of paginateListRoots({ client }, {})) {
      for (const root of page?.Roots ?? []) {
        if (root.Id && !seen.has(root.Id)) {
          seen.add(root.Id);
          level.push({ id: root.Id, path: ROOT_NAME });
        }
      }
    }
    while (level.length > 0) level = (await mapLimit(level, concurrency, (container) => walkContainer(container).catch(unlessGone<Container[]>([])))).flat();
  } catch (error) {
    if (classifyAwsFailure(error) === 'not-allowed') return { paths: new Map(), failure: null };
    // Requests still in flight may add paths after this: each is right, and only adds to the map.
    return { paths, failure: error };
  }
  return { paths, failure: null };
}

/**
 * OU paths by walking ListParents up to the root (where the walk down is not allowed, and for
 * an account the walk down did not meet). Each OU is looked up once (its parent and its
 * name), however many accounts sit below it; concurrent walks share the same pending lookup.
 */
class OuPathResolver {
  private readonly ouPaths = new Map<string, Promise<string | null>>();

  constructor(private readonly client: OrganizationsClient) {}

  /** Path of the container holding `childId` (an account or OU id); null when it has no parent. */
  async ofChild(childId: string, below: ReadonlySet<string> = new Set()): Promise<string | null> {
    const parent = await this.parentOf(childId);
    if (!parent) return null;
    if (parent.type === 'ROOT') return ROOT_NAME;
    return this.ofOu(parent.id, below);
  }

  private ofOu(ouId: string, below: ReadonlySet<string>): Promise<string | null> {
    // A parent cycle cannot happen in AWS, but waiting on our own pending lookup would hang forever.
    if (below.has(ouId)) return Promise.reject(new Error(`Organizations returned a cycle of parents at ${ouId}`));
    let pending = this.ouPaths.get(ouId);
    if (!pending) {
      pending = this.lookUpOu(ouId, new Set([...below, ouId]));
      this.ouPaths.set(ouId, pending);
    }
    return pending;
  }

  private async lookUpOu(ouId: string, chain: ReadonlySet<string>): Promise<string | null> {
    // One request after the other, so a walk holds a single slot of the caller's concurrency.
    const parentPath = await this.ofChild(ouId, chain);
    const { OrganizationalUnit: ou } = await this.client.send(
      new DescribeOrganizationalUnitCommand({ OrganizationalUnitId: ouId }),
    );
    const name = ou?.Name || ouId;
    return parentPath === null ? null : `${parentPath}/${name}`;
  }

  private async parentOf(childId: string): Promise<{ id: string; type: string } | null> {
    // List operations may return an empty page before the real one: follow NextToken until a parent shows up.
    for await (const page of paginateListParents({ client: this.client }, { ChildId: childId })) {
      const parent = page.Parents?.find((p) => p.Id && p.Type);
      if (parent) return { id: parent.Id as string, type: parent.Type as string };
    }
    return null;
  }
}

async function readTags(client: OrganizationsClient, resourceId: string): Promise<Record<string, string>> {
  const pairs: [string, string][] = [];
  for await (const page of paginateListTagsForResource({ client }, { ResourceId: resourceId })) {
    for (const tag of page.Tags ?? []) {
      if (typeof tag.Key === 'string') pairs.push([tag.Key, tag.Value ?? '']);
    }
  }
  pairs.sort(([a], [b]) => compareText(a, b));
  // fromEntries defines own properties, so a "__proto__" tag key stays a plain key.
  return Object.fromEntries(pairs);
}

/** `fn` over `items` with at most `limit` calls pending; stops starting new calls after a failure. */
async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (!failed && next < items.length) {
      const index = next++;
      try {
        results[index] = await fn(items[index] as T);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  const workers = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker);
  await Promise.all(workers);
  return results;
}
