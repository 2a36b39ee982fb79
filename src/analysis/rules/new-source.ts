import type { IotEvent } from '../../report/model.js';
import type { Rule, RuleHit } from './types.js';
import { clip, listWithMore, plural } from './support/text.js';

type Params = { warmupDays: number; sourceIps: boolean; userAgents: boolean };

type Kind = 'ip' | 'agent';

// Calls made by AWS services carry a service name instead of an address or agent.
const SERVICE_VALUE = /(^|\.)amazonaws\.com$|^AWS Internal$/i;
// Wrapper tokens that precede the real tool's name (Terraform's user agent starts with these).
const WRAPPER_TOKEN = /^(APN|HashiCorp)\//i;

/**
 * A user agent's product family: its first product token without the version, so that
 * `aws-cli/2.15.1 …` and `aws-cli/2.15.2 …` are one tool and a tool upgrade is not "new".
 */
export function agentFamily(userAgent: string): string | null {
  const text = userAgent.trim().replace(/^\[/, '').replace(/\]$/, '');
  if (text === '' || SERVICE_VALUE.test(text)) return null;
  const token = text.split(/\s+/).find((t) => !WRAPPER_TOKEN.test(t)) ?? text;
  const name = token.split('/')[0]!.toLowerCase();
  return name === '' ? null : clip(name, 80);
}

function sourcesOf(event: IotEvent, params: Params): { kind: Kind; value: string }[] {
  const out: { kind: Kind; value: string }[] = [];
  if (params.sourceIps && event.sourceIp && !SERVICE_VALUE.test(event.sourceIp)) out.push({ kind: 'ip', value: event.sourceIp });
  if (params.userAgents && event.userAgent) {
    const family = agentFamily(event.userAgent);
    if (family) out.push({ kind: 'agent', value: family });
  }
  return out;
}

interface NewValue {
  accountId: string;
  kind: Kind;
  value: string;
  firstSeen: string;
  changes: IotEvent[];
}

/**
 * Changes from a source IP or user agent family that the account's IoT events had not
 * shown before in the period. The first `warmupDays` days of the period only learn what
 * is usual; values first seen then are never reported.
 */
export const newSource: Rule<Params> = {
  id: 'new-source',
  title: 'IoT changes from a new source IP or user agent',
  severity: 'low',
  description:
    'A successful IoT change came from a source IP address or user agent family (the first product token without its version, e.g. `aws-cli`, `terraform`) not seen in the account\'s IoT events earlier in the period. The first `warmupDays` days of the period are a learning phase and are never reported; AWS service callers are ignored. One finding per account and new value.',
  remediation: 'Check that the new address or tool belongs to your own people or pipelines.',
  defaults: { warmupDays: 7, sourceIps: true, userAgents: true },
  evaluate(ctx) {
    const warmupEnd = Date.parse(ctx.period.start) + ctx.params.warmupDays * 86_400_000;
    const seen = new Set<string>();
    const fresh = new Map<string, NewValue>();
    for (const event of ctx.events) {
      for (const { kind, value } of sourcesOf(event, ctx.params)) {
        const key = JSON.stringify([event.accountId, kind, value]);
        if (!seen.has(key)) {
          seen.add(key);
          if (Date.parse(event.eventTime) >= warmupEnd) {
            fresh.set(key, { accountId: event.accountId, kind, value, firstSeen: event.eventTime, changes: [] });
          }
        }
        if (event.isChange) fresh.get(key)?.changes.push(event);
      }
    }
    const hits: RuleHit[] = [];
    for (const item of fresh.values()) {
      const first = item.changes[0];
      if (!first) continue;
      const what = item.kind === 'ip' ? 'source IP' : 'user agent';
      const actors = [...new Set(item.changes.map((e) => e.actor.label))];
      hits.push({
        accountId: item.accountId,
        region: first.region,
        resource: item.value,
        eventIds: item.changes.map((e) => e.eventId),
        time: first.eventTime,
        description: `Account ${item.accountId} saw ${what} ${clip(item.value, 80)} for the first time in the period at ${item.firstSeen} (after the ${ctx.params.warmupDays}-day warm-up); ${plural(item.changes.length, 'change')} came from it, by ${listWithMore(actors, 3)}.`,
        evidence: item.kind === 'agent' ? `user agent: ${clip(first.userAgent ?? '', 300)}` : null,
        discriminator: item.kind,
      });
    }
    return hits;
  },
};
