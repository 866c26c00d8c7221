//===- Importer.cpp - ONNX graph walk, inputs, outputs, constants ---------===//
//
// Checks the graph as a whole (names, producers, cycles, opsets), orders the
// nodes that reach a graph output, and converts them one by one: a node whose
// inputs are all compile-time constants is evaluated on the host (ONNX
// Runtime semantics), every other node becomes qnn ops. Constants are
// emitted once, at the top of @main, and shared by every reader.
//
//===----------------------------------------------------------------------===//
#include "Importer.h"
#include "ConstantFolder.h"
#include "NodeAttributes.h"

#include "qrcnn/Dialect/QNN/QNNDialect.h"
#include "qrcnn/Dialect/QNN/QNNOps.h"
#include "qrcnn/Dialect/QNN/QuantTypeUtils.h"
#include "qrcnn/Import/ONNXImporter.h"

// onnx_pb.h defines ONNX_API, then includes onnx-ml.pb.h (ONNX_ML=1).
#include <onnx/onnx_pb.h>

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Verifier.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/MemoryBuffer.h"

#include <cmath>
#include <queue>

using namespace mlir;
using namespace mlir::quant;

namespace qrcnn::onnx_import {

namespace {
constexpr int64_t kMinOpset = 10;
constexpr int64_t kMaxOpset = 21;

bool isDefaultDomain(const std::string &domain) {
  return domain.empty() || domain == "ai.onnx";
}

bool isQonnxDomain(const std::string &domain) {
  return domain == "qonnx.custom_op.general" ||
         domain == "finn.custom_op.general" || domain == "onnx.brevitas";
}

std::string displayName(const onnx::NodeProto &node) {
  if (!node.name().empty())
    return node.name();
  for (const std::string &out : node.output())
    if (!out.empty())
      return out;
  return "<unnamed>";
}
} // namespace

Importer::Importer(MLIRContext &context, const onnx::ModelProto &model,
                   StringRef modelName)
    : context(context), builder(&context), constantBuilder(&context),
      model(model), modelName(modelName.str()) {}

//===----------------------------------------------------------------------===//
// Diagnostics
//===----------------------------------------------------------------------===//

Location Importer::tensorLoc(StringRef name) {
  return NameLoc::get(StringAttr::get(&context, name));
}

Location Importer::nodeLoc(const onnx::NodeProto &node) {
  return tensorLoc(displayName(node));
}

InFlightDiagnostic Importer::nodeError(const onnx::NodeProto &node) {
  InFlightDiagnostic d = emitError(nodeLoc(node));
  d << "node '" << displayName(node) << "' (" << node.op_type() << "): ";
  return d;
}

InFlightDiagnostic Importer::graphError() {
  return emitError(tensorLoc(modelName));
}

InFlightDiagnostic Importer::userError(const onnx::NodeProto *user) {
  return user ? nodeError(*user) : graphError();
}

int64_t Importer::opsetOf(const onnx::NodeProto &node) const {
  if (isDefaultDomain(node.domain()))
    return defaultOpset;
  for (const onnx::OperatorSetIdProto &o : model.opset_import())
    if (o.domain() == node.domain())
      return o.version();
  return 1;
}

//===----------------------------------------------------------------------===//
// Whole-graph checks and ordering
//===----------------------------------------------------------------------===//

LogicalResult Importer::checkModel() {
  if (!model.has_graph())
    return graphError() << "the file holds no ONNX graph (is it a binary ONNX "
                           "ModelProto?)";
  bool found = false;
  for (const onnx::OperatorSetIdProto &o : model.opset_import()) {
    if (!isDefaultDomain(o.domain()))
      continue;
    found = true;
    defaultOpset = o.version();
  }
  if (!found)
    return graphError() << "the model does not import the default ONNX "
                           "domain (no opset_import for \"\")";
  if (defaultOpset < kMinOpset || defaultOpset > kMaxOpset)
    return graphError() << "default-domain opset " << defaultOpset
                        << " is not supported (qrcnnc reads opsets "
                        << kMinOpset << " to " << kMaxOpset << ")";
  if (model.graph().output_size() == 0)
    return graphError() << "the graph is empty: it has no outputs";
  return success();
}

LogicalResult Importer::indexGraph() {
  const onnx::GraphProto &graph = model.graph();
  for (const onnx::TensorProto &t : graph.initializer()) {
    if (t.name().empty())
      return graphError() << "an initializer has no name";
    if (!initializers.try_emplace(t.name(), &t).second)
      return graphError() << "initializer '" << t.name()
                          << "' is defined twice";
  }
  for (const onnx::SparseTensorProto &t : graph.sparse_initializer())
    return graphError() << "sparse initializer '" << t.values().name()
                        << "' is not supported";
  llvm::StringMap<bool> graphInputs;
  for (const onnx::ValueInfoProto &vi : graph.input()) {
    if (initializers.count(vi.name()))
      continue; // an initializer's default value: a constant for us
    if (!graphInputs.try_emplace(vi.name(), true).second)
      return graphError() << "graph input '" << vi.name()
                          << "' is listed twice";
  }
  for (int i = 0; i < graph.node_size(); ++i) {
    const onnx::NodeProto &node = graph.node(i);
    for (const std::string &out : node.output()) {
      if (out.empty())
        continue;
      auto it = producers.find(out);
      if (it != producers.end())
        return nodeError(node) << "output '" << out
                               << "' is a duplicate: node '"
                               << displayName(graph.node(it->second))
                               << "' already produces it";
      if (initializers.count(out) || graphInputs.count(out))
        return nodeError(node) << "output '" << out
                               << "' is a duplicate of a graph input or "
                                  "initializer of the same name";
      producers[out] = i;
    }
  }
  for (const onnx::NodeProto &node : graph.node()) {
    for (const std::string &in : node.input()) {
      if (in.empty())
        continue;
      if (!producers.count(in) && !initializers.count(in) &&
          !graphInputs.count(in)) {
        bool described = llvm::any_of(graph.value_info(), [&](const auto &vi) {
          return vi.name() == in;
        });
        return nodeError(node)
               << "input '" << in
               << "' is undefined: it is not a graph input, an initializer "
                  "or any node's output"
               << (described ? " (it has a value_info entry but no "
                               "initializer)"
                             : "");
      }
      ++useCounts[in];
    }
  }
  for (const onnx::ValueInfoProto &vi : graph.output()) {
    const std::string &name = vi.name();
    if (graphOutputs.count(name))
      return graphError() << "graph output '" << name
                          << "' is a duplicate: it is listed twice";
    if (!producers.count(name) && !initializers.count(name) &&
        !graphInputs.count(name))
      return graphError() << "graph output '" << name
                          << "' is not produced by any node and is neither a "
                             "graph input nor an initializer";
    graphOutputs[name] = true;
    ++useCounts[name];
  }
  return success();
}

LogicalResult Importer::sortNodes() {
  const onnx::GraphProto &graph = model.graph();
  int n = graph.node_size();
  // Only nodes that some graph output depends on are imported.
  std::vector<bool> live(n, false);
  std::vector<int> work;
  for (const onnx::ValueInfoProto &vi : graph.output()) {
    auto it = producers.find(vi.name());
    if (it != producers.end() && !live[it->second]) {
      live[it->second] = true;
      work.push_back(it->second);
    }
  }
  while (!work.empty()) {
    int i = work.back();
    work.pop_back();
    for (const std::string &in : graph.node(i).input()) {
      auto it = in.empty() ? producers.end() : producers.find(in);
      if (it != producers.end() && !live[it->second]) {
        live[it->second] = true;
        work.push_back(it->second);
      }
    }
  }
  // Kahn's algorithm, taking the earliest node in file order first.
  std::vector<int> pendingInputs(n, 0);
  std::vector<std::vector<int>> readers(n);
  for (int i = 0; i < n; ++i) {
    if (!live[i])
      continue;
    for (const std::string &in : graph.node(i).input()) {
      auto it = in.empty() ? producers.end() : producers.find(in);
      if (it == producers.end())
        continue;
      ++pendingInputs[i];
      readers[it->second].push_back(i);
    }
  }
  std::priority_queue<int, std::vector<int>, std::greater<int>> ready;
  int liveCount = 0;
  for (int i = 0; i < n; ++i) {
    liveCount += live[i];
    if (live[i] && pendingInputs[i] == 0)
      ready.push(i);
  }
  std::vector<bool> done(n, false);
  while (!ready.empty()) {
    int i = ready.top();
    ready.pop();
    order.push_back(i);
    done[i] = true;
    for (int r : readers[i])
      if (--pendingInputs[r] == 0)
        ready.push(r);
  }
  if (static_cast<int>(order.size()) == liveCount)
    return success();
  // A cycle: walk back from the first stuck node until a node repeats.
  int start = 0;
  while (!live[start] || done[start])
    ++start;
  std::vector<int> path;
  std::vector<int> position(n, -1);
  int current = start;
  while (position[current] < 0) {
    position[current] = static_cast<int>(path.size());
    path.push_back(current);
    int next = -1;
    for (const std::string &in : graph.node(current).input()) {
      auto it = in.empty() ? producers.end() : producers.find(in);
      if (it != producers.end() && !done[it->second]) {
        next = it->second;
        break;
      }
    }
    if (next < 0)
      break;
    current = next;
  }
  // A long cycle is shown by its first nodes: one diagnostic line, not one
  // name per node of a 10^5-node ring.
  constexpr size_t kShownNodes = 8;
  std::string cycle;
  size_t length = path.size() - position[current];
  for (size_t k = position[current]; k < path.size(); ++k) {
    if (k - position[current] == kShownNodes && length > kShownNodes + 1) {
      cycle += "... (" + std::to_string(length - kShownNodes) +
               " more nodes) <- ";
      break;
    }
    cycle += displayName(graph.node(path[k])) + " <- ";
  }
  cycle += displayName(graph.node(current));
  return nodeError(graph.node(current))
         << "the graph has a cycle through this node (" << cycle
         << ": each reads the next one's output)";
}

//===----------------------------------------------------------------------===//
// Function, inputs and outputs
//===----------------------------------------------------------------------===//

RankedTensorType Importer::f32Tensor(ArrayRef<int64_t> shape) {
  return RankedTensorType::get(shape, Float32Type::get(&context));
}

ArrayRef<int64_t> Importer::shapeOf(Value v) {
  return cast<RankedTensorType>(v.getType()).getShape();
}

bool Importer::isQuantizedValue(Value v) const {
  return qnn::isQuantized(v.getType());
}

UniformQuantizedType Importer::getUniformType(Value v) const {
  return dyn_cast<UniformQuantizedType>(
      cast<RankedTensorType>(v.getType()).getElementType());
}

LogicalResult Importer::createFunction() {
  const onnx::GraphProto &graph = model.graph();
  module = ModuleOp::create(tensorLoc(modelName));
  SmallVector<Type> argTypes;
  SmallVector<Location> argLocs;
  SmallVector<std::string> argNames;
  for (const onnx::ValueInfoProto &vi : graph.input()) {
    if (initializers.count(vi.name()))
      continue;
    std::string error;
    auto reject = [&](const std::string &why) { inputTypeErrors[vi.name()] = why; };
    if (!vi.type().has_tensor_type()) {
      reject("is not a tensor (sequence, map and optional inputs are not "
             "supported)");
      continue;
    }
    const onnx::TypeProto_Tensor &tt = vi.type().tensor_type();
    if (tt.elem_type() != dtype::kFloat) {
      reject("has element type " + dataTypeName(tt.elem_type()) +
             "; qrcnnc compiles models whose inputs are FLOAT tensors");
      continue;
    }
    if (!tt.has_shape()) {
      reject("has no shape; qrcnnc needs static shapes");
      continue;
    }
    SmallVector<int64_t> shape;
    bool ok = true;
    for (int d = 0; d < tt.shape().dim_size() && ok; ++d) {
      const onnx::TensorShapeProto_Dimension &dim = tt.shape().dim(d);
      if (dim.has_dim_value()) {
        if (dim.dim_value() < 0) {
          reject("has a negative dimension " + std::to_string(dim.dim_value()));
          ok = false;
        } else if (dim.dim_value() == 0) {
          reject("has a zero-sized dimension; empty tensors are not supported");
          ok = false;
        }
        shape.push_back(dim.dim_value());
        continue;
      }
      std::string symbol = dim.has_dim_param() ? dim.dim_param() : "?";
      if (d == 0) {
        emitWarning(tensorLoc(modelName))
            << "graph input '" << vi.name() << "': symbolic batch dimension '"
            << symbol << "' is compiled as 1";
        shape.push_back(1);
        continue;
      }
      reject("has a symbolic dimension '" + symbol + "' at position " +
             std::to_string(d) + "; qrcnnc needs static shapes");
      ok = false;
    }
    if (!ok)
      continue;
    if (!getElementCount(shape, kMaxElements, error)) {
      reject(error);
      continue;
    }
    argTypes.push_back(f32Tensor(shape));
    argLocs.push_back(tensorLoc(vi.name()));
    argNames.push_back(vi.name());
  }
  OpBuilder moduleBuilder(module->getBodyRegion());
  function = moduleBuilder.create<func::FuncOp>(
      tensorLoc(graph.name().empty() ? "main" : graph.name()), "main",
      FunctionType::get(&context, argTypes, {}));
  Block *body = function.addEntryBlock();
  for (auto [i, name] : llvm::enumerate(argNames)) {
    BlockArgument arg = body->getArgument(i);
    arg.setLoc(argLocs[i]);
    function.setArgAttr(i, "qnn.name", StringAttr::get(&context, name));
    Entry e;
    e.value = arg;
    e.onnxType = dtype::kFloat;
    e.name = name;
    entries[name] = e;
  }
  builder.setInsertionPointToEnd(body);
  constantBuilder.setInsertionPointToStart(body);
  return success();
}

LogicalResult Importer::gatherInputs(const onnx::NodeProto &node,
                                     SmallVectorImpl<Entry> &in) {
  in.clear();
  for (const std::string &name : node.input()) {
    if (name.empty()) {
      in.emplace_back();
      continue;
    }
    auto it = entries.find(name);
    if (it != entries.end()) {
      in.push_back(it->second);
      continue;
    }
    auto init = initializers.find(name);
    if (init != initializers.end()) {
      auto c = std::make_shared<Constant>();
      std::string error;
      if (!readTensorProto(*init->second, c->value, error))
        return nodeError(node) << "initializer '" << name << "' " << error;
      Entry e;
      e.constant = c;
      e.onnxType = c->value.type;
      e.name = name;
      entries[name] = e;
      in.push_back(e);
      continue;
    }
    auto bad = inputTypeErrors.find(name);
    if (bad != inputTypeErrors.end())
      return nodeError(node) << "graph input '" << name << "' "
                             << bad->second;
    return nodeError(node) << "input '" << name << "' is not available";
  }
  return success();
}

void Importer::setOutput(const onnx::NodeProto &node, int index, Entry e) {
  if (index >= node.output_size() || node.output(index).empty())
    return;
  e.name = node.output(index);
  entries[e.name] = std::move(e);
}

void Importer::setOutputValue(const onnx::NodeProto &node, int index,
                              Value value, int32_t onnxType) {
  Entry e;
  e.value = value;
  e.onnxType = onnxType;
  setOutput(node, index, std::move(e));
}

int64_t Importer::getUseCount(StringRef name) const {
  auto it = useCounts.find(name);
  return it == useCounts.end() ? 0 : it->second;
}

bool Importer::isGraphOutput(StringRef name) const {
  return graphOutputs.count(name) != 0;
}

std::optional<Interval> Importer::getInterval(Value v) const {
  auto it = intervals.find(v);
  if (it == intervals.end())
    return std::nullopt;
  return it->second;
}

void Importer::setInterval(Value v, Interval i) { intervals[v] = i; }

Value Importer::reshape(Value v, ArrayRef<int64_t> shape, Location loc) {
  if (shapeOf(v) == shape)
    return v;
  auto type = cast<RankedTensorType>(v.getType()).clone(shape);
  Value out = builder.create<qnn::ReshapeOp>(loc, type, v);
  if (std::optional<Interval> i = getInterval(v))
    setInterval(out, *i);
  return out;
}

FailureOr<Value> Importer::materializeForOutput(const Entry &e) {
  if (e.value)
    return e.value;
  const Constant &c = *e.constant;
  Location loc = tensorLoc(e.name);
  if (c.quant || c.value.type == dtype::kFloat)
    return materialize(c, loc, nullptr);
  const HostTensor &t = c.value;
  if (t.isFloat())
    return graphError() << "graph output '" << e.name << "' is a constant of "
                        << dataTypeName(t.type)
                        << "; qrcnnc computes in float32";
  // Integer outputs (shape arithmetic, masks) are plain tensor constants.
  // Unsigned types keep their sign in the element type so that 255 reads as
  // 255, not -1.
  unsigned bits = integerBits(t.type);
  auto elementType = IntegerType::get(
      &context, bits,
      isSignedInteger(t.type) || bits == 1 ? IntegerType::Signless
                                           : IntegerType::Unsigned);
  auto type = RankedTensorType::get(t.shape, elementType);
  SmallVector<APInt> values;
  for (int64_t v : t.ints)
    values.push_back(APInt(bits, static_cast<uint64_t>(v), isSignedInteger(t.type)));
  auto attr = DenseElementsAttr::get(type, values);
  positionConstantBuilder();
  auto op = constantBuilder.create<arith::ConstantOp>(loc, attr);
  lastConstant = op;
  return op.getResult();
}

LogicalResult Importer::finishFunction() {
  const onnx::GraphProto &graph = model.graph();
  SmallVector<Value> results;
  for (const onnx::ValueInfoProto &vi : graph.output()) {
    const std::string &name = vi.name();
    auto it = entries.find(name);
    Entry e;
    if (it != entries.end()) {
      e = it->second;
    } else if (auto init = initializers.find(name); init != initializers.end()) {
      auto c = std::make_shared<Constant>();
      std::string error;
      if (!readTensorProto(*init->second, c->value, error))
        return graphError() << "initializer '" << name << "' " << error;
      e.constant = c;
      e.onnxType = c->value.type;
      e.name = name;
    } else {
      auto bad = inputTypeErrors.find(name);
      return graphError() << "graph output '" << name << "': graph input "
                          << (bad != inputTypeErrors.end() ? bad->second
                                                           : "is missing");
    }
    if (e.pending) {
      auto producer = producers.find(name);
      if (failed(resolvePending(graph.node(producer->second), e)))
        return failure();
    }
    FailureOr<Value> value = materializeForOutput(e);
    if (failed(value))
      return failure();
    // The declared type, where given, must agree with what was computed.
    if (vi.type().has_tensor_type()) {
      const onnx::TypeProto_Tensor &tt = vi.type().tensor_type();
      if (tt.elem_type() != dtype::kUndefined && tt.elem_type() != e.onnxType)
        return graphError() << "graph output '" << name << "' is declared "
                            << dataTypeName(tt.elem_type())
                            << " but the model computes "
                            << dataTypeName(e.onnxType);
      ArrayRef<int64_t> shape = shapeOf(*value);
      if (tt.has_shape()) {
        bool agree = tt.shape().dim_size() == static_cast<int>(shape.size());
        for (int d = 0; agree && d < tt.shape().dim_size(); ++d)
          if (tt.shape().dim(d).has_dim_value() &&
              tt.shape().dim(d).dim_value() != shape[d])
            agree = false;
        if (!agree) {
          std::string declared;
          for (int d = 0; d < tt.shape().dim_size(); ++d) {
            const auto &dim = tt.shape().dim(d);
            declared += (d ? "x" : "") +
                        (dim.has_dim_value() ? std::to_string(dim.dim_value())
                                             : dim.dim_param());
          }
          return graphError() << "graph output '" << name
                              << "' is declared with shape "
                              << (declared.empty() ? "scalar" : declared)
                              << " but the model computes "
                              << shapeToString(shape);
        }
      }
    }
    results.push_back(*value);
  }
  builder.create<func::ReturnOp>(tensorLoc("return"), results);
  SmallVector<Type> resultTypes;
  for (Value v : results)
    resultTypes.push_back(v.getType());
  function.setType(FunctionType::get(
      &context, function.getFunctionType().getInputs(), resultTypes));
  for (auto [i, vi] : llvm::enumerate(graph.output()))
    function.setResultAttr(i, "qnn.name", StringAttr::get(&context, vi.name()));
  return success();
}

void Importer::positionConstantBuilder() {
  if (lastConstant)
    constantBuilder.setInsertionPointAfter(lastConstant);
  else
    constantBuilder.setInsertionPointToStart(&function.getBody().front());
}

void Importer::eraseDeadConstants() {
  // BatchNormalization / bias folding may leave replaced constants unused.
  Block &body = function.getBody().front();
  bool changed = true;
  while (changed) {
    changed = false;
    for (Operation &op : llvm::make_early_inc_range(llvm::reverse(body))) {
      // Every qnn op is pure; a dequantize replaced by an integer clamp, or
      // a constant replaced by a folded one, is dead.
      if ((isa<qnn::QNNDialect>(op.getDialect()) ||
           isa<arith::ConstantOp>(op)) &&
          op.use_empty()) {
        op.erase();
        changed = true;
      }
    }
  }
}

//===----------------------------------------------------------------------===//
// Constants
//===----------------------------------------------------------------------===//

FailureOr<Value> Importer::materialize(const Constant &c, Location loc,
                                       const onnx::NodeProto *user) {
  if (c.quant)
    return materializeQuantized(c, loc, user);
  const HostTensor &t = c.value;
  if (t.type != dtype::kFloat)
    return userError(user) << "constant '"
                           << cast<NameLoc>(loc).getName().getValue()
                           << "' has element type " << dataTypeName(t.type)
                           << " where a FLOAT tensor is needed";
  SmallVector<float> values(t.floats.begin(), t.floats.end());
  auto type = f32Tensor(t.shape);
  auto attr = DenseElementsAttr::get(type, ArrayRef<float>(values));
  auto key = std::make_pair(Attribute(attr), Type(type));
  auto it = constantCache.find(key);
  if (it != constantCache.end())
    return it->second;
  positionConstantBuilder();
  Value v = constantBuilder.create<qnn::ConstantOp>(loc, type, attr);
  lastConstant = v.getDefiningOp();
  constantCache[key] = v;
  return v;
}

/// Smallest width >= 2 whose signed (or unsigned) range holds [lo, hi].
static unsigned bitsFor(int64_t lo, int64_t hi, bool isSigned) {
  for (unsigned w = 2; w < 64; ++w) {
    int64_t min = isSigned ? -(int64_t(1) << (w - 1)) : 0;
    int64_t max = isSigned ? (int64_t(1) << (w - 1)) - 1 : (int64_t(1) << w) - 1;
    if (lo >= min && hi <= max)
      return w;
  }
  return 64;
}

FailureOr<Value> Importer::materializeQuantized(const Constant &c,
                                                Location loc,
                                                const onnx::NodeProto *user) {
  const QuantOrigin &origin = *c.quant;
  StorageSpec storage = origin.storage;
  SmallVector<int64_t> zeroPoints = origin.zeroPoints;
  std::vector<int64_t> values = origin.q.ints;
  const SmallVector<int64_t> &shape = origin.q.shape;
  int64_t inner = 1, dim = 1;
  if (origin.axis) {
    dim = shape[*origin.axis];
    for (size_t d = *origin.axis + 1; d < shape.size(); ++d)
      inner *= shape[d];
  }
  auto channelOf = [&](size_t i) -> int64_t {
    return origin.axis ? (static_cast<int64_t>(i) / inner) % dim : 0;
  };
  auto zeroPointOf = [&](size_t i) {
    return zeroPoints[zeroPoints.size() == 1 ? 0 : channelOf(i)];
  };
  bool fullRange =
      storage.min == QuantizedType::getDefaultMinimumForInteger(
                         storage.isSigned, storage.bits) &&
      storage.max == QuantizedType::getDefaultMaximumForInteger(
                         storage.isSigned, storage.bits);
  // Re-center: real = s * (q - z) = s * ((q - z) - 0). Unsigned weights with
  // zero point 8 holding 0..15 become the signed int4 values they mean.
  if (fullRange && storage.bits <= 16 &&
      llvm::any_of(zeroPoints, [](int64_t z) { return z != 0; })) {
    int64_t smin = -(int64_t(1) << (storage.bits - 1));
    int64_t smax = (int64_t(1) << (storage.bits - 1)) - 1;
    bool fits = true;
    for (size_t i = 0; i < values.size() && fits; ++i) {
      int64_t centered = values[i] - zeroPointOf(i);
      fits = centered >= smin && centered <= smax;
    }
    if (fits) {
      for (size_t i = 0; i < values.size(); ++i)
        values[i] -= zeroPointOf(i);
      zeroPoints.assign(zeroPoints.size(), 0);
      storage.isSigned = true;
      storage.min = smin;
      storage.max = smax;
    }
  }
  // Narrow: 8- and 16-bit containers whose values (and zero points) fit
  // fewer bits get that storage width (int8 values in -8..7 are int4).
  if (fullRange && (storage.bits == 8 || storage.bits == 16) &&
      !values.empty()) {
    int64_t lo = *std::min_element(values.begin(), values.end());
    int64_t hi = *std::max_element(values.begin(), values.end());
    for (int64_t z : zeroPoints) {
      lo = std::min(lo, z);
      hi = std::max(hi, z);
    }
    unsigned bits = bitsFor(lo, hi, storage.isSigned);
    if (bits < storage.bits) {
      storage.bits = bits;
      storage.min = QuantizedType::getDefaultMinimumForInteger(storage.isSigned, bits);
      storage.max = QuantizedType::getDefaultMaximumForInteger(storage.isSigned, bits);
    }
  }
  QuantParams params;
  params.scales = origin.scales;
  params.zeroPoints = zeroPoints;
  params.axis = origin.axis;
  params.storage = storage;
  FailureOr<RankedTensorType> type =
      getQuantizedType(user, shape, params, storage.min, storage.max);
  if (failed(type))
    return failure();
  auto valueType = RankedTensorType::get(
      shape, IntegerType::get(&context, storage.bits,
                              storage.isSigned ? IntegerType::Signless
                                               : IntegerType::Unsigned));
  SmallVector<APInt> ints;
  ints.reserve(values.size());
  for (int64_t v : values)
    ints.push_back(APInt(storage.bits, static_cast<uint64_t>(v),
                         storage.isSigned));
  auto attr = DenseElementsAttr::get(valueType, ints);
  auto key = std::make_pair(Attribute(attr), Type(*type));
  auto it = constantCache.find(key);
  if (it != constantCache.end())
    return it->second;
  positionConstantBuilder();
  Value q = constantBuilder.create<qnn::ConstantOp>(loc, *type, attr);
  Value f = constantBuilder.create<qnn::DequantizeOp>(loc, f32Tensor(shape), q);
  lastConstant = f.getDefiningOp();
  constantCache[key] = f;
  return f;
}

FailureOr<RankedTensorType>
Importer::getQuantizedType(const onnx::NodeProto *user, ArrayRef<int64_t> shape,
                           const QuantParams &params, int64_t lo, int64_t hi) {
  const StorageSpec &s = params.storage;
  lo = std::max(lo, s.min);
  hi = std::min(hi, s.max);
  if (lo > hi)
    return userError(user) << "the quantized range is empty";
  auto report = [&]() -> InFlightDiagnostic {
    return userError(user) << "invalid quantization: ";
  };
  Type storageType = IntegerType::get(&context, s.bits);
  Type f32 = Float32Type::get(&context);
  unsigned flags = s.isSigned ? QuantizationFlags::Signed : 0;
  for (int64_t z : params.zeroPoints)
    if (z < QuantizedType::getDefaultMinimumForInteger(s.isSigned, s.bits) ||
        z > QuantizedType::getDefaultMaximumForInteger(s.isSigned, s.bits))
      return userError(user) << "zero point " << z << " does not fit the "
                             << s.bits << "-bit storage";
  for (double scale : params.scales) {
    std::string error;
    if (!checkScale(scale, "scale", error))
      return userError(user) << error;
  }
  Type element;
  if (params.axis) {
    element = UniformQuantizedPerAxisType::getChecked(
        report, flags, storageType, f32, params.scales, params.zeroPoints,
        static_cast<int32_t>(*params.axis), lo, hi);
  } else {
    element = UniformQuantizedType::getChecked(report, flags, storageType, f32,
                                               params.scales.front(),
                                               params.zeroPoints.front(), lo,
                                               hi);
  }
  if (!element)
    return failure();
  return RankedTensorType::get(shape, element);
}

//===----------------------------------------------------------------------===//
// Input access helpers
//===----------------------------------------------------------------------===//

FailureOr<Value> Importer::getFloatValue(const onnx::NodeProto &node,
                                         const Entry &e, StringRef role) {
  if (!e.present())
    return nodeError(node) << "needs its " << role << " input";
  if (e.constant)
    return materialize(*e.constant, tensorLoc(e.name), &node);
  if (isQuantizedValue(e.value))
    return nodeError(node) << "the " << role << " '" << e.name
                           << "' is a quantized " << dataTypeName(e.onnxType)
                           << " tensor; this op needs float values "
                              "(DequantizeLinear first)";
  if (e.onnxType != dtype::kFloat)
    return nodeError(node) << "the " << role << " '" << e.name << "' has type "
                           << dataTypeName(e.onnxType)
                           << "; this op needs FLOAT";
  return e.value;
}

FailureOr<std::shared_ptr<const Constant>>
Importer::getConstant(const onnx::NodeProto &node, const Entry &e,
                      StringRef role) {
  if (!e.present())
    return nodeError(node) << "needs its " << role << " input";
  if (!e.constant)
    return nodeError(node) << "the " << role << " '" << e.name
                           << "' must be constant at compile time (an "
                              "initializer or computed from initializers), "
                              "but it is computed at run time";
  return e.constant;
}

FailureOr<std::shared_ptr<const Constant>>
Importer::getOptionalConstant(const onnx::NodeProto &node, Inputs &in,
                              size_t index, StringRef role) {
  if (index >= in.size() || !in[index].present())
    return std::shared_ptr<const Constant>();
  return getConstant(node, in[index], role);
}

LogicalResult Importer::getConstantInts(const onnx::NodeProto &node,
                                        const Entry &e, StringRef role,
                                        SmallVectorImpl<int64_t> &out) {
  FailureOr<std::shared_ptr<const Constant>> c = getConstant(node, e, role);
  if (failed(c))
    return failure();
  const HostTensor &t = (*c)->value;
  if (t.isFloat() || t.rank() > 1)
    return nodeError(node) << "the " << role << " '" << e.name
                           << "' must be a 1-D integer tensor";
  out.assign(t.ints.begin(), t.ints.end());
  return success();
}

//===----------------------------------------------------------------------===//
// Node conversion
//===----------------------------------------------------------------------===//

LogicalResult Importer::importNode(const onnx::NodeProto &node) {
  bool qonnx = isQonnxDomain(node.domain());
  if (!isDefaultDomain(node.domain()) && !qonnx)
    return nodeError(node) << "unsupported op: " << node.op_type()
                           << " of domain '" << node.domain()
                           << "' is not an op qrcnnc imports";
  if (qonnx && node.op_type() != "Quant")
    return nodeError(node) << "unsupported op: the QONNX op "
                           << node.op_type()
                           << " is not supported (only Quant)";
  // No op qrcnnc imports takes a subgraph; one would be ignored silently.
  // Control flow (If, Loop, Scan) is reported below as an unsupported op.
  if (!llvm::is_contained({"If", "Loop", "Scan"}, node.op_type()))
    for (const onnx::AttributeProto &attr : node.attribute())
      if (attr.type() == onnx::AttributeProto::GRAPH ||
          attr.type() == onnx::AttributeProto::GRAPHS || attr.has_g() ||
          attr.graphs_size() > 0)
        return nodeError(node)
               << "attribute '" << attr.name()
               << "' holds a subgraph, which no op qrcnnc imports takes";
  SmallVector<Entry> in;
  if (failed(gatherInputs(node, in)))
    return failure();
  FailureOr<bool> absorbed = tryAbsorbIntoPending(node, in);
  if (failed(absorbed))
    return failure();
  if (*absorbed)
    return success();
  for (Entry &e : in)
    if (e.pending && failed(resolvePending(node, e)))
      return failure();

  bool allConstant = llvm::all_of(
      in, [](const Entry &e) { return !e.present() || e.constant; });
  if (allConstant && isFoldableOp(node.op_type(), qonnx)) {
    SmallVector<const Constant *> constants;
    for (const Entry &e : in)
      constants.push_back(e.constant.get());
    SmallVector<Constant, 2> results;
    std::string error;
    switch (foldNode(node, opsetOf(node), qonnx, constants, results, error)) {
    case FoldStatus::Failed:
      return nodeError(node) << error;
    case FoldStatus::Folded:
      for (int i = 0; i < node.output_size(); ++i) {
        Entry e;
        e.onnxType = results[i].value.type;
        e.constant = std::make_shared<Constant>(std::move(results[i]));
        setOutput(node, i, std::move(e));
      }
      return success();
    case FoldStatus::NotFoldable:
      break;
    }
  }
  return dispatch(node, in);
}

LogicalResult Importer::dispatch(const onnx::NodeProto &node, Inputs &in) {
  using Converter = LogicalResult (Importer::*)(const onnx::NodeProto &,
                                                Inputs &);
  StringRef op = node.op_type();
  if (isQonnxDomain(node.domain()))
    return convertQonnxQuant(node, in);
  Converter convert =
      llvm::StringSwitch<Converter>(op)
          .Case("Conv", &Importer::convertConv)
          .Cases("MaxPool", "AveragePool", "GlobalAveragePool",
                 "GlobalMaxPool", &Importer::convertPool)
          .Case("Gemm", &Importer::convertGemm)
          .Case("MatMul", &Importer::convertMatMul)
          .Case("BatchNormalization", &Importer::convertBatchNorm)
          .Cases("Add", "Sub", "Mul", &Importer::convertAddSubMul)
          .Cases("Relu", "Clip", "LeakyRelu", &Importer::convertActivation)
          .Cases("Flatten", "Reshape", "Squeeze", "Unsqueeze",
                 &Importer::convertShapeOp)
          .Case("Transpose", &Importer::convertTranspose)
          .Case("Softmax", &Importer::convertSoftmax)
          .Case("ArgMax", &Importer::convertArgMax)
          .Cases("Identity", "Dropout", &Importer::convertPassThrough)
          .Cases("Shape", "Size", &Importer::convertShapeQuery)
          .Case("Cast", &Importer::convertCast)
          .Case("QuantizeLinear", &Importer::convertQuantizeLinear)
          .Case("DequantizeLinear", &Importer::convertDequantizeLinear)
          .Case("QLinearConv", &Importer::convertQLinearConv)
          .Case("QLinearMatMul", &Importer::convertQLinearMatMul)
          .Cases("ConvInteger", "MatMulInteger", &Importer::convertIntegerOp)
          .Default(nullptr);
  if (convert)
    return (this->*convert)(node, in);
  if (op == "DynamicQuantizeLinear")
    return nodeError(node) << "unsupported op: DynamicQuantizeLinear computes "
                              "its scale and zero point from the data at run "
                              "time; qrcnnc needs static quantization "
                              "parameters (quantize the model statically)";
  if (isFoldableOp(op, false)) {
    for (const Entry &e : in)
      if (e.present() && !e.constant)
        return nodeError(node) << op << " is supported only on compile-time "
                               << "constants, but input '" << e.name
                               << "' is computed at run time";
  }
  return nodeError(node) << "unsupported op: qrcnnc does not import "
                         << op << " (opset " << opsetOf(node) << ")";
}

OwningOpRef<ModuleOp> Importer::run() {
  context.loadDialect<qnn::QNNDialect, quant::QuantizationDialect,
                      func::FuncDialect, arith::ArithDialect>();
  if (failed(checkModel()) || failed(indexGraph()) || failed(sortNodes()) ||
      failed(createFunction()))
    return nullptr;
  for (int index : order)
    if (failed(importNode(model.graph().node(index))))
      return nullptr;
  for (const auto &bad : inputTypeErrors) {
    graphError() << "graph input '" << bad.getKey() << "' " << bad.getValue();
    return nullptr;
  }
  if (failed(finishFunction()))
    return nullptr;
  eraseDeadConstants();
  if (failed(verify(*module)))
    return nullptr;
  return std::move(module);
}

} // namespace qrcnn::onnx_import

