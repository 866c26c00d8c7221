#!/usr/bin/python3
"""Write N random samples for an ONNX model's input as raw little-endian
float32, concatenated (the format scripts/ort/ort-run.mjs reads).

    /usr/bin/python3 test/models/make_inputs.py MODEL.onnx N OUT.f32 [--seed S] [--kind uniform|ecg]
                                                [--widen F] [--ties F]

The range follows the first quantizer that reads the input: QuantizeLinear
(uint8/int8/uint4/int4 from its zero point or output_dtype), QONNX Quant
(bit width, signed, narrow) or DynamicQuantizeLinear. With a quantizer of
scale s and integer range [qmin, qmax] around zero point z, the representable
real range is [s*(qmin-z), s*(qmax-z)]; samples are uniform over that range
widened on each side by --widen (default 0.1 of the range), so that about
17% lies outside and tests clamping. A further fraction (--ties, default
0.05) is put exactly on rounding ties (k+0.5)*s inside the range, to exercise
round-half-to-even. Without a quantizer the range is [-2, 2].

--kind ecg instead writes synthetic heartbeat-like windows (a Gaussian R
peak at a random position and height, a small negative T-like wave, noise),
scaled into the quantizer's range: realistic, non-saturating activations
for golden-model tests of the [1,1,L] QRCNN models.

A dynamic first dimension counts as 1; other dynamic dimensions are errors.
Prints one line describing the range used.
"""

import argparse
import os
import sys

import numpy as np
import onnx
from onnx import numpy_helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from onnx_util import UINT8, INT8, UINT4, INT4, unpack_int4  # noqa: E402

RANGES = {UINT8: (0, 255), INT8: (-128, 127), UINT4: (0, 15), INT4: (-8, 7)}


def const_value(name, inits, producers):
    if name in inits:
        t = inits[name]
        if t.data_type in (UINT4, INT4):
            n = int(np.prod(t.dims)) if len(t.dims) else 1
            return unpack_int4(t.raw_data, n, t.data_type == INT4).reshape(list(t.dims)), t.data_type
        return numpy_helper.to_array(t), t.data_type
    p = producers.get(name)
    if p is not None and p.op_type == "Constant":
        for a in p.attribute:
            if a.name == "value":
                return numpy_helper.to_array(a.t), a.t.data_type
            if a.name == "value_float":
                return np.float32(a.f), 1
            if a.name == "value_int":
                return np.int64(a.i), 7
    return None, None


def input_range(m):
    """(lo, hi, scale_or_None, description) for the model's first input."""
    g = m.graph
    inits = {t.name: t for t in g.initializer}
    producers = {o: n for n in g.node for o in n.output}
    x = [i for i in g.input if i.name not in inits][0].name
    consumers = [n for n in g.node if x in n.input]
    for n in consumers:
        if n.op_type == "QuantizeLinear":
            s, _ = const_value(n.input[1], inits, producers)
            zt, zdt = (const_value(n.input[2], inits, producers) if len(n.input) > 2 and n.input[2]
                       else (None, None))
            dt = zdt
            if dt is None:
                dt = UINT8
                for a in n.attribute:
                    if a.name == "output_dtype":
                        dt = a.i
            if s is None or dt not in RANGES:
                continue
            z = 0.0 if zt is None else np.asarray(zt, np.float64)
            s = np.asarray(s, np.float64)
            qmin, qmax = RANGES[dt]
            lo, hi = np.min(s * (qmin - z)), np.max(s * (qmax - z))
            return float(lo), float(hi), float(np.min(s)), float(np.min(z)), \
                "QuantizeLinear %s: scale %s zero point %s range %d..%d" % (n.name, s, z, qmin, qmax)
        if n.op_type == "Quant":
            s, _ = const_value(n.input[1], inits, producers)
            z, _ = const_value(n.input[2], inits, producers)
            bw, _ = const_value(n.input[3], inits, producers)
            at = {a.name: a.i for a in n.attribute if a.type == onnx.AttributeProto.INT}
            b = int(bw)
            if at.get("signed", 1):
                qmin, qmax = -2 ** (b - 1) + at.get("narrow", 0), 2 ** (b - 1) - 1
            else:
                qmin, qmax = 0, 2 ** b - 1 - at.get("narrow", 0)
            s, z = float(np.min(s)), float(np.min(z))
            return s * (qmin - z), s * (qmax - z), s, z, \
                "QONNX Quant %s: scale %g zero point %g bits %d range %d..%d" % (n.name, s, z, b, qmin, qmax)
        if n.op_type == "DynamicQuantizeLinear":
            return -1.0, 1.0, None, None, "DynamicQuantizeLinear %s: range set by the data; using [-1,1]" % n.name
    return -2.0, 2.0, None, None, "no input quantizer: using [-2,2]"


