"""Integer-exact reference of the quantized ECG models (DESIGN.md's numeric
contract), in numpy int64 arithmetic only:

    xq   = clamp(round_half_even(x / sx) + zx, 0, 255)           (uint8)
    acc  = b[c] + sum_i sum_k (a[i, t + k - pad] - z_in) * w[c, i, k]
           (padding reads z_in, i.e. real zero)
    y    = clamp(round_half_even(acc * M), 0, 15),  M = s_in * sw / s_out
    pool = max over pairs (floor)
    logits_int = b_fc + W_fc . flatten(a)   -> argmax (scale > 0 keeps order)

M is evaluated exactly from the float32 scales (a Fraction; here a binary
fraction because s_out is a power of two). Compiled code must reproduce
these integers bit for bit.
"""
from __future__ import annotations

from fractions import Fraction

import numpy as np

from .models import PAD, SX, ZX


def multiplier(layer: dict) -> Fraction:
    return (Fraction(float(np.float32(layer["s_in"]))) * Fraction(float(np.float32(layer["sw"])))
            / Fraction(float(np.float32(layer["s_out"]))))


def round_half_even_div(v: np.ndarray, q: int) -> np.ndarray:
    """round_half_even(v / q) for int64 v and a positive int q."""
    fl = np.floor_divide(v, q)
    r = v - fl * q
    up = (2 * r > q) | ((2 * r == q) & (fl % 2 == 1))
    return fl + up


def quantize_input(x: np.ndarray) -> np.ndarray:
    # x / SX is exact (SX is a power of two); np.rint rounds half to even
    return np.clip(np.rint(x.astype(np.float32) / np.float32(SX)).astype(np.int64) + ZX, 0, 255)


def conv_int(a: np.ndarray, z_in: int, w: np.ndarray, b: np.ndarray) -> np.ndarray:
    """a: (n, ci, L) int64; w: (co, ci, k); returns acc (n, co, L) int64."""
    d = a - z_in
    d = np.pad(d, ((0, 0), (0, 0), (PAD, PAD)))
    k = w.shape[2]
    L = a.shape[2]
    acc = np.zeros((a.shape[0], w.shape[0], L), np.int64) + b.astype(np.int64)[None, :, None]
    w = w.astype(np.int64)
    for j in range(k):
        acc += np.einsum("nil,oi->nol", d[:, :, j:j + L], w[:, :, j])
    return acc


def forward_int(qp: dict, x: np.ndarray, return_all: bool = False):
    """x: (n, WINDOW) float32 mV -> int64 logits (n, classes)."""
    a = quantize_input(x)[:, None, :]
    z = ZX
    acts = [a]
    layers = qp["layers"]
    for l in layers[:-1]:
        acc = conv_int(a, z, l["w"], l["b"])
        M = multiplier(l)
        y = round_half_even_div(acc * M.numerator, M.denominator)
        y = np.clip(y, 0, 15)  # relu (zero point 0) and the 4-bit range
        L = y.shape[2] // 2
        a = y[:, :, :2 * L].reshape(y.shape[0], y.shape[1], L, 2).max(-1)
        z = 0
        acts.append(a)
    fc = layers[-1]
    flat = a.reshape(a.shape[0], -1)
    logits = flat @ fc["w"].astype(np.int64).T + fc["b"].astype(np.int64)[None, :]
    return (logits, acts) if return_all else logits


def predict(qp: dict, x: np.ndarray, batch: int = 4096) -> np.ndarray:
    out = [forward_int(qp, x[i:i + batch]).argmax(1) for i in range(0, len(x), batch)]
    return np.concatenate(out)


# --- integer parameters read back from an exported ONNX file ---------------

def load_onnx_params(path: str) -> dict:
    """Rebuild the integer model from one of our exported files (QDQ or INT4
    form), the way an importer would: weights from the DequantizeLinear
    initializers, biases rounded half to even onto s_in * sw (or read as
    int32), activation scales from the QuantizeLinear after each Relu.
    Only handles the graphs written by qrcnn_ecg.export."""
    import onnx
    from onnx import numpy_helper
    from .export import _init_array

    m = onnx.load(path)
    g = m.graph
    inits = {t.name: t for t in g.initializer}
    consts = {n.output[0]: numpy_helper.to_array(n.attribute[0].t)
              for n in g.node if n.op_type == "Constant"}
    by_out = {o: n for n in g.node for o in n.output}
    users = {}
    for n in g.node:
        for i in n.input:
            users.setdefault(i, []).append(n)

    def val(name):
        if name in inits:
            return _init_array(inits[name])
        return consts[name]

    q_in = next(n for n in g.node if n.op_type == "QuantizeLinear" and n.input[0] == g.input[0].name)
    sx = np.float32(val(q_in.input[1]))
    zx = int(val(q_in.input[2]))
    assert sx == np.float32(SX) and zx == ZX, "unexpected input quantization"
    s_in = sx
    layers = []
    for n in g.node:
        if n.op_type not in ("Conv", "Gemm"):
            continue
        dqw = by_out[n.input[1]]
        w = val(dqw.input[0]).astype(np.int64)
        if len(dqw.input) > 2 and dqw.input[2]:
            w = w - val(dqw.input[2]).astype(np.int64)
        sw = np.float32(val(dqw.input[1]))
        if n.input[2] in by_out and by_out[n.input[2]].op_type == "DequantizeLinear":
            dqb = by_out[n.input[2]]
            b = val(dqb.input[0]).astype(np.int64)
            assert np.float32(val(dqb.input[1])) == np.float32(s_in * sw), "bias scale != s_in*sw"
        else:
            bf = val(n.input[2]).astype(np.float64)
            b = np.rint(bf / (np.float64(s_in) * np.float64(sw))).astype(np.int64)
        layer = {"kind": "conv" if n.op_type == "Conv" else "linear", "w": w.astype(np.int8),
                 "sw": sw, "b": b.astype(np.int32), "s_in": np.float32(s_in), "s_out": None}
        if n.op_type == "Conv":
            relu = users[n.output[0]][0]
            q = users[relu.output[0]][0]
            assert relu.op_type == "Relu" and q.op_type == "QuantizeLinear"
            layer["s_out"] = np.float32(val(q.input[1]))
            s_in = layer["s_out"]
        layers.append(layer)
    arch = "rcnn" if len({id(by_out[n.input[1]]) for n in g.node if n.op_type == "Conv"}) == 2 else "cnn"
    return {"arch": arch, "sx": sx, "zx": zx, "layers": layers}
