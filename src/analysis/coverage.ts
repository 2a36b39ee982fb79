import type { AccountCoverage, AccountInfo, AthenaCoverage, Coverage, IotEvent, LateDelivery, Period, RecordsWithoutTime, ResolvedAccounts, SourceProblem } from '../types.js';
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

/**
 * What the Athena queries returned, apart from the files: their rows are no log files, so they
 * are counted in their own units (`Coverage.athena`, `AccountCoverage.athenaPartitions`).
 */
export interface AthenaRead extends Omit<AthenaCoverage, 'partitions'> {
  /** Account, region and UTC delivery-day partitions that returned a row, each once over every table. */
  partitions: readonly { accountId: string; region: string; day: string }[];
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
export function accountInfos(resolved: ResolvedAccounts, input: CoverageInput, events: readonly IotEvent[], athena: AthenaRead | null = null): AccountInfo[] {
  const withLogs = new Set<string>();
  for (const l of input.delivered.locations) if (l.files > 0) withLogs.add(l.accountId);
  // A partition that returned a row holds logs, though no file was read here.
  for (const p of athena?.partitions ?? []) withLogs.add(p.accountId);
  // A plain folder of files has no account in its keys: the events say which accounts delivered.
  if (input.delivered.loose) for (let i = 0; i < events.length; i++) withLogs.add(events[i]!.accountId);

  const known = resolved.from !== 'logs';
  const out = new Map<string, AccountInfo>();
  for (const a of resolved.accounts) {
    out.set(a.id, { id: a.id, name: a.name, email: a.email, state: a.state, ouPath: a.ouPath, inOrganization: known, hasLogs: withLogs.has(a.id), tags: a.tags });
  }
  const seen = new Set<string>(withLogs);
  for (let i = 0; i < events.length; i++) seen.add(events[i]!.accountId);
  // An account whose trail folder a source holds is known, whether or not it delivered logs.
  for (const id of input.delivered.trailAccounts) seen.add(id);
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
 * `athena`: what the Athena tables among the sources returned (null: none is), counted apart
 * from the log files.
 */
export function coverageOf(
  input: CoverageInput,
  accounts: readonly AccountInfo[],
  period: Period,
  organizationKnown: boolean,
  filters: { accounts: readonly string[]; regions: readonly string[] },
  athena: AthenaRead | null = null,
): Coverage {
  const askedFor = filters.accounts.length === 0 ? () => true : (id: string) => filters.accounts.includes(id);
  const periodDaySet = new Set(deliveryDays(period, 0));
  // Days after the period's last UTC day (`--late-days`): their files are read for the period's
  // last events, delivered late. Counted in `files`, and said apart (`late`), not left out of the days unsaid.
  type Read = { files: number; athenaPartitions: number; days: Set<string>; late: { files: number; athenaPartitions: number; days: Set<string> } };
  const perAccount = new Map<string, Map<string, Read>>();
  const readIn = (accountId: string, region: string): Read => {
    const regions = perAccount.get(accountId) ?? new Map<string, Read>();
    perAccount.set(accountId, regions);
    const read = regions.get(region) ?? { files: 0, athenaPartitions: 0, days: new Set<string>(), late: { files: 0, athenaPartitions: 0, days: new Set<string>() } };
    regions.set(region, read);
    return read;
  };
  for (const l of input.delivered.locations) {
    const read = readIn(l.accountId, l.region);
    read.files += l.files;
    for (const { day, files } of l.days) {
      if (periodDaySet.has(day)) read.days.add(day);
      else {
        read.late.files += files;
        read.late.days.add(day);
      }
    }
  }
  for (const p of athena?.partitions ?? []) {
    const read = readIn(p.accountId, p.region);
    read.athenaPartitions++;
    if (periodDaySet.has(p.day)) read.days.add(p.day);
    else {
      read.late.athenaPartitions++;
      read.late.days.add(p.day);
    }
  }
  const nameOf = new Map(accounts.map((a) => [a.id, a]));
  const accountCoverage: AccountCoverage[] = [...new Set([...accounts.map((a) => a.id).filter(askedFor), ...perAccount.keys()])]
    .sort()
    .map((accountId) => {
      const regions = perAccount.get(accountId) ?? new Map<string, Read>();
      const regionList = [...regions.entries()]
        .map(([region, r]) => ({
          region,
          files: r.files,
          athenaPartitions: r.athenaPartitions,
          days: [...r.days].sort(),
          late: { files: r.late.files, athenaPartitions: r.late.athenaPartitions, days: [...r.late.days].sort() },
        }))
        .sort(byString((r) => r.region));
      return {
        accountId,
        accountName: nameOf.get(accountId)?.name ?? null,
        inOrganization: nameOf.get(accountId)?.inOrganization ?? false,
        files: regionList.reduce((n, r) => n + r.files, 0),
        athenaPartitions: regionList.reduce((n, r) => n + r.athenaPartitions, 0),
        regions: regionList,
        days: [...new Set(regionList.flatMap((r) => r.days))].sort(),
        late: lateOf(regionList.map((r) => r.late)),
      };
    });
  const sortedDays = [...input.days].sort();
  const notRead = unreadAccounts(input.problems, athena !== null);
  // Accounts asked for by id are looked for whether or not a list has them (a mistyped id, an
  // account outside the organization): one that gave nothing is without logs, never left unsaid.
  // The accounts whose trail folder is there and held no log file of the period (an account that
  // stopped delivering), whether or not a list has them; with a list, its accounts that gave nothing too.
  const trailAccounts = new Set(input.delivered.trailAccounts);
  const noLogRead =
    filters.accounts.length > 0
      ? coveredIds(accounts, filters.accounts)
          .filter((id) => !(nameOf.get(id)?.hasLogs ?? false))
          .sort()
      : accounts.filter((a) => !a.hasLogs && (trailAccounts.has(a.id) || (organizationKnown && a.inOrganization))).map((a) => a.id);
  const notInOrganization = accountsNotInOrganization(accounts, organizationKnown, filters.accounts);
  return {
    accountsCovered: { total: coveredIds(accounts, filters.accounts).length, notInOrganization: notInOrganization.length },
    accountsWithoutLogs: noLogRead.filter((id) => !notRead(id)),
    accountsNotRead: noLogRead.filter(notRead),
    accountsNotInOrganization: notInOrganization,
    unreadableFiles: input.unreadable.map((u) => ({ key: u.key, source: u.source, reason: u.reason })),
    sourceProblems: input.problems.map((p) => ({ key: p.key, source: p.source, reason: p.reason })),
    filesRead: input.stats.filesRead,
    // Every unreadable file was read (and counted in `filesRead`): the rest were readable.
    filesReadable: input.stats.filesRead - input.unreadable.length,
    bytesRead: input.stats.bytesRead,
    recordsRead: input.stats.recordsRead,
    athena: athena === null ? null : { partitions: athena.partitions.length, rowsRead: athena.rowsRead, dataScannedBytes: athena.dataScannedBytes },
    iotRecords: input.stats.iotRecords,
    duplicatesDropped: input.stats.duplicatesDropped,
    iotRecordsWithoutTime: input.withoutTime,
    iotRecordsWithoutName: input.withoutName,
    daysRead: sortedDays.length > 0 ? { first: sortedDays[0], last: sortedDays[sortedDays.length - 1] } : null,
    late: { ...lateOf(accountCoverage.map((a) => a.late)), days: sortedDays.filter((d) => !periodDaySet.has(d)) },
    perAccount: accountCoverage,
  };
}

/** The accounts the report covers (`Coverage.accountsCovered.total`): those asked for (each once), else every account known. */
export const coveredIds = (accounts: readonly AccountInfo[], askedFor: readonly string[]): string[] =>
  askedFor.length > 0 ? [...new Set(askedFor)] : accounts.map((a) => a.id);

/**
 * `Coverage.accountsNotInOrganization`: the accounts covered that the organization's list (or the
 * accounts file) does not have, with logs or without (none when no list is known), sorted.
 */
export function accountsNotInOrganization(accounts: readonly AccountInfo[], organizationKnown: boolean, askedFor: readonly string[]): string[] {
  if (!organizationKnown) return [];
  const listed = new Set(accounts.filter((a) => a.inOrganization).map((a) => a.id));
  return coveredIds(accounts, askedFor)
    .filter((id) => !listed.has(id))
    .sort();
}

/** The late deliveries of several places added up, their days merged. */
function lateOf(parts: readonly LateDelivery[]): LateDelivery {
  return {
    files: parts.reduce((n, p) => n + p.files, 0),
    athenaPartitions: parts.reduce((n, p) => n + p.athenaPartitions, 0),
    days: [...new Set(parts.flatMap((p) => p.days))].sort(),
  };
}
