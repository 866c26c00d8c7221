//===- CppTarget.cpp - `--target cpp`: a C++ library for CPUs and MCUs ----===//
//
// The pipeline (buildCppPipeline) does the work in IR: qnn-lower-to-loops,
// 4-bit packing, the conversion to EmitC and the last touches for C++.
// emit() then prints the module with emitc::translateToCpp and fills the
// small templates in templates/ (compiled in by qrcnn_embed_files) for the
// fixed files: the API header and its wrappers, the harness, CMakeLists.txt
// and README.md.
//
//===----------------------------------------------------------------------===//
#include "qrcnn/Target/CPP/CppTarget.h"
#include "qrcnn/Target/CPP/Passes.h"

#include "qrcnn/Conversion/Passes.h"
#include "qrcnn/Target/Emission.h"
#include "qrcnn/Target/ModelInterface.h"
#include "qrcnn/Target/Target.h"

#include "mlir/Dialect/EmitC/IR/EmitC.h"
#include "mlir/Dialect/Quant/QuantTypes.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Target/Cpp/CppEmitter.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/Path.h"

#include <CLI/CLI.hpp>

#include <cstdio>

using namespace mlir;
using namespace qrcnn;
using namespace qrcnn::target;

#ifndef QRCNN_VERSION
#define QRCNN_VERSION "unknown"
#endif

namespace {
// kCppTemplates[] = {{"model.h.in", ...}, ...} (lib/Target/CPP/templates).
#include "qrcnn/Target/CPP/Templates.inc"

StringRef getTemplate(StringRef path) {
  for (const EmbeddedFile &file : kCppTemplates)
    if (file.path == path)
      return file.contents;
  llvm::report_fatal_error("missing CPU template " + path);
}
} // namespace

void qrcnn::cpp::buildCppPipeline(OpPassManager &pm,
                                  const CppPipelineOptions &options) {
  // The CPU form of the common lowering (all three choices keep the
  // results bit for bit): max pools before requantization, i32
  // requantization where an exhaustive check allows it, and 1-D conv inputs
  // staged with their padding, so rows are computed in blocks of
  // options.rowBlock positions without border tests or vector remainders.
  pm.addPass(createCpuCheckQuantized());
  qnn::LowerToLoopsOptions lowering;
  lowering.poolBeforeRequantize = true;
  lowering.narrowRequantize = true;
  lowering.stageMultiple = options.rowBlock;
  pm.addPass(qnn::createLowerToLoops(lowering));
  CpuReorderConvLoopsOptions reorder;
  reorder.channelBlock = options.channelBlock;
  pm.addPass(createCpuReorderConvLoops(reorder));
  pm.addPass(createCanonicalizerPass());
  // The position range of a tap depends on the tap only: out of the
  // channel loop with it.
  pm.addPass(createLoopInvariantCodeMotionPass());
  CpuPackWeightsOptions pack;
  pack.unpackReread = options.unpackReread;
  pm.addPass(createCpuPackWeights(pack));
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  pm.addPass(createCpuWorkspaceArguments());
  pm.addPass(qnn::createConvertLoopsToEmitC());
  CpuPrepareEmitCOptions prepare;
  prepare.name = options.name;
  pm.addPass(createCpuPrepareEmitC(prepare));
}

void qrcnn::cpp::registerCppTargetPasses() { registerCpuPasses(); }

