import type { Rule, RuleHit } from './types.js';
import { clip } from './support/text.js';
import { certificateIdOf, transferTargetOf } from './support/values.js';

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
    'TransferCertificate named a target account (its `targetAwsAccount`, else the account of the response\'s `transferredCertificateArn`) that is not in the organization\'s account list nor in `trustedAccounts`. When the organization\'s accounts are unknown (no Organizations access, no accounts file), or the log names no target, the transfer is reported one level lower, saying so.',
  remediation:
    'Confirm the target account and cancel the transfer (CancelCertificateTransfer) if it is pending and not intended; revoke the certificate if it left the organization by mistake.',
  resourceKind: 'certificate',
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
      const logged = transferTargetOf(event);
      if (logged !== null && (organization.has(logged) || trusted.has(logged))) continue;
      const target = logged ?? '(target not recorded)';
      const certificateId = certificateIdOf(event) ?? '(certificate id not recorded)';
      // A target the log does not name is not known to be outside: reported one level lower, saying so.
      const where =
        logged === null
          ? 'an account the log does not name, so it could not be checked against the organization'
          : orgKnown
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
        lowerSeverityBy: orgKnown && logged !== null ? 0 : 1,
      });
    }
    return hits;
  },
};
