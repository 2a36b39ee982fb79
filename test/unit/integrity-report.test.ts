import { describe, expect, it } from 'vitest';
import { countEvents, logFileIntegrity, toIntegrityReport } from '../../src/integrity/report.js';
import type { IntegrityChainResult, IntegrityResult } from '../../src/integrity/types.js';

function chain(over: Partial<IntegrityChainResult>): IntegrityChainResult {
  return {
    source: './logs',
    organizationId: 'o-a1b2c3d4e5',
    accountId: '111111111111',
    region: 'eu-west-1',
    trails: ['org'],
    trailHomeRegions: [{ trail: 'org', homeRegion: 'us-east-1' }],
    digestsValid: 24,
    digestsInvalid: 0,
    digestsMissing: 0,
    digestsUnverified: 0,
    logFilesValid: 10,
    logFilesModified: 0,
    logFilesMissing: 0,
    logFilesNotCovered: 0,
    logFilesUnverified: 0,
    gaps: [],
    coveredFrom: '2026-10-01T00:00:00Z',
    coveredTo: '2026-10-02T00:00:00Z',
    status: 'valid',
    ...over,
  };
}

const result: IntegrityResult = {
  ok: false,
  period: { start: '2026-10-01T00:00:00Z', end: '2026-10-02T00:00:00Z' },
  chains: [
    chain({ accountId: '222222222222', region: 'us-east-1' }),
    chain({}),
    // Same account and region from a second source: merged into one row.
    chain({
      source: 's3://copy',
      digestsValid: 1,
      digestsMissing: 2,
      logFilesMissing: 1,
      gaps: [{ trail: 'org', from: '2026-10-01T05:00:00Z', to: '2026-10-01T07:00:00Z', reason: 'digests-missing' }],
      status: 'incomplete',
    }),
  ],
  problems: [
    { kind: 'digest-missing', severity: 'error', source: 's3://copy', accountId: '111111111111', region: 'eu-west-1', trail: 'org', key: 'k1', from: null, to: null, message: 'digest not found' },
    { kind: 'digest-signature-unavailable', severity: 'warning', source: './logs', accountId: '111111111111', region: 'eu-west-1', trail: 'org', key: 'k2', from: null, to: null, message: 'newest digest' },
  ],
  logFiles: new Map([['AWSLogs/a.json.gz', 'modified']]),
  notes: ['a note'],
  stats: { digestsRead: 0, logFilesRead: 0, bytesRead: 0, listings: 0 },
};

/** Events counted as `countEvents` counts them: `unchecked` of them from files the check could not prove, the rest valid. */
const events = (unchecked: number) => ({ eventsValid: 5, eventsModified: 0, eventsMissing: 0, eventsNotCovered: 0, eventsUnchecked: unchecked });

describe('toIntegrityReport', () => {
  it('gives one row per account and region, every problem, warnings marked', () => {
    const report = toIntegrityReport(result, (id) => (id === '111111111111' ? 'Prod' : null), events(0));
    expect(report.ok).toBe(false);
    expect(report.chains).toEqual([
      {
        accountId: '111111111111',
        accountName: 'Prod',
        region: 'eu-west-1',
        trails: ['org'],
        trailHomeRegions: [{ trail: 'org', homeRegion: 'us-east-1' }],
        digestsValid: 25,
        digestsInvalid: 0,
        digestsMissing: 2,
        digestsUnverified: expect.any(Number),
        logFilesValid: 20,
        logFilesModified: 0,
        logFilesMissing: 1,
        logFilesNotCovered: 0,
        logFilesUnverified: expect.any(Number),
        gaps: [{ from: '2026-10-01T05:00:00Z', to: '2026-10-01T07:00:00Z' }],
        status: 'incomplete',
      },
      expect.objectContaining({ accountId: '222222222222', accountName: null, region: 'us-east-1', status: 'valid' }),
    ]);
    expect(report.problems).toEqual([
      { kind: 'digest-missing', severity: 'error', accountId: '111111111111', region: 'eu-west-1', key: 'k1', message: 'digest not found' },
      { kind: 'digest-signature-unavailable', severity: 'warning', accountId: '111111111111', region: 'eu-west-1', key: 'k2', message: 'newest digest' },
    ]);
    expect(report.notes[0]).toBe('a note');
    expect(report.notes[1]).toMatch(/1 of the problems listed are warnings/);
  });

  it('gives its verdict once, from the events it could not prove: none is ever replaced afterwards', () => {
    const passed: IntegrityResult = { ...result, ok: true, chains: [chain({})], problems: [] };
    const all = toIntegrityReport(passed, () => null, events(0));
    expect([all.verdict, all.eventsUnchecked]).toEqual(['verified', 0]);
    const some = toIntegrityReport(passed, () => null, events(3));
    expect([some.verdict, some.eventsUnchecked, some.eventsValid]).toEqual(['verified-in-part', 3, 5]);
    // A failed check stays failed (or incomplete) whatever the events.
    expect(toIntegrityReport(result, () => null, events(3)).verdict).toBe('incomplete');
  });

  it('gives a log file the status the check found, else unverified', () => {
    expect(logFileIntegrity(result, 'AWSLogs/a.json.gz')).toBe('modified');
    expect(logFileIntegrity(result, 'AWSLogs/other.json.gz')).toBe('unverified');
  });
});

describe('countEvents', () => {
  it('counts every event once, by its log file\'s status: the unchecked (Athena\'s too) apart from those of files that failed', () => {
    const statuses = ['valid', 'valid', 'modified', 'missing', 'not-covered', 'not-covered', 'no-digests', 'unverified', null] as const;
    expect(countEvents(statuses.map((integrity) => ({ integrity })))).toEqual({ eventsValid: 2, eventsModified: 1, eventsMissing: 1, eventsNotCovered: 2, eventsUnchecked: 3 });
  });
});
