//===- FuseQuantization.cpp - QDQ graphs to integer qnn ops ---------------===//
//
// The importer produces float ops between explicit quantize / dequantize
// (QDQ; QOperator and QONNX arrive expanded into the same form). Local
// patterns rewrite that graph into integer ops; each is exact in the numeric
// contract (real arithmetic, round half to even):
//
//   conv/dense(dq(x), dq(w), b)      -> dq(conv/dense(x, w, b_i32))
//   add(dq(conv(x, w)), c)           -> dq(conv(x, w, c_i32))
//   quantize(clamp_f32(x))           -> quantize(x), narrower storage range
//   quantize(dq(a))                  -> a, or requantize(a)
//   clamp_q(requantize/quantize(a))  -> requantize/quantize(a), narrower
//   quantize(maxpool_f32(x))         -> maxpool(quantize(x))
//   maxpool_f32(dq(q))               -> dq(maxpool(q))
//   requantize(maxpool(acc))         -> maxpool(requantize(acc))
//
// Max pooling commutes with any monotone non-decreasing elementwise map
// (quantize, requantize, clamp; padding never wins), which is what lets a
// pool written before the requantization still form conv -> requantize ->
// maxpool blocks. Narrowing a type changes what the users of a value see,
// so refinements go through redirectUse, which retypes type-forwarding users.
//
//===----------------------------------------------------------------------===//
#include "qrcnn/Transforms/FuseQuantization.h"

#include "TransformUtils.h"
#include "qrcnn/Dialect/QNN/QNNOps.h"
#include "qrcnn/Dialect/QNN/QuantTypeUtils.h"
#include "qrcnn/Transforms/Passes.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/IR/TypeUtilities.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/Support/Format.h"

#include <cmath>
#include <limits>

namespace qrcnn::qnn {
#define GEN_PASS_DEF_FUSEQUANTIZATION
#include "qrcnn/Dialect/QNN/Passes.h.inc"
} // namespace qrcnn::qnn

using namespace mlir;
using namespace mlir::quant;
using namespace qrcnn::qnn;

UniformQuantizedType
qrcnn::qnn::getNormalizedStorageType(UniformQuantizedType type) {
  int64_t lo = std::min(type.getStorageTypeMin(), type.getZeroPoint());
  int64_t hi = std::max(type.getStorageTypeMax(), type.getZeroPoint());
  bool isSigned = lo < 0;
  unsigned width =
      isSigned ? getSignedBitWidth(lo, hi) : getUnsignedBitWidth(hi);
  return UniformQuantizedType::get(
      isSigned ? QuantizationFlags::Signed : 0,
      IntegerType::get(type.getContext(), width), type.getExpressedType(),
      type.getScale(), type.getZeroPoint(), type.getStorageTypeMin(),
      type.getStorageTypeMax());
}

