//===- ModelInterface.h - the entries a lowered network offers --*- C++ -*-===//
//
// What a backend needs to write the fixed parts of its output (API header,
// harness, testbench, README): the float and integer entries that
// `qnn-lower-to-loops` creates, their arguments with shapes, C element types
// and quantization, and the memory they use. Read from the attributes the
// lowering sets (qrcnn/Conversion/QNNToLoops.h), on func.func or, after the
// conversion to EmitC, on emitc.func.
//
//===----------------------------------------------------------------------===//
#ifndef QRCNN_TARGET_MODELINTERFACE_H
#define QRCNN_TARGET_MODELINTERFACE_H

#include "mlir/Dialect/Quant/QuantTypes.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Interfaces/FunctionInterfaces.h"

#include <cstdint>
#include <string>
#include <vector>

namespace qrcnn::target {

/// One argument of an entry (an input or an output of one sample).
struct EntryArgument {
  /// Shape as the entry sees it (batch included).
  std::vector<int64_t> shape;
  int64_t numElements = 1;
  /// `float`, `uint8_t`, `int32_t`, `int64_t`, ...
  std::string cType;
  int64_t elementBytes = 4;
  /// The quantized type whose stored integers the argument holds (integer
  /// entry only; null for floats and argmax indices).
  mlir::quant::QuantizedType quant;
};

struct Entry {
  mlir::FunctionOpInterface op;
  std::vector<EntryArgument> inputs;
  std::vector<EntryArgument> outputs;
};

struct ModelInterface {
  /// Quantizes, calls the integer entry, dequantizes.
  Entry floatEntry;
  /// Integer arithmetic only.
  Entry intEntry;
  /// Bytes of the activation arenas (static, RAM).
  int64_t arenaBytes = 0;
  /// Bytes of the float entry's staging buffers (stack).
  int64_t stagingBytes = 0;
};

/// Finds the one float/integer entry pair of `module`; emits a diagnostic
/// and fails if there is none or more than one, or if an argument is not a
/// statically shaped buffer.
mlir::FailureOr<ModelInterface> getModelInterface(mlir::ModuleOp module);

/// C type of a signless integer of `width` bits, signed or not (`int8_t`).
std::string getCIntegerType(unsigned width, bool isSigned);

/// Bytes of all constant (flash) and mutable (RAM) globals of `module`, as
/// they will be stored (memref.global or emitc.global).
struct GlobalBytes {
  int64_t constantBytes = 0;
  int64_t mutableBytes = 0;
};
GlobalBytes getGlobalBytes(mlir::ModuleOp module);

} // namespace qrcnn::target

#endif // QRCNN_TARGET_MODELINTERFACE_H
