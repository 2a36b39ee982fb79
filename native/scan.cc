// Native build of the scan kernel (src/cloudtrail/scan-kernel.ts): the same structural
// pass over a compact CloudTrail log, with x86-64 AVX-512 or AVX2 instead of WebAssembly's
// 128-bit vectors, reading the gunzipped text where it is (no copy into a WebAssembly
// memory). It is optional: without a compiler at install, or on another CPU, the tool
// uses the WebAssembly kernel, which gives the same results.
//
// Exports, for each instruction set this CPU has (avx512, avx2): `<isa>`, the kernel alone,
// and `<isa>Records`, the whole scan but the parsing (see Scan and Records below). When
// built with libdeflate (binding.gyp), also `gunzip` (see gunzip.h). With glibc,
// `tuneAllocator` (below).
#include <node_api.h>
#include <stdint.h>
#include <string.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "scan-kernels.h"
#include "scan-records.h"
#ifdef IOT_AUDIT_LIBDEFLATE
#include "gunzip.h"
#endif

namespace {

// The callback's typed-array arguments, of the given types, in order; false (a TypeError
// thrown, naming `usage`) when there are fewer or of another type.
template <size_t n>
bool typedArgs(napi_env env, napi_callback_info info, const napi_typedarray_type (&types)[n], void* (&data)[n], size_t (&lengths)[n], const char* usage) {
  size_t argc = n;
  napi_value argv[n];
  bool ok = napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr) == napi_ok && argc >= n;
  for (size_t i = 0; ok && i < n; i++) {
    bool is = false;
    napi_typedarray_type type;
    ok = napi_is_typedarray(env, argv[i], &is) == napi_ok && is &&
         napi_get_typedarray_info(env, argv[i], &type, &lengths[i], &data[i], nullptr, nullptr) == napi_ok &&
         (type == types[i] || (types[i] == napi_uint8_array && type == napi_uint8_clamped_array));
  }
  if (!ok) napi_throw_type_error(env, nullptr, usage);
  return ok;
}

void exportFunction(napi_env env, napi_value exports, const char* name, napi_callback fn) {
  napi_value value;
  if (napi_create_function(env, name, NAPI_AUTO_LENGTH, fn, nullptr, &value) == napi_ok) napi_set_named_property(env, exports, name, value);
}

#ifdef IOT_AUDIT_LIBDEFLATE
// gunzip(input: Uint8Array, output: Uint8Array) -> bytes written to output, or -1 when the
// input is not a case gunzip.h takes (Node's zlib must read it). One decompressor per
// thread (each worker is its own environment), freed with it.
napi_value Gunzip(napi_env env, napi_callback_info info) {
  static const napi_typedarray_type types[] = {napi_uint8_array, napi_uint8_array};
  void* data[2];
  size_t lengths[2];
  if (!typedArgs(env, info, types, data, lengths, "gunzip(input: Uint8Array, output: Uint8Array)")) return nullptr;
  libdeflate_decompressor* d = nullptr;
  if (napi_get_instance_data(env, (void**)&d) != napi_ok || d == nullptr) {
    d = libdeflate_alloc_decompressor();
    if (d == nullptr || napi_set_instance_data(env, d, [](napi_env, void* p, void*) { libdeflate_free_decompressor((libdeflate_decompressor*)p); }, nullptr) != napi_ok) {
      if (d != nullptr) libdeflate_free_decompressor(d);
      napi_throw_error(env, nullptr, "gunzip: out of memory");
      return nullptr;
    }
  }
  const int64_t written = gunzip::gunzipInto(d, (const uint8_t*)data[0], lengths[0], (uint8_t*)data[1], lengths[1]);
  napi_value result;
  napi_create_int64(env, written, &result);
  return result;
}
#endif

#ifdef __GLIBC__
// tuneAllocator(arenaMax, mmapThreshold, trimThreshold) -> whether glibc took all three (each
// a positive whole number; src/native.ts says which and why): mallopt's M_ARENA_MAX,
// M_MMAP_THRESHOLD (which also stops glibc from raising that threshold as mapped blocks are
// freed) and M_TRIM_THRESHOLD.
napi_value TuneAllocator(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  int32_t values[3] = {0, 0, 0};
  bool ok = napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr) == napi_ok && argc >= 3;
  for (size_t i = 0; ok && i < 3; i++) ok = napi_get_value_int32(env, argv[i], &values[i]) == napi_ok && values[i] > 0;
  if (!ok) {
    napi_throw_type_error(env, nullptr, "tuneAllocator(arenaMax, mmapThreshold, trimThreshold): three positive whole numbers");
    return nullptr;
  }
  ok = mallopt(M_ARENA_MAX, values[0]) == 1 && mallopt(M_MMAP_THRESHOLD, values[1]) == 1 && mallopt(M_TRIM_THRESHOLD, values[2]) == 1;
  napi_value result;
  napi_get_boolean(env, ok, &result);
  return result;
}
#endif

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
using namespace scan;

