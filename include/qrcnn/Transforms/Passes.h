//===- Passes.h - qnn transformation passes ---------------------*- C++ -*-===//
//
// Only the TableGen'erated declarations live here; each pass's logic is a
// reusable function declared in its own header next to this one.
//
//===----------------------------------------------------------------------===//
#ifndef QRCNN_TRANSFORMS_PASSES_H
#define QRCNN_TRANSFORMS_PASSES_H

#include "qrcnn/Dialect/QNN/QNNDialect.h"

#include "mlir/Pass/Pass.h"

namespace qrcnn::qnn {

#define GEN_PASS_DECL
#include "qrcnn/Dialect/QNN/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "qrcnn/Dialect/QNN/Passes.h.inc"

} // namespace qrcnn::qnn

#endif // QRCNN_TRANSFORMS_PASSES_H
