//===- Passes.h - conversions out of qnn ------------------------*- C++ -*-===//
//
// Only the TableGen'erated declarations live here; the logic sits in
// QNNToLoops.h and LoopsToEmitC.h.
//
//===----------------------------------------------------------------------===//
#ifndef QRCNN_CONVERSION_PASSES_H
#define QRCNN_CONVERSION_PASSES_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/EmitC/IR/EmitC.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace qrcnn::qnn {

#define GEN_PASS_DECL
#include "qrcnn/Dialect/QNN/ConversionPasses.h.inc"

#define GEN_PASS_REGISTRATION
#include "qrcnn/Dialect/QNN/ConversionPasses.h.inc"

} // namespace qrcnn::qnn

#endif // QRCNN_CONVERSION_PASSES_H
