/**
 * The data types that pass between the pipeline's stages:
 *
 *   sources -> records -> IoT events -> analysis -> ReportModel -> renderers -> writer
 *
 * Every stage imports its inputs and outputs from here (or from `report/model.ts`,
 * re-exported below), so the contract between stages lives in one place.
 */

import type { Actor } from './report/model.js';

export type * from './report/model.js';

// ---------------------------------------------------------------------------
// Sources: where log objects come from (a local folder, an S3 bucket, ...).
// ---------------------------------------------------------------------------

/** One object in a store, as a listing returns it. Keys always use `/`. */
export interface StoredObject {
  /** Key relative to the store's root (for S3: the full object key). */
  key: string;
  /** Size in bytes when the listing knows it. */
  size?: number;
  /**
   * Why this entry is listed but is no object to read: a broken symbolic link, a link loop, a
   * link to a folder not followed (a local store's `UnfollowedEntry`). Absent for an object.
   */
  problem?: string;
  /** With `problem`: the entry is known to lead to a folder (one not walked). */
  folder?: boolean;
}

/**
 * A place that holds a copy of a trail bucket, or any tree of log files.
 * Local folders and S3 buckets implement it; the collection code only uses this.
 */
export interface ObjectStore {
  /** Human label of the store as the user gave it: `./logs`, `s3://bucket/prefix`. */
  readonly label: string;
  /** `local` or `s3`. */
  readonly kind: 'local' | 's3';
  /**
   * The store's own root prefix inside the bucket (S3) or '' (local). Keys passed to
   * and returned by the methods below are full keys, which start with this prefix.
   */
  readonly rootPrefix: string;
  /**
   * What keys are relative to, as reports name it (`sourceBase`), where that is not the label:
   * the folder above `AWSLogs/` for a local folder inside it (`LocalStore.keyBase`).
   */
  readonly keyBase?: string;
  /** The bucket an S3 store reads (`S3Store.bucket`). */
  readonly bucket?: string;
  /**
   * Delimiter listing (`/`): the immediate "sub-folders" below `prefix` (each returned
   * with its trailing `/`) and the objects directly in it. `prefix` is '' or ends with `/`.
   */
  listChildren(prefix: string): Promise<{ prefixes: string[]; objects: StoredObject[] }>;
  /** Every object below `prefix`, recursively, in any order. */
  listAll(prefix: string): AsyncIterable<StoredObject>;
  /**
   * The objects below `prefix` whose keys sort after `startAfter`, in key order (UTF-8 bytes,
   * as S3 lists), as the listing goes: the caller may stop early. Where a store has it (S3), a
   * month of a trail folder is listed with one request per 1,000 objects, not one per day folder.
   */
  listAfter?(prefix: string, startAfter: string): AsyncIterable<StoredObject>;
  /** The object's raw bytes (still gzipped when stored gzipped). */
  read(key: string): Promise<Buffer>;
  /**
   * `read` a second time, after a failure on something passing, where the store reads differently
   * then (S3: with every attempt configured, whatever the retry quota its first reads share has left).
   */
  readAgain?(key: string): Promise<Buffer>;
  /** User metadata (`x-amz-meta-*` without the prefix, lowercased names); `{}` when the store keeps none. */
  metadata(key: string): Promise<Record<string, string>>;
  /** `metadata` a second time, after a failure on something passing, as `readAgain` reads. */
  metadataAgain?(key: string): Promise<Record<string, string>>;
}

/** A problem reading part of a source: listed in the report's coverage, never fatal on its own. */
export interface SourceProblem {
  /** The object key or prefix concerned. */
  key: string;
  /** Label of the store. */
  source: string;
  /** Why it could not be read, in one line. */
  reason: string;
  /** Set on a listing that failed: the prefix not listed, as the store lists it ('' a bucket's root), and what may be below it. */
  unlisted?: { prefix: string; hides: UnlistedScope };
}

/**
 * What a folder whose listing failed may hide from a run (`unlistedScope`):
 * - `accounts`: trail folders of any account (an `AWSLogs/` found, an organization's folder in it,
 *   a folder above an `AWSLogs/`, or any folder of a source in which no trail was found);
 * - `account`: folders of the one account its prefix names (`AWSLogs/[o-.../]<acct>/...`);
 * - `other`: no trail folder, a branch beside every `AWSLogs/` of a source that holds a trail
 *   (another service's logs in a shared bucket).
 */
export type UnlistedScope = 'accounts' | 'account' | 'other';

