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

/**
 * Asks glibc's malloc to give back what a run frees (the addon's `tuneAllocator`: at most two
 * arenas, blocks of 1 MiB or more mapped apart): once per process, before the parse workers
 * start, so their threads' allocations follow. Without the addon, or on another C library,
 * nothing changes. A month of 100,000 IoT events in every format peaked at 357-368 MB against
 * 381-386 MB (3 runs each; the same settings through MALLOC_ARENA_MAX and
 * MALLOC_MMAP_THRESHOLD_ gave 363-368 MB); the bench's scale 1, `json,html`, 4 rounds
 * alternating: 1.98-2.08 against 2.01-2.27 s, 141-143 against 145-150 MB.
 * IOT_AUDIT_MALLOC_DEFAULTS=1 keeps glibc's defaults (to measure the difference).
 */
export function tuneAllocator(env: NodeJS.ProcessEnv = process.env): void {
  if (tuned || env.IOT_AUDIT_MALLOC_DEFAULTS === '1') return;
  tuned = true;
  const tune = nativeAddon()?.tuneAllocator;
  if (typeof tune === 'function') tune();
}
