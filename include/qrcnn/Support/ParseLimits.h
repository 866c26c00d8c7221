//===- ParseLimits.h - bounds checked before MLIR's parser runs -*- C++ -*-===//
//
// MLIR 19's textual parser recurses once (several frames) per nested
// bracket: `((((...))))` function types, `tuple<tuple<...>>`, nested
// regions. A few thousand levels overflow the stack and kill the process
// instead of producing a diagnostic (found by fuzz/qnn-mlir-fuzzer). qrcnn's
// tools therefore scan the text first and refuse input nested deeper than
// any real IR is: qnn modules nest about ten levels.
//
//===----------------------------------------------------------------------===//
#ifndef QRCNN_SUPPORT_PARSELIMITS_H
#define QRCNN_SUPPORT_PARSELIMITS_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "mlir/Parser/Parser.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/SourceMgr.h"

#include <cstddef>
#include <optional>
#include <string>

namespace qrcnn {

/// Deepest bracket nesting handed to MLIR's parser. With ASan's larger
/// frames the parser survives about 2,000 levels on an 8 MiB stack; 256
/// leaves a wide margin and is still far beyond hand-written IR.
constexpr unsigned kMaxIRNestingDepth = 256;

/// Offset of the first bracket in `text` that opens nesting level
/// `maxDepth + 1`, or std::nullopt if the text stays within `maxDepth`.
/// Counts `(`, `[`, `{` and `<` (not the `>` of `->`); skips string
/// literals and `//` comments, where brackets do not nest anything.
std::optional<size_t> findExcessiveNesting(llvm::StringRef text,
                                           unsigned maxDepth = kMaxIRNestingDepth);

/// The error both refusals print (qrcnnc through the context's handlers,
/// qrcnn-opt through its SourceMgr).
std::string getExcessiveNestingMessage();

/// As mlir::parseSourceFile for the main buffer of `sources`, but first
/// refuses (an error at the offending bracket's line and column, through
/// the context's diagnostic handlers) text nested deeper than
/// kMaxIRNestingDepth.
mlir::OwningOpRef<mlir::ModuleOp>
parseSourceFileWithLimits(llvm::SourceMgr &sources,
                          const mlir::ParserConfig &config);

} // namespace qrcnn

#endif // QRCNN_SUPPORT_PARSELIMITS_H
