import type { Rule, RuleHit } from './types.js';
import { dayIn, localDateTime } from '../../collect/period.js';
import { PEM_PARAMETER, certificateIdOfPem, registeredCertificate } from './support/registered-certificate.js';
import { clip } from './support/text.js';
import { certificateIdOf } from './support/values.js';

type Params = { days: number };

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
// OpenSSL's form of a certificate's validity dates, as Node gives them: "Nov 20 00:00:00 2026 GMT".
const OPENSSL_DATE = /^([A-Z][a-z]{2}) +(\d{1,2}) (\d{2}):(\d{2}):(\d{2}) (\d{4}) GMT$/;

/** Milliseconds of an OpenSSL validity date, or NaN (read by hand: `Date.parse` of this form is not standard). */
export function opensslDateMs(text: string): number {
  const m = OPENSSL_DATE.exec(text);
  const month = m ? MONTHS.indexOf(m[1]!) : -1;
  if (!m || month < 0) return Number.NaN;
  return Date.UTC(Number(m[6]), month, Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]));
}


/**
 * A device or CA certificate registered in the period that had expired, or expires within `days`
 * of the period's end, read from the PEM the register call carries (Device Defender's expiring
 * checks judge the certificates in place; this one the ones the period brought in).
 */
export const certificateExpiring: Rule<Params> = {
  id: 'certificate-expiring',
  title: 'Certificate registered that has expired or expires soon',
  severity: 'medium',
  description:
    'RegisterCertificate, RegisterCertificateWithoutCA or RegisterCACertificate brought in a certificate (read from the PEM the call carries) that had already expired, or expires within `days` days of the period\u2019s end: devices that use it, or whose certificates it signs, stop connecting when it does. One finding per certificate; a PEM CloudTrail did not record, or that is not a certificate, is left out.',
  deviceDefenderCheck: 'DEVICE_CERTIFICATE_EXPIRING_CHECK, CA_CERTIFICATE_EXPIRING_CHECK',
  remediation:
    'Issue and register a replacement certificate before the expiry, move the devices (or, for a CA, re-sign their certificates) to it, then deactivate the old one.',
  resourceKind: 'certificate',
  defaults: { days: 30 },
  evaluate(ctx) {
    const end = Date.parse(ctx.period.end);
    const horizon = end + ctx.params.days * 86_400_000;
    // Days in the report's zone, as every other time of the report (the evidence keeps the PEM's own GMT dates).
    const zone = ctx.period.timeZone;
    const day = (ms: number) => localDateTime(ms, zone).slice(0, 10);
    // One finding per certificate where it is registered: registered again (after a deletion), it is the same finding.
    const hits = new Map<string, RuleHit>();
    for (let i = 0; i < ctx.events.length; i++) {
      const event = ctx.events[i]!;
      const register = PEM_PARAMETER.get(event.eventName);
      if (register === undefined || !event.isChange) continue;
      const certificate = registeredCertificate(event);
      if (certificate === null) continue;
      const expires = opensslDateMs(certificate.validTo);
      if (!(expires < horizon)) continue;
      const registered = Date.parse(event.eventTime);
      const kind = register.ca ? 'CA certificate' : 'certificate';
      const id = certificateIdOf(event, register.ca) ?? certificateIdOfPem(certificate);
      const key = `${event.accountId}\u0000${event.region}\u0000${id}`;
      const earlier = hits.get(key);
      if (earlier !== undefined) {
        earlier.eventIds.push(event.eventId);
        continue;
      }
      const when =
        expires <= registered
          ? `had already expired on ${day(expires)}`
          : expires < end
            ? `expired on ${day(expires)}, before the period ended`
            : `expires on ${day(expires)}, within ${ctx.params.days} days of the period\u2019s end`;
      hits.set(key, {
        accountId: event.accountId,
        region: event.region,
        resource: id,
        eventIds: [event.eventId],
        time: event.eventTime,
        description: `${clip(event.actor.label, 100)} registered ${kind} ${clip(id, 80)} on ${dayIn(event.eventTime, zone)}, which ${when}.`,
        evidence: `subject ${clip(certificate.subject.replace(/\n/g, ', '), 200)}; issuer ${clip(certificate.issuer.replace(/\n/g, ', '), 200)}; valid ${certificate.validFrom} to ${certificate.validTo}`,
        discriminator: id,
      });
    }
    // Each registration's event id is the hit's: their number is how many times it was registered.
    return [...hits.values()].map((hit) =>
      hit.eventIds.length === 1 ? hit : { ...hit, description: `${hit.description} It was registered ${hit.eventIds.length} times in the period.` },
    );
  },
};
