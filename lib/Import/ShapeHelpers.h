//===- ShapeHelpers.h - ONNX shape rules shared by folding and import -*- C++ -*-===//
//
// Result shapes of the ONNX shape ops (Reshape, Squeeze, Unsqueeze, Flatten,
// Transpose) and of sliding windows (Conv, pools, incl. auto_pad and
// ceil_mode), used both when folding constants and when emitting qnn ops.
//
//===----------------------------------------------------------------------===//
#ifndef QRCNN_LIB_IMPORT_SHAPEHELPERS_H
#define QRCNN_LIB_IMPORT_SHAPEHELPERS_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"

#include <optional>
#include <string>

namespace qrcnn::onnx_import {

/// Normalizes `axis` into [0, rank) (negative counts from the end).
bool normalizeAxis(int64_t &axis, int64_t rank, std::string &error);

bool computeReshape(llvm::ArrayRef<int64_t> in, llvm::ArrayRef<int64_t> shape,
                    bool allowZero, llvm::SmallVectorImpl<int64_t> &out,
                    std::string &error);
/// `axes` empty and `hasAxes` false: drop every size-1 dimension.
bool computeSqueeze(llvm::ArrayRef<int64_t> in, llvm::ArrayRef<int64_t> axes,
                    bool hasAxes, llvm::SmallVectorImpl<int64_t> &out,
                    std::string &error);
bool computeUnsqueeze(llvm::ArrayRef<int64_t> in, llvm::ArrayRef<int64_t> axes,
                      llvm::SmallVectorImpl<int64_t> &out, std::string &error);
bool computeFlatten(llvm::ArrayRef<int64_t> in, int64_t axis,
                    llvm::SmallVectorImpl<int64_t> &out, std::string &error);
/// `perm` empty: reverse the dimensions. Checks it is a permutation.
bool computeTranspose(llvm::ArrayRef<int64_t> in,
                      llvm::SmallVectorImpl<int64_t> &perm,
                      llvm::SmallVectorImpl<int64_t> &out, std::string &error);

/// Sliding-window geometry of Conv / MaxPool / AveragePool after resolving
/// auto_pad and ceil_mode into explicit (possibly larger end) pads.
struct WindowGeometry {
  llvm::SmallVector<int64_t> kernel, strides, dilations;
  llvm::SmallVector<int64_t> pads; // all begins, then all ends
  llvm::SmallVector<int64_t> outSizes;
  /// End padding added only to emulate ceil_mode (not part of the model's
  /// explicit pads).
  bool ceilExtended = false;
};

/// `spatial` input sizes, attribute values as read from the node (empty =
/// absent). Fails with a reason when an attribute is malformed or the window
/// does not fit.
bool computeWindow(llvm::ArrayRef<int64_t> spatialSizes,
                   llvm::ArrayRef<int64_t> kernel,
                   std::optional<llvm::SmallVector<int64_t>> strides,
                   std::optional<llvm::SmallVector<int64_t>> pads,
                   std::optional<llvm::SmallVector<int64_t>> dilations,
                   const std::string &autoPad, bool ceilMode,
                   WindowGeometry &geometry, std::string &error);

} // namespace qrcnn::onnx_import

#endif // QRCNN_LIB_IMPORT_SHAPEHELPERS_H
