//===- QuantTypeUtilsTest.cpp - quant type helpers -------------------------===//
#include "qrcnn/Dialect/QNN/QNNDialect.h"
#include "qrcnn/Dialect/QNN/QNNOps.h"
#include "qrcnn/Dialect/QNN/QuantTypeUtils.h"

#include "mlir/IR/MLIRContext.h"

#include <gtest/gtest.h>

#include <limits>
#include <string>

using namespace mlir;
using namespace qrcnn::qnn;

namespace {

TEST(QuantTypeUtils, AccumulatorOfPerTensorOperands) {
  MLIRContext ctx;
  ctx.loadDialect<QNNDialect>();
  auto x = getUniformType(&ctx, 8, false, 0.5, 3, 0, 255);
  auto w = getUniformType(&ctx, 4, true, 0.125, 0, -8, 7);
  auto acc = cast<quant::UniformQuantizedType>(getAccumulatorType(x, w, 1));
  EXPECT_EQ(acc.getScale(), 0.0625);
  EXPECT_EQ(acc.getZeroPoint(), 0);
  EXPECT_TRUE(acc.isSigned());
  EXPECT_EQ(acc.getStorageTypeIntegralWidth(), 32u);
  EXPECT_FALSE(getQuantizedAxis(acc).has_value());
}

TEST(QuantTypeUtils, AccumulatorOfPerChannelWeights) {
  MLIRContext ctx;
  ctx.loadDialect<QNNDialect>();
  auto x = getUniformType(&ctx, 8, false, 0.5, 0, 0, 255);
  auto w = quant::UniformQuantizedPerAxisType::get(
      quant::QuantizationFlags::Signed, IntegerType::get(&ctx, 4),
      Float32Type::get(&ctx), {0.25, 0.75}, {0, 0}, 0, -8, 7);
  auto acc = getAccumulatorType(x, w, 1);
  EXPECT_EQ(getQuantizedAxis(acc), 1);
  EXPECT_EQ(getScales(acc), (SmallVector<double>{0.125, 0.375}));
}

TEST(QuantTypeUtils, StorageWidthRangeIgnoresNarrowing) {
  MLIRContext ctx;
  ctx.loadDialect<QNNDialect>();
  auto u4 = getUniformType(&ctx, 8, false, 0.1, 0, 0, 15);
  EXPECT_EQ(u4.getStorageTypeMax(), 15);
  EXPECT_EQ(getStorageWidthMax(u4), 255);
  EXPECT_EQ(getStorageWidthMin(u4), 0);
}

TEST(QuantTypeUtils, SameQuantizationToleratesProductRounding) {
  MLIRContext ctx;
  ctx.loadDialect<QNNDialect>();
  auto a = getUniformType(&ctx, 4, false, 0.1, 0, 0, 15);
  auto b = getUniformType(&ctx, 4, false, 0.1 * (1 + 1e-9), 0, 0, 15);
  auto c = getUniformType(&ctx, 4, false, 0.1, 1, 0, 15);
  auto d = getUniformType(&ctx, 4, false, 0.1, 0, 0, 7);
  EXPECT_TRUE(haveSameQuantization(a, b));
  EXPECT_FALSE(haveSameQuantization(a, c));
  EXPECT_FALSE(haveSameQuantization(a, d));
}

TEST(WindowShapes, OnnxFloorFormula) {
  // (L + pads - dilation*(k-1) - 1) / stride + 1
  EXPECT_EQ(getWindowOutputSize(180, 5, 1, 2, 2, 1), 180);
  EXPECT_EQ(getWindowOutputSize(180, 2, 2, 0, 0, 1), 90);
  EXPECT_EQ(getWindowOutputSize(11, 2, 2, 0, 0, 1), 5);
  EXPECT_EQ(getWindowOutputSize(10, 3, 1, 0, 0, 2), 6);
  EXPECT_EQ(getWindowOutputSize(2, 5, 1, 0, 0, 1), 0);
}

// The one shape spelling of the dialect verifiers, the golden model and the
// importer (which names rank 0 "scalar" itself).
TEST(QNNOps, FormatShape) {
  EXPECT_EQ(formatShape({1, 4, 16}), "1x4x16");
  EXPECT_EQ(formatShape({7}), "7");
  EXPECT_EQ(formatShape({}), "");
  EXPECT_EQ(formatShape({2, ShapedType::kDynamic}),
            "2x" + std::to_string(std::numeric_limits<int64_t>::min()));
}

} // namespace
