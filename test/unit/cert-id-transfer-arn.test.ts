/**
 * A transfer's `transferredCertificateArn` is the certificate's ARN in the receiving account
 * once it accepts: while the transfer is pending, and after a rejection or cancellation, the
 * certificate is still the sender's, and so is its ARN (when a log gave it: none is made from
 * the receiving account's).
 */
import { describe, expect, it } from 'vitest';
import { certificateLifecycles } from '../../src/analysis/certificates.js';
import { normalizeRecord } from '../../src/cloudtrail/normalize.js';
import { compareEvents, toIotEvent } from '../../src/iot/events.js';
import type { IotEvent } from '../../src/types.js';
import { record } from '../helpers/trail-tree.js';

const A = '111111111111';
const B = '222222222222';
const CERT = 'f'.repeat(64);
const arnIn = (account: string) => `arn:aws:iot:us-east-1:${account}:cert/${CERT}`;
const file = { key: 'k', source: 'src', accountId: null, region: null, deliveryDay: '2026-10-05', organizationId: null };
let n = 0;
const ev = (account: string, eventName: string, requestParameters: Record<string, unknown>, responseElements: Record<string, unknown> | null = null): IotEvent => {
  n++;
  const eventTime = new Date(Date.parse('2026-10-05T10:00:00Z') + n * 60_000).toISOString().replace('.000Z', 'Z');
  return toIotEvent({
    record: normalizeRecord(record({ eventID: `t-${n}`, eventTime, recipientAccountId: account, eventName, requestParameters: { certificateId: CERT, ...requestParameters }, responseElements }))!,
    file,
  });
};
const transfer = () => ev(A, 'TransferCertificate', { targetAwsAccount: B }, { transferredCertificateArn: arnIn(B) });
const rows = (events: IotEvent[]) => certificateLifecycles(events.sort(compareEvents)).map((c) => [c.accountId, c.arn, c.lastKnownStatus]);

describe('the ARN of a transferred certificate', () => {
  it('stays the sender’s after a rejection (2026 review), a cancellation, or while pending', () => {
    // The sender's ARN as a call of its logged it.
    const attach = () => ev(A, 'AttachThingPrincipal', { thingName: 'dev-1', principal: arnIn(A) });
    expect(rows([attach(), transfer(), ev(B, 'RejectCertificateTransfer', { rejectReason: 'no' })])).toEqual([[A, arnIn(A), 'INACTIVE']]);
    expect(rows([attach(), transfer(), ev(A, 'CancelCertificateTransfer', {})])).toEqual([[A, arnIn(A), 'INACTIVE']]);
    expect(rows([attach(), transfer()])).toEqual([[A, arnIn(A), 'PENDING_TRANSFER']]);
    // No call logged it: not the receiving account's, nor one made from it (2026-12 review: ARNs only as logged).
    expect(rows([transfer(), ev(B, 'RejectCertificateTransfer', { rejectReason: 'no' })])).toEqual([[A, null, 'INACTIVE']]);
    expect(rows([transfer()])).toEqual([[A, null, 'PENDING_TRANSFER']]);
  });

  it('is the transferred ARN once the receiving account accepts', () => {
    expect(rows([transfer(), ev(B, 'AcceptCertificateTransfer', { setAsActive: true })])).toEqual([[B, arnIn(B), 'ACTIVE']]);
  });

  it('is not the transfer event’s resource ARN: only the certificate it names is taken from it', () => {
    expect(transfer().resources.map((r) => [r.type, r.id, r.arn])).toEqual([
      ['certificate', CERT, null],
      ['account', B, null],
    ]);
    // The transfer alone names the certificate: its id is still read from the transferred ARN.
    const bare = toIotEvent({
      record: normalizeRecord(record({ eventName: 'TransferCertificate', requestParameters: { targetAwsAccount: B }, responseElements: { transferredCertificateArn: arnIn(B) } }))!,
      file,
    });
    expect(bare.resources.map((r) => [r.type, r.id, r.arn])).toEqual([
      ['account', B, null],
      ['certificate', CERT, null],
    ]);
  });

  it('names the receiving account from the transferred ARN when the request does not (it said "to unknown account": 2026-11-26 review)', () => {
    const [lifecycle] = certificateLifecycles([ev(A, 'TransferCertificate', {}, { transferredCertificateArn: arnIn(B) }), ev(B, 'AcceptCertificateTransfer', { setAsActive: true })].sort(compareEvents));
    expect(lifecycle!.steps.map((s) => [s.action, s.detail])).toEqual([
      ['transfer-started', `to ${B}`],
      ['transfer-accepted', `in ${B}, ACTIVE`],
    ]);
    expect([lifecycle!.accountId, lifecycle!.lastKnownStatus]).toEqual([B, 'ACTIVE']);
  });
});
