import { gzipSync } from 'node:zlib';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { resolvePeriod } from '../../src/collect/period.js';
import { parseLogBytes } from '../../src/collect/parse-log.js';
import { SourceError, UsageError } from '../../src/errors.js';
import { runAthenaCollection, type AthenaCollectionOptions } from '../../src/sources/athena/collect.js';
import { AthenaQueryCancelledError } from '../../src/sources/athena/query.js';
import { BASELINE_COLUMNS } from '../../src/sources/athena/schema.js';
import { projectedTable, rowsFromRecords, startAthenaServer, type AthenaServer, type AthenaServerOptions } from '../helpers/athena-server.js';
import { runCli } from '../helpers/run-cli.js';

const ORG = 'o-a1b2c3d4e5';
const A = '111122223333';
const B = '444455556666';
const BUCKET = 's3://org-trail-bucket';
const period = resolvePeriod({ period: '2026-10', tz: 'UTC' }, new Date('2026-11-15T00:00:00Z'));
const FAST_POLL = { initialMs: 5, maxMs: 20 };

const keyOf = (account: string, region: string, day: string, n = 0): string =>
  `trail/AWSLogs/${ORG}/${account}/CloudTrail/${region}/${day.replace(/-/g, '/')}/${account}_CloudTrail_${region}_${day.replace(/-/g, '')}T1005Z_${String(n).padStart(16, '0')}.json.gz`;

const CERT = 'a1b2c3d4e5f6a7b8c9d0a1b2c3d4e5f6a7b8c9d0a1b2c3d4e5f6a7b8c9d0a1b2';

/** Realistic records as a log file holds them: only fields the table declares, so nothing is lost on the way. */
const RECORDS = {
  roleCreatesCertificate: {
    eventVersion: '1.09',
    userIdentity: {
      type: 'AssumedRole',
      principalId: 'AROAEXAMPLEID:pipeline-1',
      arn: `arn:aws:sts::${A}:assumed-role/ci-deploy/pipeline-1`,
      accountId: A,
      accessKeyId: 'ASIAEXAMPLEKEY',
      sessionContext: {
        sessionIssuer: { type: 'Role', principalId: 'AROAEXAMPLEID', arn: `arn:aws:iam::${A}:role/ci-deploy`, accountId: A, userName: 'ci-deploy' },
        webIdFederationData: {},
        attributes: { creationDate: '2026-10-05T09:58:00Z', mfaAuthenticated: 'false' },
      },
    },
    eventTime: '2026-10-05T10:00:00Z',
    eventSource: 'iot.amazonaws.com',
    eventName: 'CreateKeysAndCertificate',
    awsRegion: 'eu-west-1',
    sourceIPAddress: '198.51.100.7',
    userAgent: 'aws-cli/2.15.0 Python/3.11',
    requestParameters: { setAsActive: true },
    responseElements: { certificateArn: `arn:aws:iot:eu-west-1:${A}:cert/${CERT}`, certificateId: CERT },
    requestID: '0e6f1a2b-1111-2222-3333-444455556666',
    eventID: 'a6b0c1d2-0001-4000-8000-000000000001',
    readOnly: false,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: A,
    eventCategory: 'Management',
    tlsDetails: { tlsVersion: 'TLSv1.3', cipherSuite: 'TLS_AES_128_GCM_SHA256', clientProvidedHostHeader: 'iot.eu-west-1.amazonaws.com' },
  },
  userAttachesPolicy: {
    eventVersion: '1.08',
    userIdentity: {
      type: 'IAMUser',
      principalId: 'AIDAEXAMPLE',
      arn: `arn:aws:iam::${B}:user/alice`,
      accountId: B,
      accessKeyId: 'ASIAALICE',
      userName: 'alice',
      sessionContext: { attributes: { creationDate: '2026-10-31T23:00:00Z', mfaAuthenticated: 'true' } },
    },
    eventTime: '2026-10-31T23:59:59Z',
    eventSource: 'iot.amazonaws.com',
    eventName: 'AttachPolicy',
    awsRegion: 'us-east-1',
    sourceIPAddress: '203.0.113.9',
    userAgent: 'console.amazonaws.com',
    requestParameters: { policyName: 'FleetPolicy', target: `arn:aws:iot:us-east-1:${B}:cert/${CERT}` },
    responseElements: null,
    requestID: 'req-2',
    eventID: 'a6b0c1d2-0002-4000-8000-000000000002',
    readOnly: false,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: B,
    sessionCredentialFromConsole: 'true',
    vpcEndpointId: 'vpce-0123456789abcdef0',
  },
  deniedUpdate: {
    eventVersion: '1.09',
    userIdentity: { type: 'AssumedRole', principalId: 'AROAX:bob', arn: `arn:aws:sts::${A}:assumed-role/readonly/bob`, accountId: A },
    eventTime: '2026-10-12T08:30:00Z',
    eventSource: 'iot.amazonaws.com',
    eventName: 'UpdateCertificate',
    awsRegion: 'eu-west-1',
    sourceIPAddress: '192.0.2.44',
    userAgent: 'Boto3/1.34',
    errorCode: 'AccessDeniedException',
    errorMessage: `User: arn:aws:sts::${A}:assumed-role/readonly/bob is not authorized to perform: iot:UpdateCertificate <script>`,
    requestParameters: { certificateId: CERT, newStatus: 'REVOKED' },
    responseElements: null,
    requestID: 'req-3',
    eventID: 'a6b0c1d2-0003-4000-8000-000000000003',
    readOnly: false,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: A,
  },
  serviceCall: {
    eventVersion: '1.09',
    userIdentity: { accountId: A, invokedBy: 'iot.amazonaws.com' },
    eventTime: '2026-10-20T00:00:00Z',
    eventSource: 'iot.amazonaws.com',
    eventName: 'ListAuthorizers',
    awsRegion: 'eu-west-1',
    sourceIPAddress: 'iot.amazonaws.com',
    userAgent: 'iot.amazonaws.com',
    requestParameters: null,
    responseElements: null,
    eventID: 'a6b0c1d2-0004-4000-8000-000000000004',
    readOnly: true,
    eventType: 'AwsApiCall',
    recipientAccountId: A,
  },
} as const;

