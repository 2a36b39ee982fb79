import { Flags } from '@oclif/core';
import { loadAccountsFile } from '../accounts/accounts-file.js';
import { BaseCommand } from '../cli/base.js';
import { buildTableDdl, type TableDdl } from '../sources/athena/ddl.js';
import { DEFAULT_PARTITION_COLUMNS } from '../sources/athena/partitions.js';

/** `--accounts a,b --accounts c` → [a, b, c]. */
function splitList(values: readonly string[] | undefined): string[] {
  return (values ?? []).flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== '');
}

export default class AthenaTable extends BaseCommand {
  static override summary = 'Print the CREATE EXTERNAL TABLE statement for an Athena table over the organization trail, with partition projection.';

  static override description = `The CloudTrail console cannot create an Athena table for an organization trail. This prints one: the CloudTrail columns, the Hive JSON SerDe over CloudTrail's input format, and partitions projected from the bucket's layout (account, region and delivery day), so a report with --source athena://DATABASE.TABLE reads only the days, accounts and regions it needs.

Run the statement in the Athena console (or with \`aws athena start-query-execution\`) in the region of your workgroup. The projected accounts and regions are fixed lists: when accounts join the organization, print and run it again (DROP TABLE first; the logs are not touched).`;

  static override examples = [
    '<%= config.bin %> <%= command.id %> --bucket my-org-trail --organization-id o-a1b2c3d4e5 --accounts 111122223333,444455556666 --regions us-east-1,eu-west-1 --start-date 2024/01/01',
    '<%= config.bin %> <%= command.id %> --bucket my-org-trail --prefix trails/org --organization-id o-a1b2c3d4e5 --accounts-file accounts.json --regions eu-west-1 --start-date 2025/06/01 --database security --table org_trail',
  ];

  static override enableJsonFlag = true;

  static override flags = {
    bucket: Flags.string({ summary: 'The trail\'s S3 bucket (name only).', required: true, helpValue: 'BUCKET' }),
    prefix: Flags.string({ summary: 'Key prefix of the trail above AWSLogs/, if any.', default: '', helpValue: 'PREFIX' }),
    'organization-id': Flags.string({
      summary: 'Organization id (o-...) of an organization trail; omit for a trail writing AWSLogs/<account>/ directly.',
      helpValue: 'o-ID',
    }),
    accounts: Flags.string({ summary: 'Account ids the trail logs (comma-separated or repeated). This, --accounts-file or both is required.', multiple: true, helpValue: 'ID,ID' }),
    'accounts-file': Flags.string({ summary: 'Take the account ids from the JSON printed by `aws organizations list-accounts` (or give --accounts).', helpValue: 'FILE' }),
    regions: Flags.string({ summary: 'Regions the trail logs (comma-separated or repeated).', multiple: true, required: true, helpValue: 'REGION,REGION' }),
    'start-date': Flags.string({ summary: 'First delivery day the table covers, YYYY/MM/DD (the range ends at NOW).', required: true, helpValue: 'YYYY/MM/DD' }),
    database: Flags.string({ summary: 'Database of the table (it must exist).', default: 'default', helpValue: 'NAME' }),
    table: Flags.string({ summary: 'Name of the table.', default: 'cloudtrail_org', helpValue: 'NAME' }),
    'partition-account': Flags.string({ summary: 'Name of the account partition column.', default: DEFAULT_PARTITION_COLUMNS.account, helpValue: 'NAME' }),
    'partition-region': Flags.string({ summary: 'Name of the region partition column.', default: DEFAULT_PARTITION_COLUMNS.region, helpValue: 'NAME' }),
    'partition-day': Flags.string({ summary: 'Name of the delivery-day partition column.', default: DEFAULT_PARTITION_COLUMNS.day, helpValue: 'NAME' }),
  };

  async run(): Promise<TableDdl> {
    const { flags } = await this.parse(AthenaTable);
    const accounts = splitList(flags.accounts);
    if (flags['accounts-file']) accounts.push(...(await loadAccountsFile(flags['accounts-file'])).map((a) => a.id));

    const result = buildTableDdl({
      bucket: flags.bucket,
      prefix: flags.prefix,
      organizationId: flags['organization-id'] ?? null,
      accounts,
      regions: splitList(flags.regions),
      startDate: flags['start-date'],
      database: flags.database,
      table: flags.table,
      partitionColumns: { account: flags['partition-account'], region: flags['partition-region'], day: flags['partition-day'] },
    });
    this.log(result.ddl);
    return result;
  }
}
