//===- ConvertQuantization.cpp - QDQ, QOperator and QONNX ops to qnn ------===//
//
// The importer does not fuse quantization: every quantized op becomes the
// float op between explicit qnn.dequantize / qnn.quantize, with the
// quantization in the types, and the fusion pass turns the pattern into
// integer arithmetic.
//
//   QuantizeLinear      -> qnn.quantize (storage range narrowed when the
//                          input's real range is known, e.g. after a Clip)
//   DequantizeLinear    -> qnn.dequantize (of a quantized qnn.constant when
//                          the input is constant)
//   QONNX Quant         -> qnn.quantize + qnn.dequantize
//   QLinearConv         -> dequantize, conv (int32 bias at sx*sw), quantize
//   QLinearMatMul       -> dequantize, dense, quantize
//   ConvInteger /       -> conv / dense of dequantize(x) with the weights
//   MatMulInteger          quantized at S/sx, where S is the constant of the
//                          Mul that follows the Cast to float (ONNX Runtime's
//                          rescale); without that Mul, S = 1 and the result is
//                          the integer accumulator, quantized as i32 scale 1
//
//===----------------------------------------------------------------------===//
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
std::string formatScale(double s) { return formatNumber(s); }
} // namespace

Value Importer::emitDequantize(Value q, Location loc) {
  Value result = builder.create<qnn::DequantizeOp>(loc, f32Tensor(shapeOf(q)), q);
  QuantizedType type = qnn::getQuantElementType(q.getType());
  SmallVector<double> scales = qnn::getScales(type);
  SmallVector<int64_t> zeroPoints = qnn::getZeroPoints(type);
  Interval i{INFINITY, -INFINITY};
  for (size_t c = 0; c < scales.size(); ++c) {
    float s = static_cast<float>(scales[c]);
    i.lo = std::min<double>(i.lo, static_cast<float>(type.getStorageTypeMin() - zeroPoints[c]) * s);
    i.hi = std::max<double>(i.hi, static_cast<float>(type.getStorageTypeMax() - zeroPoints[c]) * s);
  }
  setInterval(result, i);
  return result;
}

LogicalResult Importer::checkQuantMatches(const onnx::NodeProto &node,
                                          const Entry &e,
                                          const QuantParams &params) {
  QuantizedType type = qnn::getQuantElementType(e.value.getType());
  SmallVector<double> scales = qnn::getScales(type);
  SmallVector<int64_t> zeroPoints = qnn::getZeroPoints(type);
  bool same = type.getStorageTypeIntegralWidth() == params.storage.bits &&
              type.isSigned() == params.storage.isSigned &&
              qnn::getQuantizedAxis(type) ==
                  (params.axis ? std::optional<int32_t>(*params.axis)
                               : std::nullopt) &&
              scales.size() == params.scales.size() &&
              zeroPoints == ArrayRef<int64_t>(params.zeroPoints);
  for (size_t i = 0; same && i < scales.size(); ++i)
    same = qnn::scalesMatch(scales[i], params.scales[i]);
  if (same)
    return success();
  return nodeError(node)
         << "the quantization it reads '" << e.name << "' with (scale "
         << formatScale(params.scales.front()) << ", zero point "
         << params.zeroPoints.front() << (params.axis ? ", per axis" : "")
         << ") differs from the quantization '" << e.name << "' was produced "
         << "with (scale " << formatScale(scales.front()) << ", zero point "
         << zeroPoints.front() << "); re-interpreting quantized values is not "
         << "supported";
}

//===----------------------------------------------------------------------===//
// QuantizeLinear / DequantizeLinear / QONNX Quant
//===----------------------------------------------------------------------===//

/// The float run-time input of a quantizing node (QuantizeLinear, QONNX
/// Quant); quantizing it twice is refused.
static FailureOr<Value> getQuantizerInput(Importer &importer,
                                          const onnx::NodeProto &node,
                                          const Entry &x) {
  if (x.value && importer.isQuantizedValue(x.value))
    return importer.nodeError(node) << "the input '" << x.name
                                    << "' is already quantized";
  return importer.getFloatValue(node, x, "input");
}

