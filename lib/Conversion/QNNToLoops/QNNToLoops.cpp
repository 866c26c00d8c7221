//===- QNNToLoops.cpp - qnn tensors to loops on buffers -------------------===//
//
// Lowers each function on qnn tensors to an integer entry on memrefs and a
// float entry that quantizes, calls it and dequantizes (see
// ConversionPasses.td). The work per function:
//
//  1. analysis: entries (which quantize/dequantize ops form the boundary),
//     fusion (conv/dense -> requantize -> non-overlapping maxpool becomes one
//     loop nest), live ranges in program order;
//  2. placement: every value that needs memory goes to an entry argument, a
//     constant global, or a slot of a per-container arena (linear scan
//     interval colouring); a reshape is a view of its input;
//  3. emission: one loop nest per placed op, in program order.
//
// Loop order of a conv: batch, output positions, output channel, then the
// reduction over input channels and kernel taps (innermost). Each output
// element is one scalar accumulation, so the accumulator never leaves a
// register and requantization and pooling happen right where it is produced;
// the innermost taps read weights and (for dilation 1) inputs contiguously.
// Vectorizing across output channels or peeling padded borders is the CPU
// backend's choice, not the common input's.
//
//===----------------------------------------------------------------------===//
#include "qrcnn/Conversion/QNNToLoops.h"
#include "Storage.h"

#include "qrcnn/Conversion/IntegerArith.h"
#include "qrcnn/Conversion/Passes.h"
#include "qrcnn/Dialect/QNN/QNNOps.h"
#include "qrcnn/Dialect/QNN/QuantTypeUtils.h"
#include "qrcnn/Dialect/QNN/Requantization.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/ADT/TypeSwitch.h"

#include <limits>

namespace qrcnn::qnn {
#define GEN_PASS_DEF_LOWERTOLOOPS
#include "qrcnn/Dialect/QNN/ConversionPasses.h.inc"
} // namespace qrcnn::qnn

using namespace mlir;
using namespace qrcnn::qnn;
using namespace qrcnn::qnn::detail;

namespace {

constexpr int64_t kForever = std::numeric_limits<int64_t>::max();

SmallVector<int64_t> getShape(Value v) {
  return SmallVector<int64_t>(cast<ShapedType>(v.getType()).getShape());
}

int64_t getNumElements(Value v) {
  return cast<ShapedType>(v.getType()).getNumElements();
}

quant::QuantizedType getQuant(Value v) {
  return getQuantElementType(v.getType());
}

/// Accumulators are i32 scalars whatever `acc_bits` says (it is at most 32):
/// after EmitC, narrower arithmetic would be promoted to C's signed int and
/// products of two negative 16-bit values could overflow it. The inferred
/// width travels as `qnn.acc_bits` on the reduction loop instead.
SmallVector<NamedAttribute> accBitsAttrs(MLIRContext *ctx,
                                         std::optional<uint64_t> accBits) {
  if (!accBits)
    return {};
  Builder b(ctx);
  return {b.getNamedAttr(kAccBitsAttrName, b.getI64IntegerAttr(*accBits))};
}

//===----------------------------------------------------------------------===//
// Requantization parameters
//===----------------------------------------------------------------------===//

/// Integer parameters of one requantization site: one multiplier per tensor
/// or per channel.
struct RequantSpec {
  SmallVector<qrcnn::rt::RequantParams> params;
  int64_t zeroPoint = 0, lo = 0, hi = 0;

  bool uniformMultiplier() const {
    return llvm::all_of(params, [&](const qrcnn::rt::RequantParams &p) {
      return p.multiplier == params.front().multiplier;
    });
  }
  bool uniformShift() const {
    return llvm::all_of(params, [&](const qrcnn::rt::RequantParams &p) {
      return p.shift == params.front().shift;
    });
  }
  ShiftSign sign() const {
    bool anyPositive = false, anyNonPositive = false;
    for (const qrcnn::rt::RequantParams &p : params)
      (p.shift > 0 ? anyPositive : anyNonPositive) = true;
    if (anyPositive && anyNonPositive)
      return ShiftSign::Mixed;
    return anyPositive ? ShiftSign::Positive : ShiftSign::NonPositive;
  }
};

/// A RequantSpec materialized in a function: constants, or tables indexed
/// by channel.
struct RequantValues {
  Value multiplier, shift;           // constants when uniform
  Value multiplierTable, shiftTable; // memref<C x i32> otherwise
  ShiftSign sign = ShiftSign::Positive;
  int64_t zeroPoint = 0, lo = 0, hi = 0;
  /// The parameters were proven to give rt::requantize's results in i32
  /// arithmetic (LoweringOptions::narrowRequantize): everything is i32.
  bool narrow = false;

  /// The integer type apply() computes and returns in.
  Type getType(OpBuilder &b) const {
    return narrow ? b.getI32Type() : b.getI64Type();
  }

  /// Requantizes `acc` (of getType()); `channel` (index) selects the table
  /// entry.
  Value apply(OpBuilder &b, Location loc, Value acc, Value channel) const {
    Type type = getType(b);
    Value m = multiplier, s = shift;
    if (multiplierTable)
      m = buildIntCast(b, loc,
                       b.create<memref::LoadOp>(loc, multiplierTable, channel),
                       type, /*isSigned=*/true);
    if (shiftTable)
      s = buildIntCast(b, loc,
                       b.create<memref::LoadOp>(loc, shiftTable, channel),
                       type, /*isSigned=*/true);
    if (!narrow)
      return buildRequantize(b, loc, acc, m, s, sign, zeroPoint, lo, hi);
    // i32, shift >= 1, no overflow (findNarrowParams checked every value).
    // Round half to even without i1 logic, which compilers do not
    // vectorize: up = -1 exactly when remainder + (quotient & 1) > half,
    // i.e. above half, or at half with an odd quotient.
    auto c = [&](int64_t v) { return buildIntConstant(b, loc, type, v); };
    Value product = b.createOrFold<arith::MulIOp>(loc, acc, m);
    Value quotient = b.createOrFold<arith::ShRSIOp>(loc, product, s);
    Value power = b.createOrFold<arith::ShLIOp>(loc, c(1), s);
    Value remainder = b.createOrFold<arith::AndIOp>(
        loc, product, b.createOrFold<arith::SubIOp>(loc, power, c(1)));
    Value half = b.createOrFold<arith::ShRSIOp>(loc, power, c(1));
    Value odd = b.createOrFold<arith::AndIOp>(loc, quotient, c(1));
    Value slack = b.createOrFold<arith::SubIOp>(
        loc, half, b.createOrFold<arith::AddIOp>(loc, remainder, odd));
    Value up = b.createOrFold<arith::ShRSIOp>(loc, slack, c(31));
    Value y = b.createOrFold<arith::AddIOp>(
        loc, b.createOrFold<arith::SubIOp>(loc, quotient, up), c(zeroPoint));
    return buildClamp(b, loc, y, lo, hi);
  }

  /// Requantizes an i32 accumulator of a conv or dense.
  Value applyToAccumulator(OpBuilder &b, Location loc, Value acc,
                           Value channel) const {
    return apply(b, loc, buildIntCast(b, loc, acc, getType(b), true), channel);
  }
};

/// Closed interval of a conv or dense accumulator, per output channel.
struct AccInterval {
  int64_t lo, hi;
};

/// acc[c] = bias[c] + sum (x - zx) * w[c, ...] with x anywhere in the input
/// type's storage range (padding reads zx: a term 0): the interval per
/// output channel (dim 0 of the weights), or nothing when the weights or
/// bias are not constants.
std::optional<SmallVector<AccInterval>>
getAccIntervals(Value weight, Value bias, quant::QuantizedType input) {
  auto wConst = weight.getDefiningOp<ConstantOp>();
  if (!wConst || !input)
    return std::nullopt;
  auto wValues = wConst.getValue().tryGetValues<APInt>();
  if (!wValues)
    return std::nullopt;
  quant::QuantizedType wq = getQuant(weight);
  int64_t zx = getZeroPoints(input).front();
  int64_t xlo = input.getStorageTypeMin() - zx;
  int64_t xhi = input.getStorageTypeMax() - zx;
  SmallVector<int64_t> shape = getShape(weight);
  int64_t channels = shape.front();
  if (channels <= 0)
    return std::nullopt;
  int64_t perChannel = getNumElements(weight) / channels;
  SmallVector<AccInterval> intervals(channels, AccInterval{0, 0});
  int64_t i = 0;
  for (APInt v : *wValues) {
    int64_t w = wq && wq.isSigned() ? v.getSExtValue()
                                    : static_cast<int64_t>(v.getZExtValue());
    int64_t a = w * xlo, c = w * xhi;
    AccInterval &interval = intervals[i++ / perChannel];
    interval.lo += std::min<int64_t>({a, c, 0});
    interval.hi += std::max<int64_t>({a, c, 0});
  }
  if (bias) {
    auto bConst = bias.getDefiningOp<ConstantOp>();
    if (!bConst)
      return std::nullopt;
    auto bValues = bConst.getValue().tryGetValues<APInt>();
    if (!bValues || getNumElements(bias) != channels)
      return std::nullopt;
    int64_t c = 0;
    for (APInt v : *bValues) {
      intervals[c].lo += v.getSExtValue();
      intervals[c].hi += v.getSExtValue();
      ++c;
    }
  }
  return intervals;
}

/// rt::requantize as the i32 IR of buildRequantize computes it with
/// multiplier `m` and shift `s` >= 1, or nothing when an intermediate value
/// would leave i32.
std::optional<int64_t> requantizeInt32(int64_t acc, int64_t m, int64_t s,
                                       int64_t zeroPoint, int64_t lo,
                                       int64_t hi) {
  int64_t product = acc * m;
  if (product < INT32_MIN || product > INT32_MAX)
    return std::nullopt;
  // As RequantValues::apply emits it.
  int64_t quotient = product >> s;
  int64_t remainder = product & ((int64_t(1) << s) - 1);
  int64_t half = int64_t(1) << (s - 1);
  int64_t up = (half - (remainder + (quotient & 1))) < 0 ? -1 : 0;
  int64_t y = quotient - up + zeroPoint;
  if (y < INT32_MIN || y > INT32_MAX)
    return std::nullopt;
  return std::clamp(y, lo, hi);
}

/// For each channel, the narrowest i32 multiplier (the smallest shift
/// s in [1, 30]) with which requantizeInt32 equals rt::requantize for EVERY
/// accumulator value of the channel's interval. Nothing when a channel has
/// none (or its interval is too large to check exhaustively).
std::optional<SmallVector<qrcnn::rt::RequantParams>>
findNarrowParams(ArrayRef<qrcnn::rt::RequantParams> params,
                 ArrayRef<AccInterval> intervals, int64_t zeroPoint,
                 int64_t lo, int64_t hi) {
  constexpr int64_t kMaxChecked = int64_t(1) << 22;
  if (intervals.size() != params.size() && params.size() != 1)
    return std::nullopt;
  SmallVector<qrcnn::rt::RequantParams> result;
  for (auto [c, interval] : llvm::enumerate(intervals)) {
    qrcnn::rt::RequantParams p = params.size() == 1 ? params[0] : params[c];
    if (p.shift < 1 || p.multiplier <= 0 ||
        interval.hi - interval.lo > kMaxChecked ||
        interval.lo < INT32_MIN || interval.hi > INT32_MAX)
      return std::nullopt;
    std::optional<qrcnn::rt::RequantParams> found;
    for (int64_t s = 1; s <= std::min<int64_t>(p.shift, 30) && !found; ++s) {
      // m = round_half_even(multiplier * 2^(s - shift)).
      int64_t drop = p.shift - s;
      int64_t m = p.multiplier;
      if (drop > 0) {
        if (drop >= 62)
          continue;
        m = qrcnn::rt::roundingShiftHalfEven(p.multiplier, drop);
      }
      if (m <= 0 || m > INT32_MAX)
        continue;
      bool same = true;
      for (int64_t acc = interval.lo; acc <= interval.hi && same; ++acc) {
        std::optional<int64_t> y =
            requantizeInt32(acc, m, s, zeroPoint, lo, hi);
        same = y && *y == qrcnn::rt::requantize(acc, p, zeroPoint, lo, hi);
      }
      if (same)
        found = qrcnn::rt::RequantParams{static_cast<int32_t>(m),
                                         static_cast<int32_t>(s)};
    }
    if (!found)
      return std::nullopt;
    result.push_back(*found);
  }
  return result;
}

//===----------------------------------------------------------------------===//
// Window positions (conv, max pool, average pool)
//===----------------------------------------------------------------------===//

/// Appends to `index`, per spatial dim d, the input position read by tap
/// taps[d] of output position positions[d]:
///   positions[d] * strides[d] + taps[d] * dilations[d] - padsBegin[d].
/// Padding is a mask, not a copy: where needsMask[d] (some tap can leave the
/// input), one unsigned compare with extents[d] tests the position (a
/// negative one wraps to a huge one) and the position is clamped to 0 so
/// the load stays in bounds. Returns the and of those compares, or null
/// when no dim is masked; the caller replaces the value loaded where it is
/// false.
Value appendWindowIndex(OpBuilder &b, Location loc, ValueRange positions,
                        ValueRange taps, ArrayRef<int64_t> strides,
                        ArrayRef<int64_t> dilations,
                        ArrayRef<int64_t> padsBegin, ArrayRef<bool> needsMask,
                        ArrayRef<OpFoldResult> extents,
                        SmallVectorImpl<Value> &index) {
  Value inBounds;
  for (size_t d = 0; d < strides.size(); ++d) {
    Value p = b.createOrFold<arith::MulIOp>(
        loc, positions[d], b.create<arith::ConstantIndexOp>(loc, strides[d]));
    p = b.createOrFold<arith::AddIOp>(
        loc, p,
        b.createOrFold<arith::MulIOp>(
            loc, taps[d], b.create<arith::ConstantIndexOp>(loc, dilations[d])));
    if (padsBegin[d] != 0)
      p = b.create<arith::SubIOp>(
          loc, p, b.create<arith::ConstantIndexOp>(loc, padsBegin[d]));
    if (needsMask[d]) {
      Value extent = getValueOrCreateConstantIndexOp(b, loc, extents[d]);
      Value inside =
          b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::ult, p, extent);
      inBounds = inBounds ? b.create<arith::AndIOp>(loc, inBounds, inside)
                          : inside;
      p = b.create<arith::SelectOp>(loc, inside, p,
                                    b.create<arith::ConstantIndexOp>(loc, 0));
    }
    index.push_back(p);
  }
  return inBounds;
}

