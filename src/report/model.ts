/**
 * The report model: everything a report says, computed before rendering.
 *
 * The JSON output *is* this object. Renderers take only this object. Fields are
 * documented here and in `schemas/report.schema.json` (checked against the golden
 * report in the tests). Times are ISO-8601 UTC strings unless a field says otherwise;
 * lists are sorted by explicit keys so the same input gives the same bytes.
 */

/**
 * The JSON output's version: the major when a field is removed or changes meaning (`--compare`
 * refuses another major), the minor when one is added (1.1: `sessionIssuerType`; 1.2: an event's
 * `integrity` `no-digests`, which was `not-covered`, counted in `logFilesUnverified`; a policy
 * version's `documentNotRecorded`, and `document` null, not CloudTrail's placeholder, when not recorded;
 * 1.3: coverage's `iotRecordsWithoutName`, which were dropped, and `accountsNotRead`, which were
 * counted among those without logs, and integrity's `eventsUnchecked`; 1.4: a finding's `resourceKind`, an Athena source's `engineVersion` and `note`; 1.5: coverage's
 * `athena` and an account's and region's `athenaPartitions`, which were counted in their `files`;
 * a certificate's `accounts`, and a lifecycle step's `accountId` and `accountName`, with a
 * certificate's `arn` only as logged, where it was made up for a transferred one; an actor's
 * `reads`, and its `mfaAuthenticated` from all its events, not its changes only; the integrity
 * section's `verdict`; coverage's, an account's and a region's `late`, the files of the delivery
 * days read after the period, which were counted in `files` unsaid; a finding's `regions`, and
 * `region` `multiple` when its events are in several; a summary's `byOu` entry `(not in the
 * organization)`, which was counted under `(unknown)`; a policy's `changed`; a certificate's
 * `changed`, false for one only failed or denied calls named, which was counted among those
 * touched (and new in `--compare`); a compared certificate's `movedFrom`, a certificate the previous
 * report had in an account this one shows it leaving by a transfer, which was new; a certificate's
 * `accountId` null, one only an answer to a transfer this report does not show named (a
 * RejectCertificateTransfer in the receiving account: it stays the sender's, which the answer
 * does not name), which was placed in the receiving account, and an `accounts` entry whose
 * `accountId` is null, that sender, first before the account that accepted such a transfer; a
 * compared certificate's `accountId` null likewise; 1.6: coverage's `filesReadable` and `accountsCovered`, a
 * summary's `byAccount` entry's `notInOrganization`, and a comparison's `certificates.moved`, which the
 * outputs counted themselves; an integrity chain's `trails` the trail names alone, which were
 * `<trailName>_<homeRegion>`, and its `trailHomeRegions`; its `digestsMissing` every hour of the
 * period with no digest where the chain should have one, the hours after its last digest and those
 * where it stops and starts again too, which were not counted; its log file counts the period's
 * files alone, not those of the days the report reads beside it that are warnings there; integrity's `eventsValid`, `eventsModified`, `eventsMissing` and
 * `eventsNotCovered`; a policy's `attachedTargetsComplete`, `defaultVersionsNotShown` and `defaultVersionMayBeUnlogged`,
 * the comparison's `firstSeen`, and a new policy's `deleted` (counted in `policies.newDeleted`), with
 * `--compare`'s new policies and certificates those the period created, where they were any absent
 * from the previous report, and a policy created and deleted within the period new, where it was
 * deleted, and a certificate the previous report had deleted that the period registered again new,
 * where it was changed); 1.7: an integrity chain's `digestsMissing` the hours between two digests
 * that link across a hole too, which were not counted, and its `logFilesValid` the period's files
 * alone, not the valid ones of the days the report reads beside it, which were; a certificate's
 * `attachmentsComplete`, whether its `things` and `policies` are all that is attached to it (the
 * period shows it made or deleted), which read as whole for one that existed before the period;
 * coverage's `accountsNotInOrganization`, every account covered that no account list has, those
 * asked for without logs too, as `accountsCovered` counts them, where it was only those with logs;
 * a policy's `defaultsNotShown`, for each version of each incarnation of the policy made the default
 * that the period does not show created, where it came from: a version made the default after the
 * period shows the policy created or deleted was said to be created before the period; and its
 * `defaultVersionMayBeUnlogged` of the versions made before the period or by such a call alone; a finding's `suppressionNote`, why a suppression matching it was not
 * applied (it expired), which its `suppressionReason` said, that field now null unless the finding is
 * suppressed; coverage's `accountsWithoutLogs`, with an account list, the accounts whose trail folder a
 * source holds with no log of the period that the list does not have too, which were left out). The schema
 * describes one version exactly (closed objects, every field required): a report validates
 * against the schema of the version that wrote it, not an older minor's.
 */
export const SCHEMA_VERSION = '1.7';

/** A finding's `region` when its events are in several regions (its `regions` names them). */
export const MULTIPLE_REGIONS = 'multiple';

/** A finding's regions: its `regions`, else (a report before schema 1.5, or a model made by hand) its `region`. */
export function findingRegions(f: Pick<Finding, 'region' | 'regions'>): readonly string[] {
  return Array.isArray(f.regions) && f.regions.length > 0 ? f.regions : [f.region];
}

export type Category = 'certificate' | 'policy' | 'other';
export type Severity = 'info' | 'low' | 'medium' | 'high' | 'critical';

