//===- HLSTarget.cpp - `--target hls`: Vitis HLS C++ for Artix-7 ----------===//
//
// The target adds no passes: it reads the qnn IR the pipeline leaves (the
// hardware structure is decided by planHLS, HLSPlan.h), prints the HLS
// project (HLSEmitter.h) and checks the printed top for synthesizability
// (SynthCheck.h) before anything is written.
//
//===----------------------------------------------------------------------===//
#include "qrcnn/Target/HLS/Estimates.h"
#include "qrcnn/Target/HLS/HLSEmitter.h"
#include "qrcnn/Target/HLS/HLSPlan.h"
#include "qrcnn/Target/HLS/SynthCheck.h"

#include "qrcnn/Target/Emission.h"
#include "qrcnn/Target/Target.h"

#include "llvm/ADT/StringExtras.h"

#include <CLI/CLI.hpp>

using namespace mlir;
using namespace qrcnn;
using namespace qrcnn::hls;

namespace {

class HlsTarget final : public Target {
public:
  StringRef getName() const override { return "hls"; }
  StringRef getDescription() const override {
    return "Vitis HLS C++ for Xilinx FPGAs (folder: NAME.h, NAME.cpp, "
           "NAME_tb.cpp, run_hls.tcl, Makefile, README.md)";
  }
  OutputKind getOutputKind() const override { return OutputKind::Folder; }

  void addOptions(CLI::App &group) override {
    group.add_option("--part", options.part,
                     "FPGA part for run_hls.tcl (default xc7a100tcsg324-1)");
    group.add_option("--clock-ns", options.clockNs,
                     "Target clock period in ns (default 10)")
        ->check(CLI::PositiveNumber);
    group.add_option("--hls-interface", interface,
                     "Top-level data ports: axis (AXI4-Stream, default) or "
                     "memory (ap_memory arrays); control is s_axilite")
        ->check(CLI::IsMember({"axis", "memory"}));
    group.add_option("--reuse-factor", reuseFactors,
                     "Multiplier reuse: N for every layer, LAYER=N for one "
                     "(repeatable); II of a layer's pipeline = its reuse "
                     "factor (default 1)")
        ->allow_extra_args(false);
    group.add_option("--budget-dsp", budgetDsp,
                     "Fit reuse factors to this many DSP48E1 (budget mode; "
                     "default budget: the xc7a100t's 240)")
        ->check(CLI::NonNegativeNumber);
    group.add_option("--budget-bram", budgetBram,
                     "Fit reuse factors to this many BRAM36 (budget mode; "
                     "default budget: the xc7a100t's 135)")
        ->check(CLI::NonNegativeNumber);
    group.add_flag("--hls-print-plan", printPlan,
                   "Print the hardware plan (layers, widths, reuse factors, "
                   "loops, buffers, streams) to stdout");
    group.add_option("--report", reportPath,
                     "Write the estimates (latency, DSP/BRAM/LUT/FF, dynamic "
                     "power; folded and unfolded) as JSON to this file");
    group.add_flag("--report-table", reportTable,
                   "Print the estimates as a table (folded vs unfolded)");
  }

  LogicalResult emit(ModuleOp module, const EmitContext &context) override;

private:
  /// Parses --reuse-factor and the budgets into `options`.
  LogicalResult parseKnobs();

