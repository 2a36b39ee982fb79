/**
 * Where a finding is, as every output names it: the region of its events, or all of them when
 * they are in several (new-source groups an account's changes of every region: its `region` is
 * `multiple`), never one region for events of three.
 */

/** "eu-west-1", or "3 regions: ap-northeast-1, eu-west-1, us-east-1". */
export function regionsText(regions: readonly string[]): string {
  return regions.length === 1 ? regions[0]! : `${regions.length} regions: ${regions.join(', ')}`;
}
