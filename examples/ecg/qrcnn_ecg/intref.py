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
