//===- NodeAttributes.h - typed access to ONNX node attributes -*- C++ -*-===//
//
// Getters with defaults that remember the first problem (wrong attribute
// type, a reference to a function attribute), so a converter reads all it
// needs and checks `ok()` once.
//
//===----------------------------------------------------------------------===//
#ifndef QRCNN_LIB_IMPORT_NODEATTRIBUTES_H
#define QRCNN_LIB_IMPORT_NODEATTRIBUTES_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"

#include <optional>
#include <string>

namespace onnx {
class AttributeProto;
class NodeProto;
class TensorProto;
} // namespace onnx

namespace qrcnn::onnx_import {

class NodeAttributes {
public:
  explicit NodeAttributes(const onnx::NodeProto &node) : node(node) {}

  bool has(llvm::StringRef name) const { return find(name) != nullptr; }
  int64_t getInt(llvm::StringRef name, int64_t defaultValue);
  double getFloat(llvm::StringRef name, double defaultValue);
  std::string getString(llvm::StringRef name, llvm::StringRef defaultValue);
  std::optional<llvm::SmallVector<int64_t>> getInts(llvm::StringRef name);
  std::optional<llvm::SmallVector<double>> getFloats(llvm::StringRef name);
  const onnx::TensorProto *getTensor(llvm::StringRef name);

  /// Fails (with `error()`) on the first attribute that had the wrong type.
  bool ok() const { return problem.empty(); }
  const std::string &error() const { return problem; }

  const onnx::AttributeProto *find(llvm::StringRef name) const;

private:
  const onnx::AttributeProto *expect(llvm::StringRef name, int type,
                                     const char *typeName);

  const onnx::NodeProto &node;
  std::string problem;
};

} // namespace qrcnn::onnx_import

#endif // QRCNN_LIB_IMPORT_NODEATTRIBUTES_H
