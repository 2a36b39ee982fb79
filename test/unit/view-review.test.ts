/**
 * Review of the HTML/PDF view: integrity sentences that tell tampered logs from unchecked
 * ones, a PDF appendix note that is always true (and ungrouped events a finding cannot crowd
 * out), long log values cut in the PDF's cells, and a completeness row saying the logs were
 * not verified.
 */
import { parse } from 'node-html-parser';
import { describe, expect, it } from 'vitest';
import type { RenderContext } from '../../src/render/context.js';
import { htmlText } from '../../src/render/html.js';
import { plural } from '../../src/render/format.js';
import { buildView, type ReportView } from '../../src/render/view.js';
import type { IotEvent, ReportModel } from '../../src/report/model.js';
import { sampleModel } from '../helpers/sample-model.js';

const DATA_FILES = ['iot-audit-2026-10.csv', 'iot-audit-2026-10.json'];
const SCREEN: RenderContext = { media: 'screen', paper: 'a4', dataFiles: DATA_FILES };
const PDF: RenderContext = { ...SCREEN, media: 'pdf' };
const rowsOf = <R>(t: { chunks: { rows: R[] }[] }): R[] => t.chunks.flatMap((c) => c.rows);
const texts = (v: ReportView): string[] => (v.integrity?.flaggedEvents ?? []).map((f) => f.text);

