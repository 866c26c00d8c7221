// RUN: qrcnn-opt %s -split-input-file --qnn-fold-recurrent-conv | FileCheck %s
// RUN: qrcnn-opt %s -split-input-file --qnn-fold-recurrent-conv=min-length=4 | FileCheck %s --check-prefix=MIN4
// RUN: qrcnn-opt %s -split-input-file --qnn-fold-recurrent-conv=min-length=1 | FileCheck %s --check-prefix=MIN1
// RUN: qrcnn-opt %s -split-input-file --qnn-fold-recurrent-conv --qnn-unroll-recurrent-conv | FileCheck %s --check-prefix=ROUNDTRIP
// RUN: qrcnn-opt %s -split-input-file --qnn-fold-recurrent-conv=report=true -o /dev/null 2>&1 | FileCheck %s --check-prefix=REPORT

!a = !quant.uniform<u4:f32, 0.0625>
!w = !quant.uniform<i4:f32, 0.125>
!acc = !quant.uniform<i32:f32, 0.0078125>

// Four blocks reading the same weight value, shapes shrinking by pooling
// 32 -> 16 -> 8 -> 4 -> 2: one recurrent conv with iterations = 4.
// CHECK-LABEL: func.func @chain4_pooled
// CHECK-SAME: (%[[X:.*]]: tensor<1x4x32x{{.*}}>, %[[W:.*]]: tensor<4x4x3x{{.*}}>, %[[B:.*]]: tensor<4x{{.*}}>)
// CHECK-NEXT: %[[R:.*]] = qnn.recurrent_conv %[[X]], %[[W]], %[[B]] {dilations = array<i64: 1>, iterations = 4 : i64, pads = array<i64: 1, 1>, pool_kernel = array<i64: 2>, pool_strides = array<i64: 2>, strides = array<i64: 1>}
// CHECK-SAME: -> tensor<1x4x2x!quant.uniform<u4:f32, 6.250000e-02>>
// CHECK-NEXT: return %[[R]]
// MIN4-LABEL: func.func @chain4_pooled
// MIN4: qnn.recurrent_conv {{.*}}iterations = 4
// ROUNDTRIP-LABEL: func.func @chain4_pooled
// ROUNDTRIP-COUNT-4: qnn.conv %{{.*}}, %arg1, %arg2
// ROUNDTRIP-NOT: qnn.recurrent_conv
// Each block stores 4*4*3 weights and 4 biases: 4 * 52 unrolled, 52 folded.
// REPORT: remark: recurrent conv: 4 steps of one block with 52 parameters
// REPORT: remark: layer parameters: 208 unrolled, 52 folded (4 blocks folded into 1 recurrent convs)
func.func @chain4_pooled(%x: tensor<1x4x32x!a>, %w: tensor<4x4x3x!w>, %b: tensor<4x!acc>) -> tensor<1x4x2x!a> {
  %c0 = qnn.conv %x, %w, %b {strides = array<i64: 1>, pads = array<i64: 1, 1>, dilations = array<i64: 1>}
      : (tensor<1x4x32x!a>, tensor<4x4x3x!w>, tensor<4x!acc>) -> tensor<1x4x32x!acc>
  %r0 = qnn.requantize %c0 : tensor<1x4x32x!acc> -> tensor<1x4x32x!a>
  %p0 = qnn.maxpool %r0 {kernel = array<i64: 2>, strides = array<i64: 2>, pads = array<i64: 0, 0>, dilations = array<i64: 1>}
      : tensor<1x4x32x!a> -> tensor<1x4x16x!a>
  %c1 = qnn.conv %p0, %w, %b {strides = array<i64: 1>, pads = array<i64: 1, 1>, dilations = array<i64: 1>}
      : (tensor<1x4x16x!a>, tensor<4x4x3x!w>, tensor<4x!acc>) -> tensor<1x4x16x!acc>
  %r1 = qnn.requantize %c1 : tensor<1x4x16x!acc> -> tensor<1x4x16x!a>
  %p1 = qnn.maxpool %r1 {kernel = array<i64: 2>, strides = array<i64: 2>, pads = array<i64: 0, 0>, dilations = array<i64: 1>}
      : tensor<1x4x16x!a> -> tensor<1x4x8x!a>
  %c2 = qnn.conv %p1, %w, %b {strides = array<i64: 1>, pads = array<i64: 1, 1>, dilations = array<i64: 1>}
      : (tensor<1x4x8x!a>, tensor<4x4x3x!w>, tensor<4x!acc>) -> tensor<1x4x8x!acc>
  %r2 = qnn.requantize %c2 : tensor<1x4x8x!acc> -> tensor<1x4x8x!a>
  %p2 = qnn.maxpool %r2 {kernel = array<i64: 2>, strides = array<i64: 2>, pads = array<i64: 0, 0>, dilations = array<i64: 1>}
      : tensor<1x4x8x!a> -> tensor<1x4x4x!a>
  %c3 = qnn.conv %p2, %w, %b {strides = array<i64: 1>, pads = array<i64: 1, 1>, dilations = array<i64: 1>}
      : (tensor<1x4x4x!a>, tensor<4x4x3x!w>, tensor<4x!acc>) -> tensor<1x4x4x!acc>
  %r3 = qnn.requantize %c3 : tensor<1x4x4x!acc> -> tensor<1x4x4x!a>
  %p3 = qnn.maxpool %r3 {kernel = array<i64: 2>, strides = array<i64: 2>, pads = array<i64: 0, 0>, dilations = array<i64: 1>}
      : tensor<1x4x4x!a> -> tensor<1x4x2x!a>
  return %p3 : tensor<1x4x2x!a>
}

