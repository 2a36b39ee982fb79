/**
 * The view model: the report model turned into what the templates print (formatted times
 * in the report's zone, account labels, badges, links, grouped and capped tables, chart
 * geometry). Everything displayed is computed here; templates only loop and print.
 *
 * Screen vs PDF: the screen view lists every row of every section. The PDF view groups
 * repetitive changes (same action by the same actor in the same account) and identical
 * certificate lifecycles, caps long tables with a pointer to the CSV/JSON, and splits
 * tables into chunks of `chunkRows` rows so Chromium prints them in seconds. It also cuts long
 * values: each log value where it is printed (`ViewKit.cut`), then every string once more by its
 * field (`ViewKit.caps`), so that a value no one thought of is cut too; the screen shows them whole.
 */
import type {
  ActorSummary,
  CertificateLifecycle,
  Coverage,
  DeniedGroup,
  DefaultVersionNotShown,
  Finding,
  IntegrityVerdict,
  IotEvent,
  LateDelivery,
  PolicyChange,
  PolicyHistory,
  RecordsWithoutTime,
  ReportModel,
} from '../report/model.js';
import { getOrInsert } from '../memo.js';
import { defaultNotShownOrigin } from '../analysis/policies.js';
import { certificatePlace } from '../analysis/support/certificate-place.js';
import { dayChart, type ChartGeometry } from './chart.js';
import { DEFAULT_PDF_CAPS, SCREEN_LIMITS, type PdfCaps, type RenderContext } from './context.js';
import {
  anchorId,
  athenaRead,
  clipVisible,
  dayRanges,
  formatBytes,
  formatCount,
  inRegionsAskedFor,
  NOT_IN_ORGANIZATION_LIST,
  plural,
  readLogFiles,
  visibleStrings,
  ZoneClock,
} from './format.js';
import { charsInRows, DOCUMENT_COLUMNS, printedRows } from './printed-rows.js';
import { flatten, flattenMiddle } from './one-line.js';
import { findingRegions } from '../report/model.js';
import { regionsText } from './finding-regions.js';
import { changeKey, lifecycleKey, repetitions, type Repetition } from './group.js';
import { comparisonView, type ComparisonView } from './view-comparison.js';
import {
  categoryBadge,
  certificateActionLabel,
  certificateStatusBadge,
  dataFilesText,
  fairShares,
  integrityBadge,
  jsonFileText,
  mfaBadge,
  PDF_CHARS,
  policyActionLabel,
  severityBadge,
  severityRank,
  ViewKit,
  type Badge,
  type CellList,
  type Link,
  type Table,
} from './view-kit.js';

export type { Badge, CellList, Link, Table } from './view-kit.js';
export type { ComparisonFindingRow, ComparisonView } from './view-comparison.js';

export interface ReportView {
  meta: {
    title: string;
    lang: 'en';
    media: 'screen' | 'pdf';
    isPdf: boolean;
    /** CSS page size name. */
    pageSize: 'A4' | 'Letter';
    /** Content-Security-Policy of the document. */
    csp: string;
    timeZone: string;
  };
  header: HeaderView;
  /**
   * The contents list. `bookmarks`: what the PDF's bookmarks list under the entry (the findings
   * shown in full, "Critical · title · resource · account"), made for the PDF only.
   */
  toc: { href: string; title: string; count: string | null; bookmarks: { title: string; href: string }[] }[];
  findings: FindingsView;
  comparison: ComparisonView | null;
  summary: SummaryView;
  integrity: IntegrityView | null;
  certificates: CertificatesView;
  policies: PoliciesView;
  actors: Table<ActorRow>;
  denied: { attempts: string; table: Table<DeniedRow> };
  coverage: CoverageView;
  appendix: { note: string | null; table: Table<EventRow> };
  /** Texts of the PDF page header and footer. */
  page: { title: string; period: string; generatedAt: string };
}

export interface HeaderView {
  title: string;
  organization: string | null;
  period: string;
  range: string;
  timeZone: string;
  generatedAt: string;
  tool: string;
  sources: { label: string; detail: string }[];
  filters: string | null;
  completeness: { label: string; value: string; warn: boolean }[];
  accountsNote: string | null;
}

export interface FindingRow {
  anchor: string;
  id: string;
  ruleId: string;
  severity: Badge;
  title: string;
  description: string;
  remediation: string;
  account: string;
  /** The finding's region, or "3 regions: ap-northeast-1, eu-west-1, us-east-1" when its events are in several. */
  region: string;
  /** Each region of the finding, to show one by one (a region is not cut across lines); `regionCount` before them when several. */
  regions: string[];
  /** "3 regions:" when the finding's events are in several, else null. */
  regionCount: string | null;
  resource: Link;
  time: string;
  evidence: string | null;
  events: CellList<Link>;
  suppressed: boolean;
  suppressionReason: string | null;
}

export interface FindingsView {
  none: boolean;
  /** Notes of the rules runner (e.g. an expired suppression). */
  notes: string[];
  counts: { severity: Badge; count: string; suppressed: string | null }[];
  /** Critical, high and medium findings, each shown in full. */
  open: Table<FindingRow>;
  /** Low and info findings, one table row each (remediation is in the JSON and CSV). */
  /** Heading of the compact rows: low/info findings, or more findings past the card budget. */
  minorTitle: string;
  minor: Table<FindingRow>;
  suppressed: Table<FindingRow>;
  ruleErrors: { ruleId: string; message: string }[];
}

export interface RepetitiveRow {
  eventName: string;
  count: string;
  actor: string;
  account: string;
  regions: string;
  range: string;
}

export interface SummaryView {
  totals: { label: string; value: string; cls: string }[];
  chart: ChartGeometry;
  byCategory: Table<{ category: Badge; count: string }>;
  byAction: Table<{ category: Badge; eventName: string; count: string }>;
  byAccount: Table<{ account: string; ouPath: string; changes: string; failed: string }>;
  byOu: Table<{ ouPath: string; accounts: string; changes: string; failed: string }>;
  byRegion: Table<{ region: string; changes: string; failed: string }>;
  failed: { label: string; value: string }[];
  findingsBySeverity: { severity: Badge; count: string; suppressed: string }[];
  repetitive: Table<RepetitiveRow>;
}

export interface IntegrityView {
  ok: boolean;
  status: Badge;
  statusText: string;
  /**
   * Events from log files that failed validation (modified, missing), then events from files no
   * digest lists in a trail that has digests (not covered), then events from files that could not
   * be checked (no digests, unverified): a sentence each, with a link to the first one in the
   * appendix (null when the PDF lists none). Empty when none.
   */
  flaggedEvents: { text: string; first: Link | null }[];
  chains: Table<{
    account: string;
    region: string;
    trails: CellList;
    digests: string;
    logFiles: string;
    gaps: CellList;
    status: Badge;
  }>;
  problems: Table<{ severity: Badge; kind: string; account: string; region: string; key: string; message: string }>;
  notes: string[];
}

export interface StepRow {
  time: string;
  action: string;
  eventName: string;
  detail: string | null;
  actor: string;
  /**
   * The account the call was made in, when not every step of the certificate was made in the
   * account it ends in (a transfer accepted, or answered by the receiving account); else null.
   */
  account: string | null;
  event: Link;
}

export interface CertificateRow {
  anchor: string;
  id: string;
  kind: string;
  /** Its ARN in the account it ends in, as logged; null when not logged, and in the PDF. */
  arn: string | null;
  /** Each ARN the logs gave it, in the order of its accounts (screen only: the PDF leaves ARNs out). */
  arns: string[];
  /** The account it is in at the end of the period; "a sender not in this report" when the report does not show it (`accountId` null). */
  account: string;
  /**
   * The accounts it was in during the period, in order, each after the first as "→ account": one when
   * never transferred; "a sender not in this report" for the sender of a transfer the report does not show.
   */
  accounts: string[];
  region: string;
  status: Badge;
  /** Only failed or denied calls named it (`changed` false): nothing was done to it in the period. */
  onlyFailed: boolean;
  steps: CellList<StepRow>;
  /** Things attached at the end of the period, as far as its events tell. */
  things: CellList;
  /** Beside `things` when it is only what the period attached (the certificate existed before it: `attachmentsComplete` false); else null. */
  thingsNote: string | null;
  /** Policies attached at the end of the period, as far as its events tell. */
  policies: CellList;
  /** As `thingsNote`, for `policies`. */
  policiesNote: string | null;
  failed: CellList<Link>;
}

export interface CertificateGroupRow {
  anchor: string;
  count: string;
  kind: string;
  account: string;
  /** As `CertificateRow.accounts`: every certificate of the group went through the same accounts. */
  accounts: string[];
  region: string;
  shape: string;
  actors: string;
  status: Badge;
  range: string;
  samples: string[];
  /** Every certificate id of the group (screen only; the PDF points to the CSV/JSON). */
  members: string[] | null;
}

export interface CertificatesView {
  /** "170 certificates (167 device, 3 CA) touched in the period", or "166 … changed in the period, and 4 more only in failed or denied calls (no change made)". */
  total: string;
  none: boolean;
  groups: Table<CertificateGroupRow>;
  table: Table<CertificateRow>;
  note: string | null;
}

export interface PolicyVersionView {
  versionId: string;
  time: string;
  eventName: string;
  actor: string;
  setAsDefault: boolean;
  recorded: boolean;
  document: string | null;
  notJson: boolean;
  /** Why the document is not shown, when it was not recorded. */
  whyNotRecorded: string | null;
  event: Link;
}

export interface PolicyChangeRow {
  time: string;
  action: string;
  eventName: string;
  target: string | null;
  actor: string;
  event: Link;
  count: string | null;
}

export interface PolicyView {
  anchor: string;
  name: string;
  account: string;
  region: string;
  arn: string | null;
  defaultVersionId: string | null;
  /** What "Default version at end" says when `defaultVersionId` is null. */
  defaultVersionNote: string;
  deleted: boolean;
  /** Only failed or denied calls named it (`changed` false): it may never have existed. */
  onlyFailed: boolean;
  attachedTargets: CellList;
  /**
   * What "Attached to at end" adds to its list: "none" for a policy whose every target the period
   * shows (`attachedTargetsComplete`) and has none; for one that existed before the period, that
   * targets attached before it are not known. Null when the list says it all.
   */
  attachedTargetsNote: string | null;
  /** The versions made default in the period whose documents it does not show (`defaultsNotShown`), said; null when none. */
  defaultsNotShownNote: string | null;
  versions: PolicyVersionView[];
  /** "12 earlier versions (with documents) in iot-audit-2026-10.json" when the PDF leaves some out. */
  versionsMore: string | null;
  changes: Table<PolicyChangeRow>;
  failed: CellList<Link>;
}

export interface PoliciesView {
  /** "8 policies touched in the period", or "7 policies changed in the period, and 1 more only in failed or denied calls (…)". */
  total: string;
  none: boolean;
  items: PolicyView[];
  more: string | null;
}