/// QuantizeLinear / DequantizeLinear parameters for a tensor of `shape` and
/// ONNX `type`: the scale is input 1, the optional zero point input 2.
static FailureOr<QuantParams> getQDQParams(Importer &importer,
                                           const onnx::NodeProto &node,
                                           Importer::Inputs &in,
                                           bool isQuantize,
                                           ArrayRef<int64_t> shape,
                                           int32_t type) {
  FailureOr<std::shared_ptr<const Constant>> scale =
      importer.getConstant(node, in[1], "scale");
  if (failed(scale))
    return failure();
  FailureOr<std::shared_ptr<const Constant>> zp =
      importer.getOptionalConstant(node, in, 2, "zero point");
  if (failed(zp))
    return failure();
  QuantParams params;
  std::string error;
  if (!getLinearQuantParams(node, importer.opsetOf(node), isQuantize, shape,
                            type, {&(*scale)->value, in[1].name},
                            {*zp ? &(*zp)->value : nullptr,
                             in.size() > 2 ? in[2].name : ""},
                            params, error))
    return importer.nodeError(node) << error;
  return params;
}

/// qnn.quantize of the float `x` with `params`. A known real range (Clip /
/// Relu before, or a dequantized narrow type) narrows the stored range:
/// quantization is monotonic.
static FailureOr<Value> emitNarrowedQuantize(Importer &importer,
                                             const onnx::NodeProto &node,
                                             Value x,
                                             const QuantParams &params) {
  int64_t lo = params.storage.min, hi = params.storage.max;
  if (std::optional<Interval> range = importer.getInterval(x);
      range && !params.axis) {
    lo = quantizeValue(range->lo, params.scales[0], params.zeroPoints[0],
                       params.storage.min, params.storage.max);
    hi = quantizeValue(range->hi, params.scales[0], params.zeroPoints[0],
                       params.storage.min, params.storage.max);
  }
  FailureOr<RankedTensorType> type =
      importer.getQuantizedType(&node, Importer::shapeOf(x), params, lo, hi);
  if (failed(type))
    return failure();
  return importer.builder
      .create<qnn::QuantizeOp>(importer.nodeLoc(node), *type, x)
      .getResult();
}

LogicalResult Importer::convertQuantizeLinear(const onnx::NodeProto &node,
                                              Inputs &in) {
  if (in.size() < 2 || !in[0].present() || !in[1].present())
    return nodeError(node) << "needs inputs x and y_scale";
  FailureOr<Value> x = getQuantizerInput(*this, node, in[0]);
  if (failed(x))
    return failure();
  FailureOr<QuantParams> params =
      getQDQParams(*this, node, in, /*isQuantize=*/true, shapeOf(*x),
                   dtype::kFloat);
  if (failed(params))
    return failure();
  FailureOr<Value> q = emitNarrowedQuantize(*this, node, *x, *params);
  if (failed(q))
    return failure();
  setOutputValue(node, 0, *q, params->containerType);
  return success();
}

LogicalResult Importer::convertDequantizeLinear(const onnx::NodeProto &node,
                                                Inputs &in) {
  if (in.size() < 2 || !in[0].present() || !in[1].present())
    return nodeError(node) << "needs inputs x and x_scale";
  const Entry &x = in[0];
  if (!x.value || !isQuantizedValue(x.value))
    return nodeError(node) << "the input '" << x.name << "' is a "
                           << dataTypeName(x.onnxType)
                           << " tensor computed at run time that is not "
                              "quantized; DequantizeLinear needs the output "
                              "of a quantizing op or a constant";
  FailureOr<QuantParams> params =
      getQDQParams(*this, node, in, /*isQuantize=*/false, shapeOf(x.value),
                   x.onnxType);
  if (failed(params))
    return failure();
  if (failed(checkQuantMatches(node, x, *params)))
    return failure();
  setOutputValue(node, 0, emitDequantize(x.value, nodeLoc(node)),
                 dtype::kFloat);
  return success();
}

