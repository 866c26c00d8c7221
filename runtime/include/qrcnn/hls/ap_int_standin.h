//===- qrcnn/hls/ap_int_standin.h - ap_int<W>/ap_uint<W> for C simulation -===//
//
// A header-only, C++17 stand-in for Xilinx's arbitrary-precision integer
// types, so that the Vitis-HLS C++ that qrcnn generates (kernel + testbench)
// compiles and runs in C simulation with a plain host compiler when the
// vendor headers are not installed. It is ONLY for C simulation: it refuses
// to compile under __SYNTHESIS__, and it is normally reached through
// "qrcnn/hls/ap_int.h", which prefers the vendor header when one exists.
//
// Supported (semantics of Vitis' ap_int_base / ap_int_ref as used by
// generated code):
//  * ap_int<W> (signed, two's complement) and ap_uint<W>, 1 <= W <= 64.
//    Wider types are rejected at compile time by a static_assert; this
//    includes *result* types: an expression whose Vitis result type would be
//    wider than 64 bits (e.g. ap_int<64> + 1, ap_int<40> * int,
//    ap_uint<64> & int, -ap_int<64>) does not compile. Cast an operand to a
//    narrower ap type first. Nothing ever wraps silently inside an
//    expression.
//  * Construction / assignment from every built-in integer type, from
//    ap_int/ap_uint of any width, from range and bit selects, and from
//    float/double (truncation toward zero, NaN -> 0): the value is reduced
//    modulo 2^W into the W-bit two's complement (ap_int) or unsigned
//    (ap_uint) range. Default construction gives 0 (Vitis leaves it
//    unspecified).
//  * Binary + - * / % & | ^ between ap types, range selects and built-in
//    integers with the Vitis result types. With A, B the operand widths
//    and SA, SB their signedness (a built-in integer counts as an ap type of
//    its own width and signedness, bool as ap_uint<1>, a range select as
//    ap_uint<W of its parent>):
//        *      W = A + B                                 signed = SA || SB
//        +      W = max(A + (SB && !SA), B + (SA && !SB)) + 1, signed = SA || SB
//        -      same width as +,                          always signed
//        & | ^  W = max(A + (SB && !SA), B + (SA && !SB)), signed = SA || SB
//        /      W = A + SB,                               signed = SA || SB
//        %      W = min(A, B + (!SB && SA)),              signed = SA
//    Results of + - * / are exact (the result type is wide enough).
//    The result types are ap_int<N> / ap_uint<N> (not ap_int_base).
//    Mixing with float/double yields float/double (via the 64-bit value).
//  * Compound assignment (+= -= *= /= %= &= |= ^= <<= >>=) computes exactly
//    and wraps into the left-hand side's width; ++ and -- wrap too.
//  * Shifts keep the left operand's type. << drops bits shifted beyond W;
//    >> is arithmetic for ap_int and logical for ap_uint; a shift by >= W
//    gives 0 (or -1 for >> of a negative ap_int); a negative (signed)
//    shift amount shifts the other way.
//  * Unary -x (ap_int<W+1>, ap_int<3> for W=1: exact), +x, ~x (same type),
//    !x.
//  * Comparisons (== != < <= > >=) between any mix of widths, signedness,
//    range selects and built-in integers compare the mathematical values.
//    NOTE: Vitis' own C-simulation model compares mixed signedness like C
//    does once an operand has >= 32 bits (ap_uint<32>(1) > ap_int<32>(-1)
//    is false there, true here). Generated code must not depend on that
//    corner; this stand-in implements the mathematically correct result.
//  * Conversions: implicit to long long (ap_int) / unsigned long long
//    (ap_uint) as in Vitis, to_bool/to_char/to_schar/to_uchar/to_short/
//    to_ushort/to_int/to_uint/to_long/to_ulong/to_int64/to_uint64/
//    to_float/to_double, length().
//  * Bit and part select: x[i] and x.bit(i) (read; assignable on non-const
//    objects), x.range(hi, lo) and x(hi, lo) (read; assignable on non-const
//    objects, hi < lo selects the bits in reverse order as in Vitis),
//    x.range(), get_bit/set_bit/set/clear/invert/test, reverse, lrotate,
//    rrotate, b_not, and_reduce/or_reduce/xor_reduce (and n-variants),
//    countLeadingZeros, iszero/is_zero, sign. Out-of-range indices abort
//    with a message.
//  * operator<< to std::ostream (decimal; with std::hex / std::oct the
//    W-bit two's complement pattern in that base, without a prefix).
//
// Not provided: ap_fixed / ap_ufixed (fixed point), widths above 64,
// concatenation (operator, / concat()), to_string(), construction from
// strings, volatile overloads, half. Known corners that do not match the
// Vitis C-simulation model bit for bit: mixed-signedness comparisons noted
// above, % with an unsigned dividend and a negative divisor (C semantics
// here), conversion of tiny negative floats.
//
//===----------------------------------------------------------------------===//

#ifndef QRCNN_HLS_AP_INT_STANDIN_H
#define QRCNN_HLS_AP_INT_STANDIN_H

#ifndef __cplusplus
#error "qrcnn/hls/ap_int_standin.h requires C++"
#endif
#if defined(__SYNTHESIS__)
#error "qrcnn's ap_int stand-in is for C simulation only; synthesis must use Xilinx's ap_int.h"
#endif
#if defined(__AP_INT_H__)
#error "Xilinx's ap_int.h is already included; include qrcnn/hls/ap_int.h to select one implementation"
#endif