namespace {

/// `float[1][1][180]`.
std::string describe(const EntryArgument &arg) {
  std::string text = arg.cType;
  for (int64_t d : arg.shape)
    text += "[" + std::to_string(d) + "]";
  return text;
}

/// C spelling of a float constant that reads back as the same float.
std::string floatLiteral(double value) {
  char buffer[32];
  snprintf(buffer, sizeof buffer, "%.9g", static_cast<double>(static_cast<float>(value)));
  std::string text = buffer;
  if (!StringRef(text).contains_insensitive('e') && !StringRef(text).contains('.'))
    text += ".0";
  return text + "f";
}

/// How an entry parameter `arg` of C type `cType` is viewed as the shaped
/// array EmitC's entry takes: `reinterpret_cast<int8_t (*)[1][180]>(p)`.
std::string viewAs(const EntryArgument &arg, StringRef internalType,
                   StringRef pointer, bool isConst) {
  std::string target = internalType.str();
  if (arg.shape.size() <= 1) {
    target += " *";
  } else {
    target += " (*)";
    for (int64_t d : ArrayRef<int64_t>(arg.shape).drop_front())
      target += "[" + std::to_string(d) + "]";
  }
  std::string source = pointer.str();
  if (isConst)
    source = "const_cast<" + arg.cType + " *>(" + source + ")";
  return "reinterpret_cast<" + target + ">(" + source + ")";
}

/// The element type EmitC prints for an entry argument (signless integers
/// print as signed).
std::string getInternalCType(FunctionOpInterface func, unsigned index) {
  auto array = cast<emitc::ArrayType>(func.getArgumentTypes()[index]);
  Type element = array.getElementType();
  if (element.isF32())
    return "float";
  auto integer = cast<IntegerType>(element);
  return getCIntegerType(integer.getWidth(), !integer.isUnsigned());
}

/// EmitC prints the buffer parameters of `function` as arrays,
/// `int8_t v4[1][1200]`; rewrites them in `body` as the same pointers with
/// QRCNN_RESTRICT (model.cpp.in), `int8_t (*QRCNN_RESTRICT v4)[1200]`, so
/// the C++ compiler knows they never overlap: it then vectorizes without
/// run-time overlap checks and keeps values in registers across stores
/// (about a sixth of the QRCNN bench model's time).
LogicalResult restrictBufferParameters(ModuleOp module, std::string &body,
                                       StringRef function) {
  std::string opening = ("static void " + function + "(").str();
  size_t begin = body.find(opening);
  size_t end = begin == std::string::npos ? begin : body.find(')', begin);
  if (end == std::string::npos ||
      body.find(opening, begin + 1) != std::string::npos)
    return module.emitError("cannot find the printed signature of ")
           << function;
  begin += opening.size();
  SmallVector<StringRef> params;
  StringRef(body).slice(begin, end).split(params, ", ");
  std::vector<std::string> restricted;
  for (StringRef param : params) {
    // `TYPE NAME[d0][d1]...`
    size_t bracket = param.find('[');
    size_t space = param.rfind(' ', bracket);
    if (bracket == StringRef::npos || space == StringRef::npos)
      return module.emitError("unexpected parameter `")
             << param << "` of " << function;
    StringRef type = param.take_front(space);
    StringRef name = param.slice(space + 1, bracket);
    StringRef innerDims = param.drop_front(bracket).drop_until(
        [](char c) { return c == ']'; }).drop_front();
    restricted.push_back(innerDims.empty()
                             ? (type + " *QRCNN_RESTRICT " + name).str()
                             : (type + " (*QRCNN_RESTRICT " + name + ")" +
                                innerDims).str());
  }
  body.replace(begin, end - begin, llvm::join(restricted, ", "));
  return success();
}

/// A mutable buffer the entries take as an argument (WorkspaceArguments):
/// the static global of the default API, or a piece of the caller's
/// workspace for the reentrant one.
struct WorkspaceBuffer {
  std::string global;   // the static global's name
  std::string viewType; // `int8_t (*)[1080]` / `int16_t *`
  int64_t bytes = 0, offset = 0;
};

/// Alignment of the caller's workspace and of every buffer in it.
constexpr int64_t kWorkspaceAlignment = 16;

FailureOr<std::vector<WorkspaceBuffer>> getWorkspace(ModuleOp module,
                                                     const Entry &entry,
                                                     int64_t &totalBytes) {
  std::vector<WorkspaceBuffer> buffers;
  totalBytes = 0;
  auto names = entry.op->getAttrOfType<ArrayAttr>(cpp::kWorkspaceAttrName);
  if (!names)
    return buffers;
  for (Attribute attr : names) {
    auto ref = dyn_cast<FlatSymbolRefAttr>(attr);
    auto global = ref ? SymbolTable::lookupNearestSymbolFrom<emitc::GlobalOp>(
                            module, ref.getAttr())
                      : nullptr;
    auto array = global ? dyn_cast<emitc::ArrayType>(global.getType())
                        : nullptr;
    auto element = array ? dyn_cast<IntegerType>(array.getElementType())
                         : nullptr;
    if (!element)
      return entry.op->emitOpError("workspace buffer ")
             << attr << " is not an integer array global";
    WorkspaceBuffer buffer;
    buffer.global = global.getSymName().str();
    std::string cType = getCIntegerType(element.getWidth(), true);
    buffer.viewType = cType + " *";
    if (array.getRank() > 1) {
      buffer.viewType = cType + " (*)";
      for (int64_t d : array.getShape().drop_front())
        buffer.viewType += "[" + std::to_string(d) + "]";
    }
    buffer.bytes = array.getNumElements() * element.getWidth() / 8;
    buffer.offset = totalBytes;
    totalBytes += (buffer.bytes + kWorkspaceAlignment - 1) /
                  kWorkspaceAlignment * kWorkspaceAlignment;
    buffers.push_back(buffer);
  }
  return buffers;
}

struct ApiText {
  std::string constants, declarations, wrappers;
  std::string harnessBuffers, harnessRun;
  std::string inputDescription, outputDescription, summary;
  std::string apiExample, apiTable;
  int64_t inputFloats = 0, outputFloats = 0;
};

std::string argName(StringRef kind, size_t index, size_t count) {
  return count == 1 ? kind.str() : (kind + Twine(index)).str();
}

std::string macroName(StringRef prefix, StringRef kind, size_t index,
                      size_t count, StringRef what) {
  return (prefix + "_" + StringRef(argName(kind, index, count)).upper() + "_" +
          what)
      .str();
}

void addQuantConstants(std::string &out, StringRef prefix, StringRef kind,
                       size_t index, size_t count, const EntryArgument &arg) {
  if (!arg.quant)
    return;
  if (auto q = dyn_cast<quant::UniformQuantizedType>(arg.quant)) {
    out += "#define " + macroName(prefix, kind, index, count, "SCALE") + " " +
           floatLiteral(q.getScale()) + "\n";
    out += "#define " + macroName(prefix, kind, index, count, "ZERO_POINT") +
           " " + std::to_string(q.getZeroPoint()) + "\n";
  } else if (auto q = dyn_cast<quant::UniformQuantizedPerAxisType>(arg.quant)) {
    std::vector<std::string> scales, zeros;
    for (double s : q.getScales())
      scales.push_back(floatLiteral(s));
    for (int64_t z : q.getZeroPoints())
      zeros.push_back(std::to_string(z));
    out += "/* Per-channel quantization along axis " +
           std::to_string(q.getQuantizedDimension()) +
           " (initializer lists). */\n";
    out += "#define " + macroName(prefix, kind, index, count, "SCALES") +
           " {" + llvm::join(scales, ", ") + "}\n";
    out += "#define " + macroName(prefix, kind, index, count, "ZERO_POINTS") +
           " {" + llvm::join(zeros, ", ") + "}\n";
  }
}

ApiText buildApiText(const ModelInterface &model, StringRef name,
                     StringRef prefix, int64_t constantBytes,
                     int64_t bufferBytes,
                     ArrayRef<WorkspaceBuffer> workspace,
                     int64_t workspaceBytes) {
  ApiText api;
  const Entry &floatEntry = model.floatEntry;
  const Entry &intEntry = model.intEntry;
  size_t numInputs = floatEntry.inputs.size();
  size_t numOutputs = floatEntry.outputs.size();

  // The SIZE / SCALE / ZERO_POINT macros of one side (inputs or outputs);
  // returns the side's description and total float count.
  auto addPortConstants = [&](StringRef kind, ArrayRef<EntryArgument> args,
                              ArrayRef<EntryArgument> intArgs,
                              std::string &description, int64_t &floats) {
    std::vector<std::string> descriptions;
    for (auto [i, arg] : llvm::enumerate(args)) {
      const EntryArgument &intArg = intArgs[i];
      api.constants += "/* " + StringRef(argName(kind, i, args.size())).str() +
                       ": " + describe(arg) + "; integer API: " +
                       describe(intArg) + " */\n";
      api.constants += "#define " +
                       macroName(prefix, kind, i, args.size(), "SIZE") + " " +
                       std::to_string(arg.numElements) + "\n";
      addQuantConstants(api.constants, prefix, kind, i, args.size(), intArg);
      descriptions.push_back(describe(arg));
      floats += arg.numElements;
    }
    description = llvm::join(descriptions, ", ");
  };
  addPortConstants("input", floatEntry.inputs, intEntry.inputs,
                   api.inputDescription, api.inputFloats);
  addPortConstants("output", floatEntry.outputs, intEntry.outputs,
                   api.outputDescription, api.outputFloats);
  api.constants += "/* Memory (bytes). */\n";
  api.constants += "#define " + prefix.str() + "_CONSTANT_BYTES " +
                   std::to_string(constantBytes) + "\n";
  api.constants += "#define " + prefix.str() + "_BUFFER_BYTES " +
                   std::to_string(bufferBytes) + "\n";
  api.constants += "#define " + prefix.str() + "_STACK_BYTES " +
                   std::to_string(model.stagingBytes) + "\n";
  api.constants += "/* The reentrant functions' workspace: at least this many "
                   "bytes, aligned to\n   " +
                   prefix.str() + "_WORKSPACE_ALIGNMENT. */\n";
  api.constants += "#define " + prefix.str() + "_WORKSPACE_BYTES " +
                   std::to_string(workspaceBytes) + "\n";
  api.constants += "#define " + prefix.str() + "_WORKSPACE_ALIGNMENT " +
                   std::to_string(kWorkspaceAlignment) + "\n";
  api.summary = "Inputs: " + api.inputDescription +
                ". Outputs: " + api.outputDescription + ".";

  // Declarations and wrappers: for each entry a function on the static
  // buffers and a reentrant one on the caller's workspace. Every pointer
  // and size the caller gives is checked first.
  auto addEntry = [&](const Entry &entry, StringRef function,
                      StringRef internal, StringRef doc) {
    std::vector<std::string> params, args, checks;
    std::vector<std::string> pointers;
    // (pointer, bytes) of what the call reads and what it writes, for the
    // overlap checks.
    std::vector<std::pair<std::string, std::string>> read, written;
    auto bytesOf = [](const EntryArgument &arg, StringRef size) {
      return size.str() + " * sizeof(" + arg.cType + ")";
    };
    for (auto [i, arg] : llvm::enumerate(entry.inputs)) {
      std::string param = argName("input", i, numInputs);
      params.push_back("const " + arg.cType + " *" + param);
      params.push_back("size_t " + param + "_size");
      pointers.push_back(param);
      read.push_back(
          {param, bytesOf(arg, macroName(prefix, "input", i, numInputs, "SIZE"))});
      checks.push_back("  if (" + param + "_size != " +
                       macroName(prefix, "input", i, numInputs, "SIZE") +
                       ")\n    return " + prefix.str() +
                       "_ERROR_INPUT_SIZE;\n");
      args.push_back(viewAs(arg, getInternalCType(entry.op, i), param, true));
    }
    for (auto [i, arg] : llvm::enumerate(entry.outputs)) {
      std::string param = argName("output", i, numOutputs);
      params.push_back(arg.cType + " *" + param);
      params.push_back("size_t " + param + "_size");
      pointers.push_back(param);
      std::string size = macroName(prefix, "output", i, numOutputs, "SIZE");
      checks.push_back("  if (" + param + "_size != " + size +
                       ")\n    return " + prefix.str() +
                       "_ERROR_OUTPUT_SIZE;\n");
      written.push_back({param, bytesOf(arg, size)});
      args.push_back(viewAs(arg, getInternalCType(entry.op, numInputs + i),
                            param, false));
    }
    std::string nullCheck;
    auto nullTest = [&](ArrayRef<std::string> names) {
      std::vector<std::string> tests;
      for (const std::string &p : names)
        tests.push_back("!" + p);
      return "  if (" + llvm::join(tests, " || ") + ")\n    return " +
             prefix.str() + "_ERROR_NULL_POINTER;\n";
    };
    std::vector<std::string> staticArgs = args, workspaceArgs = args;
    for (const WorkspaceBuffer &buffer : workspace) {
      staticArgs.push_back(buffer.global);
      workspaceArgs.push_back("reinterpret_cast<" + buffer.viewType +
                              ">(base + " + std::to_string(buffer.offset) +
                              ")");
    }
    std::string signature =
        "int " + function.str() + "(" + llvm::join(params, ", ") + ")";
    std::vector<std::string> wsParams = params;
    wsParams.push_back("void *workspace");
    wsParams.push_back("size_t workspace_size");
    std::string wsSignature = "int " + function.str() + "_ws(" +
                              llvm::join(wsParams, ", ") + ")";
    api.declarations += doc.str() + signature + ";\n";
    api.declarations +=
        "/* The same, reentrant: every buffer in `workspace` (at least " +
        prefix.str() + "_WORKSPACE_BYTES\n   bytes, aligned to " +
        prefix.str() + "_WORKSPACE_ALIGNMENT; one per concurrent call). */\n" +
        wsSignature + ";\n\n";
    // A buffer the call writes may share no byte with any other buffer of
    // the call (the entries' buffers are restrict pointers).
    auto overlapChecks =
        [&](ArrayRef<std::pair<std::string, std::string>> writes) {
          std::string text;
          for (auto [i, w] : llvm::enumerate(writes)) {
            std::vector<std::pair<std::string, std::string>> others = read;
            others.insert(others.end(), writes.begin(), writes.begin() + i);
            for (const auto &[pointer, bytes] : others)
              text += "  if (" + name.str() + "_overlap(" + w.first + ", " +
                      w.second + ", " + pointer + ", " + bytes +
                      "))\n    return " + prefix.str() + "_ERROR_OVERLAP;\n";
          }
          return text;
        };
    std::vector<std::pair<std::string, std::string>> wsWritten = written;
    if (!workspace.empty())
      wsWritten.push_back({"workspace", prefix.str() + "_WORKSPACE_BYTES"});
    std::string body = llvm::join(checks, "");
    api.wrappers += "extern \"C\" " + signature + " {\n" +
                    nullTest(pointers) + body + overlapChecks(written) + "  " +
                    internal.str() + "(" +
                    llvm::join(staticArgs, ",\n      ") + ");\n  return " +
                    prefix.str() + "_OK;\n}\n\n";
    std::vector<std::string> wsPointers = pointers;
    wsPointers.push_back("workspace");
    api.wrappers +=
        "extern \"C\" " + wsSignature + " {\n" + nullTest(wsPointers) + body +
        "  if (workspace_size < " + prefix.str() +
        "_WORKSPACE_BYTES)\n    return " + prefix.str() +
        "_ERROR_WORKSPACE_SIZE;\n  if (reinterpret_cast<uintptr_t>(workspace) % " +
        prefix.str() + "_WORKSPACE_ALIGNMENT != 0)\n    return " + prefix.str() +
        "_ERROR_WORKSPACE_ALIGNMENT;\n" + overlapChecks(wsWritten) +
        (workspace.empty()
             ? std::string("  (void)workspace;\n")
             : "  unsigned char *base = static_cast<unsigned char *>(workspace);\n") +
        "  " + internal.str() + "(" + llvm::join(workspaceArgs, ",\n      ") +
        ");\n  return " + prefix.str() + "_OK;\n}\n\n";
    std::string what = StringRef(doc).trim().drop_front(3).drop_back(3).str();
    api.apiTable += "| `" + signature + "` | " + what + " |\n";
    api.apiTable += "| `" + wsSignature +
                    "` | the same, reentrant, on the caller's workspace |\n";
  };
  api.apiTable = "| function | what |\n|---|---|\n";
  addEntry(floatEntry, (name + "_run").str(), cpp::getFloatEntryName(name),
           "/* One inference on float data: quantizes the input(s), runs the "
           "integer network, writes dequantized output(s). Static buffers: "
           "one call at a time. */\n");
  addEntry(intEntry, (name + "_run_int").str(), cpp::getIntEntryName(name),
           "/* One inference on stored integers: quantized input(s) in, "
           "integer output(s) out (accumulators, activations or class "
           "indices). Static buffers: one call at a time. */\n");

  // Harness: one sample from `inputs` to `outputs` (float32).
  std::vector<std::string> callArgs;
  int64_t offset = 0;
  for (auto [i, arg] : llvm::enumerate(floatEntry.inputs)) {
    callArgs.push_back("inputs + " + std::to_string(offset));
    callArgs.push_back(macroName(prefix, "input", i, numInputs, "SIZE"));
    offset += arg.numElements;
  }
  std::string conversions;
  offset = 0;
  for (auto [i, arg] : llvm::enumerate(floatEntry.outputs)) {
    std::string size = macroName(prefix, "output", i, numOutputs, "SIZE");
    if (arg.cType == "float") {
      callArgs.push_back("outputs + " + std::to_string(offset));
      callArgs.push_back(size);
    } else {
      std::string buffer = "output" + std::to_string(i);
      api.harnessBuffers += "static " + arg.cType + " " + buffer + "[" +
                            std::to_string(arg.numElements) + "];\n";
      callArgs.push_back(buffer);
      callArgs.push_back(size);
      conversions += "  for (int i = 0; i < " +
                     std::to_string(arg.numElements) + "; ++i)\n    outputs[" +
                     std::to_string(offset) + " + i] = (float)" + buffer +
                     "[i];\n";
    }
    offset += arg.numElements;
  }
  api.harnessRun = "  int status = " + name.str() + "_run(" +
                   llvm::join(callArgs, ", ") + ");\n  if (status != " +
                   prefix.str() + "_OK)\n    return status;\n" + conversions +
                   "  return 0;";

  // README example.
  std::string example;
  for (auto [i, arg] : llvm::enumerate(floatEntry.inputs))
    example += "static float " + argName("input", i, numInputs) + "[" +
               macroName(prefix, "input", i, numInputs, "SIZE") + "];\n";
  for (auto [i, arg] : llvm::enumerate(floatEntry.outputs))
    example += "static " + arg.cType + " " +
               argName("output", i, numOutputs) + "[" +
               macroName(prefix, "output", i, numOutputs, "SIZE") + "];\n";
  std::vector<std::string> names;
  for (size_t i = 0; i < numInputs; ++i)
    names.push_back(argName("input", i, numInputs) + ", " +
                    macroName(prefix, "input", i, numInputs, "SIZE"));
  for (size_t i = 0; i < numOutputs; ++i)
    names.push_back(argName("output", i, numOutputs) + ", " +
                    macroName(prefix, "output", i, numOutputs, "SIZE"));
  example += "/* fill input, then: */\nint status = " + name.str() + "_run(" +
             llvm::join(names, ", ") + ");\n/* status == " + prefix.str() +
             "_OK, or an " + prefix.str() + "_ERROR_* code */\n\n" +
             "/* Reentrant (e.g. one workspace per thread): */\n" +
             "static unsigned char workspace[" + prefix.str() +
             "_WORKSPACE_BYTES] __attribute__((aligned(" + prefix.str() +
             "_WORKSPACE_ALIGNMENT)));\nstatus = " + name.str() + "_run_ws(" +
             llvm::join(names, ", ") + ",\n    workspace, sizeof workspace);";
  api.apiExample = example;
  return api;
}

class CppTarget final : public Target {
public:
  StringRef getName() const override { return "cpp"; }
  StringRef getDescription() const override {
    return "a C++ library with a C API for CPUs and microcontrollers "
           "(folder: NAME.h, NAME.cpp, harness, CMakeLists.txt, README.md)";
  }
  OutputKind getOutputKind() const override { return OutputKind::Folder; }

