import { beforeEach, describe, expect, it } from 'vitest';
import { burstRanges, deniedBurst as rule } from '../../../src/analysis/rules/denied-burst.js';
import type { RuleHit } from '../../../src/analysis/rules/types.js';
import { actors, resetEventIds, runRule, timeline, type EventInit, type RunOptions } from '../../helpers/events.js';

type Step = EventInit & { at?: number };
const denied = (at: number, extra: EventInit = {}): Step => ({ at, eventName: 'ListCertificates', errorCode: 'AccessDeniedException', ...extra });
const series = (n: number, everyMinutes: number, offset = 0, extra: EventInit = {}): Step[] =>
  Array.from({ length: n }, (_, i) => denied(offset + i * everyMinutes, extra));

interface Case {
  name: string;
  steps: Step[];
  options?: RunOptions;
  hits: number;
  check?: (hits: RuleHit[]) => void;
}

const cases: Case[] = [
  {
    name: 'fires on 10 denials in 9 minutes',
    steps: series(10, 1),
    hits: 1,
    check: ([hit]) => {
      expect(hit!.eventIds).toHaveLength(10);
      expect(hit!.evidence).toContain('10 × ListCertificates (AccessDeniedException)');
    },
  },
  { name: 'fires once for a long burst', steps: series(30, 1), hits: 1, check: ([hit]) => expect(hit!.eventIds).toHaveLength(30) },
  { name: 'fires twice for two bursts hours apart', steps: [...series(10, 1), ...series(10, 1, 180)], hits: 2 },
  { name: 'fires with a lower threshold', steps: series(3, 1), options: { params: { threshold: 3 } }, hits: 1 },
  { name: 'silent on 9 denials', steps: series(9, 1), hits: 0 },
  { name: 'silent on 10 denials spread over two hours', steps: series(10, 12), hits: 0 },
  { name: 'silent on denials by two principals', steps: [...series(5, 1), ...series(5, 1, 0, { actor: actors.role('other') })], hits: 0 },
  { name: 'silent on other failures', steps: series(10, 1, 0, { errorCode: 'ResourceNotFoundException' }), hits: 0 },
  { name: 'silent on successful calls', steps: series(10, 1, 0, { errorCode: null }), hits: 0 },
  { name: 'silent on denials split across regions', steps: [...series(5, 1), ...series(5, 1, 0, { region: 'us-east-1' })], hits: 0 },
];

describe(rule.id, () => {
  beforeEach(resetEventIds);
  it.each(cases)('$name', ({ steps, options, hits, check }) => {
    const result = runRule(rule, timeline('2026-10-05T10:00:00Z', steps), options);
    expect(result).toHaveLength(hits);
    check?.(result);
  });

  it('finds burst ranges: window is half-open, overlapping runs merge', () => {
    const minute = 60_000;
    expect(burstRanges([0, 1, 2].map((m) => m * minute), 3, 3 * minute)).toEqual([[0, 2]]);
    expect(burstRanges([0, 1, 3].map((m) => m * minute), 3, 3 * minute)).toEqual([]);
    expect(burstRanges([0, 1, 2, 3, 4, 60, 61].map((m) => m * minute), 3, 3 * minute)).toEqual([[0, 4]]);
  });
});

describe('burstRanges', () => {
  const minute = 60_000;
  it('joins back-to-back runs within the window and splits distant ones', () => {
    expect(burstRanges([0, 1, 2, 4, 5, 6].map((m) => m * minute), 3, 3 * minute)).toEqual([[0, 5]]);
    expect(burstRanges([0, 1, 2, 30, 31, 32].map((m) => m * minute), 3, 3 * minute)).toEqual([[0, 2], [3, 5]]);
  });
});