// -----

!a = !quant.uniform<u4:f32, 0.0625>
!w = !quant.uniform<i4:f32, 0.125>
!acc = !quant.uniform<i32:f32, 0.0078125>

// Each block reads its own constants, with equal contents and types (as an
// exporter writes one initializer per layer): they fold, keeping the first
// block's constants. Without pooling the shape stays 16.
// CHECK-LABEL: func.func @equal_contents
// CHECK-DAG: %[[W:.*]] = qnn.constant {{.*}} : tensor<4x4x3x!quant.uniform<i4:f32, 1.250000e-01>>
// CHECK-DAG: %[[B:.*]] = qnn.constant {{.*}} : tensor<4x!quant.uniform<i32:f32, 7.812500e-03>>
// CHECK: %[[R:.*]] = qnn.recurrent_conv %{{.*}}, %[[W]], %[[B]] {{.*}}iterations = 3
// CHECK-NOT: pool_kernel
// CHECK-SAME: -> tensor<1x4x16x
// CHECK-NEXT: return %[[R]]
// CHECK-NOT: qnn.constant
// MIN4-LABEL: func.func @equal_contents
// MIN4-NOT: qnn.recurrent_conv
// MIN4-COUNT-3: qnn.conv
func.func @equal_contents(%x: tensor<1x4x16x!a>) -> tensor<1x4x16x!a> {
  %w0 = qnn.constant dense<[[[1, 0, -1], [2, 1, 0], [0, 0, 1], [-1, 1, 1]], [[0, 1, 0], [1, -2, 1], [3, 0, 0], [0, 0, -1]], [[-1, -1, 2], [0, 1, 1], [1, 0, 0], [2, -3, 1]], [[1, 1, 1], [0, 0, 0], [-1, 2, -1], [1, 0, 2]]]> : tensor<4x4x3xi4> : tensor<4x4x3x!w>
  %w1 = qnn.constant dense<[[[1, 0, -1], [2, 1, 0], [0, 0, 1], [-1, 1, 1]], [[0, 1, 0], [1, -2, 1], [3, 0, 0], [0, 0, -1]], [[-1, -1, 2], [0, 1, 1], [1, 0, 0], [2, -3, 1]], [[1, 1, 1], [0, 0, 0], [-1, 2, -1], [1, 0, 2]]]> : tensor<4x4x3xi4> : tensor<4x4x3x!w>
  %w2 = qnn.constant dense<[[[1, 0, -1], [2, 1, 0], [0, 0, 1], [-1, 1, 1]], [[0, 1, 0], [1, -2, 1], [3, 0, 0], [0, 0, -1]], [[-1, -1, 2], [0, 1, 1], [1, 0, 0], [2, -3, 1]], [[1, 1, 1], [0, 0, 0], [-1, 2, -1], [1, 0, 2]]]> : tensor<4x4x3xi4> : tensor<4x4x3x!w>
  %b0 = qnn.constant dense<[1, -2, 3, 0]> : tensor<4xi32> : tensor<4x!acc>
  %b = qnn.constant dense<[1, -2, 3, 0]> : tensor<4xi32> : tensor<4x!acc>
  %c0 = qnn.conv %x, %w0, %b0 {strides = array<i64: 1>, pads = array<i64: 1, 1>, dilations = array<i64: 1>}
      : (tensor<1x4x16x!a>, tensor<4x4x3x!w>, tensor<4x!acc>) -> tensor<1x4x16x!acc>
  %r0 = qnn.requantize %c0 : tensor<1x4x16x!acc> -> tensor<1x4x16x!a>
  %c1 = qnn.conv %r0, %w1, %b {strides = array<i64: 1>, pads = array<i64: 1, 1>, dilations = array<i64: 1>}
      : (tensor<1x4x16x!a>, tensor<4x4x3x!w>, tensor<4x!acc>) -> tensor<1x4x16x!acc>
  %r1 = qnn.requantize %c1 : tensor<1x4x16x!acc> -> tensor<1x4x16x!a>
  %c2 = qnn.conv %r1, %w2, %b {strides = array<i64: 1>, pads = array<i64: 1, 1>, dilations = array<i64: 1>}
      : (tensor<1x4x16x!a>, tensor<4x4x3x!w>, tensor<4x!acc>) -> tensor<1x4x16x!acc>
  %r2 = qnn.requantize %c2 : tensor<1x4x16x!acc> -> tensor<1x4x16x!a>
  return %r2 : tensor<1x4x16x!a>
}

