//===- Kernels.h - the golden model's loops ---------------------*- C++ -*-===//
//
// Plain loops over flat arrays, free of MLIR, that the interpreter calls
// once per op and sample. Quantized tensors are int32 arrays of stored
// integers, float tensors float arrays; the numeric rules are those of
// dialects/QNN/QNNOps.td and DESIGN.md ("Numeric contract"). Everything the
// loops need (shapes, zero points, requantization parameters) is resolved
// beforehand, so they only index and accumulate.
//
//===----------------------------------------------------------------------===//
#ifndef QRCNN_INTERPRETER_KERNELS_H
#define QRCNN_INTERPRETER_KERNELS_H

#include "qrcnn/requantize.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

namespace qrcnn::interp {

/// A 2-D sliding window over NCHW data; 1-D (NCW) data has inH = outH = 1
/// and a 1x1 window along H.
struct Window {
  int64_t batch = 1;
  int64_t inChannels = 1, inH = 1, inW = 1;
  int64_t outChannels = 1, outH = 1, outW = 1;
  int64_t kernelH = 1, kernelW = 1;
  int64_t strideH = 1, strideW = 1;
  int64_t dilationH = 1, dilationW = 1;
  int64_t padTop = 0, padLeft = 0, padBottom = 0, padRight = 0;
  int64_t group = 1;

