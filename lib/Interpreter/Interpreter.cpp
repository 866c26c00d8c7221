//===- Interpreter.cpp - the golden model ---------------------------------===//
//
// `create` turns each op of the function into a step: a closure over plain
// data (Window, ChannelLayout, requantization parameters, buffer pointers)
// that calls a loop of Kernels.h. Every SSA value owns one buffer, written
// only by its producer, so constants are filled once at prepare time and
// reshapes alias their input.
//
//===----------------------------------------------------------------------===//
#include "qrcnn/Interpreter/Interpreter.h"
#include "qrcnn/Dialect/QNN/QNNOps.h"
#include "qrcnn/Dialect/QNN/QuantTypeUtils.h"
#include "qrcnn/Dialect/QNN/Requantization.h"
#include "qrcnn/Interpreter/Kernels.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/TypeSwitch.h"
#include "llvm/Support/MathExtras.h"

#include <cstring>
#include <functional>

using namespace mlir;
using namespace mlir::quant;
using namespace qrcnn::qnn;
using namespace qrcnn::interp;

namespace qrcnn {

namespace {

/// The values of one SSA tensor: stored integers (quantized tensors, argmax
/// indices) or floats.
struct Buffer {
  bool isFloat = true;
  /// Filled at prepare time (a constant), so its contents are known.
  bool isConstant = false;
  std::vector<float> floats;
  std::vector<int32_t> ints;

  int64_t size() const {
    return isFloat ? static_cast<int64_t>(floats.size())
                   : static_cast<int64_t>(ints.size());
  }
};

/// One executable step; fails (with a diagnostic) only on accumulator
/// overflow.
using Step = std::function<LogicalResult()>;

/// A quantized type resolved into plain numbers.
struct QuantParams {
  SmallVector<double> scales;
  SmallVector<float> floatScales;
  SmallVector<int32_t> zeroPoints;
  std::optional<int32_t> axis;
  int32_t lo = 0, hi = 0;
  /// Largest |q - z| over the storage range (per tensor types).
  int64_t maxAbsShifted() const {
    return std::max(std::abs(int64_t(lo) - zeroPoints.front()),
                    std::abs(int64_t(hi) - zeroPoints.front()));
  }
};

QuantParams resolve(QuantizedType q) {
  QuantParams p;
  p.scales = getScales(q);
  for (double s : p.scales)
    p.floatScales.push_back(static_cast<float>(s));
  for (int64_t z : getZeroPoints(q))
    p.zeroPoints.push_back(static_cast<int32_t>(z));
  p.axis = getQuantizedAxis(q);
  p.lo = static_cast<int32_t>(q.getStorageTypeMin());
  p.hi = static_cast<int32_t>(q.getStorageTypeMax());
  return p;
}

/// [outer, channels, inner] of `shape` around `axis` (all outer when none).
ChannelLayout layoutAround(ArrayRef<int64_t> shape,
                           std::optional<int32_t> axis) {
  ChannelLayout l;
  int64_t total = ShapedType::getNumElements(shape);
  if (!axis) {
    l.outer = total;
    return l;
  }
  for (int32_t d = 0; d < *axis; ++d)
    l.outer *= shape[d];
  l.channels = shape[*axis];
  l.inner = total / std::max<int64_t>(1, l.outer * l.channels);
  return l;
}

/// A sliding window over NCW or NCHW shapes.
Window makeWindow(ArrayRef<int64_t> in, ArrayRef<int64_t> out,
                  ArrayRef<int64_t> kernel, ArrayRef<int64_t> strides,
                  ArrayRef<int64_t> pads, ArrayRef<int64_t> dilations,
                  int64_t group) {
  Window w;
  w.batch = in[0];
  w.inChannels = in[1];
  w.outChannels = out[1];
  w.group = group;
  if (in.size() == 3) {
    w.inW = in[2];
    w.outW = out[2];
    w.kernelW = kernel[0];
    w.strideW = strides[0];
    w.dilationW = dilations.empty() ? 1 : dilations[0];
    w.padLeft = pads[0];
    w.padRight = pads[1];
    return w;
  }
  w.inH = in[2];
  w.inW = in[3];
  w.outH = out[2];
  w.outW = out[3];
  w.kernelH = kernel[0];
  w.kernelW = kernel[1];
  w.strideH = strides[0];
  w.strideW = strides[1];
  w.dilationH = dilations.empty() ? 1 : dilations[0];
  w.dilationW = dilations.empty() ? 1 : dilations[1];
  w.padTop = pads[0];
  w.padLeft = pads[1];
  w.padBottom = pads[2];
  w.padRight = pads[3];
  return w;
}

/// Numpy broadcasting of `lhs` and `rhs` onto `result`: row-major strides
/// of each operand aligned to the result's trailing dimensions, 0 where the
/// operand broadcasts.
Broadcast makeBroadcast(ShapedType lhs, ShapedType rhs, ShapedType result) {
  int64_t rank = result.getRank();
  auto stridesFor = [&](ShapedType t) {
    std::vector<int64_t> strides(rank, 0);
    int64_t stride = 1;
    for (int64_t d = t.getRank() - 1; d >= 0; --d) {
      int64_t r = d + rank - t.getRank();
      strides[r] = t.getDimSize(d) == 1 ? 0 : stride;
      stride *= t.getDimSize(d);
    }
    return strides;
  };
  return Broadcast{std::vector<int64_t>(result.getShape().begin(),
                                        result.getShape().end()),
                   stridesFor(lhs), stridesFor(rhs)};
}

/// Elements of `shape`, or nothing when the product overflows int64.
std::optional<int64_t> checkedElementCount(ArrayRef<int64_t> shape) {
  int64_t count = 1;
  for (int64_t d : shape)
    if (d < 0 || llvm::MulOverflow(count, d, count))
      return std::nullopt;
  return count;
}

/// Saturating arithmetic for the budgets: a count past int64 stays at the
/// maximum, which exceeds every limit.
constexpr int64_t kSaturated = std::numeric_limits<int64_t>::max();
int64_t satMul(int64_t a, int64_t b) {
  int64_t r;
  return llvm::MulOverflow(a, b, r) ? kSaturated : r;
}
int64_t satAdd(int64_t a, int64_t b) {
  int64_t r;
  return llvm::AddOverflow(a, b, r) ? kSaturated : r;
}
int64_t satCount(ArrayRef<int64_t> shape) {
  return checkedElementCount(shape).value_or(kSaturated);
}

/// One buffer an op will allocate, as the byte budget sees it.
struct BufferNeed {
  std::string what;
  SmallVector<int64_t> shape;
  int64_t bytesPerValue = 4;
  int64_t copies = 1;

  int64_t bytes() const {
    return satMul(satMul(satCount(shape), bytesPerValue), copies);
  }
};

/// What one op costs, from its types alone: the buffers `create` allocates
/// for it and the operations of one sample's run.
struct OpCost {
  SmallVector<BufferNeed, 4> buffers;
  int64_t operations = 0;
  /// Where the operations come from, for the diagnostic.
  std::string how;

