/**
 * Where a certificate is: its account, region and id, as one key. A certificate lives in each
 * account and region it is registered in, so one id can be several certificates' (a lifecycle
 * each); the Policies section detaches a deleted one by this key and the report view anchors
 * certificates by it.
 */
export function certificatePlace(accountId: string, region: string, certificateId: string): string {
  return `${accountId}\u0000${region}\u0000${certificateId}`;
}
