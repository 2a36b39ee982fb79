#!/usr/bin/env node
/**
 * Writes the test fixtures: a local copy of an organization trail's bucket with every trap of
 * FORMATS.md, a single-account trail, loose CloudTrail files, accounts.json, a signed digest
 * chain with its public-keys.json, the ground truth (expected.json) and fixtures/README.md.
 *
 *   node scripts/generate-fixtures.mjs [--out DIR] [--key PEM]
 *
 * Output is byte-identical on every run: one seeded PRNG, fixed times, gzip with mtime 0,
 * RSA PKCS#1 v1.5 signatures (deterministic), and a signing key kept in the repo
 * (fixtures/keys/digest-signing-key.pem, created once when missing).
 * Node built-ins only; plain ESM so it runs before anything is built.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

// ---------------------------------------------------------------------------
// Command line
// ---------------------------------------------------------------------------
const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const flag = (name, fallback) => {
  const i = argv.indexOf(name);
  return i >= 0 && argv[i + 1] ? path.resolve(argv[i + 1]) : fallback;
};
const OUT_DIR = flag('--out', path.join(REPO, 'fixtures'));
const KEY_FILE = flag('--key', path.join(REPO, 'fixtures', 'keys', 'digest-signing-key.pem'));

// ---------------------------------------------------------------------------
// The organization
// ---------------------------------------------------------------------------
const ORG = 'o-7f3k2m9xq1';
const BUCKET = 'acme-iot-org-trail';
const PREFIX = 'audit-logs/';
const TRAIL = 'org_trail';
const HOME_REGION = 'us-east-1';
const ACCT = {
  prod: '314159265358', // iot-prod, also the management account
  staging: '271828182845', // iot-staging
  security: '161803398874', // security-tooling: delivers no logs at all
  legacy: '141421356237', // legacy-fleet: SUSPENDED, a few logs
  stray: '577215664901', // delivers logs under the org prefix but is not in accounts.json
  outside: '424242424242', // target of a certificate transfer, never delivers anything
  single: '555566667777', // the single-account trail of fixtures/single-account
};
const NAMES = { [ACCT.prod]: 'iot-prod', [ACCT.staging]: 'iot-staging', [ACCT.security]: 'security-tooling', [ACCT.legacy]: 'legacy-fleet' };
const R = { use1: 'us-east-1', euw1: 'eu-west-1', apne1: 'ap-northeast-1' };

// ---------------------------------------------------------------------------
// Deterministic randomness
// ---------------------------------------------------------------------------
function mulberry32(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rnd = mulberry32(20261031);
const int = (lo, hi) => lo + Math.floor(rnd() * (hi - lo + 1));
const pick = (xs) => xs[Math.floor(rnd() * xs.length)];
const chars = (n, alphabet) => Array.from({ length: n }, () => pick(alphabet)).join('');
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const hex = (n) => chars(n, '0123456789abcdef');
const uuid = () => `${hex(8)}-${hex(4)}-4${hex(3)}-${pick('89ab')}${hex(3)}-${hex(12)}`;
const shuffle = (xs) => {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [xs[i], xs[j]] = [xs[j], xs[i]];
  }
  return xs;
};
const fakePem = (label, lines = 6) =>
  `-----BEGIN ${label}-----\n${Array.from({ length: lines }, () => chars(64, ALNUM + '+/')).join('\n')}\n-----END ${label}-----\n`;

// ---------------------------------------------------------------------------
// Time: everything is UTC milliseconds
// ---------------------------------------------------------------------------
const SEC = 1000;
const MIN = 60 * SEC;
const HOUR = 60 * MIN;
const T = (s) => Date.parse(s);
const iso = (ms) => new Date(ms).toISOString().replace('.000Z', 'Z');
const compact = (ms) => iso(ms).replace(/[-:]/g, ''); // YYYYMMDDTHHMMSSZ
const minuteStamp = (ms) => compact(ms).slice(0, 13) + 'Z'; // YYYYMMDDTHHmmZ
const dayPath = (ms) => iso(ms).slice(0, 10).replace(/-/g, '/');
const PERIODS = {
  UTC: { start: T('2026-10-01T00:00:00Z'), end: T('2026-11-01T00:00:00Z') },
  // Paris is UTC+2 (CEST) until 2026-10-25 01:00Z, then UTC+1 (CET).
  'Europe/Paris': { start: T('2026-09-30T22:00:00Z'), end: T('2026-10-31T23:00:00Z') },
};

// ---------------------------------------------------------------------------
// IoT catalog (FORMATS.md section 3 and issue 2's categories)
// ---------------------------------------------------------------------------
const CERTIFICATE_ACTIONS = [
  'CreateKeysAndCertificate', 'CreateCertificateFromCsr', 'RegisterCertificate', 'RegisterCertificateWithoutCA',
  'UpdateCertificate', 'DeleteCertificate', 'TransferCertificate', 'AcceptCertificateTransfer',
  'RejectCertificateTransfer', 'CancelCertificateTransfer', 'RegisterCACertificate', 'UpdateCACertificate',
  'DeleteCACertificate', 'AttachThingPrincipal', 'DetachThingPrincipal', 'CreateProvisioningClaim',
  'CreateCertificateProvider', 'UpdateCertificateProvider', 'DeleteCertificateProvider',
];
const POLICY_ACTIONS = [
  'CreatePolicy', 'CreatePolicyVersion', 'DeletePolicy', 'DeletePolicyVersion', 'SetDefaultPolicyVersion',
  'AttachPolicy', 'DetachPolicy', 'AttachPrincipalPolicy', 'DetachPrincipalPolicy',
];
// Read calls are categorized by the resource family they read; FORMATS.md says nothing on reads.
const CERTIFICATE_READS = ['DescribeCertificate', 'DescribeCACertificate', 'ListCertificates', 'ListCACertificates', 'ListThingPrincipals'];
const POLICY_READS = ['GetPolicy', 'GetPolicyVersion', 'ListPolicies', 'ListPolicyVersions', 'ListAttachedPolicies', 'ListTargetsForPolicy'];
const CATEGORY = new Map([
  ...[...CERTIFICATE_ACTIONS, ...CERTIFICATE_READS].map((a) => [a, 'certificate']),
  ...[...POLICY_ACTIONS, ...POLICY_READS].map((a) => [a, 'policy']),
]);
const categoryOf = (name) => CATEGORY.get(name) ?? 'other';
const isReadOnly = (name) => /^(Describe|List|Get)/.test(name);

// ---------------------------------------------------------------------------
// Actors: who calls, from where, with which client
// ---------------------------------------------------------------------------
const UA = {
  terraform:
    'APN/1.0 HashiCorp/1.0 Terraform/1.9.8 (+https://www.terraform.io) terraform-provider-aws/5.72.1 (+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go-v2/1.32.2 ua/2.1 os/linux lang/go#1.23.2 md/GOOS#linux md/GOARCH#amd64 api/iot#1.59.3',
  cli: 'aws-cli/2.18.1 md/awscrt#0.21.5 ua/2.0 os/linux#6.8.0-1016-aws md/arch#x86_64 lang/python#3.12.6 md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe md/distrib#ubuntu.24 md/prompt#off',
  laptopCli: 'aws-cli/2.17.20 md/awscrt#0.20.11 ua/2.0 os/macos#23.6.0 md/arch#arm64 lang/python#3.11.9 md/pyimpl#CPython cfg/retry-mode#standard md/installer#source md/prompt#off md/command#iot.attach-policy',
  console: 'AWS Internal',
  browser: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/129.0.0.0 Safari/537.36',
  lambda: 'aws-sdk-js/3.654.0 ua/2.1 os/linux#5.10.226-235.879.amzn2.x86_64 lang/js md/nodejs#20.17.0 api/iot#3.654.0 exec-env/AWS_Lambda_nodejs20.x',
  boto: 'Boto3/1.35.36 md/Botocore#1.35.36 ua/2.0 os/linux#6.1.109-118.189.amzn2023.x86_64 md/arch#x86_64 lang/python#3.12.6 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.35.36',
  // Log values are written by the caller: this one is hostile on purpose.
  hostile: 'Mozilla/5.0 (X11; Linux x86_64) <script>alert("ua")</script> & \'q\' "dq" \u202Eexe.txt\u202C 🚀 نص <b>bold</b>',
};
const SSO_PATH = 'aws-reserved/sso.amazonaws.com/';

/** An assumed-role session; `opts`: mfa, console, path (role path), invokedBy. */
function roleActor(acct, role, session, ip, ua, opts = {}) {
  const roleId = 'AROA' + chars(17, UPPER);
  const key = 'ASIA' + chars(16, UPPER);
  const roleArn = `arn:aws:iam::${acct}:role/${opts.path ?? ''}${role}`;
  const arn = `arn:aws:sts::${acct}:assumed-role/${role}/${session}`;
  return {
    arn, roleArn, ip, ua, console: !!opts.console,
    who: (t) => ({
      type: 'AssumedRole', principalId: `${roleId}:${session}`, arn, accountId: acct, accessKeyId: key,
      sessionContext: {
        sessionIssuer: { type: 'Role', principalId: roleId, arn: roleArn, accountId: acct, userName: role },
        webIdFederationData: {},
        attributes: { creationDate: iso(t - 17 * MIN), mfaAuthenticated: String(!!opts.mfa) },
      },
      ...(opts.invokedBy ? { invokedBy: opts.invokedBy } : {}),
    }),
  };
}
function userActor(acct, name, ip, ua, opts = {}) {
  const id = 'AIDA' + chars(17, UPPER);
  const key = (opts.console ? 'ASIA' : 'AKIA') + chars(16, UPPER);
  const arn = `arn:aws:iam::${acct}:user/${name}`;
  return {
    arn, ip, ua, console: !!opts.console,
    who: (t) => ({
      type: 'IAMUser', principalId: id, arn, accountId: acct, accessKeyId: key, userName: name,
      ...(opts.console ? { sessionContext: { attributes: { creationDate: iso(t - 42 * MIN), mfaAuthenticated: String(!!opts.mfa) } } } : {}),
    }),
  };
}
function rootActor(acct, ip, ua) {
  const key = 'ASIA' + chars(16, UPPER);
  const arn = `arn:aws:iam::${acct}:root`;
  return {
    arn, ip, ua, console: true,
    who: (t) => ({
      type: 'Root', principalId: acct, arn, accountId: acct, accessKeyId: key,
      sessionContext: { attributes: { creationDate: iso(t - 9 * MIN), mfaAuthenticated: 'true' } },
    }),
  };
}
const serviceWho = (service) => ({ type: 'AWSService', invokedBy: service });

const P = ACCT.prod;
const S = ACCT.staging;
const ACTORS = {
  terraform: roleActor(P, 'terraform-deployer', 'gha-run-11873', '3.214.77.10', UA.terraform),
  terraformStaging: roleActor(S, 'terraform-deployer', 'gha-run-11862', '3.214.77.10', UA.terraform),
  provisioner: roleActor(P, 'fleet-provisioning-lambda-role', 'fleet-provisioner-fn', '54.170.33.12', UA.lambda),
  ssoAdmin: roleActor(P, 'AWSReservedSSO_IoTAdmin_5f3c1e2d9a8b7c6d', 'maria.lopez@example.com', '198.51.100.23', UA.console, { path: SSO_PATH, console: true }),
  jdoe: userActor(P, 'jdoe', '192.0.2.44', UA.hostile, { console: true, mfa: false }),
  opsMfa: userActor(P, 'ops-oncall', '198.51.100.80', UA.cli, { console: true, mfa: true }),
  auditor: roleActor(ACCT.security, 'SecurityAuditor', 'prowler-scan', '34.228.10.77', UA.boto),
  inventory: roleActor(P, 'iot-inventory-reader', 'inventory-sync', '44.203.18.9', UA.boto),
  contractor: userActor(S, 'contractor-scan', '203.0.113.66', UA.cli),
  qaBot: roleActor(S, 'qa-bot', 'nightly-tests', '52.4.200.18', UA.boto),
  rootStaging: rootActor(S, '203.0.113.9', UA.browser),
  stagingOps: userActor(S, 'staging-ops', '198.51.100.90', UA.cli),
  legacyOps: userActor(ACCT.legacy, 'legacy-ops', '192.0.2.150', UA.cli),
  strayAdmin: userActor(ACCT.stray, 'gw-admin', '192.0.2.201', UA.cli),
  iotMonitor: roleActor(P, 'iotmonitor-us-east-1-InstanceRole-1C5T1YCYMHPYT', 'i-035d0a4b6e1f2a3c4', '52.90.213.26', 'aws-internal/3'),
};
// The same Terraform role, used from a laptop late in the month (new source IP and user agent).
ACTORS.terraformLaptop = { ...ACTORS.terraform, ip: '203.0.113.200', ua: UA.laptopCli };

// ---------------------------------------------------------------------------
// Record builders
// ---------------------------------------------------------------------------
const TLS = [
  { tlsVersion: 'TLSv1.3', cipherSuite: 'TLS_AES_128_GCM_SHA256' },
  { tlsVersion: 'TLSv1.2', cipherSuite: 'ECDHE-RSA-AES128-GCM-SHA256' },
];

/**
 * A canonical CloudTrail record. `p`: t, acct, region, source (short, e.g. "iot"), name, who, ip, ua,
 * req, resp, ro, err [code, message], additional, resources, console, eventType, host, vpce, extra.
 */
function record(p) {
  const service = !p.ip || p.ip.endsWith('.amazonaws.com');
  const r = {
    eventVersion: p.version ?? pick(['1.08', '1.09', '1.09']),
    userIdentity: p.who,
    eventTime: iso(p.t),
    eventSource: `${p.source}.amazonaws.com`,
    eventName: p.name,
    awsRegion: p.region,
    sourceIPAddress: p.ip,
    userAgent: p.ua,
  };
  if (p.err) [r.errorCode, r.errorMessage] = p.err;
  r.requestParameters = p.req ?? null;
  r.responseElements = p.err ? null : (p.resp ?? null);
  if (p.additional) r.additionalEventData = p.additional;
  r.requestID = uuid();
  r.eventID = uuid();
  r.readOnly = !!p.ro;
  if (p.resources) r.resources = p.resources;
  r.eventType = p.eventType ?? 'AwsApiCall';
  r.managementEvent = true;
  r.recipientAccountId = p.acct;
  if (p.shared) r.sharedEventID = uuid();
  if (p.vpce) r.vpcEndpointId = p.vpce;
  r.eventCategory = 'Management';
  if (!service) r.tlsDetails = { ...pick(TLS), clientProvidedHostHeader: p.host ?? `${p.source}.${p.region}.amazonaws.com` };
  if (p.console) r.sessionCredentialFromConsole = 'true';
  return Object.assign(r, p.extra ?? {});
}

