//===- QNNOps.cpp - qnn op verifiers and folders --------------------------===//
//
// Verifiers reject everything an op cannot mean, with a message that says
// which operand or attribute is wrong and what was expected, so that the
// importer can rely on them as its last line of defence.
//
//===----------------------------------------------------------------------===//
#include "qrcnn/Dialect/QNN/QNNOps.h"
#include "qrcnn/Dialect/QNN/QuantTypeUtils.h"
#include "qrcnn/Dialect/QNN/Requantization.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/MathExtras.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace mlir::quant;
using namespace qrcnn::qnn;

//===----------------------------------------------------------------------===//
// Shape helpers
//===----------------------------------------------------------------------===//

int64_t qrcnn::qnn::getWindowOutputSize(int64_t inputSize, int64_t kernel,
                                        int64_t stride, int64_t padBegin,
                                        int64_t padEnd, int64_t dilation) {
  // Attributes come from files: sizes that overflow int64 are no window.
  int64_t span, padded;
  if (kernel < 1 || dilation < 1 || stride < 1 || padBegin < 0 || padEnd < 0 ||
      llvm::MulOverflow(dilation, kernel - 1, span) ||
      llvm::AddOverflow(span, int64_t(1), span) ||
      llvm::AddOverflow(inputSize, padBegin, padded) ||
      llvm::AddOverflow(padded, padEnd, padded) || padded < span)
    return 0;
  return (padded - span) / stride + 1;
}

SmallVector<int64_t> qrcnn::qnn::getWindowResultShape(
    ArrayRef<int64_t> inputShape, int64_t channels, ArrayRef<int64_t> kernel,
    ArrayRef<int64_t> strides, ArrayRef<int64_t> pads,
    ArrayRef<int64_t> dilations) {
  size_t spatial = inputShape.size() - 2;
  SmallVector<int64_t> shape = {inputShape[0], channels};
  for (size_t d = 0; d < spatial; ++d) {
    int64_t size =
        getWindowOutputSize(inputShape[d + 2], kernel[d], strides[d], pads[d],
                            pads[d + spatial], dilations[d]);
    if (size < 1)
      return {};
    shape.push_back(size);
  }
  return shape;
}

std::string qrcnn::qnn::formatShape(ArrayRef<int64_t> shape) {
  std::string text;
  llvm::raw_string_ostream os(text);
  llvm::interleave(shape, os, "x");
  return text;
}

