//===- TransformUtils.cpp - helpers shared by the qnn passes --------------===//
#include "TransformUtils.h"

#include "qrcnn/Dialect/QNN/QNNOps.h"
#include "qrcnn/Dialect/QNN/QuantTypeUtils.h"

#include "mlir/IR/BuiltinAttributes.h"

using namespace mlir;

namespace qrcnn::qnn {

std::optional<SmallVector<int64_t>> getConstantIntegers(Value value) {
  auto constant = value ? value.getDefiningOp<ConstantOp>() : ConstantOp();
  if (!constant)
    return std::nullopt;
  quant::QuantizedType type = getQuantElementType(constant.getType());
  auto dense = dyn_cast<DenseIntElementsAttr>(constant.getValue());
  if (!type || !dense)
    return std::nullopt;
  SmallVector<int64_t> values;
  values.reserve(dense.getNumElements());
  for (const APInt &v : dense.getValues<APInt>())
    values.push_back(type.isSigned() ? v.getSExtValue()
                                     : static_cast<int64_t>(v.getZExtValue()));
  return values;
}

std::optional<SmallVector<double>> getConstantFloats(Value value) {
  auto constant = value ? value.getDefiningOp<ConstantOp>() : ConstantOp();
  if (!constant || isQuantized(constant.getType()))
    return std::nullopt;
  auto dense = dyn_cast<DenseFPElementsAttr>(constant.getValue());
  if (!dense)
    return std::nullopt;
  SmallVector<double> values;
  values.reserve(dense.getNumElements());
  for (const APFloat &v : dense.getValues<APFloat>())
    values.push_back(v.convertToDouble());
  return values;
}

bool isSameConstantValue(Value a, Value b) {
  if (a == b)
    return true;
  if (!a || !b || a.getType() != b.getType())
    return false;
  auto ca = a.getDefiningOp<ConstantOp>(), cb = b.getDefiningOp<ConstantOp>();
  if (!ca || !cb)
    return false;
  if (ca.getValue() == cb.getValue())
    return true;
  // Dense attributes are uniqued by type and contents, so only differently
  // typed element attributes (e.g. i4 vs si4) of the same values get here.
  auto da = dyn_cast<DenseElementsAttr>(ca.getValue());
  auto db = dyn_cast<DenseElementsAttr>(cb.getValue());
  if (!da || !db)
    return false;
  if (auto ia = getConstantIntegers(a)) {
    auto ib = getConstantIntegers(b);
    return ib && *ia == *ib;
  }
  auto fa = getConstantFloats(a), fb = getConstantFloats(b);
  return fa && fb && *fa == *fb;
}

unsigned getSignedBitWidth(int64_t lo, int64_t hi) {
  unsigned width = 1;
  while (width < 64 && (lo < -(int64_t(1) << (width - 1)) ||
                        hi > (int64_t(1) << (width - 1)) - 1))
    ++width;
  return width;
}

unsigned getUnsignedBitWidth(int64_t hi) {
  unsigned width = 1;
  while (width < 63 && hi > (int64_t(1) << width) - 1)
    ++width;
  return width;
}

} // namespace qrcnn::qnn
