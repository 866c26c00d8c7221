// Every qnn op survives print -> parse -> print, in the custom and the
// generic form.
// RUN: qrcnn-opt %s | qrcnn-opt | FileCheck %s
// RUN: qrcnn-opt %s --mlir-print-op-generic | qrcnn-opt | FileCheck %s

!u8 = !quant.uniform<u8:f32, 0.0078125:128>
!u4 = !quant.uniform<u8<0:15>:f32, 0.0625>
!a4 = !quant.uniform<u4:f32, 0.0625>
!w4 = !quant.uniform<i4:f32, 0.125>
!w4c = !quant.uniform<i4:f32:0, {0.125, 0.25}>
!acc = !quant.uniform<i32:f32, 0.0009765625>
!accc = !quant.uniform<i32:f32:1, {0.0009765625, 0.001953125}>
!acc4 = !quant.uniform<i32:f32, 0.0078125>

// CHECK-LABEL: func.func @constants
func.func @constants() -> (tensor<2x1x3xf32>, tensor<2x1x3x!w4>, tensor<2x!a4>) {
  // CHECK: qnn.constant dense<{{.*}}> : tensor<2x1x3xf32> : tensor<2x1x3xf32>
  %f = qnn.constant dense<[[[1.0, 2.0, 3.0]], [[4.0, 5.0, 6.0]]]> : tensor<2x1x3xf32> : tensor<2x1x3xf32>
  // CHECK: qnn.constant dense<{{\[\[\[}}-8, 0, 7]], {{\[\[}}1, -1, 3]]]> : tensor<2x1x3xi4> : tensor<2x1x3x!quant.uniform<i4:f32, 1.250000e-01>>
  %w = qnn.constant dense<[[[-8, 0, 7]], [[1, -1, 3]]]> : tensor<2x1x3xi4> : tensor<2x1x3x!w4>
  // CHECK: qnn.constant dense<[0, 15]> : tensor<2xui4> : tensor<2x!quant.uniform<u4:f32, 6.250000e-02>>
  %u = qnn.constant dense<[0, 15]> : tensor<2xui4> : tensor<2x!a4>
  return %f, %w, %u : tensor<2x1x3xf32>, tensor<2x1x3x!w4>, tensor<2x!a4>
}

// CHECK-LABEL: func.func @quantization
func.func @quantization(%x: tensor<1x1x8xf32>, %acc: tensor<1x2x8x!accc>) -> (tensor<1x1x8xf32>, tensor<1x2x8x!u4>) {
  // CHECK: qnn.quantize %{{.*}} : tensor<1x1x8xf32> -> tensor<1x1x8x!quant.uniform<u8:f32, 7.812500e-03:128>>
  %q = qnn.quantize %x : tensor<1x1x8xf32> -> tensor<1x1x8x!u8>
  // CHECK: qnn.dequantize %{{.*}} : tensor<1x1x8x!quant.uniform<u8:f32, 7.812500e-03:128>> -> tensor<1x1x8xf32>
  %d = qnn.dequantize %q : tensor<1x1x8x!u8> -> tensor<1x1x8xf32>
  // CHECK: qnn.requantize %{{.*}} : tensor<1x2x8x!quant.uniform<i32:f32:1, {9.765625E-4,0.001953125}>> -> tensor<1x2x8x!quant.uniform<u8<0:15>:f32, 6.250000e-02>>
  %r = qnn.requantize %acc : tensor<1x2x8x!accc> -> tensor<1x2x8x!u4>
  return %d, %r : tensor<1x1x8xf32>, tensor<1x2x8x!u4>
}

