//===- LoopsToEmitC.h - lowered loops to EmitC ------------------*- C++ -*-===//
#ifndef QRCNN_CONVERSION_LOOPSTOEMITC_H
#define QRCNN_CONVERSION_LOOPSTOEMITC_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Support/LogicalResult.h"

namespace qrcnn::qnn {

/// Converts arith, scf, memref and func ops in `module` (the output of
/// lowerQNNToLoops) to EmitC, ready for `emitc::translateToCpp`. One
/// conversion with a shared type converter (memref -> !emitc.array,
/// index -> !emitc.size_t) handles function signatures on memrefs, which
/// MLIR 19's separate passes do not.
mlir::LogicalResult convertLoopsToEmitC(mlir::ModuleOp module);

} // namespace qrcnn::qnn

#endif // QRCNN_CONVERSION_LOOPSTOEMITC_H
