//===- Estimates.cpp - latency, resource and power estimates of a plan ----===//
//
// Everything here reads only the HLSPlan numbers; the models are simple on
// purpose and written out in docs/hls.md ("How the estimates are
// computed"). Each constant says whether it comes from a Xilinx document or
// is an assumption.
//
//===----------------------------------------------------------------------===//
#include "qrcnn/Target/HLS/Estimates.h"

#include "qrcnn/Dialect/QNN/QNNOps.h"
#include "qrcnn/Transforms/RecurrentConv.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/Diagnostics.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"

#include <algorithm>
#include <cmath>

using namespace mlir;
using namespace qrcnn;
using namespace qrcnn::hls;

static int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

static int64_t bitsFor(int64_t value) {
  int64_t bits = 1;
  while ((int64_t(1) << bits) <= value)
    ++bits;
  return bits;
}

//===----------------------------------------------------------------------===//
// Schedule
//===----------------------------------------------------------------------===//

static LoopEstimate scheduleLoop(const HLSLoop &loop) {
  LoopEstimate e;
  e.label = loop.label;
  e.tripCounts = loop.tripCounts;
  e.pipelined = loop.pipelined;
  e.ii = loop.ii;
  e.depth = loop.depth;
  for (int64_t trips : loop.tripCounts) {
    if (trips <= 0)
      continue;
    e.latencyCycles +=
        loop.pipelined ? (trips - 1) * loop.ii + loop.depth : trips * loop.depth;
  }
  return e;
}

static const LoopEstimate *findLoop(const StageEstimate &stage,
                                    StringRef label) {
  for (const LoopEstimate &l : stage.loops)
    if (l.label == label)
      return &l;
  return nullptr;
}

/// Sum of the latencies of the loops after `label`.
static int64_t latencyAfter(const StageEstimate &stage, StringRef label) {
  int64_t sum = 0;
  bool after = false;
  for (const LoopEstimate &l : stage.loops) {
    if (after)
      sum += l.latencyCycles;
    if (l.label == label)
      after = true;
  }
  return sum;
}

/// The stage alone: latency, first output, drain (StageEstimate).
static void scheduleStage(const HLSLayer &layer, StageEstimate &stage) {
  for (const HLSLoop &loop : layer.loops)
    stage.loops.push_back(scheduleLoop(loop));
  if (stage.loops.empty())
    return;
  stage.latencyCycles = 0;
  for (const LoopEstimate &l : stage.loops)
    stage.latencyCycles += l.latencyCycles;
  const LoopEstimate &first = stage.loops.front();
  const LoopEstimate &last = stage.loops.back();
  switch (layer.kind) {
  case LayerKind::ReadInput:
    // The port is read at one value per cycle; a transposing read emits
    // its first pixel in its second loop.
    stage.firstOutputCycles = stage.loops.size() == 1
                                  ? first.depth
                                  : first.latencyCycles + last.depth;
    stage.drainCycles = last.depth;
    return;
  case LayerKind::Conv: {
    // Padded position i is issued at cycle i * II (its input, if any,
    // arrives then). Conv output j is complete at position
    // j * stride + span - 1; a pooled output needs poolKernel conv outputs.
    int64_t span = (layer.kernel - 1) * layer.dilation + 1;
    int64_t firstConv = layer.poolKernel ? layer.poolKernel - 1 : 0;
    int64_t position = firstConv * layer.stride + span - 1;
    stage.firstOutputCycles = position * first.ii + first.depth;
    // After the last real input position only the end padding remains.
    stage.drainCycles = layer.padEnd * first.ii + first.depth;
    return;
  }
  case LayerKind::RecurrentConv: {
    // load -> every step (sequential, each step needs the previous one
    // complete) -> store; the first output is the store's first write.
    const LoopEstimate *load = findLoop(stage, "load");
    int64_t loadDepth = load ? load->depth : 0;
    stage.firstOutputCycles =
        stage.latencyCycles - last.latencyCycles + last.depth;
    stage.drainCycles = loadDepth + (load ? latencyAfter(stage, "load") : 0);
    return;
  }
  case LayerKind::Dense: {
    // The output pixel (all neurons) is written at the end.
    const LoopEstimate *load = findLoop(stage, "load");
    stage.firstOutputCycles = stage.latencyCycles;
    stage.drainCycles =
        load ? load->depth + latencyAfter(stage, "load") : stage.latencyCycles;
    return;
  }
  case LayerKind::WriteOutput:
    stage.firstOutputCycles = stage.latencyCycles;
    stage.drainCycles = stage.loops.size() == 1
                            ? first.depth
                            : first.depth + last.latencyCycles;
    return;
  }
}

