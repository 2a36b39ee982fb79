import { UsageError } from '../../errors.js';
import { CLOUDTRAIL_COLUMNS } from './schema.js';
import { checkColumnName } from './validate.js';

/** Names of a CloudTrail table's projected partition columns. */
export interface PartitionColumns {
  /** Account id folder (`${account}` in the location template). */
  account: string;
  /** Region folder. */
  region: string;
  /** Delivery day, `yyyy/MM/dd` (the `YYYY/MM/DD` folders). */
  day: string;
}

/** The names `iot-audit athena-table` gives them, and the usual ones for organization-trail tables. */
export const DEFAULT_PARTITION_COLUMNS: Readonly<PartitionColumns> = { account: 'account', region: 'region', day: 'timestamp' };

/**
 * Partition column names, defaults filled in: valid, distinct, and not the name of a record
 * column. `flag` names the option in messages, e.g. `--athena-partition-` or `--partition-`.
 */
export function checkPartitionColumns(partial: Partial<PartitionColumns> | undefined, flag: string): PartitionColumns {
  const names: PartitionColumns = {
    account: checkColumnName(partial?.account ?? DEFAULT_PARTITION_COLUMNS.account, `${flag}account`),
    region: checkColumnName(partial?.region ?? DEFAULT_PARTITION_COLUMNS.region, `${flag}region`),
    day: checkColumnName(partial?.day ?? DEFAULT_PARTITION_COLUMNS.day, `${flag}day`),
  };
  const all = Object.values(names);
  if (new Set(all).size !== all.length) throw new UsageError(`partition columns must have three different names (got ${all.join(', ')})`);
  for (const name of all) {
    if (CLOUDTRAIL_COLUMNS.some((c) => c.key.toLowerCase() === name)) {
      throw new UsageError(`partition column "${name}" would shadow the record column of the same name: pick another name`);
    }
  }
  return names;
}
