// OU paths and tags are extras beside the account names from ListAccounts: one of their calls
// failing beyond the SDK's retries (throttled, a service error) must not throw the names away.
// The part is left empty where it was not read, the note says which part, for how many accounts
// and why; only credential failures keep their own handling (fallback, or the "log in" error).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { OrganizationsCredentialsError, resolveAccounts } from '../../src/accounts/resolve.js';
import type { ResolvedAccounts } from '../../src/types.js';
import { stubLoopbackAwsEnv } from '../helpers/aws-env.js';
import { MANAGEMENT, sampleOrganization as organization, startOrganizationsServer, type OrganizationsServer } from '../helpers/organizations-server.js';

const NAMES = ['Management', 'Fleet Prod EU', 'Fleet Prod US', 'Fleet Dev', 'Log Archive', 'Old Fleet', 'Closing'];
const THROTTLED = { type: 'TooManyRequestsException', message: 'Rate exceeded' } as const;

let server: OrganizationsServer | undefined;
async function serve(): Promise<OrganizationsServer> {
  server = await startOrganizationsServer(organization());
  vi.stubEnv('AWS_ENDPOINT_URL_ORGANIZATIONS', server.url);
  return server;
}
beforeEach(() => {
  stubLoopbackAwsEnv({ AWS_REGION: undefined, AWS_DEFAULT_REGION: undefined });
});
afterEach(async () => {
  vi.unstubAllEnvs();
  await server?.close();
  server = undefined;
});

const byId = (resolved: ResolvedAccounts) => Object.fromEntries(resolved.accounts.map((a) => [a.id, a]));

describe('account tags throttled beyond the retries', () => {
  it("keeps every name and OU path, the tags read before, and names the tags it could not read (the reviewer's case)", async () => {
    const s = await serve();
    s.inject({ operation: 'ListTagsForResource', ...THROTTLED, when: (body) => body.ResourceId === '444444444444' });
    const resolved = await resolveAccounts({ organizations: 'on', tags: true, concurrency: 1 });
    expect(resolved.from).toBe('organizations');
    expect(resolved.organizationId).toBe('o-exampleorg1');
    expect(resolved.accounts.map((a) => a.name)).toEqual(NAMES);
    expect(resolved.accounts.every((a) => a.ouPath !== null)).toBe(true);
    const accounts = byId(resolved);
    // Read before the failure (three tags: two pages).
    expect(accounts['222222222222']?.tags).toEqual({ team: 'fleet', env: 'prod', cost: '42' });
    // After the failure, the tags are not asked again (they would be throttled too): left empty.
    expect(accounts['444444444444']?.tags).toEqual({});
    expect(accounts['555555555555']?.tags).toEqual({});
    expect(resolved.note).toBe('account tags not read for 4 of 7 accounts (TooManyRequestsException: Rate exceeded)');
    expect(s.calls('ListTagsForResource').map((c) => c.body.ResourceId)).toEqual([MANAGEMENT, '222222222222', '222222222222', '333333333333', '444444444444', '444444444444']);
  });
});

describe('the OU walk throttled beyond the retries', () => {
  it('walking down: keeps the names and the paths found before, leaves the others empty without walking up', async () => {
    const s = await serve();
    s.inject({ operation: 'ListOrganizationalUnitsForParent', ...THROTTLED, when: (body) => body.ParentId === 'ou-ab12-workload' });
    const resolved = await resolveAccounts({ organizations: 'on', concurrency: 1 });
    expect(resolved.from).toBe('organizations');
    expect(resolved.accounts.map((a) => a.name)).toEqual(NAMES);
    const paths = Object.fromEntries(resolved.accounts.map((a) => [a.id, a.ouPath]));
    expect(paths).toEqual({
      [MANAGEMENT]: 'Root',
      '222222222222': null,
      '333333333333': null,
      '444444444444': null,
      '555555555555': null,
      '666666666666': null,
      '777777777777': 'Root',
    });
    expect(resolved.note).toBe('OU paths not read for 5 of 7 accounts (TooManyRequestsException: Rate exceeded)');
    // A throttled Organizations is not asked a walk up per account.
    expect(s.calls('ListParents')).toHaveLength(0);
  });

  it('walking up (the walk down not allowed): keeps the names and the paths read before the failure', async () => {
    const s = await serve();
    s.inject({ operation: 'ListRoots', type: 'AccessDeniedException', message: 'denied' });
    s.inject({ operation: 'ListParents', ...THROTTLED, when: (body) => body.ChildId === '444444444444' });
    const resolved = await resolveAccounts({ organizations: 'on', concurrency: 1 });
    expect(resolved.from).toBe('organizations');
    expect(resolved.accounts.map((a) => a.name)).toEqual(NAMES);
    expect(Object.fromEntries(resolved.accounts.map((a) => [a.id, a.ouPath]))).toEqual({
      [MANAGEMENT]: 'Root',
      '222222222222': 'Root/Workloads/Prod',
      '333333333333': 'Root/Workloads/Prod',
      '444444444444': null,
      '555555555555': null,
      '666666666666': null,
      '777777777777': null,
    });
    expect(resolved.note).toBe('OU paths not read for 4 of 7 accounts (TooManyRequestsException: Rate exceeded)');
  });

  it('both parts failing: both named in the note', async () => {
    const s = await serve();
    s.inject({ operation: 'ListRoots', type: 'ServiceException', message: 'internal error', status: 500 });
    s.inject({ operation: 'ListTagsForResource', type: 'AccessDeniedException', message: 'denied' });
    const resolved = await resolveAccounts({ organizations: 'auto', tags: true, concurrency: 1 });
    expect(resolved.accounts.map((a) => a.name)).toEqual(NAMES);
    expect(resolved.accounts.every((a) => a.ouPath === null && Object.keys(a.tags).length === 0)).toBe(true);
    expect(resolved.note).toBe('OU paths not read for 7 of 7 accounts (ServiceException: internal error); account tags not readable (AccessDeniedException: denied)');
  });
});

describe('credential failures on the extras keep their handling', () => {
  it('falls back in auto mode, and is the "log in" error with --organization', async () => {
    const s = await serve();
    s.inject({ operation: 'ListTagsForResource', type: 'ExpiredTokenException', message: 'The security token included in the request is expired' });
    const auto = await resolveAccounts({ organizations: 'auto', tags: true, concurrency: 1 });
    expect(auto.from).toBe('logs');
    expect(auto.note).toMatch(/^AWS Organizations not queried \(no usable AWS credentials: ExpiredTokenException: .*\); only the account ids seen in the logs are known/);
    await expect(resolveAccounts({ organizations: 'on', tags: true, concurrency: 1 })).rejects.toBeInstanceOf(OrganizationsCredentialsError);
  });
});
