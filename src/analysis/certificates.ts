import type { CertificateAccount, CertificateAction, CertificateLifecycle, IotEvent, LifecycleStep } from '../types.js';
import { parseIotArn } from '../iot/resources.js';
import { sortByString, paramBool, paramString } from './params.js';
import { transferTargetOf } from './rules/support/values.js';

// A Map, not an object: the key is log text, and `constructor` or `__proto__` must find nothing.
const STATUS_ACTION: ReadonlyMap<string, CertificateAction> = new Map([
  ['ACTIVE', 'activated'],
  ['INACTIVE', 'deactivated'],
  ['REVOKED', 'revoked'],
]);

interface StepEffect {
  action: CertificateAction;
  detail: string | null;
  /** Status after the step, when it sets one. */
  status?: string;
  thing?: { attach: boolean; name: string };
  policy?: { attach: boolean; name: string };
}

/**
 * What makes a certificate: its creation, registration, or a provisioning claim's (the claim
 * certificate it issues). Nothing was attached to it before.
 */
export const CERTIFICATE_MADE: ReadonlySet<CertificateAction> = new Set(['created', 'registered', 'provisioning-claim']);

/** The status a creation or registration gives: `status`, else ACTIVE with `setAsActive`, else INACTIVE (AWS IoT's default). */
export function initialStatus(event: IotEvent): string {
  const p = event.requestParameters;
  return paramString(p, 'status')?.toUpperCase() ?? (paramBool(p, 'setAsActive') === true ? 'ACTIVE' : 'INACTIVE');
}

/** What one successful event did to one certificate. */
function effectOf(event: IotEvent): StepEffect {
  const p = event.requestParameters;
  switch (event.eventName) {
    case 'CreateKeysAndCertificate':
    case 'CreateCertificateFromCsr': {
      const status = initialStatus(event);
      return { action: 'created', detail: status, status };
    }
    case 'RegisterCertificate':
    case 'RegisterCertificateWithoutCA':
    case 'RegisterCACertificate': {
      const status = initialStatus(event);
      const auto = paramBool(p, 'allowAutoRegistration');
      return { action: 'registered', detail: auto === true ? `${status}, auto-registration on` : status, status };
    }
    case 'UpdateCertificate':
    case 'UpdateCACertificate': {
      const newStatus = paramString(p, 'newStatus');
      const auto = paramString(p, 'newAutoRegistrationStatus');
      if (newStatus === null && auto !== null) return { action: 'auto-registration-changed', detail: `auto-registration ${auto}` };
      if (newStatus === null) return { action: 'other', detail: null };
      const detail = auto !== null ? `${newStatus}, auto-registration ${auto}` : newStatus;
      return { action: STATUS_ACTION.get(newStatus) ?? 'status-changed', detail, status: newStatus };
    }
    case 'TransferCertificate':
      return { action: 'transfer-started', detail: `to ${transferTargetOf(event) ?? 'unknown account'}`, status: 'PENDING_TRANSFER' };
    case 'AcceptCertificateTransfer': {
      const status = paramBool(p, 'setAsActive') === true ? 'ACTIVE' : 'INACTIVE';
      return { action: 'transfer-accepted', detail: `in ${event.accountId}, ${status}`, status };
    }
    case 'RejectCertificateTransfer':
      return { action: 'transfer-rejected', detail: paramString(p, 'rejectReason'), status: 'INACTIVE' };
    case 'CancelCertificateTransfer':
      return { action: 'transfer-cancelled', detail: null, status: 'INACTIVE' };
    case 'DeleteCertificate':
    case 'DeleteCACertificate':
      return { action: 'deleted', detail: paramBool(p, 'forceDelete') === true ? 'forced' : null, status: 'DELETED' };
    case 'AttachThingPrincipal':
    case 'DetachThingPrincipal': {
      const name = paramString(p, 'thingName') ?? 'unknown thing';
      const attach = event.eventName === 'AttachThingPrincipal';
      return { action: attach ? 'attached-to-thing' : 'detached-from-thing', detail: name, thing: { attach, name } };
    }
    case 'AttachPolicy':
    case 'AttachPrincipalPolicy':
    case 'DetachPolicy':
    case 'DetachPrincipalPolicy': {
      const name = paramString(p, 'policyName') ?? 'unknown policy';
      const attach = event.eventName.startsWith('Attach');
      return { action: attach ? 'policy-attached' : 'policy-detached', detail: name, policy: { attach, name } };
    }
    case 'CreateProvisioningClaim':
      return { action: 'provisioning-claim', detail: paramString(p, 'templateName') };
    default:
      return { action: 'other', detail: event.eventName };
  }
}

