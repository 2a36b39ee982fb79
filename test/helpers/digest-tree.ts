/**
 * Builds a CloudTrail bucket copy with log files and a signed digest chain, laid out
 * exactly as CloudTrail writes them (FORMATS.md sections 1 and 4), so that integrity
 * checks can be tested: no public digest chain can be verified. Also the tampering
 * tools the tests use. Written independently of src/integrity on purpose.
 */
import { createHash, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';

export interface RsaKeyPair {
  publicKey: KeyObject;
  privateKey: KeyObject;
}

/** A 2048-bit RSA key pair, as CloudTrail signs with. */
export function generateRsaKeyPair(): RsaKeyPair {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { publicKey, privateKey };
}

/** CloudTrail fingerprints look like 32 hex characters; MD5 of the DER gives that shape. */
export function fingerprintOf(publicKey: KeyObject): string {
  return createHash('md5').update(publicKey.export({ format: 'der', type: 'pkcs1' })).digest('hex');
}

export interface DigestTreeOptions {
  /** Local folder that stands for the bucket's root. */
  root: string;
  keyPair: RsaKeyPair;
  bucket?: string;
  /** The trail's S3 key prefix ('' for none). */
  prefix?: string;
  /** `o-...` for an organization trail, null for a single-account trail. */
  organizationId?: string | null;
  accounts?: string[];
  regions?: string[];
  /** May contain `_`, as real trail names may. */
  trailName?: string;
  homeRegion?: string;
  /** Start of the first digest window. */
  firstWindowStart?: Date;
  /** Number of hourly digests per account and region. */
  hours?: number;
  /** Log files delivered in hour `hour` (0-based) for an account and region. */
  logsInHour?: (accountId: string, region: string, hour: number) => number;
  /** Hours when logging was stopped: no log file, no digest; the chain restarts after them (previous fields null). */
  pausedHours?: number[];
  /**
   * The digest after the `pausedHours` names the one before them as its previous digest, as if
   * the chain ran on across them: CloudTrail never writes that (its first digest after logging or
   * validation starts again names no previous one), but a test can ask for it.
   */
  linkAcrossPauses?: boolean;
  /** Also write each digest's signature as `<digest>.sig`, as a sync step that kept S3 metadata would. */
  sidecars?: boolean;
  /** DER form of the public key in the list-public-keys JSON. */
  publicKeyFormat?: 'pkcs1' | 'spki';
}

export interface TreeDigest {
  key: string;
  accountId: string;
  region: string;
  hour: number;
  start: string;
  end: string;
  signature: string;
  logKeys: string[];
}

export interface TreeLog {
  key: string;
  accountId: string;
  region: string;
  hour: number;
}

export interface DigestTree {
  root: string;
  bucket: string;
  prefix: string;
  organizationId: string | null;
  accounts: string[];
  regions: string[];
  trailName: string;
  homeRegion: string;
  keyPair: RsaKeyPair;
  fingerprint: string;
  sidecars: boolean;
  /** What `aws cloudtrail list-public-keys` prints (Value base64, times ISO). */
  publicKeyList: { PublicKeyList: { Value: string; ValidityStartTime: string; ValidityEndTime: string; Fingerprint: string }[] };
  /** Digest S3 key -> hex signature, as S3 metadata `x-amz-meta-signature` holds it. */
  signatures: Map<string, string>;
  digests: TreeDigest[];
  logs: TreeLog[];
  /** Local path of an S3 key. */
  file(key: string): string;
  digestsOf(accountId: string, region: string): TreeDigest[];
  logsOf(accountId: string, region: string): TreeLog[];
}

const HOUR = 3_600_000;

function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function compact(ms: number, withSeconds: boolean): string {
  const t = isoSeconds(ms).replace(/[-:]/g, '');
  return withSeconds ? t : t.slice(0, 13) + 'Z';
}

function ymd(ms: number): string {
  return isoSeconds(ms).slice(0, 10).replace(/-/g, '/');
}

function sha256(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The string CloudTrail signs for a digest (FORMATS.md section 4). */
export function digestSigningString(body: Record<string, unknown>, uncompressed: Buffer): string {
  return `${body.digestEndTime}\n${body.digestS3Bucket}/${body.digestS3Object}\n${sha256(uncompressed)}\n${(body.previousDigestSignature as string | null) ?? 'null'}`;
}

export function signDigest(body: Record<string, unknown>, uncompressed: Buffer, privateKey: KeyObject): string {
  return sign('sha256', Buffer.from(digestSigningString(body, uncompressed)), privateKey).toString('hex');
}

function writeFile(file: string, bytes: Buffer | string) {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, bytes);
}

export function buildDigestTree(options: DigestTreeOptions): DigestTree {
  const bucket = options.bucket ?? 'org-trail-logs';
  const prefix = options.prefix ?? '';
  const organizationId = options.organizationId === undefined ? 'o-a1b2c3d4e5' : options.organizationId;
  const accounts = options.accounts ?? ['111111111111', '222222222222'];
  const regions = options.regions ?? ['eu-west-1', 'us-east-1'];
  const trailName = options.trailName ?? 'org_trail-main';
  const homeRegion = options.homeRegion ?? 'us-east-1';
  const first = (options.firstWindowStart ?? new Date('2026-09-30T22:17:31Z')).getTime();
  const hours = options.hours ?? 27;
  const logsInHour = options.logsInHour ?? ((_a: string, _r: string, hour: number) => (hour % 5 === 3 ? 0 : 2));
  const { keyPair } = options;
  const fingerprint = fingerprintOf(keyPair.publicKey);
  const file = (key: string) => path.join(options.root, ...key.split('/'));
  const base = `${prefix ? `${prefix}/` : ''}AWSLogs/${organizationId ? `${organizationId}/` : ''}`;

  const signatures = new Map<string, string>();
  const digests: TreeDigest[] = [];
  const logs: TreeLog[] = [];
  let counter = 0;

  for (const accountId of accounts) {
    for (const region of regions) {
      let previous: { key: string; hash: string; signature: string } | null = null;
      for (let hour = 0; hour < hours; hour++) {
        if (options.pausedHours?.includes(hour)) {
          if (!options.linkAcrossPauses) previous = null;
          continue;
        }
        const start = first + hour * HOUR;
        const end = start + HOUR;
        const logFiles: Record<string, unknown>[] = [];
        const logKeys: string[] = [];
        const count = logsInHour(accountId, region, hour);
        for (let n = 0; n < count; n++) {
          counter++;
          const delivered = start + (5 + n * 30) * 60_000 + 12_000;
          const eventTime = isoSeconds(delivered - 4 * 60_000);
          const suffix = createHash('sha1').update(`log-${counter}`).digest('hex').slice(0, 16).replace(/^./, 'A');
          const key =
            `${base}${accountId}/CloudTrail/${region}/${ymd(delivered)}/` +
            `${accountId}_CloudTrail_${region}_${compact(delivered, false)}_${suffix}.json.gz`;
          const content = JSON.stringify({
            Records: [
              {
                eventVersion: '1.09',
                userIdentity: { type: 'AssumedRole', arn: `arn:aws:sts::${accountId}:assumed-role/deploy/ci-${counter}`, accountId },
                eventTime,
                eventSource: 'iot.amazonaws.com',
                eventName: 'UpdateCertificate',
                awsRegion: region,
                sourceIPAddress: '203.0.113.10',
                userAgent: 'aws-cli/2.15.0',
                requestParameters: { certificateId: sha256(`cert-${counter}`), newStatus: 'INACTIVE' },
                responseElements: null,
                requestID: `req-${counter}`,
                eventID: `00000000-0000-4000-8000-${String(counter).padStart(12, '0')}`,
                readOnly: false,
                eventType: 'AwsApiCall',
                managementEvent: true,
                recipientAccountId: accountId,
                eventCategory: 'Management',
              },
            ],
          });
          writeFile(file(key), gzipSync(Buffer.from(content)));
          logFiles.push({ s3Bucket: bucket, s3Object: key, hashValue: sha256(content), hashAlgorithm: 'SHA-256', newestEventTime: eventTime, oldestEventTime: eventTime });
          logKeys.push(key);
          logs.push({ key, accountId, region, hour });
        }
        const key =
          `${base}${accountId}/CloudTrail-Digest/${region}/${ymd(end)}/` +
          `${accountId}_CloudTrail-Digest_${region}_${trailName}_${homeRegion}_${compact(end, true)}.json.gz`;
        const times = logFiles.map((l) => l.newestEventTime as string).sort();
        const body: Record<string, unknown> = {
          awsAccountId: accountId,
          digestStartTime: isoSeconds(start),
          digestEndTime: isoSeconds(end),
          digestS3Bucket: bucket,
          digestS3Object: key,
          digestPublicKeyFingerprint: fingerprint,
          digestSignatureAlgorithm: 'SHA256withRSA',
          newestEventTime: times[times.length - 1] ?? null,
          oldestEventTime: times[0] ?? null,
          previousDigestS3Bucket: previous ? bucket : null,
          previousDigestS3Object: previous?.key ?? null,
          previousDigestHashValue: previous?.hash ?? null,
          previousDigestHashAlgorithm: previous ? 'SHA-256' : null,
          previousDigestSignature: previous?.signature ?? null,
          logFiles,
        };
        const uncompressed = Buffer.from(JSON.stringify(body));
        const signature = signDigest(body, uncompressed, keyPair.privateKey);
        writeFile(file(key), gzipSync(uncompressed));
        if (options.sidecars) writeFile(`${file(key)}.sig`, signature);
        signatures.set(key, signature);
        digests.push({ key, accountId, region, hour, start: isoSeconds(start), end: isoSeconds(end), signature, logKeys });
        previous = { key, hash: sha256(uncompressed), signature };
      }
    }
  }

  const der = keyPair.publicKey.export({ format: 'der', type: options.publicKeyFormat ?? 'pkcs1' });
  return {
    root: options.root,
    bucket,
    prefix,
    organizationId,
    accounts,
    regions,
    trailName,
    homeRegion,
    keyPair,
    fingerprint,
    sidecars: options.sidecars ?? false,
    publicKeyList: {
      PublicKeyList: [
        {
          Value: der.toString('base64'),
          ValidityStartTime: isoSeconds(first - 30 * 24 * HOUR),
          ValidityEndTime: isoSeconds(first + 60 * 24 * HOUR),
          Fingerprint: fingerprint,
        },
      ],
    },
    signatures,
    digests,
    logs,
    file,
    digestsOf: (accountId, region) => digests.filter((d) => d.accountId === accountId && d.region === region),
    logsOf: (accountId, region) => logs.filter((l) => l.accountId === accountId && l.region === region),
  };
}

// ---------------------------------------------------------------------------
// Tampering.
// ---------------------------------------------------------------------------

export function readDigestBody(tree: DigestTree, key: string): Record<string, unknown> {
  return JSON.parse(gunzipSync(readFileSync(tree.file(key))).toString('utf8')) as Record<string, unknown>;
}

/**
 * Writes `body` as the digest at `key`, signed with `privateKey` (an attacker's key
 * by default the tree's own), updating the sidecar and the tree's signature map.
 */
export function writeDigest(tree: DigestTree, key: string, body: Record<string, unknown>, privateKey: KeyObject = tree.keyPair.privateKey): string {
  const uncompressed = Buffer.from(JSON.stringify(body));
  const signature = signDigest(body, uncompressed, privateKey);
  writeFile(tree.file(key), gzipSync(uncompressed));
  if (tree.sidecars) writeFile(`${tree.file(key)}.sig`, signature);
  tree.signatures.set(key, signature);
  return signature;
}

export function deleteObject(tree: DigestTree, key: string) {
  rmSync(tree.file(key));
  rmSync(`${tree.file(key)}.sig`, { force: true });
}

/** Replaces a log file's content (still a valid gzip of a CloudTrail log). */
export function rewriteLog(tree: DigestTree, key: string, mutate: (log: { Records: Record<string, unknown>[] }) => void) {
  const log = JSON.parse(gunzipSync(readFileSync(tree.file(key))).toString('utf8')) as { Records: Record<string, unknown>[] };
  mutate(log);
  writeFileSync(tree.file(key), gzipSync(Buffer.from(JSON.stringify(log))));
}

export function appendBytes(tree: DigestTree, key: string, bytes: Buffer) {
  writeFileSync(tree.file(key), Buffer.concat([readFileSync(tree.file(key)), bytes]));
}

/** Copies an object to another key (the sidecar too). */
export function copyObject(tree: DigestTree, from: string, to: string) {
  writeFile(tree.file(to), readFileSync(tree.file(from)));
  try {
    writeFile(`${tree.file(to)}.sig`, readFileSync(`${tree.file(from)}.sig`));
  } catch {
    // no sidecar to copy
  }
}

/** Writes a log file no digest lists, named as CloudTrail names them. */
export function addUnlistedLog(tree: DigestTree, accountId: string, region: string, delivered: Date): string {
  const ms = delivered.getTime();
  const base = `${tree.prefix ? `${tree.prefix}/` : ''}AWSLogs/${tree.organizationId ? `${tree.organizationId}/` : ''}`;
  const key = `${base}${accountId}/CloudTrail/${region}/${ymd(ms)}/${accountId}_CloudTrail_${region}_${compact(ms, false)}_Zz9Yy8Xx7Ww6Vv5U.json.gz`;
  writeFile(tree.file(key), gzipSync(Buffer.from(JSON.stringify({ Records: [{ eventTime: isoSeconds(ms), eventSource: 'iot.amazonaws.com', eventName: 'DeletePolicy' }] }))));
  return key;
}

/**
 * Writes a backfill digest (`..._backfill.json.gz`) listing log files an hourly digest
 * missed, signed with the tree's key. Returns its key.
 */
export function writeBackfillDigest(tree: DigestTree, accountId: string, region: string, logKeys: string[], windowStart: Date): string {
  const start = windowStart.getTime();
  const end = start + HOUR;
  const base = `${tree.prefix ? `${tree.prefix}/` : ''}AWSLogs/${tree.organizationId ? `${tree.organizationId}/` : ''}`;
  const key =
    `${base}${accountId}/CloudTrail-Digest/${region}/${ymd(end)}/` +
    `${accountId}_CloudTrail-Digest_${region}_${tree.trailName}_${tree.homeRegion}_${compact(end, true)}_backfill.json.gz`;
  const body: Record<string, unknown> = {
    awsAccountId: accountId,
    digestStartTime: isoSeconds(start),
    digestEndTime: isoSeconds(end),
    digestS3Bucket: tree.bucket,
    digestS3Object: key,
    digestPublicKeyFingerprint: tree.fingerprint,
    digestSignatureAlgorithm: 'SHA256withRSA',
    previousDigestS3Bucket: null,
    previousDigestS3Object: null,
    previousDigestHashValue: null,
    previousDigestHashAlgorithm: null,
    previousDigestSignature: null,
    logFiles: logKeys.map((logKey) => ({
      s3Bucket: tree.bucket,
      s3Object: logKey,
      hashValue: sha256(gunzipSync(readFileSync(tree.file(logKey)))),
      hashAlgorithm: 'SHA-256',
    })),
  };
  writeDigest(tree, key, body);
  return key;
}
