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

#include <cstdint>
#include <memory>

namespace mlir::func {
class FuncOp;
}

namespace qrcnn {

/// Resource bounds (docs/golden-model.md, "Resource bounds"). Both are
/// computed from the types alone and checked in `create` before anything
/// is allocated or run, so a model that claims huge tensors or huge
/// amounts of arithmetic is a diagnostic naming the op, not an allocation
/// failure or a run of hours.
struct InterpreterLimits {
  /// Bytes of all buffers `create` allocates: one per SSA value, padded
  /// conv inputs, int64 accumulators, scratch and per-window tables.
  int64_t maxBufferBytes = int64_t(1) << 29; // 512 MiB
  /// Operations of one sample's run: multiply-accumulates of convs and
  /// dense layers, window taps of pools, and one per element every other
  /// step reads or writes.
  int64_t maxOperationsPerSample = int64_t(1) << 28;
};

class Interpreter {
public:
  /// What a function argument or result looks like to the caller: always
  /// float32 values, `numElements` of them in row-major order.
  struct TensorInfo {
    llvm::SmallVector<int64_t> shape;
    int64_t numElements = 0;
  };

  /// Checked by `create`; see InterpreterLimits.
  using Limits = InterpreterLimits;

  /// Prepares `@main` of `module` (or its only function). Emits a
  /// diagnostic naming the op and returns null if something cannot be
  /// interpreted (unsupported op, dynamic shape, requantization multiplier
  /// out of range, a limit exceeded, ...).
  static std::unique_ptr<Interpreter> create(mlir::ModuleOp module,
                                             const Limits &limits = {});
  static std::unique_ptr<Interpreter> create(mlir::func::FuncOp func,
                                             const Limits &limits = {});

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

  /// What this model costs, as counted against Limits: the bytes of the
  /// buffers `create` allocated, and the operations of one `run`.
  int64_t getBufferBytes() const;
  int64_t getOperationsPerSample() const;

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