// -----

!a = !quant.uniform<u4:f32, 0.0625>
!w = !quant.uniform<i4:f32, 0.125>
!acc = !quant.uniform<i32:f32, 0.0078125>

// The same integers under different weight scales are different weights.
!w2 = !quant.uniform<i4:f32, 0.25>
!acc2 = !quant.uniform<i32:f32, 0.015625>
// CHECK-LABEL: func.func @equal_contents_different_types
// CHECK-NOT: qnn.recurrent_conv
// CHECK-COUNT-2: qnn.conv
func.func @equal_contents_different_types(%x: tensor<1x4x16x!a>) -> tensor<1x4x16x!a> {
  %w0 = qnn.constant dense<[[[1, 0, -1], [2, 1, 0], [0, 0, 1], [-1, 1, 1]], [[0, 1, 0], [1, -2, 1], [3, 0, 0], [0, 0, -1]], [[-1, -1, 2], [0, 1, 1], [1, 0, 0], [2, -3, 1]], [[1, 1, 1], [0, 0, 0], [-1, 2, -1], [1, 0, 2]]]> : tensor<4x4x3xi4> : tensor<4x4x3x!w>
  %w1 = qnn.constant dense<[[[1, 0, -1], [2, 1, 0], [0, 0, 1], [-1, 1, 1]], [[0, 1, 0], [1, -2, 1], [3, 0, 0], [0, 0, -1]], [[-1, -1, 2], [0, 1, 1], [1, 0, 0], [2, -3, 1]], [[1, 1, 1], [0, 0, 0], [-1, 2, -1], [1, 0, 2]]]> : tensor<4x4x3xi4> : tensor<4x4x3x!w2>
  %c0 = qnn.conv %x, %w0 {strides = array<i64: 1>, pads = array<i64: 1, 1>, dilations = array<i64: 1>}
      : (tensor<1x4x16x!a>, tensor<4x4x3x!w>) -> tensor<1x4x16x!acc>
  %r0 = qnn.requantize %c0 : tensor<1x4x16x!acc> -> tensor<1x4x16x!a>
  %c1 = qnn.conv %r0, %w1 {strides = array<i64: 1>, pads = array<i64: 1, 1>, dilations = array<i64: 1>}
      : (tensor<1x4x16x!a>, tensor<4x4x3x!w2>) -> tensor<1x4x16x!acc2>
  %r1 = qnn.requantize %c1 : tensor<1x4x16x!acc2> -> tensor<1x4x16x!a>
  return %r1 : tensor<1x4x16x!a>
}

