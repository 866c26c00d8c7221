//===- FoldRecurrentConv.cpp - chains of identical blocks -> recurrent_conv ===//
//
// A block is conv -> requantize (-> maxpool) with C -> C channels that
// requantizes to its own input's quantization, so that its output can feed
// the next step. Blocks link when one block's output is read by the next
// block's conv and by nothing else; a chain is a run of linked blocks with
// the same weights, bias, attributes and activation type. Folding keeps the
// first block's weight and bias values; `qnn-unroll-recurrent-conv` gives
// back the same ops, so folded and unfolded networks compute the same bits.
//
//===----------------------------------------------------------------------===//
#include "TransformUtils.h"
#include "qrcnn/Dialect/QNN/QuantTypeUtils.h"
#include "qrcnn/Transforms/Passes.h"
#include "qrcnn/Transforms/RecurrentConv.h"

#include "mlir/IR/TypeUtilities.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SetVector.h"

namespace qrcnn::qnn {
#define GEN_PASS_DEF_FOLDRECURRENTCONV
#include "qrcnn/Dialect/QNN/Passes.h.inc"
} // namespace qrcnn::qnn

using namespace mlir;
using namespace mlir::quant;
using namespace qrcnn::qnn;

namespace {

struct ConvBlock {
  // Op handles are cheap references; their accessors are non-const.
  mutable ConvOp conv;
  mutable RequantizeOp requantize;
  mutable MaxPoolOp pool; // null when the block has no pooling

