import type { LogFileIntegrity } from '../report/model.js';

/**
 * What a log-integrity check returns. `toIntegrityReport` turns it into the report
 * model's `IntegrityReport`; `verify --json` prints it as is (log-file map as an object).
 */

/** Every kind of problem the check can name. */
export const PROBLEM_KINDS = [
  /** The digest's RSA signature does not verify with the key its fingerprint names. */
  'digest-signature-invalid',
  /** No public key for the digest's `digestPublicKeyFingerprint`. */
  'digest-key-unknown',
  /** A digest the chain or the hourly cadence says should exist is not there. */
  'digest-missing',
  /** The digest's `digestS3Object`/`digestS3Bucket` is not where it was found (moved or copied). */
  'digest-moved',
  /** The digest could not be read, gunzipped or parsed, or lacks required fields. */
  'digest-unreadable',
  /** No signature to check the digest with (newest digest of a local copy): a warning, not a failure. */
  'digest-signature-unavailable',
  /** A link between two digests does not hold (previous hash, bucket or signature differ). */
  'chain-link-broken',
  /** Hours of the period without any digest where the chain restarts or ends. */
  'chain-gap',
  /** Log files in the period but not one digest for their account and region. */
  'no-digests',
  /** A log file's SHA-256 differs from its digest entry. */
  'log-file-modified',
  /** A log file a digest lists is not in the source. */
  'log-file-missing',
  /** A log file in the period that no digest lists. */
  'log-file-not-covered',
  /** A log file listed by a digest could not be read or gunzipped. */
  'log-file-unreadable',
  /** Bytes after the end of a gzip stream (a second member or garbage). */
  'gzip-trailing-data',
  /** A digest folder or log folder could not be listed. */
  'listing-failed',
] as const;

export type IntegrityProblemKind = (typeof PROBLEM_KINDS)[number];

/** `warning` never fails the check; `error` does. */
export type ProblemSeverity = 'error' | 'warning';

export interface IntegrityIssue {
  kind: IntegrityProblemKind;
  severity: ProblemSeverity;
  /** Label of the store (`./logs`, `s3://bucket/prefix`). */
  source: string;
  accountId: string;
  region: string;
  /** Trail name from the digest file name (without its home region), when the problem belongs to one chain. */
  trail: string | null;
  /** The object key concerned (digest, log file) or the folder for a missing digest of unknown name. */
  key: string;
  /** Time range concerned, for missing digests and gaps. */
  from: string | null;
  to: string | null;
  message: string;
}

/** Status of one log file, as the report marks its events (`LogFileIntegrity` says what each means). */
export type LogFileStatus = LogFileIntegrity;

export interface IntegrityGap {
  /** Trail name from the digest file name (without its home region). */
  trail: string;
  from: string;
  to: string;
  /** Why there is no digest: a restarted chain, digests that should exist, or a chain that ends early. */
  reason: 'chain-restart' | 'digests-missing' | 'chain-ends' | 'chain-starts';
}

/** One account and region of one source: every trail chain found there. */
export interface IntegrityChainResult {
  source: string;
  organizationId: string | null;
  accountId: string;
  region: string;
  /** Names of the trails whose digests were found, as CloudTrail names them (`org_trail`; a name may contain `_`), sorted. */
  trails: string[];
  /** Each trail whose digests were found, with its home region (from the digest names: `<trailName>_<homeRegion>_<time>`), by name then home region. */
  trailHomeRegions: { trail: string; homeRegion: string }[];
  /** Digests of the period whose signature verified. */
  digestsValid: number;
  /** Digests of the period that are unreadable, moved, badly signed or signed with an unknown key. */
  digestsInvalid: number;
  /** Hours of the period (`VerifyIntegrityOptions.reportPeriod`, else the one checked) with no digest where a chain should have one (`IntegrityChain.digestsMissing`). */
  digestsMissing: number;
  /** Digests of the period whose signature could not be checked (no signature available). */
  digestsUnverified: number;
  logFilesValid: number;
  logFilesModified: number;
  logFilesMissing: number;
  /** Listed by no trusted digest, in a trail that has digests (`not-covered` files). */
  logFilesNotCovered: number;
  /** In a trail with no digest at all (`no-digests` files), or listed only by digests that could not be trusted, or unreadable. */
  logFilesUnverified: number;
  gaps: IntegrityGap[];
  /** First and last digest time covered in the period (`digestStartTime`/`digestEndTime`), when any. */
  coveredFrom: string | null;
  coveredTo: string | null;
  status: 'valid' | 'invalid' | 'incomplete';
}

export interface IntegrityResult {
  /** True when no problem of severity `error` was found. */
  ok: boolean;
  period: { start: string; end: string };
  chains: IntegrityChainResult[];
  /** Every problem, sorted by account, region, key, kind. */
  problems: IntegrityIssue[];
  /** Status of every log file of the period that was looked at, by store key. */
  logFiles: Map<string, LogFileStatus>;
  notes: string[];
  /** What the check read. */
  stats: { digestsRead: number; logFilesRead: number; bytesRead: number; listings: number };
}

export interface IntegrityProgress {
  phase: 'discover' | 'digests' | 'logs';
  done: number;
  total: number;
}
