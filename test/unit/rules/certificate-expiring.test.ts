import { beforeEach, describe, expect, it } from 'vitest';
import { EXPIRED, LONG_LIVED, SOON } from '../../helpers/certificates.js';
import { certificateExpiring as rule, opensslDateMs } from '../../../src/analysis/rules/certificate-expiring.js';
import type { RuleHit } from '../../../src/analysis/rules/types.js';
import { period, resetEventIds, runRule, timeline, type EventInit } from '../../helpers/events.js';

const register = (pem: string, id: string, extra: EventInit & { at?: number } = {}): EventInit & { at?: number } => ({
  eventName: 'RegisterCertificate',
  requestParameters: { certificatePem: pem, caCertificatePem: LONG_LIVED, setAsActive: true },
  responseElements: { certificateArn: `arn:aws:iot:eu-west-1:111111111111:cert/${id}`, certificateId: id },
  ...extra,
});

interface Case {
  name: string;
  steps: (EventInit & { at?: number })[];
  params?: Record<string, unknown>;
  periodEnd?: string;
  hits: number;
  check?: (hits: RuleHit[]) => void;
}

const cases: Case[] = [
  {
    name: 'fires on a certificate that expires within 30 days of the period’s end',
    steps: [register(SOON, 'c-soon')],
    hits: 1,
    check: ([hit]) => {
      expect(hit!.resource).toBe('c-soon');
      expect(hit!.description).toContain('registered certificate c-soon on 2026-10-05, which expires on 2026-11-20, within 30 days of the period’s end');
      expect(hit!.evidence).toContain('subject CN=device-expiring-soon');
      expect(hit!.evidence).toContain('valid Jan  1 00:00:00 2026 GMT to Nov 20 00:00:00 2026 GMT');
      expect(hit!.discriminator).toBe('c-soon');
    },
  },
  {
    name: 'says when the certificate had already expired when it was registered',
    steps: [register(EXPIRED, 'c-old')],
    hits: 1,
    check: ([hit]) => expect(hit!.description).toContain('which had already expired on 2026-10-03'),
  },
  {
    name: 'says when it expired after its registration but before the period ended',
    steps: [register(EXPIRED, 'c-old', { at: -5 * 24 * 60 })],
    hits: 1,
    check: ([hit]) => expect(hit!.description).toContain('on 2026-09-30, which expired on 2026-10-03, before the period ended'),
  },
  {
    name: 'a CA certificate, from RegisterCACertificate’s caCertificate',
    steps: [{ eventName: 'RegisterCACertificate', requestParameters: { caCertificate: SOON, verificationCertificate: LONG_LIVED }, responseElements: { certificateId: 'ca-1' } }],
    hits: 1,
    check: ([hit]) => expect(hit!.description).toContain('registered CA certificate ca-1 on'),
  },
  {
    name: 'without an id in the event: the certificate’s own id (SHA-256 of its DER, as AWS IoT names it)',
    steps: [{ eventName: 'RegisterCertificateWithoutCA', requestParameters: { certificatePem: SOON }, responseElements: null }],
    hits: 1,
    check: ([hit]) => expect(hit!.resource).toMatch(/^[0-9a-f]{64}$/),
  },
  {
    name: 'one finding for a certificate registered, deleted and registered again (it gave two: 2026-11-26 review)',
    steps: [register(SOON, 'c-soon'), { eventName: 'DeleteCertificate', requestParameters: { certificateId: 'c-soon' } }, register(SOON, 'c-soon')],
    hits: 1,
    check: ([hit]) => {
      expect(hit!.eventIds).toHaveLength(2);
      expect(hit!.description).toMatch(/within 30 days of the period’s end\. It was registered 2 times in the period\.$/);
    },
  },
  { name: 'silent on a certificate valid long after the period', steps: [register(LONG_LIVED, 'c-fine')], hits: 0 },
  { name: 'silent when the window is shorter than the time left', steps: [register(SOON, 'c-soon')], params: { days: 10 }, hits: 0 },
  { name: 'judged against the period’s end: the same 10 days fire for a period ending later', steps: [register(SOON, 'c-soon')], periodEnd: '2026-11-15T00:00:00Z', params: { days: 10 }, hits: 1 },
  { name: 'silent on a failed registration', steps: [register(SOON, 'c-soon', { errorCode: 'ResourceAlreadyExistsException' })], hits: 0 },
  { name: 'silent on the CA PEM of RegisterCertificate (the CA is registered, and judged, on its own)', steps: [register(LONG_LIVED, 'c', { requestParameters: { certificatePem: LONG_LIVED, caCertificatePem: EXPIRED } })], hits: 0 },
  {
    name: 'silent on PEMs it cannot read: not recorded, hidden, truncated, forged, or too long',
    steps: [
      register('HIDDEN_DUE_TO_SECURITY_REASONS', 'a'),
      register(SOON.slice(0, 200), 'b'),
      register('-----BEGIN CERTIFICATE-----\nnot base64 at all!\n-----END CERTIFICATE-----', 'c'),
      register(`${SOON}\n${'A'.repeat(70_000)}`, 'd'),
      { eventName: 'RegisterCertificate', requestParameters: null, responseElements: { certificateId: 'e' } },
    ],
    hits: 0,
  },
  { name: 'silent on other calls carrying a PEM', steps: [register(SOON, 'c', { eventName: 'CreateCertificateFromCsr' })], hits: 0 },
  {
    name: 'a forged event name that is an object property (constructor, __proto__) is just another call',
    steps: [
      register(SOON, 'x', { eventName: 'constructor', requestParameters: { undefined: SOON } }),
      register(SOON, 'y', { eventName: '__proto__', requestParameters: { undefined: SOON } }),
      register(SOON, 'c-soon'),
    ],
    hits: 1,
  },
];

