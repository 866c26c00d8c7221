//===- Pipeline.cpp - the compiler's pass pipeline ------------------------===//
#include "qrcnn/Pipeline/Pipeline.h"
#include "qrcnn/Conversion/Passes.h"
#include "qrcnn/Dialect/QNN/QNNDialect.h"
#include "qrcnn/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Quant/QuantOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

namespace qrcnn {

void populateQNNPipeline(OpPassManager &pm, const PipelineOptions &options) {
  // Bounds first: the passes after it visit every constant value.
  pm.addPass(qnn::createCheckSizeLimits());
  // Integer ops first; CSE then merges identical constants (a weight
  // initializer read by several layers), so folding sees shared values.
  pm.addPass(qnn::createFuseQuantization());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  if (options.noFold) {
    pm.addPass(qnn::createUnrollRecurrentConv());
  } else {
    qnn::FoldRecurrentConvOptions fold;
    fold.report = options.report;
    pm.addPass(qnn::createFoldRecurrentConv(fold));
  }
  // Widths last: they depend on the final (folded or unrolled) layers.
  qnn::InferBitWidthsOptions widths;
  widths.report = options.report;
  pm.addPass(qnn::createInferBitWidths(widths));
}

void registerQRCNNDialects(DialectRegistry &registry) {
  registry.insert<qnn::QNNDialect, quant::QuantizationDialect,
                  func::FuncDialect, arith::ArithDialect,
                  tensor::TensorDialect>();
}

void registerQRCNNPasses() {
  qnn::registerQNNPasses();
  qnn::registerQNNConversionPasses();
  struct CLOptions : public PassPipelineOptions<CLOptions> {
    Option<bool> noFold{*this, "no-fold",
                        llvm::cl::desc("Unroll every recurrent conv")};
  };
  PassPipelineRegistration<CLOptions>(
      "qnn-pipeline", "The qnn-level pipeline that qrcnnc runs",
      [](OpPassManager &pm, const CLOptions &cl) {
        PipelineOptions options;
        options.noFold = cl.noFold;
        populateQNNPipeline(pm, options);
      });
}

} // namespace qrcnn
