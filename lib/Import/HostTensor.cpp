//===- HostTensor.cpp - compile-time tensors of the ONNX importer ---------===//
#include "HostTensor.h"

#include "qrcnn/Dialect/QNN/QNNOps.h"

// onnx_pb.h defines ONNX_API, then includes onnx-ml.pb.h (ONNX_ML=1).
#include <onnx/onnx_pb.h>

#include "llvm/ADT/APFloat.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>
#include <cstdio>
#include <cstring>

using namespace llvm;

namespace qrcnn::onnx_import {

std::optional<int64_t> getElementCount(ArrayRef<int64_t> shape, int64_t limit,
                                       std::string &error) {
  int64_t count = 1;
  bool overflow = false;
  for (int64_t d : shape) {
    if (d < 0) {
      error = "has a negative dimension " + std::to_string(d);
      return std::nullopt;
    }
  }
  // An empty tensor's other dimensions are bounded too: code that walks
  // the shape (strides, products of leading dimensions) must not overflow.
  bool empty = false;
  for (int64_t d : shape) {
    if (d == 0) {
      empty = true;
      continue;
    }
    if (!overflow && count > std::numeric_limits<int64_t>::max() / d)
      overflow = true;
    else if (!overflow)
      count *= d;
  }
  if (overflow) {
    error = "has dimensions " + shapeToString(shape) +
            " whose element count overflows 64 bits";
    return std::nullopt;
  }
  if (empty && count > limit) {
    error = "has dimensions " + shapeToString(shape) +
            ": empty, but its other dimensions multiply to " +
            std::to_string(count) + ", more than the limit of " +
            std::to_string(limit);
    return std::nullopt;
  }
  if (empty)
    return 0;
  if (count > limit) {
    error = "has dimensions " + shapeToString(shape) + " (" +
            std::to_string(count) + " elements): too large, the limit is " +
            std::to_string(limit);
    return std::nullopt;
  }
  return count;
}

std::string formatNumber(double v) {
  if (std::isnan(v))
    return "NaN";
  if (std::isinf(v))
    return v > 0 ? "+Inf" : "-Inf";
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%.9g", v);
  return buffer;
}

std::string shapeToString(ArrayRef<int64_t> shape) {
  // ONNX messages name rank 0; the dialect's verifiers print it as "".
  if (shape.empty())
    return "scalar";
  return qnn::formatShape(shape);
}

HostTensor::HostTensor(int32_t type, ArrayRef<int64_t> shape)
    : type(type), shape(shape.begin(), shape.end()) {
  // Callers check the shape with getElementCount first; an empty tensor
  // stops the product before a later dimension could overflow it.
  int64_t n = 1;
  for (int64_t d : shape)
    n = d == 0 || n == 0 ? 0 : n * d;
  if (isFloat())
    floats.assign(n, 0.0);
  else
    ints.assign(n, 0);
}

static double convertFloat(double v, const fltSemantics &sem) {
  APFloat f(v);
  bool lost;
  f.convert(sem, APFloat::rmNearestTiesToEven, &lost);
  f.convert(APFloat::IEEEdouble(), APFloat::rmNearestTiesToEven, &lost);
  return f.convertToDouble();
}

double roundToFloatType(double v, int32_t type) {
  switch (type) {
  case dtype::kFloat:
    return static_cast<double>(static_cast<float>(v));
  case dtype::kFloat16:
    return convertFloat(v, APFloat::IEEEhalf());
  case dtype::kBfloat16:
    return convertFloat(v, APFloat::BFloat());
  default:
    return v;
  }
}

static double decodeHalfBits(uint16_t bits, const fltSemantics &sem) {
  APFloat f(sem, APInt(16, bits));
  bool lost;
  f.convert(APFloat::IEEEdouble(), APFloat::rmNearestTiesToEven, &lost);
  return f.convertToDouble();
}

/// Bytes per element in raw_data (4-bit types: handled separately).
static unsigned rawElementBytes(int32_t type) {
  switch (type) {
  case dtype::kBool: case dtype::kUint8: case dtype::kInt8: return 1;
  case dtype::kUint16: case dtype::kInt16: case dtype::kFloat16:
  case dtype::kBfloat16: return 2;
  case dtype::kFloat: case dtype::kInt32: case dtype::kUint32: return 4;
  case dtype::kDouble: case dtype::kInt64: case dtype::kUint64: return 8;
  default: return 0;
  }
}

static bool isHostType(int32_t type) {
  return isFloatType(type) || isIntegerType(type);
}

/// Stores one integer, checking it fits the element type.
static bool storeInt(HostTensor &t, int64_t i, int64_t v, std::string &error) {
  if (v < integerMin(t.type) || v > integerMax(t.type)) {
    error = "holds the value " + std::to_string(v) + ", out of range for " +
            dataTypeName(t.type);
    return false;
  }
  t.ints[i] = v;
  return true;
}

static int64_t signExtendNibble(uint8_t nibble, bool isSigned) {
  return isSigned && nibble >= 8 ? int64_t(nibble) - 16 : int64_t(nibble);
}

bool readTensorProto(const onnx::TensorProto &proto, HostTensor &out,
                     std::string &error) {
  SmallVector<int64_t> shape(proto.dims().begin(), proto.dims().end());
  std::optional<int64_t> count = getElementCount(shape, kMaxElements, error);
  if (!count)
    return false;
  int32_t type = proto.data_type();
  if (!isHostType(type)) {
    error = "has element type " + dataTypeName(type) + ", which is not supported";
    return false;
  }
  if (proto.has_data_location() &&
      proto.data_location() == onnx::TensorProto_DataLocation_EXTERNAL) {
    error = "keeps its data in an external file, which is not supported";
    return false;
  }
  if (proto.has_segment()) {
    error = "is segmented, which is not supported";
    return false;
  }
  int64_t n = *count;
  bool isInt4 = type == dtype::kInt4 || type == dtype::kUint4;
  std::string typeName = dataTypeName(type);

  // Check lengths before allocating anything.
  if (proto.has_raw_data()) {
    uint64_t want = isInt4 ? (uint64_t(n) + 1) / 2
                           : uint64_t(n) * rawElementBytes(type);
    uint64_t have = proto.raw_data().size();
    if (have != want) {
      error = "holds " + std::to_string(have) + " bytes of raw_data, but " +
              std::to_string(n) + " " + typeName + " values need " +
              std::to_string(want) + " bytes" +
              (isInt4 ? " (two 4-bit values per byte)" : "");
      return false;
    }
  } else {
    int64_t have = 0, want = isInt4 ? (n + 1) / 2 : n;
    const char *field = "";
    switch (type) {
    case dtype::kFloat: have = proto.float_data_size(); field = "float_data"; break;
    case dtype::kDouble: have = proto.double_data_size(); field = "double_data"; break;
    case dtype::kInt64: have = proto.int64_data_size(); field = "int64_data"; break;
    case dtype::kUint32: case dtype::kUint64:
      have = proto.uint64_data_size(); field = "uint64_data"; break;
    default: have = proto.int32_data_size(); field = "int32_data"; break;
    }
    if (have != want) {
      error = "holds " + std::to_string(have) + " entries in " + field +
              ", but its dimensions " + shapeToString(shape) + " need " +
              std::to_string(want) + (isInt4 ? " (two 4-bit values each)" : "");
      return false;
    }
  }

  out = HostTensor(type, shape);
  if (proto.has_raw_data()) {
    const auto *bytes =
        reinterpret_cast<const uint8_t *>(proto.raw_data().data());
    auto loadLE = [&](int64_t i, unsigned size) {
      uint64_t v = 0;
      for (unsigned b = 0; b < size; ++b)
        v |= uint64_t(bytes[i * size + b]) << (8 * b);
      return v;
    };
    for (int64_t i = 0; i < n; ++i) {
      switch (type) {
      case dtype::kFloat: {
        uint32_t bits = static_cast<uint32_t>(loadLE(i, 4));
        float f;
        std::memcpy(&f, &bits, 4);
        out.floats[i] = f;
        break;
      }
      case dtype::kDouble: {
        uint64_t bits = loadLE(i, 8);
        double d;
        std::memcpy(&d, &bits, 8);
        out.floats[i] = d;
        break;
      }
      case dtype::kFloat16:
        out.floats[i] = decodeHalfBits(loadLE(i, 2), APFloat::IEEEhalf());
        break;
      case dtype::kBfloat16:
        out.floats[i] = decodeHalfBits(loadLE(i, 2), APFloat::BFloat());
        break;
      case dtype::kUint4: case dtype::kInt4: {
        uint8_t byte = bytes[i / 2];
        uint8_t nibble = (i % 2 == 0) ? (byte & 0xF) : (byte >> 4);
        out.ints[i] = signExtendNibble(nibble, type == dtype::kInt4);
        break;
      }
      case dtype::kBool:
        if (bytes[i] > 1) {
          error = "holds the byte " + std::to_string(bytes[i]) +
                  " in a BOOL tensor (only 0 and 1 are valid)";
          return false;
        }
        out.ints[i] = bytes[i];
        break;
      case dtype::kInt8: out.ints[i] = static_cast<int8_t>(bytes[i]); break;
      case dtype::kUint8: out.ints[i] = bytes[i]; break;
      case dtype::kInt16: out.ints[i] = static_cast<int16_t>(loadLE(i, 2)); break;
      case dtype::kUint16: out.ints[i] = static_cast<uint16_t>(loadLE(i, 2)); break;
      case dtype::kInt32: out.ints[i] = static_cast<int32_t>(loadLE(i, 4)); break;
      case dtype::kUint32: out.ints[i] = static_cast<uint32_t>(loadLE(i, 4)); break;
      case dtype::kInt64: out.ints[i] = static_cast<int64_t>(loadLE(i, 8)); break;
      case dtype::kUint64: {
        uint64_t v = loadLE(i, 8);
        if (v > uint64_t(std::numeric_limits<int64_t>::max())) {
          error = "holds the UINT64 value " + std::to_string(v) +
                  ", beyond the supported int64 range";
          return false;
        }
        out.ints[i] = static_cast<int64_t>(v);
        break;
      }
      default:
        error = "has an unsupported element type " + typeName;
        return false;
      }
    }
    return true;
  }

  for (int64_t i = 0; i < n; ++i) {
    switch (type) {
    case dtype::kFloat: out.floats[i] = proto.float_data(i); break;
    case dtype::kDouble: out.floats[i] = proto.double_data(i); break;
    case dtype::kFloat16: case dtype::kBfloat16: {
      int32_t bits = proto.int32_data(i);
      if (bits < 0 || bits > 0xFFFF) {
        error = "holds " + std::to_string(bits) + " in int32_data, not a " +
                typeName + " bit pattern";
        return false;
      }
      out.floats[i] = decodeHalfBits(
          static_cast<uint16_t>(bits), type == dtype::kFloat16
                                           ? APFloat::IEEEhalf()
                                           : APFloat::BFloat());
      break;
    }
    case dtype::kInt64:
      out.ints[i] = proto.int64_data(i);
      break;
    case dtype::kUint32: case dtype::kUint64: {
      uint64_t v = proto.uint64_data(i);
      if (v > uint64_t(integerMax(type))) {
        error = "holds the value " + std::to_string(v) + ", out of range for " +
                typeName;
        return false;
      }
      out.ints[i] = static_cast<int64_t>(v);
      break;
    }
    case dtype::kUint4: case dtype::kInt4: {
      int32_t byte = proto.int32_data(i / 2);
      if (byte < 0 || byte > 0xFF) {
        error = "holds " + std::to_string(byte) +
                " in int32_data, not two packed 4-bit values";
        return false;
      }
      uint8_t nibble = (i % 2 == 0) ? (byte & 0xF) : (byte >> 4);
      out.ints[i] = signExtendNibble(nibble, type == dtype::kInt4);
      break;
    }
    default:
      if (!storeInt(out, i, proto.int32_data(i), error))
        return false;
      break;
    }
  }
  return true;
}

SmallVector<int64_t> getStrides(ArrayRef<int64_t> shape) {
  SmallVector<int64_t> strides(shape.size(), 1);
  for (int64_t i = static_cast<int64_t>(shape.size()) - 2; i >= 0; --i)
    strides[i] = strides[i + 1] * shape[i + 1];
  return strides;
}

std::optional<SmallVector<int64_t>> broadcastShapes(ArrayRef<int64_t> a,
                                                    ArrayRef<int64_t> b) {
  size_t rank = std::max(a.size(), b.size());
  SmallVector<int64_t> out(rank);
  for (size_t i = 0; i < rank; ++i) {
    int64_t da = i < rank - a.size() ? 1 : a[i - (rank - a.size())];
    int64_t db = i < rank - b.size() ? 1 : b[i - (rank - b.size())];
    if (da != db && da != 1 && db != 1)
      return std::nullopt;
    out[i] = da == 1 ? db : da;
  }
  return out;
}

std::vector<int64_t> broadcastIndices(ArrayRef<int64_t> shape,
                                      ArrayRef<int64_t> resultShape) {
  int64_t n = 1;
  for (int64_t d : resultShape)
    n *= d;
  size_t rank = resultShape.size(), offset = rank - shape.size();
  SmallVector<int64_t> srcStrides = getStrides(shape);
  std::vector<int64_t> indices(n);
  SmallVector<int64_t> counter(rank, 0);
  for (int64_t i = 0; i < n; ++i) {
    int64_t src = 0;
    for (size_t d = offset; d < rank; ++d)
      if (shape[d - offset] != 1)
        src += counter[d] * srcStrides[d - offset];
    indices[i] = src;
    for (int64_t d = static_cast<int64_t>(rank) - 1; d >= 0; --d) {
      if (++counter[d] < resultShape[d])
        break;
      counter[d] = 0;
    }
  }
  return indices;
}

static HostTensor transposeHost(const HostTensor &t, ArrayRef<int64_t> perm) {
  SmallVector<int64_t> shape;
  for (int64_t p : perm)
    shape.push_back(t.shape[p]);
  HostTensor out(t.type, shape);
  SmallVector<int64_t> srcStrides = getStrides(t.shape);
  int64_t n = t.size(), rank = t.rank();
  SmallVector<int64_t> counter(rank, 0);
  for (int64_t i = 0; i < n; ++i) {
    int64_t src = 0;
    for (int64_t d = 0; d < rank; ++d)
      src += counter[d] * srcStrides[perm[d]];
    if (t.isFloat())
      out.floats[i] = t.floats[src];
    else
      out.ints[i] = t.ints[src];
    for (int64_t d = rank - 1; d >= 0; --d) {
      if (++counter[d] < shape[d])
        break;
      counter[d] = 0;
    }
  }
  return out;
}

Constant transposeConstant(const Constant &c, ArrayRef<int64_t> perm) {
  Constant out;
  out.value = transposeHost(c.value, perm);
  if (c.quant) {
    out.quant = *c.quant;
    out.quant->q = transposeHost(c.quant->q, perm);
    if (c.quant->axis)
      out.quant->axis = std::find(perm.begin(), perm.end(), *c.quant->axis) -
                        perm.begin();
  }
  return out;
}

std::optional<Constant> reshapeConstant(const Constant &c,
                                        ArrayRef<int64_t> shape) {
  Constant out = c;
  out.value.shape.assign(shape.begin(), shape.end());
  if (!c.quant)
    return out;
  out.quant->q.shape.assign(shape.begin(), shape.end());
  if (!c.quant->axis)
    return out;
  int64_t axis = *c.quant->axis;
  int64_t before = 1;
  for (int64_t d = 0; d < axis; ++d)
    before *= c.value.shape[d];
  int64_t prefix = 1;
  for (int64_t d = 0; d < static_cast<int64_t>(shape.size()); ++d) {
    if (prefix == before && shape[d] == c.value.shape[axis]) {
      out.quant->axis = d;
      return out;
    }
    prefix *= shape[d];
  }
  return std::nullopt;
}

} // namespace qrcnn::onnx_import
