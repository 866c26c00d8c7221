// RUN: qrcnn-opt %s --qnn-lower-to-loops -split-input-file | FileCheck %s
// RUN: qrcnn-opt %srcroot/examples/models/qrcnn_tiny.mlir --qnn-lower-to-loops | FileCheck %s --check-prefix=TINY
// RUN: qrcnn-opt %srcroot/examples/models/qrcnn_tiny.mlir --qnn-lower-to-loops | FileCheck %s --check-prefix=ONCE

// The example QRCNN (examples/models/qrcnn_tiny.mlir): weights as int8
// globals that remember their int4 type; one arena of two 64-byte slots (the
// largest stored activation is the pooled stem output, 4x16).
// TINY-DAG: memref.global "private" @main_arena_i8 : memref<2x64xi8> = uninitialized
// TINY-DAG: memref.global "private" constant @main_conv0_weight : memref<4x1x3xi8> = dense<{{\[\[\[}}1, 2, 1]], {{.*}}> {qnn.quant_type = !quant.uniform<i4:f32, 1.250000e-01>}
// TINY-DAG: memref.global "private" constant @main_conv0_bias : memref<4xi32> = dense<[10, -4, 0, 7]>
// TINY-DAG: memref.global "private" constant @main_recurrent_conv0_weight : memref<4x4x3xi8>

// The integer entry: stored u8 input in, i32 logits out, integer ops only.
// TINY-LABEL: func.func @main_int(
// TINY-SAME: %[[X:.*]]: memref<1x1x32xi8> {qnn.quant_type = !quant.uniform<u8:f32, 7.812500e-03:128>}
// TINY-SAME: %[[OUT:.*]]: memref<1x3xi32> {qnn.quant_type = !quant.uniform<i32:f32, 7.812500e-03>}
// TINY-SAME: qnn.arena_bytes = 128 : i64
// TINY-SAME: qnn.entry = "int"
// TINY-NOT: {{arith\.(addf|subf|mulf|divf|cmpf|sitofp|fptosi)|: f32}}
// TINY: %[[ARENA:.*]] = memref.get_global @main_arena_i8 : memref<2x64xi8>

// Stem: conv -> requantize -> maxpool in one nest over (position, channel,
// pool tap); the accumulator is an i32 iter_arg, never a buffer. Padding
// reads the zero point 128, which the subtraction cancels.
// TINY: scf.for %[[T:.*]] = %c0 to %c16 step %c1 {
// TINY-NEXT: scf.for %[[C:.*]] = %c0 to %c4 step %c1 {
// TINY-NEXT: scf.for %{{.*}} = %c0 to %c2 step %c1 iter_args(%[[MAX:.*]] = %c0_i64) -> (i64) {
// TINY: %[[ACC:.*]] = scf.for %{{.*}} = %c0 to %c3 step %c1 iter_args(%{{.*}} = %{{.*}}) -> (i32) {
// TINY: %[[IN:.*]] = arith.cmpi ult, %{{.*}}, %c32 : index
// TINY: memref.load %[[X]]
// TINY: arith.select %[[IN]], %{{.*}}, %c128_i32 : i32
// TINY: arith.subi %{{.*}}, %c128_i32 : i32
// TINY: arith.muli %{{.*}}, %{{.*}} : i32
// M = 2^-7 * 2^-3 / 2^-4 = 2^-6 = 2^30 * 2^-36, rounded half to even:
// TINY: %[[WIDE:.*]] = arith.extsi %[[ACC]] : i32 to i64
// TINY: %[[PROD:.*]] = arith.muli %[[WIDE]], %c1073741824_i64 : i64
// TINY: arith.shrsi %[[PROD]], %c36_i64 : i64
// TINY: arith.andi %[[PROD]], %c68719476735_i64 : i64
// TINY: arith.cmpi eq, %{{.*}}, %c34359738368_i64 : i64
// TINY: arith.cmpi sgt, %{{.*}}, %c15_i64 : i64
// TINY: arith.cmpi sgt, %{{.*}}, %[[MAX]] : i64
// TINY: memref.store %{{.*}}, %[[ARENA]][%c0, %{{.*}}] : memref<2x64xi8>

