//===- int4.h - two 4-bit values per byte -----------------------*- C++ -*-===//
//
// The one definition of packed 4-bit storage, shared by the compiler (which
// packs weights when it writes them), the generated C++ (which unpacks them;
// the CPU backend emits the same nibble arithmetic inline) and tests. The
// layout is ONNX's INT4/UINT4: element 2i in bits 0..3 of byte i, element
// 2i+1 in bits 4..7; an odd count leaves the last high nibble 0.
// Freestanding (only <stdint.h>, <stddef.h>): generated code copies it.
//
//===----------------------------------------------------------------------===//
#ifndef QRCNN_RUNTIME_INT4_H
#define QRCNN_RUNTIME_INT4_H

#include <stddef.h>
#include <stdint.h>

namespace qrcnn {
namespace rt {

/// Bytes that hold `count` packed 4-bit values.
constexpr size_t packedInt4Bytes(size_t count) { return (count + 1) / 2; }

/// The 4-bit field of element `index` (0..15).
inline uint8_t unpackUInt4(const uint8_t *packed, size_t index) {
  uint8_t byte = packed[index >> 1];
  return (index & 1) ? static_cast<uint8_t>(byte >> 4)
                     : static_cast<uint8_t>(byte & 0x0F);
}

/// Element `index` as a signed value (-8..7): two's complement sign
/// extension written as (n ^ 8) - 8, which is defined behaviour in C++ and C.
inline int8_t unpackInt4(const uint8_t *packed, size_t index) {
  return static_cast<int8_t>((unpackUInt4(packed, index) ^ 8) - 8);
}

/// Packs `count` values (only their low 4 bits are kept, so both -8..7 and
/// 0..15 round-trip) into packedInt4Bytes(count) bytes.
inline void packInt4(const int8_t *values, size_t count, uint8_t *packed) {
  for (size_t i = 0; i < packedInt4Bytes(count); ++i)
    packed[i] = 0;
  for (size_t i = 0; i < count; ++i) {
    uint8_t nibble = static_cast<uint8_t>(values[i]) & 0x0F;
    packed[i >> 1] |= static_cast<uint8_t>((i & 1) ? nibble << 4 : nibble);
  }
}

} // namespace rt
} // namespace qrcnn

#endif // QRCNN_RUNTIME_INT4_H
