/**
 * `verify` gives the integrity messages' times in the period's zone, `YYYY-MM-DD HH:MM:SS`, as
 * `report --verify` does: it wrote them in ISO 8601 UTC whatever --tz said, under a period label in
 * the zone (2026-11-26 review). The result's `from`, `to`, gaps and period stay ISO 8601 UTC.
 */
import { describe, expect, it } from 'vitest';
import { verifyInProcess } from '../helpers/verify-in-process.js';

const args = (tz: string) => ['--source', 'fixtures/org-trail', '--period', '2026-10', '--tz', tz, '--public-keys', 'fixtures/public-keys.json'];
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;

interface VerifyJson {
  period: { start: string; end: string };
  problems: { message: string; from: string | null; to: string | null }[];
  chains: { gaps: { from: string; to: string }[] }[];
}

describe('iot-audit verify: the times of its messages', () => {
  it('are in the period’s zone on the terminal, the checked span too', async () => {
    const paris = await verifyInProcess(args('Europe/Paris'));
    expect(paris.code).toBe(1);
    expect(paris.stdout).toContain('October 2026 (Europe/Paris)\nLog integrity 2026-10-01 00:00:00 – 2026-11-01 00:00:00: FAILED\n');
    // 00:41:17 UTC on 4 October is 02:41:17 in Paris (summer time); the period ends at midnight there.
    expect(paris.stdout).toContain('the chain ends at 2026-10-04 02:41:17: no digest after it up to 2026-11-01 00:00:00 (digests deleted, or logging or log file validation stopped)');
    const utc = await verifyInProcess(args('UTC'));
    expect(utc.stdout).toContain('Log integrity 2026-10-01 00:00:00 – 2026-11-01 00:00:00: FAILED\n');
    expect(utc.stdout).toContain('the chain ends at 2026-10-04 00:41:17: no digest after it up to 2026-11-01 00:00:00');
    expect(`${paris.stdout}${utc.stdout}`).not.toMatch(/\d\d:\d\d:\d\dZ/);
  });

  it('are in the zone in --json’s messages; its from, to, gaps and period stay ISO 8601 UTC', async () => {
    const run = await verifyInProcess([...args('Europe/Paris'), '--json']);
    expect(run.code).toBe(1);
    const json = JSON.parse(run.stdout) as VerifyJson;
    expect([json.period.start, json.period.end]).toEqual(['2026-09-30T22:00:00Z', '2026-10-31T23:00:00Z']);
    const end = json.problems.find((p) => p.message.startsWith('the chain ends at'))!;
    expect(end).toMatchObject({
      message: 'the chain ends at 2026-10-04 02:41:17: no digest after it up to 2026-11-01 00:00:00 (digests deleted, or logging or log file validation stopped)',
      from: '2026-10-04T00:41:17Z',
      to: '2026-10-31T23:00:00Z',
    });
    const gaps = json.chains.flatMap((c) => c.gaps);
    expect(gaps.length).toBeGreaterThan(0);
    for (const g of gaps) expect([g.from, g.to]).toEqual([expect.stringMatching(ISO), expect.stringMatching(ISO)]);
    for (const p of json.problems) for (const t of [p.from, p.to]) if (t !== null) expect(t).toMatch(ISO);
  });
});