namespace {

/// Every quantized tensor an op touches must have sane parameters: finite
/// positive scales, zero points inside the storage integer, and for per-axis
/// types an axis and scale count that match the shape.
LogicalResult verifyTensorQuantization(Operation *op) {
  auto check = [&](Type type, StringRef role, unsigned index) -> LogicalResult {
    QuantizedType q = getQuantElementType(type);
    if (!q)
      return success();
    if (!q.getExpressedType().isF32())
      return op->emitOpError() << role << " #" << index
                               << " must express f32 values";
    for (double s : getScales(q)) {
      if (!(s > 0.0) || !std::isfinite(s))
        return op->emitOpError() << role << " #" << index << " has scale " << s
                                 << "; scales must be finite and positive";
      // The numeric contract computes with float32 scales; denormals (and
      // what float32 cannot hold) are flushed or lost on some targets.
      if (s < std::numeric_limits<float>::min() ||
          s > std::numeric_limits<float>::max())
        return op->emitOpError()
               << role << " #" << index << " has scale " << s
               << ", outside the normal float32 range [1.17549435e-38, "
                  "3.40282347e+38]";
    }
    for (int64_t z : getZeroPoints(q))
      if (z < getStorageWidthMin(q) || z > getStorageWidthMax(q))
        return op->emitOpError()
               << role << " #" << index << " has zero point " << z
               << " outside its " << q.getStorageTypeIntegralWidth()
               << "-bit storage";
    if (std::optional<int32_t> axis = getQuantizedAxis(q)) {
      auto shaped = cast<RankedTensorType>(type);
      if (*axis < 0 || *axis >= shaped.getRank())
        return op->emitOpError() << role << " #" << index
                                 << " is quantized along axis " << *axis
                                 << " but has rank " << shaped.getRank();
      int64_t dim = shaped.getDimSize(*axis);
      if (!ShapedType::isDynamic(dim) &&
          dim != static_cast<int64_t>(getScales(q).size()))
        return op->emitOpError()
               << role << " #" << index << " has " << getScales(q).size()
               << " scales for dimension " << *axis << " of size " << dim;
    }
    return success();
  };
  for (auto [i, type] : llvm::enumerate(op->getOperandTypes()))
    if (failed(check(type, "operand", i)))
      return failure();
  for (auto [i, type] : llvm::enumerate(op->getResultTypes())) {
    if (!cast<ShapedType>(type).hasStaticShape())
      return op->emitOpError() << "result #" << i << " must have a static shape";
    if (failed(check(type, "result", i)))
      return failure();
  }
  for (auto [i, type] : llvm::enumerate(op->getOperandTypes()))
    if (!cast<ShapedType>(type).hasStaticShape())
      return op->emitOpError() << "operand #" << i
                               << " must have a static shape";
  return success();
}

/// Checks kernel/stride/pad/dilation attributes of a sliding-window op over
/// `spatial` dimensions. `kernel` may be empty when it comes from a weight.
LogicalResult verifyWindowAttrs(Operation *op, int64_t spatial,
                                ArrayRef<int64_t> kernel,
                                ArrayRef<int64_t> strides,
                                ArrayRef<int64_t> pads,
                                ArrayRef<int64_t> dilations) {
  if (static_cast<int64_t>(kernel.size()) != spatial)
    return op->emitOpError() << "expects " << spatial
                             << " kernel sizes, got " << kernel.size();
  if (static_cast<int64_t>(strides.size()) != spatial)
    return op->emitOpError() << "expects " << spatial << " strides, got "
                             << strides.size();
  if (static_cast<int64_t>(dilations.size()) != spatial)
    return op->emitOpError() << "expects " << spatial << " dilations, got "
                             << dilations.size();
  if (static_cast<int64_t>(pads.size()) != 2 * spatial)
    return op->emitOpError() << "expects " << 2 * spatial
                             << " pads (all begins, then all ends), got "
                             << pads.size();
  for (int64_t k : kernel)
    if (k < 1)
      return op->emitOpError() << "kernel sizes must be >= 1, got " << k;
  for (int64_t s : strides)
    if (s < 1)
      return op->emitOpError() << "strides must be >= 1, got " << s;
  for (int64_t d : dilations)
    if (d < 1)
      return op->emitOpError() << "dilations must be >= 1, got " << d;
  for (int64_t p : pads)
    if (p < 0)
      return op->emitOpError() << "pads must be >= 0, got " << p;
  // The same bound the importer applies: beyond it sizes computed from the
  // window (padded extents, element counts) could overflow int64.
  for (ArrayRef<int64_t> values : {kernel, strides, dilations, pads})
    for (int64_t v : values)
      if (v > kMaxWindowAttr)
        return op->emitOpError() << "window sizes, strides, dilations and "
                                    "pads must be <= "
                                 << kMaxWindowAttr << ", got " << v;
  return success();
}

/// Each multiplier inScale / outScale must have an exact integer form
/// (computeRequantParams); otherwise no backend, and not the golden model,
/// can compute the op, and the problem would surface only there.
LogicalResult verifyRequantMultipliers(Operation *op,
                                       ArrayRef<double> inScales,
                                       double outScale) {
  for (double inScale : inScales) {
    std::string error;
    if (!computeRequantParams(inScale / outScale, RequantMode::Exact, &error))
      return op->emitOpError() << "requantization: " << error;
  }
  return success();
}

LogicalResult verifyActivationRank(Operation *op, ShapedType type) {
  if (type.getRank() != 3 && type.getRank() != 4)
    return op->emitOpError()
           << "expects a rank-3 (NCW) or rank-4 (NCHW) input, got rank "
           << type.getRank();
  return success();
}

LogicalResult verifyResultShape(Operation *op, ArrayRef<int64_t> expected,
                                ShapedType result) {
  if (expected.empty())
    return op->emitOpError("window does not fit the input: some output "
                           "dimension would be empty");
  if (result.getShape() != expected)
    return op->emitOpError() << "result shape " << formatShape(result.getShape())
                             << " does not match the computed shape "
                             << formatShape(expected);
  return success();
}

/// The result shape of an elementwise binary op: `lhs` and `rhs` broadcast
/// as numpy does (trailing dimensions aligned).
LogicalResult verifyBroadcastResult(Operation *op, ShapedType lhs,
                                    ShapedType rhs, ShapedType result) {
  int64_t rank = std::max(lhs.getRank(), rhs.getRank());
  SmallVector<int64_t> expected(rank);
  for (int64_t i = 0; i < rank; ++i) {
    int64_t a = i < rank - lhs.getRank()
                    ? 1
                    : lhs.getDimSize(i - (rank - lhs.getRank()));
    int64_t b = i < rank - rhs.getRank()
                    ? 1
                    : rhs.getDimSize(i - (rank - rhs.getRank()));
    if (a != b && a != 1 && b != 1)
      return op->emitOpError() << "shapes " << formatShape(lhs.getShape())
                               << " and " << formatShape(rhs.getShape())
                               << " do not broadcast";
    expected[i] = a == 1 ? b : a;
  }
  return verifyResultShape(op, expected, result);
}

/// An `axis` attribute: in [-rank, rank).
LogicalResult verifyAxisInRange(Operation *op, int64_t axis, int64_t rank) {
  if (axis < -rank || axis >= rank)
    return op->emitOpError() << "axis " << axis << " is out of range for rank "
                             << rank;
  return success();
}

/// Reshape and transpose move elements without computing: the element type
/// stays, and a per-axis quantization could not follow its axis.
LogicalResult verifyMovesElements(Operation *op, ShapedType input,
                                  ShapedType result, StringRef typeChanged,
                                  StringRef perAxis) {
  if (input.getElementType() != result.getElementType())
    return op->emitOpError(typeChanged);
  if (QuantizedType q = getQuantElementType(input); q && getQuantizedAxis(q))
    return op->emitOpError(perAxis);
  return success();
}

/// The quantization rules shared by conv, recurrent_conv and dense:
/// per-tensor input, symmetric weights (per tensor or per output channel),
/// and an i32 bias at scale sx*sw.
LogicalResult verifyQuantizedWeights(Operation *op, ShapedType input,
                                     ShapedType weight, Value bias,
                                     int64_t outChannels) {
  QuantizedType qin = getQuantElementType(input);
  QuantizedType qw = getQuantElementType(weight);
  if (getQuantizedAxis(qin))
    return op->emitOpError("expects a per-tensor quantized input");
  if (std::optional<int32_t> axis = getQuantizedAxis(qw)) {
    if (*axis != 0)
      return op->emitOpError()
             << "per-channel weights must be quantized along axis 0 (output "
                "channels), got axis "
             << *axis;
  }
  for (int64_t z : getZeroPoints(qw))
    if (z != 0)
      return op->emitOpError() << "weights must be symmetric (zero point 0), "
                                  "got zero point "
                               << z;
  if (!bias)
    return success();
  QuantizedType qb = getQuantElementType(bias.getType());
  if (!qb)
    return op->emitOpError("expects a quantized bias with quantized operands");
  if (!qb.isSigned() || qb.getStorageTypeIntegralWidth() != 32)
    return op->emitOpError("expects the bias stored as signed 32-bit integers");
  SmallVector<double> biasScales = getScales(qb);
  SmallVector<double> weightScales = getScales(qw);
  double sx = getScales(qin).front();
  for (int64_t c = 0; c < outChannels; ++c) {
    double expected = sx * weightScales[weightScales.size() == 1 ? 0 : c];
    double got = biasScales[biasScales.size() == 1 ? 0 : c];
    if (!scalesMatch(expected, got))
      return op->emitOpError()
             << "bias scale " << got << " of channel " << c
             << " must equal input scale times weight scale (" << expected
             << ")";
  }
  for (int64_t z : getZeroPoints(qb))
    if (z != 0)
      return op->emitOpError("expects a bias with zero point 0");
  return success();
}

/// Either every operand/result is f32, or the op is quantized and its result
/// must be the exact accumulator type.
LogicalResult verifyConvLikeTypes(Operation *op, ShapedType input,
                                  ShapedType weight, Value bias,
                                  ShapedType result, int64_t outChannels,
                                  int32_t channelAxis) {
  bool quantIn = isQuantized(input), quantW = isQuantized(weight);
  if (!quantIn && !quantW) {
    if ((bias && isQuantized(bias.getType())) || isQuantized(result))
      return op->emitOpError("float input and weights need a float bias and "
                             "a float result");
    return success();
  }
  if (quantIn != quantW)
    return op->emitOpError("input and weights must both be float or both be "
                           "quantized");
  if (failed(verifyQuantizedWeights(op, input, weight, bias, outChannels)))
    return failure();
  QuantizedType expected = getAccumulatorType(
      getQuantElementType(input), getQuantElementType(weight), channelAxis);
  QuantizedType got = getQuantElementType(result);
  if (!got || !haveSameQuantization(expected, got))
    return op->emitOpError() << "quantized result must be the accumulator type "
                             << expected << ", got " << result.getElementType();
  return success();
}

LogicalResult verifyBiasShape(Operation *op, Value bias, int64_t channels) {
  if (!bias)
    return success();
  auto type = cast<ShapedType>(bias.getType());
  if (type.getRank() != 1 || type.getDimSize(0) != channels)
    return op->emitOpError() << "expects a bias of shape " << channels
                             << ", got " << formatShape(type.getShape());
  return success();
}

} // namespace

