/**
 * Where a finding is, as every output names it: the region of its events, or all of them when
 * they are in several (new-source groups an account's changes of every region: its `region` is
 * `multiple`), never one region for events of three.
 */
import type { Finding } from '../report/model.js';

/** A finding's regions: its `regions`, else (a model made by hand, or older) its `region`. */
export function findingRegions(f: Pick<Finding, 'region' | 'regions'>): readonly string[] {
  return Array.isArray(f.regions) && f.regions.length > 0 ? f.regions : [f.region];
}

/** "eu-west-1", or "3 regions: ap-northeast-1, eu-west-1, us-east-1". */
export function regionsText(regions: readonly string[]): string {
  return regions.length === 1 ? regions[0]! : `${regions.length} regions: ${regions.join(', ')}`;
}