interface Building {
  lifecycle: CertificateLifecycle;
  things: Set<string>;
  policies: Set<string>;
  /** The key (`transferKey`) of its transfer started and not answered yet, else null. */
  transfer: string | null;
  /** That transfer's `transferredCertificateArn` as logged (its ARN in the receiving account, once accepted), else null. */
  transferArn: string | null;
  /** Merged into the certificate of a transfer accepted in the same second (`takeSameSecond`): not a certificate of its own. */
  merged?: boolean;
}

/**
 * The receiving account's calls on a certificate logged in the same second as its acceptance
 * (a script accepts, then activates and attaches), which the same-second order puts before
 * the accept (`compareEvents`), made a certificate of their own there: they go on with the
 * transferred one, after the accept. Only such calls: a certificate of that account with any
 * earlier step is its own (the same certificate registered there too).
 */
function takeSameSecond(b: Building, there: Building, second: string, pending: Map<string, Building>): void {
  const steps = there.lifecycle.steps;
  if (steps.length === 0 && there.lifecycle.failedEventIds.length === 0) return;
  for (let s = 0; s < steps.length; s++) if (steps[s]!.eventTime !== second) return;
  for (let s = 0; s < steps.length; s++) b.lifecycle.steps.push(steps[s]!);
  for (const id of there.lifecycle.failedEventIds) b.lifecycle.failedEventIds.push(id);
  for (const thing of there.things) b.things.add(thing);
  for (const policy of there.policies) b.policies.add(policy);
  if (there.lifecycle.lastKnownStatus !== null) b.lifecycle.lastKnownStatus = there.lifecycle.lastKnownStatus;
  // Its ARN logged in that second is the transferred certificate's ARN there.
  const here = currentAccount(b.lifecycle);
  for (const a of there.lifecycle.accounts) if (a.accountId === here.accountId) here.arn ??= a.arn;
  // A transfer on to another account made in that second is the transferred certificate's.
  if (there.transfer !== null) {
    b.transfer = there.transfer;
    b.transferArn = there.transferArn;
    pending.set(there.transfer, b);
    there.transfer = null;
    there.transferArn = null;
  }
  there.merged = true;
}

/** A certificate where it lives: one account and region (a transfer moves it to another account of the region). */
const placeKey = (kind: string, accountId: string, region: string, id: string) => `${kind}\u0000${accountId}\u0000${region}\u0000${id}`;
/** A device certificate's transfer to an account ('' when not logged): transfers stay within a region. */
const transferKey = (region: string, id: string, toAccount: string) => `${region}\u0000${id}\u0000${toAccount}`;

/**
 * Where `placeKey` keeps a certificate whose place this report does not show: the sender of a
 * transfer rejected in the period (RejectCertificateTransfer names no sender) whose
 * TransferCertificate is not among the events. No account id: those are log text, never a control character.
 */
const UNSEEN_SENDER_KEY = '\u0001';

/** The sender of a transfer this report does not show, in `CertificateLifecycle.accounts`. */
const senderNotShown = (): CertificateAccount => ({ accountId: null, accountName: null, arn: null });

/** The calls the receiving account answers a transfer with: they go on with the certificate of the transfer. */
const TRANSFER_ANSWERS: ReadonlySet<string> = new Set(['AcceptCertificateTransfer', 'RejectCertificateTransfer']);

/** What ends a pending transfer: its answer (by either account), or the certificate's deletion. */
const TRANSFER_ENDS: ReadonlySet<CertificateAction> = new Set(['transfer-accepted', 'transfer-rejected', 'transfer-cancelled', 'deleted']);

/** The account the certificate is in now: the last of its accounts. */
const currentAccount = (lifecycle: CertificateLifecycle): CertificateAccount => lifecycle.accounts[lifecycle.accounts.length - 1]!;

/**
 * A logged ARN when it is the certificate's in `place`: of its kind, id and region, in that
 * account; else null. ARNs are taken only as logged, never made by putting another account in
 * one (the certificate's ARN in an account whose calls never logged it is not known).
 */