//===----------------------------------------------------------------------===//
// ConstantOp
//===----------------------------------------------------------------------===//

LogicalResult ConstantOp::verify() {
  if (failed(verifyTensorQuantization(*this)))
    return failure();
  auto resultType = cast<RankedTensorType>(getType());
  auto valueType = cast<ShapedType>(getValue().getType());
  if (valueType.getShape() != resultType.getShape())
    return emitOpError() << "value shape " << formatShape(valueType.getShape())
                         << " differs from result shape "
                         << formatShape(resultType.getShape());
  QuantizedType q = getQuantElementType(resultType);
  if (!q) {
    if (valueType.getElementType() != resultType.getElementType())
      return emitOpError("float constant must hold values of the result's "
                         "element type");
    return success();
  }
  auto intType = dyn_cast<IntegerType>(valueType.getElementType());
  if (!intType || intType.getWidth() != q.getStorageTypeIntegralWidth())
    return emitOpError() << "quantized constant must hold "
                         << q.getStorageTypeIntegralWidth()
                         << "-bit integers, got " << valueType.getElementType();
  auto dense = dyn_cast<DenseIntElementsAttr>(getValue());
  if (!dense)
    return success();
  auto checkRange = [&](const APInt &v) -> LogicalResult {
    int64_t x = q.isSigned() ? v.getSExtValue()
                             : static_cast<int64_t>(v.getZExtValue());
    if (x < q.getStorageTypeMin() || x > q.getStorageTypeMax())
      return emitOpError() << "value " << x << " lies outside the storage range ["
                           << q.getStorageTypeMin() << ", "
                           << q.getStorageTypeMax() << "]";
    return success();
  };
  // A splat holds one value whatever its shape: checking it once keeps a
  // 2^28-element splat (one line of IR) from costing seconds here.
  if (dense.isSplat())
    return checkRange(dense.getSplatValue<APInt>());
  for (const APInt &v : dense.getValues<APInt>())
    if (failed(checkRange(v)))
      return failure();
  return success();
}