namespace {

//===----------------------------------------------------------------------===//
// Types
//===----------------------------------------------------------------------===//

RankedTensorType withElementType(Type tensor, Type element) {
  return cast<RankedTensorType>(tensor).clone(element);
}

UniformQuantizedType getPerTensorType(Type type) {
  return dyn_cast_or_null<UniformQuantizedType>(getQuantElementType(type));
}

/// `type` with storage range [lo, hi]; std::nullopt if that holds fewer than
/// two values, which upstream quant types cannot express.
std::optional<UniformQuantizedType> withStorageRange(UniformQuantizedType type,
                                                     int64_t lo, int64_t hi) {
  if (lo >= hi)
    return std::nullopt;
  return UniformQuantizedType::get(type.getFlags(), type.getStorageType(),
                                   type.getExpressedType(), type.getScale(),
                                   type.getZeroPoint(), lo, hi);
}

/// The result element type of a qnn.clamp of `type` (as ClampOp::verify
/// computes it).
std::optional<UniformQuantizedType>
getClampResultType(UniformQuantizedType type, double lo, double hi) {
  auto [newMin, newMax] = getClampedStorageRange(type, lo, hi);
  return withStorageRange(type, newMin, newMax);
}

/// The stored integer `quantize` gives the f32 value `bound` before it
/// clamps to the storage range: x / s in float32 (as the op evaluates it),
/// rounded half to even, plus the zero point.
double quantizeBound(double bound, UniformQuantizedType type) {
  if (std::isinf(bound))
    return bound;
  float scaled = static_cast<float>(bound) / static_cast<float>(type.getScale());
  return std::nearbyint(static_cast<double>(scaled)) + type.getZeroPoint();
}

/// Storage type of quantize(clamp(x, lo, hi)). Quantization is monotone, so
/// clamping the floats equals clamping the integers to the quantized bounds.
std::optional<UniformQuantizedType>
getQuantizedClampType(UniformQuantizedType type, double lo, double hi) {
  auto toStorage = [&](double q) {
    return static_cast<int64_t>(
        std::clamp(q, static_cast<double>(type.getStorageTypeMin()),
                   static_cast<double>(type.getStorageTypeMax())));
  };
  int64_t newMin = toStorage(quantizeBound(lo, type));
  int64_t newMax = toStorage(quantizeBound(hi, type));
  if (newMin == type.getStorageTypeMin() && newMax == type.getStorageTypeMax())
    return type;
  return withStorageRange(type, newMin, newMax);
}

/// How a value of type `source` becomes one of type `target` (same shape).
enum class Rescale {
  Same,      // identical types
  Subset,    // same scale and zero point, range inside the target's:
             // every stored integer stays as it is
  Requantize // the integers change
};

Rescale classifyRescale(Type source, Type target) {
  if (source == target)
    return Rescale::Same;
  UniformQuantizedType s = getPerTensorType(source);
  UniformQuantizedType t = getPerTensorType(target);
  if (s && t && s.getScale() == t.getScale() &&
      s.getZeroPoint() == t.getZeroPoint() &&
      s.getStorageTypeMin() >= t.getStorageTypeMin() &&
      s.getStorageTypeMax() <= t.getStorageTypeMax())
    return Rescale::Subset;
  return Rescale::Requantize;
}

//===----------------------------------------------------------------------===//
// Type refinement
//===----------------------------------------------------------------------===//

/// Makes `use` read `to`, which holds the same stored integers as the value
/// of type `oldType` it read before, in a narrower range or another
/// container. Users that accept any storage take it as is; maxpool,
/// reshape, clamp and recurrent_conv, whose result type follows their
/// input's, are retyped in place and their own users fixed in turn; any
/// other user reads an identity requantize back to `oldType`.
void redirectUse(RewriterBase &rewriter, OpOperand &use, Value to,
                 Type oldType) {
  Operation *user = use.getOwner();
  auto setOperand = [&](Value value) {
    rewriter.modifyOpInPlace(user, [&] { use.set(value); });
  };
  if (to.getType() == oldType) {
    setOperand(to);
    return;
  }
  unsigned index = use.getOperandNumber();
  if (isa<DequantizeOp, RequantizeOp, AddOp, AvgPoolOp, ArgMaxOp>(user) ||
      (isa<ConvOp, DenseOp>(user) && index == 0)) {
    setOperand(to);
    return;
  }
  std::optional<Type> resultElement;
  if (isa<MaxPoolOp, ReshapeOp>(user) ||
      (isa<RecurrentConvOp>(user) && index == 0)) {
    resultElement = getElementTypeOrSelf(to.getType());
  } else if (auto clamp = dyn_cast<ClampOp>(user)) {
    if (UniformQuantizedType narrowed = getPerTensorType(to.getType()))
      if (std::optional<UniformQuantizedType> clamped = getClampResultType(
              narrowed, clamp.getMin().convertToDouble(),
              clamp.getMax().convertToDouble()))
        resultElement = *clamped;
  }
  if (resultElement) {
    Value result = user->getResult(0);
    Type oldResultType = result.getType();
    rewriter.modifyOpInPlace(user, [&] {
      use.set(to);
      result.setType(withElementType(oldResultType, *resultElement));
    });
    if (result.getType() != oldResultType)
      for (OpOperand &resultUse : llvm::make_early_inc_range(result.getUses()))
        redirectUse(rewriter, resultUse, result, oldResultType);
    return;
  }
  rewriter.setInsertionPoint(user);
  setOperand(rewriter.create<RequantizeOp>(user->getLoc(), oldType, to));
}

/// True if redirectUse can hand a value of element type `element` to `use`
/// without an identity requantize back to the old type.
bool acceptsRefinedType(OpOperand &use, Type element) {
  Operation *user = use.getOwner();
  unsigned index = use.getOperandNumber();
  if (isa<DequantizeOp, RequantizeOp, AddOp, AvgPoolOp, ArgMaxOp, MaxPoolOp,
          ReshapeOp>(user) ||
      (isa<ConvOp, DenseOp, RecurrentConvOp>(user) && index == 0))
    return true;
  auto clamp = dyn_cast<ClampOp>(user);
  auto type = dyn_cast<UniformQuantizedType>(element);
  return clamp && type &&
         getClampResultType(type, clamp.getMin().convertToDouble(),
                            clamp.getMax().convertToDouble());
}

/// True if every user of `value` accepts `element` directly. Rewrites that
/// only change a type (no stored integer changes) check this, or they would
/// just recreate the identity requantize they remove.
bool allUsesAcceptRefinedType(Value value, Type element) {
  return llvm::all_of(value.getUses(), [&](OpOperand &use) {
    return acceptsRefinedType(use, element);
  });
}

/// Replaces the single result of `op` by `to` (see redirectUse) and erases
/// `op`.
void replaceWithRefined(RewriterBase &rewriter, Operation *op, Value to) {
  Value from = op->getResult(0);
  Type oldType = from.getType();
  for (OpOperand &use : llvm::make_early_inc_range(from.getUses()))
    redirectUse(rewriter, use, to, oldType);
  rewriter.eraseOp(op);
}

//===----------------------------------------------------------------------===//
// Constants: weights and biases
//===----------------------------------------------------------------------===//

/// Index along `axis` of each element of a row-major tensor of `shape`.
SmallVector<int64_t> getAxisIndices(ArrayRef<int64_t> shape, int64_t axis) {
  int64_t inner = 1;
  for (int64_t d = axis + 1; d < static_cast<int64_t>(shape.size()); ++d)
    inner *= shape[d];
  int64_t count = 1;
  for (int64_t d : shape)
    count *= d;
  SmallVector<int64_t> indices(count);
  for (int64_t i = 0; i < count; ++i)
    indices[i] = (i / inner) % shape[axis];
  return indices;
}

/// Real values of a value given in the float domain: an f32 constant, or
/// the dequantized value of a quantized constant.
std::optional<SmallVector<double>> getRealConstant(Value value) {
  if (std::optional<SmallVector<double>> floats = getConstantFloats(value))
    return floats;
  auto dq = value.getDefiningOp<DequantizeOp>();
  if (!dq)
    return std::nullopt;
  std::optional<SmallVector<int64_t>> ints = getConstantIntegers(dq.getInput());
  if (!ints)
    return std::nullopt;
  QuantizedType q = getQuantElementType(dq.getInput().getType());
  SmallVector<double> scales = getScales(q);
  SmallVector<int64_t> zeroPoints = getZeroPoints(q);
  SmallVector<int64_t> slice(ints->size(), 0);
  if (std::optional<int32_t> axis = getQuantizedAxis(q))
    slice = getAxisIndices(cast<ShapedType>(dq.getInput().getType()).getShape(),
                           *axis);
  SmallVector<double> real;
  for (auto [v, s] : llvm::zip(*ints, slice))
    real.push_back(scales[s] * static_cast<double>(v - zeroPoints[s]));
  return real;
}

/// A quantized constant to create: stored integers and their type.
struct ConstantPlan {
  RankedTensorType type;
  SmallVector<int64_t> values;
  unsigned width;
};

Value createConstant(RewriterBase &rewriter, Location loc,
                     const ConstantPlan &plan) {
  auto storage = RankedTensorType::get(
      plan.type.getShape(), rewriter.getIntegerType(plan.width));
  SmallVector<APInt> values;
  for (int64_t v : plan.values)
    values.push_back(APInt(plan.width, v, /*isSigned=*/true));
  return rewriter.create<ConstantOp>(loc, plan.type,
                                     DenseElementsAttr::get(storage, values));
}

/// Constant weights with non-zero zero points become w - z in a signed type
/// wide enough for the differences, with zero point 0 and the same scales:
/// the same real values in the symmetric form the integer ops need.
std::optional<ConstantPlan> planSymmetricWeights(Value weights) {
  QuantizedType q = getQuantElementType(weights.getType());
  std::optional<SmallVector<int64_t>> ints = getConstantIntegers(weights);
  if (!ints)
    return std::nullopt;
  SmallVector<int64_t> zeroPoints = getZeroPoints(q);
  auto shape = cast<RankedTensorType>(weights.getType());
  SmallVector<int64_t> slice(ints->size(), 0);
  std::optional<int32_t> axis = getQuantizedAxis(q);
  if (axis)
    slice = getAxisIndices(shape.getShape(), *axis);
  ConstantPlan plan;
  int64_t lo = 0, hi = 0;
  for (auto [v, s] : llvm::zip(*ints, slice)) {
    plan.values.push_back(v - zeroPoints[s]);
    lo = std::min(lo, plan.values.back());
    hi = std::max(hi, plan.values.back());
  }
  plan.width = std::max(2u, getSignedBitWidth(lo, hi));
  MLIRContext *ctx = weights.getContext();
  auto storage = IntegerType::get(ctx, plan.width);
  int64_t min = QuantizedType::getDefaultMinimumForInteger(true, plan.width);
  int64_t max = QuantizedType::getDefaultMaximumForInteger(true, plan.width);
  Type element;
  if (axis) {
    SmallVector<int64_t> zeros(zeroPoints.size(), 0);
    element = UniformQuantizedPerAxisType::get(
        QuantizationFlags::Signed, storage, q.getExpressedType(), getScales(q),
        zeros, *axis, min, max);
  } else {
    element = UniformQuantizedType::get(QuantizationFlags::Signed, storage,
                                        q.getExpressedType(),
                                        getScales(q).front(), 0, min, max);
  }
  plan.type = shape.clone(element);
  return plan;
}

/// Errors found by the patterns, each reported once (the driver may try a
/// pattern on the same op again).
struct FusionState {
  bool failed = false;
  llvm::DenseSet<Operation *> reported;