// -----

!a = !quant.uniform<u4:f32, 0.0625>
!w = !quant.uniform<i4:f32, 0.125>
!acc = !quant.uniform<i32:f32, 0.0078125>

// Block 3 reads other weights: blocks 1-2 fold, 3 and 4 stay single convs.
// CHECK-LABEL: func.func @different_weights
// CHECK-SAME: (%[[X:.*]]: tensor<{{.*}}>, %[[W:.*]]: tensor<{{.*}}>, %[[V:.*]]: tensor<{{.*}}>, %[[B:.*]]: tensor<{{.*}}>)
// CHECK-NEXT: %[[R:.*]] = qnn.recurrent_conv %[[X]], %[[W]], %[[B]] {{.*}}iterations = 2
// CHECK-NEXT: qnn.conv %[[R]], %[[V]], %[[B]]
// CHECK-NEXT: qnn.requantize
// CHECK-NEXT: qnn.conv %{{.*}}, %[[W]], %[[B]]
// CHECK-NOT: qnn.recurrent_conv
// MIN1-LABEL: func.func @different_weights
// MIN1-COUNT-3: qnn.recurrent_conv
// MIN1-NOT: qnn.conv
func.func @different_weights(%x: tensor<1x4x16x!a>, %w: tensor<4x4x3x!w>, %v: tensor<4x4x3x!w>, %b: tensor<4x!acc>) -> tensor<1x4x16x!a> {
  %c0 = qnn.conv %x, %w, %b {strides = array<i64: 1>, pads = array<i64: 1, 1>, dilations = array<i64: 1>}
      : (tensor<1x4x16x!a>, tensor<4x4x3x!w>, tensor<4x!acc>) -> tensor<1x4x16x!acc>
  %r0 = qnn.requantize %c0 : tensor<1x4x16x!acc> -> tensor<1x4x16x!a>
  %c1 = qnn.conv %r0, %w, %b {strides = array<i64: 1>, pads = array<i64: 1, 1>, dilations = array<i64: 1>}
      : (tensor<1x4x16x!a>, tensor<4x4x3x!w>, tensor<4x!acc>) -> tensor<1x4x16x!acc>
  %r1 = qnn.requantize %c1 : tensor<1x4x16x!acc> -> tensor<1x4x16x!a>
  %c2 = qnn.conv %r1, %v, %b {strides = array<i64: 1>, pads = array<i64: 1, 1>, dilations = array<i64: 1>}
      : (tensor<1x4x16x!a>, tensor<4x4x3x!w>, tensor<4x!acc>) -> tensor<1x4x16x!acc>
  %r2 = qnn.requantize %c2 : tensor<1x4x16x!acc> -> tensor<1x4x16x!a>
  %c3 = qnn.conv %r2, %w, %b {strides = array<i64: 1>, pads = array<i64: 1, 1>, dilations = array<i64: 1>}
      : (tensor<1x4x16x!a>, tensor<4x4x3x!w>, tensor<4x!acc>) -> tensor<1x4x16x!acc>
  %r3 = qnn.requantize %c3 : tensor<1x4x16x!acc> -> tensor<1x4x16x!a>
  return %r3 : tensor<1x4x16x!a>
}

// -----

!a = !quant.uniform<u4:f32, 0.0625>
!w = !quant.uniform<i4:f32, 0.125>
!acc = !quant.uniform<i32:f32, 0.0078125>

