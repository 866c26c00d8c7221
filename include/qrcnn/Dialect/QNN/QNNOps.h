//===- QNNOps.h - qnn dialect ops -------------------------------*- C++ -*-===//
#ifndef QRCNN_DIALECT_QNN_QNNOPS_H
#define QRCNN_DIALECT_QNN_QNNOPS_H

#include "qrcnn/Dialect/QNN/QNNDialect.h"

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include <string>

#define GET_OP_CLASSES
#include "qrcnn/Dialect/QNN/QNNOps.h.inc"



namespace qrcnn::qnn {

/// Largest kernel size, stride, dilation or pad the verifiers accept (the
/// importer's bound on ONNX attributes too): sizes derived from them stay
/// far from int64 overflow.
constexpr int64_t kMaxWindowAttr = int64_t(1) << 31;

/// Most steps a recurrent conv may take: passes and the golden model walk
/// them one by one.
constexpr int64_t kMaxRecurrentIterations = int64_t(1) << 16;

/// Output length of a sliding window along one dimension (ONNX formula,
/// floor mode). Returns a value < 1 when the window does not fit.
int64_t getWindowOutputSize(int64_t inputSize, int64_t kernel, int64_t stride,
                            int64_t padBegin, int64_t padEnd, int64_t dilation);

/// Result shape of a conv or pool over an NC... `inputShape`; `channels` is
/// the output channel count. Empty when some dimension does not fit.
llvm::SmallVector<int64_t>
getWindowResultShape(llvm::ArrayRef<int64_t> inputShape, int64_t channels,
                     llvm::ArrayRef<int64_t> kernel,
                     llvm::ArrayRef<int64_t> strides,
                     llvm::ArrayRef<int64_t> pads,
                     llvm::ArrayRef<int64_t> dilations);

/// A shape as diagnostics print it: "1x4x16". Every dimension is printed as
/// its number (a dynamic one as ShapedType::kDynamic); rank 0 gives "".
std::string formatShape(llvm::ArrayRef<int64_t> shape);

} // namespace qrcnn::qnn
#endif // QRCNN_DIALECT_QNN_QNNOPS_H
