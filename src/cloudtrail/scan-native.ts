import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/**
 * The scan kernel built as a Node addon (native/scan.cc): the same algorithm as the
 * WebAssembly kernel, with AVX-512 or AVX2, on the gunzipped text where it lies (the
 * WebAssembly kernel first copies each file into its memory). ~1.6x the WebAssembly
 * kernel's speed on this project's bench machine (bench/scan-kernel.mjs).
 *
 * Optional: `npm install` builds it when a C++ compiler and Node's headers are there
 * (scripts/build-native.mjs), and the tool runs without it, on the WebAssembly kernel,
 * when it is missing, fails to load or the CPU has neither instruction set.
 */

/** One native kernel: (input, records as start/end pairs, hits, counts[2]) -> status. */
type NativeScan = (input: Uint8Array, records: Int32Array, hits: Int32Array, counts: Uint32Array) => number;

/** Where `npm install` puts the addon, from src/cloudtrail or dist/cloudtrail. */
export const NATIVE_ADDON = fileURLToPath(new URL('../../native/build/Release/scan.node', import.meta.url));

/** The instruction sets, fastest first. */
const ISAS = ['avx512', 'avx2'] as const;
export type NativeIsa = (typeof ISAS)[number];

let loaded: Partial<Record<NativeIsa, NativeScan>> | null | undefined;

function addon(): Partial<Record<NativeIsa, NativeScan>> | null {
  if (loaded === undefined) {
    try {
      loaded = createRequire(import.meta.url)(NATIVE_ADDON) as Partial<Record<NativeIsa, NativeScan>>;
    } catch {
      loaded = null;
    }
  }
  return loaded;
}

/** The instruction sets the addon can scan with on this CPU (none when it is not built). */
export function nativeIsas(): NativeIsa[] {
  const exports = addon();
  return exports === null ? [] : ISAS.filter((isa) => typeof exports[isa] === 'function');
}

export interface NativeKernelOutput {
  status: number;
  records: Int32Array;
  hits: Int32Array;
}

/**
 * A scan function for `isa` (the fastest available by default), or null without the
 * addon. Its outputs are views of buffers it reuses: valid until its next call.
 */
export function nativeKernel(isa?: NativeIsa): ((bytes: Uint8Array) => NativeKernelOutput) | null {
  const exports = addon();
  const chosen = isa ?? nativeIsas()[0];
  const scan = chosen === undefined ? undefined : exports?.[chosen];
  if (scan === undefined) return null;
  let records = new Int32Array(8192);
  let hits = new Int32Array(4096);
  const counts = new Uint32Array(2);
  const empty = new Int32Array(0);
  return (bytes) => {
    const length = bytes.length;
    // The WebAssembly kernel's limits, so both say OVERFLOW for the same files.
    const recordCap = (length >>> 5) + 64;
    const hitCap = (length >>> 4) + 64;
    if (records.length < 2 * recordCap) records = new Int32Array(2 * recordCap);
    if (hits.length < hitCap) hits = new Int32Array(hitCap);
    const status = scan(bytes, records.subarray(0, 2 * recordCap), hits.subarray(0, hitCap), counts);
    if (status !== 0) return { status, records: empty, hits: empty };
    return { status, records: records.subarray(0, 2 * counts[0]), hits: hits.subarray(0, counts[1]) };
  };
}

/** One native record scan: (input, records, hits, candidates, counts) -> record count or -1. */
type NativeRecords = (input: Uint8Array, records: Int32Array, hits: Int32Array, candidates: Int32Array, counts: Uint32Array) => number;

export interface NativeRecordScan {
  recordCount: number;
  /** Start and end (inclusive) byte offsets of the records that may be IoT records, flattened; valid until the next call. */
  candidates: Int32Array;
}

/**
 * The whole of `scanRecordsBytes` but the parsing, natively (native/scan-records.h): the
 * wrapper checks, the kernel, and which records may be IoT records. Null without the
 * addon; the function returns null for a file the plain path must read.
 */
export function nativeRecordScanner(isa?: NativeIsa): ((bytes: Uint8Array) => NativeRecordScan | null) | null {
  const chosen = isa ?? nativeIsas()[0];
  const exports = addon() as Record<string, NativeRecords | undefined> | null;
  const scan = chosen === undefined ? undefined : exports?.[`records${chosen === 'avx512' ? 'Avx512' : 'Avx2'}`];
  if (scan === undefined) return null;
  let records = new Int32Array(8192);
  let candidates = new Int32Array(8192);
  let hits = new Int32Array(4096);
  const counts = new Uint32Array(1);
  return (bytes) => {
    const recordInts = 2 * ((bytes.length >>> 5) + 64);
    const hitInts = (bytes.length >>> 4) + 64;
    if (records.length < recordInts) {
      records = new Int32Array(recordInts);
      candidates = new Int32Array(recordInts);
    }
    if (hits.length < hitInts) hits = new Int32Array(hitInts);
    const recordCount = scan(bytes, records, hits, candidates, counts);
    const result = recordCount < 0 ? null : { recordCount, candidates: candidates.subarray(0, 2 * counts[0]) };
    // Space grown for one big file (a 64 MB log needs ~24 MB) is not kept for the small ones after it.
    if (records.length > KEEP_INTS) {
      records = new Int32Array(8192);
      candidates = new Int32Array(8192);
      hits = new Int32Array(4096);
    }
    return result;
  };
}

/** Scratch ints (4 bytes each) kept between files: enough for a 32 MB log. */
const KEEP_INTS = 2 * ((32 << 20) >>> 5);
