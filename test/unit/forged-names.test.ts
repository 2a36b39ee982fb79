/**
 * Log text that names a property every object has (`constructor`, `__proto__`, `toString`…)
 * used as a key into a table of the code's own: it must find nothing, never a function or
 * a prototype that then travels into the model (where JSON drops it) or the HTML.
 */
import { describe, expect, it } from 'vitest';
import { certificateLifecycles } from '../../src/analysis/certificates.js';
import { policyHistories } from '../../src/analysis/policies.js';
import { normalizeRecord } from '../../src/cloudtrail/normalize.js';
import { resourcesOf } from '../../src/iot/resources.js';
import { certificateStatusBadge } from '../../src/render/view-kit.js';
import { iotEvent, resetEventIds } from '../helpers/events.js';

const NAMES = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__', 'isPrototypeOf'];

/** Whether a value survives a JSON round trip unchanged: no function, no prototype object, no undefined field. */
const plainData = (value: unknown) => expect(JSON.parse(JSON.stringify(value))).toEqual(value);

describe('log text naming an object property', () => {
  it.each(NAMES)('%s as an ARN resource type is an "other" resource', (name) => {
    const resources = resourcesOf('AttachPolicy', { policyName: 'p', target: `arn:aws:iot:eu-west-1:111111111111:${name}/x` }, null);
    expect(resources.every((r) => typeof r.type === 'string')).toBe(true);
    expect(resources.map((r) => r.type)).toEqual(['policy', 'other']);
    plainData(resources);
  });

  it.each(NAMES)('%s as a certificate status is a status change', (name) => {
    resetEventIds();
    const [lifecycle] = certificateLifecycles([
      iotEvent({ eventName: 'UpdateCertificate', requestParameters: { certificateId: 'c1', newStatus: name }, resources: [{ type: 'certificate', id: 'c1', arn: null }] }),
    ]);
    expect(lifecycle?.steps.map((s) => s.action)).toEqual(['status-changed']);
    plainData(lifecycle);
    expect(certificateStatusBadge(name)).toEqual({ label: name, cls: 'st-neutral' });
  });

  it.each(NAMES)('%s as the event name of a call naming a policy changes no policy', (name) => {
    resetEventIds();
    const histories = policyHistories([iotEvent({ eventName: name, requestParameters: { policyName: 'p', target: 'arn:aws:iot:eu-west-1:111111111111:cert/c1' } })]);
    expect(histories.flatMap((h) => h.changes)).toEqual([]);
    plainData(histories);
  });

  it.each(NAMES)('%s as a record key is just a key', (name) => {
    const record = normalizeRecord({ eventSource: 'iot.amazonaws.com', eventName: 'CreateThing', eventTime: '2026-10-05T10:00:00Z', [name]: 'x', [name.toUpperCase()]: 'y' });
    expect(record?.eventName).toBe('CreateThing');
    plainData({ ...record, actor: { ...record?.actor } });
  });
});
