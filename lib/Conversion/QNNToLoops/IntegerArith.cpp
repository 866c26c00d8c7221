//===- IntegerArith.cpp - exact integer kernels as arith ops --------------===//
//
// Every builder folds what is constant (createOrFold), so a per-tensor
// requantization with a known shift becomes a handful of ops on constants.
//
//===----------------------------------------------------------------------===//
#include "qrcnn/Conversion/IntegerArith.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Matchers.h"


using namespace mlir;

namespace qrcnn::qnn {

Value buildIntConstant(OpBuilder &b, Location loc, Type type, int64_t value) {
  return b.create<arith::ConstantOp>(loc, type, b.getIntegerAttr(type, value));
}

Value buildIntCast(OpBuilder &b, Location loc, Value v, Type type,
                   bool isSigned) {
  unsigned from = v.getType().getIntOrFloatBitWidth();
  unsigned to = type.getIntOrFloatBitWidth();
  if (from == to)
    return v;
  if (from > to)
    return b.createOrFold<arith::TruncIOp>(loc, type, v);
  if (isSigned)
    return b.createOrFold<arith::ExtSIOp>(loc, type, v);
  return b.createOrFold<arith::ExtUIOp>(loc, type, v);
}

Value buildClamp(OpBuilder &b, Location loc, Value v, int64_t lo, int64_t hi) {
  Type type = v.getType();
  Value loV = buildIntConstant(b, loc, type, lo);
  Value hiV = buildIntConstant(b, loc, type, hi);
  Value below =
      b.createOrFold<arith::CmpIOp>(loc, arith::CmpIPredicate::slt, v, loV);
  v = b.createOrFold<arith::SelectOp>(loc, below, loV, v);
  Value above =
      b.createOrFold<arith::CmpIOp>(loc, arith::CmpIPredicate::sgt, v, hiV);
  return b.createOrFold<arith::SelectOp>(loc, above, hiV, v);
}

Value buildMaxSI(OpBuilder &b, Location loc, Value a, Value c) {
  // arith.maxsi has no EmitC pattern in MLIR 19.
  Value greater =
      b.createOrFold<arith::CmpIOp>(loc, arith::CmpIPredicate::sgt, c, a);
  return b.createOrFold<arith::SelectOp>(loc, greater, c, a);
}

/// round_half_even(value / 2^shift) for shift >= 1 (`shift` may be dynamic);
/// `enabled`, if given, turns the rounding increment off (shift == 0).
static Value roundingRightShift(OpBuilder &b, Location loc, Value value,
                                Value shift, Value enabled) {
  Type type = value.getType();
  Value zero = buildIntConstant(b, loc, type, 0);
  Value one = buildIntConstant(b, loc, type, 1);
  // Arithmetic right shift is floor division; the masked low bits are the
  // non-negative remainder, compared against one half.
  Value quotient = b.createOrFold<arith::ShRSIOp>(loc, value, shift);
  Value power = b.createOrFold<arith::ShLIOp>(loc, one, shift);
  Value mask = b.createOrFold<arith::SubIOp>(loc, power, one);
  Value remainder = b.createOrFold<arith::AndIOp>(loc, value, mask);
  Value half = b.createOrFold<arith::ShRSIOp>(loc, power, one);
  Value above = b.createOrFold<arith::CmpIOp>(loc, arith::CmpIPredicate::sgt,
                                              remainder, half);
  Value tie = b.createOrFold<arith::CmpIOp>(loc, arith::CmpIPredicate::eq,
                                            remainder, half);
  Value odd = b.createOrFold<arith::CmpIOp>(
      loc, arith::CmpIPredicate::ne,
      b.createOrFold<arith::AndIOp>(loc, quotient, one), zero);
  Value roundUp = b.createOrFold<arith::OrIOp>(
      loc, above, b.createOrFold<arith::AndIOp>(loc, tie, odd));
  if (enabled)
    roundUp = b.createOrFold<arith::AndIOp>(loc, roundUp, enabled);
  return b.createOrFold<arith::AddIOp>(
      loc, quotient, b.createOrFold<arith::ExtUIOp>(loc, type, roundUp));
}

Value buildRoundingShiftHalfEven(OpBuilder &b, Location loc, Value value,
                                 Value shift, ShiftSign sign) {
  Type type = value.getType();
  Value zero = buildIntConstant(b, loc, type, 0);
  APInt constantShift;
  if (matchPattern(shift, m_ConstantInt(&constantShift)))
    sign = constantShift.getSExtValue() > 0 ? ShiftSign::Positive
                                            : ShiftSign::NonPositive;
  switch (sign) {
  case ShiftSign::Positive:
    return roundingRightShift(b, loc, value, shift, /*enabled=*/nullptr);
  case ShiftSign::NonPositive:
    return b.createOrFold<arith::ShLIOp>(
        loc, value, b.createOrFold<arith::SubIOp>(loc, zero, shift));
  case ShiftSign::Mixed:
    break;
  }
  Value positive = b.createOrFold<arith::CmpIOp>(
      loc, arith::CmpIPredicate::sgt, shift, zero);
  Value rightShift = b.createOrFold<arith::SelectOp>(loc, positive, shift, zero);
  Value leftShift = b.createOrFold<arith::SelectOp>(
      loc, positive, zero, b.createOrFold<arith::SubIOp>(loc, zero, shift));
  Value shifted = b.createOrFold<arith::ShLIOp>(loc, value, leftShift);
  return roundingRightShift(b, loc, shifted, rightShift, positive);
}

Value buildRequantize(OpBuilder &b, Location loc, Value acc, Value multiplier,
                      Value shift, ShiftSign sign, int64_t zeroPoint,
                      int64_t lo, int64_t hi) {
  Type type = acc.getType();
  Value product = b.createOrFold<arith::MulIOp>(loc, acc, multiplier);
  Value scaled = buildRoundingShiftHalfEven(b, loc, product, shift, sign);
  scaled = b.createOrFold<arith::AddIOp>(
      loc, scaled, buildIntConstant(b, loc, type, zeroPoint));
  return buildClamp(b, loc, scaled, lo, hi);
}

Value buildQuantizeF32(OpBuilder &b, Location loc, Value x, float scale,
                       int64_t zeroPoint, int64_t lo, int64_t hi) {
  Type f32 = b.getF32Type();
  auto floatConstant = [&](double v) -> Value {
    return b.create<arith::ConstantOp>(loc, f32, b.getF32FloatAttr(v));
  };
  Value v = b.create<arith::DivFOp>(loc, x, floatConstant(scale));
  // Clamp in float to [lo - z, hi - z] as ONNX Runtime (MLAS) does, so the
  // float -> int conversion below is defined; an ordered compare sends NaN
  // to the bottom of the range. Both compares read the quotient (one NaN
  // test for the two: GCC vectorizes that, not a test of the first select).
  Value low = floatConstant(static_cast<double>(lo - zeroPoint));
  Value high = floatConstant(static_cast<double>(hi - zeroPoint));
  Value belowHigh =
      b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::OLE, v, high);
  Value aboveLow =
      b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::OGE, v, low);
  v = b.create<arith::SelectOp>(
      loc, aboveLow, b.create<arith::SelectOp>(loc, belowHigh, v, high), low);
  // Round half to even without the math dialect (no EmitC lowering in
  // MLIR 19) and without float compares: n = v * 2^24 is exact, and an
  // integer whenever |v| >= 1/2 (a float of that size has no bits below
  // 2^-24; below 1/2 the truncation of n cannot reach a tie), so v rounds
  // as the fixed-point n with 24 fraction bits: floor(n / 2^24), plus one
  // when the fraction exceeds one half or is one half after an odd floor.
  // i32 holds n when v lies in [-128, 127] (8-bit storage), else i64.
  constexpr int64_t kFractionBits = 24;
  bool narrow = lo - zeroPoint >= -128 && hi - zeroPoint <= 127;
  Type intType = narrow ? b.getI32Type() : b.getI64Type();
  unsigned width = narrow ? 32 : 64;
  Value n = b.create<arith::FPToSIOp>(
      loc, intType,
      b.create<arith::MulFOp>(
          loc, v,
          floatConstant(static_cast<double>(int64_t{1} << kFractionBits))));
  Value floor = b.create<arith::ShRSIOp>(
      loc, n, buildIntConstant(b, loc, intType, kFractionBits));
  Value fraction = b.create<arith::AndIOp>(
      loc, n,
      buildIntConstant(b, loc, intType, (int64_t{1} << kFractionBits) - 1));
  Value odd = b.create<arith::AndIOp>(loc, floor,
                                      buildIntConstant(b, loc, intType, 1));
  // half - (fraction + odd) < 0 exactly when the value rounds up; its sign
  // bit, spread by an arithmetic shift, is 0 or -1.
  Value minusUp = b.create<arith::ShRSIOp>(
      loc,
      b.create<arith::SubIOp>(
          loc,
          buildIntConstant(b, loc, intType, int64_t{1} << (kFractionBits - 1)),
          b.create<arith::AddIOp>(loc, fraction, odd)),
      buildIntConstant(b, loc, intType, width - 1));
  Value rounded = b.create<arith::SubIOp>(loc, floor, minusUp);
  Value q = b.create<arith::AddIOp>(
      loc, rounded, buildIntConstant(b, loc, intType, zeroPoint));
  return buildClamp(b, loc, q, lo, hi);
}

} // namespace qrcnn::qnn
