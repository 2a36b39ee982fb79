/**
 * The certificate a register call carries is parsed once per event, however many rules read it
 * (certificate-expiring always, certificate-reactivated when the response gives no id).
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { SOON } from '../../helpers/certificates.js';
import { certificateExpiring } from '../../../src/analysis/rules/certificate-expiring.js';
import { certificateReactivated } from '../../../src/analysis/rules/certificate-reactivated.js';
import { certificateIdOfPem, registeredCertificate } from '../../../src/analysis/rules/support/registered-certificate.js';
import { resetEventIds, runRule, timeline } from '../../helpers/events.js';

const parses = vi.hoisted(() => ({ count: 0 }));

vi.mock('node:crypto', async (importOriginal) => {
  const crypto = await importOriginal<typeof import('node:crypto')>();
  class CountingX509Certificate extends crypto.X509Certificate {
    constructor(...args: ConstructorParameters<typeof crypto.X509Certificate>) {
      // Counted before the parse: one that throws was tried too.
      parses.count++;
      super(...args);
    }
  }
  return { ...crypto, X509Certificate: CountingX509Certificate };
});

describe('the certificate a register call carries', () => {
  beforeEach(() => {
    resetEventIds();
    parses.count = 0;
  });

  it('is parsed once for every rule that reads it', () => {
    // No certificate id in the response: certificate-reactivated reads it from the PEM too.
    const events = timeline('2026-10-05T10:00:00Z', [{ eventName: 'RegisterCertificateWithoutCA', requestParameters: { certificatePem: SOON, status: 'ACTIVE' }, responseElements: null }]);
    expect(runRule(certificateExpiring, events)).toHaveLength(1);
    runRule(certificateReactivated, events);
    const certificate = registeredCertificate(events[0]!);
    expect(certificate).not.toBeNull();
    expect(certificateIdOfPem(certificate!)).toMatch(/^[0-9a-f]{64}$/);
    expect(parses.count).toBe(1);
  });

  it('a PEM that is no certificate is tried once, and stays null', () => {
    const [event] = timeline('2026-10-05T10:00:00Z', [{ eventName: 'RegisterCertificate', requestParameters: { certificatePem: '-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----' } }]);
    expect(registeredCertificate(event!)).toBeNull();
    expect(registeredCertificate(event!)).toBeNull();
    expect(parses.count).toBe(1);
  });
});