// CHECK-LABEL: func.func @convs
func.func @convs(%x: tensor<1x1x8x!u8>, %w: tensor<2x1x3x!w4>, %wc: tensor<2x1x3x!w4c>,
                 %b: tensor<2x!acc>, %xf: tensor<1x4x6x6xf32>, %wf: tensor<4x2x3x3xf32>,
                 %bf: tensor<4xf32>) -> (tensor<1x2x8x!acc>, tensor<1x2x4x!accc>, tensor<1x4x2x2xf32>) {
  // CHECK: qnn.conv %{{.*}}, %{{.*}}, %{{.*}} {dilations = array<i64: 1>, pads = array<i64: 1, 1>, strides = array<i64: 1>} : (tensor<1x1x8x!quant.uniform<u8:f32, 7.812500e-03:128>>, tensor<2x1x3x!quant.uniform<i4:f32, 1.250000e-01>>, tensor<2x!quant.uniform<i32:f32, 9.765625E-4>>) -> tensor<1x2x8x!quant.uniform<i32:f32, 9.765625E-4>>
  %0 = qnn.conv %x, %w, %b {strides = array<i64: 1>, pads = array<i64: 1, 1>, dilations = array<i64: 1>}
      : (tensor<1x1x8x!u8>, tensor<2x1x3x!w4>, tensor<2x!acc>) -> tensor<1x2x8x!acc>
  // CHECK: qnn.conv %{{.*}}, %{{.*}} {dilations = array<i64: 2>, pads = array<i64: 0, 0>, strides = array<i64: 1>}
  // CHECK-SAME: -> tensor<1x2x4x!quant.uniform<i32:f32:1, {9.765625E-4,0.001953125}>>
  %1 = qnn.conv %x, %wc {strides = array<i64: 1>, pads = array<i64: 0, 0>, dilations = array<i64: 2>}
      : (tensor<1x1x8x!u8>, tensor<2x1x3x!w4c>) -> tensor<1x2x4x!accc>
  // CHECK: qnn.conv %{{.*}}, %{{.*}}, %{{.*}} {acc_bits = 17 : i64, dilations = array<i64: 1, 1>, group = 2 : i64, pads = array<i64: 0, 1, 0, 1>, strides = array<i64: 2, 2>}
  // CHECK-SAME: -> tensor<1x4x2x3xf32>
  %2 = qnn.conv %xf, %wf, %bf {strides = array<i64: 2, 2>, pads = array<i64: 0, 1, 0, 1>, dilations = array<i64: 1, 1>, group = 2, acc_bits = 17}
      : (tensor<1x4x6x6xf32>, tensor<4x2x3x3xf32>, tensor<4xf32>) -> tensor<1x4x2x3xf32>
  %3 = qnn.conv %xf, %wf, %bf {strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 2}
      : (tensor<1x4x6x6xf32>, tensor<4x2x3x3xf32>, tensor<4xf32>) -> tensor<1x4x2x2xf32>
  return %0, %1, %3 : tensor<1x2x8x!acc>, tensor<1x2x4x!accc>, tensor<1x4x2x2xf32>
}

// CHECK-LABEL: func.func @recurrent
func.func @recurrent(%x: tensor<1x4x32x!u4>, %w: tensor<4x4x5x!w4>, %b: tensor<4x!acc4>) -> (tensor<1x4x2x!u4>, tensor<1x4x32x!u4>) {
  // CHECK: qnn.recurrent_conv %{{.*}}, %{{.*}}, %{{.*}} {dilations = array<i64: 1>, iterations = 4 : i64, pads = array<i64: 2, 2>, pool_kernel = array<i64: 2>, pool_strides = array<i64: 2>, strides = array<i64: 1>}
  // CHECK-SAME: -> tensor<1x4x2x!quant.uniform<u8<0:15>:f32, 6.250000e-02>>
  %0 = qnn.recurrent_conv %x, %w, %b {iterations = 4, strides = array<i64: 1>, pads = array<i64: 2, 2>,
        dilations = array<i64: 1>, pool_kernel = array<i64: 2>, pool_strides = array<i64: 2>}
      : (tensor<1x4x32x!u4>, tensor<4x4x5x!w4>, tensor<4x!acc4>) -> tensor<1x4x2x!u4>
  // CHECK: qnn.recurrent_conv %{{.*}}, %{{.*}} {acc_bits = 12 : i64, dilations = array<i64: 1>, iterations = 2 : i64, pads = array<i64: 2, 2>, strides = array<i64: 1>}
  %1 = qnn.recurrent_conv %x, %w {iterations = 2, strides = array<i64: 1>, pads = array<i64: 2, 2>, dilations = array<i64: 1>, acc_bits = 12}
      : (tensor<1x4x32x!u4>, tensor<4x4x5x!w4>) -> tensor<1x4x32x!u4>
  return %0, %1 : tensor<1x4x2x!u4>, tensor<1x4x32x!u4>
}

