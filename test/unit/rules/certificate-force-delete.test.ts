import { beforeEach, describe, expect, it } from 'vitest';
import { certificateForceDelete as rule } from '../../../src/analysis/rules/certificate-force-delete.js';
import { iotEvent, resetEventIds, runRule, type EventInit } from '../../helpers/events.js';

const del = (forceDelete: unknown, extra: EventInit = {}): EventInit => ({
  eventName: 'DeleteCertificate',
  requestParameters: forceDelete === undefined ? { certificateId: 'c1' } : { certificateId: 'c1', forceDelete },
  ...extra,
});

const cases: { name: string; event: EventInit; hits: number }[] = [
  { name: 'fires on forceDelete true', event: del(true), hits: 1 },
  { name: 'fires on forceDelete "true"', event: del('true'), hits: 1 },
  { name: 'fires on forceDelete "TRUE"', event: del('TRUE'), hits: 1 },
  { name: 'silent on forceDelete false', event: del(false), hits: 0 },
  { name: 'silent on forceDelete "false"', event: del('false'), hits: 0 },
  { name: 'silent without forceDelete', event: del(undefined), hits: 0 },
  { name: 'silent on a failed force delete', event: del(true, { errorCode: 'CertificateStateException' }), hits: 0 },
  { name: 'silent on DeleteCACertificate', event: { eventName: 'DeleteCACertificate', requestParameters: { caCertificateId: 'ca', forceDelete: true } }, hits: 0 },
];

describe(rule.id, () => {
  beforeEach(resetEventIds);
  it.each(cases)('$name', ({ event, hits }) => {
    const result = runRule(rule, [iotEvent(event)]);
    expect(result).toHaveLength(hits);
    if (hits) expect(result[0]!.description).toContain('force-deleted 1 certificate on 2026-10-05: c1');
  });
});
