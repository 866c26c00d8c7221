//===- FuzzCommon.h - what every qrcnn fuzz target runs --------*- C++ -*-===//
//
// The compiler's front half as one function per input kind: parse (ONNX
// bytes or qnn IR text), verify, run the qnn pass pipeline, and run the
// golden model on one small sample. A rejected input is the expected
// outcome for most fuzz inputs; the fuzzer is after crashes, sanitizer
// reports, leaks, hangs and runaway memory, which all abort the process.
//
//===----------------------------------------------------------------------===//
#ifndef QRCNN_FUZZ_FUZZCOMMON_H
#define QRCNN_FUZZ_FUZZCOMMON_H

#include "llvm/ADT/StringRef.h"

namespace qrcnn::fuzz {

/// Bytes -> ONNX ModelProto -> import -> verify -> pipeline -> golden run.
void compileONNXBytes(llvm::StringRef bytes);

/// qnn IR text -> parse -> verify -> pipeline -> golden run.
void compileMLIRText(llvm::StringRef text);

} // namespace qrcnn::fuzz

#endif // QRCNN_FUZZ_FUZZCOMMON_H
