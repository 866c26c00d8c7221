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

def FuseQuantization : Pass<"qnn-fuse-quantization"> {
  let summary = "Fuse quantize/dequantize around float ops into integer qnn ops";
  let description = [{
    Turns the importer's float graph with explicit `qnn.quantize` /
    `qnn.dequantize` (QDQ, and QOperator / QONNX expanded into that form)
    into integer ops on quantized types:

    - `conv` / `dense` on dequantized input and weights become the quantized
      op producing the exact i32 accumulator; a float bias is rounded half to
      even onto the accumulator grid `sx*sw[c]` (an error if it overflows
      int32), a quantized bias on another grid is rescaled the same way, and
      a bias added by a separate `qnn.add` of a per-channel constant moves
      into the op. Non-zero weight zero points of constant weights are
      folded into the weight values.
    - `quantize(dequantize(a))` cancels when nothing changes and becomes
      `qnn.requantize` otherwise; a float `clamp` (ReLU, Clip) in front of
      a quantize, and a quantized `clamp` after a quantize or requantize,
      narrow that op's storage range instead.
    - `maxpool`, `reshape`, `argmax`, `add`, `avgpool` move into the integer
      domain; max pooling commutes with a (monotonic) quantize and with the
      requantization of an accumulator, giving conv -> requantize -> maxpool.
    - Storage types are normalized to the narrowest integer holding the
      storage range and the zero point (`u8<0:15>` with zero point 0 becomes
      `u4`, `i8<-8:7>` becomes `i4`, a ReLU'd `i8` becomes `u7`); ranges
      narrower than the full width stay visible (`u4<0:9>`).

    Every rewrite is exact in the numeric contract (real arithmetic, round
    half to even), so results differ from ONNX Runtime's float32 evaluation
    of the QDQ graph at most on rare ties. Float ops that do not sit between
    quantized values stay float.
  }];
  let dependentDialects = ["::qrcnn::qnn::QNNDialect",
                           "::mlir::quant::QuantizationDialect"];
}

def FoldRecurrentConv : Pass<"qnn-fold-recurrent-conv"> {
  let summary = "Fold chains of identical conv blocks into qnn.recurrent_conv";
  let description = [{
    Finds maximal chains of blocks conv -> requantize (-> maxpool) mapping C
    to C channels, where each block reads the previous block's output (and
    nothing else reads it), every block has the same weights (the same value,
    or constants of the same type with equal contents), the same bias,
    conv and pool attributes, and requantizes to its own input's
    quantization. Each chain of at least `min-length` blocks becomes one
    `qnn.recurrent_conv` with `iterations` = chain length. Spatial sizes may
    shrink along the chain (pooling, stride). `qnn-unroll-recurrent-conv` is
    the exact inverse.

    With `report`, a remark on each recurrent conv says how many blocks it
    replaced, and a remark on the root gives the layer parameter counts
    (weights and biases of conv, dense and recurrent_conv): unrolled, i.e.
    every recurrent step stored separately as in a conventional CNN, and
    folded, each recurrent conv stored once. (A remark rather than pass
    statistics, which release builds of LLVM compile out.)
  }];
  let options = [
    Option<"minLength", "min-length", "int64_t", /*default=*/"2",
           "Fold only chains of at least this many blocks">,
    Option<"report", "report", "bool", /*default=*/"false",
           "Emit remarks: blocks per recurrent conv, parameter counts">,
  ];
  let dependentDialects = ["::qrcnn::qnn::QNNDialect"];
}

def CheckSizeLimits : Pass<"qnn-check-size-limits", "::mlir::ModuleOp"> {
  let summary = "Refuse constants larger than any device qrcnn compiles for";
  let description = [{
    The pipeline's first pass. The passes after it walk every value of
    every constant (weights are folded, rescaled and bounded value by
    value), so a 2^28-element splat weight, one line of qnn IR or a large
    ONNX initializer, took them 38 s and 2 GiB before the golden model's
    own bounds could apply. The constant values of a module must add up
    to at most `max-constant-values`; the default, 2^24, is 16 MiB of
    8-bit weights: more than the flash of the microcontrollers and the
    block RAM of the Artix-7 parts the backends target (an XC7A200T holds
    1.6 MiB). The error names the constant that crosses the limit.
  }];
  let options = [
    Option<"maxConstantValues", "max-constant-values", "int64_t",
           /*default=*/"int64_t(1) << 24",
           "Most constant values (summed over the module) the pipeline accepts">,
  ];
}

def InferBitWidths : Pass<"qnn-infer-bit-widths"> {
  let summary = "Set acc_bits on quantized conv, dense and recurrent_conv";
  let description = [{
    Bounds every accumulator exactly from the weight and bias values and the
    input type's storage range (padding contributes zero), and sets
    `acc_bits` to the narrowest signed width that holds the bias plus any
    subset of the products, so no partial sum overflows in any order. A
    recurrent conv's steps all read values of its activation type, so one
    width serves every step. Weights or biases that are not constants are
    bounded by their type's storage range. An accumulator that needs more
    than 32 bits is an error. With `report`, a remark on each layer gives
    its accumulator range and width.
  }];
  let options = [
    Option<"report", "report", "bool", /*default=*/"false",
           "Emit a remark with each layer's accumulator range and width">,
  ];
  let dependentDialects = ["::qrcnn::qnn::QNNDialect"];
}

#endif // QRCNN_DIALECT_QNN_PASSES_TD
