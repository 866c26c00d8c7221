//===- QNNDialect.h - the qnn dialect ---------------------------*- C++ -*-===//
#ifndef QRCNN_DIALECT_QNN_QNNDIALECT_H
#define QRCNN_DIALECT_QNN_QNNDIALECT_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/Dialect/Quant/QuantOps.h"
#include "mlir/Dialect/Quant/QuantTypes.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpImplementation.h"

#include "qrcnn/Dialect/QNN/QNNDialect.h.inc"

#endif // QRCNN_DIALECT_QNN_QNNDIALECT_H