#include <climits>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ostream>
#include <type_traits>

/// Set when the stand-in (not the vendor header) provides ap_int.
#define QRCNN_AP_INT_STANDIN 1
/// Widest ap_int/ap_uint (operand or result) the stand-in supports.
#define QRCNN_AP_INT_STANDIN_MAX_W 64

template <int W, bool S> struct ap_int_base;
template <int W> struct ap_int;
template <int W> struct ap_uint;
template <int W, bool S> struct ap_range_ref;
template <int W, bool S> struct ap_bit_ref;

namespace qrcnn_ap_detail {

__extension__ typedef __int128 i128;
__extension__ typedef unsigned __int128 u128;

constexpr int max_w(int a, int b) { return a > b ? a : b; }
constexpr int min_w(int a, int b) { return a < b ? a : b; }

[[noreturn]] inline void fail(const char *what, int index, int width) {
  std::fprintf(stderr, "qrcnn ap_int stand-in: %s (index %d, width %d)\n",
               what, index, width);
  std::abort();
}

/// Hides x's value range from the optimizer; used right after each
/// width-dependent bounds check. Reason: g++ 12 (GCC PR 113907, fixed in
/// later releases) may outline the code after such a check (ipa-split),
/// merge the identical outlined parts of different widths (ICF) and then
/// apply one width's value ranges to another: ApIntTest caught
/// ap_uint<8>::range(0, 5) losing a bit at -O3 through get_range<5>'s part.
/// Without range facts on the index the merged code is correct.
inline int launder(int x) {
  __asm__("" : "+r"(x));
  return x;
}

template <bool S>
using store_t = std::conditional_t<S, long long, unsigned long long>;

/// The low W bits of v (two's complement), zero-extended.
template <int W> inline unsigned long long low_bits(i128 v) {
  const unsigned long long u = static_cast<unsigned long long>(static_cast<u128>(v));
  if constexpr (W >= 64)
    return u;
  else
    return u & ((1ULL << W) - 1);
}

/// v reduced modulo 2^W into the value range of a W-bit type.
template <int W, bool S> inline store_t<S> wrap(i128 v) {
  const unsigned long long u = low_bits<W>(v);
  if constexpr (!S) {
    return u;
  } else if constexpr (W >= 64) {
    return static_cast<long long>(u);
  } else {
    const unsigned long long sign = 1ULL << (W - 1);
    return static_cast<long long>((u ^ sign) - sign);
  }
}

/// Truncating float -> integer conversion modulo 2^64 (NaN, inf -> 0).
inline i128 from_floating(double d) {
  if (std::isnan(d) || std::isinf(d))
    return 0;
  d = std::trunc(d);
  // 2^126: beyond this every double is a multiple of 2^73, i.e. 0 mod 2^64.
  if (std::fabs(d) >= 85070591730234615865843651857942052864.0)
    return 0;
  return static_cast<i128>(d);
}

// Built-in integer operands: the types Vitis overloads for, each counting as
// an ap type of its own width and signedness (bool as ap_uint<1>). Other
// integer-like types (wchar_t, char16_t, char32_t, unscoped enums) take part
// through their integral promotion, as they would with Vitis' overloads.
template <class T> struct builtin_int : std::false_type {};
#define QRCNN_AP_BUILTIN(T)                                                    \
  template <> struct builtin_int<T> : std::true_type {};
QRCNN_AP_BUILTIN(bool)
QRCNN_AP_BUILTIN(char)
QRCNN_AP_BUILTIN(signed char)
QRCNN_AP_BUILTIN(unsigned char)
QRCNN_AP_BUILTIN(short)
QRCNN_AP_BUILTIN(unsigned short)
QRCNN_AP_BUILTIN(int)
QRCNN_AP_BUILTIN(unsigned int)
QRCNN_AP_BUILTIN(long)
QRCNN_AP_BUILTIN(unsigned long)
QRCNN_AP_BUILTIN(long long)
QRCNN_AP_BUILTIN(unsigned long long)
#undef QRCNN_AP_BUILTIN

template <class T, class = void> struct promoted_int { using type = void; };
template <class T>
struct promoted_int<T, std::enable_if_t<builtin_int<T>::value>> {
  using type = T;
};
template <class T>
struct promoted_int<T, std::enable_if_t<!builtin_int<T>::value &&
                                        (std::is_integral<T>::value ||
                                         (std::is_enum<T>::value &&
                                          std::is_convertible<T, int>::value))>> {
  using type = decltype(+std::declval<T>());
};

template <int W, bool S> ap_int_base<W, S> ap_base_probe(const volatile ap_int_base<W, S> *);
void ap_base_probe(...);

enum OperandKind { kNone = 0, kBuiltin = 1, kBit = 2, kRange = 3, kAp = 4 };

template <class T, class = void> struct operand {
  static constexpr int kind = kNone;
};
template <class T>
struct operand<T, std::enable_if_t<!std::is_void<typename promoted_int<T>::type>::value>> {
  using P = typename promoted_int<T>::type;
  static constexpr int kind = kBuiltin;
  static constexpr int width = std::is_same<P, bool>::value ? 1 : int(sizeof(P) * CHAR_BIT);
  static constexpr bool sign = std::is_signed<P>::value;
};
template <class T>
struct operand<T, std::enable_if_t<!std::is_void<decltype(ap_base_probe(
                      static_cast<T *>(nullptr)))>::value>> {
  using B = decltype(ap_base_probe(static_cast<T *>(nullptr)));
  static constexpr int kind = kAp;
  static constexpr int width = B::width;
  static constexpr bool sign = B::is_signed_ap;
};
template <int W, bool S> struct operand<ap_range_ref<W, S>, void> {
  static constexpr int kind = kRange;
  static constexpr int width = W;
  static constexpr bool sign = false;
};
template <int W, bool S> struct operand<ap_bit_ref<W, S>, void> {
  static constexpr int kind = kBit;
  static constexpr int width = 1;
  static constexpr bool sign = false;
};

template <class T> struct is_operand : std::integral_constant<bool, operand<T>::kind != kNone> {};

/// Mathematical value of any operand.
template <class T> inline i128 value_of(const T &x) {
  constexpr int k = operand<T>::kind;
  static_assert(k != kNone, "not an ap_int operand");
  if constexpr (k == kAp)
    return static_cast<i128>(x.V);
  else if constexpr (k == kRange)
    return static_cast<i128>(x.get().V);
  else if constexpr (k == kBit)
    return x.get() ? 1 : 0;
  else
    return static_cast<i128>(static_cast<typename operand<T>::P>(x));
}

template <int W, bool S> struct factory { using type = ap_int<W>; };
template <int W> struct factory<W, false> { using type = ap_uint<W>; };

/// Vitis result widths/signedness of binary operators.
template <int W1, bool S1, int W2, bool S2> struct rtype {
  static constexpr int mult_w = W1 + W2;
  static constexpr bool mult_s = S1 || S2;
  static constexpr int plus_w = max_w(W1 + (S2 && !S1), W2 + (S1 && !S2)) + 1;
  static constexpr bool plus_s = S1 || S2;
  static constexpr int minus_w = plus_w;
  static constexpr bool minus_s = true;
  static constexpr int div_w = W1 + S2;
  static constexpr bool div_s = S1 || S2;
  static constexpr int mod_w = min_w(W1, W2 + (!S2 && S1));
  static constexpr bool mod_s = S1;
  static constexpr int logic_w = max_w(W1 + (S2 && !S1), W2 + (S1 && !S2));
  static constexpr bool logic_s = S1 || S2;
};

constexpr bool strong(int k) { return k == kAp || k == kRange; }

/// Binary + - * / % & | ^ and comparisons: at least one operand is an ap
/// type or a range select; the other any operand. (A bit select with a
/// built-in integer, or two bit selects, use the built-in operators through
/// bool, as in Vitis.)
template <class A, class B>
struct binary_ok
    : std::integral_constant<bool, is_operand<A>::value && is_operand<B>::value &&
                                       (strong(operand<A>::kind) ||
                                        strong(operand<B>::kind))> {};

template <class A, class B, bool = binary_ok<A, B>::value> struct binary_result {};
template <class A, class B> struct binary_result<A, B, true> {
  using R = rtype<operand<A>::width, operand<A>::sign, operand<B>::width, operand<B>::sign>;
  using mult = typename factory<R::mult_w, R::mult_s>::type;
  using plus = typename factory<R::plus_w, R::plus_s>::type;
  using minus = typename factory<R::minus_w, R::minus_s>::type;
  using div = typename factory<R::div_w, R::div_s>::type;
  using mod = typename factory<R::mod_w, R::mod_s>::type;
  using logic = typename factory<R::logic_w, R::logic_s>::type;
};

/// Shifts: the left operand is an ap type or range select (or a bit select
/// shifted by an ap type); the result has the left operand's type.
template <class A, class B>
struct shift_ok
    : std::integral_constant<bool, (strong(operand<A>::kind) && is_operand<B>::value) ||
                                       (operand<A>::kind == kBit &&
                                        operand<B>::kind == kAp)> {};
template <class A, class B, bool = shift_ok<A, B>::value> struct shift_result {};
template <class A, class B> struct shift_result<A, B, true> {
  using type = typename factory<operand<A>::width, operand<A>::sign>::type;
};

template <class R> inline R make(i128 v) {
  R r;
  r.V = wrap<R::width, R::is_signed_ap>(v);
  return r;
}

/// v << n in a W-bit type (n >= 0), before wrapping.
template <int W> inline i128 shl(i128 v, i128 n) {
  if (n >= W)
    return 0;
  return static_cast<i128>(static_cast<u128>(v) << launder(static_cast<int>(n)));
}
/// v >> n (arithmetic on the mathematical value; v is already in range).
template <int W> inline i128 shr(i128 v, i128 n) {
  if (n >= W)
    return v < 0 ? -1 : 0;
  return v >> launder(static_cast<int>(n));
}
template <int W> inline i128 shift_left(i128 v, i128 n) {
  return n < 0 ? shr<W>(v, -n) : shl<W>(v, n);
}
template <int W> inline i128 shift_right(i128 v, i128 n) {
  return n < 0 ? shl<W>(v, -n) : shr<W>(v, n);
}

/// Bits hi..lo of the W-bit pattern `bits` (hi < lo: reversed order).
template <int W> inline unsigned long long get_range(unsigned long long bits, int hi, int lo) {
  if (hi < 0 || lo < 0 || hi >= W || lo >= W)
    fail("range index out of bounds", hi >= W || hi < 0 ? hi : lo, W);
  hi = launder(hi);
  lo = launder(lo);
  if (hi >= lo) {
    const int n = hi - lo + 1;
    const unsigned long long v = bits >> lo;
    return n >= 64 ? v : (v & ((1ULL << n) - 1));
  }
  // Reversed: result bit i is bit lo - i.
  const int n = lo - hi + 1;
  unsigned long long r = 0;
  for (int i = 0; i < n; ++i)
    r |= ((bits >> (lo - i)) & 1ULL) << i;
  return r;
}
/// `bits` with bits hi..lo replaced by the low bits of `value`.
template <int W>
inline unsigned long long set_range(unsigned long long bits, int hi, int lo,
                                    unsigned long long value) {
  if (hi < 0 || lo < 0 || hi >= W || lo >= W)
    fail("range index out of bounds", hi >= W || hi < 0 ? hi : lo, W);
  hi = launder(hi);
  lo = launder(lo);
  if (hi >= lo) {
    const int n = hi - lo + 1;
    const unsigned long long m = (n >= 64 ? ~0ULL : ((1ULL << n) - 1)) << lo;
    return (bits & ~m) | ((value << lo) & m);
  }
  const int n = lo - hi + 1; // reversed: value bit i goes to bit lo - i
  for (int i = 0; i < n; ++i) {
    const unsigned long long b = 1ULL << (lo - i);
    bits = ((value >> i) & 1ULL) ? (bits | b) : (bits & ~b);
  }
  return bits;
}

} // namespace qrcnn_ap_detail

