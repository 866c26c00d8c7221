// RUN: qrcnn-opt %S/../../../examples/models/qrcnn_tiny.mlir --qnn-pipeline --qnn-lower-to-loops --qnn-cpu-reorder-conv-loops --qnn-cpu-workspace-arguments | FileCheck %s
// The mutable globals (the arena; the accumulator row of the reordered
// convs) become trailing arguments of both entries, in order of first use;
// constants stay globals. The globals remain for the static API.

// CHECK-DAG: memref.global "private" @acc_row_i16 : memref<[[ROW:[0-9]+]]xi16>
// CHECK-DAG: memref.global "private" @main_arena_i8 : memref<2x64xi8>
// CHECK-LABEL: func.func @main_int(
// CHECK-SAME: %arg0: memref<1x1x32xi8> {{.*}}, %arg1: memref<1x3xi32> {{.*}}, %[[A:.*]]: memref<2x64xi8>, %[[R:.*]]: memref<[[ROW]]xi16>)
// CHECK-SAME: qnn.workspace = [@main_arena_i8, @acc_row_i16], qnn.workspace_args = 2 : i64
// CHECK-NOT: memref.get_global @main_arena_i8
// CHECK-NOT: memref.get_global @acc_row_i16
// CHECK-DAG: memref.store %{{.*}}, %[[R]][
// CHECK-DAG: memref.store %{{.*}}, %[[A]][
// CHECK: return
// CHECK-LABEL: func.func @main(
// CHECK-SAME: %arg0: memref<1x1x32xf32>, %arg1: memref<1x3xf32>, %[[FA:.*]]: memref<2x64xi8>, %[[FR:.*]]: memref<[[ROW]]xi16>)
// CHECK-SAME: qnn.workspace = [@main_arena_i8, @acc_row_i16], qnn.workspace_args = 2 : i64
// CHECK: call @main_int(%{{.*}}, %{{.*}}, %[[FA]], %[[FR]])
