//===- onnx-proto-fuzzer.cpp - structure-aware ONNX fuzzing ---------------===//
//
// The same target as onnx-import-fuzzer (bytes -> import -> pipeline ->
// golden model), but libFuzzer's mutations go through ProtoMutator: a seed
// model is parsed, one field is changed through protobuf reflection (dims,
// data types, attributes, initializer lengths, node inputs and outputs,
// opsets), and the model is serialized again. Inputs therefore stay valid
// protobuf and reach the importer's own checks. Inputs that do not parse
// (rare: only libFuzzer's cross-over makes them) get byte mutations.
//
//===----------------------------------------------------------------------===//
#include "FuzzCommon.h"
#include "ProtoMutator.h"

#include <onnx/onnx_pb.h>

#include <cstddef>
#include <cstdint>
#include <cstring>

extern "C" size_t LLVMFuzzerMutate(uint8_t *data, size_t size,
                                   size_t maxSize);

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  qrcnn::fuzz::compileONNXBytes(
      llvm::StringRef(reinterpret_cast<const char *>(data), size));
  return 0;
}

extern "C" size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size,
                                          size_t maxSize, unsigned seed) {
  onnx::ModelProto model;
  if (!model.ParseFromArray(data, static_cast<int>(size)))
    return LLVMFuzzerMutate(data, size, maxSize);
  qrcnn::fuzz::ProtoMutator mutator(seed);
  // A few tries: a mutation that grows the model past maxSize is dropped.
  for (int attempt = 0; attempt < 4; ++attempt) {
    onnx::ModelProto mutant = model;
    for (unsigned steps = 1 + seed % 3; steps > 0; --steps)
      mutator.mutate(mutant);
    std::string bytes;
    if (!mutant.SerializeToString(&bytes) || bytes.size() > maxSize)
      continue;
    std::memcpy(data, bytes.data(), bytes.size());
    return bytes.size();
  }
  return LLVMFuzzerMutate(data, size, maxSize);
}
