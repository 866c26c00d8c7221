// RUN: qrcnn-opt %s -split-input-file -verify-diagnostics --qnn-check-size-limits="max-constant-values=30" | FileCheck %s
// RUN: qrcnn-opt %s -split-input-file --qnn-check-size-limits | FileCheck %s --check-prefix=DEFAULT

// 24 + 6 = 30 values: exactly at the limit, the module passes unchanged.
// CHECK-LABEL: func.func @at_limit
// CHECK: qnn.constant {{.*}} : tensor<4x2x3x!quant.uniform<i4:f32, 5.000000e-01>>
// CHECK: qnn.constant {{.*}} : tensor<6xf32>
// DEFAULT-LABEL: func.func @at_limit
func.func @at_limit() -> (tensor<4x2x3x!quant.uniform<i4:f32, 0.5>>, tensor<6xf32>) {
  %w = qnn.constant dense<1> : tensor<4x2x3xi4> : tensor<4x2x3x!quant.uniform<i4:f32, 0.5>>
  %b = qnn.constant dense<[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]> : tensor<6xf32> : tensor<6xf32>
  return %w, %b : tensor<4x2x3x!quant.uniform<i4:f32, 0.5>>, tensor<6xf32>
}

// -----

// 24 + 7 = 31: the second constant crosses the limit and is named. A splat
// counts every value it stands for (the passes after this one visit them).
// DEFAULT-LABEL: func.func @over_limit
func.func @over_limit() -> (tensor<4x2x3x!quant.uniform<i4:f32, 0.5>>, tensor<7xf32>) {
  %w = qnn.constant dense<1> : tensor<4x2x3xi4> : tensor<4x2x3x!quant.uniform<i4:f32, 0.5>>
  // expected-error @+1 {{constant of 7 values brings the model's constants past 30 values, more than any device qrcnn compiles for holds (qnn-check-size-limits)}}
  %b = qnn.constant dense<2.0> : tensor<7xf32> : tensor<7xf32>
  return %w, %b : tensor<4x2x3x!quant.uniform<i4:f32, 0.5>>, tensor<7xf32>
}