//===----------------------------------------------------------------------===//
// Resources (LUT / FF model; DSP and BRAM are the plan's own rules)
//===----------------------------------------------------------------------===//

namespace {
/// Per-operator LUT / FF costs. Values marked UG474 follow from the 7-series
/// CLB (a LUT6 is one bit of a carry-chain adder, a 4:1 mux, a 64 x 1 ROM,
/// half of a 64 x 1 simple dual-port RAM (RAM64X1D uses two), a 32-deep
/// shift register (SRLC32E)); the others are assumptions.
struct LogicModel {
  /// s_axilite control adapter of the top (ap_ctrl_hs registers, address
  /// decode): assumption, the order of what Vitis HLS reports for it.
  static constexpr int64_t axiLiteLut = 150, axiLiteFf = 200;
  /// One AXI4-Stream / ap_memory port's handshake (assumption).
  static constexpr int64_t portLut = 8, portFf = 4;
  /// A FIFO's control (read/write pointers, full/empty): assumption.
  static constexpr int64_t fifoControlLut = 12, fifoControlFf = 8;
  /// A stage's FSM and dataflow handshake (ap_start/ap_done): assumption.
  static constexpr int64_t stageLut = 20, stageFf = 12;
};
} // namespace

/// Bits of the MAC's data operand (x - zx), as the plan's DSP rule counts.
static int64_t shiftedInputBits(const HLSValueType &input) {
  return input.isSigned && input.zeroPoint == 0 ? input.bits : input.bits + 1;
}

/// LUTs of an R:1 multiplexer per bit: a LUT6 is a 4:1 mux, so each LUT
/// removes 3 inputs (UG474).
static int64_t muxLutsPerBit(int64_t inputs) {
  return inputs <= 1 ? 0 : ceilDiv(inputs - 1, 3);
}

/// Carry-chain comparator: a LUT6 handles two bit pairs (assumption that
/// Vivado packs it so).
static int64_t comparatorLuts(int64_t bits) { return ceilDiv(bits, 2); }

static void estimateBufferLogic(const HLSBuffer &b, int64_t &lut,
                                int64_t &ff) {
  int64_t depth = ceilDiv(b.elements, std::max<int64_t>(1, b.banks));
  int64_t perBank = 0;
  switch (b.storage) {
  case Storage::Registers:
    ff += b.totalBits();
    return;
  case Storage::LUTRAM: // RAM64X1D: 2 LUTs per bit per 64 words (UG474).
    perBank = 2 * ceilDiv(depth, 64) * b.elementBits;
    break;
  case Storage::LUTROM: // ROM64X1: 1 LUT per bit per 64 words (UG474).
    perBank = ceilDiv(depth, 64) * b.elementBits;
    break;
  case Storage::ROMLogic: // Folded into the constant multipliers.
  case Storage::BRAM:
  case Storage::BRAMROM: // Block RAM: counted as BRAM36.
    // The output register of a memory read (BRAM has it inside).
    return;
  }
  lut += perBank * std::max<int64_t>(1, b.banks) * b.copies;
  // The registered read port of each bank.
  ff += b.elementBits * std::max<int64_t>(1, b.banks) * b.copies;
}