  int64_t paddedH() const { return inH + padTop + padBottom; }
  int64_t paddedW() const { return inW + padLeft + padRight; }
  int64_t inputSize() const { return batch * inChannels * inH * inW; }
  int64_t paddedSize() const {
    return batch * inChannels * paddedH() * paddedW();
  }
  int64_t outputSize() const { return batch * outChannels * outH * outW; }
  /// Weight elements per output channel: (in / group) * kernelH * kernelW.
  int64_t weightsPerChannel() const {
    return inChannels / group * kernelH * kernelW;
  }
};

/// Writes `input - zero` into the interior of `padded` and 0 around it, so
/// that the convolution reads padding as real zero without bounds checks.
template <typename T>
void padAndShift(const Window &w, const T *input, T zero, T *padded) {
  int64_t ph = w.paddedH(), pw = w.paddedW();
  std::fill(padded, padded + w.paddedSize(), T(0));
  for (int64_t plane = 0; plane < w.batch * w.inChannels; ++plane)
    for (int64_t h = 0; h < w.inH; ++h) {
      const T *src = input + (plane * w.inH + h) * w.inW;
      T *dst = padded + (plane * ph + h + w.padTop) * pw + w.padLeft;
      for (int64_t x = 0; x < w.inW; ++x)
        dst[x] = src[x] - zero;
    }
}

/// out[n,c,oh,ow] = bias[c] + sum_{i,kh,kw} padded[n, g*I+i, oh*sh+kh*dh,
/// ow*sw+kw*dw] * weight[c,i,kh,kw] over the (already shifted) padded input.
/// Output-stationary: a block of kBlock outputs along W stays in registers
/// while every tap is added, each tap reading contiguous input when the
/// stride is 1. Acc is the accumulator: float, int32 (when a bound proves
/// it cannot overflow) or int64.
template <typename T, typename Acc, typename B>
void convolve(const Window &w, const T *padded, const T *weight,
              const B *bias, Acc *out) {
  constexpr int64_t kBlock = 16;
  int64_t ph = w.paddedH(), pw = w.paddedW();
  int64_t inPerGroup = w.inChannels / w.group;
  int64_t outPerGroup = w.outChannels / w.group;
  int64_t taps = w.kernelH * w.kernelW;
  for (int64_t n = 0; n < w.batch; ++n)
    for (int64_t c = 0; c < w.outChannels; ++c) {
      Acc init = bias ? static_cast<Acc>(bias[c]) : Acc(0);
      int64_t firstIn = c / outPerGroup * inPerGroup;
      const T *wc = weight + c * w.weightsPerChannel();
      const T *image = padded + (n * w.inChannels + firstIn) * ph * pw;
      for (int64_t oh = 0; oh < w.outH; ++oh) {
        Acc *dst = out + ((n * w.outChannels + c) * w.outH + oh) * w.outW;
        // Start of output row oh's window in each input plane.
        const T *rowBase = image + oh * w.strideH * pw;
        for (int64_t ow0 = 0; ow0 < w.outW; ow0 += kBlock) {
          int64_t count = std::min(kBlock, w.outW - ow0);
          Acc acc[kBlock];
          for (int64_t b = 0; b < kBlock; ++b)
            acc[b] = init;
          for (int64_t i = 0; i < inPerGroup; ++i)
            for (int64_t kh = 0; kh < w.kernelH; ++kh)
              for (int64_t kw = 0; kw < w.kernelW; ++kw) {
                Acc wv = static_cast<Acc>(wc[i * taps + kh * w.kernelW + kw]);
                const T *src = rowBase + (i * ph + kh * w.dilationH) * pw +
                               kw * w.dilationW + ow0 * w.strideW;
                if (w.strideW == 1 && count == kBlock) {
                  for (int64_t b = 0; b < kBlock; ++b)
                    acc[b] += wv * static_cast<Acc>(src[b]);
                } else {
                  for (int64_t b = 0; b < count; ++b)
                    acc[b] += wv * static_cast<Acc>(src[b * w.strideW]);
                }
              }
          for (int64_t b = 0; b < count; ++b)
            dst[ow0 + b] = acc[b];
        }
      }
    }
}

/// y[n,m] = bias[m] + sum_k x[n,k] * weight[m,k] over a shifted input.
template <typename T, typename Acc, typename B>
void dense(int64_t batch, int64_t inFeatures, int64_t outFeatures, const T *x,
           const T *weight, const B *bias, Acc *y) {
  for (int64_t n = 0; n < batch; ++n)
    for (int64_t m = 0; m < outFeatures; ++m) {
      const T *xr = x + n * inFeatures;
      const T *wr = weight + m * inFeatures;
      Acc acc = bias ? static_cast<Acc>(bias[m]) : Acc(0);
      for (int64_t k = 0; k < inFeatures; ++k)
        acc += static_cast<Acc>(xr[k]) * static_cast<Acc>(wr[k]);
      y[n * outFeatures + m] = acc;
    }
}

/// Narrows int64 accumulators to the i32 result; returns the index of the
/// first value that does not fit, or -1.
inline int64_t narrowToInt32(const int64_t *acc, int64_t size, int32_t *out) {
  for (int64_t e = 0; e < size; ++e) {
    if (acc[e] < std::numeric_limits<int32_t>::min() ||
        acc[e] > std::numeric_limits<int32_t>::max())
      return e;
    out[e] = static_cast<int32_t>(acc[e]);
  }
  return -1;
}

/// Elements seen as [outer, channels, inner]: the channel of a per-axis
/// quantized tensor is the middle index (channels = 1 for per tensor).
struct ChannelLayout {
  int64_t outer = 1, channels = 1, inner = 1;
  int64_t size() const { return outer * channels * inner; }
};

/// q = clamp(nearbyint(x / s) + z, lo, hi), as ONNX Runtime's
/// QuantizeLinear computes it (MLAS): x / s is a float32 division, clamped
/// in float to [lo - z, hi - z] (NaN goes to lo, like SSE's max/min), then
/// rounded half to even (nearbyint in the default rounding mode). Since z is
/// an integer, rounding before adding z is the same as rounding after.
inline void quantize(const ChannelLayout &l, const float *x,
                     const float *scale, const int32_t *zero, int32_t lo,
                     int32_t hi, int32_t *q) {
  for (int64_t o = 0; o < l.outer; ++o)
    for (int64_t c = 0; c < l.channels; ++c) {
      float s = scale[c];
      int64_t z = zero[c];
      float minValue = static_cast<float>(lo - z);
      float maxValue = static_cast<float>(hi - z);
      int64_t base = (o * l.channels + c) * l.inner;
      for (int64_t e = base; e < base + l.inner; ++e) {
        float v = x[e] / s;
        v = v >= minValue ? v : minValue; // NaN fails the test: lo
        v = v <= maxValue ? v : maxValue;
        int64_t r = static_cast<int64_t>(std::nearbyint(v)) + z;
        // Only a 32-bit storage range can round past its end in float.
        q[e] = static_cast<int32_t>(std::clamp<int64_t>(r, lo, hi));
      }
    }
}

/// x = float(q - z) * s in float32, as ONNX Runtime's DequantizeLinear.
inline void dequantize(const ChannelLayout &l, const int32_t *q,
                       const float *scale, const int32_t *zero, float *x) {
  for (int64_t o = 0; o < l.outer; ++o)
    for (int64_t c = 0; c < l.channels; ++c) {
      float s = scale[c];
      int64_t z = zero[c];
      int64_t base = (o * l.channels + c) * l.inner;
      for (int64_t e = base; e < base + l.inner; ++e)
        x[e] = static_cast<float>(q[e] - z) * s;
    }
}

/// y = rt::requantize(q - zIn[c], params[c], zOut, lo, hi).
inline void requantize(const ChannelLayout &l, const int32_t *q,
                       const int32_t *zeroIn, const rt::RequantParams *params,
                       int32_t zeroOut, int32_t lo, int32_t hi, int32_t *y) {
  for (int64_t o = 0; o < l.outer; ++o)
    for (int64_t c = 0; c < l.channels; ++c) {
      rt::RequantParams p = params[c];
      int64_t z = zeroIn[c];
      int64_t base = (o * l.channels + c) * l.inner;
      for (int64_t e = base; e < base + l.inner; ++e)
        y[e] = rt::requantize(static_cast<int64_t>(q[e]) - z, p, zeroOut, lo,
                              hi);
    }
}

/// Max over each window; padding never wins. A window that lies wholly in
/// the padding yields `empty`.
template <typename T>
void maxPool(const Window &w, const T *in, T *out, T empty) {
  bool unpadded1d = w.inH == 1 && w.kernelH == 1 && w.padLeft == 0 &&
                    (w.outW - 1) * w.strideW +
                            (w.kernelW - 1) * w.dilationW <
                        w.inW;
  for (int64_t plane = 0; plane < w.batch * w.inChannels; ++plane) {
    const T *src = in + plane * w.inH * w.inW;
    T *dst = out + plane * w.outH * w.outW;
    if (unpadded1d) {
      // Every window lies inside the row: no bounds checks.
      for (int64_t ow = 0; ow < w.outW; ++ow) {
        const T *window = src + ow * w.strideW;
        T best = window[0];
        for (int64_t kw = 1; kw < w.kernelW; ++kw)
          best = std::max(best, window[kw * w.dilationW]);
        dst[ow] = best;
      }
      continue;
    }
    for (int64_t oh = 0; oh < w.outH; ++oh)
      for (int64_t ow = 0; ow < w.outW; ++ow) {
        bool any = false;
        T best = empty;
        for (int64_t kh = 0; kh < w.kernelH; ++kh) {
          int64_t h = oh * w.strideH + kh * w.dilationH - w.padTop;
          if (h < 0 || h >= w.inH)
            continue;
          for (int64_t kw = 0; kw < w.kernelW; ++kw) {
            int64_t x = ow * w.strideW + kw * w.dilationW - w.padLeft;
            if (x < 0 || x >= w.inW)
              continue;
            T v = src[h * w.inW + x];
            if (!any || v > best)
              best = v;
            any = true;
          }
        }
        dst[oh * w.outW + ow] = best;
      }
  }
}

/// Calls f(sum, count) for each output of an average pool and stores its
/// result; `sum` adds `in - zero` over the in-bounds part of the window,
/// `count` is the window size with count_include_pad, else the in-bounds
/// count.
template <typename T, typename Sum, typename F>
void averagePool(const Window &w, bool countIncludePad, const T *in, T zero,
                 T *out, F f) {
  for (int64_t plane = 0; plane < w.batch * w.inChannels; ++plane) {
    const T *src = in + plane * w.inH * w.inW;
    T *dst = out + plane * w.outH * w.outW;
    for (int64_t oh = 0; oh < w.outH; ++oh)
      for (int64_t ow = 0; ow < w.outW; ++ow) {
        Sum sum = 0;
        int64_t inBounds = 0;
        for (int64_t kh = 0; kh < w.kernelH; ++kh) {
          int64_t h = oh * w.strideH + kh - w.padTop;
          if (h < 0 || h >= w.inH)
            continue;
          for (int64_t kw = 0; kw < w.kernelW; ++kw) {
            int64_t x = ow * w.strideW + kw - w.padLeft;
            if (x < 0 || x >= w.inW)
              continue;
            sum += static_cast<Sum>(src[h * w.inW + x] - zero);
            ++inBounds;
          }
        }
        int64_t count = countIncludePad ? w.kernelH * w.kernelW : inBounds;
        dst[oh * w.outW + ow] = f(sum, count);
      }
  }
}

/// Index of the first maximum along the middle axis of [outer, axis, inner].
template <typename T>
void argMax(const ChannelLayout &l, const T *in, int32_t *out) {
  for (int64_t o = 0; o < l.outer; ++o)
    for (int64_t i = 0; i < l.inner; ++i) {
      const T *src = in + o * l.channels * l.inner + i;
      int64_t best = 0;
      for (int64_t a = 1; a < l.channels; ++a)
        if (src[a * l.inner] > src[best * l.inner])
          best = a;
      out[o * l.inner + i] = static_cast<int32_t>(best);
    }
}

/// Softmax along the middle axis of [outer, axis, inner], as ONNX Runtime
/// computes it in float32: exp(x - max) / sum(exp(x - max)).
inline void softmax(const ChannelLayout &l, const float *in, float *out) {
  for (int64_t o = 0; o < l.outer; ++o)
    for (int64_t i = 0; i < l.inner; ++i) {
      const float *src = in + o * l.channels * l.inner + i;
      float *dst = out + o * l.channels * l.inner + i;
      float maxValue = src[0];
      for (int64_t a = 1; a < l.channels; ++a)
        maxValue = std::max(maxValue, src[a * l.inner]);
      float sum = 0.0f;
      for (int64_t a = 0; a < l.channels; ++a) {
        dst[a * l.inner] = std::exp(src[a * l.inner] - maxValue);
        sum += dst[a * l.inner];
      }
      for (int64_t a = 0; a < l.channels; ++a)
        dst[a * l.inner] /= sum;
    }
}

/// out = in with dimensions permuted: result dimension d is input dimension
/// perm[d].
template <typename T>
void transpose(const std::vector<int64_t> &inShape,
               const std::vector<int64_t> &perm, const T *in, T *out) {
  int64_t rank = static_cast<int64_t>(inShape.size());
  std::vector<int64_t> inStrides(rank, 1);
  for (int64_t d = rank - 2; d >= 0; --d)
    inStrides[d] = inStrides[d + 1] * inShape[d + 1];
  std::vector<int64_t> shape(rank), strides(rank);
  int64_t total = 1;
  for (int64_t d = 0; d < rank; ++d) {
    shape[d] = inShape[perm[d]];
    strides[d] = inStrides[perm[d]];
    total *= shape[d];
  }
  std::vector<int64_t> index(rank, 0);
  int64_t src = 0;
  for (int64_t e = 0; e < total; ++e) {
    out[e] = in[src];
    for (int64_t d = rank - 1; d >= 0; --d) {
      src += strides[d];
      if (++index[d] < shape[d])
        break;
      src -= strides[d] * shape[d];
      index[d] = 0;
    }
  }
}

/// Numpy broadcasting of two operands onto a result shape: per result
/// dimension, the element stride of each operand (0 where it broadcasts).
struct Broadcast {
  std::vector<int64_t> shape, lhsStrides, rhsStrides;

