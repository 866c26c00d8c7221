//===- Storage.cpp - where a lowered tensor lives -------------------------===//
#include "Storage.h"

#include "qrcnn/Conversion/IntegerArith.h"
#include "qrcnn/Conversion/QNNToLoops.h"
#include "qrcnn/Dialect/QNN/QuantTypeUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;

namespace qrcnn::qnn::detail {

std::optional<Container> getContainer(Type type) {
  if (auto shaped = dyn_cast<ShapedType>(type))
    type = shaped.getElementType();
  MLIRContext *ctx = type.getContext();
  if (auto integer = dyn_cast<IntegerType>(type)) {
    if (integer.getWidth() != 64)
      return std::nullopt;
    return Container{IntegerType::get(ctx, 64), true};
  }
  quant::QuantizedType q = getQuantElementType(type);
  if (!q)
    return std::nullopt;
  int64_t lo = q.getStorageTypeMin(), hi = q.getStorageTypeMax();
  for (unsigned width : {8u, 16u, 32u, 64u}) {
    bool fits = q.isSigned()
                    ? lo >= -(int64_t(1) << (width - 1)) &&
                          (width == 64 || hi < (int64_t(1) << (width - 1)))
                    : width == 64 || hi < (int64_t(1) << width);
    if (fits)
      return Container{IntegerType::get(ctx, width), q.isSigned()};
  }
  return std::nullopt;
}

SmallVector<OpFoldResult> toFoldResults(MLIRContext *ctx,
                                        ArrayRef<int64_t> shape) {
  Builder b(ctx);
  SmallVector<OpFoldResult> out;
  for (int64_t d : shape)
    out.push_back(b.getIndexAttr(d));
  return out;
}

Value linearize(OpBuilder &b, Location loc, ValueRange indices,
                ArrayRef<OpFoldResult> shape) {
  Value flat = indices.front();
  for (size_t d = 1; d < indices.size(); ++d) {
    Value extent = getValueOrCreateConstantIndexOp(b, loc, shape[d]);
    flat = b.createOrFold<arith::AddIOp>(
        loc, b.createOrFold<arith::MulIOp>(loc, flat, extent), indices[d]);
  }
  return flat;
}

Storage Storage::withShape(ArrayRef<OpFoldResult> newShape) const {
  Storage copy = *this;
  copy.shape.assign(newShape.begin(), newShape.end());
  return copy;
}

SmallVector<Value> Storage::memrefIndices(OpBuilder &b, Location loc,
                                          ValueRange indices) const {
  if (isArena())
    return {slot, linearize(b, loc, indices, shape)};
  auto type = cast<MemRefType>(memref.getType());
  bool sameShape = static_cast<int64_t>(shape.size()) == type.getRank();
  for (size_t d = 0; sameShape && d < shape.size(); ++d) {
    std::optional<int64_t> extent = getConstantIntValue(shape[d]);
    sameShape = extent && *extent == type.getDimSize(d);
  }
  if (sameShape)
    return SmallVector<Value>(indices);
  // A reshaped view of an N-D buffer: go through the linear index.
  Value flat = linearize(b, loc, indices, shape);
  SmallVector<Value> out(type.getRank());
  for (int64_t d = type.getRank() - 1; d >= 0; --d) {
    Value extent = b.create<arith::ConstantIndexOp>(loc, type.getDimSize(d));
    out[d] = d == 0 ? flat : b.createOrFold<arith::RemSIOp>(loc, flat, extent);
    if (d > 0)
      flat = b.createOrFold<arith::DivSIOp>(loc, flat, extent);
  }
  return out;
}

Value Storage::load(OpBuilder &b, Location loc, ValueRange indices) const {
  return b.create<memref::LoadOp>(loc, memref,
                                  memrefIndices(b, loc, indices));
}

Value Storage::loadAs(OpBuilder &b, Location loc, ValueRange indices,
                      Type type) const {
  return buildIntCast(b, loc, load(b, loc, indices), type,
                      container.isSigned);
}

void Storage::store(OpBuilder &b, Location loc, Value value,
                    ValueRange indices) const {
  value = buildIntCast(b, loc, value, container.type, /*isSigned=*/true);
  b.create<memref::StoreOp>(loc, value, memref,
                            memrefIndices(b, loc, indices));
}

static void markDynamicLoops(scf::LoopNest &nest, ArrayRef<OpFoldResult> ubs,
                             ArrayRef<int64_t> maxTrips) {
  for (auto [loop, ub, trips] : llvm::zip(nest.loops, ubs, maxTrips))
    if (!getConstantIntValue(ub))
      loop->setAttr(kMaxTripCountAttrName,
                    IntegerAttr::get(IndexType::get(loop->getContext()),
                                     trips));
}

void buildParallelNest(
    OpBuilder &b, Location loc, ArrayRef<OpFoldResult> ubs,
    ArrayRef<int64_t> maxTrips,
    function_ref<void(OpBuilder &, Location, ValueRange)> body) {
  SmallVector<Value> lbs, steps, upper;
  Value zero = b.create<arith::ConstantIndexOp>(loc, 0);
  Value one = b.create<arith::ConstantIndexOp>(loc, 1);
  for (OpFoldResult ub : ubs) {
    lbs.push_back(zero);
    steps.push_back(one);
    upper.push_back(getValueOrCreateConstantIndexOp(b, loc, ub));
  }
  scf::LoopNest nest = scf::buildLoopNest(b, loc, lbs, upper, steps, body);
  markDynamicLoops(nest, ubs, maxTrips);
}

SmallVector<Value> buildReductionNest(
    OpBuilder &b, Location loc, ArrayRef<OpFoldResult> ubs, ValueRange inits,
    function_ref<SmallVector<Value>(OpBuilder &, Location, ValueRange,
                                    ValueRange)>
        body,
    ArrayRef<NamedAttribute> outerAttrs) {
  SmallVector<Value> lbs, steps, upper;
  Value zero = b.create<arith::ConstantIndexOp>(loc, 0);
  Value one = b.create<arith::ConstantIndexOp>(loc, 1);
  for (OpFoldResult ub : ubs) {
    lbs.push_back(zero);
    steps.push_back(one);
    upper.push_back(getValueOrCreateConstantIndexOp(b, loc, ub));
  }
  scf::LoopNest nest = scf::buildLoopNest(
      b, loc, lbs, upper, steps, inits,
      [&](OpBuilder &nb, Location nl, ValueRange ivs, ValueRange args) {
        SmallVector<Value> out = body(nb, nl, ivs, args);
        return scf::ValueVector(out.begin(), out.end());
      });
  if (!nest.loops.empty())
    for (const NamedAttribute &attr : outerAttrs)
      nest.loops.front()->setAttr(attr.getName(), attr.getValue());
  return SmallVector<Value>(nest.results.begin(), nest.results.end());
}

} // namespace qrcnn::qnn::detail
