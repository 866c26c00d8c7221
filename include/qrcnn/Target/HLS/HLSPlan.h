//===- HLSPlan.h - the hardware `--target hls` builds -----------*- C++ -*-===//
//
// planHLS() reads the module the qnn pipeline produced (quantize -> conv /
// recurrent_conv / dense, each with its requantization and max pool fused ->
// dequantize) and decides the hardware: one dataflow stage per layer, the
// bit widths of every datapath, the reuse factor of every MAC array, the
// loops with their trip counts, initiation intervals and depths, the buffers
// with their storage, and the streams between stages. The printer
// (HLSEmitter.h) only prints a plan; the estimates report reads only this
// header. Everything here is a plain number or string, so a consumer needs
// no MLIR.
//
// The hardware, in short (docs/hls.md has the long form):
//  * the top function is a DATAFLOW region: an input stage, one stage per
//    layer, an output stage per network output, connected by hls::stream
//    FIFOs whose element is one *pixel*: every channel of one position;
//  * a 1-D conv stage slides a line buffer (a shift register of the window
//    span, `K` taps x Cin, fully partitioned) over the padded input, reading
//    each input sample once; the loop over padded input positions is
//    pipelined with II = R and produces at most one output position per
//    iteration, all Cout channels at once (MACs unrolled, shared by
//    `multipliers` = ceil(MACs per position / R) multipliers), then bias,
//    exact requantization (runtime/include/qrcnn/requantize.h), clamp and
//    the fused max pool in the same pipeline;
//  * a recurrent conv is ONE conv engine function called from an iteration
//    loop, reading one of two ping-pong buffers and writing the other; the
//    buffers hold the largest step, per-step lengths are run-time loop
//    bounds with LOOP_TRIPCOUNT;
//  * a dense stage buffers its input vector, then a loop over outputs
//    pipelined with II = R (ceil(inputs / R) multipliers).
//
//===----------------------------------------------------------------------===//
#ifndef QRCNN_TARGET_HLS_HLSPLAN_H
#define QRCNN_TARGET_HLS_HLSPLAN_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Support/LogicalResult.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace qrcnn::hls {

//===----------------------------------------------------------------------===//
// Options
//===----------------------------------------------------------------------===//

/// Resources of an FPGA part (the budgets of the budget mode and the
/// denominators of the report's utilisation).
struct PartResources {
  int64_t dsp = 240;     ///< DSP48E1 slices
  int64_t bram36 = 135;  ///< 36 Kb block RAMs (each = two BRAM18)
  int64_t lut = 63400;   ///< 6-input LUTs
  int64_t ff = 126800;   ///< flip-flops
};

/// The xc7a100t (Artix-7 100T, every package and speed grade).
PartResources getXc7a100tResources();

/// How the top function's data ports are implemented.
enum class Interface {
  /// hls::stream ports with `#pragma HLS INTERFACE axis` (AXI4-Stream);
  /// values in the model's NCW order, one per beat.
  Axis,
  /// Arrays with `#pragma HLS INTERFACE ap_memory` (a RAM port each).
  Memory,
};

struct HLSOptions {
  /// `--part`: the Vivado part name written into run_hls.tcl.
  std::string part = "xc7a100tcsg324-1";
  /// `--clock-ns`: the target clock period in ns (create_clock -period).
  double clockNs = 10.0;
  /// `--hls-interface`.
  Interface interface = Interface::Axis;
  /// `--reuse-factor N`: the reuse factor of every MAC layer without a
  /// per-layer value (>= 1). 1 = every MAC of one output position (conv) or
  /// of one output neuron (dense) has its own multiplier.
  int64_t reuseFactor = 1;
  /// `--reuse-factor LAYER=N` (repeatable): per layer, by the layer's C
  /// name (HLSLayer::name) or its ONNX node name (HLSLayer::sourceName).
  /// A name that matches no MAC layer is an error of planHLS.
  std::map<std::string, int64_t> layerReuseFactors;
  /// Budget mode (`--budget-dsp` / `--budget-bram` given): reuse factors
  /// of the layers without a per-layer value are raised until the estimated
  /// DSP48E1 and BRAM36 use fits (rule in docs/hls.md and at
  /// fitReuseFactorsToBudget in HLSPlan.cpp). Without it, reuseFactor /
  /// layerReuseFactors are used as given.
  bool fitBudget = false;
  /// The budgets (default: the whole xc7a100t).
  int64_t budgetDsp = 240;
  int64_t budgetBram = 135;
  /// The part's LUTs and FFs (for the report; the budget mode does not
  /// constrain them).
  int64_t partLut = 63400;
  int64_t partFf = 126800;
};