OpFoldResult ConstantOp::fold(FoldAdaptor) { return getValue(); }

//===----------------------------------------------------------------------===//
// Quantize / Dequantize / Requantize
//===----------------------------------------------------------------------===//

static LogicalResult verifySameShape(Operation *op, Type a, Type b) {
  auto sa = cast<ShapedType>(a), sb = cast<ShapedType>(b);
  if (sa.getShape() != sb.getShape())
    return op->emitOpError() << "input shape " << formatShape(sa.getShape())
                             << " differs from result shape "
                             << formatShape(sb.getShape());
  return success();
}

LogicalResult QuantizeOp::verify() {
  if (failed(verifyTensorQuantization(*this)))
    return failure();
  return verifySameShape(*this, getInput().getType(), getType());
}

LogicalResult DequantizeOp::verify() {
  if (failed(verifyTensorQuantization(*this)))
    return failure();
  return verifySameShape(*this, getInput().getType(), getType());
}

LogicalResult RequantizeOp::verify() {
  if (failed(verifyTensorQuantization(*this)))
    return failure();
  if (getQuantizedAxis(getQuantElementType(getType())))
    return emitOpError("expects a per-tensor quantized result");
  if (failed(verifyRequantMultipliers(
          *this, getScales(getQuantElementType(getInput().getType())),
          getScales(getQuantElementType(getType())).front())))
    return failure();
  return verifySameShape(*this, getInput().getType(), getType());
}

