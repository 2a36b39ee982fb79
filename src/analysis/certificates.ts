import type { CertificateAction, CertificateLifecycle, IotEvent, LifecycleStep } from '../types.js';
import { sortByString, paramBool, paramString } from './params.js';

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

function initialStatus(event: IotEvent): string {
  const p = event.requestParameters;
  return paramString(p, 'status') ?? (paramBool(p, 'setAsActive') === true ? 'ACTIVE' : 'INACTIVE');
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
      return { action: 'transfer-started', detail: `to ${paramString(p, 'targetAwsAccount') ?? 'unknown account'}`, status: 'PENDING_TRANSFER' };
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
}

/**
 * Every certificate (device or CA) an event of the period touched, with what the
 * period's successful changes did to it, in time order. Certificate ids are unique
 * across accounts, so a transferred certificate keeps one lifecycle.
 */
export function certificateLifecycles(events: readonly IotEvent[]): CertificateLifecycle[] {
  // By kind, then id; and every certificate in order of first appearance.
  const byId = { device: new Map<string, Building>(), ca: new Map<string, Building>() };
  const all: Building[] = [];
  // Indexed loops: these run for every event, mostly before the JIT has optimized them.
  for (let i = 0; i < events.length; i++) {
    const event = events[i]!;
    // Successful reads do not touch a certificate; failed calls are shown with it.
    if (event.errorCode === null && !event.isChange) continue;
    const resources = event.resources;
    for (let r = 0; r < resources.length; r++) {
      const resource = resources[r]!;
      if (resource.type !== 'certificate' && resource.type !== 'caCertificate') continue;
      const kind = resource.type === 'caCertificate' ? 'ca' : 'device';
      let b = byId[kind].get(resource.id);
      if (!b) {
        b = {
          lifecycle: {
            certificateId: resource.id,
            kind,
            arn: resource.arn,
            accountId: event.accountId,
            accountName: event.accountName,
            region: event.region,
            steps: [],
            lastKnownStatus: null,
            things: [],
            policies: [],
            failedEventIds: [],
          },
          things: new Set(),
          policies: new Set(),
        };
        byId[kind].set(resource.id, b);
        all.push(b);
      }
      if (b.lifecycle.arn === null && resource.arn !== null) b.lifecycle.arn = resource.arn;
      if (event.errorCode !== null) {
        b.lifecycle.failedEventIds.push(event.eventId);
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
      };
      b.lifecycle.steps.push(step);
      if (effect.status !== undefined) b.lifecycle.lastKnownStatus = effect.status;
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
  const out = all.map(({ lifecycle, things, policies }) => {
    // Trimmed to its length: grown by push, a certificate's few steps had room for 16 (a
    // month of provisioning has a certificate for nearly every event).
    lifecycle.steps = lifecycle.steps.slice();
    lifecycle.things = [...things].sort();
    lifecycle.policies = [...policies].sort();
    return lifecycle;
  });
  // First change first; certificates with only failures or reads after, by id.
  const firstTime = (c: CertificateLifecycle) => c.steps[0]?.eventTime ?? '\uffff';
  return sortByString(out, (c) => `${firstTime(c)}\u0000${c.kind}\u0000${c.certificateId}`);
}
