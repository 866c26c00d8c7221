//===- CheckSizeLimits.cpp - refuse constants no target could hold --------===//
//
// Runs first in the qnn pipeline: later passes visit every constant value,
// so their time and memory grow with the constants; this pass bounds both
// before they start (see Passes.td).
//
//===----------------------------------------------------------------------===//
#include "qrcnn/Transforms/Passes.h"

#include "mlir/IR/BuiltinAttributeInterfaces.h"
#include "mlir/IR/BuiltinOps.h"

namespace qrcnn::qnn {
#define GEN_PASS_DEF_CHECKSIZELIMITS
#include "qrcnn/Dialect/QNN/Passes.h.inc"
} // namespace qrcnn::qnn

using namespace mlir;

namespace {

struct CheckSizeLimitsPass
    : qrcnn::qnn::impl::CheckSizeLimitsBase<CheckSizeLimitsPass> {
  using CheckSizeLimitsBase::CheckSizeLimitsBase;

  void runOnOperation() override {
    int64_t total = 0;
    WalkResult result = getOperation().walk([&](Operation *op) {
      for (NamedAttribute attr : op->getAttrs()) {
        auto elements = dyn_cast<ElementsAttr>(attr.getValue());
        if (!elements)
          continue;
        // Element counts of valid types fit int64; their sum is checked
        // one constant at a time, so it cannot overflow either.
        int64_t count = elements.getNumElements();
        int64_t limit = maxConstantValues;
        if (count <= limit - total) {
          total += count;
          continue;
        }
        op->emitError() << "constant of " << count
                        << " values brings the model's constants past "
                        << limit
                        << " values, more than any device qrcnn compiles "
                           "for holds (qnn-check-size-limits)";
        return WalkResult::interrupt();
      }
      return WalkResult::advance();
    });
    if (result.wasInterrupted())
      signalPassFailure();
  }
};

} // namespace
