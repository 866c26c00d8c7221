//===- Importer.h - the ONNX graph importer (internal) ----------*- C++ -*-===//
//
// One Importer turns one ModelProto into one module. Importer.cpp holds the
// graph walk (checks, topological order, inputs, outputs, constants);
// ConvertLayers.cpp the float ops; ConvertQuantization.cpp the QDQ,
// QOperator and QONNX ops.
//
//===----------------------------------------------------------------------===//
#ifndef QRCNN_LIB_IMPORT_IMPORTER_H
#define QRCNN_LIB_IMPORT_IMPORTER_H

#include "HostTensor.h"
#include "Quantization.h"
#include "ShapeHelpers.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Quant/QuantTypes.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringMap.h"

#include <memory>

namespace onnx {
class ModelProto;
class NodeProto;
class TensorProto;
} // namespace onnx

namespace qrcnn::onnx_import {

/// Real-value bounds known for a float tensor at compile time.
struct Interval {
  double lo, hi;
};

/// A ConvInteger / MatMulInteger whose integer accumulator is not emitted
/// yet: a following Cast to float and Mul by a constant fold into its
/// weight scales (see ConvertQuantization.cpp).
struct PendingAccumulator {
  const onnx::NodeProto *node = nullptr;
  bool isConv = true;
  mlir::Value input;                       // quantized run-time input
  HostTensor weights;                      // integer weights as in the model
  llvm::SmallVector<int64_t> weightZeroPoints; // one, or one per output channel
  WindowGeometry geometry;                 // conv only
  int64_t group = 1;
  llvm::SmallVector<int64_t> resultShape;
  bool castToFloat = false; // a Cast to FLOAT was absorbed
  mlir::Value emitted;      // the f32 accumulator once emitted with scale 1
};

/// What an ONNX tensor name stands for.
struct Entry {
  mlir::Value value;                        // run-time tensor
  std::shared_ptr<const Constant> constant; // compile-time tensor
  std::shared_ptr<PendingAccumulator> pending;
  int32_t onnxType = dtype::kUndefined;     // element type as ONNX sees it
  std::string name;                         // the ONNX tensor name

  bool present() const { return value || constant || pending; }
};

/// A conv or dense the importer emitted, so that a following
/// BatchNormalization or bias Add can fold into its constants.
struct LayerRecord {
  mlir::Operation *layer = nullptr; // qnn.conv or qnn.dense
  std::shared_ptr<const Constant> weight; // host weights (float layout of op)
  std::shared_ptr<const Constant> bias;   // null when the layer has none
  int64_t channelAxis = 1; // axis of the recorded value holding channels
};

class Importer {
public:
  Importer(mlir::MLIRContext &context, const onnx::ModelProto &model,
           llvm::StringRef modelName);
  mlir::OwningOpRef<mlir::ModuleOp> run();

  // ---- diagnostics ------------------------------------------------------
  mlir::InFlightDiagnostic nodeError(const onnx::NodeProto &node);
  mlir::InFlightDiagnostic graphError();
  /// nodeError for `user`, or graphError when there is no node.
  mlir::InFlightDiagnostic userError(const onnx::NodeProto *user);
  mlir::Location nodeLoc(const onnx::NodeProto &node);
  mlir::Location tensorLoc(llvm::StringRef name);

  // ---- per-op converters (ConvertLayers.cpp, ConvertQuantization.cpp) ---
  using Inputs = llvm::SmallVectorImpl<Entry>;
  mlir::LogicalResult convertConv(const onnx::NodeProto &node, Inputs &in);
  mlir::LogicalResult convertPool(const onnx::NodeProto &node, Inputs &in);
  mlir::LogicalResult convertGemm(const onnx::NodeProto &node, Inputs &in);
  mlir::LogicalResult convertMatMul(const onnx::NodeProto &node, Inputs &in);
  mlir::LogicalResult convertBatchNorm(const onnx::NodeProto &node, Inputs &in);
  mlir::LogicalResult convertAddSubMul(const onnx::NodeProto &node,
                                       Inputs &in);
  mlir::LogicalResult convertActivation(const onnx::NodeProto &node,
                                        Inputs &in);
  mlir::LogicalResult convertShapeOp(const onnx::NodeProto &node, Inputs &in);
  mlir::LogicalResult convertTranspose(const onnx::NodeProto &node,
                                       Inputs &in);
  mlir::LogicalResult convertSoftmax(const onnx::NodeProto &node, Inputs &in);
  mlir::LogicalResult convertArgMax(const onnx::NodeProto &node, Inputs &in);
  mlir::LogicalResult convertPassThrough(const onnx::NodeProto &node,
                                         Inputs &in);
  mlir::LogicalResult convertShapeQuery(const onnx::NodeProto &node,
                                        Inputs &in);
  mlir::LogicalResult convertCast(const onnx::NodeProto &node, Inputs &in);
  mlir::LogicalResult convertQuantizeLinear(const onnx::NodeProto &node,
                                            Inputs &in);
  mlir::LogicalResult convertDequantizeLinear(const onnx::NodeProto &node,
                                              Inputs &in);
  mlir::LogicalResult convertQonnxQuant(const onnx::NodeProto &node,
                                        Inputs &in);
  mlir::LogicalResult convertQLinearConv(const onnx::NodeProto &node,
                                         Inputs &in);
  mlir::LogicalResult convertQLinearMatMul(const onnx::NodeProto &node,
                                           Inputs &in);
  mlir::LogicalResult convertIntegerOp(const onnx::NodeProto &node,
                                       Inputs &in);

