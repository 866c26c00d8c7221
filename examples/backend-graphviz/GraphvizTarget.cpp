//===- GraphvizTarget.cpp - `--target graphviz`, an example backend -------===//
//
// A complete qrcnn backend in one file, built only from the installed public
// headers as a plugin (see docs/adding-a-backend.md):
//
//   qrcnnc --load-target=libqrcnn-graphviz.so MODEL.onnx --target graphviz -o net.dot
//   dot -Tsvg net.dot -o net.svg
//
// It draws the network as the qnn pipeline left it (folded recurrent convs,
// fused requantization): one node per layer with its parameters, the bit
// widths of weights and accumulators, and per edge the activation's shape,
// storage width and buffer size; a recurrent conv shows its two ping-pong
// buffers, sized for the largest step.
//
//===----------------------------------------------------------------------===//
#include "qrcnn/Dialect/QNN/QNNOps.h"
#include "qrcnn/Target/TargetPlugin.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Quant/QuantTypes.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/ToolOutputFile.h"

#include <CLI/CLI.hpp>

using namespace mlir;

namespace {

/// Bits of one stored element: the quantized storage width, else the type's.
unsigned getStorageBits(Type element) {
  if (auto q = dyn_cast<quant::QuantizedType>(element))
    return q.getStorageTypeIntegralWidth();
  return element.getIntOrFloatBitWidth();
}

/// `u4`, `i8`, `i32`, `f32`.
std::string getStorageName(Type element) {
  if (auto q = dyn_cast<quant::QuantizedType>(element))
    return (q.isSigned() ? "i" : "u") +
           std::to_string(q.getStorageTypeIntegralWidth());
  if (element.isF32())
    return "f32";
  return (element.isSignedInteger() || element.isSignlessInteger() ? "i"
                                                                    : "u") +
         std::to_string(element.getIntOrFloatBitWidth());
}

/// Bytes of a buffer of `count` elements of `bits` each in whole-byte
/// containers (what a CPU stores activations in).
int64_t getBufferBytes(int64_t count, unsigned bits) {
  unsigned container = bits <= 8 ? 1 : bits <= 16 ? 2 : bits <= 32 ? 4 : 8;
  return count * container;
}

std::string describeTensor(Value v) {
  auto type = cast<RankedTensorType>(v.getType());
  std::string shape = llvm::join(
      llvm::map_range(type.getShape(),
                      [](int64_t d) { return std::to_string(d); }),
      "x");
  return shape + " " + getStorageName(type.getElementType()) + " (" +
         std::to_string(getBufferBytes(type.getNumElements(),
                                       getStorageBits(type.getElementType()))) +
         " B)";
}

std::string joinArray(ArrayRef<int64_t> values) {
  return llvm::join(
      llvm::map_range(values, [](int64_t v) { return std::to_string(v); }),
      ",");
}

/// Escapes a label for a double-quoted dot string; newlines become line
/// breaks.
std::string escape(StringRef text) {
  std::string out;
  for (char c : text) {
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    if (c == '"' || c == '\\')
      out += '\\';
    out += c;
  }
  return out;
}

class GraphvizTarget final : public qrcnn::Target {
public:
  StringRef getName() const override { return "graphviz"; }
  StringRef getDescription() const override {
    return "a Graphviz view of the folded network with bit widths and "
           "buffer sizes (one .dot file; example plugin)";
  }
  qrcnn::OutputKind getOutputKind() const override {
    return qrcnn::OutputKind::File;
  }

  void addOptions(CLI::App &group) override {
    group.add_option("--graphviz-rankdir", rankdir,
                     "Layout direction: TB (top to bottom) or LR")
        ->check(CLI::IsMember({"TB", "LR"}));
    group.add_flag("--graphviz-constants", showConstants,
                   "Also draw weights and biases as nodes");
  }