//===----------------------------------------------------------------------===//
// Conv loop nest (qnn.conv and every step of qnn.recurrent_conv)
//===----------------------------------------------------------------------===//

struct ConvNest {
  int64_t groups = 1;
  SmallVector<int64_t> kernel, strides, padsBegin, dilations;
  /// Per spatial dim: can some tap fall outside the input (padding)?
  SmallVector<bool> needsMask;
  int64_t inZeroPoint = 0;
  Type accType;
  std::optional<uint64_t> accBits;
  std::optional<RequantValues> requant;
  /// Fused max pool over the requantized conv outputs (no padding).
  SmallVector<int64_t> poolKernel, poolStrides;
  /// Static maxima of the output's spatial extents (for dynamic bounds).
  SmallVector<int64_t> maxOutSpatial;
  /// Max over the accumulators, then one requantization (fused pools).
  bool poolBeforeRequantize = false;
  /// 1-D, batch 1: the input is first copied to `staged` (logical shape
  /// [C, W]) with the padding as zero-point cells; the taps read it without
  /// bounds tests. `overcompute` goes on the position loop.
  std::optional<Storage> staged;
  int64_t overcompute = 0;
};

/// Staging width of a 1-D conv: the cells read by outputs up to the next
/// multiple of `multiple` of `maxConv` outputs.
int64_t getStagedWidth(int64_t maxConv, int64_t multiple, int64_t kernel,
                       int64_t stride, int64_t dilation) {
  int64_t outputs = (maxConv + multiple - 1) / multiple * multiple;
  return (std::max<int64_t>(outputs, 1) - 1) * stride +
         (kernel - 1) * dilation + 1;
}

/// staged[ci, j] = in[0, ci, j - padBegin], or the zero point where that
/// lies outside the input: the rows filled with the zero point, then the
/// input copied in. Two loops with contiguous stores and no per-cell test,
/// which compilers vectorize (a select per cell on a clamped load index
/// they do not).
void emitStaging(OpBuilder &b, Location loc, const Storage &in,
                 const Storage &staged, int64_t padBegin, int64_t zeroPoint) {
  Type elementType = cast<MemRefType>(staged.memref.getType()).getElementType();
  buildParallelNest(b, loc, staged.shape, {0, 0},
                    [&](OpBuilder &b, Location loc, ValueRange ivs) {
                      staged.store(
                          b, loc,
                          buildIntConstant(b, loc, elementType, zeroPoint), ivs);
                    });
  // The input cells the staged width holds: min(L, W - padBegin) (W is
  // static; L, a recurrent step's length, may not be).
  int64_t room = std::max<int64_t>(
      *getConstantIntValue(staged.shape[1]) - padBegin, 0);
  Value length = getValueOrCreateConstantIndexOp(b, loc, in.shape[2]);
  Value roomValue = b.create<arith::ConstantIndexOp>(loc, room);
  OpFoldResult copied = b.createOrFold<arith::SelectOp>(
      loc,
      b.createOrFold<arith::CmpIOp>(loc, arith::CmpIPredicate::slt, length,
                                    roomValue),
      length, roomValue);
  buildParallelNest(b, loc, {staged.shape[0], copied}, {0, room},
                    [&](OpBuilder &b, Location loc, ValueRange ivs) {
                      Value zero = b.create<arith::ConstantIndexOp>(loc, 0);
                      Value x = in.load(b, loc, {zero, ivs[0], ivs[1]});
                      Value j = b.createOrFold<arith::AddIOp>(
                          loc, ivs[1],
                          b.create<arith::ConstantIndexOp>(loc, padBegin));
                      staged.store(b, loc, x, {ivs[0], j});
                    });
}

/// out[n, co, p] for every output position p (pooled if the nest pools):
/// acc = bias[co] + sum_{ci, k} (in[n, g*Cg + ci, p*s + k*d - pad] - zx) * w
/// then requantize, then the max over the pool window.
void emitConvNest(OpBuilder &b, Location loc, const ConvNest &nest,
                  const Storage &in, const Storage &weight,
                  const Storage *bias, const Storage &out) {
  size_t spatial = nest.kernel.size();
  auto weightType = cast<MemRefType>(weight.memref.getType());
  int64_t inPerGroup = weightType.getDimSize(1);
  int64_t outChannels = weightType.getDimSize(0);
  int64_t outPerGroup = outChannels / nest.groups;
  MLIRContext *ctx = b.getContext();

  SmallVector<OpFoldResult> outerBounds = {out.shape[0]};
  SmallVector<int64_t> outerTrips = {0};
  for (size_t d = 0; d < spatial; ++d) {
    outerBounds.push_back(out.shape[2 + d]);
    outerTrips.push_back(nest.maxOutSpatial[d]);
  }
  outerBounds.push_back(out.shape[1]);
  outerTrips.push_back(0);

  SmallVector<OpFoldResult> reductionBounds = {b.getIndexAttr(inPerGroup)};
  for (int64_t k : nest.kernel)
    reductionBounds.push_back(b.getIndexAttr(k));
  if (nest.staged)
    emitStaging(b, loc, in, *nest.staged, nest.padsBegin[0], nest.inZeroPoint);

  buildParallelNest(b, loc, outerBounds, outerTrips, [&](OpBuilder &b,
                                                         Location loc,
                                                         ValueRange ivs) {
    Value n = ivs[0];
    SmallVector<Value> position(ivs.begin() + 1, ivs.begin() + 1 + spatial);
    Value co = ivs.back();
    Value channelBase;
    if (nest.groups > 1)
      channelBase = b.create<arith::MulIOp>(
          loc,
          b.create<arith::DivSIOp>(
              loc, co, b.create<arith::ConstantIndexOp>(loc, outPerGroup)),
          b.create<arith::ConstantIndexOp>(loc, inPerGroup));

    auto convAt = [&](OpBuilder &b, ArrayRef<Value> convPos) -> Value {
      Value init = bias ? bias->loadAs(b, loc, co, nest.accType)
                        : buildIntConstant(b, loc, nest.accType, 0);
      Value zx = buildIntConstant(b, loc, nest.accType, nest.inZeroPoint);
      Value acc = buildReductionNest(
          b, loc, reductionBounds, init,
          [&](OpBuilder &b, Location loc, ValueRange red,
              ValueRange args) -> SmallVector<Value> {
            Value ci = red[0];
            Value channel =
                channelBase ? b.create<arith::AddIOp>(loc, channelBase, ci)
                            : ci;
            if (nest.staged) {
              // In the staging buffer, tap k of output p is at
              // p * stride + k * dilation: no padding left to test.
              Value q = b.createOrFold<arith::AddIOp>(
                  loc,
                  b.createOrFold<arith::MulIOp>(
                      loc, convPos[0],
                      b.create<arith::ConstantIndexOp>(loc, nest.strides[0])),
                  b.createOrFold<arith::MulIOp>(
                      loc, red[1],
                      b.create<arith::ConstantIndexOp>(loc,
                                                       nest.dilations[0])));
              Value x = nest.staged->loadAs(b, loc, {channel, q}, nest.accType);
              if (nest.inZeroPoint != 0)
                x = b.create<arith::SubIOp>(loc, x, zx);
              SmallVector<Value> wIndex = {co, ci};
              wIndex.append(red.begin() + 1, red.end());
              Value w = weight.loadAs(b, loc, wIndex, nest.accType);
              return {b.create<arith::AddIOp>(
                  loc, args[0], b.create<arith::MulIOp>(loc, x, w))};
            }
            SmallVector<Value> inIndex = {n, channel};
            Value inBounds = appendWindowIndex(
                b, loc, convPos, red.drop_front(), nest.strides,
                nest.dilations, nest.padsBegin, nest.needsMask,
                ArrayRef(in.shape).drop_front(2), inIndex);
            Value x = in.loadAs(b, loc, inIndex, nest.accType);
            // Padding reads the zero point.
            if (inBounds)
              x = b.create<arith::SelectOp>(loc, inBounds, x, zx);
            if (nest.inZeroPoint != 0)
              x = b.create<arith::SubIOp>(loc, x, zx);
            SmallVector<Value> wIndex = {co, ci};
            wIndex.append(red.begin() + 1, red.end());
            Value w = weight.loadAs(b, loc, wIndex, nest.accType);
            return {b.create<arith::AddIOp>(
                loc, args[0], b.create<arith::MulIOp>(loc, x, w))};
          },
          accBitsAttrs(ctx, nest.accBits))[0];
      if (!nest.requant || nest.poolBeforeRequantize)
        return acc;
      return nest.requant->applyToAccumulator(b, loc, acc, co);
    };

    if (nest.overcompute && !position.empty())
      if (auto tLoop = dyn_cast<scf::ForOp>(
              position[0].getParentBlock()->getParentOp()))
        tLoop->setAttr(kOvercomputeAttrName,
                       b.getIndexAttr(nest.overcompute));

    Value result;
    if (nest.poolKernel.empty()) {
      result = convAt(b, position);
      if (nest.requant && nest.poolBeforeRequantize)
        result = nest.requant->applyToAccumulator(b, loc, result, co);
    } else {
      // The max of the requantized values, or (the same number) the
      // requantized max of the accumulators.
      Value init =
          nest.poolBeforeRequantize
              ? buildIntConstant(b, loc, nest.accType,
                                 APInt::getSignedMinValue(
                                     nest.accType.getIntOrFloatBitWidth())
                                     .getSExtValue())
              : buildIntConstant(b, loc, nest.requant->getType(b),
                                 nest.requant->lo);
      result = buildReductionNest(
          b, loc, toFoldResults(ctx, nest.poolKernel), init,
          [&](OpBuilder &b, Location loc, ValueRange taps,
              ValueRange args) -> SmallVector<Value> {
            SmallVector<Value> convPos;
            for (size_t d = 0; d < spatial; ++d)
              convPos.push_back(b.createOrFold<arith::AddIOp>(
                  loc,
                  b.createOrFold<arith::MulIOp>(
                      loc, position[d],
                      b.create<arith::ConstantIndexOp>(loc,
                                                       nest.poolStrides[d])),
                  taps[d]));
            return {buildMaxSI(b, loc, args[0], convAt(b, convPos))};
          })[0];
      if (nest.poolBeforeRequantize)
        result = nest.requant->applyToAccumulator(b, loc, result, co);
    }
    SmallVector<Value> outIndex = {n, co};
    outIndex.append(position);
    out.store(b, loc, result, outIndex);
  });
}

