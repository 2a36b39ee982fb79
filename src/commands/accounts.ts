import { Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base.js';
import { resolveAccounts, type OrganizationsMode } from '../accounts/resolve.js';
import type { OrgAccount, ResolvedAccounts } from '../types.js';
import { remarkLine } from '../cli/remark.js';
import { plural } from '../numbers.js';
import { printable } from '../unicode.js';

export default class Accounts extends BaseCommand {
  static override summary = 'Show the accounts a report would use: names, states, OU paths and emails.';

  static override description = `Account names come from AWS Organizations when it can be read, else from --accounts-file, else only the account ids seen in the logs are known (at report time).
An --accounts-file alone is used as is and Organizations is not called; add --organization to prefer Organizations and keep the file as the fallback (without usable AWS credentials, --organization stops with exit 3).`;

  static override examples = [
    '<%= config.bin %> <%= command.id %> --profile org-management',
    '<%= config.bin %> <%= command.id %> --accounts-file accounts.json --json',
  ];

  static override enableJsonFlag = true;

  static override flags = {
    'accounts-file': Flags.string({
      summary: 'JSON printed by `aws organizations list-accounts`.',
      helpValue: 'FILE',
    }),
    organization: Flags.boolean({
      summary: 'Read accounts from AWS Organizations (default: when no --accounts-file is given and credentials allow it).',
      description: '--no-organization never calls AWS Organizations.',
      allowNo: true,
    }),
    'account-tags': Flags.boolean({
      summary: 'Also read account tags from AWS Organizations (one more request per account; with an --accounts-file, add --organization).',
      default: false,
    }),
    profile: Flags.string({ summary: 'AWS profile (default: the SDK credential chain, AWS_PROFILE).', helpValue: 'NAME' }),
    'aws-region': Flags.string({
      summary: 'AWS region for Organizations calls (default: the configured region, else us-east-1).',
      helpValue: 'REGION',
    }),
  };

  async run(): Promise<ResolvedAccounts> {
    const { flags } = await this.parse(Accounts);
    const mode: OrganizationsMode = flags.organization === undefined ? 'auto' : flags.organization ? 'on' : 'off';

    const resolved = await resolveAccounts({
      organizations: mode,
      accountsFile: flags['accounts-file'],
      profile: flags.profile,
      region: flags['aws-region'],
      tags: flags['account-tags'],
    });

    // The note carries what Organizations answered, the source line its organization id: escaped as the table is.
    this.logToStderr(printable(sourceLine(resolved)));
    if (resolved.note) this.logToStderr(printable(remarkLine('Note', resolved.note)));
    if (resolved.accounts.length > 0) this.log(accountsTable(resolved.accounts));
    return resolved;
  }
}

function sourceLine(resolved: ResolvedAccounts): string {
  const count = plural(resolved.accounts.length, 'account');
  switch (resolved.from) {
    case 'organizations':
      return `${count} from AWS Organizations ${resolved.organizationId ?? ''} (management account ${resolved.managementAccountId ?? 'unknown'})`;
    case 'accounts-file':
      return `${count} from --accounts-file`;
    case 'logs':
      return 'No account list: a report will know only the account ids seen in the logs.';
  }
}

function accountsTable(accounts: OrgAccount[]): string {
  const header = ['ID', 'NAME', 'STATE', 'OU PATH', 'EMAIL'];
  // Names and emails are whatever someone typed: escaped cell by cell, so the columns line up on what is shown.
  const rows = accounts.map((a) => [a.id, a.name ?? '-', a.state ?? '-', a.ouPath ?? '-', a.email ?? '-'].map(printable));
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: string[]): string =>
    cells
      .map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column]!)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}