  void addOptions(CLI::App &group) override {
    group.add_option("--unpack-weights", unpackWeights,
                     "4-bit weights read on every iteration of a recurrent "
                     "conv: once (unpacked into RAM once per inference, "
                     "faster; default) or per-use (unpacked where read, no "
                     "extra RAM: for microcontrollers)")
        ->check(CLI::IsMember({"once", "per-use"}));
    group.add_option("--channel-block", channelBlock,
                     "Output channels of a conv accumulated together (more "
                     "rows of accumulators in RAM, each input load shared; "
                     "default 4, 1 = one at a time)")
        ->check(CLI::Range(1, 16));
    group.add_option("--row-block", rowBlock,
                     "Conv output positions computed together: rows and "
                     "requantization run in whole blocks, up to N-1 "
                     "positions computed and thrown away, so vectorized "
                     "loops have no remainder (default 32 = two 256-bit "
                     "vectors of int16; 1 = exactly the positions needed, "
                     "for cores without SIMD)")
        ->check(CLI::Range(1, 256));
  }

  void buildPipeline(OpPassManager &pm,
                     const EmitContext &context) const override {
    cpp::CppPipelineOptions options;
    options.name = context.name;
    options.unpackReread = unpackWeights == "once";
    options.channelBlock = channelBlock;
    options.rowBlock = rowBlock;
    cpp::buildCppPipeline(pm, options);
  }