  void add(int64_t ops, const std::string &what) {
    operations = satAdd(operations, ops);
    how += (how.empty() ? "" : " + ") + what;
  }
};

/// `shape` with each spatial dimension (from index 2) grown by its pads
/// (all begins, then all ends): the conv's zero-padded input.
std::optional<SmallVector<int64_t>> paddedShape(ArrayRef<int64_t> shape,
                                                ArrayRef<int64_t> pads) {
  SmallVector<int64_t> padded(shape);
  size_t spatial = shape.size() - 2;
  if (pads.size() != 2 * spatial)
    return std::nullopt;
  for (size_t d = 0; d < spatial; ++d)
    if (llvm::AddOverflow(padded[d + 2], pads[d], padded[d + 2]) ||
        llvm::AddOverflow(padded[d + 2], pads[d + spatial], padded[d + 2]))
      return std::nullopt;
  return padded;
}

constexpr double kInt32Limit = 2147483647.0;
/// Beyond this an int64 accumulator or rescaled sum could overflow.
constexpr double kInt64SafeLimit = 4611686018427387904.0; // 2^62

} // namespace

struct Interpreter::Impl {
  std::vector<std::unique_ptr<Buffer>> buffers;
  llvm::DenseMap<Value, Buffer *> values;
  std::vector<Step> steps;
  SmallVector<TensorInfo> inputs, outputs;
  SmallVector<Buffer *> inputBuffers, outputBuffers;
  std::vector<float> outputSteps;
  int64_t inputSize = 0, outputSize = 0;
  RequantMode mode = RequantMode::Exact;

  LogicalResult prepare(func::FuncOp func);

  Limits limits;
  /// Bytes allocated so far (every buffer, accumulator and table), and
  /// what checkBudgets computed: an upper bound of the bytes (it counts the
  /// int64 accumulators that only some convs need) and the operations of
  /// one run.
  int64_t allocatedBytes = 0, budgetedBytes = 0, operationsPerSample = 0;

private:
  LogicalResult checkBudgets(func::FuncOp func);
  OpCost costOf(Operation *op);
  FailureOr<Buffer *> allocate(Operation *op, Value value);
  Buffer *lookup(Value value) { return values.lookup(value); }
  /// Every allocation goes through here or `charge`, so that
  /// allocatedBytes is the whole footprint.
  template <typename T> std::shared_ptr<std::vector<T>> table(int64_t size) {
    charge(size, sizeof(T));
    return std::make_shared<std::vector<T>>(size);
  }
  void charge(int64_t values, int64_t bytesPerValue) {
    allocatedBytes += values * bytesPerValue;
    assert(allocatedBytes <= budgetedBytes &&
           "checkBudgets must bound every allocation");
  }
  Buffer *scratch(bool isFloat, int64_t size) {
    charge(size, 4);
    buffers.push_back(std::make_unique<Buffer>());
    Buffer *b = buffers.back().get();
    b->isFloat = isFloat;
    if (isFloat)
      b->floats.assign(size, 0.0f);
    else
      b->ints.assign(size, 0);
    return b;
  }
  FailureOr<rt::RequantParams> requantParams(Operation *op, double multiplier,
                                             StringRef what);
  FailureOr<bool> needsWideAccumulator(Operation *op, Buffer *weight,
                                       Buffer *bias, Type weightType,
                                       int64_t outChannels,
                                       int64_t weightsPerChannel,
                                       int64_t maxAbsInput);

