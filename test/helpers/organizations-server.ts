/**
 * A loopback server speaking the AWS Organizations JSON 1.1 protocol, enough for the real
 * `@aws-sdk/client-organizations` (client, paginators, error parsing, retries) to run against it:
 * POST /, `X-Amz-Target: AWSOrganizationsV20161128.<Operation>`, JSON bodies, errors as
 * `{"__type": "<Code>", "Message": "..."}` with HTTP 400 as the service sends them (the SDK types
 * the exception from `__type`, and classifies TooManyRequestsException as throttling by name).
 * Point the SDK at it with `AWS_ENDPOINT_URL_ORGANIZATIONS=<url>` and dummy credentials.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

const TARGET_PREFIX = 'AWSOrganizationsV20161128.';
const CONTENT_TYPE = 'application/x-amz-json-1.1';

export interface FakeAccount {
  Id: string;
  Name?: string;
  Email?: string;
  /** Current field; omit to serve only the legacy `Status`. */
  State?: string;
  Status?: string;
  /** Root id or OU id that holds the account. */
  parentId: string;
  tags?: Record<string, string>;
}

export interface FakeOu {
  Id: string;
  Name: string;
  /** Root id or OU id. */
  parentId: string;
}

export interface FakeOrganization {
  id: string;
  managementAccountId: string;
  rootId: string;
  ous: FakeOu[];
  accounts: FakeAccount[];
  /** Largest page served by the List operations (the SDK's MaxResults may ask for less). Default 2. */
  pageSize?: number;
  /** Delay before each answer, so concurrent requests overlap and can be counted. Default 0. */
  delayMs?: number;
}

/** An error to answer instead of the normal response. */
export interface InjectedError {
  operation: string;
  /** Protocol error code, e.g. TooManyRequestsException, AccessDeniedException. */
  type: string;
  message?: string;
  /** HTTP status; Organizations answers 400 for its client errors. Default 400. */
  status?: number;
  /** How many matching requests get the error; default every one. */
  times?: number;
}

export interface RecordedRequest {
  /** The full `X-Amz-Target` header. */
  target: string;
  operation: string;
  body: Record<string, unknown>;
  /** Region of the SigV4 credential scope, or null when the request was not signed. */
  signingRegion: string | null;
}

export interface OrganizationsServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** Every request, in arrival order, including the ones answered with an injected error. */
  readonly requests: RecordedRequest[];
  /** The most requests that were ever being answered at the same time. */
  readonly maxInFlight: number;
  inject(error: InjectedError): void;
  /** Requests for one operation. */
  calls(operation: string): RecordedRequest[];
  close(): Promise<void>;
}

class ProtocolError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

