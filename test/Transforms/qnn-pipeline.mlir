// RUN: qrcnn-opt %s --qnn-pipeline | FileCheck %s
// RUN: qrcnn-opt %s --qnn-pipeline=no-fold | FileCheck %s --check-prefix=NOFOLD
// RUN: qrcnnc %s --stats -o /dev/null 2>&1 | FileCheck %s --check-prefix=STATS
// RUN: qrcnnc %s --no-fold -o - | FileCheck %s --check-prefix=NOFOLD

// A small QRCNN in the importer's form (float ops between quantize and
// dequantize): uint8 input -> stem conv 1 -> 4 (float bias) -> ReLU, 4-bit
// Clip -> max pool -> three conv blocks reading one dequantized weight ->
// flatten -> dense. Each block is written in a different variant the
// importer produces: clamps on the floats; the 4-bit clamp on the integers
// after the quantize; max pooling before the requantization. After fusion
// all three are the same conv -> requantize -> maxpool block and fold.

!x8 = !quant.uniform<u8:f32, 0.0078125:128>
!a8 = !quant.uniform<u8:f32, 0.0625>
!a4 = !quant.uniform<u8<0:15>:f32, 0.0625>
!w = !quant.uniform<i4:f32, 0.125>
!b = !quant.uniform<i32:f32, 0.0078125>

// CHECK-LABEL: func.func @main
// CHECK:      qnn.quantize %{{.*}} -> tensor<1x1x32x!quant.uniform<u8:f32, 7.812500e-03:128>>
// CHECK-NEXT: qnn.conv {{.*}}acc_bits = {{[0-9]+}}
// CHECK-NEXT: qnn.requantize {{.*}} -> tensor<1x4x32x!quant.uniform<u4:f32, 6.250000e-02>>
// CHECK-NEXT: qnn.maxpool
// CHECK-NEXT: qnn.recurrent_conv {{.*}}acc_bits = {{[0-9]+}}{{.*}}iterations = 3{{.*}} -> tensor<1x4x2x!quant.uniform<u4:f32, 6.250000e-02>>
// CHECK-NEXT: qnn.reshape
// CHECK-NEXT: qnn.dense {{.*}}acc_bits = {{[0-9]+}}
// CHECK-NEXT: qnn.dequantize
// CHECK-NEXT: return
// CHECK-NOT: qnn.clamp

// NOFOLD-LABEL: func.func @main
// NOFOLD-NOT: qnn.recurrent_conv
// NOFOLD-COUNT-4: qnn.conv {{.*}}acc_bits
// NOFOLD: qnn.dense {{.*}}acc_bits

