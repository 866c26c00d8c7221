//===- ShapeHelpers.cpp - ONNX shape rules --------------------------------===//
#include "ShapeHelpers.h"
#include "HostTensor.h"

#include "llvm/ADT/STLExtras.h"

using namespace llvm;

namespace qrcnn::onnx_import {

static std::string listToString(ArrayRef<int64_t> v) {
  std::string s = "[";
  for (size_t i = 0; i < v.size(); ++i)
    s += (i ? "," : "") + std::to_string(v[i]);
  return s + "]";
}

bool normalizeAxis(int64_t &axis, int64_t rank, std::string &error) {
  if (axis < -rank || axis >= rank) {
    error = "axis " + std::to_string(axis) + " is out of range for rank " +
            std::to_string(rank);
    return false;
  }
  if (axis < 0)
    axis += rank;
  return true;
}

bool computeReshape(ArrayRef<int64_t> in, ArrayRef<int64_t> shape,
                    bool allowZero, SmallVectorImpl<int64_t> &out,
                    std::string &error) {
  std::string countError;
  std::optional<int64_t> total = getElementCount(in, kMaxElements, countError);
  if (!total) {
    error = "the input " + countError;
    return false;
  }
  out.clear();
  int64_t inferred = -1, known = 1;
  for (size_t i = 0; i < shape.size(); ++i) {
    int64_t d = shape[i];
    if (d == 0 && !allowZero) {
      if (i >= in.size()) {
        error = "shape " + listToString(shape) + " copies dimension " +
                std::to_string(i) + " (0) but the input has rank " +
                std::to_string(in.size());
        return false;
      }
      d = in[i];
    }
    if (d == -1) {
      if (inferred >= 0) {
        error = "shape " + listToString(shape) +
                " has more than one -1 (inferred) dimension";
        return false;
      }
      inferred = static_cast<int64_t>(i);
      out.push_back(1);
      continue;
    }
    if (d < 0) {
      error = "shape " + listToString(shape) + " has an invalid dimension " +
              std::to_string(d);
      return false;
    }
    if (d != 0 && known > kMaxElements / d) {
      error = "shape " + listToString(shape) + " is too large";
      return false;
    }
    known *= d;
    out.push_back(d);
  }
  if (inferred >= 0) {
    if (known == 0 || *total % known != 0) {
      error = "cannot reshape " + std::to_string(*total) + " elements (" +
              shapeToString(in) + ") to " + listToString(shape);
      return false;
    }
    out[inferred] = *total / known;
    known *= out[inferred];
  }
  if (known != *total) {
    error = "cannot reshape " + std::to_string(*total) + " elements (" +
            shapeToString(in) + ") to " + listToString(shape) + " (" +
            std::to_string(known) + " elements)";
    return false;
  }
  return true;
}

bool computeSqueeze(ArrayRef<int64_t> in, ArrayRef<int64_t> axes, bool hasAxes,
                    SmallVectorImpl<int64_t> &out, std::string &error) {
  int64_t rank = static_cast<int64_t>(in.size());
  SmallVector<bool> drop(rank, false);
  if (!hasAxes) {
    for (int64_t d = 0; d < rank; ++d)
      drop[d] = in[d] == 1;
  } else {
    for (int64_t a : axes) {
      if (!normalizeAxis(a, rank, error))
        return false;
      if (in[a] != 1) {
        error = "cannot squeeze dimension " + std::to_string(a) + " of size " +
                std::to_string(in[a]);
        return false;
      }
      drop[a] = true;
    }
  }
  out.clear();
  for (int64_t d = 0; d < rank; ++d)
    if (!drop[d])
      out.push_back(in[d]);
  return true;
}

bool computeUnsqueeze(ArrayRef<int64_t> in, ArrayRef<int64_t> axes,
                      SmallVectorImpl<int64_t> &out, std::string &error) {
  int64_t outRank = static_cast<int64_t>(in.size() + axes.size());
  SmallVector<bool> inserted(outRank, false);
  for (int64_t a : axes) {
    if (!normalizeAxis(a, outRank, error))
      return false;
    if (inserted[a]) {
      error = "axes " + listToString(axes) + " repeat an axis";
      return false;
    }
    inserted[a] = true;
  }
  out.clear();
  size_t next = 0;
  for (int64_t d = 0; d < outRank; ++d)
    out.push_back(inserted[d] ? 1 : in[next++]);
  return true;
}

bool computeFlatten(ArrayRef<int64_t> in, int64_t axis,
                    SmallVectorImpl<int64_t> &out, std::string &error) {
  int64_t rank = static_cast<int64_t>(in.size());
  if (axis < -rank || axis > rank) {
    error = "axis " + std::to_string(axis) + " is out of range for rank " +
            std::to_string(rank);
    return false;
  }
  if (axis < 0)
    axis += rank;
  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < rank; ++d)
    (d < axis ? outer : inner) *= in[d];
  out.assign({outer, inner});
  return true;
}