export interface ActorRow {
  label: string;
  type: string;
  arn: string | null;
  role: string | null;
  mfa: Badge;
  changes: string;
  /** Successful read-only calls: a caller that only read is in the table with what it did. */
  reads: string;
  failed: string;
  accounts: CellList;
  sourceIps: CellList;
  userAgents: CellList;
  seen: string;
  actions: CellList;
}

export interface DeniedRow {
  actor: string;
  account: string;
  eventName: string;
  errorCode: string;
  /** Says whose message `errorMessage` is when the group is of several attempts: "Same message for all 5 attempts:", "First of 5 attempts (3 different messages, ...):". */
  messageOf: string | null;
  /** The first attempt's message (the group's in the model). */
  errorMessage: string | null;
  count: string;
  range: string;
  events: CellList<Link>;
}

export interface CoverageView {
  counts: { label: string; value: string }[];
  /**
   * What `perAccount` counts, in the units of the sources read (log files, an Athena table's
   * partitions, or both, each in its own unit): the table's heading, its read and regions
   * columns' heads, and what it says when it has no row.
   */
  perAccountHeads: { title: string; read: string; regions: string; none: string };
  /** `files`: readable files, an Athena table's partitions, or both ("12 / 26"), as `perAccountHeads.read` says. */
  perAccount: Table<{ account: string; inOrganization: Badge; files: string; regions: CellList; days: string }>;
  /** The heading of `withoutLogs` and what it says when empty: the accounts and regions asked for, when the report has filters. */
  withoutLogsTitle: string;
  withoutLogsNone: string;
  withoutLogs: Table<{ account: string; state: string; ouPath: string }>;
  /** Accounts of which no log was read and the run cannot say why (`Coverage.accountsNotRead`), when there are any (else null). */
  notRead: { title: string; note: string; accounts: Table<{ account: string; state: string; ouPath: string }> } | null;
  /** "Accounts not in the organization's list": the heading of `notInOrganization`, in the words the Markdown and the terminal count them with. */
  notInOrganizationTitle: string;
  /** `Coverage.accountsNotInOrganization`, each with whether its logs were read ("logs read"), or it was asked for without any. */
  notInOrganization: Table<{ account: string; logs: string }>;
  unreadable: Table<{ key: string; source: string; reason: string }>;
  problems: Table<{ key: string; source: string; reason: string }>;
  /**
   * IoT records with no usable event time, when there are any (else null): a warning that no
   * period holds them, and the log files of a few.
   */
  withoutTime: SetAsideView | null;
  /** IoT records with no event name, when there are any (else null): a warning that no event stands for them, and where a few are. */
  withoutName: SetAsideView | null;
}

/** IoT records the report could not use (`Coverage.iotRecordsWithoutTime`, `iotRecordsWithoutName`): what they lack, and where a few are. */
export interface SetAsideView {
  title: string;
  note: string;
  examples: Table<{ file: string; eventId: string; eventName: string }>;
}

export interface EventRow {
  anchor: string;
  eventId: string;
  time: string;
  account: string;
  region: string;
  eventName: string;
  eventType: string | null;
  /** Made with a console session's credentials. */
  console: boolean;
  category: Badge;
  result: Badge;
  errorMessage: string | null;
  actor: string;
  sourceIp: string | null;
  userAgent: string | null;
  resources: CellList;
  integrity: Badge | null;
}

/** The document's policy: nothing may load or run; inline styles and data: images only. */
export const CONTENT_SECURITY_POLICY =
  "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

export type ViewContext = Pick<RenderContext, 'media' | 'paper' | 'pdfCaps' | 'dataFiles'>;

export function viewLimits(ctx: ViewContext): PdfCaps {
  if (ctx.media === 'pdf') return { ...DEFAULT_PDF_CAPS, ...ctx.pdfCaps };
  return { ...SCREEN_LIMITS, groupMin: ctx.pdfCaps?.groupMin ?? SCREEN_LIMITS.groupMin };
}

export function buildView(model: ReportModel, ctx: ViewContext): ReportView {
  const limits = viewLimits(ctx);
  const clock = new ZoneClock(model.period.timeZone);
  const kit = new ViewKit({
    media: ctx.media,
    limits,
    clock,
    dataFiles: dataFilesText(ctx.dataFiles),
    jsonFile: jsonFileText(ctx.dataFiles),
    accountNames: new Map(model.accounts.map((a) => [a.id, a.name])),
  });

  const repetitive = repetitions(model.events, changeKey, limits.groupMin);
  const appendix = appendixView(model, kit, repetitive.rest);
  const certificates = certificatesView(model.certificates, kit);
  const policies = policiesView(model.policies, kit);
  const findings = findingsView(model, kit, certificates.anchors, policies.anchors);
  const integrity = model.integrity ? integrityView(model, kit) : null;

  const entry = (href: string, title: string, count: string | null, bookmarks: ReportView['toc'][number]['bookmarks'] = []) => ({ href, title, count, bookmarks });
  const toc: ReportView['toc'] = [entry('#findings', 'Findings', formatCount(model.findings.filter((f) => !f.suppressed).length), findings.bookmarks)];
  if (model.comparison) toc.push(entry('#comparison', 'Since the previous report', null));
  toc.push(entry('#summary', 'Summary', null));
  if (integrity) toc.push(entry('#integrity', 'Log integrity', null));
  toc.push(
    entry('#certificates', 'Certificates', changedCount(model.certificates)),
    entry('#policies', 'Policies', changedCount(model.policies)),
    entry('#actors', 'Actors', formatCount(model.actors.length)),
    entry('#denied', 'Failed and denied attempts', formatCount(model.summary.failedAttempts)),
    entry('#coverage', 'Coverage', null),
    entry('#appendix', 'Appendix: all events', formatCount(model.events.length)),
  );

  const view: ReportView = {
    meta: {
      title: model.title,
      lang: 'en',
      media: ctx.media,
      isPdf: ctx.media === 'pdf',
      pageSize: ctx.paper === 'letter' ? 'Letter' : 'A4',
      csp: CONTENT_SECURITY_POLICY,
      timeZone: clock.zone,
    },
    header: headerView(model, kit),
    toc,
    findings: findings.view,
    comparison: model.comparison ? comparisonView(model.comparison, kit) : null,
    summary: summaryView(model, kit, repetitive.groups),
    integrity,
    certificates: certificates.view,
    policies: policies.view,
    actors: kit.table(model.actors, limits.actors, (a) => actorRow(a, kit)),
    denied: deniedView(model, kit),
    coverage: coverageView(model, kit),
    appendix,
    page: { title: model.title, period: model.period.label, generatedAt: clock.stamp(model.generatedAt) },
  };
  // Table rows are made visible (and cut) as they are made (`ViewKit.table`).
  return visibleStrings(view, kit.caps);
}

// --- header ----------------------------------------------------------------

function headerView(model: ReportModel, kit: ViewKit): HeaderView {
  const { clock } = kit;
  const org = model.organization;
  const orgParts: string[] = [];
  if (org.id) orgParts.push(org.id);
  if (org.managementAccountId) orgParts.push(`management account ${kit.account(org.managementAccountId)}`);
  const cov = model.coverage;
  const accountsFrom = {
    organizations: 'AWS Organizations',
    'accounts-file': 'the accounts file',
    logs: 'the logs only (no names)',
  }[org.accountsFrom] ?? org.accountsFrom;
  const filters: string[] = [];
  if (model.filters.accounts.length > 0) filters.push(`accounts ${model.filters.accounts.map((a) => kit.account(a)).join(', ')}`);
  if (model.filters.regions.length > 0) filters.push(`regions ${model.filters.regions.join(', ')}`);
  return {
    title: model.title,
    organization: orgParts.length > 0 ? orgParts.join(', ') : null,
    period: model.period.label,
    range: `${clock.minute(model.period.start)} to ${clock.minute(model.period.end)} (${clock.zone}), end excluded`,
    timeZone: clock.zone,
    generatedAt: clock.stamp(model.generatedAt),
    tool: `${model.tool.name} ${model.tool.version}`,
    sources: model.sources.map((s) => ({
      label: s.label,
      detail: s.athena
        ? `Athena query ${s.athena.queryExecutionId} on ${s.athena.database}.${s.athena.table}` +
          `${s.athena.workgroup ? ` (workgroup ${s.athena.workgroup})` : ''}${s.athena.engineVersion ? `, ${s.athena.engineVersion}` : ''}, ` +
          `${formatBytes(s.athena.dataScannedBytes)} scanned, estimated ${dollars(s.athena.estimatedCostUsd)}${s.athena.note ? `; ${s.athena.note}` : ''}`
        : `${s.kind}, ${s.layout === 'files' ? 'plain folder of log files' : `${s.layout} trail layout`}`,
    })),
    filters: filters.length > 0 ? `Only ${filters.join('; ')}` : null,
    completeness: [
      // Files and Athena's rows in their own units: a report read through Athena alone read no file.
      ...(readLogFiles(model)
        ? [
            { label: 'Log files read', value: `${filesReadText(cov)}, ${formatBytes(cov.bytesRead)}, ${plural(cov.recordsRead, 'record')}`, warn: false },
            { label: 'Unreadable files', value: formatCount(cov.unreadableFiles.length), warn: cov.unreadableFiles.length > 0 },
          ]
        : []),
      ...(cov.athena !== null ? [{ label: 'Read through Athena', value: athenaRead(cov.athena), warn: false }] : []),
      { label: 'Source problems', value: formatCount(cov.sourceProblems.length), warn: cov.sourceProblems.length > 0 },
      { label: `Accounts without logs${inRegionsAskedFor(model.filters.regions)}`, value: formatCount(cov.accountsWithoutLogs.length), warn: cov.accountsWithoutLogs.length > 0 },
      ...(cov.accountsNotRead.length > 0
        ? [{ label: `Accounts not read${inRegionsAskedFor(model.filters.regions)}`, value: `${formatCount(cov.accountsNotRead.length)} (see Coverage)`, warn: true }]
        : []),
      // Those the Markdown and the terminal count too, named in Coverage.
      ...(cov.accountsNotInOrganization.length > 0
        ? [{ label: `Accounts ${NOT_IN_ORGANIZATION_LIST}`, value: `${formatCount(cov.accountsNotInOrganization.length)} (see Coverage)`, warn: true }]
        : []),
      // Only when there are any: these records are in no period, so nothing else in the report shows them.
      ...(cov.iotRecordsWithoutTime.count > 0
        ? [{ label: 'IoT records without a usable time', value: `${formatCount(cov.iotRecordsWithoutTime.count)}, in no period (see Coverage)`, warn: true }]
        : []),
      ...(cov.iotRecordsWithoutName.count > 0
        ? [{ label: 'IoT records without an event name', value: `${formatCount(cov.iotRecordsWithoutName.count)}, in no event (see Coverage)`, warn: true }]
        : []),
      integrityRow(model),
      { label: 'Account names from', value: accountsFrom, warn: org.accountsFrom === 'logs' },
    ],
    accountsNote: org.accountsNote,
  };
}

