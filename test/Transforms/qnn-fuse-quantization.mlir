// RUN: qrcnn-opt %s -split-input-file -verify-diagnostics --qnn-fuse-quantization | FileCheck %s

// The importer's form of one QDQ block: float conv on dequantized operands,
// ReLU and a 4-bit Clip as float clamps, quantize, max pool between a
// quantize/dequantize pair with equal parameters. sx = 0.25, sw = 0.5, so the
// accumulator scale is 0.125 and the float bias [0.3125, -0.1875, 0.4375]
// is [2.5, -1.5, 3.5] accumulator steps: half to even gives [2, -2, 4]
// (half away from zero would give 3, truncation -1 and 3). Clip(0, 3.75) at
// scale 0.25 is 0..15: u8<0:15> normalized to u4.

// CHECK-LABEL: func.func @qdq_block
// CHECK-SAME: (%[[IN:.*]]: tensor<1x2x8xf32>)
// CHECK-DAG:  %[[W:.*]] = qnn.constant {{.*}} : tensor<3x2x3x!quant.uniform<i4:f32, 5.000000e-01>>
// CHECK-DAG:  %[[B:.*]] = qnn.constant dense<[2, -2, 4]> : tensor<3xi32> : tensor<3x!quant.uniform<i32:f32, 1.250000e-01>>
// CHECK:      %[[X:.*]] = qnn.quantize %[[IN]] : tensor<1x2x8xf32> -> tensor<1x2x8x!quant.uniform<u8:f32, 2.500000e-01>>
// CHECK-NEXT: %[[ACC:.*]] = qnn.conv %[[X]], %[[W]], %[[B]] {{.*}} -> tensor<1x3x8x!quant.uniform<i32:f32, 1.250000e-01>>
// CHECK-NEXT: %[[A:.*]] = qnn.requantize %[[ACC]] : {{.*}} -> tensor<1x3x8x!quant.uniform<u4:f32, 2.500000e-01>>
// CHECK-NEXT: %[[P:.*]] = qnn.maxpool %[[A]] {{.*}} -> tensor<1x3x4x!quant.uniform<u4:f32, 2.500000e-01>>
// CHECK-NEXT: %[[OUT:.*]] = qnn.dequantize %[[P]] : tensor<1x3x4x!quant.uniform<u4:f32, 2.500000e-01>> -> tensor<1x3x4xf32>
// CHECK-NEXT: return %[[OUT]]
func.func @qdq_block(%in: tensor<1x2x8xf32>) -> tensor<1x3x4xf32> {
  %wq = qnn.constant dense<[[[7, -8, 3], [1, 0, -1]], [[2, 2, 2], [-3, 4, 5]], [[0, 1, 0], [6, -7, 1]]]> : tensor<3x2x3xi4> : tensor<3x2x3x!quant.uniform<i4:f32, 0.5>>
  %b = qnn.constant dense<[0.3125, -0.1875, 0.4375]> : tensor<3xf32> : tensor<3xf32>
  %xq = qnn.quantize %in : tensor<1x2x8xf32> -> tensor<1x2x8x!quant.uniform<u8:f32, 0.25>>
  %xd = qnn.dequantize %xq : tensor<1x2x8x!quant.uniform<u8:f32, 0.25>> -> tensor<1x2x8xf32>
  %wd = qnn.dequantize %wq : tensor<3x2x3x!quant.uniform<i4:f32, 0.5>> -> tensor<3x2x3xf32>
  %c = qnn.conv %xd, %wd, %b {strides = array<i64: 1>, pads = array<i64: 1, 1>, dilations = array<i64: 1>}
      : (tensor<1x2x8xf32>, tensor<3x2x3xf32>, tensor<3xf32>) -> tensor<1x3x8xf32>
  %r = qnn.clamp %c {min = 0.0 : f64, max = 0x7FF0000000000000 : f64} : tensor<1x3x8xf32> -> tensor<1x3x8xf32>
  %cl = qnn.clamp %r {min = 0.0 : f64, max = 3.75 : f64} : tensor<1x3x8xf32> -> tensor<1x3x8xf32>
  %q = qnn.quantize %cl : tensor<1x3x8xf32> -> tensor<1x3x8x!quant.uniform<u8:f32, 0.25>>
  %d = qnn.dequantize %q : tensor<1x3x8x!quant.uniform<u8:f32, 0.25>> -> tensor<1x3x8xf32>
  %p = qnn.maxpool %d {kernel = array<i64: 2>, strides = array<i64: 2>, pads = array<i64: 0, 0>, dilations = array<i64: 1>}
      : tensor<1x3x8xf32> -> tensor<1x3x4xf32>
  %q2 = qnn.quantize %p : tensor<1x3x4xf32> -> tensor<1x3x4x!quant.uniform<u8:f32, 0.25>>
  %d2 = qnn.dequantize %q2 : tensor<1x3x4x!quant.uniform<u8:f32, 0.25>> -> tensor<1x3x4xf32>
  return %d2 : tensor<1x3x4xf32>
}