// ---------------------------------------------------------------------------
// The log: every record that goes into a log file, and the traps that point at them
// ---------------------------------------------------------------------------
/** Entries: { tree, acct, region, t, rec, iot: {name, category, readOnly, error} | null, delivery?, variant?, also?, twice? } */
const LOG = [];
const TRAPS = [];
const trap = (id, kind, title, entries, note = null) => {
  TRAPS.push({ id, kind, title, entries: entries.flat(), keys: [], note });
};

/** One IoT API call, logged (FORMATS.md section 3 parameters). `o`: err, delivery, variant, also, twice, tree, extra, vpce. */
function iotCall(acct, region, actor, t, name, req = null, resp = null, o = {}) {
  const ro = isReadOnly(name);
  const rec = record({
    t, acct, region, source: 'iot', name, who: actor.who(t), ip: actor.ip, ua: actor.ua,
    req, resp: ro ? null : resp, ro, err: o.err, console: actor.console, vpce: o.vpce, extra: o.extra,
  });
  const iot = { name, category: categoryOf(name), readOnly: ro, error: o.err?.[0] ?? null };
  const entry = { tree: o.tree ?? 'org', acct, region, t, rec, iot, delivery: o.delivery, variant: o.variant, also: o.also, twice: o.twice };
  (o.sink ?? LOG).push(entry);
  return entry;
}
/** Binds account, region and actor: `c(time, action, request, response, options)`. */
function at(acct, region, actor) {
  const c = (t, name, req, resp, o = {}) => iotCall(acct, region, o.actor ?? actor, typeof t === 'string' ? T(t) : t, name, req, resp, o);
  c.acct = acct;
  c.region = region;
  c.arn = (kind, id) => `arn:aws:iot:${region}:${acct}:${kind}/${id}`;
  c.cert = () => {
    const id = hex(64);
    return { id, arn: c.arn('cert', id) };
  };
  c.as = (other) => at(acct, region, other);
  return c;
}
const denied = (actor, action, resource) => [
  'AccessDeniedException',
  `User: ${actor.arn} is not authorized to perform: iot:${action} on resource: ${resource} because no identity-based policy allows the iot:${action} action`,
];
const policyDoc = (statements, pretty = false) => JSON.stringify({ Version: '2012-10-17', Statement: statements }, null, pretty ? 2 : undefined);
const allow = (Action, Resource) => ({ Effect: 'Allow', Action, Resource });
const policyResp = (c, name, doc, version) => ({ policyName: name, policyArn: c.arn('policy', name), policyDocument: doc, policyVersionId: version });

// ===========================================================================
// Scenarios
// ===========================================================================
const prod = at(P, R.use1, ACTORS.terraform);
const prodEu = at(P, R.euw1, ACTORS.terraform);
const prodAp = at(P, R.apne1, ACTORS.terraform);
const stg = at(S, R.use1, ACTORS.terraformStaging);
const stgEu = at(S, R.euw1, ACTORS.terraformStaging);

// --- Things, thing types and thing groups (iot-prod us-east-1) ---------------
const things = {};
{
  const pumps = prod.arn('thinggroup', 'pump-stations-emea');
  prod('2026-10-01T09:05:12Z', 'CreateThingType', { thingTypeName: 'PumpStation', thingTypeProperties: { thingTypeDescription: 'Water pump controller', searchableAttributes: ['site', 'owner'] } }, { thingTypeName: 'PumpStation', thingTypeArn: prod.arn('thingtype', 'PumpStation'), thingTypeId: uuid() });
  for (const [i, name] of ['pump-station-0042', 'pump-station-0077', 'pump-station-0090'].entries()) {
    things[name] = prod(T('2026-10-01T09:06:00Z') + i * 7 * SEC, 'CreateThing', {
      thingName: name, thingTypeName: 'PumpStation',
      attributePayload: { attributes: { site: i === 0 ? 'Zürich – Bahnhofstraße 1' : `site-${i}`, owner: '<b>ops</b> & "field" team' } },
    }, { thingName: name, thingArn: prod.arn('thing', name), thingId: uuid() });
  }
  prod('2026-10-01T09:07:30Z', 'CreateThingGroup', { thingGroupName: 'pump-stations-emea', thingGroupProperties: { thingGroupDescription: 'EMEA pumps' } }, { thingGroupName: 'pump-stations-emea', thingGroupArn: pumps, thingGroupId: uuid() });
  prod('2026-10-01T09:07:41Z', 'CreateThingGroup', { thingGroupName: 'pilot-batch-7' }, { thingGroupName: 'pilot-batch-7', thingGroupArn: prod.arn('thinggroup', 'pilot-batch-7'), thingGroupId: uuid() });
  prod('2026-10-02T10:20:00Z', 'AddThingToThingGroup', { thingGroupName: 'pump-stations-emea', thingName: 'pump-station-0042' }, null);
  prod('2026-10-03T08:40:10Z', 'UpdateThingGroup', { thingGroupName: 'pump-stations-emea', thingGroupProperties: { thingGroupDescription: 'مضخات — EMEA pumps ⚙️' }, expectedVersion: 1 }, { version: 2 });
  prod('2026-10-06T11:02:00Z', 'UpdateThing', { thingName: 'pump-station-0090', attributePayload: { attributes: { firmware: '4.2.1' }, merge: true } }, null);
  prod('2026-10-27T10:14:00Z', 'RemoveThingFromThingGroup', { thingGroupName: 'pump-stations-emea', thingName: 'pump-station-0090' }, null);
  prod('2026-10-27T10:15:30Z', 'DeleteThingGroup', { thingGroupName: 'pilot-batch-7', expectedVersion: 1 }, null);
}

// --- Policy story: versions, default switched back to an older broader one ---
const POLICY = 'DeviceTelemetryPolicy';
const v1 = policyDoc([
  allow('iot:Connect', prod.arn('client', '*')),
  allow(['iot:Publish', 'iot:Receive'], prod.arn('topic', 'telemetry/*')),
  allow('iot:Subscribe', prod.arn('topicfilter', 'telemetry/*')),
]);
const v2 = policyDoc([
  allow('iot:Connect', prod.arn('client', '${iot:Connection.Thing.ThingName}')),
  allow('iot:Publish', prod.arn('topic', 'telemetry/${iot:Connection.Thing.ThingName}/*')),
  allow('iot:Subscribe', prod.arn('topicfilter', 'commands/${iot:Connection.Thing.ThingName}/*')),
  allow('iot:Receive', prod.arn('topic', 'commands/${iot:Connection.Thing.ThingName}/*')),
], true);
const v3 = policyDoc([
  allow('iot:Connect', prod.arn('client', '${iot:Connection.Thing.ThingName}')),
  allow('iot:Publish', prod.arn('topic', 'telemetry/${iot:Connection.Thing.ThingName}/data')),
  { Effect: 'Deny', Action: 'iot:Publish', Resource: prod.arn('topic', '$aws/*') },
]);
const policyStory = {
  create: prod('2026-10-01T09:12:04Z', 'CreatePolicy', { policyName: POLICY, policyDocument: v1 }, policyResp(prod, POLICY, v1, '1')),
  v2: prod('2026-10-06T14:20:33Z', 'CreatePolicyVersion', { policyName: POLICY, policyDocument: v2, setAsDefault: true }, { policyArn: prod.arn('policy', POLICY), policyDocument: v2, policyVersionId: '2', isDefaultVersion: true }),
  v3: prod('2026-10-09T10:05:00Z', 'CreatePolicyVersion', { policyName: POLICY, policyDocument: v3, setAsDefault: 'true' }, { policyArn: prod.arn('policy', POLICY), policyDocument: v3, policyVersionId: '3', isDefaultVersion: true }),
  conflict: prod('2026-10-19T09:00:00Z', 'DeletePolicyVersion', { policyName: POLICY, policyVersionId: '1' }, null, { err: ['DeleteConflictException', 'Cannot delete the default version of a policy'] }),
  deleteV2: prod('2026-10-20T11:30:00Z', 'DeletePolicyVersion', { policyName: POLICY, policyVersionId: '2' }, null),
};
const groupArn = prod.arn('thinggroup', 'pump-stations-emea');
prod('2026-10-02T10:21:00Z', 'AttachPolicy', { policyName: POLICY, target: groupArn }, null);

// --- Certificate lifecycles (iot-prod us-east-1) -----------------------------
const C = Object.fromEntries(['c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7', 'c8'].map((k) => [k, prod.cert()]));
const certResp = (c) => ({ certificateArn: c.arn, certificateId: c.id });
const ops = prod.as(ACTORS.opsMfa);
const provUs = prod.as(ACTORS.provisioner);
const story = {};
// c1: created, attached, deactivated (logged twice: redelivery), then reactivated.
story.c1Create = provUs('2026-10-02T10:00:05Z', 'CreateKeysAndCertificate', { setAsActive: true }, certResp(C.c1));
story.c1Thing = provUs('2026-10-02T10:00:07Z', 'AttachThingPrincipal', { thingName: 'pump-station-0042', principal: C.c1.arn }, null);
story.c1Policy = provUs('2026-10-02T10:00:08Z', 'AttachPolicy', { policyName: POLICY, target: C.c1.arn }, null);
story.c1Off = ops('2026-10-12T16:01:09Z', 'UpdateCertificate', { certificateId: C.c1.id, newStatus: 'INACTIVE' }, null, {
  also: [{ delivery: T('2026-10-13T02:10:00Z'), variant: 'redelivery' }],
});
story.c1On = ops('2026-10-13T09:15:44Z', 'UpdateCertificate', { certificateId: C.c1.id, newStatus: 'ACTIVE' }, null);
// c2: from a CSR, attached (logged twice in one file), revoked, detached, deleted.
story.c2Create = ops('2026-10-05T13:30:00Z', 'CreateCertificateFromCsr', { certificateSigningRequest: fakePem('CERTIFICATE REQUEST', 4), setAsActive: 'true' }, certResp(C.c2));
story.c2Thing = ops('2026-10-05T13:31:10Z', 'AttachThingPrincipal', { thingName: 'pump-station-0077', principal: C.c2.arn, thingPrincipalType: 'EXCLUSIVE_THING' }, null, { twice: true });
ops('2026-10-05T13:31:40Z', 'AttachPrincipalPolicy', { policyName: POLICY, principal: C.c2.arn }, null);
story.c2Revoke = ops('2026-10-16T15:02:00Z', 'UpdateCertificate', { certificateId: C.c2.id, newStatus: 'REVOKED' }, null);
story.c2Back = ops('2026-10-16T15:04:30Z', 'UpdateCertificate', { certificateId: C.c2.id, newStatus: 'ACTIVE' }, null, { err: ['InvalidRequestException', 'Cannot update certificate status from REVOKED to ACTIVE.'] });
ops('2026-10-16T15:06:00Z', 'DetachThingPrincipal', { thingName: 'pump-station-0077', principal: C.c2.arn }, null);
ops('2026-10-16T15:06:20Z', 'DetachPolicy', { policyName: POLICY, target: C.c2.arn }, null);
ops('2026-10-21T08:12:00Z', 'DetachPrincipalPolicy', { policyName: POLICY, principal: C.c2.arn }, null);
story.c2Delete = ops('2026-10-17T09:45:00Z', 'DeleteCertificate', { certificateId: C.c2.id, forceDelete: 'false' }, null);
ops('2026-10-17T09:47:00Z', 'DeleteThing', { thingName: 'pump-station-0077' }, null);
// c3: registered with its CA, attached, force-deleted.
story.c3Register = ops('2026-10-07T10:00:00Z', 'RegisterCertificate', { certificatePem: fakePem('CERTIFICATE'), caCertificatePem: fakePem('CERTIFICATE'), setAsActive: false, status: 'ACTIVE' }, certResp(C.c3));
ops('2026-10-07T10:01:00Z', 'AttachThingPrincipal', { thingName: 'pump-station-0090', principal: C.c3.arn }, null);
story.c3Force = ops('2026-10-26T14:00:00Z', 'DeleteCertificate', { certificateId: C.c3.id, forceDelete: true }, null);
// c4..c7: transfers (outside the organization, accepted, cancelled, rejected).
for (const k of ['c4', 'c5', 'c6', 'c7']) story[`${k}Create`] = provUs(T('2026-10-08T07:30:00Z') + Number(k[1]) * 20 * SEC, 'CreateKeysAndCertificate', { setAsActive: 'true' }, certResp(C[k]));
const stgOps = stg.as(ACTORS.stagingOps);
const transfer = (k, when, target, msg) => {
  ops(T(when) - 60 * SEC, 'UpdateCertificate', { certificateId: C[k].id, newStatus: 'INACTIVE' }, null);
  return ops(when, 'TransferCertificate', { certificateId: C[k].id, targetAwsAccount: target, transferMessage: msg }, { transferredCertificateArn: C[k].arn.replace(P, target) });
};
story.c4Transfer = transfer('c4', '2026-10-23T10:00:00Z', ACCT.outside, 'handover to contract manufacturer');
story.c5Transfer = transfer('c5', '2026-10-19T13:00:00Z', S, 'move to staging for failure analysis');
story.c5Accept = stgOps('2026-10-19T13:20:00Z', 'AcceptCertificateTransfer', { certificateId: C.c5.id, setAsActive: true }, null);
story.c6Transfer = transfer('c6', '2026-10-20T10:00:00Z', S, 'mistake');
story.c6Cancel = ops('2026-10-20T10:05:00Z', 'CancelCertificateTransfer', { certificateId: C.c6.id }, null);
story.c7Transfer = transfer('c7', '2026-10-21T10:00:00Z', S, 'rma batch 12');
story.c7Reject = stgOps('2026-10-21T11:30:00Z', 'RejectCertificateTransfer', { certificateId: C.c7.id, rejectReason: 'unexpected transfer, no RMA ticket' }, null);
// CA certificates: a new CA with auto-registration, an old CA switched to auto-registration, one retired.
const ca = { id: hex(64), old: hex(64), retired: hex(64) };
// The new CA's PEM is a real certificate, valid 2026-06-01 to 2026-11-15 12:00 UTC (self-signed
// P-256, made with `openssl ca -selfsign -startdate -enddate`): it expires within 30 days of the
// period's end (certificate-expiring). The random PEM it replaced is still drawn, so that every
// value generated after it stays as it was.
const FLEET_CA_PEM = [
  '-----BEGIN CERTIFICATE-----',
  'MIIBIDCBxwICEAMwCgYIKoZIzj0EAwIwHDEaMBgGA1UEAwwRZmxlZXQtY2EtZXhw',
  'aXJpbmcwHhcNMjYwNjAxMDAwMDAwWhcNMjYxMTE1MTIwMDAwWjAcMRowGAYDVQQD',
  'DBFmbGVldC1jYS1leHBpcmluZzBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABJ5+',
  'VPgGfPqD7MFBaVfdQsqnAt0xXF7yIsweGoxBBIa9ekRH956HVt6JLZ+zQh/MBEfa',
  'wfZ74KbCTP+2aX7rbJMwCgYIKoZIzj0EAwIDSAAwRQIhAKNv8z5kQH6xPFSrjInz',
  'Z+5LSupjxqqcatwjFLbRJhBUAiB76bkH+Kb6xmqlgzTpxp8GEa4c0drwz5jfkcKV',
  '13HXog==',
  '-----END CERTIFICATE-----',
].join('\n');
fakePem('CERTIFICATE');
story.caRegister = ops('2026-10-22T09:00:00Z', 'RegisterCACertificate', {
  caCertificate: `${FLEET_CA_PEM}\n`, verificationCertificate: fakePem('CERTIFICATE'), setAsActive: true, allowAutoRegistration: true,
  registrationConfig: { templateBody: '{"Resources":{"thing":{"Type":"AWS::IoT::Thing"}}}', roleArn: `arn:aws:iam::${P}:role/iot-jitp-role` }, certificateMode: 'DEFAULT',
}, { certificateArn: prod.arn('cacert', ca.id), certificateId: ca.id });
story.caAutoOn = ops('2026-10-22T09:10:00Z', 'UpdateCACertificate', { caCertificateId: ca.old, newStatus: 'ACTIVE', newAutoRegistrationStatus: 'ENABLE' }, null);
ops('2026-10-27T09:00:00Z', 'UpdateCACertificate', { caCertificateId: ca.retired, newStatus: 'INACTIVE' }, null);
ops('2026-10-27T09:02:00Z', 'DeleteCACertificate', { caCertificateId: ca.retired }, null);
// c8: registered without a CA, by a human.
const sso = prod.as(ACTORS.ssoAdmin);
story.c8NoCa = sso('2026-10-24T16:10:00Z', 'RegisterCertificateWithoutCA', { certificatePem: fakePem('CERTIFICATE'), status: 'ACTIVE' }, certResp(C.c8));
// Fleet provisioning by claim, and a certificate provider.
const claimCert = hex(64);
provUs('2026-10-11T07:45:00Z', 'CreateProvisioningClaim', { templateName: 'pump-fleet-template' }, { certificateId: claimCert, expiration: 'Oct 11, 2026, 7:50:00 AM' });
const lambdaArn = `arn:aws:lambda:us-east-1:${P}:function:corp-pki-bridge`;
prod('2026-10-11T08:00:00Z', 'CreateCertificateProvider', { certificateProviderName: 'corp-pki-bridge', lambdaFunctionArn: lambdaArn, accountDefaultForOperations: ['CreateCertificateFromCsr'] }, { certificateProviderName: 'corp-pki-bridge', certificateProviderArn: prod.arn('certificateprovider', 'corp-pki-bridge') });
prod('2026-10-12T08:00:00Z', 'UpdateCertificateProvider', { certificateProviderName: 'corp-pki-bridge', lambdaFunctionArn: `${lambdaArn}:2` }, { certificateProviderName: 'corp-pki-bridge', certificateProviderArn: prod.arn('certificateprovider', 'corp-pki-bridge') });
prod('2026-10-28T08:00:00Z', 'DeleteCertificateProvider', { certificateProviderName: 'corp-pki-bridge' }, null);

