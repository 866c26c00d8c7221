// RUN: qrcnn-opt %s -split-input-file --qnn-pipeline --qnn-lower-to-loops --qnn-cpu-reorder-conv-loops --canonicalize | FileCheck %s
// RUN: qrcnn-opt %s -split-input-file --qnn-pipeline --qnn-lower-to-loops="stage-multiple=8 pool-before-requantize=true" --qnn-cpu-reorder-conv-loops --canonicalize | FileCheck %s --check-prefix=STAGED
// RUN: qrcnn-opt %s -split-input-file --qnn-pipeline --qnn-lower-to-loops --qnn-cpu-reorder-conv-loops=channel-block=4 --canonicalize | FileCheck %s --check-prefix=BLOCK
// Correctness (bit-identical outputs for these and every test model) is
// checked by models.test; here the shape of the loops.

!in = !quant.uniform<u8:f32, 0.0078125:128>
!w = !quant.uniform<i4:f32, 0.125>
!acc = !quant.uniform<i32:f32, 9.765625E-4>
!act = !quant.uniform<u8<0:15>:f32, 0.0625>

// Conv stride 2, dilation 2, pads [2, 1] with a fused max pool: 11 conv
// positions of which the pool reads 10. The accumulator needs at most 16
// bits here, so the row is i16.
// CHECK-LABEL: memref.global "private" @acc_row_i16 : memref<10xi16>
// CHECK-LABEL: func.func @conv1d_int
// CHECK-DAG: %[[W:.*]] = memref.get_global @conv1d_conv0_weight
// CHECK-DAG: %[[ROW:.*]] = memref.get_global @acc_row_i16
// Output channels outermost.
// CHECK: scf.for %[[CO:.*]] = %c0 to %c3 step %c1 {
// The row starts at the bias.
// CHECK:   scf.for %[[I:.*]] = %c0 to %c10 step %c1 {
// CHECK:     memref.store %{{.*}}, %[[ROW]][%[[I]]]
// Input channels; the three kernel taps are jammed into the position loop
// (each weight read once per channel).
// CHECK:   scf.for %[[CI:.*]] = %c0 to %c2 step %c1 {
// CHECK-DAG:  %[[W0:.*]] = memref.load %[[W]][%[[CO]], %[[CI]], %c0]
// CHECK-DAG:  %[[W1:.*]] = memref.load %[[W]][%[[CO]], %[[CI]], %c1]
// CHECK-DAG:  %[[W2:.*]] = memref.load %[[W]][%[[CO]], %[[CI]], %c2]
// Position 0: tap 0 reads the padding (x - zx = 0) and folds away.
// CHECK:     memref.load %[[ROW]][%c0]
// CHECK-NOT:  scf.for
// CHECK:     memref.store %{{.*}}, %[[ROW]][%c0]
// Positions 1..9 (9 = the row's end: every tap inside the input): all three
// taps, no padding test in the loop.
// CHECK:     scf.for %[[T:.*]] = %c1 to %c10 step %c1 {
// CHECK-NOT:   arith.select
// CHECK-NOT:   arith.cmpi
// CHECK:       %[[A:.*]] = memref.load %[[ROW]][%[[T]]]
// CHECK-COUNT-3: memref.load %arg0[%c0, %[[CI]], %{{.*}}]
// CHECK:       %[[S0:.*]] = arith.addi %[[A]], %{{.*}} : i16
// CHECK:       %[[S1:.*]] = arith.addi %[[S0]], %{{.*}} : i16
// CHECK:       %[[S:.*]] = arith.addi %[[S1]], %{{.*}} : i16
// CHECK:       memref.store %[[S]], %[[ROW]][%[[T]]]
// CHECK:     }
// The tail (requantization, pool) per pooled position reads the row; the
// pool window (2 taps) is unrolled so the compiler sees one flat loop.
// CHECK:   scf.for %{{.*}} = %c0 to %c5 step %c1 {
// CHECK-NOT: scf.for
// CHECK:     memref.load %[[ROW]]
// CHECK:     arith.extsi %{{.*}} : i16 to i64
// CHECK-NOT: scf.for
// CHECK:     memref.load %[[ROW]]
// channel-block=4: the 3 output channels (3 = the largest divisor of 3 up
// to 4) accumulate together in three rows of 10 (the channel loop, one
// block, folds away). Each input tap is loaded once per position for all
// three channels.
// BLOCK-LABEL: memref.global "private" @acc_row_i16 : memref<30xi16>
// BLOCK-LABEL: func.func @conv1d_int
// BLOCK-DAG: %[[ROW:.*]] = memref.get_global @acc_row_i16
// BLOCK:     scf.for %[[I:.*]] = %c0 to %c10 step %c1 {
// BLOCK:       memref.store %{{.*}}, %[[ROW]][%[[I]]]
// BLOCK:       %[[I1:.*]] = arith.addi %[[I]], %c10 : index
// BLOCK:       memref.store %{{.*}}, %[[ROW]][%[[I1]]]
// BLOCK:       %[[I2:.*]] = arith.addi %[[I]], %c20 : index
// BLOCK:       memref.store %{{.*}}, %[[ROW]][%[[I2]]]
// BLOCK:     scf.for %[[CI:.*]] = %c0 to %c2 step %c1 {
// Nine weights: three channels by three taps.
// BLOCK-COUNT-9: memref.load %{{.*}}[%{{.*}}, %[[CI]], %{{.*}}] : memref<3x2x3xi8>
// BLOCK:       scf.for %[[T:.*]] = %c1 to %c10 step %c1 {
// BLOCK:         %[[A0:.*]] = memref.load %[[ROW]][%[[T]]]
// BLOCK:         %[[T1:.*]] = arith.addi %[[T]], %c10 : index
// BLOCK:         %[[A1:.*]] = memref.load %[[ROW]][%[[T1]]]
// BLOCK:         %[[T2:.*]] = arith.addi %[[T]], %c20 : index
// BLOCK:         %[[A2:.*]] = memref.load %[[ROW]][%[[T2]]]
// BLOCK-COUNT-3: memref.load %arg0[%c0, %[[CI]], %{{.*}}]
// BLOCK-NOT:     memref.load %arg0
// BLOCK:         arith.addi %[[A0]], %{{.*}} : i16
// BLOCK:         memref.store %{{.*}}, %[[ROW]][%[[T]]]
// BLOCK:         arith.addi %[[A1]], %{{.*}} : i16
// BLOCK:         memref.store %{{.*}}, %[[ROW]][%[[T1]]]
// BLOCK:         arith.addi %[[A2]], %{{.*}} : i16
// BLOCK:         memref.store %{{.*}}, %[[ROW]][%[[T2]]]
// BLOCK:       }
// The tail per channel of the block reads its row at (co % 3) * 10.
// BLOCK:     scf.for %[[CO:.*]] = %c0 to %c3 step %c1 {
// BLOCK:       scf.for %{{.*}} = %c0 to %c5 step %c1 {
// BLOCK:         %[[R:.*]] = arith.remsi %[[CO]], %c3 : index
// BLOCK:         %[[BASE:.*]] = arith.muli %[[R]], %c10 : index
// BLOCK:         %[[AT:.*]] = arith.addi %[[BASE]], %{{.*}} : index
// BLOCK:         memref.load %[[ROW]][%[[AT]]]
// A recurrent conv of 4 channels: blocks of 4, rows of 16.
// BLOCK-LABEL: memref.global "private" @acc_row_i16 : memref<64xi16>
// The 2-D conv has one input channel (one pass over its row per channel):
// not blocked, one row.
// BLOCK-LABEL: memref.global "private" @acc_row_i16 : memref<4xi16>

