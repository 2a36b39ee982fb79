import type { KeyObject } from 'node:crypto';
import { SIGNATURE_ALGORITHM, signingString, verifyDigestSignature, verifyDigestSignatureOffThread, type DigestBody } from './digest.js';
import { baseName, logFileNameTime, parseDigestName, sameObject, trailOfKey, withoutGz, type DigestName } from './keys.js';
import type { IntegrityGap, IntegrityIssue, IntegrityProblemKind, ProblemSeverity } from './types.js';

const HOUR = 3_600_000;
/** Two digests closer than this abut: CloudTrail's hourly windows follow each other. */
const ABUT_TOLERANCE = 5 * 60_000;
/**
 * Around the period, missing digests are reported hour by hour; further out, as one warning.
 * The check reads digests of the period and of up to 14 late days, so on a real trail every
 * gap lies within; a digest's times can be forged years away.
 */
const MARGIN = 15 * 24 * HOUR;
/** How long after its window ends a digest may still be on its way. */
const DELIVERY_GRACE = HOUR;

/**
 * Up to when digests are due by `now`: CloudTrail writes one an hour, delivered minutes after its
 * hour ends, so a digest counts missing only once its window ended `DELIVERY_GRACE` before `now`
 * (no bound when `now` is null: a period long past). The one rule for when a digest is due, in a
 * chain (`analyzeChain`: after its last digest, in a hole) and where a trail's digests around the
 * period are all gone (`verify.ts`); `dueBy` gives it in hourly windows, `missingHours` counts them.
 */
function dueUntil(now: number | null): number {
  return now === null ? Infinity : now - DELIVERY_GRACE;
}

/**
 * The end of the last of the hourly windows `[from + k h, from + (k+1) h)` that is due (`dueUntil`),
 * `from` when none is. Until the first is due, a chain that ends at `from` is still being written,
 * and a log file delivered after `from` has no digest yet.
 */
export function dueBy(from: number, now: number | null): number {
  const until = dueUntil(now);
  return until === Infinity ? until : from + Math.max(0, Math.floor((until - from) / HOUR)) * HOUR;
}

/** A digest object as read from a store. */
export interface LoadedDigest {
  /** Key where it was found in the store. */
  foundKey: string;
  name: DigestName;
  /** Parsed body; null when it could not be read or parsed (`error` says why). */
  body: DigestBody | null;
  /** Hex SHA-256 of the uncompressed bytes (of the first gzip member). */
  hash: string | null;
  trailingBytes: number;
  error: string | null;
  /** Hex signature stored with the object (S3 metadata, a `.sig` sidecar, `--signatures`), if any. */
  signature: string | null;
  signatureFrom: string | null;
  signatureAlgorithm: string | null;
}

export interface ChainInput {
  source: string;
  storeKind: 'local' | 's3';
  /** The bucket the store reads, when known: a digest recorded for another bucket was copied. */
  bucket: string | null;
  accountId: string;
  region: string;
  /** `trailKey`: `<trailName>_<homeRegion>`, as in the file names (the problems and gaps name the trail alone). */
  trail: string;
  /**
   * Every digest of this trail that was read (hourly and backfill). When the trail's digests around
   * the period all end before it, also its first digest after them (and the one after that, when
   * only it carries the first one's signature): without one, the chain is taken to have stopped.
   */
  digests: LoadedDigest[];
  periodStart: number;
  periodEnd: number;
  /**
   * The period itself, when `periodStart`–`periodEnd` is wider (`report --verify` checks the whole
   * UTC days it reads, and late days): the hours `ChainOutcome.missing` counts. Default: those two.
   */
  ownPeriod?: { start: number; end: number } | null;
  /**
   * Where the late days begin when the check runs past the period to cover its late log files
   * (`report --verify`): a digest of those days alone whose signature is nowhere to be had (the
   * newest of a local copy, the day after a month ends) is a warning there, not a failure.
   */
  lateFrom?: number | null;
  /** Current time, to know which digests are due; null when the period is long past. */
  now: number | null;
  /** How a time is written in a problem's message: ISO 8601 UTC (`iso`) unless the caller says (the report, in its zone); a problem's `from` and `to` stay ISO. */
  stamp?: (ms: number) => string;
  keys: Map<string, KeyObject>;
  /** Folder where the digest ending at `endTime` would be, for missing digests of unknown name. */
  folderFor: (endTime: number) => string;
  /**
   * Whether a digest key a pointer names was in the listings: `present` (listed but
   * not read, being outside the period), `absent` (its day folder was listed and it
   * is not there) or `unknown` (its day folder was not listed).
   */
  listed: (key: string) => 'present' | 'absent' | 'unknown';
  /**
   * Whether this account and region hold a log file of the period that no digest read lists (by its
   * name's time; a name that gives none, or another day than its folder's, counts): what tells a
   * chain whose digests of the period were deleted from one that stopped before the period, or was
   * replaced by another trail's.
   */
  periodLogsUnlisted: boolean;
  /**
   * Digests whose stored `signature` was already checked (`checkStoredSignatures`), with the
   * answer: the check takes it instead of verifying that signature again. Others, and a
   * signature carried by the next digest, are verified here.
   */
  storedSignatureValid?: ReadonlyMap<LoadedDigest, boolean>;
}

