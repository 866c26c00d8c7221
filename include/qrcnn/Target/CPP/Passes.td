//===- Passes.td - passes of the CPU backend ---------------*- tablegen -*-===//
//
// The CPU target's own steps between qnn-lower-to-loops and EmitC (see
// `qrcnnc --target cpp --print-ir-after-all`). Flags `qnn-cpu-verb-noun`;
// each has a lit test of the same name in test/Target/CPP.
//
//===----------------------------------------------------------------------===//

#ifndef QRCNN_TARGET_CPP_PASSES_TD
#define QRCNN_TARGET_CPP_PASSES_TD

include "mlir/Pass/PassBase.td"

def CpuCheckQuantized : Pass<"qnn-cpu-check-quantized", "::mlir::ModuleOp"> {
  let summary = "Refuse float layers, which the CPU target cannot compile";
  let description = [{
    The first step of `--target cpp`: every `qnn` layer (other than
    quantize, dequantize, argmax and constants) must compute on quantized
    tensors. A float layer gets one error naming it and saying what to do
    (quantize the model, or run it with `qrcnnc --run`).
  }];
}

def CpuPackWeights : Pass<"qnn-cpu-pack-weights", "::mlir::ModuleOp"> {
  let summary = "Store 4-bit constant globals two values per byte";
  let description = [{
    A constant `memref.global` whose `qnn.quant_type` has a storage width of
    at most 4 bits (int4 weights, uint4 constants) becomes a
    `memref<ceil(N/2) x i8>` holding two values per byte, low nibble first
    (runtime/include/qrcnn/int4.h, ONNX's INT4 layout), and every
    `memref.load` from it becomes a byte load plus nibble extraction and
    sign extension, `(((byte >> 4*(i % 2)) & 15) ^ 8) - 8` for signed values.
    The global keeps `qnn.quant_type` and gets `qnn.packed_int4`; the
    integer entry's `qnn.constant_bytes` shrinks accordingly. A global used
    other than through loads stays unpacked.

    With `unpack-reread`, a packed global that some load reads again on
    every iteration of an enclosing loop (no index of the load uses that
    loop's induction variable: a recurrent conv's weights, read once per
    iteration) is unpacked once at the start of each function that reads
    it, one pass over its bytes, into a mutable `memref<N x i8>` global
    `<name>_unpacked`, and every load reads that instead. The constant
    stays packed (flash); the scratch is activation memory (the entry's
    `qnn.arena_bytes` grows by N).

    A load unpacked where it is read (a dense layer's weights, read once
    per inference) would leave `i / 2` and `i % 2` in the loop's index
    arithmetic, which no vectorizer takes. Where the pairs of elements
    (2j, 2j+1) a loop reads are the two nibbles of one byte, the loop steps
    over bytes instead: the load sits directly in the body of an `scf.for`
    with constant bounds and step 1, indexes the last dimension by its
    induction variable and the others by values defined outside it, the
    lower bound and the trip count are even, and a row starts on a byte
    (even last dimension, or a 1-D global). Then the loop runs j over
    [lb/2, ub/2) with its body twice, for elements 2j and 2j+1; each such
    load becomes one byte load, `row * (rowLength / 2) + j`, read as its
    low nibble in the first copy and its high nibble (`byte >> 4`) in the
    second, sign-extended by `(nibble ^ 8) - 8`. A loop-carried sum (the
    accumulator: an `arith.addi` without overflow flags of the carried
    value, yielded and used nowhere else) is split into the even and the
    odd elements' sums, added after the loop (exact: integer addition wraps
    and is associative): GCC 12 takes each product for a dot product and
    vectorizes a reduction through one, not through two. Other carried
    values pass from the first copy to the second. Rows of odd length, odd
    bounds or steps, indices computed in the loop and loads in nested
    regions keep the per-element form.
  }];
  let options = [
    Option<"unpackReread", "unpack-reread", "bool", "false",
           "Unpack re-read globals once into an i8 scratch global">,
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::memref::MemRefDialect",
                           "::mlir::scf::SCFDialect"];
  let statistics = [
    Statistic<"numPackedGlobals", "packed-globals", "Globals packed">,
    Statistic<"numSavedBytes", "saved-bytes", "Bytes saved by packing">,
    Statistic<"numScratchBytes", "scratch-bytes",
              "Bytes of scratch for weights unpacked once">,
    Statistic<"numByteWalkLoops", "byte-walk-loops",
              "Loops rewritten to read packed values a byte at a time">,
  ];
}

