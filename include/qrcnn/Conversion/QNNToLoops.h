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
/// On the output-position loop of a conv that reads a staged input (see
/// LoweringOptions::stageMultiple): N such that conv outputs may be computed
/// (and thrown away) up to the next multiple of N; their reads stay inside
/// the staging buffer.
constexpr llvm::StringLiteral kOvercomputeAttrName = "qnn.overcompute";

/// Choices of the lowering that only some backends want; the defaults give
/// the plain common form described in ConversionPasses.td.
struct LoweringOptions {
  /// In a fused conv -> requantize -> maxpool nest, take the max of the
  /// accumulators and requantize once per pooled output. Identical results:
  /// requantization is monotone non-decreasing (M > 0, rounding and clamp
  /// are monotone).
  bool poolBeforeRequantize = false;
  /// Requantize conv and dense accumulators in i32 when, for every output
  /// channel, an exhaustive check over the accumulator's interval (from the
  /// constant weights, bias and input range) finds an i32 multiplier/shift
  /// whose result equals rt::requantize's for every value; the narrowest
  /// such multiplier is used. Otherwise the exact i64 form.
  bool narrowRequantize = false;
  /// N > 0: a 1-D conv with batch 1 first copies its input, with the
  /// padding as zero-point cells, into a static staging buffer, and reads
  /// it without bounds tests; the buffer is sized so that outputs can be
  /// computed up to the next multiple of N (`qnn.overcompute`). A staged
  /// recurrent conv writes every step back into the slot it staged from, so
  /// it needs one arena slot instead of two.
  int64_t stageMultiple = 0;
};

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
mlir::LogicalResult lowerQNNToLoops(mlir::ModuleOp module,
                                    const LoweringOptions &options,
                                    LoweringStats *stats = nullptr);

} // namespace qrcnn::qnn

#endif // QRCNN_CONVERSION_QNNTOLOOPS_H
