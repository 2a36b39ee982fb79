import { X509Certificate } from 'node:crypto';
import { SOON } from '../../helpers/certificates.js';
import { beforeEach, describe, expect, it } from 'vitest';
import { certificateReactivated as rule } from '../../../src/analysis/rules/certificate-reactivated.js';
import type { RuleHit } from '../../../src/analysis/rules/types.js';
import { OTHER_ACCOUNT, resetEventIds, runRule, timeline, type EventInit } from '../../helpers/events.js';

const update = (certificateId: string, newStatus: string, extra: EventInit = {}): EventInit => ({
  eventName: 'UpdateCertificate',
  requestParameters: { certificateId, newStatus },
  ...extra,
});

const del = (certificateId: string): EventInit => ({ eventName: 'DeleteCertificate', requestParameters: { certificateId } });

const register = (certificateId: string, params: Record<string, unknown>, eventName = 'RegisterCertificateWithoutCA', extra: EventInit = {}): EventInit => ({
  eventName,
  requestParameters: { certificatePem: '-----BEGIN CERTIFICATE-----', ...params },
  responseElements: { certificateId, certificateArn: `arn:aws:iot:eu-west-1:111122223333:${eventName === 'RegisterCACertificate' ? 'cacert' : 'cert'}/${certificateId}` },
  ...extra,
});

/** A certificate (PEM), and its AWS IoT id: the SHA-256 of its DER. */
const PEM = SOON;
const PEM_ID = new X509Certificate(PEM).fingerprint256.replace(/:/g, '').toLowerCase();

interface Case {
  name: string;
  steps: EventInit[];
  hits: number;
  check?: (hits: RuleHit[]) => void;
}

