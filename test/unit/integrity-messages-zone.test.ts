/**
 * The integrity problems' messages give their times as every other time of the report does, in
 * its zone (`YYYY-MM-DD HH:MM:SS`): they were UTC ISO 8601 beside a Gaps column in the zone
 * (2026-11-26 reviews). The problems' `from` and `to`, and the gaps, stay ISO 8601 UTC.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runReport } from '../../src/pipeline/report.js';
import { ROOT, reportOptions } from '../helpers/report-options.js';

const verify = { publicKeysFile: path.join(ROOT, 'fixtures/public-keys.json') };
const chainEnd = (tz: string) =>
  runReport(reportOptions({ period: { period: '2026-10', tz }, verify })).then(({ model }) => model.integrity!.problems.find((p) => p.message.startsWith('the chain ends at'))!);

describe('integrity messages in the report', () => {
  it('are in the report’s zone, as the rest of the report', async () => {
    const paris = await chainEnd('Europe/Paris');
    // 00:41:17 UTC on 4 October is 02:41:17 in Paris (summer time); the check runs to 2 November 00:00 UTC, 01:00 there.
    expect(paris.message).toBe('the chain ends at 2026-10-04 02:41:17: no digest after it up to 2026-11-02 01:00:00 (digests deleted, or logging or log file validation stopped)');
    const utc = await chainEnd('UTC');
    expect(utc.message).toBe('the chain ends at 2026-10-04 00:41:17: no digest after it up to 2026-11-02 00:00:00 (digests deleted, or logging or log file validation stopped)');
  });

  it('leave the gaps’ times in ISO 8601 UTC, the data', async () => {
    const { model } = await runReport(reportOptions({ period: { period: '2026-10', tz: 'Europe/Paris' }, verify }));
    const gaps = model.integrity!.chains.flatMap((c) => c.gaps);
    expect(gaps.length).toBeGreaterThan(0);
    for (const g of gaps) expect([g.from, g.to]).toEqual([expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/), expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/)]);
  });
});
