"""Reference for the importer-form model in ../qnn-pipeline.mlir, computed
from its *unfused* float graph (quantize, dequantize, float conv, clamps,
max pool, dense) with numpy, independently of the compiler.

Every scale is a power of two, so float64 evaluates the float graph exactly
and it must equal the fused integer network bit for bit (no ties are
resolved differently: quantize and requantize both round half to even).

    qnn_pipeline_reference.py INPUTS.f32 OUTPUTS.f32
compares OUTPUTS (from `qrcnnc --run`) with the reference; exit 1 on any
difference.
"""
import sys

import numpy as np

# The constants of ../qnn-pipeline.mlir.
W_STEM = np.array([[[1, 2, 1]], [[-1, 0, 1]], [[3, -2, 1]], [[0, 4, -4]]]) * 0.125
B_STEM = np.array([0.0078125, -0.00390625, 0.0, 0.5])
W = np.array([[[1, 0, -1], [2, 1, 0], [0, 0, 1], [-1, 1, 1]],
              [[0, 1, 0], [1, -2, 1], [3, 0, 0], [0, 0, -1]],
              [[-1, -1, 2], [0, 1, 1], [1, 0, 0], [2, -3, 1]],
              [[1, 1, 1], [0, 0, 0], [-1, 2, -1], [1, 0, 2]]]) * 0.125
B = np.array([1, -2, 3, 0]) * 0.0078125
W_FC = np.array([[1, -1, 2, 0, 1, -1, 0, 2],
                 [0, 2, -1, 1, 0, 1, -3, 0],
                 [-1, 0, 0, 2, -2, 1, 1, 1]]) * 0.125
B_FC = np.array([0.25, -0.125, 0.0])


def quantize(x, scale, zero_point=0, lo=0, hi=255):
    # x / s in float32 as qnn.quantize (and ONNX Runtime) computes it
    q = np.rint((x.astype(np.float32) / np.float32(scale)).astype(np.float64)) + zero_point
    return np.clip(q, lo, hi)


def dequantize(q, scale, zero_point=0):
    return scale * (q - zero_point)


def conv1d(x, w, b, pad):
    n, c, length = x.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad)))
    out = np.zeros((n, w.shape[0], length)) + b[None, :, None]
    for k in range(w.shape[2]):
        out += np.einsum("nct,oc->not", xp[:, :, k:k + length], w[:, :, k])
    return out


def maxpool2(x):
    t = x.shape[2] // 2
    return x[:, :, :2 * t].reshape(x.shape[0], x.shape[1], t, 2).max(axis=3)


def relu(x):
    return np.maximum(x, 0.0)


def clip4(x):
    return np.clip(x, 0.0, 0.9375)


def reference(inputs):
    sa = 0.0625
    x = dequantize(quantize(inputs, 0.0078125, 128), 0.0078125, 128)
    # stem
    y = dequantize(quantize(clip4(relu(conv1d(x, W_STEM, B_STEM, 1))), sa), sa)
    y = dequantize(quantize(maxpool2(y), sa), sa)
    # block 1: clamps on the floats
    y = maxpool2(dequantize(quantize(clip4(relu(conv1d(y, W, B, 1))), sa), sa))
    # block 2: the 4-bit clamp on the integers
    y = dequantize(maxpool2(np.clip(quantize(relu(conv1d(y, W, B, 1)), sa), 0, 15)), sa)
    # block 3: max pool before the requantization
    y = dequantize(quantize(clip4(maxpool2(conv1d(y, W, B, 1))), sa), sa)
    logits = y.reshape(y.shape[0], -1) @ W_FC.T + B_FC
    return logits.astype(np.float32)


def main():
    inputs = np.fromfile(sys.argv[1], "<f4").reshape(-1, 1, 32)
    got = np.fromfile(sys.argv[2], "<f4").reshape(-1, 3)
    want = reference(inputs)
    bad = np.flatnonzero((got != want).any(axis=1))
    levels = len(np.unique(want.round(7), axis=0))
    print("samples %d, distinct outputs %d, mismatches %d" % (len(want), levels, len(bad)))
    for i in bad[:5]:
        print("sample %d: got %s, want %s" % (i, got[i], want[i]))
    return 1 if len(bad) else 0


if __name__ == "__main__":
    sys.exit(main())
