//===- Storage.h - where a lowered tensor lives -----------------*- C++ -*-===//
//
// Internal to QNNToLoops. A tensor value of the qnn function is stored either
// in an N-D memref of its own shape (entry arguments, constants) or flattened
// (row-major) in one slot of an arena `memref<SLOTS x SIZE x iN>`. Loads and
// stores take the value's logical N-D indices; the logical shape may have
// dynamic extents (recurrent conv steps) and may differ from an N-D memref's
// own shape (a reshape of an argument or an output).
//
//===----------------------------------------------------------------------===//
#ifndef QRCNN_LIB_CONVERSION_QNNTOLOOPS_STORAGE_H
#define QRCNN_LIB_CONVERSION_QNNTOLOOPS_STORAGE_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"

#include <optional>

namespace qrcnn::qnn::detail {

/// The standard integer type a quantized value is stored in, and how to
/// widen it.
struct Container {
  mlir::IntegerType type;
  bool isSigned = true;

  int64_t bytes() const { return type.getWidth() / 8; }
};

/// The container of a tensor's elements: the narrowest of i8/i16/i32/i64
/// holding the quantized storage range; i64 for index tensors; nullopt for
/// float tensors.
std::optional<Container> getContainer(mlir::Type tensorOrElementType);

struct Storage {
  mlir::Value memref;
  /// Arena slot (index); null for an N-D memref.
  mlir::Value slot;
  llvm::SmallVector<mlir::OpFoldResult> shape;
  Container container;

  bool isArena() const { return static_cast<bool>(slot); }

  /// The same storage seen with another logical shape of equal size.
  Storage withShape(llvm::ArrayRef<mlir::OpFoldResult> newShape) const;

  mlir::Value load(mlir::OpBuilder &b, mlir::Location loc,
                   mlir::ValueRange indices) const;
  /// Loads and widens (by the container's signedness) to `type`.
  mlir::Value loadAs(mlir::OpBuilder &b, mlir::Location loc,
                     mlir::ValueRange indices, mlir::Type type) const;
  /// Stores `value` (any integer width, truncated or extended).
  void store(mlir::OpBuilder &b, mlir::Location loc, mlir::Value value,
             mlir::ValueRange indices) const;

private:
  llvm::SmallVector<mlir::Value> memrefIndices(mlir::OpBuilder &b,
                                               mlir::Location loc,
                                               mlir::ValueRange indices) const;
};

/// Static shape as fold results.
llvm::SmallVector<mlir::OpFoldResult> toFoldResults(mlir::MLIRContext *ctx,
                                                    llvm::ArrayRef<int64_t>);

/// Row-major linear index of `indices` in `shape`.
mlir::Value linearize(mlir::OpBuilder &b, mlir::Location loc,
                      mlir::ValueRange indices,
                      llvm::ArrayRef<mlir::OpFoldResult> shape);

/// Loops 0..ub (step 1) nested in order, with `body` innermost. Loops whose
/// bound is dynamic get `qnn.max_trip_count` from `maxTrips` (same length as
/// `ubs`, entries ignored for static bounds).
void buildParallelNest(
    mlir::OpBuilder &b, mlir::Location loc,
    llvm::ArrayRef<mlir::OpFoldResult> ubs, llvm::ArrayRef<int64_t> maxTrips,
    llvm::function_ref<void(mlir::OpBuilder &, mlir::Location,
                            mlir::ValueRange)>
        body);

/// A reduction nest with iter_args `inits`; `body` returns the updated
/// values. Returns the final values. `outerAttrs` go on the outermost loop.
llvm::SmallVector<mlir::Value> buildReductionNest(
    mlir::OpBuilder &b, mlir::Location loc,
    llvm::ArrayRef<mlir::OpFoldResult> ubs, mlir::ValueRange inits,
    llvm::function_ref<llvm::SmallVector<mlir::Value>(
        mlir::OpBuilder &, mlir::Location, mlir::ValueRange, mlir::ValueRange)>
        body,
    llvm::ArrayRef<mlir::NamedAttribute> outerAttrs = {});

} // namespace qrcnn::qnn::detail

#endif // QRCNN_LIB_CONVERSION_QNNTOLOOPS_STORAGE_H