//===----------------------------------------------------------------------===//
// Entry points
//===----------------------------------------------------------------------===//

mlir::OwningOpRef<mlir::ModuleOp>
qrcnn::importONNXModel(mlir::MLIRContext &context, llvm::StringRef bytes,
                       llvm::StringRef modelName) {
  using namespace qrcnn::onnx_import;
  auto error = [&]() {
    return emitError(NameLoc::get(StringAttr::get(&context, modelName)));
  };
  if (bytes.empty()) {
    error() << "the file is empty (0 bytes): not an ONNX model";
    return nullptr;
  }
  if (bytes.size() > static_cast<size_t>(std::numeric_limits<int>::max())) {
    error() << "the file is larger than 2 GiB, the protobuf limit";
    return nullptr;
  }
  onnx::ModelProto model;
  if (!model.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    bool looksLikeText = bytes.take_front(64).find_first_of(
                             StringRef("\0\x01\x02\x03\x04\x05\x06\x07\x08",
                                       9)) == StringRef::npos &&
                         (bytes.starts_with("ir_version") ||
                          bytes.starts_with("graph") ||
                          bytes.starts_with("producer"));
    error() << "cannot parse the file as an ONNX model: the protobuf is "
               "truncated or corrupt"
            << (looksLikeText ? " (it looks like protobuf text format; "
                                "qrcnnc reads the binary encoding)"
                              : "");
    return nullptr;
  }
  if (!model.has_graph()) {
    error() << "cannot parse the file as an ONNX model: it holds no graph";
    return nullptr;
  }
  Importer importer(context, model, modelName);
  return importer.run();
}

mlir::OwningOpRef<mlir::ModuleOp>
qrcnn::importONNXFile(mlir::MLIRContext &context, llvm::StringRef path) {
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
  if (!buffer) {
    emitError(mlir::UnknownLoc::get(&context))
        << "cannot open '" << path << "': " << buffer.getError().message();
    return nullptr;
  }
  return importONNXModel(context, (*buffer)->getBuffer(), path);
}
