//===- HLSPlan.cpp - deciding the hardware of `--target hls` --------------===//
//
// Walks the qnn function once, in order, and turns every layer into a
// dataflow stage (HLSPlan.h): conv / recurrent_conv / dense absorb the
// requantize and max pool that follow them, reshape is a view (the dense
// stage reads its input c-major, which is the NCW flatten), quantize of the
// argument and dequantize before the return become the input and output
// stages (the float conversions themselves stay in the testbench). Then the
// reuse factors are set (given or fitted to a budget) and every figure that
// depends on them is derived.
//
//===----------------------------------------------------------------------===//
#include "qrcnn/Target/HLS/HLSPlan.h"

#include "qrcnn/Dialect/QNN/QNNOps.h"
#include "qrcnn/Dialect/QNN/QuantTypeUtils.h"
#include "qrcnn/Dialect/QNN/Requantization.h"
#include "qrcnn/Target/Emission.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FormatVariadic.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

using namespace mlir;
using namespace qrcnn::qnn;

namespace qrcnn::hls {

PartResources getXc7a100tResources() { return PartResources(); }

std::string HLSValueType::cType() const {
  return (isSigned ? "ap_int<" : "ap_uint<") + std::to_string(bits) + ">";
}

StringRef stringifyStorage(Storage storage) {
  switch (storage) {
  case Storage::Registers:
    return "registers";
  case Storage::LUTRAM:
    return "lutram";
  case Storage::BRAM:
    return "bram";
  case Storage::ROMLogic:
    return "logic";
  case Storage::LUTROM:
    return "lutrom";
  case Storage::BRAMROM:
    return "bramrom";
  }
  return "?";
}

StringRef stringifyLayerKind(LayerKind kind) {
  switch (kind) {
  case LayerKind::ReadInput:
    return "read_input";
  case LayerKind::Conv:
    return "conv";
  case LayerKind::RecurrentConv:
    return "recurrent_conv";
  case LayerKind::Dense:
    return "dense";
  case LayerKind::WriteOutput:
    return "write_output";
  }
  return "?";
}

static int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

static int64_t log2Ceil(int64_t v) {
  int64_t bits = 0;
  while ((int64_t(1) << bits) < v)
    ++bits;
  return bits;
}

std::string formatClock(double ns) {
  char buffer[32];
  for (int decimals = 0; decimals <= 9; ++decimals) {
    snprintf(buffer, sizeof buffer, "%.*f", decimals, ns);
    if (std::strtod(buffer, nullptr) == ns)
      break;
  }
  return buffer;
}

int64_t getDspPerMultiplier(int64_t aBits, int64_t bBits) {
  if (aBits + bBits <= 16)
    return 0;
  int64_t big = std::max(aBits, bBits), small = std::min(aBits, bBits);
  return ceilDiv(big, 25) * ceilDiv(small, 18);
}

/// Bits of the MAC's data operand: x - zx is one bit wider than x unless x
/// is signed with zero point 0.
static int64_t getShiftedInputBits(const HLSValueType &input) {
  return input.isSigned && input.zeroPoint == 0 ? input.bits : input.bits + 1;
}

int64_t estimateDsp(const HLSLayer &layer) {
  int64_t dsp = layer.multipliers *
                getDspPerMultiplier(getShiftedInputBits(layer.input),
                                    layer.weight.bits);
  if (layer.requantMultipliers)
    dsp += layer.requantMultipliers *
           getDspPerMultiplier(layer.accBits, layer.requantMantissaBits);
  return dsp;
}

int64_t estimateBram36(const HLSBuffer &buffer) {
  if (buffer.storage != Storage::BRAM && buffer.storage != Storage::BRAMROM)
    return 0;
  int64_t depth = ceilDiv(buffer.elements, buffer.banks);
  // BRAM18 aspect ratios (simple dual port up to 36 bits wide).
  int64_t width = depth <= 512     ? 36
                  : depth <= 1024  ? 18
                  : depth <= 2048  ? 9
                  : depth <= 4096  ? 4
                  : depth <= 8192  ? 2
                                   : 1;
  int64_t perBank18 =
      ceilDiv(buffer.elementBits, width) * ceilDiv(depth, 16384);
  return ceilDiv(perBank18 * buffer.banks * buffer.copies, 2);
}

/// Where a memory of `depth` x `bits` (one bank) goes: LUTRAM when it is
/// shallow (<= 64 words, one LUT RAM64 per bit) or small (<= 2048 bits),
/// else block RAM.
static Storage chooseStorage(int64_t depth, int64_t bits, bool isConstant) {
  bool small = depth <= 64 || depth * bits <= 2048;
  if (isConstant)
    return small ? Storage::LUTROM : Storage::BRAMROM;
  return small ? Storage::LUTRAM : Storage::BRAM;
}

namespace {

/// A stage's output as its consumers see it: `channels` values per pixel,
/// `length` pixels, of `type`.
struct StageValue {
  int64_t layer = -1;
  int64_t channels = 1, length = 1;
  HLSValueType type;
};

HLSValueType getValueType(quant::QuantizedType q) {
  HLSValueType t;
  t.bits = q.getStorageTypeIntegralWidth();
  t.isSigned = q.isSigned();
  SmallVector<int64_t> zeros = getZeroPoints(q);
  t.zeroPoint = zeros.empty() ? 0 : zeros.front();
  t.lo = q.getStorageTypeMin();
  t.hi = q.getStorageTypeMax();
  return t;
}

HLSValueType getAccumulatorValueType(int64_t bits) {
  HLSValueType t;
  t.bits = bits;
  t.isSigned = true;
  t.lo = -(int64_t(1) << (bits - 1));
  t.hi = (int64_t(1) << (bits - 1)) - 1;
  return t;
}

/// The ONNX node name(s) behind `loc`.
void collectNames(Location loc, SmallVectorImpl<std::string> &names) {
  if (auto name = dyn_cast<NameLoc>(loc)) {
    names.push_back(name.getName().str());
    return;
  }
  if (auto fused = dyn_cast<FusedLoc>(loc))
    for (Location inner : fused.getLocations())
      collectNames(inner, names);
}

class Planner {
public:
  Planner(ModuleOp module, const HLSOptions &options)
      : module(module), options(options) {
    plan.options = options;
  }

