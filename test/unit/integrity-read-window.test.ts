/**
 * report --verify checks every log file the read took. The read takes whole UTC delivery days
 * (`deliveryDays`); a period in another zone starts and ends inside such days, and a file filed
 * in the rest of them was read (an event of the period in it is reported) but was not checked:
 * a forged file there passed as "logs intact" (2026-11-26 review).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { runReport } from '../../src/pipeline/report.js';
import { addUnlistedLog, buildDigestTree, generateRsaKeyPair } from '../helpers/digest-tree.js';
import { reportOptions } from '../helpers/report-options.js';

const ACCOUNT = '111111111111';
const REGION = 'eu-west-1';
const roots: string[] = [];
afterEach(() => roots.splice(0).forEach((root) => rmSync(root, { recursive: true, force: true })));

/** A clean signed chain around the period (hourly digests from 2026-09-29T22:17Z, 5 days, each listing a log file); with `forgedAt`, one more log file no digest lists, filed then, holding an event of the period. */
function tree(forgedAt?: string) {
  const root = mkdtempSync(path.join(tmpdir(), 'iot-audit-read-window-'));
  roots.push(root);
  const built = buildDigestTree({ root, keyPair: generateRsaKeyPair(), accounts: [ACCOUNT], regions: [REGION], firstWindowStart: new Date('2026-09-29T22:17:31Z'), hours: 5 * 24, sidecars: true, logsInHour: () => 1 });
  writeFileSync(path.join(root, 'keys.json'), JSON.stringify(built.publicKeyList));
  let key: string | null = null;
  if (forgedAt !== undefined) {
    key = addUnlistedLog(built, ACCOUNT, REGION, new Date(forgedAt));
    const event = { eventVersion: '1.09', eventTime: '2026-10-01T10:00:00Z', eventSource: 'iot.amazonaws.com', eventName: 'DeletePolicy', eventID: 'forged-1', awsRegion: REGION, recipientAccountId: ACCOUNT, requestParameters: { policyName: 'p' }, userIdentity: { type: 'Root', accountId: ACCOUNT } };
    writeFileSync(built.file(key), gzipSync(JSON.stringify({ Records: [event] })));
  }
  return { root, key };
}

/** Tokyo's 2026-10-01 (2026-09-30T15:00Z to 2026-10-01T15:00Z) with one late day: delivery days 2026-09-30 to 2026-10-02 (UTC). */
function reportOf(root: string) {
  return runReport(
    reportOptions({
      sources: [root],
      accountsFile: undefined,
      period: { from: '2026-10-01', to: '2026-10-02', tz: 'Asia/Tokyo' },
      lateDays: 1,
      verify: { publicKeysFile: path.join(root, 'keys.json') },
    }),
  );
}

describe('report --verify over the delivery days the read took', () => {
  it.each([
    ['on the first UTC day, before the period starts', '2026-09-30T05:00:00Z'],
    ['on the late day, after the period end plus the late days', '2026-10-02T20:00:00Z'],
    ['inside the period (checked before too)', '2026-10-01T10:00:00Z'],
  ])('a forged log file filed %s is named, and the logs are not intact', async (_, filed) => {
    const { root, key } = tree(filed);
    const { model } = await reportOf(root);
    expect(model.events.map((e) => e.eventId)).toContain('forged-1');
    expect(model.integrity!.ok).toBe(false);
    expect(model.integrity!.problems.filter((p) => p.key.endsWith(path.basename(key!))).length).toBeGreaterThan(0);
  }, 60_000);

  it('with --late-days 0, the rest of the last UTC day after the period is read for late files only: a newest digest there without its signature is a warning, as on a late day', async () => {
    // A copy made at ~20:30Z on 2026-10-01, 5.5 hours after Tokyo's 2026-10-01 ended (15:00Z), without .sig sidecars.
    const root = mkdtempSync(path.join(tmpdir(), 'iot-audit-read-window-'));
    roots.push(root);
    const built = buildDigestTree({ root, keyPair: generateRsaKeyPair(), accounts: [ACCOUNT], regions: [REGION], firstWindowStart: new Date('2026-09-29T22:17:31Z'), hours: 46, sidecars: false, logsInHour: () => 1 });
    writeFileSync(path.join(root, 'keys.json'), JSON.stringify(built.publicKeyList));
    const { model } = await runReport(
      reportOptions({ sources: [root], accountsFile: undefined, period: { from: '2026-10-01', to: '2026-10-02', tz: 'Asia/Tokyo' }, lateDays: 0, now: new Date('2026-10-01T20:35:00Z'), verify: { publicKeysFile: path.join(root, 'keys.json') } }),
    );
    expect(model.integrity!.problems.filter((p) => p.severity === 'error').map((p) => `${p.kind}: ${p.message}`)).toEqual([]);
    expect(model.integrity!.ok).toBe(true);
    expect(model.integrity!.eventsUnchecked).toBe(model.events.filter((e) => e.integrity !== 'valid').length);
  }, 60_000);

  it('a clean chain over the same days passes: the wider window asks for no digest the trail lacks', async () => {
    const { root } = tree();
    const { model } = await reportOf(root);
    expect(model.integrity!.problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(model.integrity!.ok).toBe(true);
  }, 60_000);
});
