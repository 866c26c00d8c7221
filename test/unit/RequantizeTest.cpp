//===- RequantizeTest.cpp - requantization against exact arithmetic -------===//
//
// The kernel in runtime/include/qrcnn/requantize.h with the multipliers of
// Requantization.cpp, checked against the exactly rounded rational value
// acc * sx * sw / sy computed with 128-bit integers from the float32 scales.
//
//===----------------------------------------------------------------------===//
#include "qrcnn/Dialect/QNN/Requantization.h"
#include "qrcnn/requantize.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <random>

using namespace qrcnn;
using namespace qrcnn::qnn;

namespace {

using int128 = __int128;

/// round_half_even(num / den) for den > 0, exactly.
int128 divideHalfEven(int128 num, int128 den) {
  int128 q = num / den, r = num % den;
  if (r < 0) { // floor division
    q -= 1;
    r += den;
  }
  int128 twice = 2 * r;
  if (twice > den || (twice == den && (q & 1)))
    q += 1;
  return q;
}

struct Float32 {
  int64_t mantissa; // 24-bit integer
  int exponent;     // value = mantissa * 2^exponent
};

Float32 decompose(float f) {
  int e = 0;
  double frac = std::frexp(static_cast<double>(f), &e);
  return {static_cast<int64_t>(std::ldexp(frac, 24)), e - 24};
}

/// Exactly rounded acc * sx * sw / sy.
int64_t exactRequant(int64_t acc, float sx, float sw, float sy) {
  Float32 x = decompose(sx), w = decompose(sw), y = decompose(sy);
  int128 num = static_cast<int128>(acc) * x.mantissa * w.mantissa;
  int128 den = y.mantissa;
  int shift = x.exponent + w.exponent - y.exponent;
  if (shift >= 0)
    num <<= shift;
  else
    den <<= -shift;
  return static_cast<int64_t>(divideHalfEven(num, den));
}

TEST(RoundingShift, HalfToEven) {
  EXPECT_EQ(rt::roundingShiftHalfEven(5, 1), 2);   // 2.5 -> 2
  EXPECT_EQ(rt::roundingShiftHalfEven(7, 1), 4);   // 3.5 -> 4
  EXPECT_EQ(rt::roundingShiftHalfEven(-5, 1), -2); // -2.5 -> -2
  EXPECT_EQ(rt::roundingShiftHalfEven(-7, 1), -4); // -3.5 -> -4
  EXPECT_EQ(rt::roundingShiftHalfEven(-6, 2), -2); // -1.5 -> -2
  EXPECT_EQ(rt::roundingShiftHalfEven(-5, 2), -1); // -1.25 -> -1
  EXPECT_EQ(rt::roundingShiftHalfEven(13, 0), 13);
  EXPECT_EQ(rt::roundingShiftHalfEven(-3, -2), -12);
}

TEST(RequantParams, ExactModeMantissaRange) {
  for (double m : {1e-9, 0.0009765625, 0.3, 0.5, 0.999999, 1.0, 3.75, 1e6}) {
    std::optional<rt::RequantParams> p =
        computeRequantParams(m, RequantMode::Exact);
    ASSERT_TRUE(p.has_value()) << m;
    EXPECT_GE(p->multiplier, 1 << 30) << m;
    EXPECT_LT(static_cast<int64_t>(p->multiplier), int64_t(1) << 31) << m;
    EXPECT_NEAR(std::ldexp(static_cast<double>(p->multiplier), -p->shift), m,
                m * 1e-9);
  }
}

TEST(RequantParams, PowersOfTwoAreExactInEveryMode) {
  for (RequantMode mode :
       {RequantMode::Exact, RequantMode::Fixed16, RequantMode::Pow2}) {
    std::optional<rt::RequantParams> p = computeRequantParams(0.125, mode);
    ASSERT_TRUE(p.has_value());
    EXPECT_EQ(std::ldexp(static_cast<double>(p->multiplier), -p->shift), 0.125);
  }
}

TEST(RequantParams, Pow2RoundsToNearestPowerOfTwo) {
  std::optional<rt::RequantParams> p =
      computeRequantParams(0.0026, RequantMode::Pow2); // between 2^-9 and 2^-8
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->multiplier, 1);
  EXPECT_EQ(p->shift, 9); // 0.0026 is nearer 2^-9 = 0.00195 than 2^-8 = 0.0039
}

