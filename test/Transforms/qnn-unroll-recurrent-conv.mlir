// RUN: qrcnn-opt %s --qnn-unroll-recurrent-conv | FileCheck %s

!u4 = !quant.uniform<u8<0:15>:f32, 0.0625>
!w4 = !quant.uniform<i4:f32, 0.125>
!acc = !quant.uniform<i32:f32, 0.0078125>

// Three steps with pooling: every conv reads the same weight and bias, and
// the shapes shrink 32 -> 16 -> 8 -> 4.
// CHECK-LABEL: func.func @pooled
// CHECK-SAME: (%[[X:.*]]: tensor<1x4x32x{{.*}}>, %[[W:.*]]: tensor<4x4x5x{{.*}}>, %[[B:.*]]: tensor<4x{{.*}}>)
// CHECK:      %[[C0:.*]] = qnn.conv %[[X]], %[[W]], %[[B]] {{.*}} -> tensor<1x4x32x!quant.uniform<i32:f32, 7.812500e-03>>
// CHECK-NEXT: %[[R0:.*]] = qnn.requantize %[[C0]] {{.*}} -> tensor<1x4x32x!quant.uniform<u8<0:15>:f32, 6.250000e-02>>
// CHECK-NEXT: %[[P0:.*]] = qnn.maxpool %[[R0]] {{.*}} -> tensor<1x4x16x
// CHECK-NEXT: %[[C1:.*]] = qnn.conv %[[P0]], %[[W]], %[[B]] {{.*}} -> tensor<1x4x16x
// CHECK-NEXT: %[[R1:.*]] = qnn.requantize %[[C1]]
// CHECK-NEXT: %[[P1:.*]] = qnn.maxpool %[[R1]] {{.*}} -> tensor<1x4x8x
// CHECK-NEXT: %[[C2:.*]] = qnn.conv %[[P1]], %[[W]], %[[B]]
// CHECK-NEXT: %[[R2:.*]] = qnn.requantize %[[C2]]
// CHECK-NEXT: %[[P2:.*]] = qnn.maxpool %[[R2]] {{.*}} -> tensor<1x4x4x
// CHECK-NEXT: return %[[P2]]
// CHECK-NOT: qnn.recurrent_conv
func.func @pooled(%x: tensor<1x4x32x!u4>, %w: tensor<4x4x5x!w4>, %b: tensor<4x!acc>) -> tensor<1x4x4x!u4> {
  %0 = qnn.recurrent_conv %x, %w, %b {iterations = 3, strides = array<i64: 1>, pads = array<i64: 2, 2>,
        dilations = array<i64: 1>, pool_kernel = array<i64: 2>, pool_strides = array<i64: 2>}
      : (tensor<1x4x32x!u4>, tensor<4x4x5x!w4>, tensor<4x!acc>) -> tensor<1x4x4x!u4>
  return %0 : tensor<1x4x4x!u4>
}

// Without pooling or bias, and the accumulator width carries over.
// CHECK-LABEL: func.func @plain
// CHECK-COUNT-2: qnn.conv %{{.*}}, %{{.*}} {acc_bits = 11 : i64, dilations = array<i64: 1>, pads = array<i64: 2, 2>, strides = array<i64: 1>}
// CHECK-NOT: qnn.maxpool
func.func @plain(%x: tensor<1x4x32x!u4>, %w: tensor<4x4x5x!w4>) -> tensor<1x4x32x!u4> {
  %0 = qnn.recurrent_conv %x, %w {iterations = 2, strides = array<i64: 1>, pads = array<i64: 2, 2>,
        dilations = array<i64: 1>, acc_bits = 11}
      : (tensor<1x4x32x!u4>, tensor<4x4x5x!w4>) -> tensor<1x4x32x!u4>
  return %0 : tensor<1x4x32x!u4>
}