//===----------------------------------------------------------------------===//
// ap_int_base
//===----------------------------------------------------------------------===//

template <int W, bool S> struct ap_int_base {
  static_assert(W >= 1, "ap_int/ap_uint width must be at least 1");
  static_assert(W <= QRCNN_AP_INT_STANDIN_MAX_W,
                "qrcnn ap_int stand-in: widths above 64 bits are not supported "
                "(this may be the Vitis result type of an expression, e.g. "
                "ap_int<64> + 1 or ap_int<40> * int); cast an operand to a "
                "narrower ap_int/ap_uint");

  using RetType = qrcnn_ap_detail::store_t<S>;
  static const int width = W;
  static const bool is_signed_ap = S;

  /// The value, always within the range of the W-bit type (sign-extended
  /// for ap_int, zero-extended for ap_uint).
  RetType V;

  template <int W2, bool S2> struct RType {
    using R = qrcnn_ap_detail::rtype<W, S, W2, S2>;
    enum {
      mult_w = R::mult_w, mult_s = R::mult_s, plus_w = R::plus_w,
      plus_s = R::plus_s, minus_w = R::minus_w, minus_s = R::minus_s,
      div_w = R::div_w, div_s = R::div_s, mod_w = R::mod_w, mod_s = R::mod_s,
      logic_w = R::logic_w, logic_s = R::logic_s
    };
    typedef typename qrcnn_ap_detail::factory<mult_w, mult_s>::type mult;
    typedef typename qrcnn_ap_detail::factory<plus_w, plus_s>::type plus;
    typedef typename qrcnn_ap_detail::factory<minus_w, minus_s>::type minus;
    typedef typename qrcnn_ap_detail::factory<logic_w, logic_s>::type logic;
    typedef typename qrcnn_ap_detail::factory<div_w, div_s>::type div;
    typedef typename qrcnn_ap_detail::factory<mod_w, mod_s>::type mod;
    typedef typename qrcnn_ap_detail::factory<W, S>::type arg1;
    typedef bool reduce;
  };

  // --- construction ------------------------------------------------------
  ap_int_base() : V(0) {}
  ap_int_base(const ap_int_base &) = default;
  template <int W2, bool S2>
  ap_int_base(const ap_int_base<W2, S2> &op) : V(qrcnn_ap_detail::wrap<W, S>(op.V)) {}
  template <int W2, bool S2>
  ap_int_base(const ap_range_ref<W2, S2> &ref)
      : V(qrcnn_ap_detail::wrap<W, S>(qrcnn_ap_detail::value_of(ref))) {}
  template <int W2, bool S2>
  ap_int_base(const ap_bit_ref<W2, S2> &ref) : V(ref.get() ? 1 : 0) {}
  template <class T, std::enable_if_t<qrcnn_ap_detail::operand<T>::kind ==
                                          qrcnn_ap_detail::kBuiltin,
                                      int> = 0>
  ap_int_base(T op) : V(qrcnn_ap_detail::wrap<W, S>(qrcnn_ap_detail::value_of(op))) {}
  ap_int_base(float op)
      : V(qrcnn_ap_detail::wrap<W, S>(qrcnn_ap_detail::from_floating(op))) {}
  ap_int_base(double op)
      : V(qrcnn_ap_detail::wrap<W, S>(qrcnn_ap_detail::from_floating(op))) {}

  ap_int_base &operator=(const ap_int_base &) = default;

  // --- conversion ---------------------------------------------------------
  operator RetType() const { return V; }
  bool to_bool() const { return V != 0; }
  char to_char() const { return static_cast<char>(V); }
  signed char to_schar() const { return static_cast<signed char>(V); }
  unsigned char to_uchar() const { return static_cast<unsigned char>(V); }
  short to_short() const { return static_cast<short>(V); }
  unsigned short to_ushort() const { return static_cast<unsigned short>(V); }
  int to_int() const { return static_cast<int>(V); }
  unsigned to_uint() const { return static_cast<unsigned>(V); }
  long to_long() const { return static_cast<long>(V); }
  unsigned long to_ulong() const { return static_cast<unsigned long>(V); }
  long long to_int64() const { return static_cast<long long>(V); }
  unsigned long long to_uint64() const { return static_cast<unsigned long long>(V); }
  float to_float() const { return static_cast<float>(V); }
  double to_double() const { return static_cast<double>(V); }

  int length() const { return W; }
  bool iszero() const { return V == 0; }
  bool is_zero() const { return V == 0; }
  bool sign() const { return S && V < 0; }

  // --- bits ----------------------------------------------------------------
  bool get_bit(int i) const {
    i = checked_index(i);
    return (bits() >> i) & 1ULL;
  }
  void set_bit(int i, bool v) {
    i = checked_index(i);
    const unsigned long long b = 1ULL << i;
    set_bits(v ? (bits() | b) : (bits() & ~b));
  }
  bool test(int i) const { return get_bit(i); }
  void set(int i) { set_bit(i, true); }
  void set(int i, bool v) { set_bit(i, v); }
  void clear(int i) { set_bit(i, false); }
  void invert(int i) { set_bit(i, !get_bit(i)); }
  void b_not() { V = qrcnn_ap_detail::wrap<W, S>(~static_cast<qrcnn_ap_detail::i128>(V)); }

  ap_int_base &reverse() {
    unsigned long long b = bits(), r = 0;
    for (int i = 0; i < W; ++i)
      r |= ((b >> i) & 1ULL) << (W - 1 - i);
    set_bits(r);
    return *this;
  }
  ap_int_base &lrotate(int n) {
    if (n < 0 || n >= W)
      qrcnn_ap_detail::fail("rotate amount out of range", n, W);
    n = qrcnn_ap_detail::launder(n);
    if (n != 0) {
      const unsigned long long b = bits();
      set_bits((b << n) | (b >> (W - n)));
    }
    return *this;
  }
  ap_int_base &rrotate(int n) {
    if (n < 0 || n >= W)
      qrcnn_ap_detail::fail("rotate amount out of range", n, W);
    n = qrcnn_ap_detail::launder(n);
    if (n != 0) {
      const unsigned long long b = bits();
      set_bits((b >> n) | (b << (W - n)));
    }
    return *this;
  }
  int countLeadingZeros() const {
    const unsigned long long b = bits();
    int n = 0;
    for (int i = W - 1; i >= 0 && !((b >> i) & 1ULL); --i)
      ++n;
    return n;
  }

  bool and_reduce() const { return bits() == qrcnn_ap_detail::low_bits<W>(-1); }
  bool nand_reduce() const { return !and_reduce(); }
  bool or_reduce() const { return V != 0; }
  bool nor_reduce() const { return V == 0; }
  bool xor_reduce() const { return __builtin_popcountll(bits()) & 1; }
  bool xnor_reduce() const { return !xor_reduce(); }

  /// Part select. On a non-const object the result is assignable.
  ap_range_ref<W, S> range(int hi, int lo) {
    check_range(hi, lo);
    return ap_range_ref<W, S>(this, hi, lo);
  }
  ap_uint<W> range(int hi, int lo) const {
    ap_uint<W> r;
    r.V = qrcnn_ap_detail::get_range<W>(bits(), hi, lo);
    return r;
  }
  template <int W2, bool S2, int W3, bool S3>
  ap_range_ref<W, S> range(const ap_int_base<W2, S2> &hi, const ap_int_base<W3, S3> &lo) {
    return range(hi.to_int(), lo.to_int());
  }
  template <int W2, bool S2, int W3, bool S3>
  ap_uint<W> range(const ap_int_base<W2, S2> &hi, const ap_int_base<W3, S3> &lo) const {
    return range(hi.to_int(), lo.to_int());
  }
  ap_range_ref<W, S> range() { return range(W - 1, 0); }
  ap_uint<W> range() const { return range(W - 1, 0); }
  ap_range_ref<W, S> operator()(int hi, int lo) { return range(hi, lo); }
  ap_uint<W> operator()(int hi, int lo) const { return range(hi, lo); }
  template <int W2, bool S2, int W3, bool S3>
  ap_range_ref<W, S> operator()(const ap_int_base<W2, S2> &hi, const ap_int_base<W3, S3> &lo) {
    return range(hi.to_int(), lo.to_int());
  }
  template <int W2, bool S2, int W3, bool S3>
  ap_uint<W> operator()(const ap_int_base<W2, S2> &hi, const ap_int_base<W3, S3> &lo) const {
    return range(hi.to_int(), lo.to_int());
  }

  /// Bit select. On a non-const object the result is assignable.
  ap_bit_ref<W, S> operator[](int i) { return ap_bit_ref<W, S>(this, checked_index(i)); }
  bool operator[](int i) const { return get_bit(i); }
  template <int W2, bool S2> ap_bit_ref<W, S> operator[](const ap_int_base<W2, S2> &i) {
    return (*this)[i.to_int()];
  }
  template <int W2, bool S2> bool operator[](const ap_int_base<W2, S2> &i) const {
    return get_bit(i.to_int());
  }
  ap_bit_ref<W, S> bit(int i) { return (*this)[i]; }
  bool bit(int i) const { return get_bit(i); }

  // --- unary ---------------------------------------------------------------
  typename qrcnn_ap_detail::factory<W, S>::type operator+() const {
    return qrcnn_ap_detail::make<typename qrcnn_ap_detail::factory<W, S>::type>(V);
  }
  typename RType<1, false>::minus operator-() const {
    return qrcnn_ap_detail::make<typename RType<1, false>::minus>(
        -static_cast<qrcnn_ap_detail::i128>(V));
  }
  typename qrcnn_ap_detail::factory<W, S>::type operator~() const {
    return qrcnn_ap_detail::make<typename qrcnn_ap_detail::factory<W, S>::type>(
        ~static_cast<qrcnn_ap_detail::i128>(V));
  }
  bool operator!() const { return V == 0; }

  // --- increment / decrement (wrap) ----------------------------------------
  ap_int_base &operator++() {
    V = qrcnn_ap_detail::wrap<W, S>(static_cast<qrcnn_ap_detail::i128>(V) + 1);
    return *this;
  }
  ap_int_base &operator--() {
    V = qrcnn_ap_detail::wrap<W, S>(static_cast<qrcnn_ap_detail::i128>(V) - 1);
    return *this;
  }
  const typename qrcnn_ap_detail::factory<W, S>::type operator++(int) {
    typename qrcnn_ap_detail::factory<W, S>::type t;
    t.V = V;
    ++*this;
    return t;
  }
  const typename qrcnn_ap_detail::factory<W, S>::type operator--(int) {
    typename qrcnn_ap_detail::factory<W, S>::type t;
    t.V = V;
    --*this;
    return t;
  }

  // --- compound assignment: exact, then wrapped into W bits ---------------
#define QRCNN_AP_COMPOUND(OP, EXPR)                                            \
  template <class T>                                                           \
  std::enable_if_t<qrcnn_ap_detail::is_operand<T>::value, ap_int_base &>       \
  operator OP(const T &rhs) {                                                  \
    using qrcnn_ap_detail::i128;                                               \
    using qrcnn_ap_detail::u128;                                               \
    const i128 a = static_cast<i128>(V);                                       \
    const i128 b = qrcnn_ap_detail::value_of(rhs);                             \
    V = qrcnn_ap_detail::wrap<W, S>(EXPR);                                     \
    return *this;                                                              \
  }
  QRCNN_AP_COMPOUND(+=, a + b)
  QRCNN_AP_COMPOUND(-=, a - b)
  QRCNN_AP_COMPOUND(*=, static_cast<i128>(static_cast<u128>(a) * static_cast<u128>(b)))
  QRCNN_AP_COMPOUND(/=, a / b)
  QRCNN_AP_COMPOUND(%=, a % b)
  QRCNN_AP_COMPOUND(&=, a & b)
  QRCNN_AP_COMPOUND(|=, a | b)
  QRCNN_AP_COMPOUND(^=, a ^ b)
  QRCNN_AP_COMPOUND(<<=, qrcnn_ap_detail::shift_left<W>(a, b))
  QRCNN_AP_COMPOUND(>>=, qrcnn_ap_detail::shift_right<W>(a, b))
#undef QRCNN_AP_COMPOUND

private:
  unsigned long long bits() const {
    return qrcnn_ap_detail::low_bits<W>(static_cast<qrcnn_ap_detail::i128>(V));
  }
  void set_bits(unsigned long long b) {
    V = qrcnn_ap_detail::wrap<W, S>(static_cast<qrcnn_ap_detail::i128>(b));
  }
  static int checked_index(int i) {
    if (i < 0 || i >= W)
      qrcnn_ap_detail::fail("bit index out of bounds", i, W);
    return qrcnn_ap_detail::launder(i);
  }
  static void check_range(int hi, int lo) {
    if (hi < 0 || hi >= W)
      qrcnn_ap_detail::fail("range index out of bounds", hi, W);
    if (lo < 0 || lo >= W)
      qrcnn_ap_detail::fail("range index out of bounds", lo, W);
  }
  template <int, bool> friend struct ap_range_ref;
  template <int, bool> friend struct ap_bit_ref;
};

