// The folded recurrent conv (its step loop) and the unrolled layers
// (--no-fold) compute identical bytes, on the tiny QRCNN example and on a
// 2-D recurrent conv with stride, dilation and pooling below.
// RUN: %python -c "import numpy as np; np.random.default_rng(1).uniform(-1.2, 1.2, (500, 32)).astype('<f4').tofile('%t.tiny.in')"
// RUN: qrcnnc %srcroot/examples/models/qrcnn_tiny.mlir --run %t.tiny.in -o %t.tiny.folded
// RUN: qrcnnc %srcroot/examples/models/qrcnn_tiny.mlir --no-fold --run %t.tiny.in -o %t.tiny.unrolled
// RUN: cmp %t.tiny.folded %t.tiny.unrolled
// RUN: %python -c "import os; print(os.path.getsize('%t.tiny.folded'))" | FileCheck %s --check-prefix=SIZE
// 500 samples x 3 logits x 4 bytes:
// SIZE: 6000
// The logits are not all equal (the run does real work):
// RUN: %python -c "import numpy as np; print(len(np.unique(np.fromfile('%t.tiny.folded', '<f4'))) > 10)" | FileCheck %s --check-prefix=VARIED
// VARIED: True
//
// RUN: %python -c "import numpy as np; np.random.default_rng(2).uniform(-1.1, 1.1, (200, 2*9*9)).astype('<f4').tofile('%t.2d.in')"
// RUN: qrcnnc %s --run %t.2d.in -o %t.2d.folded
// RUN: qrcnnc %s --no-fold --run %t.2d.in -o %t.2d.unrolled
// RUN: cmp %t.2d.folded %t.2d.unrolled
// RUN: qrcnnc %s --no-fold -o - | FileCheck %s --check-prefix=UNROLLED
// UNROLLED-COUNT-2: qnn.conv

!in = !quant.uniform<i8:f32, 0.0078125>
!act = !quant.uniform<u8<0:15>:f32, 0.0625:2>
!w = !quant.uniform<i4:f32:0, {0.125, 0.09375}>
!bias = !quant.uniform<i32:f32:0, {0.0078125, 0.005859375}>
!acc0 = !quant.uniform<i32:f32:1, {0.0009765625, 0.000732421875}>
func.func @main(%x: tensor<1x2x9x9xf32>) -> tensor<1x2x3x2xf32> {
  %w0 = qnn.constant dense<[[[[1, -2], [3, 0]], [[0, 1], [-1, 2]]], [[[2, 2], [-3, 1]], [[1, 0], [0, -4]]]]> : tensor<2x2x2x2xi4> : tensor<2x2x2x2x!w>
  %w = qnn.constant dense<[[[[1, -1], [2, 0]], [[-2, 1], [1, 3]]], [[[0, 2], [-1, 1]], [[3, -2], [1, 1]]]]> : tensor<2x2x2x2xi4> : tensor<2x2x2x2x!w>
  %b = qnn.constant dense<[3, -2]> : tensor<2xi32> : tensor<2x!bias>
  %q = qnn.quantize %x : tensor<1x2x9x9xf32> -> tensor<1x2x9x9x!in>
  %c0 = qnn.conv %q, %w0 {strides = array<i64: 1, 1>, pads = array<i64: 1, 0, 0, 1>, dilations = array<i64: 1, 1>}
      : (tensor<1x2x9x9x!in>, tensor<2x2x2x2x!w>) -> tensor<1x2x9x9x!acc0>
  %a0 = qnn.requantize %c0 : tensor<1x2x9x9x!acc0> -> tensor<1x2x9x9x!act>
  // Window span 3 (dilation 2), pads 1, strides 2x1, pool 1x2:
  // step 1: 9x9 -> conv 5x9 -> pool 5x4; step 2: conv 3x4 -> pool 3x2.
  %r = qnn.recurrent_conv %a0, %w, %b {iterations = 2, strides = array<i64: 2, 1>, pads = array<i64: 1, 1, 1, 1>,
        dilations = array<i64: 2, 2>, pool_kernel = array<i64: 1, 2>, pool_strides = array<i64: 1, 2>}
      : (tensor<1x2x9x9x!act>, tensor<2x2x2x2x!w>, tensor<2x!bias>) -> tensor<1x2x3x2x!act>
  %y = qnn.dequantize %r : tensor<1x2x3x2x!act> -> tensor<1x2x3x2xf32>
  return %y : tensor<1x2x3x2xf32>
}