// The recurrent conv: one conv nest inside the loop over its 3 steps; the
// step's parity picks the source and target slot, the extent is carried.
// TINY: scf.for %[[STEP:.*]] = %c0 to %c3 step %c1 iter_args(%[[LEN:.*]] = %c16) -> (index) {
// TINY: %[[ODD:.*]] = arith.cmpi ne, %{{.*}}, %c0 : index
// TINY: %[[SRC:.*]] = arith.select %[[ODD]], %c1, %c0 : index
// TINY: %[[DST:.*]] = arith.select %[[ODD]], %c0, %c1 : index
// TINY: %[[NEXT:.*]] = arith.addi %{{.*}}, %c1 : index
// TINY: scf.for %{{.*}} = %c0 to %[[NEXT]] step %c1 {
// TINY: arith.cmpi ult, %{{.*}}, %[[LEN]] : index
// TINY: memref.load %[[ARENA]][%[[SRC]], %{{.*}}] : memref<2x64xi8>
// TINY: memref.load %{{.*}} : memref<4x4x3xi8>
// TINY: arith.muli %{{.*}}, %c1073741824_i64 : i64
// TINY: arith.shrsi %{{.*}}, %c33_i64 : i64
// TINY: memref.store %{{.*}}, %[[ARENA]][%[[DST]], %{{.*}}] : memref<2x64xi8>
// TINY: } {qnn.max_trip_count = 8 : index}
// TINY: scf.yield %[[NEXT]] : index
// TINY-NEXT: } {qnn.recurrent_steps = 3 : i64}

// Three steps end in slot 1; the dense layer reads the flattened 4x2 there
// (reshape is free) and writes the i32 logits straight into the output.
// TINY: memref.load %[[ARENA]][%c1, %{{.*}}] : memref<2x64xi8>
// TINY: memref.store %{{.*}}, %[[OUT]][%c0, %{{.*}}] : memref<1x3xi32>
// TINY: return

// The float entry quantizes (f32 division, clamp to [0 - 128, 255 - 128]
// with NaN to the bottom, round half to even in fixed point with 24
// fraction bits, i32 for an 8-bit type, + 128, clamp to 0..255), calls the
// integer entry and dequantizes (q - 0) * 2^-7 in f32.
// TINY-LABEL: func.func @main(
// TINY-SAME: %[[FX:.*]]: memref<1x1x32xf32>, %[[FY:.*]]: memref<1x3xf32>
// TINY-SAME: qnn.entry = "float", qnn.int_entry = @main_int, qnn.num_inputs = 1 : i64, qnn.staging_bytes = 44 : i64
// TINY: %[[Q:.*]] = memref.alloca() : memref<1x1x32xi8>
// TINY: %[[V:.*]] = arith.divf %{{.*}}, %{{.*}} : f32
// TINY: %[[BELOW:.*]] = arith.cmpf ole, %[[V]], %[[HIGH:.*]] : f32
// TINY: %[[ABOVE:.*]] = arith.cmpf oge, %[[V]], %[[LOW:.*]] : f32
// TINY: %[[UPPER:.*]] = arith.select %[[BELOW]], %[[V]], %[[HIGH]] : f32
// TINY: %[[CLAMPED:.*]] = arith.select %[[ABOVE]], %[[UPPER]], %[[LOW]] : f32
// TINY: %[[FIXED:.*]] = arith.mulf %[[CLAMPED]], %{{.*}} : f32
// TINY: %[[N:.*]] = arith.fptosi %[[FIXED]] : f32 to i32
// TINY: %[[FLOOR:.*]] = arith.shrsi %[[N]], %c24_i32 : i32
// TINY: arith.andi %[[N]], %c16777215_i32 : i32
// TINY: arith.subi %c8388608_i32, %{{.*}} : i32
// TINY: %[[MINUS_UP:.*]] = arith.shrsi %{{.*}}, %c31_i32 : i32
// TINY: arith.subi %[[FLOOR]], %[[MINUS_UP]] : i32
// TINY: arith.addi %{{.*}}, %c128_i32 : i32
// TINY: arith.cmpi sgt, %{{.*}}, %c255_i32 : i32
// TINY: memref.store %{{.*}}, %[[Q]]
// TINY: %[[ACCS:.*]] = memref.alloca() : memref<1x3xi32>
// TINY: call @main_int(%[[Q]], %[[ACCS]])
// TINY: arith.sitofp %{{.*}} : i32 to f32
// TINY: arith.mulf
// TINY: memref.store %{{.*}}, %[[FY]]

