//===- QuantTypeUtils.cpp - helpers over upstream quant types -------------===//
#include "qrcnn/Dialect/QNN/QuantTypeUtils.h"

#include <cmath>

using namespace mlir;
using namespace mlir::quant;

namespace qrcnn::qnn {

QuantizedType getQuantElementType(Type type) {
  if (auto shaped = dyn_cast<ShapedType>(type))
    type = shaped.getElementType();
  if (isa<UniformQuantizedType, UniformQuantizedPerAxisType>(type))
    return cast<QuantizedType>(type);
  return {};
}

bool isQuantized(Type type) { return static_cast<bool>(getQuantElementType(type)); }

SmallVector<double> getScales(QuantizedType type) {
  if (auto perAxis = dyn_cast<UniformQuantizedPerAxisType>(type))
    return SmallVector<double>(perAxis.getScales());
  return {cast<UniformQuantizedType>(type).getScale()};
}

SmallVector<int64_t> getZeroPoints(QuantizedType type) {
  if (auto perAxis = dyn_cast<UniformQuantizedPerAxisType>(type))
    return SmallVector<int64_t>(perAxis.getZeroPoints());
  return {cast<UniformQuantizedType>(type).getZeroPoint()};
}

std::optional<int32_t> getQuantizedAxis(QuantizedType type) {
  if (auto perAxis = dyn_cast_if_present<UniformQuantizedPerAxisType>(type))
    return perAxis.getQuantizedDimension();
  return std::nullopt;
}

int64_t getStorageWidthMin(QuantizedType type) {
  return QuantizedType::getDefaultMinimumForInteger(
      type.isSigned(), type.getStorageTypeIntegralWidth());
}

int64_t getStorageWidthMax(QuantizedType type) {
  return QuantizedType::getDefaultMaximumForInteger(
      type.isSigned(), type.getStorageTypeIntegralWidth());
}

std::pair<int64_t, int64_t> getClampedStorageRange(QuantizedType type,
                                                   double lo, double hi) {
  int64_t newMin = type.getStorageTypeMin(), newMax = type.getStorageTypeMax();
  if (lo > static_cast<double>(newMin))
    newMin = static_cast<int64_t>(std::min<double>(lo, newMax + 1.0));
  if (hi < static_cast<double>(newMax))
    newMax = static_cast<int64_t>(std::max<double>(hi, newMin - 1.0));
  return {newMin, newMax};
}

UniformQuantizedType getUniformType(MLIRContext *ctx, unsigned width,
                                    bool isSigned, double scale,
                                    int64_t zeroPoint, int64_t storageMin,
                                    int64_t storageMax) {
  return UniformQuantizedType::get(
      isSigned ? QuantizationFlags::Signed : 0, IntegerType::get(ctx, width),
      Float32Type::get(ctx), scale, zeroPoint, storageMin, storageMax);
}

QuantizedType getAccumulatorType(QuantizedType input, QuantizedType weight,
                                 int32_t channelAxis) {
  MLIRContext *ctx = input.getContext();
  double inputScale = getScales(input).front();
  auto i32 = IntegerType::get(ctx, 32);
  auto f32 = Float32Type::get(ctx);
  int64_t lo = QuantizedType::getDefaultMinimumForInteger(true, 32);
  int64_t hi = QuantizedType::getDefaultMaximumForInteger(true, 32);
  SmallVector<double> weightScales = getScales(weight);
  if (!getQuantizedAxis(weight))
    return UniformQuantizedType::get(QuantizationFlags::Signed, i32, f32,
                                     inputScale * weightScales.front(), 0, lo,
                                     hi);
  SmallVector<double> scales;
  for (double s : weightScales)
    scales.push_back(inputScale * s);
  SmallVector<int64_t> zeros(scales.size(), 0);
  return UniformQuantizedPerAxisType::get(QuantizationFlags::Signed, i32, f32,
                                          scales, zeros, channelAxis, lo, hi);
}

bool scalesMatch(double a, double b) {
  return std::fabs(a - b) <= 1e-6 * std::max(std::fabs(a), std::fabs(b));
}

bool haveSameQuantization(QuantizedType a, QuantizedType b) {
  if (a.getStorageType() != b.getStorageType() ||
      a.isSigned() != b.isSigned() ||
      a.getStorageTypeMin() != b.getStorageTypeMin() ||
      a.getStorageTypeMax() != b.getStorageTypeMax() ||
      getQuantizedAxis(a) != getQuantizedAxis(b) ||
      getZeroPoints(a) != getZeroPoints(b))
    return false;
  SmallVector<double> sa = getScales(a), sb = getScales(b);
  if (sa.size() != sb.size())
    return false;
  for (auto [x, y] : llvm::zip(sa, sb))
    if (!scalesMatch(x, y))
      return false;
  return true;
}

} // namespace qrcnn::qnn
