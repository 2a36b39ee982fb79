import { beforeEach, describe, expect, it } from 'vitest';
import { rootUserChange as rule } from '../../../src/analysis/rules/root-user-change.js';
import { actors, resetEventIds, runRule, timeline, type EventInit } from '../../helpers/events.js';

const cases: { name: string; steps: (EventInit & { at?: number })[]; hits: number }[] = [
  { name: 'fires on a change by root', steps: [{ actor: actors.root(), eventName: 'DeleteCertificate' }], hits: 1 },
  {
    name: 'fires once for a day of root changes',
    steps: [
      { actor: actors.root(), eventName: 'DeleteCertificate', at: 0 },
      { actor: actors.root(), eventName: 'DeletePolicy', at: 120 },
    ],
    hits: 1,
  },
  { name: 'silent on a root read', steps: [{ actor: actors.root(), eventName: 'ListCertificates' }], hits: 0 },
  { name: 'silent on a denied root attempt', steps: [{ actor: actors.root(), eventName: 'DeleteCertificate', errorCode: 'AccessDenied' }], hits: 0 },
  { name: 'silent on an IAM user named root', steps: [{ actor: actors.iamUser('root'), eventName: 'DeleteCertificate' }], hits: 0 },
];

describe(rule.id, () => {
  beforeEach(resetEventIds);
  it.each(cases)('$name', ({ steps, hits }) => {
    const result = runRule(rule, timeline('2026-10-05T10:00:00Z', steps));
    expect(result).toHaveLength(hits);
    if (hits) expect(result[0]!.resource).toBe('arn:aws:iam::111111111111:root');
  });

  it('counts the actions of the day', () => {
    const [hit] = runRule(rule, timeline('2026-10-05T10:00:00Z', [{ actor: actors.root(), eventName: 'DeleteCertificate' }, { actor: actors.root(), eventName: 'DeleteCertificate', at: 1 }]));
    expect(hit!.description).toContain('2 IoT changes on 2026-10-05 (2 × DeleteCertificate)');
  });
});