function arnIn(arn: string | null, lifecycle: CertificateLifecycle, place: CertificateAccount): string | null {
  const parsed = arn === null || place.accountId === null ? null : parseIotArn(arn);
  if (parsed === null) return null;
  const type = lifecycle.kind === 'ca' ? 'caCertificate' : 'certificate';
  return parsed.type === type && parsed.id === lifecycle.certificateId && parsed.region === lifecycle.region && parsed.accountId === place.accountId ? arn : null;
}

/**
 * Every certificate (device or CA) an event of the period touched, with what the
 * period's successful changes did to it, in time order: one lifecycle per certificate,
 * account and region. A certificate's id is the hash of the certificate, so one id can live
 * in several accounts and regions at once (multi-account registration: RegisterCertificate-
 * WithoutCA, or a CA in SNI_ONLY mode), each copy with a status of its own. A transfer keeps
 * one lifecycle: the AcceptCertificateTransfer in the receiving account (same region) goes on
 * with the certificate of the pending transfer, which belongs to that account from then on
 * (its `accounts` say where it was, each step where it was made); a rejected or cancelled
 * transfer leaves it where it was. An answer to a transfer the events do not hold (made before
 * the period, or in an account `--account` left out) names no sender: an accept starts a
 * certificate in the receiving account, its `accounts` beginning with that sender (`accountId`
 * null); a rejection leaves it with the sender, so its certificate's place is not known
 * (`accountId` null, status unknown: the sender's later calls are not in view), each step in the
 * account it was made in. A cancellation is the sender's own call: in its account. ARNs are only
 * those logged (`arnIn`). One only failed or denied calls named is `changed: false` (nothing was
 * done to it: it is counted apart).
 */
