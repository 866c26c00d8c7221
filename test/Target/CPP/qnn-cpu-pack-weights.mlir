// RUN: qrcnn-opt %s -split-input-file -verify-diagnostics --qnn-cpu-pack-weights | FileCheck %s
// RUN: qrcnn-opt %s -split-input-file -verify-diagnostics --qnn-cpu-pack-weights=unpack-reread=true | FileCheck %s --check-prefix=REREAD
// RUN: qrcnn-opt %s -split-input-file -verify-diagnostics --qnn-cpu-pack-weights | FileCheck %s --check-prefix=NOREREAD

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

// -----

// unpack-reread: @engine is read on every iteration of the loop %it, which
// none of its load's indices use (a recurrent conv's weights): it is
// unpacked once, at the start of the function, into a mutable i8 scratch
// that the loop then reads; the packed constant stays (flash) and the
// entry's arena grows by the scratch (16 + 5). @once is read once per
// element (every enclosing loop feeds its index): unpacked where it is
// read. Without the option both are unpacked where read.
// REREAD-LABEL: memref.global "private" @engine_unpacked : memref<5xi8>
// REREAD-NOT:   constant
// REREAD-LABEL: memref.global "private" constant @engine : memref<3xi8>
// REREAD-NOT: @once_unpacked
// REREAD-LABEL: func.func @engine_loop
// REREAD-SAME: qnn.arena_bytes = 21 : i64
// REREAD:      %[[PACKED:.*]] = memref.get_global @engine : memref<3xi8>
// REREAD:      %[[SCRATCH:.*]] = memref.get_global @engine_unpacked : memref<5xi8>
// Two values per byte: bytes 0 and 1 in the loop, the odd fifth value after.
// REREAD:      scf.for %[[J:.*]] = %{{.*}} to %c2{{.*}} step %{{.*}} {
// REREAD:        %[[BYTE:.*]] = memref.load %[[PACKED]][%[[J]]] : memref<3xi8>
// REREAD:        %[[LOW:.*]] = arith.andi %[[BYTE]], %c15_i8{{.*}} : i8
// REREAD:        %[[LOWX:.*]] = arith.xori %[[LOW]], %c8_i8{{.*}} : i8
// REREAD:        %[[LOWV:.*]] = arith.subi %[[LOWX]], %c8_i8{{.*}} : i8
// REREAD:        %[[HIGH:.*]] = arith.shrui %[[BYTE]], %c4_i8{{.*}} : i8
// REREAD:        %[[HIGHX:.*]] = arith.xori %[[HIGH]], %c8_i8{{.*}} : i8
// REREAD:        %[[HIGHV:.*]] = arith.subi %[[HIGHX]], %c8_i8{{.*}} : i8
// REREAD:        %[[EVEN:.*]] = arith.muli %[[J]], %c2{{.*}} : index
// REREAD:        memref.store %[[LOWV]], %[[SCRATCH]][%[[EVEN]]] : memref<5xi8>
// REREAD:        %[[ODD:.*]] = arith.addi %[[EVEN]], %c1{{.*}} : index
// REREAD:        memref.store %[[HIGHV]], %[[SCRATCH]][%[[ODD]]] : memref<5xi8>
// REREAD:      }
// REREAD:      %[[LAST:.*]] = memref.load %[[PACKED]][%c2{{.*}}] : memref<3xi8>
// REREAD:      arith.andi %[[LAST]], %c15_i8{{.*}} : i8
// REREAD:      memref.store %{{.*}}, %[[SCRATCH]][%c4{{.*}}] : memref<5xi8>
// REREAD:      scf.for
// REREAD:        scf.for %[[I:.*]] = %{{.*}} to %c5 step %{{.*}} {
// REREAD:          %[[S:.*]] = memref.get_global @engine_unpacked : memref<5xi8>
// REREAD:          memref.load %[[S]][%[[I]]] : memref<5xi8>
// REREAD:      scf.for %[[K:.*]] = %{{.*}} to %c5 step %{{.*}} {
// REREAD:        memref.get_global @once : memref<3xi8>
// REREAD:        arith.divsi %[[K]]
// REREAD:        arith.shrui
// NOREREAD-NOT: _unpacked
memref.global "private" constant @engine : memref<5xi8> = dense<[1, -2, 7, -8, 3]> {qnn.quant_type = !quant.uniform<i4:f32, 0.125>}
memref.global "private" constant @once : memref<5xi8> = dense<[1, 2, 3, 4, 5]> {qnn.quant_type = !quant.uniform<i4:f32, 0.125>}

func.func @engine_loop(%out: memref<5xi8>) attributes {qnn.arena_bytes = 16 : i64} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c5 = arith.constant 5 : index
  scf.for %it = %c0 to %c4 step %c1 {
    scf.for %i = %c0 to %c5 step %c1 {
      %g = memref.get_global @engine : memref<5xi8>
      %w = memref.load %g[%i] : memref<5xi8>
      %o = memref.load %out[%i] : memref<5xi8>
      %s = arith.addi %w, %o : i8
      memref.store %s, %out[%i] : memref<5xi8>
    }
  }
  scf.for %k = %c0 to %c5 step %c1 {
    %h = memref.get_global @once : memref<5xi8>
    %v = memref.load %h[%k] : memref<5xi8>
    memref.store %v, %out[%k] : memref<5xi8>
  }
  return
}