// Same weights, different bias constants: no fold.
// CHECK-LABEL: func.func @different_bias
// CHECK-NOT: qnn.recurrent_conv
func.func @different_bias(%x: tensor<1x4x16x!a>, %w: tensor<4x4x3x!w>) -> tensor<1x4x16x!a> {
  %b = qnn.constant dense<[1, -2, 3, 0]> : tensor<4xi32> : tensor<4x!acc>
  %b2 = qnn.constant dense<[1, -2, 3, 1]> : tensor<4xi32> : tensor<4x!acc>
  %c0 = qnn.conv %x, %w, %b2 {strides = array<i64: 1>, pads = array<i64: 1, 1>, dilations = array<i64: 1>}
      : (tensor<1x4x16x!a>, tensor<4x4x3x!w>, tensor<4x!acc>) -> tensor<1x4x16x!acc>
  %r0 = qnn.requantize %c0 : tensor<1x4x16x!acc> -> tensor<1x4x16x!a>
  %c1 = qnn.conv %r0, %w, %b {strides = array<i64: 1>, pads = array<i64: 1, 1>, dilations = array<i64: 1>}
      : (tensor<1x4x16x!a>, tensor<4x4x3x!w>, tensor<4x!acc>) -> tensor<1x4x16x!acc>
  %r1 = qnn.requantize %c1 : tensor<1x4x16x!acc> -> tensor<1x4x16x!a>
  return %r1 : tensor<1x4x16x!a>
}

// -----

!a = !quant.uniform<u4:f32, 0.0625>
!w = !quant.uniform<i4:f32, 0.125>
!acc = !quant.uniform<i32:f32, 0.0078125>

// Block 2 writes another activation scale (2x), so neither it nor block 3
// requantizes to its own input type, and blocks 1 and 4 are not adjacent:
// nothing folds, even with min-length=1 (except blocks 1 and 4 alone).
!a2 = !quant.uniform<u4:f32, 0.125>
!acc2 = !quant.uniform<i32:f32, 0.015625>
// CHECK-LABEL: func.func @different_activation_scale
// CHECK-NOT: qnn.recurrent_conv
// CHECK-COUNT-4: qnn.conv
// MIN1-LABEL: func.func @different_activation_scale
// MIN1: qnn.recurrent_conv {{.*}}iterations = 1
// MIN1: qnn.conv
// MIN1: qnn.conv
// MIN1: qnn.recurrent_conv {{.*}}iterations = 1
func.func @different_activation_scale(%x: tensor<1x4x16x!a>, %w: tensor<4x4x3x!w>, %b: tensor<4x!acc>, %b2: tensor<4x!acc2>) -> tensor<1x4x16x!a> {
  %c0 = qnn.conv %x, %w, %b {strides = array<i64: 1>, pads = array<i64: 1, 1>, dilations = array<i64: 1>}
      : (tensor<1x4x16x!a>, tensor<4x4x3x!w>, tensor<4x!acc>) -> tensor<1x4x16x!acc>
  %r0 = qnn.requantize %c0 : tensor<1x4x16x!acc> -> tensor<1x4x16x!a>
  %c1 = qnn.conv %r0, %w, %b {strides = array<i64: 1>, pads = array<i64: 1, 1>, dilations = array<i64: 1>}
      : (tensor<1x4x16x!a>, tensor<4x4x3x!w>, tensor<4x!acc>) -> tensor<1x4x16x!acc>
  %r1 = qnn.requantize %c1 : tensor<1x4x16x!acc> -> tensor<1x4x16x!a2>
  %c2 = qnn.conv %r1, %w, %b2 {strides = array<i64: 1>, pads = array<i64: 1, 1>, dilations = array<i64: 1>}
      : (tensor<1x4x16x!a2>, tensor<4x4x3x!w>, tensor<4x!acc2>) -> tensor<1x4x16x!acc2>
  %r2 = qnn.requantize %c2 : tensor<1x4x16x!acc2> -> tensor<1x4x16x!a>
  %c3 = qnn.conv %r2, %w, %b {strides = array<i64: 1>, pads = array<i64: 1, 1>, dilations = array<i64: 1>}
      : (tensor<1x4x16x!a>, tensor<4x4x3x!w>, tensor<4x!acc>) -> tensor<1x4x16x!acc>
  %r3 = qnn.requantize %c3 : tensor<1x4x16x!acc> -> tensor<1x4x16x!a>
  return %r3 : tensor<1x4x16x!a>
}

