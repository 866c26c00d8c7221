//===- Quantization.h - ONNX quantization parameters ------------*- C++ -*-===//
//
// Reads the scale / zero point / axis of QuantizeLinear, DequantizeLinear
// and QONNX Quant, validates them (finite positive scales, zero points inside
// their type, per-axis lengths), and evaluates them on host tensors with ONNX
// Runtime's float32 semantics for constant folding.
//
//===----------------------------------------------------------------------===//
#ifndef QRCNN_LIB_IMPORT_QUANTIZATION_H
#define QRCNN_LIB_IMPORT_QUANTIZATION_H

#include "HostTensor.h"

#include "llvm/ADT/StringRef.h"

namespace onnx {
class NodeProto;
} // namespace onnx

namespace qrcnn::onnx_import {

struct QuantParams {
  llvm::SmallVector<double> scales;     // float32 values
  llvm::SmallVector<int64_t> zeroPoints; // one per scale
  std::optional<int64_t> axis;          // nullopt: per tensor
  StorageSpec storage;
  int32_t containerType = dtype::kUint8; // ONNX type of the quantized tensor
  bool isQonnx = false;

  double scaleAt(int64_t channel) const {
    return scales[scales.size() == 1 ? 0 : channel];
  }
  int64_t zeroPointAt(int64_t channel) const {
    return zeroPoints[zeroPoints.size() == 1 ? 0 : channel];
  }
};

/// A parameter tensor and its ONNX name (for messages); `tensor` is null
/// when an optional input is omitted.
struct NamedTensor {
  const HostTensor *tensor = nullptr;
  std::string name;
};

/// Parameters of QuantizeLinear (isQuantize) or DequantizeLinear over an
/// input of shape `xShape`. For DequantizeLinear `xType` is the input's
/// element type. Scale and zero point must be compile-time constants
/// (`zeroPoint` may be null when omitted). `fixedAxis` replaces the `axis`
/// attribute for QOperator ops, whose per-channel axis is implied.
bool getLinearQuantParams(const onnx::NodeProto &node, int64_t opset,
                          bool isQuantize, llvm::ArrayRef<int64_t> xShape,
                          int32_t xType, const NamedTensor &scale,
                          const NamedTensor &zeroPoint, QuantParams &params,
                          std::string &error,
                          std::optional<int64_t> fixedAxis = std::nullopt);

/// Parameters of a QONNX Quant node (scale and zero point broadcast against
/// the input; bit width, signed, narrow and rounding_mode).
bool getQonnxQuantParams(const onnx::NodeProto &node,
                         llvm::ArrayRef<int64_t> xShape,
                         const NamedTensor &scale, const NamedTensor &zeroPoint,
                         const NamedTensor &bitWidth, QuantParams &params,
                         std::string &error);

/// Checks one scale value: finite and positive. `what` names it.
bool checkScale(double scale, const std::string &what, std::string &error);

/// ONNX Runtime's QuantizeLinear: clamp(nearbyint(x / s) + z) in float32.
HostTensor quantizeLinear(const HostTensor &x, const QuantParams &params);
/// QONNX Quant's integer part: clamp(round_half_even(x / s + z)) in float32.
HostTensor quantizeQonnx(const HostTensor &x, const QuantParams &params);
/// s * (q - z) as ONNX Runtime computes it: float(q - z) * s in float32,
/// with `q`'s quantization remembered.
Constant dequantizeConstant(const HostTensor &q, const QuantParams &params);

/// Real-valued quantization of one value (for ranges): same arithmetic as
/// quantizeLinear.
int64_t quantizeValue(double x, double scale, int64_t zeroPoint, int64_t min,
                      int64_t max);

} // namespace qrcnn::onnx_import

#endif // QRCNN_LIB_IMPORT_QUANTIZATION_H
