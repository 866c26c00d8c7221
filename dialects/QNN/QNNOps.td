//===- QNNOps.td - qnn dialect ops -------------------------*- tablegen -*-===//
//
// Every op works on ranked tensors whose element type is f32 or a uniform
// quantized type. Layouts are ONNX's: NCW / NCHW activations, OIW / OIHW
// weights. `pads` lists all begin values, then all end values (ONNX order).
//
//===----------------------------------------------------------------------===//

#ifndef QRCNN_DIALECT_QNN_QNNOPS_TD
#define QRCNN_DIALECT_QNN_QNNOPS_TD

include "QNNDialect.td"
include "mlir/IR/BuiltinAttributes.td"
include "mlir/IR/CommonAttrConstraints.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

//===----------------------------------------------------------------------===//
// Type constraints
//===----------------------------------------------------------------------===//

// Upstream quant types fit our needs (any storage width 1..32, signedness,
// narrowed storage ranges, per-axis scales), so qnn defines no types of its
// own.
def QNN_QuantType : Type<
    CPred<"::llvm::isa<::mlir::quant::UniformQuantizedType, "
          "::mlir::quant::UniformQuantizedPerAxisType>($_self)">,
    "uniform quantized type">;

def QNN_Tensor : RankedTensorOf<[F32, QNN_QuantType]>;
def QNN_FloatTensor : RankedTensorOf<[F32]>;
def QNN_QuantTensor : RankedTensorOf<[QNN_QuantType]>;
def QNN_IndexTensor : RankedTensorOf<[I64]>;

// Accumulator width chosen by bit-width inference (absent until it runs).
def QNN_AccBitsAttr : ConfinedAttr<I64Attr, [IntMinValue<1>, IntMaxValue<32>]>;
def QNN_PositiveI64Attr : ConfinedAttr<I64Attr, [IntMinValue<1>]>;

//===----------------------------------------------------------------------===//
// Constants and (de)quantization
//===----------------------------------------------------------------------===//

