#!/usr/bin/env node
// Writes (once, cached) a trail copy whose October holds 100,000 IoT events: a fleet
// rollout, policy work, denied attempts and everyday changes by a few dozen principals.
// The benchmark renders its PDF to check the report stays fast when IoT is the bulk.
//   node bench/iot-heavy.mjs [--events 100000]  -> prints the tree's folder
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { rng } from './generate.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const EVENTS = Number(args[args.indexOf('--events') + 1] || 100_000) || 100_000;
const DIR = path.join(process.env.IOT_AUDIT_BENCH_DIR ?? path.join(ROOT, '.bench-cache'), `iot-heavy-${EVENTS}`);
const ORG = 'o-h3avy10t00';
const ACCOUNTS = ['210987654321', '345678901234', '678901234567'];
const REGIONS = ['us-east-1', 'eu-west-1'];
const PER_FILE = 100;

// The generator's seeded PRNG (integer arithmetic, so ids never collide through float rounding).
const { next: rand, pick, hex, uuid } = rng(42);

const principals = Array.from({ length: 40 }, (_, i) => ({
  role: i === 0 ? 'fleet-provisioner' : i < 5 ? 'terraform-deployer' : `engineer-${i}`,
  session: `s-${i}`,
}));

// A role session's principalId is the role's unique id (fixed for the role in its account), a
// colon and the session name. Until 2026-11-25 every record had a random one, as no log does,
// so every event had a caller of its own.
const roleIds = new Map(ACCOUNTS.flatMap((account) => principals.map((p) => [`${account}/${p.role}`, `AROA${hex(17).toUpperCase()}`])));
// What the tree in the cache must have been written by: an older tree is written anew.
const GENERATOR = `${EVENTS} v2`;

function record(i, account, region, time) {
  const p = i % 10 < 6 ? principals[0] : pick(principals);
  const cert = hex(64);
  const certArn = `arn:aws:iot:${region}:${account}:cert/${cert}`;
  const kind = p === principals[0] ? ['CreateKeysAndCertificate', 'AttachThingPrincipal', 'AttachPolicy'][i % 3] : pick(['UpdateCertificate', 'CreatePolicyVersion', 'CreateThing', 'DeleteCertificate', 'AttachPolicy', 'DetachPolicy', 'UpdateThing']);
  const denied = rand() < 0.03;
  const params = {
    CreateKeysAndCertificate: { setAsActive: true },
    AttachThingPrincipal: { thingName: `device-${i}`, principal: certArn },
    AttachPolicy: { policyName: `fleet-policy-${i % 20}`, target: certArn },
    DetachPolicy: { policyName: `fleet-policy-${i % 20}`, target: certArn },
    UpdateCertificate: { certificateId: cert, newStatus: pick(['ACTIVE', 'INACTIVE', 'REVOKED']) },
    DeleteCertificate: { certificateId: cert, forceDelete: false },
    CreatePolicyVersion: { policyName: `fleet-policy-${i % 20}`, policyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iot:Publish', Resource: `arn:aws:iot:${region}:${account}:topic/fleet/\${iot:Connection.Thing.ThingName}/*` }] }), setAsDefault: true },
    CreateThing: { thingName: `device-${i}` },
    UpdateThing: { thingName: `device-${i}`, attributePayload: { attributes: { fw: '2.1' } } },
  }[kind];
  return {
    eventVersion: '1.09',
    userIdentity: {
      type: 'AssumedRole',
      principalId: `${roleIds.get(`${account}/${p.role}`)}:${p.session}`,
      arn: `arn:aws:sts::${account}:assumed-role/${p.role}/${p.session}`,
      accountId: account,
      sessionContext: { sessionIssuer: { type: 'Role', arn: `arn:aws:iam::${account}:role/${p.role}`, accountId: account, userName: p.role }, attributes: { creationDate: time, mfaAuthenticated: 'false' } },
    },
    eventTime: time,
    eventSource: 'iot.amazonaws.com',
    eventName: kind,
    awsRegion: region,
    sourceIPAddress: `198.51.100.${i % 200}`,
    userAgent: 'aws-sdk-go-v2/1.30.0',
    ...(denied ? { errorCode: 'AccessDeniedException', errorMessage: `User is not authorized to perform: iot:${kind}` } : {}),
    requestParameters: params,
    responseElements: kind === 'CreateKeysAndCertificate' && !denied ? { certificateArn: certArn, certificateId: cert } : null,
    requestID: uuid(),
    eventID: uuid(),
    readOnly: false,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: account,
    eventCategory: 'Management',
  };
}

const marker = path.join(DIR, 'COMPLETE');
if (!existsSync(marker) || (await readFile(marker, 'utf8')).trim() !== GENERATOR) {
  await rm(DIR, { recursive: true, force: true });
  const start = Date.parse('2026-10-01T00:00:00Z');
  const span = Date.parse('2026-11-01T00:00:00Z') - start - 3_600_000;
  for (let f = 0; f * PER_FILE < EVENTS; f++) {
    const account = ACCOUNTS[f % ACCOUNTS.length];
    const region = REGIONS[f % REGIONS.length];
    const t0 = start + Math.floor((f * PER_FILE * span) / EVENTS);
    const records = [];
    for (let j = 0; j < PER_FILE && f * PER_FILE + j < EVENTS; j++) records.push(record(f * PER_FILE + j, account, region, new Date(t0 + j * 1000).toISOString().replace('.000Z', 'Z')));
    const d = new Date(t0 + 300_000);
    const [y, m, dd] = [d.getUTCFullYear(), String(d.getUTCMonth() + 1).padStart(2, '0'), String(d.getUTCDate()).padStart(2, '0')];
    const stamp = `${y}${m}${dd}T${String(d.getUTCHours()).padStart(2, '0')}${String(d.getUTCMinutes()).padStart(2, '0')}Z`;
    const folder = path.join(DIR, 'trail', 'AWSLogs', ORG, account, 'CloudTrail', region, String(y), m, dd);
    await mkdir(folder, { recursive: true });
    await writeFile(path.join(folder, `${account}_CloudTrail_${region}_${stamp}_${hex(16)}.json.gz`), gzipSync(JSON.stringify({ Records: records })));
  }
  await writeFile(marker, `${GENERATOR}\n`);
}
console.log(path.join(DIR, 'trail'));