export interface ReportModel {
  /** Version of this JSON layout. */
  schemaVersion: string;
  /** The tool that produced the report. */
  tool: { name: string; version: string };
  /** When the report was generated (an input: fixed in tests, so output is reproducible). */
  generatedAt: string;
  /** Report title, e.g. "AWS IoT audit report, October 2026". */
  title: string;
  /** The organization whose logs were read, when known. */
  organization: OrganizationInfo;
  /** The period covered: events with start <= eventTime < end. */
  period: Period;
  /** The sources read, as given by the user. */
  sources: SourceInfo[];
  /**
   * The accounts and regions covered: those asked for (`--account`, `--region`), else the sources'
   * own when every source is an account's (or a region's) folder; empty lists mean "all".
   */
  filters: { accounts: string[]; regions: string[] };
  /** Every account known from the organization, the accounts file or the logs. */
  accounts: AccountInfo[];
  /** Counts for the summary section. */
  summary: Summary;
  /** Risky changes found by the rules, by severity then time. Empty until rules run. */
  findings: Finding[];
  /** Rules that failed to run (a rule error never fails the run). */
  ruleErrors: RuleError[];
  /**
   * Every certificate a successful change or a failed call of the period named, with its
   * lifecycle; those only failed or denied calls named (`changed` false) are counted apart.
   */
  certificates: CertificateLifecycle[];
  /**
   * Every policy a successful change or a failed call of the period named, with its versions and
   * attachments; those only failed or denied calls named (`changed` false) may never have existed.
   */
  policies: PolicyHistory[];
  /** Who called IoT in the period. */
  actors: ActorSummary[];
  /** Failed and denied attempts, grouped by actor, action and error. */
  denied: DeniedGroup[];
  /** What was read and what could not be. */
  coverage: Coverage;
  /** Log integrity result when `--verify` was asked for, else null. */
  integrity: IntegrityReport | null;
  /** Notes of the rules runner (e.g. a suppression that expired). */
  findingNotes: string[];
  /** What changed since a previous report (`--compare`), else null. */
  comparison: Comparison | null;
  /** Every IoT event of the period, sorted by time, then (within a second) by the likely order of the calls (creations first, deletions last), then event id. */
  events: IotEvent[];
}

export interface OrganizationInfo {
  /** `o-...` from Organizations or from the trail's key layout; null when unknown. */
  id: string | null;
  /** Management account id, when Organizations said. */
  managementAccountId: string | null;
  /** Where account names came from. */
  accountsFrom: 'organizations' | 'accounts-file' | 'logs';
  /** Why the preferred account source was not used (e.g. Organizations access denied), or null. */
  accountsNote: string | null;
}

export interface Period {
  /** Inclusive start, ISO-8601 UTC. */
  start: string;
  /** Exclusive end, ISO-8601 UTC. */
  end: string;
  /** IANA zone deciding where days (and a `--period` month) start and end. */
  timeZone: string;
  /** `YYYY-MM` when a calendar month was asked for, else null. */
  month: string | null;
  /** Human label, e.g. "October 2026 (UTC)" or "2026-10-03 00:00 – 2026-10-10 00:00 (Europe/Paris)". */
  label: string;
}

export interface SourceInfo {
  /** As given: a folder path or `s3://bucket/prefix`. */
  label: string;
  kind: 'local' | 's3' | 'athena';
  /** Trail layout found: `organization`, `account` (single-account trail) or `files` (a plain folder of log files). */
  layout: 'organization' | 'account' | 'files' | 'athena';
  /** Extra facts about an Athena source (engine, query id, bytes scanned); null for file sources. */
  athena: AthenaRunInfo | null;
}

export interface AthenaRunInfo {
  queryExecutionId: string;
  database: string;
  table: string;
  workgroup: string | null;
  dataScannedBytes: number;
  /** Estimated cost in USD at $5 per TB scanned (10 MB minimum per query). */
  estimatedCostUsd: number;
  /** The engine that ran the query, as Athena names it ("Athena engine version 3"); null when it did not say. Since schema 1.4. */
  engineVersion: string | null;
  /**
   * Why the query did not select the table's own columns, and what the report then cannot know
   * (the table could not be described: no `athena:GetTableMetadata`); null when it did. Since schema 1.4.
   */
  note: string | null;
}

export interface AccountInfo {
  id: string;
  /** Name from Organizations or the accounts file; null when unknown. */
  name: string | null;
  email: string | null;
  /** ACTIVE, SUSPENDED, PENDING_CLOSURE, CLOSED... (Organizations `State`, or legacy `Status`). */
  state: string | null;
  /** OU path from the root, e.g. "Root/Workloads/Prod"; null when unknown. */
  ouPath: string | null;
  /** Listed by the organization (or accounts file). */
  inOrganization: boolean;
  /**
   * At least one log file of the period was read for it, or an Athena partition of it returned a
   * row (in the regions asked for, with `--region`; an account left out by `--account` is not
   * read, so false).
   */
  hasLogs: boolean;
  /** Tags, when asked for with `--account-tags`; else empty. */
  tags: Record<string, string>;
}

export interface Summary {
  /** IoT events in the period (reads, changes, failures). */
  totalEvents: number;
  /** Successful, non-read-only IoT calls. */
  changes: number;
  /** Successful read-only calls. */
  reads: number;
  /** Calls that returned an error code (denied or failed). */
  failedAttempts: number;
  /** Of those, access denied / unauthorized. */
  deniedAttempts: number;
  /** Changes by category. Every category is listed, zero or not. */
  changesByCategory: { category: Category; count: number }[];
  /** Changes by action, sorted by count descending then name. */
  changesByAction: { category: Category; eventName: string; count: number }[];
  /**
   * Changes and failures by account, sorted by account id. `notInOrganization`: the organization's
   * list (or the accounts file) does not have the account, its `byOu` row `(not in the organization)`;
   * false when no account list is known (since schema 1.6).
   */
  byAccount: { accountId: string; accountName: string | null; ouPath: string | null; notInOrganization: boolean; changes: number; failedAttempts: number }[];
  /**
   * Changes by OU path: accounts the organization (or accounts file) does not list under
   * "(not in the organization)" (since schema 1.5; they were under "(unknown)"), the organization's
   * accounts of no known OU (and every account, when no account list is known) under "(unknown)".
   */
  byOu: { ouPath: string; accounts: number; changes: number; failedAttempts: number }[];
  /** Changes by region, sorted by region. */
  byRegion: { region: string; changes: number; failedAttempts: number }[];
  /** One entry per calendar day of the period in its time zone (`YYYY-MM-DD`). */
  byDay: { date: string; changes: number; failedAttempts: number }[];
  /** Findings by severity (unsuppressed), every severity listed. */
  findingsBySeverity: { severity: Severity; count: number; suppressed: number }[];
}