  void report(Operation *op, const Twine &message) {
    failed = true;
    if (reported.insert(op).second)
      op->emitError(message);
  }
};

/// Rounds per-channel real bias values onto the accumulator grid of
/// `biasType` (scale sx*sw[c], zero point 0), half to even as ONNX Runtime
/// does when it fuses QDQ into integer kernels. `real` holds one value per
/// channel or one for all. Reports an error on `layer` if a value
/// overflows int32.
std::optional<ConstantPlan> planQuantizedBias(Operation *layer,
                                              ArrayRef<double> real,
                                              QuantizedType biasType,
                                              int64_t channels,
                                              FusionState &state) {
  SmallVector<double> scales = getScales(biasType);
  ConstantPlan plan;
  plan.width = 32;
  plan.type = RankedTensorType::get({channels}, biasType);
  for (int64_t c = 0; c < channels; ++c) {
    double value = real[real.size() == 1 ? 0 : c];
    double scale = scales[scales.size() == 1 ? 0 : c];
    double q = std::nearbyint(value / scale);
    if (!(q >= std::numeric_limits<int32_t>::min() &&
          q <= std::numeric_limits<int32_t>::max())) {
      std::string message;
      llvm::raw_string_ostream os(message);
      os << "bias " << llvm::format("%.9g", value) << " of output channel "
         << c << " does not fit in int32 at the accumulator scale "
         << llvm::format("%.9g", scale) << " (input scale times weight scale)";
      state.report(layer, message);
      return std::nullopt;
    }
    plan.values.push_back(static_cast<int64_t>(q));
  }
  return plan;
}

/// The integer bias of a fused layer from its float-domain bias operand:
/// a quantized constant already on the accumulator grid is reused; float
/// constants and constants on another grid are rounded onto it.
/// `Value()` in `existing` with no plan means "no bias".
struct BiasPlan {
  Value existing;
  std::optional<ConstantPlan> plan;
};

FailureOr<BiasPlan> planBias(Operation *layer, Value bias,
                             QuantizedType biasType, int64_t channels,
                             FusionState &state) {
  BiasPlan result;
  if (!bias)
    return result;
  if (auto dq = bias.getDefiningOp<DequantizeOp>()) {
    QuantizedType q = getQuantElementType(dq.getInput().getType());
    if (dq.getInput().getDefiningOp<ConstantOp>() &&
        haveSameQuantization(q, biasType) &&
        cast<ShapedType>(dq.getInput().getType()).getRank() == 1) {
      result.existing = dq.getInput();
      return result;
    }
  }
  std::optional<SmallVector<double>> real = getRealConstant(bias);
  if (!real || (real->size() != 1 && static_cast<int64_t>(real->size()) != channels))
    return failure(); // computed at run time: the layer stays float
  result.plan = planQuantizedBias(layer, *real, biasType, channels, state);
  if (!result.plan)
    return failure();
  return result;
}

Value materializeBias(RewriterBase &rewriter, Location loc,
                      const BiasPlan &plan) {
  if (plan.plan)
    return createConstant(rewriter, loc, *plan.plan);
  return plan.existing;
}

//===----------------------------------------------------------------------===//
// Layers
//===----------------------------------------------------------------------===//

Value createLayerLike(RewriterBase &rewriter, ConvOp op, Type resultType,
                      Value input, Value weight, Value bias) {
  return rewriter.create<ConvOp>(op.getLoc(), resultType, input, weight, bias,
                                 op.getStridesAttr(), op.getPadsAttr(),
                                 op.getDilationsAttr(), op.getGroupAttr(),
                                 op.getAccBitsAttr());
}

Value createLayerLike(RewriterBase &rewriter, DenseOp op, Type resultType,
                      Value input, Value weight, Value bias) {
  return rewriter.create<DenseOp>(op.getLoc(), resultType, input, weight, bias,
                                  op.getAccBitsAttr());
}

/// conv/dense(dq(x), dq(w), b) -> dq(conv/dense(x, w, b_i32)): the
/// quantized op yields the exact accumulator at scale sx*sw.
template <typename LayerOp>
struct FuseLayer : OpRewritePattern<LayerOp> {
  FuseLayer(MLIRContext *ctx, FusionState &state)
      : OpRewritePattern<LayerOp>(ctx), state(state) {}

