//===- Passes.td - qnn transformation passes ---------------*- tablegen -*-===//
//
// Pass flags follow `qnn-verb-noun`; each pass's lit test has the same name.
//
//===----------------------------------------------------------------------===//

#ifndef QRCNN_DIALECT_QNN_PASSES_TD
#define QRCNN_DIALECT_QNN_PASSES_TD

include "mlir/Pass/PassBase.td"

def UnrollRecurrentConv : Pass<"qnn-unroll-recurrent-conv"> {
  let summary = "Expand each qnn.recurrent_conv into its chain of conv blocks";
  let description = [{
    The inverse of folding: `iterations` copies of conv -> requantize
    (-> maxpool), all reading the same weight and bias values. Used to prove
    that folded and unfolded networks compute identical outputs, and by
    backends that want one function per layer.
  }];
  let dependentDialects = ["::qrcnn::qnn::QNNDialect"];
}

#endif // QRCNN_DIALECT_QNN_PASSES_TD
