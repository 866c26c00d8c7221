// Quantized max/average pool, add (rescaled to the result), clamp, argmax
// and a per-channel dense with per-axis requantization, computed by hand.
// RUN: %python -c "import struct; open('%t.in','wb').write(struct.pack('<6f', 0.5, -1.0, 0.625, 2.0, -0.375, 1.0))"
// RUN: qrcnnc %s --run %t.in -o %t.out
// RUN: %python -c "import struct; d=open('%t.out','rb').read(); print(' '.join('%g' % x for x in struct.unpack('<%df' % (len(d)//4), d)))" | FileCheck %s

// quantize (s 0.25, z 0): 2 -4 2.5 8 -1.5 4 -> 2 -4 2 8 -2 4 (ties to even).
// max pool k2 s2: 2 8 4. average pool k2 s2 to (s 0.5, z 1): sums -2 10 2,
// M = 0.25 / (2 * 0.5) = 0.25: -0.5 2.5 0.5 -> 0 2 0, +1 -> 1 3 1.
// add to (s 0.75, z -2): 0.25*(2 8 4) + 0.5*(0 2 0) = 0.5 3 1, / 0.75 =
// 0.667 4 1.333 -> 1 4 1, -2 -> -1 2 -1. clamp [0, 10]: 0 2 0,
// dequantized (q + 2) * 0.75: 1.5 3 1.5. argmax of the add: 1.
// dense: x - z = 2 4 2; ch0 w 1 -2 3, b 3: 2-8+6+3 = 3 (s 0.375) -> 1.125;
// ch1 w 4 0 -1, b -5: 8-2-5 = 1 (s 0.1875) -> 0.1875.
// requantize to (s 0.125): M = 3, 1.5: 9, 1.5 -> 2: 1.125 0.25.
// CHECK: 1.5 3 1.5 1 1.125 0.1875 1.125 0.25

!x = !quant.uniform<i8:f32, 0.25>
!avg = !quant.uniform<i8:f32, 0.5:1>
!sum = !quant.uniform<i8:f32, 0.75:-2>
!clamped = !quant.uniform<i8<0:10>:f32, 0.75:-2>
!w = !quant.uniform<i4:f32:0, {0.5, 0.25}>
!bias = !quant.uniform<i32:f32:0, {0.375, 0.1875}>
!acc = !quant.uniform<i32:f32:1, {0.375, 0.1875}>
!out = !quant.uniform<u8:f32, 0.125>
func.func @main(%in: tensor<1x1x6xf32>) -> (tensor<1x1x3xf32>, tensor<1x1x1xi64>, tensor<1x2xf32>, tensor<1x2xf32>) {
  %w = qnn.constant dense<[[1, -2, 3], [4, 0, -1]]> : tensor<2x3xi4> : tensor<2x3x!w>
  %b = qnn.constant dense<[3, -5]> : tensor<2xi32> : tensor<2x!bias>
  %q = qnn.quantize %in : tensor<1x1x6xf32> -> tensor<1x1x6x!x>
  %m = qnn.maxpool %q {kernel = array<i64: 2>, strides = array<i64: 2>, pads = array<i64: 0, 0>, dilations = array<i64: 1>}
      : tensor<1x1x6x!x> -> tensor<1x1x3x!x>
  %a = qnn.avgpool %q {kernel = array<i64: 2>, strides = array<i64: 2>, pads = array<i64: 0, 0>}
      : tensor<1x1x6x!x> -> tensor<1x1x3x!avg>
  %s = qnn.add %m, %a : (tensor<1x1x3x!x>, tensor<1x1x3x!avg>) -> tensor<1x1x3x!sum>
  %c = qnn.clamp %s {min = 0.0 : f64, max = 10.0 : f64} : tensor<1x1x3x!sum> -> tensor<1x1x3x!clamped>
  %dc = qnn.dequantize %c : tensor<1x1x3x!clamped> -> tensor<1x1x3xf32>
  %i = qnn.argmax %s {axis = 2 : i64} : tensor<1x1x3x!sum> -> tensor<1x1x1xi64>
  %f = qnn.reshape %c : tensor<1x1x3x!clamped> -> tensor<1x3x!clamped>
  %d = qnn.dense %f, %w, %b : (tensor<1x3x!clamped>, tensor<2x3x!w>, tensor<2x!bias>) -> tensor<1x2x!acc>
  %dd = qnn.dequantize %d : tensor<1x2x!acc> -> tensor<1x2xf32>
  %r = qnn.requantize %d : tensor<1x2x!acc> -> tensor<1x2x!out>
  %dr = qnn.dequantize %r : tensor<1x2x!out> -> tensor<1x2xf32>
  return %dc, %i, %dd, %dr : tensor<1x1x3xf32>, tensor<1x1x1xi64>, tensor<1x2xf32>, tensor<1x2xf32>
}