// -----

!a = !quant.uniform<u4:f32, 0.0625>
!w = !quant.uniform<i4:f32, 0.125>
!acc = !quant.uniform<i32:f32, 0.0078125>

// C -> 2C convs do not recur; the 8 -> 8 conv after it is a block of its own.
// CHECK-LABEL: func.func @channels_change
// CHECK-NOT: qnn.recurrent_conv
// MIN1-LABEL: func.func @channels_change
// MIN1: qnn.conv {{.*}} -> tensor<1x8x16x
// MIN1: qnn.recurrent_conv {{.*}}iterations = 1{{.*}} -> tensor<1x8x16x
func.func @channels_change(%x: tensor<1x4x16x!a>, %w: tensor<8x4x3x!w>, %v: tensor<8x8x3x!w>) -> tensor<1x8x16x!a> {
  %c0 = qnn.conv %x, %w {strides = array<i64: 1>, pads = array<i64: 1, 1>, dilations = array<i64: 1>}
      : (tensor<1x4x16x!a>, tensor<8x4x3x!w>) -> tensor<1x8x16x!acc>
  %r0 = qnn.requantize %c0 : tensor<1x8x16x!acc> -> tensor<1x8x16x!a>
  %c1 = qnn.conv %r0, %v {strides = array<i64: 1>, pads = array<i64: 1, 1>, dilations = array<i64: 1>}
      : (tensor<1x8x16x!a>, tensor<8x8x3x!w>) -> tensor<1x8x16x!acc>
  %r1 = qnn.requantize %c1 : tensor<1x8x16x!acc> -> tensor<1x8x16x!a>
  return %r1 : tensor<1x8x16x!a>
}

// -----

!a = !quant.uniform<u4:f32, 0.0625>
!w = !quant.uniform<i4:f32, 0.125>
!acc = !quant.uniform<i32:f32, 0.0078125>

