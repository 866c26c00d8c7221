//===- TargetRegistryTest.cpp - target registry and emission helpers ------===//
#include "qrcnn/Target/Emission.h"
#include "qrcnn/Target/Target.h"
#include "qrcnn/int4.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <gtest/gtest.h>

using namespace qrcnn;
using namespace qrcnn::target;

namespace {

class FakeTarget : public Target {
public:
  explicit FakeTarget(std::string name)
      : name(name), description("fake " + name) {}
  llvm::StringRef getName() const override { return name; }
  llvm::StringRef getDescription() const override { return description; }
  OutputKind getOutputKind() const override { return OutputKind::File; }
  mlir::LogicalResult emit(mlir::ModuleOp, const EmitContext &) override {
    return mlir::success();
  }

private:
  std::string name, description;
};

TEST(TargetRegistry, AddLookupAndOrder) {
  TargetRegistry registry;
  ASSERT_FALSE(bool(registry.add(std::make_unique<FakeTarget>("b"))));
  ASSERT_FALSE(bool(registry.add(std::make_unique<FakeTarget>("a"))));
  registry.addPlanned("z", "later");
  EXPECT_EQ(registry.lookup("a")->getName(), "a");
  EXPECT_EQ(registry.lookup("z"), nullptr);
  EXPECT_EQ(registry.lookupPlanned("z"), "later");
  // Registration order, planned names last.
  EXPECT_EQ(registry.getNames(), (std::vector<std::string>{"b", "a", "z"}));
}

TEST(TargetRegistry, RejectsDuplicatesAndBadNames) {
  TargetRegistry registry;
  ASSERT_FALSE(bool(registry.add(std::make_unique<FakeTarget>("cpp"))));
  llvm::Error twice = registry.add(std::make_unique<FakeTarget>("cpp"));
  ASSERT_TRUE(bool(twice));
  EXPECT_NE(llvm::toString(std::move(twice)).find("registered twice"),
            std::string::npos);
  llvm::Error upper = registry.add(std::make_unique<FakeTarget>("Graph viz"));
  ASSERT_TRUE(bool(upper));
  llvm::consumeError(std::move(upper));
  EXPECT_EQ(registry.getTargets().size(), 1u);
}

TEST(TargetRegistry, TargetReplacesPlannedEntry) {
  TargetRegistry registry;
  registry.addPlanned("hls", "issue #6");
  ASSERT_FALSE(bool(registry.add(std::make_unique<FakeTarget>("hls"))));
  EXPECT_TRUE(registry.lookupPlanned("hls").empty());
  EXPECT_EQ(registry.getNames(), std::vector<std::string>{"hls"});
  // Planning a registered name changes nothing.
  registry.addPlanned("hls", "again");
  EXPECT_EQ(registry.getNames(), std::vector<std::string>{"hls"});
}

TEST(TargetRegistry, HelpTextListsEveryName) {
  TargetRegistry registry;
  ASSERT_FALSE(bool(registry.add(std::make_unique<FakeTarget>("mlir"))));
  registry.addPlanned("hls", "issue #6");
  std::string help = registry.getHelpText();
  EXPECT_NE(help.find("mlir  fake mlir"), std::string::npos) << help;
  EXPECT_NE(help.find("hls   (not built yet: issue #6)"), std::string::npos)
      << help;
}

TEST(TargetRegistry, BuiltinsHaveMlirAndPlannedOrRealHls) {
  TargetRegistry registry;
  registerBuiltinTargets(registry);
  ASSERT_NE(registry.lookup("mlir"), nullptr);
  EXPECT_EQ(registry.getNames().front(), "mlir");
  bool hls = registry.lookup("hls") || !registry.lookupPlanned("hls").empty();
  EXPECT_TRUE(hls);
}

TEST(TargetRegistry, PluginErrors) {
  TargetRegistry registry;
  llvm::Error missing = loadTargetPlugin("/nonexistent/libplugin.so", registry);
  ASSERT_TRUE(bool(missing));
  EXPECT_NE(llvm::toString(std::move(missing)).find("cannot load target plugin"),
            std::string::npos);
}

TEST(Emission, RenderTemplate) {
  llvm::StringMap<std::string> values;
  values["name"] = "ecg";
  values["N"] = "5";
  llvm::Expected<std::string> text =
      renderTemplate("t", "void {{name}}_run(float x[{{ N }}]); {}", values);
  ASSERT_TRUE(bool(text));
  EXPECT_EQ(*text, "void ecg_run(float x[5]); {}");

  llvm::Expected<std::string> missing =
      renderTemplate("t.in", "{{name}} {{nope}}", values);
  ASSERT_FALSE(bool(missing));
  EXPECT_EQ(llvm::toString(missing.takeError()),
            "template t.in: no value for {{nope}}");
  llvm::Expected<std::string> open = renderTemplate("t.in", "{{name", values);
  ASSERT_FALSE(bool(open));
  llvm::consumeError(open.takeError());
}

TEST(Emission, PackInt4IsOnnxLayout) {
  // ONNX INT4: element 0 in the low nibble. 1 -> 0x1, -2 -> 0xE, 7 -> 0x7,
  // the odd count pads the last high nibble with 0.
  std::vector<uint8_t> packed = packInt4({1, -2, 7});
  ASSERT_EQ(packed.size(), 2u);
  EXPECT_EQ(packed[0], 0xE1);
  EXPECT_EQ(packed[1], 0x07);
}

TEST(Emission, PackUnpackRoundTripsEveryPair) {
  for (int a = -8; a <= 7; ++a)
    for (int b = -8; b <= 7; ++b) {
      std::vector<int8_t> values = {static_cast<int8_t>(a),
                                    static_cast<int8_t>(b)};
      std::vector<uint8_t> packed = packInt4(values);
      ASSERT_EQ(packed.size(), 1u);
      EXPECT_EQ(rt::unpackInt4(packed.data(), 0), a);
      EXPECT_EQ(rt::unpackInt4(packed.data(), 1), b);
      EXPECT_EQ(rt::unpackUInt4(packed.data(), 0), a & 15);
      EXPECT_EQ(rt::unpackUInt4(packed.data(), 1), b & 15);
    }
  // Unsigned 4-bit values round-trip through the same packer.
  std::vector<int8_t> u4 = {0, 15, 9};
  std::vector<uint8_t> packed = packInt4(u4);
  EXPECT_EQ(rt::unpackUInt4(packed.data(), 1), 15);
  EXPECT_EQ(rt::unpackUInt4(packed.data(), 2), 9);
}

TEST(Emission, CIdentifiers) {
  EXPECT_TRUE(isValidCIdentifier("qrcnn_ecg"));
  EXPECT_FALSE(isValidCIdentifier("1model"));
  EXPECT_FALSE(isValidCIdentifier("_model"));
  EXPECT_FALSE(isValidCIdentifier("my-model"));
  EXPECT_FALSE(isValidCIdentifier("int"));
  EXPECT_FALSE(isValidCIdentifier(""));
  EXPECT_EQ(makeCIdentifier("qrcnn-qdq.v2"), "qrcnn_qdq_v2");
  EXPECT_EQ(makeCIdentifier("3layers"), "model_3layers");
  EXPECT_EQ(makeCIdentifier("float"), "float_model");
  EXPECT_TRUE(isValidCIdentifier(makeCIdentifier("__x")));
}

TEST(Emission, RuntimeFilesAreEmbedded) {
  for (llvm::StringRef path : {"requantize.h", "int4.h"}) {
    std::optional<llvm::StringRef> embedded = getRuntimeFile(path);
    ASSERT_TRUE(embedded.has_value()) << path.str();
    // Byte for byte the header in the source tree.
    llvm::SmallString<256> source(QRCNN_RUNTIME_INCLUDE_DIR);
    llvm::sys::path::append(source, "qrcnn", path);
    auto buffer = llvm::MemoryBuffer::getFile(source);
    ASSERT_TRUE(bool(buffer)) << source.str().str();
    EXPECT_EQ(*embedded, (*buffer)->getBuffer());
  }
  EXPECT_FALSE(getRuntimeFile("no_such.h").has_value());
}

TEST(Emission, OutputFolderWritesNestedFiles) {
  llvm::SmallString<128> dir;
  ASSERT_FALSE(llvm::sys::fs::createUniqueDirectory("qrcnn-emission", dir));
  llvm::SmallString<128> out(dir);
  llvm::sys::path::append(out, "a", "b");
  llvm::Expected<OutputFolder> folder = OutputFolder::create(out);
  ASSERT_TRUE(bool(folder));
  ASSERT_FALSE(bool(folder->write("sub/x.txt", "hello")));
  ASSERT_FALSE(bool(folder->copyRuntimeFile("int4.h", "qrcnn/int4.h")));
  llvm::Error missing = folder->copyRuntimeFile("nope.h", "nope.h");
  ASSERT_TRUE(bool(missing));
  llvm::consumeError(std::move(missing));
  EXPECT_EQ(folder->getWrittenFiles(),
            (llvm::ArrayRef<std::string>{"sub/x.txt", "qrcnn/int4.h"}));
  llvm::SmallString<128> written(out);
  llvm::sys::path::append(written, "sub", "x.txt");
  auto buffer = llvm::MemoryBuffer::getFile(written);
  ASSERT_TRUE(bool(buffer));
  EXPECT_EQ((*buffer)->getBuffer(), "hello");
  llvm::sys::fs::remove_directories(dir);
}

} // namespace
