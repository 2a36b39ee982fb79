import type { IntegrityChain, IntegrityReport, IntegrityVerdict } from '../report/model.js';
import type { IntegrityChainResult, IntegrityResult, LogFileStatus } from './types.js';
import { compareText } from '../unicode.js';
import { trailKey, trailsOfKeys } from './keys.js';

const STATUS_ORDER: IntegrityChain['status'][] = ['valid', 'incomplete', 'invalid'];

/** The report's events by what the check found of their log files (`countEvents`). */
export type EventCounts = Pick<IntegrityReport, 'eventsValid' | 'eventsModified' | 'eventsMissing' | 'eventsNotCovered' | 'eventsUnchecked'>;

/**
 * The report model's Integrity section from a check's result: one row per account
 * and region (sources and trails merged), every problem, the notes, and the verdict.
 * `eventsUnchecked`: the report's events from log files the check could not prove (counted
 * once the events are marked, `logFileIntegrity`), which the verdict depends on.
 */
export function toIntegrityReport(result: IntegrityResult, accountName: (accountId: string) => string | null, events: EventCounts): IntegrityReport {
  const rows = new Map<string, IntegrityChain>();
  for (const chain of result.chains) {
    const id = `${chain.accountId}\n${chain.region}`;
    const row = rows.get(id);
    rows.set(id, row === undefined ? fromChain(chain, accountName(chain.accountId)) : merge(row, chain));
  }
  const chains = [...rows.values()].sort((a, b) => compareText(a.accountId, b.accountId) || compareText(a.region, b.region));
  const warnings = result.problems.filter((p) => p.severity === 'warning').length;
  const notes = [...result.notes];
  if (warnings > 0) notes.push(`${warnings} of the problems listed are warnings and do not fail the check (outside the period, a chain that begins in it or ends before or begins after it, a newest digest of the late days read past it, log files whose digest is not due yet).`);
  return {
    ok: result.ok,
    chains,
    problems: result.problems.map((p) => ({
      kind: p.kind,
      accountId: p.accountId,
      region: p.region,
      severity: p.severity,
      key: p.key,
      message: p.message,
    })),
    notes,
    ...events,
    verdict: integrityVerdict(result.ok, chains, events.eventsUnchecked),
  };
}

/**
 * `IntegrityReport.verdict`, the one every output shows: a check that failed on an alteration (a
 * chain `invalid`: a digest or log file modified, added, moved or deleted, a digest unreadable, badly
 * signed or signed with an unknown key) is `failed`; one that failed only on what it could not check
 * (no digests, a digest missing, a listing that failed: chains `incomplete`) is `incomplete`, not failed; one that passed is `verified`, in part
 * when some events are from log files it could not prove.
 */
export function integrityVerdict(ok: boolean, chains: readonly Pick<IntegrityChain, 'status'>[], eventsUnchecked: number): IntegrityVerdict {
  if (!ok) return chains.some((c) => c.status === 'invalid') ? 'failed' : 'incomplete';
  return eventsUnchecked > 0 ? 'verified-in-part' : 'verified';
}

/**
 * The report's events by the status of their log files, as `IntegrityReport` counts them: those a
 * check could not prove (`eventsUnchecked`: `unverified`, `no-digests`, or not checked at all, read
 * through Athena) and those of each other status; together, every event.
 */
export function countEvents(events: readonly { integrity: LogFileStatus | null }[]): EventCounts {
  const counts = { eventsValid: 0, eventsModified: 0, eventsMissing: 0, eventsNotCovered: 0, eventsUnchecked: 0 };
  for (const { integrity } of events) {
    if (integrity === 'valid') counts.eventsValid++;
    else if (integrity === 'modified') counts.eventsModified++;
    else if (integrity === 'missing') counts.eventsMissing++;
    else if (integrity === 'not-covered') counts.eventsNotCovered++;
    else counts.eventsUnchecked++;
  }
  return counts;
}

/** The log files a check could not prove either way: the sum of its table's `log unchecked` column (`unverified` and `no-digests` files). */
export function logFilesUnchecked(result: IntegrityResult): number {
  return result.chains.reduce((sum, c) => sum + c.logFilesUnverified, 0);
}

/**
 * `verify`'s verdict: the report's (`integrityVerdict`) for the same check, with the log files the check
 * could not prove where the report counts its events from them (`verify` has no events): a check that
 * passed with log files whose digest is not due yet is verified in part.
 */
export function checkVerdict(result: IntegrityResult): IntegrityVerdict {
  return integrityVerdict(result.ok, result.chains, logFilesUnchecked(result));
}

function fromChain(chain: IntegrityChainResult, accountName: string | null): IntegrityChain {
  return {
    accountId: chain.accountId,
    accountName,
    region: chain.region,
    trails: [...chain.trails],
    trailHomeRegions: chain.trailHomeRegions.map((t) => ({ ...t })),
    digestsValid: chain.digestsValid,
    digestsInvalid: chain.digestsInvalid,
    digestsMissing: chain.digestsMissing,
    digestsUnverified: chain.digestsUnverified,
    logFilesValid: chain.logFilesValid,
    logFilesModified: chain.logFilesModified,
    logFilesMissing: chain.logFilesMissing,
    logFilesNotCovered: chain.logFilesNotCovered,
    logFilesUnverified: chain.logFilesUnverified,
    gaps: chain.gaps.map((g) => ({ from: g.from, to: g.to })),
    status: chain.status,
  };
}

function merge(row: IntegrityChain, chain: IntegrityChainResult): IntegrityChain {
  return {
    ...row,
    digestsValid: row.digestsValid + chain.digestsValid,
    digestsInvalid: row.digestsInvalid + chain.digestsInvalid,
    digestsMissing: row.digestsMissing + chain.digestsMissing,
    ...trailsOfKeys([...row.trailHomeRegions, ...chain.trailHomeRegions].map((t) => trailKey({ trailName: t.trail, homeRegion: t.homeRegion }))),
    digestsUnverified: row.digestsUnverified + chain.digestsUnverified,
    logFilesValid: row.logFilesValid + chain.logFilesValid,
    logFilesModified: row.logFilesModified + chain.logFilesModified,
    logFilesMissing: row.logFilesMissing + chain.logFilesMissing,
    logFilesNotCovered: row.logFilesNotCovered + chain.logFilesNotCovered,
    logFilesUnverified: row.logFilesUnverified + chain.logFilesUnverified,
    gaps: [...row.gaps, ...chain.gaps.map((g) => ({ from: g.from, to: g.to }))].sort((a, b) => compareText(a.from, b.from)),
    status: STATUS_ORDER[Math.max(STATUS_ORDER.indexOf(row.status), STATUS_ORDER.indexOf(chain.status))],
  };
}

/** The integrity status of one log object for the report's events: `unverified` when the check did not look at it. */
export function logFileIntegrity(result: IntegrityResult, key: string): LogFileStatus {
  return result.logFiles.get(key) ?? 'unverified';
}