// Block 2's output is also a function result: a chain may end there but not
// run through it (2 + 2 iterations).
// CHECK-LABEL: func.func @branch
// CHECK-SAME: (%[[X:.*]]: tensor<{{.*}}>, %[[W:.*]]: tensor<{{.*}}>, %[[B:.*]]: tensor<{{.*}}>)
// CHECK-NEXT: %[[M:.*]] = qnn.recurrent_conv %[[X]], %[[W]], %[[B]] {{.*}}iterations = 2{{.*}} -> tensor<1x4x8x
// CHECK-NEXT: %[[R:.*]] = qnn.recurrent_conv %[[M]], %[[W]], %[[B]] {{.*}}iterations = 2{{.*}} -> tensor<1x4x2x
// CHECK-NEXT: return %[[R]], %[[M]]
func.func @branch(%x: tensor<1x4x32x!a>, %w: tensor<4x4x3x!w>, %b: tensor<4x!acc>) -> (tensor<1x4x2x!a>, tensor<1x4x8x!a>) {
  %c0 = qnn.conv %x, %w, %b {strides = array<i64: 1>, pads = array<i64: 1, 1>, dilations = array<i64: 1>}
      : (tensor<1x4x32x!a>, tensor<4x4x3x!w>, tensor<4x!acc>) -> tensor<1x4x32x!acc>
  %r0 = qnn.requantize %c0 : tensor<1x4x32x!acc> -> tensor<1x4x32x!a>
  %p0 = qnn.maxpool %r0 {kernel = array<i64: 2>, strides = array<i64: 2>, pads = array<i64: 0, 0>, dilations = array<i64: 1>}
      : tensor<1x4x32x!a> -> tensor<1x4x16x!a>
  %c1 = qnn.conv %p0, %w, %b {strides = array<i64: 1>, pads = array<i64: 1, 1>, dilations = array<i64: 1>}
      : (tensor<1x4x16x!a>, tensor<4x4x3x!w>, tensor<4x!acc>) -> tensor<1x4x16x!acc>
  %r1 = qnn.requantize %c1 : tensor<1x4x16x!acc> -> tensor<1x4x16x!a>
  %p1 = qnn.maxpool %r1 {kernel = array<i64: 2>, strides = array<i64: 2>, pads = array<i64: 0, 0>, dilations = array<i64: 1>}
      : tensor<1x4x16x!a> -> tensor<1x4x8x!a>
  %c2 = qnn.conv %p1, %w, %b {strides = array<i64: 1>, pads = array<i64: 1, 1>, dilations = array<i64: 1>}
      : (tensor<1x4x8x!a>, tensor<4x4x3x!w>, tensor<4x!acc>) -> tensor<1x4x8x!acc>
  %r2 = qnn.requantize %c2 : tensor<1x4x8x!acc> -> tensor<1x4x8x!a>
  %p2 = qnn.maxpool %r2 {kernel = array<i64: 2>, strides = array<i64: 2>, pads = array<i64: 0, 0>, dilations = array<i64: 1>}
      : tensor<1x4x8x!a> -> tensor<1x4x4x!a>
  %c3 = qnn.conv %p2, %w, %b {strides = array<i64: 1>, pads = array<i64: 1, 1>, dilations = array<i64: 1>}
      : (tensor<1x4x4x!a>, tensor<4x4x3x!w>, tensor<4x!acc>) -> tensor<1x4x4x!acc>
  %r3 = qnn.requantize %c3 : tensor<1x4x4x!acc> -> tensor<1x4x4x!a>
  %p3 = qnn.maxpool %r3 {kernel = array<i64: 2>, strides = array<i64: 2>, pads = array<i64: 0, 0>, dilations = array<i64: 1>}
      : tensor<1x4x4x!a> -> tensor<1x4x2x!a>
  return %p3, %p1 : tensor<1x4x2x!a>, tensor<1x4x8x!a>
}

// -----

!a = !quant.uniform<u4:f32, 0.0625>
!w = !quant.uniform<i4:f32, 0.125>
!acc = !quant.uniform<i32:f32, 0.0078125>

// Stride 2 shrinks 32 -> 16 -> 8 -> 4 without pooling. min-length=4 leaves
// the three blocks alone.
// CHECK-LABEL: func.func @strided
// CHECK: qnn.recurrent_conv {{.*}}iterations = 3 : i64, pads = array<i64: 1, 1>, strides = array<i64: 2>}{{.*}} -> tensor<1x4x4x
// MIN4-LABEL: func.func @strided
// MIN4-NOT: qnn.recurrent_conv
func.func @strided(%x: tensor<1x4x32x!a>, %w: tensor<4x4x3x!w>, %b: tensor<4x!acc>) -> tensor<1x4x4x!a> {
  %c0 = qnn.conv %x, %w, %b {strides = array<i64: 2>, pads = array<i64: 1, 1>, dilations = array<i64: 1>}
      : (tensor<1x4x32x!a>, tensor<4x4x3x!w>, tensor<4x!acc>) -> tensor<1x4x16x!acc>
  %r0 = qnn.requantize %c0 : tensor<1x4x16x!acc> -> tensor<1x4x16x!a>
  %c1 = qnn.conv %r0, %w, %b {strides = array<i64: 2>, pads = array<i64: 1, 1>, dilations = array<i64: 1>}
      : (tensor<1x4x16x!a>, tensor<4x4x3x!w>, tensor<4x!acc>) -> tensor<1x4x8x!acc>
  %r1 = qnn.requantize %c1 : tensor<1x4x8x!acc> -> tensor<1x4x8x!a>
  %c2 = qnn.conv %r1, %w, %b {strides = array<i64: 2>, pads = array<i64: 1, 1>, dilations = array<i64: 1>}
      : (tensor<1x4x8x!a>, tensor<4x4x3x!w>, tensor<4x!acc>) -> tensor<1x4x4x!acc>
  %r2 = qnn.requantize %c2 : tensor<1x4x4x!acc> -> tensor<1x4x4x!a>
  return %r2 : tensor<1x4x4x!a>
}