// CHECK-LABEL: func.func @dense
func.func @dense(%x: tensor<1x8x!u8>, %w: tensor<2x8x!w4c>, %xf: tensor<3x8xf32>, %wf: tensor<2x8xf32>) -> (tensor<1x2x!accc>, tensor<3x2xf32>) {
  // CHECK: qnn.dense %{{.*}}, %{{.*}} : (tensor<1x8x!quant.uniform<u8:f32, 7.812500e-03:128>>, tensor<2x8x!quant.uniform<i4:f32:0, {1.250000e-01,2.500000e-01}>>) -> tensor<1x2x!quant.uniform<i32:f32:1, {9.765625E-4,0.001953125}>>
  %0 = qnn.dense %x, %w : (tensor<1x8x!u8>, tensor<2x8x!w4c>) -> tensor<1x2x!accc>
  // CHECK: qnn.dense %{{.*}}, %{{.*}} : (tensor<3x8xf32>, tensor<2x8xf32>) -> tensor<3x2xf32>
  %1 = qnn.dense %xf, %wf : (tensor<3x8xf32>, tensor<2x8xf32>) -> tensor<3x2xf32>
  return %0, %1 : tensor<1x2x!accc>, tensor<3x2xf32>
}

// CHECK-LABEL: func.func @pools
func.func @pools(%x: tensor<1x2x9x!u4>, %xf: tensor<1x2x6x6xf32>) -> (tensor<1x2x4x!u4>, tensor<1x2x3x3xf32>, tensor<1x2x1x!u8>) {
  // CHECK: qnn.maxpool %{{.*}} {dilations = array<i64: 1>, kernel = array<i64: 2>, pads = array<i64: 0, 0>, strides = array<i64: 2>}
  %0 = qnn.maxpool %x {kernel = array<i64: 2>, strides = array<i64: 2>, pads = array<i64: 0, 0>, dilations = array<i64: 1>} : tensor<1x2x9x!u4> -> tensor<1x2x4x!u4>
  // CHECK: qnn.avgpool %{{.*}} {count_include_pad = true, kernel = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>}
  %1 = qnn.avgpool %xf {kernel = array<i64: 3, 3>, strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>, count_include_pad = true} : tensor<1x2x6x6xf32> -> tensor<1x2x3x3xf32>
  // CHECK: qnn.avgpool %{{.*}} {kernel = array<i64: 9>, pads = array<i64: 0, 0>, strides = array<i64: 1>} : tensor<1x2x9x!quant.uniform<u8<0:15>:f32, 6.250000e-02>> -> tensor<1x2x1x!quant.uniform<u8:f32, 7.812500e-03:128>>
  %2 = qnn.avgpool %x {kernel = array<i64: 9>, strides = array<i64: 1>, pads = array<i64: 0, 0>} : tensor<1x2x9x!u4> -> tensor<1x2x1x!u8>
  return %0, %1, %2 : tensor<1x2x4x!u4>, tensor<1x2x3x3xf32>, tensor<1x2x1x!u8>
}

// CHECK-LABEL: func.func @elementwise
func.func @elementwise(%a: tensor<1x2x8xf32>, %b: tensor<2x1xf32>, %qa: tensor<1x2x8x!u8>, %qb: tensor<1x2x8x!u4>) -> (tensor<1x2x8xf32>, tensor<1x2x8x!u8>, tensor<1x2x8xf32>, tensor<1x2x8x!quant.uniform<u8<128:143>:f32, 0.0078125:128>>) {
  // CHECK: qnn.add %{{.*}}, %{{.*}} : (tensor<1x2x8xf32>, tensor<2x1xf32>) -> tensor<1x2x8xf32>
  %0 = qnn.add %a, %b : (tensor<1x2x8xf32>, tensor<2x1xf32>) -> tensor<1x2x8xf32>
  // CHECK: qnn.add %{{.*}}, %{{.*}} : (tensor<1x2x8x!quant.uniform<u8:f32, 7.812500e-03:128>>, tensor<1x2x8x!quant.uniform<u8<0:15>:f32, 6.250000e-02>>) -> tensor<1x2x8x!quant.uniform<u8:f32, 7.812500e-03:128>>
  %1 = qnn.add %qa, %qb : (tensor<1x2x8x!u8>, tensor<1x2x8x!u4>) -> tensor<1x2x8x!u8>
  // CHECK: qnn.clamp %{{.*}} {max = 6.000000e+00 : f64, min = 0.000000e+00 : f64} : tensor<1x2x8xf32> -> tensor<1x2x8xf32>
  %2 = qnn.clamp %a {min = 0.0 : f64, max = 6.0 : f64} : tensor<1x2x8xf32> -> tensor<1x2x8xf32>
  // CHECK: qnn.clamp %{{.*}} {max = 1.430000e+02 : f64, min = 1.280000e+02 : f64} : tensor<1x2x8x!quant.uniform<u8:f32, 7.812500e-03:128>> -> tensor<1x2x8x!quant.uniform<u8<128:143>:f32, 7.812500e-03:128>>
  %3 = qnn.clamp %qa {min = 128.0 : f64, max = 143.0 : f64} : tensor<1x2x8x!u8> -> tensor<1x2x8x!quant.uniform<u8<128:143>:f32, 0.0078125:128>>
  return %0, %1, %2, %3 : tensor<1x2x8xf32>, tensor<1x2x8x!u8>, tensor<1x2x8xf32>, tensor<1x2x8x!quant.uniform<u8<128:143>:f32, 0.0078125:128>>
}

