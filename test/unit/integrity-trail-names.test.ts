/**
 * The trails the Log integrity section names (2026-11-26 audit): it said "Trail: org_trail_us-east-1"
 * (HTML, PDF, `chains[].trails` in the report's JSON and in `verify --json`) for the trail `org_trail`
 * of home region us-east-1, and the auditor is told to run `get-trail-status --name <trail>`. A
 * digest's name is `<acct>_CloudTrail-Digest_<region>_<trailName>_<homeRegion>_<time>.json.gz`: a
 * trail name may contain `_` and end in something like a region, a region never holds `_`.
 */
import { describe, expect, it } from 'vitest';
import { parseDigestName, trailKey, trailLabel, trailOfKey, trailsOfKeys } from '../../src/integrity/keys.js';
import { parsePublicKeyList } from '../../src/integrity/public-keys.js';
import { toIntegrityReport } from '../../src/integrity/report.js';
import { verifyIntegrity } from '../../src/integrity/verify.js';
import { buildView } from '../../src/render/view.js';
import { LocalStore } from '../../src/sources/local.js';
import { buildDigestTree, generateRsaKeyPair } from '../helpers/digest-tree.js';
import { reportModel } from '../helpers/events.js';
import { tempFolders } from '../helpers/temp-folders.js';

const root = tempFolders('integrity-trail-names-');
const digest = (trail: string, home: string, tail = '.json.gz') =>
  `AWSLogs/o-a1b2c3d4e5/111122223333/CloudTrail-Digest/eu-west-1/2026/10/01/111122223333_CloudTrail-Digest_eu-west-1_${trail}_${home}_20261001T101731Z${tail}`;

describe('a trail name and home region from a digest name', () => {
  it.each([
    ['org_trail', 'us-east-1'],
    ['audit_trail_eu-west-1', 'us-east-1'],
    ['us-west-2', 'us-gov-west-1'],
    ['a_b_cn-north-1', 'cn-north-1'],
    ['logs.2026_eu-central-2', 'eu-central-2'],
  ])('%s of home region %s, hourly and backfill', (trail, home) => {
    for (const tail of ['.json.gz', '_backfill.json.gz', '.json']) {
      const name = parseDigestName(digest(trail, home, tail))!;
      expect([name.trailName, name.homeRegion, name.region]).toEqual([trail, home, 'eu-west-1']);
      expect(trailOfKey(trailKey(name))).toEqual({ trailName: trail, homeRegion: home });
    }
    expect(trailLabel(trailKey({ trailName: trail, homeRegion: home }))).toBe(`${trail} (home region ${home})`);
  });

  it('names each trail once, and each with its home region, two of one name in two home regions apart', () => {
    const keys = ['b_us-east-1', 'a_x_eu-west-1_us-east-1', 'b_eu-west-1', 'b_us-east-1'];
    expect(trailsOfKeys(keys)).toEqual({
      trails: ['a_x_eu-west-1', 'b'],
      trailHomeRegions: [
        { trail: 'a_x_eu-west-1', homeRegion: 'us-east-1' },
        { trail: 'b', homeRegion: 'eu-west-1' },
        { trail: 'b', homeRegion: 'us-east-1' },
      ],
    });
  });
});

describe('the trails a check names', () => {
  it('are the trail names, with their home regions, in `verify`, the report model and its Log integrity section', async () => {
    const keyPair = generateRsaKeyPair();
    const t = buildDigestTree({ root: root(), keyPair, sidecars: true, accounts: ['111111111111'], regions: ['eu-west-1'], trailName: 'audit_trail_eu-west-1', homeRegion: 'eu-central-2', firstWindowStart: new Date('2026-09-30T23:17:31Z'), hours: 26, logsInHour: () => 1 });
    const result = await verifyIntegrity({ stores: [new LocalStore(t.root)], start: new Date('2026-10-01T00:00:00Z'), end: new Date('2026-10-02T00:00:00Z'), publicKeys: parsePublicKeyList(t.publicKeyList) });
    expect(result.ok).toBe(true);
    const found = { trails: ['audit_trail_eu-west-1'], trailHomeRegions: [{ trail: 'audit_trail_eu-west-1', homeRegion: 'eu-central-2' }] };
    expect(result.chains).toEqual([expect.objectContaining(found)]);
    const integrity = toIntegrityReport(result, () => null, { eventsValid: 0, eventsModified: 0, eventsMissing: 0, eventsNotCovered: 0, eventsUnchecked: 0 });
    expect(integrity.chains).toEqual([expect.objectContaining(found)]);
    const view = buildView(reportModel({ integrity }), { paper: 'a4', media: 'screen' });
    const rows = view.integrity!.chains.chunks.flatMap((c) => c.rows);
    expect(rows.map((r) => r.trails.items)).toEqual([['audit_trail_eu-west-1 (home region eu-central-2)']]);
  }, 60_000);
});
