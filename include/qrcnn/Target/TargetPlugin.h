//===- TargetPlugin.h - out-of-tree targets as shared libraries -*- C++ -*-===//
//
// A plugin is a shared library that defines one function:
//
//   extern "C" ::qrcnn::TargetPluginInfo
//   qrcnnGetTargetPluginInfo() {
//     return {QRCNN_TARGET_PLUGIN_API_VERSION, "graphviz", "0.1",
//             [](qrcnn::TargetRegistry &r) -> llvm::Error {
//               return r.add(std::make_unique<GraphvizTarget>());
//             }};
//   }
//
// `qrcnnc --load-target=libfoo.so ...` loads it before parsing the command
// line, so the plugin's targets and options appear in `--help`. The plugin
// links nothing itself: the qnn dialect, MLIR and the registry come from the
// qrcnnc executable that loads it (which exports its symbols). The installed
// CMake package's `qrcnn_add_target_plugin()` builds one.
//
//===----------------------------------------------------------------------===//
#ifndef QRCNN_TARGET_TARGETPLUGIN_H
#define QRCNN_TARGET_TARGETPLUGIN_H

#include "qrcnn/Target/Target.h"

#include <cstdint>

/// Bumped whenever Target, TargetRegistry or EmitContext change layout.
#define QRCNN_TARGET_PLUGIN_API_VERSION 1

namespace qrcnn {

struct TargetPluginInfo {
  uint32_t apiVersion;
  const char *pluginName;
  const char *pluginVersion;
  /// Adds the plugin's targets; an error (e.g. a name clash) stops qrcnnc.
  llvm::Error (*registerTargets)(TargetRegistry &registry);
};

} // namespace qrcnn

/// The symbol the driver looks up in a plugin.
extern "C" ::qrcnn::TargetPluginInfo qrcnnGetTargetPluginInfo();

#endif // QRCNN_TARGET_TARGETPLUGIN_H