// -----

// Per-channel weights: the accumulator is per axis 1 with scales
// sx * sw[c] = 0.25 * {0.5, 0.25}; an int32 bias already on that grid is
// reused as is. ReLU comes as a clamp on the integers after the quantize
// (uint8, zero point 0, then Clip(0, 15)); the max pool sits *before* the
// requantization, so it moves behind it (conv -> requantize -> maxpool).

// CHECK-LABEL: func.func @per_channel_pool_first
// CHECK-DAG:  %[[W:.*]] = qnn.constant {{.*}} : tensor<2x2x3x!quant.uniform<i4:f32:0, {5.000000e-01,2.500000e-01}>>
// CHECK-DAG:  %[[B:.*]] = qnn.constant dense<[5, -7]> : tensor<2xi32> : tensor<2x!quant.uniform<i32:f32:0, {1.250000e-01,6.250000e-02}>>
// CHECK:      %[[ACC:.*]] = qnn.conv %{{.*}}, %[[W]], %[[B]] {{.*}} -> tensor<1x2x8x!quant.uniform<i32:f32:1, {1.250000e-01,6.250000e-02}>>
// CHECK-NEXT: %[[A:.*]] = qnn.requantize %[[ACC]] {{.*}} -> tensor<1x2x8x!quant.uniform<u4:f32, 2.500000e-01>>
// CHECK-NEXT: %[[P:.*]] = qnn.maxpool %[[A]] {{.*}} -> tensor<1x2x4x!quant.uniform<u4:f32, 2.500000e-01>>
// CHECK-NEXT: qnn.dequantize %[[P]]
func.func @per_channel_pool_first(%in: tensor<1x2x8xf32>) -> tensor<1x2x4xf32> {
  %wq = qnn.constant dense<[[[1, 2, 3], [-1, -2, -3]], [[7, 0, -8], [1, 1, 1]]]> : tensor<2x2x3xi4> : tensor<2x2x3x!quant.uniform<i4:f32:0, {0.5, 0.25}>>
  %bq = qnn.constant dense<[5, -7]> : tensor<2xi32> : tensor<2x!quant.uniform<i32:f32:0, {0.125, 0.0625}>>
  %xq = qnn.quantize %in : tensor<1x2x8xf32> -> tensor<1x2x8x!quant.uniform<u8:f32, 0.25>>
  %xd = qnn.dequantize %xq : tensor<1x2x8x!quant.uniform<u8:f32, 0.25>> -> tensor<1x2x8xf32>
  %wd = qnn.dequantize %wq : tensor<2x2x3x!quant.uniform<i4:f32:0, {0.5, 0.25}>> -> tensor<2x2x3xf32>
  %bd = qnn.dequantize %bq : tensor<2x!quant.uniform<i32:f32:0, {0.125, 0.0625}>> -> tensor<2xf32>
  %c = qnn.conv %xd, %wd, %bd {strides = array<i64: 1>, pads = array<i64: 1, 1>, dilations = array<i64: 1>}
      : (tensor<1x2x8xf32>, tensor<2x2x3xf32>, tensor<2xf32>) -> tensor<1x2x8xf32>
  %p = qnn.maxpool %c {kernel = array<i64: 2>, strides = array<i64: 2>, pads = array<i64: 0, 0>, dilations = array<i64: 1>}
      : tensor<1x2x8xf32> -> tensor<1x2x4xf32>
  %r = qnn.clamp %p {min = 0.0 : f64, max = 0x7FF0000000000000 : f64} : tensor<1x2x4xf32> -> tensor<1x2x4xf32>
  %q8 = qnn.quantize %r : tensor<1x2x4xf32> -> tensor<1x2x4x!quant.uniform<u8:f32, 0.25>>
  %q4 = qnn.clamp %q8 {min = 0.0 : f64, max = 15.0 : f64} : tensor<1x2x4x!quant.uniform<u8:f32, 0.25>> -> tensor<1x2x4x!quant.uniform<u8<0:15>:f32, 0.25>>
  %d = qnn.dequantize %q4 : tensor<1x2x4x!quant.uniform<u8<0:15>:f32, 0.25>> -> tensor<1x2x4xf32>
  return %d : tensor<1x2x4xf32>
}