//===----------------------------------------------------------------------===//
// ConvOp
//===----------------------------------------------------------------------===//

LogicalResult ConvOp::verify() {
  if (failed(verifyTensorQuantization(*this)))
    return failure();
  auto input = cast<ShapedType>(getInput().getType());
  auto weight = cast<ShapedType>(getWeight().getType());
  if (failed(verifyActivationRank(*this, input)))
    return failure();
  if (weight.getRank() != input.getRank())
    return emitOpError() << "expects weights of rank " << input.getRank()
                         << " (out, in/group, kernel...), got rank "
                         << weight.getRank();
  int64_t spatial = input.getRank() - 2;
  ArrayRef<int64_t> kernel = weight.getShape().drop_front(2);
  if (failed(verifyWindowAttrs(*this, spatial, kernel, getStrides(), getPads(),
                               getDilations())))
    return failure();
  int64_t inChannels = input.getDimSize(1), outChannels = weight.getDimSize(0);
  int64_t group = getGroup();
  if (inChannels % group != 0 || outChannels % group != 0)
    return emitOpError() << "group " << group << " must divide input channels ("
                         << inChannels << ") and output channels ("
                         << outChannels << ")";
  if (weight.getDimSize(1) * group != inChannels)
    return emitOpError() << "weights expect " << weight.getDimSize(1) * group
                         << " input channels, the input has " << inChannels;
  if (failed(verifyBiasShape(*this, getBias(), outChannels)))
    return failure();
  auto result = cast<ShapedType>(getType());
  if (failed(verifyResultShape(
          *this,
          getWindowResultShape(input.getShape(), outChannels, kernel,
                               getStrides(), getPads(), getDilations()),
          result)))
    return failure();
  return verifyConvLikeTypes(*this, input, weight, getBias(), result,
                             outChannels, /*channelAxis=*/1);
}

//===----------------------------------------------------------------------===//
// RecurrentConvOp
//===----------------------------------------------------------------------===//

SmallVector<SmallVector<int64_t>> RecurrentConvOp::getStepShapes() {
  auto input = cast<ShapedType>(getInput().getType());
  auto weight = cast<ShapedType>(getWeight().getType());
  int64_t spatial = input.getRank() - 2;
  ArrayRef<int64_t> kernel = weight.getShape().drop_front(2);
  SmallVector<int64_t> poolKernel(spatial, 1), poolStrides(spatial, 1);
  if (getPoolKernel() && getPoolStrides()) {
    poolKernel.assign(getPoolKernel()->begin(), getPoolKernel()->end());
    poolStrides.assign(getPoolStrides()->begin(), getPoolStrides()->end());
  }
  SmallVector<int64_t> noPads(2 * spatial, 0), unitDilations(spatial, 1);
  SmallVector<SmallVector<int64_t>> shapes = {
      SmallVector<int64_t>(input.getShape())};
  for (int64_t step = 0; step < getIterations(); ++step) {
    SmallVector<int64_t> convShape =
        getWindowResultShape(shapes.back(), weight.getDimSize(0), kernel,
                             getStrides(), getPads(), getDilations());
    if (convShape.empty())
      return {};
    SmallVector<int64_t> poolShape =
        getWindowResultShape(convShape, convShape[1], poolKernel, poolStrides,
                             noPads, unitDilations);
    if (poolShape.empty())
      return {};
    shapes.push_back(poolShape);
  }
  return shapes;
}

