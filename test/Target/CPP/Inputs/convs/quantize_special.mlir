// Quantize -> dequantize: the float entry's quantization alone decides each
// output element (the integer entry only copies), so the harness must match
// the golden model on every special input quantize-special.test feeds it.
// The test substitutes the type !t: u8 with zero point 128 and i8 take the
// i32 path of the rounding, u8 with zero point 0 and i16 the i64 path.
!t = !quant.uniform<u8:f32, 0.01171875:128>

func.func @main(%x: tensor<1x256xf32>) -> tensor<1x256xf32> {
  %q = qnn.quantize %x : tensor<1x256xf32> -> tensor<1x256x!t>
  %y = qnn.dequantize %q : tensor<1x256x!t> -> tensor<1x256xf32>
  return %y : tensor<1x256xf32>
}
