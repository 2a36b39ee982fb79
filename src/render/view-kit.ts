/**
 * The building blocks of the view model: capped and chunked tables, links that only point
 * at rows actually rendered, capped lists inside cells, and the fixed label/class maps
 * (a class attribute never carries a value from the model, only one of these names).
 */
import type { PdfCaps } from './context.js';
import { clipVisible, clipVisibleMiddle, formatCount, visibleStrings, type FieldCaps, type ZoneClock } from './format.js';
import { lazyRows } from './rows.js';

export interface Link {
  text: string;
  /** `#anchor` of a rendered element, or null when the target is not in this document. */
  href: string | null;
}

export interface CellList<T = string> {
  items: T[];
  /** "+ 12 more in iot-audit-2026-10.json" (where the whole list is: `ViewKit.moreItems`), or null. */
  more: string | null;
}

export interface Table<R> {
  /** Rows in the model. */
  total: number;
  /** Rows rendered. */
  shown: number;
  empty: boolean;
  /**
   * Rendered rows split into tables of `chunkRows` rows, each printed with its own header.
   * The rows are made when read (see `lazyRows`): the HTML renderer makes one at a time.
   */
  chunks: { rows: R[] }[];
  /** "1,234 more rows in iot-audit-2026-10.json", or null when every row is shown. */
  more: string | null;
}

export interface Badge {
  label: string;
  /** One of the fixed class names below. */
  cls: string;
}

/**
 * The JSON output's name: it holds every part of the model, not only the events. When the run
 * wrote none (`--format pdf` alone), the text says how to get it rather than point at a file that
 * is not there; with no list of files (a view made outside a run), "the JSON output".
 */
export function jsonFileText(files: readonly string[] | undefined): string {
  if (files === undefined) return 'the JSON output';
  return files.find((f) => f.endsWith('.json')) ?? 'the JSON output (not written: add json to --format)';
}

/** "iot-audit-2026-10.csv / .json" when the files share a stem, else the names joined. */
export function dataFilesText(files: readonly string[] | undefined): string {
  if (files === undefined) return 'the CSV and JSON outputs';
  if (files.length === 0) return 'the CSV and JSON outputs (not written: add csv or json to --format)';
  const stems = files.map((f) => f.replace(/\.[^./]+$/, ''));
  if (files.length > 1 && stems.every((s) => s === stems[0])) {
    return [files[0], ...files.slice(1).map((f) => f.slice((stems[0] as string).length))].join(' / ');
  }
  return files.join(' / ');
}

/**
 * Characters of one log value the PDF prints in a cell; the rest is cut, saying how much
 * (`clipVisible`). Forged or runaway logs carry values of any length (a 60,000-character user agent
 * is pages of one table cell); the screen prints them whole, the CSV and JSON always do.
 */
export const PDF_CHARS = {
  /** One item of a list in a cell (a thing, a policy target, a resource, a source IP...) or a name or ARN. */
  cell: 200,
  userAgent: 160,
  /** An error message of the appendix. */
  eventError: 300,
  /** An error message of the failed and denied table. */
  deniedError: 400,
  /** A lifecycle step's detail: a phrase around one log value (a thing or policy name, a reject reason: 128 characters at most in AWS IoT). */
  stepDetail: 300,
  /**
   * A sentence of the report's own (a finding's description, a note, a lifecycle's shape): it
   * quotes log values, each cut where it is quoted, and runs longer than a cell.
   */
  text: 2_000,
  /** A log file's key or path: S3 keys are at most 1,024 bytes, and the file's name is at the end. */
  key: 1_024,
} as const;

/**
 * What the PDF's last pass (`visibleStrings` with `ViewKit.caps`) holds each field to, by the
 * field's name, when not a cell (`PDF_CHARS.cell`). Every other string of the PDF view is held to
 * a cell, so a log value that reaches a field nobody thought to cut is cut all the same.
 * Anchors and links are not cut: they are ids the view makes (`anchorId`: short, never log text),
 * and a link must name its target exactly; nor is the document's Content-Security-Policy.
 */
const PDF_FIELDS: ReadonlyMap<string, number> = new Map([
  ...['anchor', 'href', 'csp'].map((f) => [f, Number.POSITIVE_INFINITY] as const),
  // The report's own sentences, and the cells that join log values each cut where it is joined (a link's
  // text, a policy change's target with its type or a group's sample of targets, a group's actors, a
  // certificate's status change since the previous report).
  ...[
    'description', 'remediation', 'suppressionReason', 'message', 'reason', 'errorMessage', 'notes', 'note', 'warnings',
    'text', 'statusText', 'detail', 'filters', 'accountsNote', 'defaultVersionNote', 'defaultsNotShownNote', 'whyNotRecorded', 'summary',
    'shape', 'actors', 'regions', 'days', 'changes', 'target', 'status',
  ].map((f) => [f, PDF_CHARS.text] as const),
  ...['key', 'file'].map((f) => [f, PDF_CHARS.key] as const),
]);

