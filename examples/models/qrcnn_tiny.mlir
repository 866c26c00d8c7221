// A tiny QRCNN in qnn IR: uint8 input -> stem conv (1 -> 4 channels,
// uint4 output) -> max pool -> one conv block reused 3 times -> dense ->
// float logits. Hand-written so the foundation can be exercised before the
// ONNX importer exists; the real models come from examples/ecg.
!in = !quant.uniform<u8:f32, 0.0078125:128>
!act = !quant.uniform<u8<0:15>:f32, 0.0625>
!w = !quant.uniform<i4:f32, 0.125>
!acc_stem = !quant.uniform<i32:f32, 0.0009765625>
!acc = !quant.uniform<i32:f32, 0.0078125>

func.func @main(%input: tensor<1x1x32xf32>) -> tensor<1x3xf32> {
  %w_stem = qnn.constant dense<[[[1, 2, 1]], [[-1, 0, 1]], [[3, -2, 1]], [[0, 4, -4]]]> : tensor<4x1x3xi4> : tensor<4x1x3x!w>
  %b_stem = qnn.constant dense<[10, -4, 0, 7]> : tensor<4xi32> : tensor<4x!acc_stem>
  %w_rec = qnn.constant dense<[[[1, 0, -1], [2, 1, 0], [0, 0, 1], [-1, 1, 1]],
                               [[0, 1, 0], [1, -2, 1], [3, 0, 0], [0, 0, -1]],
                               [[-1, -1, 2], [0, 1, 1], [1, 0, 0], [2, -3, 1]],
                               [[1, 1, 1], [0, 0, 0], [-1, 2, -1], [1, 0, 2]]]> : tensor<4x4x3xi4> : tensor<4x4x3x!w>
  %b_rec = qnn.constant dense<[1, -2, 3, 0]> : tensor<4xi32> : tensor<4x!acc>
  %w_fc = qnn.constant dense<[[1, -1, 2, 0, 1, -1, 0, 2],
                              [0, 2, -1, 1, 0, 1, -3, 0],
                              [-1, 0, 0, 2, -2, 1, 1, 1]]> : tensor<3x8xi4> : tensor<3x8x!w>
  %q = qnn.quantize %input : tensor<1x1x32xf32> -> tensor<1x1x32x!in>
  %stem = qnn.conv %q, %w_stem, %b_stem {strides = array<i64: 1>, pads = array<i64: 1, 1>, dilations = array<i64: 1>}
      : (tensor<1x1x32x!in>, tensor<4x1x3x!w>, tensor<4x!acc_stem>) -> tensor<1x4x32x!acc_stem>
  %a0 = qnn.requantize %stem : tensor<1x4x32x!acc_stem> -> tensor<1x4x32x!act>
  %p0 = qnn.maxpool %a0 {kernel = array<i64: 2>, strides = array<i64: 2>, pads = array<i64: 0, 0>, dilations = array<i64: 1>}
      : tensor<1x4x32x!act> -> tensor<1x4x16x!act>
  %r = qnn.recurrent_conv %p0, %w_rec, %b_rec {iterations = 3, strides = array<i64: 1>, pads = array<i64: 1, 1>,
        dilations = array<i64: 1>, pool_kernel = array<i64: 2>, pool_strides = array<i64: 2>}
      : (tensor<1x4x16x!act>, tensor<4x4x3x!w>, tensor<4x!acc>) -> tensor<1x4x2x!act>
  %flat = qnn.reshape %r : tensor<1x4x2x!act> -> tensor<1x8x!act>
  %logits_acc = qnn.dense %flat, %w_fc : (tensor<1x8x!act>, tensor<3x8x!w>) -> tensor<1x3x!acc>
  %logits = qnn.dequantize %logits_acc : tensor<1x3x!acc> -> tensor<1x3xf32>
  return %logits : tensor<1x3xf32>
}
