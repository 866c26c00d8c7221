//===- ModelInterface.cpp - the entries a lowered network offers ----------===//
#include "qrcnn/Target/ModelInterface.h"

#include "qrcnn/Conversion/QNNToLoops.h"

#include "mlir/Dialect/EmitC/IR/EmitC.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/BuiltinTypes.h"

using namespace mlir;

namespace qrcnn::target {

std::string getCIntegerType(unsigned width, bool isSigned) {
  return (isSigned ? "int" : "uint") + std::to_string(width) + "_t";
}

/// Shape and element type of a memref or an !emitc.array.
static FailureOr<std::pair<std::vector<int64_t>, Type>>
getBufferShape(Type type) {
  if (auto memref = dyn_cast<MemRefType>(type)) {
    if (!memref.hasStaticShape())
      return failure();
    return std::make_pair(std::vector<int64_t>(memref.getShape().begin(),
                                               memref.getShape().end()),
                          memref.getElementType());
  }
  if (auto array = dyn_cast<emitc::ArrayType>(type))
    return std::make_pair(std::vector<int64_t>(array.getShape().begin(),
                                               array.getShape().end()),
                          array.getElementType());
  return failure();
}

static FailureOr<Entry> getEntry(FunctionOpInterface func) {
  Entry entry;
  entry.op = func;
  auto numInputs =
      func->getAttrOfType<IntegerAttr>(qnn::kNumInputsAttrName);
  if (!numInputs)
    return func->emitOpError("has no '")
           << qnn::kNumInputsAttrName << "' attribute (not from "
           << "qnn-lower-to-loops?)";
  ArrayRef<Type> argTypes = func.getArgumentTypes();
  // Trailing buffer arguments a backend added (the CPU target's
  // qnn-cpu-workspace-arguments) are neither inputs nor outputs.
  if (auto buffers = func->getAttrOfType<IntegerAttr>("qnn.workspace_args"))
    argTypes = argTypes.drop_back(
        std::min<size_t>(buffers.getInt(), argTypes.size()));
  for (auto [index, type] : llvm::enumerate(argTypes)) {
    FailureOr<std::pair<std::vector<int64_t>, Type>> buffer =
        getBufferShape(type);
    if (failed(buffer))
      return func->emitOpError("argument ")
             << index << " is not a statically shaped buffer: " << type;
    EntryArgument arg;
    arg.shape = buffer->first;
    for (int64_t d : arg.shape)
      arg.numElements *= d;
    Type element = buffer->second;
    if (auto attr = func.getArgAttrOfType<TypeAttr>(
            index, qnn::kArgQuantTypeAttrName))
      arg.quant = dyn_cast<quant::QuantizedType>(attr.getValue());
    if (element.isF32()) {
      arg.cType = "float";
      arg.elementBytes = 4;
    } else if (auto integer = dyn_cast<IntegerType>(element)) {
      bool isSigned = arg.quant ? arg.quant.isSigned() : true;
      arg.cType = getCIntegerType(integer.getWidth(), isSigned);
      arg.elementBytes = integer.getWidth() / 8;
    } else {
      return func->emitOpError("argument ")
             << index << " has an element type no backend stores: "
             << element;
    }
    if (static_cast<int64_t>(index) < numInputs.getInt())
      entry.inputs.push_back(std::move(arg));
    else
      entry.outputs.push_back(std::move(arg));
  }
  return entry;
}

FailureOr<ModelInterface> getModelInterface(ModuleOp module) {
  SmallVector<FunctionOpInterface> floatEntries, intEntries;
  module.walk([&](FunctionOpInterface func) {
    auto kind = func->getAttrOfType<StringAttr>(qnn::kEntryAttrName);
    if (kind && kind.getValue() == "float")
      floatEntries.push_back(func);
    else if (kind && kind.getValue() == "int")
      intEntries.push_back(func);
  });
  if (floatEntries.size() != 1 || intEntries.size() != 1)
    return module.emitError("expected one network (one float and one "
                            "integer entry from qnn-lower-to-loops), found ")
           << floatEntries.size() << " float and " << intEntries.size()
           << " integer entries";
  ModelInterface model;
  FailureOr<Entry> floatEntry = getEntry(floatEntries.front());
  FailureOr<Entry> intEntry = getEntry(intEntries.front());
  if (failed(floatEntry) || failed(intEntry))
    return failure();
  model.floatEntry = std::move(*floatEntry);
  model.intEntry = std::move(*intEntry);
  // A float-entry argument that is not float passes stored integers through
  // (a model whose output is quantized): its signedness is that of the
  // integer entry's matching argument.
  auto adopt = [](std::vector<EntryArgument> &floats,
                  const std::vector<EntryArgument> &ints) {
    for (auto [f, i] : llvm::zip(floats, ints))
      if (f.cType != "float" && !f.quant && i.quant &&
          f.elementBytes == i.elementBytes) {
        f.quant = i.quant;
        f.cType = i.cType;
      }
  };
  adopt(model.floatEntry.inputs, model.intEntry.inputs);
  adopt(model.floatEntry.outputs, model.intEntry.outputs);
  if (auto bytes = model.intEntry.op->getAttrOfType<IntegerAttr>(
          qnn::kArenaBytesAttrName))
    model.arenaBytes = bytes.getInt();
  if (auto bytes = model.floatEntry.op->getAttrOfType<IntegerAttr>(
          qnn::kStagingBytesAttrName))
    model.stagingBytes = bytes.getInt();
  return model;
}

/// Bytes of `count` elements of `element` (sub-byte types round up per
/// element: the lowering stores them in whole bytes unless a backend packs).
static int64_t getBytes(Type type) {
  FailureOr<std::pair<std::vector<int64_t>, Type>> buffer =
      getBufferShape(type);
  if (failed(buffer))
    return 0;
  int64_t count = 1;
  for (int64_t d : buffer->first)
    count *= d;
  unsigned bits = buffer->second.getIntOrFloatBitWidth();
  return count * ((bits + 7) / 8);
}

GlobalBytes getGlobalBytes(ModuleOp module) {
  GlobalBytes bytes;
  for (Operation &op : module.getBody()->getOperations()) {
    if (auto global = dyn_cast<memref::GlobalOp>(op))
      (global.getConstant() ? bytes.constantBytes : bytes.mutableBytes) +=
          getBytes(global.getType());
    else if (auto global = dyn_cast<emitc::GlobalOp>(op))
      (global.getConstSpecifier() ? bytes.constantBytes
                                  : bytes.mutableBytes) +=
          getBytes(global.getType());
  }
  return bytes;
}

} // namespace qrcnn::target