/** What issues a session: a role (assumed-role sessions), an IAM user or the root user (federated users). */
export type SessionIssuerType = 'Role' | 'IAMUser' | 'Root';

/** Who made a call, from `userIdentity`. */
export interface Actor {
  /** `userIdentity.type` (Root, IAMUser, AssumedRole, ...); null when the record has none. */
  type: string | null;
  /** `userIdentity.arn`; null when absent. */
  arn: string | null;
  principalId: string | null;
  /** Account of the caller (may differ from the account called). */
  accountId: string | null;
  /** IAM user name, or the session issuer's name for a role session. */
  userName: string | null;
  /**
   * Who issued the session (`sessionContext.sessionIssuer.arn`): the role of an assumed-role
   * session; the IAM user or root user behind a federated user.
   */
  sessionIssuerArn: string | null;
  /**
   * What issued the session: a role for an assumed-role session, else
   * `sessionContext.sessionIssuer.type` when it is one of these, else what the issuer's ARN says;
   * null without an issuer, or for one that is none of these.
   */
  sessionIssuerType: SessionIssuerType | null;
  /** Role session name (last part of an assumed-role ARN). */
  sessionName: string | null;
  /** `sessionContext.attributes.mfaAuthenticated`; null when not said. */
  mfaAuthenticated: boolean | null;
  /** Service that called on the principal's behalf (`invokedBy`). */
  invokedBy: string | null;
  accessKeyId: string | null;
  /**
   * Stable key grouping one principal's calls: the role ARN for role sessions, else the ARN; an
   * Identity Center user's identity store and user id; another account's account and principal
   * id; the service (`invokedBy`); else type, account and principal id.
   */
  key: string;
  /**
   * Short human label, e.g. "role/deploy (session ci-123)", "user/alice", "federated-user/ops
   * (issued by user/bob)", "identity-center-user/<user id> (store d-123)", "account/<id> (principal <id>)".
   */
  label: string;
}

export type ResourceType =
  | 'certificate'
  | 'caCertificate'
  | 'policy'
  | 'thing'
  | 'thingGroup'
  | 'thingType'
  | 'roleAlias'
  | 'topicRule'
  | 'authorizer'
  | 'domainConfiguration'
  | 'provisioningTemplate'
  | 'certificateProvider'
  | 'cognitoIdentity'
  | 'account'
  | 'loggingOptions'
  | 'other';

/** A resource an event touched. */
export interface ResourceRef {
  type: ResourceType;
  /** Certificate id, policy name, thing name, ...; for `other`, the ARN. */
  id: string;
  arn: string | null;
}

export interface IotEvent {
  eventId: string;
  /** ISO-8601 UTC. */
  eventTime: string;
  /** Account the call was made in (`recipientAccountId`, else the log file's account, else the caller's). */
  accountId: string;
  accountName: string | null;
  region: string;
  eventName: string;
  category: Category;
  /** True for read-only calls (never counted as changes). */
  readOnly: boolean;
  /** Successful, not read-only: counts as a change. */
  isChange: boolean;
  /** Error code; null on success. */
  errorCode: string | null;
  errorMessage: string | null;
  /** `eventType` (AwsApiCall, AwsConsoleAction, ...). */
  eventType: string | null;
  actor: Actor;
  sourceIp: string | null;
  userAgent: string | null;
  /** Resources touched, in a stable order. */
  resources: ResourceRef[];
  /** The request parameters as logged (policy documents stay JSON strings). */
  requestParameters: Record<string, unknown> | null;
  responseElements: Record<string, unknown> | null;
  /** The call was made with credentials of a console session (`sessionCredentialFromConsole`); null when not said. */
  sessionCredentialFromConsole: boolean | null;
  /** `requestID`. */
  requestId: string | null;
  /** The log object the event was read from (its first copy, when duplicated). */
  sourceFile: string;
  /** Record shape it was read in. */
  recordShape: 'canonical' | 'iot-guide';
  /** Integrity status of `sourceFile` when `--verify` ran; null otherwise. */
  integrity: LogFileIntegrity | null;
}

/**
 * What `--verify` found of an event's log file. `valid`: a digest whose signature verified lists
 * its SHA-256. Failed: `modified` (another SHA-256, or bytes after its gzip stream), `missing` (a
 * digest lists it, the source lacks it: the event is from another copy), `not-covered` (no
 * trusted digest lists it, though its trail has digests for the period, or a chain that ends
 * before the file was delivered: added, or, delivered after its chain's last digest, validation
 * stopped or the digests after it were deleted). Not checked: `no-digests` (its account and region
 * have no digest of the period at all, nor a chain that ends before it: validation off, or every
 * digest deleted), `unverified` (the digest that should vouch for it could not be used).
 */
export type LogFileIntegrity = 'valid' | 'modified' | 'missing' | 'not-covered' | 'no-digests' | 'unverified';

export type CertificateAction =
  | 'created'
  | 'registered'
  | 'activated'
  | 'deactivated'
  | 'revoked'
  | 'status-changed'
  | 'transfer-started'
  | 'transfer-accepted'
  | 'transfer-rejected'
  | 'transfer-cancelled'
  | 'deleted'
  | 'attached-to-thing'
  | 'detached-from-thing'
  | 'policy-attached'
  | 'policy-detached'
  | 'provisioning-claim'
  | 'auto-registration-changed'
  | 'other';

export interface LifecycleStep {
  eventId: string;
  eventTime: string;
  eventName: string;
  action: CertificateAction;
  /** e.g. new status, target account, thing name, policy name. */
  detail: string | null;
  actorLabel: string;
  /**
   * Account the call was made in (its event's `accountId`): of a transfer, the sender's; of its
   * accept or reject, the receiving account's. Since schema 1.5.
   */
  accountId: string;
  /** That account's name as the event gives it. Since schema 1.5. */
  accountName: string | null;
}

