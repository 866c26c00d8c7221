//===- qrcnn-opt.cpp - mlir-opt with the qrcnn dialects and passes --------===//
#include "qrcnn/Pipeline/Pipeline.h"
#include "qrcnn/Target/Target.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
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
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "qrcnn optimizer driver\n", registry));
}
