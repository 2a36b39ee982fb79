import type { AccountCoverage, AccountInfo, Coverage, IotEvent, Period, RecordsWithoutTime, ResolvedAccounts, SourceProblem } from '../types.js';
import { deliveryDays } from '../collect/period.js';
import type { DeliveredFiles } from '../collect/run.js';
import { byString } from './params.js';

export interface CoverageInput {
  delivered: DeliveredFiles;
  unreadable: readonly SourceProblem[];
  problems: readonly SourceProblem[];
  stats: { filesRead: number; bytesRead: number; recordsRead: number; iotRecords: number; duplicatesDropped: number };
  /** IoT records with no usable event time: in no period, so only coverage names them. */
  withoutTime: RecordsWithoutTime;
  /** IoT records with no event name: no event can say what they did, so only coverage names them. */
  withoutName: RecordsWithoutTime;
  /** UTC delivery days whose folders were read. */
  days: readonly string[];
}

/** The account whose folder a key names (`AWSLogs/[o-.../]<account>/...`), or null. */
const ACCOUNT_FOLDER = /(?:^|\/)AWSLogs\/(?:o-[a-z0-9]{10,32}\/)?(\d{12})(?:\/|$)/;

/**
 * Accounts this run could not have read logs of: one whose folder (or a file in it) a source
 * problem names (a refused listing or read); any, when a listing that failed may hide every
 * account's trail folders (`unlisted.hides`: `AWSLogs/`, an organization's folder, a folder above
 * them, any folder of a source in which no trail was found; not a branch beside the trail, such
 * as another team's `elb-logs/` in a shared bucket), or when an Athena table is among the sources
 * (it returns IoT events only, so an account without one may have logs).
 */
function unreadAccounts(problems: readonly SourceProblem[], athena: boolean): (accountId: string) => boolean {
  if (athena) return () => true;
  const refused = new Set<string>();
  for (const p of problems) {
    const m = ACCOUNT_FOLDER.exec(p.key);
    if (m) refused.add(m[1]!);
    else if (p.unlisted?.hides === 'accounts') return () => true;
  }
  return (accountId) => refused.has(accountId);
}

/**
 * Every account known: the organization's (or the accounts file's) and those seen
 * in the logs' keys or events. Accounts not in the organization's list are only
 * called so when a list was known.
 */
export function accountInfos(resolved: ResolvedAccounts, input: CoverageInput, events: readonly IotEvent[]): AccountInfo[] {
  const withLogs = new Set<string>();
  for (const l of input.delivered.locations) if (l.files > 0) withLogs.add(l.accountId);
  // A plain folder of files has no account in its keys: the events say which accounts delivered.
  if (input.delivered.loose) for (let i = 0; i < events.length; i++) withLogs.add(events[i]!.accountId);

  const known = resolved.from !== 'logs';
  const out = new Map<string, AccountInfo>();
  for (const a of resolved.accounts) {
    out.set(a.id, { id: a.id, name: a.name, email: a.email, state: a.state, ouPath: a.ouPath, inOrganization: known, hasLogs: withLogs.has(a.id), tags: a.tags });
  }
  const seen = new Set<string>(withLogs);
  for (let i = 0; i < events.length; i++) seen.add(events[i]!.accountId);
  for (const id of seen) {
    if (out.has(id) || id === 'unknown') continue;
    out.set(id, { id, name: null, email: null, state: null, ouPath: null, inOrganization: false, hasLogs: withLogs.has(id), tags: {} });
  }
  return [...out.values()].sort(byString((a) => a.id));
}

/**
 * What was read, per account, region and UTC delivery day of the period, and what was not.
 * `filters` are the accounts and regions asked for (empty: all): an account left out by
 * `--account` was not read, so it is neither "without logs" nor listed per account (unless
 * logs of it were read anyway); with `--region`, "without logs" means in those regions.
 */
export function coverageOf(
  input: CoverageInput,
  accounts: readonly AccountInfo[],
  period: Period,
  organizationKnown: boolean,
  filters: { accounts: readonly string[]; regions: readonly string[] },
  athena = false,
): Coverage {
  const askedFor = filters.accounts.length === 0 ? () => true : (id: string) => filters.accounts.includes(id);
  const periodDaySet = new Set(deliveryDays(period, 0));
  const perAccount = new Map<string, Map<string, { files: number; days: Set<string> }>>();
  for (const l of input.delivered.locations) {
    const regions = perAccount.get(l.accountId) ?? new Map<string, { files: number; days: Set<string> }>();
    perAccount.set(l.accountId, regions);
    regions.set(l.region, { files: l.files, days: new Set(l.days.filter((d) => periodDaySet.has(d))) });
  }
  const nameOf = new Map(accounts.map((a) => [a.id, a]));
  const accountCoverage: AccountCoverage[] = [...new Set([...accounts.map((a) => a.id).filter(askedFor), ...perAccount.keys()])]
    .sort()
    .map((accountId) => {
      const regions = perAccount.get(accountId) ?? new Map();
      const regionList = [...regions.entries()]
        .map(([region, r]) => ({ region, files: r.files, days: [...r.days].sort() }))
        .sort(byString((r) => r.region));
      return {
        accountId,
        accountName: nameOf.get(accountId)?.name ?? null,
        inOrganization: nameOf.get(accountId)?.inOrganization ?? false,
        files: regionList.reduce((n, r) => n + r.files, 0),
        regions: regionList,
        days: [...new Set(regionList.flatMap((r) => r.days))].sort(),
      };
    });
  const sortedDays = [...input.days].sort();
  const notRead = unreadAccounts(input.problems, athena);
  const noLogRead = organizationKnown ? accounts.filter((a) => a.inOrganization && !a.hasLogs && askedFor(a.id)).map((a) => a.id) : [];
  return {
    accountsWithoutLogs: noLogRead.filter((id) => !notRead(id)),
    accountsNotRead: noLogRead.filter(notRead),
    accountsNotInOrganization: organizationKnown ? accounts.filter((a) => !a.inOrganization && a.hasLogs).map((a) => a.id) : [],
    unreadableFiles: input.unreadable.map((u) => ({ key: u.key, source: u.source, reason: u.reason })),
    sourceProblems: input.problems.map((p) => ({ key: p.key, source: p.source, reason: p.reason })),
    filesRead: input.stats.filesRead,
    bytesRead: input.stats.bytesRead,
    recordsRead: input.stats.recordsRead,
    iotRecords: input.stats.iotRecords,
    duplicatesDropped: input.stats.duplicatesDropped,
    iotRecordsWithoutTime: input.withoutTime,
    iotRecordsWithoutName: input.withoutName,
    daysRead: sortedDays.length > 0 ? { first: sortedDays[0], last: sortedDays[sortedDays.length - 1] } : null,
    perAccount: accountCoverage,
  };
}