  // ---- pending integer accumulators --------------------------------------
  /// Absorbs a Cast / Mul into a pending accumulator when the graph allows
  /// it; returns true if `node` was handled that way.
  mlir::FailureOr<bool> tryAbsorbIntoPending(const onnx::NodeProto &node,
                                             Inputs &in);
  /// Emits a pending accumulator with weight scales `scales` / sx (one or
  /// one per output channel); the result is the real value scales * acc.
  mlir::FailureOr<mlir::Value>
  emitPending(PendingAccumulator &pending,
              llvm::ArrayRef<double> scales, mlir::Location loc);
  /// Turns a pending accumulator input into an ordinary run-time value.
  mlir::LogicalResult resolvePending(const onnx::NodeProto &node, Entry &e);

  // ---- layer emitters shared by the float and quantized forms -----------
  /// Validates a Conv's attributes (Conv, QLinearConv, ConvInteger share
  /// them) against the input and weight shapes.
  mlir::LogicalResult getConvGeometry(const onnx::NodeProto &node,
                                      llvm::ArrayRef<int64_t> xShape,
                                      llvm::ArrayRef<int64_t> wShape,
                                      WindowGeometry &geometry,
                                      int64_t &group);
  /// A float qnn.conv of `x` with constant weights (and bias).
  mlir::FailureOr<mlir::Value>
  emitConv(const onnx::NodeProto &node, mlir::Value x,
           std::shared_ptr<const Constant> weight, llvm::StringRef weightName,
           std::shared_ptr<const Constant> bias, llvm::StringRef biasName);
  /// A float qnn.dense over the last dimension of `a` (reshaped around the
  /// op when `a` has rank > 2) with constant weights [N, K] (and bias [N]).
  mlir::FailureOr<mlir::Value>
  emitDense(const onnx::NodeProto &node, mlir::Value a,
            std::shared_ptr<const Constant> weight, llvm::StringRef weightName,
            std::shared_ptr<const Constant> bias, llvm::StringRef biasName);
  /// qnn.clamp; on a quantized tensor [lo, hi] are stored integers and the
  /// result type's storage range narrows to them.
  mlir::FailureOr<mlir::Value> emitClamp(const onnx::NodeProto &node,
                                         mlir::Value x, double lo, double hi);
  /// qnn.dequantize with the real-value interval of the storage range.
  mlir::Value emitDequantize(mlir::Value q, mlir::Location loc);
  /// Checks that the quantized run-time tensor `e` carries `params` (a
  /// DequantizeLinear or QLinear op reading it must agree with its
  /// producer).
  mlir::LogicalResult checkQuantMatches(const onnx::NodeProto &node,
                                        const Entry &e,
                                        const QuantParams &params);