// Stem 4*1*3 + 4 = 16, block 4*4*3 + 4 = 52, dense 3*8 + 3 = 27 parameters:
// 16 + 3*52 + 27 = 199 unrolled, 16 + 52 + 27 = 95 folded.
// STATS: remark: recurrent conv: 3 steps of one block with 52 parameters
// STATS: remark: layer parameters: 199 unrolled, 95 folded (3 blocks folded into 1 recurrent convs)
// STATS: remark: accumulator range
// STATS: remark: accumulator range
// STATS: remark: accumulator range
func.func @main(%input: tensor<1x1x32xf32>) -> tensor<1x3xf32> {
  %w_stem_q = qnn.constant dense<[[[1, 2, 1]], [[-1, 0, 1]], [[3, -2, 1]], [[0, 4, -4]]]> : tensor<4x1x3xi4> : tensor<4x1x3x!w>
  %b_stem = qnn.constant dense<[0.0078125, -0.00390625, 0.0, 0.5]> : tensor<4xf32> : tensor<4xf32>
  %w_q = qnn.constant dense<[[[1, 0, -1], [2, 1, 0], [0, 0, 1], [-1, 1, 1]],
                             [[0, 1, 0], [1, -2, 1], [3, 0, 0], [0, 0, -1]],
                             [[-1, -1, 2], [0, 1, 1], [1, 0, 0], [2, -3, 1]],
                             [[1, 1, 1], [0, 0, 0], [-1, 2, -1], [1, 0, 2]]]> : tensor<4x4x3xi4> : tensor<4x4x3x!w>
  %b_q = qnn.constant dense<[1, -2, 3, 0]> : tensor<4xi32> : tensor<4x!b>
  %w_fc_q = qnn.constant dense<[[1, -1, 2, 0, 1, -1, 0, 2],
                                [0, 2, -1, 1, 0, 1, -3, 0],
                                [-1, 0, 0, 2, -2, 1, 1, 1]]> : tensor<3x8xi4> : tensor<3x8x!w>
  %b_fc = qnn.constant dense<[0.25, -0.125, 0.0]> : tensor<3xf32> : tensor<3xf32>

  %xq = qnn.quantize %input : tensor<1x1x32xf32> -> tensor<1x1x32x!x8>
  %xd = qnn.dequantize %xq : tensor<1x1x32x!x8> -> tensor<1x1x32xf32>
  %w_stem = qnn.dequantize %w_stem_q : tensor<4x1x3x!w> -> tensor<4x1x3xf32>
  %w = qnn.dequantize %w_q : tensor<4x4x3x!w> -> tensor<4x4x3xf32>
  %b = qnn.dequantize %b_q : tensor<4x!b> -> tensor<4xf32>

  // stem
  %c0 = qnn.conv %xd, %w_stem, %b_stem {strides = array<i64: 1>, pads = array<i64: 1, 1>, dilations = array<i64: 1>}
      : (tensor<1x1x32xf32>, tensor<4x1x3xf32>, tensor<4xf32>) -> tensor<1x4x32xf32>
  %r0 = qnn.clamp %c0 {min = 0.0 : f64, max = 0x7FF0000000000000 : f64} : tensor<1x4x32xf32> -> tensor<1x4x32xf32>
  %l0 = qnn.clamp %r0 {min = 0.0 : f64, max = 0.9375 : f64} : tensor<1x4x32xf32> -> tensor<1x4x32xf32>
  %q0 = qnn.quantize %l0 : tensor<1x4x32xf32> -> tensor<1x4x32x!a8>
  %d0 = qnn.dequantize %q0 : tensor<1x4x32x!a8> -> tensor<1x4x32xf32>
  %p0 = qnn.maxpool %d0 {kernel = array<i64: 2>, strides = array<i64: 2>, pads = array<i64: 0, 0>, dilations = array<i64: 1>}
      : tensor<1x4x32xf32> -> tensor<1x4x16xf32>
  %pq0 = qnn.quantize %p0 : tensor<1x4x16xf32> -> tensor<1x4x16x!a8>
  %pd0 = qnn.dequantize %pq0 : tensor<1x4x16x!a8> -> tensor<1x4x16xf32>

  // block 1: ReLU and Clip(0, 15 * 0.0625) on the floats
  %c1 = qnn.conv %pd0, %w, %b {strides = array<i64: 1>, pads = array<i64: 1, 1>, dilations = array<i64: 1>}
      : (tensor<1x4x16xf32>, tensor<4x4x3xf32>, tensor<4xf32>) -> tensor<1x4x16xf32>
  %r1 = qnn.clamp %c1 {min = 0.0 : f64, max = 0x7FF0000000000000 : f64} : tensor<1x4x16xf32> -> tensor<1x4x16xf32>
  %l1 = qnn.clamp %r1 {min = 0.0 : f64, max = 0.9375 : f64} : tensor<1x4x16xf32> -> tensor<1x4x16xf32>
  %q1 = qnn.quantize %l1 : tensor<1x4x16xf32> -> tensor<1x4x16x!a8>
  %d1 = qnn.dequantize %q1 : tensor<1x4x16x!a8> -> tensor<1x4x16xf32>
  %p1 = qnn.maxpool %d1 {kernel = array<i64: 2>, strides = array<i64: 2>, pads = array<i64: 0, 0>, dilations = array<i64: 1>}
      : tensor<1x4x16xf32> -> tensor<1x4x8xf32>

  // block 2: ReLU on the floats, the 4-bit clamp on the integers
  %c2 = qnn.conv %p1, %w, %b {strides = array<i64: 1>, pads = array<i64: 1, 1>, dilations = array<i64: 1>}
      : (tensor<1x4x8xf32>, tensor<4x4x3xf32>, tensor<4xf32>) -> tensor<1x4x8xf32>
  %r2 = qnn.clamp %c2 {min = 0.0 : f64, max = 0x7FF0000000000000 : f64} : tensor<1x4x8xf32> -> tensor<1x4x8xf32>
  %q2 = qnn.quantize %r2 : tensor<1x4x8xf32> -> tensor<1x4x8x!a8>
  %k2 = qnn.clamp %q2 {min = 0.0 : f64, max = 15.0 : f64} : tensor<1x4x8x!a8> -> tensor<1x4x8x!a4>
  %m2 = qnn.maxpool %k2 {kernel = array<i64: 2>, strides = array<i64: 2>, pads = array<i64: 0, 0>, dilations = array<i64: 1>}
      : tensor<1x4x8x!a4> -> tensor<1x4x4x!a4>
  %d2 = qnn.dequantize %m2 : tensor<1x4x4x!a4> -> tensor<1x4x4xf32>

  // block 3: max pool before the requantization
  %c3 = qnn.conv %d2, %w, %b {strides = array<i64: 1>, pads = array<i64: 1, 1>, dilations = array<i64: 1>}
      : (tensor<1x4x4xf32>, tensor<4x4x3xf32>, tensor<4xf32>) -> tensor<1x4x4xf32>
  %m3 = qnn.maxpool %c3 {kernel = array<i64: 2>, strides = array<i64: 2>, pads = array<i64: 0, 0>, dilations = array<i64: 1>}
      : tensor<1x4x4xf32> -> tensor<1x4x2xf32>
  %r3 = qnn.clamp %m3 {min = 0.0 : f64, max = 0.9375 : f64} : tensor<1x4x2xf32> -> tensor<1x4x2xf32>
  %q3 = qnn.quantize %r3 : tensor<1x4x2xf32> -> tensor<1x4x2x!a8>
  %d3 = qnn.dequantize %q3 : tensor<1x4x2x!a8> -> tensor<1x4x2xf32>

  // head
  %flat = qnn.reshape %d3 : tensor<1x4x2xf32> -> tensor<1x8xf32>
  %w_fc = qnn.dequantize %w_fc_q : tensor<3x8x!w> -> tensor<3x8xf32>
  %logits = qnn.dense %flat, %w_fc, %b_fc : (tensor<1x8xf32>, tensor<3x8xf32>, tensor<3xf32>) -> tensor<1x3xf32>
  return %logits : tensor<1x3xf32>
}