  LogicalResult matchAndRewrite(LayerOp op,
                                PatternRewriter &rewriter) const override {
    if (isQuantized(op.getType()))
      return failure();
    auto inputDq = op.getInput().template getDefiningOp<DequantizeOp>();
    auto weightDq = op.getWeight().template getDefiningOp<DequantizeOp>();
    if (!inputDq || !weightDq)
      return failure();
    Value input = inputDq.getInput(), weight = weightDq.getInput();
    QuantizedType qin = getQuantElementType(input.getType());
    QuantizedType qw = getQuantElementType(weight.getType());
    if (getQuantizedAxis(qin))
      return rewriter.notifyMatchFailure(op, "per-axis quantized input");
    if (std::optional<int32_t> axis = getQuantizedAxis(qw); axis && *axis != 0)
      return rewriter.notifyMatchFailure(op, "weights quantized along an axis "
                                             "other than output channels");
    std::optional<ConstantPlan> symmetric;
    if (llvm::any_of(getZeroPoints(qw), [](int64_t z) { return z != 0; })) {
      symmetric = planSymmetricWeights(weight);
      if (!symmetric)
        return rewriter.notifyMatchFailure(op, "non-constant weights with a "
                                               "non-zero zero point");
      qw = getQuantElementType(symmetric->type);
    }
    int64_t channels = cast<ShapedType>(weight.getType()).getDimSize(0);
    FailureOr<BiasPlan> bias =
        planBias(op, op.getBias(), getAccumulatorType(qin, qw, 0), channels,
                 state);
    if (failed(bias))
      return rewriter.notifyMatchFailure(op, "bias is not a constant");

    if (symmetric)
      weight = createConstant(rewriter, weightDq.getLoc(), *symmetric);
    Value newBias = materializeBias(rewriter, op.getLoc(), *bias);
    auto accType = withElementType(op.getType(), getAccumulatorType(qin, qw, 1));
    Value layer =
        createLayerLike(rewriter, op, accType, input, weight, newBias);
    rewriter.replaceOpWithNewOp<DequantizeOp>(op, op.getType(), layer);
    return success();
  }

