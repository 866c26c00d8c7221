"""The conventional 5-layer CNN and the RCNN, in float and QAT form.

Architecture (window 180 samples, C = 12 channels, kernel 5, 'same'
padding 2, stride 1, MaxPool(2) after every block):

    input (1 x 180)
    stem  : conv 1->C  + ReLU + pool        -> C x 90
    body  : 4 blocks conv C->C + ReLU + pool -> C x 45, 22, 11, 5
            CNN : four separate conv layers
            RCNN: ONE conv layer applied four times (weight-tied)
    head  : flatten (5*C = 60) -> linear -> classes

Quantization-aware variant (straight-through estimator for every rounding):
    input       uint8, scale SX = 1/32 mV (power of two), zero point 128
    weights     int4 symmetric per tensor: sw = max|w| / 7, q in [-8, 7]
    bias        int32 at scale s_in * sw, rounded half to even
    activations uint4 (0..15), zero point 0, power-of-two scale chosen by
                calibration; block = conv -> requant -> relu -> clamp(0,15)
                -> maxpool(2)
    RCNN: the stem output and all four recurrent steps share ONE activation
    quantizer, so every recurrent block has identical input and output
    quantization (the compiler folds the four blocks into one recurrent op).
    The CNN has one activation quantizer per block.
All activation scales (and SX) are powers of two, so the requantization
multiplier M = s_in * sw / s_out is exactly a binary fraction.
"""
from __future__ import annotations

import math
from typing import Dict, List, Optional

import torch
import torch.nn as nn
import torch.nn.functional as F

WINDOW = 180
CHANNELS = 12
KERNEL = 5
PAD = KERNEL // 2
STEPS = 4
SX = 1.0 / 32.0      # input scale in mV per step (power of two)
ZX = 128             # input zero point (uint8)
W_QMIN, W_QMAX = -8, 7
A_QMAX = 15


def feature_len(window: int = WINDOW) -> int:
    n = window // 2
    for _ in range(STEPS):
        n //= 2
    return n


# --- fake quantization with straight-through estimator --------------------

def round_ste(x: torch.Tensor) -> torch.Tensor:
    """Round half to even in the forward pass, identity gradient."""
    return (torch.round(x) - x).detach() + x


def fq_input(x: torch.Tensor) -> torch.Tensor:
    q = torch.clamp(round_ste(x / SX) + ZX, 0, 255)
    return (q - ZX) * SX


def weight_scale(w: torch.Tensor) -> torch.Tensor:
    """Per-tensor symmetric int4 scale (a float32 scalar, not trained)."""
    return (w.detach().abs().max() / W_QMAX).clamp_min(1e-8)


def fq_weight(w: torch.Tensor, sw: torch.Tensor) -> torch.Tensor:
    return torch.clamp(round_ste(w / sw), W_QMIN, W_QMAX) * sw


def fq_bias(b: torch.Tensor, s: torch.Tensor) -> torch.Tensor:
    lim = 2.0 ** 31 - 1
    return torch.clamp(round_ste(b / s), -lim, lim) * s


ACT_LOG2_SCALE = -3   # activation scale 2**-3 = 0.125, range 0 .. 1.875


class ActQuant(nn.Module):
    """ReLU + uint4 activation quantizer with a power-of-two scale 2**log2s.

    mode 'float'    : clipped ReLU, clamp(y, 0, 15 * s): the float model is
                      trained with the same range as the quantized one
                      (PACT-like with a fixed bound). This keeps the
                      magnitudes of the RCNN's four weight-tied steps inside
                      one shared 4-bit range.
    mode 'quant'    : clamp(round(y / s), 0, 15) * s with STE
    While `observing`, the module records the values it sees so that
    `calibrate()` can pick the power of two with the least squared error
    (optional; the default is the fixed scale ACT_LOG2_SCALE).
    """

    def __init__(self, log2s: int = ACT_LOG2_SCALE):
        super().__init__()
        self.register_buffer("log2s", torch.tensor(log2s, dtype=torch.int64))
        self.mode = "quant"
        self.observing = False
        self._seen: List[torch.Tensor] = []

    @property
    def scale(self) -> float:
        return 2.0 ** int(self.log2s)

    def forward(self, y: torch.Tensor) -> torch.Tensor:
        y = F.relu(y)
        if self.observing:
            flat = y.detach().flatten()
            if flat.numel() > 200000:
                flat = flat[torch.randperm(flat.numel())[:200000]]
            self._seen.append(flat)
        s = self.scale
        if self.mode == "float":
            return torch.clamp(y, max=A_QMAX * s)
        return torch.clamp(round_ste(y / s), 0, A_QMAX) * s

    def calibrate(self):
        v = torch.cat(self._seen)
        self._seen = []
        best, best_err = None, None
        for k in range(-12, 6):
            s = 2.0 ** k
            err = float(((torch.clamp(torch.round(v / s), 0, A_QMAX) * s - v) ** 2).mean())
            if best_err is None or err < best_err:
                best, best_err = k, err
        self.log2s.fill_(best)


