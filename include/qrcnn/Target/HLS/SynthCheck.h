//===- SynthCheck.h - is generated HLS C++ synthesizable? -------*- C++ -*-===//
//
// A check of C++ source text (the emitter runs it on what it printed, before
// writing anything): starting at the top function, follow every call to a
// function defined in the given sources and report what high-level
// synthesis cannot turn into hardware:
//  * heap: new, delete, malloc, calloc, realloc, free;
//  * recursion: a call cycle reachable from the top;
//  * unbounded loops: `while`/`do` loops, and `for` loops whose bound is
//    not an integer constant, unless the loop body carries
//    `#pragma HLS LOOP_TRIPCOUNT ... max=N` with a constant N;
//  * standard containers (std::vector, std::string, std::map, ...);
//  * floating point: float / double types and floating literals.
// Functions the top does not reach (the testbench, helpers) may do all of
// that. The scanner is lexical (comments and string literals are skipped,
// functions are found by their `name(...) {` definitions), which is enough
// for the code qrcnnc prints and the small runtime headers it includes.
//
//===----------------------------------------------------------------------===//
#ifndef QRCNN_TARGET_HLS_SYNTHCHECK_H
#define QRCNN_TARGET_HLS_SYNTHCHECK_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <string>
#include <vector>

namespace qrcnn::hls {

struct SourceFile {
  /// Shown in messages.
  std::string name;
  std::string text;
};

struct SynthViolation {
  std::string file;
  /// 1-based line of the offending token.
  unsigned line = 0;
  /// The function it is in.
  std::string function;
  std::string message;
  /// `file:line: in function 'f': message`.
  std::string str() const;
};

/// Checks everything `top` reaches in `sources`. A `top` that is not
/// defined in them is itself a violation.
std::vector<SynthViolation>
checkSynthesizable(llvm::ArrayRef<SourceFile> sources, llvm::StringRef top);

} // namespace qrcnn::hls

#endif // QRCNN_TARGET_HLS_SYNTHCHECK_H
