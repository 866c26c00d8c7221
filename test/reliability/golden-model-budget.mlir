// The golden model (`qrcnnc --run`) computes what it will allocate and how
// much it will compute from the types alone, before allocating or running
// anything (issue #8, docs/golden-model.md "Resource bounds"): at most
// 536870912 bytes (512 MiB) of buffers, int64 accumulators and tables
// included, and 268435456 (2^28) operations per sample. Types that claim
// 2^40 elements, a conv whose zero-padded input is huge although its
// tensors are small, and models that would compute for hours are
// diagnostics naming the op, not std::bad_alloc or a hang; a model whose
// input has no elements is refused instead of dividing by zero.
// RUN: split-file %s %t
// RUN: %python -c "import struct; open('%t/one.f32','wb').write(struct.pack('<4f', 1, 2, 3, 4))"
// RUN: not qrcnnc %t/huge-input.mlir --run %t/one.f32 -o %t/out.f32 2>&1 | FileCheck %s --check-prefix=HUGE
// HUGE: error: 'func.func' op the golden model's buffers would exceed 536870912 bytes: argument #0 of shape 1x1099511627776 (1099511627776 values of 4 bytes)
// HUGE-NOT: error
// RUN: not qrcnnc %t/overflow.mlir --run %t/one.f32 -o %t/out.f32 2>&1 | FileCheck %s --check-prefix=OVERFLOW
// The argument's 4 floats come first: 16 bytes.
// OVERFLOW: error: 'qnn.constant' op the golden model's buffers would exceed 536870912 bytes: a result of shape 4294967296x4294967296x16 (more than 2^63 values of 4 bytes) on top of 16 bytes of earlier buffers
// RUN: not qrcnnc %t/padded.mlir --run %t/one.f32 -o %t/out.f32 2>&1 | FileCheck %s --check-prefix=PADDED
// Before it: the argument (16 bytes), the weight (4), the conv's result (12).
// PADDED: error: 'qnn.conv' op the golden model's buffers would exceed 536870912 bytes: the padded input of shape 1x1x2147483652 (2147483652 values of 4 bytes) on top of 32 bytes of earlier buffers
// RUN: not qrcnnc %t/accumulators.mlir --run %t/one.f32 -o %t/out.f32 2>&1 | FileCheck %s --check-prefix=ACC
// 25165826 floats of input, its quantized copy and the conv's (unpadded)
// input: 3 * 100663304 bytes; the 3 weights: 12; the 25165824 results:
// 100663296; together 402653220 bytes. The int64 accumulators (8 bytes
// each, 201326592) take it past 536870912; they used not to be counted.
// ACC: error: 'qnn.conv' op the golden model's buffers would exceed 536870912 bytes: the int64 accumulators of shape 1x1x25165824 (25165824 values of 8 bytes) on top of 402653220 bytes of earlier buffers
// RUN: not qrcnnc %t/avgpool-table.mlir --run %t/one.f32 -o %t/out.f32 2>&1 | FileCheck %s --check-prefix=AVG-TABLE
// One 8-byte multiplier per window count 0..2^31 (this took 16 GiB and
// did not finish in a minute); before it: argument, quantized input (16
// bytes each) and the 5 results (20).
// AVG-TABLE: error: 'qnn.avgpool' op the golden model's buffers would exceed 536870912 bytes: the table of average multipliers of shape 2147483649 (2147483649 values of 8 bytes) on top of 52 bytes of earlier buffers
// RUN: not qrcnnc %t/two-convs.mlir --run %t/one.f32 -o %t/out.f32 2>&1 | FileCheck %s --check-prefix=TWO-CONVS
// Each conv alone is below 2^28 operations, both together are not; the
// second is named. Copying the 262144 inputs in: 262144. Conv 1: padding
// (no pads: a copy) 262144 + 261377 outputs x 768 taps = 200999680.
// Conv 2: 261377 + 260610 x 768 = 200409857.
// TWO-CONVS: error: 'qnn.conv' op the golden model's run would exceed 268435456 operations per sample: this op does 200409857 (padding 261377 + 1x1x260610 outputs x 768 multiply-accumulates) on top of 201261824 by the ops before it
// TWO-CONVS-NOT: error
// RUN: not qrcnnc %t/dense.mlir --run %t/one.f32 -o %t/out.f32 2>&1 | FileCheck %s --check-prefix=DENSE
// 4096 x 4096 outputs of 4096 products: 2^36; before it, 2^24 inputs copied.
// DENSE: error: 'qnn.dense' op the golden model's run would exceed 268435456 operations per sample: this op does 68719476736 (4096x4096 outputs x 4096 multiply-accumulates) on top of 16777216 by the ops before it
// RUN: not qrcnnc %t/maxpool.mlir --run %t/one.f32 -o %t/out.f32 2>&1 | FileCheck %s --check-prefix=MAXPOOL
// Small buffers, a window of 2^31 on 4 values padded by 2^30 on each
// side: 5 outputs x 2^31 taps, after 4 inputs copied in.
// MAXPOOL: error: 'qnn.maxpool' op the golden model's run would exceed 268435456 operations per sample: this op does 10737418240 (5 outputs x 2147483648 window taps) on top of 4 by the ops before it
// RUN: not qrcnnc %t/recurrent.mlir --run %t/one.f32 -o %t/out.f32 2>&1 | FileCheck %s --check-prefix=RECURRENT
// 65536 steps over 1x64x4096: per step 64 x 4098 padded values, 64 x 4096
// outputs of 64 * 3 multiply-accumulates and one requantization:
// 262272 + 262144 * 193 = 50856064; x 65536 = 3332903010304.
// RECURRENT: error: 'qnn.recurrent_conv' op the golden model's run would exceed 268435456 operations per sample: this op does 3332903010304 (65536 steps of 192 multiply-accumulates per output) on top of 524288 by the ops before it
// RUN: : > %t/empty.f32
// An empty input file is zero samples: an empty output (it used to pass a
// null pointer to memcpy, which UBSan reports).
// RUN: rm -f %t/empty-out.f32
// RUN: qrcnnc %t/four.mlir --run %t/empty.f32 -o %t/empty-out.f32
// RUN: test -f %t/empty-out.f32 && test ! -s %t/empty-out.f32
// RUN: not qrcnnc %t/empty-input.mlir --run %t/empty.f32 -o %t/out.f32 2>&1 | FileCheck %s --check-prefix=EMPTY
// EMPTY: qrcnnc: error: --run needs a model whose input has at least one element

