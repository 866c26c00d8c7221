// The lowering's backend choices (LoweringOptions; --target cpp turns all
// three on). Each keeps the results bit for bit: the CPU target's
// models.test and onnx-node.test run every test model through them against
// the golden model. Here the shape of what they produce.
// RUN: qrcnn-opt %s -split-input-file --qnn-pipeline --qnn-lower-to-loops="narrow-requantize=true" | FileCheck %s --check-prefix=NARROW
// RUN: qrcnn-opt %s -split-input-file --qnn-pipeline --qnn-lower-to-loops="pool-before-requantize=true" | FileCheck %s --check-prefix=POOL
// RUN: qrcnn-opt %s -split-input-file --qnn-pipeline --qnn-lower-to-loops | FileCheck %s --check-prefix=DEFAULT

!in = !quant.uniform<u8:f32, 0.0078125:128>
!w = !quant.uniform<i4:f32, 0.125>
!acc = !quant.uniform<i32:f32, 9.765625E-4>
!act = !quant.uniform<u8<0:15>:f32, 0.0625>

// M = sx * sw / sy = 2^-7 * 2^-3 / 2^-4 = 2^-6: the exact parameters are
// 2^30 * 2^-36. The narrowest i32 form the exhaustive check accepts is
// 1 * 2^-6 (for shifts 1..5 the rounded mantissa is 0). Accumulators lie in
// bias + 6 taps * [-8 * 127 - ..]: far inside i32.
// NARROW-LABEL: func.func @conv1d_int
// NARROW-NOT: : i64{{$}}
// Round half to even without i1 logic: up = (32 - (r + (q & 1))) >> 31.
// NARROW:     %[[Q:.*]] = arith.shrsi %{{.*}}, %c6_i32 : i32
// NARROW-DAG: %[[R:.*]] = arith.andi %{{.*}}, %c63_i32 : i32
// NARROW-DAG: %[[O:.*]] = arith.andi %[[Q]], %c1_i32 : i32
// NARROW:     %[[RO:.*]] = arith.addi %[[R]], %[[O]] : i32
// NARROW:     %[[D:.*]] = arith.subi %c32_i32, %[[RO]] : i32
// NARROW:     %[[UP:.*]] = arith.shrsi %[[D]], %c31_i32 : i32
// NARROW:     arith.subi %[[Q]], %[[UP]] : i32
// NARROW-NOT: : i64{{$}}
// NARROW:     return

// Pool before requantization: the pool window reduces the i32
// accumulators (from INT32_MIN), and one requantization follows it.
// POOL-LABEL: func.func @conv1d_int
// POOL:       scf.for %{{.*}} = %c0 to %c2 step %c1 iter_args(%[[M:.*]] = %c-2147483648_i32) -> (i32) {
// POOL:         scf.for {{.*}} -> (i32) {
// POOL:         } {qnn.acc_bits
// POOL:         arith.cmpi sgt, %{{.*}}, %[[M]] : i32
// POOL-NOT:     arith.shrsi
// POOL:       }
// POOL-NEXT:  arith.extsi %{{.*}} : i32 to i64
// POOL-NEXT:  arith.muli %{{.*}}, %c1073741824_i64 : i64
// The default requantizes every conv output in the exact 64-bit form, then
// takes the max.
// DEFAULT-LABEL: func.func @conv1d_int
// DEFAULT:    scf.for %{{.*}} = %c0 to %c2 step %c1 iter_args(%{{.*}} = %c0_i64) -> (i64) {
// DEFAULT:      arith.muli %{{.*}}, %c1073741824_i64 : i64
// DEFAULT:      arith.shrsi %{{.*}}, %c36_i64 : i64
// DEFAULT:      arith.cmpi sgt
// DEFAULT:    }
func.func @conv1d(%x: tensor<1x2x23xf32>) -> tensor<1x3x11xf32> {
  %w = qnn.constant dense<[[[1, -2, 7], [3, 0, -8]], [[-1, 4, 2], [5, -3, 1]], [[7, 7, -7], [-8, 2, 0]]]> : tensor<3x2x3xi4> : tensor<3x2x3x!w>
  %b = qnn.constant dense<[100, -50, 7]> : tensor<3xi32> : tensor<3x!acc>
  %q = qnn.quantize %x : tensor<1x2x23xf32> -> tensor<1x2x23x!in>
  %c = qnn.conv %q, %w, %b {strides = array<i64: 1>, pads = array<i64: 1, 1>, dilations = array<i64: 1>}
      : (tensor<1x2x23x!in>, tensor<3x2x3x!w>, tensor<3x!acc>) -> tensor<1x3x23x!acc>
  %r = qnn.requantize %c : tensor<1x3x23x!acc> -> tensor<1x3x23x!act>
  %p = qnn.maxpool %r {kernel = array<i64: 2>, strides = array<i64: 2>, pads = array<i64: 0, 0>, dilations = array<i64: 1>}
      : tensor<1x3x23x!act> -> tensor<1x3x11x!act>
  %y = qnn.dequantize %p : tensor<1x3x11x!act> -> tensor<1x3x11xf32>
  return %y : tensor<1x3x11xf32>
}

// -----

!in = !quant.uniform<u8:f32, 0.0078125:128>
!w8 = !quant.uniform<i8:f32, 0.01>
!acc8 = !quant.uniform<i32:f32, 7.8125E-5>
!out8 = !quant.uniform<i8:f32, 0.3>

// 300 features of (x - 128) * 127: |acc| up to 128 * 127 * 300 = 4,876,800,
// an interval too large (> 2^22 values) to check exhaustively: the exact
// 64-bit form stays.
// NARROW-LABEL: func.func @dense_int
// NARROW: arith.extsi %{{.*}} : i32 to i64
// NARROW: arith.shrsi %{{.*}}, %{{.*}} : i64
func.func @dense(%x: tensor<1x300xf32>) -> tensor<1x2xf32> {
  %w = qnn.constant dense<127> : tensor<2x300xi8> : tensor<2x300x!w8>
  %b = qnn.constant dense<[3, -4]> : tensor<2xi32> : tensor<2x!acc8>
  %q = qnn.quantize %x : tensor<1x300xf32> -> tensor<1x300x!in>
  %d = qnn.dense %q, %w, %b : (tensor<1x300x!in>, tensor<2x300x!w8>, tensor<2x!acc8>) -> tensor<1x2x!acc8>
  %r = qnn.requantize %d : tensor<1x2x!acc8> -> tensor<1x2x!out8>
  %y = qnn.dequantize %r : tensor<1x2x!out8> -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}