// -----

// Clamp bounds off the grid: Clip(0.375, 1.125) at scale 0.25 is 1.5 .. 4.5
// steps, rounded half to even as quantize rounds: 2 .. 4. The narrowed
// range stays visible in the normalized container (u3<2:4>). A signed
// Clip(-1, 0.875) at scale 0.125 is -8 .. 7: i8<-8:7> normalizes to i4.

// CHECK-LABEL: func.func @clamp_bounds
// CHECK: qnn.quantize %{{.*}} -> tensor<4x!quant.uniform<u3<2:4>:f32, 2.500000e-01>>
// CHECK: qnn.quantize %{{.*}} -> tensor<4x!quant.uniform<i4:f32, 1.250000e-01>>
// CHECK-NOT: qnn.clamp
func.func @clamp_bounds(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  %c = qnn.clamp %x {min = 0.375 : f64, max = 1.125 : f64} : tensor<4xf32> -> tensor<4xf32>
  %q = qnn.quantize %c : tensor<4xf32> -> tensor<4x!quant.uniform<u8:f32, 0.25>>
  %d = qnn.dequantize %q : tensor<4x!quant.uniform<u8:f32, 0.25>> -> tensor<4xf32>
  %c2 = qnn.clamp %x {min = -1.0 : f64, max = 0.875 : f64} : tensor<4xf32> -> tensor<4xf32>
  %q2 = qnn.quantize %c2 : tensor<4xf32> -> tensor<4x!quant.uniform<i8:f32, 0.125>>
  %d2 = qnn.dequantize %q2 : tensor<4x!quant.uniform<i8:f32, 0.125>> -> tensor<4xf32>
  return %d, %d2 : tensor<4xf32>, tensor<4xf32>
}

// -----

// Quantize/dequantize pairs: equal parameters cancel; another scale becomes
// a requantize; the same scale into a wider range is the value itself.

