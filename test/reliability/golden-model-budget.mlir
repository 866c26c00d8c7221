// The golden model (`qrcnnc --run`) checks what it will allocate before
// allocating it (issue #8): types that claim 2^40 elements, and a conv
// whose zero-padded input is huge although its tensors are small, are
// diagnostics naming the op, not std::bad_alloc; a model whose input has
// no elements is refused instead of dividing by zero.
// RUN: split-file %s %t
// RUN: %python -c "import struct; open('%t/one.f32','wb').write(struct.pack('<4f', 1, 2, 3, 4))"
// RUN: not qrcnnc %t/huge-input.mlir --run %t/one.f32 -o %t/out.f32 2>&1 | FileCheck %s --check-prefix=HUGE
// HUGE: error: 'func.func' op the golden model's buffers would exceed 268435456 values: argument #0 has shape 1x1099511627776 (1099511627776 values)
// HUGE-NOT: error
// RUN: not qrcnnc %t/overflow.mlir --run %t/one.f32 -o %t/out.f32 2>&1 | FileCheck %s --check-prefix=OVERFLOW
// OVERFLOW: error: 'qnn.constant' op the golden model's buffers would exceed 268435456 values: a result has shape 4294967296x4294967296x16 (more than 2^63 values)
// RUN: not qrcnnc %t/padded.mlir --run %t/one.f32 -o %t/out.f32 2>&1 | FileCheck %s --check-prefix=PADDED
// PADDED: error: 'qnn.conv' op the golden model's buffers would exceed 268435456 values: the padded input has shape 1x1x2147483652 (2147483652 values)
// RUN: : > %t/empty.f32
// An empty input file is zero samples: an empty output (it used to pass a
// null pointer to memcpy, which UBSan reports).
// RUN: rm -f %t/empty-out.f32
// RUN: qrcnnc %t/four.mlir --run %t/empty.f32 -o %t/empty-out.f32
// RUN: test -f %t/empty-out.f32 && test ! -s %t/empty-out.f32
// RUN: not qrcnnc %t/empty-input.mlir --run %t/empty.f32 -o %t/out.f32 2>&1 | FileCheck %s --check-prefix=EMPTY
// EMPTY: qrcnnc: error: --run needs a model whose input has at least one element

//--- huge-input.mlir
func.func @main(%x: tensor<1x1099511627776xf32>) -> tensor<1x1099511627776xf32> {
  return %x : tensor<1x1099511627776xf32>
}

//--- overflow.mlir
!q = !quant.uniform<i8:f32, 0.5>
func.func @main(%x: tensor<1x4xf32>) -> tensor<4294967296x4294967296x16xf32> {
  %c = qnn.constant dense<1> : tensor<4294967296x4294967296x16xi8> : tensor<4294967296x4294967296x16x!q>
  %d = qnn.dequantize %c : tensor<4294967296x4294967296x16x!q> -> tensor<4294967296x4294967296x16xf32>
  return %d : tensor<4294967296x4294967296x16xf32>
}

//--- padded.mlir
// Stride and pads of 2^30: a 3-element output from a 2^31-element padded row.
func.func @main(%x: tensor<1x1x4xf32>) -> tensor<1x1x3xf32> {
  %w = qnn.constant dense<1.0> : tensor<1x1x1xf32> : tensor<1x1x1xf32>
  %c = qnn.conv %x, %w {strides = array<i64: 1073741824>, pads = array<i64: 1073741824, 1073741824>, dilations = array<i64: 1>}
      : (tensor<1x1x4xf32>, tensor<1x1x1xf32>) -> tensor<1x1x3xf32>
  return %c : tensor<1x1x3xf32>
}

//--- four.mlir
func.func @main(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
  return %x : tensor<1x4xf32>
}

//--- empty-input.mlir
func.func @main(%x: tensor<1x0xf32>) -> tensor<1x0xf32> {
  return %x : tensor<1x0xf32>
}
