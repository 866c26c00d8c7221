#!/usr/bin/python3
"""ONNX's own operator tests (Debian's libonnx-testdata) through
`--target cpp`: every test the golden model runs and the integer lowering
accepts (the quantized ones) is compiled, built and run through its
harness; the outputs must be bit-identical to `qrcnnc --run`.

    node_cpp.py --table scope.tsv --work DIR [--data DIR] [--cxx c++]

The tests are adapted by test/onnx-node/node_cases.py, as for
test/e2e/node_golden.py (parameters bound as initializers, integer
activations fed through QuantizeLinear). Float-only tests are refused by
the integer lowering (exit 1 with a diagnostic) and counted. Prints a line
per failure and a summary; exit status 1 on any failure (a crash, a build
failure, a mismatch).
"""
import argparse
import os
import subprocess
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.abspath(os.path.join(HERE, "..", "..", "..", ".."))
sys.path.insert(0, os.path.join(SRC, "test", "onnx-node"))
import node_cases  # noqa: E402


# Tests whose compiled outputs are known to differ today, with the cause (a
# bug outside the CPU backend). A listed test that matches is reported, so
# the list cannot go stale.
PER_AXIS_INPUT = ("qnn-lower-to-loops: the float entry quantizes a per-axis "
                  "input with per-tensor parameters read from a per-axis type")
KNOWN_MISMATCHES = {
    "test_quantizelinear_axis": PER_AXIS_INPUT,
    "test_dequantizelinear_axis": PER_AXIS_INPUT,
}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", default="/usr/share/libonnx-testdata/data/node")
    ap.add_argument("--table", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--cxx", default="c++")
    a = ap.parse_args()
    os.makedirs(a.work, exist_ok=True)

    wanted = node_cases.passing_tests(a.table)

    failures = []
    counts = {"compiled": 0, "refused": 0, "skipped": 0, "values": 0}
    compiled_ops = {}
    for case in node_cases.adapted_cases(a.data, wanted, a.work):
        if case.skip:
            counts["skipped"] += 1
            continue
        name, op, base = case.name, case.op, case.base
        gold = subprocess.run(["qrcnnc", base + ".onnx", "--run", base + ".in.f32",
                               "-o", base + ".gold.f32"], capture_output=True)
        if gold.returncode != 0:
            counts["skipped"] += 1
            continue
        cpp = subprocess.run(["qrcnnc", base + ".onnx", "--target", "cpp", "-o",
                              base + ".cpp", "--name", "net"],
                             capture_output=True, text=True)
        if cpp.returncode == 1:
            counts["refused"] += 1
            continue
        if cpp.returncode != 0:
            failures.append("%s: qrcnnc --target cpp exited %d: %s" %
                            (name, cpp.returncode, cpp.stderr[-300:]))
            continue
        folder = base + ".cpp"
        build = subprocess.run(
            [a.cxx, "-O2", "-std=c++11", "-fno-exceptions", "-fno-rtti", "-Wall",
             "-Werror", "-I", folder, os.path.join(folder, "net.cpp"),
             os.path.join(folder, "net_harness.cpp"), "-o", base + ".harness"],
            capture_output=True, text=True)
        if build.returncode != 0:
            failures.append("%s: C++ does not build: %s" % (name, build.stderr[:300]))
            continue
        run = subprocess.run([base + ".harness", base + ".in.f32", base + ".out.f32"],
                             capture_output=True, text=True)
        if run.returncode != 0:
            failures.append("%s: harness exited %d" % (name, run.returncode))
            continue
        got = np.fromfile(base + ".out.f32", np.uint32)
        want = np.fromfile(base + ".gold.f32", np.uint32)
        differ = got.shape != want.shape or bool(np.any(got != want))
        if differ and name in KNOWN_MISMATCHES:
            print("KNOWN: %s: %s" % (name, KNOWN_MISMATCHES[name]))
            counts["known"] = counts.get("known", 0) + 1
            continue
        if differ:
            failures.append("%s (%s): outputs differ from the golden model" % (name, op))
            continue
        if name in KNOWN_MISMATCHES:
            failures.append("%s now matches: remove it from KNOWN_MISMATCHES" % name)
        counts["compiled"] += 1
        counts["values"] += got.size
        compiled_ops[op] = compiled_ops.get(op, 0) + 1

    for f in failures:
        print("FAILED: " + f)
    print("compiled per op: " + ", ".join("%s %d" % kv for kv in sorted(compiled_ops.items())))
    print("node tests: %d; compiled and bit-identical: %d (%d values); refused by the "
          "integer lowering (float ops): %d; not run by the golden model or "
          "folded: %d; known mismatches: %d; failures: %d" %
          (len(wanted), counts["compiled"], counts["values"], counts["refused"],
           counts["skipped"], counts.get("known", 0), len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