//===----------------------------------------------------------------------===//
// ap_int / ap_uint
//===----------------------------------------------------------------------===//

#define QRCNN_AP_DERIVED_BODY(NAME, SIGNED)                                    \
  using Base = ap_int_base<W, SIGNED>;                                         \
  NAME() = default;                                                            \
  NAME(const NAME &) = default;                                                \
  NAME &operator=(const NAME &) = default;                                     \
  template <int W2, bool S2> NAME(const ap_int_base<W2, S2> &op) : Base(op) {} \
  template <int W2, bool S2> NAME(const ap_range_ref<W2, S2> &r) : Base(r) {}  \
  template <int W2, bool S2> NAME(const ap_bit_ref<W2, S2> &r) : Base(r) {}    \
  template <class T, std::enable_if_t<qrcnn_ap_detail::operand<T>::kind ==     \
                                          qrcnn_ap_detail::kBuiltin,           \
                                      int> = 0>                                \
  NAME(T op) : Base(op) {}                                                     \
  NAME(float op) : Base(op) {}                                                 \
  NAME(double op) : Base(op) {}

/// Signed arbitrary-precision integer, two's complement, 1 <= W <= 64.
template <int W> struct ap_int : ap_int_base<W, true> {
  QRCNN_AP_DERIVED_BODY(ap_int, true)
};

