import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/**
 * The optional Node addon built from native/ by `npm install` (scripts/build-native.mjs):
 * the scan kernel (src/cloudtrail/scan-native.ts) and, when libdeflate was found, a gunzip
 * (src/collect/gunzip-native.ts). The tool runs without it, more slowly.
 */

/** Where `npm install` puts the addon, from src/ or dist/. */
export const NATIVE_ADDON = fileURLToPath(new URL('../native/build/Release/scan.node', import.meta.url));

let loaded: Record<string, unknown> | null | undefined;

/** The addon's exports, or null when it is not built or does not load (IOT_AUDIT_NO_NATIVE=1 at install removes it). */
export function nativeAddon(): Record<string, unknown> | null {
  if (loaded === undefined) {
    try {
      loaded = createRequire(import.meta.url)(NATIVE_ADDON) as Record<string, unknown>;
    } catch {
      loaded = null;
    }
  }
  return loaded;
}

let tuned = false;

/** malloc's arenas: glibc makes up to 8 per core, one for each thread that meets another in malloc. */
const ARENA_MAX = 2;
/**
 * Blocks from this size on get their own mapping, given back when freed. Above the 1 MiB
 * chunks the windowed gunzip makes (src/collect/parse-windows.ts): at exactly 1 MiB each chunk
 * was mapped and faulted in anew, and sixteen 286 MB logs took 3.1 against 1.1 s of system time.
 */
const MMAP_THRESHOLD = 2 << 20;
/** Free space at the top of an arena past this is given back: twice the mapping threshold, as glibc's own adjustment sets it. */
const TRIM_THRESHOLD = 2 * MMAP_THRESHOLD;

/**
 * Asks glibc's malloc to give back what a run frees, once per process, before the parse workers
 * start, so their threads' allocations follow. By default glibc keeps freed space in its arenas
 * (one per thread that meets another in malloc: the parse workers, libuv's pool, V8's platform
 * threads), and each time a mapped block is freed it raises the size from which blocks are
 * mapped, up to 32 MiB, so that later large blocks come from an arena that never shrinks. The
 * addon's `tuneAllocator` sets at most two arenas and a fixed mapping threshold (above).
 * Without the addon, or on another C library, nothing changes. Measured: docs/performance.md.
 * IOT_AUDIT_MALLOC_DEFAULTS=1 keeps glibc's defaults (to measure the difference).
 */
export function tuneAllocator(env: NodeJS.ProcessEnv = process.env, addon: () => Record<string, unknown> | null = nativeAddon): void {
  if (tuned || env.IOT_AUDIT_MALLOC_DEFAULTS === '1') return;
  tuned = true;
  const tune = addon()?.tuneAllocator;
  try {
    if (typeof tune === 'function') tune(ARENA_MAX, MMAP_THRESHOLD, TRIM_THRESHOLD);
  } catch {
    // An addon built from other sources (its tuneAllocator takes other arguments): glibc's defaults, the run goes on.
  }
}