// --- Overly permissive policies ------------------------------------------------
const debugAll = policyDoc([allow('iot:*', '*')]);
story.debugCreate = sso('2026-10-13T15:40:00Z', 'CreatePolicy', { policyName: 'FleetDebugAll', policyDocument: debugAll }, policyResp(prod, 'FleetDebugAll', debugAll, '1'));
story.debugAttach = sso('2026-10-13T15:41:30Z', 'AttachPolicy', { policyName: 'FleetDebugAll', target: C.c1.arn }, null);
prod('2026-10-15T10:00:00Z', 'DetachPolicy', { policyName: 'FleetDebugAll', target: C.c1.arn }, null);
prod('2026-10-15T10:00:40Z', 'DeletePolicy', { policyName: 'FleetDebugAll' }, null);
const pubSubAll = policyDoc([
  allow(['iot:Publish', 'iot:Receive'], stgEu.arn('topic', '#')),
  allow('iot:Subscribe', stgEu.arn('topicfilter', '#')),
  allow('iot:Connect', stgEu.arn('client', '*')),
], true);
story.pubSubAll = stgEu('2026-10-04T12:00:00Z', 'CreatePolicy', { policyName: 'OpsWildcardPubSub', policyDocument: pubSubAll }, policyResp(stgEu, 'OpsWildcardPubSub', pubSubAll, '1'));
const legacyPolicy = policyDoc([allow(['iot:Connect', 'iot:Publish'], '*')]);
stg('2026-10-02T11:00:00Z', 'CreatePolicy', { policyName: 'LegacyStagingPolicy', policyDocument: legacyPolicy }, policyResp(stg, 'LegacyStagingPolicy', legacyPolicy, '1'));
stg('2026-10-02T11:01:00Z', 'AttachPolicy', { policyName: 'LegacyStagingPolicy', target: stg.arn('thinggroup', 'bench-rigs') }, null);
stg('2026-10-02T11:01:30Z', 'AttachPolicy', { policyName: 'LegacyStagingPolicy', target: 'us-east-1:4a3c8f1e-2b7d-4c61-9e0a-8f5d3b2c1a77' }, null);

// --- The human side: Sunday 03:00 UTC, console without MFA, root ---------------
// Sunday 2026-10-18, 03:0x UTC: an SSO console session without MFA switches the default back to v1.
story.sundayDefault = sso('2026-10-18T03:04:12Z', 'SetDefaultPolicyVersion', { policyName: POLICY, policyVersionId: '1' }, null);
story.sundayThing = sso('2026-10-18T03:10:00Z', 'UpdateThing', { thingName: 'pump-station-0042', attributePayload: { attributes: { maintenance: 'true' }, merge: true } }, null);
story.sundayAttach = sso('2026-10-18T03:12:30Z', 'AttachPolicy', { policyName: POLICY, target: prod.arn('thinggroup', 'pump-stations-apac') }, null);
// An IAM user in the console, no MFA, with a hostile browser user agent.
const jd = prod.as(ACTORS.jdoe);
story.jdoeThing = jd('2026-10-12T14:10:00Z', 'CreateThing', { thingName: 'lab-bench-01' }, { thingName: 'lab-bench-01', thingArn: prod.arn('thing', 'lab-bench-01'), thingId: uuid() });
const hostileName = '<img src=x onerror=alert(1)>"&\'🛰️\u202Egnp.exe';
story.jdoeHostile = jd('2026-10-12T14:11:30Z', 'CreateThing', { thingName: hostileName }, null, {
  err: ['InvalidRequestException', `1 validation error detected: Value '${hostileName}' at 'thingName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9:_-]+ <script>alert("msg")</script> & more`],
});
// Root in iot-staging removes the legacy policy.
const root = stg.as(ACTORS.rootStaging);
story.rootDetach = root('2026-10-21T14:22:00Z', 'DetachPolicy', { policyName: 'LegacyStagingPolicy', target: stg.arn('thinggroup', 'bench-rigs') }, null);
story.rootDelete = root('2026-10-21T14:22:40Z', 'DeletePolicy', { policyName: 'LegacyStagingPolicy' }, null);
// The Terraform role used from a laptop with the CLI, late in the month.
story.newIp = prod.as(ACTORS.terraformLaptop)('2026-10-29T19:44:00Z', 'AttachPolicy', { policyName: POLICY, target: prod.arn('thinggroup', 'pump-stations-apac') }, null);

// --- Role aliases -------------------------------------------------------------
story.aliasCreate = sso('2026-10-15T11:00:00Z', 'CreateRoleAlias', { roleAlias: 'fleet-admin-credentials', roleArn: `arn:aws:iam::${P}:role/iot-AdministratorAccess-credentials`, credentialDurationSeconds: 3600 }, { roleAlias: 'fleet-admin-credentials', roleAliasArn: prod.arn('rolealias', 'fleet-admin-credentials') });
story.aliasUpdate = sso('2026-10-16T11:00:00Z', 'UpdateRoleAlias', { roleAlias: 'fleet-admin-credentials', roleArn: `arn:aws:iam::${P}:role/iot-AdministratorAccess-credentials`, credentialDurationSeconds: 43200 }, { roleAlias: 'fleet-admin-credentials', roleAliasArn: prod.arn('rolealias', 'fleet-admin-credentials') });
story.aliasBenign = stg('2026-10-07T12:00:00Z', 'CreateRoleAlias', { roleAlias: 'camera-upload', roleArn: `arn:aws:iam::${S}:role/iot-camera-s3-upload`, credentialDurationSeconds: 900 }, { roleAlias: 'camera-upload', roleAliasArn: stg.arn('rolealias', 'camera-upload') });
stg('2026-10-29T12:00:00Z', 'DeleteRoleAlias', { roleAlias: 'camera-upload' }, null);

// --- Topic rules (iot-prod eu-west-1) -------------------------------------------
const rule = (sql, action) => ({ sql, awsIotSqlVersion: '2016-03-23', ruleDisabled: false, actions: [action] });
const kinesis = { kinesis: { roleArn: `arn:aws:iam::${P}:role/iot-rule-kinesis`, streamName: 'telemetry', partitionKey: '${topic()}' } };
prodEu('2026-10-05T09:00:00Z', 'CreateTopicRule', { ruleName: 'telemetry_to_kinesis', topicRulePayload: rule("SELECT * FROM 'telemetry/#'", kinesis) }, null);
prodEu('2026-10-13T09:00:00Z', 'ReplaceTopicRule', { ruleName: 'telemetry_to_kinesis', topicRulePayload: rule("SELECT *, topic(2) AS device FROM 'telemetry/+/data'", kinesis) }, null);
prodEu('2026-10-20T09:00:00Z', 'DisableTopicRule', { ruleName: 'telemetry_to_kinesis' }, null);
prodEu('2026-10-21T09:00:00Z', 'EnableTopicRule', { ruleName: 'telemetry_to_kinesis' }, null);
prodEu('2026-10-28T09:00:00Z', 'DeleteTopicRule', { ruleName: 'legacy_to_s3' }, null);

// --- Authorizers and domain configurations (iot-prod ap-northeast-1) ------------
const authFn = `arn:aws:lambda:ap-northeast-1:${P}:function:iot-token-authorizer`;
prodAp('2026-10-07T02:00:00Z', 'CreateAuthorizer', { authorizerName: 'token-auth', authorizerFunctionArn: authFn, tokenKeyName: 'x-device-token', tokenSigningPublicKeys: { k1: fakePem('PUBLIC KEY', 3) }, status: 'ACTIVE', signingDisabled: 'false' }, { authorizerName: 'token-auth', authorizerArn: prodAp.arn('authorizer', 'token-auth') });
prodAp('2026-10-14T02:00:00Z', 'UpdateAuthorizer', { authorizerName: 'token-auth', status: 'ACTIVE', authorizerFunctionArn: `${authFn}:3` }, { authorizerName: 'token-auth', authorizerArn: prodAp.arn('authorizer', 'token-auth') });
prodAp('2026-10-14T02:01:00Z', 'SetDefaultAuthorizer', { authorizerName: 'token-auth' }, { authorizerName: 'token-auth', authorizerArn: prodAp.arn('authorizer', 'token-auth') });
prodAp('2026-10-28T02:00:00Z', 'DeleteAuthorizer', { authorizerName: 'legacy-token-auth' }, null);
prodAp('2026-10-08T02:00:00Z', 'CreateDomainConfiguration', { domainConfigurationName: 'devices-jp', domainName: 'devices.jp.example.com', serverCertificateArns: [`arn:aws:acm:ap-northeast-1:${P}:certificate/${uuid()}`], serviceType: 'DATA', authorizerConfig: { defaultAuthorizerName: 'token-auth', allowAuthorizerOverride: false } }, { domainConfigurationName: 'devices-jp', domainConfigurationArn: prodAp.arn('domainconfiguration', 'devices-jp/abc12') });
prodAp('2026-10-21T02:00:00Z', 'UpdateDomainConfiguration', { domainConfigurationName: 'devices-jp', domainConfigurationStatus: 'DISABLED' }, { domainConfigurationName: 'devices-jp', domainConfigurationArn: prodAp.arn('domainconfiguration', 'devices-jp/abc12') });
prodAp('2026-10-30T02:00:00Z', 'DeleteDomainConfiguration', { domainConfigurationName: 'devices-jp-old' }, null);

// --- Logging options ------------------------------------------------------------
const logRole = `arn:aws:iam::${P}:role/iot-logging`;
story.v2LogOff = prodAp.as(ACTORS.ssoAdmin)('2026-10-24T06:30:00Z', 'SetV2LoggingOptions', { roleArn: logRole, defaultLogLevel: 'DISABLED', disableAllLogs: false }, null);
story.v1LogOff = prodEu.as(ACTORS.ssoAdmin)('2026-10-24T06:35:00Z', 'SetLoggingOptions', { loggingOptionsPayload: { roleArn: logRole, logLevel: 'DISABLED' } }, null);
story.logBenign = stg('2026-10-03T12:00:00Z', 'SetV2LoggingOptions', { roleArn: `arn:aws:iam::${S}:role/iot-logging`, defaultLogLevel: 'INFO', disableAllLogs: false }, null);
prod('2026-10-04T09:00:00Z', 'SetV2LoggingLevel', { logTarget: { targetType: 'THING_GROUP', targetName: 'pump-stations-emea' }, logLevel: 'DEBUG' }, null);