const cases: Case[] = [
  {
    name: 'fires on INACTIVE then ACTIVE, one level lower',
    steps: [update('c1', 'INACTIVE'), update('c1', 'ACTIVE')],
    hits: 1,
    check: ([hit]) => {
      expect(hit!.resource).toBe('c1');
      expect(hit!.eventIds).toEqual(['e-0001', 'e-0002']);
      expect(hit!.lowerSeverityBy).toBe(1);
      expect(hit!.description).toContain('set INACTIVE');
    },
  },
  { name: 'fires on REVOKED then ACTIVE at full severity', steps: [update('c1', 'REVOKED'), update('c1', 'ACTIVE')], hits: 1, check: ([hit]) => expect(hit!.lowerSeverityBy).toBe(0) },
  { name: 'fires whatever the case of the status', steps: [update('c1', 'inactive'), update('c1', 'Active')], hits: 1 },
  {
    name: 'fires on a CA certificate',
    steps: [
      { eventName: 'UpdateCACertificate', requestParameters: { caCertificateId: 'ca1', newStatus: 'INACTIVE' } },
      { eventName: 'UpdateCACertificate', requestParameters: { caCertificateId: 'ca1', newStatus: 'ACTIVE' } },
    ],
    hits: 1,
    check: ([hit]) => expect(hit!.description).toMatch(/^CA certificate ca1/),
  },
  {
    name: 'silent on a first activation of a certificate created inactive',
    steps: [{ eventName: 'CreateKeysAndCertificate', requestParameters: { setAsActive: false }, responseElements: { certificateId: 'c1' } }, update('c1', 'ACTIVE')],
    hits: 0,
  },
  { name: 'silent when another certificate is reactivated', steps: [update('c1', 'INACTIVE'), update('c2', 'ACTIVE')], hits: 0 },
  { name: 'silent when the reactivation failed', steps: [update('c1', 'INACTIVE'), update('c1', 'ACTIVE', { errorCode: 'AccessDeniedException' })], hits: 0 },
  { name: 'silent when the same id is in another account', steps: [update('c1', 'INACTIVE'), update('c1', 'ACTIVE', { accountId: OTHER_ACCOUNT })], hits: 0 },
  {
    name: 'silent when the certificate was deleted in between',
    steps: [update('c1', 'INACTIVE'), { eventName: 'DeleteCertificate', requestParameters: { certificateId: 'c1' } }, update('c1', 'ACTIVE')],
    hits: 0,
  },
  { name: 'silent on ACTIVE then INACTIVE', steps: [update('c1', 'ACTIVE'), update('c1', 'INACTIVE')], hits: 0 },
  // Deleting a revoked certificate and registering the same PEM again gives it back its id, ACTIVE (2026-11-26 review).
  {
    name: 'fires on REVOKED, deleted, then the same certificate registered again ACTIVE',
    steps: [update('c1', 'REVOKED'), del('c1'), register('c1', { status: 'ACTIVE' })],
    hits: 1,
    check: ([hit]) => {
      expect(hit!.eventIds).toEqual(['e-0001', 'e-0002', 'e-0003']);
      expect(hit!.lowerSeverityBy).toBe(0);
      expect(hit!.description).toMatch(/was set REVOKED at .+, deleted at .+, then registered again ACTIVE at /);
    },
  },
  { name: 'fires on a registration with setAsActive', steps: [update('c1', 'INACTIVE'), del('c1'), register('c1', { setAsActive: 'true' }, 'RegisterCertificate')], hits: 1 },
  { name: 'fires on registered again INACTIVE, then activated', steps: [update('c1', 'REVOKED'), del('c1'), register('c1', { status: 'INACTIVE' }), update('c1', 'ACTIVE')], hits: 1, check: ([hit]) => {
    expect(hit!.eventIds).toEqual(['e-0001', 'e-0002', 'e-0003', 'e-0004']);
    expect(hit!.description).toMatch(/was set REVOKED at .+, deleted at .+, registered again at .+, then set ACTIVE at /);
  } },
  {
    name: 'fires on a CA certificate registered again',
    steps: [
      { eventName: 'UpdateCACertificate', requestParameters: { caCertificateId: 'ca1', newStatus: 'REVOKED' } },
      { eventName: 'DeleteCACertificate', requestParameters: { caCertificateId: 'ca1' } },
      register('ca1', { setAsActive: true }, 'RegisterCACertificate'),
    ],
    hits: 1,
  },
  { name: 'silent on a certificate registered ACTIVE with no earlier status', steps: [register('c1', { status: 'ACTIVE' })], hits: 0 },
  // FORMATS.md: a response may be missing; the id is then the hash of the certificate the call carries (2026-11-26 review).
  {
    name: 'fires on a registration again whose response was not logged, by the id of the certificate it carries',
    steps: [
      update(PEM_ID, 'REVOKED'),
      del(PEM_ID),
      { eventName: 'RegisterCertificateWithoutCA', requestParameters: { certificatePem: PEM, status: 'ACTIVE' }, responseElements: null },
    ],
    hits: 1,
    check: ([hit]) => expect(hit!.resource).toBe(PEM_ID),
  },
  // Registered inactive, then activated: the usual first activation, not a reactivation (2026-11-26 review of the change above).
  { name: 'silent on a first registration inactive, then ACTIVE', steps: [register('c1', { setAsActive: false }, 'RegisterCertificate'), update('c1', 'ACTIVE')], hits: 0 },
  { name: 'silent on a first registration with status INACTIVE, then ACTIVE', steps: [register('c1', { status: 'INACTIVE' }), update('c1', 'ACTIVE')], hits: 0 },
  {
    name: 'silent on a CA certificate registered inactive, then ACTIVE',
    steps: [register('ca1', { setAsActive: false }, 'RegisterCACertificate'), { eventName: 'UpdateCACertificate', requestParameters: { caCertificateId: 'ca1', newStatus: 'ACTIVE' } }],
    hits: 0,
  },
  // A registration saying neither status nor setAsActive registers it INACTIVE (AWS IoT's default), as the Certificates section reads it (2026-11-26 re-read).
  { name: 'fires on REVOKED, deleted, registered again with no status (INACTIVE), then ACTIVE', steps: [update('c1', 'REVOKED'), del('c1'), register('c1', {}), update('c1', 'ACTIVE')], hits: 1 },
  { name: 'fires on a certificate registered REVOKED, then set ACTIVE', steps: [register('c1', { status: 'REVOKED' }, 'RegisterCertificate'), update('c1', 'ACTIVE')], hits: 1, check: ([hit]) => expect(hit!.lowerSeverityBy).toBe(0) },
  { name: 'fires on registered inactive, activated, deactivated, then ACTIVE again', steps: [register('c1', { status: 'INACTIVE' }), update('c1', 'ACTIVE'), update('c1', 'INACTIVE'), update('c1', 'ACTIVE')], hits: 1 },
  { name: 'silent on registered again in another region', steps: [update('c1', 'REVOKED'), del('c1'), register('c1', { status: 'ACTIVE' }, 'RegisterCertificateWithoutCA', { region: 'us-west-2' })], hits: 0 },
];

describe(rule.id, () => {
  beforeEach(resetEventIds);
  it.each(cases)('$name', ({ steps, hits, check }) => {
    const result = runRule(rule, timeline('2026-10-05T10:00:00Z', steps.map((s, i) => ({ ...s, at: i }))));
    expect(result).toHaveLength(hits);
    check?.(result);
  });
});
