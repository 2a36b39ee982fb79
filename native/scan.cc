// Native build of the scan kernel (src/cloudtrail/scan-kernel.ts): the same structural
// pass over a compact CloudTrail log, with x86-64 AVX-512 or AVX2 instead of WebAssembly's
// 128-bit vectors, reading the gunzipped text where it is (no copy into a WebAssembly
// memory). It is optional: without a compiler at install, or on another CPU, the tool
// uses the WebAssembly kernel, which gives the same results.
//
// Exports one function per instruction set this CPU has, fastest first:
//   avx512(input, records, hits, counts) / avx2(...) -> status
// input: Uint8Array; records: Int32Array (start/end pairs); hits: Int32Array;
// counts: Uint32Array(2), set to the record and hit counts when the status is OK (0).
#include <node_api.h>
#include <stdint.h>
#include <string.h>

#include "scan-kernels.h"
#include "scan-records.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
namespace {
using namespace scan;

bool typedArray(napi_env env, napi_value value, napi_typedarray_type want, void** data, size_t* length) {
  bool is = false;
  if (napi_is_typedarray(env, value, &is) != napi_ok || !is) return false;
  napi_typedarray_type type;
  if (napi_get_typedarray_info(env, value, &type, length, data, nullptr, nullptr) != napi_ok) return false;
  return type == want || (want == napi_uint8_array && type == napi_uint8_clamped_array);
}

template <Kernel kernel>
napi_value Scan(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  if (napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr) != napi_ok || argc < 4) {
    napi_throw_type_error(env, nullptr, "scan(input, records, hits, counts)");
    return nullptr;
  }
  void *input, *records, *hits, *counts;
  size_t inputLength, recordsLength, hitsLength, countsLength;
  if (!typedArray(env, argv[0], napi_uint8_array, &input, &inputLength) || !typedArray(env, argv[1], napi_int32_array, &records, &recordsLength) ||
      !typedArray(env, argv[2], napi_int32_array, &hits, &hitsLength) || !typedArray(env, argv[3], napi_uint32_array, &counts, &countsLength) || countsLength < 2) {
    napi_throw_type_error(env, nullptr, "scan(input: Uint8Array, records: Int32Array, hits: Int32Array, counts: Uint32Array(2))");
    return nullptr;
  }
  int status = inputLength > 0x7fff0000 ? SCAN_DOUBT
                                        : kernel((const uint8_t*)input, (uint32_t)inputLength, (int32_t*)records, (uint32_t)(recordsLength / 2), (int32_t*)hits,
                                                 (uint32_t)hitsLength, (uint32_t*)counts);
  napi_value result;
  napi_create_int32(env, status, &result);
  return result;
}

// records(input, records, hits, candidates, counts) -> record count, or -1 (not handled):
// scanRecords in scan-records.h; counts[0] = candidate pairs written to `candidates`.
template <Kernel kernel>
napi_value Records(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  void *input, *records, *hits, *candidates, *counts;
  size_t inputLength, recordsLength, hitsLength, candidatesLength, countsLength;
  if (napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr) != napi_ok || argc < 5 || !typedArray(env, argv[0], napi_uint8_array, &input, &inputLength) ||
      !typedArray(env, argv[1], napi_int32_array, &records, &recordsLength) || !typedArray(env, argv[2], napi_int32_array, &hits, &hitsLength) ||
      !typedArray(env, argv[3], napi_int32_array, &candidates, &candidatesLength) || !typedArray(env, argv[4], napi_uint32_array, &counts, &countsLength) ||
      countsLength < 1) {
    napi_throw_type_error(env, nullptr, "records(input: Uint8Array, records: Int32Array, hits: Int32Array, candidates: Int32Array, counts: Uint32Array)");
    return nullptr;
  }
  // The scratch space the kernel and the candidates need (see scanRecords).
  const uint64_t recordInts = 2 * ((inputLength >> 5) + 64);
  const uint64_t hitInts = (inputLength >> 4) + 64;
  if (recordsLength < recordInts || candidatesLength < recordInts || hitsLength < hitInts) {
    napi_throw_range_error(env, nullptr, "records: scratch arrays too small for the input");
    return nullptr;
  }
  const int64_t count = inputLength > 0x7fff0000 ? NOT_HANDLED
                                                : scanRecords(kernel, (const uint8_t*)input, (uint32_t)inputLength, (int32_t*)records, (int32_t*)hits,
                                                              (int32_t*)candidates, (uint32_t*)counts);
  napi_value result;
  napi_create_int64(env, count, &result);
  return result;
}

void exportFunction(napi_env env, napi_value exports, const char* name, napi_callback fn) {
  napi_value value;
  if (napi_create_function(env, name, NAPI_AUTO_LENGTH, fn, nullptr, &value) == napi_ok) napi_set_named_property(env, exports, name, value);
}

}  // namespace

NAPI_MODULE_INIT() {
  __builtin_cpu_init();
  const bool base = __builtin_cpu_supports("bmi") && __builtin_cpu_supports("bmi2") && __builtin_cpu_supports("popcnt") && __builtin_cpu_supports("pclmul");
  if (base && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw")) {
    exportFunction(env, exports, "avx512", Scan<scanAvx512>);
    exportFunction(env, exports, "recordsAvx512", Records<scanAvx512>);
  }
  if (base && __builtin_cpu_supports("avx2")) {
    exportFunction(env, exports, "avx2", Scan<scanAvx2>);
    exportFunction(env, exports, "recordsAvx2", Records<scanAvx2>);
  }
  return exports;
}

#else
// Not x86-64: no native kernel; the WebAssembly one is used.
NAPI_MODULE_INIT() { return exports; }
#endif