//===----------------------------------------------------------------------===//
// The plan
//===----------------------------------------------------------------------===//

/// An integer datapath value: `ap_int<bits>` (isSigned) or `ap_uint<bits>`.
struct HLSValueType {
  int64_t bits = 0;
  bool isSigned = false;
  /// Zero point of the quantized value (0 for weights and accumulators).
  int64_t zeroPoint = 0;
  /// Storage range (clamp bounds after requantization; for inputs the
  /// quantizer's range).
  int64_t lo = 0, hi = 0;
  /// `ap_uint<4>` / `ap_int<13>`.
  std::string cType() const;
};

/// A loop the printer emits, with the figures a scheduler would give it.
struct HLSLoop {
  /// The loop label in the generated C++ (unique within the stage).
  std::string label;
  /// Trip count of each execution of the loop during one inference, in
  /// order: one entry for a loop that runs once per inference; one entry
  /// per step for the recurrent engine's position loop (the per-step
  /// lengths); `iterations` equal entries for a loop inside the recurrent
  /// iteration loop that does not depend on the step. Empty never.
  std::vector<int64_t> tripCounts;
  /// True when the loop carries `#pragma HLS PIPELINE II=ii`; otherwise it
  /// is a sequential loop whose body takes `depth` cycles per iteration.
  bool pipelined = true;
  /// Initiation interval (cycles between iterations) of a pipelined loop.
  int64_t ii = 1;
  /// Estimated pipeline depth (cycles from an iteration's start to its
  /// last write): a documented rough model, see estimateDepth in
  /// HLSPlan.cpp. Latency of one execution = (trip - 1) * ii + depth.
  int64_t depth = 1;
  /// True when the bound is a run-time value (emitted with
  /// `#pragma HLS LOOP_TRIPCOUNT min=.. max=..`); false = constant bound.
  bool variableBound = false;
};

/// Where a buffer lives.
enum class Storage {
  /// Fully partitioned: one register per element (line buffers, windows).
  Registers,
  /// Distributed RAM in LUTs (`BIND_STORAGE impl=lutram`).
  LUTRAM,
  /// Block RAM (`BIND_STORAGE impl=bram`).
  BRAM,
  /// Constant data fully partitioned into logic (weights at R = 1): no
  /// memory at all, the constants are folded into the multipliers.
  ROMLogic,
  /// Constant data in a LUT ROM (`BIND_STORAGE type=rom_1p impl=lutram`).
  LUTROM,
  /// Constant data in a block RAM ROM (`BIND_STORAGE type=rom_1p impl=bram`).
  BRAMROM,
};
llvm::StringRef stringifyStorage(Storage storage);

struct HLSBuffer {
  /// The C variable name in the generated code.
  std::string name;
  /// What it is: "line buffer", "pool window", "ping-pong", "input vector",
  /// "weights", "bias", "requant", "transpose".
  std::string role;
  /// Elements per copy (an element is `elementBits` wide: for a pixel
  /// buffer one element is every channel of a position).
  int64_t elements = 0;
  int64_t elementBits = 0;
  Storage storage = Storage::Registers;
  /// Memory banks one copy is split into (ARRAY_PARTITION cyclic factor;
  /// `elements` for complete partitioning, 1 for none).
  int64_t banks = 1;
  /// Copies: 2 for the recurrent conv's ping-pong buffers, else 1.
  int64_t copies = 1;
  int64_t totalBits() const { return elements * elementBits * copies; }
};

