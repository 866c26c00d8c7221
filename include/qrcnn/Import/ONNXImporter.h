//===- ONNXImporter.h - ONNX ModelProto to the qnn dialect ------*- C++ -*-===//
//
// Reads an ONNX model (float, QDQ, INT4/UINT4, QOperator or QONNX form) into
// one `func.func @main` of qnn ops on f32 and quantized tensors. Quantization
// is made explicit (qnn.quantize / qnn.dequantize / quantized qnn.constant),
// not fused; constant subgraphs are folded with ONNX Runtime's semantics.
// Every problem is reported through MLIR's diagnostic engine at a NameLoc of
// the node ("node 'conv3' (Conv): ...").
//
//===----------------------------------------------------------------------===//
#ifndef QRCNN_IMPORT_ONNXIMPORTER_H
#define QRCNN_IMPORT_ONNXIMPORTER_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/ADT/StringRef.h"

namespace mlir {
class MLIRContext;
} // namespace mlir

namespace qrcnn {

/// Imports the serialized ModelProto in `bytes`; `modelName` names it in
/// diagnostics. Returns null after emitting diagnostics on failure. The
/// context must have the qnn, quant and func dialects loaded (or loadable).
mlir::OwningOpRef<mlir::ModuleOp> importONNXModel(mlir::MLIRContext &context,
                                                  llvm::StringRef bytes,
                                                  llvm::StringRef modelName);

/// Reads and imports the ONNX file at `path`.
mlir::OwningOpRef<mlir::ModuleOp> importONNXFile(mlir::MLIRContext &context,
                                                 llvm::StringRef path);

} // namespace qrcnn

#endif // QRCNN_IMPORT_ONNXIMPORTER_H