  FusionState &state;
};

/// add(layer(x, w), c) -> layer(x, w, c) for a bias-less conv/dense (float,
/// or dequantized from a quantized one) and a constant that broadcasts
/// along the channel axis only, as exporters that split the bias write it.
struct MoveAddedBiasIntoLayer : OpRewritePattern<AddOp> {
  MoveAddedBiasIntoLayer(MLIRContext *ctx, FusionState &state)
      : OpRewritePattern<AddOp>(ctx, /*benefit=*/2), state(state) {}

  LogicalResult matchAndRewrite(AddOp op,
                                PatternRewriter &rewriter) const override {
    if (isQuantized(op.getType()))
      return failure();
    for (int side = 0; side < 2; ++side)
      if (succeeded(tryMove(op, op->getOperand(side), op->getOperand(1 - side),
                            rewriter)))
        return success();
    return failure();
  }

  /// Per-channel values of `bias` broadcast onto `result` (rank R, channels
  /// on axis 1): the constant's dimensions aligned to the trailing ones of
  /// the result must all be 1 except the channel dimension.
  static std::optional<SmallVector<double>>
  getChannelValues(Value bias, RankedTensorType result) {
    std::optional<SmallVector<double>> real = getRealConstant(bias);
    if (!real)
      return std::nullopt;
    auto shape = cast<RankedTensorType>(bias.getType()).getShape();
    int64_t offset = result.getRank() - static_cast<int64_t>(shape.size());
    if (offset < 0)
      return std::nullopt;
    for (auto [d, size] : llvm::enumerate(shape)) {
      int64_t axis = static_cast<int64_t>(d) + offset;
      if (size != 1 && (axis != 1 || size != result.getDimSize(1)))
        return std::nullopt;
    }
    return real;
  }