  LogicalResult visit(ConstantOp op);
  LogicalResult visit(QuantizeOp op);
  LogicalResult visit(DequantizeOp op);
  LogicalResult visit(RequantizeOp op);
  LogicalResult visit(ConvOp op);
  LogicalResult visit(RecurrentConvOp op);
  LogicalResult visit(DenseOp op);
  LogicalResult visit(MaxPoolOp op);
  LogicalResult visit(AvgPoolOp op);
  LogicalResult visit(AddOp op);
  LogicalResult visit(ClampOp op);
  LogicalResult visit(ReshapeOp op);
  LogicalResult visit(ArgMaxOp op);
  LogicalResult visit(MulOp op);
  LogicalResult visit(LeakyReluOp op);
  LogicalResult visit(SoftmaxOp op);
  LogicalResult visit(TransposeOp op);
  LogicalResult visit(arith::ConstantOp op);
  LogicalResult visit(func::ReturnOp op);
};

//===----------------------------------------------------------------------===//
// Buffers and shared checks
//===----------------------------------------------------------------------===//

/// The buffers and operations of `op`, mirroring what its visitor
/// allocates and what its step does per sample. Ops whose types the
/// visitor rejects (dynamic shapes, ...) cost nothing here: the visitor
/// reports them.
OpCost Interpreter::Impl::costOf(Operation *op) {
  OpCost cost;
  auto shapeOf = [](Value v) -> std::optional<SmallVector<int64_t>> {
    auto type = dyn_cast<RankedTensorType>(v.getType());
    if (!type || !type.hasStaticShape())
      return std::nullopt;
    return SmallVector<int64_t>(type.getShape());
  };
  auto count = [&](Value v) {
    std::optional<SmallVector<int64_t>> shape = shapeOf(v);
    return shape ? satCount(*shape) : 0;
  };
  // Results own a buffer each, except a reshape's (it aliases its input).
  if (!isa<ReshapeOp>(op))
    for (Value result : op->getResults())
      if (std::optional<SmallVector<int64_t>> shape = shapeOf(result))
        cost.buffers.push_back({"a result", *shape});
  // Elementwise steps: one operation per result element.
  auto perElement = [&](Value result, int64_t passes = 1) {
    cost.add(satMul(count(result), passes),
             std::to_string(count(result)) + " elements" +
                 (passes > 1 ? " x " + std::to_string(passes) + " passes"
                             : ""));
  };
  auto padded = [&](ArrayRef<int64_t> shape, ArrayRef<int64_t> pads)
      -> SmallVector<int64_t> {
    std::optional<SmallVector<int64_t>> p = paddedShape(shape, pads);
    // An int64 overflow saturates: the budget refuses it.
    return p ? *p : SmallVector<int64_t>{kSaturated};
  };
  auto macs = [&](ArrayRef<int64_t> outShape, int64_t perOutput) {
    cost.add(satMul(satCount(outShape), perOutput),
             formatShape(outShape) + " outputs x " +
                 std::to_string(perOutput) + " multiply-accumulates");
  };

  if (auto conv = dyn_cast<ConvOp>(op)) {
    auto in = shapeOf(conv.getInput()), w = shapeOf(conv.getWeight()),
         out = shapeOf(conv.getResult());
    if (!in || !w || !out || in->size() < 3 || w->empty())
      return cost;
    SmallVector<int64_t> p = padded(*in, conv.getPads());
    cost.buffers.push_back({"the padded input", p});
    if (isQuantized(conv.getInput().getType()))
      cost.buffers.push_back({"the int64 accumulators", *out, 8});
    cost.add(satCount(p), "padding " + std::to_string(satCount(p)));
    macs(*out, satCount(ArrayRef<int64_t>(*w).drop_front()));
    return cost;
  }
  if (auto dense = dyn_cast<DenseOp>(op)) {
    auto in = shapeOf(dense.getInput()), out = shapeOf(dense.getResult());
    if (!in || !out || in->size() != 2)
      return cost;
    if (isQuantized(dense.getInput().getType())) {
      cost.buffers.push_back({"the zero-shifted input", *in});
      cost.buffers.push_back({"the int64 accumulators", *out, 8});
      cost.add(satCount(*in), "shifting " + std::to_string(satCount(*in)));
    }
    macs(*out, (*in)[1]);
    return cost;
  }
  if (auto rc = dyn_cast<RecurrentConvOp>(op)) {
    auto w = shapeOf(rc.getWeight());
    SmallVector<SmallVector<int64_t>> shapes = rc.getStepShapes();
    if (!w || shapes.size() < 2)
      return cost;
    ArrayRef<int64_t> kernel = ArrayRef<int64_t>(*w).drop_front(2);
    int64_t perOutput = satCount(ArrayRef<int64_t>(*w).drop_front());
    int64_t poolTaps =
        rc.getPoolKernel() ? satCount(*rc.getPoolKernel()) : 0;
    SmallVector<int64_t> maxPadded{0}, maxConv{0}, maxOut{0};
    int64_t ops = 0, steps = static_cast<int64_t>(shapes.size()) - 1;
    for (int64_t s = 0; s < steps; ++s) {
      SmallVector<int64_t> p = padded(shapes[s], rc.getPads());
      SmallVector<int64_t> conv = getWindowResultShape(
          shapes[s], (*w)[0], kernel, rc.getStrides(), rc.getPads(),
          rc.getDilations());
      // Pad, multiply-accumulate, requantize, pool.
      ops = satAdd(ops, satCount(p));
      ops = satAdd(ops, satMul(satCount(conv), satAdd(perOutput, 1)));
      ops = satAdd(ops, satMul(satCount(shapes[s + 1]), poolTaps));
      if (satCount(p) > satCount(maxPadded))
        maxPadded = p;
      if (satCount(conv) > satCount(maxConv))
        maxConv = conv;
      if (satCount(shapes[s + 1]) > satCount(maxOut))
        maxOut = shapes[s + 1];
    }
    cost.buffers.push_back({"the largest step's padded input", maxPadded});
    cost.buffers.push_back(
        {"the largest step's accumulators and requantized values", maxConv,
         4, 2});
    cost.buffers.push_back({"the int64 accumulators", maxConv, 8});
    cost.buffers.push_back({"the ping-pong buffers", maxOut, 4, 2});
    cost.add(ops, std::to_string(steps) + " steps of " +
                      std::to_string(perOutput) +
                      " multiply-accumulates per output");
    return cost;
  }
  auto poolCost = [&](Value result, ArrayRef<int64_t> kernel) {
    int64_t taps = satCount(kernel);
    cost.add(satMul(count(result), taps),
             std::to_string(count(result)) + " outputs x " +
                 std::to_string(taps) + " window taps");
    return taps;
  };
  if (auto pool = dyn_cast<MaxPoolOp>(op)) {
    poolCost(pool.getResult(), pool.getKernel());
    return cost;
  }
  if (auto pool = dyn_cast<AvgPoolOp>(op)) {
    int64_t taps = poolCost(pool.getResult(), pool.getKernel());
    if (isQuantized(pool.getInput().getType())) {
      // One multiplier per possible window count, computed at prepare time.
      cost.buffers.push_back({"the table of average multipliers",
                              {satAdd(taps, 1)},
                              int64_t(sizeof(rt::RequantParams))});
      cost.add(taps, "a multiplier per window count");
    }
    return cost;
  }
  if (auto argmax = dyn_cast<ArgMaxOp>(op)) {
    Value input = argmax.getInput();
    QuantizedType q = getQuantElementType(input.getType());
    if (q && getQuantizedAxis(q))
      if (std::optional<SmallVector<int64_t>> in = shapeOf(input)) {
        cost.buffers.push_back({"the dequantized input", *in});
        perElement(input);
      }
    perElement(input);
    return cost;
  }
  if (auto softmax = dyn_cast<SoftmaxOp>(op)) {
    perElement(softmax.getResult(), 3); // max, exponentials, division
    return cost;
  }
  if (auto ret = dyn_cast<func::ReturnOp>(op)) {
    // Each output's quantization steps; a run copies every output out.
    for (Value v : ret.getOperands())
      if (std::optional<SmallVector<int64_t>> shape = shapeOf(v)) {
        cost.buffers.push_back({"the quantization steps of an output",
                                *shape});
        perElement(v);
      }
    return cost;
  }
  if (isa<QuantizeOp, DequantizeOp, RequantizeOp, AddOp, MulOp, ClampOp,
          LeakyReluOp, TransposeOp>(op))
    perElement(op->getResult(0));
  return cost; // constants: filled once by `create`, nothing per sample
}

/// Adds up the buffers and operations of the whole function before anything
/// is allocated and refuses, naming the op, at the first one that takes
/// either past its limit.
LogicalResult Interpreter::Impl::checkBudgets(func::FuncOp func) {
  int64_t bytes = 0, operations = 0;
  auto checkBuffers = [&](Operation *op, ArrayRef<BufferNeed> needs) {
    for (const BufferNeed &need : needs) {
      int64_t size = need.bytes();
      if (size <= limits.maxBufferBytes - bytes) {
        bytes += size;
        continue;
      }
      std::optional<int64_t> values = checkedElementCount(need.shape);
      InFlightDiagnostic diag = op->emitOpError();
      diag << "the golden model's buffers would exceed "
           << limits.maxBufferBytes << " bytes: " << need.what
           << (need.copies > 1 ? " (" + std::to_string(need.copies) +
                                     " buffers)"
                               : std::string())
           << " of shape " << formatShape(need.shape) << " ("
           << (values ? std::to_string(*values)
                      : std::string("more than 2^63"))
           << " values of " << need.bytesPerValue << " bytes)";
      if (bytes > 0)
        diag << " on top of " << bytes << " bytes of earlier buffers";
      return failure();
    }
    return success();
  };
  auto checkOperations = [&](Operation *op, const OpCost &cost) {
    if (cost.operations <= limits.maxOperationsPerSample - operations) {
      operations += cost.operations;
      return success();
    }
    InFlightDiagnostic diag = op->emitOpError();
    diag << "the golden model's run would exceed "
         << limits.maxOperationsPerSample
         << " operations per sample: this op does ";
    if (cost.operations == kSaturated)
      diag << "more than 2^63";
    else
      diag << cost.operations;
    diag << " (" << cost.how << ")";
    if (operations > 0)
      diag << " on top of " << operations << " by the ops before it";
    return failure();
  };

  OpCost inputs;
  for (BlockArgument arg : func.getArguments()) {
    auto type = dyn_cast<RankedTensorType>(arg.getType());
    if (!type || !type.hasStaticShape())
      continue; // prepare reports it
    inputs.buffers.push_back({"argument #" + std::to_string(arg.getArgNumber()),
                              SmallVector<int64_t>(type.getShape())});
    inputs.add(satCount(type.getShape()), "copying the input in");
  }
  if (failed(checkBuffers(func, inputs.buffers)) ||
      failed(checkOperations(func, inputs)))
    return failure();
  for (Operation &op : func.getBody().front()) {
    OpCost cost = costOf(&op);
    if (failed(checkBuffers(&op, cost.buffers)) ||
        failed(checkOperations(&op, cost)))
      return failure();
  }
  budgetedBytes = bytes;
  operationsPerSample = operations;
  return success();
}

FailureOr<Buffer *> Interpreter::Impl::allocate(Operation *op, Value value) {
  auto type = dyn_cast<RankedTensorType>(value.getType());
  if (!type || !type.hasStaticShape())
    return op->emitOpError("the interpreter needs statically shaped tensors, "
                           "got ")
           << value.getType();
  Type element = type.getElementType();
  bool isFloat;
  if (element.isF32()) {
    isFloat = true;
  } else if (QuantizedType q = getQuantElementType(type)) {
    // Stored integers live in int32: every signed storage up to 32 bits and
    // unsigned up to 31 bits fits.
    if (!q.isSigned() && q.getStorageTypeIntegralWidth() > 31)
      return op->emitOpError("unsigned 32-bit quantized storage is not "
                             "supported by the interpreter");
    isFloat = false;
  } else if (element.isInteger(64)) {
    isFloat = false; // argmax indices
  } else {
    return op->emitOpError("the interpreter does not handle element type ")
           << element;
  }
  Buffer *b = scratch(isFloat, type.getNumElements());
  values[value] = b;
  return b;
}

FailureOr<rt::RequantParams>
Interpreter::Impl::requantParams(Operation *op, double multiplier,
                                 StringRef what) {
  std::string error;
  std::optional<rt::RequantParams> params =
      computeRequantParams(multiplier, mode, &error);
  if (!params)
    return op->emitOpError() << what << ": " << error;
  return *params;
}

/// Decides the accumulator of a conv/dense from a bound on |acc|: int32
/// when |bias| + sum|w| * max|x - zx| fits (no check needed at run time),
/// int64 with a check of every result otherwise.
FailureOr<bool> Interpreter::Impl::needsWideAccumulator(
    Operation *op, Buffer *weight, Buffer *bias, Type weightType,
    int64_t outChannels, int64_t weightsPerChannel, int64_t maxAbsInput) {
  QuantParams wq = resolve(getQuantElementType(weightType));
  double maxAbsWeight =
      std::max(std::abs(double(wq.lo)), std::abs(double(wq.hi)));
  double bound = 0;
  for (int64_t c = 0; c < outChannels; ++c) {
    double sumAbsWeight = 0;
    if (weight->isConstant) {
      for (int64_t k = 0; k < weightsPerChannel; ++k)
        sumAbsWeight +=
            std::abs(double(weight->ints[c * weightsPerChannel + k]));
    } else {
      sumAbsWeight = maxAbsWeight * weightsPerChannel;
    }
    double biasBound = !bias ? 0.0
                       : bias->isConstant ? std::abs(double(bias->ints[c]))
                                          : kInt32Limit + 1;
    bound = std::max(bound, biasBound + sumAbsWeight * maxAbsInput);
  }
  if (bound >= kInt64SafeLimit)
    return op->emitOpError() << "accumulator bound " << bound
                             << " exceeds 2^62: the inputs are too wide";
  return bound > kInt32Limit;
}

//===----------------------------------------------------------------------===//
// Ops
//===----------------------------------------------------------------------===//

namespace {

/// Reads the integers of a constant, sign- or zero-extending them as the
/// quantized type says. Handles dense and dense_resource attributes.
LogicalResult readIntegers(ConstantOp op, bool isSigned,
                           std::vector<int32_t> &out) {
  ElementsAttr attr = op.getValue();
  auto intType = cast<IntegerType>(attr.getShapedType().getElementType());
  if (auto dense = dyn_cast<DenseIntElementsAttr>(attr)) {
    size_t i = 0;
    for (const APInt &v : dense.getValues<APInt>())
      out[i++] = static_cast<int32_t>(isSigned ? v.getSExtValue()
                                               : v.getZExtValue());
    return success();
  }
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(attr)) {
    AsmResourceBlob *blob = resource.getRawHandle().getBlob();
    unsigned width = intType.getWidth();
    if (!blob || (width != 8 && width != 16 && width != 32))
      return op.emitOpError("cannot read this dense_resource constant");
    ArrayRef<char> data = blob->getData();
    size_t bytes = width / 8;
    if (data.size() != out.size() * bytes)
      return op.emitOpError("dense_resource constant has the wrong size");
    for (size_t i = 0; i < out.size(); ++i) {
      uint32_t raw = 0;
      std::memcpy(&raw, data.data() + i * bytes, bytes); // little endian
      int64_t v = raw;
      if (isSigned && width < 32 && (raw >> (width - 1)) & 1)
        v -= int64_t(1) << width;
      else if (isSigned && width == 32)
        v = static_cast<int32_t>(raw);
      out[i] = static_cast<int32_t>(v);
    }
    return success();
  }
  return op.emitOpError("unsupported constant attribute kind");
}

LogicalResult readFloats(ConstantOp op, std::vector<float> &out) {
  ElementsAttr attr = op.getValue();
  if (auto dense = dyn_cast<DenseFPElementsAttr>(attr)) {
    size_t i = 0;
    for (float v : dense.getValues<float>())
      out[i++] = v;
    return success();
  }
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(attr)) {
    AsmResourceBlob *blob = resource.getRawHandle().getBlob();
    if (!blob || blob->getData().size() != out.size() * sizeof(float))
      return op.emitOpError("cannot read this dense_resource constant");
    std::memcpy(out.data(), blob->getData().data(),
                out.size() * sizeof(float));
    return success();
  }
  return op.emitOpError("unsupported constant attribute kind");
}

