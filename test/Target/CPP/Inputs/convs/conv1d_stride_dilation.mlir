// 1-D conv, stride 2, dilation 2, asymmetric pads [2, 1], uint8 input with
// zero point 128 (padding reads real zero), per-channel int4 weights,
// requantized to uint4 without pooling. Covers the CPU conv reordering's
// position ranges for strides, dilations and both borders.
!in = !quant.uniform<u8:f32, 0.0078125:128>
!w = !quant.uniform<i4:f32:0, {0.125, 0.25, 0.0625}>
!acc = !quant.uniform<i32:f32:1, {9.765625E-4, 0.001953125, 4.8828125E-4}>
!bias = !quant.uniform<i32:f32:0, {9.765625E-4, 0.001953125, 4.8828125E-4}>
!out = !quant.uniform<u4:f32, 0.0625>

func.func @main(%x: tensor<1x2x23xf32>) -> tensor<1x3x11xf32> {
  %w = qnn.constant dense<[[[1, -2, 7], [3, 0, -8]], [[-1, 4, 2], [5, -3, 1]], [[7, 7, -7], [-8, 2, 0]]]> : tensor<3x2x3xi4> : tensor<3x2x3x!w>
  %b = qnn.constant dense<[100, -50, 7]> : tensor<3xi32> : tensor<3x!bias>
  %q = qnn.quantize %x : tensor<1x2x23xf32> -> tensor<1x2x23x!in>
  %c = qnn.conv %q, %w, %b {strides = array<i64: 2>, pads = array<i64: 2, 1>, dilations = array<i64: 2>}
      : (tensor<1x2x23x!in>, tensor<3x2x3x!w>, tensor<3x!bias>) -> tensor<1x3x11x!acc>
  %r = qnn.requantize %c : tensor<1x3x11x!acc> -> tensor<1x3x11x!out>
  %y = qnn.dequantize %r : tensor<1x3x11x!out> -> tensor<1x3x11xf32>
  return %y : tensor<1x3x11xf32>
}