/// Unsigned arbitrary-precision integer, 1 <= W <= 64.
template <int W> struct ap_uint : ap_int_base<W, false> {
  QRCNN_AP_DERIVED_BODY(ap_uint, false)
};

#undef QRCNN_AP_DERIVED_BODY

//===----------------------------------------------------------------------===//
// Part select / bit select references
//===----------------------------------------------------------------------===//

/// x.range(hi, lo) of a non-const x: reads as ap_uint<W> (W = the parent's
/// width), assignments write the selected bits of the parent.
template <int W, bool S> struct ap_range_ref {
  ap_range_ref(ap_int_base<W, S> *bv, int hi, int lo) : d_bv(bv), h_index(hi), l_index(lo) {}
  ap_range_ref(const ap_range_ref &) = default;

  ap_uint<W> get() const {
    ap_uint<W> r;
    r.V = qrcnn_ap_detail::get_range<W>(d_bv->bits(), h_index, l_index);
    return r;
  }
  operator unsigned long long() const { return get().V; }
  bool to_bool() const { return get().V != 0; }
  int to_int() const { return get().to_int(); }
  unsigned to_uint() const { return get().to_uint(); }
  long to_long() const { return get().to_long(); }
  unsigned long to_ulong() const { return get().to_ulong(); }
  long long to_int64() const { return get().to_int64(); }
  unsigned long long to_uint64() const { return get().to_uint64(); }
  int length() const { return (h_index >= l_index ? h_index - l_index : l_index - h_index) + 1; }
  bool and_reduce() const {
    const int n = length();
    const unsigned long long v = get().V;
    return n >= 64 ? v == ~0ULL : v == ((1ULL << n) - 1);
  }
  bool or_reduce() const { return get().V != 0; }
  bool xor_reduce() const { return __builtin_popcountll(get().V) & 1; }

  template <class T>
  std::enable_if_t<qrcnn_ap_detail::is_operand<T>::value, ap_range_ref &> operator=(const T &v) {
    return assign(qrcnn_ap_detail::value_of(v));
  }
  ap_range_ref &operator=(const ap_range_ref &v) { return assign(qrcnn_ap_detail::value_of(v)); }
  ap_range_ref &operator=(double v) { return assign(qrcnn_ap_detail::from_floating(v)); }
  ap_range_ref &operator=(float v) { return assign(qrcnn_ap_detail::from_floating(v)); }

#define QRCNN_AP_REF_COMPOUND(OP)                                              \
  template <class T>                                                           \
  std::enable_if_t<qrcnn_ap_detail::is_operand<T>::value, ap_range_ref &>      \
  operator OP(const T &v) {                                                    \
    ap_uint<W> t = get();                                                      \
    t OP v;                                                                    \
    return assign(t.V);                                                        \
  }
  QRCNN_AP_REF_COMPOUND(+=)
  QRCNN_AP_REF_COMPOUND(-=)
  QRCNN_AP_REF_COMPOUND(*=)
  QRCNN_AP_REF_COMPOUND(/=)
  QRCNN_AP_REF_COMPOUND(%=)
  QRCNN_AP_REF_COMPOUND(&=)
  QRCNN_AP_REF_COMPOUND(|=)
  QRCNN_AP_REF_COMPOUND(^=)
  QRCNN_AP_REF_COMPOUND(<<=)
  QRCNN_AP_REF_COMPOUND(>>=)
#undef QRCNN_AP_REF_COMPOUND

private:
  ap_range_ref &assign(qrcnn_ap_detail::i128 v) {
    d_bv->set_bits(qrcnn_ap_detail::set_range<W>(d_bv->bits(), h_index, l_index,
                                                 qrcnn_ap_detail::low_bits<64>(v)));
    return *this;
  }
  ap_int_base<W, S> *d_bv;
  int h_index;
  int l_index;
};

