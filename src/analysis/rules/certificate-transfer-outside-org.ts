import type { Rule, RuleHit } from './types.js';
import { clip } from './support/text.js';
import { certificateIdOf, reqParam, str } from './support/values.js';

type Params = { trustedAccounts: string[] };

/**
 * TransferCertificate to an account that is not in the organization (nor trusted).
 * Without an organization list every transfer is reported, one level lower, saying so.
 */
export const certificateTransferOutsideOrg: Rule<Params> = {
  id: 'certificate-transfer-outside-org',
  title: 'Certificate transferred to an account outside the organization',
  severity: 'high',
  description:
    'TransferCertificate named a target account that is not in the organization\'s account list nor in `trustedAccounts`. When the organization\'s accounts are unknown (no Organizations access, no accounts file), every transfer is reported one level lower.',
  remediation:
    'Confirm the target account and cancel the transfer (CancelCertificateTransfer) if it is pending and not intended; revoke the certificate if it left the organization by mistake.',
  defaults: { trustedAccounts: [] },
  evaluate(ctx) {
    const organization = new Set(ctx.accounts.filter((a) => a.inOrganization).map((a) => a.id));
    const trusted = new Set(ctx.params.trustedAccounts);
    const orgKnown = organization.size > 0;
    const hits: RuleHit[] = [];
    const events = ctx.events;
    for (let i = 0; i < events.length; i++) {
      const event = events[i]!;
      if (!event.isChange || event.eventName !== 'TransferCertificate') continue;
      const target = str(reqParam(event, 'targetAwsAccount')) ?? '(target not recorded)';
      if (organization.has(target) || trusted.has(target)) continue;
      const certificateId = certificateIdOf(event) ?? '(certificate id not recorded)';
      const where = orgKnown
        ? 'an account outside the organization'
        : 'an account that could not be checked against the organization (its account list is unknown)';
      hits.push({
        accountId: event.accountId,
        region: event.region,
        resource: certificateId,
        eventIds: [event.eventId],
        time: event.eventTime,
        description: `${clip(event.actor.label, 100)} transferred certificate ${clip(certificateId, 80)} to ${clip(target, 40)}, ${where}.`,
        evidence: null,
        discriminator: target,
        lowerSeverityBy: orgKnown ? 0 : 1,
      });
    }
    return hits;
  },
};
