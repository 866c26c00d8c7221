//===- RunSamples.h - run the golden model over a file of samples -*- C++ -*-===//
//
// What `qrcnnc MODEL --run IN.f32 -o OUT.f32` does after the pipeline: read
// N samples of raw little-endian float32 (the model's single input,
// samples concatenated), run the interpreter on each, write every sample's
// outputs concatenated in result order as float32. When the module's
// requantization mode is not exact, the exact model runs on the same
// samples too and the difference is reported: cheaper modes are never
// silent.
//
//===----------------------------------------------------------------------===//
#ifndef QRCNN_INTERPRETER_RUNSAMPLES_H
#define QRCNN_INTERPRETER_RUNSAMPLES_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Support/LogicalResult.h"
#include "llvm/Support/raw_ostream.h"

#include <string>
#include <vector>

namespace qrcnn {

class Interpreter;

struct RunSamplesOptions {
  std::string inputPath;
  std::string outputPath;
  /// Print samples per second, and the golden model's operations per
  /// sample and buffer bytes, to the report stream.
  bool reportThroughput = false;
  /// If set, write JSON here: the requantization mode, the sample count,
  /// the input and output shapes, and per output the quantization step of
  /// each value (see Interpreter::getOutputSteps), for comparisons in steps.
  std::string metaPath;
};

/// How the outputs of a cheaper requantization mode differ from exact ones.
struct ModeComparison {
  int64_t samples = 0;
  /// Samples whose top class (argmax of a multi-element output, or the
  /// value of an index output) changed.
  int64_t changedTopClass = 0;
  /// Differences of quantized outputs, in quantization steps.
  double maxStepDiff = 0, meanStepDiff = 0;
  /// Differences of float outputs without a step (plain float arithmetic).
  double maxFloatDiff = 0;
  bool hasFloatOutputs = false;
};

/// Runs `interpreter` on `numSamples` samples from `inputs`, writing
/// `outputs` (resized). Fails at the first sample whose run fails.
mlir::LogicalResult runAllSamples(Interpreter &interpreter,
                                  const std::vector<float> &inputs,
                                  std::vector<float> &outputs);

/// Compares the outputs of two runs of the same model (same output layout).
ModeComparison compareOutputs(const Interpreter &model,
                              const std::vector<float> &cheap,
                              const std::vector<float> &exact);

/// The whole `--run`: on failure returns failure with `error` set to a
/// message for the user (empty when a diagnostic was already emitted).
/// Reports (throughput, requantization-mode accuracy) go to `report`.
mlir::LogicalResult runSamples(mlir::ModuleOp module,
                               const RunSamplesOptions &options,
                               llvm::raw_ostream &report, std::string &error);

} // namespace qrcnn

#endif // QRCNN_INTERPRETER_RUNSAMPLES_H