static void estimateStageLogic(const HLSLayer &layer, StageEstimate &stage) {
  int64_t lut = LogicModel::stageLut, ff = LogicModel::stageFf;
  // Loop counters (increment + exit compare) and the pipeline's valid bits.
  for (const HLSLoop &loop : layer.loops) {
    int64_t maxTrip = 1;
    for (int64_t trips : loop.tripCounts)
      maxTrip = std::max(maxTrip, trips);
    int64_t bits = bitsFor(maxTrip);
    lut += bits + comparatorLuts(bits);
    ff += bits + (loop.pipelined ? loop.depth : 0);
  }
  for (const HLSBuffer &b : layer.buffers)
    estimateBufferLogic(b, lut, ff);

  bool mac = layer.kind == LayerKind::Conv ||
             layer.kind == LayerKind::RecurrentConv ||
             layer.kind == LayerKind::Dense;
  if (!mac) {
    // The pixel being assembled / taken apart.
    ff += layer.cin * layer.input.bits;
    stage.lut = lut;
    stage.ff = ff;
    return;
  }

  int64_t r = std::max<int64_t>(1, layer.reuseFactor);
  int64_t inBits = shiftedInputBits(layer.input);
  int64_t wBits = layer.weight.bits;
  int64_t prodBits = inBits + wBits;
  int64_t acc = layer.accBits;
  bool fabric = getDspPerMultiplier(inBits, wBits) == 0;
  // Each multiplier always sees the same weight only when the weights are
  // folded into logic (a conv at R = 1); a dense layer's multipliers serve
  // every neuron in turn, a shared multiplier R weights.
  bool constantWeights = false;
  for (const HLSBuffer &b : layer.buffers)
    if (b.role == "weights")
      constantWeights = b.storage == Storage::ROMLogic;

  // Zero-point subtraction (x - zx) once per input value, at the line
  // buffer / input vector entry: one adder bit per bit.
  if (layer.input.zeroPoint != 0)
    lut += layer.cin * inBits;

  if (fabric) {
    // A product with a constant weight is shifts and adds: a b-bit signed
    // constant has at most floor((b + 1) / 2) nonzero canonical-signed-digit
    // digits, so at most that minus one adders of prodBits (conservative:
    // the worst weight). A variable product (the weight comes from a
    // memory) is an a x b array: one LUT per partial-product bit
    // (assumption, close to what Vivado reports for small products).
    int64_t perMultiplier =
        constantWeights ? std::max<int64_t>(1, (wBits + 1) / 2 - 1) * prodBits
                        : inBits * wBits;
    lut += layer.multipliers * perMultiplier;
    // The products are registered before the adder tree.
    ff += layer.multipliers * prodBits;
    // Adder tree / accumulators: one adder of the accumulator width per
    // product (a tree of N leaves has N - 1 adders; with R > 1 each
    // multiplier accumulates), each registered.
    lut += layer.multipliers * acc;
    ff += layer.multipliers * acc;
  }
  // DSP-mapped products accumulate in the DSP48E1's post-adder and its
  // M/P registers (UG479): no fabric.

  // Operand multiplexers of a shared multiplier: R inputs per operand
  // (the weights come from banked ROMs addressed by the phase: no mux).
  lut += layer.multipliers * inBits * muxLutsPerBit(r);

  int64_t units = layer.kind == LayerKind::Dense ? 1 : ceilDiv(layer.cout, r);
  if (layer.hasBias)
    lut += units * acc;
  if (layer.requantized) {
    int64_t m = layer.requantMantissaBits;
    int64_t out = layer.output.bits;
    // acc x mantissa: DSP48E1 (plan rule) or a fabric array.
    if (layer.requantMultipliers &&
        getDspPerMultiplier(acc, m) == 0)
      lut += layer.requantMultipliers * acc * m;
    // Rounding add of the shifted product, zero-point add, clamp (two
    // comparators and a mux), per unit; three pipeline registers.
    lut += units * ((acc + m) + out + 2 * comparatorLuts(acc) + out);
    ff += units * 3 * (acc + m);
    // A shared unit selects its channel's constants and shift amount.
    lut += units * (acc + m) * muxLutsPerBit(r);
  }
  if (layer.poolKernel) {
    // Max pool: poolKernel - 1 compare-and-select per channel.
    int64_t out = layer.output.bits;
    lut += layer.cout * (layer.poolKernel - 1) * (comparatorLuts(out) + out);
  }
  // The output pixel register.
  ff += layer.cout * layer.output.bits;
  stage.lut = lut;
  stage.ff = ff;
}

