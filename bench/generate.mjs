#!/usr/bin/env node
// Writes a realistic copy of an organization trail for the benchmark, once per scale:
//   node bench/generate.mjs [--scale 1] [--iot-share 0.0025] [--threads N] [--force]
// Scale 1 is ~15,300 log files, ~1.9 million records, ~2 GB uncompressed (~0.25% IoT).
// The tree goes to $IOT_AUDIT_BENCH_DIR/scale-<s>/ (default <repo>/.bench-cache/scale-<s>/);
// with another --iot-share, to scale-<s>-iot-<share>/ (the same logs, another IoT count):
//   trail/AWSLogs/o-…/<acct>/CloudTrail/<region>/YYYY/MM/DD/<file>.json.gz
//   accounts.json           (the `aws organizations list-accounts` output for --accounts-file)
//   COMPLETE.json           (written last: what the tree holds; its presence means "done")
// Everything is derived from seeds, so the same scale gives the same bytes on any machine
// and with any number of threads.
import { createHash } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { gzipSync } from 'node:zlib';

/** Bump when the generated content changes: an older cache is then rebuilt. */
const GENERATOR_VERSION = 6;
const MARKER = 'COMPLETE.json';
const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const ORG_ID = 'o-k7rq2mbx9d';
const ACCOUNTS = [
  { id: '111122223333', name: 'management', iot: false },
  { id: '210987654321', name: 'iot-fleet-prod', iot: true },
  { id: '345678901234', name: 'iot-fleet-staging', iot: true },
  { id: '456789012345', name: 'data-platform', iot: false },
  { id: '567890123456', name: 'security-tooling', iot: false },
  { id: '678901234567', name: 'iot-factory-eu', iot: true },
];
/** Relative activity of each region (how many files it gets). */
const REGIONS = [
  { name: 'us-east-1', weight: 4 },
  { name: 'eu-west-1', weight: 3 },
  { name: 'eu-central-1', weight: 2 },
  { name: 'ap-southeast-2', weight: 1 },
];
/** October 2026 plus the spill days a report for October reads or may meet. */
const DAYS = ['2026-09-30', ...Array.from({ length: 31 }, (_, i) => `2026-10-${String(i + 1).padStart(2, '0')}`), '2026-11-01', '2026-11-02'];
const FILES_AT_SCALE_1 = 15_300;
const MEAN_RECORDS_PER_FILE = 124;
/** The share of IoT records, by default. */
export const IOT_SHARE = 0.0025;

// ---------------------------------------------------------------------------
// Deterministic randomness.
// ---------------------------------------------------------------------------

function seedOf(text) {
  return createHash('sha256').update(text).digest().readUInt32LE(0);
}

/** mulberry32: small, fast and good enough for synthetic data. */
export function rng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n) => Math.floor(next() * n);
  const pick = (list) => list[int(list.length)];
  const hex = (n) => {
    let s = '';
    while (s.length < n) s += ((next() * 0x100000000) >>> 0).toString(16).padStart(8, '0');
    return s.slice(0, n);
  };
  const alnum = (n, alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567') => {
    let s = '';
    for (let i = 0; i < n; i++) s += alphabet[int(alphabet.length)];
    return s;
  };
  const uuid = () => {
    const h = hex(32);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${'89ab'[int(4)]}${h.slice(17, 20)}-${h.slice(20, 32)}`;
  };
  return { next, int, pick, hex, alnum, uuid };
}

// ---------------------------------------------------------------------------
// The plan: which files exist, and which IoT events go into which file.
// ---------------------------------------------------------------------------

function isoMinute(ms) {
  return new Date(ms).toISOString().slice(0, 16).replace(/[-:]/g, '') + 'Z';
}

function planFiles(scale) {
  const r = rng(seedOf(`files:${scale}`));
  const total = Math.max(1, Math.round(FILES_AT_SCALE_1 * scale));
  const slots = [];
  for (const account of ACCOUNTS) for (const region of REGIONS) for (const day of DAYS) slots.push({ account, region, day });
  // Spill days carry only part of a day's delivery: the boundary hours matter, not volume.
  const shareOf = (day) => (day === '2026-09-30' || day === '2026-11-02' ? 0.35 : 1);
  const weightSum = slots.reduce((s, x) => s + x.region.weight * shareOf(x.day), 0);
  const files = [];
  let carry = 0;
  for (const slot of slots) {
    const exact = (total * slot.region.weight * shareOf(slot.day)) / weightSum + carry;
    const count = Math.floor(exact);
    carry = exact - count;
    const dayStart = Date.parse(`${slot.day}T00:00:00Z`);
    const firstMinute = slot.day === '2026-09-30' ? 16 * 60 : 0;
    const lastMinute = slot.day === '2026-11-02' ? 9 * 60 : 24 * 60 - 1;
    const minutes = [];
    for (let i = 0; i < count; i++) minutes.push(firstMinute + r.int(lastMinute - firstMinute));
    minutes.sort((a, b) => a - b);
    for (const minute of minutes) {
      const delivered = dayStart + minute * 60_000;
      const key =
        `AWSLogs/${ORG_ID}/${slot.account.id}/CloudTrail/${slot.region.name}/${slot.day.replaceAll('-', '/')}/` +
        `${slot.account.id}_CloudTrail_${slot.region.name}_${isoMinute(delivered)}_${r.alnum(16, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789')}.json.gz`;
      const u = r.next();
      files.push({
        key,
        accountId: slot.account.id,
        region: slot.region.name,
        delivered,
        // Skewed sizes: many small files, some large ones, as busy hours produce.
        records: 30 + Math.floor(Math.pow(u, 1.5) * 235),
        // One file in 400 is a late delivery holding events hours older.
        lateByMs: r.next() < 0.0025 ? (2 + r.int(20)) * 3_600_000 : 0,
        iot: [],
      });
    }
  }
  // Scale the record counts so the total is what the scale promises.
  const wanted = Math.round(FILES_AT_SCALE_1 * MEAN_RECORDS_PER_FILE * scale);
  const have = files.reduce((s, f) => s + f.records, 0);
  for (const f of files) f.records = Math.max(1, Math.round((f.records * wanted) / have));
  return files;
}