  LogicalResult emit(ModuleOp module,
                     const qrcnn::EmitContext &context) override {
    std::string error;
    std::unique_ptr<llvm::ToolOutputFile> out =
        openOutputFile(context.outputPath, &error);
    if (!out) {
      llvm::errs() << "qrcnnc: error: " << error << "\n";
      return failure();
    }
    llvm::raw_ostream &os = out->os();
    os << "digraph \"" << escape(context.name) << "\" {\n"
       << "  rankdir=" << rankdir << ";\n"
       << "  node [shape=box, fontname=\"Helvetica\", fontsize=10];\n"
       << "  edge [fontname=\"Helvetica\", fontsize=9];\n";
    int64_t weightBits = 0;
    for (auto func : module.getOps<func::FuncOp>())
      if (failed(emitFunction(func, os, weightBits)))
        return failure();
    os << "  label=\"" << escape(context.name) << ": "
       << (weightBits + 7) / 8 << " B of weights at their bit widths\";\n"
       << "}\n";
    out->keep();
    if (context.report)
      *context.report << "qrcnnc: wrote " << context.outputPath << "\n";
    return success();
  }

private:
  LogicalResult emitFunction(func::FuncOp func, llvm::raw_ostream &os,
                             int64_t &weightBits) {
    llvm::DenseMap<Value, std::string> names;
    int counter = 0;
    auto nameOf = [&](Value v) -> std::string {
      auto it = names.find(v);
      return it == names.end() ? std::string() : it->second;
    };
    for (BlockArgument arg : func.getArguments()) {
      std::string name = "input" + std::to_string(arg.getArgNumber());
      names[arg] = name;
      os << "  " << name << " [shape=oval, label=\""
         << escape(name + "\n" + describeTensor(arg)) << "\"];\n";
    }
    for (Operation &op : func.getBody().front()) {
      if (auto ret = dyn_cast<func::ReturnOp>(op)) {
        for (auto [i, v] : llvm::enumerate(ret.getOperands())) {
          std::string name = "output" + std::to_string(i);
          os << "  " << name << " [shape=oval, label=\"" << name << "\"];\n";
          if (!nameOf(v).empty())
            os << "  " << nameOf(v) << " -> " << name << " [label=\""
               << escape(describeTensor(v)) << "\"];\n";
        }
        continue;
      }
      bool isConstant = isa<qrcnn::qnn::ConstantOp>(op);
      if (isConstant)
        weightBits += countBits(op.getResult(0));
      if (isConstant && !showConstants)
        continue;
      std::string name = "n" + std::to_string(counter++);
      for (Value result : op.getResults())
        names[result] = name;
      os << "  " << name << " [label=\"" << escape(describeOp(op)) << "\""
         << (isa<qrcnn::qnn::RecurrentConvOp>(op) ? ", style=bold" : "")
         << "];\n";
      for (Value operand : op.getOperands()) {
        std::string from = nameOf(operand);
        if (from.empty())
          continue;
        os << "  " << from << " -> " << name << " [label=\""
           << escape(describeTensor(operand)) << "\"];\n";
      }
    }
    return success();
  }

  static int64_t countBits(Value v) {
    auto type = cast<RankedTensorType>(v.getType());
    return type.getNumElements() * getStorageBits(type.getElementType());
  }

  static std::string weightSummary(Operation &op) {
    if (op.getNumOperands() < 2)
      return "";
    auto weight = cast<RankedTensorType>(op.getOperand(1).getType());
    std::string text = "\nweights " + std::to_string(weight.getNumElements()) +
                       " x " + getStorageName(weight.getElementType());
    if (auto accBits = op.getAttrOfType<IntegerAttr>("acc_bits"))
      text += ", accumulator " + std::to_string(accBits.getInt()) + " bits";
    return text;
  }

  static std::string describeOp(Operation &op) {
    std::string text = op.getName().getStringRef().str();
    if (auto conv = dyn_cast<qrcnn::qnn::ConvOp>(op)) {
      auto weight = cast<RankedTensorType>(conv.getWeight().getType());
      text += "\nkernel " + joinArray(weight.getShape().drop_front(2)) +
              ", stride " + joinArray(conv.getStrides()) + ", pads " +
              joinArray(conv.getPads());
      text += weightSummary(op);
    } else if (auto rec = dyn_cast<qrcnn::qnn::RecurrentConvOp>(op)) {
      auto weight = cast<RankedTensorType>(rec.getWeight().getType());
      text += " x" + std::to_string(rec.getIterations()) + "\nkernel " +
              joinArray(weight.getShape().drop_front(2)) + ", stride " +
              joinArray(rec.getStrides()) + ", pads " +
              joinArray(rec.getPads());
      if (auto pool = rec.getPoolKernel())
        text += ", pool " + joinArray(*pool);
      text += weightSummary(op);
      // One engine, two buffers sized for the largest step.
      int64_t largest = 0;
      for (const auto &shape : rec.getStepShapes()) {
        int64_t count = 1;
        for (int64_t d : shape)
          count *= d;
        largest = std::max(largest, count);
      }
      auto element = cast<RankedTensorType>(rec.getType()).getElementType();
      text += "\nping-pong buffers 2 x " +
              std::to_string(getBufferBytes(largest, getStorageBits(element))) +
              " B";
    } else if (isa<qrcnn::qnn::DenseOp>(op)) {
      text += weightSummary(op);
    } else if (auto pool = dyn_cast<qrcnn::qnn::MaxPoolOp>(op)) {
      text += "\nkernel " + joinArray(pool.getKernel()) + ", stride " +
              joinArray(pool.getStrides());
    }
    return text;
  }

  std::string rankdir = "TB";
  bool showConstants = false;
};

} // namespace

extern "C" qrcnn::TargetPluginInfo qrcnnGetTargetPluginInfo() {
  return {QRCNN_TARGET_PLUGIN_API_VERSION, "graphviz", "0.1",
          [](qrcnn::TargetRegistry &registry) -> llvm::Error {
            return registry.add(std::make_unique<GraphvizTarget>());
          }};
}