  LogicalResult tryMove(AddOp op, Value layerSide, Value other,
                        PatternRewriter &rewriter) const {
    if (layerSide.getType() != op.getType() || !layerSide.hasOneUse())
      return failure();
    auto dq = layerSide.getDefiningOp<DequantizeOp>();
    Operation *layer = dq ? dq.getInput().getDefiningOp()
                          : layerSide.getDefiningOp();
    if (!layer || !isa<ConvOp, DenseOp>(layer) ||
        (dq && !dq.getInput().hasOneUse()))
      return failure();
    Value input = layer->getOperand(0), weight = layer->getOperand(1);
    if (layer->getNumOperands() > 2)
      return failure(); // already has a bias
    std::optional<SmallVector<double>> real =
        getChannelValues(other, cast<RankedTensorType>(op.getType()));
    if (!real)
      return failure();
    int64_t channels = cast<ShapedType>(weight.getType()).getDimSize(0);
    Type layerType = layer->getResult(0).getType();

    auto create = [&](Value bias) {
      if (auto conv = dyn_cast<ConvOp>(layer))
        return createLayerLike(rewriter, conv, layerType, input, weight, bias);
      return createLayerLike(rewriter, cast<DenseOp>(layer), layerType, input,
                             weight, bias);
    };
    if (!dq) {
      SmallVector<float> values;
      for (int64_t c = 0; c < channels; ++c)
        values.push_back(
            static_cast<float>((*real)[real->size() == 1 ? 0 : c]));
      auto biasType = RankedTensorType::get({channels}, rewriter.getF32Type());
      Value bias = rewriter.create<ConstantOp>(
          op.getLoc(), biasType,
          DenseElementsAttr::get(biasType, ArrayRef<float>(values)));
      rewriter.replaceOp(op, create(bias));
      return success();
    }
    QuantizedType biasType =
        getAccumulatorType(getQuantElementType(input.getType()),
                           getQuantElementType(weight.getType()), 0);
    std::optional<ConstantPlan> plan =
        planQuantizedBias(op, *real, biasType, channels, state);
    if (!plan)
      return failure();
    Value layerWithBias = create(createConstant(rewriter, op.getLoc(), *plan));
    rewriter.replaceOpWithNewOp<DequantizeOp>(op, op.getType(), layerWithBias);
    return success();
  }

  FusionState &state;
};

//===----------------------------------------------------------------------===//
// Quantize, dequantize, requantize, clamp
//===----------------------------------------------------------------------===//

/// quantize(dq(a)) -> a when no stored integer changes, else requantize(a).
struct FoldQuantizeOfDequantize : OpRewritePattern<QuantizeOp> {
  FoldQuantizeOfDequantize(MLIRContext *ctx, FusionState &state)
      : OpRewritePattern<QuantizeOp>(ctx), state(state) {}

  LogicalResult matchAndRewrite(QuantizeOp op,
                                PatternRewriter &rewriter) const override {
    auto dq = op.getInput().getDefiningOp<DequantizeOp>();
    if (!dq || getQuantizedAxis(getQuantElementType(op.getType())))
      return failure();
    Value source = dq.getInput();
    switch (classifyRescale(source.getType(), op.getType())) {
    case Rescale::Same:
      rewriter.replaceOp(op, source);
      return success();
    case Rescale::Subset:
      replaceWithRefined(rewriter, op, source);
      return success();
    case Rescale::Requantize:
      rewriter.replaceOpWithNewOp<RequantizeOp>(op, op.getType(), source);
      return success();
    }
    return failure();
  }

  FusionState &state;
};

/// requantize(a) -> a when no stored integer changes.
struct FoldIdentityRequantize : OpRewritePattern<RequantizeOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(RequantizeOp op,
                                PatternRewriter &rewriter) const override {
    switch (classifyRescale(op.getInput().getType(), op.getType())) {
    case Rescale::Same:
      rewriter.replaceOp(op, op.getInput());
      return success();
    case Rescale::Subset:
      if (!allUsesAcceptRefinedType(
              op.getResult(), getElementTypeOrSelf(op.getInput().getType())))
        return failure();
      replaceWithRefined(rewriter, op, op.getInput());
      return success();
    case Rescale::Requantize:
      return failure();
    }
    return failure();
  }
};

/// quantize(clamp_f32(x, lo, hi)) -> quantize(x) into a storage range
/// narrowed to the quantized bounds (ReLU, Clip before the quantize).
struct FoldFloatClampIntoQuantize : OpRewritePattern<QuantizeOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(QuantizeOp op,
                                PatternRewriter &rewriter) const override {
    auto clamp = op.getInput().getDefiningOp<ClampOp>();
    UniformQuantizedType type = getPerTensorType(op.getType());
    if (!clamp || !type)
      return failure();
    std::optional<UniformQuantizedType> narrowed =
        getQuantizedClampType(type, clamp.getMin().convertToDouble(),
                              clamp.getMax().convertToDouble());
    if (!narrowed)
      return rewriter.notifyMatchFailure(op, "clamp leaves a single value");
    Value quantized = rewriter.create<QuantizeOp>(
        op.getLoc(), withElementType(op.getType(), *narrowed),
        clamp.getInput());
    replaceWithRefined(rewriter, op, quantized);
    return success();
  }
};

