import type { ActorSummary, DeniedGroup, IotEvent } from '../types.js';
import { sortByString } from './params.js';
import { principalLabel, withoutSession } from './rules/support/sessions.js';

/**
 * Who called IoT in the period: changes, reads, failures, where from, with what. MFA is read
 * from every event of the actor, reads and failed calls included (each says whether its
 * session was MFA-authenticated), and the riskier answer wins: without MFA when any event was.
 */
export function actorSummaries(events: readonly IotEvent[]): ActorSummary[] {
  const byKey = new Map<
    string,
    { s: ActorSummary; sessionLabel: string | null; accounts: Set<string>; ips: Set<string>; uas: Set<string>; actions: Map<string, number> }
  >();
  // Indexed loops: these run for every event, mostly before the JIT has optimized them.
  for (let i = 0; i < events.length; i++) {
    const event = events[i]!;
    const a = event.actor;
    let entry = byKey.get(a.key);
    if (!entry) {
      entry = {
        s: {
          key: a.key,
          label: a.label,
          type: a.type,
          // The ARN of what the key groups: the role of a role's sessions, else the caller's own.
          arn: a.sessionIssuerArn !== null && a.key === a.sessionIssuerArn ? a.sessionIssuerArn : a.arn,
          sessionIssuerArn: a.sessionIssuerArn,
          sessionIssuerType: a.sessionIssuerType,
          mfaAuthenticated: null,
          changes: 0,
          reads: 0,
          failedAttempts: 0,
          accounts: [],
          sourceIps: [],
          userAgents: [],
          firstSeen: event.eventTime,
          lastSeen: event.eventTime,
          actions: [],
        },
        sessionLabel: null,
        accounts: new Set(),
        ips: new Set(),
        uas: new Set(),
        actions: new Map(),
      };
      byKey.set(a.key, entry);
    }
    const s = entry.s;
    if (a.sessionIssuerArn !== null && a.key === a.sessionIssuerArn) entry.sessionLabel = a.label;
    s.lastSeen = event.eventTime;
    entry.accounts.add(event.accountId);
    if (event.sourceIp !== null) entry.ips.add(event.sourceIp);
    if (event.userAgent !== null) entry.uas.add(event.userAgent);
    // Any event without MFA makes the actor "without MFA": a read-only caller's records say it as a changer's do.
    if (a.mfaAuthenticated === false) s.mfaAuthenticated = false;
    else if (a.mfaAuthenticated === true && s.mfaAuthenticated === null) s.mfaAuthenticated = true;
    // As the summary counts them: failed, else a read, else a change.
    if (event.errorCode !== null) s.failedAttempts++;
    else if (event.readOnly === true) s.reads++;
    if (event.isChange) {
      s.changes++;
      entry.actions.set(event.eventName, (entry.actions.get(event.eventName) ?? 0) + 1);
    }
  }
  return [...byKey.values()]
    .map(({ s, sessionLabel, accounts, ips, uas, actions }) => {
      // The group's label is the role, not one session of it: the last session's label without the session.
      if (sessionLabel !== null) s.label = withoutSession(sessionLabel);
      s.accounts = [...accounts].sort();
      s.sourceIps = [...ips].sort();
      s.userAgents = [...uas].sort();
      s.actions = [...actions].map(([eventName, count]) => ({ eventName, count })).sort((x, y) => y.count - x.count || (x.eventName < y.eventName ? -1 : 1));
      return s;
    })
    .sort((x, y) => y.changes - x.changes || y.failedAttempts - x.failedAttempts || y.reads - x.reads || (x.key < y.key ? -1 : x.key > y.key ? 1 : 0));
}

/**
 * Failed and denied attempts, grouped by actor, account, action and error code. A role's
 * sessions are one actor, as in the Actors section, but may be several people (IAM Identity
 * Center): a group is labelled with all its sessions (`principalLabel`), not its first one.
 */
export function deniedGroups(events: readonly IotEvent[]): DeniedGroup[] {
  const groups = new Map<string, DeniedGroup>();
  // The group's distinct labels, in order of first appearance.
  const labels = new Map<DeniedGroup, Set<string>>();
  for (let i = 0; i < events.length; i++) {
    const event = events[i]!;
    if (event.errorCode === null) continue;
    const key = [event.actor.key, event.accountId, event.eventName, event.errorCode].join('\u0000');
    let g = groups.get(key);
    if (!g) {
      g = {
        actorKey: event.actor.key,
        actorLabel: event.actor.label,
        accountId: event.accountId,
        accountName: event.accountName,
        eventName: event.eventName,
        errorCode: event.errorCode,
        errorMessage: event.errorMessage,
        count: 0,
        first: event.eventTime,
        last: event.eventTime,
        eventIds: [],
      };
      groups.set(key, g);
      labels.set(g, new Set([event.actor.label]));
    }
    if (event.actor.label !== g.actorLabel) labels.get(g)!.add(event.actor.label);
    g.count++;
    g.last = event.eventTime;
    g.eventIds.push(event.eventId);
  }
  for (const [g, seen] of labels) if (seen.size > 1) g.actorLabel = principalLabel([...seen]);
  return sortByString([...groups.values()], (g) => `${g.first}\u0000${g.actorKey}\u0000${g.eventName}\u0000${g.errorCode}`);
}