//===----------------------------------------------------------------------===//
// The design
//===----------------------------------------------------------------------===//

static double percent(int64_t used, int64_t available) {
  return available > 0 ? 100.0 * double(used) / double(available) : 0.0;
}

DesignEstimate qrcnn::hls::estimateDesign(const HLSPlan &plan,
                                          const PowerCoefficients &power) {
  DesignEstimate d;
  d.parameters = plan.parameterCount;
  size_t n = plan.layers.size();
  d.stages.resize(n);
  for (size_t i = 0; i < n; ++i) {
    const HLSLayer &layer = plan.layers[i];
    StageEstimate &s = d.stages[i];
    s.name = layer.name;
    s.kind = stringifyLayerKind(layer.kind).str();
    scheduleStage(layer, s);
    s.dsp = estimateDsp(layer);
    for (const HLSBuffer &b : layer.buffers)
      s.bram36 += estimateBram36(b);
    estimateStageLogic(layer, s);
  }

  // The DATAFLOW schedule of one inference. A stage starts when the first
  // pixel of each input arrives and ends no earlier than its own latency
  // after its start, nor earlier than its drain after its producers' ends.
  // Without DATAFLOW the stages run one after the other.
  std::vector<std::vector<int64_t>> producers(n);
  for (const HLSStream &st : plan.streams)
    if (st.from >= 0 && st.to >= 0 && size_t(st.to) < n)
      producers[st.to].push_back(st.from);
  int64_t previousEnd = 0;
  for (size_t i = 0; i < n; ++i) {
    StageEstimate &s = d.stages[i];
    if (!plan.dataflow) {
      s.startCycle = previousEnd;
      s.endCycle = previousEnd + s.latencyCycles;
      previousEnd = s.endCycle;
      continue;
    }
    int64_t start = 0, inputEnd = 0;
    for (int64_t p : producers[i]) {
      const StageEstimate &ps = d.stages[p];
      start = std::max(start, ps.startCycle + ps.firstOutputCycles);
      inputEnd = std::max(inputEnd, ps.endCycle);
    }
    s.startCycle = start;
    s.endCycle = std::max(start + s.latencyCycles,
                          producers[i].empty() ? 0
                                               : inputEnd + s.drainCycles);
  }
  for (const StageEstimate &s : d.stages) {
    d.latencyCycles = std::max(d.latencyCycles, s.endCycle);
    d.intervalCycles = std::max(d.intervalCycles, s.latencyCycles);
  }
  if (!plan.dataflow)
    d.intervalCycles = d.latencyCycles;
  d.latencyUs = double(d.latencyCycles) * plan.options.clockNs / 1000.0;

  // Top-level logic: control interface, one handshake per port, FIFOs
  // (shallow FIFOs are SRL shift registers: one SRLC32E per bit up to 32
  // deep (UG474), plus an output register and control).
  d.interfaceLut = LogicModel::axiLiteLut;
  d.interfaceFf = LogicModel::axiLiteFf;
  int64_t ports = int64_t(plan.inputs.size() + plan.outputs.size());
  d.interfaceLut += ports * LogicModel::portLut;
  d.interfaceFf += ports * LogicModel::portFf;
  for (const HLSStream &st : plan.streams) {
    d.interfaceLut += st.elementBits() * ceilDiv(st.depth, 32) +
                      LogicModel::fifoControlLut;
    d.interfaceFf += st.elementBits() + LogicModel::fifoControlFf;
  }

  d.lut = d.interfaceLut;
  d.ff = d.interfaceFf;
  for (const StageEstimate &s : d.stages) {
    d.dsp += s.dsp;
    d.bram36 += s.bram36;
    d.lut += s.lut;
    d.ff += s.ff;
  }
  PartResources part = getXc7a100tResources();
  part.lut = plan.options.partLut;
  part.ff = plan.options.partFf;
  d.utilDsp = percent(d.dsp, part.dsp);
  d.utilBram36 = percent(d.bram36, part.bram36);
  d.utilLut = percent(d.lut, part.lut);
  d.utilFf = percent(d.ff, part.ff);

  // Dynamic power while inferences run back to back (one every interval):
  //   P = f * sum over resources of count * energy * activity,
  // activity of a stage's logic and DSPs = toggle rate x busy fraction
  // (the stage's own cycles / interval: idle while waiting, as UG440 scales
  // a DSP's toggle rate by its clock-enable rate); of a BRAM36 = busy
  // fraction (one access per busy cycle); plus the clock tree of every FF
  // every cycle. The top-level logic is busy whenever any stage is.
  double f = 1e3 / plan.options.clockNs * 1e6; // Hz
  double window = double(std::max<int64_t>(1, d.intervalCycles));
  const double pj = 1e-12;
  for (StageEstimate &s : d.stages) {
    double busy = std::min(1.0, double(s.latencyCycles) / window);
    double data = power.toggleRate * busy *
                  (s.dsp * power.dspPj + s.lut * power.lutPj +
                   s.ff * power.ffPj);
    double memory = busy * s.bram36 * power.bram36Pj;
    double clock = s.ff * power.ffClockPj;
    s.dynamicPowerW = f * pj * (data + memory + clock);
    d.dynamicPowerW += s.dynamicPowerW;
  }
  d.interfacePowerW =
      f * pj *
      (power.toggleRate * (d.interfaceLut * power.lutPj +
                           d.interfaceFf * power.ffPj) +
       d.interfaceFf * power.ffClockPj);
  d.dynamicPowerW += d.interfacePowerW;
  d.energyPerInferenceUj =
      d.dynamicPowerW * window * plan.options.clockNs * 1e-9 * 1e6;
  return d;
}

