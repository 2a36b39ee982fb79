import { beforeEach, describe, expect, it } from 'vitest';
import { certificateWithoutCa as rule } from '../../../src/analysis/rules/certificate-without-ca.js';
import type { RuleHit } from '../../../src/analysis/rules/types.js';
import { actors, resetEventIds, runRule, timeline, type EventInit } from '../../helpers/events.js';

const without = (id: string, extra: EventInit & { at?: number } = {}): EventInit & { at?: number } => ({
  eventName: 'RegisterCertificateWithoutCA',
  requestParameters: { certificatePem: '-----BEGIN…', status: 'ACTIVE' },
  responseElements: { certificateArn: `arn:aws:iot:eu-west-1:111111111111:cert/${id}`, certificateId: id },
  ...extra,
});

interface Case {
  name: string;
  steps: (EventInit & { at?: number })[];
  hits: number;
  check?: (hits: RuleHit[]) => void;
}

const cases: Case[] = [
  {
    name: 'fires once for one principal’s registrations in a day',
    steps: [without('a', { at: 0 }), without('b', { at: 5 }), without('c', { at: 60 })],
    hits: 1,
    check: ([hit]) => {
      expect(hit!.eventIds).toHaveLength(3);
      expect(hit!.description).toContain('3 certificates');
      expect(hit!.description).toContain('a, b, c');
      expect(hit!.discriminator).toBe('2026-10-05');
    },
  },
  { name: 'fires per day', steps: [without('a', { at: 0 }), without('b', { at: 24 * 60 })], hits: 2 },
  { name: 'fires per principal', steps: [without('a'), without('b', { actor: actors.role('other') })], hits: 2 },
  {
    name: 'silent on RegisterCertificate with a CA',
    steps: [{ eventName: 'RegisterCertificate', requestParameters: { certificatePem: 'x', caCertificatePem: 'y' }, responseElements: { certificateId: 'a' } }],
    hits: 0,
  },
  { name: 'silent on a failed registration', steps: [without('a', { errorCode: 'AccessDeniedException' })], hits: 0 },
];

describe(rule.id, () => {
  beforeEach(resetEventIds);
  it.each(cases)('$name', ({ steps, hits, check }) => {
    const result = runRule(rule, timeline('2026-10-05T10:00:00Z', steps));
    expect(result).toHaveLength(hits);
    check?.(result);
  });
});
