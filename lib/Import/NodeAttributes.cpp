//===- NodeAttributes.cpp - typed access to ONNX node attributes ----------===//
#include "NodeAttributes.h"

// onnx_pb.h defines ONNX_API, then includes onnx-ml.pb.h (ONNX_ML=1).
#include <onnx/onnx_pb.h>

using namespace llvm;

namespace qrcnn::onnx_import {

const onnx::AttributeProto *NodeAttributes::find(StringRef name) const {
  for (const onnx::AttributeProto &a : node.attribute())
    if (a.name() == name)
      return &a;
  return nullptr;
}

const onnx::AttributeProto *
NodeAttributes::expect(StringRef name, int type, const char *typeName) {
  const onnx::AttributeProto *a = find(name);
  if (!a)
    return nullptr;
  if (!a->ref_attr_name().empty()) {
    if (problem.empty())
      problem = "attribute '" + name.str() +
                "' refers to a function attribute outside a function";
    return nullptr;
  }
  // Old exporters leave `type` unset (0); accept the field that is filled.
  if (a->type() != type && a->type() != onnx::AttributeProto::UNDEFINED) {
    if (problem.empty())
      problem = "attribute '" + name.str() + "' must be " + typeName;
    return nullptr;
  }
  return a;
}

int64_t NodeAttributes::getInt(StringRef name, int64_t defaultValue) {
  const onnx::AttributeProto *a =
      expect(name, onnx::AttributeProto::INT, "an integer");
  return a ? a->i() : defaultValue;
}

double NodeAttributes::getFloat(StringRef name, double defaultValue) {
  const onnx::AttributeProto *a =
      expect(name, onnx::AttributeProto::FLOAT, "a float");
  return a ? static_cast<double>(a->f()) : defaultValue;
}

std::string NodeAttributes::getString(StringRef name, StringRef defaultValue) {
  const onnx::AttributeProto *a =
      expect(name, onnx::AttributeProto::STRING, "a string");
  return a ? a->s() : defaultValue.str();
}

std::optional<SmallVector<int64_t>> NodeAttributes::getInts(StringRef name) {
  const onnx::AttributeProto *a =
      expect(name, onnx::AttributeProto::INTS, "a list of integers");
  if (!a)
    return std::nullopt;
  return SmallVector<int64_t>(a->ints().begin(), a->ints().end());
}

std::optional<SmallVector<double>> NodeAttributes::getFloats(StringRef name) {
  const onnx::AttributeProto *a =
      expect(name, onnx::AttributeProto::FLOATS, "a list of floats");
  if (!a)
    return std::nullopt;
  SmallVector<double> out;
  for (float f : a->floats())
    out.push_back(f);
  return out;
}

const onnx::TensorProto *NodeAttributes::getTensor(StringRef name) {
  const onnx::AttributeProto *a =
      expect(name, onnx::AttributeProto::TENSOR, "a tensor");
  return a ? &a->t() : nullptr;
}

} // namespace qrcnn::onnx_import