/// The diagnostic of a run-time accumulator overflow.
LogicalResult reportOverflow(Location loc, StringRef opName, int64_t index,
                             int64_t value) {
  return emitError(loc) << "'" << opName << "' op accumulator value " << value
                        << " at element " << index
                        << " overflows its i32 result type";
}

} // namespace

LogicalResult Interpreter::Impl::visit(ConstantOp op) {
  FailureOr<Buffer *> out = allocate(op, op.getResult());
  if (failed(out))
    return failure();
  (*out)->isConstant = true;
  if ((*out)->isFloat)
    return readFloats(op, (*out)->floats);
  return readIntegers(op, getQuantElementType(op.getType()).isSigned(),
                      (*out)->ints);
}

/// A plain tensor constant (the importer folds e.g. ONNX Shape into one):
/// f32, or integers that fit int32 (held like argmax indices).
LogicalResult Interpreter::Impl::visit(arith::ConstantOp op) {
  auto type = dyn_cast<RankedTensorType>(op.getType());
  auto dense = dyn_cast<DenseElementsAttr>(op.getValue());
  if (!type || !dense || (!type.getElementType().isF32() &&
                          !type.getElementType().isSignlessInteger()))
    return op.emitOpError("is not supported by the interpreter (golden "
                          "model): only f32 and integer tensor constants");
  charge(type.getNumElements(), 4);
  auto b = std::make_unique<Buffer>();
  b->isConstant = true;
  b->isFloat = type.getElementType().isF32();
  if (b->isFloat) {
    for (float v : dense.getValues<float>())
      b->floats.push_back(v);
  } else {
    for (const APInt &v : dense.getValues<APInt>()) {
      int64_t x = v.getBitWidth() == 1 ? v.getZExtValue() : v.getSExtValue();
      if (x < std::numeric_limits<int32_t>::min() ||
          x > std::numeric_limits<int32_t>::max())
        return op.emitOpError() << "integer constant " << x
                                << " does not fit the interpreter's int32";
      b->ints.push_back(static_cast<int32_t>(x));
    }
  }
  values[op.getResult()] = b.get();
  buffers.push_back(std::move(b));
  return success();
}

