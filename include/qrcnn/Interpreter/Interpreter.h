//===- Interpreter.h - the golden model -------------------------*- C++ -*-===//
//
// Executes a qnn function exactly as the numeric contract defines it
// (DESIGN.md): float input -> quantize -> integer layers -> dequantize ->
// float output; a float model without quantization runs in float32. It is
// the reference every backend is tested against, behind `qrcnnc --run`.
//
// Compiled once, run many times: `create` walks the function once, resolves
// every type into plain shapes, zero points and per-channel requantization
// parameters (for the module's requantization mode), unpacks constants into
// int32/float arrays and allocates every buffer; `run` then only executes
// the loops of Kernels.h, one sample at a time.
//
//===----------------------------------------------------------------------===//
#ifndef QRCNN_INTERPRETER_INTERPRETER_H
#define QRCNN_INTERPRETER_INTERPRETER_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Support/LogicalResult.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"

#include <memory>

namespace mlir::func {
class FuncOp;
}

namespace qrcnn {

class Interpreter {
public:
  /// What a function argument or result looks like to the caller: always
  /// float32 values, `numElements` of them in row-major order.
  struct TensorInfo {
    llvm::SmallVector<int64_t> shape;
    int64_t numElements = 0;
  };

  /// Prepares `@main` of `module` (or its only function). Emits a
  /// diagnostic naming the op and returns null if something cannot be
  /// interpreted (unsupported op, dynamic shape, requantization multiplier
  /// out of range, ...).
  static std::unique_ptr<Interpreter> create(mlir::ModuleOp module);
  static std::unique_ptr<Interpreter> create(mlir::func::FuncOp func);

  ~Interpreter();
  Interpreter(const Interpreter &) = delete;
  Interpreter &operator=(const Interpreter &) = delete;

  llvm::ArrayRef<TensorInfo> getInputs() const;
  llvm::ArrayRef<TensorInfo> getOutputs() const;
  /// Floats of one sample: all inputs (outputs) concatenated in order.
  int64_t getInputSize() const;
  int64_t getOutputSize() const;

  /// For each of the getOutputSize() output floats, one quantization step:
  /// the scale of the quantized value a dequantized output comes from, 1 for
  /// integer outputs (stored integers, argmax indices), 0 for float results
  /// of float arithmetic (no step).
  llvm::ArrayRef<float> getOutputSteps() const;

  /// Runs one sample: `input` holds getInputSize() floats, `output`
  /// receives getOutputSize() floats (argmax indices and quantized results,
  /// as their stored integers, converted to float). Fails with a diagnostic
  /// at the op's location if an accumulator overflows its i32 type.
  mlir::LogicalResult run(llvm::ArrayRef<float> input,
                          llvm::MutableArrayRef<float> output);

  struct Impl;

private:
  explicit Interpreter(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl;
};

} // namespace qrcnn

#endif // QRCNN_INTERPRETER_INTERPRETER_H
