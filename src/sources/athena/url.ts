import { UsageError } from '../../errors.js';
import { checkIdentifier } from './validate.js';

/** Where an `athena://DATABASE.TABLE` source points. */
export interface AthenaTableRef {
  database: string;
  table: string;
  /** `athena://database.table`, lower case: the source's label in the report. */
  label: string;
}

export function isAthenaUrl(text: string): boolean {
  return /^athena:\/\//i.test(text);
}

/**
 * Parses `athena://DATABASE.TABLE`. Names are folded to lower case (Athena does the same)
 * and must be plain identifiers: letters, digits and underscores, nothing to quote around.
 */
export function parseAthenaUrl(url: string): AthenaTableRef {
  const m = /^athena:\/\/([^./]+)\.([^./]+)\/?$/i.exec(url.trim());
  if (!m) {
    throw new UsageError(`--source "${url.slice(0, 100)}" is not an Athena table: use athena://DATABASE.TABLE, e.g. athena://cloudtrail.org_trail`);
  }
  const database = checkIdentifier(m[1], 'Athena database');
  const table = checkIdentifier(m[2], 'Athena table');
  return { database, table, label: `athena://${database}.${table}` };
}