//--- huge-input.mlir
func.func @main(%x: tensor<1x1099511627776xf32>) -> tensor<1x1099511627776xf32> {
  return %x : tensor<1x1099511627776xf32>
}

//--- overflow.mlir
!q = !quant.uniform<i8:f32, 0.5>
func.func @main(%x: tensor<1x4xf32>) -> tensor<4294967296x4294967296x16xf32> {
  %c = qnn.constant dense<1> : tensor<4294967296x4294967296x16xi8> : tensor<4294967296x4294967296x16x!q>
  %d = qnn.dequantize %c : tensor<4294967296x4294967296x16x!q> -> tensor<4294967296x4294967296x16xf32>
  return %d : tensor<4294967296x4294967296x16xf32>
}

//--- padded.mlir
// Stride and pads of 2^30: a 3-element output from a 2^31-element padded row.
func.func @main(%x: tensor<1x1x4xf32>) -> tensor<1x1x3xf32> {
  %w = qnn.constant dense<1.0> : tensor<1x1x1xf32> : tensor<1x1x1xf32>
  %c = qnn.conv %x, %w {strides = array<i64: 1073741824>, pads = array<i64: 1073741824, 1073741824>, dilations = array<i64: 1>}
      : (tensor<1x1x4xf32>, tensor<1x1x1xf32>) -> tensor<1x1x3xf32>
  return %c : tensor<1x1x3xf32>
}

//--- four.mlir
func.func @main(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
  return %x : tensor<1x4xf32>
}

//--- empty-input.mlir
func.func @main(%x: tensor<1x0xf32>) -> tensor<1x0xf32> {
  return %x : tensor<1x0xf32>
}

