//===- qrcnnc.cpp - the qrcnn compiler driver -----------------------------===//
//
//   qrcnnc MODEL --target TARGET -o OUT [--name NAME]
//   qrcnnc MODEL --run INPUTS.f32 -o OUTPUTS.f32
//
// MODEL is an ONNX file or qnn IR text (.mlir). Exit codes: 0 success,
// 1 user error (with a diagnostic on stderr).
//
//===----------------------------------------------------------------------===//
#include "qrcnn/Dialect/QNN/Requantization.h"
#include "qrcnn/Interpreter/RunSamples.h"
#include "qrcnn/Import/ONNXImporter.h"
#include "qrcnn/Pipeline/Pipeline.h"
#include "qrcnn/Support/ParseLimits.h"
#include "qrcnn/Target/Emission.h"
#include "qrcnn/Target/Target.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/Config/llvm-config.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/ConvertUTF.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/raw_ostream.h"

#include <CLI/CLI.hpp>

#include <string>

using namespace mlir;

namespace {

constexpr int kSuccess = 0;
constexpr int kUserError = 1;

struct DriverOptions {
  std::string model;
  std::string target = "mlir";
  std::string output;
  std::string runInputs;
  bool printIRAfterAll = false;
  std::vector<std::string> printIRAfter;
  bool timing = false;
  bool noFold = false;
  bool importOnly = false;
  bool stats = false;
  std::string name;
  std::vector<std::string> targetPlugins;
  std::string requant;
  std::string runMeta;
};

int fail(const llvm::Twine &message) {
  llvm::errs() << "qrcnnc: error: " << message << "\n";
  return kUserError;
}

bool isONNXModel(const DriverOptions &options) {
  return llvm::sys::path::extension(options.model) == ".onnx";
}

/// Names come from the file: keeps the terminal safe from bytes that are
/// not UTF-8 text.
std::string printable(const std::string &text) {
  const auto *begin = reinterpret_cast<const llvm::UTF8 *>(text.data());
  if (llvm::isLegalUTF8String(&begin, begin + text.size()) &&
      llvm::none_of(text, [](unsigned char c) { return c < 0x20 || c == 0x7f; }))
    return text;
  std::string escaped;
  for (unsigned char c : text) {
    if (c >= 0x20 && c < 0x7f)
      escaped += static_cast<char>(c);
    else
      escaped += llvm::formatv("\\x{0:x-2}", c).str();
  }
  return escaped;
}

/// The ONNX node(s) a location names: a NameLoc is one node (or, while
/// importing, the file), a FusedLoc several (a folded recurrent conv).
std::string describeNodes(Location loc) {
  if (auto name = dyn_cast<NameLoc>(loc))
    return "node '" + name.getName().getValue().str() + "'";
  if (auto fused = dyn_cast<FusedLoc>(loc)) {
    SmallVector<std::string> names;
    for (Location inner : fused.getLocations())
      if (auto name = dyn_cast<NameLoc>(inner))
        names.push_back("'" + name.getName().getValue().str() + "'");
    if (!names.empty())
      return (names.size() == 1 ? "node " : "nodes ") +
             llvm::join(names, ", ");
  }
  return "";
}

/// For ONNX input, diagnostics of the whole run (import, passes, golden
/// model) print as the driver's own errors, naming the ONNX node: the
/// importer's messages name it themselves ("node 'conv3' (Conv): ..."),
/// later ones are prefixed with the node(s) of the op's location. No IR
/// dump: the user's file is not IR.
std::unique_ptr<ScopedDiagnosticHandler>
installONNXDiagnostics(MLIRContext &context, const bool &imported) {
  return std::make_unique<ScopedDiagnosticHandler>(
      &context, [&imported](Diagnostic &diag) -> LogicalResult {
        // --stats remarks of the passes keep MLIR's own form.
        if (imported && diag.getSeverity() == DiagnosticSeverity::Remark)
          return failure();
        llvm::raw_ostream &os = llvm::errs();
        os << "qrcnnc: "
           << (diag.getSeverity() == DiagnosticSeverity::Error     ? "error"
               : diag.getSeverity() == DiagnosticSeverity::Warning ? "warning"
                                                                   : "note")
           << ": ";
        std::string message = diag.str();
        if (!llvm::StringRef(message).starts_with("node '")) {
          if (!imported) {
            // While importing, a NameLoc names the file or a tensor.
            if (auto name = dyn_cast<NameLoc>(diag.getLocation()))
              message = name.getName().getValue().str() + ": " + message;
          } else if (std::string nodes = describeNodes(diag.getLocation());
                     !nodes.empty()) {
            message = nodes + ": " + message;
          }
        }
        os << printable(message) << "\n";
        for (Diagnostic &note : diag.getNotes())
          os << "qrcnnc: note: " << printable(note.str()) << "\n";
        return success();
      });
}

/// Reads MODEL into a module: qnn IR text directly; ONNX through the
/// importer.
OwningOpRef<ModuleOp> loadModel(MLIRContext &context, llvm::SourceMgr &sources,
                                const DriverOptions &options) {
  if (isONNXModel(options))
    return qrcnn::importONNXFile(context, options.model);
  std::string error;
  std::unique_ptr<llvm::MemoryBuffer> buffer =
      openInputFile(options.model, &error);
  if (!buffer) {
    fail(error);
    return nullptr;
  }
  sources.AddNewSourceBuffer(std::move(buffer), llvm::SMLoc());
  return qrcnn::parseSourceFileWithLimits(sources, ParserConfig(&context));
}

void configureIRPrinting(PassManager &pm, const DriverOptions &options) {
  if (!options.printIRAfterAll && options.printIRAfter.empty())
    return;
  std::vector<std::string> wanted = options.printIRAfter;
  bool all = options.printIRAfterAll;
  // The pass manager needs a single-threaded context to print the module.
  pm.getContext()->disableMultithreading();
  pm.enableIRPrinting(
      /*shouldPrintBeforePass=*/[](Pass *, Operation *) { return false; },
      /*shouldPrintAfterPass=*/
      [wanted, all](Pass *pass, Operation *) {
        return all || llvm::is_contained(wanted, pass->getArgument().str());
      },
      /*printModuleScope=*/true, /*printAfterOnlyOnChange=*/false,
      /*printAfterOnlyOnFailure=*/false, llvm::errs());
}

int runCompiler(const DriverOptions &options, qrcnn::Target &target) {
  DialectRegistry registry;
  qrcnn::registerQRCNNDialects(registry);
  MLIRContext context(registry);
  context.loadAllAvailableDialects();

  // A diagnostic's location points into the user's file (or names the ONNX
  // node); dumping the op's IR on top would only bury the message.
  context.printOpOnDiagnostic(false);

  llvm::SourceMgr sources;
  SourceMgrDiagnosticHandler diagnostics(sources, &context);
  bool imported = false;
  std::unique_ptr<ScopedDiagnosticHandler> onnxDiagnostics;
  if (isONNXModel(options))
    onnxDiagnostics = installONNXDiagnostics(context, imported);

  OwningOpRef<ModuleOp> module = loadModel(context, sources, options);
  if (!module)
    return kUserError;
  imported = true;
  if (options.importOnly) {
    std::string error;
    std::unique_ptr<llvm::ToolOutputFile> out =
        openOutputFile(options.output, &error);
    if (!out)
      return fail(error);
    module->print(out->os());
    out->keep();
    return kSuccess;
  }
  if (!options.requant.empty())
    qrcnn::qnn::setRequantMode(
        *module, *qrcnn::qnn::parseRequantMode(options.requant));

  PassManager pm(&context);
  configureIRPrinting(pm, options);
  if (options.timing)
    pm.enableTiming();
  qrcnn::PipelineOptions pipelineOptions;
  pipelineOptions.noFold = options.noFold;
  pipelineOptions.report = options.stats;
  qrcnn::populateQNNPipeline(pm, pipelineOptions);
  qrcnn::EmitContext emitContext;
  emitContext.outputPath = options.output;
  emitContext.name = options.name;
  emitContext.modelPath = options.model;
  emitContext.report = &llvm::outs();
  if (target.getOutputKind() == qrcnn::OutputKind::File &&
      options.output == "-")
    emitContext.report = nullptr;
  if (options.runInputs.empty())
    target.buildPipeline(pm, emitContext);
  if (failed(pm.run(*module)))
    return kUserError;

  if (!options.runInputs.empty()) {
    qrcnn::RunSamplesOptions run{options.runInputs, options.output,
                                 options.timing, options.runMeta};
    std::string error;
    if (failed(qrcnn::runSamples(*module, run, llvm::errs(), error)))
      return error.empty() ? kUserError : fail(error);
    return kSuccess;
  }
  return failed(target.emit(*module, emitContext)) ? kUserError : kSuccess;
}

/// Plugins must register their targets before the command line is parsed
/// (their options are part of it), so `--load-target` is read first.
std::vector<std::string> findTargetPlugins(int argc, char **argv) {
  std::vector<std::string> plugins;
  llvm::StringRef flag = "--load-target";
  for (int i = 1; i < argc; ++i) {
    llvm::StringRef arg = argv[i];
    if (arg == flag && i + 1 < argc)
      plugins.push_back(argv[++i]);
    else if (arg.consume_front(flag) && arg.consume_front("="))
      plugins.push_back(arg.str());
  }
  return plugins;
}

} // namespace