/** A cost in dollars and cents; under a cent (a query under ~2 GB), "< $0.01", not "$0.00". */
function dollars(usd: number): string {
  return usd > 0 && usd < 0.005 ? '< $0.01' : `$${usd.toFixed(2)}`;
}

/** Whether the logs were checked against their digests: a PDF made without --verify says so, not nothing. */
function integrityRow(model: ReportModel): HeaderView['completeness'][number] {
  const integrity = model.integrity;
  if (integrity === null) return { label: 'Integrity', value: 'not verified (run with --verify)', warn: true };
  // The model's verdict, as the Log integrity section, the Markdown and the terminal give it.
  switch (integrity.verdict) {
    case 'verified':
      return { label: 'Integrity', value: 'verified (see Log integrity)', warn: false };
    case 'verified-in-part':
      return { label: 'Integrity', value: `verified in part: ${plural(integrity.eventsUnchecked, 'event')} from log files that could not be checked (see Log integrity)`, warn: true };
    case 'incomplete':
      return { label: 'Integrity', value: 'incomplete: nothing found altered, but not all could be checked (see Log integrity)', warn: true };
    case 'failed':
      return { label: 'Integrity', value: 'failed: problems found (see Log integrity)', warn: true };
  }
}

// --- findings --------------------------------------------------------------

function bySeverityThenTime(a: Finding, b: Finding): number {
  return (
    severityRank(b.severity) - severityRank(a.severity) ||
    (a.time < b.time ? -1 : a.time > b.time ? 1 : 0) ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  );
}

/** The id in a resource that is an IoT certificate's or CA certificate's ARN, and the name in one that is an IoT policy's ARN. */
const CERT_ARN = /^arn:[^:\s]+:iot:[^:\s]*:[^:\s]*:(?:cert|cacert)\/([^/\s]+)$/;
const POLICY_ARN = /^arn:[^:\s]+:iot:[^:\s]*:[^:\s]*:policy\/([^/\s]+)$/;

function findingsView(
  model: ReportModel,
  kit: ViewKit,
  certAnchors: Map<string, string>,
  policyAnchors: PolicyAnchors,
): { view: FindingsView; bookmarks: ReportView['toc'][number]['bookmarks'] } {
  const resourceLink = (f: Finding): Link => {
    const r = f.resource;
    // What the resource is, as its rule declares it: only a certificate's id is looked up among the
    // certificates, only a policy's name among the policies. Another rule's resource (a source IP,
    // a role alias, a principal) can equal a certificate id or a policy name without being one.
    const kind = f.resourceKind;
    const id = CERT_ARN.exec(r)?.[1] ?? (kind === 'certificate' ? r : null);
    // The certificate in the finding's account and region, else any with the id (a transferred one is in another account).
    const cert = id === null ? undefined : (certAnchors.get(certificatePlace(f.accountId, f.region, id)) ?? certAnchors.get(id));
    if (cert) return { text: kit.cutMiddle(r), href: `#${cert}` };
    const name = POLICY_ARN.exec(r)?.[1] ?? (kind === 'policy' ? r : null);
    const policy = name === null ? null : policyAnchor(policyAnchors, f.accountId, f.region, name);
    return { text: kit.cutMiddle(r), href: policy ? `#${policy}` : null };
  };
  const row = (f: Finding, anchor: string): FindingRow => {
    const regions = findingRegions(f);
    return {
      anchor,
      id: kit.cut(f.id),
      ruleId: f.ruleId,
      severity: severityBadge(f.severity),
      title: f.title,
      description: f.description,
      remediation: f.remediation,
      account: kit.account(f.accountId, f.accountName),
      // A finding of several regions (new-source groups an account's changes) names them all, never one.
      region: kit.cut(regionsText(regions)),
      regions: regions.map((r) => kit.cut(r)),
      regionCount: regions.length > 1 ? `${formatCount(regions.length)} regions:` : null,
      resource: resourceLink(f),
      time: kit.clock.dateTime(f.time),
      evidence: f.evidence === null ? null : clipVisible(f.evidence, kit.limits.documentChars),
      events: kit.eventLinks(f.eventIds),
      suppressed: f.suppressed,
      suppressionReason: f.suppressionReason,
    };
  };
  const unsuppressed = model.findings.filter((f) => !f.suppressed).sort(bySeverityThenTime);
  const major = unsuppressed.filter((f) => severityRank(f.severity) >= severityRank('medium'));
  const minor = unsuppressed.filter((f) => severityRank(f.severity) < severityRank('medium'));
  const suppressed = model.findings.filter((f) => f.suppressed).sort(bySeverityThenTime);
  const cap = kit.limits.findings;
  const left = (n: number) => Math.max(0, cap - n);
  // The most severe findings as full cards; past the card budget they become compact rows.
  const cards = Number.isFinite(kit.limits.findingCards) ? major.slice(0, kit.limits.findingCards) : major;
  const compact = [...major.slice(cards.length), ...minor];
  // Anchors are claimed now, in document order; the rows are made when printed.
  const claim = (list: readonly Finding[], max: number) => kit.shown(list, max).map((f) => kit.claim(anchorId('finding', f.id)));
  const openAnchors = claim(cards, cap);
  // The PDF's bookmarks to the cards. The resource tells apart the findings of one rule (several policies made too broad, say).
  const bookmarks =
    kit.media !== 'pdf'
      ? []
      : openAnchors.map((anchor, i) => {
          const f = cards[i] as Finding;
          const parts = [severityBadge(f.severity).label, f.title, flattenMiddle(f.resource, 80), kit.account(f.accountId, f.accountName)];
          return { title: flatten(parts.join(' · '), PDF_CHARS.cell), href: `#${anchor}` };
        });
  const compactAnchors = claim(compact, left(cards.length));
  const suppressedAnchors = claim(suppressed, left(cards.length + compact.length));
  const view: FindingsView = {
    none: model.findings.length === 0,
    counts: model.summary.findingsBySeverity.map((s) => ({
      severity: severityBadge(s.severity),
      count: formatCount(s.count),
      suppressed: s.suppressed > 0 ? `${formatCount(s.suppressed)} suppressed` : null,
    })),
    open: kit.table(cards, cap, (f, i) => row(f, openAnchors[i] as string)),
    minorTitle: cards.length < major.length ? 'More findings' : 'Low and informational findings',
    minor: kit.table(compact, left(cards.length), (f, i) => row(f, compactAnchors[i] as string)),
    suppressed: kit.table(suppressed, left(cards.length + compact.length), (f, i) => row(f, suppressedAnchors[i] as string)),
    ruleErrors: model.ruleErrors.map((e) => ({ ruleId: e.ruleId, message: e.message })),
    notes: [...(model.findingNotes ?? [])],
  };
  return { view, bookmarks };
}

// --- summary ---------------------------------------------------------------

function summaryView(model: ReportModel, kit: ViewKit, groups: Repetition<IotEvent>[]): SummaryView {
  const s = model.summary;
  const rows = kit.limits.rows;
  const open = model.findings.filter((f) => !f.suppressed).length;
  return {
    totals: [
      { label: 'IoT events', value: formatCount(s.totalEvents), cls: 'tot-neutral' },
      { label: 'Changes', value: formatCount(s.changes), cls: 'tot-accent' },
      { label: 'Read-only calls', value: formatCount(s.reads), cls: 'tot-neutral' },
      { label: 'Failed or denied', value: formatCount(s.failedAttempts), cls: s.failedAttempts > 0 ? 'tot-warn' : 'tot-neutral' },
      { label: 'Open findings', value: formatCount(open), cls: open > 0 ? 'tot-bad' : 'tot-ok' },
    ],
    chart: dayChart(s.byDay),
    byCategory: kit.table(s.changesByCategory, rows, (c) => ({ category: categoryBadge(c.category), count: formatCount(c.count) })),
    byAction: kit.table(s.changesByAction, rows, (a) => ({
      category: categoryBadge(a.category),
      eventName: kit.cut(a.eventName),
      count: formatCount(a.count),
    })),
    byAccount: kit.table(s.byAccount, rows, (a) => ({
      account: kit.account(a.accountId, a.accountName),
      // An account the organization's list does not have is said so, as the OU table counts it.
      ouPath: a.ouPath !== null ? kit.cut(a.ouPath) : a.notInOrganization ? 'not in the organization' : '—',
      changes: formatCount(a.changes),
      failed: formatCount(a.failedAttempts),
    })),
    byOu: kit.table(s.byOu, rows, (o) => ({
      ouPath: kit.cut(o.ouPath),
      accounts: formatCount(o.accounts),
      changes: formatCount(o.changes),
      failed: formatCount(o.failedAttempts),
    })),
    byRegion: kit.table(s.byRegion, rows, (r) => ({
      region: kit.cut(r.region),
      changes: formatCount(r.changes),
      failed: formatCount(r.failedAttempts),
    })),
    failed: [
      { label: 'Failed attempts (any error)', value: formatCount(s.failedAttempts) },
      { label: 'Of which access denied', value: formatCount(s.deniedAttempts) },
      { label: 'Other errors', value: formatCount(s.failedAttempts - s.deniedAttempts) },
    ],
    findingsBySeverity: s.findingsBySeverity.map((f) => ({
      severity: severityBadge(f.severity),
      count: formatCount(f.count),
      suppressed: formatCount(f.suppressed),
    })),
    repetitive: kit.table(groups, rows, (g) => {
      const first = g.items[0] as IotEvent;
      const last = g.items[g.items.length - 1] as IotEvent;
      return {
        eventName: kit.cut(first.eventName),
        count: formatCount(g.items.length),
        actor: kit.cutMiddle(first.actor.label),
        account: kit.account(first.accountId, first.accountName),
        regions: [...new Set(g.items.map((e) => e.region))].sort().map((r) => kit.cut(r)).join(', '),
        range: kit.clock.range(first.eventTime, last.eventTime),
      };
    }),
  };
}

// --- integrity -------------------------------------------------------------

/**
 * Log file statuses whose events could not be checked: the check did not look at the file (its
 * digest could not be used), or its trail has no digest at all (`no-digests`).
 */
const UNCHECKED: ReadonlyMap<string, string> = new Map([
  ['unverified', 'not checked'],
  ['no-digests', 'in a trail with no digest at all: validation off, or every digest deleted'],
]);
/**
 * A file no trusted digest lists in a trail that has digests (`not-covered`): an error of the
 * check, but not a file whose hash was found wrong. It was delivered after its chain's last digest
 * (validation stopped, or the digests after it were deleted), or added beside the files a digest
 * lists; each file's problem in the table says which.
 */
