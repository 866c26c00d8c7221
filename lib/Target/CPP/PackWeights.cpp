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
#include "mlir/IR/SymbolTable.h"

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

} // namespace

LogicalResult qrcnn::cpp::packInt4Globals(ModuleOp module,
                                          int64_t *packedGlobals,
                                          int64_t *savedBytes,
                                          bool unpackReread,
                                          int64_t *scratchBytes) {
  int64_t packedCount = 0, saved = 0, scratchTotal = 0;
  SymbolTable symbols(module);
  DenseMap<StringAttr, SmallVector<memref::GetGlobalOp>> uses;
  module.walk([&](memref::GetGlobalOp get) {
    uses[get.getNameAttr().getAttr()].push_back(get);
  });

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
    global->setAttr(kPackedInt4AttrName,
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

    ArrayRef<int64_t> shape = type.getShape();
    for (memref::GetGlobalOp get : globalUses) {
      get.getResult().setType(packedType);
      for (Operation *user : llvm::make_early_inc_range(get->getUsers())) {
        auto load = cast<memref::LoadOp>(user);
        OpBuilder b(load);
        Location loc = load.getLoc();
        // Row-major linear index of the load in the unpacked shape.
        Value linear;
        for (auto [dim, index] : llvm::zip(shape, load.getIndices())) {
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
        if (!linear) // a 0-D global
          linear = b.create<arith::ConstantIndexOp>(loc, 0);
        Value value;
        if (scratch)
          value = b.create<memref::LoadOp>(
              loc,
              b.create<memref::GetGlobalOp>(loc, scratch.getType(),
                                            scratch.getSymName()),
              linear);
        else
          value = buildUnpack(b, loc, get.getResult(), linear, q.isSigned());
        load.getResult().replaceAllUsesWith(value);
        load.erase();
      }
    }
    ++packedCount;
    saved += static_cast<int64_t>(values.size() - bytes.size());
  }

  // Scratch buffers are activation memory of the integer entry.
  if (scratchTotal)
    module.walk([&](func::FuncOp func) {
      if (auto arena = func->getAttrOfType<IntegerAttr>(
              qrcnn::qnn::kArenaBytesAttrName))
        func->setAttr(qrcnn::qnn::kArenaBytesAttrName,
                      IntegerAttr::get(arena.getType(),
                                       arena.getInt() + scratchTotal));
    });
  if (scratchBytes)
    *scratchBytes = scratchTotal;
  // The integer entry reports its constant bytes as stored.
  if (saved)
    module.walk([&](func::FuncOp func) {
      if (auto bytes = func->getAttrOfType<IntegerAttr>(
              qrcnn::qnn::kConstantBytesAttrName))
        func->setAttr(qrcnn::qnn::kConstantBytesAttrName,
                      IntegerAttr::get(bytes.getType(), bytes.getInt() - saved));
    });
  if (packedGlobals)
    *packedGlobals = packedCount;
  if (savedBytes)
    *savedBytes = saved;
  return success();
}

namespace {
struct CpuPackWeightsPass
    : public qrcnn::cpp::impl::CpuPackWeightsBase<CpuPackWeightsPass> {
  using CpuPackWeightsBase::CpuPackWeightsBase;
  void runOnOperation() override {
    int64_t packed = 0, saved = 0, scratch = 0;
    if (failed(qrcnn::cpp::packInt4Globals(getOperation(), &packed, &saved,
                                           unpackReread, &scratch)))
      return signalPassFailure();
    numPackedGlobals += packed;
    numSavedBytes += saved;
    numScratchBytes += scratch;
  }
};
} // namespace
