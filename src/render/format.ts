/**
 * Display formatting for the view model: times in the report's zone, counts, sizes,
 * anchors and the visible form of log text. Pure functions, no clock, no environment.
 */
import { hash as digest } from 'node:crypto';
import { IANAZone } from 'luxon';
import { repeatedTimeMark, zoneOffsetAt } from '../collect/period.js';
import { cutTextLength } from '../kept-text.js';
import { formatCount, plural } from '../numbers.js';
import { rowSource } from './rows.js';
import { codeShown, codeToken, INVISIBLE_CHARACTERS, mayShowCode, whole } from '../unicode.js';
import type { AthenaCoverage, ReportModel } from '../report/model.js';

/** Counts are grouped by `formatCount` (src/numbers.ts), and said with their noun by `plural`, which the renderers import from here. */
export { formatCount, plural };

/** Bytes in decimal units: 1234567 -> "1.2 MB". */
export function formatBytes(n: number): string {
  if (n < 1000) return `${n} B`;
  const units = ['kB', 'MB', 'GB', 'TB', 'PB'];
  let v = n;
  let i = -1;
  do {
    v /= 1000;
    i += 1;
  } while (v >= 1000 && i < units.length - 1);
  return `${v.toFixed(1)} ${units[i]}`;
}

/**
 * Characters that change how text reads without being seen: bidi overrides and isolates
 * (a name can be shown backwards: "evil\u202Etxt.exe"), controls, and what prints as nothing,
 * so that two names that look alike are not (a role name with a zero-width joiner passed for
 * the allow-listed one): every format character and default-ignorable code point (zero-width
 * marks and joiners, the soft hyphen, variation selectors, tag characters, shorthand and
 * hieroglyph format controls...), the Hangul fillers, the line and paragraph separators, and a
 * lone surrogate (no character at all). Tabs and line breaks stay. An auditor must see exactly
 * what the log says, so they are shown as `[U+202E]`; and so are combining marks past the second
 * on one character (`STACKED_MARK`: a letter under 130 marks drew over the rows above it).
 */
const INVISIBLE_CLASS = String.raw`[${INVISIBLE_CHARACTERS}--[\t\n\r]]`;
// A set difference (the `v` flag), built from text (TypeScript's target predates the flag): a
// lookahead for the tabs and line breaks instead made every value's test ~3 times slower.
const INVISIBLE = new RegExp(codeShown(INVISIBLE_CLASS), 'gv');
// One character at a given place (`lastIndex`): a mark is stacked or not by the ones before it.
const INVISIBLE_AT = new RegExp(codeShown(INVISIBLE_CLASS), 'yv');

// What may match, to test: nearly every value has none of these, and a test allocates nothing.
const HAS_INVISIBLE = new RegExp(mayShowCode(INVISIBLE_CLASS), 'v');

/** The visible form of a log value (newlines and tabs kept). */
export function visible(s: string): string {
  if (!HAS_INVISIBLE.test(s)) return s;
  return s.replace(INVISIBLE, codeToken);
}

/** The most characters a string of a field may show, by the field's name (see `visibleStrings`). */
export type FieldCaps = (field: string) => number;

/**
 * Every string of a view value in its visible form (see `visible`). Nothing is changed in
 * place: what holds a changed string is copied, the rest is returned as it is (a view is
 * made of fresh objects and of fixed badges, so sharing them is safe). Lazy rows are
 * skipped: each row is made visible when it is made.
 *
 * With `caps` (the PDF's), each string is also held to `caps(field)` characters as shown
 * (`clipVisible`), `field` being the name of the property that holds it: a string in an array
 * is named by the array's property, and one in a cell list's `items` by the list's (the
 * "things" of `things.items`). This is the PDF's last pass over everything it prints, so no
 * log value reaches the PDF whole, whichever field it ends up in.
 */