  /// Calls f(resultIndex, lhsIndex, rhsIndex) for every result element in
  /// order.
  template <typename F> void forEach(F f) const {
    int64_t rank = static_cast<int64_t>(shape.size());
    int64_t total = 1;
    for (int64_t d : shape)
      total *= d;
    if (rank == 0) {
      if (total)
        f(0, 0, 0);
      return;
    }
    std::vector<int64_t> index(rank, 0);
    int64_t lhs = 0, rhs = 0;
    int64_t innerSize = shape[rank - 1];
    int64_t ls = lhsStrides[rank - 1], rs = rhsStrides[rank - 1];
    for (int64_t e = 0; e < total; e += innerSize) {
      for (int64_t i = 0; i < innerSize; ++i)
        f(e + i, lhs + i * ls, rhs + i * rs);
      // Advance the odometer over the outer dimensions.
      for (int64_t d = rank - 2; d >= 0; --d) {
        lhs += lhsStrides[d];
        rhs += rhsStrides[d];
        if (++index[d] < shape[d])
          break;
        lhs -= lhsStrides[d] * shape[d];
        rhs -= rhsStrides[d] * shape[d];
        index[d] = 0;
      }
    }
  }
};

/// Quantized add (see qnn.add in QNNOps.td): both operands are rescaled to
/// the result with integer multipliers on one shared shift,
///   y = clamp(roundingShiftHalfEven((a - za) * ma + (b - zb) * mb, shift)
///             + zy, lo, hi),
/// all in int64 (the interpreter checks at prepare time that the sum
/// cannot overflow).
struct QuantizedAdd {
  int64_t lhsMultiplier = 1, rhsMultiplier = 1;
  int32_t shift = 0;
  int32_t lhsZero = 0, rhsZero = 0, outZero = 0, lo = 0, hi = 0;

  int32_t operator()(int32_t a, int32_t b) const {
    int64_t sum = (static_cast<int64_t>(a) - lhsZero) * lhsMultiplier +
                  (static_cast<int64_t>(b) - rhsZero) * rhsMultiplier;
    int64_t y = rt::roundingShiftHalfEven(sum, shift) + outZero;
    return static_cast<int32_t>(std::clamp<int64_t>(y, lo, hi));
  }
};

} // namespace qrcnn::interp

#endif // QRCNN_INTERPRETER_KERNELS_H