TEST(RequantParams, RejectsUnrepresentable) {
  std::string error;
  EXPECT_FALSE(computeRequantParams(0.0, RequantMode::Exact, &error));
  EXPECT_NE(error.find("not finite and positive"), std::string::npos);
  EXPECT_FALSE(computeRequantParams(NAN, RequantMode::Exact, &error));
  EXPECT_FALSE(computeRequantParams(INFINITY, RequantMode::Exact, &error));
  EXPECT_FALSE(computeRequantParams(-1.0, RequantMode::Exact, &error));
  EXPECT_FALSE(computeRequantParams(1e-12, RequantMode::Exact, &error));
  EXPECT_NE(error.find("underflows"), std::string::npos);
  EXPECT_FALSE(computeRequantParams(4e9, RequantMode::Exact, &error));
  EXPECT_NE(error.find("overflows"), std::string::npos);
}

TEST(Requantize, ClampsToStorageRange) {
  rt::RequantParams half = *computeRequantParams(0.5, RequantMode::Exact);
  EXPECT_EQ(rt::requantize(100, half, 0, 0, 15), 15);
  EXPECT_EQ(rt::requantize(-100, half, 0, 0, 15), 0);
  EXPECT_EQ(rt::requantize(9, half, 3, 0, 15), 7);  // 4.5 -> 4, +3
  EXPECT_EQ(rt::requantize(11, half, 3, 0, 15), 9); // 5.5 -> 6, +3
}

// Random float32 scales and accumulators whose results land in +-512 (the
// range any 8-bit-or-narrower output can use before clamping): the kernel
// equals the exactly rounded rational value except when acc * M lies within
// the 31-bit mantissa's error (|acc * M| * 2^-31) of a tie, which for this
// range has probability ~5e-7 per value; such cases must be off by one.
TEST(Requantize, MatchesExactRationalRounding) {
  std::mt19937_64 rng(20261129);
  std::uniform_real_distribution<float> logScale(-12.0f, 0.0f);
  int mismatches = 0, cases = 0;
  for (int s = 0; s < 2000; ++s) {
    float sx = std::exp2(logScale(rng)), sw = std::exp2(logScale(rng) / 2),
          sy = std::exp2(logScale(rng) / 3);
    double m = static_cast<double>(sx) * static_cast<double>(sw) /
               static_cast<double>(sy);
    std::optional<rt::RequantParams> p =
        computeRequantParams(m, RequantMode::Exact);
    ASSERT_TRUE(p.has_value());
    int64_t limit = std::min<int64_t>(int64_t(1) << 31,
                                      static_cast<int64_t>(512.0 / m) + 1);
    std::uniform_int_distribution<int64_t> accDist(-limit, limit);
    for (int i = 0; i < 200; ++i, ++cases) {
      int64_t acc = accDist(rng);
      int64_t got = rt::roundingShiftHalfEven(acc * p->multiplier, p->shift);
      int64_t want = exactRequant(acc, sx, sw, sy);
      if (got != want) {
        ++mismatches;
        EXPECT_LE(std::llabs(got - want), 1);
      }
    }
  }
  EXPECT_LE(mismatches, 2) << mismatches << " of " << cases;
}

// Exact ties (acc * M = k + 1/2 with M a power of two) round to even.
TEST(Requantize, ExactTiesRoundToEven) {
  rt::RequantParams quarter = *computeRequantParams(0.25, RequantMode::Exact);
  for (int64_t acc = -64; acc <= 64; ++acc) {
    int64_t want = exactRequant(acc, 0.5f, 0.5f, 1.0f);
    EXPECT_EQ(rt::roundingShiftHalfEven(acc * quarter.multiplier, quarter.shift),
              want)
        << acc;
  }
}

} // namespace