export function visibleStrings<T>(value: T, caps?: FieldCaps, field = ''): T {
  if (typeof value === 'string') {
    const max = caps === undefined ? Number.POSITIVE_INFINITY : caps(field);
    return (Number.isFinite(max) ? clipVisible(value, max) : visible(value)) as T;
  }
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    if (rowSource(value) !== undefined) return value;
    let out: unknown[] | null = null;
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      const w = visibleStrings(v, caps, field);
      if (w !== v) (out ??= value.slice())[i] = w;
    }
    return (out ?? value) as T;
  }
  let out: Record<string, unknown> | null = null;
  const record = value as Record<string, unknown>;
  // for-in, not Object.keys: no array per object (view objects are plain, nothing inherited).
  for (const k in record) {
    const v = record[k];
    const w = visibleStrings(v, caps, k === 'items' ? field : k);
    if (w !== v) (out ??= { ...record })[k] = w;
  }
  return (out ?? value) as T;
}

/** ` (N suppressed)` of findings some of which are suppressed, else nothing: beside a count of findings that includes them. */
export function suppressedCount(findings: readonly { suppressed: boolean }[]): string {
  let n = 0;
  for (let i = 0; i < findings.length; i++) if (findings[i]!.suppressed) n++;
  return n > 0 ? ` (${formatCount(n)} suppressed)` : '';
}

/** Shortens long text for a capped view, saying how much was left out; `Infinity` keeps it whole. */
export function clip(s: string, max: number): string {
  if (s.length <= max) return s;
  const cut = whole(s, max);
  return `${s.slice(0, cut)}… (${formatCount(lengthInLog(s) - cut)} more characters)`;
}

/** How long the log's value was: a value cut when read says it (`keptText`), else its own length. */
function lengthInLog(s: string): number {
  return cutTextLength(s) ?? s.length;
}

const CUT_END = ' more characters)';
/** A count `formatCount` writes: up to 999,999,999,999,999 (a value is never that long). */
const GROUPED_COUNT = /^\d{1,3}(?:,\d{3}){0,4}$/;
/** The longest mark a cut adds: `… (` + the count + ` more characters)`. */
const MARK_MAX = 3 + 19 + CUT_END.length;

/**
 * Whether `s` is what `clipVisible` made of a longer value, at `max` characters or fewer:
 * cutting it again would count its own "… (59,800 more characters)" as the value's. A field cut
 * to its own size keeps it through the PDF's last pass (`visibleStrings`), which cuts to the
 * same size or a larger one. A log value written to look cut is shown as it is: it is short,
 * `max` and a mark at most (a forged count of 25,000 digit groups is no count: it is cut).
 */
function cutAlready(s: string, max: number): boolean {
  if (s.length > max + MARK_MAX || !s.endsWith(CUT_END)) return false;
  const mark = s.lastIndexOf('… (', s.length - CUT_END.length);
  if (mark < 0 || mark > max) return false;
  return GROUPED_COUNT.test(s.slice(mark + 3, s.length - CUT_END.length)) && !HAS_INVISIBLE.test(s.slice(0, mark));
}

/**
 * A log value in its visible form (`visible`) held to `max` characters as shown: a value of
 * invisible characters, each shown as `[U+200D]`, is cut to the same length as any other, never
 * inside one such token, and the count is of the value's own characters not shown.
 */
export function clipVisible(s: string, max: number): string {
  if (s.length <= max && !HAS_INVISIBLE.test(s)) return s;
  if (cutAlready(s, max)) return s;
  // The value's characters one at a time, as long as their visible forms fit: at most `max` of
  // them, whatever the value's length (its visible form is never made whole).
  let width = 0;
  let i = 0;
  while (i < s.length) {
    const code = s.codePointAt(i)!;
    const size = code > 0xffff ? 2 : 1;
    INVISIBLE_AT.lastIndex = i;
    const w = INVISIBLE_AT.test(s) ? codeToken(s.slice(i, i + size)).length : size;
    if (width + w > max) break;
    width += w;
    i += size;
  }
  if (i === s.length) return visible(s);
  return `${visible(s.slice(0, i))}… (${formatCount(lengthInLog(s) - i)} more characters)`;
}

