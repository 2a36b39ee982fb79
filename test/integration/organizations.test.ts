import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DescribeOrganizationCommand, ListAccountsCommand, ListParentsCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fetchOrganizationAccounts } from '../../src/accounts/organizations.js';
import { OrganizationsCredentialsError, resolveAccounts } from '../../src/accounts/resolve.js';
import type { ResolvedAccounts } from '../../src/types.js';
import { MANAGEMENT, ORG_ROOT as ROOT, sampleOrganization as organization, startOrganizationsServer, type FakeOrganization, type OrganizationsServer } from '../helpers/organizations-server.js';
import { runCli } from '../helpers/run-cli.js';


const EXPECTED_PATHS = {
  [MANAGEMENT]: 'Root',
  '222222222222': 'Root/Workloads/Prod',
  '333333333333': 'Root/Workloads/Prod',
  '444444444444': 'Root/Workloads/Dev',
  '555555555555': 'Root/Security',
  '666666666666': 'Root/Workloads/Prod',
  '777777777777': 'Root',
};

// The SDK must find the server and dummy keys through its ordinary settings, and nothing else.
const AWS_ENV = [
  'AWS_ENDPOINT_URL_ORGANIZATIONS',
  'AWS_ENDPOINT_URL',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_PROFILE',
  'AWS_REGION',
  'AWS_DEFAULT_REGION',
  'AWS_CONFIG_FILE',
  'AWS_SHARED_CREDENTIALS_FILE',
  'AWS_MAX_ATTEMPTS',
  'AWS_RETRY_MODE',
];
const savedEnv = Object.fromEntries(AWS_ENV.map((name) => [name, process.env[name]]));

let dir: string;
let accountsFile: string;
let server: OrganizationsServer | undefined;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'organizations-'));
  accountsFile = path.join(dir, 'accounts.json');
  await writeFile(
    accountsFile,
    JSON.stringify({ Accounts: [{ Id: '999999999999', Name: 'From File', Email: 'file@example.com', Status: 'ACTIVE' }] }),
  );
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function serve(org: FakeOrganization = organization()): Promise<OrganizationsServer> {
  const started = await startOrganizationsServer(org);
  server = started;
  process.env.AWS_ENDPOINT_URL_ORGANIZATIONS = started.url;
  return started;
}

