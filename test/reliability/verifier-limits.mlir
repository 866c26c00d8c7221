// Bounds the qnn verifiers put on numbers that size work and memory
// (issue #8; found by qnn-mlir-fuzzer and the hostile-input table): a
// recurrent conv's step count, and window attributes whose sums and
// products would overflow int64.
// RUN: qrcnn-opt %s -split-input-file -verify-diagnostics

!u4 = !quant.uniform<u8<0:15>:f32, 0.5>
!w = !quant.uniform<i4:f32, 0.25>
// 2^40 steps: getStepShapes() used to build one shape per step (a hang,
// then out of memory) before anything could report it.
func.func @iterations_2pow40(%x: tensor<1x2x8x!u4>, %w: tensor<2x2x3x!w>) -> tensor<1x2x8x!u4> {
  // expected-error @+1 {{'qnn.recurrent_conv' op iterations 1099511627776 is more than the limit of 65536}}
  %r = qnn.recurrent_conv %x, %w {iterations = 1099511627776 : i64, strides = array<i64: 1>, pads = array<i64: 1, 1>, dilations = array<i64: 1>}
      : (tensor<1x2x8x!u4>, tensor<2x2x3x!w>) -> tensor<1x2x8x!u4>
  return %r : tensor<1x2x8x!u4>
}

// -----

!u4 = !quant.uniform<u8<0:15>:f32, 0.5>
!w = !quant.uniform<i4:f32, 0.25>
// The largest accepted count still verifies.
func.func @iterations_limit(%x: tensor<1x2x8x!u4>, %w: tensor<2x2x3x!w>) -> tensor<1x2x8x!u4> {
  %r = qnn.recurrent_conv %x, %w {iterations = 65536 : i64, strides = array<i64: 1>, pads = array<i64: 1, 1>, dilations = array<i64: 1>}
      : (tensor<1x2x8x!u4>, tensor<2x2x3x!w>) -> tensor<1x2x8x!u4>
  return %r : tensor<1x2x8x!u4>
}

// -----

// pads of 2^62 + 2^62 overflowed int64 in the output-size formula
// (undefined behaviour, reported by UBSan).
func.func @pads_2pow62(%x: tensor<1x1x4xf32>, %w: tensor<1x1x1xf32>) -> tensor<1x1x4xf32> {
  // expected-error @+1 {{'qnn.conv' op window sizes, strides, dilations and pads must be <= 2147483648, got 4611686018427387904}}
  %c = qnn.conv %x, %w {strides = array<i64: 1>, pads = array<i64: 4611686018427387904, 4611686018427387904>, dilations = array<i64: 1>}
      : (tensor<1x1x4xf32>, tensor<1x1x1xf32>) -> tensor<1x1x4xf32>
  return %c : tensor<1x1x4xf32>
}

// -----

// dilation * (kernel - 1) overflowed int64 the same way.
func.func @dilation_2pow62(%x: tensor<1x1x4xf32>, %w: tensor<1x1x3xf32>) -> tensor<1x1x4xf32> {
  // expected-error @+1 {{'qnn.conv' op window sizes, strides, dilations and pads must be <= 2147483648, got 4611686018427387904}}
  %c = qnn.conv %x, %w {strides = array<i64: 1>, pads = array<i64: 0, 0>, dilations = array<i64: 4611686018427387904>}
      : (tensor<1x1x4xf32>, tensor<1x1x3xf32>) -> tensor<1x1x4xf32>
  return %c : tensor<1x1x4xf32>
}

// -----

func.func @maxpool_stride_2pow40(%x: tensor<1x1x4xf32>) -> tensor<1x1x1xf32> {
  // expected-error @+1 {{'qnn.maxpool' op window sizes, strides, dilations and pads must be <= 2147483648, got 1099511627776}}
  %p = qnn.maxpool %x {kernel = array<i64: 2>, strides = array<i64: 1099511627776>, pads = array<i64: 0, 0>, dilations = array<i64: 1>}
      : tensor<1x1x4xf32> -> tensor<1x1x1xf32>
  return %p : tensor<1x1x1xf32>
}

// -----

// A denormal scale: targets may flush it to zero.
!tiny = !quant.uniform<i8:f32, 1.0e-40>
func.func @denormal_scale(%x: tensor<4xf32>) -> tensor<4x!tiny> {
  // expected-error @+1 {{'qnn.quantize' op result #0 has scale 1.000000e-40, outside the normal float32 range [1.17549435e-38, 3.40282347e+38]}}
  %q = qnn.quantize %x : tensor<4xf32> -> tensor<4x!tiny>
  return %q : tensor<4x!tiny>
}

// -----

// Requantization multipliers without an exact integer form (2^-160,
// 2^100) used to compile silently and fail only in a backend or --run.
!acc = !quant.uniform<i32:f32, 8.6736173798840355e-19>
!y = !quant.uniform<u8:f32, 1099511627776.0>
func.func @multiplier_underflow(%a: tensor<4x!acc>) -> tensor<4x!y> {
  // expected-error @+1 {{'qnn.requantize' op requantization: requantization multiplier}}
  %y = qnn.requantize %a : tensor<4x!acc> -> tensor<4x!y>
  return %y : tensor<4x!y>
}

// -----

!acc = !quant.uniform<i32:f32, 1.2676506002282294e+30>
!y = !quant.uniform<u8:f32, 1.0>
func.func @multiplier_overflow(%a: tensor<4x!acc>) -> tensor<4x!y> {
  // expected-error @+1 {{overflows: it must stay below 2^31}}
  %y = qnn.requantize %a : tensor<4x!acc> -> tensor<4x!y>
  return %y : tensor<4x!y>
}
