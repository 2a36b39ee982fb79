/**
 * bin/run.js catches Ctrl-C and SIGTERM while oclif loads `verify` (or `report` through oclif), and
 * the command's own handling takes over once it runs (2026-11-26 review: a signal in those ~200 ms
 * had its default action, exit 143 and no JSON error object). The child-process tests are in
 * test/integration/interrupt-start.test.ts.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { catchStopSignals, catchStopSignalsWhileLoading, jsonRequested } from '../../src/cli/failure.js';

const counts = () => [process.listenerCount('SIGINT'), process.listenerCount('SIGTERM')];

afterEach(() => vi.restoreAllMocks());

describe('jsonRequested: --json as oclif reads it', () => {
  it.each([
    [['--source', 'x', '--json'], {}, true],
    [['--source', 'x'], {}, false],
    [['--source', 'x', '--', '--json'], {}, false],
    [['--json', '--', 'x'], {}, true],
    [['--source', 'x'], { IOT_AUDIT_CONTENT_TYPE: 'JSON' }, true],
    [['--source', 'x'], { IOT_AUDIT_CONTENT_TYPE: 'text' }, false],
  ])('%j %j: %s', (argv, env, expected) => {
    expect(jsonRequested(argv, env)).toBe(expected);
  });
});

describe('catchStopSignalsWhileLoading', () => {
  it('exits 130 with the command’s error object under --json until the command catches the signals itself', () => {
    const before = counts();
    const exits: unknown[] = [];
    const out: string[] = [];
    vi.spyOn(process, 'exit').mockImplementation((code) => void exits.push(code) as never);
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (out.push(String(chunk)), true));
    catchStopSignalsWhileLoading('verify', ['--source', 'x', '--json'], {});
    expect(counts()).toEqual(before.map((n) => n + 1));
    process.emit('SIGTERM', 'SIGTERM');
    expect(exits).toEqual([130]);
    expect(JSON.parse(out.join(''))).toEqual({ error: { name: 'Interrupted', message: 'interrupted (SIGTERM): the check did not finish', exitCode: 130 } });

    // The command's handling replaces it: one listener each, the command's alone.
    const seen: string[] = [];
    const own = catchStopSignals((signal) => seen.push(signal));
    expect(counts()).toEqual(before.map((n) => n + 1));
    process.emit('SIGINT', 'SIGINT');
    expect([seen, exits]).toEqual([['SIGINT'], [130]]);
    own.remove();
    expect(counts()).toEqual(before);
  });

  it('without --json prints nothing; a second call replaces the first', () => {
    const before = counts();
    const exits: unknown[] = [];
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    vi.spyOn(process, 'exit').mockImplementation((code) => void exits.push(code) as never);
    catchStopSignalsWhileLoading('report', ['--source', 'x'], {});
    catchStopSignalsWhileLoading('report', ['--source', 'x'], {});
    expect(counts()).toEqual(before.map((n) => n + 1));
    process.emit('SIGINT', 'SIGINT');
    expect(exits).toEqual([130]);
    expect(write).not.toHaveBeenCalled();
    catchStopSignals(() => {}).remove();
    expect(counts()).toEqual(before);
  });
});