const NOT_COVERED = 'not-covered';
/** How an event's badge names a status that is not one word. */
const STATUS_LABEL: ReadonlyMap<string, string> = new Map([
  ['no-digests', 'in a trail with no digests'],
  ['not-covered', 'listed by no digest'],
]);
/** Statuses of files that failed validation, in the order the sentence names them, with how it names them; any other (not valid) status is counted with them. */
const FAILED: ReadonlyMap<string, string> = new Map([
  ['modified', 'modified'],
  ['missing', 'missing'],
]);

/** The events of one kind of log file status, counted in one pass over the events. */
interface FlaggedTally {
  count: number;
  /** Of them, rendered in the appendix. */
  listed: number;
  /** The first one rendered in the appendix. */
  first: string | null;
  byStatus: Map<string, number>;
}

/**
 * One sentence (and a link to the first one listed) for events from log files that failed
 * validation, another for events from files that could not be checked: an auditor must tell
 * tampered logs from unchecked ones. Each says where the events are marked.
 */
function flaggedEvents(model: ReportModel, kit: ViewKit): IntegrityView['flaggedEvents'] {
  const tally = (): FlaggedTally => ({ count: 0, listed: 0, first: null, byStatus: new Map() });
  const failed = tally();
  const uncovered = tally();
  const unchecked = tally();
  for (const e of model.events) {
    const status = e.integrity;
    if (status === null || status === 'valid') continue;
    const t = UNCHECKED.has(status) ? unchecked : status === NOT_COVERED ? uncovered : failed;
    t.count++;
    t.byStatus.set(status, (t.byStatus.get(status) ?? 0) + 1);
    if (kit.isListed(e.eventId)) {
      t.listed++;
      t.first ??= e.eventId;
    }
  }
  const come = (n: number) => (n === 1 ? 'comes' : 'come');
  const where = (t: FlaggedTally): string => {
    const one = t.count === 1;
    if (t.listed === t.count) return `${one ? 'It is' : 'They are'} marked in the appendix.`;
    const each = `${one ? 'it' : 'each'} is marked in the integrity field of ${kit.dataFiles}`;
    if (t.listed === 0) return `${one ? 'It is not' : 'None of them is'} listed in the appendix of this PDF; ${each}.`;
    return `The appendix of this PDF lists and marks ${formatCount(t.listed)} of them; ${each}.`;
  };
  const out: IntegrityView['flaggedEvents'] = [];
  if (failed.count > 0) {
    const others = [...failed.byStatus.keys()].filter((s) => !FAILED.has(s)).sort();
    const parts = [...FAILED.keys(), ...others].filter((s) => failed.byStatus.has(s)).map((s) => `${formatCount(failed.byStatus.get(s) ?? 0)} ${FAILED.get(s) ?? s}`);
    out.push({
      text: `${plural(failed.count, 'event')} of this report ${come(failed.count)} from log files that failed validation (${parts.join(', ')}). ${where(failed)}`,
      first: failed.first === null ? null : kit.eventLink(failed.first),
    });
  }
  if (uncovered.count > 0) {
    const one = uncovered.count === 1;
    out.push({
      text:
        `${plural(uncovered.count, 'event')} of this report ${come(uncovered.count)} from log files listed by no digest, in a trail that has digests: ` +
        `delivered after ${one ? 'its' : 'their'} chain's last digest (validation stopped, or the digests after it were deleted), or added (each file's problem below says which). ${where(uncovered)}`,
      first: uncovered.first === null ? null : kit.eventLink(uncovered.first),
    });
  }
  if (unchecked.count > 0) {
    const parts = [...UNCHECKED].filter(([s]) => unchecked.byStatus.has(s)).map(([s, text]) => `${formatCount(unchecked.byStatus.get(s) ?? 0)} ${text}`);
    out.push({
      text: `${plural(unchecked.count, 'event')} of this report ${come(unchecked.count)} from log files that could not be checked against a digest (${parts.join(', ')}): ${unchecked.count === 1 ? 'it is' : 'they are'} neither known to be altered nor known to be intact. ${where(unchecked)}`,
      first: unchecked.first === null ? null : kit.eventLink(unchecked.first),
    });
  }
  return out;
}

/**
 * A check that passed: every digest and log file checked out, or, when some events come from
 * files it could not check (their digest unusable, a trail without digests, read through
 * Athena), every one it could check, and how many events that leaves unproven.
 */
function passedText(unchecked: number, warnings: number): string {
  const below = warnings > 0 ? ` (${plural(warnings, 'warning')} below)` : '';
  if (unchecked === 0) return `Every digest and log file of the period checked out${below}.`;
  return `Every digest and log file that could be checked was valid${below}, but ${plural(unchecked, 'event')} of this report ${unchecked === 1 ? 'comes' : 'come'} from log files that could not be checked.`;
}

/** The section's badge for the model's verdict, which the Markdown and the terminal give in words. */
const VERDICT: Readonly<Record<IntegrityVerdict, Badge>> = {
  verified: { label: 'Verified', cls: 'st-ok' },
  'verified-in-part': { label: 'Verified in part', cls: 'st-warn' },
  incomplete: { label: 'Incomplete', cls: 'st-warn' },
  failed: { label: 'Failed', cls: 'st-bad' },
};

function integrityView(model: ReportModel, kit: ViewKit): IntegrityView {
  const integrity = model.integrity as NonNullable<ReportModel['integrity']>;
  const warnings = integrity.problems.filter((p) => p.severity === 'warning').length;
  const errors = integrity.problems.length - warnings;
  const found = `${plural(errors, 'problem')}${warnings > 0 ? ` and ${plural(warnings, 'warning')}` : ''} found in the digest chains or log files`;
  return {
    ok: integrity.ok,
    status: VERDICT[integrity.verdict],
    statusText:
      integrity.verdict === 'failed'
        ? `${found}.`
        : integrity.verdict === 'incomplete'
          ? `${found}: none shows a digest or log file altered, but not all could be checked.`
          : passedText(integrity.eventsUnchecked, warnings),
    flaggedEvents: flaggedEvents(model, kit),
    chains: kit.table(integrity.chains, kit.limits.rows, (c) => ({
      account: kit.account(c.accountId, c.accountName),
      region: kit.cut(c.region),
      trails: kit.list((c.trailHomeRegions ?? []).map((t) => `${t.trail} (home region ${t.homeRegion})`)),
      digests:
        `${formatCount(c.digestsValid)} valid, ${formatCount(c.digestsInvalid)} invalid, ${formatCount(c.digestsMissing)} missing` +
        `${c.digestsUnverified ? `, ${formatCount(c.digestsUnverified)} signature not checked` : ''}`,
      logFiles:
        `${formatCount(c.logFilesValid)} valid, ${formatCount(c.logFilesModified)} modified, ` +
        `${formatCount(c.logFilesMissing)} missing, ${formatCount(c.logFilesNotCovered)} not covered` +
        `${c.logFilesUnverified ? `, ${formatCount(c.logFilesUnverified)} not checked` : ''}`,
      gaps: kit.list(c.gaps.map((g) => kit.clock.range(g.from, g.to))),
      status: integrityBadge(c.status),
    })),
    problems: kit.table(integrity.problems, kit.limits.rows, (p) => ({
      severity: p.severity === 'warning' ? { label: 'warning', cls: 'st-warn' } : { label: 'error', cls: 'st-bad' },
      kind: p.kind,
      account: kit.account(p.accountId),
      region: kit.cut(p.region),
      key: kit.cut(p.key, PDF_CHARS.key),
      message: p.message,
    })),
    notes: [...integrity.notes],
  };
}

// --- certificates ----------------------------------------------------------

/** "314159265358 (iot-prod)", "→ 271828182845 (iot-staging)": the accounts a certificate was in, in order. */
function accountPath(c: CertificateLifecycle, kit: ViewKit, account: string): string[] {
  // Nearly every certificate stays where it is: its one account is the row's `account` string (a
  // month of 100,000 IoT events has ~80,000 certificates, each row made while the PDF prints).
  if (c.accounts.length === 1 && c.accounts[0]!.accountId === c.accountId) return [account];
  return c.accounts.map((a, i) => (i === 0 ? '' : '→ ') + kit.certificateAccount(a.accountId, a.accountName));
}

/** No ARNs: the PDF's rows, and a certificate no log gave one (one array for them all). */
const NO_ARNS: string[] = [];

/** Each ARN the logs gave a certificate, in the order of its accounts. */
function arnsOf(c: CertificateLifecycle): string[] {
  if (c.accounts.length === 1) return c.accounts[0]!.arn === null ? NO_ARNS : [c.accounts[0]!.arn];
  return [...new Set(c.accounts.flatMap((a) => (a.arn === null ? [] : [a.arn])))];
}

/**
 * Findings find a certificate by its place (`certificatePlace`): account, region and id. One whose
 * place the report does not show (`accountId` null) has none: findings find it by its id alone.
 */
const placeOf = (accountId: string | null, c: CertificateLifecycle) => (accountId === null ? null : certificatePlace(accountId, c.region, c.certificateId));