// --- Fleet rollout (iot-prod eu-west-1): 150 devices in one hour ---------------------
const meterDoc = policyDoc([
  allow('iot:Connect', prodEu.arn('client', '${iot:Connection.Thing.ThingName}')),
  allow('iot:Publish', prodEu.arn('topic', 'meters/${iot:Connection.Thing.ThingName}/*')),
]);
prodEu('2026-10-13T16:00:00Z', 'CreatePolicy', { policyName: 'SmartMeterPolicy', policyDocument: meterDoc }, policyResp(prodEu, 'SmartMeterPolicy', meterDoc, '1'));
prodEu('2026-10-13T16:05:00Z', 'CreateProvisioningTemplate', { templateName: 'smart-meter-template', templateBody: '{"Parameters":{"SerialNumber":{"Type":"String"}},"Resources":{"thing":{"Type":"AWS::IoT::Thing","Properties":{"ThingName":{"Ref":"SerialNumber"}}}}}', enabled: true, provisioningRoleArn: `arn:aws:iam::${P}:role/iot-fleet-provisioning`, type: 'FLEET_PROVISIONING' }, { templateArn: prodEu.arn('provisioningtemplate', 'smart-meter-template'), templateName: 'smart-meter-template', defaultVersionId: 1 });
prodEu('2026-10-14T08:30:00Z', 'CreateProvisioningTemplateVersion', { templateName: 'smart-meter-template', templateBody: '{"Parameters":{"SerialNumber":{"Type":"String"},"Site":{"Type":"String"}}}', setAsDefault: false }, { templateArn: prodEu.arn('provisioningtemplate', 'smart-meter-template'), templateName: 'smart-meter-template', versionId: 2, isDefaultVersion: false });
prodEu('2026-10-14T08:31:00Z', 'UpdateProvisioningTemplate', { templateName: 'smart-meter-template', defaultVersionId: 2, enabled: 'true' }, null);
prodEu('2026-10-29T08:00:00Z', 'DeleteProvisioningTemplate', { templateName: 'old-meter-template' }, null);
const rollout = [];
{
  const prov = prodEu.as(ACTORS.provisioner);
  const vpce = 'vpce-0a1b2c3d4e5f67890';
  for (let i = 1; i <= 150; i++) {
    const t = T('2026-10-14T09:02:00Z') + i * 22 * SEC;
    const cert = prodEu.cert();
    const thing = `meter-eu-${String(i).padStart(4, '0')}`;
    rollout.push(prov(t, 'CreateKeysAndCertificate', { setAsActive: i % 2 ? true : 'true' }, certResp(cert), { vpce }));
    rollout.push(prov(t + 2 * SEC, 'AttachThingPrincipal', { thingName: thing, principal: cert.arn }, null, { vpce }));
    rollout.push(prov(t + 3 * SEC, 'AttachPolicy', { policyName: 'SmartMeterPolicy', target: cert.arn }, null, { vpce }));
  }
}
// A policy whose document CloudTrail did not record, in the two forms we chose (see README).
story.omitted = prodEu('2026-10-15T12:00:00Z', 'CreatePolicy', { omitted: true, originalSize: 21874 }, { policyName: 'FleetOtaPolicy', policyArn: prodEu.arn('policy', 'FleetOtaPolicy'), policyVersionId: '1' }, {
  extra: { additionalEventData: { note: 'requestParameters omitted: exceeds the maximum field size' } },
});
story.hidden = prodEu('2026-10-16T12:00:00Z', 'CreatePolicyVersion', { policyName: 'FleetOtaPolicy', policyDocument: 'HIDDEN_DUE_TO_SECURITY_REASONS', setAsDefault: true }, { policyArn: prodEu.arn('policy', 'FleetOtaPolicy'), policyVersionId: '2', isDefaultVersion: true });

// --- Denied attempts ---------------------------------------------------------------
story.deniedListAuthorizers = prod.as(ACTORS.inventory)('2026-10-09T06:00:00Z', 'ListAuthorizers', { status: 'ACTIVE' }, null, { err: denied(ACTORS.inventory, 'ListAuthorizers', prod.arn('authorizer', '*')) });
story.burst = [];
{
  const burst = stgEu.as(ACTORS.contractor);
  const tries = [
    ['ListCertificates', { pageSize: 250 }, '*'], ['ListPolicies', {}, '*'], ['ListAuthorizers', {}, 'authorizer/*'],
    ['ListThings', { maxResults: 250 }, '*'], ['ListCACertificates', {}, '*'], ['ListRoleAliases', {}, 'rolealias/*'],
    ['DescribeCertificate', { certificateId: hex(64) }, 'cert/x'], ['DescribeCertificate', { certificateId: hex(64) }, 'cert/y'],
    ['GetPolicy', { policyName: 'OpsWildcardPubSub' }, 'policy/OpsWildcardPubSub'], ['GetPolicyVersion', { policyName: 'OpsWildcardPubSub', policyVersionId: '1' }, 'policy/OpsWildcardPubSub'],
    ['GetV2LoggingOptions', {}, '*'], ['ListTopicRules', {}, '*'], ['DescribeEndpoint', { endpointType: 'iot:Data-ATS' }, '*'],
    ['UpdateCertificate', { certificateId: hex(64), newStatus: 'ACTIVE' }, 'cert/z'],
    ['CreatePolicy', { policyName: 'x', policyDocument: debugAll }, 'policy/x'], ['AttachPolicy', { policyName: 'OpsWildcardPubSub', target: 'arn:aws:iot:eu-west-1:271828182845:cert/' + hex(64) }, 'policy/OpsWildcardPubSub'],
    ['SetV2LoggingOptions', { defaultLogLevel: 'DISABLED' }, '*'], ['DeleteTopicRule', { ruleName: 'alerts' }, 'rule/alerts'],
  ];
  tries.forEach(([name, req, res], i) => {
    const resource = res === '*' ? '*' : stgEu.arn(...res.split('/'));
    story.burst.push(burst(T('2026-10-22T13:02:00Z') + i * 23 * SEC, name, req, null, { err: denied(ACTORS.contractor, name, resource) }));
  });
  // Near miss: another principal, a few denied calls spread over hours.
  const qa = stg.as(ACTORS.qaBot);
  for (let i = 0; i < 5; i++) qa(T('2026-10-27T01:00:00Z') + i * 40 * MIN, 'DeleteThing', { thingName: `qa-thing-${i}` }, null, { err: denied(ACTORS.qaBot, 'DeleteThing', stg.arn('thing', `qa-thing-${i}`)) });
  stg('2026-10-10T10:00:00Z', 'DeleteThing', { thingName: 'ghost-device' }, null, { err: ['ResourceNotFoundException', 'Thing ghost-device cannot be found.'] });
}

// --- Read-only calls by a cross-account auditor (security-tooling -> iot-prod) -------
{
  const aud = prod.as(ACTORS.auditor);
  const reads = [
    ['ListCertificates', { pageSize: 100 }], ['DescribeCertificate', { certificateId: C.c1.id }], ['DescribeCACertificate', { caCertificateId: ca.old }],
    ['ListPolicies', {}], ['GetPolicy', { policyName: POLICY }], ['GetPolicyVersion', { policyName: POLICY, policyVersionId: '1' }],
    ['ListPolicyVersions', { policyName: POLICY }], ['ListAttachedPolicies', { target: C.c1.arn, recursive: 'false' }], ['ListTargetsForPolicy', { policyName: POLICY }],
    ['ListThingPrincipals', { thingName: 'pump-station-0042' }], ['GetV2LoggingOptions', {}], ['ListRoleAliases', {}], ['DescribeRoleAlias', { roleAlias: 'fleet-admin-credentials' }],
    ['ListTopicRules', {}], ['DescribeEndpoint', { endpointType: 'iot:Data-ATS' }], ['DescribeThing', { thingName: 'pump-station-0042' }], ['ListThings', {}],
  ];
  story.reads = [];
  for (const day of ['2026-10-05T04:10:00Z', '2026-10-26T04:10:00Z']) reads.forEach(([n, q], i) => story.reads.push(aud(T(day) + i * 9 * SEC, n, q, null)));
}

// --- Other accounts: legacy-fleet (suspended later), the stray account ---------------
const legacy = at(ACCT.legacy, R.apne1, ACTORS.legacyOps);
const oldCert = legacy.cert();
legacy('2026-10-02T03:00:00Z', 'UpdateCertificate', { certificateId: oldCert.id, newStatus: 'INACTIVE' }, null);
legacy('2026-10-02T03:01:00Z', 'DetachThingPrincipal', { thingName: 'vending-0007', principal: oldCert.arn }, null);
legacy('2026-10-02T03:02:00Z', 'DeleteThing', { thingName: 'vending-0007' }, null);
const stray = at(ACCT.stray, R.euw1, ACTORS.strayAdmin);
story.strayThing = stray('2026-10-10T18:00:00Z', 'CreateThing', { thingName: 'unknown-gw-01' }, { thingName: 'unknown-gw-01', thingArn: stray.arn('thing', 'unknown-gw-01'), thingId: uuid() });
stray('2026-10-10T18:03:00Z', 'UpdateThing', { thingName: 'unknown-gw-01', attributePayload: { attributes: { owner: 'nobody' } } }, null);
stgOps('2026-10-06T15:00:00Z', 'CreateThing', { thingName: 'bench-rig-3' }, { thingName: 'bench-rig-3', thingArn: stg.arn('thing', 'bench-rig-3'), thingId: uuid() }, { variant: 'plain' });
stgOps('2026-10-06T15:01:00Z', 'UpdateThing', { thingName: 'bench-rig-3', attributePayload: { attributes: { rack: 'B4' } } }, null, { variant: 'plain' });
stgEu.as(ACTORS.stagingOps)('2026-10-23T09:00:00Z', 'UpdateThing', { thingName: 'bench-rig-9', attributePayload: { attributes: { rack: 'C1' } } }, null, { variant: 'plaingz' });
prodEu('2026-10-15T14:00:00Z', 'UpdateThingGroup', { thingGroupName: 'meters-eu', thingGroupProperties: { attributePayload: { attributes: { wave: '1' } } } }, { version: 2 }, { variant: 'gzjson' });

// --- Period boundaries, late delivery, backfill, DST --------------------------------
const edge = {};
{
  const b = stg.as(ACTORS.stagingOps);
  const th = (n) => ({ thingName: n });
  edge.neither1 = b('2026-09-30T21:50:00Z', 'UpdateThing', { ...th('edge-a'), attributePayload: { attributes: { k: 'v' } } }, null);
  edge.parisStartExact = b('2026-09-30T22:00:00Z', 'CreateThing', th('edge-b'), { thingName: 'edge-b', thingArn: stg.arn('thing', 'edge-b'), thingId: uuid() });
  edge.parisOnly = b('2026-09-30T22:30:12Z', 'UpdateCertificate', { certificateId: hex(64), newStatus: 'INACTIVE' }, null);
  edge.lateSep30 = prod('2026-09-30T23:56:40Z', 'AttachPolicy', { policyName: 'BootstrapPolicy', target: prod.arn('thinggroup', 'bootstrap') }, null);
  edge.utcStartExact = b('2026-10-01T00:00:00Z', 'CreateThingGroup', { thingGroupName: 'edge-group' }, { thingGroupName: 'edge-group', thingGroupArn: stg.arn('thinggroup', 'edge-group'), thingGroupId: uuid() });
  edge.midnight = prod('2026-10-14T23:56:30Z', 'UpdateThing', { thingName: 'pump-station-0042', attributePayload: { attributes: { nightly: '1' } } }, null);
  edge.dstCest = stgEu.as(ACTORS.stagingOps)('2026-10-25T00:30:00Z', 'UpdateThing', { thingName: 'bench-rig-9', attributePayload: { attributes: { dst: 'CEST 02:30' } } }, null);
  edge.dstCet = stgEu.as(ACTORS.stagingOps)('2026-10-25T01:30:00Z', 'UpdateThing', { thingName: 'bench-rig-9', attributePayload: { attributes: { dst: 'CET 02:30' } } }, null);
  const backfill = { delivery: T('2026-11-01T11:05:00Z'), variant: 'backfill' };
  const tfs = { actor: ACTORS.terraformStaging };
  edge.backfill = [
    b('2026-10-31T15:02:10Z', 'CreateThing', th('edge-late'), { thingName: 'edge-late', thingArn: stg.arn('thing', 'edge-late'), thingId: uuid() }, backfill),
    b('2026-10-31T15:03:00Z', 'CreatePolicy', { policyName: 'EdgeLatePolicy', policyDocument: policyDoc([allow('iot:Connect', stg.arn('client', 'edge-late'))]) }, { policyName: 'EdgeLatePolicy', policyArn: stg.arn('policy', 'EdgeLatePolicy'), policyVersionId: '1' }, { ...backfill, ...tfs }),
    b('2026-10-31T15:04:20Z', 'AttachPolicy', { policyName: 'EdgeLatePolicy', target: stg.arn('thing', 'edge-late') }, null, { ...backfill, ...tfs }),
  ];
  edge.parisEndNear = b('2026-10-31T22:50:00Z', 'DetachPolicy', { policyName: 'EdgeLatePolicy', target: stg.arn('thing', 'edge-late') }, null, tfs);
  edge.parisEndExact = b('2026-10-31T23:00:00Z', 'UpdateThing', { ...th('edge-late'), attributePayload: { attributes: { k: 'v2' } } }, null);
  edge.utcOnly = b('2026-10-31T23:10:30Z', 'UpdateCertificate', { certificateId: hex(64), newStatus: 'ACTIVE' }, null);
  edge.utcOnly2 = b('2026-10-31T23:40:00Z', 'DetachThingPrincipal', { thingName: 'edge-late', principal: stg.arn('cert', hex(64)) }, null);
  edge.lateOct31 = b('2026-10-31T23:57:15Z', 'CreatePolicyVersion', { policyName: 'EdgeLatePolicy', policyDocument: policyDoc([allow('iot:Connect', stg.arn('client', 'edge-late-2'))]), setAsDefault: true }, { policyVersionId: '2', isDefaultVersion: true }, tfs);
  edge.utcEndExact = b('2026-11-01T00:00:00Z', 'DeleteThing', th('edge-b'), null);
  edge.after = b('2026-11-01T00:20:00Z', 'DeleteThing', th('edge-late'), null);
}

