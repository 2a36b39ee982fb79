import { lastLineBreak } from '../../cloudtrail/identity.js';
import type { Rule, RuleHit } from './types.js';
import { matchesAnyGlob } from './support/glob.js';
import { clip, compactTime } from './support/text.js';
import { num, reqParam, resourceId, str } from './support/values.js';

type Params = { rolePatterns: string[]; maxCredentialDurationSeconds: number };

const ROLE = ':role/';

/**
 * The role name in a role ARN, or the whole ARN when it has none: what
 * `/:role\/(?:.*\/)?([^/]+)$/` finds, in one pass. The expression takes time quadratic in the
 * ARN's length when it repeats `:role/` (a forged 160 KB roleArn: ~6 s). Whichever `:role/` it
 * starts at, the name it takes is what follows the last `/`, so it matches when that is not
 * empty and some `:role/` has no line break (which `.` does not match) between it and that `/`.
 */
function roleNameOf(arn: string): string {
  const lastSlash = arn.lastIndexOf('/');
  if (lastSlash === arn.length - 1) return arn;
  const role = arn.lastIndexOf(ROLE);
  return role !== -1 && lastLineBreak(arn.slice(0, lastSlash)) < role ? arn.slice(lastSlash + 1) : arn;
}

/**
 * CreateRoleAlias / UpdateRoleAlias pointing devices at a role whose name suggests broad
 * permissions, or handing out credentials for longer than allowed. The event shows only
 * the role's ARN, not its policies: names are the evidence available.
 */
export const roleAliasBroadRole: Rule<Params> = {
  id: 'role-alias-broad-role',
  title: 'Role alias pointing to a broad role',
  severity: 'high',
  description:
    'CreateRoleAlias or UpdateRoleAlias set a roleArn whose role name matches `rolePatterns` (case-insensitive globs for admin-like roles), or a credentialDurationSeconds above `maxCredentialDurationSeconds` (reported one level lower when that is the only problem). Devices using the alias get that role\'s credentials.',
  deviceDefenderCheck: 'IOT_ROLE_ALIAS_OVERLY_PERMISSIVE_CHECK',
  remediation: 'Point the role alias at a dedicated role with only the permissions devices need, and keep credential durations short.',
  resourceKind: 'role-alias',
  defaults: {
    rolePatterns: ['*Admin*', '*FullAccess*', '*PowerUser*', 'OrganizationAccountAccessRole', 'AWSReservedSSO_*'],
    maxCredentialDurationSeconds: 3600,
  },
  evaluate(ctx) {
    const hits: RuleHit[] = [];
    const events = ctx.events;
    for (let i = 0; i < events.length; i++) {
      const event = events[i]!;
      if (!event.isChange || (event.eventName !== 'CreateRoleAlias' && event.eventName !== 'UpdateRoleAlias')) continue;
      const alias = str(reqParam(event, 'roleAlias')) ?? resourceId(event, 'roleAlias') ?? '(role alias not recorded)';
      const roleArn = str(reqParam(event, 'roleArn'));
      const duration = num(reqParam(event, 'credentialDurationSeconds'));
      const problems: string[] = [];
      const broadRole = roleArn !== null && matchesAnyGlob(ctx.params.rolePatterns, roleNameOf(roleArn), true);
      if (broadRole) problems.push(`points to role ${clip(roleArn, 150)}, whose name suggests broad permissions`);
      if (duration !== null && duration > ctx.params.maxCredentialDurationSeconds) {
        problems.push(`hands out credentials for ${duration} s (more than ${ctx.params.maxCredentialDurationSeconds} s)`);
      }
      if (problems.length === 0) continue;
      hits.push({
        accountId: event.accountId,
        region: event.region,
        resource: alias,
        eventIds: [event.eventId],
        time: event.eventTime,
        description: `${clip(event.actor.label, 100)} ${event.eventName === 'CreateRoleAlias' ? 'created' : 'updated'} role alias ${clip(alias, 100)}, which ${problems.join(' and ')}.`,
        evidence: roleArn ? `roleArn: ${clip(roleArn, 300)}` : null,
        discriminator: compactTime(event.eventTime),
        lowerSeverityBy: broadRole ? 0 : 1,
      });
    }
    return hits;
  },
};
