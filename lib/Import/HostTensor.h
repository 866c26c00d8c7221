//===- HostTensor.h - compile-time tensors of the ONNX importer -*- C++ -*-===//
//
// Initializers, Constant nodes and everything constant folding computes from
// them live on the host as HostTensor: an ONNX element type, a shape and the
// values (doubles for floating types, int64 for integer types). A Constant
// may also remember that it is the dequantization s * (q - z) of integer
// values, so that the importer can emit it as a quantized qnn.constant.
//
//===----------------------------------------------------------------------===//
#ifndef QRCNN_LIB_IMPORT_HOSTTENSOR_H
#define QRCNN_LIB_IMPORT_HOSTTENSOR_H

#include "OnnxTypes.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"

#include <optional>
#include <string>
#include <vector>

namespace onnx {
class TensorProto;
} // namespace onnx

namespace qrcnn::onnx_import {

/// Largest element count of any tensor (graph inputs, intermediate results).
constexpr int64_t kMaxElements = int64_t(1) << 31;
/// Largest element count constant folding may create from a small input
/// (ConstantOfShape, Expand, Tile...): 64 Mi elements.
constexpr int64_t kMaxFoldedElements = int64_t(1) << 26;

/// The element count of `shape`, or an error message when a dimension is
/// negative, the product overflows int64 or exceeds `limit`.
std::optional<int64_t> getElementCount(llvm::ArrayRef<int64_t> shape,
                                       int64_t limit, std::string &error);

/// A number as people write it ("0.0234375", "3.5", "1e-07", "NaN").
std::string formatNumber(double v);

/// "1x4x16", or "scalar" for rank 0.
std::string shapeToString(llvm::ArrayRef<int64_t> shape);

struct HostTensor {
  int32_t type = dtype::kUndefined;
  llvm::SmallVector<int64_t> shape;
  std::vector<double> floats; // floating types
  std::vector<int64_t> ints;  // integer types and BOOL

  HostTensor() = default;
  HostTensor(int32_t type, llvm::ArrayRef<int64_t> shape);

  bool isFloat() const { return isFloatType(type); }
  int64_t size() const {
    return isFloat() ? static_cast<int64_t>(floats.size())
                     : static_cast<int64_t>(ints.size());
  }
  int64_t rank() const { return static_cast<int64_t>(shape.size()); }
  double getDouble(int64_t i) const {
    return isFloat() ? floats[i] : static_cast<double>(ints[i]);
  }
  int64_t getInt(int64_t i) const {
    return isFloat() ? static_cast<int64_t>(floats[i]) : ints[i];
  }
};

/// Rounds `v` to the precision of the floating element type (f32, f16, bf16;
/// f64 unchanged).
double roundToFloatType(double v, int32_t type);

/// Decodes an ONNX TensorProto after checking its dimensions, element count,
/// element type and data length. `error` says what is wrong.
bool readTensorProto(const onnx::TensorProto &proto, HostTensor &out,
                     std::string &error);

/// How a quantized constant is stored: signedness, width and the range of
/// the stored integers (narrower than the width for QONNX narrow=1).
struct StorageSpec {
  unsigned bits = 8;
  bool isSigned = true;
  int64_t min = -128, max = 127;
};

/// A constant that is the dequantization s * (q - z) of integers `q`.
struct QuantOrigin {
  HostTensor q; // integer values, same shape as the constant
  llvm::SmallVector<double> scales;
  llvm::SmallVector<int64_t> zeroPoints;
  std::optional<int64_t> axis; // per-axis dimension, nullopt per tensor
  StorageSpec storage;
};

/// A compile-time tensor: its values and, when it came from dequantizing
/// integers, how (the importer then emits it quantized).
struct Constant {
  HostTensor value;
  std::optional<QuantOrigin> quant;
};

/// Transposes `c` (values and quantized integers; a per-axis axis follows
/// its dimension).
Constant transposeConstant(const Constant &c, llvm::ArrayRef<int64_t> perm);

/// Reshapes `c`. A per-axis quantized constant keeps its quantization only
/// when the quantized dimension survives unchanged (same size, same number
/// of elements before it); otherwise returns std::nullopt.
std::optional<Constant> reshapeConstant(const Constant &c,
                                        llvm::ArrayRef<int64_t> shape);

/// Numpy broadcasting of two shapes; std::nullopt if they do not broadcast.
std::optional<llvm::SmallVector<int64_t>>
broadcastShapes(llvm::ArrayRef<int64_t> a, llvm::ArrayRef<int64_t> b);

/// Strides of a row-major shape.
llvm::SmallVector<int64_t> getStrides(llvm::ArrayRef<int64_t> shape);

/// For each element of `resultShape`, the index into a tensor of shape
/// `shape` broadcast to it.
std::vector<int64_t> broadcastIndices(llvm::ArrayRef<int64_t> shape,
                                      llvm::ArrayRef<int64_t> resultShape);

} // namespace qrcnn::onnx_import

#endif // QRCNN_LIB_IMPORT_HOSTTENSOR_H
