//===- ConstantFolder.cpp - evaluate ONNX nodes on constants --------------===//
#include "ConstantFolder.h"
#include "NodeAttributes.h"
#include "Quantization.h"
#include "ShapeHelpers.h"

// onnx_pb.h defines ONNX_API, then includes onnx-ml.pb.h (ONNX_ML=1).
#include <onnx/onnx_pb.h>

#include "llvm/ADT/StringSwitch.h"

#include <cmath>
#include <functional>
#include <limits>

using namespace llvm;

namespace qrcnn::onnx_import {

namespace {

enum class Op {
  Unknown,
  // elementwise
  Add, Sub, Mul, Div, Pow, Min, Max, Equal, Less, Greater, LessOrEqual,
  GreaterOrEqual, And, Or, Xor, Not, Where, Neg, Abs, Floor, Ceil, Round, Sqrt,
  Reciprocal, Relu, Sign, Clip, Cast,
  // data movement / shapes
  Identity, Dropout, Shape, Size, Gather, Concat, Slice, Squeeze, Unsqueeze,
  Reshape, Flatten, Transpose, Expand, ConstantOfShape, Range, Constant,
  // quantization
  QuantizeLinear, DequantizeLinear, QonnxQuant,
};

Op classify(StringRef opType, bool qonnx) {
  if (qonnx)
    return opType == "Quant" ? Op::QonnxQuant : Op::Unknown;
  return StringSwitch<Op>(opType)
      .Case("Add", Op::Add).Case("Sub", Op::Sub).Case("Mul", Op::Mul)
      .Case("Div", Op::Div).Case("Pow", Op::Pow).Case("Min", Op::Min)
      .Case("Max", Op::Max).Case("Equal", Op::Equal).Case("Less", Op::Less)
      .Case("Greater", Op::Greater).Case("LessOrEqual", Op::LessOrEqual)
      .Case("GreaterOrEqual", Op::GreaterOrEqual).Case("And", Op::And)
      .Case("Or", Op::Or).Case("Xor", Op::Xor).Case("Not", Op::Not)
      .Case("Where", Op::Where).Case("Neg", Op::Neg).Case("Abs", Op::Abs)
      .Case("Floor", Op::Floor).Case("Ceil", Op::Ceil).Case("Round", Op::Round)
      .Case("Sqrt", Op::Sqrt).Case("Reciprocal", Op::Reciprocal)
      .Case("Relu", Op::Relu).Case("Sign", Op::Sign).Case("Clip", Op::Clip)
      .Case("Cast", Op::Cast).Case("Identity", Op::Identity)
      .Case("Dropout", Op::Dropout).Case("Shape", Op::Shape)
      .Case("Size", Op::Size).Case("Gather", Op::Gather)
      .Case("Concat", Op::Concat).Case("Slice", Op::Slice)
      .Case("Squeeze", Op::Squeeze).Case("Unsqueeze", Op::Unsqueeze)
      .Case("Reshape", Op::Reshape).Case("Flatten", Op::Flatten)
      .Case("Transpose", Op::Transpose).Case("Expand", Op::Expand)
      .Case("ConstantOfShape", Op::ConstantOfShape).Case("Range", Op::Range)
      .Case("Constant", Op::Constant)
      .Case("QuantizeLinear", Op::QuantizeLinear)
      .Case("DequantizeLinear", Op::DequantizeLinear)
      .Default(Op::Unknown);
}

/// Wraps an integer into the range of `type` (two's complement).
int64_t wrapToType(int64_t v, int32_t type) {
  unsigned bits = integerBits(type);
  if (type == dtype::kBool)
    return v != 0;
  if (bits >= 64 || bits == 0)
    return v;
  uint64_t mask = (uint64_t(1) << bits) - 1;
  uint64_t u = static_cast<uint64_t>(v) & mask;
  if (isSignedInteger(type) && (u >> (bits - 1)))
    return static_cast<int64_t>(u | ~mask);
  return static_cast<int64_t>(u);
}

class Folder {
public:
  Folder(const onnx::NodeProto &node, int64_t opset,
         ArrayRef<const Constant *> inputs, SmallVectorImpl<Constant> &results,
         std::string &error)
      : node(node), attrs(node), opset(opset), inputs(inputs),
        results(results), error(error) {}

  FoldStatus run(Op op);

private:
  const HostTensor *in(size_t i) const {
    return i < inputs.size() && inputs[i] ? &inputs[i]->value : nullptr;
  }
  std::string inputName(size_t i) const {
    return i < static_cast<size_t>(node.input_size()) ? node.input(i) : "";
  }
  bool fail(const std::string &message) {
    error = message;
    return false;
  }
  bool needInput(size_t i, const char *role) {
    if (in(i))
      return true;
    return fail(std::string("needs its ") + role + " input");
  }
  bool checkAttrs() { return attrs.ok() || fail(attrs.error()); }
  void emit(HostTensor t) { results.push_back(Constant{std::move(t), {}}); }
  bool readInts(const HostTensor &t, SmallVectorImpl<int64_t> &out,
                const char *role);

