// Every verifier error of the qnn dialect, one case per split.
// RUN: qrcnn-opt %s -split-input-file -verify-diagnostics

func.func @expressed_type(%x: tensor<2x!quant.uniform<u8:f16, 0.5>>) {
  // expected-error @+1 {{operand #0 must express f32 values}}
  %0 = qnn.dequantize %x : tensor<2x!quant.uniform<u8:f16, 0.5>> -> tensor<2xf32>
  return
}

// -----

func.func @zero_point_outside_storage(%x: tensor<2x!quant.uniform<u4:f32, 0.5:20>>) {
  // expected-error @+1 {{operand #0 has zero point 20 outside its 4-bit storage}}
  %0 = qnn.dequantize %x : tensor<2x!quant.uniform<u4:f32, 0.5:20>> -> tensor<2xf32>
  return
}

// -----

func.func @per_axis_rank(%x: tensor<2xf32>) {
  // expected-error @+1 {{result #0 is quantized along axis 1 but has rank 1}}
  %0 = qnn.quantize %x : tensor<2xf32> -> tensor<2x!quant.uniform<i8:f32:1, {0.5, 0.5}>>
  return
}

// -----

func.func @per_axis_count(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{result #0 has 2 scales for dimension 1 of size 3}}
  %0 = qnn.quantize %x : tensor<2x3xf32> -> tensor<2x3x!quant.uniform<i8:f32:1, {0.5, 0.5}>>
  return
}

// -----

func.func @dynamic_result(%x: tensor<2xf32>) {
  // expected-error @+1 {{result #0 must have a static shape}}
  %0 = qnn.quantize %x : tensor<2xf32> -> tensor<?x!quant.uniform<i8:f32, 0.5>>
  return
}

// -----

func.func @dynamic_operand(%x: tensor<?xf32>) {
  // expected-error @+1 {{operand #0 must have a static shape}}
  %0 = qnn.clamp %x {min = 0.0 : f64, max = 1.0 : f64} : tensor<?xf32> -> tensor<2xf32>
  return
}

// -----

func.func @quantize_shape(%x: tensor<2xf32>) {
  // expected-error @+1 {{input shape 2 differs from result shape 3}}
  %0 = qnn.quantize %x : tensor<2xf32> -> tensor<3x!quant.uniform<i8:f32, 0.5>>
  return
}

// -----

func.func @requantize_per_axis_result(%x: tensor<1x2x!quant.uniform<i32:f32, 0.5>>) {
  // expected-error @+1 {{expects a per-tensor quantized result}}
  %0 = qnn.requantize %x : tensor<1x2x!quant.uniform<i32:f32, 0.5>> -> tensor<1x2x!quant.uniform<u8:f32:1, {0.5, 0.5}>>
  return
}

// -----

func.func @requantize_float(%x: tensor<2xf32>) {
  // expected-error @+1 {{operand #0 must be ranked tensor of uniform quantized type values}}
  %0 = qnn.requantize %x : tensor<2xf32> -> tensor<2x!quant.uniform<u8:f32, 0.5>>
  return
}

// -----

func.func @constant_shape() {
  // expected-error @+1 {{value shape 2 differs from result shape 3}}
  %0 = qnn.constant dense<[1.0, 2.0]> : tensor<2xf32> : tensor<3xf32>
  return
}

// -----

func.func @constant_float_type() {
  // expected-error @+1 {{float constant must hold values of the result's element type}}
  %0 = qnn.constant dense<[1, 2]> : tensor<2xi32> : tensor<2xf32>
  return
}

// -----

func.func @constant_storage_width() {
  // expected-error @+1 {{quantized constant must hold 4-bit integers, got 'i8'}}
  %0 = qnn.constant dense<[1, 2]> : tensor<2xi8> : tensor<2x!quant.uniform<i4:f32, 0.5>>
  return
}

// -----

func.func @constant_out_of_range() {
  // expected-error @+1 {{value 12 lies outside the storage range [0, 7]}}
  %0 = qnn.constant dense<[1, 12]> : tensor<2xui4> : tensor<2x!quant.uniform<u4<0:7>:f32, 0.5>>
  return
}

// -----

func.func @conv_rank(%x: tensor<8xf32>, %w: tensor<1x1x3xf32>) {
  // expected-error @+1 {{expects a rank-3 (NCW) or rank-4 (NCHW) input, got rank 1}}
  %0 = qnn.conv %x, %w {strides = array<i64: 1>, pads = array<i64: 0, 0>, dilations = array<i64: 1>} : (tensor<8xf32>, tensor<1x1x3xf32>) -> tensor<1x1x6xf32>
  return
}

// -----

func.func @conv_weight_rank(%x: tensor<1x1x8xf32>, %w: tensor<1x3xf32>) {
  // expected-error @+1 {{expects weights of rank 3 (out, in/group, kernel...), got rank 2}}
  %0 = qnn.conv %x, %w {strides = array<i64: 1>, pads = array<i64: 0, 0>, dilations = array<i64: 1>} : (tensor<1x1x8xf32>, tensor<1x3xf32>) -> tensor<1x1x6xf32>
  return
}

// -----

func.func @conv_strides_count(%x: tensor<1x1x8xf32>, %w: tensor<1x1x3xf32>) {
  // expected-error @+1 {{expects 1 strides, got 2}}
  %0 = qnn.conv %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0>, dilations = array<i64: 1>} : (tensor<1x1x8xf32>, tensor<1x1x3xf32>) -> tensor<1x1x6xf32>
  return
}

