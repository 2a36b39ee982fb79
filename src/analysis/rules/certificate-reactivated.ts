import { localStamp } from './support/grouping.js';
import type { IotEvent } from '../../report/model.js';
import type { Rule, RuleHit } from './types.js';
import { clip, compactTime } from './support/text.js';
import { initialStatus } from '../certificates.js';
import { PEM_PARAMETER, certificateIdOfPem, registeredCertificate } from './support/registered-certificate.js';
import { certificateIdOf, reqParam, str } from './support/values.js';

interface StatusSet {
  status: string;
  event: IotEvent;
  /** The deletion since, when the certificate was deleted after `event`. */
  deleted?: IotEvent;
  /** The registration of the same certificate after `deleted`, not active. */
  registeredAgain?: IotEvent;
}

const DEACTIVATED = new Set(['INACTIVE', 'REVOKED']);

const STATUS_CALLS = new Set(['UpdateCertificate', 'UpdateCACertificate', 'DeleteCertificate', 'DeleteCACertificate']);

/** A registration whose response was not logged: the id is the hash of the certificate it carries (parsed only then). */
function idOfCarried(event: IotEvent): string | null {
  const certificate = registeredCertificate(event);
  return certificate === null ? null : certificateIdOfPem(certificate);
}

/**
 * A certificate (device or CA) explicitly set INACTIVE or REVOKED in the period and then
 * set ACTIVE again, by UpdateCertificate, or by deleting it and registering the same
 * certificate again (which a revocation does not prevent). First activations (a
 * certificate created inactive) are not reactivations.
 */
export const certificateReactivated: Rule<Record<string, never>> = {
  id: 'certificate-reactivated',
  title: 'Certificate revoked or deactivated, then reactivated',
  severity: 'high',
  description:
    'UpdateCertificate / UpdateCACertificate set a certificate ACTIVE after an earlier call in the period set it INACTIVE or REVOKED, or the certificate was deleted and the same certificate registered again ACTIVE. After REVOKED: high; after INACTIVE: one level lower.',
  remediation:
    'Confirm why the certificate was disabled and who approved its reactivation; if it was disabled because it was compromised, revoke it again and rotate the device certificate.',
  resourceKind: 'certificate',
  defaults: {},
  evaluate(ctx) {
    const last = new Map<string, StatusSet>();
    const hits: RuleHit[] = [];
    const events = ctx.events;
    for (let i = 0; i < events.length; i++) {
      const event = events[i]!;
      if (!event.isChange) continue;
      // A registration puts back a certificate whose id (its hash) may have been seen: the same PEM gives the same id.
      const register = PEM_PARAMETER.get(event.eventName);
      const registered = register !== undefined;
      if (!registered && !STATUS_CALLS.has(event.eventName)) continue;
      const ca = register?.ca ?? (event.eventName === 'UpdateCACertificate' || event.eventName === 'DeleteCACertificate');
      const certificateId = certificateIdOf(event, ca) ?? (registered ? idOfCarried(event) : null);
      if (!certificateId) continue;
      const key = JSON.stringify([ca, event.accountId, event.region, certificateId]);
      const seen = last.get(key);
      // After a deletion, the same id again is the certificate registered again; another
      // call on it (its registration unlogged) starts afresh.
      const previous = seen?.deleted !== undefined && seen.registeredAgain === undefined && !registered && !event.eventName.startsWith('Delete') ? undefined : seen;
      if (event.eventName.startsWith('Delete')) {
        // Its last status is kept: the same certificate registered again is the same one.
        if (previous) previous.deleted = event;
        continue;
      }
      const status = registered ? initialStatus(event) : str(reqParam(event, 'newStatus'))?.toUpperCase();
      if (!status) continue;
      const disabled = previous !== undefined && DEACTIVATED.has(previous.status);
      if (registered && !disabled) {
        // A first registration is where a certificate starts: activating one registered inactive
        // is no reactivation; one registered REVOKED (a status RegisterCertificate takes) is.
        if (status === 'REVOKED') last.set(key, { status, event });
        else last.delete(key);
        continue;
      }
      // Registered again but not active: still the certificate that was disabled, until it is activated.
      if (registered && status !== 'ACTIVE') previous!.registeredAgain = event;
      else last.set(key, { status, event });
      if (status !== 'ACTIVE' || !disabled) continue;
      const kind = ca ? 'CA certificate' : 'Certificate';
      const at = (e: IotEvent) => `at ${localStamp(e.eventTime, ctx.period.timeZone)} by ${clip(e.actor.label, 100)}`;
      const again =
        previous.deleted === undefined ? 'then ACTIVE again'
        : previous.registeredAgain === undefined ? `deleted ${at(previous.deleted)}, then registered again ACTIVE`
        : `deleted ${at(previous.deleted)}, registered again ${at(previous.registeredAgain)}, then set ACTIVE`;
      hits.push({
        accountId: event.accountId,
        region: event.region,
        resource: certificateId,
        eventIds: [previous.event, previous.deleted, previous.registeredAgain, event].flatMap((e) => (e !== undefined ? [e.eventId] : [])),
        time: previous.event.eventTime,
        description: `${kind} ${clip(certificateId, 80)} was set ${previous.status} ${at(previous.event)}, ${again} ${at(event)}.`,
        evidence: null,
        discriminator: compactTime(event.eventTime),
        lowerSeverityBy: previous.status === 'REVOKED' ? 0 : 1,
      });
    }
    return hits;
  },
};
