//===- InferBitWidths.cpp - accumulator widths from value ranges ----------===//
//
// acc[c] = b[c] + sum_j (x_j - zx) * w[c, j]. With x - zx in [dlo, dhi]
// (the input type's storage range minus its zero point), each product lies
// in [min(w*dlo, w*dhi), max(w*dlo, w*dhi)], and padding contributes 0.
// Summing only the negative lower bounds and only the positive upper bounds
// bounds the bias plus *any* subset of the products, so the width holds
// every partial sum whatever order the hardware adds in; when 0 lies in
// [dlo, dhi] (always, unless a zero point sits outside a narrowed range)
// the bound is also attained, i.e. tight.
//
//===----------------------------------------------------------------------===//
#include "qrcnn/Transforms/BitWidths.h"

#include "TransformUtils.h"
#include "qrcnn/Dialect/QNN/QNNOps.h"
#include "qrcnn/Dialect/QNN/QuantTypeUtils.h"
#include "qrcnn/Transforms/Passes.h"

#include "llvm/Support/MathExtras.h"

namespace qrcnn::qnn {
#define GEN_PASS_DEF_INFERBITWIDTHS
#include "qrcnn/Dialect/QNN/Passes.h.inc"
} // namespace qrcnn::qnn

using namespace mlir;
using namespace mlir::quant;
using namespace qrcnn::qnn;

namespace {

constexpr unsigned kMaxAccumulatorBits = 32;

/// Values of a weight or bias operand: the constant's integers, or one
/// [min, max] pair per element from the storage range.
struct OperandBounds {
  std::optional<SmallVector<int64_t>> values;
  int64_t typeMin = 0, typeMax = 0;

  explicit OperandBounds(Value value) {
    values = getConstantIntegers(value);
    QuantizedType q = getQuantElementType(value.getType());
    typeMin = q.getStorageTypeMin();
    typeMax = q.getStorageTypeMax();
  }
  int64_t min(int64_t i) const { return values ? (*values)[i] : typeMin; }
  int64_t max(int64_t i) const { return values ? (*values)[i] : typeMax; }
};

/// Checked a + b and a * b; false on int64 overflow.
bool add(int64_t a, int64_t b, int64_t &out) { return !llvm::AddOverflow(a, b, out); }
bool mul(int64_t a, int64_t b, int64_t &out) { return !llvm::MulOverflow(a, b, out); }

std::optional<AccumulatorRange> computeRange(Value input, Value weight,
                                             Value bias) {
  auto qin = dyn_cast_or_null<UniformQuantizedType>(
      getQuantElementType(input.getType()));
  if (!qin || !isQuantized(weight.getType()))
    return std::nullopt;
  int64_t dlo = qin.getStorageTypeMin() - qin.getZeroPoint();
  int64_t dhi = qin.getStorageTypeMax() - qin.getZeroPoint();
  auto weightType = cast<ShapedType>(weight.getType());
  int64_t channels = weightType.getDimSize(0);
  int64_t perChannel = weightType.getNumElements() / channels;
  OperandBounds w(weight);
  std::optional<OperandBounds> b;
  if (bias)
    b.emplace(bias);

  AccumulatorRange range{std::numeric_limits<int64_t>::max(),
                         std::numeric_limits<int64_t>::min()};
  for (int64_t c = 0; c < channels; ++c) {
    int64_t lo = b ? b->min(c) : 0, hi = b ? b->max(c) : 0;
    for (int64_t j = c * perChannel; j < (c + 1) * perChannel; ++j) {
      // Extremes of w * d over w in [wmin, wmax], d in [dlo, dhi]: corners.
      int64_t corners[4];
      if (!mul(w.min(j), dlo, corners[0]) || !mul(w.min(j), dhi, corners[1]) ||
          !mul(w.max(j), dlo, corners[2]) || !mul(w.max(j), dhi, corners[3]))
        return std::nullopt;
      int64_t productMin = *std::min_element(corners, corners + 4);
      int64_t productMax = *std::max_element(corners, corners + 4);
      if (!add(lo, std::min<int64_t>(productMin, 0), lo) ||
          !add(hi, std::max<int64_t>(productMax, 0), hi))
        return std::nullopt;
    }
    range.min = std::min(range.min, lo);
    range.max = std::max(range.max, hi);
  }
  return range;
}

struct InferBitWidthsPass
    : public qrcnn::qnn::impl::InferBitWidthsBase<InferBitWidthsPass> {
  using InferBitWidthsBase::InferBitWidthsBase;

  void runOnOperation() override {
    if (failed(inferBitWidths(getOperation(), report)))
      signalPassFailure();
  }
};

} // namespace

std::optional<AccumulatorRange>
qrcnn::qnn::computeAccumulatorRange(Operation *op) {
  if (auto conv = dyn_cast<ConvOp>(op))
    return computeRange(conv.getInput(), conv.getWeight(), conv.getBias());
  if (auto dense = dyn_cast<DenseOp>(op))
    return computeRange(dense.getInput(), dense.getWeight(), dense.getBias());
  // Every step of a recurrent conv reads a value of its input type.
  if (auto recurrent = dyn_cast<RecurrentConvOp>(op))
    return computeRange(recurrent.getInput(), recurrent.getWeight(),
                        recurrent.getBias());
  return std::nullopt;
}

LogicalResult qrcnn::qnn::inferBitWidths(Operation *root, bool report) {
  bool ok = true;
  root->walk([&](Operation *op) {
    if (!isa<ConvOp, DenseOp, RecurrentConvOp>(op) ||
        !isQuantized(op->getOperand(0).getType()))
      return;
    std::optional<AccumulatorRange> range = computeAccumulatorRange(op);
    unsigned bits = range ? getSignedBitWidth(range->min, range->max) : 0;
    if (!range || bits > kMaxAccumulatorBits) {
      InFlightDiagnostic diag = op->emitOpError("accumulator needs ");
      if (range)
        diag << bits << " bits for the range [" << range->min << ", "
             << range->max << "]";
      else
        diag << "more than 64 bits";
      diag << "; at most " << kMaxAccumulatorBits
           << " are supported (use narrower weights, inputs or bias)";
      ok = false;
      return;
    }
    op->setAttr("acc_bits",
                IntegerAttr::get(IntegerType::get(op->getContext(), 64), bits));
    if (report)
      emitRemark(op->getLoc()) << "accumulator range [" << range->min << ", "
                       << range->max << "]: " << bits << " bits";
  });
  return success(ok);
}
