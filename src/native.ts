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
