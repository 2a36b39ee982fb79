/**
 * The view of `--compare`: what is new, resolved and changed since a previous report.
 * The previous report is a user-supplied file: its strings are as hostile as log values, and
 * the PDF cuts them as it cuts those (`ViewKit.cut`).
 */
import type { CertificateChangeRef, Comparison } from '../report/model.js';
import { formatCount, plural, suppressedCount } from './format.js';
import { severityBadge, type Badge, type Table, type ViewKit } from './view-kit.js';

export interface ComparisonFindingRow {
  severity: Badge;
  title: string;
  ruleId: string;
  account: string;
  resource: string;
  suppressed: boolean;
  changes: string[];
}

export interface ComparisonView {
  previous: { title: string; period: string; generatedAt: string };
  /** The comparison's warnings (a previous report not of an earlier period, previous findings nobody looked at again), shown first. */
  warnings: string[];
  counts: { label: string; value: string }[];
  newFindings: Table<ComparisonFindingRow>;
  resolvedFindings: Table<ComparisonFindingRow>;
  changedFindings: Table<ComparisonFindingRow>;
  unchangedFindings: string;
  policies: Table<{ change: Badge; name: string; account: string; region: string; changes: string[] }>;
  /**
   * `change` "moved" for one the previous report had in another account (moved to this one by a
   * transfer); `account`: the account it is in; `accounts`: that one, after the previous report's
   * account ("→ account", as the Certificates section shows a transfer) for one moved; `status`:
   * "A → B" when it changed.
   */
  certificates: Table<{ change: Badge; id: string; kind: string; account: string; accounts: string[]; region: string; status: string }>;
  actors: Table<{ change: Badge; label: string; type: string }>;
}

export function comparisonView(c: Comparison, kit: ViewKit): ComparisonView {
  const isPdf = kit.media === 'pdf';
  const rows = kit.limits.rows;
  const finding = (f: Comparison['findings']['new'][number] & { changes?: string[] }): ComparisonFindingRow => ({
    severity: severityBadge(f.severity),
    title: kit.cut(f.title),
    ruleId: kit.cut(f.ruleId),
    account: kit.account(f.accountId, f.accountName),
    resource: kit.cutMiddle(f.resource),
    suppressed: f.suppressed,
    // Built from values of both reports (a finding's regions): cut as every other value here.
    changes: f.changes ? f.changes.map((c) => kit.cut(c)) : [],
  });
  const NEW: Badge = { label: 'new', cls: 'st-neutral' };
  const GONE: Badge = { label: 'deleted', cls: 'st-muted' };
  const CHANGED: Badge = { label: 'changed', cls: 'st-warn' };
  const MOVED: Badge = { label: 'moved', cls: 'st-warn' };
  // Absent from the previous report, and not created in this period: it existed before.
  const FIRST_SEEN: Badge = { label: 'first seen', cls: 'st-muted' };
  const policies = [
    ...c.policies.new.map((p) => ({ change: NEW, p, changes: p.deleted ? ['created and deleted in this period'] : [] })),
    ...c.policies.changed.map((p) => ({ change: CHANGED, p, changes: p.changes })),
    ...c.policies.deleted.map((p) => ({ change: GONE, p, changes: [] as string[] })),
    ...c.firstSeen.policies.map((p) => ({ change: FIRST_SEEN, p, changes: [] as string[] })),
  ];
  const certificates = [
    ...c.certificates.changed.map((x) => ({ change: x.movedFrom === null ? CHANGED : MOVED, x, ...certificateChange(x, kit) })),
    ...c.certificates.new.map((x) => ({ change: NEW, x, from: null, status: statusText(x.status, kit) })),
    ...c.firstSeen.certificates.map((x) => ({ change: FIRST_SEEN, x, from: null, status: statusText(x.status, kit) })),
  ];
  const actors = [
    ...c.actors.new.map((a) => ({ change: NEW, a })),
    ...c.actors.gone.map((a) => ({ change: { label: 'not seen now', cls: 'st-muted' }, a })),
  ];
  return {
    previous: { title: c.previous.title, period: c.previous.period.label, generatedAt: kit.clock.stamp(c.previous.generatedAt) },
    warnings: [...c.warnings],
    counts: [
      // Suppressed ones included (new all the same), and said: the report's other counts are of open findings.
      { label: 'New findings', value: `${formatCount(c.findings.new.length)}${suppressedCount(c.findings.new)}` },
      { label: 'Findings no longer reported', value: formatCount(c.findings.resolved.length) },
      { label: 'Changed findings', value: formatCount(c.findings.changed.length) },
      { label: 'Unchanged findings', value: formatCount(c.findings.unchanged) },
      { label: 'Policies new / changed / deleted', value: `${formatCount(c.policies.new.length)} / ${formatCount(c.policies.changed.length)} / ${formatCount(c.policies.deleted.length)}` },
      {
        label: 'Certificates new / changed',
        value: `${formatCount(c.certificates.new.length)} / ${formatCount(c.certificates.changed.length)}${c.certificates.moved > 0 ? ` (${formatCount(c.certificates.moved)} moved to another account)` : ''}`,
      },
      { label: 'Actors new / not seen now', value: `${formatCount(c.actors.new.length)} / ${formatCount(c.actors.gone.length)}` },
      { label: 'Policies / certificates first seen', value: `${formatCount(c.firstSeen.policies.length)} / ${formatCount(c.firstSeen.certificates.length)}` },
    ],
    newFindings: kit.table(c.findings.new, rows, finding),
    resolvedFindings: kit.table(c.findings.resolved, rows, finding),
    changedFindings: kit.table(c.findings.changed, rows, finding),
    unchangedFindings: plural(c.findings.unchanged, 'finding'),
    policies: kit.table(policies, rows, ({ change, p, changes }) => ({
      change,
      name: kit.cut(p.policyName),
      account: kit.account(p.accountId, p.accountName),
      region: kit.cut(p.region),
      changes: [...changes],
    })),
    // A rollout makes thousands of new certificates: the PDF lists a sample, the totals are above.
    certificates: kit.table(certificates, isPdf ? kit.limits.cellItems * 20 : rows, ({ change, x, from, status }) => ({
      change,
      id: kit.cut(x.certificateId),
      kind: x.kind === 'ca' ? 'CA' : 'Device',
      account: kit.certificateAccount(x.accountId, x.accountName),
      accounts: from === null ? [kit.certificateAccount(x.accountId, x.accountName)] : [from, `→ ${kit.certificateAccount(x.accountId, x.accountName)}`],
      region: kit.cut(x.region),
      status,
    })),
    actors: kit.table(actors, rows, ({ change, a }) => ({ change, label: kit.cutMiddle(a.label), type: a.type === null ? 'not stated' : kit.cut(a.type) })),
  };
}

/**
 * What changed of a certificate since the previous report: the account the previous report had it
 * in, when it moved (`movedFrom`), and its status ("A → B" when it changed, else the one it kept).
 */
function certificateChange(x: CertificateChangeRef, kit: ViewKit): { from: string | null; status: string } {
  const statusChanged = x.status !== null && x.status !== x.previousStatus;
  return {
    from: x.movedFrom === null ? null : kit.account(x.movedFrom.accountId, x.movedFrom.accountName),
    status: statusChanged ? `${statusText(x.previousStatus, kit)} → ${statusText(x.status, kit)}` : statusText(x.status, kit),
  };
}

/** A certificate status of either report, cut in the PDF (`ViewKit.cut`). */
function statusText(status: string | null, kit: ViewKit): string {
  return status === null ? 'unknown' : kit.cut(status);
}
