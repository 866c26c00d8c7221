//===- ApIntTest.cpp - qrcnn's ap_int/ap_uint stand-in against exact math -===//
//
// Every result is compared with an independent reference model computed in
// __int128 (exact for all operands and results of <= 64 bits): exhaustively
// for all widths 1..6 (all operand pairs, both signednesses), and with
// fixed-seed random operands (biased toward edge values) for widths up to
// 64. Result types are checked with std::is_same on decltype.
//
// The test always exercises the stand-in (QRCNN_FORCE_HLS_STANDINS), even on
// a machine that has Xilinx's headers.
//
//===----------------------------------------------------------------------===//

#define QRCNN_FORCE_HLS_STANDINS 1
#include "qrcnn/hls/ap_int.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <sstream>
#include <string>
#include <type_traits>
#include <utility>

static_assert(QRCNN_AP_INT_IS_STANDIN == 1, "the forced stand-in must be selected");
static_assert(QRCNN_AP_INT_STANDIN == 1, "stand-in marker");

namespace {

// The reference model and the checker stay out of line: inlining them into
// the hundreds of template instantiations below only costs compile time.
#define REF_FN __attribute__((noinline))

__extension__ typedef __int128 i128;
__extension__ typedef unsigned __int128 u128;

//===----------------------------------------------------------------------===//
// Reference model (independent of the header under test)
//===----------------------------------------------------------------------===//

REF_FN std::string str(i128 v) {
  if (v == 0)
    return "0";
  const bool neg = v < 0;
  u128 u = neg ? static_cast<u128>(0) - static_cast<u128>(v) : static_cast<u128>(v);
  std::string s;
  while (u != 0) {
    s.insert(s.begin(), static_cast<char>('0' + static_cast<int>(u % 10)));
    u /= 10;
  }
  return neg ? "-" + s : s;
}

i128 pow2(int n) { return static_cast<i128>(1) << n; } // n <= 126
i128 minOf(int w, bool s) { return s ? -pow2(w - 1) : 0; }
i128 maxOf(int w, bool s) { return s ? pow2(w - 1) - 1 : pow2(w) - 1; }

/// v modulo 2^w, as a w-bit two's complement (s) or unsigned value.
REF_FN i128 refWrap(i128 v, int w, bool s) {
  const i128 m = pow2(w);
  i128 r = v % m;
  if (r < 0)
    r += m;
  if (s && r >= pow2(w - 1))
    r -= m;
  return r;
}

REF_FN i128 floorDiv(i128 a, i128 d) { // d > 0
  i128 q = a / d;
  if (a % d != 0 && a < 0)
    q -= 1;
  return q;
}

i128 refShr(i128 a, i128 n, int w, bool s);
REF_FN i128 refShl(i128 a, i128 n, int w, bool s) {
  if (n < 0)
    return refShr(a, -n, w, s);
  if (n >= 64) // a multiple of 2^64, hence 0 modulo 2^w
    return 0;
  return refWrap(a * pow2(static_cast<int>(n)), w, s);
}
REF_FN i128 refShr(i128 a, i128 n, int w, bool s) {
  if (n < 0)
    return refShl(a, -n, w, s);
  if (n >= 100)
    return a < 0 ? -1 : 0;
  return floorDiv(a, pow2(static_cast<int>(n)));
}

/// Low 64 bits of a*b, then wrapped to w bits (for *=, which may overflow).
REF_FN i128 refMulWrap(i128 a, i128 b, int w, bool s) {
  const u128 p = static_cast<u128>(a) * static_cast<u128>(b);
  return refWrap(static_cast<i128>(static_cast<unsigned long long>(p)), w, s);
}

constexpr int mx(int a, int b) { return a > b ? a : b; }
constexpr int mn(int a, int b) { return a < b ? a : b; }

/// The Vitis result-type rules (restated here as the specification).
template <int A, bool SA, int B, bool SB> struct Spec {
  static constexpr int mulW = A + B;
  static constexpr bool mulS = SA || SB;
  static constexpr int addW = mx(A + (SB && !SA), B + (SA && !SB)) + 1;
  static constexpr bool addS = SA || SB;
  static constexpr int subW = addW;
  static constexpr bool subS = true;
  static constexpr int logW = mx(A + (SB && !SA), B + (SA && !SB));
  static constexpr bool logS = SA || SB;
  static constexpr int divW = A + SB;
  static constexpr bool divS = SA || SB;
  static constexpr int modW = mn(A, B + (!SB && SA));
  static constexpr bool modS = SA;
};

template <int W, bool S> using Ap = std::conditional_t<S, ap_int<W>, ap_uint<W>>;

/// Width/signedness of a built-in integer as an operand.
template <class T> constexpr int bitsOf() {
  return std::is_same<T, bool>::value ? 1 : int(sizeof(T) * 8);
}

template <class T> i128 val(const T &x) { return static_cast<i128>(x.V); }

//===----------------------------------------------------------------------===//
// Failure accounting: one gtest failure per mismatch (first 25 shown), and
// a count of checked cases.
//===----------------------------------------------------------------------===//

/// What was checked, for the failure message.
struct Ctx {
  const char *op;
  int a_w;
  bool a_s;
  i128 a;
  int b_w; // 0: b is a plain int (shift amount, index)
  bool b_s;
  i128 b;
  int hi = -1, lo = -1;
};

REF_FN std::string describe(const Ctx &x) {
  std::ostringstream os;
  os << (x.a_s ? "ap_int<" : "ap_uint<") << x.a_w << ">(" << str(x.a) << ") " << x.op;
  if (x.b_w > 0)
    os << " " << (x.b_s ? "ap_int<" : "ap_uint<") << x.b_w << ">(" << str(x.b) << ")";
  else
    os << " " << str(x.b);
  if (x.hi >= 0)
    os << " [hi=" << x.hi << " lo=" << x.lo << "]";
  return os.str();
}

struct Checker {
  long long cases = 0;
  long long failures = 0;