  FailureOr<HLSPlan> run();

private:
  LogicalResult visit(Operation *op);
  LogicalResult planQuantize(QuantizeOp op);
  LogicalResult planConv(Operation *op);
  LogicalResult planDense(DenseOp op);
  LogicalResult planReturn(func::ReturnOp op);

  /// The stage value `value` is, or an error on `user`.
  FailureOr<StageValue> lookup(Value value, Operation *user);
  /// Fuses the single-user requantize (and for convs the max pool) after
  /// `result`; returns the value the stage finally produces.
  Value fuseEpilogue(Value result, HLSLayer &layer, bool allowPool);
  LogicalResult readWeights(Operation *op, Value weight, Value bias,
                            HLSLayer &layer);
  std::string uniqueName(Operation *op, StringRef fallback);
  /// A conv / recurrent_conv / dense layer named after `op` (or
  /// `fallback`), with its weights and bias read.
  FailureOr<HLSLayer> startWeightLayer(Operation *op, LayerKind kind,
                                       StringRef fallback, Value weight,
                                       Value bias);
  /// Appends `layer`, fed by `in` (null for the input stage); it produces
  /// `result`.
  void addLayer(const HLSLayer &layer, const StageValue *in, Value result);
  int64_t connect(const StageValue &from, int64_t to);
  LogicalResult setReuseFactors();
  void derive(HLSLayer &layer);
  LogicalResult fitBudget();