export class ViewKit {
  readonly media: 'screen' | 'pdf';
  readonly limits: PdfCaps;
  readonly clock: ZoneClock;
  /** Where every event is (CSV and JSON). */
  readonly dataFiles: string;
  /** Where every other row is (the JSON model). */
  readonly jsonFile: string;
  private readonly names: Map<string, string | null>;
  /** Account id -> its label from the accounts list, or null when the list does not name it. */
  private readonly labels = new Map<string, string | null>();
  /** Event id -> `#anchor` of its row. */
  private readonly eventHrefs = new Map<string, string>();
  private readonly ids = new Set<string>();
  /**
   * The PDF's cap of each field (see `PDF_FIELDS`; a policy document and a finding's evidence to
   * `documentChars`), for `visibleStrings`; undefined on screen, which shows every value whole.
   */
  readonly caps: FieldCaps | undefined;

  constructor(opts: {
    media: 'screen' | 'pdf';
    limits: PdfCaps;
    clock: ZoneClock;
    dataFiles: string;
    jsonFile: string;
    accountNames: Map<string, string | null>;
  }) {
    this.media = opts.media;
    this.limits = opts.limits;
    this.clock = opts.clock;
    this.dataFiles = opts.dataFiles;
    this.jsonFile = opts.jsonFile;
    this.names = opts.accountNames;
    const blocks = opts.limits.documentChars;
    this.caps =
      opts.media === 'pdf'
        ? (field) => (field === 'document' || field === 'evidence' ? blocks : (PDF_FIELDS.get(field) ?? PDF_CHARS.cell))
        : undefined;
  }

  /**
   * "123456789012 (prod-iot)": the name from the accounts list, else the one given, else the id;
   * cut in the PDF (`cut`: a name from the accounts file or the logs is as long as anyone made it,
   * and the label is in a row of every table by account).
   */
  account(id: string, fallbackName: string | null = null): string {
    // Thousands of rows name the same few accounts: each is looked up in the list once.
    let label = this.labels.get(id);
    if (label === undefined) {
      const listed = this.names.get(id);
      label = listed === undefined || listed === null ? null : this.cut(listed === '' ? id : `${id} (${listed})`);
      this.labels.set(id, label);
    }
    return label ?? this.cut(fallbackName ? `${id} (${fallbackName})` : id);
  }

  /**
   * Where a certificate is or was (`CertificateLifecycle.accountId`, `CertificateAccount.accountId`):
   * its account as `account` gives it, or, for null, the sender of a transfer the report does not
   * show (answered in the period, made before it or in an account `--account` left out).
   */
  certificateAccount(id: string | null, fallbackName: string | null = null): string {
    return id === null ? SENDER_NOT_SHOWN : this.account(id, fallbackName);
  }

  /** The anchor itself, or a variant of it when already taken: ids stay unique in the document. */
  claim(anchor: string): string {
    let id = anchor;
    for (let n = 2; this.ids.has(id); n += 1) id = `${anchor}--dup${n}`;
    this.ids.add(id);
    return id;
  }

  /** Records that the event's row is rendered under `anchor`. */
  registerEvent(eventId: string, anchor: string): void {
    if (!this.eventHrefs.has(eventId)) this.eventHrefs.set(eventId, `#${anchor}`);
  }

  /** A link to the event's row: found by the whole id, its text cut in the PDF (`cut`). */
  eventLink(eventId: string): Link {
    return { text: this.cut(eventId), href: this.eventHrefs.get(eventId) ?? null };
  }

  /** Links to events, capped at `cellItems`; linked first so the shown ones resolve when possible. */
  eventLinks(ids: readonly string[]): CellList<Link> {
    const max = this.limits.cellItems;
    // The first `max` of [linked ids..., unlinked ids...], without partitioning thousands of ids.
    const items: Link[] = [];
    let unlinked: string[] | null = null;
    for (let i = 0; i < ids.length && items.length < max; i++) {
      const text = ids[i] as string;
      const href = this.eventHrefs.get(text);
      if (href !== undefined) items.push({ text: this.cut(text), href });
      else if ((unlinked ??= []).length < max) unlinked.push(text);
    }
    if (unlinked !== null) {
      for (let i = 0; i < unlinked.length && items.length < max; i++) items.push({ text: this.cut(unlinked[i] as string), href: null });
    }
    return { items, more: this.moreItems(ids.length - max) };
  }

