"""ONNX's operator tests that test/onnx-node/scope.tsv says qrcnnc imports,
adapted (by run_node_tests.adapt) into one-input models with their input
data written out: the walk test/e2e/node_golden.py (golden model) and
test/Target/CPP/Inputs/node_cpp.py (--target cpp) share.
"""
import os
import sys

import numpy as np
import onnx
from onnx import numpy_helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run_node_tests as nt  # noqa: E402


def passing_tests(table):
    """The names of the tests the table marks `pass` (imported)."""
    wanted = []
    with open(table) as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            cols = line.rstrip("\n").split("\t")
            if cols[1] == "pass":
                wanted.append(cols[0])
    return wanted


def graph_input_data(adapted, values):
    """The float32 data of the adapted model's single input; None if it
    cannot be fed exactly."""
    name = adapted.graph.input[0].name
    if not name.endswith("__float"):
        return numpy_helper.to_array(values[name]).astype(np.float32)
    # A wrapped integer activation: feed (q - z) * s so that the
    # QuantizeLinear in front of the op gives back q.
    orig = name[:-len("__float")]
    q = numpy_helper.to_array(values[orig]).astype(np.int64)
    inits = {t.name: numpy_helper.to_array(t) for t in adapted.graph.initializer}
    s = np.asarray(inits[orig + "__scale"], np.float32)
    z = np.asarray(inits[orig + "__zero_point"]).astype(np.int64)
    # Per-axis parameters broadcast along axis 1 (QuantizeLinear's default).
    if s.ndim == 1 and q.ndim > 1:
        shape = [1] * q.ndim
        shape[1] = -1
        s, z = s.reshape(shape), z.reshape(shape)
    x = ((q - z).astype(np.float32) * s).astype(np.float32)
    if not np.array_equal(np.rint(x / s).astype(np.int64) + z, q):
        return None
    return x


class Case:
    """One test: `skip` is None when `base`.onnx (the adapted model) and
    `base`.in.f32 (its input) are written, else why not: "folded" (no
    run-time op: qrcnnc folds it at compile time), "inputs" (several run-time
    inputs; --run takes one) or "inexact" (the integer input cannot be fed
    exactly through QuantizeLinear)."""

    def __init__(self, name, test_dir, model, op):
        self.name, self.test_dir, self.model, self.op = name, test_dir, model, op
        self.skip = None
        self.base = None


def adapted_cases(data, names, work):
    """Yields a Case per test in `names` (folders of `data`), writing the
    adapted models and their inputs into `work`."""
    for name in names:
        test_dir = os.path.join(data, name)
        model = onnx.load(os.path.join(test_dir, "model.onnx"))
        case = Case(name, test_dir, model, nt.primary_op(name, model))
        if case.op is None or case.op in nt.FOLD_ONLY:
            case.skip = "folded"
            yield case
            continue
        values = nt.load_inputs(test_dir, model)
        adapted, _ = nt.adapt(model, case.op, values)
        if len(adapted.graph.input) != 1:
            case.skip = "inputs"
            yield case
            continue
        x = graph_input_data(adapted, values)
        if x is None:
            case.skip = "inexact"
            yield case
            continue
        case.base = os.path.join(work, name)
        onnx.save(adapted, case.base + ".onnx")
        x.astype("<f4").tofile(case.base + ".in.f32")
        yield case