// -----

func.func @conv_dilations_count(%x: tensor<1x1x8xf32>, %w: tensor<1x1x3xf32>) {
  // expected-error @+1 {{expects 1 dilations, got 0}}
  %0 = qnn.conv %x, %w {strides = array<i64: 1>, pads = array<i64: 0, 0>, dilations = array<i64>} : (tensor<1x1x8xf32>, tensor<1x1x3xf32>) -> tensor<1x1x6xf32>
  return
}

// -----

func.func @conv_pads_count(%x: tensor<1x1x8xf32>, %w: tensor<1x1x3xf32>) {
  // expected-error @+1 {{expects 2 pads (all begins, then all ends), got 1}}
  %0 = qnn.conv %x, %w {strides = array<i64: 1>, pads = array<i64: 0>, dilations = array<i64: 1>} : (tensor<1x1x8xf32>, tensor<1x1x3xf32>) -> tensor<1x1x6xf32>
  return
}

// -----

func.func @conv_empty_kernel(%x: tensor<1x1x8xf32>, %w: tensor<1x1x0xf32>) {
  // expected-error @+1 {{kernel sizes must be >= 1, got 0}}
  %0 = qnn.conv %x, %w {strides = array<i64: 1>, pads = array<i64: 0, 0>, dilations = array<i64: 1>} : (tensor<1x1x8xf32>, tensor<1x1x0xf32>) -> tensor<1x1x8xf32>
  return
}

// -----

func.func @conv_stride_zero(%x: tensor<1x1x8xf32>, %w: tensor<1x1x3xf32>) {
  // expected-error @+1 {{strides must be >= 1, got 0}}
  %0 = qnn.conv %x, %w {strides = array<i64: 0>, pads = array<i64: 0, 0>, dilations = array<i64: 1>} : (tensor<1x1x8xf32>, tensor<1x1x3xf32>) -> tensor<1x1x6xf32>
  return
}

// -----

func.func @conv_dilation_zero(%x: tensor<1x1x8xf32>, %w: tensor<1x1x3xf32>) {
  // expected-error @+1 {{dilations must be >= 1, got 0}}
  %0 = qnn.conv %x, %w {strides = array<i64: 1>, pads = array<i64: 0, 0>, dilations = array<i64: 0>} : (tensor<1x1x8xf32>, tensor<1x1x3xf32>) -> tensor<1x1x6xf32>
  return
}

// -----

func.func @conv_negative_pad(%x: tensor<1x1x8xf32>, %w: tensor<1x1x3xf32>) {
  // expected-error @+1 {{pads must be >= 0, got -1}}
  %0 = qnn.conv %x, %w {strides = array<i64: 1>, pads = array<i64: -1, 0>, dilations = array<i64: 1>} : (tensor<1x1x8xf32>, tensor<1x1x3xf32>) -> tensor<1x1x6xf32>
  return
}

// -----

func.func @conv_group(%x: tensor<1x3x8xf32>, %w: tensor<4x1x3xf32>) {
  // expected-error @+1 {{group 2 must divide input channels (3) and output channels (4)}}
  %0 = qnn.conv %x, %w {strides = array<i64: 1>, pads = array<i64: 0, 0>, dilations = array<i64: 1>, group = 2} : (tensor<1x3x8xf32>, tensor<4x1x3xf32>) -> tensor<1x4x6xf32>
  return
}

// -----

func.func @conv_group_zero(%x: tensor<1x2x8xf32>, %w: tensor<4x1x3xf32>) {
  // expected-error @+1 {{attribute 'group' failed to satisfy constraint: 64-bit signless integer attribute whose minimum value is 1}}
  %0 = qnn.conv %x, %w {strides = array<i64: 1>, pads = array<i64: 0, 0>, dilations = array<i64: 1>, group = 0} : (tensor<1x2x8xf32>, tensor<4x1x3xf32>) -> tensor<1x4x6xf32>
  return
}

// -----

func.func @conv_channels(%x: tensor<1x3x8xf32>, %w: tensor<4x2x3xf32>) {
  // expected-error @+1 {{weights expect 2 input channels, the input has 3}}
  %0 = qnn.conv %x, %w {strides = array<i64: 1>, pads = array<i64: 0, 0>, dilations = array<i64: 1>} : (tensor<1x3x8xf32>, tensor<4x2x3xf32>) -> tensor<1x4x6xf32>
  return
}

// -----

