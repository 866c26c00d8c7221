// RUN: qrcnn-opt %s --qnn-lower-to-loops -split-input-file -verify-diagnostics

func.func @float_conv(%x: tensor<1x1x8xf32>, %w: tensor<2x1x3xf32>) -> tensor<1x2x6xf32> {
  // expected-error @+1 {{computes on float tensors; the integer lowering needs a fully quantized network}}
  %y = qnn.conv %x, %w {strides = array<i64: 1>, pads = array<i64: 0, 0>, dilations = array<i64: 1>}
      : (tensor<1x1x8xf32>, tensor<2x1x3xf32>) -> tensor<1x2x6xf32>
  return %y : tensor<1x2x6xf32>
}

// -----

!u8 = !quant.uniform<u8:f32, 0.01:128>
func.func @requantize_through_float(%x: tensor<1x4xf32>) -> tensor<1x4x!u8> {
  %q = qnn.quantize %x : tensor<1x4xf32> -> tensor<1x4x!u8>
  %d = qnn.dequantize %q : tensor<1x4x!u8> -> tensor<1x4xf32>
  // expected-error @+1 {{reads a dequantized (float) value}}
  %r = qnn.quantize %d : tensor<1x4xf32> -> tensor<1x4x!u8>
  return %r : tensor<1x4x!u8>
}

// -----

!u8 = !quant.uniform<u8:f32, 0.01:128>
!i8 = !quant.uniform<i8:f32, 0.02>
// expected-error @+1 {{float argument #0 must be read by exactly one qnn.quantize}}
func.func @two_quantizers(%x: tensor<4xf32>) -> (tensor<4x!u8>, tensor<4x!i8>) {
  %a = qnn.quantize %x : tensor<4xf32> -> tensor<4x!u8>
  %b = qnn.quantize %x : tensor<4xf32> -> tensor<4x!i8>
  return %a, %b : tensor<4x!u8>, tensor<4x!i8>
}

// -----

!u8 = !quant.uniform<u8:f32, 0.01:128>
func.func @float_constant_result(%x: tensor<4xf32>) -> (tensor<4x!u8>, tensor<4xf32>) {
  %a = qnn.quantize %x : tensor<4xf32> -> tensor<4x!u8>
  %c = qnn.constant dense<1.5> : tensor<4xf32> : tensor<4xf32>
  // expected-error @+1 {{float result #1 must come from qnn.dequantize}}
  return %a, %c : tensor<4x!u8>, tensor<4xf32>
}

// -----

func.func @float_argument_returned(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @-1 {{float argument #0 must be read by exactly one qnn.quantize}}
  return %x : tensor<4xf32>
}

// -----

!acc = !quant.uniform<i32:f32:1, {0.5, 0.25, 0.125}>
func.func @argmax_per_axis(%x: tensor<1x3x!acc>) -> tensor<1x1xi64> {
  %d = qnn.dequantize %x : tensor<1x3x!acc> -> tensor<1x3xf32>
  // expected-error @+1 {{argmax over a per-axis dequantized value cannot be computed on stored integers}}
  %i = qnn.argmax %d {axis = 1 : i64} : tensor<1x3xf32> -> tensor<1x1xi64>
  return %i : tensor<1x1xi64>
}

// -----

!a = !quant.uniform<i32:f32, 1.0e-9>
!b = !quant.uniform<i32:f32, 1.0e+3>
!y = !quant.uniform<i8:f32, 0.5>
func.func @add_far_scales(%a: tensor<4x!a>, %b: tensor<4x!b>) -> tensor<4x!y> {
  // expected-error @+1 {{input scales are too far apart for exact 64-bit integer addition}}
  %y = qnn.add %a, %b : (tensor<4x!a>, tensor<4x!b>) -> tensor<4x!y>
  return %y : tensor<4x!y>
}

// -----

!acc = !quant.uniform<i32:f32, 1.0e-12>
!y = !quant.uniform<i8:f32, 1.0>
func.func @multiplier_underflow(%a: tensor<4x!acc>) -> tensor<4x!y> {
  // expected-error @+1 {{underflows}}
  %y = qnn.requantize %a : tensor<4x!acc> -> tensor<4x!y>
  return %y : tensor<4x!y>
}

// -----

func.func @not_qnn(%x: tensor<4xi64>) -> tensor<4xi64> {
  // expected-error @+1 {{cannot be lowered to loops: only qnn ops may appear in a function on qnn tensors}}
  %y = arith.addi %x, %x : tensor<4xi64>
  return %y : tensor<4xi64>
}