/// clamp_q(requantize(a)) -> requantize(a), clamp_q(quantize(x)) ->
/// quantize(x), clamp_q(clamp_q(x)) -> clamp_q(x): the producer's result
/// type becomes the clamp's. Through a single-use maxpool or reshape the
/// clamp moves towards its producer first (both commute with clamping).
struct FoldQuantizedClamp : OpRewritePattern<ClampOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(ClampOp op,
                                PatternRewriter &rewriter) const override {
    if (!isQuantized(op.getType()))
      return failure();
    Operation *producer = op.getInput().getDefiningOp();
    if (!producer)
      return failure();
    if (auto requantize = dyn_cast<RequantizeOp>(producer)) {
      rewriter.replaceOpWithNewOp<RequantizeOp>(op, op.getType(),
                                                requantize.getInput());
      return success();
    }
    if (auto quantize = dyn_cast<QuantizeOp>(producer)) {
      rewriter.replaceOpWithNewOp<QuantizeOp>(op, op.getType(),
                                              quantize.getInput());
      return success();
    }
    if (auto inner = dyn_cast<ClampOp>(producer)) {
      double lo = std::max(op.getMin().convertToDouble(),
                           inner.getMin().convertToDouble());
      double hi = std::min(op.getMax().convertToDouble(),
                           inner.getMax().convertToDouble());
      if (lo > hi)
        return failure();
      rewriter.replaceOpWithNewOp<ClampOp>(op, op.getType(), inner.getInput(),
                                           rewriter.getF64FloatAttr(lo),
                                           rewriter.getF64FloatAttr(hi));
      return success();
    }
    if (!isa<MaxPoolOp, ReshapeOp>(producer) ||
        !producer->getResult(0).hasOneUse())
      return failure();
    Value inner = producer->getOperand(0);
    Type element = getElementTypeOrSelf(op.getType());
    Value clamped =
        rewriter.create<ClampOp>(op.getLoc(), withElementType(inner.getType(), element),
                                 inner, op.getMinAttr(), op.getMaxAttr());
    Operation *moved = rewriter.clone(*producer);
    rewriter.modifyOpInPlace(moved, [&] {
      moved->setOperand(0, clamped);
      moved->getResult(0).setType(op.getType());
    });
    rewriter.replaceOp(op, moved->getResults());
    return success();
  }
};

/// Quantize/requantize results take their canonical container (see
/// getNormalizedStorageType).
template <typename OpTy>
struct NormalizeStorage : OpRewritePattern<OpTy> {
  using OpRewritePattern<OpTy>::OpRewritePattern;

  LogicalResult matchAndRewrite(OpTy op,
                                PatternRewriter &rewriter) const override {
    UniformQuantizedType type = getPerTensorType(op.getType());
    if (!type)
      return failure();
    UniformQuantizedType normalized = getNormalizedStorageType(type);
    if (normalized == type ||
        !allUsesAcceptRefinedType(op.getResult(), normalized))
      return failure();
    Value result = rewriter.create<OpTy>(
        op.getLoc(), withElementType(op.getType(), normalized), op.getInput());
    replaceWithRefined(rewriter, op, result);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Pooling, shapes, elementwise
//===----------------------------------------------------------------------===//

/// quantize(maxpool_f32(x)) -> maxpool(quantize(x)), and the same through
/// reshape: quantization is monotone and elementwise.
template <typename OpTy>
struct QuantizeBeforeOp : OpRewritePattern<QuantizeOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(QuantizeOp op,
                                PatternRewriter &rewriter) const override {
    auto inner = op.getInput().getDefiningOp<OpTy>();
    UniformQuantizedType type = getPerTensorType(op.getType());
    if (!inner || !type)
      return failure();
    Value quantized = rewriter.create<QuantizeOp>(
        op.getLoc(), withElementType(inner.getInput().getType(), type),
        inner.getInput());
    Operation *moved = rewriter.clone(*inner);
    rewriter.modifyOpInPlace(moved, [&] {
      moved->setOperand(0, quantized);
      moved->getResult(0).setType(op.getType());
    });
    rewriter.replaceOp(op, moved->getResults());
    return success();
  }
};

/// maxpool_f32(dq(q)) -> dq(maxpool(q)), reshape likewise: dequantization
/// is strictly increasing and elementwise.
template <typename OpTy>
struct DequantizeAfterOp : OpRewritePattern<OpTy> {
  using OpRewritePattern<OpTy>::OpRewritePattern;

  LogicalResult matchAndRewrite(OpTy op,
                                PatternRewriter &rewriter) const override {
    if (isQuantized(op.getType()))
      return failure();
    auto dq = op.getInput().template getDefiningOp<DequantizeOp>();
    if (!dq || !getPerTensorType(dq.getInput().getType()))
      return failure();
    Operation *moved = rewriter.clone(*op);
    rewriter.modifyOpInPlace(moved, [&] {
      moved->setOperand(0, dq.getInput());
      moved->getResult(0).setType(withElementType(
          op.getType(), getElementTypeOrSelf(dq.getInput().getType())));
    });
    rewriter.replaceOpWithNewOp<DequantizeOp>(op, op.getType(),
                                              moved->getResult(0));
    return success();
  }
};

/// argmax(dq(q)) -> argmax(q): a per-tensor dequantization is strictly
/// increasing, so the first maximum stays where it is.
struct ArgMaxOfDequantize : OpRewritePattern<ArgMaxOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(ArgMaxOp op,
                                PatternRewriter &rewriter) const override {
    auto dq = op.getInput().getDefiningOp<DequantizeOp>();
    if (!dq || !getPerTensorType(dq.getInput().getType()))
      return failure();
    rewriter.modifyOpInPlace(op, [&] { op.getInputMutable().assign(dq.getInput()); });
    return success();
  }
};

