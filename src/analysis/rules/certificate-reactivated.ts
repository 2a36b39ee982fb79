import type { IotEvent } from '../../report/model.js';
import type { Rule, RuleHit } from './types.js';
import { clip, compactTime } from './support/text.js';
import { certificateIdOf, reqParam, str } from './support/values.js';

interface StatusSet {
  status: string;
  event: IotEvent;
}

const DEACTIVATED = new Set(['INACTIVE', 'REVOKED']);

const STATUS_CALLS = new Set(['UpdateCertificate', 'UpdateCACertificate', 'DeleteCertificate', 'DeleteCACertificate']);

/**
 * A certificate (device or CA) explicitly set INACTIVE or REVOKED in the period and then
 * set ACTIVE again. First activations (a certificate created inactive) are not reactivations.
 */
export const certificateReactivated: Rule<Record<string, never>> = {
  id: 'certificate-reactivated',
  title: 'Certificate revoked or deactivated, then reactivated',
  severity: 'high',
  description:
    'UpdateCertificate / UpdateCACertificate set a certificate ACTIVE after an earlier call in the period set it INACTIVE or REVOKED. After REVOKED: high; after INACTIVE: one level lower.',
  remediation:
    'Confirm why the certificate was disabled and who approved its reactivation; if it was disabled because it was compromised, revoke it again and rotate the device certificate.',
  defaults: {},
  evaluate(ctx) {
    const last = new Map<string, StatusSet>();
    const hits: RuleHit[] = [];
    const events = ctx.events;
    for (let i = 0; i < events.length; i++) {
      const event = events[i]!;
      if (!event.isChange || !STATUS_CALLS.has(event.eventName)) continue;
      const ca = event.eventName === 'UpdateCACertificate' || event.eventName === 'DeleteCACertificate';
      const certificateId = certificateIdOf(event, ca);
      if (!certificateId) continue;
      const key = JSON.stringify([ca, event.accountId, event.region, certificateId]);
      if (event.eventName.startsWith('Delete')) {
        last.delete(key);
        continue;
      }
      const status = str(reqParam(event, 'newStatus'))?.toUpperCase();
      if (!status) continue;
      const previous = last.get(key);
      last.set(key, { status, event });
      if (status !== 'ACTIVE' || !previous || !DEACTIVATED.has(previous.status)) continue;
      const kind = ca ? 'CA certificate' : 'Certificate';
      hits.push({
        accountId: event.accountId,
        region: event.region,
        resource: certificateId,
        eventIds: [previous.event.eventId, event.eventId],
        time: previous.event.eventTime,
        description: `${kind} ${clip(certificateId, 80)} was set ${previous.status} at ${previous.event.eventTime} by ${clip(previous.event.actor.label, 100)}, then ACTIVE again at ${event.eventTime} by ${clip(event.actor.label, 100)}.`,
        evidence: null,
        discriminator: compactTime(event.eventTime),
        lowerSeverityBy: previous.status === 'REVOKED' ? 0 : 1,
      });
    }
    return hits;
  },
};