// CHECK-LABEL: func.func @pairs
// CHECK-SAME: (%[[A:.*]]: tensor<4x!quant.uniform<u8:f32, 2.500000e-01>>, %[[N:.*]]: tensor<4x!quant.uniform<u4:f32, 2.500000e-01>>)
// CHECK-NEXT: %[[R:.*]] = qnn.requantize %[[A]] : tensor<4x!quant.uniform<u8:f32, 2.500000e-01>> -> tensor<4x!quant.uniform<u8:f32, 5.000000e-01>>
// CHECK-NEXT: return %[[A]], %[[R]], %[[N]]
func.func @pairs(%a: tensor<4x!quant.uniform<u8:f32, 0.25>>, %n: tensor<4x!quant.uniform<u4:f32, 0.25>>)
    -> (tensor<4x!quant.uniform<u8:f32, 0.25>>, tensor<4x!quant.uniform<u8:f32, 0.5>>, tensor<4x!quant.uniform<u4:f32, 0.25>>) {
  %d = qnn.dequantize %a : tensor<4x!quant.uniform<u8:f32, 0.25>> -> tensor<4xf32>
  %same = qnn.quantize %d : tensor<4xf32> -> tensor<4x!quant.uniform<u8:f32, 0.25>>
  %other = qnn.quantize %d : tensor<4xf32> -> tensor<4x!quant.uniform<u8:f32, 0.5>>
  %dn = qnn.dequantize %n : tensor<4x!quant.uniform<u4:f32, 0.25>> -> tensor<4xf32>
  %wide = qnn.quantize %dn : tensor<4xf32> -> tensor<4x!quant.uniform<u8:f32, 0.25>>
  %back = qnn.dequantize %wide : tensor<4x!quant.uniform<u8:f32, 0.25>> -> tensor<4xf32>
  %narrow = qnn.quantize %back : tensor<4xf32> -> tensor<4x!quant.uniform<u4:f32, 0.25>>
  return %same, %other, %narrow : tensor<4x!quant.uniform<u8:f32, 0.25>>, tensor<4x!quant.uniform<u8:f32, 0.5>>, tensor<4x!quant.uniform<u4:f32, 0.25>>
}

// -----

// A function result keeps its declared type: the narrowed value goes back
// through an identity requantize rather than changing the signature.

// CHECK-LABEL: func.func @narrowed_result
// CHECK: %[[Q:.*]] = qnn.quantize %{{.*}} -> tensor<4x!quant.uniform<u4:f32, 2.500000e-01>>
// CHECK-NEXT: %[[R:.*]] = qnn.requantize %[[Q]] {{.*}} -> tensor<4x!quant.uniform<u8:f32, 2.500000e-01>>
// CHECK-NEXT: return %[[R]]
func.func @narrowed_result(%x: tensor<4xf32>) -> tensor<4x!quant.uniform<u8:f32, 0.25>> {
  %c = qnn.clamp %x {min = 0.0 : f64, max = 3.75 : f64} : tensor<4xf32> -> tensor<4xf32>
  %q = qnn.quantize %c : tensor<4xf32> -> tensor<4x!quant.uniform<u8:f32, 0.25>>
  return %q : tensor<4x!quant.uniform<u8:f32, 0.25>>
}

// -----

// Dense head with a float bias: sx = 0.0625, sw = 0.125, accumulator scale
// 2^-7; bias [1.0, -0.01171875] is [128, -1.5] steps -> [128, -2]. The
// argmax of a per-tensor dequantized accumulator reads the integers.

