//===- FuzzCommon.cpp - what every qrcnn fuzz target runs ----------------===//
#include "FuzzCommon.h"

#include "qrcnn/Import/ONNXImporter.h"
#include "qrcnn/Interpreter/Interpreter.h"
#include "qrcnn/Pipeline/Pipeline.h"
#include "qrcnn/Support/ParseLimits.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"

#include <vector>

using namespace mlir;

namespace qrcnn::fuzz {

namespace {

/// Samples larger than this are not run: the fuzzer looks for wrong
/// behaviour, not for slow but correct loops over big tensors (the
/// importer's own budgets bound what can be built at all).
constexpr int64_t kMaxRunElements = int64_t(1) << 16;

/// A single-threaded context (no thread pool per input). Creating one and
/// loading the dialects costs more than most inputs take to reject, so a
/// context serves up to kInputsPerContext inputs: uniqued types, attributes
/// and names pile up in it, but only for a while. A reproducer that needs
/// the earlier inputs' state (never seen so far) would not replay alone;
/// -runs with the inputs that preceded it does.
constexpr int kInputsPerContext = 256;

struct Session {
  DialectRegistry registry;
  std::unique_ptr<MLIRContext> context;
  /// Built once per context: the canonicalizer's patterns are collected
  /// when a pass manager first runs, not for every input.
  std::unique_ptr<PassManager> pipeline;
  std::unique_ptr<ScopedDiagnosticHandler> quiet;

  Session() {
    registerQRCNNDialects(registry);
    context = std::make_unique<MLIRContext>(registry,
                                            MLIRContext::Threading::DISABLED);
    context->loadAllAvailableDialects();
    // As qrcnnc: no op dump in diagnostics. (MLIR 19's printer crashes on
    // some attributes its parser accepts, e.g. `array<i01: 1>`; that is
    // upstream's, see docs/reliability.md.)
    context->printOpOnDiagnostic(false);
    pipeline = std::make_unique<PassManager>(context.get());
    populateQNNPipeline(*pipeline, PipelineOptions{});
    // Diagnostics are the expected result of most inputs; printing them
    // would only slow the fuzzer down. Their text is still built (and so
    // fuzzed): the handler receives the finished diagnostic.
    quiet = std::make_unique<ScopedDiagnosticHandler>(
        context.get(), [](Diagnostic &diag) {
          (void)diag.str();
          return success();
        });
  }
};

void compileAndRun(Session &session, ModuleOp module) {
  if (failed(verify(module)) || failed(session.pipeline->run(module)))
    return;
  std::unique_ptr<Interpreter> interpreter = Interpreter::create(module);
  if (!interpreter)
    return;
  int64_t inSize = interpreter->getInputSize();
  int64_t outSize = interpreter->getOutputSize();
  if (inSize > kMaxRunElements || outSize > kMaxRunElements)
    return;
  // One sample spanning the input range: negative, zero, positive, large.
  std::vector<float> input(inSize), output(outSize);
  for (int64_t i = 0; i < inSize; ++i)
    input[i] = static_cast<float>((i * 37) % 101 - 50) * 0.25f;
  (void)interpreter->run(input, output);
}

Session &getSession() {
  static std::unique_ptr<Session> session;
  static int uses = 0;
  if (!session || ++uses == kInputsPerContext) {
    session.reset(); // the handler goes before its context
    session = std::make_unique<Session>();
    uses = 0;
  }
  return *session;
}

} // namespace

void compileONNXBytes(llvm::StringRef bytes) {
  Session &session = getSession();
  OwningOpRef<ModuleOp> module =
      importONNXModel(*session.context, bytes, "fuzz.onnx");
  if (module)
    compileAndRun(session, *module);
}

void compileMLIRText(llvm::StringRef text) {
  Session &session = getSession();
  // As qrcnnc and qrcnn-opt read files: a NUL-terminated MemoryBuffer.
  // MLIR's lexer relies on the terminator (parseSourceString on a bare
  // fuzzer buffer reads one byte past its end, inside MLIR).
  llvm::SourceMgr sources;
  sources.AddNewSourceBuffer(
      llvm::MemoryBuffer::getMemBufferCopy(text, "fuzz.mlir"), llvm::SMLoc());
  ParserConfig config(session.context.get());
  OwningOpRef<ModuleOp> module = parseSourceFileWithLimits(sources, config);
  if (module)
    compileAndRun(session, *module);
}

} // namespace qrcnn::fuzz
