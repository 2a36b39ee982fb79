/**
 * A register call whose response CloudTrail did not log (FORMATS.md 3: responseElements are
 * optional) still names its certificate: the id AWS IoT gives it, the SHA-256 of its DER, read
 * from the PEM it carries. The Certificates section and every rule see that one id.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { certificateLifecycles } from '../../src/analysis/certificates.js';
import { certificateReactivated } from '../../src/analysis/rules/certificate-reactivated.js';
import { certificateWithoutCa } from '../../src/analysis/rules/certificate-without-ca.js';
import { normalizeRecord } from '../../src/cloudtrail/normalize.js';
import { compareEvents, toIotEvent } from '../../src/iot/events.js';
import type { IotEvent } from '../../src/types.js';
import { LONG_LIVED, SOON } from '../helpers/certificates.js';
import { runRule } from '../helpers/events.js';
import { record } from '../helpers/trail-tree.js';

const A = '111111111111';
// A loose file: account and region come from each record.
const file = { key: 'k', source: 'src', accountId: null, region: null, deliveryDay: '2026-10-05', organizationId: null };
let n = 0;
/** One record as the pipeline makes it an event, one second after the last. */
const ev = (eventName: string, requestParameters: Record<string, unknown>, responseElements: Record<string, unknown> | null = null): IotEvent => {
  n++;
  const eventTime = new Date(Date.parse('2026-10-05T10:00:00Z') + n * 1000).toISOString().replace('.000Z', 'Z');
  return toIotEvent({ record: normalizeRecord(record({ eventID: `e-${n}`, eventTime, recipientAccountId: A, eventName, requestParameters, responseElements }))!, file });
};

/** What AWS IoT returns as the certificate id, worked out apart from the code under test: lower-case hex SHA-256 of the PEM's DER. */
const awsIdOf = (pem: string) =>
  createHash('sha256')
    .update(Buffer.from(pem.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, ''), 'base64'))
    .digest('hex');
const ID = awsIdOf(SOON);

const lifecycles = (events: IotEvent[]) => certificateLifecycles(events.sort(compareEvents));

describe('a registration whose response was not logged', () => {
  it('shows both registrations of a certificate revoked, deleted and registered again, and ends ACTIVE (2026 review)', () => {
    const events = [
      ev('RegisterCertificateWithoutCA', { certificatePem: SOON, status: 'ACTIVE' }),
      ev('UpdateCertificate', { certificateId: ID, newStatus: 'REVOKED' }),
      ev('DeleteCertificate', { certificateId: ID }),
      ev('RegisterCertificateWithoutCA', { certificatePem: SOON, status: 'ACTIVE' }),
    ];
    const [certificate, ...others] = lifecycles(events);
    expect(others).toEqual([]);
    expect(certificate!.certificateId).toBe(ID);
    expect(certificate!.steps.map((s) => s.action)).toEqual(['registered', 'revoked', 'deleted', 'registered']);
    expect(certificate!.lastKnownStatus).toBe('ACTIVE');

    // The findings speak of the same certificate the Certificates section shows.
    const [reactivated] = runRule(certificateReactivated, events);
    expect(reactivated!.resource).toBe(ID);
    const [withoutCa] = runRule(certificateWithoutCa, events);
    expect(withoutCa!.description).toContain(`${ID}, ${ID}`);
    expect(withoutCa!.description).not.toContain('id not recorded');
  });

  it('takes the same path for RegisterCertificate and RegisterCACertificate', () => {
    const device = lifecycles([ev('RegisterCertificate', { certificatePem: SOON, caCertificatePem: LONG_LIVED, setAsActive: true })]);
    expect(device.map((c) => [c.kind, c.certificateId, c.lastKnownStatus])).toEqual([['device', ID, 'ACTIVE']]);

    const caId = awsIdOf(LONG_LIVED);
    const ca = lifecycles([
      ev('RegisterCACertificate', { caCertificate: LONG_LIVED, verificationCertificate: SOON, setAsActive: true }),
      ev('UpdateCACertificate', { caCertificateId: caId, newStatus: 'INACTIVE' }),
    ]);
    expect(ca.map((c) => [c.kind, c.certificateId, c.lastKnownStatus, c.steps.map((s) => s.action)])).toEqual([['ca', caId, 'INACTIVE', ['registered', 'deactivated']]]);
  });

  it('gives no id, rather than a wrong one, for a PEM that is not a certificate', () => {
    for (const certificatePem of ['-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----', SOON.slice(0, 200), 'HIDDEN_DUE_TO_SECURITY_REASONS']) {
      const events = [ev('RegisterCertificateWithoutCA', { certificatePem, status: 'ACTIVE' })];
      expect(events[0]!.resources).toEqual([]);
      expect(lifecycles(events)).toEqual([]);
      expect(runRule(certificateWithoutCa, events)[0]!.description).toContain('(id not recorded)');
    }
  });

  it('keeps the id the response gives: the PEM is read only when the response names no certificate', () => {
    const [event] = [ev('RegisterCertificateWithoutCA', { certificatePem: SOON, status: 'ACTIVE' }, { certificateId: 'f'.repeat(64) })];
    expect(event!.resources.map((r) => [r.type, r.id])).toEqual([['certificate', 'f'.repeat(64)]]);
  });
});