describe('integrity: events from files that failed validation vs files that could not be checked', () => {
  /** The sample's one `modified` event, plus `unverified` (not checked) and `missing` ones. */
  function verified(unverified: number, missing: number): ReportModel {
    const m = sampleModel({ events: 300, integrity: true });
    const plain = m.events.filter((e) => e.integrity === null);
    plain.slice(0, unverified).forEach((e) => (e.integrity = 'unverified'));
    plain.slice(unverified, unverified + missing).forEach((e) => (e.integrity = 'missing'));
    for (const e of m.events) e.integrity ??= 'valid';
    return m;
  }

  it('says each apart, with a link to the first of each', () => {
    const m = verified(5, 1);
    const v = buildView(m, SCREEN);
    expect(texts(v)).toEqual([
      '2 events of this report come from log files that failed validation (1 modified, 1 missing). They are marked in the appendix.',
      '5 events of this report come from log files that could not be checked against a digest (5 not checked): ' +
        'they are neither known to be altered nor known to be intact. They are marked in the appendix.',
    ]);
    const firstOf = (statuses: string[]) => m.events.find((e) => statuses.includes(e.integrity ?? ''))?.eventId;
    const [failed, unchecked] = v.integrity?.flaggedEvents ?? [];
    expect(failed?.first?.text).toBe(firstOf(['modified', 'missing']));
    expect(unchecked?.first?.text).toBe(firstOf(['unverified']));
    const anchors = new Set(rowsOf(v.appendix.table).map((r) => r.anchor));
    for (const f of v.integrity?.flaggedEvents ?? []) expect(anchors.has(f.first?.href?.slice(1) ?? '')).toBe(true);
    // The appendix badge: red for a failed file, amber for an unchecked one.
    const badges = new Map(rowsOf(v.appendix.table).flatMap((r) => (r.integrity ? [[r.integrity.label, r.integrity.cls]] : [])));
    expect(Object.fromEntries(badges)).toEqual({ 'log file modified': 'st-bad', 'log file missing': 'st-bad', 'log file unverified': 'st-warn' });
  });

  it('says a file no trusted digest lists apart from those that failed validation (delivered after its chain\'s last digest, or added), and an unchecked one apart', () => {
    const m = verified(0, 0);
    m.events.forEach((e) => (e.integrity = 'valid'));
    m.events.slice(0, 200).forEach((e) => (e.integrity = 'not-covered'));
    m.events.slice(200, 210).forEach((e) => (e.integrity = 'unverified'));
    const v = buildView(m, SCREEN);
    expect(texts(v)).toEqual([
      "200 events of this report come from log files listed by no digest, in a trail that has digests: delivered after their chain's last digest (validation stopped, or the digests after it were deleted), or added (each file's problem below says which). They are marked in the appendix.",
      '10 events of this report come from log files that could not be checked against a digest (10 not checked): they are neither known to be altered nor known to be intact. They are marked in the appendix.',
    ]);
    const badges = new Map(rowsOf(v.appendix.table).flatMap((r) => (r.integrity ? [[r.integrity.label, r.integrity.cls]] : [])));
    expect(badges.get('log file listed by no digest')).toBe('st-bad');
  });

  it('counts the files of a trail with no digest at all (validation off) as could not be checked, not failed (2026-11-26 review)', () => {
    const m = verified(0, 0);
    m.events.forEach((e) => (e.integrity = 'valid'));
    const place = m.events[0]!;
    const there = m.events.filter((e) => e.accountId === place.accountId && e.region === place.region);
    there.forEach((e) => (e.integrity = 'no-digests'));
    const v = buildView(m, SCREEN);
    expect(texts(v)).toEqual([
      `${plural(there.length, 'event')} of this report ${there.length === 1 ? 'comes' : 'come'} from log files that could not be checked against a digest (${there.length} in a trail with no digest at all: validation off, or every digest deleted): ${there.length === 1 ? 'it is' : 'they are'} neither known to be altered nor known to be intact. ${there.length === 1 ? 'It is' : 'They are'} marked in the appendix.`,
    ]);
    const badges = new Map(rowsOf(v.appendix.table).flatMap((r) => (r.integrity ? [[r.integrity.label, r.integrity.cls]] : [])));
    expect(Object.fromEntries(badges)).toEqual({ 'log file in a trail with no digests': 'st-warn' });
  });

  it('says listed by no digest for such a file beside files of a trail with no digests, in one account and region (each file as the check marked it)', () => {
    const m = verified(0, 0);
    m.events.forEach((e) => (e.integrity = 'valid'));
    const [added, other] = m.events;
    added!.integrity = 'not-covered';
    other!.integrity = 'no-digests';
    other!.accountId = added!.accountId;
    other!.region = added!.region;
    const v = buildView(m, SCREEN);
    expect(texts(v)).toEqual([
      "1 event of this report comes from log files listed by no digest, in a trail that has digests: delivered after its chain's last digest (validation stopped, or the digests after it were deleted), or added (each file's problem below says which). It is marked in the appendix.",
      '1 event of this report comes from log files that could not be checked against a digest (1 in a trail with no digest at all: validation off, or every digest deleted): it is neither known to be altered nor known to be intact. It is marked in the appendix.',
    ]);
    const rows = rowsOf(v.appendix.table);
    expect(rows.find((r) => r.eventId === added!.eventId)?.integrity?.cls).toBe('st-bad');
    expect(rows.find((r) => r.eventId === other!.eventId)?.integrity?.cls).toBe('st-warn');
  });

  it('never says files failed validation when they only could not be checked', () => {
    const m = verified(0, 0);
    m.events.forEach((e) => (e.integrity = 'valid'));
    m.events.slice(0, 10).forEach((e) => (e.integrity = 'unverified'));
    const t = texts(buildView(m, SCREEN));
    expect(t).toHaveLength(1);
    expect(t.join(' ')).not.toContain('failed validation');
  });

  it('prints one box per sentence, its link resolving, and says what the PDF lists', async () => {
    const m = verified(5, 0);
    for (const media of [SCREEN, PDF]) {
      const root = parse(await htmlText(m, media));
      const boxes = root.querySelectorAll('#integrity .warn-box');
      expect(boxes).toHaveLength(2);
      expect(boxes[0]?.text).toContain('failed validation (1 modified)');
      expect(boxes[1]?.text).toContain('could not be checked against a digest (5 not checked)');
      // On screen every event is listed: each box links to its first, and the link resolves.
      for (const b of media === SCREEN ? boxes : []) {
        const href = b.querySelector('a')?.getAttribute('href');
        expect(href).toMatch(/^#./);
        expect(root.querySelector(`[id="${href!.slice(1)}"]`)).not.toBeNull();
      }
    }
    // A PDF that lists few events says how many of them it lists, and where every one is marked.
    const v = buildView(m, { ...PDF, pdfCaps: { appendix: 4 } });
    const listed = new Set(rowsOf(v.appendix.table).map((r) => r.eventId));
    const n = m.events.filter((e) => e.integrity === 'unverified' && listed.has(e.eventId)).length;
    expect(n).toBe(2);
    expect(texts(v)).toEqual([
      '1 event of this report comes from log files that failed validation (1 modified). ' +
        'It is not listed in the appendix of this PDF; it is marked in the integrity field of iot-audit-2026-10.csv / .json.',
      '5 events of this report come from log files that could not be checked against a digest (5 not checked): ' +
        'they are neither known to be altered nor known to be intact. ' +
        'The appendix of this PDF lists and marks 2 of them; each is marked in the integrity field of iot-audit-2026-10.csv / .json.',
    ]);
    expect(v.integrity?.flaggedEvents[0]?.first).toBeNull();
    expect(listed.has(v.integrity?.flaggedEvents[1]?.first?.text ?? '')).toBe(true);
  });
});

describe('PDF appendix: a finding over a rollout does not crowd out the other events, and the note is true', () => {
  /** 3,000 CreateKeysAndCertificate calls by one role, 20 UpdateThing calls on later days, one finding over the 3,000. */
  function rollout(): ReportModel {
    const m = sampleModel({ events: 60 });
    const create = m.events.find((e) => e.eventName === 'CreateKeysAndCertificate' && e.actor.sessionName === 'fleet-rollout') as IotEvent;
    const alice = m.events.find((e) => e.actor.label === 'user/alice' && e.isChange) as IotEvent;
    const events: IotEvent[] = [];
    const start = Date.parse('2026-10-03T09:00:00Z');
    for (let i = 0; i < 3000; i++) {
      events.push({ ...create, eventId: `roll-${String(i).padStart(5, '0')}`, eventTime: new Date(start + i * 20_000).toISOString() });
    }
    for (let i = 0; i < 20; i++) {
      events.push({
        ...alice,
        eventId: `upd-${String(i).padStart(2, '0')}`,
        eventName: 'UpdateThing',
        category: 'other',
        eventTime: new Date(Date.parse('2026-10-10T08:00:00Z') + i * 3_600_000).toISOString(),
        resources: [{ type: 'thing', id: `sensor-${i}`, arn: null }],
      });
    }
    const [finding] = m.findings.filter((f) => !f.suppressed);
    m.events = events;
    m.findings = [{ ...finding!, eventIds: events.slice(0, 3000).map((e) => e.eventId) }];
    return m;
  }

  it('lists what the finding card links and every ungrouped event, and says exactly that', () => {
    const m = rollout();
    const v = buildView(m, PDF);
    const rows = rowsOf(v.appendix.table);
    expect(rows.filter((r) => r.eventName === 'UpdateThing')).toHaveLength(20);
    expect(rows.filter((r) => r.eventName === 'CreateKeysAndCertificate')).toHaveLength(10);
    expect(v.appendix.note).toBe(
      'This PDF lists 30 of 3,020 events. ' +
        "Listed: the events of the findings (each finding's first 10, in the order the findings are shown), then every other event outside the repetitive groups in the summary. " +
        // The finding's 2,990 other events were not counted: "All 10 events of the findings are listed."
        "10 of the 3,000 events of the findings are listed: the other 2,990 come after a finding's first 10 (its card counts them). " +
        "Each finding's events are all named in iot-audit-2026-10.json (its eventIds). " +
        'Not listed here: 2,990 events of the repetitive groups (counted in the summary). Every event is in iot-audit-2026-10.csv / .json.',
    );
    expect(v.appendix.table.more).toBe('2,990 more rows in iot-audit-2026-10.csv / .json');
    // The finding's card shows the 10 events listed, each linked.
    const card = rowsOf(v.findings.open)[0] ?? rowsOf(v.findings.minor)[0];
    expect(card?.events.items.map((l) => l.text)).toEqual(m.findings[0]?.eventIds.slice(0, 10));
    for (const l of card?.events.items ?? []) expect(l.href).not.toBeNull();
  });

  it('keeps a quarter of the cap for the ungrouped events when findings link more, and counts the rows it chose', () => {
    const m = rollout();
    // 100 findings over 10 distinct UpdateThing calls each (1,000 of them, no group: one each per thing).
    const base = m.events[3000] as IotEvent;
    const more: IotEvent[] = [];
    for (let i = 0; i < 1000; i++) {
      more.push({ ...base, eventId: `x-${String(i).padStart(4, '0')}`, eventName: `UpdateThing${i}`, eventTime: new Date(Date.parse('2026-10-12T00:00:00Z') + i * 60_000).toISOString() });
    }
    m.events = [...m.events, ...more];
    const finding = m.findings[0]!;
    m.findings = Array.from({ length: 100 }, (_, i) => ({ ...finding, id: `f-${i}`, eventIds: more.slice(i * 10, i * 10 + 10).reverse().map((e) => e.eventId) }));
    const v = buildView(m, { ...PDF, pdfCaps: { appendix: 200 } });
    const ids = new Set(rowsOf(v.appendix.table).map((r) => r.eventId));
    expect(ids.size).toBe(200);
    // 150 findings' events (15 findings whole), then the 20 earliest others and 30 more.
    for (let i = 0; i < 20; i++) expect(ids.has(`upd-${String(i).padStart(2, '0')}`)).toBe(true);
    expect(more.filter((e) => ids.has(e.eventId))).toHaveLength(180);
    expect(v.appendix.note).toBe(
      'This PDF lists 200 of 4,020 events. ' +
        "Listed: the events of the findings (each finding's first 10, in the order the findings are shown, in at most 150 rows), then the earliest other events outside the repetitive groups in the summary. " +
        '180 of the 1,000 events of the findings are listed: the ids of the other 820 have no link in the findings. ' +
        'Not listed here: 3,000 events of the repetitive groups (counted in the summary) and 820 events outside them. Every event is in iot-audit-2026-10.csv / .json.',
    );
  });

  it('says which events it lists when there is no repetitive group', () => {
    const m = rollout();
    m.events = m.events.slice(2990);
    m.findings = [];
    const v = buildView(m, { ...PDF, pdfCaps: { appendix: 12 } });
    expect(v.appendix.note).toBe('This PDF lists 12 of 30 events. Listed: the earliest events. Not listed here: 18 events. Every event is in iot-audit-2026-10.csv / .json.');
  });
});

describe('PDF cells: long log values are cut, saying so', () => {
  const huge = (c: string) => c.repeat(60_000);

  function longValues(): ReportModel {
    const m = sampleModel({ events: 120 });
    const actor = m.actors[0]!;
    actor.userAgents = [huge('u'), huge('v'), 'aws-cli/2.15'];
    actor.sourceIps = [huge('9')];
    actor.arn = huge('a');
    m.certificates[0]!.things = [huge('t')];
    m.policies[0]!.attachedTargets = [huge('p')];
    m.events[0]!.resources = [{ type: 'thing', id: huge('r'), arn: null }];
    return m;
  }

  it('cuts user agents at 160 characters and other cell values at 200, in the actors, certificates, policies and appendix', () => {
    const v = buildView(longValues(), PDF);
    const actor = rowsOf(v.actors)[0]!;
    expect(actor.userAgents.items).toEqual([`${'u'.repeat(160)}… (59,840 more characters)`, `${'v'.repeat(160)}… (59,840 more characters)`, 'aws-cli/2.15']);
    expect(actor.sourceIps.items).toEqual([`${'9'.repeat(200)}… (59,800 more characters)`]);
    // Who acted: cut in the middle, its start and its end (the role or session name) kept (2026-11-26 review).
    expect(actor.arn).toBe(`${'a'.repeat(51)}… (59,845 characters left out) …${'a'.repeat(104)}`);
    const things = rowsOf(v.certificates.table).flatMap((c) => c.things.items);
    const targets = v.policies.items.flatMap((p) => p.attachedTargets.items);
    const resources = rowsOf(v.appendix.table).flatMap((r) => r.resources.items);
    expect(things).toContain(`${'t'.repeat(200)}… (59,800 more characters)`);
    expect(targets).toContain(`${'p'.repeat(200)}… (59,800 more characters)`);
    expect(resources).toContain(`thing: ${'r'.repeat(193)}… (59,807 more characters)`);
  });

  it('cuts a value of invisible characters in its visible form, to the same length as any other', () => {
    const m = sampleModel({ events: 120 });
    m.actors[0]!.userAgents = ['\u200D'.repeat(60_000)];
    m.events[0]!.userAgent = 'ok\u200B'.repeat(20_000);
    const v = buildView(m, PDF);
    // 160 characters of `[U+200D]` (8 each): 20 of them, the value's other characters counted.
    expect(rowsOf(v.actors)[0]!.userAgents.items).toEqual([`${'[U+200D]'.repeat(20)}… (59,980 more characters)`]);
    const row = rowsOf(v.appendix.table).find((r) => r.eventId === m.events[0]!.eventId)!;
    expect(row.userAgent).toBe(`${'ok[U+200B]'.repeat(16)}… (59,952 more characters)`);
  });

  it('cuts a policy document and a finding\'s evidence in their visible form too, in the PDF, never inside a [U+...] token', () => {
    const m = sampleModel({ events: 120 });
    const version = m.policies.flatMap((p) => p.versions).find((v) => v.document !== null)!;
    version.document = `a${'\u200D'.repeat(30_000)}`;
    version.documentPretty = null;
    m.findings[0]!.evidence = '\u200B'.repeat(20_000);
    // The PDF's caps (the screen's are far larger).
    const v = buildView(m, PDF);
    const shownDocs = v.policies.items.flatMap((p) => p.versions).map((x) => x.document ?? '').filter((d) => d.startsWith('a[U+200D]'));
    expect(shownDocs).toHaveLength(1);
    expect(shownDocs[0]!.length).toBeLessThan(20_100);
    expect(shownDocs[0]).toMatch(/^a(\[U\+200D\])+… \([\d,]+ more characters\)$/);
    const rows = [...rowsOf(v.findings.open), ...rowsOf(v.findings.minor), ...rowsOf(v.findings.suppressed)];
    const evidence = rows.map((r) => r.evidence).find((e) => typeof e === 'string' && e.startsWith('[U+200B]'));
    expect(evidence).toMatch(/^(\[U\+200B\])+… \([\d,]+ more characters\)$/);
    expect(evidence!.length).toBeLessThan(20_100);
  });

  it('cuts an actor label, an event name and an error code wherever a row shows them: the appendix and the failed and denied table too (2026-11-26 review)', () => {
    const m = sampleModel({ events: 120 });
    for (const e of m.events) {
      e.actor.label = huge('l');
      e.eventName = huge('n');
    }
    for (const d of m.denied) {
      d.actorLabel = huge('l');
      d.eventName = huge('n');
      d.errorCode = huge('c');
    }
    expect(m.denied.length).toBeGreaterThan(0);
    const v = buildView(m, PDF);
    const cells = [
      ...rowsOf(v.appendix.table).flatMap((r) => [r.actor, r.eventName]),
      ...rowsOf(v.denied.table).flatMap((r) => [r.actor, r.eventName, r.errorCode]),
    ];
    for (const cell of cells) expect(cell.length).toBeLessThan(400);
    expect(rowsOf(v.denied.table)[0]?.actor).toBe(`${'l'.repeat(51)}… (59,845 characters left out) …${'l'.repeat(104)}`);
    expect(rowsOf(v.appendix.table)[0]?.actor).toBe(`${'l'.repeat(51)}… (59,845 characters left out) …${'l'.repeat(104)}`);
  });

  it('keeps the PDF document small, and the screen whole', async () => {
    const m = longValues();
    const pdf = await htmlText(m, PDF);
    expect(pdf).not.toContain('u'.repeat(1000));
    expect(pdf.length).toBeLessThan((await htmlText(sampleModel({ events: 120 }), PDF)).length + 20_000);
    const screen = buildView(m, SCREEN);
    expect(rowsOf(screen.actors)[0]?.userAgents.items[0]).toHaveLength(60_000);
  });
});

describe('completeness: integrity', () => {
  it('says the logs were not verified without --verify, and how they fared with it', async () => {
    const row = (m: ReportModel) => buildView(m, PDF).header.completeness.find((c) => c.label === 'Integrity');
    expect(row(sampleModel({ events: 60 }))).toEqual({ label: 'Integrity', value: 'not verified (run with --verify)', warn: true });
    expect(row(sampleModel({ events: 60, integrity: true }))).toEqual({ label: 'Integrity', value: 'failed: problems found (see Log integrity)', warn: true });
    // The model's verdict, not `ok` worked out again.
    const ok = sampleModel({ events: 60, integrity: true });
    ok.integrity!.ok = true;
    ok.integrity!.verdict = 'verified';
    expect(row(ok)).toEqual({ label: 'Integrity', value: 'verified (see Log integrity)', warn: false });
    const incomplete = sampleModel({ events: 60, integrity: true });
    incomplete.integrity!.verdict = 'incomplete';
    expect(row(incomplete)).toEqual({ label: 'Integrity', value: 'incomplete: nothing found altered, but not all could be checked (see Log integrity)', warn: true });
    const root = parse(await htmlText(sampleModel({ events: 60 }), PDF));
    const dt = root.querySelectorAll('.completeness dt').find((d) => d.text === 'Integrity');
    expect(dt?.nextElementSibling?.text).toBe('not verified (run with --verify)');
  });
});

describe('the same input', () => {
  it('gives the same document byte for byte', async () => {
    const make = () => {
      const m = sampleModel({ events: 800, integrity: true });
      m.events.slice(0, 40).forEach((e) => (e.integrity ??= 'not-covered'));
      return m;
    };
    for (const ctx of [SCREEN, { ...PDF, pdfCaps: { appendix: 50 } }]) expect(await htmlText(make(), ctx)).toBe(await htmlText(make(), ctx));
  });
});