function certificatesView(
  certs: CertificateLifecycle[],
  kit: ViewKit,
): { view: CertificatesView; anchors: Map<string, string> } {
  const anchors = new Map<string, string>();
  const isPdf = kit.media === 'pdf';
  // Both media group identical lifecycles: 12,000 copies of one rollout lifecycle say less
  // than one row with a count. The screen keeps every id (in a <details> list) and the
  // appendix keeps every event, so the HTML still holds everything.
  const { groups, rest } = repetitions(certs, lifecycleKey, kit.limits.groupMin);

  // A transferred certificate is also found in the accounts it left (a finding of its transfer is
  // in the sender's), after every certificate is found where it ends: that account's own comes first.
  const left: [string, string][] = [];
  const leftPlaces = (c: CertificateLifecycle, anchor: string) => {
    for (let a = 0; a < c.accounts.length - 1; a++) {
      const place = placeOf(c.accounts[a]!.accountId, c);
      if (place !== null) left.push([place, anchor]);
    }
  };
  // Anchors are claimed now, in document order (findings link to them); rows are made when printed.
  const groupAnchors = kit.shown(groups, kit.limits.rows).map((g, i) => {
    const anchor = kit.claim(`certgroup-${i + 1}`);
    for (const c of g.items) {
      if (!anchors.has(c.certificateId)) anchors.set(c.certificateId, anchor);
      const place = placeOf(c.accountId, c);
      if (place !== null && !anchors.has(place)) anchors.set(place, anchor);
      leftPlaces(c, anchor);
    }
    return anchor;
  });
  const groupTable = kit.table(groups, kit.limits.rows, (g, i) => {
    const anchor = groupAnchors[i] as string;
    const first = g.items[0] as CertificateLifecycle;
    const groupAccount = kit.certificateAccount(first.accountId, first.accountName);
    const times = g.items.flatMap((c) => [c.steps[0]?.eventTime ?? '', c.steps[c.steps.length - 1]?.eventTime ?? '']).filter(Boolean).sort();
    return {
      anchor,
      count: formatCount(g.items.length),
      kind: first.kind === 'ca' ? 'CA certificates' : 'Device certificates',
      account: groupAccount,
      accounts: accountPath(first, kit, groupAccount),
      region: kit.cut(first.region),
      shape: first.steps.map((s) => `${certificateActionLabel(s.action)} (${kit.cut(s.eventName)})`).join(' → '),
      actors: [...new Set(first.steps.map((s) => s.actorLabel))].map((a) => kit.cutMiddle(a)).join(', '),
      status: certificateStatusBadge(first.lastKnownStatus),
      range: times.length > 0 ? kit.clock.range(times[0] as string, times[times.length - 1] as string) : '—',
      samples: g.items.slice(0, 3).map((c) => kit.cut(c.certificateId)),
      members: isPdf ? null : g.items.map((c) => c.certificateId),
    };
  });

  const stepCap = isPdf ? kit.limits.cellItems * 2 : Number.POSITIVE_INFINITY;
  const certAnchors = kit.shown(rest, kit.limits.certificates).map((c) => {
    const anchor = kit.claim(anchorId('cert', c.accountId ?? 'sender', c.region, c.certificateId));
    if (!anchors.has(c.certificateId) || anchors.get(c.certificateId)?.startsWith('certgroup-')) anchors.set(c.certificateId, anchor);
    const place = placeOf(c.accountId, c);
    if (place !== null && (!anchors.has(place) || anchors.get(place)?.startsWith('certgroup-'))) anchors.set(place, anchor);
    leftPlaces(c, anchor);
    return anchor;
  });
  for (const [place, anchor] of left) if (!anchors.has(place)) anchors.set(place, anchor);
  const table = kit.table(rest, kit.limits.certificates, (c, i) => {
    const anchor = certAnchors[i] as string;
    const account = kit.certificateAccount(c.accountId, c.accountName);
    // Each step says its account when they are not all the account the certificate ends in (or its place is not shown).
    const elsewhere = c.steps.some((s) => s.accountId !== c.accountId);
    const steps = c.steps.slice(0, stepCap).map((s) => ({
      time: kit.clock.dateTime(s.eventTime),
      action: certificateActionLabel(s.action),
      eventName: kit.cut(s.eventName),
      detail: s.detail === null ? null : kit.cut(s.detail, PDF_CHARS.stepDetail),
      actor: kit.cutMiddle(s.actorLabel),
      account: elsewhere ? kit.account(s.accountId, s.accountName) : null,
      event: kit.eventLink(s.eventId),
    }));
    return {
      anchor,
      id: kit.cut(c.certificateId),
      kind: c.kind === 'ca' ? 'CA' : 'Device',
      // The ARN only repeats account, region and id: the PDF leaves it out to stay dense.
      arn: isPdf ? null : c.arn,
      arns: isPdf ? NO_ARNS : arnsOf(c),
      account,
      accounts: accountPath(c, kit, account),
      region: kit.cut(c.region),
      status: certificateStatusBadge(c.lastKnownStatus),
      onlyFailed: !c.changed,
      steps: { items: steps, more: kit.moreItems(c.steps.length - steps.length, 'steps') },
      things: kit.list(c.things),
      thingsNote: certificateAttachedNote(c, 'things'),
      policies: kit.list(c.policies),
      policiesNote: certificateAttachedNote(c, 'policies'),
      failed: kit.eventLinks(c.failedEventIds),
    };
  });

  const grouped = groups.reduce((n, g) => n + g.items.length, 0);
  return {
    anchors,
    view: {
      total: certificatesTotal(certs),
      none: certs.length === 0,
      groups: groupTable,
      table,
      note:
        grouped > 0
          ? `${plural(grouped, 'certificate')} with identical lifecycles (same steps by the same actors) are grouped above; ` +
            `the appendix${isPdf ? ' of the HTML report' : ''} and ${kit.dataFiles} list each of their events.`
          : null,
    },
  };
}

/**
 * The Certificates section's count, in its lead: "170 certificates (167 device, 3 CA) touched in the
 * period", or, with some only failed or denied calls named, "166 certificates (163 device, 3 CA)
 * changed in the period, and 4 more only in failed or denied calls (no change made)".
 */
function certificatesTotal(certs: readonly CertificateLifecycle[]): string {
  const changed = certs.filter((c) => c.changed);
  const devices = changed.filter((c) => c.kind === 'device').length;
  const counted = `${plural(changed.length, 'certificate')} (${formatCount(devices)} device, ${formatCount(changed.length - devices)} CA)`;
  const failed = certs.length - changed.length;
  if (failed === 0) return `${counted} touched in the period`;
  return `${counted} changed in the period, and ${formatCount(failed)} more only in failed or denied calls (no change made)`;
}

// --- policies --------------------------------------------------------------

/**
 * The anchors of the rendered policies by name: by account, then region, and `unique` when
 * no other policy of the model (rendered or not) has the name. Findings look their resource
 * up by name once instead of building keys. Forged logs can name one policy in thousands of
 * accounts, so each finding's lookup goes through maps rather than over every place.
 */
type PolicyAnchors = Map<string, { places: Map<string, Map<string, string>>; unique: string | null }>;

/** The anchor of policy `name` in the account and region, else of the only policy so named. */
function policyAnchor(anchors: PolicyAnchors, accountId: string, region: string, name: string): string | null {
  const entry = anchors.get(name);
  if (entry === undefined) return null;
  return entry.places.get(accountId)?.get(region) ?? entry.unique;
}

/**
 * "Default version at end" without a version id: a new version made default whose id was not
 * logged (named by the call that made it), or nothing known from the period.
 */
function defaultVersionNote(p: PolicyHistory, kit: ViewKit): string {
  if (!p.defaultVersionNotLogged) return "not known from the period's events";
  // `defaultVersionNotLogged` is set only with such a version (`policyHistories`).
  const made = p.versions.findLast((v) => v.setAsDefault && v.versionId === null)!;
  return `version not recorded: the new version made default by ${kit.cut(made.eventName)} at ${kit.clock.dateTime(made.eventTime)} (its id was not logged)`;
}

/**
 * What a list of what is attached at the end of the period says beside it: whether it is the whole
 * list (a policy's targets, `attachedTargetsComplete`; a certificate's things and policies,
 * `attachmentsComplete`). "none" for a whole list that is empty; for a policy or certificate that
 * existed before the period, that what was attached before it is not known. Null when the list
 * says it all.
 */
function attachedAtEndNote(
  owner: { kind: 'policy' | 'certificate'; changed: boolean; complete: boolean },
  list: { items: string; count: number },
): string | null {
  if (owner.complete) return list.count === 0 ? 'none' : null;
  // Only failed or denied calls named it: it may never have existed.
  if (!owner.changed) return "not known from the period's events";
  return list.count === 0
    ? `not known from the period's events: the ${owner.kind} existed before the period, and what was attached to it then is not in them`
    : `only those attached in the period: ${list.items} attached before it (the ${owner.kind} existed before the period) are not known from its events`;
}

/** "Attached to at end" beside a policy's list. */
const attachedTargetsNote = (p: PolicyHistory) =>
  attachedAtEndNote({ kind: 'policy', changed: p.changed, complete: p.attachedTargetsComplete }, { items: 'targets', count: p.attachedTargets.length });

/**
 * Beside a certificate's things or policies, shown when there are some: that the list is only what
 * the period attached when the certificate existed before it; null when the list is whole.
 */
function certificateAttachedNote(c: CertificateLifecycle, items: 'things' | 'policies'): string | null {
  const count = c[items].length;
  return count === 0 ? null : attachedAtEndNote({ kind: 'certificate', changed: c.changed, complete: c.attachmentsComplete }, { items, count });
}

/** `2, 3 and 4 more`: the first five ids of a list. */
function versionIds(ids: readonly string[], kit: ViewKit): string {
  const shown = ids.slice(0, 5).map((id) => kit.cut(id));
  return `${shown.join(', ')}${ids.length > shown.length ? ` and ${formatCount(ids.length - shown.length)} more` : ''}`;
}

/**
 * A version made default in the period whose document the period does not show: never to read as
 * harmless. The entries of the policy's `defaultsNotShown` (each version of each incarnation of the
 * policy), grouped by where each came from (`created`: before the period, before it or by a creation
 * whose id was not logged, or, made the default after the period shows the policy created or deleted,
 * by the period), each group said as the finding of each of its versions says it
 * (`defaultNotShownOrigin`). A version id made the default before the policy was created or deleted
 * again and after is named twice, each with when it was made the default.
 */
function defaultsNotShownNote(p: PolicyHistory, kit: ViewKit): string | null {
  const ids = (created: DefaultVersionNotShown['created']) => [...new Set(p.defaultsNotShown.filter((d) => d.created === created).map((d) => d.versionId))];
  const inPeriod = ids('in-period');
  const notes: string[] = [];
  for (const created of ['before-period', 'before-period-or-unlogged', 'in-period'] as const) {
    const group = created === 'in-period' ? inPeriod : ids(created);
    if (group.length === 0) continue;
    const one = group.length === 1;
    const origin = defaultNotShownOrigin(created, null);
    // The same id before and after: the first is told apart by when it was made the default.
    const when =
      created === 'in-period' ? ' after the policy was created or deleted in it' : group.some((id) => inPeriod.includes(id)) ? ' before the policy was created or deleted in it' : '';
    const named = `${one ? 'Version' : 'Versions'} ${versionIds(group, kit)}, made the default in the period${when},`;
    const unknown = `so what the policy allowed with ${one ? 'it' : 'each'} as the default is not known from this report.`;
    notes.push(
      created === 'before-period'
        ? `${named} ${one ? 'was' : 'were'} ${origin}: ${one ? 'its document is' : 'their documents are'} not in the period's events and ${one ? 'was' : 'were'} not checked, ${unknown}`
        : created === 'before-period-or-unlogged'
          ? `${named} ${one ? 'is' : 'are'} not shown created in it: ${one ? 'it' : 'each'} was ${origin}. ${one ? 'Its document was' : 'Their documents were'} not checked, ${unknown}`
          : `${named} ${one ? 'was' : 'were each'} ${origin}. ${one ? 'Its document was' : 'Their documents were'} not checked, ${unknown}`,
    );
  }
  return notes.length === 0 ? null : notes.join(' ');
}

