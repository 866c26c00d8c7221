//===- qrcnn-opt.cpp - mlir-opt with the qrcnn dialects and passes --------===//
#include "qrcnn/Pipeline/Pipeline.h"
#include "qrcnn/Support/ParseLimits.h"
#include "qrcnn/Target/Target.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/raw_ostream.h"

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  mlir::DialectRegistry registry;
  mlir::registerAllDialects(registry);
  qrcnn::registerQRCNNDialects(registry);
  mlir::registerAllPasses();
  qrcnn::registerQRCNNPasses();
  // Each backend's own passes (e.g. qnn-cpu-*).
  qrcnn::TargetRegistry targets;
  qrcnn::registerBuiltinTargets(targets);
  for (const std::unique_ptr<qrcnn::Target> &target : targets.getTargets())
    target->registerPasses();

  auto [inputName, outputName] = mlir::registerAndParseCLIOptions(
      argc, argv, "qrcnn optimizer driver\n", registry);
  mlir::MlirOptMainConfig config =
      mlir::MlirOptMainConfig::createFromCLOptions();
  if (config.shouldShowDialects())
    return mlir::asMainReturnCode(
        mlir::MlirOptMain(argc, argv, inputName, outputName, registry));

  // As mlir-opt, except that the text is checked for nesting MLIR's
  // parser cannot survive (qrcnn/Support/ParseLimits.h) before it is parsed.
  std::string error;
  std::unique_ptr<llvm::MemoryBuffer> input =
      mlir::openInputFile(inputName, &error);
  if (!input) {
    llvm::errs() << error << "\n";
    return 1;
  }
  if (std::optional<size_t> offset =
          qrcnn::findExcessiveNesting(input->getBuffer())) {
    llvm::SourceMgr sources;
    llvm::SMLoc where =
        llvm::SMLoc::getFromPointer(input->getBufferStart() + *offset);
    sources.AddNewSourceBuffer(std::move(input), llvm::SMLoc());
    sources.PrintMessage(where, llvm::SourceMgr::DK_Error,
                         qrcnn::getExcessiveNestingMessage());
    return 1;
  }
  std::unique_ptr<llvm::ToolOutputFile> output =
      mlir::openOutputFile(outputName, &error);
  if (!output) {
    llvm::errs() << error << "\n";
    return 1;
  }
  if (mlir::failed(mlir::MlirOptMain(output->os(), std::move(input), registry,
                                     config)))
    return 1;
  output->keep();
  return 0;
}