export type DigestStatus = 'valid' | 'invalid' | 'unverified';

export interface DigestVerdict {
  digest: LoadedDigest;
  status: DigestStatus;
  /** Its window overlaps the period (only these are counted). */
  inPeriod: boolean;
  /** Found where CloudTrail put it: its log list can be used. */
  inPlace: boolean;
}

export interface ChainOutcome {
  verdicts: DigestVerdict[];
  issues: IntegrityIssue[];
  /**
   * Hours of the period itself (`ChainInput.ownPeriod`) in which the chain should have a digest and
   * has none: a digest the chain shows deleted (one a later digest names, or an hour a hole in the
   * cadence skips), every hour where the chain stops and starts again (a digest that names no previous
   * one after a hole) or links across a hole (a digest that names the one before the hole, which
   * CloudTrail never writes), and every hour from the chain's last digest to the period's end (for a
   * period not over, only the digests due by `now`: `DELIVERY_GRACE` after their window ends, `dueBy`). Not the hours before
   * a chain's first digest that names no previous one, nor those of a chain that stops before the
   * period and starts again after it with no log file of the period unlisted (a warning).
   */
  missing: number;
  gaps: IntegrityGap[];
  coveredFrom: number | null;
  coveredTo: number | null;
  /**
   * The end of the chain's newest digest while the digest after it is not due yet (`now` is
   * given, and before it is due: `dueBy`): the chain is still being written. Null otherwise, and
   * when that digest is not shown to be CloudTrail's (its signature did not verify; on a local
   * copy, it does not carry the signature that verified its previous digest).
   */
  liveSince: number | null;
}

/**
 * The digests missing after `end` (a chain's last digest before a hole, or the start of hours a
 * trail's deleted digests covered), up to `until` (where a digest is there again): the hourly
 * windows `[end + k h, end + (k+1) h)` that reach into the period itself (`own`) by more than the
 * tolerance two abutting digests have, and whose digest is due by `now` (`dueBy`).
 */
export function missingHours(end: number, until: number, own: { start: number; end: number }, now: number | null): number {
  const to = Math.min(until, own.end, dueBy(end, now));
  const first = Math.max(0, Math.floor((own.start - end + ABUT_TOLERANCE) / HOUR));
  const last = Math.ceil((to - end - ABUT_TOLERANCE) / HOUR) - 1;
  return Math.max(0, last - first + 1);
}

/** ISO 8601 in whole seconds: CloudTrail keeps no finer time, and a period that ends now would show milliseconds. */
export function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function overlaps(start: number, end: number, input: ChainInput): boolean {
  return start < input.periodEnd && end > input.periodStart;
}