bool computeTranspose(ArrayRef<int64_t> in, SmallVectorImpl<int64_t> &perm,
                      SmallVectorImpl<int64_t> &out, std::string &error) {
  int64_t rank = static_cast<int64_t>(in.size());
  if (perm.empty())
    for (int64_t d = rank - 1; d >= 0; --d)
      perm.push_back(d);
  if (static_cast<int64_t>(perm.size()) != rank) {
    error = "perm " + listToString(perm) + " does not have one entry per "
            "dimension (rank " + std::to_string(rank) + ")";
    return false;
  }
  SmallVector<bool> seen(rank, false);
  out.clear();
  for (int64_t &p : perm) {
    if (p < 0)
      p += rank;
    if (p < 0 || p >= rank || seen[p]) {
      error = "perm " + listToString(perm) + " is not a permutation";
      return false;
    }
    seen[p] = true;
    out.push_back(in[p]);
  }
  return true;
}

bool computeWindow(ArrayRef<int64_t> spatialSizes, ArrayRef<int64_t> kernel,
                   std::optional<SmallVector<int64_t>> strides,
                   std::optional<SmallVector<int64_t>> pads,
                   std::optional<SmallVector<int64_t>> dilations,
                   const std::string &autoPad, bool ceilMode,
                   WindowGeometry &g, std::string &error) {
  size_t n = spatialSizes.size();
  g = WindowGeometry();
  const std::string tooLarge =
      " is too large (the limit is " + std::to_string(kMaxElements) + ")";
  if (kernel.size() != n) {
    error = "kernel_shape " + listToString(kernel) + " must have " +
            std::to_string(n) + " entries for " + std::to_string(n) +
            " spatial dimensions";
    return false;
  }
  for (int64_t k : kernel)
    if (k < 1 || k > kMaxElements) {
      error = "kernel_shape " + listToString(kernel) +
              (k < 1 ? " must be positive" : tooLarge);
      return false;
    }
  g.kernel.assign(kernel.begin(), kernel.end());
  g.strides = strides ? *strides : SmallVector<int64_t>(n, 1);
  g.dilations = dilations ? *dilations : SmallVector<int64_t>(n, 1);
  g.pads = pads ? *pads : SmallVector<int64_t>(2 * n, 0);
  if (g.strides.size() != n) {
    error = "strides " + listToString(g.strides) + " must have " +
            std::to_string(n) + " entries";
    return false;
  }
  if (g.dilations.size() != n) {
    error = "dilations " + listToString(g.dilations) + " must have " +
            std::to_string(n) + " entries";
    return false;
  }
  if (g.pads.size() != 2 * n) {
    error = "pads " + listToString(g.pads) + " must have " +
            std::to_string(2 * n) + " entries (all begins, then all ends)";
    return false;
  }
  for (int64_t s : g.strides)
    if (s < 1 || s > kMaxElements) {
      error = "strides " + listToString(g.strides) +
              (s < 1 ? " must be >= 1" : tooLarge);
      return false;
    }
  for (int64_t d : g.dilations)
    if (d < 1 || d > kMaxElements) {
      error = "dilations " + listToString(g.dilations) +
              (d < 1 ? " must be >= 1" : tooLarge);
      return false;
    }
  for (int64_t p : g.pads)
    if (p < 0 || p > kMaxElements) {
      error = "pads " + listToString(g.pads) +
              (p < 0 ? " must be >= 0" : tooLarge);
      return false;
    }
  bool same = autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER";
  if (!same && autoPad != "NOTSET" && autoPad != "VALID" && !autoPad.empty()) {
    error = "auto_pad '" + autoPad +
            "' is not one of NOTSET, SAME_UPPER, SAME_LOWER, VALID";
    return false;
  }
  for (size_t d = 0; d < n; ++d) {
    int64_t in = spatialSizes[d], s = g.strides[d];
    int64_t span = g.dilations[d] * (g.kernel[d] - 1) + 1;
    int64_t out;
    if (same) {
      out = (in + s - 1) / s;
      int64_t total = std::max<int64_t>(0, (out - 1) * s + span - in);
      int64_t small = total / 2, large = total - small;
      g.pads[d] = autoPad == "SAME_UPPER" ? small : large;
      g.pads[d + n] = autoPad == "SAME_UPPER" ? large : small;
    } else {
      if (autoPad == "VALID")
        g.pads[d] = g.pads[d + n] = 0;
      int64_t padded = in + g.pads[d] + g.pads[d + n];
      if (padded < span) {
        error = "the window (kernel " + std::to_string(g.kernel[d]) +
                ", dilation " + std::to_string(g.dilations[d]) +
                ") does not fit spatial dimension " + std::to_string(d) +
                " of size " + std::to_string(in) + " with its padding";
        return false;
      }
      out = (padded - span) / s + 1;
      if (ceilMode && (padded - span) % s != 0) {
        ++out;
        // Windows that would start in the end padding are dropped.
        if ((out - 1) * s >= in + g.pads[d])
          --out;
        int64_t needed = (out - 1) * s + span - in - g.pads[d];
        if (needed > g.pads[d + n]) {
          g.pads[d + n] = needed;
          g.ceilExtended = true;
        }
      }
    }
    if (out < 1) {
      error = "the window does not fit spatial dimension " + std::to_string(d);
      return false;
    }
    g.outSizes.push_back(out);
  }
  return true;
}

} // namespace qrcnn::onnx_import
