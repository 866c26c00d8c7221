//===- TransformUtils.h - helpers shared by the qnn passes ------*- C++ -*-===//
//
// Private to lib/Transforms: reading the integers or floats a qnn.constant
// holds, comparing constants by contents, and integer widths.
//
//===----------------------------------------------------------------------===//
#ifndef QRCNN_LIB_TRANSFORMS_TRANSFORMUTILS_H
#define QRCNN_LIB_TRANSFORMS_TRANSFORMUTILS_H

#include "mlir/IR/BuiltinAttributeInterfaces.h"
#include "mlir/IR/Value.h"
#include "llvm/ADT/SmallVector.h"

#include <optional>

namespace qrcnn::qnn {

/// The stored integers of a quantized qnn.constant (sign- or zero-extended
/// as its quant type says), or std::nullopt if `value` is not such a
/// constant or its elements cannot be read.
std::optional<llvm::SmallVector<int64_t>> getConstantIntegers(mlir::Value value);

/// The values of an f32 qnn.constant, or std::nullopt.
std::optional<llvm::SmallVector<double>> getConstantFloats(mlir::Value value);

/// True if `a` and `b` are the same value, or qnn.constants of the same type
/// holding the same elements.
bool isSameConstantValue(mlir::Value a, mlir::Value b);

/// Narrowest signed two's-complement width holding every integer in
/// [lo, hi] (at least 1).
unsigned getSignedBitWidth(int64_t lo, int64_t hi);

/// Narrowest unsigned width holding every integer in [0, hi] (at least 1).
unsigned getUnsignedBitWidth(int64_t hi);

} // namespace qrcnn::qnn

#endif // QRCNN_LIB_TRANSFORMS_TRANSFORMUTILS_H