function policiesView(policies: PolicyHistory[], kit: ViewKit): { view: PoliciesView; anchors: PolicyAnchors } {
  const anchors: PolicyAnchors = new Map();
  const isPdf = kit.media === 'pdf';
  const shown = policies.slice(0, Number.isFinite(kit.limits.policies) ? kit.limits.policies : policies.length);
  // A policy rewritten hundreds of times: its latest versions in the PDF, all of them in the JSON.
  const versionsShown = (p: PolicyHistory) => (Number.isFinite(kit.limits.policyVersions) ? p.versions.slice(-kit.limits.policyVersions) : p.versions);
  const documents = documentSizes(shown.flatMap(versionsShown), kit.limits);
  const byName = new Map<string, number>();
  for (const p of policies) byName.set(p.policyName, (byName.get(p.policyName) ?? 0) + 1);

  const items = shown.map((p): PolicyView => {
    const anchor = kit.claim(anchorId('policy', p.accountId, p.region, p.policyName));
    const named = getOrInsert(anchors, p.policyName, () => ({ places: new Map(), unique: null }));
    // Set over any earlier one: the last one rendered is linked when the same policy comes twice.
    getOrInsert(named.places, p.accountId, () => new Map<string, string>()).set(p.region, anchor);
    if (byName.get(p.policyName) === 1) named.unique = anchor;

    // Attaching one policy to 12,000 certificates is one row per actor and action in the PDF.
    type Item = { group: PolicyChange[] } | { change: PolicyChange };
    const { groups, rest } = isPdf
      ? repetitions(p.changes, (c) => JSON.stringify([c.action, c.eventName, c.actorLabel]), kit.limits.groupMin)
      : { groups: [], rest: p.changes };
    const items: Item[] = [...groups.map((g) => ({ group: g.items })), ...rest.map((c) => ({ change: c }))];
    const changes = kit.table(items, kit.limits.policyChanges, (item): PolicyChangeRow => {
      if ('change' in item) {
        const c = item.change;
        return {
          time: kit.clock.dateTime(c.eventTime),
          action: policyActionLabel(c.action),
          eventName: kit.cut(c.eventName),
          target: c.target === null ? null : c.targetType ? `${kit.cut(c.target)} (${c.targetType})` : kit.cut(c.target),
          actor: kit.cutMiddle(c.actorLabel),
          event: kit.eventLink(c.eventId),
          count: null,
        };
      }
      const first = item.group[0] as PolicyChange;
      const last = item.group[item.group.length - 1] as PolicyChange;
      return {
        time: kit.clock.range(first.eventTime, last.eventTime),
        action: policyActionLabel(first.action),
        eventName: kit.cut(first.eventName),
        target: `${plural(item.group.length, 'target')}, e.g. ${item.group.slice(0, 2).map((c) => (c.target === null ? '—' : kit.cut(c.target))).join(', ')}`,
        actor: kit.cutMiddle(first.actorLabel),
        event: kit.eventLink(first.eventId),
        count: formatCount(item.group.length),
      };
    });

    const shownVersions = versionsShown(p);
    return {
      anchor,
      name: kit.cut(p.policyName),
      account: kit.account(p.accountId, p.accountName),
      region: kit.cut(p.region),
      arn: p.arn === null ? null : kit.cut(p.arn),
      defaultVersionId: p.defaultVersionId === null ? null : kit.cut(p.defaultVersionId),
      defaultVersionNote: defaultVersionNote(p, kit),
      deleted: p.deleted,
      onlyFailed: !p.changed,
      attachedTargets: kit.list(p.attachedTargets),
      attachedTargetsNote: attachedTargetsNote(p),
      defaultsNotShownNote: defaultsNotShownNote(p, kit),
      versionsMore: p.versions.length > shownVersions.length ? `${plural(p.versions.length - shownVersions.length, 'earlier version')} (with documents) in ${kit.jsonFile}` : null,
      versions: shownVersions.map((v) => {
        const text = documentText(v);
        const recorded = text !== null;
        return {
          versionId: v.versionId === null ? '(version not logged)' : kit.cut(v.versionId),
          time: kit.clock.dateTime(v.eventTime),
          eventName: kit.cut(v.eventName),
          actor: kit.cutMiddle(v.actorLabel),
          setAsDefault: v.setAsDefault,
          recorded,
          document: text === null ? null : clipVisible(text, documents.sizes.get(v) ?? kit.limits.documentChars),
          notJson: recorded && v.documentPretty === null,
          whyNotRecorded: recorded ? null : (v.documentNotRecorded ?? 'CloudTrail did not record it'),
          event: kit.eventLink(v.eventId),
        };
      }),
      changes,
      failed: kit.eventLinks(p.failedEventIds),
    };
  });
  return {
    anchors,
    view: {
      total: policiesTotal(policies),
      none: policies.length === 0,
      items,
      more: policiesMore(policies.length - shown.length, documents, kit),
    },
  };
}

/**
 * The policies or certificates named only by failed or denied calls (`changed` false): a refused
 * CreatePolicy names a policy that never existed, a refused DescribeCertificate changes nothing.
 */
function onlyFailedCount(items: readonly { changed: boolean }[]): number {
  let n = 0;
  for (const x of items) if (!x.changed) n++;
  return n;
}

/** The Contents' count of policies or certificates: those changed, and apart those only failed or denied calls named ("7 + 1 only failed"). */
function changedCount(items: readonly { changed: boolean }[]): string {
  const failed = onlyFailedCount(items);
  return failed === 0 ? formatCount(items.length) : `${formatCount(items.length - failed)} + ${formatCount(failed)} only failed`;
}

/** The Policies section's count, in its lead: "7 policies changed in the period, and 1 more only in failed or denied calls". */
function policiesTotal(policies: readonly PolicyHistory[]): string {
  const failed = onlyFailedCount(policies);
  if (failed === 0) return `${plural(policies.length, 'policy', 'policies')} touched in the period`;
  const changed = policies.length - failed;
  return `${plural(changed, 'policy', 'policies')} changed in the period, and ${formatCount(failed)} more only in failed or denied calls (no change made: ${failed === 1 ? 'it' : 'they'} may never have existed)`;
}

type PolicyVersion = PolicyHistory['versions'][number];

/** The text a version's document is shown as (pretty when it is JSON), or null when CloudTrail did not record it. */
function documentText(v: PolicyVersion): string | null {
  return v.documentRecorded && v.document !== null ? (v.documentPretty ?? v.document) : null;
}

/** How much of each document the view shows, and how many the shared budget cuts. */
interface DocumentSizes {
  /** The documents the budget cuts, with the characters each keeps; the others are held to `documentChars`. */
  sizes: Map<PolicyVersion, number>;
  /** Documents cut by the budget (not by `documentChars` alone). */
  cut: number;
}

/**
 * Each document up to `documentChars`, and all of them within `documentBudget` together, as
 * printed: the budget is of printed rows (`printedRows`: a line counts whole however short, a
 * long one for each row it wraps to), `documentBudget / DOCUMENT_COLUMNS` of them. When they do
 * not fit, the longest are cut to an equal share of what the shorter ones leave (`fairShares`),
 * so a few forged documents cannot push out the others, nor many fill pages.
 */
function documentSizes(versions: readonly PolicyVersion[], limits: PdfCaps): DocumentSizes {
  if (!Number.isFinite(limits.documentBudget)) return { sizes: new Map(), cut: 0 };
  const recorded = versions.filter((v) => documentText(v) !== null);
  // Each as the view would show it uncut by the budget (in its visible form: an invisible character is printed as `[U+200D]`).
  const shown = recorded.map((v) => clipVisible(documentText(v) as string, limits.documentChars));
  const wants = shown.map((text) => printedRows(text));
  const shares = fairShares(wants, Math.floor(limits.documentBudget / DOCUMENT_COLUMNS));
  const sizes = new Map<PolicyVersion, number>();
  recorded.forEach((v, i) => {
    const share = shares[i] as number;
    if (share >= (wants[i] as number)) return;
    // The characters of `share` rows (what is shown begins as the document does, in its visible form); one row
    // fewer when the cut's "… (N more characters)" wraps past them.
    const text = documentText(v) as string;
    const charsOf = (rows: number) => Math.min(charsInRows(shown[i] as string, rows), limits.documentChars);
    let keep = charsOf(share);
    if (printedRows(clipVisible(text, keep)) > share) keep = charsOf(share - 1);
    sizes.set(v, keep);
  });
  return { sizes, cut: sizes.size };
}

/** The policies the PDF leaves out, and the documents it cuts to its budget, with where they are whole. */
function policiesMore(notShown: number, documents: DocumentSizes, kit: ViewKit): string | null {
  const parts: string[] = [];
  if (notShown > 0) parts.push(`${plural(notShown, 'more policy', 'more policies')} in ${kit.jsonFile}`);
  if (documents.cut > 0) {
    // Each cut document says how many of its characters are left out.
    const one = documents.cut === 1;
    parts.push(
      `${plural(documents.cut, 'policy document')} ${one ? 'is' : 'are'} cut to share the ${formatCount(Math.floor(kit.limits.documentBudget / DOCUMENT_COLUMNS))} ` +
        `printed lines (${formatCount(kit.limits.documentBudget)} characters) this PDF gives policy documents; ${kit.jsonFile} holds ${one ? 'it' : 'each'} whole.`,
    );
  }
  return parts.length > 0 ? parts.join('. ') : null;
}

// --- actors, denied, coverage ------------------------------------------------

/** An actor's row. Every value comes from the logs: the PDF cuts long ones as the appendix does (`PDF_CHARS`). */
function actorRow(a: ActorSummary, kit: ViewKit): ActorRow {
  return {
    label: kit.cutMiddle(a.label),
    type: a.type === null ? 'not stated' : kit.cut(a.type),
    arn: a.arn === null ? null : kit.cutMiddle(a.arn),
    // Shown under "Role:", so only a role: a federated user's issuer (an IAM user or the root user) is in its label.
    role: a.sessionIssuerType === 'Role' && a.sessionIssuerArn !== null ? kit.cutMiddle(a.sessionIssuerArn) : null,
    mfa: mfaBadge(a.mfaAuthenticated),
    changes: formatCount(a.changes),
    reads: formatCount(a.reads),
    failed: formatCount(a.failedAttempts),
    accounts: kit.list(a.accounts.map((id) => kit.account(id))),
    sourceIps: kit.list(a.sourceIps),
    userAgents: kit.list(a.userAgents, PDF_CHARS.userAgent),
    seen: kit.clock.range(a.firstSeen, a.lastSeen),
    actions: kit.list(a.actions.map((x) => `${x.eventName} × ${formatCount(x.count)}`)),
  };
}

function deniedView(model: ReportModel, kit: ViewKit): ReportView['denied'] {
  // Each failed attempt's message: a group keeps its first one, and the others may differ.
  const messages = new Map<string, string | null>();
  if (model.denied.length > 0) for (const e of model.events) if (e.errorCode !== null) messages.set(e.eventId, e.errorMessage);
  return {
    attempts: `${plural(model.summary.failedAttempts, 'failed attempt')}, of which ${formatCount(model.summary.deniedAttempts)} denied`,
    table: kit.table(model.denied, kit.limits.denied, (d) => deniedRow(d, kit, messages)),
  };
}

/**
 * Whose message a group shows (its first attempt's), when it is of several attempts, and how
 * many different messages the attempts had ("no message" being one): every attempt's is in the
 * CSV and JSON (and the HTML's appendix).
 */