func.func @conv_bias_shape(%x: tensor<1x2x8xf32>, %w: tensor<4x2x3xf32>, %b: tensor<3xf32>) {
  // expected-error @+1 {{expects a bias of shape 4, got 3}}
  %0 = qnn.conv %x, %w, %b {strides = array<i64: 1>, pads = array<i64: 0, 0>, dilations = array<i64: 1>} : (tensor<1x2x8xf32>, tensor<4x2x3xf32>, tensor<3xf32>) -> tensor<1x4x6xf32>
  return
}

// -----

func.func @conv_window_too_big(%x: tensor<1x1x2xf32>, %w: tensor<1x1x5xf32>) {
  // expected-error @+1 {{window does not fit the input: some output dimension would be empty}}
  %0 = qnn.conv %x, %w {strides = array<i64: 1>, pads = array<i64: 0, 0>, dilations = array<i64: 1>} : (tensor<1x1x2xf32>, tensor<1x1x5xf32>) -> tensor<1x1x1xf32>
  return
}

// -----

func.func @conv_result_shape(%x: tensor<1x1x8xf32>, %w: tensor<1x1x3xf32>) {
  // expected-error @+1 {{result shape 1x1x8 does not match the computed shape 1x1x6}}
  %0 = qnn.conv %x, %w {strides = array<i64: 1>, pads = array<i64: 0, 0>, dilations = array<i64: 1>} : (tensor<1x1x8xf32>, tensor<1x1x3xf32>) -> tensor<1x1x8xf32>
  return
}

// -----

func.func @conv_mixed(%x: tensor<1x1x8x!quant.uniform<u8:f32, 0.5>>, %w: tensor<1x1x3xf32>) {
  // expected-error @+1 {{input and weights must both be float or both be quantized}}
  %0 = qnn.conv %x, %w {strides = array<i64: 1>, pads = array<i64: 0, 0>, dilations = array<i64: 1>} : (tensor<1x1x8x!quant.uniform<u8:f32, 0.5>>, tensor<1x1x3xf32>) -> tensor<1x1x6xf32>
  return
}

// -----

func.func @conv_float_quant_bias(%x: tensor<1x1x8xf32>, %w: tensor<1x1x3xf32>, %b: tensor<1x!quant.uniform<i32:f32, 0.5>>) {
  // expected-error @+1 {{float input and weights need a float bias and a float result}}
  %0 = qnn.conv %x, %w, %b {strides = array<i64: 1>, pads = array<i64: 0, 0>, dilations = array<i64: 1>} : (tensor<1x1x8xf32>, tensor<1x1x3xf32>, tensor<1x!quant.uniform<i32:f32, 0.5>>) -> tensor<1x1x6xf32>
  return
}

// -----

func.func @conv_per_axis_input(%x: tensor<1x2x8x!quant.uniform<u8:f32:1, {0.5, 0.5}>>, %w: tensor<1x2x3x!quant.uniform<i4:f32, 0.5>>) {
  // expected-error @+1 {{expects a per-tensor quantized input}}
  %0 = qnn.conv %x, %w {strides = array<i64: 1>, pads = array<i64: 0, 0>, dilations = array<i64: 1>} : (tensor<1x2x8x!quant.uniform<u8:f32:1, {0.5, 0.5}>>, tensor<1x2x3x!quant.uniform<i4:f32, 0.5>>) -> tensor<1x1x6x!quant.uniform<i32:f32, 0.25>>
  return
}

// -----

func.func @conv_weight_axis(%x: tensor<1x2x8x!quant.uniform<u8:f32, 0.5>>, %w: tensor<2x2x3x!quant.uniform<i4:f32:1, {0.5, 0.5}>>) {
  // expected-error @+1 {{per-channel weights must be quantized along axis 0 (output channels), got axis 1}}
  %0 = qnn.conv %x, %w {strides = array<i64: 1>, pads = array<i64: 0, 0>, dilations = array<i64: 1>} : (tensor<1x2x8x!quant.uniform<u8:f32, 0.5>>, tensor<2x2x3x!quant.uniform<i4:f32:1, {0.5, 0.5}>>) -> tensor<1x2x6x!quant.uniform<i32:f32, 0.25>>
  return
}

// -----

func.func @conv_weight_zero_point(%x: tensor<1x1x8x!quant.uniform<u8:f32, 0.5>>, %w: tensor<1x1x3x!quant.uniform<i4:f32, 0.5:1>>) {
  // expected-error @+1 {{weights must be symmetric (zero point 0), got zero point 1}}
  %0 = qnn.conv %x, %w {strides = array<i64: 1>, pads = array<i64: 0, 0>, dilations = array<i64: 1>} : (tensor<1x1x8x!quant.uniform<u8:f32, 0.5>>, tensor<1x1x3x!quant.uniform<i4:f32, 0.5:1>>) -> tensor<1x1x6x!quant.uniform<i32:f32, 0.25>>
  return
}

// -----

