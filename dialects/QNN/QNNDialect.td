//===- QNNDialect.td - the qnn dialect ---------------------*- tablegen -*-===//
//
// qnn: quantized neural-network ops on tensors. Element types are f32 (a
// float model, or the float part of a graph before quantization is
// recognized) or upstream quant types (`!quant.uniform<...>`), which carry
// scale, zero point and the storage range. The storage range doubles as the
// clamp bounds of whatever produced the value, so a fused ReLU or a 4-bit
// Clip is visible in the type itself.
//
//===----------------------------------------------------------------------===//

#ifndef QRCNN_DIALECT_QNN_QNNDIALECT_TD
#define QRCNN_DIALECT_QNN_QNNDIALECT_TD

include "mlir/IR/OpBase.td"

def QNN_Dialect : Dialect {
  let name = "qnn";
  let cppNamespace = "::qrcnn::qnn";
  let summary = "Quantized neural-network ops for the qrcnn compiler";
  let description = [{
    The project's own IR for quantized (recurrent) convolutional networks.
    Tensors hold either `f32` or upstream `!quant.uniform` element types
    (per tensor or per axis). Integer semantics follow the numeric contract
    in DESIGN.md: real = scale * (q - zero_point), accumulators are exact
    signed integers, requantization rounds half to even and clamps to the
    result type's storage range.
  }];
  let dependentDialects = ["::mlir::quant::QuantizationDialect"];
  let hasConstantMaterializer = 1;
}

class QNN_Op<string mnemonic, list<Trait> traits = []>
    : Op<QNN_Dialect, mnemonic, traits>;

#endif // QRCNN_DIALECT_QNN_QNNDIALECT_TD
