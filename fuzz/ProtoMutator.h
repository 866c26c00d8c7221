//===- ProtoMutator.h - protobuf mutation through reflection ---*- C++ -*-===//
//
// A small structure-aware mutator: it changes one field of a parsed message
// (a number to an edge value, a name to another name of the same message, a
// byte string grown, cut or flipped, an element of a repeated field added,
// dropped, duplicated or swapped), so the result still parses and reaches
// the code behind the parser. Generic over any message, with one ONNX
// bias: string values are drawn from a pool of the strings already in the
// message, which rewires node inputs and outputs to existing tensors.
//
//===----------------------------------------------------------------------===//
#ifndef QRCNN_FUZZ_PROTOMUTATOR_H
#define QRCNN_FUZZ_PROTOMUTATOR_H

#include <google/protobuf/message.h>

#include <cstdint>
#include <random>

namespace qrcnn::fuzz {

class ProtoMutator {
public:
  explicit ProtoMutator(uint64_t seed) : rng(seed) {}

  /// Applies one random mutation to `message`.
  void mutate(google::protobuf::Message &message);

private:
  std::mt19937_64 rng;
  uint64_t below(uint64_t n) { return n ? rng() % n : 0; }
  bool oneIn(uint64_t n) { return below(n) == 0; }
  int64_t mutateInteger(int64_t value, bool isUnsigned);
  double mutateFloat(double value);
  std::string mutateBytes(std::string value,
                          const std::vector<std::string> &pool);
};

} // namespace qrcnn::fuzz

#endif // QRCNN_FUZZ_PROTOMUTATOR_H
