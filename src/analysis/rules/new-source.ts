import { localStamp } from './support/grouping.js';
import type { IotEvent } from '../../report/model.js';
import type { Rule, RuleHit } from './types.js';
import { BoundedMemo, getOrInsert } from '../../memo.js';
import { distinct } from '../params.js';
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

// A month's calls come from a handful of user agents, each seen thousands of times.
const families = new BoundedMemo<string, string | null>(10_000);

interface NewValue {
  accountId: string;
  kind: Kind;
  value: string;
  firstSeen: string;
  changes: IotEvent[];
}

// One function for every account first seen, not a new closure per event.
const newValues = () => new Map<string, NewValue | null>();

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
  resourceKind: 'source',
  defaults: { warmupDays: 7, sourceIps: true, userAgents: true },
  evaluate(ctx) {
    const warmupEnd = Date.parse(ctx.period.start) + ctx.params.warmupDays * 86_400_000;
    // Every value seen, by kind, account and value, with its entry when first seen after the
    // warm-up (null when during it). Nested maps rather than a key string per event.
    const seen: Record<Kind, Map<string, Map<string, NewValue | null>>> = { ip: new Map(), agent: new Map() };
    const fresh: NewValue[] = [];
    const note = (event: IotEvent, kind: Kind, value: string) => {
      const values = getOrInsert(seen[kind], event.accountId, newValues);
      let entry = values.get(value);
      if (entry === undefined) {
        entry = Date.parse(event.eventTime) >= warmupEnd ? { accountId: event.accountId, kind, value, firstSeen: event.eventTime, changes: [] } : null;
        values.set(value, entry);
        if (entry !== null) fresh.push(entry);
      }
      if (event.isChange) entry?.changes.push(event);
    };
    const events = ctx.events;
    for (let i = 0; i < events.length; i++) {
      const event = events[i]!;
      if (ctx.params.sourceIps && event.sourceIp && !SERVICE_VALUE.test(event.sourceIp)) note(event, 'ip', event.sourceIp);
      if (ctx.params.userAgents && event.userAgent) {
        const family = families.get(event.userAgent, agentFamily);
        if (family) note(event, 'agent', family);
      }
    }
    const hits: RuleHit[] = [];
    for (let i = 0; i < fresh.length; i++) {
      const item = fresh[i]!;
      const first = item.changes[0];
      if (!first) continue;
      const what = item.kind === 'ip' ? 'source IP' : 'user agent';
      // One pass over the changes for their ids and their principals (most values have one change).
      const eventIds: string[] = [];
      const labels: string[] = [];
      for (let c = 0; c < item.changes.length; c++) {
        eventIds.push(item.changes[c]!.eventId);
        labels.push(item.changes[c]!.actor.label);
      }
      const actors = distinct(labels);
      hits.push({
        accountId: item.accountId,
        region: first.region,
        resource: item.value,
        eventIds,
        time: first.eventTime,
        description: `Account ${item.accountId} saw ${what} ${clip(item.value, 80)} for the first time in the period at ${localStamp(item.firstSeen, ctx.period.timeZone)} (after the ${ctx.params.warmupDays}-day warm-up); ${plural(item.changes.length, 'change')} came from it, by ${listWithMore(actors, 3)}.`,
        evidence: item.kind === 'agent' ? `user agent: ${clip(first.userAgent ?? '', 300)}` : null,
        discriminator: item.kind,
      });
    }
    return hits;
  },
};
