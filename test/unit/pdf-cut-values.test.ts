/**
 * The PDF cuts every log value, wherever the view puts it (2026-11-26 review: a forged
 * certificate id, source IP, session name, policy name or account name each added tens to
 * hundreds of pages), saying how many characters it leaves out; the HTML shows them whole, and
 * links still find their rows.
 */
import { describe, expect, it } from 'vitest';
import type { RenderContext } from '../../src/render/context.js';
import { htmlText } from '../../src/render/html.js';
import { buildView, type ReportView } from '../../src/render/view.js';
import type { ReportModel } from '../../src/report/model.js';
import { sampleModel } from '../helpers/sample-model.js';

const DATA_FILES = ['iot-audit-2026-10.csv', 'iot-audit-2026-10.json'];
const SCREEN: RenderContext = { media: 'screen', paper: 'a4', dataFiles: DATA_FILES };
const PDF: RenderContext = { ...SCREEN, media: 'pdf' };
const rowsOf = <R>(t: { chunks: { rows: R[] }[] }): R[] => t.chunks.flatMap((c) => c.rows);

const N = 60_000;
/** A forged value: `tag`, then `N` copies of `c`. */
const huge = (c: string, tag = '') => `${tag}${c.repeat(N)}`;
/** What the PDF shows of `huge(c, tag)`: its first 200 characters, and how many more there are. */
const cell = (c: string, tag = '') => `${tag}${c.repeat(200 - tag.length)}… (${(N + tag.length - 200).toLocaleString('en-US')} more characters)`;
/**
 * What the PDF shows of who acted or what was acted on (a caller's label or ARN, a finding's resource), `huge(c, tag)`:
 * cut in the middle, its start (51 characters) and its end (104), which names the role or the resource, at 200 in all.
 */
const middle = (c: string, tag = '') => `${huge(c, tag).slice(0, 51)}… (${(N + tag.length - 155).toLocaleString('en-US')} characters left out) …${c.repeat(104)}`;

/** Every string of a view (rows of tables included), with the name of the field that holds it. */
function strings(value: unknown, field = '', out: { field: string; text: string }[] = []): { field: string; text: string }[] {
  if (typeof value === 'string') out.push({ field, text: value });
  else if (Array.isArray(value)) for (let i = 0; i < value.length; i++) strings(value[i], field, out);
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) strings(v, k, out);
  return out;
}

/** The links of a view ({ text, href } objects), and the anchors of its rows. */
function links(view: ReportView): { hrefs: string[]; anchors: Set<string> } {
  const hrefs: string[] = [];
  const anchors = new Set<string>();
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) for (let i = 0; i < value.length; i++) walk(value[i]);
    else if (value !== null && typeof value === 'object') {
      const o = value as Record<string, unknown>;
      if (typeof o.anchor === 'string') anchors.add(o.anchor);
      if ('text' in o && typeof o.href === 'string') hrefs.push(o.href);
      for (const v of Object.values(o)) walk(v);
    }
  };
  walk(view);
  return { hrefs, anchors };
}

describe('the certificates section', () => {
  function forged(): ReportModel {
    // A rollout of identical lifecycles (a group) beside certificates of their own.
    const m = sampleModel({ events: 400 });
    m.certificates.forEach((c, i) => {
      c.certificateId = huge('c', `${String(i).padStart(3, '0')}-`);
      for (const s of c.steps) {
        s.actorLabel = huge('s');
        s.detail = huge('d');
      }
    });
    return m;
  }

  it('cuts certificate ids, and the actor and detail of each lifecycle step, in the PDF', () => {
    const m = forged();
    const v = buildView(m, PDF);
    const rows = rowsOf(v.certificates.table);
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      expect(row.id).toMatch(/^\d{3}-c{196}… \(59,804 more characters\)$/);
      for (const step of row.steps.items) {
        expect(step.actor).toBe(middle('s'));
        expect(step.detail).toBe(`${'d'.repeat(300)}… (59,700 more characters)`);
      }
    }
    const groups = rowsOf(v.certificates.groups);
    expect(groups.length).toBeGreaterThan(0);
    for (const g of groups) {
      expect(g.samples.length).toBeGreaterThan(0);
      for (const sample of g.samples) expect(sample).toMatch(/^\d{3}-c{196}… \(59,804 more characters\)$/);
      expect(g.actors).toBe(middle('s'));
    }
  });

  it('shows them whole on screen', () => {
    const v = buildView(forged(), SCREEN);
    const row = rowsOf(v.certificates.table)[0]!;
    expect(row.id).toHaveLength(N + 4);
    expect(row.steps.items[0]?.actor).toHaveLength(N);
    expect(rowsOf(v.certificates.groups)[0]?.members?.[0]).toHaveLength(N + 4);
  });

  it("still links a finding on a forged certificate to the certificate's row", () => {
    const m = forged();
    const v0 = buildView(m, PDF);
    const target = rowsOf(v0.certificates.table)[0]!;
    const cert = m.certificates.find((c) => c.certificateId.startsWith(target.id.slice(0, 4)))!;
    const finding = m.findings.find((f) => !f.suppressed)!;
    Object.assign(finding, { ruleId: 'certificate-reactivated', resourceKind: 'certificate', resource: cert.certificateId, accountId: cert.accountId, region: cert.region });
    for (const ctx of [PDF, SCREEN]) {
      const v = buildView(m, ctx);
      const rows = [...rowsOf(v.findings.open), ...rowsOf(v.findings.minor)];
      const row = rows.find((r) => r.resource.text.startsWith(target.id.slice(0, 4)))!;
      const certRow = rowsOf(v.certificates.table).find((r) => r.id.startsWith(target.id.slice(0, 4)))!;
      expect(row.resource.href).toBe(`#${certRow.anchor}`);
      // The finding's resource keeps its end in the PDF (what it is about), the certificate's id its start.
      expect(row.resource.text).toBe(ctx.media === 'pdf' ? middle('c', cert.certificateId.slice(0, 4)) : cert.certificateId);
    }
  });
});

