//===- InterpreterTest.cpp - the golden model's loops and API --------------===//
//
// The kernels against naive, bounds-checked formulas written from the op
// definitions (and exact rational arithmetic for the quantized add), and
// the Interpreter API on small modules: outputs, steps, run-time errors.
//
//===----------------------------------------------------------------------===//
#include "qrcnn/Dialect/QNN/Requantization.h"
#include "qrcnn/Interpreter/Interpreter.h"
#include "qrcnn/Interpreter/Kernels.h"
#include "qrcnn/Pipeline/Pipeline.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <string>

using namespace mlir;
using namespace qrcnn;
using namespace qrcnn::interp;

namespace {

//===----------------------------------------------------------------------===//
// Convolution against the definition
//===----------------------------------------------------------------------===//

/// acc[n,c,oh,ow] = b[c] + sum (x[n, g*I+i, h, w] - zx) * w[c,i,kh,kw] with
/// h = oh*sh + kh*dh - padTop (same for w), out-of-range reads skipped.
std::vector<int64_t> referenceConv(const Window &w, const std::vector<int32_t> &x,
                                   int32_t zx, const std::vector<int32_t> &wt,
                                   const std::vector<int32_t> &bias) {
  std::vector<int64_t> out(w.outputSize());
  int64_t inPerGroup = w.inChannels / w.group;
  int64_t outPerGroup = w.outChannels / w.group;
  for (int64_t n = 0; n < w.batch; ++n)
    for (int64_t c = 0; c < w.outChannels; ++c)
      for (int64_t oh = 0; oh < w.outH; ++oh)
        for (int64_t ow = 0; ow < w.outW; ++ow) {
          int64_t acc = bias[c];
          for (int64_t i = 0; i < inPerGroup; ++i)
            for (int64_t kh = 0; kh < w.kernelH; ++kh)
              for (int64_t kw = 0; kw < w.kernelW; ++kw) {
                int64_t h = oh * w.strideH + kh * w.dilationH - w.padTop;
                int64_t x0 = ow * w.strideW + kw * w.dilationW - w.padLeft;
                if (h < 0 || h >= w.inH || x0 < 0 || x0 >= w.inW)
                  continue;
                int64_t ic = c / outPerGroup * inPerGroup + i;
                int64_t xv =
                    x[((n * w.inChannels + ic) * w.inH + h) * w.inW + x0] - zx;
                int64_t wv =
                    wt[((c * inPerGroup + i) * w.kernelH + kh) * w.kernelW + kw];
                acc += xv * wv;
              }
          out[((n * w.outChannels + c) * w.outH + oh) * w.outW + ow] = acc;
        }
  return out;
}

int64_t outSize(int64_t in, int64_t k, int64_t s, int64_t p0, int64_t p1,
                int64_t d) {
  return (in + p0 + p1 - d * (k - 1) - 1) / s + 1;
}

TEST(InterpreterKernels, ConvolutionMatchesDefinition) {
  std::mt19937 rng(7);
  auto pick = [&](int lo, int hi) {
    return std::uniform_int_distribution<int>(lo, hi)(rng);
  };
  for (int trial = 0; trial < 300; ++trial) {
    Window w;
    bool twoD = trial % 2;
    w.batch = pick(1, 2);
    w.group = pick(1, 3);
    w.inChannels = w.group * pick(1, 3);
    w.outChannels = w.group * pick(1, 3);
    w.kernelW = pick(1, 5);
    w.strideW = pick(1, 3);
    w.dilationW = pick(1, 3);
    w.padLeft = pick(0, 3);
    w.padRight = pick(0, 3);
    w.inW = pick(1, 12) + w.dilationW * (w.kernelW - 1);
    if (twoD) {
      w.kernelH = pick(1, 3);
      w.strideH = pick(1, 2);
      w.dilationH = pick(1, 2);
      w.padTop = pick(0, 2);
      w.padBottom = pick(0, 2);
      w.inH = pick(1, 6) + w.dilationH * (w.kernelH - 1);
    }
    w.outW = outSize(w.inW, w.kernelW, w.strideW, w.padLeft, w.padRight,
                     w.dilationW);
    w.outH = outSize(w.inH, w.kernelH, w.strideH, w.padTop, w.padBottom,
                     w.dilationH);
    int32_t zx = pick(0, 255);
    std::vector<int32_t> x(w.inputSize()), wt(w.outChannels * w.weightsPerChannel()),
        bias(w.outChannels);
    for (int32_t &v : x)
      v = pick(0, 255);
    for (int32_t &v : wt)
      v = pick(-8, 7);
    for (int32_t &v : bias)
      v = pick(-5000, 5000);

    std::vector<int32_t> padded(w.paddedSize());
    padAndShift(w, x.data(), zx, padded.data());
    std::vector<int32_t> acc32(w.outputSize());
    convolve(w, padded.data(), wt.data(), bias.data(), acc32.data());
    std::vector<int64_t> acc64(w.outputSize());
    convolve(w, padded.data(), wt.data(), bias.data(), acc64.data());
    std::vector<int64_t> expected = referenceConv(w, x, zx, wt, bias);
    for (int64_t e = 0; e < w.outputSize(); ++e) {
      ASSERT_EQ(acc32[e], expected[e]) << "trial " << trial << " element " << e;
      ASSERT_EQ(acc64[e], expected[e]) << "trial " << trial << " element " << e;
    }
  }
}

TEST(InterpreterKernels, NarrowReportsFirstOverflow) {
  std::vector<int64_t> acc = {5, -2147483648LL, 2147483648LL, 7};
  std::vector<int32_t> out(4);
  EXPECT_EQ(narrowToInt32(acc.data(), 2, out.data()), -1);
  EXPECT_EQ(out[1], -2147483647 - 1);
  EXPECT_EQ(narrowToInt32(acc.data(), 4, out.data()), 2);
}

//===----------------------------------------------------------------------===//
// Quantize / requantize / pools
//===----------------------------------------------------------------------===//

TEST(InterpreterKernels, QuantizeRoundsHalfToEvenAndClamps) {
  ChannelLayout l{1, 1, 9};
  float scale = 0.5f;
  int32_t zero = 10;
  std::vector<float> x = {0.25f, 0.75f, -0.25f, -0.75f, 1.25f,
                          -100.0f, 100.0f, NAN, -5.25f};
  std::vector<int32_t> q(9);
  quantize(l, x.data(), &scale, &zero, 0, 15, q.data());
  // x/s = 0.5 1.5 -0.5 -1.5 2.5 -200 200 NaN -10.5 -> 0 2 -0 -2 2, clamps,
  // NaN to the low end, -10 (even) + 10 = 0.
  EXPECT_EQ(q, (std::vector<int32_t>{10, 12, 10, 8, 12, 0, 15, 0, 0}));
}

TEST(InterpreterKernels, QuantizeDividesInFloat32) {
  // 0.35f / 0.1f is 3.49999989 exactly but 3.5 after float32 division,
  // which rounds half to even to 4 (ONNX Runtime's result); the exact
  // quotient would give 3. Likewise 0.75f / 0.1f: 7.4999999 -> 7.5 -> 8.
  ChannelLayout l{1, 1, 2};
  float scale = 0.1f;
  int32_t zero = 0;
  std::vector<float> x = {0.35f, 0.75f};
  std::vector<int32_t> q(2);
  quantize(l, x.data(), &scale, &zero, -128, 127, q.data());
  EXPECT_EQ(q, (std::vector<int32_t>{4, 8}));
}

TEST(InterpreterKernels, RequantizePerChannel) {
  ChannelLayout l{1, 2, 3};
  std::vector<int32_t> acc = {10, -6, 7, 10, -6, 7};
  std::vector<int32_t> zeroIn = {0, 2};
  std::vector<rt::RequantParams> params = {
      *qnn::computeRequantParams(0.25, qnn::RequantMode::Exact),
      *qnn::computeRequantParams(0.5, qnn::RequantMode::Exact)};
  std::vector<int32_t> y(6);
  requantize(l, acc.data(), zeroIn.data(), params.data(), 1, 0, 4, y.data());
  // ch0: 2.5 -1.5 1.75 -> 2 -2 2, +1 -> 3 -1->0 3
  // ch1: (8 -8 5) * 0.5 = 4 -4 2.5 -> 4 -4 2, +1 -> 5->4 0 3
  EXPECT_EQ(y, (std::vector<int32_t>{3, 0, 3, 4, 0, 3}));
}

TEST(InterpreterKernels, MaxPoolIgnoresPadding) {
  Window w;
  w.inW = 4;
  w.kernelW = 3;
  w.padLeft = w.padRight = 1;
  w.outW = 4;
  std::vector<int32_t> in = {-5, -7, -3, -9}, out(4);
  maxPool(w, in.data(), out.data(), std::numeric_limits<int32_t>::min());
  EXPECT_EQ(out, (std::vector<int32_t>{-5, -3, -3, -3}));
}

TEST(InterpreterKernels, AveragePoolCounts) {
  Window w;
  w.inW = 3;
  w.kernelW = 3;
  w.padLeft = w.padRight = 1;
  w.outW = 3;
  std::vector<float> in = {3, 6, 9}, out(3);
  auto divide = [](float sum, int64_t count) { return sum / count; };
  averagePool<float, float>(w, /*countIncludePad=*/false, in.data(), 0.0f,
                            out.data(), divide);
  EXPECT_EQ(out, (std::vector<float>{4.5f, 6.0f, 7.5f}));
  averagePool<float, float>(w, /*countIncludePad=*/true, in.data(), 0.0f,
                            out.data(), divide);
  EXPECT_EQ(out, (std::vector<float>{3.0f, 6.0f, 5.0f}));
}

TEST(InterpreterKernels, ArgMaxTakesFirstMaximum) {
  ChannelLayout l{1, 4, 2};
  std::vector<float> in = {1, 5, 3, 5, 3, 0, 2, 5};
  std::vector<int32_t> out(2);
  argMax(l, in.data(), out.data());
  EXPECT_EQ(out, (std::vector<int32_t>{1, 0}));
}

TEST(InterpreterKernels, BroadcastStrides) {
  // [2,1,3] + [4,1] -> [2,4,3]
  Broadcast b{{2, 4, 3}, {3, 0, 1}, {0, 1, 0}};
  std::vector<int64_t> lhs, rhs;
  b.forEach([&](int64_t o, int64_t i, int64_t j) {
    EXPECT_EQ(o, static_cast<int64_t>(lhs.size()));
    lhs.push_back(i);
    rhs.push_back(j);
  });
  ASSERT_EQ(lhs.size(), 24u);
  for (int64_t o = 0; o < 24; ++o) {
    int64_t n = o / 12, r = o / 3 % 4, c = o % 3;
    EXPECT_EQ(lhs[o], n * 3 + c);
    EXPECT_EQ(rhs[o], r);
  }
}

//===----------------------------------------------------------------------===//
// Quantized add against exact rational arithmetic
//===----------------------------------------------------------------------===//

using int128 = __int128;

/// round_half_even(num / den), den > 0.
int64_t divideHalfEven(int128 num, int128 den) {
  int128 q = num / den, r = num % den;
  if (r < 0) {
    q -= 1;
    r += den;
  }
  if (2 * r > den || (2 * r == den && (q & 1)))
    q += 1;
  return static_cast<int64_t>(q);
}

TEST(InterpreterKernels, QuantizedAddIsExactlyRoundedForDyadicScales) {
  // Scales m * 2^-e with small odd m: every multiplier sa/sy, sb/sy with
  // sy a power of two is a short binary fraction, so exact mode must give
  // the exactly rounded real sum.
  std::mt19937 rng(3);
  for (int trial = 0; trial < 2000; ++trial) {
    int ma = 1 + 2 * (rng() % 8), mb = 1 + 2 * (rng() % 8);
    int ea = 6 + rng() % 6, eb = 6 + rng() % 6, ey = 3 + rng() % 6;
    double sa = std::ldexp(ma, -ea), sb = std::ldexp(mb, -eb),
           sy = std::ldexp(1, -ey);
    auto pa = *qnn::computeRequantParams(sa / sy, qnn::RequantMode::Exact);
    auto pb = *qnn::computeRequantParams(sb / sy, qnn::RequantMode::Exact);
    QuantizedAdd add;
    add.shift = std::max(pa.shift, pb.shift);
    add.lhsMultiplier = int64_t(pa.multiplier) << (add.shift - pa.shift);
    add.rhsMultiplier = int64_t(pb.multiplier) << (add.shift - pb.shift);
    add.lhsZero = rng() % 256;
    add.rhsZero = rng() % 256;
    add.outZero = rng() % 16;
    add.lo = -1000000;
    add.hi = 1000000;
    int32_t a = rng() % 256, b = rng() % 256;
    // Exact: ((a - za) * ma * 2^-ea + (b - zb) * mb * 2^-eb) * 2^ey over a
    // common denominator 2^(ea + eb).
    // Multiplications by powers of two: a left shift of a negative value
    // is undefined behaviour (UBSan reported it).
    int128 num = int128(a - add.lhsZero) * ma * (int128(1) << eb) +
                 int128(b - add.rhsZero) * mb * (int128(1) << ea);
    int shift = ea + eb - ey;
    int64_t expected =
        shift >= 0 ? divideHalfEven(num, int128(1) << shift)
                   : static_cast<int64_t>(num * (int128(1) << -shift));
    EXPECT_EQ(add(a, b), expected + add.outZero)
        << "sa " << sa << " sb " << sb << " sy " << sy << " a " << a << " b "
        << b;
  }
}

//===----------------------------------------------------------------------===//
// The Interpreter API
//===----------------------------------------------------------------------===//

struct Parsed {
  MLIRContext context;
  OwningOpRef<ModuleOp> module;
  std::string diagnostics;
  std::unique_ptr<ScopedDiagnosticHandler> handler;