//===----------------------------------------------------------------------===//
// The unfolded network
//===----------------------------------------------------------------------===//

FailureOr<HLSPlan> qrcnn::hls::planUnfolded(ModuleOp module,
                                            const HLSOptions &options) {
  OwningOpRef<ModuleOp> clone(cast<ModuleOp>(module->clone()));
  SmallVector<qnn::RecurrentConvOp> ops;
  clone->walk([&](qnn::RecurrentConvOp op) { ops.push_back(op); });
  OpBuilder builder(module->getContext());
  // The same expansion `--no-fold` runs (unroll-recurrent-conv): each step
  // a conv -> requantize (-> maxpool) reading the shared weights, with the
  // recurrent conv's accumulator width.
  for (qnn::RecurrentConvOp op : ops) {
    // The fold fused the chain's conv locations in step order; give each
    // unrolled conv its own back, so the stages carry the ONNX node names
    // a --no-fold compile shows.
    SmallVector<Location> stepLocs;
    if (auto fused = dyn_cast<FusedLoc>(op.getLoc()))
      if (int64_t(fused.getLocations().size()) == op.getIterations())
        stepLocs.assign(fused.getLocations().begin(),
                        fused.getLocations().end());
    int64_t iterations = op.getIterations();
    Value last = qnn::unrollRecurrentConv(builder, op);
    if (stepLocs.empty())
      continue;
    SmallVector<Operation *> convs;
    for (Operation *cur = last.getDefiningOp();
         cur && cur->getNumOperands() > 0 &&
         int64_t(convs.size()) < iterations;
         cur = cur->getOperand(0).getDefiningOp())
      if (isa<qnn::ConvOp>(cur))
        convs.push_back(cur);
    if (int64_t(convs.size()) != iterations)
      continue;
    for (int64_t i = 0; i < iterations; ++i)
      convs[iterations - 1 - i]->setLoc(stepLocs[i]);
  }
  FailureOr<HLSPlan> plan = planHLS(*clone, options);
  if (failed(plan))
    return failure();
  // The clone dies here: keep no pointers into it.
  for (HLSLayer &layer : plan->layers)
    layer.op = nullptr;
  return plan;
}

