//===- SynthCheckTest.cpp - the HLS synthesizability check ----------------===//
//
// checkSynthesizable (qrcnn/Target/HLS/SynthCheck.h) on small snippets: each
// kind of violation is found, in the function it is in, only when the top
// reaches that function; clean code and the constructs the emitter prints
// (pragmas, constant bounds, LOOP_TRIPCOUNT, static const tables) pass.
//
//===----------------------------------------------------------------------===//
#include "qrcnn/Target/HLS/SynthCheck.h"
#include "qrcnn/Target/Emission.h"

#include <gtest/gtest.h>

using namespace qrcnn::hls;

namespace {

std::vector<SynthViolation> check(const std::string &code,
                                  const std::string &top = "top") {
  return checkSynthesizable({SourceFile{"k.cpp", code}}, top);
}

/// The messages joined, for failure output and substring checks.
std::string messages(const std::vector<SynthViolation> &violations) {
  std::string text;
  for (const SynthViolation &v : violations)
    text += v.str() + "\n";
  return text;
}

TEST(SynthCheck, CleanKernelPasses) {
  const char *code = R"cpp(
#include "k.h"
// A comment with new, malloc, float, 1.5 and while (1) is not code.
struct px { ap_uint<4> v[12]; };
static int helper(int x) { return x * 3; }
static void stage(hls::stream<px> &in, int len) {
  static const ap_int<4> weights[3] = {1, -2, 3};
#pragma HLS ARRAY_PARTITION variable=weights complete dim=0
  pos: for (int p = 0; p < len + 4; ++p) {
#pragma HLS LOOP_TRIPCOUNT min=5 max=94
#pragma HLS PIPELINE II=1
    for (int k = 0; k < 3; ++k) {
#pragma HLS UNROLL
      helper(k);
    }
  }
  const char *s = "float in a string, new, 2.5";
}
void top(hls::stream<px> &in) {
#pragma HLS DATAFLOW
  stage(in, 90);
  for (unsigned i = 0; i <= 7u; ++i) {}
}
// Not reached from top: may use anything.
int main() { float f = 1.5f; double *d = new double[4]; while (f) {} }
)cpp";
  std::vector<SynthViolation> violations = check(code);
  EXPECT_TRUE(violations.empty()) << messages(violations);
}

TEST(SynthCheck, Heap) {
  std::vector<SynthViolation> v = check(R"cpp(
static void alloc() {
  int *p = new int[4];
  delete[] p;
}
void top() {
  alloc();
  void *q = malloc(16);
  free(q);
}
)cpp");
  std::string text = messages(v);
  ASSERT_EQ(v.size(), 4u) << text;
  EXPECT_EQ(v[0].function, "top");
  EXPECT_EQ(v[0].line, 8u);
  EXPECT_NE(text.find("k.cpp:3: in function 'alloc': heap: 'new'"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("heap: 'delete'"), std::string::npos) << text;
  EXPECT_NE(text.find("heap: 'malloc'"), std::string::npos) << text;
  EXPECT_NE(text.find("heap: 'free'"), std::string::npos) << text;
}

TEST(SynthCheck, DirectAndMutualRecursion) {
  std::vector<SynthViolation> direct = check(R"cpp(
static int fact(int n) { return n ? n * fact(n - 1) : 1; }
void top() { fact(3); }
)cpp");
  ASSERT_EQ(direct.size(), 1u) << messages(direct);
  EXPECT_EQ(direct[0].function, "fact");
  EXPECT_NE(direct[0].message.find("recursion"), std::string::npos);

  std::vector<SynthViolation> mutual = check(R"cpp(
static int even(int n);
static int odd(int n) { return n == 0 ? 0 : even(n - 1); }
static int even(int n) { return n == 0 ? 1 : odd(n - 1); }
void top() { even(4); }
)cpp");
  ASSERT_EQ(mutual.size(), 1u) << messages(mutual);
  EXPECT_NE(mutual[0].message.find("recursion: calls 'even'"),
            std::string::npos)
      << messages(mutual);
}

TEST(SynthCheck, UnboundedLoops) {
  std::vector<SynthViolation> v = check(R"cpp(
void top(int n) {
  for (int i = 0; i < n; ++i) {
#pragma HLS PIPELINE II=1
  }
  for (;;) {}
  while (n > 0) { --n; }
  do { ++n; } while (n < 10);
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < 4; ++j) {
#pragma HLS LOOP_TRIPCOUNT max=4
    }
  }
}
)cpp");
  std::string text = messages(v);
  // The first loop, for(;;), while, do, and the last outer loop (its
  // LOOP_TRIPCOUNT belongs to the inner loop).
  ASSERT_EQ(v.size(), 5u) << text;
  EXPECT_EQ(v[0].line, 3u) << text;
  EXPECT_NE(text.find("'for (int i = 0; i < n; ++i)'"), std::string::npos)
      << text;
  EXPECT_NE(text.find("'while' loop"), std::string::npos) << text;
  EXPECT_NE(text.find("'do' loop"), std::string::npos) << text;
  EXPECT_EQ(v[4].line, 9u) << text;
}