/** An account a certificate was in during the period (`CertificateLifecycle.accounts`). */
export interface CertificateAccount {
  /**
   * Null: the sender of a transfer whose TransferCertificate this report does not show (made
   * before the period, or in an account `--account` left out), answered in the period by the
   * receiving account (AcceptCertificateTransfer, RejectCertificateTransfer), whose record names
   * no sender: "a sender not in this report".
   */
  accountId: string | null;
  accountName: string | null;
  /**
   * The certificate's ARN in this account as the logs gave it (a response's `certificateArn`, a
   * principal or policy target, or, for the account that accepted its transfer, the transfer's
   * `transferredCertificateArn`); null when no event of the period logged it. Never made up.
   */
  arn: string | null;
}

export interface CertificateLifecycle {
  certificateId: string;
  /** Device certificate or CA certificate. */
  kind: 'device' | 'ca';
  /**
   * A successful change of the period named it (`steps` is not empty); false when only failed or
   * denied calls did (`failedEventIds`: a refused DescribeCertificate, UpdateCertificate or
   * AttachPolicy): nothing was done to it, so it is counted apart from the certificates changed,
   * and `--compare` never calls it new. Since schema 1.5.
   */
  changed: boolean;
  /**
   * The certificate's ARN in `accountId`, as logged (`CertificateAccount.arn` of the last of
   * `accounts`); null when no event of the period logged it (1.4 and before made one up for a
   * transferred certificate).
   */
  arn: string | null;
  /**
   * Account the certificate is in at the end of the period: that of its first event, or the last to
   * accept its transfer. Null when this report does not show it (since schema 1.5): a certificate
   * only the receiving account's rejection of its transfer named (RejectCertificateTransfer, whose
   * record names no sender), the transfer itself not in this report (made before the period, or in
   * an account `--account` left out); it stays the sender's, "a sender not in this report", each
   * step in the account it was made in (`LifecycleStep.accountId`).
   */
  accountId: string | null;
  accountName: string | null;
  region: string;
  /**
   * The accounts it was in during the period, in order: that of its first event, then each that
   * accepted a transfer of it (the last is `accountId`). One when no transfer was accepted: a
   * rejected, cancelled or pending transfer leaves it in the sender's. A certificate accepted from
   * a transfer this report does not show (made before the period, or in an account `--account` left
   * out) starts with that sender, `accountId` null, before the accepting account. Since schema 1.5.
   */
  accounts: CertificateAccount[];
  /** Successful changes in time order. */
  steps: LifecycleStep[];
  /**
   * Status after the period's last status change (ACTIVE, INACTIVE, REVOKED, DELETED, PENDING_TRANSFER, ...), null when unknown:
   * also when `accountId` is null (the sender's later calls are not in this report).
   */
  lastKnownStatus: string | null;
  /** Things attached at the end of the period, as far as the period's events tell: the whole list only when `attachmentsComplete`. */
  things: string[];
  /** Policies attached at the end of the period, as far as the period's events tell: the whole list only when `attachmentsComplete`. */
  policies: string[];
  /**
   * True when `things` and `policies` are everything attached to the certificate at the end of the
   * period: the period shows it created, registered or issued by a provisioning claim (nothing was
   * attached before) or deleted (nothing stays attached). False when it existed before the period
   * (what was attached to it then is not in its events, nor in the lists), or only failed or denied
   * calls named it (`changed` false). As a policy's `attachedTargetsComplete`. Since schema 1.7.
   */
  attachmentsComplete: boolean;
  /** Failed attempts on this certificate. */
  failedEventIds: string[];
}

export interface PolicyVersion {
  versionId: string | null;
  eventId: string;
  eventTime: string;
  eventName: string;
  /** The policy document as logged (a JSON string); null when CloudTrail did not record it. */
  document: string | null;
  /** False when CloudTrail did not record the document: omitted as too large, a word in its place (`HIDDEN_DUE_TO_SECURITY_REASONS`), or absent. */
  documentRecorded: boolean;
  /** The document pretty-printed, for display; null when not recorded or not a JSON object (shown as logged). */
  documentPretty: string | null;
  /** Why the document was not recorded (`CloudTrail omitted the request parameters as too large`...); null when it was. */
  documentNotRecorded: string | null;
  /** Made the default version by this call. */
  setAsDefault: boolean;
  actorLabel: string;
}

export interface PolicyChange {
  eventId: string;
  eventTime: string;
  eventName: string;
  /** attach, detach, set-default, delete-version, delete, create, create-version. */
  action: string;
  /** Target (certificate ARN, thing group ARN, Cognito id) or version id. */
  target: string | null;
  targetType: ResourceType | null;
  actorLabel: string;
}

