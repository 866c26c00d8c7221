//===- RecurrentConv.h - fold and unroll recurrent convs --------*- C++ -*-===//
#ifndef QRCNN_TRANSFORMS_RECURRENTCONV_H
#define QRCNN_TRANSFORMS_RECURRENTCONV_H

#include "qrcnn/Dialect/QNN/QNNOps.h"

namespace qrcnn::qnn {

/// Replaces `op` by its chain of `iterations` conv -> requantize (-> maxpool)
/// blocks that all read the op's weight and bias. Returns the value that
/// replaced the op's result.
mlir::Value unrollRecurrentConv(mlir::OpBuilder &builder, RecurrentConvOp op);

} // namespace qrcnn::qnn

#endif // QRCNN_TRANSFORMS_RECURRENTCONV_H
