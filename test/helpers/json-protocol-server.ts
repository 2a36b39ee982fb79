/**
 * A loopback HTTP server speaking the AWS JSON 1.1 protocol (POST /, `X-Amz-Target:
 * <prefix>.<Operation>`, `application/x-amz-json-1.1`, errors as `{"__type", "Message"}`),
 * so tests drive the real SDK clients, paginators and error parsing. Organizations,
 * Athena and CloudTrail have no installable emulator; each test server only supplies
 * its operations.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

const CONTENT_TYPE = 'application/x-amz-json-1.1';

/** Thrown by an operation to answer with a protocol error. */
export class ProtocolError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

export interface InjectedError {
  operation: string;
  /** Protocol error code, e.g. TooManyRequestsException, AccessDeniedException. */
  type: string;
  message?: string;
  /** HTTP status; the JSON services answer 400 for client errors. Default 400. */
  status?: number;
  /** How many matching requests get the error; default every one. */
  times?: number;
  /** Only requests whose body this accepts match; default every request of the operation. */
  when?: (body: Record<string, unknown>) => boolean;
}

export interface RecordedRequest {
  /** The full `X-Amz-Target` header. */
  target: string;
  operation: string;
  body: Record<string, unknown>;
  /** Region of the SigV4 credential scope, or null when the request was not signed. */
  signingRegion: string | null;
}

export type Operation = (body: Record<string, unknown>) => unknown;

export interface JsonProtocolServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** Every request, in arrival order, including the ones answered with an injected error. */
  readonly requests: RecordedRequest[];
  /** The most requests that were ever being answered at the same time. */
  readonly maxInFlight: number;
  /** Requests for one operation. */
  calls(operation: string): RecordedRequest[];
  inject(error: InjectedError): void;
  /** Forgets every injected error. */
  clearInjected(): void;
  close(): Promise<void>;
}

export async function startJsonProtocolServer(options: {
  /** Service name for messages, e.g. "Athena". */
  service: string;
  /** `X-Amz-Target` prefix with its dot, e.g. `AmazonAthena.`. */
  targetPrefix: string;
  operations: Record<string, Operation>;
  /** Delay before each answer, so concurrent requests overlap and can be counted. */
  delayMs?: number;
}): Promise<JsonProtocolServer> {
  const requests: RecordedRequest[] = [];
  let injected: (InjectedError & { left: number })[] = [];
  let inFlight = 0;
  let maxInFlight = 0;

  const answer = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const send = (status: number, payload: unknown): void => {
      const text = JSON.stringify(payload);
      res.writeHead(status, { 'content-type': CONTENT_TYPE, 'content-length': Buffer.byteLength(text), 'x-amzn-requestid': `req-${requests.length}` });
      res.end(text);
    };
    const fail = (error: ProtocolError): void => send(error.status, { __type: error.type, Message: error.message });

    const target = String(req.headers['x-amz-target'] ?? '');
    if (req.method !== 'POST' || !target.startsWith(options.targetPrefix) || req.headers['content-type'] !== CONTENT_TYPE) {
      return fail(new ProtocolError('UnknownOperationException', `not a ${options.service} JSON 1.1 request: ${req.method} ${target}`));
    }
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
    } catch {
      return fail(new ProtocolError('SerializationException', 'request body is not JSON'));
    }
    const operation = target.slice(options.targetPrefix.length);
    const scope = /^AWS4-HMAC-SHA256 Credential=[^/]+\/\d{8}\/([^/]+)\//.exec(String(req.headers.authorization ?? ''));
    requests.push({ target, operation, body, signingRegion: scope?.[1] ?? null });

    if (options.delayMs) await new Promise((resolve) => setTimeout(resolve, options.delayMs));
    const error = injected.find((e) => e.operation === operation && e.left > 0 && (e.when === undefined || e.when(body)));
    if (error) {
      error.left -= 1;
      return fail(new ProtocolError(error.type, error.message ?? `${error.type} (injected)`, error.status));
    }
    const handler = options.operations[operation];
    if (!handler) return fail(new ProtocolError('UnknownOperationException', `operation ${operation} is not served here`));
    try {
      send(200, handler(body));
    } catch (caught) {
      if (caught instanceof ProtocolError) return fail(caught);
      throw caught;
    }
  };

  const server = createServer((req, res) => {
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    answer(req, res)
      .catch((error: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': CONTENT_TYPE });
        res.end(JSON.stringify({ __type: 'InternalServerException', Message: String(error) }));
      })
      .finally(() => {
        inFlight -= 1;
      });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    get maxInFlight() {
      return maxInFlight;
    },
    calls: (operation) => requests.filter((r) => r.operation === operation),
    inject(error) {
      injected.push({ ...error, left: error.times ?? Number.POSITIVE_INFINITY });
    },
    clearInjected() {
      injected = [];
    },
    close() {
      server.closeAllConnections();
      return new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}
