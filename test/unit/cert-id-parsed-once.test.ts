/**
 * The PEM of a register call whose response was not logged is read when the event is built
 * (its certificate id) and again by certificate-expiring: parsed once for both.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { certificateExpiring } from '../../src/analysis/rules/certificate-expiring.js';
import { certificateReactivated } from '../../src/analysis/rules/certificate-reactivated.js';
import { normalizeRecord } from '../../src/cloudtrail/normalize.js';
import { toIotEvent } from '../../src/iot/events.js';
import { SOON } from '../helpers/certificates.js';
import { runRule } from '../helpers/events.js';
import { record } from '../helpers/trail-tree.js';

const parses = vi.hoisted(() => ({ count: 0 }));

vi.mock('node:crypto', async (importOriginal) => {
  const crypto = await importOriginal<typeof import('node:crypto')>();
  class CountingX509Certificate extends crypto.X509Certificate {
    constructor(...args: ConstructorParameters<typeof crypto.X509Certificate>) {
      parses.count++;
      super(...args);
    }
  }
  return { ...crypto, X509Certificate: CountingX509Certificate };
});

const file = { key: 'k', source: 'src', accountId: null, region: null, deliveryDay: '2026-10-05', organizationId: null };

describe('the certificate of a register call without a logged response', () => {
  beforeEach(() => {
    parses.count = 0;
  });

  it('is parsed once for its id and for every rule that reads it', () => {
    const event = toIotEvent({
      record: normalizeRecord(record({ eventName: 'RegisterCertificateWithoutCA', requestParameters: { certificatePem: SOON, status: 'ACTIVE' }, responseElements: null }))!,
      file,
    });
    expect(event.resources.map((r) => r.type)).toEqual(['certificate']);
    expect(runRule(certificateExpiring, [event])[0]!.resource).toBe(event.resources[0]!.id);
    runRule(certificateReactivated, [event]);
    expect(parses.count).toBe(1);
  });
});
