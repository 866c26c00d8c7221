//===- QNNDialect.cpp - the qnn dialect -----------------------------------===//
#include "qrcnn/Dialect/QNN/QNNDialect.h"
#include "qrcnn/Dialect/QNN/QNNOps.h"

using namespace mlir;
using namespace qrcnn::qnn;

#include "qrcnn/Dialect/QNN/QNNDialect.cpp.inc"

void QNNDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "qrcnn/Dialect/QNN/QNNOps.cpp.inc"
      >();
}

Operation *QNNDialect::materializeConstant(OpBuilder &builder, Attribute value,
                                           Type type, Location loc) {
  auto elements = dyn_cast<ElementsAttr>(value);
  if (!elements)
    return nullptr;
  return builder.create<ConstantOp>(loc, type, elements);
}
