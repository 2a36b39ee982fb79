import { describe, expect, it } from 'vitest';
import { deliveryDays, resolvePeriod } from '../../src/collect/period.js';
import { UsageError } from '../../src/errors.js';
import { estimateAthenaCostUsd } from '../../src/sources/athena/collect.js';
import { buildTableDdl, type TableDdlOptions } from '../../src/sources/athena/ddl.js';
import { checkPartitionColumns } from '../../src/sources/athena/partitions.js';
import type { ResultRow } from '../../src/sources/athena/query.js';
import { logObjectOfPath, recordFromRow, type ColumnReading } from '../../src/sources/athena/rows.js';
import { CLOUDTRAIL_COLUMNS, hiveTypeText, isComplexTypeText } from '../../src/sources/athena/schema.js';
import { buildCollectionSql, eventTimeBounds, type CollectionQuery } from '../../src/sources/athena/sql.js';
import { parseAthenaUrl } from '../../src/sources/athena/url.js';
import { canonicalTime } from '../../src/cloudtrail/normalize.js';
import { trinoKeeps } from '../helpers/trino-predicate.js';
import { checkAccountIds, checkRegions, sqlIdentifier, sqlString } from '../../src/sources/athena/validate.js';

const NOW = new Date('2026-11-15T12:00:00Z');
const october = resolvePeriod({ period: '2026-10', tz: 'UTC' }, NOW);

const allColumns = CLOUDTRAIL_COLUMNS.map((c) => ({ name: c.key.toLowerCase(), complex: isComplexTypeText(hiveTypeText(c.type)) }));

function query(overrides: Partial<CollectionQuery> = {}): CollectionQuery {
  return {
    database: 'cloudtrail',
    table: 'org_trail',
    columns: allColumns,
    partitions: { account: 'account', region: 'region', day: 'timestamp' },
    days: deliveryDays(october, 1),
    accounts: [],
    regions: [],
    period: october,
    matchUnsourcedIot: true,
    ...overrides,
  };
}

/** The WHERE clause, one predicate per line. */
const whereOf = (sql: string): string => sql.slice(sql.indexOf('\nWHERE ') + 1);

describe('athena://DATABASE.TABLE', () => {
  it('names a database and a table, folded to lower case', () => {
    expect(parseAthenaUrl('athena://CloudTrail.Org_Trail_2026')).toEqual({
      database: 'cloudtrail',
      table: 'org_trail_2026',
      label: 'athena://cloudtrail.org_trail_2026',
    });
  });

  it.each([
    'athena://cloudtrail',
    'athena://a.b.c',
    'athena://.table',
    'athena://db.',
    'athena://db.table; DROP TABLE x',
    'athena://db."table"',
    'athena://db.ta ble',
    "athena://db.t'--",
    'athena://db.t-1',
    'athena://db.t`x`',
    's3://db.table',
  ])('refuses %s as a usage error', (url) => {
    expect(() => parseAthenaUrl(url)).toThrow(UsageError);
  });
});

