import type { Rule } from './types.js';
import { versionDiscriminator, versionLabel } from './support/policy-versions.js';
import { clip } from './support/text.js';

/**
 * A policy version created in the period whose document could not be judged: CloudTrail
 * did not record it (request parameters over its size limit; padding a document is a
 * known way to hide it) or it could not be read. Never reported as an empty policy.
 */
export const policyDocumentUnchecked: Rule<Record<string, never>> = {
  id: 'policy-document-unchecked',
  title: 'Policy document could not be checked',
  severity: 'low',
  description:
    'A policy version was created, but CloudTrail did not record its document (request parameters too large) or the logged document is not readable JSON, so the policy rules could not judge it.',
  remediation:
    'Review the version with `aws iot get-policy-version`; a document padded past CloudTrail\'s size limit hides its content from the audit trail.',
  resourceKind: 'policy',
  defaults: {},
  evaluate(ctx) {
    return ctx.policyVersions()
      .filter((v) => v.created !== null && v.reading.status !== 'ok')
      .map((v) => {
        const reason = v.reading.status === 'ok' ? '' : v.reading.reason;
        const recorded = v.reading.status === 'not-recorded' ? 'was not recorded' : 'could not be read';
        return {
          accountId: v.accountId,
          region: v.region,
          resource: v.policyName,
          eventIds: v.events.map((e) => e.eventId),
          time: v.events[0]!.eventTime,
          description: `The document of policy "${clip(v.policyName, 100)}" ${versionLabel(v)} ${recorded} (${reason}); it was not checked.`,
          evidence: null,
          discriminator: versionDiscriminator(v),
        };
      });
  },
};
