// A quantized conv and requantization computed by hand (values below), two
// samples: rounding ties of quantize and requantize go to even, out-of-range
// inputs clamp, padding reads the zero point.
// RUN: %python -c "import struct; open('%t.in','wb').write(struct.pack('<8f', 1.0, -0.75, 2.25, 0.25, -6.0, 200.0, 0.74, 0.76))"
// RUN: qrcnnc %s --run %t.in -o %t.out --run-meta %t.meta.json
// RUN: FileCheck %s --check-prefix=META < %t.meta.json
// The step of each output value is the scale it was dequantized from:
// META: "outputs":[{"shape":[1,2,4],"steps":[0.125,0.125,0.125,0.125,0.125,0.125,0.125,0.125]},{"shape":[1,2,4],"steps":[0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5]}],"requant_mode":"exact","samples":2
// What the model costs (docs/golden-model.md, "Resource bounds"), derived
// by hand. Operations per sample: 4 inputs copied in, quantize 4, conv
// (6 padded values + 8 outputs x 3 taps) 30, requantize 8, two dequantizes
// 16, 16 outputs copied out: 78. Bytes (4 per value): argument 4, weights
// 6, bias 2, quantized 4, conv 8 and its padded input 6, requantized 8,
// two dequantized 16, the 16 outputs' steps: 70 values, 280 bytes; no
// int64 accumulators, since the bound |bias| + sum|w| * max|x - z| of each
// channel (4 + 4 * 245, 1 + 5 * 245) fits int32.
// RUN: qrcnnc %s --run %t.in -o %t.out --timing 2>&1 | FileCheck %s --check-prefix=COST
// COST: qrcnnc: --run: 2 samples in {{[0-9.]+}} ms ({{[0-9]+}} samples/s); golden model: 78 operations per sample, 280 bytes of buffers
// RUN: %python -c "import struct; d=open('%t.out','rb').read(); v=struct.unpack('<%df' % (len(d)//4), d); [print(' '.join('%g' % x for x in v[i:i+8])) for i in range(0, len(v), 8)]" | FileCheck %s

// Sample 1. quantize (s 0.5, z 10): x/s = 2, -1.5, 4.5, 0.5 -> 2, -2, 4, 0
// (half to even) -> q = 12, 8, 14, 10; shifted x - z = 2, -2, 4, 0, padded
// 0 [2 -2 4 0] 0.
//   ch0 w = 1 2 -1, b = 4: 0+4+2=6, 2-4-4=-6, -2+8+0=6, 4+0+0=4 -> 10 -2 10 8
//   ch1 w = 0 -3 2, b = -1: -6-4=-10, 6+8=14, -12+0=-12, 0 -> -11 13 -13 -1
// accumulators * 0.125:
// CHECK: 1.25 -0.25 1.25 1 -1.375 1.625 -1.625 -0.125
// requantize M = 0.125 / 0.5 = 0.25: 2.5 -0.5 2.5 2 -> 2 0 2 2, +3 -> 5 3 5 5;
// -2.75 3.25 -3.25 -0.25 -> -3 3 -3 0, +3 -> 0 6 0 3; (q - 3) * 0.5:
// CHECK: 1 0 1 1 -1.5 1.5 -1.5 0
// Sample 2. x/s = -12, 400, 1.48, 1.52 -> q = 0 (clamped), 255 (clamped),
// 11, 12; shifted -10 245 1 2, padded 0 [-10 245 1 2] 0.
//   ch0: -20-245=-265, -10+490-1=479, 245+2-2=245, 1+4=5 -> +4: -261 483 249 9
//   ch1: 30+490=520, -735+2=-733, -3+4=1, -6 -> -1: 519 -734 0 -7
// CHECK: -32.625 60.375 31.125 1.125 64.875 -91.75 0 -0.875
// * 0.25: -65.25 120.75 62.25 2.25 -> -65 121 62 2, +3 -> clamp 0..15: 0 15 15 5
// 129.75 -183.5 0 -1.75 -> 130 -184 0 -2, +3 -> 15 0 3 1
// CHECK: -1.5 6 6 1 6 -1.5 0 -1

!in = !quant.uniform<u8:f32, 0.5:10>
!w = !quant.uniform<i4:f32, 0.25>
!acc = !quant.uniform<i32:f32, 0.125>
!act = !quant.uniform<u8<0:15>:f32, 0.5:3>
func.func @main(%x: tensor<1x1x4xf32>) -> (tensor<1x2x4xf32>, tensor<1x2x4xf32>) {
  %w = qnn.constant dense<[[[1, 2, -1]], [[0, -3, 2]]]> : tensor<2x1x3xi4> : tensor<2x1x3x!w>
  %b = qnn.constant dense<[4, -1]> : tensor<2xi32> : tensor<2x!acc>
  %q = qnn.quantize %x : tensor<1x1x4xf32> -> tensor<1x1x4x!in>
  %c = qnn.conv %q, %w, %b {strides = array<i64: 1>, pads = array<i64: 1, 1>, dilations = array<i64: 1>}
      : (tensor<1x1x4x!in>, tensor<2x1x3x!w>, tensor<2x!acc>) -> tensor<1x2x4x!acc>
  %r = qnn.requantize %c : tensor<1x2x4x!acc> -> tensor<1x2x4x!act>
  %dc = qnn.dequantize %c : tensor<1x2x4x!acc> -> tensor<1x2x4xf32>
  %dr = qnn.dequantize %r : tensor<1x2x4x!act> -> tensor<1x2x4xf32>
  return %dc, %dr : tensor<1x2x4xf32>, tensor<1x2x4xf32>
}
