//===- Registry.cpp - the target registry and plugin loading --------------===//
#include "qrcnn/Target/Target.h"
#include "qrcnn/Target/TargetPlugin.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/DynamicLibrary.h"

#include <algorithm>

using namespace llvm;

namespace qrcnn {

Target::~Target() = default;

void Target::addOptions(CLI::App &) {}

void Target::buildPipeline(mlir::OpPassManager &, const EmitContext &) const {}

void Target::registerPasses() const {}

Error TargetRegistry::add(std::unique_ptr<Target> target) {
  StringRef name = target->getName();
  if (name.empty() || any_of(name, [](char c) {
        return !(isLower(c) || isDigit(c) || c == '-' || c == '_');
      }))
    return createStringError(inconvertibleErrorCode(),
                             "target name '" + name +
                                 "' must be lowercase letters, digits, '-' "
                                 "or '_'");
  if (lookup(name))
    return createStringError(inconvertibleErrorCode(),
                             "target '" + name + "' is registered twice");
  llvm::erase_if(planned, [&](const auto &entry) { return entry.first == name; });
  targets.push_back(std::move(target));
  return Error::success();
}

void TargetRegistry::addPlanned(StringRef name, StringRef reason) {
  if (lookup(name) || !lookupPlanned(name).empty())
    return;
  planned.emplace_back(name.str(), reason.str());
}

Target *TargetRegistry::lookup(StringRef name) const {
  for (const std::unique_ptr<Target> &target : targets)
    if (target->getName() == name)
      return target.get();
  return nullptr;
}

StringRef TargetRegistry::lookupPlanned(StringRef name) const {
  for (const auto &[plannedName, reason] : planned)
    if (plannedName == name)
      return reason;
  return {};
}

std::vector<std::string> TargetRegistry::getNames() const {
  std::vector<std::string> names;
  for (const std::unique_ptr<Target> &target : targets)
    names.push_back(target->getName().str());
  for (const auto &entry : planned)
    names.push_back(entry.first);
  return names;
}

std::string TargetRegistry::getHelpText() const {
  size_t width = 0;
  for (const std::string &name : getNames())
    width = std::max(width, name.size());
  std::string text = "What to produce:";
  auto addLine = [&](StringRef name, StringRef description) {
    text += "\n  " + name.str() + std::string(width - name.size() + 2, ' ') +
            description.str();
  };
  for (const std::unique_ptr<Target> &target : targets)
    addLine(target->getName(), target->getDescription());
  for (const auto &[name, reason] : planned)
    addLine(name, "(not built yet: " + reason + ")");
  return text;
}

Error loadTargetPlugin(StringRef path, TargetRegistry &registry) {
  std::string error;
  auto library =
      sys::DynamicLibrary::getPermanentLibrary(path.str().c_str(), &error);
  if (!library.isValid())
    return createStringError(inconvertibleErrorCode(),
                             "cannot load target plugin '" + path +
                                 "': " + error);
  auto getInfo = reinterpret_cast<TargetPluginInfo (*)()>(
      library.getAddressOfSymbol("qrcnnGetTargetPluginInfo"));
  if (!getInfo)
    return createStringError(inconvertibleErrorCode(),
                             "target plugin '" + path +
                                 "' does not define qrcnnGetTargetPluginInfo");
  TargetPluginInfo info = getInfo();
  if (info.apiVersion != QRCNN_TARGET_PLUGIN_API_VERSION)
    return createStringError(
        inconvertibleErrorCode(),
        "target plugin '" + path + "' was built for plugin API version " +
            Twine(info.apiVersion) + "; this qrcnnc has version " +
            Twine(QRCNN_TARGET_PLUGIN_API_VERSION));
  if (!info.registerTargets)
    return createStringError(inconvertibleErrorCode(),
                             "target plugin '" + path +
                                 "' gives no registration function");
  size_t before = registry.getTargets().size();
  if (Error err = info.registerTargets(registry))
    return createStringError(inconvertibleErrorCode(),
                             "target plugin '" + path +
                                 "': " + toString(std::move(err)));
  if (registry.getTargets().size() == before)
    return createStringError(inconvertibleErrorCode(),
                             "target plugin '" + path +
                                 "' registered no target");
  return Error::success();
}

} // namespace qrcnn
