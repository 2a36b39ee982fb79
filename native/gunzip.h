// Gunzip with libdeflate (https://github.com/ebiggers/libdeflate, a system library: Debian's
// libdeflate-dev), which inflates ~1.3x as fast as Node's zlib on CloudTrail logs and
// writes into a buffer the caller keeps from one file to the next (Node's gunzipSync
// makes a new one per file, and its page faults cost more still on two threads).
//
// It only ever takes the easy case: exactly one gzip member, with no header CRC, that
// fits the output. Everything else (several members, trailing bytes, a header CRC, a
// damaged or truncated file, a trailer that lies about the size) is left to Node's zlib,
// which then gives the result or the error, worded as always. So whenever this succeeds,
// Node's zlib would have given the same bytes (a test holds it to that on mutated files).
#pragma once
#include <libdeflate.h>
#include <stddef.h>
#include <stdint.h>

namespace gunzip {

const uint8_t FHCRC = 0x02;

// Bytes written to out, or -1: not one gzip member that inflates into out_size bytes or
// fewer with its CRC-32 and size checked (libdeflate checks both).
inline int64_t gunzipInto(libdeflate_decompressor* d, const uint8_t* in, size_t in_size, uint8_t* out, size_t out_size) {
  // The flags byte: libdeflate skips a header CRC without checking it; zlib checks it.
  if (in_size < 18 || (in[3] & FHCRC) != 0) return -1;
  size_t used = 0, written = 0;
  if (libdeflate_gzip_decompress_ex(d, in, in_size, out, out_size, &used, &written) != LIBDEFLATE_SUCCESS) return -1;
  return used == in_size ? (int64_t)written : -1;
}

}  // namespace gunzip
