// Grouped 1-D conv (2 groups, 4 -> 4 channels), pads [1, 1], ReLU'd
// requantization to uint4, fused non-overlapping max pool 3 on an odd
// length (the last position is dropped).
!in = !quant.uniform<u8:f32, 0.015625:64>
!w = !quant.uniform<i4:f32, 0.125>
!acc = !quant.uniform<i32:f32, 0.001953125>
!act = !quant.uniform<u8<0:15>:f32, 0.0625>

func.func @main(%x: tensor<1x4x20xf32>) -> tensor<1x4x6xf32> {
  %w = qnn.constant dense<[[[1, 2, -1], [0, -3, 4]], [[-2, 1, 1], [3, 3, -8]], [[7, -1, 0], [1, 1, 1]], [[-4, 2, 5], [0, 0, -1]]]> : tensor<4x2x3xi4> : tensor<4x2x3x!w>
  %b = qnn.constant dense<[3, -9, 0, 12]> : tensor<4xi32> : tensor<4x!acc>
  %q = qnn.quantize %x : tensor<1x4x20xf32> -> tensor<1x4x20x!in>
  %c = qnn.conv %q, %w, %b {strides = array<i64: 1>, pads = array<i64: 1, 1>, dilations = array<i64: 1>, group = 2 : i64}
      : (tensor<1x4x20x!in>, tensor<4x2x3x!w>, tensor<4x!acc>) -> tensor<1x4x20x!acc>
  %r = qnn.requantize %c : tensor<1x4x20x!acc> -> tensor<1x4x20x!act>
  %p = qnn.maxpool %r {kernel = array<i64: 3>, strides = array<i64: 3>, pads = array<i64: 0, 0>, dilations = array<i64: 1>}
      : tensor<1x4x20x!act> -> tensor<1x4x6x!act>
  %y = qnn.dequantize %p : tensor<1x4x6x!act> -> tensor<1x4x6xf32>
  return %y : tensor<1x4x6xf32>
}
