//===- qnn-mlir-fuzzer.cpp - qnn IR text into parser, verifiers, pipeline -===//
//
// Each input is a .mlir file as qrcnn-opt / qrcnnc read it: parse (with the
// qnn, quant, func, arith and tensor dialects), verify (the qnn ops'
// verifiers), run the qnn pipeline and the golden model.
//
//===----------------------------------------------------------------------===//
#include "FuzzCommon.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  qrcnn::fuzz::compileMLIRText(
      llvm::StringRef(reinterpret_cast<const char *>(data), size));
  return 0;
}