  void registerPasses() const override { cpp::registerCppTargetPasses(); }

  LogicalResult emit(ModuleOp module, const EmitContext &context) override;

private:
  std::string unpackWeights = "once";
  int64_t channelBlock = 4;
  int64_t rowBlock = 32;
};

LogicalResult CppTarget::emit(ModuleOp module, const EmitContext &context) {
  FailureOr<ModelInterface> model = getModelInterface(module);
  if (failed(model))
    return failure();
  GlobalBytes globals = getGlobalBytes(module);
  StringRef name = context.name;
  std::string prefix = StringRef(name).upper();

  std::string body;
  llvm::raw_string_ostream bodyStream(body);
  if (failed(emitc::translateToCpp(module, bodyStream,
                                   /*declareVariablesAtTop=*/false)))
    return failure();
  if (failed(restrictBufferParameters(module, body,
                                      cpp::getIntEntryName(name))))
    return failure();

  int64_t workspaceBytes = 0;
  FailureOr<std::vector<WorkspaceBuffer>> workspace =
      getWorkspace(module, model->intEntry, workspaceBytes);
  if (failed(workspace))
    return failure();
  ApiText api = buildApiText(*model, name, prefix, globals.constantBytes,
                             globals.mutableBytes, *workspace, workspaceBytes);
  llvm::StringMap<std::string> values;
  values["name"] = name.str();
  values["NAME"] = prefix;
  values["version"] = QRCNN_VERSION;
  values["model"] = llvm::sys::path::filename(context.modelPath).str();
  values["summary"] = api.summary;
  values["constants"] = api.constants;
  values["declarations"] = api.declarations;
  values["wrappers"] = api.wrappers;
  values["body"] = body;
  values["input_floats"] = std::to_string(api.inputFloats);
  values["output_floats"] = std::to_string(api.outputFloats);
  values["input_description"] = api.inputDescription;
  values["output_description"] = api.outputDescription;
  values["output_buffers"] = api.harnessBuffers;
  values["run_sample"] = api.harnessRun;
  values["api_example"] = api.apiExample;
  values["api_table"] = api.apiTable;
  values["constant_bytes"] = std::to_string(globals.constantBytes);
  values["buffer_bytes"] = std::to_string(globals.mutableBytes);
  values["stack_bytes"] = std::to_string(model->stagingBytes);
  values["workspace_bytes"] = std::to_string(workspaceBytes);

  auto reportError = [](llvm::Error err) {
    llvm::errs() << "qrcnnc: error: " << llvm::toString(std::move(err))
                 << "\n";
    return failure();
  };
  llvm::Expected<OutputFolder> folder = OutputFolder::create(context.outputPath);
  if (!folder)
    return reportError(folder.takeError());
  struct File {
    StringRef templateName;
    std::string path;
  };
  File files[] = {
      {"model.h.in", (name + ".h").str()},
      {"model.cpp.in", (name + ".cpp").str()},
      {"harness.cpp.in", (name + "_harness.cpp").str()},
      {"CMakeLists.txt.in", "CMakeLists.txt"},
      {"README.md.in", "README.md"},
  };
  for (const File &file : files) {
    llvm::Expected<std::string> text =
        renderTemplate(file.templateName, getTemplate(file.templateName), values);
    if (!text)
      return reportError(text.takeError());
    if (llvm::Error err = folder->write(file.path, *text))
      return reportError(std::move(err));
  }
  // Runtime headers the printed code includes ("qrcnn/...").
  for (auto include : module.getOps<emitc::IncludeOp>()) {
    StringRef header = include.getInclude();
    if (include.getIsStandardInclude() || !header.consume_front("qrcnn/"))
      continue;
    if (llvm::Error err = folder->copyRuntimeFile(header, include.getInclude()))
      return reportError(std::move(err));
  }

  if (context.report)
    *context.report << "qrcnnc: wrote " << context.outputPath << "/ ("
                    << llvm::join(folder->getWrittenFiles(), ", ")
                    << ")\nqrcnnc: " << name << ": const data (flash) "
                    << globals.constantBytes << " B, static buffers (RAM) "
                    << globals.mutableBytes << " B, stack of " << name
                    << "_run " << model->stagingBytes << " B\n";
  return success();
}

} // namespace

namespace qrcnn {
llvm::Error registerCppTarget(TargetRegistry &registry) {
  return registry.add(std::make_unique<CppTarget>());
}
} // namespace qrcnn