// ---------------------------------------------------------------------------
// CloudTrail log layout.
// ---------------------------------------------------------------------------

/** One `<acct>/CloudTrail/<region>/` folder found in a store. */
export interface TrailLocation {
  /** Key prefix up to and including `CloudTrail/<region>/`. */
  prefix: string;
  /** Organization id (`o-...`) when the layout is an organization trail. */
  organizationId: string | null;
  accountId: string;
  region: string;
}

/** A log object chosen for reading, with what its key says about it. */
export interface LogObjectRef extends StoredObject {
  /** Label of the store it comes from. */
  source: string;
  /** Account and region from the key, when the key follows the CloudTrail layout. */
  accountId: string | null;
  region: string | null;
  /** UTC delivery day from the key's date folders (`YYYY-MM-DD`), when known. */
  deliveryDay: string | null;
  organizationId: string | null;
}

// ---------------------------------------------------------------------------
// Records: one CloudTrail record, normalized from any accepted shape.
// ---------------------------------------------------------------------------

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** Which record shape the record was read from (FORMATS.md section 2). */
export type RecordShape = 'canonical' | 'iot-guide';

/** The fields of a CloudTrail record that the report uses, with absent values as null. */
export interface CloudTrailRecord {
  eventId: string | null;
  /** ISO-8601 UTC (`YYYY-MM-DDTHH:MM:SSZ`, milliseconds kept when present). */
  eventTime: string | null;
  eventSource: string | null;
  eventName: string | null;
  eventType: string | null;
  awsRegion: string | null;
  recipientAccountId: string | null;
  sourceIpAddress: string | null;
  userAgent: string | null;
  errorCode: string | null;
  errorMessage: string | null;
  /** `readOnly` as a boolean; null when the record does not say. */
  readOnly: boolean | null;
  managementEvent: boolean | null;
  eventCategory: string | null;
  requestParameters: JsonObject | null;
  responseElements: JsonObject | null;
  additionalEventData: JsonObject | null;
  /**
   * Who made the call, from `userIdentity`, worked out where the record is read: the identity
   * itself (five objects and a dozen strings in a role's session) never crosses to the main thread.
   */
  actor: Actor;
  /**
   * A record without an eventID is known by its whole content (its `userIdentity` included):
   * this hash of it, else null.
   */
  contentId: string | null;
  requestId: string | null;
  sessionCredentialFromConsole: boolean | null;
  vpcEndpointId: string | null;
  shape: RecordShape;
}

/** A record together with where it was read from. */
export interface SourcedRecord {
  record: CloudTrailRecord;
  /** The log object it came from. */
  file: LogObjectRef;
}

/** What reading one log object gave. */
export interface ParsedLog {
  /** Records in the file (any service). */
  recordCount: number;
  /** The IoT records of the file (any time), normalized. */
  records: CloudTrailRecord[];
  /** Uncompressed size in bytes. */
  uncompressedBytes: number;
  /** Size of the object as stored, when the parser read it itself (a worker reading a local file). */
  storedBytes?: number;
  /** Why the file could not be read (bad gzip, bad JSON, not CloudTrail); null when it was read. */
  error: string | null;
  /** The content as CloudTrail's digests hash it, when the parser was asked for it (`--verify`). */
  content?: LogContentHash;
}

/**
 * A log object's content as CloudTrail's digests hash it: the SHA-256 of its first gzip
 * member's uncompressed bytes (of the bytes themselves when not gzipped), and how many bytes
 * follow that member; or why it does not inflate.
 */
export type LogContentHash = { sha256: string; trailingBytes: number } | { error: string };

// ---------------------------------------------------------------------------
// Accounts: names, emails, states and OU paths of the organization's accounts.
// ---------------------------------------------------------------------------

export interface OrgAccount {
  id: string;
  name: string | null;
  email: string | null;
  /** ACTIVE, SUSPENDED, PENDING_CLOSURE, CLOSED... (`State`, else legacy `Status`). */
  state: string | null;
  /** e.g. "Root/Workloads/Prod"; null when unknown. */
  ouPath: string | null;
  tags: Record<string, string>;
}

export interface ResolvedAccounts {
  organizationId: string | null;
  managementAccountId: string | null;
  /** Where the list came from. */
  from: 'organizations' | 'accounts-file' | 'logs';
  /** Why a preferred source was not used (e.g. "Organizations: AccessDenied; used --accounts-file"), or null. */
  note: string | null;
  accounts: OrgAccount[];
}
