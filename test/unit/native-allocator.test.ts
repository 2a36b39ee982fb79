import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { NATIVE_ADDON, nativeAddon } from '../../src/native.js';

// glibc's own name for itself in Node's build report: the settings exist only there.
const glibc = typeof (process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined)?.header?.glibcVersionRuntime === 'string';

describe('tuneAllocator (the addon, on glibc)', () => {
  it.runIf(existsSync(NATIVE_ADDON) && glibc)('is exported and glibc takes both settings', () => {
    const tune = nativeAddon()?.tuneAllocator;
    expect(typeof tune).toBe('function');
    // mallopt answers 1 for each setting it took; the function says whether both were.
    expect((tune as () => boolean)()).toBe(true);
  });
});
