// RUN: qrcnn-opt %s --qnn-cpu-prepare-emitc=name=ecg | FileCheck %s

// The entries get the model's name and internal linkage (the extern "C"
// API wraps them), every global is static, and the printed code includes
// the standard headers it needs.
// CHECK: emitc.include <"stddef.h">
// CHECK: emitc.include <"stdint.h">
// CHECK: emitc.global static @arena : !emitc.array<2x8xi8>
// CHECK: emitc.global static const @weight : !emitc.array<2xi8> = dense<[1, 2]>
// CHECK-LABEL: emitc.func @ecg_int_entry
// CHECK-SAME: qnn.entry = "int"
// CHECK-SAME: specifiers = ["static"]
// CHECK-LABEL: emitc.func @ecg_float_entry
// CHECK-SAME: qnn.entry = "float", qnn.int_entry = @ecg_int_entry
// CHECK-SAME: specifiers = ["static"]
// CHECK: emitc.call @ecg_int_entry
module {
  emitc.global @arena : !emitc.array<2x8xi8>
  emitc.global const @weight : !emitc.array<2xi8> = dense<[1, 2]>
  emitc.func @main_int(%arg0: !emitc.array<4xi8>) attributes {qnn.entry = "int", qnn.num_inputs = 1 : i64} {
    emitc.return
  }
  emitc.func @main(%arg0: !emitc.array<4xi8>) attributes {qnn.entry = "float", qnn.int_entry = @main_int, qnn.num_inputs = 1 : i64} {
    emitc.call @main_int(%arg0) : (!emitc.array<4xi8>) -> ()
    emitc.return
  }
}