FailureOr<EstimatesReport>
qrcnn::hls::buildEstimatesReport(ModuleOp module, const HLSPlan &folded,
                                 StringRef modelFile) {
  EstimatesReport report;
  report.model = folded.top;
  report.modelFile = modelFile.str();
  report.part = folded.options.part;
  report.clockNs = folded.options.clockNs;
  report.folded = estimateDesign(folded);
  report.unfoldedSameAsFolded = !folded.hasRecurrentConv;
  if (report.unfoldedSameAsFolded) {
    report.unfolded = report.folded;
    return report;
  }
  // The unfolded network is a comparison, not what is compiled: when it
  // cannot be planned (a budget only the folded design meets), the report
  // says why instead of failing the compile.
  std::string error;
  FailureOr<HLSPlan> unfolded = failure();
  {
    ScopedDiagnosticHandler capture(
        module->getContext(), [&](Diagnostic &diag) {
          if (diag.getSeverity() == DiagnosticSeverity::Error && error.empty())
            error = diag.str();
          return success();
        });
    unfolded = planUnfolded(module, folded.options);
  }
  if (failed(unfolded)) {
    report.hasUnfolded = false;
    report.unfoldedError =
        error.empty() ? "the unfolded network cannot be planned" : error;
    return report;
  }
  unfolded->top = folded.top;
  report.unfolded = estimateDesign(*unfolded);
  return report;
}

//===----------------------------------------------------------------------===//
// Output
//===----------------------------------------------------------------------===//

static llvm::json::Value toJSON(const DesignEstimate &d) {
  llvm::json::Array stages;
  for (const StageEstimate &s : d.stages) {
    llvm::json::Array loops;
    for (const LoopEstimate &l : s.loops) {
      llvm::json::Array trips;
      for (int64_t t : l.tripCounts)
        trips.push_back(t);
      // A loop that runs once has one trip count; a loop that runs per
      // step lists them.
      llvm::json::Value tripCount =
          l.tripCounts.size() == 1 ? llvm::json::Value(l.tripCounts.front())
                                   : llvm::json::Value(std::move(trips));
      loops.push_back(llvm::json::Object{
          {"label", l.label},
          {"trip_count", std::move(tripCount)},
          {"pipelined", l.pipelined},
          {"ii", l.pipelined ? llvm::json::Value(l.ii) : llvm::json::Value(nullptr)},
          {"depth", l.depth},
          {"latency_cycles", l.latencyCycles}});
    }
    stages.push_back(llvm::json::Object{
        {"name", s.name},
        {"kind", s.kind},
        {"latency_cycles", s.latencyCycles},
        {"start_cycle", s.startCycle},
        {"end_cycle", s.endCycle},
        {"first_output_cycles", s.firstOutputCycles},
        {"drain_cycles", s.drainCycles},
        {"dsp", s.dsp},
        {"bram36", s.bram36},
        {"lut", s.lut},
        {"ff", s.ff},
        {"dynamic_power_w", s.dynamicPowerW},
        {"loops", std::move(loops)}});
  }
  return llvm::json::Object{
      {"latency_cycles", d.latencyCycles},
      {"latency_us", d.latencyUs},
      {"interval_cycles", d.intervalCycles},
      {"dsp", d.dsp},
      {"bram36", d.bram36},
      {"lut", d.lut},
      {"ff", d.ff},
      {"interface_lut", d.interfaceLut},
      {"interface_ff", d.interfaceFf},
      {"interface_power_w", d.interfacePowerW},
      {"dynamic_power_w", d.dynamicPowerW},
      {"energy_per_inference_uj", d.energyPerInferenceUj},
      {"parameters", d.parameters},
      {"utilization",
       llvm::json::Object{{"dsp", d.utilDsp},
                          {"bram36", d.utilBram36},
                          {"lut", d.utilLut},
                          {"ff", d.utilFf}}},
      {"stages", std::move(stages)}};
}

