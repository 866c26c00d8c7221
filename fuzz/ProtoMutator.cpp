//===- ProtoMutator.cpp - protobuf mutation through reflection ------------===//
#include "ProtoMutator.h"

#include <google/protobuf/descriptor.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

namespace qrcnn::fuzz {

namespace {

/// One place a mutation can happen: a field of a message, and for a
/// repeated field an element index (-1: the field as a whole, e.g. to add
/// an element or set an absent optional field).
struct Slot {
  Message *message;
  const FieldDescriptor *field;
  int index;
};

/// Every slot of `message` and of its sub-messages, depth first; strings
/// are gathered into `pool` on the way. Bounded so that a huge model does
/// not make every mutation slow.
void collect(Message &message, std::vector<Slot> &slots,
             std::vector<std::string> &pool, int depth) {
  constexpr size_t kMaxSlots = 1 << 14;
  constexpr int kMaxDepth = 16;
  if (depth > kMaxDepth)
    return;
  const Descriptor *descriptor = message.GetDescriptor();
  const Reflection *reflection = message.GetReflection();
  for (int f = 0; f < descriptor->field_count(); ++f) {
    if (slots.size() >= kMaxSlots)
      return;
    const FieldDescriptor *field = descriptor->field(f);
    slots.push_back({&message, field, -1});
    if (field->is_repeated()) {
      int size = reflection->FieldSize(message, field);
      for (int i = 0; i < size && slots.size() < kMaxSlots; ++i) {
        slots.push_back({&message, field, i});
        if (field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE)
          collect(*reflection->MutableRepeatedMessage(&message, field, i),
                  slots, pool, depth + 1);
        else if (field->cpp_type() == FieldDescriptor::CPPTYPE_STRING &&
                 pool.size() < 4096)
          pool.push_back(reflection->GetRepeatedString(message, field, i)
                             .substr(0, 64));
      }
    } else if (field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
      if (reflection->HasField(message, field))
        collect(*reflection->MutableMessage(&message, field), slots, pool,
                depth + 1);
    } else if (field->cpp_type() == FieldDescriptor::CPPTYPE_STRING &&
               reflection->HasField(message, field) && pool.size() < 4096) {
      pool.push_back(reflection->GetString(message, field).substr(0, 64));
    }
  }
}

} // namespace

int64_t ProtoMutator::mutateInteger(int64_t value, bool isUnsigned) {
  // Values that sit on the edges of what ONNX files mean: element types
  // (1..22), opsets (9..22), axis and dimension edges, bit widths, and
  // the limits of every integer type a count might be computed in.
  static const int64_t kEdges[] = {
      0, 1, 2, 3, 4, 7, 8, 9, 10, 11, 13, 15, 16, 17, 20, 21, 22, 23, 31,
      32, 33, 63, 64, 127, 128, 255, 256, 65535, 65536, -1, -2, -8, -9,
      -128, -129, int64_t(1) << 20, int64_t(1) << 31, (int64_t(1) << 31) - 1,
      int64_t(1) << 32, int64_t(1) << 40, int64_t(1) << 62,
      std::numeric_limits<int32_t>::max(), std::numeric_limits<int32_t>::min(),
      std::numeric_limits<int64_t>::max(), std::numeric_limits<int64_t>::min()};
  switch (below(4)) {
  case 0:
    return kEdges[below(std::size(kEdges))];
  case 1: // wrapping: near INT64_MIN / INT64_MAX too
    return static_cast<int64_t>(static_cast<uint64_t>(value) + below(9) - 4);
  case 2:
    return isUnsigned ? static_cast<int64_t>(rng())
                      : static_cast<int64_t>(0 - static_cast<uint64_t>(value));
  default:
    return static_cast<int64_t>(rng() >> below(64));
  }
}

double ProtoMutator::mutateFloat(double value) {
  static const double kEdges[] = {
      0.0, -0.0, 1.0, -1.0, 0.5, 2.0, 1.0 / 16, 1.0 / 255, 1e-3, 1e-10,
      1e-30, 1e-38, 1e-40, 1e-45, 1e30, 1e38, 3.4e38,
      std::numeric_limits<double>::infinity(),
      -std::numeric_limits<double>::infinity(),
      std::numeric_limits<double>::quiet_NaN()};
  switch (below(3)) {
  case 0:
    return kEdges[below(std::size(kEdges))];
  case 1:
    return value * std::ldexp(1.0, static_cast<int>(below(41)) - 20);
  default:
    return -value;
  }
}

std::string ProtoMutator::mutateBytes(std::string value,
                                      const std::vector<std::string> &pool) {
  switch (below(7)) {
  case 0: // another string of the message: rewires names
  case 1:
    if (!pool.empty())
      return pool[below(pool.size())];
    return value;
  case 2:
    return std::string();
  case 3: // cut: data shorter than its dimensions say
    value.resize(below(value.size() + 1));
    return value;
  case 4: { // grow: one more element (or nibble pair) of data
    size_t extra = 1 + below(8);
    for (size_t i = 0; i < extra; ++i)
      value.push_back(static_cast<char>(rng()));
    return value;
  }
  case 5: // change bytes in place (a value inside raw_data)
    for (size_t i = 0, n = 1 + below(4); i < n && !value.empty(); ++i)
      value[below(value.size())] = static_cast<char>(rng());
    return value;
  default: // a suffix: near-duplicate names
    return value + (oneIn(2) ? "_" : "\xff");
  }
}

void ProtoMutator::mutate(Message &root) {
  std::vector<Slot> slots;
  std::vector<std::string> pool;
  collect(root, slots, pool, 0);
  if (slots.empty())
    return;
  Slot slot = slots[below(slots.size())];
  Message &message = *slot.message;
  const FieldDescriptor *field = slot.field;
  const Reflection *reflection = message.GetReflection();

  if (field->is_repeated()) {
    int size = reflection->FieldSize(message, field);
    // Structural changes of the repeated field itself.
    if (slot.index < 0 || oneIn(4)) {
      switch (below(4)) {
      case 0: // drop the last element
        if (size > 0) {
          reflection->RemoveLast(&message, field);
          return;
        }
        break;
      case 1: // swap two elements (node order, dims, inputs)
        if (size > 1) {
          reflection->SwapElements(&message, field, below(size), below(size));
          return;
        }
        break;
      case 2: // duplicate an element at the end (duplicate nodes, outputs)
        if (size > 0 && size < 1 << 12) {
          int from = below(size);
          switch (field->cpp_type()) {
#define QRCNN_DUP(CPPTYPE, Type)                                               \
  case FieldDescriptor::CPPTYPE:                                               \
    reflection->Add##Type(&message, field,                                     \
                          reflection->GetRepeated##Type(message, field, from)); \
    return;
            QRCNN_DUP(CPPTYPE_INT32, Int32)
            QRCNN_DUP(CPPTYPE_INT64, Int64)
            QRCNN_DUP(CPPTYPE_UINT32, UInt32)
            QRCNN_DUP(CPPTYPE_UINT64, UInt64)
            QRCNN_DUP(CPPTYPE_FLOAT, Float)
            QRCNN_DUP(CPPTYPE_DOUBLE, Double)
            QRCNN_DUP(CPPTYPE_BOOL, Bool)
            QRCNN_DUP(CPPTYPE_STRING, String)
            QRCNN_DUP(CPPTYPE_ENUM, EnumValue)
#undef QRCNN_DUP
          case FieldDescriptor::CPPTYPE_MESSAGE: {
            // Copy first: AddMessage may move the source element.
            std::unique_ptr<Message> copy(
                reflection->GetRepeatedMessage(message, field, from).New());
            copy->CopyFrom(reflection->GetRepeatedMessage(message, field, from));
            reflection->AddMessage(&message, field)->CopyFrom(*copy);
            return;
          }
          }
        }
        break;
      default: // a new element with a fresh value
        switch (field->cpp_type()) {
        case FieldDescriptor::CPPTYPE_INT32:
          reflection->AddInt32(&message, field, mutateInteger(1, false));
          return;
        case FieldDescriptor::CPPTYPE_INT64:
          reflection->AddInt64(&message, field, mutateInteger(1, false));
          return;
        case FieldDescriptor::CPPTYPE_UINT64:
          reflection->AddUInt64(&message, field, mutateInteger(1, true));
          return;
        case FieldDescriptor::CPPTYPE_FLOAT:
          reflection->AddFloat(&message, field, mutateFloat(1.0));
          return;
        case FieldDescriptor::CPPTYPE_DOUBLE:
          reflection->AddDouble(&message, field, mutateFloat(1.0));
          return;
        case FieldDescriptor::CPPTYPE_STRING:
          reflection->AddString(&message, field, mutateBytes("", pool));
          return;
        case FieldDescriptor::CPPTYPE_MESSAGE:
          reflection->AddMessage(&message, field);
          return;
        default:
          break;
        }
      }
      if (size == 0)
        return;
      slot.index = below(size);
    }
    int i = slot.index;
    switch (field->cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32:
      reflection->SetRepeatedInt32(
          &message, field, i,
          static_cast<int32_t>(mutateInteger(
              reflection->GetRepeatedInt32(message, field, i), false)));
      return;
    case FieldDescriptor::CPPTYPE_INT64:
      reflection->SetRepeatedInt64(
          &message, field, i,
          mutateInteger(reflection->GetRepeatedInt64(message, field, i),
                        false));
      return;
    case FieldDescriptor::CPPTYPE_UINT32:
      reflection->SetRepeatedUInt32(
          &message, field, i,
          static_cast<uint32_t>(mutateInteger(
              reflection->GetRepeatedUInt32(message, field, i), true)));
      return;
    case FieldDescriptor::CPPTYPE_UINT64:
      reflection->SetRepeatedUInt64(
          &message, field, i,
          static_cast<uint64_t>(mutateInteger(
              static_cast<int64_t>(
                  reflection->GetRepeatedUInt64(message, field, i)),
              true)));
      return;
    case FieldDescriptor::CPPTYPE_FLOAT:
      reflection->SetRepeatedFloat(
          &message, field, i,
          static_cast<float>(
              mutateFloat(reflection->GetRepeatedFloat(message, field, i))));
      return;
    case FieldDescriptor::CPPTYPE_DOUBLE:
      reflection->SetRepeatedDouble(
          &message, field, i,
          mutateFloat(reflection->GetRepeatedDouble(message, field, i)));
      return;
    case FieldDescriptor::CPPTYPE_BOOL:
      reflection->SetRepeatedBool(
          &message, field, i, !reflection->GetRepeatedBool(message, field, i));
      return;
    case FieldDescriptor::CPPTYPE_STRING:
      reflection->SetRepeatedString(
          &message, field, i,
          mutateBytes(reflection->GetRepeatedString(message, field, i), pool));
      return;
    case FieldDescriptor::CPPTYPE_ENUM:
      reflection->SetRepeatedEnumValue(&message, field, i,
                                       static_cast<int>(mutateInteger(
                                           reflection->GetRepeatedEnumValue(
                                               message, field, i),
                                           false)));
      return;
    case FieldDescriptor::CPPTYPE_MESSAGE:
      // Clearing a whole element (an empty node, dimension, tensor).
      if (oneIn(4))
        reflection->MutableRepeatedMessage(&message, field, i)->Clear();
      return;
    }
    return;
  }

  // A singular field: clear it now and then (a missing attribute value,
  // graph, type, shape), otherwise set it to a mutated value.
  if (reflection->HasField(message, field) && oneIn(8)) {
    reflection->ClearField(&message, field);
    return;
  }
  switch (field->cpp_type()) {
  case FieldDescriptor::CPPTYPE_INT32:
    reflection->SetInt32(&message, field,
                         static_cast<int32_t>(mutateInteger(
                             reflection->GetInt32(message, field), false)));
    return;
  case FieldDescriptor::CPPTYPE_INT64:
    reflection->SetInt64(
        &message, field,
        mutateInteger(reflection->GetInt64(message, field), false));
    return;
  case FieldDescriptor::CPPTYPE_UINT32:
    reflection->SetUInt32(&message, field,
                          static_cast<uint32_t>(mutateInteger(
                              reflection->GetUInt32(message, field), true)));
    return;
  case FieldDescriptor::CPPTYPE_UINT64:
    reflection->SetUInt64(
        &message, field,
        static_cast<uint64_t>(mutateInteger(
            static_cast<int64_t>(reflection->GetUInt64(message, field)),
            true)));
    return;
  case FieldDescriptor::CPPTYPE_FLOAT:
    reflection->SetFloat(
        &message, field,
        static_cast<float>(mutateFloat(reflection->GetFloat(message, field))));
    return;
  case FieldDescriptor::CPPTYPE_DOUBLE:
    reflection->SetDouble(&message, field,
                          mutateFloat(reflection->GetDouble(message, field)));
    return;
  case FieldDescriptor::CPPTYPE_BOOL:
    reflection->SetBool(&message, field, !reflection->GetBool(message, field));
    return;
  case FieldDescriptor::CPPTYPE_STRING:
    reflection->SetString(
        &message, field,
        mutateBytes(reflection->GetString(message, field), pool));
    return;
  case FieldDescriptor::CPPTYPE_ENUM:
    reflection->SetEnumValue(
        &message, field,
        static_cast<int>(
            mutateInteger(reflection->GetEnumValue(message, field), false)));
    return;
  case FieldDescriptor::CPPTYPE_MESSAGE:
    // An absent sub-message appears (e.g. a subgraph attribute `g`
    // holding a copy of the model's own graph comes from duplication).
    reflection->MutableMessage(&message, field);
    return;
  }
}

} // namespace qrcnn::fuzz