func.func @conv_float_bias_quant(%x: tensor<1x1x8x!quant.uniform<u8:f32, 0.5>>, %w: tensor<1x1x3x!quant.uniform<i4:f32, 0.5>>, %b: tensor<1xf32>) {
  // expected-error @+1 {{expects a quantized bias with quantized operands}}
  %0 = qnn.conv %x, %w, %b {strides = array<i64: 1>, pads = array<i64: 0, 0>, dilations = array<i64: 1>} : (tensor<1x1x8x!quant.uniform<u8:f32, 0.5>>, tensor<1x1x3x!quant.uniform<i4:f32, 0.5>>, tensor<1xf32>) -> tensor<1x1x6x!quant.uniform<i32:f32, 0.25>>
  return
}

// -----

func.func @conv_bias_width(%x: tensor<1x1x8x!quant.uniform<u8:f32, 0.5>>, %w: tensor<1x1x3x!quant.uniform<i4:f32, 0.5>>, %b: tensor<1x!quant.uniform<i16:f32, 0.25>>) {
  // expected-error @+1 {{expects the bias stored as signed 32-bit integers}}
  %0 = qnn.conv %x, %w, %b {strides = array<i64: 1>, pads = array<i64: 0, 0>, dilations = array<i64: 1>} : (tensor<1x1x8x!quant.uniform<u8:f32, 0.5>>, tensor<1x1x3x!quant.uniform<i4:f32, 0.5>>, tensor<1x!quant.uniform<i16:f32, 0.25>>) -> tensor<1x1x6x!quant.uniform<i32:f32, 0.25>>
  return
}

// -----

func.func @conv_bias_scale(%x: tensor<1x1x8x!quant.uniform<u8:f32, 0.5>>, %w: tensor<1x1x3x!quant.uniform<i4:f32, 0.5>>, %b: tensor<1x!quant.uniform<i32:f32, 0.5>>) {
  // expected-error @+1 {{bias scale 5.000000e-01 of channel 0 must equal input scale times weight scale (2.500000e-01)}}
  %0 = qnn.conv %x, %w, %b {strides = array<i64: 1>, pads = array<i64: 0, 0>, dilations = array<i64: 1>} : (tensor<1x1x8x!quant.uniform<u8:f32, 0.5>>, tensor<1x1x3x!quant.uniform<i4:f32, 0.5>>, tensor<1x!quant.uniform<i32:f32, 0.5>>) -> tensor<1x1x6x!quant.uniform<i32:f32, 0.25>>
  return
}

// -----

func.func @conv_bias_zero_point(%x: tensor<1x1x8x!quant.uniform<u8:f32, 0.5>>, %w: tensor<1x1x3x!quant.uniform<i4:f32, 0.5>>, %b: tensor<1x!quant.uniform<i32:f32, 0.25:3>>) {
  // expected-error @+1 {{expects a bias with zero point 0}}
  %0 = qnn.conv %x, %w, %b {strides = array<i64: 1>, pads = array<i64: 0, 0>, dilations = array<i64: 1>} : (tensor<1x1x8x!quant.uniform<u8:f32, 0.5>>, tensor<1x1x3x!quant.uniform<i4:f32, 0.5>>, tensor<1x!quant.uniform<i32:f32, 0.25:3>>) -> tensor<1x1x6x!quant.uniform<i32:f32, 0.25>>
  return
}

// -----

func.func @conv_result_not_accumulator(%x: tensor<1x1x8x!quant.uniform<u8:f32, 0.5>>, %w: tensor<1x1x3x!quant.uniform<i4:f32, 0.5>>) {
  // expected-error @+1 {{quantized result must be the accumulator type}}
  %0 = qnn.conv %x, %w {strides = array<i64: 1>, pads = array<i64: 0, 0>, dilations = array<i64: 1>} : (tensor<1x1x8x!quant.uniform<u8:f32, 0.5>>, tensor<1x1x3x!quant.uniform<i4:f32, 0.5>>) -> tensor<1x1x6x!quant.uniform<u4:f32, 0.25>>
  return
}

// -----

func.func @conv_acc_bits(%x: tensor<1x1x8x!quant.uniform<u8:f32, 0.5>>, %w: tensor<1x1x3x!quant.uniform<i4:f32, 0.5>>) {
  // expected-error @+1 {{attribute 'acc_bits' failed to satisfy constraint: 64-bit signless integer attribute whose minimum value is 1 whose maximum value is 32}}
  %0 = qnn.conv %x, %w {strides = array<i64: 1>, pads = array<i64: 0, 0>, dilations = array<i64: 1>, acc_bits = 33} : (tensor<1x1x8x!quant.uniform<u8:f32, 0.5>>, tensor<1x1x3x!quant.uniform<i4:f32, 0.5>>) -> tensor<1x1x6x!quant.uniform<i32:f32, 0.25>>
  return
}

// -----

!u4 = !quant.uniform<u8<0:15>:f32, 0.0625>
!w4 = !quant.uniform<i4:f32, 0.125>
func.func @recurrent_weight_rank(%x: tensor<1x4x32x!u4>, %w: tensor<4x4x!w4>) {
  // expected-error @+1 {{expects weights of rank 3, got rank 2}}
  %0 = qnn.recurrent_conv %x, %w {iterations = 2, strides = array<i64: 1>, pads = array<i64: 2, 2>, dilations = array<i64: 1>} : (tensor<1x4x32x!u4>, tensor<4x4x!w4>) -> tensor<1x4x32x!u4>
  return
}

