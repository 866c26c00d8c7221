//===- Requantization.h - requantization multipliers ------------*- C++ -*-===//
//
// Turns a real multiplier M = s_in / s_out into the integer mantissa and
// shift that runtime/include/qrcnn/requantize.h applies. The mode is a
// module attribute (`qnn.requant_mode`), set by the driver's --requant; the
// golden model and every backend read it through getRequantMode, so they
// always agree.
//
//===----------------------------------------------------------------------===//
#ifndef QRCNN_DIALECT_QNN_REQUANTIZATION_H
#define QRCNN_DIALECT_QNN_REQUANTIZATION_H

#include "qrcnn/requantize.h"

#include "mlir/IR/Operation.h"
#include "llvm/ADT/StringRef.h"

#include <optional>
#include <string>

namespace qrcnn::qnn {

enum class RequantMode {
  /// 31-bit mantissa: the exactly rounded result except when acc * M lies
  /// within 2^-31 (relative) of a rounding tie.
  Exact,
  /// 16-bit mantissa: cheaper multipliers (one DSP48 on Artix-7).
  Fixed16,
  /// Nearest power of two: a shift only, no multiplier.
  Pow2,
};

constexpr llvm::StringLiteral kRequantModeAttrName = "qnn.requant_mode";

std::optional<RequantMode> parseRequantMode(llvm::StringRef name);
llvm::StringRef stringifyRequantMode(RequantMode mode);

/// The mode recorded on the module enclosing `op` (Exact when absent).
RequantMode getRequantMode(mlir::Operation *op);
void setRequantMode(mlir::Operation *module, RequantMode mode);

/// Mantissa bits used by a mode (31, 16, 1).
int getMantissaBits(RequantMode mode);

/// M as multiplier * 2^-shift, rounded to the mode's mantissa width (half to
/// even). Returns std::nullopt and sets `error` when M is not finite and
/// positive, underflows (M < 2^-32: every result would round to the zero
/// point) or overflows (M >= 2^31).
std::optional<rt::RequantParams>
computeRequantParams(double realMultiplier, RequantMode mode,
                     std::string *error = nullptr);

} // namespace qrcnn::qnn

#endif // QRCNN_DIALECT_QNN_REQUANTIZATION_H