int main(int argc, char **argv) {
  DriverOptions options;
  qrcnn::TargetRegistry targets;
  qrcnn::registerBuiltinTargets(targets);
  for (const std::string &plugin : findTargetPlugins(argc, argv))
    if (llvm::Error err = qrcnn::loadTargetPlugin(plugin, targets))
      return fail(llvm::toString(std::move(err)));

  CLI::App app{"qrcnnc: compile quantized (recurrent) convolutional networks "
               "from ONNX to C++ or HLS C++",
               "qrcnnc"};
  app.set_version_flag("--version",
                       std::string("qrcnnc ") + QRCNN_VERSION + " (MLIR " +
                           LLVM_VERSION_STRING + ")\n");
  app.add_option("model", options.model,
                 "Input model: ONNX (.onnx) or qnn IR (.mlir)")
      ->required();
  app.add_option("--target", options.target, targets.getHelpText())
      ->check(CLI::IsMember(targets.getNames()))
      ->default_str("mlir");
  app.add_option("-o,--output", options.output,
                 "Output file or folder (per target); '-' is stdout")
      ->default_str("-");
  app.add_option("--name", options.name,
                 "C identifier naming the generated model (files, functions, "
                 "constants); default: from the model's file name");
  app.add_option("--load-target", options.targetPlugins,
                 "Load a target plugin (shared library, see "
                 "docs/adding-a-backend.md); repeatable")
      ->allow_extra_args(false);
  app.add_option("--run", options.runInputs,
                 "Run the model (golden model) on raw little-endian float32 "
                 "inputs, samples concatenated; write float32 outputs to -o");
  app.add_flag("--print-ir-after-all", options.printIRAfterAll,
               "Print the IR to stderr after every pass");
  app.add_option("--print-ir-after", options.printIRAfter,
                 "Print the IR to stderr after the named pass (repeatable), "
                 "e.g. --print-ir-after=qnn-unroll-recurrent-conv")
      ->allow_extra_args(false);
  app.add_flag("--timing", options.timing,
               "Print the time each pass took to stderr");
  app.add_option("--run-meta", options.runMeta,
                 "With --run: write JSON with the output shapes and the "
                 "quantization step of every output value");
  app.add_option("--requant", options.requant,
                 "Requantization multipliers: exact (31-bit mantissa, the "
                 "default), fixed16 (16-bit), pow2 (shift only); with --run "
                 "a cheaper mode also reports how its outputs differ from "
                 "exact")
      ->check(CLI::IsMember({"exact", "fixed16", "pow2"}));
  app.add_flag("--import-only", options.importOnly,
               "Stop after reading the model: print the qnn IR as imported "
               "(quantization explicit, nothing fused) to -o");
  app.add_flag("--no-fold", options.noFold,
               "Keep (or expand back) every repeated conv as separate layers");
  app.add_flag("--stats", options.stats,
               "Report to stderr (as remarks): layer parameters before and "
               "after folding, each layer's accumulator range and width");

  // Each target's own options, in a group titled after it.
  std::vector<std::pair<qrcnn::Target *, CLI::Option_group *>> targetGroups;
  for (const std::unique_ptr<qrcnn::Target> &target : targets.getTargets()) {
    CLI::Option_group *group = app.add_option_group(
        "--target " + target->getName().str(),
        "Options of --target " + target->getName().str());
    target->addOptions(*group);
    if (group->get_options().empty())
      app.remove_subcommand(group);
    else
      targetGroups.emplace_back(target.get(), group);
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::Success &e) {
    return app.exit(e);
  } catch (const CLI::ParseError &e) {
    app.exit(e);
    return kUserError;
  }
  if (options.output.empty())
    options.output = "-";
  qrcnn::Target *target = targets.lookup(options.target);
  if (!target)
    return fail(llvm::Twine("target '") + options.target +
                "' is not built yet (" + targets.lookupPlanned(options.target) +
                ")");
  for (auto &[owner, group] : targetGroups)
    for (const CLI::Option *option : group->get_options())
      if (option->count() && owner != target)
        return fail(llvm::Twine(option->get_name()) +
                    " is an option of --target " + owner->getName() +
                    ", not of --target " + options.target);
  if (options.output == "-" &&
      target->getOutputKind() == qrcnn::OutputKind::Folder &&
      options.runInputs.empty())
    return fail("--target " + options.target + " writes a folder: give -o DIR");
  if (options.name.empty())
    options.name = qrcnn::target::makeCIdentifier(
        llvm::sys::path::stem(options.model));
  else if (!qrcnn::target::isValidCIdentifier(options.name))
    return fail("--name '" + options.name +
                "' is not a C identifier (letters, digits and '_', starting "
                "with a letter, not a keyword)");
  if (!options.runInputs.empty() && options.output == "-")
    return fail("--run writes raw float32 outputs: give -o FILE");
  return runCompiler(options, *target);
}
