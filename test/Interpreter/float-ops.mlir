// The float ops the importer adds before quantization is recognized
// (leaky_relu, mul with broadcasting, transpose, softmax) and a quantized
// transpose, computed by hand.
// RUN: %python -c "import struct; open('%t.in','wb').write(struct.pack('<4f', 1.0, -2.0, 3.0, -4.0))"
// RUN: qrcnnc %s --run %t.in -o %t.out
// RUN: %python -c "import struct; d=open('%t.out','rb').read(); print(' '.join('%.6g' % x for x in struct.unpack('<%df' % (len(d)//4), d)))" | FileCheck %s

// x[c][w] = [[1, -2], [3, -4]]; leaky_relu(0.5): [[1, -1], [3, -2]];
// times [2, 0.5] per channel: [[2, -2], [1.5, -1]]; transposed to [w][c]:
// [[2, 1.5], [-2, -1]]; softmax over c: sigmoid(0.5) = 0.622459,
// sigmoid(-0.5) = 0.377541, sigmoid(-1) = 0.268941, sigmoid(1) = 0.731059.
// Quantized (s 0.5): q = 2 -4 6 -8, transposed 2 6 -4 -8, dequantized 1 3 -2 -4.
// CHECK: 2 1.5 -2 -1 0.622459 0.377541 0.268941 0.731059 1 3 -2 -4

!q = !quant.uniform<i8:f32, 0.5>
func.func @main(%x: tensor<1x2x2xf32>) -> (tensor<1x2x2xf32>, tensor<1x2x2xf32>, tensor<1x2x2xf32>) {
  %scale = qnn.constant dense<[[[2.0], [0.5]]]> : tensor<1x2x1xf32> : tensor<1x2x1xf32>
  %l = qnn.leaky_relu %x {alpha = 0.5 : f64} : tensor<1x2x2xf32> -> tensor<1x2x2xf32>
  %m = qnn.mul %l, %scale : (tensor<1x2x2xf32>, tensor<1x2x1xf32>) -> tensor<1x2x2xf32>
  %t = qnn.transpose %m {perm = array<i64: 0, 2, 1>} : tensor<1x2x2xf32> -> tensor<1x2x2xf32>
  %s = qnn.softmax %t {axis = 2 : i64} : tensor<1x2x2xf32> -> tensor<1x2x2xf32>
  %q = qnn.quantize %x : tensor<1x2x2xf32> -> tensor<1x2x2x!q>
  %qt = qnn.transpose %q {perm = array<i64: 0, 2, 1>} : tensor<1x2x2x!q> -> tensor<1x2x2x!q>
  %d = qnn.dequantize %qt : tensor<1x2x2x!q> -> tensor<1x2x2xf32>
  return %t, %s, %d : tensor<1x2x2xf32>, tensor<1x2x2xf32>, tensor<1x2x2xf32>
}