  Value getInput() const { return conv.getInput(); }
  Value getOutput() const {
    return pool ? pool.getResult() : requantize.getResult();
  }
  UniformQuantizedType getActivationType() const {
    return cast<UniformQuantizedType>(
        getElementTypeOrSelf(requantize.getType()));
  }
  /// Ops in program order.
  SmallVector<Operation *, 3> getOps() const {
    SmallVector<Operation *, 3> ops = {conv, requantize};
    if (pool)
      ops.push_back(pool);
    return ops;
  }
};

/// Same real values: scale, zero point and storage range. The container
/// (u8<0:15> vs u4) does not matter. Scales must be equal, not merely close:
/// folding must not change a single requantization multiplier.
bool holdSameValues(Type a, Type b) {
  auto qa = dyn_cast_or_null<UniformQuantizedType>(getQuantElementType(a));
  auto qb = dyn_cast_or_null<UniformQuantizedType>(getQuantElementType(b));
  return qa && qb && qa.getScale() == qb.getScale() &&
         qa.getZeroPoint() == qb.getZeroPoint() &&
         qa.getStorageTypeMin() == qb.getStorageTypeMin() &&
         qa.getStorageTypeMax() == qb.getStorageTypeMax();
}

bool isAllEqual(ArrayRef<int64_t> values, int64_t expected) {
  return llvm::all_of(values, [&](int64_t v) { return v == expected; });
}

/// The block that starts at `conv`, if it is one that could recur.
std::optional<ConvBlock> matchBlock(ConvOp conv) {
  auto input = cast<RankedTensorType>(conv.getInput().getType());
  auto weight = cast<RankedTensorType>(conv.getWeight().getType());
  if (!isQuantized(input) || conv.getGroup() != 1)
    return std::nullopt;
  int64_t channels = input.getDimSize(1);
  if (weight.getDimSize(0) != channels || weight.getDimSize(1) != channels)
    return std::nullopt;
  if (!conv.getResult().hasOneUse())
    return std::nullopt;
  auto requantize = dyn_cast<RequantizeOp>(*conv.getResult().user_begin());
  if (!requantize || !holdSameValues(input, requantize.getType()))
    return std::nullopt;
  ConvBlock block{conv, requantize, MaxPoolOp()};
  Value activation = requantize.getResult();
  if (activation.hasOneUse())
    if (auto pool = dyn_cast<MaxPoolOp>(*activation.user_begin()))
      if (isAllEqual(pool.getPads(), 0) && isAllEqual(pool.getDilations(), 1) &&
          pool->getBlock() == conv->getBlock())
        block.pool = pool;
  if (requantize->getBlock() != conv->getBlock())
    return std::nullopt;
  return block;
}

/// Blocks that one recurrent conv can compute with the same parameters.
bool areIdentical(const ConvBlock &a, const ConvBlock &b) {
  if (!isSameConstantValue(a.conv.getWeight(), b.conv.getWeight()))
    return false;
  Value biasA = a.conv.getBias(), biasB = b.conv.getBias();
  if (static_cast<bool>(biasA) != static_cast<bool>(biasB) ||
      (biasA && !isSameConstantValue(biasA, biasB)))
    return false;
  if (a.conv.getStrides() != b.conv.getStrides() ||
      a.conv.getPads() != b.conv.getPads() ||
      a.conv.getDilations() != b.conv.getDilations())
    return false;
  if (!holdSameValues(a.requantize.getType(), b.requantize.getType()))
    return false;
  if (static_cast<bool>(a.pool) != static_cast<bool>(b.pool))
    return false;
  return !a.pool || (a.pool.getKernel() == b.pool.getKernel() &&
                     a.pool.getStrides() == b.pool.getStrides());
}

/// Replaces `chain` by one recurrent conv; returns it.
RecurrentConvOp foldChain(ArrayRef<ConvBlock> chain) {
  const ConvBlock &first = chain.front(), &last = chain.back();
  Value output = last.getOutput();
  OpBuilder builder(output.getContext());
  builder.setInsertionPointAfterValue(output);
  Location loc = builder.getFusedLoc(llvm::to_vector(llvm::map_range(
      chain, [](const ConvBlock &b) { return b.conv.getLoc(); })));

  // The chain's activation type, in the first block's container; inputs and
  // outputs in another container get an identity requantize.
  Type activation = first.getActivationType();
  auto withActivation = [&](Value v) {
    return cast<RankedTensorType>(v.getType()).clone(activation);
  };
  Value input = first.getInput();
  if (getElementTypeOrSelf(input.getType()) != activation)
    input = builder.create<RequantizeOp>(loc, withActivation(input), input);

  DenseI64ArrayAttr poolKernel, poolStrides;
  if (first.pool) {
    poolKernel = first.pool.getKernelAttr();
    poolStrides = first.pool.getStridesAttr();
  }
  auto folded = builder.create<RecurrentConvOp>(
      loc, withActivation(output), input, first.conv.getWeight(),
      first.conv.getBias(), builder.getI64IntegerAttr(chain.size()),
      first.conv.getStridesAttr(), first.conv.getPadsAttr(),
      first.conv.getDilationsAttr(), poolKernel, poolStrides,
      /*acc_bits=*/IntegerAttr());
  Value result = folded.getResult();
  if (result.getType() != output.getType())
    result = builder.create<RequantizeOp>(loc, output.getType(), result);
  output.replaceAllUsesWith(result);

  llvm::SetVector<Operation *> parameters;
  for (const ConvBlock &block : llvm::reverse(chain)) {
    for (Value parameter : {block.conv.getWeight(), block.conv.getBias()})
      if (Operation *def = parameter ? parameter.getDefiningOp() : nullptr)
        if (isa<ConstantOp>(def))
          parameters.insert(def);
    SmallVector<Operation *, 3> ops = block.getOps();
    for (Operation *op : llvm::reverse(ops))
      op->erase();
  }
  // Equal-contents weights of the later blocks are no longer read.
  for (Operation *def : parameters)
    if (def->use_empty())
      def->erase();
  return folded;
}

int64_t getNumElements(Value value) {
  return value ? cast<ShapedType>(value.getType()).getNumElements() : 0;
}

struct FoldRecurrentConvPass
    : public qrcnn::qnn::impl::FoldRecurrentConvBase<FoldRecurrentConvPass> {
  using FoldRecurrentConvBase::FoldRecurrentConvBase;

  void runOnOperation() override {
    Operation *root = getOperation();
    if (minLength < 1) {
      root->emitError("min-length must be at least 1, got ") << minLength;
      return signalPassFailure();
    }
    FoldRecurrentConvStats stats = foldRecurrentConvs(root, minLength);
    if (!report)
      return;
    root->walk([](RecurrentConvOp op) {
      int64_t params = getNumElements(op.getWeight()) +
                       getNumElements(op.getBias());
      emitRemark(op.getLoc()) << "recurrent conv: " << op.getIterations()
                      << " steps of one block with " << params
                      << " parameters";
    });
    emitRemark(root->getLoc()) << "layer parameters: "
                       << countLayerParameters(root, /*unrolled=*/true)
                       << " unrolled, "
                       << countLayerParameters(root, /*unrolled=*/false)
                       << " folded (" << stats.blocks << " blocks folded into "
                       << stats.chains << " recurrent convs)";
  }
};

} // namespace

