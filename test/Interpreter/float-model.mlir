// A float model runs in float32: clamp, max and average pool, add,
// reshape, dense and argmax, computed by hand.
// RUN: %python -c "import struct; open('%t.in','wb').write(struct.pack('<4f', 1.0, -2.0, 3.0, 0.5))"
// RUN: qrcnnc %s --run %t.in -o %t.out
// RUN: %python -c "import struct; d=open('%t.out','rb').read(); print(' '.join('%g' % x for x in struct.unpack('<%df' % (len(d)//4), d)))" | FileCheck %s

// clamp [-1, 2]: 1 -1 2 0.5; max pool k2 s2: 1 2; average pool k2 s2:
// 0 1.25; add: 1 3.25; dense: 1-3.25 = -2.25, 0.5+1.625+1 = 3.125, 2-1 = 1;
// argmax: 1.
// CHECK: -2.25 3.125 1 1

func.func @main(%x: tensor<1x1x4xf32>) -> (tensor<1x3xf32>, tensor<1x1xi64>) {
  %w = qnn.constant dense<[[1.0, -1.0], [0.5, 0.5], [2.0, 0.0]]> : tensor<3x2xf32> : tensor<3x2xf32>
  %b = qnn.constant dense<[0.0, 1.0, -1.0]> : tensor<3xf32> : tensor<3xf32>
  %c = qnn.clamp %x {min = -1.0 : f64, max = 2.0 : f64} : tensor<1x1x4xf32> -> tensor<1x1x4xf32>
  %m = qnn.maxpool %c {kernel = array<i64: 2>, strides = array<i64: 2>, pads = array<i64: 0, 0>, dilations = array<i64: 1>}
      : tensor<1x1x4xf32> -> tensor<1x1x2xf32>
  %a = qnn.avgpool %c {kernel = array<i64: 2>, strides = array<i64: 2>, pads = array<i64: 0, 0>}
      : tensor<1x1x4xf32> -> tensor<1x1x2xf32>
  %s = qnn.add %m, %a : (tensor<1x1x2xf32>, tensor<1x1x2xf32>) -> tensor<1x1x2xf32>
  %f = qnn.reshape %s : tensor<1x1x2xf32> -> tensor<1x2xf32>
  %y = qnn.dense %f, %w, %b : (tensor<1x2xf32>, tensor<3x2xf32>, tensor<3xf32>) -> tensor<1x3xf32>
  %i = qnn.argmax %y {axis = 1 : i64} : tensor<1x3xf32> -> tensor<1x1xi64>
  return %y, %i : tensor<1x3xf32>, tensor<1x1xi64>
}
