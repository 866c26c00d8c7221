//===- PrepareEmitC.cpp - make the EmitC module printable as NAME.cpp -----===//
#include "qrcnn/Target/CPP/CppTarget.h"
#include "qrcnn/Target/CPP/Passes.h"

#include "qrcnn/Conversion/QNNToLoops.h"

#include "mlir/Dialect/EmitC/IR/EmitC.h"
#include "mlir/IR/SymbolTable.h"

namespace qrcnn::cpp {
#define GEN_PASS_DEF_CPUPREPAREEMITC
#include "qrcnn/Target/CPP/Passes.h.inc"
} // namespace qrcnn::cpp

using namespace mlir;

std::string qrcnn::cpp::getFloatEntryName(StringRef name) {
  return (name + "_float_entry").str();
}

std::string qrcnn::cpp::getIntEntryName(StringRef name) {
  return (name + "_int_entry").str();
}

LogicalResult qrcnn::cpp::prepareEmitCForCpp(ModuleOp module, StringRef name) {
  MLIRContext *ctx = module.getContext();
  SymbolTable symbols(module);
  for (auto func : llvm::to_vector(module.getOps<emitc::FuncOp>())) {
    if (auto kind = func->getAttrOfType<StringAttr>(qnn::kEntryAttrName)) {
      std::string newName = kind.getValue() == "float"
                                ? getFloatEntryName(name)
                                : getIntEntryName(name);
      if (func.getSymName() != newName &&
          failed(symbols.rename(func, StringAttr::get(ctx, newName))))
        return func.emitOpError("cannot be renamed to ") << newName;
    }
    if (!func.isDeclaration())
      func.setSpecifiersAttr(ArrayAttr::get(ctx, {StringAttr::get(ctx, "static")}));
  }
  for (auto global : module.getOps<emitc::GlobalOp>())
    global.setStaticSpecifier(true);

  bool hasIncludes = !module.getOps<emitc::IncludeOp>().empty();
  if (!hasIncludes) {
    OpBuilder b = OpBuilder::atBlockBegin(module.getBody());
    for (StringRef header : {"stddef.h", "stdint.h"})
      b.create<emitc::IncludeOp>(module.getLoc(), header,
                                 /*is_standard_include=*/true);
  }
  return success();
}

namespace {
struct CpuPrepareEmitCPass
    : public qrcnn::cpp::impl::CpuPrepareEmitCBase<CpuPrepareEmitCPass> {
  using Base::Base;
  void runOnOperation() override {
    if (failed(qrcnn::cpp::prepareEmitCForCpp(getOperation(), name)))
      signalPassFailure();
  }
};
} // namespace
