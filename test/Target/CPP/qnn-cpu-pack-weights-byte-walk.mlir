// RUN: qrcnn-opt %s -split-input-file --qnn-cpu-pack-weights -canonicalize -cse | FileCheck %s

// Loads unpacked where they are read (qnn-cpu-pack-weights without
// unpack-reread, or a global read once): a loop over a row whose element
// pairs (2j, 2j+1) are the two nibbles of one byte steps over the bytes;
// anything else unpacks each element from its own index.

// A dense layer, rows of 4 (even): byte 2o + j holds w[o][2j] (low nibble)
// and w[o][2j+1] (high nibble). Values 1,-2,3,-4 | 5,-6,7,-8 pack to
// 0xE1, 0xC3 | 0xA5, 0x87.
// CHECK-LABEL: memref.global "private" constant @dense_w : memref<4xi8> = dense<[-31, -61, -91, -121]>
memref.global "private" constant @dense_w : memref<2x4xi8> = dense<[[1, -2, 3, -4], [5, -6, 7, -8]]> {qnn.quant_type = !quant.uniform<i4:f32, 0.5>}

// The sum is split in two, even and odd elements, added after the loop.
// CHECK-LABEL: func.func @dense
// CHECK-SAME: (%[[X:.*]]: memref<4xi8>, %[[OUT:.*]]: memref<2xi32>)
// CHECK-DAG:  %[[C0:.*]] = arith.constant 0 : index
// CHECK-DAG:  %[[C1:.*]] = arith.constant 1 : index
// CHECK-DAG:  %[[C2:.*]] = arith.constant 2 : index
// CHECK-DAG:  %[[ZERO:.*]] = arith.constant 0 : i32
// CHECK-DAG:  %[[C4_I8:.*]] = arith.constant 4 : i8
// CHECK-DAG:  %[[C15:.*]] = arith.constant 15 : i8
// CHECK-DAG:  %[[C8:.*]] = arith.constant 8 : i8
// CHECK-DAG:  %[[W:.*]] = memref.get_global @dense_w : memref<4xi8>
// CHECK:      scf.for %[[O:.*]] = %[[C0]] to %[[C2]] step %[[C1]] {
// CHECK:        %[[BIAS:.*]] = memref.load %[[OUT]][%[[O]]] : memref<2xi32>
// CHECK:        %[[ROW:.*]] = arith.muli %[[O]], %[[C2]] : index
// CHECK:        %[[SUMS:.*]]:2 = scf.for %[[J:.*]] = %[[C0]] to %[[C2]] step %[[C1]] iter_args(%[[EVEN_SUM:.*]] = %[[BIAS]], %[[ODD_SUM:.*]] = %[[ZERO]]) -> (i32, i32) {
// CHECK:          %[[EVEN:.*]] = arith.muli %[[J]], %[[C2]] : index
// CHECK:          %[[X0:.*]] = memref.load %[[X]][%[[EVEN]]] : memref<4xi8>
// CHECK:          %[[BYTE_INDEX:.*]] = arith.addi %[[ROW]], %[[J]] : index
// CHECK:          %[[BYTE:.*]] = memref.load %[[W]][%[[BYTE_INDEX]]] : memref<4xi8>
// CHECK:          %[[LOW:.*]] = arith.andi %[[BYTE]], %[[C15]] : i8
// CHECK:          %[[LOW_FLIP:.*]] = arith.xori %[[LOW]], %[[C8]] : i8
// CHECK:          %[[W0:.*]] = arith.subi %[[LOW_FLIP]], %[[C8]] : i8
// CHECK:          %[[W0_EXT:.*]] = arith.extsi %[[W0]] : i8 to i32
// CHECK:          %[[P0:.*]] = arith.muli %{{.*}}, %[[W0_EXT]] : i32
// CHECK:          %[[NEXT_EVEN:.*]] = arith.addi %[[EVEN_SUM]], %[[P0]] : i32
// CHECK:          %[[ODD:.*]] = arith.addi %[[EVEN]], %[[C1]] : index
// CHECK:          %[[X1:.*]] = memref.load %[[X]][%[[ODD]]] : memref<4xi8>
// CHECK-NOT:      memref.load %[[W]]
// CHECK:          %[[HIGH_BITS:.*]] = arith.shrui %[[BYTE]], %[[C4_I8]] : i8
// CHECK:          %[[HIGH:.*]] = arith.andi %[[HIGH_BITS]], %[[C15]] : i8
// CHECK:          %[[HIGH_FLIP:.*]] = arith.xori %[[HIGH]], %[[C8]] : i8
// CHECK:          %[[W1:.*]] = arith.subi %[[HIGH_FLIP]], %[[C8]] : i8
// CHECK:          %[[W1_EXT:.*]] = arith.extsi %[[W1]] : i8 to i32
// CHECK:          %[[P1:.*]] = arith.muli %{{.*}}, %[[W1_EXT]] : i32
// CHECK:          %[[NEXT_ODD:.*]] = arith.addi %[[ODD_SUM]], %[[P1]] : i32
// CHECK:          scf.yield %[[NEXT_EVEN]], %[[NEXT_ODD]] : i32, i32
// CHECK:        } {qnn.acc_bits = 9 : i64}
// CHECK:        %[[SUM:.*]] = arith.addi %[[SUMS]]#0, %[[SUMS]]#1 : i32
// CHECK:        memref.store %[[SUM]], %[[OUT]][%[[O]]] : memref<2xi32>
func.func @dense(%x: memref<4xi8>, %out: memref<2xi32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c4 = arith.constant 4 : index
  %w = memref.get_global @dense_w : memref<2x4xi8>
  scf.for %o = %c0 to %c2 step %c1 {
    %bias = memref.load %out[%o] : memref<2xi32>
    %sum = scf.for %i = %c0 to %c4 step %c1 iter_args(%acc = %bias) -> (i32) {
      %xv = memref.load %x[%i] : memref<4xi8>
      %xe = arith.extui %xv : i8 to i32
      %wv = memref.load %w[%o, %i] : memref<2x4xi8>
      %we = arith.extsi %wv : i8 to i32
      %p = arith.muli %xe, %we : i32
      %next = arith.addi %acc, %p : i32
      scf.yield %next : i32
    } {qnn.acc_bits = 9 : i64}
    memref.store %sum, %out[%o] : memref<2xi32>
  }
  return
}

