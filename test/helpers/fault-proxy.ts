import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A loopback HTTP proxy in front of a path-style S3 server that records every
 * request and injects faults by rule, so tests can exercise the real SDK client
 * against throttling, denied prefixes, truncated and slow bodies.
 */

export type S3Op = 'list' | 'get' | 'head' | 'put' | 'other';

export type FaultAction =
  /** Answer with an S3 XML error (no body for HEAD, like S3). */
  | { kind: 'error'; status: number; code: string; message?: string }
  /** Forward, then send the real status and Content-Length but only `fraction` of the body, and cut the connection. */
  | { kind: 'truncate'; fraction?: number }
  /** Wait `ms` before forwarding (nothing is sent meanwhile). */
  | { kind: 'delay'; ms: number }
  /** Send the headers and half the body, then go silent for `ms` before the rest. */
  | { kind: 'stall'; ms: number }
  /** Close the connection without answering (a reset / socket hang-up for the client). */
  | { kind: 'reset' };

export interface FaultRule {
  /** Which operations it applies to; all when absent. */
  op?: S3Op | S3Op[];
  bucket?: string;
  /** Tested against the object key (get, head, put) or the listing prefix (list). */
  match?: RegExp;
  /** How many matching requests get the fault before the rule lets them pass; all when absent. */
  times?: number;
  action: FaultAction;
}

export interface RecordedRequest {
  method: string;
  op: S3Op;
  bucket: string | null;
  /** Object key (get, head, put). */
  key: string | null;
  /** Listing prefix ('' when none was sent). */
  prefix: string | null;
  delimiter: string | null;
  /** Whether a listing request carried a continuation token. */
  continuation: boolean;
  /** A listing's `start-after` key, or null. */
  startAfter: string | null;
  /** The fault injected, or null when passed through. */
  fault: FaultAction['kind'] | null;
}

export interface FaultProxy {
  /** `http://127.0.0.1:<port>`. */
  readonly endpoint: string;
  readonly requests: RecordedRequest[];
  /** Adds a rule; rules are tried in the order added, the first that applies wins. */
  addRule(rule: FaultRule): void;
  clearRules(): void;
  /** Forgets recorded requests. */
  resetCounts(): void;
  /** Request counts keyed `METHOD op target`, target being the prefix (+ `delimiter=/`) or the key. */
  counts(): Record<string, number>;
  /** The listings made, as `prefix` or `prefix|/` for delimiter listings, one entry per request. */
  listings(): string[];
  close(): Promise<void>;
}

export const SLOW_DOWN: FaultAction = { kind: 'error', status: 503, code: 'SlowDown', message: 'Please reduce your request rate.' };
export const ACCESS_DENIED: FaultAction = { kind: 'error', status: 403, code: 'AccessDenied', message: 'Access Denied' };
export const NO_SUCH_KEY: FaultAction = { kind: 'error', status: 404, code: 'NoSuchKey', message: 'The specified key does not exist.' };

interface ActiveRule extends FaultRule {
  used: number;
}