def sample_shape(m):
    inits = {t.name for t in m.graph.initializer}
    vi = [i for i in m.graph.input if i.name not in inits][0]
    dims = []
    for k, d in enumerate(vi.type.tensor_type.shape.dim):
        if d.HasField("dim_value") and d.dim_value > 0:
            dims.append(int(d.dim_value))
        elif k == 0:
            dims.append(1)
        else:
            raise SystemExit("make_inputs: input %s dim %d is dynamic" % (vi.name, k))
    return vi.name, dims


def ecg_like(rng, n, length, lo, hi):
    """Heartbeat-like windows within [lo, hi] (mostly in its middle half)."""
    t = np.linspace(0, 1, length)
    x = np.zeros((n, length))
    for k in range(n):
        c = rng.uniform(0.3, 0.7)
        x[k] = (rng.uniform(0.5, 1.4) * np.exp(-((t - c) / 0.02) ** 2)
                - 0.3 * np.exp(-((t - c - 0.08) / 0.04) ** 2)
                + rng.normal(0, 0.05, length) + rng.uniform(-0.2, 0.2))
    mid, half = (lo + hi) / 2, (hi - lo) / 2
    return mid + x * half / 1.5


def make(m, n, seed=0, widen=0.1, ties=0.05, kind="uniform"):
    name, dims = sample_shape(m)
    lo, hi, s, z, desc = input_range(m)
    rng = np.random.default_rng(seed)
    size = int(np.prod(dims))
    if kind == "ecg":
        x = ecg_like(rng, n, size, lo, hi).astype(np.float32)
        return x.reshape([n] + dims), desc + "; ECG-like windows", (lo, hi)
    span = hi - lo
    x = rng.uniform(lo - widen * span, hi + widen * span, size=(n, size))
    if s is not None and ties > 0:
        mask = rng.random((n, size)) < ties
        # ties in quantized units: (k + 0.5) - z is the real value / s
        k = rng.integers(int(np.floor(lo / s + z)), int(np.floor(hi / s + z)), size=(n, size))
        x = np.where(mask, (k + 0.5 - z) * s, x)
    x = x.astype(np.float32)
    return x.reshape([n] + dims), desc, (lo, hi)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("model")
    ap.add_argument("n", type=int)
    ap.add_argument("out")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--widen", type=float, default=0.1, help="fraction of the range added on each side")
    ap.add_argument("--ties", type=float, default=0.05, help="fraction of values put on rounding ties")
    ap.add_argument("--kind", choices=("uniform", "ecg"), default="uniform")
    a = ap.parse_args()
    if a.n < 1:
        raise SystemExit("make_inputs: N must be >= 1")
    m = onnx.load(a.model, load_external_data=False)
    x, desc, (lo, hi) = make(m, a.n, a.seed, a.widen, a.ties, a.kind)
    x.astype("<f4").tofile(a.out)
    if a.kind == "ecg":
        print("%s: %d samples of %s, ECG-like within [%.6g, %.6g]; %s" % (a.out, a.n, list(x.shape[1:]), lo, hi, desc))
    else:
        print("%s: %d samples of %s, uniform over [%.6g, %.6g] widened by %d%% each side, %d%% ties; %s" %
              (a.out, a.n, list(x.shape[1:]), lo, hi, int(a.widen * 100), int(a.ties * 100), desc))


if __name__ == "__main__":
    main()