export async function startOrganizationsServer(org: FakeOrganization): Promise<OrganizationsServer> {
  const requests: RecordedRequest[] = [];
  const injected: (InjectedError & { left: number })[] = [];
  const pageSize = org.pageSize ?? 2;
  let inFlight = 0;
  let maxInFlight = 0;

  const parentOf = (childId: string): { Id: string; Type: string } => {
    const holder = org.accounts.find((a) => a.Id === childId) ?? org.ous.find((o) => o.Id === childId);
    if (!holder) throw new ProtocolError('ChildNotFoundException', `We can't find a child with the specified ID ${childId}.`);
    return { Id: holder.parentId, Type: holder.parentId === org.rootId ? 'ROOT' : 'ORGANIZATIONAL_UNIT' };
  };

  const page = <T>(items: T[], body: Record<string, unknown>): { items: T[]; NextToken?: string } => {
    const asked = typeof body.MaxResults === 'number' ? body.MaxResults : pageSize;
    const size = Math.max(1, Math.min(asked, pageSize));
    let start = 0;
    if (body.NextToken !== undefined) {
      const decoded = /^page-(\d+)$/.exec(Buffer.from(String(body.NextToken), 'base64').toString('utf8'));
      if (!decoded) throw new ProtocolError('InvalidInputException', 'You provided an invalid pagination token.');
      start = Number(decoded[1]);
    }
    const end = start + size;
    return {
      items: items.slice(start, end),
      ...(end < items.length ? { NextToken: Buffer.from(`page-${end}`).toString('base64') } : {}),
    };
  };

  const operations: Record<string, (body: Record<string, unknown>) => unknown> = {
    DescribeOrganization: () => ({
      Organization: {
        Id: org.id,
        Arn: `arn:aws:organizations::${org.managementAccountId}:organization/${org.id}`,
        FeatureSet: 'ALL',
        MasterAccountArn: `arn:aws:organizations::${org.managementAccountId}:account/${org.id}/${org.managementAccountId}`,
        MasterAccountId: org.managementAccountId,
        MasterAccountEmail: org.accounts.find((a) => a.Id === org.managementAccountId)?.Email ?? 'root@example.com',
      },
    }),
    ListAccounts: (body) => {
      const { items, NextToken } = page(org.accounts, body);
      return {
        Accounts: items.map((a) => ({
          Id: a.Id,
          Arn: `arn:aws:organizations::${org.managementAccountId}:account/${org.id}/${a.Id}`,
          ...(a.Name !== undefined ? { Name: a.Name } : {}),
          ...(a.Email !== undefined ? { Email: a.Email } : {}),
          ...(a.State !== undefined ? { State: a.State } : {}),
          ...(a.Status !== undefined ? { Status: a.Status } : {}),
          JoinedMethod: a.Id === org.managementAccountId ? 'INVITED' : 'CREATED',
          // awsJson timestamps are epoch seconds.
          JoinedTimestamp: 1_700_000_000,
        })),
        ...(NextToken ? { NextToken } : {}),
      };
    },
    ListParents: (body) => ({ Parents: [parentOf(String(body.ChildId))] }),
    DescribeOrganizationalUnit: (body) => {
      const ou = org.ous.find((o) => o.Id === body.OrganizationalUnitId);
      if (!ou) throw new ProtocolError('OrganizationalUnitNotFoundException', "We can't find an OU with the OrganizationalUnitId that you specified.");
      return { OrganizationalUnit: { Id: ou.Id, Arn: `arn:aws:organizations::${org.managementAccountId}:ou/${org.id}/${ou.Id}`, Name: ou.Name } };
    },
    ListTagsForResource: (body) => {
      const account = org.accounts.find((a) => a.Id === body.ResourceId);
      if (!account) throw new ProtocolError('TargetNotFoundException', "We can't find a target with the specified ID.");
      const { items, NextToken } = page(Object.entries(account.tags ?? {}), body);
      return { Tags: items.map(([Key, Value]) => ({ Key, Value })), ...(NextToken ? { NextToken } : {}) };
    },
  };

  const answer = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const send = (status: number, payload: unknown): void => {
      res.writeHead(status, { 'content-type': CONTENT_TYPE, 'x-amzn-requestid': `req-${requests.length}` });
      res.end(JSON.stringify(payload));
    };
    const fail = (error: ProtocolError): void => send(error.status, { __type: error.type, Message: error.message });

    const target = String(req.headers['x-amz-target'] ?? '');
    if (req.method !== 'POST' || !target.startsWith(TARGET_PREFIX) || req.headers['content-type'] !== CONTENT_TYPE) {
      return fail(new ProtocolError('UnknownOperationException', `not an Organizations JSON 1.1 request: ${req.method} ${target}`));
    }
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
    } catch {
      return fail(new ProtocolError('SerializationException', 'request body is not JSON'));
    }
    const operation = target.slice(TARGET_PREFIX.length);
    const scope = /^AWS4-HMAC-SHA256 Credential=[^/]+\/\d{8}\/([^/]+)\/organizations\/aws4_request/.exec(String(req.headers.authorization ?? ''));
    requests.push({ target, operation, body, signingRegion: scope?.[1] ?? null });

    if (org.delayMs) await new Promise((resolve) => setTimeout(resolve, org.delayMs));
    const error = injected.find((e) => e.operation === operation && e.left > 0);
    if (error) {
      error.left -= 1;
      return fail(new ProtocolError(error.type, error.message ?? `${error.type} (injected)`, error.status));
    }
    const handler = operations[operation];
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
        res.end(JSON.stringify({ __type: 'ServiceException', Message: String(error) }));
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
    inject(error) {
      injected.push({ ...error, left: error.times ?? Number.POSITIVE_INFINITY });
    },
    calls(operation) {
      return requests.filter((r) => r.operation === operation);
    },
    close() {
      server.closeAllConnections();
      return new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}
