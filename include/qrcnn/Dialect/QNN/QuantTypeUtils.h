//===- QuantTypeUtils.h - helpers over upstream quant types -----*- C++ -*-===//
//
// Small queries the verifiers, passes, interpreter and emitters all need, so
// that none of them pattern-matches on quant types by hand.
//
//===----------------------------------------------------------------------===//
#ifndef QRCNN_DIALECT_QNN_QUANTTYPEUTILS_H
#define QRCNN_DIALECT_QNN_QUANTTYPEUTILS_H

#include "mlir/Dialect/Quant/QuantTypes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/SmallVector.h"

#include <optional>
#include <utility>

namespace qrcnn::qnn {

/// The quantized element type of `type` (a tensor or a scalar), or null.
mlir::quant::QuantizedType getQuantElementType(mlir::Type type);

/// True if the element type of `type` is a uniform quantized type.
bool isQuantized(mlir::Type type);

/// Scales of a quantized element type: one for per-tensor, one per slice
/// along the quantized dimension for per-axis.
llvm::SmallVector<double> getScales(mlir::quant::QuantizedType type);
llvm::SmallVector<int64_t> getZeroPoints(mlir::quant::QuantizedType type);

/// The quantized dimension of a per-axis type, std::nullopt if per tensor
/// (or null: a float tensor has no quantized axis).
std::optional<int32_t> getQuantizedAxis(mlir::quant::QuantizedType type);

/// The full range of the storage integer (ignores narrowed min/max).
int64_t getStorageWidthMin(mlir::quant::QuantizedType type);
int64_t getStorageWidthMax(mlir::quant::QuantizedType type);

/// The storage range [min, max] of `type` that a clamp to the stored-integer
/// bounds [lo, hi] (infinite: no bound) leaves; min > max when the two do not
/// intersect.
std::pair<int64_t, int64_t>
getClampedStorageRange(mlir::quant::QuantizedType type, double lo, double hi);

/// Per-tensor uniform type with the given storage.
mlir::quant::UniformQuantizedType
getUniformType(mlir::MLIRContext *ctx, unsigned width, bool isSigned,
               double scale, int64_t zeroPoint, int64_t storageMin,
               int64_t storageMax);

/// The accumulator type of a conv/dense over `input` and `weight`:
/// signed 32-bit storage, scale sx*sw (per axis `channelAxis` when the
/// weights are per channel), zero point 0.
mlir::quant::QuantizedType getAccumulatorType(mlir::quant::QuantizedType input,
                                              mlir::quant::QuantizedType weight,
                                              int32_t channelAxis);

/// Same storage range, scales and zero points (scales compared with a
/// relative tolerance of 1e-6, enough for products of float32 scales).
bool haveSameQuantization(mlir::quant::QuantizedType a,
                          mlir::quant::QuantizedType b);

/// Relative comparison of two scales.
bool scalesMatch(double a, double b);

} // namespace qrcnn::qnn

#endif // QRCNN_DIALECT_QNN_QUANTTYPEUTILS_H