export interface PolicyHistory {
  policyName: string;
  /**
   * A successful change of the period named it (`changes` is not empty); false when only failed or
   * denied calls did (`failedEventIds`): such a policy may never have existed (a CreatePolicy
   * refused), so it is counted apart from the policies changed. Since schema 1.5.
   */
  changed: boolean;
  accountId: string;
  accountName: string | null;
  region: string;
  arn: string | null;
  versions: PolicyVersion[];
  /** Every successful change in time order. */
  changes: PolicyChange[];
  /**
   * Default version at the end of the period, when the period's events tell; null when they do
   * not, or when the default is a version whose id was not logged (`defaultVersionNotLogged`).
   */
  defaultVersionId: string | null;
  /**
   * True when the period's last default change made a new version the default and the log does
   * not give its id (CreatePolicyVersion with setAsDefault, no response): the default is that
   * version, not the one before; `defaultVersionId` is null.
   */
  defaultVersionNotLogged: boolean;
  deleted: boolean;
  /**
   * Targets attached at the end of the period, as far as the period's events tell: those attached
   * in the period and not detached since. The whole list only when `attachedTargetsComplete`.
   */
  attachedTargets: string[];
  /**
   * True when `attachedTargets` is every target of the policy at the end of the period: the period
   * shows it created (nothing was attached before) or deleted (nothing stayed attached). False
   * when it existed before the period (targets attached before it are not in its events, nor in
   * `attachedTargets`), or only failed or denied calls named it (`changed` false). Since schema 1.6.
   */
  attachedTargetsComplete: boolean;
  /**
   * The version ids of `defaultsNotShown`, each once, in the order they were first made the default:
   * derived from `defaultsNotShown`, kept for 1.6 readers (the card and the findings read
   * `defaultsNotShown`, nothing reads this). The versions a SetDefaultPolicyVersion of the period
   * made the default that no CreatePolicy or CreatePolicyVersion of the period shows since the policy
   * was last created or deleted: their documents, and so what the policy allowed while each was the
   * default, are not known from this report. Since schema 1.6.
   */
  defaultVersionsNotShown: string[];
  /**
   * Whether an entry of `defaultsNotShown` is `before-period-or-unlogged` (a version made before the
   * period or by a CreatePolicyVersion of the period made with its version id not logged): derived
   * from `defaultsNotShown`, kept for 1.6 readers (nothing reads this; the card and the findings say
   * each entry by its own `created`). Since schema 1.6 (of every version of `defaultVersionsNotShown`
   * until 1.7).
   */
  defaultVersionMayBeUnlogged: boolean;
  /**
   * The versions a SetDefaultPolicyVersion of the period made the default that no creation of the
   * period shows (`defaultVersionsNotShown`), one entry per version of each incarnation of the
   * policy (a version id made the default both before the period shows the policy deleted or
   * created and after it is two entries: DeletePolicy removes a policy with its versions, CreatePolicy
   * starts again at version 1), in the order of the first switch to each, with where each came from.
   * The card (grouped by `created`) and the `policy-document-unchecked` finding of each say the same
   * (`defaultNotShownOrigin`). Since schema 1.7.
   */
  defaultsNotShown: DefaultVersionNotShown[];
  failedEventIds: string[];
}

/** A version a SetDefaultPolicyVersion of the period made the default that no creation of the period shows (`PolicyHistory.defaultsNotShown`). */
export interface DefaultVersionNotShown {
  versionId: string;
  /**
   * Where the version came from: `before-period`, created before the period; `before-period-or-unlogged`,
   * that or made by one of the period's CreatePolicyVersion calls whose version id CloudTrail did not
   * log (`unloggedBefore`); `in-period`, made the default after the period shows the policy created
   * or deleted, so the period made it, by such a call or one the logs miss.
   */
  created: 'before-period' | 'before-period-or-unlogged' | 'in-period';
  /**
   * The CreatePolicyVersion calls of the period without a logged version id, since the policy was
   * last created or deleted, before the first switch to the version.
   */
  unloggedBefore: number;
  /** The SetDefaultPolicyVersion calls that made it the default while no creation of its incarnation showed it, in time order. */
  madeDefaultEventIds: string[];
}

export interface ActorSummary {
  key: string;
  label: string;
  type: string | null;
  arn: string | null;
  sessionIssuerArn: string | null;
  sessionIssuerType: SessionIssuerType | null;
  /**
   * Whether the actor's sessions were MFA-authenticated, from all its events (reads and failed
   * calls too; before schema 1.5, from its changes only): false if any event was without MFA,
   * true if every event that says was with it, null if none says.
   */
  mfaAuthenticated: boolean | null;
  /** Successful, non-read-only calls (as `Summary.changes` counts them). */
  changes: number;
  /** Successful read-only calls (as `Summary.reads` counts them). Since schema 1.5. */
  reads: number;
  /** Calls that returned an error code. */
  failedAttempts: number;
  accounts: string[];
  sourceIps: string[];
  userAgents: string[];
  firstSeen: string;
  lastSeen: string;
  /** Changes by action. */
  actions: { eventName: string; count: number }[];
}

export interface DeniedGroup {
  actorKey: string;
  actorLabel: string;
  accountId: string;
  accountName: string | null;
  eventName: string;
  errorCode: string;
  /** Message of the first attempt. */
  errorMessage: string | null;
  count: number;
  first: string;
  last: string;
  eventIds: string[];
}

export interface Coverage {
  /**
   * The accounts the report covers: those asked for (`filters.accounts`), else every account known
   * (`accounts`), and how many of them the organization's list (or the accounts file) does not have:
   * `accountsNotInOrganization`, counted. Since schema 1.6.
   */
  accountsCovered: { total: number; notInOrganization: number };
  /**
   * Accounts of which no log file of the period was read and no Athena partition returned a row,
   * in the regions asked for (`filters.regions`, else any): the accounts asked for
   * (`filters.accounts`), whether or not the organization (or accounts file) lists them (until
   * schema 1.6 one no list had was left out, and the report said every account asked for
   * delivered logs); without `--account`, the accounts of the organization (or accounts file) and
   * the accounts whose trail folder (`CloudTrail/<region>/`, or `CloudTrail-Digest/<region>/` with no
   * log folder) a source holds, listed or not (until schema 1.7 those no list had were left out when
   * one was known; they are in `accountsNotInOrganization` too).
   */
  accountsWithoutLogs: string[];
  /**
   * Accounts asked for of which no log was read and this run cannot say why, so they are not
   * called "without logs": a listing or read of their folder was refused (`sourceProblems`
   * names it), or an Athena table is among the sources (it returns IoT events only: an account
   * with none may well have logs). Empty when no account list is known. Since schema 1.3.
   */
  accountsNotRead: string[];
  /**
   * The accounts the report covers (those of `accountsCovered`) that the organization's list (or the
   * accounts file) does not have, sorted: those of which log files were read (or an Athena partition
   * returned a row), those whose trail folder a source holds with none of the period, and, with
   * `--account`, those asked for of which none was (a mistyped id, an account outside the
   * organization); the last two also in `accountsWithoutLogs` or `accountsNotRead`. Until
   * schema 1.7 only the former, while `accountsCovered` counted both. Empty when no account list is known.
   */
  accountsNotInOrganization: string[];
  unreadableFiles: { key: string; source: string; reason: string }[];
  /** Prefixes or objects a source could not list or read (access denied, vanished...). */
  sourceProblems: { key: string; source: string; reason: string }[];
  /** Log files read from the file sources (S3, local folders); what Athena returned is in `athena`. */
  filesRead: number;
  /**
   * Of `filesRead`, those that were readable (the others are `unreadableFiles`): in a trail's layout,
   * what the accounts' `files` add up to (a plain folder's files name no account). Since schema 1.6.
   */
  filesReadable: number;
  /** Bytes of those log files, as stored. */
  bytesRead: number;
  /** Records of those log files, of any service. */
  recordsRead: number;
  /**
   * What the Athena tables among the sources returned, counted apart from log files (Athena gives
   * rows, not files); null when no Athena table is among the sources. Since schema 1.5.
   */
  athena: AthenaCoverage | null;
  /** IoT records in the period before de-duplication. */
  iotRecords: number;
  /** Duplicate IoT records dropped (same eventID). */
  duplicatesDropped: number;
  /**
   * IoT records of the log files read that have no usable event time (none, or one that is not
   * an ISO-8601 time): they cannot be placed in any period, so no other part of the report
   * counts them. Only the accounts and regions asked for.
   */
  iotRecordsWithoutTime: RecordsWithoutTime;
  /**
   * IoT records of the log files read that have no event name (CloudTrail always writes one, so
   * the record is damaged or altered), with a time in the period or none: no event of the report
   * can say what they did, so only this counts them (not `iotRecordsWithoutTime` too). Only the accounts and
   * regions asked for. Since schema 1.3.
   */
  iotRecordsWithoutName: RecordsWithoutTime;
  /** UTC delivery days read (`YYYY-MM-DD`), first and last: the period's, and the late days after it (`late`). */
  daysRead: { first: string; last: string } | null;
  /**
   * The delivery days read after the period's last UTC day (`--late-days`), for the period's events
   * CloudTrail delivered late: every such day read, and the readable log files and Athena partitions
   * of them (the files counted in `filesRead` and each account's `files` too, the partitions in
   * `athena.partitions` and `athenaPartitions`). Since schema 1.5.
   */
  late: LateDelivery;
  /** Per account: those asked for (every account known, without `filters.accounts`) and any of which log files were read. */
  perAccount: AccountCoverage[];
}

