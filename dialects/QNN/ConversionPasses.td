//===- ConversionPasses.td - qnn lowering passes -----------*- tablegen -*-===//
//
// Conversions out of the qnn dialect, the backends' common input. Kept apart
// from Passes.td (qnn-to-qnn transformations) so the two grow independently.
//
//===----------------------------------------------------------------------===//

#ifndef QRCNN_DIALECT_QNN_CONVERSIONPASSES_TD
#define QRCNN_DIALECT_QNN_CONVERSIONPASSES_TD

include "mlir/Pass/PassBase.td"

def LowerToLoops : Pass<"qnn-lower-to-loops", "::mlir::ModuleOp"> {
  let summary = "Lower qnn tensors to loops on buffers with integer arithmetic";
  let description = [{
    Every function on qnn tensors becomes two functions on memrefs, the
    common input of the CPU and HLS backends:

    * `@NAME_int(inputs..., outputs...)`: the integer network. Inputs are the
      stored integers of the quantized inputs (the results of the function's
      `qnn.quantize` ops), outputs the stored integers before the final
      `qnn.dequantize` (or argmax indices). Only integer arithmetic.
    * `@NAME(inputs..., outputs...)`: the float entry with the original
      signature (tensors become memrefs, results become trailing output
      arguments): quantizes its inputs exactly as the golden model does
      (f32 division, round half to even, clamp), calls `@NAME_int`, and
      dequantizes (`(q - z)` then `* s` in f32).

    Quantized values live in the narrowest standard integer container that
    holds their storage range (i8 for u8 and 4-bit values). Weights, biases
    and per-channel requantization tables are constant `memref.global`s; a
    weight global keeps its quantized element type in `qnn.quant_type` so a
    backend can pack two int4 per byte. Activations share per-container
    arenas `memref<SLOTS x SIZE x iN>` whose slots are reused between layers
    (interval colouring of the values' live ranges; a chain needs two).

    conv -> requantize (-> non-overlapping maxpool) is fused: the accumulator
    is a scalar `scf.for` iter_arg and never a buffer. `qnn.recurrent_conv`
    becomes one conv loop nest inside an `scf.for` over the iterations that
    reads and writes two arena slots chosen by the step's parity, with the
    spatial extents of each step computed from the previous step's.

    Requantization is inlined as arith ops that implement
    `qrcnn::rt::requantize` (runtime/include/qrcnn/requantize.h) bit for bit,
    with multipliers from `computeRequantParams` in the module's
    `qnn.requant_mode`. The output uses only ops that MLIR 19's arith, scf,
    memref and func to EmitC patterns accept (see `qnn-convert-loops-to-emitc`).

    Buffer sizes are attributes: `qnn.arena_bytes` and `qnn.constant_bytes`
    on the integer entry, `qnn.staging_bytes` on the float one. docs/lowering.md
    has the details.
  }];
  let options = [
    Option<"poolBeforeRequantize", "pool-before-requantize", "bool", "false",
           "Fused max pools take the max of the accumulators, then requantize once (identical results)">,
    Option<"narrowRequantize", "narrow-requantize", "bool", "false",
           "Requantize in i32 with the narrowest multiplier an exhaustive check over each channel's accumulator interval proves identical">,
    Option<"stageMultiple", "stage-multiple", "int64_t", "0",
           "N > 0: 1-D batch-1 convs read a zero-point-padded staged copy of their input, sized to compute outputs up to a multiple of N">,
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::func::FuncDialect",
    "::mlir::memref::MemRefDialect",
    "::mlir::scf::SCFDialect",
  ];
}

def ConvertLoopsToEmitC : Pass<"qnn-convert-loops-to-emitc", "::mlir::ModuleOp"> {
  let summary = "Convert the lowered loops (arith, scf, memref, func) to EmitC";
  let description = [{
    One dialect conversion with a shared type converter (memref -> emitc
    array, index -> size_t), followed by func -> emitc, so that
    function signatures on memrefs convert too (MLIR 19's separate
    `--convert-*-to-emitc` passes leave memref arguments and index casts
    behind). The result prints with `mlir-translate --mlir-to-cpp`.
    Discardable attributes of `memref.global`s (e.g. `qnn.quant_type`) are
    kept on the `emitc.global`s.
  }];
  let dependentDialects = ["::mlir::emitc::EmitCDialect"];
}

#endif // QRCNN_DIALECT_QNN_CONVERSIONPASSES_TD