export async function startFaultProxy(upstream: string): Promise<FaultProxy> {
  const target = new URL(upstream);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const rules: ActiveRule[] = [];
  const requests: RecordedRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();

  const later = (ms: number, fn: () => void) => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
  };

  const server = http.createServer((req, res) => {
    const record = describe(req);
    const rule = rules.find((r) => applies(r, record));
    if (rule) rule.used++;
    const action = rule?.action ?? null;
    record.fault = action?.kind ?? null;
    requests.push(record);

    // The request body (PUT) must be read before answering on a kept-alive connection.
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      if (action?.kind === 'error') return sendError(res, req.method === 'HEAD', action);
      if (action?.kind === 'reset') return req.socket.destroy();
      if (action?.kind === 'delay') {
        return later(action.ms, () => {
          if (!res.destroyed) forward(req, body, res, null);
        });
      }
      forward(req, body, res, action);
    });
  });

  const forward = (req: http.IncomingMessage, body: Buffer, res: http.ServerResponse, action: FaultAction | null) => {
    const upstreamReq = http.request(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
        agent,
      },
      (up) => {
        const chunks: Buffer[] = [];
        up.on('data', (c: Buffer) => chunks.push(c));
        up.on('error', () => res.destroy());
        up.on('end', () => {
          const data = Buffer.concat(chunks);
          res.writeHead(up.statusCode ?? 502, up.headers);
          if (action?.kind === 'truncate' && data.length > 0) {
            const cut = Math.max(0, Math.min(data.length - 1, Math.floor(data.length * (action.fraction ?? 0.5))));
            res.write(data.subarray(0, cut), () => res.destroy());
          } else if (action?.kind === 'stall' && data.length > 1) {
            const half = Math.floor(data.length / 2);
            res.write(data.subarray(0, half));
            later(action.ms, () => {
              if (!res.destroyed) res.end(data.subarray(half));
            });
          } else {
            res.end(data);
          }
        });
      },
    );
    upstreamReq.on('error', () => res.destroy());
    upstreamReq.end(body);
  };

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    addRule(rule) {
      rules.push({ ...rule, used: 0 });
    },
    clearRules() {
      rules.length = 0;
    },
    resetCounts() {
      requests.length = 0;
    },
    counts() {
      const out: Record<string, number> = {};
      for (const r of requests) {
        const what =
          r.op === 'list' ? `${r.prefix ?? ''}${r.delimiter ? ` delimiter=${r.delimiter}` : ''}` : (r.key ?? r.bucket ?? '');
        const name = `${r.method} ${r.op} ${what}`;
        out[name] = (out[name] ?? 0) + 1;
      }
      return out;
    },
    listings() {
      return requests.filter((r) => r.op === 'list').map((r) => (r.delimiter ? `${r.prefix}|${r.delimiter}` : `${r.prefix}`));
    },
    async close() {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      agent.destroy();
    },
  };
}

function describe(req: http.IncomingMessage): RecordedRequest {
  const url = new URL(req.url ?? '/', 'http://proxy.invalid');
  const method = req.method ?? 'GET';
  const [, bucketPart = '', ...keyParts] = url.pathname.split('/');
  const bucket = bucketPart ? safeDecode(bucketPart) : null;
  const key = keyParts.length > 0 && keyParts.join('/') !== '' ? safeDecode(keyParts.join('/')) : null;
  const isList = method === 'GET' && bucket !== null && key === null && !hasSubresource(url);
  const op: S3Op = isList
    ? 'list'
    : key === null
      ? 'other'
      : method === 'GET'
        ? 'get'
        : method === 'HEAD'
          ? 'head'
          : method === 'PUT'
            ? 'put'
            : 'other';
  return {
    method,
    op,
    bucket,
    key,
    prefix: isList ? (url.searchParams.get('prefix') ?? '') : null,
    delimiter: isList ? url.searchParams.get('delimiter') : null,
    continuation: isList && url.searchParams.has('continuation-token'),
    startAfter: isList ? url.searchParams.get('start-after') : null,
    fault: null,
  };
}

// Bucket sub-resources (?location, ?cors...) are not listings.
function hasSubresource(url: URL): boolean {
  const listParams = new Set(['list-type', 'prefix', 'delimiter', 'continuation-token', 'max-keys', 'start-after', 'encoding-type', 'fetch-owner', 'marker', 'x-id']);
  for (const name of url.searchParams.keys()) if (!listParams.has(name)) return true;
  return false;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function applies(rule: ActiveRule, r: RecordedRequest): boolean {
  if (rule.times !== undefined && rule.used >= rule.times) return false;
  if (rule.op !== undefined && !(Array.isArray(rule.op) ? rule.op : [rule.op]).includes(r.op)) return false;
  if (rule.bucket !== undefined && rule.bucket !== r.bucket) return false;
  if (rule.match !== undefined) {
    const subject = r.op === 'list' ? r.prefix : r.key;
    rule.match.lastIndex = 0;
    if (subject === null || !rule.match.test(subject)) return false;
  }
  return true;
}

function sendError(res: http.ServerResponse, isHead: boolean, action: Extract<FaultAction, { kind: 'error' }>) {
  const xml =
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<Error><Code>${action.code}</Code><Message>${action.message ?? action.code}</Message>` +
    '<RequestId>FAULTPROXY</RequestId></Error>';
  res.writeHead(action.status, {
    'content-type': 'application/xml',
    ...(isHead ? {} : { 'content-length': Buffer.byteLength(xml) }),
  });
  res.end(isHead ? undefined : xml);
}