/// x[i] of a non-const x: reads as bool, assignments write the bit
/// (any non-zero value sets it).
template <int W, bool S> struct ap_bit_ref {
  ap_bit_ref(ap_int_base<W, S> *bv, int index) : d_bv(bv), d_index(index) {}
  ap_bit_ref(const ap_bit_ref &) = default;

  bool get() const { return d_bv->get_bit(d_index); }
  operator bool() const { return get(); }
  bool to_bool() const { return get(); }
  bool operator~() const { return !get(); }
  int length() const { return 1; }

  template <class T>
  std::enable_if_t<qrcnn_ap_detail::is_operand<T>::value, ap_bit_ref &> operator=(const T &v) {
    d_bv->set_bit(d_index, qrcnn_ap_detail::value_of(v) != 0);
    return *this;
  }
  ap_bit_ref &operator=(const ap_bit_ref &v) {
    d_bv->set_bit(d_index, v.get());
    return *this;
  }
  ap_bit_ref &operator=(double v) {
    d_bv->set_bit(d_index, v != 0);
    return *this;
  }
  ap_bit_ref &operator=(float v) {
    d_bv->set_bit(d_index, v != 0);
    return *this;
  }

private:
  ap_int_base<W, S> *d_bv;
  int d_index;
};

//===----------------------------------------------------------------------===//
// Binary operators (free templates; operands: ap types, range/bit selects,
// built-in integers — see qrcnn_ap_detail::binary_ok)
//===----------------------------------------------------------------------===//