export function certificateLifecycles(events: readonly IotEvent[]): CertificateLifecycle[] {
  // By kind, account, region and id (`placeKey`); and every certificate in order of first appearance.
  const byPlace = new Map<string, Building>();
  // Device certificates whose transfer started and is not answered yet, by region, id and receiving account (`transferKey`).
  const pending = new Map<string, Building>();
  const all: Building[] = [];
  // Indexed loops: these run for every event, mostly before the JIT has optimized them.
  for (let i = 0; i < events.length; i++) {
    const event = events[i]!;
    // Successful reads do not touch a certificate; failed calls are shown with it.
    if (event.errorCode === null && !event.isChange) continue;
    const resources = event.resources;
    const answersTransfer = TRANSFER_ANSWERS.has(event.eventName);
    for (let r = 0; r < resources.length; r++) {
      const resource = resources[r]!;
      if (resource.type !== 'certificate' && resource.type !== 'caCertificate') continue;
      const kind = resource.type === 'caCertificate' ? 'ca' : 'device';
      // An accept or reject is made in the receiving account: the certificate is still the sender's.
      let b =
        answersTransfer && kind === 'device'
          ? (pending.get(transferKey(event.region, resource.id, event.accountId)) ?? pending.get(transferKey(event.region, resource.id, '')))
          : undefined;
      // An answer to a transfer not among the events: its sender is not known (the record names none).
      const senderUnseen = answersTransfer && kind === 'device' && b === undefined;
      // Rejected, the certificate stays with that sender: not in the receiving account.
      const placeUnseen = senderUnseen && event.eventName === 'RejectCertificateTransfer';
      const key = placeKey(kind, placeUnseen ? UNSEEN_SENDER_KEY : event.accountId, event.region, resource.id);
      b ??= byPlace.get(key);
      if (!b) {
        const place: CertificateAccount = placeUnseen ? senderNotShown() : { accountId: event.accountId, accountName: event.accountName, arn: null };
        b = {
          lifecycle: {
            certificateId: resource.id,
            kind,
            // Set when done: whether a successful change named it.
            changed: false,
            // The ARN in the account it ends in: set from `accounts` when done.
            arn: null,
            accountId: place.accountId,
            accountName: place.accountName,
            region: event.region,
            accounts: [place],
            steps: [],
            lastKnownStatus: null,
            things: [],
            policies: [],
            // Set by a step that makes or deletes it: what was attached before is not known otherwise.
            attachmentsComplete: false,
            failedEventIds: [],
          },
          things: new Set(),
          policies: new Set(),
          transfer: null,
          transferArn: null,
        };
        byPlace.set(key, b);
        all.push(b);
      }
      const lifecycle = b.lifecycle;
      const here = currentAccount(lifecycle);
      if (here.arn === null && resource.arn !== null) here.arn = arnIn(resource.arn, lifecycle, here);
      if (event.errorCode !== null) {
        lifecycle.failedEventIds.push(event.eventId);
        continue;
      }
      const effect = effectOf(event);
      const step: LifecycleStep = {
        eventId: event.eventId,
        eventTime: event.eventTime,
        eventName: event.eventName,
        action: effect.action,
        detail: effect.detail,
        actorLabel: event.actor.label,
        accountId: event.accountId,
        accountName: event.accountName,
      };
      lifecycle.steps.push(step);
      // The status of a certificate whose place is not shown is not known: its sender's later calls are not in view.
      if (effect.status !== undefined && lifecycle.accountId !== null) lifecycle.lastKnownStatus = effect.status;
      // The ARN the answered transfer logged for the receiving account.
      let transferredArn: string | null = null;
      if (b.transfer !== null && TRANSFER_ENDS.has(effect.action)) {
        pending.delete(b.transfer);
        b.transfer = null;
        transferredArn = b.transferArn;
        b.transferArn = null;
      }
      if (effect.status === 'PENDING_TRANSFER' && kind === 'device') {
        b.transfer = transferKey(lifecycle.region, resource.id, transferTargetOf(event) ?? '');
        b.transferArn = paramString(event.responseElements, 'transferredCertificateArn');
        pending.set(b.transfer, b);
      } else if (effect.action === 'transfer-accepted' && lifecycle.accountId !== event.accountId) {
        // The certificate lives in the accepting account from now on: its later calls there find it.
        const before = placeKey(kind, lifecycle.accountId ?? UNSEEN_SENDER_KEY, lifecycle.region, resource.id);
        if (byPlace.get(before) === b) byPlace.delete(before);
        const accepting: CertificateAccount = { accountId: event.accountId, accountName: event.accountName, arn: null };
        accepting.arn = arnIn(transferredArn, lifecycle, accepting);
        lifecycle.accounts.push(accepting);
        lifecycle.accountId = event.accountId;
        lifecycle.accountName = event.accountName;
        const there = byPlace.get(key);
        if (there !== undefined && there !== b) takeSameSecond(b, there, event.eventTime, pending);
        byPlace.set(key, b);
      } else if (effect.action === 'transfer-accepted' && senderUnseen) {
        // Accepted from a sender not shown: the certificate was there before, then in this account.
        lifecycle.accounts.splice(lifecycle.accounts.length - 1, 0, senderNotShown());
      } else if (effect.action === 'deleted') {
        // AWS IoT deletes a certificate only once no thing or policy is attached (forceDelete detaches the policies).
        b.things.clear();
        b.policies.clear();
        lifecycle.attachmentsComplete = true;
      }
      // Nothing was attached to a certificate before it was made: every attachment from here on is in the period.
      if (CERTIFICATE_MADE.has(effect.action)) lifecycle.attachmentsComplete = true;
      if (effect.thing) {
        if (effect.thing.attach) b.things.add(effect.thing.name);
        else b.things.delete(effect.thing.name);
      }
      if (effect.policy) {
        if (effect.policy.attach) b.policies.add(effect.policy.name);
        else b.policies.delete(effect.policy.name);
      }
    }
  }
  // The lifecycles are this function's own objects: completed in place rather than copied.
  const out = all.filter((b) => b.merged !== true).map(({ lifecycle, things, policies }) => {
    // Trimmed to its length: grown by push, a certificate's few steps had room for 16 (a
    // month of provisioning has a certificate for nearly every event).
    lifecycle.steps = lifecycle.steps.slice();
    lifecycle.changed = lifecycle.steps.length > 0;
    lifecycle.arn = currentAccount(lifecycle).arn;
    lifecycle.things = [...things].sort();
    lifecycle.policies = [...policies].sort();
    return lifecycle;
  });
  // First change first; certificates with only failures or reads after, by id (then account and region: one id lives in several).
  const firstTime = (c: CertificateLifecycle) => c.steps[0]?.eventTime ?? '\uffff';
  return sortByString(out, (c) => `${firstTime(c)}\u0000${c.kind}\u0000${c.certificateId}\u0000${c.accountId ?? ''}\u0000${c.region}`);
}