def CpuReorderConvLoops : Pass<"qnn-cpu-reorder-conv-loops", "::mlir::ModuleOp"> {
  let summary = "Put the output positions of a 1-D conv innermost, over a row of accumulators";
  let description = [{
    qnn-lower-to-loops emits a conv as `for t: for co: acc = sum_{ci,k}
    x[ci, t*s + k*d - pad] * w[co,ci,k]; requantize; (pool); store`: one
    scalar accumulation per output, with the padding test and the weight
    load in the innermost loop. For the 1-D case a CPU wants the position
    loop innermost so the compiler vectorizes it, and the weights hoisted
    out of it. This pass rewrites every such nest into

        for co:
          for tc < TC: row[tc] = bias[co]
          for ci:
            w_k = weight[co, ci, k]                  (k < K, unrolled)
            for tc in [0, LO):  row[tc] += sum_k tap(tc, k) * w_k   (guarded)
            for tc in [LO, HI): row[tc] += sum_k (x[ci, tc*s + k*d - pad] - zx) * w_k
            for tc in [HI, TC): row[tc] += sum_k tap(tc, k) * w_k   (guarded)
          for t: (the original tail, reading row[...] instead of summing)

    `row` is a static accumulator buffer (`acc_row_iN`, sized for the
    longest row); the kernel taps (the innermost reduction loop, when its
    trip count is a constant up to 16) are jammed into the position loop,
    so the row is read and written once per input channel. `[LO, HI)` are
    the positions whose taps all lie inside the input: there the padding
    tests leave the loop, which is exact because a padded tap contributes
    (zx - zx) * w = 0 (checked by canonicalizing the tap with the test
    false); the positions outside keep the lowering's guarded taps. The row
    is i16 when `qnn.acc_bits` says 16 bits suffice or when intervals of
    the bias and of the products (constant weights, input containers)
    prove it, so SIMD lanes hold twice as many positions; the sum is the
    same integer sum in another order, exact modulo 2^16 and in range.
    When the position loop carries `qnn.overcompute = N` (the lowering
    staged the input with room for it), the row length is rounded up to a
    multiple of N and every row loop is a loop over blocks of N with an
    inner loop of exactly N positions: no remainder for the compiler's
    vectorizer, no padding tests. The tail then runs in whole blocks too
    when every buffer it touches has room for them (each index that
    depends on the position, evaluated at the largest position, channel,
    window and trip count, is inside its dimension, or past the last
    dimension of an arena only loads and stores use, which then grows; the
    row is sized and initialized up to the last block's read): a store at a
    position past
    the trip count writes back the value it reads (a blend or masked store
    for the vectorizer), so the requantization and pool vectorize without
    a scalar remainder. The tail's small pool-window loops are
    unrolled so the tail is one flat loop over the positions. The
    match is structural: any two perfectly nested parallel loops around
    such a reduction whose only dependence on the outer loop is one
    position value (a 2-D conv is reordered around its two innermost
    parallel loops); nests of another shape (dense layers) are left as
    they are.

    With `channel-block=N` (N > 1), output channels are accumulated N at a
    time when the channel count is a constant (the block is its largest
    divisor up to N), the taps do not depend on the output channel and a
    channel makes more than one pass over its row (several input channels):

        for co0 in [0, C) step B:
          for tc: row[c*R + tc] = bias[co0 + c]          (c < B)
          for ci:
            w_{c,k} = weight[co0 + c, ci, k]
            for tc: x_k = tap(tc, k); row[c*R + tc] += sum_k x_k * w_{c,k}
          for c < B: for t: (the tail of channel co0 + c, row at c*R)

    so each loaded input tap serves B channels (R = the longest row). The
    row buffer grows to B rows.
  }];
  let options = [
    Option<"channelBlock", "channel-block", "int64_t", "1",
           "Output channels accumulated together (1: one at a time)">,
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::memref::MemRefDialect",
                           "::mlir::scf::SCFDialect"];
  let statistics = [
    Statistic<"numReordered", "reordered-convs", "Conv nests reordered">,
    Statistic<"numRowBytes", "row-bytes", "Bytes of accumulator rows">,
  ];
}

def CpuWorkspaceArguments : Pass<"qnn-cpu-workspace-arguments", "::mlir::ModuleOp"> {
  let summary = "Pass the network's mutable buffers to its entries as arguments";
  let description = [{
    Every mutable `memref.global` the integer entry uses (activation arenas,
    staging buffers, accumulator rows) becomes a trailing argument of the
    integer entry, and of the float entry, which passes it on. Both entries
    get `qnn.workspace_args` (how many) and `qnn.workspace` (the globals, in
    argument order). The globals stay in the module: the generated API
    passes them for the default (static, not reentrant) functions and
    pieces of a caller-provided workspace for the reentrant `_ws` ones. A
    mutable global used outside the integer entry is an error.
  }];
  let dependentDialects = ["::mlir::func::FuncDialect",
                           "::mlir::memref::MemRefDialect"];
}

def CpuPrepareEmitC : Pass<"qnn-cpu-prepare-emitc", "::mlir::ModuleOp"> {
  let summary = "Name, hide and include what the EmitC module needs as C++";
  let description = [{
    Runs after the conversion to EmitC. The float and integer entries become
    `static` functions `<name>_float_entry` / `<name>_int_entry` (the
    public extern "C" API in <name>.cpp wraps them), every other function
    and global is `static`, and the standard headers the printed code
    needs (`stdint.h`, `stddef.h`) are included. Nothing then has external
    linkage except the API, so several generated models link into one
    program.
  }];
  let options = [
    Option<"name", "name", "std::string", "\"model\"",
           "C identifier prefixing the entries">,
  ];
  let dependentDialects = ["::mlir::emitc::EmitCDialect"];
}

#endif // QRCNN_TARGET_CPP_PASSES_TD
