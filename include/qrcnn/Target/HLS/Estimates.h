//===- Estimates.h - latency, resource and power estimates of a plan -*- C++ -*-===//
//
// `--report PATH` / `--report-table` of `--target hls`: from an HLSPlan
// alone (no vendor tools) the schedule (per loop, per stage, the DATAFLOW
// top's latency and interval), DSP48E1 / BRAM36 / LUT / FF, utilisation of
// the part and an activity-based dynamic power; for the folded network the
// target compiles and for the same network with every recurrent conv
// unrolled (what `--no-fold` builds), side by side. The models and every
// coefficient are documented in docs/hls.md ("How the estimates are
// computed") and next to the code in Estimates.cpp.
//
//===----------------------------------------------------------------------===//
#ifndef QRCNN_TARGET_HLS_ESTIMATES_H
#define QRCNN_TARGET_HLS_ESTIMATES_H

#include "qrcnn/Target/HLS/HLSPlan.h"

#include "llvm/Support/JSON.h"

#include <string>
#include <vector>

namespace qrcnn::hls {

/// One loop as scheduled: latency of all its executions in one inference.
struct LoopEstimate {
  std::string label;
  std::vector<int64_t> tripCounts;
  bool pipelined = true;
  int64_t ii = 1, depth = 1;
  /// Pipelined: sum over executions of (trip - 1) * ii + depth;
  /// sequential: trips * depth (its own overhead; the loops nested in it
  /// are counted on their own).
  int64_t latencyCycles = 0;
};

/// One dataflow stage.
struct StageEstimate {
  std::string name;
  std::string kind;
  /// Cycles the stage needs alone (inputs always available): the sum of
  /// its loops' latencies (its loops run one after the other).
  int64_t latencyCycles = 0;
  /// Cycle (from the stage's start, inputs always available) at which it
  /// writes its first output pixel.
  int64_t firstOutputCycles = 0;
  /// Cycles from the arrival of its last input pixel to its end.
  int64_t drainCycles = 0;
  /// Its start and end in the DATAFLOW schedule of one inference.
  int64_t startCycle = 0, endCycle = 0;
  int64_t dsp = 0, bram36 = 0, lut = 0, ff = 0;
  /// This stage's share of the dynamic power (W).
  double dynamicPowerW = 0;
  std::vector<LoopEstimate> loops;
};

/// A whole design (one plan).
struct DesignEstimate {
  int64_t latencyCycles = 0;
  double latencyUs = 0;
  /// Cycles between the starts of two back-to-back inferences.
  int64_t intervalCycles = 0;
  int64_t dsp = 0, bram36 = 0, lut = 0, ff = 0;
  /// Percent of the part's DSP48E1 / BRAM36 / LUT / FF.
  double utilDsp = 0, utilBram36 = 0, utilLut = 0, utilFf = 0;
  /// Average dynamic power while inferences run back to back (W), and
  /// the dynamic energy of one inference (µJ).
  double dynamicPowerW = 0;
  double energyPerInferenceUj = 0;
  int64_t parameters = 0;
  /// Top-level overhead (control interface, ports, FIFOs) included in
  /// lut / ff, also listed separately.
  int64_t interfaceLut = 0, interfaceFf = 0;
  double interfacePowerW = 0;
  std::vector<StageEstimate> stages;
};

/// The full report: the folded design and the unfolded one.
struct EstimatesReport {
  /// The generated top's name (`--name`) and the model file.
  std::string model;
  std::string modelFile;
  std::string part;
  double clockNs = 10;
  DesignEstimate folded, unfolded;
  /// True when the module has no recurrent conv (unfolded = folded).
  bool unfoldedSameAsFolded = false;
  /// False when the unfolded network cannot be planned with the same
  /// options (e.g. a DSP budget the folded design meets and the unfolded
  /// one cannot): `unfolded` is then empty and `unfoldedError` says why.
  bool hasUnfolded = true;
  std::string unfoldedError;
};

/// The coefficients of the dynamic power model (docs/hls.md lists where
/// each value comes from; the energies are assumptions).
struct PowerCoefficients {
  /// Average toggle rate of data in busy logic: XPE's default (UG440).
  double toggleRate = 0.125;
  /// Energy per transition of one LUT (incl. its routing), pJ.
  double lutPj = 0.10;
  /// Energy per data transition of one FF, pJ.
  double ffPj = 0.05;
  /// Clock-tree energy per FF per clock cycle (always on: HLS designs are
  /// not clock gated), pJ.
  double ffClockPj = 0.01;
  /// Energy of one DSP48E1 per transition-weighted cycle, pJ.
  double dspPj = 30.0;
  /// Energy of one BRAM36 per enabled (accessed) cycle, pJ.
  double bram36Pj = 15.0;
};

/// Schedule, resources and power of one plan.
DesignEstimate estimateDesign(const HLSPlan &plan,
                              const PowerCoefficients &power = {});

/// The plan of the same network with every qnn.recurrent_conv unrolled
/// into its chain of convs (the `--no-fold` network) and the same options.
/// `module` is not changed (a clone is planned).
mlir::FailureOr<HLSPlan> planUnfolded(mlir::ModuleOp module,
                                      const HLSOptions &options);

/// Builds the report: estimates `folded` (the plan the target emits) and
/// the unfolded plan of `module`.
mlir::FailureOr<EstimatesReport>
buildEstimatesReport(mlir::ModuleOp module, const HLSPlan &folded,
                     llvm::StringRef modelFile);

/// The report as JSON (keys in docs/hls.md).
llvm::json::Value toJSON(const EstimatesReport &report);

/// The readable table: one row per stage and totals, folded vs unfolded.
void printEstimatesTable(const EstimatesReport &report, llvm::raw_ostream &os);

/// `--report PATH` / `--report-table`: builds the report of `plan` (and
/// the unfolded plan of `module`), writes the JSON to `jsonPath` unless it
/// is empty and prints the table to `table` unless it is null. A file that
/// cannot be written is reported on stderr (failure).
mlir::LogicalResult writeEstimatesReport(mlir::ModuleOp module,
                                         const HLSPlan &plan,
                                         llvm::StringRef modelFile,
                                         llvm::StringRef jsonPath,
                                         llvm::raw_ostream *table);

} // namespace qrcnn::hls

#endif // QRCNN_TARGET_HLS_ESTIMATES_H