// -----

!u4 = !quant.uniform<u8<0:15>:f32, 0.0625>
!w4 = !quant.uniform<i4:f32, 0.125>
func.func @recurrent_channels(%x: tensor<1x4x32x!u4>, %w: tensor<8x4x5x!w4>) {
  // expected-error @+1 {{a recurrent conv maps C channels to C channels: input has 4, weights are 8x4}}
  %0 = qnn.recurrent_conv %x, %w {iterations = 2, strides = array<i64: 1>, pads = array<i64: 2, 2>, dilations = array<i64: 1>} : (tensor<1x4x32x!u4>, tensor<8x4x5x!w4>) -> tensor<1x8x32x!u4>
  return
}

// -----

!u4 = !quant.uniform<u8<0:15>:f32, 0.0625>
!w4 = !quant.uniform<i4:f32, 0.125>
func.func @recurrent_iterations(%x: tensor<1x4x32x!u4>, %w: tensor<4x4x5x!w4>) {
  // expected-error @+1 {{attribute 'iterations' failed to satisfy constraint: 64-bit signless integer attribute whose minimum value is 1}}
  %0 = qnn.recurrent_conv %x, %w {iterations = 0, strides = array<i64: 1>, pads = array<i64: 2, 2>, dilations = array<i64: 1>} : (tensor<1x4x32x!u4>, tensor<4x4x5x!w4>) -> tensor<1x4x32x!u4>
  return
}

// -----

!u4 = !quant.uniform<u8<0:15>:f32, 0.0625>
!w4 = !quant.uniform<i4:f32, 0.125>
func.func @recurrent_pool_pair(%x: tensor<1x4x32x!u4>, %w: tensor<4x4x5x!w4>) {
  // expected-error @+1 {{pool_kernel and pool_strides go together}}
  %0 = qnn.recurrent_conv %x, %w {iterations = 2, strides = array<i64: 1>, pads = array<i64: 2, 2>, dilations = array<i64: 1>, pool_kernel = array<i64: 2>} : (tensor<1x4x32x!u4>, tensor<4x4x5x!w4>) -> tensor<1x4x8x!u4>
  return
}

// -----

!u4 = !quant.uniform<u8<0:15>:f32, 0.0625>
!w4 = !quant.uniform<i4:f32, 0.125>
func.func @recurrent_pool_stride(%x: tensor<1x4x32x!u4>, %w: tensor<4x4x5x!w4>) {
  // expected-error @+1 {{strides must be >= 1, got 0}}
  %0 = qnn.recurrent_conv %x, %w {iterations = 2, strides = array<i64: 1>, pads = array<i64: 2, 2>, dilations = array<i64: 1>, pool_kernel = array<i64: 2>, pool_strides = array<i64: 0>} : (tensor<1x4x32x!u4>, tensor<4x4x5x!w4>) -> tensor<1x4x8x!u4>
  return
}

// -----

!u4 = !quant.uniform<u8<0:15>:f32, 0.0625>
!w4 = !quant.uniform<i4:f32, 0.125>
func.func @recurrent_type_changes(%x: tensor<1x4x32x!u4>, %w: tensor<4x4x5x!w4>) {
  // expected-error @+1 {{every step feeds the next, so the result type}}
  %0 = qnn.recurrent_conv %x, %w {iterations = 2, strides = array<i64: 1>, pads = array<i64: 2, 2>, dilations = array<i64: 1>} : (tensor<1x4x32x!u4>, tensor<4x4x5x!w4>) -> tensor<1x4x32x!quant.uniform<u8<0:15>:f32, 0.125>>
  return
}

// -----

!u4 = !quant.uniform<u8<0:15>:f32, 0.0625>
!w4 = !quant.uniform<i4:f32, 0.125>
func.func @recurrent_shrinks_to_nothing(%x: tensor<1x4x8x!u4>, %w: tensor<4x4x5x!w4>) {
  // expected-error @+1 {{window does not fit the input}}
  %0 = qnn.recurrent_conv %x, %w {iterations = 4, strides = array<i64: 1>, pads = array<i64: 2, 2>, dilations = array<i64: 1>, pool_kernel = array<i64: 2>, pool_strides = array<i64: 2>} : (tensor<1x4x8x!u4>, tensor<4x4x5x!w4>) -> tensor<1x4x1x!u4>
  return
}

// -----