function messageOf(d: DeniedGroup, kit: ViewKit, messages: ReadonlyMap<string, string | null>): string | null {
  if (d.count <= 1) return null;
  const said = new Set<string | null>();
  for (const id of d.eventIds) {
    const message = messages.get(id);
    said.add(message === undefined ? d.errorMessage : message);
  }
  if (said.size <= 1) return d.errorMessage === null ? null : `Same message for all ${formatCount(d.count)} attempts:`;
  const first = d.errorMessage === null ? ': no message' : '';
  return `First of ${formatCount(d.count)} attempts${first} (${formatCount(said.size)} different messages, all in ${kit.dataFiles})${d.errorMessage === null ? '' : ':'}`;
}

function deniedRow(d: DeniedGroup, kit: ViewKit, messages: ReadonlyMap<string, string | null>): DeniedRow {
  return {
    actor: kit.cutMiddle(d.actorLabel),
    account: kit.account(d.accountId, d.accountName),
    eventName: kit.cut(d.eventName),
    errorCode: kit.cut(d.errorCode),
    messageOf: messageOf(d, kit, messages),
    errorMessage: d.errorMessage === null ? null : kit.cut(d.errorMessage, PDF_CHARS.deniedError),
    count: formatCount(d.count),
    range: kit.clock.range(d.first, d.last),
    events: kit.eventLinks(d.eventIds),
  };
}


/** The per-account table's heading, columns and empty text, in the units of what was read: log files, Athena partitions, or both. */
function perAccountHeads(files: boolean, athena: boolean): CoverageView['perAccountHeads'] {
  if (!athena) return { title: 'Log files by account', read: 'Readable files', regions: 'Regions (readable files, delivery days)', none: 'No log file was read.' };
  if (!files) {
    return { title: 'Athena partitions by account', read: 'Athena partitions', regions: 'Regions (Athena partitions with IoT rows, delivery days)', none: 'No Athena partition returned a row.' };
  }
  return {
    title: 'Log files and Athena partitions by account',
    read: 'Readable files / Athena partitions',
    regions: 'Regions (readable files, Athena partitions with IoT rows, delivery days)',
    none: 'No log file was read, and no Athena partition returned a row.',
  };
}

function coverageView(model: ReportModel, kit: ViewKit): CoverageView {
  const cov = model.coverage;
  const files = readLogFiles(model);
  const athena = cov.athena;
  const rows = kit.limits.rows;
  const byId = new Map(model.accounts.map((a) => [a.id, a]));
  // Without an account list, the accounts known are those of the logs and of the trail's folders;
  // with one, an account it does not have is without logs when its trail folder held none.
  const trailFolderOnly = [...cov.accountsWithoutLogs, ...cov.accountsNotRead].some((id) => byId.get(id)?.inOrganization === false);
  const which =
    model.filters.accounts.length > 0
      ? 'asked for'
      : model.organization.accountsFrom === 'logs'
        ? 'with a trail folder'
        : trailFolderOnly
          ? 'of the organization or with a trail folder'
          : 'of the organization';
  const accountRow = (id: string) => ({ account: kit.account(id), state: kit.cut(byId.get(id)?.state ?? '—'), ouPath: kit.cut(byId.get(id)?.ouPath ?? '—') });
  // Looked up once per row of a list that a forged bucket makes tens of thousands long.
  const notInList: AccountLists = {
    asked: new Set(model.filters.accounts),
    withoutLogs: new Set(cov.accountsWithoutLogs),
    notRead: new Set(cov.accountsNotRead),
    inRegions: inRegionsAskedFor(model.filters.regions),
  };
  return {
    withoutLogsTitle: `Accounts ${which} without logs${inRegionsAskedFor(model.filters.regions)}`,
    withoutLogsNone:
      cov.accountsNotRead.length > 0
        ? `None among the others: each delivered logs${inRegionsAskedFor(model.filters.regions)}.`
        : `None: every account ${which} delivered logs${inRegionsAskedFor(model.filters.regions)}.`,
    notRead: notReadView(model, kit, which, accountRow),
    counts: [
      ...(files
        ? [
            { label: 'Log files read', value: filesReadText(cov) },
            ...(cov.late.files > 0
              ? [{ label: 'Of the readable, delivered after the period (late delivery days)', value: `${formatCount(cov.late.files)} (${dayRanges(cov.late.days)})` }]
              : []),
            { label: 'Bytes read', value: formatBytes(cov.bytesRead) },
            { label: 'Records read (any service)', value: formatCount(cov.recordsRead) },
          ]
        : []),
      ...(athena !== null
        ? [
            { label: 'Athena partitions with IoT rows (account, region, delivery day)', value: formatCount(athena.partitions) },
            ...(cov.late.athenaPartitions > 0
              ? [{ label: 'Of them, of the delivery days after the period (late delivery days)', value: `${formatCount(cov.late.athenaPartitions)} (${dayRanges(cov.late.days)})` }]
              : []),
            { label: 'Athena rows returned (IoT records)', value: formatCount(athena.rowsRead) },
            { label: 'Athena data scanned', value: formatBytes(athena.dataScannedBytes) },
          ]
        : []),
      { label: 'IoT records in the period', value: formatCount(cov.iotRecords) },
      { label: 'Duplicate IoT records dropped', value: formatCount(cov.duplicatesDropped) },
      { label: 'IoT records without a usable time (in no period)', value: formatCount(cov.iotRecordsWithoutTime.count) },
      { label: 'IoT records without an event name (in no event)', value: formatCount(cov.iotRecordsWithoutName.count) },
      { label: 'Delivery days read (UTC)', value: daysReadText(cov) },
    ],
    perAccountHeads: perAccountHeads(files, athena !== null),
    perAccount: kit.table(cov.perAccount, rows, (a) => ({
      account: kit.account(a.accountId, a.accountName),
      inOrganization: a.inOrganization ? { label: 'yes', cls: 'st-ok' } : { label: 'no', cls: 'st-warn' },
      files: [...(files ? [formatCount(a.files)] : []), ...(athena !== null ? [formatCount(a.athenaPartitions)] : [])].join(' / '),
      // A month of days logged every other day is longer than a cell: only the region is cut.
      regions: kit.list(
        a.regions.map((r) => {
          const read = [...(files ? [plural(r.files, 'file')] : []), ...(athena !== null ? [plural(r.athenaPartitions, 'partition')] : [])];
          return `${kit.cut(r.region)}: ${read.join(', ')}, ${dayRanges(r.days) || 'no days'}${lateText(r.late, files, athena !== null)}`;
        }),
        PDF_CHARS.text,
      ),
      days: `${dayRanges(a.days) || 'none'}${a.late.days.length > 0 ? ` + ${dayRanges(a.late.days)} (after the period: late deliveries)` : ''}`,
    })),
    withoutLogs: kit.table(cov.accountsWithoutLogs, rows, accountRow),
    notInOrganizationTitle: `Accounts ${NOT_IN_ORGANIZATION_LIST}`,
    notInOrganization: kit.table(cov.accountsNotInOrganization, rows, (id) => ({ account: kit.account(id), logs: logsOfAccountNotInList(id, notInList) })),
    unreadable: kit.table(cov.unreadableFiles, rows, (f) => ({ key: kit.cut(f.key, PDF_CHARS.key), source: kit.cut(f.source), reason: f.reason })),
    problems: kit.table(cov.sourceProblems, rows, (f) => ({ key: kit.cut(f.key, PDF_CHARS.key), source: kit.cut(f.source), reason: f.reason })),
    withoutTime: setAsideView(cov.iotRecordsWithoutTime, kit, 'IoT records without a usable time', (one) =>
      `no usable event time (none, or one that is not an ISO-8601 time): ${one ? 'it' : 'they'} could not be placed in any period`,
    ),
    withoutName: setAsideView(cov.iotRecordsWithoutName, kit, 'IoT records without an event name', (one) =>
      `no event name, which CloudTrail always writes (${one ? 'the record is' : 'the records are'} damaged or altered): no event can say what ${one ? 'it' : 'they'} did`,
    ),
  };
}

/**
 * Whether logs of an account no account list has were read: one without (`accountsWithoutLogs`,
 * `accountsNotRead`) is in the report because `--account` asked for it, or because a source holds
 * its trail folder (with none of the period's logs: an account that stopped delivering).
 */
function logsOfAccountNotInList(id: string, lists: AccountLists): string {
  const asked = lists.asked.has(id);
  if (lists.withoutLogs.has(id)) return `no logs${lists.inRegions} (${asked ? 'asked for with --account' : 'its trail folder holds none of the period'})`;
  if (lists.notRead.has(id)) return `not read${lists.inRegions} (${asked ? 'asked for with --account' : 'a source holds its trail folder'})`;
  return 'logs read';
}

/** The account lists `logsOfAccountNotInList` reads, as sets (`filters.accounts`, `accountsWithoutLogs`, `accountsNotRead`), and the regions asked for, said. */
interface AccountLists {
  asked: ReadonlySet<string>;
  withoutLogs: ReadonlySet<string>;
  notRead: ReadonlySet<string>;
  inRegions: string;
}

/**
 * "178 (175 readable, 3 unreadable)": the log files read, of which the readable ones are those the
 * accounts' rows count, so the two add up; "178" when every one was readable.
 */
function filesReadText(cov: Coverage): string {
  const unreadable = cov.unreadableFiles.length;
  if (unreadable === 0) return formatCount(cov.filesRead);
  return `${formatCount(cov.filesRead)} (${formatCount(cov.filesReadable)} readable, ${formatCount(unreadable)} unreadable)`;
}

/** "2026-10-01 to 2026-11-01 (2026-11-01 after the period, for late deliveries)": the late days read named as such. */
function daysReadText(cov: Coverage): string {
  if (cov.daysRead === null) return 'none';
  const late = cov.late.days.length > 0 ? ` (${dayRanges(cov.late.days)} after the period, for late deliveries)` : '';
  return `${cov.daysRead.first} to ${cov.daysRead.last}${late}`;
}

/** "; of them 1 file delivered 2026-11-01, after the period": a region's files of the late days, counted in its files. */
function lateText(late: LateDelivery, files: boolean, athena: boolean): string {
  const parts = [
    ...(files && late.files > 0 ? [plural(late.files, 'file')] : []),
    ...(athena && late.athenaPartitions > 0 ? [plural(late.athenaPartitions, 'partition')] : []),
  ];
  return parts.length === 0 ? '' : `; of them ${parts.join(' and ')} delivered ${dayRanges(late.days)}, after the period`;
}