LogicalResult Importer::convertQonnxQuant(const onnx::NodeProto &node,
                                          Inputs &in) {
  if (in.size() != 4 || llvm::any_of(in, [](const Entry &e) {
        return !e.present();
      }))
    return nodeError(node) << "needs inputs x, scale, zeropt and bitwidth";
  FailureOr<Value> x = getQuantizerInput(*this, node, in[0]);
  if (failed(x))
    return failure();
  const char *roles[] = {"scale", "zero point", "bitwidth"};
  std::shared_ptr<const Constant> params3[3];
  for (int k = 0; k < 3; ++k) {
    FailureOr<std::shared_ptr<const Constant>> c =
        getConstant(node, in[k + 1], roles[k]);
    if (failed(c))
      return failure();
    params3[k] = *c;
  }
  QuantParams params;
  std::string error;
  if (!getQonnxQuantParams(node, shapeOf(*x),
                           {&params3[0]->value, in[1].name},
                           {&params3[1]->value, in[2].name},
                           {&params3[2]->value, in[3].name}, params, error))
    return nodeError(node) << error;
  FailureOr<Value> q = emitNarrowedQuantize(*this, node, *x, params);
  if (failed(q))
    return failure();
  setOutputValue(node, 0, emitDequantize(*q, nodeLoc(node)), dtype::kFloat);
  return success();
}

//===----------------------------------------------------------------------===//
// QLinearConv / QLinearMatMul
//===----------------------------------------------------------------------===//

namespace {
/// Reads (scale, zero point) inputs `scaleIndex`, `scaleIndex + 1` of a
/// QOperator node.
struct QLinearOperand {
  std::shared_ptr<const Constant> scale, zeroPoint;
};
} // namespace

static FailureOr<QLinearOperand> getQLinearParams(Importer &importer,
                                                  const onnx::NodeProto &node,
                                                  Importer::Inputs &in,
                                                  size_t scaleIndex,
                                                  const char *what) {
  QLinearOperand out;
  std::string scaleRole = std::string(what) + " scale";
  std::string zpRole = std::string(what) + " zero point";
  if (scaleIndex >= in.size() || !in[scaleIndex].present())
    return importer.nodeError(node) << "needs the " << scaleRole << " input";
  FailureOr<std::shared_ptr<const Constant>> s =
      importer.getConstant(node, in[scaleIndex], scaleRole);
  if (failed(s))
    return failure();
  out.scale = *s;
  FailureOr<std::shared_ptr<const Constant>> z =
      importer.getOptionalConstant(node, in, scaleIndex + 1, zpRole);
  if (failed(z))
    return failure();
  out.zeroPoint = *z;
  return out;
}

/// Parameters of a QOperator operand: per tensor, or per axis `axis` when
/// the scale is a vector.
static bool getQOperandParams(const onnx::NodeProto &node, int64_t opset,
                              bool isQuantize, ArrayRef<int64_t> shape,
                              int32_t type, const QLinearOperand &operand,
                              const Entry &scaleEntry, const Entry &zpEntry,
                              std::optional<int64_t> axis, QuantParams &params,
                              std::string &error) {
  return getLinearQuantParams(
      node, opset, isQuantize, shape, type,
      {&operand.scale->value, scaleEntry.name},
      {operand.zeroPoint ? &operand.zeroPoint->value : nullptr, zpEntry.name},
      params, error, axis.value_or(0));
}

namespace {
/// The three operands of a QLinear op: input (inputs 0-2), weight (3-5) and
/// output (6-7).
struct QLinearOperands {
  QLinearOperand input, weight, output;
};
} // namespace

/// What QLinearConv and QLinearMatMul check first: eight inputs (named
/// `inputNames` in the diagnostic), a quantized run-time input, and the
/// scale / zero point constants of the three operands.
static FailureOr<QLinearOperands>
getQLinearOperands(Importer &importer, const onnx::NodeProto &node,
                   Importer::Inputs &in, StringRef inputNames) {
  if (in.size() < 8)
    return importer.nodeError(node) << "needs inputs " << inputNames;
  const Entry &x = in[0];
  if (!x.value || !importer.isQuantizedValue(x.value))
    return importer.nodeError(node)
           << "the input '" << x.name
           << "' must be a quantized tensor computed at run time (e.g. by "
              "QuantizeLinear)";
  // All three are read (and diagnosed) before giving up.
  FailureOr<QLinearOperand> xq =
      getQLinearParams(importer, node, in, 1, "input");
  FailureOr<QLinearOperand> wq =
      getQLinearParams(importer, node, in, 4, "weight");
  FailureOr<QLinearOperand> yq =
      getQLinearParams(importer, node, in, 6, "output");
  if (failed(xq) || failed(wq) || failed(yq))
    return failure();
  return QLinearOperands{*xq, *wq, *yq};
}