// CHECK-LABEL: func.func @shapes
func.func @shapes(%x: tensor<1x2x8x!u4>, %l: tensor<1x5xf32>) -> (tensor<1x16x!u4>, tensor<1x1xi64>, tensor<1xi64>) {
  // CHECK: qnn.reshape %{{.*}} : tensor<1x2x8x!quant.uniform<u8<0:15>:f32, 6.250000e-02>> -> tensor<1x16x!quant.uniform<u8<0:15>:f32, 6.250000e-02>>
  %0 = qnn.reshape %x : tensor<1x2x8x!u4> -> tensor<1x16x!u4>
  // CHECK: qnn.argmax %{{.*}} {axis = 1 : i64} : tensor<1x5xf32> -> tensor<1x1xi64>
  %1 = qnn.argmax %l {axis = 1} : tensor<1x5xf32> -> tensor<1x1xi64>
  // CHECK: qnn.argmax %{{.*}} {axis = -1 : i64, keepdims = false} : tensor<1x5xf32> -> tensor<1xi64>
  %2 = qnn.argmax %l {axis = -1, keepdims = false} : tensor<1x5xf32> -> tensor<1xi64>
  return %0, %1, %2 : tensor<1x16x!u4>, tensor<1x1xi64>, tensor<1xi64>
}

// CHECK-LABEL: func.func @import_float_ops
func.func @import_float_ops(%a: tensor<1x2x8xf32>, %c: tensor<2x1xf32>, %q: tensor<1x2x8x!u4>) -> (tensor<1x2x8xf32>, tensor<1x2x8xf32>, tensor<1x2x8xf32>, tensor<1x8x2xf32>, tensor<8x2x1x!u4>) {
  // CHECK: qnn.mul %{{.*}}, %{{.*}} : (tensor<1x2x8xf32>, tensor<2x1xf32>) -> tensor<1x2x8xf32>
  %0 = qnn.mul %a, %c : (tensor<1x2x8xf32>, tensor<2x1xf32>) -> tensor<1x2x8xf32>
  // CHECK: qnn.leaky_relu %{{.*}} {alpha = 1.000000e-01 : f64} : tensor<1x2x8xf32> -> tensor<1x2x8xf32>
  %1 = qnn.leaky_relu %a {alpha = 0.1 : f64} : tensor<1x2x8xf32> -> tensor<1x2x8xf32>
  // CHECK: qnn.softmax %{{.*}} {axis = -1 : i64} : tensor<1x2x8xf32> -> tensor<1x2x8xf32>
  %2 = qnn.softmax %a {axis = -1} : tensor<1x2x8xf32> -> tensor<1x2x8xf32>
  // CHECK: qnn.transpose %{{.*}} {perm = array<i64: 0, 2, 1>} : tensor<1x2x8xf32> -> tensor<1x8x2xf32>
  %3 = qnn.transpose %a {perm = array<i64: 0, 2, 1>} : tensor<1x2x8xf32> -> tensor<1x8x2xf32>
  // CHECK: qnn.transpose %{{.*}} {perm = array<i64: 2, 1, 0>} : tensor<1x2x8x!quant.uniform<u8<0:15>:f32, 6.250000e-02>> -> tensor<8x2x1x!quant.uniform<u8<0:15>:f32, 6.250000e-02>>
  %4 = qnn.transpose %q {perm = array<i64: 2, 1, 0>} : tensor<1x2x8x!u4> -> tensor<8x2x1x!u4>
  return %0, %1, %2, %3, %4 : tensor<1x2x8xf32>, tensor<1x2x8xf32>, tensor<1x2x8xf32>, tensor<1x8x2xf32>, tensor<8x2x1x!u4>
}