// Every step reads the recurrent weights in the same, single loop nest.
// ONCE-COUNT-1: memref.load {{.*}} : memref<4x4x3xi8>
// ONCE-NOT: memref.load {{.*}} : memref<4x4x3xi8>

!u4 = !quant.uniform<u8<0:15>:f32, 0.0625>
!w4 = !quant.uniform<i4:f32, 0.125>
!acc = !quant.uniform<i32:f32, 0.0078125>

// Four conv blocks in a chain share one arena of two slots: the first reads
// the input, then they alternate, the last writes the output.
// CHECK: memref.global "private" @chain_arena_i8 : memref<2x128xi8> = uninitialized
// CHECK-LABEL: func.func @chain_int(
// CHECK-SAME: %[[X:[^:]*]]: memref<1x4x32xi8>
// CHECK-SAME: %[[Y:[^:]*]]: memref<1x4x32xi8>
// CHECK-SAME: qnn.arena_bytes = 256
// CHECK: %[[A:.*]] = memref.get_global @chain_arena_i8
// The inferred accumulator width is recorded on the reduction loop.
// CHECK: memref.load %[[X]]
// CHECK: } {qnn.acc_bits = 11 : i64}
// CHECK: memref.store %{{.*}}, %[[A]][%c0, %{{.*}}]
// CHECK: memref.load %[[A]][%c0, %{{.*}}]
// CHECK: memref.store %{{.*}}, %[[A]][%c1, %{{.*}}]
// CHECK: memref.load %[[A]][%c1, %{{.*}}]
// CHECK: memref.store %{{.*}}, %[[A]][%c0, %{{.*}}]
// CHECK: memref.load %[[A]][%c0, %{{.*}}]
// CHECK: memref.store %{{.*}}, %[[Y]][%c0, %{{.*}}, %{{.*}}]
// CHECK-LABEL: func.func @chain(
// CHECK: call @chain_int
func.func @chain(%x: tensor<1x4x32x!u4>, %w: tensor<4x4x3x!w4>) -> tensor<1x4x32x!u4> {
  %c0 = qnn.conv %x, %w {strides = array<i64: 1>, pads = array<i64: 1, 1>, dilations = array<i64: 1>, acc_bits = 11} : (tensor<1x4x32x!u4>, tensor<4x4x3x!w4>) -> tensor<1x4x32x!acc>
  %r0 = qnn.requantize %c0 : tensor<1x4x32x!acc> -> tensor<1x4x32x!u4>
  %c1 = qnn.conv %r0, %w {strides = array<i64: 1>, pads = array<i64: 1, 1>, dilations = array<i64: 1>} : (tensor<1x4x32x!u4>, tensor<4x4x3x!w4>) -> tensor<1x4x32x!acc>
  %r1 = qnn.requantize %c1 : tensor<1x4x32x!acc> -> tensor<1x4x32x!u4>
  %c2 = qnn.conv %r1, %w {strides = array<i64: 1>, pads = array<i64: 1, 1>, dilations = array<i64: 1>} : (tensor<1x4x32x!u4>, tensor<4x4x3x!w4>) -> tensor<1x4x32x!acc>
  %r2 = qnn.requantize %c2 : tensor<1x4x32x!acc> -> tensor<1x4x32x!u4>
  %c3 = qnn.conv %r2, %w {strides = array<i64: 1>, pads = array<i64: 1, 1>, dilations = array<i64: 1>} : (tensor<1x4x32x!u4>, tensor<4x4x3x!w4>) -> tensor<1x4x32x!acc>
  %r3 = qnn.requantize %c3 : tensor<1x4x32x!acc> -> tensor<1x4x32x!u4>
  return %r3 : tensor<1x4x32x!u4>
}

