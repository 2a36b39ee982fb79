import type { Rule } from './types.js';
import { hitsPerActorDay } from './support/grouping.js';
import { listWithMore, plural } from './support/text.js';
import { bool, certificateIdOf, reqParam } from './support/values.js';

/** DeleteCertificate with forceDelete: deleted although still attached to things or policies. */
export const certificateForceDelete: Rule<Record<string, never>> = {
  id: 'certificate-force-delete',
  title: 'Certificate force-deleted',
  severity: 'medium',
  description:
    'DeleteCertificate with forceDelete true (boolean or string) deletes a certificate even when it is still attached to things or policies, removing the trail of what it was used for. One finding per principal, account, region and day.',
  remediation: 'Confirm the deletion was planned; detach policies and things explicitly before deleting certificates.',
  resourceKind: 'principal',
  defaults: {},
  evaluate(ctx) {
    const events = ctx.events.filter(
      (e) => e.isChange && e.eventName === 'DeleteCertificate' && bool(reqParam(e, 'forceDelete')) === true,
    );
    return hitsPerActorDay(events, ctx.period.timeZone, (group, day, _actions, who) => {
      const ids = group.map((e) => certificateIdOf(e) ?? '(id not recorded)');
      return `${who} force-deleted ${plural(group.length, 'certificate')} on ${day}: ${listWithMore(ids, 5)}.`;
    });
  },
};
