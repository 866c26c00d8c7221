//===- Target.h - backends of the qrcnnc driver -----------------*- C++ -*-===//
//
// A target turns the module that the qnn pipeline produced into files: qnn IR
// text (`mlir`), a C++ library (`cpp`), an HLS project (`hls`), or whatever a
// plugin writes. Each target is one object in a TargetRegistry; the driver
// builds its `--target` choices, `--help` text and option groups from the
// registry, adds the target's passes to its own pass manager (so
// `--print-ir-after-all` and `--timing` cover them) and then calls `emit`.
//
// In-tree backends live in one folder under lib/Target and register with one
// `qrcnn_add_target(...)` line in that folder's CMakeLists.txt; out-of-tree
// backends are plugins (Target/TargetPlugin.h) loaded with
// `qrcnnc --load-target=PLUGIN.so`. docs/adding-a-backend.md walks through
// both.
//
//===----------------------------------------------------------------------===//
#ifndef QRCNN_TARGET_TARGET_H
#define QRCNN_TARGET_TARGET_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Support/LogicalResult.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/raw_ostream.h"

#include <memory>
#include <string>
#include <vector>

namespace CLI {
class App;
} // namespace CLI

namespace mlir {
class OpPassManager;
} // namespace mlir

namespace qrcnn {

/// What `-o` names for a target.
enum class OutputKind {
  /// One file; `-` is stdout.
  File,
  /// A folder, created if missing; files in it are overwritten.
  Folder,
};

/// What the driver hands to `Target::emit`.
struct EmitContext {
  /// The `-o` argument: a file (or `-`) or a folder, per the target's
  /// OutputKind.
  std::string outputPath;
  /// A C identifier naming the generated model (`--name`, by default derived
  /// from the model file's name): prefixes files, functions and constants.
  std::string name;
  /// The model file as given on the command line (for comments and reports).
  std::string modelPath;
  /// Where a target reports what it wrote (sizes, files); never the output
  /// itself. Quiet runs get a null stream.
  llvm::raw_ostream *report = nullptr;
};

class Target {
public:
  virtual ~Target();

  /// The `--target` value: lowercase, no spaces.
  virtual llvm::StringRef getName() const = 0;
  /// One line for `--help`.
  virtual llvm::StringRef getDescription() const = 0;
  virtual OutputKind getOutputKind() const = 0;

  /// Adds the target's own command-line options to `group`, an option group
  /// of the driver titled after the target. The target object keeps the
  /// values; they are set before `buildPipeline` and `emit` run. Using an
  /// option of one target together with `--target` of another is an error.
  virtual void addOptions(CLI::App &group);

  /// Adds the passes that take the module from the qnn pipeline's output to
  /// what `emit` prints (lowering, target-specific loop transformations,
  /// conversion to EmitC, ...). `context` is the one `emit` gets. The
  /// default adds nothing.
  virtual void buildPipeline(mlir::OpPassManager &pm,
                             const EmitContext &context) const;

  /// Registers the target's own passes globally (qrcnn-opt calls this for
  /// every built-in target so each pass can be run on its own).
  virtual void registerPasses() const;

  /// Writes the output for `module` (as left by the pipeline). Errors are
  /// reported as MLIR diagnostics (they name the op) or on llvm::errs()
  /// with a `qrcnnc: error:` prefix.
  virtual mlir::LogicalResult emit(mlir::ModuleOp module,
                                   const EmitContext &context) = 0;
};

/// The targets a driver offers, in registration order.
class TargetRegistry {
public:
  /// Adds `target`. Registering a name twice is an error; a target replaces
  /// a planned entry of the same name.
  llvm::Error add(std::unique_ptr<Target> target);

  /// Announces a target that is not built yet: `--target NAME` is accepted
  /// by the option parser and then fails with a diagnostic quoting `reason`.
  void addPlanned(llvm::StringRef name, llvm::StringRef reason);

  Target *lookup(llvm::StringRef name) const;
  /// The reason given to addPlanned, or empty if `name` is not planned.
  llvm::StringRef lookupPlanned(llvm::StringRef name) const;

  llvm::ArrayRef<std::unique_ptr<Target>> getTargets() const {
    return targets;
  }
  /// Every name `--target` accepts: registered targets, then planned ones.
  std::vector<std::string> getNames() const;
  /// The `--target` help text: one line per name with its description.
  std::string getHelpText() const;

private:
  std::vector<std::unique_ptr<Target>> targets;
  std::vector<std::pair<std::string, std::string>> planned;
};

/// Registers the `mlir` target and every backend built into this copy of
/// qrcnn (each folder of lib/Target that calls `qrcnn_add_target`).
void registerBuiltinTargets(TargetRegistry &registry);

/// Loads a target plugin (a shared library exporting
/// `qrcnnGetTargetPluginInfo`, see TargetPlugin.h) and lets it register its
/// targets.
llvm::Error loadTargetPlugin(llvm::StringRef path, TargetRegistry &registry);

} // namespace qrcnn

#endif // QRCNN_TARGET_TARGET_H
