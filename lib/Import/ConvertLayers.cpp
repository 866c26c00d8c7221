//===- ConvertLayers.cpp - ONNX float ops to qnn --------------------------===//
//
// Conv, pools, Gemm/MatMul, BatchNormalization, Add/Sub/Mul, activations,
// shape ops, Transpose, Softmax, ArgMax, Identity/Dropout, Shape/Size, Cast.
// Weights must be compile-time constants; BatchNormalization and a constant
// Add after a conv or dense fold into its constants when nothing else reads
// the layer's output.
//
//===----------------------------------------------------------------------===//
#include "ConstantFolder.h"
#include "Importer.h"
#include "NodeAttributes.h"

#include "qrcnn/Dialect/QNN/QNNOps.h"
#include "qrcnn/Dialect/QNN/QuantTypeUtils.h"

// onnx_pb.h defines ONNX_API, then includes onnx-ml.pb.h (ONNX_ML=1).
#include <onnx/onnx_pb.h>

#include <cmath>

using namespace mlir;
using namespace mlir::quant;

namespace qrcnn::onnx_import {

namespace {

std::string listToString(ArrayRef<int64_t> v) {
  std::string s = "[";
  for (size_t i = 0; i < v.size(); ++i)
    s += (i ? "," : "") + std::to_string(v[i]);
  return s + "]";
}

float f32(double v) { return static_cast<float>(v); }

/// Multiplies a constant by `factor`: floats in float32; a quantized
/// constant keeps its integers and scales its scales (factor > 0).
std::optional<Constant> scaleConstant(const Constant &c, double factor) {
  Constant out = c;
  for (double &v : out.value.floats)
    v = f32(f32(v) * f32(factor));
  if (c.quant) {
    if (!(factor > 0))
      return std::nullopt;
    for (double &s : out.quant->scales)
      s *= factor;
  }
  return out;
}

/// `c` as a vector of `n` values (a bias): from [n], [1,n], [n,1], ... or a
/// single value repeated. std::nullopt if it has another layout.
std::optional<Constant> asVector(const Constant &c, int64_t n) {
  if (c.value.size() == n) {
    for (int64_t d : c.value.shape)
      if (d != 1 && d != n)
        return std::nullopt;
    return reshapeConstant(c, {n});
  }
  if (c.value.size() != 1)
    return std::nullopt;
  std::optional<Constant> one = reshapeConstant(c, {1});
  if (!one)
    return std::nullopt;
  Constant out;
  out.value = HostTensor(one->value.type, {n});
  for (int64_t i = 0; i < n; ++i) {
    if (out.value.isFloat())
      out.value.floats[i] = one->value.floats[0];
    else
      out.value.ints[i] = one->value.ints[0];
  }
  if (one->quant) {
    out.quant = *one->quant;
    out.quant->q = HostTensor(one->quant->q.type, {n});
    std::fill(out.quant->q.ints.begin(), out.quant->q.ints.end(),
              one->quant->q.ints[0]);
  }
  return out;
}

/// True if constant `c` (right-aligned against rank `rank`) varies at most
/// along `axis`, with size 1 or `channels` there.
bool isPerChannel(const HostTensor &c, int64_t rank, int64_t axis,
                  int64_t channels) {
  if (c.rank() > rank)
    return false;
  int64_t offset = rank - c.rank();
  for (int64_t d = 0; d < c.rank(); ++d) {
    int64_t size = c.shape[d];
    if (d + offset == axis ? (size != 1 && size != channels) : size != 1)
      return false;
  }
  return true;
}

/// The stored-integer bounds [qlo, qhi] equivalent to clamping the
/// dequantized values of the per-tensor quantized `q` to [lo, hi], when the
/// real bounds are exactly representable on its grid (or outside its range).
std::optional<std::pair<int64_t, int64_t>> getGridBounds(Value q, double lo,
                                                         double hi) {
  auto type = dyn_cast<UniformQuantizedType>(
      cast<RankedTensorType>(q.getType()).getElementType());
  if (!type)
    return std::nullopt;
  float scale = f32(type.getScale());
  int64_t zp = type.getZeroPoint();
  int64_t min = type.getStorageTypeMin(), max = type.getStorageTypeMax();
  // Dequantization as ONNX Runtime computes it: float(q - z) * s.
  auto real = [&](int64_t v) {
    return static_cast<double>(static_cast<float>(v - zp) * scale);
  };
  auto toGrid = [&](double bound, int64_t outside) -> std::optional<int64_t> {
    if (std::isinf(bound))
      return outside;
    double k = std::nearbyint(bound / scale) + static_cast<double>(zp);
    // Written so that a NaN bound (a Clip to NaN) fails too: converting
    // NaN to an integer is undefined behaviour.
    if (!(k >= static_cast<double>(min) && k <= static_cast<double>(max)))
      return std::nullopt;
    if (real(static_cast<int64_t>(k)) != bound)
      return std::nullopt;
    return static_cast<int64_t>(k);
  };
  std::optional<int64_t> qlo =
      lo <= real(min) ? std::optional<int64_t>(min) : toGrid(lo, min);
  std::optional<int64_t> qhi =
      hi >= real(max) ? std::optional<int64_t>(max) : toGrid(hi, max);
  if (!qlo || !qhi || *qlo > *qhi)
    return std::nullopt;
  return std::make_pair(*qlo, *qhi);
}

} // namespace

//===----------------------------------------------------------------------===//
// Conv
//===----------------------------------------------------------------------===//

LogicalResult Importer::getConvGeometry(const onnx::NodeProto &node,
                                        ArrayRef<int64_t> xShape,
                                        ArrayRef<int64_t> wShape,
                                        WindowGeometry &g, int64_t &group) {
  NodeAttributes attrs(node);
  auto kernelShape = attrs.getInts("kernel_shape");
  auto strides = attrs.getInts("strides");
  auto pads = attrs.getInts("pads");
  auto dilations = attrs.getInts("dilations");
  group = attrs.getInt("group", 1);
  std::string autoPad = attrs.getString("auto_pad", "NOTSET");
  if (!attrs.ok())
    return nodeError(node) << attrs.error();
  int64_t rank = xShape.size();
  if (rank != 3 && rank != 4)
    return nodeError(node) << "only 1-D (NCW) and 2-D (NCHW) convolutions are "
                              "supported; the input has rank "
                           << rank;
  if (static_cast<int64_t>(wShape.size()) != rank)
    return nodeError(node) << "the weights have shape "
                           << shapeToString(wShape)
                           << " (rank " << wShape.size()
                           << ") but the input has rank " << rank;
  if (group < 1)
    return nodeError(node) << "group " << group << " must be >= 1";
  int64_t channels = xShape[1], outChannels = wShape[0];
  if (outChannels % group != 0)
    return nodeError(node) << "group " << group << " does not divide the "
                           << outChannels << " output channels";
  if (wShape[1] * group != channels)
    return nodeError(node) << "weights expect " << wShape[1] * group
                           << " input channels, the input has " << channels;
  ArrayRef<int64_t> kernel = wShape.drop_front(2);
  if (kernelShape && ArrayRef<int64_t>(*kernelShape) != kernel)
    return nodeError(node) << "kernel_shape " << listToString(*kernelShape)
                           << " differs from the weights' kernel "
                           << listToString(kernel);
  std::string error;
  if (!computeWindow(xShape.drop_front(2), kernel, strides, pads, dilations,
                     autoPad, /*ceilMode=*/false, g, error))
    return nodeError(node) << error;
  return success();
}

namespace {
/// A conv's or dense's constant operands as values.
struct LayerConstants {
  Value weight;
  Value bias; // null when the layer has none
};
} // namespace

/// Materializes the weights and the optional bias of a conv or dense; the
/// bias must hold one value per output channel.
static FailureOr<LayerConstants>
materializeLayerConstants(Importer &importer, const onnx::NodeProto &node,
                          const Constant &weight, StringRef weightName,
                          const Constant *bias, StringRef biasName,
                          int64_t outChannels) {
  LayerConstants out;
  FailureOr<Value> w =
      importer.materialize(weight, importer.tensorLoc(weightName), &node);
  if (failed(w))
    return failure();
  out.weight = *w;
  if (!bias)
    return out;
  if (bias->value.rank() != 1 || bias->value.shape[0] != outChannels)
    return importer.nodeError(node)
           << "the bias '" << biasName.str() << "' has shape "
           << shapeToString(bias->value.shape) << "; expected " << outChannels
           << " (one per output channel)";
  FailureOr<Value> b =
      importer.materialize(*bias, importer.tensorLoc(biasName), &node);
  if (failed(b))
    return failure();
  out.bias = *b;
  return out;
}

FailureOr<Value> Importer::emitConv(const onnx::NodeProto &node, Value x,
                                    std::shared_ptr<const Constant> weight,
                                    StringRef weightName,
                                    std::shared_ptr<const Constant> bias,
                                    StringRef biasName) {
  ArrayRef<int64_t> xShape = shapeOf(x);
  WindowGeometry g;
  int64_t group;
  if (failed(getConvGeometry(node, xShape, weight->value.shape, g, group)))
    return failure();
  int64_t outChannels = weight->value.shape[0];
  FailureOr<LayerConstants> wb = materializeLayerConstants(
      *this, node, *weight, weightName, bias.get(), biasName, outChannels);
  if (failed(wb))
    return failure();
  SmallVector<int64_t> shape = {xShape[0], outChannels};
  shape.append(g.outSizes.begin(), g.outSizes.end());
  auto conv = builder.create<qnn::ConvOp>(
      nodeLoc(node), f32Tensor(shape), x, wb->weight, wb->bias, g.strides,
      g.pads, g.dilations, static_cast<uint64_t>(group), IntegerAttr());
  layers[conv.getResult()] = LayerRecord{conv, weight, bias, 1};
  return conv.getResult();
}

LogicalResult Importer::convertConv(const onnx::NodeProto &node, Inputs &in) {
  if (in.size() < 2 || !in[1].present())
    return nodeError(node) << "needs a weight input (inputs: X, W, optional B)";
  FailureOr<Value> x = getFloatValue(node, in[0], "input");
  if (failed(x))
    return failure();
  FailureOr<std::shared_ptr<const Constant>> w =
      getConstant(node, in[1], "weight");
  if (failed(w))
    return failure();
  FailureOr<std::shared_ptr<const Constant>> b =
      getOptionalConstant(node, in, 2, "bias");
  if (failed(b))
    return failure();
  FailureOr<Value> conv =
      emitConv(node, *x, *w, in[1].name, *b, in.size() > 2 ? in[2].name : "");
  if (failed(conv))
    return failure();
  setOutputValue(node, 0, *conv, dtype::kFloat);
  return success();
}

//===----------------------------------------------------------------------===//
// Pools
//===----------------------------------------------------------------------===//

LogicalResult Importer::convertPool(const onnx::NodeProto &node, Inputs &in) {
  StringRef op = node.op_type();
  bool isMax = op == "MaxPool" || op == "GlobalMaxPool";
  bool global = op.starts_with("Global");
  if (in.empty() || !in[0].present())
    return nodeError(node) << "needs an input";
  Value x;
  if (isMax && in[0].value && isQuantizedValue(in[0].value)) {
    if (!getUniformType(in[0].value))
      return nodeError(node) << "max pooling of a per-axis quantized tensor is "
                                "not supported";
    x = in[0].value;
  } else {
    FailureOr<Value> fx = getFloatValue(node, in[0], "input");
    if (failed(fx))
      return failure();
    x = *fx;
  }
  ArrayRef<int64_t> xShape = shapeOf(x);
  int64_t rank = xShape.size();
  if (rank != 3 && rank != 4)
    return nodeError(node) << "only 1-D (NCW) and 2-D (NCHW) pooling is "
                              "supported; the input has rank "
                           << rank;
  if (node.output_size() > 1 && !node.output(1).empty() &&
      getUseCount(node.output(1)) > 0)
    return nodeError(node) << "the Indices output is not supported";
  NodeAttributes attrs(node);
  WindowGeometry g;
  bool countIncludePad = false;
  std::string error;
  if (global) {
    SmallVector<int64_t> kernel(xShape.drop_front(2));
    if (!computeWindow(xShape.drop_front(2), kernel, std::nullopt,
                       std::nullopt, std::nullopt, "NOTSET", false, g, error))
      return nodeError(node) << error;
  } else {
    auto kernel = attrs.getInts("kernel_shape");
    auto strides = attrs.getInts("strides");
    auto pads = attrs.getInts("pads");
    auto dilations = attrs.getInts("dilations");
    std::string autoPad = attrs.getString("auto_pad", "NOTSET");
    bool ceilMode = attrs.getInt("ceil_mode", 0) != 0;
    countIncludePad = attrs.getInt("count_include_pad", 0) != 0;
    int64_t storageOrder = attrs.getInt("storage_order", 0);
    if (!attrs.ok())
      return nodeError(node) << attrs.error();
    if (!kernel)
      return nodeError(node) << "needs the kernel_shape attribute";
    if (storageOrder != 0 && storageOrder != 1)
      return nodeError(node) << "storage_order must be 0 or 1";
    if (!isMax && dilations &&
        llvm::any_of(*dilations, [](int64_t d) { return d != 1; }))
      return nodeError(node) << "AveragePool with dilations "
                             << listToString(*dilations)
                             << " is not supported";
    if (!computeWindow(xShape.drop_front(2), *kernel, strides, pads,
                       isMax ? dilations : std::nullopt, autoPad, ceilMode, g,
                       error))
      return nodeError(node) << error;
    if (!isMax && g.ceilExtended && countIncludePad) {
      // ONNX Runtime counts the explicit pads but not the ceil extension;
      // with no explicit pads both counts are the in-bounds count.
      bool explicitPads = pads && llvm::any_of(*pads, [](int64_t p) {
                            return p != 0;
                          });
      if (explicitPads)
        return nodeError(node) << "ceil_mode with count_include_pad=1 and "
                                  "explicit pads is not supported";
      countIncludePad = false;
    }
  }
  SmallVector<int64_t> shape = {xShape[0], xShape[1]};
  shape.append(g.outSizes.begin(), g.outSizes.end());
  auto type = cast<RankedTensorType>(x.getType()).clone(shape);
  Value result;
  if (isMax)
    result = builder.create<qnn::MaxPoolOp>(nodeLoc(node), type, x, g.kernel,
                                            g.strides, g.pads, g.dilations);
  else
    result = builder.create<qnn::AvgPoolOp>(nodeLoc(node), type, x, g.kernel,
                                            g.strides, g.pads,
                                            countIncludePad);
  if (std::optional<Interval> i = getInterval(x)) {
    bool padsCount = countIncludePad &&
                     llvm::any_of(g.pads, [](int64_t p) { return p != 0; });
    setInterval(result, padsCount ? Interval{std::min(i->lo, 0.0),
                                             std::max(i->hi, 0.0)}
                                  : *i);
  }
  setOutputValue(node, 0, result, in[0].onnxType);
  return success();
}

//===----------------------------------------------------------------------===//
// Gemm / MatMul
//===----------------------------------------------------------------------===//

FailureOr<Value> Importer::emitDense(const onnx::NodeProto &node, Value a,
                                     std::shared_ptr<const Constant> weight,
                                     StringRef weightName,
                                     std::shared_ptr<const Constant> bias,
                                     StringRef biasName) {
  ArrayRef<int64_t> aShape = shapeOf(a);
  int64_t n = weight->value.shape[0], k = weight->value.shape[1];
  if (aShape.back() != k)
    return nodeError(node) << "the input has shape " << shapeToString(aShape)
                           << " (" << aShape.back()
                           << " features) but the weights expect " << k;
  FailureOr<LayerConstants> wb = materializeLayerConstants(
      *this, node, *weight, weightName, bias.get(), biasName, n);
  if (failed(wb))
    return failure();
  Location loc = nodeLoc(node);
  int64_t rows = 1;
  for (int64_t d : aShape.drop_back())
    rows *= d;
  Value flat = reshape(a, {rows, k}, loc);
  auto dense = builder.create<qnn::DenseOp>(loc, f32Tensor({rows, n}), flat,
                                            wb->weight, wb->bias,
                                            IntegerAttr());
  SmallVector<int64_t> shape(aShape.drop_back());
  shape.push_back(n);
  Value result = reshape(dense, shape, loc);
  layers[result] = LayerRecord{dense, weight, bias,
                               static_cast<int64_t>(shape.size()) - 1};
  return result;
}

LogicalResult Importer::convertGemm(const onnx::NodeProto &node, Inputs &in) {
  NodeAttributes attrs(node);
  double alpha = attrs.getFloat("alpha", 1.0), beta = attrs.getFloat("beta", 1.0);
  bool transA = attrs.getInt("transA", 0) != 0;
  bool transB = attrs.getInt("transB", 0) != 0;
  if (!attrs.ok())
    return nodeError(node) << attrs.error();
  if (in.size() < 2)
    return nodeError(node) << "needs inputs A and B";
  FailureOr<Value> a = getFloatValue(node, in[0], "input A");
  if (failed(a))
    return failure();
  if (!in[1].constant && in[1].present())
    return nodeError(node) << "B '" << in[1].name
                           << "' is computed at run time; Gemm needs constant "
                              "weights (an initializer or computed from "
                              "initializers)";
  FailureOr<std::shared_ptr<const Constant>> b =
      getConstant(node, in[1], "weight B");
  if (failed(b))
    return failure();
  ArrayRef<int64_t> aShape = shapeOf(*a);
  const HostTensor &bt = (*b)->value;
  if (aShape.size() != 2 || bt.rank() != 2)
    return nodeError(node) << "A and B must be 2-D, got "
                           << shapeToString(aShape) << " and "
                           << shapeToString(bt.shape);
  Location loc = nodeLoc(node);
  Value lhs = *a;
  if (transA) {
    auto type = f32Tensor({aShape[1], aShape[0]});
    Value t = builder.create<qnn::TransposeOp>(loc, type, lhs,
                                               ArrayRef<int64_t>{1, 0});
    lhs = t;
  }
  auto weight = std::make_shared<Constant>(
      transB ? Constant(**b) : transposeConstant(**b, {1, 0}));
  int64_t k = shapeOf(lhs)[1];
  if (weight->value.shape[1] != k)
    return nodeError(node) << "A is " << shapeToString(aShape)
                           << (transA ? " (transA=1)" : "") << " and B is "
                           << shapeToString(bt.shape)
                           << (transB ? " (transB=1)" : "")
                           << ": the inner dimensions " << k << " and "
                           << weight->value.shape[1] << " differ";
  if (alpha != 1.0) {
    std::optional<Constant> scaled = scaleConstant(*weight, alpha);
    if (!scaled)
      return nodeError(node) << "alpha " << formatNumber(alpha)
                             << " <= 0 with quantized B is not supported";
    weight = std::make_shared<Constant>(std::move(*scaled));
  }
  int64_t n = weight->value.shape[0];
  std::shared_ptr<const Constant> bias;
  Value addend;
  if (in.size() > 2 && in[2].present() && beta != 0.0) {
    if (in[2].constant) {
      std::optional<Constant> c = beta == 1.0
                                      ? std::optional<Constant>(*in[2].constant)
                                      : scaleConstant(*in[2].constant, beta);
      if (!c)
        return nodeError(node) << "beta " << formatNumber(beta)
                               << " <= 0 with a quantized C is not supported";
      if (std::optional<Constant> vec = asVector(*c, n);
          vec && (c->value.rank() <= 1 ||
                  (c->value.rank() == 2 && c->value.shape[0] == 1))) {
        bias = std::make_shared<Constant>(std::move(*vec));
      } else {
        FailureOr<Value> cv = materialize(*c, tensorLoc(in[2].name), &node);
        if (failed(cv))
          return failure();
        addend = *cv;
      }
    } else {
      if (beta != 1.0)
        return nodeError(node) << "a run-time C with beta != 1 is not "
                                  "supported";
      FailureOr<Value> cv = getFloatValue(node, in[2], "C");
      if (failed(cv))
        return failure();
      addend = *cv;
    }
  }
  FailureOr<Value> dense = emitDense(node, lhs, weight, in[1].name, bias,
                                     in.size() > 2 ? in[2].name : "");
  if (failed(dense))
    return failure();
  Value result = *dense;
  if (addend) {
    std::optional<SmallVector<int64_t>> shape =
        broadcastShapes(shapeOf(result), shapeOf(addend));
    if (!shape || ArrayRef<int64_t>(*shape) != shapeOf(result))
      return nodeError(node) << "C of shape "
                             << shapeToString(shapeOf(addend))
                             << " does not broadcast to the result "
                             << shapeToString(shapeOf(result));
    result = builder.create<qnn::AddOp>(loc, f32Tensor(*shape), result, addend);
  }
  setOutputValue(node, 0, result, dtype::kFloat);
  return success();
}

LogicalResult Importer::convertMatMul(const onnx::NodeProto &node, Inputs &in) {
  if (in.size() != 2)
    return nodeError(node) << "needs two inputs";
  FailureOr<Value> a = getFloatValue(node, in[0], "input A");
  if (failed(a))
    return failure();
  if (!in[1].constant)
    return nodeError(node) << "B '" << in[1].name
                           << "' is computed at run time; MatMul needs "
                              "constant weights (an initializer or computed "
                              "from initializers)";
  const HostTensor &bt = in[1].constant->value;
  ArrayRef<int64_t> aShape = shapeOf(*a);
  if (aShape.size() < 2 || bt.rank() != 2)
    return nodeError(node) << "needs A of rank >= 2 and a 2-D B, got "
                           << shapeToString(aShape) << " and "
                           << shapeToString(bt.shape);
  if (aShape.back() != bt.shape[0])
    return nodeError(node) << "A is " << shapeToString(aShape) << " and B is "
                           << shapeToString(bt.shape)
                           << ": the inner dimensions " << aShape.back()
                           << " and " << bt.shape[0] << " differ";
  auto weight =
      std::make_shared<Constant>(transposeConstant(*in[1].constant, {1, 0}));
  FailureOr<Value> dense =
      emitDense(node, *a, weight, in[1].name, nullptr, "");
  if (failed(dense))
    return failure();
  setOutputValue(node, 0, *dense, dtype::kFloat);
  return success();
}

//===----------------------------------------------------------------------===//
// BatchNormalization
//===----------------------------------------------------------------------===//

LogicalResult Importer::convertBatchNorm(const onnx::NodeProto &node,
                                         Inputs &in) {
  NodeAttributes attrs(node);
  double epsilon = attrs.getFloat("epsilon", 1e-5);
  int64_t training = attrs.getInt("training_mode", 0);
  if (!attrs.ok())
    return nodeError(node) << attrs.error();
  if (training)
    return nodeError(node) << "training_mode=1 is not supported (inference "
                              "only)";
  for (int i = 1; i < node.output_size(); ++i)
    if (!node.output(i).empty() && getUseCount(node.output(i)) > 0)
      return nodeError(node) << "the running statistics outputs are not "
                                "supported (inference only)";
  if (in.size() != 5)
    return nodeError(node) << "needs inputs X, scale, B, mean and var";
  FailureOr<Value> x = getFloatValue(node, in[0], "input");
  if (failed(x))
    return failure();
  ArrayRef<int64_t> xShape = shapeOf(*x);
  if (xShape.size() < 2)
    return nodeError(node) << "needs an input of rank >= 2 (N, C, ...)";
  int64_t channels = xShape[1];
  const char *roles[] = {"scale", "B", "mean", "var"};
  std::vector<double> params[4];
  for (int k = 0; k < 4; ++k) {
    FailureOr<std::shared_ptr<const Constant>> c =
        getConstant(node, in[k + 1], roles[k]);
    if (failed(c))
      return failure();
    const HostTensor &t = (*c)->value;
    if (t.type != dtype::kFloat || t.size() != channels)
      return nodeError(node) << "the " << roles[k] << " '" << in[k + 1].name
                             << "' must hold " << channels
                             << " FLOAT values (one per channel), it has shape "
                             << shapeToString(t.shape);
    params[k] = t.floats;
  }
  // As ONNX Runtime's Conv+BatchNormalization fusion, in float32:
  // factor = scale / sqrt(var + eps); W' = W * factor;
  // b' = (b - mean) * factor + B.
  std::vector<float> factor(channels), shift(channels);
  for (int64_t c = 0; c < channels; ++c) {
    float denom = std::sqrt(f32(params[3][c]) + f32(epsilon));
    factor[c] = f32(params[0][c]) / denom;
    shift[c] = f32(params[1][c]) - f32(params[2][c]) * factor[c];
  }
  Location loc = nodeLoc(node);
  auto record = layers.find(*x);
  if (record != layers.end() && isa<qnn::ConvOp>(record->second.layer) &&
      !record->second.weight->quant &&
      (!record->second.bias || !record->second.bias->quant) &&
      getUseCount(in[0].name) == 1 && !isGraphOutput(in[0].name)) {
    LayerRecord &layer = record->second;
    auto conv = cast<qnn::ConvOp>(layer.layer);
    auto weight = std::make_shared<Constant>(*layer.weight);
    int64_t perChannel = weight->value.size() / channels;
    for (int64_t i = 0; i < weight->value.size(); ++i)
      weight->value.floats[i] =
          f32(weight->value.floats[i]) * factor[i / perChannel];
    auto bias = std::make_shared<Constant>();
    bias->value = HostTensor(dtype::kFloat, {channels});
    for (int64_t c = 0; c < channels; ++c) {
      float b = layer.bias ? f32(layer.bias->value.floats[c]) : 0.0f;
      bias->value.floats[c] =
          (b - f32(params[2][c])) * factor[c] + f32(params[1][c]);
    }
    FailureOr<Value> w = materialize(*weight, loc, &node);
    FailureOr<Value> b = materialize(*bias, loc, &node);
    if (failed(w) || failed(b))
      return failure();
    conv.getWeightMutable().assign(*w);
    conv.getBiasMutable().assign(*b);
    layer.weight = weight;
    layer.bias = bias;
    setOutputValue(node, 0, *x, dtype::kFloat);
    return success();
  }
  // Not after a conv we can change: y = x * factor + shift per channel.
  SmallVector<int64_t> paramShape = {channels};
  paramShape.append(xShape.size() - 2, 1);
  Constant factorConst, shiftConst;
  factorConst.value = HostTensor(dtype::kFloat, paramShape);
  shiftConst.value = HostTensor(dtype::kFloat, paramShape);
  for (int64_t c = 0; c < channels; ++c) {
    factorConst.value.floats[c] = factor[c];
    shiftConst.value.floats[c] = shift[c];
  }
  FailureOr<Value> f = materialize(factorConst, loc, &node);
  FailureOr<Value> s = materialize(shiftConst, loc, &node);
  if (failed(f) || failed(s))
    return failure();
  Value scaled = builder.create<qnn::MulOp>(loc, x->getType(), *x, *f);
  Value result = builder.create<qnn::AddOp>(loc, x->getType(), scaled, *s);
  setOutputValue(node, 0, result, dtype::kFloat);
  return success();
}

//===----------------------------------------------------------------------===//
// Add / Sub / Mul
//===----------------------------------------------------------------------===//

LogicalResult Importer::convertAddSubMul(const onnx::NodeProto &node,
                                         Inputs &in) {
  StringRef op = node.op_type();
  if (in.size() != 2 || !in[0].present() || !in[1].present())
    return nodeError(node) << "needs two inputs";
  Location loc = nodeLoc(node);
  bool lhsConst = static_cast<bool>(in[0].constant);
  bool rhsConst = static_cast<bool>(in[1].constant);
  std::shared_ptr<const Constant> rhsConstant = in[1].constant;
  if (op == "Sub") {
    if (!rhsConst)
      return nodeError(node) << "subtracting a run-time tensor ('"
                             << in[1].name
                             << "') is not supported; only constants";
    std::optional<Constant> negated = scaleConstant(*rhsConstant, -1.0);
    if (!negated)
      return nodeError(node) << "subtracting a quantized constant is not "
                                "supported";
    rhsConstant = std::make_shared<Constant>(std::move(*negated));
  }
  // A constant added to a conv / dense output becomes its bias.
  if (op != "Mul" && (lhsConst != rhsConst)) {
    const Entry &runtime = lhsConst ? in[1] : in[0];
    std::shared_ptr<const Constant> c = lhsConst ? in[0].constant : rhsConstant;
    auto record = runtime.value ? layers.find(runtime.value) : layers.end();
    if (record != layers.end() && !record->second.bias &&
        getUseCount(runtime.name) == 1 && !isGraphOutput(runtime.name)) {
      LayerRecord &layer = record->second;
      int64_t rank = shapeOf(runtime.value).size();
      int64_t channels = shapeOf(runtime.value)[layer.channelAxis];
      std::optional<Constant> vec;
      if (isPerChannel(c->value, rank, layer.channelAxis, channels) &&
          c->value.type == dtype::kFloat)
        vec = asVector(*c, channels);
      if (vec) {
        auto bias = std::make_shared<Constant>(std::move(*vec));
        FailureOr<Value> b = materialize(*bias, tensorLoc(in[lhsConst ? 0 : 1].name), &node);
        if (failed(b))
          return failure();
        if (auto conv = dyn_cast<qnn::ConvOp>(layer.layer))
          conv.getBiasMutable().assign(*b);
        else
          cast<qnn::DenseOp>(layer.layer).getBiasMutable().assign(*b);
        layer.bias = bias;
        setOutputValue(node, 0, runtime.value, dtype::kFloat);
        return success();
      }
    }
  }
  Value operands[2];
  for (int k = 0; k < 2; ++k) {
    if (k == 1 && rhsConst) {
      FailureOr<Value> v = materialize(*rhsConstant, tensorLoc(in[1].name), &node);
      if (failed(v))
        return failure();
      operands[k] = *v;
      continue;
    }
    FailureOr<Value> v = getFloatValue(node, in[k], k ? "second operand" : "first operand");
    if (failed(v))
      return failure();
    operands[k] = *v;
  }
  std::optional<SmallVector<int64_t>> shape =
      broadcastShapes(shapeOf(operands[0]), shapeOf(operands[1]));
  if (!shape)
    return nodeError(node) << "shapes " << shapeToString(shapeOf(operands[0]))
                           << " and " << shapeToString(shapeOf(operands[1]))
                           << " do not broadcast";
  Value result;
  if (op == "Mul")
    result = builder.create<qnn::MulOp>(loc, f32Tensor(*shape), operands[0],
                                        operands[1]);
  else
    result = builder.create<qnn::AddOp>(loc, f32Tensor(*shape), operands[0],
                                        operands[1]);
  setOutputValue(node, 0, result, dtype::kFloat);
  return success();
}

//===----------------------------------------------------------------------===//
// Activations
//===----------------------------------------------------------------------===//

FailureOr<Value> Importer::emitClamp(const onnx::NodeProto &node, Value x,
                                     double lo, double hi) {
  Location loc = nodeLoc(node);
  if (std::isnan(lo) || std::isnan(hi) || lo > hi)
    return nodeError(node) << "needs min <= max, got [" << formatNumber(lo)
                           << ", " << formatNumber(hi) << "]";
  Type type = x.getType();
  if (isQuantizedValue(x)) {
    UniformQuantizedType q = getUniformType(x);
    if (!q)
      return nodeError(node) << "clamping a per-axis quantized tensor is not "
                                "supported";
    if ((std::isfinite(lo) && lo != std::floor(lo)) ||
        (std::isfinite(hi) && hi != std::floor(hi)))
      return nodeError(node) << "bounds on quantized values must be integers";
    auto [newMin, newMax] = qnn::getClampedStorageRange(q, lo, hi);
    if (newMin > newMax)
      return nodeError(node) << "the range [" << formatNumber(lo) << ", "
                             << formatNumber(hi)
                             << "] does not intersect the quantized range ["
                             << q.getStorageTypeMin() << ", "
                             << q.getStorageTypeMax() << "]";
    auto narrowed = UniformQuantizedType::get(
        q.getFlags(), q.getStorageType(), q.getExpressedType(), q.getScale(),
        q.getZeroPoint(), newMin, newMax);
    type = cast<RankedTensorType>(type).clone(narrowed);
  }
  Value result = builder.create<qnn::ClampOp>(loc, type, x, APFloat(lo),
                                              APFloat(hi));
  if (!isQuantizedValue(x)) {
    Interval i = getInterval(x).value_or(Interval{-INFINITY, INFINITY});
    setInterval(result, {std::max(i.lo, lo), std::min(i.hi, hi)});
  }
  return result;
}

LogicalResult Importer::convertActivation(const onnx::NodeProto &node,
                                          Inputs &in) {
  StringRef op = node.op_type();
  if (in.empty() || !in[0].present())
    return nodeError(node) << "needs an input";
  Value x;
  bool quantized = in[0].value && isQuantizedValue(in[0].value);
  if (quantized && op != "LeakyRelu") {
    x = in[0].value;
  } else {
    FailureOr<Value> fx = getFloatValue(node, in[0], "input");
    if (failed(fx))
      return failure();
    x = *fx;
  }
  NodeAttributes attrs(node);
  if (op == "LeakyRelu") {
    double alpha = attrs.getFloat("alpha", 0.01);
    if (!attrs.ok())
      return nodeError(node) << attrs.error();
    Value result = builder.create<qnn::LeakyReluOp>(
        nodeLoc(node), x.getType(), x, APFloat(static_cast<double>(f32(alpha))));
    setOutputValue(node, 0, result, dtype::kFloat);
    return success();
  }
  double lo = -INFINITY, hi = INFINITY;
  if (op == "Relu") {
    lo = 0.0;
    if (quantized)
      hi = static_cast<double>(getUniformType(x)
                                   ? getUniformType(x).getStorageTypeMax()
                                   : INFINITY);
  } else if (opsetOf(node) < 11) {
    lo = attrs.getFloat("min", -INFINITY);
    hi = attrs.getFloat("max", INFINITY);
    if (!attrs.ok())
      return nodeError(node) << attrs.error();
  } else {
    for (size_t k : {1, 2}) {
      if (k >= in.size() || !in[k].present())
        continue;
      const char *role = k == 1 ? "min" : "max";
      FailureOr<std::shared_ptr<const Constant>> c =
          getConstant(node, in[k], role);
      if (failed(c))
        return failure();
      const HostTensor &t = (*c)->value;
      if (t.size() != 1)
        return nodeError(node) << "the " << role << " '" << in[k].name
                               << "' must be a single value";
      if (t.type != in[0].onnxType)
        return nodeError(node) << "the " << role << " '" << in[k].name
                               << "' has type " << dataTypeName(t.type)
                               << " but the input has type "
                               << dataTypeName(in[0].onnxType);
      (k == 1 ? lo : hi) = t.getDouble(0);
    }
  }
  // A float clamp right after a dequantize, with bounds on the integer grid
  // (Relu, or Clip(0, 15 * s) as exporters write a 4-bit range), is the same
  // clamp on the stored integers: emit it there so the type shows the range.
  if (!quantized) {
    if (auto dq = x.getDefiningOp<qnn::DequantizeOp>()) {
      if (std::optional<std::pair<int64_t, int64_t>> bounds =
              getGridBounds(dq.getInput(), lo, hi)) {
        FailureOr<Value> clamped = emitClamp(
            node, dq.getInput(), static_cast<double>(bounds->first),
            static_cast<double>(bounds->second));
        if (failed(clamped))
          return failure();
        setOutputValue(node, 0, emitDequantize(*clamped, nodeLoc(node)),
                       dtype::kFloat);
        return success();
      }
    }
  }
  FailureOr<Value> result = emitClamp(node, x, lo, hi);
  if (failed(result))
    return failure();
  setOutputValue(node, 0, *result, in[0].onnxType);
  return success();
}

//===----------------------------------------------------------------------===//
// Shape ops, Transpose
//===----------------------------------------------------------------------===//

/// Input 0 of an op that only moves elements (shape ops, Transpose): a
/// quantized or float run-time tensor as it is, anything else as
/// getFloatValue gives it.
static FailureOr<Value> getLayoutInput(Importer &importer,
                                       const onnx::NodeProto &node,
                                       Importer::Inputs &in) {
  if (in.empty() || !in[0].present())
    return importer.nodeError(node) << "needs an input";
  Value x = in[0].value;
  if (x && (importer.isQuantizedValue(x) || in[0].onnxType == dtype::kFloat))
    return x;
  return importer.getFloatValue(node, in[0], "input");
}

LogicalResult Importer::convertShapeOp(const onnx::NodeProto &node,
                                       Inputs &in) {
  StringRef op = node.op_type();
  FailureOr<Value> input = getLayoutInput(*this, node, in);
  if (failed(input))
    return failure();
  Value x = *input;
  ArrayRef<int64_t> xShape = shapeOf(x);
  NodeAttributes attrs(node);
  SmallVector<int64_t> shape;
  std::string error;
  bool ok = true;
  if (op == "Flatten") {
    int64_t axis = attrs.getInt("axis", 1);
    if (!attrs.ok())
      return nodeError(node) << attrs.error();
    ok = computeFlatten(xShape, axis, shape, error);
  } else if (op == "Reshape") {
    SmallVector<int64_t> target;
    if (in.size() < 2 || failed(getConstantInts(node, in[1], "shape", target)))
      return in.size() < 2 ? nodeError(node) << "needs a shape input"
                           : failure();
    int64_t allowZero = attrs.getInt("allowzero", 0);
    if (!attrs.ok())
      return nodeError(node) << attrs.error();
    ok = computeReshape(xShape, target, allowZero != 0, shape, error);
  } else {
    SmallVector<int64_t> axes;
    bool hasAxes = false;
    if (opsetOf(node) < 13) {
      if (auto a = attrs.getInts("axes")) {
        axes = *a;
        hasAxes = true;
      }
      if (!attrs.ok())
        return nodeError(node) << attrs.error();
    } else if (in.size() > 1 && in[1].present()) {
      if (failed(getConstantInts(node, in[1], "axes", axes)))
        return failure();
      hasAxes = true;
    }
    if (op == "Unsqueeze") {
      if (!hasAxes)
        return nodeError(node) << "needs axes";
      ok = computeUnsqueeze(xShape, axes, shape, error);
    } else {
      ok = computeSqueeze(xShape, axes, hasAxes, shape, error);
    }
  }
  if (!ok)
    return nodeError(node) << error;
  if (llvm::is_contained(shape, 0))
    return nodeError(node) << "the result shape " << shapeToString(shape)
                           << " has a zero-sized dimension; empty tensors are "
                              "not supported";
  if (QuantizedType q = qnn::getQuantElementType(x.getType());
      q && qnn::getQuantizedAxis(q) && ArrayRef<int64_t>(shape) != xShape)
    return nodeError(node) << "reshaping a per-axis quantized tensor is not "
                              "supported";
  setOutputValue(node, 0, reshape(x, shape, nodeLoc(node)), in[0].onnxType);
  return success();
}

LogicalResult Importer::convertTranspose(const onnx::NodeProto &node,
                                         Inputs &in) {
  FailureOr<Value> input = getLayoutInput(*this, node, in);
  if (failed(input))
    return failure();
  Value x = *input;
  NodeAttributes attrs(node);
  SmallVector<int64_t> perm =
      attrs.getInts("perm").value_or(SmallVector<int64_t>());
  if (!attrs.ok())
    return nodeError(node) << attrs.error();
  ArrayRef<int64_t> xShape = shapeOf(x);
  SmallVector<int64_t> shape;
  std::string error;
  if (!computeTranspose(xShape, perm, shape, error))
    return nodeError(node) << error;
  // Only data movement needs an op: if the dimensions larger than 1 keep
  // their order, the transpose is a reshape (or nothing).
  SmallVector<int64_t> moved;
  for (int64_t p : perm)
    if (xShape[p] != 1)
      moved.push_back(p);
  Value result;
  if (llvm::is_sorted(moved)) {
    result = reshape(x, shape, nodeLoc(node));
  } else {
    if (QuantizedType q = qnn::getQuantElementType(x.getType());
        q && qnn::getQuantizedAxis(q))
      return nodeError(node) << "transposing a per-axis quantized tensor is "
                                "not supported";
    result = builder.create<qnn::TransposeOp>(
        nodeLoc(node), cast<RankedTensorType>(x.getType()).clone(shape), x,
        perm);
    if (std::optional<Interval> i = getInterval(x))
      setInterval(result, *i);
  }
  setOutputValue(node, 0, result, in[0].onnxType);
  return success();
}

//===----------------------------------------------------------------------===//
// Softmax, ArgMax
//===----------------------------------------------------------------------===//

LogicalResult Importer::convertSoftmax(const onnx::NodeProto &node,
                                       Inputs &in) {
  FailureOr<Value> x = getFloatValue(node, in.empty() ? Entry() : in[0], "input");
  if (failed(x))
    return failure();
  int64_t opset = opsetOf(node);
  NodeAttributes attrs(node);
  int64_t axis = attrs.getInt("axis", opset < 13 ? 1 : -1);
  if (!attrs.ok())
    return nodeError(node) << attrs.error();
  ArrayRef<int64_t> xShape = shapeOf(*x);
  int64_t rank = xShape.size();
  std::string error;
  if (!normalizeAxis(axis, rank, error))
    return nodeError(node) << error;
  Location loc = nodeLoc(node);
  Value result;
  if (opset >= 13 || axis == rank - 1) {
    result = builder.create<qnn::SoftmaxOp>(loc, x->getType(), *x, axis);
  } else {
    // Softmax-1/11: over the flattened dimensions [axis, rank).
    int64_t outer = 1, inner = 1;
    for (int64_t d = 0; d < rank; ++d)
      (d < axis ? outer : inner) *= xShape[d];
    Value flat = reshape(*x, {outer, inner}, loc);
    Value soft = builder.create<qnn::SoftmaxOp>(loc, flat.getType(), flat, 1);
    result = reshape(soft, xShape, loc);
  }
  setOutputValue(node, 0, result, dtype::kFloat);
  return success();
}

LogicalResult Importer::convertArgMax(const onnx::NodeProto &node, Inputs &in) {
  if (in.empty() || !in[0].present())
    return nodeError(node) << "needs an input";
  Value x = in[0].value;
  if (!x || !isQuantizedValue(x) || !getUniformType(x)) {
    FailureOr<Value> fx = getFloatValue(node, in[0], "input");
    if (failed(fx))
      return failure();
    x = *fx;
  }
  NodeAttributes attrs(node);
  int64_t axis = attrs.getInt("axis", 0);
  bool keepDims = attrs.getInt("keepdims", 1) != 0;
  int64_t lastIndex = attrs.getInt("select_last_index", 0);
  if (!attrs.ok())
    return nodeError(node) << attrs.error();
  if (lastIndex)
    return nodeError(node) << "select_last_index=1 (ties resolved to the last "
                              "index) is not supported";
  ArrayRef<int64_t> xShape = shapeOf(x);
  std::string error;
  if (!normalizeAxis(axis, xShape.size(), error))
    return nodeError(node) << error;
  SmallVector<int64_t> shape;
  for (int64_t d = 0; d < static_cast<int64_t>(xShape.size()); ++d) {
    if (d != axis)
      shape.push_back(xShape[d]);
    else if (keepDims)
      shape.push_back(1);
  }
  auto type = RankedTensorType::get(shape, IntegerType::get(&context, 64));
  Value result = builder.create<qnn::ArgMaxOp>(
      nodeLoc(node), type, x, static_cast<uint64_t>(axis), keepDims);
  setOutputValue(node, 0, result, dtype::kInt64);
  return success();
}

//===----------------------------------------------------------------------===//
// Identity, Dropout, Shape, Size, Cast
//===----------------------------------------------------------------------===//

LogicalResult Importer::convertPassThrough(const onnx::NodeProto &node,
                                           Inputs &in) {
  if (in.empty() || !in[0].present())
    return nodeError(node) << "needs an input";
  if (node.op_type() == "Dropout") {
    NodeAttributes attrs(node);
    if (opsetOf(node) < 12) {
      (void)attrs.getFloat("ratio", 0.5);
    }
    if (!attrs.ok())
      return nodeError(node) << attrs.error();
    if (in.size() > 2 && in[2].present()) {
      if (!in[2].constant)
        return nodeError(node) << "training_mode must be a constant";
      if (in[2].constant->value.size() != 1 ||
          in[2].constant->value.getDouble(0) != 0.0)
        return nodeError(node) << "training_mode=true is not supported "
                                  "(inference only)";
    }
    if (node.output_size() > 1 && !node.output(1).empty()) {
      ArrayRef<int64_t> shape =
          in[0].value ? shapeOf(in[0].value)
                      : ArrayRef<int64_t>(in[0].constant->value.shape);
      auto mask = std::make_shared<Constant>();
      mask->value = HostTensor(dtype::kBool, shape);
      std::fill(mask->value.ints.begin(), mask->value.ints.end(), 1);
      Entry e;
      e.constant = mask;
      e.onnxType = dtype::kBool;
      setOutput(node, 1, e);
    }
  }
  setOutput(node, 0, in[0]);
  return success();
}

LogicalResult Importer::convertShapeQuery(const onnx::NodeProto &node,
                                          Inputs &in) {
  if (in.empty() || !in[0].value)
    return nodeError(node) << "needs an input";
  // Shapes are static: evaluate on a stand-in constant of the same shape.
  Constant standIn;
  standIn.value.type = dtype::kFloat;
  standIn.value.shape.assign(shapeOf(in[0].value).begin(),
                             shapeOf(in[0].value).end());
  SmallVector<const Constant *> inputs = {&standIn};
  SmallVector<Constant, 2> results;
  std::string error;
  FoldStatus status =
      foldNode(node, opsetOf(node), false, inputs, results, error);
  if (status != FoldStatus::Folded)
    return nodeError(node) << error;
  Entry e;
  e.onnxType = results[0].value.type;
  e.constant = std::make_shared<Constant>(std::move(results[0]));
  setOutput(node, 0, e);
  return success();
}

LogicalResult Importer::convertCast(const onnx::NodeProto &node, Inputs &in) {
  NodeAttributes attrs(node);
  int64_t to = attrs.getInt("to", 0);
  if (!attrs.ok())
    return nodeError(node) << attrs.error();
  if (in.empty() || !in[0].present())
    return nodeError(node) << "needs an input";
  if (in[0].value && to == dtype::kFloat && in[0].onnxType == dtype::kFloat) {
    setOutput(node, 0, in[0]);
    return success();
  }
  return nodeError(node) << "casting the run-time tensor '" << in[0].name
                         << "' from " << dataTypeName(in[0].onnxType) << " to "
                         << dataTypeName(static_cast<int32_t>(to))
                         << " is not supported";
}

} // namespace qrcnn::onnx_import
