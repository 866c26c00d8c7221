//===- OnnxTypes.h - ONNX element types by number ---------------*- C++ -*-===//
//
// Debian's ONNX 1.12 predates INT4/UINT4 (ONNX 1.16), so element types are
// read as the plain int32 they are on the wire and compared against these
// numbers (onnx.proto3 TensorProto.DataType), never against the generated
// enum.
//
//===----------------------------------------------------------------------===//
#ifndef QRCNN_LIB_IMPORT_ONNXTYPES_H
#define QRCNN_LIB_IMPORT_ONNXTYPES_H

#include <cstdint>
#include <string>

namespace qrcnn::onnx_import {

namespace dtype {
constexpr int32_t kUndefined = 0;
constexpr int32_t kFloat = 1;
constexpr int32_t kUint8 = 2;
constexpr int32_t kInt8 = 3;
constexpr int32_t kUint16 = 4;
constexpr int32_t kInt16 = 5;
constexpr int32_t kInt32 = 6;
constexpr int32_t kInt64 = 7;
constexpr int32_t kString = 8;
constexpr int32_t kBool = 9;
constexpr int32_t kFloat16 = 10;
constexpr int32_t kDouble = 11;
constexpr int32_t kUint32 = 12;
constexpr int32_t kUint64 = 13;
constexpr int32_t kComplex64 = 14;
constexpr int32_t kComplex128 = 15;
constexpr int32_t kBfloat16 = 16;
constexpr int32_t kFloat8E4M3FN = 17;
constexpr int32_t kFloat8E4M3FNUZ = 18;
constexpr int32_t kFloat8E5M2 = 19;
constexpr int32_t kFloat8E5M2FNUZ = 20;
constexpr int32_t kUint4 = 21; // ONNX 1.16, opset 21
constexpr int32_t kInt4 = 22;  // ONNX 1.16, opset 21
} // namespace dtype

/// "FLOAT", "UINT8", ... or "data type 42" for numbers ONNX does not define.
std::string dataTypeName(int32_t type);

/// Floating-point element types the importer can hold (f32, f64, f16, bf16).
bool isFloatType(int32_t type);
/// Integer element types the importer can hold, including BOOL and the
/// 4-bit types.
bool isIntegerType(int32_t type);
/// Width and signedness of an integer type (BOOL is an unsigned 1-bit type).
unsigned integerBits(int32_t type);
bool isSignedInteger(int32_t type);
/// The value range of an integer type (uint64 is capped at int64's maximum).
int64_t integerMin(int32_t type);
int64_t integerMax(int32_t type);

/// Element types that may hold quantized values (QuantizeLinear outputs,
/// DequantizeLinear inputs): 4, 8 and 16-bit integers, and int32 for
/// DequantizeLinear of biases.
bool isQuantContainerType(int32_t type);

} // namespace qrcnn::onnx_import

#endif // QRCNN_LIB_IMPORT_ONNXTYPES_H
