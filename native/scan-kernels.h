// The scan kernel, native: x86-64 AVX-512 and AVX2 builds of the block loop in
// scan-kernel.inc. Included by scan.cc (the Node addon) and by the kernel's C++ bench.
#pragma once
#include <stdint.h>
#include <string.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>

namespace scan {

const int SCAN_OK = 0;
const int SCAN_INVALID = -1;
const int SCAN_DOUBT = -2;
const int SCAN_OVERFLOW = -3;
const uint32_t MAX_DEPTH = 62;

// The bytes that may stand before `}` or `]`: `{` `[` `"` `}` `]`, a digit, `e`, `l`.
struct BeforeCloser {
  uint8_t table[256];
  BeforeCloser() {
    memset(table, 0, sizeof table);
    for (const char* p = "{[\"}]0123456789el"; *p; p++) table[(uint8_t)*p] = 1;
  }
};
const BeforeCloser beforeCloser;
const uint8_t* const BEFORE_CLOSER = beforeCloser.table;

// Masks of one 64-byte block, bit i for byte i. Letters in any case.
struct Classified {
  uint64_t quote, brackets, colon, comma, backslash, ctrl, i, o, t;
};

// Prefix-xor by carry-less multiplication with all ones (both builds have PCLMULQDQ;
// a function of a subset of the caller's instruction sets inlines into it).
#pragma GCC push_options
#pragma GCC target("pclmul")
__attribute__((always_inline)) inline uint64_t prefixXor(uint64_t x) {
  return (uint64_t)_mm_cvtsi128_si64(_mm_clmulepi64_si128(_mm_set_epi64x(0, (long long)x), _mm_set1_epi8((char)0xff), 0));
}
#pragma GCC pop_options

// ---- AVX-512 (BW): a compare gives the 64-bit mask directly.
#pragma GCC push_options
#pragma GCC target("avx512f,avx512bw,bmi,bmi2,popcnt,pclmul")
__attribute__((always_inline)) inline void classify512(const uint8_t* p, Classified& k) {
  const __m512i v = _mm512_loadu_si512((const void*)p);
  const __m512i lower = _mm512_or_si512(v, _mm512_set1_epi8(0x20));
  k.quote = _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8(0x22));
  k.brackets = _mm512_cmpeq_epi8_mask(_mm512_and_si512(v, _mm512_set1_epi8((char)0xd9)), _mm512_set1_epi8(0x59));
  k.colon = _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8(0x3a));
  k.comma = _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8(0x2c));
  k.backslash = _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8(0x5c));
  k.ctrl = _mm512_cmplt_epu8_mask(v, _mm512_set1_epi8(0x20));
  k.i = _mm512_cmpeq_epi8_mask(lower, _mm512_set1_epi8(0x69));
  k.o = _mm512_cmpeq_epi8_mask(lower, _mm512_set1_epi8(0x6f));
  k.t = _mm512_cmpeq_epi8_mask(lower, _mm512_set1_epi8(0x74));
}
#define KERNEL_NAME scanAvx512
#define CLASSIFY(p, k) classify512(p, k)
#define PREFIX_XOR(x) prefixXor(x)
#include "scan-kernel.inc"
#undef KERNEL_NAME
#undef CLASSIFY
#undef PREFIX_XOR
#pragma GCC pop_options

// ---- AVX2: two 32-byte halves per mask.
#pragma GCC push_options
#pragma GCC target("avx2,bmi,bmi2,popcnt,pclmul")
__attribute__((always_inline)) inline uint64_t mask256(__m256i lo, __m256i hi) {
  return (uint64_t)(uint32_t)_mm256_movemask_epi8(lo) | ((uint64_t)(uint32_t)_mm256_movemask_epi8(hi) << 32);
}
__attribute__((always_inline)) inline void classify256(const uint8_t* p, Classified& k) {
  const __m256i a = _mm256_loadu_si256((const __m256i*)p);
  const __m256i b = _mm256_loadu_si256((const __m256i*)(p + 32));
  const __m256i space = _mm256_set1_epi8(0x20);
  const __m256i la = _mm256_or_si256(a, space), lb = _mm256_or_si256(b, space);
  auto eq = [&](__m256i x, __m256i y, char c) { const __m256i s = _mm256_set1_epi8(c); return mask256(_mm256_cmpeq_epi8(x, s), _mm256_cmpeq_epi8(y, s)); };
  k.quote = eq(a, b, 0x22);
  const __m256i bm = _mm256_set1_epi8((char)0xd9);
  k.brackets = eq(_mm256_and_si256(a, bm), _mm256_and_si256(b, bm), 0x59);
  k.colon = eq(a, b, 0x3a);
  k.comma = eq(a, b, 0x2c);
  k.backslash = eq(a, b, 0x5c);
  // below 0x20: max(x, 0x1f) == 0x1f
  const __m256i c1f = _mm256_set1_epi8(0x1f);
  k.ctrl = mask256(_mm256_cmpeq_epi8(_mm256_max_epu8(a, c1f), c1f), _mm256_cmpeq_epi8(_mm256_max_epu8(b, c1f), c1f));
  k.i = eq(la, lb, 0x69);
  k.o = eq(la, lb, 0x6f);
  k.t = eq(la, lb, 0x74);
}
#define KERNEL_NAME scanAvx2
#define CLASSIFY(p, k) classify256(p, k)
#define PREFIX_XOR(x) prefixXor(x)
#include "scan-kernel.inc"
#undef KERNEL_NAME
#undef CLASSIFY
#undef PREFIX_XOR
#pragma GCC pop_options

typedef int (*Kernel)(const uint8_t*, uint32_t, int32_t*, uint32_t, int32_t*, uint32_t, uint32_t*);

}  // namespace scan
#endif