describe('the findings', () => {
  it("cuts a finding's resource (a forged source IP), region and id in the PDF, and keeps them whole on screen", () => {
    const m = sampleModel({ events: 120 });
    for (const f of m.findings) {
      f.resource = huge('9');
      f.region = huge('r');
      f.regions = [f.region];
      f.id = huge('i', f.id);
    }
    const v = buildView(m, PDF);
    const rows = [...rowsOf(v.findings.open), ...rowsOf(v.findings.minor), ...rowsOf(v.findings.suppressed)];
    expect(rows).toHaveLength(m.findings.length);
    for (const row of rows) {
      expect(row.resource.text).toBe(middle('9'));
      expect(row.region).toBe(cell('r'));
      expect(row.id.length).toBeLessThan(240);
    }
    const screen = buildView(m, SCREEN);
    expect(rowsOf(screen.findings.open)[0]?.resource.text).toBe(huge('9'));
  });
});

describe('the policies section', () => {
  it('cuts policy names, ARNs, change targets and actors, and version actors in the PDF, and keeps them whole on screen', () => {
    const m = sampleModel({ events: 120 });
    m.policies.forEach((p, i) => {
      p.policyName = huge('p', `${i}-`);
      p.arn = huge('a');
      for (const c of p.changes) {
        c.target = huge('t');
        c.actorLabel = huge('b');
      }
      for (const x of p.versions) x.actorLabel = huge('v');
    });
    const v = buildView(m, PDF);
    expect(v.policies.items.length).toBeGreaterThan(0);
    for (const [i, p] of v.policies.items.entries()) {
      expect(p.name).toBe(cell('p', `${i}-`));
      expect(p.arn).toBe(cell('a'));
      for (const version of p.versions) expect(version.actor).toBe(middle('v'));
      for (const change of rowsOf(p.changes)) {
        expect(change.actor).toBe(middle('b'));
        // "12 targets, e.g. a, b" for a group of changes: each target cut.
        expect(change.target?.length).toBeLessThan(600);
        expect(change.target).toContain(cell('t'));
      }
    }
    const screen = buildView(m, SCREEN).policies.items[0]!;
    expect([screen.name, screen.arn]).toEqual([m.policies[0]!.policyName, huge('a')]);
  });
});

describe('account names', () => {
  it('cuts a forged name from the accounts file in every table by account, in the PDF', () => {
    const m = sampleModel({ events: 120, integrity: true });
    const account = m.accounts[0]!;
    account.name = huge('N');
    const label = `${account.id} (${'N'.repeat(200 - account.id.length - 2)}… (${(N - 200 + account.id.length + 3).toLocaleString('en-US')} more characters)`;
    const v = buildView(m, PDF);
    const cells = strings(v).filter((s) => s.field === 'account' || s.field === 'accounts');
    const ours = cells.filter((s) => s.text.startsWith(`${account.id} (N`));
    // Findings, summary, integrity, certificates, policies, actors, denied, coverage, appendix.
    expect(ours.length).toBeGreaterThan(20);
    for (const s of ours) expect(s.text).toBe(label);
    expect(strings(buildView(m, SCREEN)).some((s) => s.text === `${account.id} (${huge('N')})`)).toBe(true);
  });
});

