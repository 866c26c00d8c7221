//===- BitWidths.h - accumulator ranges and widths --------------*- C++ -*-===//
#ifndef QRCNN_TRANSFORMS_BITWIDTHS_H
#define QRCNN_TRANSFORMS_BITWIDTHS_H

#include "mlir/IR/Operation.h"
#include "mlir/Support/LogicalResult.h"

#include <optional>

namespace qrcnn::qnn {

/// Bounds of an accumulator: every partial sum (the bias plus any subset of
/// the products) lies in [min, max].
struct AccumulatorRange {
  int64_t min = 0;
  int64_t max = 0;
};

/// The accumulator range of a quantized qnn.conv, qnn.dense or
/// qnn.recurrent_conv, from its weight and bias values (their types' storage
/// ranges when they are not constants) and its input type's storage range;
/// padding contributes zero. std::nullopt for float ops or when a bound
/// overflows 64 bits.
std::optional<AccumulatorRange> computeAccumulatorRange(mlir::Operation *op);

/// Sets `acc_bits` on every quantized conv, dense and recurrent_conv under
/// `root` to the narrowest signed width holding its accumulator range.
/// Fails, with an error on the op, when a layer needs more than 32 bits.
/// With `report`, emits a remark with each layer's range and width.
mlir::LogicalResult inferBitWidths(mlir::Operation *root, bool report = false);

} // namespace qrcnn::qnn

#endif // QRCNN_TRANSFORMS_BITWIDTHS_H
