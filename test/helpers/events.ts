/**
 * Builders of report-model objects for tests: an IotEvent with sensible defaults
 * (a successful change by a CI role on 2026-10-05, a Monday, 10:00 UTC), actors,
 * accounts, a period, and a rule context.
 */
import type { AccountCoverage, AccountInfo, Actor, Category, Finding, IotEvent, Period, PolicyHistory, ReportModel } from '../../src/report/model.js';
import { SCHEMA_VERSION } from '../../src/report/model.js';
import type { AuditConfig } from '../../src/config/types.js';
import { defaultConfig } from '../../src/config/load.js';
import type { Rule, RuleContext, RuleHit } from '../../src/analysis/rules/types.js';
import { knownPolicyVersions, type KnownPolicyVersion } from '../../src/analysis/rules/support/policy-versions.js';
import { resolveParams } from '../../src/analysis/findings.js';
import { RULES } from '../../src/analysis/rules/index.js';
import { accountsNotInOrganization, coveredIds } from '../../src/analysis/coverage.js';
import { policyHistories } from '../../src/analysis/policies.js';

export const ACCOUNT = '111111111111';
export const OTHER_ACCOUNT = '222222222222';
export const REGION = 'eu-west-1';

let counter = 0;

/** Restarts automatic event ids (`e-0001`...) so a test's ids do not depend on earlier tests. */
export function resetEventIds(): void {
  counter = 0;
}

export function actor(init: Partial<Actor> = {}): Actor {
  const type = init.type === undefined ? 'AssumedRole' : init.type;
  const arn = init.arn === undefined ? `arn:aws:sts::${ACCOUNT}:assumed-role/ci-deploy/pipeline-1` : init.arn;
  const sessionIssuerArn =
    init.sessionIssuerArn === undefined ? (type === 'AssumedRole' ? `arn:aws:iam::${ACCOUNT}:role/ci-deploy` : null) : init.sessionIssuerArn;
  return {
    principalId: init.principalId ?? null,
    accountId: init.accountId ?? ACCOUNT,
    userName: init.userName ?? null,
    sessionName: init.sessionName ?? null,
    mfaAuthenticated: init.mfaAuthenticated ?? null,
    invokedBy: init.invokedBy ?? null,
    accessKeyId: init.accessKeyId ?? null,
    type,
    arn,
    sessionIssuerArn,
    sessionIssuerType: init.sessionIssuerType !== undefined ? init.sessionIssuerType : sessionIssuerArn !== null && type === 'AssumedRole' ? 'Role' : null,
    key: init.key ?? sessionIssuerArn ?? arn ?? String(type),
    label: init.label ?? arn ?? String(type),
  };
}

export const actors = {
  ci: () => actor(),
  root: (account = ACCOUNT) => actor({ type: 'Root', arn: `arn:aws:iam::${account}:root`, sessionIssuerArn: null, label: 'root' }),
  iamUser: (name: string, init: Partial<Actor> = {}) =>
    actor({ type: 'IAMUser', arn: `arn:aws:iam::${ACCOUNT}:user/${name}`, sessionIssuerArn: null, userName: name, ...init }),
  role: (role: string, session = 'session', init: Partial<Actor> = {}) =>
    actor({
      type: 'AssumedRole',
      arn: `arn:aws:sts::${ACCOUNT}:assumed-role/${role}/${session}`,
      sessionIssuerArn: `arn:aws:iam::${ACCOUNT}:role/${role}`,
      sessionName: session,
      ...init,
    }),
  sso: (permissionSet: string, user: string, init: Partial<Actor> = {}) =>
    actor({
      type: 'AssumedRole',
      arn: `arn:aws:sts::${ACCOUNT}:assumed-role/AWSReservedSSO_${permissionSet}_0123456789abcdef/${user}`,
      sessionIssuerArn: `arn:aws:iam::${ACCOUNT}:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_${permissionSet}_0123456789abcdef`,
      sessionName: user,
      ...init,
    }),
};