/// The per-tensor quantization of a QLinear op's input, which must be the
/// one the input was produced with.
static FailureOr<QuantParams>
getQLinearInputParams(Importer &importer, const onnx::NodeProto &node,
                      Importer::Inputs &in, const QLinearOperand &operand) {
  const Entry &x = in[0];
  QuantParams params;
  std::string error;
  if (!getQOperandParams(node, importer.opsetOf(node), false,
                         Importer::shapeOf(x.value), x.onnxType, operand,
                         in[1], in[2], std::nullopt, params, error))
    return importer.nodeError(node) << error;
  if (params.axis)
    return importer.nodeError(node) << "the input must be quantized per tensor";
  if (failed(importer.checkQuantMatches(node, x, params)))
    return failure();
  return params;
}

/// Quantizes the float `result` of a QLinear op with its (per-tensor) output
/// operand and makes it the node's output.
static LogicalResult setQLinearOutput(Importer &importer,
                                      const onnx::NodeProto &node,
                                      Importer::Inputs &in,
                                      const QLinearOperand &operand,
                                      Value result, Location loc) {
  QuantParams params;
  std::string error;
  ArrayRef<int64_t> shape = Importer::shapeOf(result);
  if (!getQOperandParams(node, importer.opsetOf(node), true, shape,
                         dtype::kFloat, operand, in[6], in[7], std::nullopt,
                         params, error))
    return importer.nodeError(node) << error;
  if (params.axis)
    return importer.nodeError(node)
           << "the output must be quantized per tensor";
  FailureOr<RankedTensorType> type = importer.getQuantizedType(
      &node, shape, params, params.storage.min, params.storage.max);
  if (failed(type))
    return failure();
  Value y = importer.builder.create<qnn::QuantizeOp>(loc, *type, result);
  importer.setOutputValue(node, 0, y, params.containerType);
  return success();
}

LogicalResult Importer::convertQLinearConv(const onnx::NodeProto &node,
                                           Inputs &in) {
  FailureOr<QLinearOperands> q = getQLinearOperands(
      *this, node, in,
      "x, x_scale, x_zero_point, w, w_scale, w_zero_point, y_scale, "
      "y_zero_point");
  if (failed(q))
    return failure();
  const Entry &x = in[0];
  FailureOr<std::shared_ptr<const Constant>> w =
      getConstant(node, in[3], "weight");
  if (failed(w))
    return failure();
  FailureOr<QuantParams> xParams =
      getQLinearInputParams(*this, node, in, q->input);
  if (failed(xParams))
    return failure();
  const HostTensor &wInts = (*w)->value;
  if (wInts.isFloat())
    return nodeError(node) << "the weight '" << in[3].name
                           << "' must hold integers, it is "
                           << dataTypeName(wInts.type);
  QuantParams wParams;
  std::string error;
  if (!getQOperandParams(node, opsetOf(node), false, wInts.shape, wInts.type,
                         q->weight, in[4], in[5], 0, wParams, error))
    return nodeError(node) << error;
  auto weight = std::make_shared<Constant>(dequantizeConstant(wInts, wParams));
  std::shared_ptr<const Constant> bias;
  if (in.size() > 8 && in[8].present()) {
    FailureOr<std::shared_ptr<const Constant>> b =
        getConstant(node, in[8], "bias");
    if (failed(b))
      return failure();
    const HostTensor &bInts = (*b)->value;
    int64_t outChannels = wInts.shape.empty() ? 0 : wInts.shape[0];
    if (bInts.type != dtype::kInt32 || bInts.rank() != 1 ||
        bInts.shape[0] != outChannels)
      return nodeError(node) << "the bias '" << in[8].name
                             << "' must be INT32 of shape " << outChannels
                             << ", got " << dataTypeName(bInts.type) << " "
                             << shapeToString(bInts.shape);
    // The int32 bias is on the accumulator grid sx * sw[c].
    QuantParams bParams;
    bParams.containerType = dtype::kInt32;
    bParams.storage = {32, true, INT32_MIN, INT32_MAX};
    for (size_t c = 0; c < wParams.scales.size(); ++c) {
      bParams.scales.push_back(xParams->scales[0] * wParams.scales[c]);
      bParams.zeroPoints.push_back(0);
    }
    if (wParams.axis)
      bParams.axis = 0;
    bias = std::make_shared<Constant>(dequantizeConstant(bInts, bParams));
  }
  Location loc = nodeLoc(node);
  Value xf = emitDequantize(x.value, loc);
  FailureOr<Value> conv = emitConv(node, xf, weight, in[3].name, bias,
                                   in.size() > 8 ? in[8].name : "");
  if (failed(conv))
    return failure();
  return setQLinearOutput(*this, node, in, q->output, *conv, loc);
}

