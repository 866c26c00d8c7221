#!/usr/bin/python3
"""Run ONNX's own operator tests (Debian's libonnx-testdata) through the
golden model and compare with their expected outputs.

    node_golden.py --qrcnnc BIN --data DIR --table scope.tsv --work DIR

Takes every test that test/onnx-node/scope.tsv says qrcnnc imports
(`pass`), adapts it exactly as run_node_tests.py does (parameters bound as
initializers, integer activations fed through QuantizeLinear from a float
input), and runs `qrcnnc --run` on the test's input data
(test_data_set_0). Outputs must match output_K.pb: float values within
rtol 1e-4 / atol 1e-5 (the reference is numpy in float32 or float64),
quantized values (a quantization step known from --run-meta) within one
step, integers exactly. Tests whose ops qrcnnc only folds at compile time
(no run-time op left), tests with more than one run-time input (--run
takes one) and tests the importer refuses are counted and skipped:
run_node_tests.py checks folding and the table.
Prints a line per failure and a summary; exit 1 on any failure.
"""

import argparse
import json
import os
import subprocess
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "onnx-node"))
import node_cases  # noqa: E402
import run_node_tests as nt  # noqa: E402

RTOL, ATOL = 1e-4, 1e-5


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--qrcnnc", required=True)
    ap.add_argument("--data", default="/usr/share/libonnx-testdata/data/node")
    ap.add_argument("--table", required=True)
    ap.add_argument("--work", required=True)
    a = ap.parse_args()
    os.makedirs(a.work, exist_ok=True)

    wanted = node_cases.passing_tests(a.table)

    failures, counts = [], {"ran": 0, "matched": 0, "folded": 0, "inputs": 0,
                            "refused": 0, "one_step": 0}
    per_op = {}
    for case in node_cases.adapted_cases(a.data, wanted, a.work):
        name, op, base = case.name, case.op, case.base
        if case.skip == "folded":
            counts["folded"] += 1
            continue
        if case.skip == "inputs":
            counts["inputs"] += 1
            continue
        if case.skip == "inexact":
            failures.append("%s: cannot feed the integer input exactly through "
                            "QuantizeLinear" % name)
            continue
        if subprocess.run([a.qrcnnc, base + ".onnx", "--import-only", "-o", os.devnull],
                          capture_output=True).returncode != 0:
            counts["refused"] += 1
            continue
        p = subprocess.run([a.qrcnnc, base + ".onnx", "--run", base + ".in.f32", "-o",
                            base + ".out.f32", "--run-meta", base + ".meta.json"],
                           capture_output=True, text=True)
        if p.returncode != 0:
            failures.append("%s: qrcnnc --run failed: %s" % (name, p.stderr.strip()[:300]))
            continue
        counts["ran"] += 1
        with open(base + ".meta.json") as f:
            meta = json.load(f)
        got = np.fromfile(base + ".out.f32", "<f4").astype(np.float64)
        expected = nt.load_outputs(case.test_dir, case.model)
        steps = np.concatenate([np.asarray(o["steps"], np.float64) for o in meta["outputs"]])
        want = np.concatenate([np.asarray(e).astype(np.float64).ravel() for e in expected])
        is_int = np.concatenate([np.full(np.asarray(e).size, np.asarray(e).dtype.kind in "iub")
                                 for e in expected])
        if got.size != want.size:
            failures.append("%s: %d output values, expected %d" % (name, got.size, want.size))
            continue
        diff = np.abs(got - want)
        quantized = steps > 0
        ok_int = diff[is_int] == 0
        one_step = (~ok_int) & (diff[is_int] <= 1) & quantized[is_int]
        ok_quant = diff[~is_int & quantized] <= steps[~is_int & quantized] * (1 + 1e-6)
        ok_float = np.isclose(got[~is_int & ~quantized], want[~is_int & ~quantized],
                              rtol=RTOL, atol=ATOL, equal_nan=True)
        bad = int((~(ok_int | one_step)).sum() + (~ok_quant).sum() + (~ok_float).sum())
        counts["one_step"] += int(one_step.sum()) + int(
            (diff[~is_int & quantized] > 0).sum())
        stats = per_op.setdefault(op, [0, 0])
        stats[0] += 1
        if bad:
            failures.append("%s (%s): %d of %d values differ (max abs diff %.3g)" %
                            (name, op, bad, got.size, float(diff.max())))
        else:
            counts["matched"] += 1
            stats[1] += 1

    for f in failures:
        print("FAILED: " + f)
    print("per op (ran/matched): " +
          ", ".join("%s %d/%d" % (op, s[0], s[1]) for op, s in sorted(per_op.items())))
    print("node tests imported: %d; run by the golden model: %d, matching the expected "
          "outputs: %d (quantized values one step off: %d); skipped: %d folded at compile "
          "time, %d with several run-time inputs, %d refused by the importer; failures: %d" %
          (len(wanted), counts["ran"], counts["matched"], counts["one_step"],
           counts["folded"], counts["inputs"], counts["refused"], len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