describe(rule.id, () => {
  beforeEach(resetEventIds);
  it.each(cases)('$name', ({ steps, hits, check, params, periodEnd }) => {
    const result = runRule(rule, timeline('2026-10-05T10:00:00Z', steps), { params, ...(periodEnd ? { period: period({ end: periodEnd }) } : {}) });
    expect(result).toHaveLength(hits);
    check?.(result);
  });

  it('reads OpenSSL’s validity dates, and nothing else', () => {
    expect(opensslDateMs('Nov 20 00:00:00 2026 GMT')).toBe(Date.UTC(2026, 10, 20));
    expect(opensslDateMs('Jan  1 23:59:59 2036 GMT')).toBe(Date.UTC(2036, 0, 1, 23, 59, 59));
    for (const bad of ['', '2026-11-20T00:00:00Z', 'Foo 20 00:00:00 2026 GMT', 'Nov 20 00:00:00 2026 UTC']) expect(opensslDateMs(bad)).toBeNaN();
  });
});

describe(`${rule.id} in the report's zone`, () => {
  beforeEach(resetEventIds);
  it('gives the registration and expiry days in the report’s zone, as every other time of the report (they were UTC: 2026-11-26 review)', () => {
    // 10:30 UTC on 5 October is 00:30 on 6 October in Kiritimati (UTC+14); the PEM expires 20 November 00:00 UTC, 14:00 there.
    const kiritimati = period({ timeZone: 'Pacific/Kiritimati', label: 'October 2026 (Pacific/Kiritimati)' });
    const [hit] = runRule(rule, timeline('2026-10-05T10:30:00Z', [register(SOON, 'c-soon')]), { period: kiritimati });
    expect(hit!.description).toContain('registered certificate c-soon on 2026-10-06, which expires on 2026-11-20');
    const [west] = runRule(rule, timeline('2026-10-05T10:30:00Z', [register(SOON, 'c-soon')]), { period: period({ timeZone: 'America/Los_Angeles' }) });
    // 00:00 UTC on 20 November is the 19th in Los Angeles; the registration is still the 5th there.
    expect(west!.description).toContain('registered certificate c-soon on 2026-10-05, which expires on 2026-11-19');
    // The evidence keeps the certificate's own dates, which say GMT.
    expect(west!.evidence).toContain('to Nov 20 00:00:00 2026 GMT');
  });
});
