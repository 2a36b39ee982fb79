import { SourceError, UsageError } from '../errors.js';
import type { OrganizationsClient } from '@aws-sdk/client-organizations';
import type { ResolvedAccounts } from '../types.js';
import { loadAccountsFile } from './accounts-file.js';
import { classifyAwsFailure, describeAwsFailure } from './aws-errors.js';

/**
 * `on`: `--organization` was given; `off`: `--no-organization`; `auto`: neither.
 */
export type OrganizationsMode = 'auto' | 'on' | 'off';

export interface ResolveAccountsOptions {
  organizations: OrganizationsMode;
  /** Path of a `--accounts-file`. */
  accountsFile?: string;
  profile?: string;
  region?: string;
  /** Read account tags from Organizations too. */
  tags?: boolean;
  /** A ready client (tests, or a caller that shares one); otherwise one is made and closed here. */
  client?: OrganizationsClient;
  concurrency?: number;
}

/** `--organization` was asked for explicitly but there are no usable AWS credentials: the user must log in. */
export class OrganizationsCredentialsError extends SourceError {}

/**
 * Where account names, states and OU paths come from, in the order a user who typed the flags expects:
 *
 * - An explicit `--accounts-file` wins in `auto` mode and Organizations is not called: the user chose
 *   that list, the run stays offline and reproducible (same inputs, same report), and a CI job that
 *   ships a file never waits on credential lookups. `--organization` with a file means "Organizations
 *   first, the file if Organizations cannot be read".
 * - Otherwise `auto` and `on` try Organizations; when it cannot be read (access denied, no
 *   organization, network or service failure, and in `auto` mode no credentials) the file is used
 *   when given, else the account ids seen in the logs (`from: 'logs'`, an empty list the caller fills),
 *   and `note` says why in one line.
 * - `on` without usable credentials is an error (OrganizationsCredentialsError): the user asked for
 *   Organizations and the fix is a login, which a silent fallback would hide every month.
 * - `off` never calls Organizations.
 *
 * The accounts file is always read and validated first, so a malformed file fails the run
 * (AccountsFileError) even when Organizations would have answered.
 */
export async function resolveAccounts(options: ResolveAccountsOptions): Promise<ResolvedAccounts> {
  const fileAccounts = options.accountsFile === undefined ? null : await loadAccountsFile(options.accountsFile);
  const fallback = (note: string | null): ResolvedAccounts => ({
    organizationId: null,
    managementAccountId: null,
    from: fileAccounts ? 'accounts-file' : 'logs',
    note,
    accounts: fileAccounts ?? [],
  });

  const askOrganizations = options.organizations === 'on' || (options.organizations === 'auto' && fileAccounts === null);
  // Tags come from Organizations only: asked for without it, they would be left out without a word.
  if (options.tags === true && !askOrganizations) {
    throw new UsageError(
      options.organizations === 'off'
        ? '--account-tags reads tags from AWS Organizations, which --no-organization never calls: leave out one of the two'
        : '--account-tags reads tags from AWS Organizations, which an --accounts-file alone does not call: add --organization (the file stays the fallback), or leave out --account-tags',
    );
  }
  if (!askOrganizations) return fallback(null);

  // The Organizations SDK loads only when Organizations is asked (most runs pass an accounts file).
  const { createOrganizationsClient, fetchOrganizationAccounts } = await import('./organizations.js');
  const client = options.client ?? (await createOrganizationsClient({ profile: options.profile, region: options.region }));
  try {
    return await fetchOrganizationAccounts(client, { tags: options.tags === true, concurrency: options.concurrency });
  } catch (error) {
    const failure = classifyAwsFailure(error);
    const reason = describeAwsFailure(error);
    if (failure === 'credentials' && options.organizations === 'on') {
      const login = options.profile ? `aws sso login --profile ${options.profile}` : 'aws sso login';
      throw new OrganizationsCredentialsError(
        `AWS Organizations: no usable AWS credentials (${reason}); run \`${login}\`, set AWS_PROFILE or pass --profile, or drop --organization`,
      );
    }
    const what =
      failure === 'credentials'
        ? `AWS Organizations not queried (no usable AWS credentials: ${reason})`
        : `AWS Organizations not readable (${reason})`;
    const instead = fileAccounts
      ? 'account names from --accounts-file'
      : 'only the account ids seen in the logs are known (pass --accounts-file for names)';
    return fallback(`${what}; ${instead}`);
  } finally {
    if (!options.client) client.destroy();
  }
}
