// A quantized network with an average pool: no hardware in the hls target.
!u8 = !quant.uniform<u8:f32, 0.0078125:128>
module {
  func.func @main(%x: tensor<1x2x8xf32>) -> tensor<1x2x4xf32> {
    %q = qnn.quantize %x : tensor<1x2x8xf32> -> tensor<1x2x8x!u8>
    %p = qnn.avgpool %q {kernel = array<i64: 2>, strides = array<i64: 2>, pads = array<i64: 0, 0>} : tensor<1x2x8x!u8> -> tensor<1x2x4x!u8>
    %y = qnn.dequantize %p : tensor<1x2x4x!u8> -> tensor<1x2x4xf32>
    return %y : tensor<1x2x4xf32>
  }
}
