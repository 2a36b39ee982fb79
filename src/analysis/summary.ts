import type { AccountInfo, Category, IotEvent, Period, Summary } from '../types.js';
import { countFindingsBySeverity } from './findings.js';
import { dayIn, periodDays } from '../collect/period.js';
import { isDenied } from '../iot/catalog.js';
import { getOrInsert } from '../memo.js';

const CATEGORIES: Category[] = ['certificate', 'policy', 'other'];

function increment<K>(map: Map<K, number>, key: K, by = 1): void {
  map.set(key, (map.get(key) ?? 0) + by);
}

type ActionCount = { category: Category; eventName: string; count: number };

// One function for every category first seen, not a new closure per event.
const newActionMap = () => new Map<string, ActionCount>();

/** The OU row of the accounts the organization's (or the accounts file's) list does not have. */
const NOT_IN_ORGANIZATION = '(not in the organization)';
/** The OU row of the organization's accounts of no known OU (of every account, when no list is known). */
const UNKNOWN_OU = '(unknown)';

/**
 * The counts of the summary section. Read-only calls are never changes. `organizationKnown`: an
 * account list was known (Organizations or an accounts file), so an account outside it is named
 * so by OU, not put among the organization's accounts of unknown OU.
 */
export function summarize(events: readonly IotEvent[], accounts: readonly AccountInfo[], period: Period, organizationKnown: boolean): Summary {
  const byCategory = new Map<Category, number>();
  // Category -> event name -> count, and the entries in order of first appearance.
  const byAction = new Map<Category, Map<string, ActionCount>>();
  const actions: ActionCount[] = [];
  const accountChanges = new Map<string, number>();
  const accountFailures = new Map<string, number>();
  const regionChanges = new Map<string, number>();
  const regionFailures = new Map<string, number>();
  const dayChanges = new Map<string, number>();
  const dayFailures = new Map<string, number>();
  let changes = 0;
  let reads = 0;
  let failed = 0;
  let denied = 0;

  // An indexed loop: this runs for every event, mostly before the JIT has optimized it.
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    if (e.errorCode !== null) {
      failed++;
      if (isDenied(e.errorCode)) denied++;
      increment(accountFailures, e.accountId);
      increment(regionFailures, e.region);
      increment(dayFailures, dayIn(e.eventTime, period.timeZone));
      continue;
    }
    if (e.readOnly) {
      reads++;
      continue;
    }
    changes++;
    increment(byCategory, e.category);
    const named = getOrInsert(byAction, e.category, newActionMap);
    let entry = named.get(e.eventName);
    if (entry === undefined) {
      entry = { category: e.category, eventName: e.eventName, count: 0 };
      named.set(e.eventName, entry);
      actions.push(entry);
    }
    entry.count++;
    increment(accountChanges, e.accountId);
    increment(regionChanges, e.region);
    increment(dayChanges, dayIn(e.eventTime, period.timeZone));
  }

  const accountById = new Map(accounts.map((a) => [a.id, a]));
  const accountIds = [...new Set([...accountChanges.keys(), ...accountFailures.keys()])].sort();
  const byAccount = accountIds.map((id) => {
    const info = accountById.get(id);
    return {
      accountId: id,
      accountName: info?.name ?? null,
      ouPath: info?.ouPath ?? null,
      notInOrganization: organizationKnown && info !== undefined && !info.inOrganization,
      changes: accountChanges.get(id) ?? 0,
      failedAttempts: accountFailures.get(id) ?? 0,
    };
  });
  const ous = new Map<string, { ouPath: string; accounts: number; changes: number; failedAttempts: number }>();
  for (const a of byAccount) {
    const ouPath = a.ouPath ?? (a.notInOrganization ? NOT_IN_ORGANIZATION : UNKNOWN_OU);
    const ou = ous.get(ouPath) ?? { ouPath, accounts: 0, changes: 0, failedAttempts: 0 };
    ou.accounts++;
    ou.changes += a.changes;
    ou.failedAttempts += a.failedAttempts;
    ous.set(ouPath, ou);
  }
  const regions = [...new Set([...regionChanges.keys(), ...regionFailures.keys()])].sort();

  return {
    totalEvents: events.length,
    changes,
    reads,
    failedAttempts: failed,
    deniedAttempts: denied,
    changesByCategory: CATEGORIES.map((category) => ({ category, count: byCategory.get(category) ?? 0 })),
    changesByAction: actions.sort((a, b) => b.count - a.count || (a.eventName < b.eventName ? -1 : a.eventName > b.eventName ? 1 : 0)),
    byAccount,
    byOu: [...ous.values()].sort((a, b) => (a.ouPath < b.ouPath ? -1 : a.ouPath > b.ouPath ? 1 : 0)),
    byRegion: regions.map((region) => ({ region, changes: regionChanges.get(region) ?? 0, failedAttempts: regionFailures.get(region) ?? 0 })),
    byDay: periodDays(period).map((date) => ({ date, changes: dayChanges.get(date) ?? 0, failedAttempts: dayFailures.get(date) ?? 0 })),
    findingsBySeverity: countFindingsBySeverity([]),
  };
}
