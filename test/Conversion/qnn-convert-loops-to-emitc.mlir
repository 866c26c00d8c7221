// RUN: qrcnn-opt %s --qnn-convert-loops-to-emitc | FileCheck %s
// RUN: qrcnn-opt %s --qnn-convert-loops-to-emitc | mlir-translate --allow-unregistered-dialect --mlir-to-cpp | FileCheck %s --check-prefix=CPP
// The whole path from qnn: examples/models/qrcnn_tiny.mlir prints as C++.
// RUN: qrcnn-opt %srcroot/examples/models/qrcnn_tiny.mlir --qnn-lower-to-loops --qnn-convert-loops-to-emitc \
// RUN:   | mlir-translate --allow-unregistered-dialect --mlir-to-cpp | FileCheck %s --check-prefix=TINY

// Memref signatures, index loop bounds and iter_args (index and i32) convert
// in one go: no casts are left, loop annotations and global attributes stay.
// CHECK-NOT: unrealized_conversion_cast
// CHECK: emitc.global static @arena : !emitc.array<2x8xi8>
// CHECK: emitc.global static const @weight : !emitc.array<4xi8> = dense<[1, -2, 3, -4]> {qnn.quant_type = !quant.uniform<i4:f32, 1.250000e-01>}
// CHECK-LABEL: emitc.func @step(
// CHECK-SAME: %[[IN:.*]]: !emitc.array<1x4xi8>, %[[OUT:.*]]: !emitc.array<1xi32>
// CHECK: %[[LEN:.*]] = "emitc.variable"() <{value = #emitc.opaque<"">}> : () -> !emitc.size_t
// CHECK: emitc.for %[[I:.*]] = %{{.*}} to %{{.*}} step %{{.*}} : !emitc.size_t {
// CHECK: %[[SUM:.*]] = "emitc.variable"() <{value = #emitc.opaque<"">}> : () -> i32
// CHECK: emitc.for %[[J:.*]] = %{{.*}} to %[[LEN]] step %{{.*}} : !emitc.size_t {
// CHECK: emitc.subscript %[[IN]][%{{.*}}, %[[J]]] : (!emitc.array<1x4xi8>, !emitc.size_t, !emitc.size_t) -> i8
// CHECK: emitc.assign %{{.*}} : i32 to %[[SUM]] : i32
// CHECK: } {qnn.max_trip_count = 4 : index}
// CHECK: emitc.subscript %[[OUT]]
// CHECK: emitc.assign %{{.*}} : !emitc.size_t to %[[LEN]] : !emitc.size_t
// CHECK: } {qnn.recurrent_steps = 2 : i64}

// CPP: static int8_t arena[2][8];
// CPP: static const int8_t weight[4] = {1, -2, 3, -4};
// CPP: void step(int8_t [[IN:v[0-9]+]][1][4], int32_t [[OUT:v[0-9]+]][1]) {
// CPP: for (size_t [[I:v[0-9]+]] = {{v[0-9]+}}; [[I]] < {{v[0-9]+}}; [[I]] += {{v[0-9]+}}) {
// CPP: = [[IN]][{{v[0-9]+}}][{{v[0-9]+}}];
// CPP: [[OUT]][{{v[0-9]+}}] =

memref.global "private" @arena : memref<2x8xi8> = uninitialized
memref.global "private" constant @weight : memref<4xi8> = dense<[1, -2, 3, -4]> {qnn.quant_type = !quant.uniform<i4:f32, 0.125>}
func.func @step(%in: memref<1x4xi8>, %out: memref<1xi32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c4 = arith.constant 4 : index
  %zero = arith.constant 0 : i32
  %w = memref.get_global @weight : memref<4xi8>
  %a = memref.get_global @arena : memref<2x8xi8>
  %len = scf.for %i = %c0 to %c2 step %c1 iter_args(%n = %c4) -> (index) {
    %sum = scf.for %j = %c0 to %n step %c1 iter_args(%s = %zero) -> (i32) {
      %x = memref.load %in[%c0, %j] : memref<1x4xi8>
      %y = memref.load %w[%j] : memref<4xi8>
      %xe = arith.extui %x : i8 to i32
      %ye = arith.extsi %y : i8 to i32
      %p = arith.muli %xe, %ye : i32
      %t = arith.addi %s, %p : i32
      scf.yield %t : i32
    } {qnn.max_trip_count = 4 : index}
    %b = arith.trunci %sum : i32 to i8
    memref.store %b, %a[%i, %c0] : memref<2x8xi8>
    memref.store %sum, %out[%c0] : memref<1xi32>
    %m = arith.subi %n, %c1 : index
    scf.yield %m : index
  } {qnn.recurrent_steps = 2 : i64}
  return
}

// TINY: static int8_t main_arena_i8[2][64];
// TINY: static const int8_t main_conv0_weight[4][1][3] = {1, 2, 1, -1, 0, 1, 3, -2, 1, 0, 4, -4};
// TINY: void main_int(int8_t {{v[0-9]+}}[1][1][32], int32_t {{v[0-9]+}}[1][3]) {
// TINY: void main(float {{v[0-9]+}}[1][1][32], float {{v[0-9]+}}[1][3]) {
// TINY: main_int(
