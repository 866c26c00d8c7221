#!/usr/bin/python3
"""Explain compare_ort.py's one-step cases on single-conv QDQ models with
exact rational arithmetic.

    exact_ties.py REPORT --models DIR --work DIR

REPORT is compare_ort.py's output (its ONE-STEP lines); --work the folder it
ran in (NAME.in.f32). For every one-step case of a model whose graph is
QuantizeLinear -> Conv (DequantizeLinear weights) [-> Relu/Clip] ->
QuantizeLinear -> DequantizeLinear, recompute the value from the ONNX file
alone: x quantized as ORT does (float32 division, half to even), the exact
integer accumulator, then acc * sx * sw[c] / sy as a Fraction of the float32
scales, rounded half to even. Prints per case whether it is an exact tie and
which side (golden model or ORT) equals the exactly rounded value, and a
summary line.
"""

import argparse
import itertools
import math
import os
import re
from fractions import Fraction

import numpy as np
import onnx
from onnx import helper, numpy_helper

LINE = re.compile(r"ONE-STEP: (\S+) sample (\d+) value (\d+): golden (\S+), ORT (\S+)")


def round_half_even(f):
    q = math.floor(f)
    r = f - q
    if r > Fraction(1, 2) or (r == Fraction(1, 2) and q % 2):
        q += 1
    return q


def exact_value(model_path, inputs_path, sample, index):
    """(exact dequantized value, is a tie) or None if the model is not a
    single QDQ conv."""
    g = onnx.load(model_path).graph
    init = {t.name: numpy_helper.to_array(t) for t in g.initializer}
    ops = [n.op_type for n in g.node]
    convs = [n for n in g.node if n.op_type == "Conv"]
    quants = [n for n in g.node if n.op_type == "QuantizeLinear"]
    if len(convs) != 1 or len(quants) != 2 or (len(convs[0].input) > 2 and convs[0].input[2]):
        return None
    if not set(ops) <= {"QuantizeLinear", "DequantizeLinear", "Conv", "Relu", "Clip"}:
        return None
    conv = convs[0]
    attrs = {a.name: helper.get_attribute_value(a) for a in conv.attribute}
    wdq = next(n for n in g.node if n.output[0] == conv.input[1])
    wq = init[wdq.input[0]].astype(np.int64)
    sw = np.asarray(init[wdq.input[1]], np.float32)
    qx, qy = quants
    sx, zx_arr = np.float32(init[qx.input[1]]), init[qx.input[2]]
    sy, zy_arr = np.float32(init[qy.input[1]]), init[qy.input[2]]
    zx, zy = int(zx_arr), int(zy_arr)
    shape = [d.dim_value for d in g.input[0].type.tensor_type.shape.dim]
    x = np.fromfile(inputs_path, "<f4").reshape([-1] + shape[1:])[sample]
    info = np.iinfo(zx_arr.dtype)
    q = np.clip(np.rint(x / sx) + zx, info.min, info.max).astype(np.int64) - zx
    kernel = wq.shape[2:]
    nd = len(kernel)
    pads = attrs.get("pads", [0] * (2 * nd))
    strides = attrs.get("strides", [1] * nd)
    dil = attrs.get("dilations", [1] * nd)
    spatial = q.shape[1:]
    outs = [(spatial[d] + pads[d] + pads[d + nd] - dil[d] * (kernel[d] - 1) - 1) // strides[d] + 1
            for d in range(nd)]
    per_channel = int(np.prod(outs))
    c = index // per_channel
    pos = np.unravel_index(index % per_channel, outs)
    acc = 0
    for i in range(wq.shape[1]):
        for k in itertools.product(*[range(n) for n in kernel]):
            at = [pos[d] * strides[d] + k[d] * dil[d] - pads[d] for d in range(nd)]
            if all(0 <= at[d] < spatial[d] for d in range(nd)):
                acc += int(q[(i,) + tuple(at)]) * int(wq[(c, i) + tuple(k)])
    swc = sw[c] if sw.ndim else sw
    real = Fraction(acc) * Fraction(float(sx)) * Fraction(float(swc)) / Fraction(float(sy))
    yq = round_half_even(real) + zy
    out_info = np.iinfo(zy_arr.dtype)
    lo = zy if ("Relu" in ops) else out_info.min
    yq = min(max(yq, lo), out_info.max)
    return float(Fraction(yq - zy) * Fraction(float(sy))), real - math.floor(real) == Fraction(1, 2)


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("report")
    ap.add_argument("--models", required=True)
    ap.add_argument("--work", required=True)
    a = ap.parse_args()
    cases = ties = ort_exact = golden_exact = skipped = 0
    with open(a.report) as f:
        for line in f:
            m = LINE.match(line)
            if not m:
                continue
            name, sample, index = m.group(1), int(m.group(2)), int(m.group(3))
            golden, ort = float(m.group(4)), float(m.group(5))
            r = exact_value(os.path.join(a.models, name + ".onnx"),
                            os.path.join(a.work, name + ".in.f32"), sample, index)
            if r is None:
                skipped += 1
                continue
            exact, tie = r
            cases += 1
            ties += tie
            ort_exact += exact == ort
            golden_exact += exact == golden
            print("%s sample %d value %d: exact %.9g (%s), golden %.9g, ORT %.9g" %
                  (name, sample, index, exact, "tie" if tie else "no tie", golden, ort))
    print("one-step cases checked: %d (not single QDQ convs: %d); exact ties: %d; exactly "
          "rounded: ORT %d, golden model %d" % (cases, skipped, ties, ort_exact, golden_exact))


if __name__ == "__main__":
    main()