LogicalResult Interpreter::Impl::visit(QuantizeOp op) {
  FailureOr<Buffer *> out = allocate(op, op.getResult());
  if (failed(out))
    return failure();
  Buffer *in = lookup(op.getInput()), *result = *out;
  QuantParams q = resolve(getQuantElementType(op.getType()));
  ChannelLayout layout = layoutAround(op.getType().getShape(), q.axis);
  steps.push_back([=]() {
    quantize(layout, in->floats.data(), q.floatScales.data(),
             q.zeroPoints.data(), q.lo, q.hi, result->ints.data());
    return success();
  });
  return success();
}

LogicalResult Interpreter::Impl::visit(DequantizeOp op) {
  FailureOr<Buffer *> out = allocate(op, op.getResult());
  if (failed(out))
    return failure();
  Buffer *in = lookup(op.getInput()), *result = *out;
  QuantParams q = resolve(getQuantElementType(op.getInput().getType()));
  ChannelLayout layout = layoutAround(op.getType().getShape(), q.axis);
  steps.push_back([=]() {
    dequantize(layout, in->ints.data(), q.floatScales.data(),
               q.zeroPoints.data(), result->floats.data());
    return success();
  });
  return success();
}

LogicalResult Interpreter::Impl::visit(RequantizeOp op) {
  FailureOr<Buffer *> out = allocate(op, op.getResult());
  if (failed(out))
    return failure();
  Buffer *in = lookup(op.getInput()), *result = *out;
  QuantParams qin = resolve(getQuantElementType(op.getInput().getType()));
  QuantParams qout = resolve(getQuantElementType(op.getType()));
  ChannelLayout layout = layoutAround(op.getType().getShape(), qin.axis);
  std::vector<rt::RequantParams> params;
  for (double s : qin.scales) {
    FailureOr<rt::RequantParams> p =
        requantParams(op, s / qout.scales.front(), "requantization");
    if (failed(p))
      return failure();
    params.push_back(*p);
  }
  std::vector<int32_t> zeroIn(qin.zeroPoints.begin(), qin.zeroPoints.end());
  int32_t zeroOut = qout.zeroPoints.front();
  steps.push_back([=]() {
    requantize(layout, in->ints.data(), zeroIn.data(), params.data(), zeroOut,
               qout.lo, qout.hi, result->ints.data());
    return success();
  });
  return success();
}

LogicalResult Interpreter::Impl::visit(ConvOp op) {
  FailureOr<Buffer *> out = allocate(op, op.getResult());
  if (failed(out))
    return failure();
  Buffer *in = lookup(op.getInput()), *weight = lookup(op.getWeight());
  Buffer *bias = op.getBias() ? lookup(op.getBias()) : nullptr;
  Buffer *result = *out;
  auto inType = cast<RankedTensorType>(op.getInput().getType());
  auto weightType = cast<RankedTensorType>(op.getWeight().getType());
  Window w = makeWindow(inType.getShape(), op.getType().getShape(),
                        weightType.getShape().drop_front(2), op.getStrides(),
                        op.getPads(), op.getDilations(), op.getGroup());

  if (in->isFloat) {
    Buffer *padded = scratch(true, w.paddedSize());
    steps.push_back([=]() {
      padAndShift(w, in->floats.data(), 0.0f, padded->floats.data());
      convolve(w, padded->floats.data(), weight->floats.data(),
               bias ? bias->floats.data() : nullptr, result->floats.data());
      return success();
    });
    return success();
  }

  QuantParams qin = resolve(getQuantElementType(inType));
  FailureOr<bool> wide =
      needsWideAccumulator(op, weight, bias, weightType, w.outChannels,
                           w.weightsPerChannel(), qin.maxAbsShifted());
  if (failed(wide))
    return failure();
  Buffer *padded = scratch(false, w.paddedSize());
  int32_t zero = qin.zeroPoints.front();
  if (!*wide) {
    steps.push_back([=]() {
      padAndShift(w, in->ints.data(), zero, padded->ints.data());
      convolve(w, padded->ints.data(), weight->ints.data(),
               bias ? bias->ints.data() : nullptr, result->ints.data());
      return success();
    });
    return success();
  }
  auto acc = table<int64_t>(w.outputSize());
  Location loc = op.getLoc();
  steps.push_back([=]() {
    padAndShift(w, in->ints.data(), zero, padded->ints.data());
    convolve(w, padded->ints.data(), weight->ints.data(),
             bias ? bias->ints.data() : nullptr, acc->data());
    int64_t bad = narrowToInt32(acc->data(), w.outputSize(),
                                result->ints.data());
    if (bad >= 0)
      return reportOverflow(loc, "qnn.conv", bad, (*acc)[bad]);
    return success();
  });
  return success();
}