static double ratio(double a, double b) { return b != 0 ? a / b : 0.0; }

/// A ratio for the JSON: null when the denominator is 0 (e.g. no BRAM).
static llvm::json::Value jsonRatio(double a, double b) {
  if (b == 0)
    return nullptr;
  return a / b;
}

llvm::json::Value qrcnn::hls::toJSON(const EstimatesReport &r) {
  const DesignEstimate &f = r.folded;
  const DesignEstimate &u = r.unfolded;
  // Without an unfolded design every ratio is null.
  auto jsonRatio = [&](double a, double b) -> llvm::json::Value {
    if (!r.hasUnfolded)
      return nullptr;
    return ::jsonRatio(a, b);
  };
  return llvm::json::Object{
      {"model", r.model},
      {"model_file", r.modelFile},
      {"part", r.part},
      {"clock_ns", r.clockNs},
      {"unfolded_same_as_folded", r.unfoldedSameAsFolded},
      {"unfolded_error", r.hasUnfolded ? llvm::json::Value(nullptr)
                                       : llvm::json::Value(r.unfoldedError)},
      {"folded", ::toJSON(f)},
      {"unfolded", r.hasUnfolded ? ::toJSON(u) : llvm::json::Value(nullptr)},
      // parameters: how many times more the unfolded network stores; the
      // others: folded as a fraction of unfolded.
      {"ratios",
       llvm::json::Object{
           {"parameters", jsonRatio(u.parameters, f.parameters)},
           {"dynamic_power", jsonRatio(f.dynamicPowerW, u.dynamicPowerW)},
           {"energy_per_inference",
            jsonRatio(f.energyPerInferenceUj, u.energyPerInferenceUj)},
           {"latency", jsonRatio(f.latencyCycles, u.latencyCycles)},
           {"interval", jsonRatio(f.intervalCycles, u.intervalCycles)},
           {"dsp", jsonRatio(f.dsp, u.dsp)},
           {"bram36", jsonRatio(f.bram36, u.bram36)},
           {"lut", jsonRatio(f.lut, u.lut)},
           {"ff", jsonRatio(f.ff, u.ff)}}}};
}