LogicalResult RecurrentConvOp::verify() {
  if (failed(verifyTensorQuantization(*this)))
    return failure();
  // Every pass and the golden model walk the steps one by one.
  if (getIterations() > kMaxRecurrentIterations)
    return emitOpError() << "iterations " << getIterations()
                         << " is more than the limit of "
                         << kMaxRecurrentIterations;
  auto input = cast<ShapedType>(getInput().getType());
  auto weight = cast<ShapedType>(getWeight().getType());
  if (failed(verifyActivationRank(*this, input)))
    return failure();
  if (weight.getRank() != input.getRank())
    return emitOpError() << "expects weights of rank " << input.getRank()
                         << ", got rank " << weight.getRank();
  int64_t spatial = input.getRank() - 2;
  int64_t channels = input.getDimSize(1);
  if (weight.getDimSize(0) != channels || weight.getDimSize(1) != channels)
    return emitOpError() << "a recurrent conv maps C channels to C channels: "
                            "input has "
                         << channels << ", weights are "
                         << weight.getDimSize(0) << "x" << weight.getDimSize(1);
  if (failed(verifyWindowAttrs(*this, spatial, weight.getShape().drop_front(2),
                               getStrides(), getPads(), getDilations())))
    return failure();
  if (getPoolKernel().has_value() != getPoolStrides().has_value())
    return emitOpError("pool_kernel and pool_strides go together");
  if (getPoolKernel()) {
    SmallVector<int64_t> noPads(2 * spatial, 0), unitDilations(spatial, 1);
    if (failed(verifyWindowAttrs(*this, spatial, *getPoolKernel(),
                                 *getPoolStrides(), noPads, unitDilations)))
      return failure();
  }
  if (failed(verifyBiasShape(*this, getBias(), channels)))
    return failure();
  if (failed(verifyQuantizedWeights(*this, input, weight, getBias(), channels)))
    return failure();
  if (!haveSameQuantization(getQuantElementType(input),
                            getQuantElementType(getType())))
    return emitOpError() << "every step feeds the next, so the result type "
                         << getType().getElementType()
                         << " must equal the input type "
                         << input.getElementType();
  // Every step requantizes the accumulator back to the activation type.
  QuantizedType inQ = getQuantElementType(input);
  if (failed(verifyRequantMultipliers(
          *this,
          getScales(getAccumulatorType(inQ, getQuantElementType(weight), 1)),
          getScales(inQ).front())))
    return failure();
  SmallVector<SmallVector<int64_t>> shapes = getStepShapes();
  return verifyResultShape(*this,
                           shapes.empty() ? ArrayRef<int64_t>()
                                          : ArrayRef<int64_t>(shapes.back()),
                           cast<ShapedType>(getType()));
}

//===----------------------------------------------------------------------===//
// DenseOp
//===----------------------------------------------------------------------===//

LogicalResult DenseOp::verify() {
  if (failed(verifyTensorQuantization(*this)))
    return failure();
  auto input = cast<ShapedType>(getInput().getType());
  auto weight = cast<ShapedType>(getWeight().getType());
  if (input.getRank() != 2 || weight.getRank() != 2)
    return emitOpError() << "expects a rank-2 input and rank-2 weights [out, "
                            "in], got ranks "
                         << input.getRank() << " and " << weight.getRank();
  if (input.getDimSize(1) != weight.getDimSize(1))
    return emitOpError() << "input has " << input.getDimSize(1)
                         << " features, weights expect " << weight.getDimSize(1);
  int64_t outFeatures = weight.getDimSize(0);
  if (failed(verifyBiasShape(*this, getBias(), outFeatures)))
    return failure();
  auto result = cast<ShapedType>(getType());
  SmallVector<int64_t> expected = {input.getDimSize(0), outFeatures};
  if (failed(verifyResultShape(*this, expected, result)))
    return failure();
  return verifyConvLikeTypes(*this, input, weight, getBias(), result,
                             outFeatures, /*channelAxis=*/1);
}

//===----------------------------------------------------------------------===//
// Pools
//===----------------------------------------------------------------------===//

LogicalResult MaxPoolOp::verify() {
  if (failed(verifyTensorQuantization(*this)))
    return failure();
  auto input = cast<ShapedType>(getInput().getType());
  if (failed(verifyActivationRank(*this, input)) ||
      failed(verifyWindowAttrs(*this, input.getRank() - 2, getKernel(),
                               getStrides(), getPads(), getDilations())))
    return failure();
  if (getQuantizedAxis(getQuantElementType(input)))
    return emitOpError("expects a per-tensor quantized input");
  if (input.getElementType() != getType().getElementType())
    return emitOpError("max pooling keeps the element type: input and result "
                       "element types must be equal");
  return verifyResultShape(
      *this,
      getWindowResultShape(input.getShape(), input.getDimSize(1), getKernel(),
                           getStrides(), getPads(), getDilations()),
      cast<ShapedType>(getType()));
}

