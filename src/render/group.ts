/**
 * Grouping of repetitive rows for display: a fleet rollout is 12,000 times the same call by
 * the same role, which reads best (and prints fastest) as one row with a count and a time range.
 */
import type { CertificateLifecycle, IotEvent } from '../report/model.js';

export interface Repetition<T> {
  key: string;
  items: T[];
}

/**
 * Items sharing a key at least `min` times become groups (largest first, then by key);
 * the others stay in `rest`, in their original order. Items with a null key never group.
 */
export function repetitions<T>(
  items: readonly T[],
  keyOf: (item: T) => string | null,
  min: number,
): { groups: Repetition<T>[]; rest: T[] } {
  const byKey = new Map<string, T[]>();
  // Each key made once: the keys of a month of events are JSON strings.
  const keys = items.map(keyOf);
  for (let i = 0; i < items.length; i++) {
    const key = keys[i];
    if (key === null) continue;
    let list = byKey.get(key);
    if (!list) byKey.set(key, (list = []));
    list.push(items[i]);
  }
  const groups: Repetition<T>[] = [];
  const grouped = new Set<string>();
  for (const [key, list] of byKey) {
    if (list.length >= min) {
      groups.push({ key, items: list });
      grouped.add(key);
    }
  }
  groups.sort((a, b) => b.items.length - a.items.length || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const rest = grouped.size === 0 ? [...items] : items.filter((_, i) => {
    const key = keys[i];
    return key === null || !grouped.has(key);
  });
  return { groups, rest };
}

/** Same action by the same actor in the same account: successful changes only. */
export function changeKey(e: IotEvent): string | null {
  return e.isChange ? JSON.stringify([e.accountId, e.eventName, e.actor.key]) : null;
}

/**
 * Certificates whose lifecycles have the same shape (accounts, region, kind, final status,
 * and the same actions by the same actors in the same accounts in the same order).
 * Certificates with failed attempts are never grouped: they are the interesting ones.
 */
export function lifecycleKey(c: CertificateLifecycle): string | null {
  if (c.failedEventIds.length > 0 || c.steps.length === 0) return null;
  return JSON.stringify([
    c.accounts.map((a) => a.accountId),
    c.region,
    c.kind,
    c.lastKnownStatus,
    c.steps.map((s) => [s.action, s.eventName, s.actorLabel, s.accountId]),
  ]);
}