/**
 * Whether a digest concerns the period, so that its problems fail the check: its window (the
 * body's times) or the hour its file name stands for overlaps the period, or it lists a log file
 * delivered in the period. A genuine digest does all three or none; a forged one can set its
 * times outside the period and still list (and so vouch for) the period's files, or sit under a
 * name of the period with another hour's body.
 */
function concernsPeriod(digest: LoadedDigest, input: ChainInput): boolean {
  const { body, name } = digest;
  if (overlaps(name.endTime - HOUR, name.endTime, input)) return true;
  if (body === null) return false;
  if (overlaps(body.digestStartTime, body.digestEndTime, input)) return true;
  return body.logFiles.some((entry) => {
    const time = logFileNameTime(entry.s3Object);
    return time !== null && time >= input.periodStart && time < input.periodEnd;
  });
}

/**
 * Checks the signature stored with each digest (S3 metadata, sidecar, `--signatures`) with
 * the key its body names, over its signing string, all at once on libuv's thread pool, for
 * `ChainInput.storedSignatureValid`: what `analyzeChain` would verify one after the other on
 * the main thread, with the same key, text and signature, so the same answer. A digest it
 * cannot check (unreadable, no signature, unknown key) is left out, and `analyzeChain`
 * words why. At scale 1 of the bench (18,864 digests), `verify` took 3.17–3.26 s against
 * 3.31–3.37 s, and the check in `report --verify` 1.29–1.35 against 1.39–1.48 s (4 runs
 * each, alternating; the same `verify --json` output).
 */
export async function checkStoredSignatures(digests: readonly LoadedDigest[], keys: ReadonlyMap<string, KeyObject>): Promise<Map<LoadedDigest, boolean>> {
  const valid = new Map<LoadedDigest, boolean>();
  await Promise.all(
    digests.map(async (d) => {
      const { body, hash, signature } = d;
      const key = body === null ? undefined : keys.get(body.digestPublicKeyFingerprint);
      if (body === null || key === undefined || hash === null || signature === null) return;
      valid.set(d, await verifyDigestSignatureOffThread(key, signingString(body, hash), signature));
    }),
  );
  return valid;
}

/**
 * Why the signature of a digest that starts a chain could not be checked, when it is for want of
 * its key, with where to get it; '' otherwise. Keys saved for the period (`--public-keys`) may not
 * hold the one CloudTrail signs with when the trail starts again after it (its keys are rotated).
 */
export function unknownKeyHint(digest: LoadedDigest, keys: ReadonlyMap<string, KeyObject>, periodStart: number): string {
  const fingerprint = digest.body?.digestPublicKeyFingerprint;
  if (fingerprint === undefined || keys.has(fingerprint)) return '';
  return (
    `; no public key with fingerprint ${fingerprint} was given to check its signature (with --public-keys, the file must also hold the keys CloudTrail ` +
    `signed with after the period: \`aws cloudtrail list-public-keys --start-time ${iso(periodStart)}\` lists them up to now)`
  );
}

/**
 * Checks one trail's digests of one account and region: each digest's place,
 * key and signature; the links between them (previous hash, bucket, signature);
 * and the hourly cadence, so that a run of deleted digests is counted, not only
 * the one the next digest points to.
 */