beforeEach(() => {
  for (const name of AWS_ENV) delete process.env[name];
  process.env.AWS_ACCESS_KEY_ID = 'AKIDLOOPBACKTEST';
  process.env.AWS_SECRET_ACCESS_KEY = 'loopback-test-secret';
  process.env.AWS_CONFIG_FILE = path.join(dir, 'no-config');
  process.env.AWS_SHARED_CREDENTIALS_FILE = path.join(dir, 'no-credentials');
});
afterEach(async () => {
  await server?.close();
  server = undefined;
  for (const [name, value] of Object.entries(savedEnv)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

const paths = (resolved: ResolvedAccounts): Record<string, string | null> =>
  Object.fromEntries(resolved.accounts.map((a) => [a.id, a.ouPath]));

describe('accounts from AWS Organizations over its JSON 1.1 protocol', () => {
  it('pages through ListAccounts and walks the organization from its root down, each OU once, to build the paths', async () => {
    const server = await serve();
    const resolved = await resolveAccounts({ organizations: 'auto' });

    expect(resolved).toMatchObject({ from: 'organizations', organizationId: 'o-exampleorg1', managementAccountId: MANAGEMENT, note: null });
    expect(paths(resolved)).toEqual(EXPECTED_PATHS);
    expect(resolved.accounts.map((a) => a.id)).toEqual(Object.keys(EXPECTED_PATHS).sort());
    expect(resolved.accounts.find((a) => a.id === '666666666666')).toEqual({
      id: '666666666666', name: 'Old Fleet', email: 'old@example.com', state: 'SUSPENDED', ouPath: 'Root/Workloads/Prod', tags: {},
    });
    expect(resolved.accounts.find((a) => a.id === '777777777777')?.state).toBe('PENDING_CLOSURE');

    // 7 accounts in pages of 2: four requests, each after the first carrying the previous NextToken.
    const listCalls = server.calls('ListAccounts');
    expect(listCalls).toHaveLength(4);
    expect(listCalls[0]?.body.NextToken).toBeUndefined();
    expect(listCalls.slice(1).every((call) => typeof call.body.NextToken === 'string')).toBe(true);
    // The root and each OU listed once (their first pages), however many accounts sit below them.
    const containers = [ROOT, 'ou-ab12-dev00000', 'ou-ab12-prod0000', 'ou-ab12-security', 'ou-ab12-workload'].sort();
    const firstPages = (operation: string) => server.calls(operation).filter((c) => c.body.NextToken === undefined).map((c) => c.body.ParentId).sort();
    expect(firstPages('ListAccountsForParent')).toEqual(containers);
    expect(firstPages('ListOrganizationalUnitsForParent')).toEqual(containers);
    expect(server.calls('ListRoots')).toHaveLength(1);
    // Nothing is walked up from an account.
    expect(server.calls('ListParents')).toHaveLength(0);
    expect(server.calls('DescribeOrganizationalUnit')).toHaveLength(0);
    expect(server.calls('ListTagsForResource')).toHaveLength(0);
    expect(server.calls('DescribeOrganization')).toHaveLength(1);
    // Signed by the real SDK, in us-east-1 since no region is configured.
    expect(new Set(server.requests.map((r) => r.signingRegion))).toEqual(new Set(['us-east-1']));
  });

  it('reads tags only when asked, following their pages', async () => {
    const server = await serve();
    const resolved = await resolveAccounts({ organizations: 'auto', tags: true });
    const tags = Object.fromEntries(resolved.accounts.map((a) => [a.id, a.tags]));
    expect(tags['222222222222']).toEqual({ cost: '42', env: 'prod', team: 'fleet' });
    expect(Object.keys(tags['222222222222'] ?? {})).toEqual(['cost', 'env', 'team']);
    expect(tags['444444444444']).toEqual({ env: 'dev' });
    expect(tags[MANAGEMENT]).toEqual({});
    // One request per account, plus a second page for the account with three tags.
    expect(server.calls('ListTagsForResource')).toHaveLength(7 + 1);
  });

  it('keeps at most the configured number of requests in flight', async () => {
    const org = organization();
    org.delayMs = 25;
    for (let i = 0; i < 12; i++) org.accounts.push({ Id: String(800000000010 + i), parentId: 'ou-ab12-dev00000' });
    const server = await serve(org);
    const resolved = await resolveAccounts({ organizations: 'auto', concurrency: 5 });
    expect(resolved.accounts).toHaveLength(19);
    expect(server.maxInFlight).toBeLessThanOrEqual(5);
    expect(server.maxInFlight).toBeGreaterThan(1);
  });

  it('retries throttling (TooManyRequestsException) and succeeds', async () => {
    const server = await serve();
    server.inject({ operation: 'ListAccounts', type: 'TooManyRequestsException', message: 'Rate exceeded', times: 2 });
    server.inject({ operation: 'ListOrganizationalUnitsForParent', type: 'TooManyRequestsException', times: 1 });
    const resolved = await resolveAccounts({ organizations: 'auto' });
    expect(resolved.from).toBe('organizations');
    expect(paths(resolved)).toEqual(EXPECTED_PATHS);
    expect(server.calls('ListAccounts')).toHaveLength(4 + 2);
    expect(server.calls('ListOrganizationalUnitsForParent')).toHaveLength(5 + 1);
  });

  it('gives up after the SDK retry settings (AWS_MAX_ATTEMPTS) and falls back with the reason', async () => {
    const server = await serve();
    process.env.AWS_MAX_ATTEMPTS = '2';
    server.inject({ operation: 'DescribeOrganization', type: 'TooManyRequestsException', message: 'Rate exceeded' });
    const resolved = await resolveAccounts({ organizations: 'auto' });
    expect(server.calls('DescribeOrganization')).toHaveLength(2);
    expect(resolved).toEqual({
      organizationId: null,
      managementAccountId: null,
      from: 'logs',
      note: 'AWS Organizations not readable (TooManyRequestsException: Rate exceeded); only the account ids seen in the logs are known (pass --accounts-file for names)',
      accounts: [],
    });
  });
});

describe('when Organizations cannot be read', () => {
  it('falls back to --accounts-file on AccessDenied, saying why', async () => {
    const server = await serve();
    server.inject({ operation: 'DescribeOrganization', type: 'AccessDeniedException', message: "You don't have permissions to access this resource." });
    const resolved = await resolveAccounts({ organizations: 'on', accountsFile });
    expect(resolved.from).toBe('accounts-file');
    expect(resolved.accounts.map((a) => [a.id, a.name, a.state])).toEqual([['999999999999', 'From File', 'ACTIVE']]);
    expect(resolved.note).toBe(
      "AWS Organizations not readable (AccessDeniedException: You don't have permissions to access this resource.); account names from --accounts-file",
    );
    // Access denied is not retried.
    expect(server.calls('DescribeOrganization')).toHaveLength(1);
  });

  it('falls back to the logs when there is no file, and for an account outside any organization', async () => {
    const server = await serve();
    server.inject({ operation: 'DescribeOrganization', type: 'AWSOrganizationsNotInUseException', message: 'Your account is not a member of an organization.' });
    const resolved = await resolveAccounts({ organizations: 'auto' });
    expect(resolved).toEqual({
      organizationId: null,
      managementAccountId: null,
      from: 'logs',
      note: 'AWS Organizations not readable (AWSOrganizationsNotInUseException: Your account is not a member of an organization.); only the account ids seen in the logs are known (pass --accounts-file for names)',
      accounts: [],
    });
  });

  it('walks up from each account where the walk down is not allowed (a policy of ListParents and DescribeOrganizationalUnit)', async () => {
    const server = await serve();
    server.inject({ operation: 'ListOrganizationalUnitsForParent', type: 'AccessDeniedException', message: 'denied' });
    const resolved = await resolveAccounts({ organizations: 'auto' });
    expect(paths(resolved)).toEqual(EXPECTED_PATHS);
    expect(resolved.note).toBeNull();
    // One ListParents per account and one per OU, each OU described once.
    expect(server.calls('ListParents')).toHaveLength(7 + 4);
    expect(server.calls('DescribeOrganizationalUnit')).toHaveLength(4);
  });

  it('walks up from an account the walk down did not meet (its OU gone when the walk reached it)', async () => {
    const server = await serve();
    server.inject({ operation: 'ListAccountsForParent', type: 'ParentNotFoundException', message: 'gone', when: (body) => body.ParentId === 'ou-ab12-prod0000' });
    const resolved = await resolveAccounts({ organizations: 'auto', concurrency: 1 });
    expect(paths(resolved)).toEqual(EXPECTED_PATHS);
    // The three accounts of Prod, then Prod and Workloads.
    expect(server.calls('ListParents').map((c) => c.body.ChildId).sort()).toEqual(['222222222222', '333333333333', '666666666666', 'ou-ab12-prod0000', 'ou-ab12-workload']);
  });

  it('takes a few requests per OU, not one per account: 992 accounts in 50 OUs', async () => {
    const ous: FakeOrganization['ous'] = [];
    const accounts: FakeOrganization['accounts'] = [{ Id: MANAGEMENT, Name: 'Management', parentId: ROOT }];
    const expected: Record<string, string> = { [MANAGEMENT]: 'Root' };
    for (let top = 0; top < 5; top++) {
      const topId = `ou-ab12-top${top}`;
      ous.push({ Id: topId, Name: `Top ${top}`, parentId: ROOT });
      for (let sub = 0; sub < 9; sub++) {
        const subId = `ou-ab12-sub${top}${sub}`;
        ous.push({ Id: subId, Name: `Sub ${sub}`, parentId: topId });
        for (let i = 0; i < 22; i++) {
          const id = String(100000000000 + accounts.length);
          accounts.push({ Id: id, parentId: subId });
          expected[id] = `Root/Top ${top}/Sub ${sub}`;
        }
      }
    }
    accounts.push({ Id: '999999999990', parentId: ROOT });
    expected['999999999990'] = 'Root';
    expect(ous).toHaveLength(50);
    expect(accounts.length).toBeGreaterThan(990);
    const server = await serve({ id: 'o-exampleorg1', managementAccountId: MANAGEMENT, rootId: ROOT, ous, accounts, pageSize: 20 });
    const resolved = await resolveAccounts({ organizations: 'auto' });
    expect(paths(resolved)).toEqual(expected);
    // ListAccounts in pages of 20, then per container (the root and 50 OUs) a page or two each.
    const walk = ['ListRoots', 'ListAccountsForParent', 'ListOrganizationalUnitsForParent'].map((op) => server.calls(op).length);
    expect(walk.reduce((a, b) => a + b, 0)).toBeLessThan(200);
    expect(server.calls('ListParents')).toHaveLength(0);
    expect(server.requests.length).toBeLessThan(260);

    // Walking up from each account, as where the walk down is not allowed: over four times as many.
    const upServer = await serve({ id: 'o-exampleorg1', managementAccountId: MANAGEMENT, rootId: ROOT, ous, accounts, pageSize: 20 });
    upServer.inject({ operation: 'ListRoots', type: 'AccessDeniedException', message: 'denied' });
    expect(paths(await resolveAccounts({ organizations: 'auto' }))).toEqual(expected);
    expect(upServer.requests.length).toBeGreaterThan(4 * server.requests.length);
    await server.close();
  });

  it('keeps names but no OU paths when neither walk is allowed', async () => {
    const server = await serve();
    server.inject({ operation: 'ListRoots', type: 'AccessDeniedException', message: 'denied' });
    server.inject({ operation: 'ListParents', type: 'AccessDeniedException', message: 'denied' });
    const resolved = await resolveAccounts({ organizations: 'auto', concurrency: 1 });
    expect(resolved.from).toBe('organizations');
    expect(resolved.accounts).toHaveLength(7);
    expect(resolved.accounts.every((a) => a.ouPath === null && a.name !== null)).toBe(true);
    expect(resolved.note).toBe('OU paths not readable (AccessDeniedException: denied)');
    // It stops asking after the first refusal.
    expect(server.calls('ListParents')).toHaveLength(1);
  });

  it('keeps the accounts but no tags when ListTagsForResource is denied', async () => {
    const server = await serve();
    server.inject({ operation: 'ListTagsForResource', type: 'AccessDeniedException', message: 'denied' });
    const resolved = await resolveAccounts({ organizations: 'auto', tags: true, concurrency: 1 });
    expect(paths(resolved)).toEqual(EXPECTED_PATHS);
    expect(resolved.accounts.every((a) => Object.keys(a.tags).length === 0)).toBe(true);
    expect(resolved.note).toBe('account tags not readable (AccessDeniedException: denied)');
    expect(server.calls('ListTagsForResource')).toHaveLength(1);
  });

  it('without credentials: falls back in auto mode, is an error with the fix when --organization was asked', async () => {
    const server = await serve();
    delete process.env.AWS_ACCESS_KEY_ID;
    delete process.env.AWS_SECRET_ACCESS_KEY;

    const auto = await resolveAccounts({ organizations: 'auto' });
    expect(auto.from).toBe('logs');
    expect(auto.note).toMatch(/^AWS Organizations not queried \(no usable AWS credentials: CredentialsProviderError: .+\); only the account ids seen in the logs are known/);

    const explicit = resolveAccounts({ organizations: 'on', accountsFile, profile: 'org-admin' });
    await expect(explicit).rejects.toBeInstanceOf(OrganizationsCredentialsError);
    await expect(explicit).rejects.toThrow(/^AWS Organizations: no usable AWS credentials \(.+\); run `aws sso login --profile org-admin`/);
    expect(server.requests).toHaveLength(0);
  });

  it('falls back to the file when the network fails in the middle of paging (mocked client)', async () => {
    const client = new OrganizationsClient({ region: 'us-east-1' });
    const mock = mockClient(client);
    try {
      mock.on(DescribeOrganizationCommand).resolves({ Organization: { Id: 'o-exampleorg1', MasterAccountId: MANAGEMENT } });
      mock
        .on(ListAccountsCommand)
        .resolvesOnce({ Accounts: [{ Id: MANAGEMENT, Name: 'Management' }], NextToken: 'page-2' })
        .rejectsOnce(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));

      const resolved = await resolveAccounts({ organizations: 'on', accountsFile, client });
      expect(resolved.from).toBe('accounts-file');
      expect(resolved.accounts.map((a) => a.id)).toEqual(['999999999999']);
      expect(resolved.note).toBe('AWS Organizations not readable (ECONNRESET: socket hang up); account names from --accounts-file');
      const listCalls = mock.commandCalls(ListAccountsCommand);
      // The paginator reuses its input object, so only the last call's token can be checked.
      expect(listCalls).toHaveLength(2);
      expect(listCalls[1]?.args[0].input.NextToken).toBe('page-2');

      // Without a file the same failure leaves the logs as the only source.
      mock.on(ListAccountsCommand).rejects(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
      const logs = await resolveAccounts({ organizations: 'auto', client });
      expect(logs.from).toBe('logs');
      expect(logs.note).toContain('(ECONNRESET: socket hang up)');
    } finally {
      mock.restore();
    }
  });

  it('follows an empty page of ListParents to the parent on the next one, and survives a vanished account', async () => {
    const client = new OrganizationsClient({ region: 'us-east-1' });
    const mock = mockClient(client);
    try {
      mock.on(DescribeOrganizationCommand).resolves({ Organization: { Id: 'o-exampleorg1', MasterAccountId: MANAGEMENT } });
      mock.on(ListAccountsCommand).resolves({ Accounts: [{ Id: MANAGEMENT }, { Id: '222222222222' }, { Id: 'not-an-id' }] });
      mock
        .on(ListParentsCommand)
        .callsFake((input: { ChildId?: string; NextToken?: string }) => {
          if (input.ChildId === MANAGEMENT) return input.NextToken ? { Parents: [{ Id: ROOT, Type: 'ROOT' }] } : { Parents: [], NextToken: 'more' };
          throw Object.assign(new Error('gone'), { name: 'ChildNotFoundException' });
        });
      const resolved = await fetchOrganizationAccounts(client, { tags: false });
      expect(paths(resolved)).toEqual({ [MANAGEMENT]: 'Root', '222222222222': null });
    } finally {
      mock.restore();
    }
  });
});

describe('which source wins', () => {
  it('an explicit --accounts-file wins in auto mode: Organizations is not called', async () => {
    const server = await serve();
    const resolved = await resolveAccounts({ organizations: 'auto', accountsFile });
    expect(resolved).toMatchObject({ from: 'accounts-file', note: null });
    expect(resolved.accounts.map((a) => a.id)).toEqual(['999999999999']);
    expect(server.requests).toHaveLength(0);
  });

  it('--account-tags without Organizations to read them is a usage error that says what to add (they were left out silently)', async () => {
    const server = await serve();
    await expect(resolveAccounts({ organizations: 'auto', accountsFile, tags: true })).rejects.toThrow(
      /^--account-tags reads tags from AWS Organizations, which an --accounts-file alone does not call: add --organization/,
    );
    await expect(resolveAccounts({ organizations: 'off', tags: true })).rejects.toThrow(/which --no-organization never calls/);
    expect(server.requests).toHaveLength(0);
    // With --organization the file is the fallback and the tags are read.
    const resolved = await resolveAccounts({ organizations: 'on', accountsFile, tags: true });
    expect(resolved.from).toBe('organizations');
  });

  it('--organization with a file prefers Organizations', async () => {
    await serve();
    const resolved = await resolveAccounts({ organizations: 'on', accountsFile });
    expect(resolved.from).toBe('organizations');
    expect(resolved.accounts).toHaveLength(7);
  });

  it('--no-organization never calls it', async () => {
    const server = await serve();
    expect(await resolveAccounts({ organizations: 'off' })).toEqual({
      organizationId: null, managementAccountId: null, from: 'logs', note: null, accounts: [],
    });
    expect(server.requests).toHaveLength(0);
  });

  it('a malformed file fails even when Organizations would answer', async () => {
    const server = await serve();
    const bad = path.join(dir, 'bad.json');
    await writeFile(bad, '{"Accounts":[{"Id":"12ab"}]}');
    await expect(resolveAccounts({ organizations: 'on', accountsFile: bad })).rejects.toThrow(/Accounts\[0\]\.Id "12ab" is not a 12-digit account id/);
    expect(server.requests).toHaveLength(0);
  });
});

// ---------------------------------------------------------------------------
// The `iot-audit accounts` command, in a child process as a user runs it.
// ---------------------------------------------------------------------------

const runAccounts = (args: string[]) => runCli(['accounts', ...args]);

describe('iot-audit accounts', () => {
  it('prints the table from Organizations on stdout, where it came from on stderr', async () => {
    await serve();
    const { code, stdout, stderr } = await runAccounts([]);
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ID\s+NAME\s+STATE\s+OU PATH\s+EMAIL$/);
    expect(lines).toHaveLength(1 + 7);
    expect(lines.find((l) => l.startsWith('222222222222'))).toMatch(/^222222222222\s+Fleet Prod EU\s+ACTIVE\s+Root\/Workloads\/Prod\s+eu@example\.com$/);
    expect(stderr).toContain('7 accounts from AWS Organizations o-exampleorg1 (management account 111111111111)');
  });

  it('returns the resolved accounts with --json, tags with --account-tags', async () => {
    await serve();
    const { code, stdout } = await runAccounts(['--json', '--account-tags']);
    expect(code).toBe(0);
    const json = JSON.parse(stdout) as ResolvedAccounts;
    expect(json.from).toBe('organizations');
    expect(paths(json)).toEqual(EXPECTED_PATHS);
    expect(json.accounts.find((a) => a.id === '444444444444')?.tags).toEqual({ env: 'dev' });
  });

  it('uses the file alone when given one, and escapes control characters in the table', async () => {
    const server = await serve();
    const file = path.join(dir, 'escape.json');
    await writeFile(file, JSON.stringify({ Accounts: [{ Id: '123456789012', Name: 'evil\u001b[31mred', State: 'ACTIVE' }] }));
    const { code, stdout, stderr } = await runAccounts(['--accounts-file', file]);
    expect(code).toBe(0);
    expect(stdout).toContain('123456789012  evil[U+001B][31mred  ACTIVE');
    expect(stdout).not.toContain('\u001b');
    expect(stderr).toContain('1 account from --accounts-file');
    expect(server.requests).toHaveLength(0);
  });

  it('shows the fallback note when Organizations is denied', async () => {
    const server = await serve();
    server.inject({ operation: 'DescribeOrganization', type: 'AccessDeniedException', message: 'denied' });
    const { code, stdout, stderr } = await runAccounts(['--organization', '--accounts-file', accountsFile]);
    expect(code).toBe(0);
    expect(stdout).toContain('999999999999  From File');
    expect(stderr).toContain('Note: AWS Organizations not readable (AccessDeniedException: denied); account names from --accounts-file');
  });

  it('report --organization says on stderr too that Organizations could not be read, and uses the file', async () => {
    const server = await serve();
    server.inject({ operation: 'DescribeOrganization', type: 'AccessDeniedException', message: 'denied' });
    const out = path.join(dir, 'report-denied');
    const { code, stderr } = await runCli([
      'report', '--source', 'fixtures/org-trail', '--period', '2026-10', '--format', 'json', '--threads', '0', '--out', out,
      '--organization', '--accounts-file', accountsFile,
    ]);
    expect(code, stderr).toBe(0);
    expect(stderr).toContain('Note: AWS Organizations not readable (AccessDeniedException: denied); account names from --accounts-file');
    const model = JSON.parse(await readFile(path.join(out, 'iot-audit-2026-10.json'), 'utf8'));
    expect(model.organization.accountsFrom).toBe('accounts-file');
  });

  it('exits 2 with one line for a malformed file, also under --json', async () => {
    const bad = path.join(dir, 'bad-command.json');
    await writeFile(bad, '{"Accounts":[{"Id":"12ab"}]}');
    const expected = `accounts file ${bad}: Accounts[0].Id "12ab" is not a 12-digit account id; pass the output of \`aws organizations list-accounts\``;

    const text = await runAccounts(['--accounts-file', bad]);
    expect(text.code).toBe(2);
    expect(text.stdout).toBe('');
    expect(text.stderr).toBe(`Error: ${expected}\n`);

    const json = await runAccounts(['--accounts-file', bad, '--json']);
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout)).toEqual({ error: { name: "AccountsFileError", message: expected, exitCode: 2 } });
  });

  it('exits 3 when --organization is asked without credentials', async () => {
    delete process.env.AWS_ACCESS_KEY_ID;
    delete process.env.AWS_SECRET_ACCESS_KEY;
    const { code, stderr } = await runAccounts(['--organization', '--profile', 'nobody']);
    expect(code).toBe(3);
    expect(stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/^Error: AWS Organizations: no usable AWS credentials \(.+\); run `aws sso login --profile nobody`/);
  });
});