LogicalResult Importer::convertQLinearMatMul(const onnx::NodeProto &node,
                                             Inputs &in) {
  FailureOr<QLinearOperands> q = getQLinearOperands(
      *this, node, in,
      "a, a_scale, a_zero_point, b, b_scale, b_zero_point, y_scale, "
      "y_zero_point");
  if (failed(q))
    return failure();
  const Entry &a = in[0];
  if (!in[3].constant)
    return nodeError(node) << "B '" << in[3].name
                           << "' is computed at run time; QLinearMatMul needs "
                              "constant weights";
  const HostTensor &bInts = in[3].constant->value;
  if (bInts.isFloat() || bInts.rank() != 2)
    return nodeError(node) << "B '" << in[3].name
                           << "' must be a 2-D integer tensor";
  if (failed(getQLinearInputParams(*this, node, in, q->input)))
    return failure();
  // b_scale may be per column (axis 1 of B [K, N]).
  QuantParams bParams;
  std::string error;
  if (!getQOperandParams(node, opsetOf(node), false, bInts.shape, bInts.type,
                         q->weight, in[4], in[5], 1, bParams, error))
    return nodeError(node) << error;
  ArrayRef<int64_t> aShape = shapeOf(a.value);
  if (aShape.size() < 2 || aShape.back() != bInts.shape[0])
    return nodeError(node) << "A is " << shapeToString(aShape) << " and B is "
                           << shapeToString(bInts.shape)
                           << ": the inner dimensions differ";
  auto weight = std::make_shared<Constant>(
      transposeConstant(dequantizeConstant(bInts, bParams), {1, 0}));
  Location loc = nodeLoc(node);
  Value af = emitDequantize(a.value, loc);
  FailureOr<Value> dense = emitDense(node, af, weight, in[3].name, nullptr, "");
  if (failed(dense))
    return failure();
  return setQLinearOutput(*this, node, in, q->output, *dense, loc);
}

//===----------------------------------------------------------------------===//
// ConvInteger / MatMulInteger
//===----------------------------------------------------------------------===//

