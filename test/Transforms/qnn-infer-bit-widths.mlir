// RUN: qrcnn-opt %s -split-input-file -verify-diagnostics --qnn-infer-bit-widths | FileCheck %s
// The last case is an error, hence `not`.
// RUN: not qrcnn-opt %s -split-input-file --qnn-infer-bit-widths=report=true -o /dev/null 2>&1 | FileCheck %s --check-prefix=REPORT

// u4 input (0..15) times int4 weights [7, -8, 3] on each of 2 input
// channels, plus a bias: the largest sum is b + 15 * (7 + 3) * 2 = b + 300,
// the smallest b - 15 * 8 * 2 = b - 240. With b = 211 the range is
// [-29, 511], just inside 10 signed bits; b = 212 reaches 512: 11 bits.

!u4 = !quant.uniform<u4:f32, 0.0625>
!w4 = !quant.uniform<i4:f32, 0.125>
!acc = !quant.uniform<i32:f32, 0.0078125>

// CHECK-LABEL: func.func @boundary_10_bits
// CHECK: qnn.conv {{.*}}acc_bits = 10 : i64
// REPORT: remark: accumulator range [-29, 511]: 10 bits
func.func @boundary_10_bits(%x: tensor<1x2x8x!u4>) -> tensor<1x1x8x!acc> {
  %w = qnn.constant dense<[[[7, -8, 3], [7, -8, 3]]]> : tensor<1x2x3xi4> : tensor<1x2x3x!w4>
  %b = qnn.constant dense<[211]> : tensor<1xi32> : tensor<1x!acc>
  %c = qnn.conv %x, %w, %b {strides = array<i64: 1>, pads = array<i64: 1, 1>, dilations = array<i64: 1>}
      : (tensor<1x2x8x!u4>, tensor<1x2x3x!w4>, tensor<1x!acc>) -> tensor<1x1x8x!acc>
  return %c : tensor<1x1x8x!acc>
}

// CHECK-LABEL: func.func @boundary_11_bits
// CHECK: qnn.conv {{.*}}acc_bits = 11 : i64
// REPORT: remark: accumulator range [-28, 512]: 11 bits
func.func @boundary_11_bits(%x: tensor<1x2x8x!u4>) -> tensor<1x1x8x!acc> {
  %w = qnn.constant dense<[[[7, -8, 3], [7, -8, 3]]]> : tensor<1x2x3xi4> : tensor<1x2x3x!w4>
  %b = qnn.constant dense<[212]> : tensor<1xi32> : tensor<1x!acc>
  %c = qnn.conv %x, %w, %b {strides = array<i64: 1>, pads = array<i64: 1, 1>, dilations = array<i64: 1>}
      : (tensor<1x2x8x!u4>, tensor<1x2x3x!w4>, tensor<1x!acc>) -> tensor<1x1x8x!acc>
  return %c : tensor<1x1x8x!acc>
}

// -----

// uint8 input with zero point 128: x - zx lies in [-128, 127]. Weights
// [1, -1]: the sum lies in [-128 - 127, 127 + 128] = [-255, 255]: 9 bits.
// Per-channel ranges combine: channel 1 ([2, 0], bias -300) spans
// [-300 - 256, -300 + 254] = [-556, -46], so the layer needs 11 bits.

// CHECK-LABEL: func.func @zero_point_and_channels
// CHECK: qnn.dense {{.*}}acc_bits = 9 : i64
// CHECK: qnn.dense {{.*}}acc_bits = 11 : i64
// REPORT: remark: accumulator range [-255, 255]: 9 bits
// REPORT: remark: accumulator range [-556, 255]: 11 bits
func.func @zero_point_and_channels(%x: tensor<1x2x!quant.uniform<u8:f32, 0.5:128>>)
    -> (tensor<1x1x!quant.uniform<i32:f32, 0.5>>, tensor<1x2x!quant.uniform<i32:f32, 0.5>>) {
  %w = qnn.constant dense<[[1, -1]]> : tensor<1x2xi4> : tensor<1x2x!quant.uniform<i4:f32, 1.0>>
  %y = qnn.dense %x, %w : (tensor<1x2x!quant.uniform<u8:f32, 0.5:128>>, tensor<1x2x!quant.uniform<i4:f32, 1.0>>)
      -> tensor<1x1x!quant.uniform<i32:f32, 0.5>>
  %w2 = qnn.constant dense<[[1, -1], [2, 0]]> : tensor<2x2xi4> : tensor<2x2x!quant.uniform<i4:f32, 1.0>>
  %b2 = qnn.constant dense<[0, -300]> : tensor<2xi32> : tensor<2x!quant.uniform<i32:f32, 0.5>>
  %y2 = qnn.dense %x, %w2, %b2 : (tensor<1x2x!quant.uniform<u8:f32, 0.5:128>>, tensor<2x2x!quant.uniform<i4:f32, 1.0>>, tensor<2x!quant.uniform<i32:f32, 0.5>>)
      -> tensor<1x2x!quant.uniform<i32:f32, 0.5>>
  return %y, %y2 : tensor<1x1x!quant.uniform<i32:f32, 0.5>>, tensor<1x2x!quant.uniform<i32:f32, 0.5>>
}

// -----

// A narrowed input range counts: u4<0:9> times 3 is at most 27 (6 bits).
// Weights that are not constants count with their type's range: int4 in
// [-8, 7] times u4 in [0, 15] is [-120, 105] per product, 4 products:
// [-480, 420], 10 bits.