const IOT_ACTIONS = [
  // [eventName, weight]: changes dominate; some reads, which the report keeps but does not count.
  ['CreateKeysAndCertificate', 14], ['CreateCertificateFromCsr', 6], ['RegisterCertificate', 3], ['RegisterCertificateWithoutCA', 1],
  ['UpdateCertificate', 10], ['DeleteCertificate', 5], ['TransferCertificate', 1], ['AcceptCertificateTransfer', 1],
  ['RejectCertificateTransfer', 1], ['CancelCertificateTransfer', 1], ['RegisterCACertificate', 1], ['UpdateCACertificate', 1],
  ['DeleteCACertificate', 1], ['AttachThingPrincipal', 12], ['DetachThingPrincipal', 4], ['CreateProvisioningClaim', 2],
  ['CreateCertificateProvider', 1], ['UpdateCertificateProvider', 1], ['DeleteCertificateProvider', 1],
  ['CreatePolicy', 4], ['CreatePolicyVersion', 4], ['DeletePolicy', 1], ['DeletePolicyVersion', 2], ['SetDefaultPolicyVersion', 3],
  ['AttachPolicy', 12], ['DetachPolicy', 4], ['AttachPrincipalPolicy', 1], ['DetachPrincipalPolicy', 1],
  ['CreateThing', 6], ['DeleteThing', 2], ['CreateTopicRule', 1], ['CreateRoleAlias', 1], ['SetV2LoggingOptions', 1],
  ['ListThings', 3], ['DescribeCertificate', 3], ['ListAuthorizers', 1],
];
const IOT_WEIGHT_SUM = IOT_ACTIONS.reduce((s, [, w]) => s + w, 0);
const READ_ONLY_IOT = new Set(['ListThings', 'DescribeCertificate', 'ListAuthorizers']);
const MAKES_CERT = new Set(['CreateKeysAndCertificate', 'CreateCertificateFromCsr', 'RegisterCertificate', 'RegisterCertificateWithoutCA', 'RegisterCACertificate', 'CreateProvisioningClaim']);
const NEEDS_CERT = new Set([
  'UpdateCertificate', 'DeleteCertificate', 'TransferCertificate', 'AcceptCertificateTransfer', 'RejectCertificateTransfer', 'CancelCertificateTransfer',
  'UpdateCACertificate', 'DeleteCACertificate', 'AttachThingPrincipal', 'DetachThingPrincipal', 'AttachPolicy', 'DetachPolicy',
  'AttachPrincipalPolicy', 'DetachPrincipalPolicy', 'DescribeCertificate',
]);

/**
 * IoT events in time order per account and region, so certificates and policies are
 * coherent: a certificate is created before it is attached, updated or deleted.
 */
function planIotEvents(files, scale, iotShare) {
  const r = rng(seedOf(`iot:${scale}`));
  const totalRecords = files.reduce((s, f) => s + f.records, 0);
  const wanted = Math.round(totalRecords * iotShare);
  const byLocation = new Map();
  for (const f of files) {
    const loc = `${f.accountId}/${f.region}`;
    if (!byLocation.has(loc)) byLocation.set(loc, []);
    byLocation.get(loc).push(f);
  }
  const iotLocations = [...byLocation.keys()].filter((loc) => ACCOUNTS.find((a) => a.id === loc.split('/')[0]).iot);
  const events = [];
  for (let i = 0; i < wanted; i++) {
    const loc = iotLocations[i % iotLocations.length];
    const locFiles = byLocation.get(loc);
    const file = locFiles[r.int(locFiles.length)];
    events.push({ file, time: file.delivered - file.lateByMs - 60_000 - r.int(14 * 60_000) });
  }
  events.sort((a, b) => a.time - b.time);
  const locFilesOf = (f) => byLocation.get(`${f.accountId}/${f.region}`);
  const state = new Map(); // location -> { certs: [], policies: [], things: [], n }
  for (const e of events) {
    const loc = `${e.file.accountId}/${e.file.region}`;
    if (!state.has(loc)) state.set(loc, { certs: [], policies: [], things: [], n: 0 });
    const s = state.get(loc);
    s.n++;
    let u = r.next() * IOT_WEIGHT_SUM;
    let action = IOT_ACTIONS[0][0];
    for (const [name, w] of IOT_ACTIONS) {
      if ((u -= w) < 0) {
        action = name;
        break;
      }
    }
    // Certificates must exist before anything else happens to them; denied calls change nothing.
    if (NEEDS_CERT.has(action) && s.certs.length === 0) action = 'CreateKeysAndCertificate';
    const denied = r.next() < 0.03;
    const certId = MAKES_CERT.has(action)
      ? createHash('sha256').update(`${loc}:cert:${s.n}`).digest('hex')
      : s.certs.length > 0 ? s.certs[r.int(s.certs.length)] : createHash('sha256').update(`${loc}:cert:none`).digest('hex');
    if (MAKES_CERT.has(action) && !denied) s.certs.push(certId);
    if (action === 'DeleteCertificate' && !denied) s.certs.splice(s.certs.indexOf(certId), 1);
    let policyName = s.policies.length > 0 ? s.policies[r.int(s.policies.length)] : `fleet-policy-${loc.split('/')[1]}-0`;
    if (action === 'CreatePolicy') {
      policyName = `fleet-policy-${loc.split('/')[1]}-${s.n}`;
      if (!denied) s.policies.push(policyName);
    }
    let thingName = s.things.length > 0 ? s.things[r.int(s.things.length)] : `sensor-${s.n}`;
    if (action === 'CreateThing') {
      thingName = `sensor-${loc.split('/')[0].slice(-4)}-${s.n}`;
      if (!denied) s.things.push(thingName);
    }
    e.file.iot.push({ action, time: e.time, certId, policyName, thingName, denied, seq: s.n });
    // One IoT event in 200 is delivered again in a later file (two trails into one bucket).
    if (r.next() < 0.005) {
      const later = locFilesOf(e.file).filter((f) => f.delivered > e.time && f.delivered < e.time + 2 * 86_400_000 && f !== e.file);
      if (later.length > 0) later[r.int(later.length)].iot.push({ action, time: e.time, certId, policyName, thingName, denied, seq: s.n, duplicateOf: e.file.key });
    }
  }
  return events.length;
}

