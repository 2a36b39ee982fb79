// The scan kernel, native: x86-64 AVX-512 and AVX2 builds of the block loop in
// scan-kernel.inc. Included by scan.cc (the Node addon).
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

// Masks of one 64-byte block, bit i for byte i: the structural bytes, and `rare`, any
// backslash, control character or `ot` in any case (with the byte before the block).
struct Classified {
  uint64_t quote, brackets, colon, comma, rare;
};
// The rare bytes' own masks, for the blocks that have any: `tri` marks each `iot` (any
// case) at its `t`, with the two bytes before the block.
struct Rare {
  uint64_t backslash, ctrl, tri;
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
// p[-2] and p[-1] must be readable (the caller sees to that).
__attribute__((always_inline)) inline void classify512(const uint8_t* p, Classified& k) {
  const __m512i v = _mm512_loadu_si512((const void*)p);
  const __m512i space = _mm512_set1_epi8(0x20);
  k.quote = _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8(0x22));
  k.brackets = _mm512_cmpeq_epi8_mask(_mm512_and_si512(v, _mm512_set1_epi8((char)0xd9)), _mm512_set1_epi8(0x59));
  k.colon = _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8(0x3a));
  k.comma = _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8(0x2c));
  const __mmask64 ot = _mm512_cmpeq_epi8_mask(_mm512_or_si512(_mm512_loadu_si512((const void*)(p - 1)), space), _mm512_set1_epi8(0x6f)) &
                       _mm512_cmpeq_epi8_mask(_mm512_or_si512(v, space), _mm512_set1_epi8(0x74));
  k.rare = _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8(0x5c)) | _mm512_cmplt_epu8_mask(v, space) | ot;
}
__attribute__((always_inline)) inline void rare512(const uint8_t* p, Rare& r) {
  const __m512i v = _mm512_loadu_si512((const void*)p);
  const __m512i space = _mm512_set1_epi8(0x20);
  r.backslash = _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8(0x5c));
  r.ctrl = _mm512_cmplt_epu8_mask(v, space);
  r.tri = _mm512_cmpeq_epi8_mask(_mm512_or_si512(_mm512_loadu_si512((const void*)(p - 2)), space), _mm512_set1_epi8(0x69)) &
          _mm512_cmpeq_epi8_mask(_mm512_or_si512(_mm512_loadu_si512((const void*)(p - 1)), space), _mm512_set1_epi8(0x6f)) &
          _mm512_cmpeq_epi8_mask(_mm512_or_si512(v, space), _mm512_set1_epi8(0x74));
}
#define KERNEL_NAME scanAvx512
#define CLASSIFY(p, k) classify512(p, k)
#define RARE(p, r) rare512(p, r)
#include "scan-kernel.inc"
#undef KERNEL_NAME
#undef CLASSIFY
#undef RARE
#pragma GCC pop_options

// ---- AVX2: two 32-byte halves per mask.
#pragma GCC push_options
#pragma GCC target("avx2,bmi,bmi2,popcnt,pclmul")
__attribute__((always_inline)) inline uint64_t mask256(__m256i lo, __m256i hi) {
  return (uint64_t)(uint32_t)_mm256_movemask_epi8(lo) | ((uint64_t)(uint32_t)_mm256_movemask_epi8(hi) << 32);
}
// Bytes equal to `c` in the two halves.
#define EQ256(x, y, c) mask256(_mm256_cmpeq_epi8(x, _mm256_set1_epi8(c)), _mm256_cmpeq_epi8(y, _mm256_set1_epi8(c)))
__attribute__((always_inline)) inline void classify256(const uint8_t* p, Classified& k) {
  const __m256i a = _mm256_loadu_si256((const __m256i*)p);
  const __m256i b = _mm256_loadu_si256((const __m256i*)(p + 32));
  const __m256i space = _mm256_set1_epi8(0x20);
  k.quote = EQ256(a, b, 0x22);
  const __m256i bm = _mm256_set1_epi8((char)0xd9);
  k.brackets = EQ256(_mm256_and_si256(a, bm), _mm256_and_si256(b, bm), 0x59);
  k.colon = EQ256(a, b, 0x3a);
  k.comma = EQ256(a, b, 0x2c);
  // below 0x20: max(x, 0x1f) == 0x1f
  const __m256i c1f = _mm256_set1_epi8(0x1f);
  const __m256i pa = _mm256_or_si256(_mm256_loadu_si256((const __m256i*)(p - 1)), space);
  const __m256i pb = _mm256_or_si256(_mm256_loadu_si256((const __m256i*)(p + 31)), space);
  const __m256i la = _mm256_or_si256(a, space), lb = _mm256_or_si256(b, space);
  const __m256i ra = _mm256_or_si256(_mm256_or_si256(_mm256_cmpeq_epi8(a, _mm256_set1_epi8(0x5c)), _mm256_cmpeq_epi8(_mm256_max_epu8(a, c1f), c1f)),
                                     _mm256_and_si256(_mm256_cmpeq_epi8(pa, _mm256_set1_epi8(0x6f)), _mm256_cmpeq_epi8(la, _mm256_set1_epi8(0x74))));
  const __m256i rb = _mm256_or_si256(_mm256_or_si256(_mm256_cmpeq_epi8(b, _mm256_set1_epi8(0x5c)), _mm256_cmpeq_epi8(_mm256_max_epu8(b, c1f), c1f)),
                                     _mm256_and_si256(_mm256_cmpeq_epi8(pb, _mm256_set1_epi8(0x6f)), _mm256_cmpeq_epi8(lb, _mm256_set1_epi8(0x74))));
  k.rare = mask256(ra, rb);
}
__attribute__((always_inline)) inline void rare256(const uint8_t* p, Rare& r) {
  const __m256i a = _mm256_loadu_si256((const __m256i*)p);
  const __m256i b = _mm256_loadu_si256((const __m256i*)(p + 32));
  const __m256i space = _mm256_set1_epi8(0x20);
  const __m256i c1f = _mm256_set1_epi8(0x1f);
  r.backslash = EQ256(a, b, 0x5c);
  r.ctrl = mask256(_mm256_cmpeq_epi8(_mm256_max_epu8(a, c1f), c1f), _mm256_cmpeq_epi8(_mm256_max_epu8(b, c1f), c1f));
  const __m256i i = _mm256_set1_epi8(0x69), o = _mm256_set1_epi8(0x6f), t = _mm256_set1_epi8(0x74);
  auto tri = [&](const uint8_t* q) {
    return _mm256_and_si256(_mm256_and_si256(_mm256_cmpeq_epi8(_mm256_or_si256(_mm256_loadu_si256((const __m256i*)(q - 2)), space), i),
                                             _mm256_cmpeq_epi8(_mm256_or_si256(_mm256_loadu_si256((const __m256i*)(q - 1)), space), o)),
                            _mm256_cmpeq_epi8(_mm256_or_si256(_mm256_loadu_si256((const __m256i*)q), space), t));
  };
  r.tri = mask256(tri(p), tri(p + 32));
}
#undef EQ256
#define KERNEL_NAME scanAvx2
#define CLASSIFY(p, k) classify256(p, k)
#define RARE(p, r) rare256(p, r)
#include "scan-kernel.inc"
#undef KERNEL_NAME
#undef CLASSIFY
#undef RARE
#pragma GCC pop_options

typedef int (*Kernel)(const uint8_t*, uint32_t, int32_t*, uint32_t, int32_t*, uint32_t, uint32_t*);

}  // namespace scan
#endif