  // ---- helpers shared by the converters -----------------------------------
  /// A float run-time value for input `e` (float constants are
  /// materialized); fails for quantized or integer tensors.
  mlir::FailureOr<mlir::Value> getFloatValue(const onnx::NodeProto &node,
                                             const Entry &e,
                                             llvm::StringRef role);
  /// The constant of input `e`, or an error saying it must be one.
  mlir::FailureOr<std::shared_ptr<const Constant>>
  getConstant(const onnx::NodeProto &node, const Entry &e,
              llvm::StringRef role);
  /// getConstant for the optional input `index`: null when it is absent.
  mlir::FailureOr<std::shared_ptr<const Constant>>
  getOptionalConstant(const onnx::NodeProto &node, Inputs &in, size_t index,
                      llvm::StringRef role);
  /// Integer values of a constant 1-D (or scalar) input, e.g. axes, shape.
  mlir::LogicalResult getConstantInts(const onnx::NodeProto &node,
                                      const Entry &e, llvm::StringRef role,
                                      llvm::SmallVectorImpl<int64_t> &out);
  /// Emits a constant (quantized + qnn.dequantize when it came from
  /// dequantizing integers, else f32). Identical constants share one value.
  mlir::FailureOr<mlir::Value> materialize(const Constant &c,
                                           mlir::Location loc,
                                           const onnx::NodeProto *user);
  /// The quantized tensor type for `params` over `shape`, with the storage
  /// range narrowed to [lo, hi] (stored integers) when given.
  mlir::FailureOr<mlir::RankedTensorType>
  getQuantizedType(const onnx::NodeProto *user, llvm::ArrayRef<int64_t> shape,
                   const QuantParams &params, int64_t lo, int64_t hi);
  /// Reads the quantization of a run-time quantized value (per tensor).
  mlir::quant::UniformQuantizedType
  getUniformType(mlir::Value v) const;

  mlir::RankedTensorType f32Tensor(llvm::ArrayRef<int64_t> shape);
  static llvm::ArrayRef<int64_t> shapeOf(mlir::Value v);
  bool isQuantizedValue(mlir::Value v) const;

  void setOutput(const onnx::NodeProto &node, int index, Entry e);
  void setOutputValue(const onnx::NodeProto &node, int index,
                      mlir::Value value, int32_t onnxType);
  /// Number of readers of tensor `name` (nodes and graph outputs).
  int64_t getUseCount(llvm::StringRef name) const;
  bool isGraphOutput(llvm::StringRef name) const;

  std::optional<Interval> getInterval(mlir::Value v) const;
  void setInterval(mlir::Value v, Interval i);
  /// Emits a qnn.reshape unless the shape already matches.
  mlir::Value reshape(mlir::Value v, llvm::ArrayRef<int64_t> shape,
                      mlir::Location loc);

  int64_t opsetOf(const onnx::NodeProto &node) const;

  mlir::MLIRContext &context;
  mlir::OpBuilder builder;         // appends to the function body
  mlir::OpBuilder constantBuilder; // constants at the top of the body
  llvm::DenseMap<mlir::Value, LayerRecord> layers;

private:
  mlir::LogicalResult checkModel();
  mlir::LogicalResult indexGraph();
  mlir::LogicalResult sortNodes();
  mlir::LogicalResult createFunction();
  mlir::LogicalResult importNode(const onnx::NodeProto &node);
  mlir::LogicalResult gatherInputs(const onnx::NodeProto &node,
                                   llvm::SmallVectorImpl<Entry> &in);
  mlir::LogicalResult dispatch(const onnx::NodeProto &node, Inputs &in);
  mlir::LogicalResult finishFunction();
  mlir::FailureOr<mlir::Value> materializeForOutput(const Entry &e);
  mlir::FailureOr<mlir::Value> materializeQuantized(const Constant &c,
                                                    mlir::Location loc,
                                                    const onnx::NodeProto *user);
  void eraseDeadConstants();
  /// Points `constantBuilder` after the last constant emitted so far.
  void positionConstantBuilder();

  const onnx::ModelProto &model;
  std::string modelName;
  mlir::OwningOpRef<mlir::ModuleOp> module;
  mlir::func::FuncOp function;
  mlir::Operation *lastConstant = nullptr;
  int64_t defaultOpset = 0;

  llvm::StringMap<const onnx::TensorProto *> initializers;
  llvm::StringMap<std::string> inputTypeErrors; // graph inputs we reject
  llvm::StringMap<Entry> entries;
  llvm::StringMap<int64_t> useCounts;
  llvm::StringMap<int> producers; // tensor -> node index
  llvm::StringMap<bool> graphOutputs;
  std::vector<int> order; // live nodes, topologically sorted
  llvm::DenseMap<mlir::Value, Interval> intervals;
  llvm::DenseMap<std::pair<mlir::Attribute, mlir::Type>, mlir::Value>
      constantCache;
};

} // namespace qrcnn::onnx_import

#endif // QRCNN_LIB_IMPORT_IMPORTER_H
