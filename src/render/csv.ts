import type { Finding, IotEvent, ReportModel } from '../types.js';
import { findingRegions } from '../report/model.js';

/**
 * Spreadsheet programs run a cell that starts with one of these as a formula
 * (CSV injection). Such a value is written with a leading `'`, as OWASP advises;
 * the JSON output keeps every value untouched.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * Half of a surrogate pair with no other half: a log's `\ud800` escape. UTF-8 has no bytes for
 * it, and written as is it became U+FFFD, so two different values read the same. It is written
 * `[U+D800]`, as the HTML and the PDF show it (the JSON keeps the escape).
 */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;
const LONE_SURROGATES = /[\uD800-\uDFFF]/gu;

type Cell = string | number | boolean | null;

/** One RFC 4180 field. */
export function csvField(value: Cell): string {
  if (value === null) return '';
  let text = String(value);
  if (LONE_SURROGATE.test(text)) text = text.replace(LONE_SURROGATES, (c) => `[U+${c.charCodeAt(0).toString(16).toUpperCase()}]`);
  if (typeof value === 'string' && FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * The CSV text line by line, each with its `\r\n`: a row is made only when the writer asks
 * for it, so a month of events is never one string in memory (the events CSV of 100,000
 * events is ~85 MB of text; made whole, it took the run's peak RSS from ~390 to ~820 MB).
 */
function* csv<T>(header: readonly string[], items: readonly T[], row: (item: T) => Cell[]): Generator<string> {
  yield `${header.map(csvField).join(',')}\r\n`;
  for (let i = 0; i < items.length; i++) yield `${row(items[i] as T).map(csvField).join(',')}\r\n`;
}

const EVENT_COLUMNS = [
  'eventId',
  'eventTime',
  'accountId',
  'accountName',
  'region',
  'eventName',
  'category',
  'readOnly',
  'isChange',
  'errorCode',
  'errorMessage',
  'eventType',
  'actorType',
  'actorArn',
  'actorLabel',
  'sessionIssuerArn',
  'mfaAuthenticated',
  'invokedBy',
  'sourceIp',
  'userAgent',
  'certificateIds',
  'policyNames',
  'resources',
  'requestParameters',
  'responseElements',
  'requestId',
  'sourceFile',
  'integrity',
] as const;

function ids(event: IotEvent, ...types: string[]): string {
  return event.resources
    .filter((r) => types.includes(r.type))
    .map((r) => r.id)
    .join(' ');
}

function eventRow(e: IotEvent): Cell[] {
  return [
    e.eventId,
    e.eventTime,
    e.accountId,
    e.accountName,
    e.region,
    e.eventName,
    e.category,
    e.readOnly,
    e.isChange,
    e.errorCode,
    e.errorMessage,
    e.eventType,
    e.actor.type,
    e.actor.arn,
    e.actor.label,
    e.actor.sessionIssuerArn,
    e.actor.mfaAuthenticated,
    e.actor.invokedBy,
    e.sourceIp,
    e.userAgent,
    ids(e, 'certificate', 'caCertificate'),
    ids(e, 'policy'),
    JSON.stringify(e.resources.map((r) => `${r.type}:${r.id}`)),
    e.requestParameters === null ? null : JSON.stringify(e.requestParameters),
    e.responseElements === null ? null : JSON.stringify(e.responseElements),
    e.requestId,
    e.sourceFile,
    e.integrity,
  ];
}

/** One row per event, every event of the period, streamed (see `csv`). */
export async function renderEventsCsv(model: ReportModel): Promise<Iterable<string>> {
  return csv(EVENT_COLUMNS, model.events, eventRow);
}

const FINDING_COLUMNS = ['id', 'ruleId', 'severity', 'title', 'accountId', 'accountName', 'region', 'resource', 'time', 'eventIds', 'suppressed', 'suppressionReason', 'suppressionNote', 'description', 'evidence'] as const;

function findingRow(f: Finding): Cell[] {
  // Every region of a finding of several (`region` `multiple`), space-separated as its event ids are.
  return [f.id, f.ruleId, f.severity, f.title, f.accountId, f.accountName, findingRegions(f).join(' '), f.resource, f.time, f.eventIds.join(' '), f.suppressed, f.suppressionReason, f.suppressionNote, f.description, f.evidence];
}

/** One row per finding, streamed. */
export async function renderFindingsCsv(model: ReportModel): Promise<Iterable<string>> {
  return csv(FINDING_COLUMNS, model.findings, findingRow);
}
