/**
 * A loopback server speaking the AWS Organizations JSON 1.1 protocol, enough for the real
 * `@aws-sdk/client-organizations` (client, paginators, error parsing, retries) to run against it:
 * POST /, `X-Amz-Target: AWSOrganizationsV20161128.<Operation>`, JSON bodies, errors as
 * `{"__type": "<Code>", "Message": "..."}` with HTTP 400 as the service sends them (the SDK types
 * the exception from `__type`, and classifies TooManyRequestsException as throttling by name).
 * Point the SDK at it with `AWS_ENDPOINT_URL_ORGANIZATIONS=<url>` and dummy credentials.
 */
import { ProtocolError, startJsonProtocolServer, type JsonProtocolServer } from './json-protocol-server.js';

export type { InjectedError, RecordedRequest } from './json-protocol-server.js';

const TARGET_PREFIX = 'AWSOrganizationsV20161128.';

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
/** The Organizations test server: the shared JSON 1.1 server with Organizations' operations. */
export type OrganizationsServer = JsonProtocolServer;

export async function startOrganizationsServer(org: FakeOrganization): Promise<OrganizationsServer> {
  const pageSize = org.pageSize ?? 2;

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
    ListRoots: (body) => {
      const { items, NextToken } = page([org.rootId], body);
      return {
        Roots: items.map((Id) => ({ Id, Arn: `arn:aws:organizations::${org.managementAccountId}:root/${org.id}/${Id}`, Name: 'Root', PolicyTypes: [] })),
        ...(NextToken ? { NextToken } : {}),
      };
    },
    ListOrganizationalUnitsForParent: (body) => {
      const parent = String(body.ParentId);
      if (parent !== org.rootId && !org.ous.some((o) => o.Id === parent)) throw new ProtocolError('ParentNotFoundException', "We can't find a root or OU with the ParentId that you specified.");
      const { items, NextToken } = page(org.ous.filter((o) => o.parentId === parent), body);
      return {
        OrganizationalUnits: items.map((o) => ({ Id: o.Id, Arn: `arn:aws:organizations::${org.managementAccountId}:ou/${org.id}/${o.Id}`, Name: o.Name })),
        ...(NextToken ? { NextToken } : {}),
      };
    },
    ListAccountsForParent: (body) => {
      const parent = String(body.ParentId);
      if (parent !== org.rootId && !org.ous.some((o) => o.Id === parent)) throw new ProtocolError('ParentNotFoundException', "We can't find a root or OU with the ParentId that you specified.");
      const { items, NextToken } = page(org.accounts.filter((a) => a.parentId === parent), body);
      return { Accounts: items.map((a) => ({ Id: a.Id, ...(a.Name !== undefined ? { Name: a.Name } : {}) })), ...(NextToken ? { NextToken } : {}) };
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

  return startJsonProtocolServer({ service: 'Organizations', targetPrefix: TARGET_PREFIX, operations, delayMs: org.delayMs });
}

export const ORG_ROOT = 'r-ab12';
export const MANAGEMENT = '111111111111';

/** Seven accounts (four pages of two), OUs two levels deep, legacy Status on one account. */
export function sampleOrganization(): FakeOrganization {
  return {
    id: 'o-exampleorg1',
    managementAccountId: MANAGEMENT,
    rootId: ORG_ROOT,
    ous: [
      { Id: 'ou-ab12-workload', Name: 'Workloads', parentId: ORG_ROOT },
      { Id: 'ou-ab12-prod0000', Name: 'Prod', parentId: 'ou-ab12-workload' },
      { Id: 'ou-ab12-dev00000', Name: 'Dev', parentId: 'ou-ab12-workload' },
      { Id: 'ou-ab12-security', Name: 'Security', parentId: ORG_ROOT },
    ],
    accounts: [
      { Id: MANAGEMENT, Name: 'Management', Email: 'root@example.com', State: 'ACTIVE', parentId: ORG_ROOT },
      { Id: '222222222222', Name: 'Fleet Prod EU', Email: 'eu@example.com', State: 'ACTIVE', Status: 'ACTIVE', parentId: 'ou-ab12-prod0000', tags: { team: 'fleet', env: 'prod', cost: '42' } },
      { Id: '333333333333', Name: 'Fleet Prod US', Email: 'us@example.com', State: 'ACTIVE', parentId: 'ou-ab12-prod0000' },
      { Id: '444444444444', Name: 'Fleet Dev', Email: 'dev@example.com', State: 'ACTIVE', parentId: 'ou-ab12-dev00000', tags: { env: 'dev' } },
      { Id: '555555555555', Name: 'Log Archive', Email: 'logs@example.com', State: 'ACTIVE', parentId: 'ou-ab12-security' },
      { Id: '666666666666', Name: 'Old Fleet', Email: 'old@example.com', Status: 'SUSPENDED', parentId: 'ou-ab12-prod0000' },
      { Id: '777777777777', Name: 'Closing', Email: 'closing@example.com', State: 'PENDING_CLOSURE', Status: 'ACTIVE', parentId: ORG_ROOT },
    ],
    pageSize: 2,
  };
}
