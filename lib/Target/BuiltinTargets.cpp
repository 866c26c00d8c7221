//===- BuiltinTargets.cpp - the targets compiled into qrcnn ---------------===//
//
// BuiltinTargets.inc is written by lib/Target/CMakeLists.txt: one
// QRCNN_TARGET(registration function) line per `qrcnn_add_target` call.
//
//===----------------------------------------------------------------------===//
#include "qrcnn/Target/Target.h"

#include "llvm/Support/ErrorHandling.h"

namespace qrcnn {

std::unique_ptr<Target> createMLIRTarget();

#define QRCNN_TARGET(registerFunction)                                         \
  llvm::Error registerFunction(TargetRegistry &registry);
#include "qrcnn/Target/BuiltinTargets.inc"
#undef QRCNN_TARGET

void registerBuiltinTargets(TargetRegistry &registry) {
  // Built-in names are fixed at build time: a clash is a build bug.
  llvm::cantFail(registry.add(createMLIRTarget()));
#define QRCNN_TARGET(registerFunction)                                         \
  llvm::cantFail(registerFunction(registry));
#include "qrcnn/Target/BuiltinTargets.inc"
#undef QRCNN_TARGET
}

} // namespace qrcnn