  /** Whether the event's row is rendered (registered with `registerEvent`). */
  isListed(eventId: string): boolean {
    return this.eventHrefs.has(eventId);
  }

  /**
   * A log value as the view prints it: in the PDF, cut at `pdfChars` characters saying how many
   * more there were. Cut in its visible form (`clipVisible`: each invisible character as
   * `[U+200D]`), so a value of zero-width characters is held to the same length as any other.
   */
  cut(value: string, pdfChars: number = PDF_CHARS.cell): string {
    return this.media === 'pdf' ? clipVisible(value, pdfChars) : value;
  }

  /**
   * Who acted or what was acted on (a caller's label or ARN, a finding's resource) as `cut`, but cut in
   * the middle in the PDF (`clipVisibleMiddle`): its end names the role, the session or the resource.
   */
  cutMiddle(value: string, pdfChars: number = PDF_CHARS.cell): string {
    return this.media === 'pdf' ? clipVisibleMiddle(value, pdfChars) : value;
  }

  /** The first `cellItems` values, each cut in the PDF at `pdfChars` characters (`cut`), and how many more there are. */
  list(values: readonly string[], pdfChars: number = PDF_CHARS.cell): CellList {
    const max = this.limits.cellItems;
    // The list itself when it fits: a view is only read (see `visibleStrings`).
    const shown = values.length <= max ? (values as string[]) : values.slice(0, max);
    return {
      items: this.media === 'pdf' ? shown.map((v) => clipVisible(v, pdfChars)) : shown,
      more: this.moreItems(values.length - max),
    };
  }

  /**
   * "+ 12 more in iot-audit-2026-10.json": what a list in a cell leaves out, and where the whole
   * list is (the JSON holds every part of the model; on screen too, lists in cells are capped).
   */
  moreItems(n: number, what = ''): string | null {
    return n > 0 ? `+ ${formatCount(n)} more${what === '' ? '' : ` ${what}`} in ${this.jsonFile}` : null;
  }

  /** "1,234 more rows in iot-audit-2026-10.json" (or wherever `file` says). */
  moreRows(n: number, file: string = this.jsonFile): string | null {
    return n > 0 ? `${formatCount(n)} more ${n === 1 ? 'row' : 'rows'} in ${file}` : null;
  }

  /** How many of `items` a table capped at `cap` shows (as `items.slice(0, cap).length`). */
  shownCount(items: readonly unknown[], cap: number): number {
    if (!Number.isFinite(cap)) return items.length;
    const end = Math.trunc(cap);
    return end < 0 ? Math.max(0, items.length + end) : Math.min(end, items.length);
  }

  /** The items a table capped at `cap` shows: for what must happen now, in order (claiming anchors). */
  shown<S>(items: readonly S[], cap: number): readonly S[] {
    const n = this.shownCount(items, cap);
    return n === items.length ? items : items.slice(0, n);
  }

  /**
   * The first `cap` items mapped to rows, chunked, with a pointer to the rest. Rows are
   * made when read, in their visible form and, in the PDF, cut (see `visibleStrings`): `map` must only read
   * what is already settled (anchors are claimed beforehand, with `shown`).
   */
  table<S, R>(items: readonly S[], cap: number, map: (item: S, index: number) => R): Table<R> {
    const n = this.shownCount(items, cap);
    const size = this.limits.chunkRows;
    const step = Number.isFinite(size) && size > 0 ? size : n;
    const chunks: { rows: R[] }[] = [];
    for (let from = 0; from < n; from += step) {
      chunks.push({ rows: lazyRows(Math.min(step, n - from), (i) => visibleStrings(map(items[from + i] as S, from + i), this.caps)) });
    }
    return {
      total: items.length,
      shown: n,
      empty: items.length === 0,
      chunks,
      more: this.moreRows(items.length - n),
    };
  }
}

const SEVERITY: Record<string, Badge & { rank: number }> = {
  critical: { label: 'Critical', cls: 'sev-critical', rank: 5 },
  high: { label: 'High', cls: 'sev-high', rank: 4 },
  medium: { label: 'Medium', cls: 'sev-medium', rank: 3 },
  low: { label: 'Low', cls: 'sev-low', rank: 2 },
  info: { label: 'Info', cls: 'sev-info', rank: 1 },
};

