//===- IntegerArith.h - exact integer kernels as arith ops ------*- C++ -*-===//
//
// Builders for the numeric contract's scalar kernels (DESIGN.md, "Numeric
// contract") as arith ops, bit for bit equal to the C++ runtime
// (runtime/include/qrcnn/requantize.h) and the golden model. They use only
// ops that MLIR 19's arith-to-EmitC patterns accept (no min/max, no unsigned
// division), so the same IR prints as C++ and lowers to LLVM.
//
//===----------------------------------------------------------------------===//
#ifndef QRCNN_CONVERSION_INTEGERARITH_H
#define QRCNN_CONVERSION_INTEGERARITH_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/Value.h"

#include <cstdint>

namespace qrcnn::qnn {

/// What is known about the sign of a requantization shift; constant shifts
/// are classified by the builder itself.
enum class ShiftSign {
  Positive,    // every shift >= 1: a rounding right shift
  NonPositive, // every shift <= 0: an exact left shift
  Mixed,
};

/// `rt::roundingShiftHalfEven(value, shift)` on i64 values.
mlir::Value buildRoundingShiftHalfEven(mlir::OpBuilder &b, mlir::Location loc,
                                       mlir::Value value, mlir::Value shift,
                                       ShiftSign sign);

/// `rt::requantize(acc, {multiplier, shift}, zeroPoint, lo, hi)`: `acc`,
/// `multiplier` and `shift` are i64 (the latter two often constants);
/// returns an i64 in [lo, hi].
mlir::Value buildRequantize(mlir::OpBuilder &b, mlir::Location loc,
                            mlir::Value acc, mlir::Value multiplier,
                            mlir::Value shift, ShiftSign sign,
                            int64_t zeroPoint, int64_t lo, int64_t hi);

/// clamp(round_half_even(x / scale) + zeroPoint, lo, hi) with x / scale
/// computed in f32 and clamped in float first, as ONNX Runtime's
/// QuantizeLinear and the golden model compute it; NaN quantizes to lo.
/// Returns an i32 when [lo - zeroPoint, hi - zeroPoint] lies in [-128, 127]
/// (8-bit storage: the arithmetic then fits in 32 bits), else an i64.
mlir::Value buildQuantizeF32(mlir::OpBuilder &b, mlir::Location loc,
                             mlir::Value x, float scale, int64_t zeroPoint,
                             int64_t lo, int64_t hi);

/// Signed clamp of an integer value to [lo, hi] (cmpi + select).
mlir::Value buildClamp(mlir::OpBuilder &b, mlir::Location loc, mlir::Value v,
                       int64_t lo, int64_t hi);

/// Signed maximum (cmpi + select).
mlir::Value buildMaxSI(mlir::OpBuilder &b, mlir::Location loc, mlir::Value a,
                       mlir::Value c);

/// Integer constant of `type`.
mlir::Value buildIntConstant(mlir::OpBuilder &b, mlir::Location loc,
                             mlir::Type type, int64_t value);

/// Widens or narrows integer `v` to `type` (extsi/extui by `isSigned`,
/// trunci), or returns it unchanged.
mlir::Value buildIntCast(mlir::OpBuilder &b, mlir::Location loc, mlir::Value v,
                         mlir::Type type, bool isSigned);

} // namespace qrcnn::qnn

#endif // QRCNN_CONVERSION_INTEGERARITH_H