  bool elementwise(Op op);
  bool unary(Op op);
  bool clip();
  bool cast();
  bool where();
  bool shape();
  bool gather();
  bool concat();
  bool slice();
  bool shapeOp(Op op);
  bool expand();
  bool constantOfShape();
  bool range();
  bool quantizeLinear();
  bool dequantizeLinear();
  bool qonnxQuant();

  const onnx::NodeProto &node;
  NodeAttributes attrs;
  int64_t opset;
  ArrayRef<const Constant *> inputs;
  SmallVectorImpl<Constant> &results;
  std::string &error;
};

bool Folder::readInts(const HostTensor &t, SmallVectorImpl<int64_t> &out,
                      const char *role) {
  if (t.isFloat())
    return fail(std::string(role) + " must be an integer tensor, got " +
                dataTypeName(t.type));
  if (t.rank() > 1)
    return fail(std::string(role) + " must be a scalar or 1-D tensor");
  out.assign(t.ints.begin(), t.ints.end());
  return true;
}

bool isComparison(Op op) {
  return op == Op::Equal || op == Op::Less || op == Op::Greater ||
         op == Op::LessOrEqual || op == Op::GreaterOrEqual;
}
bool isLogical(Op op) { return op == Op::And || op == Op::Or || op == Op::Xor; }

bool Folder::elementwise(Op op) {
  // Min/Max are variadic; the rest binary.
  size_t count = node.input_size();
  if (count < 1 || (op != Op::Min && op != Op::Max && count != 2))
    return fail("expects " +
                std::string(op == Op::Min || op == Op::Max ? "at least one"
                                                           : "two") +
                " inputs");
  for (size_t i = 0; i < count; ++i)
    if (!needInput(i, "operand"))
      return false;
  const HostTensor *first = in(0);
  for (size_t i = 1; i < count; ++i) {
    if (op == Op::Pow)
      break; // exponent may have another type
    if (in(i)->type != first->type)
      return fail("operands have different element types (" +
                  dataTypeName(first->type) + " and " +
                  dataTypeName(in(i)->type) + ")");
  }
  if (isLogical(op) && first->type != dtype::kBool)
    return fail("logical operators need BOOL operands");
  HostTensor acc = *first;
  for (size_t k = 1; k < count; ++k) {
    const HostTensor &b = *in(k);
    std::optional<SmallVector<int64_t>> shape = broadcastShapes(acc.shape, b.shape);
    if (!shape)
      return fail("shapes " + shapeToString(acc.shape) + " and " +
                  shapeToString(b.shape) + " do not broadcast");
    std::string countError;
    if (!getElementCount(*shape, kMaxFoldedElements, countError))
      return fail("the result " + countError);
    std::vector<int64_t> ia = broadcastIndices(acc.shape, *shape);
    std::vector<int64_t> ib = broadcastIndices(b.shape, *shape);
    int32_t resultType =
        isComparison(op) ? dtype::kBool : acc.type;
    HostTensor out(resultType, *shape);
    for (size_t i = 0; i < ia.size(); ++i) {
      if (acc.isFloat()) {
        double x = acc.floats[ia[i]], y = b.getDouble(ib[i]);
        double r = 0;
        switch (op) {
        case Op::Add: r = x + y; break;
        case Op::Sub: r = x - y; break;
        case Op::Mul: r = x * y; break;
        case Op::Div: r = x / y; break;
        case Op::Pow: r = std::pow(x, y); break;
        case Op::Min: r = std::isnan(x) || std::isnan(y) ? NAN : std::min(x, y); break;
        case Op::Max: r = std::isnan(x) || std::isnan(y) ? NAN : std::max(x, y); break;
        case Op::Equal: out.ints[i] = x == y; continue;
        case Op::Less: out.ints[i] = x < y; continue;
        case Op::Greater: out.ints[i] = x > y; continue;
        case Op::LessOrEqual: out.ints[i] = x <= y; continue;
        case Op::GreaterOrEqual: out.ints[i] = x >= y; continue;
        default: return fail("unsupported elementwise op");
        }
        out.floats[i] = roundToFloatType(r, acc.type);
      } else {
        int64_t x = acc.ints[ia[i]];
        int64_t y = b.isFloat() ? static_cast<int64_t>(b.floats[ib[i]])
                                : b.ints[ib[i]];
        uint64_t ux = static_cast<uint64_t>(x), uy = static_cast<uint64_t>(y);
        int64_t r = 0;
        switch (op) {
        case Op::Add: r = static_cast<int64_t>(ux + uy); break;
        case Op::Sub: r = static_cast<int64_t>(ux - uy); break;
        case Op::Mul: r = static_cast<int64_t>(ux * uy); break;
        case Op::Div:
          if (y == 0)
            return fail("integer division by zero");
          if (x == std::numeric_limits<int64_t>::min() && y == -1)
            return fail("integer division overflows");
          r = x / y;
          break;
        case Op::Pow: {
          if (b.isFloat()) {
            r = static_cast<int64_t>(std::pow(static_cast<double>(x), b.floats[ib[i]]));
            break;
          }
          if (y < 0)
            return fail("integer Pow with a negative exponent");
          uint64_t p = 1;
          for (int64_t e = 0; e < y && e < 64; ++e)
            p *= ux;
          r = static_cast<int64_t>(p);
          break;
        }
        case Op::Min: r = std::min(x, y); break;
        case Op::Max: r = std::max(x, y); break;
        case Op::Equal: r = x == y; break;
        case Op::Less: r = x < y; break;
        case Op::Greater: r = x > y; break;
        case Op::LessOrEqual: r = x <= y; break;
        case Op::GreaterOrEqual: r = x >= y; break;
        case Op::And: r = x && y; break;
        case Op::Or: r = x || y; break;
        case Op::Xor: r = (x != 0) != (y != 0); break;
        default: return fail("unsupported elementwise op");
        }
        out.ints[i] = wrapToType(r, resultType);
      }
    }
    acc = std::move(out);
  }
  emit(std::move(acc));
  return true;
}

bool Folder::unary(Op op) {
  if (!needInput(0, "data"))
    return false;
  const HostTensor &x = *in(0);
  HostTensor out(op == Op::Not ? dtype::kBool : x.type, x.shape);
  if (op == Op::Not && x.type != dtype::kBool)
    return fail("Not needs a BOOL input");
  for (int64_t i = 0; i < x.size(); ++i) {
    if (x.isFloat()) {
      double v = x.floats[i], r;
      switch (op) {
      case Op::Neg: r = -v; break;
      case Op::Abs: r = std::fabs(v); break;
      case Op::Floor: r = std::floor(v); break;
      case Op::Ceil: r = std::ceil(v); break;
      case Op::Round: r = std::nearbyint(v); break; // half to even
      case Op::Sqrt: r = std::sqrt(v); break;
      case Op::Reciprocal: r = 1.0 / v; break;
      case Op::Relu: r = v > 0 ? v : 0.0; break;
      case Op::Sign: r = v > 0 ? 1.0 : (v < 0 ? -1.0 : v); break;
      default: return fail("unsupported unary op on floats");
      }
      out.floats[i] = roundToFloatType(r, x.type);
    } else {
      int64_t v = x.ints[i], r;
      switch (op) {
      case Op::Neg: r = static_cast<int64_t>(0 - static_cast<uint64_t>(v)); break;
      case Op::Abs: r = v < 0 ? static_cast<int64_t>(0 - static_cast<uint64_t>(v)) : v; break;
      case Op::Relu: r = v > 0 ? v : 0; break;
      case Op::Sign: r = (v > 0) - (v < 0); break;
      case Op::Not: r = !v; break;
      default:
        return fail("does not accept integer input (" + dataTypeName(x.type) + ")");
      }
      out.ints[i] = wrapToType(r, out.type);
    }
  }
  emit(std::move(out));
  return true;
}

bool Folder::clip() {
  if (!needInput(0, "data"))
    return false;
  const HostTensor &x = *in(0);
  double lo = -INFINITY, hi = INFINITY;
  if (opset < 11) {
    lo = attrs.getFloat("min", -INFINITY);
    hi = attrs.getFloat("max", INFINITY);
    if (!checkAttrs())
      return false;
  } else {
    for (size_t k : {1, 2}) {
      const HostTensor *b = in(k);
      if (!b)
        continue;
      if (b->size() != 1)
        return fail(std::string(k == 1 ? "min" : "max") + " must be a scalar");
      if (b->type != x.type)
        return fail(std::string(k == 1 ? "min" : "max") + " has type " +
                    dataTypeName(b->type) + ", the input " +
                    dataTypeName(x.type));
      (k == 1 ? lo : hi) = b->getDouble(0);
    }
  }
  HostTensor out = x;
  for (int64_t i = 0; i < x.size(); ++i) {
    if (x.isFloat()) {
      double v = x.floats[i];
      if (!std::isnan(v))
        v = std::min(std::max(v, lo), hi);
      out.floats[i] = v;
    } else {
      double v = std::min(std::max(static_cast<double>(x.ints[i]), lo), hi);
      out.ints[i] = static_cast<int64_t>(v);
    }
  }
  emit(std::move(out));
  return true;
}

bool Folder::cast() {
  if (!needInput(0, "data"))
    return false;
  int64_t to = attrs.getInt("to", 0);
  if (!checkAttrs())
    return false;
  if (!attrs.has("to"))
    return fail("needs the 'to' attribute");
  HostTensor out;
  if (!castValues(*in(0), static_cast<int32_t>(to), out, error))
    return false;
  emit(std::move(out));
  return true;
}

bool Folder::where() {
  for (size_t i = 0; i < 3; ++i)
    if (!needInput(i, "operand"))
      return false;
  const HostTensor &c = *in(0), &a = *in(1), &b = *in(2);
  if (c.type != dtype::kBool)
    return fail("condition must be BOOL");
  if (a.type != b.type)
    return fail("X and Y have different element types");
  auto s1 = broadcastShapes(c.shape, a.shape);
  auto s2 = s1 ? broadcastShapes(*s1, b.shape) : std::nullopt;
  if (!s2)
    return fail("shapes do not broadcast");
  std::string countError;
  if (!getElementCount(*s2, kMaxFoldedElements, countError))
    return fail("the result " + countError);
  std::vector<int64_t> ic = broadcastIndices(c.shape, *s2),
                       ia = broadcastIndices(a.shape, *s2),
                       ib = broadcastIndices(b.shape, *s2);
  HostTensor out(a.type, *s2);
  for (size_t i = 0; i < ic.size(); ++i) {
    bool cond = c.ints[ic[i]] != 0;
    if (a.isFloat())
      out.floats[i] = cond ? a.floats[ia[i]] : b.floats[ib[i]];
    else
      out.ints[i] = cond ? a.ints[ia[i]] : b.ints[ib[i]];
  }
  emit(std::move(out));
  return true;
}

bool Folder::shape() {
  if (!needInput(0, "data"))
    return false;
  ArrayRef<int64_t> dims = in(0)->shape;
  int64_t rank = static_cast<int64_t>(dims.size());
  int64_t start = attrs.getInt("start", 0), end = attrs.getInt("end", rank);
  if (!checkAttrs())
    return false;
  if (start < 0)
    start += rank;
  if (end < 0)
    end += rank;
  start = std::clamp<int64_t>(start, 0, rank);
  end = std::clamp<int64_t>(end, 0, rank);
  int64_t n = std::max<int64_t>(end - start, 0);
  HostTensor out(dtype::kInt64, {n});
  for (int64_t i = 0; i < n; ++i)
    out.ints[i] = dims[start + i];
  emit(std::move(out));
  return true;
}

bool Folder::gather() {
  if (!needInput(0, "data") || !needInput(1, "indices"))
    return false;
  const HostTensor &data = *in(0), &idx = *in(1);
  int64_t axis = attrs.getInt("axis", 0);
  if (!checkAttrs())
    return false;
  if (idx.isFloat())
    return fail("indices must be integers");
  if (!normalizeAxis(axis, data.rank(), error))
    return false;
  SmallVector<int64_t> shape(data.shape.begin(), data.shape.begin() + axis);
  shape.append(idx.shape.begin(), idx.shape.end());
  shape.append(data.shape.begin() + axis + 1, data.shape.end());
  std::string countError;
  if (!getElementCount(shape, kMaxFoldedElements, countError))
    return fail("the result " + countError);
  int64_t outer = 1, inner = 1, dim = data.shape[axis];
  for (int64_t d = 0; d < axis; ++d)
    outer *= data.shape[d];
  for (int64_t d = axis + 1; d < data.rank(); ++d)
    inner *= data.shape[d];
  HostTensor out(data.type, shape);
  int64_t o = 0;
  for (int64_t a = 0; a < outer; ++a)
    for (int64_t j = 0; j < idx.size(); ++j) {
      int64_t k = idx.ints[j];
      if (k < -dim || k >= dim)
        return fail("index " + std::to_string(k) + " is out of range for "
                    "dimension " + std::to_string(axis) + " of size " +
                    std::to_string(dim));
      if (k < 0)
        k += dim;
      for (int64_t b = 0; b < inner; ++b, ++o) {
        int64_t src = (a * dim + k) * inner + b;
        if (data.isFloat())
          out.floats[o] = data.floats[src];
        else
          out.ints[o] = data.ints[src];
      }
    }
  emit(std::move(out));
  return true;
}

bool Folder::concat() {
  int64_t axis = attrs.getInt("axis", 0);
  if (!checkAttrs())
    return false;
  if (!attrs.has("axis"))
    return fail("needs the 'axis' attribute");
  if (node.input_size() == 0)
    return fail("needs at least one input");
  for (int i = 0; i < node.input_size(); ++i)
    if (!needInput(i, "operand"))
      return false;
  const HostTensor &first = *in(0);
  if (!normalizeAxis(axis, first.rank(), error))
    return false;
  SmallVector<int64_t> shape = first.shape;
  shape[axis] = 0;
  for (int i = 0; i < node.input_size(); ++i) {
    const HostTensor &t = *in(i);
    if (t.type != first.type || t.rank() != first.rank())
      return fail("inputs differ in element type or rank");
    for (int64_t d = 0; d < t.rank(); ++d)
      if (d != axis && t.shape[d] != first.shape[d])
        return fail("input shapes " + shapeToString(first.shape) + " and " +
                    shapeToString(t.shape) + " differ outside axis " +
                    std::to_string(axis));
    shape[axis] += t.shape[axis];
  }
  std::string countError;
  if (!getElementCount(shape, kMaxFoldedElements, countError))
    return fail("the result " + countError);
  HostTensor out(first.type, shape);
  int64_t outer = 1;
  for (int64_t d = 0; d < axis; ++d)
    outer *= shape[d];
  int64_t o = 0;
  for (int64_t a = 0; a < outer; ++a)
    for (int i = 0; i < node.input_size(); ++i) {
      const HostTensor &t = *in(i);
      int64_t chunk = t.size() / std::max<int64_t>(outer, 1);
      for (int64_t b = 0; b < chunk; ++b, ++o) {
        if (t.isFloat())
          out.floats[o] = t.floats[a * chunk + b];
        else
          out.ints[o] = t.ints[a * chunk + b];
      }
    }
  emit(std::move(out));
  return true;
}

bool Folder::slice() {
  if (!needInput(0, "data") || !needInput(1, "starts") || !needInput(2, "ends"))
    return false;
  const HostTensor &data = *in(0);
  SmallVector<int64_t> starts, ends, axes, steps;
  if (!readInts(*in(1), starts, "starts") || !readInts(*in(2), ends, "ends"))
    return false;
  if (in(3)) {
    if (!readInts(*in(3), axes, "axes"))
      return false;
  } else {
    for (size_t i = 0; i < starts.size(); ++i)
      axes.push_back(static_cast<int64_t>(i));
  }
  if (in(4)) {
    if (!readInts(*in(4), steps, "steps"))
      return false;
  } else {
    steps.assign(starts.size(), 1);
  }
  if (ends.size() != starts.size() || axes.size() != starts.size() ||
      steps.size() != starts.size())
    return fail("starts, ends, axes and steps must have the same length");
  int64_t rank = data.rank();
  SmallVector<int64_t> begin(rank, 0), step(rank, 1), count(data.shape);
  SmallVector<bool> seen(rank, false);
  for (size_t i = 0; i < starts.size(); ++i) {
    int64_t a = axes[i];
    if (!normalizeAxis(a, rank, error))
      return false;
    if (seen[a])
      return fail("axes repeat an axis");
    seen[a] = true;
    int64_t dim = data.shape[a], s = steps[i];
    if (s == 0)
      return fail("steps must not be 0");
    int64_t st = starts[i], en = ends[i];
    if (st < 0)
      st = st < -dim ? 0 : st + dim; // clamp below
    if (en < 0)
      en = en < -dim ? -1 : en + dim;
    if (s > 0) {
      st = std::clamp<int64_t>(st, 0, dim);
      en = std::clamp<int64_t>(en, 0, dim);
      count[a] = en > st ? (en - st + s - 1) / s : 0;
    } else {
      st = std::clamp<int64_t>(st, 0, dim - 1);
      en = std::clamp<int64_t>(en, -1, dim - 1);
      count[a] = st > en ? (st - en + (-s) - 1) / (-s) : 0;
    }
    begin[a] = st;
    step[a] = s;
  }
  HostTensor out(data.type, count);
  SmallVector<int64_t> srcStrides = getStrides(data.shape);
  SmallVector<int64_t> counter(rank, 0);
  for (int64_t i = 0; i < out.size(); ++i) {
    int64_t src = 0;
    for (int64_t d = 0; d < rank; ++d)
      src += (begin[d] + counter[d] * step[d]) * srcStrides[d];
    if (data.isFloat())
      out.floats[i] = data.floats[src];
    else
      out.ints[i] = data.ints[src];
    for (int64_t d = rank - 1; d >= 0; --d) {
      if (++counter[d] < count[d])
        break;
      counter[d] = 0;
    }
  }
  emit(std::move(out));
  return true;
}

/// Identity, Reshape, Squeeze, Unsqueeze, Flatten, Transpose: only the
/// shape or the order changes, so a quantized origin survives.
bool Folder::shapeOp(Op op) {
  if (!needInput(0, "data"))
    return false;
  const Constant &c = *inputs[0];
  ArrayRef<int64_t> inShape = c.value.shape;
  SmallVector<int64_t> shape;
  switch (op) {
  case Op::Identity:
  case Op::Dropout:
    results.push_back(c);
    if (op == Op::Dropout && node.output_size() > 1) {
      HostTensor mask(dtype::kBool, inShape);
      std::fill(mask.ints.begin(), mask.ints.end(), 1);
      emit(std::move(mask));
    }
    return true;
  case Op::Transpose: {
    SmallVector<int64_t> perm = attrs.getInts("perm").value_or(SmallVector<int64_t>());
    if (!checkAttrs() || !computeTranspose(inShape, perm, shape, error))
      return false;
    results.push_back(transposeConstant(c, perm));
    return true;
  }
  case Op::Reshape: {
    if (!needInput(1, "shape"))
      return false;
    SmallVector<int64_t> target;
    int64_t allowZero = attrs.getInt("allowzero", 0);
    if (!checkAttrs() || !readInts(*in(1), target, "shape") ||
        !computeReshape(inShape, target, allowZero != 0, shape, error))
      return false;
    break;
  }
  case Op::Flatten: {
    int64_t axis = attrs.getInt("axis", 1);
    if (!checkAttrs() || !computeFlatten(inShape, axis, shape, error))
      return false;
    break;
  }
  case Op::Squeeze:
  case Op::Unsqueeze: {
    SmallVector<int64_t> axes;
    bool hasAxes = false;
    if (opset < 13) {
      if (auto a = attrs.getInts("axes")) {
        axes = *a;
        hasAxes = true;
      }
      if (!checkAttrs())
        return false;
    } else if (in(1)) {
      if (!readInts(*in(1), axes, "axes"))
        return false;
      hasAxes = true;
    }
    if (op == Op::Unsqueeze) {
      if (!hasAxes)
        return fail("needs axes");
      if (!computeUnsqueeze(inShape, axes, shape, error))
        return false;
    } else if (!computeSqueeze(inShape, axes, hasAxes, shape, error)) {
      return false;
    }
    break;
  }
  default:
    return fail("unsupported shape op");
  }
  std::optional<Constant> reshaped = reshapeConstant(c, shape);
  if (!reshaped) {
    // The per-axis quantization does not survive: keep the float values.
    Constant plain{c.value, {}};
    reshaped = reshapeConstant(plain, shape);
  }
  results.push_back(std::move(*reshaped));
  return true;
}

bool Folder::expand() {
  if (!needInput(0, "data") || !needInput(1, "shape"))
    return false;
  const HostTensor &x = *in(0);
  SmallVector<int64_t> target;
  if (!readInts(*in(1), target, "shape"))
    return false;
  auto shape = broadcastShapes(x.shape, target);
  if (!shape)
    return fail("cannot expand " + shapeToString(x.shape) + " to " +
                shapeToString(target));
  std::string countError;
  if (!getElementCount(*shape, kMaxFoldedElements, countError))
    return fail("the result " + countError);
  std::vector<int64_t> idx = broadcastIndices(x.shape, *shape);
  HostTensor out(x.type, *shape);
  for (size_t i = 0; i < idx.size(); ++i) {
    if (x.isFloat())
      out.floats[i] = x.floats[idx[i]];
    else
      out.ints[i] = x.ints[idx[i]];
  }
  emit(std::move(out));
  return true;
}

bool Folder::constantOfShape() {
  if (!needInput(0, "shape"))
    return false;
  SmallVector<int64_t> shape;
  if (!readInts(*in(0), shape, "shape"))
    return false;
  std::string countError;
  if (!getElementCount(shape, kMaxFoldedElements, countError))
    return fail("the requested shape " + countError);
  HostTensor value(dtype::kFloat, {1});
  if (const onnx::TensorProto *t = attrs.getTensor("value")) {
    if (!readTensorProto(*t, value, error)) {
      error = "attribute 'value' " + error;
      return false;
    }
    if (value.size() != 1)
      return fail("attribute 'value' must hold one element");
  }
  if (!checkAttrs())
    return false;
  HostTensor out(value.type, shape);
  if (out.isFloat())
    std::fill(out.floats.begin(), out.floats.end(), value.floats[0]);
  else
    std::fill(out.ints.begin(), out.ints.end(), value.ints[0]);
  emit(std::move(out));
  return true;
}

bool Folder::range() {
  for (size_t i = 0; i < 3; ++i)
    if (!needInput(i, "operand"))
      return false;
  const HostTensor &start = *in(0), &limit = *in(1), &delta = *in(2);
  if (start.size() != 1 || limit.size() != 1 || delta.size() != 1)
    return fail("start, limit and delta must be scalars");
  if (start.type != limit.type || start.type != delta.type)
    return fail("start, limit and delta must have the same type");
  double s = start.getDouble(0), l = limit.getDouble(0), d = delta.getDouble(0);
  if (d == 0 || std::isnan(s) || std::isnan(l) || std::isnan(d))
    return fail("delta must be non-zero and values must be numbers");
  double n = std::max(std::ceil((l - s) / d), 0.0);
  if (n > static_cast<double>(kMaxFoldedElements))
    return fail("the result would have too many elements");
  HostTensor out(start.type, {static_cast<int64_t>(n)});
  for (int64_t i = 0; i < out.size(); ++i) {
    if (out.isFloat())
      out.floats[i] = roundToFloatType(s + i * d, out.type);
    else
      out.ints[i] = start.ints[0] + i * delta.ints[0];
  }
  emit(std::move(out));
  return true;
}

bool Folder::quantizeLinear() {
  if (!needInput(0, "x") || !needInput(1, "scale"))
    return false;
  const HostTensor &x = *in(0);
  if (!x.isFloat())
    return fail("input must be a float tensor, got " + dataTypeName(x.type));
  QuantParams params;
  if (!getLinearQuantParams(node, opset, /*isQuantize=*/true, x.shape, x.type,
                            {in(1), inputName(1)}, {in(2), inputName(2)},
                            params, error))
    return false;
  emit(onnx_import::quantizeLinear(x, params));
  return true;
}

bool Folder::dequantizeLinear() {
  if (!needInput(0, "x") || !needInput(1, "scale"))
    return false;
  const HostTensor &x = *in(0);
  QuantParams params;
  if (!getLinearQuantParams(node, opset, /*isQuantize=*/false, x.shape, x.type,
                            {in(1), inputName(1)}, {in(2), inputName(2)},
                            params, error))
    return false;
  results.push_back(dequantizeConstant(x, params));
  return true;
}

bool Folder::qonnxQuant() {
  for (size_t i = 0; i < 4; ++i)
    if (!needInput(i, i == 0 ? "x" : (i == 1 ? "scale" : (i == 2 ? "zero point" : "bitwidth"))))
      return false;
  const HostTensor &x = *in(0);
  if (!x.isFloat())
    return fail("input must be a float tensor, got " + dataTypeName(x.type));
  QuantParams params;
  if (!getQonnxQuantParams(node, x.shape, {in(1), inputName(1)},
                           {in(2), inputName(2)}, {in(3), inputName(3)},
                           params, error))
    return false;
  results.push_back(dequantizeConstant(quantizeQonnx(x, params), params));
  return true;
}

FoldStatus Folder::run(Op op) {
  bool ok = false;
  switch (op) {
  case Op::Unknown:
    return FoldStatus::NotFoldable;
  case Op::Add: case Op::Sub: case Op::Mul: case Op::Div: case Op::Pow:
  case Op::Min: case Op::Max: case Op::Equal: case Op::Less:
  case Op::Greater: case Op::LessOrEqual: case Op::GreaterOrEqual:
  case Op::And: case Op::Or: case Op::Xor:
    ok = elementwise(op);
    break;
  case Op::Not: case Op::Neg: case Op::Abs: case Op::Floor: case Op::Ceil:
  case Op::Round: case Op::Sqrt: case Op::Reciprocal: case Op::Relu:
  case Op::Sign:
    ok = unary(op);
    break;
  case Op::Where: ok = where(); break;
  case Op::Clip: ok = clip(); break;
  case Op::Cast: ok = cast(); break;
  case Op::Shape: ok = shape(); break;
  case Op::Size:
    ok = needInput(0, "data");
    if (ok) {
      HostTensor out(dtype::kInt64, {});
      out.ints[0] = 1;
      for (int64_t d : in(0)->shape)
        out.ints[0] *= d;
      emit(std::move(out));
    }
    break;
  case Op::Gather: ok = gather(); break;
  case Op::Concat: ok = concat(); break;
  case Op::Slice: ok = slice(); break;
  case Op::Identity: case Op::Dropout: case Op::Reshape: case Op::Flatten:
  case Op::Squeeze: case Op::Unsqueeze: case Op::Transpose:
    ok = shapeOp(op);
    break;
  case Op::Expand: ok = expand(); break;
  case Op::ConstantOfShape: ok = constantOfShape(); break;
  case Op::Range: ok = range(); break;
  case Op::Constant: {
    HostTensor t;
    ok = readConstantNode(node, t, error);
    if (ok)
      emit(std::move(t));
    break;
  }
  case Op::QuantizeLinear: ok = quantizeLinear(); break;
  case Op::DequantizeLinear: ok = dequantizeLinear(); break;
  case Op::QonnxQuant: ok = qonnxQuant(); break;
  }
  if (!ok)
    return FoldStatus::Failed;
  if (static_cast<int>(results.size()) < node.output_size()) {
    error = "produces " + std::to_string(node.output_size()) +
            " outputs; only the first " + std::to_string(results.size()) +
            " can be computed";
    return FoldStatus::Failed;
  }
  return FoldStatus::Folded;
}

} // namespace

bool isFoldableOp(StringRef opType, bool isQonnxDomain) {
  return classify(opType, isQonnxDomain) != Op::Unknown;
}

FoldStatus foldNode(const onnx::NodeProto &node, int64_t opset,
                    bool isQonnxDomain, ArrayRef<const Constant *> inputs,
                    SmallVectorImpl<Constant> &results, std::string &error) {
  results.clear();
  return Folder(node, opset, inputs, results, error)
      .run(classify(node.op_type(), isQonnxDomain));
}

bool readConstantNode(const onnx::NodeProto &node, HostTensor &out,
                      std::string &error) {
  NodeAttributes attrs(node);
  int found = 0;
  for (const onnx::AttributeProto &a : node.attribute()) {
    StringRef name = a.name();
    if (name == "sparse_value" || name == "value_string" ||
        name == "value_strings") {
      error = "attribute '" + name.str() + "' is not supported";
      return false;
    }
    found += name == "value" || name == "value_float" ||
             name == "value_floats" || name == "value_int" ||
             name == "value_ints";
  }
  if (found != 1) {
    error = "needs exactly one of the attributes value, value_float, "
            "value_floats, value_int, value_ints";
    return false;
  }
  if (const onnx::TensorProto *t = attrs.getTensor("value")) {
    if (!readTensorProto(*t, out, error)) {
      error = "attribute 'value' " + error;
      return false;
    }
  } else if (attrs.has("value_float")) {
    out = HostTensor(dtype::kFloat, {});
    out.floats[0] = static_cast<float>(attrs.getFloat("value_float", 0));
  } else if (attrs.has("value_int")) {
    out = HostTensor(dtype::kInt64, {});
    out.ints[0] = attrs.getInt("value_int", 0);
  } else if (auto fs = attrs.getFloats("value_floats")) {
    out = HostTensor(dtype::kFloat, {static_cast<int64_t>(fs->size())});
    for (size_t i = 0; i < fs->size(); ++i)
      out.floats[i] = (*fs)[i];
  } else if (auto is = attrs.getInts("value_ints")) {
    out = HostTensor(dtype::kInt64, {static_cast<int64_t>(is->size())});
    for (size_t i = 0; i < is->size(); ++i)
      out.ints[i] = (*is)[i];
  }
  if (!attrs.ok()) {
    error = attrs.error();
    return false;
  }
  return true;
}

/// float -> integer as static_cast compiles on x86-64: cvttss2si into a
/// 32-bit register for types up to 32 bits wide (0x80000000 when out of
/// range), into a 64-bit register otherwise; then the low bits are kept.
static int64_t castFloatToInt(double v, int32_t to) {
  if (to == dtype::kBool)
    return v != 0.0;
  double t = std::trunc(v);
  unsigned bits = integerBits(to);
  bool narrow = bits < 32 || to == dtype::kInt32;
  int64_t raw;
  if (narrow) {
    raw = (std::isnan(t) || t < -2147483648.0 || t > 2147483647.0)
              ? std::numeric_limits<int32_t>::min()
              : static_cast<int64_t>(t);
  } else {
    raw = (std::isnan(t) || t < -9223372036854775808.0 ||
           t >= 9223372036854775808.0)
              ? std::numeric_limits<int64_t>::min()
              : static_cast<int64_t>(t);
  }
  return wrapToType(raw, to);
}

bool castValues(const HostTensor &in, int32_t to, HostTensor &out,
                std::string &error) {
  if (!isFloatType(to) && !isIntegerType(to)) {
    error = "cannot cast to " + dataTypeName(to) + " at compile time";
    return false;
  }
  if (to == dtype::kUint64) {
    error = "casting to UINT64 is not supported";
    return false;
  }
  out = HostTensor(to, in.shape);
  for (int64_t i = 0; i < in.size(); ++i) {
    if (isFloatType(to))
      out.floats[i] = roundToFloatType(in.getDouble(i), to);
    else if (in.isFloat())
      out.ints[i] = castFloatToInt(in.floats[i], to);
    else
      out.ints[i] = wrapToType(in.ints[i], to);
  }
  return true;
}

} // namespace qrcnn::onnx_import