//--- accumulators.mlir
!in = !quant.uniform<u8:f32, 0.5:10>
!w = !quant.uniform<i8:f32, 0.25>
!acc = !quant.uniform<i32:f32, 0.125>
func.func @main(%x: tensor<1x1x25165826xf32>) -> tensor<1x1x25165824xf32> {
  %w = qnn.constant dense<1> : tensor<1x1x3xi8> : tensor<1x1x3x!w>
  %q = qnn.quantize %x : tensor<1x1x25165826xf32> -> tensor<1x1x25165826x!in>
  %c = qnn.conv %q, %w {strides = array<i64: 1>, pads = array<i64: 0, 0>, dilations = array<i64: 1>}
      : (tensor<1x1x25165826x!in>, tensor<1x1x3x!w>) -> tensor<1x1x25165824x!acc>
  %d = qnn.dequantize %c : tensor<1x1x25165824x!acc> -> tensor<1x1x25165824xf32>
  return %d : tensor<1x1x25165824xf32>
}

//--- avgpool-table.mlir
!in = !quant.uniform<u8:f32, 0.5:10>
func.func @main(%x: tensor<1x1x4xf32>) -> tensor<1x1x5xf32> {
  %q = qnn.quantize %x : tensor<1x1x4xf32> -> tensor<1x1x4x!in>
  %p = qnn.avgpool %q {kernel = array<i64: 2147483648>, strides = array<i64: 1>, pads = array<i64: 1073741824, 1073741824>, count_include_pad = true}
      : tensor<1x1x4x!in> -> tensor<1x1x5x!in>
  %d = qnn.dequantize %p : tensor<1x1x5x!in> -> tensor<1x1x5xf32>
  return %d : tensor<1x1x5xf32>
}

//--- two-convs.mlir
func.func @main(%x: tensor<1x1x262144xf32>) -> tensor<1x1x260610xf32> {
  %w = qnn.constant dense<1.0> : tensor<1x1x768xf32> : tensor<1x1x768xf32>
  %a = qnn.conv %x, %w {strides = array<i64: 1>, pads = array<i64: 0, 0>, dilations = array<i64: 1>}
      : (tensor<1x1x262144xf32>, tensor<1x1x768xf32>) -> tensor<1x1x261377xf32>
  %b = qnn.conv %a, %w {strides = array<i64: 1>, pads = array<i64: 0, 0>, dilations = array<i64: 1>}
      : (tensor<1x1x261377xf32>, tensor<1x1x768xf32>) -> tensor<1x1x260610xf32>
  return %b : tensor<1x1x260610xf32>
}

//--- dense.mlir
func.func @main(%x: tensor<4096x4096xf32>) -> tensor<4096x4096xf32> {
  %w = qnn.constant dense<1.0> : tensor<4096x4096xf32> : tensor<4096x4096xf32>
  %y = qnn.dense %x, %w : (tensor<4096x4096xf32>, tensor<4096x4096xf32>) -> tensor<4096x4096xf32>
  return %y : tensor<4096x4096xf32>
}

//--- maxpool.mlir
func.func @main(%x: tensor<1x1x4xf32>) -> tensor<1x1x5xf32> {
  %p = qnn.maxpool %x {kernel = array<i64: 2147483648>, strides = array<i64: 1>, pads = array<i64: 1073741824, 1073741824>, dilations = array<i64: 1>}
      : tensor<1x1x4xf32> -> tensor<1x1x5xf32>
  return %p : tensor<1x1x5xf32>
}

//--- recurrent.mlir
!in = !quant.uniform<u8<0:15>:f32, 0.5:0>
!w = !quant.uniform<i4:f32, 0.25>
func.func @main(%x: tensor<1x64x4096xf32>) -> tensor<1x64x4096xf32> {
  %w = qnn.constant dense<1> : tensor<64x64x3xi4> : tensor<64x64x3x!w>
  %q = qnn.quantize %x : tensor<1x64x4096xf32> -> tensor<1x64x4096x!in>
  %r = qnn.recurrent_conv %q, %w {iterations = 65536 : i64, strides = array<i64: 1>, pads = array<i64: 1, 1>, dilations = array<i64: 1>}
      : (tensor<1x64x4096x!in>, tensor<64x64x3x!w>) -> tensor<1x64x4096x!in>
  %y = qnn.dequantize %r : tensor<1x64x4096x!in> -> tensor<1x64x4096xf32>
  return %y : tensor<1x64x4096xf32>
}