/// Max pool with optional padding (padding never wins) from `in` to `out`.
void emitMaxPoolNest(OpBuilder &b, Location loc, const Storage &in,
                     const Storage &out, ArrayRef<int64_t> kernel,
                     ArrayRef<int64_t> strides, ArrayRef<int64_t> padsBegin,
                     ArrayRef<int64_t> dilations, ArrayRef<bool> needsMask,
                     int64_t lowest, ArrayRef<int64_t> maxOutSpatial) {
  MLIRContext *ctx = b.getContext();
  SmallVector<int64_t> trips = {0, 0};
  trips.append(maxOutSpatial.begin(), maxOutSpatial.end());
  Type i64 = b.getI64Type();
  buildParallelNest(b, loc, out.shape, trips, [&](OpBuilder &b, Location loc,
                                                  ValueRange ivs) {
    Value init = buildIntConstant(b, loc, i64, lowest);
    Value best = buildReductionNest(
        b, loc, toFoldResults(ctx, kernel), init,
        [&](OpBuilder &b, Location loc, ValueRange taps,
            ValueRange args) -> SmallVector<Value> {
          SmallVector<Value> index = {ivs[0], ivs[1]};
          Value inBounds = appendWindowIndex(
              b, loc, ivs.drop_front(2), taps, strides, dilations, padsBegin,
              needsMask, ArrayRef(in.shape).drop_front(2), index);
          Value v = in.loadAs(b, loc, index, i64);
          if (inBounds)
            v = b.create<arith::SelectOp>(loc, inBounds, v, args[0]);
          return {buildMaxSI(b, loc, args[0], v)};
        })[0];
    out.store(b, loc, best, ivs);
  });
}

/// Element-by-element copy between two storages of the same logical shape.
void emitCopy(OpBuilder &b, Location loc, const Storage &from,
              const Storage &to, ArrayRef<int64_t> maxTrips) {
  buildParallelNest(b, loc, to.shape, maxTrips,
                    [&](OpBuilder &b, Location loc, ValueRange ivs) {
                      to.store(b, loc, from.load(b, loc, ivs), ivs);
                    });
}

/// Whether a window op over `inSize` can read outside it: some tap of some
/// output position lands in the padding.
bool windowNeedsMask(int64_t inSize, int64_t outSize, int64_t kernel,
                     int64_t stride, int64_t padBegin, int64_t dilation) {
  return padBegin > 0 ||
         (outSize - 1) * stride + (kernel - 1) * dilation - padBegin >= inSize;
}

//===----------------------------------------------------------------------===//
// Function lowering
//===----------------------------------------------------------------------===//

enum class PlaceKind { Unplaced, Input, Output, Global, Arena, Alias, Fused };

struct Place {
  PlaceKind kind = PlaceKind::Unplaced;
  unsigned index = 0; // input/output number or arena slot
};

/// conv/dense -> requantize -> maxpool fused into one nest, emitted at
/// `root` (the last op of the group).
struct Group {
  Operation *layer = nullptr; // ConvOp or DenseOp
  RequantizeOp requant;
  MaxPoolOp pool;
  Operation *root = nullptr;
};

/// Slots of one arena (one container type), allocated by linear scan.
struct Arena {
  IntegerType type;
  SmallVector<int64_t> busyUntil; // per slot: position of its last read
  int64_t size = 1;               // elements per slot
  Value value;                    // memref in the function being built

  unsigned acquire(int64_t position, int64_t until) {
    for (auto [slot, busy] : llvm::enumerate(busyUntil))
      if (busy < position) {
        busy = until;
        return slot;
      }
    busyUntil.push_back(until);
    return busyUntil.size() - 1;
  }
};

/// Slots used by one qnn.recurrent_conv.
struct RecurrentPlan {
  bool copyIn = false;
  /// Each step stages its input first, so it writes back into the slot it
  /// read: slotA == slotB.
  bool staged = false;
  unsigned slotA = 0, slotB = 0; // step 0 reads A, writes B; then they swap
  std::optional<unsigned> scratch; // conv outputs when the pool overlaps
};

struct IntInput {
  unsigned floatArg;
  Value value;         // the qnn value the integer entry receives
  QuantizeOp quantize; // set when the float entry quantizes
};

struct IntOutput {
  unsigned floatResult;
  Value value;             // the qnn value the integer entry writes
  DequantizeOp dequantize; // set when the float entry dequantizes
};

class FunctionLowering {
public:
  FunctionLowering(ModuleOp module, func::FuncOp func, SymbolTable &symbols,
                   const LoweringOptions &options)
      : module(module), func(func), symbols(symbols),
        ctx(module.getContext()), mode(getRequantMode(module)),
        options(options) {}

  LogicalResult run(LoweringStats &stats);

private:
  // Analysis and placement.
  LogicalResult checkAndClean();
  LogicalResult findEntries();
  void fuse();
  int64_t positionOf(Operation *user);
  int64_t lastUse(Value v);
  Value storageRoot(Value v);
  void placeOutput(Value v, unsigned index);
  LogicalResult place();

  // Emission.
  LogicalResult emitIntEntry(LoweringStats &stats);
  LogicalResult emitFloatEntry(LoweringStats &stats);
  LogicalResult emitOp(OpBuilder &b, Operation *op);
  LogicalResult emitGroup(OpBuilder &b, Group group);
  LogicalResult emitRecurrentConv(OpBuilder &b, RecurrentConvOp op);
  LogicalResult emitRequantize(OpBuilder &b, RequantizeOp op);
  LogicalResult emitMaxPool(OpBuilder &b, MaxPoolOp op);
  LogicalResult emitAvgPool(OpBuilder &b, AvgPoolOp op);
  LogicalResult emitAdd(OpBuilder &b, AddOp op);
  LogicalResult emitClamp(OpBuilder &b, ClampOp op);
  LogicalResult emitArgMax(OpBuilder &b, ArgMaxOp op);

  /// Whether a conv with input shape `inShape` reads a staged copy.
  bool isStaged(ArrayRef<int64_t> inShape) const {
    return options.stageMultiple > 0 && inShape.size() == 3 && inShape[0] == 1;
  }
  /// The staging buffer of `container`'s type seen as [channels, width]
  /// (one static global per type, sized for its largest use).
  Storage getStaged(OpBuilder &b, Location loc, Container container,
                    int64_t channels, int64_t width);
  Storage getStorage(Value v);
  /// Storage for the result of the op being emitted.
  Storage resultStorage(OpBuilder &b, Value v);
  FailureOr<Value> getConstantGlobal(OpBuilder &b, ConstantOp op,
                                     StringRef role);
  /// A private global placed before every function (C++ needs
  /// declarations first), named NAME_suffix, uniqued.
  memref::GlobalOp createGlobal(Location loc, StringRef suffix,
                                MemRefType type, Attribute initialValue,
                                bool constant);
  Value createTable(OpBuilder &b, StringRef name, Type elementType,
                    ArrayRef<Attribute> values);
  FailureOr<RequantValues>
  materialize(OpBuilder &b, Operation *op, const RequantSpec &spec,
              StringRef role,
              std::optional<SmallVector<AccInterval>> intervals = std::nullopt);
  FailureOr<RequantSpec> requantSpec(Operation *op,
                                     ArrayRef<double> multipliers,
                                     quant::QuantizedType result);
  std::string layerName(Operation *op);
  std::string globalName(StringRef suffix);
  FailureOr<Container> containerOf(Operation *op, Value v);

  ModuleOp module;
  func::FuncOp func;
  SymbolTable &symbols;
  MLIRContext *ctx;
  RequantMode mode;
  const LoweringOptions &options;
  std::string name;

  SmallVector<IntInput> inputs;
  SmallVector<IntOutput> outputs;
  DenseMap<Operation *, int64_t> positions;
  DenseMap<Operation *, Operation *> emitAt; // fused op -> its group's root
  DenseMap<Operation *, Group> groups;       // root -> group
  DenseMap<Value, Place> places;
  llvm::MapVector<Type, Arena> arenas;
  DenseMap<Operation *, RecurrentPlan> recurrentPlans;
  SmallVector<std::pair<Value, unsigned>> copyOuts;
  DenseMap<Operation *, std::string> layerNames;
  llvm::StringMap<unsigned> layerCounts;

  // State of the integer entry being built.
  func::FuncOp intFunc;
  DenseMap<Value, Storage> storages;
  DenseMap<Operation *, Value> constantGlobals; // ConstantOp -> get_global
  /// Staging buffers per container type: global, get_global, elements.
  struct StagingBuffer {
    memref::GlobalOp global;
    Value value;
    int64_t size = 0;
  };
  llvm::MapVector<Type, StagingBuffer> stagingBuffers;
  int64_t constantBytes = 0;
};

std::string FunctionLowering::globalName(StringRef suffix) {
  return (name + "_" + suffix).str();
}

memref::GlobalOp FunctionLowering::createGlobal(Location loc,
                                                StringRef suffix,
                                                MemRefType type,
                                                Attribute initialValue,
                                                bool constant) {
  OpBuilder b(func);
  auto global = b.create<memref::GlobalOp>(
      loc, globalName(suffix), b.getStringAttr("private"), type, initialValue,
      constant, /*alignment=*/nullptr);
  symbols.insert(global);
  return global;
}

std::string FunctionLowering::layerName(Operation *op) {
  auto it = layerNames.find(op);
  if (it != layerNames.end())
    return it->second;
  StringRef kind = op->getName().stripDialect();
  std::string layer = (kind + Twine(layerCounts[kind]++)).str();
  layerNames[op] = layer;
  return layer;
}

FailureOr<Container> FunctionLowering::containerOf(Operation *op, Value v) {
  std::optional<Container> c = getContainer(v.getType());
  if (!c)
    return op->emitOpError() << "cannot store " << v.getType()
                             << " in an integer buffer";
  return *c;
}

//===----------------------------------------------------------------------===//
// Analysis
//===----------------------------------------------------------------------===//

