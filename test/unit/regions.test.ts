import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolvePeriod } from '../../src/collect/period.js';
import { collect } from '../../src/collect/run.js';
import { parsePublicKeyList } from '../../src/integrity/public-keys.js';
import { verifyIntegrity } from '../../src/integrity/verify.js';
import { checkRegions } from '../../src/sources/athena/validate.js';
import { LocalStore } from '../../src/sources/local.js';
import { buildDigestTree, generateRsaKeyPair } from '../helpers/digest-tree.js';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

// Region codes of every partition, the European Sovereign Cloud's four-letter one included: a
// region the layout did not recognise was a folder never read, its logs left out without a word.
describe('region codes', () => {
  const regions = ['us-east-1', 'us-gov-west-1', 'cn-northwest-1', 'us-isob-east-1', 'il-central-1', 'eusc-de-east-1'];

  it('are accepted by --region', () => {
    expect(() => checkRegions(regions, '--region')).not.toThrow();
    for (const bad of ['us-east', 'Us-east-1', 'mars-1', 'us_east_1']) expect(() => checkRegions([bad], '--region'), bad).toThrow();
  });

  it('are read, and their digest chains checked, in every one', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'regions-'));
    dirs.push(root);
    const t = buildDigestTree({ root, keyPair: generateRsaKeyPair(), sidecars: true, accounts: ['111111111111'], regions: ['eusc-de-east-1', 'us-gov-west-1'], homeRegion: 'eusc-de-east-1' });
    const october = resolvePeriod({ from: '2026-10-01T00:00:00Z', to: '2026-10-02T00:00:00Z', tz: 'UTC' }, new Date('2026-11-25T00:00:00Z'));
    const read = await collect({ stores: [new LocalStore(root)], period: october, lateDays: 1, concurrency: 2 });
    expect(read.delivered.locations.map((l) => l.region)).toEqual(['eusc-de-east-1', 'us-gov-west-1']);
    expect(read.stats.filesRead).toBe(t.logs.filter((l) => l.hour >= 2).length);
    const checked = await verifyIntegrity({ stores: [new LocalStore(root)], start: new Date('2026-10-01T00:00:00Z'), end: new Date('2026-10-02T00:00:00Z'), publicKeys: parsePublicKeyList(t.publicKeyList) });
    expect(checked.ok).toBe(true);
    // The trail by its name, with its home region (a trail of eusc-de-east-1 logging us-gov-west-1 is a test's, not AWS's).
    expect(checked.chains.map((c) => [c.region, c.status, c.trails, c.trailHomeRegions])).toEqual([
      ['eusc-de-east-1', 'valid', ['org_trail-main'], [{ trail: 'org_trail-main', homeRegion: 'eusc-de-east-1' }]],
      ['us-gov-west-1', 'valid', ['org_trail-main'], [{ trail: 'org_trail-main', homeRegion: 'eusc-de-east-1' }]],
    ]);
  });
});