!u4 = !quant.uniform<u8<0:15>:f32, 0.0625>
!w4 = !quant.uniform<i4:f32, 0.125>
func.func @recurrent_result_shape(%x: tensor<1x4x32x!u4>, %w: tensor<4x4x5x!w4>) {
  // expected-error @+1 {{result shape 1x4x32 does not match the computed shape 1x4x8}}
  %0 = qnn.recurrent_conv %x, %w {iterations = 2, strides = array<i64: 1>, pads = array<i64: 2, 2>, dilations = array<i64: 1>, pool_kernel = array<i64: 2>, pool_strides = array<i64: 2>} : (tensor<1x4x32x!u4>, tensor<4x4x5x!w4>) -> tensor<1x4x32x!u4>
  return
}

// -----

func.func @recurrent_float(%x: tensor<1x4x32xf32>, %w: tensor<4x4x5xf32>) {
  // expected-error @+1 {{operand #0 must be ranked tensor of uniform quantized type values}}
  %0 = qnn.recurrent_conv %x, %w {iterations = 2, strides = array<i64: 1>, pads = array<i64: 2, 2>, dilations = array<i64: 1>} : (tensor<1x4x32xf32>, tensor<4x4x5xf32>) -> tensor<1x4x32xf32>
  return
}

// -----

func.func @dense_rank(%x: tensor<1x2x8xf32>, %w: tensor<2x8xf32>) {
  // expected-error @+1 {{expects a rank-2 input and rank-2 weights [out, in], got ranks 3 and 2}}
  %0 = qnn.dense %x, %w : (tensor<1x2x8xf32>, tensor<2x8xf32>) -> tensor<1x2xf32>
  return
}

// -----

func.func @dense_features(%x: tensor<1x8xf32>, %w: tensor<2x7xf32>) {
  // expected-error @+1 {{input has 8 features, weights expect 7}}
  %0 = qnn.dense %x, %w : (tensor<1x8xf32>, tensor<2x7xf32>) -> tensor<1x2xf32>
  return
}

// -----

func.func @dense_result(%x: tensor<1x8xf32>, %w: tensor<2x8xf32>) {
  // expected-error @+1 {{result shape 1x3 does not match the computed shape 1x2}}
  %0 = qnn.dense %x, %w : (tensor<1x8xf32>, tensor<2x8xf32>) -> tensor<1x3xf32>
  return
}

// -----

func.func @maxpool_kernel_count(%x: tensor<1x2x8xf32>) {
  // expected-error @+1 {{expects 1 kernel sizes, got 2}}
  %0 = qnn.maxpool %x {kernel = array<i64: 2, 2>, strides = array<i64: 2>, pads = array<i64: 0, 0>, dilations = array<i64: 1>} : tensor<1x2x8xf32> -> tensor<1x2x4xf32>
  return
}

// -----

func.func @maxpool_element_type(%x: tensor<1x2x8x!quant.uniform<u8:f32, 0.5>>) {
  // expected-error @+1 {{max pooling keeps the element type: input and result element types must be equal}}
  %0 = qnn.maxpool %x {kernel = array<i64: 2>, strides = array<i64: 2>, pads = array<i64: 0, 0>, dilations = array<i64: 1>} : tensor<1x2x8x!quant.uniform<u8:f32, 0.5>> -> tensor<1x2x4x!quant.uniform<u8:f32, 0.25>>
  return
}

// -----

func.func @maxpool_per_axis(%x: tensor<1x2x8x!quant.uniform<u8:f32:1, {0.5, 0.5}>>) {
  // expected-error @+1 {{expects a per-tensor quantized input}}
  %0 = qnn.maxpool %x {kernel = array<i64: 2>, strides = array<i64: 2>, pads = array<i64: 0, 0>, dilations = array<i64: 1>} : tensor<1x2x8x!quant.uniform<u8:f32:1, {0.5, 0.5}>> -> tensor<1x2x4x!quant.uniform<u8:f32:1, {0.5, 0.5}>>
  return
}

// -----

func.func @avgpool_mixed(%x: tensor<1x2x8x!quant.uniform<u8:f32, 0.5>>) {
  // expected-error @+1 {{input and result must both be float or both be quantized}}
  %0 = qnn.avgpool %x {kernel = array<i64: 2>, strides = array<i64: 2>, pads = array<i64: 0, 0>} : tensor<1x2x8x!quant.uniform<u8:f32, 0.5>> -> tensor<1x2x4xf32>
  return
}

// -----

func.func @avgpool_per_axis(%x: tensor<1x2x8x!quant.uniform<u8:f32:1, {0.5, 0.5}>>) {
  // expected-error @+1 {{expects per-tensor quantization}}
  %0 = qnn.avgpool %x {kernel = array<i64: 2>, strides = array<i64: 2>, pads = array<i64: 0, 0>} : tensor<1x2x8x!quant.uniform<u8:f32:1, {0.5, 0.5}>> -> tensor<1x2x4x!quant.uniform<u8:f32, 0.5>>
  return
}

// -----

func.func @avgpool_shape(%x: tensor<1x2x8xf32>) {
  // expected-error @+1 {{result shape 1x2x8 does not match the computed shape 1x2x4}}
  %0 = qnn.avgpool %x {kernel = array<i64: 2>, strides = array<i64: 2>, pads = array<i64: 0, 0>} : tensor<1x2x8xf32> -> tensor<1x2x8xf32>
  return
}