// Staged input (qnn-lower-to-loops stage-multiple=8): the input is copied
// once, padding as zero points (-128 is 128 in the i8 container), into a
// buffer of (16 - 1) * 2 + 2 * 2 + 1 = 35 cells per channel: enough for
// 11 conv positions rounded up to 16. Every row loop then runs in blocks of
// 8 with no padding test and no remainder.
// STAGED-LABEL: func.func @conv1d_int
// The rows are filled with the zero point, then the 23 input cells are
// copied in at offset 2: contiguous stores, no test per cell.
// STAGED-DAG: %[[S:.*]] = memref.get_global @conv1d_staged_i8 : memref<1x70xi8>
// STAGED:     scf.for %{{.*}} = %c0 to %c2 step %c1 {
// STAGED-NEXT:  scf.for %{{.*}} = %c0 to %c35 step %c1 {
// STAGED-NOT:     arith.select
// STAGED:         memref.store %c-128_i8, %[[S]]
// STAGED:     scf.for %[[SC:.*]] = %c0 to %c2 step %c1 {
// STAGED-NEXT:  scf.for %[[SJ:.*]] = %c0 to %c23 step %c1 {
// STAGED-NEXT:    %[[X:.*]] = memref.load %arg0[%c0, %[[SC]], %[[SJ]]] : memref<1x2x23xi8>
// STAGED-NEXT:    %[[J:.*]] = arith.addi %[[SJ]], %c2 : index
// STAGED-NOT:     arith.select
// STAGED:         memref.store %[[X]], %[[S]]
// STAGED:     %[[ROW:.*]] = memref.get_global @acc_row_i16 : memref<16xi16>
// STAGED:     scf.for %[[CO:.*]] = %c0 to %c3 step %c1 {
// STAGED:       scf.for %{{.*}} = %c0 to %c16 step %c8 {
// STAGED-NEXT:    scf.for %{{.*}} = %c0 to %c8 step %c1 {
// STAGED:       scf.for %[[CI:.*]] = %c0 to %c2 step %c1 {
// STAGED:         scf.for %{{.*}} = %c0 to %c16 step %c8 {
// STAGED-NEXT:      scf.for %{{.*}} = %c0 to %c8 step %c1 {
// STAGED-NOT:         arith.cmpi
// STAGED-NOT:         arith.select
// STAGED-COUNT-3:     memref.load %[[S]]
// STAGED:             memref.store %{{.*}}, %[[ROW]]
// The tail: the max of the two accumulators first (pool before
// requantization), then one requantization per pooled output.
// STAGED:       scf.for %{{.*}} = %c0 to %c5 step %c1 {
// STAGED:         memref.load %[[ROW]]
// STAGED:         memref.load %[[ROW]]
// STAGED:         arith.select
// STAGED-NEXT:    arith.extsi %{{.*}} : i32 to i64
// STAGED-NEXT:    arith.muli
// STAGED:       } {qnn.overcompute = 8 : index}
func.func @conv1d(%x: tensor<1x2x23xf32>) -> tensor<1x3x5xf32> {
  %w = qnn.constant dense<[[[1, -2, 7], [3, 0, -8]], [[-1, 4, 2], [5, -3, 1]], [[7, 7, -7], [-8, 2, 0]]]> : tensor<3x2x3xi4> : tensor<3x2x3x!w>
  %b = qnn.constant dense<[100, -50, 7]> : tensor<3xi32> : tensor<3x!acc>
  %q = qnn.quantize %x : tensor<1x2x23xf32> -> tensor<1x2x23x!in>
  %c = qnn.conv %q, %w, %b {strides = array<i64: 2>, pads = array<i64: 2, 1>, dilations = array<i64: 2>}
      : (tensor<1x2x23x!in>, tensor<3x2x3x!w>, tensor<3x!acc>) -> tensor<1x3x11x!acc>
  %r = qnn.requantize %c : tensor<1x3x11x!acc> -> tensor<1x3x11x!act>
  %p = qnn.maxpool %r {kernel = array<i64: 2>, strides = array<i64: 2>, pads = array<i64: 0, 0>, dilations = array<i64: 1>}
      : tensor<1x3x11x!act> -> tensor<1x3x5x!act>
  %y = qnn.dequantize %p : tensor<1x3x5x!act> -> tensor<1x3x5xf32>
  return %y : tensor<1x3x5xf32>
}

