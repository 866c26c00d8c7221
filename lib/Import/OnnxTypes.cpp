//===- OnnxTypes.cpp - ONNX element types by number -----------------------===//
#include "OnnxTypes.h"

#include <limits>

namespace qrcnn::onnx_import {

std::string dataTypeName(int32_t type) {
  switch (type) {
  case dtype::kFloat: return "FLOAT";
  case dtype::kUint8: return "UINT8";
  case dtype::kInt8: return "INT8";
  case dtype::kUint16: return "UINT16";
  case dtype::kInt16: return "INT16";
  case dtype::kInt32: return "INT32";
  case dtype::kInt64: return "INT64";
  case dtype::kString: return "STRING";
  case dtype::kBool: return "BOOL";
  case dtype::kFloat16: return "FLOAT16";
  case dtype::kDouble: return "DOUBLE";
  case dtype::kUint32: return "UINT32";
  case dtype::kUint64: return "UINT64";
  case dtype::kComplex64: return "COMPLEX64";
  case dtype::kComplex128: return "COMPLEX128";
  case dtype::kBfloat16: return "BFLOAT16";
  case dtype::kFloat8E4M3FN: return "FLOAT8E4M3FN";
  case dtype::kFloat8E4M3FNUZ: return "FLOAT8E4M3FNUZ";
  case dtype::kFloat8E5M2: return "FLOAT8E5M2";
  case dtype::kFloat8E5M2FNUZ: return "FLOAT8E5M2FNUZ";
  case dtype::kUint4: return "UINT4";
  case dtype::kInt4: return "INT4";
  default: return "data type " + std::to_string(type);
  }
}

bool isFloatType(int32_t type) {
  return type == dtype::kFloat || type == dtype::kDouble ||
         type == dtype::kFloat16 || type == dtype::kBfloat16;
}

bool isIntegerType(int32_t type) {
  switch (type) {
  case dtype::kUint8: case dtype::kInt8: case dtype::kUint16:
  case dtype::kInt16: case dtype::kInt32: case dtype::kInt64:
  case dtype::kBool: case dtype::kUint32: case dtype::kUint64:
  case dtype::kUint4: case dtype::kInt4:
    return true;
  default:
    return false;
  }
}

unsigned integerBits(int32_t type) {
  switch (type) {
  case dtype::kBool: return 1;
  case dtype::kUint4: case dtype::kInt4: return 4;
  case dtype::kUint8: case dtype::kInt8: return 8;
  case dtype::kUint16: case dtype::kInt16: return 16;
  case dtype::kUint32: case dtype::kInt32: return 32;
  case dtype::kUint64: case dtype::kInt64: return 64;
  default: return 0;
  }
}

bool isSignedInteger(int32_t type) {
  return type == dtype::kInt4 || type == dtype::kInt8 ||
         type == dtype::kInt16 || type == dtype::kInt32 ||
         type == dtype::kInt64;
}

int64_t integerMin(int32_t type) {
  unsigned bits = integerBits(type);
  if (!isSignedInteger(type) || bits == 0)
    return 0;
  if (bits == 64)
    return std::numeric_limits<int64_t>::min();
  return -(int64_t(1) << (bits - 1));
}

int64_t integerMax(int32_t type) {
  unsigned bits = integerBits(type);
  if (bits == 0)
    return 0;
  if (bits == 64)
    return std::numeric_limits<int64_t>::max();
  if (isSignedInteger(type))
    return (int64_t(1) << (bits - 1)) - 1;
  return (int64_t(1) << bits) - 1;
}

bool isQuantContainerType(int32_t type) {
  switch (type) {
  case dtype::kUint4: case dtype::kInt4: case dtype::kUint8:
  case dtype::kInt8: case dtype::kUint16: case dtype::kInt16:
  case dtype::kInt32:
    return true;
  default:
    return false;
  }
}

} // namespace qrcnn::onnx_import
