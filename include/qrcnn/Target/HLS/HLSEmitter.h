//===- HLSEmitter.h - printing the HLS project of a plan --------*- C++ -*-===//
//
// Prints what `--target hls` writes for an HLSPlan (HLSPlan.h): NAME.h,
// NAME.cpp (the top function and one function per stage), NAME_tb.cpp,
// run_hls.tcl, Makefile and README.md. The fixed files come from the
// templates in lib/Target/HLS/templates; the weights, biases and
// requantization constants are read from the qnn constants of the plan's
// ops (the same computeRequantParams the golden model uses).
//
//===----------------------------------------------------------------------===//
#ifndef QRCNN_TARGET_HLS_HLSEMITTER_H
#define QRCNN_TARGET_HLS_HLSEMITTER_H

#include "qrcnn/Target/HLS/HLSPlan.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Support/LogicalResult.h"
#include "llvm/ADT/StringRef.h"

#include <string>
#include <utility>
#include <vector>

namespace qrcnn::hls {

struct HLSProject {
  /// (file name relative to the output folder, contents), in writing order.
  std::vector<std::pair<std::string, std::string>> files;
  /// Runtime headers (paths relative to runtime/include/qrcnn) the project
  /// needs next to its sources, under `qrcnn/`.
  std::vector<std::string> runtimeHeaders;
};

struct HLSEmitOptions {
  std::string version = "unknown";
  /// The model file, for comments.
  std::string modelFile;
};

/// Prints the project. Fails with a diagnostic on the op when a constant
/// cannot be read or a requantization multiplier is out of range.
mlir::FailureOr<HLSProject> emitHLSProject(const HLSPlan &plan,
                                           const HLSEmitOptions &options);

} // namespace qrcnn::hls

#endif // QRCNN_TARGET_HLS_HLSEMITTER_H