/** What the Athena queries of a report returned (`Coverage.athena`), over every table. */
export interface AthenaCoverage {
  /**
   * Account, region and UTC delivery-day partitions that returned at least one row, each once:
   * those whose logs hold an IoT record (a partition whose logs hold none returns nothing, so
   * it is not seen).
   */
  partitions: number;
  /** Rows the queries returned: IoT records (`iotRecords` counts those of the period). */
  rowsRead: number;
  /** Bytes the queries scanned (each source's `athena.dataScannedBytes`, added up). */
  dataScannedBytes: number;
}

/** IoT records set aside: with no usable event time (`Coverage.iotRecordsWithoutTime`), or no event name (`Coverage.iotRecordsWithoutName`). */
export interface RecordsWithoutTime {
  /** How many, one per eventID (a record without one: per content), as records are de-duplicated. */
  count: number;
  /** The first 20 by log file URL, then eventID: where to look. */
  examples: RecordWithoutTime[];
}

export interface RecordWithoutTime {
  /** The log file it was read from (URL as `IotEvent.sourceFile`). */
  file: string;
  eventId: string | null;
  eventName: string | null;
}

export interface AccountCoverage {
  accountId: string;
  accountName: string | null;
  inOrganization: boolean;
  /** Readable log files read, from the file sources (an Athena table's partitions are `athenaPartitions`). */
  files: number;
  /** Partitions (region and UTC delivery day) of an Athena table that returned a row of it; 0 without one. Since schema 1.5. */
  athenaPartitions: number;
  /** Per region, the same counts (`athenaPartitions` and `late` since schema 1.5). */
  regions: { region: string; files: number; athenaPartitions: number; days: string[]; late: LateDelivery }[];
  /** Days of the period (UTC delivery days) with at least one log file read or an Athena partition that returned a row; the late days after it are in `late`. */
  days: string[];
  /** Of `files` and `athenaPartitions`, those of the delivery days read after the period (`--late-days`). Since schema 1.5. */
  late: LateDelivery;
}

/**
 * What was read of the UTC delivery days after the period's last UTC day (`--late-days`): CloudTrail
 * files a log under the day it delivers it, so the period's last events may be in those days' files.
 */
export interface LateDelivery {
  /** Readable log files of those days (counted in `files` as well). */
  files: number;
  /** Athena partitions of those days that returned a row (counted in `athenaPartitions` as well). */
  athenaPartitions: number;
  /** Those days (`YYYY-MM-DD`): in `Coverage.late`, every such day read; per account and region, those with a file or a partition. */
  days: string[];
}

/**
 * What a finding's `resource` is, as its rule declares it (`Rule.resourceKind`). The report links
 * a finding to a certificate's or a policy's row only when its resource is one:
 * another rule's resource (a source IP, a role alias) can equal a certificate id or a policy
 * name without being that certificate or policy.
 */
export type ResourceKind =
  /** A device or CA certificate id. */
  | 'certificate'
  /** An IoT policy name. */
  | 'policy'
  /** An IoT role alias name. */
  | 'role-alias'
  /** The caller: a role or user ARN, else the actor's key (`actorResource`). */
  | 'principal'
  /** A source IP address or user agent family. */
  | 'source'
  /** A logging target, as `logging:<target>`. */
  | 'logging-target';

export interface Finding {
  /** Deterministic: rule-account-region-resource(-discriminator). */
  id: string;
  ruleId: string;
  severity: Severity;
  title: string;
  /** What happened, in one or two sentences. */
  description: string;
  remediation: string;
  accountId: string;
  accountName: string | null;
  /**
   * The region of its events; `multiple` when they are in several (a rule that groups an account's
   * events across regions, as new-source does), `regions` naming them. Part of the id.
   */
  region: string;
  /** Every region of its events, sorted: one, `region`, unless it is `multiple`. Since schema 1.5. */
  regions: string[];
  resource: string;
  /** What `resource` is, as the rule declares it. Since schema 1.4. */
  resourceKind: ResourceKind;
  eventIds: string[];
  /** Time of the first event of the finding. */
  time: string;
  /** Evidence quoted (e.g. the offending policy statement). */
  evidence: string | null;
  /** Whether a suppression of the config applies to it (it still shows, marked, and does not count for `--fail-on`). */
  suppressed: boolean;
  /** The reason of the suppression applied to it; null unless `suppressed` (since schema 1.7: an expired one's note was here). */
  suppressionReason: string | null;
  /**
   * Why a suppression matching it was not applied: "suppression expired on 2026-10-15, not applied
   * (<its reason>)"; null when none matched or one applies. Since schema 1.7.
   */
  suppressionNote: string | null;
}

