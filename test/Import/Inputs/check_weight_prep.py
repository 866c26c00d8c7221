"""Recompute a weight-preparation subgraph's integers with numpy and compare
them with the i4 constant qrcnnc imported.

    check_weight_prep.py MODEL.onnx IMPORTED.mlir

The model's subgraph is Div(conv.weight, w.scale) -> Round -> Clip(w.qmin,
w.qmax) [-> Mul -> QuantizeLinear | -> Cast(int8)]; every variant yields
round_half_even(clip(w / s)) (np.rint rounds half to even, in float32).
"""
import re
import sys

import numpy as np
import onnx
from onnx import numpy_helper


def main():
    model = onnx.load(sys.argv[1])
    inits = {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}
    w = inits["conv.weight"].astype(np.float32)
    s = np.float32(inits["w.scale"])
    lo, hi = np.float32(inits["w.qmin"]), np.float32(inits["w.qmax"])
    expected = np.clip(np.rint(w / s), lo, hi).astype(np.int64)
    ir = open(sys.argv[2]).read()
    m = re.search(r"qnn\.constant dense<(.*?)> : tensor<([0-9x]+)xi4>", ir)
    if not m:
        print("no i4 constant in the IR")
        return 1
    got = np.array([int(v) for v in re.findall(r"-?\d+", m.group(1))]).reshape(expected.shape)
    if not np.array_equal(got, expected):
        print("MISMATCH\n", got, "\n", expected)
        return 1
    print("%d weights equal round_half_even(clip(w / s, %d, %d))" % (expected.size, lo, hi))
    return 0


if __name__ == "__main__":
    sys.exit(main())