/** Same name, other service: the query never asks for it, and it must not get through if served. */
const IAM_CREATE_POLICY = { ...RECORDS.serviceCall, eventSource: 'iam.amazonaws.com', eventName: 'CreatePolicy', eventID: 'iam-1', readOnly: false };
/** An IoT event of November delivered late: in the late day's partition, outside the period. */
const NOVEMBER = { ...RECORDS.deniedUpdate, eventTime: '2026-11-01T00:00:05Z', eventID: 'nov-1' };

const AWS_ENV = [
  'AWS_ENDPOINT_URL_ATHENA',
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
];
const savedEnv = Object.fromEntries(AWS_ENV.map((name) => [name, process.env[name]]));
let dir: string;
let server: AthenaServer | undefined;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'athena-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
beforeEach(() => {
  for (const name of AWS_ENV) delete process.env[name];
  process.env.AWS_ACCESS_KEY_ID = 'AKIDLOOPBACKTEST';
  process.env.AWS_SECRET_ACCESS_KEY = 'loopback-test-secret';
  process.env.AWS_REGION = 'eu-west-1';
  process.env.AWS_MAX_ATTEMPTS = '1';
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

async function serve(options: AthenaServerOptions = {}): Promise<AthenaServer> {
  server = await startAthenaServer(options);
  process.env.AWS_ENDPOINT_URL_ATHENA = server.url;
  return server;
}

const collect = (overrides: Partial<AthenaCollectionOptions> = {}) =>
  runAthenaCollection({ url: 'athena://cloudtrail.org_trail', period, lateDays: 1, poll: FAST_POLL, ...overrides });

describe('collecting IoT records with Athena, over its JSON protocol', () => {
  it('gives exactly the records the same events give from a log file', async () => {
    const served = [RECORDS.roleCreatesCertificate, RECORDS.userAttachesPolicy, RECORDS.deniedUpdate, RECORDS.serviceCall, IAM_CREATE_POLICY, NOVEMBER];
    const paths = [
      keyOf(A, 'eu-west-1', '2026-10-05'),
      keyOf(B, 'us-east-1', '2026-11-01'),
      keyOf(A, 'eu-west-1', '2026-10-12'),
      keyOf(A, 'eu-west-1', '2026-10-20'),
      keyOf(A, 'eu-west-1', '2026-10-20', 1),
      keyOf(A, 'eu-west-1', '2026-11-01'),
    ].map((k) => `${BUCKET}/${k}`);
    await serve({ rows: rowsFromRecords(served, paths), dataScannedBytes: 3 * 1024 ** 3 });

    const result = await collect();

    const fromFile = parseLogBytes(gzipSync(JSON.stringify({ Records: served })));
    const expected = fromFile.records.filter((r) => r.eventTime! >= period.start && r.eventTime! < period.end);
    expect(expected.map((r) => r.eventId)).toEqual(Object.values(RECORDS).map((r) => r.eventID));
    expect(result.records.map((r) => r.record)).toEqual(expected);
    expect(result.records[0].record).toMatchObject({ shape: 'canonical', readOnly: false, managementEvent: true, errorCode: null });

    expect(result.records.map((r) => r.file)).toEqual([
      { key: keyOf(A, 'eu-west-1', '2026-10-05'), source: BUCKET, accountId: A, region: 'eu-west-1', deliveryDay: '2026-10-05', organizationId: ORG },
      { key: keyOf(B, 'us-east-1', '2026-11-01'), source: BUCKET, accountId: B, region: 'us-east-1', deliveryDay: '2026-11-01', organizationId: ORG },
      { key: keyOf(A, 'eu-west-1', '2026-10-12'), source: BUCKET, accountId: A, region: 'eu-west-1', deliveryDay: '2026-10-12', organizationId: ORG },
      { key: keyOf(A, 'eu-west-1', '2026-10-20'), source: BUCKET, accountId: A, region: 'eu-west-1', deliveryDay: '2026-10-20', organizationId: ORG },
    ]);
    expect(result.rowsRead).toBe(6);
    expect(result.partitions).toEqual([
      { accountId: A, region: 'eu-west-1', day: '2026-10-05' },
      { accountId: A, region: 'eu-west-1', day: '2026-10-12' },
      { accountId: A, region: 'eu-west-1', day: '2026-10-20' },
      { accountId: A, region: 'eu-west-1', day: '2026-11-01' },
      { accountId: B, region: 'us-east-1', day: '2026-11-01' },
    ]);
    expect(result.info).toEqual({
      queryExecutionId: server!.queries[0].id,
      database: 'cloudtrail',
      table: 'org_trail',
      workgroup: 'primary',
      dataScannedBytes: 3 * 1024 ** 3,
      estimatedCostUsd: 0.014648,
      engineVersion: 'Athena engine version 3',
      note: null,
    });
    expect(result.source).toEqual({ label: 'athena://cloudtrail.org_trail', kind: 'athena', layout: 'athena', athena: result.info });
  });

  it('sends the generated SQL with the database, catalog, workgroup and result location, after describing the table', async () => {
    const s = await serve();
    const result = await collect({
      accounts: [B, A],
      regions: ['eu-west-1'],
      workgroup: 'audit',
      outputLocation: 's3://athena-results/iot-audit',
      catalog: 'AwsDataCatalog',
    });
    expect(s.requests.map((r) => r.operation)).toEqual([
      'GetTableMetadata',
      'StartQueryExecution',
      'GetQueryExecution',
      'GetQueryExecution',
      'GetQueryExecution',
      'GetQueryResults',
    ]);
    expect(s.calls('GetTableMetadata')[0].body).toEqual({ CatalogName: 'AwsDataCatalog', DatabaseName: 'cloudtrail', TableName: 'org_trail' });
    const [q] = s.queries;
    expect(q).toMatchObject({ database: 'cloudtrail', catalog: 'AwsDataCatalog', workgroup: 'audit', outputLocation: 's3://athena-results/iot-audit/' });
    expect(q.sql).toBe(result.query);
    expect(q.sql).toContain(`"timestamp" BETWEEN '2026/10/01' AND '2026/11/01'`);
    expect(q.sql).toContain(`"account" IN ('${A}', '${B}')`);
    expect(q.sql).toContain(`"region" IN ('eu-west-1')`);
    expect(result.info.workgroup).toBe('audit');
    expect(result.records).toEqual([]);
  });

  it('reads 2,500 rows over three result pages, the header row only on the first', async () => {
    const records = Array.from({ length: 2500 }, (_, i) => ({
      ...RECORDS.roleCreatesCertificate,
      eventID: `bulk-${String(i).padStart(5, '0')}`,
      eventTime: new Date(Date.UTC(2026, 9, 1) + i * 60_000).toISOString().replace('.000Z', 'Z'),
    }));
    const s = await serve({ rows: rowsFromRecords(records, records.map((_, i) => `${BUCKET}/${keyOf(A, 'eu-west-1', '2026-10-02', i)}`)) });

    const started = performance.now();
    const result = await collect();
    const elapsed = performance.now() - started;

    const pages = s.calls('GetQueryResults');
    expect(pages).toHaveLength(3);
    expect(pages[0].body.NextToken).toBeUndefined();
    expect(pages.slice(1).every((p) => typeof p.body.NextToken === 'string')).toBe(true);
    expect(pages.every((p) => p.body.MaxResults === 1000)).toBe(true);
    expect(result.rowsRead).toBe(2500);
    expect(result.records.map((r) => r.record.eventId)).toEqual(records.map((r) => r.eventID));
    expect(result.partitions).toEqual([{ accountId: A, region: 'eu-west-1', day: '2026-10-02' }]);
    expect(elapsed).toBeLessThan(10_000);
  });

  it('reports a failed query with Athena\'s reason and what to do', async () => {
    const reason = `HIVE_CURSOR_ERROR: Row is not a valid JSON Object - JSONException: A JSONObject text must end with '}' at 2 [character 3 line 1] (${BUCKET}/${keyOf(A, 'eu-west-1', '2026-10-05')})`;
    const s = await serve({ failReason: reason });
    const error = await collect().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SourceError);
    const message = (error as Error).message;
    expect(message).toContain(`Athena query ${s.queries[0].id} failed: HIVE_CURSOR_ERROR: Row is not a valid JSON Object`);
    expect(message).toContain('--source s3://');
    expect(message).not.toContain('\n');
    expect(s.calls('GetQueryResults')).toHaveLength(0);
  });

  it('points to `iot-audit athena-table` when the table does not exist', async () => {
    await serve({ tables: [] });
    await expect(collect()).rejects.toThrow(/GetTableMetadata: MetadataException: Entity Not Found.*create it with `iot-audit athena-table`/);

    await server!.close();
    await serve({ failReason: "TABLE_NOT_FOUND: line 32:6: Table 'awsdatacatalog.cloudtrail.org_trail' does not exist" });
    await expect(collect()).rejects.toThrow(/failed: TABLE_NOT_FOUND.*`iot-audit athena-table`/);
  });

  it('asks for --athena-output when the workgroup has no result location', async () => {
    const s = await serve({ requireOutputLocation: true });
    await expect(collect()).rejects.toThrow(/StartQueryExecution: InvalidRequestException: No output location provided.*--athena-output s3:\/\//);
    expect(s.queries).toHaveLength(0);
    await expect(collect({ outputLocation: 's3://results-bucket/athena/' })).resolves.toMatchObject({ rowsRead: 0 });
  });

  it('stops the running query with StopQueryExecution when the signal aborts', async () => {
    const s = await serve({ neverFinish: true });
    const controller = new AbortController();
    const states: string[] = [];
    const error = await collect({
      signal: controller.signal,
      onProgress: (p) => {
        states.push(p.state);
        if (p.state === 'RUNNING') controller.abort();
      },
    }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(AthenaQueryCancelledError);
    const id = s.queries[0].id;
    expect((error as AthenaQueryCancelledError).queryExecutionId).toBe(id);
    expect((error as Error).message).toBe(`Athena query ${id} cancelled: interrupted, StopQueryExecution sent (Athena charges only the data scanned so far)`);
    expect(s.calls('StopQueryExecution').map((c) => c.body)).toEqual([{ QueryExecutionId: id }]);
    expect(states).toEqual(['QUEUED', 'RUNNING']);
    expect(s.calls('GetQueryResults')).toHaveLength(0);
  });

  it('stops reading result pages when the signal aborts after the query finished', async () => {
    const records = Array.from({ length: 2500 }, (_, i) => ({ ...RECORDS.serviceCall, eventID: `r-${i}` }));
    const s = await serve({ rows: rowsFromRecords(records, records.map(() => `${BUCKET}/${keyOf(A, 'eu-west-1', '2026-10-20')}`)) });
    const controller = new AbortController();
    const error = await collect({
      signal: controller.signal,
      onProgress: (p) => {
        if (p.state === 'READING') controller.abort();
      },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AthenaQueryCancelledError);
    expect((error as Error).message).toBe(`reading the results of Athena query ${s.queries[0].id} interrupted`);
    expect(s.calls('GetQueryResults').length).toBeLessThan(3);
    expect(s.calls('StopQueryExecution')).toHaveLength(0);
  });

  it('starts nothing when the signal has already aborted', async () => {
    const s = await serve();
    const controller = new AbortController();
    controller.abort();
    await expect(collect({ signal: controller.signal })).rejects.toBeInstanceOf(AthenaQueryCancelledError);
    expect(s.queries).toHaveLength(0);
    expect(s.calls('StopQueryExecution')).toHaveLength(0);
  });

  it('says so when the query was cancelled by someone else', async () => {
    const s = await serve({ neverFinish: true });
    const run = collect({
      onProgress: (p) => {
        if (p.state === 'RUNNING' && s.calls('StopQueryExecution').length === 0) {
          // Another user stops it in the console.
          void fetch(s.url, {
            method: 'POST',
            headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AmazonAthena.StopQueryExecution' },
            body: JSON.stringify({ QueryExecutionId: s.queries[0].id }),
          });
        }
      },
    });
    await expect(run).rejects.toThrow(/was cancelled outside this run \(Query cancelled by user\)/);
  });

  it('falls back to the standard columns when the table cannot be described, and says why', async () => {
    const s = await serve({ columns: [...BASELINE_COLUMNS, '$path'] });
    s.inject({ operation: 'GetTableMetadata', type: 'AccessDeniedException', message: 'You are not authorized to perform: athena:GetTableMetadata on the resource.' });
    const result = await collect({ accounts: [A] });
    // Said with what the report then cannot know, in the source's entry of the report (its header, the JSON) and on stderr.
    expect(result.info.note).toMatch(/^could not describe the table \(AccessDeniedException: You are not authorized.*\): read with the standard CloudTrail columns only, so console sessions and event categories are unknown .*: allow athena:GetTableMetadata$/);
    const sql = s.queries[0].sql;
    expect(sql).not.toContain('"managementevent"');
    expect(sql).not.toContain('"tlsdetails"');
    expect(sql).toContain('json_format(CAST("useridentity" AS JSON)) AS "useridentity"');
    expect(sql).toContain(`"account" IN ('${A}')`);
  });

  it('filters by the object key when the table has no account or region partition', async () => {
    const single = { ...projectedTable(), partitionKeys: [{ Name: 'timestamp', Type: 'string' }] };
    const records = [RECORDS.roleCreatesCertificate, { ...RECORDS.deniedUpdate, eventID: 'other-account' }];
    const paths = [`${BUCKET}/${keyOf(A, 'eu-west-1', '2026-10-05')}`, `${BUCKET}/${keyOf(B, 'eu-west-1', '2026-10-12')}`];
    const s = await serve({ tables: [single], rows: rowsFromRecords(records, paths) });
    const result = await collect({ accounts: [A] });
    expect(s.queries[0].sql).not.toContain('"account"');
    expect(result.records.map((r) => r.record.eventId)).toEqual([RECORDS.roleCreatesCertificate.eventID]);
    expect(result.partitions).toEqual([{ accountId: A, region: 'eu-west-1', day: '2026-10-05' }]);
  });

  it('refuses a table without the delivery-day partition, before running anything', async () => {
    const s = await serve({ tables: [{ ...projectedTable(), partitionKeys: [{ Name: 'dt', Type: 'string' }] }] });
    await expect(collect()).rejects.toThrow(UsageError);
    await expect(collect()).rejects.toThrow(/no partition column "timestamp".*its partitions: dt.*--athena-partition-day/);
    expect(s.queries).toHaveLength(0);
    await expect(collect({ partitionColumns: { day: 'dt' } })).resolves.toMatchObject({ rowsRead: 0 });
    expect(s.queries[0].sql).toContain(`"dt" BETWEEN '2026/10/01' AND '2026/11/01'`);
  });

  it('stops with the fix when the workgroup returns structs without field names (engine version 2)', async () => {
    const [row] = rowsFromRecords([RECORDS.deniedUpdate], [`${BUCKET}/${keyOf(A, 'eu-west-1', '2026-10-12')}`]);
    row.Data![1] = { VarCharValue: '["AssumedRole","AROAX:bob",null]' };
    await serve({ rows: [row] });
    await expect(collect()).rejects.toThrow(/engine version 2; switch it to engine version 3/);
  });

  it('rejects hostile flags before any request', async () => {
    const s = await serve();
    await expect(collect({ accounts: ["111122223333' OR '1'='1"] })).rejects.toThrow(UsageError);
    await expect(collect({ regions: ["eu-west-1') --"] })).rejects.toThrow(UsageError);
    await expect(collect({ url: 'athena://cloudtrail.org_trail"; DROP TABLE x' })).rejects.toThrow(UsageError);
    await expect(collect({ partitionColumns: { region: 'region" OR 1=1' } })).rejects.toThrow(UsageError);
    await expect(collect({ workgroup: 'primary; x' })).rejects.toThrow(UsageError);
    await expect(collect({ outputLocation: 'https://bucket/x' })).rejects.toThrow(/--athena-output/);
    expect(s.requests).toHaveLength(0);
  });

  it('needs a region', async () => {
    await serve();
    delete process.env.AWS_REGION;
    await expect(collect()).rejects.toThrow(/Athena needs a region: pass --aws-region/);
  });
});

// ---------------------------------------------------------------------------
// `iot-audit athena-table`, in a child process as a user runs it.
// ---------------------------------------------------------------------------

const runAthenaTable = (args: string[]) => runCli(['athena-table', ...args]);

describe('iot-audit athena-table', () => {
  const COMMON = ['--bucket', 'org-trail-bucket', '--prefix', 'trail', '--organization-id', ORG, '--regions', 'eu-west-1,us-east-1', '--start-date', '2024/01/01'];

  it('prints the DDL with the accounts of the flags and of an accounts file', async () => {
    const file = path.join(dir, 'accounts.json');
    await writeFile(file, JSON.stringify({ Accounts: [{ Id: '777788889999', Name: 'Fleet', Status: 'ACTIVE' }] }));
    const { code, stdout, stderr } = await runAthenaTable([...COMMON, '--accounts', `${A},${B}`, '--accounts', A, '--accounts-file', file, '--table', 'org_trail']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^CREATE EXTERNAL TABLE `default`\.`org_trail` \(/);
    expect(stdout).toContain(`'projection.account.values'='${A},${B},777788889999'`);
    expect(stdout).toContain(`'storage.location.template'='s3://org-trail-bucket/trail/AWSLogs/${ORG}/\${account}/CloudTrail/\${region}/\${timestamp}'`);
  });

  it('returns the statement and its location with --json', async () => {
    const { code, stdout } = await runAthenaTable([...COMMON, '--accounts', A, '--json']);
    expect(code).toBe(0);
    const json = JSON.parse(stdout) as { ddl: string; location: string; partitionColumns: object };
    expect(json.location).toBe(`s3://org-trail-bucket/trail/AWSLogs/${ORG}/`);
    expect(json.partitionColumns).toEqual({ account: 'account', region: 'region', day: 'timestamp' });
    expect(json.ddl.startsWith('CREATE EXTERNAL TABLE')).toBe(true);
  });

  it('refuses input that would break the statement: one line, exit 2, nothing on stdout', async () => {
    const hostile = await runAthenaTable([...COMMON.slice(0, 2), '--prefix', "x'/${account}", ...COMMON.slice(4), '--accounts', A]);
    expect(hostile.code).toBe(2);
    expect(hostile.stdout).toBe('');
    expect(hostile.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^Error: --prefix .* use letters, digits/)]);

    const noAccounts = await runAthenaTable(COMMON);
    expect(noAccounts.code).toBe(2);
    expect(noAccounts.stderr).toContain('--accounts');
  });
});
