/**
 * Finding an organization's trail folders lists each account's folder: hundreds of accounts are
 * as many round trips to S3. They are listed several at once, and the answer is the same as one
 * at a time.
 */
import { describe, expect, it } from 'vitest';
import { discoverTrails } from '../../src/cloudtrail/layout.js';
import { discoverLocations, Lister } from '../../src/integrity/discover.js';
import { LocalStore } from '../../src/sources/local.js';
import { writeTree } from '../helpers/trail-tree.js';

const ORG = 'o-abcdefghij';
const ACCOUNTS = Array.from({ length: 40 }, (_, i) => String(100000000000 + i));

/** A local store whose listings each take a few milliseconds, counting how many run at once. */
class SlowStore extends LocalStore {
  inFlight = 0;
  mostAtOnce = 0;
  override async listChildren(prefix: string) {
    this.inFlight++;
    this.mostAtOnce = Math.max(this.mostAtOnce, this.inFlight);
    try {
      await new Promise((resolve) => setTimeout(resolve, 5));
      return await super.listChildren(prefix);
    } finally {
      this.inFlight--;
    }
  }
}

function tree(): string {
  const files: Record<string, string> = {};
  for (const account of ACCOUNTS) {
    for (const region of ['eu-west-1', 'us-east-1']) {
      files[`AWSLogs/${ORG}/${account}/CloudTrail/${region}/2026/10/01/${account}_CloudTrail_${region}_20261001T0005Z_AbCd.json.gz`] = '';
      files[`AWSLogs/${ORG}/${account}/CloudTrail-Digest/${region}/2026/10/01/${account}_CloudTrail-Digest_${region}_t_us-east-1_20261001T010000Z.json.gz`] = '';
    }
  }
  return writeTree(files);
}

describe('finding the trail folders of an organization of many accounts', () => {
  const root = tree();

  it('lists the accounts several at once, and finds every trail folder in order', async () => {
    const store = new SlowStore(root);
    const discovery = await discoverTrails(store);
    expect(store.mostAtOnce).toBeGreaterThanOrEqual(8);
    expect(discovery.locations.map((l) => `${l.accountId}/${l.region}`)).toEqual(ACCOUNTS.flatMap((a) => [`${a}/eu-west-1`, `${a}/us-east-1`]));
    expect(discovery.problems).toEqual([]);
    // Filters still hold.
    const one = await discoverTrails(new SlowStore(root), { accounts: [ACCOUNTS[7]], regions: ['us-east-1'] });
    expect(one.locations.map((l) => l.prefix)).toEqual([`AWSLogs/${ORG}/${ACCOUNTS[7]}/CloudTrail/us-east-1/`]);
  });

  it('lists the accounts digest and log folders several at once for the integrity check', async () => {
    const store = new SlowStore(root);
    const locations = await discoverLocations(store, new Lister());
    expect(store.mostAtOnce).toBeGreaterThanOrEqual(8);
    expect(locations.map((l) => [l.accountId, l.region, l.digestPrefix !== null, l.logPrefix !== null])).toEqual(
      ACCOUNTS.flatMap((a) => [
        [a, 'eu-west-1', true, true],
        [a, 'us-east-1', true, true],
      ]),
    );
  });
});