  ModuleOp module;
  HLSOptions options;
  HLSPlan plan;
  DenseMap<Value, StageValue> stages;
  llvm::SmallPtrSet<Operation *, 8> fused;
  llvm::StringSet<> usedNames;
  std::map<std::string, int64_t> kindCounters;
  RequantMode mode = RequantMode::Exact;
};

std::string Planner::uniqueName(Operation *op, StringRef fallback) {
  SmallVector<std::string> names;
  if (op)
    collectNames(op->getLoc(), names);
  std::string base;
  // Exporters' names start with '/' ("/Conv_1", "/layers.0/Conv"): the
  // identifier starts at the first letter or digit.
  StringRef first = names.empty() ? StringRef()
                                  : StringRef(names.front()).ltrim("/._-");
  if (!first.empty())
    base = target::makeCIdentifier(first);
  else
    base = (fallback + Twine(kindCounters[fallback.str()]++)).str();
  std::string name = base;
  for (int i = 2; usedNames.contains(name); ++i)
    name = base + "_" + std::to_string(i);
  usedNames.insert(name);
  return name;
}

FailureOr<HLSLayer> Planner::startWeightLayer(Operation *op, LayerKind kind,
                                              StringRef fallback, Value weight,
                                              Value bias) {
  HLSLayer layer;
  layer.kind = kind;
  layer.op = op;
  SmallVector<std::string> names;
  collectNames(op->getLoc(), names);
  layer.sourceName = llvm::join(names, ",");
  layer.name = uniqueName(op, fallback);
  if (failed(readWeights(op, weight, bias, layer)))
    return failure();
  return layer;
}

void Planner::addLayer(const HLSLayer &layer, const StageValue *in,
                       Value result) {
  plan.layers.push_back(layer);
  int64_t index = plan.layers.size() - 1;
  if (in)
    connect(*in, index);
  StageValue value;
  value.layer = index;
  value.channels = layer.cout;
  value.length = layer.outLength;
  value.type = layer.output;
  stages[result] = value;
}

int64_t Planner::connect(const StageValue &from, int64_t to) {
  HLSStream stream;
  stream.name = plan.layers[from.layer].name + "_to_" + plan.layers[to].name;
  stream.channels = from.channels;
  stream.type = from.type;
  stream.depth = 2;
  stream.elementsPerInference = from.length;
  stream.from = from.layer;
  stream.to = to;
  plan.streams.push_back(stream);
  int64_t index = plan.streams.size() - 1;
  plan.layers[from.layer].outStreams.push_back(index);
  plan.layers[to].inStreams.push_back(index);
  return index;
}

FailureOr<StageValue> Planner::lookup(Value value, Operation *user) {
  auto it = stages.find(value);
  if (it == stages.end()) {
    InFlightDiagnostic diag = user->emitError()
                              << "the hls target cannot map '"
                              << user->getName() << "' here: its input";
    if (Operation *def = value.getDefiningOp())
      diag << " comes from '" << def->getName()
           << "', which is not a stage of the hardware (supported: the "
              "quantized input, conv, recurrent_conv, dense with their "
              "requantize / max pool, reshape)";
    else
      diag << " is not the quantized model input";
    return failure();
  }
  return it->second;
}

FailureOr<HLSPlan> Planner::run() {
  mode = getRequantMode(module);
  SmallVector<func::FuncOp> funcs;
  module.walk([&](func::FuncOp func) {
    if (!func.isExternal())
      funcs.push_back(func);
  });
  if (funcs.size() != 1)
    return module.emitError("the hls target expects one network function, "
                            "found ")
           << funcs.size();
  func::FuncOp func = funcs.front();
  for (Operation &op : func.getBody().front())
    if (failed(visit(&op)))
      return failure();
  if (plan.inputs.size() != 1)
    return func.emitError("the hls target supports networks with exactly "
                          "one quantized input, this one has ")
           << plan.inputs.size();
  for (HLSLayer &layer : plan.layers)
    plan.hasRecurrentConv |= layer.kind == LayerKind::RecurrentConv;
  if (failed(setReuseFactors()))
    return failure();
  for (HLSLayer &layer : plan.layers) {
    plan.parameterCount += layer.weightCount + layer.biasCount;
  }
  plan.dataflow = plan.layers.size() > 1;
  return std::move(plan);
}

LogicalResult Planner::visit(Operation *op) {
  if (fused.contains(op) || isa<ConstantOp>(op))
    return success();
  if (auto quantize = dyn_cast<QuantizeOp>(op))
    return planQuantize(quantize);
  if (isa<ConvOp, RecurrentConvOp>(op))
    return planConv(op);
  if (auto dense = dyn_cast<DenseOp>(op))
    return planDense(dense);
  if (auto reshape = dyn_cast<ReshapeOp>(op)) {
    // A view: NCW data flattened c-major is the order a dense stage reads.
    FailureOr<StageValue> in = lookup(reshape.getInput(), op);
    if (failed(in))
      return failure();
    for (Operation *user : reshape->getUsers())
      if (!isa<DenseOp, DequantizeOp, func::ReturnOp>(user))
        return op->emitError("the hls target maps a reshape only when a "
                             "dense layer or a model output reads it, not '")
               << user->getName() << "'";
    stages[reshape.getResult()] = *in;
    return success();
  }
  if (isa<DequantizeOp>(op)) {
    for (Operation *user : op->getUsers())
      if (!isa<func::ReturnOp>(user))
        return op->emitError("the hls target dequantizes only model outputs "
                             "(float arithmetic stays in the testbench); "
                             "this result feeds '")
               << user->getName() << "'";
    return lookup(op->getOperand(0), op);
  }
  if (auto ret = dyn_cast<func::ReturnOp>(op))
    return planReturn(ret);
  return op->emitError("the hls target has no hardware for '")
         << op->getName()
         << "' (supported: quantize of the input, 1-D conv and "
            "recurrent_conv with requantize and max pool, dense, reshape, "
            "dequantize of outputs)";
}

LogicalResult Planner::planQuantize(QuantizeOp op) {
  auto arg = dyn_cast<BlockArgument>(op.getInput());
  if (!arg)
    return op.emitError("the hls target quantizes only the model input");
  if (!op.getInput().hasOneUse())
    return op.emitError("the hls target needs the float input to be read by "
                        "exactly one qnn.quantize");
  auto type = cast<RankedTensorType>(op.getType());
  quant::QuantizedType q = getQuantElementType(type);
  if (getQuantizedAxis(q))
    return op.emitError("the hls target quantizes the input per tensor "
                        "only");
  if (type.getRank() < 2 || type.getRank() > 3 || type.getDimSize(0) != 1)
    return op.emitError("the hls target takes a [1, C, L] or [1, F] input, "
                        "not ")
           << type;
  HLSPort port;
  port.name = "input";
  port.shape.assign(type.getShape().begin(), type.getShape().end());
  port.elements = type.getNumElements();
  port.type = getValueType(q);
  {
    SmallVector<double> scales = getScales(q);
    port.scales.assign(scales.begin(), scales.end());
  }
  auto func = cast<func::FuncOp>(arg.getOwner()->getParentOp());
  if (auto name = func.getArgAttrOfType<StringAttr>(arg.getArgNumber(),
                                                    "qnn.name"))
    port.sourceName = name.str();
  plan.inputs.push_back(port);

  HLSLayer layer;
  layer.kind = LayerKind::ReadInput;
  layer.name = "read_input";
  usedNames.insert(layer.name);
  layer.cin = layer.cout = type.getDimSize(1);
  layer.inLength = layer.convLength = layer.outLength =
      type.getRank() == 3 ? type.getDimSize(2) : 1;
  layer.input = layer.output = port.type;
  addLayer(layer, /*in=*/nullptr, op.getResult());
  return success();
}

Value Planner::fuseEpilogue(Value result, HLSLayer &layer, bool allowPool) {
  if (!result.hasOneUse())
    return result;
  auto requant = dyn_cast<RequantizeOp>(*result.getUsers().begin());
  if (!requant)
    return result;
  fused.insert(requant);
  layer.requantized = true;
  result = requant.getResult();
  layer.output = getValueType(getQuantElementType(result.getType()));
  if (!allowPool || !result.hasOneUse())
    return result;
  auto pool = dyn_cast<MaxPoolOp>(*result.getUsers().begin());
  if (!pool || pool.getKernel().size() != 1 ||
      llvm::any_of(pool.getPads(), [](int64_t p) { return p != 0; }) ||
      llvm::any_of(pool.getDilations(), [](int64_t d) { return d != 1; }))
    return result;
  fused.insert(pool);
  layer.poolKernel = pool.getKernel()[0];
  layer.poolStride = pool.getStrides()[0];
  return pool.getResult();
}

LogicalResult Planner::readWeights(Operation *op, Value weight, Value bias,
                                   HLSLayer &layer) {
  if (!weight.getDefiningOp<ConstantOp>() ||
      (bias && !bias.getDefiningOp<ConstantOp>()))
    return op->emitError("the hls target needs constant weights and bias");
  quant::QuantizedType wq = getQuantElementType(weight.getType());
  if (!wq)
    return op->emitError("the hls target needs quantized weights (a float "
                         "layer has no integer hardware)");
  layer.weight = getValueType(wq);
  if (llvm::any_of(getZeroPoints(wq), [](int64_t z) { return z != 0; }))
    return op->emitError("the hls target needs symmetric weights (zero "
                         "point 0)");
  layer.weightCount = cast<ShapedType>(weight.getType()).getNumElements();
  layer.hasBias = static_cast<bool>(bias);
  layer.biasCount =
      bias ? cast<ShapedType>(bias.getType()).getNumElements() : 0;
  return success();
}

LogicalResult Planner::planConv(Operation *op) {
  bool recurrent = isa<RecurrentConvOp>(op);
  Value input = op->getOperand(0), weight = op->getOperand(1);
  Value bias = recurrent ? cast<RecurrentConvOp>(op).getBias()
                         : cast<ConvOp>(op).getBias();
  auto inType = cast<RankedTensorType>(input.getType());
  auto weightType = cast<RankedTensorType>(weight.getType());
  if (inType.getRank() != 3)
    return op->emitError("the hls target maps 1-D convolutions only (NCW); "
                         "this one is ")
           << inType.getRank() - 2 << "-D";
  if (!isQuantized(inType))
    return op->emitError("the hls target maps quantized convolutions only; "
                         "this one is float");
  FailureOr<StageValue> in = lookup(input, op);
  if (failed(in))
    return failure();
  if (in->channels != inType.getDimSize(1) ||
      in->length != inType.getDimSize(2))
    return op->emitError("the hls target cannot feed this conv from a "
                         "reshaped value");

  FailureOr<HLSLayer> started = startWeightLayer(
      op, recurrent ? LayerKind::RecurrentConv : LayerKind::Conv,
      recurrent ? "rconv" : "conv", weight, bias);
  if (failed(started))
    return failure();
  HLSLayer &layer = *started;
  layer.input = in->type;
  layer.cin = inType.getDimSize(1);
  layer.cout = weightType.getDimSize(0);
  layer.kernel = weightType.getDimSize(2);
  ArrayRef<int64_t> strides, pads, dilations;
  std::optional<int64_t> accBits;
  if (auto conv = dyn_cast<ConvOp>(op)) {
    strides = conv.getStrides();
    pads = conv.getPads();
    dilations = conv.getDilations();
    layer.group = conv.getGroup();
    accBits = conv.getAccBits();
  } else {
    auto rconv = cast<RecurrentConvOp>(op);
    strides = rconv.getStrides();
    pads = rconv.getPads();
    dilations = rconv.getDilations();
    accBits = rconv.getAccBits();
  }
  layer.stride = strides[0];
  layer.padBegin = pads[0];
  layer.padEnd = pads[1];
  layer.dilation = dilations.empty() ? 1 : dilations[0];
  layer.accBits = accBits.value_or(32);
  layer.requantMantissaBits = getMantissaBits(mode);
  layer.macsPerPosition = layer.cout * (layer.cin / layer.group) * layer.kernel;

  Value result = op->getResult(0);
  if (auto rconv = dyn_cast<RecurrentConvOp>(op)) {
    SmallVector<SmallVector<int64_t>> shapes = rconv.getStepShapes();
    layer.iterations = rconv.getIterations();
    layer.requantized = true;
    layer.output = getValueType(getQuantElementType(rconv.getType()));
    if (auto pk = rconv.getPoolKernel()) {
      layer.poolKernel = (*pk)[0];
      layer.poolStride = (*rconv.getPoolStrides())[0];
    }
    for (int64_t s = 0; s < layer.iterations; ++s) {
      int64_t len = shapes[s][2];
      int64_t conv = getWindowOutputSize(len, layer.kernel, layer.stride,
                                         layer.padBegin, layer.padEnd,
                                         layer.dilation);
      layer.stepInLengths.push_back(len);
      layer.stepConvLengths.push_back(conv);
      layer.stepOutLengths.push_back(shapes[s + 1][2]);
    }
    layer.inLength = layer.stepInLengths.front();
    layer.convLength = layer.stepConvLengths.front();
    layer.outLength = layer.stepOutLengths.back();
  } else {
    result = fuseEpilogue(result, layer, /*allowPool=*/true);
    if (!layer.requantized)
      layer.output = getAccumulatorValueType(layer.accBits);
    layer.inLength = inType.getDimSize(2);
    layer.convLength = cast<ShapedType>(op->getResult(0).getType())
                           .getDimSize(2);
    layer.outLength = cast<ShapedType>(result.getType()).getDimSize(2);
  }
  addLayer(layer, &*in, result);
  return success();
}

LogicalResult Planner::planDense(DenseOp op) {
  auto inType = cast<RankedTensorType>(op.getInput().getType());
  if (!isQuantized(inType))
    return op.emitError("the hls target maps quantized dense layers only; "
                        "this one is float");
  if (inType.getRank() != 2 || inType.getDimSize(0) != 1)
    return op.emitError("the hls target maps a dense layer on a [1, F] "
                        "input, not ")
           << inType;
  FailureOr<StageValue> in = lookup(op.getInput(), op);
  if (failed(in))
    return failure();
  FailureOr<HLSLayer> started = startWeightLayer(
      op, LayerKind::Dense, "dense", op.getWeight(), op.getBias());
  if (failed(started))
    return failure();
  HLSLayer &layer = *started;
  layer.input = in->type;
  layer.cin = in->channels;
  layer.inLength = in->length;
  layer.cout = cast<ShapedType>(op.getWeight().getType()).getDimSize(0);
  layer.convLength = layer.outLength = 1;
  layer.accBits = op.getAccBits().value_or(32);
  layer.requantMantissaBits = getMantissaBits(mode);
  layer.macsPerPosition = layer.cin * layer.inLength;
  Value result = fuseEpilogue(op.getResult(), layer, /*allowPool=*/false);
  if (!layer.requantized)
    layer.output = getAccumulatorValueType(layer.accBits);
  addLayer(layer, &*in, result);
  return success();
}

LogicalResult Planner::planReturn(func::ReturnOp op) {
  auto func = op->getParentOfType<func::FuncOp>();
  for (auto [i, operand] : llvm::enumerate(op.getOperands())) {
    HLSPort port;
    port.name = op.getNumOperands() == 1 ? "output" : "output" +
                                                          std::to_string(i);
    auto type = cast<RankedTensorType>(operand.getType());
    port.shape.assign(type.getShape().begin(), type.getShape().end());
    port.elements = type.getNumElements();
    if (auto name = func.getResultAttrOfType<StringAttr>(i, "qnn.name"))
      port.sourceName = name.str();
    Value stageValue = operand;
    quant::QuantizedType q;
    if (auto dq = operand.getDefiningOp<DequantizeOp>()) {
      stageValue = dq.getInput();
      q = getQuantElementType(stageValue.getType());
      port.dequantized = true;
    } else {
      q = getQuantElementType(type);
      port.dequantized = false;
      if (!q)
        return op.emitError("the hls target returns quantized or dequantized "
                            "values only; output ")
               << i << " is " << type;
    }
    FailureOr<StageValue> from = lookup(stageValue, op);
    if (failed(from))
      return failure();
    if (from->layer == 0)
      return op.emitError("output ")
             << i << " is the quantized input itself: the hls target "
             << "needs at least one layer between input and output";
    port.type = from->type;
    SmallVector<double> scales = getScales(q);
    port.scales.assign(scales.begin(), scales.end());
    if (std::optional<int32_t> axis = getQuantizedAxis(q))
      port.channelAxis = *axis;
    plan.outputs.push_back(port);

    HLSLayer layer;
    layer.kind = LayerKind::WriteOutput;
    layer.name = op.getNumOperands() == 1 ? "write_output"
                                          : "write_output" + std::to_string(i);
    layer.cin = layer.cout = from->channels;
    layer.inLength = layer.convLength = layer.outLength = from->length;
    layer.input = layer.output = from->type;
    plan.layers.push_back(layer);
    connect(*from, plan.layers.size() - 1);
  }
  return success();
}

/// Rough pipeline depth of a MAC stage: read and shift (1), multiply (1),
/// an adder tree over the terms of one output (log2), the R - 1 extra
/// cycles a shared multiplier adds, requantization (multiply, round, clamp:
/// 3), the pool compare (1), the write (1).
static int64_t estimateDepth(const HLSLayer &layer) {
  int64_t termsPerOutput =
      layer.kind == LayerKind::Dense
          ? layer.macsPerPosition
          : layer.macsPerPosition / std::max<int64_t>(1, layer.cout);
  return 2 + log2Ceil(std::max<int64_t>(2, termsPerOutput + 1)) +
         (layer.reuseFactor - 1) + (layer.requantized ? 3 : 0) +
         (layer.poolKernel ? 1 : 0) + 1;
}

void Planner::derive(HLSLayer &layer) {
  layer.loops.clear();
  layer.buffers.clear();
  bool axis = options.interface == Interface::Axis;
  int64_t pixelInBits = layer.cin * layer.input.bits;
  int64_t pixelOutBits = layer.cout * layer.output.bits;
  auto loop = [](StringRef label, std::vector<int64_t> trips, int64_t ii,
                 int64_t depth) {
    HLSLoop l;
    l.label = label.str();
    l.tripCounts = std::move(trips);
    l.ii = ii;
    l.depth = depth;
    return l;
  };
  switch (layer.kind) {
  case LayerKind::ReadInput:
  case LayerKind::WriteOutput: {
    // One port value per cycle. AXI4-Stream beats come in NCW order, so
    // [C, L] data with C, L > 1 passes a transposition buffer (one bank per
    // channel); otherwise (and for ap_memory, which addresses freely) the
    // port is read or written directly, C cycles per position.
    bool input = layer.kind == LayerKind::ReadInput;
    int64_t c = layer.cin, l = layer.inLength;
    if (axis && c > 1 && l > 1) {
      layer.loops.push_back(loop(input ? "read" : "collect",
                                 {input ? c * l : l}, 1, 2));
      layer.loops.push_back(loop(input ? "emit" : "write",
                                 {input ? l : c * l}, 1, 2));
      HLSBuffer b{"buf", "transpose", c * l, layer.input.bits,
                  Storage::LUTRAM, c, 1};
      b.storage = chooseStorage(l, layer.input.bits, false);
      layer.buffers.push_back(b);
    } else {
      layer.loops.push_back(loop(input ? "emit" : "store", {l}, c, 2));
    }
    return;
  }
  default:
    break;
  }

  int64_t r = layer.reuseFactor;
  layer.multipliers = ceilDiv(layer.macsPerPosition, r);
  bool requantMultiplies = layer.requantized && mode != RequantMode::Pow2;
  layer.requantMultipliers =
      !requantMultiplies ? 0
      : layer.kind == LayerKind::Dense ? 1
                                       : ceilDiv(layer.cout, r);
  layer.ii = r;
  layer.depth = estimateDepth(layer);

  // Constants: fully partitioned into logic at R = 1, else banked so that
  // each bank serves one multiplier.
  auto constant = [&](StringRef name, StringRef role, int64_t elements,
                      int64_t bits, int64_t banks) {
    HLSBuffer b{name.str(), role.str(), elements, bits, Storage::ROMLogic,
                elements, 1};
    if (banks < elements) {
      b.banks = banks;
      b.storage = chooseStorage(ceilDiv(elements, banks), bits, true);
    }
    layer.buffers.push_back(b);
  };
  constant("weights", "weights", layer.weightCount, layer.weight.bits,
           layer.multipliers);
  if (layer.hasBias)
    constant("bias", "bias", layer.biasCount, layer.accBits,
             layer.kind == LayerKind::Dense ? 1 : ceilDiv(layer.cout, r));
  if (layer.requantized)
    constant("requant", "requant", layer.cout, 64,
             layer.kind == LayerKind::Dense ? 1 : ceilDiv(layer.cout, r));

  int64_t span = (layer.kernel - 1) * layer.dilation + 1;
  // The conv's line buffer and the fused pool's window, in registers.
  auto addWindowBuffers = [&] {
    layer.buffers.push_back(HLSBuffer{"window", "line buffer", span,
                                      pixelInBits, Storage::Registers, span,
                                      1});
    if (layer.poolKernel)
      layer.buffers.push_back(HLSBuffer{"pool_window", "pool window",
                                        layer.poolKernel, pixelOutBits,
                                        Storage::Registers, layer.poolKernel,
                                        1});
  };
  switch (layer.kind) {
  case LayerKind::Conv: {
    HLSLoop pos = loop("pos", {layer.padBegin + layer.inLength + layer.padEnd},
                       r, layer.depth);
    layer.loops.push_back(pos);
    addWindowBuffers();
    return;
  }
  case LayerKind::RecurrentConv: {
    int64_t maxLength = 0;
    for (int64_t s = 0; s < layer.iterations; ++s)
      maxLength = std::max({maxLength, layer.stepInLengths[s],
                            layer.stepOutLengths[s]});
    layer.loops.push_back(loop("load", {layer.inLength}, 1, 2));
    HLSLoop step = loop("step", {layer.iterations}, 1, 0);
    step.pipelined = false;
    layer.loops.push_back(step);
    std::vector<int64_t> trips;
    for (int64_t len : layer.stepInLengths)
      trips.push_back(layer.padBegin + len + layer.padEnd);
    HLSLoop pos = loop("pos", trips, r, layer.depth);
    pos.variableBound = true;
    layer.loops.push_back(pos);
    layer.loops.push_back(loop("store", {layer.outLength}, 1, 2));
    HLSBuffer pingPong{"buf", "ping-pong", maxLength, pixelInBits,
                       Storage::BRAM, 1, 2};
    pingPong.storage = chooseStorage(maxLength, pixelInBits, false);
    layer.buffers.push_back(pingPong);
    addWindowBuffers();
    return;
  }
  case LayerKind::Dense: {
    int64_t features = layer.macsPerPosition;
    layer.loops.push_back(loop("load", {layer.inLength}, 1, 2));
    layer.loops.push_back(loop("neuron", {layer.cout}, r, layer.depth));
    HLSBuffer x{"x", "input vector", features, layer.input.bits,
                Storage::Registers, features, 1};
    layer.buffers.push_back(x);
    return;
  }
  default:
    return;
  }
}

/// Whether `name` (of --reuse-factor NAME=N) is the layer's C name or one
/// of its ONNX node names.
static bool namesLayer(const HLSLayer &layer, StringRef name) {
  if (layer.name == name)
    return true;
  SmallVector<StringRef> sources;
  StringRef(layer.sourceName).split(sources, ',');
  return llvm::is_contained(sources, name);
}

/// The budget mode: while the estimated DSP48E1 use exceeds the budget,
/// raise the reuse factor of the free layer (no per-layer value) that uses
/// the most DSPs to the next value that removes at least one multiplier
/// (MAC or requantization). BRAM is then checked: reuse factors do not
/// shrink the fixed buffers, so a BRAM budget below them is an error.
LogicalResult Planner::fitBudget() {
  auto totalDsp = [&]() {
    int64_t dsp = 0;
    for (const HLSLayer &l : plan.layers)
      dsp += estimateDsp(l);
    return dsp;
  };
  auto totalBram = [&]() {
    int64_t bram = 0;
    for (const HLSLayer &l : plan.layers)
      for (const HLSBuffer &b : l.buffers)
        bram += estimateBram36(b);
    return bram;
  };
  auto isFree = [&](const HLSLayer &l) {
    return l.macsPerPosition > 0 &&
           llvm::none_of(options.layerReuseFactors, [&](const auto &kv) {
             return namesLayer(l, kv.first);
           });
  };
  while (totalDsp() > options.budgetDsp) {
    HLSLayer *best = nullptr;
    for (HLSLayer &l : plan.layers)
      if (isFree(l) && l.reuseFactor < l.macsPerPosition &&
          estimateDsp(l) > 0 && (!best || estimateDsp(l) > estimateDsp(*best)))
        best = &l;
    if (!best)
      return module.emitError("DSP budget too small: --budget-dsp ")
             << options.budgetDsp << " but the design needs at least "
             << totalDsp()
             << " DSP48E1 even with the largest reuse factors";
    int64_t before = estimateDsp(*best);
    while (best->reuseFactor < best->macsPerPosition) {
      ++best->reuseFactor;
      derive(*best);
      if (estimateDsp(*best) < before)
        break;
    }
  }
  if (totalBram() > options.budgetBram)
    return module.emitError("BRAM budget too small: --budget-bram ")
           << options.budgetBram << " but the buffers need " << totalBram()
           << " BRAM36";
  return success();
}

LogicalResult Planner::setReuseFactors() {
  // Per-layer values must name a MAC layer.
  for (const auto &[name, value] : options.layerReuseFactors) {
    auto it = llvm::find_if(plan.layers, [&](const HLSLayer &l) {
      return l.macsPerPosition > 0 && namesLayer(l, name);
    });
    if (it == plan.layers.end()) {
      SmallVector<std::string> known;
      for (const HLSLayer &l : plan.layers)
        if (l.macsPerPosition > 0)
          known.push_back(l.name);
      return module.emitError("--reuse-factor ")
             << name << "=" << value << ": no conv, recurrent conv or dense "
             << "layer is named '" << name << "' (layers: "
             << llvm::join(known, ", ") << ")";
    }
    if (value > it->macsPerPosition)
      return module.emitError("--reuse-factor ")
             << name << "=" << value << " exceeds the layer's "
             << it->macsPerPosition << " MACs per output position";
    it->reuseFactor = value;
  }
  for (HLSLayer &layer : plan.layers) {
    bool given = llvm::any_of(options.layerReuseFactors, [&](const auto &kv) {
      return namesLayer(layer, kv.first);
    });
    if (!given && layer.macsPerPosition > 0)
      layer.reuseFactor =
          std::min(options.fitBudget ? 1 : options.reuseFactor,
                   layer.macsPerPosition);
    derive(layer);
  }
  if (options.fitBudget)
    return fitBudget();
  return success();
}

} // namespace

FailureOr<HLSPlan> planHLS(ModuleOp module, const HLSOptions &options) {
  Planner planner(module, options);
  return planner.run();
}

//===----------------------------------------------------------------------===//
// Printing
//===----------------------------------------------------------------------===//

static std::string joinTrips(const std::vector<int64_t> &trips) {
  std::vector<std::string> parts;
  for (int64_t t : trips)
    parts.push_back(std::to_string(t));
  return llvm::join(parts, ",");
}

void printHLSPlan(const HLSPlan &plan, llvm::raw_ostream &os) {
  const HLSOptions &o = plan.options;
  os << "hls plan: top " << plan.top << ", part " << o.part << ", clock "
     << formatClock(o.clockNs) << " ns, interface "
     << (o.interface == Interface::Axis ? "axis" : "ap_memory")
     << ", dataflow " << (plan.dataflow ? "yes" : "no") << ", parameters "
     << plan.parameterCount << "\n";
  for (const HLSPort &p : plan.inputs)
    os << "port " << p.name << ": " << p.elements << " x " << p.type.cType()
       << " zp " << p.type.zeroPoint << "\n";
  for (const HLSPort &p : plan.outputs)
    os << "port " << p.name << ": " << p.elements << " x " << p.type.cType()
       << (p.dequantized ? " (dequantized in the testbench)" : "") << "\n";
  int64_t totalDsp = 0, totalBram = 0;
  for (const HLSLayer &l : plan.layers) {
    os << "layer " << l.name << ": " << stringifyLayerKind(l.kind);
    if (!l.sourceName.empty())
      os << " (" << l.sourceName << ")";
    os << "\n";
    if (l.kind == LayerKind::ReadInput || l.kind == LayerKind::WriteOutput) {
      os << "  channels " << l.cin << " length " << l.inLength << " type "
         << l.input.cType() << "\n";
    } else {
      os << "  cin " << l.cin << " cout " << l.cout;
      if (l.kind != LayerKind::Dense)
        os << " k " << l.kernel << " stride " << l.stride << " dilation "
           << l.dilation << " pads " << l.padBegin << "," << l.padEnd
           << " group " << l.group;
      os << "\n";
      if (l.kind == LayerKind::RecurrentConv)
        os << "  iterations " << l.iterations << " step lengths in "
           << joinTrips(l.stepInLengths) << " conv "
           << joinTrips(l.stepConvLengths) << " out "
           << joinTrips(l.stepOutLengths) << "\n";
      else
        os << "  length in " << l.inLength << " conv " << l.convLength
           << " out " << l.outLength << "\n";
      if (l.poolKernel)
        os << "  maxpool k " << l.poolKernel << " stride " << l.poolStride
           << "\n";
      os << "  types in " << l.input.cType() << " zp " << l.input.zeroPoint
         << " weight " << l.weight.cType() << " acc ap_int<" << l.accBits
         << "> out " << l.output.cType()
         << (l.requantized ? " (requantized)" : " (accumulator)") << "\n";
      os << "  macs/position " << l.macsPerPosition << " R " << l.reuseFactor
         << " multipliers " << l.multipliers << " requant multipliers "
         << l.requantMultipliers << " II " << l.ii << " depth " << l.depth
         << " dsp " << estimateDsp(l) << "\n";
      os << "  parameters weights " << l.weightCount << " bias "
         << l.biasCount << "\n";
      totalDsp += estimateDsp(l);
    }
    for (const HLSLoop &loop : l.loops)
      os << "  loop " << loop.label << " trips " << joinTrips(loop.tripCounts)
         << (loop.pipelined ? " II " + std::to_string(loop.ii)
                            : std::string(" sequential"))
         << " depth " << loop.depth << (loop.variableBound ? " tripcount" : "")
         << "\n";
    for (const HLSBuffer &b : l.buffers) {
      os << "  buffer " << b.name << " (" << b.role << "): " << b.elements
         << " x " << b.elementBits << " bits x" << b.copies << " "
         << stringifyStorage(b.storage) << " banks " << b.banks << " bram36 "
         << estimateBram36(b) << "\n";
      totalBram += estimateBram36(b);
    }
  }
  for (const HLSStream &s : plan.streams)
    os << "stream " << s.name << ": " << s.channels << " x " << s.type.cType()
       << " (" << s.elementBits() << " bits) depth " << s.depth << ", "
       << s.elementsPerInference << " per inference\n";
  os << "total: dsp48e1 " << totalDsp << " of " << o.budgetDsp << ", bram36 "
     << totalBram << " of " << o.budgetBram << "\n";
}

} // namespace qrcnn::hls