#define QRCNN_AP_BINARY(OP, KIND)                                              \
  template <class A, class B>                                                  \
  inline typename qrcnn_ap_detail::binary_result<A, B>::KIND operator OP(      \
      const A &a, const B &b) {                                                \
    using R = typename qrcnn_ap_detail::binary_result<A, B>::KIND;             \
    return qrcnn_ap_detail::make<R>(qrcnn_ap_detail::value_of(a)               \
                                        OP qrcnn_ap_detail::value_of(b));      \
  }
QRCNN_AP_BINARY(+, plus)
QRCNN_AP_BINARY(-, minus)
QRCNN_AP_BINARY(*, mult)
QRCNN_AP_BINARY(/, div)
QRCNN_AP_BINARY(%, mod)
QRCNN_AP_BINARY(&, logic)
QRCNN_AP_BINARY(|, logic)
QRCNN_AP_BINARY(^, logic)
#undef QRCNN_AP_BINARY

#define QRCNN_AP_COMPARE(OP)                                                   \
  template <class A, class B>                                                  \
  inline std::enable_if_t<qrcnn_ap_detail::binary_ok<A, B>::value, bool>       \
  operator OP(const A &a, const B &b) {                                        \
    return qrcnn_ap_detail::value_of(a) OP qrcnn_ap_detail::value_of(b);       \
  }