function categoryOf(eventName: string): Category {
  if (/Polic/.test(eventName)) return 'policy';
  if (/Certificate|ThingPrincipal|ProvisioningClaim/.test(eventName)) return 'certificate';
  return 'other';
}

export type EventInit = Partial<Omit<IotEvent, 'actor'>> & { actor?: Actor };

export function iotEvent(init: EventInit = {}): IotEvent {
  counter++;
  const eventName = init.eventName ?? 'UpdateCertificate';
  const readOnly = init.readOnly ?? /^(List|Describe|Get)/.test(eventName);
  const errorCode = init.errorCode ?? null;
  return {
    eventId: `e-${String(counter).padStart(4, '0')}`,
    eventTime: '2026-10-05T10:00:00Z',
    accountId: ACCOUNT,
    accountName: null,
    region: REGION,
    category: categoryOf(eventName),
    readOnly,
    isChange: !readOnly && errorCode === null,
    errorMessage: null,
    eventType: 'AwsApiCall',
    sourceIp: '203.0.113.10',
    userAgent: 'aws-cli/2.15.0 Python/3.11.6 Linux/6.1',
    resources: [],
    requestParameters: {},
    responseElements: null,
    sessionCredentialFromConsole: null,
    requestId: null,
    sourceFile: 'AWSLogs/test.json',
    recordShape: 'canonical',
    integrity: null,
    ...init,
    actor: init.actor ?? actor(),
    eventName,
    errorCode,
  };
}

/** Events with ids and times in the order given: `at` minutes after `start`. */
export function timeline(start: string, items: (EventInit & { at?: number })[]): IotEvent[] {
  const base = Date.parse(start);
  return items.map(({ at = 0, ...init }) => iotEvent({ eventTime: new Date(base + at * 60_000).toISOString().replace('.000Z', 'Z'), ...init }));
}

export function period(init: Partial<Period> = {}): Period {
  return {
    start: '2026-10-01T00:00:00Z',
    end: '2026-11-01T00:00:00Z',
    timeZone: 'UTC',
    month: '2026-10',
    label: 'October 2026 (UTC)',
    ...init,
  };
}

export function account(id: string, init: Partial<AccountInfo> = {}): AccountInfo {
  return { id, name: `account-${id.slice(0, 4)}`, email: null, state: 'ACTIVE', ouPath: null, inOrganization: true, hasLogs: true, tags: {}, ...init };
}

/** An IoT policy document as CloudTrail logs it: JSON in a string. */
export function policyDocument(...statements: object[]): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: statements });
}

export interface RunOptions {
  accounts?: AccountInfo[];
  policies?: PolicyHistory[];
  period?: Period;
  config?: Partial<AuditConfig>;
  params?: Record<string, unknown>;
}

export function ruleContext(rule: Rule, events: IotEvent[], options: RunOptions = {}): RuleContext {
  const config: AuditConfig = { ...defaultConfig(), ...options.config };
  // The policies' analysis of the events, as the runner hands it over (`policy-document-unchecked` reads it).
  const policies = options.policies ?? policyHistories(events);
  let versions: readonly KnownPolicyVersion[] | undefined;
  return {
    events,
    certificates: [],
    policies,
    accounts: options.accounts ?? [account(ACCOUNT)],
    period: options.period ?? period(),
    params: resolveParams(rule, { ...config.rules[rule.id], ...options.params }),
    config,
    policyVersions: () => (versions ??= knownPolicyVersions(events, policies)),
  };
}

/** Runs one rule on events the way the runner does (defaults + settings). */
export function runRule(rule: Rule, events: IotEvent[], options: RunOptions = {}): RuleHit[] {
  return rule.evaluate(ruleContext(rule, events, options));
}

/**
 * A minimal, consistent report model; tests override what they look at. Without a `coverage`
 * given, its `accountsCovered` and `accountsNotInOrganization` are of the accounts and filters given, as coverage works them out.
 */
