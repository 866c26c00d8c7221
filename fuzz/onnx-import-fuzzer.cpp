//===- onnx-import-fuzzer.cpp - raw bytes into the ONNX importer ----------===//
//
// Each input is a file as qrcnnc would read it: bytes -> ModelProto ->
// import -> verify -> qnn pipeline -> golden model. Byte-level mutation
// mostly exercises the protobuf decoder and the graph checks; see
// onnx-proto-fuzzer for mutations that keep the protobuf well formed.
//
//===----------------------------------------------------------------------===//
#include "FuzzCommon.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  qrcnn::fuzz::compileONNXBytes(
      llvm::StringRef(reinterpret_cast<const char *>(data), size));
  return 0;
}
