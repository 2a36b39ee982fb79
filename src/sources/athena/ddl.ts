import { parseS3Url } from '../s3-url.js';
import { UsageError } from '../../errors.js';
import { CLOUDTRAIL_COLUMNS, hiveTypeText } from './schema.js';
import { checkPartitionColumns, type PartitionColumns } from './partitions.js';
import {
  checkAccountIds,
  checkIdentifier,
  checkKeyPrefix,
  checkOrganizationId,
  checkRegions,
  checkStartDate,
  ddlIdentifier,
} from './validate.js';

export interface TableDdlOptions {
  /** The trail's bucket. */
  bucket: string;
  /** Key prefix above `AWSLogs/` ('' when the trail writes at the bucket's root). */
  prefix?: string;
  /** `o-...` for an organization trail; null/undefined for `AWSLogs/<account>/...`. */
  organizationId?: string | null;
  accounts: readonly string[];
  regions: readonly string[];
  /** First delivery day the table projects, `YYYY/MM/DD`; the range ends at NOW. */
  startDate: string;
  database: string;
  table: string;
  partitionColumns?: Partial<PartitionColumns>;
}

export interface TableDdl {
  ddl: string;
  database: string;
  table: string;
  /** The table's LOCATION (the folder holding the account folders). */
  location: string;
  /** `storage.location.template`. */
  template: string;
  partitionColumns: PartitionColumns;
}

/**
 * `CREATE EXTERNAL TABLE` for a trail's logs with partition projection on account, region and
 * delivery day, so a query names the partitions it reads and Athena lists nothing else. The
 * Athena guide's CloudTrail table: the Hive JSON SerDe over CloudTrail's input format (which
 * splits each log file's `Records` array into rows).
 */
export function buildTableDdl(options: TableDdlOptions): TableDdl {
  const bucketUrl = (() => {
    try {
      return parseS3Url(`s3://${options.bucket}`);
    } catch {
      return null;
    }
  })();
  if (bucketUrl === null || bucketUrl.bucket !== options.bucket || bucketUrl.prefix !== '') {
    throw new UsageError(`--bucket ${JSON.stringify(options.bucket.slice(0, 80))} is not an S3 bucket name: give the name alone, e.g. my-org-trail`);
  }
  const prefix = checkKeyPrefix(options.prefix ?? '');
  const org = options.organizationId ? checkOrganizationId(options.organizationId) : null;
  const accounts = checkAccountIds(options.accounts, '--accounts');
  const regions = checkRegions(options.regions, '--regions');
  if (accounts.length === 0) throw new UsageError('give the accounts the trail logs with --accounts (or --accounts-file): the projection lists them');
  if (regions.length === 0) throw new UsageError('give the regions the trail logs with --regions: the projection lists them');
  const startDate = checkStartDate(options.startDate);
  const database = checkIdentifier(options.database, '--database');
  const table = checkIdentifier(options.table, '--table');
  const p = checkPartitionColumns(options.partitionColumns, '--partition-');

  const location = `s3://${options.bucket}/${prefix}AWSLogs/${org ? `${org}/` : ''}`;
  const template = `${location}\${${p.account}}/CloudTrail/\${${p.region}}/\${${p.day}}`;

  const columns = CLOUDTRAIL_COLUMNS.map((c) => `  ${ddlIdentifier(c.key.toLowerCase())} ${hiveTypeText(c.type)}`);
  const properties: [string, string][] = [
    ['projection.enabled', 'true'],
    [`projection.${p.account}.type`, 'enum'],
    [`projection.${p.account}.values`, accounts.join(',')],
    [`projection.${p.region}.type`, 'enum'],
    [`projection.${p.region}.values`, regions.join(',')],
    [`projection.${p.day}.type`, 'date'],
    [`projection.${p.day}.format`, 'yyyy/MM/dd'],
    [`projection.${p.day}.range`, `${startDate},NOW`],
    [`projection.${p.day}.interval`, '1'],
    [`projection.${p.day}.interval.unit`, 'DAYS'],
    ['storage.location.template', template],
  ];

  const ddl = [
    `CREATE EXTERNAL TABLE ${ddlIdentifier(database)}.${ddlIdentifier(table)} (`,
    columns.join(',\n'),
    ')',
    `PARTITIONED BY (${[p.account, p.region, p.day].map((n) => `${ddlIdentifier(n)} string`).join(', ')})`,
    "ROW FORMAT SERDE 'org.apache.hive.hcatalog.data.JsonSerDe'",
    "STORED AS INPUTFORMAT 'com.amazon.emr.cloudtrail.CloudTrailInputFormat'",
    "OUTPUTFORMAT 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat'",
    `LOCATION '${location}'`,
    'TBLPROPERTIES (',
    properties.map(([k, v]) => `  '${k}'='${v}'`).join(',\n'),
    ');',
  ].join('\n');

  return { ddl, database, table, location, template, partitionColumns: p };
}