LogicalResult Interpreter::Impl::visit(RecurrentConvOp op) {
  FailureOr<Buffer *> out = allocate(op, op.getResult());
  if (failed(out))
    return failure();
  Buffer *in = lookup(op.getInput()), *weight = lookup(op.getWeight());
  Buffer *bias = op.getBias() ? lookup(op.getBias()) : nullptr;
  Buffer *result = *out;
  auto inType = cast<RankedTensorType>(op.getInput().getType());
  auto weightType = cast<RankedTensorType>(op.getWeight().getType());
  SmallVector<SmallVector<int64_t>> shapes = op.getStepShapes();
  int64_t iterations = static_cast<int64_t>(op.getIterations());
  if (static_cast<int64_t>(shapes.size()) != iterations + 1)
    return op.emitOpError("step shapes do not form a valid chain");
  int64_t spatial = inType.getRank() - 2;
  ArrayRef<int64_t> kernel = weightType.getShape().drop_front(2);
  SmallVector<int64_t> noPads(2 * spatial, 0), unitDilations(spatial, 1);

  // One step as the unrolled network computes it: conv into the exact
  // accumulator type, requantize to the activation type, optional max pool.
  struct StepGeometry {
    Window conv, pool;
  };
  std::vector<StepGeometry> geometry;
  int64_t maxPadded = 0, maxConv = 0, maxOut = 0;
  for (int64_t s = 0; s < iterations; ++s) {
    SmallVector<int64_t> convShape = getWindowResultShape(
        shapes[s], inType.getDimSize(1), kernel, op.getStrides(), op.getPads(),
        op.getDilations());
    StepGeometry g;
    g.conv = makeWindow(shapes[s], convShape, kernel, op.getStrides(),
                        op.getPads(), op.getDilations(), 1);
    if (op.getPoolKernel())
      g.pool = makeWindow(convShape, shapes[s + 1], *op.getPoolKernel(),
                          *op.getPoolStrides(), noPads, unitDilations, 1);
    maxPadded = std::max(maxPadded, g.conv.paddedSize());
    maxConv = std::max(maxConv, g.conv.outputSize());
    maxOut = std::max(maxOut, ShapedType::getNumElements(shapes[s + 1]));
    geometry.push_back(g);
  }

  QuantizedType inQ = getQuantElementType(inType);
  QuantParams qin = resolve(inQ);
  QuantParams qout = resolve(getQuantElementType(op.getType()));
  // The same accumulator type and multiplier expression as the unrolled
  // conv -> requantize, so that folded and unrolled agree bit for bit.
  QuantParams qacc = resolve(
      getAccumulatorType(inQ, getQuantElementType(weightType), 1));
  std::vector<rt::RequantParams> params;
  for (double s : qacc.scales) {
    FailureOr<rt::RequantParams> p =
        requantParams(op, s / qout.scales.front(), "requantization");
    if (failed(p))
      return failure();
    params.push_back(*p);
  }
  if (params.size() == 1)
    params.assign(inType.getDimSize(1), params.front());
  std::vector<int32_t> zeroAcc(params.size(), 0);

  FailureOr<bool> wide = needsWideAccumulator(
      op, weight, bias, weightType, inType.getDimSize(1),
      geometry.front().conv.weightsPerChannel(), qin.maxAbsShifted());
  if (failed(wide))
    return failure();
  bool pool = op.getPoolKernel().has_value();
  Buffer *padded = scratch(false, maxPadded);
  Buffer *acc32 = scratch(false, maxConv);
  Buffer *requantized = scratch(false, maxConv);
  Buffer *ping = scratch(false, maxOut), *pong = scratch(false, maxOut);
  auto acc64 = table<int64_t>(*wide ? maxConv : 0);
  int32_t zero = qin.zeroPoints.front(), zeroOut = qout.zeroPoints.front();
  int32_t lo = qout.lo, hi = qout.hi;
  bool isWide = *wide;
  Location loc = op.getLoc();
  steps.push_back([=]() {
    const int32_t *current = in->ints.data();
    for (size_t s = 0; s < geometry.size(); ++s) {
      const StepGeometry &g = geometry[s];
      int32_t *next = s + 1 == geometry.size() ? result->ints.data()
                      : s % 2 == 0             ? ping->ints.data()
                                               : pong->ints.data();
      padAndShift(g.conv, current, zero, padded->ints.data());
      if (isWide) {
        convolve(g.conv, padded->ints.data(), weight->ints.data(),
                 bias ? bias->ints.data() : nullptr, acc64->data());
        int64_t bad = narrowToInt32(acc64->data(), g.conv.outputSize(),
                                    acc32->ints.data());
        if (bad >= 0)
          return reportOverflow(loc, "qnn.recurrent_conv", bad,
                                (*acc64)[bad]);
      } else {
        convolve(g.conv, padded->ints.data(), weight->ints.data(),
                 bias ? bias->ints.data() : nullptr, acc32->ints.data());
      }
      ChannelLayout layout{g.conv.batch, g.conv.outChannels,
                           g.conv.outH * g.conv.outW};
      int32_t *requantOut = pool ? requantized->ints.data() : next;
      requantize(layout, acc32->ints.data(), zeroAcc.data(), params.data(),
                 zeroOut, lo, hi, requantOut);
      if (pool)
        maxPool(g.pool, static_cast<const int32_t *>(requantOut), next, lo);
      current = next;
    }
    return success();
  });
  return success();
}

LogicalResult Interpreter::Impl::visit(DenseOp op) {
  FailureOr<Buffer *> out = allocate(op, op.getResult());
  if (failed(out))
    return failure();
  Buffer *in = lookup(op.getInput()), *weight = lookup(op.getWeight());
  Buffer *bias = op.getBias() ? lookup(op.getBias()) : nullptr;
  Buffer *result = *out;
  auto inType = cast<RankedTensorType>(op.getInput().getType());
  auto weightType = cast<RankedTensorType>(op.getWeight().getType());
  int64_t batch = inType.getDimSize(0), inFeatures = inType.getDimSize(1);
  int64_t outFeatures = weightType.getDimSize(0);

  if (in->isFloat) {
    steps.push_back([=]() {
      dense(batch, inFeatures, outFeatures, in->floats.data(),
            weight->floats.data(), bias ? bias->floats.data() : nullptr,
            result->floats.data());
      return success();
    });
    return success();
  }
  QuantParams qin = resolve(getQuantElementType(inType));
  FailureOr<bool> wide =
      needsWideAccumulator(op, weight, bias, weightType, outFeatures,
                           inFeatures, qin.maxAbsShifted());
  if (failed(wide))
    return failure();
  Buffer *shifted = scratch(false, batch * inFeatures);
  int32_t zero = qin.zeroPoints.front();
  auto shift = [=]() {
    for (int64_t e = 0; e < batch * inFeatures; ++e)
      shifted->ints[e] = in->ints[e] - zero;
  };
  if (!*wide) {
    steps.push_back([=]() {
      shift();
      dense(batch, inFeatures, outFeatures, shifted->ints.data(),
            weight->ints.data(), bias ? bias->ints.data() : nullptr,
            result->ints.data());
      return success();
    });
    return success();
  }
  auto acc = table<int64_t>(batch * outFeatures);
  Location loc = op.getLoc();
  steps.push_back([=]() {
    shift();
    dense(batch, inFeatures, outFeatures, shifted->ints.data(),
          weight->ints.data(), bias ? bias->ints.data() : nullptr,
          acc->data());
    int64_t bad = narrowToInt32(acc->data(), batch * outFeatures,
                                result->ints.data());
    if (bad >= 0)
      return reportOverflow(loc, "qnn.dense", bad, (*acc)[bad]);
    return success();
  });
  return success();
}

LogicalResult Interpreter::Impl::visit(MaxPoolOp op) {
  FailureOr<Buffer *> out = allocate(op, op.getResult());
  if (failed(out))
    return failure();
  Buffer *in = lookup(op.getInput()), *result = *out;
  Window w = makeWindow(op.getInput().getType().getShape(),
                        op.getType().getShape(), op.getKernel(),
                        op.getStrides(), op.getPads(), op.getDilations(), 1);
  if (in->isFloat) {
    steps.push_back([=]() {
      maxPool(w, in->floats.data(), result->floats.data(),
              -std::numeric_limits<float>::infinity());
      return success();
    });
    return success();
  }
  int32_t lo = resolve(getQuantElementType(op.getType())).lo;
  steps.push_back([=]() {
    maxPool(w, in->ints.data(), result->ints.data(), lo);
    return success();
  });
  return success();
}

LogicalResult Interpreter::Impl::visit(AvgPoolOp op) {
  FailureOr<Buffer *> out = allocate(op, op.getResult());
  if (failed(out))
    return failure();
  Buffer *in = lookup(op.getInput()), *result = *out;
  Window w = makeWindow(op.getInput().getType().getShape(),
                        op.getType().getShape(), op.getKernel(),
                        op.getStrides(), op.getPads(), {}, 1);
  bool includePad = op.getCountIncludePad();
  if (in->isFloat) {
    steps.push_back([=]() {
      averagePool<float, float>(w, includePad, in->floats.data(), 0.0f,
                                result->floats.data(),
                                [](float sum, int64_t count) {
                                  return count ? sum / static_cast<float>(count)
                                               : 0.0f;
                                });
      return success();
    });
    return success();
  }
  QuantParams qin = resolve(getQuantElementType(op.getInput().getType()));
  QuantParams qout = resolve(getQuantElementType(op.getType()));
  // One multiplier sx / (count * sy) per possible window count.
  int64_t maxCount = w.kernelH * w.kernelW;
  std::shared_ptr<std::vector<rt::RequantParams>> byCount =
      table<rt::RequantParams>(maxCount + 1);
  for (int64_t count = 1; count <= maxCount; ++count) {
    FailureOr<rt::RequantParams> p =
        requantParams(op, qin.scales.front() / (count * qout.scales.front()),
                      "average scale");
    if (failed(p))
      return failure();
    (*byCount)[count] = *p;
  }
  int32_t zx = qin.zeroPoints.front(), zy = qout.zeroPoints.front();
  int32_t lo = qout.lo, hi = qout.hi;
  steps.push_back([=]() {
    averagePool<int32_t, int64_t>(
        w, includePad, in->ints.data(), zx, result->ints.data(),
        [&](int64_t sum, int64_t count) {
          // An all-padding window (count 0) averages nothing: real zero.
          return count ? rt::requantize(sum, (*byCount)[count], zy, lo, hi)
                       : std::clamp(zy, lo, hi);
        });
    return success();
  });
  return success();
}