export function reportModel(init: Partial<ReportModel> = {}): ReportModel {
  const model: ReportModel = {
    schemaVersion: SCHEMA_VERSION,
    tool: { name: 'iot-audit', version: '0.1.0' },
    generatedAt: '2026-11-01T08:00:00Z',
    title: 'AWS IoT audit report, October 2026',
    organization: { id: 'o-abc1234567', managementAccountId: null, accountsFrom: 'accounts-file', accountsNote: null },
    period: period(),
    sources: [],
    filters: { accounts: [], regions: [] },
    accounts: [account(ACCOUNT)],
    summary: {
      totalEvents: 0,
      changes: 0,
      reads: 0,
      failedAttempts: 0,
      deniedAttempts: 0,
      changesByCategory: [
        { category: 'certificate', count: 0 },
        { category: 'policy', count: 0 },
        { category: 'other', count: 0 },
      ],
      changesByAction: [],
      byAccount: [],
      byOu: [],
      byRegion: [],
      byDay: [],
      findingsBySeverity: [],
    },
    findings: [],
    ruleErrors: [],
    certificates: [],
    policies: [],
    actors: [],
    denied: [],
    coverage: {
      accountsCovered: { total: 1, notInOrganization: 0 },
      accountsWithoutLogs: [],
      accountsNotRead: [],
      accountsNotInOrganization: [],
      unreadableFiles: [],
      sourceProblems: [],
      filesRead: 0,
      filesReadable: 0,
      bytesRead: 0,
      recordsRead: 0,
      athena: null,
      iotRecords: 0,
      duplicatesDropped: 0,
      iotRecordsWithoutTime: { count: 0, examples: [] },
      iotRecordsWithoutName: { count: 0, examples: [] },
      daysRead: null,
      late: { files: 0, athenaPartitions: 0, days: [] },
      perAccount: [],
    },
    integrity: null,
    findingNotes: [],
    comparison: null,
    events: [],
    ...init,
  };
  if (init.coverage === undefined) {
    const organizationKnown = model.organization.accountsFrom !== 'logs';
    model.coverage.accountsNotInOrganization = accountsNotInOrganization(model.accounts, organizationKnown, model.filters.accounts);
    model.coverage.accountsCovered = { total: coveredIds(model.accounts, model.filters.accounts).length, notInOrganization: model.coverage.accountsNotInOrganization.length };
  }
  return model;
}

export function finding(init: Partial<Finding> = {}): Finding {
  return {
    id: 'rule:111111111111:eu-west-1:res',
    ruleId: 'rule',
    severity: 'high',
    title: 'A title',
    description: 'What happened.',
    remediation: 'Fix it.',
    accountId: ACCOUNT,
    accountName: 'Production',
    region: REGION,
    regions: [init.region ?? REGION],
    resource: 'res',
    eventIds: ['e-0001'],
    time: '2026-10-05T10:00:00Z',
    evidence: null,
    suppressed: false,
    suppressionReason: null,
    suppressionNote: null,
    ...init,
    // As the rule of that id declares it (a made-up rule id: the caller, as most rules' findings are).
    resourceKind: init.resourceKind ?? RULES[init.ruleId ?? '']?.resourceKind ?? 'principal',
  };
}

/** `coverage.perAccount` of a run that read a log file in each of these accounts and regions. */
export function readIn(places: readonly (readonly [account: string, region: string])[]): AccountCoverage[] {
  const accounts = [...new Set(places.map(([account]) => account))].sort();
  return accounts.map((accountId) => ({
    accountId,
    accountName: null,
    inOrganization: true,
    files: places.filter(([a]) => a === accountId).length,
    athenaPartitions: 0,
    regions: places.filter(([a]) => a === accountId).map(([, region]) => ({ region, files: 1, athenaPartitions: 0, days: ['2026-10-01'], late: { files: 0, athenaPartitions: 0, days: [] } })),
    days: ['2026-10-01'],
    late: { files: 0, athenaPartitions: 0, days: [] },
  }));
}
