//===- ReorderConvLoops.cpp - 1-D conv loops in CPU order ------------------===//
//
// qnn-lower-to-loops writes a conv for every backend alike: one scalar
// accumulation per output element (ConversionPasses.td). This pass recognizes
// that nest by its structure, not by its origin:
//
//   scf.for %t                       (position loop, no results)
//     scf.for %co                    (channel loop, bounds independent of %t)
//       ... R: a reduction nest of scf.for with one iter_arg each, whose
//       innermost body is `acc + x * w` ... where R reads exactly one value
//       that depends on %t (the conv position `pos`)
//
// and rewrites it as described in Passes.td: channel loop outermost, a row of
// accumulators filled by the reduction loops with the position loop innermost
// (where the compiler vectorizes it), then the original tail per position
// reading the row. Anything that does not fit is left alone, so the pass is
// always safe to run; it relies on one property of the lowering: a conv never
// writes the buffer it reads (its input and output are different arena slots
// or buffers), which is what makes the position and channel loops parallel.
//
//===----------------------------------------------------------------------===//
#include "qrcnn/Target/CPP/CppTarget.h"
#include "qrcnn/Target/CPP/Passes.h"

#include "qrcnn/Conversion/QNNToLoops.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Utils/Utils.h"
#include "mlir/Analysis/SliceAnalysis.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "llvm/Support/MathExtras.h"

namespace qrcnn::cpp {
#define GEN_PASS_DEF_CPUREORDERCONVLOOPS
#include "qrcnn/Target/CPP/Passes.h.inc"
} // namespace qrcnn::cpp

using namespace mlir;

namespace {

/// Kernel taps up to this many are jammed into the position loop.
constexpr int64_t kMaxJammedTaps = 16;
/// Pool windows up to this size are unrolled in the tail.
constexpr int64_t kMaxUnrolledWindow = 8;

std::optional<int64_t> getConstantIndex(Value v) {
  APInt value;
  if (matchPattern(v, m_ConstantInt(&value)))
    return value.getSExtValue();
  return std::nullopt;
}

/// Pure, or reads memory without writing it (a load): safe to re-execute
/// and to reorder with the conv's own loads.
bool isReadOnly(Operation *op) {
  if (isMemoryEffectFree(op))
    return true;
  auto effects = dyn_cast<MemoryEffectOpInterface>(op);
  return effects && effects.onlyHasEffect<MemoryEffects::Read>();
}

/// scf.for loops with one iter_arg each, perfectly chained, whose innermost
/// body yields `acc + x * w`.
struct ReductionNest {
  SmallVector<scf::ForOp> loops; // outer to inner
  arith::MulIOp product;
  arith::AddIOp update;

