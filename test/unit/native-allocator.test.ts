import { existsSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { NATIVE_ADDON, nativeAddon } from '../../src/native.js';

// glibc's own name for itself in Node's build report: the settings exist only there.
const glibc = typeof (process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined)?.header?.glibcVersionRuntime === 'string';

describe('tuneAllocator (the addon, on glibc)', () => {
  const tune = () => nativeAddon()?.tuneAllocator as ((...args: unknown[]) => boolean) | undefined;

  it.runIf(existsSync(NATIVE_ADDON) && glibc)('is exported, and glibc takes all three settings', () => {
    expect(typeof tune()).toBe('function');
    // mallopt answers 1 for each setting it took; the function says whether all three were (glibc's defaults here).
    expect(tune()?.(8 * 2, 128 * 1024, 128 * 1024)).toBe(true);
  });

  it.runIf(existsSync(NATIVE_ADDON) && glibc)('refuses anything but three positive whole numbers, with its usage', () => {
    expect(() => tune()?.(2, 1 << 21)).toThrow(/three positive whole numbers/);
    expect(() => tune()?.(2, 0, 1 << 22)).toThrow(/three positive whole numbers/);
    expect(() => tune()?.('2', 1 << 21, 1 << 22)).toThrow(/three positive whole numbers/);
  });
});

describe('tuneAllocator (src/native.ts)', () => {
  it('lets the run go on when the addon was built from other sources (its function throws)', async () => {
    vi.resetModules();
    const { tuneAllocator } = await import('../../src/native.js');
    const calls: unknown[][] = [];
    const addon = () => ({
      tuneAllocator: (...args: unknown[]) => {
        calls.push(args);
        throw new TypeError('tuneAllocator(): no arguments');
      },
    });
    expect(() => tuneAllocator({}, addon)).not.toThrow();
    // Asked once, with the three settings: at most two arenas, 2 MiB, 4 MiB.
    expect(calls).toEqual([[2, 2 << 20, 4 << 20]]);
    tuneAllocator({}, addon);
    expect(calls).toHaveLength(1);
  });

  it('keeps glibc defaults under IOT_AUDIT_MALLOC_DEFAULTS=1', async () => {
    vi.resetModules();
    const { tuneAllocator } = await import('../../src/native.js');
    let called = false;
    tuneAllocator({ IOT_AUDIT_MALLOC_DEFAULTS: '1' }, () => ({ tuneAllocator: () => (called = true) }));
    expect(called).toBe(false);
  });
});