// -----

!in = !quant.uniform<u8:f32, 0.0078125:128>
!act = !quant.uniform<u8<0:15>:f32, 0.0625>
!w = !quant.uniform<i4:f32, 0.125>
!acc = !quant.uniform<i32:f32, 0.0078125>

// A recurrent conv: one conv engine (one nest) inside the loop over steps,
// with the row length computed from the step's input length at run time;
// the row is sized for the longest step (16 positions).
// CHECK-LABEL: memref.global "private" @acc_row_i16 : memref<16xi16>
// CHECK-LABEL: func.func @recurrent_int
// CHECK: scf.for %{{.*}} = %c0 to %c3 step %c1 iter_args(%[[LEN:.*]] = %c16)
// CHECK:   scf.for %[[CO:.*]] = %c0 to %c4 step %c1 {
// CHECK:     scf.for %{{.*}} = %c0 to %[[ROWLEN:.*]] step %c1 {
// Per input channel, three position ranges: before, inside and after the
// positions whose taps all lie inside the input.
// CHECK:     scf.for %{{.*}} = %c0 to %c4 step %c1 {
// CHECK:       scf.for %{{.*}} = %c0 to %[[LO:.*]] step %c1 {
// CHECK:         arith.select
// CHECK:       scf.for %{{.*}} = %[[LO]] to %[[HI:.*]] step %c1 {
// CHECK-NOT:       arith.select
// CHECK:           memref.store
// CHECK:       scf.for %{{.*}} = %[[HI]] to %[[ROWLEN]] step %c1 {
// CHECK:     scf.for %{{.*}} = %c0 to %{{.*}} step %c1 {
// CHECK:   } {qnn.recurrent_steps = 3 : i64}
// Staged (blocks of 8), the tail runs in whole blocks too: at most 8
// pooled outputs a step, so one block, whose stores at positions past the
// step's count (t >= len) write back the value they read. In bounds: the
// largest index is channel 3 * 8 + position 7 = 31 < 64 (the slot), and the
// pool reads conv positions up to 2 * 7 + 1 = 15 < 16 (the row). The
// first case's tail (3 x 5 outputs written into the 15-element result) has
// no room for a block and keeps its exact loop (STAGED above).
// STAGED-LABEL: func.func @recurrent_int
// STAGED:   %[[ROW:.*]] = memref.get_global @acc_row_i16 : memref<16xi16>
// The row's initialization, then the conv's accumulation, then the tail.
// STAGED:           memref.store %{{.*}}, %[[ROW]][%{{.*}}] : memref<16xi16>
// STAGED:           memref.store %{{.*}}, %[[ROW]][%{{.*}}] : memref<16xi16>
// STAGED:       scf.for %[[TB:.*]] = %c0 to %{{.*}} step %c8 {
// STAGED-NEXT:    scf.for %[[TI:.*]] = %c0 to %c8 step %c1 {
// STAGED-NEXT:      %[[T:.*]] = arith.addi %[[TB]], %[[TI]] : index
// STAGED:           memref.load %[[ROW]]
// STAGED:           %[[AT:.*]] = arith.addi %{{.*}}, %[[T]] : index
// STAGED-NEXT:      %[[OLD:.*]] = memref.load %[[SLOT:.*]][%c0, %[[AT]]] : memref<1x64xi8>
// STAGED-NEXT:      %[[IN:.*]] = arith.cmpi ult, %[[T]], %[[LEN:.*]] : index
// STAGED-NEXT:      %[[V:.*]] = arith.select %[[IN]], %{{.*}}, %[[OLD]] : i8
// STAGED-NEXT:      memref.store %[[V]], %[[SLOT]][%c0, %[[AT]]] : memref<1x64xi8>
// STAGED:       scf.yield %[[LEN]] : index
func.func @recurrent(%x: tensor<1x4x16xf32>) -> tensor<1x4x2xf32> {
  %w = qnn.constant dense<[[[1, 0, -1], [2, 1, 0], [0, 0, 1], [-1, 1, 1]],
                           [[0, 1, 0], [1, -2, 1], [3, 0, 0], [0, 0, -1]],
                           [[-1, -1, 2], [0, 1, 1], [1, 0, 0], [2, -3, 1]],
                           [[1, 1, 1], [0, 0, 0], [-1, 2, -1], [1, 0, 2]]]> : tensor<4x4x3xi4> : tensor<4x4x3x!w>
  %b = qnn.constant dense<[1, -2, 3, 0]> : tensor<4xi32> : tensor<4x!acc>
  %q = qnn.quantize %x : tensor<1x4x16xf32> -> tensor<1x4x16x!act>
  %r = qnn.recurrent_conv %q, %w, %b {iterations = 3, strides = array<i64: 1>, pads = array<i64: 1, 1>,
        dilations = array<i64: 1>, pool_kernel = array<i64: 2>, pool_strides = array<i64: 2>}
      : (tensor<1x4x16x!act>, tensor<4x4x3x!w>, tensor<4x!acc>) -> tensor<1x4x2x!act>
  %y = qnn.dequantize %r : tensor<1x4x2x!act> -> tensor<1x4x2xf32>
  return %y : tensor<1x4x2xf32>
}