describe('event ids', () => {
  it('cuts a forged event id in the appendix and in the links to it, which still find its row', () => {
    const m = sampleModel({ events: 120 });
    const rename = new Map(m.events.map((e, i) => [e.eventId, huge('e', `${String(i).padStart(3, '0')}-`)]));
    for (const e of m.events) e.eventId = rename.get(e.eventId)!;
    for (const f of m.findings) f.eventIds = f.eventIds.map((id) => rename.get(id) ?? id);
    const v = buildView(m, PDF);
    const rows = rowsOf(v.appendix.table);
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(row.eventId).toMatch(/^\d{3}-e{196}… \(59,804 more characters\)$/);
    const { hrefs, anchors } = links(v);
    expect(hrefs.length).toBeGreaterThan(10);
    for (const href of hrefs) expect(anchors.has(href.slice(1)), href).toBe(true);
    const linked = rowsOf(v.findings.open).flatMap((r) => r.events.items);
    expect(linked.length).toBeGreaterThan(0);
    for (const l of linked) expect(l.text).toMatch(/^\d{3}-e{196}… \(59,804 more characters\)$/);
  });
});

describe('the comparison with a previous report', () => {
  it("cuts the previous report's values in the PDF, each status of a change on its own", () => {
    const m = sampleModel({ events: 120, comparison: true });
    const c = m.comparison!;
    for (const f of [...c.findings.new, ...c.findings.resolved, ...c.findings.changed]) f.resource = huge('r');
    for (const p of [...c.policies.new, ...c.policies.changed, ...c.policies.deleted]) p.policyName = huge('p');
    for (const x of c.certificates.changed) {
      x.certificateId = huge('c');
      x.previousStatus = huge('s');
    }
    for (const a of [...c.actors.new, ...c.actors.gone]) a.label = huge('l');
    const v = buildView(m, PDF).comparison!;
    const findings = [...rowsOf(v.newFindings), ...rowsOf(v.resolvedFindings), ...rowsOf(v.changedFindings)];
    expect(findings.length).toBeGreaterThan(0);
    for (const f of findings) expect(f.resource).toBe(middle('r'));
    for (const p of rowsOf(v.policies)) expect(p.name).toBe(cell('p'));
    const changed = rowsOf(v.certificates).filter((x) => x.change.label === 'changed');
    expect(changed.length).toBeGreaterThan(0);
    for (const x of changed) {
      expect(x.id).toBe(cell('c'));
      expect(x.status).toBe(`${cell('s')} → ${c.certificates.changed[0]!.status}`);
    }
    for (const a of rowsOf(v.actors)) expect(a.label).toBe(middle('l'));
    expect(rowsOf(buildView(m, SCREEN).comparison!.newFindings)[0]?.resource).toBe(huge('r'));
  });
});

describe('every log value at once', () => {
  /** The model with every string it holds made `pad` longer (ids stay distinct and still match one another). */
  function forgeAll(m: ReportModel, pad: string): ReportModel {
    const forge = (value: unknown): unknown => {
      if (typeof value === 'string') return `${value}${pad}`;
      if (Array.isArray(value)) return value.map(forge);
      if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, forge(v)]));
      return value;
    };
    const out = forge(m) as ReportModel;
    // The times stay times, and the fields the pipeline sets (not the logs) stay as they were.
    out.generatedAt = m.generatedAt;
    out.period = m.period;
    out.tool = m.tool;
    out.events.forEach((e, i) => (e.eventTime = m.events[i]!.eventTime));
    return out;
  }

  it('holds every string of the PDF to a cell or a sentence, whatever field a forged value reaches', async () => {
    const plain = sampleModel({ events: 120, integrity: true, comparison: true });
    const m = forgeAll(plain, 'x'.repeat(20_000));
    const v = buildView(m, PDF);
    const all = strings(v);
    expect(all.length).toBeGreaterThan(1000);
    const blocks = new Set(['document', 'evidence']);
    for (const s of all) expect(s.text.length, s.field).toBeLessThanOrEqual(blocks.has(s.field) ? 8_192 + 40 : 2_000 + 40);
    // Nearly all of them to a cell.
    const long = all.filter((s) => s.text.length > 200 + 40);
    expect(long.length).toBeLessThan(all.length / 20);
    // The document Chromium prints: the sample's own size and a few pages more, not megabytes.
    const html = await htmlText(m, PDF);
    expect(html.length).toBeLessThan((await htmlText(plain, PDF)).length * 5);
    expect(html.length).toBeLessThan(3_000_000);
  });
});