LogicalResult FunctionLowering::checkAndClean() {
  if (!func.getBody().hasOneBlock())
    return func.emitOpError("must have a single block to be lowered to loops");
  Block &block = func.getBody().front();
  // Unused pure ops would otherwise get buffers (or, like the importer's
  // folded arith.constant shapes, be rejected below).
  for (Operation &op : llvm::make_early_inc_range(llvm::reverse(block)))
    if (isOpTriviallyDead(&op))
      op.erase();
  for (Operation &op : block) {
    if (isa<func::ReturnOp>(op))
      continue;
    if (!op.getDialect() || !isa<QNNDialect>(op.getDialect()))
      return op.emitOpError("cannot be lowered to loops: only qnn ops may "
                            "appear in a function on qnn tensors");
    for (Type t : op.getResultTypes())
      if (!cast<ShapedType>(t).hasStaticShape())
        return op.emitOpError("needs static shapes to be lowered to loops");
    // Float tensors may only cross the quantize/dequantize boundary.
    bool floatLayer =
        !isa<QuantizeOp, DequantizeOp, ArgMaxOp, ConstantOp>(op) &&
        llvm::any_of(op.getOperandTypes(),
                     [](Type t) { return !isQuantized(t); });
    if (floatLayer)
      return op.emitOpError("computes on float tensors; the integer lowering "
                            "needs a fully quantized network (run the qnn "
                            "pipeline first)");
    if (auto dq = dyn_cast<DequantizeOp>(op)) {
      for (Operation *user : dq->getUsers())
        if (!isa<func::ReturnOp, ArgMaxOp>(user))
          return user->emitOpError()
                 << "reads a dequantized (float) value; the integer lowering "
                    "allows float values only as function results or "
                    "argmax inputs";
      for (Operation *user : dq->getUsers())
        if (isa<ArgMaxOp>(user) && getQuantizedAxis(getQuant(dq.getInput())))
          return user->emitOpError("argmax over a per-axis dequantized value "
                                   "cannot be computed on stored integers");
    }
    if (auto argmax = dyn_cast<ArgMaxOp>(op))
      if (!isQuantized(argmax.getInput().getType()) &&
          !argmax.getInput().getDefiningOp<DequantizeOp>())
        return op.emitOpError("argmax of a float value that no "
                              "qnn.dequantize produced cannot be lowered");
    if (auto q = dyn_cast<QuantizeOp>(op))
      if (!isa<BlockArgument>(q.getInput()))
        return op.emitOpError("quantizes an intermediate float value; the "
                              "integer lowering quantizes function inputs "
                              "only");
  }
  return success();
}

LogicalResult FunctionLowering::findEntries() {
  for (BlockArgument arg : func.getArguments()) {
    if (!isa<RankedTensorType>(arg.getType()))
      return func.emitOpError() << "argument #" << arg.getArgNumber()
                                << " is not a ranked tensor";
    if (isQuantized(arg.getType()) || getContainer(arg.getType())) {
      inputs.push_back({arg.getArgNumber(), arg, nullptr});
      continue;
    }
    if (arg.use_empty())
      continue;
    auto quantize = dyn_cast<QuantizeOp>(*arg.getUsers().begin());
    if (!arg.hasOneUse() || !quantize)
      return func.emitOpError()
             << "float argument #" << arg.getArgNumber()
             << " must be read by exactly one qnn.quantize";
    inputs.push_back({arg.getArgNumber(), quantize.getResult(), quantize});
  }
  auto ret = cast<func::ReturnOp>(func.getBody().front().getTerminator());
  for (auto [index, v] : llvm::enumerate(ret.getOperands())) {
    if (isQuantized(v.getType()) || getContainer(v.getType())) {
      outputs.push_back({static_cast<unsigned>(index), v, nullptr});
      continue;
    }
    auto dq = v.getDefiningOp<DequantizeOp>();
    if (!dq)
      return ret.emitOpError()
             << "float result #" << index
             << " must come from qnn.dequantize to be lowered to loops";
    outputs.push_back({static_cast<unsigned>(index), dq.getInput(), dq});
  }
  return success();
}

void FunctionLowering::fuse() {
  Block &block = func.getBody().front();
  int64_t position = 0;
  for (Operation &op : block)
    positions[&op] = position++;
  for (Operation &op : block) {
    if (isa<ConvOp, DenseOp>(op)) {
      groups[&op] = Group{&op, nullptr, nullptr, &op};
      continue;
    }
    if (auto rq = dyn_cast<RequantizeOp>(op)) {
      Operation *layer = rq.getInput().getDefiningOp();
      if (!layer || !isa<ConvOp, DenseOp>(layer) || !layer->hasOneUse())
        continue;
      Group group = groups.lookup(layer);
      groups.erase(layer);
      group.requant = rq;
      group.root = rq;
      groups[rq] = group;
      emitAt[layer] = rq;
      continue;
    }
    if (auto pool = dyn_cast<MaxPoolOp>(op)) {
      auto rq = pool.getInput().getDefiningOp<RequantizeOp>();
      if (!rq || !groups.count(rq) || !isa<ConvOp>(groups[rq].layer) ||
          !rq->hasOneUse())
        continue;
      // Fused only when every conv output is computed at most once and no
      // window reaches into padding.
      bool fusable = llvm::all_of(pool.getPads(), [](int64_t p) { return p == 0; }) &&
                     llvm::all_of(pool.getDilations(), [](int64_t d) { return d == 1; });
      for (auto [k, s] : llvm::zip(pool.getKernel(), pool.getStrides()))
        fusable &= s >= k;
      if (!fusable)
        continue;
      Group group = groups.lookup(rq);
      groups.erase(rq);
      group.pool = pool;
      group.root = pool;
      groups[pool] = group;
      emitAt[rq] = pool;
      emitAt[group.layer] = pool;
    }
  }
}

int64_t FunctionLowering::positionOf(Operation *user) {
  if (Operation *root = emitAt.lookup(user))
    user = root;
  return positions.lookup(user);
}

int64_t FunctionLowering::lastUse(Value v) {
  int64_t last = -1;
  for (Operation *user : v.getUsers()) {
    if (isa<func::ReturnOp>(user))
      return kForever;
    if (isa<ReshapeOp, DequantizeOp>(user))
      last = std::max(last, lastUse(user->getResult(0)));
    else
      last = std::max(last, positionOf(user));
  }
  return last;
}

Value FunctionLowering::storageRoot(Value v) {
  while (auto reshape = v.getDefiningOp<ReshapeOp>())
    v = reshape.getInput();
  return v;
}

void FunctionLowering::placeOutput(Value v, unsigned index) {
  Place &p = places[v];
  Operation *def = v.getDefiningOp();
  if (p.kind == PlaceKind::Unplaced && def && !isa<ReshapeOp>(def)) {
    p = {PlaceKind::Output, index};
    return;
  }
  if (p.kind == PlaceKind::Unplaced && def && isa<ReshapeOp>(def) &&
      def->getOperand(0).hasOneUse() &&
      places.lookup(def->getOperand(0)).kind == PlaceKind::Unplaced &&
      def->getOperand(0).getDefiningOp() &&
      !isa<ConstantOp>(def->getOperand(0).getDefiningOp())) {
    p = {PlaceKind::Alias, 0};
    placeOutput(def->getOperand(0), index);
    return;
  }
  copyOuts.push_back({v, index});
}

LogicalResult FunctionLowering::place() {
  Block &block = func.getBody().front();
  for (auto [index, input] : llvm::enumerate(inputs))
    places[input.value] = {PlaceKind::Input, static_cast<unsigned>(index)};
  for (Operation &op : block) {
    if (isa<ConstantOp>(op))
      places[op.getResult(0)] = {PlaceKind::Global, 0};
    if (Operation *root = emitAt.lookup(&op); root && root != &op)
      places[op.getResult(0)] = {PlaceKind::Fused, 0};
  }
  for (auto [index, output] : llvm::enumerate(outputs))
    placeOutput(output.value, index);

  for (Operation &op : block) {
    if (isa<func::ReturnOp, QuantizeOp, DequantizeOp>(op))
      continue;
    Value result = op.getResult(0);
    Place &p = places[result];
    if (isa<ReshapeOp>(op)) {
      if (p.kind == PlaceKind::Unplaced)
        p = {PlaceKind::Alias, 0};
      continue;
    }
    if (p.kind == PlaceKind::Fused || p.kind == PlaceKind::Global)
      continue;
    int64_t position = positions[&op];
    FailureOr<Container> container = containerOf(&op, result);
    if (failed(container))
      return failure();
    Arena &arena = arenas[container->type];
    arena.type = container->type;

    if (auto rc = dyn_cast<RecurrentConvOp>(op)) {
      RecurrentPlan plan;
      Value input = storageRoot(rc.getInput());
      Place inPlace = places.lookup(input);
      std::optional<Container> inContainer = getContainer(input.getType());
      if (inPlace.kind == PlaceKind::Arena && lastUse(input) == position &&
          inContainer && inContainer->type == container->type) {
        plan.slotA = inPlace.index;
      } else {
        plan.copyIn = true;
        plan.slotA = arena.acquire(position, position);
      }
      SmallVector<SmallVector<int64_t>> steps = rc.getStepShapes();
      plan.staged = isStaged(steps.front());
      plan.slotB =
          plan.staged ? plan.slotA : arena.acquire(position, position);
      for (const SmallVector<int64_t> &shape : steps)
        arena.size = std::max(arena.size, ShapedType::getNumElements(shape));
      if (rc.getPoolKernel()) {
        bool overlapping = false;
        for (auto [k, s] : llvm::zip(*rc.getPoolKernel(), *rc.getPoolStrides()))
          overlapping |= s < k;
        if (overlapping) {
          plan.scratch = arena.acquire(position, position);
          auto weight = cast<ShapedType>(rc.getWeight().getType());
          for (size_t i = 0; i + 1 < steps.size(); ++i) {
            SmallVector<int64_t> conv = getWindowResultShape(
                steps[i], weight.getDimSize(0),
                weight.getShape().drop_front(2), rc.getStrides(),
                rc.getPads(), rc.getDilations());
            arena.size =
                std::max(arena.size, ShapedType::getNumElements(conv));
          }
        }
      }
      if (p.kind == PlaceKind::Unplaced) {
        unsigned final = rc.getIterations() % 2 ? plan.slotB : plan.slotA;
        arena.busyUntil[final] = lastUse(result);
        p = {PlaceKind::Arena, final};
      }
      recurrentPlans[&op] = plan;
      continue;
    }
    if (p.kind != PlaceKind::Unplaced)
      continue;
    p = {PlaceKind::Arena, arena.acquire(position, lastUse(result))};
    arena.size = std::max(arena.size, getNumElements(result));
  }
  // Arenas nobody ended up using (e.g. every value went to an output).
  arenas.remove_if([](const auto &entry) {
    return entry.second.busyUntil.empty();
  });
  return success();
}

//===----------------------------------------------------------------------===//
// Globals and parameters
//===----------------------------------------------------------------------===//

FailureOr<Value> FunctionLowering::getConstantGlobal(OpBuilder &b,
                                                     ConstantOp op,
                                                     StringRef role) {
  if (Value v = constantGlobals.lookup(op))
    return v;
  quant::QuantizedType q = getQuant(op.getResult());
  if (!q)
    return op.emitOpError("float constants cannot be lowered to integer "
                          "buffers");
  FailureOr<Container> container = containerOf(op, op.getResult());
  if (failed(container))
    return failure();
  auto values = op.getValue().tryGetValues<APInt>();
  if (!values)
    return op.emitOpError("holds values that are not readable as integers");
  SmallVector<APInt> stored;
  unsigned width = container->type.getWidth();
  for (APInt v : *values)
    stored.push_back(q.isSigned() ? v.sextOrTrunc(width) : v.zextOrTrunc(width));
  auto tensorType = RankedTensorType::get(getShape(op.getResult()),
                                          container->type);
  auto memrefType =
      MemRefType::get(tensorType.getShape(), container->type);
  auto global =
      createGlobal(op.getLoc(), role, memrefType,
                   DenseElementsAttr::get(tensorType, stored), /*constant=*/true);
  global->setAttr(kQuantTypeAttrName, TypeAttr::get(q));
  constantBytes += tensorType.getNumElements() * container->bytes();
  // Hoisted to the entry block: one get_global per constant.
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(&intFunc.getBody().front());
  Value v = b.create<memref::GetGlobalOp>(op.getLoc(), memrefType,
                                         global.getSymName());
  constantGlobals[op] = v;
  return v;
}