export interface RuleError {
  ruleId: string;
  message: string;
}

export interface IntegrityReport {
  /** True when every digest and log file of the period checked out (`verdict` `verified` or `verified-in-part`). */
  ok: boolean;
  /**
   * What the check concluded, as every output says it (the Markdown's Integrity line, the HTML and PDF,
   * the terminal and `report --json`): `verified`, every digest and log file checked out and every event
   * is from a file proven intact; `verified-in-part`, the same, but `eventsUnchecked` events are from files
   * the check could not prove; `incomplete`, problems, none showing a digest or log file altered: what
   * could not be checked (a trail with no digests, a digest missing, a listing that failed) is neither
   * known to be altered nor known to be intact; `failed`, a digest or log file was shown altered, added,
   * moved or deleted, or a digest cannot be trusted (unreadable, badly signed, an unknown key: a chain
   * `invalid`). Since schema 1.5.
   */
  verdict: IntegrityVerdict;
  /** Summary lines per account and region. */
  chains: IntegrityChain[];
  /** Every problem found. */
  problems: IntegrityProblem[];
  /** Notes, e.g. that the newest digest's own signature could not be checked on a local copy. */
  notes: string[];
  /**
   * Events of the report this check could not prove: from log files it could not check
   * (`integrity` `unverified` or `no-digests`) or read another way (Athena: `integrity` null). A
   * check that passed with some is `verified-in-part`. Not the events of files that failed the
   * check (`eventsModified`, `eventsMissing`, `eventsNotCovered`): `eventsValid`, those four and
   * this one add up to the report's events (`summary.totalEvents`). Since schema 1.3.
   */
  eventsUnchecked: number;
  /** Events of the report from log files a digest whose signature verified lists with their SHA-256 (`integrity` `valid`): the events the check proved. Since schema 1.6. */
  eventsValid: number;
  /** Events from log files whose SHA-256 differs from their digest's, or with bytes after their gzip stream (`integrity` `modified`). Since schema 1.6. */
  eventsModified: number;
  /** Events from copies of log files a digest lists that the source lacks where the digest says (`integrity` `missing`). Since schema 1.6. */
  eventsMissing: number;
  /** Events from log files no trusted digest lists, in a trail that has digests (`integrity` `not-covered`): added, or delivered after their chain's last digest. Since schema 1.6. */
  eventsNotCovered: number;
}

/** `IntegrityReport.verdict`. */
export type IntegrityVerdict = 'verified' | 'verified-in-part' | 'incomplete' | 'failed';

export interface IntegrityChain {
  accountId: string;
  accountName: string | null;
  region: string;
  /**
   * Names of the trails whose digests were found, as CloudTrail names them (`org_trail`: a name may
   * contain `_`), sorted: what `aws cloudtrail get-trail-status --name` takes. Before schema 1.6,
   * `<trailName>_<homeRegion>` as the digest file names join them.
   */
  trails: string[];
  /** Each trail of `trails` with its home region, the region to ask CloudTrail about it (`get-trail-status --region`), by name then home region. Since schema 1.6. */
  trailHomeRegions: { trail: string; homeRegion: string }[];
  digestsValid: number;
  digestsInvalid: number;
  /**
   * Hours of the period (start to end; for a period not over, only the digests due by the check, an
   * hour after their window ends; not the rest of the UTC days and the late days the report reads
   * besides) in which a trail of this account and region should have a digest and has none,
   * CloudTrail writing one every hour, log files or not: digests a later digest or a hole in the
   * hourly cadence shows deleted, the hours where a chain stops and starts again (validation turned
   * off and on, or digests removed) or links across them (a digest that names the one before the
   * hole: CloudTrail never writes one, its first digest after a stop names no previous one), the
   * hours after a chain's last digest (deleted, or validation
   * stopped: the digests cannot tell which), and the period's hours when the first digest after it
   * names a previous one that is not there. Not the hours before a chain's first digest, which names
   * no previous one (the trail or its validation began then), nor those of a chain that stops before
   * the period and starts again after it, or stops for good, when every log file of the period is in
   * a digest (a warning). A digest missing in the days read beside the period is among the problems,
   * not counted here. Since schema 1.6 the hours after a chain's last digest and of a restart are
   * counted (the gaps alone showed them); since 1.7 those between digests that link across a hole.
   */
  digestsMissing: number;
  /** Digests whose own signature could not be checked (no signature available). */
  digestsUnverified: number;
  /**
   * Log files a digest whose signature verified lists with their SHA-256. This and the four counts
   * after it are the period's files, as `verify` of the period counts them: in `report --verify`,
   * those of the rest of its UTC days and the late days only as errors of the period, never valid
   * ones, nor the ones its problems set aside as warnings (delivered outside the period, they gave
   * the report no record and, delivered before it, can hold none: "outside the period", "before the
   * period"), which `verify` of the period does not look at. Since schema 1.6 those set aside are
   * not counted (they were, as not covered or unchecked); since 1.7 the valid ones (they were).
   */
  logFilesValid: number;
  /** Not as CloudTrail wrote them: a SHA-256 other than a trusted digest lists, not gzip, or bytes after their gzip stream (an event's `integrity` `modified`). */
  logFilesModified: number;
  /** Listed by a digest and not in the source (an event's `integrity` `missing`). */
  logFilesMissing: number;
  /** Listed by no trusted digest, in a trail that has digests (an event's `integrity` `not-covered`). */
  logFilesNotCovered: number;
  /** Could not be checked: in a trail with no digest at all (`no-digests`), or listed only by digests that could not be trusted, or unreadable (`unverified`). */
  logFilesUnverified: number;
  gaps: { from: string; to: string }[];
  status: 'valid' | 'invalid' | 'incomplete';
}