  HLSOptions options;
  std::string interface = "axis";
  std::vector<std::string> reuseFactors;
  std::optional<int64_t> budgetDsp, budgetBram;
  bool printPlan = false;
  std::string reportPath;
  bool reportTable = false;
};

LogicalResult HlsTarget::parseKnobs() {
  auto fail = [](const Twine &message) {
    llvm::errs() << "qrcnnc: error: " << message << "\n";
    return failure();
  };
  options.interface =
      interface == "memory" ? Interface::Memory : Interface::Axis;
  for (const std::string &value : reuseFactors) {
    StringRef text = value;
    StringRef layer, number = text;
    if (text.contains('=')) {
      std::tie(layer, number) = text.split('=');
      if (layer.empty())
        return fail("--reuse-factor " + text + ": no layer name before '='");
    }
    int64_t factor = 0;
    if (number.getAsInteger(10, factor) || factor < 1)
      return fail("--reuse-factor " + text +
                  ": the factor must be a whole number >= 1");
    if (layer.empty())
      options.reuseFactor = factor;
    else
      options.layerReuseFactors[layer.str()] = factor;
  }
  options.fitBudget = budgetDsp.has_value() || budgetBram.has_value();
  if (budgetDsp)
    options.budgetDsp = *budgetDsp;
  if (budgetBram)
    options.budgetBram = *budgetBram;
  return success();
}

LogicalResult HlsTarget::emit(ModuleOp module, const EmitContext &context) {
  if (failed(parseKnobs()))
    return failure();
  FailureOr<HLSPlan> plan = planHLS(module, options);
  if (failed(plan))
    return failure();
  plan->top = context.name;
  if (printPlan)
    printHLSPlan(*plan, llvm::outs());

  HLSEmitOptions emitOptions;
  emitOptions.version = QRCNN_VERSION;
  emitOptions.modelFile = context.modelPath;
  FailureOr<HLSProject> project = emitHLSProject(*plan, emitOptions);
  if (failed(project))
    return failure();

  // Synthesizability of everything the top reaches: the printed stages and
  // the runtime's requantization, before anything is written.
  std::vector<SourceFile> sources;
  for (const auto &[path, text] : project->files)
    if (path == context.name + ".cpp")
      sources.push_back({path, text});
  if (std::optional<StringRef> requant =
          target::getRuntimeFile("requantize.h"))
    sources.push_back({"qrcnn/requantize.h", requant->str()});
  std::vector<SynthViolation> violations =
      checkSynthesizable(sources, context.name);
  if (!violations.empty()) {
    for (const SynthViolation &v : violations)
      llvm::errs() << "qrcnnc: error: not synthesizable: " << v.str() << "\n";
    return failure();
  }

  auto reportError = [](llvm::Error err) {
    llvm::errs() << "qrcnnc: error: " << llvm::toString(std::move(err))
                 << "\n";
    return failure();
  };
  llvm::Expected<target::OutputFolder> folder =
      target::OutputFolder::create(context.outputPath);
  if (!folder)
    return reportError(folder.takeError());
  for (const auto &[path, text] : project->files)
    if (llvm::Error err = folder->write(path, text))
      return reportError(std::move(err));
  for (const std::string &header : project->runtimeHeaders)
    if (llvm::Error err =
            folder->copyRuntimeFile(header, "qrcnn/" + header))
      return reportError(std::move(err));
  if ((!reportPath.empty() || reportTable) &&
      failed(writeEstimatesReport(
          module, *plan, context.modelPath, reportPath,
          !reportTable ? nullptr
                       : context.report ? context.report : &llvm::outs())))
    return failure();
  if (context.report) {
    int64_t dsp = 0, bram = 0;
    for (const HLSLayer &layer : plan->layers) {
      dsp += estimateDsp(layer);
      for (const HLSBuffer &buffer : layer.buffers)
        bram += estimateBram36(buffer);
    }
    *context.report << "qrcnnc: wrote " << context.outputPath << "/ ("
                    << llvm::join(folder->getWrittenFiles(), ", ") << ")\n"
                    << "qrcnnc: " << context.name << ": "
                    << plan->parameterCount << " parameters, estimated "
                    << dsp << " DSP48E1 and " << bram << " BRAM36 for "
                    << plan->options.part << "\n";
  }
  return success();
}

} // namespace

namespace qrcnn {
llvm::Error registerHlsTarget(TargetRegistry &registry) {
  return registry.add(std::make_unique<HlsTarget>());
}
} // namespace qrcnn