// -----

// Rows of 3 (odd): row 1 starts in the middle of byte 1, so each weight is
// unpacked from its own index, as everywhere else: byte i / 2, shifted by
// 4 * (i % 2).
// CHECK-LABEL: func.func @odd_rows
// CHECK:      scf.for %[[O:.*]] = %{{.*}} to %c2 step %c1 {
// CHECK:        scf.for %[[I:.*]] = %{{.*}} to %c3 step %c1 iter_args(%{{.*}} = %{{.*}}) -> (i32) {
// CHECK:          %[[ROW:.*]] = arith.muli %[[O]], %c3 : index
// CHECK:          %[[LINEAR:.*]] = arith.addi %[[ROW]], %[[I]] : index
// CHECK:          %[[BYTE_INDEX:.*]] = arith.divsi %[[LINEAR]], %c2 : index
// CHECK:          memref.load %{{.*}}[%[[BYTE_INDEX]]] : memref<3xi8>
// CHECK:          arith.remsi %[[LINEAR]], %c2 : index
// CHECK-NOT:  arith.addi %{{.*}}#0, %{{.*}}#1
memref.global "private" constant @odd_w : memref<2x3xi8> = dense<[[1, -2, 3], [-4, 5, -6]]> {qnn.quant_type = !quant.uniform<i4:f32, 0.5>}

func.func @odd_rows(%x: memref<3xi8>, %out: memref<2xi32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c3 = arith.constant 3 : index
  %zero = arith.constant 0 : i32
  %w = memref.get_global @odd_w : memref<2x3xi8>
  scf.for %o = %c0 to %c2 step %c1 {
    %sum = scf.for %i = %c0 to %c3 step %c1 iter_args(%acc = %zero) -> (i32) {
      %xv = memref.load %x[%i] : memref<3xi8>
      %xe = arith.extui %xv : i8 to i32
      %wv = memref.load %w[%o, %i] : memref<2x3xi8>
      %we = arith.extsi %wv : i8 to i32
      %p = arith.muli %xe, %we : i32
      %next = arith.addi %acc, %p : i32
      scf.yield %next : i32
    }
    memref.store %sum, %out[%o] : memref<2xi32>
  }
  return
}

// -----