class QConv1d(nn.Conv1d):
    """Conv1d whose weights (int4) and bias (int32) are fake-quantized.
    The input scale must be given: it sets the bias grid s_in * sw."""

    def __init__(self, cin, cout):
        super().__init__(cin, cout, KERNEL, padding=PAD)
        self.quant = True

    def forward(self, x, s_in: Optional[float] = None):
        if not self.quant:
            return super().forward(x)
        sw = weight_scale(self.weight)
        w = fq_weight(self.weight, sw)
        b = fq_bias(self.bias, s_in * sw)
        return F.conv1d(x, w, b, padding=PAD)


class QLinear(nn.Linear):
    def __init__(self, fin, fout):
        super().__init__(fin, fout)
        self.quant = True

    def forward(self, x, s_in: Optional[float] = None):
        if not self.quant:
            return super().forward(x)
        sw = weight_scale(self.weight)
        return F.linear(x, fq_weight(self.weight, sw), fq_bias(self.bias, s_in * sw))


class EcgNet(nn.Module):
    """arch 'cnn' (four separate body convs) or 'rcnn' (one conv, 4 times).
    quant=False: float model; quant=True: QAT model (same parameter names,
    so a float checkpoint initialises the QAT model)."""

    def __init__(self, arch: str, num_classes: int = 5, quant: bool = False,
                 channels: int = CHANNELS):
        super().__init__()
        assert arch in ("cnn", "rcnn")
        self.arch, self.quant, self.C = arch, quant, channels
        self.stem = QConv1d(1, channels)
        if arch == "cnn":
            self.body = nn.ModuleList([QConv1d(channels, channels) for _ in range(STEPS)])
            n_act = 1 + STEPS
        else:
            self.rec = QConv1d(channels, channels)  # the one weight-tied layer
            n_act = 1  # ONE quantizer shared by stem and all four steps
        self.acts = nn.ModuleList([ActQuant() for _ in range(n_act)])
        self.fc = QLinear(channels * feature_len(), num_classes)
        self.set_quant(quant)

    def set_quant(self, on: bool):
        self.quant = on
        for m in self.modules():
            if isinstance(m, (QConv1d, QLinear)):
                m.quant = on
            if isinstance(m, ActQuant):
                m.mode = "quant" if on else "float"

    def body_layer(self, i: int) -> QConv1d:
        return self.body[i] if self.arch == "cnn" else self.rec

    def act(self, i: int) -> ActQuant:
        """Activation quantizer after block i (0 = stem, 1..4 = steps)."""
        return self.acts[i] if self.arch == "cnn" else self.acts[0]

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # x: (batch, 1, WINDOW) in mV
        s = SX
        if self.quant:
            x = fq_input(x)
        y = self.stem(x, s)
        a = self.act(0)
        y = F.max_pool1d(a(y), 2)
        s = a.scale
        for i in range(STEPS):
            a = self.act(i + 1)
            y = F.max_pool1d(a(self.body_layer(i)(y, s)), 2)
            s = a.scale
        return self.fc(y.flatten(1), s)


def count_params(model: EcgNet) -> int:
    """Distinct parameters (a weight-tied layer counts once)."""
    return sum(p.numel() for p in model.parameters())


def macs_per_beat(arch: str = "cnn", channels: int = CHANNELS,
                  num_classes: int = 5) -> int:
    """Multiply-accumulates of one inference (same for CNN and RCNN: the
    RCNN repeats its layer four times)."""
    n = WINDOW
    total = n * channels * 1 * KERNEL
    n //= 2
    for _ in range(STEPS):
        total += n * channels * channels * KERNEL
        n //= 2
    total += n * channels * num_classes
    return total


def activation_buffers(channels: int = CHANNELS) -> Dict[str, int]:
    """Bytes of each block output (one 4-bit value per byte; input uint8),
    after pooling (the pool is fused into the block)."""
    out = {"input": WINDOW}
    n = WINDOW // 2
    out["stem"] = n * channels
    for i in range(STEPS):
        n //= 2
        out[f"step{i + 1}"] = n * channels
    out["largest_unpooled_conv_output"] = WINDOW * channels
    return out
