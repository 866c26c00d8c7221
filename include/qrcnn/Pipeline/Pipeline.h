//===- Pipeline.h - the compiler's pass pipeline ----------------*- C++ -*-===//
//
// The one place that decides which passes run, in which order, for the
// driver. qrcnn-opt exposes the same sequence as `--qnn-pipeline`.
//
//===----------------------------------------------------------------------===//
#ifndef QRCNN_PIPELINE_PIPELINE_H
#define QRCNN_PIPELINE_PIPELINE_H

#include "mlir/Pass/PassManager.h"

namespace mlir {
class DialectRegistry;
}

namespace qrcnn {

struct PipelineOptions {
  /// Unroll every recurrent conv (the `--no-fold` reference network).
  bool noFold = false;
  /// Remarks on stderr: parameters before/after folding, accumulator widths.
  bool report = false;
};

/// Adds the qnn-level pipeline (cleanup, folding, bit widths) to `pm`.
void populateQNNPipeline(mlir::OpPassManager &pm,
                         const PipelineOptions &options);

/// Registers every dialect the compiler reads or produces.
void registerQRCNNDialects(mlir::DialectRegistry &registry);

/// Registers every project pass and the `qnn-pipeline` pipeline.
void registerQRCNNPasses();

} // namespace qrcnn

#endif // QRCNN_PIPELINE_PIPELINE_H
