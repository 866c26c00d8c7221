//===- CheckQuantized.cpp - refuse what the CPU target cannot compile ----===//
//
// The CPU target generates integer code only. A float layer would otherwise
// surface as a lowering error that advises running a pipeline the driver
// already ran; this pass says what the user can do instead, naming the node.
//
//===----------------------------------------------------------------------===//
#include "qrcnn/Target/CPP/CppTarget.h"
#include "qrcnn/Target/CPP/Passes.h"

#include "qrcnn/Dialect/QNN/QNNOps.h"
#include "qrcnn/Dialect/QNN/QuantTypeUtils.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

namespace qrcnn::cpp {
#define GEN_PASS_DEF_CPUCHECKQUANTIZED
#include "qrcnn/Target/CPP/Passes.h.inc"
} // namespace qrcnn::cpp

using namespace mlir;
using namespace qrcnn::qnn;

LogicalResult qrcnn::cpp::checkQuantized(ModuleOp module) {
  // One error, for the first float layer: the others follow from it.
  WalkResult result = module.walk([&](Operation *op) {
    if (!op->getDialect() || !isa<QNNDialect>(op->getDialect()) ||
        isa<QuantizeOp, DequantizeOp, ArgMaxOp, ConstantOp>(op))
      return WalkResult::advance();
    bool floatOperand = llvm::any_of(op->getOperandTypes(), [](Type t) {
      return isa<ShapedType>(t) && !isQuantized(t);
    });
    if (!floatOperand)
      return WalkResult::advance();
    op->emitError() << "'" << op->getName()
                    << "' computes on float tensors, but --target cpp "
                       "generates integer code only: give it a quantized "
                       "model (QuantizeLinear/DequantizeLinear around the "
                       "layer, QOperator or QONNX nodes), or run the float "
                       "model with qrcnnc --run";
    return WalkResult::interrupt();
  });
  return failure(result.wasInterrupted());
}

namespace {
struct CpuCheckQuantizedPass
    : public qrcnn::cpp::impl::CpuCheckQuantizedBase<CpuCheckQuantizedPass> {
  void runOnOperation() override {
    if (failed(qrcnn::cpp::checkQuantized(getOperation())))
      signalPassFailure();
  }
};
} // namespace
