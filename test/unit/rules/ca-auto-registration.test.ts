import { beforeEach, describe, expect, it } from 'vitest';
import { caAutoRegistration as rule } from '../../../src/analysis/rules/ca-auto-registration.js';
import type { RuleHit } from '../../../src/analysis/rules/types.js';
import { iotEvent, resetEventIds, runRule, type EventInit } from '../../helpers/events.js';

interface Case {
  name: string;
  event: EventInit;
  hits: number;
  check?: (hits: RuleHit[]) => void;
}

const register = (allowAutoRegistration: unknown, extra: EventInit = {}): EventInit => ({
  eventName: 'RegisterCACertificate',
  requestParameters: { caCertificate: '-----BEGIN…', allowAutoRegistration, registrationConfig: { templateName: 'jitp' } },
  responseElements: { certificateArn: 'arn:aws:iot:eu-west-1:111111111111:cacert/ca42', certificateId: 'ca42' },
  ...extra,
});

const cases: Case[] = [
  {
    name: 'fires on RegisterCACertificate with allowAutoRegistration true',
    event: register(true),
    hits: 1,
    check: ([hit]) => {
      expect(hit!.resource).toBe('ca42');
      expect(hit!.description).toContain('registration template "jitp"');
    },
  },
  { name: 'fires on allowAutoRegistration as the string "true"', event: register('true'), hits: 1 },
  {
    name: 'fires on UpdateCACertificate enabling auto-registration',
    event: { eventName: 'UpdateCACertificate', requestParameters: { caCertificateId: 'ca7', newAutoRegistrationStatus: 'ENABLE' } },
    hits: 1,
    check: ([hit]) => expect(hit!.resource).toBe('ca7'),
  },
  { name: 'silent on allowAutoRegistration false', event: register(false), hits: 0 },
  { name: 'silent when auto-registration is not said', event: register(undefined), hits: 0 },
  { name: 'silent on disabling auto-registration', event: { eventName: 'UpdateCACertificate', requestParameters: { caCertificateId: 'ca7', newAutoRegistrationStatus: 'DISABLE' } }, hits: 0 },
  { name: 'silent on a failed registration', event: register(true, { errorCode: 'UnauthorizedException' }), hits: 0 },
];

describe(rule.id, () => {
  beforeEach(resetEventIds);
  it.each(cases)('$name', ({ event, hits, check }) => {
    const result = runRule(rule, [iotEvent(event)]);
    expect(result).toHaveLength(hits);
    check?.(result);
  });
});
