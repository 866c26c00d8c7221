// A tiny QRCNN-shaped network for the estimates report test
// (report-schedule.test): input [1,1,8] uint8 -> stem conv 1->2 k3 pad 1
// + requantize uint4 + maxpool 2 -> recurrent conv 2->2 k3 pad 1, two
// steps, each + maxpool 2 -> flatten -> dense 2->3 -> float logits.
module {
  func.func @main(%arg0: tensor<1x1x8xf32>) -> tensor<1x3xf32> {
    %w0 = qnn.constant dense<[[[1, -2, 3]], [[-1, 2, 1]]]> : tensor<2x1x3xi4> : tensor<2x1x3x!quant.uniform<i4:f32, 6.250000e-02>>
    %b0 = qnn.constant dense<[5, -3]> : tensor<2xi32> : tensor<2x!quant.uniform<i32:f32, 4.8828125E-4>>
    %w1 = qnn.constant dense<[[[1, 0, -1], [2, 1, 0]], [[0, 3, -2], [1, -1, 1]]]> : tensor<2x2x3xi4> : tensor<2x2x3x!quant.uniform<i4:f32, 6.250000e-02>>
    %b1 = qnn.constant dense<[1, 2]> : tensor<2xi32> : tensor<2x!quant.uniform<i32:f32, 0.001953125>>
    %w2 = qnn.constant dense<[[1, -1], [2, 3], [-4, 1]]> : tensor<3x2xi4> : tensor<3x2x!quant.uniform<i4:f32, 6.250000e-02>>
    %b2 = qnn.constant dense<[0, 1, -1]> : tensor<3xi32> : tensor<3x!quant.uniform<i32:f32, 0.001953125>>
    %0 = qnn.quantize %arg0 : tensor<1x1x8xf32> -> tensor<1x1x8x!quant.uniform<u8:f32, 7.812500e-03:128>>
    %1 = qnn.conv %0, %w0, %b0 {dilations = array<i64: 1>, pads = array<i64: 1, 1>, strides = array<i64: 1>} : (tensor<1x1x8x!quant.uniform<u8:f32, 7.812500e-03:128>>, tensor<2x1x3x!quant.uniform<i4:f32, 6.250000e-02>>, tensor<2x!quant.uniform<i32:f32, 4.8828125E-4>>) -> tensor<1x2x8x!quant.uniform<i32:f32, 4.8828125E-4>>
    %2 = qnn.requantize %1 : tensor<1x2x8x!quant.uniform<i32:f32, 4.8828125E-4>> -> tensor<1x2x8x!quant.uniform<u4:f32, 3.125000e-02>>
    %3 = qnn.maxpool %2 {dilations = array<i64: 1>, kernel = array<i64: 2>, pads = array<i64: 0, 0>, strides = array<i64: 2>} : tensor<1x2x8x!quant.uniform<u4:f32, 3.125000e-02>> -> tensor<1x2x4x!quant.uniform<u4:f32, 3.125000e-02>>
    %4 = qnn.recurrent_conv %3, %w1, %b1 {dilations = array<i64: 1>, iterations = 2 : i64, pads = array<i64: 1, 1>, pool_kernel = array<i64: 2>, pool_strides = array<i64: 2>, strides = array<i64: 1>} : (tensor<1x2x4x!quant.uniform<u4:f32, 3.125000e-02>>, tensor<2x2x3x!quant.uniform<i4:f32, 6.250000e-02>>, tensor<2x!quant.uniform<i32:f32, 0.001953125>>) -> tensor<1x2x1x!quant.uniform<u4:f32, 3.125000e-02>>
    %5 = qnn.reshape %4 : tensor<1x2x1x!quant.uniform<u4:f32, 3.125000e-02>> -> tensor<1x2x!quant.uniform<u4:f32, 3.125000e-02>>
    %6 = qnn.dense %5, %w2, %b2 : (tensor<1x2x!quant.uniform<u4:f32, 3.125000e-02>>, tensor<3x2x!quant.uniform<i4:f32, 6.250000e-02>>, tensor<3x!quant.uniform<i32:f32, 0.001953125>>) -> tensor<1x3x!quant.uniform<i32:f32, 0.001953125>>
    %7 = qnn.dequantize %6 : tensor<1x3x!quant.uniform<i32:f32, 0.001953125>> -> tensor<1x3xf32>
    return %7 : tensor<1x3xf32>
  }
}