/** Accounts of which no log was read, for a reason the run knows of: a refused listing or read, or an Athena table (IoT events only). */
function notReadView(
  model: ReportModel,
  kit: ViewKit,
  which: string,
  row: (id: string) => { account: string; state: string; ouPath: string },
): CoverageView['notRead'] {
  const ids = model.coverage.accountsNotRead;
  if (ids.length === 0) return null;
  const athena = model.sources.some((s) => s.kind === 'athena');
  const one = ids.length === 1;
  const why = athena
    ? 'an Athena table is among the sources, and it returns IoT events only: an account with none may well have logs'
    : `a listing or read of ${one ? 'its folder' : 'their folders'} was refused (see Source problems)`;
  return {
    title: `Accounts ${which} not read${inRegionsAskedFor(model.filters.regions)}`,
    note: `No log of ${one ? 'this account' : `these ${formatCount(ids.length)} accounts`} was read, and this report cannot say whether ${one ? 'it has' : 'they have'} any: ${why}.`,
    accounts: kit.table(ids, kit.limits.rows, row),
  };
}

/** `lacks(one)`: what the records lack and what follows, after "N IoT records of the log files read have". */
function setAsideView(records: RecordsWithoutTime, kit: ViewKit, title: string, lacks: (one: boolean) => string): SetAsideView | null {
  const { count, examples } = records;
  if (count === 0) return null;
  const one = count === 1;
  const which = examples.length >= count ? (one ? 'It is in:' : 'They are in:') : `The first ${formatCount(examples.length)} by log file:`;
  return {
    title,
    note: `${plural(count, 'IoT record')} of the log files read ${one ? 'has' : 'have'} ${lacks(one)}, so no other part of this report counts ${one ? 'it' : 'them'}. ${which}`,
    examples: kit.table(examples, kit.limits.rows, (e) => ({
      file: kit.cut(e.file, PDF_CHARS.key),
      eventId: e.eventId === null ? '—' : kit.cut(e.eventId),
      eventName: e.eventName === null ? '—' : kit.cut(e.eventName),
    })),
  };
}

// --- appendix ----------------------------------------------------------------

/**
 * The screen lists every event. The PDF lists, up to the cap and in time order, the events
 * the rendered findings link to (the first `cellItems` of each, as its card shows them, in
 * at most three quarters of the cap when other events wait), then the earliest events
 * outside the repetitive groups (those are summarized in the summary); the rest is in the
 * CSV/JSON. The note says what the rows chosen are, and what is left out.
 */
function appendixView(model: ReportModel, kit: ViewKit, ungrouped: IotEvent[]): ReportView['appendix'] {
  let events: IotEvent[] = model.events;
  let note: string | null = null;
  if (kit.media === 'pdf') {
    const cap = kit.limits.appendix;
    const known = new Set(model.events.map((e) => e.eventId));
    const chosen = new Set<string>();
    // A finding over a 3,000-certificate rollout must not fill the appendix: each finding adds
    // what its card links (its first `cellItems` known events), and room is kept for the rest.
    const perFinding = kit.limits.cellItems;
    const findingRoom = cap - Math.min(ungrouped.length, Math.floor(cap / 4));
    const findings = [...model.findings].sort((a, b) => Number(a.suppressed) - Number(b.suppressed) || bySeverityThenTime(a, b));
    // Every event the findings link to, for the note; chosen while there is room.
    const linked = new Set<string>();
    // Every event of the findings shown, past each one's first `perFinding` too: what the note counts.
    const cited = new Set<string>();
    // In the order `findingsView` renders them (unsuppressed, then suppressed), and only those it renders.
    const shownFindings = kit.shown(findings, kit.limits.findings);
    for (const f of shownFindings) {
      let taken = 0;
      for (let i = 0; i < f.eventIds.length; i++) {
        const id = f.eventIds[i] as string;
        if (!known.has(id)) continue;
        cited.add(id);
        if (taken === perFinding) continue;
        taken++;
        linked.add(id);
        if (chosen.size < findingRoom) chosen.add(id);
      }
    }
    const byLinks = chosen.size;
    // The events outside the groups: those a finding links to are in already, the earliest others fill the rest.
    let otherListed = 0;
    for (const e of ungrouped) {
      if (chosen.has(e.eventId)) {
        otherListed++;
      } else if (chosen.size < cap) {
        chosen.add(e.eventId);
        otherListed++;
      }
    }
    let linkedListed = 0;
    for (const id of linked) if (chosen.has(id)) linkedListed++;
    let citedListed = 0;
    for (const id of cited) if (chosen.has(id)) citedListed++;
    events = model.events.filter((e) => chosen.has(e.eventId));
    note = appendixNote(kit, {
      total: model.events.length,
      listed: events.length,
      otherTotal: ungrouped.length,
      otherListed,
      linked: linked.size,
      linkedListed,
      cited: cited.size,
      citedListed,
      someFindingsShown: shownFindings.length < findings.length,
      byLinks,
      room: findingRoom,
    });
  }
  const anchors = events.map((e) => {
    const anchor = kit.claim(anchorId('event', e.eventId));
    kit.registerEvent(e.eventId, anchor);
    return anchor;
  });

  const table = kit.table(events, Number.POSITIVE_INFINITY, (e, i): EventRow => ({
    anchor: anchors[i] as string,
    eventId: kit.cut(e.eventId),
    time: kit.clock.dateTime(e.eventTime),
    account: kit.account(e.accountId, e.accountName),
    region: kit.cut(e.region),
    eventName: kit.cut(e.eventName),
    eventType: e.eventType === null ? null : kit.cut(e.eventType),
    console: e.sessionCredentialFromConsole === true,
    category: categoryBadge(e.category),
    result: e.errorCode !== null
      ? { label: kit.cut(e.errorCode), cls: 'st-bad' }
      : e.readOnly
        ? { label: 'read', cls: 'st-muted' }
        : { label: 'change', cls: 'st-ok' },
    errorMessage: e.errorMessage === null ? null : kit.cut(e.errorMessage, PDF_CHARS.eventError),
    actor: kit.cutMiddle(e.actor.label),
    sourceIp: e.sourceIp === null ? null : kit.cut(e.sourceIp),
    userAgent: e.userAgent === null ? null : kit.cut(e.userAgent, PDF_CHARS.userAgent),
    resources: kit.list(e.resources.map((r) => `${r.type}: ${r.id}`)),
    // Red for a file that failed validation or that no digest lists (errors of the check), amber for one that could not be checked.
    integrity: e.integrity !== null && e.integrity !== 'valid' ? { label: `log file ${STATUS_LABEL.get(e.integrity) ?? e.integrity}`, cls: UNCHECKED.has(e.integrity) ? 'st-warn' : 'st-bad' } : null,
  }));
  table.total = model.events.length;
  table.more = kit.moreRows(model.events.length - events.length, kit.dataFiles);
  return { note, table };
}

/**
 * What the PDF's appendix lists and what it leaves out, from the rows chosen: the events the
 * findings link to (`linked` of them, each finding's first `cellItems`; `byLinks` rows chosen for
 * them, in at most `room`), then the earliest events outside the repetitive groups ("other"
 * events: `otherListed` of `otherTotal` listed, those a finding links to included), among which
 * more of the findings' (`linkedListed` of the linked listed in the end). The findings' events
 * are counted whole (`cited` of them, `citedListed` listed): a finding past its first `cellItems`
 * has events that only the JSON names as its. Events of the groups are listed only when a
 * finding links them. Null when every event is listed.
 */
function appendixNote(
  kit: ViewKit,
  n: {
    total: number;
    listed: number;
    otherTotal: number;
    otherListed: number;
    linked: number;
    linkedListed: number;
    cited: number;
    citedListed: number;
    /** Whether the PDF leaves some findings out (`limits.findings`): their events are not counted. */
    someFindingsShown: boolean;
    byLinks: number;
    room: number;
  },
): string | null {
  if (n.listed >= n.total) return null;
  const groupedTotal = n.total - n.otherTotal;
  const groupedListed = n.listed - n.otherListed;
  const outside = groupedTotal > 0 ? ' outside the repetitive groups in the summary' : '';
  const parts = [`This PDF lists ${formatCount(n.listed)} of ${plural(n.total, 'event')}.`];
  const rule: string[] = [];
  if (n.linked > 0) {
    const room = n.byLinks < n.linked ? `, in at most ${plural(n.room, 'row')}` : '';
    rule.push(`the events of the findings (each finding's first ${kit.limits.cellItems}, in the order the findings are shown${room})`);
  }
  if (n.listed > n.byLinks) {
    const every = n.otherListed === n.otherTotal;
    rule.push(`${every ? 'every' : 'the earliest'} ${n.linked > 0 ? 'other ' : ''}${every ? 'event' : 'events'}${outside}`);
  }
  if (rule.length > 0) parts.push(`Listed: ${rule.join(', then ')}.`);
  if (n.cited > 0) {
    const findings = n.someFindingsShown ? 'the findings shown' : 'the findings';
    if (n.citedListed === n.cited) {
      parts.push(`${n.cited === 1 ? 'The one event' : `All ${plural(n.cited, 'event')}`} of ${findings} ${n.cited === 1 ? 'is' : 'are'} listed.`);
    } else {
      // Left out: events of the findings' first `cellItems` there was no room for (their ids
      // are not links), and events past them (a card counts those: "+ 3 more in ....json").
      const first = kit.limits.cellItems;
      const noRoom = n.linked - n.linkedListed;
      const past = n.cited - n.linked - (n.citedListed - n.linkedListed);
      const listed = `${formatCount(n.citedListed)} of the ${plural(n.cited, 'event')} of ${findings} ${n.citedListed === 1 ? 'is' : 'are'} listed`;
      const idsOf = (k: number) => (k === 1 ? 'its id has' : 'their ids have');
      if (past === 0) {
        parts.push(`${listed}: the ${noRoom === 1 ? 'id of the other one has' : `ids of the other ${formatCount(noRoom)} have`} no link in the findings.`);
      } else {
        const why =
          noRoom === 0
            ? `: the other ${past === 1 ? 'one comes' : `${formatCount(past)} come`} after a finding's first ${first} (its card counts ${past === 1 ? 'it' : 'them'}).`
            : `. Not listed: ${formatCount(noRoom)} of the findings' first ${first} (no room: ${idsOf(noRoom)} no link in the findings) and ${formatCount(past)} after a finding's first ${first} (its card counts ${past === 1 ? 'it' : 'them'}).`;
        parts.push(`${listed}${why} Each finding's events are all named in ${kit.jsonFile} (its eventIds).`);
      }
    }
  }
  if (groupedTotal === 0) {
    parts.push(`Not listed here: ${plural(n.total - n.listed, 'event')}.`);
  } else {
    const left: string[] = [];
    if (groupedTotal > groupedListed) left.push(`${plural(groupedTotal - groupedListed, 'event')} of the repetitive groups (counted in the summary)`);
    if (n.otherTotal > n.otherListed) left.push(`${plural(n.otherTotal - n.otherListed, 'event')} outside them`);
    parts.push(`Not listed here: ${left.join(' and ')}.`);
  }
  parts.push(`Every event is in ${kit.dataFiles}.`);
  return parts.join(' ');
}
