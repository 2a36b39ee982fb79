import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { dayChart, niceStep } from '../../src/render/chart.js';
import { DEFAULT_PDF_CAPS, SCREEN_LIMITS } from '../../src/render/context.js';
import { anchorId, clip, dayRanges, formatBytes, formatCount, visible, ZoneClock } from '../../src/render/format.js';
import { changeKey, lifecycleKey, repetitions } from '../../src/render/group.js';
import { rowSource } from '../../src/render/rows.js';
import { buildView, type ReportView } from '../../src/render/view.js';
import { dataFilesText, jsonFileText, ViewKit } from '../../src/render/view-kit.js';
import type { ReportModel } from '../../src/report/model.js';
import { sampleModel } from '../helpers/sample-model.js';

const DATA_FILES = ['iot-audit-2026-10.csv', 'iot-audit-2026-10.json'];
const rowsOf = <R>(t: { chunks: { rows: R[] }[] }): R[] => t.chunks.flatMap((c) => c.rows);

describe('ZoneClock', () => {
  it('formats like luxon across both DST changes of a zone, at quarter-hour and odd instants (the offset after a wall time shown twice)', () => {
    for (const zone of ['Europe/Paris', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kathmandu', 'UTC']) {
      const clock = new ZoneClock(zone);
      // Through the year at an odd step, and about every minute around the EU changes.
      const instants: number[] = [];
      for (let ms = Date.UTC(2026, 0, 1); ms < Date.UTC(2027, 0, 1); ms += 4_033_000) instants.push(ms);
      for (const change of [Date.UTC(2026, 2, 29, 1), Date.UTC(2026, 9, 25, 1)]) {
        for (let ms = change - 7_200_000; ms <= change + 7_200_000; ms += 59_000) instants.push(ms);
      }
      for (const ms of instants) {
        const iso = new Date(ms).toISOString();
        const dt = DateTime.fromMillis(ms, { zone });
        expect(clock.dateTime(iso)).toBe(dt.toFormat(dt.getPossibleOffsets().length > 1 ? 'yyyy-MM-dd HH:mm:ss ZZ' : 'yyyy-MM-dd HH:mm:ss'));
      }
    }
  });

  it('gives what a luxon DateTime per quarter hour gave, for any zone and any time JavaScript parses', () => {
    // The former lookup: `DateTime.fromMillis(quarter hour, { zone }).offset`, NaN for a shifted time past the dates JS holds.
    const reference = (zone: string, iso: string): string => {
      const ms = Date.parse(iso);
      if (Number.isNaN(ms)) return iso;
      const quarter = Math.floor(ms / 900_000) * 900_000;
      const d = new Date(ms + DateTime.fromMillis(quarter, { zone }).offset * 60_000);
      const p = (n: number) => String(n).padStart(2, '0');
      // Now with the offset after a wall time the zone shows twice (2026-10-25T00:59:59Z in Paris).
      const dt = DateTime.fromMillis(ms, { zone });
      const mark = dt.getPossibleOffsets().length > 1 ? ` ${dt.toFormat('ZZ')}` : '';
      return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}${mark}`;
    };
    const isos = [
      '2026-10-25T00:59:59Z',
      '2026-03-29T01:00:00.999Z',
      '1969-12-31T23:59:59.5Z',
      '1912-01-01T00:00:00Z',
      '1850-06-01T12:00:00Z',
      '0000-01-01T00:00:00Z',
      '+275760-09-13T00:00:00Z',
      '+275760-09-12T23:00:00Z',
      '-271821-04-20T00:00:00Z',
      '-271821-04-20T10:00:00Z',
      '2026-10-01T12:00:00+05:45',
    ];
    for (let ms = Date.UTC(1950, 0, 1); ms < Date.UTC(2040, 0, 1); ms += 86_400_000 * 97 + 3_601_013) isos.push(new Date(ms).toISOString());
    for (const zone of ['UTC', 'Europe/Paris', 'Africa/Monrovia', 'Asia/Kathmandu', 'Australia/Lord_Howe', 'America/St_Johns', 'Etc/GMT+12', 'Pacific/Kiritimati']) {
      const clock = new ZoneClock(zone);
      for (const iso of isos) expect([zone, iso, clock.dateTime(iso)]).toEqual([zone, iso, reference(zone, iso)]);
    }
  });

  it('names the zone, formats ranges, and shows an unparseable time as it is', () => {
    const clock = new ZoneClock('Europe/Paris');
    expect(clock.stamp('2026-10-25T00:30:00Z')).toBe('2026-10-25 02:30:00 +02:00 Europe/Paris');
    expect(clock.stamp('2026-10-25T01:30:00Z')).toBe('2026-10-25 02:30:00 +01:00 Europe/Paris');
    expect(clock.range('2026-10-03T07:00:00Z', '2026-10-03T09:40:00Z')).toBe('2026-10-03 09:00–11:40');
    expect(clock.range('2026-10-03T07:00:00Z', '2026-10-05T09:40:00Z')).toBe('2026-10-03 09:00 – 2026-10-05 11:40');
    expect(clock.range('2026-10-03T07:00:00Z', '2026-10-03T07:00:30Z')).toBe('2026-10-03 09:00');
    expect(clock.dateTime('not a time\u202E')).toBe('not a time[U+202E]');
    expect(new ZoneClock('Mars/Olympus').zone).toBe('UTC');
  });
});

describe('display helpers', () => {
  it('formats counts and sizes with a fixed locale', () => {
    expect(formatCount(12000)).toBe('12,000');
    const intl = new Intl.NumberFormat('en-US');
    const numbers = [0, -0, 7, -7, 999, 1000, -1000, 123_456, 1_234_567, -98_765_432, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER];
    numbers.push(2 ** 53, 1e21, 1234.5678, -0.5, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY);
    for (let n = 1; n < 1e16; n = n * 7 + 3) numbers.push(n, -n);
    for (const n of numbers) expect(formatCount(n)).toBe(intl.format(n));
    expect(formatBytes(999)).toBe('999 B');
    expect(formatBytes(56_789_012)).toBe('56.8 MB');
  });

  it('shows invisible and direction-changing characters, keeps newlines and ordinary text', () => {
    expect(visible('evil\u202Etxt.exe')).toBe('evil[U+202E]txt.exe');
    expect(visible('a\u0000b\u200Bc\uFEFF')).toBe('a[U+0000]b[U+200B]c[U+FEFF]');
    expect(visible('line 1\n\tline 2 — ünïcödé 日本')).toBe('line 1\n\tline 2 — ünïcödé 日本');
  });

  it('makes anchors that are safe ids, stable, and never collide between plain and hashed forms', () => {
    expect(anchorId('event', '3f2a-11ee')).toBe('event-3f2a-11ee');
    const hostileId = anchorId('event', '"><script>');
    expect(hostileId).toMatch(/^event--[0-9a-f]{24}$/);
    expect(anchorId('event', '"><script>')).toBe(hostileId);
    expect(anchorId('event', '"><script >')).not.toBe(hostileId);
    expect(anchorId('event', '-leading')).toMatch(/^event--/);
  });

  it('clips long text saying how much is left, and compresses day lists into ranges', () => {
    expect(clip('abcdef', 4)).toBe('abcd… (2 more characters)');
    expect(clip('abc', Number.POSITIVE_INFINITY)).toBe('abc');
    expect(dayRanges(['2026-10-03', '2026-10-01', '2026-10-02', '2026-10-07', '2026-10-31', '2026-11-01'])).toBe(
      '2026-10-01 – 2026-10-03, 2026-10-07, 2026-10-31 – 2026-11-01',
    );
    expect(dayRanges([])).toBe('');
  });

  it('names the data files compactly', () => {
    expect(dataFilesText(DATA_FILES)).toBe('iot-audit-2026-10.csv / .json');
    expect(dataFilesText(['a.csv', 'b.json'])).toBe('a.csv / b.json');
    expect(dataFilesText(undefined)).toBe('the CSV and JSON outputs');
    expect(dataFilesText([])).toBe('the CSV and JSON outputs (not written: add csv or json to --format)');
    expect(jsonFileText(DATA_FILES)).toBe('iot-audit-2026-10.json');
    expect(jsonFileText(['x.csv'])).toBe('the JSON output (not written: add json to --format)');
    expect(jsonFileText([])).toBe('the JSON output (not written: add json to --format)');
    expect(jsonFileText(undefined)).toBe('the JSON output');
  });

  it('chunks rows, caps them with a pointer to the rest, and makes no table for no rows', () => {
    const kit = (chunkRows: number) =>
      new ViewKit({
        media: 'pdf',
        limits: { ...DEFAULT_PDF_CAPS, chunkRows },
        clock: new ZoneClock('UTC'),
        dataFiles: 'a.csv / .json',
        jsonFile: 'a.json',
        accountNames: new Map(),
      });
    const double = (n: number, i: number) => ({ n: n * 2, i });
    const t = kit(2).table([1, 2, 3, 4, 5], 4, double);
    expect(t.chunks.map((c) => [...c.rows])).toEqual([
      [{ n: 2, i: 0 }, { n: 4, i: 1 }],
      [{ n: 6, i: 2 }, { n: 8, i: 3 }],
    ]);
    expect([t.total, t.shown, t.empty, t.more]).toEqual([5, 4, false, '1 more row in a.json']);
    expect(kit(Number.POSITIVE_INFINITY).table([1, 2], Number.POSITIVE_INFINITY, double).chunks.map((c) => c.rows.length)).toEqual([2]);
    const none = kit(2).table([], 10, double);
    expect([none.chunks, none.empty, none.more]).toEqual([[], true, null]);
  });

  it('links events to rendered rows first, caps cell lists, and labels accounts from the list', () => {
    const kit = new ViewKit({
      media: 'pdf',
      limits: { ...DEFAULT_PDF_CAPS, cellItems: 3 },
      clock: new ZoneClock('UTC'),
      dataFiles: '',
      jsonFile: 'a.json',
      accountNames: new Map<string, string | null>([
        ['111111111111', 'prod'],
        ['222222222222', ''],
        ['333333333333', null],
      ]),
    });
    kit.registerEvent('e2', 'event-e2');
    kit.registerEvent('e4', 'event-e4');
    const link = (text: string) => ({ text, href: ['e2', 'e4'].includes(text) ? `#event-${text}` : null });
    expect(kit.eventLinks(['e1', 'e2', 'e3', 'e4', 'e5'])).toEqual({ items: ['e2', 'e4', 'e1'].map(link), more: '+ 2 more in a.json' });
    expect(kit.eventLinks(['e1', 'e3'])).toEqual({ items: ['e1', 'e3'].map(link), more: null });
    expect(kit.eventLinks(['e4', 'e1', 'e2', 'e3'])).toEqual({ items: ['e4', 'e2', 'e1'].map(link), more: '+ 1 more in a.json' });
    expect(kit.eventLinks([])).toEqual({ items: [], more: null });
    for (let round = 0; round < 2; round++) {
      expect(kit.account('111111111111', 'other')).toBe('111111111111 (prod)');
      expect(kit.account('222222222222', 'other')).toBe('222222222222');
      expect(kit.account('333333333333', 'from-logs')).toBe('333333333333 (from-logs)');
      expect(kit.account('333333333333')).toBe('333333333333');
      expect(kit.account('444444444444', 'from-logs')).toBe('444444444444 (from-logs)');
      expect(kit.account('444444444444', null)).toBe('444444444444');
    }
  });

  it('makes table rows only when they are read, each once, in their visible form', () => {
    const made: number[] = [];
    const kit = new ViewKit({ media: 'screen', limits: SCREEN_LIMITS, clock: new ZoneClock('UTC'), dataFiles: '', jsonFile: '', accountNames: new Map() });
    const t = kit.table(['a', 'b\u202E', 'c'], Number.POSITIVE_INFINITY, (s, i) => {
      made.push(i);
      return { s };
    });
    const rows = t.chunks[0]?.rows ?? [];
    expect(made).toEqual([]);
    expect(rows).toHaveLength(3);
    expect(rows[1]).toEqual({ s: 'b[U+202E]' });
    expect(rows[1]).toBe(rows[1]);
    expect(made).toEqual([1]);
    expect(rowSource(rows)?.row(2)).toEqual({ s: 'c' });
    expect(JSON.stringify(rows)).toBe('[{"s":"a"},{"s":"b[U+202E]"},{"s":"c"}]');
    expect(made).toEqual([1, 2, 0, 2]);
  });
});

describe('dayChart', () => {
  const days = [
    { date: '2026-10-01', changes: 0, failedAttempts: 0 },
    { date: '2026-10-02', changes: 90, failedAttempts: 10 },
    { date: '2026-10-03', changes: 45, failedAttempts: 0 },
    { date: '2026-10-04', changes: 0, failedAttempts: 5 },
  ];

  it('picks round steps', () => {
    expect([0, 3, 5, 6, 10, 91, 100, 12_000, 33_333].map(niceStep)).toEqual([1, 1, 1, 2, 2, 20, 20, 5000, 10000]);
  });

  it('draws bars proportional to the values, stacked, on a common axis', () => {
    const g = dayChart(days);
    expect(g.bars).toHaveLength(4);
    expect(g.max).toBe(100);
    const [, d2, d3, d4] = g.bars as [unknown, (typeof g.bars)[number], (typeof g.bars)[number], (typeof g.bars)[number]];
    expect(d2.changes.height).toBeCloseTo(2 * d3.changes.height, 1);
    expect(d2.changes.y + d2.changes.height).toBeCloseTo(g.plot.bottom, 5);
    expect(d2.failed.y + d2.failed.height).toBeCloseTo(d2.changes.y, 5);
    expect(d4.changes.height).toBe(0);
    expect(d4.failed.height).toBeGreaterThan(0);
    // The top tick is at or above the tallest bar, inside the plot.
    const top = g.yTicks[g.yTicks.length - 1] as { y: number; label: string };
    expect(top.y).toBeGreaterThanOrEqual(g.plot.y - 0.01);
    expect(top.y).toBeLessThanOrEqual(d2.failed.y + 0.01);
    expect(g.yTicks.map((t) => t.label)).toEqual(['0', '20', '40', '60', '80', '100']);
    expect(g.xLabels.map((l) => l.label)).toEqual(['01', '02', '03', '04']);
    for (const b of g.bars) expect(b.x + b.width).toBeLessThanOrEqual(g.plot.right + 0.01);
    expect(g.bars[1]?.title).toBe('2026-10-02: 90 changes, 10 failed or denied');
  });

  it('says when there is nothing to draw, and thins labels on long periods', () => {
    expect(dayChart(days.map((d) => ({ ...d, changes: 0, failedAttempts: 0 }))).empty).toBe(true);
    const year = Array.from({ length: 365 }, (_, i) => ({
      date: new Date(Date.UTC(2026, 0, 1 + i)).toISOString().slice(0, 10),
      changes: i,
      failedAttempts: 0,
    }));
    const g = dayChart(year);
    expect(g.xLabels.length).toBeLessThanOrEqual(16);
    expect(g.xLabels[0]?.label).toBe('01-01');
  });
});

describe('repetitions', () => {
  it('groups keys reaching the minimum, largest first, and keeps the rest in order', () => {
    const items = ['a1', 'b1', 'a2', 'c1', 'a3', 'b2', 'x'];
    const { groups, rest } = repetitions(items, (s) => (s === 'x' ? null : (s[0] as string)), 2);
    expect(groups.map((g) => [g.key, g.items])).toEqual([
      ['a', ['a1', 'a2', 'a3']],
      ['b', ['b1', 'b2']],
    ]);
    expect(rest).toEqual(['c1', 'x']);
  });

  it('keys changes by account, action and actor, never failures or reads', () => {
    const m = sampleModel({ events: 60 });
    const change = m.events.find((e) => e.isChange);
    const failed = m.events.find((e) => e.errorCode !== null);
    const read = m.events.find((e) => e.readOnly);
    expect(change && changeKey(change)).toBeTruthy();
    expect(failed && changeKey(failed)).toBeNull();
    expect(read && changeKey(read)).toBeNull();
    const withFailure = m.certificates.find((c) => c.failedEventIds.length > 0);
    expect(withFailure && lifecycleKey(withFailure)).toBeNull();
  });
});

describe('buildView', () => {
  const ctx = { paper: 'a4', dataFiles: DATA_FILES } as const;

  it('lists every row on screen', () => {
    const m = sampleModel({ events: 400, integrity: true });
    const v = buildView(m, { ...ctx, media: 'screen' });
    expect(v.appendix.table.shown).toBe(m.events.length);
    expect(rowsOf(v.appendix.table)).toHaveLength(m.events.length);
    expect(v.appendix.table.chunks).toHaveLength(1);
    expect(v.appendix.note).toBeNull();
    expect(v.appendix.table.more).toBeNull();
    expect(rowsOf(v.actors)).toHaveLength(m.actors.length);
    expect(rowsOf(v.denied.table)).toHaveLength(m.denied.length);
    expect(v.policies.items).toHaveLength(m.policies.length);
    // Certificates: identical rollout lifecycles grouped, every id still listed in the group.
    const grouped = rowsOf(v.certificates.groups).reduce((n, g) => n + (g.members?.length ?? 0), 0);
    expect(grouped + rowsOf(v.certificates.table).length).toBe(m.certificates.length);
    expect(grouped).toBeGreaterThan(50);
  });

  it('says a default version whose id was not logged is not recorded, rather than unknown or the one before', () => {
    const m = sampleModel({ events: 200 });
    const [policy] = m.policies;
    const made = { ...policy!.versions[0]!, versionId: null, setAsDefault: true, eventName: 'CreatePolicyVersion', eventTime: '2026-10-05T08:01:00Z' };
    m.policies = [{ ...policy!, versions: [...policy!.versions, made], defaultVersionId: null, defaultVersionNotLogged: true }, ...m.policies.slice(1)];
    for (const media of ['screen', 'pdf'] as const) {
      const [item, ...rest] = buildView(m, { ...ctx, media }).policies.items;
      expect(item!.defaultVersionId).toBeNull();
      expect(item!.defaultVersionNote).toBe('version not recorded: the new version made default by CreatePolicyVersion at 2026-10-05 10:01:00 (its id was not logged)');
      expect(item!.versions.at(-1)!.versionId).toBe('(version not logged)');
      for (const other of rest) if (other.defaultVersionId === null) expect(other.defaultVersionNote).toBe("not known from the period's events");
    }
  });

  it('groups, caps and chunks in the PDF view, with pointers to the data files', () => {
    const m = sampleModel({ events: 3000, rolloutActors: 40 });
    const v = buildView(m, { ...ctx, media: 'pdf', pdfCaps: { appendix: 300, certificates: 120, actors: 10, chunkRows: 100, groupMin: 1000 } });
    expect(v.appendix.table.shown).toBe(300);
    expect(v.appendix.table.chunks.map((c) => c.rows.length)).toEqual([100, 100, 100]);
    expect(v.appendix.table.more).toBe(`${formatCount(m.events.length - 300)} more rows in iot-audit-2026-10.csv / .json`);
    expect(v.appendix.note).toContain(`This PDF lists 300 of ${formatCount(m.events.length)} events.`);
    expect(rowsOf(v.certificates.table)).toHaveLength(120);
    expect(v.certificates.table.more).toBe(`${formatCount(m.certificates.length - 120)} more rows in iot-audit-2026-10.json`);
    expect(rowsOf(v.actors)).toHaveLength(10);
    expect(v.actors.more).toMatch(/^\d+ more rows in iot-audit-2026-10\.json$/);
    // Appendix rows stay in time order.
    const times = rowsOf(v.appendix.table).map((r) => r.time);
    expect([...times].sort()).toEqual(times);
  });

  it('summarizes a rollout as repetitive changes and leaves it out of the PDF appendix', () => {
    const m = sampleModel({ events: 3000 });
    const v = buildView(m, { ...ctx, media: 'pdf' });
    const rows = rowsOf(v.summary.repetitive);
    expect(rows.map((r) => r.eventName).sort()).toEqual(['AttachPolicy', 'AttachThingPrincipal', 'CreateKeysAndCertificate']);
    const create = rows.find((r) => r.eventName === 'CreateKeysAndCertificate');
    const count = m.events.filter((e) => e.eventName === 'CreateKeysAndCertificate' && e.actor.sessionName === 'fleet-rollout').length;
    expect(create?.count).toBe(formatCount(count));
    expect(create?.actor).toBe('role/provisioner (session fleet-rollout)');
    expect(create?.account).toBe('111111111111 (prod-iot)');
    expect(create?.range).toMatch(/^2026-10-03 09:00 – 2026-10-05 \d\d:\d\d$/);
    // Only the rollout event a finding points at is listed among the rollout's events.
    const listed = rowsOf(v.appendix.table).filter((r) => r.actor.startsWith('role/provisioner'));
    expect(listed).toHaveLength(1);
    const groups = rowsOf(v.certificates.groups);
    expect(groups).toHaveLength(1);
    expect(groups[0]?.count).toBe(formatCount(count));
    expect(groups[0]?.members).toBeNull();
    expect(groups[0]?.samples).toHaveLength(3);
    expect(groups[0]?.shape).toBe('Created (CreateKeysAndCertificate) → Attached to thing (AttachThingPrincipal) → Policy attached (AttachPolicy)');
    // Attaching one policy to every rollout certificate is one row of the policy's table.
    const fleet = v.policies.items.find((p) => p.name === 'FleetPolicy');
    expect(rowsOf(fleet?.changes ?? { chunks: [] })).toHaveLength(1);
    expect(rowsOf(fleet?.changes ?? { chunks: [] })[0]?.count).toBe(formatCount(count));
  });

  it('always lists the events findings point at in the PDF appendix, and links only to rendered rows', () => {
    const m = sampleModel({ events: 600, rolloutActors: 50 });
    const v = buildView(m, { ...ctx, media: 'pdf', pdfCaps: { appendix: 20 } });
    const anchors = new Set(rowsOf(v.appendix.table).map((r) => r.anchor));
    const ids = new Set(rowsOf(v.appendix.table).map((r) => r.eventId));
    for (const f of m.findings) for (const id of f.eventIds.slice(0, 10)) expect(ids.has(id)).toBe(true);
    const links = [...rowsOf(v.findings.open), ...rowsOf(v.findings.minor), ...rowsOf(v.findings.suppressed)].flatMap((f) => f.events.items);
    expect(links.length).toBeGreaterThan(0);
    for (const l of links) expect(l.href && anchors.has(l.href.slice(1))).toBe(true);
    // Lifecycle steps of events left out of the PDF have no link.
    const steps = rowsOf(v.certificates.table).flatMap((c) => c.steps.items);
    expect(steps.some((s) => s.event.href === null)).toBe(true);
    for (const s of steps) if (s.event.href) expect(anchors.has(s.event.href.slice(1))).toBe(true);
  });

  it('orders findings by severity then time, suppressed apart, and links resources to their sections', () => {
    const m = sampleModel({ events: 300 });
    const v = buildView(m, { ...ctx, media: 'screen' });
    const open = [...rowsOf(v.findings.open), ...rowsOf(v.findings.minor)];
    expect(rowsOf(v.findings.open).map((f) => f.severity.label)).toEqual(['Critical', 'High', 'Medium', 'Medium']);
    expect(rowsOf(v.findings.minor).map((f) => f.severity.label)).toEqual(['Low']);
    expect(open[2]?.time < (open[3]?.time ?? '')).toBe(true);
    expect(rowsOf(v.findings.suppressed).map((f) => [f.ruleId, f.suppressed])).toEqual([['logging-disabled', true]]);
    const byRule = new Map(open.map((f) => [f.ruleId, f]));
    // A policy by name, a policy by ARN, a certificate by id, a certificate by ARN (grouped here).
    const policyAnchor = v.policies.items.find((p) => p.name === 'DevicePolicy')?.anchor;
    expect(byRule.get('overly-permissive-policy')?.resource.href).toBe(`#${policyAnchor}`);
    const large = v.policies.items.find((p) => p.name === 'LargePolicy')?.anchor;
    expect(byRule.get('root-user-change')?.resource.href).toBe(`#${large}`);
    const certs = new Set([...rowsOf(v.certificates.table), ...rowsOf(v.certificates.groups)].map((c) => `#${c.anchor}`));
    expect(certs.has(byRule.get('certificate-reactivated')?.resource.href ?? '')).toBe(true);
    expect(byRule.get('change-outside-window')?.resource.href).toMatch(/^#certgroup-/);
    expect(byRule.get('denied-burst')?.resource.href).toBeNull();
  });

  it('links a policy resource to the policy of its account and region, else to the only policy of that name', () => {
    const m = sampleModel({ events: 60 });
    const base = m.policies[0] as ReportModel['policies'][number];
    const policy = (policyName: string, accountId: string, region: string) => ({ ...base, policyName, accountId, region });
    m.policies = [
      policy('Twin', '111111111111', 'eu-west-1'),
      policy('Twin', '222222222222', 'us-east-1'),
      policy('Single', '111111111111', 'eu-west-1'),
      policy('Again', '111111111111', 'eu-west-1'),
      policy('Again', '111111111111', 'eu-west-1'),
    ];
    const finding = m.findings[0] as ReportModel['findings'][number];
    const cases: [string, string, string, number | null][] = [
      ['Twin', '222222222222', 'us-east-1', 1],
      ['arn:aws:iot:eu-west-1:111111111111:policy/Twin', '111111111111', 'eu-west-1', 0],
      ['Twin', '444444444444', 'eu-west-1', null],
      ['Single', '444444444444', 'ap-south-1', 2],
      ['Again', '111111111111', 'eu-west-1', 4],
      ['Again', '222222222222', 'eu-west-1', null],
    ];
    m.findings = cases.map(([resource, accountId, region], i) => ({ ...finding, id: `f-${i}`, severity: 'critical', suppressed: false, resource, accountId, region }));
    const v = buildView(m, { ...ctx, media: 'screen' });
    const anchors = v.policies.items.map((p) => `#${p.anchor}`);
    expect(new Set(anchors).size).toBe(5);
    const hrefs = new Map(rowsOf(v.findings.open).map((f) => [f.id, f.resource.href]));
    cases.forEach(([, , , at], i) => expect([i, hrefs.get(`f-${i}`)]).toEqual([i, at === null ? null : anchors[at]]));
  });

  it('formats times in the period zone and puts names beside account ids', () => {
    const m = sampleModel({ events: 60, timeZone: 'America/New_York' });
    const v = buildView(m, { ...ctx, media: 'screen' });
    const first = m.events[0];
    expect(rowsOf(v.appendix.table)[0]?.time).toBe(DateTime.fromISO(first?.eventTime ?? '').setZone('America/New_York').toFormat('yyyy-MM-dd HH:mm:ss'));
    expect(v.header.generatedAt).toBe('2026-11-02 03:30:00 America/New_York');
    expect(v.header.range).toBe('2026-10-01 00:00 to 2026-11-01 00:00 (America/New_York), end excluded');
    expect(v.meta.timeZone).toBe('America/New_York');
    expect(rowsOf(v.summary.byAccount).map((a) => a.account)).toEqual(['111111111111 (prod-iot)', '222222222222 (staging-iot)', '444444444444']);
    expect(rowsOf(v.coverage.withoutLogs)).toEqual([{ account: '333333333333 (security)', state: 'SUSPENDED', ouPath: 'Root/Security' }]);
    expect(rowsOf(v.actors).find((a) => a.label === 'user/alice')?.accounts.items).toEqual(['111111111111 (prod-iot)']);
  });

  it('says "document not recorded" for an omitted policy document, never an empty one', () => {
    const m = sampleModel({ events: 60 });
    const v = buildView(m, { ...ctx, media: 'screen' });
    const large = v.policies.items.find((p) => p.name === 'LargePolicy');
    expect(large?.versions.map((x) => [x.versionId, x.recorded, x.document, x.notJson])).toEqual([
      ['1', false, null, false],
      ['2', true, '{not json', true],
    ]);
    const device = v.policies.items.find((p) => p.name === 'DevicePolicy');
    expect(device?.versions[1]?.document).toContain('"Resource": "*"');
  });

  it('has an integrity section only when the model has one, counting flagged events', () => {
    expect(buildView(sampleModel({ events: 60 }), { ...ctx, media: 'screen' }).integrity).toBeNull();
    const v = buildView(sampleModel({ events: 60, integrity: true }), { ...ctx, media: 'screen' });
    expect(v.integrity?.status).toEqual({ label: 'Failed', cls: 'st-bad' });
    const texts = (view: ReportView) => view.integrity?.flaggedEvents.map((f) => f.text);
    expect(texts(v)).toEqual(['1 event of this report comes from log files that failed validation (1 modified). It is marked in the appendix.']);
    // Events from files the check could not prove are not said to have failed, nor left unsaid.
    const unproven = sampleModel({ events: 60, integrity: true });
    unproven.events.filter((e) => e.integrity === null || e.integrity === 'valid').slice(0, 2).forEach((e) => (e.integrity = 'unverified'));
    expect(texts(buildView(unproven, { ...ctx, media: 'screen' }))).toEqual([
      '1 event of this report comes from log files that failed validation (1 modified). It is marked in the appendix.',
      '2 events of this report come from log files that could not be checked against a digest (2 not checked): they are neither known to be altered nor known to be intact. They are marked in the appendix.',
    ]);
    for (const e of unproven.events) if (e.integrity !== 'unverified') e.integrity = 'valid';
    expect(texts(buildView(unproven, { ...ctx, media: 'screen' }))).toEqual([
      '2 events of this report come from log files that could not be checked against a digest (2 not checked): they are neither known to be altered nor known to be intact. They are marked in the appendix.',
    ]);
    expect(rowsOf(v.integrity?.chains ?? { chunks: [] }).map((c) => c.status.label)).toEqual(['Valid', 'Invalid']);
    expect(v.integrity?.statusText).toBe('2 problems and 1 warning found in the digest chains or log files.');
    expect(rowsOf(v.integrity?.problems ?? { chunks: [] }).map((p) => p.severity.label)).toEqual(['error', 'error', 'warning']);
    const chains = rowsOf(v.integrity?.chains ?? { chunks: [] });
    expect(chains[0]?.digests).toBe('744 valid, 0 invalid, 0 missing, 1 signature not checked');
    expect(chains[1]?.logFiles).toBe('163 valid, 1 modified, 0 missing, 1 not covered, 3 not checked');
    expect(chains[1]?.gaps.items).toEqual(['2026-10-14 04:00–06:00']);
    expect(chains[0]?.trails.items).toEqual(['org-trail (home region us-east-1)']);
    expect(rowsOf(v.appendix.table).filter((r) => r.integrity !== null)).toHaveLength(1);
    expect(v.toc.map((t) => t.href)).toContain('#integrity');
  });

  it('hands the templates plain data only, every string in its visible form, without touching the model', () => {
    const m = sampleModel({ events: 60, hostile: true });
    const before = JSON.stringify(m);
    const v = buildView(m, { ...ctx, media: 'screen' });
    expect(JSON.stringify(m)).toBe(before);
    const walk = (x: unknown): void => {
      if (typeof x === 'string') expect(x).not.toMatch(/[\u202A-\u202E\u2066-\u2069]/);
      else if (Array.isArray(x)) x.forEach(walk);
      else if (x !== null && typeof x === 'object') {
        expect(Object.getPrototypeOf(x)).toBe(Object.prototype);
        Object.values(x).forEach(walk);
      } else expect(['number', 'boolean', 'undefined'].includes(typeof x) || x === null).toBe(true);
    };
    walk(v satisfies ReportView);
    expect(JSON.stringify(v)).toContain('[U+202E]event-name');
  });

  it('names each finding card for the PDF bookmarks on one line (severity, rule, resource, account), with the anchor of its card', () => {
    const m = sampleModel({ events: 300 });
    const first = m.findings.find((f) => !f.suppressed && f.severity === 'critical')!;
    const forged = { ...first, resource: `arn:aws:iot:us-east-1:123456789012:policy/${'x'.repeat(100)}evil\nname\u202Eend` };
    const model = { ...m, findings: m.findings.map((f) => (f === first ? forged : f)) };
    const v = buildView(model, { ...ctx, media: 'pdf' });
    const cards = rowsOf(v.findings.open);
    const [findings, ...others] = v.toc;
    expect(findings!.href).toBe('#findings');
    expect(findings!.bookmarks.map((mark) => mark.href)).toEqual(cards.map((c) => `#${c.anchor}`));
    expect(others.every((entry) => entry.bookmarks.length === 0)).toBe(true);
    const mark = findings!.bookmarks.find((k) => k.href === `#${cards.find((c) => c.id === forged.id)!.anchor}`)!;
    expect(mark.title).toMatch(/^Critical · /);
    // Cut in the middle, keeping the end that names the resource (2026-11-26 review: an SSO role's ARN lost its role name).
    expect(mark.title).toContain(`${forged.title} · arn:aws:iot:us-east-1:1234…xxx`);
    expect(mark.title).toContain('xevil name[U+202E]end · ');
    expect(mark.title).not.toMatch(/[\n\u202E]/);
    expect(mark.title.endsWith(v.findings.open.chunks[0]!.rows.find((c) => c.id === forged.id)!.account)).toBe(true);
    // The screen has no bookmarks to make.
    expect(buildView(model, { ...ctx, media: 'screen' }).toc.every((entry) => entry.bookmarks.length === 0)).toBe(true);
  });

  it('shows the comparison only when there is one, sampling thousands of new certificates in the PDF', () => {
    expect(buildView(sampleModel({ events: 60 }), { ...ctx, media: 'screen' }).comparison).toBeNull();
    const m = sampleModel({ events: 3000, comparison: true });
    const total = (m.comparison?.certificates.new.length ?? 0) + (m.comparison?.certificates.changed.length ?? 0);
    expect(total).toBeGreaterThan(500);
    const screen = buildView(m, { ...ctx, media: 'screen' });
    expect(rowsOf(screen.comparison?.certificates ?? { chunks: [] })).toHaveLength(total);
    const pdf = buildView(m, { ...ctx, media: 'pdf' });
    expect(rowsOf(pdf.comparison?.certificates ?? { chunks: [] })).toHaveLength(200);
    expect(pdf.comparison?.certificates.more).toBe(`${formatCount(total - 200)} more rows in iot-audit-2026-10.json`);
    expect(rowsOf(pdf.comparison?.certificates ?? { chunks: [] })[0]?.status).toBe('INACTIVE → ACTIVE');
    expect(pdf.toc.map((t) => t.href).slice(0, 3)).toEqual(['#findings', '#comparison', '#summary']);
  });

  it('gives the same view for the same model', () => {
    const m = sampleModel({ events: 200, integrity: true });
    expect(JSON.stringify(buildView(m, { ...ctx, media: 'pdf' }))).toBe(JSON.stringify(buildView(sampleModel({ events: 200, integrity: true }), { ...ctx, media: 'pdf' })));
  });
});

describe('README', () => {
  it('states the PDF caps the code applies', async () => {
    const { readFileSync } = await import('node:fs');
    const { DEFAULT_PDF_CAPS: caps } = await import('../../src/render/context.js');
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const n = (v: number) => v.toLocaleString('en-US');
    for (const phrase of [
      `${n(caps.appendix)} appendix rows`,
      `${n(caps.findings)} findings, of which the ${caps.findingCards} most severe`,
      `${n(caps.certificates)} certificates`,
      `${n(caps.denied)} denied groups`,
      `${n(caps.actors)} actors`,
      `${caps.policies} policies with their ${caps.policyVersions} latest versions and ${caps.policyChanges} change rows`,
      `(${caps.groupMin} times or more)`,
      `split every ${caps.chunkRows} rows`,
      `shown whole up to ${n(caps.documentChars)} characters`,
      `share ${n(caps.documentBudget)} characters`,
    ]) {
      expect(readme, phrase).toContain(phrase);
    }
  });
});