LogicalResult Interpreter::Impl::visit(AddOp op) {
  FailureOr<Buffer *> out = allocate(op, op.getResult());
  if (failed(out))
    return failure();
  Buffer *lhs = lookup(op.getLhs()), *rhs = lookup(op.getRhs());
  Buffer *result = *out;
  auto lhsType = cast<RankedTensorType>(op.getLhs().getType());
  auto rhsType = cast<RankedTensorType>(op.getRhs().getType());
  Broadcast b = makeBroadcast(lhsType, rhsType, op.getType());
  if (lhs->isFloat) {
    steps.push_back([=]() {
      const float *x = lhs->floats.data(), *y = rhs->floats.data();
      float *z = result->floats.data();
      b.forEach([&](int64_t o, int64_t i, int64_t j) { z[o] = x[i] + y[j]; });
      return success();
    });
    return success();
  }
  QuantParams qa = resolve(getQuantElementType(lhsType));
  QuantParams qb = resolve(getQuantElementType(rhsType));
  QuantParams qy = resolve(getQuantElementType(op.getType()));
  FailureOr<rt::RequantParams> pa =
      requantParams(op, qa.scales.front() / qy.scales.front(), "lhs rescale");
  FailureOr<rt::RequantParams> pb =
      requantParams(op, qb.scales.front() / qy.scales.front(), "rhs rescale");
  if (failed(pa) || failed(pb))
    return failure();
  // Bring both multipliers onto the larger shift.
  int32_t shift = std::max(pa->shift, pb->shift);
  double ma = std::ldexp(double(pa->multiplier), shift - pa->shift);
  double mb = std::ldexp(double(pb->multiplier), shift - pb->shift);
  if (ma * qa.maxAbsShifted() + mb * qb.maxAbsShifted() >= kInt64SafeLimit)
    return op.emitOpError("the operand scales differ too much: the rescaled "
                          "sum would need more than 62 bits");
  QuantizedAdd add;
  add.lhsMultiplier = static_cast<int64_t>(pa->multiplier)
                      << (shift - pa->shift);
  add.rhsMultiplier = static_cast<int64_t>(pb->multiplier)
                      << (shift - pb->shift);
  add.shift = shift;
  add.lhsZero = qa.zeroPoints.front();
  add.rhsZero = qb.zeroPoints.front();
  add.outZero = qy.zeroPoints.front();
  add.lo = qy.lo;
  add.hi = qy.hi;
  steps.push_back([=]() {
    const int32_t *x = lhs->ints.data(), *y = rhs->ints.data();
    int32_t *z = result->ints.data();
    b.forEach([&](int64_t o, int64_t i, int64_t j) { z[o] = add(x[i], y[j]); });
    return success();
  });
  return success();
}

LogicalResult Interpreter::Impl::visit(ClampOp op) {
  FailureOr<Buffer *> out = allocate(op, op.getResult());
  if (failed(out))
    return failure();
  Buffer *in = lookup(op.getInput()), *result = *out;
  if (in->isFloat) {
    float lo = static_cast<float>(op.getMin().convertToDouble());
    float hi = static_cast<float>(op.getMax().convertToDouble());
    steps.push_back([=]() {
      for (int64_t e = 0; e < in->size(); ++e)
        result->floats[e] = std::min(std::max(in->floats[e], lo), hi);
      return success();
    });
    return success();
  }
  // The result type's storage range is the clamp (see ClampOp::verify).
  QuantParams q = resolve(getQuantElementType(op.getType()));
  int32_t lo = q.lo, hi = q.hi;
  steps.push_back([=]() {
    for (int64_t e = 0; e < in->size(); ++e)
      result->ints[e] = std::clamp(in->ints[e], lo, hi);
    return success();
  });
  return success();
}

LogicalResult Interpreter::Impl::visit(ReshapeOp op) {
  // Same elements in the same order: the result shares the input's buffer.
  values[op.getResult()] = lookup(op.getInput());
  return success();
}

LogicalResult Interpreter::Impl::visit(ArgMaxOp op) {
  FailureOr<Buffer *> out = allocate(op, op.getResult());
  if (failed(out))
    return failure();
  Buffer *in = lookup(op.getInput()), *result = *out;
  auto inType = cast<RankedTensorType>(op.getInput().getType());
  int32_t axis = static_cast<int32_t>(op.getAxis() < 0
                                          ? op.getAxis() + inType.getRank()
                                          : op.getAxis());
  ChannelLayout layout = layoutAround(inType.getShape(), axis);
  if (in->isFloat) {
    steps.push_back([=]() {
      argMax(layout, in->floats.data(), result->ints.data());
      return success();
    });
    return success();
  }
  QuantParams q = resolve(getQuantElementType(inType));
  if (!q.axis) {
    // Real values grow with the stored integers (scale > 0).
    steps.push_back([=]() {
      argMax(layout, in->ints.data(), result->ints.data());
      return success();
    });
    return success();
  }
  // Per-axis scales: compare real values.
  Buffer *real = scratch(true, in->size());
  ChannelLayout quantLayout = layoutAround(inType.getShape(), q.axis);
  steps.push_back([=]() {
    dequantize(quantLayout, in->ints.data(), q.floatScales.data(),
               q.zeroPoints.data(), real->floats.data());
    argMax(layout, real->floats.data(), result->ints.data());
    return success();
  });
  return success();
}

LogicalResult Interpreter::Impl::visit(MulOp op) {
  FailureOr<Buffer *> out = allocate(op, op.getResult());
  if (failed(out))
    return failure();
  Buffer *lhs = lookup(op.getLhs()), *rhs = lookup(op.getRhs());
  Buffer *result = *out;
  Broadcast b = makeBroadcast(op.getLhs().getType(), op.getRhs().getType(),
                              op.getType());
  steps.push_back([=]() {
    const float *x = lhs->floats.data(), *y = rhs->floats.data();
    float *z = result->floats.data();
    b.forEach([&](int64_t o, int64_t i, int64_t j) { z[o] = x[i] * y[j]; });
    return success();
  });
  return success();
}

LogicalResult Interpreter::Impl::visit(LeakyReluOp op) {
  FailureOr<Buffer *> out = allocate(op, op.getResult());
  if (failed(out))
    return failure();
  Buffer *in = lookup(op.getInput()), *result = *out;
  // ONNX's alpha is a float32 attribute.
  float alpha = static_cast<float>(op.getAlpha().convertToDouble());
  steps.push_back([=]() {
    for (int64_t e = 0; e < in->size(); ++e) {
      float x = in->floats[e];
      result->floats[e] = x >= 0.0f ? x : alpha * x;
    }
    return success();
  });
  return success();
}