  explicit Parsed(StringRef source) {
    DialectRegistry registry;
    registerQRCNNDialects(registry);
    context.appendDialectRegistry(registry);
    context.loadAllAvailableDialects();
    handler = std::make_unique<ScopedDiagnosticHandler>(
        &context, [this](Diagnostic &d) {
          diagnostics += d.str() + "\n";
          return success();
        });
    module = parseSourceString<ModuleOp>(source, &context);
  }
};

TEST(Interpreter, RunsAndReportsSteps) {
  Parsed p(R"mlir(
    !in = !quant.uniform<u8:f32, 0.5:10>
    func.func @main(%x: tensor<1x3xf32>) -> (tensor<1x3xf32>, tensor<1x3x!in>, tensor<1xi64>) {
      %q = qnn.quantize %x : tensor<1x3xf32> -> tensor<1x3x!in>
      %d = qnn.dequantize %q : tensor<1x3x!in> -> tensor<1x3xf32>
      %i = qnn.argmax %q {axis = 1 : i64, keepdims = false} : tensor<1x3x!in> -> tensor<1xi64>
      return %d, %q, %i : tensor<1x3xf32>, tensor<1x3x!in>, tensor<1xi64>
    })mlir");
  ASSERT_TRUE(p.module) << p.diagnostics;
  std::unique_ptr<Interpreter> interp = Interpreter::create(*p.module);
  ASSERT_TRUE(interp) << p.diagnostics;
  EXPECT_EQ(interp->getInputSize(), 3);
  EXPECT_EQ(interp->getOutputSize(), 7);
  EXPECT_EQ(interp->getOutputSteps().vec(),
            (std::vector<float>{0.5f, 0.5f, 0.5f, 1, 1, 1, 1}));
  std::vector<float> out(7);
  // x/s = 2.5, -1.5, 3 -> 2, -2, 3 -> q = 12, 8, 13.
  ASSERT_TRUE(succeeded(interp->run({1.25f, -0.75f, 1.5f}, out)));
  EXPECT_EQ(out, (std::vector<float>{1.0f, -1.0f, 1.5f, 12, 8, 13, 2}));
  // Run many: the prepared state is reused, nothing leaks between samples.
  ASSERT_TRUE(succeeded(interp->run({0.0f, 0.0f, 0.0f}, out)));
  EXPECT_EQ(out, (std::vector<float>{0, 0, 0, 10, 10, 10, 0}));
}

TEST(Interpreter, AccumulatorOverflowIsAnErrorNotUB) {
  Parsed p(R"mlir(
    !in = !quant.uniform<u8:f32, 1.0>
    !w = !quant.uniform<i8:f32, 1.0>
    !acc = !quant.uniform<i32:f32, 1.0>
    func.func @main(%x: tensor<1x1xf32>) -> tensor<1x1x!acc> {
      %w = qnn.constant dense<[[127]]> : tensor<1x1xi8> : tensor<1x1x!w>
      %b = qnn.constant dense<[2147483600]> : tensor<1xi32> : tensor<1x!acc>
      %q = qnn.quantize %x : tensor<1x1xf32> -> tensor<1x1x!in>
      %d = qnn.dense %q, %w, %b : (tensor<1x1x!in>, tensor<1x1x!w>, tensor<1x!acc>) -> tensor<1x1x!acc>
      return %d : tensor<1x1x!acc>
    })mlir");
  ASSERT_TRUE(p.module) << p.diagnostics;
  std::unique_ptr<Interpreter> interp = Interpreter::create(*p.module);
  ASSERT_TRUE(interp) << p.diagnostics;
  std::vector<float> out(1);
  // 2147483600 + 0 * 127 fits.
  ASSERT_TRUE(succeeded(interp->run({0.0f}, out)));
  EXPECT_EQ(out[0], 2147483600.0f);
  // 2147483600 + 1 * 127 = 2147483727 does not.
  EXPECT_TRUE(failed(interp->run({1.0f}, out)));
  EXPECT_NE(p.diagnostics.find("'qnn.dense' op accumulator value 2147483727 "
                               "at element 0 overflows its i32 result type"),
            std::string::npos)
      << p.diagnostics;
}

TEST(Interpreter, RejectsWhatItCannotRun) {
  Parsed p(R"mlir(
    func.func @main(%x: tensor<2xf32>) -> tensor<2xf32> {
      %y = arith.addf %x, %x : tensor<2xf32>
      return %y : tensor<2xf32>
    })mlir");
  ASSERT_TRUE(p.module) << p.diagnostics;
  EXPECT_FALSE(Interpreter::create(*p.module));
  EXPECT_NE(p.diagnostics.find("'arith.addf' op is not supported by the "
                               "interpreter"),
            std::string::npos)
      << p.diagnostics;
}

TEST(Interpreter, ModeChangesTheMultipliers) {
  // M = 0.75: exact keeps it, pow2 rounds it to 1 (DESIGN.md's cheaper
  // hardware mode), read from the module attribute.
  const char *source = R"mlir(
    !in = !quant.uniform<u8:f32, 0.75>
    !out = !quant.uniform<u8:f32, 1.0>
    module attributes {qnn.requant_mode = "%s"} {
      func.func @main(%%x: tensor<1xf32>) -> tensor<1x!out> {
        %%q = qnn.quantize %%x : tensor<1xf32> -> tensor<1x!in>
        %%r = qnn.requantize %%q : tensor<1x!in> -> tensor<1x!out>
        return %%r : tensor<1x!out>
      }
    })mlir";
  for (auto [mode, expected] :
       {std::pair<const char *, float>{"exact", 6.0f}, {"pow2", 8.0f}}) {
    char text[1024];
    std::snprintf(text, sizeof(text), source, mode);
    Parsed p(text);
    ASSERT_TRUE(p.module) << p.diagnostics;
    std::unique_ptr<Interpreter> interp = Interpreter::create(*p.module);
    ASSERT_TRUE(interp) << p.diagnostics;
    std::vector<float> out(1);
    ASSERT_TRUE(succeeded(interp->run({6.0f}, out))); // q = 8
    EXPECT_EQ(out[0], expected) << mode;
  }
}

} // namespace