describe('the collection query', () => {
  it('reads only the period\'s delivery days, the accounts and the regions asked for, and the IoT records of the period', () => {
    const sql = buildCollectionSql(query({ accounts: ['111122223333', '444455556666'], regions: ['eu-west-1'] }));
    expect(whereOf(sql).split('\n')).toEqual([
      `WHERE "timestamp" BETWEEN '2026/10/01' AND '2026/11/01'`,
      `  AND "account" IN ('111122223333', '444455556666')`,
      `  AND "region" IN ('eu-west-1')`,
      `  AND coalesce(try(from_iso8601_timestamp(if(regexp_like("eventtime", '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$'), "eventtime")))`,
      `         BETWEEN from_iso8601_timestamp('2026-09-30T23:59:59Z') AND from_iso8601_timestamp('2026-11-01T00:00:01Z'), true)`,
      `  AND (lower("eventsource") = 'iot.amazonaws.com'`,
      `       OR (coalesce("eventsource", '') = '' AND "requestparameters" LIKE '%arn:aws%:iot:%'))`,
    ]);
    expect(sql).toContain('FROM "cloudtrail"."org_trail"\n');
  });

  it('selects every record column, structs and arrays as JSON text, and the object each row came from', () => {
    const sql = buildCollectionSql(query());
    const select = sql.slice('SELECT\n'.length, sql.indexOf('\nFROM ')).split(',\n').map((s) => s.trim());
    expect(select).toHaveLength(CLOUDTRAIL_COLUMNS.length + 1);
    expect(select).toContain('json_format(CAST("useridentity" AS JSON)) AS "useridentity"');
    expect(select).toContain('json_format(CAST("resources" AS JSON)) AS "resources"');
    expect(select).toContain('json_format(CAST("tlsdetails" AS JSON)) AS "tlsdetails"');
    expect(select).toContain('"requestparameters"');
    expect(select).toContain('"eventtime"');
    expect(select[select.length - 1]).toBe('"$path"');
  });

  it('reads every account and region when none is asked for, and skips partitions the table does not have', () => {
    expect(whereOf(buildCollectionSql(query()))).not.toMatch(/"account"|"region"/);
    const single = buildCollectionSql(query({ accounts: ['111122223333'], regions: ['eu-west-1'], partitions: { account: null, region: null, day: 'dt' } }));
    expect(whereOf(single)).toMatch(/^WHERE "dt" BETWEEN '2026\/10\/01' AND '2026\/11\/01'$/m);
    expect(whereOf(single)).not.toMatch(/IN \(/);
  });

  it('follows the period\'s zone and the late days into the UTC delivery days', () => {
    const paris = resolvePeriod({ period: '2026-10', tz: 'Europe/Paris' }, NOW);
    const sql = buildCollectionSql(query({ period: paris, days: deliveryDays(paris, 3) }));
    expect(sql).toContain(`"timestamp" BETWEEN '2026/09/30' AND '2026/11/03'`);
    expect(sql).toContain(`BETWEEN from_iso8601_timestamp('2026-09-30T21:59:59Z') AND from_iso8601_timestamp('2026-10-31T23:00:01Z'), true)`);

    const noLate = buildCollectionSql(query({ days: deliveryDays(october, 0) }));
    expect(noLate).toContain(`BETWEEN '2026/10/01' AND '2026/10/31'`);
  });

  it('widens event-time bounds to whole seconds outside the period, so no rounding loses a record', () => {
    expect(eventTimeBounds({ start: '2026-10-01T08:00:00.500Z', end: '2026-10-01T09:30:00.250Z' })).toEqual({
      from: '2026-10-01T07:59:59Z',
      to: '2026-10-01T09:30:02Z',
    });
    const bounds = eventTimeBounds(october);
    for (const t of ['2026-10-01T00:00:00Z', '2026-10-01T00:00:00.999Z', '2026-10-31T23:59:59Z', '2026-10-31T23:59:59.999Z']) {
      expect(Date.parse(t) >= Date.parse(bounds.from) && Date.parse(t) < Date.parse(bounds.to)).toBe(true);
    }
  });

  it('leaves out the unsourced-IoT clause when asked to, or when the table has no requestparameters', () => {
    expect(buildCollectionSql(query({ matchUnsourcedIot: false }))).toMatch(/AND lower\("eventsource"\) = 'iot.amazonaws.com'$/);
    const noParams = buildCollectionSql(query({ columns: allColumns.filter((c) => c.name !== 'requestparameters') }));
    expect(noParams).not.toContain('"requestparameters" LIKE');
  });

  /** The WHERE's conditions on the event time (one expected). */
  const timeConditions = (sql: string): string[] =>
    whereOf(sql).replace(/^WHERE /, '').split('\n  AND ').filter((c) => c.includes('"eventtime"'));

  // Commit 61b5535 counted Athena's records without a time in coverage, as the files' are, but the
  // query's event-time bounds still left them out: NULL and '' compare as neither >= nor < a bound.
  it('also returns the records whose time the query cannot place (NULL, empty, not a date), in one condition of the WHERE', () => {
    const time = timeConditions(buildCollectionSql(query()));
    expect(time).toEqual([
      `coalesce(try(from_iso8601_timestamp(if(regexp_like("eventtime", '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$'), "eventtime")))\n` +
        `         BETWEEN from_iso8601_timestamp('2026-09-30T23:59:59Z') AND from_iso8601_timestamp('2026-11-01T00:00:01Z'), true)`,
    ]);
    const kept = (t: string | null) => trinoKeeps(time[0], new Map([['eventtime', t]]));
    const cases: [string | null, boolean][] = [
      [null, true],
      ['', true],
      [' ', true],
      ['tampered', true],
      ['2026-10-05T10:00:00Z', true],
      ['2026-10-31T23:59:59.999Z', true],
      ['2026-09-30T23:59:58Z', false],
      ['2026-11-01T00:00:02Z', false],
      ['2027-01-01T00:00:00Z', false],
    ];
    expect(cases.map(([t]) => [t, kept(t)])).toEqual(cases);
  });

  // Review: the text bounds dropped times that begin like a date but are none (`2026-13-01`,
  // `2026-02-30`, `xxxx-xx-xx`), which the log-file path counts as without a time, and times with an
  // offset that are of the period (`2026-09-30T22:00:00-05:00` is 03:00Z on 1 October), which it keeps.
  it('returns every row the log-file path would keep or count, whatever Athena\'s own parser makes of its time', () => {
    const sql = buildCollectionSql(query());
    const [time] = timeConditions(sql);
    const returned = (t: string | null) => trinoKeeps(time, new Map([['eventtime', t]]));
    const startMs = Date.parse(october.start);
    const endMs = Date.parse(october.end);
    /** What the files' path does with a record of that time: keeps it (of the period), counts it (no usable time), or skips it. */
    const fileFate = (t: string | null): 'kept' | 'counted' | 'skipped' => {
      const canonical = canonicalTime(t);
      if (canonical === null) return 'counted';
      const ms = Date.parse(canonical);
      return ms >= startMs && ms < endMs ? 'kept' : 'skipped';
    };
    const values: (string | null)[] = [
      // The reviewer's.
      '2026-13-01T00:00:00Z',
      '2026-02-30T10:00:00Z',
      'xxxx-xx-xxT..',
      'xxxx-xx-xxT00:00:00Z',
      '2026-09-30T22:00:00-05:00',
      '2026-10-31T20:00:00-05:00',
      // Offsets, fractions, other spellings `canonicalTime` reads.
      '2026-10-01T01:30:00+02:00',
      '2026-09-30 23:00:00-05:00',
      '2026-09-30T23:00-0500',
      '2026-09-30T20:00:00.5-05',
      '2026-10-05t10:00:00z',
      '2026-10-31T23:59:59.9999Z',
      '2026-11-01T00:30:00+01:00',
      // Impossible dates and times in CloudTrail's own shape.
      '2026-00-10T00:00:00Z',
      '2026-10-00T00:00:00Z',
      '2026-11-31T00:00:00Z',
      '2100-02-29T00:00:00Z',
      '2026-11-05T24:00:00Z',
      '2026-11-05T23:60:00Z',
      '2026-11-05T23:59:60Z',
      // What Athena's ISO 8601 parser reads but `canonicalTime` does not (counted from files).
      '2026-10-05',
      '2026-11-05',
      '2026-W45',
      '2026-310',
      '2026-11-05T10',
      'T10:00Z',
      '-026-10-01T00:00:00Z',
      '+2026-11-05T00:00:00Z',
      '0000-01-01T00:00:00+01:00',
      '9999-12-31T23:00:00-05:00',
      '200000000-01-01T00:00:00Z',
      '2026-11-05T10:00:00Z\n',
      // Nothing usable.
      null,
      '',
      'tampered',
    ];
    const lost = values.filter((t) => fileFate(t) !== 'skipped' && !returned(t));
    expect(lost).toEqual([]);
    // And the period still narrows what comes back: CloudTrail's own times outside it are not returned.
    const outside = ['2026-09-30T23:59:58Z', '2026-11-05T10:00:00Z', '2024-02-29T10:00:00Z', '0000-01-01T00:00:00Z', '9999-12-31T23:59:59Z'];
    expect(outside.filter((t) => fileFate(t) !== 'skipped' || returned(t))).toEqual([]);
  });
});

describe('injection through names and values is impossible', () => {
  const hostileAccounts = ["111122223333' OR '1'='1", '11112222333', '111122223333 ', '1111222233334', "'; DROP TABLE t; --"];
  const hostileRegions = ["eu-west-1' OR 1=1 --", 'EU-WEST-1', 'eu-west-1\n', "us-east-1')", 'eu_west_1', ''];

  it.each(hostileAccounts)('rejects the account %j', (value) => {
    expect(() => checkAccountIds([value], '--account')).toThrow(UsageError);
    expect(() => buildCollectionSql(query({ accounts: [value] }))).toThrow(/refusing/);
  });

  it.each(hostileRegions)('rejects the region %j', (value) => {
    expect(() => checkRegions([value], '--region')).toThrow(UsageError);
    expect(() => buildCollectionSql(query({ regions: [value] }))).toThrow(/refusing/);
  });

  it.each(['org"; DROP TABLE x; --', 'Org_Trail', 'a b', 'x`y', "t'"])('refuses to build SQL on the database or table name %j', (name) => {
    expect(() => buildCollectionSql(query({ database: name }))).toThrow(/refusing/);
    expect(() => buildCollectionSql(query({ table: name }))).toThrow(/refusing/);
  });

  it.each(['timestamp" --', 'day; DROP', 'Account', '1day', 'eventname'])('rejects the partition column name %j', (name) => {
    expect(() => checkPartitionColumns({ day: name }, '--athena-partition-')).toThrow(UsageError);
  });

  it('refuses a column name, a day or a time that does not have its pattern', () => {
    expect(() => buildCollectionSql(query({ columns: [...allColumns, { name: 'x" FROM secrets --', complex: false }] }))).toThrow(/refusing/);
    expect(() => buildCollectionSql(query({ days: ["2026-10-01' OR '1'='1"] }))).toThrow(/refusing/);
    expect(() => sqlString("2026-10-01T00:00:00Z' --", 'time')).toThrow(/refusing/);
    expect(() => sqlIdentifier('a"b')).toThrow(/refusing/);
    expect(sqlString('111122223333', 'account')).toBe("'111122223333'");
    for (const pattern of ["^x'$", '^x\\d$', '^x y$', "x' OR '1'='1"]) expect(() => sqlString(pattern, 'pattern')).toThrow(/refusing/);
  });

  it('rejects names the partition columns cannot take: duplicates and record columns', () => {
    expect(() => checkPartitionColumns({ account: 'p', region: 'p' }, '--athena-partition-')).toThrow(/different names/);
    expect(() => checkPartitionColumns({ region: 'awsregion' }, '--athena-partition-')).toThrow(/shadow/);
    expect(checkPartitionColumns(undefined, '--athena-partition-')).toEqual({ account: 'account', region: 'region', day: 'timestamp' });
  });
});

describe('the table DDL', () => {
  const base: TableDdlOptions = {
    bucket: 'my-org-trail',
    prefix: '/trails//org/',
    organizationId: 'o-a1b2c3d4e5',
    accounts: ['444455556666', '111122223333', '111122223333'],
    regions: ['us-east-1', 'eu-west-1'],
    startDate: '2024-01-01',
    database: 'cloudtrail',
    table: 'org_trail',
  };

  it('projects account, region and delivery day over the organization trail\'s layout', () => {
    const { ddl, location, template } = buildTableDdl(base);
    expect(location).toBe('s3://my-org-trail/trails/org/AWSLogs/o-a1b2c3d4e5/');
    expect(template).toBe('s3://my-org-trail/trails/org/AWSLogs/o-a1b2c3d4e5/${account}/CloudTrail/${region}/${timestamp}');
    expect(ddl).toMatch(/^CREATE EXTERNAL TABLE `cloudtrail`\.`org_trail` \(\n/);
    expect(ddl).toContain('PARTITIONED BY (`account` string, `region` string, `timestamp` string)');
    expect(ddl).toContain("ROW FORMAT SERDE 'org.apache.hive.hcatalog.data.JsonSerDe'");
    expect(ddl).toContain("STORED AS INPUTFORMAT 'com.amazon.emr.cloudtrail.CloudTrailInputFormat'");
    expect(ddl).toContain("LOCATION 's3://my-org-trail/trails/org/AWSLogs/o-a1b2c3d4e5/'");
    expect(ddl).toContain("'projection.enabled'='true'");
    expect(ddl).toContain("'projection.account.type'='enum'");
    expect(ddl).toContain("'projection.account.values'='111122223333,444455556666'");
    expect(ddl).toContain("'projection.region.values'='eu-west-1,us-east-1'");
    expect(ddl).toContain("'projection.timestamp.type'='date'");
    expect(ddl).toContain("'projection.timestamp.format'='yyyy/MM/dd'");
    expect(ddl).toContain("'projection.timestamp.range'='2024/01/01,NOW'");
    expect(ddl).toContain("'projection.timestamp.interval.unit'='DAYS'");
    expect(ddl).toContain(`'storage.location.template'='${template}'`);
    expect(ddl.trimEnd().endsWith(');')).toBe(true);
  });

  it('declares every record column the collection query selects, with its struct fields in lower case', () => {
    const { ddl } = buildTableDdl(base);
    for (const column of CLOUDTRAIL_COLUMNS) expect(ddl).toContain(`\`${column.key.toLowerCase()}\` `);
    expect(ddl).toContain('sessionissuer:struct<type:string,principalid:string,arn:string,accountid:string,username:string>');
    expect(ddl).toContain('`resources` array<struct<arn:string,accountid:string,type:string>>');
  });

  it('uses the single-account layout without an organization id, and the partition names asked for', () => {
    const { template } = buildTableDdl({ ...base, organizationId: null, prefix: '', partitionColumns: { account: 'acct', region: 'rgn', day: 'dt' } });
    expect(template).toBe('s3://my-org-trail/AWSLogs/${acct}/CloudTrail/${rgn}/${dt}');
  });

  it.each<[string, Partial<TableDdlOptions>]>([
    ['a bucket with a quote', { bucket: "bucket'x" }],
    ['a bucket with a path', { bucket: 'bucket/AWSLogs' }],
    ['a prefix breaking the string', { prefix: "logs'/x" }],
    ['a prefix injecting a template variable', { prefix: 'logs/${account}' }],
    ['a prefix walking up', { prefix: 'logs/../other' }],
    ['an organization id with a quote', { organizationId: "o-a1b2c3d4e5'" }],
    ['an account with letters', { accounts: ['11112222333x'] }],
    ['an account list with a comma inside a value', { accounts: ['111122223333,444455556666'] }],
    ['a region with a quote', { regions: ["eu-west-1'"] }],
    ['no account', { accounts: [] }],
    ['no region', { regions: [] }],
    ['a start date that is not a day', { startDate: '2024/02/30' }],
    ['a start date with SQL', { startDate: "2024/01/01,NOW'" }],
    ['a database with a backtick', { database: 'db`x' }],
    ['a table with a space', { table: 'org trail' }],
    ['a partition column named after a record column', { partitionColumns: { day: 'eventtime' } }],
  ])('rejects %s', (_what, overrides) => {
    expect(() => buildTableDdl({ ...base, ...overrides })).toThrow(UsageError);
  });
});

describe('the cost estimate', () => {
  it('charges $5 per TB, at least 10 MB, rounded up to whole MB', () => {
    expect(estimateAthenaCostUsd(0)).toBe(estimateAthenaCostUsd(10 * 1024 * 1024));
    expect(estimateAthenaCostUsd(0)).toBeCloseTo(0.000048, 6);
    expect(estimateAthenaCostUsd(1024 ** 4)).toBe(5);
    expect(estimateAthenaCostUsd(200 * 1024 ** 3)).toBeCloseTo(0.976563, 6);
    expect(estimateAthenaCostUsd(20 * 1024 * 1024 + 1)).toBe(estimateAthenaCostUsd(21 * 1024 * 1024));
  });
});

describe('rows back to records', () => {
  it('reads account, region, delivery day and organization from the object key', () => {
    const key = 'trails/AWSLogs/o-a1b2c3d4e5/111122223333/CloudTrail/eu-west-1/2026/10/05/111122223333_CloudTrail_eu-west-1_20261005T1005Z_abcdefghij012345.json.gz';
    expect(logObjectOfPath(`s3://my-org-trail/${key}`, 'athena://db.t')).toEqual({
      key,
      source: 's3://my-org-trail',
      accountId: '111122223333',
      region: 'eu-west-1',
      deliveryDay: '2026-10-05',
      organizationId: 'o-a1b2c3d4e5',
    });
    expect(logObjectOfPath('s3://b/AWSLogs/111122223333/CloudTrail/us-east-1/2026/11/01/f.json.gz', 'x')).toMatchObject({
      accountId: '111122223333',
      region: 'us-east-1',
      deliveryDay: '2026-11-01',
      organizationId: null,
    });
    expect(logObjectOfPath('s3://b/exports/records.json', 'x')).toMatchObject({ key: 'exports/records.json', accountId: null, deliveryDay: null });
    expect(logObjectOfPath(null, 'athena://db.t')).toMatchObject({ key: '', source: 'athena://db.t' });
  });

  const readings = new Map<string, ColumnReading>([
    ['useridentity', { complex: true, struct: true }],
    ['resources', { complex: true, struct: false }],
    ['eventname', { complex: false, struct: false }],
    ['sourceipaddress', { complex: false, struct: false }],
    ['custom', { complex: true, struct: true }],
  ]);
  const row = (entries: [string, string | null][]): ResultRow => new Map(entries);

  it('restores the log\'s key names, drops the null fields Athena adds, and keeps map keys and unknown columns', () => {
    const { raw, path } = recordFromRow(
      row([
        ['eventname', 'AttachPolicy'],
        ['sourceipaddress', '198.51.100.7'],
        ['errorcode', null],
        [
          'useridentity',
          JSON.stringify({
            type: 'AssumedRole',
            principalid: 'AROA:s',
            accesskeyid: null,
            sessioncontext: { sessionissuer: { arn: 'arn:aws:iam::1:role/r', username: 'r' }, webidfederationdata: { federatedprovider: null, attributes: { 'Some:Key': 'v' } } },
          }),
        ],
        ['resources', JSON.stringify([{ arn: 'arn:aws:iot:eu-west-1:1:cert/x', accountid: '1', type: null }])],
        ['custom', JSON.stringify({ somefield: 'x', other: null })],
        ['$path', 's3://b/k.json.gz'],
      ]),
      readings,
    );
    expect(path).toBe('s3://b/k.json.gz');
    expect(raw).toEqual({
      eventName: 'AttachPolicy',
      sourceIPAddress: '198.51.100.7',
      userIdentity: {
        type: 'AssumedRole',
        principalId: 'AROA:s',
        sessionContext: { sessionIssuer: { arn: 'arn:aws:iam::1:role/r', userName: 'r' }, webIdFederationData: { attributes: { 'Some:Key': 'v' } } },
      },
      resources: [{ ARN: 'arn:aws:iot:eu-west-1:1:cert/x', accountId: '1' }],
      custom: { somefield: 'x' },
    });
  });

  it('keeps a hostile field name as plain data', () => {
    const { raw } = recordFromRow(row([['custom', '{"__proto__":{"polluted":true},"a":"b"}']]), readings);
    expect(Object.getPrototypeOf(raw.custom)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.keys(raw.custom as object)).toEqual(['__proto__', 'a']);
  });

  it('stops with the fix when structs come back as arrays (Athena engine version 2)', () => {
    expect(() => recordFromRow(row([['useridentity', '["AssumedRole","AROA:s",null]']]), readings)).toThrow(/engine version 3/);
  });
});
