//===- ConstantFolder.h - evaluate ONNX nodes on constants ------*- C++ -*-===//
//
// A small evaluator for the subgraphs exporters leave over initializers
// (weight preparation: Div, Round, Clip, Mul, Cast, QuantizeLinear, ...;
// shape arithmetic: Shape, Gather, Concat, Unsqueeze, ...). It follows ONNX
// Runtime's semantics on x86-64: float32 arithmetic rounded per op, Round
// and QuantizeLinear round half to even, QuantizeLinear saturates, Cast from
// float to integer truncates toward zero.
//
//===----------------------------------------------------------------------===//
#ifndef QRCNN_LIB_IMPORT_CONSTANTFOLDER_H
#define QRCNN_LIB_IMPORT_CONSTANTFOLDER_H

#include "HostTensor.h"

#include "llvm/ADT/StringRef.h"

namespace onnx {
class NodeProto;
} // namespace onnx

namespace qrcnn::onnx_import {

enum class FoldStatus {
  NotFoldable, // the evaluator does not implement this op
  Folded,
  Failed, // the op is malformed for these inputs; `error` says why
};

/// True if the evaluator implements `opType` of the default domain (or the
/// QONNX Quant op when `isQonnxDomain`).
bool isFoldableOp(llvm::StringRef opType, bool isQonnxDomain);

/// Evaluates `node` whose present inputs are all constants (`inputs[i]` is
/// null for an omitted optional input). On success fills one Constant per
/// node output.
FoldStatus foldNode(const onnx::NodeProto &node, int64_t opset,
                    bool isQonnxDomain,
                    llvm::ArrayRef<const Constant *> inputs,
                    llvm::SmallVectorImpl<Constant> &results,
                    std::string &error);

/// Reads the constant of a Constant node's attributes (value, value_float,
/// value_floats, value_int, value_ints).
bool readConstantNode(const onnx::NodeProto &node, HostTensor &out,
                      std::string &error);

/// ONNX Runtime's Cast of one value from `from` to `to` (x86-64 behaviour for
/// out-of-range float to integer conversions).
bool castValues(const HostTensor &in, int32_t to, HostTensor &out,
                std::string &error);

} // namespace qrcnn::onnx_import

#endif // QRCNN_LIB_IMPORT_CONSTANTFOLDER_H
