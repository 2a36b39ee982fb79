import { describe, expect, it } from 'vitest';
import { normalizeRecord } from '../../src/cloudtrail/normalize.js';
import { shareRecordValues, sharedActor } from '../../src/cloudtrail/shared.js';
import { parseLogFast } from '../../src/collect/parse-fast.js';
import { parseLogBytes } from '../../src/collect/parse-log.js';
import { createParsePool } from '../../src/collect/pool.js';
import { collect } from '../../src/collect/run.js';
import { resolvePeriod } from '../../src/collect/period.js';
import { LocalStore } from '../../src/sources/local.js';
import { localPathOf } from '../../src/sources/open.js';
import type { CloudTrailRecord } from '../../src/types.js';
import { logKey, record, writeTree } from '../helpers/trail-tree.js';

// Memory at 100,000 IoT events: a record kept by the read holds its caller as the one actor
// object of that caller, not a copy per record (each a dozen strings). Until 2026-11-26 every
// record kept its own copy until the build, and a month read twice over (two sources) peaked
// at 426 MB where the same month read once took 358 MB.

const ACCT = '111122223333';
const october = resolvePeriod({ period: '2026-10', tz: 'UTC' }, new Date('2026-11-24T00:00:00Z'));
const role = (session: string) => ({
  type: 'AssumedRole',
  arn: `arn:aws:sts::${ACCT}:assumed-role/provisioner/${session}`,
  principalId: `AROAEXAMPLE:${session}`,
  accountId: ACCT,
  sessionContext: { attributes: { mfaAuthenticated: 'false' }, sessionIssuer: { type: 'Role', arn: `arn:aws:iam::${ACCT}:role/provisioner`, userName: 'provisioner' } },
});

function normalized(id: string, session: string): CloudTrailRecord {
  return normalizeRecord(record({ eventID: id, eventTime: '2026-10-05T10:00:00Z', userIdentity: role(session) }))!;
}

describe('shared record values', () => {
  it('sends the IoT records of one reply of a parse worker with one actor object per caller, on the fast path and the plain one', () => {
    const records = [
      record({ eventID: 'a', eventTime: '2026-10-05T10:00:00Z', userIdentity: role('ci') }),
      record({ eventID: 'x', eventTime: '2026-10-05T10:00:00Z', eventSource: 's3.amazonaws.com', eventName: 'GetObject', userIdentity: role('ci') }),
      record({ eventID: 'b', eventTime: '2026-10-05T10:00:01Z', userIdentity: role('ci') }),
      record({ eventID: 'c', eventTime: '2026-10-05T10:00:02Z', userIdentity: role('other') }),
    ];
    const compact = Buffer.from(JSON.stringify({ Records: records }));
    // Pretty-printed: the fast scan leaves it to the plain path, which normalizes every record.
    const pretty = Buffer.from(JSON.stringify({ Records: records }, null, 2));
    for (const parsed of [parseLogFast(compact), parseLogFast(pretty), parseLogBytes(compact)]) {
      // What a worker's reply becomes on the main thread: a structured clone of its records.
      const [a, b, c] = structuredClone(parsed.records);
      expect([a, b, c].map((r) => r!.eventId)).toEqual(['a', 'b', 'c']);
      expect(b!.actor).toBe(a!.actor);
      expect(c!.actor).not.toBe(a!.actor);
    }
  });

  it('gives records from different replies the one actor of their caller, their values unchanged', () => {
    const first = structuredClone([normalized('a', 'ci')])[0]!;
    const second = structuredClone([normalized('b', 'ci')])[0]!;
    const third = structuredClone([normalized('c', 'other')])[0]!;
    expect(second.actor).not.toBe(first.actor);
    const before = structuredClone([first, second, third]);
    for (const r of [first, second, third]) shareRecordValues(r);
    expect(second.actor).toBe(first.actor);
    expect(third.actor).not.toBe(first.actor);
    expect([first, second, third]).toStrictEqual(before);
    expect(sharedActor(first.actor)).toBe(first.actor);
  });

  it('keeps the records read by the parse workers with one actor per caller, across log files', async () => {
    const files: Record<string, unknown[]> = {};
    for (let i = 0; i < 6; i++) {
      const minute = String(10 + i).padStart(2, '0');
      files[logKey({ org: 'o-abcdefghij', account: ACCT, region: 'us-east-1', delivered: `2026-10-05T10:${minute}`, suffix: `f${i}`.padEnd(16, '0') })] = [
        record({ eventID: `e${i}a`, eventTime: `2026-10-05T10:${minute}:00Z`, userIdentity: role('ci') }),
        record({ eventID: `e${i}b`, eventTime: `2026-10-05T10:${minute}:01Z`, userIdentity: role(i % 2 === 0 ? 'ci' : 'other') }),
      ];
    }
    const store = new LocalStore(writeTree(files));
    const pool = createParsePool({ threads: 2 });
    try {
      const result = await collect({ stores: [store], period: october, lateDays: 1, concurrency: 4, parser: pool, localPath: localPathOf });
      const records = result.records.map((r) => r.record);
      expect(records).toHaveLength(12);
      const actors = new Set(records.map((r) => r.actor));
      expect(actors.size).toBe(2);
      expect(new Set(records.map((r) => r.actor.sessionName))).toEqual(new Set(['ci', 'other']));
    } finally {
      await pool.close();
    }
  });
});