/** A certificate's account when the report does not show it (`ViewKit.certificateAccount`). */
const SENDER_NOT_SHOWN = 'a sender not in this report';

export function severityBadge(severity: string): Badge {
  const s = SEVERITY[severity];
  return s ? { label: s.label, cls: s.cls } : { label: severity, cls: 'sev-info' };
}

export function severityRank(severity: string): number {
  return SEVERITY[severity]?.rank ?? 0;
}

// A Map, not an object: the key is log text, and `constructor` or `__proto__` must find nothing.
const CERT_STATUS: ReadonlyMap<string, string> = new Map([
  ['ACTIVE', 'st-ok'],
  ['INACTIVE', 'st-warn'],
  ['PENDING_TRANSFER', 'st-warn'],
  ['PENDING_ACTIVATION', 'st-warn'],
  ['REGISTER_INACTIVE', 'st-warn'],
  ['REVOKED', 'st-bad'],
  ['DELETED', 'st-muted'],
]);

export function certificateStatusBadge(status: string | null): Badge {
  if (status === null) return { label: 'unknown', cls: 'st-muted' };
  return { label: status, cls: CERT_STATUS.get(status) ?? 'st-neutral' };
}

const INTEGRITY_STATUS: Record<string, Badge> = {
  valid: { label: 'Valid', cls: 'st-ok' },
  invalid: { label: 'Invalid', cls: 'st-bad' },
  incomplete: { label: 'Incomplete', cls: 'st-warn' },
};

export function integrityBadge(status: string): Badge {
  return INTEGRITY_STATUS[status] ?? { label: status, cls: 'st-neutral' };
}

const CATEGORY: Record<string, Badge> = {
  certificate: { label: 'Certificate', cls: 'cat-certificate' },
  policy: { label: 'Policy', cls: 'cat-policy' },
  other: { label: 'Other', cls: 'cat-other' },
};

export function categoryBadge(category: string): Badge {
  return CATEGORY[category] ?? { label: category, cls: 'cat-other' };
}

const CERT_ACTION: Record<string, string> = {
  created: 'Created',
  registered: 'Registered',
  activated: 'Activated',
  deactivated: 'Deactivated',
  revoked: 'Revoked',
  'status-changed': 'Status changed',
  'transfer-started': 'Transfer started',
  'transfer-accepted': 'Transfer accepted',
  'transfer-rejected': 'Transfer rejected',
  'transfer-cancelled': 'Transfer cancelled',
  deleted: 'Deleted',
  'attached-to-thing': 'Attached to thing',
  'detached-from-thing': 'Detached from thing',
  'policy-attached': 'Policy attached',
  'policy-detached': 'Policy detached',
  'provisioning-claim': 'Provisioning claim',
  'auto-registration-changed': 'Auto-registration changed',
  other: 'Other change',
};

export function certificateActionLabel(action: string): string {
  return CERT_ACTION[action] ?? action;
}

const POLICY_ACTION: Record<string, string> = {
  create: 'Created',
  'create-version': 'Version created',
  'set-default': 'Default version set',
  'delete-version': 'Version deleted',
  delete: 'Deleted',
  attach: 'Attached',
  detach: 'Detached',
};

export function policyActionLabel(action: string): string {
  return POLICY_ACTION[action] ?? action;
}

/** MFA as the report says it: true/false/null -> yes/no/not stated. */
export function mfaBadge(mfa: boolean | null): Badge {
  if (mfa === true) return { label: 'yes', cls: 'st-ok' };
  if (mfa === false) return { label: 'no', cls: 'st-warn' };
  return { label: 'not stated', cls: 'st-muted' };
}

/**
 * Shares of `budget` for items that want `wants` each (max-min fairness): an item gets what it
 * wants when an equal share of what is left would give it that much, and the others split the
 * rest equally, so one huge item cannot crowd out the small ones, nor many fill the budget. The
 * shares add up to `budget` at most; within it, every item gets what it wants.
 */
export function fairShares(wants: readonly number[], budget: number): number[] {
  if (wants.reduce((a, b) => a + b, 0) <= budget) return [...wants];
  // Smallest first (ties by position: same input, same shares).
  const order = wants.map((_, i) => i).sort((a, b) => (wants[a] as number) - (wants[b] as number) || a - b);
  const shares = new Array<number>(wants.length);
  let left = budget;
  order.forEach((i, k) => {
    const share = Math.min(wants[i] as number, Math.floor(left / (order.length - k)));
    shares[i] = share;
    left -= share;
  });
  return shares;
}