LogicalResult Interpreter::Impl::visit(SoftmaxOp op) {
  FailureOr<Buffer *> out = allocate(op, op.getResult());
  if (failed(out))
    return failure();
  Buffer *in = lookup(op.getInput()), *result = *out;
  int64_t rank = op.getType().getRank();
  int32_t axis = static_cast<int32_t>(op.getAxis() < 0 ? op.getAxis() + rank
                                                       : op.getAxis());
  ChannelLayout layout = layoutAround(op.getType().getShape(), axis);
  steps.push_back([=]() {
    softmax(layout, in->floats.data(), result->floats.data());
    return success();
  });
  return success();
}

LogicalResult Interpreter::Impl::visit(TransposeOp op) {
  FailureOr<Buffer *> out = allocate(op, op.getResult());
  if (failed(out))
    return failure();
  Buffer *in = lookup(op.getInput()), *result = *out;
  ArrayRef<int64_t> inShape = op.getInput().getType().getShape();
  std::vector<int64_t> shape(inShape.begin(), inShape.end());
  std::vector<int64_t> perm(op.getPerm().begin(), op.getPerm().end());
  steps.push_back([=]() {
    if (in->isFloat)
      transpose(shape, perm, in->floats.data(), result->floats.data());
    else
      transpose(shape, perm, in->ints.data(), result->ints.data());
    return success();
  });
  return success();
}

LogicalResult Interpreter::Impl::visit(func::ReturnOp op) {
  // Filled in place (no temporaries, one allocation): the steps are as
  // large as the outputs, which the budget counts once.
  int64_t total = 0;
  for (Value v : op.getOperands())
    total += cast<RankedTensorType>(v.getType()).getNumElements();
  charge(total, sizeof(float));
  outputSteps.reserve(total);
  for (Value v : op.getOperands()) {
    auto type = cast<RankedTensorType>(v.getType());
    Buffer *b = lookup(v);
    outputBuffers.push_back(b);
    TensorInfo info{SmallVector<int64_t>(type.getShape()),
                    type.getNumElements()};
    outputs.push_back(info);
    outputSize += info.numElements;
    // The quantization step of each output float.
    size_t first = outputSteps.size();
    outputSteps.resize(first + info.numElements, b->isFloat ? 0.0f : 1.0f);
    float *step = outputSteps.data() + first;
    if (auto dq = v.getDefiningOp<DequantizeOp>(); b->isFloat && dq) {
      QuantParams q = resolve(getQuantElementType(dq.getInput().getType()));
      ChannelLayout l = layoutAround(type.getShape(), q.axis);
      for (int64_t o = 0; o < l.outer; ++o)
        for (int64_t c = 0; c < l.channels; ++c)
          for (int64_t i = 0; i < l.inner; ++i)
            step[(o * l.channels + c) * l.inner + i] = q.floatScales[c];
    }
  }
  return success();
}

LogicalResult Interpreter::Impl::prepare(func::FuncOp func) {
  mode = getRequantMode(func);
  if (func.isExternal())
    return func.emitOpError("has no body to interpret");
  if (!func.getBody().hasOneBlock())
    return func.emitOpError("the interpreter needs a single-block function");
  for (BlockArgument arg : func.getArguments()) {
    auto type = dyn_cast<RankedTensorType>(arg.getType());
    if (!type || !type.hasStaticShape() || !type.getElementType().isF32())
      return func.emitOpError()
             << "argument #" << arg.getArgNumber()
             << " must be a statically shaped f32 tensor, got "
             << arg.getType();
  }
  if (failed(checkBudgets(func)))
    return failure();
  for (BlockArgument arg : func.getArguments()) {
    auto type = cast<RankedTensorType>(arg.getType());
    Buffer *b = scratch(true, type.getNumElements());
    values[arg] = b;
    inputBuffers.push_back(b);
    inputs.push_back({SmallVector<int64_t>(type.getShape()),
                      type.getNumElements()});
    inputSize += type.getNumElements();
  }
  for (Operation &op : func.getBody().front()) {
    LogicalResult result =
        llvm::TypeSwitch<Operation *, LogicalResult>(&op)
            .Case<ConstantOp, QuantizeOp, DequantizeOp, RequantizeOp, ConvOp,
                  RecurrentConvOp, DenseOp, MaxPoolOp, AvgPoolOp, AddOp,
                  ClampOp, ReshapeOp, ArgMaxOp, MulOp, LeakyReluOp,
                  SoftmaxOp, TransposeOp, arith::ConstantOp, func::ReturnOp>(
                [&](auto concrete) { return visit(concrete); })
            .Default([&](Operation *other) {
              return other->emitOpError(
                  "is not supported by the interpreter (golden model)");
            });
    if (failed(result))
      return failure();
  }
  return success();
}

//===----------------------------------------------------------------------===//
// Interpreter
//===----------------------------------------------------------------------===//

Interpreter::Interpreter(std::unique_ptr<Impl> impl) : impl(std::move(impl)) {}
Interpreter::~Interpreter() = default;

std::unique_ptr<Interpreter> Interpreter::create(func::FuncOp func,
                                                 const Limits &limits) {
  auto impl = std::make_unique<Impl>();
  impl->limits = limits;
  if (failed(impl->prepare(func)))
    return nullptr;
  return std::unique_ptr<Interpreter>(new Interpreter(std::move(impl)));
}

std::unique_ptr<Interpreter> Interpreter::create(ModuleOp module,
                                                 const Limits &limits) {
  auto main = module.lookupSymbol<func::FuncOp>("main");
  if (!main) {
    auto funcs = module.getOps<func::FuncOp>();
    if (std::distance(funcs.begin(), funcs.end()) != 1) {
      module.emitError("the interpreter runs @main: the module has no @main "
                       "and not exactly one function");
      return nullptr;
    }
    main = *funcs.begin();
  }
  return create(main, limits);
}

ArrayRef<Interpreter::TensorInfo> Interpreter::getInputs() const {
  return impl->inputs;
}
ArrayRef<Interpreter::TensorInfo> Interpreter::getOutputs() const {
  return impl->outputs;
}
int64_t Interpreter::getInputSize() const { return impl->inputSize; }
int64_t Interpreter::getOutputSize() const { return impl->outputSize; }
ArrayRef<float> Interpreter::getOutputSteps() const {
  return impl->outputSteps;
}
int64_t Interpreter::getBufferBytes() const { return impl->allocatedBytes; }
int64_t Interpreter::getOperationsPerSample() const {
  return impl->operationsPerSample;
}

LogicalResult Interpreter::run(ArrayRef<float> input,
                               MutableArrayRef<float> output) {
  assert(static_cast<int64_t>(input.size()) == impl->inputSize &&
         static_cast<int64_t>(output.size()) == impl->outputSize &&
         "sample sizes must match getInputSize/getOutputSize");
  const float *src = input.data();
  for (Buffer *b : impl->inputBuffers) {
    std::copy(src, src + b->floats.size(), b->floats.begin());
    src += b->floats.size();
  }
  for (Step &step : impl->steps)
    if (failed(step()))
      return failure();
  float *dst = output.data();
  for (Buffer *b : impl->outputBuffers) {
    if (b->isFloat)
      dst = std::copy(b->floats.begin(), b->floats.end(), dst);
    else
      for (int32_t v : b->ints)
        *dst++ = static_cast<float>(v);
  }
  return success();
}

} // namespace qrcnn