export function analyzeChain(input: ChainInput): ChainOutcome {
  const at = input.stamp ?? iso;
  const issues: IntegrityIssue[] = [];
  const gaps: IntegrityGap[] = [];
  let missing = 0;
  const { trailName } = trailOfKey(input.trail);
  const own = input.ownPeriod ?? { start: input.periodStart, end: input.periodEnd };

  const issue = (kind: IntegrityProblemKind, severity: ProblemSeverity, key: string, message: string, from: number | null = null, to: number | null = null) => {
    issues.push({
      kind,
      severity,
      source: input.source,
      accountId: input.accountId,
      region: input.region,
      trail: trailName,
      key,
      from: from === null ? null : iso(from),
      to: to === null ? null : iso(to),
      message,
    });
  };

  const verdicts = new Map<LoadedDigest, DigestVerdict>();
  for (const digest of input.digests) {
    const body = digest.body;
    const inPeriod = concernsPeriod(digest, input);
    const severity: ProblemSeverity = inPeriod ? 'error' : 'warning';
    const outside = inPeriod ? '' : ' (outside the period)';
    // The hour the file's name stands for: its log files cannot be checked when it is unusable.
    const nameWindow = [digest.name.endTime - HOUR, digest.name.endTime] as const;
    if (body === null || digest.hash === null) {
      verdicts.set(digest, { digest, status: 'invalid', inPeriod, inPlace: false });
      issue('digest-unreadable', severity, digest.foundKey, `digest cannot be used${outside}: ${digest.error ?? 'unreadable'}`, ...nameWindow);
      continue;
    }
    const bucketMoved = input.bucket !== null && body.digestS3Bucket !== input.bucket;
    if (!sameObject(digest.foundKey, body.digestS3Object, input.storeKind) || bucketMoved) {
      verdicts.set(digest, { digest, status: 'invalid', inPeriod, inPlace: false });
      issue(
        'digest-moved',
        severity,
        digest.foundKey,
        `digest was moved or copied from its original location s3://${body.digestS3Bucket}/${body.digestS3Object}${outside}`,
        ...nameWindow,
      );
      continue;
    }
    verdicts.set(digest, { digest, status: 'valid', inPeriod, inPlace: true });
  }

  const inPlace = input.digests.filter((d) => verdicts.get(d)?.inPlace === true);
  const hourly = inPlace.filter((d) => !d.name.backfill);
  const byName = new Map<string, LoadedDigest[]>();
  for (const d of hourly) {
    const name = withoutGz(baseName(d.foundKey));
    byName.set(name, [...(byName.get(name) ?? []), d]);
  }
  /** The digest `b` names as its previous one, when it was found in place. */
  const previousOf = (b: LoadedDigest): LoadedDigest | null => {
    const pointer = b.body!.previousDigestS3Object;
    if (pointer === null) return null;
    const candidates = byName.get(withoutGz(baseName(pointer))) ?? [];
    return candidates.find((a) => sameObject(a.foundKey, pointer, input.storeKind) || a.body!.digestS3Object === pointer) ?? null;
  };
  /** A pointer to an object that was read but is unusable (unreadable, or not what its key says): its own problem explains the hole. */
  // Listed once, not looked for among every digest for each pointer (forged trails: thousands of each).
  const unusable = input.digests.filter((d) => verdicts.get(d)?.inPlace === false);
  const pointsToUnusable = (pointer: string) => unusable.some((d) => sameObject(d.foundKey, pointer, input.storeKind));
  const carrier = new Map<LoadedDigest, LoadedDigest>();
  for (const b of hourly) {
    const a = previousOf(b);
    if (a !== null && a !== b) carrier.set(a, b);
  }

  // Signatures. Whether a later digest exists, for a digest with none stored: the latest start, found once.
  const latestStart = hourly.reduce((latest, o) => Math.max(latest, o.body!.digestStartTime), -Infinity);
  for (const d of inPlace) {
    const verdict = verdicts.get(d)!;
    const body = d.body!;
    const severity: ProblemSeverity = verdict.inPeriod ? 'error' : 'warning';
    const outside = verdict.inPeriod ? '' : ' (outside the period)';
    const fail = (kind: IntegrityProblemKind, message: string) => {
      verdict.status = 'invalid';
      issue(kind, severity, d.foundKey, message + outside);
    };
    if (d.trailingBytes > 0) {
      fail('gzip-trailing-data', `${d.trailingBytes} bytes follow the digest's gzip stream`);
    }
    const key = input.keys.get(body.digestPublicKeyFingerprint);
    if (key === undefined) {
      fail('digest-key-unknown', `no public key with fingerprint ${body.digestPublicKeyFingerprint} for the period`);
      continue;
    }
    const algorithm = [body.digestSignatureAlgorithm, d.signatureAlgorithm].find((a) => a !== null && a !== SIGNATURE_ALGORITHM);
    if (algorithm !== undefined) {
      fail('digest-signature-invalid', `unsupported signature algorithm ${algorithm}`);
      continue;
    }
    const next = carrier.get(d) ?? null;
    const carried = next?.body?.previousDigestSignature ?? null;
    const signature = d.signature ?? carried;
    const from = d.signature !== null ? (d.signatureFrom ?? 'the object') : `the previousDigestSignature of ${next?.foundKey ?? 'the next digest'}`;
    if (signature === null) {
      // Unchecked is not intact: a digest anyone could have written vouches for nothing, so one
      // that concerns the period fails the check as a bad one does (its log files are unverified).
      if (verdict.status !== 'invalid') verdict.status = 'unverified';
      const stored =
        input.storeKind === 's3'
          ? 'no signature in its S3 metadata (x-amz-meta-signature, which CloudTrail writes with every digest)'
          : 'no signature stored with it (a local copy keeps no S3 metadata: save it as <digest>.sig or pass --signatures)';
      const late = input.lateFrom != null && !concernsPeriod(d, { ...input, periodEnd: input.lateFrom });
      issue(
        'digest-signature-unavailable',
        late ? 'warning' : severity,
        d.foundKey,
        (d.name.backfill
          ? `backfill digest with ${stored}: its signature could not be checked, nor the log files it lists`
          : latestStart > body.digestStartTime
            ? `${stored}, and the digest after it is missing or unusable: its signature could not be checked, nor the log files it lists`
            : `newest digest of the chain with ${stored}: its own signature could not be checked, nor the log files it lists`) + outside,
      );
    } else {
      // The stored signature may have been checked already (`checkStoredSignatures`); a carried one never was.
      const checked = signature === d.signature ? input.storedSignatureValid?.get(d) : undefined;
      if (!(checked ?? verifyDigestSignature(key, signingString(body, d.hash!), signature))) {
        fail('digest-signature-invalid', `signature from ${from} does not verify with key ${body.digestPublicKeyFingerprint}`);
      }
    }
    if (d.signature !== null && carried !== null && d.signature.toLowerCase() !== carried.toLowerCase() && next !== null) {
      issue(
        'chain-link-broken',
        verdicts.get(next)!.inPeriod || verdict.inPeriod ? 'error' : 'warning',
        next.foundKey,
        `previousDigestSignature differs from the signature stored with the previous digest ${d.foundKey}`,
      );
    }
  }

  // Links: the previous digest's hash and bucket as the next one recorded them.
  for (const b of hourly) {
    const a = previousOf(b);
    if (a === null || a === b) continue;
    const severity: ProblemSeverity = verdicts.get(a)!.inPeriod || verdicts.get(b)!.inPeriod ? 'error' : 'warning';
    if (b.body!.previousDigestHashValue !== a.hash) {
      issue('chain-link-broken', severity, a.foundKey, `content differs from the hash that the next digest ${b.foundKey} recorded: modified or replaced`);
    }
    if (b.body!.previousDigestS3Bucket !== null && b.body!.previousDigestS3Bucket !== a.body!.digestS3Bucket) {
      issue('chain-link-broken', severity, b.foundKey, `previous digest bucket ${b.body!.previousDigestS3Bucket} is not ${a.body!.digestS3Bucket}`);
    }
  }

  /**
   * A digest that names no previous one says a chain starts there: only CloudTrail's signature
   * proves it. One that could not be verified may have been written in the place of deleted ones.
   */
  const proven = (d: LoadedDigest) => verdicts.get(d)!.status === 'valid';
  /**
   * A digest of a local copy with no signature of its own (`unverified`, not a bad one) that
   * links to a verified previous digest: the signature it carries is the one that verified it.
   */
  const continuesProvenChain = (d: LoadedDigest): boolean => {
    if (input.storeKind !== 'local' || verdicts.get(d)!.status !== 'unverified') return false;
    const previous = previousOf(d);
    return previous !== null && previous !== d && proven(previous) && carrier.get(previous) === d && d.body!.previousDigestHashValue === previous.hash;
  };
  /**
   * A chain that stops before the period and one that starts after it say nothing about the period,
   * unless a log file of the period lacks a digest (the period's digests may have been deleted).
   */
  const asideOfPeriod = (from: number, to: number) => from <= input.periodStart && to >= input.periodEnd && !input.periodLogsUnlisted;

  // Cadence: one digest an hour, each starting where the previous one ended.
  const sorted = [...hourly].sort((x, y) => x.body!.digestStartTime - y.body!.digestStartTime || x.body!.digestEndTime - y.body!.digestEndTime);
  const clip = (from: number, to: number) => ({ from: Math.max(from, input.periodStart), to: Math.min(to, input.periodEnd) });
  const addGap = (from: number, to: number, reason: IntegrityGap['reason']) => {
    const c = clip(from, to);
    if (c.to > c.from) gaps.push({ trail: trailName, from: iso(c.from), to: iso(c.to), reason });
  };
  /** One warning for the hours from `from` to `to`, all outside the period (and its margin). */
  const outsideGap = (from: number, to: number, context: string) => {
    const hours = Math.round((to - from) / HOUR);
    issue('digest-missing', 'warning', input.folderFor(to), `no digests for ${at(from)} – ${at(to)} (${hours} hours); ${context} (outside the period)`, from, to);
  };
  /**
   * Reports digests missing between `from` and `to`: the one named by `pointer` (ending at `to`)
   * and any before it, hour by hour within `MARGIN` of the period, the hours beyond it as one
   * warning on each side.
   */
  const reportMissing = (pointer: string | null, from: number, to: number, context: string): void => {
    const nearFrom = Math.max(from, input.periodStart - MARGIN);
    const nearTo = Math.min(to, input.periodEnd + MARGIN);
    // The digest the pointer names ends at `to`: counted with the hours when `to` is near.
    const namedNear = nearTo > nearFrom && nearTo === to;
    if (nearFrom > from) outsideGap(from, Math.min(to, nearFrom), context);
    if (nearTo > nearFrom) hourByHour(namedNear ? pointer : null, nearFrom, nearTo, context);
    if (to > Math.max(nearTo, from)) outsideGap(Math.max(nearTo, from), to, context);
    if (pointer !== null && !namedNear) issue('digest-missing', 'warning', pointer, `digest not found; ${context} (outside the period)`, Math.max(from, to - HOUR), to);
  };
  // Hour by hour in the chain's cadence, back from `to` (where the next digest starts): a hole
  // that begins at the period's start, not at a digest's end, holds a part hour at its start.
  const hourByHour = (pointer: string | null, from: number, to: number, context: string) => {
    const count = Math.max(1, Math.ceil((to - from - ABUT_TOLERANCE) / HOUR));
    const pointerEnd = pointer === null ? null : (parseDigestName(pointer)?.endTime ?? null);
    const namedEnd = pointerEnd !== null && pointerEnd > from && pointerEnd <= to + ABUT_TOLERANCE ? pointerEnd : to;
    for (let k = 0; k < count; k++) {
      const named = k === count - 1 && pointer !== null;
      const end = named ? namedEnd : to - (count - 1 - k) * HOUR;
      const start = Math.max(from, end - HOUR);
      const inPeriod = start < input.periodEnd && end > input.periodStart;
      if (start < own.end && end > own.start) missing++;
      const outside = inPeriod ? '' : ' (outside the period)';
      issue(
        'digest-missing',
        inPeriod ? 'error' : 'warning',
        named ? pointer : input.folderFor(end),
        named ? `digest not found; ${context}${outside}` : `no digest for ${at(start)} – ${at(end)}; ${context}${outside}`,
        start,
        end,
      );
    }
  };

  /**
   * The hours with no digest between a digest `a` and the next one `b`, where the chain stops and
   * starts again or links across them: a gap, and each hour of the period itself in it missing
   * (CloudTrail writes a digest every hour, as after a chain's end; it links across no hole, nor
   * does a stop show which of validation turned off or digests removed it was); an error that says
   * `why` when it reaches into the period, else a warning.
   */
  const holeBetween = (a: LoadedDigest, b: LoadedDigest, why: (from: string, to: string) => string) => {
    const from = a.body!.digestEndTime;
    const to = b.body!.digestStartTime;
    addGap(from, to, 'chain-restart');
    missing += missingHours(from, to, own, input.now);
    const c = clip(from, to);
    issue('chain-gap', c.to > c.from ? 'error' : 'warning', b.foundKey, why(at(from), at(to)), from, to);
  };

  for (let i = 1; i < sorted.length; i++) {
    const a = sorted[i - 1];
    const b = sorted[i];
    const hole = b.body!.digestStartTime - a.body!.digestEndTime;
    const pointer = b.body!.previousDigestS3Object;
    const target = previousOf(b);
    if (target === a) {
      if (hole > ABUT_TOLERANCE) {
        // Not a stop: after logging or log file validation is stopped and started again, CloudTrail's
        // first digest names no previous one. Its hours lack their digests all the same.
        holeBetween(
          a,
          b,
          (from, to) =>
            `no digest covers ${from} – ${to} although the digests link (CloudTrail writes a digest every hour, and after logging or log file validation is stopped and started again its first digest names no previous one: these hours' digests are missing)`,
        );
      }
    } else if (pointer === null) {
      if (hole > ABUT_TOLERANCE && proven(b) && asideOfPeriod(a.body!.digestEndTime, b.body!.digestStartTime)) {
        issue(
          'chain-gap',
          'warning',
          b.foundKey,
          `the chain stops at ${at(a.body!.digestEndTime)}, before the period, and starts again at ${at(b.body!.digestStartTime)}, after it: no digest of this trail in the period (logging or log file validation was off then)`,
          a.body!.digestEndTime,
          b.body!.digestStartTime,
        );
      } else if (hole > ABUT_TOLERANCE) {
        holeBetween(
          a,
          b,
          (from, to) =>
            `the chain restarts: no digest between ${from} and ${to} (logging or log file validation was off, or digests were removed)` + unknownKeyHint(b, input.keys, input.periodStart),
        );
      }
    } else if (pointsToUnusable(pointer)) {
      continue;
    } else if (target !== null || input.listed(pointer) === 'present') {
      issue('chain-link-broken', verdicts.get(b)!.inPeriod ? 'error' : 'warning', b.foundKey, `names ${pointer} as its previous digest, but ${a.foundKey} comes before it`);
    } else {
      const to = b.body!.digestStartTime;
      const from = hole > ABUT_TOLERANCE ? a.body!.digestEndTime : to - HOUR;
      if (hole > ABUT_TOLERANCE) addGap(from, to, 'digests-missing');
      reportMissing(pointer, from, to, `the chain goes from ${a.foundKey} to ${b.foundKey}`);
    }
  }

  let liveSince: number | null = null;
  if (sorted.length > 0) {
    const first = sorted[0];
    const start = first.body!.digestStartTime;
    const pointer = first.body!.previousDigestS3Object;
    const behind = start - input.periodStart;
    if (pointer !== null && previousOf(first) === null && input.listed(pointer) !== 'present' && !pointsToUnusable(pointer)) {
      if (behind > ABUT_TOLERANCE) {
        addGap(input.periodStart, start, 'digests-missing');
        reportMissing(pointer, input.periodStart, start, `${first.foundKey} points to it and no earlier digest of the period was found`);
      } else if (input.listed(pointer) === 'absent') {
        const pointerEnd = parseDigestName(pointer)?.endTime ?? start;
        if (pointerEnd > input.periodStart) {
          // It ends minutes into the period: the log files delivered in those minutes are in no other digest.
          addGap(input.periodStart, pointerEnd, 'digests-missing');
          reportMissing(pointer, pointerEnd - HOUR, pointerEnd, `${first.foundKey} points to it, and it ends after the period's start`);
        } else {
          issue('digest-missing', 'warning', pointer, `digest before the period not found: the link into the period from ${first.foundKey} could not be checked`, pointerEnd - HOUR, pointerEnd);
        }
      }
    } else if (pointer === null && behind > ABUT_TOLERANCE) {
      if (!proven(first)) {
        // Anyone can write a digest that names no previous one: without CloudTrail's signature it
        // does not show that the trail began there rather than ran into the period.
        const to = Math.min(start, input.periodEnd);
        addGap(input.periodStart, to, 'chain-starts');
        issue(
          'chain-gap',
          'error',
          first.foundKey,
          `names no previous digest, as the first digest of a chain does, but its signature could not be verified: that the chain begins at ${at(start)} is not proven, ` +
            `and no digest covers ${at(input.periodStart)} – ${at(to)} (the period's digests may have been deleted and this one written to start a chain)` +
            unknownKeyHint(first, input.keys, input.periodStart),
          input.periodStart,
          to,
        );
      } else if (asideOfPeriod(input.periodStart, start)) {
        issue('chain-gap', 'warning', first.foundKey, `the chain begins at ${at(start)}, after the period: no digest of this trail in it (trail or log file validation started then)`, input.periodStart, start);
      } else {
        addGap(input.periodStart, start, 'chain-starts');
        issue('chain-gap', 'warning', first.foundKey, `the chain begins at ${at(start)}: no digest before it in the period (trail or log file validation started then)`, input.periodStart, start);
      }
    }

    const last = sorted[sorted.length - 1];
    const end = last.body!.digestEndTime;
    const due = dueBy(end, input.now) > end;
    const limit = Math.min(input.periodEnd, dueUntil(input.now));
    // Only a chain CloudTrail is shown to be writing is still being written: one whose newest
    // digest's signature verified, or, on a local copy (no S3 metadata: the newest digest's
    // signature is carried by no digest yet), whose newest digest carries the signature that
    // verified its previous one, which only the bucket's metadata held. A digest anyone wrote
    // (unsigned, naming no previous one) would excuse every log file after its end.
    if (!due && (proven(last) || continuesProvenChain(last))) liveSince = end;
    if (due && limit - end > ABUT_TOLERANCE) {
      // Stopped before the period: no later digest of this trail was read (not even an unusable
      // one), and every log file of the period is in another digest (a trail that replaced it).
      const stopped = asideOfPeriod(end, input.periodEnd) && !input.digests.some((d) => d !== last && d.name.endTime > end);
      if (stopped) {
        issue(
          'chain-gap',
          'warning',
          last.foundKey,
          `the chain ends at ${at(end)}, before the period, and no later digest of this trail was found: the trail was stopped, replaced or deleted, or its log file validation turned off`,
          end,
          limit,
        );
      } else {
        // Counted as missing: CloudTrail writes a digest every hour, log files or not, so each hour
        // of the period after the chain's last digest lacks one, whether the digests were deleted or
        // validation was turned off (the log files after it are then not covered, and said to be),
        // which the digests alone cannot tell apart.
        // Only the digests due by now (`dueBy`): a window reaching past the last one due is on its way.
        missing += missingHours(end, Infinity, own, input.now);
        addGap(end, limit, 'chain-ends');
        issue(
          'chain-gap',
          'error',
          last.foundKey,
          `the chain ends at ${at(end)}: no digest after it up to ${at(limit)} (digests deleted, or logging or log file validation stopped)` +
            // After the period itself: in the days the report reads for the log files delivered late, which can hold its events.
            (end >= own.end ? '; after the period, in the days read for log files delivered late' : ''),
          end,
          limit,
        );
      }
    }
  }

  const covered = sorted.filter((d) => verdicts.get(d)!.inPeriod);
  return {
    verdicts: input.digests.map((d) => verdicts.get(d)!),
    issues,
    missing,
    gaps,
    // Folded, not spread: a forged trail can hold more digests than a call takes arguments.
    coveredFrom: covered.length > 0 ? Math.max(input.periodStart, covered.reduce((m, d) => Math.min(m, d.body!.digestStartTime), Infinity)) : null,
    coveredTo: covered.length > 0 ? Math.min(input.periodEnd, covered.reduce((m, d) => Math.max(m, d.body!.digestEndTime), -Infinity)) : null,
    liveSince,
  };
}