LogicalResult Importer::convertIntegerOp(const onnx::NodeProto &node,
                                         Inputs &in) {
  bool isConv = node.op_type() == "ConvInteger";
  if (in.size() < 2 || !in[0].present() || !in[1].present())
    return nodeError(node) << "needs inputs x and w";
  const Entry &x = in[0];
  if (!x.value || !isQuantizedValue(x.value) || !getUniformType(x.value))
    return nodeError(node) << "the input '" << x.name
                           << "' must be a per-tensor quantized tensor "
                              "computed at run time (e.g. by QuantizeLinear)";
  UniformQuantizedType xType = getUniformType(x.value);
  int64_t xZero = 0;
  if (in.size() > 2 && in[2].present()) {
    FailureOr<std::shared_ptr<const Constant>> z =
        getConstant(node, in[2], "input zero point");
    if (failed(z))
      return failure();
    if ((*z)->value.size() != 1 || (*z)->value.isFloat())
      return nodeError(node) << "the input zero point must be one integer";
    xZero = (*z)->value.ints[0];
  }
  if (xZero != xType.getZeroPoint())
    return nodeError(node) << "the input zero point " << xZero
                           << " differs from the zero point "
                           << xType.getZeroPoint() << " '" << x.name
                           << "' was quantized with";
  FailureOr<std::shared_ptr<const Constant>> w =
      getConstant(node, in[1], "weight");
  if (failed(w))
    return failure();
  const HostTensor &wInts = (*w)->value;
  if (wInts.isFloat() || !isQuantContainerType(wInts.type) ||
      wInts.type == dtype::kInt32)
    return nodeError(node) << "the weight '" << in[1].name
                           << "' must hold 8-bit (or 4/16-bit) integers, it "
                              "is "
                           << dataTypeName(wInts.type);
  auto pending = std::make_shared<PendingAccumulator>();
  pending->node = &node;
  pending->isConv = isConv;
  pending->input = x.value;
  pending->weights = wInts;
  // One zero point, or one per output channel (ConvInteger: axis 0 of W;
  // MatMulInteger: axis 1 of B [K, N]).
  int64_t outChannels =
      wInts.rank() >= 2 ? wInts.shape[isConv ? 0 : 1] : 0;
  if (in.size() > 3 && in[3].present()) {
    FailureOr<std::shared_ptr<const Constant>> z =
        getConstant(node, in[3], "weight zero point");
    if (failed(z))
      return failure();
    const HostTensor &zt = (*z)->value;
    if (zt.isFloat() || zt.type != wInts.type ||
        (zt.size() != 1 && zt.size() != outChannels))
      return nodeError(node) << "the weight zero point '" << in[3].name
                             << "' must be one " << dataTypeName(wInts.type)
                             << " value or one per output channel";
    pending->weightZeroPoints.assign(zt.ints.begin(), zt.ints.end());
  } else {
    pending->weightZeroPoints.push_back(0);
  }
  ArrayRef<int64_t> xShape = shapeOf(x.value);
  if (isConv) {
    if (failed(getConvGeometry(node, xShape, wInts.shape, pending->geometry,
                               pending->group)))
      return failure();
    pending->resultShape = {xShape[0], wInts.shape[0]};
    pending->resultShape.append(pending->geometry.outSizes.begin(),
                                pending->geometry.outSizes.end());
  } else {
    if (xShape.size() < 2 || wInts.rank() != 2 ||
        xShape.back() != wInts.shape[0])
      return nodeError(node) << "A is " << shapeToString(xShape) << " and B is "
                             << shapeToString(wInts.shape)
                             << "; needs A of rank >= 2 and B [K, N] with "
                                "matching K";
    pending->resultShape.assign(xShape.begin(), xShape.end() - 1);
    pending->resultShape.push_back(wInts.shape[1]);
  }
  Entry e;
  e.pending = pending;
  e.onnxType = dtype::kInt32;
  setOutput(node, 0, e);
  return success();
}

FailureOr<Value> Importer::emitPending(PendingAccumulator &p,
                                       ArrayRef<double> scales, Location loc) {
  const onnx::NodeProto &node = *p.node;
  double sx = getUniformType(p.input).getScale();
  int64_t channels = p.resultShape[p.isConv ? 1 : p.resultShape.size() - 1];
  QuantParams params;
  params.containerType = p.weights.type;
  params.storage.bits = integerBits(p.weights.type);
  params.storage.isSigned = isSignedInteger(p.weights.type);
  params.storage.min = integerMin(p.weights.type);
  params.storage.max = integerMax(p.weights.type);
  bool perChannel = scales.size() > 1 || p.weightZeroPoints.size() > 1;
  int64_t count = perChannel ? channels : 1;
  for (int64_t c = 0; c < count; ++c) {
    double s = scales[scales.size() == 1 ? 0 : c] / sx;
    std::string error;
    if (!checkScale(s, "the rescale factor", error))
      return nodeError(node) << error;
    params.scales.push_back(s);
    params.zeroPoints.push_back(
        p.weightZeroPoints[p.weightZeroPoints.size() == 1 ? 0 : c]);
  }
  if (perChannel)
    params.axis = p.isConv ? 0 : 1;
  Constant weights = dequantizeConstant(p.weights, params);
  if (!p.isConv)
    weights = transposeConstant(weights, {1, 0});
  auto weight = std::make_shared<Constant>(std::move(weights));
  Value xf = emitDequantize(p.input, loc);
  std::string weightName = node.input_size() > 1 ? node.input(1) : "";
  return p.isConv ? emitConv(node, xf, weight, weightName, nullptr, "")
                  : emitDense(node, xf, weight, weightName, nullptr, "");
}

