// A model that fails verification is a user error: diagnostic with the
// location, exit code 1.
// RUN: not qrcnnc %s 2>&1 | FileCheck %s
// RUN: qrcnnc %s; test $? -eq 1

// CHECK: invalid-ir.mlir:[[@LINE+2]]:8: error: 'qnn.conv' op weights expect 2 input channels, the input has 3
func.func @main(%x: tensor<1x3x8xf32>, %w: tensor<4x2x3xf32>) -> tensor<1x4x6xf32> {
  %0 = qnn.conv %x, %w {strides = array<i64: 1>, pads = array<i64: 0, 0>, dilations = array<i64: 1>} : (tensor<1x3x8xf32>, tensor<4x2x3xf32>) -> tensor<1x4x6xf32>
  return %0 : tensor<1x4x6xf32>
}
