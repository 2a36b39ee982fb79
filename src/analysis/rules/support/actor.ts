/**
 * Who made a call, as far as a CloudTrail record can tell: console use and the
 * "is this a human?" heuristic used by the MFA rule.
 */
import type { IotEvent } from '../../../report/model.js';
import { matchesAnyGlob } from './glob.js';
import { BoundedMemo } from '../../../memo.js';

// The event may carry `sessionCredentialFromConsole` once the model has it; read it defensively.

// Console-made calls carry the console's own user agent, or a browser's for some services.
const CONSOLE_AGENT = /(^|[\s[(,])(console\.amazonaws\.com|signin\.amazonaws\.com|console\.aws\.amazon\.com)\b|^Mozilla\//i;

/** Why the event looks console-made, or null. */
export function consoleSignal(event: IotEvent): string | null {
  if (event.eventType === 'AwsConsoleAction') return 'a console action';
  if (event.sessionCredentialFromConsole === true) return 'session credentials from the console';
  if (event.userAgent && isConsoleAgent(event.userAgent)) return 'the console user agent';
  return null;
}

// A month's calls come from a handful of user agents, each seen thousands of times.
const consoleAgents = new BoundedMemo<string, boolean>(10_000);

const testConsoleAgent = (userAgent: string) => CONSOLE_AGENT.test(userAgent);

function isConsoleAgent(userAgent: string): boolean {
  return consoleAgents.get(userAgent, testConsoleAgent);
}

export interface HumanVerdict {
  human: boolean;
  /** Signed in through an identity provider (IAM Identity Center, SAML): MFA there is invisible to CloudTrail. */
  federated: boolean;
  reason: string;
}

const NOT_HUMAN: HumanVerdict = { human: false, federated: false, reason: '' };

function roleName(arn: string | null): string {
  if (!arn) return '';
  const slash = arn.lastIndexOf('/');
  return slash >= 0 ? arn.slice(slash + 1) : arn;
}

/**
 * Heuristic, documented in the rule: a session is human when it is the root user, an
 * Identity Center or SAML user, an IAM Identity Center role (`AWSReservedSSO_*`), a role
 * matching `humanRolePatterns`, an IAM user on temporary (`ASIA…`) credentials, or any
 * principal whose call shows console use. Long-term IAM user keys (`AKIA…`) and other
 * role sessions are treated as automation.
 */
export function humanVerdict(event: IotEvent, humanRolePatterns: readonly string[]): HumanVerdict {
  const actor = event.actor;
  const consoleUse = consoleSignal(event);
  switch (actor.type) {
    case 'Root':
      return { human: true, federated: false, reason: 'the root user' };
    case 'IdentityCenterUser':
    case 'SAMLUser':
      return { human: true, federated: true, reason: `an ${actor.type} session` };
    case 'AssumedRole':
    case 'Role': {
      const issuer = actor.sessionIssuerArn ?? actor.arn;
      if (roleName(issuer).startsWith('AWSReservedSSO_') || (issuer ?? '').includes('/aws-reserved/sso.amazonaws.com/')) {
        return { human: true, federated: true, reason: 'an IAM Identity Center role session' };
      }
      if (issuer && matchesAnyGlob(humanRolePatterns, issuer, true)) {
        return { human: true, federated: false, reason: 'a role listed in humanRolePatterns' };
      }
      if (consoleUse) return { human: true, federated: false, reason: `a role session using ${consoleUse}` };
      return NOT_HUMAN;
    }
    case 'IAMUser':
      if (consoleUse) return { human: true, federated: false, reason: `an IAM user using ${consoleUse}` };
      if (actor.accessKeyId?.startsWith('ASIA')) {
        return { human: true, federated: false, reason: 'an IAM user on temporary session credentials' };
      }
      return NOT_HUMAN;
    case 'FederatedUser':
      return consoleUse ? { human: true, federated: false, reason: `a federated user using ${consoleUse}` } : NOT_HUMAN;
    default:
      return NOT_HUMAN;
  }
}

/** ARN patterns match the caller's ARN, the role behind its session, or the service that called for it. */
export function actorMatches(event: IotEvent, patterns: readonly string[]): boolean {
  const candidates = [event.actor.arn, event.actor.sessionIssuerArn, event.actor.invokedBy].filter(
    (v): v is string => typeof v === 'string' && v !== '',
  );
  return candidates.some((c) => matchesAnyGlob(patterns, c, true));
}

/** A principal's identifier for a finding's resource. */
export function actorResource(event: IotEvent): string {
  return event.actor.sessionIssuerArn ?? event.actor.arn ?? event.actor.key;
}
