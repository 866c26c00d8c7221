//===- FuseQuantization.h - QDQ graphs to integer qnn ops -------*- C++ -*-===//
#ifndef QRCNN_TRANSFORMS_FUSEQUANTIZATION_H
#define QRCNN_TRANSFORMS_FUSEQUANTIZATION_H

#include "mlir/Dialect/Quant/QuantTypes.h"
#include "mlir/IR/Operation.h"
#include "mlir/Support/LogicalResult.h"

namespace qrcnn::qnn {

/// Rewrites the dequantize -> float op -> quantize graph under `root` into
/// integer qnn ops (see the FuseQuantization pass description). Fails, with
/// a diagnostic on the offending op, when a bias cannot be represented in
/// int32 on its accumulator grid.
mlir::LogicalResult fuseQuantization(mlir::Operation *root);

/// `type` in its canonical container: the narrowest integer (unsigned when
/// the storage range and zero point are non-negative, signed otherwise)
/// holding the storage range and the zero point. The storage range itself
/// is kept, so `u8<0:15>` (zero point 0) becomes `u4` and `u8<0:9>` becomes
/// `u4<0:9>`; types that denote the same values map to the same type.
mlir::quant::UniformQuantizedType
getNormalizedStorageType(mlir::quant::UniformQuantizedType type);

} // namespace qrcnn::qnn

#endif // QRCNN_TRANSFORMS_FUSEQUANTIZATION_H