// --- Records in the IoT developer guide's shape (iot-using-cloudtrail.md) --------------
/** Capitalized keys, `RequestParamters`, "" for absent values, epoch `timestamp`, no source/region. */
function guideRecord(t, name, params, acct, { withEventTime = true } = {}) {
  return {
    timestamp: String(Math.floor(t / 1000)), AdditionalEventData: '', Annotation: '', ApiVersion: '', ErrorCode: '', ErrorMessage: '',
    EventID: uuid(), EventName: name, EventTime: withEventTime ? iso(t) : '', EventType: 'AwsApiCall', ReadOnly: '', RecipientAccountList: '',
    RequestID: uuid(), RequestParamters: params, Resources: '', ResponseElements: '', SourceIpAddress: ACTORS.iotMonitor.ip, UserAgent: 'aws-internal/3',
    UserIdentity: { ...ACTORS.iotMonitor.who(t), accountId: acct, invokedBy: { serviceAccountId: '111111111111' } },
    VpcEndpointId: '',
  };
}
const guide = (t, name, params, acct, region, isIot, opts) => {
  const rec = guideRecord(T(t), name, params, acct, opts);
  const entry = { tree: 'org', acct, region, t: T(t), rec, iot: isIot ? { name, category: categoryOf(name), readOnly: false, error: null } : null };
  LOG.push(entry);
  return entry;
};
story.guideAttach = guide('2026-10-08T23:51:36Z', 'AttachPolicy', { principal: C.c3.arn, policyName: POLICY }, P, R.use1, true);
story.guideDetach = guide('2026-10-09T08:20:00Z', 'DetachPolicy', { target: `arn:aws:iot:eu-west-1:${S}:cert/${hex(64)}`, policyName: 'OpsWildcardPubSub' }, S, R.euw1, true, { withEventTime: false });
story.guideNotIot = guide('2026-10-09T08:25:00Z', 'PutBucketPolicy', { bucketName: 'staging-firmware', policy: '{"Statement":[]}' }, S, R.euw1, false);

// --- Records of other services that look like IoT -----------------------------------
/** A non-IoT record logged like the others but never counted. */
function other(acct, region, actor, t, source, name, req, resp = null, o = {}) {
  const rec = record({ t: T(t), acct, region, source, name, who: actor.who(T(t)), ip: actor.ip, ua: actor.ua, req, resp, ro: !!o.ro, console: actor.console });
  const entry = { tree: 'org', acct, region, t: T(t), rec, iot: null, delivery: o.delivery, variant: o.variant };
  LOG.push(entry);
  return entry;
}
const TF = ACTORS.terraform;
const iamPolicyArn = `arn:aws:iam::${P}:policy/DeviceTelemetryPolicy`;
const iamDoc = JSON.stringify({ Version: '2012-10-17', Statement: [allow('iot:Publish', prod.arn('topic', 'telemetry/*'))] });
story.collisions = [
  other(P, R.use1, TF, '2026-10-06T10:00:00Z', 'iam', 'CreatePolicy', { policyName: 'DeviceTelemetryPolicy', policyDocument: iamDoc }, { policy: { policyName: 'DeviceTelemetryPolicy', arn: iamPolicyArn, defaultVersionId: 'v1' } }),
  other(P, R.use1, TF, '2026-10-07T10:00:00Z', 'iam', 'CreatePolicyVersion', { policyArn: iamPolicyArn, policyDocument: iamDoc, setAsDefault: true }, { policyVersion: { versionId: 'v2', isDefaultVersion: true } }),
  other(P, R.use1, TF, '2026-10-08T10:00:00Z', 'iam', 'SetDefaultPolicyVersion', { policyArn: iamPolicyArn, versionId: 'v1' }),
  other(P, R.use1, TF, '2026-10-09T10:00:00Z', 'iam', 'DeletePolicy', { policyArn: iamPolicyArn }),
  other(P, R.use1, ACTORS.ssoAdmin, '2026-10-12T15:00:00Z', 'organizations', 'CreatePolicy', { content: '{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"iot:DeleteCertificate","Resource":"*"}]}', description: 'deny cert deletes', name: 'DenyIotCertDelete', type: 'SERVICE_CONTROL_POLICY' }, { policy: { policySummary: { id: 'p-7f3kq2x9', name: 'DenyIotCertDelete' } } }),
  other(P, R.use1, ACTORS.ssoAdmin, '2026-10-12T15:01:00Z', 'organizations', 'AttachPolicy', { policyId: 'p-7f3kq2x9', targetId: 'ou-7f3k-ab12cd34' }),
  other(P, R.use1, ACTORS.ssoAdmin, '2026-10-20T15:01:00Z', 'organizations', 'DetachPolicy', { policyId: 'p-7f3kq2x9', targetId: 'ou-7f3k-ab12cd34' }),
  other(P, R.euw1, TF, '2026-10-18T10:00:00Z', 'acm', 'DeleteCertificate', { certificateArn: `arn:aws:acm:eu-west-1:${P}:certificate/${uuid()}` }),
  other(S, R.euw1, ACTORS.stagingOps, '2026-10-11T10:00:00Z', 'iotwireless', 'AssociateWirelessDeviceWithThing', { id: uuid(), thingArn: stgEu.arn('thing', 'lora-7') }),
  other(S, R.euw1, ACTORS.stagingOps, '2026-10-11T10:02:00Z', 'greengrass', 'CreateDeployment', { targetArn: stgEu.arn('thinggroup', 'gateways'), deploymentName: 'gg-core' }, { deploymentId: uuid() }),
];
story.iotText = [
  other(P, R.use1, TF, '2026-10-05T10:00:00Z', 'iam', 'CreateRole', { roleName: 'iot-rule-kinesis', assumeRolePolicyDocument: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"iot.amazonaws.com"},"Action":"sts:AssumeRole"}]}' }, { role: { roleName: 'iot-rule-kinesis', arn: `arn:aws:iam::${P}:role/iot-rule-kinesis` } }),
  other(P, R.use1, ACTORS.ssoAdmin, '2026-10-05T10:05:00Z', 'events', 'PutRule', { name: 'iot-cert-changes', description: 'forward {"eventSource":"iot.amazonaws.com","eventName":"DeleteCertificate"} to SecOps', eventPattern: '{"source":["aws.iot"],"detail":{"eventSource":["iot.amazonaws.com"]}}', state: 'ENABLED' }, { ruleArn: `arn:aws:events:us-east-1:${P}:rule/iot-cert-changes` }),
  other(P, R.use1, TF, '2026-10-05T10:06:00Z', 'iam', 'PutRolePolicy', { roleName: 'iot-rule-kinesis', policyName: 'publish', policyDocument: `{"Statement":[{"Effect":"Allow","Action":"iot:Publish","Resource":"${prod.arn('topic', 'alerts')}"}]}` }),
];

// ===========================================================================
// Noise: other services, every common identity type
// ===========================================================================
const pools = new Map();
function pool(acct) {
  if (!pools.has(acct)) {
    pools.set(acct, {
      human: [
        userActor(acct, 'alice.ng', '198.51.100.61', UA.browser, { console: true, mfa: true }),
        roleActor(acct, 'AWSReservedSSO_ReadOnly_7b2a9c1d3e4f5a6b', 'sam.okafor@example.com', '198.51.100.72', UA.cli, { path: SSO_PATH }),
        userActor(acct, 'ci-bot', '3.214.77.10', UA.boto),
      ],
      role: [
        roleActor(acct, 'eks-node-group-role', `i-0${hex(16)}`, '10.0.34.12', UA.boto),
        roleActor(acct, 'data-pipeline', 'glue-job-4411', '52.18.0.41', UA.boto),
        // The accounts' own deployer roles, so one role keeps one role id across the logs.
        { [P]: ACTORS.terraform, [S]: ACTORS.terraformStaging }[acct] ?? roleActor(acct, 'terraform-deployer', 'gha-run-11870', '3.214.77.10', UA.terraform),
      ],
    });
  }
  return pools.get(acct);
}
const svc = (name) => ({ who: serviceWho(name), ip: name, ua: name });
const actorOf = (a) => (t) => ({ who: a.who(t), ip: a.ip, ua: a.ua, console: a.console });
/** [weight, global-only (us-east-1), builder(acct, region, t) -> record params]. */
const NOISE = [
  [6, false, (a, r, t) => ({ ...svc('lambda.amazonaws.com'), source: 'sts', name: 'AssumeRole', shared: true,
    req: { roleArn: `arn:aws:iam::${a}:role/service-role/fn-${hex(4)}`, roleSessionName: `fn-${hex(6)}` },
    resp: { credentials: { accessKeyId: 'ASIA' + chars(16, UPPER), sessionToken: 'IQoJb3JpZ2luX2VjE' + chars(40, ALNUM), expiration: new Date(t + 12 * HOUR).toUTCString() } },
    resources: [{ accountId: a, type: 'AWS::IAM::Role', ARN: `arn:aws:iam::${a}:role/service-role/fn` }] })],
  [5, false, (a, r, t) => ({ ...actorOf(pick(pool(a).human))(t), source: 'ec2', name: 'DescribeInstances', ro: true, req: { instancesSet: {}, filterSet: { items: [{ name: 'tag:team', valueSet: { items: [{ value: 'iot' }] } }] } } })],
  [5, false, () => ({ ...svc(pick(['s3.amazonaws.com', 'ebs.amazonaws.com'])), source: 'kms', name: pick(['Decrypt', 'GenerateDataKey']), ro: true,
    req: { encryptionAlgorithm: 'SYMMETRIC_DEFAULT', encryptionContext: { 'aws:s3:arn': `arn:aws:s3:::bucket-${hex(6)}/obj` } } })],
  [3, false, (a) => ({ who: { type: 'AWSAccount', principalId: 'AIDA' + chars(17, UPPER), accountId: '999900001111' }, ip: '18.200.1.5', ua: '[aws-sdk-java/1.12.770]', source: 's3', name: 'GetBucketAcl', ro: true,
    req: { bucketName: `${a}-shared-artifacts`, Host: `${a}-shared-artifacts.s3.amazonaws.com`, acl: '' }, resources: [{ type: 'AWS::S3::Bucket', ARN: `arn:aws:s3:::${a}-shared-artifacts` }] })],
  [3, false, (a, r, t) => ({ ...actorOf(pick(pool(a).role))(t), source: 'logs', name: 'CreateLogStream', req: { logGroupName: '/aws/lambda/fleet-provisioner-fn', logStreamName: `2026/10/${hex(16)}` } })],
  [3, false, (a, r, t) => ({ ...actorOf(pick(pool(a).human))(t), source: 'lambda', name: 'ListFunctions20150331', ro: true, req: null })],
  [2, false, (a, r, t) => ({ ...actorOf(pick(pool(a).role))(t), source: 'ec2', name: 'CreateTags', req: { resourcesSet: { items: [{ resourceId: `i-0${hex(16)}` }] }, tagSet: { items: [{ key: 'owner', value: 'iot' }] } }, resp: { _return: true } })],
  [2, false, (a, r, t) => ({ ...actorOf(pick(pool(a).role))(t), source: 'ssm', name: 'GetParameter', ro: true, req: { name: '/iot/endpoint', withDecryption: true } })],
  [2, false, (a, r, t) => ({ ...actorOf(pick(pool(a).role))(t), source: 'dynamodb', name: 'DescribeTable', ro: true, req: { tableName: 'device-shadow-index' } })],
  [2, false, (a, r, t) => ({ ...actorOf(pick(pool(a).human))(t), source: 'cloudformation', name: 'DescribeStacks', ro: true, req: { stackName: 'iot-core' } })],
  [2, false, (a, r, t) => ({ ...actorOf(pick(pool(a).role))(t), source: 'secretsmanager', name: 'GetSecretValue', ro: true, req: { secretId: 'iot/ca-passphrase' } })],
  [2, false, (a, r, t) => ({ ...actorOf(pick(pool(a).human))(t), source: 'sts', name: 'GetCallerIdentity', ro: true, req: null })],
  [1, false, (a) => ({ who: { type: 'WebIdentityUser', principalId: `token.actions.githubusercontent.com:sts.amazonaws.com:repo:acme/fleet:ref:refs/heads/main`, userName: 'repo:acme/fleet:ref:refs/heads/main', identityProvider: 'token.actions.githubusercontent.com' },
    ip: '20.29.31.11', ua: UA.boto, source: 'sts', name: 'AssumeRoleWithWebIdentity', req: { roleArn: `arn:aws:iam::${a}:role/github-oidc`, roleSessionName: `gha-${hex(6)}` }, resp: { subjectFromWebIdentityToken: 'repo:acme/fleet:ref:refs/heads/main', audience: 'sts.amazonaws.com' }, shared: true })],
  [1, false, (a) => ({ who: { type: 'SAMLUser', principalId: 'Y2hhbmdlbWU=:sam.okafor@example.com', userName: 'sam.okafor@example.com', identityProvider: 'Y2hhbmdlbWU=' }, ip: '198.51.100.72', ua: UA.browser,
    source: 'sts', name: 'AssumeRoleWithSAML', req: { roleArn: `arn:aws:iam::${a}:role/saml-readonly`, principalArn: `arn:aws:iam::${a}:saml-provider/corp-idp`, durationSeconds: 3600 }, resp: { subjectType: 'persistent', issuer: 'https://idp.example.com/' } })],
  [1, false, (a, r, t) => ({ who: { type: 'FederatedUser', principalId: `${a}:build-bot`, arn: `arn:aws:sts::${a}:federated-user/build-bot`, accountId: a, accessKeyId: 'ASIA' + chars(16, UPPER),
    sessionContext: { sessionIssuer: { type: 'IAMUser', principalId: 'AIDA' + chars(17, UPPER), arn: `arn:aws:iam::${a}:user/ci-bot`, accountId: a, userName: 'ci-bot' }, attributes: { creationDate: iso(t - HOUR), mfaAuthenticated: 'false' } } },
    ip: '3.214.77.10', ua: UA.boto, source: 's3', name: 'ListBuckets', ro: true, req: { Host: 's3.amazonaws.com' } })],
  [1, false, (a) => ({ who: { type: 'IdentityCenterUser', accountId: a, onBehalfOf: { userId: uuid(), identityStoreArn: 'arn:aws:identitystore::161803398874:identitystore/d-9067a1b2c3' }, credentialId: hex(32) },
    ip: '198.51.100.72', ua: UA.browser, source: 'sso', name: 'ListAccountRoles', ro: true, req: { accountId: a } })],
  [1, false, (a) => ({ who: { type: 'Directory', principalId: 'S-1-5-21-1234567890-123456789-1234567890-1105', accountId: a, userName: 'CORP\\svc-iot' }, ip: '10.0.7.20', ua: 'WorkDocs', source: 'ds', name: 'DescribeDirectories', ro: true, req: { directoryIds: ['d-9067a1b2c3'] } })],
  [1, false, (a) => ({ who: { type: 'Role', principalId: 'AROA' + chars(17, UPPER), arn: `arn:aws:iam::${a}:role/config-recorder`, accountId: a }, ip: 'config.amazonaws.com', ua: 'config.amazonaws.com', source: 'config', name: 'PutEvaluations', req: { resultToken: '***', testMode: false } })],
  [1, false, (a) => ({ who: { accountId: a, invokedBy: 'cloudtrail.amazonaws.com' }, ip: 'cloudtrail.amazonaws.com', ua: 'cloudtrail.amazonaws.com', source: 'cloudtrail', name: 'CloudTrailBucketDelivery', eventType: 'AwsServiceEvent', req: null,
    extra: { serviceEventDetails: { bucket: BUCKET }, addendum: { reason: 'DELIVERY_DELAY', updatedFields: '', originalRequestID: '', originalEventID: '' } } })],
  [1, false, (a, r, t) => ({ ...actorOf(pick(pool(a).role))(t), source: 'ec2', name: 'RunInstances', req: { instancesSet: { items: [{ imageId: 'ami-0abcdef1234567890', minCount: 1, maxCount: 1 }] }, instanceType: 't4g.small' },
    resp: { reservationId: `r-0${hex(16)}`, instancesSet: { items: [{ instanceId: `i-0${hex(16)}`, imageId: 'ami-0abcdef1234567890' }] } }, vpce: 'vpce-0f1e2d3c4b5a69788' })],
  [2, true, (a, r, t) => ({ ...actorOf(pick(pool(a).human))(t), source: 'iam', name: pick(['GetRole', 'ListRoles', 'ListAttachedRolePolicies']), ro: true, req: { roleName: 'terraform-deployer' }, host: 'iam.amazonaws.com' })],
  [1, true, (a, r, t) => {
    const ok = rnd() < 0.8;
    return { who: ok ? pool(a).human[0].who(t) : { type: 'Unknown', principalId: '', accountId: a, accessKeyId: '', userName: 'HIDDEN_DUE_TO_SECURITY_REASONS' }, ip: '198.51.100.61', ua: UA.browser, source: 'signin', name: 'ConsoleLogin', eventType: 'AwsConsoleSignIn',
      req: null, resp: { ConsoleLogin: ok ? 'Success' : 'Failure' }, err: ok ? undefined : ['Failed authentication', 'Failed authentication'],
      additional: { LoginTo: 'https://console.aws.amazon.com/console/home', MobileVersion: 'No', MFAUsed: ok ? 'Yes' : 'No' } };
  }],
];
const NOISE_WEIGHT = NOISE.reduce((s, [w]) => s + w, 0);
function noiseRecord(acct, region, t) {
  for (;;) {
    let x = rnd() * NOISE_WEIGHT;
    const [, globalOnly, build] = NOISE.find(([w]) => (x -= w) < 0) ?? NOISE[0];
    if (globalOnly && region !== R.use1) continue;
    const p = build(acct, region, t);
    return record({ ...p, t, acct, region, source: p.source, host: p.host });
  }
}

