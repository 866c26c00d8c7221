"""Deterministic mutation fuzzing of the importer: every mutant of the
generated test models must be imported (exit 0) or refused with exactly one
diagnostic (exit 1); never a crash, a hang or a second message.

    fuzz_models.py --models DIR --count N [--seed S] [--qrcnnc BIN] --work DIR

Mutations act on the protobuf (dims, element types, raw bytes, attribute
values, scales, op types, node inputs) and on the serialized bytes.
"""
import argparse
import concurrent.futures
import os
import random
import subprocess
import sys

import numpy as np
import onnx
from onnx import numpy_helper

EXTREMES = [-(1 << 62), -(1 << 31), -3, -1, 0, 1, 2, 3, 7, 255, 1 << 31, 1 << 40, 1 << 62]
OPS = ["Conv", "Relu", "Clip", "MaxPool", "AveragePool", "Gemm", "MatMul", "Add", "Mul",
       "Reshape", "Flatten", "Transpose", "QuantizeLinear", "DequantizeLinear", "Softmax",
       "BatchNormalization", "QLinearConv", "ConvInteger", "Cast", "Shape", "Gather", "Concat"]


def mutate(m, rng):
    g = m.graph
    kind = rng.randrange(9)
    if kind == 0 and g.initializer:
        t = rng.choice(g.initializer)
        if t.dims:
            t.dims[rng.randrange(len(t.dims))] = rng.choice(EXTREMES)
        else:
            t.dims.append(rng.choice(EXTREMES))
    elif kind == 1 and g.initializer:
        rng.choice(g.initializer).data_type = rng.randrange(0, 24)
    elif kind == 2 and g.initializer:
        t = rng.choice(g.initializer)
        if t.raw_data:
            t.raw_data = t.raw_data[: rng.randrange(len(t.raw_data) + 1)]
    elif kind == 3 and g.node:
        n = rng.choice(g.node)
        if n.attribute:
            a = rng.choice(n.attribute)
            if a.ints:
                a.ints[rng.randrange(len(a.ints))] = rng.choice(EXTREMES)
            elif a.type == onnx.AttributeProto.INT:
                a.i = rng.choice(EXTREMES)
            elif a.type == onnx.AttributeProto.FLOAT:
                a.f = rng.choice([float("nan"), float("inf"), -1.0, 0.0, 1e30])
            elif a.type == onnx.AttributeProto.STRING:
                a.s = rng.choice([b"", b"SAME_UPPER", b"VALID", b"\xff\xfe"])
    elif kind == 4 and g.initializer:
        t = rng.choice(g.initializer)
        if t.data_type == onnx.TensorProto.FLOAT and t.raw_data:
            a = np.frombuffer(t.raw_data[: len(t.raw_data) // 4 * 4], np.float32).copy()
            if a.size:
                a[rng.randrange(a.size)] = rng.choice([np.nan, np.inf, -np.inf, 0.0, -1.0, 1e38])
                t.raw_data = a.astype(np.float32).tobytes()
    elif kind == 5 and g.node:
        rng.choice(g.node).op_type = rng.choice(OPS)
    elif kind == 6 and g.node:
        n = rng.choice(g.node)
        if n.input:
            i = rng.randrange(len(n.input))
            if rng.random() < 0.5:
                n.input[i] = ""
            else:
                n.input[i] = rng.choice([x.name for x in g.initializer] + [o for k in g.node for o in k.output] or ["x"])
    elif kind == 7 and g.input:
        d = g.input[0].type.tensor_type.shape.dim
        if d:
            d[rng.randrange(len(d))].dim_value = rng.choice(EXTREMES)
    elif kind == 8 and g.node:
        n = rng.choice(g.node)
        n.attribute.extend([onnx.helper.make_attribute(rng.choice(["axis", "group", "perm", "axes", "to", "transB"]),
                                                       rng.choice([rng.choice(EXTREMES), [1, 0], [0, 2, 1]]))])
    return m


def bytes_mutation(data, rng):
    b = bytearray(data)
    for _ in range(rng.randrange(1, 8)):
        if b:
            b[rng.randrange(len(b))] = rng.randrange(256)
    if rng.random() < 0.3:
        b = b[: rng.randrange(len(b) + 1)]
    return bytes(b)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--models", required=True)
    ap.add_argument("--count", type=int, default=300)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--qrcnnc", default="qrcnnc")
    ap.add_argument("--work", required=True)
    a = ap.parse_args()
    os.makedirs(a.work, exist_ok=True)
    rng = random.Random(a.seed)
    sources = sorted(f for f in os.listdir(a.models) if f.endswith(".onnx") and not f.endswith(".ort.onnx"))
    jobs = []
    for k in range(a.count):
        src = os.path.join(a.models, rng.choice(sources))
        path = os.path.join(a.work, "mutant%04d.onnx" % k)
        if rng.random() < 0.2:
            data = bytes_mutation(open(src, "rb").read(), rng)
        else:
            m = onnx.load(src)
            for _ in range(rng.randrange(1, 4)):
                m = mutate(m, rng)
            try:
                data = m.SerializeToString()
            except Exception:  # e.g. an attribute the protobuf refuses
                data = open(src, "rb").read()
        with open(path, "wb") as f:
            f.write(data)
        jobs.append(path)

    def run(path):
        try:
            p = subprocess.run([a.qrcnnc, path, "--import-only", "-o", os.devnull],
                               capture_output=True, text=True, errors="replace", timeout=60)
        except subprocess.TimeoutExpired:
            return path, "timeout"
        errors = [l for l in p.stderr.splitlines() if l.startswith("qrcnnc: error:")]
        if p.returncode == 0:
            return path, None if not errors else "exit 0 with errors"
        if p.returncode != 1:
            return path, "exit code %d: %s" % (p.returncode, p.stderr[-400:])
        if len(errors) != 1:
            return path, "%d diagnostics: %s" % (len(errors), p.stderr[-400:])
        return path, "rejected"

    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(run, jobs))
    bad = [(p, r) for p, r in results if r not in (None, "rejected")]
    for p, r in bad:
        print("PROBLEM: %s: %s" % (os.path.basename(p), r))
    print("%d mutants: %d imported, %d refused with one diagnostic, %d problems" %
          (len(results), sum(r is None for _, r in results), sum(r == "rejected" for _, r in results), len(bad)))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
