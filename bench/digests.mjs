#!/usr/bin/env node
// Signs a bench tree the way CloudTrail does, so that `report --verify` can be measured at
// scale: for every account and region of the tree, one digest an hour over the hours its
// log files were delivered in, chained and signed with a key made here (RSA 2048, as
// CloudTrail's), each with a `.sig` sidecar, and the public key in
// `<scale dir>/public-keys.json` in the form `aws cloudtrail list-public-keys` prints.
// The digests go under `CloudTrail-Digest/`, which the report's listing and the floor skip.
// Written once per tree (DIGESTS.json marks it done); the layout is FORMATS.md section 4.
//   node bench/digests.mjs <scale dir>
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';

/** Bump when what is written changes: older digests are then rewritten. */
const DIGESTS_VERSION = 1;
const HOUR = 3_600_000;
/** Digest windows are an hour long, not aligned to the hour (as CloudTrail's are not). */
const WINDOW_OFFSET = 17 * 60_000 + 31_000;
const BUCKET = 'bench-org-trail';
const TRAIL = 'org-trail';
const HOME_REGION = 'us-east-1';

const iso = (ms) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const compact = (ms) => iso(ms).replace(/[-:]/g, '');
const dayPath = (ms) => iso(ms).slice(0, 10).replace(/-/g, '/');
const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');

/** A log file's delivery time, from its name (`..._20261005T0118Z_...`). */
function deliveredAt(name) {
  const m = /_(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)Z_/.exec(name);
  return m === null ? null : Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5]);
}

function filesUnder(dir) {
  const out = [];
  const walk = (d) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) out.push(full);
    }
  };
  walk(dir);
  return out.sort();
}

/** The uncompressed content's hash, as CloudTrail's digests give it; null for a file that is not gzip. */
function contentHash(file) {
  try {
    return sha256(gunzipSync(readFileSync(file)));
  } catch {
    // The bench's broken files: a digest lists what CloudTrail wrote, which was readable;
    // a hash of nothing makes them "modified" to the check, as a damaged file is.
    return sha256('');
  }
}

export function writeDigests(scaleDir) {
  const marker = path.join(scaleDir, 'DIGESTS.json');
  if (existsSync(marker) && JSON.parse(readFileSync(marker, 'utf8')).version === DIGESTS_VERSION) return JSON.parse(readFileSync(marker, 'utf8'));
  const started = performance.now();
  const tree = path.join(scaleDir, 'trail');
  const org = readdirSync(path.join(tree, 'AWSLogs')).find((name) => name.startsWith('o-'));
  const orgDir = path.join(tree, 'AWSLogs', org);
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const key = createPrivateKey(privateKey.export({ type: 'pkcs8', format: 'pem' }));
  const publicDer = createPublicKey(key).export({ type: 'pkcs1', format: 'der' });
  const fingerprint = createHash('md5').update(publicDer).digest('hex');
  let digests = 0;
  let logs = 0;
  let first = Infinity;
  let last = -Infinity;
  // Every account and region's chain spans the tree's whole delivery time, as a trail's would.
  const locations = [];
  for (const account of readdirSync(orgDir).sort()) {
    const logRoot = path.join(orgDir, account, 'CloudTrail');
    if (!existsSync(logRoot)) continue;
    rmSync(path.join(orgDir, account, 'CloudTrail-Digest'), { recursive: true, force: true });
    for (const region of readdirSync(logRoot).sort()) {
      const files = filesUnder(path.join(logRoot, region))
        .map((file) => ({ file, key: path.relative(tree, file).split(path.sep).join('/'), at: deliveredAt(path.basename(file)) }))
        .filter((f) => f.at !== null && /\.json(\.gz)?$/.test(f.file));
      locations.push({ account, region, files });
    }
  }
  const times = locations.flatMap((l) => l.files.map((f) => f.at));
  const from = Math.min(...times);
  const to = Math.max(...times);
  for (const { account, region, files } of locations) {
    let previous = null;
    for (let start = Math.floor((from - WINDOW_OFFSET) / HOUR) * HOUR + WINDOW_OFFSET; start <= to; start += HOUR) {
      const end = start + HOUR;
      const digestKey = `AWSLogs/${org}/${account}/CloudTrail-Digest/${region}/${dayPath(end)}/${account}_CloudTrail-Digest_${region}_${TRAIL}_${HOME_REGION}_${compact(end)}.json.gz`;
      const listed = files.filter((f) => f.at >= start && f.at < end);
      const body = {
        awsAccountId: account,
        digestStartTime: iso(start),
        digestEndTime: iso(end),
        digestS3Bucket: BUCKET,
        digestS3Object: digestKey,
        digestPublicKeyFingerprint: fingerprint,
        digestSignatureAlgorithm: 'SHA256withRSA',
        newestEventTime: listed.length > 0 ? iso(listed.at(-1).at) : null,
        oldestEventTime: listed.length > 0 ? iso(listed[0].at - 5 * 60_000) : null,
        previousDigestS3Bucket: previous ? BUCKET : null,
        previousDigestS3Object: previous?.key ?? null,
        previousDigestHashValue: previous ? sha256(previous.raw) : null,
        previousDigestHashAlgorithm: previous ? 'SHA-256' : null,
        previousDigestSignature: previous?.signature ?? null,
        logFiles: listed.map((f) => ({ s3Bucket: BUCKET, s3Object: f.key, hashValue: contentHash(f.file), hashAlgorithm: 'SHA-256', newestEventTime: iso(f.at), oldestEventTime: iso(f.at - 5 * 60_000) })),
      };
      const raw = Buffer.from(JSON.stringify(body));
      const toSign = `${body.digestEndTime}\n${BUCKET}/${digestKey}\n${sha256(raw)}\n${body.previousDigestSignature ?? 'null'}`;
      const signature = sign('sha256', Buffer.from(toSign), key).toString('hex');
      const file = path.join(tree, ...digestKey.split('/'));
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, gzipSync(raw));
      writeFileSync(`${file}.sig`, `${signature}\n`);
      previous = { key: digestKey, raw, signature };
      digests++;
      logs += listed.length;
      first = Math.min(first, start);
      last = Math.max(last, end);
    }
  }
  writeFileSync(
    path.join(scaleDir, 'public-keys.json'),
    `${JSON.stringify({ PublicKeyList: [{ Value: publicDer.toString('base64'), ValidityStartTime: iso(first - 30 * 86_400_000), ValidityEndTime: iso(last + 30 * 86_400_000), Fingerprint: fingerprint }] }, null, 2)}\n`,
  );
  const summary = { version: DIGESTS_VERSION, digests, logFilesListed: logs, firstWindow: iso(first), lastWindow: iso(last), writtenInSeconds: Math.round((performance.now() - started) / 100) / 10 };
  writeFileSync(marker, `${JSON.stringify(summary, null, 2)}\n`);
  return summary;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const dir = process.argv[2];
  if (!dir) {
    process.stderr.write('usage: node bench/digests.mjs <scale dir>\n');
    process.exit(2);
  }
  process.stdout.write(`${JSON.stringify(writeDigests(path.resolve(dir)))}\n`);
}