  REF_FN void fail(i128 got, i128 want, const Ctx &x) {
    if (++failures <= 25)
      ADD_FAILURE() << describe(x) << ": got " << str(got) << ", want " << str(want);
  }
  REF_FN void eq(i128 got, i128 want, const Ctx &x) {
    ++cases;
    if (got != want)
      fail(got, want, x);
  }
  REF_FN void truth(bool got, bool want, const Ctx &x) { eq(got ? 1 : 0, want ? 1 : 0, x); }
};

//===----------------------------------------------------------------------===//
// Binary operations of one (A, SA) x (B, SB) combination on given values
//===----------------------------------------------------------------------===//

template <int A, bool SA, int B, bool SB> void checkTypes() {
  using TA = Ap<A, SA>;
  using TB = Ap<B, SB>;
  using Sp = Spec<A, SA, B, SB>;
#define x std::declval<const TA &>()
#define y std::declval<const TB &>()
  static_assert(std::is_same<decltype(x + y), Ap<Sp::addW, Sp::addS>>::value, "+ type");
  static_assert(std::is_same<decltype(x - y), Ap<Sp::subW, Sp::subS>>::value, "- type");
  static_assert(std::is_same<decltype(x * y), Ap<Sp::mulW, Sp::mulS>>::value, "* type");
  static_assert(std::is_same<decltype(x & y), Ap<Sp::logW, Sp::logS>>::value, "& type");
  static_assert(std::is_same<decltype(x | y), Ap<Sp::logW, Sp::logS>>::value, "| type");
  static_assert(std::is_same<decltype(x ^ y), Ap<Sp::logW, Sp::logS>>::value, "^ type");
  static_assert(std::is_same<decltype(x / y), Ap<Sp::divW, Sp::divS>>::value, "/ type");
  static_assert(std::is_same<decltype(x % y), Ap<Sp::modW, Sp::modS>>::value, "% type");
  static_assert(std::is_same<decltype(x << y), TA>::value, "<< type");
  static_assert(std::is_same<decltype(x >> y), TA>::value, ">> type");
  static_assert(std::is_same<decltype(x == y), bool>::value, "== type");
  static_assert(std::is_same<decltype(x < y), bool>::value, "< type");
#undef x
#undef y
}

template <int A, bool SA, int B, bool SB> void checkPair(Checker &c, i128 a, i128 b) {
  using TA = Ap<A, SA>;
  using TB = Ap<B, SB>;
  using Sp = Spec<A, SA, B, SB>;
  const TA x = static_cast<long long>(a);
  const TB y = static_cast<long long>(b);
  c.eq(val(x), a, Ctx{"construct", A, SA, a, B, SB, b});
  c.eq(val(y), b, Ctx{"construct", A, SA, a, B, SB, b});

  // Arithmetic with the Vitis result width: exact.
  if constexpr (Sp::addW <= 64) {
    c.eq(val(x + y), a + b, Ctx{"+", A, SA, a, B, SB, b});
    c.eq(val(x - y), a - b, Ctx{"-", A, SA, a, B, SB, b});
  }
  if constexpr (Sp::mulW <= 64)
    c.eq(val(x * y), a * b, Ctx{"*", A, SA, a, B, SB, b});
  if constexpr (Sp::logW <= 64) {
    // Both operands fit in the logic width, so the infinite-precision two's
    // complement result is exact.
    c.eq(val(x & y), a & b, Ctx{"&", A, SA, a, B, SB, b});
    c.eq(val(x | y), a | b, Ctx{"|", A, SA, a, B, SB, b});
    c.eq(val(x ^ y), a ^ b, Ctx{"^", A, SA, a, B, SB, b});
  }
  if (b != 0) {
    if constexpr (Sp::divW <= 64)
      c.eq(val(x / y), a / b, Ctx{"/", A, SA, a, B, SB, b});
    c.eq(val(x % y), a % b, Ctx{"%", A, SA, a, B, SB, b});
  }

  // Comparisons on the mathematical values.
  c.truth(x == y, a == b, Ctx{"==", A, SA, a, B, SB, b});
  c.truth(x != y, a != b, Ctx{"!=", A, SA, a, B, SB, b});
  c.truth(x < y, a < b, Ctx{"<", A, SA, a, B, SB, b});
  c.truth(x <= y, a <= b, Ctx{"<=", A, SA, a, B, SB, b});
  c.truth(x > y, a > b, Ctx{">", A, SA, a, B, SB, b});
  c.truth(x >= y, a >= b, Ctx{">=", A, SA, a, B, SB, b});

  // Construction and assignment from another width: wrap to A bits.
  {
    TA z = y;
    c.eq(val(z), refWrap(b, A, SA), Ctx{"construct from", A, SA, a, B, SB, b});
    TA w;
    w = y;
    c.eq(val(w), refWrap(b, A, SA), Ctx{"assign from", A, SA, a, B, SB, b});
  }

  // Compound assignment: exact, then wrapped into the left side's width.
  {
    TA z = x;
    z += y;
    c.eq(val(z), refWrap(a + b, A, SA), Ctx{"+=", A, SA, a, B, SB, b});
    z = x;
    z -= y;
    c.eq(val(z), refWrap(a - b, A, SA), Ctx{"-=", A, SA, a, B, SB, b});
    z = x;
    z *= y;
    c.eq(val(z), refMulWrap(a, b, A, SA), Ctx{"*=", A, SA, a, B, SB, b});
    z = x;
    z &= y;
    c.eq(val(z), refWrap(a & b, A, SA), Ctx{"&=", A, SA, a, B, SB, b});
    z = x;
    z |= y;
    c.eq(val(z), refWrap(a | b, A, SA), Ctx{"|=", A, SA, a, B, SB, b});
    z = x;
    z ^= y;
    c.eq(val(z), refWrap(a ^ b, A, SA), Ctx{"^=", A, SA, a, B, SB, b});
    if (b != 0) {
      z = x;
      z /= y;
      c.eq(val(z), refWrap(a / b, A, SA), Ctx{"/=", A, SA, a, B, SB, b});
      z = x;
      z %= y;
      c.eq(val(z), refWrap(a % b, A, SA), Ctx{"%=", A, SA, a, B, SB, b});
    }
  }

  // Shift by an ap-typed amount (negative amounts shift the other way).
  if (b >= -70 && b <= 70) {
    c.eq(val(x << y), refShl(a, b, A, SA), Ctx{"<<", A, SA, a, B, SB, b});
    c.eq(val(x >> y), refShr(a, b, A, SA), Ctx{">>", A, SA, a, B, SB, b});
    TA z = x;
    z <<= y;
    c.eq(val(z), refShl(a, b, A, SA), Ctx{"<<=", A, SA, a, B, SB, b});
    z = x;
    z >>= y;
    c.eq(val(z), refShr(a, b, A, SA), Ctx{">>=", A, SA, a, B, SB, b});
  }
}

template <int A, bool SA, int B, bool SB> void exhaustivePair(Checker &c) {
  checkTypes<A, SA, B, SB>();
  for (i128 a = minOf(A, SA); a <= maxOf(A, SA); ++a)
    for (i128 b = minOf(B, SB); b <= maxOf(B, SB); ++b)
      checkPair<A, SA, B, SB>(c, a, b);
}

template <int A, bool SA, int... Bs>
void exhaustiveRow(Checker &c, std::integer_sequence<int, Bs...>) {
  (exhaustivePair<A, SA, Bs + 1, false>(c), ...);
  (exhaustivePair<A, SA, Bs + 1, true>(c), ...);
}

template <int... As> void exhaustiveAll(Checker &c, std::integer_sequence<int, As...>) {
  (exhaustiveRow<As + 1, false>(c, std::make_integer_sequence<int, 6>()), ...);
  (exhaustiveRow<As + 1, true>(c, std::make_integer_sequence<int, 6>()), ...);
}

TEST(ApIntStandin, ExhaustivePairsWidths1To6) {
  Checker c;
  exhaustiveAll(c, std::make_integer_sequence<int, 6>());
  EXPECT_EQ(c.failures, 0);
  EXPECT_GT(c.cases, 1000000);
  RecordProperty("cases", std::to_string(c.cases));
}

//===----------------------------------------------------------------------===//
// Unary operators, increments and shifts by int: exhaustive for W = 1..6
//===----------------------------------------------------------------------===//

template <int W, bool S> void exhaustiveUnary(Checker &c) {
  using T = Ap<W, S>;
  constexpr int negW = mx(W, 1 + S) + 1;
  static_assert(std::is_same<decltype(-T()), ap_int<negW>>::value, "unary - type");
  static_assert(std::is_same<decltype(~T()), T>::value, "~ type");
  static_assert(std::is_same<decltype(+T()), T>::value, "unary + type");
  static_assert(std::is_same<decltype(T() << 1), T>::value, "<< int type");
  static_assert(std::is_same<decltype(T() >> 1u), T>::value, ">> unsigned type");
  for (i128 a = minOf(W, S); a <= maxOf(W, S); ++a) {
    const T x = static_cast<long long>(a);
    c.eq(val(-x), -a, Ctx{"-", W, S, a, 0, false, 0});
    c.eq(val(+x), a, Ctx{"+", W, S, a, 0, false, 0});
    c.eq(val(~x), refWrap(~a, W, S), Ctx{"~", W, S, a, 0, false, 0});
    c.truth(!x, a == 0, Ctx{"!", W, S, a, 0, false, 0});
    T y = x;
    c.eq(val(++y), refWrap(a + 1, W, S), Ctx{"++x", W, S, a, 0, false, 0});
    y = x;
    c.eq(val(--y), refWrap(a - 1, W, S), Ctx{"--x", W, S, a, 0, false, 0});
    y = x;
    c.eq(val(y++), a, Ctx{"x++ old", W, S, a, 0, false, 0});
    c.eq(val(y), refWrap(a + 1, W, S), Ctx{"x++ new", W, S, a, 0, false, 0});
    y = x;
    c.eq(val(y--), a, Ctx{"x-- old", W, S, a, 0, false, 0});
    c.eq(val(y), refWrap(a - 1, W, S), Ctx{"x-- new", W, S, a, 0, false, 0});
    for (int n = -W - 3; n <= W + 3; ++n) {
      c.eq(val(x << n), refShl(a, n, W, S), Ctx{"<<", W, S, a, 0, true, n});
      c.eq(val(x >> n), refShr(a, n, W, S), Ctx{">>", W, S, a, 0, true, n});
      c.eq(val(x << static_cast<long long>(n)), refShl(a, n, W, S), Ctx{"<< ll", W, S, a, 0, true, n});
      c.eq(val(x >> static_cast<short>(n)), refShr(a, n, W, S), Ctx{">> short", W, S, a, 0, true, n});
      if (n >= 0) {
        c.eq(val(x << static_cast<unsigned>(n)), refShl(a, n, W, S), Ctx{"<< u", W, S, a, 0, true, n});
        c.eq(val(x >> static_cast<unsigned long long>(n)), refShr(a, n, W, S),
             Ctx{">> ull", W, S, a, 0, true, n});
      }
      y = x;
      y <<= n;
      c.eq(val(y), refShl(a, n, W, S), Ctx{"<<=", W, S, a, 0, true, n});
      y = x;
      y >>= n;
      c.eq(val(y), refShr(a, n, W, S), Ctx{">>=", W, S, a, 0, true, n});
    }
  }
}

template <int... Ws> void exhaustiveUnaryAll(Checker &c, std::integer_sequence<int, Ws...>) {
  (exhaustiveUnary<Ws + 1, false>(c), ...);
  (exhaustiveUnary<Ws + 1, true>(c), ...);
}

TEST(ApIntStandin, ExhaustiveUnaryAndShiftsWidths1To6) {
  Checker c;
  exhaustiveUnaryAll(c, std::make_integer_sequence<int, 6>());
  EXPECT_EQ(c.failures, 0);
  EXPECT_GT(c.cases, 5000);
  RecordProperty("cases", std::to_string(c.cases));
}

//===----------------------------------------------------------------------===//
// Randomized binary operations for widths up to 64
//===----------------------------------------------------------------------===//

struct Rng {
  std::mt19937_64 gen{0x51c0ffee2023ULL};
  unsigned long long bits() { return gen(); }
  unsigned below(unsigned n) { return static_cast<unsigned>(gen() % n); }

