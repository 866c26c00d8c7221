//===- RunSamples.cpp - run the golden model over a file of samples -------===//
#include "qrcnn/Interpreter/RunSamples.h"
#include "qrcnn/Dialect/QNN/Requantization.h"
#include "qrcnn/Interpreter/Interpreter.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SwapByteOrder.h"

#include <chrono>
#include <cmath>
#include <cstring>

using namespace mlir;

namespace qrcnn {

namespace {

/// Raw little-endian float32 values of a file, or an error message.
FailureOr<std::vector<float>> readFloats(StringRef path, std::string &error) {
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> file =
      llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                  /*RequiresNullTerminator=*/false);
  if (!file) {
    error = "cannot open input file '" + path.str() +
            "': " + file.getError().message();
    return failure();
  }
  StringRef bytes = (*file)->getBuffer();
  if (bytes.size() % sizeof(float) != 0) {
    error = "input file '" + path.str() + "' holds " +
            std::to_string(bytes.size()) +
            " bytes, not a whole number of float32 values";
    return failure();
  }
  std::vector<float> values(bytes.size() / sizeof(float));
  if (!values.empty()) // memcpy's pointers must not be null, even for 0 bytes
    std::memcpy(values.data(), bytes.data(), bytes.size());
  if (llvm::sys::IsBigEndianHost)
    for (float &v : values)
      llvm::sys::swapByteOrder(v);
  return values;
}

LogicalResult writeFloats(StringRef path, std::vector<float> values,
                          std::string &error) {
  if (llvm::sys::IsBigEndianHost)
    for (float &v : values)
      llvm::sys::swapByteOrder(v);
  std::error_code ec;
  llvm::raw_fd_ostream out(path, ec, llvm::sys::fs::OF_None);
  if (ec) {
    error = "cannot open output file '" + path.str() + "': " + ec.message();
    return failure();
  }
  out.write(reinterpret_cast<const char *>(values.data()),
            values.size() * sizeof(float));
  out.close();
  if (out.has_error()) {
    error = "cannot write output file '" + path.str() + "'";
    out.clear_error();
    return failure();
  }
  return success();
}

LogicalResult writeMeta(StringRef path, const Interpreter &model,
                        qnn::RequantMode mode, int64_t samples,
                        std::string &error) {
  auto shapeOf = [](const Interpreter::TensorInfo &t) {
    llvm::json::Array shape;
    for (int64_t d : t.shape)
      shape.push_back(d);
    return shape;
  };
  llvm::json::Array inputs, outputs;
  for (const Interpreter::TensorInfo &t : model.getInputs())
    inputs.push_back(llvm::json::Object{{"shape", shapeOf(t)}});
  ArrayRef<float> steps = model.getOutputSteps();
  int64_t offset = 0;
  for (const Interpreter::TensorInfo &t : model.getOutputs()) {
    llvm::json::Array tensorSteps;
    for (int64_t e = 0; e < t.numElements; ++e)
      tensorSteps.push_back(static_cast<double>(steps[offset + e]));
    offset += t.numElements;
    outputs.push_back(llvm::json::Object{{"shape", shapeOf(t)},
                                         {"steps", std::move(tensorSteps)}});
  }
  llvm::json::Object meta{{"requant_mode", qnn::stringifyRequantMode(mode)},
                          {"samples", samples},
                          {"inputs", std::move(inputs)},
                          {"outputs", std::move(outputs)}};
  std::error_code ec;
  llvm::raw_fd_ostream out(path, ec, llvm::sys::fs::OF_Text);
  if (ec) {
    error = "cannot open '" + path.str() + "': " + ec.message();
    return failure();
  }
  out << llvm::json::Value(std::move(meta)) << "\n";
  return success();
}

int64_t argMax(const float *values, int64_t size) {
  int64_t best = 0;
  for (int64_t i = 1; i < size; ++i)
    if (values[i] > values[best])
      best = i;
  return best;
}

} // namespace

LogicalResult runAllSamples(Interpreter &interpreter,
                            const std::vector<float> &inputs,
                            std::vector<float> &outputs) {
  int64_t inSize = interpreter.getInputSize();
  int64_t outSize = interpreter.getOutputSize();
  int64_t samples = inSize ? static_cast<int64_t>(inputs.size()) / inSize : 0;
  outputs.assign(samples * outSize, 0.0f);
  for (int64_t s = 0; s < samples; ++s)
    if (failed(interpreter.run(
            ArrayRef<float>(inputs.data() + s * inSize, inSize),
            MutableArrayRef<float>(outputs.data() + s * outSize, outSize))))
      return failure();
  return success();
}