// ---------------------------------------------------------------------------
// Records.
// ---------------------------------------------------------------------------

const USERS = ['alice', 'bob', 'carol', 'deploy-bot', 'José.García', 'ops-automation', 'mária', 'terraform'];
const ROLES = ['AdminRole', 'ReadOnly', 'PlatformDeployer', 'AWSReservedSSO_PowerUser_9f3c1d2e', 'ci-pipeline', 'FleetProvisioner'];
/** `{service}` is the called service, as SDKs name it in their user agent. */
const AGENTS = [
  'aws-cli/2.17.20 md/awscrt#0.20.11 ua/2.0 os/linux#6.1.0-18-cloud-amd64 md/arch#x86_64 lang/python#3.11.9 md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe md/distrib#debian.12 md/prompt#off md/command#sts.assume-role',
  'Boto3/1.34.144 md/Botocore#1.34.144 ua/2.0 os/linux#5.10.220-209.869.amzn2.x86_64 md/arch#x86_64 lang/python#3.12.3 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.34.144',
  'aws-sdk-js/3.637.0 ua/2.1 os/linux#6.8.0-1012-aws lang/js md/nodejs#20.17.0 api/{service}#3.637.0 m/E',
  'APN/1.0 HashiCorp/1.0 Terraform/1.9.5 (+https://www.terraform.io) terraform-provider-aws/5.64.0 (+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go-v2/1.30.4 ua/2.1 os/linux lang/go#1.22.5 md/GOOS#linux md/GOARCH#amd64 api/{service}#1.176.0',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/128.0.0.0 Safari/537.36',
  'console.amazonaws.com',
];

