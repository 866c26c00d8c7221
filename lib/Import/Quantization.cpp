//===- Quantization.cpp - ONNX quantization parameters --------------------===//
#include "Quantization.h"
#include "NodeAttributes.h"

// onnx_pb.h defines ONNX_API, then includes onnx-ml.pb.h (ONNX_ML=1).
#include <onnx/onnx_pb.h>

#include "llvm/Support/raw_ostream.h"

#include <cmath>
#include <limits>

using namespace llvm;

namespace qrcnn::onnx_import {

static std::string formatDouble(double v) { return formatNumber(v); }

bool checkScale(double scale, const std::string &what, std::string &error) {
  const char *rule = "; scales must be finite and positive";
  if (std::isnan(scale))
    error = what + " is NaN" + rule;
  else if (std::isinf(scale))
    error = what + " is " + (scale > 0 ? "+Inf" : "-Inf") + rule;
  else if (scale == 0.0)
    error = what + " is zero" + rule;
  else if (scale < 0.0)
    error = what + " is negative (" + formatDouble(scale) + ")" + rule;
  else if (scale < std::numeric_limits<float>::min())
    // Targets may flush float32 denormals to zero.
    error = what + " is denormal (" + formatDouble(scale) +
            "); scales must be normal float32 numbers (>= 1.17549435e-38)";
  else
    return true;
  return false;
}

static bool isQuantizeOutputType(int32_t type) {
  switch (type) {
  case dtype::kUint8: case dtype::kInt8: case dtype::kUint16:
  case dtype::kInt16: case dtype::kUint4: case dtype::kInt4:
    return true;
  default:
    return false;
  }
}

static StorageSpec storageOf(int32_t type) {
  StorageSpec s;
  s.bits = integerBits(type);
  s.isSigned = isSignedInteger(type);
  s.min = integerMin(type);
  s.max = integerMax(type);
  return s;
}

static std::string quoted(const std::string &name) {
  return name.empty() ? std::string() : " '" + name + "'";
}

bool getLinearQuantParams(const onnx::NodeProto &node, int64_t opset,
                          bool isQuantize, ArrayRef<int64_t> xShape,
                          int32_t xType, const NamedTensor &scaleIn,
                          const NamedTensor &zeroPointIn, QuantParams &params,
                          std::string &error,
                          std::optional<int64_t> fixedAxis) {
  NodeAttributes attrs(node);
  int64_t axis = fixedAxis ? *fixedAxis : attrs.getInt("axis", 1);
  int64_t blockSize = fixedAxis ? 0 : attrs.getInt("block_size", 0);
  int64_t outputDtype =
      isQuantize && !fixedAxis ? attrs.getInt("output_dtype", 0) : 0;
  if (!attrs.ok()) {
    error = attrs.error();
    return false;
  }
  if (blockSize != 0) {
    error = "blocked quantization (block_size " + std::to_string(blockSize) +
            ") is not supported";
    return false;
  }
  const HostTensor &scale = *scaleIn.tensor;
  const HostTensor *zp = zeroPointIn.tensor;
  std::string scaleWhat = "scale" + quoted(scaleIn.name);
  std::string zpWhat = "zero point" + quoted(zeroPointIn.name);
  if (!scale.isFloat()) {
    error = scaleWhat + " has element type " + dataTypeName(scale.type) +
            "; scales are floats";
    return false;
  }
  if (scale.rank() > 1) {
    error = scaleWhat + " has rank " + std::to_string(scale.rank()) +
            "; blocked quantization is not supported (scales are scalars or "
            "1-D per-axis vectors)";
    return false;
  }
  if (zp && zp->shape != scale.shape) {
    error = zpWhat + " has shape " + shapeToString(zp->shape) +
            " but the scale has shape " + shapeToString(scale.shape);
    return false;
  }

  int32_t container;
  if (isQuantize) {
    container = zp ? zp->type : (outputDtype ? outputDtype : dtype::kUint8);
    if (zp && outputDtype && zp->type != outputDtype) {
      error = "output_dtype " + dataTypeName(outputDtype) +
              " differs from the zero point's type " + dataTypeName(zp->type);
      return false;
    }
    if (!isQuantizeOutputType(container)) {
      error = "output type " + dataTypeName(container) +
              " is not a supported quantized type (UINT8, INT8, UINT16, "
              "INT16, UINT4, INT4)";
      return false;
    }
  } else {
    container = xType;
    if (zp && zp->type != xType) {
      error = zpWhat + " has type " + dataTypeName(zp->type) +
              " but the input has type " + dataTypeName(xType);
      return false;
    }
    if (!isQuantizeOutputType(container) && container != dtype::kInt32) {
      error = "input type " + dataTypeName(container) +
              " is not a supported quantized type (UINT8, INT8, UINT16, "
              "INT16, UINT4, INT4, INT32)";
      return false;
    }
  }
  (void)opset;

  params = QuantParams();
  params.containerType = container;
  params.storage = storageOf(container);
  int64_t count = scale.size();
  if (count == 0) {
    error = scaleWhat + " is empty";
    return false;
  }
  if (count > 1) {
    int64_t rank = static_cast<int64_t>(xShape.size());
    if (axis < -rank || axis >= rank) {
      error = "axis " + std::to_string(axis) + " is out of range for an input "
              "of rank " + std::to_string(rank);
      return false;
    }
    if (axis < 0)
      axis += rank;
    if (xShape[axis] != count) {
      error = scaleWhat + " has length " + std::to_string(count) +
              ", but the input's dimension " + std::to_string(axis) +
              " (the quantization axis) has size " +
              std::to_string(xShape[axis]);
      return false;
    }
    params.axis = axis;
  }
  for (int64_t i = 0; i < count; ++i) {
    double s = scale.floats[i];
    if (!checkScale(s, count > 1 ? scaleWhat + "[" + std::to_string(i) + "]"
                                 : scaleWhat,
                    error))
      return false;
    params.scales.push_back(s);
    int64_t z = zp ? zp->ints[i] : 0;
    if (z < params.storage.min || z > params.storage.max) {
      error = zpWhat + " " + std::to_string(z) + " is out of range for " +
              dataTypeName(container);
      return false;
    }
    if (container == dtype::kInt32 && z != 0) {
      error = zpWhat + " is " + std::to_string(z) +
              "; an INT32 input must have zero point 0";
      return false;
    }
    params.zeroPoints.push_back(z);
  }
  return true;
}

/// The one dimension along which `param` (broadcast against `xShape`)
/// varies: nullopt if it is a single value, -1 if it cannot be expressed as
/// per-tensor or per-axis.
static std::optional<int64_t> findBroadcastAxis(const HostTensor &param,
                                                ArrayRef<int64_t> xShape) {
  if (param.size() == 1)
    return std::nullopt;
  int64_t rank = static_cast<int64_t>(xShape.size());
  if (param.rank() > rank)
    return -1;
  int64_t offset = rank - param.rank();
  std::optional<int64_t> axis;
  for (int64_t d = 0; d < param.rank(); ++d) {
    if (param.shape[d] == 1)
      continue;
    if (axis || param.shape[d] != xShape[d + offset])
      return -1;
    axis = d + offset;
  }
  return axis;
}

bool getQonnxQuantParams(const onnx::NodeProto &node, ArrayRef<int64_t> xShape,
                         const NamedTensor &scaleIn,
                         const NamedTensor &zeroPointIn,
                         const NamedTensor &bitWidthIn, QuantParams &params,
                         std::string &error) {
  NodeAttributes attrs(node);
  int64_t isSigned = attrs.getInt("signed", 1);
  int64_t narrow = attrs.getInt("narrow", 0);
  std::string rounding = attrs.getString("rounding_mode", "ROUND");
  if (!attrs.ok()) {
    error = attrs.error();
    return false;
  }
  if (rounding != "ROUND" && rounding != "HALF_EVEN") {
    error = "rounding_mode '" + rounding +
            "' is not supported (only ROUND, i.e. round half to even)";
    return false;
  }
  const HostTensor &scale = *scaleIn.tensor, &zp = *zeroPointIn.tensor,
                   &bw = *bitWidthIn.tensor;
  std::string scaleWhat = "scale" + quoted(scaleIn.name);
  std::string zpWhat = "zero point" + quoted(zeroPointIn.name);
  if (bw.size() != 1) {
    error = "bitwidth" + quoted(bitWidthIn.name) + " must be a single value";
    return false;
  }
  double bits = bw.getDouble(0);
  if (bits != std::floor(bits) || bits < 1 || bits > 32) {
    error = "bitwidth " + formatDouble(bits) +
            " is not an integer between 1 and 32";
    return false;
  }
  if (bits == 1 && isSigned) {
    error = "bitwidth 1 with signed=1 (bipolar quantization) is not supported";
    return false;
  }
  params = QuantParams();
  params.isQonnx = true;
  params.storage.bits = static_cast<unsigned>(bits);
  params.storage.isSigned = isSigned != 0;
  if (params.storage.isSigned) {
    params.storage.min = -(int64_t(1) << (params.storage.bits - 1)) + (narrow ? 1 : 0);
    params.storage.max = (int64_t(1) << (params.storage.bits - 1)) - 1;
  } else {
    params.storage.min = 0;
    params.storage.max = (int64_t(1) << params.storage.bits) - 1 - (narrow ? 1 : 0);
  }
  params.containerType = dtype::kFloat;

  std::optional<int64_t> scaleAxis = findBroadcastAxis(scale, xShape);
  std::optional<int64_t> zpAxis = findBroadcastAxis(zp, xShape);
  if (scaleAxis && *scaleAxis < 0) {
    error = scaleWhat + " of shape " + shapeToString(scale.shape) +
            " is neither one value nor one value per slice along a single "
            "axis of the input " + shapeToString(xShape);
    return false;
  }
  if (zpAxis && (*zpAxis < 0 || (scaleAxis && *zpAxis != *scaleAxis) ||
                 !scaleAxis)) {
    error = zpWhat + " of shape " + shapeToString(zp.shape) +
            " does not follow the scale's per-tensor / per-axis layout";
    return false;
  }
  params.axis = scaleAxis;
  int64_t count = scale.size();
  for (int64_t i = 0; i < count; ++i) {
    double s = scale.getDouble(i);
    if (!checkScale(s, count > 1 ? scaleWhat + "[" + std::to_string(i) + "]"
                                 : scaleWhat,
                    error))
      return false;
    params.scales.push_back(s);
    double z = zp.getDouble(zp.size() == 1 ? 0 : i);
    if (z != std::floor(z) || z < params.storage.min || z > params.storage.max) {
      error = zpWhat + " " + formatDouble(z) +
              " is not an integer inside the quantized range [" +
              std::to_string(params.storage.min) + ", " +
              std::to_string(params.storage.max) + "]";
      return false;
    }
    params.zeroPoints.push_back(static_cast<int64_t>(z));
  }
  return true;
}

int64_t quantizeValue(double x, double scale, int64_t zeroPoint, int64_t min,
                      int64_t max) {
  float q = static_cast<float>(x) / static_cast<float>(scale);
  if (std::isnan(q))
    return std::clamp<int64_t>(zeroPoint, min, max);
  double r = std::nearbyint(static_cast<double>(q)) + static_cast<double>(zeroPoint);
  if (r < static_cast<double>(min))
    return min;
  if (r > static_cast<double>(max))
    return max;
  return static_cast<int64_t>(r);
}

/// Channel of flat element `i` along `axis` (0 when per tensor).
static std::vector<int64_t> channelIndices(ArrayRef<int64_t> shape,
                                           std::optional<int64_t> axis) {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  std::vector<int64_t> out(n, 0);
  if (!axis)
    return out;
  int64_t inner = 1;
  for (size_t d = *axis + 1; d < shape.size(); ++d)
    inner *= shape[d];
  int64_t dim = shape[*axis];
  for (int64_t i = 0; i < n; ++i)
    out[i] = (i / inner) % dim;
  return out;
}

HostTensor quantizeLinear(const HostTensor &x, const QuantParams &params) {
  HostTensor out(params.containerType, x.shape);
  std::vector<int64_t> channel = channelIndices(x.shape, params.axis);
  for (int64_t i = 0; i < x.size(); ++i)
    out.ints[i] = quantizeValue(x.getDouble(i), params.scaleAt(channel[i]),
                                params.zeroPointAt(channel[i]),
                                params.storage.min, params.storage.max);
  return out;
}

HostTensor quantizeQonnx(const HostTensor &x, const QuantParams &params) {
  HostTensor out(dtype::kInt64, x.shape);
  std::vector<int64_t> channel = channelIndices(x.shape, params.axis);
  for (int64_t i = 0; i < x.size(); ++i) {
    float v = static_cast<float>(x.getDouble(i)) /
              static_cast<float>(params.scaleAt(channel[i]));
    v = v + static_cast<float>(params.zeroPointAt(channel[i]));
    double r = std::isnan(v) ? static_cast<double>(params.zeroPointAt(channel[i]))
                             : std::nearbyint(static_cast<double>(v));
    r = std::clamp(r, static_cast<double>(params.storage.min),
                   static_cast<double>(params.storage.max));
    out.ints[i] = static_cast<int64_t>(r);
  }
  return out;
}

Constant dequantizeConstant(const HostTensor &q, const QuantParams &params) {
  Constant c;
  c.value = HostTensor(dtype::kFloat, q.shape);
  std::vector<int64_t> channel = channelIndices(q.shape, params.axis);
  for (int64_t i = 0; i < q.size(); ++i) {
    float diff = static_cast<float>(q.ints[i] - params.zeroPointAt(channel[i]));
    c.value.floats[i] = diff * static_cast<float>(params.scaleAt(channel[i]));
  }
  QuantOrigin origin;
  origin.q = q;
  origin.scales = params.scales;
  origin.zeroPoints = params.zeroPoints;
  origin.axis = params.axis;
  origin.storage = params.storage;
  c.quant = std::move(origin);
  return c;
}

} // namespace qrcnn::onnx_import
