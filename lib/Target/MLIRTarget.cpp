//===- MLIRTarget.cpp - `--target mlir`: the optimized qnn IR -------------===//
#include "qrcnn/Target/Target.h"

#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/ToolOutputFile.h"

using namespace mlir;

namespace qrcnn {
namespace {

class MLIRTarget final : public Target {
public:
  llvm::StringRef getName() const override { return "mlir"; }
  llvm::StringRef getDescription() const override {
    return "the optimized qnn IR as text (the default)";
  }
  OutputKind getOutputKind() const override { return OutputKind::File; }

  LogicalResult emit(ModuleOp module, const EmitContext &context) override {
    std::string error;
    std::unique_ptr<llvm::ToolOutputFile> out =
        openOutputFile(context.outputPath, &error);
    if (!out) {
      llvm::errs() << "qrcnnc: error: " << error << "\n";
      return failure();
    }
    module->print(out->os());
    out->keep();
    return success();
  }
};

} // namespace

std::unique_ptr<Target> createMLIRTarget() {
  return std::make_unique<MLIRTarget>();
}

} // namespace qrcnn
