// A 2-D conv (left in the lowering's order by the CPU reordering) and a
// batch of two samples per call.
!in = !quant.uniform<u8:f32, 0.0078125:128>
!w = !quant.uniform<i4:f32, 0.125>
!acc = !quant.uniform<i32:f32, 9.765625E-4>
!out = !quant.uniform<u4:f32, 0.0625>

func.func @main(%x: tensor<2x1x6x5xf32>) -> tensor<2x2x3x5xf32> {
  %w = qnn.constant dense<[[[[1, -2, 3], [0, 4, -1]]], [[[7, 0, -8], [2, 2, 2]]]]> : tensor<2x1x2x3xi4> : tensor<2x1x2x3x!w>
  %b = qnn.constant dense<[20, -30]> : tensor<2xi32> : tensor<2x!acc>
  %q = qnn.quantize %x : tensor<2x1x6x5xf32> -> tensor<2x1x6x5x!in>
  %c = qnn.conv %q, %w, %b {strides = array<i64: 2, 1>, pads = array<i64: 0, 1, 1, 1>, dilations = array<i64: 1, 1>}
      : (tensor<2x1x6x5x!in>, tensor<2x1x2x3x!w>, tensor<2x!acc>) -> tensor<2x2x3x5x!acc>
  %r = qnn.requantize %c : tensor<2x2x3x5x!acc> -> tensor<2x2x3x5x!out>
  %y = qnn.dequantize %r : tensor<2x2x3x5x!out> -> tensor<2x2x3x5xf32>
  return %y : tensor<2x2x3x5xf32>
}