FoldRecurrentConvStats qrcnn::qnn::foldRecurrentConvs(Operation *root,
                                                      int64_t minLength) {
  SmallVector<ConvBlock> blocks;
  DenseMap<Operation *, size_t> blockOfConv;
  root->walk([&](ConvOp conv) {
    if (std::optional<ConvBlock> block = matchBlock(conv)) {
      blockOfConv[conv] = blocks.size();
      blocks.push_back(*block);
    }
  });

  // next[i]: the identical block that alone reads block i's output.
  constexpr size_t kNone = ~size_t(0);
  SmallVector<size_t> next(blocks.size(), kNone);
  SmallVector<bool> continues(blocks.size(), false);
  for (auto [i, block] : llvm::enumerate(blocks)) {
    Value output = block.getOutput();
    if (!output.hasOneUse())
      continue;
    OpOperand &use = *output.use_begin();
    auto it = blockOfConv.find(use.getOwner());
    if (it == blockOfConv.end() || use.getOperandNumber() != 0 ||
        use.getOwner()->getBlock() != block.conv->getBlock() ||
        !areIdentical(block, blocks[it->second]))
      continue;
    next[i] = it->second;
    continues[it->second] = true;
  }

  FoldRecurrentConvStats stats;
  SmallVector<SmallVector<ConvBlock>> chains;
  for (size_t i = 0; i < blocks.size(); ++i) {
    if (continues[i])
      continue;
    // A chain longer than a recurrent conv may be becomes several, one
    // feeding the next.
    SmallVector<ConvBlock> chain;
    for (size_t j = i; j != kNone; j = next[j]) {
      chain.push_back(blocks[j]);
      if (static_cast<int64_t>(chain.size()) == kMaxRecurrentIterations) {
        chains.push_back(std::move(chain));
        chain.clear();
      }
    }
    if (static_cast<int64_t>(chain.size()) >= minLength)
      chains.push_back(std::move(chain));
  }
  for (ArrayRef<ConvBlock> chain : chains) {
    foldChain(chain);
    ++stats.chains;
    stats.blocks += chain.size();
  }
  return stats;
}

int64_t qrcnn::qnn::countLayerParameters(Operation *root, bool unrolled) {
  int64_t count = 0;
  root->walk([&](Operation *op) {
    if (auto conv = dyn_cast<ConvOp>(op))
      count += getNumElements(conv.getWeight()) + getNumElements(conv.getBias());
    else if (auto dense = dyn_cast<DenseOp>(op))
      count +=
          getNumElements(dense.getWeight()) + getNumElements(dense.getBias());
    else if (auto recurrent = dyn_cast<RecurrentConvOp>(op))
      count += (getNumElements(recurrent.getWeight()) +
                getNumElements(recurrent.getBias())) *
               (unrolled ? recurrent.getIterations() : 1);
  });
  return count;
}