  scf::ForOp outer() const { return loops.front(); }
  scf::ForOp inner() const { return loops.back(); }
};

std::optional<ReductionNest> matchReductionNest(scf::ForOp outer) {
  ReductionNest nest;
  scf::ForOp loop = outer;
  while (true) {
    if (loop.getNumRegionIterArgs() != 1)
      return std::nullopt;
    nest.loops.push_back(loop);
    Block *body = loop.getBody();
    auto yield = cast<scf::YieldOp>(body->getTerminator());
    Value acc = loop.getRegionIterArgs()[0];
    // An outer loop: [read-only ops...] inner loop, yield of its result.
    Operation *last = yield->getPrevNode();
    if (auto inner = dyn_cast_or_null<scf::ForOp>(last)) {
      if (inner.getNumResults() != 1 || inner.getInitArgs()[0] != acc ||
          yield.getOperand(0) != inner.getResult(0) || !acc.hasOneUse())
        return std::nullopt;
      for (Operation &op : body->without_terminator())
        if (&op != inner && (!isReadOnly(&op) || op.getNumRegions()))
          return std::nullopt;
      loop = inner;
      continue;
    }
    // The innermost loop: read-only ops, the product and the update.
    auto update = yield.getOperand(0).getDefiningOp<arith::AddIOp>();
    if (!update || update->getBlock() != body || !acc.hasOneUse())
      return std::nullopt;
    Value other = update.getLhs() == acc ? update.getRhs() : update.getLhs();
    if (other == acc || (update.getLhs() != acc && update.getRhs() != acc))
      return std::nullopt;
    auto product = other.getDefiningOp<arith::MulIOp>();
    if (!product || product->getBlock() != body || !product->hasOneUse())
      return std::nullopt;
    for (Operation &op : body->without_terminator())
      if (!isReadOnly(&op) || op.getNumRegions())
        return std::nullopt;
    nest.product = product;
    nest.update = update;
    return nest;
  }
}

/// One recognized conv nest.
struct ConvNest {
  scf::ForOp tLoop, coLoop;
  ReductionNest reduction;
  Value position;
  /// Loops between the channel loop and the reduction (a fused pool): their
  /// induction variables may feed the position.
  SmallVector<scf::ForOp> windowLoops;
  /// Static bound on the row length (positions computed per channel).
  int64_t maxRow = 0;
  /// The reduction's type and the row's: i16 when bit-width inference proved
  /// 16 bits enough (`qnn.acc_bits`), so SIMD lanes hold twice as many
  /// positions; the sum is then exact modulo 2^16 and fits.
  IntegerType accType, rowType;
  /// `qnn.overcompute` of the position loop: the row may be computed in
  /// whole blocks of this many positions (0: exactly).
  int64_t overcompute = 0;
  /// Output channels accumulated together (see chooseChannelBlock): rows
  /// `block` apart by `maxRow` positions, each input tap loaded once for
  /// all of them.
  int64_t block = 1;
  /// The tail (requantization, pool, store) also runs in whole blocks of
  /// `overcompute` positions when every buffer it touches has room for the
  /// extra positions (see canBlockTail): positions past the end store the
  /// value already there.
  bool blockedTail = false;
  /// Activation buffers (private mutable globals) whose last dimension the
  /// blocked tail needs longer: the global and the extent it needs.
  std::vector<std::pair<memref::GlobalOp, int64_t>> grownBuffers;
};

/// A private mutable global read and written only by loads and stores of
/// its memref.get_global values (an arena of the lowering): its last
/// dimension can grow without changing any access.
bool isGrowableBuffer(memref::GlobalOp global) {
  if (!global || global.getConstant() || !global.isPrivate() ||
      !global.getType().hasStaticShape() || global.getType().getRank() == 0)
    return false;
  auto module = global->getParentOfType<ModuleOp>();
  std::optional<SymbolTable::UseRange> uses =
      SymbolTable::getSymbolUses(global, module);
  if (!uses)
    return false;
  for (const SymbolTable::SymbolUse &use : *uses) {
    auto get = dyn_cast<memref::GetGlobalOp>(use.getUser());
    if (!get)
      return false;
    for (OpOperand &user : get->getUses()) {
      auto load = dyn_cast<memref::LoadOp>(user.getOwner());
      auto store = dyn_cast<memref::StoreOp>(user.getOwner());
      if (!(load && load.getMemRef() == get.getResult()) &&
          !(store && store.getMemRef() == get.getResult()))
        return false;
    }
  }
  return true;
}

/// Whether `v` depends on `root` through ops inside `scope`.
bool dependsOn(Value v, Value root, Operation *scope,
               DenseMap<Value, bool> &memo) {
  if (v == root)
    return true;
  auto it = memo.find(v);
  if (it != memo.end())
    return it->second;
  bool result = false;
  if (Operation *def = v.getDefiningOp())
    if (scope->isAncestor(def))
      for (Value operand : def->getOperands())
        if (dependsOn(operand, root, scope, memo)) {
          result = true;
          break;
        }
  memo[v] = result;
  return result;
}

/// Values `op` and the ops inside it use but that are defined outside it.
SetVector<Value> getUsedFromAbove(Operation *op) {
  SetVector<Value> values;
  op->walk([&](Operation *inner) {
    for (Value operand : inner->getOperands()) {
      Operation *owner = operand.getDefiningOp();
      if (!owner)
        owner = cast<BlockArgument>(operand).getOwner()->getParentOp();
      if (!op->isAncestor(owner))
        values.insert(operand);
    }
  });
  return values;
}

/// Whether materialize() below can rebuild `v` outside `scope` given values
/// for `provided`.
bool canMaterialize(Value v, Operation *scope,
                    const DenseSet<Value> &provided) {
  if (provided.contains(v))
    return true;
  Operation *def = v.getDefiningOp();
  if (!def)
    return !scope->isAncestor(
        cast<BlockArgument>(v).getOwner()->getParentOp());
  if (!scope->isAncestor(def) || matchPattern(v, m_Constant()))
    return true;
  if (!isReadOnly(def) || def->getNumRegions())
    return false;
  return llvm::all_of(def->getOperands(), [&](Value operand) {
    return canMaterialize(operand, scope, provided);
  });
}

/// Static evaluation of a position expression (constants, induction
/// variables with known values, add and multiply).
std::optional<int64_t> evaluate(Value v, const DenseMap<Value, int64_t> &ivs) {
  if (auto it = ivs.find(v); it != ivs.end())
    return it->second;
  if (std::optional<int64_t> c = getConstantIndex(v))
    return c;
  Operation *def = v.getDefiningOp();
  if (!def || def->getNumOperands() != 2)
    return std::nullopt;
  std::optional<int64_t> a = evaluate(def->getOperand(0), ivs);
  std::optional<int64_t> b = evaluate(def->getOperand(1), ivs);
  if (!a || !b)
    return std::nullopt;
  if (isa<arith::AddIOp>(def))
    return *a + *b;
  if (isa<arith::MulIOp>(def) && *a >= 0 && *b >= 0)
    return *a * *b;
  return std::nullopt;
}

/// The largest trip count of `loop` (lower bound 0, step 1): a constant
/// upper bound or the lowering's `qnn.max_trip_count`.
std::optional<int64_t> getMaxTripCount(scf::ForOp loop) {
  if (getConstantIndex(loop.getLowerBound()) != 0 ||
      getConstantIndex(loop.getStep()) != 1)
    return std::nullopt;
  if (std::optional<int64_t> ub = getConstantIndex(loop.getUpperBound()))
    return ub;
  if (auto attr =
          loop->getAttrOfType<IntegerAttr>(qrcnn::qnn::kMaxTripCountAttrName))
    return attr.getInt();
  return std::nullopt;
}

/// Signed interval of an integer value computed inside `scope` from
/// constants, loads (a constant global's values, else the element type's
/// range), extensions, truncations that keep the interval, add, subtract,
/// multiply and select; std::nullopt otherwise.
struct Interval {
  int64_t lo, hi;
};

Interval getTypeRange(Type type, bool isSigned) {
  unsigned width = type.getIntOrFloatBitWidth();
  if (width >= 63)
    return {INT64_MIN / 4, INT64_MAX / 4};
  if (isSigned)
    return {-(int64_t(1) << (width - 1)), (int64_t(1) << (width - 1)) - 1};
  return {0, (int64_t(1) << width) - 1};
}

std::optional<Interval> getRange(Value v, Operation *scope,
                                 DenseMap<Value, std::optional<Interval>> &memo) {
  if (auto it = memo.find(v); it != memo.end())
    return it->second;
  std::optional<Interval> result;
  APInt constant;
  Operation *def = v.getDefiningOp();
  auto rangeOf = [&](Value operand) { return getRange(operand, scope, memo); };
  if (matchPattern(v, m_ConstantInt(&constant))) {
    result = Interval{constant.getSExtValue(), constant.getSExtValue()};
  } else if (!def || !isa<IntegerType>(v.getType())) {
    result = std::nullopt;
  } else if (auto load = dyn_cast<memref::LoadOp>(def)) {
    result = getTypeRange(v.getType(), /*isSigned=*/true);
    if (auto get = load.getMemRef().getDefiningOp<memref::GetGlobalOp>()) {
      auto global = SymbolTable::lookupNearestSymbolFrom<memref::GlobalOp>(
          get, get.getNameAttr());
      auto values = global && global.getConstant()
                        ? dyn_cast_or_null<DenseIntElementsAttr>(
                              global.getInitialValueAttr())
                        : nullptr;
      if (values && !values.empty()) {
        Interval table{INT64_MAX, INT64_MIN};
        for (const APInt &value : values.getValues<APInt>()) {
          table.lo = std::min(table.lo, value.getSExtValue());
          table.hi = std::max(table.hi, value.getSExtValue());
        }
        result = table;
      }
    }
  } else if (isa<arith::ExtUIOp>(def)) {
    std::optional<Interval> in = rangeOf(def->getOperand(0));
    Interval full = getTypeRange(def->getOperand(0).getType(), false);
    result = in && in->lo >= 0 ? *in : full;
  } else if (isa<arith::ExtSIOp>(def)) {
    result = rangeOf(def->getOperand(0));
    if (!result)
      result = getTypeRange(def->getOperand(0).getType(), true);
  } else if (isa<arith::TruncIOp>(def)) {
    std::optional<Interval> in = rangeOf(def->getOperand(0));
    Interval full = getTypeRange(v.getType(), true);
    if (in && in->lo >= full.lo && in->hi <= full.hi)
      result = in;
  } else if (isa<arith::AddIOp, arith::SubIOp, arith::MulIOp>(def)) {
    std::optional<Interval> a = rangeOf(def->getOperand(0));
    std::optional<Interval> b = rangeOf(def->getOperand(1));
    if (a && b) {
      if (isa<arith::AddIOp>(def))
        result = Interval{a->lo + b->lo, a->hi + b->hi};
      else if (isa<arith::SubIOp>(def))
        result = Interval{a->lo - b->hi, a->hi - b->lo};
      else {
        int64_t p[] = {a->lo * b->lo, a->lo * b->hi, a->hi * b->lo,
                       a->hi * b->hi};
        result = Interval{*std::min_element(p, p + 4),
                          *std::max_element(p, p + 4)};
      }
    }
  } else if (auto select = dyn_cast<arith::SelectOp>(def)) {
    std::optional<Interval> a = rangeOf(select.getTrueValue());
    std::optional<Interval> b = rangeOf(select.getFalseValue());
    if (a && b)
      result = Interval{std::min(a->lo, b->lo), std::max(a->hi, b->hi)};
  }
  // Keep the interval arithmetic far from overflow.
  if (result && (result->lo < -(int64_t(1) << 40) || result->hi > (int64_t(1) << 40)))
    result = std::nullopt;
  memo[v] = result;
  return result;
}

/// Whether the reduction's final value always fits in 16 bits: the initial
/// value's interval plus (taps x channels) products in the product's
/// interval (or 0 for a padded tap).
bool fitsInt16(ReductionNest red) {
  DenseMap<Value, std::optional<Interval>> memo;
  Operation *scope = red.outer();
  std::optional<Interval> init = getRange(red.outer().getInitArgs()[0], scope, memo);
  std::optional<Interval> product = getRange(red.product.getResult(), scope, memo);
  if (!init || !product)
    return false;
  int64_t trips = 1;
  for (scf::ForOp loop : red.loops) {
    std::optional<int64_t> n = getMaxTripCount(loop);
    if (!n)
      return false;
    trips *= *n;
  }
  int64_t lo = init->lo + trips * std::min<int64_t>(product->lo, 0);
  int64_t hi = init->hi + trips * std::max<int64_t>(product->hi, 0);
  return lo >= INT16_MIN && hi <= INT16_MAX;
}

/// Whether every memref access of the tail (the channel loop's body outside
/// the reduction) stays inside its buffer when the position loop runs to
/// `tailTrips` instead of its trip count: each index that depends on the
/// position, evaluated at the largest position, channel and window and at
/// the largest trip count (indices are sums and products of non-negative
/// terms, so that is their maximum), is below its dimension. Also requires
/// that the tail writes memory only by stores, which can then keep the old
/// value past the end.
bool canBlockTail(ConvNest &conv, int64_t maxT, int64_t tailTrips) {
  std::optional<int64_t> channels = getMaxTripCount(conv.coLoop);
  if (!channels || *channels < 1)
    return false;
  DenseMap<Value, int64_t> atMax = {
      {conv.tLoop.getInductionVar(), tailTrips - 1},
      {conv.tLoop.getUpperBound(), maxT},
      {conv.coLoop.getInductionVar(), *channels - 1}};
  for (scf::ForOp window : conv.windowLoops)
    atMax[window.getInductionVar()] =
        *getConstantIndex(window.getUpperBound()) - 1;
  Value t = conv.tLoop.getInductionVar();
  Operation *reduction = conv.reduction.outer();
  DenseMap<Value, bool> memo;
  WalkResult result =
      conv.coLoop.getBody()->walk<WalkOrder::PreOrder>([&](Operation *op) {
    if (op == reduction)
      return WalkResult::skip();
    MemRefType type;
    ValueRange indices;
    if (auto load = dyn_cast<memref::LoadOp>(op)) {
      type = load.getMemRefType();
      indices = load.getIndices();
    } else if (auto store = dyn_cast<memref::StoreOp>(op)) {
      type = store.getMemRefType();
      indices = store.getIndices();
    } else if (isReadOnly(op) || isa<scf::ForOp, scf::YieldOp>(op)) {
      return WalkResult::advance();
    } else {
      return WalkResult::interrupt();
    }
    if (!type.hasStaticShape())
      return WalkResult::interrupt();
    for (auto [d, index] : llvm::enumerate(indices)) {
      if (!dependsOn(index, t, conv.tLoop, memo))
        continue;
      std::optional<int64_t> largest = evaluate(index, atMax);
      if (!largest)
        return WalkResult::interrupt();
      if (*largest < type.getDimSize(d))
        continue;
      // Past the end of an arena's last dimension (the last channel's
      // block): the arena grows.
      Value memref = isa<memref::LoadOp>(op)
                         ? cast<memref::LoadOp>(op).getMemRef()
                         : cast<memref::StoreOp>(op).getMemRef();
      auto get = memref.getDefiningOp<memref::GetGlobalOp>();
      auto global =
          get ? SymbolTable::lookupNearestSymbolFrom<memref::GlobalOp>(
                    get, get.getNameAttr())
              : nullptr;
      if (d + 1 != indices.size() || !isGrowableBuffer(global))
        return WalkResult::interrupt();
      conv.grownBuffers.push_back({global, *largest + 1});
    }
    return WalkResult::advance();
  });
  if (result.wasInterrupted())
    conv.grownBuffers.clear();
  return !result.wasInterrupted();
}

std::optional<ConvNest> matchConvNest(scf::ForOp tLoop) {
  ConvNest conv;
  conv.tLoop = tLoop;
  Block *tBody = tLoop.getBody();
  if (tLoop.getNumResults() != 0 || tBody->getOperations().size() != 2)
    return std::nullopt;
  auto coLoop = dyn_cast<scf::ForOp>(tBody->front());
  if (!coLoop || coLoop.getNumResults() != 0)
    return std::nullopt;
  for (Value bound : {coLoop.getLowerBound(), coLoop.getUpperBound(),
                      coLoop.getStep()})
    if (!tLoop.isDefinedOutsideOfLoop(bound))
      return std::nullopt;
  conv.coLoop = coLoop;
  std::optional<int64_t> maxT = getMaxTripCount(tLoop);
  if (!maxT)
    return std::nullopt;

  // Exactly one reduction nest in the channel loop.
  SmallVector<ReductionNest> nests;
  coLoop.getBody()->walk<WalkOrder::PreOrder>([&](scf::ForOp loop) {
    if (std::optional<ReductionNest> nest = matchReductionNest(loop)) {
      nests.push_back(*nest);
      return WalkResult::skip();
    }
    return WalkResult::advance();
  });
  if (nests.size() != 1)
    return std::nullopt;
  conv.reduction = nests.front();
  scf::ForOp outer = conv.reduction.outer();
  auto accType = dyn_cast<IntegerType>(outer.getResult(0).getType());
  if (!accType)
    return std::nullopt;
  conv.accType = accType;
  conv.rowType = accType;
  // 16 bits suffice when bit-width inference said so (`qnn.acc_bits`; lost
  // when canonicalization folds the annotated loop away) or when intervals
  // of the operands prove it.
  auto bits = outer->getAttrOfType<IntegerAttr>(qrcnn::qnn::kAccBitsAttrName);
  if (accType.getWidth() > 16 &&
      ((bits && bits.getInt() <= 16) || fitsInt16(conv.reduction)))
    conv.rowType = IntegerType::get(accType.getContext(), 16);
  for (Operation *p = outer->getParentOp(); p != coLoop; p = p->getParentOp()) {
    auto window = dyn_cast<scf::ForOp>(p);
    if (!window || !getConstantIndex(window.getUpperBound()) ||
        getMaxTripCount(window) != getConstantIndex(window.getUpperBound()))
      return std::nullopt;
    conv.windowLoops.push_back(window);
  }

  // The reduction reads one value that depends on the position loop.
  DenseMap<Value, bool> memo;
  Value t = tLoop.getInductionVar();
  for (Value v : getUsedFromAbove(outer)) {
    if (v == outer.getInitArgs()[0])
      continue;
    if (!dependsOn(v, t, tLoop, memo))
      continue;
    if (conv.position)
      return std::nullopt;
    conv.position = v;
  }
  if (!conv.position)
    return std::nullopt;
  // Its largest value bounds the row.
  DenseMap<Value, int64_t> atMax = {{t, *maxT - 1}};
  for (scf::ForOp window : conv.windowLoops)
    atMax[window.getInductionVar()] =
        *getConstantIndex(window.getUpperBound()) - 1;
  std::optional<int64_t> maxPosition = evaluate(conv.position, atMax);
  if (!maxPosition || *maxPosition < 0)
    return std::nullopt;
  conv.maxRow = *maxPosition + 1;
  if (auto attr = tLoop->getAttrOfType<IntegerAttr>(
          qrcnn::qnn::kOvercomputeAttrName);
      attr && attr.getInt() > 1) {
    conv.overcompute = attr.getInt();
    auto roundUp = [&](int64_t n) {
      return llvm::alignTo(n, conv.overcompute);
    };
    conv.maxRow = roundUp(conv.maxRow);
    // A tail in whole blocks reads the row up to the position of the last
    // block's end: the row is sized for that too.
    int64_t tailTrips = roundUp(*maxT);
    atMax[t] = tailTrips - 1;
    std::optional<int64_t> tailPosition = evaluate(conv.position, atMax);
    if (tailPosition && canBlockTail(conv, *maxT, tailTrips)) {
      conv.blockedTail = true;
      conv.maxRow = std::max<int64_t>(conv.maxRow, roundUp(*tailPosition + 1));
    }
  }
  // Everything phase 1 rebuilds outside the position loop must be
  // computable from the channel, the reduction indices and the position.
  Value co = coLoop.getInductionVar();
  DenseSet<Value> positionInputs = {t};
  for (scf::ForOp window : conv.windowLoops)
    positionInputs.insert(window.getInductionVar());
  if (!canMaterialize(conv.position, tLoop, positionInputs))
    return std::nullopt;
  DenseSet<Value> channelOnly = {co};
  if (!canMaterialize(outer.getInitArgs()[0], tLoop, channelOnly))
    return std::nullopt;
  DenseSet<Value> reductionInputs = {co};
  for (scf::ForOp loop : conv.reduction.loops)
    for (Value bound :
         {loop.getLowerBound(), loop.getUpperBound(), loop.getStep()})
      if (!canMaterialize(bound, tLoop, reductionInputs))
        return std::nullopt;
  for (scf::ForOp loop : conv.reduction.loops)
    reductionInputs.insert(loop.getInductionVar());
  Value x = conv.reduction.product.getLhs();
  Value w = conv.reduction.product.getRhs();
  DenseMap<Value, bool> positionMemo;
  if (dependsOn(w, conv.position, tLoop, positionMemo))
    std::swap(x, w);
  if (dependsOn(w, conv.position, tLoop, positionMemo) ||
      !canMaterialize(w, tLoop, reductionInputs))
    return std::nullopt;
  reductionInputs.insert(conv.position);
  if (!canMaterialize(x, tLoop, reductionInputs))
    return std::nullopt;
  return conv;
}

/// Clones the ops inside `scope` that `v` is computed from, after the ones
/// `map` already holds; values from outside `scope` are used as they are.
/// Fails on block arguments of `scope` that `map` does not provide and on
/// ops that write memory or hold regions.
FailureOr<Value> materialize(OpBuilder &b, Value v, Operation *scope,
                             IRMapping &map) {
  if (Value mapped = map.lookupOrNull(v))
    return mapped;
  Operation *def = v.getDefiningOp();
  if (!def) {
    Block *owner = cast<BlockArgument>(v).getOwner();
    if (scope->isAncestor(owner->getParentOp()))
      return failure();
    return v;
  }
  if (!scope->isAncestor(def) || matchPattern(v, m_Constant()))
    return v;
  if (!isReadOnly(def) || def->getNumRegions())
    return failure();
  for (Value operand : def->getOperands())
    if (failed(materialize(b, operand, scope, map)))
      return failure();
  Operation *clone = b.clone(*def, map);
  return clone->getResult(cast<OpResult>(v).getResultNumber());
}

/// `v = stride * position + offset` with a constant stride; the offset is
/// built at `b` (from values that do not depend on the position).
struct Linear {
  int64_t stride = 0;
  Value offset;
};

FailureOr<Linear> decompose(OpBuilder &b, Location loc, Value v, Value position,
                            Operation *scope, IRMapping &map,
                            DenseMap<Value, bool> &memo) {
  if (v == position)
    return Linear{1, b.create<arith::ConstantIndexOp>(loc, 0)};
  if (!dependsOn(v, position, scope, memo)) {
    FailureOr<Value> offset = materialize(b, v, scope, map);
    if (failed(offset))
      return failure();
    return Linear{0, *offset};
  }
  Operation *def = v.getDefiningOp();
  if (!def || !v.getType().isIndex())
    return failure();
  if (isa<arith::AddIOp, arith::SubIOp>(def)) {
    FailureOr<Linear> a =
        decompose(b, loc, def->getOperand(0), position, scope, map, memo);
    FailureOr<Linear> c =
        decompose(b, loc, def->getOperand(1), position, scope, map, memo);
    if (failed(a) || failed(c))
      return failure();
    if (isa<arith::AddIOp>(def))
      return Linear{a->stride + c->stride,
                    b.createOrFold<arith::AddIOp>(loc, a->offset, c->offset)};
    return Linear{a->stride - c->stride,
                  b.createOrFold<arith::SubIOp>(loc, a->offset, c->offset)};
  }
  if (auto mul = dyn_cast<arith::MulIOp>(def)) {
    for (int side = 0; side < 2; ++side) {
      std::optional<int64_t> factor = getConstantIndex(mul->getOperand(side));
      if (!factor)
        continue;
      FailureOr<Linear> a = decompose(b, loc, mul->getOperand(1 - side),
                                      position, scope, map, memo);
      if (failed(a))
        return failure();
      return Linear{a->stride * *factor,
                    b.createOrFold<arith::MulIOp>(
                        loc, a->offset,
                        b.create<arith::ConstantIndexOp>(loc, *factor))};
    }
  }
  return failure();
}

/// Whether `x` folds to 0 when `mask` is false: the tap lies in the padding
/// and contributes nothing. Decided by canonicalizing a scratch copy of x's
/// ops with the mask replaced by `false`.
bool isZeroWhenFalse(Value x, Value mask, Operation *scope) {
  MLIRContext *ctx = x.getContext();
  // A function returning x keeps it alive through the rewrites.
  OwningOpRef<ModuleOp> scratch = ModuleOp::create(x.getLoc());
  OpBuilder mb = OpBuilder::atBlockEnd(scratch->getBody());
  auto func = mb.create<func::FuncOp>(
      x.getLoc(), "scratch", mb.getFunctionType({}, {x.getType()}));
  OpBuilder b = OpBuilder::atBlockEnd(func.addEntryBlock());
  IRMapping map;
  map.map(mask, b.create<arith::ConstantIntOp>(mask.getLoc(), 0, 1));
  SetVector<Operation *> slice;
  BackwardSliceOptions options;
  options.inclusive = true;
  options.omitBlockArguments = true;
  options.filter = [&](Operation *op) { return scope->isAncestor(op); };
  getBackwardSlice(x, &slice, options);
  for (Operation *op : slice) {
    if (op == mask.getDefiningOp())
      continue;
    if (op->getNumRegions())
      return false;
    b.clone(*op, map);
  }
  auto keep = b.create<func::ReturnOp>(x.getLoc(), map.lookup(x));
  RewritePatternSet patterns(ctx);
  for (Dialect *dialect : ctx->getLoadedDialects())
    dialect->getCanonicalizationPatterns(patterns);
  for (RegisteredOperationName name : ctx->getRegisteredOperations())
    name.getCanonicalizationPatterns(patterns, ctx);
  (void)applyPatternsAndFoldGreedily(scratch.get(), std::move(patterns));
  bool zero = matchPattern(keep.getOperand(0), m_Zero());
  // The scratch ops use values of the real IR; drop those uses first.
  func.walk([](Operation *op) { op->dropAllReferences(); });
  return zero;
}

/// The innermost reduction loop when it is jammed into the position loop:
/// a constant trip count of 1..kMaxJammedTaps (the kernel taps).
scf::ForOp getJammedLoop(ReductionNest red) {
  scf::ForOp jam = red.inner();
  std::optional<int64_t> taps = getMaxTripCount(jam);
  if (!taps || taps != getConstantIndex(jam.getUpperBound()) || *taps < 1 ||
      *taps > kMaxJammedTaps)
    return nullptr;
  return jam;
}

/// How many output channels to accumulate together, at most `requested`:
/// the largest divisor of the (constant) channel count, when the input
/// taps and the reduction bounds do not depend on the channel (so one
/// loaded tap serves every channel of the block) and there is more than
/// one pass over the row per channel (input channels; with one pass the
/// extra rows only cost memory).
int64_t chooseChannelBlock(ConvNest conv, int64_t requested) {
  if (requested <= 1)
    return 1;
  std::optional<int64_t> channels = getMaxTripCount(conv.coLoop);
  if (!channels || channels != getConstantIndex(conv.coLoop.getUpperBound()))
    return 1;
  ReductionNest &red = conv.reduction;
  scf::ForOp jam = getJammedLoop(red);
  int64_t passes = 1;
  for (scf::ForOp loop : red.loops) {
    if (loop == jam)
      break;
    std::optional<int64_t> trips = getMaxTripCount(loop);
    passes *= trips ? *trips : 2;
  }
  if (passes < 2)
    return 1;
  Value co = conv.coLoop.getInductionVar();
  DenseMap<Value, bool> memo;
  for (scf::ForOp loop : red.loops)
    for (Value bound :
         {loop.getLowerBound(), loop.getUpperBound(), loop.getStep()})
      if (dependsOn(bound, co, conv.tLoop, memo))
        return 1;
  // (dependsOn's memo is per root.)
  DenseMap<Value, bool> positionMemo;
  Value x = red.product.getLhs();
  if (!dependsOn(x, conv.position, conv.tLoop, positionMemo))
    x = red.product.getRhs();
  if (dependsOn(x, co, conv.tLoop, memo))
    return 1;
  for (int64_t block = std::min(requested, *channels); block > 1; --block)
    if (*channels % block == 0)
      return block;
  return 1;
}

/// The rewrite of one nest (see the file comment and Passes.td).
LogicalResult rewriteConvNest(ConvNest &conv, Value row) {
  scf::ForOp tLoop = conv.tLoop, coLoop = conv.coLoop;
  ReductionNest &red = conv.reduction;
  Location loc = tLoop.getLoc();
  OpBuilder b(tLoop);
  Value zero = b.create<arith::ConstantIndexOp>(loc, 0);
  Value one = b.create<arith::ConstantIndexOp>(loc, 1);
  Value t = tLoop.getInductionVar();

  // The position of (t, every window at its last index) plus one: the row
  // length that position needs.
  Value tCount = tLoop.getUpperBound();
  IRMapping lastMap;
  for (scf::ForOp window : conv.windowLoops)
    lastMap.map(window.getInductionVar(),
                b.createOrFold<arith::SubIOp>(loc, window.getUpperBound(), one));
  auto lengthThrough = [&](Value tLast) -> FailureOr<Value> {
    IRMapping map = lastMap;
    map.map(t, tLast);
    FailureOr<Value> position = materialize(b, conv.position, tLoop, map);
    if (failed(position))
      return failure();
    return b.createOrFold<arith::AddIOp>(loc, *position, one);
  };
  // `n` rounded up to a multiple of the block.
  Value block;
  if (conv.overcompute)
    block = b.create<arith::ConstantIndexOp>(loc, conv.overcompute);
  auto roundUp = [&](Value n) {
    Value blockMinusOne =
        b.create<arith::ConstantIndexOp>(loc, conv.overcompute - 1);
    return b.createOrFold<arith::MulIOp>(
        loc,
        b.createOrFold<arith::DivSIOp>(
            loc, b.createOrFold<arith::AddIOp>(loc, n, blockMinusOne), block),
        block);
  };
  // `v`, or nothing when the position loop is empty.
  Value nonEmpty = b.createOrFold<arith::CmpIOp>(
      loc, arith::CmpIPredicate::sgt, tCount, zero);
  auto ifNonEmpty = [&](Value v) {
    return b.createOrFold<arith::SelectOp>(loc, nonEmpty, v, zero);
  };

  // Row length: through the last (t, window). In whole blocks when the
  // input is staged with room for them: every loop over the row then has a
  // trip count that is a multiple of the block, and its block loop
  // (constant trip count) vectorizes without a remainder.
  FailureOr<Value> lastLength =
      lengthThrough(b.createOrFold<arith::SubIOp>(loc, tCount, one));
  if (failed(lastLength))
    return failure();
  Value rowLength = ifNonEmpty(*lastLength);
  if (conv.overcompute)
    rowLength = roundUp(rowLength);
  // for tc in [from, to): body(tc), strip-mined into blocks when the row is.
  auto buildRowLoop = [&](OpBuilder &b, Value from, Value to, bool blocked,
                          function_ref<void(OpBuilder &, Value)> body) {
    if (!blocked) {
      auto loop = b.create<scf::ForOp>(loc, from, to, one);
      OpBuilder lb = OpBuilder::atBlockBegin(loop.getBody());
      body(lb, loop.getInductionVar());
      return;
    }
    auto outer = b.create<scf::ForOp>(loc, from, to, block);
    OpBuilder ob = OpBuilder::atBlockBegin(outer.getBody());
    auto inner = ob.create<scf::ForOp>(loc, zero, block, one);
    OpBuilder ib = OpBuilder::atBlockBegin(inner.getBody());
    body(ib, ib.create<arith::AddIOp>(loc, outer.getInductionVar(),
                                      inner.getInductionVar()));
  };

  // Channels in blocks of conv.block (lower bound 0, a divisor of the
  // count): channel co0 + c accumulates in row c, at c * maxRow.
  const int64_t channelBlock = conv.block;
  Value coStep = channelBlock > 1
                     ? b.create<arith::ConstantIndexOp>(loc, channelBlock)
                     : coLoop.getStep();
  auto newCo = b.create<scf::ForOp>(loc, coLoop.getLowerBound(),
                                    coLoop.getUpperBound(), coStep);
  b.setInsertionPointToStart(newCo.getBody());
  IRMapping phase1;
  phase1.map(coLoop.getInductionVar(), newCo.getInductionVar());
  SmallVector<Value> channels = {newCo.getInductionVar()};
  for (int64_t c = 1; c < channelBlock; ++c)
    channels.push_back(b.create<arith::AddIOp>(
        loc, newCo.getInductionVar(),
        b.create<arith::ConstantIndexOp>(loc, c)));
  auto rowIndex = [&](OpBuilder &ib, int64_t c, Value tc) -> Value {
    if (c == 0)
      return tc;
    return ib.create<arith::AddIOp>(
        loc, tc, ib.create<arith::ConstantIndexOp>(loc, c * conv.maxRow));
  };

  // Row initialization with the reduction's initial value (the bias).
  SmallVector<Value> rowInits;
  for (Value channel : channels) {
    IRMapping initMap = phase1;
    initMap.map(coLoop.getInductionVar(), channel);
    FailureOr<Value> init =
        materialize(b, red.outer().getInitArgs()[0], tLoop, initMap);
    if (failed(init))
      return failure();
    Value rowInit = *init;
    if (conv.rowType != conv.accType)
      rowInit = b.create<arith::TruncIOp>(loc, conv.rowType, rowInit);
    rowInits.push_back(rowInit);
  }
  // A blocked tail reads the row up to its last block's position: those
  // extra positions get the initial value too (they are never summed, and
  // a caller's workspace holding the row may be uninitialized memory).
  Value initLength = rowLength;
  Value tailTrips;
  if (conv.blockedTail) {
    tailTrips = roundUp(tCount);
    FailureOr<Value> tailLength =
        lengthThrough(b.createOrFold<arith::SubIOp>(loc, tailTrips, one));
    if (failed(tailLength))
      return failure();
    Value tailRow = roundUp(*tailLength);
    initLength = ifNonEmpty(b.createOrFold<arith::SelectOp>(
        loc,
        b.createOrFold<arith::CmpIOp>(loc, arith::CmpIPredicate::sgt, tailRow,
                                      rowLength),
        tailRow, rowLength));
  }
  buildRowLoop(b, zero, initLength, static_cast<bool>(block),
               [&](OpBuilder &ib, Value tc) {
                 for (auto [c, rowInit] : llvm::enumerate(rowInits))
                   ib.create<memref::StoreOp>(loc, rowInit, row,
                                              rowIndex(ib, c, tc));
               });

  // The reduction loops without iter_args, the position loop innermost.
  // The innermost reduction loop (the kernel taps) is jammed into the
  // position loop when its trip count is a small constant: one pass over
  // the row per input channel adds all taps, so the row is loaded and
  // stored once per channel instead of once per tap.
  Operation *scope = tLoop;
  DenseMap<Value, bool> memo;
  Value x = red.product.getLhs(), w = red.product.getRhs();
  if (dependsOn(w, conv.position, scope, memo))
    std::swap(x, w);
  if (dependsOn(w, conv.position, scope, memo))
    return failure();
  bool xIsLhs = red.product.getLhs() == x;

  scf::ForOp jam = getJammedLoop(red);
  std::optional<int64_t> taps =
      jam ? getConstantIndex(jam.getUpperBound()) : std::nullopt;
  for (scf::ForOp loop : red.loops) {
    if (loop == jam)
      break;
    Value lb = *materialize(b, loop.getLowerBound(), tLoop, phase1);
    Value ub = *materialize(b, loop.getUpperBound(), tLoop, phase1);
    Value step = *materialize(b, loop.getStep(), tLoop, phase1);
    auto newLoop = b.create<scf::ForOp>(loc, lb, ub, step);
    phase1.map(loop.getInductionVar(), newLoop.getInductionVar());
    b.setInsertionPointToStart(newLoop.getBody());
  }

  // One mapping per jammed tap (the tap index a constant), or the single
  // mapping of the (not jammed) innermost loop.
  SmallVector<IRMapping> tapMaps;
  if (jam) {
    for (int64_t k = 0; k < *taps; ++k) {
      IRMapping map = phase1;
      map.map(jam.getInductionVar(), b.create<arith::ConstantIndexOp>(loc, k));
      tapMaps.push_back(map);
    }
  } else {
    tapMaps.push_back(phase1);
  }
  // weights[c][k]: channel co0 + c, tap k.
  SmallVector<SmallVector<Value>> weights(channelBlock);
  for (auto [c, channel] : llvm::enumerate(channels)) {
    for (IRMapping &map : tapMaps) {
      IRMapping weightMap = map;
      weightMap.map(coLoop.getInductionVar(), channel);
      FailureOr<Value> weight = materialize(b, w, scope, weightMap);
      if (failed(weight))
        return failure();
      weights[c].push_back(*weight);
    }
  }

  // Taps in the padding: `cmpi ult, stride * position + offset, extent`
  // guards whose false side makes the tap zero bound the positions where
  // the tap is inside the input: [lo, hi) per tap. All taps are inside on
  // [LO, HI) = the intersection, which runs without the guards; the
  // positions before and after it keep them.
  SmallVector<arith::CmpIOp> masks;
  SetVector<Operation *> xSlice;
  BackwardSliceOptions sliceOptions;
  sliceOptions.omitBlockArguments = true;
  sliceOptions.filter = [&](Operation *op) { return scope->isAncestor(op); };
  getBackwardSlice(x, &xSlice, sliceOptions);
  for (Operation *op : xSlice) {
    auto cmp = dyn_cast<arith::CmpIOp>(op);
    if (cmp && cmp.getPredicate() == arith::CmpIPredicate::ult &&
        dependsOn(cmp.getLhs(), conv.position, scope, memo) &&
        !dependsOn(cmp.getRhs(), conv.position, scope, memo) &&
        isZeroWhenFalse(x, cmp.getResult(), scope))
      masks.push_back(cmp);
  }
  auto maxIndex = [&](Value a, Value c) {
    return b.createOrFold<arith::SelectOp>(
        loc, b.createOrFold<arith::CmpIOp>(loc, arith::CmpIPredicate::sgt, a, c),
        a, c);
  };
  auto minIndex = [&](Value a, Value c) {
    return b.createOrFold<arith::SelectOp>(
        loc, b.createOrFold<arith::CmpIOp>(loc, arith::CmpIPredicate::slt, a, c),
        a, c);
  };
  Value lo = zero, hi = rowLength;
  SmallVector<arith::CmpIOp> rangedMasks;
  for (arith::CmpIOp cmp : masks) {
    Value maskLo = zero, maskHi = rowLength;
    bool ok = true;
    for (IRMapping &map : tapMaps) {
      FailureOr<Linear> linear = decompose(b, loc, cmp.getLhs(), conv.position,
                                           scope, map, memo);
      FailureOr<Value> extent = materialize(b, cmp.getRhs(), scope, map);
      if (failed(linear) || failed(extent) || linear->stride <= 0) {
        ok = false;
        break;
      }
      // stride * p + offset in [0, extent) <=> p in [ceil(-offset / stride),
      // ceil((extent - offset) / stride)).
      Value stride = b.create<arith::ConstantIndexOp>(loc, linear->stride);
      Value strideMinusOne =
          b.create<arith::ConstantIndexOp>(loc, linear->stride - 1);
      auto ceilDivNonNegative = [&](Value n) {
        Value positive = b.createOrFold<arith::CmpIOp>(
            loc, arith::CmpIPredicate::sgt, n, zero);
        Value quotient = b.createOrFold<arith::DivSIOp>(
            loc, b.createOrFold<arith::AddIOp>(loc, n, strideMinusOne), stride);
        return b.createOrFold<arith::SelectOp>(loc, positive, quotient, zero);
      };
      maskLo = maxIndex(maskLo, ceilDivNonNegative(b.createOrFold<arith::SubIOp>(
                                    loc, zero, linear->offset)));
      maskHi = minIndex(maskHi, ceilDivNonNegative(b.createOrFold<arith::SubIOp>(
                                    loc, *extent, linear->offset)));
    }
    if (!ok)
      continue;
    lo = maxIndex(lo, maskLo);
    hi = minIndex(hi, maskHi);
    rangedMasks.push_back(cmp);
  }
  // An empty intersection leaves everything to the guarded loops.
  lo = minIndex(lo, rowLength);
  hi = maxIndex(hi, lo);

  // row[tc] += sum over the taps of x(tc, tap) * w(tap).
  std::function<LogicalResult(OpBuilder &, Value, bool)> emitPosition;
  auto emitPositions = [&](Value from, Value to, bool guarded) -> LogicalResult {
    LogicalResult result = success();
    buildRowLoop(b, from, to, block && masks.empty(),
                 [&](OpBuilder &xb, Value tc) {
                   result = emitPosition(xb, tc, guarded);
                 });
    return result;
  };
  emitPosition = [&](OpBuilder &xb, Value tc, bool guarded) -> LogicalResult {
    SmallVector<Value> indices, sums;
    for (int64_t c = 0; c < channelBlock; ++c) {
      indices.push_back(rowIndex(xb, c, tc));
      sums.push_back(xb.create<memref::LoadOp>(loc, row, indices.back()));
    }
    // The taps once, for every channel of the block.
    Value inside = xb.create<arith::ConstantIntOp>(loc, 1, 1);
    SmallVector<Value> tapValues;
    for (IRMapping &map : tapMaps) {
      IRMapping tapMap = map;
      tapMap.map(conv.position, tc);
      if (!guarded)
        for (arith::CmpIOp mask : rangedMasks)
          tapMap.map(mask.getResult(), inside);
      FailureOr<Value> tap = materialize(xb, x, scope, tapMap);
      if (failed(tap))
        return failure();
      tapValues.push_back(*tap);
    }
    for (int64_t c = 0; c < channelBlock; ++c) {
      Value sum = sums[c];
      for (auto [tap, weight] : llvm::zip(tapValues, weights[c])) {
        Value product = xIsLhs ? xb.create<arith::MulIOp>(loc, tap, weight)
                               : xb.create<arith::MulIOp>(loc, weight, tap);
        // The product stays in the reduction's type (a narrower multiply
        // would be promoted to C's int and could overflow it); only the
        // sum narrows.
        if (conv.rowType != conv.accType)
          product = xb.create<arith::TruncIOp>(loc, conv.rowType, product);
        sum = xb.create<arith::AddIOp>(loc, sum, product);
      }
      xb.create<memref::StoreOp>(loc, sum, row, indices[c]);
    }
    return success();
  };
  if (!rangedMasks.empty() && failed(emitPositions(zero, lo, /*guarded=*/true)))
    return failure();
  if (failed(emitPositions(lo, hi, /*guarded=*/false)))
    return failure();
  if (!rangedMasks.empty() &&
      failed(emitPositions(hi, rowLength, /*guarded=*/true)))
    return failure();

  // The tail per position, reading the row instead of reducing.
  // A blocked channel co reads its row at (co % block) * maxRow.
  {
    OpBuilder rb(red.outer());
    Value index = conv.position;
    if (channelBlock > 1)
      index = rb.create<arith::AddIOp>(
          loc,
          rb.create<arith::MulIOp>(
              loc,
              rb.create<arith::RemSIOp>(
                  loc, coLoop.getInductionVar(),
                  rb.create<arith::ConstantIndexOp>(loc, channelBlock)),
              rb.create<arith::ConstantIndexOp>(loc, conv.maxRow)),
          index);
    Value fromRow = rb.create<memref::LoadOp>(loc, row, index);
    if (conv.rowType != conv.accType)
      fromRow = rb.create<arith::ExtSIOp>(loc, conv.accType, fromRow);
    red.outer().getResult(0).replaceAllUsesWith(fromRow);
    red.outer().erase();
  }
  b.setInsertionPoint(newCo.getBody()->getTerminator());
  // The tail once per channel of the block.
  Value tailChannel = newCo.getInductionVar();
  if (channelBlock > 1) {
    auto cLoop = b.create<scf::ForOp>(
        loc, zero, b.create<arith::ConstantIndexOp>(loc, channelBlock), one);
    b.setInsertionPointToStart(cLoop.getBody());
    tailChannel = b.create<arith::AddIOp>(loc, newCo.getInductionVar(),
                                          cLoop.getInductionVar());
  }
  // The tail's position loop: as it was, or in whole blocks (blocks x
  // `overcompute` positions, the inner loop a constant trip count the
  // compiler vectorizes without a remainder) where positions at or past
  // the trip count store back the value they find.
  scf::ForOp tailBody;
  Value tailPosition;
  if (conv.blockedTail) {
    auto blocks = b.create<scf::ForOp>(loc, zero, tailTrips, block);
    OpBuilder ob = OpBuilder::atBlockBegin(blocks.getBody());
    tailBody = ob.create<scf::ForOp>(loc, zero, block, one);
    OpBuilder ib = OpBuilder::atBlockBegin(tailBody.getBody());
    tailPosition = ib.create<arith::AddIOp>(loc, blocks.getInductionVar(),
                                            tailBody.getInductionVar());
  } else {
    tailBody = b.create<scf::ForOp>(loc, tLoop.getLowerBound(),
                                    tLoop.getUpperBound(), tLoop.getStep());
    tailBody->setDiscardableAttrs(tLoop->getDiscardableAttrDictionary());
    tailPosition = tailBody.getInductionVar();
  }
  {
    OpBuilder tb(tailBody.getBody()->getTerminator());
    IRMapping phase2;
    phase2.map(coLoop.getInductionVar(), tailChannel);
    phase2.map(t, tailPosition);
    for (Operation &op : coLoop.getBody()->without_terminator())
      tb.clone(op, phase2);
  }
  tLoop.erase();
  // The tail's small window loops (a fused pool) unrolled, so the compiler
  // sees one flat loop over the positions and vectorizes it.
  SmallVector<scf::ForOp> windows;
  tailBody.getBody()->walk([&](scf::ForOp loop) {
    std::optional<int64_t> lb = getConstantIndex(loop.getLowerBound());
    std::optional<int64_t> ub = getConstantIndex(loop.getUpperBound());
    std::optional<int64_t> step = getConstantIndex(loop.getStep());
    if (lb && ub && step == 1 && *ub - *lb >= 1 &&
        *ub - *lb <= kMaxUnrolledWindow)
      windows.push_back(loop);
  });
  for (scf::ForOp loop : windows)
    (void)loopUnrollByFactor(loop, *getConstantIndex(loop.getUpperBound()) -
                                       *getConstantIndex(loop.getLowerBound()));
  if (conv.blockedTail) {
    // Past the trip count (in bounds: canBlockTail) a store keeps the old
    // value: a select the compiler turns into a blend or masked store.
    tailBody.getBody()->walk([&](memref::StoreOp store) {
      OpBuilder sb(store);
      Value old = sb.create<memref::LoadOp>(loc, store.getMemRef(),
                                            store.getIndices());
      Value inside = sb.create<arith::CmpIOp>(loc, arith::CmpIPredicate::ult,
                                              tailPosition, tCount);
      store.getValueMutable().assign(sb.create<arith::SelectOp>(
          loc, inside, store.getValueToStore(), old));
    });
  }
  return success();
}

} // namespace