// ===========================================================================
// Packing records into log files (delivery ~5 minutes after the events)
// ===========================================================================
const deliveryOf = (t) => Math.ceil((t + 4 * MIN) / (5 * MIN)) * 5 * MIN;
const TREE_ROOT = { org: `${PREFIX}AWSLogs/${ORG}/`, single: 'AWSLogs/' };
const STORE = { org: 'org-trail', single: 'single-account' };

/** Noise-only files per account and region, as a real bucket has on quiet days. */
const QUIET = [
  ['org', P, R.use1, 0.25, '2026-09-29', '2026-11-03'], ['org', P, R.use1, 3, '2026-10-01', '2026-10-03'], // the digest chain's days
  ['org', P, R.use1, 1, '2026-09-29', '2026-09-30'], ['org', P, R.use1, 1, '2026-11-01', '2026-11-03'], ['org', P, R.euw1, 1, '2026-11-02', '2026-11-03'], // outside the period
  ['org', P, R.euw1, 0.15, '2026-09-29', '2026-11-03'], ['org', P, R.apne1, 0.15, '2026-09-29', '2026-11-03'],
  ['org', S, R.use1, 0.15, '2026-09-29', '2026-11-03'], ['org', S, R.euw1, 0.1, '2026-09-29', '2026-11-03'],
  ['org', ACCT.legacy, R.apne1, 1, '2026-09-29', '2026-10-03'], ['org', ACCT.stray, R.euw1, 0.1, '2026-09-29', '2026-11-03'],
  ['single', ACCT.single, R.use1, 0.15, '2026-09-30', '2026-11-02'],
];
function pack(log) {
  const groups = new Map();
  const put = (tree, acct, region, delivery, variant, entry) => {
    const id = `${tree}|${acct}|${region}|${delivery}|${variant}`;
    if (!groups.has(id)) groups.set(id, { tree, acct, region, delivery, variant, entries: [] });
    groups.get(id).entries.push(entry);
  };
  for (const e of log) {
    const d = e.delivery ?? deliveryOf(e.t);
    put(e.tree, e.acct, e.region, d, e.variant ?? '', e);
    if (e.twice) put(e.tree, e.acct, e.region, d, e.variant ?? '', e);
    for (const c of e.also ?? []) put(e.tree, e.acct, e.region, c.delivery, c.variant, e);
  }
  for (const [tree, acct, region, rate, from, to] of QUIET) {
    for (let day = T(`${from}T00:00:00Z`); day <= T(`${to}T00:00:00Z`); day += 24 * HOUR) {
      const n = Math.floor(rate) + (rnd() < rate % 1 ? 1 : 0);
      for (let i = 0; i < n; i++) put(tree, acct, region, day + int(0, 287) * 5 * MIN, 'quiet', null);
    }
  }
  const files = [];
  const ordered = [...groups.values()].sort((a, b) => a.tree.localeCompare(b.tree) || a.acct.localeCompare(b.acct) || a.region.localeCompare(b.region) || a.delivery - b.delivery || a.variant.localeCompare(b.variant));
  for (const g of ordered) {
    const entries = g.entries.filter(Boolean);
    const anchor = entries.length ? Math.max(...entries.map((e) => e.t)) : g.delivery - MIN;
    const noise = Array.from({ length: g.variant === 'plain' ? 6 : int(16, 34) }, () => noiseRecord(g.acct, g.region, anchor - int(10, 420) * SEC));
    const records = shuffle([...entries.map((e) => e.rec), ...noise]);
    const ext = g.variant === 'plain' || g.variant === 'gzjson' ? '.json' : '.json.gz';
    const key = `${TREE_ROOT[g.tree]}${g.acct}/CloudTrail/${g.region}/${dayPath(g.delivery)}/${g.acct}_CloudTrail_${g.region}_${minuteStamp(g.delivery)}_${chars(16, ALNUM)}${ext}`;
    const json = Buffer.from(JSON.stringify({ Records: records }));
    const bytes = g.variant === 'plain' || g.variant === 'plaingz' ? json : gzip(json);
    const file = { ...g, entries, key, store: STORE[g.tree], json, bytes, records };
    for (const e of entries) if (!(e.files ??= []).includes(key)) e.files.push(key);
    files.push(file);
  }
  return files;
}
const gzip = (buf) => gzipSync(buf, { level: 9 });

// ===========================================================================
// Build everything
// ===========================================================================
const OUT = new Map(); // path relative to the output dir -> Buffer
const put = (rel, data) => OUT.set(rel, Buffer.isBuffer(data) ? data : Buffer.from(data));
const json = (value) => JSON.stringify(value, null, 2) + '\n';

// --- Single-account trail -----------------------------------------------------------
const SINGLE = [];
{
  const lab = roleActor(ACCT.single, 'lab-admin', 'kenji', '192.0.2.77', UA.cli);
  const s = at(ACCT.single, R.use1, lab);
  const o = { tree: 'single', sink: SINGLE };
  const cert = s.cert();
  const doc = policyDoc([allow('iot:Connect', s.arn('client', '${iot:ClientId}'))]);
  s('2026-10-03T10:00:00Z', 'CreateKeysAndCertificate', { setAsActive: true }, certResp(cert), o);
  s('2026-10-03T10:00:30Z', 'CreatePolicy', { policyName: 'LabPolicy', policyDocument: doc }, policyResp(s, 'LabPolicy', doc, '1'), o);
  s('2026-10-03T10:01:00Z', 'AttachPolicy', { policyName: 'LabPolicy', target: cert.arn }, null, o);
  s('2026-10-03T10:01:20Z', 'AttachThingPrincipal', { thingName: 'lab-device-1', principal: cert.arn }, null, o);
  s('2026-10-12T17:00:00Z', 'UpdateCertificate', { certificateId: cert.id, newStatus: 'REVOKED' }, null, o);
  s('2026-10-12T17:02:00Z', 'DeleteCertificate', { certificateId: cert.id, forceDelete: true }, null, o);
  s('2026-10-31T23:58:00Z', 'DeleteThing', { thingName: 'lab-device-1' }, null, o);
  s('2026-09-30T23:30:00Z', 'CreateThing', { thingName: 'lab-device-1' }, { thingName: 'lab-device-1', thingArn: s.arn('thing', 'lab-device-1'), thingId: uuid() }, o);
}

const files = pack([...LOG, ...SINGLE]);
for (const f of files) put(`${f.store}/${f.key}`, f.bytes);
const orgFiles = files.filter((f) => f.tree === 'org');

// --- Objects that are not log files (skipped silently) ---------------------------------
const skipped = [];
const addSkipped = (rel, data, why) => {
  put(`org-trail/${rel}`, data);
  skipped.push({ key: rel, why });
};
{
  const insightKey = `${PREFIX}AWSLogs/${ORG}/${P}/CloudTrail-Insight/us-east-1/2026/10/16/${P}_CloudTrail-Insight_us-east-1_20261016T1210Z_${chars(16, ALNUM)}.json.gz`;
  const insight = (state, t) => ({
    eventVersion: '1.08', eventTime: iso(T(t)), awsRegion: 'us-east-1', eventID: uuid(), eventType: 'AwsCloudTrailInsight', recipientAccountId: P, sharedEventID: 'b6c1f0e2-7d3a-4e5b-9c8d-1a2b3c4d5e6f',
    insightDetails: { state, eventSource: 'iot.amazonaws.com', eventName: 'UpdateCertificate', insightType: 'ApiCallRateInsight', insightContext: { statistics: { baseline: { average: 0.0104 }, insight: { average: 3.2 } } } },
    eventCategory: 'Insight',
  });
  addSkipped(insightKey, gzip(Buffer.from(JSON.stringify({ Records: [insight('Start', '2026-10-16T15:00:00Z'), insight('End', '2026-10-16T15:10:00Z')] }))), 'CloudTrail-Insight file (IoT insight events)');
  addSkipped(`${PREFIX}AWSLogs/${P}/Config/ConfigWritabilityCheckFile`, Buffer.alloc(0), 'AWS Config writability check (0 bytes)');
  const elb = `h2 2026-10-05T11:58:02.123456Z app/ota-api/6f1e2d3c4b5a6978 203.0.113.50:51234 10.0.12.34:8080 0.001 0.012 0.000 200 200 312 1045 "GET https://ota.example.com:443/v1/firmware?device=meter-eu-0001 HTTP/2.0" "okhttp/4.12.0" ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2 arn:aws:elasticloadbalancing:eu-west-1:${P}:targetgroup/ota/0123456789abcdef "Root=1-6721${hex(4)}-${hex(24)}" "ota.example.com" "arn:aws:acm:eu-west-1:${P}:certificate/${uuid()}" 0 2026-10-05T11:58:02.110000Z "forward" "-" "-" "10.0.12.34:8080" "200" "-" "-"\n`;
  addSkipped(`${PREFIX}AWSLogs/${P}/elasticloadbalancing/eu-west-1/2026/10/05/${P}_elasticloadbalancing_eu-west-1_app.ota-api.6f1e2d3c4b5a6978_20261005T1200Z_10.0.12.34_3kq9x0ab.log.gz`, gzip(Buffer.from(elb.repeat(3))), 'ELB access log');
  addSkipped(`${PREFIX}AWSLogs/${ORG}/${P}/CloudTrail/us-east-1/2026/10/10/.DS_Store`, Buffer.concat([Buffer.from([0, 0, 0, 1]), Buffer.from('Bud1'), Buffer.alloc(24, 0x10)]), 'Finder junk file in a day folder');
  addSkipped(`${PREFIX}AWSLogs/${ORG}/${P}/CloudTrail/eu-west-1/2026/10/12/README.txt`, 'Copied from s3://acme-iot-org-trail on 2026-11-02 by the audit team. Do not edit.\n', 'README.txt in a day folder');
}

// --- Broken log files (reported unreadable) ----------------------------------------------
/** gzip built by hand with one stored block and cut short, so the bytes never depend on zlib. */
function truncatedGzip(data, keep) {
  const header = Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]);
  const block = Buffer.alloc(5);
  block[0] = 1;
  block.writeUInt16LE(data.length, 1);
  block.writeUInt16LE(~data.length & 0xffff, 3);
  return Buffer.concat([header, block, data.subarray(0, keep)]);
}
const unreadable = [];
{
  const logKey = (acct, region, t) => `${PREFIX}AWSLogs/${ORG}/${acct}/CloudTrail/${region}/${dayPath(T(t))}/${acct}_CloudTrail_${region}_${minuteStamp(T(t))}_${chars(16, ALNUM)}.json.gz`;
  const body = Buffer.from(JSON.stringify({ Records: Array.from({ length: 12 }, () => noiseRecord(S, R.euw1, T('2026-10-08T14:05:00Z') - int(0, 300) * SEC)) }));
  const broken = [
    [logKey(S, R.euw1, '2026-10-08T14:10:00Z'), truncatedGzip(body, Math.floor(body.length * 0.6)), 'truncated gzip'],
    [logKey(P, R.apne1, '2026-10-11T04:15:00Z'), gzip(Buffer.from('{"Records":[{"eventVersion":"1.09","eventTime":"2026-10-11T04:12:09Z","eventSource":"iot.amazonaws.com",,"eventName":')), 'gzip of invalid JSON'],
    [logKey(S, R.use1, '2026-10-20T08:20:00Z'), gzip(Buffer.from('{"hello":"world"}')), 'valid JSON that is not CloudTrail'],
  ];
  for (const [key, data, reason] of broken) {
    put(`org-trail/${key}`, data);
    unreadable.push({ key, reason });
  }
}

