// User errors of --run: a diagnostic naming the op or the file, exit 1.
// RUN: rm -rf %t && split-file %s %t
// RUN: %python -c "import struct; open('%t.in5','wb').write(struct.pack('<5f', 0, 0, 0, 0, 0))"
// RUN: %python -c "import struct; open('%t.in1','wb').write(struct.pack('<1f', 1.0))"
// RUN: %python -c "import struct; open('%t.in3b','wb').write(b'abc')"
// RUN: not qrcnnc %t/main.mlir --run %t.in5 -o %t.out 2>&1 | FileCheck %s --check-prefix=SIZE
// SIZE: qrcnnc: error: input file '{{.*}}' holds 5 float32 values, not a whole number of samples of 4
// RUN: not qrcnnc %t/main.mlir --run %t.in3b -o %t.out 2>&1 | FileCheck %s --check-prefix=BYTES
// BYTES: qrcnnc: error: input file '{{.*}}' holds 3 bytes, not a whole number of float32 values
// RUN: not qrcnnc %t/main.mlir --run %t.does-not-exist -o %t.out 2>&1 | FileCheck %s --check-prefix=MISSING
// MISSING: qrcnnc: error: cannot open input file '{{.*}}does-not-exist'
// RUN: qrcnnc %t/overflow.mlir --run %t.in1 -o %t.out; test $? -eq 1
// RUN: not qrcnnc %t/two-inputs.mlir --run %t.in1 -o %t.out 2>&1 | FileCheck %s --check-prefix=TWO
// TWO: qrcnnc: error: --run needs a model with exactly one input, this one has 2
// RUN: not qrcnnc %t/unsupported.mlir --run %t.in1 -o %t.out 2>&1 | FileCheck %s --check-prefix=UNKNOWN-OP
// UNKNOWN-OP: error: 'arith.addf' op is not supported by the interpreter (golden model)
// RUN: not qrcnnc %t/overflow.mlir --run %t.in1 -o %t.out 2>&1 | FileCheck %s --check-prefix=OVERFLOW
// 2147483600 + 127 * 255 does not fit i32: bit-width inference or, at run
// time, the interpreter (test/unit/InterpreterTest.cpp) refuses it.
// OVERFLOW: error: 'qnn.dense' op
// RUN: not qrcnnc %t/underflow.mlir --run %t.in1 -o %t.out 2>&1 | FileCheck %s --check-prefix=UNDERFLOW
// UNDERFLOW: error: 'qnn.requantize' op requantization: requantization multiplier {{.*}} underflows

//--- main.mlir
func.func @main(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
  return %x : tensor<1x4xf32>
}
//--- two-inputs.mlir
func.func @main(%x: tensor<1xf32>, %y: tensor<1xf32>) -> tensor<1xf32> {
  return %x : tensor<1xf32>
}
//--- unsupported.mlir
func.func @main(%x: tensor<1xf32>) -> tensor<1xf32> {
  %y = arith.addf %x, %x : tensor<1xf32>
  return %y : tensor<1xf32>
}
//--- overflow.mlir
!in = !quant.uniform<u8:f32, 1.0>
!w = !quant.uniform<i8:f32, 1.0>
!acc = !quant.uniform<i32:f32, 1.0>
func.func @main(%x: tensor<1x1xf32>) -> tensor<1x1xf32> {
  %w = qnn.constant dense<[[127]]> : tensor<1x1xi8> : tensor<1x1x!w>
  %b = qnn.constant dense<[2147483600]> : tensor<1xi32> : tensor<1x!acc>
  %q = qnn.quantize %x : tensor<1x1xf32> -> tensor<1x1x!in>
  %d = qnn.dense %q, %w, %b : (tensor<1x1x!in>, tensor<1x1x!w>, tensor<1x!acc>) -> tensor<1x1x!acc>
  %y = qnn.dequantize %d : tensor<1x1x!acc> -> tensor<1x1xf32>
  return %y : tensor<1x1xf32>
}
//--- underflow.mlir
!in = !quant.uniform<u8:f32, 1.0e-12>
!out = !quant.uniform<u8:f32, 1.0>
func.func @main(%x: tensor<1xf32>) -> tensor<1xf32> {
  %q = qnn.quantize %x : tensor<1xf32> -> tensor<1x!in>
  %r = qnn.requantize %q : tensor<1x!in> -> tensor<1x!out>
  %y = qnn.dequantize %r : tensor<1x!out> -> tensor<1xf32>
  return %y : tensor<1xf32>
}
