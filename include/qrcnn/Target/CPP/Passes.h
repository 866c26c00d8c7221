//===- Passes.h - passes of the CPU backend ---------------------*- C++ -*-===//
//
// Only the TableGen'erated declarations; the logic sits in CppTarget.h.
//
//===----------------------------------------------------------------------===//
#ifndef QRCNN_TARGET_CPP_PASSES_H
#define QRCNN_TARGET_CPP_PASSES_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/EmitC/IR/EmitC.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace qrcnn::cpp {

#define GEN_PASS_DECL
#include "qrcnn/Target/CPP/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "qrcnn/Target/CPP/Passes.h.inc"

} // namespace qrcnn::cpp

#endif // QRCNN_TARGET_CPP_PASSES_H
