//===- PackWeights.cpp - 4-bit constants two per byte ---------------------===//
//
// The lowering stores every quantized value in a whole-byte container; on a
// CPU the weights of a 4-bit network would then take twice the flash they
// need. Packing happens here, on the loop IR, because only the backend knows
// how it will read them: the nibble arithmetic below is exactly
// qrcnn::rt::unpackInt4 (runtime/include/qrcnn/int4.h), whose packInt4 wrote
// the bytes.
//
//===----------------------------------------------------------------------===//
#include "qrcnn/Target/CPP/CppTarget.h"
#include "qrcnn/Target/CPP/Passes.h"

#include "qrcnn/Conversion/QNNToLoops.h"
#include "qrcnn/Target/Emission.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Quant/QuantTypes.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/SymbolTable.h"
#include "llvm/ADT/MapVector.h"

namespace qrcnn::cpp {
#define GEN_PASS_DEF_CPUPACKWEIGHTS
#include "qrcnn/Target/CPP/Passes.h.inc"
} // namespace qrcnn::cpp

using namespace mlir;

namespace {

/// The 4-bit quantized type a global holds, if any.
quant::QuantizedType getSubByteQuantType(memref::GlobalOp global) {
  auto attr = global->getAttrOfType<TypeAttr>(qrcnn::qnn::kQuantTypeAttrName);
  if (!attr)
    return nullptr;
  auto q = dyn_cast<quant::QuantizedType>(attr.getValue());
  if (!q || q.getStorageTypeIntegralWidth() > 4)
    return nullptr;
  return q;
}

/// Loads through `get_global` ops only, so every access can be rewritten.
bool onlyLoaded(memref::GlobalOp global, ArrayRef<memref::GetGlobalOp> uses) {
  return llvm::all_of(uses, [](memref::GetGlobalOp get) {
    return llvm::all_of(get->getUsers(),
                        [](Operation *user) { return isa<memref::LoadOp>(user); });
  });
}

/// `(((byte >> (4 * (index % 2))) & 15) ^ 8) - 8` (or without the sign
/// extension), in i8.
Value buildUnpack(OpBuilder &b, Location loc, Value packed, Value linear,
                  bool isSigned) {
  auto index = [&](int64_t v) {
    return b.create<arith::ConstantIndexOp>(loc, v).getResult();
  };
  auto i8 = [&](int64_t v) {
    return b.create<arith::ConstantIntOp>(loc, v, 8).getResult();
  };
  // Index arithmetic as MLIR 19's arith-to-EmitC patterns accept it
  // (signed division and remainder; no bitwise ops on index).
  Value byteIndex = b.create<arith::DivSIOp>(loc, linear, index(2));
  Value byte = b.create<memref::LoadOp>(loc, packed, byteIndex);
  Value odd = b.create<arith::RemSIOp>(loc, linear, index(2));
  Value shift = b.create<arith::IndexCastOp>(
      loc, b.getI8Type(), b.create<arith::MulIOp>(loc, odd, index(4)));
  Value nibble = b.create<arith::AndIOp>(
      loc, b.create<arith::ShRUIOp>(loc, byte, shift), i8(15));
  if (!isSigned)
    return nibble;
  return b.create<arith::SubIOp>(
      loc, b.create<arith::XOrIOp>(loc, nibble, i8(8)), i8(8));
}

/// Whether `v` is computed from `root` (through op operands, not regions).
bool isComputedFrom(Value v, Value root, DenseSet<Value> &seen) {
  if (v == root)
    return true;
  if (!seen.insert(v).second)
    return false;
  Operation *def = v.getDefiningOp();
  if (!def)
    return false;
  return llvm::any_of(def->getOperands(), [&](Value operand) {
    return isComputedFrom(operand, root, seen);
  });
}

/// Whether `load` reads the same elements again on another iteration of an
/// enclosing loop: a loop whose induction variable none of its indices use
/// (the weights of a recurrent conv, read on every iteration).
bool isReread(memref::LoadOp load) {
  for (auto loop = load->getParentOfType<scf::ForOp>(); loop;
       loop = loop->getParentOfType<scf::ForOp>()) {
    DenseSet<Value> seen;
    if (llvm::none_of(load.getIndices(), [&](Value index) {
          return isComputedFrom(index, loop.getInductionVar(), seen);
        }))
      return true;
  }
  return false;
}

/// At the start of `func`: scratch[i] = unpacked value i of `packed`
/// (`count` values), one pass over the bytes writing both nibbles.
void buildUnpackLoop(func::FuncOp func, memref::GlobalOp packed,
                     memref::GlobalOp scratch, int64_t count, bool isSigned) {
  Location loc = packed.getLoc();
  OpBuilder b = OpBuilder::atBlockBegin(&func.getBody().front());
  Value from = b.create<memref::GetGlobalOp>(loc, packed.getType(),
                                             packed.getSymName());
  Value to = b.create<memref::GetGlobalOp>(loc, scratch.getType(),
                                           scratch.getSymName());
  auto index = [&](OpBuilder &ib, int64_t v) {
    return ib.create<arith::ConstantIndexOp>(loc, v).getResult();
  };
  auto i8 = [&](OpBuilder &ib, int64_t v) {
    return ib.create<arith::ConstantIntOp>(loc, v, 8).getResult();
  };
  auto extend = [&](OpBuilder &ib, Value nibble) {
    if (!isSigned)
      return nibble;
    return ib.create<arith::SubIOp>(
                 loc, ib.create<arith::XOrIOp>(loc, nibble, i8(ib, 8)),
                 i8(ib, 8))
        .getResult();
  };
  auto loop = b.create<scf::ForOp>(loc, index(b, 0), index(b, count / 2),
                                   index(b, 1));
  {
    OpBuilder lb = OpBuilder::atBlockBegin(loop.getBody());
    Value j = loop.getInductionVar();
    Value byte = lb.create<memref::LoadOp>(loc, from, j);
    Value low = extend(lb, lb.create<arith::AndIOp>(loc, byte, i8(lb, 15)));
    Value high = extend(lb, lb.create<arith::ShRUIOp>(loc, byte, i8(lb, 4)));
    Value even = lb.create<arith::MulIOp>(loc, j, index(lb, 2));
    lb.create<memref::StoreOp>(loc, low, to, even);
    lb.create<memref::StoreOp>(
        loc, high, to,
        ValueRange{lb.create<arith::AddIOp>(loc, even, index(lb, 1))});
  }
  if (count % 2) {
    Value byte = b.create<memref::LoadOp>(loc, from, index(b, count / 2));
    Value low = extend(b, b.create<arith::AndIOp>(loc, byte, i8(b, 15)));
    b.create<memref::StoreOp>(loc, low, to, index(b, count - 1));
  }
}

/// A load of a packed global that is unpacked where it is read.
struct PerUseLoad {
  memref::LoadOp load;
  SmallVector<int64_t> shape; // unpacked
  bool isSigned;
};

/// Row-major linear index of `indices` in `shape`; null for no indices.
Value buildLinearIndex(OpBuilder &b, Location loc, ArrayRef<int64_t> shape,
                       ValueRange indices) {
  Value linear;
  for (auto [dim, index] : llvm::zip(shape, indices)) {
    if (!linear) {
      linear = index;
      continue;
    }
    linear = b.createOrFold<arith::AddIOp>(
        loc,
        b.createOrFold<arith::MulIOp>(
            loc, linear, b.create<arith::ConstantIndexOp>(loc, dim)),
        index);
  }
  return linear;
}

/// Replaces `use.load` by a byte load and the nibble arithmetic, in place.
void unpackInPlace(const PerUseLoad &use) {
  memref::LoadOp load = use.load;
  OpBuilder b(load);
  Location loc = load.getLoc();
  Value linear = buildLinearIndex(b, loc, use.shape, load.getIndices());
  if (!linear) // a 0-D global
    linear = b.create<arith::ConstantIndexOp>(loc, 0);
  Value value = buildUnpack(b, loc, load.getMemRef(), linear, use.isSigned);
  load.getResult().replaceAllUsesWith(value);
  load.erase();
}

/// The loop whose elements `use` can read a byte at a time: the load sits
/// directly in the body of an `scf.for` with constant bounds and step 1,
/// indexes the last dimension by the induction variable and the others by
/// values defined outside the loop, and every pair of iterations (2j,
/// 2j+1) reads the two nibbles of one byte: the lower bound is even, the
/// trip count is even and a row starts on a byte (even row length, or a
/// single row). Null otherwise.
scf::ForOp getByteWalkLoop(const PerUseLoad &use) {
  memref::LoadOp load = use.load;
  auto loop = dyn_cast<scf::ForOp>(load->getParentOp());
  if (!loop || use.shape.empty())
    return nullptr;
  std::optional<int64_t> lb = getConstantIntValue(loop.getLowerBound());
  std::optional<int64_t> ub = getConstantIntValue(loop.getUpperBound());
  std::optional<int64_t> step = getConstantIntValue(loop.getStep());
  if (!lb || !ub || step != 1 || *lb % 2 || *ub <= *lb || (*ub - *lb) % 2)
    return nullptr;
  ValueRange indices = load.getIndices();
  if (indices.back() != loop.getInductionVar())
    return nullptr;
  if (use.shape.size() > 1 && use.shape.back() % 2)
    return nullptr;
  if (!llvm::all_of(indices.drop_back(), [&](Value index) {
        return loop.isDefinedOutsideOfLoop(index);
      }))
    return nullptr;
  return loop;
}

/// The low or high nibble of `byte`, sign-extended if `isSigned`: the
/// arithmetic of buildUnpack (qrcnn::rt::unpackInt4) with a constant
/// shift, 0 or 4: a mask, a logical shift by 4 and byte adds.
Value buildNibble(OpBuilder &b, Location loc, Value byte, bool high,
                  bool isSigned) {
  auto i8 = [&](int64_t v) {
    return b.create<arith::ConstantIntOp>(loc, v, 8).getResult();
  };
  Value shifted = high ? b.create<arith::ShRUIOp>(loc, byte, i8(4)) : byte;
  Value nibble = b.create<arith::AndIOp>(loc, shifted, i8(15));
  if (!isSigned)
    return nibble;
  return b.create<arith::SubIOp>(
      loc, b.create<arith::XOrIOp>(loc, nibble, i8(8)), i8(8));
}

/// Whether loop-carried value `k` of `loop` is a sum: its only use is a
/// wrapping `arith.addi` (no overflow flags: partial sums may wrap where
/// the whole does not) in the body whose only use is yielding value `k`.
bool isCarriedSum(scf::ForOp loop, unsigned k) {
  Value carried = loop.getRegionIterArgs()[k];
  if (!carried.hasOneUse())
    return false;
  auto add = dyn_cast<arith::AddIOp>(*carried.getUsers().begin());
  if (!add || add->getBlock() != loop.getBody() || !add->hasOneUse() ||
      add.getOverflowFlags() != arith::IntegerOverflowFlags::none)
    return false;
  OpOperand &use = *add->getUses().begin();
  return use.getOwner() == loop.getBody()->getTerminator() &&
         use.getOperandNumber() == k;
}

/// Rewrites `loop` (see getByteWalkLoop) to step over bytes: for j in
/// [lb/2, ub/2), the body twice, for elements 2j and 2j+1; each of `uses`
/// loads byte row * (rowLength / 2) + j once and reads its low, then its
/// high nibble. Without division or remainder in the index, the loop is a
/// plain reduction GCC and Clang vectorize.
///
/// A loop-carried sum (isCarriedSum) is split in two, the even elements'
/// and the odd elements', added after the loop: exact, integer addition
/// wraps and is associative, and GCC 12 vectorizes one multiply-accumulate
/// per reduction (it recognizes each product as a dot product and rejects
/// a reduction through two of them). Other carried values pass from the
/// first copy of the body to the second.
void buildByteWalk(scf::ForOp loop, ArrayRef<PerUseLoad> uses) {
  OpBuilder b(loop);
  Location loc = loop.getLoc();
  auto index = [&](OpBuilder &ib, int64_t v) {
    return ib.create<arith::ConstantIndexOp>(loc, v).getResult();
  };
  // Byte offset of each load's row, before the loop (its indices other
  // than the last are defined there).
  DenseMap<Operation *, const PerUseLoad *> useOf;
  DenseMap<Operation *, Value> rowOffset;
  for (const PerUseLoad &use : uses) {
    memref::LoadOp load = use.load;
    useOf[load] = &use;
    Value row = buildLinearIndex(b, loc, ArrayRef(use.shape).drop_back(),
                                 load.getIndices().drop_back());
    if (row)
      rowOffset[load] = b.createOrFold<arith::MulIOp>(
          loc, row, index(b, use.shape.back() / 2));
  }
  // The odd elements' sums start at zero, after the loop's own values.
  unsigned numCarried = loop.getNumRegionIterArgs();
  SmallVector<Value> inits(loop.getInitArgs());
  SmallVector<unsigned> oddSum(numCarried, 0); // 0: not split
  for (unsigned k = 0; k < numCarried; ++k) {
    if (!isCarriedSum(loop, k))
      continue;
    oddSum[k] = inits.size();
    inits.push_back(b.create<arith::ConstantOp>(
        loc, b.getZeroAttr(loop.getRegionIterArgs()[k].getType())));
  }
  int64_t lb = *getConstantIntValue(loop.getLowerBound());
  int64_t ub = *getConstantIntValue(loop.getUpperBound());
  Block *body = loop.getBody();
  auto walk = b.create<scf::ForOp>(
      loc, index(b, lb / 2), index(b, ub / 2), index(b, 1), inits,
      [&](OpBuilder &wb, Location, Value j, ValueRange iterArgs) {
        Value even = wb.create<arith::MulIOp>(loc, j, index(wb, 2));
        SmallVector<Value> yielded(iterArgs);
        DenseMap<Operation *, Value> bytes;
        for (bool high : {false, true}) {
          IRMapping map;
          map.map(loop.getInductionVar(),
                  high ? wb.create<arith::AddIOp>(loc, even, index(wb, 1))
                             .getResult()
                       : even);
          for (unsigned k = 0; k < numCarried; ++k)
            map.map(loop.getRegionIterArgs()[k],
                    high && oddSum[k] ? iterArgs[oddSum[k]] : yielded[k]);
          for (Operation &op : body->without_terminator()) {
            const PerUseLoad *use = useOf.lookup(&op);
            if (!use) {
              wb.clone(op, map);
              continue;
            }
            Value &byte = bytes[&op];
            if (!byte) {
              Value offset = rowOffset.lookup(&op);
              Value byteIndex =
                  offset ? wb.create<arith::AddIOp>(loc, offset, j).getResult()
                         : j;
              byte = wb.create<memref::LoadOp>(
                  loc,
                  map.lookupOrDefault(cast<memref::LoadOp>(op).getMemRef()),
                  byteIndex);
            }
            map.map(op.getResult(0),
                    buildNibble(wb, loc, byte, high, use->isSigned));
          }
          for (auto [k, v] :
               llvm::enumerate(body->getTerminator()->getOperands()))
            yielded[high && oddSum[k] ? oddSum[k] : k] =
                map.lookupOrDefault(v);
        }
        wb.create<scf::YieldOp>(loc, yielded);
      });
  if (auto bits = loop->getAttr(qrcnn::qnn::kAccBitsAttrName))
    walk->setAttr(qrcnn::qnn::kAccBitsAttrName, bits);
  SmallVector<Value> results(walk.getResults().take_front(numCarried));
  for (unsigned k = 0; k < numCarried; ++k)
    if (oddSum[k])
      results[k] = b.create<arith::AddIOp>(loc, results[k],
                                           walk.getResult(oddSum[k]));
  loop.replaceAllUsesWith(results);
  loop.erase();
}

/// Unpacks every per-use load where it is read: a byte at a time in the
/// loops that allow it (getByteWalkLoop), element by element elsewhere.
/// Returns the number of loops rewritten.
int64_t unpackPerUse(ArrayRef<PerUseLoad> uses) {
  llvm::MapVector<scf::ForOp, SmallVector<PerUseLoad>> walks;
  for (const PerUseLoad &use : uses) {
    if (scf::ForOp loop = getByteWalkLoop(use))
      walks[loop].push_back(use);
    else
      unpackInPlace(use);
  }
  // Inner loops first: rewriting a loop clones its body, loops and all.
  auto depth = [](scf::ForOp loop) {
    int64_t d = 0;
    for (Operation *op = loop; op; op = op->getParentOp())
      ++d;
    return d;
  };
  SmallVector<scf::ForOp> loops;
  for (auto &entry : walks)
    loops.push_back(entry.first);
  llvm::stable_sort(loops, [&](scf::ForOp a, scf::ForOp b) {
    return depth(a) > depth(b);
  });
  for (scf::ForOp loop : loops)
    buildByteWalk(loop, walks[loop]);
  return loops.size();
}

/// What packGlobals did, for the pass statistics.
struct PackCounts {
  int64_t packedGlobals = 0, savedBytes = 0, scratchBytes = 0,
          byteWalkLoops = 0;
};

void packGlobals(ModuleOp module, bool unpackReread, PackCounts &counts) {
  int64_t packedCount = 0, saved = 0, scratchTotal = 0;
  SymbolTable symbols(module);
  DenseMap<StringAttr, SmallVector<memref::GetGlobalOp>> uses;
  module.walk([&](memref::GetGlobalOp get) {
    uses[get.getNameAttr().getAttr()].push_back(get);
  });
  // Loads unpacked where they are read, rewritten once every global is
  // packed (a loop may read several).
  SmallVector<PerUseLoad> perUse;

  for (auto global : module.getOps<memref::GlobalOp>()) {
    quant::QuantizedType q = getSubByteQuantType(global);
    auto initial =
        dyn_cast_or_null<DenseElementsAttr>(global.getInitialValueAttr());
    MemRefType type = global.getType();
    if (!q || !global.getConstant() || !initial ||
        !type.getElementType().isInteger(8) || !type.hasStaticShape())
      continue;
    // A copy: lookup returns a temporary, an ArrayRef to it would dangle.
    SmallVector<memref::GetGlobalOp> globalUses =
        uses.lookup(global.getSymNameAttr());
    if (!onlyLoaded(global, globalUses)) {
      global.emitRemark("stays unpacked: used other than through loads");
      continue;
    }

    SmallVector<int8_t> values;
    for (const APInt &v : initial.getValues<APInt>())
      values.push_back(static_cast<int8_t>(v.getSExtValue()));
    std::vector<uint8_t> bytes = qrcnn::target::packInt4(values);
    auto packedType =
        MemRefType::get({static_cast<int64_t>(bytes.size())},
                        IntegerType::get(module.getContext(), 8));
    SmallVector<APInt> byteValues;
    for (uint8_t byte : bytes)
      byteValues.push_back(APInt(8, byte));
    auto tensorType = RankedTensorType::get(packedType.getShape(),
                                            packedType.getElementType());
    global.setType(packedType);
    global.setInitialValueAttr(DenseElementsAttr::get(tensorType, byteValues));
    global->setAttr(qrcnn::cpp::kPackedInt4AttrName,
                    IntegerAttr::get(IntegerType::get(module.getContext(), 64),
                                     values.size()));

    // Weights read again and again (a recurrent conv's, on every
    // iteration) are unpacked once per inference into a scratch buffer
    // (mutable: activation memory) that their loads then read.
    memref::GlobalOp scratch;
    if (unpackReread &&
        llvm::any_of(globalUses, [](memref::GetGlobalOp get) {
          return llvm::any_of(get->getUsers(), [](Operation *user) {
            return isReread(cast<memref::LoadOp>(user));
          });
        })) {
      OpBuilder mb(global);
      scratch = mb.create<memref::GlobalOp>(
          global.getLoc(), (global.getSymName() + "_unpacked").str(),
          mb.getStringAttr("private"),
          MemRefType::get({static_cast<int64_t>(values.size())},
                          mb.getI8Type()),
          mb.getUnitAttr(), /*constant=*/false, /*alignment=*/nullptr);
      symbols.insert(scratch);
      SetVector<func::FuncOp> readers;
      for (memref::GetGlobalOp get : globalUses)
        readers.insert(get->getParentOfType<func::FuncOp>());
      for (func::FuncOp func : readers)
        buildUnpackLoop(func, global, scratch, values.size(), q.isSigned());
      scratchTotal += values.size();
    }

    for (memref::GetGlobalOp get : globalUses) {
      get.getResult().setType(packedType);
      for (Operation *user : llvm::make_early_inc_range(get->getUsers())) {
        auto load = cast<memref::LoadOp>(user);
        if (!scratch) {
          perUse.push_back({load, llvm::to_vector(type.getShape()),
                            q.isSigned()});
          continue;
        }
        OpBuilder b(load);
        Location loc = load.getLoc();
        Value linear =
            buildLinearIndex(b, loc, type.getShape(), load.getIndices());
        if (!linear) // a 0-D global
          linear = b.create<arith::ConstantIndexOp>(loc, 0);
        Value value = b.create<memref::LoadOp>(
            loc,
            b.create<memref::GetGlobalOp>(loc, scratch.getType(),
                                          scratch.getSymName()),
            linear);
        load.getResult().replaceAllUsesWith(value);
        load.erase();
      }
    }
    ++packedCount;
    saved += static_cast<int64_t>(values.size() - bytes.size());
  }

  counts.byteWalkLoops = unpackPerUse(perUse);

  // Scratch buffers are activation memory of the integer entry.
  if (scratchTotal)
    module.walk([&](func::FuncOp func) {
      if (auto arena = func->getAttrOfType<IntegerAttr>(
              qrcnn::qnn::kArenaBytesAttrName))
        func->setAttr(qrcnn::qnn::kArenaBytesAttrName,
                      IntegerAttr::get(arena.getType(),
                                       arena.getInt() + scratchTotal));
    });
  counts.scratchBytes = scratchTotal;
  // The integer entry reports its constant bytes as stored.
  if (saved)
    module.walk([&](func::FuncOp func) {
      if (auto bytes = func->getAttrOfType<IntegerAttr>(
              qrcnn::qnn::kConstantBytesAttrName))
        func->setAttr(qrcnn::qnn::kConstantBytesAttrName,
                      IntegerAttr::get(bytes.getType(), bytes.getInt() - saved));
    });
  counts.packedGlobals = packedCount;
  counts.savedBytes = saved;
}

} // namespace

LogicalResult qrcnn::cpp::packInt4Globals(ModuleOp module,
                                          int64_t *packedGlobals,
                                          int64_t *savedBytes,
                                          bool unpackReread,
                                          int64_t *scratchBytes) {
  PackCounts counts;
  packGlobals(module, unpackReread, counts);
  if (packedGlobals)
    *packedGlobals = counts.packedGlobals;
  if (savedBytes)
    *savedBytes = counts.savedBytes;
  if (scratchBytes)
    *scratchBytes = counts.scratchBytes;
  return success();
}

namespace {
struct CpuPackWeightsPass
    : public qrcnn::cpp::impl::CpuPackWeightsBase<CpuPackWeightsPass> {
  using CpuPackWeightsBase::CpuPackWeightsBase;
  void runOnOperation() override {
    PackCounts counts;
    packGlobals(getOperation(), unpackReread, counts);
    numPackedGlobals += counts.packedGlobals;
    numSavedBytes += counts.savedBytes;
    numScratchBytes += counts.scratchBytes;
    numByteWalkLoops += counts.byteWalkLoops;
  }
};
} // namespace