// --- Digest chain: iot-prod / us-east-1, 2026-10-01 .. 2026-10-03 -----------------------
function signingKey() {
  if (!existsSync(KEY_FILE)) {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    mkdirSync(path.dirname(KEY_FILE), { recursive: true });
    writeFileSync(KEY_FILE, privateKey.export({ type: 'pkcs8', format: 'pem' }));
  }
  return readFileSync(KEY_FILE);
}
const keyPem = signingKey();
const privateKey = createPrivateKey(keyPem);
const publicDer = createPublicKey(privateKey).export({ type: 'pkcs1', format: 'der' });
const FINGERPRINT = createHash('md5').update(publicDer).digest('hex'); // as CloudTrail: MD5 of the PKCS#1 DER
const sha256 = (buf) => createHash('sha256').update(buf).digest('hex');
put('keys/digest-signing-key.pem', keyPem);
put('public-keys.json', json({ PublicKeyList: [{ Value: publicDer.toString('base64'), ValidityStartTime: '2026-09-15T00:00:00+00:00', ValidityEndTime: '2026-10-15T00:00:00+00:00', Fingerprint: FINGERPRINT }] }));

const CHAIN = { account: P, region: R.use1, first: T('2026-09-30T23:41:17Z'), count: 73 };
const digests = [];
{
  const covered = orgFiles.filter((f) => f.acct === CHAIN.account && f.region === CHAIN.region).sort((a, b) => a.key.localeCompare(b.key));
  let previous = null;
  for (let i = 0; i < CHAIN.count; i++) {
    const start = CHAIN.first + i * HOUR;
    const end = start + HOUR;
    const key = `${PREFIX}AWSLogs/${ORG}/${P}/CloudTrail-Digest/${R.use1}/${dayPath(end)}/${P}_CloudTrail-Digest_${R.use1}_${TRAIL}_${HOME_REGION}_${compact(end)}.json.gz`;
    const logs = covered.filter((f) => f.delivery >= start && f.delivery < end);
    const times = (f) => f.records.map((r) => r.eventTime).sort();
    const all = logs.flatMap(times).sort();
    const body = {
      awsAccountId: P, digestStartTime: iso(start), digestEndTime: iso(end), digestS3Bucket: BUCKET, digestS3Object: key,
      digestPublicKeyFingerprint: FINGERPRINT, digestSignatureAlgorithm: 'SHA256withRSA',
      newestEventTime: all.at(-1) ?? null, oldestEventTime: all[0] ?? null,
      previousDigestS3Bucket: previous ? BUCKET : null, previousDigestS3Object: previous?.key ?? null,
      previousDigestHashValue: previous ? sha256(previous.json) : null, previousDigestHashAlgorithm: previous ? 'SHA-256' : null,
      previousDigestSignature: previous?.signature ?? null,
      logFiles: logs.map((f) => ({ s3Bucket: BUCKET, s3Object: f.key, hashValue: sha256(f.json), hashAlgorithm: 'SHA-256', newestEventTime: times(f).at(-1), oldestEventTime: times(f)[0] })),
    };
    const raw = Buffer.from(JSON.stringify(body));
    const toSign = `${body.digestEndTime}\n${BUCKET}/${key}\n${sha256(raw)}\n${body.previousDigestSignature ?? 'null'}`;
    const signature = sign('sha256', Buffer.from(toSign), privateKey).toString('hex');
    put(`org-trail/${key}`, gzip(raw));
    put(`org-trail/${key}.sig`, signature + '\n');
    previous = { key, json: raw, signature };
    digests.push({ key, start, end, logFiles: logs.map((f) => f.key), signature });
  }
}

// --- accounts.json ----------------------------------------------------------------------
put('accounts.json', json({
  Accounts: [
    { Id: P, Arn: `arn:aws:organizations::${P}:account/${ORG}/${P}`, Email: 'aws-iot-prod@example.com', Name: 'iot-prod', State: 'ACTIVE', JoinedMethod: 'CREATED', JoinedTimestamp: '2021-03-14T09:26:53.589000+00:00' },
    { Id: S, Arn: `arn:aws:organizations::${P}:account/${ORG}/${S}`, Email: 'aws-iot-staging@example.com', Name: 'iot-staging', Status: 'ACTIVE', JoinedMethod: 'CREATED', JoinedTimestamp: '2021-03-14T10:02:11.104000+00:00' },
    { Id: ACCT.security, Arn: `arn:aws:organizations::${P}:account/${ORG}/${ACCT.security}`, Email: 'aws-security@example.com', Name: 'security-tooling', State: 'ACTIVE', JoinedMethod: 'INVITED', JoinedTimestamp: '2022-06-01T12:00:00.000000+00:00' },
    { Id: ACCT.legacy, Arn: `arn:aws:organizations::${P}:account/${ORG}/${ACCT.legacy}`, Email: 'aws-legacy-fleet@example.com', Name: 'legacy-fleet', State: 'SUSPENDED', Status: 'SUSPENDED', JoinedMethod: 'INVITED', JoinedTimestamp: '2019-11-20T08:15:42.000000+00:00' },
  ],
}));

// --- Loose files: LookupEvents output, EventBridge NDJSON, plain Records ------------------
const LOOSE = [];
{
  const o = { tree: 'loose', sink: LOOSE };
  const l = at(S, R.use1, ACTORS.stagingOps);
  const lookup = [
    l('2026-10-07T08:15:02Z', 'CreateThing', { thingName: 'loose-lookup-1' }, { thingName: 'loose-lookup-1', thingArn: l.arn('thing', 'loose-lookup-1'), thingId: uuid() }, o),
    l('2026-10-07T08:16:40Z', 'UpdateCertificate', { certificateId: hex(64), newStatus: 'INACTIVE' }, null, o),
    l('2026-10-07T08:17:00Z', 'ListPolicies', {}, null, o),
  ];
  const cliTime = (r) => r.eventTime.replace('Z', '+00:00');
  const iamOne = record({ t: T('2026-10-07T08:18:00Z'), acct: S, region: R.use1, source: 'iam', name: 'CreatePolicy', who: ACTORS.stagingOps.who(0), ip: ACTORS.stagingOps.ip, ua: UA.cli, req: { policyName: 'x', policyDocument: '{}' } });
  const asLookup = (r) => ({ EventId: r.eventID, EventName: r.eventName, ReadOnly: String(r.readOnly), AccessKeyId: r.userIdentity.accessKeyId, EventTime: cliTime(r), EventSource: r.eventSource, Username: 'staging-ops', Resources: [], CloudTrailEvent: JSON.stringify(r) });
  put('loose-files/lookup-events.json', json({ Events: [...lookup.map((e) => asLookup(e.rec)), asLookup(iamOne)] }));
  const bridge = [
    l('2026-10-08T12:00:00Z', 'AttachPolicy', { policyName: 'LegacyStagingPolicy', target: l.arn('cert', hex(64)) }, null, o),
    l('2026-10-08T12:01:00Z', 'DetachPolicy', { policyName: 'LegacyStagingPolicy', target: l.arn('thinggroup', 'bench-rigs') }, null, o),
  ];
  const wrap = (r) => JSON.stringify({ version: '0', id: uuid(), 'detail-type': 'AWS API Call via CloudTrail', source: r.eventSource === 'iot.amazonaws.com' ? 'aws.iot' : 'aws.iam', account: S, time: r.eventTime, region: r.awsRegion, resources: [], detail: r });
  put('loose-files/eventbridge-events.json', [...bridge.map((e) => wrap(e.rec)), wrap(iamOne)].join('\n') + '\n');
  const plain = [
    l('2026-10-09T16:00:00Z', 'CreateThingGroup', { thingGroupName: 'loose-group' }, { thingGroupName: 'loose-group', thingGroupArn: l.arn('thinggroup', 'loose-group'), thingGroupId: uuid() }, o),
    l('2026-10-09T16:02:00Z', 'DeleteCertificate', { certificateId: hex(64), forceDelete: false }, null, o),
  ];
  put('loose-files/records-2026-10-09.json', JSON.stringify({ Records: shuffle([...plain.map((e) => e.rec), ...Array.from({ length: 5 }, () => noiseRecord(S, R.use1, T('2026-10-09T15:58:00Z')))]) }));
  for (const [name, list] of [['lookup-events.json', lookup], ['eventbridge-events.json', bridge], ['records-2026-10-09.json', plain]]) for (const e of list) e.files = [name];
}

// ===========================================================================
// Traps and findings material (also written to README.md and expected.json)
// ===========================================================================
trap('late-midnight', 'trap', 'Late delivery across midnight: event 2026-10-14T23:56:30Z in a file of day folder 2026/10/15', [edge.midnight]);
trap('late-month-end', 'trap', 'Event 2026-10-31T23:57:15Z delivered in 2026/11/01: in October UTC, not in October Europe/Paris', [edge.lateOct31]);
trap('late-month-start', 'trap', 'Event 2026-09-30T23:56:40Z delivered in 2026/10/01: not in October UTC, in October Europe/Paris', [edge.lateSep30]);
trap('paris-only-start', 'trap', 'Europe/Paris October only (UTC September 30): 22:00:00Z exactly and 22:30:12Z', [edge.parisStartExact, edge.parisOnly]);
trap('utc-only-end', 'trap', 'October UTC only (Paris November 1): 2026-10-31T23:00:00Z exactly, 23:10:30Z and 23:40:00Z', [edge.parisEndExact, edge.utcOnly, edge.utcOnly2]);
trap('boundary-both', 'trap', 'In both periods: 2026-10-01T00:00:00Z exactly and 2026-10-31T22:50:00Z', [edge.utcStartExact, edge.parisEndNear]);
trap('boundary-neither', 'trap', 'In neither period: 2026-09-30T21:50:00Z, 2026-11-01T00:00:00Z exactly, 2026-11-01T00:20:00Z', [edge.neither1, edge.utcEndExact, edge.after]);
trap('backfill', 'trap', 'Backfilled file delivered 2026-11-01T11:05Z (~20 hours late) with events of 2026-10-31T15:0x', [edge.backfill]);
trap('dst-paris', 'trap', 'Two events at 02:30 Paris wall time on 2026-10-25 (CEST then CET): 00:30Z and 01:30Z', [edge.dstCest, edge.dstCet]);
trap('duplicate-two-files', 'trap', 'Same eventID in two files (redelivery next day): UpdateCertificate c1 INACTIVE', [story.c1Off]);
trap('duplicate-same-file', 'trap', 'Same eventID twice in one file: AttachThingPrincipal c2', [story.c2Thing]);
trap('colliding-names', 'trap', 'iam/organizations/acm events named like IoT actions, plus iotwireless/greengrass events: never counted', [story.collisions]);
trap('iot-text-in-other-service', 'trap', 'Non-IoT records whose string parameters contain iot.amazonaws.com, "eventSource":"iot.amazonaws.com" and an IoT ARN', [story.iotText]);
trap('guide-shape', 'trap', 'IoT developer guide shape (capitalized keys, RequestParamters, "" values, epoch timestamp, invokedBy object, no source/region); the DetachPolicy one has EventTime "" (use timestamp)', [story.guideAttach, story.guideDetach]);
trap('guide-shape-not-iot', 'trap', 'Guide-shaped record without any IoT ARN: not an IoT event', [story.guideNotIot]);
trap('policy-not-recorded', 'trap', 'Policy document not recorded: CreatePolicy with requestParameters {"omitted":true,"originalSize":21874} (+ additionalEventData.note), CreatePolicyVersion with policyDocument "HIDDEN_DUE_TO_SECURITY_REASONS"', [story.omitted, story.hidden]);
trap('hostile-values', 'trap', 'HTML/unicode-hostile user agent (jdoe console session), thing name and error message (failed CreateThing)', [story.jdoeThing, story.jdoeHostile]);
trap('fleet-rollout', 'trap', '150 x (CreateKeysAndCertificate + AttachThingPrincipal + AttachPolicy) by fleet-provisioning-lambda-role, 2026-10-14 09:02-09:57Z, iot-prod eu-west-1', [rollout]);
trap('cross-account-reads', 'trap', 'Read-only calls in iot-prod by a role of security-tooling (which itself delivers no logs)', [story.reads]);
trap('stray-account', 'trap', `Account ${ACCT.stray} delivers logs (with IoT events) under the org prefix but is not in accounts.json`, [story.strayThing]);
trap('denied-list-authorizers', 'trap', 'A denied ListAuthorizers (read-only call in the logs)', [story.deniedListAuthorizers]);
const fileTrap = (id, title, variant) => TRAPS.push({ id, kind: 'trap', title, entries: [], keys: orgFiles.filter((f) => f.variant === variant).map((f) => f.key), note: null });
fileTrap('plain-json-file', 'Log file stored already gunzipped (.json, plain JSON)', 'plain');
fileTrap('gzip-named-json', 'Gzipped log file named .json (detect by content)', 'gzjson');
fileTrap('plain-named-gz', 'Plain JSON log file named .json.gz (detect by content)', 'plaingz');
TRAPS.push({ id: 'skipped-objects', kind: 'trap', title: 'Objects that are not log files: skip silently', entries: [], keys: skipped.map((s) => s.key), note: null });
TRAPS.push({ id: 'digest-files', kind: 'trap', title: 'CloudTrail-Digest objects (and .sig sidecars): not log files', entries: [], keys: [digests[0].key, digests.at(-1).key], note: `${digests.length} digests` });
TRAPS.push({ id: 'unreadable-files', kind: 'trap', title: 'Broken log files: report unreadable', entries: [], keys: unreadable.map((u) => u.key), note: null });