/** The code point of `s` at `i` as it is shown: itself, or `[U+200D]` when invisible there (as `visible` shows it in `s`). */
function shownAt(s: string, i: number): string {
  const size = s.codePointAt(i)! > 0xffff ? 2 : 1;
  INVISIBLE_AT.lastIndex = i;
  return INVISIBLE_AT.test(s) ? codeToken(s.slice(i, i + size)) : s.slice(i, i + size);
}

/** The longest mark of a middle cut: `… (` + a count + ` characters left out) …`. */
const MIDDLE_MARK_MAX = 3 + 19 + ' characters left out) …'.length;

/**
 * `clipVisible` cut in the middle: the value's start and, twice as long, its end, and how many of
 * its characters are left out between them. For who acted and what was acted on (a caller's ARN or
 * label, a finding's resource), whose end names them: a role path of 300 characters cut at its end
 * loses the role's name. At most `max` characters in all, so the PDF's last pass (`visibleStrings`,
 * at the same cap or a larger one) leaves it as it is.
 */
export function clipVisibleMiddle(s: string, max: number): string {
  if (s.length <= max && !HAS_INVISIBLE.test(s)) return s;
  // Whole when its visible form fits (walked at most `max` characters in, whatever its length).
  let width = 0;
  for (let i = 0; i < s.length && width <= max; i += s.codePointAt(i)! > 0xffff ? 2 : 1) width += shownAt(s, i).length;
  if (width <= max) return visible(s);
  const room = max - MIDDLE_MARK_MAX;
  let head = '';
  let start = 0;
  for (;;) {
    const shown = shownAt(s, start);
    if (head.length + shown.length > Math.floor(room / 3)) break;
    head += shown;
    start += s.codePointAt(start)! > 0xffff ? 2 : 1;
  }
  let tail = '';
  let end = s.length;
  for (;;) {
    const low = s.charCodeAt(end - 1);
    const high = s.charCodeAt(end - 2);
    const at = low >= 0xdc00 && low <= 0xdfff && high >= 0xd800 && high <= 0xdbff ? end - 2 : end - 1;
    const shown = shownAt(s, at);
    if (head.length + tail.length + shown.length > room) break;
    tail = shown + tail;
    end = at;
  }
  return `${head}… (${formatCount(end - start)} characters left out) …${tail}`;
}

const SAFE_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,119}$/;

/**
 * An element id safe in any attribute and fragment: `event-<id>` when the id is plain,
 * else `event--<hash>` (a log value never reaches an id attribute as is; the double dash
 * cannot come from a plain id, so the two forms never collide).
 */
export function anchorId(prefix: string, ...parts: string[]): string {
  const joined = parts.join('-');
  if (SAFE_ID.test(joined)) return `${prefix}-${joined}`;
  // One-shot digest: a month of findings hashes thousands of ids.
  const hash = digest('sha256', parts.join('\u0000'), 'hex').slice(0, 24);
  return `${prefix}--${hash}`;
}

/** "123456789012 (prod-iot)" or the id alone. */
export function accountLabel(id: string, name: string | null | undefined): string {
  return name ? `${id} (${name})` : id;
}

function nextDay(day: string): string {
  const ms = Date.parse(`${day}T00:00:00Z`);
  return Number.isNaN(ms) ? '' : new Date(ms + 86_400_000).toISOString().slice(0, 10);
}

/** ["2026-10-01","2026-10-02","2026-10-03","2026-10-07"] -> "2026-10-01 – 2026-10-03, 2026-10-07". */
export function dayRanges(days: readonly string[]): string {
  const sorted = [...new Set(days)].sort();
  const out: string[] = [];
  let i = 0;
  while (i < sorted.length) {
    const first = sorted[i] as string;
    let last = first;
    while (i + 1 < sorted.length && sorted[i + 1] === nextDay(last)) {
      i += 1;
      last = sorted[i] as string;
    }
    out.push(first === last ? first : `${first} – ${last}`);
    i += 1;
  }
  return out.join(', ');
}


function pad(n: number, w = 2): string {
  return String(n).padStart(w, '0');
}