QRCNN_AP_COMPARE(==)
QRCNN_AP_COMPARE(!=)
QRCNN_AP_COMPARE(<)
QRCNN_AP_COMPARE(<=)
QRCNN_AP_COMPARE(>)
QRCNN_AP_COMPARE(>=)
#undef QRCNN_AP_COMPARE

template <class A, class B>
inline typename qrcnn_ap_detail::shift_result<A, B>::type operator<<(const A &a, const B &b) {
  using R = typename qrcnn_ap_detail::shift_result<A, B>::type;
  return qrcnn_ap_detail::make<R>(qrcnn_ap_detail::shift_left<R::width>(
      qrcnn_ap_detail::value_of(a), qrcnn_ap_detail::value_of(b)));
}
template <class A, class B>
inline typename qrcnn_ap_detail::shift_result<A, B>::type operator>>(const A &a, const B &b) {
  using R = typename qrcnn_ap_detail::shift_result<A, B>::type;
  return qrcnn_ap_detail::make<R>(qrcnn_ap_detail::shift_right<R::width>(
      qrcnn_ap_detail::value_of(a), qrcnn_ap_detail::value_of(b)));
}

// With float/double: computed on the 64-bit value, as Vitis does.
#define QRCNN_AP_FLOAT_ARITH(OP)                                               \
  template <int W, bool S, class F>                                            \
  inline std::enable_if_t<std::is_same<F, float>::value || std::is_same<F, double>::value, F> \
  operator OP(const ap_int_base<W, S> &a, F f) {                               \
    return static_cast<F>(a.V) OP f;                                           \
  }                                                                            \
  template <int W, bool S, class F>                                            \
  inline std::enable_if_t<std::is_same<F, float>::value || std::is_same<F, double>::value, F> \
  operator OP(F f, const ap_int_base<W, S> &a) {                               \
    return f OP static_cast<F>(a.V);                                           \
  }
QRCNN_AP_FLOAT_ARITH(+)
QRCNN_AP_FLOAT_ARITH(-)
QRCNN_AP_FLOAT_ARITH(*)
QRCNN_AP_FLOAT_ARITH(/)
#undef QRCNN_AP_FLOAT_ARITH

#define QRCNN_AP_FLOAT_COMPARE(OP)                                             \
  template <int W, bool S, class F>                                            \
  inline std::enable_if_t<std::is_same<F, float>::value || std::is_same<F, double>::value, bool> \
  operator OP(const ap_int_base<W, S> &a, F f) {                               \
    return a.to_double() OP static_cast<double>(f);                            \
  }                                                                            \
  template <int W, bool S, class F>                                            \
  inline std::enable_if_t<std::is_same<F, float>::value || std::is_same<F, double>::value, bool> \
  operator OP(F f, const ap_int_base<W, S> &a) {                               \
    return static_cast<double>(f) OP a.to_double();                            \
  }
QRCNN_AP_FLOAT_COMPARE(==)
QRCNN_AP_FLOAT_COMPARE(!=)
QRCNN_AP_FLOAT_COMPARE(<)
QRCNN_AP_FLOAT_COMPARE(<=)
QRCNN_AP_FLOAT_COMPARE(>)
QRCNN_AP_FLOAT_COMPARE(>=)
#undef QRCNN_AP_FLOAT_COMPARE

/// Decimal by default; with std::hex / std::oct the W-bit pattern.
template <int W, bool S>
inline std::ostream &operator<<(std::ostream &os, const ap_int_base<W, S> &x) {
  const std::ios_base::fmtflags base = os.flags() & std::ios_base::basefield;
  if (base == std::ios_base::hex || base == std::ios_base::oct)
    return os << qrcnn_ap_detail::low_bits<W>(static_cast<qrcnn_ap_detail::i128>(x.V));
  if (S)
    return os << static_cast<long long>(x.V);
  return os << static_cast<unsigned long long>(x.V);
}

#endif // QRCNN_HLS_AP_INT_STANDIN_H