function iso(ms) {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function ip(r) {
  return `${[3, 18, 34, 52, 54, 35, 44, 13][r.int(8)]}.${r.int(256)}.${r.int(256)}.${1 + r.int(254)}`;
}

function assumedRole(r, accountId) {
  const role = r.pick(ROLES);
  const session = r.pick(USERS);
  return {
    type: 'AssumedRole',
    principalId: `AROA${r.alnum(17)}:${session}`,
    arn: `arn:aws:sts::${accountId}:assumed-role/${role}/${session}`,
    accountId,
    accessKeyId: `ASIA${r.alnum(16)}`,
    sessionContext: {
      sessionIssuer: { type: 'Role', principalId: `AROA${r.alnum(17)}`, arn: `arn:aws:iam::${accountId}:role/${role}`, accountId, userName: role },
      attributes: { creationDate: iso(Date.parse('2026-10-01T00:00:00Z') + r.int(33 * 86_400_000)), mfaAuthenticated: r.next() < 0.2 ? 'true' : 'false' },
      ...(r.next() < 0.1 ? { sourceIdentity: r.pick(USERS) } : {}),
    },
  };
}

function serviceIdentity(service, accountId) {
  return { type: 'AWSService', invokedBy: service, ...(accountId ? { accountId } : {}) };
}

function tls(r, host) {
  // Older SDKs and internal calls carry no TLS details.
  if (r.next() < 0.4) return undefined;
  return { tlsVersion: 'TLSv1.3', cipherSuite: r.pick(['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384']), clientProvidedHostHeader: host };
}

/** Noise: the management events of other services that make up >99% of a trail. */
const NOISE = [
  [30, (r, ctx) => {
    // Role sessions used by services, IoT rule actions among them: these mention
    // `iot.amazonaws.com` without being IoT events.
    const viaIot = r.next() < 0.04;
    const svc = viaIot ? 'iot.amazonaws.com' : r.pick(['lambda.amazonaws.com', 'ecs-tasks.amazonaws.com', 'ec2.amazonaws.com', 'sso.amazonaws.com']);
    const role = r.pick(ROLES);
    return {
      userIdentity: serviceIdentity(svc),
      eventSource: 'sts.amazonaws.com', eventName: 'AssumeRole', sourceIPAddress: svc, userAgent: svc,
      requestParameters: { roleArn: `arn:aws:iam::${ctx.accountId}:role/${role}`, roleSessionName: viaIot ? `iot-rule-${r.hex(12)}` : r.hex(16), durationSeconds: 3600 },
      responseElements: {
        credentials: { accessKeyId: `ASIA${r.alnum(16)}`, sessionToken: r.alnum(64, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'), expiration: 'Oct 12, 2026, 5:10:03 PM' },
        assumedRoleUser: { assumedRoleId: `AROA${r.alnum(17)}:${r.hex(16)}`, arn: `arn:aws:sts::${ctx.accountId}:assumed-role/${role}/${r.hex(16)}` },
      },
      ...(r.next() < 0.5 ? { resources: [{ accountId: ctx.accountId, type: 'AWS::IAM::Role', ARN: `arn:aws:iam::${ctx.accountId}:role/${role}` }] } : {}),
      readOnly: true, eventType: 'AwsApiCall', sharedEventID: r.uuid(),
    };
  }],
  [34, (r, ctx) => ({
    userIdentity: serviceIdentity(r.pick(['s3.amazonaws.com', 'lambda.amazonaws.com', 'secretsmanager.amazonaws.com']), ctx.accountId),
    eventSource: 'kms.amazonaws.com', eventName: r.pick(['Decrypt', 'GenerateDataKey', 'Encrypt']), sourceIPAddress: 'AWS Internal', userAgent: 'AWS Internal',
    requestParameters: { encryptionContext: { 'aws:s3:arn': `arn:aws:s3:::data-${ctx.accountId}/raw/${r.hex(10)}.parquet` }, encryptionAlgorithm: 'SYMMETRIC_DEFAULT', keyId: `arn:aws:kms:${ctx.region}:${ctx.accountId}:key/${r.uuid()}` },
    responseElements: null,
    resources: [{ accountId: ctx.accountId, type: 'AWS::KMS::Key', ARN: `arn:aws:kms:${ctx.region}:${ctx.accountId}:key/${r.uuid()}` }],
    readOnly: true, eventType: 'AwsApiCall', sharedEventID: r.uuid(),
  })],
  [11, (r, ctx) => ({
    userIdentity: assumedRole(r, ctx.accountId),
    eventSource: 'ec2.amazonaws.com', eventName: r.pick(['DescribeInstances', 'DescribeSecurityGroups', 'DescribeVolumes']), sourceIPAddress: ip(r), userAgent: r.pick(AGENTS),
    // Nested arrays of objects: `},{` that is not a record boundary.
    requestParameters: {
      instancesSet: {},
      filterSet: { items: [{ name: 'tag:Name', valueSet: { items: [{ value: `web-${r.int(99)}` }, { value: `api-${r.int(99)}` }] } }, { name: 'instance-state-name', valueSet: { items: [{ value: 'running' }] } }] },
    },
    responseElements: null, readOnly: true, eventType: 'AwsApiCall', tlsDetails: tls(r, `ec2.${ctx.region}.amazonaws.com`),
  })],
  [7, (r, ctx) => ({
    userIdentity: assumedRole(r, ctx.accountId),
    eventSource: 's3.amazonaws.com', eventName: r.pick(['GetBucketAcl', 'GetBucketPolicy', 'ListBuckets', 'GetBucketEncryption']), sourceIPAddress: ip(r), userAgent: r.pick(AGENTS),
    requestParameters: { bucketName: `data-${ctx.accountId}`, Host: `data-${ctx.accountId}.s3.${ctx.region}.amazonaws.com`, acl: '' },
    responseElements: null,
    additionalEventData: { SignatureVersion: 'SigV4', CipherSuite: 'TLS_AES_128_GCM_SHA256', bytesTransferredIn: 0, AuthenticationMethod: 'AuthHeader', 'x-amz-id-2': r.alnum(76, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'), bytesTransferredOut: 1200 + r.int(4000) },
    resources: [{ type: 'AWS::S3::Bucket', ARN: `arn:aws:s3:::data-${ctx.accountId}` }],
    readOnly: true, eventType: 'AwsApiCall', tlsDetails: tls(r, `data-${ctx.accountId}.s3.${ctx.region}.amazonaws.com`),
  })],
  [1.5, (r, ctx) => {
    // IAM policies are JSON documents inside strings: braces, brackets and escaped quotes in
    // values; some name IoT resources, so they mention `arn:aws:iot:` without being IoT events.
    const iotDoc = r.next() < 0.1;
    const doc = {
      Version: '2012-10-17',
      Statement: [{
        Effect: 'Allow',
        Action: iotDoc ? ['iot:Connect', 'iot:Publish'] : ['s3:GetObject', 's3:PutObject'],
        Resource: iotDoc ? [`arn:aws:iot:${ctx.region}:${ctx.accountId}:client/\${iot:Connection.Thing.ThingName}`] : [`arn:aws:s3:::data-${ctx.accountId}/*`],
        Condition: { StringEquals: { 'aws:PrincipalTag/team': r.pick(['iot', 'data', 'platform']) } },
      }],
    };
    const name = r.pick(['CreatePolicy', 'CreatePolicyVersion', 'PutRolePolicy', 'DeletePolicy', 'SetDefaultPolicyVersion']);
    return {
      userIdentity: assumedRole(r, ctx.accountId),
      eventSource: 'iam.amazonaws.com', eventName: name, sourceIPAddress: ip(r), userAgent: r.pick(AGENTS), awsRegion: 'us-east-1',
      requestParameters: { policyName: `team-${r.hex(6)}`, policyDocument: JSON.stringify(doc, null, 4), ...(name === 'CreatePolicyVersion' ? { setAsDefault: true } : {}) },
      responseElements: name === 'CreatePolicy' ? { policy: { policyName: `team-${r.hex(6)}`, policyId: `ANPA${r.alnum(17)}`, arn: `arn:aws:iam::${ctx.accountId}:policy/team-${r.hex(6)}`, path: '/', defaultVersionId: 'v1', attachmentCount: 0, isAttachable: true, createDate: 'Oct 3, 2026, 1:02:03 PM', updateDate: 'Oct 3, 2026, 1:02:03 PM' } } : null,
      readOnly: false, eventType: 'AwsApiCall', tlsDetails: tls(r, 'iam.amazonaws.com'),
    };
  }],
  [8, (r, ctx) => ({
    userIdentity: assumedRole(r, ctx.accountId),
    eventSource: r.pick(['lambda.amazonaws.com', 'logs.amazonaws.com', 'ssm.amazonaws.com', 'dynamodb.amazonaws.com', 'cloudformation.amazonaws.com', 'secretsmanager.amazonaws.com', 'ecr.amazonaws.com', 'monitoring.amazonaws.com']),
    eventName: r.pick(['GetFunction', 'DescribeLogGroups', 'GetParameters', 'DescribeTable', 'DescribeStacks', 'GetSecretValue', 'GetAuthorizationToken', 'DescribeAlarms']),
    sourceIPAddress: ip(r), userAgent: r.pick(AGENTS),
    requestParameters: { names: [`/app/${r.hex(6)}/db-url`, `/app/${r.hex(6)}/api-key`], withDecryption: true, maxResults: 50 },
    responseElements: null, readOnly: true, eventType: 'AwsApiCall', tlsDetails: tls(r, `api.${ctx.region}.amazonaws.com`),
  })],
  [4, (r, ctx) => ({
    // Colliding names: DeleteCertificate and AttachPolicy of other services.
    userIdentity: assumedRole(r, ctx.accountId),
    eventSource: r.pick(['acm.amazonaws.com', 'organizations.amazonaws.com']), eventName: r.pick(['DeleteCertificate', 'AttachPolicy', 'DetachPolicy', 'DescribeAccount']),
    sourceIPAddress: ip(r), userAgent: r.pick(AGENTS),
    requestParameters: { certificateArn: `arn:aws:acm:${ctx.region}:${ctx.accountId}:certificate/${r.uuid()}`, policyId: `p-${r.alnum(8, 'abcdefghijklmnopqrstuvwxyz0123456789')}`, targetId: ctx.accountId },
    responseElements: null, readOnly: false, eventType: 'AwsApiCall',
  })],
  [2, (r, ctx) => ({
    userIdentity: { type: 'Root', principalId: ctx.accountId, arn: `arn:aws:iam::${ctx.accountId}:root`, accountId: ctx.accountId },
    eventSource: 'signin.amazonaws.com', eventName: 'ConsoleLogin', sourceIPAddress: ip(r), userAgent: AGENTS[4], awsRegion: 'us-east-1',
    requestParameters: null, responseElements: { ConsoleLogin: r.next() < 0.1 ? 'Failure' : 'Success' },
    additionalEventData: { LoginTo: 'https://console.aws.amazon.com/console/home?state=hashArgs%23&isauthcode=true', MobileVersion: 'No', MFAUsed: 'Yes' },
    readOnly: false, eventType: 'AwsConsoleSignIn',
  })],
  [0.7, (r, ctx) => {
    // A large record: EC2 RunInstances with a long response.
    const items = Array.from({ length: 1 + r.int(4) }, () => ({
      instanceId: `i-${r.hex(17)}`, imageId: `ami-${r.hex(17)}`, instanceState: { code: 0, name: 'pending' }, privateDnsName: `ip-10-0-${r.int(255)}-${r.int(255)}.ec2.internal`,
      amiLaunchIndex: 0, productCodes: {}, instanceType: 't3.micro', launchTime: 1791000000000 + r.int(1e9), placement: { availabilityZone: `${ctx.region}a`, tenancy: 'default' },
      monitoring: { state: 'disabled' }, subnetId: `subnet-${r.hex(17)}`, vpcId: `vpc-${r.hex(17)}`, privateIpAddress: `10.0.${r.int(255)}.${r.int(255)}`,
      stateReason: { code: 'pending', message: 'pending' }, architecture: 'x86_64', rootDeviceType: 'ebs', rootDeviceName: '/dev/xvda',
      blockDeviceMapping: {}, virtualizationType: 'hvm', hypervisor: 'xen', groupSet: { items: [{ groupId: `sg-${r.hex(17)}`, groupName: 'default' }] },
      networkInterfaceSet: { items: [{ networkInterfaceId: `eni-${r.hex(17)}`, subnetId: `subnet-${r.hex(17)}`, status: 'in-use', privateIpAddress: `10.0.${r.int(255)}.${r.int(255)}`, sourceDestCheck: true, interfaceType: 'interface' }] },
      ebsOptimized: false, enaSupport: true, cpuOptions: { coreCount: 1, threadsPerCore: 2 }, capacityReservationSpecification: { capacityReservationPreference: 'open' },
      metadataOptions: { state: 'pending', httpTokens: 'required', httpPutResponseHopLimit: 2, httpEndpoint: 'enabled' },
    }));
    return {
      userIdentity: assumedRole(r, ctx.accountId),
      eventSource: 'ec2.amazonaws.com', eventName: 'RunInstances', sourceIPAddress: ip(r), userAgent: r.pick(AGENTS),
      requestParameters: { instancesSet: { items: [{ imageId: `ami-${r.hex(17)}`, minCount: items.length, maxCount: items.length }] }, instanceType: 't3.micro', blockDeviceMapping: {}, monitoring: { enabled: false }, disableApiTermination: false, disableApiStop: false, clientToken: r.uuid() },
      responseElements: { requestId: r.uuid(), reservationId: `r-${r.hex(17)}`, ownerId: ctx.accountId, groupSet: {}, instancesSet: { items } },
      readOnly: false, eventType: 'AwsApiCall', tlsDetails: tls(r, `ec2.${ctx.region}.amazonaws.com`),
    };
  }],
];
const NOISE_WEIGHT_SUM = NOISE.reduce((s, [w]) => s + w, 0);

function iotParams(e, ctx, r) {
  const certArn = `arn:aws:iot:${ctx.region}:${ctx.accountId}:cert/${e.certId}`;
  const policyDocument = JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: r.next() < 0.1 ? 'iot:*' : ['iot:Connect', 'iot:Publish'], Resource: r.next() < 0.1 ? '*' : [`arn:aws:iot:${ctx.region}:${ctx.accountId}:topic/fleet/\${iot:Connection.Thing.ThingName}/*`] }],
  });
  switch (e.action) {
    case 'CreateKeysAndCertificate': return [{ setAsActive: r.next() < 0.8 }, { certificateArn: certArn, certificateId: e.certId }];
    case 'CreateCertificateFromCsr': return [{ certificateSigningRequest: '-----BEGIN CERTIFICATE REQUEST-----\nMIICvDCCAaQCAQAwdzELMAkGA1UEBhMCVVMx\n-----END CERTIFICATE REQUEST-----\n', setAsActive: true }, { certificateArn: certArn, certificateId: e.certId }];
    case 'RegisterCertificate': return [{ certificatePem: '-----BEGIN CERTIFICATE-----\nMIIDWTCCAkGgAwIBAgIU\n-----END CERTIFICATE-----\n', setAsActive: 'true', status: 'ACTIVE' }, { certificateArn: certArn, certificateId: e.certId }];
    case 'RegisterCertificateWithoutCA': return [{ certificatePem: '-----BEGIN CERTIFICATE-----\nMIIDWTCCAkGgAwIBAgIU\n-----END CERTIFICATE-----\n', status: 'ACTIVE' }, { certificateArn: certArn, certificateId: e.certId }];
    case 'UpdateCertificate': return [{ certificateId: e.certId, newStatus: r.pick(['ACTIVE', 'INACTIVE', 'INACTIVE', 'REVOKED']) }, null];
    case 'DeleteCertificate': return [{ certificateId: e.certId, forceDelete: r.next() < 0.3 }, null];
    case 'TransferCertificate': return [{ certificateId: e.certId, targetAwsAccount: '345678901234', transferMessage: 'moving to staging' }, { transferredCertificateArn: certArn }];
    case 'AcceptCertificateTransfer': case 'CancelCertificateTransfer': return [{ certificateId: e.certId, ...(e.action === 'AcceptCertificateTransfer' ? { setAsActive: true } : {}) }, null];
    case 'RejectCertificateTransfer': return [{ certificateId: e.certId, rejectReason: 'not expected' }, null];
    case 'RegisterCACertificate': return [{ caCertificate: '-----BEGIN CERTIFICATE-----\nMIIDxTCCAq2gAwIBAgIQ\n-----END CERTIFICATE-----\n', setAsActive: true, allowAutoRegistration: true, certificateMode: 'DEFAULT' }, { certificateArn: `arn:aws:iot:${ctx.region}:${ctx.accountId}:cacert/${e.certId}`, certificateId: e.certId }];
    case 'UpdateCACertificate': return [{ caCertificateId: e.certId, newStatus: 'INACTIVE', newAutoRegistrationStatus: 'DISABLE' }, null];
    case 'DeleteCACertificate': return [{ caCertificateId: e.certId }, null];
    case 'AttachThingPrincipal': case 'DetachThingPrincipal': return [{ thingName: e.thingName, principal: certArn, thingPrincipalType: 'EXCLUSIVE_THING' }, null];
    case 'CreateProvisioningClaim': return [{ templateName: 'fleet-provisioning' }, { certificateId: e.certId, certificateArn: certArn }];
    case 'CreateCertificateProvider': case 'UpdateCertificateProvider': case 'DeleteCertificateProvider':
      return [{ certificateProviderName: 'factory-ca', ...(e.action === 'DeleteCertificateProvider' ? {} : { lambdaFunctionArn: `arn:aws:lambda:${ctx.region}:${ctx.accountId}:function:sign-csr`, accountDefaultForOperations: ['CreateCertificateFromCsr'] }) }, null];
    case 'CreatePolicy': return [{ policyName: e.policyName, policyDocument }, { policyName: e.policyName, policyArn: `arn:aws:iot:${ctx.region}:${ctx.accountId}:policy/${e.policyName}`, policyVersionId: '1' }];
    case 'CreatePolicyVersion': return [{ policyName: e.policyName, policyDocument, setAsDefault: r.next() < 0.7 }, { policyArn: `arn:aws:iot:${ctx.region}:${ctx.accountId}:policy/${e.policyName}`, policyVersionId: String(2 + r.int(4)), isDefaultVersion: true }];
    case 'DeletePolicy': return [{ policyName: e.policyName }, null];
    case 'DeletePolicyVersion': case 'SetDefaultPolicyVersion': return [{ policyName: e.policyName, policyVersionId: String(1 + r.int(4)) }, null];
    case 'AttachPolicy': case 'DetachPolicy': return [{ policyName: e.policyName, target: certArn }, null];
    case 'AttachPrincipalPolicy': case 'DetachPrincipalPolicy': return [{ policyName: e.policyName, principal: certArn }, null];
    case 'CreateThing': return [{ thingName: e.thingName, thingTypeName: 'sensor', attributePayload: { attributes: { site: 'plant-7' } } }, { thingName: e.thingName, thingArn: `arn:aws:iot:${ctx.region}:${ctx.accountId}:thing/${e.thingName}`, thingId: r.uuid() }];
    case 'DeleteThing': return [{ thingName: e.thingName }, null];
    case 'CreateTopicRule': return [{ ruleName: `fleet_rule_${e.seq}`, topicRulePayload: { sql: "SELECT * FROM 'fleet/+/telemetry'", actions: [{ lambda: { functionArn: `arn:aws:lambda:${ctx.region}:${ctx.accountId}:function:ingest` } }] } }, null];
    case 'CreateRoleAlias': return [{ roleAlias: 'fleet-credentials', roleArn: `arn:aws:iam::${ctx.accountId}:role/FleetDevice`, credentialDurationSeconds: 3600 }, { roleAlias: 'fleet-credentials', roleAliasArn: `arn:aws:iot:${ctx.region}:${ctx.accountId}:rolealias/fleet-credentials` }];
    case 'SetV2LoggingOptions': return [{ roleArn: `arn:aws:iam::${ctx.accountId}:role/IoTLogging`, defaultLogLevel: r.pick(['ERROR', 'DISABLED']), disableAllLogs: false }, null];
    case 'ListThings': return [{ maxResults: 250 }, null];
    case 'DescribeCertificate': return [{ certificateId: e.certId }, null];
    default: return [null, null];
  }
}

function iotRecord(e, ctx, r) {
  const [requestParameters, responseElements] = iotParams(e, ctx, r);
  const readOnly = READ_ONLY_IOT.has(e.action);
  return {
    eventVersion: '1.09',
    userIdentity: assumedRole(r, ctx.accountId),
    eventTime: iso(e.time),
    eventSource: 'iot.amazonaws.com',
    eventName: e.action,
    awsRegion: ctx.region,
    sourceIPAddress: ip(r),
    userAgent: r.pick(AGENTS).replace('{service}', 'iot'),
    ...(e.denied ? { errorCode: 'AccessDenied', errorMessage: `User: arn:aws:sts::${ctx.accountId}:assumed-role/ReadOnly/bob is not authorized to perform: iot:${e.action}` } : {}),
    requestParameters,
    responseElements: e.denied ? null : responseElements,
    requestID: createHash('md5').update(`req:${ctx.accountId}:${e.seq}:${e.time}`).digest('hex').replace(/^(.{8})(.{4})(.{4})(.{4})/, '$1-$2-$3-$4-'),
    eventID: createHash('md5').update(`evt:${ctx.accountId}:${ctx.region}:${e.seq}:${e.time}`).digest('hex').replace(/^(.{8})(.{4})(.{4})(.{4})/, '$1-$2-$3-$4-'),
    readOnly,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: ctx.accountId,
    eventCategory: 'Management',
    tlsDetails: tls(r, `iot.${ctx.region}.amazonaws.com`),
  };
}

function noiseRecord(r, ctx, time) {
  let u = r.next() * NOISE_WEIGHT_SUM;
  let make = NOISE[0][1];
  for (const [w, f] of NOISE) {
    if ((u -= w) < 0) {
      make = f;
      break;
    }
  }
  const body = make(r, ctx);
  // CloudTrail's own key order.
  return {
    eventVersion: '1.09',
    userIdentity: body.userIdentity,
    eventTime: iso(time),
    eventSource: body.eventSource,
    eventName: body.eventName,
    awsRegion: body.awsRegion ?? ctx.region,
    sourceIPAddress: body.sourceIPAddress,
    userAgent: body.userAgent.replace('{service}', body.eventSource.split('.')[0]),
    requestParameters: body.requestParameters,
    responseElements: body.responseElements,
    ...(body.additionalEventData ? { additionalEventData: body.additionalEventData } : {}),
    requestID: r.uuid(),
    eventID: r.uuid(),
    readOnly: body.readOnly,
    ...(body.resources ? { resources: body.resources } : {}),
    eventType: body.eventType,
    managementEvent: true,
    recipientAccountId: ctx.accountId,
    ...(body.sharedEventID ? { sharedEventID: body.sharedEventID } : {}),
    eventCategory: 'Management',
    ...(body.tlsDetails ? { tlsDetails: body.tlsDetails } : {}),
  };
}

/** The uncompressed JSON text of one planned log file. */
function logText(spec) {
  const r = rng(seedOf(spec.key));
  const ctx = { accountId: spec.accountId, region: spec.region };
  const noiseCount = Math.max(0, spec.records - spec.iot.length);
  const parts = [];
  for (let i = 0; i < noiseCount; i++) {
    const time = spec.delivered - spec.lateByMs - 60_000 - r.int(14 * 60_000);
    parts.push(JSON.stringify(noiseRecord(r, ctx, time)));
  }
  // An event's details come from its own seed: a duplicate delivery is the same record.
  for (const e of spec.iot) parts.splice(r.int(parts.length + 1), 0, JSON.stringify(iotRecord(e, ctx, rng(seedOf(`${spec.accountId}/${spec.region}/${e.seq}`)))));
  return `{"Records":[${parts.join(',')}]}`;
}

/** A few files a real bucket also holds: unreadable ones the report must name. */
function brokenFiles(files) {
  const pickKey = (i, suffix) => files[Math.floor((files.length * (i + 1)) / 7)].key.replace(/\.json\.gz$/, suffix);
  const sample = gzipSync(Buffer.from('{"Records":[{"eventVersion":"1.09","eventSource":"iot.amazonaws.com","eventName":"CreateThing"}]}'));
  return [
    { key: pickKey(0, '.truncated.json.gz'), bytes: sample.subarray(0, Math.floor(sample.length / 2)) },
    { key: pickKey(1, '.badjson.json.gz'), bytes: gzipSync(Buffer.from('{"Records":[{"eventVersion":"1.09","eventSource":"iot.amazonaws.com",')) },
    { key: pickKey(2, '.notcloudtrail.json.gz'), bytes: gzipSync(Buffer.from('{"version":"0","findings":[]}')) },
    { key: pickKey(3, '.garbage.json.gz'), bytes: Buffer.from('this is not gzip and not json\n') },
    { key: pickKey(4, '.empty.json.gz'), bytes: Buffer.alloc(0) },
  ];
}

// ---------------------------------------------------------------------------
// Orchestration.
// ---------------------------------------------------------------------------

export function benchDir(scale, iotShare = IOT_SHARE) {
  const base = process.env.IOT_AUDIT_BENCH_DIR || path.join(REPO_ROOT, '.bench-cache');
  return path.join(base, iotShare === IOT_SHARE ? `scale-${scale}` : `scale-${scale}-iot-${iotShare}`);
}

async function readMarker(dir) {
  try {
    return JSON.parse(await readFile(path.join(dir, MARKER), 'utf8'));
  } catch {
    return null;
  }
}

/**
 * Makes sure the benchmark tree for `scale` exists and returns what it holds.
 * Reuses a complete tree of the same generator version; otherwise writes it anew.
 */
export async function generateBenchTree({ scale = 1, iotShare = IOT_SHARE, threads = os.availableParallelism(), force = false, log = console.log } = {}) {
  const dir = benchDir(scale, iotShare);
  const existing = await readMarker(dir);
  if (!force && existing && existing.generatorVersion === GENERATOR_VERSION && existing.scale === scale && (existing.iotShare ?? IOT_SHARE) === iotShare) {
    log(`bench tree for scale ${scale} already complete in ${dir}`);
    return { ...existing, dir, trailDir: path.join(dir, 'trail'), cached: true };
  }
  const started = performance.now();
  await rm(dir, { recursive: true, force: true });
  await mkdir(path.join(dir, 'trail'), { recursive: true });
  const files = planFiles(scale);
  const iotEvents = planIotEvents(files, scale, iotShare);
  log(`writing ${files.length} log files (scale ${scale}) to ${dir} with ${threads} threads...`);

  const specs = files.map((f) => ({ ...f, iot: f.iot.map(({ duplicateOf: _d, ...e }) => e) }));
  const totals = await runWorkers(specs, path.join(dir, 'trail'), threads);
  for (const b of brokenFiles(files)) {
    const target = path.join(dir, 'trail', ...b.key.split('/'));
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, b.bytes);
  }
  await writeFile(
    path.join(dir, 'accounts.json'),
    JSON.stringify({ Accounts: ACCOUNTS.map((a) => ({ Id: a.id, Arn: `arn:aws:organizations::111122223333:account/${ORG_ID}/${a.id}`, Email: `${a.name}@example.com`, Name: a.name, Status: 'ACTIVE', State: 'ACTIVE', JoinedMethod: 'CREATED', JoinedTimestamp: '2024-01-15T10:00:00Z' })) }, null, 2),
  );
  const iotRecords = files.reduce((s, f) => s + f.iot.length, 0);
  const iotInOctober = new Set();
  for (const f of files) {
    for (const e of f.iot) if (e.time >= Date.parse('2026-10-01T00:00:00Z') && e.time < Date.parse('2026-11-01T00:00:00Z')) iotInOctober.add(`${f.accountId}/${f.region}/${e.seq}`);
  }
  const seconds = (performance.now() - started) / 1000;
  const summary = {
    generatorVersion: GENERATOR_VERSION,
    scale,
    iotShare,
    organizationId: ORG_ID,
    logFiles: files.length,
    brokenFiles: brokenFiles(files).length,
    records: totals.records,
    uncompressedBytes: totals.uncompressedBytes,
    compressedBytes: totals.compressedBytes,
    iotRecords,
    iotEvents,
    iotEventsInOctober2026Utc: iotInOctober.size,
    generatedInSeconds: Math.round(seconds * 10) / 10,
  };
  // Last: its presence is what "complete" means.
  await writeFile(path.join(dir, MARKER), JSON.stringify(summary, null, 2) + '\n');
  log(
    `wrote ${summary.logFiles} files, ${summary.records} records, ${(summary.uncompressedBytes / 1e9).toFixed(2)} GB uncompressed ` +
      `(${(summary.compressedBytes / 1e6).toFixed(0)} MB gzip), ${iotRecords} IoT records, in ${seconds.toFixed(1)} s`,
  );
  return { ...summary, dir, trailDir: path.join(dir, 'trail'), cached: false };
}