Value FunctionLowering::createTable(OpBuilder &b, StringRef suffix,
                                    Type elementType,
                                    ArrayRef<Attribute> values) {
  auto tensorType =
      RankedTensorType::get({static_cast<int64_t>(values.size())}, elementType);
  auto memrefType = MemRefType::get(tensorType.getShape(), elementType);
  auto global =
      createGlobal(func.getLoc(), suffix, memrefType,
                   DenseElementsAttr::get(tensorType, values), /*constant=*/true);
  constantBytes += tensorType.getNumElements() *
                   elementType.getIntOrFloatBitWidth() / 8;
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(&intFunc.getBody().front());
  return b.create<memref::GetGlobalOp>(func.getLoc(), memrefType,
                                       global.getSymName());
}

FailureOr<RequantSpec>
FunctionLowering::requantSpec(Operation *op, ArrayRef<double> multipliers,
                              quant::QuantizedType result) {
  RequantSpec spec;
  for (double m : multipliers) {
    std::string error;
    std::optional<qrcnn::rt::RequantParams> params =
        computeRequantParams(m, mode, &error);
    if (!params)
      return op->emitOpError() << error;
    spec.params.push_back(*params);
  }
  spec.zeroPoint = getZeroPoints(result).front();
  spec.lo = result.getStorageTypeMin();
  spec.hi = result.getStorageTypeMax();
  return spec;
}

FailureOr<RequantValues>
FunctionLowering::materialize(OpBuilder &b, Operation *op,
                              const RequantSpec &original, StringRef role,
                              std::optional<SmallVector<AccInterval>> intervals) {
  RequantSpec spec = original;
  RequantValues values;
  if (options.narrowRequantize && intervals) {
    if (std::optional<SmallVector<qrcnn::rt::RequantParams>> narrow =
            findNarrowParams(spec.params, *intervals, spec.zeroPoint, spec.lo,
                             spec.hi)) {
      spec.params = *narrow;
      values.narrow = true;
    }
  }
  values.zeroPoint = spec.zeroPoint;
  values.lo = spec.lo;
  values.hi = spec.hi;
  values.sign = spec.sign();
  Type i64 = values.getType(b);
  SmallVector<Attribute> multipliers, shifts;
  for (const qrcnn::rt::RequantParams &p : spec.params) {
    multipliers.push_back(b.getI32IntegerAttr(p.multiplier));
    shifts.push_back(b.getI32IntegerAttr(p.shift));
  }
  if (spec.uniformMultiplier())
    values.multiplier =
        buildIntConstant(b, op->getLoc(), i64, spec.params.front().multiplier);
  else
    values.multiplierTable = createTable(b, (role + "_multiplier").str(),
                                         b.getI32Type(), multipliers);
  if (spec.uniformShift())
    values.shift =
        buildIntConstant(b, op->getLoc(), i64, spec.params.front().shift);
  else
    values.shiftTable =
        createTable(b, (role + "_shift").str(), b.getI32Type(), shifts);
  return values;
}

//===----------------------------------------------------------------------===//
// Emission
//===----------------------------------------------------------------------===//

Storage FunctionLowering::getStaged(OpBuilder &b, Location loc,
                                    Container container, int64_t channels,
                                    int64_t width) {
  StagingBuffer &buffer = stagingBuffers[container.type];
  if (!buffer.global) {
    auto type = MemRefType::get({1, 1}, container.type);
    buffer.global = createGlobal(
        loc, ("staged_i" + Twine(container.type.getWidth())).str(), type,
        b.getUnitAttr(), /*constant=*/false);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(&intFunc.getBody().front());
    buffer.value =
        b.create<memref::GetGlobalOp>(loc, type, buffer.global.getSymName());
  }
  // Grown to its final size once the entry is emitted.
  buffer.size = std::max(buffer.size, channels * width);
  Value slot = b.create<arith::ConstantIndexOp>(loc, 0);
  return Storage{buffer.value, slot, toFoldResults(ctx, {channels, width}),
                 container};
}

Storage FunctionLowering::getStorage(Value v) {
  Place p = places.lookup(v);
  if (p.kind == PlaceKind::Alias) {
    Storage s = getStorage(cast<ReshapeOp>(v.getDefiningOp()).getInput());
    return s.withShape(toFoldResults(ctx, getShape(v)));
  }
  if (p.kind == PlaceKind::Global) {
    auto constant = cast<ConstantOp>(v.getDefiningOp());
    Storage s;
    s.memref = constantGlobals.lookup(constant);
    s.shape = toFoldResults(ctx, getShape(v));
    s.container = *getContainer(v.getType());
    return s;
  }
  return storages.lookup(v);
}

Storage FunctionLowering::resultStorage(OpBuilder &b, Value v) {
  auto it = storages.find(v);
  if (it != storages.end())
    return it->second;
  Place p = places.lookup(v);
  assert(p.kind == PlaceKind::Arena && "unplaced result");
  Arena &arena = arenas[getContainer(v.getType())->type];
  Storage s;
  s.memref = arena.value;
  s.slot = b.create<arith::ConstantIndexOp>(v.getLoc(), p.index);
  s.shape = toFoldResults(ctx, getShape(v));
  s.container = *getContainer(v.getType());
  storages[v] = s;
  return s;
}

LogicalResult FunctionLowering::emitGroup(OpBuilder &b, Group group) {
  Location loc = group.root->getLoc();
  Value result = group.root->getResult(0);
  std::string role = layerName(group.layer);
  Value layerInput = group.layer->getOperand(0);
  Value weightValue = group.layer->getOperand(1);
  Value biasValue =
      group.layer->getNumOperands() > 2 ? group.layer->getOperand(2) : Value();
  Storage in = getStorage(layerInput);
  Storage weight = getStorage(weightValue);
  std::optional<Storage> bias;
  if (biasValue)
    bias = getStorage(biasValue);
  Storage out = resultStorage(b, result);

  std::optional<RequantValues> requant;
  if (group.requant) {
    quant::QuantizedType acc = getQuant(group.layer->getResult(0));
    double outScale = getScales(getQuant(result)).front();
    SmallVector<double> multipliers;
    for (double s : getScales(acc))
      multipliers.push_back(s / outScale);
    FailureOr<RequantSpec> spec =
        requantSpec(group.requant, multipliers, getQuant(result));
    if (failed(spec))
      return failure();
    FailureOr<RequantValues> values =
        materialize(b, group.layer, *spec, role,
                    getAccIntervals(weightValue, biasValue,
                                    getQuant(layerInput)));
    if (failed(values))
      return failure();
    requant = *values;
  }
  int64_t inZeroPoint = getZeroPoints(getQuant(layerInput)).front();

  if (auto dense = dyn_cast<DenseOp>(group.layer)) {
    Type accType = b.getI32Type();
    int64_t features = getShape(layerInput)[1];
    buildParallelNest(
        b, loc, out.shape, {0, 0}, [&](OpBuilder &b, Location loc,
                                       ValueRange ivs) {
          Value n = ivs[0], m = ivs[1];
          Value init = bias ? bias->loadAs(b, loc, m, accType)
                            : buildIntConstant(b, loc, accType, 0);
          Value zx = buildIntConstant(b, loc, accType, inZeroPoint);
          Value acc = buildReductionNest(
              b, loc, {b.getIndexAttr(features)}, init,
              [&](OpBuilder &b, Location loc, ValueRange red,
                  ValueRange args) -> SmallVector<Value> {
                Value x = in.loadAs(b, loc, {n, red[0]}, accType);
                if (inZeroPoint != 0)
                  x = b.create<arith::SubIOp>(loc, x, zx);
                Value w = weight.loadAs(b, loc, {m, red[0]}, accType);
                return {b.create<arith::AddIOp>(
                    loc, args[0], b.create<arith::MulIOp>(loc, x, w))};
              },
              accBitsAttrs(ctx, dense.getAccBits()))[0];
          Value value = acc;
          if (requant)
            value = requant->applyToAccumulator(b, loc, acc, m);
          out.store(b, loc, value, {n, m});
        });
    return success();
  }

  auto conv = cast<ConvOp>(group.layer);
  ConvNest nest;
  size_t spatial = getShape(layerInput).size() - 2;
  auto weightShape = getShape(weightValue);
  nest.groups = conv.getGroup();
  nest.kernel.assign(weightShape.begin() + 2, weightShape.end());
  nest.strides.assign(conv.getStrides().begin(), conv.getStrides().end());
  nest.padsBegin.assign(conv.getPads().begin(),
                        conv.getPads().begin() + spatial);
  nest.dilations.assign(conv.getDilations().begin(),
                        conv.getDilations().end());
  SmallVector<int64_t> inShape = getShape(layerInput);
  SmallVector<int64_t> convShape = getShape(conv.getResult());
  for (size_t d = 0; d < spatial; ++d)
    nest.needsMask.push_back(windowNeedsMask(inShape[2 + d], convShape[2 + d],
                                             nest.kernel[d], nest.strides[d],
                                             nest.padsBegin[d],
                                             nest.dilations[d]));
  nest.inZeroPoint = inZeroPoint;
  nest.accType = b.getI32Type();
  nest.accBits = conv.getAccBits();
  nest.requant = requant;
  if (group.pool) {
    nest.poolKernel.assign(group.pool.getKernel().begin(),
                           group.pool.getKernel().end());
    nest.poolStrides.assign(group.pool.getStrides().begin(),
                            group.pool.getStrides().end());
  }
  // One shape: begin and end of two temporaries would span foreign stack.
  SmallVector<int64_t> resultShape = getShape(result);
  nest.maxOutSpatial.assign(resultShape.begin() + 2, resultShape.end());
  nest.poolBeforeRequantize = options.poolBeforeRequantize;
  if (isStaged(inShape))
    nest.staged = getStaged(
        b, loc, in.container, inShape[1],
        getStagedWidth(convShape[2], options.stageMultiple, nest.kernel[0],
                       nest.strides[0], nest.dilations[0]));
  if (nest.staged)
    nest.overcompute = options.stageMultiple;
  emitConvNest(b, loc, nest, in, weight, bias ? &*bias : nullptr, out);
  return success();
}