export interface IntegrityProblem {
  kind: string;
  /** `error` fails the check; `warning` (e.g. the newest digest's signature unavailable) does not. */
  severity: 'error' | 'warning';
  accountId: string;
  region: string;
  key: string;
  message: string;
}

// ---------------------------------------------------------------------------
// --compare: what changed since the previous period's report.
// ---------------------------------------------------------------------------

export interface FindingRef {
  id: string;
  ruleId: string;
  severity: Severity;
  title: string;
  accountId: string;
  accountName: string | null;
  resource: string;
  suppressed: boolean;
}

export interface FindingChange extends FindingRef {
  /** e.g. "severity high → critical", "now suppressed", "events 3 → 5". */
  changes: string[];
}

export interface PolicyRef {
  accountId: string;
  accountName: string | null;
  region: string;
  policyName: string;
}

/** A policy `--compare` calls new (`Comparison.policies`). */
export interface NewPolicyRef extends PolicyRef {
  /** Deleted by the end of this report's period: created and deleted within it. Since schema 1.6. */
  deleted: boolean;
}

export interface PolicyChangeRef extends PolicyRef {
  /** e.g. "default version 2 → 3", "new versions 4, 5". */
  changes: string[];
}

export interface CertificateRef {
  /** The certificate's `accountId`: null when this report does not show where it is (`CertificateLifecycle.accountId`). */
  accountId: string | null;
  accountName: string | null;
  region: string;
  certificateId: string;
  kind: 'device' | 'ca';
  status: string | null;
}

export interface CertificateChangeRef extends CertificateRef {
  previousStatus: string | null;
  /**
   * The account the previous report had it in, when that is not the account it is in now
   * (`accountId`): it was transferred, "moved to" `accountId`. The previous report's certificate of
   * the same kind, region and id is this one when it was in an account this report shows it leaving
   * (`CertificateLifecycle.accounts`), or left pending a transfer this report shows accepted; else
   * null (a certificate the previous report had in another account without this report showing it
   * move is not compared: see `Comparison.certificates`). Since schema 1.5.
   */
  movedFrom: { accountId: string; accountName: string | null } | null;
}

export interface ActorRef {
  key: string;
  label: string;
  type: string | null;
}

export interface Comparison {
  /** The report compared against. */
  previous: { title: string; generatedAt: string; schemaVersion: string; period: Period };
  /**
   * Reasons to read the comparison with care: the previous report's period is the same as this
   * one's, later, or overlaps it (it should end where this one starts, or before); and previous
   * findings absent now that are not counted as no longer reported, as nobody looked again: in accounts or
   * regions this report does not cover, in accounts of which it read no log file, or of rules that
   * failed or were disabled; and the certificates of both reports whose status is not compared, as
   * this report cannot see it (see `certificates`). Empty when none.
   */
  warnings: string[];
  /**
   * `resolved`: the previous report's findings this one does not give again, where it looked
   * ("no longer reported" in every output). Findings are about the changes of their own period,
   * so this says that the period's logs gave no such change again, not that the risk was fixed:
   * a broad policy made the default last month, and still the default, is among them.
   */
  findings: { new: FindingRef[]; resolved: FindingRef[]; changed: FindingChange[]; unchanged: number };
  /**
   * `new`: policies this period created (a CreatePolicy among its changes) that the previous report
   * did not have, or had deleted; `deleted` says whether one was deleted again by the end of the
   * period (since schema 1.6; until 1.5, "new" was any policy absent from the previous report, and
   * one created and deleted within the period was counted as deleted). `deleted`: policies that
   * existed before the period (the previous report had them, or this period did not create them)
   * and are deleted at its end. `changed`: the previous report's, with another default version or
   * new versions. A policy absent from the previous report that this period did not create is in
   * `firstSeen`.
   */
  policies: {
    new: NewPolicyRef[];
    deleted: PolicyRef[];
    changed: PolicyChangeRef[];
    /** Of `new`, those deleted by the period's end (`deleted` true). Since schema 1.6. */
    newDeleted: number;
  };
  /**
   * `new`: certificates this period created, registered or issued (a step `created`, `registered`
   * or `provisioning-claim`) that the previous report did not have (followed across a transfer: see
   * `CertificateChangeRef.movedFrom`), or had deleted (`DELETED`) and this period registered again by
   * a call the previous report did not have, as a policy deleted and created again is (since schema
   * 1.6: until 1.5, "new" was any certificate absent from the previous report, created in the period
   * or not, and one registered again after its deletion was changed); one absent from the previous report
   * and not created in the period is in `firstSeen`; `changed`: those whose status changed, or that
   * moved to another account. Certificates only failed or denied calls named (`changed` false) in
   * either report are left out. A status is compared only where this report sees it: not for one
   * whose place it does not show (`accountId` null), nor one the previous report had in another
   * account and this report does not show moving from there, nor one of which the previous report
   * holds changes made in this report's period that this one does not (overlapping periods, this
   * run narrowed by `--account`: a rejection in the receiving account left out); such a certificate
   * is neither new nor changed, and a warning names those whose statuses differ. A certificate
   * the previous report's `accounts` list in the account it is in now is that report's (unless
   * this report shows it created or registered there anew).
   */
  certificates: {
    new: CertificateRef[];
    changed: CertificateChangeRef[];
    /** Of `changed`, those that moved to another account by a transfer (`movedFrom` not null). Since schema 1.6. */
    moved: number;
  };
  actors: { new: ActorRef[]; gone: ActorRef[] };
  /**
   * Policies and certificates of this report that the previous one did not have and that this
   * period did not create (no CreatePolicy; no creation, registration or provisioning claim): they
   * existed before it, untouched in the previous report's period or outside its scope, so they are
   * not new. A policy first seen being deleted is in `policies.deleted`. Since schema 1.6.
   */
  firstSeen: { policies: PolicyRef[]; certificates: CertificateRef[] };
}
