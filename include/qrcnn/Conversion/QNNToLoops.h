//===- QNNToLoops.h - qnn tensors to loops on buffers -----------*- C++ -*-===//
//
// The backends' common input: integer loops on memrefs (arith, scf, memref,
// func). See the `qnn-lower-to-loops` pass description in
// dialects/QNN/ConversionPasses.td for the shape of the output.
//
//===----------------------------------------------------------------------===//
#ifndef QRCNN_CONVERSION_QNNTOLOOPS_H
#define QRCNN_CONVERSION_QNNTOLOOPS_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Support/LogicalResult.h"

#include <cstdint>

namespace qrcnn::qnn {

/// Attribute names the lowering writes and the backends read.
/// On a weight/bias `memref.global`: the quantized element type whose stored
/// integers it holds (e.g. `!quant.uniform<i4:f32, 0.125>`), so a backend can
/// pack sub-byte values.
constexpr llvm::StringLiteral kQuantTypeAttrName = "qnn.quant_type";
/// On the integer entry's arguments: the quantized type of the stored value.
constexpr llvm::StringLiteral kArgQuantTypeAttrName = "qnn.quant_type";
/// On both entries: `qnn.entry = "float"` or `"int"`, and the integer entry's
/// name on the float one (`qnn.int_entry = @NAME_int`).
constexpr llvm::StringLiteral kEntryAttrName = "qnn.entry";
constexpr llvm::StringLiteral kIntEntryAttrName = "qnn.int_entry";
/// On both entries: how many leading arguments are inputs; the rest are
/// the outputs, in result order.
constexpr llvm::StringLiteral kNumInputsAttrName = "qnn.num_inputs";
/// On the integer entry: bytes of its activation arenas, and of the
/// constant globals it reads (in their containers).
constexpr llvm::StringLiteral kArenaBytesAttrName = "qnn.arena_bytes";
constexpr llvm::StringLiteral kConstantBytesAttrName = "qnn.constant_bytes";
/// On the float entry: bytes of its staging buffers (quantized inputs,
/// integer outputs), on the stack.
constexpr llvm::StringLiteral kStagingBytesAttrName = "qnn.staging_bytes";
/// On loops with a dynamic trip count (recurrent conv steps): its maximum.
constexpr llvm::StringLiteral kMaxTripCountAttrName = "qnn.max_trip_count";
/// On the outermost reduction loop of a conv or dense: the accumulator width
/// bit-width inference proved sufficient (`acc_bits`). The loops accumulate
/// in i32 (C's unsigned int arithmetic keeps that well defined after EmitC);
/// a backend may use a narrower register (ap_int, int16 SIMD lanes).
constexpr llvm::StringLiteral kAccBitsAttrName = "qnn.acc_bits";
/// On the `scf.for` over the steps of a recurrent conv: the iteration count.
constexpr llvm::StringLiteral kRecurrentStepsAttrName = "qnn.recurrent_steps";

struct LoweringStats {
  int64_t arenaBytes = 0;
  int64_t constantBytes = 0;
  int64_t stagingBytes = 0;
};

/// Replaces every function on qnn tensors in `module` by its float and
/// integer entries on memrefs. Emits a diagnostic naming the op and fails
/// on anything the integer lowering cannot express (float layers, ...).
mlir::LogicalResult lowerQNNToLoops(mlir::ModuleOp module,
                                    LoweringStats *stats = nullptr);

} // namespace qrcnn::qnn

#endif // QRCNN_CONVERSION_QNNTOLOOPS_H