enum class LayerKind {
  /// Reads the top's input port (NCW order) and writes pixels.
  ReadInput,
  /// qnn.conv (1-D), with the requantization and max pool fused into it.
  Conv,
  /// qnn.recurrent_conv: one engine, an iteration loop, ping-pong buffers.
  RecurrentConv,
  /// qnn.dense (fed by a flatten/reshape or directly), requantization fused.
  Dense,
  /// Writes pixels to one of the top's output ports (NCW order).
  WriteOutput,
};
llvm::StringRef stringifyLayerKind(LayerKind kind);

/// One dataflow stage (a function in the generated code).
struct HLSLayer {
  LayerKind kind = LayerKind::Conv;
  /// The C identifier of the stage (function NAME_<name>); unique. From the
  /// ONNX node name of the op's location (made a C identifier), else
  /// `conv0`, `rconv0`, `dense0`, ...; adapters are `read_input`,
  /// `write_output0`, ...
  std::string name;
  /// The ONNX node name(s) (joined with ',' for a folded chain), or empty.
  std::string sourceName;
  /// The qnn op (null for adapters); for diagnostics only.
  mlir::Operation *op = nullptr;

  // --- Geometry. Conv-like layers are 1-D: [1, C, L]; dense layers see
  // their input as cin channels x inLength positions (flattened c-major,
  // the NCW flatten) and produce one position of cout values. Adapters:
  // cin = cout = channels, inLength = outLength = positions.
  int64_t cin = 1, cout = 1;
  int64_t kernel = 1, stride = 1, dilation = 1, group = 1;
  int64_t padBegin = 0, padEnd = 0;
  /// Input positions (per step for a recurrent conv: stepInLengths).
  int64_t inLength = 1;
  /// Conv output positions before pooling (per step: stepConvLengths).
  int64_t convLength = 1;
  /// Output positions written to the next stage (after pooling).
  int64_t outLength = 1;
  /// qnn.recurrent_conv: steps and the lengths of each step.
  int64_t iterations = 1;
  std::vector<int64_t> stepInLengths, stepConvLengths, stepOutLengths;
  /// Fused max pool (kernel 0 = none); no padding, dilation 1.
  int64_t poolKernel = 0, poolStride = 1;

  // --- Datapath types.
  HLSValueType input, weight, output;
  /// The accumulator: ap_int<accBits>, accBits = the op's acc_bits (32 when
  /// bit-width inference left it unset).
  int64_t accBits = 32;
  /// Requantization fused (else the stage outputs accumulators).
  bool requantized = false;
  /// Mantissa bits of the requantization multiplier (31 exact, 16
  /// fixed16, 1 pow2: a shift only).
  int64_t requantMantissaBits = 31;
  bool hasBias = false;

  // --- Parallelism.
  /// Multiply-accumulates per output position (conv: cout * cin/group *
  /// kernel; dense: per output neuron, cin * inLength). 0 for adapters.
  int64_t macsPerPosition = 0;
  /// Reuse factor R: each multiplier serves R MACs per position.
  int64_t reuseFactor = 1;
  /// ceil(macsPerPosition / R): `#pragma HLS ALLOCATION ... limit`.
  int64_t multipliers = 0;
  /// Requantization multipliers (acc x mantissa): ceil(cout / R) for conv
  /// stages (all channels of a position), 1 for dense; 0 when the stage
  /// does not requantize or the mode is pow2.
  int64_t requantMultipliers = 0;
  /// II of the position (conv) / output-neuron (dense) loop: R.
  int64_t ii = 1;
  /// Estimated depth of that loop's pipeline.
  int64_t depth = 1;
  /// Every loop the stage emits, outermost first.
  std::vector<HLSLoop> loops;
  /// Buffers the stage owns (line buffer, pool window, ping-pong buffers,
  /// dense input vector, weights, bias, requantization constants).
  std::vector<HLSBuffer> buffers;
  /// Weight and bias values stored (a recurrent conv stores its weights
  /// once, however many steps it runs).
  int64_t weightCount = 0, biasCount = 0;