function runWorkers(specs, root, threads) {
  const chunk = 64;
  let next = 0;
  const totals = { records: 0, uncompressedBytes: 0, compressedBytes: 0 };
  return new Promise((resolve, reject) => {
    let running = 0;
    const count = Math.max(1, Math.min(threads, Math.ceil(specs.length / chunk)));
    for (let w = 0; w < count; w++) {
      const worker = new Worker(fileURLToPath(import.meta.url), { workerData: { root } });
      running++;
      const feed = () => {
        if (next >= specs.length) return worker.postMessage(null);
        worker.postMessage(specs.slice(next, next + chunk));
        next += chunk;
      };
      worker.on('message', (m) => {
        totals.records += m.records;
        totals.uncompressedBytes += m.uncompressedBytes;
        totals.compressedBytes += m.compressedBytes;
        feed();
      });
      worker.on('error', reject);
      worker.on('exit', (code) => {
        if (code !== 0) return reject(new Error(`generator worker exited with ${code}`));
        if (--running === 0) resolve(totals);
      });
      feed();
    }
  });
}

async function workerMain() {
  const { root } = workerData;
  parentPort.on('message', async (batch) => {
    if (batch === null) return parentPort.close();
    const out = { records: 0, uncompressedBytes: 0, compressedBytes: 0 };
    for (const spec of batch) {
      const text = Buffer.from(logText(spec));
      const gz = gzipSync(text, { level: 6 });
      const target = path.join(root, ...spec.key.split('/'));
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(target, gz);
      out.records += spec.records;
      out.uncompressedBytes += text.length;
      out.compressedBytes += gz.length;
    }
    parentPort.postMessage(out);
  });
}

function parseArgs(argv) {
  const args = { scale: 1, iotShare: IOT_SHARE, threads: os.availableParallelism(), force: false };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--scale') args.scale = Number(argv[++i]);
    else if (argv[i] === '--iot-share') args.iotShare = Number(argv[++i]);
    else if (argv[i] === '--threads') args.threads = Number(argv[++i]);
    else if (argv[i] === '--force') args.force = true;
    else throw new Error(`unknown argument ${argv[i]} (use --scale N, --iot-share S, --threads N, --force)`);
  }
  if (!(args.scale > 0) || !(args.threads >= 1) || !(args.iotShare > 0 && args.iotShare < 1)) throw new Error('--scale must be > 0, --iot-share between 0 and 1, and --threads >= 1');
  return args;
}

if (!isMainThread) {
  await workerMain();
} else if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    await generateBenchTree(parseArgs(process.argv.slice(2)));
  } catch (error) {
    console.error(`generate: ${error.message}`);
    process.exitCode = 2;
  }
}