// -----

!u4 = !quant.uniform<u8<0:15>:f32, 0.0625>
!w4 = !quant.uniform<i4:f32, 0.125>
!acc = !quant.uniform<i32:f32, 0.0078125>

// An accumulator with two readers cannot be fused: it is stored in an i32
// arena, and each requantize reads it back.
// CHECK-DAG: memref.global "private" @shared_acc_arena_i32 : memref<1x32xi32> = uninitialized
// CHECK-DAG: memref.global "private" @shared_acc_arena_i8 : memref<1x32xi8> = uninitialized
// CHECK-LABEL: func.func @shared_acc_int(
// CHECK: %[[ACCS:.*]] = memref.get_global @shared_acc_arena_i32
// CHECK: memref.store %{{.*}}, %[[ACCS]][%c0, %{{.*}}] : memref<1x32xi32>
// CHECK: memref.load %[[ACCS]]
// CHECK: memref.load %[[ACCS]]
// A float output: the float entry stages its stored value and dequantizes.
// CHECK-LABEL: func.func @shared_acc(
// CHECK-SAME: qnn.staging_bytes = 32
// CHECK: arith.sitofp
func.func @shared_acc(%x: tensor<1x4x8x!u4>, %w: tensor<4x4x1x!w4>) -> (tensor<1x4x8x!u4>, tensor<1x4x8xf32>) {
  %c = qnn.conv %x, %w {strides = array<i64: 1>, pads = array<i64: 0, 0>, dilations = array<i64: 1>} : (tensor<1x4x8x!u4>, tensor<4x4x1x!w4>) -> tensor<1x4x8x!acc>
  %r = qnn.requantize %c : tensor<1x4x8x!acc> -> tensor<1x4x8x!u4>
  %m = qnn.maxpool %r {kernel = array<i64: 1>, strides = array<i64: 1>, pads = array<i64: 0, 0>, dilations = array<i64: 1>} : tensor<1x4x8x!u4> -> tensor<1x4x8x!u4>
  %s = qnn.requantize %c : tensor<1x4x8x!acc> -> tensor<1x4x8x!u4>
  %d = qnn.dequantize %s : tensor<1x4x8x!u4> -> tensor<1x4x8xf32>
  return %m, %d : tensor<1x4x8x!u4>, tensor<1x4x8xf32>
}

// -----

!u4 = !quant.uniform<u8<0:15>:f32, 0.0625>
!w4 = !quant.uniform<i4:f32, 0.125>

// A recurrent conv whose input is a function argument copies it into its
// first slot; an overlapping pool (kernel 3, stride 2) keeps the conv outputs
// in a third slot. Slots hold the largest step (4x32). Three steps end in
// slot 1, copied to the output through the reshape (no extra buffer).
// CHECK: memref.global "private" @rec_arg_arena_i8 : memref<3x128xi8> = uninitialized
// CHECK-LABEL: func.func @rec_arg_int(
// CHECK-SAME: %[[X:[^:]*]]: memref<1x4x32xi8>
// CHECK-SAME: %[[OUT:[^:]*]]: memref<1x12xi8>
// CHECK: %[[A:.*]] = memref.get_global @rec_arg_arena_i8
// CHECK: memref.load %[[X]]
// CHECK: memref.store %{{.*}}, %[[A]][%c0, %{{.*}}]
// CHECK: scf.for %{{.*}} = %c0 to %c3 step %c1 iter_args(%{{.*}} = %c32) -> (index) {
// CHECK: memref.store %{{.*}}, %[[A]][%c2, %{{.*}}]
// CHECK: } {qnn.max_trip_count = 32 : index}
// CHECK: memref.load %[[A]][%c2, %{{.*}}]
// CHECK: } {qnn.max_trip_count = 15 : index}
// CHECK: } {qnn.recurrent_steps = 3 : i64}
// CHECK: memref.load %[[A]][%c1, %{{.*}}]
// CHECK: memref.store %{{.*}}, %[[OUT]]
func.func @rec_arg(%x: tensor<1x4x32x!u4>, %w: tensor<4x4x3x!w4>) -> tensor<1x12x!u4> {
  %r = qnn.recurrent_conv %x, %w {iterations = 3, strides = array<i64: 1>, pads = array<i64: 1, 1>,
        dilations = array<i64: 1>, pool_kernel = array<i64: 3>, pool_strides = array<i64: 2>}
      : (tensor<1x4x32x!u4>, tensor<4x4x3x!w4>) -> tensor<1x4x3x!u4>
  %f = qnn.reshape %r : tensor<1x4x3x!u4> -> tensor<1x12x!u4>
  return %f : tensor<1x12x!u4>
}