// A 1-D global read from element 2 to 6: bytes 1 and 2, no row offset.
// Unsigned values: the high nibble needs no sign extension. A carried value
// that is not a sum (a maximum) passes from element 2j to element 2j+1.
// CHECK-LABEL: func.func @taps
// CHECK:      %[[W:.*]] = memref.get_global @taps_w : memref<4xi8>
// CHECK:      %[[MAX:.*]] = scf.for %[[J:.*]] = %c1 to %c3 step %c1 iter_args(%[[M:.*]] = %{{.*}}) -> (i8) {
// CHECK:        %[[BYTE:.*]] = memref.load %[[W]][%[[J]]] : memref<4xi8>
// CHECK:        %[[LOW:.*]] = arith.andi %[[BYTE]], %c15_i8 : i8
// CHECK-NOT:    arith.xori
// CHECK:        %[[M1:.*]] = arith.maxui %[[M]], %[[LOW]] : i8
// CHECK:        %[[HIGH_BITS:.*]] = arith.shrui %[[BYTE]], %c4_i8 : i8
// CHECK:        %[[HIGH:.*]] = arith.andi %[[HIGH_BITS]], %c15_i8 : i8
// CHECK-NOT:    arith.xori
// CHECK:        %[[M2:.*]] = arith.maxui %[[M1]], %[[HIGH]] : i8
// CHECK:        scf.yield %[[M2]] : i8
// CHECK:      return %[[MAX]] : i8
memref.global "private" constant @taps_w : memref<7xi8> = dense<[1, 2, 3, 4, 15, 6, 7]> {qnn.quant_type = !quant.uniform<u4:f32, 0.5>}

func.func @taps() -> i8 {
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c6 = arith.constant 6 : index
  %zero = arith.constant 0 : i8
  %w = memref.get_global @taps_w : memref<7xi8>
  %max = scf.for %i = %c2 to %c6 step %c1 iter_args(%m = %zero) -> (i8) {
    %v = memref.load %w[%i] : memref<7xi8>
    %next = arith.maxui %m, %v : i8
    scf.yield %next : i8
  }
  return %max : i8
}

// -----

// Not walked: an odd lower bound (elements 1..4 pair as (1,2), (3,4),
// straddling bytes), an odd trip count, a step of 2, a load inside a
// nested region, a row index computed in the loop, and the loop variable
// in a dimension other than the last. Every one reads its byte at i / 2.
// CHECK-LABEL: func.func @not_walked
// CHECK-COUNT-6: arith.divsi
// CHECK-NOT:     arith.divsi
memref.global "private" constant @flat : memref<8xi8> = dense<[1, 2, 3, 4, 5, 6, 7, -8]> {qnn.quant_type = !quant.uniform<i4:f32, 0.5>}
memref.global "private" constant @square : memref<4x4xi8> = dense<1> {qnn.quant_type = !quant.uniform<i4:f32, 0.5>}

func.func @not_walked(%out: memref<8xi8>, %flag: i1) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c3 = arith.constant 3 : index
  %c4 = arith.constant 4 : index
  %c5 = arith.constant 5 : index
  %c8 = arith.constant 8 : index
  %f = memref.get_global @flat : memref<8xi8>
  %s = memref.get_global @square : memref<4x4xi8>
  scf.for %i = %c1 to %c5 step %c1 {
    %v = memref.load %f[%i] : memref<8xi8>
    memref.store %v, %out[%i] : memref<8xi8>
  }
  scf.for %i = %c0 to %c3 step %c1 {
    %v = memref.load %f[%i] : memref<8xi8>
    memref.store %v, %out[%i] : memref<8xi8>
  }
  scf.for %i = %c0 to %c8 step %c2 {
    %v = memref.load %f[%i] : memref<8xi8>
    memref.store %v, %out[%i] : memref<8xi8>
  }
  scf.for %i = %c0 to %c8 step %c1 {
    scf.if %flag {
      %v = memref.load %f[%i] : memref<8xi8>
      memref.store %v, %out[%i] : memref<8xi8>
    }
  }
  scf.for %i = %c0 to %c4 step %c1 {
    %row = arith.subi %c3, %c1 : index
    %v = memref.load %s[%row, %i] : memref<4x4xi8>
    memref.store %v, %out[%i] : memref<8xi8>
  }
  scf.for %i = %c0 to %c4 step %c1 {
    %v = memref.load %s[%i, %c2] : memref<4x4xi8>
    memref.store %v, %out[%i] : memref<8xi8>
  }
  return
}

// -----

