import { UsageError } from '../errors.js';
import { nativeAddon } from '../native.js';
import { MAX_LOG_BYTES, gunzipLog, inflateBound, recordedSize } from './parse-log.js';
import { keptSpace } from './read-kept.js';

/**
 * Gunzip with libdeflate, through the native addon when it was built with it (see
 * native/gunzip.h): ~1.3x the speed of Node's zlib on CloudTrail logs, into an output
 * buffer kept from one file to the next. Reports at scale 1 of `npm run bench` ran ~16%
 * faster with it (2.38 → 1.99 s, alternating runs against `IOT_AUDIT_GUNZIP=zlib`, which
 * keeps Node's zlib).
 *
 * It takes only the plain case (one gzip member, no header CRC, the size its trailer
 * records): everything else, damaged files included, is left to Node's zlib, which gives
 * the result or the error as it always did.
 */
type NativeGunzip = (input: Uint8Array, output: Uint8Array) => number;

/** What `nativeGunzipper` returns: a view of its kept space, or null for Node's zlib. */
export type Gunzipper = (bytes: Uint8Array) => Buffer | null;

export type GunzipPath = 'libdeflate' | 'zlib';


function exportedGunzip(): NativeGunzip | null {
  const fn = nativeAddon()?.gunzip;
  return typeof fn === 'function' ? (fn as NativeGunzip) : null;
}

/** Every gunzip `IOT_AUDIT_GUNZIP` may name, whether or not this machine has it. */
export const GUNZIP_PATH_NAMES: readonly GunzipPath[] = ['zlib', 'libdeflate'];

/**
 * The gunzip `IOT_AUDIT_GUNZIP` asks for, in any letter case; unset or empty: libdeflate where
 * the addon has it (`libdeflate`: whether it does), else zlib. A value that names neither, or
 * libdeflate where the addon lacks it, is a usage error naming the variable, the value and what
 * it may be, never a run that quietly gunzips another way. The main thread (`checkParseSwitches`)
 * and each parse worker (at this module's load, from its copy of the environment) ask the same.
 */
export function gunzipPathFromEnv(env: NodeJS.ProcessEnv, libdeflate: boolean = exportedGunzip() !== null): GunzipPath {
  const value = env.IOT_AUDIT_GUNZIP;
  if (value === undefined || value === '') return libdeflate ? 'libdeflate' : 'zlib';
  const name = value.toLowerCase() as GunzipPath;
  const setting = `IOT_AUDIT_GUNZIP=${JSON.stringify(value)}`;
  if (!GUNZIP_PATH_NAMES.includes(name)) {
    throw new UsageError(`${setting} is not a gunzip: set it to zlib or libdeflate${libdeflate ? '' : ' (this machine runs zlib only)'}, or unset it for the fastest`);
  }
  if (name === 'libdeflate' && !libdeflate) {
    throw new UsageError(`${setting} cannot run on this machine (no native addon with libdeflate here: install libdeflate-dev, then npm rebuild): set it to zlib, or unset it`);
  }
  return name;
}

const DEFAULT_PATH: GunzipPath = gunzipPathFromEnv(process.env);

/** How this process gunzips log files (the parse workers choose the same way: `gunzipPathFromEnv`). */
export function defaultGunzipPath(): GunzipPath {
  return DEFAULT_PATH;
}

/** Whether the addon here has the libdeflate gunzip, whatever IOT_AUDIT_GUNZIP says. */
export function hasNativeGunzip(): boolean {
  return exportedGunzip() !== null;
}

/**
 * A gunzip into space it reuses: each result is a view that is valid until its next call,
 * or null when Node's zlib must read the file (`gunzipLog`). Null itself when the addon
 * has no gunzip, or, unless `force`, when IOT_AUDIT_GUNZIP=zlib.
 */
export function nativeGunzipper(force = false): Gunzipper | null {
  const gunzip = exportedGunzip();
  if (gunzip === null || (!force && DEFAULT_PATH !== 'libdeflate')) return null;
  // Output space kept from one file to the next, as the worker's reads are (`keptSpace`).
  const space = keptSpace();
  return (bytes) => {
    const size = recordedSize(bytes);
    // A trailer that cannot be true, or a file too big to read (`MAX_LOG_BYTES`): zlib's business, which names it.
    if (size > inflateBound(bytes) || size > MAX_LOG_BYTES) return null;
    const out = space(size);
    const written = gunzip(bytes, out.subarray(0, size));
    return written < 0 ? null : out.subarray(0, written);
  };
}

/**
 * Gunzips a log file as the fast path does (the bench floor too): with `fast` when it takes
 * the file, else with Node's zlib (`gunzipLog`, which throws zlib's error on a broken one).
 * `reused`: the text lies in `fast`'s kept space, valid until its next call and never
 * released; zlib's buffer is the caller's to release (`releaseBuffer`). With `maxOutput`, zlib
 * stops there (ERR_BUFFER_TOO_LARGE, as past `MAX_LOG_BYTES`): a trailer can say anything.
 */
export function gunzipWith(fast: Gunzipper | null, bytes: Buffer, maxOutput?: number): { raw: Buffer; reused: boolean } {
  const inflated = maxOutput !== undefined && recordedSize(bytes) > maxOutput ? null : (fast?.(bytes) ?? null);
  return inflated !== null ? { raw: inflated, reused: true } : { raw: gunzipLog(bytes, maxOutput), reused: false };
}