// -----

!in = !quant.uniform<u8:f32, 0.0078125:128>
!w = !quant.uniform<i4:f32, 0.125>
!acc = !quant.uniform<i32:f32, 9.765625E-4>

// A 2-D conv (one output channel: its channel loop folds away) is reordered
// around its two innermost parallel loops; the padding test of the outer
// spatial dimension stays in the loop. A dense layer keeps its reduction.
// CHECK-LABEL: func.func @conv2d_and_dense_int
// CHECK: memref.get_global @acc_row_i16 : memref<4xi16>
// CHECK: scf.for %{{.*}} = %c0 to %c4 step %c1 {
// CHECK: arith.select
// CHECK: scf.for {{.*}} iter_args
// CHECK: } {qnn.acc_bits = 14 : i64}
// CHECK: return
func.func @conv2d_and_dense(%x: tensor<1x1x4x4xf32>, %v: tensor<1x8xf32>) -> (tensor<1x1x4x4xf32>, tensor<1x2xf32>) {
  %w = qnn.constant dense<[[[[1, -2], [3, 4]]]]> : tensor<1x1x2x2xi4> : tensor<1x1x2x2x!w>
  %q = qnn.quantize %x : tensor<1x1x4x4xf32> -> tensor<1x1x4x4x!in>
  %c = qnn.conv %q, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 1, 1>, dilations = array<i64: 1, 1>}
      : (tensor<1x1x4x4x!in>, tensor<1x1x2x2x!w>) -> tensor<1x1x4x4x!acc>
  %y = qnn.dequantize %c : tensor<1x1x4x4x!acc> -> tensor<1x1x4x4xf32>
  %wd = qnn.constant dense<[[1, 2, 3, 4, -1, -2, -3, -4], [7, 7, 7, 7, -8, -8, -8, -8]]> : tensor<2x8xi4> : tensor<2x8x!w>
  %qv = qnn.quantize %v : tensor<1x8xf32> -> tensor<1x8x!in>
  %d = qnn.dense %qv, %wd : (tensor<1x8x!in>, tensor<2x8x!w>) -> tensor<1x2x!acc>
  %z = qnn.dequantize %d : tensor<1x2x!acc> -> tensor<1x2xf32>
  return %y, %z : tensor<1x1x4x4xf32>, tensor<1x2xf32>
}