LogicalResult FunctionLowering::emitRecurrentConv(OpBuilder &b,
                                                  RecurrentConvOp op) {
  Location loc = op.getLoc();
  std::string role = layerName(op);
  const RecurrentPlan &plan = recurrentPlans[op];
  Container container = *getContainer(op.getType());
  Arena &arena = arenas[container.type];
  SmallVector<SmallVector<int64_t>> steps = op.getStepShapes();
  size_t spatial = steps.front().size() - 2;
  auto weightShape = getShape(op.getWeight());
  quant::QuantizedType activation = getQuant(op.getResult());

  Value slotA = b.create<arith::ConstantIndexOp>(loc, plan.slotA);
  Value slotB = b.create<arith::ConstantIndexOp>(loc, plan.slotB);
  Storage input = getStorage(op.getInput());
  if (plan.copyIn) {
    Storage target = input;
    target.memref = arena.value;
    target.slot = slotA;
    target.container = container;
    emitCopy(b, loc, input, target, SmallVector<int64_t>(steps[0].size(), 0));
  }

  // Requantization: accumulator scale sx*sw[c] onto the activation scale.
  quant::QuantizedType acc = qrcnn::qnn::getAccumulatorType(
      activation, getQuant(op.getWeight()), /*channelAxis=*/1);
  double outScale = getScales(activation).front();
  SmallVector<double> multipliers;
  for (double s : getScales(acc))
    multipliers.push_back(s / outScale);
  FailureOr<RequantSpec> spec = requantSpec(op, multipliers, activation);
  if (failed(spec))
    return failure();
  FailureOr<RequantValues> requant = materialize(
      b, op, *spec, role,
      getAccIntervals(op.getWeight(), op.getBias(), activation));
  if (failed(requant))
    return failure();

  Storage weight = getStorage(op.getWeight());
  std::optional<Storage> bias;
  if (op.getBias())
    bias = getStorage(op.getBias());

  ConvNest nest;
  nest.kernel.assign(weightShape.begin() + 2, weightShape.end());
  nest.strides.assign(op.getStrides().begin(), op.getStrides().end());
  nest.padsBegin.assign(op.getPads().begin(), op.getPads().begin() + spatial);
  nest.dilations.assign(op.getDilations().begin(), op.getDilations().end());
  nest.inZeroPoint = getZeroPoints(activation).front();
  nest.accType = b.getI32Type();
  nest.accBits = op.getAccBits();
  nest.requant = *requant;
  SmallVector<int64_t> poolKernel(spatial, 1), poolStrides(spatial, 1);
  bool overlapping = plan.scratch.has_value();
  if (op.getPoolKernel()) {
    poolKernel.assign(op.getPoolKernel()->begin(), op.getPoolKernel()->end());
    poolStrides.assign(op.getPoolStrides()->begin(),
                       op.getPoolStrides()->end());
    if (!overlapping) {
      nest.poolKernel = poolKernel;
      nest.poolStrides = poolStrides;
    }
  }
  // Masks and maximal extents over all steps (step 0 is the largest).
  SmallVector<SmallVector<int64_t>> convShapes;
  nest.needsMask.assign(spatial, false);
  for (size_t i = 0; i + 1 < steps.size(); ++i) {
    convShapes.push_back(getWindowResultShape(
        steps[i], weightShape[0], nest.kernel, nest.strides, op.getPads(),
        nest.dilations));
    for (size_t d = 0; d < spatial; ++d)
      nest.needsMask[d] = nest.needsMask[d] ||
                          windowNeedsMask(steps[i][2 + d],
                                          convShapes.back()[2 + d],
                                          nest.kernel[d], nest.strides[d],
                                          nest.padsBegin[d],
                                          nest.dilations[d]);
  }
  SmallVector<int64_t> maxConv(convShapes.front().begin() + 2,
                               convShapes.front().end());
  SmallVector<int64_t> maxOut(steps[1].begin() + 2, steps[1].end());
  nest.poolBeforeRequantize = options.poolBeforeRequantize;
  if (plan.staged) {
    nest.staged = getStaged(
        b, loc, container, steps[0][1],
        getStagedWidth(maxConv[0], options.stageMultiple, nest.kernel[0],
                       nest.strides[0], nest.dilations[0]));
    nest.overcompute = options.stageMultiple;
  }

  // The spatial extents are loop-carried: each step computes its conv and
  // pooled extents from its input's with the window formula.
  SmallVector<Value> initialExtents;
  for (size_t d = 0; d < spatial; ++d)
    initialExtents.push_back(
        b.create<arith::ConstantIndexOp>(loc, steps[0][2 + d]));
  Value zero = b.create<arith::ConstantIndexOp>(loc, 0);
  Value one = b.create<arith::ConstantIndexOp>(loc, 1);
  Value two = b.create<arith::ConstantIndexOp>(loc, 2);
  Value iterations =
      b.create<arith::ConstantIndexOp>(loc, op.getIterations());
  auto stepLoop = b.create<scf::ForOp>(
      loc, zero, iterations, one, initialExtents,
      [&](OpBuilder &b, Location loc, Value step, ValueRange extents) {
        // Even steps read A and write B, odd steps the other way round.
        Value odd = b.create<arith::CmpIOp>(
            loc, arith::CmpIPredicate::ne,
            b.create<arith::RemSIOp>(loc, step, two), zero);
        Value source = b.create<arith::SelectOp>(loc, odd, slotB, slotA);
        Value target = b.create<arith::SelectOp>(loc, odd, slotA, slotB);
        SmallVector<OpFoldResult> inShape = {b.getIndexAttr(steps[0][0]),
                                             b.getIndexAttr(steps[0][1])};
        SmallVector<OpFoldResult> convShape = inShape, outShape = inShape;
        SmallVector<Value> nextExtents;
        for (size_t d = 0; d < spatial; ++d) {
          int64_t span = nest.dilations[d] * (nest.kernel[d] - 1) + 1;
          int64_t padded = op.getPads()[d] + op.getPads()[d + spatial];
          // conv = (in + pads - span) / stride + 1
          Value conv = b.create<arith::AddIOp>(
              loc,
              b.create<arith::DivSIOp>(
                  loc,
                  b.create<arith::AddIOp>(
                      loc, extents[d],
                      b.create<arith::ConstantIndexOp>(loc, padded - span)),
                  b.create<arith::ConstantIndexOp>(loc, nest.strides[d])),
              one);
          Value pooled = conv;
          if (op.getPoolKernel())
            pooled = b.create<arith::AddIOp>(
                loc,
                b.create<arith::DivSIOp>(
                    loc,
                    b.create<arith::SubIOp>(
                        loc, conv,
                        b.create<arith::ConstantIndexOp>(loc, poolKernel[d])),
                    b.create<arith::ConstantIndexOp>(loc, poolStrides[d])),
                one);
          inShape.push_back(extents[d]);
          convShape.push_back(conv);
          outShape.push_back(pooled);
          nextExtents.push_back(pooled);
        }
        Storage from{arena.value, source, inShape, container};
        Storage to{arena.value, target, outShape, container};
        if (!overlapping) {
          nest.maxOutSpatial = maxOut;
          emitConvNest(b, loc, nest, from, weight, bias ? &*bias : nullptr,
                       to);
        } else {
          Value scratchSlot =
              b.create<arith::ConstantIndexOp>(loc, *plan.scratch);
          Storage scratch{arena.value, scratchSlot, convShape, container};
          nest.maxOutSpatial = maxConv;
          emitConvNest(b, loc, nest, from, weight, bias ? &*bias : nullptr,
                       scratch);
          SmallVector<int64_t> noPads(spatial, 0);
          SmallVector<int64_t> unit(spatial, 1);
          emitMaxPoolNest(b, loc, scratch, to, poolKernel, poolStrides, noPads,
                          unit, SmallVector<bool>(spatial, false),
                          activation.getStorageTypeMin(), maxOut);
        }
        b.create<scf::YieldOp>(loc, nextExtents);
      });
  stepLoop->setAttr(kRecurrentStepsAttrName,
                    b.getI64IntegerAttr(op.getIterations()));

  Place result = places.lookup(op.getResult());
  unsigned final = op.getIterations() % 2 ? plan.slotB : plan.slotA;
  Storage finalStorage{arena.value,
                       b.create<arith::ConstantIndexOp>(loc, final),
                       toFoldResults(ctx, getShape(op.getResult())),
                       container};
  if (result.kind == PlaceKind::Arena) {
    storages[op.getResult()] = finalStorage;
    return success();
  }
  // The result is an output buffer: copy the last step there.
  Storage out = storages.lookup(op.getResult());
  emitCopy(b, loc, finalStorage, out,
           SmallVector<int64_t>(steps.back().size(), 0));
  return success();
}

LogicalResult FunctionLowering::emitRequantize(OpBuilder &b, RequantizeOp op) {
  Location loc = op.getLoc();
  quant::QuantizedType in = getQuant(op.getInput());
  quant::QuantizedType out = getQuant(op.getResult());
  double outScale = getScales(out).front();
  SmallVector<double> multipliers;
  for (double s : getScales(in))
    multipliers.push_back(s / outScale);
  FailureOr<RequantSpec> spec = requantSpec(op, multipliers, out);
  if (failed(spec))
    return failure();
  FailureOr<RequantValues> values = materialize(b, op, *spec, layerName(op));
  if (failed(values))
    return failure();
  SmallVector<int64_t> zeroPoints = getZeroPoints(in);
  std::optional<int32_t> axis = getQuantizedAxis(in);
  Value zeroTable;
  if (llvm::any_of(zeroPoints, [&](int64_t z) { return z != zeroPoints[0]; })) {
    SmallVector<Attribute> zs;
    for (int64_t z : zeroPoints)
      zs.push_back(b.getI64IntegerAttr(z));
    zeroTable = createTable(b, layerName(op) + "_zero_point", b.getI64Type(), zs);
  }
  Storage from = getStorage(op.getInput());
  Storage to = resultStorage(b, op.getResult());
  Type i64 = b.getI64Type();
  buildParallelNest(b, loc, to.shape, SmallVector<int64_t>(to.shape.size(), 0),
                    [&](OpBuilder &b, Location loc, ValueRange ivs) {
                      Value channel = axis ? ivs[*axis] : Value();
                      Value x = from.loadAs(b, loc, ivs, i64);
                      Value z = zeroTable
                                    ? b.create<memref::LoadOp>(loc, zeroTable,
                                                               channel)
                                    : buildIntConstant(b, loc, i64,
                                                       zeroPoints[0]);
                      x = b.createOrFold<arith::SubIOp>(loc, x, z);
                      to.store(b, loc, values->apply(b, loc, x, channel), ivs);
                    });
  return success();
}

LogicalResult FunctionLowering::emitMaxPool(OpBuilder &b, MaxPoolOp op) {
  SmallVector<int64_t> inShape = getShape(op.getInput());
  SmallVector<int64_t> outShape = getShape(op.getResult());
  size_t spatial = inShape.size() - 2;
  SmallVector<bool> masks;
  for (size_t d = 0; d < spatial; ++d)
    masks.push_back(windowNeedsMask(inShape[2 + d], outShape[2 + d],
                                    op.getKernel()[d], op.getStrides()[d],
                                    op.getPads()[d], op.getDilations()[d]));
  Storage from = getStorage(op.getInput());
  Storage to = resultStorage(b, op.getResult());
  emitMaxPoolNest(b, op.getLoc(), from, to, op.getKernel(), op.getStrides(),
                  op.getPads().take_front(spatial), op.getDilations(), masks,
                  getQuant(op.getInput()).getStorageTypeMin(),
                  SmallVector<int64_t>(spatial, 0));
  return success();
}