// CHECK-LABEL: func.func @dense_head
// CHECK-DAG: %[[B:.*]] = qnn.constant dense<[128, -2]> : tensor<2xi32> : tensor<2x!quant.uniform<i32:f32, 7.812500e-03>>
// CHECK: %[[ACC:.*]] = qnn.dense %{{.*}}, %{{.*}}, %[[B]] : {{.*}} -> tensor<1x2x!quant.uniform<i32:f32, 7.812500e-03>>
// CHECK-NEXT: %[[I:.*]] = qnn.argmax %[[ACC]] {{.*}} : tensor<1x2x!quant.uniform<i32:f32, 7.812500e-03>> -> tensor<1x1xi64>
// CHECK-NEXT: return %[[I]]
func.func @dense_head(%x: tensor<1x4x!quant.uniform<u4:f32, 0.0625>>) -> tensor<1x1xi64> {
  %wq = qnn.constant dense<[[1, -2, 3, -4], [5, 6, -7, 0]]> : tensor<2x4xi4> : tensor<2x4x!quant.uniform<i4:f32, 0.125>>
  %b = qnn.constant dense<[1.0, -0.01171875]> : tensor<2xf32> : tensor<2xf32>
  %xd = qnn.dequantize %x : tensor<1x4x!quant.uniform<u4:f32, 0.0625>> -> tensor<1x4xf32>
  %wd = qnn.dequantize %wq : tensor<2x4x!quant.uniform<i4:f32, 0.125>> -> tensor<2x4xf32>
  %y = qnn.dense %xd, %wd, %b : (tensor<1x4xf32>, tensor<2x4xf32>, tensor<2xf32>) -> tensor<1x2xf32>
  %i = qnn.argmax %y {axis = 1 : i64} : tensor<1x2xf32> -> tensor<1x1xi64>
  return %i : tensor<1x1xi64>
}

// -----

// Bias added by a separate Add of a [C, 1] constant (as some exporters
// write it) moves into the conv. Weights with a non-zero zero point (int8,
// z = 3) become w - 3 with zero point 0: [4, 0, 10] -> [1, -3, 7] (i4).

// CHECK-LABEL: func.func @added_bias_and_weight_zero_point
// CHECK-DAG: %[[W:.*]] = qnn.constant dense<{{\[\[\[}}1, -3, 7]]]> : tensor<1x1x3xi4> : tensor<1x1x3x!quant.uniform<i4:f32, 5.000000e-01>>
// CHECK-DAG: %[[B:.*]] = qnn.constant dense<-6> : tensor<1xi32> : tensor<1x!quant.uniform<i32:f32, 1.250000e-01>>
// CHECK: qnn.conv %{{.*}}, %[[W]], %[[B]]
// CHECK-NOT: qnn.add
func.func @added_bias_and_weight_zero_point(%x: tensor<1x1x6x!quant.uniform<u8:f32, 0.25>>) -> tensor<1x1x4xf32> {
  %wq = qnn.constant dense<[[[4, 0, 10]]]> : tensor<1x1x3xi8> : tensor<1x1x3x!quant.uniform<i8:f32, 0.5:3>>
  %b = qnn.constant dense<[[-0.75]]> : tensor<1x1xf32> : tensor<1x1xf32>
  %xd = qnn.dequantize %x : tensor<1x1x6x!quant.uniform<u8:f32, 0.25>> -> tensor<1x1x6xf32>
  %wd = qnn.dequantize %wq : tensor<1x1x3x!quant.uniform<i8:f32, 0.5:3>> -> tensor<1x1x3xf32>
  %c = qnn.conv %xd, %wd {strides = array<i64: 1>, pads = array<i64: 0, 0>, dilations = array<i64: 1>}
      : (tensor<1x1x6xf32>, tensor<1x1x3xf32>) -> tensor<1x1x4xf32>
  %y = qnn.add %c, %b : (tensor<1x1x4xf32>, tensor<1x1xf32>) -> tensor<1x1x4xf32>
  return %y : tensor<1x1x4xf32>
}

// -----

// Elementwise add and average pool of dequantized values, quantized again,
// are the quantized ops.

