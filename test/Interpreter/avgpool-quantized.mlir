// Quantized average pooling with padding: padding is real zero, the count
// excludes it unless count_include_pad, the average rounds half to even.
// RUN: %python -c "import struct; open('%t.in','wb').write(struct.pack('<3f', 1.0, 4.0, 7.0))"
// RUN: qrcnnc %s --run %t.in -o %t.out
// RUN: %python -c "import struct; d=open('%t.out','rb').read(); print(' '.join('%g' % x for x in struct.unpack('<%df' % (len(d)//4), d)))" | FileCheck %s

// q = x + 2 = 3 6 9, shifted x - z = 1 4 7; windows of 3 with one pad each
// side: [pad 1 4] [1 4 7] [4 7 pad].
// Without the padding in the count: 5/2 = 2.5 -> 2, 12/3 = 4, 11/2 = 5.5 -> 6.
// With it: 5/3 = 1.67 -> 2, 4, 11/3 = 3.67 -> 4.
// CHECK: 2 4 6 2 4 4

!in = !quant.uniform<u8:f32, 1.0:2>
!out = !quant.uniform<i8:f32, 1.0>
func.func @main(%x: tensor<1x1x3xf32>) -> (tensor<1x1x3xf32>, tensor<1x1x3xf32>) {
  %q = qnn.quantize %x : tensor<1x1x3xf32> -> tensor<1x1x3x!in>
  %a = qnn.avgpool %q {kernel = array<i64: 3>, strides = array<i64: 1>, pads = array<i64: 1, 1>}
      : tensor<1x1x3x!in> -> tensor<1x1x3x!out>
  %b = qnn.avgpool %q {kernel = array<i64: 3>, strides = array<i64: 1>, pads = array<i64: 1, 1>, count_include_pad = true}
      : tensor<1x1x3x!in> -> tensor<1x1x3x!out>
  %da = qnn.dequantize %a : tensor<1x1x3x!out> -> tensor<1x1x3xf32>
  %db = qnn.dequantize %b : tensor<1x1x3x!out> -> tensor<1x1x3xf32>
  return %da, %db : tensor<1x1x3xf32>, tensor<1x1x3xf32>
}
