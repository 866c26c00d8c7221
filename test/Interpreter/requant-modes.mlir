// --requant=pow2|fixed16 changes the requantization multipliers, and --run
// then reports how the outputs differ from exact ones.
// RUN: %python -c "import struct; open('%t.in','wb').write(struct.pack('<8f', 3.0, 1.5, 6.0, 0.0, 3.75, 4.5, 0.0, 0.0))"
// RUN: qrcnnc %s --run %t.in -o %t.exact
// RUN: %python -c "import struct; d=open('%t.exact','rb').read(); print(' '.join('%g' % x for x in struct.unpack('<%df' % (len(d)//4), d)))" | FileCheck %s --check-prefix=EXACT
// RUN: qrcnnc %s --run %t.in -o %t.pow2 --requant=pow2 2>&1 | FileCheck %s --check-prefix=POW2-REPORT
// RUN: %python -c "import struct; d=open('%t.pow2','rb').read(); print(' '.join('%g' % x for x in struct.unpack('<%df' % (len(d)//4), d)))" | FileCheck %s --check-prefix=POW2
// RUN: qrcnnc %s --run %t.in -o %t.fixed16 --requant=fixed16 2>&1 | FileCheck %s --check-prefix=FIXED16-REPORT
// RUN: cmp %t.exact %t.fixed16
// RUN: qrcnnc %s --requant=pow2 -o - | FileCheck %s --check-prefix=ATTR
// RUN: not qrcnnc %s --requant=pow3 -o - 2>&1 | FileCheck %s --check-prefix=BAD

// q = x / 0.75: 4 2 8 0 and 5 6 0 0. M = 0.75 / 1 = 0.75.
// Exact: 3 1.5 6 0 -> 3 2 6 0; 3.75 4.5 0 0 -> 4 4 0 0 (ties to even).
// EXACT: 3 2 6 0 4 4 0 0
// pow2 rounds the 1-bit mantissa of 0.75 = 1.5 * 2^-1 to 2: M = 1, the
// outputs are q itself; differences 1 0 2 0 and 1 2 0 0 steps (max 2, mean
// 6/8); the second sample's top class moves from 0 (tie, first wins) to 1.
// POW2: 4 2 8 0 5 6 0 0
// POW2-REPORT: --requant=pow2 vs exact on 2 samples: top class changed on 1 (50.00%); quantized outputs differ by max 2 steps, mean 0.7500 steps
// 0.75 needs two mantissa bits: fixed16 is exact here.
// FIXED16-REPORT: --requant=fixed16 vs exact on 2 samples: top class changed on 0 (0.00%); quantized outputs differ by max 0 steps, mean 0.0000 steps
// ATTR: module attributes {qnn.requant_mode = "pow2"}
// BAD: --requant: pow3 not in {exact,fixed16,pow2}

!in = !quant.uniform<u8:f32, 0.75>
!out = !quant.uniform<u8:f32, 1.0>
func.func @main(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
  %q = qnn.quantize %x : tensor<1x4xf32> -> tensor<1x4x!in>
  %r = qnn.requantize %q : tensor<1x4x!in> -> tensor<1x4x!out>
  %y = qnn.dequantize %r : tensor<1x4x!out> -> tensor<1x4xf32>
  return %y : tensor<1x4xf32>
}
