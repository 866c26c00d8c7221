//===- UnrollRecurrentConv.cpp - expand qnn.recurrent_conv ----------------===//
//
// The exact inverse of fold-recurrent-conv: each iteration becomes
// conv -> requantize (-> maxpool), every conv reading the same weight and
// bias values, so a folded and an unrolled network compute identical bits.
//
//===----------------------------------------------------------------------===//
#include "qrcnn/Dialect/QNN/QuantTypeUtils.h"
#include "qrcnn/Transforms/Passes.h"
#include "qrcnn/Transforms/RecurrentConv.h"

namespace qrcnn::qnn {
#define GEN_PASS_DEF_UNROLLRECURRENTCONV
#include "qrcnn/Dialect/QNN/Passes.h.inc"
} // namespace qrcnn::qnn

using namespace mlir;
using namespace qrcnn::qnn;

Value qrcnn::qnn::unrollRecurrentConv(OpBuilder &builder, RecurrentConvOp op) {
  builder.setInsertionPoint(op);
  Location loc = op.getLoc();
  Type activation = op.getType().getElementType();
  auto input = cast<RankedTensorType>(op.getInput().getType());
  auto weight = cast<RankedTensorType>(op.getWeight().getType());
  quant::QuantizedType accType =
      getAccumulatorType(getQuantElementType(input),
                         getQuantElementType(weight), /*channelAxis=*/1);
  int64_t spatial = input.getRank() - 2;
  ArrayRef<int64_t> kernel = weight.getShape().drop_front(2);
  SmallVector<int64_t> noPads(2 * spatial, 0), unitDilations(spatial, 1);

  Value current = op.getInput();
  for (int64_t step = 0; step < op.getIterations(); ++step) {
    auto stepShape = cast<RankedTensorType>(current.getType()).getShape();
    SmallVector<int64_t> convShape =
        getWindowResultShape(stepShape, input.getDimSize(1), kernel,
                             op.getStrides(), op.getPads(), op.getDilations());
    auto conv = builder.create<ConvOp>(
        loc, RankedTensorType::get(convShape, accType), current, op.getWeight(),
        op.getBias(), op.getStridesAttr(), op.getPadsAttr(),
        op.getDilationsAttr(), builder.getI64IntegerAttr(1),
        op.getAccBitsAttr());
    current = builder.create<RequantizeOp>(
        loc, RankedTensorType::get(convShape, activation), conv);
    if (op.getPoolKernel()) {
      SmallVector<int64_t> poolShape = getWindowResultShape(
          convShape, convShape[1], *op.getPoolKernel(), *op.getPoolStrides(),
          noPads, unitDilations);
      current = builder.create<MaxPoolOp>(
          loc, RankedTensorType::get(poolShape, activation), current,
          op.getPoolKernelAttr(), op.getPoolStridesAttr(),
          builder.getDenseI64ArrayAttr(noPads),
          builder.getDenseI64ArrayAttr(unitDilations));
    }
  }
  op.getResult().replaceAllUsesWith(current);
  op.erase();
  return current;
}

namespace {
struct UnrollRecurrentConvPass
    : public qrcnn::qnn::impl::UnrollRecurrentConvBase<UnrollRecurrentConvPass> {
  void runOnOperation() override {
    SmallVector<RecurrentConvOp> ops;
    getOperation()->walk([&](RecurrentConvOp op) { ops.push_back(op); });
    OpBuilder builder(&getContext());
    for (RecurrentConvOp op : ops)
      unrollRecurrentConv(builder, op);
  }
};
} // namespace
