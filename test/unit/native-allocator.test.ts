import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
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
