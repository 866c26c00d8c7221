//===- requantize.h - the integer requantization kernel ---------*- C++ -*-===//
//
// The one definition of requantization that the golden model, the generated
// C++ and the generated HLS code all share (DESIGN.md, "Numeric contract"):
//
//   y = clamp(round_half_even(acc * M) + zero_point, lo, hi)
//
// with the real multiplier M = s_in / s_out given as an integer mantissa
// and a right shift, M = multiplier * 2^-shift. Everything here is integer
// arithmetic on int64, so every backend computes the same bits. The header
// is freestanding (only <stdint.h>): generated code copies it as is.
//
//===----------------------------------------------------------------------===//
#ifndef QRCNN_RUNTIME_REQUANTIZE_H
#define QRCNN_RUNTIME_REQUANTIZE_H

#include <stdint.h>

namespace qrcnn {
namespace rt {

/// M = multiplier * 2^-shift. `shift` may be negative (M >= 1 in pow2 mode
/// or very large ratios): then the product is shifted left.
struct RequantParams {
  int32_t multiplier;
  int32_t shift;
};

/// round_half_even(value / 2^shift) for shift >= 1; value for shift == 0;
/// value * 2^-shift for shift < 0 (exact; the caller guarantees no overflow).
inline int64_t roundingShiftHalfEven(int64_t value, int32_t shift) {
  if (shift <= 0)
    return static_cast<int64_t>(static_cast<uint64_t>(value) << -shift);
  // Arithmetic right shift is floor division; the masked bits are the
  // non-negative remainder in two's complement.
  int64_t quotient = value >> shift;
  uint64_t mask = (static_cast<uint64_t>(1) << shift) - 1;
  uint64_t remainder = static_cast<uint64_t>(value) & mask;
  uint64_t half = static_cast<uint64_t>(1) << (shift - 1);
  // Round up above half, and at exactly half when the quotient is odd; one
  // comparison covers both (remainder <= mask, so no overflow), without a
  // data-dependent branch.
  uint64_t odd = static_cast<uint64_t>(quotient) & 1;
  return quotient + static_cast<int64_t>(remainder + odd > half);
}

/// The requantization kernel: `acc` is the integer value minus its own zero
/// point (for accumulators the zero point is 0). |acc| < 2^32 keeps the
/// 64-bit product exact with a multiplier below 2^31.
inline int32_t requantize(int64_t acc, RequantParams params, int32_t zeroPoint,
                          int32_t lo, int32_t hi) {
  int64_t scaled =
      roundingShiftHalfEven(acc * static_cast<int64_t>(params.multiplier),
                            params.shift) +
      zeroPoint;
  if (scaled < lo)
    return lo;
  if (scaled > hi)
    return hi;
  return static_cast<int32_t>(scaled);
}

} // namespace rt
} // namespace qrcnn

#endif // QRCNN_RUNTIME_REQUANTIZE_H
