#!/usr/bin/python3
"""The QRCNN test network of test/models/qrcnn.py (L=180, 12 channels, four
weight-tied blocks, per-channel block weights) written directly as qnn IR,
folded (one qnn.recurrent_conv, iterations=4) or unfolded (four conv ->
requantize -> maxpool blocks), with inputs and the expected logits from that
file's exact integer reference (written independently of the compiler).

    qrcnn_spec_model.py OUT.mlir IN.f32 EXPECTED.f32 [--unfolded] [--samples N] [--seed S]
"""

import argparse
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "models"))
sys.path.insert(0, HERE)

import qrcnn  # noqa: E402
from qnn_testgen import Model, Q  # noqa: E402


def build(spec, unfolded):
    m = Model("qrcnn")
    sx, sa = float(spec.sx), float(spec.sa)
    x = m.input([1, 1, spec.L])
    q = m.quantize(x, Q(8, False, sx, spec.zx))
    w = m.constant(spec.stem_w, Q(4, True, float(spec.stem_sw)))
    b = m.constant(spec.stem_b, Q(32, True, sx * float(spec.stem_sw)))
    act = Q(8, False, sa, 0, 0, 15)
    y = m.maxpool(m.requantize(m.conv(q, w, b, pads=[1, 1]), act), [2], [2])
    sws = [float(s) for s in spec.block_sw]
    wb = m.constant(spec.weights["W"], Q(4, True, sws, axis=0))
    bb = m.constant(spec.biases["B"], Q(32, True, [sa * s for s in sws], axis=0))
    if unfolded:
        for _ in range(len(spec.blocks)):
            y = m.maxpool(m.requantize(m.conv(y, wb, bb, pads=[2, 2]), act), [2], [2])
    else:
        y = m.recurrent_conv(y, wb, bb, len(spec.blocks), [2, 2], pool_kernel=[2], pool_strides=[2])
    flat = m.reshape(y, [1, spec.C * spec.final_len()])
    wf = m.constant(spec.fc_w, Q(4, True, float(spec.fc_sw)))
    bf = m.constant(spec.fc_b, Q(32, True, sa * float(spec.fc_sw)))
    m.output(m.dequantize(m.dense(flat, wf, bf)))
    return m


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("mlir")
    ap.add_argument("inputs")
    ap.add_argument("expected")
    ap.add_argument("--unfolded", action="store_true")
    ap.add_argument("--samples", type=int, default=16)
    ap.add_argument("--seed", type=int, default=3)
    args = ap.parse_args()
    spec = qrcnn.Spec()
    assert spec.blocks and all(b["w"] == "W" and b["b"] == "B" for b in spec.blocks)
    m = build(spec, args.unfolded)
    with open(args.mlir, "w") as f:
        f.write(m.mlir())
    rng = np.random.default_rng(args.seed)
    sx = float(spec.sx)
    lo, hi = (0 - spec.zx) * sx, (255 - spec.zx) * sx
    x = rng.uniform(lo - 0.1 * (hi - lo), hi + 0.1 * (hi - lo), (args.samples, 1, spec.L))
    ties = rng.random(x.shape) < 0.05
    x[ties] = (rng.integers(-128, 127, x.shape)[ties] + 0.5) * sx
    x = x.astype(np.float32)
    x.astype("<f4").tofile(args.inputs)
    logits, _ = qrcnn.reference(spec, x)
    np.asarray(logits, np.float32).astype("<f4").tofile(args.expected)
    # The builder's own reference must agree with the colleague's.
    mine = np.concatenate([m.evaluate([s[None]])[0] for s in x[:2]])
    assert np.array_equal(mine, logits[:2]), "qnn_testgen reference disagrees with qrcnn.reference"
    return 0


if __name__ == "__main__":
    sys.exit(main())
