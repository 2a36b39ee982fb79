/**
 * IOT_AUDIT_SCAN_KERNEL and IOT_AUDIT_GUNZIP: a value that names no scan kernel or gunzip, or one
 * this machine cannot run, is a usage error (exit 2) naming the variable, the value and what it may
 * be. They were read as "wasm or not" and "zlib or not": `IOT_AUDIT_GUNZIP=libdefalte` or
 * `IOT_AUDIT_SCAN_KERNEL=avx2` on a machine without it ran as if unset, and said nothing.
 */
import { describe, expect, it } from 'vitest';
import { SCAN_PATH_NAMES, scanPathFromEnv, scanPaths } from '../../src/cloudtrail/scan.js';
import { checkParseSwitches } from '../../src/collect/pool.js';
import { GUNZIP_PATH_NAMES, gunzipPathFromEnv, hasNativeGunzip } from '../../src/collect/gunzip-native.js';
import { EXIT, UsageError } from '../../src/errors.js';

/** The usage error `run` throws (one line, exit 2). */
function usageError(run: () => unknown): UsageError {
  let thrown: unknown;
  try {
    run();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(UsageError);
  const error = thrown as UsageError;
  expect(error.exitCode).toBe(EXIT.USAGE);
  expect(error.message).not.toMatch(/\n/);
  return error;
}

describe('IOT_AUDIT_SCAN_KERNEL', () => {
  const everything = ['wasm', 'avx512', 'avx2'] as const;

  it('names every scan path there is: wasm and the native instruction sets', () => {
    expect([...SCAN_PATH_NAMES].sort()).toEqual([...everything].sort());
    for (const path of scanPaths()) expect(SCAN_PATH_NAMES).toContain(path);
  });

  it('unset or empty: the fastest this machine has (native first, fastest first)', () => {
    expect(scanPathFromEnv({}, ['wasm', 'avx512', 'avx2'])).toBe('avx512');
    expect(scanPathFromEnv({ IOT_AUDIT_SCAN_KERNEL: '' }, ['wasm', 'avx2'])).toBe('avx2');
    expect(scanPathFromEnv({}, ['wasm'])).toBe('wasm');
    expect(scanPathFromEnv({}, [])).toBe('wasm');
  });

  it('takes any path this machine has, in any letter case', () => {
    expect(scanPathFromEnv({ IOT_AUDIT_SCAN_KERNEL: 'wasm' }, ['wasm', 'avx512', 'avx2'])).toBe('wasm');
    expect(scanPathFromEnv({ IOT_AUDIT_SCAN_KERNEL: 'WASM' }, ['wasm'])).toBe('wasm');
    expect(scanPathFromEnv({ IOT_AUDIT_SCAN_KERNEL: 'avx2' }, ['wasm', 'avx512', 'avx2'])).toBe('avx2');
    expect(scanPathFromEnv({ IOT_AUDIT_SCAN_KERNEL: 'AVX512' }, ['wasm', 'avx512', 'avx2'])).toBe('avx512');
    // This machine's own paths, each.
    for (const path of scanPaths()) expect(scanPathFromEnv({ IOT_AUDIT_SCAN_KERNEL: path })).toBe(path);
  });

  it('refuses a value that names no path, naming the variable, the value and the paths', () => {
    const error = usageError(() => scanPathFromEnv({ IOT_AUDIT_SCAN_KERNEL: 'avx3' }, ['wasm', 'avx512', 'avx2']));
    expect(error.message).toBe('IOT_AUDIT_SCAN_KERNEL="avx3" is not a scan kernel: set it to wasm, avx512 or avx2, or unset it for the fastest');
    // What this machine runs, when it is not every path.
    expect(usageError(() => scanPathFromEnv({ IOT_AUDIT_SCAN_KERNEL: 'native' }, ['wasm', 'avx2'])).message).toBe(
      'IOT_AUDIT_SCAN_KERNEL="native" is not a scan kernel: set it to wasm, avx512 or avx2 (this machine runs wasm and avx2), or unset it for the fastest',
    );
    // The value as given, quoted: a stray space or a line break is seen, and the message stays one line.
    expect(usageError(() => scanPathFromEnv({ IOT_AUDIT_SCAN_KERNEL: 'wasm ' }, ['wasm'])).message).toMatch(/^IOT_AUDIT_SCAN_KERNEL="wasm " is not a scan kernel/);
    expect(usageError(() => scanPathFromEnv({ IOT_AUDIT_SCAN_KERNEL: 'wasm\navx2' }, ['wasm'])).message).toMatch(/^IOT_AUDIT_SCAN_KERNEL="wasm\\navx2" is not/);
  });

  it('refuses a path this machine cannot run, saying which it can', () => {
    expect(usageError(() => scanPathFromEnv({ IOT_AUDIT_SCAN_KERNEL: 'avx512' }, ['wasm', 'avx2'])).message).toBe(
      'IOT_AUDIT_SCAN_KERNEL="avx512" cannot run on this machine (this CPU, or the native addon\'s build, has no avx512 kernel): set it to wasm or avx2, or unset it for the fastest',
    );
    expect(usageError(() => scanPathFromEnv({ IOT_AUDIT_SCAN_KERNEL: 'avx2' }, ['wasm'])).message).toBe(
      'IOT_AUDIT_SCAN_KERNEL="avx2" cannot run on this machine (no native scan kernel runs here: not built, or this CPU has neither AVX2 nor AVX-512): set it to wasm, or unset it for the fastest',
    );
    // This machine's missing paths, if any.
    for (const path of everything.filter((p) => !scanPaths().includes(p))) {
      expect(usageError(() => scanPathFromEnv({ IOT_AUDIT_SCAN_KERNEL: path })).message).toMatch(/cannot run on this machine/);
    }
  });
});

describe('IOT_AUDIT_GUNZIP', () => {
  it('names both gunzips', () => {
    expect([...GUNZIP_PATH_NAMES].sort()).toEqual(['libdeflate', 'zlib']);
  });

  it('unset or empty: libdeflate where the addon has it, else zlib', () => {
    expect(gunzipPathFromEnv({}, true)).toBe('libdeflate');
    expect(gunzipPathFromEnv({ IOT_AUDIT_GUNZIP: '' }, true)).toBe('libdeflate');
    expect(gunzipPathFromEnv({}, false)).toBe('zlib');
    expect(gunzipPathFromEnv({})).toBe(hasNativeGunzip() ? 'libdeflate' : 'zlib');
  });

  it('takes zlib anywhere and libdeflate where the addon has it, in any letter case', () => {
    expect(gunzipPathFromEnv({ IOT_AUDIT_GUNZIP: 'zlib' }, true)).toBe('zlib');
    expect(gunzipPathFromEnv({ IOT_AUDIT_GUNZIP: 'ZLib' }, false)).toBe('zlib');
    expect(gunzipPathFromEnv({ IOT_AUDIT_GUNZIP: 'libdeflate' }, true)).toBe('libdeflate');
    expect(gunzipPathFromEnv({ IOT_AUDIT_GUNZIP: 'LIBDEFLATE' }, true)).toBe('libdeflate');
  });

  it('refuses a value that names no gunzip, naming the variable, the value and the gunzips', () => {
    expect(usageError(() => gunzipPathFromEnv({ IOT_AUDIT_GUNZIP: 'libdefalte' }, true)).message).toBe(
      'IOT_AUDIT_GUNZIP="libdefalte" is not a gunzip: set it to zlib or libdeflate, or unset it for the fastest',
    );
    expect(usageError(() => gunzipPathFromEnv({ IOT_AUDIT_GUNZIP: 'node' }, false)).message).toBe(
      'IOT_AUDIT_GUNZIP="node" is not a gunzip: set it to zlib or libdeflate (this machine runs zlib only), or unset it for the fastest',
    );
  });

  it('refuses libdeflate where the addon lacks it, saying how to get it', () => {
    expect(usageError(() => gunzipPathFromEnv({ IOT_AUDIT_GUNZIP: 'libdeflate' }, false)).message).toBe(
      'IOT_AUDIT_GUNZIP="libdeflate" cannot run on this machine (no native addon with libdeflate here: install libdeflate-dev, then npm rebuild): set it to zlib, or unset it',
    );
    if (!hasNativeGunzip()) usageError(() => gunzipPathFromEnv({ IOT_AUDIT_GUNZIP: 'libdeflate' }));
  });
});

describe('checkParseSwitches (the main thread, before a report or verify starts its workers)', () => {
  it('rejects either switch set wrong with the usage error, and takes them set right or unset', async () => {
    await expect(checkParseSwitches({ IOT_AUDIT_SCAN_KERNEL: 'avx3' })).rejects.toThrow(/^IOT_AUDIT_SCAN_KERNEL="avx3" is not a scan kernel/);
    await expect(checkParseSwitches({ IOT_AUDIT_GUNZIP: 'libdefalte' })).rejects.toBeInstanceOf(UsageError);
    await expect(checkParseSwitches({ IOT_AUDIT_SCAN_KERNEL: 'wasm', IOT_AUDIT_GUNZIP: 'zlib' })).resolves.toBeUndefined();
    await expect(checkParseSwitches({ IOT_AUDIT_SCAN_KERNEL: '', IOT_AUDIT_GUNZIP: '' })).resolves.toBeUndefined();
    await expect(checkParseSwitches({})).resolves.toBeUndefined();
  });
});