// -----

!a = !quant.uniform<u4:f32, 0.0625>
!w = !quant.uniform<i4:f32, 0.125>
!acc = !quant.uniform<i32:f32, 0.0078125>

// The input holds the block activation's values in an 8-bit container
// (u8<0:15> = u4): still the same quantization, so the chain folds, with an
// identity requantize into the block's container.
!a8 = !quant.uniform<u8<0:15>:f32, 0.0625>
// CHECK-LABEL: func.func @container
// CHECK-SAME: (%[[X:.*]]: tensor<1x4x16x!quant.uniform<u8<0:15>:f32, 6.250000e-02>>
// CHECK-NEXT: %[[I:.*]] = qnn.requantize %[[X]] {{.*}} -> tensor<1x4x16x!quant.uniform<u4:f32, 6.250000e-02>>
// CHECK-NEXT: qnn.recurrent_conv %[[I]], {{.*}}iterations = 2
func.func @container(%x: tensor<1x4x16x!a8>, %w: tensor<4x4x3x!w>, %b: tensor<4x!acc>) -> tensor<1x4x16x!a> {
  %c0 = qnn.conv %x, %w, %b {strides = array<i64: 1>, pads = array<i64: 1, 1>, dilations = array<i64: 1>}
      : (tensor<1x4x16x!a8>, tensor<4x4x3x!w>, tensor<4x!acc>) -> tensor<1x4x16x!acc>
  %r0 = qnn.requantize %c0 : tensor<1x4x16x!acc> -> tensor<1x4x16x!a>
  %c1 = qnn.conv %r0, %w, %b {strides = array<i64: 1>, pads = array<i64: 1, 1>, dilations = array<i64: 1>}
      : (tensor<1x4x16x!a>, tensor<4x4x3x!w>, tensor<4x!acc>) -> tensor<1x4x16x!acc>
  %r1 = qnn.requantize %c1 : tensor<1x4x16x!acc> -> tensor<1x4x16x!a>
  return %r1 : tensor<1x4x16x!a>
}

// -----

!a = !quant.uniform<u4:f32, 0.0625>
!w = !quant.uniform<i4:f32, 0.125>
!acc = !quant.uniform<i32:f32, 0.0078125>

// Activation scales one float32 ulp apart (0.0625 and 0.0625 * (1 + 2^-23))
// are different: block 1 does not requantize to its own input type, so it
// cannot be a step of a recurrent conv with block 2.
!a1 = !quant.uniform<u4:f32, 0.062500007450580597>
!acc1 = !quant.uniform<i32:f32, 0.0078125009313225746>
// CHECK-LABEL: func.func @scales_one_ulp_apart
// CHECK-NOT: qnn.recurrent_conv
func.func @scales_one_ulp_apart(%x: tensor<1x4x16x!a>, %w: tensor<4x4x3x!w>) -> tensor<1x4x16x!a1> {
  %c0 = qnn.conv %x, %w {strides = array<i64: 1>, pads = array<i64: 1, 1>, dilations = array<i64: 1>}
      : (tensor<1x4x16x!a>, tensor<4x4x3x!w>) -> tensor<1x4x16x!acc>
  %r0 = qnn.requantize %c0 : tensor<1x4x16x!acc> -> tensor<1x4x16x!a1>
  %c1 = qnn.conv %r0, %w {strides = array<i64: 1>, pads = array<i64: 1, 1>, dilations = array<i64: 1>}
      : (tensor<1x4x16x!a1>, tensor<4x4x3x!w>) -> tensor<1x4x16x!acc1>
  %r1 = qnn.requantize %c1 : tensor<1x4x16x!acc1> -> tensor<1x4x16x!a1>
  return %r1 : tensor<1x4x16x!a1>
}
