import { actorSummaries, deniedGroups } from '../analysis/actors.js';
import { certificateLifecycles } from '../analysis/certificates.js';
import { accountInfos, coverageOf, type AthenaRead } from '../analysis/coverage.js';
import { policyHistories } from '../analysis/policies.js';
import { summarize } from '../analysis/summary.js';
import type { CollectResult } from '../collect/run.js';
import { compareEvents, orderRecreations, toIotEvent } from '../iot/events.js';
import type { IotEvent, Period, ReportModel, ResolvedAccounts, SourceInfo, SourcedRecord } from '../types.js';
import { SCHEMA_VERSION } from './model.js';

export interface BuildInput {
  collected: CollectResult;
  accounts: ResolvedAccounts;
  period: Period;
  /** ISO time: an input, so the same logs give the same report. */
  generatedAt: string;
  tool: { name: string; version: string };
  filters: { accounts: string[]; regions: string[] };
  /** Extra sources (Athena) that did not go through file collection. */
  extraSources?: SourceInfo[];
  /** What those Athena sources returned, counted apart from the files; null or absent without one. */
  athena?: AthenaRead | null;
}

function titleOf(period: Period): string {
  return `AWS IoT audit report — ${period.month !== null ? period.label.replace(/ \(.*\)$/, '') : period.label}`;
}

/**
 * The records as events, sorted. Each record is let go as soon as it is an event, and the
 * array is left empty: a month's IoT records and their events are never both reachable (a
 * collection during the build can free the records already turned; at 100,000 events the
 * records are ~170 MB of heap at the end of the read), and nothing keeps the records once
 * the model exists.
 */
function takeEvents(records: SourcedRecord[]): IotEvent[] {
  const events = new Array<IotEvent>(records.length);
  for (let i = 0; i < records.length; i++) {
    events[i] = toIotEvent(records[i]!);
    (records as (SourcedRecord | undefined)[])[i] = undefined;
  }
  records.length = 0;
  return orderRecreations(events.sort(compareEvents));
}

/**
 * Every stage after collection: IoT events, analysis, coverage, in one model. Findings are
 * added by the rules. The collection's records are consumed (see `takeEvents`).
 */
export function buildReport(input: BuildInput): ReportModel {
  const { collected, accounts: resolved, period } = input;
  // The organization of each log file's key: an Athena row's `$path` names it too (before the records are taken).
  const organizationIds = new Set(collected.sources.flatMap((s) => s.organizationIds));
  for (let i = 0; i < collected.records.length; i++) {
    const id = collected.records[i]!.file.organizationId;
    if (id !== null) organizationIds.add(id);
  }
  const events = takeEvents(collected.records);
  const athena = input.athena ?? null;
  const accounts = accountInfos(resolved, collected, events, athena);
  const names = new Map(accounts.map((a) => [a.id, a.name]));
  // The events are new objects of this build: named in place rather than copied.
  for (let i = 0; i < events.length; i++) events[i]!.accountName = names.get(events[i]!.accountId) ?? null;


  const sources: SourceInfo[] = [
    ...collected.sources.map((s) => ({ label: s.store.label, kind: s.store.kind, layout: s.layout, athena: null })),
    ...(input.extraSources ?? []),
  ];
  return {
    schemaVersion: SCHEMA_VERSION,
    tool: input.tool,
    generatedAt: input.generatedAt,
    title: titleOf(period),
    organization: {
      id: resolved.organizationId ?? [...organizationIds].sort()[0] ?? null,
      managementAccountId: resolved.managementAccountId,
      accountsFrom: resolved.from,
      accountsNote: resolved.note,
    },
    period,
    sources,
    filters: input.filters,
    accounts,
    summary: summarize(events, accounts, period, resolved.from !== 'logs'),
    findings: [],
    ruleErrors: [],
    certificates: certificateLifecycles(events),
    policies: policyHistories(events),
    actors: actorSummaries(events),
    denied: deniedGroups(events),
    coverage: coverageOf(collected, accounts, period, resolved.from !== 'logs', input.filters, athena),
    integrity: null,
    findingNotes: [],
    comparison: null,
    events,
  };
}
