/**
 * Athena result rows with forged values: a complex column nested thousands of levels deep is cut
 * at `MAX_NESTING` as a log file's record is (the run goes on and reads the other rows), and a
 * `$path` is read from its first `AWSLogs/` segment, never from a layout nested inside the key.
 */
import { AthenaClient } from '@aws-sdk/client-athena';
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_NESTING, normalizeRecord, TOO_DEEP } from '../../src/cloudtrail/normalize.js';
import { resolvePeriod } from '../../src/collect/period.js';
import { runAthenaCollection } from '../../src/sources/athena/collect.js';
import type { ResultRow } from '../../src/sources/athena/query.js';
import { logObjectOfPath, recordFromRow, type ColumnReading } from '../../src/sources/athena/rows.js';
import { CLOUDTRAIL_COLUMNS } from '../../src/sources/athena/schema.js';
import { rowsFromRecords, startAthenaServer, type AthenaServer } from '../helpers/athena-server.js';

const LEVELS = 4000;
/** JSON text of objects nested `LEVELS` deep (`{"k":{"k":...1...}}`), built without a recursive stringify. */
const DEEP_OBJECT = `${'{"k":'.repeat(LEVELS)}1${'}'.repeat(LEVELS)}`;
/** JSON text of arrays nested `LEVELS` deep. */
const DEEP_ARRAY = `${'['.repeat(LEVELS)}"bottom"${']'.repeat(LEVELS)}`;

/** Levels of objects and arrays in `value`, itself the first (test values are at most `MAX_NESTING` + 1 deep). */
const depthOf = (v: unknown): number => (typeof v === 'object' && v !== null ? 1 + Math.max(0, ...Object.values(v).map(depthOf)) : 0);

const readings = new Map<string, ColumnReading>([
  ['useridentity', { complex: true, struct: true }],
  ['resources', { complex: true, struct: false }],
  ['custom', { complex: true, struct: false }],
  ['eventname', { complex: false, struct: false }],
  ['eventsource', { complex: false, struct: false }],
  ['eventtime', { complex: false, struct: false }],
  ['eventversion', { complex: false, struct: false }],
]);
const row = (entries: [string, string | null][]): ResultRow => new Map(entries);

