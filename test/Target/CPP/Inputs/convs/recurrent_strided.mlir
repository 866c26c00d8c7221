// A recurrent conv whose steps shrink by stride 2 and an overlapping pool
// (kernel 3, stride 2), with padding: each step's row length and position
// range differ, computed at run time from the previous step's length.
!in = !quant.uniform<u8:f32, 0.0078125:128>
!act = !quant.uniform<u8<0:15>:f32, 0.0625>
!w = !quant.uniform<i4:f32, 0.125>
!acc_stem = !quant.uniform<i32:f32, 0.0009765625>
!acc = !quant.uniform<i32:f32, 0.0078125>

func.func @main(%x: tensor<1x1x64xf32>) -> tensor<1x3xf32> {
  %w_stem = qnn.constant dense<[[[1, 2, 1]], [[-1, 0, 1]], [[3, -2, 1]]]> : tensor<3x1x3xi4> : tensor<3x1x3x!w>
  %b_stem = qnn.constant dense<[10, -4, 0]> : tensor<3xi32> : tensor<3x!acc_stem>
  %w_rec = qnn.constant dense<[[[1, 0, -1, 2], [2, 1, 0, -3], [0, 0, 1, 1]],
                               [[0, 1, 0, 7], [1, -2, 1, -8], [3, 0, 0, 2]],
                               [[-1, -1, 2, 0], [0, 1, 1, 1], [1, 0, 0, -1]]]> : tensor<3x3x4xi4> : tensor<3x3x4x!w>
  %b_rec = qnn.constant dense<[1, -2, 3]> : tensor<3xi32> : tensor<3x!acc>
  %w_fc = qnn.constant dense<[[1, -1, 2], [0, 2, -1], [-1, 0, 0]]> : tensor<3x3xi4> : tensor<3x3x!w>
  %q = qnn.quantize %x : tensor<1x1x64xf32> -> tensor<1x1x64x!in>
  %stem = qnn.conv %q, %w_stem, %b_stem {strides = array<i64: 1>, pads = array<i64: 1, 1>, dilations = array<i64: 1>}
      : (tensor<1x1x64x!in>, tensor<3x1x3x!w>, tensor<3x!acc_stem>) -> tensor<1x3x64x!acc_stem>
  %a0 = qnn.requantize %stem : tensor<1x3x64x!acc_stem> -> tensor<1x3x64x!act>
  %r = qnn.recurrent_conv %a0, %w_rec, %b_rec {iterations = 2, strides = array<i64: 2>, pads = array<i64: 2, 1>,
        dilations = array<i64: 1>, pool_kernel = array<i64: 3>, pool_strides = array<i64: 2>}
      : (tensor<1x3x64x!act>, tensor<3x3x4x!w>, tensor<3x!acc>) -> tensor<1x3x3x!act>
  %m = qnn.maxpool %r {kernel = array<i64: 3>, strides = array<i64: 3>, pads = array<i64: 0, 0>, dilations = array<i64: 1>}
      : tensor<1x3x3x!act> -> tensor<1x3x1x!act>
  %flat = qnn.reshape %m : tensor<1x3x1x!act> -> tensor<1x3x!act>
  %logits_acc = qnn.dense %flat, %w_fc : (tensor<1x3x!act>, tensor<3x3x!w>) -> tensor<1x3x!acc>
  %logits = qnn.dequantize %logits_acc : tensor<1x3x!acc> -> tensor<1x3xf32>
  return %logits : tensor<1x3xf32>
}
