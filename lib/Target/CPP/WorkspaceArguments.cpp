//===- WorkspaceArguments.cpp - activation buffers as entry arguments -----===//
//
// The lowering and qnn-cpu-reorder-conv-loops keep activations in static
// globals (arenas, staging buffers, accumulator rows): simple, sized at
// link time, but one call at a time. Passing them to the entries as
// arguments lets the public API choose: the static globals (the default
// functions) or pieces of a caller-provided workspace (the `_ws` functions,
// reentrant). The network code itself is the same for both.
//
//===----------------------------------------------------------------------===//
#include "qrcnn/Target/CPP/CppTarget.h"
#include "qrcnn/Target/CPP/Passes.h"

#include "qrcnn/Conversion/QNNToLoops.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/SymbolTable.h"

namespace qrcnn::cpp {
#define GEN_PASS_DEF_CPUWORKSPACEARGUMENTS
#include "qrcnn/Target/CPP/Passes.h.inc"
} // namespace qrcnn::cpp

using namespace mlir;

LogicalResult qrcnn::cpp::moveBuffersToArguments(ModuleOp module) {
  func::FuncOp intEntry, floatEntry;
  for (auto func : module.getOps<func::FuncOp>()) {
    auto kind = func->getAttrOfType<StringAttr>(qnn::kEntryAttrName);
    if (kind && kind.getValue() == "int")
      intEntry = func;
    else if (kind && kind.getValue() == "float")
      floatEntry = func;
  }
  if (!intEntry || !floatEntry)
    return module.emitError("expected a float and an integer entry from "
                            "qnn-lower-to-loops");
  SymbolTable symbols(module);
  MLIRContext *ctx = module.getContext();

  // The mutable globals the network uses, in order of first use.
  SmallVector<memref::GlobalOp> buffers;
  llvm::DenseMap<memref::GlobalOp, unsigned> bufferIndex;
  WalkResult walk = module.walk([&](memref::GetGlobalOp get) {
    auto global = symbols.lookup<memref::GlobalOp>(get.getName());
    if (!global || global.getConstant())
      return WalkResult::advance();
    if (get->getParentOfType<func::FuncOp>() != intEntry) {
      get.emitOpError("uses mutable global ")
          << get.getName() << " outside the integer entry";
      return WalkResult::interrupt();
    }
    if (bufferIndex.try_emplace(global, buffers.size()).second)
      buffers.push_back(global);
    return WalkResult::advance();
  });
  if (walk.wasInterrupted())
    return failure();

  unsigned intArgs = intEntry.getNumArguments();
  SmallVector<Attribute> names;
  for (memref::GlobalOp global : buffers) {
    intEntry.insertArgument(intEntry.getNumArguments(), global.getType(),
                            nullptr, global.getLoc());
    names.push_back(FlatSymbolRefAttr::get(global.getSymNameAttr()));
  }
  intEntry.walk([&](memref::GetGlobalOp get) {
    auto global = symbols.lookup<memref::GlobalOp>(get.getName());
    auto it = bufferIndex.find(global);
    if (it == bufferIndex.end())
      return;
    get.replaceAllUsesWith(intEntry.getArgument(intArgs + it->second));
    get.erase();
  });

  // The float entry receives them too and passes them on.
  unsigned floatArgs = floatEntry.getNumArguments();
  for (memref::GlobalOp global : buffers)
    floatEntry.insertArgument(floatEntry.getNumArguments(), global.getType(),
                              nullptr, global.getLoc());
  SmallVector<func::CallOp> calls;
  floatEntry.walk([&](func::CallOp call) {
    if (call.getCallee() == intEntry.getSymName())
      calls.push_back(call);
  });
  for (func::CallOp call : calls) {
    SmallVector<Value> operands(call.getOperands());
    for (unsigned i = 0; i < buffers.size(); ++i)
      operands.push_back(floatEntry.getArgument(floatArgs + i));
    OpBuilder b(call);
    b.create<func::CallOp>(call.getLoc(), intEntry, operands);
    call.erase();
  }

  auto count = IntegerAttr::get(IntegerType::get(ctx, 64), buffers.size());
  for (func::FuncOp entry : {intEntry, floatEntry}) {
    entry->setAttr(kWorkspaceArgsAttrName, count);
    entry->setAttr(kWorkspaceAttrName, ArrayAttr::get(ctx, names));
  }
  return success();
}

namespace {
struct CpuWorkspaceArgumentsPass
    : public qrcnn::cpp::impl::CpuWorkspaceArgumentsBase<
          CpuWorkspaceArgumentsPass> {
  void runOnOperation() override {
    if (failed(qrcnn::cpp::moveBuffersToArguments(getOperation())))
      signalPassFailure();
  }
};
} // namespace