/// requantize(maxpool(acc)) -> maxpool(requantize(acc)) for an accumulator
/// of a conv or dense: requantization is monotone per channel, and this
/// order makes conv -> requantize -> maxpool blocks.
struct RequantizeBeforeMaxPool : OpRewritePattern<RequantizeOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(RequantizeOp op,
                                PatternRewriter &rewriter) const override {
    auto pool = op.getInput().getDefiningOp<MaxPoolOp>();
    if (!pool || !pool.getResult().hasOneUse())
      return failure();
    Operation *layer = pool.getInput().getDefiningOp();
    if (!layer || !isa<ConvOp, DenseOp>(layer))
      return failure();
    Value requantized = rewriter.create<RequantizeOp>(
        op.getLoc(),
        withElementType(pool.getInput().getType(),
                        getElementTypeOrSelf(op.getType())),
        pool.getInput());
    Operation *moved = rewriter.clone(*pool);
    rewriter.modifyOpInPlace(moved, [&] {
      moved->setOperand(0, requantized);
      moved->getResult(0).setType(op.getType());
    });
    rewriter.replaceOp(op, moved->getResults());
    return success();
  }
};

/// quantize(add(dq(a), dq(b))) -> add(a, b) and quantize(avgpool(dq(a))) ->
/// avgpool(a): the quantized ops are defined as exactly that.
struct FuseQuantizedElementwise : OpRewritePattern<QuantizeOp> {
  using OpRewritePattern::OpRewritePattern;

  static Value getPerTensorSource(Value value) {
    auto dq = value.getDefiningOp<DequantizeOp>();
    return dq && getPerTensorType(dq.getInput().getType()) ? dq.getInput()
                                                           : Value();
  }

  LogicalResult matchAndRewrite(QuantizeOp op,
                                PatternRewriter &rewriter) const override {
    if (!getPerTensorType(op.getType()))
      return failure();
    if (auto add = op.getInput().getDefiningOp<AddOp>()) {
      Value lhs = getPerTensorSource(add.getLhs());
      Value rhs = getPerTensorSource(add.getRhs());
      if (!lhs || !rhs)
        return failure();
      rewriter.replaceOpWithNewOp<AddOp>(op, op.getType(), lhs, rhs);
      return success();
    }
    if (auto pool = op.getInput().getDefiningOp<AvgPoolOp>()) {
      Value input = getPerTensorSource(pool.getInput());
      if (!input)
        return failure();
      rewriter.replaceOpWithNewOp<AvgPoolOp>(
          op, op.getType(), input, pool.getKernelAttr(), pool.getStridesAttr(),
          pool.getPadsAttr(), pool.getCountIncludePadAttr());
      return success();
    }
    return failure();
  }
};

struct FuseQuantizationPass
    : public qrcnn::qnn::impl::FuseQuantizationBase<FuseQuantizationPass> {
  void runOnOperation() override {
    if (failed(fuseQuantization(getOperation())))
      signalPassFailure();
  }
};

} // namespace

LogicalResult qrcnn::qnn::fuseQuantization(Operation *root) {
  MLIRContext *ctx = root->getContext();
  FusionState state;
  RewritePatternSet patterns(ctx);
  patterns.add<FuseLayer<ConvOp>, FuseLayer<DenseOp>, MoveAddedBiasIntoLayer,
               FoldQuantizeOfDequantize>(ctx, state);
  patterns.add<FoldIdentityRequantize, FoldFloatClampIntoQuantize,
               FoldQuantizedClamp, NormalizeStorage<QuantizeOp>,
               NormalizeStorage<RequantizeOp>, QuantizeBeforeOp<MaxPoolOp>,
               QuantizeBeforeOp<ReshapeOp>, DequantizeAfterOp<MaxPoolOp>,
               DequantizeAfterOp<ReshapeOp>, ArgMaxOfDequantize,
               RequantizeBeforeMaxPool, FuseQuantizedElementwise>(ctx);
  GreedyRewriteConfig config;
  // Every pattern moves ops one way (into the integer domain, towards
  // narrower types), so a handful of sweeps suffices; a bound keeps a
  // pattern bug from hanging the compiler.
  config.maxIterations = 64;
  bool converged =
      succeeded(applyPatternsAndFoldGreedily(root, std::move(patterns), config));
  if (state.failed)
    return failure();
  if (!converged)
    return root->emitError("quantization fusion did not converge");
  return success();
}