ModeComparison compareOutputs(const Interpreter &model,
                              const std::vector<float> &cheap,
                              const std::vector<float> &exact) {
  ModeComparison c;
  int64_t outSize = model.getOutputSize();
  ArrayRef<float> steps = model.getOutputSteps();
  c.samples = outSize ? static_cast<int64_t>(exact.size()) / outSize : 0;
  double stepSum = 0;
  int64_t stepCount = 0;
  for (int64_t s = 0; s < c.samples; ++s) {
    const float *a = cheap.data() + s * outSize;
    const float *b = exact.data() + s * outSize;
    bool changed = false;
    int64_t offset = 0;
    for (const Interpreter::TensorInfo &out : model.getOutputs()) {
      int64_t n = out.numElements;
      if (n > 1)
        changed |= argMax(a + offset, n) != argMax(b + offset, n);
      else if (n == 1 && steps[offset] == 1.0f)
        changed |= a[offset] != b[offset];
      offset += n;
    }
    c.changedTopClass += changed;
    for (int64_t e = 0; e < outSize; ++e) {
      double diff = std::fabs(double(a[e]) - double(b[e]));
      if (steps[e] > 0) {
        double inSteps = diff / steps[e];
        c.maxStepDiff = std::max(c.maxStepDiff, inSteps);
        stepSum += inSteps;
        ++stepCount;
      } else {
        c.hasFloatOutputs = true;
        c.maxFloatDiff = std::max(c.maxFloatDiff, diff);
      }
    }
  }
  c.meanStepDiff = stepCount ? stepSum / stepCount : 0.0;
  return c;
}

LogicalResult runSamples(ModuleOp module, const RunSamplesOptions &options,
                         llvm::raw_ostream &report, std::string &error) {
  std::unique_ptr<Interpreter> interpreter = Interpreter::create(module);
  if (!interpreter)
    return failure();
  if (interpreter->getInputs().size() != 1) {
    error = "--run needs a model with exactly one input, this one has " +
            std::to_string(interpreter->getInputs().size());
    return failure();
  }
  FailureOr<std::vector<float>> inputs = readFloats(options.inputPath, error);
  if (failed(inputs))
    return failure();
  int64_t sampleSize = interpreter->getInputSize();
  if (sampleSize == 0) {
    error = "--run needs a model whose input has at least one element";
    return failure();
  }
  if (static_cast<int64_t>(inputs->size()) % sampleSize != 0) {
    error = "input file '" + options.inputPath + "' holds " +
            std::to_string(inputs->size()) +
            " float32 values, not a whole number of samples of " +
            std::to_string(sampleSize);
    return failure();
  }
  int64_t samples = static_cast<int64_t>(inputs->size()) / sampleSize;

  std::vector<float> outputs;
  auto start = std::chrono::steady_clock::now();
  if (failed(runAllSamples(*interpreter, *inputs, outputs)))
    return failure();
  double seconds = std::chrono::duration<double>(
                       std::chrono::steady_clock::now() - start)
                       .count();
  if (options.reportThroughput)
    report << "qrcnnc: --run: " << samples << " samples in "
           << llvm::format("%.3f", seconds * 1e3) << " ms ("
           << llvm::format("%.0f", seconds > 0 ? samples / seconds : 0.0)
           << " samples/s); golden model: "
           << interpreter->getOperationsPerSample()
           << " operations per sample, " << interpreter->getBufferBytes()
           << " bytes of buffers\n";

  qnn::RequantMode mode = qnn::getRequantMode(module);
  if (mode != qnn::RequantMode::Exact) {
    // The same model with exact requantization, on the same samples.
    OwningOpRef<ModuleOp> exactModule = module.clone();
    qnn::setRequantMode(*exactModule, qnn::RequantMode::Exact);
    std::unique_ptr<Interpreter> exact = Interpreter::create(*exactModule);
    std::vector<float> exactOutputs;
    if (!exact || failed(runAllSamples(*exact, *inputs, exactOutputs)))
      return failure();
    ModeComparison c = compareOutputs(*interpreter, outputs, exactOutputs);
    report << "qrcnnc: --requant=" << qnn::stringifyRequantMode(mode)
           << " vs exact on " << c.samples << " samples: top class changed on "
           << c.changedTopClass << " ("
           << llvm::format("%.2f", c.samples ? 100.0 * c.changedTopClass /
                                                   c.samples
                                             : 0.0)
           << "%); quantized outputs differ by max "
           << llvm::format("%g", c.maxStepDiff) << " steps, mean "
           << llvm::format("%.4f", c.meanStepDiff) << " steps";
    if (c.hasFloatOutputs)
      report << "; float outputs by max "
             << llvm::format("%g", c.maxFloatDiff);
    report << "\n";
  }
  if (!options.metaPath.empty() &&
      failed(writeMeta(options.metaPath, *interpreter, mode, samples, error)))
    return failure();
  return writeFloats(options.outputPath, std::move(outputs), error);
}

} // namespace qrcnn