LogicalResult Importer::resolvePending(const onnx::NodeProto &node, Entry &e) {
  PendingAccumulator &p = *e.pending;
  if (!p.emitted) {
    FailureOr<Value> v = emitPending(p, {1.0}, nodeLoc(*p.node));
    if (failed(v))
      return failure();
    p.emitted = *v;
  }
  Entry resolved;
  resolved.name = e.name;
  if (p.castToFloat) {
    resolved.value = p.emitted;
    resolved.onnxType = dtype::kFloat;
  } else {
    // The raw int32 accumulator: exact integers, i.e. quantized at scale 1.
    QuantParams params;
    params.scales = {1.0};
    params.zeroPoints = {0};
    params.storage = {32, true, INT32_MIN, INT32_MAX};
    FailureOr<RankedTensorType> type = getQuantizedType(
        p.node, shapeOf(p.emitted), params, INT32_MIN, INT32_MAX);
    if (failed(type))
      return failure();
    resolved.value = builder.create<qnn::QuantizeOp>(nodeLoc(*p.node), *type,
                                                     p.emitted);
    resolved.onnxType = dtype::kInt32;
  }
  e = resolved;
  if (!e.name.empty())
    entries[e.name] = e;
  return success();
}

FailureOr<bool> Importer::tryAbsorbIntoPending(const onnx::NodeProto &node,
                                               Inputs &in) {
  StringRef op = node.op_type();
  if (op == "Cast" && in.size() == 1 && in[0].pending &&
      !in[0].pending->castToFloat && getUseCount(in[0].name) == 1 &&
      !isGraphOutput(in[0].name)) {
    NodeAttributes attrs(node);
    if (attrs.getInt("to", 0) != dtype::kFloat || !attrs.ok())
      return false;
    auto p = std::make_shared<PendingAccumulator>(*in[0].pending);
    p->castToFloat = true;
    p->emitted = Value();
    Entry e;
    e.pending = p;
    e.onnxType = dtype::kFloat;
    setOutput(node, 0, e);
    return true;
  }
  if (op != "Mul" || in.size() != 2)
    return false;
  for (int k = 0; k < 2; ++k) {
    const Entry &acc = in[k], &factor = in[1 - k];
    if (!acc.pending || !acc.pending->castToFloat || !factor.constant ||
        getUseCount(acc.name) != 1 || isGraphOutput(acc.name))
      continue;
    PendingAccumulator &p = *acc.pending;
    const HostTensor &s = factor.constant->value;
    if (s.type != dtype::kFloat)
      continue;
    int64_t rank = p.resultShape.size();
    int64_t axis = p.isConv ? 1 : rank - 1;
    int64_t channels = p.resultShape[axis];
    // The factor must be one value or one per output channel.
    bool ok = s.rank() <= rank;
    for (int64_t d = 0; ok && d < s.rank(); ++d) {
      int64_t size = s.shape[d];
      ok = d + rank - s.rank() == axis ? (size == 1 || size == channels)
                                       : size == 1;
    }
    if (!ok || !llvm::all_of(s.floats, [](double v) { return v > 0; }))
      continue;
    SmallVector<double> scales(s.floats.begin(), s.floats.end());
    FailureOr<Value> v = emitPending(p, scales, nodeLoc(node));
    if (failed(v))
      return failure();
    setOutputValue(node, 0, *v, dtype::kFloat);
    return true;
  }
  return false;
}

} // namespace qrcnn::onnx_import
