// The records of a compact CloudTrail log that can be IoT records: the native build of
// `scanRecordsBytes` and `candidateRecords` in src/cloudtrail/scan.ts (whose comments
// explain each rule), on top of a scan kernel. The caller parses the candidates.
#pragma once
#include <stdint.h>
#include <string.h>

#include <algorithm>

#include "scan-kernels.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
namespace scan {

const uint8_t QUOTE = 0x22, BACKSLASH = 0x5c, COMMA = 0x2c, COLON = 0x3a;

inline bool isJsonSpace(uint8_t c) { return c == 0x20 || c == 0x0a || c == 0x0d || c == 0x09; }

// Index of the closing quote of the string whose opening quote is at i.
inline uint32_t stringEnd(const uint8_t* b, uint32_t i) {
  uint32_t j = i + 1;
  for (;;) {
    const uint8_t c = b[j];
    if (c == QUOTE) return j;
    j += c == BACKSLASH ? 2 : 1;
  }
}

// Index just after the value that starts at i.
inline uint32_t valueEnd(const uint8_t* b, uint32_t i) {
  const uint8_t first = b[i];
  if (first == QUOTE) return stringEnd(b, i) + 1;
  if (first == 0x7b || first == 0x5b) {
    uint32_t depth = 0;
    for (uint32_t j = i;; j++) {
      const uint8_t c = b[j];
      if (c == QUOTE) {
        j = stringEnd(b, j);
      } else if (c == 0x7b || c == 0x5b) {
        depth++;
      } else if (c == 0x7d || c == 0x5d) {
        if (--depth == 0) return j + 1;
      }
    }
  }
  uint32_t j = i;
  while (b[j] != COMMA && b[j] != 0x7d && b[j] != 0x5d) j++;
  return j;
}

// Whether b[from, to) spells `lower` in any ASCII case.
inline bool equalsIgnoringCase(const uint8_t* b, int64_t from, int64_t to, const char* lower) {
  const int64_t n = (int64_t)strlen(lower);
  if (to - from != n) return false;
  for (int64_t k = 0; k < n; k++)
    if ((b[from + k] | 0x20) != (uint8_t)lower[k]) return false;
  return true;
}

inline bool isWrapperKey(const uint8_t* b, uint32_t from, uint32_t to) {
  return equalsIgnoringCase(b, from, to, "cloudtrailevent") || equalsIgnoringCase(b, from, to, "eventjson") || equalsIgnoringCase(b, from, to, "detail");
}

// A service host such as `sts.amazonaws.com`: letters, digits, dots and dashes, no `iot`.
inline bool isPlainOtherSource(const uint8_t* b, uint32_t from, uint32_t to) {
  if (to == from) return false;
  for (uint32_t k = from; k < to; k++) {
    const uint8_t c = b[k] | 0x20;
    const bool ok = (c >= 0x61 && c <= 0x7a) || (b[k] >= 0x30 && b[k] <= 0x39) || b[k] == 0x2e || b[k] == 0x2d;
    if (!ok) return false;
    if (k + 2 < to && c == 0x69 && (b[k + 1] | 0x20) == 0x6f && (b[k + 2] | 0x20) == 0x74) return false;
  }
  return true;
}

// True only when the record is certainly not an IoT record: one top-level event source
// key whose value is another service's host, and no wrapper key.
inline bool hasOtherEventSource(const uint8_t* b, uint32_t start, uint32_t end) {
  uint32_t i = start + 1;
  if (b[i] != QUOTE) return false;
  int sources = 0;
  bool other = false;
  while (i < end) {
    const uint32_t keyEnd = stringEnd(b, i);
    const uint32_t keyFrom = i + 1;
    const uint32_t valueAt = keyEnd + 2;
    if (equalsIgnoringCase(b, keyFrom, keyEnd, "eventsource")) {
      sources++;
      if (b[valueAt] != QUOTE) return false;
      const uint32_t valueTo = stringEnd(b, valueAt);
      other = isPlainOtherSource(b, valueAt + 1, valueTo);
      i = valueTo + 1;
    } else {
      if (isWrapperKey(b, keyFrom, keyEnd)) return false;
      i = valueEnd(b, valueAt);
    }
    if (b[i] != COMMA) break;
    i++;
  }
  return sources == 1 && other;
}

// Whether the `iot` whose `t` is at t can make its record an IoT record.
inline bool canMakeIot(const uint8_t* b, uint32_t t, uint32_t start) {
  const uint8_t before = b[t - 3];
  if (before == COLON) return true;
  if (before != QUOTE) return false;
  const uint8_t quoteBefore = b[t - 4];
  if (quoteBefore == BACKSLASH) return true;
  const int64_t keyEnd = (int64_t)t - 5;
  return quoteBefore == COLON && keyEnd - 12 >= (int64_t)start && b[keyEnd] == QUOTE && b[keyEnd - 12] == QUOTE &&
         equalsIgnoringCase(b, keyEnd - 11, keyEnd, "eventsource");
}

const int NOT_HANDLED = -1;

/**
 * Scans a log: the number of records, or NOT_HANDLED when the text is not a compact
 * `{"Records":[...]}` of objects the kernel validated (the caller reads it the plain way).
 * `records` needs room for 2 * ((length >> 5) + 64) ints, `hits` for (length >> 4) + 64,
 * `candidates` as much as `records`: start/end pairs of the records to parse, their count
 * in *candidateCount.
 */
inline int64_t scanRecords(Kernel kernel, const uint8_t* input, uint32_t inputLength, int32_t* records, int32_t* hits, int32_t* candidates, uint32_t* candidateCount) {
  static const uint8_t PREFIX[] = {'{', '"', 'R', 'e', 'c', 'o', 'r', 'd', 's', '"', ':', '['};
  const uint32_t prefixLength = sizeof PREFIX;
  *candidateCount = 0;
  uint32_t length = inputLength;
  while (length > 0 && isJsonSpace(input[length - 1])) length--;
  if (length < prefixLength + 2) return NOT_HANDLED;
  if (memcmp(input, PREFIX, prefixLength) != 0) return NOT_HANDLED;
  if (input[length - 2] != 0x5d || input[length - 1] != 0x7d) return NOT_HANDLED;
  uint32_t counts[2];
  if (kernel(input, length, records, (length >> 5) + 64, hits, (length >> 4) + 64, counts) != SCAN_OK) return NOT_HANDLED;
  const uint32_t count = counts[0];
  const uint32_t n = counts[1];

  // The records must tile the array exactly.
  uint32_t expected = prefixLength;
  for (uint32_t k = 0; k < count; k++) {
    if ((uint32_t)records[2 * k] != expected) return NOT_HANDLED;
    expected = (uint32_t)records[2 * k + 1] + 2;
    if (k + 1 < count && input[records[2 * k + 1] + 1] != COMMA) return NOT_HANDLED;
  }
  if (count == 0 ? length != prefixLength + 2 : (uint32_t)records[2 * count - 1] != length - 3) return NOT_HANDLED;

  // The records holding a hit, driven by the hits.
  std::sort(hits, hits + n);
  uint32_t k = 0, h = 0, out = 0;
  while (h < n) {
    const int32_t at = hits[h];
    uint32_t lo = k, hi = count;
    while (lo < hi) {
      const uint32_t mid = (lo + hi) >> 1;
      if (records[2 * mid + 1] < at) lo = mid + 1;
      else hi = mid;
    }
    k = lo;
    if (k == count) break;
    const uint32_t start = (uint32_t)records[2 * k];
    const uint32_t end = (uint32_t)records[2 * k + 1];
    bool iot = false, escape = false;
    for (; h < n && (uint32_t)hits[h] <= end; h++) {
      const uint32_t p = (uint32_t)hits[h];
      if (p < start) continue;
      if (input[p] == 0x75) escape = true;
      else if (canMakeIot(input, p, start)) iot = true;
    }
    k++;
    if (!escape && (!iot || hasOtherEventSource(input, start, end))) continue;
    candidates[2 * out] = (int32_t)start;
    candidates[2 * out + 1] = (int32_t)end;
    out++;
  }
  *candidateCount = out;
  return count;
}

}  // namespace scan
#endif
