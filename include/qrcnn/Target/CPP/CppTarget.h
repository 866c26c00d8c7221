//===- CppTarget.h - the CPU backend (`--target cpp`) -----------*- C++ -*-===//
//
// `qrcnnc MODEL --target cpp -o DIR [--name NAME]` writes a self-contained
// folder: NAME.h (the API), NAME.cpp (the network, printed by EmitC, plus
// the extern "C" wrappers), a CMakeLists.txt building a static library and
// NAME_harness, the harness source and a README. The steps are reusable
// functions (wrapped by the passes in Passes.td) so tests and other
// backends can call them.
//
//===----------------------------------------------------------------------===//
#ifndef QRCNN_TARGET_CPP_CPPTARGET_H
#define QRCNN_TARGET_CPP_CPPTARGET_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/LogicalResult.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <string>

namespace qrcnn::cpp {

/// On both entries after qnn-cpu-workspace-arguments: the number of
/// trailing buffer arguments (`qnn.workspace_args`) and the globals they
/// replace, in argument order (`qnn.workspace`).
constexpr llvm::StringLiteral kWorkspaceArgsAttrName = "qnn.workspace_args";
constexpr llvm::StringLiteral kWorkspaceAttrName = "qnn.workspace";

/// Attribute on a packed global: the number of 4-bit values it holds.
constexpr llvm::StringLiteral kPackedInt4AttrName = "qnn.packed_int4";

/// qnn-cpu-pack-weights: packs 4-bit constant globals two per byte and
/// rewrites their loads; with `unpackReread` (its unpack-reread option),
/// globals read on every iteration of an enclosing loop are unpacked once
/// into an i8 scratch global. Returns the bytes saved through `savedBytes`
/// and the scratch bytes through `scratchBytes`.
mlir::LogicalResult packInt4Globals(mlir::ModuleOp module,
                                    int64_t *packedGlobals = nullptr,
                                    int64_t *savedBytes = nullptr,
                                    bool unpackReread = false,
                                    int64_t *scratchBytes = nullptr);

/// qnn-cpu-reorder-conv-loops: see Passes.td (`channelBlock` is its
/// channel-block option). Returns the number of nests reordered and the
/// bytes of accumulator rows added.
mlir::LogicalResult reorderConvLoops(mlir::ModuleOp module,
                                     int64_t channelBlock = 1,
                                     int64_t *reordered = nullptr,
                                     int64_t *rowBytes = nullptr);

/// qnn-cpu-check-quantized: see Passes.td.
mlir::LogicalResult checkQuantized(mlir::ModuleOp module);

/// qnn-cpu-workspace-arguments: see Passes.td.
mlir::LogicalResult moveBuffersToArguments(mlir::ModuleOp module);

/// qnn-cpu-prepare-emitc: see Passes.td.
mlir::LogicalResult prepareEmitCForCpp(mlir::ModuleOp module,
                                       llvm::StringRef name);

/// Names of the entries after prepareEmitCForCpp.
std::string getFloatEntryName(llvm::StringRef name);
std::string getIntEntryName(llvm::StringRef name);

struct CppPipelineOptions {
  std::string name = "model";
  /// Output channels of a conv accumulated together
  /// (qnn-cpu-reorder-conv-loops channel-block).
  int64_t channelBlock = 4;
  /// Unpack re-read 4-bit weights once per inference into RAM
  /// (qnn-cpu-pack-weights unpack-reread).
  bool unpackReread = true;
  /// Positions of a 1-D conv computed together (qnn-lower-to-loops
  /// stage-multiple): rows and tails run in whole blocks of this many,
  /// computing up to rowBlock - 1 positions more than needed so the
  /// compiler's vectorized loops have no remainder. 32 int16 lanes are two
  /// 256-bit vectors (with 16, GCC 12 picks 128-bit vectors for the int8
  /// loads); 1 computes exactly the positions needed, for cores without
  /// SIMD.
  int64_t rowBlock = 32;
};

/// qnn-lower-to-loops, the CPU loop passes and the conversion to EmitC:
/// everything after the qnn pipeline up to what emitc::translateToCpp
/// prints.
void buildCppPipeline(mlir::OpPassManager &pm,
                      const CppPipelineOptions &options);

/// Registers the passes above (for qrcnn-opt).
void registerCppTargetPasses();

} // namespace qrcnn::cpp

#endif // QRCNN_TARGET_CPP_CPPTARGET_H