  /// Stream indices (HLSPlan::streams) this stage reads / writes. A stage
  /// whose output has several consumers writes each of them.
  std::vector<int64_t> inStreams, outStreams;
};

/// A FIFO between two stages (`hls::stream` + `#pragma HLS STREAM`).
struct HLSStream {
  std::string name;
  /// One element = one pixel: `channels` values of `type`.
  int64_t channels = 1;
  HLSValueType type;
  int64_t depth = 2;
  /// Elements passing per inference.
  int64_t elementsPerInference = 1;
  /// Producer and consumer (HLSPlan::layers indices).
  int64_t from = -1, to = -1;
  int64_t elementBits() const { return channels * type.bits; }
};

/// A data port of the top function.
struct HLSPort {
  /// `input`, `output` (or `output0`, `output1`, ... for several).
  std::string name;
  /// The model's tensor shape (batch first) and element count.
  std::vector<int64_t> shape;
  int64_t elements = 1;
  HLSValueType type;
  /// Scales of the quantized value: one (per tensor) or one per channel
  /// (along `channelAxis`). The testbench quantizes inputs / dequantizes
  /// outputs with them exactly as the golden model does.
  std::vector<double> scales;
  int64_t channelAxis = -1;
  /// True when the model output is float (dequantized in the testbench);
  /// false when the model returns the stored integers themselves.
  bool dequantized = true;
  /// The ONNX graph input/output name, if any.
  std::string sourceName;
};

struct HLSPlan {
  HLSOptions options;
  /// The top function's name (`--name`).
  std::string top;
  std::vector<HLSPort> inputs, outputs;
  /// Stages in dataflow order (producers before consumers).
  std::vector<HLSLayer> layers;
  std::vector<HLSStream> streams;
  /// True: the top is a `#pragma HLS DATAFLOW` region of the stages.
  bool dataflow = true;
  /// Weights + biases stored in the hardware (a folded recurrent conv
  /// counts once).
  int64_t parameterCount = 0;
  /// True when the module has a qnn.recurrent_conv.
  bool hasRecurrentConv = false;
};

/// Builds the plan. Unsupported IR (an op or a shape the hardware does not
/// map, a per-layer reuse factor naming no layer, a budget that no reuse
/// factors can meet) gets a diagnostic on the op (the user sees the ONNX
/// node) or the module, and failure.
mlir::FailureOr<HLSPlan> planHLS(mlir::ModuleOp module,
                                 const HLSOptions &options);

/// `--hls-print-plan`: the plan as an aligned text table (layers with their
/// geometry, widths, R, multipliers, II, depth, loops, buffers, streams).
void printHLSPlan(const HLSPlan &plan, llvm::raw_ostream &os);

//===----------------------------------------------------------------------===//
// The resource rules the budget mode uses (and the report may reuse)
//===----------------------------------------------------------------------===//

/// DSP48E1 slices for one a x b bit multiplier: 0 when a + b <= 16 (the
/// generated code binds such products to fabric, `BIND_OP impl=fabric`),
/// else ceil(max/25) * ceil(min/18) (a DSP48E1 multiplies 25 x 18 bits).
int64_t getDspPerMultiplier(int64_t aBits, int64_t bBits);

/// DSP48E1 slices a stage uses: MAC multipliers plus requantization
/// multipliers, each by getDspPerMultiplier.
int64_t estimateDsp(const HLSLayer &layer);

/// A clock period as tcl and reports print it: the shortest decimal that
/// reads back as the same double, at most 9 decimals (10, 4.5, 6.667).
std::string formatClock(double ns);

/// BRAM36 a buffer uses: 0 unless its storage is BRAM/BRAMROM; else per
/// copy and bank ceil(bits / 36) x ceil(depth / 1024), in halves (a BRAM18
/// holds 18 x 1024), rounded up to whole BRAM36 per buffer.
int64_t estimateBram36(const HLSBuffer &buffer);

} // namespace qrcnn::hls

#endif // QRCNN_TARGET_HLS_HLSPLAN_H