LogicalResult AvgPoolOp::verify() {
  if (failed(verifyTensorQuantization(*this)))
    return failure();
  auto input = cast<ShapedType>(getInput().getType());
  int64_t spatial = input.getRank() - 2;
  SmallVector<int64_t> unitDilations(std::max<int64_t>(spatial, 0), 1);
  if (failed(verifyActivationRank(*this, input)) ||
      failed(verifyWindowAttrs(*this, spatial, getKernel(), getStrides(),
                               getPads(), unitDilations)))
    return failure();
  QuantizedType qin = getQuantElementType(input);
  QuantizedType qout = getQuantElementType(getType());
  if (static_cast<bool>(qin) != static_cast<bool>(qout))
    return emitOpError("input and result must both be float or both be "
                       "quantized");
  if ((qin && getQuantizedAxis(qin)) || (qout && getQuantizedAxis(qout)))
    return emitOpError("expects per-tensor quantization");
  return verifyResultShape(
      *this,
      getWindowResultShape(input.getShape(), input.getDimSize(1), getKernel(),
                           getStrides(), getPads(), unitDilations),
      cast<ShapedType>(getType()));
}

//===----------------------------------------------------------------------===//
// AddOp
//===----------------------------------------------------------------------===//

LogicalResult AddOp::verify() {
  if (failed(verifyTensorQuantization(*this)))
    return failure();
  auto lhs = cast<ShapedType>(getLhs().getType());
  auto rhs = cast<ShapedType>(getRhs().getType());
  auto result = cast<ShapedType>(getType());
  int numQuantized = isQuantized(lhs) + isQuantized(rhs) + isQuantized(result);
  if (numQuantized != 0 && numQuantized != 3)
    return emitOpError("operands and result must all be float or all be "
                       "quantized");
  for (Type t : {Type(lhs), Type(rhs), Type(result)})
    if (QuantizedType q = getQuantElementType(t); q && getQuantizedAxis(q))
      return emitOpError("expects per-tensor quantization");
  return verifyBroadcastResult(*this, lhs, rhs, result);
}

//===----------------------------------------------------------------------===//
// ClampOp
//===----------------------------------------------------------------------===//

LogicalResult ClampOp::verify() {
  if (failed(verifyTensorQuantization(*this)))
    return failure();
  double lo = getMin().convertToDouble(), hi = getMax().convertToDouble();
  if (std::isnan(lo) || std::isnan(hi) || lo > hi)
    return emitOpError() << "expects min <= max, got [" << lo << ", " << hi
                         << "]";
  if (failed(verifySameShape(*this, getInput().getType(), getType())))
    return failure();
  QuantizedType q = getQuantElementType(getInput().getType());
  if (!q) {
    if (getInput().getType() != getType())
      return emitOpError("float clamp keeps its type");
    return success();
  }
  if (getQuantizedAxis(q))
    return emitOpError("expects a per-tensor quantized input");
  if ((std::isfinite(lo) && lo != std::floor(lo)) ||
      (std::isfinite(hi) && hi != std::floor(hi)))
    return emitOpError("on quantized tensors min and max are stored integers");
  auto [newMin, newMax] = getClampedStorageRange(q, lo, hi);
  if (newMin > newMax)
    return emitOpError("clamp range does not intersect the storage range");
  // Upstream quant types need storage min < max; a constant output is not
  // a quantized tensor we can type.
  if (newMin == newMax)
    return emitOpError() << "clamp leaves the single value " << newMin
                         << ", which no quantized type can hold";
  auto in = cast<UniformQuantizedType>(q);
  auto expected = UniformQuantizedType::get(
      in.getFlags(), in.getStorageType(), in.getExpressedType(), in.getScale(),
      in.getZeroPoint(), newMin, newMax);
  if (getType().getElementType() != expected)
    return emitOpError() << "result element type must be " << expected
                         << " (the input type narrowed to the clamp)";
  return success();
}

//===----------------------------------------------------------------------===//
// ReshapeOp
//===----------------------------------------------------------------------===//