trap('overly-permissive', 'finding', 'iot:* on * (FleetDebugAll); publish/subscribe to # and iot:Connect client/* (OpsWildcardPubSub); iot:Connect client/* without policy variables (DeviceTelemetryPolicy v1)', [story.debugCreate, story.pubSubAll, policyStory.create]);
trap('default-version-older', 'finding', 'SetDefaultPolicyVersion DeviceTelemetryPolicy back to v1 (broader than v3)', [story.sundayDefault], 'versions: create (v1), v2, v3 in the period; v2 deleted afterwards');
trap('certificate-reactivated', 'finding', 'c1 deactivated (INACTIVE) then reactivated (ACTIVE); c2 REVOKED then a failed ACTIVE attempt', [story.c1Off, story.c1On, story.c2Revoke, story.c2Back]);
trap('ca-auto-registration', 'finding', 'RegisterCACertificate with allowAutoRegistration true; UpdateCACertificate newAutoRegistrationStatus ENABLE', [story.caRegister, story.caAutoOn]);
trap('register-without-ca', 'finding', 'RegisterCertificateWithoutCA (c8)', [story.c8NoCa]);
trap('transfer-outside-org', 'finding', `TransferCertificate c4 to ${ACCT.outside} (outside the organization); near misses: c5/c6/c7 to iot-staging`, [story.c4Transfer], 'near misses: ' + [story.c5Transfer, story.c6Transfer, story.c7Transfer].map((e) => e.rec.eventID).join(', '));
trap('force-delete', 'finding', 'DeleteCertificate c3 with forceDelete true (near miss: c2 with "false")', [story.c3Force]);
trap('root-change', 'finding', 'Root user of iot-staging detaches and deletes LegacyStagingPolicy', [story.rootDetach, story.rootDelete]);
trap('console-no-mfa', 'finding', 'Console changes by humans without MFA: SSO AssumedRole maria.lopez (AWSReservedSSO_IoTAdmin) and IAMUser jdoe', [story.debugCreate, story.jdoeThing]);
trap('new-source-ip-ua', 'finding', 'terraform-deployer from 203.0.113.200 with aws-cli on a Mac on 2026-10-29 (all month before: 3.214.77.10, Terraform)', [story.newIp]);
trap('outside-change-window', 'finding', 'Changes on Sunday 2026-10-18 at 03:0x UTC', [story.sundayDefault, story.sundayThing, story.sundayAttach]);
trap('denied-burst', 'finding', `18 AccessDeniedException by contractor-scan (iot-staging eu-west-1) in 7 minutes from 2026-10-22T13:02Z; near miss: qa-bot, 5 denials over 3 hours`, [story.burst]);
trap('logging-disabled', 'finding', 'SetV2LoggingOptions defaultLogLevel DISABLED (ap-northeast-1); SetLoggingOptions logLevel DISABLED (eu-west-1); near miss: INFO in iot-staging', [story.v2LogOff, story.v1LogOff], `near miss: ${story.logBenign.rec.eventID}`);
trap('role-alias-broad', 'finding', 'CreateRoleAlias/UpdateRoleAlias fleet-admin-credentials -> role iot-AdministratorAccess-credentials (near miss: camera-upload)', [story.aliasCreate, story.aliasUpdate], `near miss: ${story.aliasBenign.rec.eventID}`);
trap('not-allowed-deployer', 'finding', `Policy changes by principals other than arn:aws:iam::${P}:role/terraform-deployer: see periods.*.policyChangesByPrincipal`, [story.debugCreate, story.debugAttach, story.sundayDefault, story.rootDelete],
  'the provisioner\'s AttachPolicy calls are the fleet rollout and iot-staging has its own terraform-deployer: allow-list both to leave only the humans');

// ===========================================================================
// Ground truth
// ===========================================================================
const denyCodes = /^(AccessDenied|Unauthorized|Forbidden)/;
function truth(log, period) {
  const seen = new Map();
  for (const e of log) if (e.iot && e.t >= period.start && e.t < period.end && !seen.has(eventIdOf(e))) seen.set(eventIdOf(e), e);
  const events = [...seen.values()].sort((a, b) => a.t - b.t || eventIdOf(a).localeCompare(eventIdOf(b)));
  const count = (pred) => events.filter(pred).length;
  const change = (e) => !e.iot.error && !e.iot.readOnly;
  const byKey = (list, key) => Object.fromEntries([...new Set(list.map(key))].sort().map((k) => [k, list.filter((e) => key(e) === k).length]));
  const cats = (list) => Object.fromEntries(['certificate', 'policy', 'other'].map((c) => [c, list.filter((e) => e.iot.category === c).length]));
  const changes = events.filter(change);
  return {
    start: iso(period.start), end: iso(period.end),
    events: events.length, changes: changes.length, reads: count((e) => !e.iot.error && e.iot.readOnly),
    failed: count((e) => !!e.iot.error), denied: count((e) => denyCodes.test(e.iot.error ?? '')),
    changesByCategory: cats(changes), eventsByCategory: cats(events),
    changesByAction: byKey(changes, (e) => e.iot.name),
    byAccount: Object.fromEntries(Object.entries(byKey(events, (e) => e.acct)).map(([a]) => [a, { changes: changes.filter((e) => e.acct === a).length, failed: events.filter((e) => e.acct === a && e.iot.error).length }])),
    byRegion: byKey(changes, (e) => e.region),
    policyChangesByPrincipal: byKey(changes.filter((e) => e.iot.category === 'policy'), principalOf),
    duplicateCopiesInFiles: log.filter((e) => e.iot && seen.get(eventIdOf(e)) === e).reduce((n, e) => n + (e.twice ? 1 : 0) + (e.also?.length ?? 0), 0),
    eventIds: events.map(eventIdOf),
  };
}
/** The role behind a session, else the caller's ARN (either record shape). */
function principalOf(e) {
  const who = e.rec.userIdentity ?? e.rec.UserIdentity;
  return who.sessionContext?.sessionIssuer?.arn ?? who.arn;
}
function eventIdOf(e) {
  return e.rec.eventID ?? e.rec.EventID;
}
const accountsWithLogs = [...new Set(orgFiles.map((f) => f.acct))].sort();
const inOrg = [P, S, ACCT.security, ACCT.legacy];
const resolveTrap = (t) => ({
  id: t.id, kind: t.kind, title: t.title,
  eventIds: t.entries.map(eventIdOf),
  keys: [...new Set([...t.keys, ...t.entries.flatMap((e) => e.files ?? [])])].sort(),
  ...(t.note ? { note: t.note } : {}),
});
const traps = TRAPS.map(resolveTrap);
const allRecords = orgFiles.flatMap((f) => f.records);
const iotRecords = orgFiles.reduce((n, f) => n + f.entries.filter((e) => e.iot).length, 0);
const expected = {
  about: 'Ground truth written by scripts/generate-fixtures.mjs from what it generated (not by parsing). Keys are relative to fixtures/org-trail unless said.',
  organizationId: ORG, bucket: BUCKET, prefix: PREFIX,
  accounts: { ...Object.fromEntries(Object.entries(NAMES).map(([id, n]) => [n, id])), stray: ACCT.stray, transferTarget: ACCT.outside, singleAccount: ACCT.single },
  allowedDeployer: `arn:aws:iam::${P}:role/terraform-deployer`,
  categories: { certificate: CERTIFICATE_ACTIONS, policy: POLICY_ACTIONS, readsByFamily: { certificate: CERTIFICATE_READS, policy: POLICY_READS }, other: 'every other iot.amazonaws.com action' },
  periods: { UTC: truth(LOG, PERIODS.UTC), 'Europe/Paris': truth(LOG, PERIODS['Europe/Paris']) },
  unreadableFiles: unreadable,
  skippedObjects: skipped,
  accountsWithoutLogs: inOrg.filter((a) => !accountsWithLogs.includes(a)),
  accountsNotInOrganization: accountsWithLogs.filter((a) => !inOrg.includes(a)),
  logFiles: {
    count: orgFiles.length + unreadable.length, readable: orgFiles.length, records: allRecords.length, iotRecords,
    perAccountRegion: Object.fromEntries([...new Set(orgFiles.map((f) => `${f.acct}/${f.region}`))].sort().map((k) => [k, [...new Set(orgFiles.filter((f) => `${f.acct}/${f.region}` === k).map((f) => iso(f.delivery).slice(0, 10)))].sort()])),
  },
  integrity: {
    accountId: CHAIN.account, region: CHAIN.region, trailName: TRAIL, homeRegion: HOME_REGION, publicKeyFingerprint: FINGERPRINT,
    digests: digests.length, firstDigestStart: iso(digests[0].start), lastDigestEnd: iso(digests.at(-1).end),
    firstDigest: digests[0].key, lastDigest: digests.at(-1).key, logFilesCovered: digests.reduce((n, d) => n + d.logFiles.length, 0),
    emptyDigests: digests.filter((d) => d.logFiles.length === 0).length,
  },
  singleAccount: { accountId: ACCT.single, periods: { UTC: truth(SINGLE, PERIODS.UTC) } },
  looseFiles: { periods: { UTC: truth(LOOSE, PERIODS.UTC) } },
  stories: {
    certificates: Object.fromEntries(Object.entries(C).map(([k, c]) => [k, c.id])),
    caCertificates: { registeredWithAutoRegistration: ca.id, autoRegistrationEnabled: ca.old, deleted: ca.retired },
    policies: { versioned: POLICY, wildcard: 'FleetDebugAll', pubSubAll: 'OpsWildcardPubSub', notRecorded: 'FleetOtaPolicy', rollout: 'SmartMeterPolicy' },
    rollout: { account: P, region: R.euw1, certificates: 150, from: iso(rollout[0].t), to: iso(rollout.at(-1).t) },
  },
  traps,
};
put('expected.json', json(expected));

// --- README.md ------------------------------------------------------------------------------
{
  const u = expected.periods.UTC;
  const p = expected.periods['Europe/Paris'];
  const row = (t) => `| \`${t.id}\` | ${t.title.replace(/\|/g, '\\|')} | ${t.eventIds.length ? t.eventIds.map((id) => `\`${id}\``).slice(0, 6).join('<br>') + (t.eventIds.length > 6 ? `<br>… ${t.eventIds.length} in all` : '') : ''} | ${t.keys.slice(0, 4).map((k) => `\`${k}\``).join('<br>')}${t.keys.length > 4 ? `<br>… ${t.keys.length} in all` : ''} |`;
  const table = (kind) => ['| id | what | event ids | keys |', '|---|---|---|---|', ...traps.filter((t) => t.kind === kind).map(row)].join('\n');
  put('README.md', `# Test fixtures

Written by \`node scripts/generate-fixtures.mjs [--out DIR]\` — do not edit by hand; \`test/unit/fixtures.test.ts\`
fails when this folder differs from a fresh generation. Every id below is also in \`expected.json\` (section \`traps\`).

## Layout
- \`org-trail/\`: a copy of bucket \`${BUCKET}\` of organization \`${ORG}\`, prefix \`${PREFIX}\` above \`AWSLogs/\`.
  ${orgFiles.length + unreadable.length} log files delivered 2026-09-29 .. 2026-11-03; ${allRecords.length} records, ${iotRecords} of them IoT.
- \`accounts.json\`: \`aws organizations list-accounts\` output (iot-staging has only the legacy \`Status\`, legacy-fleet both \`State\` and \`Status\`).
- \`single-account/AWSLogs/${ACCT.single}/CloudTrail/us-east-1/...\`: a single-account trail.
- \`loose-files/\`: \`lookup-events.json\` (LookupEvents output, \`CloudTrailEvent\` as a JSON string), \`eventbridge-events.json\`
  (NDJSON of EventBridge \`AWS API Call via CloudTrail\` events), \`records-2026-10-09.json\` (plain \`{"Records":[...]}\`).
- \`public-keys.json\`: \`aws cloudtrail list-public-keys\` output (CLI v2 ISO times); \`keys/digest-signing-key.pem\`: the signing key (test only, never trust it).
- \`expected.json\`: the ground truth.

## Accounts
| name | id | in accounts.json | logs |
|---|---|---|---|
| iot-prod (management account) | ${P} | ACTIVE | us-east-1, eu-west-1, ap-northeast-1 |
| iot-staging | ${S} | ACTIVE (\`Status\` only) | us-east-1, eu-west-1 |
| security-tooling | ${ACCT.security} | ACTIVE | none (its auditor role reads iot-prod cross-account) |
| legacy-fleet | ${ACCT.legacy} | SUSPENDED | ap-northeast-1, 2026-09-29 .. 2026-10-03 |
| (stray) | ${ACCT.stray} | not listed | eu-west-1 |
| (transfer target) | ${ACCT.outside} | not listed | none |

Allowed policy deployer: \`arn:aws:iam::${P}:role/terraform-deployer\` (iot-staging's own terraform-deployer role is a different ARN).

## Ground truth for October 2026
| | UTC | Europe/Paris |
|---|---|---|
| IoT events (unique) | ${u.events} | ${p.events} |
| changes | ${u.changes} | ${p.changes} |
| changes certificate / policy / other | ${u.changesByCategory.certificate} / ${u.changesByCategory.policy} / ${u.changesByCategory.other} | ${p.changesByCategory.certificate} / ${p.changesByCategory.policy} / ${p.changesByCategory.other} |
| successful reads | ${u.reads} | ${p.reads} |
| failed (of which denied) | ${u.failed} (${u.denied}) | ${p.failed} (${p.denied}) |

Read-only calls are categorized by the family they read (see \`expected.json\` \`categories\`); guide-shaped records
(\`ReadOnly: ""\`) count as changes. Unreadable: ${unreadable.length} files; accounts without logs: ${expected.accountsWithoutLogs.join(', ')};
accounts not in the organization: ${expected.accountsNotInOrganization.join(', ')}.

## Traps
${table('trap')}

## Findings material (issue 4)
${table('finding')}

## Integrity (issue 5)
Digest chain of trail \`${TRAIL}\` (home ${HOME_REGION}) for ${CHAIN.account} / ${CHAIN.region}: ${digests.length} hourly digests from
${iso(digests[0].start)} to ${iso(digests.at(-1).end)} (${expected.integrity.emptyDigests} list no log file), covering ${expected.integrity.logFilesCovered} log files.
Hashes are SHA-256 of the uncompressed bytes; each digest is signed (RSA PKCS#1 v1.5, SHA-256) over
\`digestEndTime\\ndigestS3Bucket/digestS3Object\\nhex(sha256(uncompressed digest))\\npreviousDigestSignature|null\`, and its
hex signature is also in \`<digest key>.sig\`. Key fingerprint \`${FINGERPRINT}\` = MD5 of the PKCS#1 DER public key (checked
against the \`aws cloudtrail list-public-keys\` example of the AWS CLI docs). Log files of that account-region delivered outside
the chain's window, and every other account-region, have no digest.
`);
}

// ===========================================================================
// Write: replace the generated trees, keep anything else in the output folder
// ===========================================================================
for (const dir of ['org-trail', 'single-account', 'loose-files']) rmSync(path.join(OUT_DIR, dir), { recursive: true, force: true });
for (const [rel, data] of [...OUT.entries()].sort(([a], [b]) => a.localeCompare(b))) {
  const abs = path.join(OUT_DIR, ...rel.split('/'));
  mkdirSync(path.dirname(abs), { recursive: true });
  writeFileSync(abs, data);
}
const bytes = [...OUT.values()].reduce((n, b) => n + b.length, 0);
console.log(`fixtures: ${OUT.size} files, ${(bytes / 1024).toFixed(0)} KiB, ${orgFiles.length + unreadable.length} org log files, IoT ${iotRecords}/${allRecords.length} records -> ${path.relative(process.cwd(), OUT_DIR) || '.'}`);