// -----

!u8 = !quant.uniform<u8:f32, 0.01:128>
!u4 = !quant.uniform<u8<0:15>:f32, 0.0625>
!wc = !quant.uniform<i4:f32:0, {0.125, 0.375, 0.0625}>
!accc = !quant.uniform<i32:f32:1, {0.00125, 0.00375, 0.000625}>

// Per-channel weights: the multipliers and shifts become i32 tables read by
// output channel. M[c] = 0.01 * sw[c] / 0.0625 (checked bit for bit by
// qnn-lower-to-loops-exec.test); here only their shape.
// CHECK-DAG: memref.global "private" constant @per_channel_conv0_multiplier : memref<3xi32>
// CHECK-DAG: memref.global "private" constant @per_channel_conv0_shift : memref<3xi32>
// CHECK-LABEL: func.func @per_channel_int(
// CHECK: %[[MUL:.*]] = memref.get_global @per_channel_conv0_multiplier
// CHECK: scf.for %{{.*}} = %c0 to %c3 step %c1 {
// CHECK: memref.load %[[MUL]][%{{.*}}] : memref<3xi32>
func.func @per_channel(%x: tensor<1x2x8xf32>) -> tensor<1x3x8x!u4> {
  %w = qnn.constant dense<[[[1, -2], [0, 1]], [[3, 4], [5, -1]], [[-8, 7], [2, 2]]]> : tensor<3x2x2xi4> : tensor<3x2x2x!wc>
  %q = qnn.quantize %x : tensor<1x2x8xf32> -> tensor<1x2x8x!u8>
  %c = qnn.conv %q, %w {strides = array<i64: 1>, pads = array<i64: 0, 1>, dilations = array<i64: 1>}
      : (tensor<1x2x8x!u8>, tensor<3x2x2x!wc>) -> tensor<1x3x8x!accc>
  %r = qnn.requantize %c : tensor<1x3x8x!accc> -> tensor<1x3x8x!u4>
  return %r : tensor<1x3x8x!u4>
}

// -----

!u8 = !quant.uniform<u8:f32, 0.01:128>

// Unused values get no buffer and no loop; that includes arith.constant
// shapes the importer folds out of ONNX Shape nodes. What is left is the
// copy of the quantized input to the (integer) output.
// CHECK-LABEL: func.func @dead_int(
// CHECK-SAME: qnn.arena_bytes = 0
// CHECK-NOT: i64>
// CHECK: scf.for
// CHECK-NEXT: memref.load %arg0
// CHECK-NEXT: memref.store %{{.*}}, %arg1
// CHECK-NOT: scf.for
// CHECK: return
func.func @dead(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
  %shape = arith.constant dense<[1, 4]> : tensor<2xi64>
  %q = qnn.quantize %x : tensor<1x4xf32> -> tensor<1x4x!u8>
  %unused = qnn.reshape %q : tensor<1x4x!u8> -> tensor<4x!u8>
  %d = qnn.dequantize %q : tensor<1x4x!u8> -> tensor<1x4xf32>
  return %d : tensor<1x4xf32>
}
