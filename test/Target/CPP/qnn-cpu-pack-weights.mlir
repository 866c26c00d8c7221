// RUN: qrcnn-opt %s -split-input-file -verify-diagnostics --qnn-cpu-pack-weights | FileCheck %s

// Three int4 values, ONNX INT4 layout (low nibble first): 1 -> 0x1,
// -2 -> 0xE, 7 -> 0x7; byte 0 = 0xE1 = -31 as i8, byte 1 = 0x07 (the odd
// count pads the high nibble).
// CHECK-LABEL: memref.global "private" constant @w : memref<2xi8> = dense<[-31, 7]>
// CHECK-SAME: qnn.packed_int4 = 3 : i64
// CHECK-SAME: qnn.quant_type = !quant.uniform<i4:f32, 1.250000e-01>
memref.global "private" constant @w : memref<3xi8> = dense<[1, -2, 7]> {qnn.quant_type = !quant.uniform<i4:f32, 0.125>}

// A load becomes: byte = packed[i / 2]; nibble = (byte >> 4 * (i % 2)) & 15;
// sign extension (nibble ^ 8) - 8.
// CHECK-LABEL: func.func @read
// CHECK-SAME: (%[[I:.*]]: index)
// CHECK: %[[G:.*]] = memref.get_global @w : memref<2xi8>
// CHECK: %[[BYTE_INDEX:.*]] = arith.divsi %{{.*}}, %{{.*}} : index
// CHECK: %[[BYTE:.*]] = memref.load %[[G]][%[[BYTE_INDEX]]] : memref<2xi8>
// CHECK: %[[ODD:.*]] = arith.remsi %{{.*}}, %{{.*}} : index
// CHECK: %[[BITS:.*]] = arith.muli %[[ODD]], %{{.*}} : index
// CHECK: %[[SHIFT:.*]] = arith.index_cast %[[BITS]] : index to i8
// CHECK: %[[SHIFTED:.*]] = arith.shrui %[[BYTE]], %[[SHIFT]] : i8
// CHECK: %[[NIBBLE:.*]] = arith.andi %[[SHIFTED]], %{{.*}} : i8
// CHECK: %[[FLIP:.*]] = arith.xori %[[NIBBLE]], %{{.*}} : i8
// CHECK: %[[VALUE:.*]] = arith.subi %[[FLIP]], %{{.*}} : i8
// CHECK: return %[[VALUE]] : i8
func.func @read(%i: index) -> i8 attributes {qnn.constant_bytes = 3 : i64} {
  %g = memref.get_global @w : memref<3xi8>
  %v = memref.load %g[%i] : memref<3xi8>
  return %v : i8
}

// -----

// Unsigned 4-bit values need no sign extension; a 2-D global is indexed
// row-major. The entry's constant bytes shrink by the bytes saved (6 -> 3).
// CHECK-LABEL: memref.global "private" constant @u : memref<3xi8> = dense<[-15, 63, 8]>
// CHECK-SAME: qnn.packed_int4 = 6 : i64
memref.global "private" constant @u : memref<2x3xi8> = dense<[[1, 15, 15], [3, 8, 0]]> {qnn.quant_type = !quant.uniform<u4:f32, 0.5>}

// CHECK-LABEL: func.func @read_u4
// CHECK-SAME: qnn.constant_bytes = 3 : i64
// CHECK: %[[ROW:.*]] = arith.muli %{{.*}}, %c3 : index
// CHECK: arith.addi %[[ROW]], %{{.*}} : index
// CHECK: arith.shrui
// CHECK: %[[NIBBLE:.*]] = arith.andi
// CHECK-NOT: arith.xori
// CHECK: return %[[NIBBLE]] : i8
func.func @read_u4(%i: index, %j: index) -> i8 attributes {qnn.constant_bytes = 6 : i64} {
  %g = memref.get_global @u : memref<2x3xi8>
  %v = memref.load %g[%i, %j] : memref<2x3xi8>
  return %v : i8
}

// -----

// 8-bit weights, mutable globals and 4-bit globals read other than by
// loads stay as they are.
// CHECK-LABEL: memref.global "private" constant @w8 : memref<2xi8> = dense<[100, -100]>
// CHECK-NOT: qnn.packed_int4
memref.global "private" constant @w8 : memref<2xi8> = dense<[100, -100]> {qnn.quant_type = !quant.uniform<i8:f32, 0.125>}
// CHECK-LABEL: memref.global "private" @buffer : memref<2xi8>
memref.global "private" @buffer : memref<2xi8> = uninitialized {qnn.quant_type = !quant.uniform<i4:f32, 0.125>}
// expected-remark @below {{stays unpacked: used other than through loads}}
memref.global "private" constant @copied : memref<2xi8> = dense<[1, 2]> {qnn.quant_type = !quant.uniform<i4:f32, 0.125>}

func.func @copy(%out: memref<2xi8>) {
  %g = memref.get_global @copied : memref<2xi8>
  memref.copy %g, %out : memref<2xi8> to memref<2xi8>
  return
}