  /// A value of a w-bit type: edge values, small magnitudes and full-width
  /// random bit patterns.
  i128 in(int w, bool s) {
    const i128 lo = minOf(w, s), hi = maxOf(w, s);
    switch (below(8)) {
    case 0: {
      const i128 edges[] = {lo, lo + 1, hi, hi - 1, 0, 1, -1, -2};
      i128 v = edges[below(8)];
      return v < lo ? lo : (v > hi ? hi : v);
    }
    case 1: // a random number of significant bits
      return refWrap(static_cast<i128>(bits() >> (below(64))) * (below(2) ? 1 : -1), w, s);
    case 2: // powers of two and neighbours
      return refWrap(pow2(static_cast<int>(below(w))) + static_cast<int>(below(3)) - 1, w, s);
    default:
      return refWrap(static_cast<i128>(bits()), w, s);
    }
  }
};

template <int A, bool SA, int B, bool SB> void randomPair(Checker &c, Rng &r, int n) {
  checkTypes<A, SA, B, SB>();
  for (int i = 0; i < n; ++i) {
    const i128 a = r.in(A, SA);
    i128 b = r.in(B, SB);
    checkPair<A, SA, B, SB>(c, a, b);
    // Shift amounts are mostly out of the +-70 window above; cover them too.
    if constexpr (B >= 8) {
      b = static_cast<i128>(r.below(2 * A + 9)) - A - 4;
      if (b >= minOf(B, SB))
        checkPair<A, SA, B, SB>(c, a, b);
    }
  }
}

template <int A, int B> void randomSigns(Checker &c, Rng &r, int n) {
  randomPair<A, false, B, false>(c, r, n);
  randomPair<A, false, B, true>(c, r, n);
  randomPair<A, true, B, false>(c, r, n);
  randomPair<A, true, B, true>(c, r, n);
}

TEST(ApIntStandin, RandomPairsWidthsUpTo64) {
  Checker c;
  Rng r;
  // Width pairs around the interesting boundaries: 1 bit, the 32-bit
  // built-in size, results of exactly 64 bits, and 64-bit operands.
  randomSigns<1, 64>(c, r, 2000);
  randomSigns<64, 1>(c, r, 2000);
  randomSigns<3, 31>(c, r, 2000);
  randomSigns<8, 8>(c, r, 2000);
  randomSigns<8, 56>(c, r, 2000);
  randomSigns<13, 47>(c, r, 2000);
  randomSigns<16, 48>(c, r, 2000);
  randomSigns<31, 32>(c, r, 2000);
  randomSigns<32, 32>(c, r, 2000);
  randomSigns<33, 31>(c, r, 2000);
  randomSigns<40, 24>(c, r, 2000);
  randomSigns<63, 1>(c, r, 2000);
  randomSigns<64, 8>(c, r, 2000);
  randomSigns<64, 64>(c, r, 2000);
  EXPECT_EQ(c.failures, 0);
  EXPECT_GT(c.cases, 1000000);
  RecordProperty("cases", std::to_string(c.cases));
}

//===----------------------------------------------------------------------===//
// Mixing with built-in integer types
//===----------------------------------------------------------------------===//

template <int A, bool SA, class T> void randomWithBuiltin(Checker &c, Rng &r, int n) {
  constexpr int B = bitsOf<T>();
  constexpr bool SB = std::is_signed<T>::value;
  using TA = Ap<A, SA>;
  using Sp = Spec<A, SA, B, SB>;
#define xr std::declval<const TA &>()
#define tr std::declval<const T &>()
  static_assert(std::is_same<decltype(xr + tr), Ap<Sp::addW, Sp::addS>>::value, "ap + int");
  static_assert(std::is_same<decltype(tr * xr), Ap<Sp::mulW, Sp::mulS>>::value, "int * ap");
  static_assert(std::is_same<decltype(xr - tr), Ap<Sp::subW, true>>::value, "ap - int");
  static_assert(std::is_same<decltype(xr & tr), Ap<Sp::logW, Sp::logS>>::value, "ap & int");
  static_assert(std::is_same<decltype(xr << tr), TA>::value, "ap << int");
  static_assert(std::is_same<decltype(xr == tr), bool>::value, "ap == int");
  static_assert(std::is_same<decltype(std::declval<TA &>() += tr), ap_int_base<A, SA> &>::value,
                "ap += int");
#undef xr
#undef tr
  using Rev = Spec<B, SB, A, SA>;
  for (int i = 0; i < n; ++i) {
    const i128 a = r.in(A, SA);
    const i128 b = r.in(B, SB);
    const TA x = static_cast<long long>(a);
    const T t = static_cast<T>(b);
    if constexpr (Sp::addW <= 64) {
      c.eq(val(x + t), a + b, Ctx{"+ (built-in)", A, SA, a, B, SB, b});
      c.eq(val(t + x), b + a, Ctx{"int + (built-in)", A, SA, a, B, SB, b});
      c.eq(val(x - t), a - b, Ctx{"- (built-in)", A, SA, a, B, SB, b});
      c.eq(val(t - x), b - a, Ctx{"int - (built-in)", A, SA, a, B, SB, b});
    }
    if constexpr (Sp::mulW <= 64) {
      c.eq(val(x * t), a * b, Ctx{"* (built-in)", A, SA, a, B, SB, b});
      c.eq(val(t * x), a * b, Ctx{"int * (built-in)", A, SA, a, B, SB, b});
    }
    if constexpr (Sp::logW <= 64) {
      c.eq(val(x & t), a & b, Ctx{"& (built-in)", A, SA, a, B, SB, b});
      c.eq(val(t | x), a | b, Ctx{"int | (built-in)", A, SA, a, B, SB, b});
      c.eq(val(x ^ t), a ^ b, Ctx{"^ (built-in)", A, SA, a, B, SB, b});
    }
    if (b != 0) {
      if constexpr (Sp::divW <= 64)
        c.eq(val(x / t), a / b, Ctx{"/ (built-in)", A, SA, a, B, SB, b});
      if constexpr (Rev::divW <= 64)
        if (a != 0)
          c.eq(val(t / x), b / a, Ctx{"int / (built-in)", A, SA, a, B, SB, b});
    }
    c.truth(x == t, a == b, Ctx{"== (built-in)", A, SA, a, B, SB, b});
    c.truth(t == x, a == b, Ctx{"int == (built-in)", A, SA, a, B, SB, b});
    c.truth(x < t, a < b, Ctx{"< (built-in)", A, SA, a, B, SB, b});
    c.truth(t < x, b < a, Ctx{"int < (built-in)", A, SA, a, B, SB, b});
    c.truth(x >= t, a >= b, Ctx{">= (built-in)", A, SA, a, B, SB, b});
    c.truth(t > x, b > a, Ctx{"int > (built-in)", A, SA, a, B, SB, b});
    TA z = x;
    z += t;
    c.eq(val(z), refWrap(a + b, A, SA), Ctx{"+= (built-in)", A, SA, a, B, SB, b});
    z = x;
    z -= t;
    c.eq(val(z), refWrap(a - b, A, SA), Ctx{"-= (built-in)", A, SA, a, B, SB, b});
    z = x;
    z *= t;
    c.eq(val(z), refMulWrap(a, b, A, SA), Ctx{"*= (built-in)", A, SA, a, B, SB, b});
    z = t;
    c.eq(val(z), refWrap(b, A, SA), Ctx{"assign (built-in)", A, SA, a, B, SB, b});
    const TA fromT(t);
    c.eq(val(fromT), refWrap(b, A, SA), Ctx{"construct (built-in)", A, SA, a, B, SB, b});
  }
}

template <int A, bool SA> void randomWithAllBuiltins(Checker &c, Rng &r, int n) {
  randomWithBuiltin<A, SA, bool>(c, r, n);
  randomWithBuiltin<A, SA, char>(c, r, n);
  randomWithBuiltin<A, SA, signed char>(c, r, n);
  randomWithBuiltin<A, SA, unsigned char>(c, r, n);
  randomWithBuiltin<A, SA, short>(c, r, n);
  randomWithBuiltin<A, SA, unsigned short>(c, r, n);
  randomWithBuiltin<A, SA, int>(c, r, n);
  randomWithBuiltin<A, SA, unsigned>(c, r, n);
  randomWithBuiltin<A, SA, long>(c, r, n);
  randomWithBuiltin<A, SA, unsigned long>(c, r, n);
  randomWithBuiltin<A, SA, long long>(c, r, n);
  randomWithBuiltin<A, SA, unsigned long long>(c, r, n);
}

TEST(ApIntStandin, RandomWithBuiltinIntegers) {
  Checker c;
  Rng r;
  randomWithAllBuiltins<1, false>(c, r, 1000);
  randomWithAllBuiltins<8, true>(c, r, 1000);
  randomWithAllBuiltins<31, true>(c, r, 1000);
  randomWithAllBuiltins<32, false>(c, r, 1000);
  randomWithAllBuiltins<64, true>(c, r, 1000);
  EXPECT_EQ(c.failures, 0);
  EXPECT_GT(c.cases, 100000);
  RecordProperty("cases", std::to_string(c.cases));
}

//===----------------------------------------------------------------------===//
// Result types: hand-written expectations (not derived from the formulas)
//===----------------------------------------------------------------------===//

template <class X, class Y> constexpr bool same() { return std::is_same<X, Y>::value; }

TEST(ApIntStandin, ResultTypes) {
  ap_int<8> s8;
  ap_uint<8> u8;
  ap_int<4> s4;
  ap_uint<4> u4;
  ap_int<32> s32;
  ap_uint<3> u3;
  ap_int<1> s1;
  const ap_uint<16> cu16 = 0;
  static_assert(same<decltype(s8 * s8), ap_int<16>>(), "");
  static_assert(same<decltype(u8 * s4), ap_int<12>>(), "");
  static_assert(same<decltype(u8 * u4), ap_uint<12>>(), "");
  static_assert(same<decltype(s32 * s32), ap_int<64>>(), "");
  static_assert(same<decltype(u8 + u8), ap_uint<9>>(), "");
  static_assert(same<decltype(s8 + s4), ap_int<9>>(), "");
  static_assert(same<decltype(s8 + u8), ap_int<10>>(), "");
  static_assert(same<decltype(s4 + u8), ap_int<10>>(), "");
  static_assert(same<decltype(u4 + s8), ap_int<9>>(), "");
  static_assert(same<decltype(u8 - u8), ap_int<9>>(), "");
  static_assert(same<decltype(s8 - u4), ap_int<9>>(), "");
  static_assert(same<decltype(s8 & u8), ap_int<9>>(), "");
  static_assert(same<decltype(u8 | u4), ap_uint<8>>(), "");
  static_assert(same<decltype(s4 ^ s8), ap_int<8>>(), "");
  static_assert(same<decltype(u8 / s4), ap_int<9>>(), "");
  static_assert(same<decltype(s8 / u8), ap_int<8>>(), "");
  static_assert(same<decltype(s8 % u3), ap_int<4>>(), "");
  static_assert(same<decltype(u8 % s4), ap_uint<4>>(), "");
  static_assert(same<decltype(s8 + 1), ap_int<33>>(), "");
  static_assert(same<decltype(1 + s8), ap_int<33>>(), "");
  static_assert(same<decltype(u4 + 1u), ap_uint<33>>(), "");
  static_assert(same<decltype(u4 * true), ap_uint<5>>(), "");
  static_assert(same<decltype(s8 * static_cast<signed char>(3)), ap_int<16>>(), "");
  static_assert(same<decltype(u8 * static_cast<unsigned short>(3)), ap_uint<24>>(), "");
  // The Vitis type, named but never instantiated (using it would trip the
  // 64-bit static_assert):
  static_assert(same<decltype(s8 - 1LL), ap_int<65>>(), "");
  static_assert(same<decltype(-s8), ap_int<9>>(), "");
  static_assert(same<decltype(-u8), ap_int<9>>(), "");
  static_assert(same<decltype(-s1), ap_int<3>>(), "");
  static_assert(same<decltype(~u4), ap_uint<4>>(), "");
  static_assert(same<decltype(s8 << 3), ap_int<8>>(), "");
  static_assert(same<decltype(u8 >> s4), ap_uint<8>>(), "");
  static_assert(same<decltype(s8 < u8), bool>(), "");
  static_assert(same<decltype(s8 += 1), ap_int_base<8, true> &>(), "");
  static_assert(same<decltype(++s8), ap_int_base<8, true> &>(), "");
  static_assert(same<decltype(s8++), const ap_int<8>>(), "");
  static_assert(same<decltype(cu16.range(7, 0)), ap_uint<16>>(), "");
  static_assert(same<decltype(cu16(7, 0)), ap_uint<16>>(), "");
  static_assert(same<decltype(cu16[3]), bool>(), "");
  static_assert(same<decltype(s8.range(3, 0) + 1), ap_int<33>>(), "");
  static_assert(same<decltype(s8.range(3, 0) * u4), ap_uint<12>>(), "");
  static_assert(same<decltype(s8[3] + s8), ap_int<9>>(), "");
  static_assert(same<decltype(s8.to_int()), int>(), "");
  static_assert(same<decltype(u8.to_uint()), unsigned>(), "");
  static_assert(same<decltype(s8.to_long()), long>(), "");
  static_assert(same<decltype(s8.to_int64()), long long>(), "");
  static_assert(same<ap_int<8>::RetType, long long>(), "");
  static_assert(same<ap_uint<8>::RetType, unsigned long long>(), "");
  static_assert(same<ap_int<8>::RType<8, false>::plus, ap_int<10>>(), "");
  static_assert(ap_int<64>::RType<32, true>::plus_w == 65, "ap_int<64> + int is 65 bits");
  static_assert(ap_uint<64>::RType<32, true>::logic_w == 65, "ap_uint<64> & int is 65 bits");
  static_assert(ap_int<8>::width == 8 && ap_uint<64>::width == 64, "");
  SUCCEED();
}

//===----------------------------------------------------------------------===//
// Specific values
//===----------------------------------------------------------------------===//

TEST(ApIntStandin, WrapOnConstructionFromBuiltins) {
  EXPECT_EQ(ap_int<4>(7).to_int(), 7);
  EXPECT_EQ(ap_int<4>(8).to_int(), -8);
  EXPECT_EQ(ap_int<4>(200).to_int(), -8); // 200 = 0b1100_1000
  EXPECT_EQ(ap_int<4>(-9).to_int(), 7);
  EXPECT_EQ(ap_uint<4>(-1).to_int(), 15);
  EXPECT_EQ(ap_uint<4>(true).to_int(), 1);
  EXPECT_EQ(ap_int<1>(1).to_int(), -1);
  EXPECT_EQ(ap_uint<1>(3).to_int(), 1);
  EXPECT_EQ(ap_int<8>(static_cast<signed char>(-128)).to_int(), -128);
  EXPECT_EQ(ap_uint<8>(static_cast<unsigned char>(255)).to_int(), 255);
  EXPECT_EQ(ap_int<16>(static_cast<short>(-32768)).to_int(), -32768);
  EXPECT_EQ(ap_uint<16>(static_cast<unsigned short>(65535)).to_int(), 65535);
  EXPECT_EQ(ap_int<64>(std::numeric_limits<long long>::min()).to_int64(),
            std::numeric_limits<long long>::min());
  EXPECT_EQ(ap_uint<64>(std::numeric_limits<unsigned long long>::max()).to_uint64(),
            std::numeric_limits<unsigned long long>::max());
  EXPECT_EQ(ap_int<64>(std::numeric_limits<unsigned long long>::max()).to_int64(), -1);
  EXPECT_EQ(ap_uint<33>(-1LL).to_uint64(), (1ULL << 33) - 1);
  EXPECT_EQ(ap_int<33>(1ULL << 32).to_int64(), -(1LL << 32));
  EXPECT_EQ(ap_uint<7>(1000UL).to_int(), 1000 % 128);
  EXPECT_EQ(ap_int<12>(ap_uint<16>(0xFFFF)).to_int(), -1);
  EXPECT_EQ(ap_uint<12>(ap_int<3>(-4)).to_int(), 4092);
  EXPECT_EQ(ap_int<20>(ap_int<3>(-4)).to_int(), -4);
  ap_int<6> x;
  EXPECT_EQ(x.to_int(), 0); // default construction gives 0
  x = 100;
  EXPECT_EQ(x.to_int(), 100 - 128);
  x = ap_uint<64>(~0ULL);
  EXPECT_EQ(x.to_int(), -1);
}

TEST(ApIntStandin, RandomConstructionFromEveryBuiltinType) {
  Rng r;
  for (int i = 0; i < 2000; ++i) {
    const unsigned long long bits = r.bits();
#define QRCNN_CHECK_FROM(T)                                                    \
  {                                                                            \
    const T t = static_cast<T>(bits);                                          \
    const i128 v = static_cast<i128>(t);                                       \
    EXPECT_EQ(val(ap_int<5>(t)), refWrap(v, 5, true)) << #T << " " << str(v);  \
    EXPECT_EQ(val(ap_uint<5>(t)), refWrap(v, 5, false)) << #T << " " << str(v); \
    EXPECT_EQ(val(ap_int<37>(t)), refWrap(v, 37, true)) << #T << " " << str(v); \
    EXPECT_EQ(val(ap_uint<64>(t)), refWrap(v, 64, false)) << #T << " " << str(v); \
    EXPECT_EQ(val(ap_int<64>(t)), refWrap(v, 64, true)) << #T << " " << str(v); \
  }
    QRCNN_CHECK_FROM(bool)
    QRCNN_CHECK_FROM(char)
    QRCNN_CHECK_FROM(signed char)
    QRCNN_CHECK_FROM(unsigned char)
    QRCNN_CHECK_FROM(short)
    QRCNN_CHECK_FROM(unsigned short)
    QRCNN_CHECK_FROM(int)
    QRCNN_CHECK_FROM(unsigned int)
    QRCNN_CHECK_FROM(long)
    QRCNN_CHECK_FROM(unsigned long)
    QRCNN_CHECK_FROM(long long)
    QRCNN_CHECK_FROM(unsigned long long)
#undef QRCNN_CHECK_FROM
  }
}

TEST(ApIntStandin, ConstructionFromFloatingPoint) {
  EXPECT_EQ(ap_int<8>(3.9).to_int(), 3);
  EXPECT_EQ(ap_int<8>(-3.9).to_int(), -3);
  EXPECT_EQ(ap_int<8>(3.9f).to_int(), 3);
  EXPECT_EQ(ap_int<8>(300.7).to_int(), 300 - 256);
  EXPECT_EQ(ap_uint<8>(-1.0).to_int(), 255);
  EXPECT_EQ(ap_int<8>(1e30).to_int(), 0); // 1e30 is a multiple of 2^30
  EXPECT_EQ(ap_int<8>(std::nan("")).to_int(), 0);
  EXPECT_EQ(ap_int<8>(std::numeric_limits<double>::infinity()).to_int(), 0);
  EXPECT_EQ(ap_uint<64>(1e19).to_uint64(), 10000000000000000000ULL);
  EXPECT_EQ(ap_int<64>(1e19).to_int64(),
            static_cast<long long>(10000000000000000000ULL - 0) /* wraps */);
  EXPECT_EQ(ap_int<64>(-9.007199254740993e15).to_int64(), -9007199254740992LL);
  // Arithmetic and comparison with floating point use the value.
  EXPECT_DOUBLE_EQ(ap_int<8>(-3) + 0.5, -2.5);
  EXPECT_DOUBLE_EQ(0.5 * ap_uint<8>(3), 1.5);
  EXPECT_FLOAT_EQ(ap_int<8>(-3) / 2.0f, -1.5f);
  EXPECT_TRUE(ap_int<8>(-3) < -2.5);
  EXPECT_TRUE(2.0 == ap_uint<4>(2));
}

TEST(ApIntStandin, ArithmeticEdgeValues) {
  // Products of the extreme 32-bit values are exact in ap_int<64>.
  const ap_int<32> mn32 = std::numeric_limits<int>::min();
  const ap_int<32> mx32 = std::numeric_limits<int>::max();
  EXPECT_EQ((mn32 * mn32).to_int64(), 4611686018427387904LL);
  EXPECT_EQ((mn32 * mx32).to_int64(), -4611686016279904256LL);
  const ap_uint<32> umx = 0xFFFFFFFFu;
  EXPECT_EQ((umx * umx).to_uint64(), 0xFFFFFFFE00000001ULL);
  EXPECT_EQ((ap_int<31>(mn32 >> 1) * ap_uint<32>(umx)).to_int64(),
            -1073741824LL * 4294967295LL);
  // Sums of products.
  const ap_int<31> a = -1073741824, b = 1073741823;
  auto s = a * a + b * b; // ap_int<62> + ap_int<62> -> ap_int<63>
  static_assert(std::is_same<decltype(s), ap_int<63>>::value, "");
  EXPECT_EQ(val(s), static_cast<i128>(-1073741824LL) * -1073741824LL +
                        static_cast<i128>(1073741823LL) * 1073741823LL);
  // 64-bit operands where the result still fits.
  const ap_uint<64> big = ~0ULL;
  EXPECT_EQ((big / ap_uint<8>(255)).to_uint64(), ~0ULL / 255);
  EXPECT_EQ((big % ap_uint<8>(255)).to_uint64(), ~0ULL % 255);
  EXPECT_TRUE(big > ap_int<64>(-1));
  EXPECT_TRUE(big == ~0ULL);
  EXPECT_FALSE(big == -1);
  EXPECT_TRUE(ap_int<64>(-1) < 0u);
  EXPECT_TRUE(ap_uint<32>(1) > ap_int<32>(-1)); // mathematical, see header
  EXPECT_TRUE(ap_int<8>(-1) != ap_uint<8>(255));
  EXPECT_TRUE(ap_int<8>(-1) < 255u);
  EXPECT_EQ((ap_int<8>(-128) / ap_int<8>(-1)).to_int(), 128); // ap_int<8> / ap_int<8> -> ap_int<9>
  EXPECT_EQ((ap_uint<8>(200) / ap_int<4>(-3)).to_int(), -66);
  EXPECT_EQ((ap_int<8>(-7) % ap_uint<2>(3)).to_int(), -1);
}

TEST(ApIntStandin, SumOfProductsAccumulator) {
  // The MAC pattern of the conv kernels: acc += (x - zx) * w, with int4
  // weights and uint8 inputs, in an accumulator of computed width.
  Rng r;
  ap_int<24> acc = 0;
  ap_int<40> wide = 0;
  i128 ref = 0;
  for (int i = 0; i < 20000; ++i) {
    const ap_uint<8> x = static_cast<unsigned>(r.below(256));
    const ap_uint<8> zx = 128;
    const ap_int<4> w = static_cast<int>(r.below(16)) - 8;
    auto d = x - zx; // ap_int<9>
    static_assert(std::is_same<decltype(d), ap_int<9>>::value, "");
    auto p = d * w; // ap_int<13>
    static_assert(std::is_same<decltype(p), ap_int<13>>::value, "");
    acc += p;
    wide = wide + p * ap_int<16>(1000); // ap_int<40> + ap_int<29> -> ap_int<41>, wrapped
    ref += (static_cast<i128>(x.to_int()) - 128) * w.to_int();
    ASSERT_EQ(val(acc), refWrap(ref, 24, true)) << "step " << i;
    ASSERT_EQ(val(wide), refWrap(ref * 1000, 40, true)) << "step " << i;
  }
}

TEST(ApIntStandin, ShiftSpecifics) {
  EXPECT_EQ((ap_int<8>(-128) >> 7).to_int(), -1);
  EXPECT_EQ((ap_int<8>(-128) >> 8).to_int(), -1);
  EXPECT_EQ((ap_int<8>(-128) >> 1000).to_int(), -1);
  EXPECT_EQ((ap_int<8>(64) >> 1000).to_int(), 0);
  EXPECT_EQ((ap_uint<8>(128) >> 7).to_int(), 1);
  EXPECT_EQ((ap_uint<8>(128) >> 8).to_int(), 0);
  EXPECT_EQ((ap_int<8>(1) << 7).to_int(), -128);
  EXPECT_EQ((ap_int<8>(1) << 8).to_int(), 0);
  EXPECT_EQ((ap_uint<8>(0xFF) << 4).to_int(), 0xF0);
  EXPECT_EQ((ap_int<64>(-1) << 63).to_int64(), std::numeric_limits<long long>::min());
  EXPECT_EQ((ap_int<64>(-1) << 64).to_int64(), 0);
  EXPECT_EQ((ap_uint<64>(~0ULL) >> 63).to_uint64(), 1ULL);
  EXPECT_EQ((ap_int<64>(std::numeric_limits<long long>::min()) >> 63).to_int64(), -1);
  EXPECT_EQ((ap_int<8>(-16) << -2).to_int(), -4); // negative amount: shift right
  EXPECT_EQ((ap_int<8>(3) >> -2).to_int(), 12);   // negative amount: shift left
  EXPECT_EQ((ap_int<8>(3) << ap_int<4>(-1)).to_int(), 1);
  EXPECT_EQ((ap_int<8>(3) << ap_uint<3>(7)).to_int(), -128);
  ap_uint<16> x = 0x1234;
  x <<= 4;
  EXPECT_EQ(x.to_int(), 0x2340);
  x >>= ap_uint<4>(8);
  EXPECT_EQ(x.to_int(), 0x23);
  ap_int<16> y = -0x1234;
  y >>= 4;
  EXPECT_EQ(y.to_int(), -0x124); // arithmetic: floor(-0x1234 / 16)
}

TEST(ApIntStandin, Conversions) {
  const ap_int<40> s = -(1LL << 38) - 5;
  long long ll = s; // implicit, as Vitis' RetType
  EXPECT_EQ(ll, -(1LL << 38) - 5);
  EXPECT_EQ(static_cast<long long>(s), -(1LL << 38) - 5);
  EXPECT_EQ(s.to_int64(), -(1LL << 38) - 5);
  EXPECT_EQ(s.to_long(), -(1L << 38) - 5);
  EXPECT_EQ(s.to_int(), static_cast<int>(-(1LL << 38) - 5));
  EXPECT_EQ(s.to_uint(), static_cast<unsigned>(-(1LL << 38) - 5));
  EXPECT_EQ(s.to_uint64(), static_cast<unsigned long long>(-(1LL << 38) - 5));
  EXPECT_DOUBLE_EQ(s.to_double(), static_cast<double>(-(1LL << 38) - 5));
  EXPECT_TRUE(s.to_bool());
  EXPECT_FALSE(ap_int<40>(0).to_bool());
  const ap_uint<64> u = ~0ULL;
  unsigned long long ull = u;
  EXPECT_EQ(ull, ~0ULL);
  int i = ap_int<7>(-5); // through long long
  EXPECT_EQ(i, -5);
  EXPECT_EQ(ap_uint<7>(100).to_ulong(), 100UL);
  EXPECT_EQ(ap_int<7>(-5).to_char(), static_cast<char>(-5));
  EXPECT_EQ(ap_int<16>(-300).to_short(), -300);
  EXPECT_EQ(ap_int<16>(-300).to_ushort(), static_cast<unsigned short>(-300));
  EXPECT_EQ(ap_int<16>(-300).length(), 16);
  EXPECT_TRUE(ap_int<16>(-300).sign());
  EXPECT_FALSE(ap_uint<16>(40000).sign());
  EXPECT_TRUE(ap_uint<16>(0).iszero());
  // Indexing and switch work through the conversion.
  const int table[4] = {10, 20, 30, 40};
  EXPECT_EQ(table[ap_uint<2>(3)], 40);
  switch (ap_int<3>(-2)) {
  case -2:
    SUCCEED();
    break;
  default:
    ADD_FAILURE() << "switch on ap_int";
  }
  std::ostringstream os;
  os << ap_int<8>(-5) << " " << ap_uint<8>(200) << " " << std::hex << ap_int<8>(-1) << " "
     << ap_uint<12>(0xabc);
  EXPECT_EQ(os.str(), "-5 200 ff abc");
}

//===----------------------------------------------------------------------===//
// Bit and part selects
//===----------------------------------------------------------------------===//

/// Reference: bits hi..lo of the w-bit pattern of v (hi < lo: reversed).
REF_FN unsigned long long refRange(i128 v, int w, int hi, int lo) {
  const unsigned long long bits = static_cast<unsigned long long>(refWrap(v, w, false));
  unsigned long long r = 0;
  if (hi >= lo) {
    for (int j = lo; j <= hi; ++j)
      r |= ((bits >> j) & 1ULL) << (j - lo);
  } else {
    for (int i = 0, j = lo; j >= hi; --j, ++i)
      r |= ((bits >> j) & 1ULL) << i;
  }
  return r;
}
REF_FN i128 refSetRange(i128 v, int w, bool s, int hi, int lo, unsigned long long val) {
  unsigned long long bits = static_cast<unsigned long long>(refWrap(v, w, false));
  const int top = hi > lo ? hi : lo, bot = hi > lo ? lo : hi;
  for (int j = bot; j <= top; ++j) {
    const int i = hi >= lo ? j - lo : lo - j;
    const unsigned long long b = 1ULL << j;
    bits = ((val >> i) & 1ULL) ? (bits | b) : (bits & ~b);
  }
  return refWrap(static_cast<i128>(bits), w, s);
}

template <int W, bool S> void selects(Checker &c, Rng &r, int valuesPerPair) {
  using T = Ap<W, S>;
  for (int hi = 0; hi < W; ++hi)
    for (int lo = 0; lo < W; ++lo)
      for (int k = 0; k < valuesPerPair; ++k) {
        const i128 a = r.in(W, S);
        const unsigned long long nv = r.bits();
        const T cx = static_cast<long long>(a);
        T x = cx;
        c.eq(val(cx.range(hi, lo)), refRange(a, W, hi, lo), Ctx{"const range", W, S, a, 0, false, static_cast<i128>(nv), hi, lo});
        c.eq(val(cx(hi, lo)), refRange(a, W, hi, lo), Ctx{"const ()", W, S, a, 0, false, static_cast<i128>(nv), hi, lo});
        c.eq(static_cast<i128>(static_cast<unsigned long long>(x.range(hi, lo))),
             refRange(a, W, hi, lo), Ctx{"range ref read", W, S, a, 0, false, static_cast<i128>(nv), hi, lo});
        c.eq(val(ap_uint<W>(x(hi, lo))), refRange(a, W, hi, lo), Ctx{"() read", W, S, a, 0, false, static_cast<i128>(nv), hi, lo});
        c.eq(val(x.range(hi, lo) | 0u), refRange(a, W, hi, lo), Ctx{"range | 0u", W, S, a, 0, false, static_cast<i128>(nv), hi, lo});
        if constexpr (W < 32)
          c.eq(val(x.range(hi, lo) + 1), static_cast<i128>(refRange(a, W, hi, lo)) + 1,
               Ctx{"range + 1", W, S, a, 0, false, static_cast<i128>(nv), hi, lo});
        x.range(hi, lo) = nv;
        c.eq(val(x), refSetRange(a, W, S, hi, lo, nv), Ctx{"range write", W, S, a, 0, false, static_cast<i128>(nv), hi, lo});
        x = cx;
        x(hi, lo) = ap_uint<64>(nv);
        c.eq(val(x), refSetRange(a, W, S, hi, lo, nv), Ctx{"() write ap", W, S, a, 0, false, static_cast<i128>(nv), hi, lo});
        if (hi >= lo) {
          x = cx;
          x.range(hi, lo) += 1;
          c.eq(val(x),
               refSetRange(a, W, S, hi, lo, refRange(a, W, hi, lo) + 1),
               Ctx{"range +=", W, S, a, 0, false, static_cast<i128>(nv), hi, lo});
        }
        if (lo == 0) {
          c.truth(cx[hi], (refRange(a, W, hi, hi) & 1) != 0, Ctx{"const []", W, S, a, 0, false, static_cast<i128>(nv), hi, lo});
          c.truth(x.get_bit(hi), (refRange(val(x), W, hi, hi) & 1) != 0,
                  Ctx{"get_bit", W, S, a, 0, false, static_cast<i128>(nv), hi, lo});
          x = cx;
          const bool bit = nv & 1;
          x[hi] = bit;
          c.eq(val(x), refSetRange(a, W, S, hi, hi, bit), Ctx{"[] write", W, S, a, 0, false, static_cast<i128>(nv), hi, lo});
          c.truth(x[hi], bit, Ctx{"[] read back", W, S, a, 0, false, static_cast<i128>(nv), hi, lo});
          x = cx;
          x.set_bit(hi, !bit);
          c.eq(val(x), refSetRange(a, W, S, hi, hi, !bit), Ctx{"set_bit", W, S, a, 0, false, static_cast<i128>(nv), hi, lo});
          x = cx;
          x.invert(hi);
          c.eq(val(x), refSetRange(a, W, S, hi, hi, !(refRange(a, W, hi, hi) & 1)),
               Ctx{"invert", W, S, a, 0, false, static_cast<i128>(nv), hi, lo});
        }
      }
}

TEST(ApIntStandin, RangeAndBitSelects) {
  Checker c;
  Rng r;
  selects<1, true>(c, r, 4);
  selects<5, true>(c, r, 8);
  selects<8, false>(c, r, 4);
  selects<33, true>(c, r, 1);
  selects<64, false>(c, r, 1);
  EXPECT_EQ(c.failures, 0);
  EXPECT_GT(c.cases, 40000);
  RecordProperty("cases", std::to_string(c.cases));
}

TEST(ApIntStandin, SelectSpecifics) {
  ap_uint<16> x = 0xABCD;
  EXPECT_EQ(x.range(7, 0).to_uint(), 0xCDu);
  EXPECT_EQ(x(15, 12).to_uint(), 0xAu);
  EXPECT_EQ(x.range().to_uint(), 0xABCDu);
  EXPECT_EQ(x.range(0, 3).to_uint(), 0xBu); // bits 0..3 reversed: 1101 -> 1011
  EXPECT_EQ(x.range(ap_uint<4>(11), ap_uint<4>(8)).to_uint(), 0xBu);
  EXPECT_EQ(x.range(7, 4).length(), 4);
  EXPECT_TRUE(x.range(3, 0) == 0xD);
  EXPECT_TRUE(x.range(3, 0) < ap_int<8>(14));
  EXPECT_EQ((x.range(3, 0) * x.range(7, 4)).to_uint(), 0xDu * 0xCu);
  x.range(7, 4) = 0x5;
  EXPECT_EQ(x.to_uint(), 0xAB5Du);
  x.range(3, 0) = x.range(15, 12); // range to range
  EXPECT_EQ(x.to_uint(), 0xAB5Au);
  x.range(15, 8) = -1; // wraps to the 8 selected bits
  EXPECT_EQ(x.to_uint(), 0xFF5Au);
  x(7, 0) = 0x1FF; // extra bits dropped
  EXPECT_EQ(x.to_uint(), 0xFFFFu);
  x.range(3, 0) += 1; // wraps within the 4 bits
  EXPECT_EQ(x.to_uint(), 0xFFF0u);
  x.range(0, 3) = 0x1; // reversed write: value bit 0 -> bit 3
  EXPECT_EQ(x.to_uint(), 0xFFF8u);

  ap_int<8> y = 0;
  y[7] = 1;
  EXPECT_EQ(y.to_int(), -128);
  y[0] = 5; // any non-zero sets the bit
  EXPECT_EQ(y.to_int(), -127);
  y[2] = 2; // even when its low bit is 0
  EXPECT_EQ(y.to_int(), -123);
  y[2] = 0;
  y[7] = ap_uint<1>(0);
  EXPECT_EQ(y.to_int(), 1);
  y[1] = y[0]; // bit to bit
  EXPECT_EQ(y.to_int(), 3);
  EXPECT_TRUE(y[1]);
  EXPECT_FALSE(~y[1]);
  EXPECT_EQ(y[1] + 1, 2); // a bit select with an int uses bool, as in Vitis
  EXPECT_EQ((y[1] + ap_uint<3>(7)).to_int(), 8);
  EXPECT_TRUE(y.get_bit(0));
  y.set(4);
  EXPECT_EQ(y.to_int(), 19);
  y.clear(0);
  EXPECT_EQ(y.to_int(), 18);
  y.set(0, true);
  EXPECT_TRUE(y.test(0));
  EXPECT_TRUE(y.bit(4));
  const ap_int<8> cy = y;
  EXPECT_TRUE(cy.bit(4));
  EXPECT_TRUE(cy[ap_uint<3>(4)]);

  ap_uint<8> z = 0b00010110;
  z.reverse();
  EXPECT_EQ(z.to_uint(), 0b01101000u);
  z.lrotate(3);
  EXPECT_EQ(z.to_uint(), 0b01000011u);
  z.rrotate(1);
  EXPECT_EQ(z.to_uint(), 0b10100001u);
  EXPECT_EQ(z.countLeadingZeros(), 0);
  EXPECT_EQ(ap_uint<8>(1).countLeadingZeros(), 7);
  EXPECT_EQ(ap_uint<8>(0).countLeadingZeros(), 8);
  EXPECT_TRUE(ap_int<5>(-1).and_reduce());
  EXPECT_FALSE(ap_int<5>(-2).and_reduce());
  EXPECT_TRUE(ap_uint<5>(8).or_reduce());
  EXPECT_TRUE(ap_uint<5>(0).nor_reduce());
  EXPECT_TRUE(ap_uint<5>(7).xor_reduce());
  EXPECT_TRUE(ap_uint<5>(6).xnor_reduce());
  EXPECT_TRUE(ap_uint<64>(~0ULL).and_reduce());
  ap_int<6> b = 0b010101;
  b.b_not();
  EXPECT_EQ(b.to_int(), -22); // 0b101010
}

TEST(ApIntStandin, CompoundAssignmentWrapsIntoLeftWidth) {
  ap_uint<4> u = 15;
  u += 1;
  EXPECT_EQ(u.to_int(), 0);
  u -= 1;
  EXPECT_EQ(u.to_int(), 15);
  u *= ap_int<8>(-3); // -45 mod 16
  EXPECT_EQ(u.to_int(), 3);
  ap_int<4> s = 7;
  ++s;
  EXPECT_EQ(s.to_int(), -8);
  s--;
  EXPECT_EQ(s.to_int(), 7);
  s += ap_uint<64>(~0ULL); // + (2^64 - 1)
  EXPECT_EQ(s.to_int(), 6);
  s *= 1000000007LL;
  EXPECT_EQ(val(s), refWrap(static_cast<i128>(6) * 1000000007LL, 4, true));
  ap_int<64> big = std::numeric_limits<long long>::max();
  big += 1;
  EXPECT_EQ(big.to_int64(), std::numeric_limits<long long>::min());
  big *= ap_uint<64>(~0ULL);
  EXPECT_EQ(big.to_int64(), std::numeric_limits<long long>::min()); // low 64 bits of -2^63 * (2^64-1)
  ap_int<12> q = -100;
  q /= 7;
  EXPECT_EQ(q.to_int(), -14);
  q %= ap_uint<3>(5);
  EXPECT_EQ(q.to_int(), -4);
  q &= 0xF0;
  EXPECT_EQ(q.to_int(), 0xF0 & -4);
  q |= ap_int<2>(-1);
  EXPECT_EQ(q.to_int(), -1);
  q ^= 0x0F;
  EXPECT_EQ(q.to_int(), -16);
}

} // namespace
