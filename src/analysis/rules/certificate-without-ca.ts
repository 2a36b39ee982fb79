import type { Rule } from './types.js';
import { hitsPerActorDay } from './support/grouping.js';
import { listWithMore, plural } from './support/text.js';
import { certificateIdOf } from './support/values.js';

/** RegisterCertificateWithoutCA: the certificate's issuer is not checked against a registered CA. */
export const certificateWithoutCa: Rule<Record<string, never>> = {
  id: 'certificate-without-ca',
  title: 'Certificate registered without a CA',
  severity: 'medium',
  description:
    'RegisterCertificateWithoutCA registered device certificates whose issuer AWS IoT does not verify against a registered CA. One finding per principal, account, region and day.',
  remediation:
    'Check that the certificates come from your own issuing process; prefer registering the issuing CA so that device certificates are verified against it.',
  resourceKind: 'principal',
  defaults: {},
  evaluate(ctx) {
    const events = ctx.events.filter((e) => e.isChange && e.eventName === 'RegisterCertificateWithoutCA');
    return hitsPerActorDay(events, ctx.period.timeZone, (group, day, _actions, who) => {
      const ids = group.map((e) => certificateIdOf(e) ?? '(id not recorded)');
      return `${who} registered ${plural(group.length, 'certificate')} without a CA on ${day}: ${listWithMore(ids, 5)}.`;
    });
  },
};