void qrcnn::hls::printEstimatesTable(const EstimatesReport &r,
                                     llvm::raw_ostream &os) {
  auto row = [&](StringRef name, StringRef kind, int64_t latency, int64_t dsp,
                 int64_t bram, int64_t lut, int64_t ff, double mw) {
    os << llvm::format("  %-22s %-15s %10lld %5lld %5lld %8lld %8lld %9.3f\n",
                       name.str().c_str(), kind.str().c_str(),
                       (long long)latency, (long long)dsp, (long long)bram,
                       (long long)lut, (long long)ff, mw);
  };
  auto design = [&](StringRef title, const DesignEstimate &d) {
    os << title << ":\n";
    os << "  " << llvm::left_justify("stage", 22) << " "
       << llvm::left_justify("kind", 15) << "     cycles   dsp  bram      lut"
       << "       ff        mW\n";
    for (const StageEstimate &s : d.stages)
      row(s.name, s.kind, s.latencyCycles, s.dsp, s.bram36, s.lut, s.ff,
          s.dynamicPowerW * 1e3);
    row("(interface, fifos)", "-", 0, 0, 0, d.interfaceLut, d.interfaceFf,
        d.interfacePowerW * 1e3);
    row("total", "-", d.latencyCycles, d.dsp, d.bram36, d.lut, d.ff,
        d.dynamicPowerW * 1e3);
  };
  os << "hls estimates: " << r.model << ", part " << r.part << ", clock "
     << llvm::format("%.2f", r.clockNs) << " ns\n";
  design("folded", r.folded);
  if (r.unfoldedSameAsFolded)
    os << "unfolded: same as folded (no recurrent conv)\n";
  else if (!r.hasUnfolded)
    os << "unfolded: not estimated: " << r.unfoldedError << "\n";
  else
    design("unfolded", r.unfolded);
  const DesignEstimate &f = r.folded, &u = r.unfolded;
  os << llvm::left_justify("", 24) << "         folded"
     << (r.hasUnfolded ? "       unfolded      f/u\n" : "\n");
  auto total = [&](StringRef name, double a, double b, const char *fmt) {
    os << llvm::left_justify(name, 24) << " " << llvm::format(fmt, a);
    if (r.hasUnfolded)
      os << " " << llvm::format(fmt, b) << llvm::format(" %8.3f", ratio(a, b));
    os << "\n";
  };
  total("latency (cycles)", f.latencyCycles, u.latencyCycles, "%14.0f");
  total("latency (us)", f.latencyUs, u.latencyUs, "%14.3f");
  total("interval (cycles)", f.intervalCycles, u.intervalCycles, "%14.0f");
  total("DSP48E1", f.dsp, u.dsp, "%14.0f");
  total("BRAM36", f.bram36, u.bram36, "%14.0f");
  total("LUT", f.lut, u.lut, "%14.0f");
  total("FF", f.ff, u.ff, "%14.0f");
  total("dynamic power (mW)", f.dynamicPowerW * 1e3, u.dynamicPowerW * 1e3,
        "%14.3f");
  total("energy/inference (uJ)", f.energyPerInferenceUj,
        u.energyPerInferenceUj, "%14.4f");
  total("parameters", f.parameters, u.parameters, "%14.0f");
  auto use = [&](StringRef name, double a, double b) {
    os << llvm::left_justify(name, 24) << llvm::format(" %14.1f", a);
    if (r.hasUnfolded)
      os << llvm::format(" %14.1f", b);
    os << "\n";
  };
  use("DSP48E1 use (%)", f.utilDsp, u.utilDsp);
  use("BRAM36 use (%)", f.utilBram36, u.utilBram36);
  use("LUT use (%)", f.utilLut, u.utilLut);
  use("FF use (%)", f.utilFf, u.utilFf);
}

LogicalResult qrcnn::hls::writeEstimatesReport(ModuleOp module,
                                               const HLSPlan &plan,
                                               StringRef modelFile,
                                               StringRef jsonPath,
                                               llvm::raw_ostream *table) {
  FailureOr<EstimatesReport> report =
      buildEstimatesReport(module, plan, modelFile);
  if (failed(report))
    return failure();
  if (!jsonPath.empty()) {
    std::error_code ec;
    llvm::raw_fd_ostream file(jsonPath, ec, llvm::sys::fs::OF_Text);
    if (!ec) {
      file << llvm::formatv("{0:2}", toJSON(*report)) << "\n";
      file.close();
      ec = file.error();
    }
    if (ec) {
      llvm::errs() << "qrcnnc: error: cannot write the estimates report '"
                   << jsonPath << "': " << ec.message() << "\n";
      file.clear_error();
      return failure();
    }
  }
  if (table)
    printEstimatesTable(*report, *table);
  return success();
}