// CHECK-LABEL: func.func @ranges_from_types
// CHECK: qnn.dense {{.*}}acc_bits = 6 : i64
// CHECK: qnn.dense {{.*}}acc_bits = 10 : i64
// REPORT: remark: accumulator range [0, 27]: 6 bits
// REPORT: remark: accumulator range [-480, 420]: 10 bits
func.func @ranges_from_types(%x: tensor<1x1x!quant.uniform<u4<0:9>:f32, 1.0>>, %v: tensor<1x4x!quant.uniform<u4:f32, 1.0>>,
                             %w: tensor<1x4x!quant.uniform<i4:f32, 1.0>>)
    -> (tensor<1x1x!quant.uniform<i32:f32, 1.0>>, tensor<1x1x!quant.uniform<i32:f32, 1.0>>) {
  %three = qnn.constant dense<[[3]]> : tensor<1x1xi4> : tensor<1x1x!quant.uniform<i4:f32, 1.0>>
  %y = qnn.dense %x, %three : (tensor<1x1x!quant.uniform<u4<0:9>:f32, 1.0>>, tensor<1x1x!quant.uniform<i4:f32, 1.0>>)
      -> tensor<1x1x!quant.uniform<i32:f32, 1.0>>
  %y2 = qnn.dense %v, %w : (tensor<1x4x!quant.uniform<u4:f32, 1.0>>, tensor<1x4x!quant.uniform<i4:f32, 1.0>>)
      -> tensor<1x1x!quant.uniform<i32:f32, 1.0>>
  return %y, %y2 : tensor<1x1x!quant.uniform<i32:f32, 1.0>>, tensor<1x1x!quant.uniform<i32:f32, 1.0>>
}

// -----

// A recurrent conv: every step reads u4 values (0..15). Per output channel,
// (sum of positive weights, sum of negative weights, bias):
//   c0 (7, -2, 1) -> [-29, 106]     c1 (6, -3, -2) -> [-47, 88]
//   c2 (8, -5, 3) -> [-72, 123]     c3 (8, -2, 0)  -> [-30, 120]
// so [-72, 123]: 8 bits, the same for every step.

// CHECK-LABEL: func.func @recurrent
// CHECK: qnn.recurrent_conv {{.*}}acc_bits = 8 : i64
// REPORT: remark: accumulator range [-72, 123]: 8 bits
func.func @recurrent(%x: tensor<1x4x16x!quant.uniform<u4:f32, 0.0625>>) -> tensor<1x4x2x!quant.uniform<u4:f32, 0.0625>> {
  %w = qnn.constant dense<[[[1, 0, -1], [2, 1, 0], [0, 0, 1], [-1, 1, 1]],
                           [[0, 1, 0], [1, -2, 1], [3, 0, 0], [0, 0, -1]],
                           [[-1, -1, 2], [0, 1, 1], [1, 0, 0], [2, -3, 1]],
                           [[1, 1, 1], [0, 0, 0], [-1, 2, -1], [1, 0, 2]]]> : tensor<4x4x3xi4> : tensor<4x4x3x!quant.uniform<i4:f32, 0.125>>
  %b = qnn.constant dense<[1, -2, 3, 0]> : tensor<4xi32> : tensor<4x!quant.uniform<i32:f32, 0.0078125>>
  %r = qnn.recurrent_conv %x, %w, %b {iterations = 3, strides = array<i64: 1>, pads = array<i64: 1, 1>,
        dilations = array<i64: 1>, pool_kernel = array<i64: 2>, pool_strides = array<i64: 2>}
      : (tensor<1x4x16x!quant.uniform<u4:f32, 0.0625>>, tensor<4x4x3x!quant.uniform<i4:f32, 0.125>>, tensor<4x!quant.uniform<i32:f32, 0.0078125>>)
      -> tensor<1x4x2x!quant.uniform<u4:f32, 0.0625>>
  return %r : tensor<1x4x2x!quant.uniform<u4:f32, 0.0625>>
}

// -----

// Float layers have no integer accumulator.

// CHECK-LABEL: func.func @float_layer
// CHECK-NOT: acc_bits
func.func @float_layer(%x: tensor<1x2xf32>, %w: tensor<3x2xf32>) -> tensor<1x3xf32> {
  %y = qnn.dense %x, %w : (tensor<1x2xf32>, tensor<3x2xf32>) -> tensor<1x3xf32>
  return %y : tensor<1x3xf32>
}

// -----

// 16-bit inputs (0..65535) times two int16 weights of -32768:
// -2 * 32768 * 65535 = -4294901760 needs 33 signed bits.

func.func @too_wide(%x: tensor<1x2x!quant.uniform<u16:f32, 1.0>>) -> tensor<1x1x!quant.uniform<i32:f32, 1.0>> {
  %w = qnn.constant dense<[[-32768, -32768]]> : tensor<1x2xi16> : tensor<1x2x!quant.uniform<i16:f32, 1.0>>
  // REPORT: error: 'qnn.dense' op accumulator needs 33 bits
  // expected-error @+1 {{'qnn.dense' op accumulator needs 33 bits for the range [-4294901760, 0]; at most 32 are supported}}
  %y = qnn.dense %x, %w : (tensor<1x2x!quant.uniform<u16:f32, 1.0>>, tensor<1x2x!quant.uniform<i16:f32, 1.0>>)
      -> tensor<1x1x!quant.uniform<i32:f32, 1.0>>
  return %y : tensor<1x1x!quant.uniform<i32:f32, 1.0>>
}