describe('a complex column nested thousands of levels deep', () => {
  it('is cut at MAX_NESTING levels with TOO_DEEP in place of the rest, the row\'s other values kept', () => {
    const identity = `{"type":"IAMUser","arn":"arn:aws:iam::111122223333:user/alice","accountid":"111122223333","username":"alice","sessioncontext":{"attributes":${DEEP_OBJECT}}}`;
    const { raw } = recordFromRow(
      row([
        ['eventname', 'CreateThing'],
        ['useridentity', identity],
        ['resources', DEEP_ARRAY],
        ['custom', DEEP_OBJECT],
        ['$path', 's3://b/k.json.gz'],
      ]),
      readings,
    );
    expect(raw.eventName).toBe('CreateThing');
    const userIdentity = raw.userIdentity as Record<string, unknown>;
    // Known struct fields still get the log's spelling; only what lies too deep is left out.
    expect(userIdentity).toMatchObject({ type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/alice', accountId: '111122223333', userName: 'alice' });
    expect(userIdentity.sessionContext).toHaveProperty('attributes.k.k');
    for (const column of [raw.userIdentity, raw.resources, raw.custom]) {
      expect(depthOf(column)).toBe(MAX_NESTING);
      expect(JSON.stringify(column)).toContain(JSON.stringify(TOO_DEEP));
    }
  });

  it('keeps a value exactly MAX_NESTING levels deep as it is', () => {
    const text = `${'['.repeat(MAX_NESTING)}"bottom"${']'.repeat(MAX_NESTING)}`;
    const { raw } = recordFromRow(row([['resources', text]]), readings);
    expect(raw.resources).toEqual(JSON.parse(text));
  });

  it('gives the record a log file holding the same record gives', () => {
    // No eventID: the record's content id hashes the whole (cut) identity, so the two cuts must match.
    const base = '"eventVersion":"1.09","eventSource":"iot.amazonaws.com","eventName":"CreateThing","eventTime":"2026-10-05T10:00:00Z"';
    const fromFile = normalizeRecord(
      JSON.parse(`{${base},"userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::111122223333:user/alice","accountId":"111122223333","userName":"alice","extra":${DEEP_ARRAY}}}`),
    );
    const { raw } = recordFromRow(
      row([
        ['eventversion', '1.09'],
        ['eventsource', 'iot.amazonaws.com'],
        ['eventname', 'CreateThing'],
        ['eventtime', '2026-10-05T10:00:00Z'],
        ['useridentity', `{"type":"IAMUser","arn":"arn:aws:iam::111122223333:user/alice","accountid":"111122223333","username":"alice","extra":${DEEP_ARRAY}}`],
      ]),
      readings,
    );
    const fromRow = normalizeRecord(raw);
    expect(fromRow).not.toBeNull();
    expect(fromRow!.contentId).toMatch(/^[0-9a-f]{32}$/);
    expect(fromRow).toEqual(fromFile);
  });
});

describe('an Athena run with one forged row', () => {
  let server: AthenaServer | undefined;
  let client: AthenaClient | undefined;
  afterEach(async () => {
    client?.destroy();
    client = undefined;
    await server?.close();
    server = undefined;
  });

  it('does not fail: the forged row is cut and every other row is read', async () => {
    const key = (n: number) => `s3://trail-bucket/AWSLogs/111122223333/CloudTrail/eu-west-1/2026/10/05/111122223333_CloudTrail_eu-west-1_20261005T1005Z_${String(n).padStart(16, '0')}.json.gz`;
    const record = (n: number) => ({
      eventVersion: '1.09',
      userIdentity: { type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/alice', accountId: '111122223333', userName: 'alice' },
      eventTime: `2026-10-05T10:0${n}:00Z`,
      eventSource: 'iot.amazonaws.com',
      eventName: 'CreateThing',
      eventID: `event-${n}`,
    });
    const rows = rowsFromRecords([record(0), record(1), record(2)], [key(0), key(1), key(2)]);
    // The middle row's identity as no table would give it: a forged value 4,000 levels deep.
    const identity = CLOUDTRAIL_COLUMNS.findIndex((c) => c.key === 'userIdentity');
    rows[1].Data![identity] = { VarCharValue: `{"type":"IAMUser","arn":"arn:aws:iam::111122223333:user/alice","accountid":"111122223333","username":"mallory","extra":${DEEP_OBJECT}}` };
    server = await startAthenaServer({ rows });
    client = new AthenaClient({ endpoint: server.url, region: 'eu-west-1', maxAttempts: 1, credentials: { accessKeyId: 'AKIDLOOPBACKTEST', secretAccessKey: 'loopback-test-secret' } });

    const result = await runAthenaCollection({
      url: 'athena://cloudtrail.org_trail',
      period: resolvePeriod({ period: '2026-10', tz: 'UTC' }, new Date('2026-11-15T00:00:00Z')),
      lateDays: 1,
      poll: { initialMs: 5, maxMs: 20 },
      client,
    });

    expect(result.rowsRead).toBe(3);
    expect(result.records.map((r) => r.record.eventId)).toEqual(['event-0', 'event-1', 'event-2']);
    expect(result.records[1].record.actor).toEqual(normalizeRecord({ ...record(1), userIdentity: { ...record(1).userIdentity, userName: 'mallory' } })!.actor);
    expect(result.records[1].file).toMatchObject({ accountId: '111122223333', region: 'eu-west-1', deliveryDay: '2026-10-05' });
  });
});

describe('the log object a $path names', () => {
  const NOT_A_LOG = { accountId: null, region: null, deliveryDay: null, organizationId: null };

  it('reads the first AWSLogs/ segment, not a layout nested deeper in the key', () => {
    const key = 'AWSLogs/111111111111/CloudTrail/us-east-1/2026/10/01/x/AWSLogs/222222222222/CloudTrail/eu-west-1/2026/10/02/f.json.gz';
    expect(logObjectOfPath(`s3://bucket/${key}`, 'athena://db.t')).toEqual({ key, source: 's3://bucket', ...NOT_A_LOG });
    // Also behind a user prefix, and with an organization id on either layout.
    for (const forged of [
      `prefix/${key}`,
      'p/AWSLogs/o-a1b2c3d4e5/111111111111/CloudTrail/us-east-1/2026/10/01/AWSLogs/o-a1b2c3d4e5/222222222222/CloudTrail/eu-west-1/2026/10/02/f.json.gz',
      'p/AWSLogs/111111111111/CloudTrail/us-east-1/2026/10/01/x/y/p/AWSLogs/o-a1b2c3d4e5/222222222222/CloudTrail/eu-west-1/2026/10/02/f.json.gz',
    ]) {
      expect(logObjectOfPath(`s3://bucket/${forged}`, 'x')).toMatchObject({ key: forged, ...NOT_A_LOG });
    }
  });

  it('still reads a log file\'s key, with or without a user prefix and an organization id', () => {
    const file = '111122223333_CloudTrail_eu-west-1_20261005T1005Z_abcdefghij012345.json.gz';
    const org = { accountId: '111122223333', region: 'eu-west-1', deliveryDay: '2026-10-05', organizationId: 'o-a1b2c3d4e5' };
    expect(logObjectOfPath(`s3://b/team/trails/AWSLogs/o-a1b2c3d4e5/111122223333/CloudTrail/eu-west-1/2026/10/05/${file}`, 'x')).toEqual({
      key: `team/trails/AWSLogs/o-a1b2c3d4e5/111122223333/CloudTrail/eu-west-1/2026/10/05/${file}`,
      source: 's3://b',
      ...org,
    });
    expect(logObjectOfPath(`s3://b/AWSLogs/o-a1b2c3d4e5/111122223333/CloudTrail/eu-west-1/2026/10/05/${file}`, 'x')).toMatchObject(org);
    expect(logObjectOfPath(`s3://b/AWSLogs/111122223333/CloudTrail/eu-west-1/2026/10/05/${file}`, 'x')).toMatchObject({ ...org, organizationId: null });
    // A prefix that merely ends in "AWSLogs" is not the layout's segment; the one after it is.
    expect(logObjectOfPath(`s3://b/myAWSLogs/AWSLogs/111122223333/CloudTrail/eu-west-1/2026/10/05/${file}`, 'x')).toMatchObject({ ...org, organizationId: null });
  });

  it('refuses a key deeper than the layout, or not at a segment\'s start', () => {
    for (const key of [
      'AWSLogs/111122223333/CloudTrail/eu-west-1/2026/10/05/extra/f.json.gz',
      'p/AWSLogs/o-a1b2c3d4e5/111122223333/CloudTrail/eu-west-1/2026/10/05/a/b/f.json.gz',
      'AWSLogs/111122223333/CloudTrail/eu-west-1/2026/10/05/',
      'xAWSLogs/111122223333/CloudTrail/eu-west-1/2026/10/05/f.json.gz',
      'AWSLogs/111122223333/extra/CloudTrail/eu-west-1/2026/10/05/f.json.gz',
    ]) {
      expect(logObjectOfPath(`s3://b/${key}`, 'x')).toMatchObject({ key, ...NOT_A_LOG });
    }
  });
});