// Nested walks: the outer loop reads @bias_w by its own variable, the
// inner one @rows_w by its: the inner loop is rewritten first, then
// cloned twice with the outer body.
// CHECK-LABEL: func.func @nested
// CHECK-DAG:  %[[B:.*]] = memref.get_global @bias_w : memref<2xi8>
// CHECK-DAG:  %[[R:.*]] = memref.get_global @rows_w : memref<8xi8>
// CHECK:      scf.for %[[J:.*]] = %c0 to %c2 step %c1 {
// CHECK:        %[[O0:.*]] = arith.muli %[[J]], %c2 : index
// CHECK:        %[[BIAS_BYTE:.*]] = memref.load %[[B]][%[[J]]] : memref<2xi8>
// Row 2j starts at byte 4j (2j * 2, folded).
// CHECK:        %[[ROW0:.*]] = arith.muli %[[J]], %c4 : index
// CHECK:        scf.for %[[K:.*]] = %c0 to %c2 step %c1 iter_args
// CHECK:          %[[I0:.*]] = arith.addi %[[ROW0]], %[[K]] : index
// CHECK:          memref.load %[[R]][%[[I0]]] : memref<8xi8>
// CHECK:        memref.store %{{.*}}, %{{.*}}[%[[O0]]] : memref<4xi32>
// CHECK:        %[[O1:.*]] = arith.addi %[[O0]], %c1 : index
// CHECK:        arith.shrui %[[BIAS_BYTE]], %c4_i8
// CHECK:        %[[ROW1:.*]] = arith.muli %[[O1]], %c2 : index
// CHECK:        scf.for %[[K1:.*]] = %c0 to %c2 step %c1 iter_args
// CHECK:          %[[I1:.*]] = arith.addi %[[ROW1]], %[[K1]] : index
// CHECK:          memref.load %[[R]][%[[I1]]] : memref<8xi8>
// CHECK:        memref.store %{{.*}}, %{{.*}}[%[[O1]]] : memref<4xi32>
// CHECK-NOT:  arith.divsi
memref.global "private" constant @bias_w : memref<4xi8> = dense<[1, 2, 3, 4]> {qnn.quant_type = !quant.uniform<i4:f32, 0.5>}
memref.global "private" constant @rows_w : memref<4x4xi8> = dense<[[1, -1, 1, -1], [2, -2, 2, -2], [3, -3, 3, -3], [4, -4, 4, -4]]> {qnn.quant_type = !quant.uniform<i4:f32, 0.5>}

func.func @nested(%out: memref<4xi32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c4 = arith.constant 4 : index
  %b = memref.get_global @bias_w : memref<4xi8>
  %r = memref.get_global @rows_w : memref<4x4xi8>
  scf.for %o = %c0 to %c4 step %c1 {
    %bv = memref.load %b[%o] : memref<4xi8>
    %be = arith.extsi %bv : i8 to i32
    %sum = scf.for %i = %c0 to %c4 step %c1 iter_args(%acc = %be) -> (i32) {
      %wv = memref.load %r[%o, %i] : memref<4x4xi8>
      %we = arith.extsi %wv : i8 to i32
      %next = arith.addi %acc, %we : i32
      scf.yield %next : i32
    }
    memref.store %sum, %out[%o] : memref<4xi32>
  }
  return
}

// -----

// A sum whose addition has an overflow flag is not split (a partial sum
// could overflow where the whole does not): the sum of element 2j feeds
// that of 2j+1.
// CHECK-LABEL: func.func @nsw_sum
// CHECK:      %[[SUM:.*]] = scf.for %[[J:.*]] = %c0 to %c2 step %c1 iter_args(%[[ACC:.*]] = %c0_i32) -> (i32) {
// CHECK:        %[[A0:.*]] = arith.addi %[[ACC]], %{{.*}} overflow<nsw> : i32
// CHECK:        %[[A1:.*]] = arith.addi %[[A0]], %{{.*}} overflow<nsw> : i32
// CHECK:        scf.yield %[[A1]] : i32
// CHECK:      return %[[SUM]] : i32
memref.global "private" constant @nsw_w : memref<4xi8> = dense<[1, -2, 3, -4]> {qnn.quant_type = !quant.uniform<i4:f32, 0.5>}

func.func @nsw_sum() -> i32 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %zero = arith.constant 0 : i32
  %w = memref.get_global @nsw_w : memref<4xi8>
  %sum = scf.for %i = %c0 to %c4 step %c1 iter_args(%acc = %zero) -> (i32) {
    %v = memref.load %w[%i] : memref<4xi8>
    %e = arith.extsi %v : i8 to i32
    %next = arith.addi %acc, %e overflow<nsw> : i32
    scf.yield %next : i32
  }
  return %sum : i32
}