// <isa>(input: Uint8Array, records: Int32Array, hits: Int32Array, counts: Uint32Array(2)) -> status:
// the kernel alone; counts = record pairs and hits written, when the status is OK (0).
template <Kernel kernel>
napi_value Scan(napi_env env, napi_callback_info info) {
  static const napi_typedarray_type types[] = {napi_uint8_array, napi_int32_array, napi_int32_array, napi_uint32_array};
  void* data[4];
  size_t lengths[4];
  if (!typedArgs(env, info, types, data, lengths, "scan(input: Uint8Array, records: Int32Array, hits: Int32Array, counts: Uint32Array(2))")) return nullptr;
  if (lengths[3] < 2) {
    napi_throw_range_error(env, nullptr, "scan: counts needs 2 elements");
    return nullptr;
  }
  const int status = lengths[0] > 0x7fff0000 ? SCAN_DOUBT
                                              : kernel((const uint8_t*)data[0], (uint32_t)lengths[0], (int32_t*)data[1], (uint32_t)(lengths[1] / 2),
                                                       (int32_t*)data[2], (uint32_t)lengths[2], (uint32_t*)data[3]);
  napi_value result;
  napi_create_int32(env, status, &result);
  return result;
}

// <isa>Records(input, records, hits, candidates: Int32Array, counts: Uint32Array(1)) -> record
// count, or -1 (not handled): scanRecords in scan-records.h; counts[0] = candidate pairs.
template <Kernel kernel>
napi_value Records(napi_env env, napi_callback_info info) {
  static const napi_typedarray_type types[] = {napi_uint8_array, napi_int32_array, napi_int32_array, napi_int32_array, napi_uint32_array};
  void* data[5];
  size_t lengths[5];
  if (!typedArgs(env, info, types, data, lengths, "records(input: Uint8Array, records: Int32Array, hits: Int32Array, candidates: Int32Array, counts: Uint32Array)"))
    return nullptr;
  // The scratch space the kernel and the candidates need (see scanRecords).
  const uint64_t recordInts = 2 * ((lengths[0] >> 5) + 64);
  if (lengths[1] < recordInts || lengths[3] < recordInts || lengths[2] < (lengths[0] >> 4) + 64 || lengths[4] < 1) {
    napi_throw_range_error(env, nullptr, "records: scratch arrays too small for the input");
    return nullptr;
  }
  const int64_t count = lengths[0] > 0x7fff0000 ? NOT_HANDLED
                                                 : scanRecords(kernel, (const uint8_t*)data[0], (uint32_t)lengths[0], (int32_t*)data[1], (int32_t*)data[2],
                                                               (int32_t*)data[3], (uint32_t*)data[4]);
  napi_value result;
  napi_create_int64(env, count, &result);
  return result;
}

#endif
}  // namespace

NAPI_MODULE_INIT() {
#ifdef __GLIBC__
  exportFunction(env, exports, "tuneAllocator", TuneAllocator);
#endif
#ifdef IOT_AUDIT_LIBDEFLATE
  exportFunction(env, exports, "gunzip", Gunzip);
#endif
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
  __builtin_cpu_init();
  const bool base = __builtin_cpu_supports("bmi") && __builtin_cpu_supports("bmi2") && __builtin_cpu_supports("popcnt") && __builtin_cpu_supports("pclmul");
  if (base && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw")) {
    exportFunction(env, exports, "avx512", Scan<scanAvx512>);
    exportFunction(env, exports, "avx512Records", Records<scanAvx512>);
  }
  if (base && __builtin_cpu_supports("avx2")) {
    exportFunction(env, exports, "avx2", Scan<scanAvx2>);
    exportFunction(env, exports, "avx2Records", Records<scanAvx2>);
  }
#endif
  // On another CPU: no native kernel (the WebAssembly one scans), the gunzip alone if built.
  return exports;
}