TEST(SynthCheck, TripCountNeedsAConstantMax) {
  EXPECT_TRUE(check(R"cpp(
void top(int n) {
  for (int i = 0; i < n; ++i) {
#pragma HLS LOOP_TRIPCOUNT min=1 max=64
  }
  while (n) {
#pragma HLS LOOP_TRIPCOUNT max=8
    --n;
  }
}
)cpp").empty());
  EXPECT_EQ(check(R"cpp(
void top(int n) {
  for (int i = 0; i < n; ++i) {
#pragma HLS LOOP_TRIPCOUNT min=1
  }
}
)cpp").size(),
            1u);
}

TEST(SynthCheck, ContainersAndFloatingPoint) {
  std::vector<SynthViolation> v = check(R"cpp(
#include <vector>
static float scale(int x) { return x * 0.5f; }
void top(int x) {
  std::vector<int> values;
  std::string name;
  double d = 1e-3;
  int y = 0x1e;   // hex, not a float
  int z = 1'000;  // digit separator
  scale(x);
  y = (int)(.25 * x);
}
)cpp");
  std::string text = messages(v);
  EXPECT_NE(text.find("standard container 'std::vector'"), std::string::npos)
      << text;
  EXPECT_NE(text.find("standard container 'std::string'"), std::string::npos)
      << text;
  EXPECT_NE(text.find("floating point: 'double'"), std::string::npos) << text;
  EXPECT_NE(text.find("literal '1e'"), std::string::npos) << text;
  EXPECT_NE(text.find("in function 'scale': floating point: 'float'"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("literal '0.5f'"), std::string::npos) << text;
  EXPECT_NE(text.find("literal '.25'"), std::string::npos) << text;
  EXPECT_EQ(text.find("0x1e"), std::string::npos) << text;
  EXPECT_EQ(text.find("1'000"), std::string::npos) << text;
  EXPECT_EQ(v.size(), 7u) << text;
}

TEST(SynthCheck, MissingTop) {
  std::vector<SynthViolation> v = check("void other() {}", "top");
  ASSERT_EQ(v.size(), 1u);
  EXPECT_NE(v[0].message.find("not defined"), std::string::npos);
}

TEST(SynthCheck, FollowsCallsIntoOtherSources) {
  // The top calls the runtime's requantization: its header is checked too,
  // and the real one passes.
  std::optional<llvm::StringRef> requant =
      qrcnn::target::getRuntimeFile("requantize.h");
  ASSERT_TRUE(requant.has_value());
  const char *kernel = R"cpp(
#include "qrcnn/requantize.h"
void top(ap_int<13> acc, ap_uint<4> &y) {
  static const qrcnn::rt::RequantParams p = {1879048192, 36};
  y = qrcnn::rt::requantize(acc, p, 0, 0, 15);
}
)cpp";
  std::vector<SynthViolation> ok = checkSynthesizable(
      {SourceFile{"k.cpp", kernel}, SourceFile{"requantize.h", requant->str()}},
      "top");
  EXPECT_TRUE(ok.empty()) << messages(ok);

  std::vector<SynthViolation> bad = checkSynthesizable(
      {SourceFile{"k.cpp", kernel},
       SourceFile{"requantize.h",
                  "namespace qrcnn { namespace rt {\n"
                  "inline int requantize(long long a, P p, int z, int lo,\n"
                  "                      int hi) {\n"
                  "  return (int)(a * 0.1);\n}\n}}\n"}},
      "top");
  ASSERT_EQ(bad.size(), 1u) << messages(bad);
  EXPECT_EQ(bad[0].file, "requantize.h");
  EXPECT_EQ(bad[0].line, 4u);
  EXPECT_EQ(bad[0].function, "requantize");
}

} // namespace
