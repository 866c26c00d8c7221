//===- RecurrentConv.h - fold and unroll recurrent convs --------*- C++ -*-===//
#ifndef QRCNN_TRANSFORMS_RECURRENTCONV_H
#define QRCNN_TRANSFORMS_RECURRENTCONV_H

#include "qrcnn/Dialect/QNN/QNNOps.h"

namespace qrcnn::qnn {

/// Replaces `op` by its chain of `iterations` conv -> requantize (-> maxpool)
/// blocks that all read the op's weight and bias. Returns the value that
/// replaced the op's result.
mlir::Value unrollRecurrentConv(mlir::OpBuilder &builder, RecurrentConvOp op);

/// What foldRecurrentConvs did.
struct FoldRecurrentConvStats {
  int64_t chains = 0;
  int64_t blocks = 0;
};

/// Replaces every maximal chain of at least `minLength` identical
/// conv -> requantize (-> maxpool) blocks under `root` by one
/// qnn.recurrent_conv (see the FoldRecurrentConv pass description).
FoldRecurrentConvStats foldRecurrentConvs(mlir::Operation *root,
                                          int64_t minLength = 2);

/// Weights and biases of the conv, dense and recurrent_conv layers under
/// `root`; with `unrolled`, each recurrent conv counts once per iteration
/// (what separate layers would store).
int64_t countLayerParameters(mlir::Operation *root, bool unrolled);

} // namespace qrcnn::qnn

#endif // QRCNN_TRANSFORMS_RECURRENTCONV_H