LogicalResult FunctionLowering::emitAvgPool(OpBuilder &b, AvgPoolOp op) {
  Location loc = op.getLoc();
  quant::QuantizedType in = getQuant(op.getInput());
  quant::QuantizedType out = getQuant(op.getResult());
  SmallVector<int64_t> inShape = getShape(op.getInput());
  SmallVector<int64_t> outShape = getShape(op.getResult());
  size_t spatial = inShape.size() - 2;
  ArrayRef<int64_t> kernel = op.getKernel(), strides = op.getStrides();
  SmallVector<bool> masks;
  bool anyMask = false;
  int64_t volume = 1;
  for (size_t d = 0; d < spatial; ++d) {
    masks.push_back(windowNeedsMask(inShape[2 + d], outShape[2 + d], kernel[d],
                                    strides[d], op.getPads()[d], 1));
    anyMask |= masks.back();
    volume *= kernel[d];
  }
  // The divisor is the window size, or the number of taps inside the input
  // when padding does not count; M = s_in / (count * s_out).
  bool countVaries = anyMask && !op.getCountIncludePad();
  double inScale = getScales(in).front(), outScale = getScales(out).front();
  SmallVector<double> multipliers;
  if (countVaries)
    for (int64_t count = 1; count <= volume; ++count)
      multipliers.push_back(inScale / (static_cast<double>(count) * outScale));
  else
    multipliers.push_back(inScale / (static_cast<double>(volume) * outScale));
  FailureOr<RequantSpec> spec = requantSpec(op, multipliers, out);
  if (failed(spec))
    return failure();
  if (countVaries) // index 0 never occurs: at least one tap is inside
    spec->params.insert(spec->params.begin(), spec->params.front());
  FailureOr<RequantValues> values = materialize(b, op, *spec, layerName(op));
  if (failed(values))
    return failure();
  Storage from = getStorage(op.getInput());
  Storage to = resultStorage(b, op.getResult());
  int64_t zx = getZeroPoints(in).front();
  Type i64 = b.getI64Type();
  SmallVector<OpFoldResult> inExtents = toFoldResults(ctx, inShape);
  buildParallelNest(
      b, loc, to.shape, SmallVector<int64_t>(to.shape.size(), 0),
      [&](OpBuilder &b, Location loc, ValueRange ivs) {
        Value zero = buildIntConstant(b, loc, i64, 0);
        SmallVector<Value> sums = buildReductionNest(
            b, loc, toFoldResults(ctx, kernel), ValueRange{zero, zero},
            [&](OpBuilder &b, Location loc, ValueRange taps,
                ValueRange args) -> SmallVector<Value> {
              SmallVector<Value> index = {ivs[0], ivs[1]};
              Value inBounds = appendWindowIndex(
                  b, loc, ivs.drop_front(2), taps, strides,
                  SmallVector<int64_t>(spatial, 1),
                  op.getPads().take_front(spatial), masks,
                  ArrayRef(inExtents).drop_front(2), index);
              Value x = b.createOrFold<arith::SubIOp>(
                  loc, from.loadAs(b, loc, index, i64),
                  buildIntConstant(b, loc, i64, zx));
              Value count = args[1];
              if (inBounds) {
                x = b.create<arith::SelectOp>(
                    loc, inBounds, x, buildIntConstant(b, loc, i64, 0));
                count = b.create<arith::AddIOp>(
                    loc, count, b.create<arith::ExtUIOp>(loc, i64, inBounds));
              }
              return {b.create<arith::AddIOp>(loc, args[0], x), count};
            });
        Value channel;
        if (countVaries)
          channel = b.create<arith::IndexCastOp>(loc, b.getIndexType(),
                                                 sums[1]);
        to.store(b, loc, values->apply(b, loc, sums[0], channel), ivs);
      });
  return success();
}

LogicalResult FunctionLowering::emitAdd(OpBuilder &b, AddOp op) {
  Location loc = op.getLoc();
  quant::QuantizedType qa = getQuant(op.getLhs()), qb = getQuant(op.getRhs());
  quant::QuantizedType qy = getQuant(op.getResult());
  double sy = getScales(qy).front();
  // y = round_half_even((a - za) * Ma + (b - zb) * Mb) + zy with both
  // multipliers brought to the larger shift, so the sum is rounded once.
  FailureOr<RequantSpec> specA =
      requantSpec(op, {getScales(qa).front() / sy}, qy);
  FailureOr<RequantSpec> specB =
      requantSpec(op, {getScales(qb).front() / sy}, qy);
  if (failed(specA) || failed(specB))
    return failure();
  qrcnn::rt::RequantParams pa = specA->params.front(), pb = specB->params.front();
  int64_t shift = std::max(pa.shift, pb.shift);
  auto range = [](quant::QuantizedType q) {
    int64_t z = getZeroPoints(q).front();
    return std::max(std::abs(q.getStorageTypeMin() - z),
                    std::abs(q.getStorageTypeMax() - z));
  };
  // The aligned terms must fit 63 bits.
  double bound = std::ldexp(static_cast<double>(range(qa)) * pa.multiplier,
                            shift - pa.shift) +
                 std::ldexp(static_cast<double>(range(qb)) * pb.multiplier,
                            shift - pb.shift);
  if (!(bound < std::ldexp(1.0, 62)))
    return op.emitOpError("input scales are too far apart for exact 64-bit "
                          "integer addition");
  Storage lhs = getStorage(op.getLhs()), rhs = getStorage(op.getRhs());
  Storage to = resultStorage(b, op.getResult());
  SmallVector<int64_t> outShape = getShape(op.getResult());
  Type i64 = b.getI64Type();
  auto broadcastIndex = [&](ValueRange ivs, Value operand) {
    SmallVector<int64_t> shape = getShape(operand);
    SmallVector<Value> index;
    size_t offset = outShape.size() - shape.size();
    for (size_t d = 0; d < shape.size(); ++d)
      index.push_back(shape[d] == 1 && outShape[offset + d] != 1
                          ? b.create<arith::ConstantIndexOp>(loc, 0)
                          : ivs[offset + d]);
    return index;
  };
  buildParallelNest(
      b, loc, to.shape, SmallVector<int64_t>(outShape.size(), 0),
      [&](OpBuilder &b, Location loc, ValueRange ivs) {
        auto term = [&](const Storage &s, Value operand,
                        quant::QuantizedType q, qrcnn::rt::RequantParams p) {
          Value x = b.createOrFold<arith::SubIOp>(
              loc, s.loadAs(b, loc, broadcastIndex(ivs, operand), i64),
              buildIntConstant(b, loc, i64, getZeroPoints(q).front()));
          x = b.create<arith::MulIOp>(
              loc, x, buildIntConstant(b, loc, i64, p.multiplier));
          return b.createOrFold<arith::ShLIOp>(
              loc, x, buildIntConstant(b, loc, i64, shift - p.shift));
        };
        Value sum = b.create<arith::AddIOp>(
            loc, term(lhs, op.getLhs(), qa, pa), term(rhs, op.getRhs(), qb, pb));
        Value y = buildRoundingShiftHalfEven(
            b, loc, sum, buildIntConstant(b, loc, i64, shift),
            ShiftSign::Mixed);
        y = b.create<arith::AddIOp>(
            loc, y, buildIntConstant(b, loc, i64, getZeroPoints(qy).front()));
        to.store(b, loc,
                 buildClamp(b, loc, y, qy.getStorageTypeMin(),
                            qy.getStorageTypeMax()),
                 ivs);
      });
  return success();
}

LogicalResult FunctionLowering::emitClamp(OpBuilder &b, ClampOp op) {
  quant::QuantizedType out = getQuant(op.getResult());
  Storage from = getStorage(op.getInput());
  Storage to = resultStorage(b, op.getResult());
  Type i64 = b.getI64Type();
  buildParallelNest(b, op.getLoc(), to.shape,
                    SmallVector<int64_t>(to.shape.size(), 0),
                    [&](OpBuilder &b, Location loc, ValueRange ivs) {
                      Value x = from.loadAs(b, loc, ivs, i64);
                      to.store(b, loc,
                               buildClamp(b, loc, x, out.getStorageTypeMin(),
                                          out.getStorageTypeMax()),
                               ivs);
                    });
  return success();
}

LogicalResult FunctionLowering::emitArgMax(OpBuilder &b, ArgMaxOp op) {
  Location loc = op.getLoc();
  Value input = op.getInput();
  // argmax(dequantize(q)) = argmax(q): s > 0 makes dequantization strictly
  // increasing.
  if (auto dq = input.getDefiningOp<DequantizeOp>())
    input = dq.getInput();
  quant::QuantizedType q = getQuant(input);
  SmallVector<int64_t> inShape = getShape(input);
  int64_t rank = inShape.size();
  int64_t axis = op.getAxis() < 0 ? op.getAxis() + rank : op.getAxis();
  Storage from = getStorage(input);
  Storage to = resultStorage(b, op.getResult());
  Type i64 = b.getI64Type();
  buildParallelNest(
      b, loc, to.shape, SmallVector<int64_t>(to.shape.size(), 0),
      [&](OpBuilder &b, Location loc, ValueRange ivs) {
        Value lowest = buildIntConstant(b, loc, i64, q.getStorageTypeMin() - 1);
        Value first = b.create<arith::ConstantIndexOp>(loc, 0);
        SmallVector<Value> best = buildReductionNest(
            b, loc, {b.getIndexAttr(inShape[axis])}, ValueRange{lowest, first},
            [&](OpBuilder &b, Location loc, ValueRange red,
                ValueRange args) -> SmallVector<Value> {
              SmallVector<Value> index;
              for (int64_t d = 0, o = 0; d < rank; ++d) {
                if (d == axis) {
                  index.push_back(red[0]);
                  if (op.getKeepdims())
                    ++o;
                  continue;
                }
                index.push_back(ivs[o++]);
              }
              Value v = from.loadAs(b, loc, index, i64);
              // Strictly greater: the first maximum wins.
              Value better = b.create<arith::CmpIOp>(
                  loc, arith::CmpIPredicate::sgt, v, args[0]);
              return {b.create<arith::SelectOp>(loc, better, v, args[0]),
                      b.create<arith::SelectOp>(loc, better, red[0], args[1])};
            });
        to.store(b, loc, b.create<arith::IndexCastOp>(loc, i64, best[1]), ivs);
      });
  return success();
}

LogicalResult FunctionLowering::emitOp(OpBuilder &b, Operation *op) {
  if (Operation *root = emitAt.lookup(op); root && root != op)
    return success(); // emitted with its group
  if (auto it = groups.find(op); it != groups.end())
    return emitGroup(b, it->second);
  return TypeSwitch<Operation *, LogicalResult>(op)
      .Case<ConstantOp, ReshapeOp, QuantizeOp, DequantizeOp, func::ReturnOp>(
          [](Operation *) { return success(); })
      .Case([&](RecurrentConvOp o) { return emitRecurrentConv(b, o); })
      .Case([&](RequantizeOp o) { return emitRequantize(b, o); })
      .Case([&](MaxPoolOp o) { return emitMaxPool(b, o); })
      .Case([&](AvgPoolOp o) { return emitAvgPool(b, o); })
      .Case([&](AddOp o) { return emitAdd(b, o); })
      .Case([&](ClampOp o) { return emitClamp(b, o); })
      .Case([&](ArgMaxOp o) { return emitArgMax(b, o); })
      .Default([](Operation *o) {
        return o->emitOpError("has no lowering to loops");
      });
}

/// The memref an entry argument of tensor type `type` becomes.
MemRefType getEntryMemRefType(Type type) {
  auto tensor = cast<RankedTensorType>(type);
  if (std::optional<Container> c = getContainer(tensor))
    return MemRefType::get(tensor.getShape(), c->type);
  return MemRefType::get(tensor.getShape(), tensor.getElementType());
}