def QNN_ConstantOp : QNN_Op<"constant", [ConstantLike, Pure]> {
  let summary = "tensor constant, float or quantized";
  let description = [{
    For a quantized result the `value` holds the stored integers (any
    integer type of the storage width, e.g. `i4`/`ui4` for 4-bit weights);
    for an f32 result it holds the floats.

    ```mlir
    %w = qnn.constant dense<[[[1, -2, 7]]]> : tensor<1x1x3xi4>
           : tensor<1x1x3x!quant.uniform<i4:f32, 0.25>>
    ```
  }];
  let arguments = (ins ElementsAttr:$value);
  let results = (outs QNN_Tensor:$output);
  let assemblyFormat = "$value attr-dict `:` type($output)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def QNN_QuantizeOp : QNN_Op<"quantize", [Pure]> {
  let summary = "float to quantized: clamp(round_half_even(x / s) + z)";
  let arguments = (ins QNN_FloatTensor:$input);
  let results = (outs QNN_QuantTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
  let hasVerifier = 1;
}

def QNN_DequantizeOp : QNN_Op<"dequantize", [Pure]> {
  let summary = "quantized to float: s * (q - z)";
  let arguments = (ins QNN_QuantTensor:$input);
  let results = (outs QNN_FloatTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
  let hasVerifier = 1;
}

def QNN_RequantizeOp : QNN_Op<"requantize", [Pure]> {
  let summary = "rescale quantized values onto another quantized type";
  let description = [{
    `y = clamp(round_half_even((x - zx) * sx / sy) + zy, lo, hi)`, where
    `lo..hi` is the result type's storage range. This is how an integer
    accumulator becomes the next layer's activation, and how ReLU or a
    4-bit Clip fold into a layer: they only narrow the result's range. The
    input may be per-axis (per output channel accumulators); the result is
    per tensor.
  }];
  let arguments = (ins QNN_QuantTensor:$input);
  let results = (outs QNN_QuantTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Layers
//===----------------------------------------------------------------------===//

def QNN_ConvOp : QNN_Op<"conv", [Pure]> {
  let summary = "1-D (NCW) or 2-D (NCHW) convolution";
  let description = [{
    Float: an ordinary convolution. Quantized: input and weights are
    quantized (weights symmetric, zero point 0, per tensor or per output
    channel) and the result is the exact integer accumulator
    `acc[n,c,t] = b[c] + sum (x - zx) * w`, typed
    `!quant.uniform<i32:f32, sx*sw>` (per axis 1 when the weights are per
    channel); a `qnn.requantize` brings it to the next activation type.
    Padding reads the input's zero point (real zero). `acc_bits`, once bit
    width inference has run, is the narrowest signed width that can never
    overflow.
  }];
  let arguments = (ins QNN_Tensor:$input, QNN_Tensor:$weight,
                   Optional<QNN_Tensor>:$bias,
                   DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$pads,
                   DenseI64ArrayAttr:$dilations,
                   DefaultValuedAttr<QNN_PositiveI64Attr, "1">:$group,
                   OptionalAttr<QNN_AccBitsAttr>:$acc_bits);
  let results = (outs QNN_Tensor:$output);
  let assemblyFormat = [{
    $input `,` $weight (`,` $bias^)? attr-dict `:`
    functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def QNN_RecurrentConvOp : QNN_Op<"recurrent_conv", [Pure]> {
  let summary = "one conv block applied `iterations` times to its own output";
  let description = [{
    `y0 = x; y(n+1) = block(yn)` for n < iterations, where block is
    conv (same weights and bias every step, C -> C channels, no groups)
    -> requantize to the input's own quantized type (its storage range is
    the clamp, so ReLU and a 4-bit Clip are part of it) -> optional max
    pool (`pool_kernel`, `pool_strides`). The spatial size may shrink
    from step to step; the result has the last step's shape. This is the
    seed paper's recurrent convolution: hardware keeps one conv engine and
    two buffers sized for the largest step.
  }];
  let arguments = (ins QNN_QuantTensor:$input, QNN_QuantTensor:$weight,
                   Optional<QNN_QuantTensor>:$bias,
                   QNN_PositiveI64Attr:$iterations,
                   DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$pads,
                   DenseI64ArrayAttr:$dilations,
                   OptionalAttr<DenseI64ArrayAttr>:$pool_kernel,
                   OptionalAttr<DenseI64ArrayAttr>:$pool_strides,
                   OptionalAttr<QNN_AccBitsAttr>:$acc_bits);
  let results = (outs QNN_QuantTensor:$output);
  let assemblyFormat = [{
    $input `,` $weight (`,` $bias^)? attr-dict `:`
    functional-type(operands, results)
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// Shapes of the activations y0 (the input) .. yN (the result), one per
    /// step; empty if the attributes do not describe a valid chain.
    ::llvm::SmallVector<::llvm::SmallVector<int64_t>> getStepShapes();
  }];
}

def QNN_DenseOp : QNN_Op<"dense", [Pure]> {
  let summary = "fully connected layer: y[n,m] = b[m] + sum_k x[n,k] * w[m,k]";
  let description = [{
    Weights are laid out [out, in] (ONNX Gemm with transB = 1). Quantized
    operands give the exact integer accumulator, as for `qnn.conv`, with
    per-channel scales on axis 1 when the weights are per channel.
  }];
  let arguments = (ins QNN_Tensor:$input, QNN_Tensor:$weight,
                   Optional<QNN_Tensor>:$bias,
                   OptionalAttr<QNN_AccBitsAttr>:$acc_bits);
  let results = (outs QNN_Tensor:$output);
  let assemblyFormat = [{
    $input `,` $weight (`,` $bias^)? attr-dict `:`
    functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def QNN_MaxPoolOp : QNN_Op<"maxpool", [Pure]> {
  let summary = "max pooling (padding never wins)";
  let arguments = (ins QNN_Tensor:$input, DenseI64ArrayAttr:$kernel,
                   DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$pads,
                   DenseI64ArrayAttr:$dilations);
  let results = (outs QNN_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
  let hasVerifier = 1;
}

def QNN_AvgPoolOp : QNN_Op<"avgpool", [Pure]> {
  let summary = "average pooling";
  let description = [{
    Quantized: `y = clamp(round_half_even(sum(x - zx) * sx / (count * sy)) + zy)`
    where count is the window size (or only the in-bounds part when
    `count_include_pad` is false), computed as
    `rt::requantize(sum(x - zx), M(count), zy, lo, hi)` with `M(count)` the
    multiplier and shift of `sx / (count * sy)` (`computeRequantParams` in
    the module's requantization mode).
  }];
  let arguments = (ins QNN_Tensor:$input, DenseI64ArrayAttr:$kernel,
                   DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$pads,
                   DefaultValuedAttr<BoolAttr, "false">:$count_include_pad);
  let results = (outs QNN_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Elementwise and shape ops
//===----------------------------------------------------------------------===//

def QNN_AddOp : QNN_Op<"add", [Pure]> {
  let summary = "elementwise addition with numpy broadcasting";
  let description = [{
    Quantized: `y = clamp(round_half_even((a - za) * sa / sy + (b - zb) * sb / sy) + zy)`,
    computed in integers the same way on every backend: with `(ma, na)` and
    `(mb, nb)` the multiplier and shift of `sa / sy` and of `sb / sy`
    (`computeRequantParams` in the module's requantization mode) and
    `n = max(na, nb)`, in int64:
    `y = clamp(roundingShiftHalfEven((a - za) * (ma << (n - na)) +
    (b - zb) * (mb << (n - nb)), n) + zy, lo, hi)`
    (`runtime/include/qrcnn/requantize.h`), `lo..hi` the result's storage
    range. One rounding of the exact sum of both rescaled terms.
  }];
  let arguments = (ins QNN_Tensor:$lhs, QNN_Tensor:$rhs);
  let results = (outs QNN_Tensor:$output);
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def QNN_ClampOp : QNN_Op<"clamp", [Pure]> {
  let summary = "clamp to [min, max] (ReLU is min = 0)";
  let description = [{
    On f32 tensors `min`/`max` are real values. On quantized tensors they
    are stored integers, and the result type is the input type with its
    storage range narrowed to the clamp, so the bound stays visible to every
    later pass; fusion folds it into the producing requantization.
  }];
  let arguments = (ins QNN_Tensor:$input, F64Attr:$min, F64Attr:$max);
  let results = (outs QNN_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
  let hasVerifier = 1;
}

def QNN_ReshapeOp : QNN_Op<"reshape", [Pure]> {
  let summary = "reshape (also ONNX Flatten, Squeeze, Unsqueeze)";
  let arguments = (ins QNN_Tensor:$input);
  let results = (outs QNN_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def QNN_ArgMaxOp : QNN_Op<"argmax", [Pure]> {
  let summary = "index of the first maximum along `axis`";
  let arguments = (ins QNN_Tensor:$input, I64Attr:$axis,
                   DefaultValuedAttr<BoolAttr, "true">:$keepdims);
  let results = (outs QNN_IndexTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Float-only ops the ONNX importer needs before quantization is recognized
//===----------------------------------------------------------------------===//

def QNN_MulOp : QNN_Op<"mul", [Pure]> {
  let summary = "elementwise float multiplication with numpy broadcasting";
  let description = [{
    ONNX Mul, typically by a constant (a per-channel scale). Float only: a
    quantized model multiplies through its scales, not through this op.
  }];
  let arguments = (ins QNN_FloatTensor:$lhs, QNN_FloatTensor:$rhs);
  let results = (outs QNN_FloatTensor:$output);
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def QNN_LeakyReluOp : QNN_Op<"leaky_relu", [Pure]> {
  let summary = "y = x >= 0 ? x : alpha * x (float)";
  let arguments = (ins QNN_FloatTensor:$input, F64Attr:$alpha);
  let results = (outs QNN_FloatTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
  let hasVerifier = 1;
}

def QNN_SoftmaxOp : QNN_Op<"softmax", [Pure]> {
  let summary = "softmax along one axis (float)";
  let description = [{
    `y = exp(x - max) / sum(exp(x - max))` along `axis` (ONNX Softmax-13;
    the importer reshapes around older opsets' flattened form).
  }];
  let arguments = (ins QNN_FloatTensor:$input, I64Attr:$axis);
  let results = (outs QNN_FloatTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
  let hasVerifier = 1;
}

def QNN_TransposeOp : QNN_Op<"transpose", [Pure]> {
  let summary = "permute dimensions: result dim i is input dim perm[i]";
  let description = [{
    A layout change (e.g. NCHW -> NHWC before a flatten). The importer drops
    identity permutations and turns permutations that only move size-1
    dimensions into `qnn.reshape`, so what remains really moves data.
  }];
  let arguments = (ins QNN_Tensor:$input, DenseI64ArrayAttr:$perm);
  let results = (outs QNN_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
  let hasVerifier = 1;
}

#endif // QRCNN_DIALECT_QNN_QNNOPS_TD