/** The day of a zone-shifted date (read in UTC). */
function dayOf(d: Date): string {
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

function minuteOf(d: Date): string {
  return `${dayOf(d)} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}

/**
 * Times of the report in its zone, with the zone's offsets from `zoneOffsetAt` (luxon's,
 * looked up once per hour): a 100,000-event appendix formats in milliseconds instead of a
 * luxon object per event. A time whose wall time the zone shows twice (clocks going back) has
 * its offset after it (`repeatedTimeMark`): "2026-10-25 02:30:00 +02:00" and, an hour later,
 * "2026-10-25 02:30:00 +01:00"; every other time is shown without.
 */
export class ZoneClock {
  readonly zone: string;
  private readonly times = new Map<string, string>();

  constructor(zone: string) {
    this.zone = zone === 'UTC' || IANAZone.isValidZone(zone) ? zone : 'UTC';
  }

  /** The instant's wall time (a Date read in UTC), and the instant. */
  private local(iso: string): { d: Date; ms: number } | null {
    const ms = Date.parse(iso);
    if (Number.isNaN(ms)) return null;
    return { d: new Date(ms + zoneOffsetAt(ms, this.zone) * 60_000), ms };
  }

  /** "2026-10-03" in the zone. */
  date(iso: string): string {
    const t = this.local(iso);
    return t ? dayOf(t.d) : visible(iso);
  }

  /** "2026-10-03 09:00" in the zone. */
  minute(iso: string): string {
    const t = this.local(iso);
    return t ? `${minuteOf(t.d)}${repeatedTimeMark(t.ms, this.zone)}` : visible(iso);
  }

  /** "2026-10-03 09:00:12" in the zone. */
  dateTime(iso: string): string {
    // Findings and lifecycle steps repeat the times of the events they point at.
    let text = this.times.get(iso);
    if (text === undefined) {
      const t = this.local(iso);
      text = t ? `${minuteOf(t.d)}:${pad(t.d.getUTCSeconds())}${repeatedTimeMark(t.ms, this.zone)}` : visible(iso);
      this.times.set(iso, text);
    }
    return text;
  }

  /** "2026-10-03 09:00:12 Europe/Paris": a time that stands alone, zone named. */
  stamp(iso: string): string {
    return `${this.dateTime(iso)} ${this.zone}`;
  }

  /**
   * "2026-10-03 09:00–11:40", or "2026-10-03 09:00 – 2026-10-05 11:40" across days; spaced
   * when an end has its offset: "2026-10-25 02:30 +02:00 – 02:30 +01:00".
   */
  range(first: string, last: string): string {
    const a = this.minute(first);
    const b = this.minute(last);
    if (a === b) return a;
    const x = this.local(first);
    const y = this.local(last);
    if (x === null || y === null || dayOf(x.d) !== dayOf(y.d)) return `${a} – ${b}`;
    const marked = repeatedTimeMark(x.ms, this.zone) !== '' || repeatedTimeMark(y.ms, this.zone) !== '';
    return `${a}${marked ? ' – ' : '–'}${b.slice(11)}`;
  }
}

/**
 * What every output calls the accounts of `coverage.accountsNotInOrganization` (the HTML, the PDF, the
 * Markdown and the terminal): with logs or, asked for with `--account`, without.
 */
export const NOT_IN_ORGANIZATION_LIST = "not in the organization's list";

/** With `--region`, an account "without logs" has none in the regions asked for (it may have logs elsewhere). */
export function inRegionsAskedFor(regions: readonly string[]): string {
  return regions.length > 0 ? ' in the regions asked for' : '';
}

/**
 * Whether the report read log files: a file source (S3, a folder) is among its sources, or no
 * Athena table is. A report read through Athena alone read no file, and says what it read instead
 * (`athenaRead`), never "0 log files read".
 */
export function readLogFiles(model: ReportModel): boolean {
  return model.coverage.athena === null || model.sources.some((s) => s.kind !== 'athena');
}

/** What the Athena tables returned, in their own units: "637 IoT rows from 61 partitions (123.5 MB scanned)". */
export function athenaRead(athena: AthenaCoverage): string {
  return `${plural(athena.rowsRead, 'IoT row')} from ${plural(athena.partitions, 'partition')} (${formatBytes(athena.dataScannedBytes)} scanned)`;
}