LogicalResult ReshapeOp::verify() {
  if (failed(verifyTensorQuantization(*this)))
    return failure();
  auto input = cast<ShapedType>(getInput().getType());
  auto result = cast<ShapedType>(getType());
  if (failed(verifyMovesElements(
          *this, input, result, "reshape keeps the element type",
          "per-axis quantized tensors cannot be reshaped")))
    return failure();
  if (input.getNumElements() != result.getNumElements())
    return emitOpError() << "cannot reshape " << formatShape(input.getShape())
                         << " (" << input.getNumElements() << " elements) to "
                         << formatShape(result.getShape()) << " ("
                         << result.getNumElements() << " elements)";
  return success();
}

OpFoldResult ReshapeOp::fold(FoldAdaptor adaptor) {
  if (getInput().getType() == getType())
    return getInput();
  if (auto dense = dyn_cast_or_null<DenseElementsAttr>(adaptor.getInput()))
    return dense.reshape(dense.getType().clone(getType().getShape()));
  return {};
}

//===----------------------------------------------------------------------===//
// ArgMaxOp
//===----------------------------------------------------------------------===//

LogicalResult ArgMaxOp::verify() {
  if (failed(verifyTensorQuantization(*this)))
    return failure();
  auto input = cast<ShapedType>(getInput().getType());
  int64_t rank = input.getRank(), axis = getAxis();
  if (failed(verifyAxisInRange(*this, axis, rank)))
    return failure();
  if (axis < 0)
    axis += rank;
  SmallVector<int64_t> expected;
  for (int64_t i = 0; i < rank; ++i) {
    if (i != axis)
      expected.push_back(input.getDimSize(i));
    else if (getKeepdims())
      expected.push_back(1);
  }
  if (getType().getShape() != ArrayRef<int64_t>(expected))
    return emitOpError() << "result shape " << formatShape(getType().getShape())
                         << " does not match the computed shape "
                         << formatShape(expected);
  return success();
}

//===----------------------------------------------------------------------===//
// Float-only ops: MulOp, LeakyReluOp, SoftmaxOp; TransposeOp
//===----------------------------------------------------------------------===//

LogicalResult MulOp::verify() {
  auto lhs = cast<ShapedType>(getLhs().getType());
  auto rhs = cast<ShapedType>(getRhs().getType());
  auto result = cast<ShapedType>(getType());
  if (!result.hasStaticShape() || !lhs.hasStaticShape() || !rhs.hasStaticShape())
    return emitOpError("operands and result must have static shapes");
  return verifyBroadcastResult(*this, lhs, rhs, result);
}

LogicalResult LeakyReluOp::verify() {
  if (getInput().getType() != getType())
    return emitOpError("result type must equal the input type");
  if (!std::isfinite(getAlpha().convertToDouble()))
    return emitOpError("alpha must be finite");
  return success();
}

LogicalResult SoftmaxOp::verify() {
  if (getInput().getType() != getType())
    return emitOpError("result type must equal the input type");
  return verifyAxisInRange(*this, getAxis(), getType().getRank());
}

LogicalResult TransposeOp::verify() {
  if (failed(verifyTensorQuantization(*this)))
    return failure();
  auto input = cast<ShapedType>(getInput().getType());
  auto result = cast<ShapedType>(getType());
  if (failed(verifyMovesElements(
          *this, input, result, "transpose keeps the element type",
          "expects a float or per-tensor quantized input")))
    return failure();
  ArrayRef<int64_t> perm = getPerm();
  if (static_cast<int64_t>(perm.size()) != input.getRank())
    return emitOpError() << "perm has " << perm.size()
                         << " entries for an input of rank " << input.getRank();
  SmallVector<bool> seen(perm.size(), false);
  SmallVector<int64_t> expected;
  for (int64_t p : perm) {
    if (p < 0 || p >= input.getRank() || seen[p])
      return emitOpError("perm must be a permutation of 0..rank-1");
    seen[p] = true;
    expected.push_back(input.getDimSize(p));
  }
  if (result.getShape() != ArrayRef<int64_t>(expected))
    return emitOpError() << "result shape " << formatShape(result.getShape())
                         << " does not match the permuted shape "
                         << formatShape(expected);
  return success();
}

#define GET_OP_CLASSES
#include "qrcnn/Dialect/QNN/QNNOps.cpp.inc"