// CHECK-LABEL: func.func @elementwise
// CHECK: %[[S:.*]] = qnn.add %{{.*}}, %{{.*}} : {{.*}} -> tensor<1x2x4x!quant.uniform<u8:f32, 5.000000e-01>>
// CHECK: qnn.avgpool %[[S]] {{.*}} -> tensor<1x2x2x!quant.uniform<u8:f32, 5.000000e-01>>
// CHECK-NOT: qnn.dequantize %{{.*}} -> tensor<1x2x4xf32>
func.func @elementwise(%a: tensor<1x2x4x!quant.uniform<u8:f32, 0.25>>, %b: tensor<1x2x4x!quant.uniform<u8:f32, 0.125:4>>) -> tensor<1x2x2x!quant.uniform<u8:f32, 0.5>> {
  %ad = qnn.dequantize %a : tensor<1x2x4x!quant.uniform<u8:f32, 0.25>> -> tensor<1x2x4xf32>
  %bd = qnn.dequantize %b : tensor<1x2x4x!quant.uniform<u8:f32, 0.125:4>> -> tensor<1x2x4xf32>
  %s = qnn.add %ad, %bd : (tensor<1x2x4xf32>, tensor<1x2x4xf32>) -> tensor<1x2x4xf32>
  %sq = qnn.quantize %s : tensor<1x2x4xf32> -> tensor<1x2x4x!quant.uniform<u8:f32, 0.5>>
  %sd = qnn.dequantize %sq : tensor<1x2x4x!quant.uniform<u8:f32, 0.5>> -> tensor<1x2x4xf32>
  %p = qnn.avgpool %sd {kernel = array<i64: 2>, strides = array<i64: 2>, pads = array<i64: 0, 0>} : tensor<1x2x4xf32> -> tensor<1x2x2xf32>
  %pq = qnn.quantize %p : tensor<1x2x2xf32> -> tensor<1x2x2x!quant.uniform<u8:f32, 0.5>>
  return %pq : tensor<1x2x2x!quant.uniform<u8:f32, 0.5>>
}

// -----

// A float model stays float: nothing is dequantized.

// CHECK-LABEL: func.func @float_model
// CHECK: qnn.conv {{.*}} -> tensor<1x1x4xf32>
// CHECK: qnn.clamp
func.func @float_model(%x: tensor<1x1x6xf32>) -> tensor<1x1x4xf32> {
  %w = qnn.constant dense<[[[1.0, 2.0, 3.0]]]> : tensor<1x1x3xf32> : tensor<1x1x3xf32>
  %c = qnn.conv %x, %w {strides = array<i64: 1>, pads = array<i64: 0, 0>, dilations = array<i64: 1>}
      : (tensor<1x1x6xf32>, tensor<1x1x3xf32>) -> tensor<1x1x4xf32>
  %r = qnn.clamp %c {min = 0.0 : f64, max = 0x7FF0000000000000 : f64} : tensor<1x1x4xf32> -> tensor<1x1x4xf32>
  return %r : tensor<1x1x4xf32>
}

// -----

// A float bias that does not fit int32 on the accumulator grid
// (sx * sw = 2^-20) is an error on the conv.

func.func @bias_overflow(%x: tensor<1x1x4x!quant.uniform<u8:f32, 0.0009765625>>) -> tensor<1x1x2xf32> {
  %wq = qnn.constant dense<[[[1, 1, 1]]]> : tensor<1x1x3xi4> : tensor<1x1x3x!quant.uniform<i4:f32, 0.0009765625>>
  %b = qnn.constant dense<[4096.0]> : tensor<1xf32> : tensor<1xf32>
  %xd = qnn.dequantize %x : tensor<1x1x4x!quant.uniform<u8:f32, 0.0009765625>> -> tensor<1x1x4xf32>
  %wd = qnn.dequantize %wq : tensor<1x1x3x!quant.uniform<i4:f32, 0.0009765625>> -> tensor<1x1x3xf32>
  // expected-error @+1 {{bias 4096 of output channel 0 does not fit in int32 at the accumulator scale 9.53674316e-07 (input scale times weight scale)}}
  %c = qnn.conv %xd, %wd, %b {strides = array<i64: 1>, pads = array<i64: 0, 0>, dilations = array<i64: 1>}
      : (tensor<1x1x4xf32>, tensor<1x1x3xf32>, tensor<1xf32>) -> tensor<1x1x2xf32>
  return %c : tensor<1x1x2xf32>
}
