import type { Rule, RuleHit } from './types.js';
import { clip, compactTime } from './support/text.js';
import { bool, certificateIdOf, reqParam, str } from './support/values.js';

/** A CA certificate registered with auto-registration on, or switched to it. */
export const caAutoRegistration: Rule<Record<string, never>> = {
  id: 'ca-auto-registration',
  title: 'CA certificate registered or updated with auto-registration on',
  severity: 'medium',
  description:
    'RegisterCACertificate with allowAutoRegistration true, or UpdateCACertificate with newAutoRegistrationStatus ENABLE: any device certificate signed by this CA is registered automatically when it first connects.',
  remediation:
    'Make sure the CA\'s private key is controlled and that a registration template or Lambda hook limits what auto-registered certificates can do; disable auto-registration when it is not needed.',
  resourceKind: 'certificate',
  defaults: {},
  evaluate(ctx) {
    const hits: RuleHit[] = [];
    const events = ctx.events;
    for (let i = 0; i < events.length; i++) {
      const event = events[i]!;
      if (!event.isChange) continue;
      let how: string | null = null;
      if (event.eventName === 'RegisterCACertificate' && bool(reqParam(event, 'allowAutoRegistration')) === true) {
        how = 'registered with auto-registration on';
      } else if (
        event.eventName === 'UpdateCACertificate' &&
        str(reqParam(event, 'newAutoRegistrationStatus'))?.toUpperCase() === 'ENABLE'
      ) {
        how = 'switched to auto-registration';
      }
      if (!how) continue;
      const caId = certificateIdOf(event, true) ?? '(CA certificate id not recorded)';
      const template = str(reqParam(event, 'registrationConfig', 'templateName'));
      hits.push({
        accountId: event.accountId,
        region: event.region,
        resource: caId,
        eventIds: [event.eventId],
        time: event.eventTime,
        description: `CA certificate ${clip(caId, 80)} was ${how} by ${clip(event.actor.label, 100)}${template ? ` (registration template "${clip(template, 80)}")` : ''}.`,
        evidence: null,
        discriminator: compactTime(event.eventTime),
      });
    }
    return hits;
  },
};
