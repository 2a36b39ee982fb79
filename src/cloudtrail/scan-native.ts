import { nativeAddon as addon } from '../native.js';
import type { KernelOutput } from './scan-kernel.js';

/**
 * The scan built as a Node addon (native/scan.cc): the same algorithm as the WebAssembly
 * kernel and the candidate rules of scan.ts, with AVX-512 or AVX2, on the gunzipped text
 * where it lies (the WebAssembly kernel first copies each file into its memory). ~1.6x the
 * WebAssembly kernel's speed on this project's bench machine (bench/scan-kernel.mjs).
 *
 * Optional: `npm install` builds it when a C++ compiler and Node's headers are there
 * (scripts/build-native.mjs), and the tool runs without it, on the WebAssembly kernel,
 * when it is missing, fails to load or the CPU has neither instruction set.
 *
 * The addon exports, for each instruction set this CPU has: `<isa>` (the kernel alone:
 * input, records as start/end pairs, hits, counts[2] -> status) and `<isa>Records` (the
 * whole scan but the parsing: input, records, hits, candidates, counts[1] -> record count
 * or -1).
 */
type NativeScan = (input: Uint8Array, records: Int32Array, hits: Int32Array, counts: Uint32Array) => number;
type NativeRecords = (input: Uint8Array, records: Int32Array, hits: Int32Array, candidates: Int32Array, counts: Uint32Array) => number;

/** The instruction sets, fastest first. */
const ISAS = ['avx512', 'avx2'] as const;
export type NativeIsa = (typeof ISAS)[number];

/** The instruction sets the addon can scan with on this CPU (none when it is not built, or built before both exports existed). */
export function nativeIsas(): NativeIsa[] {
  const exports = addon();
  return exports === null ? [] : ISAS.filter((isa) => typeof exports[isa] === 'function' && typeof exports[`${isa}Records`] === 'function');
}

/** The addon's function `<isa><suffix>` for `isa` (the fastest by default), or null. */
function exported<T>(isa: NativeIsa | undefined, suffix: '' | 'Records'): T | null {
  const chosen = isa ?? nativeIsas()[0];
  const fn = chosen === undefined ? undefined : addon()?.[`${chosen}${suffix}`];
  return typeof fn === 'function' ? (fn as T) : null;
}

/** Scratch ints (4 bytes each) kept from one file to the next: enough for a 32 MB log. */
const KEEP_INTS = 2 * ((32 << 20) >>> 5);

/**
 * `scratch` when it holds `n` ints, else a new array: space grown for one big file (a 64 MB
 * log needs ~24 MB) is not kept for the small ones after it.
 */
function atLeast(scratch: Int32Array<ArrayBuffer>, n: number): Int32Array<ArrayBuffer> {
  return scratch.length >= n && (scratch.length <= KEEP_INTS || n > KEEP_INTS) ? scratch : new Int32Array(Math.max(n, 8192));
}

/**
 * The native kernel alone for `isa` (the fastest available by default), or null without
 * the addon: what `runWasmKernel` does, for tests and bench/scan-kernel.mjs. Its outputs
 * are views of arrays it reuses: valid until its next call.
 */
export function nativeKernel(isa?: NativeIsa): ((bytes: Uint8Array) => KernelOutput) | null {
  const scan = exported<NativeScan>(isa, '');
  if (scan === null) return null;
  let records = new Int32Array(0);
  let hits = new Int32Array(0);
  const counts = new Uint32Array(2);
  return (bytes) => {
    // The WebAssembly kernel's limits, so both say OVERFLOW for the same files.
    const recordCap = (bytes.length >>> 5) + 64;
    const hitCap = (bytes.length >>> 4) + 64;
    records = atLeast(records, 2 * recordCap);
    hits = atLeast(hits, hitCap);
    const status = scan(bytes, records.subarray(0, 2 * recordCap), hits.subarray(0, hitCap), counts);
    if (status !== 0) return { status, records: new Int32Array(0), hits: new Int32Array(0) };
    return { status, records: records.subarray(0, 2 * counts[0]), hits: hits.subarray(0, counts[1]) };
  };
}

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
  const scan = exported<NativeRecords>(isa, 'Records');
  if (scan === null) return null;
  let records = new Int32Array(0);
  let candidates = new Int32Array(0);
  let hits = new Int32Array(0);
  const counts = new Uint32Array(1);
  return (bytes) => {
    // The room the kernel and the candidates need (scanRecords in native/scan-records.h).
    const recordInts = 2 * ((bytes.length >>> 5) + 64);
    records = atLeast(records, recordInts);
    candidates = atLeast(candidates, recordInts);
    hits = atLeast(hits, (bytes.length >>> 4) + 64);
    const recordCount = scan(bytes, records, hits, candidates, counts);
    return recordCount < 0 ? null : { recordCount, candidates: candidates.subarray(0, 2 * counts[0]) };
  };
}