// -----

func.func @add_mixed(%a: tensor<2xf32>, %b: tensor<2x!quant.uniform<u8:f32, 0.5>>) {
  // expected-error @+1 {{operands and result must all be float or all be quantized}}
  %0 = qnn.add %a, %b : (tensor<2xf32>, tensor<2x!quant.uniform<u8:f32, 0.5>>) -> tensor<2xf32>
  return
}

// -----

func.func @add_per_axis(%a: tensor<1x2x!quant.uniform<u8:f32:1, {0.5, 0.5}>>, %b: tensor<1x2x!quant.uniform<u8:f32, 0.5>>) {
  // expected-error @+1 {{expects per-tensor quantization}}
  %0 = qnn.add %a, %b : (tensor<1x2x!quant.uniform<u8:f32:1, {0.5, 0.5}>>, tensor<1x2x!quant.uniform<u8:f32, 0.5>>) -> tensor<1x2x!quant.uniform<u8:f32, 0.5>>
  return
}

// -----

func.func @add_broadcast(%a: tensor<2x3xf32>, %b: tensor<2xf32>) {
  // expected-error @+1 {{shapes 2x3 and 2 do not broadcast}}
  %0 = qnn.add %a, %b : (tensor<2x3xf32>, tensor<2xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @clamp_order(%x: tensor<2xf32>) {
  // expected-error @+1 {{expects min <= max, got [2.000000e+00, 1.000000e+00]}}
  %0 = qnn.clamp %x {min = 2.0 : f64, max = 1.0 : f64} : tensor<2xf32> -> tensor<2xf32>
  return
}

// -----

func.func @clamp_float_type(%x: tensor<2xf32>) {
  // expected-error @+1 {{input shape 2 differs from result shape 3}}
  %0 = qnn.clamp %x {min = 0.0 : f64, max = 1.0 : f64} : tensor<2xf32> -> tensor<3xf32>
  return
}

// -----

func.func @clamp_float_to_quant(%x: tensor<2xf32>) {
  // expected-error @+1 {{float clamp keeps its type}}
  %0 = qnn.clamp %x {min = 0.0 : f64, max = 1.0 : f64} : tensor<2xf32> -> tensor<2x!quant.uniform<u8:f32, 0.5>>
  return
}

// -----

func.func @clamp_per_axis(%x: tensor<1x2x!quant.uniform<u8:f32:1, {0.5, 0.5}>>) {
  // expected-error @+1 {{expects a per-tensor quantized input}}
  %0 = qnn.clamp %x {min = 0.0 : f64, max = 15.0 : f64} : tensor<1x2x!quant.uniform<u8:f32:1, {0.5, 0.5}>> -> tensor<1x2x!quant.uniform<u8:f32:1, {0.5, 0.5}>>
  return
}

// -----

func.func @clamp_fractional(%x: tensor<2x!quant.uniform<u8:f32, 0.5>>) {
  // expected-error @+1 {{on quantized tensors min and max are stored integers}}
  %0 = qnn.clamp %x {min = 0.5 : f64, max = 15.0 : f64} : tensor<2x!quant.uniform<u8:f32, 0.5>> -> tensor<2x!quant.uniform<u8<0:15>:f32, 0.5>>
  return
}

// -----

func.func @clamp_disjoint(%x: tensor<2x!quant.uniform<u8<0:15>:f32, 0.5>>) {
  // expected-error @+1 {{clamp range does not intersect the storage range}}
  %0 = qnn.clamp %x {min = 20.0 : f64, max = 30.0 : f64} : tensor<2x!quant.uniform<u8<0:15>:f32, 0.5>> -> tensor<2x!quant.uniform<u8<0:15>:f32, 0.5>>
  return
}

// -----

func.func @clamp_single_value(%x: tensor<2x!quant.uniform<u8<0:15>:f32, 0.5>>) {
  // expected-error @+1 {{clamp leaves the single value 5, which no quantized type can hold}}
  %0 = qnn.clamp %x {min = 5.0 : f64, max = 5.0 : f64} : tensor<2x!quant.uniform<u8<0:15>:f32, 0.5>> -> tensor<2x!quant.uniform<u8<0:15>:f32, 0.5>>
  return
}

// -----

func.func @clamp_result_type(%x: tensor<2x!quant.uniform<u8:f32, 0.5>>) {
  // expected-error @+1 {{result element type must be '!quant.uniform<u8<0:15>:f32, 5.000000e-01>' (the input type narrowed to the clamp)}}
  %0 = qnn.clamp %x {min = 0.0 : f64, max = 15.0 : f64} : tensor<2x!quant.uniform<u8:f32, 0.5>> -> tensor<2x!quant.uniform<u8:f32, 0.5>>
  return
}

// -----

func.func @reshape_count(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{cannot reshape 2x3 (6 elements) to 7 (7 elements)}}
  %0 = qnn.reshape %x : tensor<2x3xf32> -> tensor<7xf32>
  return
}

// -----

func.func @reshape_type(%x: tensor<2x!quant.uniform<u8:f32, 0.5>>) {
  // expected-error @+1 {{reshape keeps the element type}}
  %0 = qnn.reshape %x : tensor<2x!quant.uniform<u8:f32, 0.5>> -> tensor<1x2x!quant.uniform<u8:f32, 0.25>>
  return
}

// -----

func.func @reshape_per_axis(%x: tensor<1x2x!quant.uniform<u8:f32:1, {0.5, 0.5}>>) {
  // expected-error @+1 {{per-axis quantized tensors cannot be reshaped}}
  %0 = qnn.reshape %x : tensor<1x2x!quant.uniform<u8:f32:1, {0.5, 0.5}>> -> tensor<1x2x!quant.uniform<u8:f32:1, {0.5, 0.5}>>
  return
}

// -----

func.func @argmax_axis(%x: tensor<1x5xf32>) {
  // expected-error @+1 {{axis 2 is out of range for rank 2}}
  %0 = qnn.argmax %x {axis = 2} : tensor<1x5xf32> -> tensor<1x1xi64>
  return
}

// -----

func.func @argmax_shape(%x: tensor<1x5xf32>) {
  // expected-error @+1 {{result shape 1x1 does not match the computed shape 1}}
  %0 = qnn.argmax %x {axis = 1, keepdims = false} : tensor<1x5xf32> -> tensor<1x1xi64>
  return
}

// -----

func.func @mul_broadcast(%a: tensor<1x4xf32>, %b: tensor<1x5xf32>) {
  // expected-error @+1 {{shapes 1x4 and 1x5 do not broadcast}}
  %0 = qnn.mul %a, %b : (tensor<1x4xf32>, tensor<1x5xf32>) -> tensor<1x4xf32>
  return
}

// -----

func.func @mul_quantized(%a: tensor<1x4x!quant.uniform<u8:f32, 0.5>>, %b: tensor<1x4xf32>) {
  // expected-error @+1 {{operand #0 must be ranked tensor of 32-bit float values}}
  %0 = qnn.mul %a, %b : (tensor<1x4x!quant.uniform<u8:f32, 0.5>>, tensor<1x4xf32>) -> tensor<1x4xf32>
  return
}

// -----

func.func @mul_result_shape(%a: tensor<1x4xf32>, %b: tensor<4xf32>) {
  // expected-error @+1 {{result shape 4x1 does not match the computed shape 1x4}}
  %0 = qnn.mul %a, %b : (tensor<1x4xf32>, tensor<4xf32>) -> tensor<4x1xf32>
  return
}

// -----

func.func @leaky_relu_type(%a: tensor<1x4xf32>) {
  // expected-error @+1 {{result type must equal the input type}}
  %0 = qnn.leaky_relu %a {alpha = 0.1 : f64} : tensor<1x4xf32> -> tensor<4xf32>
  return
}

// -----

func.func @leaky_relu_alpha(%a: tensor<1x4xf32>) {
  // expected-error @+1 {{alpha must be finite}}
  %0 = qnn.leaky_relu %a {alpha = 0x7FF0000000000000 : f64} : tensor<1x4xf32> -> tensor<1x4xf32>
  return
}

// -----

func.func @softmax_axis(%a: tensor<1x4xf32>) {
  // expected-error @+1 {{axis 2 is out of range for rank 2}}
  %0 = qnn.softmax %a {axis = 2} : tensor<1x4xf32> -> tensor<1x4xf32>
  return
}

// -----

func.func @transpose_not_permutation(%a: tensor<1x2x3xf32>) {
  // expected-error @+1 {{perm must be a permutation of 0..rank-1}}
  %0 = qnn.transpose %a {perm = array<i64: 0, 0, 1>} : tensor<1x2x3xf32> -> tensor<1x1x2xf32>
  return
}

// -----

func.func @transpose_rank(%a: tensor<1x2x3xf32>) {
  // expected-error @+1 {{perm has 2 entries for an input of rank 3}}
  %0 = qnn.transpose %a {perm = array<i64: 1, 0>} : tensor<1x2x3xf32> -> tensor<2x1x3xf32>
  return
}

// -----

func.func @transpose_shape(%a: tensor<1x2x3xf32>) {
  // expected-error @+1 {{result shape 3x1x2 does not match the permuted shape 3x2x1}}
  %0 = qnn.transpose %a {perm = array<i64: 2, 1, 0>} : tensor<1x2x3xf32> -> tensor<3x1x2xf32>
  return
}

// -----

func.func @transpose_per_axis(%a: tensor<2x2x!quant.uniform<i8:f32:0, {0.5, 0.25}>>) {
  // expected-error @+1 {{expects a float or per-tensor quantized input}}
  %0 = qnn.transpose %a {perm = array<i64: 1, 0>} : tensor<2x2x!quant.uniform<i8:f32:0, {0.5, 0.25}>> -> tensor<2x2x!quant.uniform<i8:f32:0, {0.5, 0.25}>>
  return
}