LogicalResult qrcnn::cpp::reorderConvLoops(ModuleOp module,
                                           int64_t channelBlock,
                                           int64_t *reordered,
                                           int64_t *rowBytes) {
  SmallVector<ConvNest> convs;
  module.walk([&](scf::ForOp loop) {
    if (std::optional<ConvNest> conv = matchConvNest(loop)) {
      conv->block = chooseChannelBlock(*conv, channelBlock);
      convs.push_back(*conv);
    }
  });
  int64_t count = 0, bytes = 0, grownBytes = 0;
  // Arenas a blocked tail writes past: their last dimension grows (every
  // access is a load or store of [slot, index], so the layout follows).
  llvm::MapVector<Operation *, int64_t> grownExtents;
  for (const ConvNest &conv : convs)
    for (auto [global, extent] : conv.grownBuffers)
      grownExtents[global] = std::max(grownExtents.lookup(global), extent);
  for (auto [op, extent] : grownExtents) {
    auto global = cast<memref::GlobalOp>(op);
    MemRefType oldType = global.getType();
    SmallVector<int64_t> shape(oldType.getShape());
    if (extent <= shape.back())
      continue;
    int64_t rows = oldType.getNumElements() / shape.back();
    grownBytes += rows * (extent - shape.back()) *
                  oldType.getElementTypeBitWidth() / 8;
    shape.back() = extent;
    auto newType = MemRefType::get(shape, oldType.getElementType());
    global.setType(newType);
    // (isGrowableBuffer: every use is a memref.get_global.)
    std::optional<SymbolTable::UseRange> uses =
        SymbolTable::getSymbolUses(global, module);
    for (const SymbolTable::SymbolUse &use : *uses)
      use.getUser()->getResult(0).setType(newType);
  }
  if (!convs.empty()) {
    // One static buffer of rows per accumulator type, sized for the
    // largest block of rows.
    llvm::MapVector<Type, int64_t> rowSizes;
    for (const ConvNest &conv : convs)
      rowSizes[conv.rowType] =
          std::max(rowSizes[conv.rowType], conv.block * conv.maxRow);
    SymbolTable symbols(module);
    OpBuilder mb = OpBuilder::atBlockBegin(module.getBody());
    llvm::DenseMap<Type, memref::GlobalOp> rows;
    for (auto [type, size] : rowSizes) {
      auto memrefType = MemRefType::get({size}, type);
      auto global = mb.create<memref::GlobalOp>(
          module.getLoc(),
          ("acc_row_i" + Twine(type.getIntOrFloatBitWidth())).str(),
          mb.getStringAttr("private"), memrefType, mb.getUnitAttr(),
          /*constant=*/false, /*alignment=*/nullptr);
      symbols.insert(global);
      rows[type] = global;
      bytes += size * type.getIntOrFloatBitWidth() / 8;
    }
    for (ConvNest &conv : convs) {
      memref::GlobalOp global = rows[conv.rowType];
      OpBuilder b(conv.tLoop);
      Value row = b.create<memref::GetGlobalOp>(conv.tLoop.getLoc(),
                                                global.getType(),
                                                global.getSymName());
      if (failed(rewriteConvNest(conv, row)))
        return conv.tLoop.emitOpError(
            "conv nest matched but could not be reordered");
      ++count;
    }
    // The rows (and what the arenas grew) are activation memory of the
    // integer entry.
    module.walk([&](func::FuncOp func) {
      if (auto arena =
              func->getAttrOfType<IntegerAttr>(qrcnn::qnn::kArenaBytesAttrName))
        func->setAttr(qrcnn::qnn::kArenaBytesAttrName,
                      IntegerAttr::get(arena.getType(),
                                       arena.getInt() + bytes + grownBytes));
    });
  }
  if (reordered)
    *reordered = count;
  if (rowBytes)
    *rowBytes = bytes;
  return success();
}

namespace {
struct CpuReorderConvLoopsPass
    : public qrcnn::cpp::impl::CpuReorderConvLoopsBase<
          CpuReorderConvLoopsPass> {
  using CpuReorderConvLoopsBase::CpuReorderConvLoopsBase;
  void runOnOperation() override {
    int64_t reordered = 0, rowBytes = 0;
    if (failed(qrcnn::cpp::reorderConvLoops(getOperation(), channelBlock,
                                            &reordered, &rowBytes)))
      return signalPassFailure();
    numReordered += reordered;
    numRowBytes += rowBytes;
  }
};
} // namespace