LogicalResult FunctionLowering::emitIntEntry(LoweringStats &stats) {
  Location loc = func.getLoc();
  SmallVector<Type> argTypes;
  for (const IntInput &in : inputs)
    argTypes.push_back(getEntryMemRefType(in.value.getType()));
  for (const IntOutput &out : outputs)
    argTypes.push_back(getEntryMemRefType(out.value.getType()));
  OpBuilder mb = OpBuilder::atBlockEnd(module.getBody());
  intFunc = mb.create<func::FuncOp>(loc, name + "_int",
                                    mb.getFunctionType(argTypes, {}));
  symbols.insert(intFunc);
  intFunc->setAttr(kEntryAttrName, mb.getStringAttr("int"));
  intFunc->setAttr(kNumInputsAttrName,
                   mb.getI64IntegerAttr(static_cast<int64_t>(inputs.size())));
  auto annotate = [&](unsigned index, Value v) {
    if (quant::QuantizedType q = getQuant(v))
      intFunc.setArgAttr(index, kArgQuantTypeAttrName, TypeAttr::get(q));
  };
  for (auto [i, in] : llvm::enumerate(inputs))
    annotate(i, in.value);
  for (auto [i, out] : llvm::enumerate(outputs))
    annotate(inputs.size() + i, out.value);
  Block *entry = intFunc.addEntryBlock();
  OpBuilder b = OpBuilder::atBlockEnd(entry);

  for (auto [i, in] : llvm::enumerate(inputs))
    storages[in.value] = Storage{entry->getArgument(i), Value(),
                                 toFoldResults(ctx, getShape(in.value)),
                                 *getContainer(in.value.getType())};
  auto outputStorage = [&](Value v, unsigned index) {
    return Storage{entry->getArgument(inputs.size() + index), Value(),
                   toFoldResults(ctx, getShape(v)),
                   *getContainer(v.getType())};
  };
  for (auto &[v, p] : places)
    if (p.kind == PlaceKind::Output)
      storages[v] = outputStorage(v, p.index);

  for (auto &[type, arena] : arenas) {
    auto memrefType = MemRefType::get(
        {static_cast<int64_t>(arena.busyUntil.size()), arena.size},
        arena.type);
    auto global = createGlobal(
        loc, ("arena_i" + Twine(arena.type.getWidth())).str(), memrefType,
        mb.getUnitAttr(), /*constant=*/false);
    arena.value =
        b.create<memref::GetGlobalOp>(loc, memrefType, global.getSymName());
    stats.arenaBytes += memrefType.getNumElements() * arena.type.getWidth() / 8;
  }

  // Every constant a layer reads (as weight, bias or activation) becomes a
  // global up front, named after its first reader.
  for (Operation &op : func.getBody().front())
    for (OpOperand &operand : op.getOpOperands())
      if (auto c = operand.get().getDefiningOp<ConstantOp>()) {
        StringRef suffix = "_const";
        if (isa<ConvOp, DenseOp, RecurrentConvOp>(op))
          suffix = operand.getOperandNumber() == 1 ? "_weight" : "_bias";
        if (failed(getConstantGlobal(b, c, layerName(&op) + suffix.str())))
          return failure();
      }
  for (Operation &op : func.getBody().front())
    if (failed(emitOp(b, &op)))
      return failure();
  for (auto [v, index] : copyOuts)
    emitCopy(b, loc, getStorage(v), outputStorage(v, index),
             SmallVector<int64_t>(getShape(v).size(), 0));
  b.create<func::ReturnOp>(loc);
  int64_t arenaBytes = 0;
  for (auto &[type, arena] : arenas)
    arenaBytes += static_cast<int64_t>(arena.busyUntil.size()) * arena.size *
                  arena.type.getWidth() / 8;
  for (auto &[type, buffer] : stagingBuffers) {
    auto memrefType = MemRefType::get({1, buffer.size}, type);
    buffer.global.setType(memrefType);
    buffer.value.setType(memrefType);
    int64_t bytes = buffer.size * type.getIntOrFloatBitWidth() / 8;
    arenaBytes += bytes;
    stats.arenaBytes += bytes;
  }
  intFunc->setAttr(kArenaBytesAttrName, b.getI64IntegerAttr(arenaBytes));
  intFunc->setAttr(kConstantBytesAttrName, b.getI64IntegerAttr(constantBytes));
  stats.constantBytes += constantBytes;
  return success();
}

LogicalResult FunctionLowering::emitFloatEntry(LoweringStats &stats) {
  Location loc = func.getLoc();
  FunctionType type = func.getFunctionType();
  SmallVector<Type> argTypes;
  for (Type t : type.getInputs())
    argTypes.push_back(getEntryMemRefType(t));
  for (Type t : type.getResults())
    argTypes.push_back(getEntryMemRefType(t));
  OpBuilder mb = OpBuilder::atBlockEnd(module.getBody());
  auto floatFunc =
      mb.create<func::FuncOp>(loc, name, mb.getFunctionType(argTypes, {}));
  floatFunc->setAttr(kEntryAttrName, mb.getStringAttr("float"));
  floatFunc->setAttr(kIntEntryAttrName, FlatSymbolRefAttr::get(intFunc));
  floatFunc->setAttr(kNumInputsAttrName,
                     mb.getI64IntegerAttr(type.getNumInputs()));
  Block *entry = floatFunc.addEntryBlock();
  OpBuilder b = OpBuilder::atBlockEnd(entry);
  int64_t stagingBytes = 0;
  auto stage = [&](Value v) {
    auto memrefType = getEntryMemRefType(v.getType());
    stagingBytes += memrefType.getNumElements() *
                    memrefType.getElementTypeBitWidth() / 8;
    return b.create<memref::AllocaOp>(loc, memrefType).getResult();
  };

  SmallVector<Value> callArgs;
  for (const IntInput &in : inputs) {
    Value arg = entry->getArgument(in.floatArg);
    if (!in.quantize) {
      callArgs.push_back(arg);
      continue;
    }
    auto q = cast<quant::UniformQuantizedType>(getQuant(in.value));
    Value staged = stage(in.value);
    Storage to{staged, Value(), toFoldResults(ctx, getShape(in.value)),
               *getContainer(in.value.getType())};
    buildParallelNest(
        b, loc, to.shape, SmallVector<int64_t>(to.shape.size(), 0),
        [&](OpBuilder &b, Location loc, ValueRange ivs) {
          Value x = b.create<memref::LoadOp>(loc, arg, ivs);
          to.store(b, loc,
                   buildQuantizeF32(b, loc, x,
                                    static_cast<float>(q.getScale()),
                                    q.getZeroPoint(), q.getStorageTypeMin(),
                                    q.getStorageTypeMax()),
                   ivs);
        });
    callArgs.push_back(staged);
  }
  SmallVector<Value> staged;
  for (const IntOutput &out : outputs) {
    Value result = entry->getArgument(type.getNumInputs() + out.floatResult);
    staged.push_back(out.dequantize ? stage(out.value) : result);
  }
  callArgs.append(staged);
  b.create<func::CallOp>(loc, intFunc, callArgs);

  for (auto [out, buffer] : llvm::zip(outputs, staged)) {
    if (!out.dequantize)
      continue;
    Value result = entry->getArgument(type.getNumInputs() + out.floatResult);
    quant::QuantizedType q = getQuant(out.value);
    std::optional<int32_t> axis = getQuantizedAxis(q);
    SmallVector<double> scales = getScales(q);
    SmallVector<int64_t> zeroPoints = getZeroPoints(q);
    Value scaleTable, zeroTable;
    if (axis) {
      SmallVector<Attribute> s, z;
      for (auto [scale, zero] : llvm::zip(scales, zeroPoints)) {
        s.push_back(b.getF32FloatAttr(static_cast<float>(scale)));
        z.push_back(b.getI32IntegerAttr(zero));
      }
      // The tables live next to the integer entry's globals.
      OpBuilder tb = OpBuilder::atBlockBegin(entry);
      std::string prefix = "output" + std::to_string(out.floatResult);
      auto makeTable = [&](StringRef suffix, Type t, ArrayRef<Attribute> vs) {
        auto tensorType =
            RankedTensorType::get({static_cast<int64_t>(vs.size())}, t);
        auto memrefType = MemRefType::get(tensorType.getShape(), t);
        auto global = createGlobal(loc, (prefix + suffix).str(), memrefType,
                                   DenseElementsAttr::get(tensorType, vs),
                                   /*constant=*/true);
        return tb.create<memref::GetGlobalOp>(loc, memrefType,
                                              global.getSymName())
            .getResult();
      };
      scaleTable = makeTable("_scale", b.getF32Type(), s);
      zeroTable = makeTable("_zero_point", b.getI32Type(), z);
    }
    Container c = *getContainer(out.value.getType());
    Type wide = c.type.getWidth() > 32 ? c.type : b.getI32Type();
    Storage from{buffer, Value(), toFoldResults(ctx, getShape(out.value)), c};
    buildParallelNest(
        b, loc, from.shape, SmallVector<int64_t>(from.shape.size(), 0),
        [&](OpBuilder &b, Location loc, ValueRange ivs) {
          // (q - z) in integers, then one float32 multiply.
          Value v = from.loadAs(b, loc, ivs, wide);
          Value z = zeroTable
                        ? buildIntCast(b, loc,
                                       b.create<memref::LoadOp>(
                                           loc, zeroTable, ivs[*axis]),
                                       wide, true)
                        : buildIntConstant(b, loc, wide, zeroPoints[0]);
          v = b.createOrFold<arith::SubIOp>(loc, v, z);
          Value f = b.create<arith::SIToFPOp>(loc, b.getF32Type(), v);
          Value s = scaleTable
                        ? b.create<memref::LoadOp>(loc, scaleTable, ivs[*axis])
                              .getResult()
                        : b.create<arith::ConstantOp>(
                               loc, b.getF32FloatAttr(
                                        static_cast<float>(scales[0])))
                              .getResult();
          b.create<memref::StoreOp>(loc, b.create<arith::MulFOp>(loc, f, s),
                                    result, ivs);
        });
  }
  b.create<func::ReturnOp>(loc);
  floatFunc->setAttr(kStagingBytesAttrName, b.getI64IntegerAttr(stagingBytes));
  stats.stagingBytes += stagingBytes;
  // Take the original's place (and name) in the symbol table.
  func.erase();
  symbols.insert(floatFunc);
  return success();
}

LogicalResult FunctionLowering::run(LoweringStats &stats) {
  name = func.getSymName().str();
  if (failed(checkAndClean()) || failed(findEntries()))
    return failure();
  fuse();
  if (failed(place()))
    return failure();
  symbols.remove(func);
  if (failed(emitIntEntry(stats)))
    return failure();
  return emitFloatEntry(stats);
}

bool hasQNNTensors(func::FuncOp func) {
  auto isQNN = [](Type t) {
    return isa<RankedTensorType>(t);
  };
  return !func.isExternal() &&
         (llvm::any_of(func.getArgumentTypes(), isQNN) ||
          llvm::any_of(func.getResultTypes(), isQNN));
}

struct LowerToLoopsPass
    : public qrcnn::qnn::impl::LowerToLoopsBase<LowerToLoopsPass> {
  using Base::Base;
  void runOnOperation() override {
    LoweringOptions options;
    options.poolBeforeRequantize = poolBeforeRequantize;
    options.narrowRequantize = narrowRequantize;
    options.stageMultiple = stageMultiple;
    if (failed(lowerQNNToLoops(getOperation(), options)))
      return signalPassFailure();
    // The builders leave duplicate constants and single-trip loops (batch
    // 1) behind; clean up so backends and readers see the essential nest.
    OpPassManager cleanup(ModuleOp::getOperationName());
    cleanup.addPass(createCanonicalizerPass());
    cleanup.addPass(createCSEPass());
    if (failed(runPipeline(cleanup, getOperation())))
      return signalPassFailure();
  }
};

} // namespace

LogicalResult qrcnn::qnn::lowerQNNToLoops(ModuleOp module,
                                          LoweringStats *stats) {
  return lowerQNNToLoops(module, LoweringOptions(), stats);
}

LogicalResult qrcnn::qnn::lowerQNNToLoops(ModuleOp module,
                                          const LoweringOptions &options,
                                          LoweringStats *stats) {
  LoweringStats local;
  SymbolTable symbols(module);
  SmallVector<func::FuncOp> funcs;
  for (auto func : module.getOps<func::FuncOp>())
    if (hasQNNTensors(func))
      funcs.push_back(func);
  for (func::FuncOp func : funcs) {
    FunctionLowering lowering(module, func, symbols, options);
    if (failed(lowering.run(local)))
      return failure();
  }
  if (stats)
    *stats = local;
  return success();
}
